#!/bin/sh
# SPDX-License-Identifier: ISC
# `sessrec record` in real interactive sessions (issue 3, items 1-6 and 8):
# tmux gives the recorder a real outer terminal; keys are typed with
# send-keys and the screen is polled with capture-pane (never a bare
# sleep).  Each recording is then checked with sessrec info/cat/ls, the
# tlog JSON inside it (zstd -dc, helpers/srjson.py) and the real
# tlog-play.  Cases: typing, resize, Ctrl-Z/fg (in a recorded shell and of
# a recorded command), exit codes and signals, password prompts with
# --input (read -s, a raw-mode prompt, sudo), a full-screen program, no
# outer terminal, SIGTERM and SIGHUP to the recorder, the ticket policy
# and metadata.
. "$SR_SRCDIR/tests/lib.sh"
command -v tmux >/dev/null || skip "tmux not installed"
command -v zstd >/dev/null || skip "zstd not installed"
command -v python3 >/dev/null || skip "python3 not installed"
command -v pgrep >/dev/null || skip "pgrep not installed"

HELPERS=$SR_SRCDIR/tests/integ/helpers
SRJSON="python3 $HELPERS/srjson.py"
PY3=$(command -v python3)
ME=$(id -un)
# The actor is the login user when the kernel knows one, else the user.
LOGINUID=$(cat /proc/self/loginuid 2>/dev/null || echo 4294967295)
if [ "$LOGINUID" != 4294967295 ] && [ -n "$LOGINUID" ]; then
	ACTOR=$(getent passwd "$LOGINUID" | cut -d: -f1)
else
	ACTOR=$ME
fi
HOST=$(uname -n)
SUDO_USER_T=
SUDO_DROPIN=
STRAGGLER=
# Recording file names: start time, then a 26-character ULID.
NAME_RE='^[0-9]{8}T[0-9]{6}Z-[0-9A-HJKMNP-TV-Z]{26}\.srec$'
# Shell prompts: ours, or bash's default when something dropped PS1.
PROMPT='^(SR\$|bash-[0-9.]+[$#])'

unset TMUX SESSREC_TICKET SSH_CONNECTION SSH_CLIENT SSH_TTY SSH_USER_AUTH \
    LESS LESSOPEN \
    LESSCLOSE PROMPT_COMMAND

cleanup() {
	tmux -S "$TMP/tmux" kill-server 2>/dev/null || :
	if [ -n "$STRAGGLER" ]; then
		kill -KILL "$STRAGGLER" 2>/dev/null || :
	fi
	if [ -n "$SUDO_DROPIN" ]; then
		rm -f "$SUDO_DROPIN"
	fi
	if [ -n "$SUDO_USER_T" ]; then
		userdel -f -r "$SUDO_USER_T" >/dev/null 2>&1 || :
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

. "$SR_SRCDIR/tests/lib-tmux.sh"

# start NAME SCRIPT-BODY: runs the body (sh) in a new 100x30 session.
# (tmux does not pass PS1 on to panes.)
start() {
	{
		echo "PS1='SR\$ '; export PS1"
		cat
	} >"$TMP/$1.sh"
	tm new-session -d -s "$1" -x 100 -y 30 "sh $TMP/$1.sh"
}

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
stopped() {
	[ "$(proc_state "$1")" = T ]
}
running() {
	case $(proc_state "$1") in
	'' | Z | X | T | t) return 1 ;;
	esac
	return 0
}
nonempty() {
	[ -s "$1" ]
}

# sigmask FIELD PID SIG: signal number SIG is in the mask FIELD (SigCgt:
# caught, SigIgn: ignored) of /proc/PID/status; the low 32 bits are
# enough for the classic signals.
sigmask() {
	rr_m=$(sed -n "s/^$1:[[:space:]]*//p" "/proc/$2/status" 2>/dev/null)
	[ -n "$rr_m" ] || return 1
	rr_m=$(printf '%s\n' "$rr_m" | cut -c9-16)
	[ $(((0x$rr_m >> ($3 - 1)) & 1)) -eq 1 ]
}
catches() { # PID SIG
	sigmask SigCgt "$1" "$2"
}
ignores() { # PID SIG
	sigmask SigIgn "$1" "$2"
}

# recorder_ready PID TTY: the recorder PID catches SIGTERM and SIGTSTP
# and has put its outer terminal TTY in raw mode (-isig).  It starts the
# command before either, so seeing the command is not enough: a Ctrl-Z
# before would stop only the recorder, a SIGTERM would kill it outright.
recorder_ready() {
	catches "$1" 15 && catches "$1" 20 &&
	    stty -a -F "$2" 2>/dev/null | grep -Eq '(^|[ ;])-isig([ ;]|$)'
}

# wait_ready WHAT PID TTY: until recorder_ready (a counted check).
wait_ready() {
	sr_steps=$((sr_steps + 1))
	if [ -n "$2" ] && wait_for 20 recorder_ready "$2" "$3"; then
		return 0
	fi
	fail "$1: recorder '$2' never caught SIGTERM/SIGTSTP with $3 raw:" \
	    "$(grep '^Sig' "/proc/$2/status" 2>&1 | tr '\n' ' ')" \
	    "$(stty -a -F "$3" 2>&1 | grep -o -- '-*isig')"
	return 1
}

