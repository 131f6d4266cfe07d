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
 * The native reader: sessrec's own recordings (.srec), one session each.
 * lib/native.h has the grammar:
 *
 *	file = header ck0 *( chunk / checkpoint / index ) [ index ] seal
 *	       [ abandoned ]
 *	chunk = data chain	; a zstd frame of tlog 2.3 lines, its record
 *
 * open() walks the frames once.  The header's JSON gives the metadata
 * and h0; every data frame is decoded (its declared content size must be
 * there and at most SR_CHUNK_READ_MAX before anything is decoded; the
 * window is capped at SR_NATIVE_WINDOWLOG; output grows only as zstd
 * produces it) and checked against its chain record by recomputing the
 * hash chain (not under SR_CTX_NO_CHAIN: a search trusts the bytes);
 * checkpoints and the seal are compared with the chain too.
 * Signatures are not checked here: that is verify's job.  The plaintext
 * of the good chunks is concatenated into a spool (memory, then an
 * unlinked temporary file) and the tlog reader runs over it, so events,
 * markers (sr_mark) and the end (sr_end) are read exactly as in a tlog
 * file.  The seal gives the end, exit status and duration; the session
 * is complete only when a seal is the last frame.
 *
 * Damage: the walk stops at the first torn or corrupt frame with the
 * warning "recording incomplete: torn chunk at offset N" and keeps every
 * chunk before it; the session is then incomplete.  A chain that does
 * not match is a warning naming the chunk and its offset; the chain then
 * goes on from the recorded value, so one changed chunk is one warning.
 * Problems found by the tlog reader inside the chunks carry the line
 * numbers and offsets of the decoded text, as "zstd -dc" prints it.
 *
 * The member is opened like any other (not SR_OPEN_RAW), so that open
 * sees what the probe saw: the input layer decodes nothing that starts
 * with a skippable frame, so a .srec is read raw.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zstd.h>

#include "compat.h"
#include "json.h"
#include "native.h"
#include "sr-private.h"
#include "tlog-private.h"

/* Compressed bytes handed to zstd at a time. */
#define NAT_PEEK (128 * 1024)
/*
 * Plaintext kept in memory before the spool moves to a temporary file
 * (and never more than the spool limit).  A file costs a write and a
 * read of every byte: grep reads about 250 MB/s through one, so the
 * bound is the spool limit's default rather than less.
 */
#define NAT_MEM_MAX (64 * 1024 * 1024)
/* Plaintext bytes expected per compressed byte, to size the spool. */
#define NAT_RATIO 16
/* The least output room given to zstd. */
#define NAT_ROOM_MIN (64 * 1024)
/* The longest zstd frame header (ZSTD_FRAMEHEADERSIZE_MAX, not stable API). */
#define NAT_ZHDR_MAX   18
#define NAT_SKIP_MASK  0xFFFFFFF0U
#define NAT_SKIP_MAGIC 0x184D2A50U

struct nat_state {
	struct tl_state tl; /* first: the tlog functions find it at r->state */
	int tl_open;	    /* the tlog index ran over the spool */
	int done;	    /* the one session was returned */
	int lazy;	    /* sealed: chunks decoded on the first event */
	int64_t hdr_end;    /* offset of the frame after the header */
	json_t *hdr;
	unsigned char h0[SR_HASH_LEN];
	unsigned char h[SR_HASH_LEN]; /* h_seq */
	uint64_t seq;		      /* chunks kept */
	uint32_t ck_next;	      /* checkpoint number expected */
	struct sr_seal_rec seal;
	int have_seal;
	int seal_last; /* the seal is the last frame */
	int abandoned;
	int last_kind;	/* of the frame before: a kind, 'D' data, 0 none */
	int torn;	/* the walk stopped at damage */
	int resync;	/* a chunk had no chain record: take the next one's */
	int after_seal; /* warned about frames after the seal */
	/*
	 * The chunk decoded last, until its chain record is read: in chunk,
	 * or (direct) already in place at the end of the memory spool.
	 * cdata and clen say where.
	 */
	int pending;
	int direct;
	const char *cdata;
	size_t clen;
	int64_t poff;
	uint64_t pclen;
	struct sr_buf chunk;
	struct sr_buf body; /* a skippable frame's body */
	ZSTD_DCtx *dctx;
	/* The spool of plaintext: memory, then a temporary file. */
	struct sr_buf mem;
	int fd;
	int64_t flen;
	uint64_t total, total_max;
};

/* What a step of the walk says. */
enum { NW_NEXT, NW_STOP };

static int nat_warn(struct sr_reader *, enum sr_errcat, int64_t off,
    const char *, ...) SR_PRINTF(4, 5);

static int
nat_warn(struct sr_reader *r, enum sr_errcat cat, int64_t off, const char *fmt,
    ...)
{
	struct sr_loc loc;
	va_list ap;

	sr_loc_clear(&loc);
	loc.offset = off;
	va_start(ap, fmt);
	(void)sr_reader_vwarnf(r, cat, &loc, fmt, ap);
	va_end(ap);
	return (SR_WARN);
}

/* Passes an error on as a warning. */
static int warn_cat(struct sr_reader *, enum sr_errcat, const struct sr_loc *,
    const char *, ...) SR_PRINTF(4, 5);

static int
warn_cat(struct sr_reader *r, enum sr_errcat cat, const struct sr_loc *loc,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)sr_reader_vwarnf(r, cat, loc, fmt, ap);
	va_end(ap);
	return (SR_WARN);
}

static int
warn_err(struct sr_reader *r, const struct sr_error *e)
{
	struct sr_loc loc = e->loc;

	return (warn_cat(r, e->cat, &loc, "%s", e->msg));
}

/* The walk ends here: warned, every chunk before is kept. */
static int nat_torn(struct sr_reader *, enum sr_errcat, int64_t off,
    const char *, ...) SR_PRINTF(4, 5);

