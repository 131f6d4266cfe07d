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
 * Command extraction: real recordings with typed input (tlog --log-input,
 * asciinema --stdin, script -B, sessrec record -i, sudo log_input) and
 * with shell-integration marks, each with the exact commands and sources
 * expected; then synthetic event streams for each rule (OSC 133 forms,
 * line editing keys, masked and unechoed input, full-screen programs,
 * bracketed paste, ordering of echo and Enter, metadata quoting).
 */
#include "unit.h"

#define MAXCMD 16

struct got {
	size_t n;
	char text[MAXCMD][256];
	enum sr_command_source src[MAXCMD];
	int64_t t[MAXCMD];
	int stop_at; /* return 1 from this callback (1-based), 0 never */
};

static int
collect(void *arg, const char *cmd, size_t len, int64_t t_ns,
    enum sr_command_source src)
{
	struct got *g = arg;

	if (g->n < MAXCMD) {
		snprintf(g->text[g->n], sizeof(g->text[0]), "%.*s", (int)len,
		    cmd);
		g->src[g->n] = src;
		g->t[g->n] = t_ns;
	}
	g->n++;
	return (g->stop_at != 0 && (int)g->n == g->stop_at ? 42 : 0);
}

struct want {
	enum sr_command_source src;
	const char *text;
};

#define M  SR_CMDSRC_META
#define O  SR_CMDSRC_OSC133
#define IN SR_CMDSRC_INPUT
#define E  SR_CMDSRC_ECHO

static void
check(const struct got *g, const struct want *w, const char *name)
{
	size_t n = 0, i;

	while (n < MAXCMD && w[n].text != NULL)
		n++;
	for (i = 0; i < g->n && i < MAXCMD; i++)
		printf("#   %s: %d [%s]\n", name, g->src[i], g->text[i]);
	if (g->n != n)
		fail_msg("%s: %zu commands, want %zu", name, g->n, n);
	for (i = 0; i < n; i++) {
		if (g->src[i] != w[i].src || strcmp(g->text[i], w[i].text) != 0)
			fail_msg("%s: command %zu: %d '%s', want %d '%s'", name,
			    i, g->src[i], g->text[i], w[i].src, w[i].text);
		if (i > 0 && g->t[i] < g->t[i - 1])
			fail_msg("%s: command %zu goes back in time", name, i);
	}
}

/* Real recordings. */

#define EDIT                                                                   \
	{ IN, "echo hello world" }, { IN, "echo after-ctrl-u" },               \
	    { IN, "echo one two four" }, { IN, "echo first" },                 \
	    { E, "echo first" }, { E, "echo tabbed" }, { IN, "read -s pw" },   \
	    { IN, "echo done" }, { IN, "exit" },                               \
	{                                                                      \
		0, NULL                                                        \
	}
#define EDIT_META                                                              \
	"env 'PS1=$ ' HISTFILE=/dev/null INPUTRC=/dev/null bash "              \
	"--norc --noprofile"

