# SPDX-License-Identifier: ISC
# The tamper suite of sessrec verify (SECURITY.md §2.4), through the CLI,
# on recordings made by the real tools: sessrec record and keygen, tlog-rec,
# and sudo with I/O logging.  For a small sealed recording: every byte
# flipped, every truncation, chunks deleted, reordered and duplicated,
# data appended after the seal, the file replaced by another recording,
# a recording signed by an untrusted key, metadata edited.  Then the
# edits that the structure of tlog and sudo logs can reveal.
. "$SR_SRCDIR/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
FRAMES=$SR_SRCDIR/tests/data/verify/srec-frames.py
export SESSREC_SOURCES

# verdicts DIR [ARGS...]: verifies every recording in DIR in one run and
# leaves "VERDICT NAME" lines sorted by name in $TMP/verdicts; the run
# must end with 0 or 1 (never a crash or an internal error) and report
# every .srec file of DIR.
verdicts() {
	vd_dir=$1
	shift
	set +e
	"$SESSREC" verify -q -j 4 "$@" "$vd_dir" </dev/null >"$TMP/v.out" \
	    2>"$TMP/v.err"
	vd_rc=$?
	set -e
	sr_steps=$((sr_steps + 1))
	case $vd_rc in
	0 | 1) ;;
	*)
		fail "verify $vd_dir: exit $vd_rc"
		head -5 "$TMP/v.err"
		;;
	esac
	awk '{ n = $2; sub(".*/", "", n); print $1, n }' "$TMP/v.out" |
	    sort -k2 >"$TMP/verdicts"
	vd_want=$(find "$vd_dir" -name '*.srec' | wc -l)
	vd_got=$(wc -l <"$TMP/verdicts")
	[ "$vd_want" -eq "$vd_got" ] ||
	    fail "verify $vd_dir: $vd_got verdicts for $vd_want files"
}

# verdict FILE ARGS...: the verdict word for one recording.
verdict() {
	vf=$1
	shift
	"$SESSREC" verify -q "$@" "$vf" </dev/null 2>"$TMP/v1.err" |
	    awk '{ print $1; exit }'
}

# expect_verdict WANT-REGEX WHAT FILE ARGS...
expect_verdict() {
	ev_want=$1
	ev_what=$2
	shift 2
	ev_got=$(verdict "$@")
	sr_steps=$((sr_steps + 1))
	if ! printf '%s\n' "$ev_got" | grep -Eqx -- "$ev_want"; then
		fail "$ev_what: verdict '$ev_got', want $ev_want"
		"$SESSREC" verify "$@" 2>&1 | head -5
	fi
}

# tally: counts of each verdict in $TMP/verdicts, for the log.
tally() {
	awk '{ n[$1]++ } END { for (v in n) printf " %s=%d", v, n[v]; print "" }' \
	    "$TMP/verdicts"
}

