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
 * Play index: STUB, being written (see /work/ISSUE4.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>

#include "compat.h"
#include "sr-private.h"

int
sr_playidx_identity(struct sr_catalog *c, size_t entry, struct sr_buf *b)
{
	(void)c;
	(void)entry;
	(void)b;
	return (SR_FATAL);
}

int
sr_playidx_cache_name(const char *identity, const char *dir,
    struct sr_buf *path)
{
	(void)identity;
	(void)dir;
	(void)path;
	return (SR_FATAL);
}

int
sr_playidx_create(struct sr_ctx *ctx, int fd, const char *identity,
    const struct sr_session *s, struct sr_playidx **ip, struct sr_error *err)
{
	(void)ctx;
	(void)fd;
	(void)identity;
	(void)s;
	*ip = NULL;
	return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
	    "not written yet"));
}

int
sr_playidx_add(struct sr_playidx *x, const struct sr_event *ev)
{
	(void)x;
	(void)ev;
	return (SR_FATAL);
}

int
sr_playidx_flush(struct sr_playidx *x)
{
	(void)x;
	return (SR_FATAL);
}

int
sr_playidx_finish(struct sr_playidx *x, int status)
{
	(void)x;
	(void)status;
	return (SR_FATAL);
}

int
sr_playidx_build(struct sr_playidx *x, struct sr_reader *r,
    const volatile int *cancel)
{
	(void)x;
	(void)r;
	(void)cancel;
	return (SR_FATAL);
}

int
sr_playidx_load(struct sr_ctx *ctx, int fd, const char *identity,
    struct sr_playidx **ip, struct sr_error *err)
{
	(void)ctx;
	(void)fd;
	(void)identity;
	*ip = NULL;
	return (sr_error_set(err, SR_FAILED, SR_E_NOMEM, NULL, NULL,
	    "not written yet"));
}

void
sr_playidx_free(struct sr_playidx *x)
{
	(void)x;
}

const struct sr_error *
sr_playidx_error(struct sr_playidx *x)
{
	(void)x;
	return (NULL);
}

int
sr_playidx_complete(struct sr_playidx *x)
{
	(void)x;
	return (0);
}

int
sr_playidx_status(struct sr_playidx *x)
{
	(void)x;
	return (SR_OK);
}

int64_t
sr_playidx_duration(struct sr_playidx *x)
{
	(void)x;
	return (0);
}

void
sr_playidx_geometry(struct sr_playidx *x, unsigned *rows, unsigned *cols)
{
	(void)x;
	*rows = 24;
	*cols = 80;
}

size_t
sr_playidx_nmarks(struct sr_playidx *x)
{
	(void)x;
	return (0);
}

int
sr_playidx_mark(struct sr_playidx *x, size_t i, struct sr_mark *m)
{
	(void)x;
	(void)i;
	(void)m;
	return (SR_EOF);
}

int
sr_playidx_search(struct sr_playidx *x, const char *needle, int64_t from_ns,
    int backward, int64_t *t_ns)
{
	(void)x;
	(void)needle;
	(void)from_ns;
	(void)backward;
	(void)t_ns;
	return (SR_EOF);
}

struct sr_playcur *
sr_playcur_new(struct sr_playidx *x)
{
	(void)x;
	return (NULL);
}

void
sr_playcur_free(struct sr_playcur *c)
{
	(void)c;
}

int
sr_playcur_seek(struct sr_playcur *c, int64_t t_ns, struct sr_screen *scr)
{
	(void)c;
	(void)t_ns;
	(void)scr;
	return (SR_FATAL);
}

int
sr_playcur_next(struct sr_playcur *c, const struct sr_event **evp)
{
	(void)c;
	(void)evp;
	return (SR_FATAL);
}
