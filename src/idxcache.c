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
 * The play index cache: finds an up-to-date index for a catalog entry
 * or builds one, in a background thread for the player.  See idxcache.h
 * for where files go and which ones are trusted.
 *
 * The builder thread never touches the catalog or the caller's context:
 * it reads the recording through its own input, reader and a quiet
 * context, so warnings never reach a terminal that ncurses owns and the
 * caller may keep using the catalog.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "idxcache.h"

#define FOLLOW_POLL_NS (250 * SR_NSEC_PER_MSEC)

struct idx {
	struct sr_ctx *ctx; /* the builder's own, quiet */
	struct sr_playidx *x;
	int fd;
	enum idx_origin origin;
	char *path;   /* final path, "" for a temporary file */
	char *tmp;    /* the file being built, NULL when none */
	char *source; /* the recording's source path */
	char *member;
	const struct sr_format *fmt;
	size_t sess_index;
	char *identity;
	int64_t duration; /* the session's known duration, -1 unknown */
	int follow;

	pthread_t th;
	int have_thread;
	atomic_int cancel;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	int status;
	struct sr_error err;
	int64_t t_done; /* last event indexed */
	size_t nblk_seen;
	char why[PATH_MAX + 128]; /* why the index is not saved, or "" */
};

static void
idx_lock_set(struct idx *d, int done, int status, const struct sr_error *e)
{
	pthread_mutex_lock(&d->mu);
	if (done)
		d->done = 1;
	if (status != SR_OK && d->status == SR_OK) {
		d->status = status;
		if (e != NULL)
			d->err = *e;
	}
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

static int
nomem(struct sr_error *err)
{
	return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
	    "out of memory"));
}

/* An unlinked temporary file; fd or -1. */
static int
temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/sessrec-idx.XXXXXX", dir) >=
	    (int)sizeof(path))
		return (-1);
	if ((fd = mkstemp(path)) == -1)
		return (-1);
	(void)unlink(path);
	return (fd);
}

/* The cache directory (malloc'd), or NULL when there is none. */
static char *
cache_dir(const struct idx_opts *o)
{
	const char *s, *home;
	struct passwd *pw;
	char buf[PATH_MAX];

	if (o->cache_dir != NULL && o->cache_dir[0] != '\0')
		return (strdup(o->cache_dir));
	if ((s = getenv("SESSREC_CACHE_DIR")) != NULL && s[0] != '\0')
		return (strdup(s));
	if ((s = getenv("XDG_CACHE_HOME")) != NULL && s[0] == '/') {
		if (snprintf(buf, sizeof(buf), "%s/sessrec", s) >=
		    (int)sizeof(buf))
			return (NULL);
		return (strdup(buf));
	}
	home = getenv("HOME");
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(geteuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/')
		return (NULL);
	if (snprintf(buf, sizeof(buf), "%s/.cache/sessrec", home) >=
	    (int)sizeof(buf))
		return (NULL);
	return (strdup(buf));
}

/* Owned by us or root, and nobody else may write it. */
static int
trusted(const struct stat *st)
{
	return ((st->st_uid == geteuid() || st->st_uid == 0) &&
	    (st->st_mode & (S_IWGRP | S_IWOTH)) == 0);
}

/*
 * Creates dir (and missing parents) 0700; 0 when it exists as a
 * directory we may use: ours or root's, and not writable by others.
 */
static int
make_dir(const char *dir)
{
	char buf[PATH_MAX], *p;
	struct stat st;

	if (strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf))
		return (-1);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return (-1);
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return (-1);
	if (lstat(buf, &st) != 0)
		return (-1);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return (-1);
	}
	if (!trusted(&st)) {
		errno = EPERM; /* see the comment of trusted() */
		return (-1);
	}
	return (0);
}

/*
 * The path beside the recording ("<file>.sridx"), or NULL when the
 * recording is not a plain file of its own (an archive member, a
 * directory of files).
 */
