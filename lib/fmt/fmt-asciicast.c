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
 * The asciicast reader: asciinema's recordings, versions 1, 2 and 3.
 * One file is one session.
 *
 * Grammar (FORMATS.md sections 4 and 5):
 *
 *   v2, v3   file    = header LF *( event LF / blank LF / comment LF )
 *            header  = JSON object, "version": 2 or 3, on line 1
 *            event   = "[" time "," code "," data "]"      ; JSON array
 *            comment = "#" *any                             ; v3 only
 *            time    = JSON number: v2 seconds since the start,
 *                      v3 seconds since the previous event
 *            code    = "o" output / "i" input / "m" marker (data = label)
 *                      / "r" resize (data "COLSxROWS") / "x" exit status
 *                      (data decimal); other codes are ignored
 *   v1       file    = one JSON object, "version": 1, "stdout" holding
 *                      [[delay, data], ...], delay relative, output only
 *
 * Header keys: v2 width, height, timestamp, duration, idle_time_limit,
 * command, title, env {TERM, SHELL, USER, ...}, theme; v3 term {cols,
 * rows, type, version, theme}, timestamp, idle_time_limit, command, title,
 * env, tags.  TERM (env.TERM, term.type), geometry, start, duration and
 * command map to session fields, env.USER (when a string) to the actor;
 * the rest becomes "asciicast.*" extras.  The session id is the file's
 * base name without ".cast", ".json" and a compression suffix.
 *
 * Times are converted from the number's decimal text to nanoseconds
 * exactly (rounding half up at the nanosecond), not through a double, so
 * that the cheap scan next_session makes for the duration and the exit
 * status agrees with what the events say.  Times that go backwards (v2)
 * or negative intervals (v3) are clamped to the previous time with a
 * warning.
 *
 * Data can only be valid UTF-8, as asciinema replaces invalid output
 * bytes with U+FFFD when recording.  A file holding raw invalid UTF-8
 * (hand-edited, or written by another tool) is not rejected: jansson
 * refuses such a line, so the line is repaired the way asciinema would
 * have written it (each maximal invalid sequence becomes U+FFFD), read
 * again, and reported with a warning.  Other unparsable lines are
 * reported and skipped.  A last line without "\n" that does not parse is
 * a truncated write: warning, and the session is incomplete.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compat.h"
#include "sr-private.h"

/* How much of the member the probe and the v1 sniffing look at. */
#define CAST_PEEK (64 * 1024)
/* Longest time accepted, in seconds: keeps ns arithmetic in range. */
#define CAST_MAX_SECS 9000000000.0

struct cast_state {
	struct sr_stream *s;
	int version;	     /* 1, 2 or 3 */
	int done;	     /* the one session was returned */
	int64_t line;	     /* number of the last line read */
	int64_t body_offset; /* where events start */
	int64_t t_ns;	     /* time of the previous event */
	size_t max_event;
	size_t max_line;
	json_t *cur;	    /* owned: the event being returned */
	json_t *doc;	    /* owned: the v1 document */
	size_t frame;	    /* v1: index of the next frame */
	struct sr_buf fix;  /* a line with invalid UTF-8 repaired */
	struct sr_buf data; /* an event's data, decoded by fast_event() */
	/* The rest of a data run longer than the event limit. */
	const char *rest;
	size_t rest_len;
	enum sr_event_type rest_type;
	enum sr_stream_id rest_stream;
	struct sr_evloc rest_loc;
};

/* What next_session learns by scanning the events once. */
struct cast_scan {
	int64_t end_ns; /* time of the last event */
	int truncated;	/* the last line is an incomplete write */
	int have_x;	/* an exit status event was seen */
	int have_exit;	/* ... and its data was a number */
	int exit_status;
};

/*
 * Number → nanoseconds.
 */

enum {
	NUM_OK = 0,
	NUM_SYNTAX = -1,
	NUM_RANGE = -2,
};

static const uint64_t pow10_tab[] = {
	1ULL,
	10ULL,
	100ULL,
	1000ULL,
	10000ULL,
	100000ULL,
	1000000ULL,
	10000000ULL,
	100000000ULL,
	1000000000ULL,
	10000000000ULL,
	100000000000ULL,
	1000000000000ULL,
	10000000000000ULL,
	100000000000000ULL,
	1000000000000000ULL,
	10000000000000000ULL,
	100000000000000000ULL,
	1000000000000000000ULL,
};

static int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

/*
 * Converts the JSON number at p[0..len) (seconds) to nanoseconds,
 * rounding half up, without going through a double.  *used is set to the
 * length of the number, *neg when it had a minus sign; *ns is the
 * magnitude.  Digits past the 18th significant one are ignored: they lie
 * far below a nanosecond for any time that fits in an int64.
 */
static int
parse_secs(const char *p, size_t len, size_t *used, int64_t *ns, int *neg)
{
	uint64_t mant = 0, q, r, div;
	int64_t e10 = 0, ex = 0, k;
	size_t i = 0, nd = 0, start;
	int exneg = 0;

	*neg = 0;
	*ns = 0;
	if (i < len && p[i] == '-') {
		*neg = 1;
		i++;
	}
	start = i;
	for (; i < len && is_digit(p[i]); i++) {
		if (nd < 18) {
			mant = mant * 10 + (uint64_t)(p[i] - '0');
			if (mant != 0)
				nd++;
		} else
			e10++;
	}
	if (i == start)
		return (NUM_SYNTAX);
	if (i < len && p[i] == '.') {
		start = ++i;
		for (; i < len && is_digit(p[i]); i++) {
			if (nd < 18) {
				mant = mant * 10 + (uint64_t)(p[i] - '0');
				e10--;
				if (mant != 0)
					nd++;
			}
		}
		if (i == start)
			return (NUM_SYNTAX);
	}
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			exneg = p[i++] == '-';
		start = i;
		for (; i < len && is_digit(p[i]); i++)
			if (ex < 100000)
				ex = ex * 10 + (p[i] - '0');
		if (i == start)
			return (NUM_SYNTAX);
	}
	*used = i;
	if (mant == 0)
		return (NUM_OK);
	k = e10 + (exneg ? -ex : ex) + 9;
	if (k >= 0) {
		if (k >= (int64_t)nitems(pow10_tab) ||
		    mant > (uint64_t)INT64_MAX / pow10_tab[k])
			return (NUM_RANGE);
		*ns = (int64_t)(mant * pow10_tab[k]);
		return (NUM_OK);
	}
	if (-k >= (int64_t)nitems(pow10_tab))
		return (NUM_OK); /* far below half a nanosecond */
	div = pow10_tab[-k];
	q = mant / div;
	r = mant % div;
	if (r * 2 >= div)
		q++;
	*ns = (int64_t)q;
	return (NUM_OK);
}

