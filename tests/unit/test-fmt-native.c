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
 * lib/fmt/fmt-native.c, the native reader, and the tlog reader's
 * understanding of sessrec's sr_* keys (a .srec decoded with zstd is a
 * tlog file).
 *
 * Recordings are made here with the writer (sr_recw_*) from event lists,
 * then read back as transcripts: the session's metadata and every event
 * (type, time, flags, bytes) and warning, in order.  Damage is made by
 * hand: every truncation of a small recording, every flipped byte of a
 * data frame, and frames assembled from lib/native.c's encoders and
 * ZSTD_compress2 (a chunk changed behind its chain record, sizes that
 * lie or are missing, frames after the seal, foreign frames).
 */
#include <fcntl.h>
#include <unistd.h>

#include <zstd.h>

#include "native.h"
#include "unit.h"

#define MS SR_NSEC_PER_MSEC

/*
 * Transcripts.
 *   S <fields...>				the session
 *   o|i|r|z|c|m|e <t ms>[+B][+G][+M] "<data>"	output, input, resize,
 *						suspend, resume, marker, end
 *   W <category> @<offset>: <message>		warning
 *   F <category> @<offset>: <message>		session failed
 *   O <status> <category> @<offset>: <message>	open failed
 */
struct tr {
	char s[32768];
	size_t len;
	size_t nwarn;
	size_t ntorn; /* warnings about a torn chunk */
	int64_t torn_off;
	char ev[16384]; /* the event lines alone */
	size_t evlen;
	const struct sr_session *sess;
};

static void tr_add(struct tr *, const char *, ...) SR_PRINTF(2, 3);

static void
tr_vadd(char *s, size_t cap, size_t *len, const char *fmt, va_list ap)
{
	int n;

	n = vsnprintf(s + *len, cap - *len, fmt, ap);
	if (n > 0)
		*len += (size_t)n;
	if (*len >= cap)
		*len = cap - 1;
}

static void
tr_add(struct tr *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tr_vadd(t->s, sizeof(t->s), &t->len, fmt, ap);
	va_end(ap);
}

static void tr_ev(struct tr *, const char *, ...) SR_PRINTF(2, 3);

/* An event line goes to both the transcript and the event list. */
static void
tr_ev(struct tr *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tr_vadd(t->s, sizeof(t->s), &t->len, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	tr_vadd(t->ev, sizeof(t->ev), &t->evlen, fmt, ap);
	va_end(ap);
}

static void
tr_data(struct tr *t, const unsigned char *d, size_t n)
{
	size_t i;

	tr_ev(t, "\"");
	for (i = 0; i < n; i++) {
		if (d[i] >= 0x20 && d[i] < 0x7f && d[i] != '"' && d[i] != '\\')
			tr_ev(t, "%c", d[i]);
		else
			tr_ev(t, "\\x%02x", d[i]);
	}
	tr_ev(t, "\"");
}

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
	t->nwarn++;
	if (strstr(e->msg, "recording incomplete: torn chunk at offset ") !=
	    NULL) {
		if (t->ntorn++ == 0)
			t->torn_off = e->loc.offset;
	}
	tr_add(t, "W %s @%lld: %s\n", cat_name(e->cat),
	    (long long)e->loc.offset, e->msg);
}

static const char *
state_name(enum sr_state s)
{
	return (s == SR_STATE_COMPLETE	   ? "complete"
		: s == SR_STATE_INCOMPLETE ? "incomplete"
					   : "unknown");
}

static void
tr_session(struct tr *t, const struct sr_session *s)
{
	size_t i;

	tr_add(t, "S %s", s->format);
	for (i = 0; i < SR_F__COUNT; i++)
		if (s->field[i] != NULL)
			tr_add(t, " %s=%s", sr_field_name((enum sr_field)i),
			    s->field[i]);
	if (s->argv != NULL) {
		tr_add(t, " argv=");
		for (i = 0; i < s->argc; i++)
			tr_add(t, "%s%s", i ? "|" : "", s->argv[i]);
	}
	if (s->have & SR_HAVE_START)
		tr_add(t, " start=%lld", (long long)s->start_ns);
	if (s->have & SR_HAVE_DURATION)
		tr_add(t, " dur=%lld", (long long)s->duration_ns);
	if (s->have & SR_HAVE_GEOMETRY)
		tr_add(t, " geom=%ux%u", s->cols, s->rows);
	if (s->have & SR_HAVE_EXIT)
		tr_add(t, " exit=%d", s->exit_status);
	if (s->have & SR_HAVE_SIGNAL)
		tr_add(t, " signal=%s", s->exit_signal);
	tr_add(t, " state=%s", state_name(s->state));
	for (i = 0; i < s->nextras; i++) {
		const char *k = s->extras[i].key, *v = s->extras[i].value;

		/* The writer's rec_id is random. */
		if (strcmp(k, "sessrec.rec_id") == 0 && strlen(v) == 32 &&
		    strspn(v, "0123456789abcdef") == 32 &&
		    strcmp(v, "000102030405060708090a0b0c0d0e0f") != 0)
			v = "RANDOM";
		tr_add(t, " %s=%s", k, v);
	}
	tr_add(t, "\n");
}

static void
tr_event(struct tr *t, const struct sr_event *ev)
{
	static const char letters[] = "?oirzcme";
	enum sr_stream_id want = SR_STREAM_NONE;

	if (ev->type == SR_EV_OUTPUT)
		want = SR_STREAM_TTYOUT;
	else if (ev->type == SR_EV_INPUT)
		want = SR_STREAM_TTYIN;
	if (ev->stream != want)
		tr_ev(t, "bad stream %d ", ev->stream);
	tr_ev(t, "%c %lld%s%s%s",
	    ev->type >= 1 && ev->type <= 7 ? letters[ev->type] : '?',
	    (long long)(ev->t_ns / MS), ev->flags & SR_EVF_BINARY ? "+B" : "",
	    ev->flags & SR_EVF_GAP ? "+G" : "",
	    ev->flags & SR_EVF_MASKED ? "+M" : "");
	if (ev->type == SR_EV_RESIZE)
		tr_ev(t, " %ux%u", ev->cols, ev->rows);
	else {
		tr_ev(t, " ");
		tr_data(t, ev->data, ev->len);
	}
	if (ev->t_ns % MS != 0)
		tr_ev(t, " (t_ns %lld)", (long long)ev->t_ns);
	tr_ev(t, "\n");
}

static void
tr_reset(struct tr *t)
{
	t->len = t->evlen = 0;
	t->s[0] = t->ev[0] = '\0';
	t->nwarn = t->ntorn = 0;
	t->torn_off = -2;
}

/*
 * Reads data as member name with format fmt (NULL probes) and writes
 * the transcript.  Returns the format that read it, or NULL.
 */
/* A spool limit for read_mem (0: the default). */
static uint64_t spool_limit;

static const char *
read_mem(const char *name, const void *data, size_t len, const char *fmt,
    struct tr *t)
{
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_reader *r;
	struct sr_error err;
	const struct sr_session *s;
	const struct sr_event *ev;
	const char *got = NULL;
	int st, es, n = 0;

