# SPDX-License-Identifier: ISC
#
# Copyright (c) 2026 The sessrec authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# The manuals and completions against the binary (after git's t0450):
#
# 1. mandoc -Tlint -Wwarning is silent on every page in doc/ (style notes
#    such as "referenced manual not found" are not failures);
# 2. every command has doc/sessrec-CMD.1, listed in sessrec(1);
# 3. the rendered SYNOPSIS equals the usage line of `sessrec CMD -h`, and
#    sessrec(1)'s first SYNOPSIS line equals `sessrec -h`'s, compared
#    after collapsing white space and with the usage line's argument
#    names in lower case, as the manuals write them;
# 4. every option of `--list-options CMD` is documented in the page, and
#    every option the page lists as an item exists;
# 5. every exit status of enum sr_exit has an item in sessrec(1);
# 6. the checked-in completions equal what completions/gen.sh generates
#    now, and load in bash (and zsh, fish when installed).
#
# Skips (77) when mandoc is not installed.
set -eu

SR_SRCDIR=${SR_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SESSREC=${SESSREC:-./sessrec}
doc=$SR_SRCDIR/doc

if ! command -v mandoc >/dev/null 2>&1; then
	echo "t-man: mandoc not installed, skipping"
	exit 77
fi
if [ ! -x "$SESSREC" ]; then
	echo "FAIL: no sessrec binary at '$SESSREC'" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

failed=0
fail()
{
	echo "FAIL: $*" >&2
	failed=1
}

# render PAGE: plain text, no overstrike.
render()
{
	if command -v col >/dev/null 2>&1; then
		mandoc -Tascii "$1" | col -bx
	else
		mandoc -Tascii "$1" | sed 's/.\x08//g' | expand
	fi
}

# norm: one line, single spaces.
norm()
{
	awk '{ s = s " " $0 }
	END { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); print s }'
}

# usage CMD...: the usage line of `sessrec CMD -h`, normalized, with its
# upper-case argument names (PATH, NAME=VALUE) in lower case as the
# manuals write them; single letters (-hV) keep their case.
usage()
{
	# The usage runs to the first empty line (long ones wrap).
	"$SESSREC" "$@" -h | sed '/^$/q' | sed 's/^usage: //' | norm | awk '{
		out = ""
		while (match($0, /[A-Z][A-Z]+/)) {
			out = out substr($0, 1, RSTART - 1) \
			    tolower(substr($0, RSTART, RLENGTH))
			$0 = substr($0, RSTART + RLENGTH)
		}
		print out $0
	}'
}

# section NAME: the body of one section of rendered text on stdin.
section()
{
	awk -v s="$1" '
		$0 == s { on = 1; next }
		on && /^[A-Z]/ { exit }
		on { print }
	'
}

# 1. Lint.
set -- "$doc"/*.[1-9]
[ -e "$1" ] || fail "no manual pages in $doc"
for page in "$@"; do
	mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1 || :
	if grep -v 'referenced manual not found' "$tmp/lint" >"$tmp/lint2"; then
		fail "mandoc -Tlint $(basename "$page"):"
		sed 's/^/  /' "$tmp/lint2" >&2
	fi
done

render "$doc/sessrec.1" >"$tmp/sessrec.txt"
"$SESSREC" --list-commands | cut -f1 >"$tmp/commands"
[ -s "$tmp/commands" ] || fail "--list-commands printed nothing"

# 3, for sessrec(1): its first synopsis line is the global usage.
section SYNOPSIS <"$tmp/sessrec.txt" |
    awk '/^     sessrec( |$)/ && n++ { exit } { print }' | norm >"$tmp/man"
usage >"$tmp/usage"
if ! cmp -s "$tmp/man" "$tmp/usage"; then
	fail "sessrec.1: SYNOPSIS does not match 'sessrec -h'"
	echo "  manual: $(cat "$tmp/man")" >&2
	echo "  -h:     $(cat "$tmp/usage")" >&2
fi
for o in -h --help -V --version --list-commands --list-options; do
	grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" "$tmp/sessrec.txt" ||
	    fail "sessrec.1: global option $o not documented"
done

# 5. Exit statuses.
sed -n 's/^[[:space:]]*SR_EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' \
    "$SR_SRCDIR/src/cmd.h" >"$tmp/codes"
[ -s "$tmp/codes" ] || fail "no exit statuses found in src/cmd.h"
section 'EXIT STATUS' <"$tmp/sessrec.txt" >"$tmp/exit"
while read -r code; do
	grep -Eq "^     $code( |\$)" "$tmp/exit" ||
	    fail "sessrec.1: EXIT STATUS has no item for $code"
done <"$tmp/codes"

while read -r c; do
	page=$doc/sessrec-$c.1
	# 2. A page per command, named in sessrec(1).
	if [ ! -f "$page" ]; then
		fail "no manual page doc/sessrec-$c.1 for command '$c'"
		continue
	fi
	grep -q "sessrec-$c(1)" "$tmp/sessrec.txt" ||
	    fail "sessrec.1 does not refer to sessrec-$c(1)"
	render "$page" >"$tmp/page.txt"
	grep -q '^EXIT STATUS$' "$tmp/page.txt" ||
	    fail "sessrec-$c.1: no EXIT STATUS section"

	# 3. SYNOPSIS against the usage line.
	section SYNOPSIS <"$tmp/page.txt" | norm >"$tmp/man"
	usage "$c" >"$tmp/usage"
	if ! cmp -s "$tmp/man" "$tmp/usage"; then
		fail "sessrec-$c.1: SYNOPSIS does not match 'sessrec $c -h'"
		echo "  manual: $(cat "$tmp/man")" >&2
		echo "  -h:     $(cat "$tmp/usage")" >&2
		tr ' ' '\n' <"$tmp/man" | sort -u >"$tmp/a"
		tr ' ' '\n' <"$tmp/usage" | sort -u >"$tmp/b"
		echo "  only in the manual: $(comm -23 "$tmp/a" "$tmp/b" |
		    tr '\n' ' ')" >&2
		echo "  only in -h:         $(comm -13 "$tmp/a" "$tmp/b" |
		    tr '\n' ' ')" >&2
	fi

	# 4. Options both ways.
	"$SESSREC" --list-options "$c" | sed 's/=$//' >"$tmp/opts" ||
	    fail "--list-options $c failed"
	while read -r o; do
		grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" "$tmp/page.txt" ||
		    fail "sessrec-$c.1: option $o not documented"
	done <"$tmp/opts"
	# The items of the page's option list: ".It Fl x , Fl \-name".
	sed -n 's/^\.It Fl //p' "$page" |
	    sed 's/ *Ar .*//; s/ , Fl / /g; s/\\-/-/g; s/ *,$//' |
	    tr ' ' '\n' | sed '/^$/d; s/^/-/' >"$tmp/items"
	[ -s "$tmp/items" ] || fail "sessrec-$c.1: no option items found"
	while read -r o; do
		grep -qx -- "$o" "$tmp/opts" ||
		    fail "sessrec-$c.1: documents $o, which 'sessrec $c' lacks"
	done <"$tmp/items"
