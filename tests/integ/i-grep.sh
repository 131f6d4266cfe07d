# SPDX-License-Identifier: ISC
# sessrec grep over recordings the real recorders make at test time:
# tlog-rec, asciinema, script and sudo (an I/O log through a sudoers
# drop-in), one source directory holding them all.  Each recording prints
# a word split by colour codes, text a CR and an erase hide, and a fake
# secret; grep must find the word in every one, label the hidden text,
# mask the secret, and filter by actor and format.  Tools that are
# missing or cannot run here are skipped one by one.
. "$SR_SRCDIR/tests/lib.sh"

src=$TMP/src
mkdir -p "$src"
show='printf "deploy ki\033[31mll\033[0m -9 77\n"; printf "rm -rf /important\r\033[2Kall fine\n"; printf "export AWS_SECRET_ACCESS_KEY=Qx8k2LmN4pR7sT1vW3yZ5bC9dF0gH6jK8mP2qS4u\n"'
made=

if command -v tlog-rec >/dev/null &&
    tlog-rec --writer=file --file-path="$src/t.json" -- sh -c "$show" \
	</dev/null >/dev/null 2>&1 && [ -s "$src/t.json" ]; then
	made="$made tlog"
fi
if command -v asciinema >/dev/null && command -v script >/dev/null; then
	script -q -c "asciinema rec -q -c '$show' $src/a.cast" /dev/null \
	    </dev/null >/dev/null 2>&1 || :
	[ -s "$src/a.cast" ] && made="$made asciicast"
fi
if command -v script >/dev/null &&
    script -q -T "$src/s.tm" -c "sh -c '$(printf '%s' "$show" | sed "s/'/'\\\\''/g")'" \
	"$src/s.log" </dev/null >/dev/null 2>&1 && [ -s "$src/s.tm" ]; then
	made="$made script"
fi
if [ "$(id -u)" = 0 ] && command -v sudo >/dev/null &&
    command -v visudo >/dev/null; then
	dropin=/etc/sudoers.d/zz-sessrec-grep-$$
	trap 'rm -f "$dropin"; rm -rf "$TMP"' EXIT
	printf 'Defaults:root log_output, iolog_dir=%s/sudo, !use_pty\n' \
	    "$src" >"$TMP/dropin"
	if visudo -cf "$TMP/dropin" >/dev/null 2>&1; then
		install -m 0440 "$TMP/dropin" "$dropin"
		sudo -u nobody sh -c "$show" </dev/null >/dev/null 2>&1 || :
		rm -f "$dropin"
		[ -f "$src/sudo/00/00/01/timing" ] && made="$made sudo"
	fi
fi
[ -n "$made" ] || skip "no recorder could run here"
echo "recordings made by:$made"

run 0 grep --color=never -c 'kill -9 77' --source "$src"
for f in $made; do
	run 0 grep --color=never --json --format "$f" 'kill -9 77' --source "$src"
	expect_grep "$TMP/out" "\"format\":\"$f\"" "$f: word split by colour codes"
	run 0 grep --color=never --format "$f" 'rm -rf /important' --source "$src"
	expect_grep "$TMP/out" '\(overwritten\): rm -rf /important$' \
	    "$f: overwritten text labelled"
	run 0 grep --color=never --format "$f" AWS_SECRET --source "$src"
	expect_grep "$TMP/out" 'AWS_SECRET_ACCESS_KEY=\[REDACTED:aws-secret-key\]' \
	    "$f: secret masked"
	expect_no_grep "$TMP/out" 'Qx8k2LmN' "$f: secret not shown"
done
# The actor filter: every recorder here ran as this user.
me=$(id -un)
run 0 grep --color=never -l --actor "$me" 'all fine' --source "$src"
run 1 grep --color=never -l --actor "nobody-at-all" 'all fine' --source "$src"
case $made in
*sudo*)
	# sudo's command comes from its metadata.
	run 0 grep --color=never --commands 'printf' --source "$src/sudo"
	expect_grep "$TMP/out" '\(command\)' "sudo command found"
	;;
esac
finish