# wait_rc NAME [SECONDS]: sets rc to the exit status the wrapper wrote
# to rc.NAME ("none" when it never came).
wait_rc() {
	rc=none
	if wait_for "${2:-20}" nonempty "$TMP/rc.$1"; then
		rc=$(sed -n 's/^rc=//p' "$TMP/rc.$1")
	fi
}

# the_recording DIR: sets f to the one .srec in DIR (counted check).
# (Values come back in variables: a fail inside $(...) would be lost.)
the_recording() {
	sr_steps=$((sr_steps + 1))
	f=
	n=$(find "$1" -maxdepth 1 -name '*.srec' 2>/dev/null | wc -l)
	if [ "$n" -ne 1 ]; then
		fail "want one recording in $1, found $n: $(ls -la "$1" 2>&1)"
		return 1
	fi
	f=$(find "$1" -maxdepth 1 -name '*.srec')
}

# json_of FILE DEST: the tlog JSON inside a recording, checked against
# the tlog conventions of ISSUE3.md.
json_of() {
	sr_steps=$((sr_steps + 1))
	if ! zstd -q -t "$1" 2>"$TMP/zstd.err"; then
		fail "zstd -t rejects $1: $(cat "$TMP/zstd.err")"
	fi
	zstd -q -dc "$1" >"$2" 2>"$TMP/zstd.err" ||
	    fail "zstd -dc $1: $(cat "$TMP/zstd.err")"
	if ! $SRJSON check "$2" >"$TMP/check.out" 2>&1; then
		fail "tlog conventions broken in $1:"
		head -10 "$TMP/check.out"
	fi
}

# info_json FILE DEST: sessrec info --json FILE into DEST.
info_json() {
	run 0 info --json "$1"
	cp "$TMP/out" "$2"
}

# sealed FILE WHAT: mode 0440 and state complete.
sealed() {
	expect_eq "$(stat -c %a "$1" 2>/dev/null)" 440 "$2: file mode"
	info_json "$1" "$TMP/sealed.info"
	expect_grep "$TMP/sealed.info" '"state":"complete"' "$2: state"
}

# tlog_play JSON OUT: the real tlog-play; its stdin an idle pipe (a FIFO
# opened read-write: no data, never EOF), as it wants a tty or quiet.
tlog_play() {
	sr_steps=$((sr_steps + 1))
	if ! command -v tlog-play >/dev/null; then
		echo "NOTE: tlog-play not installed, not replaying $1"
		return 0
	fi
	set +e
	[ -p "$TMP/idle" ] || mkfifo "$TMP/idle"
	timeout 40 tlog-play -i "$1" 8<>"$TMP/idle" <&8 8<&- >"$2" 2>"$2.err"
	sr_tp=$?
	set -e
	if [ "$sr_tp" -ne 0 ] || [ -s "$2.err" ]; then
		fail "tlog-play -i $1: exit $sr_tp: $(head -c 400 "$2.err")"
	fi
}

