#!/bin/bash
# Fail on a kmemleak suspect whose report involves livepatch or the test
# modules; count the others (boot-time suspects of other subsystems).
# Usage: kmemleak-check.sh kmemleak.txt
source "$(dirname "$0")/../lib.sh"

[ -f "$1" ] || die "no kmemleak report: $1"
ours=$(kmemleak_ours "$1")
all=$(grep -c '^unreferenced object' "$1" || :)
if [ -n "$ours" ]; then
	printf '%s\n' "$ours"
	die "kmemleak: suspects that involve livepatch (above), $all suspects in all"
fi
say "kmemleak: $all suspects, none involves livepatch or the test modules"
