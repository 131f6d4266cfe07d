# SPDX-License-Identifier: ISC
# Shared by the shell tests (tests/cli, tests/integ): golden-output steps.
#
# A test script sources this file, then calls
#   step NAME WANT_EXIT sessrec-args...
# which runs "$SESSREC args" with stdin from /dev/null, checks the exit
# status, and compares stdout and stderr with NAME.out and NAME.err in the
# directory "<script>.d" beside the script (a missing .err means "must be
# empty").  Absolute source and build paths are replaced by @SRCDIR@ and
# @BUILDDIR@ first, so goldens do not depend on where the tree lives.
# SR_GOLDEN=update rewrites the golden files for review.
# Exit 77 (skip) with "skip REASON"; any failure exits 1 at the end.

set -u

: "${SESSREC:?SESSREC must name the binary under test}"
: "${SR_SRCDIR:?}"
: "${SR_BUILDDIR:=$(pwd)}"
SR_DATA=${SR_DATA:-$SR_SRCDIR/tests/data}
SR_SAMPLES=${SR_SAMPLES:-$SR_SRCDIR/samples}
export LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1

sr_script=$0
sr_golden_dir=$SR_SRCDIR/tests/${sr_script#*tests/}
sr_golden_dir=${sr_golden_dir%.sh}.d
sr_failures=0
sr_steps=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sessrec-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# Never read the machine's own recordings: default sources are empty.
if [ ! -d "${SESSREC_SOURCES:-/nonexistent}" ]; then
	mkdir -p "$TMP/no-sources"
	SESSREC_SOURCES=$TMP/no-sources
fi
export SESSREC_SOURCES

# Copies samples/ to $TMP/samples and gives the sudo trees the modes sudo
# wrote (samples/sudo-io/MODES.txt): version control and "make dist" do
# not keep them, and a sudo session is complete when its timing file has
# no write bits.  Prints the copy's path.
samples_with_modes() {
	if [ ! -d "$TMP/samples" ]; then
		cp -R "$SR_SAMPLES" "$TMP/samples"
		chmod -R u+w "$TMP/samples"
		awk '!/^#/ && NF >= 3 {
			m = substr($1, 2); v = 0
			for (i = 1; i <= 9; i++)
				if (substr(m, i, 1) != "-")
					v += 2 ^ (9 - i)
			printf "%o %s\n", v, $3
		}' "$SR_SAMPLES/sudo-io/MODES.txt" |
		while read -r mode path; do
			[ -e "$TMP/samples/sudo-io/$path" ] &&
			    chmod "$mode" "$TMP/samples/sudo-io/$path"
		done
		# Directories must stay searchable for the tests themselves.
		find "$TMP/samples" -type d -exec chmod u+rwx {} +
	fi
	echo "$TMP/samples"
}

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	sr_failures=$((sr_failures + 1))
}

# Replaces machine-specific paths with placeholders.
normalize() {
	sed -e "s|$SR_SRCDIR|@SRCDIR@|g" -e "s|$SR_BUILDDIR|@BUILDDIR@|g" \
	    -e "s|$TMP|@TMP@|g"
}

compare() { # golden actual what
	if [ "${SR_GOLDEN:-}" = update ]; then
		mkdir -p "$(dirname "$1")"
		if [ -s "$2" ] || [ "${1##*.}" = out ]; then
			cp "$2" "$1"
		else
			rm -f "$1"
		fi
		return 0
	fi
	if [ -f "$1" ]; then
		if ! cmp -s "$1" "$2"; then
			fail "$3 differs from $(basename "$1"):"
			diff -u "$1" "$2" | head -40
		fi
	elif [ -s "$2" ]; then
		fail "$3 should be empty, got:"
		head -20 "$2"
	fi
}

# step NAME WANT_EXIT ARGS...
step() {
	sr_name=$1
	sr_want=$2
	shift 2
	sr_steps=$((sr_steps + 1))
	set +e
	"$SESSREC" "$@" </dev/null >"$TMP/raw.out" 2>"$TMP/raw.err"
	sr_got=$?
	set -e
	normalize <"$TMP/raw.out" >"$TMP/out"
	normalize <"$TMP/raw.err" >"$TMP/err"
	if [ "$sr_got" != "$sr_want" ]; then
		fail "$sr_name: exit $sr_got, want $sr_want (sessrec $*)"
		head -20 "$TMP/err"
	fi
	compare "$sr_golden_dir/$sr_name.out" "$TMP/out" "$sr_name: stdout"
	compare "$sr_golden_dir/$sr_name.err" "$TMP/err" "$sr_name: stderr"
}

# Like step, without goldens: only the exit status; output left in
# $TMP/out and $TMP/err for the caller's own checks.
run() {
	sr_want=$1
	shift
	sr_steps=$((sr_steps + 1))
	set +e
	"$SESSREC" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	sr_got=$?
	set -e
	if [ "$sr_got" != "$sr_want" ]; then
		fail "exit $sr_got, want $sr_want (sessrec $*)"
		head -20 "$TMP/err"
	fi
}

# expect_grep FILE REGEX WHAT: FILE must match the extended regex.
expect_grep() {
	if ! grep -E -q -- "$2" "$1"; then
		fail "$3: no match for /$2/ in:"
		head -20 "$1"
	fi
}

expect_no_grep() {
	if grep -E -q -- "$2" "$1"; then
		fail "$3: unexpected match for /$2/:"
		grep -E -- "$2" "$1" | head -5
	fi
}

# Small helpers for the tests that drive live processes (tests/integ).

# wait_for SECONDS CMD [ARG ...]: runs CMD every 0.1 s until it succeeds;
# returns 1 when about SECONDS pass first.  For waiting only: a caller
# that asserts on it uses a generous SECONDS.
wait_for() {
	sr_wf_n=$(($1 * 10))
	shift
	while [ "$sr_wf_n" -gt 0 ]; do
		if "$@"; then
			return 0
		fi
		sleep 0.1
		sr_wf_n=$((sr_wf_n - 1))
	done
	"$@"
}

# expect_eq GOT WANT WHAT: one counted check of a value.
expect_eq() {
	sr_steps=$((sr_steps + 1))
	if [ "$1" != "$2" ]; then
		fail "$3: got '$1', want '$2'"
	fi
}

# descendants PID: the pids of every process below PID, one a line.
descendants() {
	for sr_dp in $(pgrep -P "$1" 2>/dev/null || :); do
		echo "$sr_dp"
		descendants "$sr_dp"
	done
}

# clean_srcdir DIR: prints a source tree a second build can configure:
# SR_SRCDIR, unless it is configured in place (quickstart.sh builds
# there, and configure refuses a VPATH build of such a tree); then a
# clean copy made in DIR.
clean_srcdir() {
	if [ ! -f "$SR_SRCDIR/config.status" ]; then
		echo "$SR_SRCDIR"
		return 0
	fi
	mkdir -p "$1"
	(cd "$SR_SRCDIR" && tar cf - --exclude='*.o' --exclude='*.a' \
	    --exclude=./tests/tmp --exclude=./fuzz-work --exclude='*.log' \
	    --exclude='*.trs' .) | (cd "$1" && tar xf -)
	(cd "$1" && make distclean) >/dev/null 2>&1 ||
	    rm -f "$1/config.status" "$1/config.h" "$1/Makefile"
	echo "$1"
}

finish() {
	if [ "$sr_failures" -gt 0 ]; then
		echo "$sr_failures of $sr_steps checks failed in $sr_script"
		exit 1
	fi
	echo "$sr_steps checks passed in $sr_script"
	exit 0
}

set -e
