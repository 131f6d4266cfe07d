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
 * lib/fmt/fmt-tlog.c: the tlog reader.
 *
 * The strongest check is byte equality with tlog-play: every fixture in
 * tests/data/tlog that has a tlog-play golden (X.tlog-play.out,
 * X.json.tlog-play.out for the whole file, X.N.tlog-play.out for its Nth
 * recording) must give exactly those bytes, minus the trailer tlog-play
 * adds at exit.  Hand-made inputs then pin down each rule as a transcript:
 * sessions, events, warnings and errors with their locations, in order.
 */
#include <dirent.h>
#include <string.h>

#include <jansson.h>

#include "compat.h"
#include "json.h"
#include "unit.h"

/* What tlog-play writes when it exits: ESC[0m ESC[?25h LF NUL. */
static const char play_trailer[] = "\033[0m\033[?25h\n";
#define PLAY_TRAILER_LEN (sizeof(play_trailer)) /* with the NUL */

/*
 * A transcript of everything a reader said, one line each:
 *   S <id> actor= host= term= start= dur=<ms> geom= state= [k=v...]
 *   o|i <t ms>[+B][+G] "<data>" @<line>:<msg id>   output, input
 *   r <t ms>[+G] <cols>x<rows> @<line>:<msg id>    resize
 *   W <category> <line>:<msg id>: <message>        warning
 *   F <category> <line>:<msg id>: <message>        session failed
 *   X <status> <category> <line>:<msg id>: <msg>  event error
 *   O <status> <category> <line>:<msg id>: <msg>  open failed
 */
struct tr {
	char s[65536];
	size_t len;
	int64_t woff; /* offset of the first warning, -2 when none */
};

static void tr_add(struct tr *, const char *, ...) SR_PRINTF(2, 3);

static void
tr_add(struct tr *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->s))
		t->len = sizeof(t->s) - 1;
}

static void
tr_data(struct tr *t, const unsigned char *d, size_t n)
{
	size_t i;

	tr_add(t, "\"");
	for (i = 0; i < n; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '"' && d[i] != '\\')
			tr_add(t, "%c", d[i]);
		else
			tr_add(t, "\\x%02x", d[i]);
	}
	tr_add(t, "\"");
}

static void
tr_loc(struct tr *t, const struct sr_loc *l)
{
	tr_add(t, "%lld:%lld", (long long)l->line, (long long)l->msg_id);
}

/* Short category names keep the expected transcripts readable. */
static const char *
cat_name(enum sr_errcat c)
{
	switch (c) {
	case SR_E_FORMAT:
		return ("format");
	case SR_E_LIMIT:
		return ("limit");
	case SR_E_UNSUPPORTED:
		return ("unsupported");
	case SR_E_IO:
		return ("io");
	case SR_E_NOMEM:
		return ("nomem");
	case SR_E_TRUNCATED:
		return ("truncated");
	default:
		return ("other");
	}
}

static void
tr_diag(void *arg, int status, const struct sr_error *e)
{
	struct tr *t = arg;

	(void)status;
	if (t->woff == -2)
		t->woff = e->loc.offset;
	tr_add(t, "W %s ", cat_name(e->cat));
	tr_loc(t, &e->loc);
	tr_add(t, ": %s\n", e->msg);
}

static const char *
state_name(enum sr_state s)
{
	return (s == SR_STATE_COMPLETE	   ? "complete"
		: s == SR_STATE_INCOMPLETE ? "incomplete"
					   : "unknown");
}

static const char *
str_or_dash(const char *s)
{
	return (s != NULL ? s : "-");
}

/*
 * Reads every session and event of member name in in and writes the
 * transcript.  out (may be NULL) collects the output bytes of session
 * want_session (0 = all sessions).
 */
static void
read_all(struct sr_ctx *ctx, struct sr_input *in, const char *name,
    struct tr *t, struct sr_buf *out, size_t want_session)
{
	struct sr_reader *r;
	struct sr_error err;
	const struct sr_session *s;
	const struct sr_event *ev;
	size_t nsess = 0, i;
	int st, es;

	st = sr_reader_open(ctx, in, name, sr_format_find("tlog"), &r, &err);
	if (st != SR_OK) {
		tr_add(t, "O %d %s ", st, cat_name(err.cat));
		tr_loc(t, &err.loc);
		tr_add(t, ": %s\n", err.msg);
		return;
	}
	while (
	    (st = sr_reader_next_session(r, &s)) != SR_EOF && st != SR_FATAL) {
		nsess++;
		if (st == SR_FAILED) {
			const struct sr_error *e = sr_reader_error(r);

			tr_add(t, "F %s ", cat_name(e->cat));
			tr_loc(t, &e->loc);
			tr_add(t, ": %s\n", e->msg);
			continue;
		}
		tr_add(t, "S %s actor=%s host=%s term=%s",
		    str_or_dash(s->field[SR_F_SESSION_ID]),
		    str_or_dash(s->field[SR_F_ACTOR]),
		    str_or_dash(s->field[SR_F_HOST]),
		    str_or_dash(s->field[SR_F_TERM]));
		if (s->have & SR_HAVE_START)
			tr_add(t, " start=%lld", (long long)s->start_ns);
		else
			tr_add(t, " start=-");
		if (s->have & SR_HAVE_DURATION)
			tr_add(t, " dur=%lld",
			    (long long)(s->duration_ns / SR_NSEC_PER_MSEC));
		if (s->have & SR_HAVE_GEOMETRY)
			tr_add(t, " geom=%ux%u", s->cols, s->rows);
		else
			tr_add(t, " geom=-");
		tr_add(t, " state=%s", state_name(s->state));
		for (i = 0; i < s->nextras; i++)
			tr_add(t, " %s=%s", s->extras[i].key,
			    s->extras[i].value);
		tr_add(t, "\n");
		while ((es = sr_reader_next_event(r, &ev)) == SR_OK ||
		    es == SR_WARN) {
			struct sr_loc l;

			sr_loc_clear(&l);
			l.line = ev->loc.line;
			l.msg_id = ev->loc.msg_id;
			switch (ev->type) {
			case SR_EV_OUTPUT:
			case SR_EV_INPUT:
				if (ev->stream !=
				    (ev->type == SR_EV_OUTPUT
					    ? SR_STREAM_TTYOUT
					    : SR_STREAM_TTYIN))
					tr_add(t, "bad stream ");
				tr_add(t, "%c %lld%s%s ",
				    ev->type == SR_EV_OUTPUT ? 'o' : 'i',
				    (long long)(ev->t_ns / SR_NSEC_PER_MSEC),
				    ev->flags & SR_EVF_BINARY ? "+B" : "",
				    ev->flags & SR_EVF_GAP ? "+G" : "");
				tr_data(t, ev->data, ev->len);
				if (ev->type == SR_EV_OUTPUT && out != NULL &&
				    (want_session == 0 ||
					want_session == nsess))
					(void)sr_buf_append(out, ev->data,
					    ev->len);
				break;
			case SR_EV_RESIZE:
				tr_add(t, "r %lld%s %ux%u",
				    (long long)(ev->t_ns / SR_NSEC_PER_MSEC),
				    ev->flags & SR_EVF_GAP ? "+G" : "",
				    ev->cols, ev->rows);
				break;
			default:
				tr_add(t, "? type %d", ev->type);
				break;
			}
			if (ev->t_ns % SR_NSEC_PER_MSEC != 0)
				tr_add(t, " (t_ns %lld)", (long long)ev->t_ns);
			tr_add(t, " @");
			tr_loc(t, &l);
			tr_add(t, "\n");
		}
		if (es != SR_EOF) {
			const struct sr_error *e = sr_reader_error(r);

			tr_add(t, "X %d %s ", es, cat_name(e->cat));
			tr_loc(t, &e->loc);
			tr_add(t, ": %s\n", e->msg);
		}
	}
	if (st == SR_FATAL)
		tr_add(t, "FATAL %s\n", sr_reader_error(r)->msg);
	sr_reader_close(r);
}

