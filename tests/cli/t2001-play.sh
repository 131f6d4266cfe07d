# SPDX-License-Identifier: ISC
# sessrec play without a terminal: --dump prints the emulated screen at
# --at (default the end) for every format, at the start, in the middle,
# at the end and past it, across recorded resizes and full-screen
# programs; bad input gives a message naming the file and the location
# with the documented exit status; sessrec index writes the seek index
# (cache directory or --beside), keeps an up-to-date one and rebuilds a
# stale one; --follow --dump follows a recording while a background
# writer appends to it, and ends with the session.
. "$SR_SRCDIR/tests/lib.sh"
D=$SR_DATA
S=$(samples_with_modes)
P=$D/play
export SESSREC_CACHE_DIR="$TMP/cache"

# dumps NAME FILE TIME...: one golden step per --at TIME, and one
# without --at (the end).
dumps() {
	sr_dn=$1
	sr_df=$2
	shift 2
	for sr_dt in "$@"; do
		step "$sr_dn-at-$(echo "$sr_dt" | tr ':.' '__')" 0 \
		    play --dump --at "$sr_dt" "$sr_df"
	done
	step "$sr_dn-end" 0 play --dump "$sr_df"
}

# Every format, at the start, in the middle, at the end, and past it.
dumps asciicast-v2 "$D/asciicast/v2-real.cast" 0 0.2 0.35 1:00:00
dumps asciicast-v2-gz "$D/asciicast/v2-real.cast.gz" 0.2
dumps asciicast-stdin "$D/asciicast/v2-stdin.cast" 0.3
dumps asciicast-v3 "$D/asciicast/v3-handmade.cast" 0.5 1.6 1.928
dumps tlog "$D/tlog/multi-msg.json" 0 0.5 1.5 3 99
dumps tlog-pipe "$D/tlog/pipe-binary.json" 0
dumps tlog-split-utf8 "$D/tlog/split-utf8-payload128.json"
dumps sudo "$D/sudo/tree/00/00/01" 0.05
dumps sudo-gz "$S/sudo-io/sudoers-compressed/00/00/02" 1 4.9
dumps sudo-custom "$S/sudo-io/sudoers-custom-path-mode0640/sessfmt/sh/20261125-034059-kd3p16" 1.5
dumps script-classic "$D/script/script-classic.tm" 0.1
dumps script-adv "$D/script/script-adv.tm" 0.3 0.9
dumps script-typescript "$D/script/session.typescript" 0.1
dumps ttyrec "$D/ttyrec/real.ttyrec" 0.1 0.3
dumps ttyrec-gz "$D/ttyrec/basic-gzip.ttyrec.gz"
dumps native "$D/native/chunks.srec" 0.1 0.3
A=$D/archives/mixed.tar.zst
step archive-member-at-1 0 play --dump --at 1 --source "$A" "$A/tlog/multi-msg.json"
step archive-member-end 0 play --dump --source "$A" "$A/sudo/tree/00/00/01"

# Recorded resizes: 100x30 -> 80x24 -> 132x43 (tlog); 80x24 -> 100x30
# (sudo event 5, script SIGWINCH); the less session resized twice.
dumps resize-tlog "$D/tlog/pty-input-resize.json" 3.5 4 5.5
dumps resize-sudo "$D/sudo/tree/00/00/04" 0.7 1
dumps resize-less "$P/less-resize.json" 1 3 4.5

# Full-screen programs and colours, recorded by the real tools
# (tests/data/play/gen-play.sh): vim (asciicast) in insert mode, after
# :set number and after :wq; top (ttyrec, sudo); the colour card with
# its alternate screen (script); a 120x40 recording.
dumps vim "$P/vim.cast" 0.36 1 1.5
dumps top-ttyrec "$P/top.ttyrec" 0.6
dumps top-sudo "$P/sudo-top/00/00/01" 0.3
dumps card "$P/card.tm" 0.2 1.2
dumps wide "$P/wide.cast"
dumps ticks "$P/ticks.tm" 30.5 69.5
dumps shell "$P/shell.cast" 2.5

# Times in every accepted form.
step at-mmss 0 play --dump --at 00:30.5 "$P/ticks.tm"
step at-hhmmss 0 play --dump --at 0:00:30.500 "$P/ticks.tm"
if ! cmp -s "$sr_golden_dir/at-mmss.out" "$sr_golden_dir/ticks-at-30_5.out"; then
	fail "--at 00:30.5 and --at 30.5 differ"
fi

# A path holding several sessions plays the first, and says so.
step several 0 play --dump "$D/tlog/two-recs.json"
step several-quiet 0 play -q --dump "$D/tlog/two-recs.json"
# An id, through the sources.
step by-id 0 play --dump --source "$D/sudo/tree" 000004

