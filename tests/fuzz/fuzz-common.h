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
 * Shared by the fuzz targets: a quiet context and a drain that exercises
 * probing, every reader and textview on whatever the input holds.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>

#include "sessrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_line(void *arg, const char *line, size_t len, int64_t t_ns)
{
	(void)arg;
	(void)line;
	(void)len;
	(void)t_ns;
	return (0);
}

/* A context with small limits so that fuzzing finds limit paths. */
static inline struct sr_ctx *
fuzz_ctx(void)
{
	struct sr_ctx *ctx = sr_ctx_new();

	if (ctx != NULL) {
		sr_ctx_set_limit(ctx, SR_LIMIT_EVENT, 1 << 16);
		sr_ctx_set_limit(ctx, SR_LIMIT_LINE, 1 << 18);
		sr_ctx_set_limit(ctx, SR_LIMIT_SPOOL, 1 << 22);
		sr_ctx_set_limit(ctx, SR_LIMIT_DECODED, 1 << 24);
		sr_ctx_set_limit(ctx, SR_LIMIT_SESSIONS, 256);
	}
	return (ctx);
}

/*
 * Reads every session and event of one recording with fmt (NULL probes),
 * feeding output to a textview.
 */
static inline void
fuzz_read(struct sr_ctx *ctx, struct sr_input *in, const char *member,
    const struct sr_format *fmt)
{
	struct sr_reader *r;
	struct sr_textview *tv;
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_error err;
	int st, es, guard = 0;

	if (sr_reader_open(ctx, in, member, fmt, &r, &err) != SR_OK)
		return;
	tv = sr_textview_new(4096, fuzz_line, NULL);
	while ((st = sr_reader_next_session(r, &s)) != SR_EOF &&
	    st != SR_FATAL && guard++ < 1000) {
		if (st == SR_FAILED)
			continue;
		while ((es = sr_reader_next_event(r, &ev)) == SR_OK ||
		    es == SR_WARN)
			if (tv != NULL && ev->type == SR_EV_OUTPUT)
				(void)sr_textview_feed(tv, ev->data, ev->len,
				    ev->t_ns);
		if (tv != NULL) {
			(void)sr_textview_flush(tv);
			sr_textview_reset(tv);
		}
	}
	sr_textview_free(tv);
	sr_reader_close(r);
}

/* Probes every member of in and reads whatever is recognized. */
static inline void
fuzz_drain(struct sr_ctx *ctx, struct sr_input *in)
{
	struct sr_found *found;
	struct sr_error err;
	size_t i, n;

	if (sr_probe_container(in, 0, &found, &n, &err) != SR_OK)
		return;
	for (i = 0; i < n; i++)
		fuzz_read(ctx, in, found[i].member, found[i].fmt);
	sr_found_free_all(found, n);
}

/*
 * Reads data as a single member called name with the format forced, so
 * that a target reaches its parser even when the probe would say no.
 */
static inline void
fuzz_one_format(const char *fmtname, const char *name, const uint8_t *data,
    size_t size)
{
	struct sr_ctx *ctx = fuzz_ctx();
	struct sr_input *in;
	struct sr_error err;

	if (ctx == NULL)
		return;
	if (sr_input_open_mem(ctx, name, data, size, &in, &err) == SR_OK) {
		fuzz_read(ctx, in, name, sr_format_find(fmtname));
		fuzz_drain(ctx, in);
		sr_input_close(in);
	}
	sr_ctx_free(ctx);
}

#endif /* FUZZ_COMMON_H */