# Keys and a small sealed recording with several chunks and checkpoints.
"$SESSREC" keygen -d "$TMP/ka" >/dev/null || fail "keygen A"
"$SESSREC" keygen -d "$TMP/kb" >/dev/null || fail "keygen B"
: >"$TMP/empty.conf"
KA=$TMP/ka/host.pub
rec() { # KEYDIR OUT [COMMAND]
	r_key=$1
	r_out=$2
	shift 2
	[ $# -gt 0 ] || set -- sh -c \
	    'for i in 1 2 3 4; do echo "tamper line $i"; sleep 0.25; done'
	"$SESSREC" record --config "$TMP/empty.conf" -q -k "$r_key/host.key" \
	    --chunk-interval 0.2 --checkpoint-interval 0.4 -o "$r_out" -- "$@" \
	    </dev/null >/dev/null
}
# The edits below need at least two checkpoints and two chunks, which
# the 0.2 s chunks and 0.25 s pauses give unless a slow machine merges
# the writes: then record again (up to 5 times, the pauses longer), and
# fail clearly if it never has them.
sr_steps=$((sr_steps + 1))
for try in 1 2 3 4 5; do
	rm -f "$TMP/base.srec"
	case $try in
	1 | 2) pause=0.25 ;;
	3 | 4) pause=0.5 ;;
	*) pause=1 ;;
	esac
	rec "$TMP/ka" "$TMP/base.srec" sh -c \
	    'for i in 1 2 3 4; do echo "tamper line $i"; sleep '"$pause"'; done' ||
	    fail "record"
	python3 "$FRAMES" list "$TMP/base.srec" >"$TMP/frames"
	layout=$(awk '{ printf "%s", $3 }' "$TMP/frames")
	nk=$(awk '$3 == "K" { n++ } END { print n + 0 }' "$TMP/frames")
	nd=$(awk '$3 == "D" { n++ } END { print n + 0 }' "$TMP/frames")
	[ "$nk" -ge 2 ] && [ "$nd" -ge 2 ] && break
	echo "base.srec, try $try: frames $layout: fewer than 2 checkpoints or chunks"
done
[ "$nk" -ge 2 ] && [ "$nd" -ge 2 ] ||
    fail "base.srec: want 2 checkpoints and 2 chunks, got frames $layout" \
    "after $try tries"
chmod 0644 "$TMP/base.srec"
expect_verdict OK "the untouched recording" "$TMP/base.srec" --key "$KA"
size=$(wc -c <"$TMP/base.srec")
echo "base.srec: $size bytes, frames: $(awk '{ printf "%s", $3 }' "$TMP/frames")"

# Every byte flipped (low bit, then all bits): never OK or CONSISTENT.
for mask in 1 255; do
	rm -rf "$TMP/flip"
	mkdir "$TMP/flip"
	python3 - "$TMP/base.srec" "$TMP/flip" "$mask" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
m = int(sys.argv[3])
for i in range(len(d)):
    b = bytearray(d)
    b[i] ^= m
    open("%s/flip-%06d.srec" % (sys.argv[2], i), "wb").write(b)
EOF
	verdicts "$TMP/flip" --key "$KA"
	echo "flip mask $mask:$(tally)"
	grep -E '^CONSISTENT ' "$TMP/verdicts" >"$TMP/undetected" || :
	# zstd leaves a few bits of a frame without effect on what it
	# decodes (the chain hashes the plaintext, as SECURITY.md I5 says,
	# so that archives may recompress): OK is right when the recorded
	# content is exactly the original's, and wrong otherwise.
	zstd -dcq "$TMP/base.srec" >"$TMP/base.plain" 2>/dev/null || :
	nslack=0
	for f in $(awk '$1 == "OK" { print $2 }' "$TMP/verdicts"); do
		if command -v zstd >/dev/null &&
		    zstd -dcq "$TMP/flip/$f" 2>/dev/null | cmp -s - "$TMP/base.plain"; then
			nslack=$((nslack + 1))
		else
			echo "OK $f (content changed)" >>"$TMP/undetected"
		fi
	done
	echo "  of which OK with the same decoded content (zstd slack): $nslack"
	if [ -s "$TMP/undetected" ]; then
		fail "flipped bytes not detected (mask $mask):"
		head -10 "$TMP/undetected"
	fi
	# Inside a signed range, a flip is TAMPERED or CORRUPT: only the
	# last frames (seal) may read as a torn tail.
	seal_off=$(awk '$3 == "S" { print $1 }' "$TMP/frames")
	awk -v s="$seal_off" '$1 == "INCOMPLETE" {
		o = $2; sub("flip-", "", o); sub(".srec", "", o)
		if (o + 0 < s + 0) print }' "$TMP/verdicts" >"$TMP/early"
	if [ -s "$TMP/early" ]; then
		fail "flips before the seal called INCOMPLETE (mask $mask):"
		head -10 "$TMP/early"
	fi
done

