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
 * Directory inputs: every regular file below the directory becomes a
 * member named by its '/'-separated path relative to it.  A sudo session
 * directory and a whole iolog_dir tree are both read this way.
 *
 * Symbolic links are never followed (fstatat with AT_SYMLINK_NOFOLLOW,
 * and members are later opened with O_NOFOLLOW), so a link cannot pull
 * a file from elsewhere into a recording or make the walk loop.  Other
 * non-regular files (FIFOs, devices, sockets) are skipped silently: a
 * FIFO would block a reader.  The walk is depth-first in name order and
 * holds one directory open at a time (a listing is read whole, then
 * walked), so deep trees cannot run out of descriptors and the members
 * arrive sorted; the member count, the number of directories and the
 * depth are bounded.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "input-private.h"

/*
 * One directory's listing, read whole before anything below it is
 * walked (so one directory is open at a time): names NUL-separated in
 * names, a directory's with a '/' appended, so that sorting the
 * listing with strcmp() and walking it depth-first yields the members
 * in the order of their full paths.  The member table then needs no
 * sort, which was a fifth of listing a tree of 10,000 sudo sessions.
 */
struct listing {
	char *names;
	size_t len, cap;
	size_t *off;
	size_t n, ncap;
	char **v; /* sorted names, once the listing is read */
};

struct walk {
	struct sr_input *in;
	struct sr_error *err;
	uint64_t maxdirs;
	uint64_t ndirs;
	char path[SR_NAME_MAX + 2];
};

static int
listing_add(struct listing *l, const char *name, int isdir)
{
	size_t nl = strlen(name), need = nl + 2;
	char *nn;
	size_t *no;

	if (l->n == l->ncap) {
		l->ncap = l->ncap ? l->ncap * 2 : 16;
		if ((no = sr_reallocarray(l->off, l->ncap, sizeof(*no))) ==
		    NULL)
			return (-1);
		l->off = no;
	}
	if (l->len + need > l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 512;

		while (ncap < l->len + need)
			ncap *= 2;
		if ((nn = realloc(l->names, ncap)) == NULL)
			return (-1);
		l->names = nn;
		l->cap = ncap;
	}
	l->off[l->n++] = l->len;
	memcpy(l->names + l->len, name, nl);
	l->len += nl;
	if (isdir)
		l->names[l->len++] = '/';
	l->names[l->len++] = '\0';
	return (0);
}

