# shellcheck shell=bash
# make stress: the replace stress test at full size (1000 operations) on
# the normal kernel; then the debug kernel (debug.config: KASAN, lockdep,
# PROVE_RCU, list and object debugging, kmemleak), in its own O= folder,
# runs the livepatch kselftests in one guest and the malformed-patch table
# and a short replace stress test in another, each with a kmemleak scan.
# Fails on any test failure, any kernel report, and any kmemleak suspect
# that involves livepatch. Ends with the count line of the debug kernel's
# kselftests.
# Sourced by harness/run-suite.sh.

# The stress test's summary in results folder $1, and whether it passed
# (on the kernel named $2).
stress_passed() {
	[ ! -f "$1/stress.txt" ] || cat "$1/stress.txt"
	grep -qx PASS "$1/stress.txt" 2>/dev/null ||
		{ say "stress test ($2) did not pass"; return 1; }
}

# The two halves set fail when a verdict fails; a failed build ends the
# suite (errexit), so that no VM boots an older kernel.

# The replace stress test at full size on the normal kernel.
stress_normal() {
	stage_build
	stage_modules klp-stress "$SUITE/modules"
	stage_vm "$SUITE/guest.sh" || fail=1
	verdict_log "$RESULTS/stress" || fail=1
	stress_passed "$RESULTS/stress" "normal kernel" || fail=1
}

# Everything on the debug kernel, in its own O= folder: two guests side by
# side, one CPU each, since one guest would take about twice as long. The
# kselftests' guest runs in the background; its console is only in its
# results folder.
stress_debug() {
	local res=$RESULTS/stress-debug ksft=$RESULTS/stress-debug-ksft pid r

	export OUT=$BUILD/out-debug KSFT=$BUILD/kselftest-debug
	export EXTRA_CONFIG=$SUITE/debug.config
	# KASAN and lockdep under TCG make a patch operation of the stress
	# test take about 13 s instead of 0.5 s, so the debug kernel gets 100
	# operations, capped at an hour; each guest two hours.
	export KLP_STRESS_OPS=${KLP_STRESS_DEBUG_OPS:-100}
	export KLP_STRESS_SECONDS=${KLP_STRESS_DEBUG_SECONDS:-3600}
	export VM_TIMEOUT=${VM_TIMEOUT:-7200}
	# With KASAN and lockdep under TCG, early boot alone can go 40 s
	# without a grace period on a busy host (an RCU stall report at PID 1,
	# seen once): report only stalls of five minutes, which still catches
	# real ones.
	export VM_APPEND=${VM_APPEND:-rcupdate.rcu_cpu_stall_timeout=300}
	stage_build
	stage_modules klp-stress "$SUITE/modules"
	say "debug kselftests in the background: console in $ksft/console.log"
	KLP_STRESS_DEBUG_PART=ksft stage_vm "$SUITE/guest-debug.sh" stress-debug-ksft \
		>/dev/null &
	pid=$!
	KLP_STRESS_DEBUG_PART=stress stage_vm "$SUITE/guest-debug.sh" || fail=1
	wait "$pid" || { say "the debug kselftests' guest failed"; fail=1; }
	for r in "$ksft" "$res"; do
		verdict_log "$r" || fail=1
		verdict_kmemleak "$r" || fail=1
	done
	stress_passed "$res" "debug kernel" || fail=1
	verdict_ktap "$ksft" || fail=1
}

# KLP_STRESS_KERNELS: which halves run, "normal debug" by default.
suite_main() {
	local k

	fail=0
	for k in ${KLP_STRESS_KERNELS:-normal debug}; do
		case $k in
		normal)	stress_normal ;;
		debug)	stress_debug ;;
		*)	die "KLP_STRESS_KERNELS: '$k' is neither normal nor debug" ;;
		esac
	done
	return $fail
}