/* Seconds held by a JSON number → ns; -1 when negative or too large. */
static int
json_secs(const json_t *v, int64_t *ns)
{
	int64_t whole;
	double d;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || i > (json_int_t)(INT64_MAX / SR_NSEC_PER_SEC))
			return (-1);
		*ns = (int64_t)i * SR_NSEC_PER_SEC;
		return (0);
	}
	if (!json_is_real(v))
		return (-1);
	d = json_real_value(v);
	if (!isfinite(d) || d < 0 || d > CAST_MAX_SECS)
		return (-1);
	/*
	 * Whole seconds apart: an epoch time times 1e9 does not fit in a
	 * double's 53 bits, its fraction alone does (and is exact).
	 */
	whole = (int64_t)d;
	*ns = whole * SR_NSEC_PER_SEC +
	    (int64_t)((d - (double)whole) * 1e9 + 0.5);
	return (0);
}

/*
 * UTF-8.  jansson refuses a document holding invalid UTF-8; these find
 * and repair it the way jansson judges it (no overlongs, surrogates or
 * code points past U+10FFFF).
 */

static int
utf8_ok(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, n, sub;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = sr_utf8_seq(s + i, len - i, &sub)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

/* Copies p into b with each maximal invalid sequence replaced by U+FFFD. */
static int
utf8_repair(struct sr_buf *b, const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, j, n, sub;
	int e;

	sr_buf_reset(b);
	while (i < len) {
		for (j = i; j < len && s[j] < 0x80; j++)
			;
		if (j > i && (e = sr_buf_append(b, s + i, j - i)) != SR_E_NONE)
			return (e);
		if ((i = j) >= len)
			break;
		if ((n = sr_utf8_seq(s + i, len - i, &sub)) != 0) {
			if ((e = sr_buf_append(b, s + i, n)) != SR_E_NONE)
				return (e);
			i += n;
		} else {
			if ((e = sr_buf_append(b, "\xef\xbf\xbd", 3)) !=
			    SR_E_NONE)
				return (e);
			i += sub;
		}
	}
	return (SR_E_NONE);
}

/*
 * Light parsing for the scan: '[' time ',' '"' code '"' ... ']' without
 * building a JSON tree.  code is the one-character code, or 0 for longer
 * or escaped codes.  Returns 0, or -1 when the line does not look like an
 * event (the full parse will say why).
 */
static size_t
skip_ws(const char *p, size_t len, size_t i)
{
	while (i < len &&
	    (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return (i);
}

static int
scan_event(const char *p, size_t len, int *num, int64_t *ns, int *neg,
    char *code)
{
	size_t i, used = 0, e;

	e = len;
	while (e > 0 &&
	    (p[e - 1] == ' ' || p[e - 1] == '\t' || p[e - 1] == '\r' ||
		p[e - 1] == '\n'))
		e--;
	if (e == 0 || p[e - 1] != ']')
		return (-1);
	i = skip_ws(p, e, 0);
	if (i >= e || p[i] != '[')
		return (-1);
	i = skip_ws(p, e, i + 1);
	if ((*num = parse_secs(p + i, e - i, &used, ns, neg)) == NUM_SYNTAX)
		return (-1);
	i = skip_ws(p, e, i + used);
	if (i >= e || p[i] != ',')
		return (-1);
	i = skip_ws(p, e, i + 1);
	if (i >= e || p[i] != '"')
		return (-1);
	*code = 0;
	if (i + 2 < e && p[i + 1] != '\\' && p[i + 1] != '"' && p[i + 2] == '"')
		*code = p[i + 1];
	return (0);
}

/* The time token of an event line jansson accepted. */
static int
event_time(const char *p, size_t len, int64_t *ns, int *neg)
{
	size_t i, used = 0;

	i = skip_ws(p, len, 0);
	if (i < len && p[i] == '[')
		i = skip_ws(p, len, i + 1);
	return (parse_secs(p + i, len - i, &used, ns, neg));
}

/* Parses "COLSxROWS". */
static int
parse_geometry(const char *s, size_t len, unsigned *cols, unsigned *rows)
{
	const char *x;
	uint64_t c, r;

	if ((x = memchr(s, 'x', len)) == NULL)
		return (-1);
	if (sr_parse_u64(s, (size_t)(x - s), 65535, &c) != 0 ||
	    sr_parse_u64(x + 1, len - (size_t)(x - s) - 1, 65535, &r) != 0)
		return (-1);
	*cols = (unsigned)c;
	*rows = (unsigned)r;
	return (0);
}

/* Parses an exit status; -1 unless a decimal int. */
static int
parse_exit(const char *s, size_t len, int *status)
{
	int64_t v;

	if (sr_parse_i64(s, len, &v) != 0 || v < INT32_MIN || v > INT32_MAX)
		return (-1);
	*status = (int)v;
	return (0);
}

/* Strips a compression suffix, then one of the format's own. */
static size_t
strip_suffixes(const char *name, const char *const *own)
{
	static const char *const comp[] = { ".gz", ".zst", ".xz", ".bz2" };
	size_t len = strlen(name), i, sl;

	for (i = 0; i < nitems(comp); i++) {
		sl = strlen(comp[i]);
		if (len > sl && strcmp(name + len - sl, comp[i]) == 0) {
			len -= sl;
			break;
		}
	}
	for (i = 0; own[i] != NULL; i++) {
		sl = strlen(own[i]);
		if (len > sl && strncmp(name + len - sl, own[i], sl) == 0) {
			len -= sl;
			break;
		}
	}
	return (len);
}

static const char *const cast_suffixes[] = { ".cast", ".json", NULL };

static void
line_loc(struct sr_loc *loc, int64_t line, int64_t offset)
{
	sr_loc_clear(loc);
	loc->line = line;
	loc->offset = offset;
}

/*
 * Parses an event line.  On success *jp holds the array (owned) and
 * *text and *tlen the text jansson read (the line, or the repaired copy in
 * st->fix).  Returns 1 when parsed, 0 when the line is to be skipped
 * (warned), or a fatal status.  *warned is set when a warning was given.
 */
static int
parse_line(struct sr_reader *r, struct cast_state *st, const char *line,
    size_t len, int complete, const struct sr_loc *loc, json_t **jp,
    const char **text, size_t *tlen, int *warned)
{
	json_error_t jerr;
	json_t *j;
	int e;

	*jp = NULL;
	*text = line;
	*tlen = len;
	if ((j = json_loadb(line, len, JSON_ALLOW_NUL, &jerr)) != NULL) {
		*jp = j;
		return (1);
	}
	if (!utf8_ok(line, len)) {
		if ((e = utf8_repair(&st->fix, line, len)) == SR_E_NOMEM)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, loc,
			    "out of memory"));
		if (e == SR_E_NONE &&
		    (j = json_loadb(st->fix.data, st->fix.len, JSON_ALLOW_NUL,
			 &jerr)) != NULL) {
			*warned = 1;
			(void)sr_reader_warnf(r, loc,
			    "invalid UTF-8 replaced with U+FFFD");
			*jp = j;
			*text = st->fix.data;
			*tlen = st->fix.len;
			return (1);
		}
	}
	*warned = 1;
	if (!complete)
		(void)sr_reader_warn_torn(r, loc, "truncated last line");
	else
		(void)sr_reader_warnf(r, loc, "invalid JSON: %s", jerr.text);
	return (0);
}

/*
 * Header.
 */

/* Adds an extra; over the meta limit it is dropped with a warning. */
static int
put_extra(struct sr_reader *r, const char *key, const char *v, size_t len,
    int *warned)
{
	struct sr_loc loc;
	int st;

	st = sr_session_add_extra(&r->session, key, v, len);
	if (st == SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	if (st != SR_OK) {
		line_loc(&loc, 1, 0);
		*warned = 1;
		(void)sr_reader_warnf(r, &loc,
		    "metadata over the meta limit: '%s' dropped", key);
	}
	return (SR_OK);
}

static int
put_field(struct sr_reader *r, enum sr_field f, const char *v, size_t len,
    int *warned)
{
	struct sr_loc loc;
	int st;

	st = sr_session_set(&r->session, f, v, len);
	if (st == SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	if (st != SR_OK) {
		line_loc(&loc, 1, 0);
		*warned = 1;
		(void)sr_reader_warnf(r, &loc,
		    "metadata over the meta limit: %s dropped",
		    sr_field_name(f));
	}
	return (SR_OK);
}

/* Adds a JSON value as an extra: strings as they are, others as JSON. */
static int
put_json_extra(struct sr_reader *r, const char *key, const json_t *v,
    int *warned)
{
	char *t;
	int st;

	if (json_is_string(v))
		return (put_extra(r, key, json_string_value(v),
		    json_string_length(v), warned));
	if (json_is_null(v))
		return (SR_OK);
	t = json_dumps(v,
	    JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
	if (t == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	st = put_extra(r, key, t, strlen(t), warned);
	free(t);
	return (st);
}

static int
header_warn(struct sr_reader *r, int *warned, const char *what)
{
	struct sr_loc loc;

	line_loc(&loc, 1, 0);
	*warned = 1;
	return (sr_reader_warnf(r, &loc, "header %s", what));
}

/* Reads an unsigned size into *out; 0 when absent or bad. */
static int
header_size(struct sr_reader *r, const json_t *v, const char *name,
    unsigned *out, int *warned)
{
	char what[64];

	*out = 0;
	if (v == NULL)
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 65535) {
		(void)snprintf(what, sizeof(what), "%s is not a size", name);
		(void)header_warn(r, warned, what);
		return (0);
	}
	*out = (unsigned)json_integer_value(v);
	return (1);
}

static int
header_env(struct sr_reader *r, const json_t *env, int *warned)
{
	const char *k;
	json_t *v;
	char key[128];
	int st;

	if (!json_is_object(env)) {
		(void)header_warn(r, warned, "env is not an object");
		return (SR_OK);
	}
	json_object_foreach((json_t *)env, k, v)
	{
		if (!json_is_string(v))
			continue; /* asciinema writes null for unset */
		if (strcmp(k, "TERM") == 0 &&
		    r->session.field[SR_F_TERM] == NULL)
			st = put_field(r, SR_F_TERM, json_string_value(v),
			    json_string_length(v), warned);
		else if (strcmp(k, "USER") == 0)
			st = put_field(r, SR_F_ACTOR, json_string_value(v),
			    json_string_length(v), warned);
		else {
			(void)snprintf(key, sizeof(key), "asciicast.env.%s", k);
			st = put_extra(r, key, json_string_value(v),
			    json_string_length(v), warned);
		}
		if (st != SR_OK)
			return (st);
	}
	return (SR_OK);
}

static int
header_term(struct sr_reader *r, const json_t *term, int *warned)
{
	const char *k;
	json_t *v;
	char key[128];
	unsigned cols, rows;
	int st = SR_OK, hc, hr;

	if (!json_is_object(term)) {
		(void)header_warn(r, warned, "term is not an object");
		return (SR_OK);
	}
	hc = header_size(r, json_object_get(term, "cols"), "term.cols", &cols,
	    warned);
	hr = header_size(r, json_object_get(term, "rows"), "term.rows", &rows,
	    warned);
	if (hc && hr && cols > 0 && rows > 0) {
		r->session.cols = cols;
		r->session.rows = rows;
		r->session.have |= SR_HAVE_GEOMETRY;
	} else if (!hc || !hr)
		(void)header_warn(r, warned, "lacks term.cols or term.rows");
	json_object_foreach((json_t *)term, k, v)
	{
		if (strcmp(k, "cols") == 0 || strcmp(k, "rows") == 0)
			continue;
		if (strcmp(k, "type") == 0 && json_is_string(v))
			st = put_field(r, SR_F_TERM, json_string_value(v),
			    json_string_length(v), warned);
		else if (strcmp(k, "theme") == 0)
			st = put_json_extra(r, "asciicast.theme", v, warned);
		else {
			(void)snprintf(key, sizeof(key), "asciicast.term.%s",
			    k);
			st = put_json_extra(r, key, v, warned);
		}
		if (st != SR_OK)
			return (st);
	}
	return (SR_OK);
}

/*
 * Fills the session from the header object; *duration_ns is set (or -1)
 * from a recorded duration.
 */
static int
header_apply(struct sr_reader *r, struct cast_state *st, const json_t *h,
    int64_t *duration_ns, int *warned)
{
	const char *k;
	json_t *v;
	char key[128], num[32];
	unsigned cols, rows;
	int64_t ns;
	int s = SR_OK, hc, hr;

	*duration_ns = -1;
	(void)snprintf(num, sizeof(num), "%d", st->version);
	if ((s = put_extra(r, "asciicast.version", num, strlen(num), warned)) !=
	    SR_OK)
		return (s);
	if (st->version < 3) {
		hc = header_size(r, json_object_get(h, "width"), "width", &cols,
		    warned);
		hr = header_size(r, json_object_get(h, "height"), "height",
		    &rows, warned);
		if (hc && hr && cols > 0 && rows > 0) {
			r->session.cols = cols;
			r->session.rows = rows;
			r->session.have |= SR_HAVE_GEOMETRY;
		} else if (json_object_get(h, "width") == NULL ||
		    json_object_get(h, "height") == NULL)
			(void)header_warn(r, warned, "lacks width or height");
	} else {
		if ((v = json_object_get(h, "term")) == NULL)
			(void)header_warn(r, warned, "lacks term");
		else if ((s = header_term(r, v, warned)) != SR_OK)
			return (s);
	}
	json_object_foreach((json_t *)h, k, v)
	{
		s = SR_OK;
		if (strcmp(k, "version") == 0 || strcmp(k, "term") == 0 ||
		    strcmp(k, "stdout") == 0)
			continue;
		if (st->version < 3 &&
		    (strcmp(k, "width") == 0 || strcmp(k, "height") == 0))
			continue;
		if (strcmp(k, "timestamp") == 0) {
			if (json_secs(v, &ns) == 0) {
				r->session.start_ns = ns;
				r->session.have |= SR_HAVE_START;
			} else
				(void)header_warn(r, warned,
				    "timestamp is not a time");
		} else if (strcmp(k, "duration") == 0 && st->version < 3) {
			if (json_secs(v, &ns) == 0)
				*duration_ns = ns;
			else
				(void)header_warn(r, warned,
				    "duration is not a time");
		} else if (strcmp(k, "command") == 0 && json_is_string(v))
			s = put_field(r, SR_F_COMMAND, json_string_value(v),
			    json_string_length(v), warned);
		else if (strcmp(k, "env") == 0)
			s = header_env(r, v, warned);
		else {
			(void)snprintf(key, sizeof(key), "asciicast.%s", k);
			s = put_json_extra(r, key, v, warned);
		}
		if (s != SR_OK)
			return (s);
	}
	return (SR_OK);
}

/*
 * The version of a parsed header: 0 when absent or not an integer, -1
 * when an integer out of any range.
 */
static int
header_version(const json_t *h)
{
	const json_t *v = json_object_get(h, "version");

	if (!json_is_integer(v))
		return (0);
	if (json_integer_value(v) < 1 || json_integer_value(v) > 1000000)
		return (-1);
	return ((int)json_integer_value(v));
}

/*
 * Scanning: the duration and exit status must be known before the
 * events are read.
 */
static int
scan_exit(struct sr_reader *r, struct cast_state *st, const char *line,
    size_t len, struct cast_scan *sc)
{
	json_error_t jerr;
	json_t *j, *d;
	int e;

	if ((j = json_loadb(line, len, JSON_ALLOW_NUL, &jerr)) == NULL) {
		if (utf8_ok(line, len))
			return (SR_OK);
		if ((e = utf8_repair(&st->fix, line, len)) == SR_E_NOMEM)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory"));
		if (e != SR_E_NONE ||
		    (j = json_loadb(st->fix.data, st->fix.len, JSON_ALLOW_NUL,
			 &jerr)) == NULL)
			return (SR_OK);
	}
	d = json_array_get(j, 2);
	if (json_is_array(j) && json_is_string(d)) {
		sc->have_x = 1;
		sc->have_exit =
		    parse_exit(json_string_value(d), json_string_length(d),
			&sc->exit_status) == 0;
	}
	json_decref(j);
	return (SR_OK);
}

/* Whether a line fails to parse as JSON (a truncated write). */
static int
line_broken(struct cast_state *st, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *j;

	if ((j = json_loadb(line, len, JSON_ALLOW_NUL, &jerr)) == NULL &&
	    !utf8_ok(line, len) &&
	    utf8_repair(&st->fix, line, len) == SR_E_NONE)
		j = json_loadb(st->fix.data, st->fix.len, JSON_ALLOW_NUL,
		    &jerr);
	if (j == NULL)
		return (1);
	json_decref(j);
	return (0);
}

static int
scan_lines(struct sr_reader *r, struct cast_state *st, struct cast_scan *sc)
{
	const char *line;
	size_t len;
	int64_t t = 0, ns;
	int s, complete, num, neg;
	char code;

	for (;;) {
		s = sr_stream_getline(st->s, &line, &len, &complete,
		    st->max_line);
		if (s == SR_EOF)
			break;
		if (s != SR_OK) {
			/* Too long or unreadable: the read will report it. */
			if (sr_stream_error(st->s)->cat == SR_E_LIMIT)
				continue;
			break;
		}
		if (scan_event(line, len, &num, &ns, &neg, &code) != 0) {
			if (!complete && skip_ws(line, len, 0) < len &&
			    !(st->version == 3 && line[0] == '#') &&
			    line_broken(st, line, len))
				sc->truncated = 1;
			continue;
		}
		/* The same clamping as the read below. */
		if (num == NUM_OK && !(neg && ns != 0)) {
			if (st->version == 2)
				t = ns > t ? ns : t;
			else
				t = sr_ns_add(t, ns);
		}
		if (code == 'x' &&
		    (s = scan_exit(r, st, line, len, sc)) != SR_OK)
			return (s);
		if (!complete && line_broken(st, line, len))
			sc->truncated = 1;
	}
	sc->end_ns = t;
	return (SR_OK);
}

static int
scan_frames(struct cast_state *st, struct cast_scan *sc)
{
	const json_t *out = json_object_get(st->doc, "stdout");
	const json_t *f;
	int64_t t = 0, ns;
	size_t i;

	json_array_foreach(out, i, f)
	{
		if (json_is_array(f) && json_is_string(json_array_get(f, 1)) &&
		    json_secs(json_array_get(f, 0), &ns) == 0)
			t = sr_ns_add(t, ns);
	}
	sc->end_ns = t;
	return (SR_OK);
}

/*
 * v1 documents may span lines; read the member whole and parse it.  The
 * document is one JSON value, so the line limit bounds it: jansson's tree
 * takes several times the text, and the spool limit would let a hostile
 * file cost gigabytes.  NULL when it is not a v1 document (*too_big set
 * when it was cut at the limit).
 */
static json_t *
load_v1(struct sr_reader *r, struct cast_state *st, int *status, int *too_big)
{
	const unsigned char *p;
	struct sr_buf b;
	json_error_t jerr;
	json_t *j = NULL;
	char chunk[65536];
	size_t got, i;
	int e;

	*status = SR_OK;
	sr_buf_init(&b, st->max_line);
	if (sr_stream_seek(st->s, 0) != SR_OK ||
	    (p = sr_stream_peek(st->s, 256, &got)) == NULL)
		goto out;
	i = skip_ws((const char *)p, got, 0);
	if (i >= got || p[i] != '{')
		goto out; /* not even an object: no need to read it all */
	for (;;) {
		if (sr_stream_read(st->s, chunk, sizeof(chunk), &got) != SR_OK)
			goto out;
		if (got == 0)
			break;
		if ((e = sr_buf_append(&b, chunk, got)) == SR_E_NOMEM) {
			*status = sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM,
			    NULL, "out of memory");
			goto out;
		}
		if (e != SR_E_NONE) {
			*too_big = 1;
			goto out;
		}
	}
	j = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &jerr);
	if (j != NULL && (!json_is_object(j) || header_version(j) != 1)) {
		json_decref(j);
		j = NULL;
	}
out:
	sr_buf_release(&b);
	return (j);
}

static int
cast_open(struct sr_reader *r)
{
	struct cast_state *st = r->state;

	st->max_event = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_EVENT);
	st->max_line = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	if (st->max_event == 0)
		st->max_event = 1;
	/* A repaired line grows at most threefold. */
	sr_buf_init(&st->fix,
	    st->max_line < SIZE_MAX / 4 ? st->max_line * 3 + 1 : SIZE_MAX);
	/* Decoded data is never longer than its line. */
	sr_buf_init(&st->data, st->max_line + 1);
	return (sr_reader_stream_open(r, "", 0, &st->s));
}

static void
cast_close(struct sr_reader *r)
{
	struct cast_state *st = r->state;

	json_decref(st->cur);
	json_decref(st->doc);
	st->cur = st->doc = NULL;
	sr_buf_release(&st->fix);
	sr_buf_release(&st->data);
	sr_stream_close(st->s);
	st->s = NULL;
}

static int
set_session_id(struct sr_reader *r, int *warned)
{
	const char *base = sr_basename(r->member);
	size_t len;

	if (base[0] == '\0')
		return (SR_OK);
	len = strip_suffixes(base, cast_suffixes);
	return (put_field(r, SR_F_SESSION_ID, base, len, warned));
}

static int
cast_next_session(struct sr_reader *r)
{
	struct cast_state *st = r->state;
	struct cast_scan sc;
	struct sr_loc loc;
	json_error_t jerr;
	const char *line;
	json_t *h = NULL;
	size_t len;
	int64_t dur;
	int s, complete, warned = 0, ver, too_long = 0;

	if (st->done)
		return (SR_EOF);
	st->done = 1;
	line_loc(&loc, 1, 0);
	memset(&sc, 0, sizeof(sc));
	s = sr_stream_getline(st->s, &line, &len, &complete, st->max_line);
	if (s == SR_EOF)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "empty file: no asciicast header"));
	if (s == SR_OK)
		h = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	else if (sr_stream_error(st->s)->cat == SR_E_LIMIT)
		too_long = 1;
	else
		return (sr_reader_errorf(r, SR_FAILED,
		    sr_stream_error(st->s)->cat, &loc, "cannot read header: %s",
		    sr_stream_error(st->s)->msg));
	if (h == NULL) {
		/* Maybe a v1 document over several lines. */
		h = load_v1(r, st, &s, &too_long);
		if (s != SR_OK)
			return (s);
		if (h == NULL && too_long)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, &loc,
			    "header longer than the line limit of %zu bytes",
			    st->max_line));
		if (h == NULL)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT,
			    &loc, "header is not JSON: %s", jerr.text));
		st->doc = h;
	} else if (json_is_object(h) && header_version(h) == 1)
		st->doc = h; /* a v1 document on one line */
	if (!json_is_object(h)) {
		json_decref(h);
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "header is not a JSON object"));
	}
	ver = header_version(h);
	if (ver < 1 || ver > 3) {
		if (h != st->doc)
			json_decref(h);
		if (ver == 0)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT,
			    &loc, "header has no integer version"));
		return (sr_reader_errorf(r, SR_FAILED, SR_E_UNSUPPORTED, &loc,
		    "unsupported asciicast version %d", ver));
	}
	st->version = ver;
	if ((s = set_session_id(r, &warned)) != SR_OK ||
	    (s = header_apply(r, st, h, &dur, &warned)) != SR_OK) {
		if (h != st->doc)
			json_decref(h);
		return (s);
	}
	if (h != st->doc)
		json_decref(h);
	if (ver == 1) {
		if (!json_is_array(json_object_get(st->doc, "stdout")))
			(void)header_warn(r, &warned, "lacks stdout frames");
		s = scan_frames(st, &sc);
	} else {
		st->line = 1;
		st->body_offset = sr_stream_offset(st->s);
		s = scan_lines(r, st, &sc);
		if (s == SR_OK &&
		    sr_stream_seek(st->s, st->body_offset) != SR_OK)
			s = sr_reader_errorf(r, SR_FAILED, SR_E_IO, NULL,
			    "cannot rewind: %s", sr_stream_error(st->s)->msg);
	}
	if (s != SR_OK)
		return (s);
	r->session.duration_ns = dur >= 0 ? dur : sc.end_ns;
	r->session.have |= SR_HAVE_DURATION;
	if (sc.have_exit) {
		r->session.exit_status = sc.exit_status;
		r->session.have |= SR_HAVE_EXIT;
	}
	if (sc.truncated || sr_stream_truncated(st->s))
		r->session.state = SR_STATE_INCOMPLETE;
	else if (sc.have_x)
		r->session.state = SR_STATE_COMPLETE;
	else
		r->session.state = SR_STATE_UNKNOWN;
	return (warned ? SR_WARN : SR_OK);
}

