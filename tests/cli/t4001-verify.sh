# SPDX-License-Identifier: ISC
# sessrec verify: one verdict per recording and its exit status, for
# recordings made by the real recorder (tests/data/verify/README) and the
# real foreign samples; keys, --require-seal, --json, ids, usage.
. "$SR_SRCDIR/tests/lib.sh"
V=$SR_DATA/verify
KA=$V/key-a.pub

# Hermetic trust: a configuration whose trusted_keys is an empty
# directory, so that no /etc/sessrec/trusted.d of this host counts.
mkdir -p "$TMP/nokeys"
printf 'trusted_keys = %s\n' "$TMP/nokeys" >"$TMP/nokeys.conf"
printf 'trusted_keys = %s\n' "$KA" >"$TMP/keya.conf"
printf 'trusted_keys = %s\n' "$TMP/nosuchdir" >"$TMP/badkeys.conf"
NOKEYS="--config $TMP/nokeys.conf"

# Native recordings, one verdict each.
step ok 0 verify --key "$KA" "$V/sealed.srec"
step ok-config 0 verify --config "$TMP/keya.conf" "$V/sealed.srec"
step ok-trusted-dir 0 verify --trusted "$V/trusted" "$V/sealed.srec"
step no-trusted-key 0 verify $NOKEYS "$V/sealed.srec"
step unsigned 0 verify --key "$KA" "$V/unsigned.srec"
step crashed 1 verify --key "$KA" "$V/crashed.srec"
step torn 1 verify --key "$KA" "$V/torn.srec"
step flipped 1 verify --key "$KA" "$V/flipped.srec"
step appended 1 verify --key "$KA" "$V/appended.srec"
step metadata 1 verify --key "$KA" "$V/metadata.srec"
step dropped 1 verify --key "$KA" "$V/dropped.srec"
step other-key 1 verify --key "$KA" "$V/sealed-b.srec"
# The witness: the recorder's own syslog lines.
W="--witness $V/witness.log"
step witness-ok 0 verify --key "$KA" $W "$V/witnessed.srec"
step witness-cut 1 verify --key "$KA" $W "$V/witnessed-cut.srec"
step witness-cut-alone 1 verify --key "$KA" "$V/witnessed-cut.srec"
step witness-other 1 verify --key "$KA" $W "$V/sealed.srec"
step witness-nokey 0 verify $NOKEYS $W "$V/witnessed.srec"

