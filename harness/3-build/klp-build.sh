#!/bin/bash
# Generate a livepatch module from source fixes with the kernel's own
# scripts/livepatch/klp-build, and build the kernel that it is for.
#
# klp-build works only in the source tree it runs in, which it builds
# itself. So this uses a second tree, $KTREE (build/klp/linux): a clone
# of build/linux at its HEAD (the series), configured like build/out plus
# FRAGMENTs, built in place with klp-build's own flags
# (-ffunction-sections -fdata-sections, KLP_SYMIDS=1). The VM boots that
# tree's kernel, so a module always loads into the kernel it was
# generated for; its vermagic is checked against it.
#
# What is kept between runs:
#   - ccache: klp-build calls plain "make", so /usr/lib/ccache comes first
#     in PATH, and the kernel build below uses klp-build's command line;
#   - klp-build's original objects (klp-tmp/1-orig, kept with -T): for
#     the same tree commit and .config, klp-build starts at its step 2
#     (-S 2, the patched build) instead of "make clean" and a full build;
#   - each module, with a stamp of its fixes, options and tree: an
#     unchanged module is not generated again.
#
# Usage: klp-build.sh [--no-kernel] [--no-replace] [--config FRAGMENT]...
#                     -o NAME.ko FIX.patch...    generate build/livepatch/NAME.ko
#        klp-build.sh --kernel [--config FRAGMENT]...   only build the kernel
# The fixes are applied in order and squashed into one patch: a cumulative
# module of fix 2, which builds on fix 1, is "-o NAME.ko fix1.patch
# fix2.patch". Exits with klp-build's status, after the kernel build
# (which also puts the tree's objects back to the original ones), unless
# --no-kernel.
source "$(dirname "$0")/../lib.sh"

usage="usage: klp-build.sh [--no-kernel] [--no-replace] [--config F]... -o NAME.ko FIX...
       klp-build.sh --kernel [--config F]..."

kernel=1 generate=1 frags=() opts=() name=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel)	generate=0 ;;
	--no-kernel)	kernel=0 ;;
	--no-replace)	opts+=(--no-replace) ;;
	--config)	frags+=("$(realpath "${2:?$usage}")"); shift ;;
	-o)		name=${2:?$usage}; shift ;;
	-*)		die "$usage" ;;
	*)		break ;;
	esac
	shift
done
fixes=()
for f in "$@"; do
	[ -f "$f" ] || die "no fix $f"
	fixes+=("$(realpath "$f")")
