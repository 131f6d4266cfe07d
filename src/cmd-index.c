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
 * sessrec index: builds (or refreshes) the seek index that sessrec play
 * uses, synchronously, so that a later play starts at once.  The work is
 * idxcache.c's; this is options and messages.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "idxcache.h"
#include "out.h"

enum {
	OPT_CACHE_DIR = 0x1000,
	OPT_BESIDE,
	OPT_FORCE,
};

static const struct option index_longopts[] = {
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "beside", no_argument, NULL, OPT_BESIDE },
	{ "force", no_argument, NULL, OPT_FORCE },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

static void
raise_rc(int *rc, int v)
{
	if (*rc < v)
		*rc = v;
}

/* Indexes one session; returns an exit status. */
static int
index_one(struct sr_args *a, struct sr_catalog *cat, size_t entry,
    const struct idx_opts *o)
{
	const struct sr_entry *e = sr_catalog_entry(cat, entry);
	const struct sr_session *s = e->session;
	const char *id = s->field[SR_F_SESSION_ID];
	struct sr_playidx *x;
	struct sr_error err;
	struct idx *d;
	int st, rc = SR_EXIT_OK;

	sr_error_clear(&err);
	st = idx_open(a->ctx, cat, entry, o, &d, &err);
	if (st != SR_OK) {
		sr_warn_error("", &err);
		return (st == SR_FATAL ? SR_EXIT_INTERNAL : SR_EXIT_UNREADABLE);
	}
	x = idx_get(d);
	if ((st = idx_status(d, &err)) != SR_OK) {
		sr_warn_error("", &err);
		idx_close(d);
		return (st == SR_FATAL ? SR_EXIT_INTERNAL : SR_EXIT_UNREADABLE);
	}
	printf("indexed ");
	sr_out_escaped(stdout, id != NULL ? id : s->path);
	printf(": %zu block%s, %zu mark%s, ", idx_nblocks(d),
	    idx_nblocks(d) == 1 ? "" : "s", sr_playidx_nmarks(x),
	    sr_playidx_nmarks(x) == 1 ? "" : "s");
	if (idx_origin(d) == IDX_TEMP) {
		printf("not saved\n");
		sr_warnx("cannot write the index cache: %s", idx_why(d));
		rc = SR_EXIT_INTERNAL;
	} else {
		sr_out_escaped(stdout, idx_path(d));
		printf("%s\n",
		    idx_origin(d) == IDX_LOADED ? " (up to date)" : "");
	}
	if (sr_playidx_status(x) == SR_FAILED) {
		sr_warn_error("recording incomplete: ", sr_playidx_error(x));
		raise_rc(&rc, SR_EXIT_UNREADABLE);
	}
	idx_close(d);
	return (rc);
}

static int
cmd_index_exec(struct sr_args *a)
{
	struct idx_opts o = { 0 };
	struct sr_catalog *cat;
	size_t i, j, n, *idx;
	int rc = SR_EXIT_OK;

	o.cache_dir = sr_args_get(a, OPT_CACHE_DIR);
	o.beside = sr_args_has(a, OPT_BESIDE);
	o.force = sr_args_has(a, OPT_FORCE);
	if (o.cache_dir != NULL && o.cache_dir[0] == '\0')
		sr_usage(a->cmd);
	cat = sr_args_catalog(a);
	for (i = 0; i < (size_t)a->argc; i++) {
		if ((idx = sr_args_resolve(a, cat, a->argv[i], &n, &rc)) ==
		    NULL)
			continue;
		for (j = 0; j < n; j++)
			raise_rc(&rc, index_one(a, cat, idx[j], &o));
		free(idx);
	}
	sr_catalog_free(cat);
	sr_out_flush();
	return (rc);
}

const struct sr_cmd sr_cmd_index = {
	.name = "index",
	.summary = "build the seek index that play uses",
	.usage = "sessrec index [--cache-dir DIR] [--beside] [--force] "
		 "[options] ID|PATH...",
	.help = "  --cache-dir DIR     keep indexes in DIR (default\n"
		"                      $SESSREC_CACHE_DIR, $XDG_CACHE_HOME/"
		"sessrec\n"
		"                      or ~/.cache/sessrec)\n"
		"  --beside            write FILE.sridx next to the recording\n"
		"  --force             rebuild even when the index is up to "
		"date\n" SR_SOURCE_HELP,
	.optstring = "qh",
	.longopts = index_longopts,
	.min_args = 1,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_index_exec,
};
