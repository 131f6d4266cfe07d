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
	char *dir; /* session directory in the input, "" for the top */
	size_t dirlen;
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

/*
 * Full member name of a file of the session directory, in buf (at least
 * SUDO_NAME_MAX bytes); NULL when too long.  Built by copying, since
 * this runs several times per session while a tree is listed.
 */
#define SUDO_NAME_MAX (4096 + 16)

static const char *
file_name(const struct sudo_state *st, const char *file, char *buf)
{
	size_t dl = st->dirlen, fl = strlen(file);

	if (dl + fl + 2 > SUDO_NAME_MAX)
		return (NULL);
	if (dl > 0) {
		memcpy(buf, st->dir, dl);
		buf[dl++] = '/';
	}
	memcpy(buf + dl, file, fl + 1);
	return (buf);
}

/* Full member name of a file of the session directory; caller frees. */
static char *
member_name(const struct sudo_state *st, const char *file)
{
	char buf[SUDO_NAME_MAX];

	if (file_name(st, file, buf) == NULL)
		return (NULL);
	return (sr_strdup(buf));
}

/* Whether the session has the file (no system call). */
static int
has_member(const struct sr_reader *r, const struct sudo_state *st,
    const char *file)
{
	char buf[SUDO_NAME_MAX];

	return (file_name(st, file, buf) != NULL &&
	    sr_input_find(r->in, buf) != NULL);
}

/* The file's entry with its mode (a stat when the walk did not). */
static const struct sr_member *
find_file(const struct sr_reader *r, const struct sudo_state *st,
    const char *file)
{
	char buf[SUDO_NAME_MAX];

	if (file_name(st, file, buf) == NULL)
		return (NULL);
	return (sr_input_stat(r->in, buf));
}

/* Opens a file of the session; the reader's error is set on failure. */
static int
open_file(struct sr_reader *r, struct sudo_state *st, const char *file,
    struct sr_stream **sp)
{
	char buf[SUDO_NAME_MAX];
	int s;

	*sp = NULL;
	if (file_name(st, file, buf) == NULL)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, NULL,
		    "member name too long"));
	/* Only the mode of timing matters (completion); skip the others. */
	s = sr_stream_open(r->in, buf,
	    strcmp(file, "timing") == 0 ? 0 : SR_OPEN_NOSTAT, sp, &r->err);
	if (s != SR_OK)
		*sp = NULL;
	return (s);
}

