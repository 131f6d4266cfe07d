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
 * Everything that touches libarchive: reading archives into members, and
 * decoding compressed members (gzip, zstd, xz, bzip2) through its "raw"
 * format, so that nothing here calls zlib or the other codecs directly.
 *
 * Archives.  Only tar and zip are enabled, with only the gzip, bzip2, xz
 * and zstd filters (SECURITY.md §7: never the catch-all functions, which
 * bring in mtree, whose entries name files on disk, and filters that run
 * external programs).  cpio is left out: libarchive 3.6 allocates a
 * cpio entry's name at the size its header claims (up to 4 GiB, found by
 * fuzzing), and binary cpio's two-byte magic matches a ttyrec's first
 * timestamp once in 32768 recordings.  A file is an archive when
 * libarchive recognizes a format and reads a first entry; otherwise it
 * is a plain member.
 * Entries arrive in archive order (a sudo ttyout may precede its
 * timing), so every regular file's bytes are spooled at open, in memory
 * while the spool limit allows and then in one unlinked temporary file.
 * Names are normalized ("./a//b" is "a/b"); names with ".." components,
 * links, devices and encrypted entries are skipped with a warning.  The
 * bytes of all members together are bounded by the decoded limit, since
 * a compressed tar of zeros is a bomb like any other.
 *
 * Decoding.  A member whose first bytes are a compression magic is
 * decoded lazily, as the stream reads, and what is decoded is spooled
 * (memory, then a temporary file) so that the stream can seek back.  A
 * zstd skippable frame (sessrec's native format) is not a magic here.
 * Decoded bytes are bounded by the decoded limit.  A stream that fails
 * to decode after producing data keeps the data and is marked truncated:
 * sudo with iolog_flush writes gzip members that end after a sync flush
 * until the command exits.  libarchive drops the last partly filled
 * output block of a truncated gzip stream, so gzip is decoded once more
 * with an empty final block appended (a sync flush leaves the stream at
 * a byte boundary, where a block may start), which recovers everything
 * up to the last flush.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "compat.h"
#include "input-private.h"

#define LA_BLOCK (64 * 1024)

static const unsigned char empty[1];

/*
 * An empty final block with fixed codes (BFINAL 1, BTYPE 01, end of
 * block), then a trailer; libarchive does not check the trailer's CRC.
 */
static const unsigned char gzip_end[10] = { 0x03, 0x00 };

/* What libarchive reads: a source, then optionally a few extra bytes. */
struct la_client {
	const struct sr_src *src;
	int64_t pos;
	unsigned char *buf;
	size_t cap;
	const unsigned char *tail;
	size_t taillen;
	size_t tailpos;
	int errnum; /* of a failed read */
	int whole;  /* buf[0..prelen) is the whole source: no reads */
	size_t prelen;
};

static la_ssize_t
la_read(struct archive *a, void *arg, const void **out)
{
	struct la_client *c = arg;
	ssize_t r;

	if (c->src->mem != NULL) {
		if (c->pos < c->src->len) {
			*out = c->src->mem + c->pos;
			r = (ssize_t)(c->src->len - c->pos);
			c->pos = c->src->len;
			return (r);
		}
	} else if (c->whole) {
		if ((uint64_t)c->pos < c->prelen) {
			*out = c->buf + c->pos;
			r = (ssize_t)(c->prelen - (size_t)c->pos);
			c->pos = (int64_t)c->prelen;
			return (r);
		}
	} else {
		if ((r = sr_src_pread(c->src, c->buf, c->cap, c->pos)) == -1) {
			c->errnum = errno;
			archive_set_error(a, errno, "read error");
			return (ARCHIVE_FATAL);
		}
		if (r > 0) {
			c->pos += r;
			*out = c->buf;
			return (r);
		}
	}
	if (c->tailpos < c->taillen) {
		*out = c->tail + c->tailpos;
		r = (ssize_t)(c->taillen - c->tailpos);
		c->tailpos = c->taillen;
		return (r);
	}
	*out = empty;
	return (0);
}

static int64_t
la_size(const struct la_client *c)
{
	struct stat st;

	if (c->src->len >= 0)
		return (c->src->len);
	if (fstat(c->src->fd, &st) == -1)
		return (-1);
	return (st.st_size - c->src->base);
}

static la_int64_t
la_seek(struct archive *a, void *arg, la_int64_t off, int whence)
{
	struct la_client *c = arg;
	int64_t np, size;

	(void)a;
	switch (whence) {
	case SEEK_SET:
		np = off;
		break;
	case SEEK_CUR:
		np = c->pos + off;
		break;
	case SEEK_END:
		if ((size = la_size(c)) < 0)
			return (ARCHIVE_FATAL);
		np = size + off;
		break;
	default:
		return (ARCHIVE_FATAL);
	}
	if (np < 0)
		return (ARCHIVE_FATAL);
	c->pos = np;
	return (np);
}

static la_int64_t
la_skip(struct archive *a, void *arg, la_int64_t n)
{
	struct la_client *c = arg;
	int64_t size;

	(void)a;
	if (n <= 0)
		return (0);
	if ((size = la_size(c)) >= 0 && c->pos + n > size)
		n = size > c->pos ? size - c->pos : 0;
	c->pos += n;
	return (n);
}

static const char *
la_error(struct archive *a)
{
	const char *s = archive_error_string(a);

	return (s != NULL ? s : "unknown error");
}

static int
la_filters(struct archive *a)
{
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK)
		return (-1);
	return (0);
}

