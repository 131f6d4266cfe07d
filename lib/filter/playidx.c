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
 * Play index: one session's events re-encoded for seeking (see
 * sessrec.h and /work/ISSUE4.md).  The builder feeds the events into its
 * own sr_screen and cuts them into blocks; each block is stored with a
 * keyframe, the snapshot of that screen before the block's first event,
 * so that a seek restores one keyframe and replays at most one block.
 *
 * File layout (all integers little-endian; "v" is an unsigned LEB128
 * varint):
 *
 *   header   "SRIDX\r\n\032", u32 version, u32 rows, u32 cols,
 *            u32 identity length, i64 recorded duration (-1 unknown),
 *            identity bytes
 *   blocks   for each block, two zstd frames (with checksums):
 *            data: v keyframe length, keyframe, then per event:
 *                  u8 type | stream << 4, v flags, v time delta (from
 *                  the previous event, the first from the block's
 *                  t_first), [v rows, v cols for a resize], v length,
 *                  bytes
 *            text: per line: v time delta (from the previous line, the
 *                  first absolute), v length, bytes
 *   footer   one zstd frame: v status+3, v flags, v duration, v number
 *            of blocks, the block table (v offset, v csize, v usize,
 *            v text csize, v text usize, v events, v flags, v t_first,
 *            v t_last - t_first, v first line time + 1), v number of
 *            marks, the marks (v time delta, v kind, v label length,
 *            label)
 *   trailer  "SRIDXEND", u32 version, u32 0, u64 footer offset,
 *            u64 footer csize, u64 footer usize (40 bytes)
 *
 * A file without the trailer is unfinished.  Event times are made
 * non-decreasing and non-negative while building, so the block table is
 * sorted by time and a seek is a binary search.  An empty keyframe means
 * "none": for the first block that is a reset to the start geometry,
 * for a later one (the screen could not be snapshotted) a seek replays
 * from an earlier block.
 *
 * Nothing read back from a file is trusted: every count, offset, size
 * and time is checked against the others and against fixed caps before
 * it is used, and decompressed sizes are bounded.
 *
 * Locking: one mutex guards the block table, marks and counters.  The
 * builder does its compression and writes outside the lock and only
 * publishes a block under it; readers copy a table entry under the lock
 * and pread() the block outside it (blocks never change once published).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "compat.h"
#include "native.h"
#include "seal.h"
#include "sr-private.h"

#define PI_MAGIC     "SRIDX\r\n\032"
#define PI_END_MAGIC "SRIDXEND"
#define PI_VERSION   2
#define PI_HDR_FIXED 32
#define PI_TRAILER   40
#define PI_ID_MAX    65536
#define PI_LEVEL     1

/* Block caps: output bytes (growing), all data bytes, events. */
#define PI_OUT_FIRST (16 * 1024)
#define PI_OUT_MAX   (1024 * 1024)
#define PI_DATA_MAX  (2 * 1024 * 1024)
#define PI_EV_MAX    65536
/* Data of events that are not split (markers, end) is cut to this. */
#define PI_LABEL_DATA (64 * 1024)
/* Decompressed sizes a reader accepts. */
#define PI_USIZE_MAX  (128u * 1024 * 1024)
#define PI_TUSIZE_MAX (16u * 1024 * 1024)
#define PI_FOOTER_MAX (192u * 1024 * 1024)
#define PI_LINE_MAX   4096
#define PI_MARKS_MAX  (1u << 20)
/* Worst-case bytes of an event record besides its data. */
#define PI_EVHDR_MAX (1 + 10 * 5)

#define BLK_KEYFRAME	     1u
#define FOOT_MARKS_TRUNCATED 1u

struct blk {
	uint64_t off; /* data frame; the text frame follows it */
	uint32_t csize, usize;
	uint32_t tcsize, tusize;
	uint32_t nevents;
	uint32_t flags; /* BLK_KEYFRAME */
	int64_t t_first, t_last;
	int64_t t_line; /* first text line's time, -1 when none */
};

struct sr_playidx {
	struct sr_ctx *ctx;
	int fd;
	pthread_mutex_t mu;
	char *identity;
	unsigned rows, cols;
	int64_t rec_duration; /* -1 unknown */
	uint64_t data_start;  /* first byte after the header */

	struct blk *blk;
	size_t nblk, blkcap;
	struct sr_mark *marks;
	size_t nmarks, markcap;
	int marks_truncated;
	int complete;
	int status;
	int64_t t_last; /* last event indexed (published or not) */
	int64_t t_pub;	/* last event of the published blocks */
	int have_events;
	struct sr_error err;

	/* Builder only. */
	int building;
	int broken; /* a write failed: no more adds */
	struct sr_screen *scr;
	struct sr_textview *tv;
	ZSTD_CCtx *cctx;
	struct sr_buf ev;   /* the open block: keyframe + events */
	struct sr_buf text; /* its text lines */
	struct sr_buf z;    /* compressed frame */
	int open;
	size_t snap_len_pos; /* where the events start in ev */
	uint32_t b_flags;
	int64_t b_first, b_prev;
	uint32_t b_nev;
	size_t b_out, b_data, b_cap;
	int64_t b_line, line_prev;
	int text_full;
	uint64_t woff;
	char cmd[80]; /* the command line being typed */
	size_t cmdlen;
	int esc;      /* in an escape sequence: 1 after ESC, 2 in its body */
	int pipe_all; /* every output event is SR_EVF_PIPE */
};

struct sr_playcur {
	struct sr_playidx *x;
	size_t b;	    /* block loaded, or SIZE_MAX */
	struct blk cur;	    /* its table entry (copied) */
	unsigned char *buf; /* decompressed block */
	size_t bufcap;
	unsigned char *zbuf; /* compressed block */
	size_t zcap;
	size_t pos;	 /* next event in buf */
	size_t ev_start; /* first event in buf */
	uint32_t left;	 /* events left in the block */
	int64_t t_prev;
	struct sr_event ev;
	int loaded;
	ZSTD_DCtx *dctx; /* kept: a context is costly to make */
};

/* Varints. */

static size_t
put_v(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return (n);
}

static int
buf_v(struct sr_buf *b, uint64_t v)
{
	unsigned char tmp[10];

	return (sr_buf_append(b, tmp, put_v(tmp, v)));
}

/* Reads a varint from p[*pos..len); -1 when truncated or too long. */
static int
get_v(const unsigned char *p, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	unsigned shift = 0;
	size_t i = *pos;

	for (;;) {
		if (i >= len || shift > 63)
			return (-1);
		r |= (uint64_t)(p[i] & 0x7f) << shift;
		if ((p[i++] & 0x80) == 0)
			break;
		shift += 7;
	}
	*v = r;
	*pos = i;
	return (0);
}

static void
le32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
le64_put(unsigned char *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}

static uint64_t
le64(const unsigned char *p)
{
	return ((uint64_t)sr_le32(p) | (uint64_t)sr_le32(p + 4) << 32);
}

/* I/O: whole writes and reads at an offset. */

static int
pwrite_all(int fd, const void *p, size_t len, uint64_t off)
{
	const unsigned char *c = p;
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, c, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return (-1);
		}
		c += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return (0);
}

