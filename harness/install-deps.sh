#!/bin/bash
# Install what the harness needs from Debian's archive (idempotent).
source "$(dirname "$0")/lib.sh"

# The Debian version the series is made against; another one is used, with
# a warning, only when the archive no longer has it.
WANT_VERSION=${KLP_DEBIAN_VERSION:-6.12.117-1~deb12u1}
PKGS=(linux-source-6.12 qemu-system-x86 gcc make bc bison flex libelf-dev
	libssl-dev cpio kmod rsync ccache xz-utils git perl python3 procps
	util-linux diffutils gawk coreutils python3-ply python3-git gnuplot-nox)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	say "dependencies installed; linux-source-6.12 $(debian_version)"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
run apt-get update
for i in "${!missing[@]}"; do
	[ "${missing[$i]}" = linux-source-6.12 ] || continue
	if apt-cache madison linux-source-6.12 | grep -qF "| $WANT_VERSION |"; then
		missing[i]="linux-source-6.12=$WANT_VERSION"
	else
		say "WARNING: linux-source-6.12 $WANT_VERSION is gone from the archive; taking the newest"
	fi
done
run apt-get install -y --no-install-recommends "${missing[@]}"
say "linux-source-6.12 $(debian_version)"
