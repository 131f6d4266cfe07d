#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The sessrec authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
"""
Builds the redaction fixture sets of SECURITY.md R3 into tests/data/secrets
(or the directory given as the first argument):

  secrets.txt        rendered text: realistic terminal output holding
                     generated, pattern-valid FAKE secrets for every rule
                     (random strings from a fixed seed; none was ever a
                     real credential), some lines longer than 80 columns
  secrets.expect     LINE<TAB>RULE<TAB>SECRET for every secret in it
                     (LINE is 1-based); recall counts a secret as found
                     when every byte of it lies in a redaction span
  secrets-color.txt  the same text as a program would print it: SGR
                     colour around lines and inside secrets, so that raw
                     bytes never hold a secret in one piece; rendered
                     (escape sequences removed) it is secrets.txt again
  benign.txt         >= 10,000 lines of ordinary output made by real
                     commands here (git log, sha256sum, kernel UUIDs,
                     kubectl YAML without secrets, gcc warnings, openssl
                     certificate dumps, ls, dpkg): at most 1 false
                     positive per 10,000 lines is allowed
  secrets.cast       asciinema rec -c 'cat secrets-color.txt; sleep 1'
  secrets-split.cast asciinema rec of a writer that prints 7 bytes at a
                     time, so chunks split escapes and secrets
  secrets.tlog.json  tlog-rec --payload=256 of the same slow writer
                     (many messages, splits inside secrets)
  secrets.script.out, secrets.script.tm
                     script -t of the slow writer (util-linux)

The text files are the same on every run; the recordings differ in
timings, ids and chunking.  Recordings run inside "script -qec CMD
/dev/null" so the recorder has a pty, at 80x24 (long lines wrap).
Missing tools are skipped with a note.  Run from anywhere:

  python3 tests/gen/secrets.py [OUTDIR]
  SESSREC=/path/to/sessrec python3 tests/gen/secrets.py --commands [OUTDIR]

The second form records the command-extraction fixtures cmd-* (see
commands() below) in a private tmux server.
"""
import base64
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys

SEED = 20261125
R = random.Random(SEED)

UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LO = "abcdefghijklmnopqrstuvwxyz"
DI = "0123456789"
ALNUM = UP + LO + DI
B32 = UP + "234567"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def rs(alpha, n):
    return "".join(R.choice(alpha) for _ in range(n))


def with_fake(alpha, n):
    """n characters of alpha with FAKE (or fake) inside, when alpha has it."""
    s = rs(alpha, n)
    for mark in ("FAKE", "fake"):
        if all(c in alpha for c in mark) and n >= 8:
            i = R.randrange(0, n - len(mark))
            return s[:i] + mark + s[i + len(mark):]
    return s


def password():
    # Mixed case, a digit and punctuation: never a placeholder.
    core = rs(LO, 3) + rs(UP, 2) + rs(DI, 2) + R.choice("!#%+-_.@^~") + \
        rs(ALNUM, R.randrange(2, 9))
    return "Fk" + "".join(R.sample(core, len(core)))


def aws_id():
    return R.choice(["AKIA", "ASIA"]) + with_fake(B32, 16)


def aws_secret():
    return with_fake(ALNUM + "/+", 40)


def gh_token():
    return "gh" + R.choice("pousr") + "_" + with_fake(ALNUM, 36)


def gh_pat():
    return "github_pat_11" + rs(UP + DI, 20) + "_" + with_fake(ALNUM, 59)


def glpat():
    return "glpat-" + with_fake(ALNUM + "_-", 20)


def slack():
    k = R.choice("abp")
    return "xox%s-%s-%s-%s" % (k, rs(DI, 12), rs(DI, 13), with_fake(ALNUM, 24))


def xapp():
    return "xapp-1-%s-%s-%s" % (rs(UP + DI, 11), rs(DI, 13), rs(LO + DI, 64))


def webhook_path():
    return "T%s/B%s/%s" % (rs(UP + DI, 8), rs(UP + DI, 10), with_fake(ALNUM, 24))


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def jwt():
    hdr = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps({"sub": "fake-user-%d" % R.randrange(1000),
                              "iat": 1795500000 + R.randrange(100000),
                              "scope": "test"}).encode())
    return "%s.%s.%s" % (hdr, body, with_fake(B64URL, 43))


def opaque():
    return with_fake(ALNUM, R.randrange(24, 41))


