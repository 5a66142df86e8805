#!/bin/bash
# Guest: how many RCU tasks waits each patch operation costs, per layout,
# at N=1000, with the function tracer on synchronize_rcu_tasks() and
# synchronize_rcu_tasks_rude(). Uses the bench modules of $OUT/klp-bench
# (make bench builds them); prints "<layout> <op>: <count> <function>...".
# Run: OUT=build/out harness/4-vm/run-vm.sh suites/bench/guest-waits.sh
source "$(dirname "$0")/../../harness/lib.sh"

M=$OUT/klp-bench T=/sys/kernel/tracing SYS=/sys/kernel/livepatch
settle() { until [ "$(cat "$SYS/$1/transition" 2>/dev/null)" = 0 ]; do sleep 0.01; done; }
gone() { while [ -e "$SYS/$1" ]; do sleep 0.01; done; }
count() { grep -v '^#' "$T/trace" | sed 's/ <-.*//' | awk '{ print $NF }' | sort | uniq -c | tr '\n' ' '; }
op() {	# NAME CMD...: CMD, then the waits it caused
	local name=$1
	shift
	: > "$T/trace"
	"$@"
	sleep 0.5	# the free work runs after the sysfs folder is gone
	echo "$name: $(count)"
}
enable() { insmod "$M/$1.ko"; settle "$1"; }
replace() { insmod "$M/$1.ko"; settle "$1"; gone "$2"; }
disable() { echo 0 > "$SYS/$1/enabled"; gone "$1"; }

[ -d "$M" ] || die "no $M: run make bench first"
echo synchronize_rcu_tasks > "$T/set_ftrace_filter"
echo synchronize_rcu_tasks_rude >> "$T/set_ftrace_filter"
echo function > "$T/current_tracer"
for lay in mod1 mod20; do
	if [ "$lay" = mod1 ]; then
		tg=(klp_bench_target_1000) p=klp_bench_
	else
		tg=() p=klp_bench_m_
		for f in "$M"/klp_bench_t1000_o*.ko; do f=${f##*/}; tg+=("${f%.ko}"); done
	fi
	for t in "${tg[@]}"; do run insmod "$M/$t.ko"; done
	op "$lay enable" enable "${p}all_1000"
	op "$lay replace_half" replace "${p}half_1000" "${p}all_1000"
	run rmmod "${p}all_1000"
	op "$lay replace_all" replace "${p}all2_1000" "${p}half_1000"
	run rmmod "${p}half_1000"
	op "$lay disable" disable "${p}all2_1000"
	run rmmod "${p}all2_1000" "${tg[@]}"
done
echo nop > "$T/current_tracer"
