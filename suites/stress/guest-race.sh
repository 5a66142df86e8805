#!/bin/bash
# Guest: livepatch operations run against each other, KLP_RACE_ROUNDS
# (default 300) rounds of each race, the outcome checked every round. In
# the target and disable races, one side, picked at random each round,
# starts up to a tenth of a second late, so that every order comes up.
#   insmods      three non-cumulative patches of cmdline_proc_show loaded at
#                once: exactly one wins, the others are refused with -EPERM
#                and the line that names the winner (concurrent insmods:
#                the 2019 race of klp_mutex and the module loader)
#   target       a cumulative patch of a module function loaded while the
#                module is loaded or removed: the object is patched exactly
#                when the module is loaded
#   disable      a cumulative patch loaded while the patch it replaces is
#                disabled: one of the allowed outcomes, with their errors
#   rmmod_early  the replaced patch module removed as soon as the kernel
#                lets go, while readers run its cmdline_proc_show()
#   fork_exit    a replace while tasks fork and exit (the 2022 fork and
#                2025 do_exit races of the task patch states)
# KLP_RACE_TESTS picks races (default: all, in this order). Writes one
# markdown row per race to $RESULTS/race.md, PASS or FAIL to race.txt.
source "$(dirname "$0")/../../harness/lib.sh"

TM=$KSFT/livepatch/test_modules
SYS=/sys/kernel/livepatch
ROUNDS=${KLP_RACE_ROUNDS:-300}
# Lists reach the guest with commas for spaces (harness/4-vm/run-vm.sh).
: "${KLP_RACE_TESTS:=insmods target disable rmmod_early fork_exit}"
TESTS=(${KLP_RACE_TESTS//,/ })
TABLE=$RESULTS/race.md
REPORT=$RESULTS/race.txt
TMPD=/tmp/race
CMDLINE=$(cat /proc/cmdline)
LP=test_klp_livepatch OV=test_klp_overlap OV2=test_klp_overlap2
TARGET=test_klp_overlap_mod

# How the series refuses a non-cumulative patch of a patched function:
# refusal PATCH WINNER prints the line; REFUSED is the errno.
if [ "$KLP_BASE" = 6.12 ]; then
	REFUSED=EBUSY
	refusal() { echo "livepatch: patch '$1' would patch function 'cmdline_proc_show' of object 'vmlinux', which patch '$2' already patches; only a cumulative (replace) patch may take it over"; }
else
	REFUSED=EPERM
	refusal() { echo "livepatch: patch '$1': function 'cmdline_proc_show' of object 'vmlinux' is already patched by '$2'"; }
fi

failures=()
declare -A outcomes
log() { printf 'race: %s\n' "$*"; }
fail() { failures+=("$1 round $2: $3"); log "FAIL: $1 round $2: $3"; }
gone() { [ ! -e "$SYS/$1" ]; }
# settle: no transition, and only the patches named are registered.
settle() {
	local d

	wait_until 120 no_transition || return 1
	for d in "$SYS"/*; do
		[ -e "$d" ] || continue
		case " $* " in
		*" ${d##*/} "*) ;;
		*)	wait_until 60 gone "${d##*/}" || return 1 ;;
		esac
	done
}
unload() {
	local end=$((SECONDS + 60))

	while loaded "$1"; do
		rmmod "$1" 2>/dev/null && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}
