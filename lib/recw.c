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
 * The recording writer: events in, a native recording out (lib/native.h
 * has the layout).
 *
 * Events are encoded at once as tlog 2.3 messages (FORMATS.md §2.6) into
 * the current chunk's plaintext.  A chunk closes after chunk_ns of
 * activity or chunk_bytes of plaintext; it is compressed into one
 * independent zstd frame and written, together with its chain record, by
 * a single write(2) on the O_APPEND descriptor, so a crash tears at most
 * the last chunk.  Checkpoints, the index and the seal follow the same
 * rule.  Space is allocated with fallocate(2) before each write, with
 * room for the seal kept past it, so a full disk fails a chunk before
 * any byte of it is written and the seal still fits; a write that fails
 * anyway is cut off again with ftruncate(2), so the file always ends on
 * a frame boundary.  A chunk that could not be written is counted as
 * lost, its message ids are used again (tlog-play wants them
 * continuous), and the next chunk starts with a gap marker.
 *
 * Memory is bounded: the message being built, the chunk plaintext (at
 * most SR_CHUNK_WRITE_MAX), one compression buffer and the index, whose
 * entries are thinned out when it grows past INDEX_MAX.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "export.h"
#include "native.h"
#include "seal.h"
#include "sr-private.h"

#define CHUNK_NS_DEFAULT      SR_NSEC_PER_SEC
#define CHUNK_BYTES_DEFAULT   (64 * 1024)
#define CHUNK_BYTES_MAX	      (512 * 1024)
#define CHECKPOINT_NS_DEFAULT (10 * SR_NSEC_PER_SEC)
#define CHECKPOINT_BYTES_DEF  (1024 * 1024)
#define RESERVE_DEFAULT	      (128 * 1024)
/* Kept free for the seal while the last chunk and the index go out. */
#define SEAL_KEEP (4 * 1024)
/* Allocated ahead of need, so that most writes make no fallocate call. */
#define ALLOC_AHEAD (256 * 1024)
/* A message closes when its texts reach this many bytes. */
#define MSG_TEXT_MAX (16 * 1024)
/* Input is fed to the encoder in slices of at most this. */
#define SLICE_MAX (4 * 1024)
#define INDEX_MAX (64 * 1024) /* 1.5 MiB; 18 hours of 1 s chunks */
#define META_MAX  4096	      /* per metadata string, SECURITY.md F4 */
#define MARK_MAX  255	      /* marker label and detail from an event */
/* Buffer limits, far above what the limits above produce. */
#define MARK_BUF_MAX (64 * 1024)
#define HDR_MAX	     (1024 * 1024)
#define MSG_BUF_MAX  (1024 * 1024)

/* Terminal bytes per direction. */
struct dir {
	uint64_t bytes; /* bytes stored or still to be, for the seal */
	uint64_t chunk; /* of which in the open chunk */
};

struct sr_recw {
	struct sr_ctx *ctx;
	int fd;
	struct sr_error err;
	struct sr_rec_opts o;
	const struct sr_key *key;

	/* Identity and the envelope every message starts with. */
	unsigned char rec_id[SR_RECID_LEN];
	uint64_t host_seq;
	int64_t start_wall_ns;
	struct sr_buf envelope; /* {"ver":...,"session":N,"id": */
	struct sr_buf first;	/* sr_* metadata keys for message 1 */

	/* The message being built. */
	uint64_t next_id;
	struct sr_tlog_enc enc;
	struct dir out, in;

	/* The chunk being built and the chain. */
	struct sr_buf plain;
	int64_t chunk_first_ns; /* -1 when empty */
	uint64_t chunk_first_id;
	int64_t last_ns;
	uint64_t seq; /* chunks written */
	unsigned char h0[SR_HASH_LEN];
	unsigned char h[SR_HASH_LEN];
	ZSTD_CCtx *cctx;
	struct sr_buf frame; /* compressed frame + chain record */

	/* Checkpoints. */
	uint32_t ck_no;
	unsigned char ck_prev[SR_HASH_LEN];
	int64_t ck_last_ns;
	uint64_t ck_bytes;

	/* The file. */
	uint64_t size;	   /* bytes known good */
	uint64_t reserved; /* allocated up to here (KEEP_SIZE) */
	int reserve_ok;	   /* fallocate works on this file system */
	struct sr_index_ent *index;
	size_t nindex;
	size_t index_step; /* keep every index_step-th chunk */

	/* Losses (fail-open) and the gap marker still to be written. */
	uint64_t lost;
	uint64_t gap_bytes;
	int64_t gap_from, gap_to;
	int gap_open;	   /* lost data not yet told by a marker */
	int chunk_has_gap; /* the open chunk starts with the marker */
	int sealed;
	int end_reason; /* given to sr_recw_seal() */
	int failed;	/* a write failed since the last success */
};

static int
wb_str(struct sr_buf *b, const char *s)
{
	return (sr_buf_append(b, s, strlen(s)));
}

/* JSON string for metadata: with quotes; invalid UTF-8 becomes U+FFFD. */
static int
wb_jstr(struct sr_buf *b, const char *s)
{
	size_t n = strlen(s);

	return (sr_str_json(b, s, n < META_MAX ? n : META_MAX));
}

