#!/bin/sh
# SPDX-License-Identifier: ISC
# sessrec play in a real terminal: tmux on a private socket at a fixed
# size runs `sessrec play --paused` on recordings made by the real tools
# (tests/data/play, tests/data/sudo), types keys with send-keys and polls
# capture-pane until the screen shows what is expected.  Checks:
#   - the first screen, End, Home, and the help overlay against goldens
#     (tests/ui/u-play.d/);
#   - every seek (End, Home, left/right, PgUp/PgDn, g TIME) shows the
#     same screen as a fresh `sessrec play --dump --at T`, forward and
#     backward and forward again, and the status line shows T;
#   - '.' steps one event, n/N walk the commands, '/' finds output text,
#     '+'/'-' change the speed, space pauses and resumes;
#   - colours and attributes (capture-pane -e) on 256-, 8- and no-colour
#     terminals (TERM tmux-256color, screen, vt100), wide characters, the
#     alternate screen;
#   - resizing the tmux window redraws (crop notice on, then off); a
#     recording larger than the window is cropped with a notice and pans
#     with l/j; a recording resized while recorded is followed;
#   - an index made by `sessrec index` is used as it is, a stale one is
#     rebuilt, --no-cache writes nothing;
#   - --follow plays a recording as it grows;
#   - the bars drawn over an 80x24 recording in 80x24, and b cycling
#     them (below, none, over);
#   - q exits 0, with stdin at /dev/null (keys come from /dev/tty).
# Exits 77 when tmux is missing.
. "$SR_SRCDIR/tests/lib.sh"
. "$SR_SRCDIR/tests/ui/ui-lib.sh"
# Go on after a failed check, to report every difference at once.
set +e
P=$SR_DATA/play
W=100
H=30

# hms SECONDS: the status line's form of a whole number of seconds.
hms() {
	printf '%02d:%02d:%02d.000' $(($1 / 3600)) $(($1 / 60 % 60)) $(($1 % 60))
}

# seek_check NAME FILE SECONDS ROWS: once the status line shows SECONDS,
# the pane's first ROWS rows equal --dump --at SECONDS; a counted check.
seek_check() {
	ui_wait "$1" " $(hms "$3") / " || return 0
	ui_settle "$1" || :
	sr_steps=$((sr_steps + 1))
	ui_screen "$1" >"$TMP/pane"
	ui_rows "$TMP/pane" "$4" >"$TMP/pane.rows"
	"$SESSREC" play --dump --at "$3" "$2" >"$TMP/dump" 2>/dev/null || :
	ui_rows "$TMP/dump" "$4" >"$TMP/dump.rows"
	if ! cmp -s "$TMP/dump.rows" "$TMP/pane.rows"; then
		fail "$1: the screen at $3 s differs from --dump --at $3:"
		diff -u "$TMP/dump.rows" "$TMP/pane.rows" | head -30
	fi
}

# quit NAME: q, then the exit status must be 0.
quit() {
	ui_keys "$1" q
	ui_status "$1"
	expect_eq "$ui_rc" 0 "$1: exit status after q"
	if [ "$ui_rc" = running ]; then
		ui_screen "$1" | tail -3 | sed 's/^/  |/'
	fi
	if [ -s "$TMP/$1.err" ]; then
		fail "$1: stderr: $(head -5 "$TMP/$1.err")"
	fi
	ui_stop "$1"
}