/* 0, or -1 with errno (EIO for a short file). */
static int
pread_all(int fd, void *p, size_t len, uint64_t off)
{
	unsigned char *c = p;
	ssize_t n;

	while (len > 0) {
		n = pread(fd, c, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return (-1);
		}
		c += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return (0);
}

/* Identity and cache name. */

static int
id_stat(struct sr_buf *b, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return (sr_buf_printf(b, "stat %s: missing\n", path));
	return (sr_buf_printf(b, "stat %s: %llu %llu %lld %lld\n", path,
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    (long long)st.st_size,
	    (long long)st.st_mtim.tv_sec * SR_NSEC_PER_SEC +
		st.st_mtim.tv_nsec));
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * A recording rooted at a directory (a sudo session) is several files:
 * every regular file directly inside it counts, in name order.
 */
static int
id_stat_dir(struct sr_buf *b, const char *dir)
{
	struct sr_buf p;
	char **names = NULL, **nv;
	size_t n = 0, i;
	int rc = SR_E_NONE;
	DIR *d;
	struct dirent *de;

	if ((d = opendir(dir)) == NULL)
		return (sr_buf_printf(b, "dir %s: unreadable\n", dir));
	while ((de = readdir(d)) != NULL && n < 4096) {
		if (de->d_name[0] == '.')
			continue;
		if ((nv = sr_reallocarray(names, n + 1, sizeof(*names))) ==
		    NULL) {
			rc = SR_E_NOMEM;
			break;
		}
		names = nv;
		if ((names[n] = sr_strdup(de->d_name)) == NULL) {
			rc = SR_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == SR_E_NONE && n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	sr_buf_init(&p, PATH_MAX * 2);
	for (i = 0; i < n && rc == SR_E_NONE; i++) {
		sr_buf_reset(&p);
		if ((rc = sr_buf_printf(&p, "%s/%s", dir, names[i])) ==
		    SR_E_NONE)
			rc = id_stat(b, p.data);
	}
	sr_buf_release(&p);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (rc);
}

int
sr_playidx_identity(struct sr_catalog *c, size_t entry, struct sr_buf *b)
{
	const struct sr_entry *e;
	const char *src;
	char real[PATH_MAX];
	struct sr_buf p;
	struct stat st;
	int rc;

	if ((e = sr_catalog_entry(c, entry)) == NULL ||
	    (src = sr_catalog_source(c, e->source)) == NULL)
		return (SR_E_MISUSE);
	/* Not a path ("journal"): name it as given. */
	if (realpath(src, real) == NULL &&
	    strlcpy(real, src, sizeof(real)) >= sizeof(real))
		return (SR_E_LIMIT);
	rc = sr_buf_printf(b, "source %s\n", real);
	if (rc == SR_E_NONE)
		rc = sr_buf_printf(b, "member %s\nsession %zu\nformat %s\n",
		    e->member, e->index,
		    e->fmt != NULL ? sr_format_name(e->fmt) : "");
	if (rc != SR_E_NONE)
		return (rc);
	if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* A directory source: the member is a file or a directory. */
		sr_buf_init(&p, PATH_MAX * 2);
		if ((rc = sr_buf_printf(&p, "%s/%s", real, e->member)) !=
		    SR_E_NONE) {
			sr_buf_release(&p);
			return (rc);
		}
		if (stat(p.data, &st) == 0 && S_ISDIR(st.st_mode))
			rc = id_stat_dir(b, p.data);
		else
			rc = id_stat(b, p.data);
		sr_buf_release(&p);
		return (rc);
	}
	/* A file or archive: the file itself (and a partner it names). */
	if ((rc = id_stat(b, real)) != SR_E_NONE)
		return (rc);
	if (e->member[0] != '\0' && strchr(e->member, '/') == NULL &&
	    strcmp(e->member, sr_basename(real)) != 0) {
		sr_buf_init(&p, PATH_MAX * 2);
		rc = sr_buf_printf(&p, "%.*s/%s", (int)sr_dirlen(real), real,
		    e->member);
		if (rc == SR_E_NONE && access(p.data, F_OK) == 0)
			rc = id_stat(b, p.data);
		sr_buf_release(&p);
	}
	return (rc);
}

int
sr_playidx_cache_name(const char *identity, const char *dir,
    struct sr_buf *path)
{
	unsigned char h[SR_HASH_LEN];
	char name[33];
	size_t i, n;

	/*
	 * Only the lines that say where the session is (source, member,
	 * session, format: the first four) name the file, not the ones
	 * that say which version of it: an index made stale by a change is
	 * replaced under the same name instead of left behind.
	 */
	for (i = 0, n = 0; identity[i] != '\0' && n < 4; i++)
		if (identity[i] == '\n')
			n++;
	sr_sha256(h, identity, i);
	sr_hex_encode(name, h, 16);
	return (sr_buf_printf(path, "%s/%s.sridx", dir, name));
}

/* Builder. */

static int
build_error(struct sr_playidx *x, int errnum, const char *what)
{
	x->broken = 1;
	return (sr_error_set(&x->err, SR_FATAL, errnum ? SR_E_IO : SR_E_NOMEM,
	    NULL, NULL, "play index: %s%s%s", what, errnum ? ": " : "",
	    errnum ? strerror(errnum) : ""));
}

/* Compresses src into x->z; SR_OK or SR_FATAL. */
static int
compress_into(struct sr_playidx *x, const void *src, size_t len)
{
	size_t bound = ZSTD_compressBound(len), n;

	sr_buf_reset(&x->z);
	if (sr_buf_reserve(&x->z, bound) != SR_E_NONE)
		return (build_error(x, 0, "out of memory"));
	n = ZSTD_compress2(x->cctx, x->z.data, bound, src, len);
	if (ZSTD_isError(n))
		return (build_error(x, 0, ZSTD_getErrorName(n)));
	x->z.len = n;
	return (SR_OK);
}

static void
add_mark(struct sr_playidx *x, int64_t t, enum sr_mark_kind kind,
    const void *label, size_t len)
{
	struct sr_mark *m;
	size_t ncap;

	pthread_mutex_lock(&x->mu);
	if (x->nmarks >= PI_MARKS_MAX) {
		x->marks_truncated = 1;
		goto out;
	}
	if (x->nmarks == x->markcap) {
		ncap = x->markcap ? x->markcap * 2 : 64;
		if ((m = sr_reallocarray(x->marks, ncap, sizeof(*m))) == NULL) {
			x->marks_truncated = 1;
			goto out;
		}
		x->marks = m;
		x->markcap = ncap;
	}
	m = &x->marks[x->nmarks++];
	memset(m, 0, sizeof(*m));
	m->t_ns = t;
	m->kind = kind;
	if (len > sizeof(m->label) - 1)
		len = sizeof(m->label) - 1;
	if (len > 0)
		memcpy(m->label, label, len);
	m->label[len] = '\0';
out:
	pthread_mutex_unlock(&x->mu);
}

/*
 * Input: a command mark at each Enter, labelled with the line typed since
 * the previous one.  Control bytes are dropped, an erase takes back the
 * last character, and escape sequences (cursor keys) are skipped.
 */
static void
input_marks(struct sr_playidx *x, const struct sr_event *ev, int64_t t)
{
	static const char masked[] = "(masked)";
	size_t i;
	unsigned char c;

	if ((ev->flags & SR_EVF_MASKED) && ev->len == 0) {
		/* Withheld: a masked run ends with its Enter. */
		add_mark(x, t, SR_MARK_COMMAND, masked, sizeof(masked) - 1);
		x->cmdlen = 0;
		return;
	}
	for (i = 0; i < ev->len; i++) {
		c = ev->data[i];
		if (x->esc != 0) {
			/* Inside an escape sequence . */
			if (x->esc == 1)
				x->esc = (c == '[' || c == 'O') ? 2 : 0;
			else if (x->esc == 2 && c >= 0x40 && c <= 0x7e)
				x->esc = 0;
			else if (x->esc == 2 && (c < 0x20 || c > 0x3f))
				x->esc = 0;
			continue;
		}
		if (c == '\r' || c == '\n') {
			if (ev->flags & SR_EVF_MASKED)
				add_mark(x, t, SR_MARK_COMMAND, masked,
				    sizeof(masked) - 1);
			else
				add_mark(x, t, SR_MARK_COMMAND, x->cmd,
				    x->cmdlen);
			x->cmdlen = 0;
			/* CR LF is one Enter. */
			if (c == '\r' && i + 1 < ev->len &&
			    ev->data[i + 1] == '\n')
				i++;
		} else if (c == 0x7f || c == 0x08) {
			while (x->cmdlen > 0 &&
			    (x->cmd[--x->cmdlen] & 0xc0) == 0x80)
				;
		} else if (c == 0x1b)
			x->esc = 1;
		else if (c >= 0x20 && x->cmdlen < sizeof(x->cmd) - 1)
			x->cmd[x->cmdlen++] = (char)c;
	}
}

static void
event_marks(struct sr_playidx *x, const struct sr_event *ev, int64_t t)
{
	if (ev->flags & SR_EVF_GAP)
		add_mark(x, t, SR_MARK_GAP, "", 0);
	switch (ev->type) {
	case SR_EV_INPUT:
		input_marks(x, ev, t);
		break;
	case SR_EV_MARKER:
		add_mark(x, t, SR_MARK_MARKER, ev->data, ev->len);
		break;
	case SR_EV_SUSPEND:
		add_mark(x, t, SR_MARK_SUSPEND, ev->data, ev->len);
		break;
	case SR_EV_RESUME:
		add_mark(x, t, SR_MARK_RESUME, ev->data, ev->len);
		break;
	default:
		break;
	}
}

static int
text_line(void *arg, const char *line, size_t len, int64_t t)
{
	struct sr_playidx *x = arg;
	unsigned char hdr[20];
	size_t n;

	if (!x->open || x->text_full)
		return (0);
	if (t < x->line_prev)
		t = x->line_prev;
	n = put_v(hdr, (uint64_t)(t - x->line_prev));
	n += put_v(hdr + n, len);
	if (x->text.len + n + len > PI_TUSIZE_MAX) {
		/* Search loses the rest of this block's lines, no more. */
		x->text_full = 1;
		return (0);
	}
	if (sr_buf_append(&x->text, hdr, n) != SR_E_NONE ||
	    sr_buf_append(&x->text, line, len) != SR_E_NONE) {
		x->text_full = 1;
		return (0);
	}
	if (x->b_line < 0)
		x->b_line = t;
	x->line_prev = t;
	return (0);
}

static int
block_open(struct sr_playidx *x, int64_t t)
{
	unsigned char hdr[10];
	size_t n;
	int rc;

	sr_buf_reset(&x->ev);
	sr_buf_reset(&x->text);
	x->b_flags = 0;
	x->z.len = 0;
	if (x->nblk == 0 && x->woff == x->data_start) {
		/* The first keyframe is the start state: a reset. */
		x->b_flags = BLK_KEYFRAME;
		rc = sr_buf_putc(&x->ev, 0);
	} else {
		sr_buf_reset(&x->z);
		if (sr_screen_snapshot(x->scr, &x->z) == SR_E_NONE &&
		    x->z.len > 0 && x->z.len < PI_USIZE_MAX / 2) {
			x->b_flags = BLK_KEYFRAME;
			n = put_v(hdr, x->z.len);
			if ((rc = sr_buf_append(&x->ev, hdr, n)) == SR_E_NONE)
				rc = sr_buf_append(&x->ev, x->z.data, x->z.len);
		} else {
			/* No keyframe: a seek replays from an earlier one. */
			rc = sr_buf_putc(&x->ev, 0);
		}
	}
	if (rc != SR_E_NONE)
		return (build_error(x, 0, "out of memory"));
	x->snap_len_pos = x->ev.len;
	x->open = 1;
	x->b_first = x->b_prev = t;
	x->b_nev = 0;
	x->b_out = x->b_data = 0;
	x->b_line = -1;
	x->line_prev = 0;
	x->text_full = 0;
	return (SR_OK);
}

static int
block_close(struct sr_playidx *x)
{
	struct blk b;
	struct blk *nb;
	size_t ncap;
	int rc;

	if (!x->open)
		return (SR_OK);
	x->open = 0;
	memset(&b, 0, sizeof(b));
	b.off = x->woff;
	b.usize = (uint32_t)x->ev.len;
	b.nevents = x->b_nev;
	b.flags = x->b_flags;
	b.t_first = x->b_first;
	b.t_last = x->b_prev;
	b.t_line = x->b_line;
	if ((rc = compress_into(x, x->ev.data, x->ev.len)) != SR_OK)
		return (rc);
	b.csize = (uint32_t)x->z.len;
	if (pwrite_all(x->fd, x->z.data, x->z.len, x->woff) != 0)
		return (build_error(x, errno, "write"));
	x->woff += x->z.len;
	if (x->text.len > 0) {
		if ((rc = compress_into(x, x->text.data, x->text.len)) != SR_OK)
			return (rc);
		b.tusize = (uint32_t)x->text.len;
		b.tcsize = (uint32_t)x->z.len;
		if (pwrite_all(x->fd, x->z.data, x->z.len, x->woff) != 0)
			return (build_error(x, errno, "write"));
		x->woff += x->z.len;
	}
	pthread_mutex_lock(&x->mu);
	if (x->nblk == x->blkcap) {
		ncap = x->blkcap ? x->blkcap * 2 : 64;
		if ((nb = sr_reallocarray(x->blk, ncap, sizeof(*nb))) == NULL) {
			pthread_mutex_unlock(&x->mu);
			return (build_error(x, 0, "out of memory"));
		}
		x->blk = nb;
		x->blkcap = ncap;
	}
	x->blk[x->nblk++] = b;
	x->t_pub = b.t_last;
	pthread_mutex_unlock(&x->mu);
	if (x->b_cap < PI_OUT_MAX)
		x->b_cap *= 2;
	return (SR_OK);
}

int
sr_playidx_create(struct sr_ctx *ctx, int fd, const char *identity,
    const struct sr_session *s, struct sr_playidx **ip, struct sr_error *err)
{
	struct sr_playidx *x;
	unsigned char hdr[PI_HDR_FIXED];
	size_t idlen = identity != NULL ? strlen(identity) : 0;

	*ip = NULL;
	if (idlen > PI_ID_MAX)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "play index: identity too long"));
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	pthread_mutex_init(&x->mu, NULL);
	x->ctx = ctx;
	x->fd = fd;
	x->status = SR_OK;
	x->rows = 24;
	x->cols = 80;
	{
		struct sr_event probe;

		memset(&probe, 0, sizeof(probe));
		probe.type = SR_EV_OUTPUT;
		probe.stream = SR_STREAM_TTYOUT;
		x->pipe_all = sr_event_pipe(s, &probe);
	}
	if (s != NULL && (s->have & SR_HAVE_GEOMETRY) && s->rows > 0 &&
	    s->cols > 0) {
		x->rows = s->rows > SR_SCREEN_MAX ? SR_SCREEN_MAX : s->rows;
		x->cols = s->cols > SR_SCREEN_MAX ? SR_SCREEN_MAX : s->cols;
	}
	x->rec_duration =
	    s != NULL && (s->have & SR_HAVE_DURATION) && s->duration_ns >= 0
	    ? s->duration_ns
	    : -1;
	x->building = 1;
	x->b_cap = PI_OUT_FIRST;
	sr_buf_init(&x->ev, PI_USIZE_MAX);
	sr_buf_init(&x->text, PI_TUSIZE_MAX);
	sr_buf_init(&x->z, SIZE_MAX / 2);
	sr_error_clear(&x->err);
	x->identity = sr_strdup(identity != NULL ? identity : "");
	x->scr = sr_screen_new(x->rows, x->cols);
	x->tv = sr_textview_new(PI_LINE_MAX, text_line, x);
	x->cctx = ZSTD_createCCtx();
	if (x->identity == NULL || x->scr == NULL || x->tv == NULL ||
	    x->cctx == NULL) {
		sr_playidx_free(x);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	(void)ZSTD_CCtx_setParameter(x->cctx, ZSTD_c_compressionLevel,
	    PI_LEVEL);
	(void)ZSTD_CCtx_setParameter(x->cctx, ZSTD_c_checksumFlag, 1);
	memcpy(hdr, PI_MAGIC, 8);
	le32_put(hdr + 8, PI_VERSION);
	le32_put(hdr + 12, x->rows);
	le32_put(hdr + 16, x->cols);
	le32_put(hdr + 20, (uint32_t)idlen);
	le64_put(hdr + 24, (uint64_t)x->rec_duration);
	if (pwrite_all(fd, hdr, sizeof(hdr), 0) != 0 ||
	    pwrite_all(fd, x->identity, idlen, sizeof(hdr)) != 0) {
		sr_error_set(err, SR_FATAL, SR_E_IO, NULL, NULL,
		    "play index: write: %s", strerror(errno));
		err->errnum = errno;
		sr_playidx_free(x);
		return (SR_FATAL);
	}
	x->data_start = x->woff = sizeof(hdr) + idlen;
	*ip = x;
	return (SR_OK);
}

/* Adds one piece of an event to the open block. */
static int
add_piece(struct sr_playidx *x, const struct sr_event *ev, int64_t t,
    const unsigned char *data, size_t len)
{
	unsigned char hdr[PI_EVHDR_MAX];
	size_t n = 0;

	hdr[n++] =
	    (unsigned char)((unsigned)ev->type | (unsigned)ev->stream << 4);
	n += put_v(hdr + n, ev->flags & 0x1f);
	n += put_v(hdr + n, (uint64_t)(t - x->b_prev));
	if (ev->type == SR_EV_RESIZE) {
		n += put_v(hdr + n, ev->rows > 65535 ? 65535 : ev->rows);
		n += put_v(hdr + n, ev->cols > 65535 ? 65535 : ev->cols);
	}
	n += put_v(hdr + n, len);
	if (sr_buf_append(&x->ev, hdr, n) != SR_E_NONE ||
	    sr_buf_append(&x->ev, data, len) != SR_E_NONE)
		return (build_error(x, 0, "out of memory"));
	x->b_prev = t;
	x->b_nev++;
	x->b_data += len;
	switch (ev->type) {
	case SR_EV_OUTPUT:
		x->b_out += len;
		sr_screen_set_onlcr(x->scr, (ev->flags & SR_EVF_PIPE) != 0);
		sr_screen_feed(x->scr, data, len);
		if (sr_textview_feed(x->tv, data, len, t) == SR_FATAL)
			return (build_error(x, 0, "out of memory"));
		break;
	case SR_EV_RESIZE:
		sr_screen_resize(x->scr, ev->rows, ev->cols);
		break;
	default:
		break;
	}
	return (SR_OK);
}

int
sr_playidx_add(struct sr_playidx *x, const struct sr_event *ev)
{
	const unsigned char *data = ev->data;
	size_t len = ev->len, piece, room;
	int64_t t = ev->t_ns;
	struct sr_event pe;
	int split, rc;

	/* Output written to a pipe is stored marked, for every replay. */
	if (ev->type == SR_EV_OUTPUT && !(ev->flags & SR_EVF_PIPE) &&
	    (x->pipe_all || sr_event_pipe(NULL, ev))) {
		pe = *ev;
		pe.flags |= SR_EVF_PIPE;
		ev = &pe;
	}

	if (!x->building || x->complete)
		return (sr_error_set(&x->err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "play index: not building"));
	if (x->broken)
		return (SR_FATAL);
	if (ev->type < SR_EV_OUTPUT || ev->type > SR_EV_END)
		return (SR_OK); /* nothing a player could use */
	/* Times never go back, so the block table is sorted. */
	if (t < 0)
		t = 0;
	if (x->have_events && t < x->t_last)
		t = x->t_last;
	if (data == NULL)
		len = 0;
	event_marks(x, ev, t);
	split = ev->type == SR_EV_OUTPUT || ev->type == SR_EV_INPUT;
	if (!split && len > PI_LABEL_DATA)
		len = PI_LABEL_DATA;
	do {
		if (x->open &&
		    (x->b_nev >= PI_EV_MAX ||
			(ev->type == SR_EV_OUTPUT && x->b_out > 0 &&
			    x->b_out + len > x->b_cap) ||
			(x->b_data > 0 && x->b_data + len > PI_DATA_MAX)) &&
		    (rc = block_close(x)) != SR_OK)
			return (rc);
		if (!x->open && (rc = block_open(x, t)) != SR_OK)
			return (rc);
		piece = len;
		if (ev->type == SR_EV_OUTPUT) {
			room = x->b_cap - x->b_out;
			if (piece > room)
				piece = room;
		}
		room = PI_DATA_MAX - x->b_data;
		if (piece > room)
			piece = room;
		if (!split)
			piece = len;
		if ((rc = add_piece(x, ev, t, data, piece)) != SR_OK)
			return (rc);
		data += piece;
		len -= piece;
	} while (len > 0);
	pthread_mutex_lock(&x->mu);
	x->t_last = t;
	x->have_events = 1;
	pthread_mutex_unlock(&x->mu);
	return (SR_OK);
}

int
sr_playidx_flush(struct sr_playidx *x)
{
	if (!x->building || x->complete)
		return (SR_OK);
	if (x->broken)
		return (SR_FATAL);
	return (block_close(x));
}

int
sr_playidx_finish(struct sr_playidx *x, int status)
{
	struct sr_buf f;
	unsigned char tr[PI_TRAILER];
	uint64_t foot_off;
	int64_t prev;
	size_t i, msglen;
	int rc;

	if (!x->building || x->complete)
		return (sr_error_set(&x->err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "play index: not building"));
	if (x->broken)
		return (SR_FATAL);
	if (status != SR_OK && status != SR_WARN)
		status = SR_FAILED;
	/* The last line without a newline still counts for search. */
	if (!x->open && (rc = block_open(x, x->t_last)) != SR_OK)
		return (rc);
	if (sr_textview_flush(x->tv) == SR_FATAL)
		return (build_error(x, 0, "out of memory"));
	if (x->b_nev == 0 && x->text.len == 0)
		x->open = 0; /* nothing to keep */
	if ((rc = block_close(x)) != SR_OK)
		return (rc);

	sr_buf_init(&f, PI_FOOTER_MAX);
	rc = buf_v(&f, (uint64_t)(status + 3));
	rc |= buf_v(&f, x->marks_truncated ? FOOT_MARKS_TRUNCATED : 0);
	rc |= buf_v(&f, x->have_events ? (uint64_t)x->t_last + 1 : 0);
	msglen = status == SR_FAILED ? strlen(x->err.msg) : 0;
	rc |= buf_v(&f, msglen);
	rc |= sr_buf_append(&f, x->err.msg, msglen);
	rc |= buf_v(&f, x->nblk);
	for (i = 0; i < x->nblk && rc == SR_E_NONE; i++) {
		const struct blk *b = &x->blk[i];

		rc |= buf_v(&f, b->off);
		rc |= buf_v(&f, b->csize);
		rc |= buf_v(&f, b->usize);
		rc |= buf_v(&f, b->tcsize);
		rc |= buf_v(&f, b->tusize);
		rc |= buf_v(&f, b->nevents);
		rc |= buf_v(&f, b->flags);
		rc |= buf_v(&f, (uint64_t)b->t_first);
		rc |= buf_v(&f, (uint64_t)(b->t_last - b->t_first));
		rc |= buf_v(&f, (uint64_t)(b->t_line + 1));
	}
	rc |= buf_v(&f, x->nmarks);
	for (i = 0, prev = 0; i < x->nmarks && rc == SR_E_NONE; i++) {
		const struct sr_mark *m = &x->marks[i];
		size_t ll = strlen(m->label);

		rc |= buf_v(&f, (uint64_t)(m->t_ns - prev));
		rc |= buf_v(&f, (uint64_t)m->kind);
		rc |= buf_v(&f, ll);
		rc |= sr_buf_append(&f, m->label, ll);
		prev = m->t_ns;
	}
	if (rc != SR_E_NONE) {
		sr_buf_release(&f);
		return (build_error(x, 0, "footer too large"));
	}
	if ((rc = compress_into(x, f.data, f.len)) != SR_OK) {
		sr_buf_release(&f);
		return (rc);
	}
	foot_off = x->woff;
	memcpy(tr, PI_END_MAGIC, 8);
	le32_put(tr + 8, PI_VERSION);
	le32_put(tr + 12, 0);
	le64_put(tr + 16, foot_off);
	le64_put(tr + 24, x->z.len);
	le64_put(tr + 32, f.len);
	sr_buf_release(&f);
	if (pwrite_all(x->fd, x->z.data, x->z.len, foot_off) != 0 ||
	    pwrite_all(x->fd, tr, sizeof(tr), foot_off + x->z.len) != 0)
		return (build_error(x, errno, "write"));
	x->woff = foot_off + x->z.len + sizeof(tr);
	pthread_mutex_lock(&x->mu);
	x->complete = 1;
	x->status = status;
	pthread_mutex_unlock(&x->mu);
	/* The builder's state is no longer needed. */
	sr_screen_free(x->scr);
	sr_textview_free(x->tv);
	ZSTD_freeCCtx(x->cctx);
	x->scr = NULL;
	x->tv = NULL;
	x->cctx = NULL;
	sr_buf_release(&x->ev);
	sr_buf_release(&x->text);
	sr_buf_release(&x->z);
	return (SR_OK);
}

int
sr_playidx_build(struct sr_playidx *x, struct sr_reader *r,
    const volatile int *cancel)
{
	const struct sr_event *ev;
	int st, worst = SR_OK;

	for (;;) {
		if (cancel != NULL && *cancel)
			return (sr_error_set(&x->err, SR_FAILED, SR_E_MISUSE,
			    NULL, NULL, "play index: build cancelled"));
		st = sr_reader_next_event(r, &ev);
		if (st == SR_OK || st == SR_WARN) {
			if (st == SR_WARN)
				worst = SR_WARN;
			if (sr_playidx_add(x, ev) != SR_OK)
				return (SR_FATAL);
			continue;
		}
		if (st == SR_EOF)
			break;
		/* The recording ends here: keep what was read. */
		x->err = *sr_reader_error(r);
		worst = SR_FAILED;
		if (sr_playidx_finish(x, SR_FAILED) != SR_OK)
			return (SR_FATAL);
		return (st == SR_FATAL ? SR_FATAL : SR_FAILED);
	}
	if (sr_playidx_finish(x, worst) != SR_OK)
		return (SR_FATAL);
	return (worst);
}

/* Loading. */

static int
load_fail(struct sr_error *err, uint64_t off, const char *fmt, const char *a)
{
	struct sr_loc loc;

	sr_loc_clear(&loc);
	loc.offset = (int64_t)off;
	return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, &loc,
	    "play index: %s%s", fmt, a != NULL ? a : ""));
}

