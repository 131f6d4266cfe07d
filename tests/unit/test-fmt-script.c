/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The sessrec authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Tests of the util-linux script reader: the real samples (exact
 * metadata and events, opened on either partner), pairing and probing,
 * the real-tool fixtures (every log byte comes out once, in order), and
 * hand-made bad and odd recordings written to a temporary directory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define SEC	   1000000000LL
#define MS	   1000000LL
#define START_0337 (1795577840LL * SEC) /* 2026-11-25 03:37:20 UTC */
#define UNKNOWN	   INT64_MIN
#define NO_EXIT	   (-9999)

#define DATA "tests/data/script"

/* A file of a hand-made recording. */
struct file_spec {
	const char *name;
	const char *data;
};

struct kv_want {
	const char *key;
	const char *value;
};

struct ev_want {
	enum sr_event_type type; /* 0 ends the list */
	int64_t t_ns;
	const char *data; /* NULL for a resize */
	unsigned rows, cols;
};

#define OUT(t, d)                                                              \
	{                                                                      \
		SR_EV_OUTPUT, (t), (d), 0, 0                                   \
	}
#define IN(t, d)                                                               \
	{                                                                      \
		SR_EV_INPUT, (t), (d), 0, 0                                    \
	}
#define MARK(t, d)                                                             \
	{                                                                      \
		SR_EV_MARKER, (t), (d), 0, 0                                   \
	}
#define END(t, d)                                                              \
	{                                                                      \
		SR_EV_END, (t), (d), 0, 0                                      \
	}
#define RESIZE(t, r, c)                                                        \
	{                                                                      \
		SR_EV_RESIZE, (t), NULL, (r), (c)                              \
	}

/*
 * One reading: a directory of the source tree (dir) or hand-made files,
 * the members to open (each must give the same result), and everything
 * expected of it.
 */
struct rcase {
	const char *name;
	const char *dir;
	struct file_spec files[5];
	const char *open[3];
	uint64_t line_limit, event_limit; /* 0: the default */
	int open_st;
	const char *path_suffix;
	const char *session_id, *command, *term, *tty;
	int64_t start_ns, duration_ns;
	unsigned rows, cols;
	int exit;
	enum sr_state state;
	struct kv_want extras[7];
	struct ev_want ev[20];
	int end_st;
	enum sr_errcat end_cat;
	const char *end_member;
	int64_t end_line;
	size_t nwarn;
	const char *warn_member;
	int64_t warn_line;
};

#define CLASSIC_CMD                                                            \
	"sh -c 'echo hi; sleep 0.3; ls / | head -3; printf "                   \
	"\"\\033[1;31mred\\033[0m\\n\"; sleep 0.2; echo done'"

#define CLASSIC_SAMPLE(member, path)                                           \
	{                                                                      \
		.name = "sample classic via " member, .dir = DATA,         \
		.open = { member }, .open_st = SR_OK,                      \
		.path_suffix = path,               \
		.session_id = "script-classic", .command = CLASSIC_CMD,    \
		.start_ns = START_0337, .duration_ns = 507684000,          \
		.exit = 0, .state = SR_STATE_COMPLETE,                     \
		.extras = { { "script.timing", "classic" },                \
		    { "script.terminal", "no" } },                         \
		.ev = {                                                    \
			OUT(10201000, "hi\r\n"),              \
			OUT(306006000, "bin\r\n"),            \
			OUT(306031000, "boot\r\n"),           \
			OUT(306046000,                         \
			    "container_info.json\r\n"),                   \
			OUT(306298000,                         \
			    "\033[1;31mred\033[0m\r\n"),                  \
			OUT(507684000, "done\r\n"),           \
			END(507684000, "0"),                     \
		},                                                         \
		.end_st = SR_EOF,   \
	}

#define ADV_SAMPLE(member)                                                     \
	{                                                                      \
		.name = "sample advanced via " member, .dir = DATA,        \
		.open = { member }, .open_st = SR_OK,                      \
		.path_suffix = "samples/script-adv.io",                    \
		.session_id = "script-adv",                                \
		.command = "bash --norc --noprofile",                      \
		.term = "tmux-256color", .tty = "/dev/pts/0",              \
		.start_ns = START_0337, .duration_ns = 2637305000LL,       \
		.rows = 30, .cols = 100, .exit = 3,                        \
		.state = SR_STATE_COMPLETE,                                \
		.extras = { { "script.timing", "advanced" },               \
		    { "script.shell", "/bin/bash" },                       \
		    { "script.timing_log",                                 \
			"/var/log/sessrec-samples/script-adv.tm" },        \
		    { "script.output_log",                                 \
			"/var/log/sessrec-samples/script-adv.io" },        \
		    { "script.input_log",                                  \
			"/var/log/sessrec-samples/script-adv.io" } },      \
		.ev = {                                                    \
			OUT(4118000, "\033[?2004h"),          \
			OUT(4129000, "bash-5.2# "),           \
			IN(1004555000, "echo typed\r"),       \
			OUT(1004762000,                        \
			    "echo typed\r\n\033[?2004l\r"),               \
			OUT(1004971000, "typed\r\n"),         \
			OUT(1005057000, "\033[?2004h"),       \
			OUT(1005114000, "bash-5.2# "),        \
			IN(1409374000,                                     \
			    "read -s -p 'pw: ' x; echo; echo len=${#x}\r"),  \
			OUT(1410191000,                                    \
			    "read -s -p 'pw: ' x; echo; echo "             \
			    "len=${#x}\r\n\033[?2004l\rpw: "),             \
			IN(1814786000, "hunter2\r"),          \
			OUT(1815010000,                        \
			    "\r\nlen=7\r\n\033[?2004hbash-5.2# "),        \
			RESIZE(2220501000, 40, 120),       \
			OUT(2220637000,                        \
			    "\r\033[K\rbash-5.2# "),                      \
			IN(2626176000, "exit 3\r"),           \
			OUT(2626999000,                        \
			    "exit 3\r\n\033[?2004l\rexit\r\n"),           \
			END(2637305000LL, "3"),                  \
		},                                                         \
		.end_st = SR_EOF,   \
	}

