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
 * The catalog: configured sources, the sessions found in them, and the
 * resolution of what a user types (an id, a unique id prefix or a path)
 * to sessions.  A scan lists metadata only; events are read later through
 * sr_catalog_open_entry().  Failures never stop a scan: each is reported
 * through the diagnostics callback and counted, and the other sessions
 * are still listed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "sr-private.h"

struct source {
	char *path;
	int optional; /* a default: silently absent */
	int scanned;
	struct sr_input *in; /* NULL until scanned, or on failure */
};

struct sr_catalog {
	struct sr_ctx *ctx;
	struct source *src;
	size_t nsrc;
	struct sr_entry *ent;
	size_t nent;
	size_t entcap;
	size_t failures;
};

struct sr_catalog *
sr_catalog_new(struct sr_ctx *ctx)
{
	struct sr_catalog *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->ctx = ctx;
	return (c);
}

void
sr_catalog_free(struct sr_catalog *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nent; i++) {
		sr_session_free(c->ent[i].session);
		free(c->ent[i].member);
	}
	free(c->ent);
	for (i = 0; i < c->nsrc; i++) {
		free(c->src[i].path);
		sr_input_close(c->src[i].in);
	}
	free(c->src);
	free(c);
}

/* Adds a source once; *idx (when not NULL) is set to its index. */
static int
add_source(struct sr_catalog *c, const char *path, int optional, size_t *idx)
{
	struct source *ns;
	size_t i;

	for (i = 0; i < c->nsrc; i++) {
		if (strcmp(c->src[i].path, path) == 0) {
			if (idx != NULL)
				*idx = i;
			return (SR_OK);
		}
	}
	if ((ns = sr_reallocarray(c->src, c->nsrc + 1, sizeof(*ns))) == NULL)
		return (SR_FATAL);
	c->src = ns;
	memset(&c->src[c->nsrc], 0, sizeof(c->src[c->nsrc]));
	if ((c->src[c->nsrc].path = sr_strdup(path)) == NULL)
		return (SR_FATAL);
	c->src[c->nsrc].optional = optional;
	if (idx != NULL)
		*idx = c->nsrc;
	c->nsrc++;
	return (SR_OK);
}

int
sr_catalog_add_source(struct sr_catalog *c, const char *path)
{
	return (add_source(c, path, 0, NULL));
}

size_t
sr_catalog_nsources(const struct sr_catalog *c)
{
	return (c->nsrc);
}

const char *
sr_catalog_source(const struct sr_catalog *c, size_t i)
{
	return (i < c->nsrc ? c->src[i].path : NULL);
}

/* Adds each element of a colon-separated list. */
static int
add_list(struct sr_catalog *c, const char *list, int optional)
{
	char *copy, *p, *tok;
	int st = SR_OK;

	if ((copy = sr_strdup(list)) == NULL)
		return (SR_FATAL);
	p = copy;
	while ((tok = strsep(&p, ":")) != NULL)
		if (*tok != '\0' &&
		    (st = add_source(c, tok, optional, NULL)) != SR_OK)
			break;
	free(copy);
	return (st);
}

/*
 * Takes "sources = a:b" (or repeated "source = a") from the config file,
 * which counts only when root owns it and nobody else may write it (see
 * lib/config.c), so that a user cannot point a privileged sessrec
 * elsewhere.
 */
static int
config_sources(struct sr_catalog *c, const char *path, unsigned flags,
    int *found, struct sr_error *err)
{
	struct sr_config *cfg;
	const char *k, *v;
	size_t i;
	int rc;

	*found = 0;
	rc = sr_config_load(path, flags, &cfg, err);
	for (i = 0; rc == SR_OK && sr_config_entry(cfg, i, &k, &v) == 0; i++)
		if (strcmp(k, "sources") == 0 || strcmp(k, "source") == 0) {
			*found = 1;
			rc = add_list(c, v, 1);
		}
	sr_config_free(cfg);
	return (rc);
}

