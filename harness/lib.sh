# shellcheck shell=bash
# Common settings for the harness scripts; sourced, never run.
set -euo pipefail

# Debian's tools first: checkpatch's spdxcheck.py needs Debian's python3
# with python3-ply and python3-git, not another python3 earlier in PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Which base: 7.3 (the series, patches/) or 6.12 (the backport,
# backport/6.12/, built in build/6.12/). make passes BASE=.
KLP_BASE=${KLP_BASE:-7.3}
case $KLP_BASE in
7.3)	PKG=linux-source-7.3
	# Pinned; from trixie-backports, fetched by harness/1-base/fetch-base.sh
	PKG_VERSION=${KLP_DEBIAN_VERSION:-7.3.4-1~bpo13+1}
	PKG_SUITE=trixie-backports
	PATCHES=$TOP/patches
	BUILD=${BUILD:-$TOP/build}
	TARBALL=${TARBALL:-$BUILD/base/usr/src/linux-source-7.3.tar.xz} ;;
6.12)	PKG=linux-source-6.12
	PKG_VERSION=${KLP_DEBIAN_VERSION:-6.12.117-1~deb12u1}
	PKG_SUITE=bookworm
	PATCHES=$TOP/backport/6.12
	BUILD=${BUILD:-$TOP/build/6.12}
	TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz} ;;
*)	echo "ERROR: BASE must be 7.3 or 6.12, not $KLP_BASE" >&2; exit 1 ;;
esac
export KLP_BASE
SRC=${SRC:-$BUILD/linux}			# git tree: base + series
OUT=${OUT:-$BUILD/out}				# kbuild O= folder
KSFT=${KSFT:-$BUILD/kselftest}			# kselftest install
RESULTS=${RESULTS:-$BUILD/results}		# what the guest writes
BASE_TAG=debian-base
JOBS=${JOBS:-$(nproc)}
# make -C changes directory: relative paths from the caller would land
# inside the tree.
BUILD=$(realpath -m "$BUILD") SRC=$(realpath -m "$SRC") OUT=$(realpath -m "$OUT")
KSFT=$(realpath -m "$KSFT") RESULTS=$(realpath -m "$RESULTS")
# klp-build's tree, built in place, and the modules it generated
KTREE=$BUILD/klp/linux LPDIR=$BUILD/livepatch

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# No CCACHE_BASEDIR: it rewrites source paths to relative ones, which
# defeats -fmacro-prefix-map, so __FILE__ (and the dynamic debug "file"
# the kselftests match on) would no longer read kernel/livepatch/core.c.
# Same CC on every call, or kbuild sees a changed command and rebuilds.
KMAKE=(make -C "$SRC" O="$OUT" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")

say() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
# Print a command, then run it.
run() { printf '+ %s\n' "$*" >&2; "$@"; }

# The version of the base package that the tarball came from.
debian_version() {
	case $KLP_BASE in
	6.12)	dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || echo unknown ;;
	*)	cat "$BUILD/base/version" 2>/dev/null || echo unknown ;;
	esac
}

