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
 * The input layer's core: opening a path as a container (a directory, an
 * archive or a plain file), the sorted member table, the unlinked spool
 * files that keep archive members and decoded data, and opening a
 * member as a stream.  The byte view itself lives in input-file.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "input-private.h"

int
sr_error_errno(struct sr_error *e, int status, int errnum, const char *path,
    const char *member, int64_t offset, const char *what)
{
	struct sr_loc loc;

	if (e == NULL)
		return (status);
	sr_loc_clear(&loc);
	if (member != NULL)
		sr_loc_set_member(&loc, member);
	loc.offset = offset;
	(void)sr_error_set(e, status, SR_E_IO, path, &loc, "%s: %s", what,
	    strerror(errnum));
	e->errnum = errnum;
	return (status);
}

void
sr_input_warn(const struct sr_input *in, const char *member, enum sr_errcat cat,
    int errnum, const char *fmt, ...)
{
	struct sr_error e;
	struct sr_loc loc;
	va_list ap;

	sr_error_clear(&e);
	sr_loc_clear(&loc);
	if (member != NULL)
		sr_loc_set_member(&loc, member);
	va_start(ap, fmt);
	(void)sr_error_vset(&e, SR_WARN, cat, in->path, &loc, fmt, ap);
	va_end(ap);
	e.errnum = errnum;
	sr_ctx_diag(in->ctx, SR_WARN, &e);
}

int
sr_input_new(struct sr_ctx *ctx, enum sr_input_kind kind, const char *path,
    struct sr_input **inp, struct sr_error *err)
{
	struct sr_input *in;

	*inp = NULL;
	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (in->path = sr_strdup(path)) == NULL) {
		free(in);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	}
	in->ctx = ctx;
	in->kind = kind;
	in->fd = -1;
	in->dirfd = -1;
	in->spool.fd = -1;
	*inp = in;
	return (SR_OK);
}

int
sr_input_add(struct sr_input *in, const char *name, struct sr_imember **mp,
    struct sr_error *err)
{
	struct sr_imember *m;
	uint64_t max = sr_ctx_limit(in->ctx, SR_LIMIT_MEMBERS);
	size_t ncap;

	*mp = NULL;
	if ((uint64_t)in->n >= max)
		return (sr_error_set(err, SR_FAILED, SR_E_LIMIT, in->path, NULL,
		    "more than %llu members", (unsigned long long)max));
	if (in->n == in->cap) {
		ncap = in->cap ? in->cap * 2 : 16;
		if ((m = sr_reallocarray(in->m, ncap, sizeof(*m))) == NULL)
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM,
			    in->path, NULL, "out of memory"));
		in->m = m;
		in->cap = ncap;
	}
	m = &in->m[in->n];
	memset(m, 0, sizeof(*m));
	if ((m->name = sr_strdup(name)) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
		    "out of memory"));
	m->pub.name = m->name;
	m->pub.size = -1;
	m->where = SR_MDATA_DISK;
	m->len = -1;
	m->seq = in->n++;
	*mp = m;
	return (SR_OK);
}

