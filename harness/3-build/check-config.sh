#!/bin/bash
# Fail when an option a kconfig fragment asks for is not in the final .config
# (olddefconfig silently drops options whose dependencies are missing).
# Usage: check-config.sh .config fragment...
source "$(dirname "$0")/../lib.sh"

config=$1; shift
bad=0
for frag in "$@"; do
	while read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$config" && continue ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			grep -q "^$opt=" "$config" || continue ;;
		*)	continue ;;
		esac
		opt=${line#\# }; opt=${opt%%[= ]*}
		have=$(grep -E "^$opt=|^# $opt is not set" "$config" || echo "nothing")
		echo "config: $(basename "$frag"): wanted '$line', got '$have'" >&2
		bad=1
	done < "$frag"
done
[ $bad = 0 ] || die "options missing from $config"
say "config: all options of $(printf '%s ' "${@##*/}")are set"
