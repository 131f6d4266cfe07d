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
 * Session metadata: the normalized fields every format maps onto, and
 * the ordered extras that keep whatever else a format carries.  Every
 * byte held is counted against the meta limit.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

static const char *const field_names[SR_F__COUNT] = {
	[SR_F_SESSION_ID] = "session_id",
	[SR_F_ACTOR] = "actor",
	[SR_F_TARGET] = "target",
	[SR_F_HOST] = "host",
	[SR_F_SRC_IP] = "src_ip",
	[SR_F_TICKET] = "ticket",
	[SR_F_COMMAND] = "command",
	[SR_F_CWD] = "cwd",
	[SR_F_TTY] = "tty",
	[SR_F_TERM] = "term",
};

const char *
sr_field_name(enum sr_field f)
{
	if ((unsigned)f >= SR_F__COUNT)
		return ("?");
	return (field_names[f]);
}

void
sr_session_init(struct sr_session *s, size_t meta_max)
{
	memset(s, 0, sizeof(*s));
	s->meta_max = meta_max;
}

static void
free_argv(struct sr_session *s)
{
	size_t i;

	if (s->argv != NULL) {
		for (i = 0; i < s->argc; i++)
			free(s->argv[i]);
		free(s->argv);
	}
	s->argv = NULL;
	s->argc = 0;
}

void
sr_session_release(struct sr_session *s)
{
	size_t i, max = s->meta_max;

	for (i = 0; i < SR_F__COUNT; i++)
		free(s->field[i]);
	free_argv(s);
	free(s->path);
	for (i = 0; i < s->nextras; i++) {
		free(s->extras[i].key);
		free(s->extras[i].value);
	}
	free(s->extras);
	sr_session_init(s, max);
}

void
sr_session_free(struct sr_session *s)
{
	if (s == NULL)
		return;
	sr_session_release(s);
	free(s);
}

/* Accounts n more bytes of metadata; -1 when over the limit. */
static int
account(struct sr_session *s, size_t n)
{
	if (s->meta_max != 0 &&
	    (n > s->meta_max || s->meta_bytes > s->meta_max - n))
		return (-1);
	s->meta_bytes += n;
	return (0);
}

static void
unaccount(struct sr_session *s, const char *p)
{
	size_t n;

	if (p == NULL)
		return;
	n = strlen(p) + 1;
	s->meta_bytes = s->meta_bytes >= n ? s->meta_bytes - n : 0;
}

int
sr_session_set(struct sr_session *s, enum sr_field f, const char *v, size_t len)
{
	char *p;

	if ((unsigned)f >= SR_F__COUNT)
		return (SR_FATAL);
	if (v == NULL) {
		unaccount(s, s->field[f]);
		free(s->field[f]);
		s->field[f] = NULL;
		return (SR_OK);
	}
	/* A NUL inside the value ends it: fields are C strings. */
	len = strnlen(v, len);
	unaccount(s, s->field[f]);
	if (account(s, len + 1) != 0) {
		if (s->field[f] != NULL)
			(void)account(s, strlen(s->field[f]) + 1);
		return (SR_FAILED);
	}
	if ((p = sr_strndup(v, len)) == NULL) {
		s->meta_bytes -= len + 1;
		if (s->field[f] != NULL)
			(void)account(s, strlen(s->field[f]) + 1);
		return (SR_FATAL);
	}
	free(s->field[f]);
	s->field[f] = p;
	return (SR_OK);
}

int
sr_session_set_str(struct sr_session *s, enum sr_field f, const char *v)
{
	return (sr_session_set(s, f, v, v != NULL ? strlen(v) : 0));
}

int
sr_session_set_path(struct sr_session *s, const char *path)
{
	char *p;

	if ((p = sr_strdup(path)) == NULL && path != NULL)
		return (SR_FATAL);
	free(s->path);
	s->path = p;
	return (SR_OK);
}