# cmdline_is PATCH: /proc/cmdline as PATCH (or, if empty, no patch) makes it.
cmdline_is() {
	local want=$CMDLINE

	[ -z "$1" ] || want="$1: this has been live patched"
	readf /proc/cmdline
	[ "$REPLY" = "$want" ]
}
# The errno name of insmod's or a write's message.
errname() {
	case $1 in
	*"Operation not permitted"*)	echo EPERM ;;
	*"Device or resource busy"*)	echo EBUSY ;;
	*"Invalid argument"*)		echo EINVAL ;;
	*"No such file or directory"*)	echo ENOENT ;;
	*"No such device"*)		echo ENODEV ;;
	*"Permission denied"*)		echo EACCES ;;
	"")				echo ok ;;
	*)				echo "other($1)" ;;
	esac
}
# run_bg FILE CMD...: CMD in the background, its errno name into FILE.
run_bg() {
	local f=$1

	shift
	( out=$("$@" 2>&1) && out=; errname "$out" > "$f" ) &
}
# late SIDE: this round's delay of SIDE (0 or 1), in seconds: one side
# waits 0-0.1 s, the other none.
late() { [ $((ROUND_SEED % 2)) = "$1" ] && printf '0.%02d' $((ROUND_SEED / 2 % 10)) || echo 0; }
# The new patch becomes the old one.
swap() { local t=$OLD; OLD=$NEW; NEW=$t; }
outcome() { outcomes[$1]=$((${outcomes[$1]:-0} + 1)); }
# The kernel's reports since mark $1.
splat() {
	dmesg_since "$1" | grep -E "$SPLAT_PATTERNS" | head -1 || :
}

# insmods: who wins is up to the scheduler; exactly one does.
race_insmods() {
	local r=$1 m w= e n=0 line log
	local mods=($LP $OV $OV2)

	for m in "${mods[@]}"; do
		run_bg "$TMPD/$m" insmod "$TM/$m.ko"
	done
	wait
	for m in "${mods[@]}"; do
		e=$(cat "$TMPD/$m")
		case $e in
		ok)	w=$m; n=$((n + 1)) ;;
		"$REFUSED") ;;
		*)	fail insmods "$r" "$m: $e" ;;
		esac
	done
	[ "$n" = 1 ] || { fail insmods "$r" "$n winners"; return; }
	outcome "$w won"
	log=$(dmesg_since "$MARK")
	for m in "${mods[@]}"; do
		[ "$m" != "$w" ] || continue
		line=$(refusal "$m" "$w")
		grep -qF "$line" <<< "$log" || fail insmods "$r" "no line: $line"
		! loaded "$m" && gone "$m" || fail insmods "$r" "$m left behind"
	done
	settle "$w" || fail insmods "$r" "did not settle: $(ls $SYS)"
	cmdline_is "$w" || fail insmods "$r" "/proc/cmdline: $(cat /proc/cmdline)"
	echo 0 > "$SYS/$w/enabled"
	settle && unload "$w" || fail insmods "$r" "$w did not go"
}

# target: the old patch is enabled; the new one replaces it while the
# target module comes or goes.
race_target_setup() { insmod "$TM/$OV2.ko" replace=1 layout=mod; OLD=$OV2 NEW=$OV; }
race_target() {
	local r=$1 e1 e2 was p

	wait_until 120 no_transition || fail target "$r" "the last transition did not end"
	loaded $TARGET && was=1 || was=0
	run_bg "$TMPD/new" sh -c "sleep $(late 0); exec insmod $TM/$NEW.ko replace=1 layout=mod"
	if [ "$was" = 1 ]; then
		run_bg "$TMPD/target" sh -c "sleep $(late 1); exec rmmod $TARGET"
	else
		run_bg "$TMPD/target" sh -c "sleep $(late 1); exec insmod $TM/$TARGET.ko"
	fi
	wait
	e1=$(cat "$TMPD/new") e2=$(cat "$TMPD/target")
	[ "$e1" = ok ] || fail target "$r" "insmod $NEW: $e1"
	[ "$e2" = ok ] || fail target "$r" "target insmod/rmmod: $e2"
	settle "$NEW" || fail target "$r" "did not settle: $(ls $SYS)"
	readf "$SYS/$NEW/$TARGET/patched"; p=$REPLY
	if loaded $TARGET; then
		[ "$p" = 1 ] || fail target "$r" "$TARGET loaded, patched=$p"
	else
		[ "$p" = 0 ] || fail target "$r" "$TARGET not loaded, patched=$p"
	fi
	outcome "target $([ "$was" = 1 ] && echo removed || echo loaded)"
	unload "$OLD" || fail target "$r" "rmmod $OLD"
	swap
}
race_target_cleanup() {
	echo 0 > "$SYS/$OLD/enabled"
	settle && unload "$OLD"
	unload $TARGET
}

