#!/bin/bash
# make stress: build the debug kernel (kconfig/debug.config: KASAN, lockdep,
# PROVE_RCU, list and object debugging, kmemleak) in its own O= folder and
# run in it the livepatch kselftests, the replace stress test and a
# kmemleak scan. Fails on any test failure, any kernel report, and any
# kmemleak suspect that involves livepatch. Ends with the count line.
source "$(dirname "$0")/lib.sh"

H=$TOP/harness
export OUT=$BUILD/out-debug KSFT=$BUILD/kselftest-debug
export EXTRA_CONFIG=$TOP/kconfig/debug.config
# KASAN and lockdep slow the guest down several times over.
export VM_TIMEOUT=${VM_TIMEOUT:-5400}
# With KASAN and lockdep under TCG, early boot alone can go 40 s without a
# grace period on a busy host (an RCU stall report at PID 1, seen once):
# report only stalls of five minutes, which still catches real ones.
export VM_APPEND=${VM_APPEND:-rcupdate.rcu_cpu_stall_timeout=300}
start=$(date +%s)
"$H/install-deps.sh"
"$H/prepare-tree.sh"
"$H/build-kernel.sh"
"$H/build-stress-modules.sh"

res=$RESULTS/debug
fail=0
"$H/run-vm.sh" "$H/guest-debug.sh" || fail=1
scan_run "$res" || fail=1
"$H/kmemleak-check.sh" "$res/kmemleak.txt" || fail=1
[ ! -f "$res/stress.txt" ] || cat "$res/stress.txt"
grep -qx PASS "$res/stress.txt" 2>/dev/null || { say "stress test did not pass"; fail=1; }
say "make stress: $(( $(date +%s) - start ))s; results in $res"
"$H/ktap-summary.sh" "$res/ktap.txt" || fail=1
exit $fail
