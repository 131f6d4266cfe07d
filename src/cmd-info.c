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
 * sessrec info: every metadata field of a session (extras too), event
 * and byte counts, duration and geometry changes; --json for machines.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

#define MAX_RESIZES 1000

struct counts {
	uint64_t events[SR_EV_END + 1];
	uint64_t bytes[SR_STREAM_STDERR + 1];
	int64_t last_ns;
	size_t nresize;
	struct {
		int64_t t_ns;
		unsigned rows, cols;
	} resize[MAX_RESIZES];
	size_t lost_resizes;
};

static void
field_line(const char *key, const char *v)
{
	printf("%-12s ", key);
	sr_out_escaped(stdout, v);
	putchar('\n');
}

static void
print_text(const struct sr_session *s, const struct counts *c, size_t warnings)
{
	char tmp[64];
	size_t i;

	for (i = 0; i < SR_F__COUNT; i++)
		field_line(sr_field_name((enum sr_field)i), s->field[i]);
	if (s->argv != NULL) {
		printf("%-12s ", "argv");
		for (i = 0; i < s->argc; i++) {
			if (i)
				putchar(' ');
			putchar('[');
			sr_out_escaped(stdout, s->argv[i]);
			putchar(']');
		}
		putchar('\n');
	} else
		field_line("argv", NULL);
	field_line("start",
	    (s->have & SR_HAVE_START)
		? sr_time_format_iso(s->start_ns, tmp, sizeof(tmp))
		: NULL);
	field_line("duration",
	    (s->have & SR_HAVE_DURATION)
		? sr_time_format_offset(s->duration_ns, tmp, sizeof(tmp))
		: NULL);
	if (s->have & SR_HAVE_GEOMETRY)
		printf("%-12s %ux%u\n", "geometry", s->cols, s->rows);
	else
		field_line("geometry", NULL);
	if (s->have & SR_HAVE_EXIT)
		printf("%-12s %d\n", "exit_status", s->exit_status);
	else
		field_line("exit_status", NULL);
	field_line("exit_signal",
	    (s->have & SR_HAVE_SIGNAL) ? s->exit_signal : NULL);
	field_line("state",
	    s->state == SR_STATE_COMPLETE	  ? "complete"
		: s->state == SR_STATE_INCOMPLETE ? "incomplete"
						  : "unknown");
	field_line("format", s->format);
	field_line("path", s->path);
	for (i = 0; i < s->nextras; i++) {
		printf("%-12s ", "extra");
		sr_out_escaped(stdout, s->extras[i].key);
		fputs(": ", stdout);
		sr_out_escaped(stdout, s->extras[i].value);
		putchar('\n');
	}
	printf("%-12s", "events");
	for (i = SR_EV_OUTPUT; i <= SR_EV_END; i++)
		if (c->events[i])
			printf(" %s=%" PRIu64,
			    sr_event_type_name((enum sr_event_type)i),
			    c->events[i]);
	putchar('\n');
	printf("%-12s", "bytes");
	for (i = SR_STREAM_TTYOUT; i <= SR_STREAM_STDERR; i++)
		if (c->bytes[i])
			printf(" %s=%" PRIu64,
			    sr_stream_id_name((enum sr_stream_id)i),
			    c->bytes[i]);
	putchar('\n');
	printf("%-12s %s\n", "last_event",
	    sr_time_format_offset(c->last_ns, tmp, sizeof(tmp)));
	for (i = 0; i < c->nresize; i++)
		printf("%-12s %s %ux%u\n", "resize",
		    sr_time_format_offset(c->resize[i].t_ns, tmp, sizeof(tmp)),
		    c->resize[i].cols, c->resize[i].rows);
	if (c->lost_resizes)
		printf("%-12s %zu more not shown\n", "resize", c->lost_resizes);
	printf("%-12s %zu\n", "warnings", warnings);
}

