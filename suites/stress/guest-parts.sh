#!/bin/bash
# Guest of "make stress": the parts KLP_STRESS_PARTS lists, in this order,
# so that the suite can boot a guest per kernel and preemption model, and
# the debug kernel's two guests side by side:
#   ksft      the livepatch kselftests (suites/selftests/guest.sh)
#   malformed the malformed-patch table (guest-malformed.sh)
#   failnth   the fail-nth table (guest-failnth.sh)
#   race      the races (guest-race.sh)
#   stress    the replace stress test (guest.sh)
# KLP_STRESS_KMEMLEAK=1 (the debug kernel) ends with a kmemleak scan.
# Reports are judged on the host (5-verdict/scan-console.sh,
# kmemleak-check.sh); this fails on test failures.
source "$(dirname "$0")/../../harness/lib.sh"

S=$(dirname "$0")
# Lists reach the guest with commas for spaces (harness/4-vm/run-vm.sh).
: "${KLP_STRESS_PARTS:=ksft malformed stress}"
parts=(${KLP_STRESS_PARTS//,/ })
rc=0
say "$(uname -r), preemption $(cat /sys/kernel/debug/sched/preempt 2>/dev/null || echo unknown): ${parts[*]}"
for p in "${parts[@]}"; do
	case $p in
	ksft)	bash "$S/../selftests/guest.sh" || rc=1 ;;
	malformed) bash "$S/guest-malformed.sh" || rc=1 ;;
	failnth) bash "$S/guest-failnth.sh" || rc=1 ;;
	race)	bash "$S/guest-race.sh" || rc=1 ;;
	stress)	bash "$S/guest.sh" || rc=1 ;;
	*)	say "KLP_STRESS_PARTS: no part '$p' (ksft malformed failnth race stress)"
		rc=1 ;;
	esac
done

if [ "${KLP_STRESS_KMEMLEAK:-0}" = 1 ]; then
	if [ -w "$KMEMLEAK" ]; then
		kmemleak_scan "$RESULTS/kmemleak.txt"
		say "kmemleak: $(grep -c '^unreferenced object' "$RESULTS/kmemleak.txt" || :) suspects in all"
	else
		say "kmemleak: $KMEMLEAK missing"
		rc=1
	fi
fi
exit $rc
