#!/bin/bash
# Boot the built kernel in QEMU with the host's / as a read-only 9p root and
# run one guest script as PID 1's payload. The guest writes into
# build/results/NAME/ (a second, writable 9p share): console.log,
# dmesg.txt, rc and whatever the script writes. NAME defaults to the
# suite's name, with the guest script's suffix: suites/stress/guest.sh
# writes results/stress/, suites/stress/guest-parts.sh results/stress-parts/.
# Every KLP_* variable reaches the guest's environment (lists: spaces
# become commas on the kernel command line, and the guest turns them back).
# Usage: run-vm.sh GUEST [NAME]
source "$(dirname "$0")/../lib.sh"

script=$(readlink -f "$1")
guest=$(basename "$script" .sh)
name=${2:-$(basename "$(dirname "$script")")${guest#guest}}
res=$RESULTS/$name
timeout=${VM_TIMEOUT:-2400}
kernel=$OUT/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: run harness/3-build/build-kernel.sh"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run harness/1-base/install-deps.sh"

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
append+=" init=$H/4-vm/guest-init.sh"
# Extra kernel parameters of a run, e.g. the debug kernel's RCU stall timeout
[ -z "${VM_APPEND:-}" ] || append+=" $VM_APPEND"
# Plain var=value parameters reach PID 1 as environment variables: the
# guest's own settings (KLP_KSFT_TEST, KLP_STRESS_*, KLP_BENCH_*, ...) and
# where things are.
export KLP_RUN=$script KLP_TOP=$TOP KLP_BUILD=$BUILD KLP_OUT=$OUT KLP_KSFT=$KSFT
for var in "${!KLP_@}"; do
	val=${!var}
	[ -z "$val" ] || append+=" $var=${val// /,}"
done

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
