#!/bin/sh
# SPDX-License-Identifier: ISC
# sessrec record --writer journal and --ship journal, against a REAL
# systemd-journald (in a private mount namespace: its own tmpfs /run and
# /var/log/journal, volatile storage) read back by the REAL tlog-play -r
# journal, by journalctl, and by sessrec's own journal source:
#  - journal only: no file; entries carry TLOG_REC = the session id,
#    TLOG_USER, TLOG_SESSION, TLOG_ID 1.., MESSAGE a tlog JSON message;
#    tlog-play plays the output; ls/cat --source journal read it;
#  - native and journal: the sealed file verifies, and holds the same
#    text as the journal copy;
#  - --ship journal: session_start and session_end with SESSREC_* fields.
. "$SR_SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip "not root (needs a mount namespace for journald)"
jd=
for p in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
	[ -x "$p" ] && jd=$p && break
done
[ -n "$jd" ] || skip "no systemd-journald"
for t in unshare journalctl tlog-play script jq; do
	command -v "$t" >/dev/null || skip "no $t"
done
unshare -m true 2>/dev/null || skip "cannot make a mount namespace"

cat >"$TMP/ns.sh" <<'EOF'
set -u
TMP=$1 SESSREC=$2 JD=$3
mount -t tmpfs tmpfs /run || exit 77
mkdir -p /var/log/journal
mount -t tmpfs tmpfs /var/log/journal || exit 77
mkdir -p /run/systemd/journal /run/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\n' \
    >/run/systemd/journald.conf.d/sessrec-test.conf
