#!/bin/bash
# Fail when a kernel log shows a warning, a bug, an oops, a lockdep, RCU,
# KASAN or list-debug report. Prints each hit with its file and line.
# kmemleak suspects are judged by kmemleak-check.sh instead: only those
# that involve livepatch count.
# Usage: scan-console.sh file...
source "$(dirname "$0")/../lib.sh"

PATTERNS='WARNING:|BUG:|Oops|Call Trace|general protection fault|Kernel panic'
PATTERNS+='|possible circular locking|possible recursive locking|inconsistent lock state'
PATTERNS+='|suspicious RCU usage|INFO: rcu_|KASAN:|UBSAN:|list_(add|del) corruption'
PATTERNS+='|hung_task|blocked for more than'

if grep -nE "$PATTERNS" "$@"; then
	die "kernel reported problems (lines above)"
fi
say "kernel log clean: $*"