# 1. vim (asciicast): first screen, End, Home, seeks by g, help.
ui_start vim "$W" "$H" play --paused "$P/vim.cast"
ui_wait vim 'PAUSED'
ui_wait_not vim 'indexing'
ui_check vim vim-start.txt
ui_keys vim End
ui_wait vim ' 00:00:02\.207 / '
ui_check vim vim-end.txt
ui_keys vim Home
ui_wait vim ' 00:00:00\.000 / '
ui_check vim vim-start.txt
# g TIME: insert mode, after :set number, then back again.
for t in 1.5 0.36 1 1.5; do
	ui_keys vim g
	ui_wait vim 'go to time'
	ui_type vim "$t"
	ui_keys vim Enter
	ui_wait vim " 00:00:0$(printf '%.3f' "$t") / "
	ui_settle vim || :
	ui_screen vim >"$TMP/pane"
	"$SESSREC" play --dump --at "$t" "$P/vim.cast" >"$TMP/dump"
	ui_rows "$TMP/dump" 24 >"$TMP/a"
	ui_rows "$TMP/pane" 24 >"$TMP/b"
	sr_steps=$((sr_steps + 1))
	if ! cmp -s "$TMP/a" "$TMP/b"; then
		fail "vim: g $t differs from --dump --at $t"
		diff -u "$TMP/a" "$TMP/b" | head -20
	fi
done
ui_check vim vim-at-1.5.txt
# A bad time is refused with a message, and nothing moves.
ui_keys vim g
ui_wait vim 'go to time'
ui_type vim 'soon'
ui_keys vim Enter
ui_wait vim "bad time 'soon'"
ui_wait vim ' 00:00:01\.500 / '
ui_keys vim '?'
ui_wait vim 'sessrec play keys'
ui_check vim help.txt
ui_keys vim x
ui_wait_not vim 'sessrec play keys'
quit vim

# 1b. The same in 80x24: the recording fills the terminal, so the bars
#     are drawn over its bottom rows while paused; b pins them below (the
#     view is then cropped), b again hides them (the last row shows), b
#     again is back to the start.
ui_start vim24 80 24 play --paused --at 1.5 "$P/vim.cast"
ui_wait vim24 'PAUSED'
ui_wait_not vim24 'indexing'
ui_check vim24 vim-80x24.txt
ui_keys vim24 b
ui_wait vim24 'bars: always'
ui_wait vim24 'cropped'
ui_keys vim24 b
ui_wait vim24 '^:set number$'
ui_wait_not vim24 'PAUSED'
ui_keys vim24 b
ui_wait vim24 'bars: auto'
ui_check vim24 vim-80x24-auto.txt
quit vim24

# 2. ticks (script, 69 s): left/right, PgUp/PgDn, Home/End, forth and
#    back and forth, each against --dump --at.
ui_start ticks "$W" "$H" play --paused "$P/ticks.tm"
ui_wait ticks 'PAUSED'
ui_wait_not ticks 'indexing'
seek_check ticks "$P/ticks.tm" 0 24
for k in Right:5 Right:10 NPage:70 Home:0 NPage:60 Left:55 PPage:0 \
    Right:5 PPage:0 End:69 Left:64 PPage:4 NPage:64 Home:0; do
	key=${k%:*}
	t=${k#*:}
	ui_keys ticks "$key"
	case $t in
	69 | 70)
		ui_wait ticks ' 00:01:09\.117 / '
		ui_settle ticks || :
		ui_screen ticks >"$TMP/pane"
		ui_rows "$TMP/pane" 24 >"$TMP/pane.rows"
		"$SESSREC" play --dump "$P/ticks.tm" >"$TMP/dump"
		ui_rows "$TMP/dump" 24 >"$TMP/dump.rows"
		sr_steps=$((sr_steps + 1))
		cmp -s "$TMP/dump.rows" "$TMP/pane.rows" ||
		    fail "ticks: $key to the end differs from --dump"
		;;
	*)
		# Left from 69.117 lands on 64.117: check against that.
		if [ "$key" = Left ] && [ "$t" = 64 ]; then
			ui_wait ticks ' 00:01:04\.117 / '
			ui_settle ticks || :
			ui_screen ticks >"$TMP/pane"
			"$SESSREC" play --dump --at 64.117 "$P/ticks.tm" \
			    >"$TMP/dump"
			sr_steps=$((sr_steps + 1))
			ui_rows "$TMP/pane" 24 >"$TMP/a"
			ui_rows "$TMP/dump" 24 >"$TMP/b"
			cmp -s "$TMP/a" "$TMP/b" ||
			    fail "ticks: Left from the end differs from --dump"
			continue
		fi
		if [ "$t" = 4 ]; then
			ui_wait ticks ' 00:00:04\.117 / '
			continue
		fi
		if [ "$t" = 64 ]; then
			ui_wait ticks ' 00:01:04\.117 / '
			continue
		fi
		seek_check ticks "$P/ticks.tm" "$t" 24
		;;
	esac