static char *
beside_path(const char *source, const char *member)
{
	char buf[PATH_MAX], file[PATH_MAX];
	const char *slash;
	struct stat st;
	size_t dl;

	if (stat(source, &st) != 0 || !S_ISREG(st.st_mode) ||
	    member[0] == '\0' || strchr(member, '/') != NULL)
		return (NULL);
	/* The member is the file itself or a partner beside it. */
	slash = strrchr(source, '/');
	dl = slash != NULL ? (size_t)(slash - source) + 1 : 0;
	if (snprintf(file, sizeof(file), "%.*s%s", (int)dl, source, member) >=
	    (int)sizeof(file))
		return (NULL);
	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
		return (NULL);
	if (snprintf(buf, sizeof(buf), "%s.sridx", file) >= (int)sizeof(buf))
		return (NULL);
	return (strdup(buf));
}

/* Loads path if it is trusted and current: SR_OK with d->x and d->fd. */
static int
try_load(struct idx *d, struct sr_ctx *ctx, const char *path)
{
	struct sr_error e;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (SR_EOF);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !trusted(&st) ||
	    sr_playidx_load(ctx, fd, d->identity, &d->x, &e) != SR_OK) {
		(void)close(fd);
		d->x = NULL;
		return (SR_EOF);
	}
	d->fd = fd;
	return (SR_OK);
}

/* Opens "<final>.tmp.<pid>" for writing; fd or -1. */
static int
open_tmp(struct idx *d, const char *final)
{
	char buf[PATH_MAX];
	int fd, i;

	if (snprintf(buf, sizeof(buf), "%s.tmp.%ld", final, (long)getpid()) >=
	    (int)sizeof(buf))
		return (-1);
	for (i = 0; i < 2; i++) {
		fd = open(buf,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1)
			break;
		/* A leftover of an earlier process with our pid. */
		if (errno != EEXIST || unlink(buf) != 0)
			return (-1);
	}
	if (fd == -1)
		return (-1);
	if ((d->tmp = strdup(buf)) == NULL ||
	    (d->path = strdup(final)) == NULL) {
		(void)close(fd);
		(void)unlink(buf);
		return (-1);
	}
	return (fd);
}

/*
 * Opens a reader on the session through a new input: the same steps as
 * sr_catalog_open_entry(), on objects of the builder's own.
 */
static int
open_reader(struct idx *d, struct sr_input **inp, struct sr_reader **rp,
    struct sr_error *err)
{
	const struct sr_session *s;

	return (sr_open_session(d->ctx, d->source, d->member, d->fmt,
	    d->sess_index, inp, rp, &s, err));
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / SR_NSEC_PER_SEC);
	ts.tv_nsec = (long)(ns % SR_NSEC_PER_SEC);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
