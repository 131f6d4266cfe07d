# SPDX-License-Identifier: ISC
# asciinema writes (inside a pty made by script), sessrec reads.
. "$SR_SRCDIR/tests/lib.sh"
command -v asciinema >/dev/null || skip "asciinema not installed"
command -v script >/dev/null || skip "script not installed"

cast=$TMP/x.cast
script -qec "asciinema rec -q -c 'printf \"hello-cast\\n\\033[1mbold\\033[0m\\n\"' $cast" \
    /dev/null </dev/null >/dev/null 2>&1 || true
[ -s "$cast" ] || skip "asciinema could not record here"
run 0 ls --json --source "$cast"
expect_grep "$TMP/out" '"format":"asciicast"' "ls format"
expect_grep "$TMP/out" '"session_id":"x"' "id from the file name"
run 0 cat "$cast"
expect_grep "$TMP/out" '^hello-cast$' "cat text"
expect_grep "$TMP/out" '^bold$' "SGR removed"
gzip -k "$cast"
run 0 cat "$cast.gz"
expect_grep "$TMP/out" '^hello-cast$' "gzip'd cast"
finish