# Progress on stderr only when it is a terminal: script(1) gives one.
if command -v script >/dev/null; then
	script -qfc "'$SESSREC' verify -j 1 --key '$KA' '$TMP/flip' >'$TMP/p.out'" \
	    "$TMP/p.tty" </dev/null >/dev/null 2>&1 || :
	expect_grep "$TMP/p.tty" 'sessrec verify: [0-9]+/[0-9]+ recordings' \
	    "progress on a terminal"
	expect_no_grep "$TMP/p.out" 'recordings, ' "progress on stdout"
	"$SESSREC" verify -j 1 --key "$KA" "$TMP/flip" >/dev/null 2>"$TMP/p.err" || :
	expect_no_grep "$TMP/p.err" '[0-9]/[0-9]+ recordings' "progress into a file"
fi

# Truncation at every offset: INCOMPLETE or CORRUPT, never a crash.
rm -rf "$TMP/cut"
mkdir "$TMP/cut"
python3 - "$TMP/base.srec" "$TMP/cut" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
for i in range(len(d)):
    open("%s/cut-%06d.srec" % (sys.argv[2], i), "wb").write(d[:i])
EOF
verdicts "$TMP/cut" --key "$KA"
echo "truncations:$(tally)"
if grep -Eqv '^(INCOMPLETE|CORRUPT) ' "$TMP/verdicts"; then
	fail "truncations with another verdict:"
	grep -Ev '^(INCOMPLETE|CORRUPT) ' "$TMP/verdicts" | head -10
fi
# Cut on a chunk boundary after checkpoint 0: INCOMPLETE, not CORRUPT.
k1=$(awk '$3 == "K" && ++k == 2 { print $1 }' "$TMP/frames")
if [ -n "$k1" ]; then
	expect_verdict INCOMPLETE "cut before checkpoint 1" \
	    "$TMP/cut/cut-$(printf %06d "$k1").srec" --key "$KA"
else
	fail "cut before checkpoint 1: base.srec has no checkpoint 1"
fi

# Frames deleted, moved and duplicated.  Frame numbers from the list:
# each data frame D is followed by its chain record C.
nfr=$(wc -l <"$TMP/frames")
rm -rf "$TMP/chunks"
mkdir "$TMP/chunks"
build() { # NAME FRAME,LIST
	python3 "$FRAMES" rebuild "$TMP/base.srec" "$TMP/chunks/$1.srec" "$2"
}
all=$(seq -s, 0 $((nfr - 1)))
dpos=$(awk '$3 == "D" { printf "%s%d", s, NR - 1; s = " " }' "$TMP/frames")
kpos=$(awk '$3 == "K" && NR > 2 { printf "%s%d", s, NR - 1; s = " " }' "$TMP/frames")
for d in $dpos; do
	c=$((d + 1))
	# The chunk (data + chain) deleted.
	build "del-chunk-$d" "$(echo "$all" | tr , '\n' | grep -vx -e "$d" -e "$c" | paste -sd,)"
	# Only its data frame deleted.
	build "del-data-$d" "$(echo "$all" | tr , '\n' | grep -vx -e "$d" | paste -sd,)"
	# The chunk duplicated in place.
	build "dup-chunk-$d" "$(echo "$all" | tr , '\n' |
	    awk -v d="$d" -v c="$c" '{ print } $0 == c { print d; print c }' | paste -sd,)"