static int
fail_io(struct sr_recw *w, int errnum, const char *what)
{
	sr_error_set(&w->err, SR_FAILED, SR_E_IO, NULL, NULL, "%s: %s", what,
	    strerror(errnum));
	w->err.errnum = errnum;
	return (SR_FAILED);
}

static int
fail_nomem(struct sr_recw *w)
{
	return (sr_error_set(&w->err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
	    "out of memory"));
}

static ssize_t
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		if ((r = write(fd, c + done, n - done)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (r == 0) {
			errno = EIO;
			return (-1);
		}
		done += (size_t)r;
	}
	return ((ssize_t)done);
}

/*
 * Allocates the file up to n more bytes plus keep bytes past them
 * (SECURITY.md F1): fallocate(2) with KEEP_SIZE, a little ahead so that
 * most writes need no call.  -1 with errno when the disk is full.
 */
static int
allocate(struct sr_recw *w, size_t n, size_t keep)
{
	uint64_t need = w->size + n + keep;
	off_t off = (off_t)w->size;

	if (!w->reserve_ok || need <= w->reserved)
		return (0);
	if (fallocate(w->fd, FALLOC_FL_KEEP_SIZE, off,
		(off_t)(n + keep + ALLOC_AHEAD)) == 0) {
		w->reserved = need + ALLOC_AHEAD;
		return (0);
	}
	/* ENODEV, ESPIPE: not a regular file (the journal-only /dev/null). */
	if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL ||
	    errno == ENODEV || errno == ESPIPE) {
		w->reserve_ok = 0; /* rely on min_free instead */
		return (0);
	}
	if (errno != ENOSPC && errno != EDQUOT)
		return (-1);
	if (fallocate(w->fd, FALLOC_FL_KEEP_SIZE, off, (off_t)(n + keep)) != 0)
		return (-1);
	w->reserved = need;
	return (0);
}

/*
 * Appends n bytes as one unit, keeping keep bytes allocated past them.
 * The space is allocated first, so a full disk fails before anything is
 * written and data never eats the room kept for the seal.  A write that
 * fails all the same (EIO, or a file system without fallocate) is cut
 * off again, so the file always ends on a frame boundary.
 */
static int
emit(struct sr_recw *w, const void *p, size_t n, size_t keep)
{
	int e;

	if (allocate(w, n, keep) != 0)
		return (fail_io(w, errno, "cannot write the recording"));
	if (write_all(w->fd, p, n) >= 0) {
		w->size += n;
		if (w->reserved < w->size)
			w->reserved = w->size;
		return (SR_OK);
	}
	e = errno;
	if (ftruncate(w->fd, (off_t)w->size) == 0)
		w->reserved = w->size; /* truncation freed the blocks */
	return (fail_io(w, e, "cannot write the recording"));
}

/* Writes a skippable frame of kind with body b[0..n). */
static int
emit_skip(struct sr_recw *w, int kind, const void *b, size_t n, size_t keep)
{
	struct sr_buf f;
	unsigned char hdr[14];
	int r;

	sr_buf_init(&f, sizeof(hdr) + n);
	if (sr_buf_append(&f, hdr, sr_native_frame(hdr, kind, n)) != 0 ||
	    sr_buf_append(&f, b, n) != 0) {
		sr_buf_release(&f);
		return (fail_nomem(w));
	}
	r = emit(w, f.data, f.len, keep);
	sr_buf_release(&f);
	return (r);
}

static int
sign(struct sr_recw *w, const char *domain, unsigned char *body, size_t len)
{
	if (w->key == NULL) {
		memset(body + len - SR_SIG_LEN, 0, SR_SIG_LEN);
		return (SR_OK);
	}
	return (sr_key_sign(w->key, domain, body, len - SR_SIG_LEN,
	    body + len - SR_SIG_LEN, &w->err));
}

static int
checkpoint(struct sr_recw *w, int64_t now_ns)
{
	struct sr_checkpoint_rec k;
	unsigned char body[SR_CHECKPOINT_LEN];
	int r;

	memset(&k, 0, sizeof(k));
	memcpy(k.rec_id, w->rec_id, SR_RECID_LEN);
	k.ck_no = w->ck_no;
	k.seq = w->seq;
	memcpy(k.h, w->seq == 0 ? w->h0 : w->h, SR_HASH_LEN);
	k.t_ns = now_ns;
	k.wall_ns = sr_time_now();
	memcpy(k.prev, w->ck_prev, SR_HASH_LEN);
	if (w->key != NULL)
		memcpy(k.key_id, sr_key_id(w->key), SR_KEYID_LEN);
	sr_checkpoint_encode(&k, body);
	if ((r = sign(w, SR_DOMAIN_CHECKPOINT, body, sizeof(body))) != SR_OK)
		return (r);
	if ((r = emit_skip(w, SR_NK_CHECKPOINT, body, sizeof(body),
		 w->o.reserve)) != SR_OK)
		return (r);
	sr_sha256(w->ck_prev, body, sizeof(body));
	w->ck_no++;
	w->ck_last_ns = now_ns;
	w->ck_bytes = 0;
	if (!w->o.no_sync && fdatasync(w->fd) != 0 && errno != EINVAL)
		return (fail_io(w, errno, "cannot sync the recording"));
	return (SR_OK);
}