#define PROBE_SAMPLE(member, path)                                             \
	{                                                                      \
		.name = "inject probe via " member, .dir = DATA,           \
		.open = { member }, .open_st = SR_OK,                      \
		.path_suffix = path,          \
		.session_id = "inject-probe", .start_ns = UNKNOWN,         \
		.duration_ns = 700 * MS, .exit = NO_EXIT,                  \
		.state = SR_STATE_INCOMPLETE,                              \
		.extras = { { "script.timing", "classic" },                \
		    { "script.date", "probe" } },                          \
		.ev = {                                                    \
			OUT(100 * MS, "normal text\r\n"),     \
			OUT(200 * MS,                          \
			    "\033]0;PWNED-TITLE\a"),                      \
			OUT(300 * MS, "\033[21t"),            \
			OUT(400 * MS,                          \
			    "\033]52;c;ZWNobyBwd25lZA==\a"),              \
			OUT(500 * MS, "\033P$q\nid\n\033\\"), \
			OUT(600 * MS, "\033[6n"),             \
			OUT(700 * MS,                          \
			    "hidden\r\033[2Kvisible\r\n"),                \
		},                                                         \
		.end_st = SR_EOF,   \
	}

/* A classic recording "g" with body "abcdef" and the given timing. */
#define ABCDEF_LOG(log)                                                        \
	{                                                                      \
		log,                                                           \
		    "Script started on 2026-11-25 03:37:20+00:00 "             \
		    "[<not executed on terminal>]\nabcdef\nScript done "       \
		    "on 2026-11-25 03:37:21+00:00 "                            \
		    "[COMMAND_EXIT_CODE=\"0\"]\n"                              \
	}