# ---------------------------------------------------------------------
# Typing: a recorded shell, a command, exit 3.
case_typing() {
	start typing <<EOS
"$SESSREC" record -q -o "$TMP/rec/" -- bash --norc --noprofile
echo rc=\$? >"$TMP/rc.typing"
EOS
	wait_pane typing "$PROMPT" || return 1
	typeline typing 'echo hello-rec'
	wait_pane typing '^hello-rec$' || return 1
	typeline typing 'exit 3'
	wait_rc typing
	expect_eq "$rc" 3 "typing: exit status of the record"

	expect_eq "$(stat -c %a "$TMP/rec" 2>/dev/null)" 700 \
	    "typing: recording directory mode"
	the_recording "$TMP/rec" || return 1
	expect_eq "$(stat -c %a "$f")" 440 "typing: sealed file mode"
	name=$(basename "$f")
	sr_steps=$((sr_steps + 1))
	echo "$name" | grep -E -q "$NAME_RE" ||
	    fail "typing: file name $name does not match $NAME_RE"
	id=${name#*-}
	id=${id%.srec}

	info_json "$f" "$TMP/typing.info"
	for want in '"format":"sessrec"' '"exit_status":3' \
	    '"rows":30,"cols":100' '"state":"complete"' "\"actor\":\"$ACTOR\"" \
	    '"command":"[^"]*bash[^"]*--norc' "\"session_id\":\"$id\"" \
	    "\"target\":\"$HOST\"" "\"host\":\"$HOST\""; do
		expect_grep "$TMP/typing.info" "$want" "typing: info"
	done
	# The name carries the start time.
	st=$(sed -n 's/.*"start":"\([^"]*\)".*/\1/p' "$TMP/typing.info" |
	    tr -d ':-')
	expect_eq "${name%%-*}" "$st" "typing: file name time vs start"

	run 0 cat "$f"
	expect_grep "$TMP/out" '^hello-rec *$' "typing: cat"
	run 0 ls --json --source "$TMP/rec"
	expect_grep "$TMP/out" "\"session_id\":\"$id\"" "typing: ls"
	expect_grep "$TMP/out" '"format":"sessrec"' "typing: ls format"

	json_of "$f" "$TMP/typing.json"
	$SRJSON meta "$TMP/typing.json" >"$TMP/typing.meta"
	expect_grep "$TMP/typing.meta" "^sr_session_id=$id$" "typing: sr_ keys"
	expect_grep "$TMP/typing.meta" "^sr_actor=$ACTOR$" "typing: sr_actor"
	$SRJSON end "$TMP/typing.json" >"$TMP/typing.end"
	expect_grep "$TMP/typing.end" '^exit 3$' "typing: sr_end, sr_status"
	# Input is off by default.
	$SRJSON in "$TMP/typing.json" >"$TMP/typing.in"
	sr_steps=$((sr_steps + 1))
	[ ! -s "$TMP/typing.in" ] ||
	    fail "typing: input recorded without --input: $(head -c 200 \
	    "$TMP/typing.in")"
	tlog_play "$TMP/typing.json" "$TMP/typing.play"
	expect_grep "$TMP/typing.play" 'hello-rec' "typing: tlog-play output"
}

# ---------------------------------------------------------------------
# Resize: the window grows mid-session; the command sees it, the
# recording has it.
stty_size_is() { # NAME WANT
	typeline "$1" 'stty size'
	wait_for 3 pane_has "$1" "^$2\$" 1
}

case_resize() {
	start resize <<EOS
"$SESSREC" record -q -o "$TMP/rs/" -- bash --norc --noprofile
echo rc=\$? >"$TMP/rc.resize"
EOS
	wait_pane resize "$PROMPT" || return 1
	typeline resize 'stty size'
	wait_pane resize '^30 100$' || return 1
	tm resize-window -t resize -x 120 -y 40
	# The size reaches the inner pty asynchronously: ask a few times.
	sr_steps=$((sr_steps + 1))
	n=0
	until stty_size_is resize '40 120'; do
		n=$((n + 1))
		if [ "$n" -ge 5 ]; then
			fail "resize: the command never saw 40 120; screen:"
			pane resize | grep -v '^$' | tail -8
			break
		fi
	done
	typeline resize 'exit'
	wait_rc resize
	expect_eq "$rc" 0 "resize: exit status"
	the_recording "$TMP/rs" || return 1
	info_json "$f" "$TMP/resize.info"
	expect_grep "$TMP/resize.info" '"duration_ns":[0-9]+,"rows":30,"cols":100' \
	    "resize: initial geometry"
	expect_grep "$TMP/resize.info" '"resize":[1-9]' "resize: event count"
	expect_grep "$TMP/resize.info" '"resizes":\[.*"rows":40,"cols":120' \
	    "resize: 120x40 event"
	run 0 info "$f"
	expect_grep "$TMP/out" '^resize .* 120x40' "resize: info text"
	json_of "$f" "$TMP/resize.json"
	tlog_play "$TMP/resize.json" "$TMP/resize.play"
}

# ---------------------------------------------------------------------
# Ctrl-Z and fg inside a recorded shell.
case_jobctl_inner() {
	start jci <<EOS
"$SESSREC" record -q -o "$TMP/jci/" -- bash --norc --noprofile
echo rc=\$? >"$TMP/rc.jci"
EOS
	wait_pane jci "$PROMPT" || return 1
	typeline jci 'sleep 101'
	sr_steps=$((sr_steps + 1))
	if ! wait_for 20 pgrep -x -f 'sleep 101' >/dev/null; then
		fail "jobctl-inner: sleep 101 never started"
		return 1
	fi
	sp=$(pgrep -x -f 'sleep 101' | head -1)
	tm send-keys -t jci C-z
	wait_pane jci 'Stopped.*sleep 101' || return 1
	sr_steps=$((sr_steps + 1))
	wait_for 10 stopped "$sp" || fail "jobctl-inner: sleep not stopped"
	typeline jci 'jobs'
	wait_pane jci 'Stopped.*sleep 101' 2 || return 1
	typeline jci 'fg'
	sr_steps=$((sr_steps + 1))
	wait_for 10 running "$sp" ||
	    fail "jobctl-inner: fg did not resume sleep ($(proc_state "$sp"))"
	tm send-keys -t jci C-c
	sr_steps=$((sr_steps + 1))
	wait_for 10 gone "$sp" || fail "jobctl-inner: C-c did not end sleep"
	typeline jci 'echo after-fg-$((6*7))'
	wait_pane jci '^after-fg-42$' || return 1
	typeline jci 'exit 0'
	wait_rc jci
	expect_eq "$rc" 0 "jobctl-inner: exit status"
	the_recording "$TMP/jci" || return 1
	sealed "$f" "jobctl-inner"
}

# tty_cooked NAME WHAT: the outer terminal is back in cooked mode (the
# recorder restored it).
tty_cooked() {
	typeline "$1" \
	    "stty -a | grep -q ' icanon ' && stty -a | grep -q ' echo ' && echo tty-is-cooked || echo tty-is-raw"
	wait_pane "$1" '^tty-is-(cooked|raw)$' || return 1
	sr_steps=$((sr_steps + 1))
	pane_has "$1" '^tty-is-cooked$' 1 ||
	    fail "$2: the outer terminal was left in raw mode"
}

# Ctrl-Z of a recorded command, from an outer interactive shell: the
# recorder stops as a job of the outer shell and comes back with fg.
case_jobctl_outer() {
	start jco <<EOS
exec bash --norc --noprofile
EOS
	wait_pane jco "$PROMPT" || return 1
	typeline jco "\"$SESSREC\" record -q -o \"$TMP/jco/\" -- sleep 102"
	sr_steps=$((sr_steps + 1))
	if ! wait_for 20 pgrep -x -f 'sleep 102' >/dev/null; then
		fail "jobctl-outer: sleep 102 never started"
		return 1
	fi
	sp=$(pgrep -x -f 'sleep 102' | head -1)
	# The recorder is the outer shell's job (sleep's parent is the
	# pty's monitor process, below it).
	sh=$(tm display -p -t jco '#{pane_pid}')
	rp=$(pgrep -P "$sh" | head -1)
	wait_ready jobctl-outer "$rp" \
	    "$(tm display -p -t jco '#{pane_tty}')" || return 1
	tm send-keys -t jco C-z
	wait_pane jco 'Stopped' || return 1
	sr_steps=$((sr_steps + 1))
	wait_for 10 stopped "$rp" ||
	    fail "jobctl-outer: recorder $rp not stopped ($(proc_state "$rp"))"
	sr_steps=$((sr_steps + 1))
	wait_for 10 stopped "$sp" ||
	    fail "jobctl-outer: sleep not stopped ($(proc_state "$sp"))"
	typeline jco 'jobs'
	wait_pane jco 'Stopped.*record' || return 1
	typeline jco 'fg'
	sr_steps=$((sr_steps + 1))
	wait_for 10 running "$rp" ||
	    fail "jobctl-outer: fg: recorder still $(proc_state "$rp")"
	sr_steps=$((sr_steps + 1))
	wait_for 10 running "$sp" ||
	    fail "jobctl-outer: fg: sleep still $(proc_state "$sp")"
	tm send-keys -t jco C-c
	sr_steps=$((sr_steps + 1))
	wait_for 10 gone "$rp" || fail "jobctl-outer: C-c did not end it"
	typeline jco 'echo outer-rc=$?'
	wait_pane jco '^outer-rc=130$' || :
	tty_cooked jco "jobctl-outer"
	typeline jco 'exit'
	the_recording "$TMP/jco" || return 1
	sealed "$f" "jobctl-outer"
	info_json "$f" "$TMP/jco.info"
	expect_grep "$TMP/jco.info" '"exit_signal":"(SIG)?INT"' \
	    "jobctl-outer: exit signal"
	json_of "$f" "$TMP/jco.json"
	$SRJSON marks "$TMP/jco.json" >"$TMP/jco.marks"
	if grep -q '^suspend' "$TMP/jco.marks"; then
		expect_grep "$TMP/jco.marks" '^resume' "jobctl-outer: resume mark"
		expect_grep "$TMP/jco.info" '"suspend":[1-9]' \
		    "jobctl-outer: info suspend events"
		expect_grep "$TMP/jco.info" '"resume":[1-9]' \
		    "jobctl-outer: info resume events"
	else
		echo "NOTE: jobctl-outer: the recorder wrote no suspend mark"
	fi
}

# SIGTERM to a recorder started from an outer shell: the terminal is
# restored and the recording sealed.
case_restore() {
	start rst <<EOS
exec bash --norc --noprofile
EOS
	wait_pane rst "$PROMPT" || return 1
	typeline rst "\"$SESSREC\" record -q -o \"$TMP/rst/\" -- sleep 103"
	sr_steps=$((sr_steps + 1))
	if ! wait_for 20 pgrep -x -f 'sleep 103' >/dev/null; then
		fail "restore: sleep 103 never started"
		return 1
	fi
	sp=$(pgrep -x -f 'sleep 103' | head -1)
	sh=$(tm display -p -t rst '#{pane_pid}')
	rp=$(pgrep -P "$sh" | head -1)
	wait_ready restore "$rp" "$(tm display -p -t rst '#{pane_tty}')" ||
	    return 1
	kill -TERM "$rp"
	sr_steps=$((sr_steps + 1))
	wait_for 20 gone "$sp" || fail "restore: sleep 103 outlived SIGTERM"
	typeline rst 'echo back-$((2+3))'
	wait_pane rst '^back-5$' || return 1
	tty_cooked rst "restore after SIGTERM"
	typeline rst 'exit'
	the_recording "$TMP/rst" || return 1
	sealed "$f" "restore"
}

# ---------------------------------------------------------------------
# Exit codes and signals, no outer terminal.
case_exit_codes() {
	run 7 record -q -o "$TMP/ec7/" -- sh -c 'exit 7'
	the_recording "$TMP/ec7" || return 1
	info_json "$f" "$TMP/ec7.info"
	expect_grep "$TMP/ec7.info" '"exit_status":7' "exit 7: info"
	expect_grep "$TMP/ec7.info" '"state":"complete"' "exit 7: state"

	run 137 record -q -o "$TMP/ec9/" -- sh -c 'kill -9 $$'
	the_recording "$TMP/ec9" || return 1
	info_json "$f" "$TMP/ec9.info"
	expect_grep "$TMP/ec9.info" '"exit_signal":"(SIG)?KILL"' \
	    "SIGKILL: info exit_signal"
	json_of "$f" "$TMP/ec9.json"
	$SRJSON end "$TMP/ec9.json" >"$TMP/ec9.end"
	expect_grep "$TMP/ec9.end" '^signal 9$' "SIGKILL: sr_end sr_status"

	run 127 record -q -o "$TMP/ec127/" -- /nonexistent/command
	expect_grep "$TMP/err" 'nonexistent' "127: message names the command"
	printf '#!/bin/sh\necho not-run\n' >"$TMP/noexec"
	chmod 0644 "$TMP/noexec"
	run 126 record -q -o "$TMP/ec126/" -- "$TMP/noexec"
	expect_no_grep "$TMP/out" 'not-run' "126: nothing ran"

	# -q: nothing on stderr for a clean session.
	run 0 record -q -o "$TMP/quiet/" -- true
	sr_steps=$((sr_steps + 1))
	[ ! -s "$TMP/err" ] || fail "-q: stderr not empty: $(head -3 "$TMP/err")"
	# Usage error.
	run 2 record -q --on-error sometimes -o "$TMP/usage/" -- true
	# An existing file is never overwritten.
	echo keep-me >"$TMP/exists.srec"
	run 125 record -q -o "$TMP/exists.srec" -- echo overwritten
	expect_eq "$(cat "$TMP/exists.srec")" keep-me "existing -o FILE kept"
	# -o FILE (not a directory): exactly that file.
	run 0 record -q -o "$TMP/named.srec" -- echo named-file
	sealed "$TMP/named.srec" "-o FILE"
	run 0 cat "$TMP/named.srec"
	expect_grep "$TMP/out" '^named-file *$' "-o FILE: cat"
}

# ---------------------------------------------------------------------
# Password prompts with --input: the secret never reaches the file.
case_password() {
	sudo_ok=
	pw_sudo=Sudo-pw-4x9q-$$
	if [ "$(id -u)" = 0 ] && command -v sudo >/dev/null &&
	    command -v visudo >/dev/null && command -v useradd >/dev/null &&
	    command -v runuser >/dev/null; then
		u=srtest$$
		if useradd -m "$u" 2>"$TMP/useradd.err"; then
			SUDO_USER_T=$u
			printf '%s ALL=(ALL) ALL\nDefaults:%s lecture=never, passwd_tries=1\n' \
			    "$u" "$u" >"$TMP/dropin"
			if echo "$u:$pw_sudo" | chpasswd &&
			    visudo -cf "$TMP/dropin" >/dev/null; then
				SUDO_DROPIN=/etc/sudoers.d/zz-sessrec-rec-$$
				install -m 0440 "$TMP/dropin" "$SUDO_DROPIN"
				sudo_ok=1
			fi
		fi
	fi
	[ -n "$sudo_ok" ] || echo "NOTE: sudo prompt sub-case skipped (needs root)"

	start pw <<EOS
"$SESSREC" record -i -q -o "$TMP/pw/" -- bash --norc --noprofile
echo rc=\$? >"$TMP/rc.pw"
EOS
	wait_pane pw "$PROMPT" || return 1
	# 1. read -s: ICANON on, ECHO off.
	typeline pw "read -s -p 'Password: ' pw"
	wait_pane pw 'Password: ?$' || return 1
	typeline pw 's3cr3t-pass-1'
	typeline pw 'echo len=${#pw}'
	wait_pane pw '^len=13$' || return 1
	typeline pw 'echo visible-typed'
	wait_pane pw '^visible-typed$' || return 1
	# 2. A raw-mode prompt: only the prompt regex can catch it.
	typeline pw "$PY3 $HELPERS/rawprompt.py"
	wait_pane pw 'Enter passphrase: ?$' || return 1
	typeline pw 'r4w-s3cr3t-2'
	wait_pane pw '^rawprompt got 12 bytes' || return 1
	# 3. sudo's own prompt.
	if [ -n "$sudo_ok" ]; then
		typeline pw "runuser -u $SUDO_USER_T -- sudo -k true; echo sudo-rc=\$?"
		wait_pane pw "password for $SUDO_USER_T: ?\$" || return 1
		typeline pw "$pw_sudo"
		wait_pane pw '^sudo-rc=' || return 1
		pane_has pw '^sudo-rc=0$' 1 ||
		    echo "NOTE: sudo did not accept the password (PAM?)"
	fi
	typeline pw 'exit'
	wait_rc pw
	expect_eq "$rc" 0 "password: exit status"
	the_recording "$TMP/pw" || return 1
	sealed "$f" "password"
	json_of "$f" "$TMP/pw.json"
	for secret in s3cr3t-pass-1 r4w-s3cr3t-2 ${sudo_ok:+"$pw_sudo"}; do
		expect_eq "$(zstd -q -dc "$f" | grep -c -- "$secret" || :)" 0 \
		    "password: zstd -dc | grep -c $secret"
		# A secret split across messages would escape the grep above.
		$SRJSON in "$TMP/pw.json" >"$TMP/pw.in"
		$SRJSON out "$TMP/pw.json" >>"$TMP/pw.in"
		expect_no_grep "$TMP/pw.in" "$secret" "password: in/out text"
	done
	expect_grep "$TMP/pw.json" '"sr_mark":"input-masked"' \
	    "password: masked marker"
	$SRJSON marks "$TMP/pw.json" >"$TMP/pw.marks"
	n=$(grep -c '^input-masked' "$TMP/pw.marks" || :)
	want=2
	[ -z "$sudo_ok" ] || want=3
	sr_steps=$((sr_steps + 1))
	[ "$n" -ge "$want" ] ||
	    fail "password: $n input-masked marks, want >= $want: $(cat \
	    "$TMP/pw.marks")"
	expect_grep "$TMP/pw.marks" '^input-masked .*proc=' \
	    "password: mark names the process"
	$SRJSON in "$TMP/pw.json" >"$TMP/pw.in"
	expect_grep "$TMP/pw.in" 'echo visible-typed' "password: typed input kept"
	expect_grep "$TMP/pw.in" 'rawprompt.py' "password: command line kept"
	info_json "$f" "$TMP/pw.info"
	expect_grep "$TMP/pw.info" '"ttyin":[1-9]' "password: info input bytes"
	run 0 cat --input "$f"
	tlog_play "$TMP/pw.json" "$TMP/pw.play"
}

# ---------------------------------------------------------------------
# A full-screen program.
case_fullscreen() {
	seq 1 2000 >"$TMP/long.txt"
	start fs <<EOS
"$SESSREC" record -q -o "$TMP/fs/" -- bash --norc --noprofile
echo rc=\$? >"$TMP/rc.fs"
EOS
	wait_pane fs "$PROMPT" || return 1
	typeline fs "less $TMP/long.txt"
	wait_pane fs '^29$' || return 1
	tm send-keys -t fs Space
	wait_pane fs '^58$' || return 1
	tm send-keys -t fs q
	typeline fs 'echo less-done'
	wait_pane fs '^less-done$' || return 1
	typeline fs 'exit'
	wait_rc fs
	expect_eq "$rc" 0 "fullscreen: exit status"
	the_recording "$TMP/fs" || return 1
	sealed "$f" "fullscreen"
	run 0 cat "$f"
	expect_grep "$TMP/out" 'less-done' "fullscreen: cat"
	json_of "$f" "$TMP/fs.json"
	tlog_play "$TMP/fs.json" "$TMP/fs.play"
	expect_grep "$TMP/fs.play" '58' "fullscreen: tlog-play output"
}

# ---------------------------------------------------------------------
# No outer terminal: stdin a pipe, stdout a file.
case_nopty() {
	sr_steps=$((sr_steps + 1))
	set +e
	printf 'hi\n' | "$SESSREC" record -q -o "$TMP/np/" -- cat \
	    >"$TMP/np.out" 2>"$TMP/np.err"
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || fail "no tty: exit $rc: $(head -3 "$TMP/np.err")"
	expect_grep "$TMP/np.out" '^hi' "no tty: output relayed"
	the_recording "$TMP/np" || return 1
	sealed "$f" "no tty"
	run 0 cat "$f"
	expect_grep "$TMP/out" '^hi *$' "no tty: recording"
	info_json "$f" "$TMP/np.info"
	expect_grep "$TMP/np.info" '"exit_status":0' "no tty: exit status"
}

# ---------------------------------------------------------------------
# SIGTERM and SIGHUP to the recorder: sealed quickly, child gone.
# sigcase NAME: starts a recorded shell; sets r (recorder) and c (every
# process below it: the recorder may have helpers besides the command).
sigcase() {
	start "$1" <<EOS
echo \$\$ >"$TMP/wpid.$1"
"$SESSREC" record -q -o "$TMP/$1/" -- bash --norc --noprofile
echo rc=\$? >"$TMP/rc.$1"
EOS
	wait_pane "$1" "$PROMPT" || return 1
	w=$(cat "$TMP/wpid.$1")
	c=
	r=$(pgrep -P "$w" | head -1)
	[ -z "$r" ] || c=$(descendants "$r" | tr '\n' ' ')
	if [ -z "$r" ] || [ -z "$c" ]; then
		fail "$1: no recorder/child under $w: $(ps -ef | grep -v grep |
		    grep -e "$w" | head -5)"
		return 1
	fi
	typeline "$1" "echo before-$1"
	wait_pane "$1" "^before-$1\$" || return 1
	# While it is being written, the file is 0600.
	the_recording "$TMP/$1" || return 1
	expect_eq "$(stat -c %a "$f")" 600 "$1: file mode while recording"
}

