#!/bin/bash
# gen-fixtures.sh -- regenerate sessrec's test fixtures with the REAL recorders.
#
# Usage (as root):  tests/gen/gen-fixtures.sh [OUTDIR]      (default: tests/data)
#
# Every recording is made by the real tool (tlog-rec, sudo's I/O logger, asciinema,
# util-linux script, ttyrec); interactive ones run inside a private tmux server
# (tmux -L <socket> -f /dev/null, fixed 80x24 windows) so they get a real pty.
# Only tests/data/bad/ holds hand-made (or hand-damaged) inputs.
#
# Side effects while running (all undone on exit): two throw-away users
# (sessrecgen, sessrecgenc, GECOS "sessrec-gen throwaway"), a sudoers drop-in
# /etc/sudoers.d/zz-sessrec-gen, an empty /run/utmp if there was none (tlog-rec
# refuses to start a pty session without one), a staging directory
# /tmp/sessrec-gen and a private tmux server.  Nothing in OUTDIR is replaced
# until every fixture has been made.
#
# Timing-dependent content (delays, message/record counts, which message a byte
# lands in) varies between runs; file names and directory layout do not.

set -eu
set -o pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$SCRIPT_DIR/../data}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

[ "$(id -u)" = 0 ] || { echo "gen-fixtures: must run as root (sudo I/O logs, users, sudoers)" >&2; exit 1; }
for t in tlog-rec tlog-play sudo visudo asciinema script ttyrec tmux zstd zip tar gzip perl runuser setsid useradd userdel; do
    command -v "$t" >/dev/null || { echo "gen-fixtures: missing tool: $t" >&2; exit 1; }
done

SECONDS=0
export LC_ALL=C.UTF-8 TERM=xterm TZ=UTC
unset TMUX PROMPT_COMMAND || true

STAGE=/tmp/sessrec-gen          # fixed path: it shows up in a few recorded commands
SOCK=sessrec-gen-$$
DROPIN=/etc/sudoers.d/zz-sessrec-gen
U1=sessrecgen                   # runs the %{seq} tree sessions
U2=sessrecgenc                  # runs the custom iolog_file session
GECOS="sessrec-gen throwaway"
CREATED_UTMP=
BGPIDS=

log() { printf '[gen %3ss] %s\n' "$SECONDS" "$*" >&2; }
die() { echo "gen-fixtures: $*" >&2; exit 1; }
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
    local rc=$?
    set +e
    for p in $BGPIDS; do kill "$p" 2>/dev/null; done
    TM kill-server 2>/dev/null
    exec 8>&- 2>/dev/null
    rm -f "$DROPIN"
    for u in $U1 $U2; do
        if [ "$(getent passwd "$u" | cut -d: -f5)" = "$GECOS" ]; then userdel "$u" 2>/dev/null; fi
    done
    [ -n "$CREATED_UTMP" ] && rm -f /run/utmp
    rm -rf "$STAGE"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$STAGE"
mkdir -p "$STAGE"/{steps,rc,iolog,home} "$STAGE"/out/{tlog,sudo,asciicast,script,ttyrec,archives,bad}
O=$STAGE/out
export HISTFILE=$STAGE/home/bash_history     # interactive bash in sessions must not touch ~root
export ASCIINEMA_CONFIG_HOME=$STAGE/home/asciinema

# An idle pipe for tlog-play's stdin (it spins forever on /dev/null, FORMATS.md 2.6):
# a FIFO opened read-write never delivers data and never reaches EOF.
mkfifo "$STAGE/idle.fifo"
exec 8<>"$STAGE/idle.fifo"

if [ ! -e /run/utmp ]; then
    install -m 0664 -g utmp /dev/null /run/utmp
    CREATED_UTMP=1
fi

# ---------------------------------------------------------------- tmux helpers
TM start-server \; set-option -g exit-empty off \; set-option -g remain-on-exit on \
    \; set-option -g default-terminal tmux-256color