static const struct rcase rcases[] = {
	CLASSIC_SAMPLE("samples/script-classic.out",
	    "samples/script-classic.out"),
	CLASSIC_SAMPLE("samples/script-classic.tm",
	    "samples/script-classic.out"),
	/* Both partners gzip'd, as logrotate leaves them. */
	CLASSIC_SAMPLE("compressed/script-classic.out.gz",
	    "compressed/script-classic.out.gz"),
	CLASSIC_SAMPLE("compressed/script-classic.tm.gz",
	    "compressed/script-classic.out.gz"),
	ADV_SAMPLE("samples/script-adv.io"),
	ADV_SAMPLE("samples/script-adv.tm"),
	PROBE_SAMPLE("samples/inject-probe.typescript",
	    "samples/inject-probe.typescript"),
	PROBE_SAMPLE("samples/inject-probe.timing",
	    "samples/inject-probe.typescript"),
	/* Only the log compressed. */
	PROBE_SAMPLE("compressed/inject-probe.typescript.gz",
	    "compressed/inject-probe.typescript.gz"),
	PROBE_SAMPLE("compressed/inject-probe.timing",
	    "compressed/inject-probe.typescript.gz"),
	{
	    .name = "garbage timing line",
	    .files = { ABCDEF_LOG("g.out"),
		{ "g.tm",
		    "0.100000 3\nthis is not a timing line\n"
		    "0.200000 3\n" } },
	    .open = { "g.out", "g.tm" },
	    .path_suffix = "/g.out",
	    .session_id = "g",
	    .start_ns = START_0337,
	    .duration_ns = 300 * MS,
	    .exit = 0,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.terminal", "no" } },
	    .ev = { OUT(100 * MS, "abc"), OUT(300 * MS, "def"),
		END(300 * MS, "0") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "g.tm",
	    .warn_line = 2,
	},
	{
	    .name = "negative delay",
	    .files = { ABCDEF_LOG("n.out"),
		{ "n.tm", "0.100000 3\n-0.500000 3\n0.200000 3\n" } },
	    .open = { "n.out" },
	    .session_id = "n",
	    .start_ns = START_0337,
	    .duration_ns = 300 * MS,
	    .exit = 0,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.terminal", "no" } },
	    .ev = { OUT(100 * MS, "abc"), OUT(300 * MS, "def"),
		END(300 * MS, "0") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "n.tm",
	    .warn_line = 2,
	},
	{
	    /* Delays in other precisions are decimal seconds too. */
	    .name = "garbage delay, loose precision, CRLF",
	    .files = { ABCDEF_LOG("d.out"),
		{ "d.tm", "0.1 1\r\n1e3 3\r\n0.25 2\r\n1 3\r\n" } },
	    .open = { "d.out", "d.tm" },
	    .session_id = "d",
	    .start_ns = START_0337,
	    .duration_ns = 1350 * MS,
	    .exit = 0,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.terminal", "no" } },
	    .ev = { OUT(100 * MS, "a"), OUT(350 * MS, "bc"),
		OUT(1350 * MS, "def"), END(1350 * MS, "0") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "d.tm",
	    .warn_line = 2,
	},
	{
	    .name = "timing wants more bytes than the log has",
	    .files = { ABCDEF_LOG("o.out"),
		{ "o.tm", "0.100000 3\n0.100000 10\n0.100000 2\n" } },
	    .open = { "o.out" },
	    .session_id = "o",
	    .start_ns = START_0337,
	    .duration_ns = 300 * MS,
	    .exit = 0,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.terminal", "no" } },
	    .ev = { OUT(100 * MS, "abc"), OUT(200 * MS, "def"),
		END(300 * MS, "0") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "o.tm",
	    .warn_line = 2,
	},
	{
	    .name = "log bytes past the end of the timing",
	    .files = { ABCDEF_LOG("l.out"), { "l.tm", "0.100000 3\n" } },
	    .open = { "l.tm" },
	    .session_id = "l",
	    .path_suffix = "/l.out",
	    .start_ns = START_0337,
	    .duration_ns = 100 * MS,
	    .exit = 0,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.terminal", "no" } },
	    .ev = { OUT(100 * MS, "abc"), OUT(100 * MS, "def"),
		END(100 * MS, "0") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "l.out",
	    .warn_line = -1,
	},
	{
	    .name = "huge timing line",
	    .files = { { "h.out", "Script started on x\nabcdef" },
		{ "h.tm",
		    "0.100000 3\n0.1000000000000000000000000000000000"
		    "0000000000 3\n0.100000 3\n" } },
	    .open = { "h.out" },
	    .line_limit = 32,
	    .session_id = "h",
	    .start_ns = UNKNOWN,
	    .duration_ns = 200 * MS,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.date", "x" } },
	    .ev = { OUT(100 * MS, "abc") },
	    .end_st = SR_FAILED,
	    .end_cat = SR_E_LIMIT,
	    .end_member = "h.tm",
	    .end_line = 2,
	},
	{
	    .name = "header longer than the line limit",
	    .files = { { "hh.out",
		"Script started on 2026-11-25 03:37:20"
		"+00:00 [<not executed on terminal>]\n"
		"abc" } },
	    .open = { "hh.out" },
	    .line_limit = 32,
	    .open_st = SR_OK,
	    .session_id = NULL, /* the session fails */
	    .end_st = SR_FAILED,
	    .end_cat = SR_E_LIMIT,
	    .end_member = "hh.out",
	    .end_line = 1,
	},
	{
	    .name = "event limit splits a run",
	    .files = { { "e.out", "Script started on x\nabcdefghij" },
		{ "e.tm", "0.100000 10\n" } },
	    .open = { "e.out" },
	    .event_limit = 4,
	    .session_id = "e",
	    .start_ns = UNKNOWN,
	    .duration_ns = 100 * MS,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.date", "x" } },
	    .ev = { OUT(100 * MS, "abcd"), OUT(100 * MS, "efgh"),
		OUT(100 * MS, "ij") },
	    .end_st = SR_EOF,
	},
	{
	    .name = "header-only log",
	    .files = { { "ho.typescript",
		"Script started on 2026-11-25 03:37:20+00:00 [TERM=\"xterm\" "
		"TTY=\"/dev/pts/1\" COLUMNS=\"80\" LINES=\"24\"]\n" } },
	    .open = { "ho.typescript" },
	    .session_id = "ho",
	    .term = "xterm",
	    .tty = "/dev/pts/1",
	    .rows = 24,
	    .cols = 80,
	    .start_ns = START_0337,
	    .duration_ns = UNKNOWN,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "none" } },
	    .end_st = SR_EOF,
	},
	{
	    .name = "log without a partner",
	    .files = { { "np.log",
		"Script started on 2026-11-25 03:37:20+00:00 [COMMAND=\"true\""
		" <not executed on terminal>]\nhello\r\n\nScript done on "
		"2026-11-25 03:37:22+00:00 [COMMAND_EXIT_CODE=\"1\"]\n" } },
	    .open = { "np.log" },
	    .session_id = "np",
	    .command = "true",
	    .start_ns = START_0337,
	    .duration_ns = 2 * SEC,
	    .exit = 1,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "none" },
		{ "script.terminal", "no" } },
	    .ev = { OUT(0, "hello\r\n"), END(2 * SEC, "1") },
	    .end_st = SR_EOF,
	},
	{
	    /* The values are not escaped: keys are taken from the right. */
	    .name = "command with quotes and key look-alikes",
	    .files = { { "q",
			   "Script started on 2026-11-25 03:37:20+00:00 "
			   "[COMMAND=\"sh -c "
			   "'echo TERM=\"x\" TTY=\"y\" [a] \"z\"'\" "
			   "TERM=\"xterm\" "
			   "TTY=\"/dev/pts/2\" COLUMNS=\"100\" "
			   "LINES=\"30\"]\n" },
		{ "q.timing", "" } },
	    .open = { "q" },
	    .session_id = "q",
	    .command = "sh -c 'echo TERM=\"x\" TTY=\"y\" [a] \"z\"'",
	    .term = "xterm",
	    .tty = "/dev/pts/2",
	    .rows = 30,
	    .cols = 100,
	    .start_ns = START_0337,
	    .duration_ns = UNKNOWN,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "none" } },
	    .end_st = SR_EOF,
	},
	{
	    .name = "older date with AM and UTC",
	    .files = { { "od.out",
		"Script started on Wed 25 Nov 2026 03:37:20 AM UTC\n" } },
	    .open = { "od.out" },
	    .session_id = "od",
	    .start_ns = START_0337,
	    .duration_ns = UNKNOWN,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "none" } },
	    .end_st = SR_EOF,
	},
	{
	    .name = "older date with PM and an offset",
	    .files = { { "op.out",
		"Script started on Wed, 25 Nov 2026 03:37:20 PM +0100\n" } },
	    .open = { "op.out" },
	    .session_id = "op",
	    .start_ns = START_0337 + 11 * 3600 * SEC,
	    .duration_ns = UNKNOWN,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "none" } },
	    .end_st = SR_EOF,
	},
	{
	    /* The C locale's %c has no zone: the time cannot be placed. */
	    .name = "date without a zone",
	    .files = { { "nz.out",
		"Script started on Wed Nov 25 03:37:20 2026\nx" } },
	    .open = { "nz.out" },
	    .session_id = "nz",
	    .start_ns = UNKNOWN,
	    .duration_ns = UNKNOWN,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "none" },
		{ "script.date", "Wed Nov 25 03:37:20 2026" } },
	    .ev = { OUT(0, "x") },
	    .end_st = SR_EOF,
	},
	{
	    .name = "trailer with a message instead of an exit code",
	    .files = { { "m.out",
		"Script started on 2026-11-25 03:37:20+00:00 []\nab\nScript "
		"done on 2026-11-25 03:37:21+00:00 [<max output size "
		"exceeded>]\n" } },
	    .open = { "m.out" },
	    .session_id = "m",
	    .start_ns = START_0337,
	    .duration_ns = SEC,
	    .exit = NO_EXIT,
	    .state = SR_STATE_COMPLETE,
	    .extras = { { "script.timing", "none" },
		{ "script.done", "max output size exceeded" } },
	    .ev = { OUT(0, "ab") },
	    .end_st = SR_EOF,
	},
	{
	    .name = "separate input and output logs",
	    .files = { { "x.out", "Script started on y\nOUT1OUT2" },
		{ "x.in", "Script started on y\nin1\nScript done on y\n" },
		{ "x.tm",
		    "H 0.000000 TIMING_LOG /a/x.tm\n"
		    "H 0.000000 OUTPUT_LOG /a/x.out\n"
		    "H 0.000000 INPUT_LOG /a/x.in\n"
		    "O 0.100000 4\nI 0.100000 3\nO 0.100000 4\n"
		    "H 0.000000 DURATION 0.5\nH 0.000000 EXIT_CODE 2\n" } },
	    .open = { "x.out", "x.in", "x.tm" },
	    .path_suffix = "/x.out",
	    .session_id = "x",
	    .start_ns = UNKNOWN,
	    .duration_ns = 500 * MS,
	    .exit = 2,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "advanced" }, { "script.date", "y" },
		{ "script.timing_log", "/a/x.tm" },
		{ "script.output_log", "/a/x.out" },
		{ "script.input_log", "/a/x.in" } },
	    .ev = { OUT(100 * MS, "OUT1"), IN(200 * MS, "in1"),
		OUT(300 * MS, "OUT2"), END(500 * MS, "2") },
	    .end_st = SR_EOF,
	},
	{
	    /* Partners whose stems differ, linked by H OUTPUT_LOG only. */
	    .name = "different stems",
	    .files = { { "rec.log", "Script started on y\nhi" },
		{ "t.tm",
		    "H 0.000000 OUTPUT_LOG /var/log/rec.log\n"
		    "O 0.250000 2\n" } },
	    .open = { "rec.log", "t.tm" },
	    .path_suffix = "/rec.log",
	    .session_id = "rec",
	    .start_ns = UNKNOWN,
	    .duration_ns = 250 * MS,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "advanced" }, { "script.date", "y" },
		{ "script.output_log", "/var/log/rec.log" } },
	    .ev = { OUT(250 * MS, "hi") },
	    .end_st = SR_EOF,
	},
	{
	    .name = "signals and an unknown entry",
	    .files = { { "s.io", "Script started on y\nabcd" },
		{ "s.tm",
		    "O 0.100000 2\nS 0.100000 SIGTERM\n"
		    "S 0.100000 SIGWINCH ROWS=x\nX 0.100000 1\n"
		    "S 0.100000 SIGWINCH COLS=90 ROWS=20\n"
		    "O 0.100000 2\n" } },
	    .open = { "s.io", "s.tm" },
	    .session_id = "s",
	    .start_ns = UNKNOWN,
	    .duration_ns = 500 * MS,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "advanced" },
		{ "script.date", "y" } },
	    .ev = { OUT(100 * MS, "ab"), MARK(200 * MS, "SIGTERM"),
		MARK(300 * MS, "SIGWINCH ROWS=x"), RESIZE(400 * MS, 20, 90),
		OUT(500 * MS, "cd") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "s.tm",
	    .warn_line = 4,
	},
	{
	    .name = "separate input log missing",
	    .files = { { "mi.io", "Script started on y\nabcd" },
		{ "mi.tm",
		    "H 0.000000 OUTPUT_LOG /a/mi.io\n"
		    "H 0.000000 INPUT_LOG /a/mi.in\n"
		    "O 0.100000 2\nI 0.100000 3\nI 0.100000 3\n"
		    "O 0.100000 2\n" } },
	    .open = { "mi.io" },
	    .session_id = "mi",
	    .start_ns = UNKNOWN,
	    .duration_ns = 400 * MS,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "advanced" }, { "script.date", "y" },
		{ "script.output_log", "/a/mi.io" },
		{ "script.input_log", "/a/mi.in" } },
	    .ev = { OUT(100 * MS, "ab"), OUT(400 * MS, "cd") },
	    .end_st = SR_EOF,
	    .nwarn = 1,
	    .warn_member = "mi.tm",
	    .warn_line = 4,
	},
	{
	    .name = "default names typescript and timing",
	    .files = { { "typescript", "Script started on y\nab" },
		{ "timing", "0.500000 2\n" } },
	    .open = { "typescript", "timing" },
	    .session_id = "typescript",
	    .path_suffix = "/typescript",
	    .start_ns = UNKNOWN,
	    .duration_ns = 500 * MS,
	    .exit = NO_EXIT,
	    .state = SR_STATE_INCOMPLETE,
	    .extras = { { "script.timing", "classic" },
		{ "script.date", "y" } },
	    .ev = { OUT(500 * MS, "ab") },
	    .end_st = SR_EOF,
	},
	{
	    /* Old `script -q` wrote no header: counts start at byte 0. */
	    .name = "log without a header, NAME plus NAME.timing",
	    .files = { { "old", "abcd" }, { "old.timing", "0.5 3\n0.5 1\n" } },
	    .open = { "old", "old.timing" },
	    .session_id = "old",
	    .path_suffix = "/old",
	    .start_ns = UNKNOWN,
	    .duration_ns = SEC,
	    .exit = NO_EXIT,
	    .state = SR_STATE_UNKNOWN,
	    .extras = { { "script.timing", "classic" } },
	    .ev = { OUT(500 * MS, "abc"), OUT(SEC, "d") },
	    .end_st = SR_EOF,
	},
	{
	    .name = "timing file without a log",
	    .files = { { "lone.tm", "0.100000 3\n" } },
	    .open = { "lone.tm" },
	    .open_st = SR_FAILED,
	},
};

