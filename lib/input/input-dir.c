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
 * FIFO would block a reader.  The walk is breadth-first and holds one
 * directory open at a time, so deep trees cannot run out of descriptors;
 * the member count, the number of directories and the depth are bounded.
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

struct dirq {
	char **v;
	size_t n;
	size_t cap;
};

static int
dirq_push(struct dirq *q, char *name)
{
	char **nv;
	size_t ncap;

	if (q->n == q->cap) {
		ncap = q->cap ? q->cap * 2 : 16;
		if ((nv = sr_reallocarray(q->v, ncap, sizeof(*nv))) == NULL)
			return (-1);
		q->v = nv;
		q->cap = ncap;
	}
	q->v[q->n++] = name;
	return (0);
}

static void
dirq_free(struct dirq *q, size_t from)
{
	size_t i;

	for (i = from; i < q->n; i++)
		free(q->v[i]);
	free(q->v);
}

/* "rel/name", or "name" at the top. */
static char *
join(const char *rel, const char *name)
{
	size_t rl = strlen(rel), nl = strlen(name);
	char *p;

	if (rl + nl + 2 > SR_NAME_MAX + 1) {
		errno = ENAMETOOLONG;
		return (NULL);
	}
	if ((p = malloc(rl + nl + 2)) == NULL)
		return (NULL);
	if (rl > 0) {
		memcpy(p, rel, rl);
		p[rl++] = '/';
	}
	memcpy(p + rl, name, nl + 1);
	return (p);
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

/* Lists one directory: files become members, directories are queued. */
static int
scan_one(struct sr_input *in, const char *rel, struct dirq *q, uint64_t maxdirs,
    struct sr_error *err)
{
	struct sr_imember *m;
	struct dirent *de;
	struct stat st;
	DIR *d;
	char *child;
	int fd, status = SR_OK;

	fd = openat(in->fd, rel[0] != '\0' ? rel : ".",
	    O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		/* One unreadable directory does not hide the others. */
		sr_input_warn(in, rel, SR_E_IO, errno,
		    "cannot open directory: %s", strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return (SR_OK);
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				sr_input_warn(in, rel, SR_E_IO, errno,
				    "cannot read directory: %s",
				    strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/*
		 * A regular file that readdir() typed is not statted now:
		 * sr_input_stat() does it for the few members whose mode or
		 * size matters (a sudo session's timing), which saves seven
		 * system calls of every eight in a sudo tree.
		 */
		if (de->d_type == DT_REG) {
			memset(&st, 0, sizeof(st));
			st.st_mode = S_IFREG;
			st.st_size = -1;
		} else if (fstatat(dirfd(d), de->d_name, &st,
			       AT_SYMLINK_NOFOLLOW) == -1) {
			/* Removed since readdir(): a live tree changes. */
			if (errno != ENOENT)
				sr_input_warn(in, rel, SR_E_IO, errno,
				    "cannot stat '%s': %s", de->d_name,
				    strerror(errno));
			continue;
		}
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			continue;
		if ((child = join(rel, de->d_name)) == NULL) {
			if (errno == ENAMETOOLONG) {
				sr_input_warn(in, rel, SR_E_LIMIT, 0,
				    "name longer than %d bytes skipped",
				    SR_NAME_MAX);
				continue;
			}
			status = sr_error_set(err, SR_FATAL, SR_E_NOMEM,
			    in->path, NULL, "out of memory");
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth(child) > SR_DIR_DEPTH_MAX) {
				sr_input_warn(in, child, SR_E_LIMIT, 0,
				    "directory nested deeper than %d levels "
				    "skipped",
				    SR_DIR_DEPTH_MAX);
				free(child);
				continue;
			}
			if ((uint64_t)q->n >= maxdirs) {
				free(child);
				status = sr_error_set(err, SR_FAILED,
				    SR_E_LIMIT, in->path, NULL,
				    "more than %llu directories",
				    (unsigned long long)maxdirs);
				break;
			}
			if (dirq_push(q, child) == -1) {
				free(child);
				status = sr_error_set(err, SR_FATAL, SR_E_NOMEM,
				    in->path, NULL, "out of memory");
				break;
			}
			continue;
		}
		status = sr_input_add(in, child, &m, err);
		free(child);
		if (status != SR_OK)
			break;
		m->pub.size = st.st_size;
		m->pub.mode = de->d_type == DT_REG ? 0 : (uint32_t)st.st_mode;
		m->pub.mtime_ns = (int64_t)st.st_mtim.tv_sec * SR_NSEC_PER_SEC +
		    st.st_mtim.tv_nsec;
		m->lazy = de->d_type == DT_REG;
	}
	(void)closedir(d);
	return (status);
}

int
sr_input_dir_scan(struct sr_input *in, struct sr_error *err)
{
	struct dirq q;
	uint64_t maxdirs = sr_ctx_limit(in->ctx, SR_LIMIT_MEMBERS);
	size_t i;
	char *top;
	int status = SR_OK;

	memset(&q, 0, sizeof(q));
	if ((top = sr_strdup("")) == NULL || dirq_push(&q, top) == -1) {
		free(top);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
		    "out of memory"));
	}
	/* The queue grows while it is walked; entries done are freed. */
	for (i = 0; i < q.n && status == SR_OK; i++) {
		status = scan_one(in, q.v[i], &q, maxdirs, err);
		free(q.v[i]);
		q.v[i] = NULL;
	}
	dirq_free(&q, i);
	return (status);
}