static int
member_cmp(const void *a, const void *b)
{
	const struct sr_imember *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return (c);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static void
member_release(struct sr_imember *m)
{
	free(m->name);
	free(m->owned);
	m->name = NULL;
	m->owned = NULL;
}

void
sr_input_sort(struct sr_input *in)
{
	size_t i, j;

	if (in->n < 2)
		return;
	/* A directory walk delivers its members in order already. */
	for (i = 1; i < in->n; i++)
		if (strcmp(in->m[i - 1].name, in->m[i].name) >= 0)
			break;
	if (i == in->n)
		return;
	qsort(in->m, in->n, sizeof(*in->m), member_cmp);
	/* Of a run of equal names, keep the last one the archive held. */
	for (i = 0, j = 0; i < in->n; i++) {
		if (i + 1 < in->n &&
		    strcmp(in->m[i].name, in->m[i + 1].name) == 0) {
			if (in->m[i].owned != NULL) {
				uint64_t l = (uint64_t)in->m[i].len;

				in->spool_mem -=
				    l < in->spool_mem ? l : in->spool_mem;
			}
			member_release(&in->m[i]);
			continue;
		}
		if (i != j)
			in->m[j] = in->m[i];
		j++;
	}
	in->n = j;
}

static int
lookup_cmp(const void *key, const void *elem)
{
	const struct sr_imember *m = elem;

	return (strcmp(key, m->name));
}

struct sr_imember *
sr_input_lookup(const struct sr_input *in, const char *name)
{
	if (in == NULL || name == NULL || in->n == 0)
		return (NULL);
	return (bsearch(name, in->m, in->n, sizeof(*in->m), lookup_cmp));
}

int
sr_tmpfile(void)
{
	char tmpl[PATH_MAX];
	const char *dir = getenv("TMPDIR");
	int fd, saved;

	if (dir == NULL || dir[0] != '/' || strlen(dir) > PATH_MAX - 32)
		dir = "/tmp";
	(void)snprintf(tmpl, sizeof(tmpl), "%s/sessrec-spool.XXXXXX", dir);
	if ((fd = mkstemp(tmpl)) == -1)
		return (-1);
	/* Nobody else may open it, and it vanishes with the last close. */
	if (unlink(tmpl) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		saved = errno;
		(void)unlink(tmpl);
		(void)close(fd);
		errno = saved;
		return (-1);
	}
	return (fd);
}

int
sr_spool_write(struct sr_spool *sp, const void *buf, size_t n, int64_t *offp)
{
	const unsigned char *p = buf;
	ssize_t r;

	if (sp->fd == -1 && (sp->fd = sr_tmpfile()) == -1)
		return (-1);
	if (offp != NULL)
		*offp = sp->len;
	while (n > 0) {
		r = pwrite(sp->fd, p, n, (off_t)sp->len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ENOSPC;
			return (-1);
		}
		p += r;
		n -= (size_t)r;
		sp->len += r;
	}
	return (0);
}

void
sr_spool_close(struct sr_spool *sp)
{
	if (sp->fd != -1)
		(void)close(sp->fd);
	sp->fd = -1;
	sp->len = 0;
}

static int64_t
mtime_ns(const struct stat *st)
{
	return ((int64_t)st->st_mtim.tv_sec * SR_NSEC_PER_SEC +
	    st->st_mtim.tv_nsec);
}

/* Length of a file name's stem: up to the first '.' after the first byte. */
static size_t
stem_len(const char *name)
{
	const char *dot = strchr(name + (name[0] != '\0'), '.');

	return (dot != NULL ? (size_t)(dot - name) : strlen(name));
}

/*
 * Whether a file beside the named one belongs with it: the same stem
 * (x.out with x.tm, x.timing or x.io), or script's default pair
 * typescript and timing.  Formats made of two files need their partner
 * even when the user names just one of them.
 */
static int
related(const char *base, const char *name)
{
	size_t bl = stem_len(base);

	if (strcmp(base, name) == 0)
		return (0);
	if ((strcmp(base, "typescript") == 0 && strcmp(name, "timing") == 0) ||
	    (strcmp(base, "timing") == 0 && strcmp(name, "typescript") == 0))
		return (1);
	return (bl > 0 && stem_len(name) == bl && strncmp(base, name, bl) == 0);
}

#define SR_SIBLINGS_MAX 32

/* Adds the partner files beside a named file (never fatal when absent). */
static int
add_siblings(struct sr_input *in, const char *base, struct sr_error *err)
{
	char dir[4096];
	size_t dl = sr_dirlen(in->path), found = 0;
	struct sr_imember *m;
	struct dirent *de;
	DIR *d;
	int fd, status = SR_OK;

	if (dl == 0 && in->path[0] == '/')
		dl = 1;
	if (dl == 0)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (dl < sizeof(dir))
		(void)snprintf(dir, sizeof(dir), "%.*s", (int)dl, in->path);
	else
		return (SR_OK);
	fd = open(dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NONBLOCK);
	if (fd == -1)
		return (SR_OK);
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return (SR_OK);
	}
	if ((in->dirfd = dup(fd)) == -1) {
		(void)closedir(d);
		return (SR_OK);
	}
	while ((de = readdir(d)) != NULL && found < SR_SIBLINGS_MAX) {
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (!related(base, de->d_name))
			continue;
		if ((status = sr_input_add(in, de->d_name, &m, err)) != SR_OK)
			break;
		m->sibling = 1;
		m->lazy = 1;
		m->pub.size = -1;
		found++;
	}
	(void)closedir(d);
	return (status);
}

/*
 * A plain file that is no archive: a container of that member, plus the
 * files beside it that share its stem, so that a script log named alone
 * still finds its timing file.
 */
static int
open_single(struct sr_input *in, const struct stat *st, unsigned flags,
    struct sr_error *err)
{
	struct sr_imember *m;
	const char *base = sr_basename(in->path);
	int status;