/* Diagnostics: counts warnings and keeps the last one. */
struct diag {
	size_t n;
	struct sr_error last;
};

static void
diag_fn(void *arg, int status, const struct sr_error *e)
{
	struct diag *d = arg;

	if (status == SR_WARN) {
		d->n++;
		d->last = *e;
	}
}

/* A copy of an event. */
struct ev_got {
	enum sr_event_type type;
	enum sr_stream_id stream;
	int64_t t_ns;
	unsigned char *data;
	size_t len;
	unsigned rows, cols;
};

struct result {
	int open_st;
	struct sr_error open_err;
	int sess_st;
	struct sr_session *sess;
	struct ev_got ev[64];
	size_t nev;
	int end_st;
	struct sr_error end_err;
	int again_st;
	struct diag diag;
};

static void
result_free(struct result *g)
{
	size_t i;

	sr_session_free(g->sess);
	for (i = 0; i < g->nev; i++)
		free(g->ev[i].data);
	memset(g, 0, sizeof(*g));
}

static void
read_one(struct sr_input *in, struct sr_ctx *ctx, const char *member,
    struct result *g)
{
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_reader *r;
	int st;

	memset(g, 0, sizeof(*g));
	sr_ctx_set_diag(ctx, diag_fn, &g->diag);
	g->open_st = sr_reader_open(ctx, in, member, NULL, &r, &g->open_err);
	if (g->open_st != SR_OK)
		return;
	assert_ptr_equal(sr_reader_format(r), sr_format_find("script"));
	g->sess_st = sr_reader_next_session(r, &s);
	if (g->sess_st == SR_OK || g->sess_st == SR_WARN) {
		g->sess = sr_session_dup(s);
		assert_non_null(g->sess);
		while ((st = sr_reader_next_event(r, &ev)) == SR_OK ||
		    st == SR_WARN) {
			struct ev_got *e = &g->ev[g->nev];

			assert_true(g->nev < nitems(g->ev));
			e->type = ev->type;
			e->stream = ev->stream;
			e->t_ns = ev->t_ns;
			e->len = ev->len;
			e->rows = ev->rows;
			e->cols = ev->cols;
			e->data = malloc(ev->len + 1);
			assert_non_null(e->data);
			if (ev->len > 0)
				memcpy(e->data, ev->data, ev->len);
			e->data[ev->len] = '\0';
			g->nev++;
		}
		g->end_st = st;
	} else
		g->end_st = g->sess_st;
	g->end_err = *sr_reader_error(r);
	g->again_st = sr_reader_next_session(r, &s);
	sr_reader_close(r);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return (a >= b && strcmp(s + a - b, suffix) == 0);
}

