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
 * Unit tests for lib/export.c: exact asciicast, tlog and SIEM output for
 * crafted event lists (table-driven), UTF-8 edge cases, tlog message
 * splitting by size and time, and a round trip of arbitrary bytes
 * through the tlog encoder and our tlog reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "export.h"

#define MS SR_NSEC_PER_MSEC

struct tev {
	enum sr_event_type type;
	int64_t t_ns;
	const char *data;
	size_t len; /* 0: strlen(data) */
	unsigned rows, cols;
	unsigned flags;
	enum sr_stream_id stream;
};

#define OUT(t, s)                                                              \
	{                                                                      \
		SR_EV_OUTPUT, (t), (s), 0, 0, 0, 0, SR_STREAM_TTYOUT           \
	}
#define OUTN(t, s, n)                                                          \
	{                                                                      \
		SR_EV_OUTPUT, (t), (s), (n), 0, 0, 0, SR_STREAM_TTYOUT         \
	}
#define IN(t, s)                                                               \
	{                                                                      \
		SR_EV_INPUT, (t), (s), 0, 0, 0, 0, SR_STREAM_TTYIN             \
	}
#define RESIZE(t, r, c)                                                        \
	{                                                                      \
		SR_EV_RESIZE, (t), NULL, 0, (r), (c), 0, 0                     \
	}
#define MARK(t, s)                                                             \
	{                                                                      \
		SR_EV_MARKER, (t), (s), 0, 0, 0, 0, 0                          \
	}
#define END(t, s)                                                              \
	{                                                                      \
		SR_EV_END, (t), (s), 0, 0, 0, 0, 0                             \
	}
#define EVMAX 8

static void
to_event(const struct tev *t, struct sr_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = t->type;
	ev->t_ns = t->t_ns;
	ev->data = (const unsigned char *)t->data;
	ev->len = t->data == NULL ? 0 : t->len > 0 ? t->len : strlen(t->data);
	ev->rows = t->rows;
	ev->cols = t->cols;
	ev->flags = t->flags;
	ev->stream = t->stream;
}

static size_t
nev(const struct tev *evs)
{
	size_t n = 0;

	while (n < EVMAX && evs[n].type != 0)
		n++;
	return (n);
}

/* Collects output; fails on demand. */
struct sink {
	struct sr_buf b;
	int fail_after; /* calls before failing; -1 never */
	int calls;
};

static int
sink_fn(void *arg, const char *p, size_t n)
{
	struct sink *k = arg;

	if (k->fail_after >= 0 && k->calls >= k->fail_after) {
		errno = ENOSPC;
		return (-1);
	}
	k->calls++;
	return (sr_buf_append(&k->b, p, n) != SR_E_NONE ? -1 : 0);
}

static int
sink_line(void *arg, const char *p, size_t n)
{
	struct sink *k = arg;

	if (sink_fn(arg, p, n) != 0)
		return (-1);
	return (sr_buf_putc(&k->b, '\n') != SR_E_NONE ? -1 : 0);
}

static void
session_basic(struct sr_session *s)
{
	sr_session_init(s, 65536);
	assert_int_equal(sr_session_set_str(s, SR_F_SESSION_ID, "S1"), SR_OK);
	assert_int_equal(sr_session_set_str(s, SR_F_TERM, "xterm"), SR_OK);
	s->have = SR_HAVE_START | SR_HAVE_GEOMETRY;
	s->start_ns = 1795577807000000000LL + 250 * MS;
	s->rows = 24;
	s->cols = 80;
	s->format = "test";
}

/*
 * asciicast
 */
struct cast_case {
	const char *name;
	int version;
	unsigned flags;
	int pipe; /* session of sudo stdout */
	struct tev evs[EVMAX];
	const char *want;
	uint64_t lossy;
};

