#!/bin/bash
# Summarize kselftest KTAP output: list the sub-tests ("# TEST: ... ok") and
# the scripts, and end with one line "N passed, N failed, N skipped".
# Fails on any "not ok", any SKIP, a run that stopped before its plan was
# complete, or a run with no sub-test at all.
# Usage: ktap-summary.sh ktap.txt
source "$(dirname "$0")/../lib.sh"

ktap=$1
[ -s "$ktap" ] || { echo "0 passed, 1 failed, 0 skipped"; die "no KTAP output in $ktap"; }

awk '
/^# TEST: .* \.\.\. ok$/	{ pass++; print; next }
/^# TEST: .* \.\.\. /		{ fail++; subfail[script]++; print; next }	# "not ok", or died: "ERROR: ..."
/^# selftests: /		{ script = $0; sub(/^# selftests: /, "", script); next }
/^1\.\.[0-9]+$/			{ plan = substr($0, 4); next }
/^(not )?ok [0-9]+ /		{
	print
	results++
	if ($0 ~ /# *SKIP/) { skip++; next }
	if ($0 ~ /^not ok/ && !subfail[script]) fail++	# died outside a sub-test
}
END {
	if (plan == "" || results < plan) {
		printf "ktap: %d of %s scripts reported a result\n", results, plan == "" ? "?" : plan
		fail++
	}
	if (pass + fail + skip == 0) { print "ktap: no sub-test ran"; fail++ }
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit (fail || skip) ? 1 : 0
}' "$ktap"
