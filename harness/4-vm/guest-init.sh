#!/bin/bash
# PID 1 of the QEMU guest (init= on the kernel command line). Mounts what a
# system needs on a read-only root, runs $KLP_RUN, saves its exit code and
# the kernel log into the results share, and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8

mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
# The guest needs a writable /tmp, but the harness itself may live under
# the host's /tmp (a CI clone): keep those folders visible through binds.
mkdir -p /run/host-tmp
mount --bind /tmp /run/host-tmp
mount -t tmpfs tmpfs /tmp
for dir in "$KLP_TOP" "$KLP_BUILD"; do
	case $dir in
	/tmp/*)	mkdir -p "$dir"
		mount --bind "/run/host-tmp/${dir#/tmp/}" "$dir" ;;
	esac
done
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
# devtmpfs has no fd links; bash's process substitution and the kselftest
# runner need them.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr

export RESULTS=/tmp/results BUILD=$KLP_BUILD OUT=$KLP_OUT KSFT=$KLP_KSFT
mkdir -p "$RESULTS"
mount -t 9p -o trans=virtio,version=9p2000.L results "$RESULTS"

echo ">>> guest: $(uname -r), running $KLP_RUN"
cd /tmp && bash "$KLP_RUN"
rc=$?
echo ">>> guest: $KLP_RUN exited $rc"

dmesg > "$RESULTS/dmesg.txt"
echo "$rc" > "$RESULTS/rc"
umount "$RESULTS"
sync
# Power off. PID 1 must not exit (that panics), and the root file system
# goes away under it, so wait with bash builtins only.
echo o > /proc/sysrq-trigger
while :; do read -r -t 1 <> /proc/self/fd/0 || :; done