static void
check_str(const char *cname, const char *what, const char *got,
    const char *want)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: %s is '%s', want '%s'", cname, what,
		    got ? got : "(null)", want ? want : "(null)");
}

static void
check_session(const struct rcase *c, const char *member, const struct result *g)
{
	const struct sr_session *s = g->sess;
	size_t i, n = 0;

	if (s == NULL)
		fail_msg("%s (%s): no session, status %d", c->name, member,
		    g->sess_st);
	check_str(c->name, "session_id", s->field[SR_F_SESSION_ID],
	    c->session_id);
	check_str(c->name, "command", s->field[SR_F_COMMAND], c->command);
	check_str(c->name, "term", s->field[SR_F_TERM], c->term);
	check_str(c->name, "tty", s->field[SR_F_TTY], c->tty);
	check_str(c->name, "format", s->format, "script");
	if (s->argv != NULL)
		fail_msg("%s: argv set", c->name);
	if (c->path_suffix != NULL && !ends_with(s->path, c->path_suffix))
		fail_msg("%s: path '%s' does not end with '%s'", c->name,
		    s->path, c->path_suffix);
	if (c->start_ns == UNKNOWN
		? (s->have & SR_HAVE_START) != 0
		: (!(s->have & SR_HAVE_START) || s->start_ns != c->start_ns))
		fail_msg("%s: start %lld (have %x), want %lld", c->name,
		    (long long)s->start_ns, s->have, (long long)c->start_ns);
	if (c->duration_ns == UNKNOWN ? (s->have & SR_HAVE_DURATION) != 0
				      : (!(s->have & SR_HAVE_DURATION) ||
					    s->duration_ns != c->duration_ns))
		fail_msg("%s: duration %lld (have %x), want %lld", c->name,
		    (long long)s->duration_ns, s->have,
		    (long long)c->duration_ns);
	if (c->rows == 0 ? (s->have & SR_HAVE_GEOMETRY) != 0
			 : (!(s->have & SR_HAVE_GEOMETRY) ||
			       s->rows != c->rows || s->cols != c->cols))
		fail_msg("%s: geometry %ux%u (have %x), want %ux%u", c->name,
		    s->rows, s->cols, s->have, c->rows, c->cols);
	if (c->exit == NO_EXIT
		? (s->have & SR_HAVE_EXIT) != 0
		: (!(s->have & SR_HAVE_EXIT) || s->exit_status != c->exit))
		fail_msg("%s: exit %d (have %x), want %d", c->name,
		    s->exit_status, s->have, c->exit);
	if (s->state != c->state)
		fail_msg("%s: state %d, want %d", c->name, s->state, c->state);
	while (n < nitems(c->extras) && c->extras[n].key != NULL)
		n++;
	if (s->nextras != n)
		fail_msg("%s: %zu extras, want %zu", c->name, s->nextras, n);
	for (i = 0; i < n; i++) {
		check_str(c->name, "extra key", s->extras[i].key,
		    c->extras[i].key);
		check_str(c->name, c->extras[i].key, s->extras[i].value,
		    c->extras[i].value);
	}
}