# tm_start NAME DIR [COLS ROWS] < body : run the body (bash) in a new detached
# session with a real pty; its exit status lands in $STAGE/rc/NAME.
tm_start() {
    local name=$1 dir=$2 w=${3:-80} h=${4:-24}
    { printf 'cd %q || exit 99\n' "$dir"; cat; } > "$STAGE/steps/$name.sh"
    TM new-session -d -s "$name" -x "$w" -y "$h" \
        "bash $STAGE/steps/$name.sh; echo \$? > $STAGE/rc/$name.tmp; mv $STAGE/rc/$name.tmp $STAGE/rc/$name"
}
tm_fail() {
    echo "---- pane of tmux session $1:" >&2
    TM capture-pane -p -t "$1" >&2 || true
    die "$2"
}
# tm_wait NAME [TIMEOUT]: wait until the session's body has exited with status 0
tm_wait() {
    local name=$1 n=$(( ${2:-30} * 10 ))
    while [ ! -e "$STAGE/rc/$name" ]; do
        n=$((n - 1)); [ $n -gt 0 ] || tm_fail "$name" "timeout waiting for $name to finish"
        sleep 0.1
    done
    [ "$(cat "$STAGE/rc/$name")" = 0 ] || tm_fail "$name" "$name exited with status $(cat "$STAGE/rc/$name")"
    TM kill-session -t "$name"
}
# tm_text NAME ERE [TIMEOUT]: wait until a line of the visible screen matches ERE
tm_text() {
    local name=$1 re=$2 n=$(( ${3:-15} * 10 ))
    until TM capture-pane -p -t "$name" 2>/dev/null | grep -Eq -- "$re"; do
        n=$((n - 1)); [ $n -gt 0 ] || tm_fail "$name" "timeout waiting for /$re/ in $name"
        sleep 0.1
    done
}
tm_keys() { local name=$1; shift; TM send-keys -t "$name" "$@"; }
tm_resize() { TM resize-window -t "$1" -x "$2" -y "$3"; }