/* Runs read_all on bytes in memory with the given limits (0 = default). */
static void
read_mem(const char *name, const char *data, size_t len, uint64_t linemax,
    uint64_t evmax, struct tr *t)
{
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;

	t->len = 0;
	t->s[0] = '\0';
	t->woff = -2;
	assert_non_null(ctx = sr_ctx_new());
	sr_ctx_set_diag(ctx, tr_diag, t);
	if (linemax != 0)
		sr_ctx_set_limit(ctx, SR_LIMIT_LINE, linemax);
	if (evmax != 0)
		sr_ctx_set_limit(ctx, SR_LIMIT_EVENT, evmax);
	if (sr_input_open_mem(ctx, name, data, len, &in, &err) != SR_OK)
		fail_msg("%s: cannot open memory input: %s", name, err.msg);
	read_all(ctx, in, name, t, NULL, 0);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/* Fails showing both transcripts. */
static void
compare(const char *what, const char *want, const struct tr *got)
{
	if (strcmp(want, got->s) != 0) {
		/* cmocka cuts long messages: the whole story goes first. */
		fprintf(stderr, "%s: got\n%s", what, got->s);
		fail_msg("%s: transcript differs\n--- want\n%s--- got\n%s",
		    what, want, got->s);
	}
}

/*
 * Fixtures with tlog-play goldens.
 */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return (NULL);
	}
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	*len = (size_t)n;
	return (p);
}

/* Reads path's output (session n, 0 = all) and compares with golden. */
static void
check_golden(const char *path, const char *golden, size_t n)
{
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	struct sr_buf out;
	static struct tr t;
	char *g;
	size_t glen = 0, i;

	if ((g = slurp(golden, &glen)) == NULL)
		fail_msg("%s: cannot read golden", golden);
	if (glen < PLAY_TRAILER_LEN ||
	    memcmp(g + glen - PLAY_TRAILER_LEN, play_trailer,
		PLAY_TRAILER_LEN) != 0)
		fail_msg("%s: golden lacks the tlog-play trailer", golden);
	glen -= PLAY_TRAILER_LEN;
	t.len = 0;
	t.s[0] = '\0';
	t.woff = -2;
	assert_non_null(ctx = sr_ctx_new());
	sr_ctx_set_diag(ctx, tr_diag, &t);
	sr_buf_init(&out, 1 << 24);
	if (sr_input_open(ctx, path, &in, &err) != SR_OK)
		fail_msg("%s: cannot open: %s", path, err.msg);
	read_all(ctx, in, sr_input_member(in, 0)->name, &t, &out, n);
	if (out.len != glen || memcmp(out.data, g, glen) != 0) {
		for (i = 0; i < out.len && i < glen && out.data[i] == g[i]; i++)
			;
		fail_msg("%s (session %zu): output differs from %s at byte "
			 "%zu (got %zu bytes, want %zu)\n%s",
		    path, n, golden, i, out.len, glen, t.s);
	}
	sr_buf_release(&out);
	sr_input_close(in);
	sr_ctx_free(ctx);
	free(g);
}

static int
exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return (0);
	fclose(f);
	return (1);
}

/*
 * Every X.json with a golden: the samples and the real-tool fixtures,
 * whatever another helper adds later.  hand-escapes.json is hand-made
 * (every character a \u escape, the emoji as a surrogate pair, a binary
 * run, ver as the integer 2); its golden is what tlog-play 12.1 wrote:
 *   sleep 4 | tlog-play -g end -r file -i hand-escapes.json
 */
static void
test_goldens(void **state)
{
	char dir[4096], path[8192], golden[8300];
	struct dirent *de;
	size_t nchecked = 0, n;
	DIR *d;

	(void)state;
	strlcpy(dir, unit_srcpath("tests/data/tlog"), sizeof(dir));
	if ((d = opendir(dir)) == NULL)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)snprintf(golden, sizeof(golden), "%s/%.*s.tlog-play.out",
		    dir, (int)(l - 5), de->d_name);
		if (exists(golden)) {
			check_golden(path, golden, 0);
			nchecked++;
		}
		(void)snprintf(golden, sizeof(golden), "%s.tlog-play.out",
		    path);
		if (exists(golden)) {
			check_golden(path, golden, 0);
			nchecked++;
		}
		for (n = 1;; n++) {
			(void)snprintf(golden, sizeof(golden),
			    "%s/%.*s.%zu.tlog-play.out", dir, (int)(l - 5),
			    de->d_name, n);
			if (!exists(golden))
				break;
			check_golden(path, golden, n);
			nchecked++;
		}
	}
	closedir(d);
	/* The three samples and hand-escapes at least. */
	if (nchecked < 4)
		fail_msg("only %zu goldens found in %s", nchecked, dir);
}

/*
 * Metadata and exact event sequences of real recordings.
 */