# all_gone WHAT PID...: every process is gone (a counted check).
all_gone() {
	sr_ag=$1
	shift
	sr_steps=$((sr_steps + 1))
	for p in "$@"; do
		if ! wait_for 10 gone "$p"; then
			fail "$sr_ag: process $p still there: $(ps -o pid,stat,args \
			    -p "$p" | tail -1)"
		fi
	done
}

case_sigterm() {
	sigcase term || return 1
	kill -TERM "$r"
	sr_steps=$((sr_steps + 1))
	if ! wait_for 10 gone "$r"; then
		fail "SIGTERM: recorder still there after 10 s ($(proc_state "$r"))"
		wait_for 20 gone "$r" || return 1
	fi
	all_gone "SIGTERM" $c
	the_recording "$TMP/term" || return 1
	sealed "$f" "SIGTERM"
	expect_grep "$TMP/sealed.info" '"extras":\{.*"[^"]*end[^"]*":"admin"' \
	    "SIGTERM: end reason in info extras"
	run 0 cat "$f"
	expect_grep "$TMP/out" '^before-term *$' "SIGTERM: output kept"
	json_of "$f" "$TMP/term.json"
	$SRJSON end "$TMP/term.json" >"$TMP/term.end"
	expect_grep "$TMP/term.end" '^admin ' "SIGTERM: sr_end"
}