static void
file_loc(const struct sudo_state *st, const char *file, struct sr_loc *loc)
{
	char buf[SUDO_NAME_MAX];

	sr_loc_clear(loc);
	if (file_name(st, file, buf) != NULL)
		sr_loc_set_member(loc, buf);
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
	if (st->dir != NULL)
		st->dirlen = strlen(st->dir);
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
 * log.json.  sudo writes one object whose members are strings, integers,
 * booleans, arrays of strings and {seconds, nanoseconds} objects, and
 * sudo_logsrvd appends members of its own.  A general JSON library spent
 * most of the time of listing a sudo tree on building and freeing a tree
 * of this small file, so it is read by the strict, bounded parser below:
 *
 *  - RFC 8259 grammar, any key order and white space, except that bytes
 *    >= 0x80 are taken as they are: sudo copies argument and environment
 *    bytes unvalidated (0xFF in runargv is real), and the legacy log
 *    keeps them too.  \u0000 decodes to a NUL byte, which ends a field.
 *  - Bounded: nesting depth (JSON_DEPTH_MAX), every string and number
 *    (decoded length at most the meta limit), the file (the line limit).
 *  - A document is checked whole first, so that a broken log.json leaves
 *    no half-filled session when the legacy log takes over; the second
 *    pass fills the session and decodes only the strings it keeps.
 *    Strings without escapes are used where they lie, so the usual
 *    log.json costs no allocation beyond the session's own copies.
 *  - Duplicate keys: the last one wins.
 */
#define JSON_DEPTH_MAX 16

struct jp {
	const unsigned char *base; /* the document */
	const unsigned char *p;	   /* the next byte */
	const unsigned char *end;
	size_t maxstr; /* longest string or number, decoded */
	const char *why;
	size_t at; /* offset of the error */
	char whybuf[64];
};

/* A string value: raw bytes between the quotes, and whether it escapes. */
struct jstr {
	const unsigned char *raw;
	size_t rawlen;
	size_t len; /* decoded length */
	int esc;
};

static int
jp_fail(struct jp *j, const unsigned char *at, const char *why)
{
	if (j->why == NULL) {
		j->why = why;
		j->at = (size_t)(at - j->base);
	}
	return (-1);
}

static int
jp_end(struct jp *j)
{
	return (jp_fail(j, j->end, "unexpected end of data"));
}

static void
jp_ws(struct jp *j)
{
	const unsigned char *p = j->p;

	while (
	    p < j->end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	j->p = p;
}

/* The four hex digits at p (p + 4 <= end), or -1. */
static long
hex4(const unsigned char *p)
{
	uint32_t v;

	return (sr_hex4(p, &v) == 0 ? (long)v : -1);
}

/* Bytes UTF-8 needs for cp. */
static size_t
cp_len(unsigned long cp)
{
	return (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
}

/* Bytes that stand for themselves in a JSON string. */
static const unsigned char jplain[256] = {
#define J8  1, 1, 1, 1, 1, 1, 1, 1
#define J32 J8, J8, J8, J8
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0, /* controls */
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	0,
	1,
	1,
	0,
	1,
	1,
	1,
	1,
	1,
	J8,
	J8,
	J8, /* '"' */
	J8,
	J8,
	J8,
	1,
	1,
	1,
	1,
	0,
	1,
	1,
	1, /* '\\' */
	J32,
	J32,
	J32,
	J32,
	J32,
#undef J8
#undef J32
};

/*
 * Scans the string at j->p (a '"'), checking escapes and the length;
 * j->p ends after the closing quote.  0 or -1 with the error set.
 */
static int
jp_string(struct jp *j, struct jstr *out)
{
	const unsigned char *q = j->p, *p = q + 1, *end = j->end, *run;
	size_t len = 0;
	unsigned long cp, lo;
	long h;

	out->esc = 0;
	for (;;) {
		/* The common case: a run of plain bytes. */
		for (run = p; p < end && jplain[*p]; p++)
			;
		len += (size_t)(p - run);
		if (p == end)
			return (jp_end(j));
		if (*p == '"')
			break;
		if (*p < 0x20)
			return (jp_fail(j, p, "control character in string"));
		/* A backslash. */
		out->esc = 1;
		if (p + 1 == end)
			return (jp_end(j));
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			len++;
			p += 2;
			break;
		case 'u':
			if (end - p < 6)
				return (jp_end(j));
			if ((h = hex4(p + 2)) < 0)
				return (jp_fail(j, p, "invalid \\u escape"));
			cp = (unsigned long)h;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return (jp_fail(j, p, "lone low surrogate"));
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - p < 12)
					return (end - p >= 8 &&
						    (p[6] != '\\' ||
							p[7] != 'u')
						? jp_fail(j, p,
						      "lone high surrogate")
						: jp_end(j));
				if (p[6] != '\\' || p[7] != 'u' ||
				    (h = hex4(p + 8)) < 0 || h < 0xdc00 ||
				    h > 0xdfff)
					return (jp_fail(j, p,
					    "lone high surrogate"));
				lo = (unsigned long)h;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			len += cp_len(cp);
			p += 6;
			break;
		default:
			return (jp_fail(j, p, "invalid escape"));
		}
	}
	if (len > j->maxstr)
		return (jp_fail(j, q, "string too long"));
	out->raw = q + 1;
	out->rawlen = (size_t)(p - (q + 1));
	out->len = len;
	j->p = p + 1;
	return (0);
}

/* Decodes a checked string into out (room for s->rawlen); its length. */
static size_t
jstr_decode(const struct jstr *s, char *out)
{
	const unsigned char *p = s->raw, *end = s->raw + s->rawlen;
	unsigned char *o = (unsigned char *)out;
	unsigned long cp;

	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (p[1] == 'u') {
			cp = (unsigned long)hex4(p + 2);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    ((unsigned long)hex4(p + 8) - 0xdc00);
				p += 6;
			}
			o += sr_utf8_put(o, (uint32_t)cp);
			p += 6;
			continue;
		}
		/* jp_string() checked the escape. */
		*o++ = (unsigned char)sr_json_escape(p[1]);
		p += 2;
	}
	return ((size_t)((char *)o - out));
}

/*
 * The decoded bytes of a string: in place when it has no escapes, else
 * decoded into b (replacing what b held).  NULL when out of memory.
 */