/*
 * Decompresses one whole zstd frame of exactly usize bytes; 0 or -1
 * (damaged).  dst holds usize bytes.
 */
static int
unzstd(ZSTD_DCtx *d, void *dst, size_t usize, const void *src, size_t csize)
{
	unsigned long long cs;
	size_t n;

	cs = ZSTD_getFrameContentSize(src, csize);
	if (cs == ZSTD_CONTENTSIZE_ERROR || cs == ZSTD_CONTENTSIZE_UNKNOWN ||
	    cs != usize)
		return (-1);
	n = ZSTD_findFrameCompressedSize(src, csize);
	if (ZSTD_isError(n) || n != csize)
		return (-1);
	n = ZSTD_decompressDCtx(d, dst, usize, src, csize);
	if (ZSTD_isError(n) || n != usize)
		return (-1);
	return (0);
}

/* Reads and decompresses the frame at off; a malloc'd buffer or NULL. */
static unsigned char *
read_frame(int fd, uint64_t off, size_t csize, size_t usize, int *io)
{
	unsigned char *z, *u;
	ZSTD_DCtx *d;

	*io = 0;
	if ((z = malloc(csize ? csize : 1)) == NULL)
		return (NULL);
	if (pread_all(fd, z, csize, off) != 0) {
		*io = 1;
		free(z);
		return (NULL);
	}
	if ((u = malloc(usize ? usize : 1)) == NULL ||
	    (d = ZSTD_createDCtx()) == NULL) {
		free(u);
		free(z);
		return (NULL);
	}
	if (unzstd(d, u, usize, z, csize) != 0) {
		free(u);
		u = NULL;
	}
	ZSTD_freeDCtx(d);
	free(z);
	return (u);
}

