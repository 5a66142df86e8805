#!/bin/bash
# Fail when a kernel log shows a warning, a bug, an oops, a lockdep, RCU,
# KASAN or list-debug report. Prints each hit with its file and line.
# kmemleak suspects are judged by kmemleak-check.sh instead: only those
# that involve livepatch count.
# --injected: the guest injected allocation failures (make stress's fail-nth
# table), so the reports of failed allocations are not problems; any other
# report still is (drop-alloc-failures.awk).
# Usage: scan-console.sh [--injected] file...
source "$(dirname "$0")/../lib.sh"

filter=(cat)
if [ "${1:-}" = --injected ]; then
	filter=(awk -f "$(dirname "$0")/drop-alloc-failures.awk")
	shift
fi

hits=0
for f in "$@"; do
	[ -r "$f" ] || die "no kernel log $f"
	if "${filter[@]}" "$f" | grep -nE "$SPLAT_PATTERNS" | sed "s|^|$f:|"; then
		hits=1
	fi
done
[ "$hits" = 0 ] || die "kernel reported problems (lines above)"
say "kernel log clean: $*"
