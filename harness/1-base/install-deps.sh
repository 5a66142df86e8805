#!/bin/bash
# Install what the harness needs from Debian's archive (idempotent).
source "$(dirname "$0")/../lib.sh"

# Everything comes from the host's suite (bookworm); the 7.3 base itself is
# fetched from trixie-backports by fetch-base.sh.
PKGS=(qemu-system-x86 gcc make bc bison flex libelf-dev
	libssl-dev cpio kmod rsync ccache xz-utils git perl python3 procps
	util-linux diffutils gawk coreutils python3-ply python3-git gnuplot-nox
	debian-archive-keyring
	libxxhash-dev patchutils)	# klp-build: objtool's klp commands, recountdiff
# The 6.12 backport's base is bookworm's own package; another version is
# used, with a warning, only when the archive no longer has it.
[ "$KLP_BASE" != 6.12 ] || PKGS+=("$PKG")

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	say "dependencies installed"
	exec "$H/1-base/fetch-base.sh"
fi

[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
run apt-get update
for i in "${!missing[@]}"; do
	[ "${missing[$i]}" = "$PKG" ] || continue
	if apt-cache madison "$PKG" | grep -F "| $PKG_VERSION |" >/dev/null; then
		missing[i]="$PKG=$PKG_VERSION"
	else
		say "WARNING: $PKG $PKG_VERSION is gone from the archive; taking the newest"
	fi
done
run apt-get install -y --no-install-recommends "${missing[@]}"
exec "$H/1-base/fetch-base.sh"
