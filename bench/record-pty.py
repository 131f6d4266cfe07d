#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Measuring half of bench/record: runs a recorder the way a user would and
times it.  Kept in Python because it needs a pty pair of its own, exact
clocks and /proc polling; bench/record (POSIX sh) drives it.

  record-pty.py run [--tty] [--runs N] [--rss] [--cwd DIR] [--clean DIR]
                    -- CMD [ARG ...]
      Runs CMD N times (default 1), stdio either /dev/null (default) or a
      fresh pty of our own (--tty: CMD is session leader with the pty as
      controlling terminal, 200x50, we drain the master as fast as we can
      and count the bytes).  --clean DIR empties DIR before every run so
      the recorder never finds an old file.  Prints one line:
        best_s=S max_s=S cpu_s=S bytes=N hwm_kb=K rc=R
      cpu_s is user+system time of CMD and the children it waited for
      (the recorded command too), in the fastest run.
      hwm_kb is the largest VmHWM of CMD's own process (not its children),
      polled every 10 ms from /proc (only with --rss; 0 otherwise).  VmHWM
      is a high-water mark, so polling only misses growth in the last
      10 ms before exit.  (wait4's ru_maxrss is no use here: it keeps the
      forked Python's size from before exec.)

  record-pty.py latency [--samples N] [--warmup W] [--gap-ms G]
                        [--dump FILE] -- CMD [ARG ...]
      Typing latency.  CMD runs on a fresh pty of ours; it must end in a
      child that puts its terminal in raw mode, prints "R", then echoes
      exactly $BENCH_N bytes and exits, for instance
        sh -c 'stty raw -echo; printf R; exec dd bs=1 count="$BENCH_N" status=none'
      (dd writes each byte at once; head -c would sit on it in stdio).  We write one
      byte at a time and time until it comes back, G ms apart (default 2,
      roughly fast typing).  Prints:
        median_us=X p99_us=X mean_us=X min_us=X max_us=X n=N rc=R
      --dump appends the samples (microseconds, one a line) to FILE, so
      interleaved rounds can be pooled with:

  record-pty.py stats FILE
      Prints the line above for the samples in FILE (rc=0).

  record-pty.py check [--pipes] {tlog|script} INPUT RECORDING
      Did the recorder lose or change anything?  Rebuilds the output
      byte stream from RECORDING ("-" = stdin; tlog JSON lines, e.g.
      `zstd -dc x.srec`, replayed by its timing field; or a script
      typescript without its header and footer lines) and compares it
      with what `cat INPUT` writes to a pty (every LF as CR LF; as is
      with --pipes).  Prints:  bytes=N expect=M same=0|1
"""

import argparse
import errno
import hashlib
import json
import re
import fcntl
import os
import select
import shutil
import signal
import struct
import sys
import termios
import time


def hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def spawn(argv, tty, env=None, cwd=None):
    """Returns (pid, master fd or -1)."""
    if tty:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 50, 200, 0, 0))
    pid = os.fork()
    if pid == 0:
        try:
            if cwd:
                os.chdir(cwd)
            if tty:
                os.close(master)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
            else:
                null = os.open("/dev/null", os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                # Keep stderr: a recorder that fails says why.
                os.close(null)
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            if env is not None:
                os.execvpe(argv[0], argv, env)
            os.execvp(argv[0], argv)
        except OSError as e:
            os.write(2, ("record-pty: %s: %s\n" % (argv[0], e)).encode())
        os._exit(127)
    if tty:
        os.close(slave)
        return pid, master
    return pid, -1


def status_rc(st):
    if os.WIFSIGNALED(st):
        return 128 + os.WTERMSIG(st)
    return os.WEXITSTATUS(st)


def run_once(argv, tty, rss, cwd):
    t0 = time.perf_counter()
    pid, master = spawn(argv, tty, cwd=cwd)
    nbytes = 0
    hwm = 0
    poll = 0.01 if rss else None

    def sample():
        # Last reading wins: VmHWM only grows within one program image,
        # and a reading taken before exec() would be Python's own.
        nonlocal hwm
        h = hwm_kb(pid)
        if h:
            hwm = h

    if tty:
        next_poll = t0
        while True:
            r, _, _ = select.select([master], [], [], poll)
            if r:
                try:
                    d = os.read(master, 1 << 16)
                except OSError as e:
                    if e.errno != errno.EIO:
                        raise
                    d = b""
                if not d:
                    break
                nbytes += len(d)
            if rss and time.perf_counter() >= next_poll:
                sample()
                next_poll = time.perf_counter() + poll
        # Every slave fd is closed; the recorder may still be sealing.
    while True:
        if rss:
            sample()
            p, st, ru = os.wait4(pid, os.WNOHANG)
            if p:
                break
            time.sleep(poll)
        else:
            _, st, ru = os.wait4(pid, 0)
            break
    t = time.perf_counter() - t0
    if tty:
        os.close(master)
    return t, nbytes, hwm, ru.ru_utime + ru.ru_stime, status_rc(st)


def clean_dir(d):
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def cmd_run(a):
    best = None
    cpu = 0.0
    worst = 0.0
    hwm = 0
    nbytes = 0
    rc = 0
    for _ in range(a.runs):
        if a.clean:
            clean_dir(a.clean)
        t, n, h, c, r = run_once(a.cmd, a.tty, a.rss, a.cwd)
        if best is None or t < best:
            cpu = c
        best = t if best is None else min(best, t)
        worst = max(worst, t)
        hwm = max(hwm, h)
        nbytes = n
        rc = rc or r
    print("best_s=%.4f max_s=%.4f cpu_s=%.3f bytes=%d hwm_kb=%d rc=%d"
          % (best, worst, cpu, nbytes, hwm, rc))
    return 0


def reap(pid, secs):
    """waitpid with a deadline, then SIGKILL: a stuck recorder must not
    hang the benchmark."""
    end = time.perf_counter() + secs
    while time.perf_counter() < end:
        p, st, ru = os.wait4(pid, os.WNOHANG)
        if p:
            return st
        time.sleep(0.01)
    print("record-pty: pid %d still running, killed" % pid, file=sys.stderr)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def read_some(master, deadline):
    """One read from the master, waiting until deadline; b'' at EOF."""
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError("no echo")
        r, _, _ = select.select([master], [], [], left)
        if r:
            try:
                return os.read(master, 4096)
            except OSError as e:
                if e.errno == errno.EIO:
                    return b""
                raise


def cmd_latency(a):
    total = a.warmup + a.samples
    env = dict(os.environ)
    env["BENCH_N"] = str(total)
    pid, master = spawn(a.cmd, True, env=env)
    rc = 0
    lat = []
    try:
        # Wait for the child's "R": the recorder is up and the child is raw.
        seen = b""
        deadline = time.perf_counter() + 20
        while b"R" not in seen:
            d = read_some(master, deadline)
            if not d:
                raise RuntimeError("command ended before it was ready")
            seen += d
        time.sleep(0.2)
        # Anything after the R (a late notice) is not an echo.
        while select.select([master], [], [], 0.05)[0]:
            if not os.read(master, 4096):
                break
        letters = b"abcdefghijklmnopqrstuvwxyz"
        for i in range(total):
            b = letters[i % 26:i % 26 + 1]
            t0 = time.perf_counter_ns()
            os.write(master, b)
            got = b""
            while not got:
                got = read_some(master, time.perf_counter() + 10)
                if got == b"":
                    raise RuntimeError("EOF after %d samples" % i)
            t1 = time.perf_counter_ns()
            if i >= a.warmup:
                lat.append((t1 - t0) / 1000.0)
            if a.gap_ms > 0:
                time.sleep(a.gap_ms / 1000.0)
        # Drain to EOF so the recorder can finish and seal.
        deadline = time.perf_counter() + 20
        while read_some(master, deadline):
            pass
    except (RuntimeError, TimeoutError) as e:
        print("record-pty: latency: %s" % e, file=sys.stderr)
        os.kill(pid, signal.SIGTERM)
        rc = 1
    st = reap(pid, 20)
    os.close(master)
    rc = rc or status_rc(st)
    if not lat:
        print("median_us=0 p99_us=0 mean_us=0 min_us=0 max_us=0 n=0 rc=%d"
              % (rc or 1))
        return 0
    if a.dump:
        with open(a.dump, "a") as f:
            f.write("".join("%.1f\n" % x for x in lat))
    print(summary(lat, rc))
    return 0


def summary(lat, rc):
    lat = sorted(lat)
    n = len(lat)
    med = lat[n // 2] if n % 2 else (lat[n // 2 - 1] + lat[n // 2]) / 2
    p99 = lat[min(n - 1, int(n * 0.99))]
    return ("median_us=%.1f p99_us=%.1f mean_us=%.1f min_us=%.1f "
            "max_us=%.1f n=%d rc=%d"
            % (med, p99, sum(lat) / n, lat[0], lat[-1], n, rc))


def cmd_stats(a):
    with open(a.file) as f:
        lat = [float(x) for x in f if x.strip()]
    if not lat:
        print("median_us=0 p99_us=0 mean_us=0 min_us=0 max_us=0 n=0 rc=1")
        return 0
    print(summary(lat, 0))
    return 0


# tlog 2.3 timing records; "]N/M" skips N U+FFFD placeholders of out_txt
# and takes M bytes of out_bin.
TIMING = re.compile(r"([<>\[\]+=])([0-9]+)(?:[x/]([0-9]+))?")


def tlog_stream(f):
    """Yields the output bytes of tlog JSON lines in recorded order."""
    for line in f:
        if not line.strip():
            continue
        m = json.loads(line)
        txt = m.get("out_txt", "")
        binv = m.get("out_bin", [])
        ti = bi = 0
        for op, n, k in TIMING.findall(m.get("timing", "")):
            n = int(n)
            if op == ">":
                yield txt[ti:ti + n].encode("utf-8", "surrogateescape")
                ti += n
            elif op == "]":
                ti += n
                k = int(k)
                yield bytes(binv[bi:bi + k])
                bi += k


def script_stream(f):
    """A typescript minus "Script started..." and "\nScript done..."."""
    data = f.read()
    start = data.index(b"\n") + 1 if data.startswith(b"Script started") \
        else 0
    end = data.rfind(b"\nScript done")
    yield data[start:end if end >= start else len(data)]


def cmd_check(a):
    want = hashlib.sha256()
    wn = 0
    with open(a.input, "rb") as f:
        while True:
            d = f.read(1 << 20)
            if not d:
                break
            if not a.pipes:
                d = d.replace(b"\n", b"\r\n")
            want.update(d)
            wn += len(d)
    got = hashlib.sha256()
    gn = 0
    if a.format == "tlog":
        f = sys.stdin if a.recording == "-" else \
            open(a.recording, encoding="utf-8", errors="surrogateescape")
        stream = tlog_stream(f)
    else:
        f = sys.stdin.buffer if a.recording == "-" else \
            open(a.recording, "rb")
        stream = script_stream(f)
    try:
        for d in stream:
            got.update(d)
            gn += len(d)
    except (ValueError, KeyError, TypeError) as e:
        print("record-pty: check: %s" % e, file=sys.stderr)
    print("bytes=%d expect=%d same=%d"
          % (gn, wn, int(gn == wn and got.digest() == want.digest())))
    return 0


def main():
    p = argparse.ArgumentParser(prog="record-pty.py")
    sub = p.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("--tty", action="store_true")
    r.add_argument("--runs", type=int, default=1)
    r.add_argument("--rss", action="store_true")
    r.add_argument("--cwd")
    r.add_argument("--clean")
    r.add_argument("cmd", nargs="+")
    lt = sub.add_parser("latency")
    lt.add_argument("--samples", type=int, default=2000)
    lt.add_argument("--warmup", type=int, default=50)
    lt.add_argument("--gap-ms", type=float, default=2.0)
    lt.add_argument("--dump")
    lt.add_argument("cmd", nargs="+")
    st = sub.add_parser("stats")
    st.add_argument("file")
    ck = sub.add_parser("check")
    ck.add_argument("--pipes", action="store_true")
    ck.add_argument("format", choices=("tlog", "script"))
    ck.add_argument("input")
    ck.add_argument("recording")
    a = p.parse_args()
    if a.what == "run":
        return cmd_run(a)
    if a.what == "stats":
        return cmd_stats(a)
    if a.what == "check":
        return cmd_check(a)
    return cmd_latency(a)


if __name__ == "__main__":
    sys.exit(main())