int
sr_catalog_add_defaults(struct sr_catalog *c, const char *config_path,
    unsigned flags, struct sr_error *err)
{
	const char *env;
	int found = 0, st;

	/* The user named these: a missing one is reported. */
	if ((flags & SR_DEFAULTS_ENV) &&
	    (env = getenv("SESSREC_SOURCES")) != NULL && *env != '\0')
		return (add_list(c, env, 0));
	if (config_path != NULL) {
		st = config_sources(c, config_path, flags, &found, err);
		if (st == SR_WARN)
			sr_ctx_diag(c->ctx, SR_WARN, err);
		else if (st != SR_OK)
			return (st);
		if (found)
			return (SR_OK);
	}
	return (
	    add_list(c, "/var/log/sessrec:/var/log/sudo-io:/var/log/tlog", 1));
}

static void
report(struct sr_catalog *c, int status, const struct sr_error *e)
{
	c->failures++;
	sr_ctx_diag(c->ctx, status, e);
}

/*
 * Reading the sessions of many recordings is spread over threads: each
 * recording's result (entries and diagnostics) is kept apart and merged
 * in probe order afterwards, so that output and messages come out in the
 * same order whatever the scheduling.  Readers share nothing but the
 * input, whose streams use pread() and openat() only.
 */
#define SCAN_MAX_THREADS    8
#define SCAN_MIN_PER_THREAD 16
#define SCAN_MAX_DIAGS	    64 /* kept per recording; the rest are counted */

struct diag {
	int status;
	struct sr_error err;
};

struct rec_result {
	struct sr_entry *ent;
	size_t nent, cap;
	struct diag *diag;
	size_t ndiag;
	size_t dropped; /* diagnostics beyond SCAN_MAX_DIAGS */
	size_t failures;
	int fatal; /* out of memory */
};

struct scan_job {
	struct sr_catalog *c;
	size_t src;
	const struct sr_found *found;
	struct rec_result *res;
	size_t n;
	atomic_size_t next;
};

/* The diagnostics hook of a worker's private context. */
struct worker_ctx {
	struct sr_ctx ctx;
	struct rec_result *cur;
};

static void
keep_diag(struct rec_result *r, int status, const struct sr_error *e)
{
	struct diag *nd;

	if (status != SR_WARN)
		r->failures++;
	if (r->ndiag >= SCAN_MAX_DIAGS) {
		r->dropped++;
		return;
	}
	if ((nd = sr_reallocarray(r->diag, r->ndiag + 1, sizeof(*nd))) ==
	    NULL) {
		r->dropped++;
		return;
	}
	r->diag = nd;
	nd[r->ndiag].status = status;
	nd[r->ndiag].err = *e;
	r->ndiag++;
}

static void
worker_diag(void *arg, int status, const struct sr_error *e)
{
	struct worker_ctx *w = arg;

	if (w->cur != NULL)
		keep_diag(w->cur, status, e);
}

static int
result_add(struct rec_result *r, size_t src, const struct sr_found *f,
    size_t index, const struct sr_session *s, int status)
{
	struct sr_entry *ne, *e;

	if (r->nent == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 4;

		if ((ne = sr_reallocarray(r->ent, ncap, sizeof(*ne))) == NULL)
			return (SR_FATAL);
		r->ent = ne;
		r->cap = ncap;
	}
	e = &r->ent[r->nent];
	memset(e, 0, sizeof(*e));
	if ((e->session = sr_session_dup(s)) == NULL ||
	    (e->member = sr_strdup(f->member)) == NULL) {
		sr_session_free(e->session);
		return (SR_FATAL);
	}
	e->source = src;
	e->fmt = f->fmt;
	e->index = index;
	e->status = status;
	r->nent++;
	return (SR_OK);
}

