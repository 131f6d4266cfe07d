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
 * Output helpers for the CLI: err(3)-like messages, exit statuses, and
 * terminal-safe printing of anything that came from a recording.
 */
#ifndef SR_OUT_H
#define SR_OUT_H

#include <stdio.h>

#include "sessrec.h"

#define SR_NORETURN __attribute__((noreturn))

/* The subcommand name used in messages ("ls"), or NULL before dispatch. */
void sr_out_set_cmd(const char *);
/* The program named in messages (default "sessrec"). */
void sr_out_set_prog(const char *);
void sr_warnx(const char *, ...) SR_PRINTF(1, 2);
void sr_errx(int, const char *, ...) SR_PRINTF(2, 3) SR_NORETURN;
/* Prints "sessrec CMD: WHAT ERROR" for a library error, escaped. */
void sr_warn_error(const char *what, const struct sr_error *);
/* The diagnostics callback for sr_ctx (arg: pointer to int quiet). */
void sr_out_diag(void *arg, int status, const struct sr_error *);
/* Writes s escaped for a terminal ("-" for NULL). */
void sr_out_escaped(FILE *, const char *s);
/* Exits with SR_EXIT_INTERNAL if stdout had a write error. */
void sr_out_flush(void);

#endif /* SR_OUT_H */