	tr_reset(t);
	assert_non_null(ctx = sr_ctx_new());
	sr_ctx_set_diag(ctx, tr_diag, t);
	if (spool_limit != 0)
		sr_ctx_set_limit(ctx, SR_LIMIT_SPOOL, spool_limit);
	if (sr_input_open_mem(ctx, name, data, len, &in, &err) != SR_OK)
		fail_msg("%s: cannot open memory input: %s", name, err.msg);
	st = sr_reader_open(ctx, in, name,
	    fmt != NULL ? sr_format_find(fmt) : NULL, &r, &err);
	if (st != SR_OK) {
		tr_add(t, "O %d %s @%lld: %s\n", st, cat_name(err.cat),
		    (long long)err.loc.offset, err.msg);
		sr_input_close(in);
		sr_ctx_free(ctx);
		return (NULL);
	}
	got = sr_format_name(sr_reader_format(r));
	while ((st = sr_reader_next_session(r, &s)) != SR_EOF &&
	    st != SR_FATAL && n++ < 10) {
		if (st == SR_FAILED) {
			const struct sr_error *e = sr_reader_error(r);

			tr_add(t, "F %s @%lld: %s\n", cat_name(e->cat),
			    (long long)e->loc.offset, e->msg);
			continue;
		}
		tr_session(t, s);
		while ((es = sr_reader_next_event(r, &ev)) == SR_OK ||
		    es == SR_WARN)
			tr_event(t, ev);
		if (es != SR_EOF)
			tr_add(t, "X %d %s\n", es, sr_reader_error(r)->msg);
	}
	if (st == SR_FATAL)
		tr_add(t, "FATAL %s\n", sr_reader_error(r)->msg);
	sr_reader_close(r);
	sr_input_close(in);
	sr_ctx_free(ctx);
	return (got);
}

static void
compare(const char *what, const char *want, const char *got)
{
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "%s: got\n%s", what, got);
		fail_msg("%s: transcript differs\n--- want\n%s--- got\n%s",
		    what, want, got);
	}
}

/*
 * Recordings made by the writer.
 */

struct wev {
	int type; /* an sr_event_type; W_GAP, W_FLUSH; 0 ends the list */
	int64_t t_ms;
	const char *data;
	unsigned flags, cols, rows;
};
enum { W_GAP = 100, W_FLUSH };

#define OUT(t, s)                                                              \
	{                                                                      \
		SR_EV_OUTPUT, (t), (s), 0, 0, 0                                \
	}
#define IN(t, s)                                                               \
	{                                                                      \
		SR_EV_INPUT, (t), (s), 0, 0, 0                                 \
	}
#define MASKED(t, s)                                                           \
	{                                                                      \
		SR_EV_INPUT, (t), (s), SR_EVF_MASKED, 0, 0                     \
	}
#define WIN(t, c, r)                                                           \
	{                                                                      \
		SR_EV_RESIZE, (t), NULL, 0, (c), (r)                           \
	}
#define MARK(t, s)                                                             \
	{                                                                      \
		SR_EV_MARKER, (t), (s), 0, 0, 0                                \
	}
#define SUSPEND(t)                                                             \
	{                                                                      \
		SR_EV_SUSPEND, (t), NULL, 0, 0, 0                              \
	}
#define RESUME(t)                                                              \
	{                                                                      \
		SR_EV_RESUME, (t), NULL, 0, 0, 0                               \
	}
#define GAP(t, bytes)                                                          \
	{                                                                      \
		W_GAP, (t), NULL, (bytes), 0, 0                                \
	}
#define FLUSH(t)                                                               \
	{                                                                      \
		W_FLUSH, (t), NULL, 0, 0, 0                                    \
	}

#define START_NS 1795577830000000000LL
#define SID	 "01KAAAAAAAAAAAAAAAAAAAAAAA"

static const char *const full_argv[] = { "bash", "-l", NULL };

static void
meta_full(struct sr_rec_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->session_id = SID;
	m->host = "bastion";
	m->actor = "alice";
	m->user = "root";
	m->src_ip = "203.0.113.9";
	m->src_port = "52000";
	m->target = "db1";
	m->ticket = "CHG-1";
	m->tty = "/dev/pts/3";
	m->term = "xterm";
	m->cwd = "/root";
	m->command = "bash -l";
	m->argv = full_argv;
	m->actor_source = "option";
	m->claimed = SR_CLAIMED_ACTOR | SR_CLAIMED_TICKET;
	m->start_ns = START_NS;
	m->rows = 24;
	m->cols = 80;
	m->uid = 0;
	m->loginuid = -1;
	m->audit_session = -1;
	m->host_seq = 42;
	m->pid = 4242;
	m->input = 1;
	m->mask = "echo-off+prompt";
}

struct rcase {
	const char *name;
	struct wev ev[16];
	int seal; /* 0: left unsealed */
	int64_t end_ms;
	int reason, status;
	size_t chunk_bytes; /* 0: the writer's default */
	const char *want;
};

/* The session line every full-metadata recording starts with. */
#define S_META                                                                 \
	"S sessrec session_id=" SID " actor=alice target=db1 host=bastion "    \
	"src_ip=203.0.113.9 ticket=CHG-1 command=bash -l cwd=/root "           \
	"tty=/dev/pts/3 term=xterm argv=bash|-l start=1795577830000000000"
#define X_META                                                                 \
	" sessrec.rec_id=RANDOM sessrec.host_seq=42 sessrec.signed=no "        \
	"sessrec.input=yes sessrec.user=root sessrec.uid=0 "                   \
	"sessrec.claimed=actor,ticket sessrec.actor_source=option "            \
	"sessrec.src_port=52000"

static const struct rcase rcases[] = {
	{ "text, input, resize, exit",
	    { OUT(0, "hello\r\n"), IN(100, "ls\r"), WIN(200, 100, 30),
		OUT(250, "x"), { 0 } },
	    1, 300, SR_END_EXIT, 0, 0,
	    S_META " dur=300000000 geom=80x24 exit=0 state=complete" X_META
		   " sessrec.end_reason=exit sessrec.bytes_lost=0\n"
		   "o 0 \"hello\\x0d\\x0a\"\n"
		   "i 100 \"ls\\x0d\"\n"
		   "r 200 100x30\n"
		   "o 250 \"x\"\n"
		   "e 300 \"exit 0\"\n" },
	{ "masked input, markers, suspend, resume, signal",
	    { OUT(0, "Password: "), MASKED(40, "proc=sudo lines=1"),
		MARK(50, "note deploy step 3"), MARK(55, "bare"), SUSPEND(60),
		RESUME(70), OUT(70, "ok"), { 0 } },
	    1, 90, SR_END_SIGNAL, 15, 0,
	    S_META " dur=90000000 geom=80x24 signal=TERM state=complete" X_META
		   " sessrec.end_reason=signal sessrec.bytes_lost=0\n"
		   "o 0 \"Password: \"\n"
		   "i 40+M \"\"\n"
		   "m 50 \"note deploy step 3\"\n"
		   "m 55 \"bare\"\n"
		   "z 60 \"TSTP\"\n"
		   "c 70 \"CONT\"\n"
		   "o 70 \"ok\"\n"
		   "e 90 \"signal TERM\"\n" },
	{ "invalid bytes and a gap",
	    { OUT(0, "a\xff b"), FLUSH(5), GAP(20, 100), OUT(30, "after"),
		{ 0 } },
	    1, 40, SR_END_HANGUP, 0, 0,
	    S_META " dur=40000000 geom=80x24 state=complete" X_META
		   " sessrec.end_reason=hangup sessrec.bytes_lost=100\n"
		   "o 0+B \"a\\xff b\"\n"
		   "m 30+G \"gap bytes=100 from_ms=10 to_ms=20\"\n"
		   "o 30 \"after\"\n"
		   "e 40 \"hangup\"\n" },
	{ "many small chunks",
	    { OUT(0, "one one one one one one one one one one one one\r\n"),
		OUT(10, "two two two two two two two two two two two two\r\n"),
		OUT(20, "three three three three three three three three\r\n"),
		OUT(30, "four four four four four four four four four\r\n"),
		IN(35, "q"), OUT(40, "five"), { 0 } },
	    1, 50, SR_END_EXIT, 3, 16,
	    S_META " dur=50000000 geom=80x24 exit=3 state=complete" X_META
		   " sessrec.end_reason=exit sessrec.bytes_lost=0\n"
		   "o 0 \"one one one one one one one one one one one one"
		   "\\x0d\\x0a\"\n"
		   "o 10 \"two two two two two two two two two two two two"
		   "\\x0d\\x0a\"\n"
		   "o 20 \"three three three three three three three three"
		   "\\x0d\\x0a\"\n"
		   "o 30 \"four four four four four four four four four"
		   "\\x0d\\x0a\"\n"
		   "i 35 \"q\"\n"
		   "o 40 \"five\"\n"
		   "e 50 \"exit 3\"\n" },
	{ "no seal: incomplete, no end",
	    { OUT(0, "still running"), FLUSH(10), { 0 } }, 0, 0, 0, 0, 0,
	    S_META " dur=0 geom=80x24 state=incomplete" X_META "\n"
		   "o 0 \"still running\"\n" },
	{ "no seal, no chunk: metadata only", { { 0 } }, 0, 0, 0, 0, 0,
	    S_META " geom=80x24 state=incomplete" X_META "\n" },
};