# disable: the new cumulative patch against the disable of the old one.
# When the new one wins, the old one is freed under the disable: its write
# finds the patch enabled no more (EINVAL) or already in transition
# (EBUSY), or its shell's open finds no directory (ENOENT), the directory
# without its enabled file (EACCES: an O_CREAT open of a missing file in
# a sysfs directory), or the file on its way out (ENODEV at the write).
race_disable_setup() { insmod "$TM/$OV2.ko" replace=1; OLD=$OV2 NEW=$OV; }
# After an unexpected outcome: back to the old patch alone, enabled.
race_disable_reset() {
	local d

	settle "$NEW" "$OLD" || :
	for d in "$NEW" "$OLD"; do
		[ ! -e "$SYS/$d" ] || echo 0 > "$SYS/$d/enabled" || :
		settle "$NEW" "$OLD" || :
		unload "$d" || :
	done
	insmod "$TM/$OLD.ko" replace=1 || fail disable "$1" "reset: insmod $OLD"
}
race_disable() {
	local r=$1 e1 e2 o

	wait_until 120 no_transition || fail disable "$r" "setup transition"
	run_bg "$TMPD/new" sh -c "sleep $(late 0); exec insmod $TM/$NEW.ko replace=1"
	run_bg "$TMPD/dis" bash -c "sleep $(late 1); echo 0 > $SYS/$OLD/enabled"
	wait
	e1=$(cat "$TMPD/new") e2=$(cat "$TMPD/dis")
	o="insmod $e1, disable $e2"
	outcome "$o"
	case "$e1/$e2" in
	ok/ok|ok/EBUSY|ok/EINVAL|ok/ENOENT|ok/EACCES|ok/ENODEV)
		# The new patch replaced the old one, or came after its disable.
		settle "$NEW" && cmdline_is "$NEW" ||
			fail disable "$r" "$o: $(ls $SYS), /proc/cmdline: $(cat /proc/cmdline)"
		unload "$OLD" || fail disable "$r" "rmmod $OLD"
		swap ;;
	EBUSY/ok)
		# The disable's transition ran when the insmod came.
		settle && cmdline_is "" && ! loaded "$NEW" ||
			fail disable "$r" "$o: $(ls $SYS), /proc/cmdline: $(cat /proc/cmdline)"
		unload "$OLD" || fail disable "$r" "rmmod $OLD"
		insmod "$TM/$OLD.ko" replace=1 ;;
	*)	fail disable "$r" "unexpected: $o"
		race_disable_reset "$r" ;;
	esac
}
race_disable_cleanup() {
	wait_until 120 no_transition || :
	echo 0 > "$SYS/$OLD/enabled"
	settle && unload "$OLD"
}

# Readers of /proc/cmdline that accept the original and both patches'.
readers_start() {
	local i

	rm -f "$TMPD/stop" "$TMPD/bad"
	for i in 1 2; do
		( while [ ! -e "$TMPD/stop" ]; do
			read -r l < /proc/cmdline
			case $l in
			"$CMDLINE"|"$OV: this has been live patched"|"$OV2: this has been live patched") ;;
			*)	echo "$l" > "$TMPD/bad" ;;
			esac
		  done ) &
		READERS+=($!)
	done
}
readers_stop() {
	touch "$TMPD/stop"
	wait "${READERS[@]}" 2>/dev/null || :
	READERS=()
	[ ! -e "$TMPD/bad" ] || fail "$1" end "a reader read: $(cat "$TMPD/bad")"
}