static int
la_open(struct archive *a, struct la_client *c, int seekable)
{
	(void)archive_read_set_callback_data(a, c);
	(void)archive_read_set_read_callback(a, la_read);
	if (seekable) {
		(void)archive_read_set_seek_callback(a, la_seek);
		(void)archive_read_set_skip_callback(a, la_skip);
	}
	return (archive_read_open1(a));
}

/*
 * "./a//b/./c" is "a/b/c".  Returns 0, or -1 for a ".." component, -2
 * for a name too long and -3 for an empty one.
 */
static int
normalize(const char *raw, char *out, size_t outsz)
{
	const char *p = raw, *q;
	size_t o = 0, l;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		q = strchr(p, '/');
		l = q != NULL ? (size_t)(q - p) : strlen(p);
		if (l == 2 && p[0] == '.' && p[1] == '.')
			return (-1);
		if (!(l == 1 && p[0] == '.')) {
			if (o + 1 + l + 1 > outsz)
				return (-2);
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, l);
			o += l;
		}
		p += l;
	}
	if (o == 0)
		return (-3);
	out[o] = '\0';
	return (0);
}

/* Copies the data of the current entry into memory or the spool file. */
static int
spool_entry(struct sr_input *in, struct archive *a, struct sr_imember *m,
    int64_t hint, unsigned char *chunk, int *broken, struct sr_error *err)
{
	uint64_t spool_max = sr_ctx_limit(in->ctx, SR_LIMIT_SPOOL);
	uint64_t dec_max = sr_ctx_limit(in->ctx, SR_LIMIT_DECODED);
	uint64_t budget =
	    in->spool_mem < spool_max ? spool_max - in->spool_mem : 0;
	unsigned char *mem = NULL, *nm, *dst;
	size_t have = 0, cap = 0, room;
	int64_t off = -1, len = 0;
	uint64_t want;
	la_ssize_t r;
	int tofile = 0;
	struct sr_loc loc;

	if (budget > SIZE_MAX / 2)
		budget = SIZE_MAX / 2;
	if (hint >= 0 && (uint64_t)hint >= budget)
		tofile = 1;
	for (;;) {
		if (!tofile && have == cap) {
			want = cap	? (uint64_t)cap * 2
			    : hint >= 0 ? (uint64_t)hint + 1
					: LA_BLOCK;
			if (want > budget)
				want = budget;
			if (want <= have) {
				/* The memory budget is spent: on to disk. */
				if (have > 0 &&
				    sr_spool_write(&in->spool, mem, have,
					&off) == -1)
					goto ioerr;
				free(mem);
				mem = NULL;
				have = cap = 0;
				tofile = 1;
				continue;
			}
			if ((nm = realloc(mem, (size_t)want)) == NULL) {
				free(mem);
				return (sr_error_set(err, SR_FATAL, SR_E_NOMEM,
				    in->path, NULL, "out of memory"));
			}
			mem = nm;
			cap = (size_t)want;
		}
		if (tofile) {
			dst = chunk;
			room = LA_BLOCK;
		} else {
			dst = mem + have;
			room = cap - have;
		}
		if ((r = archive_read_data(a, dst, room)) == 0)
			break;
		if (r < 0) {
			/*
			 * Keep the bytes before the damage.  After a fatal
			 * error nothing more can be read; after a lesser one
			 * (a zip entry with an unknown method) the next
			 * entries still can.
			 */
			sr_input_warn(in, m->name, SR_E_FORMAT, 0,
			    "cannot read archive entry after %lld bytes: %s",
			    (long long)len, la_error(a));
			*broken = r <= ARCHIVE_FATAL;
			break;
		}
		if (in->total + (uint64_t)r > dec_max) {
			free(mem);
			sr_loc_clear(&loc);
			sr_loc_set_member(&loc, m->name);
			loc.offset = len;
			return (sr_error_set(err, SR_FAILED, SR_E_LIMIT,
			    in->path, &loc,
			    "archive holds more than %llu bytes (decoded "
			    "limit)",
			    (unsigned long long)dec_max));
		}
		in->total += (uint64_t)r;
		len += r;
		if (!tofile)
			have += (size_t)r;
		else if (sr_spool_write(&in->spool, chunk, (size_t)r,
			     off == -1 ? &off : NULL) == -1)
			goto ioerr;
	}
	m->pub.size = len;
	m->len = len;
	if (!tofile) {
		if (cap > have + LA_BLOCK && have > 0 &&
		    (nm = realloc(mem, have)) != NULL)
			mem = nm;
		if (have == 0) {
			free(mem);
			mem = NULL;
		}
		m->where = SR_MDATA_MEM;
		m->owned = mem;
		m->mem = mem != NULL ? mem : empty;
		in->spool_mem += have;
	} else {
		m->where = SR_MDATA_SPOOL;
		m->off = off != -1 ? off : in->spool.len;
	}
	return (SR_OK);
ioerr:
	free(mem);
	return (sr_error_errno(err, SR_FAILED, errno, in->path, m->name, len,
	    "cannot write spool file"));
}

