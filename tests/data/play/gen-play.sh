#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Makes the full-screen and colour recordings that the play tests
# (tests/cli/t2001-play.sh, tests/ui/u-play.sh) replay, with the real
# recorders: asciinema, util-linux script, tlog-rec, ttyrec and sudo's I/O
# log.  Each session runs in a private tmux server (windows 80x24 unless
# noted, TERM=tmux-256color inside) so the recorder has a real pty; keys
# are typed with send-keys once the screen shows what the step waits for.
# The recordings differ in timing on every run; regenerate the goldens
# (SR_GOLDEN=update) after running this.
#
# usage: tests/data/play/gen-play.sh [OUTDIR]   (as root: sudo needs a
# drop-in; default OUTDIR is the directory of this script)
set -eu

out=${1:-$(cd "$(dirname "$0")" && pwd)}
for t in tmux asciinema script tlog-rec ttyrec sudo visudo vim top less; do
	command -v "$t" >/dev/null || { echo "gen-play: $t missing" >&2; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "gen-play: run as root (sudo drop-in)" >&2; exit 1; }

stage=$(mktemp -d /tmp/sessrec-play-gen.XXXXXX)
chmod 755 "$stage"
sock=sessrec-play-gen-$$
dropin=/etc/sudoers.d/zz-sessrec-play-gen
TM() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	TM kill-server 2>/dev/null || :
	rm -f "$dropin"
	rm -rf "$stage"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export ASCIINEMA_CONFIG_HOME=$stage/asciinema HISTFILE=$stage/history
export LC_ALL=C.UTF-8 TZ=UTC

TM start-server \; set-option -g exit-empty off \
    \; set-option -g default-terminal tmux-256color
mkdir -p "$stage/rc"

