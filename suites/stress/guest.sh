#!/bin/bash
# Guest: the livepatch replace stress test. Cycles the cumulative patches
# test_klp_stress[123].ko over test_klp_stress_mod.ko (built in
# $OUT/klp-stress by harness/3-build/build-modules.sh), whose kthreads call
# the patched functions in a loop and count every value that no patch
# allowed at the time could return. Some insmods are reversed halfway, the
# active patch is sometimes disabled, the target module is now and then
# reloaded under the active patch, and a fork/exit and thread storm runs
# all along.
#
# KLP_STRESS_OPS (default 1000; 300 with KLP_STRESS_HOG=1) patch operations,
# at most KLP_STRESS_SECONDS (default 1500; 2400) of wall clock: running out
# of time first is a failure.
# An operation is an insmod of a patch, a reversal (enabled=0 while the
# patch is in transition), a disable, an rmmod of a patch module, or an
# unload or a load of the target module (a target reload is two).
# Writes the summary and PASS or FAIL lines to $RESULTS/stress.txt.
#
# Every third cycle holds the transition open (the target's holder thread
# sleeps in test_klp_stress_wait(), which every patch changes) and
# reverses it; the cycles after those hold it open for a moment only.
#
# The load: KLP_STRESS_KTHREADS (default 2) kthreads in the target call the
# functions with preemption disabled, KLP_STRESS_NPREEMPT (default 2) more
# with it enabled, for 1 ms at a time, and sleep KLP_STRESS_PAUSE_US
# (default 9000) between (0: they never sleep); the storms sleep
# KLP_STRESS_STORM_SLEEP (default 0.5) seconds between batches (0: they
# never sleep). KLP_STRESS_HOG=1 maximises preemption in the patched code:
# a SCHED_FIFO task on each CPU wakes every half millisecond and preempts
# the callers wherever they are (on preempt=full, also in the ftrace
# handler and the trampolines), replaced patch modules are removed as soon
# as the kernel lets go of them, and the callers never sleep. The pauses
# come from the 6.12 series: under QEMU TCG a busy vCPU answers an IPI only
# when its time slice ends (about 1 ms instead of 10 us), and a 6.12
# transition made some 15000 of them, rewriting every cond_resched() call
# site and back, so that with both vCPUs always busy one transition took
# 20-45 s instead of about 1 s. 7.3 flips one static key instead; the
# defaults were kept.
source "$(dirname "$0")/../../harness/lib.sh"

SYS=/sys/kernel/livepatch
MODS=$OUT/klp-stress
TARGET=test_klp_stress_mod
PARAMS=/sys/module/$TARGET/parameters
NPATCHES=3
# With the hog, an operation takes about five times as long: 300 of them.
if [ "${KLP_STRESS_HOG:-0}" = 0 ]; then
	OPS_MAX=${KLP_STRESS_OPS:-1000} TIME_MAX=${KLP_STRESS_SECONDS:-1500}
else
	OPS_MAX=${KLP_STRESS_OPS:-300} TIME_MAX=${KLP_STRESS_SECONDS:-2400}
fi
KTHREADS=${KLP_STRESS_KTHREADS:-2}
NPREEMPT=${KLP_STRESS_NPREEMPT:-2}
HOG=${KLP_STRESS_HOG:-0}
PAUSE_US=${KLP_STRESS_PAUSE_US:-9000}
[ "$HOG" = 0 ] || PAUSE_US=${KLP_STRESS_PAUSE_US:-0}
STORM_SLEEP=${KLP_STRESS_STORM_SLEEP:-0.5}
RMMOD_POLL=0.1		# seconds between rmmod tries of a replaced patch
[ "$HOG" = 0 ] || RMMOD_POLL=0.01
WAIT_MAX=120		# seconds any one wait may take
settings="ops=$OPS_MAX seconds=$TIME_MAX kthreads=$KTHREADS npreempt=$NPREEMPT hog=$HOG pause_us=$PAUSE_US storm_sleep=$STORM_SLEEP"
REVERSE_EVERY=3		# cycles
DISABLE_EVERY=7		# cycles
RELOAD_EVERY=10		# cycles
REPORT=$RESULTS/stress.txt
TMPD=/tmp/stress

