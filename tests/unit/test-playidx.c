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
 * lib/filter/playidx.c: the play index.  Every case builds an index from
 * events (synthetic tables, and the real fixtures in tests/data read
 * through their readers), then checks that
 *   - a seek to any time t gives the screen that feeding every event at
 *     or before t into a fresh screen gives (text, cursor, geometry),
 *     and that the next event after the seek is the first one after t;
 *   - reading the index from the start gives exactly the events (big
 *     ones split, the pieces concatenating to the same bytes);
 *   - the same holds for the index loaded back from its file.
 * Then marks, search, identity and cache names, damaged files (which
 * must fail cleanly, never crash) and a build with readers running in
 * another thread.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "unit.h"

/* An owned copy of a list of events. */
struct evlist {
	struct sr_event *ev;
	size_t n, cap;
	unsigned rows, cols; /* start geometry, 0 unknown */
};

static void
evl_add(struct evlist *l, enum sr_event_type type, int64_t t, const void *data,
    size_t len, unsigned flags)
{
	struct sr_event *e;
	unsigned char *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ev = realloc(l->ev, l->cap * sizeof(*l->ev));
		assert_non_null(l->ev);
	}
	e = &l->ev[l->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->stream = type == SR_EV_OUTPUT ? SR_STREAM_TTYOUT
	    : type == SR_EV_INPUT	 ? SR_STREAM_TTYIN
					 : SR_STREAM_NONE;
	e->t_ns = t;
	e->flags = flags;
	d = malloc(len + 1);
	assert_non_null(d);
	if (len > 0)
		memcpy(d, data, len);
	e->data = d;
	e->len = len;
	e->loc.line = e->loc.msg_id = e->loc.offset = -1;
}

static void
evl_out(struct evlist *l, int64_t t, const char *s)
{
	evl_add(l, SR_EV_OUTPUT, t, s, strlen(s), 0);
}

static void
evl_resize(struct evlist *l, int64_t t, unsigned rows, unsigned cols)
{
	evl_add(l, SR_EV_RESIZE, t, NULL, 0, 0);
	l->ev[l->n - 1].rows = rows;
	l->ev[l->n - 1].cols = cols;
}

static void
evl_copy(struct evlist *l, const struct sr_event *ev)
{
	evl_add(l, ev->type, ev->t_ns, ev->data, ev->len, ev->flags);
	l->ev[l->n - 1].stream = ev->stream;
	l->ev[l->n - 1].rows = ev->rows;
	l->ev[l->n - 1].cols = ev->cols;
}

static void
evl_free(struct evlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free((void *)(uintptr_t)l->ev[i].data);
	free(l->ev);
	memset(l, 0, sizeof(*l));
}

/* The time the index keeps: never negative, never going back. */
static void
evl_clamp_times(const struct evlist *l, int64_t *t)
{
	int64_t prev = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		int64_t v = l->ev[i].t_ns < 0 ? 0 : l->ev[i].t_ns;

		if (i > 0 && v < prev)
			v = prev;
		t[i] = prev = v;
	}
}

static int
tmp_fd(void)
{
	int fd = sr_tmpfile();

	assert_true(fd >= 0);
	return (fd);
}

/* Builds an index of l into fd with the add API. */
static struct sr_playidx *
build_list(const char *name, const struct evlist *l, int fd, int status)
{
	struct sr_session s;
	struct sr_playidx *x;
	struct sr_error err;
	size_t i;

	sr_session_init(&s, 1 << 16);
	if (l->rows > 0) {
		s.have |= SR_HAVE_GEOMETRY;
		s.rows = l->rows;
		s.cols = l->cols;
	}
	if (sr_playidx_create(NULL, fd, "test identity", &s, &x, &err) != SR_OK)
		fail_msg("%s: create: %s", name, err.msg);
	for (i = 0; i < l->n; i++)
		if (sr_playidx_add(x, &l->ev[i]) != SR_OK)
			fail_msg("%s: add %zu: %s", name, i,
			    sr_playidx_error(x)->msg);
	if (sr_playidx_finish(x, status) != SR_OK)
		fail_msg("%s: finish: %s", name, sr_playidx_error(x)->msg);
	sr_session_release(&s);
	return (x);
}

static struct sr_playidx *
load_fd(const char *name, int fd, const char *identity)
{
	struct sr_playidx *x;
	struct sr_error err;
	int st;

	sr_error_clear(&err);
	if ((st = sr_playidx_load(NULL, fd, identity, &x, &err)) != SR_OK)
		fail_msg("%s: load: %d %s", name, st, err.msg);
	return (x);
}

static void
screen_state(struct sr_screen *s, struct sr_buf *b)
{
	unsigned r, c, cr, cc;
	int vis;

	sr_buf_reset(b);
	sr_screen_size(s, &r, &c);
	sr_screen_cursor(s, &cr, &cc, &vis);
	assert_int_equal(sr_buf_printf(b, "%ux%u cursor %u,%u alt %d\n", r, c,
			     cr, cc, sr_screen_altscreen(s)),
	    SR_E_NONE);
	assert_int_equal(sr_screen_text(s, b), SR_E_NONE);
}

static void
apply_ref(struct sr_screen *s, const struct sr_event *e)
{
	size_t off, n;

	/*
	 * In pieces: libvterm 0.1 puts a buffer of 4 bytes per input byte
	 * on the stack, and a 3 MiB write overflows it.
	 */
	if (e->type == SR_EV_OUTPUT) {
		sr_screen_set_onlcr(s, (e->flags & SR_EVF_PIPE) != 0);
		for (off = 0; off < e->len; off += n) {
			n = e->len - off < 65536 ? e->len - off : 65536;
			sr_screen_feed(s, e->data + off, n);
		}
	} else if (e->type == SR_EV_RESIZE)
		sr_screen_resize(s, e->rows, e->cols);
}

/* Every cell the same: characters, width, attributes, colours. */
static void
check_cells(const char *name, int64_t t, struct sr_screen *ref,
    struct sr_screen *scr)
{
	struct sr_cell a, b;
	unsigned rows, cols, r, c;

	sr_screen_size(ref, &rows, &cols);
	for (r = 0; r < rows; r++)
		for (c = 0; c < cols; c++) {
			sr_screen_cell(ref, r, c, &a);
			sr_screen_cell(scr, r, c, &b);
			/* The right half of a wide character is not drawn. */
			if (a.width == 0 && b.width == 0)
				continue;
			if (memcmp(a.ch, b.ch, sizeof(a.ch)) != 0 ||
			    a.width != b.width || a.attrs != b.attrs ||
			    a.fg.kind != b.fg.kind || a.bg.kind != b.bg.kind ||
			    (a.fg.kind == SR_COLOR_INDEX &&
				a.fg.index != b.fg.index) ||
			    (a.bg.kind == SR_COLOR_INDEX &&
				a.bg.index != b.bg.index) ||
			    (a.fg.kind == SR_COLOR_RGB &&
				(a.fg.r != b.fg.r || a.fg.g != b.fg.g ||
				    a.fg.b != b.fg.b)) ||
			    (a.bg.kind == SR_COLOR_RGB &&
				(a.bg.r != b.bg.r || a.bg.g != b.bg.g ||
				    a.bg.b != b.bg.b)))
				fail_msg("%s: seek %lld: cell %u,%u differs: "
					 "U+%04X w%u a%x fg%d/%u bg%d/%u, want "
					 "U+%04X w%u a%x fg%d/%u bg%d/%u",
				    name, (long long)t, r, c, b.ch[0], b.width,
				    b.attrs, b.fg.kind, b.fg.index, b.bg.kind,
				    b.bg.index, a.ch[0], a.width, a.attrs,
				    a.fg.kind, a.fg.index, a.bg.kind,
				    a.bg.index);
		}
}

