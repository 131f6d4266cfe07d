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
 * Hashes and signatures: the only file that calls libsodium (see
 * lib/seal.h for the key file formats and the rules).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <sodium.h>

#include "seal.h"
#include "sr-private.h"

_Static_assert(sizeof(struct sr_sha256) >= sizeof(crypto_hash_sha256_state),
    "struct sr_sha256 too small");

void
sr_sha256_init(struct sr_sha256 *s)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)s->opaque);
}

void
sr_sha256_update(struct sr_sha256 *s, const void *p, size_t n)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)s->opaque,
	    p, n);
}

void
sr_sha256_final(struct sr_sha256 *s, unsigned char out[SR_HASH_LEN])
{
	crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)s->opaque,
	    out);
}

void
sr_sha256(unsigned char out[SR_HASH_LEN], const void *p, size_t n)
{
	crypto_hash_sha256(out, p, n);
}