def key_block(kind, nlines, terminated=True):
    lines = ["-----BEGIN %s-----" % kind]
    body = []
    if kind == "RSA PRIVATE KEY" and R.random() < 0.5:
        body += ["Proc-Type: 4,ENCRYPTED",
                 "DEK-Info: AES-128-CBC," + rs("0123456789ABCDEF", 32), ""]
    for _ in range(nlines - 1):
        body.append(rs(B64, 64))
    body.append(rs(B64, R.randrange(8, 60)) + "==")
    lines += body
    if terminated:
        end = kind.replace("PRIVATE KEY BLOCK", "PRIVATE KEY BLOCK")
        lines.append("-----END %s-----" % end)
    return lines, [l for l in body if l]


PROMPT = "root@bastion:~# "

# Each template returns (lines, [(index in lines, rule, secret)]).


def t_aws_id():
    k = aws_id()
    f = R.choice([
        lambda: ("export AWS_ACCESS_KEY_ID=%s" % k),
        lambda: ("aws_access_key_id = %s" % k),
        lambda: ('        "AccessKeyId": "%s",' % k),
        lambda: ("Using access key %s from the environment (profile default)" % k),
        lambda: ("AWS_ACCESS_KEY_ID: %s" % k),
    ])
    return [f()], [(0, "aws-access-key-id", k)]


def t_aws_secret():
    s = aws_secret()
    f = R.choice([
        "aws_secret_access_key = %s",
        "export AWS_SECRET_ACCESS_KEY=%s",
        '        "SecretAccessKey": "%s",',
        "AWS_SECRET_ACCESS_KEY: '%s'",
    ])
    return [f % s], [(0, "aws-secret-key", s)]


def t_aws_creds():
    k, s = aws_id(), aws_secret()
    lines = [PROMPT + "cat ~/.aws/credentials", "[default]",
             "aws_access_key_id = " + k, "aws_secret_access_key = " + s,
             "region = eu-west-1"]
    return lines, [(2, "aws-access-key-id", k), (3, "aws-secret-key", s)]


def t_github():
    t = R.choice([gh_token, gh_token, gh_pat])()
    f = R.choice([
        "export GITHUB_TOKEN=%s",
        PROMPT + "git remote set-url origin https://%s@github.com/acme/infra.git",
        "  - Token: %s",
        PROMPT + "echo %s | gh auth login --with-token",
        'ghcr login ok, using "%s" for ghcr.io/acme (expires in 30 days, scopes: repo, read:packages, write:packages)',
    ])
    return [f % t], [(0, "github-token", t)]


def t_gitlab():
    t = glpat()
    f = R.choice([
        PROMPT + "git clone https://gitlab-ci-token:%s@gitlab.example.com/grp/app.git",
        "CI_JOB_TOKEN=%s",
        PROMPT + "curl --header 'PRIVATE-TOKEN: %s' https://gitlab.example.com/api/v4/projects",
        "created personal access token %s (api, read_repository)",
    ])
    return [f % t], [(0, "gitlab-token", t)]


def t_slack():
    t = R.choice([slack, slack, xapp])()
    f = R.choice([
        "SLACK_BOT_TOKEN=%s",
        PROMPT + "curl -s -X POST -H 'Content-type: application/json' -d '{\"token\":\"%s\",\"channel\":\"#ops\"}' https://slack.com/api/chat.postMessage",
        "slack: connected as ops-bot with %s",
    ])
    return [f % t], [(0, "slack-token", t)]


def t_webhook():
    p = webhook_path()
    line = R.choice([
        PROMPT + "curl -X POST -d @alert.json https://hooks.slack.com/services/%s",
        "webhook_url: https://hooks.slack.com/services/%s",
    ]) % p
    return [line], [(0, "slack-webhook", p)]


def t_jwt():
    t = jwt()
    f = R.choice([
        '{"access_token":"%s","token_type":"Bearer","expires_in":3600}',
        "JWT: %s",
        PROMPT + "curl -b session=%s https://app.example.com/api/me",
        "id_token=%s",
        "   %s",
    ])
    return [f % t], [(0, "jwt", t)]


def t_url():
    pw = password().replace("@", "#").replace("/", "_")
    f = R.choice([
        "DATABASE_URL=postgres://app:%s@db.internal:5432/app",
        PROMPT + "psql postgresql://report:%s@10.1.2.3/warehouse -c 'select 1'",
        "redis://:%s@cache-1.internal:6379/0",
        "amqp://svc:%s@rabbit.internal:5672/%%2f",
        "Cloning into 'app'... (https://deploy:%s@git.example.com/app.git)",
    ])
    return [f % pw], [(0, "url-password", pw)]


