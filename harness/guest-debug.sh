#!/bin/bash
# Guest of "make stress" (the debug kernel): the livepatch kselftests, the
# malformed-patch table, the replace stress test, then one kmemleak scan.
# Reports are judged on the host (scan-console.sh, kmemleak-check.sh);
# this fails on test failures.
source "$(dirname "$0")/lib.sh"

H=$(dirname "$0")
rc=0
bash "$H/guest-selftests.sh" || rc=1
bash "$H/guest-malformed.sh" || rc=1
bash "$H/guest-stress.sh" || rc=1

# kmemleak reports only objects older than 5 s; scan twice, as its
# documentation suggests, so that the last frees are seen.
KML=/sys/kernel/debug/kmemleak
if [ -w "$KML" ]; then
	sleep 6
	echo scan > "$KML"
	echo scan > "$KML"
	cat "$KML" > "$RESULTS/kmemleak.txt"
	say "kmemleak: $(grep -c '^unreferenced object' "$RESULTS/kmemleak.txt" || :) suspects in all"
else
	say "kmemleak: $KML missing"
	rc=1
fi
exit $rc
