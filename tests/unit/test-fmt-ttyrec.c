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
 * Tests of the ttyrec reader: the real samples (exact metadata, times,
 * bytes and offsets), real-tool fixtures, records built in memory
 * (truncated, oversized, odd times), and the weak probe, which must stay
 * below 30 on random and text files.
 */
#include <string.h>

#include "unit.h"

#define SEC SR_NSEC_PER_SEC
#define MS  SR_NSEC_PER_MSEC
#define US  SR_NSEC_PER_USEC

struct diag {
	int n;
	int64_t first_offset;
	char first_msg[SR_ERROR_MSG_MAX];
};

static void
diag_fn(void *arg, int status, const struct sr_error *e)
{
	struct diag *d = arg;

	(void)status;
	if (d->n++ == 0) {
		d->first_offset = e->loc.offset;
		(void)snprintf(d->first_msg, sizeof(d->first_msg), "%s",
		    e->msg);
	}
}

static struct sr_ctx *
new_ctx(struct diag *d)
{
	struct sr_ctx *ctx = sr_ctx_new();

	assert_non_null(ctx);
	memset(d, 0, sizeof(*d));
	sr_ctx_set_diag(ctx, diag_fn, d);
	return (ctx);
}

struct want_ev {
	int64_t t_ns;
	const char *data;
	size_t len;
	int64_t offset;
};

#define E(t, s, off)                                                           \
	{                                                                      \
		(t), s, sizeof(s) - 1, (off)                                   \
	}

struct want_session {
	const char *id;
	unsigned have;
	int64_t start_ns;
	int64_t duration_ns;
	unsigned rows, cols;
	enum sr_state state;
};

static void
check_session(const char *name, const struct sr_session *s,
    const struct want_session *w)
{
	const char *id = s->field[SR_F_SESSION_ID];
	int f;

	if (id == NULL || strcmp(id, w->id) != 0)
		fail_msg("%s: id '%s', want '%s'", name, id ? id : "(null)",
		    w->id);
	for (f = 0; f < SR_F__COUNT; f++)
		if (f != SR_F_SESSION_ID && s->field[f] != NULL)
			fail_msg("%s: unexpected field %s", name,
			    sr_field_name(f));
	if (strcmp(s->format, "ttyrec") != 0)
		fail_msg("%s: format %s", name, s->format);
	if (s->have != w->have)
		fail_msg("%s: have %#x, want %#x", name, s->have, w->have);
	if (s->start_ns != w->start_ns)
		fail_msg("%s: start %lld, want %lld", name,
		    (long long)s->start_ns, (long long)w->start_ns);
	if (s->duration_ns != w->duration_ns)
		fail_msg("%s: duration %lld, want %lld", name,
		    (long long)s->duration_ns, (long long)w->duration_ns);
	if ((w->have & SR_HAVE_GEOMETRY) &&
	    (s->rows != w->rows || s->cols != w->cols))
		fail_msg("%s: %u rows %u cols, want %u %u", name, s->rows,
		    s->cols, w->rows, w->cols);
	if (s->state != w->state)
		fail_msg("%s: state %d, want %d", name, s->state, w->state);
	if (s->nextras != 0)
		fail_msg("%s: %zu extras", name, s->nextras);
}

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
			fail_msg("%s: extra event %zu", name, i);
		if (ev->type != SR_EV_OUTPUT ||
		    ev->stream != SR_STREAM_TTYOUT || ev->flags != 0)
			fail_msg("%s: event %zu: type %d stream %d flags %#x",
			    name, i, ev->type, ev->stream, ev->flags);
		if (ev->t_ns != w->t_ns)
			fail_msg("%s: event %zu: t %lld, want %lld", name, i,
			    (long long)ev->t_ns, (long long)w->t_ns);
		if (ev->len != w->len ||
		    (w->len > 0 && memcmp(ev->data, w->data, w->len) != 0))
			fail_msg("%s: event %zu: data '%.*s' (%zu), want "
				 "'%.*s' (%zu)",
			    name, i, (int)ev->len, (const char *)ev->data,
			    ev->len, (int)w->len, w->data, w->len);
		if (ev->loc.offset != w->offset || ev->loc.line != -1)
			fail_msg("%s: event %zu: offset %lld, want %lld", name,
			    i, (long long)ev->loc.offset, (long long)w->offset);
		i++;
	}
	if (i != n)
		fail_msg("%s: %zu events, want %zu", name, i, n);
	if (st != want_end)
		fail_msg("%s: end status %d, want %d (%s)", name, st, want_end,
		    sr_reader_error(r)->msg);
}

