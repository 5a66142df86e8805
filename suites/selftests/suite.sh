# shellcheck shell=bash
# make check: the harness's self-test, lint (checkpatch, a build after every
# patch), the kernel, then the livepatch kselftests in the VM; fails on any
# problem and ends with the count line "N passed, N failed, N skipped".
# Sourced by harness/run-suite.sh.

suite_main() {
	local res=$RESULTS/selftests fail=0

	stage self-test "$H/self-test/run.sh"
	stage_lint
	stage_build
	stage_vm "$SUITE/guest.sh" || fail=1
	verdict_log "$res" || fail=1
	verdict_ktap "$res" || fail=1
	return $fail
}