done
# Each pair of neighbouring chunks swapped.
set -- $dpos
while [ $# -ge 2 ]; do
	a=$1
	b=$2
	if [ "$b" -eq $((a + 2)) ]; then
		build "swap-$a-$b" "$(echo "$all" | tr , '\n' | awk -v a="$a" -v b="$b" '
		    $0 == a { print b; print b + 1; next }
		    $0 == a + 1 { print a; print a + 1; next }
		    $0 == b { next } $0 == b + 1 { next } { print }' | paste -sd,)"
	fi
	shift
done
for k in $kpos; do
	build "del-ck-$k" "$(echo "$all" | tr , '\n' | grep -vx -e "$k" | paste -sd,)"
done
# Checkpoints moved after the next chunk.
for k in $kpos; do
	[ "$((k + 2))" -lt "$nfr" ] || continue
	build "move-ck-$k" "$(echo "$all" | tr , '\n' | awk -v k="$k" '
	    $0 == k { held = 1; next } { print } held && $0 == k + 2 { print k; held = 0 }' |
	    paste -sd,)"
done
verdicts "$TMP/chunks" --key "$KA"
echo "chunk edits:$(tally)"
if grep -Ev '^TAMPERED ' "$TMP/verdicts" | grep -q .; then
	fail "chunk edits not TAMPERED:"
	grep -Ev '^TAMPERED ' "$TMP/verdicts" | head -10
fi
# The seal removed: the recording looks cut short.
seal=$((nfr - 1))
build no-seal "$(seq -s, 0 $((seal - 1)))"
expect_verdict INCOMPLETE "seal removed" "$TMP/chunks/no-seal.srec" --key "$KA"

# Bytes after the seal: a frame, a line of text, one byte.
cp "$TMP/base.srec" "$TMP/app1.srec"
printf 'more\n' >>"$TMP/app1.srec"
expect_verdict TAMPERED "text after the seal" "$TMP/app1.srec" --key "$KA"
cp "$TMP/base.srec" "$TMP/app2.srec"
printf '\0' >>"$TMP/app2.srec"
expect_verdict TAMPERED "a byte after the seal" "$TMP/app2.srec" --key "$KA"
python3 "$FRAMES" rebuild "$TMP/base.srec" "$TMP/app3.srec" "$all,$(echo "$dpos" | cut -d' ' -f1),$(($(echo "$dpos" | cut -d' ' -f1) + 1))"
expect_verdict TAMPERED "a chunk after the seal" "$TMP/app3.srec" --key "$KA"
python3 "$FRAMES" rebuild "$TMP/base.srec" "$TMP/app4.srec" "$all,$seal"
expect_verdict TAMPERED "a second seal" "$TMP/app4.srec" --key "$KA"