# rmmod_early: replace, then rmmod the old module in a tight loop.
race_rmmod_early_setup() { READERS=(); readers_start; insmod "$TM/$OV2.ko" replace=1; OLD=$OV2 NEW=$OV; }
race_rmmod_early() {
	local r=$1 tries=0 end=$((SECONDS + 120))

	wait_until 120 no_transition || fail rmmod_early "$r" "setup transition"
	insmod "$TM/$NEW.ko" replace=1 || { fail rmmod_early "$r" "insmod $NEW"; return; }
	until rmmod "$OLD" 2>/dev/null; do
		tries=$((tries + 1))
		[ "$SECONDS" -lt "$end" ] || { fail rmmod_early "$r" "rmmod $OLD never worked"; return; }
	done
	outcome "rmmod after $((tries / 10 * 10))-$((tries / 10 * 10 + 9)) tries"
	settle "$NEW" && cmdline_is "$NEW" || fail rmmod_early "$r" "state: $(ls $SYS)"
	swap
}
race_rmmod_early_cleanup() {
	wait_until 120 no_transition || :
	echo 0 > "$SYS/$OLD/enabled"
	settle && unload "$OLD"
	readers_stop rmmod_early
}

# fork_exit: replaces while a storm of tasks forks and exits.
race_fork_exit_setup() {
	READERS=()
	readers_start
	( while [ ! -e "$TMPD/stop" ]; do
		for _ in 1 2 3 4 5 6 7 8; do /bin/true & done
		wait
	  done ) &
	READERS+=($!)
	insmod "$TM/$OV2.ko" replace=1
	OLD=$OV2 NEW=$OV
}
race_fork_exit() {
	local r=$1

	wait_until 120 no_transition || fail fork_exit "$r" "setup transition"
	insmod "$TM/$NEW.ko" replace=1 || { fail fork_exit "$r" "insmod $NEW"; return; }
	settle "$NEW" && cmdline_is "$NEW" || fail fork_exit "$r" "state: $(ls $SYS)"
	unload "$OLD" || fail fork_exit "$r" "rmmod $OLD"
	outcome "replaced"
	swap
}
race_fork_exit_cleanup() { race_rmmod_early_cleanup; }

run_race() {
	local t=$1 r s k row= t0=$SECONDS nfail=${#failures[@]}

	outcomes=()
	log "race $t: $ROUNDS rounds"
	! declare -F "race_${t}_setup" > /dev/null || "race_${t}_setup"
	for ((r = 1; r <= ROUNDS; r++)); do
		MARK="klp race $t round $r"
		ROUND_SEED=$((RANDOM % 20))
		echo "$MARK" > /dev/kmsg
		"race_$t" "$r"
		s=$(splat "$MARK")
		[ -z "$s" ] || fail "$t" "$r" "kernel report: $s"
		[ $((${#failures[@]} - nfail)) -lt 10 ] || { log "race $t: too many failures"; break; }
	done
	! declare -F "race_${t}_cleanup" > /dev/null || "race_${t}_cleanup"
	for k in "${!outcomes[@]}"; do row+="${row:+, }$k: ${outcomes[$k]}"; done
	printf '| %s | %s | %s | %s | %s |\n' "$t" "$((r - 1))" "$row" \
		"$((${#failures[@]} - nfail))" "$((SECONDS - t0))" | tee -a "$TABLE"
}

mkdir -p "$TMPD"
[ -z "$(ls $SYS)" ] || die "patches registered before the start: $(ls $SYS)"
log "$(uname -r) $(cat /sys/kernel/debug/sched/preempt 2>/dev/null || :): races ${TESTS[*]}, $ROUNDS rounds each"
md_header "$TABLE" race rounds outcomes failures seconds
for t in "${TESTS[@]}"; do
	declare -F "race_$t" > /dev/null || die "no race '$t'"
	run_race "$t"
done
[ -z "$(ls $SYS)" ] || fail all end "left registered: $(ls $SYS)"
part_report "$REPORT" "$TABLE" ${failures[@]+"${failures[@]}"}
