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
 * Memory inputs, for tests, fuzzers and callers that already hold the
 * bytes.  The memory is borrowed: a single member is read in place, and
 * only an archive's members are copied (spooled) at open.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "compat.h"
#include "input-private.h"

static const unsigned char empty[1];

int
sr_input_mem_single(struct sr_input *in, const char *name, const void *data,
    size_t len, struct sr_error *err)
{
	struct sr_imember *m;
	int status;

	if ((status = sr_input_add(in, name, &m, err)) != SR_OK)
		return (status);
	m->where = SR_MDATA_MEM;
	m->mem = data != NULL ? data : empty;
	m->len = (int64_t)len;
	m->pub.size = (int64_t)len;
	in->kind = SR_INPUT_MEM;
	return (SR_OK);
}

int
sr_input_open_mem(struct sr_ctx *ctx, const char *name, const void *data,
    size_t len, struct sr_input **inp, struct sr_error *err)
{
	struct sr_input *in;
	struct sr_src src;
	int isarch, status;

	if (inp == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no input handle"));
	*inp = NULL;
	if (ctx == NULL || name == NULL || (data == NULL && len > 0))
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, name, NULL,
		    "no context, name or data"));
	if (err != NULL)
		sr_error_clear(err);
	if ((status = sr_input_new(ctx, SR_INPUT_MEM, name, &in, err)) != SR_OK)
		return (status);
	memset(&src, 0, sizeof(src));
	src.mem = data != NULL ? data : empty;
	src.fd = -1;
	src.len = (int64_t)len;
	status = sr_archive_load(in, &src, &isarch, err);
	if (status == SR_OK && !isarch)
		status = sr_input_mem_single(in, name, data, len, err);
	if (status != SR_OK) {
		sr_input_close(in);
		return (status);
	}
	sr_input_sort(in);
	*inp = in;
	return (SR_OK);
}
