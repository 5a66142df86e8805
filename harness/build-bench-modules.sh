#!/bin/bash
# Generate the livepatch benchmark's modules (bench/gen.py: targets and
# cumulative patches for each N) and build them as external modules of the
# kernel built in $OUT, in $OUT/klp-bench/, where harness/guest-bench.sh
# loads them from.
# Usage: [OUT=build/out-base] [BENCH_GEN_N="10 100"] build-bench-modules.sh
source "$(dirname "$0")/lib.sh"

dst=$OUT/klp-bench
say "bench modules: $TOP/bench/gen.py -> $dst"
# Only what gen.py writes now: no stale module may linger.
rm -rf "$dst"
# BENCH_GEN_N: a list of N (default: gen.py's own), split on purpose.
# shellcheck disable=SC2086
run python3 "$TOP/bench/gen.py" "$dst" ${BENCH_GEN_N:-}
build_ext_modules "$dst"
say "$(ls "$dst"/*.ko | wc -l) bench modules in $dst"