static int
json_key(struct sr_buf *b, const char *k)
{
	return (sr_buf_append(b, ",\"", 2) || wb_str(b, k) ||
	    sr_buf_append(b, "\":", 2));
}

/*
 * Writes the open message as one JSON line into the chunk.  extra holds
 * more ",key:value" members (markers, the end).
 */
static int
msg_close(struct sr_recw *w, const char *extra, size_t extralen)
{
	struct sr_buf *p = &w->plain;

	if (!w->enc.in_msg)
		return (0);
	if (sr_tlog_enc_message(&w->enc, p, &w->envelope, w->next_id, 1,
		w->start_wall_ns / SR_NSEC_PER_MSEC) != 0)
		return (-1);
	if (w->next_id == 1 &&
	    sr_buf_append(p, w->first.data, w->first.len) != 0)
		return (-1);
	if (extralen > 0 && sr_buf_append(p, extra, extralen) != 0)
		return (-1);
	if (sr_buf_append(p, "}\n", 2) != 0)
		return (-1);
	w->next_id++;
	sr_tlog_enc_next(&w->enc);
	return (0);
}

static int
chunk_due(const struct sr_recw *w, int64_t now_ns)
{
	size_t open = w->enc.in_msg ? sr_tlog_enc_len(&w->enc) : 0;

	if (w->plain.len == 0 && !w->enc.in_msg)
		return (0);
	/* The open message counts: it goes into this chunk. */
	return (w->plain.len + open >= w->o.chunk_bytes ||
	    (w->chunk_first_ns >= 0 &&
		now_ns - w->chunk_first_ns >= w->o.chunk_ns));
}

static void
index_add(struct sr_recw *w, uint64_t seq, int64_t t_ns, uint64_t off)
{
	size_t i, j;

	if ((seq - 1) % w->index_step != 0)
		return;
	if (w->nindex == w->o.index_max) {
		/* Thin out: keep every other entry, double the step. */
		for (i = j = 0; i < w->nindex; i += 2)
			w->index[j++] = w->index[i];
		w->nindex = j;
		w->index_step *= 2;
		if ((seq - 1) % w->index_step != 0)
			return;
	}
	w->index[w->nindex].seq = seq;
	w->index[w->nindex].t_ns = t_ns;
	w->index[w->nindex].off = off;
	w->nindex++;
}

static void
gap_note(struct sr_recw *w, uint64_t bytes, int64_t from, int64_t to)
{
	if (!w->gap_open) {
		w->gap_open = 1;
		w->gap_bytes = 0;
		w->gap_from = from;
	}
	w->gap_bytes += bytes;
	w->gap_to = to;
	w->lost += bytes;
}

static int marker_msg(struct sr_recw *, int64_t, const char *, size_t,
    const char *, size_t);

/* Writes the gap marker as the first message of the chunk. */
static int
gap_marker(struct sr_recw *w, int64_t t_ns)
{
	char d[128];
	int n;

	n = snprintf(d, sizeof(d),
	    "bytes=%" PRIu64 " from_ms=%" PRId64 " to_ms=%" PRId64,
	    w->gap_bytes, (int64_t)(w->gap_from / SR_NSEC_PER_MSEC),
	    (int64_t)(w->gap_to / SR_NSEC_PER_MSEC));
	return (marker_msg(w, t_ns, "gap", 3, d, (size_t)n));
}

/*
 * Compresses the chunk and writes it with its chain record, keeping keep
 * bytes free past it.
 */
static int
chunk_write(struct sr_recw *w, size_t keep)
{
	struct sr_chain_rec c;
	unsigned char hdr[14], h[SR_HASH_LEN], rec[SR_CHAIN_LEN];
	size_t bound, clen;
	uint64_t off = w->size;
	int r;

	if (w->enc.in_msg && msg_close(w, NULL, 0) != 0)
		return (fail_nomem(w));
	if (w->plain.len == 0)
		return (SR_OK);
	bound = ZSTD_compressBound(w->plain.len);
	sr_buf_reset(&w->frame);
	if (sr_buf_reserve(&w->frame, bound + 14 + SR_CHAIN_LEN) != 0)
		return (fail_nomem(w));
	ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
	ZSTD_CCtx_setPledgedSrcSize(w->cctx, w->plain.len);
	clen = ZSTD_compress2(w->cctx, w->frame.data, bound, w->plain.data,
	    w->plain.len);
	if (ZSTD_isError(clen))
		return (sr_error_set(&w->err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "zstd: %s", ZSTD_getErrorName(clen)));
	memset(&c, 0, sizeof(c));
	c.seq = w->seq + 1;
	c.t_ns = w->last_ns;
	c.len = (uint32_t)w->plain.len;
	c.clen = (uint32_t)clen;
	c.stream = 0;
	memcpy(h, w->h, SR_HASH_LEN);
	sr_chain_step(h, c.seq, c.stream, c.t_ns, w->plain.data, w->plain.len);
	memcpy(c.h, h, SR_HASH_LEN);
	w->frame.len = clen; /* room reserved above: these fit */
	(void)sr_buf_append(&w->frame, hdr,
	    sr_native_frame(hdr, SR_NK_CHAIN, SR_CHAIN_LEN));
	(void)sr_chain_encode(&c, rec);
	(void)sr_buf_append(&w->frame, rec, sizeof(rec));
	r = emit(w, w->frame.data, w->frame.len, keep);
	if (r != SR_OK && w->size == off) {
		/* Not stored: count it as lost (fail-open goes on). */
		/* Terminal bytes lost, not the JSON that held them. */
		gap_note(w, w->out.chunk + w->in.chunk, w->chunk_first_ns,
		    w->last_ns);
		w->out.bytes -= w->out.chunk;
		w->in.bytes -= w->in.chunk;
		w->out.chunk = w->in.chunk = 0;
		sr_buf_reset(&w->plain);
		w->chunk_first_ns = -1;
		/* Its messages never reached the file: reuse their ids. */
		w->next_id = w->chunk_first_id;
		w->chunk_has_gap = 0;
		w->failed = 1;
		return (r);
	}
	/* Stored (a reservation failure after it still reports). */
	w->seq = c.seq;
	memcpy(w->h, h, SR_HASH_LEN);
	w->ck_bytes += w->plain.len;
	index_add(w, c.seq, c.t_ns, off);
	w->out.chunk = w->in.chunk = 0;
	sr_buf_reset(&w->plain);
	w->chunk_first_ns = -1;
	if (w->chunk_has_gap)
		w->gap_open = 0; /* told: a later loss is a new gap */
	w->chunk_has_gap = 0;
	w->failed = r != SR_OK;
	return (r);
}