/* Seeks to t and compares with the reference screen ref (state at t). */
static void
check_seek(const char *name, struct sr_playidx *x, struct sr_playcur *c,
    struct sr_screen *ref, struct sr_screen *scr, int64_t t,
    const struct evlist *l, const int64_t *tt, size_t next_i)
{
	struct sr_buf a, b;
	const struct sr_event *ev;
	int st;

	sr_buf_init(&a, 1 << 24);
	sr_buf_init(&b, 1 << 24);
	st = sr_playcur_seek(c, t, scr);
	if (st != SR_OK)
		fail_msg("%s: seek %lld: status %d", name, (long long)t, st);
	screen_state(ref, &a);
	screen_state(scr, &b);
	if (strcmp(a.data, b.data) != 0)
		fail_msg("%s: seek %lld: screen differs\nwant:\n%s\ngot:\n%s",
		    name, (long long)t, a.data, b.data);
	check_cells(name, t, ref, scr);
	/* The next event is the first one after t. */
	st = sr_playcur_next(c, &ev);
	if (next_i >= l->n) {
		if (st != SR_EOF)
			fail_msg("%s: seek %lld: next %d, want the end", name,
			    (long long)t, st);
	} else if (st != SR_OK || ev->type != l->ev[next_i].type ||
	    ev->t_ns != tt[next_i])
		fail_msg("%s: seek %lld: next is %d type %d t %lld, want "
			 "event %zu (type %d t %lld)",
		    name, (long long)t, st, st == SR_OK ? (int)ev->type : -1,
		    st == SR_OK ? (long long)ev->t_ns : -1LL, next_i,
		    (int)l->ev[next_i].type, (long long)tt[next_i]);
	(void)x;
	sr_buf_release(&a);
	sr_buf_release(&b);
}

/*
 * Seeks to a set of times in ascending order (every event time, the
 * points between, before the start and after the end; at most about
 * maxt of them) and compares each with a reference fed sequentially.
 */
static void
check_seeks(const char *name, struct sr_playidx *x, const struct evlist *l,
    size_t maxt)
{
	struct sr_playcur *c = sr_playcur_new(x);
	struct sr_screen *ref, *scr;
	int64_t *tt, t;
	size_t i, k = 0, step;
	unsigned rows, cols;

	assert_non_null(c);
	sr_playidx_geometry(x, &rows, &cols);
	ref = sr_screen_new(rows, cols);
	scr = sr_screen_new(7, 13); /* the seek sets the geometry */
	tt = calloc(l->n + 1, sizeof(*tt));
	assert_true(ref != NULL && scr != NULL && tt != NULL);
	evl_clamp_times(l, tt);
	/* Before the start: nothing applied. */
	check_seek(name, x, c, ref, scr, -1, l, tt, 0);
	step = l->n / (maxt ? maxt : 1) + 1;
	for (i = 0; i < l->n;) {
		t = tt[i];
		/* Apply every event at t. */
		while (k < l->n && tt[k] <= t)
			apply_ref(ref, &l->ev[k++]);
		check_seek(name, x, c, ref, scr, t, l, tt, k);
		/* Between this time and the next. */
		if (k < l->n && tt[k] > t + 1)
			check_seek(name, x, c, ref, scr, t + (tt[k] - t) / 2, l,
			    tt, k);
		i = k;
		/* Skip ahead on long lists, still at event boundaries. */
		if (step > 1 && i < l->n) {
			size_t j = i + (size_t)(rand() % (int)step);

			while (k < j && k < l->n)
				apply_ref(ref, &l->ev[k++]);
			/* Keep equal times together. */
			while (k < l->n && k > 0 && tt[k] == tt[k - 1])
				apply_ref(ref, &l->ev[k++]);
			if (k > i)
				check_seek(name, x, c, ref, scr, tt[k - 1], l,
				    tt, k);
			i = k;
		}
	}
	/* After the end. */
	t = l->n > 0 ? tt[l->n - 1] + SR_NSEC_PER_SEC : 5;
	check_seek(name, x, c, ref, scr, t, l, tt, l->n);
	/* And back to a time in the middle, from the end. */
	if (l->n > 2) {
		sr_screen_free(ref);
		ref = sr_screen_new(rows, cols);
		for (k = 0; k < l->n && tt[k] <= tt[l->n / 2]; k++)
			apply_ref(ref, &l->ev[k]);
		check_seek(name, x, c, ref, scr, tt[l->n / 2], l, tt, k);
	}
	sr_screen_free(ref);
	sr_screen_free(scr);
	sr_playcur_free(c);
	free(tt);
}

/*
 * Reads the index from the start: the events must be l's, output and
 * input split at most into pieces of the same kind and time.
 */
static void
check_sequential(const char *name, struct sr_playidx *x, const struct evlist *l)
{
	struct sr_playcur *c = sr_playcur_new(x);
	const struct sr_event *ev;
	int64_t *tt;
	size_t i, got, want;
	int st;

	tt = calloc(l->n + 1, sizeof(*tt));
	assert_true(c != NULL && tt != NULL);
	evl_clamp_times(l, tt);
	for (i = 0; i < l->n; i++) {
		const struct sr_event *w = &l->ev[i];

		want = w->len;
		if (w->type != SR_EV_OUTPUT && w->type != SR_EV_INPUT &&
		    want > 65536)
			want = 65536;
		got = 0;
		do {
			st = sr_playcur_next(c, &ev);
			if (st != SR_OK)
				fail_msg("%s: event %zu: status %d", name, i,
				    st);
			if (ev->type != w->type || ev->t_ns != tt[i] ||
			    ev->stream != w->stream ||
			    ev->flags != (w->flags & 0x1f) ||
			    (w->type == SR_EV_RESIZE &&
				(ev->rows != w->rows || ev->cols != w->cols)))
				fail_msg("%s: event %zu: type %d stream %d t "
					 "%lld flags %u, want %d %d %lld %u",
				    name, i, ev->type, ev->stream,
				    (long long)ev->t_ns, ev->flags, w->type,
				    w->stream, (long long)tt[i], w->flags);
			if (ev->len > want - got ||
			    (ev->len > 0 &&
				memcmp(ev->data, w->data + got, ev->len) != 0))
				fail_msg("%s: event %zu: data differs at %zu",
				    name, i, got);
			got += ev->len;
		} while (got < want);
	}
	if ((st = sr_playcur_next(c, &ev)) != SR_EOF)
		fail_msg("%s: after the last event: %d", name, st);
	/* And again: still the end. */
	if ((st = sr_playcur_next(c, &ev)) != SR_EOF)
		fail_msg("%s: after the end: %d", name, st);
	sr_playcur_free(c);
	free(tt);
}

/* Both checks, on the index being built and on the loaded file. */
static void
check_all(const char *name, const struct evlist *l, size_t maxt)
{
	struct sr_playidx *x, *y;
	int fd = tmp_fd();

	x = build_list(name, l, fd, SR_OK);
	assert_true(sr_playidx_complete(x));
	check_sequential(name, x, l);
	check_seeks(name, x, l, maxt);
	y = load_fd(name, fd, "test identity");
	check_sequential(name, y, l);
	check_seeks(name, y, l, maxt);
	assert_int_equal(sr_playidx_nmarks(x), sr_playidx_nmarks(y));
	assert_int_equal(sr_playidx_duration(x), sr_playidx_duration(y));
	sr_playidx_free(x);
	sr_playidx_free(y);
	close(fd);
}

/* Synthetic cases. */

static void
gen_empty(struct evlist *l)
{
	(void)l;
}

static void
gen_lines(struct evlist *l)
{
	char buf[64];
	int i;

	for (i = 0; i < 60; i++) {
		snprintf(buf, sizeof(buf), "line %d \x1b[1mbold\x1b[0m\r\n", i);
		evl_out(l, (int64_t)i * SR_NSEC_PER_MSEC * 10, buf);
	}
}