static const struct cast_case cast_cases[] = {
	{ "v2 basic", 2, 0, 0,
	    { OUT(0, "hi\r\n"), IN(1500 * MS, "ls\r"),
		RESIZE(2 * SR_NSEC_PER_SEC, 30, 100), MARK(2000001000, "note"),
		OUT(3000000999, "\x1b[1m\"q\"\\\t\x7f") },
	    "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": "
	    "1795577807, \"env\": {\"TERM\": \"xterm\"}}\n"
	    "[0.000000, \"o\", \"hi\\r\\n\"]\n"
	    "[1.500000, \"i\", \"ls\\r\"]\n"
	    "[2.000000, \"r\", \"100x30\"]\n"
	    "[2.000001, \"m\", \"note\"]\n"
	    "[3.000000, \"o\", \"\\u001b[1m\\\"q\\\"\\\\\\t\\u007f\"]\n",
	    0 },
	{ "v3 intervals and exit", 3, 0, 0,
	    { OUT(1000, "a"), OUT(1500 * MS + 1999, "b"),
		OUT(1400 * MS, "back"), END(2 * SR_NSEC_PER_SEC, "3") },
	    "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24, \"type\": "
	    "\"xterm\"}, \"timestamp\": 1795577807}\n"
	    "[0.000001, \"o\", \"a\"]\n"
	    "[1.500000, \"o\", \"b\"]\n"
	    "[0.000000, \"o\", \"back\"]\n"
	    "[0.499999, \"x\", \"3\"]\n",
	    0 },
	{ "invalid utf-8 replaced", 2, SR_CASTW_NO_HEADER_EXTRAS, 0,
	    { OUT(0, "bin:\xff\xfe ok:\xc3\xa9 cut:\xe2\x82 "),
		OUT(0, "over:\xc0\x80 sur:\xed\xa0\x80") },
	    "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": "
	    "1795577807}\n"
	    "[0.000000, \"o\", \"bin:\xef\xbf\xbd\xef\xbf\xbd ok:\xc3\xa9 "
	    "cut:\xef\xbf\xbd \"]\n"
	    "[0.000000, \"o\", \"over:\xef\xbf\xbd\xef\xbf\xbd "
	    "sur:\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"]\n",
	    9 },
	{ "character split across events", 2, SR_CASTW_NO_HEADER_EXTRAS, 0,
	    { OUT(0, "x\xe2\x82"), OUT(MS, "\xac y"), OUT(2 * MS, "\xf0\x9f"),
		OUT(3 * MS, "\x98"), OUT(4 * MS, "\x80!"),
		OUT(5 * MS, "\xe2") },
	    "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": "
	    "1795577807}\n"
	    "[0.000000, \"o\", \"x\"]\n"
	    "[0.001000, \"o\", \"\xe2\x82\xac y\"]\n"
	    "[0.004000, \"o\", \"\xf0\x9f\x98\x80!\"]\n"
	    "[0.005000, \"o\", \"\xef\xbf\xbd\"]\n",
	    1 },
	{ "no input, masked, pipe crlf", 2, SR_CASTW_NO_HEADER_EXTRAS, 1,
	    { IN(0, "secret\r"), OUT(MS, "a\nb\r\n") },
	    "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": "
	    "1795577807}\n"
	    "[0.001000, \"o\", \"a\\r\\nb\\r\\r\\n\"]\n",
	    0 },
	{ "empty session", 3, SR_CASTW_NO_HEADER_EXTRAS, 0, { { 0 } },
	    "{\"version\": 3, \"term\": {\"cols\": 80, \"rows\": 24, \"type\": "
	    "\"xterm\"}, \"timestamp\": 1795577807}\n",
	    0 },
};

static void
test_castw(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < nitems(cast_cases); i++) {
		const struct cast_case *c = &cast_cases[i];
		struct sr_session s;
		struct sr_castw *w;
		struct sr_event ev;
		struct sr_error err;
		struct sink k = { .fail_after = -1 };
		unsigned flags = c->flags;

		session_basic(&s);
		if (c->pipe) {
			s.format = "sudo";
			flags |= SR_CASTW_NO_INPUT;
		}
		sr_buf_init(&k.b, 1 << 20);
		assert_int_equal(sr_castw_new(&s, c->version, flags, sink_fn,
				     &k, &w, &err),
		    SR_OK);
		for (j = 0; j < nev(c->evs); j++) {
			to_event(&c->evs[j], &ev);
			if (c->pipe && ev.type == SR_EV_OUTPUT)
				ev.flags |= SR_EVF_PIPE;
			assert_int_equal(sr_castw_event(w, &ev), SR_OK);
		}
		assert_int_equal(sr_castw_finish(w), SR_OK);
		if (strcmp(k.b.data, c->want) != 0)
			fail_msg("case '%s':\ngot:\n%s\nwant:\n%s", c->name,
			    k.b.data, c->want);
		if (sr_castw_lossy(w) != c->lossy)
			fail_msg("case '%s': lossy %llu, want %llu", c->name,
			    (unsigned long long)sr_castw_lossy(w),
			    (unsigned long long)c->lossy);
		sr_castw_free(w);
		sr_buf_release(&k.b);
		sr_session_release(&s);
	}
}