# The recorder does not wait for its command: one that ignores SIGHUP
# and SIGTERM (and so keeps the terminal open) outlives the recorder,
# which ends on its own budget (350 ms drain, 550 ms seal, fdatasync).
# The bound is generous, for slow CI and sanitizers: the command lives far
# longer, so only the recorder's own deadline can end it in time.
stubborn() { # PID: runs "sleep 1042", ignoring SIGHUP and SIGTERM
	running "$1" && ignores "$1" 1 && ignores "$1" 15 &&
	    [ "$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" = "sleep 1042 " ]
}
# stubborn_below PID: sets STRAGGLER to the stubborn command below PID.
stubborn_below() {
	for p in $(descendants "$1"); do
		if stubborn "$p"; then
			STRAGGLER=$p
			return 0
		fi
	done
	return 1
}

case_sigterm_stubborn() {
	"$SESSREC" record -q -o "$TMP/stub/" -- \
	    sh -c "trap '' HUP TERM; echo stubborn-up; exec sleep 1042" \
	    </dev/null >"$TMP/stub.out" 2>"$TMP/stub.err" &
	r=$!
	sr_steps=$((sr_steps + 1))
	if ! wait_for 20 stubborn_below "$r" || ! wait_for 20 catches "$r" 15; then
		fail "SIGTERM, stubborn command: not started, or no handler:" \
		    "$(ps -o pid,stat,args -p "$r" $(descendants "$r") | tail -n +2)"
		kill -KILL "$r" $(descendants "$r") 2>/dev/null || :
		return 1
	fi
	kill -TERM "$r"
	sr_steps=$((sr_steps + 1))
	if ! wait_for 10 gone "$r"; then
		fail "SIGTERM, stubborn command: recorder still there after 10 s" \
		    "($(proc_state "$r"))"
		wait_for 20 gone "$r" || :
	fi
	sr_steps=$((sr_steps + 1))
	stubborn "$STRAGGLER" ||
	    fail "SIGTERM, stubborn command: it died; the check proves nothing"
	kill -KILL "$STRAGGLER" 2>/dev/null || :
	set +e
	wait "$r"
	rc=$?
	set -e
	expect_eq "$rc" 143 "SIGTERM, stubborn command: exit status"
	the_recording "$TMP/stub" || return 1
	sealed "$f" "SIGTERM, stubborn command"
	expect_grep "$TMP/sealed.info" '"extras":\{.*"[^"]*end[^"]*":"admin"' \
	    "SIGTERM, stubborn command: end reason in info extras"
	run 0 cat "$f"
	expect_grep "$TMP/out" '^stubborn-up *$' \
	    "SIGTERM, stubborn command: output kept"
}

