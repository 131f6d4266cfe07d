#!/bin/sh
# SPDX-License-Identifier: ISC
# sessrec export: asciicast v2/v3, tlog JSON and SIEM NDJSON.  Every
# sample format is converted and played back by the real tools
# (asciinema cat, tlog-play) where they are installed; what they write
# must render (sessrec cat) like the source.  SIEM fields come from a
# real recording made here with sessrec record -i in a pty (script(1)).
. "$SR_SRCDIR/tests/lib.sh"
S=$(samples_with_modes)
D=$SR_DATA

# Goldens: exact output for a few conversions.
step cast-tlog 0 export "$D/tlog/pty-input-resize.json"
step cast3-sudo 0 export -f asciicast-v3 \
    "$S/sudo-io/sudoers-uncompressed/00/00/01"
step tlog-cast 0 export -f tlog "$S/asciicast/v2-title-idle-append.cast"
step tlog-payload 0 export -f tlog --payload 128 "$S/script/script-adv.tm"
step siem-native 0 export -f siem "$D/native/small.srec"
step siem-ecs 0 export -f siem --ecs "$D/native/small.srec"
step cast-lossy 0 export "$S/asciicast/v2-invalid-utf8.cast"

# Usage and bad input.
step usage 2 export
step bad-format 2 export -f mp4 "$D/native/small.srec"
step ecs-not-siem 2 export --ecs "$D/native/small.srec"
step two-for-cast 2 export --source "$S/sudo-io/sudoers-compressed" \
    000001 000002
step no-session 4 export --source "$S/sudo-io/sudoers-compressed" 999999
step bad-warn 0 export -f tlog "$D/bad/tlog-invalid-json.json"
step bad-header 3 export "$D/bad/asciicast-header-not-json.cast"
step bad-gz 3 export -f siem "$D/bad/sudo-timing-gz-truncated"
step bad-cap 2 export -f siem --output-cap x "$D/native/small.srec"

# -o: a new file, never over an existing one without --force.
run 0 export -o "$TMP/o.cast" "$D/native/small.srec"
cp "$TMP/o.cast" "$TMP/o.first"
run 2 export -o "$TMP/o.cast" -f tlog "$D/native/small.srec"
expect_grep "$TMP/err" "exists \\(use --force" "-o: refuses to overwrite"
cmp -s "$TMP/o.cast" "$TMP/o.first" || fail "-o: existing file changed"
run 0 export -o "$TMP/o.cast" --force -f tlog "$D/native/small.srec"
expect_grep "$TMP/o.cast" '^\{"ver":"2.3"' "--force: replaced"
n=$(find "$TMP" -maxdepth 1 -name 'o.cast.*' | wc -l)
expect_eq "$n" 0 "-o: no temporary file left"
run 3 export -o "$TMP/bad.cast" "$D/bad/asciicast-header-not-json.cast"
expect_grep "$TMP/err" "asciicast-header-not-json.cast': unrecognized" \
    "bad input: names file and line"
[ -e "$TMP/bad.cast" ] && fail "bad input: output file created"

# cat_of FILE OUT: sessrec cat of FILE, runs of U+FFFD squeezed: textview
# draws an invalid sequence as one, asciinema and tlog-play's bytes
# decoded by Python give one per maximal invalid subpart.
cat_of() {
	"$SESSREC" cat "$1" 2>"$2.err" | sed 's/\(\xef\xbf\xbd\)\{2,\}/\xef\xbf\xbd/g' \
	    >"$2" || fail "cat $1: $(cat "$2.err")"
}

# wrap RAW CAST: a player's bytes (less tlog-play's trailer) as one
# asciicast output event, so sessrec cat renders them.
wrap() {
	printf '{"version": 2, "width": 80, "height": 24}\n' >"$2"
	python3 - "$1" >>"$2" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
trailer = b"\x1b[0m\x1b[?25h\n\x00"
if data.endswith(trailer):
    data = data[: -len(trailer)]
print(json.dumps([0.0, "o", data.decode("utf-8", "replace")]))
PY
}

command -v python3 >/dev/null || skip "no python3"
have_asciinema=0
if command -v asciinema >/dev/null && command -v script >/dev/null; then
	have_asciinema=1
else
	echo "NOTE: asciinema or script missing: no asciinema playback"
