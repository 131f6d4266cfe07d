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
 * sessrec verify: one verdict per recording (SECURITY.md §2.4).  The
 * operands (paths, ids, or every configured source) are first expanded
 * into a list of recordings; worker threads then run sr_verify() on them
 * while the main thread prints the results in list order, so the output
 * does not depend on scheduling.  A recording is what the probe finds:
 * a file of several sessions gets one verdict, a sudo session directory
 * one verdict for all its files.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

#define VERIFY_JOBS_DEFAULT 2
#define VERIFY_JOBS_MAX	    64
#define VERIFY_WITNESS_MAX  (256U << 20)
/* Results finished ahead of the one being printed, per worker. */
#define VERIFY_WINDOW 64
/* How often the progress line is redrawn on a terminal. */
#define PROGRESS_NS (250 * SR_NSEC_PER_MSEC)
/* Messages kept per recording; the rest are counted. */
#define VERIFY_MAX_DIAGS 16
/* The first bytes of a native file: zstd skippable magic 0x184D2A5E. */
static const unsigned char native_magic[4] = { 0x5e, 0x2a, 0x4d, 0x18 };

enum {
	OPT_KEY = 768,
	OPT_TRUSTED,
	OPT_WITNESS,
	OPT_REQUIRE_SEAL,
};

/* What a worker found for one recording. */
struct outcome {
	int st; /* of sr_verify() */
	struct sr_error err;
	struct sr_verify_result res;
	char *diag[VERIFY_MAX_DIAGS];
	size_t ndiag;
	size_t dropped;
};

struct job {
	size_t in;    /* index into run.in */
	char *member; /* recording root in the input */
	char *name;   /* as printed: path, or container/member */
	const struct sr_format *fmt;
	int done;
	struct outcome *out; /* set by a worker, freed once printed */
};

struct run {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a job is done, or printing moved on */
	struct job *jobs;
	size_t njobs, jobcap;
	size_t next;	/* the next job a worker takes */
	size_t printed; /* jobs printed so far */
	size_t window;
	struct sr_input **in;
	size_t nin;
	const struct sr_ctx *ctx;
	const struct sr_trust *trust;
	const char *witness;
	size_t witness_len;
	unsigned flags;
};

/* A worker's private context: messages go to the job being verified. */
struct worker {
	struct run *run;
	struct sr_ctx *ctx;
	struct outcome *cur;
};

static void
worker_diag(void *arg, int status, const struct sr_error *e)
{
	struct worker *w = arg;
	struct outcome *o = w->cur;
	char msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + SR_MEMBER_MAX + 128];
	char line[sizeof(msg) + 16];

	if (o == NULL)
		return;
	if (o->ndiag >= VERIFY_MAX_DIAGS) {
		o->dropped++;
		return;
	}
	sr_error_format(e, msg, sizeof(msg));
	(void)snprintf(line, sizeof(line), "%s%s",
	    status == SR_WARN ? "warning: " : "", msg);
	if ((o->diag[o->ndiag] = strdup(line)) == NULL)
		o->dropped++;
	else
		o->ndiag++;
}

static struct outcome *
verify_job(struct worker *w, const struct job *j)
{
	struct run *r = w->run;
	struct outcome *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (NULL);
	sr_error_clear(&o->err);
	w->cur = o;
	o->st = sr_verify(w->ctx, r->in[j->in], j->member, j->fmt, r->trust,
	    r->witness, r->witness_len, r->flags, &o->res, &o->err);
	w->cur = NULL;
	return (o);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	struct outcome *o;
	size_t j;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		/* Stay within a window of the printer: results are big. */
		while (r->next < r->njobs && r->next >= r->printed + r->window)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->next >= r->njobs)
			break;
		j = r->next++;
		pthread_mutex_unlock(&r->mu);
		o = verify_job(w, &r->jobs[j]);
		pthread_mutex_lock(&r->mu);
		r->jobs[j].out = o;
		r->jobs[j].done = 1;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return (NULL);
}