static void
listing_free(struct listing *l)
{
	free(l->names);
	free(l->off);
	free(l->v);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * Sorts the listing into l->v.  Insertion sort for the short listings
 * of session directories, qsort() for big ones.  0, or -1 (no memory).
 */
static int
listing_sort(struct listing *l)
{
	size_t i, j;
	char *t;

	if (l->n == 0)
		return (0);
	if ((l->v = sr_reallocarray(NULL, l->n, sizeof(*l->v))) == NULL)
		return (-1);
	for (i = 0; i < l->n; i++)
		l->v[i] = l->names + l->off[i];
	if (l->n > 16) {
		qsort(l->v, l->n, sizeof(*l->v), name_cmp);
		return (0);
	}
	for (i = 1; i < l->n; i++) {
		t = l->v[i];
		for (j = i; j > 0 && strcmp(l->v[j - 1], t) > 0; j--)
			l->v[j] = l->v[j - 1];
		l->v[j] = t;
	}
	return (0);
}

static size_t
depth(const char *rel)
{
	size_t d = 1;

	for (; *rel != '\0'; rel++)
		if (*rel == '/')
			d++;
	return (d);
}

/*
 * A directory iterator.  On Linux it calls getdents64() on the descriptor
 * openat() gave: fdopendir() and readdir() add an fstat(), two fcntl()s
 * and a second getdents per directory, which in a tree of 10,000 sudo
 * sessions is a third of all system calls.
 */
struct dirit {
	int fd;
#ifdef __linux__
	char buf[32768];
	size_t n, pos;
#else
	DIR *d;
#endif
};

#ifdef __linux__
/* The kernel's struct linux_dirent64, read with memcpy() (no alignment). */
#define DE64_RECLEN 16
#define DE64_TYPE   18
#define DE64_NAME   19
#endif

static int
dirit_open(struct dirit *it, int fd)
{
	it->fd = fd;
#ifdef __linux__
	it->n = it->pos = 0;
	return (0);
#else
	return ((it->d = fdopendir(fd)) == NULL ? -1 : 0);
#endif
}

/* 1 with *name and *type set, 0 at the end, -1 on error (errno). */
static int
dirit_next(struct dirit *it, const char **name, unsigned char *type)
{
#ifdef __linux__
	unsigned short reclen;
	ssize_t r;

	for (;;) {
		if (it->pos >= it->n) {
			r = getdents64(it->fd, it->buf, sizeof(it->buf));
			if (r <= 0)
				return (r == 0 ? 0 : -1);
			it->n = (size_t)r;
			it->pos = 0;
		}
		memcpy(&reclen, it->buf + it->pos + DE64_RECLEN,
		    sizeof(reclen));
		if (reclen == 0 || it->pos + reclen > it->n) {
			errno = EIO;
			return (-1);
		}
		*type = (unsigned char)it->buf[it->pos + DE64_TYPE];
		*name = it->buf + it->pos + DE64_NAME;
		it->pos += reclen;
		return (1);
	}
#else
	struct dirent *de;

	errno = 0;
	if ((de = readdir(it->d)) == NULL)
		return (errno != 0 ? -1 : 0);
	*type = de->d_type;
	*name = de->d_name;
	return (1);
#endif
}

static void
dirit_close(struct dirit *it)
{
#ifdef __linux__
	(void)close(it->fd);
#else
	(void)closedir(it->d);
#endif
}

/*
 * Reads the directory w->path[0..rl) ("" at the top) into l.  Returns
 * SR_OK (an unreadable directory is only a warning) or SR_FATAL.
 */
static int
read_listing(struct walk *w, size_t rl, struct listing *l)
{
	struct sr_input *in = w->in;
	const char *rel = w->path, *name;
	struct dirit *it;
	struct stat st;
	unsigned char type;
	int fd, r;

	if ((it = malloc(sizeof(*it))) == NULL)
		return (sr_error_set(w->err, SR_FATAL, SR_E_NOMEM, in->path,
		    NULL, "out of memory"));
	fd = openat(in->fd, rl > 0 ? rel : ".",
	    O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1 || dirit_open(it, fd) == -1) {
		/* One unreadable directory does not hide the others. */
		sr_input_warn(in, rel, SR_E_IO, errno,
		    "cannot open directory: %s", strerror(errno));
		if (fd != -1)
			(void)close(fd);
		free(it);
		return (SR_OK);
	}
	while ((r = dirit_next(it, &name, &type)) == 1) {
		if (name[0] == '.' &&
		    (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
			continue;
		/*
		 * A regular file that the listing typed is not statted now:
		 * sr_input_stat() does it for the few members whose mode or
		 * size matters (a sudo session's timing), which saves seven
		 * system calls of every eight in a sudo tree.
		 */
		if (type == DT_REG || type == DT_DIR) {
			if (listing_add(l, name, type == DT_DIR) == -1)
				goto nomem;
			continue;
		}
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			/* Removed since it was listed: a live tree changes. */
			if (errno != ENOENT)
				sr_input_warn(in, rel, SR_E_IO, errno,
				    "cannot stat '%s': %s", name,
				    strerror(errno));
			continue;
		}
		/*
		 * Untyped entries (some file systems) are statted here;
		 * their members are statted again lazily, which is rare.
		 */
		if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
		    listing_add(l, name, S_ISDIR(st.st_mode)) == -1)
			goto nomem;
	}
	if (r == -1)
		sr_input_warn(in, rel, SR_E_IO, errno,
		    "cannot read directory: %s", strerror(errno));
	dirit_close(it);
	free(it);
	return (listing_sort(l) == 0
		? SR_OK
		: sr_error_set(w->err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
		      "out of memory"));
nomem:
	dirit_close(it);
	free(it);
	return (sr_error_set(w->err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
	    "out of memory"));
}

/* Walks the directory w->path[0..rl) and everything below it. */
static int
walk_dir(struct walk *w, size_t rl)
{
	struct sr_input *in = w->in;
	struct sr_imember *m;
	struct listing l;
	const char *name;
	size_t i, nl, cl;
	int isdir, status;

	memset(&l, 0, sizeof(l));
	if ((status = read_listing(w, rl, &l)) != SR_OK) {
		listing_free(&l);
		return (status);
	}
	for (i = 0; i < l.n && status == SR_OK; i++) {
		name = l.v[i];
		nl = strlen(name);
		isdir = name[nl - 1] == '/';
		if (isdir)
			nl--;
		cl = rl + (rl > 0) + nl;
		w->path[rl] = '\0';
		if (cl > SR_NAME_MAX) {
			sr_input_warn(in, w->path, SR_E_LIMIT, 0,
			    "name longer than %d bytes skipped", SR_NAME_MAX);
			continue;
		}
		if (rl > 0)
			w->path[rl] = '/';
		memcpy(w->path + rl + (rl > 0), name, nl);
		w->path[cl] = '\0';
		if (!isdir) {
			if ((status = sr_input_add(in, w->path, &m, w->err)) !=
			    SR_OK)
				break;
			m->pub.size = -1;
			m->pub.mode = 0;
			m->lazy = 1;
			continue;
		}
		if (depth(w->path) > SR_DIR_DEPTH_MAX) {
			sr_input_warn(in, w->path, SR_E_LIMIT, 0,
			    "directory nested deeper than %d levels skipped",
			    SR_DIR_DEPTH_MAX);
			continue;
		}
		if (w->ndirs++ >= w->maxdirs) {
			status = sr_error_set(w->err, SR_FAILED, SR_E_LIMIT,
			    in->path, NULL, "more than %llu directories",
			    (unsigned long long)w->maxdirs);
			break;
		}
		status = walk_dir(w, cl);
	}
	w->path[rl] = '\0';
	listing_free(&l);
	return (status);
}

int
sr_input_dir_scan(struct sr_input *in, struct sr_error *err)
{
	struct walk *w;
	int status;

	/* The path buffer is too big for the stack of a deep walk. */
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
		    "out of memory"));
	w->in = in;
	w->err = err;
	w->maxdirs = sr_ctx_limit(in->ctx, SR_LIMIT_MEMBERS);
	w->ndirs = 1;
	status = walk_dir(w, 0);
	free(w);
	return (status);
}
