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
 * The ttyrec reader (ttyrec 1.0.8; FORMATS.md section 7).  One file is
 * one session of output only.
 *
 * Grammar:
 *
 *   file   = *record
 *   record = sec usec len data
 *   sec    = u32 LE     ; absolute Unix time of the write, seconds
 *   usec   = u32 LE     ; microseconds, < 1000000 when written by ttyrec
 *   len    = u32 LE     ; bytes of data
 *   data   = len bytes written to the terminal
 *
 * There is no magic number, metadata, size, input or end record.  The
 * session starts at the first record's time and lasts until the last
 * one's; t_ns is a record's time minus the first.  Like ttyplay, a usec
 * of 1000000 or more is simply added, and a step backwards is clamped to
 * the previous time; both get a warning.  A record longer than the event
 * limit fails the session (ttyrec writes at most a read buffer's worth,
 * so only a damaged or hostile file has one).
 *
 * ttyplay drops a truncated last record silently.  We keep the bytes that
 * exist, since they were shown on the recorded terminal, warn, and mark
 * the session incomplete; the event carries no special flag (SR_EVF_GAP
 * means data lost *before* an event, and nothing follows this one).
 *
 * The size is unknown, but players (asciinema-player) take it from an
 * "ESC [ 8 ; ROWS ; COLS t" request in the first record, and so do we.
 * The session id is the file's base name without ".ttyrec" or ".tty" and
 * a compression suffix.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

#define TTYREC_HDR 12
/* How much of the member the probe looks at. */
#define TTYREC_PEEK (64 * 1024)
/* How much of the first record is searched for a size request. */
#define TTYREC_GEOM_PEEK 4096
/* Consecutive records of one session lie less than a day apart. */
#define TTYREC_MAX_GAP_S 86400

struct ttyrec_state {
	struct sr_stream *s;
	int done;	  /* the one session was returned */
	int have_first;	  /* first_ns is set */
	int64_t first_ns; /* time of the first record */
	int64_t t_ns;	  /* time of the previous event */
	size_t pending;	  /* data bytes to consume before the next header */
	size_t max_event;
};

static int64_t
rec_time(const unsigned char *h)
{
	return ((int64_t)sr_le32(h) * SR_NSEC_PER_SEC +
	    (int64_t)sr_le32(h + 4) * SR_NSEC_PER_USEC);
}

static void
off_loc(struct sr_loc *loc, int64_t offset)
{
	sr_loc_clear(loc);
	loc->offset = offset;
}

/*
 * Strips a compression suffix, then ".ttyrec" or ".tty"; *own is set when
 * one of those was there.
 */
static size_t
strip_suffixes(const char *name, int *own_found)
{
	static const char *const comp[] = { ".gz", ".zst", ".xz", ".bz2" };
	static const char *const own[] = { ".ttyrec", ".tty" };
	size_t len = strlen(name), i, sl;

	for (i = 0; i < nitems(comp); i++) {
		sl = strlen(comp[i]);
		if (len > sl && strcmp(name + len - sl, comp[i]) == 0) {
			len -= sl;
			break;
		}
	}
	*own_found = 0;
	for (i = 0; i < nitems(own); i++) {
		sl = strlen(own[i]);
		if (len > sl && strncmp(name + len - sl, own[i], sl) == 0) {
			len -= sl;
			*own_found = 1;
			break;
		}
	}
	return (len);
}

/*
 * Finds "ESC [ 8 ; ROWS ; COLS t" (xterm's window size request) in d.
 */
static int
find_geometry(const unsigned char *d, size_t len, unsigned *rows,
    unsigned *cols)
{
	const unsigned char *p = d, *end = d + len, *q, *semi;
	uint64_t rv, cv;

	while ((p = memchr(p, 0x1b, (size_t)(end - p))) != NULL) {
		q = p + 1;
		p++;
		if (end - q < 4 || memcmp(q, "[8;", 3) != 0)
			continue;
		q += 3;
		if ((semi = memchr(q, ';', (size_t)(end - q))) == NULL)
			return (-1);
		if (sr_parse_u64((const char *)q, (size_t)(semi - q), 65535,
			&rv) != 0)
			continue;
		q = semi + 1;
		for (semi = q; semi < end && *semi >= '0' && *semi <= '9';
		     semi++)
			;
		if (semi >= end || *semi != 't' ||
		    sr_parse_u64((const char *)q, (size_t)(semi - q), 65535,
			&cv) != 0 ||
		    rv == 0 || cv == 0)
			continue;
		*rows = (unsigned)rv;
		*cols = (unsigned)cv;
		return (0);
	}
	return (-1);
}

/*
 * Walks the headers once for the duration and the completion state.
 * Damage is left for the reading to report, with its location.
 */