fi
have_tlog=0
if command -v tlog-play >/dev/null; then
	have_tlog=1
	mkfifo "$TMP/idle"
else
	echo "NOTE: tlog-play missing: no tlog playback"
fi

for src in "$S/tlog/pty-input-resize.json" "$S/tlog/pipe-binary.json" \
    "$S/tlog/split-utf8-payload128.json" \
    "$S/sudo-io/sudoers-uncompressed/00/00/01" \
    "$S/sudo-io/sudoers-uncompressed/00/00/03" \
    "$S/sudo-io/sudoers-compressed/00/00/01" \
    "$S/asciicast/v2-title-idle-append.cast" \
    "$S/asciicast/v2-input-password.cast" "$S/asciicast/v3-handmade.cast" \
    "$S/script/script-classic.tm" "$S/script/script-adv.tm" \
    "$S/ttyrec/basic.ttyrec" "$D/native/small.srec" "$D/native/chunks.srec"; do
	name=$(echo "${src#"$S"/}" | tr '/' '_')
	cat_of "$src" "$TMP/want.txt"
	# Our own reader reads every export back to the same text.
	for f in asciicast asciicast-v3 tlog; do
		run 0 export -q --force -f "$f" -o "$TMP/x.$f" "$src"
		cat_of "$TMP/x.$f" "$TMP/got.txt"
		cmp -s "$TMP/want.txt" "$TMP/got.txt" ||
		    fail "$name: $f export reads back differently:" \
			"$(diff "$TMP/want.txt" "$TMP/got.txt" | head -5)"
	done
	if [ "$have_asciinema" = 1 ]; then
		sr_steps=$((sr_steps + 1))
		cp "$TMP/x.asciicast" "$TMP/a.cast"
		if ! (cd "$TMP" && TERM=xterm timeout 60 script -qec \
		    "asciinema cat a.cast" /dev/null) >"$TMP/ac.raw" \
		    2>"$TMP/ac.err" </dev/null; then
			fail "$name: asciinema cat failed: $(head -c 300 "$TMP/ac.err")"
		fi
		grep -q Traceback "$TMP/ac.raw" &&
		    fail "$name: asciinema cat: $(head -c 300 "$TMP/ac.raw")"
		wrap "$TMP/ac.raw" "$TMP/ac.cast"
		cat_of "$TMP/ac.cast" "$TMP/got.txt"
		cmp -s "$TMP/want.txt" "$TMP/got.txt" ||
		    fail "$name: asciinema cat renders differently:" \
			"$(diff "$TMP/want.txt" "$TMP/got.txt" | head -5)"
	fi
	if [ "$have_tlog" = 1 ]; then
		sr_steps=$((sr_steps + 1))
		if ! timeout 60 tlog-play -i "$TMP/x.tlog" 8<>"$TMP/idle" \
		    <&8 8<&- >"$TMP/tp.raw" 2>"$TMP/tp.err" ||
		    [ -s "$TMP/tp.err" ]; then
			fail "$name: tlog-play: $(head -c 300 "$TMP/tp.err")"
		fi
		wrap "$TMP/tp.raw" "$TMP/tp.cast"
		cat_of "$TMP/tp.cast" "$TMP/got.txt"
		# Output sent to a pipe (sudo's stdout) has bare LF, which
		# the wrapper no longer marks as such: compare the text only.
		cmp -s "$TMP/want.txt" "$TMP/got.txt" ||
		    fail "$name: tlog-play renders differently:" \
			"$(diff "$TMP/want.txt" "$TMP/got.txt" | head -5)"
	fi
done

