#!/bin/bash
# Configure kbuild folder OUT for source tree SRC: x86_64_defconfig, then
# kvm_guest.config, harness/3-build/livepatch.config and the FRAGMENTs
# merged over it, then olddefconfig. Ours (livepatch.config and the
# FRAGMENTs) are checked after olddefconfig; kvm_guest.config is not (it
# also names other architectures' options). Nothing is done when OUT was
# configured from the same inputs. OUT = SRC configures an in-tree build.
# Usage: configure.sh SRC OUT [FRAGMENT...]
source "$(dirname "$0")/../lib.sh"

src=$(realpath "${1:?usage: configure.sh SRC OUT [FRAGMENT...]}")
out=$(realpath -m "${2:?usage: configure.sh SRC OUT [FRAGMENT...]}")
ours=("$H/3-build/livepatch.config" "${@:3}")
frags=("$src/kernel/configs/kvm_guest.config" "${ours[@]}")
# build/out is built with CC="ccache gcc" (lib.sh's KMAKE); kconfig records
# the compiler, so configure it with the same. An in-tree build (klp-build's)
# uses plain gcc, with ccache first in PATH.
kmake=(make -C "$src" -s)
[ "$out" = "$src" ] || kmake+=(O="$out" CC="ccache gcc" HOSTCC="ccache gcc")

stamp=$(cat "$src/arch/x86/configs/x86_64_defconfig" "${frags[@]}" | sha1sum)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.klp-config-stamp" 2>/dev/null)" != "$stamp" ]; then
	mkdir -p "$out"
	run "${kmake[@]}" x86_64_defconfig
	run "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
	run "${kmake[@]}" olddefconfig
	echo "$stamp" > "$out/.klp-config-stamp"
fi
exec "$H/3-build/check-config.sh" "$out/.config" "${ours[@]}"