static int
nat_torn(struct sr_reader *r, enum sr_errcat cat, int64_t off, const char *fmt,
    ...)
{
	struct nat_state *st = r->state;
	char why[256];
	va_list ap;

	st->torn = 1;
	why[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	(void)nat_warn(r, cat, off,
	    "recording incomplete: torn chunk at offset %lld%s%s%s",
	    (long long)off, why[0] ? " (" : "", why, why[0] ? ")" : "");
	return (NW_STOP);
}

static int
nat_nomem(struct sr_reader *r)
{
	return (
	    sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL, "out of memory"));
}

static int
nat_io(struct sr_reader *r, struct sr_stream *s, int64_t off)
{
	const struct sr_error *se = sr_stream_error(s);
	struct sr_loc loc;

	sr_loc_clear(&loc);
	loc.offset = off;
	return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, &loc, "%s",
	    se != NULL && se->msg[0] ? se->msg : "read error"));
}

/*
 * The spool.
 */

static int
spool_add(struct sr_reader *r, const void *p, size_t n)
{
	struct nat_state *st = r->state;
	const char *c = p;
	ssize_t w;

	if (st->fd == -1 && st->mem.len + n <= st->mem.max) {
		if (sr_buf_append(&st->mem, p, n) != SR_E_NONE)
			return (nat_nomem(r));
		return (SR_OK);
	}
	if (st->fd == -1) {
		/* Too big for memory: everything moves to a file. */
		if ((st->fd = sr_tmpfile()) == -1)
			goto fail;
		st->flen = 0;
		if (spool_add(r, st->mem.data, st->mem.len) != SR_OK)
			return (SR_FAILED);
		sr_buf_release(&st->mem);
		st->mem.max = 0;
	}
	while (n > 0) {
		w = pwrite(st->fd, c, n, (off_t)st->flen);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			goto fail;
		}
		c += w;
		n -= (size_t)w;
		st->flen += w;
	}
	return (SR_OK);
fail:
	return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, NULL,
	    "cannot spool the decoded recording: %s", strerror(errno)));
}

/* Adds the pending chunk to the spool. */
static int
chunk_keep(struct sr_reader *r, int chained)
{
	struct nat_state *st = r->state;

	if (!chained)
		st->resync = 1;
	st->pending = 0;
	st->seq++;
	if (st->direct) {
		/* Decoded in place: walk_data() checked that it fits. */
		st->direct = 0;
		st->mem.len += st->clen;
		st->mem.data[st->mem.len] = '\0';
		return (SR_OK);
	}
	return (spool_add(r, st->chunk.data, st->chunk.len));
}

/* The pending chunk is followed by something other than its chain record. */
static int
chunk_unchained(struct sr_reader *r)
{
	struct nat_state *st = r->state;

	(void)nat_warn(r, SR_E_FORMAT, st->poff,
	    "chunk %llu at offset %lld has no chain record",
	    (unsigned long long)(st->seq + 1), (long long)st->poff);
	return (chunk_keep(r, 0));
}

/*
 * Frames.
 */

/*
 * Reads a skippable frame's body (blen bytes after its 14-byte head at
 * off) into st->body.  SR_OK, NW_STOP when the file ends first, or an
 * error status.
 */
static int
read_body(struct sr_reader *r, struct sr_stream *s, int64_t off, uint32_t blen)
{
	struct nat_state *st = r->state;
	size_t got, want;
	int ret;

	sr_buf_reset(&st->body);
	sr_stream_consume(s, SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX);
	while (st->body.len < blen) {
		/* Memory grows with what is there, not with what is claimed. */
		want = blen - st->body.len;
		if (want > NAT_PEEK)
			want = NAT_PEEK;
		if (sr_buf_reserve(&st->body, want) != SR_E_NONE)
			return (nat_nomem(r));
		ret =
		    sr_stream_read(s, st->body.data + st->body.len, want, &got);
		if (ret != SR_OK)
			return (nat_io(r, s, off));
		if (got == 0)
			return (NW_STOP);
		st->body.len += got;
	}
	return (SR_OK);
}

/* Skips n bytes without keeping them.  SR_OK or NW_STOP at the end. */
static int
skip_bytes(struct sr_reader *r, struct sr_stream *s, int64_t off, uint64_t n)
{
	const unsigned char *p;
	size_t avail;

	while (n > 0) {
		p = sr_stream_peek(s, n < NAT_PEEK ? (size_t)n : NAT_PEEK,
		    &avail);
		if (p == NULL)
			return (nat_io(r, s, off));
		if (avail == 0)
			return (NW_STOP);
		sr_stream_consume(s, avail);
		n -= avail;
	}
	return (SR_OK);
}

/* Skips the whole skippable frame at off, whose body is len bytes. */
static int
skip_frame(struct sr_reader *r, struct sr_stream *s, int64_t off, uint32_t len)
{
	int ret;

	ret = skip_bytes(r, s, off, (uint64_t)len + SR_NATIVE_SKIPHDR);
	if (ret == NW_STOP)
		return (nat_torn(r, SR_E_TRUNCATED, off, NULL));
	return (ret == SR_OK ? NW_NEXT : ret);
}

/* Whether hex (2n lowercase or uppercase hex digits) spells b[0..n). */
static int
hex_eq(const char *hex, size_t len, const unsigned char *b, size_t n)
{
	size_t i;

	if (len != n * 2)
		return (0);
	for (i = 0; i < n; i++)
		if (sr_hexval((unsigned char)hex[2 * i]) != b[i] >> 4 ||
		    sr_hexval((unsigned char)hex[2 * i + 1]) != (b[i] & 15))
			return (0);
	return (1);
}

/* Whether rec_id matches the header's (a header without one matches). */
static int
rec_id_ok(const struct nat_state *st, const unsigned char *rec_id)
{
	json_t *v = json_object_get(st->hdr, "rec_id");

	if (!json_is_string(v))
		return (1);
	return (hex_eq(json_string_value(v), json_string_length(v), rec_id,
	    SR_RECID_LEN));
}

