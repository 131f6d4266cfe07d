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
 * sessrec grep: searches the output (as the viewer saw it, overwritten
 * text included) and the command lines of many sessions.
 *
 * The pipeline (ARCHITECTURE.md 2.6): the catalog lists the sessions and
 * their metadata, so --actor, --since and the other filters are decided
 * before a recording's events are read.  The sessions left are searched
 * by N worker threads, each with its own context, inputs, reader,
 * textview, command extractor, redactor and compiled pattern (nothing
 * mutable is shared but the job list).  Lines come out of the textview
 * and the command extractor, are matched whole, and only lines that are
 * printed (hits and context) go through redaction, except while a
 * private key block may be open (its rule spans lines).  Each job's
 * output is kept in a buffer and printed in catalog order when every
 * job before it is printed, so the output does not depend on the
 * scheduling; a job with a lot of output waits for its turn and then
 * writes directly, which bounds the memory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <grp.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

#define GREP_JOBS_MAX  64
#define GREP_SPANS_MAX 64
#define GREP_DIAGS_MAX 32
#define GREP_LINE_MAX  (1 << 16) /* cells of a textview line */
#define GREP_SPILL     (1 << 22) /* a job writes directly past this */
#define GREP_BUFFERED  (1 << 26) /* all finished, unprinted jobs */
#define GREP_OUT_MAX   ((size_t)1 << 30)
/* Lines after a private key's BEGIN that always go through redaction. */
#define GREP_KEY_LINES 100

enum {
	OPT_SESSION = 1024,
	OPT_COMMANDS,
	OPT_ALL,
	OPT_COLOR,
	OPT_NO_REDACT,
	OPT_REDACT_RULES,
};

enum kind { K_OUTPUT, K_OVERWRITTEN, K_COMMAND };
static const char *const kind_name[] = { "output", "overwritten", "command" };

#define HL_ON  "\033[01;31m"
#define HL_OFF "\033[m"

struct grep_opts {
	struct sr_meta_filter f;
	const char *pattern;
	int first_operand; /* a->argv index of the first ID or PATH */
	unsigned mflags;
	int64_t max_count; /* -1: no limit */
	size_t before, after;
	int count, list, json, color;
	int redact;
	int want_output, want_cmds;
	int quiet;
	char **rules; /* rule files */
	size_t nrules;
	int jobs;
};

/* A message kept for printing in order. */
struct diag {
	int kind; /* 0 warning, 1 cannot read, 2 text */
	struct sr_error err;
};

struct job {
	size_t entry;
	struct sr_buf out;
	struct diag *diag;
	size_t ndiag, dropped;
	size_t hits;
	int unreadable;
	int done;
	int head_written; /* spilled: it is the head and writes directly */
};

struct grep {
	const struct grep_opts *o;
	struct sr_ctx *ctx;
	struct sr_catalog *cat;
	size_t nsources;
	struct job *jobs;
	size_t njobs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next, head;
	size_t buffered;
	atomic_int abort; /* a pattern hit a limit: stop everything */
	int nomem;
};

/* A line queued for the block search. */
struct pend {
	size_t off, len; /* in the block */
	int64_t t;
	enum kind kind;
	int hit;
	size_t so, eo; /* the match, relative to the line */
};

/* A line kept for -B. */
struct ring_line {
	struct sr_buf text; /* already redacted */
	int64_t t;
	enum kind kind;
	uint64_t seq;
};

struct worker {
	struct grep *g;
	const struct grep_opts *o;
	struct sr_ctx *ctx;
	struct sr_match *m;
	struct sr_redact *red_out, *red_cmd;
	struct sr_textview *tv;
	struct sr_cmdex *cx;
	struct job *job;
	const struct sr_session *s;
	/* The session being searched. */
	struct sr_buf who; /* escaped "ID" */
	struct sr_buf via; /* escaped "actor@host→target" */
	uint64_t seq;	   /* lines seen */
	uint64_t last_seq; /* last line printed, 0 none */
	size_t after_left;
	int stop_after; /* -m reached: stop once the context is out */
	int stop;
	int key_lines; /* lines left that always go through redaction */
	struct ring_line *ring;
	size_t ring_n, ring_i;
	/* Scratch. */
	struct sr_span spans[GREP_SPANS_MAX];
	size_t new_so[GREP_SPANS_MAX], new_eo[GREP_SPANS_MAX];
	size_t nspans;
	uint64_t spans_seq; /* line the spans belong to, 0 none */
	struct sr_buf red;
	size_t nomem;
	/* Lines queued for the block search. */
	int block;
	struct sr_buf blk;
	struct pend *pend;
	size_t npend;
};

static void flush_block(struct worker *);

static void
job_diag(struct job *j, int kind, const struct sr_error *e)
{
	struct diag *nd;

	if (kind == 1)
		j->unreadable = 1;
	if (j->ndiag >= GREP_DIAGS_MAX ||
	    (nd = realloc(j->diag, (j->ndiag + 1) * sizeof(*nd))) == NULL) {
		j->dropped++;
		return;
	}
	j->diag = nd;
	nd[j->ndiag].kind = kind;
	nd[j->ndiag].err = *e;
	j->ndiag++;
}

/* The reader's warnings during a job, kept for printing in order. */
static void
worker_diag(void *arg, int status, const struct sr_error *e)
{
	struct worker *w = arg;

	if (w->job == NULL)
		return;
	if (status == SR_WARN && w->o->quiet)
		return;
	job_diag(w->job, status == SR_WARN ? 0 : 1, e);
}

/*
 * Output.
 */

static void
put(struct worker *w, const void *p, size_t n)
{
	if (sr_buf_append(&w->job->out, p, n) != SR_E_NONE)
		w->nomem++;
}

static void
puts_(struct worker *w, const char *s)
{
	put(w, s, strlen(s));
}

static void
put_escaped(struct worker *w, const char *s, size_t n)
{
	if (sr_str_escape(&w->job->out, s, n) != SR_E_NONE)
		w->nomem++;
}

static void
put_json_str(struct worker *w, const char *s)
{
	if (s == NULL)
		puts_(w, "null");
	else if (sr_str_json(&w->job->out, s, strlen(s)) != SR_E_NONE)
		w->nomem++;
}

