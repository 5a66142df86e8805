#!/bin/bash
# Build the two kernels of the livepatch benchmark from the same Debian tree
# and the bench modules of each: base (tag debian-base, no patches: a second
# worktree, build/linux-base, in build/out-base) and the series (build/linux
# as it is, in build/out). build/linux's checkout is never switched.
# Usage: build-bench.sh
source "$(dirname "$0")/lib.sh"

H=$TOP/harness
BASE_SRC=$BUILD/linux-base BASE_OUT=$BUILD/out-base

# One kernel build at a time on this machine: wait for any other one.
wait_other_builds() {
	while pgrep -f "make -C .*O=" >/dev/null; do
		say "another kernel build is running ($(pgrep -af "make -C .*O=" | head -1)); waiting"
		sleep 60
	done
}

[ -d "$SRC/.git" ] || die "no $SRC git tree: run make tree"
if [ ! -e "$BASE_SRC/.git" ]; then
	run git -C "$SRC" worktree add --detach "$BASE_SRC" "$BASE_TAG"
fi
[ "$(git -C "$BASE_SRC" rev-parse HEAD)" = "$(git -C "$SRC" rev-parse "$BASE_TAG^{commit}")" ] ||
	die "$BASE_SRC is not at $BASE_TAG"

say "base kernel: $BASE_SRC ($BASE_TAG) -> $BASE_OUT"
wait_other_builds
SRC=$BASE_SRC OUT=$BASE_OUT KSFT=$BUILD/kselftest-base \
	run "$H/build-kernel.sh" --no-kselftest
OUT=$BASE_OUT run "$H/build-bench-modules.sh"

say "series kernel: $SRC ($(git -C "$SRC" describe --tags --always --dirty)) -> $OUT"
wait_other_builds
run "$H/build-kernel.sh" --no-kselftest
run "$H/build-bench-modules.sh"