n_insmod=0 n_reverse=0 n_disable=0 n_rmmod=0 n_reload=0
n_late=0		# reversals that came after the transition had ended
n_raced=0		# reversals that became a disable (see reverse_patch)
cycles=0 calls=0 bad=0 unchecked=0 forks=0 threads=0 ops=0
active=0		# patch whose functions are active; 0: none
mask=1			# what the target's "allowed" holds
storm_pids=()
failures=()
finishing=0

log() { printf 'stress: %s\n' "$*"; }
fail() { failures+=("$*"); log "FAIL: $*"; }
abort() { fail "$@"; finish; }
count_ops() { ops=$((n_insmod + n_reverse + n_disable + n_rmmod + 2 * n_reload)); }
pname() { echo "test_klp_stress$1"; }

# wait_for LIMIT WHAT CMD...: poll CMD until it succeeds; abort after LIMIT
# seconds (during finish: record the failure and return 1).
wait_for() {
	local limit=$1 what=$2 end
	shift 2
	end=$((SECONDS + limit))
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			dump_state
			[ "$finishing" = 0 ] ||
				{ fail "timed out after ${limit}s waiting for $what"; return 1; }
			abort "timed out after ${limit}s waiting for $what"
		fi
		sleep 0.05
	done
}

# Exactly the active patch is registered, and enabled.
only_active() {
	local d want=
	[ "$active" = 0 ] || want=$(pname "$active")
	for d in "$SYS"/*; do
		[ -e "$d" ] || continue
		[ "${d##*/}" = "$want" ] || return 1
	done
	[ -z "$want" ] && return 0
	readf "$SYS/$want/enabled"
	[ "$REPLY" = 1 ]
}

set_mask() {
	mask=$1
	echo "$mask" > "$PARAMS/allowed" || abort "cannot write $PARAMS/allowed"
}

# rmmod_patient MODULE: the kernel drops its reference on a patch module a
# moment after the patch's sysfs folder goes away.
rmmod_patient() {
	local end=$((SECONDS + 30))
	until rmmod "$1" 2>/dev/null; do
		if [ "$SECONDS" -ge "$end" ]; then
			rmmod "$1" || :
			[ "$finishing" = 0 ] || { fail "cannot rmmod $1"; return 1; }
			abort "cannot rmmod $1"
		fi
		sleep "$RMMOD_POLL"
	done
}

# Which tasks hold up a transition, and where.
dump_state() {
	local f s n0=0 n1=0 shown=0
	log "state: $(cd "$SYS" 2>/dev/null && grep -H . ./*/enabled ./*/transition 2>/dev/null | tr '\n' ' ')"
	for f in /proc/[0-9]*/task/[0-9]*/patch_state; do
		readf "$f"
		s=$REPLY
		case $s in
		0)	n0=$((n0 + 1)) ;;
		1)	n1=$((n1 + 1)) ;;
		esac
	done
	log "tasks in patch_state 0: $n0, in 1: $n1 (stacks of the fewer follow)"
	[ "$n0" -le "$n1" ] && s=0 || s=1
	for f in /proc/[0-9]*/task/[0-9]*/patch_state; do
		readf "$f"
		[ "$REPLY" = "$s" ] || continue
		readf "${f%patch_state}comm"
		log "  ${f%/patch_state} $REPLY"
		sed 's/^/    /' "${f%patch_state}stack" 2>/dev/null || :
		shown=$((shown + 1))
		[ "$shown" -lt 20 ] || break
	done
}

