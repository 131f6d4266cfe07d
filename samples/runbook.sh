#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Copyright (c) 2026 The sessrec authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# sessrec-runbook: the bastion validation runbook, end to end, as one
# command (sessrec-runbook(8)).  As root it makes a throwaway user with an
# ssh key, starts a private sshd on a loopback port whose ForceCommand is
# the installed sessrec-rec, adds a sudoers drop-in with I/O logging for
# one read-only command, logs in with ssh -tt (ticket RUNBOOK-1 through
# SendEnv), runs id, hostname, sudo -l and sudo /usr/bin/id, logs out,
# and then checks what an auditor relies on: the recording, the sudo I/O
# log, the metadata in "sessrec ls --json", the events shipped to
# syslog, "sessrec grep", "sessrec verify" and "sessrec cat"; it times
# the search.  Each check is a PASS/FAIL row of the table printed at the
# end; the exit status is 1 when any row failed.  Everything it made is
# removed at exit (--keep leaves it for a look); the system sshd, the
# system syslog daemon and existing accounts are never touched.
#
# Without --self-test it uses the deployment as configured (the compiled-
# in CONFDIR/sessrec.conf: output_dir, key, ship); the recording it makes
# stays there as evidence of the run.  With --self-test (what CI uses) it
# builds a throwaway deployment in a temporary root-owned directory: a
# configuration in CONFDIR (refused when one exists that it did not
# write), a host key, output and lock directories, and its own rsyslogd
# listening on a private socket that the configuration's ship_socket
# names.
#
# Written for POSIX sh and the usual tools of a Debian or RHEL bastion
# (OpenSSH, sudo, shadow's useradd, awk, sed); no python, no expect: the
# ssh session is driven through a FIFO, waiting for the shell's prompt.

set -u
PROG=sessrec-runbook
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}
umask 022

usage() {
	cat <<EOF
usage: $PROG [--self-test] [--prefix DIR] [--confdir DIR] [--keep]
       [--user NAME] [--port N] [--ticket TICKET] [--pubkey FILE]
       [--syslog-file FILE] [--workdir DIR] [--timeout SECONDS] [--no-pam]
       [-v]

  --self-test        build a throwaway deployment (config, key, output dir,
                     own rsyslogd) instead of using the configured one
  --prefix DIR       sessrec is installed under DIR (DIR/bin/sessrec and
                     DIR/bin/sessrec-rec); default: found in PATH
  --confdir DIR      the directory sessrec-rec was built to read
                     sessrec.conf from (default: read from the binary)
  --keep             leave the user, sshd, rsyslogd and files behind
  --user NAME        name of the throwaway user (default sessrec-rb<PID>)
  --port N           sshd port on 127.0.0.1 (default: a free one)
  --ticket TICKET    ticket sent with SendEnv (default RUNBOOK-1)
  --pubkey FILE      public key for verify (default: next to the key)
  --syslog-file FILE where the system syslog writes authpriv (deployment
                     mode; default /var/log/auth.log or /var/log/secure)
  --workdir DIR      temporary root-owned directory (default
                     /var/lib/sessrec-runbook.<PID>)
  --timeout SECONDS  longest wait for one step (default 30)
  --no-pam           UsePAM no in the private sshd
  -v, --verbose      say what is being done
EOF
	exit "$1"
}

die() {
	echo "$PROG: $*" >&2
	exit 3
}

say() {
	[ "$VERBOSE" = 0 ] || echo "$PROG: $*" >&2
}

# ------------------------------------------------------------------ options
SELFTEST=0
PREFIX=
CONFDIR=
KEEP=0
TUSER=
PORT=
TICKET=RUNBOOK-1
PUBKEY=
SYSLOG_FILE=
WORK=
TO=30
USEPAM=auto
VERBOSE=0
while [ $# -gt 0 ]; do
	case $1 in
	--self-test) SELFTEST=1 ;;
	--keep) KEEP=1 ;;
	--no-pam) USEPAM=no ;;
	-v | --verbose) VERBOSE=1 ;;
	-h | --help) usage 0 ;;
	--prefix | --confdir | --user | --port | --ticket | --pubkey | \
	    --syslog-file | --workdir | --timeout)
		[ $# -ge 2 ] || { echo "$PROG: $1 needs a value" >&2; usage 2 >&2; }
		case $1 in
		--prefix) PREFIX=$2 ;;
		--confdir) CONFDIR=$2 ;;
		--user) TUSER=$2 ;;
		--port) PORT=$2 ;;
		--ticket) TICKET=$2 ;;
		--pubkey) PUBKEY=$2 ;;
		--syslog-file) SYSLOG_FILE=$2 ;;
		--workdir) WORK=$2 ;;
		--timeout) TO=$2 ;;
		esac
		shift
		;;
	--prefix=* | --confdir=* | --user=* | --port=* | --ticket=* | \
	    --pubkey=* | --syslog-file=* | --workdir=* | --timeout=*)
		v=${1#*=}
		case $1 in
		--prefix=*) PREFIX=$v ;;
		--confdir=*) CONFDIR=$v ;;
		--user=*) TUSER=$v ;;
		--port=*) PORT=$v ;;
		--ticket=*) TICKET=$v ;;
		--pubkey=*) PUBKEY=$v ;;
		--syslog-file=*) SYSLOG_FILE=$v ;;
		--workdir=*) WORK=$v ;;
		--timeout=*) TO=$v ;;
		esac
		;;
	*)
		echo "$PROG: unknown argument '$1'" >&2
		usage 2 >&2
		;;
	esac
	shift
