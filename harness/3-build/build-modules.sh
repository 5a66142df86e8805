#!/bin/bash
# Build a suite's external modules against the kernel built in $OUT, in
# $OUT/NAME, where the suite's guest loads them from. The sources are a
# folder's Kbuild, *.c and *.h, or what a generator writes (CMD is run
# with the destination folder as its first argument). Only the current
# sources are built: nothing of an earlier run lingers. Fails unless
# every object the Kbuild names gave a .ko; the kernel's CONFIG_WERROR
# makes every warning an error here too.
# Usage: build-modules.sh NAME DIR
#        build-modules.sh NAME --gen CMD [ARG...]
source "$(dirname "$0")/../lib.sh"

name=${1:?usage: build-modules.sh NAME DIR | NAME --gen CMD...}
dst=$OUT/$name
[ -f "$OUT/Module.symvers" ] && [ -f "$OUT/Makefile" ] ||
	die "no built kernel in $OUT (no Module.symvers): run harness/3-build/build-kernel.sh"
rm -rf "$dst"
mkdir -p "$dst"
if [ "${2:-}" = --gen ]; then
	say "modules $name: ${*:3} -> $dst"
	run "$3" "$dst" "${@:4}"
else
	src=${2:?usage: build-modules.sh NAME DIR}
	say "modules $name: $src -> $dst"
	cp "$src/Kbuild" "$src"/*.c "$dst/"
	cp "$src"/*.h "$dst/" 2>/dev/null || :
fi
run make -C "$OUT" M="$dst" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
	modules || die "building the modules in $dst failed"
want=$(grep -o '[A-Za-z0-9_]*\.o' "$dst/Kbuild" | grep -c .)
kos=("$dst"/*.ko)
[ "${#kos[@]}" = "$want" ] && [ -f "${kos[0]}" ] ||
	die "expected $want modules in $dst, found ${#kos[@]}"
say "${#kos[@]} modules in $dst"
