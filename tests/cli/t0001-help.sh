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
# Family 0: help, version and usage errors.  -h and --version succeed and
# print to standard output; an unknown command, a bad option or a missing
# operand exits 2 with an exact message and the usage on standard error,
# and nothing on standard output.  Expected usage text is taken from the
# -h output itself, so this test does not need updating for each new
# option; tests/doc/t-man.sh checks the usage lines against the manuals.
set -eu

SESSREC=${SESSREC:-./sessrec}
SESSREC_SOURCES=/nonexistent
export SESSREC_SOURCES

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t0001.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

failed=0
fail()
{
	echo "FAIL: $*" >&2
	failed=1
}

# run NAME ARGS...: runs sessrec, leaving $tmp/NAME.out, .err and $rc.
run()
{
	name=$1
	shift
	rc=0
	"$SESSREC" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
}

# expect_rc NAME WANT ARGS (for the message)
expect_rc()
{
	if [ "$rc" -ne "$2" ]; then
		fail "$1: exit status $rc, want $2"
		sed 's/^/  stderr: /' "$tmp/$1.err" >&2
	fi
}

# same NAME WHAT FILE WANTFILE: FILE must equal WANTFILE.
same()
{
	if ! cmp -s "$3" "$4"; then
		fail "$1: $2 differs from what is expected"
		diff -u "$4" "$3" | sed 's/^/  /' >&2 || :
	fi
}

empty()
{
	if [ -s "$3" ]; then
		fail "$1: $2 is not empty"
		sed 's/^/  /' "$3" >&2
	fi
}

if [ ! -x "$SESSREC" ]; then
	echo "FAIL: no sessrec binary at '$SESSREC'" >&2
	exit 1
fi

# Global help and version.
run help -h
expect_rc help 0
empty help stderr "$tmp/help.err"
if ! head -n 1 "$tmp/help.out" |
    grep -q '^usage: sessrec \[-hV\] command \[options\] \[args\]$'; then
	fail "-h: first line is not the usage line"
fi
"$SESSREC" --list-commands >"$tmp/commands" ||
    fail "--list-commands: exit status $?"
[ -s "$tmp/commands" ] || fail "--list-commands printed nothing"
while IFS='	' read -r c s; do
	[ -n "$s" ] || fail "--list-commands: no summary for '$c'"
	grep -q "^  $c  *$s\$" "$tmp/help.out" ||
	    fail "-h: command '$c' not listed with its summary"
done <"$tmp/commands"

run help2 --help
expect_rc help2 0
same --help stdout "$tmp/help2.out" "$tmp/help.out"

for v in -V --version; do
	run version "$v"
	expect_rc "version$v" 0
	empty "$v" stderr "$tmp/version.err"
	grep -Eq '^sessrec [0-9]+\.[0-9]+' "$tmp/version.out" ||
	    fail "$v: no 'sessrec VERSION' line"
	[ "$(wc -l <"$tmp/version.out")" -eq 1 ] ||
	    fail "$v: more than one line"
done

# Each command's help: usage line first, then the options, exit 0, even
# for commands that need an operand.
while IFS='	' read -r c s; do
	for h in -h --help; do
		run "cmdhelp" "$c" "$h"
		expect_rc "cmdhelp" 0
		empty "$c $h" stderr "$tmp/cmdhelp.err"
		head -n 1 "$tmp/cmdhelp.out" | grep -q "^usage: sessrec $c " ||
		    fail "$c $h: first line is not 'usage: sessrec $c ...'"
		grep -q "^$s\.\$" "$tmp/cmdhelp.out" ||
		    fail "$c $h: summary '$s.' missing"
		grep -q '^options:$' "$tmp/cmdhelp.out" ||
		    fail "$c $h: no options list"
	done
	head -n 1 "$tmp/cmdhelp.out" >"$tmp/usage.$c"
done <"$tmp/commands"
[ -s "$tmp/usage.ls" ] || fail "no ls command"

# Global usage errors: message, then the global usage, on stderr.
main_error()
{
	name=$1
	msg=$2
	shift 2
	run "$name" "$@"
	expect_rc "$name" 2
	empty "$name" stdout "$tmp/$name.out"
	{
		[ -z "$msg" ] || printf '%s\n' "$msg"
		cat "$tmp/help.out"
	} >"$tmp/$name.want"
	same "$name" stderr "$tmp/$name.err" "$tmp/$name.want"
}

main_error noargs ''
main_error unknown "sessrec: unknown command 'frobnicate'" frobnicate
main_error badglobal "sessrec: bad option '--frob'" --frob ls
main_error badshort "sessrec: bad option '-x'" -x

# --list-options: an unknown command or a missing one is a usage error.
run listbad --list-options frobnicate
expect_rc listbad 2
empty "--list-options frobnicate" stdout "$tmp/listbad.out"
run listnone --list-options
expect_rc listnone 2

# Command usage errors: "sessrec CMD: message", then the usage line.
cmd_error()
{
	name=$1
	msg=$2
	c=$3
	shift 2
	run "$name" "$@"
	expect_rc "$name" 2
	empty "$name" stdout "$tmp/$name.out"
	{
		printf '%s\n' "$msg"
		cat "$tmp/usage.$c"
	} >"$tmp/$name.want"
	same "$name" stderr "$tmp/$name.err" "$tmp/$name.want"
}

cmd_error lsbadlong "sessrec ls: bad option '--frob'" ls --frob
cmd_error lsbadshort "sessrec ls: bad option '-Z'" ls -Z
cmd_error catnoarg "sessrec cat: missing argument" cat
cmd_error catnoarg2 "sessrec cat: missing argument" cat -q -t
cmd_error infonoarg "sessrec info: missing argument" info
cmd_error infobad "sessrec info: bad option '--frob'" info --frob 000001
cmd_error lsformat "sessrec ls: unknown format 'nosuch'" ls --format nosuch
cmd_error lstime "sessrec ls: bad time 'yesterday'" ls --since yesterday

# An option missing its argument, and a bad limit: exit 2 and the usage
# line last.
for args in "ls --format" "cat --limit bogus=1 000001" "ls --limit event=0"; do
	# shellcheck disable=SC2086
	run optarg $args
	expect_rc "$args" 2
	empty "$args" stdout "$tmp/optarg.out"
	c=${args%% *}
	tail -n 1 "$tmp/optarg.err" >"$tmp/optarg.last"
	same "$args" "last line of stderr" "$tmp/optarg.last" "$tmp/usage.$c"
done

if [ "$failed" -ne 0 ]; then
	echo "t0001-help: FAILED" >&2
	exit 1
fi
echo "t0001-help: ok"
