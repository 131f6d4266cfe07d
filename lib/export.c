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
 * Exporters: asciicast v2/v3, tlog JSON and SIEM NDJSON encoders (see
 * export.h).  The event encoders sit on the hot path of a conversion of
 * a large recording: text is escaped by runs (eight ASCII bytes checked
 * at a time, a table for the rest), never byte by byte through a
 * function call, and every buffer is reused from event to event.  Large
 * events are cut into slices, so what one output line or message holds
 * stays bounded whatever the input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "export.h"
#include "sr-private.h"

/* Bytes of event data per output line (asciicast) or encoder call. */
#define SLICE_MAX (16 * 1024)
/* Buffers hold at most a slice escaped (6 bytes a byte) and the rest. */
#define LINE_MAX_BYTES	     (8 * SLICE_MAX + 64 * 1024)
#define TLOG_PAYLOAD_DEFAULT 2048
#define TLOG_LATENCY_DEFAULT (10 * SR_NSEC_PER_SEC)
#define SIEM_MAX	     (4 * 1024 * 1024)

/*
 * The length of the run of valid UTF-8 at the start of s[0..n) and, in
 * *chars, the number of characters in it.  Eight ASCII bytes at a time:
 * most terminal output is.
 */
static size_t
valid_run(const unsigned char *s, size_t n, size_t *chars)
{
	size_t j = 0, k, sub, c = 0;
	uint64_t v;

	while (j < n) {
		while (n - j >= 8) {
			memcpy(&v, s + j, 8);
			if (v & 0x8080808080808080ULL)
				break;
			j += 8;
			c += 8;
		}
		if (j == n)
			break;
		if (s[j] < 0x80) {
			j++;
			c++;
			continue;
		}
		if ((k = sr_utf8_seq(s + j, n - j, &sub)) == 0)
			break;
		j += k;
		c++;
	}
	*chars = c;
	return (j);
}

/*
 * Whether the invalid subpart at s[0..n) of length sub reaches the end
 * and could still become a character when more bytes come.
 */
static int
may_complete(const unsigned char *s, size_t n, size_t sub)
{
	return (sub == n && sub < 4 && s[0] >= 0xc2 && s[0] <= 0xf4);
}

static int
buf_str(struct sr_buf *b, const char *s)
{
	return (sr_buf_append(b, s, strlen(s)));
}

/* "SEC.UUUUUU" for a non-negative number of microseconds. */
static int
buf_usec(struct sr_buf *b, int64_t us)
{
	char frac[6];
	int64_t f = us % 1000000;
	int i;

	for (i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	if (sr_buf_u64(b, (uint64_t)(us / 1000000)) != 0 ||
	    sr_buf_putc(b, '.') != 0)
		return (-1);
	return (sr_buf_append(b, frac, 6));
}

/* A metadata string as JSON (invalid UTF-8 becomes U+FFFD). */
static int
buf_jstr(struct sr_buf *b, const char *s)
{
	return (sr_str_json(b, s, strlen(s)));
}

static int
nomem(struct sr_error *e)
{
	return (
	    sr_error_set(e, SR_FATAL, SR_E_NOMEM, NULL, NULL, "out of memory"));
}

static int
emit(struct sr_error *e, sr_export_fn fn, void *arg, const char *p, size_t n)
{
	if (fn(arg, p, n) != 0) {
		int errnum = errno;

		sr_error_set(e, SR_FATAL, SR_E_IO, NULL, NULL,
		    "cannot write: %s", strerror(errnum));
		e->errnum = errnum;
		return (SR_FATAL);
	}
	return (SR_OK);
}

/*
 * asciicast
 */

struct sr_castw {
	int version;
	unsigned flags;
	struct sr_session *s;
	sr_export_fn fn;
	void *arg;
	struct sr_buf line;
	int header_done;
	int ended;		  /* "x" written */
	int64_t last_us;	  /* time of the last event written */
	unsigned char hold[2][4]; /* [0] output, [1] input */
	size_t nhold[2];
	uint64_t lossy;
	struct sr_error err;
};

int
sr_castw_new(const struct sr_session *s, int version, unsigned flags,
    sr_export_fn fn, void *arg, struct sr_castw **wp, struct sr_error *err)
{
	struct sr_castw *w;

	*wp = NULL;
	if (version != 2 && version != 3)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "asciicast version %d is not 2 or 3", version));
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->s = sr_session_dup(s)) == NULL) {
		free(w);
		return (nomem(err));
	}
	w->version = version;
	w->flags = flags;
	w->fn = fn;
	w->arg = arg;
	sr_buf_init(&w->line, LINE_MAX_BYTES);
	sr_error_clear(&w->err);
	*wp = w;
	return (SR_OK);
}