static int
ttyrec_scan(struct sr_reader *r, struct ttyrec_state *st)
{
	const unsigned char *h, *d;
	int64_t off = 0, size, t, last = 0;
	size_t avail, len;
	int first = 1;

	size = sr_stream_size(st->s);
	for (;;) {
		if ((h = sr_stream_peek(st->s, TTYREC_HDR, &avail)) == NULL)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, NULL,
			    "cannot read: %s", sr_stream_error(st->s)->msg));
		if (avail == 0)
			break;
		if (avail < TTYREC_HDR) {
			r->session.state = SR_STATE_INCOMPLETE;
			break;
		}
		len = sr_le32(h + 8);
		t = rec_time(h);
		if (first) {
			r->session.start_ns = st->first_ns = last = t;
			r->session.have |= SR_HAVE_START;
			st->have_first = 1;
			first = 0;
			if (len > st->max_event)
				break;
			sr_stream_consume(st->s, TTYREC_HDR);
			d = sr_stream_peek(st->s,
			    len < TTYREC_GEOM_PEEK ? len : TTYREC_GEOM_PEEK,
			    &avail);
			if (d != NULL &&
			    find_geometry(d, avail, &r->session.rows,
				&r->session.cols) == 0)
				r->session.have |= SR_HAVE_GEOMETRY;
		}
		if (len > st->max_event)
			break; /* the reading fails there */
		off += TTYREC_HDR;
		/* A record shows on the timeline once a byte of it exists. */
		if (t > last && (len == 0 || size < 0 || size > off))
			last = t;
		if (size >= 0) {
			if ((int64_t)len > size - off) {
				r->session.state = SR_STATE_INCOMPLETE;
				break;
			}
			off += (int64_t)len;
			if (sr_stream_seek(st->s, off) != SR_OK)
				return (sr_reader_errorf(r, SR_FAILED, SR_E_IO,
				    NULL, "cannot seek: %s",
				    sr_stream_error(st->s)->msg));
			continue;
		}
		/* Size unknown (still decoding): step over the data. */
		if (sr_stream_seek(st->s, off) != SR_OK ||
		    (d = sr_stream_peek(st->s, len, &avail)) == NULL)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, NULL,
			    "cannot read: %s", sr_stream_error(st->s)->msg));
		sr_stream_consume(st->s, avail);
		off += (int64_t)avail;
		if (avail < len) {
			r->session.state = SR_STATE_INCOMPLETE;
			break;
		}
	}
	if (!first)
		r->session.duration_ns = last - st->first_ns;
	if (sr_stream_truncated(st->s))
		r->session.state = SR_STATE_INCOMPLETE;
	if (sr_stream_seek(st->s, 0) != SR_OK)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, NULL,
		    "cannot rewind: %s", sr_stream_error(st->s)->msg));
	return (SR_OK);
}

static int
ttyrec_open(struct sr_reader *r)
{
	struct ttyrec_state *st = r->state;

	st->max_event = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_EVENT);
	return (sr_reader_stream_open(r, "", 0, &st->s));
}

static void
ttyrec_close(struct sr_reader *r)
{
	struct ttyrec_state *st = r->state;

	sr_stream_close(st->s);
	st->s = NULL;
}

static int
ttyrec_next_session(struct sr_reader *r)
{
	struct ttyrec_state *st = r->state;
	const char *base = sr_basename(r->member);
	struct sr_loc loc;
	int s, own;

	if (st->done)
		return (SR_EOF);
	st->done = 1;
	if (base[0] != '\0') {
		s = sr_session_set(&r->session, SR_F_SESSION_ID, base,
		    strip_suffixes(base, &own));
		if (s == SR_FATAL)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory"));
	}
	if ((s = ttyrec_scan(r, st)) != SR_OK)
		return (s);
	if (!st->have_first) {
		off_loc(&loc, 0);
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "no ttyrec record"));
	}
	r->session.have |= SR_HAVE_DURATION;
	return (SR_OK);
}

