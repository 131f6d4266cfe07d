#!/bin/bash
# SPDX-License-Identifier: ISC
# gen-journal.sh -- regenerate the systemd journal fixtures in tests/data/journal
# with the REAL tools.
#
# Usage (as root):  tests/gen/gen-journal.sh [OUTDIR]   (default: tests/data/journal)
#
# tlog-rec.journal.zst   A real systemd-journald, started in a private mount
#                        namespace (tmpfs over /run/systemd, /run/log and
#                        /var/log/journal, so the host's journal is not touched),
#                        with the real tlog-rec --writer=journal writing to it:
#                        two recordings that run at once (so their entries
#                        interleave), one of several messages, and one made
#                        through a pty (window size, input logged).  Among
#                        journald's own entries, as in a real system journal.
# crafted.journal.zst    The real systemd-journal-remote fed crafted.export, a
#                        journal export stream made from the messages above:
#                        TLOG_IDs out of journal order, an exact duplicate, a
#                        gap, a broken message, entries without MESSAGE or with
#                        a bad TLOG_ID, a hostile TLOG_REC, and a pretty-printed
#                        (multi-line) MESSAGE.
# damaged.journal.zst    tlog-rec.journal zeroed from the entry of the first
#                        recording's third message on: what a crash before the
#                        data reached the disk leaves.
# The files are kept compressed (journal files are preallocated to 8 MiB of
# mostly zeros); the tests decompress them.  Also written: tlog-rec.export
# (journalctl -o export of the tlog entries, for reading) and crafted.export.

set -eu
set -o pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$SCRIPT_DIR/../data/journal}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JREMOTE=/lib/systemd/systemd-journal-remote
JOURNALD=/lib/systemd/systemd-journald

[ "$(id -u)" = 0 ] || { echo "gen-journal: must run as root (mount namespace)" >&2; exit 1; }
for t in tlog-rec journalctl unshare script zstd python3 "$JREMOTE" "$JOURNALD"; do
	command -v "$t" >/dev/null || [ -x "$t" ] ||
	    { echo "gen-journal: missing tool: $t" >&2; exit 1; }
done
[ -e /run/utmp ] || { echo "gen-journal: tlog-rec needs /run/utmp for a pty session" >&2; exit 1; }