static void
print_diags(struct job *j, int quiet)
{
	size_t k;

	for (k = 0; k < j->ndiag; k++) {
		if (j->diag[k].kind == 0)
			sr_out_diag(&quiet, SR_WARN, &j->diag[k].err);
		else if (j->diag[k].kind == 1)
			sr_warn_error("cannot read", &j->diag[k].err);
		else
			sr_warn_error("", &j->diag[k].err);
	}
	if (j->dropped > 0)
		sr_warnx("%zu more messages not shown", j->dropped);
	free(j->diag);
	j->diag = NULL;
	j->ndiag = j->dropped = 0;
}

/* Writes what a job holds; the lock is held and the job is the head. */
static void
job_write(struct grep *g, struct job *j)
{
	if (j->out.len > 0)
		fwrite(j->out.data, 1, j->out.len, stdout);
	if (j->ndiag > 0 || j->dropped > 0)
		print_diags(j, g->o->quiet);
	sr_buf_reset(&j->out);
}

/*
 * A job's buffer grew large: wait until every job before it is printed,
 * then write directly.  Keeps memory bounded whatever the hits.
 */
static void
job_spill(struct worker *w)
{
	struct grep *g = w->g;
	struct job *j = w->job;
	size_t idx = (size_t)(j - g->jobs);

	pthread_mutex_lock(&g->mu);
	while (g->head != idx && !g->abort)
		pthread_cond_wait(&g->cv, &g->mu);
	if (g->head == idx) {
		job_write(g, j);
		j->head_written = 1;
	}
	pthread_mutex_unlock(&g->mu);
}

/*
 * Lines.
 */

/*
 * The secret spans of the line with sequence number seq; computed once.
 * Fails closed: a rule error masks the whole line.
 */
static void
redact_spans(struct worker *w, enum kind kind, const char *line, size_t len)
{
	struct sr_error err;
	struct sr_redact *r = kind == K_COMMAND ? w->red_cmd : w->red_out;

	if (w->spans_seq == w->seq)
		return;
	w->spans_seq = w->seq;
	w->nspans = 0;
	if (!w->o->redact || r == NULL)
		return;
	sr_error_clear(&err);
	if (sr_redact_line(r, line, len, w->spans, nitems(w->spans), &w->nspans,
		&err) != SR_OK) {
		w->spans[0].so = 0;
		w->spans[0].eo = len;
		w->spans[0].rule_id = "rule-error";
		w->nspans = len > 0;
	}
}

/*
 * Builds the redacted text of the line in w->red: every secret span
 * replaced by what sr_redact_apply() writes for it.  Records where each
 * replacement landed, for map_off().
 */
static void
build_redacted(struct worker *w, const char *line, size_t len)
{
	struct sr_span sp;
	size_t i, k, prev = 0;

	sr_buf_reset(&w->red);
	for (i = 0, k = 0; i < w->nspans; i++) {
		sp = w->spans[i];
		if (sp.so < prev || sp.eo > len || sp.so >= sp.eo)
			continue; /* not in order: ignore (never expected) */
		if (sr_buf_append(&w->red, line + prev, sp.so - prev) !=
		    SR_E_NONE)
			w->nomem++;
		w->spans[k] = sp;
		w->new_so[k] = w->red.len;
		sp.so = 0;
		sp.eo = w->spans[k].eo - w->spans[k].so;
		if (sr_redact_apply(line + w->spans[k].so, sp.eo, &sp, 1,
			&w->red) != SR_E_NONE)
			w->nomem++;
		w->new_eo[k] = w->red.len;
		prev = w->spans[k].eo;
		k++;
	}
	w->nspans = k;
	if (sr_buf_append(&w->red, line + prev, len - prev) != SR_E_NONE)
		w->nomem++;
}

/*
 * Where offset x of the line lands in the redacted text.  An offset
 * inside a secret moves to the start (is_end 0) or end of its
 * replacement, so a match inside a secret highlights the mask.
 */
static size_t
map_off(const struct worker *w, size_t x, int is_end)
{
	size_t i;
	int64_t d = 0;

	for (i = 0; i < w->nspans; i++) {
		const struct sr_span *sp = &w->spans[i];

		if (!is_end && x >= sp->so && x < sp->eo)
			return (w->new_so[i]);
		if (is_end && x > sp->so && x <= sp->eo)
			return (w->new_eo[i]);
		if (sp->eo <= x)
			d = (int64_t)w->new_eo[i] - (int64_t)sp->eo;
	}
	return ((size_t)((int64_t)x + d));
}

/* "ID OFFSET TIME actor@host→target LABEL" then sep. */
static void
put_prefix(struct worker *w, enum kind kind, int64_t t, char sep)
{
	char buf[64];

	put(w, w->who.data, w->who.len);
	put(w, " ", 1);
	puts_(w, sr_time_format_offset(t, buf, sizeof(buf)));
	put(w, " ", 1);
	if (w->s->have & SR_HAVE_START)
		puts_(w,
		    sr_time_format_iso(w->s->start_ns + t, buf, sizeof(buf)));
	else
		put(w, "-", 1);
	put(w, " ", 1);
	put(w, w->via.data, w->via.len);
	if (kind == K_OVERWRITTEN)
		puts_(w, " (overwritten)");
	else if (kind == K_COMMAND)
		puts_(w, " (command)");
	put(w, &sep, 1);
	put(w, " ", 1);
}

static void
put_sep(struct worker *w, uint64_t seq)
{
	if ((w->o->before > 0 || w->o->after > 0) && w->last_seq != 0 &&
	    seq > w->last_seq + 1)
		puts_(w, "--\n");
	w->last_seq = seq;
}

static void
json_field(struct worker *w, const char *name, const char *v, int first)
{
	if (!first)
		put(w, ",", 1);
	put(w, "\"", 1);
	puts_(w, name);
	puts_(w, "\":");
	put_json_str(w, v);
}

