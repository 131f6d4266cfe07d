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
 * Fuzz target: command extraction over arbitrary event streams.  The
 * input is a list of records: a kind byte (low 3 bits: output, tty input,
 * masked input, piped stdin, a new session, a flush, a marker; the
 * rest ignored), a length byte, then that many bytes of data.  Commands
 * must come out non-empty, at most 16 KiB, and in time order.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

struct seen {
	int64_t last;
};

static int
on_command(void *arg, const char *cmd, size_t len, int64_t t_ns,
    enum sr_command_source src)
{
	struct seen *s = arg;

	if (len == 0 || len > 16384 || cmd == NULL || src < SR_CMDSRC_OSC133 ||
	    src > SR_CMDSRC_ECHO)
		abort();
	/* Metadata comes first, at 0; the rest in time order. */
	if (src != SR_CMDSRC_META && t_ns < s->last)
		abort();
	s->last = t_ns;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_cmdex *x;
	struct sr_event ev;
	struct seen s = { 0 };
	size_t pos = 0, n;
	int64_t t = 0;
	int kind;

	if ((x = sr_cmdex_new(on_command, &s)) == NULL)
		return (0);
	sr_cmdex_session(x, NULL);
	while (pos + 2 <= size) {
		kind = data[pos] & 7;
		n = data[pos + 1];
		pos += 2;
		if (n > size - pos)
			n = size - pos;
		memset(&ev, 0, sizeof(ev));
		ev.t_ns = t += 1000;
		ev.data = data + pos;
		ev.len = n;
		switch (kind) {
		case 0:
		case 1:
			ev.type = SR_EV_OUTPUT;
			ev.stream = SR_STREAM_TTYOUT;
			break;
		case 2:
			ev.type = SR_EV_INPUT;
			ev.stream = SR_STREAM_TTYIN;
			break;
		case 3:
			ev.type = SR_EV_INPUT;
			ev.stream = SR_STREAM_TTYIN;
			ev.flags = SR_EVF_MASKED;
			ev.len = 0;
			break;
		case 4:
			ev.type = SR_EV_INPUT;
			ev.stream = SR_STREAM_STDIN;
			break;
		case 5:
			sr_cmdex_flush(x);
			sr_cmdex_session(x, NULL);
			s.last = 0;
			pos += n;
			continue;
		case 6:
			sr_cmdex_flush(x);
			pos += n;
			continue;
		default:
			ev.type = SR_EV_MARKER;
			break;
		}
		(void)sr_cmdex_event(x, &ev);
		pos += n;
	}
	sr_cmdex_flush(x);
	sr_cmdex_free(x);
	return (0);
}
