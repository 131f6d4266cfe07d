# SPDX-License-Identifier: ISC
# sessrec info: every field, extras, counts, resizes; ids and prefixes.
. "$SR_SRCDIR/tests/lib.sh"
# Sudo sessions are complete or not by file mode: use the real modes.
S=$(samples_with_modes)

step info-logsrvd 0 info --source "$S/sudo-io/logsrvd-uncompressed" 000001
step info-logsrvd-json 0 info --json --source "$S/sudo-io/logsrvd-uncompressed" 000001
step info-resize 0 info --source "$S/sudo-io/sudoers-custom-path-mode0640" sessfmt/sh/20261125-033901-IcKGsQ
step info-prefix 0 info --source "$S/tlog" 310206c72ddf4de88a051887e16f1ca7-1ec
step info-ambiguous 4 info --source "$S/tlog" 310206c7
step info-unknown 4 info --source "$S/tlog" nosuchid
step info-usage 2 info
step info-two 0 info "$S/ttyrec/basic.ttyrec" "$S/asciicast/v2-invalid-utf8.cast"

run 0 info --json "$S/asciicast/v3-handmade.cast"
if command -v jq >/dev/null; then
	jq -e '.exit_status == 0 and .events.marker == 1 and .events.resize == 1' \
	    "$TMP/out" >/dev/null || fail "v3 info counts: $(cat "$TMP/out")"
fi
finish
