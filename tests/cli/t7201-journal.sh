#!/bin/sh
# SPDX-License-Identifier: ISC
# tlog recordings in the systemd journal: journal files, directories of
# them and (as root, in a private mount namespace) the system journal,
# read by ls, cat, play, grep and verify and compared with the real
# tlog-play -r journal.  Fixtures: tests/gen/gen-journal.sh.
. "$SR_SRCDIR/tests/lib.sh"
J=$SR_DATA/journal
command -v zstd >/dev/null || skip "no zstd to unpack the journal fixtures"
for f in tlog-rec crafted damaged; do
	zstd -q -d "$J/$f.journal.zst" -o "$TMP/$f.journal" ||
	    skip "cannot unpack $f.journal.zst"
done
T=$TMP/tlog-rec.journal
C=$TMP/crafted.journal

# The recordings of the real journal file, in catalog order: "many" (four
# messages), "two" (interleaved with it) and the pty one (input, resize).
run 0 ls --source "$T"
set -- $(awk 'NR > 1 { print $1 }' "$TMP/out")
[ $# = 3 ] || fail "want 3 recordings in tlog-rec.journal, got $#"
MANY=${1:-x} TWO=${2:-x} PTY=${3:-x}

step ls-l 0 ls -l --source "$T"
step ls-json 0 ls --json --source "$T"
step cat-many 0 cat --source "$T" "$MANY"
step cat-two-ts 0 cat -t --source "$T" "$TWO"
step cat-pty-input 0 cat --input --source "$T" "$PTY"
step cat-path 0 cat --source "$T" "$T/$TWO"
step play-dump 0 play --dump --source "$T" "$PTY"
step grep 0 grep --source "$T" typed
step verify 0 verify "$T"

# Crafted entries: order and duplicates, a gap, broken messages, entries
# without MESSAGE or TLOG_ID, a hostile TLOG_REC, a multi-line MESSAGE.
step crafted-ls 0 ls -l --source "$C"
step crafted-verify 1 verify "$C"
step crafted-cat-gap 0 cat -q --source "$C" crafted-gap
step crafted-cat-evil 0 cat -q --source "$C" evil
# Sorted by TLOG_ID, the exact duplicate dropped: the original's text.
run 0 cat -q --source "$T" "$MANY"
cp "$TMP/out" "$TMP/many.txt"
run 0 cat -q --source "$C" crafted-order
cmp -s "$TMP/out" "$TMP/many.txt" ||
    fail "crafted-order: text differs from the recording it was made from"
# A pretty-printed first message: the start of the same text.
run 0 cat -q --source "$C" crafted-multiline
[ -s "$TMP/out" ] && head -c "$(wc -c <"$TMP/out")" "$TMP/many.txt" |
    cmp -s - "$TMP/out" || fail "crafted-multiline: message not read"

# Damage: a file zeroed after the entry of the first recording's second
# message, a truncated file alone, and in a directory beside good ones.
step damaged-ls 0 ls -l --source "$TMP/damaged.journal"
head -c 4096 "$T" >"$TMP/trunc.journal"
step trunc-ls 3 ls --source "$TMP/trunc.journal"
step trunc-cat 3 cat "$TMP/trunc.journal"
mkdir -p "$TMP/dir/3d1219c7c4c5404aaa1f6d2a48adfda4"
cp "$T" "$TMP/dir/3d1219c7c4c5404aaa1f6d2a48adfda4/system.journal"
cp "$TMP/trunc.journal" "$TMP/dir/3d1219c7c4c5404aaa1f6d2a48adfda4/user-1000.journal"
cp "$SR_DATA/tlog/two-recs.json" "$TMP/dir/"
step dir-ls 0 ls -l --source "$TMP/dir"
# A journal file under a name libsystemd does not take.
cp "$T" "$TMP/renamed.jnl"
run 0 ls --source "$TMP/renamed.jnl"
[ "$(grep -c tlog "$TMP/out")" = 3 ] || fail "renamed.jnl: want 3 recordings"

# The real tlog-play -r journal on the same recordings, and the real
# tlog-rec --writer=journal into a real journald: root only, in a private
# mount namespace (tmpfs over the journal directories and /run/systemd).
if [ "$(id -u)" != 0 ]; then
	echo "SKIP part: not root (tlog-play -r journal, live journald)"
elif ! command -v unshare >/dev/null || ! command -v tlog-play >/dev/null ||
    ! command -v tlog-rec >/dev/null || ! command -v python3 >/dev/null ||
    [ ! -x /lib/systemd/systemd-journald ]; then
	echo "SKIP part: no unshare, tlog-play, tlog-rec, python3 or journald"
elif ! unshare -m true 2>/dev/null; then
	echo "SKIP part: cannot make a mount namespace"
else
	cat >"$TMP/ns.sh" <<'EOF'
set -u
TMP=$1 T=$2 SESSREC=$3
shift 3
mount -t tmpfs tmpfs /var/log/journal 2>/dev/null ||
    { mkdir -p /var/log/journal && mount -t tmpfs tmpfs /var/log/journal; }
mkdir -p /run/log /run/systemd
mount -t tmpfs tmpfs /run/log
mount -t tmpfs tmpfs /run/systemd
# tlog-play spins on /dev/null (FORMATS.md 2.6): an idle FIFO instead,
# opened read-write so that it never delivers data nor ends.
mkfifo "$TMP/idle.fifo"
exec 8<>"$TMP/idle.fifo"
mkdir -p /var/log/journal/3d1219c7c4c5404aaa1f6d2a48adfda4
cp "$T" /var/log/journal/3d1219c7c4c5404aaa1f6d2a48adfda4/system.journal
for r in "$@"; do
	timeout 30 tlog-play -r journal -M "TLOG_REC=$r" -s 50 <&8 \
	    >"$TMP/tp-$r.out" 2>"$TMP/tp-$r.err"
	echo $? >"$TMP/tp-$r.rc"
	"$SESSREC" cat -q --source journal "$r" >"$TMP/sr-$r.out" 2>&1
done
"$SESSREC" ls --source journal >"$TMP/sys-ls.out" 2>&1
"$SESSREC" verify --source journal >"$TMP/sys-verify.out" 2>&1
echo $? >"$TMP/sys-verify.rc"
# Live: the real journald, the real tlog-rec writing to it.
/lib/systemd/systemd-journald >"$TMP/journald.log" 2>&1 &
jpid=$!
i=0
while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
tlog-rec --writer=journal /bin/sh -c 'echo live journal entry' \
    </dev/null >/dev/null 2>"$TMP/live-rec.err"
# journald stores the entries when it gets to them (and journalctl --sync
# needs a systemd PID 1): wait, about 20 s at most, until the new
# recording is in the journal with its output.
live_in_journal() {
	live=$(journalctl -o cat -F TLOG_REC | grep -v -F -f "$TMP/known" |
	    head -1)
	[ -n "$live" ] && journalctl -o cat "TLOG_REC=$live" |
	    grep -q 'live journal entry'
}
i=0
until live_in_journal 2>/dev/null || [ $i -ge 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$SESSREC" ls --source journal >"$TMP/live-ls.out" 2>&1
live=$(journalctl -o cat -F TLOG_REC | grep -v -F -f "$TMP/known" | head -1)
echo "$live" >"$TMP/live-rec"
timeout 30 tlog-play -r journal -M "TLOG_REC=$live" <&8 \
    >"$TMP/tp-live.out" 2>"$TMP/tp-live.err"
"$SESSREC" cat -q --source journal "$live" >"$TMP/sr-live.out" 2>&1
kill $jpid
wait $jpid
EOF
	printf '%s\n' "$MANY" "$TWO" "$PTY" >"$TMP/known"
	unshare -m sh "$TMP/ns.sh" "$TMP" "$T" "$SESSREC" "$MANY" "$TWO" \
	    "$PTY" || fail "the namespace script failed"
	# tlog-play's bytes (less its trailer) as an asciicast event, seen
	# through the same view as ours (see t6003-cat).
	same_as_tlog_play() { # NAME
		printf '{"version": 2, "width": 80, "height": 24}\n' \
		    >"$TMP/ref.cast"
		python3 - "$TMP/tp-$1.out" >>"$TMP/ref.cast" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
trailer = b"\x1b[0m\x1b[?25h\n\x00"
if data.endswith(trailer):
    data = data[: -len(trailer)]
print(json.dumps([0.0, "o", data.decode("utf-8", "replace")]))
PY
		run 0 cat "$TMP/ref.cast"
		if [ ! -s "$TMP/tp-$1.out" ]; then
			fail "$1: tlog-play -r journal wrote nothing"
			cat "$TMP/tp-$1.err"
		elif ! cmp -s "$TMP/out" "$TMP/sr-$1.out"; then
			fail "$1: cat --source journal differs from tlog-play -r journal"
			diff "$TMP/out" "$TMP/sr-$1.out" | head
		fi
	}
	for r in "$MANY" "$TWO" "$PTY"; do
		[ "$(cat "$TMP/tp-$r.rc")" = 0 ] || fail "$r: tlog-play exit status"
		same_as_tlog_play "$r"
	done
	normalize <"$TMP/sys-ls.out" >"$TMP/out"
	compare "$sr_golden_dir/system-ls.out" "$TMP/out" "ls --source journal"
	normalize <"$TMP/sys-verify.out" >"$TMP/out"
	compare "$sr_golden_dir/system-verify.out" "$TMP/out" \
	    "verify --source journal"
	[ "$(cat "$TMP/sys-verify.rc")" = 0 ] || fail "verify --source journal: exit status"
	live=$(cat "$TMP/live-rec")
	if [ -z "$live" ]; then
		fail "live: tlog-rec --writer=journal left no recording"
		cat "$TMP/live-rec.err" "$TMP/journald.log" | head
	else
		grep -q -F "$live" "$TMP/live-ls.out" ||
		    fail "live: ls --source journal does not list $live"
		grep -q 'live journal entry' "$TMP/sr-live.out" ||
		    fail "live: cat --source journal lacks the output"
		same_as_tlog_play live
	fi
fi
finish