# Add the counters of the loaded target instance to the totals.
collect_counters() {
	local c b u
	readf "$PARAMS/calls"; c=$REPLY
	readf "$PARAMS/bad"; b=$REPLY
	readf "$PARAMS/unchecked"; u=$REPLY
	[ -n "$c" ] && [ -n "$b" ] && [ -n "$u" ] ||
		{ fail "cannot read the counters in $PARAMS"; return 1; }
	calls=$((calls + c))
	bad=$((bad + b))
	unchecked=$((unchecked + u))
	[ "$c" -gt 0 ] || fail "a $TARGET instance checked no calls (its threads never ran?)"
	[ "$b" = 0 ] || fail "a $TARGET instance saw $b illegal values: $(dmesg | grep "$TARGET: test_klp_stress_.*illegal" | head -1)"
}

check_bad() {
	readf "$PARAMS/bad"
	[ "$REPLY" = 0 ] ||
		abort "$TARGET saw $REPLY illegal values: $(dmesg | grep "$TARGET: test_klp_stress_.*illegal" | head -1)"
}

# After a patch operation: wait until no patch is in transition, narrow
# the mask to the patch left active, wait until the kernel has freed every
# other patch, and rmmod their modules.
settle() {
	local p
	wait_for "$WAIT_MAX" "the end of the transition" no_transition
	set_mask $((1 << active))
	wait_for "$WAIT_MAX" "only $(pname "$active") in $SYS" only_active
	for p in $(seq "$NPATCHES"); do
		[ "$p" != "$active" ] && loaded "$(pname "$p")" || continue
		rmmod_patient "$(pname "$p")"
		n_rmmod=$((n_rmmod + 1))
	done
	check_bad
}

reload_target() {
	collect_counters || abort "the target's counters"
	[ "$bad" = 0 ] || finish
	rmmod_patient "$TARGET"
	insmod "$MODS/$TARGET.ko" allowed="$mask" nthreads="$KTHREADS" \
		npreempt="$NPREEMPT" pause_us="$PAUSE_US" ||
		abort "insmod $TARGET.ko (under patch $active) failed"
	n_reload=$((n_reload + 1))
}

# Disable the active patch: its functions go back to the original code.
disable_active() {
	local p=$active
	set_mask $(((1 << p) | 1))
	echo 0 > "$SYS/$(pname "$p")/enabled" || abort "disable $(pname "$p") failed"
	n_disable=$((n_disable + 1))
	active=0
	settle
	what="disable $p"
}

holding() { readf "$PARAMS/holding"; [ "$REPLY" = 1 ]; }

# The target's holder thread sleeps in test_klp_stress_wait() until
# release: no transition can complete meanwhile.
hold() {
	echo 1 > "$PARAMS/hold" || abort "cannot write $PARAMS/hold"
	wait_for 30 "the holder in test_klp_stress_wait()" holding
}
release() {
	echo 0 > "$PARAMS/hold" || abort "cannot write $PARAMS/hold"
}

# Reverse the transition to patch $1 from patch $2 halfway, unless it has
# already ended.
reverse_patch() {
	local new=$1 old=$2
	readf "$SYS/$(pname "$new")/transition"
	if [ "$REPLY" != 1 ]; then
		n_late=$((n_late + 1))
		what+=" (done before the reversal)"
		return
	fi
	# If the transition ends between the read above and the write below,
	# the write disables the new patch, which has replaced the old one:
	# the original code comes back. Allow it until we know.
	set_mask $((mask | 1))
	echo 0 > "$SYS/$(pname "$new")/enabled" ||
		abort "reversing $(pname "$new") failed"
	if [ "$old" != 0 ]; then
		readf "$SYS/$(pname "$old")/enabled"
		if [ "$REPLY" != 1 ]; then
			# The replaced patch is disabled: the write came late.
			n_raced=$((n_raced + 1))
			n_disable=$((n_disable + 1))
			active=0
			what+=", then disabled (the reversal came late)"
			return
		fi
		set_mask $(((1 << old) | (1 << new)))
	fi
	# From no patch, a late reversal and a disable end the same way.
	n_reverse=$((n_reverse + 1))
	active=$old
	what+=", reversed"
}

