#!/bin/bash
# Guest: run test-klp-build.sh, a kselftest of the modules that klp-build
# generated, as the kselftest runner would, with the livepatch kselftests'
# functions.sh from the klp tree; KTAP on the console and in
# $RESULTS/ktap.txt.
source "$(dirname "$0")/../../harness/lib.sh"

dir=/tmp/klp-build
mkdir -p "$dir/test_modules"
ln -s "$OUT/samples/kobject/kobject-example.ko" "$dir/test_modules/kobject_example.ko"
for ko in "$LPDIR"/test_klp_fix*.ko; do
	ln -s "$ko" "$dir/test_modules/"
done
export KLP_FUNCTIONS=$OUT/tools/testing/selftests/livepatch/functions.sh KDIR=$OUT
test=$(dirname "$0")/test-klp-build.sh
cd "$dir"
{
	echo "TAP version 13"
	echo "1..1"
	echo "# selftests: klp-build: test-klp-build.sh"
	rc=0
	bash "$test" 2>&1 | sed 's/^/# /' || rc=$?
	if [ "$rc" = 0 ]; then
		echo "ok 1 selftests: klp-build: test-klp-build.sh"
	else
		echo "not ok 1 selftests: klp-build: test-klp-build.sh # exit=$rc"
	fi
} | tee "$RESULTS/ktap.txt"