# start NAME COLS ROWS: runs the body (bash, on stdin) in a new session.
start() {
	{ echo "cd $stage || exit 99"; echo "export PS1='\$ '"; cat; } \
	    >"$stage/$1.sh"
	TM new-session -d -s "$1" -x "$2" -y "$3" \
	    "bash $stage/$1.sh; echo \$? >$stage/rc/$1"
}
die() {
	echo "gen-play: $*" >&2
	exit 1
}
# screen NAME ERE [SECONDS]: waits until the screen shows ERE.
screen() {
	n=$((${3:-20} * 10))
	until TM capture-pane -p -t "$1" 2>/dev/null | grep -Eq -- "$2"; do
		n=$((n - 1))
		if [ $n -le 0 ]; then
			TM capture-pane -p -t "$1" >&2 || :
			die "$1: timeout waiting for /$2/"
		fi
		sleep 0.1
	done
}
# done_ok NAME [SECONDS]: waits for the body to exit 0.
done_ok() {
	n=$((${2:-30} * 10))
	while [ ! -s "$stage/rc/$1" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || die "$1: did not finish"
		sleep 0.1
	done
	[ "$(cat "$stage/rc/$1")" = 0 ] || die "$1: exit $(cat "$stage/rc/$1")"
}
keys() {
	n=$1
	shift
	TM send-keys -t "$n" "$@"
}

# The colour and character test card (used by the script recording).
cat >"$stage/testcard.sh" <<'EOF'
printf '\033[1mbold\033[0m \033[2mdim\033[0m \033[3mitalic\033[0m \033[4munderline\033[0m \033[7mreverse\033[0m \033[9mstrike\033[0m\n'
i=0; while [ $i -lt 16 ]; do printf '\033[38;5;%dm%02d\033[0m ' $i $i; i=$((i+1)); done; printf '\n'
i=0; while [ $i -lt 8 ]; do printf '\033[%dm bg%d \033[0m' $((40+i)) $i; i=$((i+1)); done; printf '\n'
i=16; while [ $i -lt 232 ]; do printf '\033[48;5;%dm \033[0m' $i; i=$((i+6)); done; printf ' 256\n'
i=0; while [ $i -lt 64 ]; do printf '\033[48;2;%d;%d;%dm \033[0m' $((i*4)) $((255-i*4)) 128; i=$((i+1)); done; printf ' rgb\n'
printf 'wide: \346\274\242\345\255\227 \360\237\230\200 combining: e\314\201 cafe\314\201 box: \342\224\214\342\224\200\342\224\220\n'
sleep 0.5
printf '\033[?1049h\033[H\033[2J\033[44;37m alternate screen \033[0m\n'
printf '\033[10;20H\033[1;33m*** middle ***\033[0m'
sleep 1
printf '\033[?1049l'
echo card-done
EOF

# 1. asciinema: vim in an 80x24 window, two lines typed, :wq.
echo "abc" >"$stage/unused"
start vim 80 24 <<EOF
asciinema rec -q --overwrite -c 'vim -u NONE -i NONE -N -n notes.txt' vim.cast
EOF
screen vim '^~'
sleep 0.3
keys vim i
keys vim -l 'hello from vim'
keys vim Enter
keys vim -l 'second line, typed in insert mode'
sleep 0.5
keys vim Escape
sleep 0.5
keys vim -l ':set number'
keys vim Enter
screen vim '^ +1 hello'
sleep 0.5
keys vim -l ':wq'
sleep 0.3
keys vim Enter
done_ok vim

# 2. asciinema, 120x40: corners and a ruler, larger than an 80x24 viewer.
start wide 120 40 <<'EOF'
asciinema rec -q --overwrite -c "sh -c 'clear; printf \"TOP-LEFT\"; tput cup 0 111; printf \"TOP-RIGHT\"; tput cup 12 0; i=0; while [ \$i -lt 12 ]; do printf \"%-10s\" \"col\$((i*10))\"; i=\$((i+1)); done; tput cup 39 0; printf \"BOTTOM-LEFT\"; tput cup 39 108; printf \"BOTTOM-RIGHT\"; tput cup 20 40; sleep 0.5; printf \"wide-done\"; tput cup 21 0'" wide.cast
EOF
done_ok wide

# 3. asciinema --stdin: a shell with typed commands (marks for n/N, text
#    for search), about a second apart.
start shell 80 24 <<'EOF'
asciinema rec -q --overwrite --stdin -c 'bash --norc --noprofile' shell.cast
EOF
screen shell '^\$'
for c in 'echo alpha' 'echo bravo' "printf '\\033[1;31mcharlie\\033[0m\\n'" 'seq 1 3' 'echo delta'; do
	sleep 1
	keys shell -l "$c"
	keys shell Enter
done
screen shell '^delta'
sleep 1
keys shell -l exit
keys shell Enter
done_ok shell

# 4. script (classic timing, -T/-O): the colour card, alternate screen.
start card 80 24 <<'EOF'
script -q -T card.tm -O card.out -c 'sh testcard.sh'
EOF
done_ok card

# 5. script: 70 ticks a second apart (long enough for PgUp/PgDn, g).
start ticks 80 24 <<'EOF'
script -q -T ticks.tm -O ticks.out -c "sh -c 'i=1; while [ \$i -le 70 ]; do echo tick \$i; i=\$((i+1)); sleep 1; done'"
EOF

# 6. tlog-rec: less, window resized 80x24 -> 100x30 -> 60x20, then q.
seq -f 'line %03g of a file paged with less, long enough to be cut at sixty columns' 1 200 >"$stage/paged.txt"
start less 80 24 <<'EOF'
tlog-rec --writer=file --file-path=less-resize.json --latency=1 -- less -S paged.txt
EOF
screen less '^line 001'
sleep 1.2
TM resize-window -t less -x 100 -y 30
screen less '^line 029'
sleep 1.2
keys less -l ' '
screen less '^line 030'
sleep 1.2
TM resize-window -t less -x 60 -y 20
sleep 1.2
keys less q
done_ok less

# 7. ttyrec: top, three refreshes.
start top 80 24 <<'EOF'
ttyrec -e 'top -d 0.5 -n 3' top.ttyrec
EOF
done_ok top

# 8. sudo I/O log (!compress_io): sudo -u nobody top, two refreshes.
cat >"$dropin" <<EOF
# sessrec play fixtures (tests/data/play/gen-play.sh); removed after the run
Defaults!/usr/bin/top log_output, iolog_dir=$stage/sudo-io, !compress_io
EOF
chmod 440 "$dropin"
visudo -cq || die "sudoers does not validate with the drop-in"
start sudo 80 24 <<'EOF'
sudo -u nobody /usr/bin/top -d 0.5 -n 2
EOF
done_ok sudo
rm -f "$dropin"

done_ok ticks 90
mkdir -p "$out"
(cd "$stage" && cp vim.cast wide.cast shell.cast card.tm card.out ticks.tm \
    ticks.out less-resize.json top.ttyrec "$out/")
rm -rf "$out/sudo-top"
cp -a "$stage/sudo-io" "$out/sudo-top"
# Fixtures are checked out 0644/0755; sudo's completion state is kept in
# MODES.txt (a session is complete when its timing has no write bits).
(cd "$out/sudo-top" && find . -exec stat -c '%a %n' {} + | sort -k2) \
    >"$out/sudo-top.MODES.txt"
find "$out/sudo-top" -type f -exec chmod 0644 {} +
find "$out/sudo-top" -type d -exec chmod 0755 {} +
echo "gen-play: wrote $out"
