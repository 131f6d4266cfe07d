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
 * Tests of the asciicast reader: the real samples (exact metadata and
 * event sequences), real-tool fixtures, hand-made good, truncated,
 * oversized and hostile inputs, and probing.
 */
#include <string.h>

#include "unit.h"

#define SEC SR_NSEC_PER_SEC
#define MS  SR_NSEC_PER_MSEC
#define US  SR_NSEC_PER_USEC

/* Diagnostics collected from the context. */
struct diag {
	int n;
	int64_t first_line;
	int64_t first_offset;
	char first_msg[SR_ERROR_MSG_MAX];
};

static void
diag_fn(void *arg, int status, const struct sr_error *e)
{
	struct diag *d = arg;

	(void)status;
	if (d->n++ == 0) {
		d->first_line = e->loc.line;
		d->first_offset = e->loc.offset;
		(void)snprintf(d->first_msg, sizeof(d->first_msg), "%s",
		    e->msg);
	}
}

struct want_ev {
	enum sr_event_type type;
	enum sr_stream_id stream;
	int64_t t_ns;
	const char *data;
	size_t len;
	unsigned cols, rows;
	int64_t line; /* 0: not checked */
};

#define O(t, s)                                                                \
	{                                                                      \
		SR_EV_OUTPUT, SR_STREAM_TTYOUT, (t), s, sizeof(s) - 1, 0, 0, 0 \
	}
#define OL(t, s, l)                                                            \
	{                                                                      \
		SR_EV_OUTPUT, SR_STREAM_TTYOUT, (t), s, sizeof(s) - 1, 0, 0,   \
		    (l)                                                        \
	}
#define I(t, s)                                                                \
	{                                                                      \
		SR_EV_INPUT, SR_STREAM_TTYIN, (t), s, sizeof(s) - 1, 0, 0, 0   \
	}
#define M(t, s)                                                                \
	{                                                                      \
		SR_EV_MARKER, SR_STREAM_NONE, (t), s, sizeof(s) - 1, 0, 0, 0   \
	}
#define R(t, c, r)                                                             \
	{                                                                      \
		SR_EV_RESIZE, SR_STREAM_NONE, (t), NULL, 0, (c), (r), 0        \
	}
#define X(t, s)                                                                \
	{                                                                      \
		SR_EV_END, SR_STREAM_NONE, (t), s, sizeof(s) - 1, 0, 0, 0      \
	}

struct kv {
	const char *key;
	const char *value;
};

/* Expected session; NULL strings must be absent. */
struct want_session {
	const char *id;
	const char *term;
	const char *actor;
	const char *command;
	unsigned have;
	int64_t start_ns;
	int64_t duration_ns;
	unsigned cols, rows;
	int exit_status;
	enum sr_state state;
	const struct kv *extras;
	size_t nextras;
};

static void
check_str(const char *name, const char *what, const char *got, const char *want)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: %s: got '%s', want '%s'", name, what,
		    got ? got : "(null)", want ? want : "(null)");
}

static void
check_session(const char *name, const struct sr_session *s,
    const struct want_session *w)
{
	size_t i;

	check_str(name, "session_id", s->field[SR_F_SESSION_ID], w->id);
	check_str(name, "term", s->field[SR_F_TERM], w->term);
	check_str(name, "actor", s->field[SR_F_ACTOR], w->actor);
	check_str(name, "command", s->field[SR_F_COMMAND], w->command);
	check_str(name, "format", s->format, "asciicast");
	if (s->have != w->have)
		fail_msg("%s: have %#x, want %#x", name, s->have, w->have);
	if ((w->have & SR_HAVE_START) && s->start_ns != w->start_ns)
		fail_msg("%s: start %lld, want %lld", name,
		    (long long)s->start_ns, (long long)w->start_ns);
	if (s->duration_ns != w->duration_ns)
		fail_msg("%s: duration %lld, want %lld", name,
		    (long long)s->duration_ns, (long long)w->duration_ns);
	if ((w->have & SR_HAVE_GEOMETRY) &&
	    (s->cols != w->cols || s->rows != w->rows))
		fail_msg("%s: geometry %ux%u, want %ux%u", name, s->cols,
		    s->rows, w->cols, w->rows);
	if ((w->have & SR_HAVE_EXIT) && s->exit_status != w->exit_status)
		fail_msg("%s: exit %d, want %d", name, s->exit_status,
		    w->exit_status);
	if (s->state != w->state)
		fail_msg("%s: state %d, want %d", name, s->state, w->state);
	for (i = 0; i < w->nextras; i++)
		check_str(name, w->extras[i].key,
		    sr_session_extra(s, w->extras[i].key), w->extras[i].value);
	if (s->nextras != w->nextras)
		fail_msg("%s: %zu extras, want %zu", name, s->nextras,
		    w->nextras);
}

