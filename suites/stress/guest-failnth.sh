#!/bin/bash
# Guest: every allocation failure of livepatch's entry points, in turn, the
# way syzkaller does it. For n = 1, 2, ... until the operation no longer
# reaches its n-th fault site, klp-failnth sets fail-nth = n in the task
# that runs the operation (failslab and fail_page_alloc then fail that
# allocation) and runs it. After each step with a fault injected:
#   - a failed operation left the system as it was (no sysfs directory, no
#     module, the earlier patch still enabled and still answering);
#   - one that succeeded anyway (the fault was handled) did what it should;
#   - the kernel logged no report since the step began (allocation failure
#     reports, "page allocation failure" and "vmalloc error", excepted);
#   - every KLP_FAILNTH_RETRY_EVERY-th failed step (default 10; 1: each),
#     the same operation without a fault works, and is undone; the last
#     step of each walk is one such plain operation. A retry triples the
#     cost of a step on the debug kernel.
# Fault sites are the allocations made with livepatch's code on the stack
# (KLP_FAILNTH_FILTER=livepatch, the default: fault injection's stack trace
# filter, over the text of kernel/livepatch/*.o as livepatch-text.sh finds
# it): the module loader's own allocations before and around livepatch's
# part are not failed. KLP_FAILNTH_FILTER=none fails every allocation of
# the operation, about three times as many steps.
# After each entry point, kmemleak scans. Writes one markdown row per entry
# point to $RESULTS/failnth.md and PASS or FAIL to $RESULTS/failnth.txt.
# KLP_FAILNTH_ENTRIES picks entry points (default: all, in table order);
# KLP_FAILNTH_MAX (default 5000) bounds n.
source "$(dirname "$0")/../../harness/lib.sh"

