#!/bin/sh
# SPDX-License-Identifier: ISC
# `sessrec record` under faults (issue 3 item 5; SECURITY.md §3, T6, T8,
# T9): the disk fills up (a 256 KiB tmpfs in a private mount namespace;
# root only), the recorder is SIGKILLed at random moments (N=30, or 500
# with SR_TORTURE=1; SR_SEED=N repeats a run), and the writer is slowed
# down by an LD_PRELOAD shim (helpers/slowwrite.c) while a lot of output
# goes through: nothing may be lost and memory must stay bounded.
. "$SR_SRCDIR/tests/lib.sh"
command -v zstd >/dev/null || skip "zstd not installed"
command -v python3 >/dev/null || skip "python3 not installed"
command -v pgrep >/dev/null || skip "pgrep not installed"

HELPERS=$SR_SRCDIR/tests/integ/helpers
SRJSON="python3 $HELPERS/srjson.py"
unset SESSREC_TICKET SSH_CONNECTION SSH_CLIENT
trap 'jobs -p | xargs -r kill -9 2>/dev/null; rm -rf "$TMP"' EXIT

proc_state() {
	sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" \
	    2>/dev/null || :
}
gone() {
	case $(proc_state "$1") in
	'' | Z | X) return 0 ;;
	esac
	return 1
}
alive() {
	! gone "$1"
}

# check_readable FILE WHAT STATE: zstd -t, the tlog conventions of the
# JSON inside and the real tlog-play on it, cat and info --json (exit
# 0), the state; leaves the info in $TMP/info and the JSON in $TMP/json.
check_readable() {
	sr_steps=$((sr_steps + 1))
	zstd -q -t "$1" 2>"$TMP/zstd.err" ||
	    fail "$2: zstd -t: $(head -c 300 "$TMP/zstd.err")"
	zstd -q -dc "$1" >"$TMP/json" 2>/dev/null || :
	sr_steps=$((sr_steps + 1))
	if ! $SRJSON check "$TMP/json" >"$TMP/check.out" 2>&1; then
		fail "$2: tlog conventions broken in the JSON:"
		head -5 "$TMP/check.out"
	fi
	if command -v tlog-play >/dev/null; then
		sr_steps=$((sr_steps + 1))
		[ -p "$TMP/idle" ] || mkfifo "$TMP/idle"
		if ! timeout 60 tlog-play -i "$TMP/json" 8<>"$TMP/idle" <&8 \
		    8<&- >/dev/null 2>"$TMP/play.err"; then
			fail "$2: tlog-play rejects zstd -dc output:" \
			    "$(head -c 300 "$TMP/play.err")"
		fi
	fi
	run 0 cat "$1"
	cp "$TMP/out" "$TMP/cat"
	run 0 info --json "$1"
	cp "$TMP/out" "$TMP/info"
	expect_grep "$TMP/info" "\"state\":\"$3\"" "$2: state"
}

