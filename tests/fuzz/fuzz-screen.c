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
 * Terminal screen: the first 6 bytes pick the geometry, a split point
 * and the size after a resize; the rest is fed in two pieces with the
 * resize between them, then the text dump and every cell are read.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz-common.h"

/* Small sizes mostly, now and then up to 255 x 255. */
static unsigned
dim(uint8_t b)
{
	return (b & 0x80 ? b : (unsigned)(b & 0x3f));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_screen *s;
	struct sr_cell c;
	struct sr_buf b;
	unsigned rows, cols, r, col;
	int vis;
	size_t split;

	if (size < 6)
		return (0);
	s = sr_screen_new(dim(data[0]), dim(data[1]));
	if (s == NULL)
		return (0);
	split = ((size_t)data[2] << 8 | data[3]) % (size - 6 + 1);
	sr_screen_feed(s, data + 6, split);
	sr_screen_resize(s, dim(data[4]), dim(data[5]));
	sr_screen_feed(s, data + 6 + split, size - 6 - split);
	sr_buf_init(&b, 1 << 24);
	(void)sr_screen_text(s, &b);
	sr_buf_release(&b);
	sr_screen_size(s, &rows, &cols);
	for (r = 0; r <= rows; r++)
		for (col = 0; col <= cols; col++)
			sr_screen_cell(s, r, col, &c);
	sr_screen_cursor(s, &r, &col, &vis);
	(void)sr_screen_altscreen(s);
	(void)sr_screen_replies(s);
	sr_screen_free(s);
	return (0);
}