static const struct rec_case {
	const char *path;
	const char *member; /* the recording to pick; NULL: the first */
	struct want want[MAXCMD];
} rec_cases[] = {
	{ "tests/data/tlog/multi-msg.json", NULL,
	    { { IN, "ls --color=always /; echo step-1-done" },
		{ IN,
		    "printf 'caf\\303\\251 bin:\\377\\376 tab:\\there\\n'; "
		    "tput cols; seq 1 40" },
		{ IN, "exit" } } },
	/* The "s3cr3t" typed at "read -s" never showed: dropped. */
	{ "tests/data/asciicast/v2-input-password.cast", NULL,
	    { { IN, "echo typed-input" },
		{ IN, "printf 'pw: '; read -s x; echo; echo got-${#x}-chars" },
		{ IN, "tput cols" }, { IN, "exit" } } },
	{ "tests/data/asciicast/v2-stdin.cast", NULL,
	    { { IN, "echo typed-text" },
		{ IN, "printf '\\033[33myellow\\033[0m\\n'" },
		{ IN, "exit" } } },
	{ "tests/data/sudo/tree/00/00/01", NULL,
	    { { M,
		  "sh -c 'id -un; printf \"\\033[1;32mgreen\\033[0m and "
		  "\\033[1;31mred\\033[0m\\n\"; printf \"type a line: \"; "
		  "read -r line; echo \"got: $line\"'" },
		{ IN, "typed input 123" } } },
	/* Made by a generator: "ls -l" is typed but never echoed. */
	{ "tests/data/native/small.srec", NULL, { { M, "bash -l" } } },
	{ "tests/data/secrets/cmd-edit.tlog.json", "cmd-edit.tlog.json",
	    { EDIT } },
	{ "tests/data/secrets/cmd-edit.cast", "cmd-edit.cast", { EDIT } },
	{ "tests/data/secrets/cmd-edit.script.io", "cmd-edit.script.io",
	    { { M,
		  "env PS1='$ ' HISTFILE=/dev/null INPUTRC=/dev/null bash "
		  "--norc --noprofile" },
		EDIT } },
	{ "tests/data/secrets/cmd-edit.srec", "cmd-edit.srec",
	    { { M, EDIT_META }, EDIT } },
	/* No input recorded: the marks alone; a wrapped long line. */
	{ "tests/data/secrets/cmd-osc133.tlog.json", "cmd-osc133.tlog.json",
	    { { O, "cd /tmp" }, { O, "echo osc one" }, { O, "ls /nonexistent" },
		{ O,
		    "echo "
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
		{ O, "exit" } } },
};

static void
test_recordings(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_input *in;
	struct sr_reader *r;
	struct sr_found *fd;
	struct sr_error err;
	struct sr_cmdex *x;
	const struct sr_session *s;
	const struct sr_event *ev;
	struct got g;
	size_t i, j, k, nf;
	int st, q;

	(void)state;
	assert_non_null(ctx);
	for (i = 0; i < nitems(rec_cases); i++) {
		const struct rec_case *c = &rec_cases[i];

		memset(&g, 0, sizeof(g));
		if (sr_input_open_flags(ctx, unit_srcpath(c->path),
			SR_INPUT_PARTNERS, &in, &err) != SR_OK)
			fail_msg("%s: %s", c->path, err.msg);
		if (sr_probe_container(in, 0, &fd, &nf, &err) != SR_OK ||
		    nf == 0)
			fail_msg("%s: no recording found", c->path);
		k = 0;
		for (j = 0; c->member != NULL && j < nf; j++) {
			if (strcmp(fd[j].member, c->member) == 0)
				k = j;
			for (q = 0; fd[j].partners[q] != NULL; q++)
				if (strcmp(fd[j].partners[q], c->member) == 0)
					k = j;
		}
		if (sr_reader_open(ctx, in, fd[k].member, fd[k].fmt, &r,
			&err) != SR_OK)
			fail_msg("%s: %s", c->path, err.msg);
		x = sr_cmdex_new(collect, &g);
		assert_non_null(x);
		while ((st = sr_reader_next_session(r, &s)) != SR_EOF) {
			if (st == SR_FATAL)
				fail_msg("%s: %s", c->path,
				    sr_reader_error(r)->msg);
			assert_int_equal(sr_cmdex_session(x, s), 0);
			while (sr_reader_next_event(r, &ev) == SR_OK)
				assert_int_equal(sr_cmdex_event(x, ev), 0);
			assert_int_equal(sr_cmdex_flush(x), 0);
		}
		check(&g, c->want, c->path);
		sr_cmdex_free(x);
		sr_reader_close(r);
		sr_found_free_all(fd, nf);
		sr_input_close(in);
	}
	sr_ctx_free(ctx);
}

/* Synthetic streams: o = output, i = tty input, m = masked input,
 * s = stdin (piped). */
struct ev {
	char kind;
	const char *data;
};

static const struct stream_case {
	const char *name;
	struct ev ev[12];
	struct want want[6];
} stream_cases[] = {
	{ "osc133 bel and st",
	    { { 'o', "\033]133;A\a$ \033]133;B\aecho hi\r\n\033]133;C\033\\" },
		{ 'o', "hi\r\n\033]133;D;0\a" } },
	    { { O, "echo hi" } } },
	{ "osc133 split across events",
	    { { 'o', "\033]1" }, { 'o', "33;A\a$ \033]133;" },
		{ 'o', "B\033\\ls -" }, { 'o', "l\r\n\033" },
		{ 'o', "]133;C\a" } },
	    { { O, "ls -l" } } },
	{ "osc133 empty prompt and D without C",
	    { { 'o', "\033]133;A\a$ \033]133;B\a\r\n\033]133;D\a" },
		{ 'o', "\033]133;A\a$ \033]133;B\a\r\n\033]133;A\a" } },
	    { { 0, NULL } } },
	{ "osc133 wins over input",
	    { { 'o', "\033]133;A\a$ \033]133;B\a" }, { 'i', "whoami" },
		{ 'o', "whoami" }, { 'i', "\r" },
		{ 'o', "\r\n\033]133;C\aroot\r\n" } },
	    { { O, "whoami" } } },
	{ "osc133 readline redraw",
	    { { 'o', "\033]133;B\aecho ab\b\b\033[Kxy\r\n\033]133;C\a" } },
	    { { O, "echo xy" } } },
	{ "backspace and del",
	    { { 'o', "$ " }, { 'i', "lx\x7fs -k\b" }, { 'i', "l" },
		{ 'o', "ls -l" }, { 'i', "\r" }, { 'o', "\r\ntotal 0\r\n$ " } },
	    { { IN, "ls -l" } } },
	{ "ctrl-u ctrl-w ctrl-c",
	    { { 'o', "$ " }, { 'i', "rm -rf /\x15" }, { 'i', "echo a b c\x17" },
		{ 'i', "d\r" }, { 'o', "echo a b d\r\na b d\r\n$ " },
		{ 'i', "reboot\x03" }, { 'o', "reboot^C\r\n$ " },
		{ 'i', "id\r" }, { 'o', "id\r\nuid=0\r\n" } },
	    { { IN, "echo a b d" }, { IN, "id" } } },
	{ "utf-8 backspace",
	    { { 'o', "$ " },
		{ 'i',
		    "echo caf\xc3\xa9\x7f"
		    "e\r" },
		{ 'o', "echo cafe\r\ncafe\r\n" } },
	    { { IN, "echo cafe" } } },
	{ "masked input",
	    { { 'o', "$ " }, { 'i', "sudo id\r" },
		{ 'o', "sudo id\r\n[sudo] password for me: " }, { 'm', "" },
		{ 'o', "\r\nuid=0(root)\r\n$ " }, { 'i', "ls\r" },
		{ 'o', "ls\r\n" } },
	    { { IN, "sudo id" }, { IN, "ls" } } },
	{ "password prompt, echoed anyway",
	    { { 'o', "Enter passphrase for key: " }, { 'i', "hunter2\r" },
		{ 'o', "hunter2\r\n" } },
	    { { 0, NULL } } },
	{ "not echoed",
	    { { 'o', "pw: " }, { 'i', "s3cr3t\r" }, { 'o', "\r\n" } },
	    { { 0, NULL } } },
	{ "history up: the echo",
	    { { 'o', "$ " }, { 'i', "\033[A" }, { 'o', "echo prev" },
		{ 'i', "\r" }, { 'o', "\r\nprev\r\n$ " } },
	    { { E, "echo prev" } } },
	{ "tab completion: the echo",
	    { { 'o', "$ " }, { 'i', "sys\t" }, { 'o', "sys\atemctl " },
		{ 'i', "status\r" }, { 'o', "status\r\n" } },
	    { { E, "systemctl status" } } },
	{ "full-screen program",
	    { { 'o', "$ " }, { 'i', "vi x\r" }, { 'o', "vi x\r\n\033[?1049h" },
		{ 'i', "ihello\r\033:wq\r" }, { 'o', "\033[?1049l$ " },
		{ 'i', "ls\r" }, { 'o', "ls\r\n" } },
	    { { IN, "vi x" }, { IN, "ls" } } },
	{ "piped stdin is not typing",
	    { { 's', "rm -rf /\n" }, { 'o', "rm -rf /\r\n" } },
	    { { 0, NULL } } },
	{ "bracketed paste",
	    { { 'o', "$ " }, { 'i', "\033[200~echo pasted\033[201~" },
		{ 'o', "echo pasted" }, { 'i', "\r" },
		{ 'o', "\r\npasted\r\n" } },
	    { { IN, "echo pasted" } } },
	{ "echo after enter in one event",
	    { { 'o', "$ " }, { 'i', "uptime\r" },
		{ 'o', "uptime\r\n 10:00 up\r\n" } },
	    { { IN, "uptime" } } },
	{ "output line ended before the enter event",
	    { { 'o', "$ " }, { 'i', "date" }, { 'o', "date" },
		{ 'o', "\r\nWed Nov 25\r\n$ " }, { 'i', "\r" } },
	    { { IN, "date" } } },
	{ "typed, never entered: flushed",
	    { { 'o', "$ " }, { 'i', "shutdown -h" }, { 'o', "shutdown -h" } },
	    { { IN, "shutdown -h" } } },
	{ "typeahead: two lines in one event",
	    { { 'o', "$ " }, { 'i', "a1\rb2\r" }, { 'o', "a1\r\n$ b2\r\n" } },
	    { { IN, "a1" }, { IN, "b2" } } },
	{ "only output", { { 'o', "$ ls\r\nfoo\r\n" } }, { { 0, NULL } } },
	{ "hostile: huge CSI and unterminated OSC",
	    { { 'o', "\033[99999999999C\033[99999@\033[999999P\r$ " },
		{ 'i', "x\r" }, { 'o', "x\r\n\033]133;B" } },
	    { { IN, "x" } } },
};

static void
feed_stream(struct sr_cmdex *x, const struct ev *e, size_t n)
{
	struct sr_event ev;
	size_t i;

	for (i = 0; i < n && e[i].kind != 0; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.t_ns = (int64_t)(i + 1) * 1000;
		ev.data = (const unsigned char *)e[i].data;
		ev.len = strlen(e[i].data);
		switch (e[i].kind) {
		case 'o':
			ev.type = SR_EV_OUTPUT;
			ev.stream = SR_STREAM_TTYOUT;
			break;
		case 'm':
			ev.flags = SR_EVF_MASKED;
			/* FALLTHROUGH */
		case 'i':
			ev.type = SR_EV_INPUT;
			ev.stream = SR_STREAM_TTYIN;
			break;
		case 's':
			ev.type = SR_EV_INPUT;
			ev.stream = SR_STREAM_STDIN;
			break;
		}
		assert_int_equal(sr_cmdex_event(x, &ev), 0);
	}
}

static void
test_streams(void **state)
{
	struct sr_cmdex *x;
	struct got g;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(stream_cases); i++) {
		const struct stream_case *c = &stream_cases[i];

		memset(&g, 0, sizeof(g));
		x = sr_cmdex_new(collect, &g);
		assert_non_null(x);
		assert_int_equal(sr_cmdex_session(x, NULL), 0);
		feed_stream(x, c->ev, nitems(c->ev));
		assert_int_equal(sr_cmdex_flush(x), 0);
		check(&g, c->want, c->name);
		sr_cmdex_free(x);
	}
}