done
case $TO in
'' | *[!0-9]*) echo "$PROG: --timeout wants seconds" >&2; usage 2 >&2 ;;
esac
case $PORT in
*[!0-9]*) echo "$PROG: --port wants a number" >&2; usage 2 >&2 ;;
esac
# The ticket travels through the environment and into a sshd config
# line; keep it to the characters tickets are made of.
case $TICKET in
'' | *[!A-Za-z0-9._:/-]*) echo "$PROG: --ticket: letters, digits and ._:/- only" >&2; exit 2 ;;
esac
TUSER=${TUSER:-sessrec-rb$$}
case $TUSER in
'' | *[!a-z0-9_-]* | [!a-z_]*) echo "$PROG: --user: a lower-case account name" >&2; exit 2 ;;
esac
[ ${#TUSER} -le 32 ] || { echo "$PROG: --user: at most 32 characters" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "must run as root (it adds a user, a sudoers drop-in and starts sshd)"
for c in ssh ssh-keygen sudo visudo useradd userdel usermod awk sed mkfifo timeout; do
	command -v "$c" >/dev/null 2>&1 || die "$c is not installed"
done
SSHD=
for p in /usr/sbin/sshd /usr/local/sbin/sshd /sbin/sshd; do
	[ -x "$p" ] && SSHD=$p && break
done
[ -n "$SSHD" ] || die "sshd is not installed (openssh-server)"
if [ "$SELFTEST" = 1 ]; then
	command -v rsyslogd >/dev/null 2>&1 ||
	    die "--self-test needs rsyslogd to receive the shipped events"
fi

# ------------------------------------------------------------- the install
if [ -n "$PREFIX" ]; then
	SR=$PREFIX/bin/sessrec
	REC=$PREFIX/bin/sessrec-rec
else
	SR=$(command -v sessrec || :)
	REC=$(command -v sessrec-rec || :)
fi
{ [ -n "$SR" ] && [ -x "$SR" ]; } || die "sessrec not found (PATH, or --prefix DIR)"
{ [ -n "$REC" ] && [ -e "$REC" ]; } || die "sessrec-rec not found (PATH, or --prefix DIR)"
case $REC in
/*) ;;
*) REC=$(cd "$(dirname "$REC")" && pwd)/$(basename "$REC") ;;
esac

# CONFDIR is compiled into sessrec-rec: "-V" may name it; else the string
# CONFDIR/sessrec.conf sits in the binary (root can read a 6711 file).
if [ -z "$CONFDIR" ]; then
	c=$("$REC" -V 2>/dev/null | sed -n 's|.*[ (]\(/[^ )]*\)/sessrec\.conf.*|\1|p' | head -1)
	if [ -z "$c" ]; then
		c=$(grep -a -o '/[[:alnum:]_./+-]*/sessrec\.conf' "$REC" 2>/dev/null |
		    head -1)
		c=${c%/sessrec.conf}
	fi
	[ -n "$c" ] || die "cannot tell which sessrec.conf $REC reads: give --confdir DIR"
	CONFDIR=$c
fi
CONF=$CONFDIR/sessrec.conf
WORK=${WORK:-/var/lib/sessrec-runbook.$$}
case $WORK in
/*) ;;
*) die "--workdir must be an absolute path" ;;
esac
MARK="# written by $PROG --self-test"

# --------------------------------------------------------------- the table
ROWS=
NFAIL=0
NROW=0
T0=$(date +%s)
row() { # PASS|FAIL|INFO CHECK DETAIL
	NROW=$((NROW + 1))
	[ "$1" != FAIL ] || NFAIL=$((NFAIL + 1))
	d=$(printf '%s' "$3" | tr '\n\t' '  ' | cut -c1-300)
	ROWS="$ROWS$(printf '%-4s  %-30s  %s' "$1" "$2" "$d")
"
	say "$1 $2: $d"
}
pass() { row PASS "$1" "$2"; }
failrow() { row FAIL "$1" "$2"; }
check() { # CONDITION-STATUS CHECK DETAIL-PASS DETAIL-FAIL
	if [ "$1" = 0 ]; then pass "$2" "$3"; else failrow "$2" "$4"; fi
}

print_table() {
	echo
	echo "sessrec-runbook: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)" \
	    "($([ "$SELFTEST" = 1 ] && echo self-test || echo deployment))"
	printf '%-4s  %-30s  %s\n' RES CHECK DETAIL
	printf '%s' "$ROWS"
	echo "$((NROW - NFAIL)) of $NROW rows passed, $NFAIL failed;" \
	    "run time $(($(date +%s) - T0)) s"
}

# ------------------------------------------------------------- the cleanup
MADE_USER=
MADE_SUDOERS=
MADE_CONF=
MADE_CONFDIRS=
MADE_WORK=
MADE_RUNSSHD=
SSHD_PID=
RSYS_PID=
SSH_PID=
SUDOERS=/etc/sudoers.d/sessrec-runbook

cleanup() {
	set +e
	exec 3>&- 2>/dev/null
	[ -z "$SSH_PID" ] || kill "$SSH_PID" 2>/dev/null
	if [ "$KEEP" = 1 ]; then
		echo "$PROG: --keep: left behind: user $TUSER, $WORK${SSHD_PID:+, sshd pid $SSHD_PID on port $PORT}${RSYS_PID:+, rsyslogd pid $RSYS_PID}${MADE_SUDOERS:+, $SUDOERS}${MADE_CONF:+, $CONF}" >&2
		return 0
	fi
	[ -z "$SSHD_PID" ] || kill "$SSHD_PID" 2>/dev/null
	[ -z "$RSYS_PID" ] || kill "$RSYS_PID" 2>/dev/null
	[ -z "$MADE_SUDOERS" ] || rm -f "$SUDOERS"
	if [ -n "$MADE_USER" ]; then
		# Whatever the session left running, by the throwaway uid only.
		pkill -KILL -U "$TUSER" 2>/dev/null
		sleep 0.2
		userdel -f -r "$TUSER" >/dev/null 2>&1
		getent group "$TUSER" >/dev/null 2>&1 && groupdel "$TUSER" 2>/dev/null
	fi
	if [ -n "$MADE_CONF" ] && conf_is_ours; then
		rm -f "$CONF"
	fi
	for d in $MADE_CONFDIRS; do
		rmdir "$d" 2>/dev/null
	done
	# Another sshd started meanwhile needs it too.
	if [ -n "$MADE_RUNSSHD" ] && ! pgrep -x sshd >/dev/null 2>&1; then
		rmdir /run/sshd 2>/dev/null
	fi
	[ -z "$MADE_WORK" ] || rm -rf "$WORK"
}

finish() {
	print_table
	cleanup
	trap - EXIT
	[ "$NFAIL" -eq 0 ] || exit 1
	exit 0
}

# A setup step failed: the rest cannot run.
abort() { # CHECK DETAIL
	failrow "$1" "$2"
	row FAIL "(not run)" "the checks after '$1' need it"
	finish
}

trap 'cleanup' EXIT
trap 'trap "" INT TERM HUP; row FAIL "(interrupted)" "by a signal"; finish' INT TERM HUP

# ---------------------------------------------------------------- helpers
# wait_for SECONDS CMD...: CMD every 0.1 s until it succeeds.
wait_for() {
	wf_n=$(($1 * 10))
	shift
	while [ "$wf_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		wf_n=$((wf_n - 1))
	done
	"$@"
}

# jget KEY: the value of KEY in the one-line JSON object on stdin (first
# occurrence: the top-level keys come first), strings unescaped enough
# for names and addresses; null and absent give "".
jget() {
	awk -v k="\"$1\":" '{
		i = index($0, k)
		if (i == 0) exit 0
		s = substr($0, i + length(k))
		sub(/^[ \t]*/, "", s)
		if (substr(s, 1, 1) == "\"") {
			v = ""
			for (j = 2; j <= length(s); j++) {
				c = substr(s, j, 1)
				if (c == "\\") { j++; v = v substr(s, j, 1); continue }
				if (c == "\"") break
				v = v c
			}
			print v
		} else {
			match(s, /^[^,}]*/)
			v = substr(s, 1, RLENGTH)
			if (v != "null") print v
		}
		exit 0
	}'
}

