#!/bin/bash
# make bench: build the base kernel (tag debian-base, no patches) and the
# series kernel from the same Debian tree, run harness/guest-bench.sh on
# each with the same VM settings, and compare: build/results/bench.md (a
# table, also printed) and build/results/bench.png. Numbers, no verdict.
source "$(dirname "$0")/lib.sh"

H=$TOP/harness
start=$(date +%s)
"$H/install-deps.sh"
"$H/build-bench.sh"

# The base kernel's disable of 1000 functions takes minutes under TCG.
export VM_TIMEOUT=${VM_TIMEOUT:-7200}
for k in base series; do
	out=$OUT; [ "$k" = base ] && out=$BUILD/out-base
	rm -rf "$RESULTS/bench-$k"
	say "bench guest on the $k kernel ($out)"
	OUT=$out BENCH_KERNEL=$k run "$H/run-vm.sh" "$H/guest-bench.sh" ||
		die "the bench guest failed on the $k kernel: see $RESULTS/bench/console.log"
	run mv "$RESULTS/bench" "$RESULTS/bench-$k"
done
for k in base series; do
	scan_run "$RESULTS/bench-$k" ||
		say "WARNING: kernel reports in the $k run (numbers kept; see above)"
done
run python3 "$TOP/bench/report.py" "$RESULTS/bench-base" "$RESULTS/bench-series" \
	"$RESULTS" $(( $(date +%s) - start ))