/* One hit as a JSON object (SIEM fields). */
static void
put_json_hit(struct worker *w, enum kind kind, int64_t t, const char *text,
    size_t len)
{
	const struct sr_session *s = w->s;
	char buf[64];

	puts_(w, "{");
	json_field(w, "session_id", s->field[SR_F_SESSION_ID], 1);
	puts_(w, ",\"time\":");
	if (s->have & SR_HAVE_START) {
		put(w, "\"", 1);
		puts_(w,
		    sr_time_format_iso_ms(s->start_ns + t, buf, sizeof(buf)));
		put(w, "\"", 1);
	} else
		puts_(w, "null");
	(void)snprintf(buf, sizeof(buf), ",\"offset\":%lld.%03lld",
	    (long long)(t / SR_NSEC_PER_SEC),
	    (long long)(t % SR_NSEC_PER_SEC / SR_NSEC_PER_MSEC));
	puts_(w, buf);
	json_field(w, "kind", kind_name[kind], 0);
	puts_(w, ",\"line\":");
	if (sr_str_json(&w->job->out, text, len) != SR_E_NONE)
		w->nomem++;
	json_field(w, "actor", s->field[SR_F_ACTOR], 0);
	json_field(w, "src_ip", s->field[SR_F_SRC_IP], 0);
	json_field(w, "target", s->field[SR_F_TARGET], 0);
	json_field(w, "host", s->field[SR_F_HOST], 0);
	json_field(w, "ticket", s->field[SR_F_TICKET], 0);
	if (kind == K_COMMAND) {
		puts_(w, ",\"command\":");
		if (sr_str_json(&w->job->out, text, len) != SR_E_NONE)
			w->nomem++;
		puts_(w, ",\"tty_output\":null");
	} else {
		json_field(w, "command", s->field[SR_F_COMMAND], 0);
		puts_(w, ",\"tty_output\":");
		if (sr_str_json(&w->job->out, text, len) != SR_E_NONE)
			w->nomem++;
	}
	json_field(w, "format", s->format, 0);
	json_field(w, "path", s->path, 0);
	puts_(w, "}\n");
}

/* A context line from the ring or after a hit: text already redacted. */
static void
put_context(struct worker *w, enum kind kind, int64_t t, uint64_t seq,
    const char *text, size_t len)
{
	put_sep(w, seq);
	put_prefix(w, kind, t, '-');
	put_escaped(w, text, len);
	put(w, "\n", 1);
}

/* Every match of the line, as offset pairs into hl (at most max). */
static size_t
all_matches(struct worker *w, const char *line, size_t len, size_t so,
    size_t eo, size_t *hl, size_t max)
{
	struct sr_error err;
	size_t n = 0, start;

	hl[n * 2] = so;
	hl[n * 2 + 1] = eo;
	n++;
	while (n < max && eo <= len) {
		start = eo > so ? eo : eo + 1;
		if (start > len)
			break;
		sr_error_clear(&err);
		if (sr_match_exec(w->m, line, len, start, &so, &eo, &err) !=
		    SR_OK)
			break;
		hl[n * 2] = so;
		hl[n * 2 + 1] = eo;
		n++;
	}
	return (n);
}

static void
put_hit(struct worker *w, enum kind kind, const char *line, size_t len,
    int64_t t, size_t so, size_t eo)
{
	size_t hl[2 * 32], nhl = 1, k, pos;

	hl[0] = so;
	hl[1] = eo;
	if (w->o->color && !w->o->json)
		nhl = all_matches(w, line, len, so, eo, hl, nitems(hl) / 2);
	redact_spans(w, kind, line, len);
	build_redacted(w, line, len);
	for (k = 0; k < nhl; k++) {
		hl[2 * k] = map_off(w, hl[2 * k], 0);
		hl[2 * k + 1] = map_off(w, hl[2 * k + 1], 1);
	}
	if (w->o->json) {
		put_json_hit(w, kind, t, w->red.data, w->red.len);
		return;
	}
	put_sep(w, w->seq);
	put_prefix(w, kind, t, ':');
	if (!w->o->color) {
		put_escaped(w, w->red.data, w->red.len);
		put(w, "\n", 1);
		return;
	}
	pos = 0;
	for (k = 0; k < nhl; k++) {
		size_t a = hl[2 * k], b = hl[2 * k + 1];

		/* Adjacent matches ("." on "abc") are one highlight. */
		while (k + 1 < nhl && hl[2 * k + 2] <= b) {
			k++;
			if (hl[2 * k + 1] > b)
				b = hl[2 * k + 1];
		}
		if (a < pos)
			a = pos;
		if (b > w->red.len)
			b = w->red.len;
		if (a >= b)
			continue;
		put_escaped(w, w->red.data + pos, a - pos);
		puts_(w, HL_ON);
		put_escaped(w, w->red.data + a, b - a);
		puts_(w, HL_OFF);
		pos = b;
	}
	put_escaped(w, w->red.data + pos, w->red.len - pos);
	put(w, "\n", 1);
}

/* Keeps a line for -B (redacted now, in order). */
static void
ring_push(struct worker *w, enum kind kind, const char *line, size_t len,
    int64_t t)
{
	struct ring_line *rl = &w->ring[w->ring_i];

	redact_spans(w, kind, line, len);
	build_redacted(w, line, len);
	sr_buf_reset(&rl->text);
	if (sr_buf_append(&rl->text, w->red.data, w->red.len) != SR_E_NONE)
		sr_buf_reset(&rl->text);
	rl->t = t;
	rl->kind = kind;
	rl->seq = w->seq;
	w->ring_i = (w->ring_i + 1) % w->o->before;
	if (w->ring_n < w->o->before)
		w->ring_n++;
}

static void
ring_flush(struct worker *w)
{
	size_t k, i;

	for (k = 0; k < w->ring_n; k++) {
		i = (w->ring_i + w->o->before - w->ring_n + k) % w->o->before;
		if (w->ring[i].seq > w->last_seq)
			put_context(w, w->ring[i].kind, w->ring[i].t,
			    w->ring[i].seq, w->ring[i].text.data,
			    w->ring[i].text.len);
	}
	w->ring_n = 0;
}

#define KEY_BEGIN "-----BEGIN "

/*
 * Nonzero for a line that may open a private key block: redact.c keeps
 * the state of a block from its BEGIN line on, so that line and the
 * ones after it must reach the redactor even when they are not printed.
 */
static int
key_marker(const char *line, size_t len)
{
	return (memmem(line, len, KEY_BEGIN, sizeof(KEY_BEGIN) - 1) != NULL);
}

/*
 * A line of the session: output, overwritten output or a command.  pre
 * is SR_OK or SR_EOF when the block search already knows whether (and
 * where: so, eo) the line matches, -1 to match it here.
 */