now_ms() {
	t=$(date +%s%N)
	case $t in
	*N) echo $(($(date +%s) * 1000)) ;;
	*) echo $((t / 1000000)) ;;
	esac
}

# The port's listening socket in /proc/net/tcp (no ss/netstat needed).
port_listening() {
	h=$(printf '%04X' "$1")
	awk -v p=":$h" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' \
	    /proc/net/tcp 2>/dev/null
}

free_port() {
	i=0
	while [ $i -lt 200 ]; do
		p=$(( ( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ) + 20000 ))
		port_listening "$p" || { echo "$p"; return 0; }
		i=$((i + 1))
	done
	return 1
}

# Every directory from / to DIR root's and not group/other-writable.
safe_path() {
	sp=$1
	while :; do
		# shellcheck disable=SC2046
		set -- $(stat -c '%u %a' "$sp" 2>/dev/null || echo 1 777)
		if [ "$1" != 0 ] || [ $(( 0$2 & 022 )) -ne 0 ]; then
			echo "$sp"
			return 1
		fi
		[ "$sp" != / ] || return 0
		sp=$(dirname "$sp")
	done
}

# conf_get KEY FILE: the last global value of KEY (before any section).
conf_get() {
	awk -v k="$1" '
		/^[ \t]*\[/ { exit }
		/^[ \t]*#/ { next }
		{
			i = index($0, "=")
			if (i == 0) next
			key = substr($0, 1, i - 1); val = substr($0, i + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", key)
			gsub(/^[ \t]+|[ \t]+$/, "", val)
			if (key == k) v = val
		}
		END { if (v != "") print v }' "$2" 2>/dev/null
}

# ------------------------------------------------------------ preconditions
say "sessrec $SR, sessrec-rec $REC, configuration $CONF"
# Ours: the first line is MARK and a pid.
conf_is_ours() {
	case $(head -1 "$CONF" 2>/dev/null) in
	"$MARK "[0-9]*) return 0 ;;
	esac
	return 1
}
if [ "$SELFTEST" = 1 ] && [ -e "$CONF" ] && ! conf_is_ours; then
	die "--self-test would replace $CONF, which it did not write: run it against a test install (./configure --with-confdir=DIR), or without --self-test"
fi
if [ -e "$WORK" ]; then
	die "$WORK exists: remove it or give --workdir"
fi
if id "$TUSER" >/dev/null 2>&1; then
	die "user $TUSER exists: give another --user"
fi
if [ -e "$SUDOERS" ]; then
	die "$SUDOERS exists (another run, or --keep): remove it first"
fi
if ! [ -d /etc/sudoers.d ] ||
    ! grep -E -q '^[@#]include(dir)?[[:space:]]+/etc/sudoers\.d' /etc/sudoers 2>/dev/null; then
	die "/etc/sudoers does not include /etc/sudoers.d"
fi

mkdir -m 0755 "$WORK" || die "cannot make $WORK"
MADE_WORK=1
chown root:root "$WORK"
if bad=$(safe_path "$WORK"); then :; else
	die "$bad (above $WORK) is not root's or is group/other-writable: the recorder would refuse it; give --workdir"
fi
mkdir -m 0755 "$WORK/ssh" "$WORK/ssh/auth"

# ---------------------------------------------------------------- install
RECUSER=$(stat -c %U "$REC")
recmode=$(stat -c %a "$REC")
if [ "$RECUSER" != root ] && [ "$recmode" = 6711 ]; then
	pass "install: sessrec-rec" "$REC set-id $RECUSER, mode $recmode; config $CONF"
else
	abort "install: sessrec-rec" "$REC is $RECUSER mode $recmode, want set-id to the recorder account, 6711 (make install as root with the account present)"
fi
"$SR" --version >/dev/null 2>&1 || "$SR" --help >/dev/null 2>&1 ||
    abort "install: sessrec" "$SR does not run"

# ------------------------------------------------------------ deployment
SHIP_FILE=
if [ "$SELFTEST" = 1 ]; then
	# A throwaway deployment: config in CONFDIR, the rest under WORK.
	d=$CONFDIR
	while [ ! -d "$d" ]; do
		MADE_CONFDIRS="$d $MADE_CONFDIRS"
		d=$(dirname "$d")
	done
	# shellcheck disable=SC2086
	for d in $(printf '%s\n' $MADE_CONFDIRS | sort); do
		mkdir -m 0755 "$d" || abort "self-test: config" "cannot make $d"
	done
	if bad=$(safe_path "$CONFDIR"); then :; else
		abort "self-test: config" "$bad is not root's or is group/other-writable: sessrec-rec ignores $CONF"
	fi
	OUT=$WORK/rec
	mkdir -m 0700 "$OUT"
	mkdir -m 0755 "$WORK/run" "$WORK/keys"
	chown "$RECUSER:" "$OUT" "$WORK/run"
	if ! "$SR" keygen -d "$WORK/keys" >"$WORK/keygen.out" 2>&1; then
		abort "self-test: host key" "sessrec keygen: $(cat "$WORK/keygen.out")"
	fi
	KEY=$WORK/keys/host.key
	PUBKEY=${PUBKEY:-$WORK/keys/host.pub}
	chown "$RECUSER:" "$KEY"
	chmod 0400 "$KEY"

	# rsyslogd on a private socket: RFC 5424 parsed, our structured data
	# split into JSON by mmpstrucdata, one "|"-separated line per event.
	RS=$WORK/syslog
	mkdir -m 0755 "$RS"
	SHIP_SOCK=$RS/log.sock
	SHIP_FILE=$RS/events.log
	cat >"$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS")
