#!/bin/bash
# make check: from a fresh clone, install, apply, lint, build, boot, and run
# the livepatch kselftests; fail on any problem; end with the count line.
source "$(dirname "$0")/lib.sh"

H=$TOP/harness
start=$(date +%s)
"$H/install-deps.sh"
"$H/prepare-tree.sh"
"$H/test-harness.sh"
"$H/lint.sh"
"$H/build-kernel.sh"

res=$RESULTS/selftests
fail=0
"$H/run-vm.sh" "$H/guest-selftests.sh" || fail=1
scan_run "$res" || fail=1
say "make check: $(( $(date +%s) - start ))s; results in $res"
"$H/ktap-summary.sh" "$res/ktap.txt" || fail=1
exit $fail
