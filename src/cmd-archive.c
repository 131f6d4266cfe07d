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
 * sessrec archive (being written).
 * (Scaffolding: being written.)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stddef.h>

#include "sessrec.h"
#include "cmd.h"
#include "out.h"

static int
cmd_archive_exec(struct sr_args *a)
{
	(void)a;
	sr_warnx("archive: not written yet");
	return (SR_EXIT_INTERNAL);
}

static const struct option archive_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_archive = {
	.name = "archive",
	.summary = "(being written)",
	.usage = "sessrec archive",
	.help = "",
	.optstring = "+h",
	.longopts = archive_longopts,
	.min_args = 0,
	.max_args = -1,
	.flags = 0,
	.exec = cmd_archive_exec,
};