/* A new session forgets the last one's state. */
static void
test_session_reset(void **state)
{
	static const struct ev a[] = { { 'o', "\033[?1049h$ " },
		{ 'i', "half" } };
	static const struct ev b[] = { { 'o', "$ " }, { 'i', "ls\r" },
		{ 'o', "ls\r\n" } };
	static const struct want w[] = { { IN, "ls" }, { 0, NULL } };
	struct sr_cmdex *x;
	struct got g;

	(void)state;
	memset(&g, 0, sizeof(g));
	x = sr_cmdex_new(collect, &g);
	assert_non_null(x);
	sr_cmdex_session(x, NULL);
	feed_stream(x, a, nitems(a));
	sr_cmdex_session(x, NULL);
	feed_stream(x, b, nitems(b));
	sr_cmdex_flush(x);
	check(&g, w, "reset");
	sr_cmdex_free(x);
}

static const struct meta_case {
	const char *const argv[5];
	const char *command;
	const char *want; /* NULL: no command */
} meta_cases[] = {
	{ { "sh", "-c", "echo 'a b'", NULL }, NULL,
	    "sh -c 'echo '\\''a b'\\'''" },
	{ { "ls", "-l", "/tmp/x_y.z", NULL }, "/bin/ls", "ls -l /tmp/x_y.z" },
	{ { "printf", "", NULL }, NULL, "printf ''" },
	{ { NULL }, "/usr/bin/id -u", "/usr/bin/id -u" },
	{ { NULL }, NULL, NULL },
};