progress(struct idx *d, int64_t t)
{
	size_t nb = sr_playidx_nblocks(d->x);

	pthread_mutex_lock(&d->mu);
	d->t_done = t;
	if (nb != d->nblk_seen) {
		d->nblk_seen = nb;
		pthread_cond_broadcast(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
}

/*
 * Follow mode: waits until the recording changed (its identity: size
 * and modification times) or cancel.  0 with *idp replaced by the new
 * identity when it changed, -1 on cancel.
 */
static int
wait_growth(struct idx *d, char **idp)
{
	struct sr_catalog *c;
	struct sr_buf id;
	struct sr_error e;
	size_t *v, n, i;
	char *nid;

	while (!atomic_load(&d->cancel)) {
		sleep_ns(FOLLOW_POLL_NS);
		if (atomic_load(&d->cancel))
			break;
		/*
		 * A fresh catalog over the source gives the identity as it
		 * is now; the entry is found again by member and index.
		 */
		if ((c = sr_catalog_new(d->ctx)) == NULL)
			continue;
		sr_buf_init(&id, 1 << 20);
		if (sr_catalog_resolve(c, d->source, &v, &n, &e) == SR_OK) {
			for (i = 0; i < n; i++) {
				const struct sr_entry *en =
				    sr_catalog_entry(c, v[i]);

				if (strcmp(en->member, d->member) == 0 &&
				    en->index == d->sess_index) {
					(void)sr_playidx_identity(c, v[i], &id);
					break;
				}
			}
			free(v);
		}
		sr_catalog_free(c);
		if (id.len > 0 && strcmp(id.data, *idp) != 0 &&
		    (nid = sr_buf_detach(&id, NULL)) != NULL) {
			free(*idp);
			*idp = nid;
			return (0);
		}
		sr_buf_release(&id);
	}
	return (-1);
}

/*
 * Reads the session into the index.  Follow mode goes on after the end
 * of what is written so far until the session ends.  Returns the
 * reader's worst status, or SR_FATAL; *ended is set when the index was
 * finished.
 */
static int
build(struct idx *d)
{
	struct sr_input *in = NULL;
	struct sr_reader *r = NULL;
	const struct sr_event *ev;
	struct sr_error e;
	uint64_t nread = 0, skip = 0;
	char *was = NULL;
	int st, worst = SR_OK, ended = 0;
	int64_t t = 0;

	sr_error_clear(&e);
	if ((st = open_reader(d, &in, &r, &e)) != SR_OK) {
		idx_lock_set(d, 0, st == SR_FATAL ? SR_FATAL : SR_FAILED, &e);
		return (st == SR_FATAL ? SR_FATAL : SR_FAILED);
	}
	for (;;) {
		if (atomic_load(&d->cancel))
			break;
		st = sr_reader_next_event(r, &ev);
		if (st == SR_OK || st == SR_WARN) {
			if (skip > 0) {
				skip--;
				continue;
			}
			if (st == SR_WARN)
				worst = SR_WARN;
			nread++;
			t = ev->t_ns;
			if (sr_playidx_add(d->x, ev) != SR_OK) {
				idx_lock_set(d, 0, SR_FATAL,
				    sr_playidx_error(d->x));
				worst = SR_FATAL;
				break;
			}
			if ((nread & 255) == 0)
				progress(d, t);
			if (d->follow && ev->type == SR_EV_END) {
				ended = 1;
				break;
			}
			continue;
		}
		if (!d->follow) {
			if (st != SR_EOF) {
				e = *sr_reader_error(r);
				sr_playidx_set_error(d->x, &e);
				worst = SR_FAILED;
			}
			ended = 1;
			break;
		}
		/*
		 * Follow: the end of what is written so far (or a line still
		 * being written).  Show it, wait for more, then read again
		 * from the start, skipping what is indexed.
		 */
		if (sr_playidx_flush(d->x) != SR_OK) {
			idx_lock_set(d, 0, SR_FATAL, sr_playidx_error(d->x));
			worst = SR_FATAL;
			break;
		}
		progress(d, t);
		sr_reader_close(r);
		sr_input_close(in);
		r = NULL;
		in = NULL;
		if (was == NULL && (was = strdup(d->identity)) == NULL)
			break;
		do {
			if (wait_growth(d, &was) != 0)
				goto out;
		} while (open_reader(d, &in, &r, &e) != SR_OK);
		skip = nread;
	}
out:
	free(was);
	if (r != NULL)
		sr_reader_close(r);
	if (in != NULL)
		sr_input_close(in);
	if (ended && worst != SR_FATAL &&
	    sr_playidx_finish(d->x, worst) != SR_OK) {
		idx_lock_set(d, 0, SR_FATAL, sr_playidx_error(d->x));
		worst = SR_FATAL;
	}
	progress(d, t);
	return (worst);
}

/* Renames the finished file into place (or drops it on failure). */
static void
persist(struct idx *d)
{
	if (d->tmp == NULL)
		return;
	if (sr_playidx_complete(d->x) && !atomic_load(&d->cancel) &&
	    fsync(d->fd) == 0 && rename(d->tmp, d->path) == 0) {
		free(d->tmp);
		d->tmp = NULL;
		return;
	}
	if (d->why[0] == '\0' && !atomic_load(&d->cancel))
		(void)snprintf(d->why, sizeof(d->why), "%s: %s", d->path,
		    sr_playidx_complete(d->x) ? strerror(errno)
					      : "the build did not finish");
	(void)unlink(d->tmp);
	free(d->tmp);
	d->tmp = NULL;
	/* Nothing stays: the index lives on in the open descriptor. */
	d->path[0] = '\0';
	d->origin = IDX_TEMP;
}

static void *
builder(void *arg)
{
	struct idx *d = arg;
	int st;

	st = build(d);
	persist(d);
	(void)st;
	idx_lock_set(d, 1, SR_OK, NULL);
	return (NULL);
}

/* The builder's context: the caller's limits, no diagnostics. */
static struct sr_ctx *
quiet_ctx(struct sr_ctx *ctx)
{
	struct sr_ctx *q;
	int i;

	if ((q = sr_ctx_new()) == NULL)
		return (NULL);
	for (i = 0; i < SR_LIMIT__COUNT; i++)
		sr_ctx_set_limit(q, (enum sr_limit)i,
		    sr_ctx_limit(ctx, (enum sr_limit)i));
	sr_ctx_set_flags(q, SR_CTX_NO_CHAIN | SR_CTX_ONE_PASS); /* H2 */
	return (q);
}

int
idx_open(struct sr_ctx *ctx, struct sr_catalog *c, size_t entry,
    const struct idx_opts *opts, struct idx **ip, struct sr_error *err)
{
	static const struct idx_opts none;
	const struct idx_opts *o = opts != NULL ? opts : &none;
	const struct sr_entry *e;
	struct sr_buf b;
	struct idx *d;
	char *beside = NULL, *dir = NULL;
	int st, fd = -1;

	*ip = NULL;
	if ((e = sr_catalog_entry(c, entry)) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no entry %zu", entry));
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return (nomem(err));
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	atomic_init(&d->cancel, 0);
	d->fd = -1;
	d->status = SR_OK;
	d->follow = o->follow;
	d->fmt = e->fmt;
	d->sess_index = e->index;
	d->duration = (e->session->have & SR_HAVE_DURATION)
	    ? e->session->duration_ns
	    : -1;
	sr_error_clear(&d->err);
	sr_buf_init(&b, 1 << 20);
	if ((d->ctx = quiet_ctx(ctx)) == NULL ||
	    (d->source = strdup(sr_catalog_source(c, e->source))) == NULL ||
	    (d->member = strdup(e->member)) == NULL ||
	    sr_playidx_identity(c, entry, &b) != SR_E_NONE ||
	    (d->identity = sr_buf_detach(&b, NULL)) == NULL) {
		sr_buf_release(&b);
		idx_close(d);
		return (nomem(err));
	}
	beside = beside_path(d->source, d->member);
	if (o->beside && beside == NULL) {
		st = sr_error_set(err, SR_FAILED, SR_E_UNSUPPORTED, d->source,
		    NULL, "--beside: the recording is not a plain file");
		idx_close(d);
		return (st);
	}
	dir = cache_dir(o);
	if (!o->force && !o->follow) {
		/* An index beside the recording, then the cache. */
		if (beside != NULL && try_load(d, ctx, beside) == SR_OK) {
			d->path = beside;
			beside = NULL;
			goto loaded;
		}
		if (dir != NULL && !o->beside) {
			sr_buf_init(&b, PATH_MAX * 2);
			if (sr_playidx_cache_name(d->identity, dir, &b) ==
				SR_E_NONE &&
			    try_load(d, ctx, b.data) == SR_OK) {
				d->path = sr_buf_detach(&b, NULL);
				if (d->path == NULL) {
					/* Keep it, nameless. */
					d->path = strdup("");
				}
				goto loaded;
			}
			sr_buf_release(&b);
		}
	}
	/* Build: beside, in the cache, or in a temporary file. */
	d->origin = IDX_BUILT;
	if (o->beside)
		fd = open_tmp(d, beside);
	else if (!o->follow && !o->no_write && dir != NULL) {
		if (make_dir(dir) != 0)
			(void)snprintf(d->why, sizeof(d->why), "%s: %s", dir,
			    errno == EPERM ? "not owned by you or root, or "
					     "writable by others"
					   : strerror(errno));
		else {
			sr_buf_init(&b, PATH_MAX * 2);
			if (sr_playidx_cache_name(d->identity, dir, &b) ==
				SR_E_NONE &&
			    (fd = open_tmp(d, b.data)) == -1)
				(void)snprintf(d->why, sizeof(d->why), "%s: %s",
				    dir, strerror(errno));
			sr_buf_release(&b);
		}
	}
	if (fd == -1 && o->beside) {
		st = sr_error_set(err, SR_FAILED, SR_E_IO, beside, NULL,
		    "cannot create the index: %s", strerror(errno));
		err->errnum = errno;
		goto fail;
	}
	if (fd == -1) {
		d->origin = IDX_TEMP;
		if ((fd = temp_file()) == -1) {
			st = sr_error_set(err, SR_FATAL, SR_E_IO, NULL, NULL,
			    "cannot create a temporary file: %s",
			    strerror(errno));
			goto fail;
		}
		free(d->path);
		d->path = strdup("");
	}
	d->fd = fd;
	if (d->path == NULL) {
		st = nomem(err);
		goto fail;
	}
	if ((st = sr_playidx_create(d->ctx, fd, d->identity, e->session, &d->x,
		 err)) != SR_OK)
		goto fail;
	free(beside);
	free(dir);
	beside = dir = NULL;
	if (o->background || o->follow) {
		if (pthread_create(&d->th, NULL, builder, d) != 0) {
			st = sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
			    "cannot start a thread");
			goto fail;
		}
		d->have_thread = 1;
		*ip = d;
		return (SR_OK);
	}
	st = build(d);
	persist(d);
	idx_lock_set(d, 1, SR_OK, NULL);
	if (d->status != SR_OK) {
		/*
		 * Nothing usable: the recording cannot be opened (SR_FAILED),
		 * or the index cannot be written (SR_FATAL).
		 */
		*err = d->err;
		st = d->status;
		idx_close(d);
		return (st);
	}
	*ip = d;
	return (SR_OK);
loaded:
	d->origin = IDX_LOADED;
	d->done = 1;
	free(beside);
	free(dir);
	*ip = d;
	return (SR_OK);
fail:
	free(beside);
	free(dir);
	idx_close(d);
	return (st);
}

struct sr_playidx *
idx_get(struct idx *d)
{
	return (d->x);
}

double
idx_progress(struct idx *d)
{
	double p;

	if (sr_playidx_complete(d->x))
		return (1.0);
	pthread_mutex_lock(&d->mu);
	if (d->done)
		p = 1.0;
	else if (d->duration > 0)
		p = (double)d->t_done / (double)d->duration;
	else
		p = 0.0;
	pthread_mutex_unlock(&d->mu);
	if (p > 1.0)
		p = d->follow ? 1.0 : 0.99;
	if (p < 0.0)
		p = 0.0;
	return (p);
}

int
idx_done(struct idx *d)
{
	int r;

	pthread_mutex_lock(&d->mu);
	r = d->done;
	pthread_mutex_unlock(&d->mu);
	return (r);
}

int
idx_status(struct idx *d, struct sr_error *err)
{
	int s;

	pthread_mutex_lock(&d->mu);
	s = d->status;
	if (s != SR_OK && err != NULL)
		*err = d->err;
	pthread_mutex_unlock(&d->mu);
	return (s);
}

void
idx_wait(struct idx *d, int64_t timeout_ns)
{
	struct timespec ts;
	size_t seen;
	int64_t ns;

	if (timeout_ns <= 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (int64_t)ts.tv_nsec + timeout_ns % SR_NSEC_PER_SEC;
	ts.tv_sec +=
	    (time_t)(timeout_ns / SR_NSEC_PER_SEC + ns / SR_NSEC_PER_SEC);
	ts.tv_nsec = (long)(ns % SR_NSEC_PER_SEC);
	pthread_mutex_lock(&d->mu);
	seen = d->nblk_seen;
	while (!d->done && d->nblk_seen == seen)
		if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&d->mu);
}

enum idx_origin
idx_origin(struct idx *d)
{
	return (d->origin);
}

const char *
idx_path(struct idx *d)
{
	return (d->path != NULL ? d->path : "");
}

const char *
idx_why(struct idx *d)
{
	return (d->why);
}

size_t
idx_nblocks(struct idx *d)
{
	return (sr_playidx_nblocks(d->x));
}

void
idx_close(struct idx *d)
{
	if (d == NULL)
		return;
	atomic_store(&d->cancel, 1);
	if (d->have_thread)
		pthread_join(d->th, NULL);
	if (d->tmp != NULL) {
		(void)unlink(d->tmp);
		free(d->tmp);
	}
	sr_playidx_free(d->x);
	if (d->fd != -1)
		(void)close(d->fd);
	sr_ctx_free(d->ctx);
	free(d->path);
	free(d->source);
	free(d->member);
	free(d->identity);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