# The file replaced by another valid recording under its name.
mkdir "$TMP/named"
rec "$TMP/ka" "$TMP/named/" || fail "record into a directory"
rec "$TMP/ka" "$TMP/named/" || fail "record into a directory"
set -- "$TMP"/named/*.srec
[ $# -eq 2 ] || fail "want 2 recordings in named/, got $#"
chmod 0644 "$1" "$2"
expect_verdict OK "a recording under its own name" "$1" --key "$KA"
cp "$2" "$1"
expect_verdict TAMPERED "another recording under the first one's name" \
    "$1" --key "$KA"

# Signed with another key: B checked against trusted A.
rec "$TMP/kb" "$TMP/b.srec" || fail "record with key B"
expect_verdict TAMPERED "signed with an untrusted key" "$TMP/b.srec" --key "$KA"
expect_verdict OK "signed with B, B trusted" "$TMP/b.srec" --key "$TMP/kb/host.pub"
mkdir -p "$TMP/nokeys"
expect_verdict CONSISTENT "signed, no trusted key" "$TMP/b.srec" --trusted "$TMP/nokeys"
# Frames of B spliced into A: B's seal on A's chunks, A's seal on B's.
python3 - "$TMP/base.srec" "$TMP/b.srec" "$TMP/splice.srec" "$FRAMES" <<'EOF'
import subprocess, sys
def fr(p):
    out = subprocess.run([sys.executable, sys.argv[4], "list", p],
        capture_output=True, text=True).stdout.split("\n")
    d = open(p, "rb").read()
    return [(d[int(o):int(o) + int(n)], k) for o, n, k in
        (l.split() for l in out if l)]
a, b = fr(sys.argv[1]), fr(sys.argv[2])
open(sys.argv[3], "wb").write(b"".join(x for x, k in a[:-1]) + b[-1][0])
EOF
expect_verdict TAMPERED "another recording's seal" "$TMP/splice.srec" --key "$KA"

# Metadata edited: a header byte, the same length or longer.
python3 - "$TMP/base.srec" "$TMP" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
n, = struct.unpack_from("<I", d, 4)
hdr = d[14:8 + n]
i = hdr.index(b'"host":"') + 8
same = hdr[:i] + (b"Y" if hdr[i:i + 1] != b"Y" else b"Z") + hdr[i + 1:]
open(sys.argv[2] + "/meta-same.srec", "wb").write(d[:14] + same + d[8 + n:])
longer = hdr[:i] + b"evil-" + hdr[i:]
out = struct.pack("<II", 0x184D2A5E, n + 5) + d[8:14] + longer + d[8 + n:]
open(sys.argv[2] + "/meta-longer.srec", "wb").write(out)
EOF
expect_verdict TAMPERED "host edited in place" "$TMP/meta-same.srec" --key "$KA"
expect_verdict TAMPERED "host edited, frame resized" "$TMP/meta-longer.srec" --key "$KA"

# The recorder killed: INCOMPLETE, with the validated range on the line.
"$SESSREC" record --config "$TMP/empty.conf" -q -k "$TMP/ka/host.key" \
    --chunk-interval 0.2 --checkpoint-interval 0.4 -o "$TMP/killed.srec" -- \
    sh -c 'while :; do echo tick; sleep 0.1; done' </dev/null >/dev/null &
pid=$!
# Killed only once a checkpoint after the first chunk is on disk (slow
# starts happen): then there is a validated range to report.
checkpoints() { # FILE MIN: at least MIN checkpoint frames in FILE
	[ -s "$1" ] && [ "$(python3 "$FRAMES" list "$1" 2>/dev/null |
	    awk '$3 == "K" { k++ } END { print k + 0 }')" -ge "$2" ]
}
sr_steps=$((sr_steps + 1))
wait_for 20 checkpoints "$TMP/killed.srec" 2 ||
    fail "recorder killed: no second checkpoint in 20 s:" \
    "$(python3 "$FRAMES" list "$TMP/killed.srec" 2>&1 | awk '{ printf "%s", $3 }')"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || :
expect_verdict INCOMPLETE "recorder killed" "$TMP/killed.srec" --key "$KA"
"$SESSREC" verify --key "$KA" "$TMP/killed.srec" >"$TMP/out" 2>&1 || :
expect_grep "$TMP/out" 'validated to seq [0-9]+' "validated range of a killed recording"

# The witness: the START and SEAL lines record sends to syslog.  There is
# no syslog daemon to rely on, so the recorder runs in a private mount
# namespace whose /dev holds a socket of ours at /dev/log.
cat >"$TMP/listen.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n\0") + b"\n")
PYEOF
cat >"$TMP/inns.sh" <<'SHEOF'
set -e
d=$1
log=$2
shift 2
case $d in /tmp/*) ;; *) echo "inns.sh: $d not under /tmp" >&2; exit 1 ;; esac
mkdir -p "$d/pts"
# Exit 77: this namespace cannot have a /dev of ours.
for n in null zero random urandom tty full; do
	touch "$d/$n"
	mount --bind "/dev/$n" "$d/$n" || exit 77
done
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$d/pts" ||
    exit 77
ln -sf pts/ptmx "$d/ptmx"
ln -sf /proc/self/fd "$d/fd"
python3 "$(dirname "$d")/listen.py" "$d/log" "$log" &
lp=$!
n=0
while [ ! -e "$log.ready" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
if [ ! -e "$log.ready" ]; then
	echo "inns.sh: the syslog listener did not start in 20 s" >&2
	kill "$lp"
	exit 1
fi
mount --rbind "$d" /dev || { kill "$lp"; exit 77; }
set +e
"$@"
rc=$?
# The lines are in the socket when the recorder ends; the listener may
# not have written them yet.  The SEAL line comes last.
n=0
while [ $rc -eq 0 ] && ! grep -q 'sessrec-witness v1 SEAL' "$log" 2>/dev/null &&
    [ $n -lt 200 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill "$lp"
exit $rc
SHEOF
witrec() { # LOG OUT [COMMAND...]: rec with its syslog lines kept in LOG
	w_log=$1
	w_out=$2
	shift 2
	[ $# -gt 0 ] || set -- sh -c 'echo witnessed; sleep 0.3; echo done'
	rm -rf "$TMP/ns-dev"
	unshare -m sh "$TMP/inns.sh" "$TMP/ns-dev" "$w_log" "$SESSREC" record \
	    --config "$TMP/empty.conf" -q -k "$TMP/ka/host.key" -o "$w_out" -- \
	    "$@" </dev/null >/dev/null 2>"$TMP/ns.err"
}
# witnessed LOG WHAT: the run before ended well and LOG has its SEAL line
# (a counted check).
witnessed() {
	sr_steps=$((sr_steps + 1))
	if [ "$w_rc" -ne 0 ]; then
		fail "$2: exit $w_rc: $(head -3 "$TMP/ns.err")"
		return 1
	fi
	if ! grep -q 'sessrec-witness v1 SEAL' "$1"; then
		fail "$2: no SEAL line in $(basename "$1"): $(head -3 "$1" \
		    2>&1) $(head -3 "$TMP/ns.err")"
		return 1
	fi
}
w_rc=77
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ] &&
    unshare -m true 2>/dev/null; then
	set +e
	witrec "$TMP/w1.log" "$TMP/w1.srec"
	w_rc=$?
	set -e
fi
# Only a namespace that cannot be made (or a /dev that cannot be mounted
# in it) skips the witness; anything else is a failure.
if [ "$w_rc" -ne 77 ] && witnessed "$TMP/w1.log" "witnessed recording"; then
	set +e
	witrec "$TMP/w2.log" "$TMP/w2.srec"
	w_rc=$?
	set -e
	witnessed "$TMP/w2.log" "second witnessed recording" || :
	expect_verdict OK "sealed, its own witness lines" "$TMP/w1.srec" \
	    --key "$KA" --witness "$TMP/w1.log"
	expect_verdict TAMPERED "a witness with no START for it" "$TMP/w1.srec" \
	    --key "$KA" --witness "$TMP/w2.log"
	# The seal cut off: without a witness a crash, with one a deletion.
	python3 "$FRAMES" list "$TMP/w1.srec" >"$TMP/w1.frames"
	head -c "$(awk '$3 == "S" { print $1 }' "$TMP/w1.frames")" \
	    "$TMP/w1.srec" >"$TMP/w1-cut.srec"
	expect_verdict INCOMPLETE "seal cut off, no witness" "$TMP/w1-cut.srec" \
	    --key "$KA"
	expect_verdict TAMPERED "seal cut off, witness holds the SEAL" \
	    "$TMP/w1-cut.srec" --key "$KA" --witness "$TMP/w1.log"
	# Lines anyone can send with logger(1) are not signed (or a signed
	# line edited): they count for nothing.
	sed 's/ sig=[0-9a-f]*/ sig='"$(printf '0%.0s' $(seq 128))"'/' \
	    "$TMP/w1.log" >"$TMP/w1-forged.log"
	expect_verdict TAMPERED "only forged witness lines" "$TMP/w1.srec" \
	    --key "$KA" --witness "$TMP/w1-forged.log"
	sed -e 's/ h0=0/ h0=1/;t' -e 's/ h0=[1-9a-f]/ h0=0/' "$TMP/w1.log" \
	    >"$TMP/w1-h0.log"
	cmp -s "$TMP/w1.log" "$TMP/w1-h0.log" && fail "START line not edited"
	expect_verdict TAMPERED "START line edited" "$TMP/w1.srec" \
	    --key "$KA" --witness "$TMP/w1-h0.log"
