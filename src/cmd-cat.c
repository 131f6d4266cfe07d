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
cat_one(struct sr_catalog *cat, size_t idx, struct sr_textview *tv, int input)
{
	struct sr_reader *r;
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_error err;
	int st;

	sr_error_clear(&err);
	if ((st = sr_catalog_open_entry(cat, idx, &r, &s, &err)) != SR_OK) {
		sr_warn_error("cannot read", &err);
		return (st == SR_FATAL && err.cat == SR_E_NOMEM
			? SR_EXIT_INTERNAL
			: SR_EXIT_UNREADABLE);
	}
	sr_textview_reset(tv);
	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		int take = ev->type == SR_EV_OUTPUT ||
		    (input && ev->type == SR_EV_INPUT);

		if (take && ev->len > 0)
			(void)sr_textview_feed(tv, ev->data, ev->len, ev->t_ns);
	}
	(void)sr_textview_flush(tv);
	if (st != SR_EOF) {
		sr_warn_error("cannot read", sr_reader_error(r));
		sr_reader_close(r);
		return (SR_EXIT_UNREADABLE);
	}
	sr_reader_close(r);
	return (SR_EXIT_OK);
}

static int
cmd_cat_exec(struct sr_args *a)
{
	struct sr_catalog *cat;
	struct sr_textview *tv;
	struct cat_state cs;
	size_t i, j, n, *idx;
	int rc = SR_EXIT_OK, r, many;
	static char obuf[1 << 16];

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	cs.timestamps = sr_args_has(a, 't');
	cat = sr_args_catalog(a);
	if ((tv = sr_textview_new(1 << 16, print_line, &cs)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	many = a->argc > 1;
	for (i = 0; i < (size_t)a->argc; i++) {
		if ((idx = sr_args_resolve(a, cat, a->argv[i], &n, &rc)) ==
		    NULL)
			continue;
		for (j = 0; j < n; j++) {
			const struct sr_session *s =
			    sr_catalog_entry(cat, idx[j])->session;

			if (many || n > 1) {
				fputs("==> ", stdout);
				sr_out_escaped(stdout,
				    s->field[SR_F_SESSION_ID]);
				fputs(" <==\n", stdout);
			}
			r = cat_one(cat, idx[j], tv, sr_args_has(a, OPT_INPUT));
			if (r > rc)
				rc = r;
		}
		free(idx);
	}
	sr_textview_free(tv);
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