def t_authz():
    t = R.choice([opaque(), base64.b64encode(("svc:" + password()).encode()).decode()])
    f = R.choice([
        "> Authorization: Bearer %s",
        PROMPT + "curl -H 'Authorization: token %s' https://api.github.example/user",
        "authorization: Basic %s",
        "  -H \"Authorization: Bearer %s\" \\",
    ])
    return [f % t], [(0, "authorization", t)]


def t_flag():
    pw = password()
    f = R.choice([
        PROMPT + "sshpass -p '%s' ssh admin@10.0.0.7 uptime",
        PROMPT + "sshpass -p %s scp backup.tar admin@10.0.0.8:",
        PROMPT + "mysql -u root -p%s -h db1 shop",
        PROMPT + "mysqldump -uroot --password=%s --all-databases > all.sql",
        PROMPT + "redis-cli -h cache-1 -a %s info replication",
        PROMPT + "docker login -u deploy -p %s registry.example.com",
        PROMPT + "vault login --token %s",
        PROMPT + "./deploy.sh --env prod --password=%s --yes",
        PROMPT + "kubectl --token=%s get pods -A",
    ])
    return [f % pw], [(0, "password-flag", pw)]


def t_flag2():
    pw = password()
    f = R.choice([
        PROMPT + "curl -u admin:%s https://jenkins.internal/api/json",
        PROMPT + "curl -s --user 'svc-backup:%s' https://nexus.internal/repository/",
        PROMPT + "openssl pkcs12 -in client.p12 -passin pass:%s -nodes -out client.pem",
        PROMPT + "wget --http-user=ci --http-password=%s https://artifacts.internal/build.tgz",
        "machine api.example.com login deploy password %s",
    ])
    return [f % pw], [(0, "password-flag", pw)]


def t_api():
    t = R.choice([
        lambda: "AIza" + with_fake(ALNUM + "_-", 35),
        lambda: R.choice(["sk", "rk"]) + "_" + R.choice(["live", "test"]) + "_" + with_fake(ALNUM, 24),
        lambda: "npm_" + with_fake(ALNUM, 36),
        lambda: "pypi-AgEIcHlwaS5vcmc" + with_fake(ALNUM + "_-", 50),
        lambda: "SG." + with_fake(ALNUM + "_-", 22) + "." + with_fake(ALNUM + "_-", 43),
    ])()
    f = R.choice([
        "GOOGLE_API_KEY=%s",
        "//registry.npmjs.org/:_authToken %s",
        "  stripe: configured with %s (mode from key prefix)",
        PROMPT + "twine upload -u __token__ -p %s dist/*",
        "SENDGRID_API_KEY: %s",
    ])
    return [f % t], [(0, "api-token", t)]


def t_assign():
    pw = password()
    f = R.choice([
        "DB_PASSWORD=%s",
        "  password: %s",
        '    "password": "%s",',
        "spring.datasource.password=%s",
        "OAUTH_CLIENT_SECRET=%s",
        "api_key = \"%s\"",
        "PGPASSWORD=%s psql -h db -U app",
        "MYSQL_PWD=%s",
        "export REGISTRY_TOKEN=%s",
        "secret: %s",
        "smtp_passwd=%s",
    ])
    return [f % pw], [(0, "password-assignment", pw)]


def t_key(terminated=True):
    kind, n = R.choice([("RSA PRIVATE KEY", 25), ("OPENSSH PRIVATE KEY", 7),
                        ("EC PRIVATE KEY", 4), ("PRIVATE KEY", 16),
                        ("ENCRYPTED PRIVATE KEY", 17),
                        ("PGP PRIVATE KEY BLOCK", 30)])
    lines, body = key_block(kind, n, terminated)
    lines = [PROMPT + "cat ~/.ssh/id_deploy"] + lines
    exp = [(lines.index(b), "private-key", b) for b in body]
    return lines, exp


FILLER = [
    PROMPT + "ls",
    "Desktop  Documents  deploy.sh  notes.txt",
    PROMPT + "cat .env",
    "NODE_ENV=production",
    "LOG_LEVEL=info",
    "PORT=8080",
    PROMPT + "env | sort | head",
    "HOME=/root",
    "LANG=C.UTF-8",
    "Reading package lists... Done",
    "  replicas: 3",
    "Connection to 10.0.0.7 closed.",
]

