#!/bin/bash
# Guest: live patch the running kernel with the samples/livepatch modules
# and show every step as a transcript: a patch, a non-cumulative patch of
# the same function that the kernel refuses, and the cumulative upgrade.
source "$(dirname "$0")/../../harness/lib.sh"

SYS=/sys/kernel/livepatch

cd "$OUT/samples/livepatch"
echo "=== Live patching $(uname -r)"
# Show livepatch's pr_debug() lines too (the transition steps).
step "echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control"
step cat /proc/cmdline

echo; echo "=== 1. A patch of cmdline_proc_show()"
step insmod livepatch-sample.ko
until_step "[ \"\$(cat $SYS/livepatch_sample/transition)\" = 0 ]"
step cat /proc/cmdline
step ls -l $SYS/livepatch_sample $SYS/livepatch_sample/vmlinux
step grep . $SYS/livepatch_sample/{enabled,transition,replace,vmlinux/patched}
step ls -d "$SYS/livepatch_sample/vmlinux/cmdline_proc_show,1"

echo; echo "=== 2. A second, non-cumulative patch of the same function is refused"
step "insmod livepatch-sample-overlap.ko || echo \"insmod exited \$?\""
step "dmesg | tail -1"
step ls $SYS
step cat /proc/cmdline

echo; echo "=== 3. A cumulative patch takes the function over"
step insmod livepatch-sample-cumulative.ko
until_step "[ \"\$(cat $SYS/livepatch_sample_cumulative/transition)\" = 0 ]"
step cat /proc/cmdline
until_step "[ ! -e $SYS/livepatch_sample ]"
step ls $SYS
step grep . $SYS/livepatch_sample_cumulative/{enabled,transition,replace}
step rmmod livepatch_sample

echo; echo "=== 4. Disable it and remove it"
step "echo 0 > $SYS/livepatch_sample_cumulative/enabled"
until_step "[ ! -e $SYS/livepatch_sample_cumulative ]"
step cat /proc/cmdline
step rmmod livepatch_sample_cumulative
step "lsmod | grep livepatch || echo 'no livepatch module loaded'"
step "dmesg | grep 'livepatch:'"
