#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Writes the hostile-output recordings for the replay safety test
# (tests/ui/u-play-safety.sh, SECURITY.md section 5 and T14).  Synthetic:
# no recorder is involved.  Every payload that could reach a terminal
# carries the marker "PWNED" in its own bytes, so the test can tell a
# forwarded sequence from ncurses' own output; plain text between the
# payloads ("step-NN") shows the replay got past each one, and the last
# line is "probe-end".
#
# Files (in the directory of this script, or argv[1]):
#   payloads.cast     asciicast v2; every payload that JSON can carry
#                     (C1 controls only as U+0080-U+009F)
#   payloads.ttyrec   ttyrec; the same payloads plus raw 8-bit C1 bytes
#                     (0x9B, 0x9D, 0x90) and invalid UTF-8
#   payloads.typescript + payloads.timing   script, classic timing; the
#                     ttyrec's bytes
import json
import os
import struct
import sys

ESC = b"\x1b"
BEL = b"\x07"
ST = ESC + b"\\"

# (name, bytes, json_ok): json_ok False when the bytes are not UTF-8.
PAYLOADS = [
    ("osc0-title", ESC + b"]0;PWNED-osc0" + BEL, True),
    ("osc2-title-st", ESC + b"]2;PWNED-osc2" + ST, True),
    ("csi-21t", ESC + b"[21t", True),
    ("csi-20t", ESC + b"[20t", True),
    ("csi-14t", ESC + b"[14t", True),
    ("csi-8t-resize", ESC + b"[8;1000;1000t", True),
    ("osc52-set", ESC + b"]52;c;UFdORUQtY2xpcA==" + BEL, True),
    ("osc52-set-marker", ESC + b"]52;c;PWNED52" + BEL, True),
    ("osc52-read", ESC + b"]52;c;?" + BEL, True),
    ("osc50-query", ESC + b"]50;?" + BEL, True),
    ("osc4-query", ESC + b"]4;1;?" + BEL, True),
    ("osc10-11-query", ESC + b"]10;?" + BEL + ESC + b"]11;?" + ST, True),
    ("osc8-link", ESC + b"]8;;http://PWNED.example/" + BEL + b"link" +
     ESC + b"]8;;" + BEL, True),
    ("osc7-cwd", ESC + b"]7;file://PWNED/tmp" + BEL, True),
    ("osc1337", ESC + b"]1337;RemoteHost=PWNED@host" + BEL, True),
    ("osc777", ESC + b"]777;notify;PWNED;body" + BEL, True),
    ("dcs-decrqss-newlines", ESC + b"P$q\nPWNED-dcs\nid\n" + ST, True),
    ("dcs-xtgettcap", ESC + b"P+q504e4544" + ST, True),
    ("dcs-decrqss-m", ESC + b"P$qm" + ST, True),
    ("csi-6n", ESC + b"[6n", True),
    ("csi-5n", ESC + b"[5n", True),
    ("csi-q6n", ESC + b"[?6n", True),
    ("csi-c", ESC + b"[c", True),
    ("csi-gt-c", ESC + b"[>c", True),
    ("csi-eq-c", ESC + b"[=c", True),
    ("esc-z", ESC + b"Z", True),
    ("enq", b"\x05", True),
    ("decrqm", ESC + b"[?2004$p" + ESC + b"[4$p", True),
    ("decrqcra", ESC + b"[1;1;1;1;24;80*y", True),
    ("mouse-modes", ESC + b"[?9h" + ESC + b"[?1000h" + ESC + b"[?1001h" +
     ESC + b"[?1002h" + ESC + b"[?1003h" + ESC + b"[?1005h" + ESC +
     b"[?1006h" + ESC + b"[?1015h" + ESC + b"[?1016h", True),
    ("focus-mode", ESC + b"[?1004h", True),
    ("paste-mode", ESC + b"[?2004h", True),
    ("decckm", ESC + b"[?1h" + ESC + b"=", True),
    ("kitty-keys", ESC + b"[>1u" + ESC + b"[=1;1u" + ESC + b"[?u", True),
    ("u009b-csi", "\u009b6n".encode(), True),
    ("u009d-osc", "\u009d0;PWNED-u9d\u0007".encode(), True),
    ("u0090-dcs", "\u0090$qPWNED-u90\u009c".encode(), True),
    ("raw-9b-csi", b"\x9b6n", False),
    ("raw-9d-osc", b"\x9d0;PWNED-x9d\x07", False),
    ("raw-90-dcs", b"\x90$qPWNED-x90\x9c", False),
    ("invalid-utf8", b"bad:\xff\xfe\xc0\x80\xed\xa0\x80:", False),
    ("rep-huge", b"R" + ESC + b"[65535b" + b"S" + ESC + b"[2147483647b" +
     b"\r\n", True),
    ("many-params", ESC + b"[" + b";".join(b"%d" % i for i in range(1, 41))
     + b"m" + ESC + b"[" + b";".join(b"1" for _ in range(40)) + b"H" + ESC
     + b"[0m", True),
    ("huge-values", ESC + b"[99999999999;99999999999H" + ESC +
     b"[99999999999A" + ESC + b"[H", True),
    ("decstbm-bad", ESC + b"[10;5r" + ESC + b"[5;5r" + ESC + b"[0;99999r" +
     ESC + b"[r", True),
    ("sixel", ESC + b"Pq#0;2;0;0;0#1;2;100;100;0#1~~@@vv@@~~@@~~$#2??}}GG}}"
     b"??}}??-#1!14@" + ST, True),
    ("regis", ESC + b"P0pS(E)W(I(M))P[100,100]V[200,200]" + ST, True),
    ("apc", ESC + b"_PWNED-apc" + ST, True),
    ("pm", ESC + b"^PWNED-pm" + ST, True),
    ("sos", ESC + b"XPWNED-sos" + ST, True),
    ("osc-long-unterminated", ESC + b"]0;" + b"PWNED" * 2000 + b"\r\n",
     True),
    ("overwrite", b"hidden\r" + ESC + b"[2Kvisible\r\n", True),
    ("concealed-sgr8", ESC + b"[8mconcealed" + ESC + b"[0m\r\n", True),
    ("bidi", "abc\u202edef\u202c\r\n".encode(), True),
    ("charset-shift", ESC + b"(0lqk" + ESC + b"(B\x0eabc\x0f\r\n", True),
    ("ris", ESC + b"c", True),
    ("title-then-report", ESC + b"]2;PWNED-t2" + BEL + ESC + b"[21t" + ESC +
     b"[20t", True),
]


