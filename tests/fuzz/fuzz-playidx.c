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
 * Play index.  The first byte picks the mode:
 *   even: the rest is an index file (untrusted, as a planted or damaged
 *         cache file would be): it is loaded, and when that works,
 *         sought, read through, searched and its marks read;
 *   odd:  the rest is a list of events (type, time step, length, bytes)
 *         that is indexed, and the index read back the same way, so the
 *         builder, its marks and the file it writes are fuzzed too.
 * Must never crash, hang or allocate without bound.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"

static int
scratch_fd(void)
{
	static int fd = -1;
	char path[] = "/tmp/fuzz-playidx.XXXXXX";

	if (fd == -1) {
#ifdef MFD_CLOEXEC
		fd = memfd_create("fuzz-playidx", MFD_CLOEXEC);
#endif
		if (fd == -1 && (fd = mkstemp(path)) != -1)
			(void)unlink(path);
	}
	if (fd != -1 && ftruncate(fd, 0) != 0)
		return (-1);
	return (fd);
}

static void
exercise(struct sr_playidx *x)
{
	struct sr_playcur *c = sr_playcur_new(x);
	struct sr_screen *scr = sr_screen_new(24, 80);
	const struct sr_event *ev;
	struct sr_mark m;
	int64_t t, d = sr_playidx_duration(x);
	size_t i, n;
	unsigned rows, cols;

	sr_playidx_geometry(x, &rows, &cols);
	if (c != NULL && scr != NULL) {
		(void)sr_playcur_seek(c, d / 2, scr);
		(void)sr_playcur_seek(c, d + 1, scr);
		(void)sr_playcur_seek(c, -1, scr);
		for (n = 0; n < 100000 && sr_playcur_next(c, &ev) == SR_OK; n++)
			if (ev->type == SR_EV_OUTPUT)
				sr_screen_feed(scr, ev->data, ev->len);
		(void)sr_playcur_seek(c, d / 3, scr);
		(void)sr_playcur_next(c, &ev);
	}
	(void)sr_playidx_search(x, "a", -1, 0, &t);
	(void)sr_playidx_search(x, "A", INT64_MAX, 1, &t);
	n = sr_playidx_nmarks(x);
	for (i = 0; i < n && i < 1000; i++)
		(void)sr_playidx_mark(x, i, &m);
	(void)sr_playidx_status(x);
	(void)sr_playidx_error(x);
	sr_screen_free(scr);
	sr_playcur_free(c);
}

static void
load_and_use(int fd)
{
	struct sr_playidx *x;
	struct sr_error err;

	if (sr_playidx_load(NULL, fd, NULL, &x, &err) == SR_OK) {
		exercise(x);
		sr_playidx_free(x);
	}
}

static void
build(int fd, const uint8_t *p, size_t n)
{
	struct sr_session s;
	struct sr_playidx *x;
	struct sr_event ev;
	struct sr_error err;
	int64_t t = 0;
	size_t len;

	sr_session_init(&s, 1 << 16);
	if (n >= 2) {
		s.have |= SR_HAVE_GEOMETRY;
		s.rows = p[0];
		s.cols = p[1];
		p += 2;
		n -= 2;
	}
	if (sr_playidx_create(NULL, fd, "fuzz", &s, &x, &err) != SR_OK) {
		sr_session_release(&s);
		return;
	}
	while (n >= 3) {
		memset(&ev, 0, sizeof(ev));
		ev.type = (enum sr_event_type)(p[0] & 7);
		ev.stream = (enum sr_stream_id)(p[0] >> 3 & 7);
		ev.flags = p[0] >> 6;
		t += (int64_t)p[1] * 1000 - 20000; /* may go back */
		ev.t_ns = t;
		ev.rows = p[1];
		ev.cols = p[2];
		len = p[2] < n - 3 ? p[2] : n - 3;
		ev.data = p + 3;
		ev.len = len;
		if (p[0] == 0xff)
			(void)sr_playidx_flush(x);
		else if (sr_playidx_add(x, &ev) != SR_OK)
			break;
		p += 3 + len;
		n -= 3 + len;
	}
	if (sr_playidx_finish(x, SR_OK) == SR_OK)
		exercise(x);
	sr_playidx_free(x);
	sr_session_release(&s);
	load_and_use(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;

	if (size < 1 || (fd = scratch_fd()) == -1)
		return (0);
	if (data[0] & 1) {
		build(fd, data + 1, size - 1);
		return (0);
	}
	if (size > 1 &&
	    pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		return (0);
	load_and_use(fd);
	return (0);
}