# A real recording with input, made here in a pty.  Each line is typed
# only once the shell's prompt for it showed in the typescript (script -f
# writes it as it comes): typed ahead, two lines arrive together and one
# command's output lands on the next.  The prompt is set from $ENV (an
# interactive sh reads it; dash takes no PS1 from the environment), so
# that it can be told from output.
command -v script >/dev/null || skip "no script(1) for the pty"
mkdir "$TMP/rec"
mkfifo "$TMP/rec.in"
: >"$TMP/rec.ts"
printf "PS1='[t7001]\$ '\n" >"$TMP/rec.env"
(
	ENV=$TMP/rec.env SSH_CONNECTION='198.51.100.7 52345 10.0.0.1 22'
	export ENV SSH_CONNECTION
	exec timeout 120 script -qfec "'$SESSREC' record -i -q --actor alice \
	    --target db9 --ticket CHG-9 -o '$TMP/rec/' -- sh" "$TMP/rec.ts" \
	    <"$TMP/rec.in" >/dev/null 2>&1
) &
spid=$!
# Read-write, as for tlog-play above: the open does not wait for script,
# and a write cannot raise SIGPIPE if script is gone.
exec 3<>"$TMP/rec.in"
# The prompts the shell has written so far (raw output, CRs included).
prompts() {
	grep -a -o '\[t7001\]\$ ' "$TMP/rec.ts" 2>/dev/null | wc -l
}
script_gone() {
	! kill -0 "$spid" 2>/dev/null
}
# At least N prompts, or script is gone.
prompt_or_gone() {
	[ "$(prompts)" -ge "$1" ] || script_gone
}
# typeline N TEXT: types TEXT once the Nth prompt showed.
typeline() {
	wait_for 20 prompt_or_gone "$1" || :
	if [ "$(prompts)" -lt "$1" ]; then
		fail "record: prompt $1 never came before '$2'; the pty showed:"
		tr -d '\r' <"$TMP/rec.ts" | tail -5
	fi
	printf '%s\r' "$2" >&3
}
typeline 1 'echo hello-one'
typeline 2 'ls -d /tmp'
typeline 3 'export TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789'
typeline 4 'exit 3'
if ! wait_for 20 script_gone; then
	fail "record: the session did not end after exit 3"
	kill "$spid" 2>/dev/null || :
fi
wait "$spid" || :
exec 3>&-
rec=$(find "$TMP/rec" -name '*.srec' | head -1)
if [ -z "$rec" ]; then
	fail "sessrec record made no recording"
	finish
fi
run 0 export -f siem "$rec"
cp "$TMP/out" "$TMP/siem.json"
python3 - "$TMP/siem.json" >"$TMP/siem.check" 2>&1 <<'PY' ||
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
bad = []
def want(c, k, v=None):
    if k not in c or (v is not None and c[k] != v):
        bad.append("%s: %s=%r, want %r" % (c.get("type"), k, c.get(k), v))
types = [e["type"] for e in ev]
if types[0] != "session_start" or types[-1] != "session_end":
    bad.append("order: %r" % types)
for e in ev:
    for k, v in (("actor", "alice"), ("src_ip", "198.51.100.7"),
                 ("src_port", 52345), ("target", "db9"),
                 ("ticket", "CHG-9"), ("format", "sessrec")):
        want(e, k, v)
    for k in ("time", "host", "session_id", "user", "tty", "recording"):
        want(e, k)
    if not e["time"].endswith("Z") or len(e["time"]) != 24:
        bad.append("time %r" % e["time"])
cmds = {e["command"]: e for e in ev if e["type"] == "command"}
for c in ("echo hello-one", "ls -d /tmp", "exit 3"):
    if c not in cmds:
        bad.append("command %r missing: %r" % (c, list(cmds)))
if "echo hello-one" in cmds:
    want(cmds["echo hello-one"], "tty_output", "hello-one")
    want(cmds["echo hello-one"], "tty_output_truncated", False)
    want(cmds["echo hello-one"], "command_source", "input")
if "ls -d /tmp" in cmds:
    want(cmds["ls -d /tmp"], "tty_output", "/tmp")
want(ev[-1], "exit_status", 3)
want(ev[-1], "state", "complete")
want(ev[-1], "duration_ms")
if "ghp_abc" in open(sys.argv[1]).read():
    bad.append("secret not redacted")
if "[REDACTED:" not in open(sys.argv[1]).read():
    bad.append("no redaction mark")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
    fail "siem fields: $(cat "$TMP/siem.check")"
sr_steps=$((sr_steps + 1))

# Redaction off (root may), output cap, ECS names.
run 0 export -f siem --no-redact "$rec"
expect_grep "$TMP/out" 'TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789' \
    "--no-redact keeps the secret"
run 0 export -f siem --output-cap 3 "$rec"
expect_grep "$TMP/out" '"tty_output":"hel","tty_output_truncated":true' \
    "--output-cap 3"
