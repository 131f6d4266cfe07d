# SPDX-License-Identifier: ISC
# ttyrec writes (inside a pty made by script), sessrec reads.
. "$SR_SRCDIR/tests/lib.sh"
command -v ttyrec >/dev/null || skip "ttyrec not installed"
command -v script >/dev/null || skip "script not installed"

f=$TMP/x.ttyrec
script -qec "ttyrec -e 'echo hello-ttyrec' $f" /dev/null </dev/null \
    >/dev/null 2>&1 || true
[ -s "$f" ] || skip "ttyrec could not record here"
run 0 ls --json --source "$f"
expect_grep "$TMP/out" '"format":"ttyrec"' "ls format"
run 0 cat "$f"
expect_grep "$TMP/out" 'hello-ttyrec' "cat text"
finish