TEMPLATES = [(t_aws_id, 20), (t_aws_secret, 16), (t_aws_creds, 6),
             (t_github, 20), (t_gitlab, 16), (t_slack, 16), (t_webhook, 10),
             (t_jwt, 18), (t_url, 18), (t_authz, 16), (t_flag, 27),
             (t_flag2, 15), (t_api, 20), (t_assign, 33), (t_key, 8)]


def build_secrets():
    items = []
    for fn, n in TEMPLATES:
        for _ in range(n):
            items.append(fn())
    R.shuffle(items)
    lines, expect = [], []
    for blk, exp in items:
        for _ in range(R.randrange(0, 3)):
            lines.append(R.choice(FILLER))
        base = len(lines)
        lines += blk
        expect += [(base + i + 1, rule, s) for i, rule, s in exp]
    # An unterminated key block last: the next lines are masked too.
    blk, exp = t_key(terminated=False)
    base = len(lines)
    lines += blk
    expect += [(base + i + 1, rule, s) for i, rule, s in exp]
    lines.append(PROMPT + "exit")
    for n, rule, s in expect:
        assert s in lines[n - 1], (n, s)
    return lines, expect


SGR = ["\x1b[1m", "\x1b[32m", "\x1b[1;31m", "\x1b[38;5;208m", "\x1b[4m",
       "\x1b[38;2;10;200;30m", "\x1b[7m"]


def colorize(lines, expect):
    """SGR around lines and one or two codes inside every secret."""
    cuts = {}
    for n, _, s in expect:
        cuts.setdefault(n, []).append(s)
    out = []
    for i, l in enumerate(lines, 1):
        for s in cuts.get(i, []):
            a = R.randrange(1, len(s))
            b = R.randrange(1, len(s))
            lo, hi = min(a, b), max(a, b)
            piece = s[:lo] + R.choice(SGR) + s[lo:hi] + "\x1b[0m" + \
                R.choice(SGR) + s[hi:] + "\x1b[0m"
            l = l.replace(s, piece, 1)
        if R.random() < 0.5:
            l = R.choice(SGR) + l + "\x1b[0m"
        out.append(l)
    return out


def run(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=False, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          **kw).stdout


def clean(text):
    # Only printable text: no escapes, no control characters.
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    return [re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", l)[:4000]
            for l in text.split("\n")]


def build_benign(top):
    out = []

    def add(text, cap=None):
        ls = clean(text)
        out.extend(ls[:cap] if cap else ls)

    # git log of the project and of pyenv's plugins (read only).
    for repo in [top] + glob.glob("/root/.pyenv/plugins/*"):
        if os.path.isdir(os.path.join(repo, ".git")):
            add(run("git -C '%s' log --no-color --stat --format=fuller" % repo))
    # sha256sum of system files.
    files = sorted(glob.glob("/usr/bin/*"))[:1500]
    add(run("sha256sum " + " ".join("'%s'" % f for f in files if os.path.isfile(f))))
    # UUIDs from the kernel (uuidgen when installed).
    if shutil.which("uuidgen"):
        add(run("for i in $(seq 1000); do uuidgen; done"))
    else:
        add(run("for i in $(seq 1000); do cat /proc/sys/kernel/random/uuid; done"))
    # kubectl YAML without secrets (client-side dry runs).
    if shutil.which("kubectl"):
        k = "kubectl create --dry-run=client -o yaml "
        for i in range(60):
            name = "svc-%02d" % i
            add(run(k + "deployment %s --image=registry.example.com/%s:1.%d --replicas=%d --port=8080" % (name, name, i, i % 5 + 1)))
            add(run(k + "service clusterip %s --tcp=80:8080" % name))
            add(run(k + "configmap %s-cfg --from-literal=LOG_LEVEL=info --from-literal=PORT=8080 --from-literal=FEATURE_X=true" % name))
            add(run(k + "serviceaccount %s-sa" % name))
            add(run(k + "cronjob %s-job --image=busybox --schedule='*/5 * * * *' -- date" % name))
            add(run(k + "role %s-reader --verb=get,list,watch --resource=pods,secrets" % name))
            add(run(k + "ingress %s-ing --rule=%s.example.com/*=%s:80" % (name, name, name)))
    # Compiler warnings with source excerpts (this project's sources).
    srcs = sorted(glob.glob(os.path.join(top, "lib", "*.c")) +
                  glob.glob(os.path.join(top, "lib", "fmt", "*.c")) +
                  glob.glob(os.path.join(top, "src", "*.c")))
    for s in srcs:
        add(run("gcc -fsyntax-only -fdiagnostics-color=never -Wall -Wextra "
                "-Wconversion -Wsign-conversion -Wpadded -I'%s/lib' -I'%s' "
                "-I/usr/include/ncursesw '%s' 2>&1" % (top, top, s)), 400)
    # Certificates (public; BEGIN CERTIFICATE blocks, hex dumps).
    for c in sorted(glob.glob("/etc/ssl/certs/*.pem"))[:25]:
        add(run("openssl x509 -noout -text -in '%s'; cat '%s'" % (c, c)))
    add(run("ls -la --time-style=long-iso /usr/lib/x86_64-linux-gnu"), 1500)
    # Option help, where --password and --token are described.
    for cmd in ("curl --help all", "wget --help", "kubectl options",
                "tar --help", "ssh -h 2>&1", "openssl s_client -help 2>&1",
                "git help -a", "asciinema rec --help", "tlog-rec --help",
                "sudo -h"):
        add(run(cmd))
    add(run("COLUMNS=160 dpkg -l"), 1500)
    return [l for l in out if l.strip()]