static int
cast_header(struct sr_castw *w)
{
	const struct sr_session *s = w->s;
	struct sr_buf *b = &w->line;
	unsigned rows = 24, cols = 80;
	const char *title = sr_session_extra(s, "asciicast.title");
	const char *term = s->field[SR_F_TERM];
	int r;

	if ((s->have & SR_HAVE_GEOMETRY) && s->rows > 0 && s->cols > 0) {
		rows = s->rows;
		cols = s->cols;
	}
	sr_buf_reset(b);
	if (w->version == 2) {
		r = buf_str(b, "{\"version\": 2, \"width\": ") ||
		    sr_buf_u64(b, cols) || buf_str(b, ", \"height\": ") ||
		    sr_buf_u64(b, rows);
	} else {
		r = buf_str(b, "{\"version\": 3, \"term\": {\"cols\": ") ||
		    sr_buf_u64(b, cols) || buf_str(b, ", \"rows\": ") ||
		    sr_buf_u64(b, rows);
		if (r == 0 && term != NULL && *term != '\0')
			r = buf_str(b, ", \"type\": ") || buf_jstr(b, term);
		r = r || sr_buf_putc(b, '}');
	}
	if (r == 0 && (s->have & SR_HAVE_START) && s->start_ns >= 0)
		r = buf_str(b, ", \"timestamp\": ") ||
		    sr_buf_i64(b, s->start_ns / SR_NSEC_PER_SEC);
	if (!(w->flags & SR_CASTW_NO_HEADER_EXTRAS)) {
		if (r == 0 && s->field[SR_F_COMMAND] != NULL)
			r = buf_str(b, ", \"command\": ") ||
			    buf_jstr(b, s->field[SR_F_COMMAND]);
		if (r == 0 && title != NULL)
			r = buf_str(b, ", \"title\": ") || buf_jstr(b, title);
		if (r == 0 && w->version == 2 && term != NULL)
			r = buf_str(b, ", \"env\": {\"TERM\": ") ||
			    buf_jstr(b, term) || sr_buf_putc(b, '}');
	}
	if (r != 0 || buf_str(b, "}\n") != 0)
		return (nomem(&w->err));
	w->header_done = 1;
	return (emit(&w->err, w->fn, w->arg, b->data, b->len));
}

/* Starts an event line: "[TIME, \"CODE\", \"". */
static int
cast_begin(struct sr_castw *w, int64_t t_ns, char code)
{
	struct sr_buf *b = &w->line;
	int64_t us = t_ns < 0 ? 0 : t_ns / SR_NSEC_PER_USEC;
	char c[5] = { ',', ' ', '"', code, '"' };

	/* Players expect time to go forward: never back. */
	if (us < w->last_us)
		us = w->last_us;
	sr_buf_reset(b);
	if (sr_buf_putc(b, '[') != 0 ||
	    buf_usec(b, w->version == 2 ? us : us - w->last_us) != 0 ||
	    sr_buf_append(b, c, 5) != 0 || buf_str(b, ", \"") != 0)
		return (-1);
	w->last_us = us;
	return (0);
}

static int
cast_end_line(struct sr_castw *w)
{
	if (buf_str(&w->line, "\"]\n") != 0)
		return (nomem(&w->err));
	return (emit(&w->err, w->fn, w->arg, w->line.data, w->line.len));
}

/*
 * Appends text s[0..n) to the line: valid runs escaped, each maximal
 * invalid subpart as one U+FFFD (what asciinema's replacing decoder
 * does), LF as CR LF when crlf.  A character cut at the end is held in
 * hold/nhold unless final.
 */
static int
cast_text(struct sr_castw *w, const unsigned char *s, size_t n, int crlf,
    unsigned char *hold, size_t *nhold, int final)
{
	struct sr_buf *b = &w->line;
	size_t i = 0, j, k, chars, sub;

	/* At most 6 bytes a byte (\u00XX), and a NUL after. */
	if (sr_buf_reserve(b, n * 6 + 8) != 0)
		return (-1);
	while (i < n) {
		j = i + valid_run(s + i, n - i, &chars);
		if (!crlf)
			sr_str_json_text(b, s + i, j - i);
		else {
			for (k = i; k < j; k = sub + 1) {
				const unsigned char *nl =
				    memchr(s + k, '\n', j - k);

				sub = nl != NULL ? (size_t)(nl - s) : j;
				sr_str_json_text(b, s + k, sub - k);
				if (nl != NULL)
					memcpy(b->data + b->len, "\\r\\n", 5),
					    b->len += 4;
			}
		}
		if ((i = j) == n)
			break;
		(void)sr_utf8_seq(s + i, n - i, &sub);
		if (!final && may_complete(s + i, n - i, sub)) {
			memcpy(hold, s + i, sub);
			*nhold = sub;
			break;
		}
		memcpy(b->data + b->len, "\xef\xbf\xbd", 4);
		b->len += 3;
		w->lossy += sub;
		i += sub;
	}
	return (0);
}

/* An output or input event: one line per slice. */
static int
cast_data(struct sr_castw *w, const struct sr_event *ev, char code, int dir,
    int crlf)
{
	const unsigned char *s = ev->data;
	unsigned char tmp[4 + SLICE_MAX];
	size_t n = ev->len, take, h, b0;
	int r;

	while (n > 0) {
		take = n < SLICE_MAX ? n : SLICE_MAX;
		if (cast_begin(w, ev->t_ns, code) != 0)
			return (nomem(&w->err));
		b0 = w->line.len;
		if ((h = w->nhold[dir]) == 0)
			r = cast_text(w, s, take, crlf, w->hold[dir],
			    &w->nhold[dir], 0);
		else {
			/* A character cut at the last event goes first. */
			memcpy(tmp, w->hold[dir], h);
			memcpy(tmp + h, s, take);
			w->nhold[dir] = 0;
			r = cast_text(w, tmp, h + take, crlf, w->hold[dir],
			    &w->nhold[dir], 0);
		}
		if (r != 0)
			return (nomem(&w->err));
		s += take;
		n -= take;
		/* All of it held (one cut character): no empty line. */
		if (w->line.len == b0 && n == 0)
			return (SR_OK);
		if ((r = cast_end_line(w)) != SR_OK)
			return (r);
	}
	return (SR_OK);
}

