# SPDX-License-Identifier: ISC
# The real sudo writes I/O logs through a sudoers drop-in (plain and
# gzip'd), sessrec reads them; sudoreplay -l is the reference for ls.
. "$SR_SRCDIR/tests/lib.sh"
command -v sudo >/dev/null || skip "sudo not installed"
command -v visudo >/dev/null || skip "visudo not installed"
[ "$(id -u)" = 0 ] || skip "needs root to install a sudoers drop-in"

dropin=/etc/sudoers.d/zz-sessrec-test-$$
trap 'rm -f "$dropin"; rm -rf "$TMP"' EXIT
io=$TMP/io
cat >"$TMP/dropin" <<EOS
Defaults:root log_output, log_input, iolog_dir=$io, !compress_io, !use_pty
EOS
visudo -cf "$TMP/dropin" >/dev/null || skip "visudo rejects the drop-in"
install -m 0440 "$TMP/dropin" "$dropin"

sudo -u nobody sh -c 'echo hello-sudo; echo to-stderr >&2' \
    </dev/null >/dev/null 2>&1 || fail "sudo failed"
sed -i 's/!compress_io/compress_io/' "$dropin"
sudo -u nobody sh -c 'echo hello-gzip' </dev/null >/dev/null 2>&1 ||
    fail "sudo (compress_io) failed"
rm -f "$dropin"

[ -f "$io/00/00/01/timing" ] || skip "sudo wrote no I/O log"
run 0 ls --json --source "$io"
[ "$(grep -c '"format":"sudo"' "$TMP/out")" -eq 2 ] ||
    fail "want 2 sudo sessions: $(cat "$TMP/out")"
expect_grep "$TMP/out" '"session_id":"000001".*"actor":"root".*"target":"nobody"' "ids and users"
expect_grep "$TMP/out" '"state":"complete"' "timing without write bits = complete"

# The reference: sudoreplay -l lists the same sessions.
if command -v sudoreplay >/dev/null; then
	sudoreplay -l -d "$io" >"$TMP/ref" 2>/dev/null || true
	for id in 000001 000002; do
		expect_grep "$TMP/ref" "TSID=$id" "sudoreplay lists $id"
		expect_grep "$TMP/out" "\"session_id\":\"$id\"" "sessrec lists $id"
	done
fi
run 0 cat --source "$io" 000001
expect_grep "$TMP/out" '^hello-sudo$' "cat stdout"
expect_grep "$TMP/out" '^to-stderr$' "cat stderr"
run 0 cat --source "$io" 000002
expect_grep "$TMP/out" '^hello-gzip$' "cat gzip'd session"
finish
