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
 * Fuzzes textview with terminal output, and the string escapers with the
 * same bytes.  Besides memory errors it checks the promises, and aborts
 * when one breaks:
 * - every line is valid UTF-8 without any control character, and no
 *   longer than its max_line cells can encode;
 * - the lines do not depend on how the output was cut into events: the
 *   input fed whole and fed one byte at a time (and in uneven pieces)
 *   gives the same lines;
 * - sr_str_escape() output holds no control byte, and sr_str_json()
 *   output is valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

struct digest {
	uint64_t h;
	size_t lines;
	size_t max_line;
};

/* One UTF-8 check for lines and escaped strings. */
static void
check_text(const unsigned char *p, size_t len, int allow_controls)
{
	size_t i, k;

	for (i = 0; i < len; i += k) {
		if ((k = sr_utf8_valid(p + i, len - i)) == 0)
			abort();
		if (allow_controls)
			continue;
		if (p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] == 0xc2 && p[i + 1] < 0xa0))
			abort();
	}
}

static int
digest_line(void *arg, const char *line, size_t len, int64_t t_ns)
{
	struct digest *d = arg;
	size_t i;

	(void)t_ns;
	if (line[len] != '\0')
		abort();
	/* 4 bytes a cell, plus combining marks (32 bytes a cell at most). */
	if (len > d->max_line * 32)
		abort();
	check_text((const unsigned char *)line, len, 0);
	/* FNV-1a over the line and its end. */
	for (i = 0; i < len; i++)
		d->h = (d->h ^ (unsigned char)line[i]) * 0x100000001b3ULL;
	d->h = (d->h ^ 0x100) * 0x100000001b3ULL;
	d->lines++;
	return (0);
}

/*
 * Feeds data whole (step 0), a byte at a time (step 1) or in uneven
 * pieces of 1, 2, 3, 1, 2, 3... bytes (step 2), then flushes.
 */
static void
run(const uint8_t *data, size_t size, size_t max_line, int step,
    struct digest *d)
{
	struct sr_textview *tv;
	size_t off, n, k = 0;

	memset(d, 0, sizeof(*d));
	d->h = 0xcbf29ce484222325ULL;
	d->max_line = max_line;
	if ((tv = sr_textview_new(max_line, digest_line, d)) == NULL)
		return;
	for (off = 0; off < size; off += n) {
		n = step == 0 ? size : step == 1 ? 1 : k++ % 3 + 1;
		if (n > size - off)
			n = size - off;
		if (sr_textview_feed(tv, data + off, n, 0) != 0)
			abort();
	}
	if (sr_textview_flush(tv) != 0)
		abort();
	sr_textview_free(tv);
}

static void
check_textview(const uint8_t *data, size_t size, size_t max_line)
{
	struct digest whole, bytes, pieces;

	run(data, size, max_line, 0, &whole);
	run(data, size, max_line, 1, &bytes);
	run(data, size, max_line, 2, &pieces);
	if (whole.h != bytes.h || whole.lines != bytes.lines ||
	    whole.h != pieces.h || whole.lines != pieces.lines)
		abort();
}

static void
check_str(const uint8_t *data, size_t size)
{
	struct sr_buf b;

	sr_buf_init(&b, 1 << 22);
	if (sr_str_escape(&b, (const char *)data, size) == SR_E_NONE)
		check_text((const unsigned char *)b.data, b.len, 0);
	sr_buf_reset(&b);
	if (sr_str_json(&b, (const char *)data, size) == SR_E_NONE)
		check_text((const unsigned char *)b.data, b.len, 1);
	sr_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return (0);
	check_textview(data, size, 4096);
	check_textview(data, size, 7);
	check_str(data, size);
	return (0);
}
