#!/bin/bash
# Generate the livepatch benchmark's modules (bench/gen.py: targets and
# cumulative patches for each N) and build them as external modules of the
# kernel built in $OUT, in $OUT/klp-bench/, where harness/guest-bench.sh
# loads them from.
# Usage: [OUT=build/out-base] [BENCH_GEN_N="10 100"] build-bench-modules.sh
source "$(dirname "$0")/lib.sh"

dst=$OUT/klp-bench
[ -f "$OUT/Module.symvers" ] && [ -f "$OUT/Makefile" ] ||
	die "no built kernel in $OUT (no Module.symvers): run harness/build-kernel.sh"

say "bench modules: $TOP/bench/gen.py -> $dst"
# Only what gen.py writes now: no stale module may linger.
rm -rf "$dst"
# BENCH_GEN_N: a list of N (default: gen.py's own), split on purpose.
# shellcheck disable=SC2086
run python3 "$TOP/bench/gen.py" "$dst" ${BENCH_GEN_N:-}
# The kernel's CONFIG_WERROR makes every warning an error here too.
run make -C "$OUT" M="$dst" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
	modules || die "building the bench modules in $dst failed"

want=$(grep -c '^obj-m' "$dst/Kbuild")
kos=("$dst"/*.ko)
[ "${#kos[@]}" = "$want" ] && [ -f "${kos[0]}" ] ||
	die "expected $want modules in $dst, found ${#kos[@]}"
say "$want bench modules in $dst"