static int
on_line(struct worker *w, enum kind kind, const char *line, size_t len,
    int64_t t, int pre, size_t so, size_t eo)
{
	struct sr_error err;
	int st;

	if (w->stop)
		return (1);
	w->seq++;
	/*
	 * A private key block spans lines: from a BEGIN on, every line
	 * goes through the redactor so that its state follows the block.
	 */
	if (w->o->redact && kind != K_COMMAND) {
		if (key_marker(line, len))
			w->key_lines = GREP_KEY_LINES + 1;
		if (w->key_lines > 0) {
			w->key_lines--;
			redact_spans(w, kind, line, len);
		}
	}
	if (w->stop_after)
		st = SR_EOF; /* -m reached: only context lines now */
	else if (pre != -1)
		st = pre;
	else {
		sr_error_clear(&err);
		st = sr_match_exec(w->m, line, len, 0, &so, &eo, &err);
	}
	if (st == SR_FAILED) {
		struct sr_error e2;
		char buf[64];

		sr_error_clear(&e2);
		(void)sr_error_set(&e2, SR_FAILED, err.cat, w->s->path, NULL,
		    "session %s at %s: %s",
		    w->s->field[SR_F_SESSION_ID] != NULL
			? w->s->field[SR_F_SESSION_ID]
			: "-",
		    sr_time_format_offset(t, buf, sizeof(buf)), err.msg);
		job_diag(w->job, 2, &e2);
		pthread_mutex_lock(&w->g->mu);
		w->g->abort = 1;
		pthread_cond_broadcast(&w->g->cv);
		pthread_mutex_unlock(&w->g->mu);
		w->stop = 1;
		return (1);
	}
	if (st != SR_OK) {
		if (w->after_left > 0) {
			redact_spans(w, kind, line, len);
			build_redacted(w, line, len);
			put_context(w, kind, t, w->seq, w->red.data,
			    w->red.len);
			if (--w->after_left == 0 && w->stop_after)
				w->stop = 1;
		} else if (w->o->before > 0)
			ring_push(w, kind, line, len, t);
		goto out;
	}
	w->job->hits++;
	if (w->o->list) {
		w->stop = 1;
		return (1);
	}
	if (!w->o->count) {
		if (w->o->before > 0)
			ring_flush(w);
		put_hit(w, kind, line, len, t, so, eo);
		w->after_left = w->o->after;
	}
	if (w->o->max_count >= 0 && w->job->hits >= (size_t)w->o->max_count) {
		w->stop_after = 1;
		if (w->after_left == 0 || w->o->count)
			w->stop = 1;
	}
out:
	if (w->job->out.len > GREP_SPILL)
		job_spill(w);
	return (w->stop);
}

/*
 * Block search.  One PCRE2 call per line costs more than the search
 * itself when lines are short and hits rare, so lines are queued in a
 * block, "\n"-separated, and the pattern runs over the whole block.
 * This gives the same answers as matching line by line only when no
 * match can span a newline and the pattern cannot tell a line start
 * from a "\n" before it (block_safe()); \b and -w's lookarounds see
 * "\n" as a non-word character, as the end of a line.  A match found
 * in the block names its line; the search goes on at the next line.
 */
#define BLOCK_BYTES (64 * 1024)
#define BLOCK_LINES 2048

