#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Splits a native recording (.srec) into its zstd frames, for the tamper
# tests: zstd data frames are walked block by block (RFC 8878 3.1.1),
# skippable frames (0x184D2A50..5F) by their length; sessrec's own
# skippable frames (magic 0x184D2A5E, "SREC", version, kind) are named by
# their kind letter (H header, K checkpoint, C chain, I index, S seal,
# A abandoned), data frames "D".  Written from the format documents, not
# from sessrec's code, so that it checks the layout independently.
#
#   srec-frames.py list FILE            one "offset length kind" a line
#   srec-frames.py rebuild FILE OUT I,J,...
#                                       writes the frames I, J, ... of
#                                       FILE (0-based, repeats allowed)
#                                       to OUT in that order
import struct
import sys

SKIP_LO, SKIP_HI = 0x184D2A50, 0x184D2A5F
ZSTD = 0xFD2FB528


def zstd_frame_len(d, o):
    """Length of the zstd frame at o, or None when it runs past the end."""
    p = o + 4
    if p >= len(d):
        return None
    fhd = d[p]
    p += 1
    fcs_flag = fhd >> 6
    single = (fhd >> 5) & 1
    checksum = (fhd >> 2) & 1
    did = fhd & 3
    if not single:
        p += 1
    p += (0, 1, 2, 4)[did]
    p += (1 if single else 0, 2, 4, 8)[fcs_flag]
    while True:
        if p + 3 > len(d):
            return None
        bh = d[p] | d[p + 1] << 8 | d[p + 2] << 16
        p += 3
        last, btype, bsize = bh & 1, (bh >> 1) & 3, bh >> 3
        if btype == 3:
            return None  # reserved: not a frame
        p += 1 if btype == 1 else bsize
        if last:
            break
    if checksum:
        p += 4
    return p - o if p <= len(d) else None


def frames(d):
    o = 0
    out = []
    while o < len(d):
        if o + 8 > len(d):
            out.append((o, len(d) - o, "?"))
            break
        magic, = struct.unpack_from("<I", d, o)
        if SKIP_LO <= magic <= SKIP_HI:
            n, = struct.unpack_from("<I", d, o + 4)
            kind = "X"
            if d[o + 8:o + 12] == b"SREC" and o + 14 <= len(d):
                kind = chr(d[o + 13])
            if o + 8 + n > len(d):
                out.append((o, len(d) - o, "?"))
                break
            out.append((o, 8 + n, kind))
            o += 8 + n
        elif magic == ZSTD:
            n = zstd_frame_len(d, o)
            if n is None:
                out.append((o, len(d) - o, "?"))
                break
            out.append((o, n, "D"))
            o += n
        else:
            out.append((o, len(d) - o, "?"))
            break
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: srec-frames.py list FILE | rebuild FILE OUT I,J,...")
    d = open(sys.argv[2], "rb").read()
    fr = frames(d)
    if sys.argv[1] == "list":
        for o, n, k in fr:
            print(o, n, k)
    elif sys.argv[1] == "rebuild" and len(sys.argv) == 5:
        with open(sys.argv[3], "wb") as f:
            for i in sys.argv[4].split(","):
                o, n, _ = fr[int(i)]
                f.write(d[o:o + n])
    else:
        sys.exit("usage: srec-frames.py list FILE | rebuild FILE OUT I,J,...")


main()