/* The current chain value: h0 before the first chunk. */
static const unsigned char *
chain_now(const struct nat_state *st)
{
	return (st->seq == 0 ? st->h0 : st->h);
}

static int
take_chain(struct sr_reader *r, int64_t off)
{
	struct nat_state *st = r->state;
	struct sr_chain_rec c;
	unsigned char h[SR_HASH_LEN];
	uint64_t seq = st->seq + 1;

	if (sr_chain_decode((unsigned char *)st->body.data, st->body.len, &c) !=
	    0)
		return (nat_torn(r, SR_E_FORMAT, off,
		    "chain record of %zu bytes", st->body.len));
	if (!st->pending) {
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "chain record for chunk %llu follows no chunk",
		    (unsigned long long)c.seq);
		return (NW_NEXT);
	}
	if (c.seq != seq || c.len != st->clen || c.clen != st->pclen)
		(void)nat_warn(r, SR_E_FORMAT, st->poff,
		    "chunk %llu at offset %lld: its chain record says chunk "
		    "%llu of %lu bytes (%lu compressed), not %zu (%llu)",
		    (unsigned long long)seq, (long long)st->poff,
		    (unsigned long long)c.seq, (unsigned long)c.len,
		    (unsigned long)c.clen, st->clen,
		    (unsigned long long)st->pclen);
	/*
	 * A search need not pay for the chain (SHA-256 of every byte, a
	 * fifth of grep's time): verify checks it.  Without it the chain
	 * goes on from the recorded values, which the checkpoints and
	 * the seal are still compared with.
	 */
	if (!(sr_ctx_flags(r->ctx) & SR_CTX_NO_CHAIN)) {
		memcpy(h, chain_now(st), SR_HASH_LEN);
		sr_chain_step(h, seq, c.stream, c.t_ns, st->cdata, st->clen);
		/* After a chunk without its record the chain is lost. */
		if (memcmp(h, c.h, SR_HASH_LEN) != 0 && !st->resync)
			(void)nat_warn(r, SR_E_FORMAT, st->poff,
			    "chunk %llu at offset %lld: hash chain broken "
			    "(this chunk or one before it was changed)",
			    (unsigned long long)seq, (long long)st->poff);
	}
	/* Go on from the recorded value: one changed chunk, one warning. */
	memcpy(st->h, c.h, SR_HASH_LEN);
	st->resync = 0;
	return (chunk_keep(r, 1) == SR_OK ? NW_NEXT : SR_FAILED);
}

static int
take_checkpoint(struct sr_reader *r, int64_t off)
{
	struct nat_state *st = r->state;
	struct sr_checkpoint_rec k;

	if (sr_checkpoint_decode((unsigned char *)st->body.data, st->body.len,
		&k) != 0)
		return (nat_torn(r, SR_E_FORMAT, off,
		    "checkpoint record of %zu bytes", st->body.len));
	if (k.ck_no != st->ck_next)
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "checkpoint %lu at offset %lld: checkpoint %lu expected",
		    (unsigned long)k.ck_no, (long long)off,
		    (unsigned long)st->ck_next);
	if (k.seq != st->seq || memcmp(k.h, chain_now(st), SR_HASH_LEN) != 0 ||
	    !rec_id_ok(st, k.rec_id))
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "checkpoint %lu at offset %lld does not match the chain "
		    "of chunk %llu",
		    (unsigned long)k.ck_no, (long long)off,
		    (unsigned long long)st->seq);
	st->ck_next = k.ck_no + 1;
	return (NW_NEXT);
}

static int
take_seal(struct sr_reader *r, int64_t off)
{
	struct nat_state *st = r->state;
	struct sr_seal_rec s;

	if (sr_seal_decode((unsigned char *)st->body.data, st->body.len, &s) !=
	    0)
		return (nat_torn(r, SR_E_FORMAT, off,
		    "seal record of %zu bytes", st->body.len));
	if (st->have_seal)
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "second seal at offset %lld", (long long)off);
	if (s.n != st->seq || memcmp(s.hn, chain_now(st), SR_HASH_LEN) != 0 ||
	    memcmp(s.h0, st->h0, SR_HASH_LEN) != 0 || !rec_id_ok(st, s.rec_id))
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "seal at offset %lld does not match the chain: it covers "
		    "%llu chunks, %llu read",
		    (long long)off, (unsigned long long)s.n,
		    (unsigned long long)st->seq);
	st->seal = s;
	st->have_seal = 1;
	return (NW_NEXT);
}

/* Something was appended to a sealed recording: said once. */
static void
after_seal(struct sr_reader *r, int64_t off)
{
	struct nat_state *st = r->state;

	if (st->after_seal)
		return;
	st->after_seal = 1;
	(void)nat_warn(r, SR_E_FORMAT, off,
	    "frames after the seal, from offset %lld", (long long)off);
}