/* A line with a short text datum (marker, resize, exit). */
static int
cast_short(struct sr_castw *w, int64_t t_ns, char code, const char *s, size_t n)
{
	if (n > 4096)
		n = 4096;
	if (cast_begin(w, t_ns, code) != 0 ||
	    cast_text(w, (const unsigned char *)s, n, 0, NULL, NULL, 1) != 0)
		return (nomem(&w->err));
	return (cast_end_line(w));
}

/* Nonzero when s[0..n) is an optional '-' and 1 to 10 digits. */
static int
is_status(const unsigned char *s, size_t n)
{
	size_t i = n > 0 && s[0] == '-';

	if (n == i || n - i > 10)
		return (0);
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

int
sr_castw_event(struct sr_castw *w, const struct sr_event *ev)
{
	char tmp[64];
	int r, n;

	if (!w->header_done && (r = cast_header(w)) != SR_OK)
		return (r);
	switch (ev->type) {
	case SR_EV_OUTPUT:
		return (cast_data(w, ev, 'o', 0, sr_event_pipe(w->s, ev)));
	case SR_EV_INPUT:
		if ((w->flags & SR_CASTW_NO_INPUT) ||
		    (ev->flags & SR_EVF_MASKED))
			return (SR_OK);
		return (cast_data(w, ev, 'i', 1, 0));
	case SR_EV_RESIZE:
		if (ev->rows == 0 || ev->cols == 0)
			return (SR_OK);
		n = snprintf(tmp, sizeof(tmp), "%ux%u", ev->cols, ev->rows);
		return (cast_short(w, ev->t_ns, 'r', tmp, (size_t)n));
	case SR_EV_MARKER:
		return (cast_short(w, ev->t_ns, 'm', (const char *)ev->data,
		    ev->data != NULL ? ev->len : 0));
	case SR_EV_SUSPEND:
	case SR_EV_RESUME:
		n = snprintf(tmp, sizeof(tmp), "%s %.*s",
		    ev->type == SR_EV_SUSPEND ? "suspend" : "resume",
		    (int)(ev->data != NULL && ev->len < 32 ? ev->len : 0),
		    ev->data != NULL ? (const char *)ev->data : "");
		return (cast_short(w, ev->t_ns, 'm', tmp, (size_t)n));
	case SR_EV_END:
		if (w->version != 3 || w->ended)
			return (SR_OK);
		w->ended = 1;
		if (ev->data != NULL && is_status(ev->data, ev->len))
			return (cast_short(w, ev->t_ns, 'x',
			    (const char *)ev->data, ev->len));
		if (w->s->have & SR_HAVE_EXIT) {
			n = snprintf(tmp, sizeof(tmp), "%d", w->s->exit_status);
			return (cast_short(w, ev->t_ns, 'x', tmp, (size_t)n));
		}
		return (SR_OK);
	}
	return (SR_OK);
}

int
sr_castw_finish(struct sr_castw *w)
{
	int r, dir;

	if (!w->header_done && (r = cast_header(w)) != SR_OK)
		return (r);
	for (dir = 0; dir < 2; dir++) {
		if (w->nhold[dir] == 0)
			continue;
		if (cast_begin(w, w->last_us * SR_NSEC_PER_USEC,
			dir == 0 ? 'o' : 'i') != 0 ||
		    cast_text(w, w->hold[dir], w->nhold[dir], 0, NULL, NULL,
			1) != 0)
			return (nomem(&w->err));
		w->nhold[dir] = 0;
		if ((r = cast_end_line(w)) != SR_OK)
			return (r);
	}
	return (SR_OK);
}

uint64_t
sr_castw_lossy(const struct sr_castw *w)
{
	return (w->lossy);
}

const struct sr_error *
sr_castw_error(const struct sr_castw *w)
{
	return (&w->err);
}

void
sr_castw_free(struct sr_castw *w)
{
	if (w == NULL)
		return;
	sr_session_free(w->s);
	sr_buf_release(&w->line);
	free(w);
}

/*
 * tlog JSON: the message builder (shared with lib/recw.c), then the
 * exporter on it.
 */

enum run { RUN_NONE, RUN_IN_TXT, RUN_OUT_TXT, RUN_IN_BIN, RUN_OUT_BIN };

void
sr_tlog_enc_init(struct sr_tlog_enc *e, size_t max, unsigned rows,
    unsigned cols)
{
	memset(e, 0, sizeof(*e));
	sr_buf_init(&e->timing, max);
	sr_buf_init(&e->in.txt, max);
	sr_buf_init(&e->in.bin, max);
	sr_buf_init(&e->out.txt, max);
	sr_buf_init(&e->out.bin, max);
	e->rows = rows;
	e->cols = cols;
}

void
sr_tlog_enc_release(struct sr_tlog_enc *e)
{
	sr_buf_release(&e->timing);
	sr_buf_release(&e->in.txt);
	sr_buf_release(&e->in.bin);
	sr_buf_release(&e->out.txt);
	sr_buf_release(&e->out.bin);
}

/* Closes the open timing run into the timing string. */
static int
run_close(struct sr_tlog_enc *e)
{
	struct sr_buf *t = &e->timing;
	static const char mark[] = { 0, '<', '>', '[', ']' };
	int r;

	if (e->run == RUN_NONE)
		return (0);
	r = sr_buf_putc(t, mark[e->run]) || sr_buf_u64(t, e->run_n);
	if (r == 0 && (e->run == RUN_IN_BIN || e->run == RUN_OUT_BIN))
		r = sr_buf_putc(t, '/') || sr_buf_u64(t, e->run_b);
	e->run = RUN_NONE;
	e->run_n = e->run_b = 0;
	return (r);
}

static int
window_rec(struct sr_tlog_enc *e)
{
	if (e->rows == 0 && e->cols == 0)
		return (0);
	return (sr_buf_putc(&e->timing, '=') ||
	    sr_buf_u64(&e->timing, e->cols) || sr_buf_putc(&e->timing, 'x') ||
	    sr_buf_u64(&e->timing, e->rows));
}

int
sr_tlog_enc_at(struct sr_tlog_enc *e, int64_t t_ms)
{
	if (!e->in_msg) {
		e->in_msg = 1;
		e->pos_ms = e->last_ms = t_ms;
		return (window_rec(e));
	}
	if (t_ms > e->last_ms) {
		if (run_close(e) || sr_buf_putc(&e->timing, '+') ||
		    sr_buf_u64(&e->timing, (uint64_t)(t_ms - e->last_ms)))
			return (-1);
		e->last_ms = t_ms;
	}
	return (0);
}

int
sr_tlog_enc_window(struct sr_tlog_enc *e, int64_t t_ms, unsigned rows,
    unsigned cols)
{
	int was = e->in_msg;

	if (was && sr_tlog_enc_at(e, t_ms) != 0)
		return (-1);
	e->rows = rows;
	e->cols = cols;
	if (!was)
		return (sr_tlog_enc_at(e, t_ms));
	return (run_close(e) || window_rec(e));
}

/* Adds the bytes of one invalid subpart: a placeholder and its bytes. */
static int
add_bin(struct sr_tlog_enc *e, struct sr_tlog_dir *d, enum run kind,
    const unsigned char *s, size_t n)
{
	size_t i;

	if (e->run != (int)kind && run_close(e) != 0)
		return (-1);
	e->run = kind;
	e->run_n++;
	e->run_b += n;
	if (sr_buf_append(&d->txt, "\xef\xbf\xbd", 3) != 0)
		return (-1);
	for (i = 0; i < n; i++)
		if ((d->bin.len > 0 && sr_buf_putc(&d->bin, ',') != 0) ||
		    sr_buf_u64(&d->bin, s[i]) != 0)
			return (-1);
	return (0);
}

/*
 * Encodes s[0..n) of one direction: valid runs as text (counted in
 * characters), each maximal invalid subpart as a placeholder plus its
 * bytes, and a character cut at the end held unless final.
 */
static int
encode(struct sr_tlog_enc *e, int out, const unsigned char *s, size_t n,
    int final)
{
	struct sr_tlog_dir *d = out ? &e->out : &e->in;
	enum run trun = out ? RUN_OUT_TXT : RUN_IN_TXT;
	enum run brun = out ? RUN_OUT_BIN : RUN_IN_BIN;
	size_t i = 0, j, sub, chars;

	if (sr_buf_reserve(&d->txt, n * 6 + 4) != 0)
		return (-1);
	while (i < n) {
		j = i + valid_run(s + i, n - i, &chars);
		if (j > i) {
			if (e->run != (int)trun && run_close(e) != 0)
				return (-1);
			e->run = trun;
			e->run_n += chars;
			sr_str_json_text(&d->txt, s + i, j - i);
			i = j;
		}
		if (i == n)
			break;
		(void)sr_utf8_seq(s + i, n - i, &sub);
		if (!final && may_complete(s + i, n - i, sub)) {
			memcpy(d->hold, s + i, sub);
			d->nhold = sub;
			break;
		}
		if (add_bin(e, d, brun, s + i, sub) != 0)
			return (-1);
		i += sub;
	}
	return (0);
}

/* Encodes the character held in d, then s[0..n), as one text. */
static int
text_after_hold(struct sr_tlog_enc *e, struct sr_tlog_dir *d, int out,
    const unsigned char *s, size_t n)
{
	unsigned char tmp[4 + SR_TLOG_SLICE_MAX];
	size_t h = d->nhold;

	if (n > SR_TLOG_SLICE_MAX)
		return (-1);
	memcpy(tmp, d->hold, h);
	memcpy(tmp + h, s, n);
	d->nhold = 0;
	return (encode(e, out, tmp, h + n, 0));
}

int
sr_tlog_enc_text(struct sr_tlog_enc *e, int out, const unsigned char *s,
    size_t n)
{
	struct sr_tlog_dir *d = out ? &e->out : &e->in;

	if (d->nhold == 0)
		return (encode(e, out, s, n, 0));
	/* A character cut at the last call goes first. */
	return (text_after_hold(e, d, out, s, n));
}

int
sr_tlog_enc_flush(struct sr_tlog_enc *e, int out)
{
	struct sr_tlog_dir *d = out ? &e->out : &e->in;
	unsigned char tmp[4];
	size_t n = d->nhold;

	if (n == 0)
		return (0);
	memcpy(tmp, d->hold, n);
	d->nhold = 0;
	return (encode(e, out, tmp, n, 1));
}

size_t
sr_tlog_enc_len(const struct sr_tlog_enc *e)
{
	return (e->timing.len + e->in.txt.len + e->in.bin.len + e->out.txt.len +
	    e->out.bin.len);
}

int
sr_tlog_enc_message(struct sr_tlog_enc *e, struct sr_buf *p,
    const struct sr_buf *envelope, uint64_t id, int timed, int64_t start_ms)
{
	int64_t tms;
	int r;

	r = run_close(e) || sr_buf_append(p, envelope->data, envelope->len) ||
	    sr_buf_u64(p, id) || buf_str(p, ",\"pos\":") ||
	    sr_buf_i64(p, e->pos_ms);
	if (r == 0 && timed) {
		tms = start_ms + e->pos_ms;
		r = buf_str(p, ",\"time\":") || sr_buf_i64(p, tms / 1000) ||
		    sr_buf_append(p,
			(char[]){ '.', (char)('0' + tms % 1000 / 100),
			    (char)('0' + tms % 100 / 10),
			    (char)('0' + tms % 10) },
			4);
	}
	return (r || buf_str(p, ",\"timing\":\"") ||
	    sr_buf_append(p, e->timing.data, e->timing.len) ||
	    buf_str(p, "\",\"in_txt\":\"") ||
	    sr_buf_append(p, e->in.txt.data, e->in.txt.len) ||
	    buf_str(p, "\",\"in_bin\":[") ||
	    sr_buf_append(p, e->in.bin.data, e->in.bin.len) ||
	    buf_str(p, "],\"out_txt\":\"") ||
	    sr_buf_append(p, e->out.txt.data, e->out.txt.len) ||
	    buf_str(p, "\",\"out_bin\":[") ||
	    sr_buf_append(p, e->out.bin.data, e->out.bin.len) ||
	    sr_buf_putc(p, ']'));
}

void
sr_tlog_enc_next(struct sr_tlog_enc *e)
{
	e->in_msg = 0;
	sr_buf_reset(&e->timing);
	sr_buf_reset(&e->in.txt);
	sr_buf_reset(&e->in.bin);
	sr_buf_reset(&e->out.txt);
	sr_buf_reset(&e->out.bin);
}

/* A metadata string of the envelope: cut, NULL as "". */
static int
env_str(struct sr_buf *b, const char *k, const char *v)
{
	return (buf_str(b, k) ||
	    sr_str_json(b, v != NULL ? v : "",
		v != NULL ? strnlen(v, 4096) : 0));
}

int
sr_tlog_envelope(struct sr_buf *b, const char *host, const char *rec,
    const char *user, const char *term, uint64_t session)
{
	return (env_str(b, "{\"ver\":\"2.3\",\"host\":", host) ||
	    env_str(b, ",\"rec\":", rec) || env_str(b, ",\"user\":", user) ||
	    env_str(b, ",\"term\":", term) || buf_str(b, ",\"session\":") ||
	    sr_buf_u64(b, session) || buf_str(b, ",\"id\":"));
}

struct sr_tlogw {
	sr_export_fn fn;
	void *arg;
	struct sr_buf envelope; /* {"ver":...,"id": */
	struct sr_buf msg;
	struct sr_tlog_enc enc;
	int64_t last_ns;
	int64_t start_ms; /* wall clock of pos 0, -1 unknown */
	uint64_t next_id;
	size_t payload;
	int64_t latency_ms;
	struct sr_error err;
};

void
sr_tlogw_opts_session(struct sr_tlogw_opts *o, const struct sr_session *s)
{
	const char *v = sr_session_extra(s, "tlog.session");
	uint64_t u;

	memset(o, 0, sizeof(*o));
	o->host = s->field[SR_F_HOST];
	o->rec = s->field[SR_F_SESSION_ID];
	o->user = s->field[SR_F_ACTOR];
	o->term = s->field[SR_F_TERM];
	if (v != NULL && sr_parse_u64(v, strlen(v), UINT32_MAX, &u) == 0)
		o->session = (uint32_t)u;
	if (s->have & SR_HAVE_START)
		o->start_ns = s->start_ns;
	if (s->have & SR_HAVE_GEOMETRY) {
		o->rows = s->rows;
		o->cols = s->cols;
	}
}

int
sr_tlogw_new(const struct sr_tlogw_opts *o, sr_export_fn fn, void *arg,
    struct sr_tlogw **wp, struct sr_error *err)
{
	struct sr_tlogw *w;

	*wp = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (nomem(err));
	w->fn = fn;
	w->arg = arg;
	sr_buf_init(&w->envelope, 64 * 1024);
	sr_buf_init(&w->msg, 4 * LINE_MAX_BYTES);
	sr_tlog_enc_init(&w->enc, LINE_MAX_BYTES, o->rows, o->cols);
	w->next_id = 1;
	w->start_ms = o->start_ns > 0 ? o->start_ns / SR_NSEC_PER_MSEC : -1;
	w->payload = o->payload > 0 ? o->payload : TLOG_PAYLOAD_DEFAULT;
	w->latency_ms =
	    (o->latency_ns > 0 ? o->latency_ns : TLOG_LATENCY_DEFAULT) /
	    SR_NSEC_PER_MSEC;
	if (w->latency_ms < 1)
		w->latency_ms = 1;
	sr_error_clear(&w->err);
	/* Metadata strings are cut: the envelope comes with every message. */
	if (sr_tlog_envelope(&w->envelope, o->host, o->rec, o->user, o->term,
		o->session != 0 ? o->session : 4294967295U) != 0) {
		sr_tlogw_free(w);
		return (nomem(err));
	}
	*wp = w;
	return (SR_OK);
}

/* Writes the open message through the callback. */
static int
msg_close(struct sr_tlogw *w)
{
	struct sr_buf *p = &w->msg;

	if (!w->enc.in_msg)
		return (SR_OK);
	sr_buf_reset(p);
	if (sr_tlog_enc_message(&w->enc, p, &w->envelope, w->next_id,
		w->start_ms >= 0, w->start_ms) != 0 ||
	    sr_buf_putc(p, '}') != 0)
		return (nomem(&w->err));
	w->next_id++;
	sr_tlog_enc_next(&w->enc);
	return (emit(&w->err, w->fn, w->arg, p->data, p->len));
}

/* Makes a message open at t_ms, closing one that is full or too old. */
static int
msg_at(struct sr_tlogw *w, int64_t t_ms)
{
	int r;

	if (w->enc.in_msg &&
	    (sr_tlog_enc_len(&w->enc) >= w->payload ||
		t_ms - w->enc.pos_ms >= w->latency_ms) &&
	    (r = msg_close(w)) != SR_OK)
		return (r);
	return (sr_tlog_enc_at(&w->enc, t_ms) != 0 ? nomem(&w->err) : SR_OK);
}

static int
tlog_data(struct sr_tlogw *w, const struct sr_event *ev, int64_t t_ns, int out)
{
	const unsigned char *s = ev->data;
	size_t n = ev->len, take, used, room;
	int64_t tms = t_ns / SR_NSEC_PER_MSEC;
	int r;

	while (n > 0) {
		if ((r = msg_at(w, tms)) != SR_OK)
			return (r);
		/*
		 * A slice that cannot overflow the payload by much: text
		 * grows at most sixfold when escaped.
		 */
		used = sr_tlog_enc_len(&w->enc);
		room = used < w->payload ? w->payload - used : 0;
		take = room / 6 < 64 ? 64 : room / 6;
		if (take > SR_TLOG_SLICE_MAX)
			take = SR_TLOG_SLICE_MAX;
		if (take > n)
			take = n;
		if (sr_tlog_enc_text(&w->enc, out, s, take) != 0)
			return (nomem(&w->err));
		s += take;
		n -= take;
	}
	return (SR_OK);
}

int
sr_tlogw_event(struct sr_tlogw *w, const struct sr_event *ev)
{
	int64_t t = ev->t_ns < 0 ? 0 : ev->t_ns;
	int r;

	if (t < w->last_ns)
		t = w->last_ns; /* never back: tlog-play refuses it */
	w->last_ns = t;
	switch (ev->type) {
	case SR_EV_OUTPUT:
	case SR_EV_INPUT:
		if ((ev->flags & SR_EVF_MASKED) || ev->len == 0)
			return (SR_OK);
		return (tlog_data(w, ev, t, ev->type == SR_EV_OUTPUT));
	case SR_EV_RESIZE:
		if ((ev->rows == w->enc.rows && ev->cols == w->enc.cols) ||
		    ev->rows > 65535 || ev->cols > 65535)
			return (SR_OK);
		/* A full or old message closes first, as for data. */
		if (w->enc.in_msg &&
		    (r = msg_at(w, t / SR_NSEC_PER_MSEC)) != SR_OK)
			return (r);
		if (sr_tlog_enc_window(&w->enc, t / SR_NSEC_PER_MSEC, ev->rows,
			ev->cols) != 0)
			return (nomem(&w->err));
		return (SR_OK);
	default:
		return (SR_OK);
	}
}

/* Writes a held cut character as invalid bytes. */
static int
flush_hold(struct sr_tlogw *w, int out)
{
	int r;

	if ((out ? w->enc.out.nhold : w->enc.in.nhold) == 0)
		return (SR_OK);
	if ((r = msg_at(w, w->last_ns / SR_NSEC_PER_MSEC)) != SR_OK)
		return (r);
	if (sr_tlog_enc_flush(&w->enc, out) != 0)
		return (nomem(&w->err));
	return (SR_OK);
}

int
sr_tlogw_flush(struct sr_tlogw *w, int final)
{
	int r;

	if (final &&
	    ((r = flush_hold(w, 0)) != SR_OK ||
		(r = flush_hold(w, 1)) != SR_OK))
		return (r);
	return (msg_close(w));
}

uint64_t
sr_tlogw_messages(const struct sr_tlogw *w)
{
	return (w->next_id - 1);
}

const struct sr_error *
sr_tlogw_error(const struct sr_tlogw *w)
{
	return (&w->err);
}

void
sr_tlogw_free(struct sr_tlogw *w)
{
	if (w == NULL)
		return;
	sr_buf_release(&w->envelope);
	sr_buf_release(&w->msg);
	sr_tlog_enc_release(&w->enc);
	free(w);
}

/*
 * SIEM NDJSON
 */

/*
 * A JSON object being written into a buffer.  Members with unknown
 * values are skipped; a nested object that got no member is taken back
 * whole, so no empty object is ever left.  r keeps the first buffer
 * error.
 */
struct jobj {
	struct sr_buf *b;
	size_t n;     /* members written */
	size_t start; /* length before the key (nested objects) */
	int r;
};

static void
j_key(struct jobj *o, const char *k)
{
	if (o->r == 0 && o->n > 0)
		o->r = sr_buf_putc(o->b, ',');
	if (o->r == 0)
		o->r = sr_buf_putc(o->b, '"');
	if (o->r == 0)
		o->r = buf_str(o->b, k);
	if (o->r == 0)
		o->r = buf_str(o->b, "\":");
	o->n++;
}

static void
j_strn(struct jobj *o, const char *k, const char *v, size_t len)
{
	if (v == NULL)
		return;
	j_key(o, k);
	if (o->r == 0)
		o->r = sr_str_json(o->b, v, len);
}

static void
j_str(struct jobj *o, const char *k, const char *v)
{
	if (v != NULL)
		j_strn(o, k, v, strlen(v));
}

static void
j_int(struct jobj *o, const char *k, int64_t v)
{
	j_key(o, k);
	if (o->r == 0)
		o->r = sr_buf_i64(o->b, v);
}

static void
j_raw(struct jobj *o, const char *k, const char *v)
{
	j_key(o, k);
	if (o->r == 0)
		o->r = buf_str(o->b, v);
}

static void
j_open(struct jobj *o, struct jobj *child, const char *k)
{
	child->b = o->b;
	child->n = 0;
	child->start = o->b->len;
	child->r = o->r;
	j_key(o, k);
	if (o->r == 0)
		o->r = sr_buf_putc(o->b, '{');
	child->r = o->r;
}

static void
j_close(struct jobj *o, struct jobj *child)
{
	if ((o->r = child->r) != 0)
		return;
	if (child->n == 0) {
		/* Nothing known: take the key back. */
		o->b->len = child->start;
		o->b->data[o->b->len] = '\0';
		o->n--;
		return;
	}
	o->r = sr_buf_putc(o->b, '}');
}

/* A port number, or -1. */
static int64_t
port_of(const char *v)
{
	uint64_t u;

	if (v == NULL || sr_parse_u64(v, strlen(v), 65535, &u) != 0)
		return (-1);
	return ((int64_t)u);
}

/*
 * The local account the session ran as: the recorder's user (native),
 * sudo's runas user, tlog's user (the recorded user's own shell).
 */
static const char *
run_user(const struct sr_session *s)
{
	const char *v = sr_session_extra(s, "sessrec.user");

	if (v != NULL)
		return (v);
	if (s->format != NULL && strcmp(s->format, "sudo") == 0)
		return (s->field[SR_F_TARGET]);
	if (s->format != NULL && strcmp(s->format, "tlog") == 0)
		return (s->field[SR_F_ACTOR]);
	return (NULL);
}

enum siem_type { SIEM_START, SIEM_COMMAND, SIEM_END };

static const char *const siem_type_name[] = { "session_start", "command",
	"session_end" };

static const char *
state_name(enum sr_state st)
{
	return (st == SR_STATE_COMPLETE	    ? "complete"
		: st == SR_STATE_INCOMPLETE ? "incomplete"
					    : "unknown");
}

/* The time of an event: known only when the start is. */
static int
siem_time(const struct sr_session *s, int64_t t_ns, char *buf, size_t len)
{
	int64_t when;

	if (!(s->have & SR_HAVE_START) || t_ns < 0)
		return (0);
	when = sr_ns_add(s->start_ns, t_ns);
	/* RFC 3339 with milliseconds: sr_time_format_iso_ms(). */
	(void)sr_time_format_iso_ms(when, buf, len);
	return (buf[0] != '\0');
}

static int
siem_build(const struct sr_session *s, const struct sr_siem_opts *opts,
    enum siem_type type, const struct sr_siem_cmd *c, size_t ncommands,
    struct sr_buf *b)
{
	struct jobj o = { b, 0, 0, 0 }, ev, sub, sub2;
	const char *rec =
	    opts != NULL && opts->recording != NULL ? opts->recording : s->path;
	const char *user = run_user(s);
	const char *cmd = NULL;
	size_t cmdlen = 0;
	char when[64] = "", msg[256];
	int64_t t = 0, dur = -1,
		port = port_of(sr_session_extra(s, "sessrec.src_port"));
	int have_exit = 0, exit_status = 0, ecs = opts != NULL && opts->ecs;
	size_t start = b->len;

	switch (type) {
	case SIEM_START:
		cmd = s->field[SR_F_COMMAND];
		break;
	case SIEM_COMMAND:
		t = c->t_ns;
		dur = c->duration_ns;
		cmd = c->command;
		cmdlen = c->command_len;
		have_exit = c->have_exit;
		exit_status = c->exit_status;
		break;
	case SIEM_END:
		if (s->have & SR_HAVE_DURATION)
			t = dur = s->duration_ns;
		else
			t = -1;
		have_exit = (s->have & SR_HAVE_EXIT) != 0;
		exit_status = s->exit_status;
		break;
	}
	if (cmd != NULL && type != SIEM_COMMAND)
		cmdlen = strlen(cmd);
	(void)siem_time(s, t, when, sizeof(when));
	if (sr_buf_putc(b, '{') != 0)
		return (SR_FATAL);
	if (!ecs) {
		j_str(&o, "type", siem_type_name[type]);
		if (when[0] != '\0')
			j_str(&o, "time", when);
		j_str(&o, "host", s->field[SR_F_HOST]);
		j_str(&o, "session_id", s->field[SR_F_SESSION_ID]);
		j_str(&o, "actor", s->field[SR_F_ACTOR]);
		j_str(&o, "user", user);
		j_str(&o, "src_ip", s->field[SR_F_SRC_IP]);
		if (port >= 0)
			j_int(&o, "src_port", port);
		j_str(&o, "target", s->field[SR_F_TARGET]);
		j_str(&o, "ticket", s->field[SR_F_TICKET]);
		j_str(&o, "tty", s->field[SR_F_TTY]);
		if (type == SIEM_START)
			j_str(&o, "cwd", s->field[SR_F_CWD]);
		j_strn(&o, "command", cmd, cmdlen);
		if (type == SIEM_COMMAND) {
			j_int(&o, "seq", (int64_t)c->seq);
			j_str(&o, "command_source", c->source);
			if (c->output != NULL) {
				j_strn(&o, "tty_output", c->output,
				    c->output_len);
				j_raw(&o, "tty_output_truncated",
				    c->output_truncated ? "true" : "false");
			}
		}
		if (have_exit)
			j_int(&o, "exit_status", exit_status);
		if (type == SIEM_END) {
			if (s->have & SR_HAVE_SIGNAL)
				j_str(&o, "signal", s->exit_signal);
			j_str(&o, "state", state_name(s->state));
			j_int(&o, "commands", (int64_t)ncommands);
		}
		if (dur >= 0)
			j_int(&o, "duration_ms", dur / SR_NSEC_PER_MSEC);
		j_str(&o, "recording", rec);
		j_str(&o, "format", s->format);
	} else {
		if (when[0] != '\0')
			j_str(&o, "@timestamp", when);
		if (type == SIEM_COMMAND)
			j_strn(&o, "message", cmd, cmdlen);
		else {
			(void)snprintf(msg, sizeof(msg), "session %s",
			    type == SIEM_START ? "started" : "ended");
			j_str(&o, "message", msg);
		}
		j_open(&o, &sub, "ecs");
		j_str(&sub, "version", "8.11.0");
		j_close(&o, &sub);
		j_open(&o, &ev, "event");
		j_str(&ev, "kind", "event");
		j_raw(&ev, "category",
		    type == SIEM_COMMAND ? "[\"process\"]" : "[\"session\"]");
		j_raw(&ev, "type",
		    type == SIEM_START	   ? "[\"start\"]"
			: type == SIEM_END ? "[\"end\"]"
					   : "[\"info\"]");
		j_str(&ev, "action", siem_type_name[type]);
		j_str(&ev, "module", "sessrec");
		j_str(&ev, "dataset", "sessrec.session");
		if (dur >= 0)
			j_int(&ev, "duration", dur); /* ECS: nanoseconds */
		j_close(&o, &ev);
		j_open(&o, &sub, "host");
		j_str(&sub, "hostname", s->field[SR_F_HOST]);
		j_close(&o, &sub);
		j_open(&o, &sub, "user");
		j_str(&sub, "name", s->field[SR_F_ACTOR]);
		j_close(&o, &sub);
		j_open(&o, &sub, "source");
		j_str(&sub, "ip", s->field[SR_F_SRC_IP]);
		if (port >= 0)
			j_int(&sub, "port", port);
		j_close(&o, &sub);
		j_open(&o, &sub, "destination");
		j_str(&sub, "address", s->field[SR_F_TARGET]);
		j_close(&o, &sub);
		j_open(&o, &sub, "process");
		j_strn(&sub, "command_line", cmd, cmdlen);
		if (have_exit)
			j_int(&sub, "exit_code", exit_status);
		if (type == SIEM_START)
			j_str(&sub, "working_directory", s->field[SR_F_CWD]);
		j_open(&sub, &sub2, "user");
		j_str(&sub2, "name", user);
		j_close(&sub, &sub2);
		j_close(&o, &sub);
		j_open(&o, &sub, "labels");
		j_str(&sub, "ticket", s->field[SR_F_TICKET]);
		j_close(&o, &sub);
		j_open(&o, &sub, "sessrec");
		j_str(&sub, "session_id", s->field[SR_F_SESSION_ID]);
		j_str(&sub, "tty", s->field[SR_F_TTY]);
		if (type == SIEM_COMMAND) {
			j_int(&sub, "seq", (int64_t)c->seq);
			j_str(&sub, "command_source", c->source);
			if (c->output != NULL) {
				j_strn(&sub, "tty_output", c->output,
				    c->output_len);
				j_raw(&sub, "tty_output_truncated",
				    c->output_truncated ? "true" : "false");
			}
		}
		if (type == SIEM_END) {
			if (s->have & SR_HAVE_SIGNAL)
				j_str(&sub, "signal", s->exit_signal);
			j_str(&sub, "state", state_name(s->state));
			j_int(&sub, "commands", (int64_t)ncommands);
		}
		j_str(&sub, "recording", rec);
		j_str(&sub, "format", s->format);
		j_close(&o, &sub);
	}
	if (o.r == 0)
		o.r = sr_buf_putc(b, '}');
	if (o.r != 0) {
		int cat = o.r;

		b->len = start;
		b->data[start] = '\0';
		return (cat == SR_E_LIMIT ? SR_FAILED : SR_FATAL);
	}
	return (SR_OK);
}

int
sr_siem_session_start(const struct sr_session *s,
    const struct sr_siem_opts *opts, struct sr_buf *b)
{
	return (siem_build(s, opts, SIEM_START, NULL, 0, b));
}

int
sr_siem_command(const struct sr_session *s, const struct sr_siem_opts *opts,
    const struct sr_siem_cmd *c, struct sr_buf *b)
{
	return (siem_build(s, opts, SIEM_COMMAND, c, 0, b));
}

int
sr_siem_session_end(const struct sr_session *s, const struct sr_siem_opts *opts,
    size_t ncommands, struct sr_buf *b)
{
	return (siem_build(s, opts, SIEM_END, NULL, ncommands, b));
}

size_t
sr_siem_keyfields(const struct sr_session *s, const char *type,
    const char **keys, const char **values, size_t max)
{
	static const struct {
		const char *key;
		enum sr_field f;
	} tab[] = {
		{ "session_id", SR_F_SESSION_ID },
		{ "actor", SR_F_ACTOR },
		{ "src_ip", SR_F_SRC_IP },
		{ "target", SR_F_TARGET },
		{ "ticket", SR_F_TICKET },
		{ "host", SR_F_HOST },
	};
	size_t i, n = 0;

	if (type != NULL && n < max) {
		keys[n] = "type";
		values[n++] = type;
	}
	for (i = 0; i < nitems(tab) && n < max; i++) {
		if (s->field[tab[i].f] == NULL)
			continue;
		keys[n] = tab[i].key;
		values[n++] = s->field[tab[i].f];
	}
	return (n);
}