# tlog_golden FILE OUTFILE [tlog-play args]: replay with the real tlog-play in the
# background (real time); stdin is the idle FIFO.  Checked by bg_wait.
tlog_golden() {
    local f=$1 o=$2; shift 2
    ( timeout 20 tlog-play -i "$f" "$@" <&8 > "$o" 2> "$o.err" && [ ! -s "$o.err" ] && rm -f "$o.err" ) &
    BGPIDS="$BGPIDS $!"
}
bg_wait() {
    local p bad=0
    for p in $BGPIDS; do wait "$p" || bad=1; done
    BGPIDS=
    [ $bad = 0 ] || { cat "$O"/tlog/*.err >&2 2>/dev/null; die "a tlog-play golden replay failed"; }
}
rec_ids() { grep -o '"rec":"[^"]*"' "$1" | cut -d'"' -f4 | awk '!seen[$0]++'; }

# ======================================================================= tlog
log "tlog"
D=$O/tlog

# interleaved.json (extra): two concurrent pipe-mode recordings appending to one file
for who in A B; do
    tlog-rec --writer=file --file-path="$D/interleaved.json" --latency=1 -- \
        sh -c "for i in 1 2 3; do echo $who-tick-\$i; sleep 1.1; done" </dev/null >/dev/null 2>&1 &
    BGPIDS="$BGPIDS $!"
    sleep 0.3
done

# two-recs.json (a): run 1 in pipe mode, run 2 in a pty, same --file-path (O_APPEND)
tlog-rec --writer=file --file-path="$D/two-recs.json" -- \
    sh -c 'echo first recording; printf "\033[32mgreen\033[0m pipe mode\n"' </dev/null >/dev/null
tm_start tlog-two "$D" <<EOF
tlog-rec --writer=file --file-path=$D/two-recs.json -- sh -c 'echo second recording; sleep 0.2; printf "\033[1;33myellow\033[0m pty mode\n"'
EOF
tm_wait tlog-two
[ "$(rec_ids "$D/two-recs.json" | wc -l)" = 2 ] || die "two-recs.json: expected 2 rec ids"

# multi-msg.json (b): interactive bash in a pty, input logged, small payload, resize
tm_start tlog-multi "$D" <<EOF
tlog-rec --writer=file --file-path=$D/multi-msg.json --latency=1 --payload=256 --log-input=true -- env PS1='\$ ' bash --norc --noprofile
EOF
S=tlog-multi
tm_text $S '^\$'
tm_keys $S -l 'ls --color=always /; echo step-1-done'; tm_keys $S Enter
tm_text $S '^step-1-done'; sleep 1.2
tm_resize $S 100 30; sleep 1.2
tm_keys $S -l "printf 'caf\\303\\251 bin:\\377\\376 tab:\\there\\n'; tput cols; seq 1 40" ; tm_keys $S Enter
tm_text $S '^40$'; sleep 1.2
tm_keys $S -l 'exit'; tm_keys $S Enter
tm_wait $S

n=$(wc -l < "$D/multi-msg.json")
[ "$n" -ge 4 ] || die "multi-msg.json has only $n messages"
# truncated.json (c): cut in the middle of the last line (no final newline)
last=$(tail -n 1 "$D/multi-msg.json" | wc -c)
size=$(wc -c < "$D/multi-msg.json")
head -c $(( size - last + last / 2 )) "$D/multi-msg.json" > "$D/truncated.json"
# idgap.json (d): delete the middle message line
mid=$(( (n + 1) / 2 ))
sed "${mid}d" "$D/multi-msg.json" > "$D/idgap.json"
echo "$mid" > "$STAGE/idgap.line"

wait_pids=$BGPIDS; BGPIDS=; for p in $wait_pids; do wait "$p"; done   # interleaved writers
[ "$(rec_ids "$D/interleaved.json" | wc -l)" = 2 ] || die "interleaved.json: expected 2 rec ids"

tlog_golden "$D/multi-msg.json" "$D/multi-msg.json.tlog-play.out"
i=0; for r in $(rec_ids "$D/two-recs.json"); do
    i=$((i + 1)); tlog_golden "$D/two-recs.json" "$D/two-recs.$i.tlog-play.out" -m "$r"
done
i=0; for r in $(rec_ids "$D/interleaved.json"); do
    i=$((i + 1)); tlog_golden "$D/interleaved.json" "$D/interleaved.$i.tlog-play.out" -m "$r"
done

# ======================================================================= sudo
log "sudo"
for u in $U1 $U2; do
    if getent passwd "$u" >/dev/null; then
        [ "$(getent passwd "$u" | cut -d: -f5)" = "$GECOS" ] || die "user $u exists and is not ours"
    else
        useradd -M -d /nonexistent -s /bin/sh -c "$GECOS" "$u"
    fi
done
IOT=$STAGE/iolog/tree
IOC=$STAGE/iolog/custom
# set_dropin "OPTIONS for the tree user": write, validate, install the drop-in
set_dropin() {
    cat > "$STAGE/dropin" <<EOF
# sessrec fixture generator (tests/gen/gen-fixtures.sh); removed after the run
Defaults:$U1 log_input, log_output, iolog_dir=$IOT, $1
Defaults:$U2 log_input, log_output, iolog_dir=$IOC, iolog_file="%{user}/%Y%m%d-%H%M%S-XXXXXX", !compress_io
$U1, $U2 ALL=(ALL:ALL) NOPASSWD: ALL
EOF
    visudo -cqf "$STAGE/dropin" || die "drop-in does not validate"
    install -m 0440 "$STAGE/dropin" "$DROPIN"
    visudo -cq || die "sudoers does not validate with the drop-in"
    { echo "# --- drop-in while making the next session(s)"; cat "$STAGE/dropin"; } >> "$STAGE/dropin.history"
}

# (a) 00/00/01: compress_io, in a pty, typed input
set_dropin "compress_io"
tm_start sudo-a / <<EOF
runuser -u $U1 -- sudo -n -u nobody sh -c 'id -un; printf "\033[1;32mgreen\033[0m and \033[1;31mred\033[0m\n"; printf "type a line: "; read -r line; echo "got: \$line"'
EOF
tm_text sudo-a '^type a line:'
tm_keys sudo-a -l 'typed input 123'; tm_keys sudo-a Enter
tm_wait sudo-a

# (b) 00/00/02: !compress_io, in a pty
set_dropin "!compress_io"
tm_start sudo-b / <<EOF
runuser -u $U1 -- sudo -n -u nobody sh -c 'echo plain-session; printf "tab:\there utf8:caf\303\251 bin:\377\n"; ls --color=always /usr'
EOF
tm_wait sudo-b

# (c) 00/00/03: no tty at all (new session without a controlling tty), stdin a pipe,
#     stdout and stderr files
printf 'piped stdin line 1\npiped stdin line 2\n' |
    ( cd / && setsid -w runuser -u $U1 -- sudo -n -u nobody sh -c 'cat; echo to-stdout; echo to-stderr >&2' \
        > "$STAGE/sudo-c.stdout" 2> "$STAGE/sudo-c.stderr" )

# (d) 00/00/04: compress_io + iolog_flush, window change 80x24 -> 100x30 during sleep 2
set_dropin "compress_io, iolog_flush"
tm_start sudo-d / <<EOF
runuser -u $U1 -- sudo -n -u nobody sh -c 'echo before; tput cols; tput lines; sleep 2; tput cols; tput lines; echo after'
EOF
tm_text sudo-d '^before'; sleep 0.7
tm_resize sudo-d 100 30
tm_wait sudo-d

# custom layout: iolog_file=%{user}/%Y%m%d-%H%M%S-XXXXXX (mkdtemp), plain
tm_start sudo-custom / <<EOF
runuser -u $U2 -- sudo -n -u nobody sh -c 'echo custom-layout; printf "\033[1mbold\033[0m\n"'
EOF
tm_wait sudo-custom
rm -f "$DROPIN"

for s in 01 02 03 04; do [ -f "$IOT/00/00/$s/log" ] || die "sudo session 00/00/$s missing"; done
[ "$(find "$IOC" -name log | wc -l)" = 1 ] || die "custom sudo session missing"
D=$O/sudo
cp -a "$IOT" "$D/tree"
cp -a "$IOC" "$D/custom"
cp "$STAGE/dropin.history" "$D/sudoers-dropin.txt"
( cd "$D" && find tree custom -print0 | sort -z | xargs -0 stat -c '%a %u %g %n' ) > "$D/MODES.txt"
tar --zstd --numeric-owner --sort=name -C "$D" -cf "$O/archives/sudo-tree.tar.zst" tree

# ================================================================== asciicast
log "asciicast"
D=$O/asciicast
tm_start cast-real "$D" <<'EOF'
asciinema rec -q -c "sh -c 'echo hello-asciicast; printf \"\\033[1;31mred\\033[0m \\033[42mgreen-bg\\033[0m caf\\303\\251\\n\"; sleep 0.3; ls --color=always /usr; sleep 0.2; echo done'" v2-real.cast
EOF
tm_wait cast-real
gzip -9 -n -c "$D/v2-real.cast" > "$D/v2-real.cast.gz"

tm_start cast-stdin "$D" <<'EOF'
PS1='$ ' asciinema rec -q --stdin -c 'bash --norc --noprofile' v2-stdin.cast
EOF
S=cast-stdin
tm_text $S '^\$'
tm_keys $S -l 'echo typed-text'; tm_keys $S Enter
tm_text $S '^typed-text'; sleep 0.3
tm_keys $S -l "printf '\\033[33myellow\\033[0m\\n'"; tm_keys $S Enter
tm_text $S '^yellow'; sleep 0.3
tm_keys $S -l 'exit'; tm_keys $S Enter
tm_wait $S

# ===================================================================== script
log "script"
D=$O/script
# classic: stdin not a terminal, explicit --log-timing/--log-out
( cd "$D" && setsid -w script -q --log-timing script-classic.tm --log-out script-classic.out \
    -c "sh -c 'echo classic; printf \"\\033[1;31mred\\033[0m\\n\"; sleep 0.2; echo end'" </dev/null >/dev/null )

# advanced: --log-io + --log-timing in a pty, resize, exit 3
tm_start script-adv "$D" <<'EOF'
script -q --log-io script-adv.io --log-timing script-adv.tm -c 'bash --norc --noprofile'
EOF
S=script-adv
tm_text $S '^(\$|bash-[0-9.]+#)'      # script runs -c via \$SHELL -c, and bash -c drops PS1
tm_keys $S -l "printf '\\033[1;34mblue\\033[0m\\n'"; tm_keys $S Enter
tm_text $S '^blue'; sleep 0.3
tm_resize $S 100 30; sleep 0.5
tm_keys $S -l 'tput cols; tput lines'; tm_keys $S Enter
tm_text $S '^30$'; sleep 0.3
tm_keys $S -l 'exit 3'; tm_keys $S Enter
tm_wait $S

# default names: deprecated -t (classic timing on stderr) + positional typescript name
tm_start script-default "$D" <<'EOF'
script -q -t session.typescript -c "sh -c 'echo default-names; sleep 0.2; printf \"\\033[32mgreen\\033[0m\\n\"'" 2>session.timing
EOF
tm_wait script-default

# a typescript without any timing file
tm_start script-tsonly "$D" <<'EOF'
script -q typescript-only.out -c "sh -c 'echo no timing file here; printf \"\\033[35mmagenta\\033[0m\\n\"'"
EOF
tm_wait script-tsonly

# ===================================================================== ttyrec
log "ttyrec"
D=$O/ttyrec
tm_start ttyrec "$D" <<'EOF'
ttyrec -e "sh -c 'echo hello-ttyrec; printf \"\\033[1;35mmagenta\\033[0m\\n\"; sleep 0.2; ls --color=always /usr; sleep 0.2; echo bye'" real.ttyrec
EOF
tm_wait ttyrec
# truncated.ttyrec: cut in the middle of the last record's data (in its header if it has < 2 bytes)
perl -e '
    open my $f, "<:raw", $ARGV[0] or die; local $/; my $b = <$f>; my ($o, $last) = (0, 0);
    while ($o + 12 <= length $b) { my (undef, undef, $l) = unpack "VVV", substr($b, $o, 12);
        $last = $o; $o += 12 + $l; }
    my (undef, undef, $l) = unpack "VVV", substr($b, $last, 12);
    my $cut = $l >= 2 ? $last + 12 + int($l / 2) : $last + 6;
    print substr($b, 0, $cut); print STDERR "$last $l $cut\n";' \
    "$D/real.ttyrec" > "$D/truncated.ttyrec" 2> "$STAGE/ttyrec.cut"

# =================================================================== archives
log "archives"
A=$O/archives
MEMBERS="tlog/multi-msg.json sudo/tree/00/00/01"
tar --zstd --numeric-owner -C "$O" -cf "$A/mixed.tar.zst" $MEMBERS
tar --gzip --numeric-owner -C "$O" -cf "$A/mixed.tar.gz" $MEMBERS
( cd "$O" && zip -q -r "$A/mixed.zip" $MEMBERS )

# ======================================================================== bad
log "bad (hand-made)"
B=$O/bad
BR=$STAGE/bad.readme
: > "$B/empty"
echo "empty: zero bytes (no format can be detected)." >> "$BR"

perl -e 'srand(20261125); print map { chr int rand 256 } 1 .. 4096' > "$B/random-4096.bin"
echo "random-4096.bin: 4096 pseudo-random bytes (perl srand(20261125)); starts $(head -c 4 "$B/random-4096.bin" | od -An -tx1 | tr -s ' ' | sed 's/^ //'); not any format." >> "$BR"

L1='{"ver":"2.3","host":"vm","rec":"badc0ffee-1-1","user":"root","term":"xterm","session":4294967295,"id":1,"pos":0,"time":1795577800.000,"timing":">6","in_txt":"","in_bin":[],"out_txt":"hello\n","out_bin":[]}'
L2='{"ver":"2.3","host":"vm","rec":"badc0ffee-1-1","user":"root","term":"xterm","session":4294967295,"id":2,"pos":10,"time":1795577800.010,"timing":">6","in_txt":"","in_bin":[],out_txt:"world\n","out_bin":[]}'
L3='{"ver":"2.3","host":"vm","rec":"badc0ffee-1-1","user":"root","term":"xterm","session":4294967295,"id":3,"pos":20,"time":1795577800.020,"timing":">5","in_txt":"","in_bin":[],"out_txt":"bye!\n","out_bin":[]}'
printf '%s\n%s\n%s\n' "$L1" "$L2" "$L3" > "$B/tlog-invalid-json.json"
off=$(grep -bo ',out_txt:' "$B/tlog-invalid-json.json" | cut -d: -f1)
echo "tlog-invalid-json.json: line 2 (of 3) is not JSON: unquoted key out_txt at byte offset $((off + 1)) of the file; lines 1 and 3 are valid messages id 1 and 3." >> "$BR"

printf '%s\n' '{"ver":"2.3","host":"vm","rec":"badc0ffee-2-2","user":"root","term":"xterm","session":4294967295,"id":1,"pos":0,"time":1795577800.000,"timing":">3+100>20","in_txt":"","in_bin":[],"out_txt":"abcshort\n","out_bin":[]}' > "$B/tlog-timing-overrun.json"
echo 'tlog-timing-overrun.json: line 1: timing ">3+100>20" needs 23 characters but out_txt "abcshort\n" has 9 (overrun of 14 in the second ">" run).' >> "$BR"

printf '%s\n' 'asciicast v2 width=80 height=24' '[0.1, "o", "hello\r\n"]' '[0.2, "o", "world\r\n"]' > "$B/asciicast-header-not-json.cast"
echo "asciicast-header-not-json.cast: line 1 (header, byte 0) is not JSON; lines 2-3 are valid v2 events." >> "$BR"

printf '%s\n' '{"version": 2, "width": 80, "height": 24, "timestamp": 1795577800}' '[0.1, "o", "hello\r\n"]' '[0.2, "o", "wor' '[0.3, "o", "bye\r\n"]' > "$B/asciicast-truncated-event.cast"
off=$(( $(head -n 2 "$B/asciicast-truncated-event.cast" | wc -c) ))
echo "asciicast-truncated-event.cast: line 3 (byte offset $off) is an event cut mid-string ('[0.2, \"o\", \"wor' then newline); lines 1, 2, 4 are valid." >> "$BR"

cl=$(tail -n 1 "$O/asciicast/v2-real.cast" | wc -c); cs=$(wc -c < "$O/asciicast/v2-real.cast")
cn=$(wc -l < "$O/asciicast/v2-real.cast")
head -c $(( cs - cl + cl / 2 )) "$O/asciicast/v2-real.cast" > "$B/asciicast-truncated-last-line.cast"
echo "asciicast-truncated-last-line.cast: copy of asciicast/v2-real.cast cut in the middle of its last line (line $cn, starting at byte $(( cs - cl ))), no final newline: simulated recorder crash." >> "$BR"

# sudo sessions damaged after the fact (copies of real sessions)
cp -a "$O/sudo/tree/00/00/02" "$B/sudo-timing-overrun"
tsz=$(wc -c < "$B/sudo-timing-overrun/ttyout"); keep=$(( tsz / 2 ))
truncate -s "$keep" "$B/sudo-timing-overrun/ttyout"
badline=$(awk -v k="$keep" '$1 == 4 { s += $3; if (s > k) { print NR; exit } }' "$B/sudo-timing-overrun/timing")
echo "sudo-timing-overrun/: copy of sudo/tree/00/00/02 whose ttyout was cut from $tsz to $keep bytes; timing line $badline is the first event-4 record that reads past the end of ttyout (timing still wants $tsz bytes)." >> "$BR"

cp -a "$O/sudo/tree/00/00/02" "$B/sudo-timing-event9"
sed -i '2i 9 0.000100000 5' "$B/sudo-timing-event9/timing"
echo "sudo-timing-event9/: copy of sudo/tree/00/00/02 with an extra timing line 2 '9 0.000100000 5' (unknown event number 9); all other lines and data files unchanged." >> "$BR"

cp -a "$O/sudo/tree/00/00/01" "$B/sudo-timing-gz-truncated"
gsz=$(wc -c < "$B/sudo-timing-gz-truncated/timing"); gkeep=$(( gsz / 2 ))
truncate -s "$gkeep" "$B/sudo-timing-gz-truncated/timing"
if gzip -t < "$B/sudo-timing-gz-truncated/timing" 2>/dev/null; then die "truncated gzip timing still tests OK"; fi
echo "sudo-timing-gz-truncated/: copy of sudo/tree/00/00/01 (compress_io) whose gzip'd timing was cut from $gsz to $gkeep bytes: deflate stream ends mid-block, no gzip trailer (gzip: unexpected end of file)." >> "$BR"

perl -e 'open my $f, "<:raw", $ARGV[0] or die; read $f, my $h, 12; my ($s, $u, $l) = unpack "VVV", $h;
         read $f, my $d, $l; print $h, $d, pack("VVV", $s + 1, $u, 0xFFFFFFF0), "the rest of a broken record\r\n";' \
    "$O/ttyrec/real.ttyrec" > "$B/ttyrec-huge-length.ttyrec"
r1=$(perl -e 'open my $f, "<:raw", $ARGV[0]; read $f, my $h, 12; print 12 + (unpack "VVV", $h)[2]' "$B/ttyrec-huge-length.ttyrec")
tail=$(( $(wc -c < "$B/ttyrec-huge-length.ttyrec") - r1 - 12 ))
echo "ttyrec-huge-length.ttyrec: record 1 is the real first record of ttyrec/real.ttyrec; record 2's header at byte offset $r1 has length field 0xFFFFFFF0 (bytes $((r1 + 8))-$((r1 + 11)) = f0 ff ff ff) but only $tail bytes follow." >> "$BR"

cp "$O/script/script-classic.out" "$B/script-garbage-line.out"
sed '1a this is not a timing line' "$O/script/script-classic.tm" > "$B/script-garbage-line.tm"
echo "script-garbage-line.tm (+ script-garbage-line.out): copy of script/script-classic.tm/.out with a garbage line 2 'this is not a timing line' inserted (of $(wc -l < "$B/script-garbage-line.tm") lines); the other lines are the real classic timing." >> "$BR"

{
    echo "Hand-made or hand-damaged inputs (NOT recordings as a tool wrote them); made by tests/gen/gen-fixtures.sh."
    echo "One line per file: what is wrong and where (lines 1-based, byte offsets 0-based)."
    echo
    cat "$BR"
} > "$B/README"

# ================================================================ wait goldens
log "waiting for tlog-play goldens"
bg_wait

# ===================================================================== README
log "README"
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
IDGAP_LINE=$(cat "$STAGE/idgap.line")
cat > "$O/README" <<EOF
sessrec test fixtures
=====================

Made by tests/gen/gen-fixtures.sh (run as root; re-run it to regenerate into this
directory, or into another: gen-fixtures.sh OUTDIR). Everything outside bad/ was written
by the real tool named; interactive sessions ran in a private tmux server
(tmux -L <sock> -f /dev/null, windows 80x24, TERM=tmux-256color inside, LC_ALL=C.UTF-8,
TZ=UTC outside) so the recorder had a real pty. Host name "$(hostname)", user root unless
noted. Timings, message/record counts and ids differ on every run; names and layout do not.

Tool versions (Debian 12 packages): tlog $(ver tlog), sudo $(ver sudo),
asciinema $(ver asciinema), util-linux script (bsdutils) $(ver bsdutils), ttyrec $(ver ttyrec),
tmux $(ver tmux), GNU tar $(ver tar), zstd $(ver zstd), zip $(ver zip), gzip $(ver gzip).

In the commands below, "in tmux" means the command was the body of a tmux session and the
generator typed the keys listed with tmux send-keys; "resize" = tmux resize-window.

tlog/  (tlog-rec $(ver tlog), file writer; tlog-play goldens by tlog-play $(ver tlog))
- two-recs.json: two tlog-rec runs appended to the same file -> 2 recordings, distinct "rec":
    1) tlog-rec --writer=file --file-path=two-recs.json -- sh -c 'echo first recording; printf "\033[32mgreen\033[0m pipe mode\n"' </dev/null >/dev/null   (pipe mode: no window records)
    2) in tmux: tlog-rec --writer=file --file-path=two-recs.json -- sh -c 'echo second recording; sleep 0.2; printf "\033[1;33myellow\033[0m pty mode\n"'
- two-recs.1.tlog-play.out, two-recs.2.tlog-play.out: sleep-60-style idle stdin | timeout 20 tlog-play -i two-recs.json -m REC > ...,
  REC = the 1st / 2nd distinct "rec" value in file order. (tlog-play without -m fails: "Message ID is out of order".)
- interleaved.json (extra): two tlog-rec runs started 0.3 s apart, running at the same time, appending to one file:
    tlog-rec --writer=file --file-path=interleaved.json --latency=1 -- sh -c 'for i in 1 2 3; do echo A-tick-\$i; sleep 1.1; done' </dev/null   (and B-tick-)
  their lines interleave; interleaved.1/.2.tlog-play.out = tlog-play -m REC per recording, as above.
- multi-msg.json: in tmux: tlog-rec --writer=file --file-path=multi-msg.json --latency=1 --payload=256 --log-input=true -- env PS1='\$ ' bash --norc --noprofile
    keys: "ls --color=always /; echo step-1-done" Enter; wait 1.2 s; resize 100x30; wait 1.2 s;
    "printf 'caf\303\251 bin:\377\376 tab:\there\n'; tput cols; seq 1 40" Enter; wait 1.2 s; "exit" Enter.
  Several messages (payload splits + latency flushes), "=80x24" then "=100x30" window records, "<N" input runs,
  colour escapes, invalid bytes FF FE as "]2/2" with out_bin.
- multi-msg.json.tlog-play.out: tlog-play -i multi-msg.json with an idle pipe (FIFO) as stdin: the exact bytes it wrote
  (ends with ESC[0m ESC[?25h \n NUL).
- truncated.json: multi-msg.json cut in the middle of its last line (no final newline; simulated crash).
  No golden: tlog-play 12.1 replays the complete lines, then fails "Failed reading the source at line N".
- idgap.json: multi-msg.json with message line $IDGAP_LINE (the middle one) deleted. No golden: tlog-play stops
  at the gap with "Message ID is out of order" (use --lax to skip it).

sudo/  (sudo $(ver sudo) sudoers I/O logging; drop-ins as used: sudoers-dropin.txt)
- Throw-away users $U1 (tree) and $U2 (custom), NOPASSWD; each session is
  runuser -u USER -- sudo -n -u nobody sh -c '...'   run from cwd /. The iolog_dir was under /tmp/sessrec-gen/iolog/
  and was copied here with cp -a. MODES.txt = stat -c '%a %u %g %n' of every path as sudo made it (a session is
  complete iff its timing has no write bits: 400). The generator then sets every fixture to 0644/0755, as a git
  checkout would; the real modes survive only in MODES.txt and in archives/*.tar.* and mixed.zip.
- tree/ (iolog_dir=.../tree, default iolog_file %{seq}; tree/seq = last id):
  - 00/00/01: compress_io; in tmux (pty, use_pty); sh -c 'id -un; printf "\033[1;32mgreen\033[0m and \033[1;31mred\033[0m\n"; printf "type a line: "; read -r line; echo "got: \$line"'
      keys "typed input 123" Enter -> ttyin.
  - 00/00/02: !compress_io; in tmux; sh -c 'echo plain-session; printf "tab:\there utf8:caf\303\251 bin:\377\n"; ls --color=always /usr'
  - 00/00/03: !compress_io; no tty at all (setsid -w, no controlling terminal): printf 'piped stdin line 1\npiped stdin line 2\n' |
      setsid -w runuser -u $U1 -- sudo -n -u nobody sh -c 'cat; echo to-stdout; echo to-stderr >&2' >FILE 2>FILE
      -> stdin/stdout/stderr events 0/1/2, empty ttyin/ttyout, log tty "unknown".
  - 00/00/04: compress_io + iolog_flush; in tmux; sh -c 'echo before; tput cols; tput lines; sleep 2; tput cols; tput lines; echo after'
      resize 100x30 about 0.7 s after "before" appeared -> event 5 "30 100".
- custom/ (iolog_dir=.../custom, iolog_file="%{user}/%Y%m%d-%H%M%S-XXXXXX", !compress_io): one session
  $U2/<date>-<mkdtemp suffix>/ of sh -c 'echo custom-layout; printf "\033[1mbold\033[0m\n"' in tmux (no seq file).
- ../archives/sudo-tree.tar.zst: tar --zstd --numeric-owner --sort=name -C sudo -cf sudo-tree.tar.zst tree (modes kept).

asciicast/  (asciinema $(ver asciinema), ASCIINEMA_CONFIG_HOME in a scratch dir)
- v2-real.cast: in tmux: asciinema rec -q -c "sh -c 'echo hello-asciicast; printf \"\\033[1;31mred\\033[0m \\033[42mgreen-bg\\033[0m caf\\303\\251\\n\"; sleep 0.3; ls --color=always /usr; sleep 0.2; echo done'" v2-real.cast
- v2-real.cast.gz: gzip -9 -n -c v2-real.cast > v2-real.cast.gz
- v2-stdin.cast: in tmux: PS1='\$ ' asciinema rec -q --stdin -c 'bash --norc --noprofile' v2-stdin.cast
    keys "echo typed-text" Enter, "printf '\033[33myellow\033[0m\n'" Enter, "exit" Enter -> "i" events.

script/  (util-linux $(ver bsdutils) script)
- script-classic.tm + script-classic.out: setsid -w script -q --log-timing script-classic.tm --log-out script-classic.out
    -c "sh -c 'echo classic; printf \"\\033[1;31mred\\033[0m\\n\"; sleep 0.2; echo end'" </dev/null >/dev/null   (stdin not a terminal)
- script-adv.tm + script-adv.io: in tmux: script -q --log-io script-adv.io --log-timing script-adv.tm -c 'bash --norc --noprofile'
    keys "printf '\033[1;34mblue\033[0m\n'" Enter; resize 100x30; "tput cols; tput lines" Enter; "exit 3" Enter
    -> advanced timing with H/O/I/S entries, SIGWINCH, H EXIT_CODE 3.
- session.typescript + session.timing: in tmux: script -q -t session.typescript -c "sh -c 'echo default-names; sleep 0.2; printf \"\\033[32mgreen\\033[0m\\n\"'" 2>session.timing
    (deprecated -t: classic timing written to stderr; typescript name given positionally).
- typescript-only.out: in tmux: script -q typescript-only.out -c "sh -c 'echo no timing file here; printf \"\\033[35mmagenta\\033[0m\\n\"'"   (no timing file at all).

ttyrec/  (ttyrec $(ver ttyrec))
- real.ttyrec: in tmux: ttyrec -e "sh -c 'echo hello-ttyrec; printf \"\\033[1;35mmagenta\\033[0m\\n\"; sleep 0.2; ls --color=always /usr; sleep 0.2; echo bye'" real.ttyrec
- truncated.ttyrec: real.ttyrec cut in the middle of its last record's data (header intact, about half the data
  present; in the middle of the header instead if that record has fewer than 2 bytes).

archives/
- sudo-tree.tar.zst: see sudo/.
- mixed.tar.zst: tar --zstd --numeric-owner -C . -cf mixed.tar.zst $MEMBERS
- mixed.tar.gz:  tar --gzip --numeric-owner -C . -cf mixed.tar.gz $MEMBERS
- mixed.zip:     zip -q -r mixed.zip $MEMBERS   (Info-ZIP; unix modes in external attributes)
  (a tlog file and a compressed sudo session directory; members in the order the tools wrote them.)

bad/  hand-made or hand-damaged inputs; see bad/README.
EOF

# ===================================================================== install
log "installing into $OUT"
for d in tlog sudo asciicast script ttyrec archives bad; do rm -rf "${OUT:?}/$d"; done
rm -f "$OUT/README"
cp -a "$O/." "$OUT/"
# Make the working tree look like a git checkout (files 0644, dirs 0755; no file here is
# executable) so local test runs see what a fresh clone sees; the real modes are in
# sudo/MODES.txt and inside the tar archives.
for d in tlog sudo asciicast script ttyrec archives bad; do
    find "$OUT/$d" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
done
chmod 0644 "$OUT/README"
log "done"