static int
maybe_checkpoint(struct sr_recw *w, int64_t now_ns)
{
	if (w->ck_bytes == 0)
		return (SR_OK);
	if (now_ns - w->ck_last_ns >= w->o.checkpoint_ns ||
	    w->ck_bytes >= w->o.checkpoint_bytes)
		return (checkpoint(w, now_ns));
	return (SR_OK);
}

/* Called before anything goes into a chunk. */
static int
chunk_begin(struct sr_recw *w, int64_t t_ns)
{
	if (w->chunk_first_ns < 0) {
		w->chunk_first_ns = t_ns;
		w->chunk_first_id = w->next_id;
		if (w->gap_open) {
			/* The first message of a new chunk tells the loss. */
			w->chunk_has_gap = 1;
			if (gap_marker(w, t_ns) != 0)
				return (-1);
		}
	}
	return (0);
}

/* A message of its own: "sr_mark": label, and "sr_detail" when given. */
static int
marker_msg(struct sr_recw *w, int64_t t_ns, const char *label, size_t llen,
    const char *detail, size_t dlen)
{
	struct sr_buf x;
	int r;

	if (w->enc.in_msg && msg_close(w, NULL, 0) != 0)
		return (-1);
	if (chunk_begin(w, t_ns) != 0 ||
	    sr_tlog_enc_at(&w->enc, t_ns / SR_NSEC_PER_MSEC))
		return (-1);
	sr_buf_init(&x, MARK_BUF_MAX);
	r = json_key(&x, "sr_mark") || sr_str_json(&x, label, llen);
	if (r == 0 && dlen > 0)
		r = json_key(&x, "sr_detail") || sr_str_json(&x, detail, dlen);
	if (r == 0)
		r = msg_close(w, x.data, x.len);
	sr_buf_release(&x);
	return (r);
}

static int
after_event(struct sr_recw *w, int64_t t_ns)
{
	int r;

	if (w->enc.in_msg &&
	    sr_tlog_enc_len(&w->enc) - w->enc.timing.len >= MSG_TEXT_MAX &&
	    msg_close(w, NULL, 0) != 0)
		return (fail_nomem(w));
	if (chunk_due(w, t_ns)) {
		if ((r = chunk_write(w, w->o.reserve)) != SR_OK)
			return (r);
		return (maybe_checkpoint(w, t_ns));
	}
	return (SR_OK);
}

static int
data_event(struct sr_recw *w, const struct sr_event *ev, int out)
{
	struct dir *d = out ? &w->out : &w->in;
	const unsigned char *s = ev->data;
	size_t n = ev->len, take;
	int64_t tms = ev->t_ns / SR_NSEC_PER_MSEC;
	int r;

	while (n > 0) {
		take = n < SLICE_MAX ? n : SLICE_MAX;
		if (chunk_begin(w, ev->t_ns) != 0 ||
		    sr_tlog_enc_at(&w->enc, tms) != 0 ||
		    sr_tlog_enc_text(&w->enc, out, s, take) != 0)
			return (fail_nomem(w));
		d->bytes += take;
		d->chunk += take;
		s += take;
		n -= take;
		if ((r = after_event(w, ev->t_ns)) != SR_OK)
			return (r);
	}
	return (SR_OK);
}

/* Writes a held incomplete character as invalid bytes (before a gap in
 * time or at the end). */
static int
flush_hold(struct sr_recw *w, int out, int64_t t_ns)
{
	if ((out ? w->enc.out.nhold : w->enc.in.nhold) == 0)
		return (0);
	if (chunk_begin(w, t_ns) != 0 ||
	    sr_tlog_enc_at(&w->enc, t_ns / SR_NSEC_PER_MSEC))
		return (-1);
	return (sr_tlog_enc_flush(&w->enc, out));
}