module(load="imuxsock" sysSock.use="off")
module(load="mmpstrucdata")
input(type="imuxsock" socket="$SHIP_SOCK" unlink="on" useSpecialParser="off"
      parseHostname="on" ignoreTimestamp="off" rateLimit.interval="0")
template(name="rbprops" type="list") {
	property(name="pri") constant(value="|")
	property(name="syslogfacility-text") constant(value="|")
	property(name="syslogseverity-text") constant(value="|")
	property(name="timereported" dateFormat="rfc3339") constant(value="|")
	property(name="hostname") constant(value="|")
	property(name="app-name") constant(value="|")
	property(name="procid") constant(value="|")
	property(name="msgid") constant(value="|")
	property(name="\$!rfc5424-sd!sessrec@32473") constant(value="|")
	property(name="msg") constant(value="\n")
}
action(type="mmpstrucdata")
action(type="omfile" file="$SHIP_FILE" template="rbprops")
action(type="omfile" file="$RS/raw.log" template="RSYSLOG_SyslogProtocol23Format")
EOF
	if ! rsyslogd -N1 -f "$RS/rsyslog.conf" >"$RS/check.out" 2>&1; then
		abort "self-test: rsyslogd" "rsyslogd -N1 rejects the config: $(tail -3 "$RS/check.out")"
	fi
	rsyslogd -n -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" 3>&- \
	    </dev/null >"$RS/rsyslogd.out" 2>&1 &
	RSYS_PID=$!
	if ! wait_for 10 test -S "$SHIP_SOCK"; then
		abort "self-test: rsyslogd" "no socket $SHIP_SOCK: $(tail -3 "$RS/rsyslogd.out")"
	fi
	# The recorder ships as its own account.
	chmod 0666 "$SHIP_SOCK" 2>/dev/null || :

	{
		echo "$MARK $$"
		echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ); removed when it ends"
		echo "output_dir = $OUT"
		echo "lock_dir = $WORK/run"
		echo "key = $KEY"
		echo "record_input = yes"
		echo "notice = RUNBOOK: this session is recorded (session %s)"
		echo "ship = syslog"
		echo "ship_socket = $SHIP_SOCK"
	} >"$CONF.rb$$"
	chmod 0644 "$CONF.rb$$"
	mv "$CONF.rb$$" "$CONF" || abort "self-test: config" "cannot write $CONF"
	MADE_CONF=1
	pass "self-test: deployment" "config $CONF, output $OUT, key $KEY, rsyslogd pid $RSYS_PID on $SHIP_SOCK"
