#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# The byte-capturing terminal of the replay safety test (SECURITY.md T14).
#
#   ptycap.py run [options] -- COMMAND ARGS...
#       Runs COMMAND on a new pty of the given size and TERM, and writes
#       every byte it writes to the terminal into --out.  Each --step
#       TEXT=KEY,KEY waits until the text written since the previous
#       step (escape sequences removed) holds TEXT, then types the keys
#       (single characters, or End, Home, Left, Right, Up, Down, PPage,
#       NPage, Enter, Escape from TERM's terminfo); the default is
#       "probe-end=q".  After the last step the last key is typed again
#       every 2 s until the command exits.  With --replies it first
#       answers like a terminal answering queries (cursor position,
#       device attributes, a title report holding "q" and a space),
#       which must not be taken as keys.  Prints "exit N" (or
#       "timeout"), then "steps done" or the step that was missed, and
#       "exited early" when the command ended before its last step.
#
#   ptycap.py check --term TERM CAPTURE
#       Lists every sequence in CAPTURE that a recording could have
#       smuggled to the viewer's terminal: OSC, DCS, APC, PM and SOS
#       strings; CSI queries (DSR n, DA c, window ops t, DECRQM $p,
#       DECRQCRA *y); mouse, focus, paste and kitty keyboard modes; 8-bit
#       C1 controls (raw bytes outside valid UTF-8, or U+0080-U+009F);
#       "PWNED" inside any escape sequence; and any escape sequence whose
#       shape (ESC, intermediates, private marker, final byte) appears in
#       no string capability of TERM's terminfo entry, that is, anything
#       ncurses would not have written itself.  Exit 1 when there is one.
#
# Standard library only; Linux pty semantics.
import argparse
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import time

try:
    import fcntl
    import termios
except ImportError:  # pragma: no cover
    fcntl = termios = None

ESC = 0x1B

# The keys a terminal sends, from the same terminfo entry the program
# uses (ncurses keypad mode: the application-mode strings).
KEYNAMES = {
    "End": "kend", "Home": "khome", "Left": "kcub1", "Right": "kcub1",
    "Up": "kcuu1", "Down": "kcud1", "PPage": "kpp", "NPage": "knp",
}


