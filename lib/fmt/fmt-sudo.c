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
 * The sudo I/O log reader.  A session is a directory written by the
 * sudoers I/O plugin or by sudo_logsrvd (FORMATS.md section 3):
 *
 *	log		legacy metadata, 3+ lines, never compressed
 *	log.json	metadata as JSON (sudo 1.9.0+), never compressed
 *	timing		the only index: one record per line, maybe gzip'd
 *	stdin stdout stderr ttyin ttyout
 *			raw bytes of each stream, concatenated, maybe gzip'd
 *
 * The timing grammar (delays are relative to the previous record):
 *
 *	timing = *record
 *	record = event SP delay SP args [LF]	; LF optional on the last
 *	event  = 1*DIGIT			; 0..7, see below
 *	delay  = 1*DIGIT [ "." 1*DIGIT ]	; seconds, any fraction digits
 *	args   = nbytes			; events 0-4: stdin stdout stderr
 *						;   ttyin ttyout
 *	       / lines SP cols		; event 5: window change, rows first
 *	       / signal			; event 7: TSTP CONT TTOU TTIN STOP,
 *						;   with or without "SIG", or a number
 *
 * Event 6 only exists in files of sudo 1.8.7, which wrote every event
 * number plus 2; like sudo 1.9.13 we read it as tty output and subtract 2
 * from every later record.
 *
 * Completion: sudo clears the write bits of timing when the session
 * ends, so those bits are the only "finished" marker.  Duration is the
 * sum of the delays (the time of the last record) unless sudo_logsrvd
 * stored run_time.  Decoding of gzip'd members is the input layer's job.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "compat.h"
#include "sr-private.h"

#define SUDO_NSTREAMS 5
/* Consecutive unreadable timing lines before the session is given up. */
#define SUDO_MAX_BAD 32
/* The longest delay accepted, in whole seconds (about 292 years). */
#define SUDO_MAX_DELAY_S (INT64_MAX / SR_NSEC_PER_SEC - 1)
/*
 * Arrays (runenv) are kept as one extra, one entry a line, cut to this
 * share of the meta limit: 10,000 listed sessions stay small and the rest
 * of the metadata always fits.
 */
#define SUDO_RUNENV_SHARE 4

static const struct {
	const char *file;
	enum sr_event_type type;
	enum sr_stream_id id;
} streams[SUDO_NSTREAMS] = {
	{ "stdin", SR_EV_INPUT, SR_STREAM_STDIN },
	{ "stdout", SR_EV_OUTPUT, SR_STREAM_STDOUT },
	{ "stderr", SR_EV_OUTPUT, SR_STREAM_STDERR },
	{ "ttyin", SR_EV_INPUT, SR_STREAM_TTYIN },
	{ "ttyout", SR_EV_OUTPUT, SR_STREAM_TTYOUT },
};

enum {
	SUDO_EV_WINSIZE = 5,
	SUDO_EV_TTYOUT_187 = 6,
	SUDO_EV_SUSPEND = 7,
};

/* One parsed timing record. */
struct timing_rec {
	int event; /* after the 1.8.7 adjustment */
	int64_t delay_ns;
	uint64_t nbytes;     /* events 0-4 */
	unsigned rows, cols; /* event 5 */
	char sig[16];	     /* event 7: name without "SIG" */
	int suspend;	     /* event 7: 1 suspend, 0 resume */
};

struct sudo_data {
	struct sr_stream *s;
	int tried;     /* open attempted */
	int missing;   /* absent or unreadable: records are dropped */
	int exhausted; /* ended before the timing said: warned once */
};

struct sudo_state {
	char *dir;	   /* session directory in the input, "" for the top */
	char *timing_name; /* full member name of timing, for locations */
	struct sr_stream *timing;
	struct sudo_data data[SUDO_NSTREAMS];
	unsigned char *buf; /* event data, up to the event limit */
	size_t bufcap;
	int returned; /* the one session was handed out (or failed) */
	int adj;      /* 2 after an event 6 (sudo 1.8.7 files) */
	int warned6;
	int trunc_warned;
	int64_t t_ns;
	int64_t line;	  /* last timing line read, 1-based */
	int64_t line_off; /* its offset in the decoded timing */
	unsigned bad;	  /* consecutive bad lines */
	/* A data record being returned in pieces. */
	int pend_idx;
	uint64_t pend_left, pend_total, pend_done;
	int64_t pend_line, pend_off;
	int gap;       /* the next event follows lost data */
	int end_state; /* 0 none, 1 an END event is due, 2 sent */
	char end_text[32];
	char sig[16];		    /* data of a suspend or resume event */
	struct sr_error timing_err; /* why timing cannot be read, if so */
	int timing_bad;
};

/* Whether dir ("" for the top) holds a member called name. */
static int
has_file(const struct sr_probe *p, const char *dir, size_t dl, const char *name)
{
	char buf[SR_MEMBER_MAX * 2];
	int n;

	if (dl > 0)
		n = snprintf(buf, sizeof(buf), "%.*s/%s", (int)dl, dir, name);
	else
		n = snprintf(buf, sizeof(buf), "%s", name);
	return (n >= 0 && (size_t)n < sizeof(buf) &&
	    sr_input_find(p->in, buf) != NULL);
}

/* Whether the directory dir[0..dl) is a session; see sudo_probe. */
static int
is_session_dir(const struct sr_probe *p, const char *dir, size_t dl)
{
	size_t i;

	if (!has_file(p, dir, dl, "timing"))
		return (0);
	if (has_file(p, dir, dl, "log.json"))
		return (1);
	if (!has_file(p, dir, dl, "log"))
		return (0);
	for (i = 0; i < SUDO_NSTREAMS; i++)
		if (has_file(p, dir, dl, streams[i].file))
			return (1);
	return (0);
}

/*
 * Evidence: sudo names its files, so the names alone decide, which keeps
 * probing a tree of 10,000 sessions as cheap as listing it.  A directory
 * holding "timing" and "log.json" is a session.  "log" plus "timing" is
 * also what util-linux script users like to call their files, so a
 * log.json-less directory also needs one of sudo's five data files.
 * The probed member is one of those files, or, when a caller names a
 * directory as the recording's root ("" or "00/00/01"), the directory.
 */
static int
sudo_probe(struct sr_probe *p)
{
	const char *b = sr_probe_basename(p);
	size_t dl;

	if (strcmp(b, "log") == 0 || strcmp(b, "log.json") == 0 ||
	    strcmp(b, "timing") == 0)
		dl = sr_dirlen(p->member);
	else if (sr_input_find(p->in, p->member) == NULL)
		dl = strlen(p->member);
	else
		return (0);
	return (is_session_dir(p, p->member, dl) ? 100 : 0);
}