elif [ "$w_rc" -eq 77 ]; then
	echo "no private mount namespace (unshare -m) with a /dev of ours:" \
	    "witness not checked"
	head -3 "$TMP/ns.err" 2>/dev/null || :
fi

# tlog: what structure can reveal in a file tlog-rec wrote.
if command -v tlog-rec >/dev/null; then
	tl=$TMP/tlog.json
	tlog-rec --writer=file --file-path="$tl" --latency=1 --payload=64 -- \
	    sh -c 'for i in 1 2 3 4 5 6; do echo "tlog line $i: some text to fill a payload"; sleep 0.3; done' \
	    </dev/null >/dev/null 2>&1 || fail "tlog-rec failed"
	nl=$(wc -l <"$tl")
	echo "tlog.json: $nl messages"
	expect_verdict CONSISTENT "tlog as written" "$tl"
	# Torn last line.
	head -c $(($(wc -c <"$tl") - 20)) "$tl" >"$TMP/tlog-torn.json"
	expect_verdict INCOMPLETE "tlog torn last line" "$TMP/tlog-torn.json"
	if [ "$nl" -ge 3 ]; then
		# A message deleted, duplicated, two swapped.
		sed 2d "$tl" >"$TMP/tlog-del.json"
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "tlog message deleted" "$TMP/tlog-del.json"
		sed 2p "$tl" >"$TMP/tlog-dup.json"
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "tlog message duplicated" "$TMP/tlog-dup.json"
		awk 'NR == 2 { held = $0; next } { print } NR == 3 { print held }' \
		    "$tl" >"$TMP/tlog-swap.json"
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "tlog messages swapped" "$TMP/tlog-swap.json"
		# The first message's time moved past the second's.
		python3 - "$tl" "$TMP/tlog-pos.json" <<'EOF'
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
ls[0]["pos"] = ls[1]["pos"] + 100000
open(sys.argv[2], "w").write("".join(json.dumps(m, separators=(",", ":")) + "\n" for m in ls))
EOF
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "tlog pos going back" "$TMP/tlog-pos.json"
	fi
	# Text added without timing; text changed in place (undetectable).
	python3 - "$tl" "$TMP" <<'EOF'
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
i = next(k for k, m in enumerate(ls) if m.get("out_txt"))
w = lambda name, ms: open(sys.argv[2] + "/" + name, "w").write(
    "".join(json.dumps(m, separators=(",", ":")) + "\n" for m in ms))
