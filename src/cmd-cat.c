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
 * sessrec cat: the output of a session as the viewer saw it, as plain
 * text.  Output events go through textview, which removes escape
 * sequences and applies CR and backspace overwrites, so text hidden by
 * "\r\e[2K" is not shown as if it had been visible.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

struct cat_state {
	int timestamps;
	int input; /* include recorded input */
	struct sr_textview *tv;
};

static int
print_line(void *arg, const char *line, size_t len, int64_t t_ns)
{
	const struct cat_state *cs = arg;
	char ts[64];

	if (cs->timestamps)
		printf("[%s] ", sr_time_format_offset(t_ns, ts, sizeof(ts)));
	fwrite(line, 1, len, stdout);
	putchar('\n');
	return (0);
}

/* Prints one session; returns an exit status. */
static int
cat_one(void *arg, struct sr_reader *r, const struct sr_session *s, size_t nth,
    int several)
{
	struct cat_state *cs = arg;
	const struct sr_event *ev;
	int st;

	(void)nth;
	if (several) {
		fputs("==> ", stdout);
		sr_out_escaped(stdout, s->field[SR_F_SESSION_ID]);
		fputs(" <==\n", stdout);
	}
	sr_textview_reset(cs->tv);
	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		int take = ev->type == SR_EV_OUTPUT ||
		    (cs->input && ev->type == SR_EV_INPUT);

		if (take && ev->len > 0)
			(void)sr_textview_feed(cs->tv, ev->data, ev->len,
			    ev->t_ns);
	}
	(void)sr_textview_flush(cs->tv);
	return (sr_args_events_end(r, st));
}

static int
cmd_cat_exec(struct sr_args *a)
{
	struct sr_catalog *cat;
	struct cat_state cs;
	int rc;
	static char obuf[1 << 16];

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	cs.timestamps = sr_args_has(a, 't');
	cs.input = sr_args_has(a, OPT_INPUT);
	cat = sr_args_catalog(a);
	if ((cs.tv = sr_textview_new(1 << 16, print_line, &cs)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	rc = sr_args_each(a, cat, cat_one, &cs);
	sr_textview_free(cs.tv);
	sr_catalog_free(cat);
	return (rc);
}

static const struct option cat_longopts[] = {
	{ "timestamps", no_argument, NULL, 't' },
	{ "input", no_argument, NULL, OPT_INPUT },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_cat = {
	.name = "cat",
	.summary = "print a session's output as the viewer saw it",
	.usage = "sessrec cat [-qt] [--input] [--source PATH] [--config FILE] "
		 "[--limit NAME=VALUE] ID|PATH ...",
	.help = "  -t, --timestamps    prefix each line with its offset "
		"(HH:MM:SS.mmm)\n"
		"  --input             include recorded input (keystrokes) in "
		"the text\n" SR_SOURCE_HELP,
	.optstring = "hqt",
	.longopts = cat_longopts,
	.min_args = 1,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_cat_exec,
};