static void
check_events(const struct rcase *c, const struct result *g)
{
	size_t i, n = 0;

	while (n < nitems(c->ev) && c->ev[n].type != 0)
		n++;
	for (i = 0; i < n && i < g->nev; i++) {
		const struct ev_want *w = &c->ev[i];
		const struct ev_got *e = &g->ev[i];
		enum sr_stream_id want_stream = SR_STREAM_NONE;

		if (w->type == SR_EV_OUTPUT)
			want_stream = SR_STREAM_TTYOUT;
		else if (w->type == SR_EV_INPUT)
			want_stream = SR_STREAM_TTYIN;
		if (e->type != w->type || e->stream != want_stream)
			fail_msg("%s: event %zu is %s/%s, want %s", c->name, i,
			    sr_event_type_name(e->type),
			    sr_stream_id_name(e->stream),
			    sr_event_type_name(w->type));
		if (e->t_ns != w->t_ns)
			fail_msg("%s: event %zu at %lld, want %lld", c->name, i,
			    (long long)e->t_ns, (long long)w->t_ns);
		if (w->data == NULL) {
			if (e->rows != w->rows || e->cols != w->cols)
				fail_msg("%s: event %zu size %ux%u, want "
					 "%ux%u",
				    c->name, i, e->rows, e->cols, w->rows,
				    w->cols);
		} else if (e->len != strlen(w->data) ||
		    memcmp(e->data, w->data, e->len) != 0)
			fail_msg("%s: event %zu data '%.*s' (%zu bytes), want "
				 "'%s'",
			    c->name, i, (int)e->len, e->data, e->len, w->data);
	}
	if (g->nev != n)
		fail_msg("%s: %zu events, want %zu", c->name, g->nev, n);
	if (g->end_st != c->end_st)
		fail_msg("%s: ended with %d, want %d (%s)", c->name, g->end_st,
		    c->end_st, g->end_err.msg);
	if (c->end_st == SR_FAILED) {
		if (g->end_err.cat != c->end_cat ||
		    g->end_err.loc.line != c->end_line ||
		    !ends_with(g->end_err.loc.member, c->end_member))
			fail_msg("%s: error %s at '%s' line %lld: %s", c->name,
			    sr_errcat_name(g->end_err.cat),
			    g->end_err.loc.member,
			    (long long)g->end_err.loc.line, g->end_err.msg);
	}
	if (g->diag.n != c->nwarn)
		fail_msg("%s: %zu warnings, want %zu (last: %s)", c->name,
		    g->diag.n, c->nwarn, g->diag.last.msg);
	if (c->nwarn > 0 &&
	    (g->diag.last.loc.line != c->warn_line ||
		!ends_with(g->diag.last.loc.member, c->warn_member)))
		fail_msg("%s: warning at '%s' line %lld, want '%s' line %lld",
		    c->name, g->diag.last.loc.member,
		    (long long)g->diag.last.loc.line, c->warn_member,
		    (long long)c->warn_line);
}

/* A temporary directory holding a case's files; "" when none. */
static void
make_files(const struct file_spec *files, size_t n, char *dir, size_t len)
{
	size_t i;
	FILE *f;
	char path[4096];

	dir[0] = '\0';
	if (n == 0 || files[0].name == NULL)
		return;
	(void)snprintf(dir, len, "%s/sr-script-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < n && files[i].name != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		assert_non_null(f = fopen(path, "wb"));
		assert_int_equal(fwrite(files[i].data, 1, strlen(files[i].data),
				     f),
		    strlen(files[i].data));
		assert_int_equal(fclose(f), 0);
	}
}

static void
remove_files(const struct file_spec *files, size_t n, const char *dir)
{
	char path[4096];
	size_t i;

	if (dir[0] == '\0')
		return;
	for (i = 0; i < n && files[i].name != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		(void)unlink(path);
	}
	(void)rmdir(dir);
}

static struct sr_input *
open_input(struct sr_ctx *ctx, const char *dir, const char *tmpdir)
{
	struct sr_input *in;
	struct sr_error err;
	const char *path = dir != NULL ? unit_srcpath(dir) : tmpdir;

	if (sr_input_open(ctx, path, &in, &err) != SR_OK)
		fail_msg("cannot open '%s': %s", path, err.msg);
	return (in);
}

static void
test_read(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < nitems(rcases); i++) {
		const struct rcase *c = &rcases[i];
		struct sr_ctx *ctx;
		struct sr_input *in;
		struct result g;
		char dir[4096];

		assert_non_null(ctx = sr_ctx_new());
		if (c->line_limit != 0)
			sr_ctx_set_limit(ctx, SR_LIMIT_LINE, c->line_limit);
		if (c->event_limit != 0)
			sr_ctx_set_limit(ctx, SR_LIMIT_EVENT, c->event_limit);
		make_files(c->files, nitems(c->files), dir, sizeof(dir));
		in = open_input(ctx, c->dir, dir);
		for (j = 0; j < nitems(c->open) && c->open[j] != NULL; j++) {
			read_one(in, ctx, c->open[j], &g);
			if (g.open_st != c->open_st)
				fail_msg("%s (%s): open gave %d, want %d: %s",
				    c->name, c->open[j], g.open_st, c->open_st,
				    g.open_err.msg);
			if (c->open_st != SR_OK) {
				if (g.open_err.cat != SR_E_FORMAT)
					fail_msg("%s: open error %s", c->name,
					    sr_errcat_name(g.open_err.cat));
				result_free(&g);
				continue;
			}
			if (c->session_id != NULL)
				check_session(c, c->open[j], &g);
			else if (g.sess != NULL)
				fail_msg("%s: a session, want none", c->name);
			check_events(c, &g);
			if (g.again_st != SR_EOF)
				fail_msg("%s: second session %d, want EOF",
				    c->name, g.again_st);
			result_free(&g);
		}
		sr_input_close(in);
		remove_files(c->files, nitems(c->files), dir);
		sr_ctx_free(ctx);
	}
}

/*
 * Probing: what each member bids.  A header with a partner and a timing
 * file with a log are certain; a lone typescript nearly so; names alone
 * and lone timing files are nothing.
 */