/* The session is the directory: claim everything directly inside it. */
static int
sudo_claim(struct sr_probe *p, struct sr_claim *c)
{
	size_t dl = sr_dirlen(p->member);

	if (sr_input_find(p->in, p->member) == NULL)
		dl = strlen(p->member);
	if ((c->root = sr_strndup(p->member, dl)) == NULL)
		return (SR_FATAL);
	c->claim_dir = 1;
	return (SR_OK);
}

/* Full member name of a file of the session directory; caller frees. */
static char *
member_name(const struct sudo_state *st, const char *file)
{
	size_t dl = strlen(st->dir), fl = strlen(file);
	char *p;

	if ((p = malloc(dl + fl + 2)) == NULL)
		return (NULL);
	if (dl > 0) {
		memcpy(p, st->dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, file, fl + 1);
	return (p);
}

static const struct sr_member *
find_file(const struct sr_reader *r, const struct sudo_state *st,
    const char *file)
{
	const struct sr_member *m;
	char *name;

	if ((name = member_name(st, file)) == NULL)
		return (NULL);
	/* Stat it: the mode of timing tells whether sudo finished. */
	m = sr_input_stat(r->in, name);
	free(name);
	return (m);
}

/* Opens a file of the session; the reader's error is set on failure. */
static int
open_file(struct sr_reader *r, struct sudo_state *st, const char *file,
    struct sr_stream **sp)
{
	char *name;
	int s;

	*sp = NULL;
	if ((name = member_name(st, file)) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	s = sr_stream_open(r->in, name, 0, sp, &r->err);
	free(name);
	if (s != SR_OK)
		*sp = NULL;
	return (s);
}

static void
file_loc(const struct sudo_state *st, const char *file, struct sr_loc *loc)
{
	char *name;

	sr_loc_clear(loc);
	if ((name = member_name(st, file)) != NULL) {
		sr_loc_set_member(loc, name);
		free(name);
	}
}

static void
timing_loc(const struct sudo_state *st, struct sr_loc *loc)
{
	sr_loc_clear(loc);
	sr_loc_set_member(loc, st->timing_name);
	loc->line = st->line;
	loc->offset = st->line_off;
}

static int
sudo_open(struct sr_reader *r)
{
	struct sudo_state *st = r->state;
	const struct sr_member *m;

	/*
	 * The root is normally the session directory, but a caller may
	 * name one of its files (sessrec play DIR/timing, or a forced
	 * format on a member): then the directory is the one holding it.
	 */
	m = r->member[0] != '\0' ? sr_input_find(r->in, r->member) : NULL;
	if (m != NULL)
		st->dir = sr_strndup(r->member, sr_dirlen(r->member));
	else
		st->dir = sr_strdup(r->member);
	if (st->dir == NULL ||
	    (st->timing_name = member_name(st, "timing")) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	st->pend_idx = -1;
	return (SR_OK);
}

static void
close_streams(struct sudo_state *st)
{
	size_t i;

	sr_stream_close(st->timing);
	st->timing = NULL;
	for (i = 0; i < SUDO_NSTREAMS; i++) {
		sr_stream_close(st->data[i].s);
		st->data[i].s = NULL;
	}
}

static void
sudo_close(struct sr_reader *r)
{
	struct sudo_state *st = r->state;

	if (st == NULL)
		return;
	close_streams(st);
	free(st->buf);
	free(st->dir);
	free(st->timing_name);
}

/*
 * Timing records.
 */

static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return (p);
}

/* The next field: a run of characters up to a blank. */
static const char *
next_field(const char **pp, const char *end, size_t *len)
{
	const char *p = skip_blanks(*pp, end), *f = p;

	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*len = (size_t)(p - f);
	*pp = p;
	return (f);
}

/* "12", "0.004190789", "1.5": seconds with any number of decimals. */
static int
parse_delay(const char *s, size_t len, int64_t *ns)
{
	uint64_t sec = 0, frac = 0, scale = SR_NSEC_PER_SEC;
	size_t i = 0, nd = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (sec > (SUDO_MAX_DELAY_S - (uint64_t)(s[i] - '0')) / 10)
			return (-1);
		sec = sec * 10 + (uint64_t)(s[i++] - '0');
		nd++;
	}
	if (nd == 0)
		return (-1);
	if (i < len) {
		if (s[i++] != '.' || i == len)
			return (-1);
		for (; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return (-1);
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(s[i] - '0') * scale;
			}
		}
	}
	*ns = (int64_t)(sec * SR_NSEC_PER_SEC + frac);
	return (0);
}

/* Maps a suspend/resume signal to its name; -1 when not one of them. */
static int
parse_signal(const char *s, size_t len, struct timing_rec *rec)
{
	static const struct {
		const char *name;
		int num;
		int suspend;
	} sigs[] = {
		{ "TSTP", SIGTSTP, 1 },
		{ "TTOU", SIGTTOU, 1 },
		{ "TTIN", SIGTTIN, 1 },
		{ "STOP", SIGSTOP, 1 },
		{ "CONT", SIGCONT, 0 },
	};
	uint64_t num;
	size_t i;
	int isnum;

	if (len > 3 && memcmp(s, "SIG", 3) == 0) {
		s += 3;
		len -= 3;
	}
	/* sudo 1.8.26 and 1.8.27 wrote the host's signal numbers. */
	isnum = sr_parse_u64(s, len, 255, &num) == 0;
	for (i = 0; i < nitems(sigs); i++) {
		if (isnum ? (int)num == sigs[i].num
			  : strlen(sigs[i].name) == len &&
			    memcmp(sigs[i].name, s, len) == 0) {
			(void)strlcpy(rec->sig, sigs[i].name, sizeof(rec->sig));
			rec->suspend = sigs[i].suspend;
			return (0);
		}
	}
	return (-1);
}

/*
 * Parses one timing line.  *adj is the 1.8.7 adjustment, switched on by
 * an event 6.  Returns 0, or -1 with *why set.
 */
