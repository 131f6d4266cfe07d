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
 * sessrec export: sessions converted to asciicast v2 or v3, tlog JSON, or
 * SIEM NDJSON (lib/export.h has the encoders).  Events go from the reader
 * straight into an encoder, so memory stays bounded whatever the size
 * of the recording.
 *
 * For SIEM, the commands of a session come from the command extractor
 * (grep --commands) and each command's tty_output is the text its output
 * drew (textview), redacted like grep's output and capped.  Lines are
 * collected with their times, because the extractor decides on a command
 * only once its echo showed: lines that began at or after a command's
 * time move to it when it arrives.
 *
 * With -o the output goes to a temporary file beside FILE, renamed into
 * place at the end (never over an existing FILE without --force), so a
 * reader of FILE never sees half an export.  --follow keeps reading a
 * recording that is still being written, as play --dump --follow does:
 * the files are watched, read again from the start when they grow, and
 * the events already seen are skipped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "export.h"
#include "out.h"
#include "ship.h"

enum {
	OPT_ECS = 1100,
	OPT_NO_REDACT,
	OPT_REDACT_RULES,
	OPT_OUTPUT_CAP,
	OPT_FORCE,
	OPT_FOLLOW,
	OPT_SHIP,
	OPT_SHIP_SOCKET,
	OPT_NO_INPUT,
	OPT_PAYLOAD,
};

enum xfmt { X_CAST2, X_CAST3, X_TLOG, X_SIEM };

#define OUTPUT_CAP_DEFAULT 4096
#define OUTPUT_CAP_MAX	   (1024 * 1024)
#define LINE_INDEX_MAX	   4096 /* lines kept per command for re-split */
#define OUTPUT_SLACK	   (64 * 1024)

static volatile sig_atomic_t export_interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	export_interrupted = 1;
}

struct xopts {
	enum xfmt fmt;
	int ecs;
	int redact;
	int no_input;
	int follow;
	size_t output_cap;
	size_t payload;
	char **rules;
	size_t nrules;
	struct sr_ship *ship;
	uint64_t ship_failed;
};

/* One line of a command's output, as kept for a late command. */
struct xline {
	size_t off;	/* in the output text */
	size_t len;	/* with its newline */
	int64_t t_ns;	/* when it began */
	int64_t end_ns; /* when it was finished */
};

/* A command whose output is being collected. */
struct xcmd {
	int active;
	size_t seq;
	int64_t t_ns;
	enum sr_command_source src;
	struct sr_buf cmd; /* redacted */
	struct sr_buf out; /* redacted, at most cap bytes */
	struct xline lines[LINE_INDEX_MAX];
	size_t nlines;
	int truncated;
};

struct xstate {
	struct sr_args *a;
	struct xopts *o;
	FILE *fp;
	struct sr_error err;
	int werr; /* a write failed */
	/* Per session. */
	struct sr_session *s; /* copy, completed at the end */
	struct sr_castw *cw;
	struct sr_tlogw *tw;
	struct sr_textview *tv;
	struct sr_cmdex *cx;
	struct sr_redact *red_out, *red_cmd;
	struct sr_buf line, red; /* SIEM object; a redacted line */
	struct xcmd cur, next;
	size_t ncommands;
	int64_t last_t;
	int ended;
};

/* The export callback: output to the file.  A write error sticks. */
static int
write_out(void *arg, const char *p, size_t n)
{
	struct xstate *x = arg;

	if (fwrite(p, 1, n, x->fp) != n) {
		x->werr = 1;
		return (-1);
	}
	return (0);
}

/* tlog messages: one a line. */
static int
write_msg(void *arg, const char *p, size_t n)
{
	struct xstate *x = arg;

	if (write_out(arg, p, n) != 0 || putc('\n', x->fp) == EOF) {
		x->werr = 1;
		return (-1);
	}
	return (0);
}

/*
 * Emits a SIEM object: a line of the output, or an event for the
 * shipper (with the session's key fields as structured data).
 */