/* Nonzero when the pattern may be run over a block of lines. */
static int
block_safe(const char *pat, unsigned flags)
{
	const char *p;

	if (flags & SR_MATCH_FIXED)
		return (strchr(pat, '\n') == NULL);
	for (p = pat; *p != '\0'; p++) {
		switch (*p) {
		case '^':
		case '$':
		case '\n':
			return (0);
		case '(':
			/* (?s), lookarounds, (*CR) and other verbs */
			if (p[1] == '?' || p[1] == '*')
				return (0);
			break;
		case '[':
			/* [^x] and [[:space:]] match a newline */
			if (p[1] == '^' || p[1] == ':')
				return (0);
			break;
		case '\\':
			p++;
			if (*p == '\0')
				return (0);
			/* Escaped punctuation is literal; \d \w \b \B safe. */
			if ((*p >= '0' && *p <= '9') ||
			    (*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z'))
				if (strchr("dwbB", *p) == NULL)
					return (0);
			break;
		}
	}
	return (1);
}

static int
queue_line(struct worker *w, enum kind kind, const char *line, size_t len,
    int64_t t)
{
	struct pend *pl;

	if (w->stop)
		return (1);
	if (!w->block)
		return (on_line(w, kind, line, len, t, -1, 0, 0));
	if (w->blk.len + len + 1 > w->blk.max || w->npend == BLOCK_LINES)
		flush_block(w);
	/* The block's room was reserved whole by worker_init(). */
	if (w->blk.len + len + 1 > w->blk.max)
		return (on_line(w, kind, line, len, t, -1, 0, 0));
	pl = &w->pend[w->npend++];
	pl->off = w->blk.len;
	pl->len = len;
	pl->t = t;
	pl->kind = kind;
	pl->hit = 0;
	/* sr_buf_append() per line showed in profiles. */
	memcpy(w->blk.data + w->blk.len, line, len);
	w->blk.len += len;
	w->blk.data[w->blk.len++] = '\n';
	w->blk.data[w->blk.len] = '\0';
	if (w->blk.len >= BLOCK_BYTES)
		flush_block(w);
	return (w->stop);
}

/* Searches the queued lines, then hands them to on_line() in order. */
static void
flush_block(struct worker *w)
{
	struct sr_error err;
	struct pend *pl;
	const char *kp = NULL;
	size_t pos = 0, i = 0, k, so, eo, nfail = w->npend;
	int st;

	if (w->npend == 0)
		return;
	while (pos < w->blk.len && !w->stop_after) {
		sr_error_clear(&err);
		st = sr_match_exec(w->m, w->blk.data, w->blk.len, pos, &so, &eo,
		    &err);
		if (st == SR_EOF)
			break;
		if (st != SR_OK) {
			/*
			 * A limit: match line by line from the line at pos
			 * on, to say where (or to find that the lines alone
			 * stay within it).
			 */
			nfail = i;
			break;
		}
		while (i < w->npend && w->pend[i].off + w->pend[i].len < so)
			i++;
		if (i == w->npend)
			break; /* not expected: a match in no line */
		pl = &w->pend[i];
		pl->hit = 1;
		pl->so = so - pl->off;
		pl->eo = eo - pl->off > pl->len ? pl->len : eo - pl->off;
		pos = pl->off + pl->len + 1;
		i++;
	}
	/* One search of the block for the lines that may open a key. */
	if (w->o->redact)
		kp = memmem(w->blk.data, w->blk.len, KEY_BEGIN,
		    sizeof(KEY_BEGIN) - 1);
	for (k = 0; k < w->npend && !w->stop; k++) {
		const char *line;
		int key = 0;

		pl = &w->pend[k];
		line = w->blk.data + pl->off;
		if (kp != NULL && kp < line + pl->len) {
			key = 1;
			kp = memmem(line + pl->len,
			    w->blk.len - pl->off - pl->len, KEY_BEGIN,
			    sizeof(KEY_BEGIN) - 1);
		}
		if (k >= nfail) {
			(void)on_line(w, pl->kind, line, pl->len, pl->t, -1, 0,
			    0);
			continue;
		}
		/*
		 * A line that neither matches nor is printed as context
		 * needs nothing, unless it may open a private key block
		 * or lie inside one (redaction state).
		 */
		if (!pl->hit && w->after_left == 0 && w->o->before == 0 &&
		    w->key_lines == 0 && !key) {
			w->seq++;
			continue;
		}
		(void)on_line(w, pl->kind, line, pl->len, pl->t,
		    pl->hit ? SR_OK : SR_EOF, pl->so, pl->eo);
	}
	w->npend = 0;
	sr_buf_reset(&w->blk);
}

static int
out_line(void *arg, const char *line, size_t len, int64_t t)
{
	return (queue_line(arg, K_OUTPUT, line, len, t));
}

static int
ow_line(void *arg, const char *line, size_t len, int64_t t)
{
	return (queue_line(arg, K_OVERWRITTEN, line, len, t));
}

static int
cmd_line(void *arg, const char *cmd, size_t len, int64_t t,
    enum sr_command_source src)
{
	(void)src;
	return (queue_line(arg, K_COMMAND, cmd, len, t));
}

/*
 * Sessions.
 */

static void
set_prefixes(struct worker *w, const struct sr_session *s)
{
	const char *v;
	int i;
	static const enum sr_field f[3] = { SR_F_ACTOR, SR_F_HOST,
		SR_F_TARGET };
	static const char *const sep[3] = { "@", "\xe2\x86\x92", "" };

	sr_buf_reset(&w->who);
	v = s->field[SR_F_SESSION_ID];
	if (v == NULL || *v == '\0' ||
	    sr_str_escape(&w->who, v, strlen(v)) != SR_E_NONE) {
		sr_buf_reset(&w->who);
		(void)sr_buf_append(&w->who, "-", 1);
	}
	sr_buf_reset(&w->via);
	for (i = 0; i < 3; i++) {
		v = s->field[f[i]];
		if (v == NULL || *v == '\0' ||
		    sr_str_escape(&w->via, v, strlen(v)) != SR_E_NONE)
			(void)sr_buf_append(&w->via, "-", 1);
		(void)sr_buf_append(&w->via, sep[i], strlen(sep[i]));
	}
}

/*
 * Opens the entry's session: the reader stands before its first event.
 * It reads through the catalog's input (an archive is not unpacked
 * again) with this thread's context; the catalog keeps quiet while it
 * skips to the session, whose messages the scan already printed.
 */
static struct sr_reader *
open_entry(struct worker *w, size_t entry, struct sr_error *err)
{
	const struct sr_session *s;
	struct sr_reader *r;

	if (sr_catalog_open_entry_ctx(w->g->cat, entry, w->ctx, &r, &s, err) !=
	    SR_OK)
		return (NULL);
	return (r);
}

static void
search_job(struct worker *w, struct job *j)
{
	const struct grep_opts *o = w->o;
	const struct sr_entry *e = sr_catalog_entry(w->g->cat, j->entry);
	const struct sr_event *ev;
	struct sr_reader *r;
	struct sr_error err;
	int st = SR_EOF;

	w->job = j;
	w->s = e->session;
	sr_error_clear(&err);
	if ((r = open_entry(w, j->entry, &err)) == NULL) {
		if (err.path[0] == '\0' && e->session->path != NULL)
			strlcpy(err.path, e->session->path, sizeof(err.path));
		job_diag(j, 1, &err);
		return;
	}
	set_prefixes(w, e->session);
	w->seq = w->last_seq = w->spans_seq = 0;
	w->after_left = 0;
	w->stop = w->stop_after = 0;
	w->key_lines = 0;
	w->ring_n = w->ring_i = 0;
	sr_textview_reset(w->tv);
	if (w->red_out != NULL)
		sr_redact_reset(w->red_out);
	if (w->red_cmd != NULL)
		sr_redact_reset(w->red_cmd);
	if (o->want_cmds)
		(void)sr_cmdex_session(w->cx, e->session);
	while (!w->stop &&
	    ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN)) {
		if (ev->type == SR_EV_OUTPUT && o->want_output && ev->len > 0)
			(void)sr_textview_feed(w->tv, ev->data, ev->len,
			    ev->t_ns);
		if (o->want_cmds && !w->stop)
			(void)sr_cmdex_event(w->cx, ev);
		if (w->g->abort)
			w->stop = 1;
	}
	if (!w->stop) {
		if (o->want_output)
			(void)sr_textview_flush(w->tv);
		if (o->want_cmds && !w->stop)
			(void)sr_cmdex_flush(w->cx);
	}
	flush_block(w);
	w->npend = 0;
	sr_buf_reset(&w->blk);
	if (st != SR_EOF && st != SR_OK && st != SR_WARN) {
		err = *sr_reader_error(r);
		job_diag(j, 1, &err);
	}
	sr_reader_close(r);
	if (o->list && j->hits > 0) {
		if (o->json) {
			puts_(w, "{");
			json_field(w, "session_id",
			    e->session->field[SR_F_SESSION_ID], 1);
			json_field(w, "path", e->session->path, 0);
			puts_(w, "}\n");
		} else {
			put(w, w->who.data, w->who.len);
			put(w, "\n", 1);
		}
	} else if (o->count && !o->list && j->hits > 0) {
		char buf[32];

		if (o->json) {
			puts_(w, "{");
			json_field(w, "session_id",
			    e->session->field[SR_F_SESSION_ID], 1);
			json_field(w, "path", e->session->path, 0);
			(void)snprintf(buf, sizeof(buf), ",\"count\":%zu}\n",
			    j->hits);
			puts_(w, buf);
		} else {
			put(w, w->who.data, w->who.len);
			(void)snprintf(buf, sizeof(buf), ": %zu\n", j->hits);
			puts_(w, buf);
		}
	}
}

static void
worker_free(struct worker *w)
{
	size_t i;

	sr_match_free(w->m);
	sr_redact_free(w->red_out);
	sr_redact_free(w->red_cmd);
	sr_textview_free(w->tv);
	sr_cmdex_free(w->cx);
	for (i = 0; w->ring != NULL && i < w->o->before; i++)
		sr_buf_release(&w->ring[i].text);
	free(w->ring);
	sr_buf_release(&w->who);
	sr_buf_release(&w->via);
	sr_buf_release(&w->red);
	sr_buf_release(&w->blk);
	free(w->pend);
	sr_ctx_free(w->ctx);
}

static int
worker_init(struct worker *w, struct grep *g)
{
	struct sr_error err;
	int l;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->g = g;
	w->o = g->o;
	if ((w->ctx = sr_ctx_new()) == NULL)
		return (-1);
	for (l = 0; l < SR_LIMIT__COUNT; l++)
		sr_ctx_set_limit(w->ctx, (enum sr_limit)l,
		    sr_ctx_limit(g->ctx, (enum sr_limit)l));
	sr_ctx_set_diag(w->ctx, worker_diag, w);
	/*
	 * A search trusts the bytes (sessrec verify checks the chain) and
	 * takes the metadata from the catalog: one pass over a tlog file.
	 */
	sr_ctx_set_flags(w->ctx,
	    sr_ctx_flags(g->ctx) | SR_CTX_NO_CHAIN | SR_CTX_ONE_PASS);
	sr_buf_init(&w->who, 1 << 16);
	sr_buf_init(&w->via, 1 << 18);
	sr_buf_init(&w->red, 1 << 24);
	w->block = block_safe(g->o->pattern, g->o->mflags);
	sr_buf_init(&w->blk, BLOCK_BYTES + GREP_LINE_MAX * 4 + 16);
	if (sr_buf_reserve(&w->blk, w->blk.max) != SR_E_NONE)
		return (-1);
	w->pend = sr_xcalloc(BLOCK_LINES, sizeof(*w->pend));
	sr_error_clear(&err);
	if (sr_match_new(w->ctx, g->o->pattern, g->o->mflags, &w->m, &err) !=
	    SR_OK)
		return (-1);
	if (g->o->redact &&
	    (sr_args_redactor(w->ctx, g->o->rules, g->o->nrules, &w->red_out,
		 &err) != SR_OK ||
		sr_args_redactor(w->ctx, g->o->rules, g->o->nrules, &w->red_cmd,
		    &err) != SR_OK))
		return (-1);
	if ((w->tv = sr_textview_new(GREP_LINE_MAX, out_line, w)) == NULL)
		return (-1);
	sr_textview_set_overwritten(w->tv, ow_line, w);
	if (g->o->want_cmds && (w->cx = sr_cmdex_new(cmd_line, w)) == NULL)
		return (-1);
	if (g->o->before > 0) {
		w->ring = sr_xcalloc(g->o->before, sizeof(*w->ring));
		for (i = 0; i < g->o->before; i++)
			sr_buf_init(&w->ring[i].text, 1 << 24);
	}
	return (0);
}

/* Prints every finished job at the head; the lock is held. */
static void
print_ready(struct grep *g)
{
	struct job *j;

	while (g->head < g->njobs && g->jobs[g->head].done) {
		j = &g->jobs[g->head];
		g->buffered -=
		    j->out.len < g->buffered ? j->out.len : g->buffered;
		job_write(g, j);
		sr_buf_release(&j->out);
		g->head++;
	}
	pthread_cond_broadcast(&g->cv);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct grep *g = w->g;
	struct job *j;
	size_t idx;

	for (;;) {
		pthread_mutex_lock(&g->mu);
		/* Finished jobs waiting for an earlier one hold memory. */
		while (!g->abort && g->next < g->njobs &&
		    g->buffered > GREP_BUFFERED && g->next > g->head)
			pthread_cond_wait(&g->cv, &g->mu);
		if (g->abort || g->next >= g->njobs) {
			pthread_mutex_unlock(&g->mu);
			break;
		}
		idx = g->next++;
		pthread_mutex_unlock(&g->mu);
		j = &g->jobs[idx];
		search_job(w, j);
		pthread_mutex_lock(&g->mu);
		if (w->nomem > 0)
			g->nomem = 1;
		j->done = 1;
		g->buffered += j->out.len;
		print_ready(g);
		pthread_mutex_unlock(&g->mu);
		w->job = NULL;
	}
	return (NULL);
}

/*
 * Options.
 */

static void
parse_filter(struct sr_args *a, struct sr_meta_filter *f)
{
	sr_args_filter(a, f);
	f->field[SR_F_SESSION_ID] = sr_args_get(a, OPT_SESSION);
}

static long long
num_arg(struct sr_args *a, int id, const char *name, long long max)
{
	const char *v = sr_args_get(a, id);
	char *end;
	long long n;

	if (v == NULL)
		return (-1);
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > max) {
		sr_warnx("bad %s '%s'", name, v);
		sr_usage(a->cmd);
	}
	return (n);
}