/* Reads every event and compares; the last status must be want_end. */
static void
check_events(const char *name, struct sr_reader *r, const struct want_ev *want,
    size_t n, int want_end)
{
	const struct sr_event *ev;
	size_t i = 0;
	int st;

	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		const struct want_ev *w = &want[i];

		if (i >= n)
			fail_msg("%s: extra event %zu (type %d, t %lld)", name,
			    i, ev->type, (long long)ev->t_ns);
		if (ev->type != w->type || ev->stream != w->stream)
			fail_msg("%s: event %zu: type %d stream %d, want %d %d",
			    name, i, ev->type, ev->stream, w->type, w->stream);
		if (ev->t_ns != w->t_ns)
			fail_msg("%s: event %zu: t %lld, want %lld", name, i,
			    (long long)ev->t_ns, (long long)w->t_ns);
		if (w->type == SR_EV_RESIZE) {
			if (ev->cols != w->cols || ev->rows != w->rows)
				fail_msg("%s: event %zu: %ux%u, want %ux%u",
				    name, i, ev->cols, ev->rows, w->cols,
				    w->rows);
		} else if (ev->len != w->len ||
		    (w->len > 0 && memcmp(ev->data, w->data, w->len) != 0))
			fail_msg("%s: event %zu: data '%.*s' (%zu), want "
				 "'%.*s' (%zu)",
			    name, i, (int)ev->len, (const char *)ev->data,
			    ev->len, (int)w->len, w->data, w->len);
		if (w->line != 0 && ev->loc.line != w->line)
			fail_msg("%s: event %zu: line %lld, want %lld", name, i,
			    (long long)ev->loc.line, (long long)w->line);
		i++;
	}
	if (i != n)
		fail_msg("%s: %zu events, want %zu", name, i, n);
	if (st != want_end)
		fail_msg("%s: end status %d, want %d (%s)", name, st, want_end,
		    sr_reader_error(r)->msg);
}

/*
 * The samples of /work/shared/samples and the escape probe, copied to
 * tests/data/asciicast/.
 */
static const struct kv title_idle_extras[] = {
	{ "asciicast.version", "2" },
	{ "asciicast.idle_time_limit", "0.5" },
	{ "asciicast.env.SHELL", "/bin/bash" },
	{ "asciicast.title", "sessrec sample" },
};
static const struct want_ev title_idle_events[] = {
	OL(11049 * US, "hi\r\n", 2),
	O(1517451 * US, "bin\r\n"),
	O(1517689 * US, "boot\r\ncontainer_info.json\r\ndev\r\netc\r\n"),
	O(1518852 * US, "\x1b[1;31mred\x1b[0m\r\n"),
	O(1720675 * US, "done\r\n"),
	O(1724523 * US, "appended\r\n"),
	OL(1927546 * US, "Linux\r\n", 8),
};

static const struct kv plain_v2_extras[] = {
	{ "asciicast.version", "2" },
	{ "asciicast.env.SHELL", "/bin/bash" },
};
static const struct want_ev password_events[] = {
	O(7807 * US, "\x1b[?2004h"),
	O(9250 * US, "bash-5.2# "),
	I(1415928 * US, "echo typed-input\r"),
	O(1416554 * US,
	    "echo typed-input\r\n\x1b[?2004l\rtyped-input\r\n\x1b[?2004hbash-"
	    "5.2# "),
	I(1922168 * US,
	    "printf 'pw: '; read -s x; echo; echo got-${#x}-chars\r"),
	O(1923066 * US,
	    "printf 'pw: '; read -s x; echo; echo got-${#x}-chars\r\n\x1b[?"
	    "2004l\rpw: "),
	I(2330350 * US, "s3cr3t\r"),
	O(2330920 * US, "\r\ngot-6-chars\r\n\x1b[?2004hbash-5.2# "),
	O(2742602 * US, "\r\x1b[K\rbash-5.2# "),
	I(3050675 * US, "tput cols\r"),
	O(3051960 * US, "tput cols\r\n\x1b[?2004l\r"),
	O(3053398 * US, "120\r\n"),
	O(3053876 * US, "\x1b[?2004hbash-5.2# "),
	I(3357423 * US, "exit\r"),
	O(3358057 * US, "exit\r\n\x1b[?2004l\rexit\r\n"),
};

static const struct want_ev invalid_utf8_events[] = {
	O(6280 * US, "bin:\xef\xbf\xbd\xef\xbf\xbd utf8:\xc3\xa9\r\n"),
};

static const struct kv v3_extras[] = {
	{ "asciicast.version", "3" },
	{ "asciicast.idle_time_limit", "0.5" },
	{ "asciicast.title", "sessrec sample" },
	{ "asciicast.env.SHELL", "/bin/bash" },
};
static const struct want_ev v3_events[] = {
	OL(11 * MS, "hi\r\n", 3),
	O(1517 * MS, "bin\r\n"),
	O(1518 * MS, "boot\r\ncontainer_info.json\r\ndev\r\netc\r\n"),
	O(1519 * MS, "\x1b[1;31mred\x1b[0m\r\n"),
	O(1721 * MS, "done\r\n"),
	M(1721 * MS, "appended part"),
	O(1725 * MS, "appended\r\n"),
	O(1928 * MS, "Linux\r\n"),
	R(1928 * MS, 100, 30),
	X(1929 * MS, "0"),
};

static const struct kv probe_extras[] = {
	{ "asciicast.version", "2" },
	{ "asciicast.title", "escape-injection-probe" },
};
static const struct want_ev probe_events[] = {
	O(100 * MS, "normal text\r\n"),
	O(200 * MS, "\x1b]0;PWNED-TITLE\x07"),
	O(300 * MS, "\x1b[21t"),
	O(400 * MS, "\x1b]52;c;ZWNobyBwd25lZA==\x07"),
	O(500 * MS, "\x1bP$q\nid\n\x1b\\"),
	O(600 * MS, "\x1b[6n"),
	O(700 * MS, "hidden\r\x1b[2Kvisible\r\n"),
};

#define G (SR_HAVE_START | SR_HAVE_DURATION | SR_HAVE_GEOMETRY)

