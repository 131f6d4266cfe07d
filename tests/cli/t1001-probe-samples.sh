# SPDX-License-Identifier: ISC
# Probing: every bundled sample is recognized without --format, lists,
# shows its metadata and cats the right text.
. "$SR_SRCDIR/tests/lib.sh"
# Sudo sessions are complete or not by file mode: use the real modes.
S=$(samples_with_modes)

step ls-samples 0 ls --source "$S"
step ls-samples-json 0 ls --json --source "$S"

# Every recording in samples/ appears once, with the format expected from
# where it lives.
run 0 ls --json -l --source "$S"
for want in \
    'tlog/pipe-binary.json".*' \
    'tlog/pty-input-resize.json' \
    'tlog/split-utf8-payload128.json' \
    'asciicast/v2-input-password.cast' \
    'asciicast/v2-invalid-utf8.cast' \
    'asciicast/v2-title-idle-append.cast' \
    'asciicast/v3-handmade.cast' \
    'escape-probes/inject-probe.cast' \
    'escape-probes/inject-probe.ttyrec' \
    'script/script-classic' \
    'script/script-adv' \
    'ttyrec/basic.ttyrec' \
    'sudoers-compressed/00/00/01"' \
    'sudoers-uncompressed/00/00/07"' \
    'sudoers-custom-path-mode0640/sessfmt/sh/20261125-034230-rPGc5j"' \
    'logsrvd-uncompressed/00/00/03"' \
    'sudoers-maxseq2-recycled/00/00/02"' \
    'sudoers-root-rungroup-runcwd/00/00/01"'; do
	expect_grep "$TMP/out" "$want" "sample $want listed"
done
for f in tlog asciicast sudo script ttyrec; do
	expect_grep "$TMP/out" "\"format\":\"$f\"" "format $f probed"
done

# The script typescript and its timing pair into one session each.
n=$(grep -c '"format":"script"' "$TMP/out")
[ "$n" -eq 3 ] || fail "want 3 script sessions (classic, adv, probe), got $n"

# Naming either file of a two-file recording finds its partner beside it.
for f in script-adv.tm script-adv.io; do
	run 0 info --json "$S/script/$f"
	expect_grep "$TMP/out" '"format":"script".*"path":"[^"]*script-adv.io"' "$f pairs"
	expect_grep "$TMP/out" '"input":4' "$f: input events from the timing"
done

# Per-format spot checks of info and cat.
step info-tlog 0 info "$S/tlog/pty-input-resize.json"
step cat-tlog 0 cat "$S/tlog/pty-input-resize.json"
step cat-tlog-binary 0 cat "$S/tlog/pipe-binary.json"
step info-sudo 0 info --source "$S/sudo-io/sudoers-custom-path-mode0640" sessfmt/sh/20261125-033901
step cat-sudo 0 cat --source "$S/sudo-io/sudoers-uncompressed" 000003
step info-cast3 0 info "$S/asciicast/v3-handmade.cast"
step cat-cast 0 cat "$S/asciicast/v2-title-idle-append.cast"
step info-script 0 info "$S/script/script-adv.io"
step cat-script 0 cat "$S/script/script-classic.out"
step info-ttyrec 0 info "$S/ttyrec/basic.ttyrec"
step cat-ttyrec 0 cat "$S/ttyrec/basic.ttyrec"

# The escape probes: only "visible" and the baseline text come out, and no
# control byte reaches stdout, whatever the container.
for f in inject-probe.cast inject-probe.typescript inject-probe.ttyrec; do
	run 0 cat "$S/escape-probes/$f"
	expect_grep "$TMP/out" '^visible$' "$f: overwrite applied"
	expect_grep "$TMP/out" '^normal text$' "$f: baseline"
	expect_no_grep "$TMP/out" 'hidden|PWNED|ZWNob' "$f: hidden or hostile text"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$TMP/out"; then
		fail "$f: control bytes in cat output"
	fi
done
finish
