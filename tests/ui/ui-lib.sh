# SPDX-License-Identifier: ISC
# Shared by the UI tests (tests/ui): drives `sessrec play` in a detached
# tmux server on a private socket (-L, -f /dev/null, so no user
# configuration), at a fixed size, types keys with send-keys and polls
# capture-pane until the expected text appears or a budget runs out.
# Nothing here asserts a time: every wait is a poll with a generous
# budget, and a check fails only on what the screen shows.
#
# A test sources tests/lib.sh (step, compare, fail, finish, $TMP), then
# this file.

command -v tmux >/dev/null 2>&1 || skip "tmux not installed"

UI_SOCK=sessrec-ui-$$
UI_CACHE=$TMP/cache
mkdir -p "$UI_CACHE"
chmod 700 "$UI_CACHE"

ui_cleanup() {
	tmux -L "$UI_SOCK" kill-server 2>/dev/null || :
	rm -rf "$TMP"
}
trap ui_cleanup EXIT
trap 'exit 1' INT TERM HUP

tm() {
	tmux -L "$UI_SOCK" -f /dev/null "$@"
}

# The server keeps dead panes, so a test can read the exit status, and
# gives programs a 256-colour TERM.
tm start-server \; set-option -g exit-empty off \
    \; set-option -g remain-on-exit on \
    \; set-option -g default-terminal tmux-256color \
    \; set-option -g status off

# ui_start NAME COLS ROWS ARGS...: runs "sessrec ARGS" in a new session
# of COLS x ROWS with stdin from /dev/null (play reads keys from
# /dev/tty), the test's cache directory and a fixed locale and zone;
# TERM is tmux's (tmux-256color) unless UI_TERM names another.
ui_start() {
	sr_un=$1
	sr_uc=$2
	sr_ur=$3
	shift 3
	sr_ucmd="env SESSREC_CACHE_DIR='$UI_CACHE' LC_ALL=C.UTF-8 TZ=UTC"
	if [ -n "${UI_TERM:-}" ]; then
		sr_ucmd="$sr_ucmd TERM='$UI_TERM'"
	fi
	sr_ucmd="$sr_ucmd SESSREC_SOURCES='$SESSREC_SOURCES' '$SESSREC'"
	for sr_ua in "$@"; do
		sr_ucmd="$sr_ucmd '$sr_ua'"
	done
	rm -f "$TMP/$sr_un.rc"
	# The shell reaps play and writes its status (tmux may leave a dead
	# pane's process unreaped for a while).
	tm new-session -d -s "$sr_un" -x "$sr_uc" -y "$sr_ur" \
	    "$sr_ucmd </dev/null 2>'$TMP/$sr_un.err'; echo \$? >'$TMP/$sr_un.rc'"
}

# ui_screen NAME: the visible screen, one line per row, trailing blanks
# removed (tmux trims them).
ui_screen() {
	tm capture-pane -p -t "$1" 2>/dev/null || :
}

ui_has() { # NAME ERE
	ui_screen "$1" | grep -E -q -- "$2"
}

# ui_wait NAME ERE [SECONDS]: until a row matches ERE; a counted check.
ui_wait() {
	sr_steps=$((sr_steps + 1))
	if wait_for "${3:-10}" ui_has "$1" "$2"; then
		return 0
	fi
	fail "$1: the screen never showed /$2/; it shows:"
	ui_screen "$1" | sed 's/^/  |/'
	return 1
}

# ui_wait_not NAME ERE [SECONDS]: until no row matches ERE.
ui_wait_not() {
	sr_steps=$((sr_steps + 1))
	if wait_for "${3:-10}" ui_lacks "$1" "$2"; then
		return 0
	fi
	fail "$1: the screen still shows /$2/:"
	ui_screen "$1" | sed 's/^/  |/'
	return 1
}
ui_lacks() {
	! ui_has "$1" "$2"
}

# ui_settle NAME: until two captures 0.2 s apart are equal (the player
# has drawn everything it was asked to), at most about 5 s.
ui_settle() {
	sr_us_n=25
	ui_screen "$1" >"$TMP/settle.a"
	while [ "$sr_us_n" -gt 0 ]; do
		sleep 0.2
		ui_screen "$1" >"$TMP/settle.b"
		if cmp -s "$TMP/settle.a" "$TMP/settle.b"; then
			return 0
		fi
		mv "$TMP/settle.b" "$TMP/settle.a"
		sr_us_n=$((sr_us_n - 1))
	done
	return 1
}

# ui_keys NAME KEY...: tmux key names (End, Home, Left, PPage, Space...)
# or single characters.
ui_keys() {
	sr_un=$1
	shift
	tm send-keys -t "$sr_un" "$@"
}

# ui_type NAME TEXT: types TEXT literally.
ui_type() {
	tm send-keys -t "$1" -l -- "$2"
}

# ui_check NAME GOLDEN: the settled screen against GOLDEN (a file in the
# test's .d directory); a counted check.
ui_check() {
	sr_steps=$((sr_steps + 1))
	ui_settle "$1" || :
	ui_screen "$1" >"$TMP/screen"
	compare "$sr_golden_dir/$2" "$TMP/screen" "$1: screen"
}

# ui_rows FILE N: the first N rows of FILE, trailing blanks removed,
# padded with empty rows to N (for comparing a pane with --dump).
ui_rows() {
	awk -v n="$2" 'NR <= n { sub(/[ \t]+$/, ""); print }
	    END { for (i = NR + 1; i <= n; i++) print "" }' "$1"
}

# ui_status NAME [SECONDS]: waits for play to exit and sets ui_rc to its
# exit status ("running" when it did not exit in time).
ui_status() {
	ui_rc=running
	if wait_for "${2:-10}" test -s "$TMP/$1.rc"; then
		ui_rc=$(cat "$TMP/$1.rc")
	fi
}

# ui_stop NAME: ends the session (after a test is done with it).
ui_stop() {
	tm kill-session -t "$1" 2>/dev/null || :
}