static int
siem_emit(struct xstate *x, const char *type)
{
	struct sr_ship_kv kv[8];
	const char *keys[8], *values[8];
	struct sr_error err;
	size_t i, n;
	int st;

	if (x->o->ship == NULL)
		return (write_msg(x, x->line.data, x->line.len));
	n = sr_siem_keyfields(x->s, type, keys, values, nitems(keys));
	for (i = 0; i < n; i++) {
		kv[i].key = keys[i];
		kv[i].value = values[i];
	}
	sr_error_clear(&err);
	st = sr_ship_event(x->o->ship, LOG_INFO, type, kv, n, x->line.data,
	    x->line.len, &err);
	if (st < SR_WARN) {
		x->o->ship_failed++;
		if (!x->a->quiet)
			sr_warn_error("cannot ship event:", &err);
	}
	return (0);
}

/* Redacts line into x->red (a copy when redaction is off). */
static void
redact_line(struct xstate *x, struct sr_redact *r, const char *line, size_t len)
{
	struct sr_span spans[32];
	struct sr_error err;
	size_t n = 0;

	sr_buf_reset(&x->red);
	if (r != NULL) {
		sr_error_clear(&err);
		if (sr_redact_line(r, line, len, spans, nitems(spans), &n,
			&err) != SR_OK) {
			/* A rule hit a limit: fail closed. */
			spans[0].so = 0;
			spans[0].eo = len;
			spans[0].rule_id = "rule-error";
			n = len > 0;
		}
	}
	if (sr_redact_apply(line, len, spans, n, &x->red) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
}

/*
 * Appends a line to a command's output.  More than the cap is kept (up
 * to OUTPUT_SLACK past it), because lines may still move to a command
 * the extractor decides on late; the cap is applied when the command's
 * event is written.
 */
static void
out_add(struct xcmd *c, size_t cap, const char *p, size_t n, int64_t t_ns,
    int64_t end_ns)
{
	struct xline *l;

	if (c->nlines == LINE_INDEX_MAX ||
	    c->out.len + n + 1 > cap + OUTPUT_SLACK) {
		c->truncated = 1;
		return;
	}
	l = &c->lines[c->nlines++];
	l->off = c->out.len;
	l->t_ns = t_ns;
	l->end_ns = end_ns;
	if (sr_buf_append(&c->out, p, n) != SR_E_NONE ||
	    sr_buf_putc(&c->out, '\n') != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	l->len = c->out.len - l->off;
}

/* A rendered output line: redacted, then kept for the current command. */
static int
on_line(void *arg, const char *line, size_t len, int64_t t_ns)
{
	struct xstate *x = arg;

	/* Redacted even when dropped: the redactor follows every line. */
	redact_line(x, x->red_out, line, len);
	/*
	 * A line begun before the command and finished after it is the
	 * prompt with the command's echo: no output of it.
	 */
	if (x->cur.active && t_ns < x->cur.t_ns)
		return (0);
	out_add(&x->cur, x->o->output_cap, x->red.data, x->red.len, t_ns,
	    x->last_t);
	return (0);
}

static void
xcmd_reset(struct xcmd *c)
{
	c->active = 0;
	c->nlines = 0;
	c->truncated = 0;
	sr_buf_reset(&c->cmd);
	sr_buf_reset(&c->out);
}

static const char *
src_name(enum sr_command_source src)
{
	switch (src) {
	case SR_CMDSRC_OSC133:
		return ("osc133");
	case SR_CMDSRC_INPUT:
		return ("input");
	case SR_CMDSRC_META:
		return ("meta");
	case SR_CMDSRC_ECHO:
		return ("echo");
	}
	return (NULL);
}

/* Writes the current command's event; end_t is where it ended. */
static void
cmd_emit(struct xstate *x, int64_t end_t)
{
	struct xcmd *c = &x->cur;
	struct sr_siem_cmd sc;
	struct sr_siem_opts so = { x->o->ecs, NULL };
	size_t len = c->out.len;

	if (!c->active)
		return;
	memset(&sc, 0, sizeof(sc));
	sc.seq = c->seq;
	sc.t_ns = c->t_ns;
	sc.duration_ns = end_t >= c->t_ns ? end_t - c->t_ns : -1;
	sc.command = c->cmd.data;
	sc.command_len = c->cmd.len;
	sc.source = src_name(c->src);
	/* The last line's newline is no part of the output. */
	if (len > 0 && c->out.data[len - 1] == '\n')
		len--;
	sc.output_truncated = c->truncated;
	if (len > x->o->output_cap) {
		sc.output_truncated = 1;
		len = x->o->output_cap;
		/* Never half a character. */
		while (
		    len > 0 && ((unsigned char)c->out.data[len] & 0xc0) == 0x80)
			len--;
	}
	sc.output = c->out.data;
	sc.output_len = len;
	/* The recorder's own command ends with the session. */
	if (c->src == SR_CMDSRC_META && (x->s->have & SR_HAVE_EXIT) &&
	    x->ended) {
		sc.have_exit = 1;
		sc.exit_status = x->s->exit_status;
	}
	sr_buf_reset(&x->line);
	if (sr_siem_command(x->s, &so, &sc, &x->line) != SR_OK)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	(void)siem_emit(x, "command");
}

/*
 * A command was found: the one before it ends.  Lines that began at or
 * after t_ns are this command's output (the extractor may decide late);
 * lines begun before and finished after are the prompt line with the
 * command's echo, output of neither.
 */
static int
on_command(void *arg, const char *cmd, size_t len, int64_t t_ns,
    enum sr_command_source src)
{
	struct xstate *x = arg;
	struct xcmd *c = &x->cur, *n = &x->next;
	size_t i, cut = c->nlines;

	xcmd_reset(n);
	for (i = 0; i < c->nlines; i++)
		if (c->lines[i].end_ns >= t_ns) {
			cut = i;
			break;
		}
	for (i = cut; i < c->nlines; i++) {
		struct xline *l = &c->lines[i];

		if (l->t_ns < t_ns)
			continue;
		n->lines[n->nlines] = *l;
		n->lines[n->nlines].off = n->out.len;
		n->nlines++;
		if (sr_buf_append(&n->out, c->out.data + l->off, l->len) !=
		    SR_E_NONE)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
	}
	if (cut < c->nlines) {
		c->out.len = c->lines[cut].off;
		c->out.data[c->out.len] = '\0';
		c->nlines = cut;
	}
	cmd_emit(x, t_ns);
	/* The next one becomes current. */
	{
		struct xcmd tmp = *c;

		*c = *n;
		*n = tmp;
	}
	redact_line(x, x->red_cmd, cmd, len);
	if (sr_buf_append(&c->cmd, x->red.data, x->red.len) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	c->active = 1;
	c->seq = ++x->ncommands;
	c->t_ns = t_ns;
	c->src = src;
	return (0);
}

/* Parses an end event's exit status ("3"); 0 or -1. */
static int
parse_status(const unsigned char *p, size_t n, int *v)
{
	char buf[16], *end;
	long x;

	if (n == 0 || n >= sizeof(buf))
		return (-1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	x = strtol(buf, &end, 10);
	if (*end != '\0' || errno != 0 || x < INT_MIN || x > INT_MAX)
		return (-1);
	*v = (int)x;
	return (0);
}

/* Starts a session's encoder. */
static void
session_begin(struct xstate *x, const struct sr_session *s)
{
	struct sr_siem_opts so = { x->o->ecs, NULL };
	struct sr_tlogw_opts to;
	struct sr_error err;
	int st = SR_OK;

	if ((x->s = sr_session_dup(s)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	x->ncommands = 0;
	x->last_t = 0;
	x->ended = 0;
	sr_error_clear(&err);
	switch (x->o->fmt) {
	case X_CAST2:
	case X_CAST3:
		st = sr_castw_new(s, x->o->fmt == X_CAST2 ? 2 : 3,
		    x->o->no_input ? SR_CASTW_NO_INPUT : 0, write_out, x,
		    &x->cw, &err);
		break;
	case X_TLOG:
		sr_tlogw_opts_session(&to, s);
		to.payload = x->o->payload;
		st = sr_tlogw_new(&to, write_msg, x, &x->tw, &err);
		break;
	case X_SIEM:
		xcmd_reset(&x->cur);
		if (x->red_out != NULL)
			sr_redact_reset(x->red_out);
		if (x->red_cmd != NULL)
			sr_redact_reset(x->red_cmd);
		sr_textview_reset(x->tv);
		sr_buf_reset(&x->line);
		if (sr_siem_session_start(s, &so, &x->line) != SR_OK)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		(void)siem_emit(x, "session_start");
		(void)sr_cmdex_session(x->cx, s);
		break;
	}
	if (st != SR_OK)
		sr_errx(SR_EXIT_INTERNAL, "%s", err.msg);
}

/* One event into the encoder.  SR_OK or SR_FATAL (write error). */
static int
session_event(struct xstate *x, const struct sr_event *ev)
{
	int st = SR_OK;

	if (ev->t_ns > x->last_t)
		x->last_t = ev->t_ns;
	if (ev->type == SR_EV_END) {
		int v;

		x->ended = 1;
		if (ev->data != NULL &&
		    parse_status(ev->data, ev->len, &v) == 0) {
			x->s->have |= SR_HAVE_EXIT;
			x->s->exit_status = v;
		}
	}
	switch (x->o->fmt) {
	case X_CAST2:
	case X_CAST3:
		st = sr_castw_event(x->cw, ev);
		break;
	case X_TLOG:
		if (x->o->no_input && ev->type == SR_EV_INPUT)
			break;
		st = sr_tlogw_event(x->tw, ev);
		break;
	case X_SIEM:
		if (ev->type == SR_EV_OUTPUT && ev->len > 0)
			(void)sr_textview_feed(x->tv, ev->data, ev->len,
			    ev->t_ns);
		(void)sr_cmdex_event(x->cx, ev);
		break;
	}
	return (st);
}

/*
 * An event the encoder could not take: said here, unless it was a write
 * (said once, at the end).
 */
static void
encoder_failed(const struct xstate *x)
{
	const struct sr_error *e = NULL;

	if (x->werr)
		return;
	if (x->o->fmt == X_TLOG)
		e = sr_tlogw_error(x->tw);
	else if (x->o->fmt == X_CAST2 || x->o->fmt == X_CAST3)
		e = sr_castw_error(x->cw);
	if (e != NULL && e->cat != SR_E_NONE)
		sr_warn_error("cannot export:", e);
	else
		sr_warnx("cannot export: out of memory");
}

/* Ends a session: the encoder's tail, the end event. */
static int
session_end(struct xstate *x)
{
	struct sr_siem_opts so = { x->o->ecs, NULL };
	int st = SR_OK;

	switch (x->o->fmt) {
	case X_CAST2:
	case X_CAST3:
		st = sr_castw_finish(x->cw);
		if (st == SR_OK && sr_castw_lossy(x->cw) > 0 && !x->a->quiet) {
			sr_warnx("%s: %llu invalid UTF-8 bytes replaced by "
				 "U+FFFD (asciicast holds text only)",
			    x->s->field[SR_F_SESSION_ID] != NULL
				? x->s->field[SR_F_SESSION_ID]
				: "session",
			    (unsigned long long)sr_castw_lossy(x->cw));
		}
		sr_castw_free(x->cw);
		x->cw = NULL;
		break;
	case X_TLOG:
		st = sr_tlogw_flush(x->tw, 1);
		sr_tlogw_free(x->tw);
		x->tw = NULL;
		break;
	case X_SIEM:
		(void)sr_cmdex_flush(x->cx);
		(void)sr_textview_flush(x->tv);
		if (!(x->s->have & SR_HAVE_DURATION)) {
			x->s->have |= SR_HAVE_DURATION;
			x->s->duration_ns = x->last_t;
		}
		if (x->s->duration_ns < x->last_t)
			x->s->duration_ns = x->last_t;
		cmd_emit(x, x->s->duration_ns);
		xcmd_reset(&x->cur);
		sr_buf_reset(&x->line);
		if (sr_siem_session_end(x->s, &so, x->ncommands, &x->line) !=
		    SR_OK)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		(void)siem_emit(x, "session_end");
		break;
	}
	sr_session_free(x->s);
	x->s = NULL;
	return (st);
}

/* Diagnostics while following: quiet on a reread of what was seen. */
struct follow_diag_state {
	int *quiet;
	int on;
};

static void
follow_diag(void *arg, int status, const struct sr_error *e)
{
	struct follow_diag_state *d = arg;

	if (d->on)
		sr_out_diag(d->quiet, status, e);
}

static int
flush_out(struct xstate *x)
{
	if (fflush(x->fp) != 0)
		x->werr = 1;
	return (x->werr ? SR_FATAL : SR_OK);
}

/*
 * Exports one session.  With follow, waits at the end of what is there
 * for the files to grow, until the end event or SIGINT.  Returns an exit
 * status.
 */
static int
export_one(struct xstate *x, struct sr_catalog *cat, size_t entry,
    struct sr_reader *r0, const struct sr_session *s)
{
	struct sr_reader *r = r0;
	struct sr_input *in = NULL;
	const struct sr_event *ev;
	struct sr_error err;
	struct follow_diag_state fd = { &x->a->quiet, 1 };
	uint64_t seen = 0, k, fp = 0;
	int st, rc = SR_EXIT_OK;

	session_begin(x, s);
	if (x->o->follow) {
		fp = sr_catalog_fingerprint(cat, entry);
		sr_ctx_set_diag(x->a->ctx, follow_diag, &fd);
	}
	for (;;) {
		for (k = 0;; k++) {
			fd.on = k >= seen;
			st = sr_reader_next_event(r, &ev);
			if (st != SR_OK && st != SR_WARN)
				break;
			if (k < seen)
				continue;
			seen++;
			if (session_event(x, ev) != SR_OK) {
				encoder_failed(x);
				rc = SR_EXIT_INTERNAL;
				st = SR_FATAL;
				break;
			}
			if (ev->type == SR_EV_END && x->o->follow) {
				st = SR_EOF;
				break;
			}
		}
		if (x->werr)
			break;
		if (!x->o->follow || x->ended)
			break;
		/*
		 * An error at the tail is what a recording being written
		 * looks like: it counts only once the user gives up.
		 */
		if (x->o->fmt == X_TLOG && x->tw != NULL &&
		    sr_tlogw_flush(x->tw, 0) != SR_OK)
			break;
		if (flush_out(x) != SR_OK)
			break;
		if (sr_follow_wait(cat, entry, &fp, &export_interrupted) != 0)
			break;
		if (r != r0)
			sr_reader_close(r);
		r = NULL;
		sr_input_close(in);
		in = NULL;
		sr_error_clear(&err);
		if (sr_follow_reopen(x->a->ctx, cat, entry, &in, &r, &s,
			&err) != SR_OK) {
			/*
			 * Being replaced or not yet whole: try again.  The
			 * first reader is drained, so it gives nothing; seen
			 * still counts what was exported.
			 */
			r = r0;
			continue;
		}
	}
	if (x->o->follow)
		sr_ctx_set_diag(x->a->ctx, sr_out_diag, &x->a->quiet);
	if (!x->werr && st != SR_EOF && st != SR_FATAL &&
	    !(x->o->follow && export_interrupted))
		rc = sr_args_events_end(r, st);
	if (session_end(x) != SR_OK || x->werr) {
		sr_warnx("cannot write: %s", strerror(errno));
		rc = SR_EXIT_INTERNAL;
	}
	if (r != r0)
		sr_reader_close(r);
	sr_input_close(in);
	return (rc);
}

static struct sr_redact *
make_redact(struct sr_args *a, const struct xopts *o)
{
	struct sr_redact *r;
	struct sr_error err;
	int st;

	sr_error_clear(&err);
	st = sr_args_redactor(a->ctx, o->rules, o->nrules, &r, &err);
	if (st == SR_FATAL)
		sr_errx(SR_EXIT_INTERNAL, "cannot set up redaction: %s",
		    err.msg);
	if (st != SR_OK) {
		sr_warn_error("bad redaction rules:", &err);
		exit(SR_EXIT_USAGE);
	}
	return (r);
}

static size_t
size_arg(struct sr_args *a, int id, const char *what, size_t def, size_t min,
    size_t max)
{
	const char *v = sr_args_get(a, id);
	unsigned long long u;
	char *end;

	if (v == NULL)
		return (def);
	errno = 0;
	u = strtoull(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || u < min ||
	    u > max) {
		sr_warnx("bad %s '%s' (%zu to %zu)", what, v, min, max);
		sr_usage(a->cmd);
	}
	return ((size_t)u);
}

static void
parse_opts(struct sr_args *a, struct xopts *o)
{
	const char *v;
	enum sr_ship_kind kind;
	struct sr_error err;

	memset(o, 0, sizeof(*o));
	v = sr_args_get(a, 'f');
	if (v == NULL && sr_args_has(a, OPT_SHIP))
		v = "siem";
	if (v == NULL || strcmp(v, "asciicast") == 0 ||
	    strcmp(v, "asciicast-v2") == 0)
		o->fmt = X_CAST2;
	else if (strcmp(v, "asciicast-v3") == 0)
		o->fmt = X_CAST3;
	else if (strcmp(v, "tlog") == 0)
		o->fmt = X_TLOG;
	else if (strcmp(v, "siem") == 0)
		o->fmt = X_SIEM;
	else {
		sr_warnx("unknown export format '%s' (asciicast, asciicast-v3, "
			 "tlog or siem)",
		    v);
		sr_usage(a->cmd);
	}
	o->ecs = sr_args_has(a, OPT_ECS);
	o->no_input = sr_args_has(a, OPT_NO_INPUT);
	o->follow = sr_args_has(a, OPT_FOLLOW);
	o->output_cap = size_arg(a, OPT_OUTPUT_CAP, "output cap",
	    OUTPUT_CAP_DEFAULT, 0, OUTPUT_CAP_MAX);
	o->payload = size_arg(a, OPT_PAYLOAD, "payload", 2048, 32, 1024 * 1024);
	if (o->ecs && o->fmt != X_SIEM) {
		sr_warnx("--ecs is for -f siem");
		sr_usage(a->cmd);
	}
	if (sr_args_has(a, OPT_SHIP) && o->fmt != X_SIEM) {
		sr_warnx("--ship sends SIEM events: it takes -f siem");
		sr_usage(a->cmd);
	}
	if (sr_args_has(a, OPT_SHIP) && sr_args_has(a, 'o')) {
		sr_warnx("--ship and -o exclude each other");
		sr_usage(a->cmd);
	}
	if (sr_args_has(a, OPT_SHIP_SOCKET) && !sr_args_has(a, OPT_SHIP)) {
		sr_warnx("--ship-socket needs --ship");
		sr_usage(a->cmd);
	}
	o->redact = sr_args_redaction(a, OPT_NO_REDACT, OPT_REDACT_RULES,
	    o->fmt == X_SIEM, &o->rules, &o->nrules);
	if ((v = sr_args_get(a, OPT_SHIP)) != NULL) {
		if (sr_ship_kind_parse(v, &kind) != 0) {
			sr_warnx("unknown --ship '%s' (syslog or journal)", v);
			sr_usage(a->cmd);
		}
		sr_error_clear(&err);
		if (sr_ship_open(kind, sr_args_get(a, OPT_SHIP_SOCKET),
			"sessrec", &o->ship, &err) != SR_OK) {
			sr_warn_error("cannot ship:", &err);
			exit(SR_EXIT_UNREADABLE);
		}
	}
}

/* Opens the output: stdout, or a temporary file beside path. */
static FILE *
open_output(const char *path, char **tmp, int force)
{
	struct stat st;
	FILE *fp;
	int fd;

	*tmp = NULL;
	if (path == NULL || strcmp(path, "-") == 0)
		return (stdout);
	if (!force && lstat(path, &st) == 0)
		sr_errx(SR_EXIT_USAGE,
		    "'%s' exists (use --force to replace it)", path);
	if (asprintf(tmp, "%s.XXXXXX", path) < 0)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	if ((fd = mkstemp(*tmp)) == -1)
		sr_errx(SR_EXIT_INTERNAL, "cannot create '%s': %s", *tmp,
		    strerror(errno));
	if ((fp = fdopen(fd, "w")) == NULL) {
		(void)unlink(*tmp);
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	}
	return (fp);
}

/*
 * Puts the finished file in place: rename with --force, else link (which
 * fails when FILE appeared meanwhile) and unlink.  0 or -1.
 */
static int
close_output(FILE *fp, const char *tmp, const char *path, int force, int ok)
{
	int r = 0;

	if (fp == stdout)
		return (fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0)
		r = -1;
	if (fclose(fp) != 0)
		r = -1;
	if (r == 0 && ok) {
		if (force)
			r = rename(tmp, path);
		else if ((r = link(tmp, path)) == 0)
			(void)unlink(tmp);
		if (r != 0)
			sr_warnx("cannot create '%s': %s", path,
			    strerror(errno));
	}
	if (r != 0 || !ok)
		(void)unlink(tmp);
	return (r);
}

static int
cmd_export_exec(struct sr_args *a)
{
	struct sr_catalog *cat;
	struct xopts o;
	struct xstate x;
	struct sigaction sa;
	const struct sr_session *s;
	struct sr_reader *r;
	const char *path = sr_args_get(a, 'o');
	char *tmp;
	size_t i, j, total = 0, **idx, *nidx;
	int rc = SR_EXIT_OK, st, force = sr_args_has(a, OPT_FORCE);
	static char obuf[1 << 16];

	parse_opts(a, &o);
	cat = sr_args_catalog(a);
	/* Every operand first: an asciicast file holds one session. */
	idx = sr_xcalloc((size_t)a->argc, sizeof(*idx));
	nidx = sr_xcalloc((size_t)a->argc, sizeof(*nidx));
	for (i = 0; i < (size_t)a->argc; i++) {
		idx[i] = sr_args_resolve(a, cat, a->argv[i], &nidx[i], &rc);
		total += idx[i] != NULL ? nidx[i] : 0;
	}
	if ((o.fmt == X_CAST2 || o.fmt == X_CAST3) && total > 1) {
		sr_warnx("an asciicast file holds one session, and these "
			 "operands name %zu: export them one by one",
		    total);
		rc = SR_EXIT_USAGE;
		goto out;
	}
	if (o.follow && total > 1) {
		sr_warnx("--follow takes one session, and these operands "
			 "name %zu",
		    total);
		rc = SR_EXIT_USAGE;
		goto out;
	}
	if (total == 0)
		goto out;
	memset(&x, 0, sizeof(x));
	x.a = a;
	x.o = &o;
	sr_buf_init(&x.line, 64 * 1024 * 1024);
	sr_buf_init(&x.red, 64 * 1024 * 1024);
	sr_buf_init(&x.cur.cmd, 1024 * 1024);
	sr_buf_init(&x.cur.out, 2 * OUTPUT_CAP_MAX + OUTPUT_SLACK);
	sr_buf_init(&x.next.cmd, 1024 * 1024);
	sr_buf_init(&x.next.out, 2 * OUTPUT_CAP_MAX + OUTPUT_SLACK);
	if (o.fmt == X_SIEM) {
		if ((x.tv = sr_textview_new(1 << 16, on_line, &x)) == NULL ||
		    (x.cx = sr_cmdex_new(on_command, &x)) == NULL)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		if (o.redact) {
			x.red_out = make_redact(a, &o);
			x.red_cmd = make_redact(a, &o);
		}
	}
	x.fp = open_output(path, &tmp, force);
	if (x.fp == stdout)
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (o.follow) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
	}
	for (i = 0; i < (size_t)a->argc && !x.werr; i++) {
		for (j = 0; idx[i] != NULL && j < nidx[i] && !x.werr; j++) {
			st = sr_args_open_entry(cat, idx[i][j], &r, &s);
			if (st == SR_EXIT_OK) {
				st = export_one(&x, cat, idx[i][j], r, s);
				sr_reader_close(r);
			}
			if (st > rc)
				rc = st;
		}
	}
	if (close_output(x.fp, tmp, path, force, !x.werr) != 0 || x.werr) {
		if (x.werr || x.fp == stdout)
			sr_warnx("cannot write: %s", strerror(errno));
		rc = SR_EXIT_INTERNAL;
	}
	free(tmp);
	if (o.ship != NULL && o.ship_failed > 0) {
		sr_warnx("%llu events could not be shipped",
		    (unsigned long long)o.ship_failed);
		if (rc < SR_EXIT_INTERNAL)
			rc = SR_EXIT_INTERNAL;
	}
	sr_textview_free(x.tv);
	sr_cmdex_free(x.cx);
	sr_redact_free(x.red_out);
	sr_redact_free(x.red_cmd);
	sr_buf_release(&x.line);
	sr_buf_release(&x.red);
	sr_buf_release(&x.cur.cmd);
	sr_buf_release(&x.cur.out);
	sr_buf_release(&x.next.cmd);
	sr_buf_release(&x.next.out);
out:
	for (i = 0; i < (size_t)a->argc; i++)
		free(idx[i]);
	free(idx);
	free(nidx);
	sr_args_free_rules(o.rules, o.nrules);
	sr_ship_close(o.ship);
	sr_catalog_free(cat);
	return (rc);
}

static const struct option export_longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "ecs", no_argument, NULL, OPT_ECS },
	{ "no-redact", no_argument, NULL, OPT_NO_REDACT },
	{ "redact-rules", required_argument, NULL, OPT_REDACT_RULES },
	{ "output-cap", required_argument, NULL, OPT_OUTPUT_CAP },
	{ "no-input", no_argument, NULL, OPT_NO_INPUT },
	{ "payload", required_argument, NULL, OPT_PAYLOAD },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "ship", required_argument, NULL, OPT_SHIP },
	{ "ship-socket", required_argument, NULL, OPT_SHIP_SOCKET },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_export = {
	.name = "export",
	.summary = "convert sessions to asciicast, tlog JSON or SIEM events",
	.usage = "sessrec export [-q] [-f FORMAT] [-o FILE] [--force] [--ecs] "
		 "[--no-redact] [--redact-rules FILE] [--output-cap BYTES] "
		 "[--no-input] [--payload BYTES] [--follow] "
		 "[--ship syslog|journal] [--ship-socket PATH] "
		 "[--source PATH] [--config FILE] [--limit NAME=VALUE] "
		 "ID|PATH ...",
	.help =
	    "  -f, --format FORMAT asciicast (v2, the default), asciicast-v3, "
	    "tlog\n"
	    "                      or siem (NDJSON events)\n"
	    "  -o, --output FILE   write to FILE (created; atomically "
	    "replaced with --force)\n"
	    "  --force             replace an existing FILE\n"
	    "  --ecs               siem: ECS field names\n"
	    "  --no-redact         siem: leave secrets in commands and output "
	    "(root and\n"
	    "                      the configured redact_exempt_group only)\n"
	    "  --redact-rules FILE add the redaction rules of FILE "
	    "(repeatable)\n"
	    "  --output-cap BYTES  siem: keep at most BYTES of each command's "
	    "output\n"
	    "                      (default 4096; 0 leaves it out)\n"
	    "  --no-input          asciicast, tlog: leave recorded input out\n"
	    "  --payload BYTES     tlog: message payload size (default 2048)\n"
	    "  --follow            keep exporting a recording still being "
	    "written,\n"
	    "                      until its end or SIGINT\n"
	    "  --ship KIND         siem: send each event to syslog (RFC 5424) "
	    "or the\n"
	    "                      journal instead of writing it\n"
	    "  --ship-socket PATH  the socket to ship to (default /dev/log or "
	    "the\n"
	    "                      journal's socket)\n" SR_SOURCE_HELP,
	.optstring = "f:ho:q",
	.longopts = export_longopts,
	.min_args = 1,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_export_exec,
};