# Bad input: the file and the location, the documented status.
step missing 4 play --dump "$TMP/no-such-file.cast"
step no-such-id 4 play --dump --source "$D/sudo/tree" 999999
step garbage 3 play --dump "$D/bad/random-4096.bin"
step empty 3 play --dump "$D/bad/empty"
step header-not-json 3 play --dump "$D/bad/asciicast-header-not-json.cast"
step truncated-tlog 0 play --dump "$D/tlog/truncated.json"
step truncated-cast 0 play --dump "$D/bad/asciicast-truncated-event.cast"
step truncated-ttyrec 0 play --dump "$D/ttyrec/truncated.ttyrec"
step truncated-sudo-gz 3 play --dump "$D/bad/sudo-timing-gz-truncated"
step bad-json 0 play --dump "$D/bad/tlog-invalid-json.json"
step bad-script-line 0 play --dump "$D/bad/script-garbage-line.tm"
step usage-none 2 play --dump
step usage-two 2 play --dump a b
step usage-at 2 play --dump --at abc "$D/ttyrec/real.ttyrec"
step usage-at-negative 2 play --dump --at -5 "$D/ttyrec/real.ttyrec"
step usage-speed 2 play --dump --speed 100 "$D/ttyrec/real.ttyrec"
step usage-speed-low 2 play --dump --speed 0.1 "$D/ttyrec/real.ttyrec"
step usage-idle 2 play --dump --max-idle x "$D/ttyrec/real.ttyrec"
step usage-cache 2 play --dump --no-cache --cache-dir "$TMP" "$D/ttyrec/real.ttyrec"
step usage-follow-at 2 play --dump --follow --at 1 "$D/ttyrec/real.ttyrec"
# Speed, idle limit and --paused do not change what the screen shows.
run 0 play --dump --speed 16 --max-idle 0 --paused "$P/ticks.tm"
cmp -s "$TMP/out" "$sr_golden_dir/ticks-end.out" ||
    fail "--speed/--max-idle/--paused changed the dumped screen"
# stdout not a terminal means --dump.
run 0 play --at 30.5 "$P/ticks.tm"
cmp -s "$TMP/out" "$sr_golden_dir/ticks-at-30_5.out" ||
    fail "play with stdout a file is not --dump"

# istep NAME WANT ARGS...: step, with the cache file names (a hash of
# the recording's identity, which holds its inode and mtime) replaced.
istep() {
	sr_in=$1
	sr_iw=$2
	shift 2
	run "$sr_iw" "$@"
	for sr_ix in out err; do
		normalize <"$TMP/$sr_ix" |
		    sed -E 's|/[0-9a-f]{16,}\.sridx|/HASH.sridx|g' >"$TMP/i.$sr_ix"
		compare "$sr_golden_dir/$sr_in.$sr_ix" "$TMP/i.$sr_ix" \
		    "$sr_in: std$sr_ix"
	done
}

# sessrec index: into the cache directory (created 0700, files 0600),
# then kept while up to date, rebuilt when the recording changes.
cp "$D/tlog/multi-msg.json" "$TMP/rec.json"
cp "$P/vim.cast" "$TMP/vim.cast"
istep index 0 index "$TMP/rec.json" "$TMP/vim.cast"
idx_files() {
	find "$TMP/cache" -type f ! -name '*.tmp.*' 2>/dev/null | sort
}
idx_stat() {
	idx_files | xargs -r stat -c '%i %Y %s %n' || :
}
n=$(idx_files | wc -l)
expect_eq "$n" 2 "index files in the cache after indexing two recordings"
expect_eq "$(stat -c %a "$TMP/cache" 2>&1)" 700 "cache directory mode"
for f in $(idx_files); do
	expect_eq "$(stat -c %a "$f")" 600 "index file mode of $f"
done
idx_stat >"$TMP/idx.before"
sleep 1
istep index-again 0 index "$TMP/rec.json" "$TMP/vim.cast"
idx_stat >"$TMP/idx.after"
cmp -s "$TMP/idx.before" "$TMP/idx.after" ||
    fail "an up-to-date index was rewritten: $(diff "$TMP/idx.before" "$TMP/idx.after")"
# Stale: the recording grows (touch alone changes the mtime).
printf '[9.0, "o", "appended after indexing\\r\\n"]\n' >>"$TMP/vim.cast"
touch -d '2001-01-01' "$TMP/rec.json"
istep index-stale 0 index "$TMP/rec.json" "$TMP/vim.cast"
idx_stat >"$TMP/idx.stale"
n=$(idx_files | wc -l)
expect_eq "$n" 2 "index files after rebuilding two stale indexes"
if [ "$(cut -d' ' -f1-3 "$TMP/idx.stale" | sort)" = \
    "$(cut -d' ' -f1-3 "$TMP/idx.before" | sort)" ]; then
	fail "stale indexes were not rebuilt"
