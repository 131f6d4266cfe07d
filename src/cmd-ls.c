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
 * sessrec ls: one line per session, sorted by start, with metadata
 * filters; --json prints NDJSON with the normalized field names.
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

enum {
	COL_ID,
	COL_START,
	COL_DUR,
	COL_ACTOR,
	COL_TARGET,
	COL_HOST,
	COL_FMT,
	COL_PATH,
	NCOLS
};

static const char *const col_names[NCOLS] = { "ID", "START", "DURATION",
	"ACTOR", "TARGET", "HOST", "FORMAT", "PATH" };

/* Fills one table cell, escaped; owned by the caller. */
static char *
cell(const struct sr_session *s, int col)
{
	struct sr_buf b;
	char tmp[64];
	const char *v = NULL;

	switch (col) {
	case COL_ID:
		v = s->field[SR_F_SESSION_ID];
		break;
	case COL_START:
		if (s->have & SR_HAVE_START)
			v = sr_time_format_iso(s->start_ns, tmp, sizeof(tmp));
		break;
	case COL_DUR:
		if (s->have & SR_HAVE_DURATION)
			v = sr_time_format_offset(s->duration_ns, tmp,
			    sizeof(tmp));
		break;
	case COL_ACTOR:
		v = s->field[SR_F_ACTOR];
		break;
	case COL_TARGET:
		v = s->field[SR_F_TARGET];
		break;
	case COL_HOST:
		v = s->field[SR_F_HOST];
		break;
	case COL_FMT:
		v = s->format;
		break;
	case COL_PATH:
		v = s->path;
		break;
	}
	if (v == NULL || *v == '\0')
		v = "-";
	sr_buf_init(&b, 1 << 16);
	if (sr_str_escape(&b, v, strlen(v)) != SR_E_NONE) {
		sr_buf_release(&b);
		return (strdup("(too long)"));
	}
	return (sr_buf_detach(&b, NULL));
}

/* Writes n spaces: printf("%-*s") per cell was a tenth of ls's time. */
static void
pad(size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		fwrite(spaces, 1, k, stdout);
		n -= k;
	}
}

static int
cmd_ls_exec(struct sr_args *a)
{
	struct sr_meta_filter f;
	struct sr_catalog *cat;
	struct sr_buf b;
	size_t i, n, nrows = 0, width[NCOLS];
	char **cells;
	int c, ncols = sr_args_has(a, 'l') ? NCOLS : COL_PATH;
	int json = sr_args_has(a, OPT_JSON), rc = SR_EXIT_OK;
	static char obuf[1 << 16];

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	sr_args_filter(a, &f);
	/* Operands are sources too: "sessrec ls DIR" reads just DIR. */
	for (i = 0; i < (size_t)a->argc && a->nopts < SR_ARGS_MAXOPTS; i++) {
		a->opts[a->nopts].id = OPT_SOURCE;
		a->opts[a->nopts].arg = a->argv[i];
		a->nopts++;
	}
	cat = sr_args_catalog(a);
	if (sr_catalog_scan(cat) == SR_FATAL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	if (sr_catalog_failures(cat) > 0)
		rc = SR_EXIT_UNREADABLE;
	sr_catalog_sort(cat);
	n = sr_catalog_nentries(cat);
	if (json) {
		sr_buf_init(&b, 1 << 24);
		for (i = 0; i < n; i++) {
			const struct sr_session *s =
			    sr_catalog_entry(cat, i)->session;

			if (!sr_session_match(s, &f))
				continue;
			sr_buf_reset(&b);
			if (sr_session_json(&b, s, 0) != SR_E_NONE)
				sr_errx(SR_EXIT_INTERNAL, "session too large");
			fwrite(b.data, 1, b.len, stdout);
			putchar('\n');
		}
		sr_buf_release(&b);
		sr_catalog_free(cat);
		return (rc);
	}
	if ((cells = calloc(n * NCOLS + 1, sizeof(*cells))) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	for (c = 0; c < ncols; c++)
		width[c] = strlen(col_names[c]);
	for (i = 0; i < n; i++) {
		const struct sr_session *s = sr_catalog_entry(cat, i)->session;

		if (!sr_session_match(s, &f))
			continue;
		for (c = 0; c < ncols; c++) {
			char *v = cell(s, c);

			if (v == NULL)
				sr_errx(SR_EXIT_INTERNAL, "out of memory");
			cells[nrows * NCOLS + (size_t)c] = v;
			if (strlen(v) > width[c])
				width[c] = strlen(v);
		}
		nrows++;
	}
	if (nrows > 0 || !a->quiet) {
		for (c = 0; c < ncols; c++)
			printf("%-*s%s", c == ncols - 1 ? 0 : (int)width[c],
			    col_names[c], c == ncols - 1 ? "\n" : "  ");
	}
	for (i = 0; i < nrows; i++) {
		for (c = 0; c < ncols; c++) {
			char *v = cells[i * NCOLS + (size_t)c];
			size_t len = strlen(v);

			fwrite(v, 1, len, stdout);
			if (c == ncols - 1)
				putchar('\n');
			else
				pad(width[c] - len + 2);
			free(v);
		}
	}
	free(cells);
	sr_catalog_free(cat);
	return (rc);
}

static const struct option ls_longopts[] = {
	{ "actor", required_argument, NULL, OPT_ACTOR },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "ticket", required_argument, NULL, OPT_TICKET },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "long", no_argument, NULL, 'l' },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_ls = {
	.name = "ls",
	.summary = "list recorded sessions",
	.usage =
	    "sessrec ls [-lq] [--actor PATTERN] [--target PATTERN] "
	    "[--host PATTERN] [--since TIME] [--until TIME] "
	    "[--ticket PATTERN] [--format NAME] [--json] "
	    "[--source PATH] [--config FILE] [--limit NAME=VALUE] [PATH ...]",
	.help = "  --actor PATTERN     only sessions whose actor matches the "
		"shell glob\n"
		"  --target PATTERN    only sessions whose target matches\n"
		"  --host PATTERN      only sessions whose host matches\n"
		"  --ticket PATTERN    only sessions whose ticket matches\n"
		"  --since TIME        only sessions still running at or after "
		"TIME\n"
		"                      (ISO 8601, @EPOCH, or an age: 30m, 6h, "
		"2d)\n"
		"  --until TIME        only sessions started at or before "
		"TIME\n"
		"  --format NAME       only sessions of one format (tlog, "
		"sudo,\n"
		"                      asciicast, script, ttyrec)\n"
		"  --json              print one JSON object per session "
		"(NDJSON)\n"
		"  -l, --long          add the path of each "
		"session\n" SR_SOURCE_HELP,
	.optstring = "hlq",
	.longopts = ls_longopts,
	.min_args = 0,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_ls_exec,
};