else
	[ -f "$CONF" ] || abort "deployment: config" "$CONF does not exist (--self-test builds a throwaway deployment)"
	OUT=$(conf_get output_dir "$CONF")
	OUT=${OUT:-/var/log/sessrec}
	KEY=$(conf_get key "$CONF")
	if [ -z "$PUBKEY" ]; then
		for p in "${KEY%.key}.pub" "$CONFDIR/host.pub"; do
			[ -n "$KEY" ] || [ "$p" != .pub ] || continue
			[ -f "$p" ] && PUBKEY=$p && break
		done
	fi
	ship=$(conf_get ship "$CONF")
	SHIP_SOCK=$(conf_get ship_socket "$CONF")
	if [ -z "$SYSLOG_FILE" ]; then
		for f in /var/log/auth.log /var/log/secure /var/log/messages /var/log/syslog; do
			[ -f "$f" ] && SYSLOG_FILE=$f && break
		done
	fi
	[ -d "$OUT" ] || abort "deployment: config" "output_dir $OUT does not exist"
	pass "deployment: config" "$CONF: output $OUT, key ${KEY:-none}, pub ${PUBKEY:-none}, ship ${ship:-syslog}${SHIP_SOCK:+ to $SHIP_SOCK}, events read from ${SYSLOG_FILE:-nowhere}"
fi

# ------------------------------------------------------------ test user
# Login shell sessrec-rec and ForceCommand sessrec-rec: the deployment
# README and sessrec-rec(8) recommend both (nothing of the user's runs
# before the recorder).
if ! useradd -m -s "$REC" -c "sessrec runbook $$" "$TUSER" >"$WORK/useradd.out" 2>&1; then
	abort "test user" "useradd $TUSER: $(cat "$WORK/useradd.out")"
fi
MADE_USER=1
usermod -p '*' "$TUSER" # no password, yet not locked for sshd
THOME=$(getent passwd "$TUSER" | cut -d: -f6)
TUID=$(id -u "$TUSER")
ssh-keygen -q -t ed25519 -N '' -C "$TUSER" -f "$WORK/ssh/id_user" ||
    abort "test user" "ssh-keygen failed"
cp "$WORK/ssh/id_user.pub" "$WORK/ssh/auth/$TUSER"
chmod 0644 "$WORK/ssh/auth/$TUSER"
# A prompt the driver waits for; the typed input never contains it.
printf '%s\n' "PS1='[rb-ready]\\$ '; export PS1" >"$THOME/.bashrc"
printf '%s\n' '. ~/.bashrc' >"$THOME/.bash_profile"
chown "$TUSER:" "$THOME/.bashrc" "$THOME/.bash_profile"
pass "test user" "$TUSER (uid $TUID), shell $REC, ed25519 key"

# ------------------------------------------------------------ sudoers
IOLOG=$WORK/sudo-io
cat >"$WORK/sudoers" <<EOF
# sessrec-runbook $$: removed when the runbook ends
Defaults:$TUSER iolog_dir=$IOLOG
Defaults:$TUSER !log_passwords
$TUSER ALL=(root) NOPASSWD: LOG_INPUT: LOG_OUTPUT: /usr/bin/id
EOF
if ! visudo -cf "$WORK/sudoers" >"$WORK/visudo.out" 2>&1; then
	abort "sudoers drop-in" "visudo -cf: $(cat "$WORK/visudo.out")"
fi
install -m 0440 -o root -g root "$WORK/sudoers" "$SUDOERS"
MADE_SUDOERS=1
if ! visudo -c >"$WORK/visudo.out" 2>&1; then
	abort "sudoers drop-in" "visudo -c with it: $(tail -3 "$WORK/visudo.out")"
fi
pass "sudoers drop-in" "$SUDOERS: /usr/bin/id with log_input, log_output, iolog_dir $IOLOG"

# ------------------------------------------------------------ sshd
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd
	MADE_RUNSSHD=1
fi
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh/host_ed25519" ||
    abort "sshd" "ssh-keygen (host key) failed"
if [ "$USEPAM" = auto ]; then
	USEPAM=no
	[ -f /etc/pam.d/sshd ] && USEPAM=yes
fi
PORT=${PORT:-$(free_port)}
[ -n "$PORT" ] || abort "sshd" "no free port found: give --port"
cat >"$WORK/ssh/sshd_config" <<EOF
# sessrec-runbook $$: a private sshd, never the system one
ListenAddress 127.0.0.1
Port $PORT
HostKey $WORK/ssh/host_ed25519
PidFile $WORK/ssh/sshd.pid
AuthorizedKeysFile $WORK/ssh/auth/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM $USEPAM
PermitRootLogin no
AllowUsers $TUSER
PrintMotd no
PrintLastLog no
DisableForwarding yes
PermitUserRC no
PermitUserEnvironment no
ExposeAuthInfo yes
AcceptEnv SESSREC_TICKET
ForceCommand $REC
EOF
if ! "$SSHD" -t -f "$WORK/ssh/sshd_config" >"$WORK/ssh/t.out" 2>&1; then
	abort "sshd" "sshd -t: $(cat "$WORK/ssh/t.out")"
fi
"$SSHD" -D -e -f "$WORK/ssh/sshd_config" </dev/null >"$WORK/ssh/sshd.log" 2>&1 &
SSHD_PID=$!
if ! wait_for 10 port_listening "$PORT"; then
	abort "sshd" "not listening on 127.0.0.1:$PORT: $(tail -3 "$WORK/ssh/sshd.log")"
fi
pass "sshd" "127.0.0.1:$PORT pid $SSHD_PID, UsePAM $USEPAM, ForceCommand $REC"

# ------------------------------------------------------------ the session
SO=$WORK/session.out
SE=$WORK/session.err
mkfifo -m 0600 "$WORK/session.in"
(
	TERM=xterm SESSREC_TICKET=$TICKET
	export TERM SESSREC_TICKET
	exec timeout $((TO * 4)) ssh -F /dev/null -i "$WORK/ssh/id_user" \
	    -p "$PORT" -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
	    -o IdentitiesOnly=yes -o LogLevel=ERROR -o ConnectTimeout=10 \
	    -o SendEnv=SESSREC_TICKET -tt "$TUSER@127.0.0.1" \
	    <"$WORK/session.in" >"$SO" 2>"$SE"
) &
SSH_PID=$!
exec 3>"$WORK/session.in"
T_LOGIN=$(date +%s)