int
sr_recw_event(struct sr_recw *w, const struct sr_event *ev)
{
	int64_t t = ev->t_ns;
	int r;

	if (w->sealed)
		return (sr_error_set(&w->err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "recording already sealed"));
	if (t < w->last_ns)
		t = w->last_ns; /* never back: tlog-play refuses it */
	w->last_ns = t;
	switch (ev->type) {
	case SR_EV_OUTPUT:
	case SR_EV_INPUT:
		if (ev->type == SR_EV_INPUT && (ev->flags & SR_EVF_MASKED)) {
			if (marker_msg(w, t, "input-masked", 12,
				(const char *)ev->data,
				ev->data != NULL ? ev->len : 0) != 0)
				return (fail_nomem(w));
			return (after_event(w, t));
		}
		if (ev->len == 0)
			return (SR_OK);
		{
			struct sr_event e = *ev;

			e.t_ns = t;
			return (data_event(w, &e, ev->type == SR_EV_OUTPUT));
		}
	case SR_EV_RESIZE:
		if (ev->rows == w->enc.rows && ev->cols == w->enc.cols)
			return (SR_OK);
		if (chunk_begin(w, t) != 0 ||
		    sr_tlog_enc_window(&w->enc, t / SR_NSEC_PER_MSEC, ev->rows,
			ev->cols) != 0)
			return (fail_nomem(w));
		return (after_event(w, t));
	case SR_EV_SUSPEND:
	case SR_EV_RESUME:
		if (marker_msg(w, t,
			ev->type == SR_EV_SUSPEND ? "suspend" : "resume",
			ev->type == SR_EV_SUSPEND ? 7 : 6, NULL, 0) != 0)
			return (fail_nomem(w));
		return (after_event(w, t));
	case SR_EV_MARKER: {
		const char *l = (const char *)ev->data, *sp;
		size_t n = ev->len < MARK_MAX ? ev->len : MARK_MAX;

		/* "label detail...": the label is the first word. */
		if (n == 0)
			r = marker_msg(w, t, "mark", 4, NULL, 0);
		else if ((sp = memchr(l, ' ', n)) != NULL)
			r = marker_msg(w, t, l, (size_t)(sp - l), sp + 1,
			    n - (size_t)(sp - l) - 1);
		else
			r = marker_msg(w, t, l, n, NULL, 0);
		if (r != 0)
			return (fail_nomem(w));
		return (after_event(w, t));
	}
	default:
		return (SR_OK);
	}
}

int
sr_recw_tick(struct sr_recw *w, int64_t now_ns)
{
	int r;

	if (w->sealed)
		return (SR_OK);
	if (chunk_due(w, now_ns) || (w->failed && w->plain.len > 0)) {
		if ((r = chunk_write(w, w->o.reserve)) != SR_OK)
			return (r);
	}
	return (maybe_checkpoint(w, now_ns));
}

int
sr_recw_flush(struct sr_recw *w, int64_t now_ns)
{
	int r;

	if (w->sealed)
		return (SR_OK);
	if ((r = chunk_write(w, w->o.reserve)) != SR_OK)
		return (r);
	return (maybe_checkpoint(w, now_ns));
}

void
sr_recw_gap(struct sr_recw *w, uint64_t bytes, int64_t t_from, int64_t t_to)
{
	gap_note(w, bytes, t_from, t_to); /* the next chunk tells it */
}

static int
write_index(struct sr_recw *w)
{
	unsigned char *b;
	size_t n = 4 + w->nindex * SR_INDEX_ENTRY_LEN, i;
	int r;

	if ((b = malloc(n)) == NULL)
		return (fail_nomem(w));
	b[0] = (unsigned char)w->nindex;
	b[1] = (unsigned char)(w->nindex >> 8);
	b[2] = (unsigned char)(w->nindex >> 16);
	b[3] = (unsigned char)(w->nindex >> 24);
	for (i = 0; i < w->nindex; i++)
		sr_index_ent_encode(&w->index[i],
		    b + 4 + i * SR_INDEX_ENTRY_LEN);
	r = emit_skip(w, SR_NK_INDEX, b, n, SEAL_KEEP);
	free(b);
	return (r);
}

