# SPDX-License-Identifier: ISC
# Terminals for the tests that drive interactive programs: a private
# tmux server whose socket lives (and goes) with $TMP.  Sourced after
# tests/lib.sh (wait_for, fail, sr_steps).  SR_PANE_LINES: how much
# scrollback pane reads (2000 by default).

tm() {
	tmux -S "$TMP/tmux" -f /dev/null "$@"
}

# pane NAME: the screen and scrollback of NAME.
pane() {
	tm capture-pane -p -J -S "-${SR_PANE_LINES:-2000}" -t "$1" \
	    2>/dev/null || :
}

pane_has() { # NAME REGEX MIN
	[ "$(pane "$1" | grep -E -c -- "$2")" -ge "$3" ]
}

# wait_pane NAME REGEX [MIN [SECONDS]]: until at least MIN lines of the
# screen match; a counted check.
wait_pane() {
	sr_steps=$((sr_steps + 1))
	if wait_for "${4:-20}" pane_has "$1" "$2" "${3:-1}"; then
		return 0
	fi
	fail "$1: the terminal never showed /$2/ (${3:-1} times); screen:"
	pane "$1" | grep -v '^$' | tail -15
	return 1
}

# typeline NAME TEXT: types TEXT and Enter.
typeline() {
	tm send-keys -t "$1" -l -- "$2"
	tm send-keys -t "$1" Enter
}