def terminfo(term):
    """name -> decoded bytes of every string capability of TERM."""
    try:
        out = subprocess.run(["infocmp", "-1", "-x", term],
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    caps = {}
    for line in out.decode("latin-1").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.endswith(","):
            line = line[:-1]
        name, _, val = line.partition("=")
        caps[name] = decode_cap(val)
    return caps


def decode_cap(v):
    out = bytearray()
    i = 0
    while i < len(v):
        c = v[i]
        if c == "\\" and i + 1 < len(v):
            n = v[i + 1]
            i += 2
            simple = {"E": 27, "e": 27, "n": 10, "r": 13, "t": 9,
                      "b": 8, "f": 12, "s": 32, "l": 10, "0": 0,
                      "^": ord("^"), "\\": ord("\\"), ",": ord(","),
                      ":": ord(":")}
            if n.isdigit() and i + 1 < len(v) + 1:
                digits = v[i - 1:i + 2]
                if re.fullmatch(r"[0-7]{3}", digits):
                    out.append(int(digits, 8) or 0x80)
                    i += 2
                    continue
            out.append(simple.get(n, ord(n)))
        elif c == "^" and i + 1 < len(v):
            out.append(ord(v[i + 1]) & 0x1F)
            i += 2
        else:
            out.append(ord(c))
            i += 1
    # Parameters become a digit; conditionals and stack ops vanish, which
    # keeps the shape (prefix, intermediates, final byte) of each piece.
    s = bytes(out)
    s = re.sub(rb"%[-+# ]*[0-9.]*[doxXs]", b"1", s)
    s = re.sub(rb"%(p[1-9]|P[a-zA-Z]|g[a-zA-Z]|\{[0-9]+\}|'.'|[?te;i%c"
               rb"+\-*/m&|^=<>!~AOl])", b"", s)
    return s


def scan(data):
    """Yields (kind, start, end, detail) for each escape sequence in data,
    and ("c1", pos, pos+n, cp) for C1 controls.  kind is "csi", "esc",
    "str" (OSC/DCS/APC/PM/SOS: detail is the introducer) or "c1"."""
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b == ESC:
            if i + 1 >= n:
                yield ("esc", i, n, (b"", b""))
                return
            c = data[i + 1]
            if c == ord("["):
                j = i + 2
                while j < n and 0x30 <= data[j] <= 0x3F:
                    j += 1
                params = data[i + 2:j]
                k = j
                while k < n and 0x20 <= data[k] <= 0x2F:
                    k += 1
                final = data[k:k + 1]
                yield ("csi", i, k + 1, (params, data[j:k], final))
                i = k + 1
                continue
            if c in b"]P_^X":
                j = i + 2
                while j < n:
                    if data[j] == 7 or data[j] == 0x9C:
                        j += 1
                        break
                    if data[j] == ESC and j + 1 < n and data[j + 1] == 0x5C:
                        j += 2
                        break
                    j += 1
                yield ("str", i, j, bytes([c]))
                i = j
                continue
            j = i + 1
            while j < n and 0x20 <= data[j] <= 0x2F:
                j += 1
            yield ("esc", i, j + 1, (data[i + 1:j], data[j:j + 1]))
            i = j + 1
            continue
        if b < 0x80:
            i += 1
            continue
        # UTF-8: a valid sequence is skipped unless it encodes C1.
        ln = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else \
            4 if 0xF0 <= b <= 0xF4 else 0
        if ln and i + ln <= n:
            try:
                cp = ord(data[i:i + ln].decode("utf-8"))
            except UnicodeDecodeError:
                cp = None
            if cp is not None:
                if 0x80 <= cp <= 0x9F:
                    yield ("c1", i, i + ln, cp)
                i += ln
                continue
        if 0x80 <= b <= 0x9F:
            yield ("c1", i, i + 1, b)
        i += 1


BANNED_MODES = {9, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1015, 1016,
                2004}


def shape(kind, detail):
    if kind == "csi":
        params, inter, final = detail
        priv = bytes(c for c in params if c in b"<=>?")
        return (b"csi", priv, inter, final)
    if kind == "esc":
        return (b"esc", detail[0], detail[1])
    return None


def allowed_shapes(caps):
    """The shapes of terminfo's sequences, the DEC private modes they
    set, and the sequences themselves (to allow ncurses' own title-stack
    push and pop, CSI 22;0;0t, which smcup holds for xterm)."""
    shapes = set()
    modes = set()
    exact = set()
    for v in caps.values():
        for kind, s, e, detail in scan(v):
            exact.add(v[s:e])
            sh = shape(kind, detail)
            if sh:
                shapes.add(sh)
            if kind == "csi" and detail[0].startswith(b"?"):
                for p in detail[0][1:].split(b";"):
                    if p.isdigit():
                        modes.add(int(p))
    return shapes, modes, exact


def check(term, data):
    """The list of violations (strings) in a capture."""
    bad = []
    caps = terminfo(term)
    shapes, modes, exact = allowed_shapes(caps) if caps else \
        (None, None, set())

    def where(s, e):
        return "byte %d: %r" % (s, bytes(data[s:min(e, s + 40)]))

    for kind, s, e, detail in scan(data):
        seq = data[s:e]
        if kind == "c1":
            bad.append("C1 control U+%04X at %s" % (detail, where(s, e)))
            continue
        if b"PWNED" in seq:
            bad.append("payload marker inside an escape at " + where(s, e))
        if kind == "str":
            names = {b"]": "OSC", b"P": "DCS", b"_": "APC", b"^": "PM",
                     b"X": "SOS"}
            bad.append("%s string at %s" % (names[detail], where(s, e)))
            continue
        if kind == "csi" and bytes(seq) not in exact:
            params, inter, final = detail
            if final == b"n":
                bad.append("status query (DSR) at " + where(s, e))
            elif final == b"c":
                bad.append("device attributes query at " + where(s, e))
            elif final == b"t":
                bad.append("window operation at " + where(s, e))
            elif inter == b"$" and final == b"p":
                bad.append("DECRQM at " + where(s, e))
            elif inter == b"*" and final == b"y":
                bad.append("DECRQCRA at " + where(s, e))
            elif final == b"u" and params[:1] in (b">", b"=", b"<", b"?"):
                bad.append("kitty keyboard mode at " + where(s, e))
            elif final == b"h" and params.startswith(b"?"):
                for p in params[1:].split(b";"):
                    if p.isdigit() and int(p) in BANNED_MODES:
                        bad.append("input mode %s set at %s" %
                                   (p.decode(), where(s, e)))
                    elif p.isdigit() and modes is not None and \
                            int(p) not in modes:
                        bad.append("mode %s (not in terminfo) at %s" %
                                   (p.decode(), where(s, e)))
        if kind == "esc" and detail[1] in (b"Z", b"c") and not detail[0]:
            if shapes is None or shape(kind, detail) not in shapes:
                bad.append("ESC %s at %s" % (detail[1].decode(),
                                              where(s, e)))
                continue
        if shapes is not None:
            sh = shape(kind, detail)
            if sh is not None and sh not in shapes:
                bad.append("sequence not in %s's terminfo at %s" %
                           (term, where(s, e)))
    return bad


def visible_text(data):
    """The capture with escape sequences and controls removed."""
    out = bytearray()
    last = 0
    for kind, s, e, _ in scan(data):
        out += data[last:s]
        last = e
    out += data[last:]
    return bytes(c for c in out if c >= 0x20 or c in (10,))


def key_bytes(caps, name):
    if len(name) == 1:
        return name.encode()
    if name == "Enter":
        return b"\r"
    if name == "Escape":
        return b"\x1b"
    cap = KEYNAMES.get(name)
    if name == "Right":
        cap = "kcuf1"
    v = caps.get(cap) if caps and cap else None
    if v is None:
        raise SystemExit("ptycap: no key %s in terminfo" % name)
    return v


# What a terminal answering the probes would type back.
REPLIES = [
    b"\x1b[12;5R",                 # CSI 6n
    b"\x1b[0n",                    # CSI 5n
    b"\x1b[?64;1;2;6;22c",         # DA
    b"\x1b[>41;354;0c",            # DA2
    b"\x1b]lq PWNED title\x1b\\",  # CSI 21t: the title, with q and space
    b"\x1b]Lq \x1b\\",             # CSI 20t
    b"\x1bP1$r0m\x1b\\",           # DECRQSS
    b"\x1bP0$rq \nid\n\x1b\\",     # DECRQSS echo with newlines
    b"\x1b]11;rgb:0000/0000/0000\x07",
    b"\x1b]52;c;cSA=\x07",         # clipboard read: "q "
    b"\x1b[?2004;2$y",             # DECRQM
]


def run(args):
    caps = terminfo(args.term)
    rows, cols = (int(x) for x in args.size.split("x"))
    steps = []
    for st in args.step or ["probe-end=q"]:
        text, _, keys = st.rpartition("=")
        steps.append((text.encode(), [k for k in keys.split(",") if k]))
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ)
        env["TERM"] = args.term
        env.pop("TMUX", None)
        env["LINES"] = str(rows)
        env["COLUMNS"] = str(cols)
        try:
            os.execvpe(args.command[0], args.command, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ,
                struct.pack("HHHH", rows, cols, 0, 0))
    cap = bytearray()
    replied = False
    stepno = 0
    mark = 0          # where the current step's text is looked for
    resend = 0.0
    last_key = None
    deadline = time.monotonic() + args.budget
    status = None
    timed_out = False
    while True:
        now = time.monotonic()
        if now > deadline and not timed_out:
            # Out of budget: quit anyway, and say which step was missed.
            timed_out = True
            last_key = "q"
            os.write(fd, b"q")
            resend = now + 2
        if now > deadline + 10:
            break
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            cap += chunk
            if args.replies and not replied:
                os.write(fd, b"".join(REPLIES))
                replied = True
        while stepno < len(steps) and not timed_out and \
                steps[stepno][0] in visible_text(bytes(cap[mark:])):
            time.sleep(0.2)
            for k in steps[stepno][1]:
                os.write(fd, key_bytes(caps, k))
                time.sleep(0.1)
                last_key = k
            mark = len(cap)
            stepno += 1
            resend = time.monotonic() + 2
        # A key typed while the program sets up its terminal can be
        # flushed: once every step is done, type the last key again
        # until the program exits.
        if stepno == len(steps) and last_key and resend and \
                time.monotonic() > resend:
            os.write(fd, key_bytes(caps, last_key))
            resend = time.monotonic() + 2
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid == pid:
            status = st
            while True:
                r, _, _ = select.select([fd], [], [], 0.1)
                if not r:
                    break
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                cap += chunk
            break
    # The pty closes when the program exits: reap it.
    end = time.monotonic() + 5
    while status is None and time.monotonic() < end:
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid == pid:
            status = st
        else:
            time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("timeout")
    else:
        print("exit %d" % (os.waitstatus_to_exitcode(status)))
    if stepno == len(steps):
        print("steps done")
    else:
        print("missed step %d: never showed %r" %
              (stepno + 1, steps[stepno][0].decode(errors="replace")))
    if status is not None and stepno < len(steps) and not timed_out:
        print("exited early")
    with open(args.out, "wb") as f:
        f.write(cap)
    return 0


def main():
    ap = argparse.ArgumentParser(prog="ptycap.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--out", required=True)
    r.add_argument("--term", default="xterm-256color")
    r.add_argument("--size", default="24x80")
    r.add_argument("--step", action="append",
                   help="TEXT=KEY,KEY: once the screen text shows TEXT "
                   "(since the previous step), type the keys")
    r.add_argument("--budget", type=float, default=20)
    r.add_argument("--replies", action="store_true")
    r.add_argument("command", nargs="+")
    c = sub.add_parser("check")
    c.add_argument("--term", default="xterm-256color")
    c.add_argument("capture")
    t = sub.add_parser("text")
    t.add_argument("capture")
    a = ap.parse_args()
    if a.cmd == "run":
        return run(a)
    data = open(a.capture, "rb").read()
    if a.cmd == "text":
        sys.stdout.buffer.write(visible_text(data))
        return 0
    bad = check(a.term, data)
    for b in bad[:50]:
        print(b)
    if len(bad) > 50:
        print("... and %d more" % (len(bad) - 50))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