static const char *
jstr_get(struct jstr *s, struct sr_buf *b)
{
	if (!s->esc)
		return ((const char *)s->raw);
	sr_buf_reset(b);
	if (sr_buf_reserve(b, s->rawlen) != SR_E_NONE)
		return (NULL);
	s->len = jstr_decode(s, b->data);
	b->len = s->len;
	b->data[b->len] = '\0';
	return (b->data);
}

/*
 * A number at j->p: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
 * *isint is set when it fits an int64 and has no fraction or exponent.
 */
static int
jp_number(struct jp *j, int *isint, int64_t *val)
{
	const unsigned char *s = j->p, *p = s, *end = j->end;
	uint64_t v = 0, lim;
	int neg = 0, ok = 1;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (p == end)
		return (jp_end(j));
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9') {
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (v > (lim - (uint64_t)(*p - '0')) / 10)
				ok = 0;
			else
				v = v * 10 + (uint64_t)(*p - '0');
		}
	} else
		return (jp_fail(j, p, "invalid number"));
	if (p < end && *p == '.') {
		ok = 0;
		if (++p == end)
			return (jp_end(j));
		if (*p < '0' || *p > '9')
			return (jp_fail(j, p, "invalid number"));
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		ok = 0;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end)
			return (jp_end(j));
		if (*p < '0' || *p > '9')
			return (jp_fail(j, p, "invalid number"));
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if ((size_t)(p - s) > j->maxstr)
		return (jp_fail(j, s, "number too long"));
	*isint = ok;
	if (ok)
		*val = neg ? (int64_t)(0 - v) : (int64_t)v;
	j->p = p;
	return (0);
}

static int
jp_literal(struct jp *j, const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (j->p + i == j->end)
			return (jp_end(j));
		if (j->p[i] != (unsigned char)word[i])
			return (jp_fail(j, j->p, "invalid literal"));
	}
	j->p += len;
	return (0);
}

/* Skips (and checks) any value at j->p; depth is that of its container. */
static int
jp_skip(struct jp *j, int depth)
{
	struct jstr s;
	int64_t v;
	int isint, first;
	unsigned char close;

	jp_ws(j);
	if (j->p == j->end)
		return (jp_end(j));
	switch (*j->p) {
	case '"':
		return (jp_string(j, &s));
	case 't':
		return (jp_literal(j, "true", 4));
	case 'f':
		return (jp_literal(j, "false", 5));
	case 'n':
		return (jp_literal(j, "null", 4));
	case '{':
	case '[':
		break;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return (jp_number(j, &isint, &v));
		return (jp_fail(j, j->p, "unexpected character"));
	}
	if (depth >= JSON_DEPTH_MAX)
		return (jp_fail(j, j->p, "nested too deeply"));
	close = *j->p == '{' ? '}' : ']';
	j->p++;
	for (first = 1;; first = 0) {
		jp_ws(j);
		if (j->p == j->end)
			return (jp_end(j));
		if (*j->p == close && first) {
			j->p++;
			return (0);
		}
		if (close == '}') {
			if (*j->p != '"')
				return (jp_fail(j, j->p, "expected a key"));
			if (jp_string(j, &s) != 0)
				return (-1);
			jp_ws(j);
			if (j->p == j->end)
				return (jp_end(j));
			if (*j->p != ':')
				return (jp_fail(j, j->p, "expected ':'"));
			j->p++;
		}
		if (jp_skip(j, depth + 1) != 0)
			return (-1);
		jp_ws(j);
		if (j->p == j->end)
			return (jp_end(j));
		if (*j->p == close) {
			j->p++;
			return (0);
		}
		if (*j->p != ',')
			return (jp_fail(j, j->p,
			    close == '}' ? "expected ',' or '}'"
					 : "expected ',' or ']'"));
		j->p++;
	}
}

/* Checks the whole document: one object, then only white space. */
static int
jp_check(struct jp *j)
{
	jp_ws(j);
	if (j->p == j->end)
		return (jp_end(j));
	if (*j->p != '{')
		return (jp_fail(j, j->p, "not an object"));
	if (jp_skip(j, 0) != 0)
		return (-1);
	jp_ws(j);
	if (j->p != j->end)
		return (jp_fail(j, j->p, "data after the object"));
	return (0);
}

/*
 * The string at j->p in a checked document: its closing quote is the
 * first '"' not escaped, found with memchr().  out->len is an upper
 * bound until jstr_get() decodes it (decoding only shortens).
 */
