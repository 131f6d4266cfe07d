#!/bin/sh
# SPDX-License-Identifier: ISC
# Shipping events (lib/ship.c) to REAL daemons.
#
# syslog: a real rsyslogd on a test socket, parsing RFC 5424 on the local
# socket (imuxsock with useSpecialParser off, parseHostname on,
# ignoreTimestamp off) and writing each message twice: in
# RSYSLOG_SyslogProtocol23Format and as the properties rsyslog parsed,
# with mmpstrucdata splitting our structured data into fields.  Every
# field must arrive: PRI, timestamp, host, app, procid, msgid, each SD
# param (escaping round-trips), the JSON message; the default cap
# (8096 bytes) is rsyslog's default maxMessageSize; an rsyslogd restart
# between two events loses neither.
#
# journal: a real systemd-journald in a private mount namespace (its own
# tmpfs /run, volatile storage), read back with journalctl: every field,
# the binary-safe form for a value with a newline, the size cap.
#
# Events come from "sessrec export --ship" when export has it, and from
# tests/unit/test-ship --send (the library alone) always.
. "$SR_SRCDIR/tests/lib.sh"

SENDER=$SR_BUILDDIR/tests/unit/test-ship
[ -x "$SENDER" ] || skip "tests/unit/test-ship is not built"
command -v jq >/dev/null || skip "jq is missing"
host=$(hostname)
big=$(head -c 12000 /dev/zero | tr '\0' x)

# ---------------------------------------------------------------- syslog
if command -v rsyslogd >/dev/null; then
	rs=$TMP/rs
	mkdir -p "$rs"
	# No maxMessageSize: the default (8 KiB) must take our largest.
	cat >"$rs/test.conf" <<EOF
global(workDirectory="$rs")
module(load="imuxsock" sysSock.use="off")
module(load="mmpstrucdata")
input(type="imuxsock" socket="$rs/log.sock" unlink="on"
      useSpecialParser="off" parseHostname="on" ignoreTimestamp="off"
      rateLimit.interval="0")
