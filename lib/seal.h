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
 * Hashes and signatures (lib/seal.c): the only file that calls
 * libsodium and libcrypto.  SHA-256 (libcrypto's, which uses the CPU's
 * SHA instructions) for the hash chain; plain Ed25519 (RFC 8032,
 * libsodium's crypto_sign_detached; never the Ed25519ph
 * init/update/final API) for checkpoints and seals, so that OpenSSL can
 * check a signature too.
 *
 * Key files are PEM, as OpenSSL writes them, so that auditors can use
 * their own tools: the secret key is PKCS#8 ("-----BEGIN PRIVATE
 * KEY-----", DER 302e020100300506032b657004220420 || 32-byte seed), the
 * public key SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----", DER
 * 302a300506032b6570032100 || 32-byte key).  key_id is the first 8 bytes
 * of SHA-256 of the 32-byte public key.
 *
 * Ownership: a struct sr_key owns its secret half in sodium_malloc()
 * memory (locked, guarded, wiped by sr_key_free()).
 */
#ifndef SR_SEAL_H
#define SR_SEAL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "native.h"
#include "sessrec.h"

#define SR_PK_LEN 32

/* Signature domains (SECURITY.md I10): one per message kind. */
#define SR_DOMAIN_CHECKPOINT "sessrec/v1/checkpoint"
#define SR_DOMAIN_SEAL	     "sessrec/v1/seal"
#define SR_DOMAIN_WITNESS    "sessrec/v1/witness"

/*
 * SHA-256 in steps.  init allocates (libcrypto's context) and final
 * frees, so every init needs its final.
 */
struct sr_sha256 {
	void *evp; /* libcrypto's context, or NULL: opaque is libsodium's */
	_Alignas(16) unsigned char opaque[128];
};
void sr_sha256_init(struct sr_sha256 *);
void sr_sha256_update(struct sr_sha256 *, const void *, size_t);
void sr_sha256_final(struct sr_sha256 *, unsigned char out[SR_HASH_LEN]);
void sr_sha256(unsigned char out[SR_HASH_LEN], const void *, size_t);

/*
 * Signs domain || msg with the key's secret half.  SR_OK, or SR_FAILED
 * (err set) when the key has no secret half.
 */
int sr_key_sign(const struct sr_key *, const char *domain, const void *msg,
    size_t len, unsigned char sig[SR_SIG_LEN], struct sr_error *);
/* 1 when sig is a valid signature of domain || msg by pk, else 0. */
int sr_sig_check(const unsigned char pk[SR_PK_LEN], const char *domain,
    const void *msg, size_t len, const unsigned char sig[SR_SIG_LEN]);
/*
 * Decodes standard base64 (with padding, no white space) from b64[0..len)
 * into out; the decoded length, or -1 when it is not base64 or does not
 * fit in outlen.
 */
ssize_t sr_base64_decode(const char *b64, size_t len, unsigned char *out,
    size_t outlen);
/* The key's public half and id (borrowed). */
const unsigned char *sr_key_public(const struct sr_key *);
const unsigned char *sr_key_id(const struct sr_key *);
/* Whether the secret half is present. */
int sr_key_has_secret(const struct sr_key *);

#endif /* SR_SEAL_H */