/* A skippable frame at off. */
static int
walk_skip(struct sr_reader *r, struct sr_stream *s, int64_t off,
    const unsigned char *p, size_t avail)
{
	struct nat_state *st = r->state;
	uint32_t blen, len;
	int kind, version, ret;

	if (avail < SR_NATIVE_SKIPHDR)
		return (nat_torn(r, SR_E_TRUNCATED, off, NULL));
	len = sr_le32(p + 4);
	ret = sr_native_skip_parse(p, avail, &kind, &blen, &version);
	/* A chain record is the tail of its chunk's write. */
	if (ret == 1 && kind == SR_NK_CHAIN && st->pending)
		off = st->poff;
	if (ret < 0)
		return (nat_torn(r, SR_E_TRUNCATED, off, NULL));
	if (ret == 0) {
		/* zstd skips these; a reader shows they are there. */
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "foreign skippable frame of %lu bytes at offset %lld "
		    "skipped",
		    (unsigned long)len, (long long)off);
		return (skip_frame(r, s, off, len));
	}
	if (version != SR_NATIVE_VERSION || kind == SR_NK_HEADER ||
	    (kind != SR_NK_CHAIN && kind != SR_NK_CHECKPOINT &&
		kind != SR_NK_SEAL && kind != SR_NK_INDEX &&
		kind != SR_NK_ABANDONED)) {
		(void)nat_warn(r, SR_E_FORMAT, off,
		    "%s frame '%c' (version %d) at offset %lld skipped",
		    kind == SR_NK_HEADER ? "second header" : "unknown",
		    kind > 0x20 && kind < 0x7f ? kind : '?', version,
		    (long long)off);
		return (skip_frame(r, s, off, len));
	}
	if (blen > SR_SKIP_READ_MAX)
		return (nat_torn(r, SR_E_LIMIT, off,
		    "frame of %lu bytes, over the limit of %u",
		    (unsigned long)blen, SR_SKIP_READ_MAX));
	if ((ret = read_body(r, s, off, blen)) != SR_OK)
		return (ret == NW_STOP ? nat_torn(r, SR_E_TRUNCATED, off, NULL)
				       : ret);
	if (st->pending && kind != SR_NK_CHAIN && chunk_unchained(r) != SR_OK)
		return (SR_FAILED);
	if (st->have_seal && kind != SR_NK_ABANDONED)
		after_seal(r, off);
	switch (kind) {
	case SR_NK_CHAIN:
		return (take_chain(r, off));
	case SR_NK_CHECKPOINT:
		return (take_checkpoint(r, off));
	case SR_NK_SEAL:
		return (take_seal(r, off));
	case SR_NK_INDEX:
		if (st->body.len < 4 ||
		    (uint64_t)sr_le32((unsigned char *)st->body.data) *
				SR_INDEX_ENTRY_LEN +
			    4 !=
			st->body.len)
			(void)nat_warn(r, SR_E_FORMAT, off,
			    "index at offset %lld has a bad length",
			    (long long)off);
		return (NW_NEXT);
	case SR_NK_ABANDONED:
	default:
		st->abandoned = 1;
		return (NW_NEXT);
	}
}

/* Output room for the next zstd call; 0 when out of memory. */
static size_t
chunk_room(struct nat_state *st, uint64_t declared)
{
	/* One byte past the declared size tells a frame that lies. */
	size_t left = (size_t)(declared + 1 - st->chunk.len);
	size_t want =
	    st->chunk.len > NAT_ROOM_MIN ? st->chunk.len : NAT_ROOM_MIN;

	if (want > left)
		want = left;
	if (sr_buf_reserve(&st->chunk, want) != SR_E_NONE)
		return (0);
	return (want);
}

/* A zstd data frame at off: decoded into st->chunk, pending its chain. */
static int
walk_data(struct sr_reader *r, struct sr_stream *s, int64_t off,
    const unsigned char *p, size_t avail)
{
	struct nat_state *st = r->state;
	unsigned long long declared;
	uint64_t seq;
	ZSTD_inBuffer ib;
	ZSTD_outBuffer ob;
	size_t zr, room, ipos;
	int done = 0;

	if (st->pending && chunk_unchained(r) != SR_OK)
		return (SR_FAILED);
	seq = st->seq + 1;
	if (st->have_seal)
		after_seal(r, off);
	/* The declared size, checked before a byte is decoded. */
	declared = ZSTD_getFrameContentSize(p, avail);
	if (declared == ZSTD_CONTENTSIZE_ERROR) {
		if (avail < NAT_ZHDR_MAX)
			return (nat_torn(r, SR_E_TRUNCATED, off, NULL));
		return (nat_torn(r, SR_E_FORMAT, off,
		    "chunk %llu: bad zstd frame header",
		    (unsigned long long)seq));
	}
	if (declared == ZSTD_CONTENTSIZE_UNKNOWN)
		return (nat_torn(r, SR_E_FORMAT, off,
		    "chunk %llu does not declare its size",
		    (unsigned long long)seq));
	if (declared > SR_CHUNK_READ_MAX)
		return (nat_torn(r, SR_E_LIMIT, off,
		    "chunk %llu declares %llu bytes, over the limit of %u",
		    (unsigned long long)seq, declared, SR_CHUNK_READ_MAX));
	if (st->total + declared > st->total_max)
		return (nat_torn(r, SR_E_LIMIT, off,
		    "chunk %llu: more than the decoded limit of %llu bytes",
		    (unsigned long long)seq,
		    (unsigned long long)st->total_max));
	sr_buf_reset(&st->chunk);
	if (ZSTD_isError(ZSTD_DCtx_reset(st->dctx, ZSTD_reset_session_only)))
		return (nat_nomem(r));
	/*
	 * A whole frame at hand that fits the room streaming would give
	 * anyway (chunks are 64 KiB): decoded in one call, which spares
	 * zstd's window copies (a tenth of grep's time on native files),
	 * and straight to the end of the memory spool when it fits there,
	 * which spares a copy of every byte.  The spool's length moves
	 * only when the chunk is kept.
	 */
	if ((declared <= NAT_ROOM_MIN || declared < st->chunk.cap) &&
	    (p = sr_stream_peek(s, NAT_PEEK, &avail)) != NULL) {
		size_t csize = ZSTD_findFrameCompressedSize(p, avail);
		struct sr_buf *dst;

		if (!ZSTD_isError(csize) && csize <= avail) {
			st->direct = st->fd == -1 &&
			    st->mem.max - st->mem.len >= declared;
			dst = st->direct ? &st->mem : &st->chunk;
			if (sr_buf_reserve(dst, (size_t)declared) !=
			    SR_E_NONE) {
				st->direct = 0;
				return (nat_nomem(r));
			}
			zr = ZSTD_decompressDCtx(st->dctx, dst->data + dst->len,
			    (size_t)declared, p, csize);
			if (ZSTD_isError(zr)) {
				st->direct = 0;
				return (nat_torn(r, SR_E_FORMAT, off,
				    "chunk %llu: %s", (unsigned long long)seq,
				    ZSTD_getErrorName(zr)));
			}
			if (st->direct) {
				st->cdata = dst->data + dst->len;
				st->clen = zr;
			} else {
				st->chunk.len = zr;
				st->chunk.data[zr] = '\0';
			}
			sr_stream_consume(s, csize);
			done = 1;
		}
	}
	while (!done) {
		if ((p = sr_stream_peek(s, NAT_PEEK, &avail)) == NULL)
			return (nat_io(r, s, off));
		if (avail == 0)
			return (nat_torn(r, SR_E_TRUNCATED, off, NULL));
		ib.src = p;
		ib.size = avail;
		ib.pos = 0;
		for (;;) {
			if ((room = chunk_room(st, declared)) == 0)
				return (nat_nomem(r));
			ob.dst = st->chunk.data + st->chunk.len;
			ob.size = room;
			ob.pos = 0;
			ipos = ib.pos;
			zr = ZSTD_decompressStream(st->dctx, &ob, &ib);
			st->chunk.len += ob.pos;
			st->chunk.data[st->chunk.len] = '\0';
			if (ZSTD_isError(zr))
				return (nat_torn(r, SR_E_FORMAT, off,
				    "chunk %llu: %s", (unsigned long long)seq,
				    ZSTD_getErrorName(zr)));
			if (st->chunk.len > declared)
				return (nat_torn(r, SR_E_FORMAT, off,
				    "chunk %llu holds more than the %llu "
				    "bytes it declares",
				    (unsigned long long)seq, declared));
			if (zr == 0) {
				done = 1;
				break;
			}
			if (ib.pos == ib.size && ob.pos < ob.size)
				break; /* wants more input */
			if (ib.pos == ipos && ob.pos == 0)
				return (nat_torn(r, SR_E_FORMAT, off,
				    "chunk %llu: zstd makes no progress",
				    (unsigned long long)seq));
		}
		sr_stream_consume(s, ib.pos);
	}
	if (!st->direct) {
		st->cdata = st->chunk.data;
		st->clen = st->chunk.len;
	}
	if (st->clen != declared) {
		st->direct = 0;
		return (nat_torn(r, SR_E_FORMAT, off,
		    "chunk %llu holds %zu bytes, not the %llu it declares",
		    (unsigned long long)seq, st->clen, declared));
	}
	st->pending = 1;
	st->poff = off;
	st->pclen = (uint64_t)(sr_stream_offset(s) - off);
	st->total += st->clen;
	return (NW_NEXT);
}

