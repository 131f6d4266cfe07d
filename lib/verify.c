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
 * Verification: STUB, being written (see /work/ISSUE6.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>

#include "compat.h"
#include "sr-private.h"

const char *
sr_verdict_name(enum sr_verdict v)
{
	switch (v) {
	case SR_VERDICT_OK:
		return ("OK");
	case SR_VERDICT_CONSISTENT:
		return ("CONSISTENT");
	case SR_VERDICT_INCOMPLETE:
		return ("INCOMPLETE");
	case SR_VERDICT_CORRUPT:
		return ("CORRUPT");
	case SR_VERDICT_TAMPERED:
		return ("TAMPERED");
	}
	return ("?");
}

struct sr_trust {
	size_t n;
};

struct sr_trust *
sr_trust_new(void)
{
	return (calloc(1, sizeof(struct sr_trust)));
}

void
sr_trust_free(struct sr_trust *t)
{
	free(t);
}

int
sr_trust_add(struct sr_trust *t, const char *path, int64_t not_before,
    int64_t not_after, struct sr_error *err)
{
	(void)t;
	(void)not_before;
	(void)not_after;
	return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, path, NULL,
	    "not written yet"));
}

size_t
sr_trust_count(const struct sr_trust *t)
{
	return (t->n);
}

int
sr_verify(struct sr_ctx *ctx, struct sr_input *in, const char *member,
    const struct sr_format *fmt, const struct sr_trust *trust,
    const char *witness, size_t witness_len, unsigned flags,
    struct sr_verify_result *res, struct sr_error *err)
{
	(void)ctx;
	(void)in;
	(void)member;
	(void)fmt;
	(void)trust;
	(void)witness;
	(void)witness_len;
	(void)flags;
	(void)res;
	return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
	    "not written yet"));
}
