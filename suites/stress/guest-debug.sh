#!/bin/bash
# Guest of "make stress" (the debug kernel): the livepatch kselftests, the
# malformed-patch table, the replace stress test, then one kmemleak scan.
# Reports are judged on the host (5-verdict/scan-console.sh,
# kmemleak-check.sh); this fails on test failures.
source "$(dirname "$0")/../../harness/lib.sh"

S=$(dirname "$0")
rc=0
bash "$S/../selftests/guest.sh" || rc=1
bash "$S/guest-malformed.sh" || rc=1
bash "$S/guest.sh" || rc=1

if [ -w "$KMEMLEAK" ]; then
	kmemleak_scan "$RESULTS/kmemleak.txt"
	say "kmemleak: $(grep -c '^unreferenced object' "$RESULTS/kmemleak.txt" || :) suspects in all"
else
	say "kmemleak: $KMEMLEAK missing"
	rc=1
fi
exit $rc