done
if [ $generate = 1 ]; then
	[ ${#fixes[@]} -gt 0 ] && [ "${name%.ko}" != "$name" ] || die "$usage"
	name=${name%.ko}
fi

# klp-build's kernel build, as scripts/livepatch/klp-build runs it, plus
# bzImage: the same command line, so that kbuild and ccache see the same
# objects.
export PATH=/usr/lib/ccache:$PATH
KLPMAKE=(make -C "$KTREE" KBUILD_MODPOST_WARN=1 KLP_SYMIDS=1 -j"$JOBS"
	"KCFLAGS=-ffunction-sections -fdata-sections")

# $KTREE at build/linux's HEAD. The tree is the harness's own: what a
# killed klp-build left applied is thrown away, and so are the build's
# untracked files only when they are ignored (Debian's .gitignore).
sync_tree() {
	local want
	want=$(git -C "$SRC" rev-parse HEAD)
	if [ ! -d "$KTREE/.git" ]; then
		mkdir -p "$(dirname "$KTREE")"
		run git clone -q "$SRC" "$KTREE"
	fi
	if [ "$(git -C "$KTREE" rev-parse -q --verify HEAD || true)" != "$want" ]; then
		run git -C "$KTREE" fetch -q "$SRC" HEAD
		run git -C "$KTREE" checkout -q -f --detach "$want"
	elif [ -n "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ]; then
		say "WARNING: $KTREE had changes (an interrupted klp-build?): reset"
		run git -C "$KTREE" reset -q --hard
	fi
	say "klp tree: $(git -C "$KTREE" log --oneline -1) ($(git -C "$KTREE" rev-list --count "$BASE_TAG..HEAD") patches on $BASE_TAG)"
}

# What klp-build's original objects and a module depend on besides the fixes.
tree_stamp() {
	printf '%s\n' "$(git -C "$KTREE" rev-parse HEAD)" "$(sha1sum < "$KTREE/.config")"
}

# KBUILD_MODPOST_WARN=1 turns modpost's "undefined!" errors into
# warnings, which klp-build needs for the patched build only: fail on them.
build_kernel() {
	local log=$KTREE/klp-harness-build.log
	say "kernel $(git -C "$KTREE" describe --tags --always) in $KTREE (klp-build's flags)"
	run "${KLPMAKE[@]}" -s vmlinux modules bzImage 2>&1 | tee "$log"
	! grep -E 'modpost.*undefined' "$log" || die "the kernel's modules have undefined symbols"
}

# squash FIX... > PATCH: the fixes, applied in order to the tree's HEAD,
# as one patch. klp-build applies each patch it is given to the unpatched
# tree on its own, so a fix that builds on another must reach it squashed.
squash() {
	local idx rc=0
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$KTREE" read-tree HEAD &&
	GIT_INDEX_FILE=$idx git -C "$KTREE" apply --cached "$@" &&
	GIT_INDEX_FILE=$idx git -C "$KTREE" diff --cached --no-color --no-ext-diff \
		--src-prefix=a/ --dst-prefix=b/ HEAD || rc=$?
	rm -f "$idx"
	[ $rc = 0 ] || die "the fixes do not apply in this order to $KTREE: ${*#"$TOP"/}"
}

# generate NAME FIX...: build/livepatch/NAME.ko, or klp-build's error. The
# squashed fixes stay next to it, as NAME.patch.
generate() {
	local name=$1 ko=$LPDIR/$1.ko patch=$LPDIR/$1.patch tmp=$KTREE/klp-tmp stamp cmd rc=0
	shift
	mkdir -p "$LPDIR" || return
	squash "$@" > "$patch" || return
	stamp=$( { tree_stamp; printf '%s\n' "${opts[@]}"; cat "$patch"; } | sha1sum)
	if [ -f "$ko" ] && [ "$(cat "$ko.stamp" 2>/dev/null)" = "$stamp" ]; then
		say "module $ko: up to date"
		return 0
	fi
	rm -f "$ko" "$ko.stamp"
	cmd=(./scripts/livepatch/klp-build -T -j"$JOBS" "${opts[@]}" -o "$ko")
	if [ -f "$tmp/1-orig/.complete" ] &&
	   [ "$(cat "$tmp/.harness-stamp" 2>/dev/null)" = "$(tree_stamp)" ]; then
		cmd+=(-S 2)
	else
		# Nothing of another tree's original objects may be taken for ours.
		say "klp-build builds the original kernel first (make clean, then a full build)"
		rm -rf "$tmp" || return
	fi
	say "generate $name.ko from: ${*#"$TOP"/}"
	(cd "$KTREE" && run "${cmd[@]}" "$patch") || rc=$?
	# klp-build has built the original objects once it got to step 2.
	[ ! -f "$tmp/1-orig/.complete" ] || tree_stamp > "$tmp/.harness-stamp"
	if [ $rc != 0 ]; then
		say "klp-build failed (exit $rc): no module"
		return $rc
	fi
	[ -f "$ko" ] || die "klp-build succeeded but wrote no $ko"
	echo "$stamp" > "$ko.stamp" || return
	say "module $ko: $(modinfo -F vermagic "$ko")"
}

stage_tree_klp() {
	sync_tree
	"$H/3-build/configure.sh" "$KTREE" "$KTREE" "${frags[@]}"
	# A new commit may bring new options; klp-build refuses a .config
	# that lacks them.
	run make -C "$KTREE" -s olddefconfig
	[ -x "$KTREE/scripts/livepatch/klp-build" ] || die "no scripts/livepatch/klp-build in $KTREE"
}

stage_tree_klp
rc=0
[ $generate = 0 ] || generate "$name" "${fixes[@]}" || rc=$?
if [ $kernel = 1 ]; then
	build_kernel
	rel=$(cat "$KTREE/include/config/kernel.release")
	for ko in "$LPDIR"/*.ko; do
		[ -f "$ko" ] || continue
		case $(modinfo -F vermagic "$ko") in
		"$rel "*) ;;
		*) say "WARNING: $ko is for $(modinfo -F vermagic "$ko"), not $rel: removed"
		   rm -f "$ko" "$ko.stamp" ;;
		esac
	done
fi
exit $rc