template(name="props" type="list") {
	property(name="pri") constant(value="|")
	property(name="syslogfacility-text") constant(value="|")
	property(name="syslogseverity-text") constant(value="|")
	property(name="timereported" dateFormat="rfc3339") constant(value="|")
	property(name="hostname") constant(value="|")
	property(name="app-name") constant(value="|")
	property(name="procid") constant(value="|")
	property(name="msgid") constant(value="|")
	property(name="\$!rfc5424-sd!sessrec@32473")
	constant(value="|")
	property(name="msg") constant(value="\n")
}
action(type="mmpstrucdata")
action(type="omfile" file="$rs/out.log" template="RSYSLOG_SyslogProtocol23Format")
action(type="omfile" file="$rs/props.log" template="props")
EOF
	if ! rsyslogd -N1 -f "$rs/test.conf" >"$rs/check.out" 2>&1; then
		cat "$rs/check.out"
		fail "rsyslogd -N1 rejects the test config"
		finish
	fi
	rs_start() {
		rm -f "$rs/pid"
		rsyslogd -n -f "$rs/test.conf" -i "$rs/pid" 3>&- \
		    >>"$rs/rsyslogd.out" 2>&1 &
		rs_pid=$!
		wait_for 10 test -S "$rs/log.sock" ||
		    { cat "$rs/rsyslogd.out"; fail "rsyslogd did not start"; }
	}
	rs_stop() {
		kill "$rs_pid" 2>/dev/null || :
		wait "$rs_pid" 2>/dev/null || :
	}
	# At least N lines in both files once rsyslogd has written them (the
	# props.log action runs after the out.log one).
	rs_lines() {
		[ -f "$rs/out.log" ] && [ "$(wc -l <"$rs/out.log")" -ge "$1" ] &&
		    [ -f "$rs/props.log" ] &&
		    [ "$(wc -l <"$rs/props.log")" -ge "$1" ]
	}
	trap 'rs_stop; rm -rf "$TMP"' EXIT
	rs_start

	json='{"type":"session_start","actor":"alice","note":"q\"b\\\\s ] é€😀"}'
	"$SENDER" --send syslog "$rs/log.sock" session_start "$json" \
	    session_id=01JD7Q1V0R4M5N6P7Q8R9S0T1V actor=alice src_ip=192.0.2.7 \
	    'target=root@db1 "x\y]' ticket=CHG-1 host=bastion type=session_start \
	    2>"$TMP/send.err" || fail "send: $(cat "$TMP/send.err")"
	wait_for 10 rs_lines 1 || fail "rsyslogd wrote nothing"
	IFS='|' read -r pri fac sev ts h app procid msgid sd msg <"$rs/props.log"
	expect_eq "$pri" 86 "PRI"
	expect_eq "$fac" authpriv "facility"
	expect_eq "$sev" info "severity"
	case $ts in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z) ;;
	*) fail "timestamp not ours (UTC, microseconds): '$ts'" ;;
	esac
	expect_eq "$h" "$host" "hostname"
	expect_eq "$app" sessrec-test "app-name"
	case $procid in
	'' | *[!0-9]*) fail "procid '$procid'" ;;
	esac
	expect_eq "$msgid" session_start "msgid"
	for kv in session_id=01JD7Q1V0R4M5N6P7Q8R9S0T1V actor=alice \
	    src_ip=192.0.2.7 'target=root@db1 "x\y]' ticket=CHG-1 \
	    host=bastion type=session_start; do
		k=${kv%%=*}
		expect_eq "$(printf '%s' "$sd" | jq -r ".\"$k\"")" "${kv#*=}" \
		    "structured data $k"
	done
	expect_eq "$(printf '%s' "$sd" | jq -r 'has("truncated")')" false \
	    "no truncated flag"
	expect_eq "$msg" "$json" "message"
	expect_eq "$(printf '%s' "$msg" | jq -c .)" "$(printf '%s' "$json" | jq -c .)" \
	    "message is the JSON"
	expect_grep "$rs/out.log" \
	    '^<86>1 [^ ]+ [^ ]+ sessrec-test [0-9]+ session_start \[sessrec@32473 session_id="01JD7Q1V0R4M5N6P7Q8R9S0T1V" actor="alice" src_ip="192\.0\.2\.7" target="root@db1 \\"x\\\\y\\\]" ticket="CHG-1" host="bastion" type="session_start"\] \{' \
	    "RFC 5424 line as sent"

	# Over the cap: cut to exactly 8096 bytes, flagged, and rsyslogd
	# (default maxMessageSize) takes it whole.
	"$SENDER" --send syslog "$rs/log.sock" command "{\"x\":\"$big\"}" \
	    actor=alice 2>"$TMP/send.err" ||
	    fail "send big: $(cat "$TMP/send.err")"
	expect_grep "$TMP/send.err" 'cut to the 8096-byte cap' "cap warning"
	wait_for 10 rs_lines 2 || fail "big message not written"
	line2=$(sed -n 2p "$rs/out.log")
	expect_eq "$(printf '%s' "$line2" | wc -c)" 8096 "capped size kept"
	case $line2 in
	*'[sessrec@32473 actor="alice" truncated="1"] {"x":"xxx'*) ;;
	*) fail "truncated flag: $(printf '%s' "$line2" | head -c 200)" ;;
	esac
	expect_eq "$(sed -n 2p "$rs/props.log" | cut -d'|' -f9 | jq -r .truncated)" \
	    1 "truncated flag parsed"

	# A restart between two events of one sender: both arrive.  (A FIFO,
	# not a pipe: the restart must happen in this shell, which owns the
	# daemon.)
	mkfifo "$TMP/fifo"
	"$SENDER" --send syslog "$rs/log.sock" command - actor=bob \
	    <"$TMP/fifo" 2>"$TMP/send.err" &
	sender=$!
	exec 3>"$TMP/fifo"
	echo '{"n":1}' >&3
	wait_for 10 rs_lines 3 || fail "event before the restart lost"
	rs_stop
	rs_start
	echo '{"n":2}' >&3
	exec 3>&-
	wait "$sender" || fail "send across restart: $(cat "$TMP/send.err")"
	wait_for 10 rs_lines 4 || fail "event after the restart lost"
	expect_grep "$rs/out.log" 'actor="bob"\] \{"n":1\}$' "before restart"
	expect_grep "$rs/out.log" 'actor="bob"\] \{"n":2\}$' "after restart"

	# sessrec export --ship syslog, once export has it.
	if "$SESSREC" export --help 2>&1 | grep -q -- --ship-socket; then
		tl=$(ls "$SR_SAMPLES"/tlog/*.json 2>/dev/null | head -1)
		n0=$(wc -l <"$rs/out.log")
		if [ -n "$tl" ] &&
		    "$SESSREC" export -f siem --ship syslog \
		    --ship-socket "$rs/log.sock" "$tl" >"$TMP/exp.out" \
		    2>"$TMP/exp.err"; then
			wait_for 10 rs_lines $((n0 + 2)) || :
			tail -n +$((n0 + 1)) "$rs/props.log" >"$TMP/exp.props"
			expect_grep "$TMP/exp.props" \
			    '^86\|authpriv\|info\|[^|]+\|[^|]+\|sessrec\|[0-9]+\|session_start\|\{.*"session_id"' \
			    "export --ship: session_start with key fields"
			expect_grep "$TMP/exp.props" '\|session_end\|' \
			    "export --ship: session_end"
			cut -d'|' -f10- "$TMP/exp.props" | while read -r m; do
				printf '%s' "$m" | jq -e .type >/dev/null ||
				    echo "not JSON: $m"
			done >"$TMP/exp.bad"
			[ -s "$TMP/exp.bad" ] && fail "export --ship: $(head -3 "$TMP/exp.bad")"
			expect_eq "$(wc -c <"$TMP/exp.out")" 0 \
			    "export --ship: nothing on stdout"
		else
			fail "export --ship syslog: $(cat "$TMP/exp.err")"
		fi
	else
		echo "note: sessrec export has no --ship-socket yet"
	fi
	rs_stop
	trap 'rm -rf "$TMP"' EXIT
else
	echo "SKIP: rsyslogd is missing: syslog part not run"
fi

# --------------------------------------------------------------- journal
jd=
for p in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
	[ -x "$p" ] && jd=$p && break
done
if [ -n "$jd" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
    command -v journalctl >/dev/null; then
	printf '{"x":"%s"}' "$(head -c 70000 /dev/zero | tr '\0' x)" \
	    >"$TMP/big.json"
	# Runs inside the namespace: a private /run (journald's sockets and
	# volatile journal, a drop-in keeping it off /var/log/journal).
	cat >"$TMP/jd.sh" <<EOF
set -u
mount -t tmpfs tmpfs /run || exit 77
mkdir -p /run/systemd/journal /run/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\n' \
    >/run/systemd/journald.conf.d/sessrec-test.conf
"$jd" >"$TMP/jd.out" 2>&1 &
jp=\$!
n=0
while [ ! -S /run/systemd/journal/socket ] && [ \$n -lt 100 ]; do
	sleep 0.1; n=\$((n + 1))
done
"$SENDER" --send journal /run/systemd/journal/socket session_start \
    '{"type":"session_start","actor":"alice"}' session_id=S1 actor=alice \
    src-ip=192.0.2.7 'target=a"b]' ticket=CHG-1 host=bastion \
    type=session_start 2>"$TMP/j1.err" || echo "send 1 failed" >>"$TMP/j.fail"
"$SENDER" --send journal /run/systemd/journal/socket command \
    '{"x":1}' 'target=line1
line2' 2>"$TMP/j2.err" || echo "send 2 failed" >>"$TMP/j.fail"
"$SENDER" --send journal /run/systemd/journal/socket command \
    "\$(cat "$TMP/big.json")" \
    2>"$TMP/j3.err" || echo "send 3 failed" >>"$TMP/j.fail"
# journald stores the entries when it gets to them (and journalctl --sync
# needs a systemd PID 1): read until all three are there, about 20 s at
# most.
n=0
while :; do
	journalctl -D /run/log/journal -o json -a --no-pager \
	    SYSLOG_IDENTIFIER=sessrec-test >"$TMP/j.json" 2>"$TMP/jctl.err"
	[ \$(wc -l <"$TMP/j.json") -lt 3 ] && [ \$n -lt 200 ] || break
	sleep 0.1
	n=\$((n + 1))
done
kill \$jp
wait \$jp 2>/dev/null
exit 0
EOF
	unshare -m sh "$TMP/jd.sh"
	rc=$?
	if [ "$rc" = 77 ]; then
		echo "SKIP: cannot mount a private /run: journal part not run"
	else
		[ -f "$TMP/j.fail" ] && fail "journal: $(cat "$TMP/j.fail" \
		    "$TMP"/j?.err)"
		expect_eq "$(wc -l <"$TMP/j.json")" 3 "journal: three entries"
		j1=$(sed -n 1p "$TMP/j.json")
		for kv in PRIORITY=6 SYSLOG_FACILITY=10 \
		    SYSLOG_IDENTIFIER=sessrec-test SESSREC_MSGID=session_start \
		    SESSREC_SESSION_ID=S1 SESSREC_ACTOR=alice \
		    SESSREC_SRC_IP=192.0.2.7 'SESSREC_TARGET=a"b]' \
		    SESSREC_TICKET=CHG-1 SESSREC_HOST=bastion \
		    SESSREC_TYPE=session_start \
		    'MESSAGE={"type":"session_start","actor":"alice"}' \
		    _TRANSPORT=journal; do
			k=${kv%%=*}
			expect_eq "$(printf '%s' "$j1" | jq -r ".$k")" \
			    "${kv#*=}" "journal field $k"
		done
		j2=$(sed -n 2p "$TMP/j.json")
		expect_eq "$(printf '%s' "$j2" | jq -r .SESSREC_TARGET)" \
		    "$(printf 'line1\nline2')" "journal: newline in a value"
		j3=$(sed -n 3p "$TMP/j.json")
		expect_eq "$(printf '%s' "$j3" | jq -r .SESSREC_TRUNCATED)" 1 \
		    "journal: truncated flag"
		m3=$(printf '%s' "$j3" | jq -r .MESSAGE | wc -c)
		[ "$m3" -gt 60000 ] && [ "$m3" -le 65536 ] ||
		    fail "journal: capped MESSAGE is $m3 bytes"
		expect_grep "$TMP/j3.err" 'cut to the 65536-byte cap' \
		    "journal: cap warning"
	fi
else
	echo "SKIP: no systemd-journald, unshare or root: journal part not run"
fi
finish
