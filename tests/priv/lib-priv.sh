# SPDX-License-Identifier: ISC
# Shared by the privileged tests (tests/priv): a throwaway bastion.
#
# Sourced after tests/lib.sh.  Gives a root-owned test root $T outside
# /tmp (so the recorder's path checks can pass), throwaway accounts, a
# test install of sessrec and sessrec-rec, a real sshd on 127.0.0.1 with
# its own host key, an ssh client wrapper, a syslog listener on /dev/log
# (only when the machine has none) and tmux-driven interactive logins.
# Everything made here is undone by priv_cleanup, which the caller's
# EXIT trap runs; accounts and files are named with the test's pid so a
# crashed run never collides with the next one.
#
# Knobs: SR_PRIV_ROOT (test root, default /var/lib/sessrec-test.PID),
# SR_PRIV_KEEP=1 (leave the test root behind for a look; with a fixed
# SR_PRIV_TAG the next run reuses its build directory),
# SR_PRIV_FAKE=1 (a plain shell as ForceCommand: tests the harness only).

# SR_PRIV_TAG names the accounts and the test root (default: the pid).
PRIV_TAG=${SR_PRIV_TAG:-$$}
T=${SR_PRIV_ROOT:-/var/lib/sessrec-test.$PRIV_TAG}
PRIV_USERS=
PRIV_GROUPS=
PRIV_SHELLS_LINE=
PRIV_SSHD_PID=
PRIV_SYSLOG_PID=
PRIV_DEVLOG=
PRIV_RUNSSHD=
PRIV_SUDOERS=