/* Lists the sessions of one recording into r. */
static void
scan_recording(struct sr_ctx *ctx, struct sr_input *in, size_t src,
    const struct sr_found *f, struct rec_result *r)
{
	struct sr_reader *rd;
	const struct sr_session *s;
	struct sr_error err;
	size_t index = 0, failed = 0;
	int st;

	sr_error_clear(&err);
	st = sr_reader_open(ctx, in, f->member, f->fmt, &rd, &err);
	if (st != SR_OK) {
		keep_diag(r, st, &err);
		if (st == SR_FATAL && err.cat == SR_E_NOMEM)
			r->fatal = 1;
		return;
	}
	for (;;) {
		st = sr_reader_next_session(rd, &s);
		if (st == SR_EOF)
			break;
		if (st == SR_FAILED || st == SR_FATAL) {
			keep_diag(r, st, sr_reader_error(rd));
			/* A reader that keeps failing is not moving on. */
			if (st == SR_FATAL || ++failed > 1000)
				break;
			continue;
		}
		if (result_add(r, src, f, index++, s, st) != SR_OK) {
			r->fatal = 1;
			break;
		}
	}
	sr_reader_close(rd);
}

static void *
scan_worker(void *arg)
{
	struct scan_job *job = arg;
	struct worker_ctx w;
	size_t j;

	w.ctx = *job->c->ctx;
	w.cur = NULL;
	sr_ctx_set_diag(&w.ctx, worker_diag, &w);
	while ((j = atomic_fetch_add(&job->next, 1)) < job->n) {
		if (job->found[j].fmt == NULL)
			continue; /* unrecognized: an empty result */
		w.cur = &job->res[j];
		scan_recording(&w.ctx, job->c->src[job->src].in, job->src,
		    &job->found[j], &job->res[j]);
	}
	return (NULL);
}

static int
scan_threads(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t;

	if (cpus < 1)
		cpus = 1;
	t = (size_t)cpus;
	if (t > SCAN_MAX_THREADS)
		t = SCAN_MAX_THREADS;
	if (t > n / SCAN_MIN_PER_THREAD)
		t = n / SCAN_MIN_PER_THREAD;
	return (t < 1 ? 1 : (int)t);
}

/* Moves a recording's entries into the catalog and replays its messages. */
static int
merge_result(struct sr_catalog *c, struct rec_result *r)
{
	struct sr_entry *ne;
	size_t k;
	int st = r->fatal ? SR_FATAL : SR_OK;

	for (k = 0; k < r->ndiag; k++)
		sr_ctx_diag(c->ctx, r->diag[k].status, &r->diag[k].err);
	if (r->dropped > 0) {
		struct sr_error e;

		sr_error_clear(&e);
		(void)sr_error_set(&e, SR_WARN, SR_E_LIMIT, NULL, NULL,
		    "%zu more messages not shown", r->dropped);
		sr_ctx_diag(c->ctx, SR_WARN, &e);
	}
	c->failures += r->failures;
	if (r->nent > 0 && c->nent + r->nent > c->entcap) {
		size_t ncap = c->entcap ? c->entcap : 64;

		while (ncap < c->nent + r->nent)
			ncap *= 2;
		if ((ne = sr_reallocarray(c->ent, ncap, sizeof(*ne))) == NULL)
			st = SR_FATAL;
		else {
			c->ent = ne;
			c->entcap = ncap;
		}
	}
	for (k = 0; k < r->nent; k++) {
		if (st == SR_OK)
			c->ent[c->nent++] = r->ent[k];
		else {
			sr_session_free(r->ent[k].session);
			free(r->ent[k].member);
		}
	}
	free(r->ent);
	free(r->diag);
	return (st);
}