case_sighup() {
	sigcase hup || return 1
	tm kill-window -t hup
	sr_steps=$((sr_steps + 1))
	wait_for 20 gone "$r" || fail "SIGHUP: recorder $r still there"
	all_gone "SIGHUP" $c
	the_recording "$TMP/hup" || return 1
	sealed "$f" "SIGHUP"
	expect_grep "$TMP/sealed.info" '"extras":\{.*"[^"]*end[^"]*":"hangup"' \
	    "SIGHUP: end reason in info extras"
	run 0 cat "$f"
	expect_grep "$TMP/out" '^before-hup *$' "SIGHUP: output kept"
	json_of "$f" "$TMP/hup.json"
	$SRJSON end "$TMP/hup.json" >"$TMP/hup.end"
	expect_grep "$TMP/hup.end" '^hangup ' "SIGHUP: sr_end"
}

# ---------------------------------------------------------------------
# Ticket policy from a --config file owned by us.
no_recording() { # DIR WHAT
	sr_steps=$((sr_steps + 1))
	n=$(find "$1" -name '*.srec' 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || fail "$2: a recording was made: $(ls "$1")"
}

case_ticket() {
	conf=$TMP/ticket.conf
	printf 'require_ticket = yes\nticket_regex = ^CHG-[0-9]+$\n' >"$conf"
	chmod 0644 "$conf"
	run 125 record -q --config "$conf" -o "$TMP/tk0/" -- echo no-ticket
	expect_grep "$TMP/err" '[Tt]icket' "no ticket: message"
	expect_no_grep "$TMP/out" 'no-ticket' "no ticket: command not run"
	no_recording "$TMP/tk0" "no ticket"

	run 0 record -q --config "$conf" --ticket CHG-12 -o "$TMP/tk1/" -- true
	the_recording "$TMP/tk1" || return 1
	info_json "$f" "$TMP/tk1.info"
	expect_grep "$TMP/tk1.info" '"ticket":"CHG-12"' "--ticket: info"

	SESSREC_TICKET=CHG-13
	export SESSREC_TICKET
	run 0 record -q --config "$conf" -o "$TMP/tk2/" -- true
	unset SESSREC_TICKET
	the_recording "$TMP/tk2" || return 1
	info_json "$f" "$TMP/tk2.info"
	expect_grep "$TMP/tk2.info" '"ticket":"CHG-13"' "SESSREC_TICKET: info"

	run 125 record -q --config "$conf" --ticket bad -o "$TMP/tk3/" -- true
	expect_grep "$TMP/err" '[Tt]icket' "bad ticket: message"
	no_recording "$TMP/tk3" "bad ticket"
}

# min_free: below it no session starts (fail-closed), or with
# on_write_error = continue it starts with a warning.
case_min_free() {
	conf=$TMP/mf.conf
	printf 'min_free = 1P\n' >"$conf"
	chmod 0644 "$conf"
	run 125 record -q --config "$conf" -o "$TMP/mf0/" -- echo not-run
	expect_grep "$TMP/err" 'below min_free' "min_free: message"
	expect_no_grep "$TMP/out" 'not-run' "min_free: command not run"
	no_recording "$TMP/mf0" "min_free"
	printf 'min_free = 1P\non_write_error = continue\n' >"$conf"
	run 0 record -q --config "$conf" -o "$TMP/mf1/" -- echo ran-anyway
	expect_grep "$TMP/err" 'below min_free' "min_free, continue: warning"
	expect_grep "$TMP/out" 'ran-anyway' "min_free, continue: command ran"
	the_recording "$TMP/mf1" || return 1
	printf 'min_free = 1K\n' >"$conf"
	run 0 record -q --config "$conf" -o "$TMP/mf2/" -- true
	the_recording "$TMP/mf2" || return 1
	printf 'min_free = 12X\n' >"$conf"
	run 125 record -q --config "$conf" -o "$TMP/mf3/" -- true
	expect_grep "$TMP/err" 'line 1: bad value for min_free' \
	    "min_free: bad value names the line"
}

case_metadata() {
	SSH_CONNECTION='203.0.113.9 50022 10.0.0.1 22'
	export SSH_CONNECTION
	run 0 record -q -o "$TMP/md/" --actor alice --target db01 -- true
	unset SSH_CONNECTION
	the_recording "$TMP/md" || return 1
	info_json "$f" "$TMP/md.info"
	for want in '"src_ip":"203.0.113.9"' '"actor":"alice"' \
	    '"target":"db01"'; do
		expect_grep "$TMP/md.info" "$want" "metadata: info"
	done
	run 0 info "$f"
	expect_grep "$TMP/out" '^src_ip +203\.0\.113\.9$' "metadata: info text"
	json_of "$f" "$TMP/md.json"
	$SRJSON meta "$TMP/md.json" >"$TMP/md.meta"
	for want in '^sr_src_ip=203\.0\.113\.9$' '^sr_actor=alice$' \
	    '^sr_target=db01$'; do
		expect_grep "$TMP/md.meta" "$want" "metadata: first message"
	done

	# sshd's ExposeAuthInfo file: the certificate's key id is the actor
	# (made by ssh-keygen -s with -I 'alice@corp ticket=CHG-9').
	printf 'publickey %s\n' \
	    "$(cut -d' ' -f1,2 "$SR_DATA/ssh/ed25519-cert.pub")" >"$TMP/auth"
	SSH_USER_AUTH=$TMP/auth
	export SSH_USER_AUTH
	run 0 record -q -o "$TMP/mc/" -- true
	unset SSH_USER_AUTH
	the_recording "$TMP/mc" || return 1
	info_json "$f" "$TMP/mc.info"
	expect_grep "$TMP/mc.info" '"actor":"alice@corp ticket=CHG-9"' \
	    "ssh certificate: actor"
	expect_grep "$TMP/mc.info" '"sessrec.actor_source":"ssh-cert"' \
	    "ssh certificate: actor source"
	expect_grep "$TMP/mc.info" '"sessrec.claimed":"actor' \
	    "ssh certificate: claimed"
}

# SR_CASES="a b" runs only those cases.
for c in ${SR_CASES:-exit_codes nopty ticket min_free metadata typing resize jobctl_inner \
    jobctl_outer restore password fullscreen sigterm sigterm_stubborn \
    sighup}; do
	echo "== $c ($(date +%T))"
	"case_$c" || :
done
finish
