#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Looks inside the tlog JSON that `zstd -dc FILE.srec` gives (ISSUE3.md:
# one tlog 2.3 message per line, sessrec's own keys prefixed sr_).
#   srjson.py check FILE   the tlog conventions hold (keys, ids, pos, rec)
#   srjson.py in FILE      all in_txt concatenated (raw, as recorded)
#   srjson.py out FILE     all out_txt concatenated
#   srjson.py marks FILE   one line per marker: LABEL [DETAIL]
#   srjson.py end FILE     the last message's sr_end and sr_status
#   srjson.py meta FILE    the first message's sr_* keys as key=value
import json
import sys

TLOG_KEYS = ("ver", "host", "rec", "user", "term", "session", "id", "pos",
             "time", "timing", "in_txt", "in_bin", "out_txt", "out_bin")


def load(path):
    msgs = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                msgs.append(json.loads(line))
            except ValueError as e:
                sys.exit("%s:%d: not JSON: %s" % (path, n, e))
    return msgs


def check(msgs):
    bad = []
    if not msgs:
        return ["no messages"]
    rec = msgs[0].get("rec")
    lastpos = -1
    for i, m in enumerate(msgs, 1):
        miss = [k for k in TLOG_KEYS if k not in m]
        if miss:
            bad.append("message %d lacks %s" % (i, ",".join(miss)))
        if m.get("ver") != "2.3":
            bad.append("message %d: ver %r, want \"2.3\"" % (i, m.get("ver")))
        if m.get("id") != i:
            bad.append("message %d: id %r, want %d" % (i, m.get("id"), i))
        if m.get("rec") != rec:
            bad.append("message %d: rec %r != %r" % (i, m.get("rec"), rec))
        pos = m.get("pos")
        if not isinstance(pos, int) or pos < lastpos:
            bad.append("message %d: pos %r after %r" % (i, pos, lastpos))
        else:
            lastpos = pos
    first = msgs[0]
    if first.get("sr_ver") != 1:
        bad.append("first message: sr_ver %r, want 1" % first.get("sr_ver"))
    if first.get("sr_session_id") != rec:
        bad.append("first message: sr_session_id %r != rec %r"
                   % (first.get("sr_session_id"), rec))
    return bad


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: srjson.py check|in|out|marks|end|meta FILE")
    what, path = sys.argv[1], sys.argv[2]
    msgs = load(path)
    out = sys.stdout
    if what == "check":
        bad = check(msgs)
        for b in bad[:20]:
            print(b)
        sys.exit(1 if bad else 0)
    elif what in ("in", "out"):
        key = what + "_txt"
        sys.stdout.buffer.write("".join(m.get(key, "") for m in msgs)
                                .encode("utf-8", "surrogateescape"))
    elif what == "marks":
        for m in msgs:
            if "sr_mark" in m:
                d = m.get("sr_detail")
                out.write(m["sr_mark"] + (" " + d if d else "") + "\n")
    elif what == "end":
        m = msgs[-1] if msgs else {}
        out.write("%s %s\n" % (m.get("sr_end"), m.get("sr_status")))
    elif what == "meta":
        for k, v in (msgs[0] if msgs else {}).items():
            if k.startswith("sr_"):
                out.write("%s=%s\n" % (k, v))
    else:
        sys.exit("srjson.py: unknown request " + what)


main()
