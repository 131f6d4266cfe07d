# SPDX-License-Identifier: ISC
# ttyrec writes (inside a pty made by script), sessrec reads.
. "$SR_SRCDIR/tests/lib.sh"
command -v ttyrec >/dev/null || skip "ttyrec not installed"
command -v script >/dev/null || skip "script not installed"

f=$TMP/x.ttyrec
# ttyrec's input process can miss its child's end and wait on the
# terminal for ever (seen in CI), and can lose the output of a command
# that ends at once: a bound, and three tries.
for try in 1 2 3; do
	rm -f "$f"
	timeout -k 5 30 script -qec "ttyrec -e 'echo hello-ttyrec' $f" \
	    /dev/null </dev/null >/dev/null 2>&1 || true
	[ -s "$f" ] && grep -q -a hello-ttyrec "$f" && break
done
[ -s "$f" ] || skip "ttyrec could not record here"
run 0 ls --json --source "$f"
expect_grep "$TMP/out" '"format":"ttyrec"' "ls format"
run 0 cat "$f"
expect_grep "$TMP/out" 'hello-ttyrec' "cat text"
finish
