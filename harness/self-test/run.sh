#!/bin/bash
# Self-test of the harness's verdicts: feed each verdict script the
# known-good and known-bad inputs of fixtures/<script>/ and check that it
# passes or fails as the fixture's name says (pass-* or fail-*), and, where
# a .count file is given, that it prints that count line.
#
#   fixtures/ktap-summary/*.ktap      5-verdict/ktap-summary.sh FILE
#   fixtures/scan-console/*.log       5-verdict/scan-console.sh FILE
#   fixtures/scan-injected/*.log      5-verdict/scan-console.sh --injected FILE
#   fixtures/kmemleak-check/*.txt     5-verdict/kmemleak-check.sh FILE
#   fixtures/check-config/*/          3-build/check-config.sh DIR/config DIR/fragment
source "$(dirname "$0")/../lib.sh"

F=$H/self-test/fixtures
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
bad=0 n=0

# expect pass|fail NAME CMD...
expect() {
	local want=$1 name=$2 got=pass
	shift 2
	n=$((n + 1))
	"$@" > "$tmp" 2>&1 || got=fail
	if [ "$got" = "$want" ]; then
		echo "ok - $name ($got)"
	else
		echo "not ok - $name: expected $want, got $got"; sed 's/^/#   /' "$tmp"
		bad=1
	fi
}
# expect_count FILE: the last expect's output has the count line in FILE
expect_count() {
	[ -f "$1" ] || return 0
	grep -qxF "$(cat "$1")" "$tmp" ||
		{ echo "not ok - count line: expected '$(cat "$1")'"; bad=1; }
}
# want FIXTURE: pass or fail, from its name
want() { local b; b=$(basename "$1"); echo "${b%%-*}"; }

for f in "$F"/ktap-summary/*.ktap; do
	expect "$(want "$f")" "ktap-summary: $(basename "$f")" "$H/5-verdict/ktap-summary.sh" "$f"
	expect_count "${f%.ktap}.count"
done
for f in "$F"/scan-console/*.log; do
	expect "$(want "$f")" "scan-console: $(basename "$f")" "$H/5-verdict/scan-console.sh" "$f"
done
for f in "$F"/scan-injected/*.log; do
	expect "$(want "$f")" "scan-console --injected: $(basename "$f")" \
		"$H/5-verdict/scan-console.sh" --injected "$f"
done
for f in "$F"/kmemleak-check/*.txt; do
	expect "$(want "$f")" "kmemleak-check: $(basename "$f")" "$H/5-verdict/kmemleak-check.sh" "$f"
done
expect fail "kmemleak-check: no report at all" "$H/5-verdict/kmemleak-check.sh" "$F/no-such-file"
for d in "$F"/check-config/*/; do
	expect "$(want "$d")" "check-config: $(basename "$d")" "$H/3-build/check-config.sh" "$d/config" "$d/fragment"
done

[ $bad = 0 ] || die "the harness's verdicts are broken"
say "harness self-test: $n fixtures, all judged as expected"