static void
jw_string(struct jp *j, struct jstr *out)
{
	const unsigned char *q = j->p + 1, *e, *b;

	for (;;) {
		e = memchr(q, '"', (size_t)(j->end - q));
		for (b = e; b > j->p + 1 && b[-1] == '\\'; b--)
			;
		if (((e - b) & 1) == 0)
			break;
		q = e + 1;
	}
	out->raw = j->p + 1;
	out->rawlen = (size_t)(e - out->raw);
	out->len = out->rawlen;
	out->esc = memchr(out->raw, '\\', out->rawlen) != NULL;
	j->p = e + 1;
}

/*
 * Walking a checked document: these cannot fail.  jw_next steps to the
 * next member of an object (key in *key) or element of an array (key
 * NULL) after its opening bracket or the previous value; 0 at the end.
 */
static int
jw_next(struct jp *j, struct jstr *key)
{
	jp_ws(j);
	if (*j->p == ',')
		j->p++;
	else if (*j->p == '{' || *j->p == '[')
		j->p++;
	jp_ws(j);
	if (*j->p == '}' || *j->p == ']') {
		j->p++;
		return (0);
	}
	if (key != NULL) {
		jw_string(j, key);
		jp_ws(j);
		j->p++; /* ':' */
		jp_ws(j);
	}
	return (1);
}

/* The kind of the value at j->p: '"', '{', '[', 't', 'f', 'n' or '0'. */
static int
jw_kind(struct jp *j)
{
	jp_ws(j);
	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
		return ('0');
	return (*j->p);
}

/*
 * {"seconds":N,"nanoseconds":N} (other members ignored) at j->p, which
 * is consumed whatever it is; 0, or -1 when it is not such a time.
 */
static int
jw_time(struct jp *j, int64_t *ns)
{
	struct jstr k;
	int64_t v, sec = -1, nsec = -1;
	int isint;

	if (jw_kind(j) != '{') {
		(void)jp_skip(j, 1);
		return (-1);
	}
	while (jw_next(j, &k)) {
		int which = 0;

		if (!k.esc && k.rawlen == 7 && memcmp(k.raw, "seconds", 7) == 0)
			which = 1;
		else if (!k.esc && k.rawlen == 11 &&
		    memcmp(k.raw, "nanoseconds", 11) == 0)
			which = 2;
		if (which == 0 || jw_kind(j) != '0') {
			if (which == 1)
				sec = -2;
			if (which == 2)
				nsec = -2;
			(void)jp_skip(j, 2);
			continue;
		}
		(void)jp_number(j, &isint, &v);
		if (!isint || v < 0)
			v = -2;
		if (which == 1)
			sec = v;
		else
			nsec = v;
	}
	if (sec < 0 || sec > SUDO_MAX_DELAY_S || nsec < 0 ||
	    nsec >= SR_NSEC_PER_SEC)
		return (-1);
	*ns = sec * SR_NSEC_PER_SEC + nsec;
	return (0);
}

/* Filling the session. */
struct jfill {
	struct sr_reader *r;
	struct jp *j;
	struct sr_loc loc;  /* log.json */
	struct sr_buf sbuf; /* a decoded value */
	struct sr_buf abuf; /* argv and joined arrays */
	char k[128];	    /* "sudo." and the key */
	const char *key;    /* k + 5 */
};

static int
jf_nomem(struct jfill *f)
{
	return (sr_reader_errorf(f->r, SR_FATAL, SR_E_NOMEM, NULL,
	    "out of memory"));
}

static int
worst(int a, int b)
{
	return (a < b ? a : b);
}

/* The extra f->k, with a warning when it is over the meta limit. */
static int
jf_extra(struct jfill *f, const char *k, const char *v, size_t len)
{
	int s = sr_session_add_extra(&f->r->session, k, v, len);

	if (s == SR_FAILED)
		return (sr_reader_warnf(f->r, NULL,
		    "%s dropped: metadata over the meta limit", k));
	if (s == SR_FATAL)
		return (jf_nomem(f));
	return (SR_OK);
}