static const struct fixture_case {
	const char *file;
	const char *want;
} fixture_cases[] = {
	{ "pipe-binary.json",
	    "S 310206c72ddf4de88a051887e16f1ca7-1c08-a865 actor=root "
	    "host=vm term=xterm start=1795577830717000000 dur=1 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "o 0 \"hello\\x0a\" @1:1\n"
	    /* >157]2/2>8]1/2>51 after +1: one event, FF FE and E2 82 */
	    "o 1+B \"bin\\x0aboot\\x0acontainer_info.json\\x0adev\\x0aetc"
	    "\\x0afarm\\x0ahome\\x0alib\\x0alib32\\x0alib64\\x0alost+found"
	    "\\x0amedia\\x0amnt\\x0aold_root\\x0aopt\\x0aproc\\x0apyenv-"
	    "installer\\x0aroot\\x0arun\\x0asbin\\x0asrv\\x0asys\\x0atmp"
	    "\\x0ausr\\x0avar\\x0awork\\x0a\\xff\\xfe binary \\xe2\\x82"
	    " trunc \\xe2\\x82\\xac euro \\x1b[31mred\\x1b[0m tab\\x09here "
	    "\\x22q\\x22 back\\x5cslash\\x0a\" @1:1\n" },
	{ "split-utf8-payload128.json",
	    "S 310206c72ddf4de88a051887e16f1ca7-2034-b4c9 actor=root "
	    "host=vm term=xterm start=1795577862438000000 dur=403 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    /* the emoji counts as one character; C0 80 and ED A0 80 */
	    "o 0+B \"line 1: \\xce\\xb1\\xce\\xb2\\xce\\xb3\\xe2\\x80\\x94"
	    "\\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80 \\x01\\x02\\x7f \\xc0\\x80"
	    " overlong \\xed\\xa0\\x80 surrogate\\x0a\" @1:1\n"
	    "o 201 \"line\" @1:1\n"
	    "o 201+B \" 2: \\xce\\xb1\\xce\\xb2\\xce\\xb3\\xe2\\x80\\x94"
	    "\\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80 \\x01\\x02\\x7f \\xc0\\x80"
	    " overlong \\xed\\xa0\\x80 surrogate\\x0a\" @2:2\n"
	    "o 402 \"line 3: \" @2:2\n"
	    "o 403+B \"\\xce\\xb1\\xce\\xb2\\xce\\xb3\\xe2\\x80\\x94"
	    "\\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80 \\x01\\x02\\x7f \\xc0\\x80"
	    " overlong \\xed\\xa0\\x80 surrogate\\x0a\" @3:3\n" },
	{ "pty-input-resize.json",
	    "S 310206c72ddf4de88a051887e16f1ca7-1ec7-afbe actor=root "
	    "host=vm term=xterm-256color start=1795577849527000000 dur=6595 "
	    "geom=100x30 state=unknown tlog.ver=2.3\n"
	    "o 2 \"\\x1b[?2004hbash-5.2# \" @1:1\n"
	    /* input is written before output within a millisecond */
	    "i 3157 \"echo typed-input\\x0d\" @2:2\n"
	    "o 3157 \"echo typed-input\\x0d\\x0a\\x1b[?2004l\\x0dtyped-input"
	    "\\x0d\\x0a\\x1b[?2004hbash-5.2# \" @2:2\n"
	    "r 3661 80x24 @2:2\n"
	    "o 3661 \"\\x0d\\x1b[K\\x0dbash-5.2# \" @2:2\n"
	    "i 4168 \"stty size; printf \\x22caf\\x5c303\\x5c251 \\x5c377"
	    "\\x5cn\\x22\\x0d\" @3:3\n"
	    "o 4168 \"stty size; printf \\x22caf\\x5c303\\x5c251 \\x5c377"
	    "\\x5cn\\x22\\x0d\\x0a\\x1b[?2004l\\x0d\" @3:3\n"
	    "o 4169+B \"24 80\\x0d\\x0acaf\\xc3\\xa9 \\xff\\x0d\\x0a\\x1b"
	    "[?2004hbash-5.2# \" @3:3\n"
	    "r 5374 132x43 @4:4\n"
	    "o 5374 \"\\x0d\\x1b[K\\x0dbash-5.2# \" @4:4\n"
	    "i 5679 \"cat\\x0d\" @4:4\n"
	    "o 5679 \"cat\\x0d\\x0a\\x1b[?2004l\\x0d\" @4:4\n"
	    "i 5984 \"secret\\x0d\" @4:4\n"
	    "o 5984 \"secret\\x0d\\x0asecret\\x0d\\x0a\" @4:4\n"
	    "i 6288 \"\\x04\" @4:4\n"
	    "o 6288 \"\\x1b[?2004hbash-5.2# \" @4:4\n"
	    "i 6595 \"exit\\x0d\" @5:5\n"
	    "o 6595 \"exit\\x0d\\x0a\\x1b[?2004l\\x0dexit\\x0d\\x0a\" @5:5\n" },
	{ "interleaved.json",
	    "S 05eaa202faaf4015acbb3d1086898c40-53df-154ef actor=root "
	    "host=vm term=xterm start=1795581658469000000 dur=2202 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "o 0 \"A-tick-1\\x0a\" @1:1\n"
	    "o 1101 \"A-tick-2\\x0a\" @3:2\n"
	    "o 2202 \"A-tick-3\\x0a\" @5:3\n"
	    "S 05eaa202faaf4015acbb3d1086898c40-53e3-1550d actor=root "
	    "host=vm term=xterm start=1795581658772000000 dur=2203 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "o 0 \"B-tick-1\\x0a\" @2:1\n"
	    "o 1101 \"B-tick-2\\x0a\" @4:2\n"
	    "o 2203 \"B-tick-3\\x0a\" @6:3\n" },
	{ "two-recs.json",
	    "S 05eaa202faaf4015acbb3d1086898c40-53e7-1552c actor=root "
	    "host=vm term=xterm start=1795581659073000000 dur=0 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "o 0 \"first recording\\x0a\\x1b[32mgreen\\x1b[0m pipe mode"
	    "\\x0a\" @1:1\n"
	    "S 05eaa202faaf4015acbb3d1086898c40-53ef-1552d actor=root "
	    "host=vm term=tmux-256color start=1795581659094000000 dur=201 "
	    "geom=80x24 state=unknown tlog.ver=2.3\n"
	    "o 0 \"second recording\\x0d\\x0a\" @2:1\n"
	    "o 201 \"\\x1b[1;33myellow\\x1b[0m pty mode\\x0d\\x0a\" @2:1\n" },
};

