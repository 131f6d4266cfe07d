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
 * Matching: STUB, being written (see /work/ISSUE5.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>

#include "compat.h"
#include "sr-private.h"

int
sr_match_new(struct sr_ctx *ctx, const char *pattern, unsigned flags,
    struct sr_match **mp, struct sr_error *err)
{
	(void)ctx;
	(void)pattern;
	(void)flags;
	*mp = NULL;
	return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
	    "not written yet"));
}

void
sr_match_free(struct sr_match *m)
{
	(void)m;
}

int
sr_match_exec(struct sr_match *m, const char *s, size_t len, size_t start,
    size_t *so, size_t *eo, struct sr_error *err)
{
	(void)m;
	(void)s;
	(void)len;
	(void)start;
	(void)so;
	(void)eo;
	(void)err;
	return (SR_EOF);
}