m = dict(ls[i]); m["out_txt"] = m["out_txt"] + "rm -rf /\n"
w("tlog-longer.json", ls[:i] + [m] + ls[i + 1:])
m = dict(ls[i]); t = m["out_txt"]; m["out_txt"] = ("X" if t[0] != "X" else "Y") + t[1:]
w("tlog-same.json", ls[:i] + [m] + ls[i + 1:])
m = dict(ls[i]); m["ver"] = "9.9"
w("tlog-ver.json", ls[:i] + [m] + ls[i + 1:])
EOF
	expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "tlog text longer than its timing" "$TMP/tlog-longer.json"
	expect_verdict 'CORRUPT|TAMPERED' "tlog unknown version" "$TMP/tlog-ver.json"
	# Documented limit: tlog carries no signature.
	expect_verdict CONSISTENT "tlog text changed in place (not detectable)" "$TMP/tlog-same.json"
else
	echo "tlog-rec not installed: tlog edits not checked"
fi

# sudo: a real I/O log through a sudoers drop-in (as i-sudo.sh).
if command -v sudo >/dev/null && command -v visudo >/dev/null &&
    [ "$(id -u)" = 0 ]; then
	dropin=/etc/sudoers.d/zz-sessrec-verify-$$
	trap 'rm -f "$dropin"; rm -rf "$TMP"' EXIT
	io=$TMP/io
	cat >"$TMP/dropin" <<EOS
