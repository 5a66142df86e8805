#!/bin/bash
# Guest: the livepatch benchmark, on the modules of suites/bench/gen.py (built in
# $OUT/klp-bench by harness/3-build/build-modules.sh). Writes "key value"
# lines to $RESULTS/bench.txt; numbers only, no verdict.
#
# 1. Per call (target N=10, ncalls calls timed in the kernel, best of 5):
#    call.<case>.ns  mean ns per call, call.<case>.value what it returned.
# 2. For each task count (the idle VM, then about 1000 tasks), each layout
#    (vmlinux: N functions of vmlinux; mod1: N functions of one module;
#    mod20: N functions over 20 modules)
#    and each N, the wall clock of each operation until it is over
#    (transition reads 0 and, for a replace, the replaced patch's sysfs
#    folder is gone):
#    time.enable.<layout>.<N>.<tasks>        insmod all_N
#    time.replace_half.<layout>.<N>.<tasks>  insmod half_N over all_N (N/2 nops)
#    time.replace_all.<layout>.<N>.<tasks>   insmod all2_N over half_N
#    time.disable.<layout>.<N>.<tasks>       enabled=0 on all2_N until it is freed
# 3. /proc/meminfo Slab, VmallocUsed, Percpu before and after enabling
#    all_1000 (mod1): mem.<field>.bytes_per_func.
# 4. Where the time goes (series, idle, KLP_BENCH_PROFILE_N): enable,
#    replace_half and disable again under the function_graph tracer, once
#    from load_module() (module loading) and once from livepatch's entry
#    points: $RESULTS/profile.<pass>.<op>.<layout>.<N>.txt.
#
# Environment (kernel command line): KLP_BENCH_KERNEL=base|series,
# KLP_BENCH_N (default "10 1000 5000 10000" on series, "10 1000" on base,
# whose cost grows with N squared), KLP_BENCH_LAYOUTS (default
# "vmlinux mod1 mod20"), KLP_BENCH_TASKS (default "idle 1000"),
# KLP_BENCH_PROFILE_N (default 5000 on series, none on base; 0: none),
# KLP_BENCH_WAIT (seconds any one wait may take, 1800); commas separate
# list items there.
source "$(dirname "$0")/../../harness/lib.sh"

SYS=/sys/kernel/livepatch
MODS=$OUT/klp-bench
KERNEL=${KLP_BENCH_KERNEL:-unknown}
if [ "$KERNEL" = series ]; then
	NS=${KLP_BENCH_N:-10 1000 5000 10000}
	PROFILE_N=${KLP_BENCH_PROFILE_N:-5000}
else
	NS=${KLP_BENCH_N:-10 1000}
	PROFILE_N=${KLP_BENCH_PROFILE_N:-0}