/*
 * Events.
 */

/* Returns the next piece of a data run, at most the event limit long. */
static void
emit_rest(struct sr_reader *r, struct cast_state *st)
{
	size_t n = st->rest_len < st->max_event ? st->rest_len : st->max_event;

	r->ev.type = st->rest_type;
	r->ev.stream = st->rest_stream;
	r->ev.t_ns = st->t_ns;
	r->ev.data = (const unsigned char *)st->rest;
	r->ev.len = n;
	r->ev.loc = st->rest_loc;
	st->rest += n;
	st->rest_len -= n;
}

/*
 * Fills r->ev from an event's code and data.  Returns 1 when an event is
 * ready, 0 when it is skipped.
 */
static int
make_event(struct sr_reader *r, struct cast_state *st, const char *code,
    size_t codelen, const char *d, size_t len, const struct sr_loc *loc,
    int *warned)
{
	if (codelen != 1 || strchr("oimrx", code[0]) == NULL)
		return (0); /* unknown codes are ignored, as the spec says */
	if (d == NULL) {
		*warned = 1;
		(void)sr_reader_warnf(r, loc, "event data is not a string");
		return (0);
	}
	r->ev.t_ns = st->t_ns;
	r->ev.loc.line = loc->line;
	r->ev.loc.offset = loc->offset;
	switch (code[0]) {
	case 'o':
	case 'i':
		st->rest_type = code[0] == 'o' ? SR_EV_OUTPUT : SR_EV_INPUT;
		st->rest_stream =
		    code[0] == 'o' ? SR_STREAM_TTYOUT : SR_STREAM_TTYIN;
		st->rest = d;
		st->rest_len = len;
		st->rest_loc = r->ev.loc;
		emit_rest(r, st);
		return (1);
	case 'r':
		if (parse_geometry(d, len, &r->ev.cols, &r->ev.rows) != 0) {
			*warned = 1;
			(void)sr_reader_warnf(r, loc,
			    "resize is not COLSxROWS");
			return (0);
		}
		r->ev.type = SR_EV_RESIZE;
		break;
	case 'm':
		r->ev.type = SR_EV_MARKER;
		break;
	default:
		if (parse_exit(d, len, &(int){ 0 }) != 0) {
			*warned = 1;
			(void)sr_reader_warnf(r, loc,
			    "exit status is not a number");
		}
		r->ev.type = SR_EV_END;
		break;
	}
	if (len > st->max_event) {
		*warned = 1;
		(void)sr_reader_warnf(r, loc,
		    "event data of %zu bytes exceeds the event limit", len);
		return (0);
	}
	r->ev.data = (const unsigned char *)d;
	r->ev.len = len;
	return (1);
}

