#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Checks what `sessrec cat` printed from a recording of a numbered-line
# loop (i-record-faults.sh, SIGKILL case): the text must be exactly
# "line-1" .. "line-K", each on its own line (CRs ignored), possibly
# followed by a cut-off start of "line-(K+1)" (the recording may end
# inside a line).  Prints K; exits 1 with the first difference otherwise.
import sys

data = open(sys.argv[1], "rb").read().replace(b"\r", b"")
lines = data.split(b"\n")
tail = lines.pop()
for i, line in enumerate(lines, 1):
    if line != b"line-%d" % i:
        sys.exit("line %d is %r, want %r" % (i, line[:80], b"line-%d" % i))
if tail and not (b"line-%d" % (len(lines) + 1)).startswith(tail):
    sys.exit("last line %r is not a start of %r"
             % (tail[:80], b"line-%d" % (len(lines) + 1)))
print(len(lines))