/* One 3 MiB event: split, and more than one block. */
static void
gen_big_event(struct evlist *l)
{
	size_t n = 3 * 1024 * 1024 + 17, i;
	char *b = malloc(n);

	assert_non_null(b);
	for (i = 0; i < n; i++)
		b[i] = (i % 81) == 80 ? '\n' : (char)('a' + i % 26);
	evl_out(l, 0, "start\r\n");
	evl_add(l, SR_EV_OUTPUT, 1000, b, n, 0);
	evl_out(l, 2000, "\x1b[2J\x1b[Hend\r\n");
	free(b);
}

/* 150000 one-byte events: the event cap cuts blocks. */
static void
gen_many_small(struct evlist *l)
{
	int i;

	l->rows = 10;
	l->cols = 20;
	for (i = 0; i < 150000; i++)
		evl_add(l, SR_EV_OUTPUT, (int64_t)(i / 3) * 1000,
		    i % 23 == 22 ? "\n" : "x", 1, 0);
}

/* Many events at one time across block boundaries. */
static void
gen_same_time(struct evlist *l)
{
	char buf[300];
	int i;

	memset(buf, 'z', sizeof(buf) - 3);
	memcpy(buf + sizeof(buf) - 3, "\r\n", 3);
	evl_out(l, 5, "before\r\n");
	for (i = 0; i < 400; i++)
		evl_out(l, 10, buf);
	evl_out(l, 11, "after");
}

static void
gen_resizes(struct evlist *l)
{
	l->rows = 24;
	l->cols = 80;
	evl_out(l, 0, "hello\r\nworld\r\n");
	evl_resize(l, 100, 10, 30);
	evl_out(l, 200, "\x1b[5;5Hafter resize");
	evl_resize(l, 300, 50, 132);
	evl_out(l, 400, "\x1b[40;100Hfar");
	evl_resize(l, 500, 5000, 5000); /* clamped */
	evl_out(l, 600, "\x1b[999;999Hcorner");
}

static void
gen_fullscreen(struct evlist *l)
{
	char buf[128];
	int i;

	l->rows = 12;
	l->cols = 40;
	evl_out(l, 0, "$ vi\r\n");
	evl_out(l, 10, "\x1b[?1049h\x1b[H\x1b[2J\x1b[1;10r");
	for (i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf),
		    "\x1b[%d;%dH\x1b[3%dm%d \xe4\xb8\xad\xc3\xa9\x1b[0m\x1b[S",
		    i % 12 + 1, i % 30 + 1, i % 8, i);
		evl_out(l, 20 + i, buf);
	}
	evl_out(l, 5000, "\x1b[r\x1b[?1049l$ ");
	evl_out(l, 5001, "\x1b[?25l\x1b(0lqqk\x1b(B");
}

/* Times that go back and start below zero: clamped. */
static void
gen_bad_times(struct evlist *l)
{
	evl_out(l, -50, "a");
	evl_out(l, 100, "b");
	evl_out(l, 50, "c");
	evl_out(l, 100, "d\r\n");
	evl_out(l, 90, "e");
}

static void
gen_misc_events(struct evlist *l)
{
	static const char big_label[70000] = { 'L' };

	evl_out(l, 0, "$ ");
	evl_add(l, SR_EV_INPUT, 10, "ls -l\r", 6, 0);
	evl_add(l, SR_EV_MARKER, 20, "marker one", 10, 0);
	evl_add(l, SR_EV_SUSPEND, 30, "TSTP", 4, 0);
	evl_add(l, SR_EV_RESUME, 40, "CONT", 4, SR_EVF_SYNTH);
	evl_add(l, SR_EV_OUTPUT, 50, "gap!", 4, SR_EVF_GAP | SR_EVF_BINARY);
	evl_add(l, SR_EV_INPUT, 60, "", 0, SR_EVF_MASKED);
	evl_add(l, SR_EV_MARKER, 70, big_label, sizeof(big_label), 0);
	evl_add(l, SR_EV_END, 80, "0", 1, 0);
}

static const struct syn_case {
	const char *name;
	void (*gen)(struct evlist *);
	size_t maxt;
} syn_cases[] = {
	{ "empty", gen_empty, 10 },
	{ "lines", gen_lines, 100 },
	{ "big event", gen_big_event, 10 },
	{ "many small events", gen_many_small, 60 },
	{ "same time across blocks", gen_same_time, 50 },
	{ "resizes", gen_resizes, 50 },
	{ "full screen", gen_fullscreen, 80 },
	{ "bad times", gen_bad_times, 20 },
	{ "other events", gen_misc_events, 20 },
};

static void
test_synthetic(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(syn_cases); i++) {
		struct evlist l = { 0 };

		syn_cases[i].gen(&l);
		check_all(syn_cases[i].name, &l, syn_cases[i].maxt);
		evl_free(&l);
	}
}

/* The block structure: first blocks small, caps respected. */
static void
test_blocks(void **state)
{
	struct evlist l = { 0 };
	struct sr_playidx *x;
	char *b;
	size_t n = 8 * 1024 * 1024, i;
	int fd = tmp_fd();

	(void)state;
	b = malloc(4096);
	assert_non_null(b);
	memset(b, 'q', 4096);
	for (i = 0; i < n / 4096; i++)
		evl_add(&l, SR_EV_OUTPUT, (int64_t)i, b, 4096, 0);
	free(b);
	x = build_list("blocks", &l, fd, SR_OK);
	/* 16+32+...+1024 KiB = 2032 KiB in 7 blocks, then 1 MiB each. */
	assert_int_equal(sr_playidx_nblocks(x),
	    7 + (8192 - 2032 + 1023) / 1024);
	sr_playidx_free(x);
	close(fd);
	evl_free(&l);
}

/* Real fixtures, read through their readers. */

static const char *const fixtures[] = {
	"tests/data/tlog/hand-escapes.json",
	"tests/data/tlog/idgap.json",
	"tests/data/tlog/interleaved.json",
	"tests/data/tlog/multi-msg.json",
	"tests/data/tlog/pipe-binary.json",
	"tests/data/tlog/pty-input-resize.json",
	"tests/data/tlog/split-utf8-payload128.json",
	"tests/data/tlog/truncated.json",
	"tests/data/asciicast/v2-real.cast",
	"tests/data/asciicast/v2-gzip.cast.gz",
	"tests/data/asciicast/v2-input-password.cast",
	"tests/data/asciicast/v2-invalid-utf8.cast",
	"tests/data/asciicast/v2-stdin.cast",
	"tests/data/asciicast/v2-title-idle-append.cast",
	"tests/data/asciicast/v3-handmade.cast",
	"tests/data/asciicast/inject-probe.cast",
	"tests/data/script/script-classic.out",
	"tests/data/script/script-adv.io",
	"tests/data/script/session.typescript",
	"tests/data/script/compressed/script-classic.out.gz",
	"tests/data/sudo/samples/sudoers-uncompressed",
	"tests/data/sudo/samples/sudoers-compressed",
	"tests/data/sudo/samples/logsrvd-uncompressed",
	"tests/data/ttyrec/real.ttyrec",
	"tests/data/ttyrec/basic-gzip.ttyrec.gz",
	"tests/data/ttyrec/truncated.ttyrec",
	"tests/data/native/chunks.srec",
	"tests/data/native/small.srec",
	"tests/data/native/unsealed.srec",
	"tests/data/play/vim.cast",
	"tests/data/play/shell.cast",
	"tests/data/play/wide.cast",
	"tests/data/play/less-resize.json",
	"tests/data/play/top.ttyrec",
	"tests/data/play/card.out",
	"tests/data/play/ticks.out",
	"tests/data/play/sudo-top",
	"tests/data/archives/mixed.tar.gz",
	"tests/data/bad/asciicast-truncated-event.cast",
	"tests/data/bad/tlog-timing-overrun.json",
	"tests/data/bad/sudo-timing-overrun",
};