/* A string field, or a warning (and the field cleared) for anything else. */
static int
jf_field(struct jfill *f, enum sr_field fld)
{
	struct jstr s;
	const char *v;

	if (jw_kind(f->j) != '"') {
		(void)jp_skip(f->j, 1);
		(void)sr_session_set(&f->r->session, fld, NULL, 0);
		return (sr_reader_warnf(f->r, &f->loc, "%s is not a string",
		    f->key));
	}
	jw_string(f->j, &s);
	if ((v = jstr_get(&s, &f->sbuf)) == NULL)
		return (jf_nomem(f));
	return (set_field(f->r, fld, v, s.len));
}

static int
jf_argv(struct jfill *f)
{
	struct jp *j = f->j;
	struct jstr s;
	const char *v;
	const char **argv = NULL;
	size_t *off = NULL, n = 0, cap = 0, i;
	int st = SR_OK;

	if (jw_kind(j) != '[') {
		(void)jp_skip(j, 1);
		return (
		    sr_reader_warnf(f->r, &f->loc, "runargv is not an array"));
	}
	sr_buf_reset(&f->abuf);
	while (jw_next(j, NULL)) {
		if (st != SR_OK) {
			(void)jp_skip(j, 2);
			continue;
		}
		if (jw_kind(j) != '"') {
			(void)jp_skip(j, 2);
			st = sr_reader_warnf(f->r, &f->loc,
			    "runargv holds a non-string");
			continue;
		}
		jw_string(j, &s);
		if (n == cap) {
			size_t *no;

			cap = cap ? cap * 2 : 16;
			if ((no = sr_reallocarray(off, cap, sizeof(*off))) ==
			    NULL) {
				st = jf_nomem(f);
				continue;
			}
			off = no;
		}
		off[n++] = f->abuf.len;
		if ((v = jstr_get(&s, &f->sbuf)) == NULL)
			st = jf_nomem(f);
		else if (sr_buf_append(&f->abuf, v, s.len) != SR_E_NONE ||
		    sr_buf_putc(&f->abuf, '\0') != SR_E_NONE)
			st = SR_FAILED; /* over the meta limit */
	}
	if (st == SR_OK &&
	    (argv = sr_reallocarray(NULL, n + 1, sizeof(*argv))) == NULL)
		st = jf_nomem(f);
	if (st == SR_OK) {
		for (i = 0; i < n; i++)
			argv[i] = f->abuf.data + off[i];
		argv[n] = NULL;
		st = sr_session_set_argv(&f->r->session, argv, n);
	}
	if (st == SR_FAILED)
		st = sr_reader_warnf(f->r, NULL,
		    "argv dropped: metadata over the meta limit");
	else if (st == SR_FATAL && f->r->err.cat != SR_E_NOMEM)
		st = jf_nomem(f);
	free(argv);
	free(off);
	return (st);
}

/* Whether the string is a "TERM=" entry; sets the term when so. */
static int
jf_term(struct jfill *f, struct jstr *s, int *found)
{
	const char *v;

	if (*found || s->len < 5)
		return (SR_OK);
	if (!s->esc && memcmp(s->raw, "TERM=", 5) != 0)
		return (SR_OK);
	if ((v = jstr_get(s, &f->sbuf)) == NULL)
		return (jf_nomem(f));
	if (s->len < 5 || memcmp(v, "TERM=", 5) != 0)
		return (SR_OK);
	*found = 1;
	return (set_field(f->r, SR_F_TERM, v + 5, s->len - 5));
}

/*
 * An array as one extra, entries joined by '\n', cut at an entry when
 * the join passes its share of the meta limit (runenv can be large;
 * the count of entries left out says the list is not whole).  Entries
 * past the cut are checked but not decoded.  runenv also gives the term.
 */
