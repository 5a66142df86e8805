# shellcheck shell=bash
# make stress, on each preemption model of KLP_STRESS_PREEMPT (default
# "lazy full": 7.3 boots lazy, preempt=full is the other; the 6.12
# backport boots voluntary, so BASE=6.12 takes "voluntary full"):
#   - the normal kernel: one guest per model, side by side, runs the
#     kselftests, the malformed-patch table, the races and the replace
#     stress test at full size (1000 operations); on preempt=full the
#     stress test runs with its preemption hog (KLP_STRESS_HOG=1);
#   - the debug kernel (debug.config: KASAN, lockdep, PROVE_RCU, list and
#     object debugging, kmemleak, fault injection), in its own O= folder:
#     per model, two guests side by side, one the kselftests, the other
#     the malformed-patch table, the fail-nth table (first model only) and
#     a short replace stress test, each with a kmemleak scan.
# Fails on any test failure, any kernel report (a report of an injected
# allocation failure excepted), and any kmemleak suspect that involves
# livepatch. Sourced by harness/run-suite.sh.

# A part's summary file $2 in results folder $1, and whether it passed.
part_passed() {
	[ -f "$1/$2" ] || { say "$1/$2 missing: the part did not finish"; return 1; }
	cat "$1/$2"
	grep -qx PASS "$1/$2" || { say "$2 in $1 did not pass"; return 1; }
}

# preempt_args MODEL: the kernel parameter that boots MODEL, if any.
preempt_args() { [ "$1" = "$DEFAULT_MODEL" ] || echo "preempt=$1"; }

# The normal kernel's guest in one preemption model: everything but
# fail-nth. Its console is only in its results folder.
stress_normal_vm() {
	local m=$1 hog=0

	[ "$m" != full ] || hog=1
	VM_APPEND="$(preempt_args "$m") ${VM_APPEND:-}" \
	KLP_STRESS_PARTS="ksft malformed race stress" \
	KLP_STRESS_HOG=${KLP_STRESS_HOG:-$hog} \
		stage_vm "$SUITE/guest-parts.sh" "stress-$m" > /dev/null
}

# The verdicts on the normal kernel's guest in one preemption model.
stress_normal_verdict() {
	local res=$RESULTS/stress-$1

	verdict_log "$res" || fail=1
	verdict_ktap "$res" || fail=1
	part_passed "$res" race.txt || fail=1
	part_passed "$res" stress.txt || fail=1
}

# The debug kernel in one preemption model: two guests side by side, one
# CPU's worth each, since one guest would take about twice as long. The
# kselftests' guest runs in the background; its console is only in its
# results folder. $2=1: the fail-nth table too.
stress_debug() {
	local m=$1 res=$RESULTS/stress-debug-$1 ksft=$RESULTS/stress-debug-ksft-$1
	local parts="malformed stress" pid r append

	[ "$2" = 0 ] || parts="malformed failnth stress"
	append="$(preempt_args "$m") ${DEBUG_APPEND}"
	say "debug kselftests ($m) in the background: console in $ksft/console.log"
	VM_APPEND=$append KLP_STRESS_PARTS=ksft \
		stage_vm "$SUITE/guest-parts.sh" "stress-debug-ksft-$m" >/dev/null &
	pid=$!
	VM_APPEND=$append KLP_STRESS_PARTS=$parts \
		stage_vm "$SUITE/guest-parts.sh" "stress-debug-$m" || fail=1
	wait "$pid" || { say "the debug kselftests' guest ($m) failed"; fail=1; }
	verdict_log "$ksft" || fail=1
	verdict_log "$res" --injected || fail=1
	for r in "$ksft" "$res"; do
		verdict_kmemleak "$r" || fail=1
	done
	part_passed "$res" stress.txt || fail=1
	[ "$2" = 0 ] || part_passed "$res" failnth.txt || fail=1
	verdict_ktap "$ksft" || fail=1
}