def write(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")


SLOW = ("import os,sys,time\n"
        "d=open(sys.argv[1],'rb').read()\n"
        "for i in range(0,len(d),7):\n"
        "    os.write(1,d[i:i+7]); time.sleep(0.002)\n")


def record(out, name, cmd):
    print("  %s" % name)
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], cwd=out,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300,
                       env=dict(os.environ, TERM="xterm-256color",
                                LC_ALL="C.UTF-8", COLUMNS="80", LINES="24"))
    if r.returncode != 0:
        print("    failed: %s" % cmd)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "tests", "data", "secrets")
    os.makedirs(out, exist_ok=True)

    lines, expect = build_secrets()
    write(os.path.join(out, "secrets.txt"), lines)
    write(os.path.join(out, "secrets.expect"),
          ["%d\t%s\t%s" % e for e in expect])
    write(os.path.join(out, "secrets-color.txt"), colorize(lines, expect))
    benign = build_benign(top)
    write(os.path.join(out, "benign.txt"), benign)
    print("secrets: %d lines, %d secrets; benign: %d lines" %
          (len(lines), len(expect), len(benign)))

    with open(os.path.join(out, "slowcat.py"), "w") as f:
        f.write(SLOW)
    for f in ("secrets.cast", "secrets-split.cast", "secrets.tlog.json",
              "secrets.script.out", "secrets.script.tm"):
        if os.path.exists(os.path.join(out, f)):
            os.unlink(os.path.join(out, f))
    slow = "python3 slowcat.py secrets-color.txt"
    if shutil.which("asciinema"):
        # The sleep lets asciinema 2.2 drain the pty: without it, it
        # sometimes stops recording when cat exits and loses the tail.
        record(out, "secrets.cast", "stty cols 80 rows 24; asciinema rec -q "
               "-c 'cat secrets-color.txt; sleep 1' secrets.cast")
        record(out, "secrets-split.cast", "stty cols 80 rows 24; asciinema "
               "rec -q -c '%s' secrets-split.cast" % slow)
    else:
        print("  asciinema missing: skipped")
    if shutil.which("tlog-rec"):
        record(out, "secrets.tlog.json", "stty cols 80 rows 24; tlog-rec "
               "--writer=file --file-path=secrets.tlog.json --payload=256 "
               "-- %s" % slow)
    else:
        print("  tlog-rec missing: skipped")
    record(out, "secrets.script.out", "stty cols 80 rows 24; script -q -t "
           "-c '%s' secrets.script.out 2>secrets.script.tm" % slow)
    os.unlink(os.path.join(out, "slowcat.py"))
    for f in glob.glob(os.path.join(out, "secrets*")):
        os.chmod(f, 0o644)


# Command-extraction recordings (tests/unit/test-commands.c): bash in a
# private tmux server, keys typed one step at a time so that the echo
# lands between them.  cmd-edit.*: line editing (BS, ^U, ^W, ^C, history
# Up, TAB completion, "read -s" with a typed secret) with input recorded;
# cmd-osc133.tlog.json: shell-integration marks (OSC 133 A/B/C/D, OSC 7)
# from PS1/PS0 with no input recorded.
BASH = "env PS1='$ ' HISTFILE=/dev/null INPUTRC=/dev/null bash --norc --noprofile"
OSC_PS1 = (r"\[\e]133;D;$?\a\e]133;A\a\]$ \[\e]133;B\a\]")
OSC_BASH = ("env PS1='%s' PS0='\\e]133;C\\a' HISTFILE=/dev/null "
            "PROMPT_COMMAND='printf \"\\e]7;file://%%s%%s\\a\" "
            "\"$HOSTNAME\" \"$PWD\"' bash --norc --noprofile" % OSC_PS1)

