#!/bin/bash
# Guest: run the livepatch kselftests from the kselftest install; the KTAP
# output goes to the console and to $RESULTS/ktap.txt.
source "$(dirname "$0")/lib.sh"

# Without KDIR every livepatch test reports "ok # SKIP" (has_kdir()).
export KDIR=$OUT
cd "$KSFT"
# Piped, not redirected: the runner's output must not be a regular file.
if [ -n "${KLP_KSFT_TEST:-}" ]; then
	sel=(-t "$KLP_KSFT_TEST")	# a developer's run of one test
else
	sel=(-c livepatch)
fi
./run_kselftest.sh "${sel[@]}" 2>&1 | tee "$RESULTS/ktap.txt"
