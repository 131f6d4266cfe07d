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
 * Fuzz target for the archive manifest parser (lib/manifest.c): any
 * bytes as a SESSREC-MANIFEST member.  What parses is encoded again
 * (unsigned) and parsed a second time: the two must agree, so the
 * writer never produces what the parser refuses.  The signature check
 * runs on every parsed manifest (with its own key) to reach that code.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "manifest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_manifest *m, *again;
	struct sr_error err;
	struct sr_buf b;
	size_t i;

	if (sr_manifest_parse(data, size, 1000, &m, &err) != SR_OK)
		return (0);
	(void)sr_manifest_sig_ok(m, m->pk);
	for (i = 0; i < m->nmembers; i++)
		if (sr_manifest_find(m, m->members[i].name) != (ssize_t)i)
			abort();
	sr_buf_init(&b, SR_MANIFEST_MAX + 1024);
	if (sr_manifest_encode(m, NULL, &b, &err) == SR_OK) {
		if (sr_manifest_parse(b.data, b.len, 1000, &again, &err) !=
		    SR_OK)
			abort();
		if (again->nmembers != m->nmembers || again->nrecs != m->nrecs)
			abort();
		sr_manifest_free(again);
	}
	sr_buf_release(&b);
	sr_manifest_free(m);
	return (0);
}
