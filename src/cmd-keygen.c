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
cmd_keygen_exec(struct sr_args *a)
{
	(void)a;
	fprintf(stderr, "sessrec keygen: not yet\n");
	return (SR_EXIT_INTERNAL);
}

static const struct option keygen_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_keygen = {
	.name = "keygen",
	.summary = "keygen",
	.usage = "sessrec keygen",
	.help = "  -h, --help          show this help\n",
	.optstring = "h",
	.longopts = keygen_longopts,
	.min_args = 0,
	.max_args = -1,
	.flags = SR_CMD_HIDDEN,
	.exec = cmd_keygen_exec,
};
