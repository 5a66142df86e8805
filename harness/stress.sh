#!/bin/bash
# make stress: the replace stress test at full size (1000 operations) on
# the normal kernel; then build the debug kernel (kconfig/debug.config:
# KASAN, lockdep, PROVE_RCU, list and object debugging, kmemleak) in its
# own O= folder and run in it the livepatch kselftests, the malformed-patch
# table, a short replace stress test and a kmemleak scan. Fails on any test
# failure, any kernel report, and any kmemleak suspect that involves
# livepatch. Ends with the count line of the debug kernel's kselftests.
source "$(dirname "$0")/lib.sh"

H=$TOP/harness
start=$(date +%s)
"$H/install-deps.sh"
"$H/prepare-tree.sh"
fail=0

# The stress test's summary in results folder $1, and whether it passed
# (on the kernel named $2).
stress_passed() {
	[ ! -f "$1/stress.txt" ] || cat "$1/stress.txt"
	grep -qx PASS "$1/stress.txt" 2>/dev/null ||
		{ say "stress test ($2) did not pass"; return 1; }
}

# The normal kernel. A failed build must not boot an older kernel: &&.
"$H/build-kernel.sh" && "$H/build-stress-modules.sh" &&
	"$H/run-vm.sh" "$H/guest-stress.sh" || fail=1
scan_run "$RESULTS/stress" || fail=1
stress_passed "$RESULTS/stress" "normal kernel" || fail=1

export OUT=$BUILD/out-debug KSFT=$BUILD/kselftest-debug
export EXTRA_CONFIG=$TOP/kconfig/debug.config
# KASAN and lockdep under TCG make a patch operation of the stress test
# take about 13 s instead of 0.5 s (2026-12-01: 35 operations in 468 s),
# so the debug kernel gets 100 operations, capped at an hour; the whole
# guest two hours.
export STRESS_OPS=${STRESS_DEBUG_OPS:-100} STRESS_SECONDS=${STRESS_DEBUG_SECONDS:-3600}
export VM_TIMEOUT=${VM_TIMEOUT:-7200}
# With KASAN and lockdep under TCG, early boot alone can go 40 s without a
# grace period on a busy host (an RCU stall report at PID 1, seen once):
# report only stalls of five minutes, which still catches real ones.
export VM_APPEND=${VM_APPEND:-rcupdate.rcu_cpu_stall_timeout=300}
"$H/build-kernel.sh"
"$H/build-stress-modules.sh"

res=$RESULTS/debug
"$H/run-vm.sh" "$H/guest-debug.sh" || fail=1
scan_run "$res" || fail=1
"$H/kmemleak-check.sh" "$res/kmemleak.txt" || fail=1
stress_passed "$res" "debug kernel" || fail=1
say "make stress: $(( $(date +%s) - start ))s; results in $RESULTS/stress and $res"
"$H/ktap-summary.sh" "$res/ktap.txt" || fail=1
exit $fail