static int
take_entry(struct sr_input *in, struct archive *a, struct archive_entry *e,
    unsigned char *chunk, int *broken, struct sr_error *err)
{
	struct sr_imember *m;
	char name[SR_NAME_MAX + 1];
	const char *raw;
	unsigned type;
	int r;

	if ((raw = archive_entry_pathname(e)) == NULL &&
	    (raw = archive_entry_pathname_utf8(e)) == NULL) {
		sr_input_warn(in, NULL, SR_E_FORMAT, 0,
		    "archive entry without a usable name skipped");
		return (SR_OK);
	}
	type = archive_entry_filetype(e);
	if (type == AE_IFDIR)
		return (SR_OK);
	if (type != AE_IFREG || archive_entry_hardlink(e) != NULL ||
	    archive_entry_symlink(e) != NULL) {
		sr_input_warn(in, raw, SR_E_UNSUPPORTED, 0,
		    "archive entry is not a regular file: skipped");
		return (SR_OK);
	}
	if (archive_entry_is_encrypted(e)) {
		sr_input_warn(in, raw, SR_E_UNSUPPORTED, 0,
		    "encrypted archive entry skipped");
		return (SR_OK);
	}
	if ((r = normalize(raw, name, sizeof(name))) != 0) {
		sr_input_warn(in, raw, SR_E_FORMAT, 0, "%s",
		    r == -1 ? "archive entry with '..' in its name skipped"
			: r == -2 ? "archive entry name too long: skipped"
				  : "archive entry with an empty name skipped");
		return (SR_OK);
	}
	if ((r = sr_input_add(in, name, &m, err)) != SR_OK)
		return (r);
	m->pub.mode = (uint32_t)archive_entry_mode(e);
	if (archive_entry_mtime_is_set(e))
		m->pub.mtime_ns =
		    (int64_t)archive_entry_mtime(e) * SR_NSEC_PER_SEC +
		    archive_entry_mtime_nsec(e);
	return (spool_entry(in, a, m,
	    archive_entry_size_is_set(e) ? archive_entry_size(e) : -1, chunk,
	    broken, err));
}

int
sr_archive_load(struct sr_input *in, const struct sr_src *src, int *isarch,
    struct sr_error *err)
{
	struct archive *a;
	struct archive_entry *e;
	struct la_client c;
	unsigned char *chunk = NULL;
	int r, status = SR_OK, broken = 0;