/* samples/ttyrec/basic.ttyrec, decoded by hand from its bytes. */
static const struct want_ev basic_events[] = {
	E(0, "hi\r\n", 0),
	E(319327 * US, "bin\r\n", 16),
	E(319757 * US, "boot\r\ncontainer_info.json\r\n", 33),
	E(319776 * US, "\x1b[1;31mred\x1b[0m\r\n", 72),
	E(523293 * US, "done\r\n", 100),
};

/* samples/escape-probes/inject-probe.ttyrec */
static const struct want_ev probe_events[] = {
	E(0, "normal text\r\n", 0),
	E(100 * MS, "\x1b]0;PWNED-TITLE\x07", 25),
	E(200 * MS, "\x1b[21t", 53),
	E(300 * MS, "\x1b]52;c;ZWNobyBwd25lZA==\x07", 70),
	E(400 * MS, "\x1bP$q\nid\n\x1b\\", 106),
	E(500 * MS, "\x1b[6n", 128),
	E(600 * MS, "hidden\r\x1b[2Kvisible\r\n", 144),
};

#define SD (SR_HAVE_START | SR_HAVE_DURATION)

static const struct file_case {
	const char *path;
	struct want_session s;
	const struct want_ev *ev;
	size_t nev;
} file_cases[] = {
	{ "tests/data/ttyrec/basic.ttyrec",
	    { "basic", SD, 1795577892265898 * US, 523293 * US, 0, 0,
		SR_STATE_UNKNOWN },
	    basic_events, nitems(basic_events) },
	{ "tests/data/ttyrec/basic-gzip.ttyrec.gz",
	    { "basic-gzip", SD, 1795577892265898 * US, 523293 * US, 0, 0,
		SR_STATE_UNKNOWN },
	    basic_events, nitems(basic_events) },
	{ "tests/data/ttyrec/inject-probe.ttyrec",
	    { "inject-probe", SD, 1700000000100000 * US, 600 * MS, 0, 0,
		SR_STATE_UNKNOWN },
	    probe_events, nitems(probe_events) },
};