Defaults:root log_output, iolog_dir=$io, !compress_io, !use_pty
EOS
	if visudo -cf "$TMP/dropin" >/dev/null; then
		install -m 0440 "$TMP/dropin" "$dropin"
		sudo -u nobody sh -c 'for i in 1 2 3; do echo "sudo line $i"; sleep 0.2; done' \
		    </dev/null >/dev/null 2>&1 || fail "sudo failed"
		sed -i 's/!compress_io/compress_io/' "$dropin"
		sudo -u nobody sh -c 'echo "gzip line"' </dev/null >/dev/null 2>&1 ||
		    fail "sudo (compress_io) failed"
		rm -f "$dropin"
	fi
	s1=$io/00/00/01
	s2=$io/00/00/02
	if [ -f "$s1/timing" ] && [ -f "$s2/timing" ]; then
		expect_verdict CONSISTENT "sudo log as written" "$s1"
		expect_verdict CONSISTENT "sudo gzip log as written" "$s2"
		# A copy to edit; its timing made read-only again afterwards
		# (sudo's mark of a finished session).
		cpy() { rm -rf "$TMP/$1"; cp -Rp "$2" "$TMP/$1"; chmod u+w "$TMP/$1"/*; }
		done_() { chmod a-w "$TMP/$1/timing"; }
		# Output added, cut, changed in place (undetectable).
		cpy s-app "$s1"
		printf 'injected\n' >>"$TMP/s-app/stdout"
		done_ s-app
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "sudo output appended" "$TMP/s-app"
		cpy s-cut "$s1"
		f=$TMP/s-cut/stdout
		head -c $(($(wc -c <"$f") - 3)) "$f" >"$f.x" && mv "$f.x" "$f"
		done_ s-cut
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "sudo output cut" "$TMP/s-cut"
		cpy s-timing "$s1"
		awk 'NR == 1 { $3 = $3 + 5 } { print }' "$TMP/s-timing/timing" >"$TMP/t.x"
		cat "$TMP/t.x" >"$TMP/s-timing/timing"
		done_ s-timing
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "sudo timing edited" "$TMP/s-timing"
		cpy s-gz "$s2"
		f=$TMP/s-gz/stdout
		[ -f "$f" ] || f=$TMP/s-gz/ttyout
		python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 0x40
open(sys.argv[1], "wb").write(d)' "$f"
		done_ s-gz
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "sudo gzip data flipped" "$TMP/s-gz"
		cpy s-log "$s1"
		sed -i 's/"runuser":"nobody"/"runuser":"daemon"/; s/"runuser": "nobody"/"runuser": "daemon"/' \
		    "$TMP/s-log/log.json"
		done_ s-log
		expect_verdict 'TAMPERED|CORRUPT|INCOMPLETE' "sudo log.json disagrees with log" "$TMP/s-log"
		cpy s-same "$s1"
		f=$TMP/s-same/stdout
		sed -i 's/sudo line 2/sudo line 9/' "$f"
		done_ s-same
		expect_verdict CONSISTENT "sudo output changed in place (not detectable)" "$TMP/s-same"
		# Still being written (timing writable): only noted, as copies
		# often lose the modes (see lib/verify.c).
		cpy s-open "$s1"
		expect_verdict CONSISTENT "sudo timing still writable (running)" "$TMP/s-open"
		"$SESSREC" verify "$TMP/s-open" >"$TMP/out" 2>&1 || :
		expect_grep "$TMP/out" 'not marked the session finished' "sudo unfinished noted"
	else
		echo "sudo wrote no I/O log: sudo edits not checked"
	fi
else
	echo "sudo, visudo or root missing: sudo edits not checked"
fi
finish