fi
step vim-appended 0 play --dump "$TMP/vim.cast"
# --beside: <recording>.sridx next to a plain file.
istep index-beside 0 index --beside "$TMP/rec.json"
[ -f "$TMP/rec.json.sridx" ] || fail "index --beside wrote no $TMP/rec.json.sridx"
# Errors: a missing recording, garbage, a cache that is not a directory.
istep index-missing 4 index "$TMP/nothing.json"
istep index-garbage 3 index "$D/bad/random-4096.bin"
: >"$TMP/not-a-dir"
istep index-bad-cache 5 index --cache-dir "$TMP/not-a-dir" "$TMP/vim.cast"
istep index-usage 2 index
# No leftover temporary files.
n=$(find "$TMP/cache" -name '*.tmp.*' | wc -l)
expect_eq "$n" 0 "temporary index files left in the cache"

# --follow --dump: a writer appends an asciicast v3 recording in steps
# and ends it with an exit event; play prints a screen after each step
# and stops by itself at the end of the session.
command -v python3 >/dev/null || skip "no python3"
cat >"$TMP/writer.py" <<'PY'
import json, sys, time
path, ready = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write(json.dumps({"version": 3, "term": {"cols": 80, "rows": 24}}) + "\n")
    f.write(json.dumps([0.1, "o", "follow-1\r\n"]) + "\n")
    f.flush()
    # Wait until the player has shown the first step (at most 20 s: then
    # the first-step checks fail).
    deadline = time.monotonic() + 20
    while True:
        try:
            if "follow-1" in open(ready).read():
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.stderr.write("writer: play never showed follow-1\n")
            break
        time.sleep(0.05)
    for i in range(2, 6):
        time.sleep(0.4)
        f.write(json.dumps([0.5, "o", "follow-%d\r\n" % i]) + "\n")
        f.flush()
    time.sleep(0.4)
    f.write(json.dumps([0.5, "o", "follow-\u001b[1mend\u001b[0m\r\n"]) + "\n")
    f.write(json.dumps([0.1, "x", "0"]) + "\n")
    f.flush()
PY
: >"$TMP/follow.out"
python3 "$TMP/writer.py" "$TMP/live.cast" "$TMP/follow.out" &
wpid=$!
wait_for 20 test -s "$TMP/live.cast" || :
"$SESSREC" play --dump --follow "$TMP/live.cast" </dev/null \
    >"$TMP/follow.out" 2>"$TMP/follow.err" &
ppid=$!
play_gone() {
	! kill -0 "$ppid" 2>/dev/null
}
if ! wait_for 60 play_gone; then
	fail "play --follow did not end with the session"
	kill "$ppid" 2>/dev/null || :
fi
set +e
wait "$ppid"
rc=$?
set -e
wait "$wpid" || :
expect_eq "$rc" 0 "play --follow exit status"
expect_grep "$TMP/follow.out" '^--- 00:00:00\.100 ---$' "follow: first separator"
expect_grep "$TMP/follow.out" '^follow-1$' "follow: first step"
tail -n 7 "$TMP/follow.out" >"$TMP/follow.last"
printf '%s\n' '--- 00:00:02.700 ---' follow-1 follow-2 follow-3 follow-4 \
    follow-5 follow-end >"$TMP/follow.want"
if ! cmp -s "$TMP/follow.want" "$TMP/follow.last"; then
	fail "follow: the last screen is not the end of the session"
	diff -u "$TMP/follow.want" "$TMP/follow.last" | head -20
fi
n=$(grep -c '^--- ' "$TMP/follow.out")
[ "$n" -ge 2 ] || fail "follow: printed $n screens, want one per step"
grep -v '^--- [0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9] ---$' \
    "$TMP/follow.out" | grep -v '^follow-[1-5end]*$' >"$TMP/follow.odd" || :
[ -s "$TMP/follow.odd" ] && fail "follow: unexpected lines: $(head -3 "$TMP/follow.odd")"
[ -s "$TMP/follow.err" ] && fail "follow: stderr: $(head -3 "$TMP/follow.err")"

# A recording without an end event is followed until SIGINT, which ends
# play with the screen printed so far and status 0.
printf '{"version": 2, "width": 40, "height": 5}\n[0.1, "o", "no end yet\\r\\n"]\n' \
    >"$TMP/open.cast"
"$SESSREC" play --dump --follow "$TMP/open.cast" </dev/null \
    >"$TMP/open.out" 2>"$TMP/open.err" &
ppid=$!
shows_no_end() {
	grep -q '^no end yet$' "$TMP/open.out"
}
wait_for 20 shows_no_end || fail "follow: never printed the first screen"
printf '[0.5, "o", "more\\r\\n"]\n' >>"$TMP/open.cast"
shows_more() {
	grep -q '^more$' "$TMP/open.out"
}
wait_for 20 shows_more || fail "follow: never printed the appended output"
kill -INT "$ppid"
if ! wait_for 20 play_gone; then
	fail "play --follow ignored SIGINT"
	kill "$ppid" 2>/dev/null || :
fi
set +e
wait "$ppid"
rc=$?
set -e
expect_eq "$rc" 0 "play --follow exit status after SIGINT"
finish
