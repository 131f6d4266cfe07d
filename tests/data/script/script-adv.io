Script started on 2026-11-25 04:41:07+00:00 [COMMAND="bash --norc --noprofile" TERM="tmux-256color" TTY="/dev/pts/0" COLUMNS="80" LINES="24"]
[?2004hbash-5.2# printf '\033[1;34mblue\033[0m\n'printf '\033[1;34mblue\033[0m\n'
[?2004l[1;34mblue[0m
[?2004hbash-5.2# [Kbash-5.2# tput cols; tput linestput cols; tput lines
[?2004l100
30
[?2004hbash-5.2# exit 3exit 3
[?2004lexit

Script done on 2026-11-25 04:41:09+00:00 [COMMAND_EXIT_CODE="3"]