# A recording named twice (and inside a directory named too) is one.
set -- "$V"/swapped/*.srec
step dedupe 1 verify --key "$KA" "$V/swapped" "$V/sealed.srec" "$2" \
    "$V/sealed.srec"
step both-keys 0 verify --key "$KA" --key "$V/key-b.pub" \
    "$V/sealed.srec" "$V/sealed-b.srec"
step swapped 1 verify --key "$KA" "$V/swapped"
step garbage 1 verify --key "$KA" "$V/garbage.srec" "$SR_DATA/bad/random-4096.bin"
step empty 1 verify "$SR_DATA/bad/empty"

# A whole directory: every recording in member order, a summary on
# stderr, the other files counted as skipped.
step dir 1 verify --key "$KA" "$V"

# Archives: every recording inside, named archive/member.
step archive 0 verify $NOKEYS "$SR_SAMPLES/archives/tlog-and-sudo.tar.zst"
tar -cf "$TMP/native.tar" -C "$V" sealed.srec flipped.srec crashed.srec
step archive-native 1 verify --key "$KA" "$TMP/native.tar"

# The foreign formats have no seal: CONSISTENT when their structure is
# sound.  The sudo trees need the modes sudo gave them.
S=$(samples_with_modes)
step foreign 0 verify $NOKEYS "$S/tlog" "$S/asciicast" "$S/script" \
    "$S/ttyrec" "$S/sudo-io/sudoers-uncompressed" \
    "$S/sudo-io/sudoers-compressed"
step foreign-bad 1 verify $NOKEYS "$SR_DATA/bad/tlog-timing-overrun.json" \
    "$SR_DATA/bad/asciicast-truncated-last-line.cast" \
    "$SR_DATA/bad/ttyrec-huge-length.ttyrec"

# --require-seal: only OK passes, and it needs a trusted key.
step require-seal 1 verify --require-seal --key "$KA" "$V/sealed.srec" \
    "$V/unsigned.srec"
step require-seal-ok 0 verify --require-seal --key "$KA" "$V/sealed.srec"
step require-seal-nokey 3 verify --require-seal $NOKEYS "$V/sealed.srec"

# Keys that cannot be used end the run before anything is verified.
step bad-key-missing 3 verify --key "$TMP/nosuch.pub" "$V/sealed.srec"
step bad-key-garbage 3 verify --key "$V/garbage.srec" "$V/sealed.srec"
step bad-trusted-config 3 verify --config "$TMP/badkeys.conf" "$V/sealed.srec"
step bad-witness 3 verify --key "$KA" --witness "$TMP/nosuch.log" \
    "$V/sealed.srec"

# Ids resolve through the sources to the recording that holds them.
id=$(grep -a -o '"session_id":"[0-9A-Z]*"' "$V/crashed.srec" | head -1 |
    cut -d'"' -f4)
[ -n "$id" ] || fail "no session id in crashed.srec"
step id 1 verify --key "$KA" --source "$V" "$id"
step id-prefix 1 verify --key "$KA" --source "$V/crashed.srec" \
    "$(printf %s "$id" | cut -c1-12)"
step no-such-id 4 verify --key "$KA" --source "$V" NOSUCHSESSION
step no-such-file 4 verify --key "$KA" "$TMP/nosuch/x.srec"
step no-recording 4 verify --key "$KA" "$TMP/nokeys"
step sources 1 verify --key "$KA" --source "$V/sealed.srec" \
    --source "$V/flipped.srec"
step no-operands 0 verify --key "$KA"
step missing-source 3 verify --key "$KA" --source "$TMP/nosuch"
sources_was=$SESSREC_SOURCES
SESSREC_SOURCES=$V/swapped
step env-sources 1 verify --key "$KA"
SESSREC_SOURCES=$sources_was

# Usage errors.
step usage-jobs 2 verify -j 0 "$V/sealed.srec"
step usage-jobs-text 2 verify --jobs many "$V/sealed.srec"
step usage-option 2 verify --no-such-option "$V/sealed.srec"
step usage-limit 2 verify --limit nosuch=1 "$V/sealed.srec"
step usage-key-arg 2 verify --key

# --json: one valid object per recording, every key, in operand order.
step json 1 verify --json --key "$KA" "$V/sealed.srec" "$V/flipped.srec" \
    "$V/crashed.srec" "$V/garbage.srec"
if command -v jq >/dev/null; then
	run 1 verify --json --key "$KA" "$V"
	jq -e -s 'length >= 10' "$TMP/out" >/dev/null ||
	    fail "verify --json is not NDJSON"
	for k in path verdict format signed key_trusted key_id rec_id chunks \
	    bytes valid_seq valid_t_ns valid_offset findings findings_total; do
		jq -e -s "all(has(\"$k\"))" "$TMP/out" >/dev/null ||
		    fail "verify --json lacks $k"
	done
	jq -e -s '[.[] | select(.path | endswith("/sealed.srec"))][0] |
	    .verdict == "OK" and .signed and .key_trusted and .chunks > 0' \
	    "$TMP/out" >/dev/null || fail "verify --json: sealed.srec not OK"
	jq -e -s '[.[] | select(.path | endswith("/flipped.srec"))][0] |
	    .verdict == "TAMPERED" and (.findings | length) > 0 and
	    .findings[0].offset != null' "$TMP/out" >/dev/null ||
	    fail "verify --json: flipped.srec has no located finding"
	jq -e -s '[.[] | select(.path | endswith("/crashed.srec"))][0] |
	    .verdict == "INCOMPLETE" and .valid_seq >= 0' "$TMP/out" \
	    >/dev/null || fail "verify --json: crashed.srec has no valid range"
fi

# The output does not depend on the number of threads.
run 1 verify --key "$KA" -j 1 "$V" "$V/swapped"
cp "$TMP/out" "$TMP/j1.out"
cp "$TMP/err" "$TMP/j1.err"
run 1 verify --key "$KA" -j 8 "$V" "$V/swapped"
cmp -s "$TMP/j1.out" "$TMP/out" || fail "-j 1 and -j 8 print differently"
cmp -s "$TMP/j1.err" "$TMP/err" || fail "-j 1 and -j 8 report differently"

# Names from the file system are escaped: no raw control character on
# stdout or stderr, and no progress line when stderr is not a terminal.
esc=$(printf 'x\033]0;owned\007y')
cp "$V/sealed.srec" "$TMP/$esc.srec"
cp "$V/flipped.srec" "$TMP/$esc-2.srec"
run 1 verify --key "$KA" "$TMP/$esc.srec" "$TMP/$esc-2.srec"
expect_no_grep "$TMP/out" "$(printf '\033')" "escape byte on stdout"
expect_no_grep "$TMP/err" "$(printf '\033')" "escape byte on stderr"
expect_grep "$TMP/out" '^OK +.*x\\x1b\]0;owned\\x07y\.srec' "escaped name"
expect_no_grep "$TMP/err" 'recordings, .* MB checked' "progress without a tty"

# -q: no summary.
run 1 verify -q --key "$KA" "$V/sealed.srec" "$V/flipped.srec"
[ -s "$TMP/err" ] && fail "verify -q wrote to stderr: $(cat "$TMP/err")"
finish