/* Opens the reader on the k-th usable session of found recording f. */
static int
open_session(struct sr_ctx *ctx, struct sr_input *in, const struct sr_found *f,
    size_t k, struct sr_reader **rp, const struct sr_session **sp)
{
	struct sr_error err;
	size_t n = 0, failed = 0;
	int st;

	if (sr_reader_open(ctx, in, f->member, f->fmt, rp, &err) != SR_OK)
		return (SR_FAILED);
	for (;;) {
		st = sr_reader_next_session(*rp, sp);
		if (st == SR_FAILED && ++failed < 100)
			continue;
		if (st != SR_OK && st != SR_WARN) {
			sr_reader_close(*rp);
			*rp = NULL;
			return (SR_EOF);
		}
		if (n++ == k)
			return (SR_OK);
	}
}

static void
check_fixture_session(const char *path, struct sr_ctx *ctx, struct sr_input *in,
    const struct sr_found *f, size_t k, size_t *done)
{
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_reader *r;
	struct sr_playidx *x, *y;
	struct sr_error err;
	struct evlist l = { 0 };
	char name[600];
	int st, worst = SR_OK, fd;

	if (open_session(ctx, in, f, k, &r, &s) != SR_OK)
		return;
	snprintf(name, sizeof(name), "%s: %s session %zu", path, f->member, k);
	if (s->have & SR_HAVE_GEOMETRY) {
		l.rows = s->rows;
		l.cols = s->cols;
	}
	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		if (st == SR_WARN)
			worst = SR_WARN;
		evl_copy(&l, ev);
		/* The index marks output written to a pipe; so does the list. */
		if (sr_event_pipe(s, ev))
			l.ev[l.n - 1].flags |= SR_EVF_PIPE;
	}
	if (st != SR_EOF)
		worst = SR_FAILED;
	sr_reader_close(r);

	/* Build with sr_playidx_build() on a reader of its own. */
	assert_int_equal(open_session(ctx, in, f, k, &r, &s), SR_OK);
	fd = tmp_fd();
	if (sr_playidx_create(ctx, fd, "fixture", s, &x, &err) != SR_OK)
		fail_msg("%s: create: %s", name, err.msg);
	st = sr_playidx_build(x, r, NULL);
	sr_reader_close(r);
	if (st != worst && !(worst == SR_FAILED && st == SR_FATAL))
		fail_msg("%s: build returned %d, want %d", name, st, worst);
	if (!sr_playidx_complete(x) || sr_playidx_status(x) != worst)
		fail_msg("%s: status %d, want %d", name, sr_playidx_status(x),
		    worst);
	if (worst == SR_FAILED && sr_playidx_error(x)->msg[0] == '\0')
		fail_msg("%s: no reason kept for the failure", name);
	check_sequential(name, x, &l);
	check_seeks(name, x, &l, 150);
	y = load_fd(name, fd, "fixture");
	if (sr_playidx_status(y) != worst ||
	    strcmp(sr_playidx_error(y)->msg, sr_playidx_error(x)->msg) != 0)
		fail_msg("%s: loaded status %d '%s'", name,
		    sr_playidx_status(y), sr_playidx_error(y)->msg);
	check_sequential(name, y, &l);
	check_seeks(name, y, &l, 150);
	sr_playidx_free(x);
	sr_playidx_free(y);
	close(fd);
	evl_free(&l);
	(*done)++;
}

static void
test_fixtures(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	size_t i, j, k, nf, done = 0, total = 0;
	struct sr_found *found;
	struct sr_input *in;
	struct sr_error err;

	(void)state;
	assert_non_null(ctx);
	for (i = 0; i < nitems(fixtures); i++) {
		const char *p = unit_srcpath(fixtures[i]);

		if (access(p, F_OK) != 0) {
			/* Fixtures arrive from other helpers: say so. */
			print_message("skipping missing %s\n", fixtures[i]);
			continue;
		}
		if (sr_input_open_flags(ctx, p, SR_INPUT_PARTNERS, &in, &err) !=
		    SR_OK)
			fail_msg("%s: open: %s", fixtures[i], err.msg);
		if (sr_probe_container(in, 0, &found, &nf, &err) != SR_OK)
			fail_msg("%s: probe: %s", fixtures[i], err.msg);
		if (nf == 0)
			fail_msg("%s: no recording found", fixtures[i]);
		for (j = 0; j < nf && j < 4; j++)
			for (k = 0; k < 3; k++) {
				size_t before = done;

				check_fixture_session(fixtures[i], ctx, in,
				    &found[j], k, &done);
				if (done == before)
					break;
			}
		total++;
		sr_found_free_all(found, nf);
		sr_input_close(in);
	}
	/* Most fixtures must be there, or this test tests little. */
	assert_true(total >= nitems(fixtures) / 2);
	assert_true(done >= total);
	sr_ctx_free(ctx);
}

/* Marks. */

struct mark_want {
	enum sr_mark_kind kind;
	int64_t t;
	const char *label;
};

#define NMK 4
static const struct mark_case {
	const char *name;
	const char *in[4]; /* input events at times 10, 20, 30, 40 */
	unsigned flags;	   /* of every event */
	struct mark_want want[NMK];
} mark_cases[] = {
	{ "one command", { "ls -l\r" }, 0,
	    { { SR_MARK_COMMAND, 10, "ls -l" } } },
	{ "CR LF is one Enter", { "ls\r\n" }, 0,
	    { { SR_MARK_COMMAND, 10, "ls" } } },
	{ "typed key by key", { "l", "s", "\r" }, 0,
	    { { SR_MARK_COMMAND, 30, "ls" } } },
	{ "erase", { "lx\x7fs", "\r" }, 0, { { SR_MARK_COMMAND, 20, "ls" } } },
	{ "erase a UTF-8 character",
	    { "caf\xc3\xa9\x08"
	      "e\n" },
	    0, { { SR_MARK_COMMAND, 10, "cafe" } } },
	{ "cursor keys skipped", { "\x1b[A", "\x1bOBls\r" }, 0,
	    { { SR_MARK_COMMAND, 20, "ls" } } },
	{ "two in one event", { "a\rb\r" }, 0,
	    { { SR_MARK_COMMAND, 10, "a" }, { SR_MARK_COMMAND, 10, "b" } } },
	{ "empty Enter", { "\r" }, 0, { { SR_MARK_COMMAND, 10, "" } } },
	{ "masked", { "secret\r" }, SR_EVF_MASKED,
	    { { SR_MARK_COMMAND, 10, "(masked)" } } },
	{ "masked without data", { "" }, SR_EVF_MASKED,
	    { { SR_MARK_COMMAND, 10, "(masked)" } } },
	{ "no Enter, no mark", { "abc" }, 0, { { 0, 0, NULL } } },
	{ "gap", { "x\r" }, SR_EVF_GAP,
	    { { SR_MARK_GAP, 10, "" }, { SR_MARK_COMMAND, 10, "x" } } },
	{ "long line cut",
	    { "0123456789012345678901234567890123456789"
	      "0123456789012345678901234567890123456789xyz\r" },
	    0,
	    { { SR_MARK_COMMAND, 10,
		"0123456789012345678901234567890123456789"
		"012345678901234567890123456789012345678" } } },
};

static void
check_marks(const char *name, struct sr_playidx *x,
    const struct mark_want *want, size_t nwant)
{
	struct sr_mark m;
	size_t i;

	if (sr_playidx_nmarks(x) != nwant)
		fail_msg("%s: %zu marks, want %zu", name, sr_playidx_nmarks(x),
		    nwant);
	for (i = 0; i < nwant; i++) {
		assert_int_equal(sr_playidx_mark(x, i, &m), SR_OK);
		if (m.kind != want[i].kind || m.t_ns != want[i].t ||
		    strcmp(m.label, want[i].label) != 0)
			fail_msg("%s: mark %zu: %d %lld '%s', want %d %lld "
				 "'%s'",
			    name, i, m.kind, (long long)m.t_ns, m.label,
			    want[i].kind, (long long)want[i].t, want[i].label);
	}
	assert_int_equal(sr_playidx_mark(x, nwant, &m), SR_EOF);
}