static const struct file_case {
	const char *path;
	struct want_session s;
	const struct want_ev *ev;
	size_t nev;
	int nwarn;
} file_cases[] = {
	{ "tests/data/asciicast/v2-title-idle-append.cast",
	    { "v2-title-idle-append", "xterm-256color", NULL, NULL, G,
		1795577807 * SEC, 1927546 * US, 80, 24, 0, SR_STATE_UNKNOWN,
		title_idle_extras, nitems(title_idle_extras) },
	    title_idle_events, nitems(title_idle_events), 0 },
	{ "tests/data/asciicast/v2-gzip.cast.gz",
	    { "v2-gzip", "xterm-256color", NULL, NULL, G, 1795577807 * SEC,
		1927546 * US, 80, 24, 0, SR_STATE_UNKNOWN, title_idle_extras,
		nitems(title_idle_extras) },
	    title_idle_events, nitems(title_idle_events), 0 },
	{ "tests/data/asciicast/v2-input-password.cast",
	    { "v2-input-password", "tmux-256color", NULL, NULL, G,
		1795577817 * SEC, 3358057 * US, 100, 30, 0, SR_STATE_UNKNOWN,
		plain_v2_extras, nitems(plain_v2_extras) },
	    password_events, nitems(password_events), 0 },
	{ "tests/data/asciicast/v2-invalid-utf8.cast",
	    { "v2-invalid-utf8", "xterm-256color", NULL, NULL, G,
		1795578136 * SEC, 6280 * US, 80, 24, 0, SR_STATE_UNKNOWN,
		plain_v2_extras, nitems(plain_v2_extras) },
	    invalid_utf8_events, nitems(invalid_utf8_events), 0 },
	{ "tests/data/asciicast/v3-handmade.cast",
	    { "v3-handmade", "xterm-256color", NULL, NULL, G | SR_HAVE_EXIT,
		1795577807 * SEC, 1929 * MS, 80, 24, 0, SR_STATE_COMPLETE,
		v3_extras, nitems(v3_extras) },
	    v3_events, nitems(v3_events), 0 },
	{ "tests/data/asciicast/inject-probe.cast",
	    { "inject-probe", NULL, NULL, NULL,
		SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0, 700 * MS, 80, 24, 0,
		SR_STATE_UNKNOWN, probe_extras, nitems(probe_extras) },
	    probe_events, nitems(probe_events), 0 },
};

static struct sr_ctx *
new_ctx(struct diag *d)
{
	struct sr_ctx *ctx = sr_ctx_new();

	assert_non_null(ctx);
	memset(d, 0, sizeof(*d));
	sr_ctx_set_diag(ctx, diag_fn, d);
	return (ctx);
}

/* Opens the one member of a file input with probing. */
static struct sr_reader *
open_file(const char *name, struct sr_ctx *ctx, const char *rel,
    struct sr_input **inp)
{
	struct sr_reader *r;
	struct sr_error err;

	if (sr_input_open(ctx, unit_srcpath(rel), inp, &err) != SR_OK)
		fail_msg("%s: cannot open input: %s", name, err.msg);
	if (sr_input_nmembers(*inp) != 1)
		fail_msg("%s: %zu members", name, sr_input_nmembers(*inp));
	if (sr_reader_open(ctx, *inp, sr_input_member(*inp, 0)->name, NULL, &r,
		&err) != SR_OK)
		fail_msg("%s: cannot open reader: %s", name, err.msg);
	check_str(name, "probed format", sr_format_name(sr_reader_format(r)),
	    "asciicast");
	return (r);
}