/* The writer's output for a case, in memory (caller frees). */
static unsigned char *
make_rec(const struct rcase *c, const struct sr_rec_meta *m, size_t *lenp)
{
	struct sr_ctx *ctx;
	struct sr_recw *w;
	struct sr_rec_opts o;
	struct sr_error err;
	struct sr_event ev;
	unsigned char *buf = NULL;
	off_t size;
	size_t i;
	int fd;

	assert_non_null(ctx = sr_ctx_new());
	if ((fd = sr_tmpfile()) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND) == -1)
		fail_msg("%s: no temporary file", c->name);
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.chunk_ns = 1000 * MS;
	o.chunk_bytes = c->chunk_bytes;
	o.checkpoint_bytes = c->chunk_bytes ? 100 : 0;
	if (sr_recw_open(ctx, fd, m, &o, &w, &err) != SR_OK)
		fail_msg("%s: sr_recw_open: %s", c->name, err.msg);
	for (i = 0; i < nitems(c->ev) && c->ev[i].type != 0; i++) {
		const struct wev *e = &c->ev[i];
		int r = SR_OK;

		if (e->type == W_GAP) {
			sr_recw_gap(w, e->flags, 10 * MS, e->t_ms * MS);
			continue;
		}
		if (e->type == W_FLUSH) {
			r = sr_recw_flush(w, e->t_ms * MS);
		} else {
			memset(&ev, 0, sizeof(ev));
			ev.type = (enum sr_event_type)e->type;
			ev.t_ns = e->t_ms * MS;
			ev.data = (const unsigned char *)e->data;
			ev.len = e->data != NULL ? strlen(e->data) : 0;
			ev.flags = e->flags;
			ev.cols = e->cols;
			ev.rows = e->rows;
			r = sr_recw_event(w, &ev);
		}
		if (r != SR_OK)
			fail_msg("%s: event %zu: %s", c->name, i,
			    sr_recw_error(w)->msg);
	}
	if (c->seal &&
	    sr_recw_seal(w, c->end_ms * MS, c->reason, c->status) != SR_OK)
		fail_msg("%s: seal: %s", c->name, sr_recw_error(w)->msg);
	if (!c->seal && sr_recw_flush(w, c->end_ms * MS) != SR_OK)
		fail_msg("%s: flush: %s", c->name, sr_recw_error(w)->msg);
	sr_recw_free(w);
	if ((size = lseek(fd, 0, SEEK_END)) <= 0 ||
	    (buf = malloc((size_t)size)) == NULL ||
	    pread(fd, buf, (size_t)size, 0) != (ssize_t)size)
		fail_msg("%s: cannot read the recording back", c->name);
	close(fd);
	sr_ctx_free(ctx);
	*lenp = (size_t)size;
	return (buf);
}

static void
test_writer_cases(void **state)
{
	static struct tr t;
	struct sr_rec_meta m;
	unsigned char *rec;
	const char *fmt;
	size_t i, len;

	(void)state;
	meta_full(&m);
	for (i = 0; i < nitems(rcases); i++) {
		rec = make_rec(&rcases[i], &m, &len);
		/* Probed, as a catalog would: the bytes are the member's. */
		fmt = read_mem("t.srec", rec, len, NULL, &t);
		if (fmt == NULL || strcmp(fmt, "sessrec") != 0)
			fail_msg("%s: probed as %s", rcases[i].name,
			    fmt != NULL ? fmt : "nothing");
		compare(rcases[i].name, rcases[i].want, t.s);
		free(rec);
	}
}

/*
 * The same recordings decoded with zstd ("zstd -dc x.srec"): a tlog
 * file that the tlog reader shows with sessrec's metadata, markers and
 * end.  zstd skips the skippable frames by itself.
 */
static unsigned char *
zstd_dc(const unsigned char *p, size_t n, size_t *outlen)
{
	ZSTD_DCtx *d;
	ZSTD_inBuffer ib = { p, n, 0 };
	ZSTD_outBuffer ob;
	unsigned char *out;
	size_t cap = 1 << 20, r;

	assert_non_null(out = malloc(cap));
	assert_non_null(d = ZSTD_createDCtx());
	ob.dst = out;
	ob.size = cap;
	ob.pos = 0;
	while (ib.pos < ib.size) {
		r = ZSTD_decompressStream(d, &ob, &ib);
		if (ZSTD_isError(r))
			fail_msg("zstd -dc: %s", ZSTD_getErrorName(r));
		if (ob.pos == ob.size)
			fail_msg("zstd -dc: more than 1 MiB");
	}
	ZSTD_freeDCtx(d);
	*outlen = ob.pos;
	return (out);
}

static void
test_tlog_keys(void **state)
{
	static const struct {
		size_t rcase;
		const char *want;
	} cases[] = {
		{ 0,
		    "S tlog session_id=" SID " actor=alice target=db1 "
		    "host=bastion src_ip=203.0.113.9 ticket=CHG-1 "
		    "command=bash -l cwd=/root tty=/dev/pts/3 term=xterm "
		    "start=1795577830000000000 dur=300000000 geom=80x24 "
		    "exit=0 state=complete tlog.ver=2.3 "
		    "sessrec.end_reason=exit\n"
		    "o 0 \"hello\\x0d\\x0a\"\n"
		    "i 100 \"ls\\x0d\"\n"
		    "r 200 100x30\n"
		    "o 250 \"x\"\n"
		    "e 300 \"exit 0\"\n" },
		{ 1,
		    "S tlog session_id=" SID " actor=alice target=db1 "
		    "host=bastion src_ip=203.0.113.9 ticket=CHG-1 "
		    "command=bash -l cwd=/root tty=/dev/pts/3 term=xterm "
		    "start=1795577830000000000 dur=90000000 geom=80x24 "
		    "signal=TERM state=complete tlog.ver=2.3 "
		    "sessrec.end_reason=signal\n"
		    "o 0 \"Password: \"\n"
		    "i 40+M \"\"\n"
		    "m 50 \"note deploy step 3\"\n"
		    "m 55 \"bare\"\n"
		    "z 60 \"TSTP\"\n"
		    "c 70 \"CONT\"\n"
		    "o 70 \"ok\"\n"
		    "e 90 \"signal TERM\"\n" },
		{ 4,
		    "S tlog session_id=" SID " actor=alice target=db1 "
		    "host=bastion src_ip=203.0.113.9 ticket=CHG-1 "
		    "command=bash -l cwd=/root tty=/dev/pts/3 term=xterm "
		    "start=1795577830000000000 dur=0 geom=80x24 "
		    "state=unknown tlog.ver=2.3\n"
		    "o 0 \"still running\"\n" },
	};
	static struct tr t;
	struct sr_rec_meta m;
	unsigned char *rec, *json;
	const char *fmt;
	size_t i, len, jlen;

	(void)state;
	meta_full(&m);
	for (i = 0; i < nitems(cases); i++) {
		rec = make_rec(&rcases[cases[i].rcase], &m, &len);
		json = zstd_dc(rec, len, &jlen);
		fmt = read_mem("t.json", json, jlen, NULL, &t);
		if (fmt == NULL || strcmp(fmt, "tlog") != 0)
			fail_msg("%s: decoded probed as %s",
			    rcases[cases[i].rcase].name,
			    fmt != NULL ? fmt : "nothing");
		compare(rcases[cases[i].rcase].name, cases[i].want, t.s);
		free(json);
		free(rec);
	}
}

