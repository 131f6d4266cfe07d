Script started on 2026-11-25 08:57:57+00:00 [COMMAND="env PS1='$ ' HISTFILE=/dev/null INPUTRC=/dev/null bash --norc --noprofile" TERM="tmux-256color" TTY="/dev/pts/1" COLUMNS="80" LINES="24"]
[?2004h$ echo heloecho helo[K[Kllo worldllo world
[?2004lhello world
[?2004h$ ls /nonexistentls /nonexistent[C[C[Kecho after-ctrl-uecho after-ctrl-u
[?2004lafter-ctrl-u
[?2004h$ echo one two threeecho one two three[Kfourfour
[?2004lone two four
[?2004h$ echo cancelledecho cancelled^C[?2004l[?2004h[?2004l
[?2004h$ echo firstecho first
[?2004lfirst
[?2004h$ [Aecho first
[?2004lfirst
[?2004h$ echech	o tabbedtabbed
[?2004ltabbed
[?2004h$ read -s pwread -s pw
[?2004lhunter2[?2004h$ echo doneecho done
[?2004ldone
[?2004h$ exitexit
[?2004lexit

Script done on 2026-11-25 08:58:09+00:00 [COMMAND_EXIT_CODE="0"]