# The modules are read from tmpfs, so that finit_module() does not count
# the 9p client's allocations among its fault sites.
TM=/tmp/failnth-modules
SYS=/sys/kernel/livepatch
DBG=/sys/kernel/debug
FAILNTH=$OUT/klp-stress-bin/klp-failnth
TABLE=$RESULTS/failnth.md
REPORT=$RESULTS/failnth.txt
MAX=${KLP_FAILNTH_MAX:-5000}
FILTER=${KLP_FAILNTH_FILTER:-livepatch}
RETRY_EVERY=${KLP_FAILNTH_RETRY_EVERY:-10}
# Lists reach the guest with commas for spaces (harness/4-vm/run-vm.sh).
: "${KLP_FAILNTH_ENTRIES:=vmlinux mod_loaded mod_absent replace coming coming_transition disable reverse}"
ENTRIES=(${KLP_FAILNTH_ENTRIES//,/ })

failures=()
log() { printf 'failnth: %s\n' "$*"; }
fail() { failures+=("$1: $2"); log "FAIL: $1: $2"; }
# patch_idle PATCH: PATCH is not in transition.
patch_idle() { readf "$SYS/$1/transition"; [ "$REPLY" = 0 ]; }
gone() { [ ! -e "$SYS/$1" ]; }
unload() { wait_until 60 rmmod "$1" 2>/dev/null; }
load() { insmod "$TM/$1.ko" "${@:2}"; }

# enable_lp PATCH [PARAMS]: load a patch and wait for its transition.
enable_lp() {
	load "$@"
	wait_until 120 patch_idle "$1" || die "$1: transition did not end"
}

# disable_lp PATCH: disable, wait until it is freed, unload.
disable_lp() {
	wait_until 120 patch_idle "$1" || die "$1: transition did not end"
	echo 0 > "$SYS/$1/enabled"
	wait_until 120 gone "$1" || die "$1: not freed after disable"
	unload "$1" || die "$1: rmmod failed"
}

# The transition of test_klp_callbacks_demo stays open while the work of
# test_klp_callbacks_busy sleeps in the function the patch changes.
BUSY=test_klp_callbacks_busy
DEMO=test_klp_callbacks_demo
busy_block() { load $BUSY block_transition=1; }
busy_release() {
	echo 0 > /sys/module/$BUSY/parameters/block_transition
	unload $BUSY || die "$BUSY: rmmod failed"
}

# What the patched functions answer.
CMDLINE=$(cat /proc/cmdline)
answers() { readf "$1"; [ "$REPLY" = "$2" ] || { echo "$1 reads '$REPLY', not '$2'"; return 1; }; }
cmdline_by() {
	if [ -n "$1" ]; then
		answers /proc/cmdline "$1: this has been live patched"
	else
		answers /proc/cmdline "$CMDLINE"
	fi
}
target_by() {
	if [ -n "$1" ]; then
		answers /proc/test_klp_mod_target "$1: this has been live patched"
	else
		answers /proc/test_klp_mod_target "test_klp_mod_target: original output"
	fi
}
# absent MOD...: neither a module nor a patch of that name is left.
absent() {
	local m

	for m in "$@"; do
		[ ! -e "$SYS/$m" ] || { echo "$SYS/$m left behind"; return 1; }
		! loaded "$m" || { echo "module $m left loaded"; return 1; }
	done
}
# patch_state PATCH ENABLED TRANSITION
patch_state() {
	local e t

	readf "$SYS/$1/enabled"; e=$REPLY
	readf "$SYS/$1/transition"; t=$REPLY
	[ "$e/$t" = "$2/$3" ] ||
		{ echo "$1: enabled=$e transition=$t, not $2/$3"; return 1; }
}

# Each entry point: E_setup, E_op N (prints klp-failnth's line), E_before
# (the state a failed op must leave), E_after (a successful op's state),
# E_undo (back from after to before), E_cleanup. The checks print what is
# wrong and fail.

# insmod of a patch of vmlinux
vmlinux_setup() { :; }
vmlinux_op() { "$FAILNTH" "$1" insmod "$TM/test_klp_livepatch.ko"; }
vmlinux_before() { absent test_klp_livepatch && cmdline_by ""; }
vmlinux_after() { wait_until 120 patch_idle test_klp_livepatch && cmdline_by test_klp_livepatch; }
vmlinux_undo() { disable_lp test_klp_livepatch; }
vmlinux_cleanup() { :; }

# insmod of a patch of a loaded module
mod_loaded_setup() { load test_klp_mod_target; }
mod_loaded_op() { "$FAILNTH" "$1" insmod "$TM/test_klp_mod_patch.ko"; }
mod_loaded_before() { absent test_klp_mod_patch && target_by ""; }
mod_loaded_after() { wait_until 120 patch_idle test_klp_mod_patch && target_by test_klp_mod_patch; }
mod_loaded_undo() { disable_lp test_klp_mod_patch; }
mod_loaded_cleanup() { unload test_klp_mod_target; }

# insmod of a patch of a module that is not loaded
mod_absent_setup() { :; }
mod_absent_op() { "$FAILNTH" "$1" insmod "$TM/test_klp_mod_patch.ko"; }
mod_absent_before() { absent test_klp_mod_patch test_klp_mod_target; }
mod_absent_after() { wait_until 120 patch_idle test_klp_mod_patch && patch_state test_klp_mod_patch 1 0; }
mod_absent_undo() { disable_lp test_klp_mod_patch; }
mod_absent_cleanup() { :; }

# insmod of a cumulative patch over an enabled one: a nop for
# cmdline_proc_show, which only the replaced patch changes
replace_setup() { enable_lp test_klp_livepatch; }
replace_op() { "$FAILNTH" "$1" insmod "$TM/test_klp_atomic_replace.ko" replace=1; }
replace_before() {
	absent test_klp_atomic_replace && patch_state test_klp_livepatch 1 0 &&
		cmdline_by test_klp_livepatch
}
replace_after() {
	wait_until 120 patch_idle test_klp_atomic_replace &&
		wait_until 120 gone test_klp_livepatch && cmdline_by ""
}
replace_undo() {
	disable_lp test_klp_atomic_replace
	unload test_klp_livepatch
	enable_lp test_klp_livepatch
}
replace_cleanup() { disable_lp test_klp_livepatch; }

# insmod of a module that an enabled patch patches: klp_module_coming()
coming_setup() { enable_lp test_klp_mod_patch; }
coming_op() { "$FAILNTH" "$1" insmod "$TM/test_klp_mod_target.ko"; }
coming_before() { absent test_klp_mod_target && patch_state test_klp_mod_patch 1 0; }
coming_after() { target_by test_klp_mod_patch; }
coming_undo() { unload test_klp_mod_target; }
coming_cleanup() { disable_lp test_klp_mod_patch; }

# the same while the patch is in transition
coming_transition_setup() { busy_block; load $DEMO; }
coming_transition_op() { "$FAILNTH" "$1" insmod "$TM/test_klp_callbacks_mod.ko"; }
coming_transition_before() { absent test_klp_callbacks_mod && patch_state $DEMO 1 1; }
coming_transition_after() { loaded test_klp_callbacks_mod && patch_state $DEMO 1 1; }
coming_transition_undo() { unload test_klp_callbacks_mod; }
coming_transition_cleanup() { busy_release; disable_lp $DEMO; }

# echo 0 > enabled
disable_setup() { enable_lp test_klp_livepatch; }
disable_op() { "$FAILNTH" "$1" write "$SYS/test_klp_livepatch/enabled" 0; }
disable_before() { patch_state test_klp_livepatch 1 0 && cmdline_by test_klp_livepatch; }
disable_after() {
	wait_until 120 gone test_klp_livepatch && cmdline_by "" &&
		unload test_klp_livepatch
}
disable_undo() { enable_lp test_klp_livepatch; }
disable_cleanup() { disable_lp test_klp_livepatch; }

# echo 0 > enabled while the patch is in transition: a reversal. The busy
# work never left the unpatched state, so the reversed transition ends at
# once and the patch is freed.
reverse_setup() { busy_block; load $DEMO; }
reverse_op() { "$FAILNTH" "$1" write "$SYS/$DEMO/enabled" 0; }
reverse_before() { patch_state $DEMO 1 1; }
reverse_after() { wait_until 120 gone $DEMO; }
reverse_undo() { unload $DEMO; load $DEMO; }
reverse_cleanup() {
	busy_release
	if [ -e "$SYS/$DEMO" ]; then disable_lp $DEMO; else unload $DEMO; fi
}

# The kernel's reports since mark $1, allocation failure reports dropped.
splats() {
	dmesg_since "$1" | awk -f "$H/5-verdict/drop-alloc-failures.awk" |
		grep -E "$SPLAT_PATTERNS" || :
}

# check ENTRY WHAT N: run ENTRY_WHAT; record a failure if it fails.
check() {
	local out

	out=$("$1_$2" 2>&1) || { fail "$1" "n=$3: $2: ${out:-failed}"; return 1; }
}

# run_entry ENTRY: the whole fail-nth walk of one entry point; one row.
run_entry() {
	local e=$1 n line rc inj tried=0 injected=0 errors=0 tolerated=0
	local retried=0 splat=0 mark s leaks all t0=$SECONDS

	log "entry point $e"
	[ ! -w "$KMEMLEAK" ] || echo clear > "$KMEMLEAK"
	"${e}_setup"
	for ((n = 1; n <= MAX; n++)); do
		mark="klp failnth $e n=$n"
		echo "$mark" > /dev/kmsg
		line=$("${e}_op" "$n") || { fail "$e" "n=$n: klp-failnth failed"; break; }
		rc=${line#rc=}; rc=${rc%% *}
		inj=${line##*injected=}
		if [ "$inj" = 0 ]; then
			# Past the last fault site: the plain operation.
			[ "$rc" = 0 ] || fail "$e" "n=$n: no fault, yet $line"
			check "$e" after "$n" || break
			"${e}_undo"
			break
		fi
		tried=$n
		injected=$((injected + 1))
		if [ "$rc" = 0 ]; then
			# The fault was handled: the operation did its job.
			tolerated=$((tolerated + 1))
			check "$e" after "$n" || break
			"${e}_undo"
		else
			errors=$((errors + 1))
			check "$e" before "$n" || break
			if [ $((errors % RETRY_EVERY)) = 0 ]; then
				retried=$((retried + 1))
				line=$("${e}_op" 0) || line="klp-failnth failed"
				[ "$line" = "rc=0 injected=0" ] ||
					{ fail "$e" "n=$n: the next plain operation: $line"; break; }
				check "$e" after "$n" || break
				"${e}_undo"
			fi
		fi
		s=$(splats "$mark")
		if [ -n "$s" ]; then
			splat=$((splat + 1))
			fail "$e" "n=$n: kernel report: $(head -1 <<< "$s")"
		fi
	done
	[ "$n" -le "$MAX" ] || fail "$e" "still injecting at n=$MAX"
	# A check that failed ended the walk: the state is not known, so the
	# cleanup may fail too, and the guest with it.
	"${e}_cleanup"
	leaks=n/a all=n/a
	if [ -w "$KMEMLEAK" ]; then
		kmemleak_scan "$RESULTS/kmemleak-failnth-$e.txt"
		all=$(grep -c '^unreferenced object' "$RESULTS/kmemleak-failnth-$e.txt" || :)
		leaks=$(kmemleak_ours "$RESULTS/kmemleak-failnth-$e.txt" |
			grep -c '^unreferenced object' || :)
		[ "$leaks" = 0 ] || fail "$e" "$leaks kmemleak suspects involve livepatch"
	fi
	t=$((SECONDS - t0))
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$e" "$tried" \
		"$injected" "$errors" "$tolerated" "$retried" "$leaks" "$all" \
		"$splat" "$t" | tee -a "$TABLE"
}

# filter_livepatch: fault sites only where livepatch's code is on the
# stack, within the 32 frames the filter looks at.
filter_livepatch() {
	local start end funcs text lo hi f a

	read -r start end funcs < "$OUT/klp-stress-bin/livepatch-text" ||
		die "no $OUT/klp-stress-bin/livepatch-text (suites/stress/suite.sh writes it)"
	text=$(awk '$3 == "_text" { print $1; exit }' /proc/kallsyms)
	[ -n "$text" ] && [ "$text" != 0000000000000000 ] || die "no address of _text in /proc/kallsyms"
	lo=$((0x$text + 0x$start)) hi=$((0x$text + 0x$end))
	for f in klp_enable_patch klp_module_coming; do
		a=$(awk -v f="$f" '$3 == f { print $1; exit }' /proc/kallsyms)
		[ -n "$a" ] && (( 0x$a >= lo && 0x$a < hi )) ||
			die "$f is not in livepatch's text, $(printf '%#x-%#x' "$lo" "$hi")"
	done
	for f in failslab fail_page_alloc; do
		[ -w "$DBG/$f/require-start" ] ||
			die "no $DBG/$f/require-start: the kernel lacks CONFIG_FAULT_INJECTION_STACKTRACE_FILTER"
		echo 32 > "$DBG/$f/stacktrace-depth"
		printf '%#x\n' "$lo" > "$DBG/$f/require-start"
		printf '%#x\n' "$hi" > "$DBG/$f/require-end"
	done
	log "fault sites: allocations with livepatch's code on the stack" \
		"($funcs functions, $(printf '%#x-%#x' "$lo" "$hi"))"
}

[ -x "$FAILNTH" ] || die "no $FAILNTH (suites/stress/suite.sh builds it)"
mkdir -p "$TM"
cp "$KSFT"/livepatch/test_modules/*.ko "$TM/"
[ -e /proc/thread-self/fail-nth ] || die "no fail-nth: the kernel lacks CONFIG_FAULT_INJECTION"
# Fail GFP_KERNEL allocations too, and single pages; no stack dump per
# fault: fail-nth says which step failed.
for f in failslab fail_page_alloc; do
	[ -d "$DBG/$f" ] || die "no $DBG/$f: the kernel lacks its fault injection"
	echo N > "$DBG/$f/ignore-gfp-wait"
	echo 0 > "$DBG/$f/verbose"
done
echo N > "$DBG/fail_page_alloc/ignore-gfp-highmem"
echo 0 > "$DBG/fail_page_alloc/min-order"
case $FILTER in
livepatch)	filter_livepatch ;;
none)		log "fault sites: every allocation of the operation" ;;
*)		die "KLP_FAILNTH_FILTER: '$FILTER' is neither livepatch nor none" ;;
esac
[ ! -w "$KMEMLEAK" ] || echo "scan=off" > "$KMEMLEAK"

log "entries: ${ENTRIES[*]}; retry every $RETRY_EVERY failed step(s); n <= $MAX"
md_header "$TABLE" "entry point" "sites tried (largest n)" "faults injected" \
	"errors returned" "faults handled" "plain retries" "leaks (livepatch)" \
	"kmemleak suspects (all)" splats seconds
for e in "${ENTRIES[@]}"; do
	declare -F "${e}_op" > /dev/null || die "no entry point '$e'"
	case $e in
	mod_loaded|mod_absent|coming)
		# The 6.12 backport's kselftests have no test_klp_mod_target.
		if [ ! -f "$TM/test_klp_mod_target.ko" ]; then
			echo "| $e | skipped: no test_klp_mod_target.ko |||||||||" | tee -a "$TABLE"
			continue
		fi ;;
	esac
	run_entry "$e"
done
part_report "$REPORT" "$TABLE" ${failures[@]+"${failures[@]}"}