/*
 * The fast path for the usual event line, [time, "code", "data"], which
 * decodes the data into st->data without building a JSON tree: jansson
 * costs more than everything else put together.  It accepts only what
 * jansson would accept the same way (numbers without leading zeros,
 * strings of valid UTF-8 without raw controls, escapes including paired
 * surrogates) and returns 0 for anything else, which then goes through
 * jansson and its warnings.  *code points into the line.
 */
/* The four hex digits at p[i], when there are four: 0 or -1. */
static int
hex4(const char *p, size_t len, size_t i, uint32_t *v)
{
	if (len - i < 4)
		return (-1);
	return (sr_hex4((const unsigned char *)p + i, v));
}

/* Appends code point u as UTF-8; u is valid (no surrogates). */
static int
put_utf8(struct sr_buf *b, uint32_t u)
{
	unsigned char o[4];

	return (sr_buf_append(b, o, sr_utf8_put(o, u)));
}

/*
 * Decodes the JSON string whose opening quote is at p[i - 1] into b;
 * returns the index after the closing quote, or 0 to give up.
 */
static size_t
fast_string(struct sr_buf *b, const char *p, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)p;
	uint32_t cp, lo;
	size_t j, n, sub;

	for (;;) {
		for (j = i; j < len && u[j] >= 0x20 && u[j] < 0x80 &&
		     u[j] != '"' && u[j] != '\\';
		     j++)
			;
		if (j > i && sr_buf_append(b, p + i, j - i) != SR_E_NONE)
			return (0);
		if ((i = j) >= len || u[i] < 0x20)
			return (0);
		if (u[i] == '"')
			return (i + 1);
		if (u[i] >= 0x80) {
			if ((n = sr_utf8_seq(u + i, len - i, &sub)) == 0 ||
			    sr_buf_append(b, p + i, n) != SR_E_NONE)
				return (0);
			i += n;
			continue;
		}
		/* A backslash. */
		if (++i >= len)
			return (0);
		if (p[i] != 'u') {
			int e = sr_json_escape(p[i++]);

			if (e < 0)
				return (0);
			cp = (uint32_t)e;
		} else {
			i++;
			if (hex4(p, len, i, &cp) != 0)
				return (0);
			i += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return (0);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (len - i < 6 || p[i] != '\\' ||
				    p[i + 1] != 'u' ||
				    hex4(p, len, i + 2, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return (0);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 6;
			}
		}
		if (put_utf8(b, cp) != SR_E_NONE)
			return (0);
	}
}