/*
 * tlog
 */
struct tlog_case {
	const char *name;
	size_t payload;
	int64_t latency_ns;
	unsigned rows, cols;
	struct tev evs[EVMAX];
	const char *want; /* messages, one a line */
};

#define ENV                                                                    \
	"{\"ver\":\"2.3\",\"host\":\"h\",\"rec\":\"r\",\"user\":\"u\","        \
	"\"term\":\"xterm\",\"session\":4294967295,"

static const struct tlog_case tlog_cases[] = {
	{ "pty with input, resize", 0, 0, 24, 80,
	    { OUT(2 * MS, "$ "), IN(1000 * MS, "ls\r"),
		OUT(1001 * MS, "ls\r\n"), RESIZE(1500 * MS, 30, 100),
		OUT(1600 * MS, "\xc3\xa9\x1b") },
	    ENV "\"id\":1,\"pos\":2,\"time\":1795577807.252,"
		"\"timing\":\"=80x24>2+998<3+1>4+499=100x30+100>2\","
		"\"in_txt\":\"ls\\r\",\"in_bin\":[],"
		"\"out_txt\":\"$ ls\\r\\n\xc3\xa9\\u001b\",\"out_bin\":[]}\n" },
	{ "binary and split characters", 0, 0, 0, 0,
	    { OUT(0, "a\xff\xfe"), OUT(0, "\xe2\x82"), OUT(0, "\xac\xe2\x82"),
		OUT(MS, "b"), OUT(MS, "\xf0") },
	    ENV
	    "\"id\":1,\"pos\":0,\"time\":1795577807.250,"
	    "\"timing\":\">1]2/2>1+1]1/2>1]1/1\",\"in_txt\":\"\",\"in_bin\":[],"
	    "\"out_txt\":\"a\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac\xef\xbf\xbd"
	    "b\xef\xbf\xbd\",\"out_bin\":[255,254,226,130,240]}\n" },
	{ "latency splits", 0, 1000 * MS, 0, 0,
	    { OUT(0, "a"), OUT(999 * MS, "b"), OUT(1000 * MS, "c"),
		OUT(2500 * MS, "d") },
	    ENV "\"id\":1,\"pos\":0,\"time\":1795577807.250,"
		"\"timing\":\">1+999>1\",\"in_txt\":\"\",\"in_bin\":[],"
		"\"out_txt\":\"ab\",\"out_bin\":[]}\n" ENV
		"\"id\":2,\"pos\":1000,\"time\":1795577808.250,"
		"\"timing\":\">1\",\"in_txt\":\"\",\"in_bin\":[],"
		"\"out_txt\":\"c\",\"out_bin\":[]}\n" ENV
		"\"id\":3,\"pos\":2500,\"time\":1795577809.750,"
		"\"timing\":\">1\",\"in_txt\":\"\",\"in_bin\":[],"
		"\"out_txt\":\"d\",\"out_bin\":[]}\n" },
	{ "payload splits, window restated", 32, 0, 24, 80,
	    { OUT(5 * MS,
		"0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789") },
	    ENV "\"id\":1,\"pos\":5,\"time\":1795577807.255,"
		"\"timing\":\"=80x24>64\",\"in_txt\":\"\",\"in_bin\":[],"
		"\"out_txt\":\"0123456789012345678901234567890123456789"
		"012345678901234567890123\",\"out_bin\":[]}\n" ENV
		"\"id\":2,\"pos\":5,\"time\":1795577807.255,"
		"\"timing\":\"=80x24>16\",\"in_txt\":\"\",\"in_bin\":[],"
		"\"out_txt\":\"4567890123456789\",\"out_bin\":[]}\n" },
	{ "time never goes back, masked input left out", 0, 0, 0, 0,
	    { OUT(10 * MS, "a"),
		{ SR_EV_INPUT, 11 * MS, NULL, 0, 0, 0, SR_EVF_MASKED,
		    SR_STREAM_TTYIN },
		OUT(5 * MS, "b"), MARK(20 * MS, "m"), END(30 * MS, "0") },
	    ENV "\"id\":1,\"pos\":10,\"time\":1795577807.260,"
		"\"timing\":\">1+1>1\",\"in_txt\":\"\",\"in_bin\":[],"
		"\"out_txt\":\"ab\",\"out_bin\":[]}\n" },
	{ "nothing recorded", 0, 0, 0, 0, { { 0 } }, "" },
};