/*
 * sr_* keys in hand-written tlog lines: what a tlog file written by
 * sessrec, or one written by something else, says.
 */
#define ENV(id, pos)                                                           \
	"{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"r1\",\"user\":\"bob\","     \
	"\"term\":\"xterm\",\"session\":7,\"id\":" #id ",\"pos\":" #pos        \
	",\"time\":1795577830.000,"
#define NOTXT "\"in_txt\":\"\",\"in_bin\":[],\"out_txt\":\"\",\"out_bin\":[]"

static void
test_tlog_hand(void **state)
{
	static const struct {
		const char *name;
		const char *in;
		const char *want;
	} cases[] = {
		{ "plain tlog: nothing of sessrec",
		    ENV(1, 0) "\"timing\":\">2\",\"in_txt\":\"\",\"in_bin\":[],"
			      "\"out_txt\":\"hi\",\"out_bin\":[]}\n",
		    "S tlog session_id=r1 actor=bob host=h term=xterm "
		    "start=1795577830000000000 dur=0 state=unknown "
		    "tlog.session=7 tlog.ver=2.3\n"
		    "o 0 \"hi\"\n" },
		{ "sr_host fills an empty host; unknown sr_ keys ignored",
		    "{\"ver\":\"2.3\",\"host\":\"\",\"rec\":\"r1\",\"user\":"
		    "\"b\","
		    "\"term\":\"\",\"session\":7,\"id\":1,\"pos\":0,"
		    "\"timing\":\">1\",\"in_txt\":\"\",\"in_bin\":[],"
		    "\"out_txt\":\"x\",\"out_bin\":[],\"sr_ver\":1,"
		    "\"sr_future\":{\"a\":[1,2]},\"sr_host\":\"hh\","
		    "\"sr_actor\":\"al\\u0069ce\",\"sr_tty\":true,"
		    "\"sr_cwd\":null}\n",
		    "S tlog session_id=r1 actor=alice host=hh dur=0 "
		    "state=unknown "
		    "tlog.session=7 tlog.ver=2.3\n"
		    "o 0 \"x\"\n" },
		{ "tlog's host wins over sr_host",
		    ENV(1, 0) "\"timing\":\"\"," NOTXT ",\"sr_host\":\"other\","
			      "\"sr_session_id\":\"S1\"}\n",
		    "S tlog session_id=S1 actor=bob host=h term=xterm "
		    "start=1795577830000000000 dur=0 state=unknown "
		    "tlog.session=7 tlog.ver=2.3\n" },
		{ "markers after the text, at the end of the delays",
		    ENV(1, 0) "\"timing\":\">1+250\",\"in_txt\":\"\","
			      "\"in_bin\":[],\"out_txt\":\"a\",\"out_bin\":[],"
			      "\"sr_mark\":\"gap\",\"sr_detail\":\"bytes=5\"}"
			      "\n" ENV(2,
				  300) "\"timing\":\"+5\"," NOTXT
				       ",\"sr_mark\":\"x\\ty\",\"sr_detail\":"
				       "\"k=v\"}\n" ENV(3,
					   400) "\"timing\":\"\"," NOTXT
						",\"sr_mark\":\"input-masked\","
						"\"sr_detail\":\"proc=su "
						"lines=1\"}\n",
		    "S tlog session_id=r1 actor=bob host=h term=xterm "
		    "start=1795577830000000000 dur=400000000 state=unknown "
		    "tlog.session=7 tlog.ver=2.3\n"
		    "o 0 \"a\"\n"
		    "m 250+G \"gap bytes=5\"\n"
		    "m 305 \"x\\x09y k=v\"\n"
		    "i 400+M \"\"\n" },
		{ "an end that is not the last message still ends the events",
		    ENV(1, 0) "\"timing\":\"\"," NOTXT
			      ",\"sr_end\":\"write-error\",\"sr_status\":1}"
			      "\n" ENV(2,
				  10) "\"timing\":\">1\",\"in_txt\":\"\","
				      "\"in_bin\":[],\"out_txt\":\"z\",\"out_"
				      "bin\":[]}\n",
		    "S tlog session_id=r1 actor=bob host=h term=xterm "
		    "start=1795577830000000000 dur=10000000 state=unknown "
		    "tlog.session=7 tlog.ver=2.3\n"
		    "e 0 \"write-error\"\n"
		    "o 10 \"z\"\n" },
		{ "end read for the session from the last message",
		    ENV(1, 0) "\"timing\":\"\"," NOTXT
			      ",\"sr_session_id\":\"S1\"}\n" ENV(2,
				  10) "\"timing\":"
				      "\"\"," NOTXT
				      ",\"sr_end\":\"exit\",\"sr_status\":"
				      "2}\n",
		    "S tlog session_id=S1 actor=bob host=h term=xterm "
		    "start=1795577830000000000 dur=10000000 exit=2 "
		    "state=complete "
		    "tlog.session=7 tlog.ver=2.3 sessrec.end_reason=exit\n"
		    "e 10 \"exit 2\"\n" },
		{ "end with a signal number no name knows, no status",
		    ENV(1, 0) "\"timing\":\"\"," NOTXT
			      ",\"sr_actor\":\"a\",\"sr_end\":\"signal\","
			      "\"sr_status\":99}\n" ENV(2,
				  5) "\"timing\":\"\"," NOTXT
				     ",\"sr_end\":\"admin\",\"sr_status\":"
				     "\"x\"}\n",
		    "S tlog session_id=r1 actor=a host=h term=xterm "
		    "start=1795577830000000000 dur=5000000 state=complete "
		    "tlog.session=7 tlog.ver=2.3 sessrec.end_reason=admin\n"
		    "e 0 \"signal 99\"\n"
		    "e 5 \"admin\"\n" },
		{ "a duplicate sr_ key skips the message, as for tlog keys",
		    ENV(1,
			0) "\"timing\":\">1\",\"in_txt\":\"\",\"in_bin\":[],"
			   "\"out_txt\":\"a\",\"out_bin\":[],\"sr_mark\":\"m\","
			   "\"sr_mark\":\"n\"}\n",
		    "S tlog session_id=r1 actor=bob host=h term=xterm "
		    "start=1795577830000000000 dur=0 state=unknown "
		    "tlog.session=7 tlog.ver=2.3\n"
		    "W format @191: message skipped: duplicate key "
		    "'sr_mark'\n" },
	};
	static struct tr t;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		read_mem("t.json", cases[i].in, strlen(cases[i].in), "tlog",
		    &t);
		compare(cases[i].name, cases[i].want, t.s);
	}
}

/*
 * Damage.
 */

/* Frame boundaries of a good recording (offsets where a frame starts). */
static size_t
frames(const unsigned char *p, size_t n, size_t *off, int *kind, size_t max,
    int strict)
{
	size_t i = 0, at = 0;

	while (at + 14 <= n && i < max) {
		uint32_t magic = sr_le32(p + at);

		if (!strict && magic != SR_ZSTD_MAGIC &&
		    (magic & 0xfffffff0U) != 0x184d2a50U)
			return (i);
		off[i] = at;
		if (magic == SR_ZSTD_MAGIC) {
			size_t c = ZSTD_findFrameCompressedSize(p + at, n - at);

			if (ZSTD_isError(c))
				fail_msg("frame at %zu: %s", at,
				    ZSTD_getErrorName(c));
			kind[i++] = 'D';
			at += c;
		} else {
			kind[i++] = p[at + 13];
			at += 8 + sr_le32(p + at + 4);
		}
	}
	if (strict && at != n)
		fail_msg("frames do not end at the end of the file");
	return (i);
}

