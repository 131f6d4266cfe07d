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
 * The library context: limits and the diagnostics hook.  One context may
 * be shared by readers in several threads as long as nobody changes it
 * while they run.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

static const struct {
	const char *name;
	uint64_t def;
} limits[SR_LIMIT__COUNT] = {
	[SR_LIMIT_EVENT] = { "event", 1ULL << 20 },
	[SR_LIMIT_LINE] = { "line", 4ULL << 20 },
	[SR_LIMIT_META] = { "meta", 64ULL << 10 },
	[SR_LIMIT_MEMBERS] = { "members", 100000 },
	[SR_LIMIT_SPOOL] = { "spool", 64ULL << 20 },
	[SR_LIMIT_DECODED] = { "decoded", 64ULL << 30 },
	[SR_LIMIT_SESSIONS] = { "sessions", 1000000 },
};

struct sr_ctx *
sr_ctx_new(void)
{
	struct sr_ctx *ctx;
	size_t i;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return (NULL);
	for (i = 0; i < SR_LIMIT__COUNT; i++)
		ctx->limit[i] = limits[i].def;
	return (ctx);
}

void
sr_ctx_free(struct sr_ctx *ctx)
{
	free(ctx);
}

void
sr_ctx_set_diag(struct sr_ctx *ctx, sr_diag_fn fn, void *arg)
{
	ctx->diag = fn;
	ctx->diag_arg = arg;
}

void
sr_ctx_diag(const struct sr_ctx *ctx, int status, const struct sr_error *e)
{
	if (ctx != NULL && ctx->diag != NULL)
		ctx->diag(ctx->diag_arg, status, e);
}

uint64_t
sr_ctx_limit(const struct sr_ctx *ctx, enum sr_limit l)
{
	if ((unsigned)l >= SR_LIMIT__COUNT)
		return (0);
	return (ctx->limit[l]);
}

void
sr_ctx_set_limit(struct sr_ctx *ctx, enum sr_limit l, uint64_t v)
{
	if ((unsigned)l < SR_LIMIT__COUNT)
		ctx->limit[l] = v;
}

void
sr_ctx_set_flags(struct sr_ctx *ctx, unsigned flags)
{
	ctx->flags = flags;
}

unsigned
sr_ctx_flags(const struct sr_ctx *ctx)
{
	return (ctx != NULL ? ctx->flags : 0);
}

const char *
sr_limit_name(enum sr_limit l)
{
	if ((unsigned)l >= SR_LIMIT__COUNT)
		return ("?");
	return (limits[l].name);
}

int
sr_ctx_parse_limit(struct sr_ctx *ctx, const char *spec, struct sr_error *err)
{
	const char *eq, *v;
	uint64_t n, mul = 1;
	size_t i, nlen, vlen;

	if ((eq = strchr(spec, '=')) == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "limit '%s' is not NAME=VALUE", spec));
	nlen = (size_t)(eq - spec);
	v = eq + 1;
	vlen = strlen(v);
	if (vlen > 0) {
		switch (v[vlen - 1]) {
		case 'k':
		case 'K':
			mul = 1ULL << 10;
			vlen--;
			break;
		case 'm':
		case 'M':
			mul = 1ULL << 20;
			vlen--;
			break;
		case 'g':
		case 'G':
			mul = 1ULL << 30;
			vlen--;
			break;
		}
	}
	if (sr_parse_u64(v, vlen, UINT64_MAX / mul, &n) != 0 || n == 0)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "limit '%s' has a bad value", spec));
	for (i = 0; i < SR_LIMIT__COUNT; i++) {
		if (strlen(limits[i].name) == nlen &&
		    memcmp(limits[i].name, spec, nlen) == 0) {
			ctx->limit[i] = n * mul;
			return (SR_OK);
		}
	}
	return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
	    "unknown limit '%.*s'", (int)nlen, spec));
}