# The patch files named in patches/series, in order.
series_files() {
	[ -f "$PATCHES/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

# The stages of the pipeline, in order; suites/*/suite.sh call them. Each
# prints its name and runs one script of harness/<n>-<stage>/.
H=$TOP/harness
stage() { say "stage $1: ${*:2}"; "${@:2}"; }
stage_base()	{ stage base "$H/1-base/install-deps.sh"; }
stage_tree()	{ stage tree "$H/2-tree/prepare-tree.sh"; }
stage_lint()	{ stage lint "$H/2-tree/lint.sh"; }
stage_build()	{ stage build "$H/3-build/build-kernel.sh" "$@"; }
# stage_modules NAME DIR | NAME --gen CMD...: external modules in $OUT/NAME
stage_modules()	{ stage modules "$H/3-build/build-modules.sh" "$@"; }
# stage_vm GUEST: boot $OUT's kernel and run GUEST in it
stage_vm()	{ stage vm "$H/4-vm/run-vm.sh" "$@"; }

# Verdicts on what a guest left in results folder $1 (console.log, and
# dmesg.txt when the guest got that far): kernel reports in the logs, the
# KTAP counts, the kmemleak suspects that involve livepatch.
# verdict_log DIR [--injected]: --injected when the guest injected
# allocation failures (scan-console.sh).
verdict_log() {
	local logs=("$1/console.log")

	[ ! -f "$1/dmesg.txt" ] || logs+=("$1/dmesg.txt")
	stage verdict "$H/5-verdict/scan-console.sh" ${2:+"$2"} "${logs[@]}"
}
verdict_ktap()		{ stage verdict "$H/5-verdict/ktap-summary.sh" "$1/ktap.txt"; }
verdict_kmemleak()	{ stage verdict "$H/5-verdict/kmemleak-check.sh" "$1/kmemleak.txt"; }

# In the demos' guests, a transcript: step CMD prints the command as a
# user would type it, then runs it; until_step COND shows the wait for
# COND as a shell loop and runs it.
step() {
	printf '\n$ %s\n' "$*"
	eval "$*"
}
until_step() {
	step "until $1; do sleep 0.1; done"
}

# The lines of a kernel log that report a problem: a warning, a bug, an
# oops, a lockdep, RCU, KASAN, UBSAN or list-debug report, a hung task.
SPLAT_PATTERNS='WARNING:|BUG:|Oops|Call Trace|general protection fault|Kernel panic'
SPLAT_PATTERNS+='|possible circular locking|possible recursive locking|inconsistent lock state'
SPLAT_PATTERNS+='|suspicious RCU usage|INFO: rcu_|KASAN:|UBSAN:|list_(add|del) corruption'
SPLAT_PATTERNS+='|hung_task|blocked for more than'

# In the guest: the lines of the kernel log after the line that contains
# mark $1.
dmesg_since() { dmesg | awk -v mark="$1" 'p; index($0, mark) { p = 1 }'; }

# In the guest: the first line of file $1 in REPLY, empty when it cannot
# be read (a patch's sysfs folder goes away when the patch is freed). No
# fork.
readf() { REPLY=; { read -r REPLY < "$1"; } 2>/dev/null || :; }
# In the guest: module $1 is loaded.
loaded() { [ -d "/sys/module/$1" ]; }
# In the guest: wait_until LIMIT CMD...: poll CMD every 0.05 s until it
# succeeds; fail after LIMIT seconds.
wait_until() {
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}
# In the guest: no patch is in transition.
no_transition() {
	local f

	for f in /sys/kernel/livepatch/*/transition; do
		[ -e "$f" ] || continue
		readf "$f"
		[ "$REPLY" != 1 ] || return 1
	done
}

# In the guest: md_header FILE COLUMN...: start markdown table FILE with
# its header row and the separator row.
md_header() {
	local f=$1 sep

	shift
	sep=$(printf '|---%.0s' "$@")
	{ printf '| %s ' "$@"; echo '|'; echo "$sep|"; } > "$f"
}

# In the guest: part_report REPORT TABLE [FAILURE...]: write PASS, or the
# failures and FAIL, to file REPORT; print the markdown table TABLE;
# succeed when no failure is given.
part_report() {
	local report=$1 table=$2

	shift 2
	if [ $# = 0 ]; then
		echo PASS > "$report"
	else
		printf '%s\n' "$@" FAIL > "$report"
	fi
	cat "$table"
	[ $# = 0 ]
}

# In the guest: one kmemleak scan into file $1. kmemleak reports only
# objects older than 5 s; scan twice, as its documentation suggests, so
# that the last frees are seen.
KMEMLEAK=/sys/kernel/debug/kmemleak
kmemleak_scan() {
	sleep 6
	echo scan > "$KMEMLEAK"
	echo scan > "$KMEMLEAK"
	cat "$KMEMLEAK" > "$1"
}
# The suspects of kmemleak report $1 that involve livepatch or the test
# modules, one record each.
kmemleak_ours() {
	awk -v RS='unreferenced object' 'NR > 1 && /klp_|livepatch|test_klp/ {
		print "unreferenced object" $0 }' "$1"
}
