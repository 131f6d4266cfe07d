# SPDX-License-Identifier: ISC
# sessrec ls: columns, sorting, filters, --json and escaping.
. "$SR_SRCDIR/tests/lib.sh"
S=$SR_SAMPLES/sudo-io

step ls-sudo-tree 0 ls --source "$S/sudoers-uncompressed"
step ls-long 0 ls -l --source "$S/sudoers-custom-path-mode0640"
step ls-operands 0 ls "$S/sudoers-compressed" "$S/logsrvd-uncompressed"
step ls-actor 0 ls --actor sessremote --source "$S"
step ls-actor-glob 0 ls --actor 'sess*' --target root --source "$S"
step ls-host 0 ls --host nosuchhost --source "$S"
step ls-format 0 ls --format ttyrec --source "$SR_SAMPLES"
step ls-since 0 ls --since 2026-11-25T03:40:00Z --until '2026-11-25 03:41' --source "$S"
step ls-bad-time 2 ls --since yesterday-ish --source "$S"
step ls-bad-format 2 ls --format nosuch --source "$S"
step ls-missing-source 3 ls --source /nonexistent/sessrec

# --json is valid NDJSON with the normalized field names, one per session.
run 0 ls --json --source "$SR_SAMPLES"
if command -v jq >/dev/null; then
	jq -e -s 'length > 20' "$TMP/out" >/dev/null || fail "ls --json is not NDJSON"
	for k in session_id actor target host src_ip ticket command cwd tty term \
	    start duration rows cols exit_status state format path; do
		jq -e -s "all(has(\"$k\"))" "$TMP/out" >/dev/null ||
		    fail "ls --json lacks $k"
	done
	# Sorted by start.
	jq -e -s '[.[] | select(.start_ns != null) | .start_ns] as $t | $t == ($t | sort)' \
	    "$TMP/out" >/dev/null || fail "ls --json not sorted by start"
fi

# SESSREC_SOURCES is a default source list.
SESSREC_SOURCES=$S/sudoers-compressed run 0 ls --json
expect_grep "$TMP/out" '"session_id":"000002"' "SESSREC_SOURCES"
finish