static const struct pcase {
	const char *name;
	const char *dir;
	struct file_spec files[3];
	const char *member;
	const char *want; /* format name, NULL for none */
	int bid;
} pcases[] = {
	{ "classic log", DATA, { { NULL, NULL } }, "samples/script-classic.out",
	    "script", 100 },
	{ "classic timing", DATA, { { NULL, NULL } },
	    "samples/script-classic.tm", "script", 100 },
	{ "advanced log", DATA, { { NULL, NULL } }, "samples/script-adv.io",
	    "script", 100 },
	{ "advanced timing", DATA, { { NULL, NULL } }, "samples/script-adv.tm",
	    "script", 100 },
	{ "probe typescript", DATA, { { NULL, NULL } },
	    "samples/inject-probe.typescript", "script", 100 },
	{ "probe timing", DATA, { { NULL, NULL } },
	    "samples/inject-probe.timing", "script", 100 },
	{ "real typescript alone", DATA, { { NULL, NULL } },
	    "typescript-only.out", "script", 90 },
	{ "lone timing", NULL, { { "a.tm", "0.100000 3\n" } }, "a.tm", NULL,
	    0 },
	{ "headerless log", NULL,
	    { { "b", "abc" }, { "b.tm", "0.100000 3\n" } }, "b", "script", 40 },
	{ "stranger", NULL, { { "f.txt", "hello\n" } }, "f.txt", NULL, 0 },
	{ "timing-named stranger", NULL,
	    { { "g.tm", "hello\n" }, { "g", "Script started on x\n" } }, "g.tm",
	    NULL, 0 },
	{ "timing of a headerless log", NULL,
	    { { "b", "abc" }, { "b.tm", "0.100000 3\n" } }, "b.tm", "script",
	    80 },
	{ "damaged timing", NULL,
	    { { "c.out", "Script started on x\nabc" },
		{ "c.tm", "0.100000 3\njunk\n" } },
	    "c.tm", "script", 80 },
	{ "log whose timing has a garbage line", NULL,
	    { { "c.out", "Script started on x\nabc" },
		{ "c.tm", "0.100000 3\njunk\n" } },
	    "c.out", "script", 100 },
	{ "mixed classic and advanced lines", NULL,
	    { { "d.out", "Script started on x\nabc" },
		{ "d.tm", "0.100000 3\nO 0.100000 3\n" } },
	    "d.tm", "script", 80 },
	{ "empty file", NULL, { { "e.tm", "" }, { "e", "" } }, "e.tm", NULL,
	    0 },
};

static void
test_probe(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(pcases); i++) {
		const struct pcase *c = &pcases[i];
		const struct sr_format *f;
		struct sr_ctx *ctx;
		struct sr_input *in;
		char dir[4096];
		int bid;

		assert_non_null(ctx = sr_ctx_new());
		make_files(c->files, nitems(c->files), dir, sizeof(dir));
		in = open_input(ctx, c->dir, dir);
		f = sr_probe_member(in, c->member, &bid);
		if (c->want == NULL
			? f != NULL && f == sr_format_find("script")
			: f != sr_format_find(c->want) || bid != c->bid)
			fail_msg("%s: %s bid %d, want %s %d", c->name,
			    sr_format_name(f), bid, c->want ? c->want : "none",
			    c->bid);
		sr_input_close(in);
		remove_files(c->files, nitems(c->files), dir);
		sr_ctx_free(ctx);
	}
}

/*
 * Containers: one found entry per recording, rooted at the log, with its
 * timing file (and a separate input log) as partners.
 */
static const struct ccase {
	const char *name;
	struct file_spec files[5];
	size_t nfound;
	const char *root[3];
	const char *partners[3][4];
} ccases[] = {
	{ "timing sorts first",
	    { { "a.timing", "0.1 1\n" },
		{ "a.typescript",
		    "Script started "
		    "on x\na" } },
	    1, { "a.typescript" }, { { "a.timing", "a.typescript" } } },
	{ "three files",
	    { { "x.in", "Script started on y\nin" },
		{ "x.out", "Script started on y\nout" },
		{ "x.tm",
		    "H 0.000000 OUTPUT_LOG x.out\n"
		    "H 0.000000 INPUT_LOG x.in\nI 0.1 2\nO 0.1 3\n" } },
	    1, { "x.out" }, { { "x.tm", "x.in", "x.out" } } },
	{ "two recordings and a stranger",
	    { { "one.out", "Script started on y\n1" }, { "one.tm", "0.1 1\n" },
		{ "other.txt", "hello\n" },
		{ "two.log", "Script started on y\n2" },
		{ "zz.tm", "H 0.000000 OUTPUT_LOG /v/two.log\nO 0.1 1\n" } },
	    2, { "one.out", "two.log" }, { { "one.tm" }, { "zz.tm" } } },
};

static void
test_container(void **state)
{
	size_t i, j, k;

	(void)state;
	for (i = 0; i < nitems(ccases); i++) {
		const struct ccase *c = &ccases[i];
		struct sr_found *found;
		struct sr_error err;
		struct sr_ctx *ctx;
		struct sr_input *in;
		char dir[4096];
		size_t n;

		assert_non_null(ctx = sr_ctx_new());
		make_files(c->files, nitems(c->files), dir, sizeof(dir));
		in = open_input(ctx, NULL, dir);
		assert_int_equal(sr_probe_container(in, 0, &found, &n, &err),
		    SR_OK);
		if (n != c->nfound)
			fail_msg("%s: %zu found, want %zu", c->name, n,
			    c->nfound);
		for (j = 0; j < n; j++) {
			if (found[j].fmt != sr_format_find("script"))
				fail_msg("%s: found %zu is %s", c->name, j,
				    sr_format_name(found[j].fmt));
			check_str(c->name, "root", found[j].member, c->root[j]);
			for (k = 0; k < 4; k++)
				check_str(c->name, "partner",
				    found[j].partners[k], c->partners[j][k]);
		}
		sr_found_free_all(found, n);
		sr_input_close(in);
		remove_files(c->files, nitems(c->files), dir);
		sr_ctx_free(ctx);
	}
}

static int
timing_like(const char *name)
{
	return (ends_with(name, ".tm") || ends_with(name, ".timing") ||
	    ends_with(name, "/timing") || strcmp(name, "timing") == 0);
}

/*
 * The fixtures directory holds the samples and the real-tool fixtures
 * of another generator run: every member belongs to exactly one found
 * recording, each timing file is a partner, never a root.
 */
