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
 * The byte view of a member: peek, consume, read, getline and seek over a
 * window.  A member held in memory is read in place; anything else (a
 * file, a region of a spool file, decoded data) is pulled into a window
 * of SR_WINDOW_SIZE bytes that grows only when a peek or a line needs
 * more, so that lines are found with one memchr over a large block
 * rather than a call per byte.  Files are read with pread(), so streams
 * sharing a descriptor never disturb each other and every stream seeks.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "input-private.h"

static const unsigned char empty[1];

ssize_t
sr_src_pread(const struct sr_src *src, void *buf, size_t n, int64_t off)
{
	ssize_t r;

	if (off < 0) {
		errno = EINVAL;
		return (-1);
	}
	if (src->len >= 0) {
		if (off >= src->len)
			return (0);
		if ((uint64_t)n > (uint64_t)(src->len - off))
			n = (size_t)(src->len - off);
	}
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	if (src->mem != NULL) {
		memcpy(buf, src->mem + off, n);
		return ((ssize_t)n);
	}
	do {
		r = pread(src->fd, buf, n, (off_t)(src->base + off));
	} while (r == -1 && errno == EINTR);
	return (r);
}

void
sr_src_close(struct sr_src *src)
{
	if (src->own_fd && src->fd != -1)
		(void)close(src->fd);
	src->fd = -1;
	src->own_fd = 0;
}

size_t
sr_stream_window_cap(const struct sr_stream *s)
{
	/*
	 * A small spooled member needs no large window.  A file on disk
	 * gets the full window even when small, since it may be a live
	 * log that grows while it is read.
	 */
	if (s->dec == NULL && s->src.len >= 0 && s->src.len < SR_WINDOW_SIZE)
		return (((size_t)s->src.len + 1 + 4095) & ~(size_t)4095);
	return (SR_WINDOW_SIZE);
}

int
sr_stream_window_init(struct sr_stream *s)
{
	const unsigned char *mem;
	size_t cap, len;

	if (s->dec == NULL && s->src.mem != NULL) {
		s->in_place = 1;
		s->win = s->src.mem;
		s->wlen = (size_t)s->src.len;
		return (0);
	}
	/* Everything decoded already, in memory: read it there. */
	if (s->dec != NULL && (mem = sr_decoder_mem(s->dec, &len)) != NULL) {
		s->in_place = 1;
		s->win = mem;
		s->wlen = len;
		return (0);
	}
	cap = sr_stream_window_cap(s);
	if ((s->buf = malloc(cap)) == NULL)
		return (-1);
	s->cap = cap;
	s->win = s->buf;
	return (0);
}

static void set_error(struct sr_stream *, enum sr_errcat, int64_t, const char *,
    ...) SR_PRINTF(4, 5);

static void
set_error(struct sr_stream *s, enum sr_errcat cat, int64_t offset,
    const char *fmt, ...)
{
	struct sr_loc loc;
	va_list ap;

	sr_loc_clear(&loc);
	sr_loc_set_member(&loc, s->name);
	loc.offset = offset;
	va_start(ap, fmt);
	(void)sr_error_vset(&s->err, SR_FAILED, cat, s->in->path, &loc, fmt,
	    ap);
	va_end(ap);
}

/* Reads at offset off of the (decoded) member: count, 0 at the end, -1. */
static ssize_t
pull(struct sr_stream *s, void *buf, size_t n, int64_t off)
{
	ssize_t r;

	if (s->dec != NULL)
		return (sr_decoder_pread(s, buf, n, off));
	if ((r = sr_src_pread(&s->src, buf, n, off)) == -1)
		(void)sr_error_errno(&s->err, SR_FAILED, errno, s->in->path,
		    s->name, off, "read error");
	return (r);
}

/*
 * Makes at least want bytes available after wpos unless the data ends
 * first, growing the window up to bound bytes when want needs it.
 * Returns 0, or -1 with the error set.
 */
static int
fill(struct sr_stream *s, size_t want, size_t bound)
{
	unsigned char *nb;
	size_t ncap;
	ssize_t r;

	if (s->in_place || s->eof || s->wlen - s->wpos >= want)
		return (0);
	if (s->wpos > 0) {
		memmove(s->buf, s->buf + s->wpos, s->wlen - s->wpos);
		s->woff += (int64_t)s->wpos;
		s->wlen -= s->wpos;
		s->wpos = 0;
	}
	if (want > s->cap) {
		ncap = s->cap > SIZE_MAX / 2 ? SIZE_MAX : s->cap * 2;
		if (ncap > bound)
			ncap = bound;
		if (ncap < want)
			ncap = want;
		if ((nb = realloc(s->buf, ncap)) == NULL) {
			set_error(s, SR_E_NOMEM, s->woff, "out of memory");
			return (-1);
		}
		s->buf = nb;
		s->win = nb;
		s->cap = ncap;
	}
	while (s->wlen < want) {
		r = pull(s, s->buf + s->wlen, s->cap - s->wlen,
		    s->woff + (int64_t)s->wlen);
		if (r == -1)
			return (-1);
		if (r == 0) {
			s->eof = 1;
			break;
		}
		s->wlen += (size_t)r;
	}
	return (0);
}

static void
advance(struct sr_stream *s, size_t n)
{
	s->wpos += n;
	s->scanned = s->scanned > n ? s->scanned - n : 0;
}