static int
fast_event(struct cast_state *st, const char *p, size_t len, int64_t *ns,
    int *neg, const char **code, size_t *codelen)
{
	size_t i, used = 0, k;

	i = skip_ws(p, len, 0);
	if (i >= len || p[i] != '[')
		return (0);
	i = skip_ws(p, len, i + 1);
	/* JSON has no leading zeros: "01" must reach jansson's error. */
	k = i < len && p[i] == '-' ? i + 1 : i;
	if (k + 1 < len && p[k] == '0' && is_digit(p[k + 1]))
		return (0);
	if (parse_secs(p + i, len - i, &used, ns, neg) != NUM_OK)
		return (0);
	i = skip_ws(p, len, i + used);
	if (i >= len || p[i] != ',')
		return (0);
	i = skip_ws(p, len, i + 1);
	if (i >= len || p[i] != '"')
		return (0);
	*code = p + ++i;
	for (k = i; k < len && p[k] != '"' && p[k] != '\\' &&
	     (unsigned char)p[k] >= 0x20 && (unsigned char)p[k] < 0x80;
	     k++)
		;
	if (k >= len || p[k] != '"')
		return (0);
	*codelen = k - i;
	i = skip_ws(p, len, k + 1);
	if (i >= len || p[i] != ',')
		return (0);
	i = skip_ws(p, len, i + 1);
	if (i >= len || p[i] != '"')
		return (0);
	sr_buf_reset(&st->data);
	if ((i = fast_string(&st->data, p, len, i + 1)) == 0)
		return (0);
	i = skip_ws(p, len, i);
	if (i >= len || p[i] != ']')
		return (0);
	return (skip_ws(p, len, i + 1) == len);
}

