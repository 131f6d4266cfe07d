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
 * Event type and stream names, shared by info, JSON output and messages.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "sr-private.h"

const char *
sr_event_type_name(enum sr_event_type t)
{
	switch (t) {
	case SR_EV_OUTPUT:
		return ("output");
	case SR_EV_INPUT:
		return ("input");
	case SR_EV_RESIZE:
		return ("resize");
	case SR_EV_SUSPEND:
		return ("suspend");
	case SR_EV_RESUME:
		return ("resume");
	case SR_EV_MARKER:
		return ("marker");
	case SR_EV_END:
		return ("end");
	}
	return ("unknown");
}

const char *
sr_stream_id_name(enum sr_stream_id s)
{
	switch (s) {
	case SR_STREAM_NONE:
		return ("none");
	case SR_STREAM_TTYOUT:
		return ("ttyout");
	case SR_STREAM_TTYIN:
		return ("ttyin");
	case SR_STREAM_STDIN:
		return ("stdin");
	case SR_STREAM_STDOUT:
		return ("stdout");
	case SR_STREAM_STDERR:
		return ("stderr");
	}
	return ("unknown");
}

int
sr_event_pipe(const struct sr_session *s, const struct sr_event *ev)
{
	if (ev->type != SR_EV_OUTPUT)
		return (0);
	if ((ev->flags & SR_EVF_PIPE) || ev->stream == SR_STREAM_STDOUT ||
	    ev->stream == SR_STREAM_STDERR)
		return (1);
	/*
	 * tlog-rec writes no window when its output is not a terminal, and
	 * neither does sessrec-rec when it runs a command on pipes.
	 */
	return (s != NULL && !(s->have & SR_HAVE_GEOMETRY) &&
	    s->format != NULL &&
	    (strcmp(s->format, "tlog") == 0 ||
		strcmp(s->format, "sessrec") == 0));
}