static void
test_truncated(void **state)
{
	static struct tr full, t;
	struct sr_rec_meta m;
	unsigned char *rec;
	size_t len, n, k, nf, off[64];
	int kind[64], boundary;

	(void)state;
	meta_full(&m);
	/* Several chunks, so that cuts fall in every kind of frame. */
	rec = make_rec(&rcases[3], &m, &len);
	nf = frames(rec, len, off, kind, nitems(off), 1);
	if (nf < 8)
		fail_msg("only %zu frames", nf);
	read_mem("t.srec", rec, len, "sessrec", &full);
	if (full.nwarn != 0)
		fail_msg("whole recording warned:\n%s", full.s);
	for (n = 0; n < len; n++) {
		read_mem("t.srec", rec, n, "sessrec", &t);
		if (n < off[1]) {
			/* Not even a header: nothing to read. */
			if (strncmp(t.s, "O -2 ", 5) != 0)
				fail_msg("cut at %zu: opened:\n%s", n, t.s);
			continue;
		}
		if (strncmp(t.ev, full.ev, t.evlen) != 0)
			fail_msg("cut at %zu: events are not a prefix:\n%s", n,
			    t.s);
		if (strstr(t.s, " state=incomplete") == NULL)
			fail_msg("cut at %zu: not incomplete:\n%s", n, t.s);
		for (boundary = 0, k = 0; k < nf; k++)
			if (off[k] == n)
				boundary = 1;
		/* Between a chunk's data and its chain record counts too. */
		for (k = 0; boundary && k + 1 < nf; k++)
			if (off[k + 1] == n && kind[k] == 'D')
				boundary = 0;
		if (!boundary &&
		    (t.ntorn != 1 || t.torn_off < 0 ||
			t.torn_off >= (int64_t)n))
			fail_msg("cut at %zu: %zu torn warnings, offset %lld:\n"
				 "%s",
			    n, t.ntorn, (long long)t.torn_off, t.s);
		if (boundary && t.nwarn != 0)
			fail_msg("cut at frame boundary %zu warned:\n%s", n,
			    t.s);
	}
	free(rec);
}

static void
test_flipped(void **state)
{
	static struct tr full, t;
	struct sr_rec_meta m;
	unsigned char *rec;
	size_t len, i, k, nf, off[64], first_end = 0, nd = 0, second = 0;
	int kind[64];

	(void)state;
	meta_full(&m);
	rec = make_rec(&rcases[3], &m, &len);
	nf = frames(rec, len, off, kind, nitems(off), 1);
	read_mem("t.srec", rec, len, "sessrec", &full);
	/* The second data frame; the events of the first must survive. */
	for (k = 0; k < nf; k++) {
		if (kind[k] != 'D')
			continue;
		if (++nd == 2) {
			second = k;
			break;
		}
	}
	if (second == 0)
		fail_msg("no second chunk");
	for (k = 0; k < nf && off[k] < off[second]; k++)
		;
	for (i = 0; i < full.evlen && full.ev[i] != '\n'; i++)
		;
	first_end = i + 1; /* the first chunk holds at least one event */
	for (i = off[second]; i < off[second + 1]; i++) {
		rec[i] ^= 0x01;
		read_mem("t.srec", rec, len, "sessrec", &t);
		rec[i] ^= 0x01;
		/* Some bits change nothing (the window size, say). */
		if (t.nwarn == 0 && strcmp(t.s, full.s) == 0)
			continue;
		if (t.nwarn == 0)
			fail_msg("byte %zu flipped: no warning:\n%s", i, t.s);
		if (strstr(t.s, "hash chain broken") == NULL &&
		    strstr(t.s, "torn chunk at offset") == NULL &&
		    strstr(t.s, "chain record says") == NULL)
			fail_msg("byte %zu flipped: wrong warning:\n%s", i,
			    t.s);
		if (t.evlen < first_end ||
		    strncmp(t.ev, full.ev, first_end) != 0)
			fail_msg("byte %zu flipped: first chunk lost:\n%s", i,
			    t.s);
	}
	free(rec);
}

/*
 * Recordings assembled by hand from the encoders, for what the writer
 * never does.
 */
struct hb {
	unsigned char *p;
	size_t len, cap;
	unsigned char h0[SR_HASH_LEN], h[SR_HASH_LEN];
	uint64_t seq;
	size_t last_data; /* offset of the last data frame */
};

static void
hb_add(struct hb *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 1024;
		assert_non_null(b->p = realloc(b->p, b->cap));
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
hb_skip(struct hb *b, int kind, const void *body, size_t n)
{
	unsigned char head[14];

	hb_add(b, head, sr_native_frame(head, kind, n));
	hb_add(b, body, n);
}

#define HDR_JSON                                                               \
	"{\"format\":\"sessrec\",\"version\":1,\"rec_id\":"                    \
	"\"000102030405060708090a0b0c0d0e0f\",\"session_id\":\"HAND\","        \
	"\"host\":\"h\",\"signed\":false,\"key_id\":null,\"start_ns\":5,"      \
	"\"cols\":0,\"rows\":0,\"input\":false,\"claimed\":[]}"

static void
hb_header(struct hb *b, const char *json)
{
	struct sr_checkpoint_rec k;
	unsigned char body[SR_CHECKPOINT_LEN];
	size_t i;

	memset(b, 0, sizeof(*b));
	hb_skip(b, SR_NK_HEADER, json, strlen(json));
	sr_chain_h0(b->h0, json, strlen(json));
	memcpy(b->h, b->h0, SR_HASH_LEN);
	memset(&k, 0, sizeof(k));
	for (i = 0; i < SR_RECID_LEN; i++)
		k.rec_id[i] = (unsigned char)i;
	memcpy(k.h, b->h0, SR_HASH_LEN);
	sr_checkpoint_encode(&k, body);
	hb_skip(b, SR_NK_CHECKPOINT, body, sizeof(body));
}

/* A zstd frame of plain; csize 0 leaves the content size out. */
static void
hb_zframe(struct hb *b, const void *plain, size_t n, int csize)
{
	ZSTD_CCtx *c;
	size_t bound = ZSTD_compressBound(n), z;
	unsigned char *out;

	assert_non_null(c = ZSTD_createCCtx());
	assert_non_null(out = malloc(bound));
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, csize);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	if (csize)
		z = ZSTD_compress2(c, out, bound, plain, n);
	else {
		/* A stream of unknown size: no content size in the header. */
		ZSTD_inBuffer ib = { plain, n, 0 };
		ZSTD_outBuffer ob = { out, bound, 0 };

		z = ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end);
		if (z == 0)
			z = ob.pos;
		else
			z = (size_t)-1;
	}
	if (ZSTD_isError(z))
		fail_msg("zstd: %s", ZSTD_getErrorName(z));
	b->last_data = b->len;
	hb_add(b, out, z);
	free(out);
	ZSTD_freeCCtx(c);
}

/*
 * A chunk: data frame and chain record over plain.  hashed (may differ
 * from plain) is what the chain record is computed over.
 */
static void
hb_chunk(struct hb *b, const char *plain, const char *hashed, int csize)
{
	struct sr_chain_rec c;
	unsigned char body[SR_CHAIN_LEN];
	size_t start = b->len;

	hb_zframe(b, plain, strlen(plain), csize);
	memset(&c, 0, sizeof(c));
	c.seq = ++b->seq;
	c.t_ns = 0;
	c.len = (uint32_t)strlen(hashed);
	c.clen = (uint32_t)(b->len - start);
	sr_chain_step(b->h, c.seq, 0, 0, hashed, strlen(hashed));
	memcpy(c.h, b->h, SR_HASH_LEN);
	sr_chain_encode(&c, body);
	hb_skip(b, SR_NK_CHAIN, body, sizeof(body));
}

static void
hb_seal(struct hb *b, uint64_t n, int reason, int status, int64_t end_ns)
{
	struct sr_seal_rec s;
	unsigned char body[SR_SEAL_LEN];
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < SR_RECID_LEN; i++)
		s.rec_id[i] = (unsigned char)i;
	s.n = n;
	memcpy(s.h0, b->h0, SR_HASH_LEN);
	memcpy(s.hn, b->seq == 0 ? b->h0 : b->h, SR_HASH_LEN);
	s.end_ns = end_ns;
	s.end_reason = (uint8_t)reason;
	s.status = status;
	sr_seal_encode(&s, body);
	hb_skip(b, SR_NK_SEAL, body, sizeof(body));
}

