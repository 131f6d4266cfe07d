# SPDX-License-Identifier: ISC
# Bad input: truncated, garbled, oversized, wrong-type and hostile files
# give one clear message naming the file and where, a documented exit
# status, and the other sessions are still listed.
. "$SR_SRCDIR/tests/lib.sh"
B=$SR_DATA/bad

# Not a recording at all: exit 3, the file named.
step cat-empty 3 cat "$B/empty"
step cat-random 3 cat "$B/random-4096.bin"
step cat-missing 4 cat "$B/no-such-file"
step cat-directory-without-sessions 4 cat "$SR_SRCDIR/doc"

# Damaged recordings: each message names the file and the place.
step cat-tlog-invalid-json 0 cat "$B/tlog-invalid-json.json"
step cat-tlog-timing-overrun 0 cat "$B/tlog-timing-overrun.json"
step cat-cast-header 3 cat "$B/asciicast-header-not-json.cast"
step cat-cast-truncated-event 0 cat "$B/asciicast-truncated-event.cast"
step cat-cast-truncated-last 0 cat "$B/asciicast-truncated-last-line.cast"
step cat-sudo-overrun 0 cat "$B/sudo-timing-overrun"
step cat-sudo-event9 0 cat "$B/sudo-timing-event9"
step cat-sudo-gz-truncated 3 cat "$B/sudo-timing-gz-truncated"
step cat-ttyrec-huge 3 cat "$B/ttyrec-huge-length.ttyrec"
step cat-script-garbage 0 cat "$B/script-garbage-line.out"
# Warnings can be silenced; the exit status stays.
step cat-quiet 0 cat -q "$B/sudo-timing-event9"

# Every message names the file and a location (line, member, offset).
for f in tlog-invalid-json.json tlog-timing-overrun.json \
    asciicast-truncated-event.cast sudo-timing-event9 ttyrec-huge-length.ttyrec \
    script-garbage-line.out; do
	run_status=0
	"$SESSREC" cat "$B/$f" </dev/null >/dev/null 2>"$TMP/e" || true
	expect_grep "$TMP/e" "'[^']*$f[^']*'" "$f: message names the file"
	expect_grep "$TMP/e" "line [0-9]+|offset [0-9]+" "$f: message gives a location"
done

# A directory mixing good and bad recordings: the good ones are listed,
# the damaged one listed with a warning (exit 0: usable).  Files that are no recording at
# all (the bad asciicast header) are not errors inside a directory.
mkdir -p "$TMP/mix"
cp -r "$SR_SAMPLES/asciicast/v2-title-idle-append.cast" "$SR_SAMPLES/ttyrec/basic.ttyrec" \
    "$B/tlog-timing-overrun.json" "$B/asciicast-header-not-json.cast" \
    "$B/sudo-timing-gz-truncated" "$TMP/mix/"
step ls-mixed 0 ls --source "$TMP/mix"

# Limits: an event larger than --limit fails cleanly with the limit named.
step cat-limit 3 cat --limit event=16 "$SR_SAMPLES/ttyrec/basic.ttyrec"
step bad-limit 2 cat --limit bogus=1 "$SR_SAMPLES/ttyrec/basic.ttyrec"

# Hostile metadata never reaches the terminal raw.
printf '{"ver":"2.3","host":"h\\u001b]0;PWNED\\u0007","rec":"r\\u001b[2J","user":"u\\u009b31m","term":"xterm","session":1,"id":1,"pos":0,"timing":">2","in_txt":"","in_bin":[],"out_txt":"ok","out_bin":[]}\n' >"$TMP/hostile.json"
step ls-hostile 0 ls -l --source "$TMP/hostile.json"
step info-hostile 0 info "$TMP/hostile.json"
run 0 ls --source "$TMP/hostile.json"
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$TMP/out"; then
	fail "control bytes in ls output"
fi
finish
