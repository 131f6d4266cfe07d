# SPDX-License-Identifier: ISC
# Archives: a .tar.zst holding tlog and sudo recordings lists and cats
# without unpacking; zip, tar.gz and single compressed files too.
. "$SR_SRCDIR/tests/lib.sh"
A=$SR_SAMPLES/archives/tlog-and-sudo.tar.zst

step ls-tar-zst 0 ls -l --source "$A"
step cat-tar-zst-sudo 0 cat --source "$A" 000001
step cat-tar-zst-tlog 0 cat --source "$A" 310206c72ddf4de88a051887e16f1ca7-1ec7-afbe
# The member path that ls -l prints is accepted as a path.
run 0 cat --source "$A" "$A/sudo-io/sudoers-compressed/00/00/02"
expect_grep "$TMP/out" '^end$' "member path resolves"
# Modes survive in tar: these sessions are complete.
run 0 ls --json --source "$A"
expect_grep "$TMP/out" '"session_id":"000001".*"state":"complete"' "tar keeps modes"

# A single gzip'd recording, and real-tool archives made by tests/gen.
run 0 cat "$SR_SAMPLES/sudo-io/exact-modes.tar.gz"
expect_grep "$TMP/out" 'hello-output' "tar.gz with gzip'd members"
for f in mixed.tar.zst mixed.zip mixed.tar.gz; do
	[ -f "$SR_DATA/archives/$f" ] || { fail "fixture $f missing"; continue; }
	run 0 ls --json --source "$SR_DATA/archives/$f"
	expect_grep "$TMP/out" '"format":"sudo"' "$f: sudo inside"
	expect_grep "$TMP/out" '"format":"tlog"' "$f: tlog inside"
done
if [ -f "$SR_DATA/asciicast/v2-real.cast.gz" ]; then
	run 0 info --json "$SR_DATA/asciicast/v2-real.cast.gz"
	expect_grep "$TMP/out" '"format":"asciicast"' "single .cast.gz"
fi
finish