/* A context for a worker thread with the limits of the main one. */
static struct sr_ctx *
worker_ctx(const struct sr_ctx *ctx, struct worker *w)
{
	struct sr_ctx *c;
	int i;

	if ((c = sr_ctx_new()) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	for (i = 0; i < SR_LIMIT__COUNT; i++)
		sr_ctx_set_limit(c, (enum sr_limit)i,
		    sr_ctx_limit(ctx, (enum sr_limit)i));
	sr_ctx_set_diag(c, worker_diag, w);
	return (c);
}

static void
add_job(struct run *r, size_t in, const char *member, const char *name,
    const struct sr_format *fmt)
{
	struct job *nj;

	if (r->njobs == r->jobcap) {
		size_t ncap = r->jobcap ? r->jobcap * 2 : 16;

		nj = sr_xreallocarray(r->jobs, ncap, sizeof(*nj));
		r->jobs = nj;
		r->jobcap = ncap;
	}
	nj = &r->jobs[r->njobs++];
	memset(nj, 0, sizeof(*nj));
	nj->in = in;
	nj->member = sr_xstrdup(member);
	nj->name = sr_xstrdup(name);
	nj->fmt = fmt;
}

static const struct job *sort_base;

static int
job_cmp(const void *va, const void *vb)
{
	size_t a = *(const size_t *)va, b = *(const size_t *)vb;
	int c = strcmp(sort_base[a].name, sort_base[b].name);

	if (c != 0)
		return (c);
	return (a < b ? -1 : a > b);
}

/*
 * The same recording named twice (a directory and a file in it, a path
 * and an id) is verified once, where it was named first.  Sorting keeps
 * this O(n log n) for trees of many recordings.
 */
static void
dedupe_jobs(struct run *r)
{
	size_t *ord, i, k;
	char *drop;

	if (r->njobs < 2)
		return;
	ord = sr_xcalloc(r->njobs, sizeof(*ord));
	drop = sr_xcalloc(r->njobs, 1);
	for (i = 0; i < r->njobs; i++)
		ord[i] = i;
	sort_base = r->jobs;
	qsort(ord, r->njobs, sizeof(*ord), job_cmp);
	for (i = 1; i < r->njobs; i++)
		if (strcmp(r->jobs[ord[i]].name, r->jobs[ord[i - 1]].name) == 0)
			drop[ord[i]] = 1;
	for (i = 0, k = 0; i < r->njobs; i++) {
		if (drop[i]) {
			free(r->jobs[i].member);
			free(r->jobs[i].name);
			continue;
		}
		r->jobs[k++] = r->jobs[i];
	}
	r->njobs = k;
	free(ord);
	free(drop);
}

/* Keeps an input open for the whole run; returns its index. */
static size_t
keep_input(struct run *r, struct sr_input *in)
{
	struct sr_input **n;

	n = sr_xreallocarray(r->in, r->nin + 1, sizeof(*n));
	r->in = n;
	r->in[r->nin] = in;
	return (r->nin++);
}

/* The name a recording is printed under, as ls -l prints its path. */
static char *
job_name(struct sr_input *in, const char *member)
{
	const char *path = sr_input_path(in);
	struct sr_buf b;

	if (sr_input_kind(in) == SR_INPUT_FILE || *member == '\0')
		return (sr_xstrdup(path));
	sr_buf_init(&b, 1 << 20);
	if (sr_buf_printf(&b, "%s%s%s", path,
		path[0] != '\0' && path[strlen(path) - 1] == '/' ? "" : "/",
		member) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	return (sr_buf_detach(&b, NULL));
}

/*
 * Whether an unrecognized member of a directory or archive is a damaged
 * native recording rather than some other file: its name or its first
 * bytes say so.  Only those are reported (CORRUPT); the rest are
 * counted as skipped.
 */
static int
looks_native(struct sr_input *in, const char *member)
{
	struct sr_stream *s;
	struct sr_error err;
	const unsigned char *p;
	size_t n = strlen(member), avail = 0;
	int yes;

	if (n > 5 && strcmp(member + n - 5, ".srec") == 0)
		return (1);
	sr_error_clear(&err);
	if (sr_stream_open(in, member, SR_OPEN_RAW | SR_OPEN_NOSTAT, &s,
		&err) != SR_OK)
		return (0);
	p = sr_stream_peek(s, sizeof(native_magic), &avail);
	yes = p != NULL && avail == sizeof(native_magic) &&
	    memcmp(p, native_magic, sizeof(native_magic)) == 0;
	sr_stream_close(s);
	return (yes);
}

/*
 * Adds the recordings under a path.  Returns an exit status: 3 when the
 * path cannot be read, 4 when it holds no recording.
 */
static int
add_path(struct run *r, struct sr_ctx *ctx, const char *path, int named,
    size_t *skipped)
{
	struct sr_input *in;
	struct sr_found *found;
	struct sr_error err;
	size_t i, k, n, idx, nrec = 0;
	const char *base;
	int st;

	sr_error_clear(&err);
	if ((st = sr_input_open_flags(ctx, path, SR_INPUT_PARTNERS, &in,
		 &err)) != SR_OK) {
		sr_warn_error("cannot read", &err);
		return (st == SR_FATAL && err.cat == SR_E_NOMEM
			? SR_EXIT_INTERNAL
			: SR_EXIT_UNREADABLE);
	}
	if ((st = sr_probe_container(in, 1, &found, &n, &err)) != SR_OK) {
		sr_warn_error("cannot read", &err);
		sr_input_close(in);
		return (st == SR_FATAL && err.cat == SR_E_NOMEM
			? SR_EXIT_INTERNAL
			: SR_EXIT_UNREADABLE);
	}
	idx = keep_input(r, in);
	base = NULL;
	if (sr_input_kind(in) == SR_INPUT_FILE) {
		/* Only the named file's recording, not its neighbours'. */
		const char *s = strrchr(path, '/');

		base = s != NULL && s[1] != '\0' ? s + 1 : path;
	}
	for (i = 0; i < n; i++) {
		const struct sr_found *f = &found[i];
		int mine = base == NULL || strcmp(f->member, base) == 0;
		char *name;

		for (k = 0;
		     !mine && k < nitems(f->partners) && f->partners[k] != NULL;
		     k++)
			mine = strcmp(f->partners[k], base) == 0;
		if (!mine)
			continue;
		/*
		 * A file the user named is verified whatever it holds; in
		 * a tree, only what is or looks like a recording.
		 */
		if (f->fmt == NULL && base == NULL &&
		    !looks_native(in, f->member)) {
			(*skipped)++;
			continue;
		}
		name = job_name(in, f->member);
		add_job(r, idx, f->member, name, f->fmt);
		free(name);
		nrec++;
	}
	sr_found_free_all(found, n);
	if (nrec == 0 && named) {
		sr_warnx("no recording in '%s'", path);
		return (SR_EXIT_NOSESSION);
	}
	return (SR_EXIT_OK);
}

/* Adds the recording that holds each session an id names. */
/*
 * While ids are looked up, the catalog reads every source: its warnings
 * about other recordings are not what the user asked about.  Failures
 * still show.
 */
static void
resolve_diag(void *arg, int status, const struct sr_error *e)
{
	if (status != SR_WARN)
		sr_out_diag(arg, status, e);
}

static int
add_id(struct run *r, struct sr_args *a, struct sr_catalog *cat,
    const char *what)
{
	struct sr_error err;
	struct sr_input *in;
	size_t *idx, n, j, k, src;
	int rc = SR_EXIT_OK, st;

	sr_ctx_set_diag(a->ctx, resolve_diag, &a->quiet);
	idx = sr_args_resolve(a, cat, what, &n, &rc);
	sr_ctx_set_diag(a->ctx, sr_out_diag, &a->quiet);
	if (idx == NULL)
		return (rc);
	for (j = 0; j < n; j++) {
		const struct sr_entry *e = sr_catalog_entry(cat, idx[j]);
		const char *spath = sr_catalog_source(cat, e->source);
		char *name;

		/* One input per source, opened as the catalog opened it. */
		src = r->nin;
		for (k = 0; k < r->nin; k++)
			if (strcmp(sr_input_path(r->in[k]), spath) == 0)
				src = k;
		if (src == r->nin) {
			sr_error_clear(&err);
			if ((st = sr_input_open_flags(a->ctx, spath,
				 SR_INPUT_PARTNERS, &in, &err)) != SR_OK) {
				sr_warn_error("cannot read", &err);
				if (rc < SR_EXIT_UNREADABLE)
					rc = SR_EXIT_UNREADABLE;
				continue;
			}
			src = keep_input(r, in);
		}
		name = job_name(r->in[src], e->member);
		add_job(r, src, e->member, name, e->fmt);
		free(name);
	}
	free(idx);
	return (rc);
}

/* Words for what res->chunks counts, by format. */
static const char *
unit_name(const char *format, int64_t n)
{
	if (format != NULL && strcmp(format, "sessrec") == 0)
		return (n == 1 ? "chunk" : "chunks");
	return (n == 1 ? "event" : "events");
}

/* The format's name, "-" when no format took the recording. */
static const char *
format_name(const char *f)
{
	if (f == NULL || *f == '\0' || strcmp(f, "?") == 0)
		return ("-");
	return (f);
}

/* The finding that explains the verdict: the first of its kind. */
static const struct sr_finding *
main_finding(const struct sr_verify_result *res)
{
	size_t i;

	for (i = 0; i < res->nfind; i++)
		if (res->find[i].verdict == res->verdict)
			return (&res->find[i]);
	return (res->nfind > 0 ? &res->find[0] : NULL);
}

/* "seq 12 offset 3456: chain: hash mismatch" */
static void
finding_text(struct sr_buf *b, const struct sr_finding *f, const char *member)
{
	const char *sep = "";

	if (f->seq >= 0) {
		(void)sr_buf_printf(b, "seq %" PRId64, f->seq);
		sep = " ";
	}
	/* The recording's own name was already printed. */
	if (f->loc.member[0] != '\0' && strcmp(f->loc.member, member) != 0) {
		(void)sr_buf_printf(b, "%smember '%s'", sep, f->loc.member);
		sep = " ";
	}
	if (f->loc.line >= 0) {
		(void)sr_buf_printf(b, "%sline %" PRId64, sep, f->loc.line);
		sep = " ";
	}
	if (f->loc.msg_id >= 0) {
		(void)sr_buf_printf(b, "%smessage id %" PRId64, sep,
		    f->loc.msg_id);
		sep = " ";
	}
	if (f->loc.offset >= 0) {
		(void)sr_buf_printf(b, "%soffset %" PRId64, sep, f->loc.offset);
		sep = " ";
	}
	if (*sep != '\0')
		(void)sr_buf_printf(b, ": ");
	if (f->check[0] != '\0')
		(void)sr_buf_printf(b, "%s: ", f->check);
	(void)sr_buf_printf(b, "%s", f->msg);
}

/* VERDICT  NAME  FORMAT  DETAIL, escaped as a whole. */
static void
print_text(const struct job *j, const struct sr_verify_result *res)
{
	const struct sr_finding *f = main_finding(res);
	const char *fmt = format_name(res->format);
	struct sr_buf b, e;
	char tmp[64];
	const char *sep = "";

	sr_buf_init(&b, 1 << 20);
	sr_buf_init(&e, 1 << 22);
	(void)sr_buf_printf(&b, "%-10s  %s  %s  ",
	    sr_verdict_name(res->verdict), j->name, fmt);
	if (res->key_id[0] != '\0') {
		(void)sr_buf_printf(&b, "key %s %s", res->key_id,
		    res->key_trusted ? "trusted" : "not trusted");
		sep = ", ";
	} else if (res->format != NULL && strcmp(res->format, "sessrec") == 0 &&
	    !res->signed_ && res->verdict != SR_VERDICT_CORRUPT) {
		(void)sr_buf_printf(&b, "unsigned");
		sep = ", ";
	}
	if (res->chunks > 0 || res->verdict != SR_VERDICT_CORRUPT) {
		(void)sr_buf_printf(&b, "%s%" PRId64 " %s", sep, res->chunks,
		    unit_name(res->format, res->chunks));
		sep = ", ";
	}
	if (res->verdict == SR_VERDICT_INCOMPLETE) {
		if (res->valid_seq >= 0)
			(void)sr_buf_printf(&b,
			    "%svalidated to seq %" PRId64
			    " (%s, offset %" PRId64 ")",
			    sep, res->valid_seq,
			    sr_time_format_offset(res->valid_t_ns, tmp,
				sizeof(tmp)),
			    res->valid_offset);
		else
			(void)sr_buf_printf(&b, "%snothing validated", sep);
		sep = ", ";
	}
	if (f != NULL) {
		(void)sr_buf_printf(&b, "%s", *sep != '\0' ? "; " : "");
		finding_text(&b, f, j->member);
		if (res->nfind_total > 1)
			(void)sr_buf_printf(&b, " (and %zu more)",
			    res->nfind_total - 1);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (sr_str_escape(&e, b.data, b.len) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "result too long");
	fwrite(e.data, 1, e.len, stdout);
	putchar('\n');
	sr_buf_release(&e);
	sr_buf_release(&b);
}

static void
json_str(struct sr_buf *b, const char *key, const char *v)
{
	(void)sr_buf_printf(b, ",\"%s\":", key);
	if (v == NULL || *v == '\0')
		(void)sr_buf_printf(b, "null");
	else
		(void)sr_str_json(b, v, strlen(v));
}

static void
json_num(struct sr_buf *b, const char *key, int64_t v, int known)
{
	if (known)
		(void)sr_buf_printf(b, ",\"%s\":%" PRId64, key, v);
	else
		(void)sr_buf_printf(b, ",\"%s\":null", key);
}

/* One NDJSON object: every field of the result, or the error. */
static void
print_json(const struct job *j, const struct outcome *o)
{
	const struct sr_verify_result *res = &o->res;
	struct sr_buf b;
	size_t i;

	sr_buf_init(&b, 1 << 22);
	(void)sr_buf_printf(&b, "{\"path\":");
	(void)sr_str_json(&b, j->name, strlen(j->name));
	if (o->st != SR_OK) {
		char msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + SR_MEMBER_MAX +
		    128];

		struct sr_error e = o->err;

		e.path[0] = '\0'; /* "path" says it */
		sr_error_format(&e, msg, sizeof(msg));
		(void)sr_buf_printf(&b, ",\"verdict\":null");
		json_str(&b, "format", j->fmt ? sr_format_name(j->fmt) : NULL);
		json_str(&b, "error", msg);
		if (sr_buf_printf(&b, "}\n") != SR_E_NONE)
			sr_errx(SR_EXIT_INTERNAL, "result too long");
		fwrite(b.data, 1, b.len, stdout);
		sr_buf_release(&b);
		return;
	}
	json_str(&b, "verdict", sr_verdict_name(res->verdict));
	json_str(&b, "format",
	    strcmp(format_name(res->format), "-") == 0 ? NULL : res->format);
	(void)sr_buf_printf(&b, ",\"signed\":%s,\"key_trusted\":%s",
	    res->signed_ ? "true" : "false",
	    res->key_trusted ? "true" : "false");
	json_str(&b, "key_id", res->key_id);
	json_str(&b, "rec_id", res->rec_id);
	json_num(&b, "chunks", res->chunks, 1);
	json_num(&b, "bytes", res->bytes, 1);
	json_num(&b, "valid_seq", res->valid_seq, res->valid_seq >= 0);
	json_num(&b, "valid_t_ns", res->valid_t_ns, res->valid_seq >= 0);
	json_num(&b, "valid_offset", res->valid_offset, res->valid_seq >= 0);
	(void)sr_buf_printf(&b, ",\"findings\":[");
	for (i = 0; i < res->nfind; i++) {
		const struct sr_finding *f = &res->find[i];

		(void)sr_buf_printf(&b, "%s{\"verdict\":\"%s\"", i ? "," : "",
		    sr_verdict_name(f->verdict));
		json_str(&b, "check", f->check);
		json_str(&b, "member", f->loc.member);
		json_num(&b, "line", f->loc.line, f->loc.line >= 0);
		json_num(&b, "msg_id", f->loc.msg_id, f->loc.msg_id >= 0);
		json_num(&b, "offset", f->loc.offset, f->loc.offset >= 0);
		json_num(&b, "seq", f->seq, f->seq >= 0);
		json_str(&b, "msg", f->msg);
		(void)sr_buf_printf(&b, "}");
	}
	if (sr_buf_printf(&b, "],\"findings_total\":%zu}\n",
		res->nfind_total) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "result too long");
	fwrite(b.data, 1, b.len, stdout);
	sr_buf_release(&b);
}

struct tally {
	size_t verdict[SR_VERDICT_TAMPERED + 1];
	size_t errors;
	int64_t bytes;
};

/* Prints a result and returns the exit status it implies. */
static int
report(const struct job *j, struct outcome *o, int json, int quiet,
    int require_seal, struct tally *t)
{
	size_t i;
	int rc;

	/* Messages first: they explain the line that follows. */
	for (i = 0; i < o->ndiag; i++) {
		if (!quiet || strncmp(o->diag[i], "warning: ", 9) != 0)
			sr_warnx("%s", o->diag[i]);
		free(o->diag[i]);
	}
	if (o->dropped > 0 && !quiet)
		sr_warnx("%zu more messages about '%s' not shown", o->dropped,
		    j->name);
	if (o->st != SR_OK) {
		t->errors++;
		if (o->err.path[0] == '\0')
			(void)strlcpy(o->err.path, j->name,
			    sizeof(o->err.path));
		sr_warn_error("cannot verify", &o->err);
		if (json)
			print_json(j, o);
		return (o->st == SR_FATAL && o->err.cat == SR_E_NOMEM
			? SR_EXIT_INTERNAL
			: SR_EXIT_UNREADABLE);
	}
	if ((unsigned)o->res.verdict <= SR_VERDICT_TAMPERED)
		t->verdict[o->res.verdict]++;
	if (o->res.bytes > 0)
		t->bytes += o->res.bytes;
	if (json)
		print_json(j, o);
	else
		print_text(j, &o->res);
	switch (o->res.verdict) {
	case SR_VERDICT_OK:
		rc = SR_EXIT_OK;
		break;
	case SR_VERDICT_CONSISTENT:
		rc = require_seal ? SR_EXIT_NEGATIVE : SR_EXIT_OK;
		break;
	default:
		rc = SR_EXIT_NEGATIVE;
		break;
	}
	return (rc);
}

/* "3/40 recordings, 1.2 GB" on one terminal line, redrawn in place. */
static void
progress(const struct run *r, size_t done, int64_t bytes, int clear)
{
	char line[128];
	int n;

	if (clear) {
		fputs("\r\033[K", stderr);
		return;
	}
	n = snprintf(line, sizeof(line),
	    "\r\033[Ksessrec verify: %zu/%zu recordings, %.1f MB checked", done,
	    r->njobs, (double)bytes / 1e6);
	if (n > 0)
		fwrite(line, 1,
		    (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1,
		    stderr);
	fflush(stderr);
}

static void
summary(size_t n, const struct tally *t, size_t skipped)
{
	char line[512];
	size_t off;
	int v, first = 1, k;

	off = (size_t)snprintf(line, sizeof(line), "%zu recordings:", n);
	for (v = SR_VERDICT_OK; v <= SR_VERDICT_TAMPERED; v++) {
		if (t->verdict[v] == 0 || off >= sizeof(line))
			continue;
		k = snprintf(line + off, sizeof(line) - off, "%s %zu %s",
		    first ? "" : ",", t->verdict[v],
		    sr_verdict_name((enum sr_verdict)v));
		if (k > 0)
			off += (size_t)k;
		first = 0;
	}
	if (t->errors > 0 && off < sizeof(line)) {
		k = snprintf(line + off, sizeof(line) - off,
		    "%s %zu not verified", first ? "" : ",", t->errors);
		if (k > 0)
			off += (size_t)k;
	}
	if (skipped > 0 && off < sizeof(line))
		(void)snprintf(line + off, sizeof(line) - off,
		    "; %zu other file%s skipped", skipped,
		    skipped == 1 ? "" : "s");
	sr_warnx("%s", line);
}

/* Reads the witness log, bounded. */
static char *
read_witness(const char *path, size_t *lenp)
{
	struct sr_buf b;
	char chunk[65536];
	size_t got;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		sr_errx(SR_EXIT_UNREADABLE, "cannot read witness '%s': %s",
		    path, strerror(errno));
	sr_buf_init(&b, VERIFY_WITNESS_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (sr_buf_append(&b, chunk, got) != SR_E_NONE)
			sr_errx(SR_EXIT_UNREADABLE,
			    "witness '%s' is larger than %u MiB", path,
			    VERIFY_WITNESS_MAX >> 20);
	if (ferror(f))
		sr_errx(SR_EXIT_UNREADABLE, "cannot read witness '%s': %s",
		    path, strerror(errno));
	fclose(f);
	return (sr_buf_detach(&b, lenp));
}

/*
 * The trust store: --key and --trusted when given, else the
 * configuration's trusted_keys, else /etc/sessrec/trusted.d when it
 * exists.  A key that was asked for and cannot be loaded ends the run
 * (exit 3): verifying against fewer keys than meant would mislead.
 */
static struct sr_trust *
load_trust(struct sr_args *a)
{
	struct sr_trust *t;
	struct sr_config *cfg = NULL;
	struct sr_error err;
	const char *config, *dir = NULL;
	unsigned flags;
	size_t i;
	int named = 0, st;

	if ((t = sr_trust_new()) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	config = sr_args_config(a, &flags);
	for (i = 0; i < a->nopts; i++) {
		if (a->opts[i].id != OPT_KEY && a->opts[i].id != OPT_TRUSTED)
			continue;
		named = 1;
		sr_args_trust_add(t, a->opts[i].arg);
	}
	if (named)
		return (t);
	sr_error_clear(&err);
	st = sr_config_load(config, flags, &cfg, &err);
	if (st == SR_WARN) {
		/*
		 * The catalog reads the same file for its sources and has
		 * said so already, unless it has no reason to read it.
		 */
		if (sr_args_named_sources(a))
			sr_out_diag(&a->quiet, SR_WARN, &err);
	} else if (st != SR_OK) {
		sr_warn_error("cannot read", &err);
		exit(SR_EXIT_UNREADABLE);
	}
	if (cfg != NULL && (dir = sr_config_get(cfg, "trusted_keys")) != NULL &&
	    *dir != '\0') {
		sr_error_clear(&err);
		if (sr_trust_add(t, dir, 0, 0, &err) != SR_OK) {
			char msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX +
			    SR_MEMBER_MAX + 128];

			sr_error_format(&err, msg, sizeof(msg));
			sr_warnx("%s: line %d: trusted_keys: cannot use key %s",
			    config, sr_config_line(cfg, "trusted_keys"), msg);
			exit(SR_EXIT_UNREADABLE);
		}
	} else if (access(SR_TRUSTED_DIR, F_OK) == 0)
		sr_args_trust_add(t, SR_TRUSTED_DIR);
	sr_config_free(cfg);
	return (t);
}

static int
parse_jobs(struct sr_args *a)
{
	const char *v = sr_args_get(a, 'j');
	char *end;
	long n;

	if (v == NULL)
		return (VERIFY_JOBS_DEFAULT);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 1 ||
	    n > VERIFY_JOBS_MAX) {
		sr_warnx("bad number of jobs '%s' (1 to %d)", v,
		    VERIFY_JOBS_MAX);
		sr_usage(a->cmd);
	}
	return ((int)n);
}

/* The wall-clock time ns from now, for pthread_cond_timedwait(). */
static void
deadline(struct timespec *ts, int64_t ns)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ns / SR_NSEC_PER_SEC);
	ts->tv_nsec += (long)(ns % SR_NSEC_PER_SEC);
	if (ts->tv_nsec >= SR_NSEC_PER_SEC) {
		ts->tv_sec++;
		ts->tv_nsec -= SR_NSEC_PER_SEC;
	}
}

static int
cmd_verify_exec(struct sr_args *a)
{
	struct run r;
	struct sr_catalog *cat;
	struct sr_trust *trust;
	struct worker *w;
	pthread_t *tid;
	struct tally t;
	struct stat st;
	struct timespec ts;
	char *witness = NULL;
	const char *wpath;
	size_t i, started = 0, skipped = 0;
	int rc = SR_EXIT_OK, s, njobs, json = sr_args_has(a, OPT_JSON);
	int require_seal = sr_args_has(a, OPT_REQUIRE_SEAL), shown = 0;
	int64_t now, next_draw = sr_time_mono() + PROGRESS_NS;
	int tty = !a->quiet && isatty(STDERR_FILENO);
	static char obuf[1 << 16];

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	njobs = parse_jobs(a);
	memset(&r, 0, sizeof(r));
	memset(&t, 0, sizeof(t));
	cat = sr_args_catalog(a); /* also checks --limit */
	trust = load_trust(a);
	if (require_seal && sr_trust_count(trust) == 0)
		sr_errx(SR_EXIT_UNREADABLE,
		    "--require-seal needs a trusted key: use --key or "
		    "--trusted");
	if ((wpath = sr_args_get(a, OPT_WITNESS)) != NULL)
		witness = read_witness(wpath, &r.witness_len);

	/* The recordings: named paths and ids, else every source. */
	for (i = 0; i < (size_t)a->argc; i++) {
		/* "journal" is the system journal, a source like a path. */
		if (stat(a->argv[i], &st) == 0 ||
		    strcmp(a->argv[i], "journal") == 0)
			s = add_path(&r, a->ctx, a->argv[i], 1, &skipped);
		else
			s = add_id(&r, a, cat, a->argv[i]);
		if (s > rc)
			rc = s;
	}
	if (a->argc == 0) {
		for (i = 0; i < sr_catalog_nsources(cat); i++) {
			const char *p = sr_catalog_source(cat, i);

			/* Defaults that do not exist are not an error. */
			if (!sr_args_named_sources(a) && stat(p, &st) != 0 &&
			    strcmp(p, "journal") != 0)
				continue;
			s = add_path(&r, a->ctx, p, 0, &skipped);
			if (s > rc)
				rc = s;
		}
		if (r.njobs == 0 && rc == SR_EXIT_OK && !a->quiet)
			sr_warnx("no recordings found");
	}

	dedupe_jobs(&r);
	r.ctx = a->ctx;
	r.trust = trust;
	r.witness = witness;
	r.flags = require_seal ? SR_VERIFY_REQUIRE_SEAL : 0;
	r.window = (size_t)njobs * VERIFY_WINDOW;
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	if ((size_t)njobs > r.njobs)
		njobs = r.njobs > 0 ? (int)r.njobs : 1;
	w = sr_xcalloc((size_t)njobs, sizeof(*w));
	tid = sr_xcalloc((size_t)njobs, sizeof(*tid));
	for (i = 0; i < (size_t)njobs; i++) {
		w[i].run = &r;
		w[i].ctx = worker_ctx(a->ctx, &w[i]);
	}
	for (i = 0; i < (size_t)njobs && r.njobs > 0; i++)
		if (pthread_create(&tid[started], NULL, worker_main, &w[i]) ==
		    0)
			started++;

	for (i = 0; i < r.njobs; i++) {
		struct job *j = &r.jobs[i];
		struct outcome *o;

		if (started == 0) {
			/* No thread could start: do the work here. */
			j->out = verify_job(&w[0], j);
			j->done = 1;
		}
		pthread_mutex_lock(&r.mu);
		while (!j->done) {
			if (!tty) {
				pthread_cond_wait(&r.cv, &r.mu);
				continue;
			}
			now = sr_time_mono();
			if (now < next_draw) {
				deadline(&ts, next_draw - now);
				(void)pthread_cond_timedwait(&r.cv, &r.mu, &ts);
				continue;
			}
			progress(&r, i, t.bytes, 0);
			shown = 1;
			next_draw = now + PROGRESS_NS;
		}
		o = j->out;
		j->out = NULL;
		r.printed = i + 1;
		pthread_cond_broadcast(&r.cv);
		pthread_mutex_unlock(&r.mu);
		if (o == NULL)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		if (shown) {
			progress(&r, i, t.bytes, 1);
			shown = 0;
		}
		s = report(j, o, json, a->quiet, require_seal, &t);
		if (s > rc)
			rc = s;
		free(o);
		/* Lines appear as they are decided, even into a pipe. */
		sr_out_flush();
		/* Many short recordings: progress between the lines. */
		if (tty && i + 1 < r.njobs &&
		    (now = sr_time_mono()) >= next_draw) {
			progress(&r, i + 1, t.bytes, 0);
			shown = 1;
			next_draw = now + PROGRESS_NS;
		}
	}
	if (shown)
		progress(&r, r.njobs, t.bytes, 1);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	sr_out_flush();
	if (r.njobs > 1 && !a->quiet)
		summary(r.njobs, &t, skipped);

	for (i = 0; i < (size_t)njobs; i++)
		sr_ctx_free(w[i].ctx);
	free(w);
	free(tid);
	for (i = 0; i < r.njobs; i++) {
		free(r.jobs[i].member);
		free(r.jobs[i].name);
	}
	free(r.jobs);
	for (i = 0; i < r.nin; i++)
		sr_input_close(r.in[i]);
	free(r.in);
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.mu);
	free(witness);
	sr_trust_free(trust);
	sr_catalog_free(cat);
	return (rc);
}