#define L(id, pos, out)                                                        \
	"{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"HAND\",\"user\":\"u\","     \
	"\"term\":\"\",\"session\":4294967295,\"id\":" #id ",\"pos\":" #pos    \
	",\"time\":1.000,\"timing\":\">1\",\"in_txt\":\"\",\"in_bin\":[],"     \
	"\"out_txt\":\"" out "\",\"out_bin\":[]}\n"
#define S_HAND                                                                 \
	"S sessrec session_id=HAND actor=u host=h start=5 dur=7000000 "        \
	"exit=0 state=complete "                                               \
	"sessrec.rec_id=000102030405060708090a0b0c0d0e0f "                     \
	"sessrec.signed=no sessrec.input=no sessrec.claimed= "                 \
	"sessrec.end_reason=exit sessrec.bytes_lost=0\n"

#define S_CUT                                                                  \
	"S sessrec session_id=HAND actor=u host=h start=5 dur=0 "              \
	"state=incomplete sessrec.rec_id=000102030405060708090a0b0c0d0e0f "    \
	"sessrec.signed=no sessrec.input=no sessrec.claimed=\n"

enum {
	H_GOOD,
	H_CHANGED,
	H_LIE_SIZE,
	H_NO_SIZE,
	H_HUGE_SIZE,
	H_AFTER_SEAL,
	H_FOREIGN,
	H_SEAL_COUNT,
	H_NO_CHAIN,
	H_GARBAGE,
	H_DOUBLE,
};

static const struct {
	const char *name;
	int how;
	const char *want;
} hcases[] = {
	{ "hand-made, good", H_GOOD,
	    S_HAND "o 0 \"a\"\n"
		   "o 1 \"b\"\n"
		   "o 2 \"c\"\n" },
	{ "a chunk changed behind its chain record", H_CHANGED,
	    "W format @OFF: chunk 2 at offset OFF: hash chain broken (this "
	    "chunk or one before it was changed)\n" S_HAND "o 0 \"a\"\n"
	    "o 1 \"X\"\n"
	    "o 2 \"c\"\n" },
	{ "a frame that holds more than it declares", H_LIE_SIZE,
	    "W format @OFF: recording incomplete: torn chunk at offset OFF "
	    "(chunk 2: Destination buffer is too small)\n" S_CUT
	    "o 0 \"a\"\n" },
	{ "a frame without its content size", H_NO_SIZE,
	    "W format @OFF: recording incomplete: torn chunk at offset OFF "
	    "(chunk 2 does not declare its size)\n" S_CUT "o 0 \"a\"\n" },
	{ "a frame that declares 5 MiB", H_HUGE_SIZE,
	    "W limit @OFF: recording incomplete: torn chunk at offset OFF "
	    "(chunk 2 declares 5242880 bytes, over the limit of "
	    "4194304)\n" S_CUT "o 0 \"a\"\n" },
	{ "a chunk after the seal", H_AFTER_SEAL,
	    "W format @AFTER: frames after the seal, from offset AFTER\n"
	    "S sessrec session_id=HAND actor=u host=h start=5 dur=7000000 "
	    "exit=0 state=incomplete "
	    "sessrec.rec_id=000102030405060708090a0b0c0d0e0f "
	    "sessrec.signed=no sessrec.input=no sessrec.claimed= "
	    "sessrec.end_reason=exit sessrec.bytes_lost=0\n"
	    "o 0 \"a\"\n"
	    "o 1 \"b\"\n"
	    "o 2 \"c\"\n"
	    "o 3 \"d\"\n" },
	{ "a foreign skippable frame", H_FOREIGN,
	    "W format @FOREIGN: foreign skippable frame of 4 bytes at offset "
	    "FOREIGN "
	    "skipped\n" S_HAND "o 0 \"a\"\n"
	    "o 1 \"b\"\n"
	    "o 2 \"c\"\n" },
	{ "a seal that counts wrong", H_SEAL_COUNT,
	    "W format @SEAL: seal at offset SEAL does not match the chain: "
	    "it covers 9 chunks, 3 read\n" S_HAND "o 0 \"a\"\n"
	    "o 1 \"b\"\n"
	    "o 2 \"c\"\n" },
	{ "a chunk without its chain record", H_NO_CHAIN,
	    "W format @OFF: chunk 2 at offset OFF has no chain record\n" S_HAND
	    "o 0 \"a\"\n"
	    "o 1 \"b\"\n"
	    "o 2 \"c\"\n" },
	{ "garbage after the seal", H_GARBAGE,
	    "W truncated @AFTER: recording incomplete: torn chunk at offset "
	    "AFTER\n"
	    "S sessrec session_id=HAND actor=u host=h start=5 dur=7000000 "
	    "exit=0 state=incomplete "
	    "sessrec.rec_id=000102030405060708090a0b0c0d0e0f "
	    "sessrec.signed=no sessrec.input=no sessrec.claimed= "
	    "sessrec.end_reason=exit sessrec.bytes_lost=0\n"
	    "o 0 \"a\"\n"
	    "o 1 \"b\"\n"
	    "o 2 \"c\"\n" },
	{ "two seals", H_DOUBLE,
	    "W format @AFTER: frames after the seal, from offset AFTER\n"
	    "W format @AFTER: second seal at offset AFTER\n" S_HAND
	    "o 0 \"a\"\n"
	    "o 1 \"b\"\n"
	    "o 2 \"c\"\n" },
};

static void
hb_build(struct hb *b, int how)
{
	static char big[5 * 1024 * 1024];
	unsigned char foreign[12] = { 0x53, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'x',
		'y', 'z', 'w' };

	hb_header(b, HDR_JSON);
	hb_chunk(b, L(1, 0, "a"), L(1, 0, "a"), 1);
	switch (how) {
	case H_CHANGED:
		hb_chunk(b, L(2, 1, "X"), L(2, 1, "b"), 1);
		break;
	case H_NO_SIZE:
		hb_chunk(b, L(2, 1, "b"), L(2, 1, "b"), 0);
		break;
	case H_HUGE_SIZE:
		hb_zframe(b, big, sizeof(big), 1);
		break;
	case H_FOREIGN:
		hb_add(b, foreign, sizeof(foreign));
		hb_chunk(b, L(2, 1, "b"), L(2, 1, "b"), 1);
		break;
	case H_NO_CHAIN:
		/* The writer's chunk, its chain record lost. */
		hb_chunk(b, L(2, 1, "b"), L(2, 1, "b"), 1);
		b->len -= 14 + SR_CHAIN_LEN;
		break;
	case H_LIE_SIZE:
		hb_chunk(b, L(2, 1, "b"), L(2, 1, "b"), 1);
		/* Single segment, a one-byte content size after the FHD. */
		if ((b->p[b->last_data + 4] & 0xe0) != 0x20)
			fail_msg("unexpected zstd frame header 0x%02x",
			    b->p[b->last_data + 4]);
		b->p[b->last_data + 5] -= 10;
		break;
	default:
		hb_chunk(b, L(2, 1, "b"), L(2, 1, "b"), 1);
		break;
	}
	if (how == H_NO_SIZE || how == H_HUGE_SIZE)
		return;
	hb_chunk(b, L(3, 2, "c"), L(3, 2, "c"), 1);
	hb_seal(b, how == H_SEAL_COUNT ? 9 : b->seq, SR_END_EXIT, 0, 7 * MS);
	if (how == H_AFTER_SEAL)
		hb_chunk(b, L(4, 3, "d"), L(4, 3, "d"), 1);
	if (how == H_GARBAGE)
		hb_add(b, "\n\n", 2);
	if (how == H_DOUBLE)
		hb_seal(b, b->seq, SR_END_EXIT, 0, 7 * MS);
}