static int
scan_source(struct sr_catalog *c, size_t i)
{
	struct source *s = &c->src[i];
	struct sr_found *found;
	struct sr_error err;
	struct scan_job job;
	pthread_t tid[SCAN_MAX_THREADS];
	size_t j, n, started = 0;
	int st, nthreads, fatal = 0;

	s->scanned = 1;
	sr_error_clear(&err);
	/* "journal" (the system journal) is no file */
	if (s->optional && access(s->path, F_OK) != 0 &&
	    strcmp(s->path, "journal") != 0)
		return (SR_OK);
	if ((st = sr_input_open_flags(c->ctx, s->path, SR_INPUT_PARTNERS,
		 &s->in, &err)) != SR_OK) {
		s->in = NULL;
		report(c, st, &err);
		return (SR_OK);
	}
	st = sr_probe_container(s->in, 1, &found, &n, &err);
	if (st != SR_OK) {
		report(c, st, &err);
		return (st == SR_FATAL ? SR_FATAL : SR_OK);
	}
	/*
	 * A named file is read with its partner files (see sr_input_open());
	 * only the recording that holds the named file counts, and only the
	 * named file is an error when no format knows it.
	 */
	if (sr_input_kind(s->in) == SR_INPUT_FILE) {
		const char *base = sr_basename(s->path);

		for (j = 0; j < n; j++) {
			size_t k;
			int mine = strcmp(found[j].member, base) == 0;

			for (k = 0; !mine && k < nitems(found[j].partners) &&
			     found[j].partners[k] != NULL;
			     k++)
				mine = strcmp(found[j].partners[k], base) == 0;
			if (!mine) {
				found[j].fmt = NULL; /* skipped below */
				continue;
			}
			if (found[j].fmt == NULL) {
				(void)sr_error_set(&err, SR_FAILED, SR_E_FORMAT,
				    s->path, NULL,
				    "unrecognized recording format");
				report(c, SR_FAILED, &err);
			}
		}
	}
	memset(&job, 0, sizeof(job));
	job.c = c;
	job.src = i;
	job.found = found;
	job.n = n;
	atomic_init(&job.next, 0);
	if ((job.res = calloc(n ? n : 1, sizeof(*job.res))) == NULL) {
		sr_found_free_all(found, n);
		return (SR_FATAL);
	}
	nthreads = scan_threads(n);
	for (j = 1; j < (size_t)nthreads; j++)
		if (pthread_create(&tid[started], NULL, scan_worker, &job) == 0)
			started++;
	(void)scan_worker(&job);
	for (j = 0; j < started; j++)
		(void)pthread_join(tid[j], NULL);
	for (j = 0; j < n; j++)
		if (merge_result(c, &job.res[j]) == SR_FATAL)
			fatal = 1;
	free(job.res);
	sr_found_free_all(found, n);
	return (fatal ? SR_FATAL : SR_OK);
}

int
sr_catalog_scan(struct sr_catalog *c)
{
	size_t i;

	for (i = 0; i < c->nsrc; i++)
		if (!c->src[i].scanned && scan_source(c, i) == SR_FATAL)
			return (SR_FATAL);
	return (c->failures ? SR_WARN : SR_OK);
}

size_t
sr_catalog_failures(const struct sr_catalog *c)
{
	return (c->failures);
}

size_t
sr_catalog_nentries(const struct sr_catalog *c)
{
	return (c->nent);
}

const struct sr_entry *
sr_catalog_entry(const struct sr_catalog *c, size_t i)
{
	return (i < c->nent ? &c->ent[i] : NULL);
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return ((a == NULL) - (b == NULL));
	return (strcmp(a, b));
}

int
sr_entry_cmp(const struct sr_entry *a, const struct sr_entry *b)
{
	const struct sr_session *sa = a->session, *sb = b->session;
	int ha = (sa->have & SR_HAVE_START) != 0;
	int hb = (sb->have & SR_HAVE_START) != 0;
	int r;

	if (ha != hb)
		return (hb - ha);
	if (ha && sa->start_ns != sb->start_ns)
		return (sa->start_ns < sb->start_ns ? -1 : 1);
	if ((r = strcmp_null(sa->field[SR_F_SESSION_ID],
		 sb->field[SR_F_SESSION_ID])) != 0)
		return (r);
	if ((r = strcmp_null(sa->path, sb->path)) != 0)
		return (r);
	if (a->index != b->index)
		return (a->index < b->index ? -1 : 1);
	return (0);
}

static int
entry_cmp(const void *a, const void *b)
{
	return (sr_entry_cmp(a, b));
}

void
sr_catalog_sort(struct sr_catalog *c)
{
	if (c->nent > 1)
		qsort(c->ent, c->nent, sizeof(*c->ent), entry_cmp);
}