prompts() {
	# the raw terminal output, CRs and escapes included
	grep -a -o '\[rb-ready\]\$ ' "$SO" 2>/dev/null | wc -l
}
ssh_gone() {
	! kill -0 "$SSH_PID" 2>/dev/null
}
# More prompts than N, or the session is over (then false at once).
more_prompts() {
	[ "$(prompts)" -gt "$1" ] && return 0
	! ssh_gone || [ "$(prompts)" -gt "$1" ] || { wf_n=0; return 1; }
	return 1
}
# typeline CMD: types CMD at the prompt and waits for the next prompt.
typeline() {
	tl_n=$(prompts)
	printf '%s\r' "$1" >&3
	wait_for "$TO" more_prompts "$tl_n"
}
# The terminal output without CRs and CSI sequences (bash's bracketed
# paste mode wraps every prompt in them).
ESC=$(printf '\033')
clean() {
	tr -d '\r' | sed "s/$ESC\[[0-9;?]*[A-Za-z]//g"
}
# The output lines after the Nth prompt and before the next one.
after_prompt() {
	clean <"$SO" | awk -v n="$1" '
		{ c = gsub(/\[rb-ready\]\$ /, "&") }
		seen == n && c == 0 { print }
		{ seen += c }'
}

if ! wait_for "$TO" more_prompts 0; then
	ssh_gone && wait "$SSH_PID" 2>/dev/null
	abort "ssh login" "no shell prompt within $TO s (or ssh ended); ssh said: $(tr -d '\r' <"$SE" | tail -3) $(tr -d '\r' <"$SO" | tail -3)"
fi
SID=$(cat "$SO" "$SE" | clean | grep -a -o -E 'session [0-9A-HJKMNP-TV-Z]{26}' | head -1 |
    cut -d' ' -f2)
typeline 'echo "RB-SID=$SESSREC_SESSION"' || :
s2=$(clean <"$SO" | sed -n 's/^RB-SID=\([0-9A-Z]\{26\}\)$/\1/p' | head -1)
SID=${SID:-$s2}
if [ -n "$SID" ] && [ "$SID" = "$s2" ]; then
	pass "ssh login (ssh -tt)" "$TUSER@127.0.0.1:$PORT, ticket $TICKET, session $SID, notice shown, prompt after $(($(date +%s) - T_LOGIN)) s"
elif [ -n "$s2" ] && [ "$SELFTEST" = 0 ]; then
	SID=$s2
	pass "ssh login (ssh -tt)" "$TUSER@127.0.0.1:$PORT, ticket $TICKET, session $SID (no notice naming it: notice off?)"
elif [ -n "$s2" ]; then
	SID=$s2
	failrow "ssh login (ssh -tt)" "session $SID, but no recording notice naming it"
else
	failrow "ssh login (ssh -tt)" "no session id (SESSREC_SESSION unset: not recorded?)"
fi

# The seed's commands, each waited for.
st=0
typeline 'id' || st=1
after_prompt 2 >"$WORK/o.id"
if [ $st = 0 ] && grep -q "^uid=$TUID($TUSER)" "$WORK/o.id"; then
	pass "id" "$(grep '^uid=' "$WORK/o.id" | cut -c1-80)"
else
	failrow "id" "want uid=$TUID($TUSER): $(head -c 200 "$WORK/o.id")"
fi
st=0
typeline 'hostname' || st=1
after_prompt 3 >"$WORK/o.hostname"
HN=$(hostname)
if [ $st = 0 ] && grep -q -x -F -- "$HN" "$WORK/o.hostname"; then
	pass "hostname" "$HN"
else
	failrow "hostname" "want $HN: $(head -c 200 "$WORK/o.hostname")"
fi
st=0
typeline 'sudo -n -l' || st=1
after_prompt 4 >"$WORK/o.sudo-l"
if [ $st = 0 ] && grep -q '(root) .*NOPASSWD:.*/usr/bin/id' "$WORK/o.sudo-l"; then
	pass "sudo -l" "lists (root) NOPASSWD: /usr/bin/id with I/O logging"
else
	failrow "sudo -l" "$(head -c 300 "$WORK/o.sudo-l")"
fi
st=0
typeline 'sudo -n /usr/bin/id' || st=1
after_prompt 5 >"$WORK/o.sudo-id"
if [ $st = 0 ] && grep -q '^uid=0(root)' "$WORK/o.sudo-id"; then
	pass "sudo /usr/bin/id" "$(grep '^uid=' "$WORK/o.sudo-id" | cut -c1-60)"
else
	failrow "sudo /usr/bin/id" "want uid=0(root): $(head -c 300 "$WORK/o.sudo-id")"
fi
printf 'exit\r' >&3
exec 3>&-
if wait_for "$TO" ssh_gone; then
	wait "$SSH_PID"
	rc=$?
	SSH_PID=
	check "$([ "$rc" = 0 ] && echo 0 || echo 1)" "logout" "ssh exit status 0, session $(($(date +%s) - T_LOGIN)) s" \
	    "ssh exit status $rc: $(tr -d '\r' <"$SE" | tail -2)"
else
	failrow "logout" "ssh still running $TO s after exit"
fi

# ------------------------------------------------------------ the checks
# 1. The recording: named after the session, complete (sealed).
REC_FILE=
[ -z "$SID" ] || REC_FILE=$(find "$OUT" -name "*$SID*" -type f 2>/dev/null | head -1)
rec_complete() {
	"$SR" info --json "$REC_FILE" 2>/dev/null | grep -q '"state":"complete"'
}
if [ -z "$REC_FILE" ]; then
	failrow "recording exists" "no file for session ${SID:-?} in $OUT"