static struct sr_reader *
open_file(const char *name, struct sr_ctx *ctx, struct sr_input **inp,
    const struct sr_format *fmt)
{
	struct sr_reader *r;
	struct sr_error err;

	if (sr_input_open(ctx, unit_srcpath(name), inp, &err) != SR_OK)
		fail_msg("%s: cannot open input: %s", name, err.msg);
	if (sr_input_nmembers(*inp) != 1)
		fail_msg("%s: %zu members", name, sr_input_nmembers(*inp));
	if (sr_reader_open(ctx, *inp, sr_input_member(*inp, 0)->name, fmt, &r,
		&err) != SR_OK)
		fail_msg("%s: cannot open reader: %s", name, err.msg);
	if (strcmp(sr_format_name(sr_reader_format(r)), "ttyrec") != 0)
		fail_msg("%s: probed as %s", name,
		    sr_format_name(sr_reader_format(r)));
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
		r = open_file(c->path, ctx, &in, NULL);
		if ((st = sr_reader_next_session(r, &s)) != SR_OK)
			fail_msg("%s: next_session %d: %s", c->path, st,
			    sr_reader_error(r)->msg);
		check_session(c->path, s, &c->s);
		check_events(c->path, r, c->ev, c->nev, SR_EOF);
		if (d.n != 0)
			fail_msg("%s: %d warnings (%s)", c->path, d.n,
			    d.first_msg);
		if (sr_reader_next_session(r, &s) != SR_EOF)
			fail_msg("%s: a second session", c->path);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Fixtures written by ttyrec 1.0.8 (tests/gen/gen-fixtures.sh): their
 * times change on every regeneration, so only their shape is checked.
 */
static void
test_real(void **state)
{
	static const struct {
		const char *path;
		const char *id;
		int nwarn;
		enum sr_state state;
	} cases[] = {
		{ "tests/data/ttyrec/real.ttyrec", "real", 0,
		    SR_STATE_UNKNOWN },
		{ "tests/data/ttyrec/truncated.ttyrec", "truncated", 1,
		    SR_STATE_INCOMPLETE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		const struct sr_session *s;
		const struct sr_event *ev;
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_ctx *ctx;
		struct diag d;
		int st, n = 0;
		int64_t last = 0, end = 0;

		ctx = new_ctx(&d);
		r = open_file(cases[i].path, ctx, &in, NULL);
		if (sr_reader_next_session(r, &s) != SR_OK)
			fail_msg("%s: next_session", cases[i].path);
		if (strcmp(s->field[SR_F_SESSION_ID], cases[i].id) != 0 ||
		    s->state != cases[i].state ||
		    s->start_ns < 1700000000 * SEC)
			fail_msg("%s: metadata", cases[i].path);
		while ((st = sr_reader_next_event(r, &ev)) == SR_OK ||
		    st == SR_WARN) {
			if (ev->t_ns < last || ev->loc.offset < end)
				fail_msg("%s: order", cases[i].path);
			last = ev->t_ns;
			end = ev->loc.offset + 12 + (int64_t)ev->len;
			n++;
		}
		if (st != SR_EOF || n < 3 || last != s->duration_ns ||
		    d.n != cases[i].nwarn)
			fail_msg("%s: %d events, end %d, %d warnings",
			    cases[i].path, n, st, d.n);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/* tests/data/bad/ttyrec-huge-length.ttyrec: record 2 at 46 is 0xFFFFFFF0. */
static void
test_huge_fixture(void **state)
{
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_input *in;
	struct sr_reader *r;
	struct sr_ctx *ctx;
	struct diag d;

	(void)state;
	ctx = new_ctx(&d);
	r = open_file("tests/data/bad/ttyrec-huge-length.ttyrec", ctx, &in,
	    sr_format_find("ttyrec"));
	assert_int_equal(sr_reader_next_session(r, &s), SR_OK);
	assert_int_equal(sr_reader_next_event(r, &ev), SR_OK);
	assert_int_equal(ev->loc.offset, 0);
	assert_int_equal(sr_reader_next_event(r, &ev), SR_FAILED);
	assert_int_equal(sr_reader_error(r)->cat, SR_E_LIMIT);
	assert_int_equal(sr_reader_error(r)->loc.offset, 46);
	assert_int_equal(sr_reader_next_event(r, &ev), SR_EOF);
	sr_reader_close(r);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/*
 * Records built in memory.  A record whose data is shorter than its len
 * is truncated (last only); tail holds stray bytes after the records.
 */
struct rec {
	uint32_t sec, usec, len;
	const char *data;
	size_t dlen;
};

#define REC(s, u, d)                                                           \
	{                                                                      \
		(s), (u), sizeof(d) - 1, d, sizeof(d) - 1                      \
	}
#define REC_LEN(s, u, l, d)                                                    \
	{                                                                      \
		(s), (u), (l), d, sizeof(d) - 1                                \
	}

static size_t
build(unsigned char *buf, size_t max, const struct rec *recs, size_t n,
    const char *tail, size_t tlen)
{
	size_t i, j, off = 0;

	for (i = 0; i < n; i++) {
		uint32_t v[3] = { recs[i].sec, recs[i].usec, recs[i].len };

		assert_true(off + 12 + recs[i].dlen <= max);
		for (j = 0; j < 12; j++)
			buf[off + j] =
			    (unsigned char)(v[j / 4] >> (8 * (j % 4)));
		off += 12;
		memcpy(buf + off, recs[i].data, recs[i].dlen);
		off += recs[i].dlen;
	}
	assert_true(off + tlen <= max);
	memcpy(buf + off, tail, tlen);
	return (off + tlen);
}

static const struct rec r_two[] = {
	REC(100, 0, "ab"),
	REC(100, 250000, "cd"),
};
static const struct want_ev ev_two[] = {
	E(0, "ab", 0),
	E(250 * MS, "cd", 14),
};
static const struct rec r_usec[] = {
	REC(100, 0, "a"),
	REC(100, 1500000, "b"),
	REC(101, 600000, "c"),
};
static const struct want_ev ev_usec[] = {
	E(0, "a", 0),
	E(1500 * MS, "b", 13),
	E(1600 * MS, "c", 26),
};
static const struct rec r_back[] = {
	REC(100, 500000, "a"),
	REC(100, 200000, "b"),
	REC(101, 0, "c"),
	REC(99, 0, "d"),
};
static const struct want_ev ev_back[] = {
	E(0, "a", 0),
	E(0, "b", 13),
	E(500 * MS, "c", 26),
	E(500 * MS, "d", 39),
};
static const struct rec r_trunc[] = {
	REC(100, 0, "ab"),
	REC_LEN(101, 0, 10, "wxyz"),
};
static const struct want_ev ev_trunc[] = {
	E(0, "ab", 0),
	E(1 * SEC, "wxyz", 14),
};
static const struct rec r_trunc0[] = {
	REC(100, 0, "ab"),
	REC_LEN(101, 0, 10, ""),
};
static const struct want_ev ev_ab[] = {
	E(0, "ab", 0),
};
static const struct rec r_geom[] = {
	REC(100, 0, "\x1b[8;30;100t\x1b[H"),
	REC(100, 1, "x"),
};
static const struct want_ev ev_geom[] = {
	E(0, "\x1b[8;30;100t\x1b[H", 0),
	E(1 * US, "x", 26),
};
static const struct rec r_nogeom[] = {
	REC(100, 0, "\x1b[8;30t \x1b[8;;80t \x1b[8;0;80t"),
};
static const struct want_ev ev_nogeom[] = {
	E(0, "\x1b[8;30t \x1b[8;;80t \x1b[8;0;80t", 0),
};
static const struct rec r_empty_rec[] = {
	REC(100, 0, ""),
	REC(100, 7, "z"),
};
static const struct want_ev ev_empty_rec[] = {
	E(0, "", 0),
	E(7 * US, "z", 12),
};
static const struct rec r_huge_first[] = {
	REC_LEN(100, 0, 0xFFFFFFF0u, "abc"),
};
static const struct rec r_huge_second[] = {
	REC(100, 0, "ab"),
	REC_LEN(100, 0, 0xFFFFFFF0u, "abc"),
};
static const struct rec r_over_limit[] = {
	REC(100, 0, "abcd"),
	REC(100, 0, "abcde"),
};
static const struct want_ev ev_abcd[] = {
	E(0, "abcd", 0),
};
static const struct rec r_max_time[] = {
	REC(0xFFFFFFFFu, 999999, "end of time"),
};
static const struct want_ev ev_max_time[] = {
	E(0, "end of time", 0),
};

static const struct mem_case {
	const char *name;
	const char *member;
	const struct rec *recs;
	size_t nrecs;
	const char *tail;
	size_t tlen;
	int session_status;
	struct want_session s;
	const struct want_ev *ev;
	size_t nev;
	int end_status;
	enum sr_errcat end_cat; /* when end_status is SR_FAILED */
	int64_t end_offset;	/* when end_status is SR_FAILED */
	int nwarn;
	int64_t warn_offset; /* of the first warning, when nwarn > 0 */
	uint64_t event_limit;
} mem_cases[] = {
	{ "empty", "t.ttyrec", NULL, 0, "", 0, SR_FAILED,
	    { "t", 0, 0, 0, 0, 0, SR_STATE_UNKNOWN }, NULL, 0, SR_EOF,
	    SR_E_FORMAT, 0, 0, 0, 0 },
	{ "only a truncated header", "t.ttyrec", NULL, 0, "\x64\0\0\0\0", 5,
	    SR_FAILED, { "t", 0, 0, 0, 0, 0, SR_STATE_UNKNOWN }, NULL, 0,
	    SR_EOF, SR_E_FORMAT, 0, 0, 0, 0 },
	{ "two records, .tty name", "x.tty", r_two, nitems(r_two), "", 0, SR_OK,
	    { "x", SD, 100 * SEC, 250 * MS, 0, 0, SR_STATE_UNKNOWN }, ev_two,
	    nitems(ev_two), SR_EOF, 0, 0, 0, 0, 0 },
	{ "other name kept", "session.log", r_two, nitems(r_two), "", 0, SR_OK,
	    { "session.log", SD, 100 * SEC, 250 * MS, 0, 0, SR_STATE_UNKNOWN },
	    ev_two, nitems(ev_two), SR_EOF, 0, 0, 0, 0, 0 },
	{ "truncated header after a record", "t.ttyrec", r_two, 1,
	    "\x64\0\0\0\0", 5, SR_OK,
	    { "t", SD, 100 * SEC, 0, 0, 0, SR_STATE_INCOMPLETE }, ev_two, 1,
	    SR_EOF, 0, 0, 1, 14, 0 },
	{ "usec of a million or more is added", "t.ttyrec", r_usec,
	    nitems(r_usec), "", 0, SR_OK,
	    { "t", SD, 100 * SEC, 1600 * MS, 0, 0, SR_STATE_UNKNOWN }, ev_usec,
	    nitems(ev_usec), SR_EOF, 0, 0, 1, 13, 0 },
	{ "backwards times are clamped", "t.ttyrec", r_back, nitems(r_back), "",
	    0, SR_OK,
	    { "t", SD, 100 * SEC + 500 * MS, 500 * MS, 0, 0, SR_STATE_UNKNOWN },
	    ev_back, nitems(ev_back), SR_EOF, 0, 0, 2, 13, 0 },
	{ "truncated record keeps its bytes", "t.ttyrec", r_trunc,
	    nitems(r_trunc), "", 0, SR_OK,
	    { "t", SD, 100 * SEC, 1 * SEC, 0, 0, SR_STATE_INCOMPLETE },
	    ev_trunc, nitems(ev_trunc), SR_EOF, 0, 0, 1, 14, 0 },
	{ "truncated record without data", "t.ttyrec", r_trunc0,
	    nitems(r_trunc0), "", 0, SR_OK,
	    { "t", SD, 100 * SEC, 0, 0, 0, SR_STATE_INCOMPLETE }, ev_ab,
	    nitems(ev_ab), SR_EOF, 0, 0, 1, 14, 0 },
	{ "size request in the first record", "t.ttyrec", r_geom,
	    nitems(r_geom), "", 0, SR_OK,
	    { "t", SD | SR_HAVE_GEOMETRY, 100 * SEC, 1 * US, 30, 100,
		SR_STATE_UNKNOWN },
	    ev_geom, nitems(ev_geom), SR_EOF, 0, 0, 0, 0, 0 },
	{ "malformed size requests", "t.ttyrec", r_nogeom, nitems(r_nogeom), "",
	    0, SR_OK, { "t", SD, 100 * SEC, 0, 0, 0, SR_STATE_UNKNOWN },
	    ev_nogeom, nitems(ev_nogeom), SR_EOF, 0, 0, 0, 0, 0 },
	{ "empty record", "t.ttyrec", r_empty_rec, nitems(r_empty_rec), "", 0,
	    SR_OK, { "t", SD, 100 * SEC, 7 * US, 0, 0, SR_STATE_UNKNOWN },
	    ev_empty_rec, nitems(ev_empty_rec), SR_EOF, 0, 0, 0, 0, 0 },
	{ "first length 0xFFFFFFF0", "t.ttyrec", r_huge_first,
	    nitems(r_huge_first), "", 0, SR_OK,
	    { "t", SD, 100 * SEC, 0, 0, 0, SR_STATE_UNKNOWN }, NULL, 0,
	    SR_FAILED, SR_E_LIMIT, 0, 0, 0, 0 },
	{ "second length 0xFFFFFFF0", "t.ttyrec", r_huge_second,
	    nitems(r_huge_second), "", 0, SR_OK,
	    { "t", SD, 100 * SEC, 0, 0, 0, SR_STATE_UNKNOWN }, ev_ab,
	    nitems(ev_ab), SR_FAILED, SR_E_LIMIT, 14, 0, 0, 0 },
	{ "record over a small event limit", "t.ttyrec", r_over_limit,
	    nitems(r_over_limit), "", 0, SR_OK,
	    { "t", SD, 100 * SEC, 0, 0, 0, SR_STATE_UNKNOWN }, ev_abcd,
	    nitems(ev_abcd), SR_FAILED, SR_E_LIMIT, 16, 0, 0, 4 },
	{ "largest time", "t.ttyrec", r_max_time, nitems(r_max_time), "", 0,
	    SR_OK,
	    { "t", SD, 4294967295LL * SEC + 999999 * US, 0, 0, 0,
		SR_STATE_UNKNOWN },
	    ev_max_time, nitems(ev_max_time), SR_EOF, 0, 0, 0, 0, 0 },
};

static void
test_mem(void **state)
{
	unsigned char buf[1024];
	size_t i, len;

	(void)state;
	for (i = 0; i < nitems(mem_cases); i++) {
		const struct mem_case *c = &mem_cases[i];
		const struct sr_session *s;
		const struct sr_error *e;
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_error err;
		struct sr_ctx *ctx;
		struct diag d;
		int st;

		len = build(buf, sizeof(buf), c->recs, c->nrecs, c->tail,
		    c->tlen);
		ctx = new_ctx(&d);
		if (c->event_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_EVENT, c->event_limit);
		if (sr_input_open_mem(ctx, c->member, buf, len, &in, &err) !=
		    SR_OK)
			fail_msg("%s: input: %s", c->name, err.msg);
		if (sr_reader_open(ctx, in, c->member, sr_format_find("ttyrec"),
			&r, &err) != SR_OK)
			fail_msg("%s: open: %s", c->name, err.msg);
		st = sr_reader_next_session(r, &s);
		if (st != c->session_status)
			fail_msg("%s: next_session %d, want %d (%s)", c->name,
			    st, c->session_status, sr_reader_error(r)->msg);
		if (st == SR_FAILED) {
			e = sr_reader_error(r);
			if (e->cat != SR_E_FORMAT || e->loc.offset != 0 ||
			    strcmp(e->loc.member, c->member) != 0)
				fail_msg("%s: error cat %d offset %lld",
				    c->name, e->cat, (long long)e->loc.offset);
		} else {
			check_session(c->name, s, &c->s);
			check_events(c->name, r, c->ev, c->nev, c->end_status);
		}
		if (c->end_status == SR_FAILED) {
			e = sr_reader_error(r);
			if (e->cat != c->end_cat ||
			    e->loc.offset != c->end_offset)
				fail_msg("%s: error cat %d offset %lld, want "
					 "%d %lld",
				    c->name, e->cat, (long long)e->loc.offset,
				    c->end_cat, (long long)c->end_offset);
		}
		if (d.n != c->nwarn)
			fail_msg("%s: %d warnings, want %d (%s)", c->name, d.n,
			    c->nwarn, d.first_msg);
		if (c->nwarn > 0 && d.first_offset != c->warn_offset)
			fail_msg("%s: first warning at %lld, want %lld",
			    c->name, (long long)d.first_offset,
			    (long long)c->warn_offset);
		if (sr_reader_next_session(r, &s) != SR_EOF)
			fail_msg("%s: a second session", c->name);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Probing.
 */
static int
ttyrec_bid(struct sr_ctx *ctx, struct sr_input *in, const char *member)
{
	const struct sr_format *f = sr_format_find("ttyrec");
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

/* The winner for each fixture, and the ttyrec probe's own bid. */
static const struct probe_case {
	const char *path;
	const char *want; /* NULL: nothing; "": anything but ttyrec */
	int min, max;	  /* range of the ttyrec bid */
} probe_cases[] = {
	{ "tests/data/ttyrec/basic.ttyrec", "ttyrec", 30, 49 },
	{ "tests/data/ttyrec/basic-gzip.ttyrec.gz", "ttyrec", 30, 49 },
	{ "tests/data/ttyrec/inject-probe.ttyrec", "ttyrec", 30, 49 },
	{ "tests/data/ttyrec/real.ttyrec", "ttyrec", 30, 49 },
	{ "tests/data/ttyrec/truncated.ttyrec", "ttyrec", 30, 49 },
	/* A good first record, then a bad header: a damaged ttyrec. */
	{ "tests/data/bad/ttyrec-huge-length.ttyrec", "ttyrec", 10, 29 },
	{ "tests/data/bad/random-4096.bin", NULL, 0, 29 },
	{ "tests/data/bad/empty", NULL, 0, 0 },
	{ "tests/data/asciicast/v2-title-idle-append.cast", "asciicast", 0, 0 },
	{ "tests/data/asciicast/v2-gzip.cast.gz", "asciicast", 0, 0 },
	{ "tests/data/bad/asciicast-header-not-json.cast", "", 0, 0 },
	{ "tests/data/tlog/multi-msg.json", "", 0, 0 },
	{ "tests/data/script/script-classic.tm", "", 0, 0 },
	{ "tests/data/script/script-adv.io", "", 0, 0 },
};

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
		int bid, own, bad;

		ctx = new_ctx(&d);
		if (sr_input_open(ctx, unit_srcpath(c->path), &in, &err) !=
		    SR_OK)
			fail_msg("%s: %s", c->path, err.msg);
		if (sr_input_nmembers(in) == 0) {
			/* An empty file may be a container of nothing. */
			sr_input_close(in);
			sr_ctx_free(ctx);
			continue;
		}
		m = sr_input_member(in, 0)->name;
		f = sr_probe_member(in, m, &bid);
		if (c->want == NULL)
			bad = f != NULL;
		else if (c->want[0] == '\0')
			bad = f != NULL && strcmp(f->name, "ttyrec") == 0;
		else
			bad = f == NULL || strcmp(f->name, c->want) != 0;
		if (bad)
			fail_msg("%s: probed %s (%d), want %s", c->path,
			    sr_format_name(f), f ? bid : 0,
			    c->want ? c->want : "nothing");
		own = ttyrec_bid(ctx, in, m);
		if (own < c->min || own > c->max)
			fail_msg("%s: ttyrec bid %d, want %d..%d", c->path, own,
			    c->min, c->max);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/* Deterministic pseudo-random bytes (xorshift). */
static void
fill_random(unsigned char *b, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		b[i] = (unsigned char)seed;
	}
}

static void
test_probe_weak(void **state)
{
	static const char *const texts[] = {
		"hello world\nthis is a text file\n",
		"Script started on 2026-11-25 03:37:20+00:00 [TERM=x]\n",
		"0.010201 4\n0.295805 5\n0.000025 6\n",
		"{\"version\": 2, \"width\": 80, \"height\": 24}\n",
		"#!/bin/sh\necho hi\n",
		"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
	};
	static const char *const names[] = { "x.bin", "x.ttyrec", "x.tty" };
	unsigned char buf[8192], rec[64];
	struct sr_input *in;
	struct sr_error err;
	struct sr_ctx *ctx;
	struct diag d;
	size_t i, j, len;
	int bid;

	(void)state;
	ctx = new_ctx(&d);
	/* Random bytes of many sizes and seeds, under any name. */
	for (i = 0; i < 200; i++) {
		len = 1 + (i * 37) % sizeof(buf);
		fill_random(buf, len, (uint32_t)(i * 2654435761u + 1));
		for (j = 0; j < nitems(names); j++) {
			assert_int_equal(sr_input_open_mem(ctx, names[j], buf,
					     len, &in, &err),
			    SR_OK);
			if ((bid = ttyrec_bid(ctx, in, names[j])) >= 30)
				fail_msg("random %zu as %s: bid %d", i,
				    names[j], bid);
			sr_input_close(in);
		}
	}
	/* Zeros, and text: nothing at all. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(sr_input_open_mem(ctx, "x.ttyrec", buf, sizeof(buf),
			     &in, &err),
	    SR_OK);
	assert_int_equal(ttyrec_bid(ctx, in, "x.ttyrec"), 0);
	sr_input_close(in);
	for (i = 0; i < nitems(texts); i++) {
		assert_int_equal(sr_input_open_mem(ctx, "x.tty", texts[i],
				     strlen(texts[i]), &in, &err),
		    SR_OK);
		if ((bid = ttyrec_bid(ctx, in, "x.tty")) != 0)
			fail_msg("text %zu: bid %d", i, bid);
		sr_input_close(in);
	}
	/*
	 * A real-looking file: below 30 without its name, below 50 with.
	 */
	len = build(rec, sizeof(rec), r_two, nitems(r_two), "", 0);
	assert_int_equal(sr_input_open_mem(ctx, "x.bin", rec, len, &in, &err),
	    SR_OK);
	bid = ttyrec_bid(ctx, in, "x.bin");
	if (bid <= 0 || bid >= 30)
		fail_msg("two records as x.bin: bid %d", bid);
	sr_input_close(in);
	assert_int_equal(sr_input_open_mem(ctx, "x.ttyrec", rec, len, &in,
			     &err),
	    SR_OK);
	if ((i = (size_t)ttyrec_bid(ctx, in, "x.ttyrec")) <= (size_t)bid ||
	    i >= 50)
		fail_msg("two records as x.ttyrec: bid %zu", i);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_huge_fixture),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_probe_weak),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
