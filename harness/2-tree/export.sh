#!/bin/bash
# Write the commits of build/linux (debian-base..HEAD) back to patches/:
# one format-patch file each, the series file, and the cover letter with its
# text kept and its patch count, shortlog and diffstat brought up to date.
source "$(dirname "$0")/../lib.sh"

cd "$SRC"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them (git commit -s) first"
P=$PATCHES
n=$(git rev-list --count "$BASE_TAG..HEAD")

# Keep the cover letter's title, its text (everything above its first
# "---") and its history (below "---", up to the shortlog's first
# "Author (N):" line).
cover=$P/0000-cover-letter.patch
title=$(sed -n 's/^Subject: \[PATCH [0-9]*\/[0-9]*\] //p' "$cover")
body=$(awk 'hdr && /^---$/ { exit } hdr { print } /^$/ { hdr = 1 }' "$cover")
history=$(awk '/^---$/ && !cut { cut = 1; next } cut && /^[^ ].* \([0-9]+\):$/ { exit }
	cut { print }' "$cover")

find "$P" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' -delete
if [ "$n" -gt 0 ]; then
	git format-patch -q --zero-commit --no-signature -o "$P" "$BASE_TAG..HEAD"
fi
{
	echo "# Applied in order onto Debian $PKG by harness/2-tree/prepare-tree.sh."
	(cd "$P" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter')
} > "$P/series"
{
	echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
	echo "From: $(git config user.name) <$(git config user.email)>"
	echo "Subject: [PATCH 0/$n] $title"
	echo
	echo "$body"
	echo "---"
	[ -z "$history" ] || printf '%s\n\n' "$history"
	if [ "$n" -gt 0 ]; then
		git shortlog "$BASE_TAG..HEAD"
		git diff --stat=72 "$BASE_TAG..HEAD"
	else
		echo "(no patches yet)"
	fi
	echo
	echo "base: Debian $PKG $(git tag -l --format='%(contents:subject)' "$BASE_TAG")"
} > "$cover"
git rev-parse 'HEAD^{tree}' > .git/klp-synced-tree
say "exported $n patches to patches/"
git -C "$TOP" status --short "$P"