static void
parse_opts(struct sr_args *a, struct grep_opts *o)
{
	const char *v;
	long long n;

	memset(o, 0, sizeof(*o));
	parse_filter(a, &o->f);
	/* -e PATTERN, else the first operand; the rest name sessions. */
	if ((o->pattern = sr_args_get(a, 'e')) != NULL)
		o->first_operand = 0;
	else if (a->argc > 0) {
		o->pattern = a->argv[0];
		o->first_operand = 1;
	} else {
		sr_warnx("missing argument");
		sr_usage(a->cmd);
	}
	o->quiet = a->quiet;
	if (sr_args_has(a, 'i'))
		o->mflags |= SR_MATCH_ICASE;
	if (sr_args_has(a, 'w'))
		o->mflags |= SR_MATCH_WORD;
	if (sr_args_has(a, 'F'))
		o->mflags |= SR_MATCH_FIXED;
	o->max_count = num_arg(a, 'm', "count", 1LL << 40);
	o->count = sr_args_has(a, 'c');
	o->list = sr_args_has(a, 'l');
	o->json = sr_args_has(a, OPT_JSON);
	/* -C sets both; -A and -B win over it. */
	if ((n = num_arg(a, 'C', "context", 1000)) >= 0)
		o->before = o->after = (size_t)n;
	if ((n = num_arg(a, 'B', "context", 1000)) >= 0)
		o->before = (size_t)n;
	if ((n = num_arg(a, 'A', "context", 1000)) >= 0)
		o->after = (size_t)n;
	if (o->json || o->count || o->list)
		o->before = o->after = 0;
	o->jobs = 2;
	if ((n = num_arg(a, 'j', "number of jobs", GREP_JOBS_MAX)) >= 0)
		o->jobs = n < 1 ? 1 : (int)n;
	o->want_cmds = sr_args_has(a, OPT_COMMANDS) || sr_args_has(a, OPT_ALL);
	o->want_output =
	    !sr_args_has(a, OPT_COMMANDS) || sr_args_has(a, OPT_ALL);
	v = sr_args_get(a, OPT_COLOR);
	if (v == NULL || *v == '\0')
		v = sr_args_has(a, OPT_COLOR) ? "always" : "auto";
	if (strcmp(v, "always") == 0)
		o->color = 1;
	else if (strcmp(v, "never") == 0)
		o->color = 0;
	else if (strcmp(v, "auto") == 0) {
		const char *nc = getenv("NO_COLOR");

		o->color = isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
	} else {
		sr_warnx("bad --color '%s' (auto, always or never)", v);
		sr_usage(a->cmd);
	}
	o->redact = sr_args_redaction(a, OPT_NO_REDACT, OPT_REDACT_RULES, 1,
	    &o->rules, &o->nrules);
}