	*isarch = 0;
	memset(&c, 0, sizeof(c));
	c.src = src;
	if ((a = archive_read_new()) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
		    "out of memory"));
	if (src->mem == NULL) {
		c.cap = SR_WINDOW_SIZE;
		if ((c.buf = malloc(c.cap)) == NULL)
			goto nomem;
	}
	if (la_filters(a) != 0 ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_zip(a) != ARCHIVE_OK)
		goto nomem;
	/*
	 * No format recognized, or no first entry: not an archive.  An
	 * archive without entries is refused too, since tar takes a block
	 * of zeros for one, and a member of NULs is no archive.
	 */
	if (la_open(a, &c, 1) != ARCHIVE_OK)
		goto notarch;
	if ((r = archive_read_next_header(a, &e)) < ARCHIVE_WARN ||
	    r == ARCHIVE_EOF)
		goto notarch;
	*isarch = 1;
	in->kind = SR_INPUT_ARCHIVE;
	if ((chunk = malloc(LA_BLOCK)) == NULL)
		goto nomem;
	while (r != ARCHIVE_EOF) {
		if ((status = take_entry(in, a, e, chunk, &broken, err)) !=
			SR_OK ||
		    broken)
			break;
		if ((r = archive_read_next_header(a, &e)) < ARCHIVE_WARN) {
			/* Keep what came before the damage. */
			if (c.errnum == 0)
				sr_input_warn(in, NULL, SR_E_FORMAT, 0,
				    "archive damaged after %zu members: %s",
				    in->n, la_error(a));
			break;
		}
	}
	if (status == SR_OK && c.errnum != 0)
		status = sr_error_errno(err, SR_FAILED, c.errnum, in->path,
		    NULL, -1, "read error");
	goto out;
notarch:
	if (c.errnum != 0)
		status = sr_error_errno(err, SR_FAILED, c.errnum, in->path,
		    NULL, -1, "read error");
	goto out;
nomem:
	status = sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
	    "out of memory");
out:
	archive_read_free(a);
	free(c.buf);
	free(chunk);
	return (status);
}

/*
 * Decoding.
 */
struct sr_decoder {
	struct archive *a;
	struct la_client c;
	unsigned char *chunk;
	int gzip;
	int salvaging; /* second pass over a truncated gzip member */
	int done;
	int failed;
	int truncated;
	int64_t total;	    /* decoded bytes kept */
	int64_t skip;	    /* bytes the second pass has already delivered */
	unsigned char *mem; /* decoded bytes [0, memlen) */
	size_t memlen;
	size_t memcap;
	uint64_t memmax;
	struct sr_spool spool; /* decoded bytes [memlen, total) */
	uint64_t maxdec;
	char why[160]; /* why the first pass failed */
};

int
sr_decoder_magic(const unsigned char *p, size_t n)
{
	static const unsigned char xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const unsigned char bzblock[6] = { 0x31, 0x41, 0x59, 0x26, 0x53,
		0x59 };
	static const unsigned char bzend[6] = { 0x17, 0x72, 0x45, 0x38, 0x50,
		0x90 };

	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return (1);
	/* A zstd frame, but not a skippable one (0x184D2A5?). */
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f &&
	    p[3] == 0xfd)
		return (1);
	if (n >= 6 && memcmp(p, xz, sizeof(xz)) == 0)
		return (1);
	/* "BZh" alone is text; a block or end-of-stream magic follows. */
	if (n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' &&
	    p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, bzblock, 6) == 0 || memcmp(p + 4, bzend, 6) == 0))
		return (1);
	return (0);
}

static void dec_error(struct sr_stream *, enum sr_errcat, int, const char *,
    ...) SR_PRINTF(4, 5);

static void
dec_error(struct sr_stream *s, enum sr_errcat cat, int errnum, const char *fmt,
    ...)
{
	struct sr_loc loc;
	va_list ap;

	sr_loc_clear(&loc);
	sr_loc_set_member(&loc, s->name);
	loc.offset = s->dec->total;
	va_start(ap, fmt);
	(void)sr_error_vset(&s->err, SR_FAILED, cat, s->in->path, &loc, fmt,
	    ap);
	va_end(ap);
	s->err.errnum = errnum;
	s->dec->failed = 1;
}

