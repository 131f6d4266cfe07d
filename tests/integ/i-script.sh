# SPDX-License-Identifier: ISC
# util-linux script writes (classic and advanced timing), sessrec reads.
. "$SR_SRCDIR/tests/lib.sh"
command -v script >/dev/null || skip "script not installed"

cd "$TMP"
script -q --log-timing c.tm --log-out c.out -c 'echo hello-script; exit 3' \
    </dev/null >/dev/null 2>&1 || true
[ -s c.tm ] || skip "script wrote no timing"
run 0 ls --json --source "$TMP"
expect_grep "$TMP/out" '"format":"script"' "ls format"
[ "$(grep -c '"format":"script"' "$TMP/out")" -eq 1 ] ||
    fail "log and timing should pair into one session"
run 0 cat c.out
expect_grep "$TMP/out" '^hello-script' "cat text"
run 0 info --json c.out
expect_grep "$TMP/out" '"exit_status":3' "exit status from the trailer"

script -q -m advanced --log-timing a.tm --log-io a.io \
    -c 'echo adv-out' </dev/null >/dev/null 2>&1 || true
run 0 cat "$TMP/a.io"
expect_grep "$TMP/out" '^adv-out' "advanced timing text"
finish