static void
test_samples(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(file_cases); i++) {
		const struct file_case *c = &file_cases[i];
		const struct sr_session *s;
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_ctx *ctx;
		struct diag d;
		int st;

		ctx = new_ctx(&d);
		r = open_file(c->path, ctx, c->path, &in);
		st = sr_reader_next_session(r, &s);
		if (st != SR_OK)
			fail_msg("%s: next_session %d: %s", c->path, st,
			    sr_reader_error(r)->msg);
		check_session(c->path, s, &c->s);
		check_events(c->path, r, c->ev, c->nev, SR_EOF);
		if (d.n != c->nwarn)
			fail_msg("%s: %d warnings, want %d (%s)", c->path, d.n,
			    c->nwarn, d.first_msg);
		if (sr_reader_next_session(r, &s) != SR_EOF)
			fail_msg("%s: a second session", c->path);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Fixtures written by asciinema 2.2.0 (tests/gen/gen-fixtures.sh): their
 * times change on every regeneration, so only their shape is checked.
 */
static const struct real_case {
	const char *path;
	const char *id;
	int min_events;
	int inputs;
	int nwarn;
	enum sr_state state;
} real_cases[] = {
	{ "tests/data/asciicast/v2-real.cast", "v2-real", 4, 0, 0,
	    SR_STATE_UNKNOWN },
	{ "tests/data/asciicast/v2-real.cast.gz", "v2-real", 4, 0, 0,
	    SR_STATE_UNKNOWN },
	{ "tests/data/asciicast/v2-stdin.cast", "v2-stdin", 4, 1, 0,
	    SR_STATE_UNKNOWN },
	{ "tests/data/bad/asciicast-truncated-last-line.cast",
	    "asciicast-truncated-last-line", 3, 0, 1, SR_STATE_INCOMPLETE },
};

static void
test_real(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(real_cases); i++) {
		const struct real_case *c = &real_cases[i];
		const struct sr_session *s;
		const struct sr_event *ev;
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_ctx *ctx;
		struct diag d;
		int st, n = 0, inputs = 0;
		int64_t last = 0;

		ctx = new_ctx(&d);
		r = open_file(c->path, ctx, c->path, &in);
		st = sr_reader_next_session(r, &s);
		if (st != SR_OK && st != SR_WARN)
			fail_msg("%s: next_session %d", c->path, st);
		check_str(c->path, "id", s->field[SR_F_SESSION_ID], c->id);
		if (!(s->have & SR_HAVE_START) || s->cols != 80 ||
		    s->rows != 24 || s->state != c->state)
			fail_msg("%s: metadata", c->path);
		while ((st = sr_reader_next_event(r, &ev)) == SR_OK ||
		    st == SR_WARN) {
			if (ev->t_ns < last)
				fail_msg("%s: time goes back", c->path);
			last = ev->t_ns;
			n++;
			inputs += ev->type == SR_EV_INPUT;
		}
		if (st != SR_EOF || n < c->min_events ||
		    (c->inputs && inputs == 0) || (!c->inputs && inputs))
			fail_msg("%s: %d events, %d inputs, end %d", c->path, n,
			    inputs, st);
		if (last != s->duration_ns)
			fail_msg("%s: duration %lld, last event %lld", c->path,
			    (long long)s->duration_ns, (long long)last);
		if (d.n != c->nwarn)
			fail_msg("%s: %d warnings, want %d", c->path, d.n,
			    c->nwarn);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Hand-made inputs, read from memory as a member called "t.cast" with the
 * format forced.
 */
#define HDR2 "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
#define HDR3 "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24}}\n"
#define D(s) s, sizeof(s) - 1

static const struct want_ev ev_ab[] = {
	OL(1 * SEC, "a", 2),
	OL(2 * SEC, "b", 4),
};
static const struct want_ev ev_b_line3[] = {
	OL(2 * SEC, "b", 3),
};
static const struct want_ev ev_a[] = {
	OL(1 * SEC, "a", 2),
};
static const struct want_ev ev_clamp[] = {
	O(0, "neg"),
	O(2 * SEC, "two"),
	O(2 * SEC, "back"),
	O(3 * SEC, "three"),
};
static const struct want_ev ev_v3_clamp[] = {
	O(500 * MS, "a"),
	O(500 * MS, "neg"),
	O(750 * MS, "b"),
};
static const struct want_ev ev_numbers[] = {
	O(10 * US, "exp"),
	O(9250 * US, "f"),
	O(2 * SEC, "int"),
	O(2 * SEC, "rounddown"),   /* 2.0000000004 */
	O(2 * SEC + 1, "roundup"), /* 2.0000000005 rounds up */
	O(3 * SEC, "exp+"),
};
static const struct want_ev ev_split[] = {
	O(SEC, "0123456789abcdef"),
	O(SEC, "ghijklmnopqrstuv"),
	O(SEC, "wxyz"),
	I(2 * SEC, "in"),
};
static const struct want_ev ev_repaired[] = {
	O(SEC, "bad:\xef\xbf\xbd\xef\xbf\xbd ok:\xc3\xa9 trunc:\xef\xbf\xbd!"),
	O(2 * SEC, "next"),
};
static const struct want_ev ev_codes[] = {
	O(SEC, "o"),
	M(2 * SEC, ""),
	R(3 * SEC, 132, 43),
	I(4 * SEC, "i"),
	X(7 * SEC, "2"),
};
static const struct want_ev ev_bad_exit[] = {
	X(SEC, "killed"),
};
static const struct want_ev ev_nul[] = {
	O(SEC, "a\0b"),
};
static const struct want_ev ev_v1[] = {
	O(500 * MS, "one\r\n"),
	O(1500 * MS, "two\r\n"),
	O(1750 * MS, "three"),
};
static const struct want_ev ev_v3_comment[] = {
	OL(SEC, "a", 3),
	OL(3 * SEC, "b", 6),
};

static const struct want_ev ev_escapes[] = {
	O(SEC, "q\"b\\s/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\x1b\xe2\x82\xac"),
	O(2 * SEC, "raw \xc3\xa9 \xf0\x9f\x98\x80 \xc2\x9b"),
	I(3 * SEC, "\x7f"),
};

static const struct kv v3_full_extras[] = {
	{ "asciicast.version", "3" },
	{ "asciicast.term.version", "VTE(7802)" },
	{ "asciicast.theme", "{\"fg\":\"#ffffff\",\"bg\":\"#000000\"}" },
	{ "asciicast.env.SHELL", "/bin/zsh" },
	{ "asciicast.tags", "[\"demo\",\"x\"]" },
	{ "asciicast.custom", "42" },
	{ "asciicast.env.TERM", "ignored" },
};
static const struct kv v2_user_extras[] = {
	{ "asciicast.version", "2" },
	{ "asciicast.env.LANG", "C.UTF-8" },
	{ "asciicast.idle_time_limit", "2" },
};
static const struct kv v1_extras[] = {
	{ "asciicast.version", "1" },
	{ "asciicast.title", "old" },
};
static const struct kv v2_only_version[] = {
	{ "asciicast.version", "2" },
};
static const struct kv v3_only_version[] = {
	{ "asciicast.version", "3" },
};

/* Inputs whose session cannot be read at all. */
static const struct fail_case {
	const char *name;
	const char *data;
	size_t len;
	enum sr_errcat cat;
	int64_t line;
	uint64_t line_limit; /* 0: default */
} fail_cases[] = {
	{ "empty file", D(""), SR_E_FORMAT, 1, 0 },
	{ "header not JSON", D("hello\n[1, \"o\", \"a\"]\n"), SR_E_FORMAT, 1,
	    0 },
	{ "header not an object", D("[2, 80, 24]\n"), SR_E_FORMAT, 1, 0 },
	{ "version 4", D("{\"version\": 4, \"width\": 80, \"height\": 24}\n"),
	    SR_E_UNSUPPORTED, 1, 0 },
	{ "version as string",
	    D("{\"version\": \"2\", \"width\": 80, \"height\": 24}\n"),
	    SR_E_FORMAT, 1, 0 },
	{ "v3 comment on line 1", D("# comment\n" HDR3), SR_E_FORMAT, 1, 0 },
	{ "header over the line limit",
	    D("{\"version\": 2, \"width\": 80, \"height\": 24, \"title\": "
	      "\"0123456789012345678901234567890123456789\"}\n"),
	    SR_E_LIMIT, 1, 32 },
	{ "v1 document over the line limit",
	    D("{\n  \"version\": 1,\n  \"stdout\": [\n"
	      "    [0.5, \"0123456789012345678901234567890123456789\"]\n"
	      "  ]\n}\n"),
	    SR_E_LIMIT, 1, 64 },
	{ "pretty-printed v2 header", D("{\n  \"version\": 2\n}\n"),
	    SR_E_FORMAT, 1, 0 },
};

/* Inputs with a readable session: metadata, events and warnings. */
static const struct mem_case {
	const char *name;
	const char *data;
	size_t len;
	int session_status; /* of next_session */
	struct want_session s;
	const struct want_ev *ev;
	size_t nev;
	int end_status; /* after the last event */
	int nwarn;
	int64_t warn_line;    /* of the first warning; 0 unchecked */
	uint64_t event_limit; /* 0: default */
	uint64_t line_limit;  /* 0: default */
} mem_cases[] = {
	{ "truncated event line", D(HDR2 "[1, \"o\", \"a\"]\n[2, \"o\", \"ab"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		1 * SEC, 80, 24, 0, SR_STATE_INCOMPLETE, v2_only_version, 1 },
	    ev_a, nitems(ev_a), SR_EOF, 1, 3, 0, 0 },
	{ "last line without newline is fine",
	    D(HDR2 "[1, \"o\", \"a\"]\n\n[2, \"o\", \"b\"]"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_ab, nitems(ev_ab), SR_EOF, 0, 0, 0, 0 },
	{ "invalid JSON mid-file",
	    D(HDR2 "[1, \"o\", \"a\"]\n[1.5, \"o\", \"x\" oops]\n"
		   "[2, \"o\", \"b\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_ab, nitems(ev_ab), SR_EOF, 1, 3, 0, 0 },
	{ "event not an array",
	    D(HDR2 "{\"t\": 1, \"o\": \"a\"}\n[2, \"o\", \"b\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 0, 0 },
	{ "event array too short", D(HDR2 "[1, \"o\"]\n[2, \"o\", \"b\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 0, 0 },
	{ "time as string",
	    D(HDR2 "[\"1\", \"o\", \"a\"]\n[2, \"o\", \"b\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 0, 0 },
	{ "data not a string", D(HDR2 "[1, \"o\", 42]\n[2, \"o\", \"b\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 0, 0 },
	{ "negative and backwards v2 times",
	    D(HDR2 "[-1, \"o\", \"neg\"]\n[2, \"o\", \"two\"]\n"
		   "[1.5, \"o\", \"back\"]\n[3, \"o\", \"three\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		3 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_clamp, nitems(ev_clamp), SR_EOF, 2, 2, 0, 0 },
	{ "negative v3 interval",
	    D(HDR3 "[0.5, \"o\", \"a\"]\n[-0.2, \"o\", \"neg\"]\n"
		   "[0.25, \"o\", \"b\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		750 * MS, 80, 24, 0, SR_STATE_UNKNOWN, v3_only_version, 1 },
	    ev_v3_clamp, nitems(ev_v3_clamp), SR_EOF, 1, 3, 0, 0 },
	{ "number forms",
	    D(HDR2 "[1e-05, \"o\", \"exp\"]\n[0.00925, \"o\", \"f\"]\n"
		   "[2, \"o\", \"int\"]\n[2.0000000004, \"o\", \"rounddown\"]\n"
		   "[2.0000000005, \"o\", \"roundup\"]\n"
		   "[0.3E+1, \"o\", \"exp+\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		3 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_numbers, nitems(ev_numbers), SR_EOF, 0, 0, 0, 0 },
	{ "time out of range",
	    D(HDR2 "[1, \"o\", \"a\"]\n[1e300, \"o\", \"huge\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		1 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    (const struct want_ev[]){ O(SEC, "a"), O(SEC, "huge") }, 2, SR_EOF,
	    1, 3, 0, 0 },
	{ "data over the event limit is split",
	    D(HDR2 "[1, \"o\", \"0123456789abcdefghijklmnopqrstuvwxyz\"]\n"
		   "[2, \"i\", \"in\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_split, nitems(ev_split), SR_EOF, 0, 0, 16, 0 },
	{ "marker over the event limit",
	    D(HDR2 "[1, \"m\", \"0123456789abcdefghijklmnopqrstuvwxyz\"]\n"
		   "[2, \"o\", \"b\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 16, 0 },
	{ "line over the line limit",
	    D(HDR2 "[1, \"o\", \"a\"]\n"
		   "[2, \"o\", \"0123456789012345678901234567890123456789012345"
		   "678901234567890123456789\"]\n[3, \"o\", \"c\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		3 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_a, nitems(ev_a), SR_FAILED, 0, 0, 0, 64 },
	{ "raw invalid UTF-8 is repaired",
	    D(HDR2 "[1, \"o\", \"bad:\xff\xfe ok:\xc3\xa9 trunc:\xe2\x82!\"]\n"
		   "[2, \"o\", \"next\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_repaired, nitems(ev_repaired), SR_EOF, 1, 2, 0, 0 },
	{ "surrogate escape is invalid JSON",
	    D(HDR2 "[1, \"o\", \"\\ud800\"]\n[2, \"o\", \"b\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 0, 0 },
	{ "escapes and raw UTF-8",
	    D(HDR2 "[1, \"o\", \"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t"
		   "\\u00e9\\ud83d\\ude00\\u001b\\u20AC\"]\n"
		   "[2,\"o\",\"raw \xc3\xa9 \xf0\x9f\x98\x80 \xc2\x9b\"]\n"
		   " [ 3 , \"i\" , \"\x7f\" ] \n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		3 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_escapes, nitems(ev_escapes), SR_EOF, 0, 0, 0, 0 },
	{ "leading zero and lone low surrogate are invalid JSON",
	    D(HDR2 "[01, \"o\", \"a\"]\n[1, \"o\", \"\\udc00\"]\n"
		   "[1, \"o\", \"\\ud800\\u0041\"]\n[2, \"o\", \"b\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    (const struct want_ev[]){ OL(2 * SEC, "b", 5) }, 1, SR_EOF, 3, 2, 0,
	    0 },
	{ "NUL escape kept", D(HDR2 "[1, \"o\", \"a\\u0000b\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		1 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_nul, nitems(ev_nul), SR_EOF, 0, 0, 0, 0 },
	{ "codes, unknown ones skipped silently",
	    D(HDR3 "[1, \"o\", \"o\"]\n[1, \"m\", \"\"]\n"
		   "[1, \"r\", \"132x43\"]\n[1, \"i\", \"i\"]\n"
		   "[1, \"z\", \"unknown\"]\n[1, \"oo\", \"unknown\"]\n"
		   "[1, \"x\", \"2\"]\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL,
		SR_HAVE_DURATION | SR_HAVE_GEOMETRY | SR_HAVE_EXIT, 0, 7 * SEC,
		80, 24, 2, SR_STATE_COMPLETE, v3_only_version, 1 },
	    ev_codes, nitems(ev_codes), SR_EOF, 0, 0, 0, 0 },
	{ "bad resize and exit",
	    D(HDR3 "[1, \"r\", \"80by24\"]\n[0, \"x\", \"killed\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		1 * SEC, 80, 24, 0, SR_STATE_COMPLETE, v3_only_version, 1 },
	    ev_bad_exit, nitems(ev_bad_exit), SR_EOF, 2, 2, 0, 0 },
	{ "v3 comments and blank lines",
	    D(HDR3 "# a comment\n[1, \"o\", \"a\"]\n\n   \n[2, \"o\", \"b\"]\n"
		   "# last\n"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		3 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v3_only_version, 1 },
	    ev_v3_comment, nitems(ev_v3_comment), SR_EOF, 0, 0, 0, 0 },
	{ "v2 comment is invalid JSON",
	    D(HDR2 "# not in v2\n[2, \"o\", \"b\"]\n"), SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		2 * SEC, 80, 24, 0, SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_b_line3, nitems(ev_b_line3), SR_EOF, 1, 2, 0, 0 },
	{ "v3 full header",
	    D("{\"version\": 3, \"term\": {\"cols\": 120, \"rows\": 40, "
	      "\"type\": \"xterm-kitty\", \"version\": \"VTE(7802)\", "
	      "\"theme\": {\"fg\": \"#ffffff\", \"bg\": \"#000000\"}}, "
	      "\"timestamp\": 1700000000, \"command\": \"bash -l\", "
	      "\"env\": {\"SHELL\": \"/bin/zsh\", \"TERM\": \"ignored\"}, "
	      "\"tags\": [\"demo\", \"x\"], \"custom\": 42}\n"),
	    SR_OK,
	    { "t", "xterm-kitty", NULL, "bash -l", G, 1700000000 * SEC, 0, 120,
		40, 0, SR_STATE_UNKNOWN, v3_full_extras,
		nitems(v3_full_extras) },
	    NULL, 0, SR_EOF, 0, 0, 0, 0 },
	{ "v2 user, fractional timestamp, duration",
	    D("{\"version\": 2, \"width\": 0, \"height\": 0, "
	      "\"timestamp\": 1700000000.25, \"duration\": 9.5, "
	      "\"idle_time_limit\": 2, \"env\": {\"USER\": \"alice\", "
	      "\"LANG\": \"C.UTF-8\", \"TERM\": \"vt100\"}}\n"
	      "[1, \"o\", \"a\"]\n"),
	    SR_OK,
	    { "t", "vt100", "alice", NULL, SR_HAVE_START | SR_HAVE_DURATION,
		1700000000 * SEC + 250 * MS, 9500 * MS, 0, 0, 0,
		SR_STATE_UNKNOWN, v2_user_extras, nitems(v2_user_extras) },
	    ev_a, nitems(ev_a), SR_EOF, 0, 0, 0, 0 },
	{ "v2 header lacks its size",
	    D("{\"version\": 2, \"width\": \"80\"}\n[1, \"o\", \"a\"]\n"),
	    SR_WARN,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION, 0, 1 * SEC, 0, 0, 0,
		SR_STATE_UNKNOWN, v2_only_version, 1 },
	    ev_a, nitems(ev_a), SR_EOF, 2, 1, 0, 0 },
	{ "v1 document over several lines",
	    D("{\n  \"version\": 1,\n  \"width\": 80,\n  \"height\": 24,\n"
	      "  \"duration\": 1.75,\n  \"title\": \"old\",\n"
	      "  \"env\": {\"TERM\": \"xterm\"},\n  \"stdout\": [\n"
	      "    [0.5, \"one\\r\\n\"],\n    [1.0, \"two\\r\\n\"],\n"
	      "    [\"bad\", 1],\n    [0.25, \"three\"]\n  ]\n}\n"),
	    SR_OK,
	    { "t", "xterm", NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		1750 * MS, 80, 24, 0, SR_STATE_UNKNOWN, v1_extras,
		nitems(v1_extras) },
	    ev_v1, nitems(ev_v1), SR_EOF, 1, 0, 0, 0 },
	{ "v1 document on one line",
	    D("{\"version\": 1, \"width\": 80, \"height\": 24, \"title\": "
	      "\"old\", \"stdout\": [[0.5, \"one\\r\\n\"], [1, \"two\\r\\n\"], "
	      "[0.25, \"three\"]]}"),
	    SR_OK,
	    { "t", NULL, NULL, NULL, SR_HAVE_DURATION | SR_HAVE_GEOMETRY, 0,
		1750 * MS, 80, 24, 0, SR_STATE_UNKNOWN, v1_extras,
		nitems(v1_extras) },
	    ev_v1, nitems(ev_v1), SR_EOF, 0, 0, 0, 0 },
};

static struct sr_reader *
open_mem(const char *name, struct sr_ctx *ctx, const char *data, size_t len,
    struct sr_input **inp)
{
	struct sr_reader *r;
	struct sr_error err;

	if (sr_input_open_mem(ctx, "t.cast", data, len, inp, &err) != SR_OK)
		fail_msg("%s: input: %s", name, err.msg);
	if (sr_reader_open(ctx, *inp, "t.cast", sr_format_find("asciicast"), &r,
		&err) != SR_OK)
		fail_msg("%s: open: %s", name, err.msg);
	return (r);
}

static void
test_fail(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(fail_cases); i++) {
		const struct fail_case *c = &fail_cases[i];
		const struct sr_session *s;
		const struct sr_error *e;
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_ctx *ctx;
		struct diag d;
		int st;

		ctx = new_ctx(&d);
		if (c->line_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_LINE, c->line_limit);
		r = open_mem(c->name, ctx, c->data, c->len, &in);
		if ((st = sr_reader_next_session(r, &s)) != SR_FAILED)
			fail_msg("%s: next_session %d, want SR_FAILED", c->name,
			    st);
		e = sr_reader_error(r);
		if (e->cat != c->cat || e->loc.line != c->line ||
		    strcmp(e->loc.member, "t.cast") != 0)
			fail_msg("%s: error cat %d line %lld member '%s', want "
				 "%d line %lld",
			    c->name, e->cat, (long long)e->loc.line,
			    e->loc.member, c->cat, (long long)c->line);
		if (sr_reader_next_session(r, &s) != SR_EOF)
			fail_msg("%s: no EOF after failure", c->name);
		if (d.n != 0)
			fail_msg("%s: %d warnings", c->name, d.n);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

static void
test_mem(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(mem_cases); i++) {
		const struct mem_case *c = &mem_cases[i];
		const struct sr_session *s;
		const struct sr_error *e;
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_ctx *ctx;
		struct diag d;
		int st;

		ctx = new_ctx(&d);
		if (c->event_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_EVENT, c->event_limit);
		if (c->line_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_LINE, c->line_limit);
		r = open_mem(c->name, ctx, c->data, c->len, &in);
		st = sr_reader_next_session(r, &s);
		if (st != c->session_status)
			fail_msg("%s: next_session %d, want %d (%s)", c->name,
			    st, c->session_status, sr_reader_error(r)->msg);
		check_session(c->name, s, &c->s);
		check_events(c->name, r, c->ev, c->nev, c->end_status);
		if (c->end_status == SR_FAILED) {
			e = sr_reader_error(r);
			if (e->cat != SR_E_LIMIT || e->loc.line != 3)
				fail_msg("%s: limit error cat %d line %lld",
				    c->name, e->cat, (long long)e->loc.line);
		}
		if (d.n != c->nwarn)
			fail_msg("%s: %d warnings, want %d (first: %s)",
			    c->name, d.n, c->nwarn, d.first_msg);
		if (c->warn_line != 0 && d.first_line != c->warn_line)
			fail_msg("%s: first warning on line %lld, want %lld",
			    c->name, (long long)d.first_line,
			    (long long)c->warn_line);
		if (sr_reader_next_session(r, &s) != SR_EOF)
			fail_msg("%s: a second session", c->name);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/* The hand-damaged fixtures of tests/data/bad/, format forced. */
static void
test_bad_fixtures(void **state)
{
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_input *in;
	struct sr_reader *r;
	struct sr_error err;
	struct sr_ctx *ctx;
	struct diag d;
	int st, n = 0;

	(void)state;
	ctx = new_ctx(&d);
	assert_int_equal(sr_input_open(ctx,
			     unit_srcpath("tests/data/bad/"
					  "asciicast-header-not-json.cast"),
			     &in, &err),
	    SR_OK);
	assert_int_equal(sr_reader_open(ctx, in, sr_input_member(in, 0)->name,
			     sr_format_find("asciicast"), &r, &err),
	    SR_OK);
	assert_int_equal(sr_reader_next_session(r, &s), SR_FAILED);
	assert_int_equal(sr_reader_error(r)->cat, SR_E_FORMAT);
	assert_int_equal(sr_reader_error(r)->loc.line, 1);
	sr_reader_close(r);
	sr_input_close(in);

	assert_int_equal(sr_input_open(ctx,
			     unit_srcpath("tests/data/bad/"
					  "asciicast-truncated-event.cast"),
			     &in, &err),
	    SR_OK);
	assert_int_equal(sr_reader_open(ctx, in, sr_input_member(in, 0)->name,
			     NULL, &r, &err),
	    SR_OK);
	st = sr_reader_next_session(r, &s);
	assert_true(st == SR_OK);
	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN)
		if (ev->loc.line != (n++ == 0 ? 2 : 4))
			fail_msg("truncated-event: event on line %lld",
			    (long long)ev->loc.line);
	assert_int_equal(st, SR_EOF);
	assert_int_equal(n, 2);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.first_line, 3);
	assert_int_equal(d.first_offset, 91);
	sr_reader_close(r);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/*
 * Probing: each fixture goes to the right format, and asciicast does not
 * bid on other formats' files.
 */
static const struct probe_case {
	const char *path;
	const char *want; /* NULL: nothing */
	int min_bid;
	int cast_bid; /* the asciicast probe's own bid, -1 unchecked */
} probe_cases[] = {
	{ "tests/data/asciicast/v2-title-idle-append.cast", "asciicast", 100,
	    100 },
	{ "tests/data/asciicast/v2-gzip.cast.gz", "asciicast", 100, 100 },
	{ "tests/data/asciicast/v2-input-password.cast", "asciicast", 100,
	    100 },
	{ "tests/data/asciicast/v2-invalid-utf8.cast", "asciicast", 100, 100 },
	{ "tests/data/asciicast/v3-handmade.cast", "asciicast", 100, 100 },
	{ "tests/data/asciicast/inject-probe.cast", "asciicast", 100, 100 },
	{ "tests/data/asciicast/v2-real.cast", "asciicast", 100, 100 },
	{ "tests/data/asciicast/v2-real.cast.gz", "asciicast", 100, 100 },
	{ "tests/data/asciicast/v2-stdin.cast", "asciicast", 100, 100 },
	{ "tests/data/ttyrec/basic.ttyrec", "ttyrec", 1, 0 },
	{ "tests/data/bad/empty", NULL, 0, 0 },
	{ "tests/data/bad/random-4096.bin", NULL, 0, 0 },
	/* "" = whatever else may claim it, but not asciicast. */
	{ "tests/data/bad/asciicast-header-not-json.cast", "", 0, 0 },
	{ "tests/data/tlog/multi-msg.json", "", 0, 0 },
	{ "tests/data/ttyrec/real.ttyrec", "ttyrec", 1, 0 },
};

static int
cast_bid(struct sr_ctx *ctx, struct sr_input *in, const char *member)
{
	const struct sr_format *f = sr_format_find("asciicast");
	struct sr_probe p;
	int bid;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.in = in;
	p.member = member;
	bid = f->probe(&p);
	sr_stream_close(p.s);
	return (bid);
}

static void
test_probe(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(probe_cases); i++) {
		const struct probe_case *c = &probe_cases[i];
		const struct sr_format *f;
		struct sr_input *in;
		struct sr_error err;
		struct sr_ctx *ctx;
		struct diag d;
		const char *m;
		int bid, own;

		ctx = new_ctx(&d);
		if (sr_input_open(ctx, unit_srcpath(c->path), &in, &err) !=
		    SR_OK)
			fail_msg("%s: %s", c->path, err.msg);
		m = sr_input_nmembers(in) > 0 ? sr_input_member(in, 0)->name
					      : "";
		f = sr_input_nmembers(in) > 0 ? sr_probe_member(in, m, &bid)
					      : NULL;
		if (c->want == NULL ? f != NULL
			: c->want[0] == '\0'
			? (f != NULL && strcmp(f->name, "asciicast") == 0)
			: (f == NULL || strcmp(f->name, c->want) != 0 ||
			      bid < c->min_bid))
			fail_msg("%s: probed %s (%d), want %s", c->path,
			    sr_format_name(f), f ? bid : 0,
			    c->want ? c->want : "nothing");
		if (c->cast_bid >= 0 && sr_input_nmembers(in) > 0 &&
		    (own = cast_bid(ctx, in, m)) != c->cast_bid)
			fail_msg("%s: asciicast bid %d, want %d", c->path, own,
			    c->cast_bid);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/* Probe bids on memory inputs. */
static const struct bid_case {
	const char *name;
	const char *data;
	size_t len;
	int bid;
} bid_cases[] = {
	{ "v2", D(HDR2), 100 },
	{ "v3", D(HDR3 "[0.1, \"o\", \"a\"]\n"), 100 },
	{ "v2 without size", D("{\"version\": 2}\n"), 60 },
	{ "v3 without term", D("{\"version\": 3}\n"), 60 },
	{ "v1 one line", D("{\"version\": 1, \"stdout\": []}\n"), 90 },
	{ "v1 pretty",
	    D("{\n \"version\": 1,\n \"width\": 80,\n \"stdout\": [\n"), 70 },
	{ "v1 without stdout", D("{\"version\": 1}\n"), 0 },
	{ "tlog", D("{\"ver\":\"2.3\",\"rec\":\"x\",\"timing\":\"\"}\n"), 0 },
	{ "version 4", D("{\"version\": 4, \"width\": 1, \"height\": 1}\n"),
	    0 },
	{ "array", D("[2, \"o\", \"a\"]\n"), 0 },
	{ "text", D("Script started on 2026-11-25\n"), 0 },
	{ "empty", D(""), 0 },
};

static void
test_bids(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bid_cases); i++) {
		const struct bid_case *c = &bid_cases[i];
		struct sr_input *in;
		struct sr_error err;
		struct sr_ctx *ctx;
		struct diag d;
		int bid;

		ctx = new_ctx(&d);
		if (sr_input_open_mem(ctx, "m", c->data, c->len, &in, &err) !=
		    SR_OK)
			fail_msg("%s: %s", c->name, err.msg);
		if ((bid = cast_bid(ctx, in, "m")) != c->bid)
			fail_msg("%s: bid %d, want %d", c->name, bid, c->bid);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_fail),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_bids),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
