# shellcheck shell=bash
# make bench: build the base kernel (tag debian-base, no patches, or the
# commit of build/linux that KLP_BENCH_BASE names: a second worktree,
# build/linux-base, in build/out-base) and the series kernel
# (build/linux as it is, in build/out, then relinked in its copy
# build/out-bench) from the same Debian tree, each with the vmlinux
# layout's targets linked into vmlinux (gen.py --vmlinux) and with the
# bench modules of each (gen.py); run guest.sh on each with the same VM
# settings, and compare: build/results/bench.md (a table, also printed)
# and build/results/bench.png. Numbers, no verdict.
# Sourced by harness/run-suite.sh.

# One kernel build at a time on this machine: wait for any other one.
wait_other_builds() {
	while pgrep -f "make -C .*O=" >/dev/null; do
		say "another kernel build is running ($(pgrep -af "make -C .*O=" | head -1)); waiting"
		sleep 60
	done
}

# bench_build SRC OUT: one kernel, with the vmlinux layout's targets
# (gen.py --vmlinux, in OUT/klp-bench-vmlinux) linked into vmlinux, and its
# bench modules
bench_build() {
	wait_other_builds
	# KLP_BENCH_GEN_N: a list of N (default: gen.py's own), split on purpose.
	# shellcheck disable=SC2086
	run python3 "$SUITE/gen.py" --vmlinux "$2/klp-bench-vmlinux" ${KLP_BENCH_GEN_N:-}
	SRC=$1 OUT=$2 VMLINUX_EXTRA=$2/klp-bench-vmlinux stage_build --no-kselftest
	# shellcheck disable=SC2086
	OUT=$2 stage_modules klp-bench --gen "$SUITE/gen.py" ${KLP_BENCH_GEN_N:-}
}

suite_main() {
	local base_src=$BUILD/linux-base base_out=$BUILD/out-base bench_out=$BUILD/out-bench
	local k out start=$SECONDS
	local base_rev=${KLP_BENCH_BASE:-$BASE_TAG} base_sha base_desc

	base_sha=$(git -C "$SRC" rev-parse --verify "$base_rev^{commit}") ||
		die "KLP_BENCH_BASE=$base_rev is not a commit of $SRC"
	if [ ! -e "$base_src/.git" ]; then
		run git -C "$SRC" worktree add --detach "$base_src" "$base_sha"
	elif [ "$(git -C "$base_src" rev-parse HEAD)" != "$base_sha" ]; then
		[ -z "$(git -C "$base_src" status --porcelain --untracked-files=no)" ] ||
			die "$base_src has changes: cannot move it to $base_rev"
		run git -C "$base_src" checkout -q --detach "$base_sha"
	fi
	# Not a KLP_ variable: run-vm.sh would put it on the guests' command line.
	if [ "$base_rev" = "$BASE_TAG" ]; then
		base_desc="tag $BASE_TAG, no patches"
	else
		base_desc="$base_rev: $(git -C "$SRC" log -1 --format='%h %s' "$base_sha")"
	fi
	say "base kernel: $base_src ($base_desc) -> $base_out"
	bench_build "$base_src" "$base_out"
	# The series kernel as the other suites build it, in $OUT; then, in a
	# copy of $OUT, with the vmlinux targets: the copy only relinks.
	say "series kernel: $SRC ($(git -C "$SRC" describe --tags --always --dirty)) -> $OUT, $bench_out"
	wait_other_builds
	stage_build --no-kselftest
	run rsync -a --delete --exclude=/klp-bench/ --exclude=/klp-bench-vmlinux/ \
		"$OUT/" "$bench_out/"
	bench_build "$SRC" "$bench_out"

	# The base kernel's disable of 1000 functions takes minutes under TCG.
	export VM_TIMEOUT=${VM_TIMEOUT:-7200}
	for k in base series; do
		out=$bench_out; [ "$k" = base ] && out=$base_out
		say "bench guest on the $k kernel ($out)"
		OUT=$out KLP_BENCH_KERNEL=$k stage_vm "$SUITE/guest.sh" "bench-$k" ||
			die "the bench guest failed on the $k kernel: see $RESULTS/bench-$k/console.log"
	done
	# For report.py, also when it is run again on these results.
	echo "$base_desc" > "$RESULTS/bench-base/kernel.txt"
	for k in base series; do
		verdict_log "$RESULTS/bench-$k" ||
			say "WARNING: kernel reports in the $k run (numbers kept; see above)"
	done
	run python3 "$SUITE/report.py" "$RESULTS/bench-base" "$RESULTS/bench-series" \
		"$RESULTS" $(( SECONDS - start ))
}