EDIT_KEYS = [
    ("l", "echo helo"), ("k", "BSpace"), ("k", "BSpace"), ("l", "llo world"),
    ("k", "Enter"),
    ("l", "ls /nonexistent"), ("k", "C-u"), ("l", "echo after-ctrl-u"),
    ("k", "Enter"),
    ("l", "echo one two three"), ("k", "C-w"), ("l", "four"), ("k", "Enter"),
    ("l", "echo cancelled"), ("k", "C-c"),
    ("l", "echo first"), ("k", "Enter"),
    ("k", "Up"), ("k", "Enter"),
    ("l", "ech"), ("k", "Tab"), ("l", "tabbed"), ("k", "Enter"),
    ("l", "read -s pw"), ("k", "Enter"), ("l", "hunter2"), ("k", "Enter"),
    ("l", "echo done"), ("k", "Enter"),
    ("l", "exit"), ("k", "Enter"),
]

OSC_KEYS = [
    ("l", "cd /tmp"), ("k", "Enter"),
    ("l", "echo osc one"), ("k", "Enter"),
    ("l", "ls /nonexistent"), ("k", "Enter"),
    ("l", "echo " + "x" * 90), ("k", "Enter"),
    ("k", "Enter"),
    ("l", "exit"), ("k", "Enter"),
]


def tmux_run(out, cmd, keys, pause=0.35):
    import time
    sock = "srgen-%d" % os.getpid()
    env = dict(os.environ, LC_ALL="C.UTF-8")
    subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session",
                    "-d", "-x", "80", "-y", "24", "-c", out, cmd], env=env,
                   check=True)
    time.sleep(1.5)
    for kind, k in keys:
        args = ["tmux", "-L", sock, "send-keys"] + (["-l", k] if kind == "l" else [k])
        subprocess.run(args, check=False)
        time.sleep(pause)
    for _ in range(50):
        if subprocess.run(["tmux", "-L", sock, "has-session"],
                          stderr=subprocess.DEVNULL).returncode != 0:
            break
        time.sleep(0.2)
    subprocess.run(["tmux", "-L", sock, "kill-server"],
                   stderr=subprocess.DEVNULL)


def commands(out):
    if not shutil.which("tmux"):
        print("  tmux missing: command recordings skipped")
        return
    sessrec = os.environ.get("SESSREC") or shutil.which("sessrec")
    for f in glob.glob(os.path.join(out, "cmd-*")):
        os.unlink(f)
    runs = []
    if shutil.which("tlog-rec"):
        runs.append(("cmd-edit.tlog.json", "tlog-rec --writer=file "
                     "--file-path=cmd-edit.tlog.json --log-input=true -- " +
                     BASH, EDIT_KEYS))
        runs.append(("cmd-osc133.tlog.json", "tlog-rec --writer=file "
                     "--file-path=cmd-osc133.tlog.json -- " + OSC_BASH,
                     OSC_KEYS))
    if shutil.which("asciinema"):
        runs.append(("cmd-edit.cast", "asciinema rec -q --stdin -c \"%s\" "
                     "cmd-edit.cast" % BASH, EDIT_KEYS))
    runs.append(("cmd-edit.script.io", "script -q -B cmd-edit.script.io -T "
                 "cmd-edit.script.tm -c \"%s\"" % BASH, EDIT_KEYS))
    if sessrec:
        runs.append(("cmd-edit.srec", "%s record -q -i -o cmd-edit.srec -- "
                     "%s" % (sessrec, BASH), EDIT_KEYS))
    else:
        print("  sessrec not found (set SESSREC): cmd-edit.srec skipped")
    for name, cmd, keys in runs:
        print("  " + name)
        tmux_run(out, cmd, keys)
    for f in glob.glob(os.path.join(out, "cmd-*")):
        os.chmod(f, 0o644)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--commands":
        here = os.path.dirname(os.path.abspath(__file__))
        commands(sys.argv[2] if len(sys.argv) > 2 else os.path.join(
            os.path.dirname(os.path.dirname(here)), "tests", "data", "secrets"))
    else:
        main()