int
sr_session_set_argv(struct sr_session *s, const char *const *argv, size_t argc)
{
	size_t i, oldbytes = 0, total = 0;
	char **v;

	/*
	 * Build the copy first: argv may be the session's own, and a
	 * failure must leave the old one in place.
	 */
	for (i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	for (i = 0; s->argv != NULL && i < s->argc; i++)
		oldbytes += strlen(s->argv[i]) + 1;
	if (s->meta_max != 0 &&
	    (total > s->meta_max ||
		s->meta_bytes - oldbytes > s->meta_max - total))
		return (SR_FAILED);
	if ((v = calloc(argc + 1, sizeof(*v))) == NULL)
		return (SR_FATAL);
	for (i = 0; i < argc; i++) {
		if ((v[i] = sr_strdup(argv[i])) == NULL) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return (SR_FATAL);
		}
	}
	free_argv(s);
	s->meta_bytes = s->meta_bytes - oldbytes + total;
	s->argv = v;
	s->argc = argc;
	return (SR_OK);
}

int
sr_session_add_extra(struct sr_session *s, const char *key, const char *value,
    size_t vlen)
{
	struct sr_kv *kv;
	char *k, *v;
	size_t i, klen = strlen(key);

	vlen = strnlen(value, vlen);
	for (i = 0; i < s->nextras; i++) {
		if (strcmp(s->extras[i].key, key) == 0) {
			unaccount(s, s->extras[i].value);
			if (account(s, vlen + 1) != 0) {
				(void)account(s,
				    strlen(s->extras[i].value) + 1);
				return (SR_FAILED);
			}
			if ((v = sr_strndup(value, vlen)) == NULL) {
				s->meta_bytes -= vlen + 1;
				(void)account(s,
				    strlen(s->extras[i].value) + 1);
				return (SR_FATAL);
			}
			free(s->extras[i].value);
			s->extras[i].value = v;
			return (SR_OK);
		}
	}
	if (account(s, klen + vlen + 2 + sizeof(*kv)) != 0)
		return (SR_FAILED);
	if (s->nextras == s->extras_cap) {
		size_t ncap = s->extras_cap ? s->extras_cap * 2 : 8;

		if ((kv = sr_reallocarray(s->extras, ncap, sizeof(*kv))) ==
		    NULL)
			return (SR_FATAL);
		s->extras = kv;
		s->extras_cap = ncap;
	}
	k = sr_strndup(key, klen);
	v = sr_strndup(value, vlen);
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return (SR_FATAL);
	}
	s->extras[s->nextras].key = k;
	s->extras[s->nextras].value = v;
	s->nextras++;
	return (SR_OK);
}

const char *
sr_session_extra(const struct sr_session *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nextras; i++)
		if (strcmp(s->extras[i].key, key) == 0)
			return (s->extras[i].value);
	return (NULL);
}

struct sr_session *
sr_session_dup(const struct sr_session *s)
{
	struct sr_session *d;
	size_t i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return (NULL);
	sr_session_init(d, 0); /* a copy is never over its limit */
	for (i = 0; i < SR_F__COUNT; i++)
		if (s->field[i] != NULL &&
		    sr_session_set_str(d, (enum sr_field)i, s->field[i]) !=
			SR_OK)
			goto fail;
	if (s->argv != NULL &&
	    sr_session_set_argv(d, (const char *const *)s->argv, s->argc) !=
		SR_OK)
		goto fail;
	if (sr_session_set_path(d, s->path) != SR_OK)
		goto fail;
	for (i = 0; i < s->nextras; i++)
		if (sr_session_add_extra(d, s->extras[i].key,
			s->extras[i].value,
			strlen(s->extras[i].value)) != SR_OK)
			goto fail;
	d->have = s->have;
	d->start_ns = s->start_ns;
	d->duration_ns = s->duration_ns;
	d->rows = s->rows;
	d->cols = s->cols;
	d->exit_status = s->exit_status;
	memcpy(d->exit_signal, s->exit_signal, sizeof(d->exit_signal));
	d->state = s->state;
	d->format = s->format;
	d->meta_max = s->meta_max;
	return (d);
fail:
	sr_session_free(d);
	return (NULL);
}

int
sr_session_match(const struct sr_session *s, const struct sr_meta_filter *f)
{
	int64_t end;
	size_t i;

	for (i = 0; i < SR_F__COUNT; i++) {
		if (f->field[i] == NULL)
			continue;
		if (s->field[i] == NULL ||
		    fnmatch(f->field[i], s->field[i], 0) != 0)
			return (0);
	}
	if (f->format != NULL &&
	    (s->format == NULL || strcmp(f->format, s->format) != 0))
		return (0);
	if (f->have_since || f->have_until) {
		if (!(s->have & SR_HAVE_START))
			return (0);
		end = s->start_ns;
		if (s->have & SR_HAVE_DURATION)
			end = sr_ns_add(end, s->duration_ns);
		if (f->have_since && end < f->since_ns)
			return (0);
		if (f->have_until && s->start_ns > f->until_ns)
			return (0);
	}
	return (1);
}