	if ((status = sr_input_add(in, base, &m, err)) != SR_OK)
		return (status);
	m->pub.size = st->st_size;
	m->pub.mode = (uint32_t)st->st_mode;
	m->pub.mtime_ns = mtime_ns(st);
	in->kind = SR_INPUT_FILE;
	if (!(flags & SR_INPUT_PARTNERS))
		return (SR_OK);
	return (add_siblings(in, base, err));
}

int
sr_input_open(struct sr_ctx *ctx, const char *path, struct sr_input **inp,
    struct sr_error *err)
{
	return (sr_input_open_flags(ctx, path, 0, inp, err));
}

int
sr_input_open_flags(struct sr_ctx *ctx, const char *path, unsigned flags,
    struct sr_input **inp, struct sr_error *err)
{
	struct sr_input *in = NULL;
	struct sr_src src;
	struct stat st, fst;
	int fd, isarch, status, saved;

	if (inp == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no input handle"));
	*inp = NULL;
	if (ctx == NULL || path == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, path, NULL,
		    "no context or path"));
	if (err != NULL)
		sr_error_clear(err);
	/* "journal" is the local system journal */
	if (strcmp(path, SR_JOURNAL_SOURCE) == 0) {
		if ((status = sr_input_new(ctx, SR_INPUT_ARCHIVE, path, &in,
			 err)) != SR_OK)
			return (status);
		if ((status = sr_journal_load_system(in, err)) != SR_OK) {
			sr_input_close(in);
			return (status);
		}
		sr_input_sort(in);
		*inp = in;
		return (SR_OK);
	}
	/*
	 * Look before opening: opening a device or a FIFO can block or
	 * have side effects (a tape rewinds).  The path given is followed
	 * if it is a symbolic link; links below a directory are not.
	 */
	if (stat(path, &st) == -1)
		return (sr_error_errno(err, SR_FAILED, errno, path, NULL, -1,
		    "cannot open"));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return (sr_error_set(err, SR_FAILED, SR_E_IO, path, NULL,
		    "cannot open: not a regular file or directory"));
	if ((fd = open(path,
		 O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		     (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0))) == -1)
		return (sr_error_errno(err, SR_FAILED, errno, path, NULL, -1,
		    "cannot open"));
	if (fstat(fd, &fst) == -1) {
		saved = errno;
		(void)close(fd);
		return (sr_error_errno(err, SR_FAILED, saved, path, NULL, -1,
		    "cannot stat"));
	}
	if ((fst.st_mode & S_IFMT) != (st.st_mode & S_IFMT)) {
		(void)close(fd);
		return (sr_error_set(err, SR_FAILED, SR_E_IO, path, NULL,
		    "cannot open: replaced while opening"));
	}
	if ((status = sr_input_new(ctx, SR_INPUT_FILE, path, &in, err)) !=
	    SR_OK) {
		(void)close(fd);
		return (status);
	}
	if (S_ISDIR(fst.st_mode)) {
		in->kind = SR_INPUT_DIR;
		in->fd = fd;
		status = sr_input_dir_scan(in, err);
		/* Journal files below the directory. */
		if (status == SR_OK)
			status = sr_journal_load_dir(in, err);
	} else if (sr_journal_magic(fd)) {
		/* A journal file. */
		in->kind = SR_INPUT_ARCHIVE;
		in->fd = fd;
		status = sr_journal_load_file(in, err);
	} else {
		memset(&src, 0, sizeof(src));
		src.fd = fd;
		src.len = -1;
		status = sr_archive_load(in, &src, &isarch, err);
		if (status == SR_OK && !isarch) {
			in->fd = fd; /* closed with the input */
			status = open_single(in, &fst, flags, err);
		} else
			(void)close(fd);
	}
	if (status != SR_OK) {
		sr_input_close(in);
		return (status);
	}
	sr_input_sort(in);
	*inp = in;
	return (SR_OK);
}

void
sr_input_close(struct sr_input *in)
{
	size_t i;

	if (in == NULL)
		return;
	sr_journal_free(in->journal); /* before in->fd */
	for (i = 0; i < in->n; i++)
		member_release(&in->m[i]);
	free(in->m);
	if (in->fd != -1)
		(void)close(in->fd);
	if (in->dirfd != -1)
		(void)close(in->dirfd);
	sr_spool_close(&in->spool);
	free(in->path);
	free(in);
}

enum sr_input_kind
sr_input_kind(const struct sr_input *in)
{
	return (in->kind);
}

