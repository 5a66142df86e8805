# shellcheck shell=bash
# make demo: build what is missing (quietly, into build/build.log), boot the
# series kernel and live patch it; the guest prints the transcript.
# Sourced by harness/run-suite.sh.

suite_main() {
	stage_build > "$BUILD/build.log" 2>&1 ||
		{ tail -40 "$BUILD/build.log"; die "build failed (log: build/build.log)"; }
	say "built $(git -C "$SRC" log --oneline "$BASE_TAG..HEAD" | wc -l) patches on Debian $(debian_version) (log: build/build.log)"
	stage_vm "$SUITE/guest.sh"
}
