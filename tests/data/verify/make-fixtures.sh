#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Makes the fixtures of tests/cli/t4001-verify.sh with the real recorder:
#   SESSREC=/path/to/sessrec sh make-fixtures.sh [OUTDIR]
# (default OUTDIR: the directory of this script).  See README.
set -eu

SESSREC=${SESSREC:-sessrec}
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
frames=$here/srec-frames.py
export LC_ALL=C.UTF-8 TZ=UTC

[ -e /etc/sessrec/host.key ] && {
	echo "make-fixtures: /etc/sessrec/host.key exists;" \
	    "unsigned.srec would be signed" >&2
	exit 1
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/verify-fixtures.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.conf"
mkdir -p "$out"
cd "$out"
rm -f ./*.srec ./*.pub
rm -rf swapped trusted

# Two host keys: A is the trusted one, B a stranger's.
"$SESSREC" keygen -d "$tmp/a" >/dev/null
"$SESSREC" keygen -d "$tmp/b" >/dev/null
cp "$tmp/a/host.pub" key-a.pub
cp "$tmp/b/host.pub" key-b.pub
mkdir trusted
cp key-a.pub trusted/a.pub

# rec KEY|- FILE: a 1.8 s session with 6 output lines, a chunk at least
# every 0.2 s and a checkpoint every 0.5 s, so there are several of each.
rec() {
	k=$1
	f=$2
	shift 2
	set -- --config "$tmp/empty.conf" -q --chunk-interval 0.2 \
	    --checkpoint-interval 0.5 -o "$f"
	[ "$k" = - ] || set -- "$@" -k "$tmp/$k/host.key"
	"$SESSREC" record "$@" -- sh -c \
	    'for i in 1 2 3 4 5 6; do echo "verify fixture line $i"; sleep 0.3; done' \
	    </dev/null >/dev/null
	[ -d "$f" ] || chmod 0644 "$f"
}

rec a sealed.srec
rec b sealed-b.srec
rec - unsigned.srec

# crashed.srec: the recorder killed (SIGKILL) 1.6 s into a session.
"$SESSREC" record --config "$tmp/empty.conf" -q --chunk-interval 0.2 \
    --checkpoint-interval 0.5 -k "$tmp/a/host.key" -o crashed.srec -- \
    sh -c 'i=0; while [ $i -lt 40 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done' \
    </dev/null >/dev/null &
pid=$!
sleep 1.6
kill -KILL "$pid"
wait "$pid" 2>/dev/null || :
sleep 0.5
chmod 0644 crashed.srec

# Damage done to copies of sealed.srec (offsets from srec-frames.py).
python3 "$frames" list sealed.srec >"$tmp/frames"
# torn.srec: cut in the middle of the last data frame.
last=$(awk '$3 == "D" { o = $1; n = $2 } END { print o + int(n / 2) }' "$tmp/frames")
head -c "$last" sealed.srec >torn.srec
# flipped.srec: one bit of the second data frame's payload changed.
off=$(awk '$3 == "D" && ++d == 2 { print $1 + int($2 / 2) }' "$tmp/frames")
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[3])] ^= 0x01
open(sys.argv[2], "wb").write(d)' sealed.srec flipped.srec "$off"
# appended.srec: a line added after the seal.
cp sealed.srec appended.srec
printf 'appended after the seal\n' >>appended.srec
# metadata.srec: the recorded host name changed in the header, same
# length, so every frame still parses.
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
old = b"\"host\":\""
i = d.index(old) + len(old)
d = d[:i] + (b"X" if d[i:i+1] != b"X" else b"Y") + d[i + 1:]
open(sys.argv[2], "wb").write(d)' sealed.srec metadata.srec
# dropped.srec: the third data frame and its chain record deleted.
n=$(wc -l <"$tmp/frames")
keep=$(awk -v n="$n" '
	$3 == "D" && ++d == 3 { skip = NR; next }
	skip && NR == skip + 1 && $3 == "C" { next }
	{ printf "%s%d", sep, NR - 1; sep = "," }' "$tmp/frames")
python3 "$frames" rebuild sealed.srec dropped.srec "$keep"
# garbage.srec: random bytes under a recording's name.
head -c 1500 /dev/urandom >garbage.srec

# witnessed.srec and witness.log: a recording and the syslog lines the
# recorder sent (START, SEAL), caught on a /dev/log socket of our own in
# a private mount namespace (there may be no syslog daemon).
cat >"$tmp/listen.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n\0") + b"\n")
PYEOF
cat >"$tmp/inns.sh" <<'SHEOF'
set -e
d=$1
log=$2
shift 2
mkdir -p "$d/pts"
for n in null zero random urandom tty full; do
	touch "$d/$n"
	mount --bind "/dev/$n" "$d/$n"
done
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$d/pts"
ln -sf pts/ptmx "$d/ptmx"
ln -sf /proc/self/fd "$d/fd"
python3 "$(dirname "$d")/listen.py" "$d/log" "$log" &
lp=$!
n=0
while [ ! -e "$log.ready" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
mount --rbind "$d" /dev
set +e
"$@"
rc=$?
sleep 0.3
kill "$lp"
exit $rc
SHEOF
unshare -m sh "$tmp/inns.sh" "$tmp/dev" "$tmp/syslog" "$SESSREC" record \
    --config "$tmp/empty.conf" -q -k "$tmp/a/host.key" -o witnessed.srec -- \
    sh -c 'echo witnessed; sleep 0.3; echo done' </dev/null >/dev/null
chmod 0644 witnessed.srec
# Only the witness lines, with syslog's prefix as it came.
grep 'sessrec-witness' "$tmp/syslog" >witness.log
# witnessed-cut.srec: the seal cut off, as root would before re-sealing.
seal=$(python3 "$frames" list witnessed.srec | awk '$3 == "S" { print $1 }')
head -c "$seal" witnessed.srec >witnessed-cut.srec

# swapped/: a directory as record -o DIR/ fills it; the second
# recording's bytes replace the first's under the first's name.
mkdir swapped
rec a swapped/
rec a swapped/
set -- swapped/*.srec
cp "$2" "$1"
chmod 0644 swapped/*.srec
ls -l "$out" "$out/swapped"