const char *
sr_input_path(const struct sr_input *in)
{
	return (in->path);
}

size_t
sr_input_nmembers(const struct sr_input *in)
{
	return (in != NULL ? in->n : 0);
}

const struct sr_member *
sr_input_member(const struct sr_input *in, size_t i)
{
	if (in == NULL || i >= in->n)
		return (NULL);
	return (&in->m[i].pub);
}

const struct sr_member *
sr_input_find(const struct sr_input *in, const char *name)
{
	struct sr_imember *m = sr_input_lookup(in, name);

	return (m != NULL ? &m->pub : NULL);
}

const struct sr_member *
sr_input_stat(struct sr_input *in, const char *name)
{
	struct sr_imember *m = sr_input_lookup(in, name);
	struct stat st;

	if (m == NULL)
		return (NULL);
	if (m->lazy &&
	    (in->kind == SR_INPUT_DIR || (m->sibling && in->dirfd != -1)) &&
	    fstatat(m->sibling ? in->dirfd : in->fd, m->name, &st,
		AT_SYMLINK_NOFOLLOW) == 0) {
		m->pub.size = st.st_size;
		m->pub.mode = (uint32_t)st.st_mode;
		m->pub.mtime_ns = mtime_ns(&st);
		m->lazy = 0;
	}
	return (&m->pub);
}

struct sr_ctx *
sr_input_ctx(const struct sr_input *in)
{
	return (in->ctx);
}

/*
 * Opens a member of a directory input without following links.  The
 * fstat() that checks it also fills in a lazy member's size and mode,
 * so that sr_input_stat() after an open costs no system call.
 */
static int
open_dir_member(struct sr_stream *s, struct sr_imember *m, unsigned flags,
    struct sr_error *err)
{
	struct stat st;
	int fd, saved;

	fd = openat(s->in->kind == SR_INPUT_DIR ? s->in->fd : s->in->dirfd,
	    s->name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd == -1)
		return (sr_error_errno(err, SR_FAILED, errno, s->in->path,
		    s->name, -1, "cannot open"));
	/*
	 * The listing typed it a regular file and the caller does not need
	 * the mode; O_NOFOLLOW and O_NONBLOCK keep a file swapped for a
	 * link or a FIFO since then from doing harm.
	 */
	if ((flags & SR_OPEN_NOSTAT) && m->lazy) {
		s->src.fd = fd;
		s->src.own_fd = 1;
		s->src.len = -1;
		return (SR_OK);
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		(void)close(fd);
		return (sr_error_errno(err, SR_FAILED, saved, s->in->path,
		    s->name, -1, "cannot stat"));
	}
	if (!S_ISREG(st.st_mode)) {
		struct sr_loc loc;

		(void)close(fd);
		sr_loc_clear(&loc);
		sr_loc_set_member(&loc, s->name);
		return (sr_error_set(err, SR_FAILED, SR_E_IO, s->in->path, &loc,
		    "cannot open: not a regular file"));
	}
	if (m->lazy) {
		m->pub.size = st.st_size;
		m->pub.mode = (uint32_t)st.st_mode;
		m->pub.mtime_ns = mtime_ns(&st);
		m->lazy = 0;
	}
	s->src.fd = fd;
	s->src.own_fd = 1;
	s->src.len = -1;
	return (SR_OK);
}

/*
 * Reads the first window of a member held in a file (a short read of a
 * regular file is its end), or looks at the start of a member in
 * memory, and starts a decoder when it begins with a compression magic.
 */
static int
first_read(struct sr_stream *s, unsigned flags, struct sr_error *err)
{
	const unsigned char *pre;
	size_t got, n;
	ssize_t r;
	int status, whole;

	if (s->src.mem != NULL) {
		pre = s->src.mem;
		got = (size_t)s->src.len;
		whole = 1;
	} else {
		n = sr_stream_window_cap(s);
		if ((s->buf = malloc(n)) == NULL)
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM,
			    s->in->path, NULL, "out of memory"));
		s->cap = n;
		s->win = s->buf;
		if ((r = sr_src_pread(&s->src, s->buf, n, 0)) == -1)
			return (sr_error_errno(err, SR_FAILED, errno,
			    s->in->path, s->name, 0, "read error"));
		pre = s->buf;
		got = (size_t)r;
		whole = got < n;
	}
	if (!(flags & SR_OPEN_RAW) && sr_decoder_magic(pre, got)) {
		status = sr_decoder_open(s, pre, got, whole);
		if (status != SR_OK) {
			if (err != NULL)
				*err = s->err;
			return (status);
		}
		/* The window now holds decoded bytes. */
		free(s->buf);
		s->buf = NULL;
		s->win = NULL;
		s->cap = 0;
		if (sr_stream_window_init(s) != 0)
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM,
			    s->in->path, NULL, "out of memory"));
		return (SR_OK);
	}
	if (s->src.mem != NULL) {
		if (sr_stream_window_init(s) != 0)
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM,
			    s->in->path, NULL, "out of memory"));
		return (SR_OK);
	}
	s->wlen = got;
	s->eof = whole;
	return (SR_OK);
}

