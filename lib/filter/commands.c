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
 * Commands: STUB, being written (see /work/ISSUE5.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>

#include "compat.h"
#include "sr-private.h"

struct sr_cmdex {
	sr_command_fn fn;
	void *arg;
};

struct sr_cmdex *
sr_cmdex_new(sr_command_fn fn, void *arg)
{
	struct sr_cmdex *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return (NULL);
	x->fn = fn;
	x->arg = arg;
	return (x);
}

void
sr_cmdex_free(struct sr_cmdex *x)
{
	free(x);
}

int
sr_cmdex_session(struct sr_cmdex *x, const struct sr_session *s)
{
	(void)x;
	(void)s;
	return (0);
}

int
sr_cmdex_event(struct sr_cmdex *x, const struct sr_event *ev)
{
	(void)x;
	(void)ev;
	return (0);
}

int
sr_cmdex_flush(struct sr_cmdex *x)
{
	(void)x;
	return (0);
}