fi
NS=${NS//,/ }
LAYOUTS=${KLP_BENCH_LAYOUTS:-vmlinux mod1 mod20}
LAYOUTS=${LAYOUTS//,/ }
TASKS=${KLP_BENCH_TASKS:-idle 1000}
TASKS=${TASKS//,/ }
WAIT_MAX=${KLP_BENCH_WAIT:-1800}
REPORT=$RESULTS/bench.txt
P10=/sys/module/klp_bench_target_10/parameters
sleepers=()

[ -d "$MODS" ] || die "no $MODS: run harness/3-build/build-modules.sh"
: > "$REPORT"

put() { echo "$1 $2" >> "$REPORT"; say "$1 $2"; }
# usec: the wall clock in microseconds, in REPLY; no fork.
usec() { REPLY=${EPOCHREALTIME/[.,]/}; }
# A 10 ms sleep with no fork: read from a FIFO nobody writes.
mkfifo /tmp/bench.fifo
exec {NAP}<>/tmp/bench.fifo
nap() { read -r -t 0.01 -u "$NAP" || :; }
# readf FILE: its first line in REPLY, empty when it cannot be read.
readf() { REPLY=; { read -r REPLY < "$1"; } 2>/dev/null || :; }
settled() { readf "$SYS/$1/transition"; [ "$REPLY" = 0 ]; }
gone() { [ ! -e "$SYS/$1" ]; }
# wait_for WHAT CMD...: poll CMD every 10 ms, die after WAIT_MAX seconds.
wait_for() {
	local what=$1 end=$((SECONDS + WAIT_MAX))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || die "$what: not done after ${WAIT_MAX}s"
		nap
	done
}
# timed KEY CMD...: run CMD (which waits until the operation is over),
# put its wall-clock seconds.
timed() {
	local key=$1 t0
	shift
	usec; t0=$REPLY
	"$@"
	usec
	put "$key" "$(printf '%d.%06d' $(((REPLY - t0) / 1000000)) $(((REPLY - t0) % 1000000)))"
}
ntasks() { local t=(/proc/[0-9]*/task/[0-9]*); echo "${#t[@]}"; }

enable() {	# PATCH
	run insmod "$MODS/$1.ko"
	wait_for "enable $1" settled "$1"
}
replace() {	# NEW OLD
	run insmod "$MODS/$1.ko"
	wait_for "replace $2 by $1" settled "$1"
	wait_for "free $2" gone "$2"
}
disable() {	# PATCH
	printf '+ echo 0 > %s\n' "$SYS/$1/enabled" >&2
	echo 0 > "$SYS/$1/enabled"
	wait_for "disable $1" gone "$1"
}

# measure KEY I [hold_]: best of 5 timings of klp_bench_f10_<I>() (0: the
# unpatched one) by this shell (or by the held kthread); checks the value.
measure() {
	local key=$1 i=$2 how=${3:-} want=$4 best='' total r
	for r in 1 2 3 4 5; do
		echo "$i" > "$P10/${how}measure"
		readf "$P10/last_total_ns"; total=$REPLY
		[ -n "$best" ] && [ "$best" -le "$total" ] || best=$total
	done
	readf "$P10/ncalls"
	r=$((best * 1000 / REPLY))
	put "call.$key.ns" "$(printf '%d.%03d' $((r / 1000)) $((r % 1000)))"
	readf "$P10/last_value"
	put "call.$key.value" "$REPLY"
	[ "$REPLY" = "$want" ] || die "call.$key: klp_bench_f10_$i() returned $REPLY, not $want"
}

per_call() {
	say "per-call timings (N=10)"
	run insmod "$MODS/klp_bench_target_10.ko"
	readf "$P10/ncalls"; put call.ncalls "$REPLY"
	measure none 1 "" 1			# before any patch
	enable klp_bench_all_10
	measure patched 1 "" 100001
	measure unpatched 0 "" -1		# outside the patch
	replace klp_bench_half_10 klp_bench_all_10
	run rmmod klp_bench_all_10
	measure nop_done 1 "" 1			# nop'ed, transition over
	disable klp_bench_half_10
	run rmmod klp_bench_half_10

	# A transition held open: klp_bench_hold_10 (the even functions and
	# klp_bench_f10_hold()) replaces all_10 while a kthread sleeps in the
	# old klp_bench_f10_hold(). f10_2 is in transition from all_10 to
	# hold_10, f10_1 from all_10 to a nop.
	enable klp_bench_all_10
	echo 1 > "$P10/hold"
	readf "$P10/hold"; local kt=$REPLY
	wait_for "hold kthread asleep" eval "[ \"\$(cut -d' ' -f3 /proc/$kt/stat)\" = S ]"
	run insmod "$MODS/klp_bench_hold_10.ko"
	readf "$SYS/klp_bench_hold_10/transition"
	[ "$REPLY" = 1 ] || die "klp_bench_hold_10: transition $REPLY, not held"
	wait_for "this shell switched" eval "[ \"\$(cat /proc/$$/patch_state)\" = 1 ]"
	put call.held.kthread_patch_state "$(cat "/proc/$kt/patch_state")"
	measure held_switched.patched 2 "" 400002
	measure held_switched.nop 1 "" 1
	measure held_unswitched.patched 2 hold_ 100002
	measure held_unswitched.nop 1 hold_ 100001
	readf "$SYS/klp_bench_hold_10/transition"
	[ "$REPLY" = 1 ] || die "klp_bench_hold_10: the transition ended while held"
	echo 0 > "$P10/hold"
	wait_for "held transition" settled klp_bench_hold_10
	wait_for "free klp_bench_all_10" gone klp_bench_all_10
	disable klp_bench_hold_10
	run rmmod klp_bench_hold_10 klp_bench_all_10 klp_bench_target_10
}

# meminfo FIELD: its value in kB, in REPLY.
meminfo() { REPLY=$(awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo); }
mem_snapshot() {	# PREFIX
	sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1
	local f
	for f in Slab VmallocUsed Percpu; do
		meminfo "$f"; eval "$1_$f=\$REPLY"
	done
}

# layout LAYOUT N: the layout's target modules in TARGETS (none for
# vmlinux) and its patch modules' prefix in PFX (PFX<kind>_N).
layout() {
	local f
	TARGETS=()
	case $1 in
	vmlinux) PFX=klp_bench_v_
		grep -q " klp_bench_v$2_1\$" /proc/kallsyms ||
			die "no klp_bench_v$2_1() in vmlinux: not a kernel of make bench"
		return ;;
	mod1)	TARGETS=("klp_bench_target_$2"); PFX=klp_bench_ ;;
	mod20)	for f in "$MODS"/klp_bench_t"$2"_o*.ko; do
			f=${f##*/}; TARGETS+=("${f%.ko}")
		done
		PFX=klp_bench_m_ ;;
	*)	die "unknown layout $1" ;;
	esac
	[ -f "$MODS/${TARGETS[0]}.ko" ] || die "no target modules for layout $1, N=$2"
}
load_targets() { local t; for t in "${TARGETS[@]}"; do run insmod "$MODS/$t.ko"; done; }