/* Advances the clock by an event's time; warns about odd times. */
static void
advance_time(struct sr_reader *r, struct cast_state *st, int num, int64_t ns,
    int neg, const struct sr_loc *loc, int *warned)
{
	if (num != NUM_OK) {
		*warned = 1;
		(void)sr_reader_warnf(r, loc, "event time out of range");
		return;
	}
	if (neg && ns != 0) {
		*warned = 1;
		(void)sr_reader_warnf(r, loc, "negative event %s",
		    st->version == 2 ? "time" : "interval");
		return;
	}
	if (st->version == 2) {
		if (ns < st->t_ns) {
			*warned = 1;
			(void)sr_reader_warnf(r, loc,
			    "event time goes backwards");
			return;
		}
		st->t_ns = ns;
	} else
		st->t_ns = sr_ns_add(st->t_ns, ns);
}

static int
next_line_event(struct sr_reader *r, struct cast_state *st, int *warned)
{
	struct sr_loc loc;
	const char *line, *text, *code;
	json_t *j, *t, *c, *d;
	size_t len, tlen, codelen;
	int64_t off, ns;
	int s, complete, num, neg;

	for (;;) {
		off = sr_stream_offset(st->s);
		s = sr_stream_getline(st->s, &line, &len, &complete,
		    st->max_line);
		if (s == SR_EOF)
			return (SR_EOF);
		st->line++;
		line_loc(&loc, st->line, off);
		if (s != SR_OK) {
			const struct sr_error *e = sr_stream_error(st->s);

			if (e->cat == SR_E_LIMIT)
				return (sr_reader_errorf(r, SR_FAILED,
				    SR_E_LIMIT, &loc,
				    "line longer than the line limit of %zu "
				    "bytes",
				    st->max_line));
			return (sr_reader_errorf(r, SR_FAILED, e->cat, &loc,
			    "cannot read: %s", e->msg));
		}
		if (skip_ws(line, len, 0) == len)
			continue; /* blank lines are tolerated */
		if (st->version == 3 && line[0] == '#')
			continue; /* a comment */
		if (fast_event(st, line, len, &ns, &neg, &code, &codelen)) {
			advance_time(r, st, NUM_OK, ns, neg, &loc, warned);
			if (make_event(r, st, code, codelen, st->data.data,
				st->data.len, &loc, warned))
				return (SR_OK);
			continue;
		}
		s = parse_line(r, st, line, len, complete, &loc, &j, &text,
		    &tlen, warned);
		if (s < 0)
			return (s);
		if (s == 0)
			continue;
		if (!json_is_array(j) || json_array_size(j) < 3) {
			json_decref(j);
			*warned = 1;
			(void)sr_reader_warnf(r, &loc,
			    "event is not an array of time, code and data");
			continue;
		}
		t = json_array_get(j, 0);
		c = json_array_get(j, 1);
		if (!json_is_number(t) || !json_is_string(c)) {
			*warned = 1;
			(void)sr_reader_warnf(r, &loc, "event %s",
			    !json_is_number(t) ? "time is not a number"
					       : "code is not a string");
			json_decref(j);
			continue;
		}
		num = event_time(text, tlen, &ns, &neg);
		advance_time(r, st, num, ns, neg, &loc, warned);
		d = json_array_get(j, 2);
		if (make_event(r, st, json_string_value(c),
			json_string_length(c), json_string_value(d),
			json_string_length(d), &loc, warned)) {
			st->cur = j;
			return (SR_OK);
		}
		json_decref(j);
	}
}

