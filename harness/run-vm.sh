#!/bin/bash
# Boot the built kernel in QEMU with the host's / as a read-only 9p root and
# run one guest script as PID 1's payload. The guest writes into
# build/results/<script name>/ (a second, writable 9p share): console.log,
# dmesg.txt, rc and whatever the script writes.
# Usage: run-vm.sh guest-script.sh
source "$(dirname "$0")/lib.sh"

script=$(readlink -f "$1")
name=$(basename "$script" .sh); name=${name#guest-}
res=$RESULTS/$name
timeout=${VM_TIMEOUT:-2400}
kernel=$OUT/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: run harness/build-kernel.sh"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run harness/install-deps.sh"

rm -rf "$res"
mkdir -p "$res"

# TCG, single-threaded: multi-threaded TCG intermittently dies with
# "Oops: int3" at text the kernel has just rewritten, and KVM guests on these
# machines hang or fail with "KVM internal error".
case ${ACCEL:-tcg} in
tcg)	accel=(-accel tcg,thread=single -cpu max) ;;
kvm)	accel=(-accel kvm -cpu host) ;;
*)	die "ACCEL must be tcg or kvm" ;;
esac

append="console=ttyS0 loglevel=5 panic=-1 ro"
append+=" root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
append+=" init=$TOP/harness/guest-init.sh"
# Plain var=value parameters reach PID 1 as environment variables.
append+=" KLP_RUN=$script KLP_BUILD=$BUILD KLP_OUT=$OUT KLP_KSFT=$KSFT"
# Extra kernel parameters of a run, e.g. the debug kernel's RCU stall timeout
[ -z "${VM_APPEND:-}" ] || append+=" $VM_APPEND"
# One kselftest instead of the collection, e.g. livepatch:test-overlap.sh
[ -z "${KSFT_TEST:-}" ] || append+=" KLP_KSFT_TEST=$KSFT_TEST"
# harness/guest-stress.sh's settings (STRESS_OPS, STRESS_SECONDS, ...)
for var in "${!STRESS_@}"; do
	[ -z "${!var}" ] || append+=" $var=${!var}"
done
# harness/guest-bench.sh: which kernel, N and task counts (lists: commas)
[ -z "${BENCH_KERNEL:-}" ] || append+=" BENCH_KERNEL=$BENCH_KERNEL"
[ -z "${BENCH_N:-}" ] || append+=" BENCH_N=${BENCH_N// /,}"
[ -z "${BENCH_TASKS:-}" ] || append+=" BENCH_TASKS=${BENCH_TASKS// /,}"
[ -z "${BENCH_WAIT:-}" ] || append+=" BENCH_WAIT=$BENCH_WAIT"

qemu=(qemu-system-x86_64 "${accel[@]}" -smp 2 -m 2G
	-kernel "$kernel" -append "$append"
	-display none -monitor none -serial stdio -no-reboot
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot
	-fsdev "local,id=res,path=$res,security_model=none"
	-device virtio-9p-pci,fsdev=res,mount_tag=results)

say "guest: $script (timeout ${timeout}s, results in $res)"
printf '+ %s\n' "${qemu[*]}" >&2
start=$(date +%s)
set +e
timeout --foreground -k 10 "$timeout" "${qemu[@]}" </dev/null | tee "$res/console.log"
qrc=${PIPESTATUS[0]}
set -e
say "guest ran $(( $(date +%s) - start ))s, qemu exit $qrc"

[ "$qrc" != 124 ] || die "QEMU timed out after ${timeout}s"
[ -f "$res/rc" ] || die "the guest died before its script finished (see $res/console.log)"
exit "$(cat "$res/rc")"
