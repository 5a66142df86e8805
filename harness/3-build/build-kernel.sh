#!/bin/bash
# Build bzImage, modules (samples/livepatch included), the livepatch
# selftest modules and the kselftest install, incrementally, in one O= folder.
# Usage: build-kernel.sh [--no-kselftest]
# VMLINUX_EXTRA=DIR (make bench): also link into vmlinux the objects that
# DIR's Kbuild builds in (obj-y), compiled as built-in code against $OUT.
source "$(dirname "$0")/../lib.sh"

OURS=()
[ -z "${EXTRA_CONFIG:-}" ] || OURS+=("$EXTRA_CONFIG")
"$H/3-build/configure.sh" "$SRC" "$OUT" "${OURS[@]}"

say "kernel $(git -C "$SRC" describe --tags --always) in $OUT"
libs=()
if [ -n "${VMLINUX_EXTRA:-}" ]; then
	mapfile -t objs < <(sed -n 's/^obj-y += //p' "$VMLINUX_EXTRA/Kbuild")
	[ "${#objs[@]}" -gt 0 ] || die "no obj-y in $VMLINUX_EXTRA/Kbuild"
	run "${KMAKE[@]}" modules_prepare
	# Single targets: M= builds no built-in.a, and its modpost would want
	# vmlinux.o. Compiled as obj-y (no -DMODULE); objtool sees them in
	# vmlinux.o with the rest.
	run make -C "$OUT" M="$VMLINUX_EXTRA" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
		"${objs[@]}"
	# x86 has no KBUILD_VMLINUX_LIBS of its own (its libs-y are folders):
	# the objects given here are the only ones, always linked in.
	libs=(KBUILD_VMLINUX_LIBS="${objs[*]/#/$VMLINUX_EXTRA/}")
	say "linked into vmlinux: ${objs[*]/#/$VMLINUX_EXTRA/}"
fi
run "${KMAKE[@]}" "${libs[@]}" bzImage modules
ls "$OUT"/samples/livepatch/*.ko >/dev/null

TM=$SRC/tools/testing/selftests/livepatch/test_modules
run make -C "$TM" -j"$JOBS" KDIR="$OUT" CC="ccache gcc" HOSTCC="ccache gcc" modules

[ "${1:-}" = --no-kselftest ] && exit 0
rm -rf "$KSFT"
# Since 6.13 the install builds the test modules itself, and with KDIR=
# alone it stops with "Kernel configuration is invalid" for the source tree.
ksft_o=()
[ "$KLP_BASE" = 6.12 ] || ksft_o=(O="$OUT")
run make -C "$SRC/tools/testing/selftests" -s TARGETS=livepatch KDIR="$OUT" "${ksft_o[@]}" \
	CC="ccache gcc" HOSTCC="ccache gcc" \
	INSTALL_PATH="$KSFT" install
ls "$KSFT"/livepatch/test_modules/*.ko >/dev/null
ccache -s | grep -iE 'hits|misses' | tr '\n' ' ' >&2 || true
echo >&2
