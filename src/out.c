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
 * Messages and terminal-safe output.  Whatever came from a recording
 * (metadata, paths, error text quoting them) goes through sr_str_escape()
 * before it reaches a terminal, so that no recording can make the
 * analyst's terminal run, report or show anything but our text.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

static const char *out_cmd;
static const char *out_prog = "sessrec";

void
sr_out_set_cmd(const char *cmd)
{
	out_cmd = cmd;
}

void
sr_out_set_prog(const char *prog)
{
	out_prog = prog;
}

static void
prefix(void)
{
	fflush(stdout);
	if (out_cmd != NULL)
		fprintf(stderr, "%s %s: ", out_prog, out_cmd);
	else
		fprintf(stderr, "%s: ", out_prog);
}

/* Writes an already formatted message, escaped. */
static void
put_escaped_line(const char *msg)
{
	struct sr_buf b;

	sr_buf_init(&b, 1 << 16);
	if (sr_str_escape(&b, msg, strlen(msg)) == SR_E_NONE)
		fputs(b.data, stderr);
	else
		fputs("(message too long)", stderr);
	fputc('\n', stderr);
	sr_buf_release(&b);
}

void
sr_warnx(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	prefix();
	put_escaped_line(msg);
}

void
sr_errx(int status, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	prefix();
	put_escaped_line(msg);
	exit(status);
}

void
sr_warn_error(const char *what, const struct sr_error *e)
{
	char msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + SR_MEMBER_MAX + 128];

	/* Library messages already carry strerror() text for I/O errors. */
	sr_error_format(e, msg, sizeof(msg));
	sr_warnx("%s%s%s", what, *what ? " " : "", msg);
}

void
sr_out_diag(void *arg, int status, const struct sr_error *e)
{
	const int *quiet = arg;

	if (status == SR_WARN) {
		if (quiet == NULL || !*quiet)
			sr_warn_error("warning:", e);
		return;
	}
	sr_warn_error("cannot read", e);
}

void
sr_out_escaped(FILE *f, const char *s)
{
	struct sr_buf b;

	if (s == NULL) {
		fputc('-', f);
		return;
	}
	sr_buf_init(&b, 1 << 20);
	if (sr_str_escape(&b, s, strlen(s)) == SR_E_NONE)
		fwrite(b.data, 1, b.len, f);
	else
		fputs("(too long)", f);
	sr_buf_release(&b);
}

void
sr_out_flush(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		/* A closed pipe is the reader's choice, not our failure. */
		if (e == EPIPE)
			exit(SR_EXIT_OK);
		sr_errx(SR_EXIT_INTERNAL, "cannot write output: %s",
		    strerror(e));
	}
}
