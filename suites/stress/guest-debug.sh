#!/bin/bash
# Guest of "make stress" (the debug kernel). KLP_STRESS_DEBUG_PART picks
# what one guest runs, so that the suite can boot two guests side by side:
#   ksft    the livepatch kselftests
#   stress  the malformed-patch table, then the replace stress test
#   all     both, in one guest (the default)
# Each ends with a kmemleak scan. Reports are judged on the host
# (5-verdict/scan-console.sh, kmemleak-check.sh); this fails on test
# failures.
source "$(dirname "$0")/../../harness/lib.sh"

S=$(dirname "$0")
part=${KLP_STRESS_DEBUG_PART:-all}
rc=0
case $part in
ksft|stress|all) ;;
*)	say "KLP_STRESS_DEBUG_PART must be ksft, stress or all, not '$part'"
	exit 1 ;;
esac
if [ "$part" != stress ]; then
	bash "$S/../selftests/guest.sh" || rc=1
fi
if [ "$part" != ksft ]; then
	bash "$S/guest-malformed.sh" || rc=1
	bash "$S/guest.sh" || rc=1
fi

if [ -w "$KMEMLEAK" ]; then
	kmemleak_scan "$RESULTS/kmemleak.txt"
	say "kmemleak: $(grep -c '^unreferenced object' "$RESULTS/kmemleak.txt" || :) suspects in all"
else
	say "kmemleak: $KMEMLEAK missing"
	rc=1
fi
exit $rc
