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
 * resize between them, then the text dump and every cell are read, and
 * the screen is resized back and gets the first piece again.  At
 * the split the screen is snapshotted and restored into a second screen
 * of another size, which gets the same second piece (no equality is
 * asserted: only that nothing breaks, and that a snapshot the screen
 * made itself always restores).  The whole input is also restored as
 * if it were a snapshot, which the seeds that are snapshots make reach
 * past the header.  ONLCR is on for the first piece when the split's
 * high byte has its top bit set, and for the second when its low byte
 * is odd.  The text dump must always be valid UTF-8 holding only code
 * points sr_cp_safe() keeps, and '\n'.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-common.h"

/* Small sizes mostly, now and then up to 255 x 255. */
static unsigned
dim(uint8_t b)
{
	return (b & 0x80 ? b : (unsigned)(b & 0x3f));
}

/* The dump holds nothing a terminal would act on. */
static void
check_text(const struct sr_buf *b)
{
	const unsigned char *u = (const unsigned char *)b->data;
	size_t i, n, k;
	uint32_t cp;

	for (i = 0; i < b->len; i += n) {
		if ((n = sr_utf8_valid(u + i, b->len - i)) == 0)
			abort();
		cp = n == 1 ? u[i] : u[i] & (0x7fu >> n);
		for (k = 1; k < n; k++)
			cp = cp << 6 | (u[i + k] & 0x3fu);
		if (cp != '\n' && sr_cp_safe(cp) != cp)
			abort();
	}
}

/* Reads everything a viewer would. */
static void
read_all(struct sr_screen *s)
{
	struct sr_cell c;
	struct sr_buf b;
	unsigned rows, cols, r, col;
	int vis;

	/* A restored snapshot may be 1000 x 1000: not all of it, then. */
	sr_screen_size(s, &rows, &cols);
	if (rows * cols <= 256 * 256) {
		sr_buf_init(&b, 1 << 24);
		if (sr_screen_text(s, &b) == SR_E_NONE)
			check_text(&b);
		sr_buf_release(&b);
	}
	for (r = 0; r <= rows && r <= 256; r++)
		for (col = 0; col <= cols && col <= 256; col++)
			sr_screen_cell(s, r, col, &c);
	sr_screen_cursor(s, &r, &col, &vis);
	(void)sr_screen_altscreen(s);
	(void)sr_screen_replies(s);
	(void)sr_screen_damage(s);
}

/* A snapshot of s must restore into t. */
static void
round_trip(struct sr_screen *s, struct sr_screen *t, struct sr_buf *b)
{
	sr_buf_reset(b);
	if (sr_screen_snapshot(s, b) != SR_E_NONE)
		abort();
	if (sr_screen_restore(t, b->data, b->len) != SR_OK)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_screen *s, *t;
	struct sr_buf b;
	size_t split;

	if (size < 6)
		return (0);
	s = sr_screen_new(dim(data[0]), dim(data[1]));
	t = sr_screen_new(dim(data[5]), dim(data[4]));
	if (s == NULL || t == NULL) {
		sr_screen_free(s);
		sr_screen_free(t);
		return (0);
	}
	sr_buf_init(&b, (size_t)1 << 26);
	split = ((size_t)data[2] << 8 | data[3]) % (size - 6 + 1);
	sr_screen_set_onlcr(s, data[2] >> 7);
	sr_screen_feed(s, data + 6, split);
	round_trip(s, t, &b);
	sr_screen_resize(s, dim(data[4]), dim(data[5]));
	sr_screen_resize(t, dim(data[4]), dim(data[5]));
	sr_screen_set_onlcr(s, data[3] & 1);
	sr_screen_set_onlcr(t, data[3] & 1);
	sr_screen_feed(s, data + 6 + split, size - 6 - split);
	sr_screen_feed(t, data + 6 + split, size - 6 - split);
	read_all(s);
	read_all(t);
	/* Back to the first size, with content: shrinks move lines. */
	sr_screen_resize(s, dim(data[0]), dim(data[1]));
	sr_screen_feed(s, data + 6, split < 256 ? split : 256);
	read_all(s);

	/* The input as a snapshot; then the screen is used on. */
	(void)sr_screen_restore(t, data, size);
	read_all(t);
	sr_screen_feed(t, data, size < 64 ? size : 64);
	round_trip(t, s, &b);
	read_all(s);
	sr_screen_reset(s, dim(data[1]), dim(data[0]));
	read_all(s);
	sr_buf_release(&b);
	sr_screen_free(s);
	sr_screen_free(t);
	return (0);
}