/* A catalog entry with what sorting needs (qsort has no context). */
struct sortkey {
	const struct sr_entry *e;
	size_t idx;
};

static void
free_opts(struct grep_opts *o)
{
	sr_args_free_rules(o->rules, o->nrules);
	o->rules = NULL;
	o->nrules = 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return (sr_entry_cmp(((const struct sortkey *)a)->e,
	    ((const struct sortkey *)b)->e));
}

static int
idx_cmp(const void *va, const void *vb)
{
	size_t a = *(const size_t *)va, b = *(const size_t *)vb;

	return (a < b ? -1 : a > b);
}

/*
 * The entries to search: every session of the catalog, or those the
 * operands name; filtered on metadata, deduplicated, in catalog order.
 */
static size_t *
select_entries(struct sr_args *a, struct sr_catalog *cat,
    const struct grep_opts *o, size_t *np, int *rc)
{
	size_t *v = NULL, n = 0, cap = 0, i, k, m, *idx;
	int i_rc = SR_EXIT_OK;

	if (a->argc <= o->first_operand) {
		if (sr_catalog_scan(cat) == SR_FATAL)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		n = sr_catalog_nentries(cat);
		v = sr_xcalloc(n, sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = i;
	} else {
		for (i = (size_t)o->first_operand; i < (size_t)a->argc; i++) {
			if ((idx = sr_args_resolve(a, cat, a->argv[i], &m,
				 &i_rc)) == NULL)
				continue;
			if (n + m > cap) {
				cap = (n + m) * 2;
				if ((v = realloc(v, cap * sizeof(*v))) == NULL)
					sr_errx(SR_EXIT_INTERNAL,
					    "out of memory");
			}
			memcpy(v + n, idx, m * sizeof(*v));
			n += m;
			free(idx);
		}
		/* An operand that names no session is a usage error. */
		if (i_rc == SR_EXIT_NOSESSION)
			*rc = SR_EXIT_USAGE;
		else if (i_rc > *rc)
			*rc = i_rc;
	}
	if (sr_catalog_failures(cat) > 0 && *rc < SR_EXIT_UNREADABLE)
		*rc = SR_EXIT_UNREADABLE;
	if (n > 1) {
		qsort(v, n, sizeof(*v), idx_cmp);
		for (i = 1, k = 1; i < n; i++)
			if (v[i] != v[k - 1])
				v[k++] = v[i];
		n = k;
	}
	for (i = 0, k = 0; i < n; i++)
		if (sr_session_match(sr_catalog_entry(cat, v[i])->session,
			&o->f))
			v[k++] = v[i];
	n = k;
	if (n > 1) {
		struct sortkey *key = sr_xcalloc(n, sizeof(*key));

		for (i = 0; i < n; i++) {
			key[i].e = sr_catalog_entry(cat, v[i]);
			key[i].idx = v[i];
		}
		qsort(key, n, sizeof(*key), entry_cmp);
		for (i = 0; i < n; i++)
			v[i] = key[i].idx;
		free(key);
	}
	*np = n;
	return (v);
}

static int
cmd_grep_exec(struct sr_args *a)
{
	struct grep_opts o;
	struct grep g;
	struct sr_catalog *cat;
	struct sr_match *m;
	struct sr_redact *red;
	struct sr_error err;
	struct worker *w;
	pthread_t *tid;
	size_t *sel, n, i;
	int rc = SR_EXIT_OK, nthreads, started = 0;
	size_t hits = 0, unreadable = 0;
	static char obuf[1 << 16];

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
#ifdef __GLIBC__
	/*
	 * Each recording's reader allocates and frees buffers of many
	 * megabytes; as mmap()s they would be faulted in afresh for every
	 * recording (a tenth of the time on native recordings).  Keep
	 * them in the heap for the next one.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
	/*
	 * The same for the worker threads: their own arenas would map
	 * those buffers afresh (a tenth more CPU time with -j2).  They
	 * allocate per recording, not per event, so one arena's lock is
	 * not contended.
	 */
	(void)mallopt(M_ARENA_MAX, 1);
#endif
	parse_opts(a, &o);

	/* Check the pattern and the rules before any recording is read. */
	sr_error_clear(&err);
	if (sr_match_new(a->ctx, o.pattern, o.mflags, &m, &err) != SR_OK) {
		sr_warn_error("", &err);
		free_opts(&o);
		return (SR_EXIT_USAGE);
	}
	sr_match_free(m);
	if (o.redact) {
		int st =
		    sr_args_redactor(a->ctx, o.rules, o.nrules, &red, &err);

		if (st != SR_OK) {
			sr_warn_error(st == SR_FATAL
				? "cannot set up redaction:"
				: "bad redaction rules:",
			    &err);
			free_opts(&o);
			return (
			    st == SR_FATAL ? SR_EXIT_INTERNAL : SR_EXIT_USAGE);
		}
		sr_redact_free(red);
	}

	cat = sr_args_catalog(a);
	sel = select_entries(a, cat, &o, &n, &rc);

	memset(&g, 0, sizeof(g));
	g.o = &o;
	g.ctx = a->ctx;
	g.cat = cat;
	g.nsources = sr_catalog_nsources(cat);
	g.njobs = o.max_count == 0 ? 0 : n;
	g.jobs = sr_xcalloc(n, sizeof(*g.jobs));
	for (i = 0; i < n; i++) {
		g.jobs[i].entry = sel[i];
		sr_buf_init(&g.jobs[i].out, GREP_OUT_MAX);
	}
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);

	nthreads = o.jobs;
	if ((size_t)nthreads > g.njobs)
		nthreads = g.njobs > 0 ? (int)g.njobs : 1;
	w = sr_xcalloc((size_t)nthreads, sizeof(*w));
	tid = sr_xcalloc((size_t)nthreads, sizeof(*tid));
	for (i = 0; i < (size_t)nthreads; i++)
		if (worker_init(&w[i], &g) != 0)
			sr_errx(SR_EXIT_INTERNAL,
			    "cannot set up a search thread");
	for (i = 1; i < (size_t)nthreads; i++)
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]) == 0)
			started++;
	(void)worker_main(&w[0]);
	for (i = 1; i <= (size_t)started; i++)
		(void)pthread_join(tid[i], NULL);

	pthread_mutex_lock(&g.mu);
	/* After an abort, what was found before it is still printed. */
	for (i = g.head; i < g.njobs; i++)
		g.jobs[i].done = 1;
	print_ready(&g);
	pthread_mutex_unlock(&g.mu);
	for (i = 0; i < g.njobs; i++) {
		hits += g.jobs[i].hits;
		unreadable += g.jobs[i].unreadable;
	}
	for (i = 0; i < n; i++)
		sr_buf_release(&g.jobs[i].out);
	for (i = 0; i < (size_t)nthreads; i++)
		worker_free(&w[i]);
	if (g.nomem)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	free(w);
	free(tid);
	free(g.jobs);
	free(sel);
	pthread_mutex_destroy(&g.mu);
	pthread_cond_destroy(&g.cv);
	sr_catalog_free(cat);
	free_opts(&o);
	if (g.abort)
		return (SR_EXIT_USAGE);
	if (unreadable > 0 && rc < SR_EXIT_UNREADABLE)
		rc = SR_EXIT_UNREADABLE;
	if (rc != SR_EXIT_OK)
		return (rc);
	return (hits > 0 ? SR_EXIT_OK : SR_EXIT_NEGATIVE);
}

