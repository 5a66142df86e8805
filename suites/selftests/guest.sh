#!/bin/bash
# Guest: run the livepatch kselftests from the kselftest install; the KTAP
# output goes to the console and to $RESULTS/ktap.txt.
source "$(dirname "$0")/../../harness/lib.sh"

# Without KDIR every livepatch test reports "ok # SKIP" (has_kdir()).
export KDIR=$OUT
cd "$KSFT"
# Piped, not redirected: the runner's output must not be a regular file.
if [ -n "${KLP_KSFT_TEST:-}" ]; then
	sel=(-t "$KLP_KSFT_TEST")	# a developer's run of one test
else
	sel=(-c livepatch)
fi
# livepatch's settings say timeout=0 (none); a broken kernel can then hang
# a script for good. 600s is several times the slowest script under TCG;
# the debug kernel's guests of make stress give each script more
# (KLP_KSFT_TIMEOUT).
./run_kselftest.sh -o "${KLP_KSFT_TIMEOUT:-600}" "${sel[@]}" 2>&1 | tee "$RESULTS/ktap.txt"