done
# '.' steps one event: from the start, the first tick, then the second.
ui_keys ticks Home
ui_wait ticks ' 00:00:00\.000 / '
ui_keys ticks .
ui_wait ticks '^tick 1$'
ui_wait ticks 'PAUSED'
ui_keys ticks .
ui_wait ticks '^tick 2$'
ui_wait_not ticks '^tick 3$' 1
# Speed: + + shows 4x, - - - - shows 0.5x; 16x is the top.
ui_keys ticks + +
ui_wait ticks ' 4x  PAUSED'
ui_keys ticks - - - -
ui_wait ticks ' 0\.25x  PAUSED'
ui_keys ticks - + + + + + + + + + +
ui_wait ticks ' 16x  PAUSED'
# Space plays (PAUSED goes, time moves), space pauses again.  At 1x: at
# 16x the rest of the recording plays in about 4 s, and a slow machine can
# take longer than that between the two presses (END shows, not PAUSED).
# Then back to 16x, which the screens below show.
ui_keys ticks - - - -
ui_wait ticks ' 1x  PAUSED'
# status_time: the time on the status line.
status_time() {
	ui_screen ticks | grep -E -o ' [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} / ' |
	    head -1
}
time_moved() {
	[ "$(status_time)" != "$t0" ]
}
t0=$(status_time)
ui_keys ticks Space
ui_wait_not ticks 'PAUSED' 20
sr_steps=$((sr_steps + 1))
wait_for 20 time_moved ||
    fail "ticks: playing, the time stays at '$t0'"
ui_keys ticks Space
ui_wait ticks ' 1x  PAUSED' 20
ui_keys ticks + + + +
ui_wait ticks ' 16x  PAUSED'
# The viewer's window shrinks: the crop notice comes; it grows back:
# the notice goes and the screen is as before.
ui_keys ticks Home
ui_wait ticks ' 00:00:00\.000 / '
ui_keys ticks Right
seek_check ticks "$P/ticks.tm" 5 24
ui_screen ticks >"$TMP/before-resize"
tm resize-window -t ticks -x 60 -y 15
ui_wait ticks 'cropped'
ui_check ticks ticks-60x15.txt
tm resize-window -t ticks -x "$W" -y "$H"
ui_wait_not ticks 'cropped'
ui_settle ticks || :
ui_screen ticks >"$TMP/after-resize"
sr_steps=$((sr_steps + 1))
cmp -s "$TMP/before-resize" "$TMP/after-resize" ||
    fail "ticks: the screen differs after shrinking and growing the window"
quit ticks