static int
ttyrec_next_event(struct sr_reader *r)
{
	struct ttyrec_state *st = r->state;
	const unsigned char *h, *d;
	struct sr_loc loc;
	size_t avail, len;
	int64_t off, t;
	uint32_t usec;
	int warned = 0;

	if (st->pending > 0) {
		sr_stream_consume(st->s, st->pending);
		st->pending = 0;
	}
	off = sr_stream_offset(st->s);
	off_loc(&loc, off);
	if ((h = sr_stream_peek(st->s, TTYREC_HDR, &avail)) == NULL)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, &loc,
		    "cannot read: %s", sr_stream_error(st->s)->msg));
	if (avail == 0)
		return (SR_EOF);
	if (avail < TTYREC_HDR) {
		sr_stream_consume(st->s, avail);
		(void)sr_reader_warn_torn(r, &loc,
		    "truncated record header: %zu of %d bytes", avail,
		    TTYREC_HDR);
		return (SR_EOF);
	}
	len = sr_le32(h + 8);
	usec = sr_le32(h + 4);
	t = rec_time(h);
	if (len > st->max_event)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, &loc,
		    "record of %zu bytes exceeds the event limit of %zu", len,
		    st->max_event));
	if (usec >= 1000000) {
		warned = 1;
		(void)sr_reader_warnf(r, &loc, "microseconds out of range: %lu",
		    (unsigned long)usec);
	}
	if (!st->have_first) {
		/* Only when the scan could not read the first header. */
		st->first_ns = t;
		st->have_first = 1;
	}
	t -= st->first_ns;
	if (t < st->t_ns) {
		warned = 1;
		(void)sr_reader_warnf(r, &loc, "record time goes backwards");
		t = st->t_ns;
	}
	st->t_ns = t;
	sr_stream_consume(st->s, TTYREC_HDR);
	if ((d = sr_stream_peek(st->s, len, &avail)) == NULL)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, &loc,
		    "cannot read: %s", sr_stream_error(st->s)->msg));
	if (avail < len) {
		warned = 1;
		(void)sr_reader_warn_torn(r, &loc,
		    "truncated record: %zu of %zu bytes", avail, len);
		if (avail == 0)
			return (SR_EOF);
	}
	/* Consumed on the next call, so that d stays valid until then. */
	st->pending = avail;
	r->ev.type = SR_EV_OUTPUT;
	r->ev.stream = SR_STREAM_TTYOUT;
	r->ev.t_ns = t;
	r->ev.data = d;
	r->ev.len = avail;
	r->ev.loc.offset = off;
	return (warned ? SR_WARN : SR_OK);
}

/* One session per file: nothing to skip. */
static int
ttyrec_skip_session(struct sr_reader *r)
{
	(void)r;
	return (SR_OK);
}

/* Whether a header is plausible on its own. */
static int
hdr_ok(const unsigned char *h, uint64_t max_event)
{
	uint32_t len = sr_le32(h + 8);

	return (sr_le32(h + 4) < 1000000 && len > 0 && len <= max_event);
}

/*
 * ttyrec has no magic number, so each plausible header is weak evidence
 * and the bid stays near 30, below anything with a magic number or a
 * grammar, and below 50 even for a file called *.ttyrec or *.tty.  A
 * header is plausible when its microseconds are below a million and its
 * length is between 1 (ttyrec never writes empty records) and the event
 * limit; a following header must also be no earlier than the one before
 * it and less than a day after.  Random bytes pass the first test with a
 * chance of about 1 in 4000 * 4000, text never (a usec below a million
 * needs two NUL bytes).
 */
static int
ttyrec_probe(struct sr_probe *p)
{
	static const int points[] = { 10, 8, 6 };
	const unsigned char *d;
	const char *base;
	uint64_t max_event = sr_probe_limit(p, SR_LIMIT_EVENT);
	size_t avail, off = 0, i, len;
	int64_t prev = 0, t;
	int bid = 0, own;

	if ((d = sr_probe_peek(p, TTYREC_PEEK, &avail)) == NULL ||
	    avail < TTYREC_HDR)
		return (0);
	for (i = 0; i < nitems(points); i++) {
		if (avail - off < TTYREC_HDR)
			break;
		/*
		 * A bad header after good ones is a damaged recording, not
		 * another format: keep the evidence so that reading it says
		 * where it broke instead of "unrecognized".
		 */
		if (!hdr_ok(d + off, max_event))
			return (i == 0 ? 0 : bid);
		t = (int64_t)sr_le32(d + off);
		if (i > 0 && (t < prev || t - prev >= TTYREC_MAX_GAP_S))
			return (bid); /* possible, but no more evidence */
		prev = t;
		bid += points[i];
		len = sr_le32(d + off + 8);
		if (avail - off - TTYREC_HDR < len)
			break; /* beyond the peek, or truncated */
		off += TTYREC_HDR + len;
	}
	/* Records ending exactly at the end of a short file. */
	if (off == avail && avail < TTYREC_PEEK)
		bid += 4;
	base = sr_probe_basename(p);
	(void)strip_suffixes(base, &own);
	if (own)
		bid += 8;
	return (bid);
}

static const char *const ttyrec_suffixes[] = { ".ttyrec", ".tty", NULL };

const struct sr_format sr_fmt_ttyrec = {
	.name = "ttyrec",
	.description = "ttyrec (ttyrec, ttyplay)",
	.suffixes = ttyrec_suffixes,
	.caps = SR_FMT_READ,
	.state_size = sizeof(struct ttyrec_state),

	.probe = ttyrec_probe,
	.open = ttyrec_open,
	.close = ttyrec_close,
	.next_session = ttyrec_next_session,
	.next_event = ttyrec_next_event,
	.skip_session = ttyrec_skip_session,
};
