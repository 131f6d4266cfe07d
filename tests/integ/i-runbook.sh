#!/bin/sh
# SPDX-License-Identifier: ISC
# The validation runbook (samples/runbook.sh, installed as
# sessrec-runbook) against a test install, as CI runs it.  As root:
# builds sessrec and sessrec-rec like tests/priv/t-bastion.sh does
# (--prefix and --with-confdir under a root-owned directory outside /tmp,
# sessrec-rec set-id to a throwaway recorder account), then runs
#   1. the deployment mode against a configuration the test writes (its
#      own rsyslogd takes the shipped events into a file in rsyslog's
#      traditional format, which the runbook reads with --syslog-file);
#      and again with ship = off: only the shipped-events row fails;
#   2. --self-test beside that foreign configuration: refused (exit 3),
#      nothing touched;
#   3. --self-test: every row PASS, exit 0, everything removed again;
#   4. --self-test with a public key that did not sign: only the verify
#      row fails, exit 1;
#   5. a sessrec-rec without its set-id bits: the install row fails.
# Skips (77) when not root or sshd, rsyslogd, sudo or useradd is missing.
# SR_RB_PREFIX=DIR uses an existing test install (DIR/bin/sessrec-rec
# set-id, its --with-confdir without a sessrec.conf) instead of building
# one.
. "$SR_SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root"
for c in /usr/sbin/sshd ssh ssh-keygen sudo visudo rsyslogd useradd userdel; do
	command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
done
grep -E -q '^[@#]include(dir)?[[:space:]]+/etc/sudoers\.d' /etc/sudoers ||
    skip "/etc/sudoers does not include /etc/sudoers.d"
RB=$SR_SRCDIR/samples/runbook.sh
[ -f "$RB" ] || skip "samples/runbook.sh missing"

