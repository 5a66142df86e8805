#!/bin/bash
# The one entry point: run suite NAME (suites/NAME/suite.sh) through the
# shared stages of the pipeline:
#
#   1-base     install what is missing, fetch the Debian base package
#   2-tree     build/linux = base + the series as commits; lint; export
#   3-build    config, kernel, modules, kselftest install (ccache)
#   4-vm       boot the kernel in QEMU, run the suite's guest script
#   5-verdict  KTAP counts, kernel log reports, kmemleak suspects
#
# Stages 1 and 2 are the same for every suite and run first; the suite's
# suite_main() then calls stages 3-5 (harness/lib.sh: stage_build,
# stage_modules, stage_vm, verdict_*) as it needs them, and returns
# non-zero when any verdict failed.
# Usage: run-suite.sh NAME [ARG...]   (selftests, demo, stress, bench, klp-build);
# the ARGs go to suite_main.
source "$(dirname "$0")/lib.sh"

name=${1:?usage: run-suite.sh SUITE (one of: $(ls "$TOP/suites" | paste -sd' '))}
SUITE=$TOP/suites/$name
[ -f "$SUITE/suite.sh" ] || die "no suite '$name': no $SUITE/suite.sh"
start=$(date +%s)
trap 'rc=$?; say "suite $name: $(( $(date +%s) - start ))s, exit $rc"' EXIT
# Killed: say so, with the status of a death by that signal.
trap 'exit 130' INT
trap 'exit 143' TERM
say "suite $name: Debian $PKG $PKG_VERSION, patches from ${PATCHES#"$TOP"/}"
# shellcheck source=/dev/null
source "$SUITE/suite.sh"
stage_base
stage_tree
suite_main "${@:2}"