static int
parse_timing(const char *line, size_t len, int *adj, struct timing_rec *rec,
    const char **why)
{
	const char *p = line, *end = line + len, *f;
	uint64_t ev, n;
	size_t fl;

	/* A CR before the LF and blanks at the end are harmless. */
	while (
	    end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	memset(rec, 0, sizeof(*rec));
	f = next_field(&p, end, &fl);
	if (fl == 0) {
		*why = "empty timing line";
		return (-1);
	}
	if (sr_parse_u64(f, fl, 1000, &ev) != 0) {
		*why = "bad event number in timing line";
		return (-1);
	}
	if (ev > SUDO_EV_SUSPEND) {
		*why = "unknown timing event";
		return (-1);
	}
	if (ev == SUDO_EV_TTYOUT_187)
		*adj = 2;
	if ((int)ev < *adj) {
		*why = "bad event number after a sudo 1.8.7 event 6";
		return (-1);
	}
	rec->event = (int)ev - *adj;
	f = next_field(&p, end, &fl);
	if (fl == 0 || parse_delay(f, fl, &rec->delay_ns) != 0) {
		*why = "bad delay in timing line";
		return (-1);
	}
	f = next_field(&p, end, &fl);
	switch (rec->event) {
	case SUDO_EV_WINSIZE:
		if (sr_parse_u64(f, fl, 65535, &n) != 0 || n == 0) {
			*why = "bad window size in timing line";
			return (-1);
		}
		rec->rows = (unsigned)n;
		f = next_field(&p, end, &fl);
		if (sr_parse_u64(f, fl, 65535, &n) != 0 || n == 0) {
			*why = "bad window size in timing line";
			return (-1);
		}
		rec->cols = (unsigned)n;
		break;
	case SUDO_EV_SUSPEND:
		if (fl == 0 || parse_signal(f, fl, rec) != 0) {
			*why = "bad signal in timing line";
			return (-1);
		}
		break;
	default:
		if (sr_parse_u64(f, fl, INT64_MAX, &rec->nbytes) != 0) {
			*why = "bad byte count in timing line";
			return (-1);
		}
		break;
	}
	if (skip_blanks(p, end) != end) {
		*why = "junk at the end of a timing line";
		return (-1);
	}
	return (0);
}

/*
 * Metadata.
 */

/* Sets a field; a value over the meta limit is dropped with a warning. */
static int
set_field(struct sr_reader *r, enum sr_field f, const char *v, size_t len)
{
	int s = sr_session_set(&r->session, f, v, len);

	if (s == SR_FAILED)
		return (sr_reader_warnf(r, NULL,
		    "%s dropped: metadata over the meta limit",
		    sr_field_name(f)));
	if (s == SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	return (SR_OK);
}

static int
add_extra(struct sr_reader *r, const char *key, const char *v, size_t len)
{
	char k[128];
	int s;

	(void)snprintf(k, sizeof(k), "sudo.%s", key);
	s = sr_session_add_extra(&r->session, k, v, len);
	if (s == SR_FAILED)
		return (sr_reader_warnf(r, NULL,
		    "%s dropped: metadata over the meta limit", k));
	if (s == SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	return (SR_OK);
}

/*
 * Reads a whole small member into b (bounded by b->max).  SR_OK,
 * SR_FAILED with the reader's error set, or SR_FATAL.
 */
static int
slurp(struct sr_reader *r, struct sudo_state *st, const char *file,
    struct sr_buf *b)
{
	struct sr_stream *s;
	struct sr_loc loc;
	char tmp[4096];
	size_t got;
	int e;

	if ((e = open_file(r, st, file, &s)) != SR_OK)
		return (e);
	for (;;) {
		if (sr_stream_read(s, tmp, sizeof(tmp), &got) != SR_OK) {
			sr_error_clear(&r->err);
			r->err = *sr_stream_error(s);
			sr_stream_close(s);
			return (SR_FAILED);
		}
		if (got == 0)
			break;
		if ((e = sr_buf_append(b, tmp, got)) != SR_E_NONE) {
			sr_stream_close(s);
			file_loc(st, file, &loc);
			if (e == SR_E_NOMEM)
				return (sr_reader_errorf(r, SR_FATAL,
				    SR_E_NOMEM, &loc, "out of memory"));
			return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, &loc,
			    "%s is longer than %zu bytes", file, b->max));
		}
	}
	sr_stream_close(s);
	return (SR_OK);
}

/*
 * log.json may hold raw bytes that are not UTF-8 (sudo copies bytes >=
 * 0x80 unvalidated), which jansson rejects.  Each such byte is mapped to
 * a code point of Supplementary Private Use Area-B, U+10FE00 + byte, and
 * mapped back after parsing, so that the session keeps the bytes sudo
 * recorded (as the legacy log does).  The validity rules are jansson's:
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0], need, i;
	uint32_t cp;

	if (c < 0x80)
		return (1);
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
	} else
		return (0);
	if (len < need + 1)
		return (0);
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	return (need + 1);
}

/* Returns the number of bytes replaced, or -1 when out of memory/limit. */
static long
utf8_sanitize(const struct sr_buf *in, struct sr_buf *out)
{
	const unsigned char *s = (const unsigned char *)in->data;
	size_t i = 0, n, run;
	long nbad = 0;

	while (i < in->len) {
		for (run = i; run < in->len && s[run] < 0x80; run++)
			;
		if (run > i && sr_buf_append(out, s + i, run - i) != 0)
			return (-1);
		if ((i = run) >= in->len)
			break;
		if ((n = utf8_len(s + i, in->len - i)) > 0) {
			if (sr_buf_append(out, s + i, n) != 0)
				return (-1);
			i += n;
			continue;
		}
		{
			unsigned char m[4];

			m[0] = 0xf4;
			m[1] = 0x8f;
			m[2] = (unsigned char)(0xba | (s[i] >> 6 & 1));
			m[3] = (unsigned char)(0x80 | (s[i] & 0x3f));
			if (sr_buf_append(out, m, 4) != 0)
				return (-1);
		}
		nbad++;
		i++;
	}
	return (nbad);
}

/* Undoes utf8_sanitize in place; returns the new length. */
static size_t
utf8_unmap(char *p, size_t len)
{
	unsigned char *s = (unsigned char *)p;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == 0xf4 && i + 3 < len && s[i + 1] == 0x8f &&
		    (s[i + 2] & 0xfe) == 0xba && (s[i + 3] & 0xc0) == 0x80) {
			s[o++] = (unsigned char)(0x80 | (s[i + 2] & 1) << 6 |
			    (s[i + 3] & 0x3f));
			i += 3;
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return (o);
}

/* Context for reading log.json values. */
struct jctx {
	struct sr_reader *r;
	int mapped; /* the sanitizer replaced bytes */
	struct sr_loc loc;
};

/* A heap copy of a JSON string with mapped bytes restored; free(). */
static char *
jstr(const struct jctx *j, const json_t *v, size_t *lenp)
{
	size_t len = json_string_length(v);
	char *p;

	if ((p = sr_strndup(json_string_value(v), len)) == NULL)
		return (NULL);
	if (j->mapped)
		len = utf8_unmap(p, len);
	if (lenp != NULL)
		*lenp = len;
	return (p);
}

static int
set_jfield(struct jctx *j, enum sr_field f, const json_t *v, const char *key)
{
	size_t len;
	char *s;
	int e;

	if (!json_is_string(v))
		return (
		    sr_reader_warnf(j->r, &j->loc, "%s is not a string", key));
	if ((s = jstr(j, v, &len)) == NULL)
		return (sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	e = set_field(j->r, f, s, len);
	free(s);
	return (e);
}

/* {"seconds":N,"nanoseconds":N} as nanoseconds; -1 when malformed. */
static int
jtime(const json_t *v, int64_t *ns)
{
	const json_t *s = json_object_get(v, "seconds");
	const json_t *n = json_object_get(v, "nanoseconds");
	json_int_t sec, nsec;

	if (!json_is_integer(s) || !json_is_integer(n))
		return (-1);
	sec = json_integer_value(s);
	nsec = json_integer_value(n);
	if (sec < 0 || sec > SUDO_MAX_DELAY_S || nsec < 0 ||
	    nsec >= SR_NSEC_PER_SEC)
		return (-1);
	*ns = (int64_t)sec * SR_NSEC_PER_SEC + (int64_t)nsec;
	return (0);
}

/*
 * An array of strings joined by '\n' into b, cut at an entry boundary
 * when b would pass its maximum.  Returns the entries left out, -1 when
 * the array holds something else, -2 when out of memory.
 */
static long
jjoin(const struct jctx *j, const json_t *a, struct sr_buf *b)
{
	const json_t *v;
	size_t i, len, before;
	long left = 0;
	char *s;

	for (i = 0; i < json_array_size(a); i++) {
		v = json_array_get(a, i);
		if (!json_is_string(v))
			return (-1);
		if (left > 0) {
			left++;
			continue;
		}
		if ((s = jstr(j, v, &len)) == NULL)
			return (-2);
		before = b->len;
		if ((i > 0 && sr_buf_putc(b, '\n') != 0) ||
		    sr_buf_append(b, s, len) != 0) {
			/* Drop the separator of the entry that did not fit. */
			b->len = before;
			b->data[b->len] = '\0';
			left++;
		}
		free(s);
	}
	return (left);
}

static int
j_argv(struct jctx *j, const json_t *v)
{
	const json_t *e;
	char **argv;
	size_t i, n;
	int st = SR_OK;

	if (!json_is_array(v))
		return (
		    sr_reader_warnf(j->r, &j->loc, "runargv is not an array"));
	n = json_array_size(v);
	if ((argv = calloc(n + 1, sizeof(*argv))) == NULL)
		return (sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		if (!json_is_string(e)) {
			st = sr_reader_warnf(j->r, &j->loc,
			    "runargv holds a non-string");
			goto out;
		}
		if ((argv[i] = jstr(j, e, NULL)) == NULL) {
			st = sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory");
			goto out;
		}
	}
	st = sr_session_set_argv(&j->r->session, (const char *const *)argv, n);
	if (st == SR_FAILED)
		st = sr_reader_warnf(j->r, NULL,
		    "argv dropped: metadata over the meta limit");
	else if (st == SR_FATAL)
		st = sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory");
out:
	for (i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return (st);
}

/* Finds TERM= in runenv. */
static int
j_term(struct jctx *j, const json_t *v)
{
	const json_t *e;
	size_t i, len;
	char *s;
	int st;

	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		if (!json_is_string(e) ||
		    strncmp(json_string_value(e), "TERM=", 5) != 0)
			continue;
		if ((s = jstr(j, e, &len)) == NULL)
			return (sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM,
			    NULL, "out of memory"));
		st = set_field(j->r, SR_F_TERM, s + 5, len - 5);
		free(s);
		return (st);
	}
	return (SR_OK);
}

/* Any other member, as an extra "sudo.<key>". */
static int
j_extra(struct jctx *j, const char *key, const json_t *v)
{
	struct sr_buf b;
	int64_t ns;
	long left;
	char num[64], *s;
	size_t len, max;
	int st;

	switch (json_typeof(v)) {
	case JSON_STRING:
		if ((s = jstr(j, v, &len)) == NULL)
			return (sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM,
			    NULL, "out of memory"));
		st = add_extra(j->r, key, s, len);
		free(s);
		return (st);
	case JSON_INTEGER:
		(void)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return (add_extra(j->r, key, num, strlen(num)));
	case JSON_REAL:
		(void)snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return (add_extra(j->r, key, num, strlen(num)));
	case JSON_TRUE:
		return (add_extra(j->r, key, "true", 4));
	case JSON_FALSE:
		return (add_extra(j->r, key, "false", 5));
	case JSON_NULL:
		return (add_extra(j->r, key, "", 0));
	case JSON_OBJECT:
		/* iolog_offset and friends are timespecs. */
		if (jtime(v, &ns) == 0) {
			(void)snprintf(num, sizeof(num), "%lld.%09lld",
			    (long long)(ns / SR_NSEC_PER_SEC),
			    (long long)(ns % SR_NSEC_PER_SEC));
			return (add_extra(j->r, key, num, strlen(num)));
		}
		if ((s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
			return (sr_reader_errorf(j->r, SR_FATAL, SR_E_NOMEM,
			    NULL, "out of memory"));
		len = strlen(s);
		if (j->mapped)
			len = utf8_unmap(s, len);
		st = add_extra(j->r, key, s, len);
		free(s);
		return (st);
	case JSON_ARRAY:
		/*
		 * runenv is worth keeping (PATH, LANG, SUDO_COMMAND) but can
		 * be large; a share of the meta limit keeps 10,000 listed
		 * sessions small and leaves room for everything else.
		 */
		max = j->r->session.meta_max / SUDO_RUNENV_SHARE;
		sr_buf_init(&b, max > 0 ? max : 16384);
		if ((left = jjoin(j, v, &b)) < 0) {
			sr_buf_release(&b);
			if (left == -2)
				return (sr_reader_errorf(j->r, SR_FATAL,
				    SR_E_NOMEM, NULL, "out of memory"));
			return (sr_reader_warnf(j->r, &j->loc,
			    "%s is not an array of strings", key));
		}
		st = add_extra(j->r, key, b.data, b.len);
		sr_buf_release(&b);
		/*
		 * A big environment is legitimate, so no warning: the
		 * count of entries left out says the list is not whole.
		 */
		if (st == SR_OK && left > 0) {
			char k[96];

			(void)snprintf(k, sizeof(k), "%s_omitted", key);
			(void)snprintf(num, sizeof(num), "%ld", left);
			st = add_extra(j->r, k, num, strlen(num));
		}
		return (st);
	}
	return (SR_OK);
}

static int
worst(int a, int b)
{
	return (a < b ? a : b);
}

/* Fills the session from a parsed log.json. */
static int
use_json(struct jctx *j, json_t *root)
{
	struct sr_session *s = &j->r->session;
	const char *key;
	json_t *v;
	void *it;
	int st = SR_OK;
	int64_t ns;

	for (it = json_object_iter(root); it != NULL;
	     it = json_object_iter_next(root, it)) {
		key = json_object_iter_key(it);
		v = json_object_iter_value(it);
		if (st == SR_FATAL)
			break;
		if (strcmp(key, "timestamp") == 0) {
			if (jtime(v, &ns) == 0) {
				s->start_ns = ns;
				s->have |= SR_HAVE_START;
			} else
				st = worst(st,
				    sr_reader_warnf(j->r, &j->loc,
					"timestamp is malformed"));
		} else if (strcmp(key, "submituser") == 0)
			st = worst(st, set_jfield(j, SR_F_ACTOR, v, key));
		else if (strcmp(key, "runuser") == 0)
			st = worst(st, set_jfield(j, SR_F_TARGET, v, key));
		else if (strcmp(key, "submithost") == 0)
			st = worst(st, set_jfield(j, SR_F_HOST, v, key));
		else if (strcmp(key, "submitcwd") == 0)
			st = worst(st, set_jfield(j, SR_F_CWD, v, key));
		else if (strcmp(key, "ttyname") == 0)
			st = worst(st, set_jfield(j, SR_F_TTY, v, key));
		else if (strcmp(key, "command") == 0)
			st = worst(st, set_jfield(j, SR_F_COMMAND, v, key));
		else if (strcmp(key, "runargv") == 0)
			st = worst(st, j_argv(j, v));
		else if (strcmp(key, "lines") == 0 ||
		    strcmp(key, "columns") == 0) {
			json_int_t n = json_integer_value(v);

			if (!json_is_integer(v) || n < 1 || n > 65535) {
				st = worst(st,
				    sr_reader_warnf(j->r, &j->loc,
					"%s is not a terminal size", key));
				continue;
			}
			if (key[0] == 'l')
				s->rows = (unsigned)n;
			else
				s->cols = (unsigned)n;
		} else if (strcmp(key, "run_time") == 0) {
			if (jtime(v, &ns) == 0) {
				s->duration_ns = ns;
				s->have |= SR_HAVE_DURATION;
			} else
				st = worst(st,
				    sr_reader_warnf(j->r, &j->loc,
					"run_time is malformed"));
		} else if (strcmp(key, "exit_value") == 0) {
			json_int_t n = json_integer_value(v);

			if (!json_is_integer(v) || n < INT_MIN || n > INT_MAX)
				st = worst(st,
				    sr_reader_warnf(j->r, &j->loc,
					"exit_value is not an integer"));
			else {
				s->exit_status = (int)n;
				s->have |= SR_HAVE_EXIT;
			}
		} else if (strcmp(key, "signal") == 0 && json_is_string(v)) {
			(void)strlcpy(s->exit_signal, json_string_value(v),
			    sizeof(s->exit_signal));
			s->have |= SR_HAVE_SIGNAL;
		} else {
			if (strcmp(key, "runenv") == 0 && json_is_array(v))
				st = worst(st, j_term(j, v));
			if (st != SR_FATAL)
				st = worst(st, j_extra(j, key, v));
		}
	}
	if (s->rows > 0 && s->cols > 0)
		s->have |= SR_HAVE_GEOMETRY;
	else
		s->rows = s->cols = 0;
	return (st);
}

/*
 * Reads log.json.  SR_OK or SR_WARN when the session was filled,
 * SR_FAILED when the file is missing or unusable (a warning was given
 * when it exists), SR_FATAL.
 */
static int
read_json(struct sr_reader *r, struct sudo_state *st)
{
	struct sr_buf raw, clean;
	const struct sr_buf *use = &raw;
	struct jctx j;
	json_error_t jerr;
	json_t *root;
	size_t max = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	long nbad = 0;
	int e;

	if (find_file(r, st, "log.json") == NULL)
		return (SR_FAILED);
	memset(&j, 0, sizeof(j));
	j.r = r;
	file_loc(st, "log.json", &j.loc);
	sr_buf_init(&raw, max);
	sr_buf_init(&clean, max + max / 2);
	if ((e = slurp(r, st, "log.json", &raw)) != SR_OK) {
		if (e != SR_FATAL) {
			char msg[SR_ERROR_MSG_MAX];

			(void)strlcpy(msg, r->err.msg, sizeof(msg));
			(void)sr_reader_warnf(r, &j.loc,
			    "cannot read log.json: %s", msg);
			e = SR_FAILED;
		}
		goto out;
	}
	if ((nbad = utf8_sanitize(&raw, &clean)) < 0) {
		e = sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, &j.loc,
		    "out of memory");
		goto out;
	}
	if (nbad > 0)
		use = &clean;
	j.mapped = nbad > 0;
	root = json_loadb(use->data, use->len, JSON_ALLOW_NUL, &jerr);
	if (root == NULL || !json_is_object(root)) {
		j.loc.line = root == NULL ? jerr.line : 1;
		j.loc.offset = root == NULL ? jerr.position : -1;
		(void)sr_reader_warnf(r, &j.loc, "log.json unusable: %s",
		    root == NULL ? jerr.text : "not an object");
		json_decref(root);
		e = SR_FAILED;
		goto out;
	}
	e = use_json(&j, root);
	json_decref(root);
out:
	sr_buf_release(&raw);
	sr_buf_release(&clean);
	return (e);
}

/*
 * The legacy log, kept for sudo before 1.9.0 and as a fallback:
 *
 *	time:submituser:runuser:rungroup:tty:lines:cols	(":lines:cols" optional)
 *	cwd
 *	command and arguments joined by spaces, unescaped (more lines
 *	when an argument holds a newline)
 *
 * Argument boundaries are lost, so the whole command line becomes the
 * command and argv stays unknown.
 */
static int
read_log(struct sr_reader *r, struct sudo_state *st)
{
	struct sr_session *s = &r->session;
	struct sr_buf b;
	struct sr_loc loc;
	const char *f[16], *p, *end, *nl;
	size_t fl[16], nf = 0, i;
	uint64_t n, rows = 0, cols = 0;
	int e, ret = SR_OK;

	file_loc(st, "log", &loc);
	sr_buf_init(&b, (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_META));
	if ((e = slurp(r, st, "log", &b)) != SR_OK) {
		sr_buf_release(&b);
		return (e);
	}
	p = b.data;
	end = b.data + b.len;
	/* Line 1: split at every ':'. */
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		nl = end;
	while (nf < nitems(f)) {
		const char *c = memchr(p, ':', (size_t)(nl - p));

		f[nf] = p;
		fl[nf] = (size_t)((c != NULL ? c : nl) - p);
		nf++;
		if (c == NULL)
			break;
		p = c + 1;
	}
	loc.line = 1;
	if (nf < 5 || sr_parse_u64(f[0], fl[0], SUDO_MAX_DELAY_S, &n) != 0) {
		sr_buf_release(&b);
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "log line 1 is not time:user:runas:group:tty"));
	}
	s->start_ns = (int64_t)n * SR_NSEC_PER_SEC;
	s->have |= SR_HAVE_START;
	/*
	 * A ':' in a name breaks the line; the size is at the end when
	 * present, so read the tty from the end as well.
	 */
	i = nf;
	if (nf >= 7 && sr_parse_u64(f[nf - 2], fl[nf - 2], 65535, &rows) == 0 &&
	    sr_parse_u64(f[nf - 1], fl[nf - 1], 65535, &cols) == 0 &&
	    rows > 0 && cols > 0) {
		s->rows = (unsigned)rows;
		s->cols = (unsigned)cols;
		s->have |= SR_HAVE_GEOMETRY;
		i = nf - 2;
	}
	if (nf != 5 && nf != 7)
		ret = sr_reader_warnf(r, &loc,
		    "log line 1 has %zu fields, names may be wrong", nf);
	if ((e = set_field(r, SR_F_ACTOR, f[1], fl[1])) == SR_FATAL ||
	    (e = set_field(r, SR_F_TARGET, f[2], fl[2])) == SR_FATAL)
		goto out;
	if (fl[3] > 0 &&
	    (e = add_extra(r, "rungroup", f[3], fl[3])) == SR_FATAL)
		goto out;
	if (!(fl[i - 1] == 7 && memcmp(f[i - 1], "unknown", 7) == 0) &&
	    (e = set_field(r, SR_F_TTY, f[i - 1], fl[i - 1])) == SR_FATAL)
		goto out;
	/* Line 2: the working directory. */
	p = nl < end ? nl + 1 : end;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		nl = end;
	if (p < end &&
	    !((size_t)(nl - p) == 7 && memcmp(p, "unknown", 7) == 0) &&
	    (e = set_field(r, SR_F_CWD, p, (size_t)(nl - p))) == SR_FATAL)
		goto out;
	/* Lines 3 and later: the command line, newlines kept. */
	p = nl < end ? nl + 1 : end;
	while (end > p && end[-1] == '\n')
		end--;
	if (p < end &&
	    (e = set_field(r, SR_F_COMMAND, p, (size_t)(end - p))) == SR_FATAL)
		goto out;
	e = ret;