elif wait_for "$TO" rec_complete; then
	pass "recording exists" "$REC_FILE ($(stat -c '%s bytes, %U %a' "$REC_FILE")), complete"
else
	failrow "recording exists" "$REC_FILE is not complete: $("$SR" info --json "$REC_FILE" 2>&1 | head -c 200)"
fi

# 2. The sudo I/O log: a session directory with log, timing, ttyout.
IODIR=$(find "$IOLOG" -name timing -type f 2>/dev/null | head -1)
[ -z "$IODIR" ] || IODIR=$(dirname "$IODIR")
if [ -n "$IODIR" ] && { [ -f "$IODIR/log" ] || [ -f "$IODIR/log.json" ]; } &&
    [ -f "$IODIR/ttyout" ]; then
	pass "sudo I/O log exists" "$IODIR: $(cd "$IODIR" && ls | tr '\n' ' ')"
else
	failrow "sudo I/O log exists" "no session dir with log, timing, ttyout under $IOLOG: $(find "$IOLOG" 2>/dev/null | head -10 | tr '\n' ' ')"
fi

# fields_check WHAT JSON-LINE: actor, src_ip, target, session_id, ticket.
fields_bad() {
	fb=
	v=$(printf '%s\n' "$1" | jget actor)
	[ "$v" = "$TUSER" ] || fb="$fb actor='$v'"
	v=$(printf '%s\n' "$1" | jget src_ip)
	[ "$v" = 127.0.0.1 ] || fb="$fb src_ip='$v'"
	v=$(printf '%s\n' "$1" | jget target)
	[ -n "$v" ] || fb="$fb target=''"
	v=$(printf '%s\n' "$1" | jget session_id)
	[ "$v" = "$SID" ] || fb="$fb session_id='$v'"
	v=$(printf '%s\n' "$1" | jget ticket)
	[ "$v" = "$TICKET" ] || fb="$fb ticket='$v'"
	printf '%s' "$fb"
}
fields_ok() {
	printf 'actor=%s src_ip=%s target=%s session_id=%s ticket=%s' \
	    "$(printf '%s\n' "$1" | jget actor)" "$(printf '%s\n' "$1" | jget src_ip)" \
	    "$(printf '%s\n' "$1" | jget target)" "$(printf '%s\n' "$1" | jget session_id)" \
	    "$(printf '%s\n' "$1" | jget ticket)"
}

# 3. sessrec ls --json.
"$SR" ls --json --source "$OUT" >"$WORK/ls.json" 2>"$WORK/ls.err"
line=$(grep -F "\"session_id\":\"$SID\"" "$WORK/ls.json" | head -1)
if [ -z "$SID" ] || [ -z "$line" ]; then
	failrow "ls --json fields" "no session ${SID:-?} in sessrec ls --json --source $OUT: $(head -c 200 "$WORK/ls.err")"
else
	bad=$(fields_bad "$line")
	check "$([ -z "$bad" ] && echo 0 || echo 1)" "ls --json fields" \
	    "$(fields_ok "$line")" "wrong:$bad"
fi

# 4. The events the recorder shipped to syslog.
ship_line() { # MSGID: the first matching line for the session
	grep -a -F "$SID" "$SHIP_FILE" 2>/dev/null | grep -a -F "|$1|" | head -1
}
ship_arrived() {
	[ -n "$(ship_line session_end)" ]
}
if [ "$SELFTEST" = 1 ]; then
	wait_for 10 ship_arrived || :
	for ev in session_start session_end; do
		l=$(ship_line "$ev")
		if [ -z "$SID" ] || [ -z "$l" ]; then
			failrow "shipped $ev" "no $ev event for ${SID:-?} in $SHIP_FILE ($(wc -l <"$SHIP_FILE" 2>/dev/null || echo 0) events; does this sessrec-rec ship? see $RS/raw.log)"
			continue
		fi
		# pri|facility|severity|time|host|app|procid|msgid|sd|msg
		fac=$(printf '%s' "$l" | cut -d'|' -f2)
		sev=$(printf '%s' "$l" | cut -d'|' -f3)
		app=$(printf '%s' "$l" | cut -d'|' -f6)
		sd=$(printf '%s' "$l" | cut -d'|' -f9)
		msg=$(printf '%s' "$l" | cut -d'|' -f10-)
		bad=
		# sessrec.conf(5): authpriv.notice, APP-NAME sessrec, MSGID
		# the event type (the line was picked by it).
		[ "$fac" = authpriv ] || bad="$bad facility=$fac"
		[ "$sev" = notice ] || bad="$bad severity=$sev"
		[ "$app" = sessrec ] || bad="$bad app-name=$app"
		b=$(fields_bad "$sd")
		[ -z "$b" ] || bad="$bad structured data:$b"
		b=$(fields_bad "$msg")
		[ -z "$b" ] || bad="$bad JSON:$b"
		v=$(printf '%s\n' "$msg" | jget type)
		[ "$v" = "$ev" ] || bad="$bad type='$v'"
		v=$(printf '%s\n' "$msg" | jget host)
		[ -n "$v" ] || bad="$bad host=''"
		v=$(printf '%s\n' "$msg" | jget time)
		[ -n "$v" ] || bad="$bad time=''"
		if [ "$ev" = session_end ]; then
			v=$(printf '%s\n' "$msg" | jget exit_status)
			[ "$v" = 0 ] || bad="$bad exit_status='$v'"
		fi
		check "$([ -z "$bad" ] && echo 0 || echo 1)" "shipped $ev" \
		    "RFC 5424 $fac.$sev $app $ev, SD and JSON: $(fields_ok "$msg")" "wrong:$bad"
	done
