#!/bin/bash
# scripts/checkpatch.pl --strict on every patch of the series (a WARNING or
# ERROR fails, CHECKs are listed), then a bisect build: the tree with patches
# 1..k must build for every k (incrementally, in the same O= folder).
source "$(dirname "$0")/../lib.sh"

mapfile -t patches < <(series_files)
n=${#patches[@]}
say "lint: $n patches"
cd "$SRC"
bad=0
# checkpatch warns about every added file ("does MAINTAINERS need
# updating?"); instead, check that MAINTAINERS does cover each added file.
added_files() {
	awk '/^diff --git / { f = substr($4, 3) } /^new file mode/ { print f }' "$1"
}
maintained() {
	local f
	for f in $(added_files "$1"); do
		[ -e "$f" ] || continue
		scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats -f "$f" |
			grep -q '<' || { echo "MAINTAINERS: no maintainer for $f"; return 1; }
	done
}

for p in "${patches[@]}"; do
	maintained "$PATCHES/$p" || bad=1
	# The tree is Debian's tarball, without upstream's history, so every
	# Fixes: tag would be an UNKNOWN_COMMIT_ID; the ids are upstream's.
	out=$(scripts/checkpatch.pl --strict --no-summary --show-types \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$PATCHES/$p" || true)
	if grep -qE '^(WARNING|ERROR):' <<<"$out"; then
		echo "checkpatch: $p:"; echo "$out"; bad=1
	elif grep -qE '^CHECK:' <<<"$out"; then
		echo "checkpatch: $p: CHECKs only:"; echo "$out"
	else
		echo "checkpatch: $p: clean"
	fi
done
[ $bad = 0 ] || die "checkpatch found warnings or errors"

[ "${LINT_BUILD:-1}" = 1 ] || exit 0
[ -z "$(git status --porcelain --untracked-files=no)" ] || die "build/linux is not clean"
tip=$(git rev-parse --abbrev-ref HEAD)
trap 'git checkout -q "$tip"' EXIT
# The tip is built by the main build; here patches 1..k for k < n.
for ((k = 1; k < n; k++)); do
	say "bisect build: patches 1..$k of $n"
	run git checkout -q --detach "$tip~$((n - k))"
	"$H/3-build/build-kernel.sh" --no-kselftest > "$BUILD/bisect-$k.log" 2>&1 ||
		{ tail -40 "$BUILD/bisect-$k.log"; die "build fails with patches 1..$k (log: build/bisect-$k.log)"; }
done
say "lint passed"
