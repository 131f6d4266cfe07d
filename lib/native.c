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
 * Byte layouts of the native format's skippable records (lib/native.h
 * has the grammar): the one place that encodes and decodes them, so the
 * writer, the reader and verify cannot disagree.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "native.h"
#include "seal.h"
#include "sr-private.h"

static unsigned char *
put8(unsigned char *p, uint8_t v)
{
	*p = v;
	return (p + 1);
}

static unsigned char *
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	return (p + 4);
}

static unsigned char *
put64(unsigned char *p, uint64_t v)
{
	p = put32(p, (uint32_t)v);
	return (put32(p, (uint32_t)(v >> 32)));
}

static unsigned char *
putb(unsigned char *p, const unsigned char *b, size_t n)
{
	memcpy(p, b, n);
	return (p + n);
}

static const unsigned char *
get32(const unsigned char *p, uint32_t *v)
{
	*v = sr_le32(p);
	return (p + 4);
}

static const unsigned char *
get64(const unsigned char *p, uint64_t *v)
{
	*v = (uint64_t)sr_le32(p) | (uint64_t)sr_le32(p + 4) << 32;
	return (p + 8);
}

static const unsigned char *
gets64(const unsigned char *p, int64_t *v)
{
	uint64_t u;

	p = get64(p, &u);
	*v = (int64_t)u;
	return (p);
}

static const unsigned char *
getb(const unsigned char *p, unsigned char *b, size_t n)
{
	memcpy(b, p, n);
	return (p + n);
}

const char *
sr_end_reason_name(int r)
{
	static const char *const names[] = { "?", "exit", "signal", "hangup",
		"write-error", "size-limit", "admin" };

	if (r < 0 || (size_t)r >= nitems(names))
		return ("?");
	return (names[r]);
}

size_t
sr_native_frame(unsigned char out[14], int kind, size_t blen)
{
	unsigned char *p = out;

	p = put32(p, SR_NATIVE_MAGIC);
	p = put32(p, (uint32_t)(blen + SR_NATIVE_PREFIX));
	p = putb(p, (const unsigned char *)SR_NATIVE_TAG, 4);
	p = put8(p, SR_NATIVE_VERSION);
	p = put8(p, (uint8_t)kind);
	return ((size_t)(p - out));
}

int
sr_native_skip_parse(const unsigned char *p, size_t avail, int *kind,
    uint32_t *blen, int *version)
{
	uint32_t magic, len;

	if (avail < 4)
		return (-1);
	magic = sr_le32(p);
	if (magic != SR_NATIVE_MAGIC)
		return (0);
	if (avail < SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX)
		return (-1);
	len = sr_le32(p + 4);
	if (len < SR_NATIVE_PREFIX || memcmp(p + 8, SR_NATIVE_TAG, 4) != 0)
		return (0);
	*version = p[12];
	*kind = p[13];
	*blen = len - SR_NATIVE_PREFIX;
	return (1);
}

size_t
sr_chain_encode(const struct sr_chain_rec *c, unsigned char *out)
{
	unsigned char *p = out;

	p = put64(p, c->seq);
	p = put64(p, (uint64_t)c->t_ns);
	p = put32(p, c->len);
	p = put32(p, c->clen);
	p = put8(p, c->stream);
	p = put8(p, 0);
	p = put8(p, 0);
	p = put8(p, 0);
	p = putb(p, c->h, SR_HASH_LEN);
	return ((size_t)(p - out));
}

int
sr_chain_decode(const unsigned char *p, size_t len, struct sr_chain_rec *c)
{
	if (len != SR_CHAIN_LEN)
		return (-1);
	p = get64(p, &c->seq);
	p = gets64(p, &c->t_ns);
	p = get32(p, &c->len);
	p = get32(p, &c->clen);
	c->stream = *p;
	p += 4;
	getb(p, c->h, SR_HASH_LEN);
	return (0);
}

size_t
sr_checkpoint_encode(const struct sr_checkpoint_rec *k, unsigned char *out)
{
	unsigned char *p = out;

	p = putb(p, k->rec_id, SR_RECID_LEN);
	p = put32(p, k->ck_no);
	p = put64(p, k->seq);
	p = putb(p, k->h, SR_HASH_LEN);
	p = put64(p, (uint64_t)k->t_ns);
	p = put64(p, (uint64_t)k->wall_ns);
	p = putb(p, k->prev, SR_HASH_LEN);
	p = putb(p, k->key_id, SR_KEYID_LEN);
	p = put32(p, 0); /* reserved; keeps the signature 8-aligned */
	p = putb(p, k->sig, SR_SIG_LEN);
	return ((size_t)(p - out));
}

