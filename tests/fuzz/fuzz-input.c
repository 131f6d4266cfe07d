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
 * Fuzz target for the input layer: the bytes become a memory input (an
 * archive when libarchive recognizes one, else a single member), and
 * every member is read fully, decoded and raw, with read, getline, peek
 * and seek.  Invariants the byte view promises are checked with abort()
 * so that the fuzzer reports them: a stream read to its end without an
 * error has the size and offset of the bytes read, and getline returns
 * the same bytes again after a seek back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
drain(struct sr_input *in, const char *name, unsigned flags)
{
	unsigned char buf[4096];
	const unsigned char *p;
	const char *line;
	struct sr_stream *s;
	struct sr_error err;
	size_t got, avail, len, total = 0, again = 0, guard = 0;
	int complete, st, readerr, skipped = 0;

	if (sr_stream_open(in, name, flags, &s, &err) != SR_OK)
		return;
	(void)sr_stream_peek(s, 64, &avail);
	while ((st = sr_stream_read(s, buf, sizeof(buf), &got)) == SR_OK &&
	    got > 0)
		total += got;
	readerr = st != SR_OK;
	if (!readerr) {
		check(sr_stream_offset(s) == (int64_t)total);
		check(sr_stream_size(s) == (int64_t)total);
	}
	(void)sr_stream_truncated(s);
	(void)sr_stream_decoded(s);

	check(sr_stream_seek(s, 0) == SR_OK);
	while (guard++ < 100000) {
		st = sr_stream_getline(s, &line, &len, &complete, 512);
		if (st == SR_OK) {
			check(memchr(line, '\n', len) == NULL);
			check(len <= 512);
			again += len + (complete ? 1 : 0);
		} else if (st == SR_FAILED &&
		    sr_stream_error(s)->cat == SR_E_LIMIT)
			skipped = 1;
		else
			break;
	}
	if (!readerr && st == SR_EOF) {
		check(sr_stream_offset(s) == (int64_t)total);
		check(skipped || again == total);
	}

	check(sr_stream_seek(s, (int64_t)(total / 2)) == SR_OK);
	if ((p = sr_stream_peek(s, 1000, &avail)) != NULL && !readerr)
		check(avail ==
		    (total - total / 2 < 1000 ? total - total / 2 : 1000));
	sr_stream_consume(s, avail);
	(void)sr_stream_read(s, buf, sizeof(buf), &got);
	sr_stream_close(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_ctx *ctx = fuzz_ctx();
	struct sr_input *in;
	struct sr_error err;
	size_t i, n;

	if (ctx == NULL)
		return (0);
	/* Small limits reach the spool file and the limit paths. */
	sr_ctx_set_limit(ctx, SR_LIMIT_MEMBERS, 64);
	sr_ctx_set_limit(ctx, SR_LIMIT_SPOOL, 64 * 1024);
	sr_ctx_set_limit(ctx, SR_LIMIT_DECODED, 4 * 1024 * 1024);
	if (sr_input_open_mem(ctx, "fuzz", data, size, &in, &err) == SR_OK) {
		n = sr_input_nmembers(in);
		for (i = 0; i < n; i++) {
			const struct sr_member *m = sr_input_member(in, i);

			check(m != NULL && sr_input_find(in, m->name) == m);
			drain(in, m->name, 0);
			drain(in, m->name, SR_OPEN_RAW);
		}
		sr_input_close(in);
	}
	sr_ctx_free(ctx);
	return (0);
}
