# SPDX-License-Identifier: ISC
# sessrec grep: every option and exit status against recordings made by
# the real recorders (t3101-grep.d/make-fixtures.sh): words split by
# colour codes and across tlog messages, CR-overwritten text, redaction
# in text and JSON output, metadata filters, context, a pattern that
# backtracks without end, and an unreadable recording among good ones.
. "$SR_SRCDIR/tests/lib.sh"
D=$SR_SRCDIR/tests/cli/t3101-grep.d
S=$SR_SAMPLES
all="$D/session.cast $D/tlog-small.json $D/alice.srec $D/bob.srec"

# What the viewer saw: a word split by SGR, and one split across two
# tlog messages (the JSON itself never holds it whole).
step grep-split-colour 0 grep kill $all
step grep-split-messages 0 grep 'kubectl delete namespace' $all
if grep -q 'kubectl delete namespace' "$D/tlog-small.json"; then
	fail "fixture: tlog-small.json should split the words across messages"
fi
# Overwritten text is searched and labelled; what replaced it is not.
step grep-overwritten 0 grep 'rm -rf|all good' $all
step grep-progress 0 grep 'progress' "$D/session.cast"
# Redaction: on by default, in text and JSON; a hit inside a secret is
# printed masked.
step grep-redact 0 grep -i 'secret|bearer|postgres|ghp_' "$D/session.cast"
step grep-redact-inside 0 grep 'Tr0ub4dor|a1B2c3' $all
step grep-json 0 grep --json 'AWS_SECRET|kubectl delete' \
    "$D/tlog-small.json" "$D/alice.srec"
printf '# extra rule for the test\npid-number  kill -9 (?<secret>[0-9]+)\n' \
    >"$TMP/rules"
step grep-redact-rules 0 grep --redact-rules "$TMP/rules" kill "$D/session.cast"
printf 'ok-rule  fine\nbad-rule  (unclosed\n' >"$TMP/badrules"
step grep-redact-rules-bad 2 grep --redact-rules "$TMP/badrules" kill "$D/session.cast"
if [ "$(id -u)" = 0 ]; then
	step grep-no-redact 0 grep --no-redact 'AWS_SECRET' "$D/session.cast"
	# Anyone else needs the configured group.
	if command -v setpriv >/dev/null 2>&1 &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -r "$D/session.cast" 2>/dev/null &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -x "$SESSREC" 2>/dev/null; then
		sr_steps=$((sr_steps + 1))
		set +e
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$SESSREC" grep --no-redact AWS "$D/session.cast" \
		    >"$TMP/out" 2>"$TMP/err"
		got=$?
		set -e
		expect_eq "$got" 2 "--no-redact as nobody: exit"
		expect_grep "$TMP/err" 'only for root' "--no-redact as nobody"
		expect_no_grep "$TMP/out" 'wJalr' "--no-redact as nobody"
	fi
fi

# Options.
step grep-count 0 grep -c 'context|kubectl' $all
step grep-list 0 grep -l 'kubectl' $all
step grep-max 0 grep -m 2 'context' $all
step grep-context 0 grep -C 1 'context line [25]' "$D/session.cast"
step grep-after-before 0 grep -A 1 -B 2 'context line 4' "$D/alice.srec"
step grep-icase 0 grep -i 'KUBECTL GET' $all
step grep-word 0 grep -w 'kube|good' "$D/session.cast"
step grep-fixed 0 grep -F '10%' "$D/session.cast"
step grep-fixed-none 1 grep -F 'ki.ll' "$D/session.cast"
step grep-regexp 0 grep -e '-9 4242' "$D/session.cast"
step grep-color 0 grep --color=always 'kubectl (get|delete)' "$D/session.cast"
step grep-color-secret 0 grep --color=always 'Tr0ub4dor' "$D/session.cast"
step grep-nocolor-env 0 grep --color=auto 'kubectl get' "$D/session.cast"

# Metadata filters, decided before any event is read.
step grep-actor 0 grep --actor alice kubectl $all
step grep-target 0 grep --target 'web*' kubectl $all
step grep-ticket 0 grep --ticket 'CHG-*' kubectl $all
step grep-format 0 grep --format tlog kubectl $all
step grep-session 0 grep --session '01*' kubectl $all
step grep-since-none 1 grep --since 2099-01-01 kubectl $all
step grep-until-none 1 grep --until 2000-01-01 kubectl $all
step grep-window 0 grep --since 2026-01-01 --until 2099-01-01 'bob was' $all
# Every configured source when no operand is given.
SESSREC_SOURCES=$D step grep-sources 0 grep -l kubectl

# Parallel search: the same output, in the same order, whatever -j.
run 0 grep -j1 'context|kubectl|progress' $all
cp "$TMP/out" "$TMP/j1"
run 0 grep -j4 'context|kubectl|progress' $all
if ! cmp -s "$TMP/j1" "$TMP/out"; then
	fail "-j4 output differs from -j1"
	diff "$TMP/j1" "$TMP/out" | head
fi

# Exit statuses.
step grep-none 1 grep 'no such text anywhere' $all
step grep-usage 2 grep
step grep-bad-pattern 2 grep '(unclosed' "$D/session.cast"
step grep-bad-color 2 grep --color=sometimes x "$D/session.cast"
step grep-bad-jobs 2 grep -j x x "$D/session.cast"
step grep-no-session 2 grep kubectl NOSUCHSESSIONID
# A catastrophic pattern is an error naming where, not a hang or a
# silent miss.
step grep-catastrophic 2 grep '^(a+)+$' "$D/tlog-small.json"
# The same when the pattern runs over a block of lines first.
step grep-catastrophic-block 2 grep '(x+)+k' "$D/session.cast"
# An unreadable recording: reported, exit 3, the others still searched.
step grep-unreadable 3 grep deploy "$D/truncated.json.gz" "$D/session.cast"

# Commands: sudo's from its metadata, typed input with line editing.
step grep-commands-sudo 0 grep --commands . \
    --source "$S/sudo-io/sudoers-compressed"
step grep-commands-input 0 grep --commands . "$S/asciicast/v2-input-password.cast"
step grep-all 0 grep --all 'echo|sudo' "$S/asciicast/v2-input-password.cast"
# A config that does not count (others may write it) is a warning, and
# -q only silences it: the same exit status either way.
printf 'redact_rules =\n' >"$TMP/loose.conf"
chmod 0666 "$TMP/loose.conf"
run 0 grep --config "$TMP/loose.conf" typed-input \
    "$S/asciicast/v2-input-password.cast"
expect_grep "$TMP/err" 'warning' "loose config: warns"
run 0 grep -q --config "$TMP/loose.conf" typed-input \
    "$S/asciicast/v2-input-password.cast"
expect_eq "$(cat "$TMP/err")" "" "loose config, -q: silent"
finish