# 3. shell (asciicast with input): n/N walk the commands, / searches.
ui_start shell "$W" "$H" play --paused "$P/shell.cast"
ui_wait shell 'PAUSED'
ui_wait_not shell 'indexing'
ui_keys shell n
ui_wait shell 'command 1/6: echo alpha'
ui_keys shell n
ui_wait shell 'command 2/6: echo bravo'
ui_check shell shell-mark-2.txt
ui_keys shell N
ui_wait shell 'command 1/6: echo alpha'
ui_wait shell ' 00:00:01\.049 / '
ui_keys shell /
ui_type shell delta
ui_keys shell Enter
ui_wait shell '^\$ echo delta$'
ui_check shell shell-search-delta.txt
ui_keys shell /
ui_type shell 'no such text anywhere'
ui_keys shell Enter
ui_wait shell 'not found'
# Smart case: "ECHO" matches nothing, "echo" the three command lines; an
# empty search goes on to the next hit, then wraps to the start.
ui_keys shell Home
ui_keys shell /
ui_type shell ECHO
ui_keys shell Enter
ui_wait shell 'not found: ECHO'
ui_keys shell /
ui_type shell echo
ui_keys shell Enter
ui_wait shell '^ /echo  '
ui_settle shell || :
ui_screen shell >"$TMP/s1"
# Searching again: '^ /echo  ' shows already, so wait until the search
# is done (the prompt closed, the screen changed) before settling.
moved_on() {
	ui_screen shell >"$TMP/s2"
	grep -E -q '^ /echo  ' "$TMP/s2" && ! cmp -s "$TMP/s1" "$TMP/s2"
}
ui_keys shell / Enter
wait_for 20 moved_on || :
ui_settle shell || :
ui_screen shell >"$TMP/s2"
sr_steps=$((sr_steps + 1))
if ! grep -E -q '^ /echo  ' "$TMP/s2" || cmp -s "$TMP/s1" "$TMP/s2"; then
	fail "shell: searching again did not move on: $(cat "$TMP/s2")"
fi
ui_keys shell / Enter
ui_keys shell / Enter
ui_wait shell 'wrapped to the start'
quit shell

# 4. A recording larger than the window: cropped with a notice; the view
#    pans with l and j; a smaller window crops more.
ui_start wide 80 24 play --paused --at 1:00 "$P/wide.cast"
ui_wait wide 'cropped'
ui_wait wide 'END|PAUSED'
ui_check wide wide-80x24.txt
ui_keys wide l l l l l l l l l l
ui_wait wide 'TOP-RIGHT|BOTTOM-RIGHT'
ui_keys wide j j j j j j j j j j j j j j j j j j j j
ui_wait wide 'BOTTOM-RIGHT'
ui_check wide wide-panned.txt
quit wide

# 5. Recorded resizes (tlog: 80x24 -> 100x30 -> 60x20) are followed.
#    (32 rows: the 30 recorded ones fit above the status rows.)
ui_start less "$W" 32 play --paused "$P/less-resize.json"
ui_wait less 'PAUSED'
ui_wait_not less 'indexing'
for t in 1 3 2 4; do
	ui_keys less g
	ui_wait less 'go to time'
	ui_type less "$t"
	ui_keys less Enter
	seek_check less "$P/less-resize.json" "$t" 30
done
ui_keys less End
ui_wait less ' 00:00:04\.911 / '
ui_check less less-end.txt
quit less

# 6. Metadata on the status line: sudo's user, host and target.
ui_start sudo "$W" "$H" play --paused "$SR_DATA/sudo/tree/00/00/01"
ui_wait sudo '000001 sessrecgen@vm (→|->) nobody'
ui_keys sudo End
ui_wait sudo 'got: typed input 123'
ui_check sudo sudo-end.txt
quit sudo