out:
	sr_buf_release(&b);
	return (e);
}

/*
 * Session ids.  sudo's %{seq} layout is XX/XX/XX of base-36 digits and
 * its id (TSID) is the six digits; any other layout is known by its path.
 */
static int
seq_char(char c)
{
	return ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
}

static int
seq_id(const char *path, size_t len, char id[7])
{
	size_t k, n = 0;

	while (len > 0 && path[len - 1] == '/')
		len--;
	for (k = 0; k < 3; k++) {
		if (len < 2 || !seq_char(path[len - 1]) ||
		    !seq_char(path[len - 2]))
			return (-1);
		if (len > 2 && path[len - 3] != '/')
			return (-1);
		if (len == 2 && k < 2)
			return (-1);
		id[4 - 2 * k] = path[len - 2];
		id[5 - 2 * k] = path[len - 1];
		n += 2;
		len = len >= 3 ? len - 3 : 0;
	}
	id[6] = '\0';
	return (n == 6 ? 0 : -1);
}

static int
set_id(struct sr_reader *r, struct sudo_state *st)
{
	const char *ip = sr_input_path(r->in), *b;
	struct sr_buf full;
	char id[7], *real = NULL;
	size_t il = strlen(ip), bl;
	int e;

	while (il > 1 && ip[il - 1] == '/')
		il--;
	sr_buf_init(&full, SR_ERROR_PATH_MAX * 2);
	if (sr_buf_append(&full, ip, il) != 0 ||
	    (st->dir[0] != '\0' &&
		(sr_buf_putc(&full, '/') != 0 ||
		    sr_buf_append(&full, st->dir, strlen(st->dir)) != 0))) {
		sr_buf_release(&full);
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	}
	/* A file was named: the session is its directory. */
	if (strcmp(st->dir, r->member) != 0 &&
	    sr_session_set_path(&r->session, full.data) != SR_OK) {
		sr_buf_release(&full);
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	}
	if (seq_id(full.data, full.len, id) == 0) {
		sr_buf_release(&full);
		return (set_field(r, SR_F_SESSION_ID, id, 6));
	}
	if (st->dir[0] != '\0') {
		sr_buf_release(&full);
		return (
		    set_field(r, SR_F_SESSION_ID, st->dir, strlen(st->dir)));
	}
	/* The source is the session directory itself: its base name. */
	b = sr_basename(full.data);
	if ((strcmp(b, ".") == 0 || strcmp(b, "..") == 0 || *b == '\0') &&
	    sr_input_kind(r->in) == SR_INPUT_DIR &&
	    (real = realpath(ip, NULL)) != NULL) {
		b = sr_basename(real);
		if (seq_id(real, strlen(real), id) == 0)
			b = id;
	}
	bl = strlen(b);
	e = set_field(r, SR_F_SESSION_ID, b, bl);
	free(real);
	sr_buf_release(&full);
	return (e);
}