static int
jf_array(struct jfill *f)
{
	struct jp *j = f->j;
	struct jstr s;
	struct sr_buf *b = &f->abuf;
	const char *v;
	size_t max = f->r->session.meta_max / SUDO_RUNENV_SHARE, before;
	long left = 0;
	int st = SR_OK, term = 0, isenv, bad = 0, first = 1;
	char num[32], okey[sizeof(f->k) + 16];

	isenv = strcmp(f->key, "runenv") == 0;
	if (isenv)
		(void)sr_session_set(&f->r->session, SR_F_TERM, NULL, 0);
	sr_buf_reset(b);
	b->max = max > 0 ? max : 16384;
	while (jw_next(j, NULL)) {
		if (jw_kind(j) != '"') {
			(void)jp_skip(j, 2);
			bad = 1;
			continue;
		}
		jw_string(j, &s);
		if (isenv && st != SR_FATAL)
			st = worst(st, jf_term(f, &s, &term));
		if (bad || left > 0 || st == SR_FATAL) {
			left++;
			continue;
		}
		if ((v = jstr_get(&s, &f->sbuf)) == NULL) {
			st = jf_nomem(f);
			continue;
		}
		before = b->len;
		if ((!first && sr_buf_putc(b, '\n') != SR_E_NONE) ||
		    sr_buf_append(b, v, s.len) != SR_E_NONE) {
			/* Drop the separator of the entry that did not fit. */
			b->len = before;
			b->data[b->len] = '\0';
			left++;
			continue;
		}
		first = 0;
	}
	b->max = f->r->session.meta_max > 0 ? f->r->session.meta_max : 65536;
	if (st == SR_FATAL)
		return (st);
	if (bad)
		return (worst(st,
		    sr_reader_warnf(f->r, &f->loc,
			"%s is not an array of strings", f->key)));
	st = worst(st, jf_extra(f, f->k, b->data, b->len));
	if (st >= SR_WARN && left > 0) {
		(void)snprintf(okey, sizeof(okey), "%s_omitted", f->k);
		(void)snprintf(num, sizeof(num), "%ld", left);
		st = worst(st, jf_extra(f, okey, num, strlen(num)));
	}
	return (st);
}

/* Decimal text of v into buf (24 bytes); returns its length. */
static size_t
i64_text(int64_t v, char *buf)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return (i);
}

/*
 * An object that is not a time, as compact JSON: the source without the
 * white space between tokens (escapes are kept as written).
 */