/*
 * want with the offsets filled in, as they depend on what zstd makes:
 * "OFF" the second data frame, "SEAL" the first seal, "AFTER" the byte
 * after it, "FOREIGN" the foreign frame.
 */
static const char *
subst_off(const char *want, const long long v[4])
{
	static char buf[4096];
	char num[4][32];
	static const char *const names[4] = { "OFF", "SEAL", "AFTER",
		"FOREIGN" };
	size_t len = 0, nl, k;
	const char *p;

	for (k = 0; k < 4; k++)
		(void)snprintf(num[k], sizeof(num[k]), "%lld", v[k]);
	for (p = want; *p != '\0' && len + 32 < sizeof(buf);) {
		for (k = 0; k < 4; k++)
			if (strncmp(p, names[k], strlen(names[k])) == 0)
				break;
		if (k == 4) {
			buf[len++] = *p++;
			continue;
		}
		nl = strlen(num[k]);
		memcpy(buf + len, num[k], nl);
		len += nl;
		p += strlen(names[k]);
	}
	buf[len] = '\0';
	return (buf);
}

static void
test_hand(void **state)
{
	static struct tr t;
	struct hb b;
	size_t i, k, nf, off[16];
	int kind[16], nd;
	long long v[4];

	(void)state;
	for (i = 0; i < nitems(hcases); i++) {
		hb_build(&b, hcases[i].how);
		nf = frames(b.p, b.len, off, kind, nitems(off), 0);
		v[0] = v[1] = v[3] = -1;
		for (nd = 0, k = 0; k < nf; k++) {
			if (kind[k] == 'D' && ++nd == 2)
				v[0] = (long long)off[k];
			if (kind[k] == 'S' && v[1] < 0)
				v[1] = (long long)off[k];
			if (sr_le32(b.p + off[k]) == 0x184d2a53U)
				v[3] = (long long)off[k];
		}
		v[2] = v[1] + 14 + SR_SEAL_LEN;
		read_mem("t.srec", b.p, b.len, NULL, &t);
		if (hcases[i].want != NULL)
			compare(hcases[i].name, subst_off(hcases[i].want, v),
			    t.s);
		free(b.p);
	}
}

/*
 * A recording in a file, as sessrec ls and cat meet it: probed in a
 * directory (the bytes the probe sees are the file's own), a plain file
 * and no archive, read through a stream over a descriptor.
 */
static void
test_file(void **state)
{
	static struct tr t;
	struct sr_rec_meta m;
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_found *found;
	struct sr_reader *r;
	struct sr_error err;
	const struct sr_session *s;
	const struct sr_event *ev;
	unsigned char *rec;
	char dir[] = "/tmp/test-fmt-native.XXXXXX", path[256];
	size_t len, n, nev = 0;
	FILE *f;

	(void)state;
	meta_full(&m);
	rec = make_rec(&rcases[0], &m, &len);
	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp failed");
	(void)snprintf(path, sizeof(path), "%s/a.srec", dir);
	if ((f = fopen(path, "wb")) == NULL || fwrite(rec, 1, len, f) != len ||
	    fclose(f) != 0)
		fail_msg("cannot write %s", path);
	assert_non_null(ctx = sr_ctx_new());
	sr_ctx_set_diag(ctx, tr_diag, &t);
	tr_reset(&t);
	if (sr_input_open(ctx, dir, &in, &err) != SR_OK)
		fail_msg("cannot open %s: %s", dir, err.msg);
	if (sr_probe_container(in, 1, &found, &n, &err) != SR_OK)
		fail_msg("probe: %s", err.msg);
	if (n != 1 || found[0].fmt == NULL ||
	    strcmp(sr_format_name(found[0].fmt), "sessrec") != 0)
		fail_msg("%zu recordings found, not one sessrec one", n);
	sr_found_free_all(found, n);
	sr_input_close(in);
	if (sr_input_open(ctx, path, &in, &err) != SR_OK)
		fail_msg("cannot open %s: %s", path, err.msg);
	if (sr_input_kind(in) != SR_INPUT_FILE)
		fail_msg("a .srec file opened as an archive");
	if (sr_reader_open(ctx, in, "a.srec", NULL, &r, &err) != SR_OK)
		fail_msg("cannot read %s: %s", path, err.msg);
	if (sr_reader_next_session(r, &s) != SR_OK ||
	    s->state != SR_STATE_COMPLETE)
		fail_msg("%s: no complete session", path);
	while (sr_reader_next_event(r, &ev) == SR_OK)
		nev++;
	if (nev != 5 || t.nwarn != 0)
		fail_msg("%s: %zu events, %zu warnings", path, nev, t.nwarn);
	sr_reader_close(r);
	sr_input_close(in);
	sr_ctx_free(ctx);
	(void)unlink(path);
	(void)rmdir(dir);
	free(rec);
}

/*
 * Plaintext past the memory budget goes to a temporary file; what is
 * read is the same.
 */
static void
test_spool(void **state)
{
	static struct rcase c;
	static struct tr mem, file;
	static char text[16][300];
	struct sr_rec_meta m;
	unsigned char *rec, *json;
	size_t i, len, jlen;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.name = "spooled";
	for (i = 0; i < 15; i++) {
		(void)snprintf(text[i], sizeof(text[i]),
		    "line %02zu of a recording too big for memory %0*d\r\n", i,
		    200, 0);
		c.ev[i].type = SR_EV_OUTPUT;
		c.ev[i].t_ms = (int64_t)i * 7;
		c.ev[i].data = text[i];
	}
	c.seal = 1;
	c.end_ms = 200;
	c.reason = SR_END_EXIT;
	c.chunk_bytes = 300;
	meta_full(&m);
	rec = make_rec(&c, &m, &len);
	(void)read_mem("t.srec", rec, len, "sessrec", &mem);
	spool_limit = 2048; /* enough for the tlog index, not the text */
	(void)read_mem("t.srec", rec, len, "sessrec", &file);
	spool_limit = 0;
	json = zstd_dc(rec, len, &jlen);
	free(json);
	if (mem.nwarn != 0 || jlen < 4096)
		fail_msg("spooled: %zu bytes of text, or warned:\n%s", jlen,
		    mem.s);
	compare("spooled", mem.s, file.s);
	free(rec);
}

