#!/bin/bash
# Build the livepatch replace stress test's modules (stress/: the target
# test_klp_stress_mod.ko and the cumulative patches test_klp_stress[123].ko)
# as external modules of the kernel built in $OUT, in $OUT/klp-stress/,
# where harness/guest-stress.sh loads them from.
# Usage: [OUT=build/out-debug] build-stress-modules.sh
source "$(dirname "$0")/lib.sh"

dst=$OUT/klp-stress
[ -f "$OUT/Module.symvers" ] && [ -f "$OUT/Makefile" ] ||
	die "no built kernel in $OUT (no Module.symvers): run harness/build-kernel.sh"

say "stress modules: $TOP/stress -> $dst"
mkdir -p "$dst"
# Only the current sources: a file removed from stress/ must not linger.
rm -f "$dst"/*.c "$dst"/*.h "$dst"/*.ko "$dst/Kbuild"
cp "$TOP"/stress/*.c "$TOP"/stress/*.h "$TOP/stress/Kbuild" "$dst/"
# The kernel's CONFIG_WERROR makes every warning an error here too.
run make -C "$OUT" M="$dst" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
	modules || die "building the stress modules in $dst failed"

kos=("$dst"/*.ko)
[ "${#kos[@]}" = 4 ] && [ -f "${kos[0]}" ] ||
	die "expected 4 modules in $dst, found: ${kos[*]}"
ls -l "${kos[@]}"