/*
 * The header: the first frame.  SR_OK, or SR_FAILED when this is no
 * sessrec recording we can read.
 */
static int
read_header(struct sr_reader *r, struct sr_stream *s)
{
	struct nat_state *st = r->state;
	const unsigned char *p;
	struct sr_loc loc;
	struct sr_error e;
	json_t *v;
	size_t avail;
	uint32_t blen;
	int kind, version, ret;

	sr_loc_clear(&loc);
	loc.offset = 0;
	if ((p = sr_stream_peek(s, SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX,
		 &avail)) == NULL)
		return (nat_io(r, s, 0));
	ret = sr_native_skip_parse(p, avail, &kind, &blen, &version);
	if (ret < 0)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "recording incomplete: header frame cut short"));
	if (ret == 0 || kind != SR_NK_HEADER)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "not a sessrec recording: no header frame"));
	if (version != SR_NATIVE_VERSION)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_UNSUPPORTED, &loc,
		    "unsupported sessrec format version %d", version));
	if (blen > SR_SKIP_READ_MAX)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, &loc,
		    "header of %lu bytes, over the limit of %u",
		    (unsigned long)blen, SR_SKIP_READ_MAX));
	if ((ret = read_body(r, s, 0, blen)) != SR_OK)
		return (ret == NW_STOP
			? sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
			      "recording incomplete: header "
			      "frame cut short")
			: ret);
	sr_chain_h0(st->h0, st->body.data, st->body.len);
	loc.offset = SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX;
	sr_error_clear(&e);
	/* A repeated key would let two readers see two headers. */
	if (sr_json_parse(st->body.data, st->body.len, SR_SKIP_READ_MAX,
		JSON_REJECT_DUPLICATES, &loc, &st->hdr, &e) != SR_OK)
		return (sr_reader_errorf(r, SR_FAILED, e.cat, &e.loc,
		    "bad header: %s", e.msg));
	v = json_object_get(st->hdr, "format");
	if (!json_is_object(st->hdr) || !json_is_string(v) ||
	    strcmp(json_string_value(v), "sessrec") != 0)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "bad header: \"format\" is not \"sessrec\""));
	v = json_object_get(st->hdr, "version");
	if (!json_is_integer(v))
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "bad header: no \"version\""));
	if (json_integer_value(v) != 1)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_UNSUPPORTED, &loc,
		    "unsupported sessrec header version %lld",
		    (long long)json_integer_value(v)));
	st->last_kind = SR_NK_HEADER;
	return (SR_OK);
}