static void
tlog_opts(struct sr_tlogw_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "h";
	o->rec = "r";
	o->user = "u";
	o->term = "xterm";
	o->start_ns = 1795577807000000000LL + 250 * MS;
}

static void
test_tlogw(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < nitems(tlog_cases); i++) {
		const struct tlog_case *c = &tlog_cases[i];
		struct sr_tlogw_opts o;
		struct sr_tlogw *w;
		struct sr_event ev;
		struct sr_error err;
		struct sink k = { .fail_after = -1 };

		tlog_opts(&o);
		o.payload = c->payload;
		o.latency_ns = c->latency_ns;
		o.rows = c->rows;
		o.cols = c->cols;
		sr_buf_init(&k.b, 1 << 20);
		assert_int_equal(sr_tlogw_new(&o, sink_line, &k, &w, &err),
		    SR_OK);
		for (j = 0; j < nev(c->evs); j++) {
			to_event(&c->evs[j], &ev);
			if (sr_tlogw_event(w, &ev) != SR_OK)
				fail_msg("case '%s': event %zu failed", c->name,
				    j);
		}
		assert_int_equal(sr_tlogw_flush(w, 1), SR_OK);
		if (strcmp(k.b.data, c->want) != 0)
			fail_msg("case '%s':\ngot:\n%s\nwant:\n%s", c->name,
			    k.b.data, c->want);
		sr_tlogw_free(w);
		sr_buf_release(&k.b);
	}
}

/* A write error stops the encoders with SR_FATAL and SR_E_IO. */
static void
test_write_error(void **state)
{
	struct sr_session s;
	struct sr_castw *cw;
	struct sr_tlogw *tw;
	struct sr_tlogw_opts o;
	struct sr_error err;
	struct sr_event ev;
	struct tev t = OUT(0, "x");
	struct sink k = { .fail_after = 1 };

	(void)state;
	session_basic(&s);
	sr_buf_init(&k.b, 1 << 20);
	to_event(&t, &ev);
	assert_int_equal(sr_castw_new(&s, 2, 0, sink_fn, &k, &cw, &err), SR_OK);
	assert_int_equal(sr_castw_event(cw, &ev), SR_FATAL);
	assert_int_equal(sr_castw_error(cw)->cat, SR_E_IO);
	assert_int_equal(sr_castw_error(cw)->errnum, ENOSPC);
	sr_castw_free(cw);
	assert_int_equal(sr_castw_new(&s, 4, 0, sink_fn, &k, &cw, &err),
	    SR_FAILED);
	assert_int_equal(err.cat, SR_E_MISUSE);
	k.fail_after = 0;
	k.calls = 0;
	tlog_opts(&o);
	assert_int_equal(sr_tlogw_new(&o, sink_line, &k, &tw, &err), SR_OK);
	assert_int_equal(sr_tlogw_event(tw, &ev), SR_OK);
	assert_int_equal(sr_tlogw_flush(tw, 1), SR_FATAL);
	assert_int_equal(sr_tlogw_error(tw)->cat, SR_E_IO);
	sr_tlogw_free(tw);
	sr_buf_release(&k.b);
	sr_session_release(&s);
}

/*
 * Round trip: bytes of every kind, cut into events at odd places, through
 * the encoder at several payload sizes and back through our tlog reader,
 * must come out identical, input and output apart.
 */