export LC_ALL=C.UTF-8 TERM=xterm TZ=UTC
STAGE=$(mktemp -d /tmp/sessrec-genj.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT

# 1. A real journald and real tlog-rec, in a private mount namespace.
cat >"$STAGE/inns.sh" <<'EOF'
set -eu
STAGE=$1 JOURNALD=$2
mkdir -p /run/systemd /run/log
mount -t tmpfs tmpfs /run/systemd
mount -t tmpfs tmpfs /run/log
mount -t tmpfs tmpfs /var/log/journal
$JOURNALD >"$STAGE/journald.log" 2>&1 &
jpid=$!
for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
[ -S /run/systemd/journal/socket ] || { echo "journald did not start" >&2; exit 1; }
# Two recordings at once: their entries interleave in the journal.
tlog-rec --writer=journal --latency=1 /bin/sh -c \
    'echo many; seq 1 1500; sleep 1.2; echo done' </dev/null >/dev/null &
r1=$!
tlog-rec --writer=journal --latency=1 /bin/sh -c \
    'for i in 1 2 3; do echo "two $i"; sleep 0.6; done' </dev/null >/dev/null &
r2=$!
wait $r1 $r2
# One through a pty, with input logged: script(1) gives tlog-rec a terminal.
(sleep 1; printf 'echo typed\r'; sleep 1; printf 'exit\r') |
    script -qec "stty cols 100 rows 30; tlog-rec --writer=journal --log-input --latency=1 /bin/sh" \
    /dev/null >/dev/null
sleep 0.5
# Written to /run/log/journal until a flush moves it, as at boot.
journalctl --flush
kill $jpid
wait $jpid || true
cp /var/log/journal/*/system.journal "$STAGE/tlog-rec.journal"
EOF
unshare -m bash "$STAGE/inns.sh" "$STAGE" "$JOURNALD"
journalctl --file "$STAGE/tlog-rec.journal" -o export TLOG_ID=1 >/dev/null
journalctl --file "$STAGE/tlog-rec.journal" -o export SYSLOG_IDENTIFIER=tlog-rec \
    >"$STAGE/tlog-rec.export"
[ "$(journalctl --file "$STAGE/tlog-rec.journal" -o cat -F TLOG_REC | wc -l)" = 3 ] ||
    { echo "gen-journal: expected 3 recordings" >&2; exit 1; }

# 2. A crafted export stream, written by the real systemd-journal-remote.
python3 - "$STAGE/tlog-rec.export" "$STAGE/crafted.export" <<'PY'
import json, struct, sys

def parse(path):
    ents, cur = [], {}
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        i = nl + 1
        if line == b"":
            if cur:
                ents.append(cur)
            cur = {}
            continue
        if b"=" in line:
            k, v = line.split(b"=", 1)
        else:  # binary-safe form: KEY\n<le64 size><data>\n
            k = line
            n = struct.unpack("<Q", data[i:i + 8])[0]
            v = data[i + 8:i + 8 + n]
            i += 8 + n + 1
        cur[k.decode()] = v
    if cur:
        ents.append(cur)
    return ents

ents = parse(sys.argv[1])
recs = {}
for e in ents:
    recs.setdefault(e["TLOG_REC"], []).append(e)
# The recording of several messages.
many = max(recs.values(), key=len)
many.sort(key=lambda e: int(e["TLOG_ID"]))
assert len(many) >= 4, len(many)
t0 = int(many[0]["__REALTIME_TIMESTAMP"])
out = []
seq = [0]

def emit(rec, msg, tid=None, extra=None, ts=None):
    seq[0] += 1
    f = [("__REALTIME_TIMESTAMP", str(ts if ts is not None else t0 + seq[0] * 1000).encode()),
         ("__MONOTONIC_TIMESTAMP", str(1000000 + seq[0] * 1000).encode()),
         ("_BOOT_ID", b"2a9bd0a1f1ce4c5e9d2d5f0b7c3e6a11"),
         ("SYSLOG_IDENTIFIER", b"tlog-rec")]
    if rec is not None:
        f.append(("TLOG_REC", rec))
        f.append(("TLOG_USER", b"root"))
        f.append(("TLOG_SESSION", b"4294967295"))
    if tid is not None:
        f.append(("TLOG_ID", tid))
    if msg is not None:
        f.append(("MESSAGE", msg))
    for kv in extra or []:
        f.append(kv)
    out.append(f)

def retag(e, rec):
    m = json.loads(e["MESSAGE"])
    m["rec"] = rec
    return json.dumps(m, separators=(",", ":"), ensure_ascii=False).encode()

# "order": ids 1 3 2 4..., id 1 twice (an exact duplicate).
r = "crafted-order"
seqn = [many[0], many[2], many[1]] + many[3:]
emit(r.encode(), retag(many[0], r), b"1")
for e in seqn:
    emit(r.encode(), retag(e, r), e["TLOG_ID"])
# "gap": message 2 missing.
r = "crafted-gap"
for e in many:
    if e["TLOG_ID"] != b"2":
        emit(r.encode(), retag(e, r), e["TLOG_ID"])
# "broken": message 2 cut in half; an entry without MESSAGE; a bad TLOG_ID.
r = "crafted-broken"
for e in many:
    m = retag(e, r)
    if e["TLOG_ID"] == b"2":
        m = m[: len(m) // 2]
    emit(r.encode(), m, e["TLOG_ID"])
    if e["TLOG_ID"] == b"3":
        emit(r.encode(), None, b"3x")
        emit(r.encode(), retag(e, r), b"three")
# A hostile TLOG_REC: path separators, dot-dot and an escape sequence.
r = "../evil/\x1b[31mred"
emit(r.encode(), retag(many[0], "evil"), b"1")
# A pretty-printed message: newlines inside MESSAGE.
r = "crafted-multiline"
m = json.loads(retag(many[0], r))
emit(r.encode(), json.dumps(m, indent=1).encode(), b"1")
# An unrelated entry, and a TLOG_REC entry with a MESSAGE that is no tlog.
emit(None, b"just a log line")
emit(b"crafted-notlog", b"hello, not json", b"1")

with open(sys.argv[2], "wb") as f:
    for ent in out:
        for k, v in ent:
            if b"\n" in v:
                f.write(k.encode() + b"\n" + struct.pack("<Q", len(v)) + v + b"\n")
            else:
                f.write(k.encode() + b"=" + v + b"\n")
        f.write(b"\n")
PY
"$JREMOTE" -o "$STAGE/crafted.journal" - <"$STAGE/crafted.export" 2>/dev/null
journalctl --file "$STAGE/crafted.journal" -o export >/dev/null

# 3. Damage: zero everything from the entry that follows the first
#    "TLOG_ID=3" data object (the third message of the first recording).
python3 - "$STAGE/tlog-rec.journal" "$STAGE/damaged.journal" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
assert data[:8] == b"LPKSHHRH"
# Header (systemd's journal-def.h): header_size at 88, tail_object_offset
# at 136.  Objects: type (1 byte), flags, 6 reserved, le64 size; 8-aligned.
off = struct.unpack_from("<Q", data, 88)[0]
tail = struct.unpack_from("<Q", data, 136)[0]
mark = data.index(b"TLOG_ID=3")
cut = None
while off <= tail:
    size = struct.unpack_from("<Q", data, off + 8)[0]
    if size == 0:
        break
    if data[off] == 3 and off > mark:  # an entry object
        cut = off
        break
    off += (size + 7) // 8 * 8
assert cut is not None
data[cut:] = bytes(len(data) - cut)
open(sys.argv[2], "wb").write(data)
PY

for f in tlog-rec crafted damaged; do
	zstd -q -19 -f "$STAGE/$f.journal" -o "$OUT/$f.journal.zst"
done
cp "$STAGE/tlog-rec.export" "$STAGE/crafted.export" "$OUT/"
echo "gen-journal: wrote $OUT" >&2