/* Walks the frames after the header. */
static int
walk(struct sr_reader *r, struct sr_stream *s)
{
	struct nat_state *st = r->state;
	const unsigned char *p;
	size_t avail;
	int64_t off;
	uint32_t magic, blen;
	int ret, kind, version;

	for (;;) {
		off = sr_stream_offset(s);
		if ((p = sr_stream_peek(s, NAT_ZHDR_MAX, &avail)) == NULL)
			return (nat_io(r, s, off));
		if (avail == 0)
			break;
		if (avail < 4) {
			(void)nat_torn(r, SR_E_TRUNCATED, off, NULL);
			break;
		}
		magic = sr_le32(p);
		if (magic == SR_ZSTD_MAGIC) {
			kind = 'D';
			ret = walk_data(r, s, off, p, avail);
		} else if ((magic & NAT_SKIP_MASK) == NAT_SKIP_MAGIC) {
			if (sr_native_skip_parse(p, avail, &kind, &blen,
				&version) != 1)
				kind = 0;
			ret = walk_skip(r, s, off, p, avail);
		} else {
			(void)nat_torn(r, SR_E_FORMAT, off, "not a zstd frame");
			break;
		}
		if (ret == NW_STOP)
			break;
		if (ret != NW_NEXT)
			return (ret);
		st->last_kind = kind;
	}
	if (st->pending) {
		/*
		 * The data frame is whole (zstd checked it), its chain
		 * record is not: keep the data, unverified.
		 */
		if (!st->torn)
			(void)nat_torn(r, SR_E_TRUNCATED, st->poff,
			    "chunk %llu has no chain record",
			    (unsigned long long)(st->seq + 1));
		if (chunk_keep(r, 0) != SR_OK)
			return (SR_FAILED);
	}
	st->seal_last =
	    st->have_seal && st->last_kind == SR_NK_SEAL && !st->torn;
	return (SR_OK);
}

/*
 * Whether the file ends in a seal of this recording: then ls needs
 * nothing else, and the chunks are decoded only when events are read.
 * A seal that is not the last frame, or does not match, leaves the full
 * walk to find out what is wrong.
 */
static int
seal_at_end(struct sr_reader *r, struct sr_stream *s)
{
	struct nat_state *st = r->state;
	const size_t flen = SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX + SR_SEAL_LEN;
	struct sr_seal_rec seal;
	const unsigned char *p;
	int64_t size = sr_stream_size(s);
	size_t avail;
	uint32_t blen;
	int kind, version;

	if (size < 0 || size < st->hdr_end + (int64_t)flen ||
	    sr_stream_seek(s, size - (int64_t)flen) != SR_OK ||
	    (p = sr_stream_peek(s, flen, &avail)) == NULL || avail < flen)
		return (0);
	if (sr_native_skip_parse(p, avail, &kind, &blen, &version) != 1 ||
	    kind != SR_NK_SEAL || version != SR_NATIVE_VERSION ||
	    blen != SR_SEAL_LEN ||
	    sr_seal_decode(p + SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX, blen,
		&seal) != 0 ||
	    !rec_id_ok(st, seal.rec_id))
		return (0);
	st->seal = seal;
	st->have_seal = 1;
	st->seal_last = 1;
	return (1);
}

/*
 * Walks the frames after the header on s (positioned there), spools the
 * plaintext of the good chunks and runs the tlog index over it.
 */
static int
decode_chunks(struct sr_reader *r, struct sr_stream *s)
{
	struct nat_state *st = r->state;
	struct sr_stream *ps = NULL;
	int64_t size;
	uint64_t est;
	int ret;

	st->lazy = 0;
	st->have_seal = st->seal_last = 0; /* the walk takes it again */
	/*
	 * Room for what the chunks will likely give (terminal output
	 * compresses about tenfold): growing the spool by doubling copies
	 * it and faults in fresh pages every time.
	 */
	if ((size = sr_stream_size(s)) > st->hdr_end) {
		est = (uint64_t)(size - st->hdr_end) * NAT_RATIO;
		if (est > st->mem.max)
			est = st->mem.max;
		(void)sr_buf_reserve(&st->mem, (size_t)est);
	}
	st->last_kind = SR_NK_HEADER;
	if ((ret = walk(r, s)) != SR_OK)
		return (ret);
	sr_buf_release(&st->chunk);
	sr_buf_release(&st->body);
	if (st->fd == -1 && st->mem.len == 0)
		return (SR_OK); /* no chunk: metadata only */
	ret = sr_stream_open_bytes(r->in, r->member,
	    st->fd == -1 ? st->mem.data : NULL, st->fd,
	    st->fd == -1 ? (int64_t)st->mem.len : st->flen, &ps, &r->err);
	if (ret != SR_OK)
		return (ret);
	st->tl.embedded = 1;
	st->tl_open = 1;
	ret = sr_tlog_open_stream(r, ps);
	if (ret == SR_FATAL)
		return (ret);
	if (ret != SR_OK) {
		/* The chunks hold no tlog message: the metadata remains. */
		(void)warn_err(r, &r->err);
		st->tl_open = 0;
	}
	return (SR_OK);
}

static int
native_open(struct sr_reader *r)
{
	struct nat_state *st = r->state;
	struct sr_stream *s = NULL;
	uint64_t mem;
	int ret;

	st->fd = -1;
	mem = sr_ctx_limit(r->ctx, SR_LIMIT_SPOOL);
	sr_buf_init(&st->mem, mem < NAT_MEM_MAX ? (size_t)mem : NAT_MEM_MAX);
	sr_buf_init(&st->chunk, SR_CHUNK_READ_MAX + 1);
	sr_buf_init(&st->body, SR_SKIP_READ_MAX);
	st->total_max = sr_ctx_limit(r->ctx, SR_LIMIT_DECODED);
	if ((st->dctx = ZSTD_createDCtx()) == NULL)
		return (nat_nomem(r));
	if (ZSTD_isError(ZSTD_DCtx_setParameter(st->dctx, ZSTD_d_windowLogMax,
		SR_NATIVE_WINDOWLOG)))
		return (nat_nomem(r));
	if ((ret = sr_reader_stream_open(r, "", 0, &s)) != SR_OK)
		return (ret < SR_FAILED ? ret : SR_FAILED);
	if ((ret = read_header(r, s)) == SR_OK) {
		st->hdr_end = sr_stream_offset(s);
		/*
		 * Late decoding needs the header to say all the tlog
		 * messages would (the recorder's always does).
		 */
		if (json_object_get(st->hdr, "actor") != NULL &&
		    json_object_get(st->hdr, "host") != NULL &&
		    seal_at_end(r, s))
			st->lazy = 1;
		else if (sr_stream_seek(s, st->hdr_end) != SR_OK)
			ret = nat_io(r, s, st->hdr_end);
		else
			ret = decode_chunks(r, s);
	}
	sr_stream_close(s);
	return (ret);
}