static void
test_tlog_roundtrip(void **state)
{
	static const size_t payloads[] = { 32, 100, 2048, 1 << 20 };
	static const size_t cuts[] = { 1, 3, 7, 64, 1000, 5000 };
	unsigned char data[20000];
	uint32_t seed = 12345;
	size_t i, p, c;

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		seed = seed * 1103515245 + 12345;
		/* Mostly text, some UTF-8 lead bytes, some noise. */
		switch (seed >> 29) {
		case 0:
			data[i] = (unsigned char)(seed >> 8);
			break;
		case 1:
			data[i] = 0xe2;
			break;
		case 2:
			data[i] = 0x82;
			break;
		default:
			data[i] = (unsigned char)(' ' + (seed >> 8) % 95);
		}
	}
	for (p = 0; p < nitems(payloads); p++)
		for (c = 0; c < nitems(cuts); c++) {
			struct sr_tlogw_opts o;
			struct sr_tlogw *w;
			struct sr_event ev;
			struct sr_error err;
			struct sr_ctx *ctx = sr_ctx_new();
			struct sr_input *in;
			struct sr_reader *r;
			const struct sr_session *s;
			const struct sr_event *rev;
			struct sink k = { .fail_after = -1 };
			struct sr_buf got_out, got_in;
			size_t off = 0, n = 0;
			int st;

			assert_non_null(ctx);
			sr_buf_init(&k.b, 64 << 20);
			sr_buf_init(&got_out, 1 << 20);
			sr_buf_init(&got_in, 1 << 20);
			tlog_opts(&o);
			o.payload = payloads[p];
			o.rows = 24;
			o.cols = 80;
			assert_int_equal(sr_tlogw_new(&o, sink_line, &k, &w,
					     &err),
			    SR_OK);
			memset(&ev, 0, sizeof(ev));
			while (off < sizeof(data)) {
				size_t take = cuts[c] + n % 5;

				if (take > sizeof(data) - off)
					take = sizeof(data) - off;
				ev.type =
				    n % 4 == 3 ? SR_EV_INPUT : SR_EV_OUTPUT;
				ev.t_ns = (int64_t)(n * 7) * MS;
				ev.data = data + off;
				ev.len = take;
				assert_int_equal(sr_tlogw_event(w, &ev), SR_OK);
				if (ev.type == SR_EV_OUTPUT)
					sr_buf_append(&got_in, data + off,
					    take);
				else
					sr_buf_append(&got_out, data + off,
					    take);
				off += take;
				n++;
			}
			assert_int_equal(sr_tlogw_flush(w, 1), SR_OK);
			sr_tlogw_free(w);
			/* got_in/got_out hold what went in: swap roles. */
			assert_int_equal(sr_input_open_mem(ctx, "rt.json",
					     k.b.data, k.b.len, &in, &err),
			    SR_OK);
			assert_int_equal(sr_reader_open(ctx, in, "rt.json",
					     sr_format_find("tlog"), &r, &err),
			    SR_OK);
			st = sr_reader_next_session(r, &s);
			assert_true(st == SR_OK);
			{
				struct sr_buf ro, ri;

				sr_buf_init(&ro, 1 << 20);
				sr_buf_init(&ri, 1 << 20);
				while ((st = sr_reader_next_event(r, &rev)) ==
				    SR_OK) {
					if (rev->type == SR_EV_OUTPUT)
						sr_buf_append(&ro, rev->data,
						    rev->len);
					else if (rev->type == SR_EV_INPUT)
						sr_buf_append(&ri, rev->data,
						    rev->len);
				}
				if (st != SR_EOF)
					fail_msg("payload %zu cut %zu: %s",
					    payloads[p], cuts[c],
					    sr_reader_error(r)->msg);
				if (ro.len != got_in.len ||
				    memcmp(ro.data, got_in.data, ro.len) != 0 ||
				    ri.len != got_out.len ||
				    memcmp(ri.data, got_out.data, ri.len) != 0)
					fail_msg("payload %zu cut %zu: bytes "
						 "differ (out %zu/%zu in "
						 "%zu/%zu)",
					    payloads[p], cuts[c], ro.len,
					    got_in.len, ri.len, got_out.len);
				sr_buf_release(&ro);
				sr_buf_release(&ri);
			}
			sr_reader_close(r);
			sr_input_close(in);
			sr_ctx_free(ctx);
			sr_buf_release(&k.b);
			sr_buf_release(&got_out);
			sr_buf_release(&got_in);
		}
}

/*
 * SIEM
 */
enum siem_kind { K_START, K_CMD, K_END };

struct siem_case {
	const char *name;
	enum siem_kind kind;
	int ecs;
	int full; /* all metadata set */
	const char *want;
};