static void
test_container_fixtures(void **state)
{
	static const char *const roots[] = { "samples/script-classic.out",
		"samples/script-adv.io", "samples/inject-probe.typescript",
		"script-classic.out", "script-adv.io", "session.typescript",
		"typescript-only.out", "compressed/script-classic.out.gz",
		"compressed/inject-probe.typescript.gz" };
	struct sr_found *found;
	struct sr_error err;
	struct sr_ctx *ctx;
	struct sr_input *in;
	size_t i, j, k, n, nm, *seen;

	(void)state;
	assert_non_null(ctx = sr_ctx_new());
	in = open_input(ctx, DATA, NULL);
	assert_int_equal(sr_probe_container(in, 0, &found, &n, &err), SR_OK);
	nm = sr_input_nmembers(in);
	assert_non_null(seen = calloc(nm, sizeof(*seen)));
	for (i = 0; i < n; i++) {
		const char *names[5];

		names[0] = found[i].member;
		for (j = 0; j < 4; j++)
			names[j + 1] = found[i].partners[j];
		if (found[i].fmt != sr_format_find("script"))
			fail_msg("'%s' found as %s", found[i].member,
			    sr_format_name(found[i].fmt));
		if (timing_like(found[i].member))
			fail_msg("timing file '%s' is a root", found[i].member);
		for (j = 0; j < 5 && names[j] != NULL; j++) {
			for (k = 0; k < nm; k++)
				if (strcmp(sr_input_member(in, k)->name,
					names[j]) == 0)
					break;
			if (k == nm)
				fail_msg("'%s' is not a member", names[j]);
			/* The root may repeat among its own partners. */
			if (j > 0 && strcmp(names[j], names[0]) == 0)
				continue;
			if (seen[k]++ != 0)
				fail_msg("'%s' belongs to two recordings",
				    names[j]);
		}
	}
	for (k = 0; k < nm; k++)
		if (seen[k] == 0 &&
		    strncmp(sr_basename(sr_input_member(in, k)->name), "README",
			6) != 0)
			fail_msg("'%s' was not found",
			    sr_input_member(in, k)->name);
	for (i = 0; i < nitems(roots); i++) {
		for (j = 0; j < n; j++)
			if (strcmp(found[j].member, roots[i]) == 0)
				break;
		if (j == n)
			fail_msg("'%s' not found as a root", roots[i]);
	}
	free(seen);
	sr_found_free_all(found, n);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/*
 * The real-tool fixtures change with every generator run, so rather than
 * exact values: every body byte comes out once and in order, the end
 * event carries the trailer's exit code, and nothing is warned about.
 */
static const struct fcase {
	const char *dir;
	const char *member;
	const char *timing; /* "none", "classic", "advanced" */
	size_t nwarn;
} fcases[] = {
	{ DATA, "script-classic.out", "classic", 0 },
	{ DATA, "script-adv.io", "advanced", 0 },
	{ DATA, "script-adv.tm", "advanced", 0 },
	{ DATA, "session.typescript", "classic", 0 },
	{ DATA, "typescript-only.out", "none", 0 },
	{ "tests/data/bad", "script-garbage-line.out", "classic", 1 },
};

/* The log's body and its trailer's exit code, read with stdio. */
static char *
read_body(const char *path, size_t *len, char *exit_code, size_t elen)
{
	static char buf[1 << 20];
	const char *p, *q, *e;
	size_t n, s;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open '%s': %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	(void)fclose(f);
	buf[n] = '\0';
	p = memchr(buf, '\n', n);
	assert_non_null(p);
	s = (size_t)(p + 1 - buf);
	q = strstr(p, "\nScript done on ");
	assert_non_null(q);
	*len = (size_t)(q - buf) - s;
	e = strstr(q, "COMMAND_EXIT_CODE=\"");
	assert_non_null(e);
	e += 19;
	(void)snprintf(exit_code, elen, "%.*s", (int)strcspn(e, "\""), e);
	return (buf + s);
}

static void
test_fixtures(void **state)
{
	size_t i, j, blen, off;
	char path[4096], code[32];
	const char *body;

	(void)state;
	for (i = 0; i < nitems(fcases); i++) {
		const struct fcase *c = &fcases[i];
		struct sr_ctx *ctx;
		struct sr_input *in;
		struct result g;
		const char *log;

		assert_non_null(ctx = sr_ctx_new());
		in = open_input(ctx, c->dir, NULL);
		read_one(in, ctx, c->member, &g);
		if (g.open_st != SR_OK || g.sess == NULL)
			fail_msg("%s: cannot read: %s", c->member,
			    g.open_err.msg);
		log = strrchr(g.sess->path, '/') + 1;
		(void)snprintf(path, sizeof(path), "%s", unit_srcpath(c->dir));
		(void)snprintf(path + strlen(path), sizeof(path) - strlen(path),
		    "/%s", log);
		body = read_body(path, &blen, code, sizeof(code));
		off = 0;
		for (j = 0; j < g.nev; j++) {
			const struct ev_got *e = &g.ev[j];

			if (e->type != SR_EV_OUTPUT && e->type != SR_EV_INPUT)
				continue;
			if (off + e->len > blen ||
			    memcmp(body + off, e->data, e->len) != 0)
				fail_msg("%s: event %zu is not body bytes "
					 "%zu..%zu",
				    c->member, j, off, off + e->len);
			off += e->len;
		}
		if (off != blen)
			fail_msg("%s: events hold %zu bytes, body %zu",
			    c->member, off, blen);
		if (g.nev == 0 || g.ev[g.nev - 1].type != SR_EV_END ||
		    strcmp((char *)g.ev[g.nev - 1].data, code) != 0)
			fail_msg("%s: no end event with exit code %s",
			    c->member, code);
		check_str(c->member, "script.timing",
		    sr_session_extra(g.sess, "script.timing"), c->timing);
		if (g.sess->state != SR_STATE_COMPLETE ||
		    !(g.sess->have & SR_HAVE_START))
			fail_msg("%s: state %d, have %x", c->member,
			    g.sess->state, g.sess->have);
		if (g.diag.n != c->nwarn || g.end_st != SR_EOF)
			fail_msg("%s: %zu warnings, end %d", c->member,
			    g.diag.n, g.end_st);
		result_free(&g);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_container_fixtures),
		cmocka_unit_test(test_fixtures),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