static int apply_meta(struct sr_reader *);

/* A sealed recording's chunks, decoded when the first event is asked. */
static int
decode_late(struct sr_reader *r)
{
	struct nat_state *st = r->state;
	struct sr_stream *s = NULL;
	int ret;

	if ((ret = sr_reader_stream_open(r, "", 0, &s)) != SR_OK)
		return (ret < SR_FAILED ? ret : SR_FAILED);
	if (sr_stream_seek(s, st->hdr_end) != SR_OK)
		ret = nat_io(r, s, st->hdr_end);
	else
		ret = decode_chunks(r, s);
	sr_stream_close(s);
	if (ret != SR_OK || !st->tl_open)
		return (ret);
	/* Position the tlog machinery, then put the header's word back. */
	ret = sr_tlog_next_session(r);
	if (ret == SR_FATAL)
		return (ret);
	if (ret != SR_OK && ret != SR_WARN) {
		(void)warn_err(r, &r->err);
		st->tl_open = 0;
	}
	return (apply_meta(r));
}

static void
native_close(struct sr_reader *r)
{
	struct nat_state *st = r->state;

	if (st == NULL)
		return;
	sr_tlog_close(r);
	json_decref(st->hdr);
	st->hdr = NULL;
	ZSTD_freeDCtx(st->dctx);
	st->dctx = NULL;
	sr_buf_release(&st->chunk);
	sr_buf_release(&st->body);
	sr_buf_release(&st->mem);
	if (st->fd != -1)
		(void)close(st->fd);
	st->fd = -1;
}

/*
 * The session.
 */

static int
set_str(struct sr_reader *r, enum sr_field f, const char *key)
{
	struct nat_state *st = r->state;
	json_t *v = json_object_get(st->hdr, key);

	if (v == NULL || json_is_null(v))
		return (SR_OK);
	if (!json_is_string(v)) {
		(void)nat_warn(r, SR_E_FORMAT, 0,
		    "header key '%s' is not a string", key);
		return (SR_OK);
	}
	if (sr_session_set(&r->session, f, json_string_value(v),
		json_string_length(v)) == SR_FATAL)
		return (nat_nomem(r));
	return (SR_OK); /* past the meta limit: left as it was */
}

/* Extras are named "sessrec.KEY", as sudo's are "sudo.KEY". */
static int
extra(struct sr_reader *r, const char *key, const char *v, size_t len)
{
	char k[64];

	(void)snprintf(k, sizeof(k), "sessrec.%s", key);
	if (sr_session_add_extra(&r->session, k, v, len) == SR_FATAL)
		return (nat_nomem(r));
	return (SR_OK);
}

/* An extra from a header value: a string, an integer or a boolean. */
static int
extra_json(struct sr_reader *r, const char *key)
{
	struct nat_state *st = r->state;
	json_t *v = json_object_get(st->hdr, key);
	char buf[32];

	if (json_is_string(v))
		return (
		    extra(r, key, json_string_value(v), json_string_length(v)));
	if (json_is_integer(v)) {
		(void)snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_integer_value(v));
		return (extra(r, key, buf, strlen(buf)));
	}
	if (json_is_boolean(v))
		return (extra(r, key, json_is_true(v) ? "yes" : "no",
		    json_is_true(v) ? 3 : 2));
	return (SR_OK);
}