static const struct option grep_longopts[] = {
	{ "commands", no_argument, NULL, OPT_COMMANDS },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "actor", required_argument, NULL, OPT_ACTOR },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "ticket", required_argument, NULL, OPT_TICKET },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "word-regexp", no_argument, NULL, 'w' },
	{ "fixed-strings", no_argument, NULL, 'F' },
	{ "max-count", required_argument, NULL, 'm' },
	{ "count", no_argument, NULL, 'c' },
	{ "files-with-matches", no_argument, NULL, 'l' },
	{ "after-context", required_argument, NULL, 'A' },
	{ "before-context", required_argument, NULL, 'B' },
	{ "context", required_argument, NULL, 'C' },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "colour", optional_argument, NULL, OPT_COLOR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-redact", no_argument, NULL, OPT_NO_REDACT },
	{ "redact-rules", required_argument, NULL, OPT_REDACT_RULES },
	{ "jobs", required_argument, NULL, 'j' },
	{ "regexp", required_argument, NULL, 'e' },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_grep = {
	.name = "grep",
	.summary = "search commands and output across recordings",
	.usage =
	    "sessrec grep [-cFilqw] [-A NUM] [-B NUM] [-C NUM] [-e PATTERN] "
	    "[-j NUM] "
	    "[-m NUM] [--commands] [--all] [--actor PATTERN] "
	    "[--target PATTERN] [--host PATTERN] [--since TIME] "
	    "[--until TIME] [--ticket PATTERN] [--session PATTERN] "
	    "[--format NAME] [--color[=WHEN]] [--json] [--no-redact] "
	    "[--redact-rules FILE] [--source PATH] [--config FILE] "
	    "[--limit NAME=VALUE] PATTERN [ID|PATH ...]",
	.help =
	    "  --commands          search the command lines typed, not the "
	    "output\n"
	    "  --all               search both output and command lines\n"
	    "  --actor PATTERN     only sessions whose actor matches the "
	    "shell glob\n"
	    "  --target PATTERN    only sessions whose target matches\n"
	    "  --host PATTERN      only sessions whose host matches\n"
	    "  --ticket PATTERN    only sessions whose ticket matches\n"
	    "  --session PATTERN   only sessions whose id matches\n"
	    "  --since TIME        only sessions still running at or after "
	    "TIME\n"
	    "                      (ISO 8601, @EPOCH, or an age: 30m, 6h, "
	    "2d)\n"
	    "  --until TIME        only sessions started at or before TIME\n"
	    "  --format NAME       only sessions of one format\n"
	    "  -e, --regexp PATTERN\n"
	    "                      the pattern (one starting with '-'); "
	    "every operand\n"
	    "                      then names sessions\n"
	    "  -i, --ignore-case   ignore case\n"
	    "  -w, --word-regexp   match whole words only\n"
	    "  -F, --fixed-strings PATTERN is a plain string\n"
	    "  -m, --max-count NUM stop after NUM matching lines per session\n"
	    "  -c, --count         print the number of matching lines per "
	    "session\n"
	    "  -l, --files-with-matches\n"
	    "                      print only the ids of sessions that "
	    "match\n"
	    "  -A, --after-context NUM\n"
	    "                      print NUM lines after each match\n"
	    "  -B, --before-context NUM\n"
	    "                      print NUM lines before each match\n"
	    "  -C, --context NUM   print NUM lines before and after\n"
	    "  --color[=WHEN]      highlight matches: auto (default; not with "
	    "NO_COLOR),\n"
	    "                      always or never\n"
	    "  --json              print one JSON object per match (NDJSON)\n"
	    "  --no-redact         print secrets unmasked (root and the "
	    "configured\n"
	    "                      redact_exempt_group only)\n"
	    "  --redact-rules FILE add the redaction rules of FILE "
	    "(repeatable)\n"
	    "  -j, --jobs NUM      search NUM recordings at a time (default "
	    "2)\n" SR_SOURCE_HELP,
	.optstring = "A:B:C:ce:Fhij:lm:qw",
	.longopts = grep_longopts,
	.min_args = 0, /* PATTERN, unless -e gives it */
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_grep_exec,
};