static void
test_fixtures(void **state)
{
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	static struct tr t;
	char path[4096];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(fixture_cases); i++) {
		const struct fixture_case *c = &fixture_cases[i];

		(void)snprintf(path, sizeof(path), "tests/data/tlog/%s",
		    c->file);
		strlcpy(path, unit_srcpath(path), sizeof(path));
		t.len = 0;
		t.s[0] = '\0';
		t.woff = -2;
		assert_non_null(ctx = sr_ctx_new());
		sr_ctx_set_diag(ctx, tr_diag, &t);
		if (sr_input_open(ctx, path, &in, &err) != SR_OK)
			fail_msg("%s: cannot open: %s", c->file, err.msg);
		read_all(ctx, in, sr_input_member(in, 0)->name, &t, NULL, 0);
		compare(c->file, c->want, &t);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Real damaged fixtures: only the warnings and the session state matter.
 */
static const struct damaged_case {
	const char *file;
	const char *want_warnings; /* the W lines, in order */
	int64_t want_offset;	   /* of the first warning */
	const char *want_state;
	size_t want_events;
} damaged_cases[] = {
	{ "tlog/truncated.json",
	    "W truncated 9:9: last line is truncated (the recorder may have "
	    "died): unterminated JSON string\n",
	    3636, "incomplete", 19 }, /* the unterminated string */
	{ "tlog/idgap.json", "W format 5:6: message 5 missing\n", 1968,
	    "unknown", 22 },
	{ "tlog/multi-msg.json", "", -2, "unknown", 23 },
	/* Hand-damaged (tests/data/bad/README): the byte at fault. */
	{ "bad/tlog-invalid-json.json",
	    "W format 2:2: message skipped: JSON object key expected\n", 379,
	    "unknown", 2 },
	{ "bad/tlog-timing-overrun.json",
	    "W format 1:1: rest of message dropped: timing string asks for 23 "
	    "characters, out_txt has 9\n",
	    0, "unknown", 2 },
};

static void
test_damaged(void **state)
{
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	static struct tr t;
	char path[4096], warn[8192], *p, *nl;
	size_t i, nev;

	(void)state;
	for (i = 0; i < nitems(damaged_cases); i++) {
		const struct damaged_case *c = &damaged_cases[i];

		(void)snprintf(path, sizeof(path), "tests/data/%s", c->file);
		strlcpy(path, unit_srcpath(path), sizeof(path));
		t.len = 0;
		t.s[0] = '\0';
		t.woff = -2;
		assert_non_null(ctx = sr_ctx_new());
		sr_ctx_set_diag(ctx, tr_diag, &t);
		if (sr_input_open(ctx, path, &in, &err) != SR_OK)
			fail_msg("%s: cannot open: %s", c->file, err.msg);
		read_all(ctx, in, sr_input_member(in, 0)->name, &t, NULL, 0);
		if (t.woff != c->want_offset)
			fail_msg("%s: first warning at offset %lld, want %lld",
			    c->file, (long long)t.woff,
			    (long long)c->want_offset);
		warn[0] = '\0';
		nev = 0;
		for (p = t.s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			if (*p == 'W')
				(void)strncat(warn, p, (size_t)(nl - p + 1));
			if (*p == 'o' || *p == 'i' || *p == 'r')
				nev++;
		}
		if (strcmp(warn, c->want_warnings) != 0)
			fail_msg("%s: warnings\n--- want\n%s--- got\n%s",
			    c->file, c->want_warnings, warn);
		if (strstr(t.s, c->want_state) == NULL)
			fail_msg("%s: state %s wanted\n%s", c->file,
			    c->want_state, t.s);
		if (nev != c->want_events)
			fail_msg("%s: %zu events, want %zu\n%s", c->file, nev,
			    c->want_events, t.s);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Hand-made messages.  MSG(rec, id, pos, timing, out_txt, out_bin) is a
 * message as tlog-rec writes it; the others vary one thing.
 */
#define HEAD(rec)                                                              \
	"{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"" rec "\",\"user\":\"u\","  \
	"\"term\":\"xterm\",\"session\":7,"
#define MSG(rec, id, pos, timing, txt, bin)                                    \
	HEAD(rec)                                                              \
	"\"id\":" #id ",\"pos\":" #pos ",\"time\":1700000000.250,"             \
	"\"timing\":\"" timing "\",\"in_txt\":\"\",\"in_bin\":[],"             \
	"\"out_txt\":\"" txt "\",\"out_bin\":[" bin "]}\n"
#define MSGI(rec, id, pos, timing, itxt, ibin, txt)                            \
	HEAD(rec)                                                              \
	"\"id\":" #id ",\"pos\":" #pos ",\"time\":1700000000.250,"             \
	"\"timing\":\"" timing "\",\"in_txt\":\"" itxt "\",\"in_bin\":[" ibin  \
	"],\"out_txt\":\"" txt "\",\"out_bin\":[]}\n"
#define SESS(rec, start, dur, geom)                                            \
	"S " rec " actor=u host=h term=xterm start=" start " dur=" #dur        \
	" geom=" geom " state=unknown tlog.session=7 tlog.ver=2.3\n"
#define START0 "1700000000250000000"

static const struct hand_case {
	const char *name;
	const char *in;
	uint64_t linemax, evmax;
	const char *want;
} hand_cases[] = {
	{ "one message", MSG("A", 1, 0, ">2", "hi", ""), 0, 0,
	    SESS("A", START0, 0, "-") "o 0 \"hi\" @1:1\n" },
	{ "two recordings appended",
	    MSG("A", 1, 0, ">2", "a1", "") MSG("A", 2, 10, ">2", "a2", "")
		MSG("B", 1, 0, ">2", "b1", "") MSG("B", 2, 5, "+3>2", "b2", ""),
	    0, 0,
	    SESS("A", START0, 10, "-") "o 0 \"a1\" @1:1\n"
				       "o 10 \"a2\" @2:2\n" SESS("B", START0, 8,
					   "-") "o 0 \"b1\" @3:1\n"
						"o 8 \"b2\" @4:2\n" },
	{ "interleaved recordings",
	    MSG("A", 1, 0, ">2", "a1", "") MSG("B", 1, 0, ">2", "b1", "")
		MSG("A", 2, 10, ">2", "a2", "") "\n" MSG("B", 2, 20, ">2", "b2",
		    "") MSG("A", 3, 30, ">2", "a3", ""),
	    0, 0,
	    SESS("A", START0, 30, "-") "o 0 \"a1\" @1:1\n"
				       "o 10 \"a2\" @3:2\n"
				       "o 30 \"a3\" @6:3\n" SESS("B", START0,
					   20, "-") "o 0 \"b1\" @2:1\n"
						    "o 20 \"b2\" @5:2\n" },
	{ "same rec on two hosts is two recordings",
	    MSG("A", 1, 0, ">2", "a1",
		"") "{\"ver\":\"2.3\",\"host\":\"other\",\"rec\":\"A\","
		    "\"user\":\"u\","
		    "\"term\":\"\",\"id\":1,\"pos\":0,\"timing\":\">2\","
		    "\"out_txt\":\"o1\",\"out_bin\":[]}\n",
	    0, 0,
	    SESS("A", START0, 0,
		"-") "o 0 \"a1\" @1:1\n"
		     "S A actor=u host=other term=- start=- dur=0 geom=- "
		     "state=unknown tlog.ver=2.3\n"
		     "o 0 \"o1\" @2:1\n" },
	{ "id gap",
	    MSG("A", 1, 0, ">2", "a1", "") MSG("A", 4, 10, ">2", "a4", "")
		MSG("A", 6, 20, ">2", "a6", ""),
	    0, 0,
	    SESS("A", START0, 20, "-") "o 0 \"a1\" @1:1\n"
				       "W format 2:4: messages 2..3 missing\n"
				       "o 10+G \"a4\" @2:4\n"
				       "W format 3:6: message 5 missing\n"
				       "o 20+G \"a6\" @3:6\n" },
	{ "id out of order",
	    MSG("A", 2, 0, ">2", "a2", "") MSG("A", 1, 10, ">2", "a1", ""), 0,
	    0,
	    SESS("A", START0, 10,
		"-") "o 0 \"a2\" @1:2\n"
		     "W format 2:1: message id 1 out of order after 2\n"
		     "o 10 \"a1\" @2:1\n" },
	{ "truncated last line",
	    MSG("A", 1, 0, ">2", "a1", "") HEAD(
		"A") "\"id\":2,\"pos\":5,\"timing\":\">3\",\"out_txt\":\"ab",
	    0, 0,
	    "S A actor=u host=h term=xterm start=" START0 " dur=0 geom=- "
	    "state=incomplete tlog.session=7 tlog.ver=2.3\n"
	    "o 0 \"a1\" @1:1\n"
	    "W truncated 2:2: last line is truncated (the recorder may have "
	    "died): unterminated JSON string\n" },
	{ "a cut line goes with the recording it names",
	    MSG("A", 1, 0, ">2", "a1", "") MSG("B", 1, 0, ">2", "b1", "")
		HEAD("A") "\"id\":2,\"pos\":5,\"tim",
	    0, 0,
	    "S A actor=u host=h term=xterm start=" START0 " dur=0 geom=- "
	    "state=incomplete tlog.session=7 tlog.ver=2.3\n"
	    "o 0 \"a1\" @1:1\n"
	    "W truncated 3:2: last line is truncated (the recorder may have "
	    "died): unterminated JSON string\n" SESS("B", START0, 0,
		"-") "o 0 \"b1\" @2:1\n" },
	{ "a broken line goes with the recording it names",
	    MSG("A", 1, 0, ">2", "a1", "") MSG("B", 1, 0, ">2", "b1", "") HEAD(
		"A") "\"id\":2,\"pos\":5 oops}\n" MSG("B", 2, 5, ">2", "b2", "")
		MSG("A", 3, 9, ">2", "a3", ""),
	    0, 0,
	    SESS("A", START0, 9, "-") "o 0 \"a1\" @1:1\n"
				      "W format 3:2: message skipped: ',' or "
				      "'}' expected in JSON "
				      "object\n"
				      "o 9+G \"a3\" @5:3\n" SESS("B", START0, 5,
					  "-") "o 0 \"b1\" @2:1\n"
					       "o 5 \"b2\" @4:2\n" },
	{ "complete last line without newline",
	    MSG("A", 1, 0, ">2", "a1",
		"") "{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"A\",\"id\":2,"
		    "\"pos\":5,"
		    "\"timing\":\">2\",\"out_txt\":\"a2\",\"out_bin\":[]}",
	    0, 0,
	    SESS("A", START0, 5, "-") "o 0 \"a1\" @1:1\n"
				      "o 5 \"a2\" @2:2\n" },
	{ "only a truncated line",
	    HEAD("A") "\"id\":2,\"pos\":5,\"timing\":\">3\",\"out_txt\":\"ab",
	    0, 0,
	    "O -2 format 1:-1: no tlog message found: unterminated JSON "
	    "string\n" },
	{ "bad timing record",
	    MSG("A", 1, 0, ">2x", "a1", "") MSG("A", 2, 10, ">1+", "b", "")
		MSG("A", 3, 20, ">1=80", "c", "")
		    MSG("A", 4, 30, ">2", "a4", ""),
	    0, 0,
	    "S A actor=u host=h term=xterm start=1700000000220000000 dur=30 "
	    "geom=- state=unknown tlog.session=7 tlog.ver=2.3\n"
	    "W format 1:1: message skipped: bad timing record 'x' at "
	    "character 2\n"
	    "W format 2:2: message skipped: bad timing record '+' at "
	    "character 2: digits expected\n"
	    "W format 3:3: message skipped: bad timing record '=80' at "
	    "character 2: digits expected\n"
	    "o 30+G \"a4\" @4:4\n" },
	{ "timing numbers out of range",
	    MSG("A", 1, 0, "=65536x24>2", "a1", "")
		MSG("A", 2, 10, ">99999999999999999999", "a2", "")
		    MSG("A", 3, 20, ">2", "a3", ""),
	    0, 0,
	    "S A actor=u host=h term=xterm start=1700000000230000000 dur=20 "
	    "geom=- state=unknown tlog.session=7 tlog.ver=2.3\n"
	    "W format 1:1: message skipped: bad timing record '=65536' at "
	    "character 0: number too large\n"
	    "W format 2:2: message skipped: bad timing record "
	    "'>99999999999999999999' at character 0: number too large\n"
	    "o 20+G \"a3\" @3:3\n" },
	{ "timing asks for more characters than out_txt has",
	    MSG("A", 1, 0, ">2+1>5", "abcde", "")
		MSG("A", 2, 10, ">2", "a2", ""),
	    0, 0,
	    SESS("A", START0, 10, "-") "o 0 \"ab\" @1:1\n"
				       "W format 1:1: rest of message dropped: "
				       "timing string asks for "
				       "7 characters, out_txt has 5\n"
				       "o 1 \"cde\" @1:1\n"
				       "o 10+G \"a2\" @2:2\n" },
	{ "timing asks for more bytes than out_bin has",
	    MSG("A", 1, 0, ">1]1/3", "a\xef\xbf\xbd", "255")
		MSG("A", 2, 10, ">2", "a2", ""),
	    0, 0,
	    SESS("A", START0, 10, "-") "W format 1:1: message skipped: timing "
				       "string asks for 3 bytes, "
				       "out_bin has 1\n"
				       "o 10+G \"a2\" @2:2\n" },
	{ "surplus text and bytes are reported, not played",
	    MSG("A", 1, 0, ">2", "abcdef", "1,2")
		MSG("A", 2, 10, ">2", "a2", ""),
	    0, 0,
	    SESS("A", START0, 10, "-") "W format 1:1: out_txt has 4 "
				       "characters the timing does not "
				       "cover\n"
				       "W format 1:1: out_bin has 2 bytes "
				       "the timing does not cover\n"
				       "o 0 \"ab\" @1:1\n"
				       "o 10+G \"a2\" @2:2\n" },
	{ "surplus text after a skip record",
	    MSG("A", 1, 0, ">1]1/1", "a\uFFFDxy", "200"), 0, 0,
	    SESS("A", START0, 0, "-") "W format 1:1: out_txt has 2 "
				      "characters the timing does not "
				      "cover\n"
				      "o 0+B \"a\\xc8\" @1:1\n" },
	{ "escapes and surrogate pairs count as characters",
	    MSG("A", 1, 0, ">10",
		"a\\uD83D\\uDE00b\\u00e9\\ud800\\n\\t\\/\\\"\\\\", ""),
	    0, 0,
	    SESS("A", START0, 0, "-") "o 0 "
				      "\"a\\xf0\\x9f\\x98\\x80b\\xc3\\xa9\\xef"
				      "\\xbf\\xbd\\x0a\\x09/"
				      "\\x22\\x5c\" @1:1\n" },
	{ "raw non-UTF-8 in out_txt passes through as characters",
	    MSG("A", 1, 0, ">3",
		"a\xff"
		"b",
		""),
	    0, 0, SESS("A", START0, 0, "-") "o 0+B \"a\\xffb\" @1:1\n" },
	{ "bad escape in out_txt",
	    MSG("A", 1, 0, ">2+1>2", "ab\\qc", "")
		MSG("A", 2, 10, ">2", "a2", ""),
	    0, 0,
	    SESS("A", START0, 10, "-") "o 0 \"ab\" @1:1\n"
				       "W format 1:1: rest of message dropped: "
				       "bad escape in out_txt\n"
				       "o 10+G \"a2\" @2:2\n" },
	{ "binary runs merge with text; +0 does not split",
	    MSG("A", 1, 0, ">2]1/1+0>2]2/2",
		"ab\xef\xbf\xbd"
		"cd\xef\xbf\xbd\xef\xbf\xbd",
		"255,1,2"),
	    0, 0,
	    SESS("A", START0, 0, "-") "o 0+B \"ab\\xffcd\\x01\\x02\" @1:1\n" },
	{ "input, output and binary input",
	    MSGI("A", 1, 0, "<2[1/1+5>2<1",
		"ab\xef\xbf\xbd"
		"c",
		"254", "xy"),
	    0, 0,
	    SESS("A", START0, 5, "-") "i 0+B \"ab\\xfe\" @1:1\n"
				      "o 5 \"xy\" @1:1\n"
				      "i 5 \"c\" @1:1\n" },
	{ "windows: first is the geometry, repeats are dropped",
	    MSG("A", 1, 0, "=80x24>1+5=80x24>1", "ab", "")
		MSG("A", 2, 10, "=80x24+2=100x30>1", "c", "")
		    MSG("A", 3, 20, "=100x30>1", "d", ""),
	    0, 0,
	    SESS("A", START0, 20, "80x24") "o 0 \"a\" @1:1\n"
					   "o 5 \"b\" @1:1\n"
					   "r 12 100x30 @2:2\n"
					   "o 12 \"c\" @2:2\n"
					   "o 20 \"d\" @3:3\n" },
	{ "empty runs make no event", MSG("A", 1, 0, ">0+5>1<0", "x", ""), 0, 0,
	    SESS("A", START0, 5, "-") "o 5 \"x\" @1:1\n" },
	{ "pos going backwards is clamped",
	    MSG("A", 1, 100, "+50>1", "a", "") MSG("A", 2, 120, ">1", "b", ""),
	    0, 0,
	    "S A actor=u host=h term=xterm start=1700000000150000000 dur=150 "
	    "geom=- state=unknown tlog.session=7 tlog.ver=2.3\n"
	    "o 150 \"a\" @1:1\n"
	    "W format 2:2: time goes backwards: pos 120 is before the end of "
	    "the previous message at 150\n"
	    "o 150 \"b\" @2:2\n" },
	{ "events split at the event limit",
	    MSG("A", 1, 0, ">20+1>6",
		"0123456789abcdefghij\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9",
		""),
	    0, 16,
	    SESS("A", START0, 1, "-") "o 0 \"0123456789abcdef\" @1:1\n"
				      "o 0 \"ghij\" @1:1\n"
				      "o 1 "
				      "\"\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\x"
				      "a9\\xc3\\xa9\\xc3\\xa9"
				      "\" @1:1\n" },
	{ "over-long line is skipped",
	    MSG("A", 1, 0, ">2", "a1", "") MSG("A", 2, 10, ">80",
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789",
		"") MSG("A", 3, 20, ">2", "a3", ""),
	    200, 0,
	    SESS("A", START0, 20, "-") "o 0 \"a1\" @1:1\n"
				       "W limit 2:-1: line longer than the "
				       "line limit of 200 bytes "
				       "skipped\n"
				       "o 20+G \"a3\" @3:3\n" },
	{ "only over-long lines", MSG("A", 1, 0, ">2", "a1", ""), 100, 0,
	    "O -2 limit 1:-1: no tlog message found: line longer than the "
	    "line limit of 100 bytes\n" },
	{ "unsupported version only",
	    "{\"ver\":\"3.0\",\"rec\":\"A\",\"id\":1,\"pos\":0,\"timing\":\">"
	    "1\","
	    "\"out_txt\":\"x\",\"out_bin\":[]}\n",
	    0, 0, "F unsupported 1:1: unsupported tlog log version '3.0'\n" },
	{ "unsupported version among good messages",
	    "{\"ver\":\"3.0\",\"rec\":\"A\",\"id\":1,\"pos\":0,\"timing\":\">"
	    "1\","
	    "\"out_txt\":\"x\",\"out_bin\":[]}\n"
	    "{\"ver\":\"2.9\",\"rec\":\"A\",\"id\":2,\"pos\":5,\"timing\":\">"
	    "1\","
	    "\"out_txt\":\"y\",\"out_bin\":[]}\n"
	    "{\"ver\":2,\"rec\":\"A\",\"id\":3,\"pos\":6,\"timing\":\">1\","
	    "\"out_txt\":\"z\",\"out_bin\":[]}\n",
	    0, 0,
	    "S A actor=- host=- term=- start=- dur=6 geom=- state=unknown "
	    "tlog.ver=2.9\n"
	    "W unsupported 1:1: message skipped: unsupported tlog log version "
	    "'3.0'\n"
	    "o 5+G \"y\" @2:2\n"
	    "o 6 \"z\" @3:3\n" },
	{ "bad versions",
	    "{\"ver\":\"x\",\"rec\":\"A\",\"id\":1,\"pos\":0,\"timing\":\"\"}\n"
	    "{\"ver\":\"2.\",\"rec\":\"A\",\"id\":2,\"pos\":0,\"timing\":\"\"}"
	    "\n"
	    "{\"ver\":-2,\"rec\":\"A\",\"id\":3,\"pos\":0,\"timing\":\"\"}\n",
	    0, 0, "F format 1:1: bad version 'x'\n" },
	{ "missing keys",
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":1,\"pos\":0}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":2,\"timing\":\">1\"}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"pos\":0,\"timing\":\">1\"}\n"
	    "{\"rec\":\"A\",\"id\":4,\"pos\":0,\"timing\":\">1\"}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":5,\"pos\":0,\"timing\":"
	    "\">1\"}\n",
	    0, 0,
	    "S A actor=- host=- term=- start=- dur=0 geom=- state=unknown "
	    "tlog.ver=2.3\n"
	    "W format 1:1: message skipped: message has no 'timing'\n"
	    "W format 2:2: message skipped: message has no 'pos'\n"
	    "W format 3:-1: message skipped: message has no 'id'\n"
	    "W format 4:4: message skipped: message has no 'ver'\n"
	    "W format 5:5: rest of message dropped: timing string asks for 1 "
	    "characters, out_txt has 0\n" },
	{ "wrong types and ranges",
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":\"1\",\"pos\":0,\"timing\":"
	    "\"\"}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":2,\"pos\":-1,\"timing\":"
	    "\"\"}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":3,\"pos\":1.5,\"timing\":"
	    "\"\"}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":4,\"pos\":0,\"timing\":[]}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":5,\"pos\":0,\"timing\":true}"
	    "\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":6,\"pos\":0,\"timing\":\"\","
	    "\"out_bin\":[256]}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":7,\"pos\":0,\"timing\":\"\","
	    "\"time\":-1}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":8,\"pos\":9223372036855,"
	    "\"timing\":\"\"}\n"
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":9,\"pos\":0,\"timing\":\"\","
	    "\"time\":1.7e9}\n",
	    0, 0,
	    "S A actor=- host=- term=- start=1700000000000000000 dur=0 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "W format 1:-1: message skipped: key 'id' has the wrong type\n"
	    "W format 2:2: message skipped: bad pos '-1'\n"
	    "W format 3:3: message skipped: bad pos '1.5'\n"
	    "W format 4:4: message skipped: key 'timing' has the wrong type\n"
	    "W format 5:5: message skipped: key 'timing' has the wrong type\n"
	    "W format 6:6: message skipped: binary array holds something "
	    "other than bytes\n"
	    "W format 7:7: message skipped: bad time '-1'\n"
	    "W format 8:8: message skipped: bad pos '9223372036855'\n" },
	{ "garbage and blank lines",
	    "not json\n\n" MSG("A", 1, 0, ">2", "a1",
		"") "\n  \n"
		    "[1,2]\n" MSG("A", 2, 10, ">2", "a2",
			"") "{\"a\":{\"b\":[1,{\"c\":null}]},\"ver\":\"2.3\","
			    "\"rec\":\"A\",\"host\":\"h\","
			    "\"id\":3,\"pos\":20,\"timing\":\">2\",\"out_txt\":"
			    "\"a3\","
			    "\"x\":[true,false,-1.5e3,\"s\\\"\"]}\n",
	    0, 0,
	    SESS("A", START0, 20,
		"-") "W format 1:-1: message skipped: not a JSON object\n"
		     "o 0+G \"a1\" @3:1\n"
		     "W format 6:-1: message skipped: not a JSON object\n"
		     "o 10+G \"a2\" @7:2\n"
		     "o 20 \"a3\" @8:3\n" },
	{ "hostile JSON",
	    MSG("A", 1, 0, ">2", "a1",
		"") "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":2,\"pos\":0,\"pos\":"
		    "1,"
		    "\"timing\":\"\"}\n"
		    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":3,\"pos\":0,"
		    "\"timing\":\"\","
		    "\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		    "[[[[[["
		    "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		    "]]]"
		    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n"
		    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":4,\"pos\":0,"
		    "\"timing\":\"\"} x\n"
		    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":5,\"pos\":0,"
		    "\"timing\":\"\",}\n"
		    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":6,\"pos\":0,"
		    "\"timing\":\"\\",
	    0, 0,
	    "S A actor=u host=h term=xterm start=" START0 " dur=0 geom=- "
	    "state=incomplete tlog.session=7 tlog.ver=2.3\n"
	    "o 0 \"a1\" @1:1\n"
	    "W format 2:2: message skipped: duplicate key 'pos'\n"
	    "W format 3:3: message skipped: JSON nested too deeply\n"
	    "W format 4:4: message skipped: unexpected data after the JSON "
	    "object\n"
	    "W format 5:5: message skipped: JSON object key expected\n"
	    "W truncated 6:6: last line is truncated (the recorder may have "
	    "died): unterminated JSON string\n" },
	{ "keys spelled with escapes",
	    "{\"\\u0076er\":\"2.3\",\"r\\u0065c\":\"A\",\"id\":1,\"pos\":0,"
	    "\"timing\":\">1\",\"out_txt\":\"x\",\"out_bin\":[]}\n",
	    0, 0,
	    "S A actor=- host=- term=- start=- dur=0 geom=- state=unknown "
	    "tlog.ver=2.3\n"
	    "o 0 \"x\" @1:1\n" },
	{ "escaped rec and host identify the same recording",
	    "{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"A\",\"id\":1,\"pos\":0,"
	    "\"timing\":\">1\",\"out_txt\":\"x\"}\n"
	    "{\"ver\":\"2.3\",\"host\":\"\\u0068\",\"rec\":\"\\u0041\",\"id\":"
	    "2,"
	    "\"pos\":1,\"timing\":\">1\",\"out_txt\":\"y\"}\n",
	    0, 0,
	    "S A actor=- host=h term=- start=- dur=1 geom=- state=unknown "
	    "tlog.ver=2.3\n"
	    "o 0 \"x\" @1:1\n"
	    "o 1 \"y\" @2:2\n" },
	{ "recordings without rec are named after the file",
	    "{\"ver\":\"2.3\",\"host\":\"h1\",\"id\":1,\"pos\":0,\"timing\":"
	    "\">1\",\"out_txt\":\"x\",\"session\":4294967295}\n"
	    "{\"ver\":\"2.3\",\"host\":\"h2\",\"id\":1,\"pos\":0,\"timing\":"
	    "\">1\",\"out_txt\":\"y\",\"session\":12}\n",
	    0, 0,
	    "S mem.json#1 actor=- host=h1 term=- start=- dur=0 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "o 0 \"x\" @1:1\n"
	    "S mem.json#2 actor=- host=h2 term=- start=- dur=0 geom=- "
	    "state=unknown tlog.session=12 tlog.ver=2.3\n"
	    "o 0 \"y\" @2:1\n" },
	{ "one recording without rec",
	    "{\"ver\":\"2.3\",\"id\":1,\"pos\":0,\"timing\":\">1\",\"out_txt\":"
	    "\"x\",\"time\":5}\n",
	    0, 0,
	    "S mem.json actor=- host=- term=- start=5000000000 dur=0 geom=- "
	    "state=unknown tlog.ver=2.3\n"
	    "o 0 \"x\" @1:1\n" },
	{ "timing with white space and escapes",
	    MSG("A", 1, 0, " >1\\n+2\\t>1 ", "ab", ""), 0, 0,
	    SESS("A", START0, 2, "-") "o 0 \"a\" @1:1\n"
				      "o 2 \"b\" @1:1\n" },
	{ "not tlog at all",
	    "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
	    "[0.5, \"o\", \"hi\"]\n",
	    0, 0,
	    "O -2 format 1:-1: no tlog message found: message has no "
	    "'ver'\n" },
	{ "empty file", "", 0, 0, "" },
	{ "blank lines only", "\n \n\t\n", 0, 0, "" },
};

static void
test_hand(void **state)
{
	static struct tr t;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(hand_cases); i++) {
		const struct hand_case *c = &hand_cases[i];
		char what[256];

		read_mem("mem.json", c->in, strlen(c->in), c->linemax, c->evmax,
		    &t);
		(void)snprintf(what, sizeof(what), "case %zu (%s)", i, c->name);
		compare(what, c->want, &t);
	}
}

/* Many interleaved recordings: the hash and the runs hold up. */
static void
test_many_recordings(void **state)
{
	static struct tr t;
	struct sr_buf in, want;
	size_t i, round;
	int n;

	(void)state;
	sr_buf_init(&in, 1 << 24);
	sr_buf_init(&want, 1 << 24);
	for (round = 1; round <= 3; round++)
		for (i = 0; i < 300; i++)
			(void)sr_buf_printf(&in,
			    "{\"ver\":\"2.3\",\"rec\":\"r%zu\",\"id\":%zu,"
			    "\"pos\":%zu,\"timing\":\">2\",\"out_txt\":"
			    "\"%zu%zu\"}\n",
			    i, round, round * 10, round, i % 10);
	for (i = 0; i < 300; i++) {
		(void)sr_buf_printf(&want,
		    "S r%zu actor=- host=- term=- start=- dur=30 geom=- "
		    "state=unknown tlog.ver=2.3\n",
		    i);
		for (round = 1; round <= 3; round++)
			(void)sr_buf_printf(&want,
			    "o %zu \"%zu%zu\" @%zu:%zu\n", round * 10, round,
			    i % 10, (round - 1) * 300 + i + 1, round);
	}
	read_mem("mem.json", in.data, in.len, 0, 0, &t);
	compare("300 interleaved recordings", want.data, &t);
	/* The session limit stops the index; the core reports it. */
	{
		struct sr_ctx *ctx;
		struct sr_input *inp;
		struct sr_error err;
		struct sr_reader *r;
		const struct sr_session *s;
		int st;

		assert_non_null(ctx = sr_ctx_new());
		sr_ctx_set_limit(ctx, SR_LIMIT_SESSIONS, 10);
		assert_int_equal(sr_input_open_mem(ctx, "m.json", in.data,
				     in.len, &inp, &err),
		    SR_OK);
		assert_int_equal(sr_reader_open(ctx, inp, "m.json",
				     sr_format_find("tlog"), &r, &err),
		    SR_OK);
		for (n = 0; (st = sr_reader_next_session(r, &s)) == SR_OK; n++)
			;
		if (n != 10 || st != SR_FATAL ||
		    sr_reader_error(r)->cat != SR_E_LIMIT)
			fail_msg("session limit: %d sessions, status %d", n,
			    st);
		sr_reader_close(r);
		sr_input_close(inp);
		sr_ctx_free(ctx);
	}
	sr_buf_release(&in);
	sr_buf_release(&want);
}

/* Leaving sessions early (skip_session) and then reading on. */
static void
test_skip(void **state)
{
	static const char data[] =
	    MSG("A", 1, 0, ">2", "a1", "") MSG("B", 1, 0, ">2", "b1", "")
		MSG("A", 2, 10, ">2", "a2", "") MSG("B", 2, 20, ">2", "b2", "");
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	struct sr_reader *r;
	const struct sr_session *s;
	const struct sr_event *ev;

	(void)state;
	assert_non_null(ctx = sr_ctx_new());
	assert_int_equal(sr_input_open_mem(ctx, "m.json", data,
			     sizeof(data) - 1, &in, &err),
	    SR_OK);
	assert_int_equal(sr_reader_open(ctx, in, "m.json", NULL, &r, &err),
	    SR_OK);
	assert_string_equal(sr_format_name(sr_reader_format(r)), "tlog");
	assert_int_equal(sr_reader_next_session(r, &s), SR_OK);
	assert_int_equal(sr_reader_next_event(r, &ev), SR_OK);
	assert_memory_equal(ev->data, "a1", 2);
	/* Leave A after one event; B starts from its first message. */
	assert_int_equal(sr_reader_next_session(r, &s), SR_OK);
	assert_string_equal(s->field[SR_F_SESSION_ID], "B");
	assert_int_equal(sr_reader_next_event(r, &ev), SR_OK);
	assert_memory_equal(ev->data, "b1", 2);
	assert_int_equal(sr_reader_next_event(r, &ev), SR_OK);
	assert_memory_equal(ev->data, "b2", 2);
	assert_int_equal(ev->t_ns, 20 * SR_NSEC_PER_MSEC);
	assert_int_equal(sr_reader_next_event(r, &ev), SR_EOF);
	assert_int_equal(sr_reader_next_session(r, &s), SR_EOF);
	sr_reader_close(r);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/*
 * Probing.
 */
static const struct probe_case {
	const char *name;
	const char *data; /* NULL: a first line longer than the peek */
	int names_only;
	int want;
} probe_cases[] = {
	{ "a tlog message", MSG("A", 1, 0, ">2", "hi", ""), 0, 100 },
	{ "after blank lines", "\n  \n" MSG("A", 1, 0, ">2", "hi", ""), 0,
	    100 },
	{ "pos instead of rec",
	    "{\"ver\":\"2.3\",\"id\":1,\"pos\":0,\"timing\":\"\"}", 0, 100 },
	{ "names only", MSG("A", 1, 0, ">2", "hi", ""), 1, 0 },
	{ "unsupported version",
	    "{\"ver\":\"3.0\",\"rec\":\"A\",\"id\":1,\"pos\":0,\"timing\":\"\"}"
	    "\n",
	    0, 80 },
	{ "bad timing",
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":1,\"pos\":0,\"timing\":\"?"
	    "\"}\n",
	    0, 80 },
	{ "cut short",
	    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":1,\"pos\":0,\"timing\":\">"
	    "5\","
	    "\"out_txt\":\"abc",
	    0, 80 },
	{ "longer than the peek", NULL, 0, 80 },
	{ "no timing", "{\"ver\":\"2.3\",\"rec\":\"A\",\"pos\":0}\n", 0, 0 },
	{ "no rec or pos", "{\"ver\":\"2.3\",\"timing\":\"\"}\n", 0, 0 },
	{ "asciicast", "{\"version\": 2, \"width\": 80, \"height\": 24}\n", 0,
	    0 },
	{ "empty", "", 0, 0 },
	{ "array", "[1, \"ver\", \"timing\", \"rec\"]\n", 0, 0 },
	{ "binary", "\x1f\x8b\x08\x00", 0, 0 },
};

static void
test_probe(void **state)
{
	struct sr_ctx *ctx;
	size_t i;

	(void)state;
	assert_non_null(ctx = sr_ctx_new());
	for (i = 0; i < nitems(probe_cases); i++) {
		const struct probe_case *c = &probe_cases[i];
		struct sr_input *in;
		struct sr_error err;
		struct sr_probe p;
		struct sr_buf big;
		const char *data = c->data;
		size_t len;
		int bid;

		sr_buf_init(&big, 1 << 20);
		if (data == NULL) {
			(void)sr_buf_printf(&big, "%s",
			    "{\"ver\":\"2.3\",\"rec\":\"A\",\"id\":1,\"pos\":0,"
			    "\"timing\":\">99999\",\"out_txt\":\"");
			while (big.len < 100000)
				(void)sr_buf_printf(&big, "%s",
				    "0123456789\\u001b[0m");
			(void)sr_buf_printf(&big, "\"}\n");
			data = big.data;
			len = big.len;
		} else
			len = strlen(data);
		if (sr_input_open_mem(ctx, "p.json", data, len, &in, &err) !=
		    SR_OK)
			fail_msg("case %zu: cannot open", i);
		memset(&p, 0, sizeof(p));
		p.ctx = ctx;
		p.in = in;
		p.member = "p.json";
		p.names_only = c->names_only;
		bid = sr_fmt_tlog.probe(&p);
		sr_stream_close(p.s);
		if (bid != c->want)
			fail_msg("case %zu (%s): bid %d, want %d", i, c->name,
			    bid, c->want);
		/* The whole table of formats agrees on tlog messages. */
		if (c->want == 100 &&
		    sr_probe_member(in, "p.json", &bid) != &sr_fmt_tlog)
			fail_msg("case %zu (%s): another format won", i,
			    c->name);
		sr_input_close(in);
		sr_buf_release(&big);
	}
	sr_ctx_free(ctx);
}

/*
 * lib/json.c: the shared jansson helpers (no test program of their own,
 * and tlog is their first user).
 */
static const struct json_case {
	const char *text;
	size_t max;
	int want; /* of sr_json_parse */
	enum sr_errcat cat;
	int64_t want_offset;  /* of the error, from a loc at offset 100 */
	const char *want_msg; /* a substring */
} json_cases[] = {
	{ "{\"a\":1}", 100, SR_OK, SR_E_NONE, -1, "" },
	{ "{\"a\":1}  \r\n", 100, SR_OK, SR_E_NONE, -1, "" },
	{ "[1, 2]", 100, SR_OK, SR_E_NONE, -1, "" },
	{ "{\"a\":1", 100, SR_FAILED, SR_E_FORMAT, 106, "invalid JSON" },
	{ "{\"a\":1}}", 100, SR_FAILED, SR_E_FORMAT, 108, "column 8" },
	{ "{\"a\":\"\\ud800\"}", 100, SR_FAILED, SR_E_FORMAT, 113,
	    "invalid JSON" },
	{ "{\"a\":1}", 3, SR_FAILED, SR_E_LIMIT, 100, "line limit of 3" },
};

static void
test_json_helpers(void **state)
{
	static const char big[] = "{\"s\":\"a\\u0000b\",\"i\":-3,\"r\":1.25,"
				  "\"t\":2,\"o\":{},\"a\":[],\"n\":null,"
				  "\"big\":1e300}";
	struct sr_error e;
	struct sr_loc loc;
	json_t *v;
	const char *str;
	size_t i, len;
	int64_t n;
	int st;

	(void)state;
	sr_loc_clear(&loc);
	loc.line = 7;
	loc.offset = 100;
	for (i = 0; i < nitems(json_cases); i++) {
		const struct json_case *c = &json_cases[i];

		sr_error_clear(&e);
		st = sr_json_parse(c->text, strlen(c->text), c->max, 0, &loc,
		    &v, &e);
		if (st != c->want || (st == SR_OK) != (v != NULL))
			fail_msg("json case %zu: status %d", i, st);
		json_decref(v);
		if (st == SR_OK)
			continue;
		if (e.cat != c->cat || e.loc.line != 7 ||
		    strstr(e.msg, c->want_msg) == NULL ||
		    (c->want_offset != -2 && e.loc.offset != c->want_offset))
			fail_msg("json case %zu: %s %s line %lld offset %lld",
			    i, sr_errcat_name(e.cat), e.msg,
			    (long long)e.loc.line, (long long)e.loc.offset);
	}

	st = sr_json_parse(big, strlen(big), 200, JSON_ALLOW_NUL, &loc, &v, &e);
	if (st != SR_OK)
		fail_msg("getters: %s", e.msg);
	assert_int_equal(sr_json_get_str(v, "s", &str, &len, &loc, &e), SR_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(str, "a\0b", 3);
	assert_int_equal(sr_json_get_str(v, "i", &str, &len, &loc, &e),
	    SR_FAILED);
	assert_string_equal(e.msg, "key 'i' is not a string");
	assert_int_equal(e.loc.line, 7);
	assert_int_equal(sr_json_get_str(v, "n", &str, &len, &loc, &e), SR_EOF);
	assert_int_equal(sr_json_get_str(v, "zz", &str, &len, &loc, &e),
	    SR_EOF);
	assert_int_equal(sr_json_get_int(v, "i", -5, 5, &n, &loc, &e), SR_OK);
	assert_int_equal(n, -3);
	assert_int_equal(sr_json_get_int(v, "i", 0, 5, &n, &loc, &e),
	    SR_FAILED);
	assert_string_equal(e.msg, "key 'i' is out of range: -3");
	assert_int_equal(sr_json_get_int(v, "r", 0, 5, &n, &loc, &e),
	    SR_FAILED);
	assert_int_equal(sr_json_get_seconds(v, "r", &n, &loc, &e), SR_OK);
	assert_int_equal(n, 1250000000);
	assert_int_equal(sr_json_get_seconds(v, "t", &n, &loc, &e), SR_OK);
	assert_int_equal(n, 2 * SR_NSEC_PER_SEC);
	assert_int_equal(sr_json_get_seconds(v, "i", &n, &loc, &e), SR_FAILED);
	assert_int_equal(sr_json_get_seconds(v, "big", &n, &loc, &e),
	    SR_FAILED);
	assert_int_equal(sr_json_get_seconds(v, "s", &n, &loc, &e), SR_FAILED);
	{
		json_t *o;

		assert_int_equal(sr_json_get_obj(v, "o", &o, &loc, &e), SR_OK);
		assert_int_equal(sr_json_get_obj(v, "a", &o, &loc, &e),
		    SR_FAILED);
		assert_int_equal(sr_json_get_arr(v, "a", &o, &loc, &e), SR_OK);
		assert_int_equal(sr_json_get_arr(v, "n", &o, &loc, &e), SR_EOF);
	}
	json_decref(v);
	assert_int_equal(sr_json_seconds_to_ns(0.0015, &n), 0);
	assert_int_equal(n, 1500000);
	assert_int_equal(sr_json_seconds_to_ns(-1.0, &n), -1);
	assert_int_equal(sr_json_seconds_to_ns(9.3e9, &n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_hand),
		cmocka_unit_test(test_many_recordings),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_json_helpers),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
