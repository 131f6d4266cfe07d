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
 * Fuzz target: redaction of arbitrary lines with the state carried from
 * line to line (private key blocks).  The first byte picks how many spans
 * the caller has room for; the rest is cut into lines at '\n'.  Every
 * result is checked: spans in order, inside the line, not overlapping,
 * and the redacted text built from them.  Aborts on a violation so that
 * the fuzzer reports it.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

static struct sr_redact *rs;

/* The output holds "[REDACTED:" (the line may hold NUL bytes). */
static int
has_marker(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 10 <= n; i++)
		if (memcmp(s + i, "[REDACTED:", 10) == 0)
			return (1);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_redact *r;
	struct sr_error err;
	struct sr_span sp[64];
	struct sr_buf out;
	const char *line = (const char *)data, *nl;
	size_t max, n, len, i, left;
	int st;

	/* Compiling the rules costs more than a run: once per process. */
	if (rs == NULL && sr_redact_new(NULL, &rs, &err) != SR_OK)
		abort();
	r = rs;
	sr_redact_reset(r);
	if (size == 0)
		return (0);
	max = 1 + data[0] % 64;
	line++;
	left = size - 1;
	sr_buf_init(&out, 1 << 22);
	while (left > 0) {
		nl = memchr(line, '\n', left);
		len = nl != NULL ? (size_t)(nl - line) : left;
		st = sr_redact_line(r, line, len, sp, max, &n, &err);
		if (n > max || (st != SR_OK && st != SR_FAILED))
			abort();
		for (i = 0; i < n; i++)
			if (sp[i].so >= sp[i].eo || sp[i].eo > len ||
			    (i > 0 && sp[i].so <= sp[i - 1].eo) ||
			    sp[i].rule_id == NULL)
				abort();
		sr_buf_reset(&out);
		if (sr_redact_apply(line, len, sp, n, &out) != SR_E_NONE)
			abort();
		/* Every span became a marker. */
		if (n > 0 && !has_marker(out.data, out.len))
			abort();
		if (data[0] & 0x80)
			sr_redact_reset(r);
		if (nl == NULL)
			break;
		left -= len + 1;
		line = nl + 1;
	}
	sr_buf_release(&out);
	return (0);
}