/* Remembers why the timing cannot be read; the events fail with it. */
static void
timing_unusable(struct sr_reader *r, struct sudo_state *st,
    const struct sr_error *why)
{
	struct sr_loc loc;

	st->timing_err = *why;
	st->timing_bad = 1;
	sr_stream_close(st->timing);
	st->timing = NULL;
	r->session.state = SR_STATE_INCOMPLETE;
	sr_loc_clear(&loc);
	sr_loc_set_member(&loc, st->timing_name);
	loc.offset = why->loc.offset;
	(void)sr_reader_warnf(r, &loc, "cannot read timing: %s", why->msg);
}

/*
 * Walks the whole timing once for the duration (ls prints it) and to see
 * whether a compressed timing ends early, then rewinds.  Bad lines are
 * reported by the event pass, not here.  SR_OK, SR_FAILED when the
 * timing cannot be read (a warning was given), SR_FATAL.
 */
static int
sum_timing(struct sr_reader *r, struct sudo_state *st, int64_t *sum)
{
	struct timing_rec rec;
	struct sr_error why;
	const char *line, *msg;
	size_t len, max = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	int complete, adj = 0, e;
	int64_t t = 0;

	while ((e = sr_stream_getline(st->timing, &line, &len, &complete,
		    max)) != SR_EOF) {
		if (e != SR_OK) {
			if (sr_stream_error(st->timing)->cat == SR_E_LIMIT)
				continue;
			if (sr_stream_error(st->timing)->cat == SR_E_NOMEM)
				return (sr_reader_errorf(r, SR_FATAL,
				    SR_E_NOMEM, NULL, "out of memory"));
			why = *sr_stream_error(st->timing);
			timing_unusable(r, st, &why);
			return (SR_FAILED);
		}
		if (parse_timing(line, len, &adj, &rec, &msg) == 0)
			t = sr_ns_add(t, rec.delay_ns);
	}
	*sum = t;
	if (sr_stream_seek(st->timing, 0) != SR_OK) {
		why = *sr_stream_error(st->timing);
		timing_unusable(r, st, &why);
		return (SR_FAILED);
	}
	return (SR_OK);
}