# The fail-nth helper, and where livepatch's code is (its fault sites),
# for the guests of both kernels.
stress_helpers() {
	mkdir -p "$OUT/klp-stress-bin"
	run gcc -O2 -Wall -Wextra -Werror -Wl,-z,now -o "$OUT/klp-stress-bin/klp-failnth" \
		"$SUITE/klp-failnth.c"
	run "$SUITE/livepatch-text.sh" "$OUT" > "$OUT/klp-stress-bin/livepatch-text"
	say "livepatch's text (offsets from _text, functions): $(cat "$OUT/klp-stress-bin/livepatch-text")"
}

# The normal kernel's half: one guest per preemption model, side by side,
# one CPU's worth each.
stress_normal_all() {
	local m pid pids=() models=(${KLP_STRESS_PREEMPT:-$DEFAULT_MODEL full})
	# The races alone take over an hour a guest (fork_exit: 300 rounds at
	# 6-10 s), far over QEMU's default limit.
	local -x VM_TIMEOUT=${VM_TIMEOUT:-14400}

	stage_build
	stage_modules klp-stress "$SUITE/modules"
	stress_helpers
	for m in "${models[@]}"; do
		say "normal kernel ($m) in the background: console in $RESULTS/stress-$m/console.log"
		stress_normal_vm "$m" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || { say "a guest of the normal kernel failed"; fail=1; }
	done
	for m in "${models[@]}"; do
		stress_normal_verdict "$m"
	done
}

# The debug kernel's half, in its own O= folder.
stress_debug_all() {
	local -x OUT=$BUILD/out-debug KSFT=$BUILD/kselftest-debug
	local -x EXTRA_CONFIG=$SUITE/debug.config KLP_STRESS_KMEMLEAK=1
	# KASAN and lockdep under TCG make a patch operation of the stress
	# test take about 13 s instead of 0.5 s, so the debug kernel gets 100
	# operations, capped at an hour. A step of the fail-nth walk takes
	# 5-15 s, and an insmod has over 200 fault sites: each guest gets six
	# hours.
	local -x KLP_STRESS_OPS=${KLP_STRESS_DEBUG_OPS:-100}
	local -x KLP_STRESS_SECONDS=${KLP_STRESS_DEBUG_SECONDS:-3600}
	local -x VM_TIMEOUT=${VM_TIMEOUT:-21600}
	# test-preempt.sh took over 600 s, the kselftests' limit per script,
	# on preempt=full next to two other guests.
	local -x KLP_KSFT_TIMEOUT=${KLP_KSFT_TIMEOUT:-1800}
	# With KASAN and lockdep under TCG, early boot alone can go 40 s
	# without a grace period on a busy host (an RCU stall report at PID
	# 1, seen once): report only stalls of five minutes, which still
	# catches real ones.
	# no5lvl: with 5-level paging (QEMU's -cpu max has LA57), an
	# interrupt during 7.3's identify_cpu() at boot got a false KASAN
	# "wild-memory-access" report in both guests of one run; most
	# likely KASAN took the direct map for a 47-bit one while the boot
	# CPU's capabilities were cleared (read from the code, not traced).
	local DEBUG_APPEND="rcupdate.rcu_cpu_stall_timeout=300 no5lvl ${VM_APPEND:-}"
	local m first=1

	stage_build
	stage_modules klp-stress "$SUITE/modules"
	stress_helpers
	for m in ${KLP_STRESS_PREEMPT:-$DEFAULT_MODEL full}; do
		stress_debug "$m" "$first"
		first=0
	done
}

# KLP_STRESS_KERNELS: which halves run, "normal debug" by default.
suite_main() {
	local k

	case $KLP_BASE in
	6.12)	DEFAULT_MODEL=voluntary ;;
	*)	DEFAULT_MODEL=lazy ;;
	esac
	fail=0
	for k in ${KLP_STRESS_KERNELS:-normal debug}; do
		case $k in
		normal)	stress_normal_all ;;
		debug)	stress_debug_all ;;
		*)	die "KLP_STRESS_KERNELS: '$k' is neither normal nor debug" ;;
		esac
	done
	return $fail
}