T=/var/lib/sessrec-test-rb.$$
RECUSER=srrb$$
MADE_RECUSER=
RS_PID=
cleanup() {
	set +e
	[ -z "$RS_PID" ] || kill "$RS_PID" 2>/dev/null
	if [ -n "$MADE_RECUSER" ]; then
		userdel -f "$RECUSER" >/dev/null 2>&1
		groupdel "$RECUSER" >/dev/null 2>&1
	fi
	rm -rf "$T" "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ------------------------------------------------------------ the install
mkdir -m 0755 "$T"
if [ -n "${SR_RB_PREFIX:-}" ]; then
	P=$SR_RB_PREFIX
	CONFDIR=$(grep -a -o '/[[:alnum:]_./+-]*/sessrec\.conf' \
	    "$P/bin/sessrec-rec" | head -1)
	CONFDIR=${CONFDIR%/sessrec.conf}
	[ ! -e "$CONFDIR/sessrec.conf" ] ||
	    skip "$CONFDIR/sessrec.conf exists: not a test install"
else
	P=$T/prefix
	CONFDIR=$T/etc
	useradd --system --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin --user-group "$RECUSER" ||
	    skip "useradd --system failed"
	MADE_RECUSER=1
	mkdir "$T/build"
	t0=$(date +%s)
	src=$(clean_srcdir "$T/src")
	if ! (cd "$T/build" && "$src/configure" --prefix="$P" \
	    --with-confdir="$CONFDIR" --with-rec-user="$RECUSER" \
	    CFLAGS="${SR_PRIV_CFLAGS:--g -O1}" && make -j2 sessrec sessrec-rec &&
	    make install-exec) >"$T/build.out" 2>&1; then
		fail "build/install: $(grep -E 'error|Error' "$T/build.out" | head -10)"
		finish
	fi
	echo "build/install took $(($(date +%s) - t0)) s"
fi
RECUSER=$(stat -c %U "$P/bin/sessrec-rec")

# runbook WANT-EXIT NAME ARGS...: output in $TMP/NAME.out.
runbook() {
	rb_want=$1
	rb_name=$2
	shift 2
	sr_steps=$((sr_steps + 1))
	set +e
	timeout 600 sh "$RB" --prefix "$P" "$@" </dev/null >"$TMP/$rb_name.out" 2>&1
	rb_got=$?
	set -e
	if [ "$rb_got" != "$rb_want" ]; then
		fail "$rb_name: runbook exit $rb_got, want $rb_want:"
		cat "$TMP/$rb_name.out"
	fi
}

# row NAME RESULT CHECK: the table of run NAME has CHECK with RESULT.
row_is() {
	sr_steps=$((sr_steps + 1))
	if ! grep -E -q "^$2 +$3 " "$TMP/$1.out"; then
		fail "$1: no '$2' row for '$3':"
		grep -E '^(PASS|FAIL|INFO) ' "$TMP/$1.out" | head -30
	fi
}

# Nothing of a run may stay behind.
left_nothing() { # NAME
	expect_eq "$(find /etc/sudoers.d -name 'sessrec-runbook*' | wc -l)" 0 \
	    "$1: sudoers drop-in removed"
	expect_eq "$(getent passwd | grep -c '^sessrec-rb' || :)" 0 \
	    "$1: test user removed"
	expect_eq "$(ls -d /var/lib/sessrec-runbook.* 2>/dev/null | wc -l)" 0 \
	    "$1: work directory removed"
}

# ------------------------------------------------- 1. the deployment mode
# A configuration like an administrator's (not the runbook's), a host
# key, and rsyslogd writing what reaches ship_socket to a plain file.
mkdir -m 0755 "$CONFDIR" "$T/syslog" 2>/dev/null || :
mkdir -m 0700 "$T/rec"
mkdir -m 0755 "$T/run"
chown "$RECUSER:" "$T/rec" "$T/run"
"$P/bin/sessrec" keygen -d "$CONFDIR" >"$TMP/keygen.out" 2>&1 ||
    fail "keygen: $(cat "$TMP/keygen.out")"
chown "$RECUSER:" "$CONFDIR/host.key"
cat >"$T/syslog/rsyslog.conf" <<EOF
global(workDirectory="$T/syslog")
module(load="imuxsock" sysSock.use="off")
input(type="imuxsock" socket="$T/syslog/log.sock" unlink="on"
      rateLimit.interval="0")
action(type="omfile" file="$T/syslog/auth.log" template="RSYSLOG_FileFormat")
EOF
rsyslogd -n -f "$T/syslog/rsyslog.conf" -i "$T/syslog/pid" 3>&- \
    </dev/null >"$T/syslog/out" 2>&1 &
RS_PID=$!
wait_for 10 test -S "$T/syslog/log.sock" ||
    fail "rsyslogd did not start: $(cat "$T/syslog/out")"
chmod 0666 "$T/syslog/log.sock"
cat >"$CONFDIR/sessrec.conf" <<EOF
# the administrator's configuration (i-runbook.sh)
output_dir = $T/rec
lock_dir = $T/run
key = $CONFDIR/host.key
ship = syslog
ship_socket = $T/syslog/log.sock
EOF
chmod 0644 "$CONFDIR/sessrec.conf"
cp "$CONFDIR/sessrec.conf" "$TMP/conf.before"

runbook 0 deploy --syslog-file "$T/syslog/auth.log"
for r in "install: sessrec-rec" "deployment: config" "ssh login \(ssh -tt\)" \
    id hostname "sudo -l" "sudo /usr/bin/id" logout "recording exists" \
    "sudo I/O log exists" "ls --json fields" "shipped session_start" \
    "shipped session_end" "grep --actor \(recording\)" \
    "grep --actor \(sudo I/O log\)" "verify --key" "cat \(sudo I/O log\)"; do
	row_is deploy PASS "$r"
done
row_is deploy INFO "search time"
expect_grep "$TMP/deploy.out" '^[0-9]+ of [0-9]+ rows passed, 0 failed; run time [0-9]+ s$' \
    "deploy: summary line"
# The evidence stays in the deployment's output directory.
expect_eq "$(find "$T/rec" -name '*.srec' | wc -l)" 1 "deploy: the recording stays"
cmp -s "$CONFDIR/sessrec.conf" "$TMP/conf.before" ||
    fail "deploy: the configuration was changed"
left_nothing deploy
sed -n '/^RES /,$p' "$TMP/deploy.out"

# The same with shipping off: the shipped-events row fails, no other.
sed 's/^ship = syslog$/ship = off/' "$TMP/conf.before" >"$CONFDIR/sessrec.conf"
runbook 1 noship --syslog-file "$T/syslog/auth.log"
row_is noship FAIL "shipped events"
row_is noship PASS "verify --key"
expect_grep "$TMP/noship.out" ' 1 failed; ' "noship: exactly one row failed"
cp "$TMP/conf.before" "$CONFDIR/sessrec.conf"
left_nothing noship

# ------------------------------------- 2. --self-test beside a foreign one
runbook 3 refuse --self-test
expect_grep "$TMP/refuse.out" "would replace $CONFDIR/sessrec.conf, which it did not write" \
    "refuse: message"
cmp -s "$CONFDIR/sessrec.conf" "$TMP/conf.before" ||
    fail "refuse: the configuration was changed"
left_nothing refuse
kill "$RS_PID"
RS_PID=
rm -f "$CONFDIR/sessrec.conf" "$CONFDIR/host.key" "$CONFDIR/host.pub"

# ------------------------------------------------------------ 3. self-test
runbook 0 self --self-test
for r in "install: sessrec-rec" "self-test: deployment" "ssh login \(ssh -tt\)" \
    id hostname "sudo -l" "sudo /usr/bin/id" logout "recording exists" \
    "sudo I/O log exists" "ls --json fields" "shipped session_start" \
    "shipped session_end" "grep --actor \(recording\)" \
    "grep --actor \(sudo I/O log\)" "verify --key" "cat \(sudo I/O log\)"; do
	row_is self PASS "$r"
done
expect_grep "$TMP/self.out" 'ls --json fields +actor=sessrec-rb[0-9]+ src_ip=127\.0\.0\.1 target=[^ ]+ session_id=[0-9A-Z]{26} ticket=RUNBOOK-1$' \
    "self: ls --json values"
expect_grep "$TMP/self.out" 'shipped session_start +RFC 5424 authpriv\.notice sessrec session_start, ' \
    "self: shipped as RFC 5424, authpriv.notice, app sessrec"
expect_grep "$TMP/self.out" 'search time +grep --actor: [0-9]+ ms' "self: search timed"
sr_steps=$((sr_steps + 1))
[ ! -e "$CONFDIR/sessrec.conf" ] || fail "self: $CONFDIR/sessrec.conf left behind"
left_nothing self
sed -n '/^RES /,$p' "$TMP/self.out"

# ------------------------------------------- 4. a key that did not sign
mkdir -m 0755 "$T/other"
"$P/bin/sessrec" keygen -d "$T/other" >/dev/null 2>&1 || fail "keygen (other)"
runbook 1 badkey --self-test --pubkey "$T/other/host.pub"
row_is badkey FAIL "verify --key"
row_is badkey PASS "recording exists"
row_is badkey PASS "shipped session_end"
expect_grep "$TMP/badkey.out" ' 1 failed; ' "badkey: exactly one row failed"
left_nothing badkey
grep -E '^FAIL ' "$TMP/badkey.out"

# ----------------------------------------- 5. sessrec-rec not set-id
mkdir -p "$T/plain/bin"
cp "$P/bin/sessrec" "$P/bin/sessrec-rec" "$T/plain/bin/"
chmod 0755 "$T/plain/bin/sessrec-rec"
sr_steps=$((sr_steps + 1))
set +e
sh "$RB" --prefix "$T/plain" --confdir "$CONFDIR" --self-test </dev/null \
    >"$TMP/plain.out" 2>&1
got=$?
set -e
expect_eq "$got" 1 "not set-id: exit status"
row_is plain FAIL "install: sessrec-rec"
left_nothing plain

finish
