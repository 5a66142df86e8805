#!/bin/bash
# Guest: feed each malformed patch of test_klp_malformed (and a module not
# marked as a livepatch) to the running kernel and write one markdown table
# row per case to $RESULTS/malformed.md: the insmod error, the kernel's
# livepatch lines, what was left behind and, on a kmemleak kernel, the
# suspects that involve livepatch. Works on the unpatched kernel too (RESULTS.md
# compares); test-malformed.sh is the pass/fail test.
source "$(dirname "$0")/../../harness/lib.sh"

TM=$KSFT/livepatch/test_modules
SYS=/sys/kernel/livepatch
TABLE=$RESULTS/malformed.md
# The malformed cases, as the kselftest lists them (its malformed_cases),
# then a module not marked as a livepatch, a patch of a patched function,
# and klp_enable_patch() called twice.
# The 6.12 backport's kselftests have no such list: its own is in
# backport/6.12/.
LIST=$KSFT/livepatch/malformed_cases
[ -f "$LIST" ] || LIST=$PATCHES/malformed_cases
[ -f "$LIST" ] || die "no malformed_cases in $KSFT/livepatch or $PATCHES"
mapfile -t CASES < <(sed -e '/^#/d' -e '/^$/d' -e 's/|.*//' "$LIST")
CASES+=(nolp overlap twice)

# What the kernel said since the mark, livepatch lines only, joined.
kernel_lines() {
	dmesg | awk -v mark="$1" 'p; index($0, mark) { p = 1 }' |
		sed 's/^\[[ 0-9.]*\] //' | grep -E '^livepatch: |^test_klp' |
		grep -v 'taint' | sed 's/|/\\|/g' | paste -sd '#' | sed 's/#/<br>/g' || :
}

# Suspects of a new scan that involve livepatch, or "n/a".
leaks() {
	[ -w "$KMEMLEAK" ] || { echo n/a; return; }
	kmemleak_scan /tmp/kmemleak.txt
	kmemleak_ours /tmp/kmemleak.txt | grep -c '^unreferenced object' || :
}

# What a refused patch left behind: sysfs directories, modules, references.
leftovers() {
	local left=() dirs

	# test_klp_livepatch is the patch the overlap case overlaps.
	dirs=$(ls $SYS | grep -vx test_klp_livepatch | paste -sd, || :)
	[ -z "$dirs" ] || left+=("$SYS/$dirs")
	for mod in test_klp_malformed test_klp_malformed_nolp; do
		[ ! -e /sys/module/$mod ] || left+=("module $mod")
	done
	[ "$(cat /sys/module/test_klp_malformed_mod/refcnt)" = 0 ] ||
		left+=("test_klp_malformed_mod refcnt $(cat /sys/module/test_klp_malformed_mod/refcnt)")
	echo "${left[*]:-nothing}"
}

run_case() {
	local case=$1 mark="klp malformed case $1" ko=$TM/test_klp_malformed.ko
	local args=(case="$case") out rc

	echo "$mark" > /dev/kmsg
	[ "$case" != nolp ] || { ko=$TM/test_klp_malformed_nolp.ko; args=(); }
	[ "$case" != overlap ] || args=(case=valid)
	[ ! -w "$KMEMLEAK" ] || echo clear > "$KMEMLEAK"
	set +e
	out=$(insmod "$ko" "${args[@]}" 2>&1)
	rc=$?
	set -e
	out=${out##*: }
	[ $rc != 0 ] || out="loaded (exit 0)"
	printf '| %s | %s | %s | %s | %s |\n' "$case" "$out" \
		"$(kernel_lines "$mark")" "$(leftovers)" "$(leaks)" | tee -a "$TABLE"
	[ "$case" = twice ] || unload_accepted
}

# A kernel that accepted a malformed patch (the unpatched one does): take
# it out again so that the next case starts clean.
unload_accepted() {
	local dir=$SYS/test_klp_malformed tries=0

	[ -e /sys/module/test_klp_malformed ] || return 0
	if [ -e "$dir" ]; then
		while [ "$(cat "$dir/transition")" != 0 ]; do sleep 0.1; done
		echo 0 > "$dir/enabled"
	fi
	until rmmod test_klp_malformed 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 300 ] || die "the accepted test_klp_malformed did not unload"
		sleep 0.1
	done
}

[ -w "$KMEMLEAK" ] && echo "scan=off" > "$KMEMLEAK"
echo "| case | insmod | kernel log | left behind | kmemleak suspects |" > "$TABLE"
echo "|---|---|---|---|---|" >> "$TABLE"
insmod "$TM/test_klp_malformed_mod.ko"
for case in "${CASES[@]}"; do
	case $case in
	overlap) insmod "$TM/test_klp_livepatch.ko" ;;
	twice)	break ;;
	esac
	run_case "$case"
	if [ "$case" = overlap ]; then
		echo 0 > $SYS/test_klp_livepatch/enabled
		while [ -e $SYS/test_klp_livepatch ]; do sleep 0.2; done
		rmmod test_klp_livepatch
	fi
done
# Last: on the unpatched kernel the second call corrupts klp_patches.
run_case twice

# sysfs_case(attr, value) - write to an attribute of the patch that "twice"
#	left enabled; the row shows the error and the state afterwards
sysfs_case() {
	local dir=$SYS/test_klp_malformed mark="klp malformed sysfs $*" err

	echo "$mark" > /dev/kmsg
	err=$( { echo "$2" > "$dir/$1"; } 2>&1 ) && err="accepted" || err=${err##*write error: }
	printf '| `echo %s > %s` | %s | %s | enabled=%s transition=%s | %s |\n' \
		"$2" "$1" "$err" "$(kernel_lines "$mark")" "$(cat "$dir/enabled")" \
		"$(cat "$dir/transition")" "$(leaks)" | tee -a "$TABLE"
}

sysfs_case enabled garbage
sysfs_case enabled 1
sysfs_case force garbage
sysfs_case force 1

# Writes racing with the removal of the patch and rmmod of its module.
mark="klp malformed sysfs race"
echo "$mark" > /dev/kmsg
dir=$SYS/test_klp_malformed
echo 0 > "$dir/enabled"
( set +e; while :; do
	echo 0 > "$dir/enabled"; echo garbage > "$dir/enabled"
	echo garbage > "$dir/force"; cat "$dir/transition"
  done ) >/dev/null 2>&1 &
writer=$!
tries=0
until rmmod test_klp_malformed 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -lt 300 ] || die "test_klp_malformed did not unload"
	sleep 0.1
done
kill $writer || die "the writer stopped early"
wait $writer 2>/dev/null || :
printf '| writes racing with `rmmod` | rmmod after %s tries | %s | %s | %s |\n' \
	"$tries" "$(kernel_lines "$mark")" "$(leftovers)" "$(leaks)" | tee -a "$TABLE"
rmmod test_klp_malformed_mod
