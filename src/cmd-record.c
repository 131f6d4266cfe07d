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

/* Work in progress. */
#include <stdio.h>

#include "cmd.h"

static int
cmd_record_exec(struct sr_args *a)
{
	(void)a;
	fprintf(stderr, "sessrec record: not yet\n");
	return (SR_EXIT_INTERNAL);
}

static const struct option record_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_record = {
	.name = "record",
	.summary = "record",
	.usage = "sessrec record",
	.help = "  -h, --help          show this help\n",
	.optstring = "h",
	.longopts = record_longopts,
	.min_args = 0,
	.max_args = -1,
	.flags = SR_CMD_HIDDEN,
	.exec = cmd_record_exec,
};