static void
test_marks(void **state)
{
	size_t i, j, n;

	(void)state;
	for (i = 0; i < nitems(mark_cases); i++) {
		const struct mark_case *mc = &mark_cases[i];
		struct evlist l = { 0 };
		struct sr_playidx *x, *y;
		int fd = tmp_fd();

		for (j = 0; j < 4 && mc->in[j] != NULL; j++)
			evl_add(&l, SR_EV_INPUT, 10 * (int64_t)(j + 1),
			    mc->in[j], strlen(mc->in[j]), mc->flags);
		for (n = 0; n < NMK && mc->want[n].label != NULL; n++)
			;
		x = build_list(mc->name, &l, fd, SR_OK);
		check_marks(mc->name, x, mc->want, n);
		y = load_fd(mc->name, fd, "test identity");
		check_marks(mc->name, y, mc->want, n);
		sr_playidx_free(x);
		sr_playidx_free(y);
		close(fd);
		evl_free(&l);
	}
}

static void
test_marks_other(void **state)
{
	static const struct mark_want want[] = {
		{ SR_MARK_COMMAND, 10, "ls -l" },
		{ SR_MARK_MARKER, 20, "marker one" },
		{ SR_MARK_SUSPEND, 30, "TSTP" },
		{ SR_MARK_RESUME, 40, "CONT" },
		{ SR_MARK_GAP, 50, "" },
		{ SR_MARK_COMMAND, 60, "(masked)" },
		{ SR_MARK_MARKER, 70, "L" },
	};
	struct evlist l = { 0 };
	struct sr_playidx *x;
	int fd = tmp_fd();

	(void)state;
	/* The big label is 'L' then zeros: the label ends at the NUL. */
	gen_misc_events(&l);
	x = build_list("other marks", &l, fd, SR_OK);
	check_marks("other marks", x, want, nitems(want));
	sr_playidx_free(x);
	close(fd);
	evl_free(&l);
}

/* Search. */

static const struct search_case {
	const char *needle;
	int64_t from;
	int backward;
	int want;
	int64_t t;
} search_cases[] = {
	{ "hello", -1, 0, SR_OK, 1000 },
	{ "hello", 1000, 0, SR_OK, 3000 },
	{ "hello", 999, 0, SR_OK, 1000 },
	{ "Hello", 1000, 0, SR_EOF, 0 },
	{ "Hello", -1, 0, SR_OK, 1000 },
	{ "WORLD", -1, 0, SR_EOF, 0 },
	{ "world", -1, 0, SR_OK, 1000 },
	{ "hello", 3000, 1, SR_OK, 1000 },
	{ "hello", 3001, 1, SR_OK, 3000 },
	{ "hello", 1000, 1, SR_EOF, 0 },
	{ "newline", -1, 0, SR_OK, 4000 },
	{ "newline", 99999, 1, SR_OK, 4000 },
	{ "colou", -1, 0, SR_OK, 5000 },    /* escapes removed */
	{ "red text", -1, 0, SR_OK, 5000 }, /* across events */
	{ "zzz", -1, 0, SR_EOF, 0 },
	{ "zzz", 99999, 1, SR_EOF, 0 },
	{ "", -1, 0, SR_OK, 1000 },
};

static void
check_search(const char *name, struct sr_playidx *x)
{
	size_t i;
	int64_t t;
	int st;

	for (i = 0; i < nitems(search_cases); i++) {
		const struct search_case *sc = &search_cases[i];

		t = -7;
		st = sr_playidx_search(x, sc->needle, sc->from, sc->backward,
		    &t);
		if (st != sc->want || (st == SR_OK && t != sc->t))
			fail_msg("%s: search %zu '%s' from %lld%s: %d at %lld, "
				 "want %d at %lld",
			    name, i, sc->needle, (long long)sc->from,
			    sc->backward ? " back" : "", st, (long long)t,
			    sc->want, (long long)sc->t);
	}
}

static void
test_search(void **state)
{
	struct evlist l = { 0 };
	struct sr_playidx *x, *y;
	int fd = tmp_fd();

	(void)state;
	evl_out(&l, 1000, "Hello World\r\n");
	evl_out(&l, 2000, "second line\r\n");
	evl_out(&l, 3000, "hello again\r\n");
	evl_out(&l, 4000, "no newline at the end?\r\n");
	evl_out(&l, 5000, "\x1b[31mcolou");
	evl_out(&l, 5500, "red text\x1b[0m");
	x = build_list("search", &l, fd, SR_OK);
	check_search("search (built)", x);
	y = load_fd("search", fd, "test identity");
	check_search("search (loaded)", y);
	sr_playidx_free(x);
	sr_playidx_free(y);
	close(fd);
	evl_free(&l);
}

/* Search over many blocks finds every line, forward and back. */
static void
test_search_blocks(void **state)
{
	struct evlist l = { 0 };
	struct sr_playidx *x;
	char buf[200];
	int64_t t, from;
	int i, fd = tmp_fd();

	(void)state;
	for (i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "%0150d needle-%d\r\n", 0, i);
		evl_out(&l, (int64_t)i * 10, buf);
	}
	x = build_list("search blocks", &l, fd, SR_OK);
	assert_true(sr_playidx_nblocks(x) > 3);
	for (i = 0, from = -1; i < 20000; i += 997) {
		snprintf(buf, sizeof(buf), "needle-%d\r", i);
		buf[strlen(buf) - 1] = '\0';
		assert_int_equal(sr_playidx_search(x, buf, from, 0, &t), SR_OK);
		assert_int_equal(t, (int64_t)i * 10);
		from = t;
		assert_int_equal(sr_playidx_search(x, buf, 200000, 1, &t),
		    SR_OK);
		/* needle-99 also matches needle-99x: the last one wins. */
		if (i >= 2000)
			assert_int_equal(t, (int64_t)i * 10);
		/* Just before it, back: the one before (or none). */
		assert_int_not_equal(sr_playidx_search(x, buf, from, 1, &t),
		    SR_OK);
	}
	assert_int_equal(sr_playidx_search(x, "needle-", 199990, 0, &t),
	    SR_EOF);
	assert_int_equal(sr_playidx_search(x, "needle-", 0, 1, &t), SR_EOF);
	sr_playidx_free(x);
	close(fd);
	evl_free(&l);
}

/* Identity and cache names. */

static const char cast[] =
    "{\"version\": 2, \"width\": 40, \"height\": 10, \"timestamp\": 1}\n"
    "[0.5, \"o\", \"hello\\r\\n\"]\n"
    "[1.0, \"i\", \"ls\\r\"]\n"
    "[1.5, \"o\", \"world\\r\\n\"]\n";

static void
write_file(const char *path, const char *data, const char *mode)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
}

/* The identity of the only session in path, freshly scanned. */
static char *
identity_of(struct sr_ctx *ctx, const char *path)
{
	struct sr_catalog *c = sr_catalog_new(ctx);
	struct sr_error err;
	struct sr_buf b;
	size_t *v, n;

	assert_non_null(c);
	sr_buf_init(&b, 1 << 20);
	if (sr_catalog_resolve(c, path, &v, &n, &err) != SR_OK)
		fail_msg("%s: %s", path, err.msg);
	assert_int_equal(n, 1);
	assert_int_equal(sr_playidx_identity(c, v[0], &b), SR_E_NONE);
	free(v);
	sr_catalog_free(c);
	return (sr_buf_detach(&b, NULL));
}