# 7. Colours and attributes (capture-pane -e shows what tmux drew):
#    bold, italic, underline, reverse, the 16 colours, 256 colours, and
#    24-bit colours mapped to the nearest of 256 (TERM=tmux-256color);
#    wide and combining characters; then the alternate screen and back.
ui_start card "$W" "$H" play --paused --at 0.2 "$P/card.tm"
ui_wait card '^wide: '
ui_wait_not card 'indexing'
ui_settle card || :
tm capture-pane -e -p -t card >"$TMP/colours"
compare "$sr_golden_dir/card-colours.txt" "$TMP/colours" "card: colours"
sr_steps=$((sr_steps + 1))
ui_keys card g
ui_wait card 'go to time'
ui_type card 1.2
ui_keys card Enter
ui_wait card '^ alternate screen'
ui_check card card-alt.txt
ui_keys card End
ui_wait card '^card-done$'
ui_wait_not card 'alternate screen'
quit card
# The same card on terminals with 8 colours (bright ones as bold, 256
# and 24-bit colours mapped to the nearest of 8) and with none
# (attributes only).
for t in screen vt100; do
	UI_TERM=$t ui_start "card-$t" "$W" "$H" play --paused --at 0.2 \
	    "$P/card.tm"
	ui_wait "card-$t" '^wide: '
	ui_wait_not "card-$t" 'indexing'
	ui_settle "card-$t" || :
	tm capture-pane -e -p -t "card-$t" >"$TMP/colours"
	compare "$sr_golden_dir/card-colours-$t.txt" "$TMP/colours" \
	    "card ($t): colours"
	sr_steps=$((sr_steps + 1))
	quit "card-$t"
done

# 8. The index: `sessrec index` makes it; play uses it unchanged; after
#    the recording changes, play builds a new one and shows the change;
#    --no-cache writes nothing.
IC=$TMP/icache
cp "$P/vim.cast" "$TMP/rec.cast"
run 0 index --cache-dir "$IC" "$TMP/rec.cast"
find "$IC" -type f -exec stat -c '%i %Y %s %n' {} + | sort \
    >"$TMP/idx.1"
n=$(wc -l <"$TMP/idx.1")
expect_eq "$n" 1 "index files after sessrec index"
sleep 1
ui_start idx "$W" "$H" play --paused --cache-dir "$IC" "$TMP/rec.cast"
ui_wait idx 'PAUSED'
ui_keys idx End
ui_wait idx ' 00:00:02\.207 / '
quit idx
find "$IC" -type f -exec stat -c '%i %Y %s %n' {} + | sort \
    >"$TMP/idx.2"
sr_steps=$((sr_steps + 1))
cmp -s "$TMP/idx.1" "$TMP/idx.2" ||
    fail "play rewrote an up-to-date index: $(diff "$TMP/idx.1" "$TMP/idx.2")"
printf '[3.0, "o", "appended-after-indexing\\r\\n"]\n' >>"$TMP/rec.cast"
ui_start idx2 "$W" "$H" play --paused --cache-dir "$IC" "$TMP/rec.cast"
ui_wait idx2 'PAUSED'
ui_keys idx2 End
ui_wait idx2 '^appended-after-indexing$'
ui_wait idx2 ' 00:00:03\.000 / '
quit idx2
sr_steps=$((sr_steps + 1))
if find "$IC" -type f -newer "$TMP/idx.2" | grep -q .; then
	:
else
	fail "no index was built for the changed recording"
fi
find "$UI_CACHE" -type f | sort >"$TMP/idx.3"
ui_start nocache "$W" "$H" play --paused --no-cache "$P/card.tm"
ui_wait nocache 'PAUSED'
ui_keys nocache End
ui_wait nocache '^card-done$'
quit nocache
find "$UI_CACHE" -type f | sort >"$TMP/idx.4"
sr_steps=$((sr_steps + 1))
cmp -s "$TMP/idx.3" "$TMP/idx.4" ||
    fail "--no-cache wrote to the cache: $(diff "$TMP/idx.3" "$TMP/idx.4")"
# 9. --follow: a recording that grows is played as it grows.
printf '{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "live-first\\r\\n"]\n' \
    >"$TMP/live.cast"
ui_start live "$W" "$H" play --follow "$TMP/live.cast"
ui_wait live '^live-first$'
printf '[0.6, "o", "live-second\\r\\n"]\n' >>"$TMP/live.cast"
ui_wait live '^live-second$'
printf '[1.2, "o", "live-third\\r\\n"]\n' >>"$TMP/live.cast"
ui_wait live '^live-third$'
ui_wait live 'LIVE|WAIT'
quit live
finish
