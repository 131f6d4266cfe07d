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
 * Redaction: STUB, being written (see /work/ISSUE5.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>

#include "compat.h"
#include "sr-private.h"

int
sr_redact_new(struct sr_ctx *ctx, struct sr_redact **rp, struct sr_error *err)
{
	(void)ctx;
	*rp = NULL;
	return (sr_error_set(err, SR_FATAL, SR_E_FORMAT, NULL, NULL,
	    "not written yet"));
}

void
sr_redact_free(struct sr_redact *r)
{
	(void)r;
}

int
sr_redact_add_file(struct sr_redact *r, const char *path, struct sr_error *err)
{
	(void)r;
	return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, path, NULL,
	    "not written yet"));
}

size_t
sr_redact_nrules(const struct sr_redact *r)
{
	(void)r;
	return (0);
}

void
sr_redact_rule(const struct sr_redact *r, size_t i, const char **id,
    const char **description)
{
	(void)r;
	(void)i;
	*id = *description = "";
}

void
sr_redact_reset(struct sr_redact *r)
{
	(void)r;
}

int
sr_redact_line(struct sr_redact *r, const char *line, size_t len,
    struct sr_span *spans, size_t max, size_t *n, struct sr_error *err)
{
	(void)r;
	(void)line;
	(void)len;
	(void)spans;
	(void)max;
	(void)err;
	*n = 0;
	return (SR_OK);
}

int
sr_redact_apply(const char *line, size_t len, const struct sr_span *spans,
    size_t n, struct sr_buf *out)
{
	(void)spans;
	(void)n;
	return (sr_buf_append(out, line, len));
}