else
	# The system syslog: the JSON message of each event, found by
	# session id (its structured data may or may not be kept).
	sys_events() {
		if [ -n "$SYSLOG_FILE" ] && [ -r "$SYSLOG_FILE" ]; then
			grep -a -F "$SID" "$SYSLOG_FILE" 2>/dev/null
		fi
		if command -v journalctl >/dev/null 2>&1 &&
		    journalctl -q -n 0 >/dev/null 2>&1; then
			journalctl -q -o cat --since "@$T_LOGIN" 2>/dev/null |
			    grep -a -F "$SID"
		fi
	}
	sys_end() {
		sys_events | grep -a -q '"type":"session_end"'
	}
	if [ "${ship:-syslog}" = off ] || [ "${ship:-syslog}" = no ]; then
		failrow "shipped events" "ship = ${ship} in $CONF: nothing reaches the SIEM"
	else
		wait_for 10 sys_end || :
		for ev in session_start session_end; do
			l=$(sys_events | grep -a "\"type\":\"$ev\"" | head -1)
			if [ -z "$SID" ] || [ -z "$l" ]; then
				failrow "shipped $ev" "no $ev event for ${SID:-?} in ${SYSLOG_FILE:-the syslog files}${SHIP_SOCK:+ (ship_socket $SHIP_SOCK)} or the journal"
				continue
			fi
			msg=\{${l#*\{}
			bad=$(fields_bad "$msg")
			check "$([ -z "$bad" ] && echo 0 || echo 1)" "shipped $ev" \
			    "JSON: $(fields_ok "$msg")" "wrong:$bad"
		done
	fi
fi

# 5. grep --actor finds the commands, timed.
# Output and typed command lines (--all): with record_input the command
# line is found as such, else its echo in the output.
t1=$(now_ms)
"$SR" grep --all --actor "$TUSER" --source "$OUT" 'hostname' >"$WORK/grep.out" 2>"$WORK/grep.err"
grc=$?
t2=$(now_ms)
GREP_MS=$((t2 - t1))
nrec=$(grep -c . "$WORK/ls.json" 2>/dev/null || echo 0)
if [ "$grc" = 0 ] && grep -q -F "$SID" "$WORK/grep.out"; then
	how="in the output"
	grep -q '(command): hostname$' "$WORK/grep.out" && how="as a command line and in the output"
	pass "grep --actor (recording)" "$(grep -c -F "$SID" "$WORK/grep.out") hits for 'hostname' in $SID, $how"
elif [ "$SELFTEST" = 1 ] && ! grep -q '(command): hostname$' "$WORK/grep.out"; then
	failrow "grep --actor (recording)" "exit $grc: the typed command line 'hostname' was not found (record_input = yes): $(head -c 200 "$WORK/grep.out") $(head -c 200 "$WORK/grep.err")"
else
	failrow "grep --actor (recording)" "exit $grc: $(head -c 200 "$WORK/grep.out") $(head -c 200 "$WORK/grep.err")"
fi
t3=$(now_ms)
"$SR" grep --all --actor "$TUSER" --source "$IOLOG" '/usr/bin/id|uid=0\(root\)' \
    >"$WORK/grep-sudo.out" 2>"$WORK/grep-sudo.err"
grc=$?
t4=$(now_ms)
if [ "$grc" = 0 ] && grep -q 'uid=0(root)' "$WORK/grep-sudo.out"; then
	pass "grep --actor (sudo I/O log)" "$(grep -c . "$WORK/grep-sudo.out") hits for /usr/bin/id in $IOLOG"
else
	failrow "grep --actor (sudo I/O log)" "exit $grc: $(head -c 200 "$WORK/grep-sudo.out") $(head -c 200 "$WORK/grep-sudo.err")"
fi
row INFO "search time" "grep --actor: ${GREP_MS} ms over $OUT ($nrec recordings), $((t4 - t3)) ms over the sudo I/O log"

# 6. verify with the host's public key.
if [ -z "$REC_FILE" ]; then
	failrow "verify --key" "no recording to verify"
elif [ -z "$PUBKEY" ] || [ ! -f "$PUBKEY" ]; then
	failrow "verify --key" "no public key (key = ${KEY:-unset} in $CONF; give --pubkey)"
else
	"$SR" verify --key "$PUBKEY" "$REC_FILE" >"$WORK/verify.out" 2>&1
	vrc=$?
	if [ "$vrc" = 0 ] && grep -q '^OK' "$WORK/verify.out"; then
		pass "verify --key" "$(head -1 "$WORK/verify.out" | cut -c1-120)"
	else
		failrow "verify --key" "exit $vrc: $(head -c 300 "$WORK/verify.out")"
	fi
fi

# 7. cat of the sudo I/O log, and the sudo marker in the recording.
if [ -n "$IODIR" ] && "$SR" cat "$IODIR" >"$WORK/cat-sudo.out" 2>"$WORK/cat-sudo.err" &&
    grep -q "^uid=0(root)" "$WORK/cat-sudo.out"; then
	pass "cat (sudo I/O log)" "$(grep '^uid=0' "$WORK/cat-sudo.out" | tr -d '\r' | cut -c1-60)"
else
	failrow "cat (sudo I/O log)" "$(head -c 200 "$WORK/cat-sudo.out" 2>/dev/null) $(head -c 200 "$WORK/cat-sudo.err" 2>/dev/null)"
fi

finish
