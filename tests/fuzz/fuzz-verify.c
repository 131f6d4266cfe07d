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
 * Fuzzes sr_verify(): the input is verified as whatever the probe says
 * it is, then as a native recording with the format forced, a trusted
 * key (the one the corpus recordings are signed with, seed 1 2 3, as in
 * tests/unit/test-verify.c) and the input itself as the witness text, so
 * that the frame walk, its resynchronisation after damage, the
 * signature checks and the witness parser all see hostile bytes.  An
 * input holding "\n--witness--\n" is split there: the recording before
 * it, the witness text after (the corpus has such files).  The
 * verdict must be one of the five, and the findings within bounds.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"

#include "compat.h"
#include "sr-private.h"

static struct sr_trust *
fuzz_trust(void)
{
	static const unsigned char seed[32] = { 1, 2, 3 };
	static struct sr_trust *t;
	static int tried;
	char dir[] = "/tmp/fuzz-verify.XXXXXX", path[64];
	struct sr_key *k;
	struct sr_error err;

	if (tried)
		return (t);
	tried = 1;
	if (mkdtemp(dir) == NULL || sr_key_from_seed(seed, &k, &err) != SR_OK)
		return (NULL);
	(void)snprintf(path, sizeof(path), "%s/k.pub", dir);
	if (sr_key_save(k, path, 0, 0, &err) == SR_OK &&
	    (t = sr_trust_new()) != NULL &&
	    sr_trust_add(t, path, 0, 0, &err) != SR_OK) {
		sr_trust_free(t);
		t = NULL;
	}
	sr_key_free(k);
	(void)unlink(path);
	(void)rmdir(dir);
	return (t);
}

static void
check(const struct sr_verify_result *res)
{
	if (res->verdict > SR_VERDICT_TAMPERED ||
	    res->nfind > SR_VERIFY_MAXFIND || res->nfind > res->nfind_total)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n--witness--\n";
	struct sr_ctx *ctx = fuzz_ctx();
	struct sr_verify_result res;
	struct sr_input *in;
	struct sr_error err;
	const char *wit = (const char *)data, *cut;
	size_t wlen = size;

	if (ctx == NULL)
		return (0);
	if ((cut = memmem(data, size, sep, sizeof(sep) - 1)) != NULL) {
		wit = cut + sizeof(sep) - 1;
		wlen = size - (size_t)(wit - (const char *)data);
		size = (size_t)(cut - (const char *)data);
	}
	if (sr_input_open_mem(ctx, "fuzz.srec", data, size, &in, &err) ==
	    SR_OK) {
		if (sr_verify(ctx, in, "fuzz.srec", NULL, NULL, NULL, 0, 0,
			&res, &err) == SR_OK)
			check(&res);
		if (sr_verify(ctx, in, "fuzz.srec", sr_format_find("sessrec"),
			fuzz_trust(), wit, wlen, 0, &res, &err) == SR_OK)
			check(&res);
		sr_input_close(in);
	}
	sr_ctx_free(ctx);
	return (0);
}