/* A header integer in [min, max]; 0 when present and valid. */
static int
hdr_int(struct nat_state *st, const char *key, int64_t min, int64_t max,
    int64_t *out)
{
	json_t *v = json_object_get(st->hdr, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return (-1);
	*out = json_integer_value(v);
	return (0);
}

/* argv from the header. */
static int
hdr_argv(struct sr_reader *r)
{
	struct nat_state *st = r->state;
	json_t *a, *v;
	const char **argv;
	size_t i, n;
	int ret = SR_OK;

	a = json_object_get(st->hdr, "argv");
	if (json_is_array(a) && (n = json_array_size(a)) > 0) {
		if ((argv = calloc(n + 1, sizeof(*argv))) == NULL)
			return (nat_nomem(r));
		for (i = 0; i < n; i++) {
			v = json_array_get(a, i);
			/* A NUL inside would cut the word: show none. */
			if (!json_is_string(v) ||
			    strlen(json_string_value(v)) !=
				json_string_length(v))
				break;
			argv[i] = json_string_value(v);
		}
		if (i == n &&
		    sr_session_set_argv(&r->session, argv, n) == SR_FATAL)
			ret = nat_nomem(r);
		free(argv);
	}
	return (ret);
}

/* The fields whose values the recorder took on trust, as "a,b". */
static int
hdr_claimed(struct sr_reader *r)
{
	struct nat_state *st = r->state;
	json_t *a, *v;
	struct sr_buf b;
	size_t i;
	int ret = SR_OK;

	a = json_object_get(st->hdr, "claimed");
	if (json_is_array(a)) {
		sr_buf_init(&b, 4096);
		for (i = 0; i < json_array_size(a); i++) {
			v = json_array_get(a, i);
			if (!json_is_string(v))
				continue;
			if (b.len > 0)
				(void)sr_buf_putc(&b, ',');
			(void)sr_buf_append(&b, json_string_value(v),
			    json_string_length(v));
		}
		ret = extra(r, "claimed", b.data, b.len);
		sr_buf_release(&b);
	}
	return (ret);
}

/* The header's and the seal's word on the session (sessrec's own). */
static int
apply_meta(struct sr_reader *r)
{
	static const struct {
		const char *key;
		enum sr_field f;
	} fields[] = {
		{ "session_id", SR_F_SESSION_ID },
		{ "actor", SR_F_ACTOR },
		{ "host", SR_F_HOST },
		{ "src_ip", SR_F_SRC_IP },
		{ "target", SR_F_TARGET },
		{ "ticket", SR_F_TICKET },
		{ "tty", SR_F_TTY },
		{ "term", SR_F_TERM },
		{ "cwd", SR_F_CWD },
		{ "command", SR_F_COMMAND },
	};
	static const char *const extras[] = { "rec_id", "host_seq", "key_id",
		"signed", "input", "user", "uid", "claimed", "actor_source",
		"src_port" };
	struct nat_state *st = r->state;
	struct sr_session *s = &r->session;
	const char *reason = NULL;
	int64_t v, rows, cols, status = 0;
	size_t i;
	char buf[32];
	int ret, have_status = 0;

	for (i = 0; i < nitems(fields); i++)
		if ((ret = set_str(r, fields[i].f, fields[i].key)) != SR_OK)
			return (ret);
	if ((ret = hdr_argv(r)) != SR_OK)
		return (ret);
	if (hdr_int(st, "start_ns", 0, INT64_MAX, &v) == 0) {
		s->start_ns = v;
		s->have |= SR_HAVE_START;
	}
	if (hdr_int(st, "rows", 1, 65535, &rows) == 0 &&
	    hdr_int(st, "cols", 1, 65535, &cols) == 0) {
		s->rows = (unsigned)rows;
		s->cols = (unsigned)cols;
		s->have |= SR_HAVE_GEOMETRY;
	}
	for (i = 0; i < nitems(extras); i++) {
		ret = strcmp(extras[i], "claimed") == 0
		    ? hdr_claimed(r)
		    : extra_json(r, extras[i]);
		if (ret != SR_OK)
			return (ret);
	}
	/* The end: the seal's, else what the last chunk's message says. */
	if (st->have_seal) {
		reason = sr_end_reason_name(st->seal.end_reason);
		status = st->seal.status;
		have_status = 1;
		if (st->seal.end_ns >= 0) {
			s->duration_ns = st->seal.end_ns;
			s->have |= SR_HAVE_DURATION;
		}
	} else if (st->tl.have_end) {
		reason = st->tl.end_reason;
		status = st->tl.end_status;
		have_status = st->tl.end_have_status;
	}
	if (reason != NULL) {
		s->have &= ~(unsigned)(SR_HAVE_EXIT | SR_HAVE_SIGNAL);
		if ((ret = sr_tlog_session_end(r, reason, strlen(reason),
			 status, have_status)) != SR_OK)
			return (ret);
	}
	if (st->have_seal) {
		(void)snprintf(buf, sizeof(buf), "%llu",
		    (unsigned long long)st->seal.bytes_lost);
		if ((ret = extra(r, "bytes_lost", buf, strlen(buf))) != SR_OK)
			return (ret);
	}
	if (st->abandoned && (ret = extra(r, "abandoned", "yes", 3)) != SR_OK)
		return (ret);
	s->state = st->seal_last ? SR_STATE_COMPLETE : SR_STATE_INCOMPLETE;
	return (r->nwarnings > 0 ? SR_WARN : SR_OK);
}

static int
native_next_session(struct sr_reader *r)
{
	struct nat_state *st = r->state;
	size_t nrecs;
	int ret;

	if (st->done)
		return (SR_EOF);
	st->done = 1;
	if (st->tl_open) {
		nrecs = st->tl.nrecs;
		ret = sr_tlog_next_session(r);
		if (ret == SR_FATAL)
			return (ret);
		if (ret == SR_FAILED)
			(void)warn_err(r, &r->err);
		if (ret != SR_OK && ret != SR_WARN)
			st->tl_open = 0; /* no events */
		if (nrecs > 1)
			(void)nat_warn(r, SR_E_FORMAT, -1,
			    "the chunks hold %zu recordings; only the first "
			    "is read",
			    nrecs);
	}
	return (apply_meta(r));
}

/*
 * Events and skipping are the tlog machinery's, once it runs over the
 * spool; without it (no data frames) there is nothing: none is returned.
 */
static int
native_tl_call(struct sr_reader *r, int (*fn)(struct sr_reader *), int none)
{
	const struct nat_state *st = r->state;

	return (st->tl_open ? fn(r) : none);
}

static int
native_next_event(struct sr_reader *r)
{
	struct nat_state *st = r->state;
	int ret;

	if (st->lazy && (ret = decode_late(r)) != SR_OK && ret != SR_WARN)
		return (ret);
	return (native_tl_call(r, sr_tlog_next_event, SR_EOF));
}

static int
native_skip_session(struct sr_reader *r)
{
	return (native_tl_call(r, sr_tlog_skip_session, SR_OK));
}

/*
 * Probing.  Evidence: the member starts with a skippable zstd frame that
 * carries "SREC" (certain; nothing else writes it).  The bytes seen are
 * the member's own: the input layer leaves a member that starts with a
 * skippable frame undecoded.
 */
static int
native_probe(struct sr_probe *p)
{
	const unsigned char *d;
	size_t avail;
	uint32_t blen;
	int kind, version;

	if (p->names_only)
		return (0);
	if ((d = sr_probe_peek(p, SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX,
		 &avail)) == NULL)
		return (0);
	if (sr_native_skip_parse(d, avail, &kind, &blen, &version) != 1)
		return (0);
	return (100);
}

static const char *const native_suffixes[] = { ".srec", NULL };

const struct sr_format sr_fmt_native = {
	.name = "sessrec",
	.description = "sessrec native recording (zstd frames of tlog "
		       "messages, hash-chained)",
	.suffixes = native_suffixes,
	.caps = SR_FMT_READ,
	.state_size = sizeof(struct nat_state),

	.probe = native_probe,
	.open = native_open,
	.close = native_close,
	.next_session = native_next_session,
	.next_event = native_next_event,
	.skip_session = native_skip_session,
};