/* A stream named name on in, with no source yet; NULL and err set. */
static struct sr_stream *
stream_new(struct sr_input *in, const char *name, struct sr_error *err)
{
	struct sr_stream *s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->name = sr_strdup(name)) == NULL) {
		free(s);
		(void)sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
		    "out of memory");
		return (NULL);
	}
	s->in = in;
	s->ctx = in->ctx;
	sr_error_clear(&s->err);
	s->src.fd = -1;
	return (s);
}

int
sr_stream_open(struct sr_input *in, const char *member, unsigned flags,
    struct sr_stream **sp, struct sr_error *err)
{
	struct sr_stream *s;
	struct sr_imember *m;
	int status;

	if (sp == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no stream handle"));
	*sp = NULL;
	if (in == NULL || member == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no input or member"));
	if ((m = sr_input_lookup(in, member)) == NULL) {
		status = sr_error_errno(err, SR_FAILED, ENOENT, in->path,
		    member, -1, "no such member");
		return (status);
	}
	if ((s = stream_new(in, m->name, err)) == NULL)
		return (SR_FATAL);
	switch (m->where) {
	case SR_MDATA_DISK:
		if (in->kind == SR_INPUT_DIR || m->sibling) {
			if ((status = open_dir_member(s, m, flags, err)) !=
			    SR_OK)
				goto fail;
		} else {
			/* Shared with the input: streams use pread(). */
			s->src.fd = in->fd;
			s->src.len = -1;
		}
		break;
	case SR_MDATA_MEM:
		s->src.mem = m->mem;
		s->src.len = m->len;
		break;
	case SR_MDATA_SPOOL:
		s->src.fd = in->spool.fd;
		s->src.base = m->off;
		s->src.len = m->len;
		break;
	case SR_MDATA_JOURNAL:
		if ((status = sr_journal_src(in, m, &s->src, err)) != SR_OK)
			goto fail;
		/* Messages as they were logged: never decoded. */
		flags |= SR_OPEN_RAW;
		break;
	}
	/*
	 * The first window is read at once: its start tells whether the
	 * member is compressed, and a small member is then read whole by
	 * one system call.
	 */
	if ((status = first_read(s, flags, err)) != SR_OK)
		goto fail;
	*sp = s;
	return (SR_OK);
fail:
	sr_stream_close(s);
	return (status);
}

int
sr_stream_open_bytes(struct sr_input *in, const char *name, const void *mem,
    int fd, int64_t len, struct sr_stream **sp, struct sr_error *err)
{
	struct sr_stream *s;
	int status;

	*sp = NULL;
	if (in == NULL || name == NULL || len < 0 || (mem == NULL && fd < 0))
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no input, name or bytes"));
	if ((s = stream_new(in, name, err)) == NULL)
		return (SR_FATAL);
	s->src.mem = mem;
	s->src.fd = mem != NULL ? -1 : fd;
	s->src.len = len;
	/* Never decoded: these are bytes a reader decoded already. */
	if ((status = first_read(s, SR_OPEN_RAW, err)) != SR_OK) {
		sr_stream_close(s);
		return (status);
	}
	*sp = s;
	return (SR_OK);
}

void
sr_stream_close(struct sr_stream *s)
{
	if (s == NULL)
		return;
	sr_decoder_close(s->dec);
	sr_src_close(&s->src);
	free(s->buf);
	free(s->name);
	free(s);
}

const char *
sr_stream_name(const struct sr_stream *s)
{
	return (s->name);
}

int
sr_stream_truncated(const struct sr_stream *s)
{
	return (s->dec != NULL && sr_decoder_truncated(s->dec));
}

int
sr_stream_decoded(const struct sr_stream *s)
{
	return (s->dec != NULL);
}

const struct sr_error *
sr_stream_error(const struct sr_stream *s)
{
	return (&s->err);
}
