#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Writes a big asciicast v2 recording quickly, for bench/play: SIZE_MB of
# terminal output (as JSON text, so the file is a little larger), one
# output event every 10 ms of recording time, each about 4 KiB: 30 lines
# of coloured, numbered text ("e00001234 l07 ..."), with a screen clear
# every 1000 events so the emulator does a little of everything.
#
# usage: bench/gen-cast.py SIZE_MB OUTPUT [COLS ROWS]
import json
import sys


def main():
    mb = float(sys.argv[1])
    out = sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    want = int(mb * 1024 * 1024)
    filler = "".join(chr(0x61 + (i % 26)) for i in range(90))
    done = 0
    k = 0
    with open(out, "w", buffering=1 << 20) as f:
        f.write(json.dumps({"version": 2, "width": cols, "height": rows,
                            "title": "bench"}) + "\n")
        while done < want:
            lines = []
            if k % 1000 == 0:
                lines.append("\x1b[H\x1b[2J")
            for ln in range(30):
                lines.append("\x1b[3%dme%08d l%02d\x1b[0m %s \x1b[1m%d\x1b[0m"
                             "\r\n" % (1 + (k + ln) % 7, k, ln, filler,
                                       k * 30 + ln))
            data = "".join(lines)
            f.write(json.dumps([round((k + 1) * 0.01, 3), "o", data]))
            f.write("\n")
            done += len(data)
            k += 1
    print("%d events, %.2f s, %d bytes of output" % (k, k * 0.01, done))


if __name__ == "__main__":
    main()