run 0 export -f siem --ecs "$rec"
for k in '"@timestamp":"' '"event":\{"kind":"event","category":\["session"\]' \
    '"user":\{"name":"alice"\}' '"source":\{"ip":"198.51.100.7","port":52345\}' \
    '"host":\{"hostname":"' '"destination":\{"address":"db9"\}' \
    '"process":\{"command_line":"ls -d /tmp"' '"exit_code":3' \
    '"labels":\{"ticket":"CHG-9"\}' '"sessrec":\{"session_id":"'; do
	expect_grep "$TMP/out" "$k" "ecs: $k"
done

# --ship: each event as one RFC 5424 datagram on a socket we bind.
cat >"$TMP/recv.py" <<'PY'
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[2], "wb") as out:
    try:
        while True:
            d = s.recv(1 << 20)
            out.write(d + b"\n")
            out.flush()
            if b"session_end" in d:
                break
    except socket.timeout:
        pass
PY
python3 "$TMP/recv.py" "$TMP/log.sock" "$TMP/dgrams" &
rpid=$!
wait_for 10 test -e "$TMP/log.sock.ready" || :
run 0 export --ship syslog --ship-socket "$TMP/log.sock" "$rec"
wait "$rpid" || :
expect_grep "$TMP/dgrams" '^<[0-9]+>1 [^ ]+ [^ ]+ sessrec [0-9]+ session_start \[sessrec@32473 ' \
    "ship: RFC 5424 header"
expect_grep "$TMP/dgrams" 'actor="alice"' "ship: actor as SD"
expect_grep "$TMP/dgrams" 'src_ip="198.51.100.7"' "ship: src_ip as SD"
expect_grep "$TMP/dgrams" '"command":"ls -d /tmp"' "ship: command event"
n=$(grep -c 'sessrec@32473' "$TMP/dgrams" || :)
expect_eq "$n" "$(wc -l <"$TMP/siem.json")" "ship: one datagram per event"
[ -s "$TMP/out" ] && fail "ship: wrote to stdout: $(head -c 200 "$TMP/out")"
step ship-not-siem 2 export -f tlog --ship syslog "$rec"

# --follow: an asciicast file written slowly by a background writer.
printf '{"version": 2, "width": 80, "height": 24}\n' >"$TMP/grow.cast"
(
	for i in 1 2 3 4 5; do
		sleep 0.4
		printf '[%s.5, "o", "line %s\\r\\n"]\n' "$i" "$i" >>"$TMP/grow.cast"
	done
) &
wpid=$!
"$SESSREC" export -f tlog --follow "$TMP/grow.cast" >"$TMP/follow.out" \
    2>"$TMP/follow.err" &
fpid=$!
wait "$wpid"
wait_for 10 grep -q 'line 5' "$TMP/follow.out" || :
sleep 0.3
kill -INT "$fpid" 2>/dev/null || :
wait "$fpid"
frc=$?
expect_eq "$frc" 0 "--follow: exit status after SIGINT"
for i in 1 2 3 4 5; do
	expect_grep "$TMP/follow.out" "line $i" "--follow: line $i"
done
n=$(grep -o 'line [0-9]' "$TMP/follow.out" | wc -l)
expect_eq "$n" 5 "--follow: each line once"
if [ "$have_tlog" = 1 ]; then
	timeout 30 tlog-play -i "$TMP/follow.out" 8<>"$TMP/idle" <&8 8<&- \
	    >/dev/null 2>"$TMP/tp.err" || fail "--follow output: tlog-play:" \
	    "$(head -c 300 "$TMP/tp.err")"
fi
# One output event of 20,000 bytes (and 3,000 control bytes, escaped to
# 6 each): whole in asciicast and tlog, nothing dropped.
python3 - >"$TMP/big.cast" <<'PY'
import json
print(json.dumps({"version": 2, "width": 80, "height": 24}))
print(json.dumps([0.5, "o", "x" * 20000 + "\x01" * 3000 + "\n"]))
print(json.dumps([0.6, "o", "end-marker\n"]))
PY
for f in asciicast tlog; do
	run 0 export -f "$f" "$TMP/big.cast"
	expect_grep "$TMP/out" 'end-marker' "export -f $f: a 23,000-byte event"
	sr_steps=$((sr_steps + 1))
	[ "$(tr -cd x <"$TMP/out" | wc -c)" -ge 20000 ] ||
	    fail "export -f $f: the 20,000 x are not all there"
done
finish
