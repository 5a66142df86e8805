#!/bin/bash
# The base: Debian's linux-source-7.3 from trixie-backports, fetched with a
# private apt configuration under build/base/ (its own sources list, lists
# and cache; the host's apt sources are not touched), unpacked with
# dpkg-deb -x. The version is pinned (lib.sh, KLP_DEBIAN_VERSION).
# For BASE=6.12 the base is bookworm's linux-source-6.12 (install-deps.sh).
source "$(dirname "$0")/../lib.sh"

[ "$KLP_BASE" != 6.12 ] || exit 0
B=$BUILD/base
if [ "$(debian_version)" = "$PKG_VERSION" ] && [ -f "$TARBALL" ]; then
	say "base: Debian $PKG $PKG_VERSION ($PKG_SUITE), $TARBALL"
	exit 0
fi

A=$B/apt
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/etc/preferences.d" \
	"$A/etc/sources.list.d" "$A/deb"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
	"http://deb.debian.org/debian $PKG_SUITE main" > "$A/etc/sources.list"
APT=(-o Dir::Etc::SourceList="$A/etc/sources.list"
	-o Dir::Etc::SourceParts="$A/etc/sources.list.d"
	-o Dir::Etc::Preferences="$A/etc/preferences"
	-o Dir::Etc::PreferencesParts="$A/etc/preferences.d"
	-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
	-o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
	die "no /usr/share/keyrings/debian-archive-keyring.gpg: apt-get install debian-archive-keyring"
run apt-get "${APT[@]}" -q update
if ! apt-cache "${APT[@]}" madison "$PKG" | grep -F "| $PKG_VERSION |" >/dev/null; then
	apt-cache "${APT[@]}" madison "$PKG" >&2 || true
	die "Debian's $PKG_SUITE no longer has $PKG $PKG_VERSION. Either fetch it from" \
		"https://snapshot.debian.org/ into $A/deb/ and rerun, or move the series to" \
		"a version listed above (KLP_DEBIAN_VERSION=<version> make check) and rebase it"
fi
deb=$A/deb/${PKG}_${PKG_VERSION}_all.deb
[ -f "$deb" ] || (cd "$A/deb" && run apt-get "${APT[@]}" -q download "$PKG=$PKG_VERSION")
[ -f "$deb" ] || die "apt-get download gave no $deb"
rm -rf "$B/usr"
run dpkg-deb -x "$deb" "$B"
[ -f "$TARBALL" ] || die "$deb holds no $TARBALL"
echo "$PKG_VERSION" > "$B/version"
say "base: Debian $PKG $PKG_VERSION ($PKG_SUITE), $TARBALL"