static void
print_json(const struct sr_session *s, const struct counts *c, size_t warnings)
{
	struct sr_buf b;
	size_t i;
	int first;

	sr_buf_init(&b, 1 << 24);
	if (sr_session_json(&b, s, 1) != SR_E_NONE || b.len == 0)
		sr_errx(SR_EXIT_INTERNAL, "session too large");
	b.len--; /* reopen the object */
	(void)sr_buf_append(&b, ",\"events\":{", 11);
	for (i = SR_EV_OUTPUT, first = 1; i <= SR_EV_END; i++) {
		(void)sr_buf_printf(&b, "%s\"%s\":%" PRIu64, first ? "" : ",",
		    sr_event_type_name((enum sr_event_type)i), c->events[i]);
		first = 0;
	}
	(void)sr_buf_append(&b, "},\"bytes\":{", 11);
	for (i = SR_STREAM_TTYOUT, first = 1; i <= SR_STREAM_STDERR; i++) {
		(void)sr_buf_printf(&b, "%s\"%s\":%" PRIu64, first ? "" : ",",
		    sr_stream_id_name((enum sr_stream_id)i), c->bytes[i]);
		first = 0;
	}
	(void)sr_buf_printf(&b, "},\"last_event_ns\":%" PRId64 ",\"resizes\":[",
	    c->last_ns);
	for (i = 0; i < c->nresize; i++)
		(void)sr_buf_printf(&b,
		    "%s{\"t_ns\":%" PRId64 ",\"rows\":%u,\"cols\":%u}",
		    i ? "," : "", c->resize[i].t_ns, c->resize[i].rows,
		    c->resize[i].cols);
	if (sr_buf_printf(&b, "],\"warnings\":%zu}\n", warnings) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "session too large");
	fwrite(b.data, 1, b.len, stdout);
	sr_buf_release(&b);
}

static int
info_one(void *arg, struct sr_reader *r, const struct sr_session *s, size_t nth,
    int several)
{
	const int *json = arg;
	const struct sr_event *ev;
	struct counts *c;
	int st, rc;

	(void)several;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		if ((unsigned)ev->type <= SR_EV_END)
			c->events[ev->type]++;
		if ((unsigned)ev->stream <= SR_STREAM_STDERR &&
		    (ev->type == SR_EV_OUTPUT || ev->type == SR_EV_INPUT))
			c->bytes[ev->stream] += ev->len;
		if (ev->t_ns > c->last_ns)
			c->last_ns = ev->t_ns;
		if (ev->type == SR_EV_RESIZE) {
			if (c->nresize < MAX_RESIZES) {
				c->resize[c->nresize].t_ns = ev->t_ns;
				c->resize[c->nresize].rows = ev->rows;
				c->resize[c->nresize].cols = ev->cols;
				c->nresize++;
			} else
				c->lost_resizes++;
		}
	}
	rc = sr_args_events_end(r, st);
	if (*json)
		print_json(s, c, sr_reader_warnings(r));
	else {
		if (nth > 0)
			putchar('\n');
		print_text(s, c, sr_reader_warnings(r));
	}
	free(c);
	return (rc);
}

static int
cmd_info_exec(struct sr_args *a)
{
	struct sr_catalog *cat;
	int rc, json = sr_args_has(a, OPT_JSON);

	cat = sr_args_catalog(a);
	rc = sr_args_each(a, cat, info_one, &json);
	sr_catalog_free(cat);
	return (rc);
}

static const struct option info_longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_info = {
	.name = "info",
	.summary = "show every metadata field and event counts of a session",
	.usage = "sessrec info [-q] [--json] [--source PATH] [--config FILE] "
		 "[--limit NAME=VALUE] ID|PATH ...",
	.help = "  --json              print one JSON object per "
		"session\n" SR_SOURCE_HELP,
	.optstring = "hq",
	.longopts = info_longopts,
	.min_args = 1,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_info_exec,
};
