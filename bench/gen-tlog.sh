#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Makes a big tlog file for benchmarks with the real recorder: tlog-rec
# (file writer, pipe mode) records `cat` of generated terminal-like text
# (ASCII lines, SGR colours, tabs, UTF-8, a few invalid bytes), so message
# sizes, escaping and timing are exactly what tlog writes.
#
# usage: bench/gen-tlog.sh [MEGABYTES [OUTPUT]]
#   MEGABYTES  approximate size of the tlog file (default 100)
#   OUTPUT     default /tmp/sessrec-bench/big.json
#
# Then compare, for example:
#   time sessrec cat OUTPUT >/dev/null
#   time jq -r .out_txt OUTPUT >/dev/null
set -eu

mb=${1:-100}
out=${2:-/tmp/sessrec-bench/big.json}
dir=$(dirname "$out")
text="$dir/big.txt"

command -v tlog-rec >/dev/null 2>&1 || {
	echo "gen-tlog.sh: tlog-rec not found (apt-get install tlog)" >&2
	exit 77
}
mkdir -p "$dir"

# One block of about 4 KiB; JSON escaping and the message envelopes make
# the log about 1.33x the text, so aim the text at 3/4 of the wanted size.
block() {
	i=0
	while [ $i -lt 40 ]; do
		printf '%05d drwxr-xr-x  2 root root  4096 Nov 25 03:37 \033[01;34mdirectory-%d\033[0m\n' $i $i
		printf 'total %d\tfile-%d.txt\tcafé — 😀 naïve\r\n' $i $i
		i=$((i + 1))
	done
	printf 'binary: \377\376 truncated \342\202\n'
}
rm -f "$text" "$out"
block >"$text.block"
bsz=$(wc -c <"$text.block")
want=$((mb * 1024 * 1024 * 3 / 4))
n=$((want / bsz))
# Doubling keeps this fast in plain sh.
cp "$text.block" "$text"
have=1
while [ $((have * 2)) -le "$n" ]; do
	cat "$text" "$text" >"$text.tmp"
	mv "$text.tmp" "$text"
	have=$((have * 2))
done
while [ $have -lt "$n" ]; do
	cat "$text.block" >>"$text"
	have=$((have + 1))
done
rm -f "$text.block"

# Pipe mode: stdin is not a tty, so no window records and no input.
# --limit-action=pass keeps every byte despite the rate limiter.
tlog-rec --writer=file --file-path="$out" --limit-action=pass \
    /bin/cat "$text" </dev/null >/dev/null
rm -f "$text"
ls -l "$out" >&2