static void
check_truncated(struct sr_reader *r, struct sudo_state *st)
{
	struct sr_loc loc;

	if (st->trunc_warned || st->timing == NULL ||
	    !sr_stream_truncated(st->timing))
		return;
	st->trunc_warned = 1;
	/*
	 * A writable timing that is being flushed ends without the gzip
	 * trailer while sudo runs: that is a live session, not damage.
	 */
	if (r->session.state != SR_STATE_INCOMPLETE) {
		sr_loc_clear(&loc);
		sr_loc_set_member(&loc, st->timing_name);
		(void)sr_reader_warnf(r, &loc,
		    "compressed timing ends early, session is incomplete");
	}
	r->session.state = SR_STATE_INCOMPLETE;
}

static void
reset_events(struct sudo_state *st)
{
	size_t i;

	close_streams(st);
	for (i = 0; i < SUDO_NSTREAMS; i++)
		memset(&st->data[i], 0, sizeof(st->data[i]));
	st->adj = st->warned6 = st->trunc_warned = 0;
	st->t_ns = 0;
	st->line = 0;
	st->line_off = -1;
	st->bad = 0;
	st->pend_idx = -1;
	st->pend_left = st->pend_total = st->pend_done = 0;
	st->gap = 0;
	st->end_state = 0;
	st->timing_bad = 0;
}