static void
test_identity(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	char dir[] = "/tmp/test-playidx.XXXXXX", path[256], real[4096];
	struct timespec ts[2];
	struct sr_playidx *x;
	struct sr_error err;
	struct sr_buf name;
	struct evlist l = { 0 };
	char *id1, *id2, *id3, *id4;
	size_t i;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rec.cast", dir);
	write_file(path, cast, "w");
	id1 = identity_of(ctx, path);
	assert_non_null(realpath(path, real));
	if (strstr(id1, real) == NULL || strstr(id1, "rec.cast") == NULL)
		fail_msg("identity lacks the path: %s", id1);
	/* Stable while nothing changes. */
	id2 = identity_of(ctx, path);
	assert_string_equal(id1, id2);

	/* The cache name: dir, 32 hex digits, .sridx. */
	sr_buf_init(&name, 4096);
	assert_int_equal(sr_playidx_cache_name(id1, "/cache", &name),
	    SR_E_NONE);
	assert_int_equal(name.len, strlen("/cache/") + 32 + strlen(".sridx"));
	assert_memory_equal(name.data, "/cache/", 7);
	for (i = 7; i < 39; i++)
		assert_non_null(strchr("0123456789abcdef", name.data[i]));
	assert_string_equal(name.data + 39, ".sridx");
	{
		struct sr_buf other;

		/* Another identity, another name. */
		sr_buf_init(&other, 4096);
		assert_int_equal(sr_playidx_cache_name("other", "/cache",
				     &other),
		    SR_E_NONE);
		assert_string_not_equal(name.data, other.data);
		sr_buf_release(&other);
	}
	sr_buf_release(&name);

	/* An index made for id1 loads with id1 only. */
	fd = tmp_fd();
	evl_out(&l, 1, "x");
	{
		struct sr_session s;

		sr_session_init(&s, 1 << 16);
		assert_int_equal(sr_playidx_create(ctx, fd, id1, &s, &x, &err),
		    SR_OK);
		sr_session_release(&s);
	}
	assert_int_equal(sr_playidx_add(x, &l.ev[0]), SR_OK);
	assert_int_equal(sr_playidx_finish(x, SR_OK), SR_OK);
	sr_playidx_free(x);
	assert_int_equal(sr_playidx_load(ctx, fd, id1, &x, &err), SR_OK);
	sr_playidx_free(x);
	assert_int_equal(sr_playidx_load(ctx, fd, "another", &x, &err), SR_EOF);
	assert_null(x);

	/* Touched: another modification time, another identity. */
	ts[0].tv_sec = ts[1].tv_sec = 1000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 5;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	id3 = identity_of(ctx, path);
	if (strcmp(id1, id3) == 0)
		fail_msg("touch left the identity: %s", id3);
	assert_int_equal(sr_playidx_load(ctx, fd, id3, &x, &err), SR_EOF);
	/* Appended to: another size. */
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	write_file(path, "[2.0, \"o\", \"more\"]\n", "a");
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	id4 = identity_of(ctx, path);
	if (strcmp(id3, id4) == 0)
		fail_msg("append left the identity: %s", id4);
	assert_int_equal(sr_playidx_load(ctx, fd, id4, &x, &err), SR_EOF);
	/* But the same cache name: the rebuilt index replaces the old. */
	{
		struct sr_buf n1, n4;

		sr_buf_init(&n1, 4096);
		sr_buf_init(&n4, 4096);
		assert_int_equal(sr_playidx_cache_name(id1, "/c", &n1),
		    SR_E_NONE);
		assert_int_equal(sr_playidx_cache_name(id4, "/c", &n4),
		    SR_E_NONE);
		assert_string_equal(n1.data, n4.data);
		sr_buf_release(&n1);
		sr_buf_release(&n4);
	}

	close(fd);
	evl_free(&l);
	unlink(path);
	rmdir(dir);
	free(id1);
	free(id2);
	free(id3);
	free(id4);
	sr_ctx_free(ctx);
}

/* Damaged files: never a crash, never a wrong success. */

static unsigned char *
file_bytes(int fd, size_t *len)
{
	struct stat st;
	unsigned char *p;

	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	p = malloc(*len + 1);
	assert_non_null(p);
	assert_int_equal(pread(fd, p, *len, 0), (ssize_t)*len);
	return (p);
}

static int
bytes_fd(const unsigned char *p, size_t len)
{
	int fd = tmp_fd();

	assert_int_equal(write(fd, p, len), (ssize_t)len);
	return (fd);
}

/* Uses whatever loaded: every call must return a ladder status. */
static void
exercise(struct sr_playidx *x)
{
	struct sr_playcur *c = sr_playcur_new(x);
	struct sr_screen *scr = sr_screen_new(24, 80);
	const struct sr_event *ev;
	struct sr_mark m;
	int64_t t;
	size_t i, n = 0;
	int st;

	assert_true(c != NULL && scr != NULL);
	for (i = 0; i < 5; i++) {
		st = sr_playcur_seek(c, (int64_t)i * 400 - 1, scr);
		assert_true(st == SR_OK || st == SR_EOF || st == SR_FAILED);
	}
	(void)sr_playcur_seek(c, -1, scr);
	while ((st = sr_playcur_next(c, &ev)) == SR_OK && n++ < 1000000)
		assert_true(ev->len == 0 || ev->data != NULL);
	assert_true(st == SR_EOF || st == SR_FAILED);
	st = sr_playidx_search(x, "line", -1, 0, &t);
	assert_true(st == SR_OK || st == SR_EOF || st == SR_FAILED);
	st = sr_playidx_search(x, "line", INT64_MAX, 1, &t);
	assert_true(st == SR_OK || st == SR_EOF || st == SR_FAILED);
	for (i = 0; i < sr_playidx_nmarks(x); i++)
		assert_int_equal(sr_playidx_mark(x, i, &m), SR_OK);
	(void)sr_playidx_duration(x);
	sr_screen_free(scr);
	sr_playcur_free(c);
}

static void
test_damaged_generic(void **state)
{
	struct evlist l = { 0 };
	struct sr_playidx *x;
	struct sr_error err;
	unsigned char *orig, *p;
	size_t len, i, cut;
	int fd, st, bit;

	(void)state;
	gen_lines(&l);
	evl_add(&l, SR_EV_INPUT, 5, "cmd\r", 4, 0);
	evl_add(&l, SR_EV_MARKER, 6, "m", 1, 0);
	fd = tmp_fd();
	x = build_list("damage", &l, fd, SR_OK);
	sr_playidx_free(x);
	orig = file_bytes(fd, &len);
	close(fd);
	p = malloc(len);
	assert_non_null(p);

	/* Truncated anywhere: unfinished (or damaged), never loaded. */
	for (cut = 0; cut < len; cut += cut < 64 ? 1 : 37) {
		fd = bytes_fd(orig, cut);
		st = sr_playidx_load(NULL, fd, NULL, &x, &err);
		if (st != SR_EOF && st != SR_FAILED)
			fail_msg("cut at %zu: %d", cut, st);
		assert_null(x);
		close(fd);
	}
	/* Each byte flipped: loaded or refused, then usable or failing. */
	for (i = 0; i < len; i++) {
		bit = (int)(i % 8);
		memcpy(p, orig, len);
		p[i] ^= (unsigned char)(1 << bit);
		fd = bytes_fd(p, len);
		sr_error_clear(&err);
		st = sr_playidx_load(NULL, fd, NULL, &x, &err);
		if (st == SR_OK) {
			exercise(x);
			sr_playidx_free(x);
		} else if (st != SR_EOF && st != SR_FAILED)
			fail_msg("flip at %zu: %d", i, st);
		if (st == SR_FAILED && err.loc.offset < 0)
			fail_msg("flip at %zu: no offset in '%s'", i, err.msg);
		close(fd);
	}
	/* The magic: not an index, at offset 0; the version: stale. */
	memcpy(p, orig, len);
	p[0] = 'X';
	fd = bytes_fd(p, len);
	assert_int_equal(sr_playidx_load(NULL, fd, NULL, &x, &err), SR_FAILED);
	assert_int_equal(err.loc.offset, 0);
	close(fd);
	memcpy(p, orig, len);
	p[8] = 1; /* an index of the version before */
	fd = bytes_fd(p, len);
	assert_int_equal(sr_playidx_load(NULL, fd, NULL, &x, &err), SR_EOF);
	close(fd);
	free(p);
	free(orig);
	evl_free(&l);
}