/* Starts (or restarts) libarchive on the raw member.  0 or -1. */
static int
dec_start(struct sr_decoder *d, char *why, size_t whylen)
{
	struct archive_entry *e;
	int r;

	if (d->a != NULL)
		archive_read_free(d->a);
	d->c.pos = 0;
	d->c.tailpos = 0;
	if ((d->a = archive_read_new()) == NULL) {
		(void)snprintf(why, whylen, "out of memory");
		return (-1);
	}
	if (la_filters(d->a) != 0 ||
	    archive_read_support_format_raw(d->a) != ARCHIVE_OK ||
	    archive_read_support_format_empty(d->a) != ARCHIVE_OK ||
	    la_open(d->a, &d->c, 0) != ARCHIVE_OK ||
	    (r = archive_read_next_header(d->a, &e)) < ARCHIVE_WARN) {
		(void)snprintf(why, whylen, "%s", la_error(d->a));
		return (-1);
	}
	if (r == ARCHIVE_EOF)
		d->done = 1; /* an empty stream (the 25-byte gzip) */
	return (0);
}

static int
dec_append(struct sr_decoder *d, const unsigned char *p, size_t n)
{
	unsigned char *nm;
	size_t ncap;

	if (d->spool.fd == -1 && (uint64_t)d->memlen + n <= d->memmax) {
		if (d->memlen + n > d->memcap) {
			ncap = d->memcap ? d->memcap : LA_BLOCK;
			while (ncap < d->memlen + n)
				ncap *= 2;
			if ((uint64_t)ncap > d->memmax)
				ncap = (size_t)d->memmax;
			if ((nm = realloc(d->mem, ncap)) == NULL) {
				errno = ENOMEM;
				return (-1);
			}
			d->mem = nm;
			d->memcap = ncap;
		}
		memcpy(d->mem + d->memlen, p, n);
		d->memlen += n;
		return (0);
	}
	/* Past the memory budget everything else goes to the file. */
	return (sr_spool_write(&d->spool, p, n, NULL));
}

/*
 * Restarts a gzip decoder with an empty final block appended, to recover
 * what libarchive dropped.  0 if decoding can go on.
 */
static int
dec_salvage(struct sr_decoder *d, const char *why)
{
	char scratch[160];

	if (!d->gzip || d->salvaging || d->c.errnum != 0)
		return (-1);
	(void)snprintf(d->why, sizeof(d->why), "%s", why);
	d->salvaging = 1;
	d->skip = d->total;
	d->c.tail = gzip_end;
	d->c.taillen = sizeof(gzip_end);
	d->done = 0;
	if (dec_start(d, scratch, sizeof(scratch)) == -1 || d->done) {
		d->done = 0;
		return (-1);
	}
	return (0);
}

/* Ends decoding after a failure; keeps what came out before it. */
static int
dec_failed(struct sr_stream *s, struct sr_decoder *d, const char *why)
{
	if (d->c.errnum != 0) {
		dec_error(s, SR_E_IO, d->c.errnum, "read error: %s",
		    strerror(d->c.errnum));
		return (-1);
	}
	if (dec_salvage(d, why) == 0)
		return (0);
	if (d->total > 0) {
		d->truncated = 1;
		d->done = 1;
		return (0);
	}
	dec_error(s, SR_E_FORMAT, 0, "cannot decode: %s",
	    d->salvaging ? d->why : why);
	return (-1);
}

/* Decodes one more block.  0, or -1 with the stream's error set. */
static int
dec_more(struct sr_stream *s, struct sr_decoder *d)
{
	const unsigned char *p = d->chunk;
	la_ssize_t r;
	size_t n, k;

	if ((r = archive_read_data(d->a, d->chunk, LA_BLOCK)) < 0)
		return (dec_failed(s, d, la_error(d->a)));
	if (r == 0) {
		/* A second pass that ends cleanly still ended early. */
		if (d->salvaging && d->total == 0)
			return (dec_failed(s, d, d->why));
		d->truncated = d->salvaging;
		d->done = 1;
		return (0);
	}
	n = (size_t)r;
	if (d->skip > 0) {
		k = (uint64_t)d->skip < n ? (size_t)d->skip : n;
		p += k;
		n -= k;
		d->skip -= (int64_t)k;
		if (n == 0)
			return (0);
	}
	if ((uint64_t)d->total + n > d->maxdec) {
		dec_error(s, SR_E_LIMIT, 0,
		    "decoded data exceeds the decoded limit of %llu bytes "
		    "(decompression bomb?)",
		    (unsigned long long)d->maxdec);
		return (-1);
	}
	if (dec_append(d, p, n) == -1) {
		dec_error(s, errno == ENOMEM ? SR_E_NOMEM : SR_E_IO, errno,
		    "cannot spool decoded data: %s", strerror(errno));
		return (-1);
	}
	d->total += (int64_t)n;
	return (0);
}

