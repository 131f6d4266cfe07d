#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Makes an iolog_dir tree of N sudo sessions for benchmarks by copying one
# real session (sudo 1.9.13p3, compress_io, default %{seq} layout) into
# the directories sudo itself would use: 00/00/01, 00/00/02, ... in
# base 36, with sudo's modes (directories 0700, files 0600, timing 0400:
# complete) and a seq file holding the last id, as sudo leaves it.
# Every session is a real copy, not a link, so caches see N sessions.
#
# usage: bench/gen-sudo-tree.sh [DIR [N [SESSION]]]
#   DIR      the tree to create (default /tmp/sessrec-bench/sudo-tree);
#            it must not exist yet
#   N        number of sessions, 1..2176782335 (default 10000)
#   SESSION  the session directory to copy (default
#            samples/sudo-io/sudoers-compressed/00/00/01)
#
# Then compare, for example:
#   time sessrec ls --source DIR >/dev/null
#   time sudoreplay -l -d DIR >/dev/null
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/sessrec-bench/sudo-tree}
n=${2:-10000}
src=${3:-$here/../samples/sudo-io/sudoers-compressed/00/00/01}

case $n in
'' | *[!0-9]*)
	echo "gen-sudo-tree.sh: N must be a number" >&2
	exit 2
	;;
esac
if [ "$n" -lt 1 ] || [ "$n" -gt 2176782335 ]; then
	echo "gen-sudo-tree.sh: N must be 1..2176782335" >&2
	exit 2
fi
if [ ! -f "$src/timing" ] || [ ! -f "$src/log" ]; then
	echo "gen-sudo-tree.sh: '$src' is not a sudo session" >&2
	exit 2
fi
if [ -e "$dir" ]; then
	echo "gen-sudo-tree.sh: '$dir' exists" >&2
	exit 2
fi
mkdir -p "$dir"
chmod 0700 "$dir"
list="$dir.list.$$"
trap 'rm -f "$list"' EXIT

# The session directories, "XX/XX/XX" for ids 1..n in base 36.
awk -v n="$n" -v dir="$dir" 'BEGIN {
	d = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for (i = 1; i <= n; i++) {
		v = i; s = ""
		for (k = 0; k < 6; k++) {
			s = substr(d, v % 36 + 1, 1) s
			v = int(v / 36)
		}
		printf "%s/%s/%s/%s\n", dir, substr(s, 1, 2), substr(s, 3, 2),
		    substr(s, 5, 2)
	}
}' >"$list"

(umask 077 && xargs mkdir -p <"$list")

# One tee per batch writes a file into many directories: no process per
# copy, so 10,000 sessions take seconds.
for f in "$src"/*; do
	name=$(basename "$f")
	[ -f "$f" ] || continue
	# shellcheck disable=SC2016 # $@ and $0 are the inner shell's.
	sed "s|\$|/$name|" "$list" |
	    xargs sh -c 'umask 077; tee "$@" <"$0" >/dev/null' "$f"
done

# sudo clears timing's write bits when a session ends.
sed 's|$|/timing|' "$list" | xargs chmod 0400

# seq holds the last id used, as 6 base-36 digits and a newline.
tail -n 1 "$list" | awk -F/ '{ printf "%s%s%s\n", $(NF-2), $(NF-1), $NF }' \
    >"$dir/seq"
chmod 0600 "$dir/seq"
echo "$dir: $n sessions copied from $src"
