#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# A passphrase prompt read in raw mode, like ssh or a remote sudo behind
# a local raw terminal: the pty has ICANON and ECHO off, so only the
# recorder's prompt regex can tell that the next line is a secret.
# Prints the prompt, reads bytes up to CR or LF, restores the terminal
# and reports how many bytes it got (never the bytes themselves).
import os
import sys
import termios
import tty

prompt = sys.argv[1] if len(sys.argv) > 1 else "Enter passphrase: "
fd = sys.stdin.fileno()
saved = termios.tcgetattr(fd)
os.write(1, prompt.encode())
got = b""
try:
    tty.setraw(fd)
    while True:
        c = os.read(fd, 1)
        if not c or c in (b"\r", b"\n"):
            break
        got += c
finally:
    termios.tcsetattr(fd, termios.TCSAFLUSH, saved)
os.write(1, b"\r\nrawprompt got %d bytes\r\n" % len(got))
