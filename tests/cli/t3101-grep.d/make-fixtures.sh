#!/bin/sh
# SPDX-License-Identifier: ISC
# Remakes the recordings t3101-grep.sh searches, with the real recorders
# (tlog-rec, asciinema, sessrec record).  The goldens name their session
# ids and times: after running this, update and review them
# (SR_GOLDEN=update make check TESTS=tests/cli/t3101-grep.sh).
#
#   tests/cli/t3101-grep.d/make-fixtures.sh SESSREC
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sessrec=${1:?usage: make-fixtures.sh SESSREC}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What the recorded command prints: a word split by colour codes, text
# a CR and an erase hide, a progress counter, fake secrets (made up,
# pattern-valid), plain lines for context, and a long line whose middle
# falls on a tlog message boundary at --payload=64, and a line on which
# a pattern with nested repetition backtracks without end.
cat >"$tmp/show.sh" <<'SH'
printf 'deploy: kubectl get pods -n prod\n'
printf '$ ki\033[31mll\033[0m -9 4242\n'
printf 'rm -rf /srv/cache\r\033[2Kall good\n'
printf 'progress 10%%\rprogress 20%%\rprogress done\n'
printf 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8N3kLm2p\n'
printf 'curl -H "Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA" https://api.internal/\n'
printf 'db=postgres://admin:Tr0ub4dor-s3cret@db.internal:5432/app\n'
printf 'token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 for ci\n'
for i in 1 2 3 4 5 6; do printf 'context line %d\n' "$i"; done
printf 'xxxxxxxxxxxxxxxxxxxxxxxx kubectl delete namespace prod-db --wait\n'
printf 'done\n'
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n'
SH

# tlog: pipe mode (stdin not a tty), small payload so lines are cut
# across messages.
rm -f "$here/tlog-small.json"
tlog-rec --writer=file --file-path="$here/tlog-small.json" --payload=64 \
    --limit-action=pass /bin/sh "$tmp/show.sh" </dev/null >/dev/null
# The long line's words must really straddle two messages.
if grep -q 'kubectl delete namespace' "$here/tlog-small.json"; then
	echo "make-fixtures: the split did not happen, adjust the text" >&2
	exit 1
fi

# asciicast by asciinema (needs a tty for the child: script gives one).
rm -f "$here/session.cast"
script -q -c "asciinema rec -q --cols 100 --rows 30 -c 'sh $tmp/show.sh' $here/session.cast" /dev/null </dev/null >/dev/null

# Native recordings with metadata for the filters.
rm -f "$here/alice.srec" "$here/bob.srec"
"$sessrec" record -q -o "$here/alice.srec" --actor alice --target prod-db \
    --ticket CHG-1234 -- sh "$tmp/show.sh" </dev/null >/dev/null
sleep 1
"$sessrec" record -q -o "$here/bob.srec" --actor bob --target web-01 \
    -- sh -c 'printf "bob was here\nkubectl get nodes\n"' </dev/null >/dev/null

# A compressed recording cut short: it cannot be read (exit 3), and the
# other recordings are still searched.
gzip -9 -n -c "$here/tlog-small.json" | head -c 400 >"$here/truncated.json.gz"
chmod 644 "$here"/*.srec "$here"/*.json "$here"/*.cast "$here"/*.gz