static int
json_str_or_null(struct sr_buf *b, const char *v)
{
	if (v == NULL)
		return (sr_buf_append(b, "null", 4));
	return (sr_str_json(b, v, strlen(v)));
}

int
sr_session_json(struct sr_buf *b, const struct sr_session *s, int extras)
{
	char when[64];
	size_t i;
	int r = SR_E_NONE;

#define TRY(x)                                                                 \
	do {                                                                   \
		if ((r = (x)) != SR_E_NONE)                                    \
			return (r);                                            \
	} while (0)
	TRY(sr_buf_putc(b, '{'));
	for (i = 0; i < SR_F__COUNT; i++) {
		TRY(sr_buf_printf(b, "%s\"%s\":", i ? "," : "",
		    field_names[i]));
		TRY(json_str_or_null(b, s->field[i]));
	}
	TRY(sr_buf_append(b, ",\"argv\":", 8));
	if (s->argv == NULL)
		TRY(sr_buf_append(b, "null", 4));
	else {
		TRY(sr_buf_putc(b, '['));
		for (i = 0; i < s->argc; i++) {
			if (i)
				TRY(sr_buf_putc(b, ','));
			TRY(sr_str_json(b, s->argv[i], strlen(s->argv[i])));
		}
		TRY(sr_buf_putc(b, ']'));
	}
	if (s->have & SR_HAVE_START) {
		sr_time_format_iso(s->start_ns, when, sizeof(when));
		TRY(sr_buf_printf(b, ",\"start\":\"%s\",\"start_ns\":%" PRId64,
		    when, s->start_ns));
	} else
		TRY(sr_buf_printf(b, ",\"start\":null,\"start_ns\":null"));
	if (s->have & SR_HAVE_DURATION)
		TRY(sr_buf_printf(b,
		    ",\"duration\":%" PRId64 ".%09" PRId64
		    ",\"duration_ns\":%" PRId64,
		    (int64_t)(s->duration_ns / SR_NSEC_PER_SEC),
		    (int64_t)(s->duration_ns % SR_NSEC_PER_SEC),
		    s->duration_ns));
	else
		TRY(sr_buf_printf(b,
		    ",\"duration\":null,\"duration_ns\":null"));
	if (s->have & SR_HAVE_GEOMETRY)
		TRY(sr_buf_printf(b, ",\"rows\":%u,\"cols\":%u", s->rows,
		    s->cols));
	else
		TRY(sr_buf_printf(b, ",\"rows\":null,\"cols\":null"));
	if (s->have & SR_HAVE_EXIT)
		TRY(sr_buf_printf(b, ",\"exit_status\":%d", s->exit_status));
	else
		TRY(sr_buf_printf(b, ",\"exit_status\":null"));
	TRY(sr_buf_printf(b, ",\"exit_signal\":"));
	TRY(json_str_or_null(b,
	    (s->have & SR_HAVE_SIGNAL) ? s->exit_signal : NULL));
	TRY(sr_buf_printf(b, ",\"state\":\"%s\"",
	    s->state == SR_STATE_COMPLETE	  ? "complete"
		: s->state == SR_STATE_INCOMPLETE ? "incomplete"
						  : "unknown"));
	TRY(sr_buf_printf(b, ",\"format\":"));
	TRY(json_str_or_null(b, s->format));
	TRY(sr_buf_printf(b, ",\"path\":"));
	TRY(json_str_or_null(b, s->path));
	if (extras) {
		TRY(sr_buf_append(b, ",\"extras\":{", 11));
		for (i = 0; i < s->nextras; i++) {
			if (i)
				TRY(sr_buf_putc(b, ','));
			TRY(sr_str_json(b, s->extras[i].key,
			    strlen(s->extras[i].key)));
			TRY(sr_buf_putc(b, ':'));
			TRY(sr_str_json(b, s->extras[i].value,
			    strlen(s->extras[i].value)));
		}
		TRY(sr_buf_putc(b, '}'));
	}
	TRY(sr_buf_putc(b, '}'));
#undef TRY
	return (r);
}
