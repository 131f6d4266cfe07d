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
 * sessrec grep: STUB, being written (see /work/ISSUE5.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

static const struct option grep_longopts[] = {
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

static int
cmd_grep_exec(struct sr_args *a)
{
	(void)a;
	return (SR_EXIT_INTERNAL);
}

const struct sr_cmd sr_cmd_grep = {
	.name = "grep",
	.summary = "search commands and output across recordings",
	.usage = "sessrec grep [options] PATTERN [ID|PATH...]",
	.help = SR_SOURCE_HELP,
	.optstring = "qh",
	.longopts = grep_longopts,
	.min_args = 1,
	.max_args = -1,
	.flags = SR_CMD_READS,
	.exec = cmd_grep_exec,
};
