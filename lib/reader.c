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
 * The reader: the generic half of every format.  It owns the handle,
 * the current session and event, counts warnings and enforces the order
 * of calls, so that format code only parses.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

char *
sr_reader_member_name(const struct sr_reader *r, const char *rel)
{
	size_t ml, rl;
	char *p;

	if (rel == NULL || rel[0] == '\0')
		return (sr_strdup(r->member));
	if (r->member[0] == '\0')
		return (sr_strdup(rel));
	ml = strlen(r->member);
	rl = strlen(rel);
	if ((p = malloc(ml + rl + 2)) == NULL)
		return (NULL);
	memcpy(p, r->member, ml);
	p[ml] = '/';
	memcpy(p + ml + 1, rel, rl + 1);
	return (p);
}

const struct sr_member *
sr_reader_find(const struct sr_reader *r, const char *rel)
{
	const struct sr_member *m;
	char *name;

	if ((name = sr_reader_member_name(r, rel)) == NULL)
		return (NULL);
	m = sr_input_find(r->in, name);
	free(name);
	return (m);
}

int
sr_reader_stream_open(struct sr_reader *r, const char *rel, unsigned flags,
    struct sr_stream **sp)
{
	char *name;
	int st;

	*sp = NULL;
	if ((name = sr_reader_member_name(r, rel)) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	st = sr_stream_open(r->in, name, flags, sp, &r->err);
	free(name);
	return (st);
}

static void
fill_loc(const struct sr_reader *r, const struct sr_loc *loc,
    struct sr_loc *out)
{
	if (loc != NULL)
		*out = *loc;
	else
		sr_loc_clear(out);
	if (out->member[0] == '\0')
		sr_loc_set_member(out, r->member);
}

int
sr_reader_errorf(struct sr_reader *r, int status, enum sr_errcat cat,
    const struct sr_loc *loc, const char *fmt, ...)
{
	struct sr_loc l;
	va_list ap;

	fill_loc(r, loc, &l);
	va_start(ap, fmt);
	(void)sr_error_vset(&r->err, status, cat, sr_input_path(r->in), &l, fmt,
	    ap);
	va_end(ap);
	return (status);
}

int
sr_reader_vwarnf(struct sr_reader *r, enum sr_errcat cat,
    const struct sr_loc *loc, const char *fmt, va_list ap)
{
	struct sr_error e;
	struct sr_loc l;

	sr_error_clear(&e);
	fill_loc(r, loc, &l);
	(void)sr_error_vset(&e, SR_WARN, cat, sr_input_path(r->in), &l, fmt,
	    ap);
	r->nwarnings++;
	sr_ctx_diag(r->ctx, SR_WARN, &e);
	return (SR_WARN);
}

int
sr_reader_warnf(struct sr_reader *r, const struct sr_loc *loc, const char *fmt,
    ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = sr_reader_vwarnf(r, SR_E_FORMAT, loc, fmt, ap);
	va_end(ap);
	return (st);
}

int
sr_reader_warn_torn(struct sr_reader *r, const struct sr_loc *loc,
    const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = sr_reader_vwarnf(r, SR_E_TRUNCATED, loc, fmt, ap);
	va_end(ap);
	return (st);
}

/*
 * "container/member" for directories and archives; the file itself for a
 * named file, or the partner beside it when the recording is rooted there.
 */
static char *
display_path(struct sr_input *in, const char *member)
{
	const char *ip = sr_input_path(in);
	size_t il, ml;
	char *p;

	ml = strlen(member);
	switch (sr_input_kind(in)) {
	case SR_INPUT_MEM:
		return (sr_strdup(ip));
	case SR_INPUT_FILE:
		if (member[0] == '\0' || strcmp(member, sr_basename(ip)) == 0)
			return (sr_strdup(ip));
		il = sr_dirlen(ip);
		if (il == 0)
			return (sr_strdup(member));
		break;
	default:
		if (member[0] == '\0')
			return (sr_strdup(ip));
		il = strlen(ip);
		while (il > 1 && ip[il - 1] == '/')
			il--;
		break;
	}
	if ((p = malloc(il + ml + 2)) == NULL)
		return (NULL);
	memcpy(p, ip, il);
	p[il] = '/';
	memcpy(p + il + 1, member, ml + 1);
	return (p);
}

int
sr_reader_open(struct sr_ctx *ctx, struct sr_input *in, const char *member,
    const struct sr_format *fmt, struct sr_reader **rp, struct sr_error *err)
{
	struct sr_reader *r;
	int bid, st;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	r->ctx = ctx;
	r->in = in;
	sr_error_clear(&r->err);
	sr_session_init(&r->session, sr_ctx_limit(ctx, SR_LIMIT_META));
	if ((r->member = sr_strdup(member != NULL ? member : "")) == NULL ||
	    (r->path = display_path(in, r->member)) == NULL) {
		sr_reader_close(r);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	if (fmt == NULL &&
	    (fmt = sr_probe_member(in, r->member, &bid)) == NULL) {
		struct sr_loc l;

		sr_loc_clear(&l);
		sr_loc_set_member(&l, r->member);
		sr_reader_close(r);
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT,
		    sr_input_path(in), &l, "unrecognized recording format"));
	}
	r->fmt = fmt;
	if (fmt->next_session == NULL || fmt->next_event == NULL) {
		sr_reader_close(r);
		return (sr_error_set(err, SR_FAILED, SR_E_UNSUPPORTED,
		    sr_input_path(in), NULL, "format %s cannot be read",
		    fmt->name));
	}
	if (fmt->state_size > 0 &&
	    (r->state = calloc(1, fmt->state_size)) == NULL) {
		sr_reader_close(r);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	/* From here on close() runs, even after a failed open(). */
	r->opened = 1;
	if (fmt->open != NULL && (st = fmt->open(r)) < SR_WARN) {
		if (err != NULL)
			*err = r->err;
		sr_reader_close(r);
		return (st);
	}
	*rp = r;
	return (SR_OK);
}

void
sr_reader_close(struct sr_reader *r)
{
	if (r == NULL)
		return;
	if (r->opened && r->fmt != NULL && r->fmt->close != NULL)
		r->fmt->close(r);
	sr_session_release(&r->session);
	free(r->state);
	free(r->member);
	free(r->path);
	free(r);
}

static void
clear_event(struct sr_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->loc.line = -1;
	ev->loc.msg_id = -1;
	ev->loc.offset = -1;
}

int
sr_reader_next_session(struct sr_reader *r, const struct sr_session **sp)
{
	const struct sr_event *ev;
	int st;

	*sp = NULL;
	if (r->in_session) {
		if (r->fmt->skip_session != NULL) {
			st = r->fmt->skip_session(r);
			if (st == SR_FATAL)
				return (st);
		} else {
			/* Drain; errors end the session, not the reader. */
			while ((st = sr_reader_next_event(r, &ev)) == SR_OK ||
			    st == SR_WARN)
				;
			if (st == SR_FATAL)
				return (st);
		}
		r->in_session = 0;
	}
	if (r->nsessions >= sr_ctx_limit(r->ctx, SR_LIMIT_SESSIONS))
		return (sr_reader_errorf(r, SR_FATAL, SR_E_LIMIT, NULL,
		    "more than %llu sessions",
		    (unsigned long long)sr_ctx_limit(r->ctx,
			SR_LIMIT_SESSIONS)));
	sr_session_release(&r->session);
	r->session.format = r->fmt->name;
	if (sr_session_set_path(&r->session, r->path) != SR_OK)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	clear_event(&r->ev);
	st = r->fmt->next_session(r);
	if (st == SR_OK || st == SR_WARN) {
		r->in_session = 1;
		r->nsessions++;
		*sp = &r->session;
	}
	return (st);
}

int
sr_reader_next_event(struct sr_reader *r, const struct sr_event **evp)
{
	int st;

	*evp = NULL;
	if (!r->in_session)
		return (SR_EOF);
	clear_event(&r->ev);
	st = r->fmt->next_event(r);
	if (st == SR_OK || st == SR_WARN)
		*evp = &r->ev;
	else
		r->in_session = 0; /* the end, or the session is unusable */
	return (st);
}

const struct sr_error *
sr_reader_error(const struct sr_reader *r)
{
	return (&r->err);
}

const struct sr_format *
sr_reader_format(const struct sr_reader *r)
{
	return (r->fmt);
}

size_t
sr_reader_warnings(const struct sr_reader *r)
{
	return (r->nwarnings);
}