int
sr_decoder_open(struct sr_stream *s, const unsigned char *pre, size_t prelen,
    int whole)
{
	struct sr_decoder *d;
	char why[160];

	if ((d = calloc(1, sizeof(*d))) == NULL)
		goto nomem;
	s->dec = d;
	d->spool.fd = -1;
	d->c.src = &s->src;
	d->memmax = sr_ctx_limit(s->ctx, SR_LIMIT_SPOOL);
	d->maxdec = sr_ctx_limit(s->ctx, SR_LIMIT_DECODED);
	if ((d->chunk = malloc(LA_BLOCK)) == NULL)
		goto nomem;
	if (s->src.mem == NULL && whole && prelen <= LA_BLOCK) {
		/*
		 * The stream already read the whole (small) member: keep a
		 * copy and decode it without another read.
		 */
		d->c.cap = prelen > 0 ? prelen : 1;
		if ((d->c.buf = malloc(d->c.cap)) == NULL)
			goto nomem;
		memcpy(d->c.buf, pre, prelen);
		d->c.prelen = prelen;
		d->c.whole = 1;
	} else if (s->src.mem == NULL) {
		d->c.cap = LA_BLOCK;
		if ((d->c.buf = malloc(d->c.cap)) == NULL)
			goto nomem;
	}
	d->gzip = prelen >= 2 && pre[0] == 0x1f && pre[1] == 0x8b;
	/*
	 * libarchive fails to open a gzip stream that ends before its
	 * first output block is full: a small live sudo log.
	 */
	if (dec_start(d, why, sizeof(why)) == -1 && dec_failed(s, d, why) == -1)
		return (SR_FAILED);
	/*
	 * Decode the first block now, so that a member that cannot be
	 * decoded at all fails to open rather than at its first read.  A
	 * small member read whole is decoded to its end: its stream then
	 * reads the decoded bytes in place.
	 */
	while (
	    !d->done && (d->total == 0 || (d->c.whole && d->total < LA_BLOCK)))
		if (dec_more(s, d) == -1)
			return (d->total > 0 ? SR_OK : SR_FAILED);
	return (SR_OK);
nomem:
	(void)sr_error_set(&s->err, SR_FATAL, SR_E_NOMEM, s->in->path, NULL,
	    "out of memory");
	return (SR_FATAL);
}

const unsigned char *
sr_decoder_mem(const struct sr_decoder *d, size_t *len)
{
	if (!d->done || d->failed || d->spool.fd != -1 ||
	    (uint64_t)d->memlen != (uint64_t)d->total)
		return (NULL);
	*len = d->memlen;
	return (d->mem != NULL ? d->mem : empty);
}

void
sr_decoder_close(struct sr_decoder *d)
{
	if (d == NULL)
		return;
	if (d->a != NULL)
		archive_read_free(d->a);
	free(d->chunk);
	free(d->c.buf);
	free(d->mem);
	sr_spool_close(&d->spool);
	free(d);
}

ssize_t
sr_decoder_pread(struct sr_stream *s, void *buf, size_t n, int64_t off)
{
	struct sr_decoder *d = s->dec;
	unsigned char *out = buf;
	size_t k, got = 0;
	ssize_t r;

	while (!d->done && !d->failed &&
	    (off >= d->total || (uint64_t)(d->total - off) < n))
		if (dec_more(s, d) == -1)
			break;
	if (off >= d->total)
		return (d->failed ? -1 : 0);
	if ((uint64_t)(d->total - off) < n)
		n = (size_t)(d->total - off);
	if (off < (int64_t)d->memlen) {
		k = d->memlen - (size_t)off;
		if (k > n)
			k = n;
		memcpy(out, d->mem + off, k);
		got = k;
		off += (int64_t)k;
	}
	while (got < n) {
		r = pread(d->spool.fd, out + got, n - got,
		    (off_t)(off - (int64_t)d->memlen));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (got > 0)
				break;
			dec_error(s, SR_E_IO, r == 0 ? EIO : errno,
			    "cannot read spooled data: %s",
			    strerror(r == 0 ? EIO : errno));
			return (-1);
		}
		got += (size_t)r;
		off += r;
	}
	return ((ssize_t)got);
}

int64_t
sr_decoder_size(const struct sr_decoder *d)
{
	return (d->done ? d->total : -1);
}

int
sr_decoder_truncated(const struct sr_decoder *d)
{
	return (d->truncated);
}