done <"$tmp/commands"

# Pages for commands that do not exist.
for page in "$doc"/sessrec-*.1; do
	c=${page##*/sessrec-}
	c=${c%.1}
	grep -qx "$c" "$tmp/commands" ||
	    fail "doc/sessrec-$c.1 documents no command of this sessrec"
done

# 6. Completions.
mkdir "$tmp/comp"
if ! sh "$SR_SRCDIR/completions/gen.sh" "$SESSREC" "$tmp/comp"; then
	fail "completions/gen.sh failed"
else
	for f in sessrec _sessrec sessrec.fish; do
		if ! cmp -s "$tmp/comp/$f" "$SR_SRCDIR/completions/$f"; then
			fail "completions/$f is out of date: run 'make completions'"
			diff -u "$SR_SRCDIR/completions/$f" "$tmp/comp/$f" |
			    head -n 20 | sed 's/^/  /' >&2 || :
		fi
		head -n 3 "$tmp/comp/$f" | grep -q 'DO NOT EDIT' ||
		    fail "completions/$f: no DO NOT EDIT banner"
	done
fi
comp=$SR_SRCDIR/completions
if command -v bash >/dev/null 2>&1; then
	# Complete "sessrec ls --fo" and "sessrec ls --format s".
	got=$(bash -c '
		. "$1" || exit 1
		complete -p sessrec >/dev/null || exit 1
		COMP_WORDS=(sessrec ls --fo); COMP_CWORD=2; _sessrec
		printf "%s," "${COMPREPLY[@]}"
		COMP_WORDS=(sessrec ls --format s); COMP_CWORD=3; _sessrec
		printf "%s," "${COMPREPLY[@]}"
		COMP_WORDS=(sessrec ""); COMP_CWORD=1; _sessrec
		printf "%s," "${COMPREPLY[@]}"
	' sh "$comp/sessrec" 2>"$tmp/bash.err") || :
	want="--format=,sudo,script,$(tr '\n' ',' <"$tmp/commands")"
	if [ "$got" != "$want" ]; then
		fail "bash completion: got '$got', want '$want'"
		sed 's/^/  /' "$tmp/bash.err" >&2
	fi
fi
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$comp/_sessrec" 2>"$tmp/zsh.err" ||
	    { fail "zsh -n _sessrec"; sed 's/^/  /' "$tmp/zsh.err" >&2; }
fi
if command -v fish >/dev/null 2>&1; then
	fish -n "$comp/sessrec.fish" 2>"$tmp/fish.err" ||
	    { fail "fish -n sessrec.fish"; sed 's/^/  /' "$tmp/fish.err" >&2; }
	got=$(HOME=$tmp fish --no-config -c \
	    "source '$comp/sessrec.fish'; complete -C 'sessrec ls --format tl'" \
	    2>/dev/null | cut -f1) || :
	[ "$got" = tlog ] ||
	    fail "fish completion of 'sessrec ls --format tl': got '$got'"
fi

if [ "$failed" -ne 0 ]; then
	echo "t-man: FAILED" >&2
	exit 1
fi
echo "t-man: ok"