int
sr_checkpoint_decode(const unsigned char *p, size_t len,
    struct sr_checkpoint_rec *k)
{
	if (len != SR_CHECKPOINT_LEN)
		return (-1);
	p = getb(p, k->rec_id, SR_RECID_LEN);
	p = get32(p, &k->ck_no);
	p = get64(p, &k->seq);
	p = getb(p, k->h, SR_HASH_LEN);
	p = gets64(p, &k->t_ns);
	p = gets64(p, &k->wall_ns);
	p = getb(p, k->prev, SR_HASH_LEN);
	p = getb(p, k->key_id, SR_KEYID_LEN);
	p += 4;
	getb(p, k->sig, SR_SIG_LEN);
	return (0);
}

size_t
sr_seal_encode(const struct sr_seal_rec *s, unsigned char *out)
{
	unsigned char *p = out;

	p = putb(p, s->rec_id, SR_RECID_LEN);
	p = put64(p, s->host_seq);
	p = put64(p, s->n);
	p = put64(p, s->bytes_out);
	p = put64(p, s->bytes_in);
	p = putb(p, s->h0, SR_HASH_LEN);
	p = putb(p, s->hn, SR_HASH_LEN);
	p = put32(p, s->last_ck);
	p = put64(p, (uint64_t)s->start_wall_ns);
	p = put64(p, (uint64_t)s->end_ns);
	p = put8(p, s->end_reason);
	p = put8(p, 0);
	p = put8(p, 0);
	p = put8(p, 0);
	p = put32(p, (uint32_t)s->status);
	p = put64(p, s->bytes_lost);
	p = putb(p, s->key_id, SR_KEYID_LEN);
	p = put32(p, 0); /* reserved */
	p = putb(p, s->sig, SR_SIG_LEN);
	return ((size_t)(p - out));
}

int
sr_seal_decode(const unsigned char *p, size_t len, struct sr_seal_rec *s)
{
	uint32_t st;

	if (len != SR_SEAL_LEN)
		return (-1);
	p = getb(p, s->rec_id, SR_RECID_LEN);
	p = get64(p, &s->host_seq);
	p = get64(p, &s->n);
	p = get64(p, &s->bytes_out);
	p = get64(p, &s->bytes_in);
	p = getb(p, s->h0, SR_HASH_LEN);
	p = getb(p, s->hn, SR_HASH_LEN);
	p = get32(p, &s->last_ck);
	p = gets64(p, &s->start_wall_ns);
	p = gets64(p, &s->end_ns);
	s->end_reason = *p;
	p += 4;
	p = get32(p, &st);
	s->status = (int32_t)st;
	p = get64(p, &s->bytes_lost);
	p = getb(p, s->key_id, SR_KEYID_LEN);
	p += 4;
	getb(p, s->sig, SR_SIG_LEN);
	return (0);
}

void
sr_index_ent_encode(const struct sr_index_ent *e, unsigned char *out)
{
	unsigned char *p = out;

	p = put64(p, e->seq);
	p = put64(p, (uint64_t)e->t_ns);
	put64(p, e->off);
}

void
sr_index_ent_decode(const unsigned char *p, struct sr_index_ent *e)
{
	p = get64(p, &e->seq);
	p = gets64(p, &e->t_ns);
	get64(p, &e->off);
}

void
sr_chain_h0(unsigned char h0[SR_HASH_LEN], const void *hdr, size_t len)
{
	static const char dom[] = "sessrec/v1/header";
	struct sr_sha256 st;

	sr_sha256_init(&st);
	sr_sha256_update(&st, dom, sizeof(dom) - 1);
	sr_sha256_update(&st, hdr, len);
	sr_sha256_final(&st, h0);
}

void
sr_chain_step(unsigned char h[SR_HASH_LEN], uint64_t seq, uint8_t stream,
    int64_t t_ns, const void *plain, size_t len)
{
	static const char dom[] = "sessrec/v1/chunk";
	unsigned char b[8 + 1 + 8 + 4], *p = b;
	struct sr_sha256 st;

	p = put64(p, seq);
	p = put8(p, stream);
	p = put64(p, (uint64_t)t_ns);
	put32(p, (uint32_t)len);
	sr_sha256_init(&st);
	sr_sha256_update(&st, dom, sizeof(dom) - 1);
	sr_sha256_update(&st, h, SR_HASH_LEN);
	sr_sha256_update(&st, b, sizeof(b));
	sr_sha256_update(&st, plain, len);
	sr_sha256_final(&st, h);
}