static int
jf_object(struct jfill *f, const unsigned char *s, const unsigned char *e)
{
	int in = 0, bad = 0;

	sr_buf_reset(&f->sbuf);
	for (; s < e && !bad; s++) {
		if (!in &&
		    (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
			continue;
		if (sr_buf_putc(&f->sbuf, *s) != SR_E_NONE)
			bad = 1;
		else if (in && *s == '\\')
			bad = sr_buf_putc(&f->sbuf, *++s) != SR_E_NONE;
		else if (*s == '"')
			in = !in;
	}
	if (bad)
		return (sr_reader_warnf(f->r, NULL,
		    "%s dropped: metadata over the meta limit", f->k));
	return (jf_extra(f, f->k, f->sbuf.data, f->sbuf.len));
}

/* Any other member, as the extra "sudo.<key>". */
static int
jf_other(struct jfill *f)
{
	struct jp *j = f->j;
	struct jstr s;
	const unsigned char *start;
	const char *v;
	int64_t ns, iv;
	int isint;
	char num[64];

	switch (jw_kind(j)) {
	case '"':
		jw_string(j, &s);
		if ((v = jstr_get(&s, &f->sbuf)) == NULL)
			return (jf_nomem(f));
		return (jf_extra(f, f->k, v, s.len));
	case '0':
		start = j->p;
		(void)jp_number(j, &isint, &iv);
		if (isint) {
			size_t nl = i64_text(iv, num);

			return (jf_extra(f, f->k, num, nl));
		}
		return (jf_extra(f, f->k, (const char *)start,
		    (size_t)(j->p - start)));
	case 't':
		j->p += 4;
		return (jf_extra(f, f->k, "true", 4));
	case 'f':
		j->p += 5;
		return (jf_extra(f, f->k, "false", 5));
	case 'n':
		j->p += 4;
		return (jf_extra(f, f->k, "", 0));
	case '[':
		return (jf_array(f));
	default: /* '{' */
		start = j->p;
		/* iolog_offset and friends are times. */
		if (jw_time(j, &ns) == 0) {
			(void)snprintf(num, sizeof(num), "%lld.%09lld",
			    (long long)(ns / SR_NSEC_PER_SEC),
			    (long long)(ns % SR_NSEC_PER_SEC));
			return (jf_extra(f, f->k, num, strlen(num)));
		}
		return (jf_object(f, start, j->p));
	}
}

/* An integer member within [lo, hi]; 0, or -1 (consumed anyway). */
static int
jw_int(struct jp *j, int64_t lo, int64_t hi, int64_t *v)
{
	int isint;

	if (jw_kind(j) != '0') {
		(void)jp_skip(j, 1);
		return (-1);
	}
	(void)jp_number(j, &isint, v);
	return (isint && *v >= lo && *v <= hi ? 0 : -1);
}

static const struct {
	const char *key;
	enum sr_field field;
} jfields[] = {
	{ "submituser", SR_F_ACTOR },
	{ "runuser", SR_F_TARGET },
	{ "submithost", SR_F_HOST },
	{ "submitcwd", SR_F_CWD },
	{ "ttyname", SR_F_TTY },
	{ "command", SR_F_COMMAND },
};

/* One member of the top object; j->p is at its value. */
static int
jf_member(struct jfill *f)
{
	struct sr_session *s = &f->r->session;
	struct jp *j = f->j;
	const char *key = f->key;
	struct jstr sv;
	int64_t v;
	size_t i;

	for (i = 0; i < nitems(jfields); i++)
		if (strcmp(key, jfields[i].key) == 0)
			return (jf_field(f, jfields[i].field));
	if (strcmp(key, "timestamp") == 0) {
		if (jw_time(j, &s->start_ns) == 0) {
			s->have |= SR_HAVE_START;
			return (SR_OK);
		}
		s->have &= ~(unsigned)SR_HAVE_START;
		s->start_ns = 0;
		return (
		    sr_reader_warnf(f->r, &f->loc, "timestamp is malformed"));
	}
	if (strcmp(key, "run_time") == 0) {
		if (jw_time(j, &s->duration_ns) == 0) {
			s->have |= SR_HAVE_DURATION;
			return (SR_OK);
		}
		s->have &= ~(unsigned)SR_HAVE_DURATION;
		s->duration_ns = 0;
		return (
		    sr_reader_warnf(f->r, &f->loc, "run_time is malformed"));
	}
	if (strcmp(key, "runargv") == 0)
		return (jf_argv(f));
	if (strcmp(key, "lines") == 0 || strcmp(key, "columns") == 0) {
		unsigned *dst = key[0] == 'l' ? &s->rows : &s->cols;

		if (jw_int(j, 1, 65535, &v) == 0) {
			*dst = (unsigned)v;
			return (SR_OK);
		}
		*dst = 0;
		return (sr_reader_warnf(f->r, &f->loc,
		    "%s is not a terminal size", key));
	}
	if (strcmp(key, "exit_value") == 0) {
		if (jw_int(j, INT_MIN, INT_MAX, &v) == 0) {
			s->exit_status = (int)v;
			s->have |= SR_HAVE_EXIT;
			return (SR_OK);
		}
		s->have &= ~(unsigned)SR_HAVE_EXIT;
		return (sr_reader_warnf(f->r, &f->loc,
		    "exit_value is not an integer"));
	}
	if (strcmp(key, "signal") == 0 && jw_kind(j) == '"') {
		const char *p;
		size_t n;

		jw_string(j, &sv);
		if ((p = jstr_get(&sv, &f->sbuf)) == NULL)
			return (jf_nomem(f));
		n = strnlen(p, sv.len);
		if (n >= sizeof(s->exit_signal))
			n = sizeof(s->exit_signal) - 1;
		memcpy(s->exit_signal, p, n);
		s->exit_signal[n] = '\0';
		s->have |= SR_HAVE_SIGNAL;
		return (SR_OK);
	}
	return (jf_other(f));
}

/*
 * Parses log.json (doc[0..len)) into the session.  SR_OK or SR_WARN
 * when it was used, SR_FAILED when it is not JSON of the expected shape
 * (a warning with the place was given), SR_FATAL.
 */
static int
parse_json(struct sr_reader *r, const struct sr_loc *loc,
    const unsigned char *doc, size_t len)
{
	struct sr_session *s = &r->session;
	struct jfill f;
	struct jp j;
	struct jstr k;
	struct sr_loc el;
	size_t meta = s->meta_max > 0 ? s->meta_max : 65536, kl, i;
	const char *kv;
	int st = SR_OK;

	memset(&j, 0, sizeof(j));
	j.base = j.p = doc;
	j.end = doc + len;
	j.maxstr = meta;
	if (jp_check(&j) != 0) {
		el = *loc;
		el.offset = (int64_t)j.at;
		el.line = 1;
		for (i = 0; i < j.at; i++)
			if (doc[i] == '\n')
				el.line++;
		(void)sr_reader_warnf(r, &el, "log.json unusable: %s", j.why);
		return (SR_FAILED);
	}
	memset(&f, 0, sizeof(f));
	f.r = r;
	f.j = &j;
	f.loc = *loc;
	memcpy(f.k, "sudo.", 5);
	f.key = f.k + 5;
	sr_buf_init(&f.sbuf, meta + 1);
	sr_buf_init(&f.abuf, meta);
	j.p = doc;
	while (st != SR_FATAL && jw_next(&j, &k)) {
		if ((kv = jstr_get(&k, &f.sbuf)) == NULL) {
			st = jf_nomem(&f);
			break;
		}
		kl = strnlen(kv, k.len);
		if (kl > sizeof(f.k) - 6)
			kl = sizeof(f.k) - 6;
		memcpy(f.k + 5, kv, kl);
		f.k[5 + kl] = '\0';
		st = worst(st, jf_member(&f));
	}
	if (s->rows > 0 && s->cols > 0)
		s->have |= SR_HAVE_GEOMETRY;
	else
		s->rows = s->cols = 0;
	sr_buf_release(&f.sbuf);
	sr_buf_release(&f.abuf);
	return (st);
}

/* A log.json this size or smaller is parsed in the stream's window. */
#define SUDO_JSON_PEEK (64 * 1024)

/*
 * Reads log.json.  SR_OK or SR_WARN when the session was filled,
 * SR_FAILED when the file is missing or unusable (a warning was given
 * when it exists), SR_FATAL.
 */
static int
read_json(struct sr_reader *r, struct sudo_state *st)
{
	struct sr_stream *s = NULL;
	struct sr_buf raw;
	struct sr_loc loc;
	const unsigned char *p;
	size_t avail, max = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	int e;

	if (!has_member(r, st, "log.json"))
		return (SR_FAILED);
	file_loc(st, "log.json", &loc);
	sr_buf_init(&raw, max);
	if ((e = open_file(r, st, "log.json", &s)) != SR_OK)
		goto unreadable;
	/* Usually the whole file is in the first window: no copy. */
	if ((p = sr_stream_peek(s, SUDO_JSON_PEEK, &avail)) == NULL) {
		sr_error_clear(&r->err);
		r->err = *sr_stream_error(s);
		e = SR_FAILED;
		goto unreadable;
	}
	if (avail < SUDO_JSON_PEEK) {
		if (avail > max) {
			e = sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, &loc,
			    "log.json is longer than %zu bytes", max);
			goto unreadable;
		}
		e = parse_json(r, &loc, p, avail);
		goto out;
	}
	sr_stream_close(s);
	s = NULL;
	if ((e = slurp(r, st, "log.json", &raw)) != SR_OK)
		goto unreadable;
	e = parse_json(r, &loc, (const unsigned char *)raw.data, raw.len);
	goto out;
unreadable:
	if (e != SR_FATAL) {
		char msg[SR_ERROR_MSG_MAX];

		(void)strlcpy(msg, r->err.msg, sizeof(msg));
		(void)sr_reader_warnf(r, &loc, "cannot read log.json: %s", msg);
		e = SR_FAILED;
	}
out:
	sr_stream_close(s);
	sr_buf_release(&raw);
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
		(void)sr_reader_warn_torn(r, &loc,
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
	if (!has_member(r, st, "timing"))
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, NULL,
		    "not a sudo I/O log: no timing file"));
	if (!has_member(r, st, "log.json") && !has_member(r, st, "log"))
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, NULL,
		    "not a sudo I/O log: neither log.json nor log"));

	/* Metadata: log.json, else the legacy log. */
	if ((je = read_json(r, st)) == SR_FATAL)
		return (je);
	if (je == SR_FAILED) {
		if (!has_member(r, st, "log"))
			return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT,
			    NULL, "no usable log.json and no log"));
		if ((e = read_log(r, st)) == SR_FATAL || e == SR_FAILED)
			return (e);
	}
	if ((e = set_id(r, st)) == SR_FATAL)
		return (e);

	/*
	 * Open timing before looking at its mode: the open's fstat fills
	 * the mode in, which saves a system call per session.
	 */
	if ((e = open_file(r, st, "timing", &st->timing)) == SR_FATAL)
		return (e);
	/* Write bits on timing mean sudo has not finished (3.7). */
	if ((tm = find_file(r, st, "timing")) == NULL || tm->mode == 0)
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
		if ((n = sr_utf8_valid(s + i, len - i)) == 0)
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
	if (!has_member(r, st, streams[idx].file)) {
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