static int
parse_footer(struct sr_playidx *x, const unsigned char *p, size_t len,
    uint64_t foot_off, struct sr_error *err)
{
	uint64_t v[10], n, i, st, prev_end = x->data_start;
	int64_t t_prev = 0;
	size_t pos = 0, k;
	struct blk *b;

	if (get_v(p, len, &pos, &st) != 0 || st < 1 || st > 3)
		return (load_fail(err, foot_off, "bad status", NULL));
	x->status = (int)st - 3;
	if (get_v(p, len, &pos, &v[0]) != 0 || v[0] > FOOT_MARKS_TRUNCATED)
		return (load_fail(err, foot_off, "bad flags", NULL));
	x->marks_truncated = (v[0] & FOOT_MARKS_TRUNCATED) != 0;
	if (get_v(p, len, &pos, &v[1]) != 0 || v[1] > INT64_MAX)
		return (load_fail(err, foot_off, "bad duration", NULL));
	x->have_events = v[1] > 0;
	x->t_last = x->have_events ? (int64_t)(v[1] - 1) : 0;
	if (get_v(p, len, &pos, &n) != 0 || n > len - pos ||
	    n >= sizeof(x->err.msg))
		return (load_fail(err, foot_off, "bad message", NULL));
	memcpy(x->err.msg, p + pos, n);
	x->err.msg[n] = '\0';
	x->err.cat = x->status == SR_FAILED ? SR_E_FORMAT : SR_E_NONE;
	pos += n;
	/* Each entry takes at least ten bytes. */
	if (get_v(p, len, &pos, &n) != 0 || n > (len - pos) / 10)
		return (load_fail(err, foot_off, "bad block count", NULL));
	if (n > 0 && (x->blk = calloc(n, sizeof(*x->blk))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	x->blkcap = n;
	for (i = 0; i < n; i++) {
		for (k = 0; k < 10; k++)
			if (get_v(p, len, &pos, &v[k]) != 0)
				return (load_fail(err, foot_off,
				    "block table truncated", NULL));
		b = &x->blk[i];
		/* Offsets inside the data area, in order, no overlap. */
		if (v[0] < prev_end || v[0] > foot_off || v[1] == 0 ||
		    v[1] > foot_off - v[0] || v[3] > foot_off - v[0] - v[1] ||
		    v[2] > PI_USIZE_MAX || v[4] > PI_TUSIZE_MAX ||
		    (v[4] == 0) != (v[3] == 0) || v[5] > PI_EV_MAX ||
		    v[6] > BLK_KEYFRAME || (i == 0 && v[6] != BLK_KEYFRAME) ||
		    v[7] > INT64_MAX || v[8] > INT64_MAX - v[7] ||
		    (int64_t)v[7] < t_prev || v[9] > v[7] + v[8] + 1)
			return (
			    load_fail(err, v[0] < foot_off ? v[0] : foot_off,
				"bad block table entry", NULL));
		b->off = v[0];
		b->csize = (uint32_t)v[1];
		b->usize = (uint32_t)v[2];
		b->tcsize = (uint32_t)v[3];
		b->tusize = (uint32_t)v[4];
		b->nevents = (uint32_t)v[5];
		b->flags = (uint32_t)v[6];
		b->t_first = (int64_t)v[7];
		b->t_last = (int64_t)(v[7] + v[8]);
		b->t_line = (int64_t)v[9] - 1;
		prev_end = v[0] + v[1] + v[3];
		t_prev = b->t_last;
	}
	x->nblk = n;
	if (n > 0 && x->t_last < t_prev)
		return (load_fail(err, foot_off, "bad duration", NULL));
	x->t_pub = t_prev;
	/* Marks: at least three bytes each. */
	if (get_v(p, len, &pos, &n) != 0 || n > (len - pos) / 3 ||
	    n > PI_MARKS_MAX)
		return (load_fail(err, foot_off, "bad mark count", NULL));
	if (n > 0 && (x->marks = calloc(n, sizeof(*x->marks))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	x->markcap = n;
	for (i = 0, t_prev = 0; i < n; i++) {
		struct sr_mark *m = &x->marks[i];

		if (get_v(p, len, &pos, &v[0]) != 0 ||
		    get_v(p, len, &pos, &v[1]) != 0 ||
		    get_v(p, len, &pos, &v[2]) != 0 ||
		    v[0] > (uint64_t)(INT64_MAX - t_prev) ||
		    v[1] < SR_MARK_COMMAND || v[1] > SR_MARK_RESUME ||
		    v[2] >= sizeof(m->label) || v[2] > len - pos)
			return (load_fail(err, foot_off, "bad mark", NULL));
		m->t_ns = t_prev + (int64_t)v[0];
		m->kind = (enum sr_mark_kind)v[1];
		memcpy(m->label, p + pos, v[2]);
		m->label[v[2]] = '\0';
		pos += v[2];
		t_prev = m->t_ns;
	}
	x->nmarks = n;
	if (pos != len)
		return (
		    load_fail(err, foot_off, "junk after the footer", NULL));
	return (SR_OK);
}

int
sr_playidx_load(struct sr_ctx *ctx, int fd, const char *identity,
    struct sr_playidx **ip, struct sr_error *err)
{
	struct sr_playidx *x;
	unsigned char hdr[PI_HDR_FIXED], tr[PI_TRAILER], *foot;
	uint64_t size, idlen, foot_off, csize, usize;
	struct stat st;
	int rc, io;
	char *id;

	*ip = NULL;
	if (fstat(fd, &st) != 0) {
		rc = sr_error_set(err, SR_FAILED, SR_E_IO, NULL, NULL,
		    "play index: %s", strerror(errno));
		err->errnum = errno;
		return (rc);
	}
	size = (uint64_t)st.st_size;
	if (size < PI_HDR_FIXED || pread_all(fd, hdr, sizeof(hdr), 0) != 0)
		return (sr_error_set(err, SR_EOF, SR_E_FORMAT, NULL, NULL,
		    "play index: unfinished"));
	if (memcmp(hdr, PI_MAGIC, 8) != 0)
		return (load_fail(err, 0, "not an index file", NULL));
	if (sr_le32(hdr + 8) != PI_VERSION)
		return (sr_error_set(err, SR_EOF, SR_E_UNSUPPORTED, NULL, NULL,
		    "play index: version %u", sr_le32(hdr + 8)));
	idlen = sr_le32(hdr + 20);
	if (idlen > PI_ID_MAX)
		return (load_fail(err, 20, "identity too long", NULL));
	if (sr_le32(hdr + 12) < 1 || sr_le32(hdr + 12) > SR_SCREEN_MAX ||
	    sr_le32(hdr + 16) < 1 || sr_le32(hdr + 16) > SR_SCREEN_MAX)
		return (load_fail(err, 12, "bad geometry", NULL));
	if (size < PI_HDR_FIXED + idlen + PI_TRAILER)
		return (sr_error_set(err, SR_EOF, SR_E_FORMAT, NULL, NULL,
		    "play index: unfinished"));
	if ((id = malloc(idlen + 1)) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	if (pread_all(fd, id, idlen, PI_HDR_FIXED) != 0) {
		free(id);
		return (sr_error_set(err, SR_EOF, SR_E_FORMAT, NULL, NULL,
		    "play index: unfinished"));
	}
	id[idlen] = '\0';
	if (identity != NULL &&
	    (strlen(identity) != idlen || memcmp(id, identity, idlen) != 0)) {
		free(id);
		return (sr_error_set(err, SR_EOF, SR_E_FORMAT, NULL, NULL,
		    "play index: made from another recording"));
	}
	if (pread_all(fd, tr, sizeof(tr), size - PI_TRAILER) != 0 ||
	    memcmp(tr, PI_END_MAGIC, 8) != 0) {
		free(id);
		return (sr_error_set(err, SR_EOF, SR_E_FORMAT, NULL, NULL,
		    "play index: unfinished"));
	}
	foot_off = le64(tr + 16);
	csize = le64(tr + 24);
	usize = le64(tr + 32);
	if (sr_le32(tr + 8) != PI_VERSION || foot_off < PI_HDR_FIXED + idlen ||
	    foot_off > size - PI_TRAILER ||
	    csize != size - PI_TRAILER - foot_off || csize == 0 ||
	    usize > PI_FOOTER_MAX) {
		free(id);
		return (load_fail(err, size - PI_TRAILER, "bad trailer", NULL));
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		free(id);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	pthread_mutex_init(&x->mu, NULL);
	x->ctx = ctx;
	x->fd = fd;
	x->identity = id;
	x->rows = sr_le32(hdr + 12);
	x->cols = sr_le32(hdr + 16);
	x->rec_duration = (int64_t)le64(hdr + 24);
	x->data_start = PI_HDR_FIXED + idlen;
	x->complete = 1;
	sr_error_clear(&x->err);
	if ((foot = read_frame(fd, foot_off, csize, usize, &io)) == NULL) {
		sr_playidx_free(x);
		if (io)
			return (sr_error_set(err, SR_FAILED, SR_E_IO, NULL,
			    NULL, "play index: short read"));
		return (load_fail(err, foot_off, "footer damaged", NULL));
	}
	rc = parse_footer(x, foot, usize, foot_off, err);
	free(foot);
	if (rc != SR_OK) {
		sr_playidx_free(x);
		return (rc);
	}
	*ip = x;
	return (SR_OK);
}

void
sr_playidx_free(struct sr_playidx *x)
{
	if (x == NULL)
		return;
	sr_screen_free(x->scr);
	sr_textview_free(x->tv);
	ZSTD_freeCCtx(x->cctx);
	sr_buf_release(&x->ev);
	sr_buf_release(&x->text);
	sr_buf_release(&x->z);
	free(x->blk);
	free(x->marks);
	free(x->identity);
	pthread_mutex_destroy(&x->mu);
	free(x);
}

const struct sr_error *
sr_playidx_error(struct sr_playidx *x)
{
	return (&x->err);
}

int
sr_playidx_complete(struct sr_playidx *x)
{
	int c;

	pthread_mutex_lock(&x->mu);
	c = x->complete;
	pthread_mutex_unlock(&x->mu);
	return (c);
}

int
sr_playidx_status(struct sr_playidx *x)
{
	int s;

	pthread_mutex_lock(&x->mu);
	s = x->status;
	pthread_mutex_unlock(&x->mu);
	return (s);
}

int64_t
sr_playidx_duration(struct sr_playidx *x)
{
	int64_t d;

	pthread_mutex_lock(&x->mu);
	d = x->have_events ? x->t_last : 0;
	if (!x->complete && x->rec_duration > d)
		d = x->rec_duration;
	pthread_mutex_unlock(&x->mu);
	return (d);
}

void
sr_playidx_geometry(struct sr_playidx *x, unsigned *rows, unsigned *cols)
{
	*rows = x->rows;
	*cols = x->cols;
}

void
sr_playidx_set_error(struct sr_playidx *x, const struct sr_error *e)
{
	pthread_mutex_lock(&x->mu);
	x->err = *e;
	pthread_mutex_unlock(&x->mu);
}

size_t
sr_playidx_nblocks(struct sr_playidx *x)
{
	size_t n;

	pthread_mutex_lock(&x->mu);
	n = x->nblk;
	pthread_mutex_unlock(&x->mu);
	return (n);
}

size_t
sr_playidx_nmarks(struct sr_playidx *x)
{
	size_t n;

	pthread_mutex_lock(&x->mu);
	n = x->nmarks;
	pthread_mutex_unlock(&x->mu);
	return (n);
}

int
sr_playidx_mark(struct sr_playidx *x, size_t i, struct sr_mark *m)
{
	int rc = SR_EOF;

	pthread_mutex_lock(&x->mu);
	if (i < x->nmarks) {
		*m = x->marks[i];
		rc = SR_OK;
	}
	pthread_mutex_unlock(&x->mu);
	return (rc);
}

/* Copies block i's entry; 0, or -1 past the published ones. */
static int
get_blk(struct sr_playidx *x, size_t i, struct blk *b)
{
	int rc = -1;

	pthread_mutex_lock(&x->mu);
	if (i < x->nblk) {
		*b = x->blk[i];
		rc = 0;
	}
	pthread_mutex_unlock(&x->mu);
	return (rc);
}

/*
 * The last published block whose t_first <= t (0 when none), with the
 * number of blocks, completeness and the last published time.
 */
static size_t
find_blk(struct sr_playidx *x, int64_t t, size_t *n, int *complete,
    int64_t *t_pub)
{
	size_t lo = 0, hi, mid;

	pthread_mutex_lock(&x->mu);
	*n = hi = x->nblk;
	*complete = x->complete;
	*t_pub = x->t_pub;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x->blk[mid].t_first <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	pthread_mutex_unlock(&x->mu);
	return (lo > 0 ? lo - 1 : 0);
}

/* Search. */

static int
has_upper(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			return (1);
	return (0);
}

static unsigned char
fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c);
}

static int
line_match(const unsigned char *l, size_t len, const char *needle, size_t nl,
    int icase)
{
	size_t i, j;

	if (nl == 0)
		return (1);
	if (nl > len)
		return (0);
	if (!icase)
		return (memmem(l, len, needle, nl) != NULL);
	for (i = 0; i + nl <= len; i++) {
		if (fold(l[i]) != (unsigned char)needle[0])
			continue;
		for (j = 1; j < nl; j++)
			if (fold(l[i + j]) != (unsigned char)needle[j])
				break;
		if (j == nl)
			return (1);
	}
	return (0);
}

/*
 * Searches block b's lines: forward, the first match later than from;
 * backward, the last earlier than from.  SR_OK, SR_EOF or SR_FAILED.
 */
static int
search_blk(struct sr_playidx *x, const struct blk *b, const char *needle,
    int icase, int64_t from, int backward, int64_t *t_ns)
{
	unsigned char *u;
	uint64_t dt, ll;
	size_t pos = 0, nl = strlen(needle);
	int64_t t = 0;
	int io, rc = SR_EOF;

	if (b->tusize == 0)
		return (SR_EOF);
	if ((u = read_frame(x->fd, b->off + b->csize, b->tcsize, b->tusize,
		 &io)) == NULL)
		return (SR_FAILED);
	while (pos < b->tusize) {
		if (get_v(u, b->tusize, &pos, &dt) != 0 ||
		    get_v(u, b->tusize, &pos, &ll) != 0 ||
		    ll > b->tusize - pos || dt > (uint64_t)(b->t_last - t)) {
			rc = SR_FAILED;
			break;
		}
		t += (int64_t)dt;
		if (!backward && t > from &&
		    line_match(u + pos, ll, needle, nl, icase)) {
			*t_ns = t;
			rc = SR_OK;
			break;
		}
		if (backward && t >= from)
			break;
		if (backward && line_match(u + pos, ll, needle, nl, icase)) {
			*t_ns = t;
			rc = SR_OK;
		}
		pos += ll;
	}
	free(u);
	return (rc);
}

int
sr_playidx_search(struct sr_playidx *x, const char *needle, int64_t from_ns,
    int backward, int64_t *t_ns)
{
	const char *pat;
	char *low;
	size_t i, n, k;
	struct blk b;
	int64_t tp;
	int icase, complete, rc = SR_EOF;

	icase = !has_upper(needle);
	if ((low = sr_strdup(needle)) == NULL)
		return (SR_FATAL);
	for (k = 0; low[k] != '\0'; k++)
		low[k] = (char)fold((unsigned char)low[k]);
	pat = icase ? low : needle;
	(void)find_blk(x, 0, &n, &complete, &tp);
	if (!backward) {
		/* Lines of block i began at or before its t_last. */
		for (i = 0; i < n && rc == SR_EOF; i++) {
			if (get_blk(x, i, &b) != 0)
				break;
			if (b.t_last < from_ns || b.t_line < 0)
				continue;
			rc = search_blk(x, &b, pat, icase, from_ns, 0, t_ns);
		}
	} else {
		for (i = n; i-- > 0 && rc == SR_EOF;) {
			if (get_blk(x, i, &b) != 0)
				break;
			if (b.t_line < 0 || b.t_line >= from_ns)
				continue;
			rc = search_blk(x, &b, pat, icase, from_ns, 1, t_ns);
		}
	}
	free(low);
	return (rc);
}

/* Cursors. */

struct sr_playcur *
sr_playcur_new(struct sr_playidx *x)
{
	struct sr_playcur *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->x = x;
	c->b = SIZE_MAX;
	return (c);
}

void
sr_playcur_free(struct sr_playcur *c)
{
	if (c == NULL)
		return;
	free(c->buf);
	free(c->zbuf);
	ZSTD_freeDCtx(c->dctx);
	free(c);
}

static int
grow(unsigned char **p, size_t *cap, size_t need)
{
	unsigned char *n;

	if (need <= *cap)
		return (0);
	if ((n = realloc(*p, need)) == NULL)
		return (-1);
	*p = n;
	*cap = need;
	return (0);
}

/* Loads block i into the cursor: SR_OK, SR_EOF (not there), SR_FAILED. */
static int
cur_load(struct sr_playcur *c, size_t i)
{
	struct blk nb;
	uint64_t slen;
	size_t pos = 0;
	int rc;

	if (get_blk(c->x, i, &nb) != 0)
		return (SR_EOF);
	/* A failure leaves the cursor on block i, unloaded: next retries. */
	c->cur = nb;
	c->loaded = 0;
	c->b = i;
	if (grow(&c->zbuf, &c->zcap, c->cur.csize) != 0 ||
	    grow(&c->buf, &c->bufcap, c->cur.usize ? c->cur.usize : 1) != 0)
		return (SR_FATAL);
	if (pread_all(c->x->fd, c->zbuf, c->cur.csize, c->cur.off) != 0)
		return (SR_FAILED);
	if (c->dctx == NULL && (c->dctx = ZSTD_createDCtx()) == NULL)
		return (SR_FATAL);
	rc = unzstd(c->dctx, c->buf, c->cur.usize, c->zbuf, c->cur.csize);
	if (rc != 0)
		return (SR_FAILED);
	if (get_v(c->buf, c->cur.usize, &pos, &slen) != 0 ||
	    slen > c->cur.usize - pos)
		return (SR_FAILED);
	c->ev_start = c->pos = pos + (size_t)slen;
	c->left = c->cur.nevents;
	c->t_prev = c->cur.t_first;
	c->loaded = 1;
	return (SR_OK);
}

/* Puts scr in the state of block i's keyframe (loaded in c). */
static int
cur_keyframe(struct sr_playcur *c, struct sr_screen *scr)
{
	uint64_t slen;
	size_t pos = 0;

	/* The block was checked when it was loaded; check again anyway. */
	if (get_v(c->buf, c->cur.usize, &pos, &slen) != 0 ||
	    slen > c->cur.usize - pos)
		return (SR_FAILED);
	if (slen == 0) {
		sr_screen_reset(scr, c->x->rows, c->x->cols);
		return (SR_OK);
	}
	if (sr_screen_restore(scr, c->buf + pos, (size_t)slen) != SR_OK)
		return (SR_FAILED);
	return (SR_OK);
}

/* Decodes the next event of the loaded block: SR_OK, SR_EOF, SR_FAILED. */
static int
cur_decode(struct sr_playcur *c)
{
	const unsigned char *p = c->buf;
	size_t len = c->cur.usize, pos = c->pos;
	uint64_t fl, dt, rows = 0, cols = 0, n;
	struct sr_event *ev = &c->ev;
	unsigned type, stream;

	if (c->left == 0)
		return (pos == len ? SR_EOF : SR_FAILED);
	if (pos >= len)
		return (SR_FAILED);
	type = p[pos] & 0x0f;
	stream = p[pos] >> 4;
	pos++;
	if (type < SR_EV_OUTPUT || type > SR_EV_END ||
	    stream > SR_STREAM_STDERR)
		return (SR_FAILED);
	if (get_v(p, len, &pos, &fl) != 0 || fl > 0x1f ||
	    get_v(p, len, &pos, &dt) != 0 ||
	    dt > (uint64_t)(c->cur.t_last - c->t_prev))
		return (SR_FAILED);
	if (type == SR_EV_RESIZE &&
	    (get_v(p, len, &pos, &rows) != 0 || rows > 65535 ||
		get_v(p, len, &pos, &cols) != 0 || cols > 65535))
		return (SR_FAILED);
	if (get_v(p, len, &pos, &n) != 0 || n > len - pos)
		return (SR_FAILED);
	memset(ev, 0, sizeof(*ev));
	ev->type = (enum sr_event_type)type;
	ev->stream = (enum sr_stream_id)stream;
	ev->flags = (unsigned)fl;
	ev->t_ns = c->t_prev + (int64_t)dt;
	ev->rows = (unsigned)rows;
	ev->cols = (unsigned)cols;
	ev->data = p + pos;
	ev->len = (size_t)n;
	ev->loc.line = ev->loc.msg_id = ev->loc.offset = -1;
	c->pos = pos + (size_t)n;
	c->t_prev = ev->t_ns;
	c->left--;
	if (c->left == 0 && c->pos != len)
		return (SR_FAILED);
	return (SR_OK);
}

static void
apply(struct sr_screen *scr, const struct sr_event *ev)
{
	if (ev->type == SR_EV_OUTPUT) {
		sr_screen_set_onlcr(scr, (ev->flags & SR_EVF_PIPE) != 0);
		sr_screen_feed(scr, ev->data, ev->len);
	} else if (ev->type == SR_EV_RESIZE)
		sr_screen_resize(scr, ev->rows, ev->cols);
}

int
sr_playcur_seek(struct sr_playcur *c, int64_t t_ns, struct sr_screen *scr)
{
	size_t target, k, n;
	struct blk b;
	int64_t t_pub;
	size_t save_pos;
	uint32_t save_left;
	int64_t save_prev;
	int complete, rc;

	target = find_blk(c->x, t_ns, &n, &complete, &t_pub);
	if (n == 0) {
		sr_screen_reset(scr, c->x->rows, c->x->cols);
		c->loaded = 0;
		c->b = SIZE_MAX;
		return (complete ? SR_OK : SR_EOF);
	}
	/* The nearest keyframe at or before the target block. */
	for (k = target; k > 0; k--)
		if (get_blk(c->x, k, &b) == 0 && (b.flags & BLK_KEYFRAME))
			break;
	if ((rc = cur_load(c, k)) != SR_OK)
		return (rc == SR_EOF ? SR_FAILED : rc);
	if ((rc = cur_keyframe(c, scr)) != SR_OK)
		return (rc);
	for (;;) {
		save_pos = c->pos;
		save_left = c->left;
		save_prev = c->t_prev;
		rc = cur_decode(c);
		if (rc == SR_EOF) {
			if (c->b >= target)
				break;
			if ((rc = cur_load(c, c->b + 1)) != SR_OK)
				return (rc == SR_EOF ? SR_FAILED : rc);
			continue;
		}
		if (rc != SR_OK)
			return (rc);
		if (t_ns < 0 || c->ev.t_ns > t_ns) {
			/* The next sr_playcur_next() gives this one. */
			c->pos = save_pos;
			c->left = save_left;
			c->t_prev = save_prev;
			break;
		}
		apply(scr, &c->ev);
	}
	if (!complete && t_ns >= t_pub)
		return (SR_EOF);
	return (SR_OK);
}

int
sr_playcur_next(struct sr_playcur *c, const struct sr_event **evp)
{
	size_t nb;
	int rc;

	*evp = NULL;
	for (;;) {
		if (c->loaded) {
			rc = cur_decode(c);
			if (rc == SR_OK) {
				*evp = &c->ev;
				return (SR_OK);
			}
			if (rc != SR_EOF)
				return (rc);
			nb = c->b + 1;
		} else
			nb = c->b == SIZE_MAX ? 0 : c->b;
		rc = cur_load(c, nb);
		/*
		 * SR_EOF: not there yet; the cursor stays at the end of the
		 * block before, so a later call tries again.
		 */
		if (rc != SR_OK)
			return (rc);
	}
}