static const struct option verify_longopts[] = {
	{ "key", required_argument, NULL, OPT_KEY },
	{ "trusted", required_argument, NULL, OPT_TRUSTED },
	{ "witness", required_argument, NULL, OPT_WITNESS },
	{ "require-seal", no_argument, NULL, OPT_REQUIRE_SEAL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jobs", required_argument, NULL, 'j' },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_verify = {
	.name = "verify",
	.summary = "check that recordings are whole and untampered",
	.usage = "sessrec verify [-q] [-j JOBS] [--key PUBKEY] [--trusted DIR] "
		 "[--witness FILE]\n"
		 "                      [--require-seal] [--json] "
		 "[--source PATH] [--config FILE]\n"
		 "                      [--limit NAME=VALUE] [ID|PATH ...]",
	.help = "  --key PUBKEY        trust this public key (repeatable); "
		"with\n"
		"                      --key or --trusted, no other key is "
		"trusted\n"
		"  --trusted DIR       trust every *.pub in DIR (default: "
		"trusted_keys\n"
		"                      of the configuration, else\n"
		"                      /etc/sessrec/trusted.d)\n"
		"  --witness FILE      check against the witness lines in "
		"FILE (syslog)\n"
		"  --require-seal      fail (exit 1) unless every recording "
		"is OK\n"
		"  --json              print one JSON object per recording "
		"(NDJSON)\n"
		"  -j, --jobs JOBS     verify JOBS recordings at a time "
		"(default 2)\n" SR_SOURCE_HELP,
	.optstring = "hj:q",
	.longopts = verify_longopts,
	.min_args = 0,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_verify_exec,
};
