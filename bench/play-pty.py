#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Times `sessrec play` the way a person sees it, on a pty: for bench/play.
#
#   play-pty.py first COMMAND...
#       seconds from start until the first frame (the status line's
#       "PAUSED" or "END" has been written, run with --paused)
#   play-pty.py seek TIMES COMMAND...
#       after the first frame, for each time in TIMES (comma-separated
#       seconds) types g, the time and Enter, and measures from Enter to
#       the end of the redraw (the last byte before 150 ms of quiet);
#       prints one "seek T SECONDS" line each
#
# The redraw is complete when play falls quiet: paused, with a complete
# index, it writes nothing more.  The terminal is 120x42 (TERM
# xterm-256color) so a 120x40 recording is not cropped.
import os
import pty
import select
import signal
import struct
import sys
import time

import fcntl
import termios

QUIET = 0.15


def spawn(cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 42, 120, 0, 0))
    return pid, fd


def read_until(fd, pred, budget):
    """Reads until pred(buffer) is true; returns (buffer, time) or None."""
    buf = bytearray()
    end = time.monotonic() + budget
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.01)
        if r:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
            if pred(buf):
                return buf, time.monotonic()
    return None


def quiet(fd, budget=60, first=False):
    """Reads until QUIET seconds pass with nothing written (with first,
    only after a first byte came); returns the time of the last byte
    (None when nothing came)."""
    last = None
    end = time.monotonic() + budget
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], QUIET)
        if not r:
            if first and last is None:
                continue
            return last
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            return last
        if not chunk:
            return last
        last = time.monotonic()
    return last


def finish(pid, fd):
    os.write(fd, b"q")
    quiet(fd, 2)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        w, _ = os.waitpid(pid, os.WNOHANG)
        if w == pid:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def main():
    mode = sys.argv[1]
    if mode == "first":
        cmd = sys.argv[2:]
        t0 = time.monotonic()
        pid, fd = spawn(cmd)
        got = read_until(fd, lambda b: b"PAUSED" in b or b"END" in b, 120)
        print("first %.3f" % (got[1] - t0) if got else "first none")
        finish(pid, fd)
        return
    times = [float(x) for x in sys.argv[2].split(",")]
    cmd = sys.argv[3:]
    pid, fd = spawn(cmd)
    if not read_until(fd, lambda b: b"PAUSED" in b, 120):
        print("no first frame")
        finish(pid, fd)
        return
    quiet(fd)
    for t in times:
        os.write(fd, b"g")
        quiet(fd, 5)
        os.write(fd, ("%.3f" % t).encode())
        quiet(fd, 5)
        t0 = time.monotonic()
        os.write(fd, b"\r")
        last = quiet(fd, first=True)
        print("seek %.3f %s" % (t, "%.4f" % (last - t0) if last else "none"))
    finish(pid, fd)


if __name__ == "__main__":
    main()