priv_require() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	for c in /usr/sbin/sshd ssh ssh-keygen scp useradd userdel usermod \
	    groupadd groupdel chpasswd tmux python3 pgrep readelf zstd; do
		command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
	done
	case $T in
	/tmp/* | /var/tmp/*) skip "SR_PRIV_ROOT must be outside /tmp" ;;
	esac
}

priv_cleanup() {
	set +e
	tm kill-server 2>/dev/null
	if [ -n "$PRIV_SSHD_PID" ]; then
		kill "$PRIV_SSHD_PID" 2>/dev/null
	fi
	if [ -n "$PRIV_SYSLOG_PID" ]; then
		kill "$PRIV_SYSLOG_PID" 2>/dev/null
	fi
	if [ -n "$PRIV_DEVLOG" ]; then
		rm -f /dev/log
	fi
	if [ -n "$PRIV_SUDOERS" ]; then
		rm -f "$PRIV_SUDOERS"
	fi
	if [ -n "$PRIV_SHELLS_LINE" ]; then
		grep -v -x -F -- "$PRIV_SHELLS_LINE" /etc/shells >/etc/shells.sr$$ &&
		    cat /etc/shells.sr$$ >/etc/shells
		rm -f /etc/shells.sr$$
	fi
	# Whatever still runs as our throwaway accounts was started here.
	for u in $PRIV_USERS; do
		for p in $(pgrep -U "$u" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	sleep 0.2
	for u in $PRIV_USERS; do
		userdel -f -r "$u" >/dev/null 2>&1
	done
	for g in $PRIV_GROUPS; do
		groupdel "$g" >/dev/null 2>&1
	done
	if [ -n "$PRIV_RUNSSHD" ]; then
		rmdir /run/sshd 2>/dev/null
	fi
	if [ "${SR_PRIV_KEEP:-}" = 1 ]; then
		echo "NOTE: test root kept: $T"
	else
		rm -rf "$T"
	fi
	rm -rf "$TMP"
}

# Panes keep more scrollback here (see history-limit in login).
SR_PANE_LINES=3000
. "$SR_SRCDIR/tests/lib-tmux.sh"

# priv_root: the test root, root-owned 0755 on a path whose every
# directory is root's and not group/other-writable.
priv_root() {
	mkdir -p "$T"
	# A kept root from an earlier run: only its build survives.
	find "$T" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
	chown root:root "$T"
	chmod 0755 "$T"
	p=$T
	while [ "$p" != / ]; do
		p=$(dirname "$p")
		set -- $(stat -c '%u %a' "$p")
		if [ "$1" != 0 ] || [ $(( 0$2 & 022 )) -ne 0 ]; then
			skip "$p is not root's or is group/other-writable"
		fi
	done
	mkdir -p "$T/ssh/auth" "$T/etc" "$T/out"
	chmod 0755 "$T/ssh" "$T/ssh/auth" "$T/etc"
	# Hostile inputs the users may write (LD_PRELOAD logs, fake configs).
	mkdir -p "$T/world"
	chmod 1777 "$T/world"
}

# priv_user NAME [useradd args]: a throwaway account with a home, a
# password-less ssh key and a known prompt.
priv_user() {
	n=$1
	shift
	useradd -m "$@" "$n" || skip "useradd $n failed"
	PRIV_USERS="$n $PRIV_USERS"
	# '*': no password, yet not "locked" for sshd.
	usermod -p '*' "$n"
	ssh-keygen -q -t ed25519 -N '' -C "$n" -f "$T/ssh/id_$n"
	cp "$T/ssh/id_$n.pub" "$T/ssh/auth/$n"
	chmod 0644 "$T/ssh/auth/$n"
	h=$(getent passwd "$n" | cut -d: -f6)
	printf '%s\n' "PS1='SR\$ '; export PS1" >"$h/.bashrc"
	printf '%s\n' '. ~/.bashrc' >"$h/.bash_profile"
	chown "$n:" "$h/.bashrc" "$h/.bash_profile"
}

priv_group() {
	groupadd "$1" || skip "groupadd $1 failed"
	PRIV_GROUPS="$1 $PRIV_GROUPS"
}

home_of() {
	getent passwd "$1" | cut -d: -f6
}

# priv_shells_add PATH: PATH in /etc/shells until the end of the test.
priv_shells_add() {
	if ! grep -q -x -F -- "$1" /etc/shells; then
		echo "$1" >>/etc/shells
		PRIV_SHELLS_LINE=$1
	fi
}

# priv_syslog: when the machine has no /dev/log, listen there and append
# every datagram to $T/syslog.txt.  PRIV_SYSLOG is empty when the
# machine has its own syslog (we then do not check syslog lines).
PRIV_SYSLOG=
priv_syslog() {
	if [ -e /dev/log ]; then
		echo "NOTE: /dev/log exists; syslog lines are not checked"
		return 0
	fi
	: >"$T/syslog.txt"
	python3 - "$T/syslog.txt" >"$T/syslog.err" 2>&1 <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        d = s.recv(65536)
        f.write(d.rstrip(b"\0\n") + b"\n")
EOF
	PRIV_SYSLOG_PID=$!
	PRIV_DEVLOG=1
	if wait_for 10 test -S /dev/log; then
		PRIV_SYSLOG=$T/syslog.txt
		logger -p authpriv.info -t sr-priv-test "listener up $$"
		wait_for 5 grep -q "listener up $$" "$PRIV_SYSLOG" ||
		    fail "syslog listener receives nothing"
	else
		fail "syslog listener did not start: $(cat "$T/syslog.err")"
	fi
}

# syslog_has REGEX WHAT: a counted check that a syslog line matches.
syslog_has() {
	sr_steps=$((sr_steps + 1))
	[ -n "$PRIV_SYSLOG" ] || return 0
	if ! wait_for 20 grep -E -q -- "$1" "$PRIV_SYSLOG"; then
		fail "$2: no syslog line /$1/; last lines:"
		tail -5 "$PRIV_SYSLOG"
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# priv_sshd FORCECOMMAND [EXTRA-CONFIG-FILE]: starts sshd on a free port.
PORT=
priv_sshd() {
	if [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd
		PRIV_RUNSSHD=1
	fi
	[ -f "$T/ssh/host_ed25519" ] ||
	    ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_ed25519"
	PORT=$(free_port)
	usepam=no
	[ "${SR_PRIV_PAM:-yes}" = yes ] && [ -f /etc/pam.d/sshd ] && usepam=yes
	{
		echo "ListenAddress 127.0.0.1"
		echo "Port $PORT"
		echo "HostKey $T/ssh/host_ed25519"
		echo "PidFile $T/ssh/sshd.pid"
		echo "AuthorizedKeysFile $T/ssh/auth/%u"
		echo "PubkeyAuthentication yes"
		echo "PasswordAuthentication no"
		echo "KbdInteractiveAuthentication no"
		echo "UsePAM $usepam"
		echo "StrictModes no"
		echo "PermitRootLogin no"
		echo "PrintMotd no"
		echo "PrintLastLog no"
		echo "PermitUserEnvironment yes"
		# Deliberately permissive: the recorder must not care.
		echo "AcceptEnv SESSREC_TICKET LD_PRELOAD LD_LIBRARY_PATH SESSREC_* XDG_CONFIG_HOME TERMINFO"
		echo "Subsystem sftp /usr/lib/openssh/sftp-server"
		echo "AllowUsers $PRIV_USERS"
		echo "ForceCommand $1"
		[ -z "${2:-}" ] || cat "$2"
	} >"$T/ssh/sshd_config"
	if ! /usr/sbin/sshd -t -f "$T/ssh/sshd_config" 2>"$T/ssh/t.err"; then
		fail "sshd -t rejects the config: $(cat "$T/ssh/t.err")"
		return 1
	fi
	/usr/sbin/sshd -D -e -f "$T/ssh/sshd_config" >>"$T/ssh/sshd.log" 2>&1 &
	PRIV_SSHD_PID=$!
	if ! wait_for 10 port_open "$PORT"; then
		fail "sshd did not listen on $PORT: $(tail -5 "$T/ssh/sshd.log")"
		return 1
	fi
}

port_open() {
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1" 2>/dev/null
}

# ssh_opts USER: the client options (no spaces in $T).
ssh_opts() {
	echo "-F /dev/null -i $T/ssh/id_$1 -p $PORT" \
	    "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" \
	    "-o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR" \
	    "-o ConnectTimeout=10"
}

# ssh_run WANT_EXIT|any USER [SSH-OPTIONS] -- COMMAND...: a counted
# non-interactive login as USER@127.0.0.1, stdin /dev/null (or $SSH_IN),
# at most $SSH_TIMEOUT (60) seconds; stdout and stderr in $TMP/out and
# $TMP/err without CRs (the bytes in out.raw, err.raw), the status in $got.
ssh_run() {
	sr_want=$1
	sr_u=$2
	shift 2
	sr_o=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		sr_o="$sr_o '$1'"
		shift
	done
	[ $# -eq 0 ] || shift
	sr_steps=$((sr_steps + 1))
	set +e
	eval "timeout ${SSH_TIMEOUT:-60} ssh $(ssh_opts "$sr_u") $sr_o" \
	    "'$sr_u@127.0.0.1' \"\$@\"" \
	    <"${SSH_IN:-/dev/null}" >"$TMP/out.raw" 2>"$TMP/err.raw"
	got=$?
	set -e
	# Checks read lines; out.raw keeps the bytes.
	tr -d '\r' <"$TMP/out.raw" >"$TMP/out"
	tr -d '\r' <"$TMP/err.raw" >"$TMP/err"
	if [ "$sr_want" != any ] && [ "$got" != "$sr_want" ]; then
		fail "ssh $sr_o $sr_u $*: exit $got, want $sr_want; stderr: $(head -c 600 "$TMP/err")"
		return 1
	fi
}

# ---------------------------------------------------------------------
# Interactive logins in tmux (a real outer terminal for ssh -tt).

# login NAME USER [SSH-OPTIONS]: an interactive ssh -tt login in tmux
# window NAME (100x30); its exit status goes to $TMP/rc.NAME.
login() {
	n=$1
	u=$2
	shift 2
	{
		printf 'ssh %s -tt' "$(ssh_opts "$u")"
		for a in "$@"; do
			printf " '%s'" "$a"
		done
		printf ' %s@127.0.0.1\n' "$u"
		printf 'echo rc=$? >%s\n' "$TMP/rc.$n"
	} >"$TMP/$n.sh"
	rm -f "$TMP/rc.$n"
	if tm has-session 2>/dev/null; then
		tm new-window -d -n "$n" "sh $TMP/$n.sh"
	else
		tm new-session -d -s main -n "$n" -x 100 -y 30 "sh $TMP/$n.sh"
	fi
	tm set-option -g history-limit 5000 >/dev/null
}

nonempty() {
	[ -s "$1" ]
}

# wait_rc NAME [SECONDS]: sets rc to the ssh's exit status ("none").
wait_rc() {
	rc=none
	if wait_for "${2:-20}" nonempty "$TMP/rc.$1"; then
		rc=$(sed -n 's/^rc=//p' "$TMP/rc.$1")
	fi
}

# probe WIN USER NAME 'COMMANDS': runs COMMANDS in the session's shell
# with output into ~USER/o.NAME (and the status as the last line
# "rc=N"), waits for it and copies it to $TMP/o.NAME.  A counted check
# that the shell answered.
probe() {
	pr_h=$(home_of "$2")
	rm -f "$pr_h/o.$3"
	typeline "$1" "{ $4 ; } >~/o.$3 2>&1; echo rc=\$? >>~/o.$3; echo PROBE-$3-\$((6*7))"
	wait_pane "$1" "^PROBE-$3-42" 1 30 || return 1
	cp "$pr_h/o.$3" "$TMP/o.$3"
}

proc_state() {
	sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" \
	    2>/dev/null || :
}
alive() {
	case $(proc_state "$1") in
	'' | Z | X) return 1 ;;
	esac
	return 0
}
gone() {
	! alive "$1"
}