/* What is not a readable sessrec recording. */
static void
test_probe(void **state)
{
	static const char tlog_line[] =
	    "{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"r\",\"user\":\"u\","
	    "\"term\":\"\",\"session\":1,\"id\":1,\"pos\":0,\"timing\":"
	    "\">1\",\"in_txt\":\"\",\"in_bin\":[],\"out_txt\":\"x\","
	    "\"out_bin\":[]}\n";
	static const struct {
		const char *name;
		int how;
		const char *fmt;  /* the winner, NULL none */
		const char *want; /* the start of the transcript */
	} cases[] = {
		{ "zstd-compressed tlog", 0, "tlog", "S tlog session_id=r " },
		{ "foreign skippable frame, then tlog", 1, NULL,
		    "O -2 format @-1: unrecognized recording format\n" },
		{ "a chain record first", 2, "sessrec",
		    "O -2 format @0: not a sessrec recording: no header "
		    "frame\n" },
		{ "header of version 2", 3, "sessrec",
		    "O -2 unsupported @0: unsupported sessrec format version "
		    "2\n" },
		{ "header not JSON", 4, "sessrec",
		    "O -2 format @25: bad header: invalid JSON: " },
		{ "header of another format", 5, "sessrec",
		    "O -2 format @14: bad header: \"format\" is not "
		    "\"sessrec\"\n" },
		{ "header version 9", 6, "sessrec",
		    "O -2 unsupported @14: unsupported sessrec header version "
		    "9\n" },
		{ "header cut short", 7, "sessrec",
		    "O -2 format @0: recording incomplete: header frame cut "
		    "short\n" },
		{ "empty", 8, NULL,
		    "O -2 format @-1: unrecognized recording format\n" },
	};
	static struct tr t;
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	const struct sr_format *f;
	unsigned char buf[1024], head[14];
	size_t i, n;
	int bid;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		struct hb b;

		memset(&b, 0, sizeof(b));
		switch (cases[i].how) {
		case 0:
		case 1:
			if (cases[i].how == 1) {
				static const unsigned char sk[12] = { 0x5e,
					0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'S', 'R',
					'E', 'D' };

				hb_add(&b, sk, sizeof(sk));
			}
			n = ZSTD_compress(buf, sizeof(buf), tlog_line,
			    sizeof(tlog_line) - 1, 3);
			assert_false(ZSTD_isError(n));
			hb_add(&b, buf, n);
			break;
		case 2:
			memset(buf, 0, SR_CHAIN_LEN);
			hb_skip(&b, SR_NK_CHAIN, buf, SR_CHAIN_LEN);
			break;
		case 3:
			hb_skip(&b, SR_NK_HEADER, "{}", 2);
			b.p[12] = 2;
			break;
		case 4:
			hb_skip(&b, SR_NK_HEADER, "{\"format\":", 11);
			break;
		case 5:
			hb_skip(&b, SR_NK_HEADER,
			    "{\"format\":\"other\",\"version\":1}", 30);
			break;
		case 6:
			hb_skip(&b, SR_NK_HEADER,
			    "{\"format\":\"sessrec\",\"version\":9}", 32);
			break;
		case 7:
			hb_add(&b, head, sr_native_frame(head, 'H', 100));
			hb_add(&b, "{\"format\"", 9);
			break;
		case 8:
			hb_add(&b, "", 0);
			break;
		}
		assert_non_null(ctx = sr_ctx_new());
		if (sr_input_open_mem(ctx, "t.srec", b.p != NULL ? b.p : buf,
			b.len, &in, &err) != SR_OK)
			fail_msg("%s: %s", cases[i].name, err.msg);
		f = sr_probe_member(in, "t.srec", &bid);
		if ((f == NULL) != (cases[i].fmt == NULL) ||
		    (f != NULL && strcmp(f->name, cases[i].fmt) != 0))
			fail_msg("%s: probed as %s", cases[i].name,
			    sr_format_name(f));
		sr_input_close(in);
		sr_ctx_free(ctx);
		(void)read_mem("t.srec", b.p != NULL ? b.p : buf, b.len, NULL,
		    &t);
		if (strncmp(t.s, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("%s: got\n%s", cases[i].name, t.s);
		free(b.p);
	}
}

/*
 * Recordings made by the writer in tests/data/native, with what the real
 * tlog-play 12.1 printed for their "zstd -dc" (tests/data/native/README):
 * the output bytes must be the same, minus the trailer tlog-play adds.
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

static void
test_fixtures(void **state)
{
	static const struct {
		const char *name;
		const char *state;
		size_t nevents;
	} cases[] = {
		{ "small", "complete", 8 },
		{ "chunks", "complete", 41 },
		{ "unsealed", "incomplete", 18 },
	};
	/* What tlog-play writes when it exits: ESC[0m ESC[?25h LF NUL. */
	static const char trailer[] = "\033[0m\033[?25h\n";
	char path[4096], rel[128];
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_reader *r;
	struct sr_error err;
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_buf out;
	static struct tr t;
	char *golden;
	size_t i, glen = 0, nev;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		(void)snprintf(rel, sizeof(rel),
		    "tests/data/native/%s.srec.tlog-play.out", cases[i].name);
		(void)strlcpy(path, unit_srcpath(rel), sizeof(path));
		if ((golden = slurp(path, &glen)) == NULL)
			fail_msg("%s: cannot read %s", cases[i].name, path);
		if (glen < sizeof(trailer) ||
		    memcmp(golden + glen - sizeof(trailer), trailer,
			sizeof(trailer)) != 0)
			fail_msg("%s: golden without tlog-play's trailer",
			    cases[i].name);
		glen -= sizeof(trailer);
		(void)snprintf(rel, sizeof(rel), "tests/data/native/%s.srec",
		    cases[i].name);
		(void)strlcpy(path, unit_srcpath(rel), sizeof(path));
		assert_non_null(ctx = sr_ctx_new());
		tr_reset(&t);
		sr_ctx_set_diag(ctx, tr_diag, &t);
		if (sr_input_open(ctx, path, &in, &err) != SR_OK ||
		    sr_reader_open(ctx, in, sr_basename(path), NULL, &r,
			&err) != SR_OK)
			fail_msg("%s: %s", cases[i].name, err.msg);
		if (strcmp(sr_format_name(sr_reader_format(r)), "sessrec") != 0)
			fail_msg("%s: read as %s", cases[i].name,
			    sr_format_name(sr_reader_format(r)));
		if (sr_reader_next_session(r, &s) != SR_OK)
			fail_msg("%s: no session", cases[i].name);
		if (strcmp(state_name(s->state), cases[i].state) != 0)
			fail_msg("%s: state %s", cases[i].name,
			    state_name(s->state));
		sr_buf_init(&out, 1 << 20);
		nev = 0;
		while (sr_reader_next_event(r, &ev) == SR_OK) {
			nev++;
			if (ev->type == SR_EV_OUTPUT)
				(void)sr_buf_append(&out, ev->data, ev->len);
		}
		if (nev != cases[i].nevents || t.nwarn != 0)
			fail_msg("%s: %zu events, %zu warnings:\n%s",
			    cases[i].name, nev, t.nwarn, t.s);
		if (out.len != glen || memcmp(out.data, golden, glen) != 0)
			fail_msg("%s: output differs from tlog-play's (%zu "
				 "bytes, want %zu)",
			    cases[i].name, out.len, glen);
		sr_buf_release(&out);
		free(golden);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * A sealed recording is listed from its header and seal alone: damage
 * inside the chunks shows only once events are read (as cat, info and
 * verify do), so that ls stays fast on long sessions.
 */
static void
test_lazy(void **state)
{
	struct sr_rec_meta m;
	unsigned char *rec;
	size_t len, nf, off[64], k, nd = 0;
	int kind[64], pass;

	(void)state;
	meta_full(&m);
	rec = make_rec(&rcases[3], &m, &len);
	nf = frames(rec, len, off, kind, nitems(off), 1);
	for (k = 0; k < nf && nd < 2; k++)
		if (kind[k] == 'D' && ++nd == 2)
			break;
	assert_int_equal(nd, 2);
	/* A byte in the middle of the second chunk's compressed data. */
	rec[off[k] + (off[k + 1] - off[k]) / 2] ^= 0x55;
	for (pass = 0; pass < 2; pass++) {
		struct sr_ctx *ctx = sr_ctx_new();
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_error err;
		const struct sr_session *s;
		const struct sr_event *ev;

		assert_int_equal(sr_input_open_mem(ctx, "t.srec", rec, len, &in,
				     &err),
		    SR_OK);
		assert_int_equal(sr_reader_open(ctx, in, "t.srec", NULL, &r,
				     &err),
		    SR_OK);
		assert_int_equal(sr_reader_next_session(r, &s), SR_OK);
		assert_int_equal(s->state, SR_STATE_COMPLETE);
		assert_true(s->have & SR_HAVE_EXIT);
		assert_int_equal(sr_reader_warnings(r), 0);
		if (pass == 0) {
			/* ls: the next session, never an event. */
			assert_int_equal(sr_reader_next_session(r, &s), SR_EOF);
			assert_int_equal(sr_reader_warnings(r), 0);
		} else {
			int es;

			while ((es = sr_reader_next_event(r, &ev)) == SR_OK ||
			    es == SR_WARN)
				;
			assert_int_equal(es, SR_EOF);
			assert_true(sr_reader_warnings(r) > 0);
		}
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
	free(rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_cases),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_tlog_keys),
		cmocka_unit_test(test_tlog_hand),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_flipped),
		cmocka_unit_test(test_lazy),
		cmocka_unit_test(test_hand),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_spool),
		cmocka_unit_test(test_probe),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
