#!/bin/bash
# Give build/linux as a git tree at Debian base + patches/series.
#
# First run: unpack the base tarball (lib.sh: $TARBALL), commit it once and
# tag it debian-base. Every run: compute the tree that base + series must
# give (in a scratch index, without touching the work tree) and, if HEAD is
# not that tree, reset to base and apply the series with git am. Work that
# was committed in build/linux but not exported is never thrown away unless
# FORCE=1 is given.
source "$(dirname "$0")/../lib.sh"

ver=$(debian_version)
[ "$ver" != unknown ] || die "$PKG is not there (run harness/1-base/install-deps.sh)"
say "base: Debian $PKG $ver"

# git am and the base commit need a committer; a fresh machine may have none.
if [ -z "$(git config user.email || true)" ]; then
	export GIT_COMMITTER_NAME="klp harness" GIT_COMMITTER_EMAIL="harness@localhost"
	export GIT_AUTHOR_NAME="$GIT_COMMITTER_NAME" GIT_AUTHOR_EMAIL="$GIT_COMMITTER_EMAIL"
fi

unpack() {
	local tmp=$BUILD/linux.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	run tar -C "$tmp" --strip-components=1 -xf "$TARBALL"
	git -C "$tmp" init -q -b series
	# Debian's top-level .gitignore ignores everything ("/*"): force.
	git -C "$tmp" add -f -A .
	git -C "$tmp" -c core.bigFileThreshold=1m commit -q \
		-m "Debian $PKG $ver" \
		-m "Unpacked from $TARBALL, package version $ver."
	git -C "$tmp" tag -a "$BASE_TAG" -m "$ver"
	mv "$tmp" "$SRC"
}

if [ ! -d "$SRC/.git" ]; then
	say "unpacking $TARBALL into $SRC"
	unpack
fi
cd "$SRC"
have=$(git tag -l --format='%(contents:subject)' "$BASE_TAG")
[ "$have" = "$ver" ] ||
	die "$SRC is based on $have but the package is $ver; remove $BUILD and rerun"

# The tree that base + series gives, computed in a scratch index.
series_tree() {
	local idx p
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git read-tree "$BASE_TAG"
	while read -r p; do
		GIT_INDEX_FILE=$idx git apply --cached "$PATCHES/$p" ||
			{ rm -f "$idx"; die "patches/$p does not apply"; }
	done < <(series_files)
	GIT_INDEX_FILE=$idx git write-tree
	rm -f "$idx"
}

want=$(series_tree)
head=$(git rev-parse 'HEAD^{tree}')
dirty=$(git status --porcelain --untracked-files=no)
synced=$(cat .git/klp-synced-tree 2>/dev/null || git rev-parse "$BASE_TAG^{tree}")

if [ "$head" = "$want" ] && [ -z "$dirty" ]; then
	say "build/linux already is base + $(series_files | wc -l) patches"
	echo "$want" > .git/klp-synced-tree
	exit 0
fi
if [ "${FORCE:-0}" != 1 ] && { [ -n "$dirty" ] || [ "$head" != "$synced" ]; }; then
	git status --short --untracked-files=no | head -20 >&2
	die "build/linux holds work that is not in patches/ (uncommitted, or commits not exported): 'make export' keeps it, 'make tree FORCE=1' drops it"
fi

say "applying patches/series onto $BASE_TAG"
run git checkout -q -f -B series "$BASE_TAG"
while read -r p; do
	run git am -q --3way "$PATCHES/$p" ||
		{ git am --abort || true; die "patches/$p does not apply"; }
done < <(series_files)
[ "$(git rev-parse 'HEAD^{tree}')" = "$want" ] || die "git am gave another tree than git apply"
echo "$want" > .git/klp-synced-tree
say "build/linux: $(git log --oneline "$BASE_TAG..HEAD" | wc -l) patches on $BASE_TAG"