static const struct siem_case siem_cases[] = {
	{ "start, all fields", K_START, 0, 1,
	    "{\"type\":\"session_start\",\"time\":\"2026-11-25T03:36:47.250Z\","
	    "\"host\":\"vm\",\"session_id\":\"S1\",\"actor\":\"alice\","
	    "\"user\":\"root\",\"src_ip\":\"203.0.113.9\",\"src_port\":52345,"
	    "\"target\":\"db1\",\"ticket\":\"CHG-1\",\"tty\":\"/dev/pts/1\","
	    "\"cwd\":\"/root\",\"command\":\"bash -l\","
	    "\"recording\":\"/x/y.srec\",\"format\":\"sessrec\"}" },
	{ "start, unknown fields left out", K_START, 0, 0,
	    "{\"type\":\"session_start\",\"time\":\"2026-11-25T03:36:47.250Z\","
	    "\"session_id\":\"S1\",\"format\":\"test\"}" },
	{ "command", K_CMD, 0, 1,
	    "{\"type\":\"command\",\"time\":\"2026-11-25T03:36:48.750Z\","
	    "\"host\":\"vm\",\"session_id\":\"S1\",\"actor\":\"alice\","
	    "\"user\":\"root\",\"src_ip\":\"203.0.113.9\",\"src_port\":52345,"
	    "\"target\":\"db1\",\"ticket\":\"CHG-1\",\"tty\":\"/dev/pts/1\","
	    "\"command\":\"echo \\\"\xef\xbf\xbd\\\"\",\"seq\":2,"
	    "\"command_source\":\"input\",\"tty_output\":\"a\\nb\\u001b\","
	    "\"tty_output_truncated\":true,\"exit_status\":7,"
	    "\"duration_ms\":250,\"recording\":\"/x/y.srec\","
	    "\"format\":\"sessrec\"}" },
	{ "end", K_END, 0, 1,
	    "{\"type\":\"session_end\",\"time\":\"2026-11-25T03:36:49.250Z\","
	    "\"host\":\"vm\",\"session_id\":\"S1\",\"actor\":\"alice\","
	    "\"user\":\"root\",\"src_ip\":\"203.0.113.9\",\"src_port\":52345,"
	    "\"target\":\"db1\",\"ticket\":\"CHG-1\",\"tty\":\"/dev/pts/1\","
	    "\"exit_status\":3,\"state\":\"complete\",\"commands\":4,"
	    "\"duration_ms\":2000,\"recording\":\"/x/y.srec\","
	    "\"format\":\"sessrec\"}" },
	{ "ecs command", K_CMD, 1, 1,
	    "{\"@timestamp\":\"2026-11-25T03:36:48.750Z\","
	    "\"message\":\"echo \\\"\xef\xbf\xbd\\\"\","
	    "\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"event\","
	    "\"category\":[\"process\"],\"type\":[\"info\"],"
	    "\"action\":\"command\",\"module\":\"sessrec\","
	    "\"dataset\":\"sessrec.session\",\"duration\":250000000},"
	    "\"host\":{\"hostname\":\"vm\"},\"user\":{\"name\":\"alice\"},"
	    "\"source\":{\"ip\":\"203.0.113.9\",\"port\":52345},"
	    "\"destination\":{\"address\":\"db1\"},"
	    "\"process\":{\"command_line\":\"echo \\\"\xef\xbf\xbd\\\"\","
	    "\"exit_code\":7,\"user\":{\"name\":\"root\"}},"
	    "\"labels\":{\"ticket\":\"CHG-1\"},\"sessrec\":{\"session_id\":"
	    "\"S1\",\"tty\":\"/dev/pts/1\",\"seq\":2,\"command_source\":"
	    "\"input\",\"tty_output\":\"a\\nb\\u001b\","
	    "\"tty_output_truncated\":true,\"recording\":\"/x/y.srec\","
	    "\"format\":\"sessrec\"}}" },
	{ "ecs end, empty objects left out", K_END, 1, 0,
	    "{\"message\":\"session ended\",\"ecs\":{\"version\":\"8.11.0\"},"
	    "\"event\":{\"kind\":\"event\",\"category\":[\"session\"],"
	    "\"type\":[\"end\"],\"action\":\"session_end\",\"module\":"
	    "\"sessrec\",\"dataset\":\"sessrec.session\"},\"sessrec\":"
	    "{\"session_id\":\"S1\",\"state\":\"unknown\",\"commands\":0,"
	    "\"format\":\"test\"}}" },
};