static void
test_meta(void **state)
{
	struct sr_session s;
	struct sr_cmdex *x;
	struct got g;
	size_t i, n;

	(void)state;
	for (i = 0; i < nitems(meta_cases); i++) {
		const struct meta_case *c = &meta_cases[i];

		sr_session_init(&s, 65536);
		for (n = 0; c->argv[n] != NULL; n++)
			;
		if (n > 0)
			assert_int_equal(sr_session_set_argv(&s, c->argv, n),
			    SR_OK);
		if (c->command != NULL)
			assert_int_equal(sr_session_set_str(&s, SR_F_COMMAND,
					     c->command),
			    SR_OK);
		memset(&g, 0, sizeof(g));
		x = sr_cmdex_new(collect, &g);
		assert_non_null(x);
		assert_int_equal(sr_cmdex_session(x, &s), 0);
		if (c->want == NULL ? g.n != 0
				    : g.n != 1 || g.src[0] != M ||
			    strcmp(g.text[0], c->want) != 0 || g.t[0] != 0)
			fail_msg("meta case %zu: %zu '%s'", i, g.n, g.text[0]);
		sr_cmdex_free(x);
		sr_session_release(&s);
	}
}

/* A callback's non-zero result stops the feed and comes back. */
static void
test_callback_stop(void **state)
{
	static const struct ev e[] = { { 'o', "$ " }, { 'i', "a\r" },
		{ 'o', "a\r\n$ " }, { 'i', "b\r" }, { 'o', "b\r\n" } };
	struct sr_event ev;
	struct sr_cmdex *x;
	struct got g;
	size_t i;
	int rc = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.stop_at = 1;
	x = sr_cmdex_new(collect, &g);
	assert_non_null(x);
	sr_cmdex_session(x, NULL);
	for (i = 0; i < nitems(e) && rc == 0; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = e[i].kind == 'o' ? SR_EV_OUTPUT : SR_EV_INPUT;
		ev.stream =
		    e[i].kind == 'o' ? SR_STREAM_TTYOUT : SR_STREAM_TTYIN;
		ev.data = (const unsigned char *)e[i].data;
		ev.len = strlen(e[i].data);
		rc = sr_cmdex_event(x, &ev);
	}
	assert_int_equal(rc, 42);
	assert_int_equal(i, 3); /* the echo of "a" ended its line */
	sr_cmdex_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recordings),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_session_reset),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_callback_stop),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
