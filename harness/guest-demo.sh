#!/bin/bash
# Guest: livepatch a running kernel with samples/livepatch/livepatch-sample.ko
# and show every step as a transcript.
source "$(dirname "$0")/lib.sh"

LP=livepatch_sample
SYS=/sys/kernel/livepatch/$LP

# step CMD: print the command as a user would type it, then its output.
step() {
	printf '\n$ %s\n' "$*"
	eval "$*"
}
wait_for() {
	local i
	for i in $(seq 600); do
		eval "$1" && return 0
		sleep 0.1
	done
	die "timed out waiting for: $1"
}

cd "$OUT/samples/livepatch"
echo "=== Live patching $(uname -r) with livepatch-sample.ko"
step cat /proc/cmdline
step insmod livepatch-sample.ko
step "until [ \"\$(cat $SYS/transition)\" = 0 ]; do sleep 0.1; done"
step cat /proc/cmdline
step ls -l $SYS $SYS/vmlinux $SYS/vmlinux/cmdline_proc_show,1
step grep . $SYS/enabled $SYS/transition $SYS/replace $SYS/vmlinux/patched
step "echo 0 > $SYS/enabled"
wait_for "[ ! -e $SYS ]"
step "ls /sys/kernel/livepatch/"
step cat /proc/cmdline
step rmmod livepatch_sample
step "dmesg | grep 'livepatch:'"