static int
sudo_next_session(struct sr_reader *r)
{
	struct sudo_state *st = r->state;
	struct sr_session *s = &r->session;
	const struct sr_member *tm;
	size_t warn0 = r->nwarnings;
	int64_t sum;
	int e, je;

	if (st->returned)
		return (SR_EOF);
	st->returned = 1;
	reset_events(st);
	if ((tm = find_file(r, st, "timing")) == NULL)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, NULL,
		    "not a sudo I/O log: no timing file"));
	if (find_file(r, st, "log.json") == NULL &&
	    find_file(r, st, "log") == NULL)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, NULL,
		    "not a sudo I/O log: neither log.json nor log"));

	/* Metadata: log.json, else the legacy log. */
	if ((je = read_json(r, st)) == SR_FATAL)
		return (je);
	if (je == SR_FAILED) {
		if (find_file(r, st, "log") == NULL)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT,
			    NULL, "no usable log.json and no log"));
		if ((e = read_log(r, st)) == SR_FATAL || e == SR_FAILED)
			return (e);
	}
	if ((e = set_id(r, st)) == SR_FATAL)
		return (e);

	/* Write bits on timing mean sudo has not finished (3.7). */
	if (tm->mode == 0)
		s->state = SR_STATE_UNKNOWN;
	else if (tm->mode & 0222)
		s->state = SR_STATE_INCOMPLETE;
	else
		s->state = SR_STATE_COMPLETE;

	/*
	 * An undecodable timing (a compressed live session before its first
	 * flush, or damage) leaves the metadata usable for listing; the
	 * events then fail with the reason.
	 */
	if ((e = open_file(r, st, "timing", &st->timing)) == SR_FATAL)
		return (e);
	if (e != SR_OK) {
		timing_unusable(r, st, &r->err);
		return (SR_WARN);
	}
	if (!(s->have & SR_HAVE_DURATION)) {
		if ((e = sum_timing(r, st, &sum)) == SR_FATAL)
			return (e);
		if (e == SR_OK) {
			s->duration_ns = sum;
			s->have |= SR_HAVE_DURATION;
		}
		check_truncated(r, st);
	}
	if (s->have & SR_HAVE_EXIT) {
		(void)snprintf(st->end_text, sizeof(st->end_text), "%d",
		    s->exit_status);
		st->end_state = 1;
	} else if (s->have & SR_HAVE_SIGNAL) {
		(void)strlcpy(st->end_text, s->exit_signal,
		    sizeof(st->end_text));
		st->end_state = 1;
	}
	return (r->nwarnings > warn0 ? SR_WARN : SR_OK);
}

/*
 * Events.
 */

static int
ensure_buf(struct sr_reader *r, struct sudo_state *st, size_t n)
{
	unsigned char *p;

	if (n <= st->bufcap)
		return (SR_OK);
	if ((p = realloc(st->buf, n)) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	st->buf = p;
	st->bufcap = n;
	return (SR_OK);
}

/* Whether s[0..len) is the start of a UTF-8 sequence cut by the end. */
static int
cut_utf8(const unsigned char *s, size_t len)
{
	size_t need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return (0);
	if (len >= need)
		return (0);
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return (0);
	return (1);
}

/* Whether data holds only UTF-8 text; a sequence cut at the end is text. */
static int
is_text(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_len(s + i, len - i)) == 0)
			return (cut_utf8(s + i, len - i));
		i += n;
	}
	return (1);
}

static int
open_data(struct sr_reader *r, struct sudo_state *st, int idx)
{
	struct sudo_data *d = &st->data[idx];
	struct sr_loc loc;

	d->tried = 1;
	if (find_file(r, st, streams[idx].file) == NULL) {
		d->missing = 1;
		timing_loc(st, &loc);
		return (sr_reader_warnf(r, &loc,
		    "timing refers to %s, which is missing",
		    streams[idx].file));
	}
	if (open_file(r, st, streams[idx].file, &d->s) != SR_OK) {
		char msg[SR_ERROR_MSG_MAX];

		if (r->err.cat == SR_E_NOMEM)
			return (SR_FATAL);
		d->missing = 1;
		(void)strlcpy(msg, r->err.msg, sizeof(msg));
		timing_loc(st, &loc);
		return (sr_reader_warnf(r, &loc, "cannot open %s: %s",
		    streams[idx].file, msg));
	}
	return (SR_OK);
}

/*
 * Returns the next piece of the pending data record: SR_OK or SR_WARN
 * with r->ev filled, SR_EOF when nothing is left of it (maybe after a
 * warning), SR_FATAL.
 */