/*
 * Hand-made files: the format written by hand (see the comment at the
 * top of lib/filter/playidx.c) with one thing wrong in each.
 */
struct vb {
	unsigned char b[512];
	size_t n;
};

static void
vput(struct vb *v, uint64_t x)
{
	while (x >= 0x80) {
		v->b[v->n++] = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	v->b[v->n++] = (unsigned char)x;
}

static void
vraw(struct vb *v, const void *p, size_t n)
{
	memcpy(v->b + v->n, p, n);
	v->n += n;
}

static void
le(unsigned char *p, uint64_t x, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

struct craft {
	const char *name;
	/* Block data (uncompressed; NULL: no block) */
	const unsigned char *data;
	size_t dlen;
	/* Footer pieces. */
	int nblocks;	   /* block table entries */
	int64_t usize_adj; /* added to the block's usize */
	uint64_t nevents;
	uint64_t flags;
	uint64_t t_last;
	uint64_t nblk_override; /* nonzero: claimed count */
	uint64_t off_override;
	uint64_t nmarks;
	int junk;		/* a byte after the footer */
	uint64_t trailer_usize; /* nonzero: claimed */
	int want_load;
	int want_seek;
	int next_ok; /* reading on (no keyframe needed) still works */
};

/* One output event of 100 bytes claimed, 3 given. */
static const unsigned char d_overflow[] = { 0, 0x11, 0, 0, 100, 'a', 'b', 'c' };
static const unsigned char d_ok[] = { 0, 0x11, 0, 0, 3, 'a', 'b', 'c' };
static const unsigned char d_type9[] = { 0, 0x19, 0, 0, 3, 'a', 'b', 'c' };
static const unsigned char d_late[] = { 0, 0x11, 0, 100, 3, 'a', 'b', 'c' };
static const unsigned char d_flags[] = { 0, 0x11, 0x7f, 0, 3, 'a', 'b', 'c' };
static const unsigned char d_snap[] = { 5, 'a', 'b', 'c', 'd', 'e', 0x11, 0, 0,
	3, 'a', 'b', 'c' };
static const unsigned char d_snaplen[] = { 50, 'a', 'b' };

static const struct craft crafts[] = {
	{ "valid", d_ok, sizeof(d_ok), 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, SR_OK,
	    SR_OK, 0 },
	{ "huge block count", NULL, 0, 0, 0, 0, 0, 0, 1ULL << 40, 0, 0, 0, 0,
	    SR_FAILED, 0, 0 },
	{ "block beyond the footer", d_ok, sizeof(d_ok), 1, 0, 1, 1, 0, 0,
	    1000000, 0, 0, 0, SR_FAILED, 0, 0 },
	{ "block before the data", d_ok, sizeof(d_ok), 1, 0, 1, 1, 0, 0, 3, 0,
	    0, 0, SR_FAILED, 0, 0 },
	{ "huge mark count", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 1ULL << 30, 0, 0,
	    SR_FAILED, 0, 0 },
	{ "huge footer", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1ULL << 40,
	    SR_FAILED, 0, 0 },
	{ "wrong footer size", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100,
	    SR_FAILED, 0, 0 },
	{ "junk after the footer", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
	    SR_FAILED, 0, 0 },
	{ "huge block size", d_ok, sizeof(d_ok), 1, 1 << 30, 1, 1, 0, 0, 0, 0,
	    0, 0, SR_FAILED, 0, 0 },
	{ "too many events", d_ok, sizeof(d_ok), 1, 0, 1 << 20, 1, 0, 0, 0, 0,
	    0, 0, SR_FAILED, 0, 0 },
	{ "first block without keyframe", d_ok, sizeof(d_ok), 1, 0, 1, 0, 0, 0,
	    0, 0, 0, 0, SR_FAILED, 0, 0 },
	{ "bad block flags", d_ok, sizeof(d_ok), 1, 0, 1, 9, 0, 0, 0, 0, 0, 0,
	    SR_FAILED, 0, 0 },
	{ "event longer than its block", d_overflow, sizeof(d_overflow), 1, 0,
	    1, 1, 0, 0, 0, 0, 0, 0, SR_OK, SR_FAILED, 0 },
	{ "block size lies", d_ok, sizeof(d_ok), 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	    SR_OK, SR_FAILED, 0 },
	{ "more events claimed", d_ok, sizeof(d_ok), 1, 0, 2, 1, 0, 0, 0, 0, 0,
	    0, SR_OK, SR_FAILED, 0 },
	{ "fewer events claimed", d_ok, sizeof(d_ok), 1, 0, 0, 1, 0, 0, 0, 0, 0,
	    0, SR_OK, SR_FAILED, 0 },
	{ "bad event type", d_type9, sizeof(d_type9), 1, 0, 1, 1, 0, 0, 0, 0, 0,
	    0, SR_OK, SR_FAILED, 0 },
	{ "event after the block's end", d_late, sizeof(d_late), 1, 0, 1, 1, 0,
	    0, 0, 0, 0, 0, SR_OK, SR_FAILED, 0 },
	{ "bad event flags", d_flags, sizeof(d_flags), 1, 0, 1, 1, 0, 0, 0, 0,
	    0, 0, SR_OK, SR_FAILED, 0 },
	{ "garbage keyframe", d_snap, sizeof(d_snap), 1, 0, 1, 1, 0, 0, 0, 0, 0,
	    0, SR_OK, SR_FAILED, 1 },
	{ "keyframe longer than the block", d_snaplen, sizeof(d_snaplen), 1, 0,
	    1, 1, 0, 0, 0, 0, 0, 0, SR_OK, SR_FAILED, 0 },
	{ "two blocks overlapping", d_ok, sizeof(d_ok), 2, 0, 1, 1, 0, 0, 0, 0,
	    0, 0, SR_FAILED, 0, 0 },
};

static int
craft_file(const struct craft *c)
{
	unsigned char hdr[32], tr[40], z[1024], fz[1024];
	struct vb f = { .n = 0 };
	size_t zl = 0, fl, off = 32;
	int fd = tmp_fd(), i;

	memcpy(hdr, "SRIDX\r\n\032", 8);
	le(hdr + 8, 2, 4); /* PI_VERSION */
	le(hdr + 12, 24, 4);
	le(hdr + 16, 80, 4);
	le(hdr + 20, 0, 4);
	le(hdr + 24, (uint64_t)-1, 8);
	assert_int_equal(pwrite(fd, hdr, 32, 0), 32);
	if (c->data != NULL) {
		zl = ZSTD_compress(z, sizeof(z), c->data, c->dlen, 1);
		assert_false(ZSTD_isError(zl));
		assert_int_equal(pwrite(fd, z, zl, off), (ssize_t)zl);
		off += zl;
	}
	vput(&f, 3); /* SR_OK */
	vput(&f, 0);
	vput(&f, c->t_last + 1);
	vput(&f, 0);
	vput(&f, c->nblk_override ? c->nblk_override : (uint64_t)c->nblocks);
	for (i = 0; i < c->nblocks; i++) {
		vput(&f, c->off_override ? c->off_override : 32);
		vput(&f, zl);
		vput(&f, (uint64_t)((int64_t)c->dlen + c->usize_adj));
		vput(&f, 0);
		vput(&f, 0);
		vput(&f, c->nevents);
		vput(&f, c->flags);
		vput(&f, 0);
		vput(&f, c->t_last);
		vput(&f, 0);
	}
	vput(&f, c->nmarks);
	if (c->junk)
		vraw(&f, "j", 1);
	fl = ZSTD_compress(fz, sizeof(fz), f.b, f.n, 1);
	assert_false(ZSTD_isError(fl));
	assert_int_equal(pwrite(fd, fz, fl, off), (ssize_t)fl);
	memcpy(tr, "SRIDXEND", 8);
	le(tr + 8, 2, 4);
	le(tr + 12, 0, 4);
	le(tr + 16, off, 8);
	le(tr + 24, fl, 8);
	le(tr + 32, c->trailer_usize ? c->trailer_usize : f.n, 8);
	assert_int_equal(pwrite(fd, tr, 40, off + fl), 40);
	return (fd);
}

static void
test_damaged_crafted(void **state)
{
	const struct sr_event *ev;
	struct sr_playidx *x;
	struct sr_playcur *c;
	struct sr_screen *scr = sr_screen_new(24, 80);
	struct sr_error err;
	size_t i;
	int fd, st;

	(void)state;
	for (i = 0; i < nitems(crafts); i++) {
		fd = craft_file(&crafts[i]);
		sr_error_clear(&err);
		st = sr_playidx_load(NULL, fd, NULL, &x, &err);
		if (st != crafts[i].want_load)
			fail_msg("%s: load %d (%s), want %d", crafts[i].name,
			    st, err.msg, crafts[i].want_load);
		if (st == SR_FAILED && err.loc.offset < 0)
			fail_msg("%s: no offset", crafts[i].name);
		if (st != SR_OK) {
			close(fd);
			continue;
		}
		c = sr_playcur_new(x);
		st = sr_playcur_seek(c, 0, scr);
		if (st != crafts[i].want_seek)
			fail_msg("%s: seek %d, want %d", crafts[i].name, st,
			    crafts[i].want_seek);
		sr_playcur_free(c);
		c = sr_playcur_new(x);
		st = sr_playcur_next(c, &ev);
		if (crafts[i].want_seek == SR_OK || crafts[i].next_ok
			? (st != SR_OK || ev->len != 3 ||
			      memcmp(ev->data, "abc", 3) != 0)
			: (st == SR_OK && sr_playcur_next(c, &ev) != SR_FAILED))
			fail_msg("%s: next %d", crafts[i].name, st);
		sr_playcur_free(c);
		sr_playidx_free(x);
		close(fd);
	}
	sr_screen_free(scr);
}

/* One thread builds while another reads. */

struct conc {
	struct evlist *l;
	struct sr_playidx *x;
	int reader_failed;
	char why[256];
	size_t seeks, eofs;
};

static void *
conc_reader(void *arg)
{
	struct conc *k = arg;
	struct sr_playcur *c = sr_playcur_new(k->x), *s = sr_playcur_new(k->x);
	struct sr_screen *scr = sr_screen_new(24, 80);
	const struct sr_event *ev;
	size_t i = 0, got = 0;
	int64_t t;
	int st, done = 0;

	while (!done) {
		int complete = sr_playidx_complete(k->x);

		st = sr_playcur_next(c, &ev);
		if (st == SR_EOF) {
			k->eofs++;
			if (complete)
				done = 1;
			/* Meanwhile, seek about in what is there. */
			st = sr_playcur_seek(s, sr_playidx_duration(k->x) / 2,
			    scr);
			k->seeks++;
			if (st != SR_OK && st != SR_EOF) {
				snprintf(k->why, sizeof(k->why), "seek %d", st);
				k->reader_failed = 1;
				break;
			}
			(void)sr_playidx_search(k->x, "line 7", -1, 0, &t);
			continue;
		}
		if (st != SR_OK || i >= k->l->n ||
		    ev->type != k->l->ev[i].type ||
		    ev->t_ns != k->l->ev[i].t_ns ||
		    ev->len > k->l->ev[i].len - got ||
		    memcmp(ev->data, k->l->ev[i].data + got, ev->len) != 0) {
			snprintf(k->why, sizeof(k->why), "event %zu: status %d",
			    i, st);
			k->reader_failed = 1;
			break;
		}
		got += ev->len;
		if (got == k->l->ev[i].len) {
			i++;
			got = 0;
		}
	}
	if (!k->reader_failed && i != k->l->n) {
		snprintf(k->why, sizeof(k->why), "%zu events of %zu", i,
		    k->l->n);
		k->reader_failed = 1;
	}
	sr_playcur_free(c);
	sr_playcur_free(s);
	sr_screen_free(scr);
	return (NULL);
}

static void
test_concurrent(void **state)
{
	struct evlist l = { 0 };
	struct sr_session s;
	struct sr_error err;
	struct conc k = { 0 };
	pthread_t th[2];
	char buf[200];
	size_t i;
	int fd = tmp_fd();

	(void)state;
	for (i = 0; i < 60000; i++) {
		snprintf(buf, sizeof(buf),
		    "\x1b[3%zumline %zu\x1b[0m %0100d\r\n", i % 8, i, 0);
		evl_out(&l, (int64_t)i * 1000, buf);
	}
	sr_session_init(&s, 1 << 16);
	assert_int_equal(sr_playidx_create(NULL, fd, "c", &s, &k.x, &err),
	    SR_OK);
	sr_session_release(&s);
	k.l = &l;
	assert_int_equal(pthread_create(&th[0], NULL, conc_reader, &k), 0);
	assert_int_equal(pthread_create(&th[1], NULL, conc_reader, &k), 0);
	for (i = 0; i < l.n; i++) {
		assert_int_equal(sr_playidx_add(k.x, &l.ev[i]), SR_OK);
		if (i % 5000 == 4999)
			assert_int_equal(sr_playidx_flush(k.x), SR_OK);
	}
	assert_int_equal(sr_playidx_finish(k.x, SR_OK), SR_OK);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	if (k.reader_failed)
		fail_msg("reader: %s", k.why);
	assert_true(k.seeks > 0);
	/* After the fact, everything agrees too. */
	check_sequential("concurrent", k.x, &l);
	sr_playidx_free(k.x);
	close(fd);
	evl_free(&l);
}

/* A build stops when asked and is then unfinished. */
static void
test_cancel(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_input *in;
	struct sr_reader *r;
	const struct sr_session *s;
	struct sr_playidx *x, *y;
	struct sr_error err;
	volatile int cancel = 1;
	int fd = tmp_fd();

	(void)state;
	assert_int_equal(sr_input_open_mem(ctx, "rec.cast", cast,
			     sizeof(cast) - 1, &in, &err),
	    SR_OK);
	assert_int_equal(sr_reader_open(ctx, in, "rec.cast", NULL, &r, &err),
	    SR_OK);
	assert_int_equal(sr_reader_next_session(r, &s), SR_OK);
	assert_int_equal(sr_playidx_create(ctx, fd, "id", s, &x, &err), SR_OK);
	assert_int_not_equal(sr_playidx_build(x, r, &cancel), SR_OK);
	assert_false(sr_playidx_complete(x));
	/* The recorded duration stands in while incomplete. */
	assert_int_equal(sr_playidx_duration(x), 1500 * SR_NSEC_PER_MSEC);
	assert_int_equal(sr_playidx_load(ctx, fd, "id", &y, &err), SR_EOF);
	sr_playidx_free(x);
	sr_reader_close(r);
	sr_input_close(in);
	close(fd);
	sr_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_marks_other),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_search_blocks),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_damaged_generic),
		cmocka_unit_test(test_damaged_crafted),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_fixtures),
	};

	srand(4);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