# insmod the next cumulative patch over the active one. Every
# REVERSE_EVERY cycles, hold the transition open and reverse it; on the
# cycles after those, hold it open for a moment, so that it completes in
# livepatch's retries; else let it complete as it may.
replace_cycle() {
	local old=$active new kind=$((cycles % REVERSE_EVERY))
	new=$((cycles % NPATCHES + 1))
	[ "$new" != "$old" ] || new=$((new % NPATCHES + 1))
	set_mask $(((1 << old) | (1 << new)))
	[ "$kind" -gt 1 ] || hold
	insmod "$MODS/$(pname "$new").ko" || abort "insmod $(pname "$new").ko failed"
	n_insmod=$((n_insmod + 1))
	active=$new
	what="insmod $new over $old"
	if [ "$kind" -le 1 ]; then
		# Let the other tasks switch meanwhile: the busy kthreads at
		# once, sleeping tasks when livepatch retries.
		sleep "0.$((RANDOM % 6))"
		[ "$kind" != 0 ] || reverse_patch "$new" "$old"
		release
		[ "$kind" != 1 ] || what+=", held"
	fi
	settle
}

storm_procs() {
	local n=0
	while [ ! -e "$TMPD/stop" ]; do
		for _ in 1 2 3 4 5 6 7 8; do
			/bin/true &
		done
		wait
		n=$((n + 8))
		[ "$STORM_SLEEP" = 0 ] || sleep "$STORM_SLEEP"
	done
	echo "$n" > "$TMPD/forks"
}

