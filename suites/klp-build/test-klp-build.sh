#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A kselftest of livepatch modules that klp-build generated from the
# fixes in fixes/, written with the livepatch kselftests' functions.sh.
# guest.sh runs it from a folder whose test_modules/ holds the modules
# (named test_klp_*, so that functions.sh's transcripts keep their lines):
#   test_klp_fix1            fix 1 (version_proc_show), cumulative
#   test_klp_fix2            fixes 1 and 2 (b_store of kobject_example), cumulative
#   test_klp_fix1_noreplace  fix 1, klp-build --no-replace
#   kobject_example          the target module of fix 2 (its insmod and
#                            rmmod lines are not in the transcripts)

. "$KLP_FUNCTIONS"

MOD_FIX1=test_klp_fix1
MOD_FIX2=test_klp_fix2
MOD_NOREPLACE=test_klp_fix1_noreplace
MOD_TARGET=kobject_example
TARGET_SYSFS=/sys/kernel/kobject_example

setup_config

# assert_version(line) - the second line of /proc/version, "" for none
function assert_version() {
	local line

	line=$(sed -n 2p /proc/version)
	[[ "$line" == "$1" ]] || die "/proc/version's second line is \"$line\", expected \"$1\""
}

# assert_store(value, error) - what writing value into the target's baz
#	gives: "" when it is stored, else the error
function assert_store() {
	local err

	err=$( (echo "$1" > "$TARGET_SYSFS/baz") 2>&1 | sed 's/.*: //')
	[[ "$err" == "$2" ]] || die "writing $1 to baz gave \"$err\", expected \"$2\""
	[[ -n "$2" || "$(cat "$TARGET_SYSFS/baz")" == "$1" ]] ||
		die "baz reads $(cat "$TARGET_SYSFS/baz") after writing $1"
}

# insmod_msgs(mod) - the transcript of loading patch mod
function insmod_msgs() {
	echo "% insmod test_modules/$1.ko
livepatch: enabling patch '$1'
$(transition_msgs "$1" patching)"
}

# disable_msgs(mod) - the transcript of disabling patch mod
function disable_msgs() {
	echo "% echo 0 > $SYSFS_KLP_DIR/$1/enabled
$(transition_msgs "$1" unpatching)"
}

# transition_msgs(mod, patching|unpatching) - one whole transition
function transition_msgs() {
	echo "livepatch: '$1': initializing $2 transition
livepatch: '$1': starting $2 transition
livepatch: '$1': completing $2 transition
livepatch: '$1': $2 complete"
}

# - load the generated patch of fix 1: /proc/version changes, its sysfs
#   has one object, vmlinux, with version_proc_show
# - disable and unload it: /proc/version is back

start_test "generated patch of a vmlinux function"

assert_version ""
load_lp $MOD_FIX1
assert_version "live patched: fix 1"
check_sysfs_value $MOD_FIX1 enabled 1
check_sysfs_value $MOD_FIX1 transition 0
check_sysfs_value $MOD_FIX1 replace 1
check_sysfs_value $MOD_FIX1 vmlinux/patched 1
[[ -d "$SYSFS_KLP_DIR/$MOD_FIX1/vmlinux/version_proc_show,1" ]] ||
	die "no vmlinux/version_proc_show,1 in $MOD_FIX1's sysfs"
[[ "$(ls "$SYSFS_KLP_DIR/$MOD_FIX1" | grep -cvE '^(enabled|force|replace|stack_order|transition)$')" == 1 ]] ||
	die "$MOD_FIX1 has other objects than vmlinux: $(ls "$SYSFS_KLP_DIR/$MOD_FIX1")"
disable_lp $MOD_FIX1
unload_lp $MOD_FIX1
assert_version ""

check_result "$(insmod_msgs $MOD_FIX1)
$(disable_msgs $MOD_FIX1)
% rmmod $MOD_FIX1"


# - with the target module loaded, load fix 1, then the cumulative patch
#   of fixes 1 and 2: it replaces fix 1, keeps its change and refuses a
#   negative value for baz
# - unload the target module and load it again: the patch is reverted
#   and applied again, from the core's own copy of the generated
#   description (klp-build's modules free theirs after init)
# - disable the patch: baz takes a negative value again

start_test "generated cumulative patch of a module function replaces the first"

load_mod $MOD_TARGET
assert_store -5 ""
load_lp $MOD_FIX1
load_lp $MOD_FIX2
loop_until "[[ ! -e $SYSFS_KLP_DIR/$MOD_FIX1 ]]" ||
	die "$MOD_FIX2 did not replace $MOD_FIX1"
unload_lp $MOD_FIX1
assert_version "live patched: fixes 1 and 2"
assert_store -1 "Invalid argument"
assert_store 7 ""
check_sysfs_value $MOD_FIX2 replace 1
check_sysfs_value $MOD_FIX2 vmlinux/patched 1
check_sysfs_value $MOD_FIX2 $MOD_TARGET/patched 1
[[ -d "$SYSFS_KLP_DIR/$MOD_FIX2/$MOD_TARGET/b_store,1" ]] ||
	die "no $MOD_TARGET/b_store,1 in $MOD_FIX2's sysfs"
unload_mod $MOD_TARGET
check_sysfs_value $MOD_FIX2 $MOD_TARGET/patched 0
load_mod $MOD_TARGET
check_sysfs_value $MOD_FIX2 $MOD_TARGET/patched 1
assert_store -1 "Invalid argument"
disable_lp $MOD_FIX2
unload_lp $MOD_FIX2
assert_version ""
assert_store -1 ""
unload_mod $MOD_TARGET

check_result "$(insmod_msgs $MOD_FIX1)
$(insmod_msgs $MOD_FIX2)
% rmmod $MOD_FIX1
livepatch: reverting patch '$MOD_FIX2' on unloading module '$MOD_TARGET'
livepatch: applying patch '$MOD_FIX2' to loading module '$MOD_TARGET'
$(disable_msgs $MOD_FIX2)
% rmmod $MOD_FIX2"


# - with the cumulative patch enabled, the --no-replace module of fix 1
#   patches a function that it patches too: refused, nothing left

start_test "generated non-cumulative patch of a patched function is refused"

load_lp $MOD_FIX2
load_failing_mod $MOD_NOREPLACE
[[ ! -e "/sys/module/$MOD_NOREPLACE" && ! -e "$SYSFS_KLP_DIR/$MOD_NOREPLACE" ]] ||
	die "$MOD_NOREPLACE was left behind"
assert_version "live patched: fixes 1 and 2"
disable_lp $MOD_FIX2
unload_lp $MOD_FIX2

check_result "$(insmod_msgs $MOD_FIX2)
% insmod test_modules/$MOD_NOREPLACE.ko
livepatch: patch '$MOD_NOREPLACE': function 'version_proc_show' of object 'vmlinux' is already patched by '$MOD_FIX2'
insmod: ERROR: could not insert module test_modules/$MOD_NOREPLACE.ko: Operation not permitted
$(disable_msgs $MOD_FIX2)
% rmmod $MOD_FIX2"

exit 0
