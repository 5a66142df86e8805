#!/bin/bash
# livepatch-text.sh OUT: where livepatch's code is in the kernel built in
# O= folder OUT, for fail-nth's stack trace filter (guest-failnth.sh).
# Prints "START END FUNCS": the offsets from _text, in hex, of the longest
# run of text symbols in System.map that are functions of
# kernel/livepatch/*.o, and the end of that run (the next symbol); and the
# number of functions in the run. A function's __pfx_ padding symbol
# counts as the function's; its .cold part lies elsewhere and is left out,
# and so are the constructors KASAN gives every object (_sub_I_*), which
# lie with the other objects'.
set -euo pipefail
out=${1:?usage: livepatch-text.sh OUT}
objs=("$out"/kernel/livepatch/*.o)
[ -e "${objs[0]}" ] || { echo "livepatch-text.sh: no $out/kernel/livepatch/*.o" >&2; exit 1; }
nm --defined-only "${objs[@]}" |
	awk 'NF == 3 && $2 ~ /^[tT]$/ && $3 !~ /\.cold/ && $3 !~ /^_sub_[ID]_/ {
		sub(/^__pfx_/, "", $3); print $3 }' |
	sort -u > "$out/.livepatch-funcs"
# Kernel text lies in one 32-bit window: the low eight hex digits of an
# address are enough, and fit awk's numbers (mawk has no strtonum).
awk -v funcs="$out/.livepatch-funcs" '
	function lo(h,	i, v) {
		h = tolower(substr(h, length(h) - 7)); v = 0
		for (i = 1; i <= 8; i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	BEGIN { while ((getline f < funcs) > 0) ours[f] = 1 }
	$2 !~ /^[tTwW]$/ { next }
	$3 == "_text" { text = lo($1) }
	{
		a = lo($1); name = $3; sub(/^__pfx_/, "", name)
		if (run_start != "" && !(name in ours)) {
			if (n > best) { best = n; bs = run_start; be = a }
			run_start = ""; n = 0
		}
		if (name in ours) {
			if (run_start == "") run_start = a
			if ($3 !~ /^__pfx_/) n++
		}
	}
	END {
		if (!best || text == "") exit 1
		printf "%x %x %d\n", bs - text, be - text, best
	}' "$out/System.map"