storm_threads() {
	exec python3 - "$TMPD" "$STORM_SLEEP" <<'EOF'
import os, sys, threading, time
d = sys.argv[1]
pause = float(sys.argv[2])
n = 0
while not os.path.exists(d + "/stop"):
    time.sleep(pause)
    ts = [threading.Thread(target=lambda: None) for _ in range(16)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    n += len(ts)
with open(d + "/threads", "w") as f:
    print(n, file=f)
EOF
}

# hog CPU: a SCHED_FIFO task on CPU that wakes every half millisecond, at
# the holder's priority (sched_set_fifo_low()), so that it preempts the
# callers but not the holder, whose check needs that. read -t is a
# builtin: the hog never forks.
hog() {
	mkfifo "$TMPD/hog$1"
	exec chrt -f 1 taskset -c "$1" bash -c '
		exec 3<> "$1"
		while [ ! -e "$2" ]; do read -r -t 0.0005 -u 3 || :; done' \
		hog "$TMPD/hog$1" "$TMPD/stop"
}

stop_storms() {
	local pid end=$((SECONDS + 60))
	touch "$TMPD/stop"
	for pid in "${storm_pids[@]}"; do
		while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			fail "storm process $pid did not stop"
			kill "$pid" 2>/dev/null || :
		fi
		wait "$pid" 2>/dev/null || :
	done
	storm_pids=()
	readf "$TMPD/forks"; forks=${REPLY:-0}
	readf "$TMPD/threads"; threads=${REPLY:-0}
}

# Final checks and cleanup, the summary, the verdict; exits.
finish() {
	local m summary
	[ "$finishing" = 0 ] || return 0
	finishing=1
	! loaded "$TARGET" || echo 0 > "$PARAMS/hold" || :
	stop_storms
	if wait_for "$WAIT_MAX" "the end of the transition" no_transition &&
	   wait_for 30 "only $(pname "$active") in $SYS" only_active; then
		:
	else
		fail "at the end $SYS lists: $(ls "$SYS" | tr '\n' ' ')"
	fi
	if loaded "$TARGET"; then
		collect_counters || :
	else
		fail "$TARGET is not loaded at the end"
	fi
	if [ "$active" != 0 ]; then
		loaded "$TARGET" && echo $(((1 << active) | 1)) > "$PARAMS/allowed"
		if echo 0 > "$SYS/$(pname "$active")/enabled"; then
			n_disable=$((n_disable + 1))
			active=0
			wait_for "$WAIT_MAX" "the end of the final disable" no_transition &&
				wait_for 30 "an empty $SYS" only_active || :
		else
			fail "cannot disable $(pname "$active")"
		fi
	fi
	for m in $(seq "$NPATCHES"); do
		if loaded "$(pname "$m")" && rmmod_patient "$(pname "$m")"; then
			n_rmmod=$((n_rmmod + 1))
		fi
	done
	if loaded "$TARGET"; then
		rmmod "$TARGET" || fail "cannot rmmod $TARGET"
	fi
	m=$(grep -o '^test_klp_stress[^ ]*' /proc/modules | tr '\n' ' ' || :)
	[ -z "$m" ] || fail "modules left loaded: $m"
	dmesg > "$TMPD/dmesg"
	"$H/5-verdict/scan-console.sh" "$TMPD/dmesg" >/dev/null 2>&1 ||
		fail "kernel log: $(grep -cE 'WARNING:|BUG:|Oops|Call Trace|INFO: rcu_|blocked for more than' "$TMPD/dmesg") splat lines"

	count_ops
	[ "$bad" = 0 ] || [ "${#failures[@]}" != 0 ] || fail "bad=$bad illegal values"
	summary="stress: ops=$ops (insmod=$n_insmod reverse=$n_reverse disable=$n_disable rmmod=$n_rmmod target_reload=$n_reload) cycles=$cycles calls=$calls bad=$bad unchecked=$unchecked forks=$forks threads=$threads seconds=$SECONDS"
	{
		echo "$summary"
		echo "stress: reversals too late=$n_late, reversals that became a disable=$n_raced; $settings"
		if [ "${#failures[@]}" = 0 ]; then
			echo PASS
		else
			printf 'FAIL: %s\n' "${failures[@]}"
		fi
	} | tee "$REPORT"
	[ "${#failures[@]}" = 0 ] || exit 1
	exit 0
}

mkdir -p "$TMPD"
rm -f "$TMPD/stop" "$TMPD"/hog*
for m in "$TARGET" $(for p in $(seq "$NPATCHES"); do pname "$p"; done); do
	[ -f "$MODS/$m.ko" ] || abort "no $MODS/$m.ko: run harness/3-build/build-modules.sh"
done
command -v python3 >/dev/null || abort "no python3 for the thread storm"
[ -z "$(ls "$SYS")" ] || abort "patches registered before the start: $(ls "$SYS")"
log "$(uname -r): $settings"

insmod "$MODS/$TARGET.ko" allowed=1 nthreads="$KTHREADS" npreempt="$NPREEMPT" \
	pause_us="$PAUSE_US" ||
	abort "insmod $TARGET.ko failed"
storm_procs &
storm_pids+=($!)
storm_threads &
storm_pids+=($!)
if [ "$HOG" != 0 ]; then
	for cpu in $(seq 0 $(($(nproc) - 1))); do
		hog "$cpu" &
		storm_pids+=($!)
	done
fi

count_ops
while [ "$ops" -lt "$OPS_MAX" ]; do
	if [ "$SECONDS" -ge "$TIME_MAX" ]; then
		abort "time cap: only $ops of $OPS_MAX operations in ${SECONDS}s (KLP_STRESS_SECONDS=$TIME_MAX)"
	fi
	cycles=$((cycles + 1))
	t0=$SECONDS
	pre=
	if [ $((cycles % RELOAD_EVERY)) = 0 ]; then
		reload_target
		pre="reload target; "
	fi
	if [ $((cycles % DISABLE_EVERY)) = 0 ] && [ "$active" != 0 ]; then
		disable_active
	else
		replace_cycle
	fi
	count_ops
	log "cycle $cycles: $pre$what -> active $active; ops=$ops t=${SECONDS}s (+$((SECONDS - t0))s)"
done
finish