def events():
    """(t_seconds, bytes) pairs: each payload after a numbered step."""
    t = 0.0
    out = [(0.0, b"payload probe: normal text\r\n")]
    for i, (name, data, ok) in enumerate(PAYLOADS, 1):
        t += 0.05
        out.append((t, b"step-%02d %s\r\n" % (i, name.encode())))
        t += 0.05
        out.append((t, data))
    t += 0.05
    out.append((t, b"\r\nprobe-end\r\n"))
    return out


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    evs = events()
    with open(os.path.join(d, "payloads.cast"), "w") as f:
        f.write(json.dumps({"version": 2, "width": 80, "height": 24,
                            "title": "PWNED-header-title\u001b]0;x\u0007"})
                + "\n")
        for t, data in evs:
            try:
                s = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            f.write(json.dumps([round(t, 6), "o", s]) + "\n")
    base = 1700000000.0
    with open(os.path.join(d, "payloads.ttyrec"), "wb") as f:
        for t, data in evs:
            sec = int(base + t)
            usec = int(round((base + t - sec) * 1e6))
            f.write(struct.pack("<III", sec, usec, len(data)) + data)
    with open(os.path.join(d, "payloads.typescript"), "wb") as ts, \
            open(os.path.join(d, "payloads.timing"), "w") as tm:
        ts.write(b"Script started on probe\n")
        prev = 0.0
        for t, data in evs:
            tm.write("%.6f %d\n" % (t - prev, len(data)))
            ts.write(data)
            prev = t


if __name__ == "__main__":
    main()
