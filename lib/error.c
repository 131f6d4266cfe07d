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
 * Error details.  An error carries a category, the container path, a
 * location inside it and a message, so that the CLI can print one line
 * naming the file and where in it things went wrong.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

void
sr_loc_clear(struct sr_loc *loc)
{
	loc->member[0] = '\0';
	loc->line = -1;
	loc->msg_id = -1;
	loc->offset = -1;
}

void
sr_loc_set_member(struct sr_loc *loc, const char *member)
{
	strlcpy(loc->member, member != NULL ? member : "", sizeof(loc->member));
}

void
sr_error_clear(struct sr_error *e)
{
	e->cat = SR_E_NONE;
	e->errnum = 0;
	e->path[0] = '\0';
	sr_loc_clear(&e->loc);
	e->msg[0] = '\0';
}

int
sr_error_vset(struct sr_error *e, int status, enum sr_errcat cat,
    const char *path, const struct sr_loc *loc, const char *fmt, va_list ap)
{
	if (e == NULL)
		return (status);
	e->cat = cat;
	e->errnum = 0;
	if (path != NULL)
		strlcpy(e->path, path, sizeof(e->path));
	if (loc != NULL && loc != &e->loc)
		e->loc = *loc;
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return (status);
}

int
sr_error_set(struct sr_error *e, int status, enum sr_errcat cat,
    const char *path, const struct sr_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	status = sr_error_vset(e, status, cat, path, loc, fmt, ap);
	va_end(ap);
	return (status);
}

char *
sr_loc_format(const struct sr_loc *loc, char *buf, size_t len)
{
	size_t n = 0;
	int r;

	if (len == 0)
		return (buf);
	buf[0] = '\0';
#define APPEND(...)                                                            \
	do {                                                                   \
		if (n < len) {                                                 \
			r = snprintf(buf + n, len - n, __VA_ARGS__);           \
			if (r > 0)                                             \
				n += (size_t)r;                                \
		}                                                              \
	} while (0)
	if (loc->member[0] != '\0')
		APPEND("member '%s'", loc->member);
	if (loc->line >= 0)
		APPEND("%sline %" PRId64, n ? ": " : "", loc->line);
	if (loc->msg_id >= 0)
		APPEND("%smessage id %" PRId64, n ? ": " : "", loc->msg_id);
	if (loc->offset >= 0)
		APPEND("%soffset %" PRId64, n ? ": " : "", loc->offset);
#undef APPEND
	return (buf);
}

char *
sr_error_format(const struct sr_error *e, char *buf, size_t len)
{
	char where[SR_MEMBER_MAX + 96];
	struct sr_loc l = e->loc;

	/* "'dir/x.cast': member 'x.cast'" says the same thing twice. */
	if (l.member[0] != '\0' && e->path[0] != '\0' &&
	    strcmp(l.member, sr_basename(e->path)) == 0)
		l.member[0] = '\0';
	sr_loc_format(&l, where, sizeof(where));
	if (e->path[0] != '\0' && where[0] != '\0')
		(void)snprintf(buf, len, "'%s': %s: %s", e->path, where,
		    e->msg);
	else if (e->path[0] != '\0')
		(void)snprintf(buf, len, "'%s': %s", e->path, e->msg);
	else if (where[0] != '\0')
		(void)snprintf(buf, len, "%s: %s", where, e->msg);
	else
		(void)snprintf(buf, len, "%s", e->msg);
	return (buf);
}

const char *
sr_errcat_name(enum sr_errcat cat)
{
	switch (cat) {
	case SR_E_NONE:
		return ("none");
	case SR_E_IO:
		return ("i/o error");
	case SR_E_NOMEM:
		return ("out of memory");
	case SR_E_FORMAT:
		return ("format error");
	case SR_E_LIMIT:
		return ("limit exceeded");
	case SR_E_UNSUPPORTED:
		return ("unsupported");
	case SR_E_MISUSE:
		return ("misuse");
	case SR_E_TRUNCATED:
		return ("truncated");
	}
	return ("unknown");
}