# ---------------------------------------------------------------------
# T6: disk full.  A tmpfs lives only in its mount namespace, so the
# script inside copies the recording out before it ends.
# diskfull NAME MOUNT-OPTIONS SETUP RECORD-OPTIONS COMMAND
diskfull() {
	d=$TMP/$1
	mkdir -p "$d/mnt" "$d/out"
	cat >"$d/run.sh" <<EOS
mount -t tmpfs -o $2 tmpfs "$d/mnt" || exit 99
$3
"$SESSREC" record $4 -o "$d/mnt/rec/" -- sh -c '$5' \
    </dev/null >/dev/null 2>"$d/stderr"
echo \$? >"$d/rc"
for f in "$d"/mnt/rec/*.srec; do
	[ -f "\$f" ] || continue
	stat -c %a "\$f" >"$d/mode"
	cp "\$f" "$d/out/"
done
EOS
	timeout 300 unshare -m sh "$d/run.sh"
	[ "$?" -ne 99 ] || return 2
	f=$(find "$d/out" -name '*.srec' | head -1)
	rc=$(cat "$d/rc" 2>/dev/null || echo none)
}

case_diskfull() {
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
		echo "NOTE: disk-full cases skipped (need root and unshare)"
		return 0
	fi
	# Fail-closed (the default).
	diskfull full 'size=256k' ':' '' \
	    'head -c 20000000 /dev/urandom | base64'
	if [ $? -eq 2 ]; then
		echo "NOTE: cannot mount a tmpfs here; disk-full cases skipped"
		return 0
	fi
	expect_eq "$rc" 125 "disk full: exit status"
	expect_grep "$TMP/full/stderr" 'No space left' "disk full: message"
	sr_steps=$((sr_steps + 1))
	if [ -z "$f" ]; then
		fail "disk full: no recording left behind"
		return 1
	fi
	expect_eq "$(cat "$TMP/full/mode")" 440 "disk full: sealed file mode"
	check_readable "$f" "disk full" complete
	expect_grep "$TMP/info" '"extras":\{.*"[^"]*end[^"]*":"write-error"' \
	    "disk full: end reason in info extras"
	$SRJSON end "$TMP/json" >"$TMP/end"
	expect_grep "$TMP/end" '^write-error ' "disk full: sr_end"

	# --on-error continue, the disk never recovers: the command runs to
	# its end; the loss is declared (a gap mark, or bytes_lost).
	diskfull cont 'size=256k' ':' '--on-error continue' \
	    'head -c 20000000 /dev/urandom | base64; echo cont-done'
	expect_eq "$rc" 0 "disk full, continue: exit status"
	sr_steps=$((sr_steps + 1))
	if [ -z "$f" ]; then
		fail "disk full, continue: no recording left behind"
	else
		check_readable "$f" "disk full, continue" complete
		sr_steps=$((sr_steps + 1))
		grep -q '"sr_mark":"gap"' "$TMP/json" ||
		    grep -E -q '"[^"]*bytes_lost":"?[1-9]' "$TMP/info" ||
		    fail "disk full, continue: no gap mark and no bytes_lost" \
		    "in: $(head -c 600 "$TMP/info")"
	fi

	# --on-error continue, space comes back (a filler file is removed
	# mid-session): the recording must go on after a gap mark.
	diskfull gap 'size=1m' "head -c 700k /dev/zero >\"$TMP/gap/mnt/filler\"" \
	    '--on-error continue' \
	    "head -c 3000000 /dev/urandom | base64; sleep 2; rm -f $TMP/gap/mnt/filler; sleep 3; echo after-the-gap"
	expect_eq "$rc" 0 "disk recovers: exit status"
	sr_steps=$((sr_steps + 1))
	if [ -z "$f" ]; then
		fail "disk recovers: no recording left behind"
		return 1
	fi
	check_readable "$f" "disk recovers" complete
	expect_grep "$TMP/json" '"sr_mark":"gap"' "disk recovers: gap mark"
	expect_grep "$TMP/json" '"sr_detail":"bytes=[1-9]' \
	    "disk recovers: gap size"
	expect_grep "$TMP/cat" 'after-the-gap' "disk recovers: later output"
	expect_grep "$TMP/info" '"marker":[1-9]' "disk recovers: info marker"
}

# ---------------------------------------------------------------------
# T9: SIGKILL at random moments.  The recording must be a readable
# prefix of what was printed, holding at least every line printed more
# than MARGIN s before the kill (1 s chunks, plus slack for a busy box;
# SR_KILL_MARGIN overrides it).
MARGIN=${SR_KILL_MARGIN:-1.5}
LOOP='i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.01; done'

kill_one() { # N SEED
	d=$TMP/k$1
	mkdir -p "$d"
	delay=$(awk -v s="$2" -v n="$1" \
	    'BEGIN { srand(s * 1000 + n); printf "%.2f", 0.2 + rand() * 2.8 }')
	"$SESSREC" record -q -o "$d/" -- sh -c "$LOOP" \
	    </dev/null >"$d/stdout" 2>"$d/stderr" &
	rp=$!
	early=$(awk -v d="$delay" -v m="$MARGIN" 'BEGIN { print (d > m) ? d - m : 0 }')
	floor=0
	if [ "$early" != 0 ]; then
		sleep "$early"
		floor=$(wc -l <"$d/stdout")
		sleep "$MARGIN"
	else
		sleep "$delay"
	fi
	kids=$(descendants "$rp" | tr '\n' ' ')
	sr_steps=$((sr_steps + 1))
	if gone "$rp"; then
		fail "kill $1: the recorder ended by itself within $delay s:" \
		    "$(head -3 "$d/stderr")"
		wait "$rp" || :
		return 1
	fi
	printed=$(wc -l <"$d/stdout")
	kill -9 "$rp"
	wait "$rp" 2>/dev/null || :
	# The command (and any helper) gets a hangup from the pty and goes.
	sr_steps=$((sr_steps + 1))
	for p in $kids; do
		if ! wait_for 10 gone "$p"; then
			fail "kill $1: $(ps -o pid,stat,args -p "$p" | tail -1)" \
			    "still there after the recorder died"
			kill -9 "$p" 2>/dev/null || :
		fi
	done
	f=$(find "$d" -name '*.srec' | head -1)
	if [ -z "$f" ]; then
		sr_steps=$((sr_steps + 1))
		[ "$printed" -eq 0 ] ||
		    fail "kill $1: $printed lines printed but no recording"
		return 0
	fi
	sr_steps=$((sr_steps + 1))
	if ! "$SESSREC" cat "$f" >"$d/cat" 2>"$d/cat.err"; then
		fail "kill $1 (after $delay s): sessrec cat $f failed:" \
		    "$(head -3 "$d/cat.err")"
		return 1
	fi
	sr_steps=$((sr_steps + 1))
	if ! k=$(python3 "$HELPERS/prefixcheck.py" "$d/cat" 2>&1); then
		fail "kill $1 (after $delay s): not a prefix: $k"
		return 1
	fi
	kill_checked=$((kill_checked + 1))
	[ "$floor" -eq 0 ] || kill_floored=$((kill_floored + 1))
	sr_steps=$((sr_steps + 1))
	if [ "$k" -lt "$floor" ]; then
		fail "kill $1 (after $delay s): recording has $k lines, but" \
		    "$floor were printed $MARGIN s before the kill ($printed at it)"
	fi
	sr_steps=$((sr_steps + 1))
	if ! "$SESSREC" info --json "$f" >"$d/info" 2>"$d/info.err"; then
		fail "kill $1: sessrec info failed: $(head -3 "$d/info.err")"
	elif ! grep -q '"state":"incomplete"' "$d/info"; then
		fail "kill $1: info does not say incomplete: $(head -c 300 "$d/info")"
	fi
	rm -rf "$d"
}

case_sigkill() {
	n=30
	[ "${SR_TORTURE:-0}" = 0 ] || n=500
	seed=${SR_SEED:-$$}
	echo "SIGKILL x $n, SR_SEED=$seed"
	before=$sr_failures
	kill_checked=0
	kill_floored=0
	i=1
	while [ "$i" -le "$n" ]; do
		kill_one "$i" "$seed" || :
		if [ $((sr_failures - before)) -ge 10 ]; then
			echo "too many failures, stopping at kill $i"
			break
		fi
		i=$((i + 1))
	done
	echo "SIGKILL: $kill_checked recordings checked, $kill_floored with" \
	    "lines printed over $MARGIN s before the kill"
}

# ---------------------------------------------------------------------
# T8: a slow writer (50 ms per write to the .srec): backpressure, no loss,
# bounded memory.
case_slow() {
	if ! command -v cc >/dev/null; then
		echo "NOTE: no cc; slow-writer case skipped"
		return 0
	fi
	if ldd "$SESSREC" 2>/dev/null | grep -q 'libasan'; then
		echo "NOTE: ASan build; the LD_PRELOAD shim cannot go first"
		return 0
	fi
	sr_steps=$((sr_steps + 1))
	if ! cc -shared -fPIC -o "$TMP/slowwrite.so" "$HELPERS/slowwrite.c" \
	    -ldl 2>"$TMP/cc.err"; then
		fail "cannot build the shim: $(head -5 "$TMP/cc.err")"
		return 1
	fi
	seq 1 300000 >"$TMP/seq"
	t0=$(date +%s)
	LD_PRELOAD=$TMP/slowwrite.so "$SESSREC" record -q -o "$TMP/slow/" \
	    -- seq 1 300000 </dev/null >"$TMP/slow.out" 2>"$TMP/slow.err" &
	rp=$!
	hwm=0
	n=0
	while alive "$rp" && [ "$n" -lt 3000 ]; do
		v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' \
		    "/proc/$rp/status" 2>/dev/null || :)
		[ -z "$v" ] || hwm=$v
		sleep 0.1
		n=$((n + 1))
	done
	if alive "$rp"; then
		fail "slow writer: still running after 300 s"
		kill -9 "$rp"
	fi
	set +e
	wait "$rp"
	rc=$?
	set -e
	echo "slow writer: $(($(date +%s) - t0)) s, VmHWM ${hwm} kB"
	expect_eq "$rc" 0 "slow writer: exit status"
	sr_steps=$((sr_steps + 1))
	[ "$hwm" -gt 0 ] && [ "$hwm" -lt 65536 ] ||
	    fail "slow writer: VmHWM $hwm kB, want < 64 MB"
	sr_steps=$((sr_steps + 1))
	tr -d '\r' <"$TMP/slow.out" | cmp -s - "$TMP/seq" ||
	    fail "slow writer: relayed output differs from seq 1 300000"
	f=$(find "$TMP/slow" -name '*.srec' | head -1)
	sr_steps=$((sr_steps + 1))
	if [ -z "$f" ]; then
		fail "slow writer: no recording"
		return 1
	fi
	check_readable "$f" "slow writer" complete
	sr_steps=$((sr_steps + 1))
	if ! tr -d '\r' <"$TMP/cat" | cmp -s - "$TMP/seq"; then
		fail "slow writer: sessrec cat differs from seq 1 300000:"
		tr -d '\r' <"$TMP/cat" | diff "$TMP/seq" - | head -5
	fi
	expect_no_grep "$TMP/json" '"sr_mark":"gap"' "slow writer: no gap"
}

# ---------------------------------------------------------------------
# SIGTERM the moment the command exists (T9): the recorder's handlers
# must already be there, so it still ends the command and seals.
no_sleep31() {
	! pgrep -f -x "sleep 31$$" >/dev/null
}

case_termstart() {
	i=1
	while [ "$i" -le 20 ]; do
		d=$TMP/ts$i
		mkdir -p "$d"
		# Python starts the recorder itself, to look for its first
		# child as fast as it can from the start; prints its status.
		D=$d python3 -c '
import os, signal, subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL, stderr=open(os.environ["D"] + "/stderr", "w"))
path = "/proc/%d/task/%d/children" % (p.pid, p.pid)
end = time.monotonic() + 20
while time.monotonic() < end:
    try:
        with open(path) as f:
            if f.read().split():
                p.send_signal(signal.SIGTERM)
                break
    except OSError:
        break
try:
    print(p.wait(timeout=20))
except subprocess.TimeoutExpired:
    p.kill()
    print("hung")
' "$SESSREC" record -q -o "$d/" -- sleep "31$$" >"$d/rc" 2>&1 || :
		sr_steps=$((sr_steps + 1))
		case $(cat "$d/rc") in
		-*) fail "termstart $i: the recorder died of signal $(cat "$d/rc")" ;;
		hung) fail "termstart $i: recorder still there 20 s after SIGTERM" ;;
		esac
		sr_steps=$((sr_steps + 1))
		if ! wait_for 10 no_sleep31; then
			fail "termstart $i: the command outlived the recorder"
			pkill -f -x "sleep 31$$" || :
		fi
		f=$(find "$d" -name '*.srec' | head -1)
		sr_steps=$((sr_steps + 1))
		if [ -z "$f" ]; then
			fail "termstart $i: no recording: $(head -c 300 "$d/stderr")"
		elif ! "$SESSREC" info --json "$f" >"$d/info" 2>&1 ||
		    ! grep -q '"state":"complete"' "$d/info"; then
			fail "termstart $i: not sealed: $(head -c 300 "$d/info")"
		fi
		i=$((i + 1))
	done
}

# SR_CASES="a b" runs only those cases.
for c in ${SR_CASES:-diskfull slow sigkill termstart}; do
	echo "== $c ($(date +%T))"
	"case_$c" || :
done
finish