int
sr_recw_seal(struct sr_recw *w, int64_t now_ns, int reason, int status)
{
	struct sr_seal_rec s;
	struct sr_buf x;
	struct stat st;
	unsigned char body[SR_SEAL_LEN];
	int r, first = SR_OK;

	if (w->sealed)
		return (SR_OK);
	if (now_ns < w->last_ns)
		now_ns = w->last_ns;
	w->last_ns = now_ns;
	sr_buf_init(&x, MARK_BUF_MAX);
	/* Held bytes, then the end message, then the last chunk. */
	if (flush_hold(w, 1, now_ns) != 0 || flush_hold(w, 0, now_ns) != 0)
		return (fail_nomem(w));
	if (w->enc.in_msg && msg_close(w, NULL, 0) != 0)
		return (fail_nomem(w));
	if (chunk_begin(w, now_ns) != 0 ||
	    sr_tlog_enc_at(&w->enc, now_ns / SR_NSEC_PER_MSEC) != 0 ||
	    json_key(&x, "sr_end") || wb_jstr(&x, sr_end_reason_name(reason)) ||
	    json_key(&x, "sr_status") || sr_buf_i64(&x, status) ||
	    msg_close(w, x.data, x.len) != 0) {
		sr_buf_release(&x);
		return (fail_nomem(w));
	}
	sr_buf_release(&x);
	/*
	 * The last chunk may use the room kept for the end, all but what
	 * the seal needs; the index is advisory and left out when it does
	 * not fit.
	 */
	if ((r = chunk_write(w, SEAL_KEEP)) != SR_OK)
		first = r;
	(void)write_index(w);
	memset(&s, 0, sizeof(s));
	memcpy(s.rec_id, w->rec_id, SR_RECID_LEN);
	s.host_seq = w->host_seq;
	s.n = w->seq;
	s.bytes_out = w->out.bytes;
	s.bytes_in = w->in.bytes;
	memcpy(s.h0, w->h0, SR_HASH_LEN);
	memcpy(s.hn, w->seq == 0 ? w->h0 : w->h, SR_HASH_LEN);
	s.last_ck = w->ck_no - 1;
	s.start_wall_ns = w->start_wall_ns;
	s.end_ns = now_ns;
	s.end_reason = (uint8_t)reason;
	s.status = status;
	s.bytes_lost = w->lost;
	if (w->key != NULL)
		memcpy(s.key_id, sr_key_id(w->key), SR_KEYID_LEN);
	sr_seal_encode(&s, body);
	if ((r = sign(w, SR_DOMAIN_SEAL, body, sizeof(body))) != SR_OK)
		return (r);
	/* Nothing comes after the seal: no more room to keep. */
	if ((r = emit_skip(w, SR_NK_SEAL, body, sizeof(body), 0)) != SR_OK)
		return (r);
	w->sealed = 1;
	w->end_reason = reason;
	if (!w->o.no_sync)
		(void)fdatasync(w->fd);
	/*
	 * Give back the reservation, and make the file read-only: a file
	 * only, never what else the fd may be (the journal writer's
	 * /dev/null, which a root recorder would otherwise chmod).
	 */
	if (fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (w->reserved > w->size)
			(void)ftruncate(w->fd, (off_t)w->size);
		(void)fchmod(w->fd, 0440);
	}
	return (first);
}

static int hex(struct sr_buf *, const unsigned char *, size_t);

/*
 * Witness lines: short, one-line, space-separated key=value text that
 * syslog carries unchanged, signed with the host key under their own
 * domain so that a line anyone can send with logger(1) does not verify.
 * The signature covers the line up to " sig=".
 */
int
sr_recw_witness(struct sr_recw *w, enum sr_witness_kind kind, struct sr_buf *b)
{
	unsigned char sig[SR_SIG_LEN];
	const unsigned char *hn;
	size_t start = b->len;
	int r;

	if (kind == SR_WITNESS_SEAL && !w->sealed)
		return (SR_FAILED);
	r = sr_buf_printf(b, "sessrec-witness v1 %s rec=",
	    kind == SR_WITNESS_START ? "START" : "SEAL");
	r = r || hex(b, w->rec_id, SR_RECID_LEN);
	if (kind == SR_WITNESS_START) {
		r = r ||
		    sr_buf_printf(b, " host_seq=%llu h0=",
			(unsigned long long)w->host_seq) ||
		    hex(b, w->h0, SR_HASH_LEN);
	} else {
		hn = w->seq == 0 ? w->h0 : w->h;
		r = r ||
		    sr_buf_printf(b,
			" n=%llu hn=", (unsigned long long)w->seq) ||
		    hex(b, hn, SR_HASH_LEN) ||
		    sr_buf_printf(b, " end=%s lost=%llu",
			sr_end_reason_name(w->end_reason),
			(unsigned long long)w->lost);
	}
	r = r || sr_buf_printf(b, " key=");
	r = r ||
	    (w->key != NULL ? hex(b, sr_key_id(w->key), SR_KEYID_LEN)
			    : sr_buf_putc(b, '-'));
	if (r) {
		b->len = start;
		b->data[start] = '\0';
		return (fail_nomem(w));
	}
	if (w->key != NULL &&
	    (r = sr_key_sign(w->key, SR_DOMAIN_WITNESS, b->data + start,
		 b->len - start, sig, &w->err)) != SR_OK) {
		b->len = start;
		b->data[start] = '\0';
		return (r);
	}
	if (w->key == NULL)
		r = sr_buf_printf(b, " sig=-");
	else
		r = sr_buf_printf(b, " sig=") || hex(b, sig, SR_SIG_LEN);
	if (r) {
		b->len = start;
		b->data[start] = '\0';
		return (fail_nomem(w));
	}
	return (SR_OK);
}

const struct sr_error *
sr_recw_error(const struct sr_recw *w)
{
	return (&w->err);
}

uint64_t
sr_recw_size(const struct sr_recw *w)
{
	return (w->size);
}

void
sr_recw_free(struct sr_recw *w)
{
	if (w == NULL)
		return;
	ZSTD_freeCCtx(w->cctx);
	sr_buf_release(&w->envelope);
	sr_buf_release(&w->first);
	sr_tlog_enc_release(&w->enc);
	sr_buf_release(&w->plain);
	sr_buf_release(&w->frame);
	free(w->index);
	free(w);
}

/* Header JSON helpers: ,"key":"value" when value is set. */
static int
hs(struct sr_buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return (0);
	return (json_key(b, k) || wb_jstr(b, v));
}

