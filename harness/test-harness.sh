#!/bin/bash
# Self-test of the harness's failure detection: feed the KTAP summarizer and
# the kernel log scanner known-good and known-bad input and check that each
# passes or fails as it must.
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
H=$TOP/harness
bad=0

# expect pass|fail NAME CMD...
expect() {
	local want=$1 name=$2 got=pass
	shift 2
	"$@" > "$tmp/out" 2>&1 || got=fail
	if [ "$got" = "$want" ]; then
		echo "ok - $name ($got)"
	else
		echo "not ok - $name: expected $want, got $got"; sed 's/^/#   /' "$tmp/out"
		bad=1
	fi
}
ktap() { printf '%s\n' 'TAP version 13' "$@" > "$tmp/ktap.txt"; }
# expect_count LINE: the last expect's output holds the count line LINE
expect_count() {
	grep -qx "$1" "$tmp/out" || { echo "not ok - count line: $(tail -1 "$tmp/out")"; bad=1; }
}

ktap '1..2' '# selftests: livepatch: a.sh' '# TEST: one ... ok' '# TEST: two ... ok' \
	'ok 1 selftests: livepatch: a.sh' '# selftests: livepatch: b.sh' '# TEST: three ... ok' \
	'ok 2 selftests: livepatch: b.sh'
expect pass "all sub-tests ok" "$H/ktap-summary.sh" "$tmp/ktap.txt"
expect_count '3 passed, 0 failed, 0 skipped'

ktap '1..2' '# selftests: livepatch: a.sh' '# TEST: one ... ok' '# TEST: two ... not ok' \
	'not ok 1 selftests: livepatch: a.sh # exit=1' '# selftests: livepatch: b.sh' \
	'# TEST: three ... ok' 'ok 2 selftests: livepatch: b.sh'
expect fail "a sub-test not ok" "$H/ktap-summary.sh" "$tmp/ktap.txt"
expect_count '2 passed, 1 failed, 0 skipped'

ktap '1..1' '# selftests: livepatch: a.sh' \
	'# TEST: one ... ERROR: insmod: ERROR: could not insert module a.ko: Invalid parameters' \
	'not ok 1 selftests: livepatch: a.sh # exit=1'
expect fail "a sub-test dies" "$H/ktap-summary.sh" "$tmp/ktap.txt"
expect_count '0 passed, 1 failed, 0 skipped'

ktap '1..1' '# selftests: livepatch: a.sh' '# skip all tests: KDIR not available' \
	'ok 1 selftests: livepatch: a.sh # SKIP'
expect fail "a script SKIPped" "$H/ktap-summary.sh" "$tmp/ktap.txt"

ktap '1..1' '# selftests: livepatch: a.sh' '# TEST: one ... ok' 'not ok 1 selftests: livepatch: a.sh # TIMEOUT 45 seconds'
expect fail "a script dies outside a sub-test" "$H/ktap-summary.sh" "$tmp/ktap.txt"

ktap '1..2' '# selftests: livepatch: a.sh' '# TEST: one ... ok' 'ok 1 selftests: livepatch: a.sh'
expect fail "the run stops before the plan is complete" "$H/ktap-summary.sh" "$tmp/ktap.txt"

: > "$tmp/ktap.txt"
expect fail "no KTAP output" "$H/ktap-summary.sh" "$tmp/ktap.txt"

printf '%s\n' '[    1.0] livepatch: enabling patch '"'"'x'"'"'' '[    2.0] livepatch: '"'"'x'"'"': patching complete' > "$tmp/log"
expect pass "a clean kernel log" "$H/scan-console.sh" "$tmp/log"
for splat in 'WARNING: CPU: 1 PID: 42 at kernel/livepatch/core.c:100 klp_foo+0x1/0x2' \
	'BUG: kernel NULL pointer dereference, address: 0000000000000008' \
	'Oops: 0002 [#1] PREEMPT SMP' 'Call Trace:' 'WARNING: possible circular locking dependency detected' \
	'BUG: KASAN: slab-use-after-free in klp_ftrace_handler+0x2f/0x90' \
	'WARNING: suspicious RCU usage' 'list_del corruption. prev->next should be ffff'; do
	printf '%s\n' '[    1.0] livepatch: fine' "[    2.0] $splat" > "$tmp/log"
	expect fail "kernel log with '$splat'" "$H/scan-console.sh" "$tmp/log"
done

[ $bad = 0 ] || die "the harness's failure detection is broken"
say "harness self-test passed"
