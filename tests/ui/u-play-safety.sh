#!/bin/sh
# SPDX-License-Identifier: ISC
# SECURITY.md T14: no byte sequence from a recording reaches the viewer's
# terminal.  `sessrec play` runs on a pty that records every byte it
# writes (tests/ui/ptycap.py), over the escape probes of samples/ and
# the section 5 payloads (tests/data/probes, gen-probes.py: OSC 0/2/4/7/
# 8/10/11/50/52/777/1337, CSI 21t/20t/14t/8t, DECRQSS with newlines,
# XTGETTCAP, DSR, DA, DA2, ENQ, DECRQM, DECRQCRA, mouse/focus/paste and
# kitty keyboard modes, C1 as raw bytes and as UTF-8, huge REP, >16
# parameters, bad DECSTBM, Sixel, ReGIS, APC/PM/SOS, an unterminated
# OSC, RIS) and real recordings that hold queries (vim asks for the
# cursor position and sends a DCS).  It plays each to the end, by time
# and by End, under TERM=xterm-256color, tmux-256color and vt100, and
# quits with q.  ptycap.py check then fails on any OSC/DCS/APC/PM/SOS
# string, CSI query, input-mode switch, C1 control, payload marker
# inside an escape, or escape sequence that the TERM's terminfo entry
# does not hold (so what remains is ncurses' own output).  Finally a
# fake terminal types query replies (a title report holding "q" and a
# space, cursor reports, DA) while play runs: none may act as a key.
. "$SR_SRCDIR/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
command -v infocmp >/dev/null 2>&1 || skip "infocmp not installed"
CAP="python3 $SR_SRCDIR/tests/ui/ptycap.py"
PR=$SR_DATA/probes
set +e
export SESSREC_CACHE_DIR="$TMP/cache" LC_ALL=C.UTF-8

# probe NAME TERM STEPS... -- PLAY-ARGS...: one captured run; fails on
# an exit status other than 0, a missed step, or a bad sequence.
probe() {
	sr_pn=$1
	sr_pt=$2
	shift 2
	sr_steps=$((sr_steps + 1))
	set -- run --out "$TMP/cap" --term "$sr_pt" --size 30x100 \
	    --budget 40 "$@"
	$CAP "$@" >"$TMP/cap.res" 2>&1 || :
	if ! grep -qx 'exit 0' "$TMP/cap.res" ||
	    ! grep -qx 'steps done' "$TMP/cap.res"; then
		fail "$sr_pn ($sr_pt): $(tr '\n' ' ' <"$TMP/cap.res")"
		$CAP text "$TMP/cap" | tail -c 600 | sed 's/^/  |/'
		echo
	fi
	if ! $CAP check --term "$sr_pt" "$TMP/cap" >"$TMP/check" 2>&1; then
		fail "$sr_pn ($sr_pt): sequences a recording could have sent:"
		head -20 "$TMP/check" | sed 's/^/  /'
	fi
}

# The recordings and the text each one ends with.
set --
# (tests/data/probes holds a copy of samples/escape-probes.)
EP=$SR_SAMPLES/escape-probes
[ -d "$EP" ] || EP=$PR
for f in "$EP"/inject-probe.cast "$EP"/inject-probe.ttyrec \
    "$EP"/inject-probe.typescript; do
	[ -f "$f" ] || fail "missing probe recording $f"
	set -- "$@" "$f:visible"
done
for f in "$PR"/payloads.cast "$PR"/payloads.ttyrec \
    "$PR"/payloads.typescript; do
	[ -f "$f" ] || fail "missing probe recording $f"
	set -- "$@" "$f:probe-end"