static int
push_idx(size_t **v, size_t *n, size_t i)
{
	size_t *nv;

	if ((nv = sr_reallocarray(*v, *n + 1, sizeof(**v))) == NULL)
		return (-1);
	nv[(*n)++] = i;
	*v = nv;
	return (0);
}

/* Describes up to a few candidates for an ambiguity message. */
static void
candidates(const struct sr_catalog *c, const size_t *v, size_t n, char *buf,
    size_t len)
{
	size_t i, off = 0;
	int r;

	buf[0] = '\0';
	for (i = 0; i < n && i < 5 && off < len; i++) {
		const struct sr_session *s = c->ent[v[i]].session;

		r = snprintf(buf + off, len - off, "%s%s (%s)", i ? ", " : "",
		    s->field[SR_F_SESSION_ID] ? s->field[SR_F_SESSION_ID] : "?",
		    s->path ? s->path : "?");
		if (r < 0)
			break;
		off += (size_t)r;
	}
	if (n > 5 && off < len)
		(void)snprintf(buf + off, len - off, ", and %zu more", n - 5);
}

int
sr_catalog_resolve(struct sr_catalog *c, const char *what, size_t **idxp,
    size_t *np, struct sr_error *err)
{
	size_t *v = NULL, n = 0, i, wl = strlen(what);
	struct stat st;
	char cand[1024];
	int s;

	*idxp = NULL;
	*np = 0;
	/*
	 * A path on disk: read just that, so that "cat ./x.cast" neither
	 * waits for nor complains about the configured sources.
	 */
	if (stat(what, &st) == 0) {
		size_t src;

		if (add_source(c, what, 0, &src) != SR_OK)
			goto nomem;
		if (!c->src[src].scanned && scan_source(c, src) == SR_FATAL)
			goto nomem;
		for (i = 0; i < c->nent; i++)
			if (c->ent[i].source == src && push_idx(&v, &n, i) != 0)
				goto nomem;
		if (n > 0)
			goto done;
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, what, NULL,
		    "no readable session"));
	}
	if ((s = sr_catalog_scan(c)) == SR_FATAL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	/* A path as ls prints it: a directory or archive member. */
	for (i = 0; i < c->nent; i++)
		if (c->ent[i].session->path != NULL &&
		    strcmp(c->ent[i].session->path, what) == 0 &&
		    push_idx(&v, &n, i) != 0)
			goto nomem;
	if (n > 0)
		goto done;
	/* An exact id. */
	for (i = 0; i < c->nent; i++) {
		const char *id = c->ent[i].session->field[SR_F_SESSION_ID];

		if (id != NULL && strcmp(id, what) == 0 &&
		    push_idx(&v, &n, i) != 0)
			goto nomem;
	}
	if (n == 0) {
		/* A prefix of an id. */
		for (i = 0; i < c->nent; i++) {
			const char *id =
			    c->ent[i].session->field[SR_F_SESSION_ID];

			if (id != NULL && wl > 0 &&
			    strncmp(id, what, wl) == 0 &&
			    push_idx(&v, &n, i) != 0)
				goto nomem;
		}
	}
	if (n == 0 && strchr(what, '/') != NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "no file or session '%s'", what));
	if (n == 0)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "no session '%s' in %zu source%s", what, c->nsrc,
		    c->nsrc == 1 ? "" : "s"));
	if (n > 1) {
		candidates(c, v, n, cand, sizeof(cand));
		free(v);
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "session '%s' is ambiguous: %s", what, cand));
	}
done:
	*idxp = v;
	*np = n;
	return (SR_OK);
nomem:
	free(v);
	return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
	    "out of memory"));
}

/*
 * Advances r to its index-th usable session (the scan counted usable
 * sessions only, so failed ones are skipped alike, up to 1000).  SR_OK
 * with *sp, else the status with err filled.
 */
static int
skip_to(struct sr_reader *r, size_t index, const struct sr_session **sp,
    struct sr_error *err)
{
	size_t k, failed;
	int st;

