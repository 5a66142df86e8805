#!/bin/bash
# Build the livepatch replace stress test's modules (stress/: the target
# test_klp_stress_mod.ko and the cumulative patches test_klp_stress[123].ko)
# as external modules of the kernel built in $OUT, in $OUT/klp-stress/,
# where harness/guest-stress.sh loads them from.
# Usage: [OUT=build/out-debug] build-stress-modules.sh
source "$(dirname "$0")/lib.sh"

dst=$OUT/klp-stress
say "stress modules: $TOP/stress -> $dst"
mkdir -p "$dst"
# Only the current sources: a file removed from stress/ must not linger.
rm -f "$dst"/*.c "$dst"/*.h "$dst"/*.ko "$dst/Kbuild"
cp "$TOP"/stress/*.c "$TOP"/stress/*.h "$TOP/stress/Kbuild" "$dst/"
build_ext_modules "$dst"
ls -l "$dst"/*.ko