done
# vim's last screen is empty and its last message flashes by: wait for
# the status line's END instead.
set -- "$@" "$SR_DATA/play/vim.cast:END"
[ $# -ge 4 ] || fail "too few probe recordings"

for term in xterm-256color tmux-256color vt100; do
	infocmp "$term" >/dev/null 2>&1 || {
		echo "no terminfo for $term, skipped"
		continue
	}
	# The End key, or (vt100 has none) g and a time past the end.
	if infocmp -1 "$term" | grep -q '^[[:space:]]*kend='; then
		tend=End
	else
		tend=g,9,9,:,0,0,Enter
	fi
	for spec in "$@"; do
		f=${spec%:*}
		end=${spec##*:}
		name=$(basename "$f")
		# Played by time, fast.
		probe "$name speed 16" "$term" --step "$end=q" -- \
		    "$SESSREC" play --speed 16 --max-idle 0.1 "$f"
		# Paused, then End: the seek path.  (vim's last screen is
		# the empty main screen: nothing to wait for.)
		[ "$end" = END ] && end=
		probe "$name paused End" "$term" --step "=$tend" \
		    --step "$end=q" -- "$SESSREC" play --paused "$f"
	done
done

# Stepping through the payloads one event at a time ('.'), then
# jumping back and forth, with a small window (cropping).
probe "payloads step" xterm-256color --step "=.,.,.,.,.,.,.,.,.,.,.,.,End" \
    --step "probe-end=Home,End,Left,Right,q" -- \
    "$SESSREC" play --paused "$PR/payloads.cast"
sr_steps=$((sr_steps + 1))
# (The end may be cropped away: play for a while, then quit.)
$CAP run --out "$TMP/cap" --term xterm-256color --size 10x30 --budget 6 \
    --step "never-shown=q" -- "$SESSREC" play --speed 16 \
    "$PR/payloads.ttyrec" >"$TMP/cap.res" 2>&1 || :
grep -qx 'exit 0' "$TMP/cap.res" ||
    fail "payloads in 30x10: $(tr '\n' ' ' <"$TMP/cap.res")"
$CAP check --term xterm-256color "$TMP/cap" >"$TMP/check" 2>&1 ||
    fail "payloads in 30x10: $(head -5 "$TMP/check")"

# A terminal that answers queries: its replies arrive as input while the
# recording plays.  They hold q, space and other keys; play must reach
# the end (nothing paused it) and still be running until our own q.
for f in "$PR/payloads.cast" "$SR_DATA/play/vim.cast"; do
	case $f in
	*vim.cast) end=END ;;
	*) end=probe-end ;;
	esac
	sr_steps=$((sr_steps + 1))
	$CAP run --replies --out "$TMP/cap" --term xterm-256color \
	    --size 30x100 --budget 40 --step "$end=q" -- \
	    "$SESSREC" play --speed 4 --max-idle 0.2 "$f" \
	    >"$TMP/cap.res" 2>&1 || :
	if grep -qx 'exited early' "$TMP/cap.res" ||
	    ! grep -qx 'steps done' "$TMP/cap.res"; then
		fail "$(basename "$f"): a fake terminal reply acted as a key: $(tr '\n' ' ' <"$TMP/cap.res")"
	fi
	grep -qx 'exit 0' "$TMP/cap.res" ||
	    fail "$(basename "$f") with replies: $(tr '\n' ' ' <"$TMP/cap.res")"
done

# --dump prints text, which may go to a terminal too: no escape
# sequence, no control character but newline, no C1, for every probe,
# at its end and halfway.
for spec in "$@"; do
	f=${spec%:*}
	for at in "" 0.35 3; do
		sr_steps=$((sr_steps + 1))
		if [ -n "$at" ]; then
			"$SESSREC" play --dump --at "$at" "$f" >"$TMP/dump" 2>&1 || :
		else
			"$SESSREC" play --dump "$f" >"$TMP/dump" 2>&1 || :
		fi
		if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$TMP/dump"; then
			fail "$(basename "$f") --dump ${at:-end}: control characters in the text:"
			LC_ALL=C grep -n "$(printf '[\001-\011\013-\037\177]')" "$TMP/dump" | cat -v | head -3
		fi
		$CAP check --term xterm-256color "$TMP/dump" >"$TMP/check" 2>&1 ||
		    fail "$(basename "$f") --dump ${at:-end}: $(head -3 "$TMP/check")"
	done
done

# The checker itself must be able to fail: the raw probes are full of
# what it looks for.
sr_steps=$((sr_steps + 1))
if $CAP check --term xterm-256color "$PR/payloads.typescript" >/dev/null; then
	fail "ptycap.py check accepts the raw payloads"
fi
finish
