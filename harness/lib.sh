# shellcheck shell=bash
# Common settings for the harness scripts; sourced, never run.
set -euo pipefail

# Debian's tools first: checkpatch's spdxcheck.py needs Debian's python3
# with python3-ply and python3-git, not another python3 earlier in PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
SRC=${SRC:-$BUILD/linux}			# git tree: base + series
OUT=${OUT:-$BUILD/out}				# kbuild O= folder
KSFT=${KSFT:-$BUILD/kselftest}			# kselftest install
RESULTS=${RESULTS:-$BUILD/results}		# what the guest writes
TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
BASE_TAG=debian-base
JOBS=${JOBS:-$(nproc)}
# make -C changes directory: relative paths from the caller would land
# inside the tree.
BUILD=$(realpath -m "$BUILD") SRC=$(realpath -m "$SRC") OUT=$(realpath -m "$OUT")
KSFT=$(realpath -m "$KSFT") RESULTS=$(realpath -m "$RESULTS")

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

debian_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown
}

# The patch files named in patches/series, in order.
series_files() {
	[ -f "$TOP/patches/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$TOP/patches/series"
}

# Scan what a guest run left in results folder $1 (console.log, and
# dmesg.txt when the guest got that far) for kernel reports.
scan_run() {
	local logs=("$1/console.log")

	[ ! -f "$1/dmesg.txt" ] || logs+=("$1/dmesg.txt")
	"$TOP/harness/scan-console.sh" "${logs[@]}"
}

# Build the external modules whose sources are in $1 (with their Kbuild)
# against the kernel in $OUT; fail unless every obj-m of the Kbuild gave
# a .ko. The kernel's CONFIG_WERROR makes every warning an error here too.
build_ext_modules() {
	local dir=$1 want kos

	[ -f "$OUT/Module.symvers" ] && [ -f "$OUT/Makefile" ] ||
		die "no built kernel in $OUT (no Module.symvers): run harness/build-kernel.sh"
	run make -C "$OUT" M="$dir" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
		modules || die "building the modules in $dir failed"
	want=$(grep -o '[A-Za-z0-9_]*\.o' "$dir/Kbuild" | grep -c .)
	kos=("$dir"/*.ko)
	[ "${#kos[@]}" = "$want" ] && [ -f "${kos[0]}" ] ||
		die "expected $want modules in $dir, found ${#kos[@]}"
}