# ops LAYOUT N LABEL: the four timed operations on N functions.
ops() {
	local lay=$1 n=$2 label=$3 f
	say "layout $lay, N=$n, tasks=$label ($(ntasks) tasks)"
	layout "$lay" "$n"
	load_targets
	local mem=; [ "$n" = 1000 ] && [ "$lay" = mod1 ] && [ "$label" = "${TASKS%% *}" ] && mem=1
	[ -z "$mem" ] || mem_snapshot before
	timed "time.enable.$lay.$n.$label" enable "${PFX}all_$n"
	if [ -n "$mem" ]; then
		mem_snapshot after
		for f in Slab VmallocUsed Percpu; do
			eval "put mem.$f.before_kB \$before_$f; put mem.$f.after_kB \$after_$f"
			eval "put mem.$f.bytes_per_func \$(( (after_$f - before_$f) * 1024 / n ))"
		done
		readf "/sys/module/klp_bench_all_$n/coresize"
		put mem.module_coresize.bytes_per_func $((REPLY / n))
	fi
	timed "time.replace_half.$lay.$n.$label" replace "${PFX}half_$n" "${PFX}all_$n"
	run rmmod "${PFX}all_$n"
	timed "time.replace_all.$lay.$n.$label" replace "${PFX}all2_$n" "${PFX}half_$n"
	run rmmod "${PFX}half_$n"
	timed "time.disable.$lay.$n.$label" disable "${PFX}all2_$n"
	run rmmod "${PFX}all2_$n" "${TARGETS[@]}"
}

# traced PASS OP LAYOUT N CMD...: CMD under the function_graph tracer, from
# the graph functions already set; the trace in a profile file.
T=/sys/kernel/tracing
traced() {
	local file=$RESULTS/profile.$1.$2.$3.$4.txt
	shift 4
	: > "$T/trace"
	echo 1 > "$T/tracing_on"
	"$@"
	echo 0 > "$T/tracing_on"
	cp "$T/trace" "$file"
	say "profile: $file ($(wc -l < "$file") lines)"
}
# graph FUNC...: trace from those of FUNC that ftrace can trace.
graph() {
	local f
	: > "$T/set_graph_function"
	for f in "$@"; do
		grep -qx "$f" <(cut -d' ' -f1 "$T/available_filter_functions") &&
			echo "$f" >> "$T/set_graph_function"
	done
}
# profile LAYOUT N: enable, replace_half and disable under the tracer, for
# module loading, then for livepatch's own entry points.
profile() {
	local lay=$1 n=$2 pass
	layout "$lay" "$n"
	echo function_graph > "$T/current_tracer"
	echo 0 > "$T/tracing_on"
	echo 4 > "$T/max_graph_depth"
	echo 1 > "$T/options/funcgraph-tail"
	echo 65536 > "$T/buffer_size_kb"
	for pass in load klp; do
		if [ "$pass" = load ]; then graph load_module
		else graph klp_enable_patch klp_try_complete_transition \
			klp_free_patch_work_fn enabled_store
		fi
		load_targets
		traced "$pass" enable "$lay" "$n" enable "${PFX}all_$n"
		traced "$pass" replace_half "$lay" "$n" replace "${PFX}half_$n" "${PFX}all_$n"
		run rmmod "${PFX}all_$n"
		traced "$pass" disable "$lay" "$n" disable "${PFX}half_$n"
		run rmmod "${PFX}half_$n" "${TARGETS[@]}"
	done
	echo nop > "$T/current_tracer"
	echo 1408 > "$T/buffer_size_kb"
}

# tasks LABEL: bring the task count to LABEL (idle: leave it) with
# sleeping processes.
tasks() {
	local want=$1 have i
	[ "$want" = idle ] && return
	have=$(ntasks)
	say "starting $((want - have)) sleeping processes ($have tasks)"
	for ((i = have; i < want; i++)); do
		sleep 100000 &
		sleepers+=($!)
	done
}
stop_tasks() {
	[ "${#sleepers[@]}" -gt 0 ] || return 0
	kill "${sleepers[@]}"
	wait "${sleepers[@]}" 2>/dev/null || :
	sleepers=()
}

usec; start=$REPLY
put kernel "$KERNEL"
put uname_r "$(uname -r)"
put uname_v "$(uname -v | tr ' ' _)"
put nproc "$(nproc)"
put mem_total_kB "$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)"
say "bench on $KERNEL kernel $(uname -r): N=$NS, tasks=$TASKS"

case " $NS " in *" 10 "*) per_call ;; esac
for label in $TASKS; do
	tasks "$label"
	put "tasks.$label" "$(ntasks)"
	for lay in $LAYOUTS; do
		for n in $NS; do
			ops "$lay" "$n" "$label"
		done
	done
	stop_tasks
done
if [ "$PROFILE_N" != 0 ]; then
	for lay in $LAYOUTS; do
		profile "$lay" "$PROFILE_N"
	done
fi
usec
put guest_seconds $(((REPLY - start) / 1000000))
[ -z "$(ls -A "$SYS")" ] || die "patches left behind: $(ls "$SYS")"
say "bench done: $REPORT"