static int
next_piece(struct sr_reader *r, struct sudo_state *st)
{
	struct sudo_data *d = &st->data[st->pend_idx];
	struct sr_event *ev = &r->ev;
	struct sr_loc loc;
	size_t want, got = 0, n;
	uint64_t lim = sr_ctx_limit(r->ctx, SR_LIMIT_EVENT);
	int warned = 0, e;

	if (!d->tried && (e = open_data(r, st, st->pend_idx)) == SR_FATAL)
		return (e);
	if (d->missing || d->exhausted) {
		/* Data is lost; the next event says so. */
		st->gap = 1;
		st->pend_left = 0;
		return (SR_EOF);
	}
	if (lim == 0)
		lim = 1;
	want = (size_t)(st->pend_left < lim ? st->pend_left : lim);
	if (ensure_buf(r, st, want) != SR_OK)
		return (SR_FATAL);
	while (got < want) {
		if (sr_stream_read(d->s, st->buf + got, want - got, &n) !=
		    SR_OK) {
			char msg[SR_ERROR_MSG_MAX];

			(void)strlcpy(msg, sr_stream_error(d->s)->msg,
			    sizeof(msg));
			timing_loc(st, &loc);
			loc.line = st->pend_line;
			loc.offset = st->pend_off;
			(void)sr_reader_warnf(r, &loc, "cannot read %s: %s",
			    streams[st->pend_idx].file, msg);
			warned = 1;
			break;
		}
		if (n == 0)
			break;
		got += n;
	}
	st->pend_left -= got;
	st->pend_done += got;
	if (got < want) {
		d->exhausted = 1;
		if (!warned) {
			timing_loc(st, &loc);
			loc.line = st->pend_line;
			loc.offset = st->pend_off;
			(void)sr_reader_warnf(r, &loc,
			    "timing wants %llu bytes of %s, only %llu left",
			    (unsigned long long)st->pend_total,
			    streams[st->pend_idx].file,
			    (unsigned long long)st->pend_done);
		}
		warned = 1;
		st->pend_left = 0;
	}
	if (got == 0) {
		st->gap = 1;
		return (SR_EOF);
	}
	ev->type = streams[st->pend_idx].type;
	ev->stream = streams[st->pend_idx].id;
	ev->t_ns = st->t_ns;
	ev->data = st->buf;
	ev->len = got;
	if (!is_text(st->buf, got))
		ev->flags |= SR_EVF_BINARY;
	if (st->gap)
		ev->flags |= SR_EVF_GAP;
	st->gap = warned;
	ev->loc.line = st->pend_line;
	ev->loc.offset = st->pend_off;
	return (warned ? SR_WARN : SR_OK);
}

static int
sudo_next_event(struct sr_reader *r)
{
	struct sudo_state *st = r->state;
	struct sr_event *ev = &r->ev;
	struct timing_rec rec;
	struct sr_loc loc;
	const char *line, *why;
	size_t len, max = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	size_t warn0 = r->nwarnings;
	int complete, e;

	if (st->timing_bad) {
		st->timing_bad = 0;
		r->err = st->timing_err;
		return (SR_FAILED);
	}
	if (st->timing == NULL)
		return (SR_EOF);
	for (;;) {
		if (st->pend_left > 0) {
			e = next_piece(r, st);
			if (e == SR_OK && r->nwarnings > warn0)
				return (SR_WARN);
			if (e != SR_EOF)
				return (e);
			continue;
		}
		st->line_off = sr_stream_offset(st->timing);
		e = sr_stream_getline(st->timing, &line, &len, &complete, max);
		if (e == SR_EOF)
			break;
		st->line++;
		if (e != SR_OK) {
			timing_loc(st, &loc);
			if (sr_stream_error(st->timing)->cat != SR_E_LIMIT) {
				char msg[SR_ERROR_MSG_MAX];

				(void)strlcpy(msg,
				    sr_stream_error(st->timing)->msg,
				    sizeof(msg));
				check_truncated(r, st);
				return (sr_reader_errorf(r, SR_FAILED,
				    sr_stream_error(st->timing)->cat, &loc,
				    "cannot read timing: %s", msg));
			}
			(void)sr_reader_warnf(r, &loc,
			    "timing line longer than %zu bytes skipped", max);
			if (++st->bad >= SUDO_MAX_BAD)
				goto toobad;
			continue;
		}
		if (parse_timing(line, len, &st->adj, &rec, &why) != 0) {
			timing_loc(st, &loc);
			(void)sr_reader_warnf(r, &loc, "%s", why);
			if (++st->bad >= SUDO_MAX_BAD)
				goto toobad;
			continue;
		}
		st->bad = 0;
		if (st->adj != 0 && !st->warned6) {
			st->warned6 = 1;
			timing_loc(st, &loc);
			(void)sr_reader_warnf(r, &loc,
			    "timing event 6 of sudo 1.8.7: later events "
			    "shifted by 2");
		}
		st->t_ns = sr_ns_add(st->t_ns, rec.delay_ns);
		switch (rec.event) {
		case SUDO_EV_WINSIZE:
			ev->type = SR_EV_RESIZE;
			ev->rows = rec.rows;
			ev->cols = rec.cols;
			break;
		case SUDO_EV_SUSPEND:
			ev->type = rec.suspend ? SR_EV_SUSPEND : SR_EV_RESUME;
			memcpy(st->sig, rec.sig, sizeof(st->sig));
			ev->data = (const unsigned char *)st->sig;
			ev->len = strlen(st->sig);
			break;
		default:
			if (rec.nbytes == 0)
				continue;
			st->pend_idx = rec.event;
			st->pend_left = st->pend_total = rec.nbytes;
			st->pend_done = 0;
			st->pend_line = st->line;
			st->pend_off = st->line_off;
			continue;
		}
		ev->t_ns = st->t_ns;
		ev->loc.line = st->line;
		ev->loc.offset = st->line_off;
		if (st->gap) {
			ev->flags |= SR_EVF_GAP;
			st->gap = 0;
		}
		return (r->nwarnings > warn0 ? SR_WARN : SR_OK);
	}
	check_truncated(r, st);
	if (st->end_state == 1) {
		st->end_state = 2;
		ev->type = SR_EV_END;
		ev->t_ns = r->session.duration_ns > st->t_ns
		    ? r->session.duration_ns
		    : st->t_ns;
		ev->data = (const unsigned char *)st->end_text;
		ev->len = strlen(st->end_text);
		return (r->nwarnings > warn0 ? SR_WARN : SR_OK);
	}
	close_streams(st);
	return (SR_EOF);
toobad:
	timing_loc(st, &loc);
	close_streams(st);
	return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
	    "too many bad timing lines in a row"));
}

/* Nothing to drain: the streams are simply closed (fast ls). */
static int
sudo_skip_session(struct sr_reader *r)
{
	struct sudo_state *st = r->state;

	close_streams(st);
	st->pend_left = 0;
	return (SR_OK);
}

static const char *const sudo_suffixes[] = { NULL };

const struct sr_format sr_fmt_sudo = {
	.name = "sudo",
	.description = "sudo I/O log directory (sudoers, sudo_logsrvd)",
	.suffixes = sudo_suffixes,
	.caps = SR_FMT_READ | SR_FMT_MEMBERS,
	.state_size = sizeof(struct sudo_state),

	.probe = sudo_probe,
	.claim = sudo_claim,
	.open = sudo_open,
	.close = sudo_close,
	.next_session = sudo_next_session,
	.next_event = sudo_next_event,
	.skip_session = sudo_skip_session,
};