static int
hn(struct sr_buf *b, const char *k, int64_t v)
{
	return (json_key(b, k) || sr_buf_i64(b, v));
}

/* Appends n <= SR_SIG_LEN bytes as hex; 0 or -1. */
static int
hex(struct sr_buf *b, const unsigned char *p, size_t n)
{
	char d[2 * SR_SIG_LEN + 1];

	if (n > SR_SIG_LEN)
		return (-1);
	sr_hex_encode(d, p, n);
	return (sr_buf_append(b, d, 2 * n) != SR_E_NONE ? -1 : 0);
}

static int
build_header(struct sr_recw *w, const struct sr_rec_meta *m, struct sr_buf *b)
{
	static const struct {
		unsigned bit;
		const char *name;
	} claims[] = {
		{ SR_CLAIMED_ACTOR, "actor" },
		{ SR_CLAIMED_SRC_IP, "src_ip" },
		{ SR_CLAIMED_TARGET, "target" },
		{ SR_CLAIMED_TICKET, "ticket" },
		{ SR_CLAIMED_TERM, "term" },
	};
	char iso[64];
	size_t i, k;
	int r;

	r = wb_str(b, "{\"format\":\"sessrec\",\"version\":1,\"rec_id\":\"") ||
	    hex(b, w->rec_id, SR_RECID_LEN) || wb_str(b, "\"") ||
	    hs(b, "session_id", m->session_id) || hs(b, "host", m->host) ||
	    hn(b, "host_seq", (int64_t)m->host_seq) ||
	    wb_str(b,
		w->key != NULL ? ",\"signed\":true,\"key_id\":\""
			       : ",\"signed\":false,\"key_id\":null");
	if (r == 0 && w->key != NULL)
		r = hex(b, sr_key_id(w->key), SR_KEYID_LEN) || wb_str(b, "\"");
	sr_time_format_iso_ms(m->start_ns, iso, sizeof(iso));
	r = r || hn(b, "start_ns", m->start_ns) || hs(b, "start", iso) ||
	    hn(b, "uid", m->uid) || hs(b, "user", m->user) ||
	    json_key(b, "loginuid") ||
	    (m->loginuid >= 0 ? sr_buf_i64(b, m->loginuid)
			      : wb_str(b, "null")) ||
	    json_key(b, "audit_session") ||
	    (m->audit_session >= 0 ? sr_buf_i64(b, m->audit_session)
				   : wb_str(b, "null")) ||
	    hn(b, "pid", m->pid) || hs(b, "tty", m->tty) ||
	    hs(b, "term", m->term) || hn(b, "cols", m->cols) ||
	    hn(b, "rows", m->rows) || hs(b, "actor", m->actor) ||
	    hs(b, "actor_source", m->actor_source) ||
	    hs(b, "src_ip", m->src_ip) || hs(b, "src_port", m->src_port) ||
	    hs(b, "target", m->target) || hs(b, "ticket", m->ticket) ||
	    hs(b, "cwd", m->cwd) || hs(b, "command", m->command);
	if (r == 0 && m->argv != NULL) {
		r = json_key(b, "argv") || sr_buf_append(b, "[", 1);
		for (i = 0; r == 0 && m->argv[i] != NULL && i < 1024; i++)
			r = (i > 0 && sr_buf_append(b, ",", 1)) ||
			    wb_jstr(b, m->argv[i]);
		r = r || sr_buf_append(b, "]", 1);
	}
	r = r || json_key(b, "input") ||
	    wb_str(b, m->input ? "true" : "false") || hs(b, "mask", m->mask) ||
	    json_key(b, "claimed") || sr_buf_append(b, "[", 1);
	for (i = k = 0; r == 0 && i < nitems(claims); i++)
		if (m->claimed & claims[i].bit)
			r = (k++ > 0 && sr_buf_append(b, ",", 1)) ||
			    wb_jstr(b, claims[i].name);
	r = r || sr_buf_append(b, "]", 1) ||
	    hn(b, "chunk_ms", w->o.chunk_ns / SR_NSEC_PER_MSEC) ||
	    hn(b, "checkpoint_ms", w->o.checkpoint_ns / SR_NSEC_PER_MSEC) ||
	    sr_buf_append(b, "}", 1);
	return (r);
}

/* tlog's envelope and the sr_* keys of message 1. */
static int
build_envelope(struct sr_recw *w, const struct sr_rec_meta *m)
{
	struct sr_buf *e = &w->envelope, *f = &w->first;
	int r;

	r = sr_tlog_envelope(e, m->host, m->session_id, m->user, m->term,
	    m->audit_session > 0 ? (uint64_t)m->audit_session : 4294967295U);
	r = r || hn(f, "sr_ver", 1) || hs(f, "sr_session_id", m->session_id) ||
	    hs(f, "sr_actor", m->actor) || hs(f, "sr_src_ip", m->src_ip) ||
	    hs(f, "sr_target", m->target) || hs(f, "sr_ticket", m->ticket) ||
	    hs(f, "sr_tty", m->tty) || hs(f, "sr_cwd", m->cwd) ||
	    hs(f, "sr_command", m->command) || hs(f, "sr_host", m->host);
	return (r);
}

