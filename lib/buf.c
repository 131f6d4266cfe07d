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
 * Bounded buffers.  Every buffer grown from input has a maximum, so a
 * hostile recording can make sessrec fail cleanly but never make it eat
 * the machine.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

static char sr_buf_empty[1];

void
sr_buf_init(struct sr_buf *b, size_t max)
{
	b->data = sr_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
sr_buf_release(struct sr_buf *b)
{
	if (b->cap != 0)
		free(b->data);
	b->data = sr_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
sr_buf_reset(struct sr_buf *b)
{
	b->len = 0;
	if (b->cap != 0)
		b->data[0] = '\0';
}

int
sr_buf_reserve(struct sr_buf *b, size_t extra)
{
	size_t want, ncap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return (SR_E_LIMIT);
	want = b->len + extra + 1;
	if (want <= b->cap)
		return (SR_E_NONE);
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	/* The NUL needs one byte past max (and max + 1 must not wrap). */
	if (b->max < SIZE_MAX && ncap > b->max + 1)
		ncap = b->max + 1;
	if (b->cap == 0) {
		if ((p = malloc(ncap)) == NULL)
			return (SR_E_NOMEM);
		p[0] = '\0';
	} else if ((p = realloc(b->data, ncap)) == NULL)
		return (SR_E_NOMEM);
	b->data = p;
	b->cap = ncap;
	return (SR_E_NONE);
}

int
sr_buf_append(struct sr_buf *b, const void *p, size_t n)
{
	int r;

	if (n == 0)
		return (SR_E_NONE);
	if ((r = sr_buf_reserve(b, n)) != SR_E_NONE)
		return (r);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return (SR_E_NONE);
}

int
sr_buf_putc(struct sr_buf *b, int c)
{
	unsigned char ch = (unsigned char)c;

	return (sr_buf_append(b, &ch, 1));
}

int
sr_buf_printf(struct sr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return (SR_E_MISUSE);
	if ((r = sr_buf_reserve(b, (size_t)n)) != SR_E_NONE)
		return (r);
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return (SR_E_NONE);
}

char *
sr_buf_detach(struct sr_buf *b, size_t *lenp)
{
	char *p;

	if (lenp != NULL)
		*lenp = b->len;
	if (b->cap == 0)
		p = calloc(1, 1);
	else
		p = b->data;
	b->data = sr_buf_empty;
	b->len = 0;
	b->cap = 0;
	return (p);
}