static void
test_siem(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(siem_cases); i++) {
		const struct siem_case *c = &siem_cases[i];
		struct sr_session s;
		struct sr_siem_opts o = { c->ecs, NULL };
		struct sr_siem_cmd cmd;
		struct sr_buf b;
		int st = SR_FAILED;

		session_basic(&s);
		sr_session_set_str(&s, SR_F_TERM, NULL);
		if (c->full) {
			sr_session_set_str(&s, SR_F_HOST, "vm");
			sr_session_set_str(&s, SR_F_ACTOR, "alice");
			sr_session_set_str(&s, SR_F_SRC_IP, "203.0.113.9");
			sr_session_set_str(&s, SR_F_TARGET, "db1");
			sr_session_set_str(&s, SR_F_TICKET, "CHG-1");
			sr_session_set_str(&s, SR_F_TTY, "/dev/pts/1");
			sr_session_set_str(&s, SR_F_CWD, "/root");
			sr_session_set_str(&s, SR_F_COMMAND, "bash -l");
			sr_session_add_extra(&s, "sessrec.user", "root", 4);
			sr_session_add_extra(&s, "sessrec.src_port", "52345",
			    5);
			s.format = "sessrec";
			o.recording = "/x/y.srec";
			s.have |= SR_HAVE_DURATION | SR_HAVE_EXIT;
			s.duration_ns = 2 * SR_NSEC_PER_SEC;
			s.exit_status = 3;
			s.state = SR_STATE_COMPLETE;
		} else
			s.have &= ~(unsigned)SR_HAVE_START;
		if (c->kind == K_START && !c->full)
			s.have |= SR_HAVE_START;
		sr_buf_init(&b, 1 << 20);
		memset(&cmd, 0, sizeof(cmd));
		cmd.seq = 2;
		cmd.t_ns = 1500 * MS;
		cmd.duration_ns = 250 * MS;
		cmd.command = "echo \"\xff\"";
		cmd.command_len = strlen(cmd.command);
		cmd.source = "input";
		cmd.output = "a\nb\x1b";
		cmd.output_len = 4;
		cmd.output_truncated = 1;
		cmd.have_exit = 1;
		cmd.exit_status = 7;
		switch (c->kind) {
		case K_START:
			st = sr_siem_session_start(&s, &o, &b);
			break;
		case K_CMD:
			st = sr_siem_command(&s, &o, &cmd, &b);
			break;
		case K_END:
			st = sr_siem_session_end(&s, &o, c->full ? 4 : 0, &b);
			break;
		}
		if (st != SR_OK)
			fail_msg("case '%s': status %d", c->name, st);
		if (strcmp(b.data, c->want) != 0)
			fail_msg("case '%s':\ngot:\n%s\nwant:\n%s", c->name,
			    b.data, c->want);
		sr_buf_release(&b);
		sr_session_release(&s);
	}
}

/* A buffer too small: SR_FAILED and the buffer as it was. */
static void
test_siem_limit(void **state)
{
	struct sr_session s;
	struct sr_buf b;
	const char *keys[8], *values[8];

	(void)state;
	session_basic(&s);
	sr_buf_init(&b, 40);
	sr_buf_append(&b, "x", 1);
	assert_int_equal(sr_siem_session_start(&s, NULL, &b), SR_FAILED);
	assert_int_equal(b.len, 1);
	assert_string_equal(b.data, "x");
	sr_session_set_str(&s, SR_F_ACTOR, "alice");
	assert_int_equal(sr_siem_keyfields(&s, "command", keys, values, 8), 3);
	assert_string_equal(keys[0], "type");
	assert_string_equal(keys[1], "session_id");
	assert_string_equal(values[2], "alice");
	assert_int_equal(sr_siem_keyfields(&s, "command", keys, values, 2), 2);
	sr_buf_release(&b);
	sr_session_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_castw),
		cmocka_unit_test(test_tlogw),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_tlog_roundtrip),
		cmocka_unit_test(test_siem),
		cmocka_unit_test(test_siem_limit),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