int
sr_recw_open(struct sr_ctx *ctx, int fd, const struct sr_rec_meta *m,
    const struct sr_rec_opts *opts, struct sr_recw **wp, struct sr_error *err)
{
	struct sr_recw *w;
	struct sr_buf hdr;
	struct stat st;
	int r;

	*wp = NULL;
	sr_error_clear(err);
	sr_buf_init(&hdr, HDR_MAX);
	if (m == NULL || m->session_id == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no session id"));
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	w->ctx = ctx;
	w->fd = fd;
	sr_error_clear(&w->err);
	sr_buf_init(&w->envelope, HDR_MAX);
	sr_buf_init(&w->first, HDR_MAX);
	sr_tlog_enc_init(&w->enc, MSG_BUF_MAX, m->rows, m->cols);
	sr_buf_init(&w->plain, 2 * SR_CHUNK_WRITE_MAX);
	sr_buf_init(&w->frame, 4 * SR_CHUNK_WRITE_MAX);
	if (opts != NULL)
		w->o = *opts;
	if (w->o.chunk_ns <= 0)
		w->o.chunk_ns = CHUNK_NS_DEFAULT;
	if (w->o.chunk_bytes == 0)
		w->o.chunk_bytes = CHUNK_BYTES_DEFAULT;
	if (w->o.chunk_bytes > CHUNK_BYTES_MAX)
		w->o.chunk_bytes = CHUNK_BYTES_MAX;
	if (w->o.checkpoint_ns <= 0)
		w->o.checkpoint_ns = CHECKPOINT_NS_DEFAULT;
	if (w->o.checkpoint_bytes == 0)
		w->o.checkpoint_bytes = CHECKPOINT_BYTES_DEF;
	if (w->o.level == 0)
		w->o.level =
		    1; /* ratio within 1% of level 3 on terminal output */
	if (w->o.reserve == 0)
		w->o.reserve = RESERVE_DEFAULT;
	if (w->o.index_max < 2 || w->o.index_max > INDEX_MAX)
		w->o.index_max = INDEX_MAX;
	w->key = w->o.key;
	if (w->key != NULL && !sr_key_has_secret(w->key)) {
		sr_recw_free(w);
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "the signing key has no secret half"));
	}
	w->reserve_ok = 1;
	w->chunk_first_ns = -1;
	w->index_step = 1;
	w->host_seq = m->host_seq;
	w->start_wall_ns = m->start_ns;
	w->next_id = 1;
	if (fstat(fd, &st) == 0)
		w->size = w->reserved = (uint64_t)st.st_size;
	if (getrandom(w->rec_id, sizeof(w->rec_id), 0) !=
	    (ssize_t)sizeof(w->rec_id)) {
		r = sr_error_set(err, SR_FAILED, SR_E_IO, NULL, NULL,
		    "no random bytes: %s", strerror(errno));
		sr_recw_free(w);
		return (r);
	}
	if ((w->cctx = ZSTD_createCCtx()) == NULL ||
	    (w->index = calloc(w->o.index_max, sizeof(*w->index))) == NULL ||
	    build_envelope(w, m) != 0 || build_header(w, m, &hdr) != 0) {
		sr_buf_release(&hdr);
		sr_recw_free(w);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->o.level);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_windowLog, SR_NATIVE_WINDOWLOG);
	sr_chain_h0(w->h0, hdr.data, hdr.len);
	memcpy(w->h, w->h0, SR_HASH_LEN);
	/* The header and checkpoint 0, synced, before the session starts. */
	if ((r = emit_skip(w, SR_NK_HEADER, hdr.data, hdr.len, w->o.reserve)) !=
		SR_OK ||
	    (r = checkpoint(w, 0)) != SR_OK) {
		*err = w->err;
		sr_buf_release(&hdr);
		sr_recw_free(w);
		return (r);
	}
	sr_buf_release(&hdr);
	*wp = w;
	return (SR_OK);
}

/* Crockford's base32, as ULIDs use it. */
int
sr_session_id_new(int64_t wall_ns, char buf[27], struct sr_error *err)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char rnd[10];
	uint64_t ms = (uint64_t)(wall_ns / SR_NSEC_PER_MSEC);
	uint64_t hi, lo;
	int i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return (sr_error_set(err, SR_FAILED, SR_E_IO, NULL, NULL,
		    "no random bytes: %s", strerror(errno)));
	/* 10 characters of time (48 bits, top 2 bits of 50 are 0). */
	for (i = 9; i >= 0; i--) {
		buf[i] = b32[ms & 31];
		ms >>= 5;
	}
	/* 16 characters of randomness: 80 bits as 40 + 40. */
	hi = (uint64_t)rnd[0] << 32 | (uint64_t)rnd[1] << 24 |
	    (uint64_t)rnd[2] << 16 | (uint64_t)rnd[3] << 8 | rnd[4];
	lo = (uint64_t)rnd[5] << 32 | (uint64_t)rnd[6] << 24 |
	    (uint64_t)rnd[7] << 16 | (uint64_t)rnd[8] << 8 | rnd[9];
	for (i = 17; i >= 10; i--) {
		buf[i] = b32[hi & 31];
		hi >>= 5;
	}
	for (i = 25; i >= 18; i--) {
		buf[i] = b32[lo & 31];
		lo >>= 5;
	}
	buf[26] = '\0';
	return (SR_OK);
}
