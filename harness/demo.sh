#!/bin/bash
# make demo: build what is missing, boot the patched kernel and live patch it.
source "$(dirname "$0")/lib.sh"

H=$TOP/harness
"$H/install-deps.sh"
"$H/prepare-tree.sh"
"$H/build-kernel.sh" > "$BUILD/build.log" 2>&1 ||
	{ tail -40 "$BUILD/build.log"; die "build failed (log: build/build.log)"; }
say "built $(git -C "$SRC" log --oneline "$BASE_TAG..HEAD" | wc -l) patches on Debian $(debian_version) (log: build/build.log)"
"$H/run-vm.sh" "$H/guest-demo.sh"