static int
next_frame_event(struct sr_reader *r, struct cast_state *st, int *warned)
{
	const json_t *out = json_object_get(st->doc, "stdout");
	struct sr_loc loc;
	json_t *f;
	int64_t ns;

	sr_loc_clear(&loc);
	while (st->frame < json_array_size(out)) {
		f = json_array_get(out, st->frame++);
		if (!json_is_array(f) ||
		    !json_is_number(json_array_get(f, 0)) ||
		    !json_is_string(json_array_get(f, 1))) {
			*warned = 1;
			(void)sr_reader_warnf(r, &loc,
			    "frame %zu is not [delay, data]", st->frame);
			continue;
		}
		if (json_secs(json_array_get(f, 0), &ns) != 0) {
			*warned = 1;
			(void)sr_reader_warnf(r, &loc,
			    "frame %zu: delay negative or out of range",
			    st->frame);
		} else
			st->t_ns = sr_ns_add(st->t_ns, ns);
		if (make_event(r, st, "o", 1,
			json_string_value(json_array_get(f, 1)),
			json_string_length(json_array_get(f, 1)), &loc, warned))
			return (SR_OK);
	}
	return (SR_EOF);
}

static int
cast_next_event(struct sr_reader *r)
{
	struct cast_state *st = r->state;
	int s, warned = 0;

	if (st->rest_len > 0) {
		emit_rest(r, st);
		return (SR_OK);
	}
	json_decref(st->cur);
	st->cur = NULL;
	if (st->version == 1)
		s = next_frame_event(r, st, &warned);
	else
		s = next_line_event(r, st, &warned);
	if (s == SR_OK && warned)
		s = SR_WARN;
	return (s);
}

