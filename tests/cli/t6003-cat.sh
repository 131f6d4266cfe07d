# SPDX-License-Identifier: ISC
# sessrec cat: the text the viewer saw, with and without timestamps, and
# against what the real tlog-play wrote for the same recordings.
. "$SR_SRCDIR/tests/lib.sh"
S=$SR_SAMPLES

step cat-ts 0 cat -t "$S/tlog/pty-input-resize.json"
step cat-input 0 cat --input "$S/asciicast/v2-input-password.cast"
step cat-split-utf8 0 cat "$S/tlog/split-utf8-payload128.json"
step cat-sudo-ids 0 cat --source "$S/sudo-io/sudoers-compressed" 000001 000002
step cat-usage 2 cat

# The text of a tlog recording equals the text of what tlog-play wrote for
# it, both run through the same view.
for f in pipe-binary pty-input-resize; do
	run 0 cat "$S/tlog/$f.json"
	cp "$TMP/out" "$TMP/ours"
	printf '{"version": 2, "width": 80, "height": 24}\n' >"$TMP/ref.cast"
	# Wrap tlog-play's bytes (less its trailer) as an asciicast event.
	python3 - "$S/tlog/$f.tlog-play.out" >>"$TMP/ref.cast" <<'PY' || skip "no python3"
import json, sys
data = open(sys.argv[1], "rb").read()
trailer = b"\x1b[0m\x1b[?25h\n\x00"
if data.endswith(trailer):
    data = data[: -len(trailer)]
print(json.dumps([0.0, "o", data.decode("utf-8", "replace")]))
PY
	run 0 cat "$TMP/ref.cast"
	if ! cmp -s "$TMP/ours" "$TMP/out"; then
		fail "$f: cat differs from tlog-play's output"
		diff "$TMP/out" "$TMP/ours" | head
	fi
done
finish