"$JD" >"$TMP/journald.log" 2>&1 &
jp=$!
n=0
while [ ! -S /run/systemd/journal/socket ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
mkdir -p "$TMP/rec"
# Journal only, with the SIEM events shipped to the journal too.
mkdir -p "$TMP/jonly"
script -qec "\"$SESSREC\" record -q --writer journal --ship journal \
    -o \"$TMP/jonly/\" --ticket CHG-7 -- \
    sh -c 'echo hello journal; seq 1 300'" /dev/null \
    </dev/null >"$TMP/only.out" 2>&1
echo $? >"$TMP/only.rc"
# Both writers.
script -qec "\"$SESSREC\" record -q --writer native,journal --ship off \
    -o \"$TMP/rec/\" -- sh -c 'echo both writers'" /dev/null \
    </dev/null >"$TMP/both.out" 2>&1
echo $? >"$TMP/both.rc"
# journald stores what it has read from its socket when it gets to it
# (and journalctl --sync needs a systemd PID 1): read the journal until
# all that the runs sent is there, both events, the last line of seq and
# the second recording (sent last), or about 20 s have passed.
complete() {
	journalctl -D /run/log/journal -o json -a --no-pager \
	    SYSLOG_IDENTIFIER=sessrec >"$TMP/all.json" 2>"$TMP/jctl.err" &&
	jq -s -e '
	    def text: map(select(.TLOG_REC != null) |
		.MESSAGE | (try fromjson catch {}) | .out_txt // "") | add // "";
	    (map(select(.SESSREC_TYPE == "session_start")) | length > 0) and
	    (map(select(.SESSREC_TYPE == "session_end")) | length > 0) and
	    (map(select(.TLOG_REC != null) | .TLOG_REC) | unique | length >= 2) and
	    (text | test("(^|\n)300\r?\n")) and
	    (text | contains("both writers"))' "$TMP/all.json" >/dev/null 2>&1
}
n=0
until complete || [ $n -ge 200 ]; do
	sleep 0.1
	n=$((n + 1))
done
# tlog-play reads keys from stdin: an idle FIFO that never ends.
mkfifo "$TMP/idle"
exec 8<>"$TMP/idle"
for rec in $(jq -r 'select(.TLOG_ID == "1") | .TLOG_REC' "$TMP/all.json"); do
	timeout 30 tlog-play -r journal -M "TLOG_REC=$rec" <&8 \
	    >"$TMP/tp-$rec.out" 2>"$TMP/tp-$rec.err"
	echo $? >"$TMP/tp-$rec.rc"
	"$SESSREC" cat -q --source journal "$rec" >"$TMP/sr-$rec.out" 2>&1
done
"$SESSREC" ls --source journal >"$TMP/ls.out" 2>&1
kill $jp
wait $jp 2>/dev/null
exit 0
EOF
null_mode=$(stat -c %a /dev/null)
unshare -m sh "$TMP/ns.sh" "$TMP" "$SESSREC" "$jd"
rc=$?
# The journal-only writer's /dev/null must come out as it went in.
expect_eq "$(stat -c %a /dev/null)" "$null_mode" "/dev/null mode unchanged"
[ "$(stat -c %a /dev/null)" = "$null_mode" ] ||
    chmod "$null_mode" /dev/null
[ "$rc" = 77 ] && skip "cannot mount a private /run"
expect_eq "$rc" 0 "namespace script"
expect_eq "$(cat "$TMP/only.rc")" 0 "record --writer journal exit status"
expect_eq "$(cat "$TMP/both.rc")" 0 "record --writer native,journal exit status"

# The journal-only session: its tlog entries.
jq -c 'select(.TLOG_REC != null)' "$TMP/all.json" >"$TMP/tlog.json"
recs=$(jq -r .TLOG_REC "$TMP/tlog.json" | sort -u)
expect_eq "$(printf '%s\n' "$recs" | wc -l)" 2 "two recordings in the journal"
only=$(jq -r 'select(.SESSREC_TYPE == "session_start") | .SESSREC_SESSION_ID' \
    "$TMP/all.json")
printf '%s\n' "$recs" | grep -qx "$only" ||
    fail "the shipped session id $only is not a TLOG_REC ($recs)"
jq -c "select(.TLOG_REC == \"$only\")" "$TMP/tlog.json" >"$TMP/only.json"
n=$(wc -l <"$TMP/only.json")
[ "$n" -ge 1 ] || fail "no tlog entries for $only"
expect_eq "$(jq -r .TLOG_ID "$TMP/only.json" | tr '\n' ' ')" \
    "$(seq 1 "$n" | tr '\n' ' ')" "TLOG_ID runs 1..n"
expect_eq "$(jq -r .TLOG_USER "$TMP/only.json" | sort -u)" "$(id -un)" \
    "TLOG_USER"
expect_eq "$(jq -r .PRIORITY "$TMP/only.json" | sort -u)" 6 "PRIORITY"
expect_eq "$(jq -r '.MESSAGE | fromjson | .rec' "$TMP/only.json" | sort -u)" \
    "$only" "MESSAGE rec is TLOG_REC"
expect_eq "$(jq -r '.MESSAGE | fromjson | .ver' "$TMP/only.json" | sort -u)" \
    "2.3" "MESSAGE is tlog 2.3"
expect_eq "$(jq -r '.MESSAGE | fromjson | .id' "$TMP/only.json" | tr '\n' ' ')" \
    "$(seq 1 "$n" | tr '\n' ' ')" "MESSAGE ids"

# The real tlog-play plays it, and sessrec reads the same text back.
expect_eq "$(cat "$TMP/tp-$only.rc")" 0 "tlog-play -r journal exit status"
expect_grep "$TMP/tp-$only.out" 'hello journal' "tlog-play shows the output"
tr -d '\r' <"$TMP/tp-$only.out" | grep -qx 300 ||
    fail "tlog-play: the last line of seq is missing"
expect_grep "$TMP/sr-$only.out" 'hello journal' "cat --source journal"
tr -d '\r' <"$TMP/sr-$only.out" | grep -qx 300 ||
    fail "cat --source journal: the last line of seq is missing"
expect_grep "$TMP/ls.out" "$only" "ls --source journal lists it"

# Journal only: no file was written where the run was told to write.
expect_eq "$(find "$TMP/jonly" -type f | wc -l)" 0 \
    "journal only: no native file"

expect_eq "$(find "$TMP/rec" -name '*.srec' | wc -l)" 1 \
    "one native file (from the run with both writers)"

# Both writers: the sealed file verifies, and has the journal's text.
f=$(find "$TMP/rec" -name '*.srec')
run_v=$("$SESSREC" verify "$f" 2>&1) || fail "verify: $run_v"
case $run_v in
CONSISTENT* | OK*) ;;
*) fail "verify of the native copy: $run_v" ;;
esac
both=$(basename "$f" .srec)
both=${both#*-}
expect_grep "$TMP/sr-$both.out" 'both writers' "journal copy of both"
"$SESSREC" cat -q "$f" >"$TMP/native.out" 2>&1
expect_grep "$TMP/native.out" 'both writers' "native copy of both"

# The shipped SIEM events.
for type in session_start session_end; do
	e=$(jq -c "select(.SESSREC_TYPE == \"$type\")" "$TMP/all.json")
	[ -n "$e" ] || {
		fail "no $type event in the journal"
		continue
	}
	expect_eq "$(printf '%s' "$e" | jq -r .SESSREC_TICKET)" CHG-7 \
	    "$type: SESSREC_TICKET"
	expect_eq "$(printf '%s' "$e" | jq -r .SESSREC_ACTOR)" "$(id -un)" \
	    "$type: SESSREC_ACTOR"
	expect_eq "$(printf '%s' "$e" | jq -r '.MESSAGE | fromjson | .type')" \
	    "$type" "$type: MESSAGE type"
	expect_eq "$(printf '%s' "$e" | jq -r '.MESSAGE | fromjson | .session_id')" \
	    "$only" "$type: MESSAGE session_id"
done
finish
