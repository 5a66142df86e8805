#!/bin/bash
# Fail on a kmemleak suspect whose report involves livepatch or the test
# modules; count the others (boot-time suspects of other subsystems).
# Usage: kmemleak-check.sh kmemleak.txt
source "$(dirname "$0")/lib.sh"

[ -f "$1" ] || die "no kmemleak report: $1"
# One record per suspect: the "unreferenced object" line up to the next.
ours=$(awk -v RS='unreferenced object' 'NR > 1 && /klp_|livepatch|test_klp/ { n++; print "unreferenced object" $0 } END { exit 0 }' "$1")
all=$(grep -c '^unreferenced object' "$1" || :)
if [ -n "$ours" ]; then
	printf '%s\n' "$ours"
	die "kmemleak: suspects that involve livepatch (above), $all suspects in all"
fi
say "kmemleak: $all suspects, none involves livepatch or the test modules"