const unsigned char *
sr_stream_peek(struct sr_stream *s, size_t n, size_t *avail)
{
	uint64_t max;
	size_t have;

	*avail = 0;
	if (s == NULL)
		return (NULL);
	if (!s->in_place && n > s->cap) {
		max = sr_ctx_limit(s->ctx, SR_LIMIT_LINE);
		if (max < SR_WINDOW_SIZE)
			max = SR_WINDOW_SIZE;
		if ((uint64_t)n > max) {
			set_error(s, SR_E_LIMIT, sr_stream_offset(s),
			    "peek of %zu bytes exceeds the line limit", n);
			return (NULL);
		}
	}
	if (fill(s, n, n) == -1)
		return (NULL);
	have = s->wlen - s->wpos;
	*avail = have < n ? have : n;
	return (s->win != NULL ? s->win + s->wpos : empty);
}

void
sr_stream_consume(struct sr_stream *s, size_t n)
{
	size_t have = s->wlen - s->wpos;

	advance(s, n < have ? n : have);
}

int
sr_stream_read(struct sr_stream *s, void *buf, size_t n, size_t *got)
{
	unsigned char *out = buf;
	size_t have, k;
	ssize_t r;

	*got = 0;
	while (n > 0) {
		have = s->wlen - s->wpos;
		if (have > 0) {
			k = have < n ? have : n;
			memcpy(out, s->win + s->wpos, k);
			advance(s, k);
			out += k;
			n -= k;
			*got += k;
			continue;
		}
		if (s->in_place || s->eof)
			break;
		if (n < s->cap) {
			if (fill(s, 1, s->cap) == -1)
				return (SR_FAILED);
			continue;
		}
		/* A large read bypasses the window. */
		s->woff += (int64_t)s->wlen;
		s->wpos = s->wlen = 0;
		s->scanned = 0;
		if ((r = pull(s, out, n, s->woff)) == -1)
			return (SR_FAILED);
		if (r == 0) {
			s->eof = 1;
			break;
		}
		s->woff += r;
		out += r;
		n -= (size_t)r;
		*got += (size_t)r;
	}
	return (SR_OK);
}

/* Skips the rest of an overlong line, then reports it. */
static int
too_long(struct sr_stream *s, size_t max)
{
	int64_t start = sr_stream_offset(s);
	const unsigned char *p, *nl;
	size_t have;

	for (;;) {
		p = s->win + s->wpos;
		have = s->wlen - s->wpos;
		if (have > s->scanned &&
		    (nl = memchr(p + s->scanned, '\n', have - s->scanned)) !=
			NULL) {
			advance(s, (size_t)(nl - p) + 1);
			break;
		}
		advance(s, have);
		if (s->in_place || s->eof)
			break;
		if (fill(s, 1, s->cap) == -1)
			return (SR_FAILED);
	}
	s->scanned = 0;
	set_error(s, SR_E_LIMIT, start, "line longer than %zu bytes", max);
	return (SR_FAILED);
}

int
sr_stream_getline(struct sr_stream *s, const char **line, size_t *len,
    int *complete, size_t max)
{
	const unsigned char *p, *nl;
	size_t have, look, bound;

	*line = "";
	*len = 0;
	*complete = 0;
	bound = max < SIZE_MAX ? max + 1 : max;
	for (;;) {
		p = s->win + s->wpos;
		have = s->wlen - s->wpos;
		/* The '\n' of a line of exactly max bytes is at p[max]. */
		look = have < bound ? have : bound;
		if (look > s->scanned &&
		    (nl = memchr(p + s->scanned, '\n', look - s->scanned)) !=
			NULL) {
			*line = (const char *)p;
			*len = (size_t)(nl - p);
			*complete = 1;
			s->wpos += *len + 1;
			s->scanned = 0;
			return (SR_OK);
		}
		s->scanned = look;
		if (have > max)
			return (too_long(s, max));
		if (s->in_place || s->eof) {
			if (have == 0)
				return (SR_EOF);
			*line = (const char *)p;
			*len = have;
			s->wpos += have;
			s->scanned = 0;
			return (SR_OK);
		}
		if (fill(s, have + 1, bound > s->cap ? bound : s->cap) == -1)
			return (SR_FAILED);
	}
}

int64_t
sr_stream_offset(const struct sr_stream *s)
{
	return (s->woff + (int64_t)s->wpos);
}

int
sr_stream_seek(struct sr_stream *s, int64_t offset)
{
	if (offset < 0) {
		set_error(s, SR_E_MISUSE, offset, "negative seek");
		return (SR_FAILED);
	}
	s->scanned = 0;
	if (s->in_place) {
		s->wpos = (uint64_t)offset < s->wlen ? (size_t)offset : s->wlen;
		return (SR_OK);
	}
	if (offset >= s->woff && offset - s->woff <= (int64_t)s->wlen) {
		s->wpos = (size_t)(offset - s->woff);
		return (SR_OK);
	}
	s->woff = offset;
	s->wpos = s->wlen = 0;
	s->eof = 0;
	return (SR_OK);
}

int64_t
sr_stream_size(struct sr_stream *s)
{
	struct stat st;

	if (s->in_place)
		return ((int64_t)s->wlen);
	if (s->dec != NULL)
		return (sr_decoder_size(s->dec));
	if (s->src.len >= 0)
		return (s->src.len);
	if (fstat(s->src.fd, &st) == -1)
		return (-1);
	return (st.st_size);
}
