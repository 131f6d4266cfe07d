# SPDX-License-Identifier: ISC
# tlog-rec writes, sessrec reads: a recording made by the real tlog-rec at
# test time lists with the recorder's user and cats the text it printed,
# including a word split by colour codes.
. "$SR_SRCDIR/tests/lib.sh"
command -v tlog-rec >/dev/null || skip "tlog-rec not installed"

rec=$TMP/rec.json
tlog-rec --writer=file --file-path="$rec" -- sh -c \
    'echo hello-tlog; printf "ki\033[31mll\033[0m -9\n"; printf "hidden\r\033[2Kvisible\n"' \
    </dev/null >/dev/null 2>&1 || skip "tlog-rec cannot run here"
[ -s "$rec" ] || skip "tlog-rec wrote nothing"

run 0 ls --json --source "$rec"
expect_grep "$TMP/out" "\"actor\":\"$(id -un)\"" "ls actor"
expect_grep "$TMP/out" '"format":"tlog"' "ls format"
run 0 cat "$rec"
expect_grep "$TMP/out" '^hello-tlog$' "cat text"
expect_grep "$TMP/out" '^kill -9$' "word split by colour codes"
expect_grep "$TMP/out" '^visible$' "CR overwrite applied"
expect_no_grep "$TMP/out" 'hidden' "overwritten text hidden"

# Two recordings appended to one file are two sessions.
tlog-rec --writer=file --file-path="$rec" -- echo second-recording \
    </dev/null >/dev/null 2>&1
run 0 ls --json --source "$rec"
[ "$(grep -c . "$TMP/out")" -eq 2 ] || fail "want 2 sessions, got: $(cat "$TMP/out")"
run 0 cat "$rec"
expect_grep "$TMP/out" '^second-recording$' "second recording"
finish