	for (k = 0, failed = 0; k <= index;) {
		st = sr_reader_next_session(r, sp);
		if (st == SR_FAILED && ++failed <= 1000)
			continue;
		if (st != SR_OK && st != SR_WARN) {
			if (err != NULL)
				*err = *sr_reader_error(r);
			*sp = NULL;
			return (st == SR_EOF ? SR_FAILED : st);
		}
		k++;
	}
	return (SR_OK);
}

/*
 * Opens entry i through the scan's input with ctx, skipping quietly to
 * its session (the scan already reported what next_session() finds).
 */
static int
open_entry(struct sr_catalog *c, size_t i, struct sr_ctx *ctx,
    struct sr_reader **rp, const struct sr_session **sp, struct sr_error *err)
{
	const struct sr_entry *e;
	struct sr_reader *r;
	sr_diag_fn diag;
	int st;

	*rp = NULL;
	*sp = NULL;
	if (i >= c->nent)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no entry %zu", i));
	e = &c->ent[i];
	if (c->src[e->source].in == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE,
		    c->src[e->source].path, NULL, "source not open"));
	if ((st = sr_reader_open(ctx, c->src[e->source].in, e->member, e->fmt,
		 &r, err)) != SR_OK)
		return (st);
	diag = ctx->diag;
	ctx->diag = NULL;
	st = skip_to(r, e->index, sp, err);
	ctx->diag = diag;
	if (st != SR_OK) {
		sr_reader_close(r);
		return (st);
	}
	*rp = r;
	return (SR_OK);
}

int
sr_open_session(struct sr_ctx *ctx, const char *source, const char *member,
    const struct sr_format *fmt, size_t index, struct sr_input **inp,
    struct sr_reader **rp, const struct sr_session **sp, struct sr_error *err)
{
	int st;

	*rp = NULL;
	*sp = NULL;
	if ((st = sr_input_open_flags(ctx, source, SR_INPUT_PARTNERS, inp,
		 err)) != SR_OK) {
		*inp = NULL;
		return (st);
	}
	if ((st = sr_reader_open(ctx, *inp, member, fmt, rp, err)) == SR_OK &&
	    (st = skip_to(*rp, index, sp, err)) == SR_OK)
		return (SR_OK);
	sr_reader_close(*rp);
	sr_input_close(*inp);
	*rp = NULL;
	*inp = NULL;
	return (st);
}

int
sr_catalog_open_entry(struct sr_catalog *c, size_t i, struct sr_reader **rp,
    const struct sr_session **sp, struct sr_error *err)
{
	return (open_entry(c, i, c->ctx, rp, sp, err));
}

/*
 * The same for a search thread, with its own context.  The input the
 * scan opened is shared: its streams read with pread() and the scan
 * itself reads members of one input from several threads, so an archive
 * is unpacked once rather than once per thread.
 */
int
sr_catalog_open_entry_ctx(struct sr_catalog *c, size_t i, struct sr_ctx *ctx,
    struct sr_reader **rp, const struct sr_session **sp, struct sr_error *err)
{
	return (open_entry(c, i, ctx, rp, sp, err));
}

uint64_t
sr_catalog_fingerprint(const struct sr_catalog *c, size_t entry)
{
	const struct sr_entry *e = sr_catalog_entry(c, entry);
	const char *src;
	struct stat st;
	struct dirent *de;
	char dir[4096], path[4096 + 256];
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	DIR *dp;

	if (e == NULL || (src = sr_catalog_source(c, e->source)) == NULL ||
	    stat(src, &st) != 0)
		return (0);
	if (!S_ISDIR(st.st_mode))
		return (((uint64_t)st.st_size * 1099511628211ULL) ^
		    (uint64_t)st.st_mtim.tv_nsec ^ (uint64_t)st.st_mtim.tv_sec);
	(void)snprintf(dir, sizeof(dir), "%s/%s", src, e->member);
	if ((dp = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0)
			continue;
		h = (h ^ (uint64_t)st.st_size) * 1099511628211ULL;
		h = (h ^ (uint64_t)st.st_mtim.tv_nsec) * 1099511628211ULL;
		h = (h ^ (uint64_t)st.st_mtim.tv_sec) * 1099511628211ULL;
	}
	(void)closedir(dp);
	return (h);
}