/* One session per file: nothing to skip. */
static int
cast_skip_session(struct sr_reader *r)
{
	(void)r;
	return (SR_OK);
}

/*
 * Evidence: the first line is a JSON object whose "version" is 2 (with
 * width and height) or 3 (with a term object): certain, 100.  A JSON
 * object with "version" 1 and "stdout" frames is v1: 90.  A v2 or v3
 * header lacking its size keys still gets 60, above the weak formats.  A
 * first line that is not a complete JSON value but starts a "{" holding
 * "version": 1 and "stdout" within the first 64 KiB is a v1 document too
 * long to parse here: 70.
 */
static int
v1_sniff(const unsigned char *p, size_t n)
{
	const char *s = (const char *)p, *v;
	size_t i = skip_ws(s, n, 0), vl = strlen("\"version\"");

	if (i >= n || s[i] != '{')
		return (0);
	for (v = s + i; (v = memchr(v, '"', n - (size_t)(v - s))) != NULL;
	     v++) {
		size_t k = (size_t)(v - s);

		if (n - k < vl || memcmp(v, "\"version\"", vl) != 0)
			continue;
		k = skip_ws(s, n, k + vl);
		if (k >= n || s[k] != ':')
			continue;
		k = skip_ws(s, n, k + 1);
		if (k + 1 < n && s[k] == '1' && !is_digit(s[k + 1]))
			return (memmem(s, n, "\"stdout\"", 8) != NULL);
	}
	return (0);
}

static int
cast_probe(struct sr_probe *p)
{
	const unsigned char *d, *nl;
	json_error_t jerr;
	json_t *j, *term;
	size_t avail, n;
	int bid = 0, ver;

	if ((d = sr_probe_peek(p, CAST_PEEK, &avail)) == NULL || avail == 0)
		return (0);
	/* Cheap refusal of anything that cannot start a JSON object. */
	n = skip_ws((const char *)d, avail, 0);
	if (n >= avail || d[n] != '{')
		return (0);
	nl = memchr(d, '\n', avail);
	n = nl != NULL ? (size_t)(nl - d) : avail;
	if ((j = json_loadb((const char *)d, n, JSON_ALLOW_NUL, &jerr)) == NULL)
		return (v1_sniff(d, avail) ? 70 : 0);
	if (json_is_object(j)) {
		ver = header_version(j);
		term = json_object_get(j, "term");
		if (ver == 2)
			bid = json_is_integer(json_object_get(j, "width")) &&
				json_is_integer(json_object_get(j, "height"))
			    ? 100
			    : 60;
		else if (ver == 3)
			bid = json_is_object(term) ? 100 : 60;
		else if (ver == 1 &&
		    json_is_array(json_object_get(j, "stdout")))
			bid = 90;
	}
	json_decref(j);
	return (bid);
}

const struct sr_format sr_fmt_asciicast = {
	.name = "asciicast",
	.description = "asciicast v1, v2 and v3 (asciinema)",
	.suffixes = cast_suffixes,
	.caps = SR_FMT_READ,
	.state_size = sizeof(struct cast_state),

	.probe = cast_probe,
	.open = cast_open,
	.close = cast_close,
	.next_session = cast_next_session,
	.next_event = cast_next_event,
	.skip_session = cast_skip_session,
};
