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
 * lib/native.c: the byte layouts of the native format's records.  Every
 * record kind is encoded from a struct whose fields all differ, checked
 * byte by byte against the layout in lib/native.h written out by hand
 * here (so the test does not trust the encoder), decoded back, and
 * refused at any other length.  The skippable frame head is parsed from
 * good, foreign, short and malformed bytes, and the hash chain is
 * recomputed from the layout with plain SHA-256.
 */
#include "native.h"
#include "seal.h"
#include "unit.h"

/* Little-endian writers for the expected bytes. */
static unsigned char *
le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return (p);
}

static unsigned char *
fill(unsigned char *p, const unsigned char *b, size_t n)
{
	memcpy(p, b, n);
	return (p + n);
}

/* n bytes counting up from start, so that fields are told apart. */
static void
pattern(unsigned char *b, size_t n, unsigned start)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(start + i);
}

/* The values every record is built from. */
#define SEQ	0x0102030405060708ULL
#define T_NS	((int64_t)0x1112131415161718LL)
#define WALL_NS ((int64_t)-2) /* negative numbers survive too */

static void
mk_chain(struct sr_chain_rec *c)
{
	memset(c, 0, sizeof(*c));
	c->seq = SEQ;
	c->t_ns = T_NS;
	c->len = 0x21222324;
	c->clen = 0x31323334;
	c->stream = 0x41;
	pattern(c->h, SR_HASH_LEN, 0x80);
}

static size_t
want_chain(unsigned char *out)
{
	unsigned char *p = out, h[SR_HASH_LEN];

	pattern(h, sizeof(h), 0x80);
	p = le(p, SEQ, 8);
	p = le(p, (uint64_t)T_NS, 8);
	p = le(p, 0x21222324, 4);
	p = le(p, 0x31323334, 4);
	p = le(p, 0x41, 1);
	p = le(p, 0, 3);
	p = fill(p, h, sizeof(h));
	return ((size_t)(p - out));
}

static void
mk_checkpoint(struct sr_checkpoint_rec *k)
{
	memset(k, 0, sizeof(*k));
	pattern(k->rec_id, SR_RECID_LEN, 0x10);
	k->ck_no = 0xa1a2a3a4;
	k->seq = SEQ;
	pattern(k->h, SR_HASH_LEN, 0x40);
	k->t_ns = T_NS;
	k->wall_ns = WALL_NS;
	pattern(k->prev, SR_HASH_LEN, 0x70);
	pattern(k->key_id, SR_KEYID_LEN, 0xb0);
	pattern(k->sig, SR_SIG_LEN, 0xc0);
}

static size_t
want_checkpoint(unsigned char *out)
{
	unsigned char *p = out, b[SR_SIG_LEN];

	pattern(b, SR_RECID_LEN, 0x10);
	p = fill(p, b, SR_RECID_LEN);
	p = le(p, 0xa1a2a3a4, 4);
	p = le(p, SEQ, 8);
	pattern(b, SR_HASH_LEN, 0x40);
	p = fill(p, b, SR_HASH_LEN);
	p = le(p, (uint64_t)T_NS, 8);
	p = le(p, (uint64_t)WALL_NS, 8);
	pattern(b, SR_HASH_LEN, 0x70);
	p = fill(p, b, SR_HASH_LEN);
	pattern(b, SR_KEYID_LEN, 0xb0);
	p = fill(p, b, SR_KEYID_LEN);
	p = le(p, 0, 4);
	pattern(b, SR_SIG_LEN, 0xc0);
	p = fill(p, b, SR_SIG_LEN);
	return ((size_t)(p - out));
}

static void
mk_seal(struct sr_seal_rec *s)
{
	memset(s, 0, sizeof(*s));
	pattern(s->rec_id, SR_RECID_LEN, 0x10);
	s->host_seq = 0x5152535455565758ULL;
	s->n = SEQ;
	s->bytes_out = 0x6162636465666768ULL;
	s->bytes_in = 0x7172737475767778ULL;
	pattern(s->h0, SR_HASH_LEN, 0x20);
	pattern(s->hn, SR_HASH_LEN, 0x50);
	s->last_ck = 0x81828384;
	s->start_wall_ns = WALL_NS;
	s->end_ns = T_NS;
	s->end_reason = SR_END_SIGNAL;
	s->status = -9;
	s->bytes_lost = 0x9192939495969798ULL;
	pattern(s->key_id, SR_KEYID_LEN, 0xb0);
	pattern(s->sig, SR_SIG_LEN, 0xc0);
}

static size_t
want_seal(unsigned char *out)
{
	unsigned char *p = out, b[SR_SIG_LEN];

	pattern(b, SR_RECID_LEN, 0x10);
	p = fill(p, b, SR_RECID_LEN);
	p = le(p, 0x5152535455565758ULL, 8);
	p = le(p, SEQ, 8);
	p = le(p, 0x6162636465666768ULL, 8);
	p = le(p, 0x7172737475767778ULL, 8);
	pattern(b, SR_HASH_LEN, 0x20);
	p = fill(p, b, SR_HASH_LEN);
	pattern(b, SR_HASH_LEN, 0x50);
	p = fill(p, b, SR_HASH_LEN);
	p = le(p, 0x81828384, 4);
	p = le(p, (uint64_t)WALL_NS, 8);
	p = le(p, (uint64_t)T_NS, 8);
	p = le(p, SR_END_SIGNAL, 1);
	p = le(p, 0, 3);
	p = le(p, (uint32_t)-9, 4);
	p = le(p, 0x9192939495969798ULL, 8);
	pattern(b, SR_KEYID_LEN, 0xb0);
	p = fill(p, b, SR_KEYID_LEN);
	p = le(p, 0, 4);
	pattern(b, SR_SIG_LEN, 0xc0);
	p = fill(p, b, SR_SIG_LEN);
	return ((size_t)(p - out));
}

static void
mk_index(struct sr_index_ent *e)
{
	e->seq = SEQ;
	e->t_ns = WALL_NS;
	e->off = 0xe1e2e3e4e5e6e7e8ULL;
}

static size_t
want_index(unsigned char *out)
{
	unsigned char *p = out;

	p = le(p, SEQ, 8);
	p = le(p, (uint64_t)WALL_NS, 8);
	p = le(p, 0xe1e2e3e4e5e6e7e8ULL, 8);
	return ((size_t)(p - out));
}

/*
 * One record kind: build, encode, decode, and say whether the decoded
 * copy equals the original (field by field, padding aside).
 */
struct rcase {
	const char *name;
	size_t len; /* the constant from native.h */
	size_t (*want)(unsigned char *);
	size_t (*enc)(unsigned char *);
	int (*dec)(const unsigned char *, size_t); /* 0 equal, 1 differ, -1 */
};

static size_t
enc_chain(unsigned char *out)
{
	struct sr_chain_rec c;

	mk_chain(&c);
	return (sr_chain_encode(&c, out));
}

static int
dec_chain(const unsigned char *p, size_t n)
{
	struct sr_chain_rec a, b;

	mk_chain(&a);
	memset(&b, 0xee, sizeof(b));
	if (sr_chain_decode(p, n, &b) != 0)
		return (-1);
	return (a.seq != b.seq || a.t_ns != b.t_ns || a.len != b.len ||
	    a.clen != b.clen || a.stream != b.stream ||
	    memcmp(a.h, b.h, SR_HASH_LEN) != 0);
}

static size_t
enc_checkpoint(unsigned char *out)
{
	struct sr_checkpoint_rec k;

	mk_checkpoint(&k);
	return (sr_checkpoint_encode(&k, out));
}

static int
dec_checkpoint(const unsigned char *p, size_t n)
{
	struct sr_checkpoint_rec a, b;

	mk_checkpoint(&a);
	memset(&b, 0xee, sizeof(b));
	if (sr_checkpoint_decode(p, n, &b) != 0)
		return (-1);
	return (memcmp(a.rec_id, b.rec_id, SR_RECID_LEN) != 0 ||
	    a.ck_no != b.ck_no || a.seq != b.seq ||
	    memcmp(a.h, b.h, SR_HASH_LEN) != 0 || a.t_ns != b.t_ns ||
	    a.wall_ns != b.wall_ns ||
	    memcmp(a.prev, b.prev, SR_HASH_LEN) != 0 ||
	    memcmp(a.key_id, b.key_id, SR_KEYID_LEN) != 0 ||
	    memcmp(a.sig, b.sig, SR_SIG_LEN) != 0);
}

static size_t
enc_seal(unsigned char *out)
{
	struct sr_seal_rec s;

	mk_seal(&s);
	return (sr_seal_encode(&s, out));
}

static int
dec_seal(const unsigned char *p, size_t n)
{
	struct sr_seal_rec a, b;

	mk_seal(&a);
	memset(&b, 0xee, sizeof(b));
	if (sr_seal_decode(p, n, &b) != 0)
		return (-1);
	return (memcmp(a.rec_id, b.rec_id, SR_RECID_LEN) != 0 ||
	    a.host_seq != b.host_seq || a.n != b.n ||
	    a.bytes_out != b.bytes_out || a.bytes_in != b.bytes_in ||
	    memcmp(a.h0, b.h0, SR_HASH_LEN) != 0 ||
	    memcmp(a.hn, b.hn, SR_HASH_LEN) != 0 || a.last_ck != b.last_ck ||
	    a.start_wall_ns != b.start_wall_ns || a.end_ns != b.end_ns ||
	    a.end_reason != b.end_reason || a.status != b.status ||
	    a.bytes_lost != b.bytes_lost ||
	    memcmp(a.key_id, b.key_id, SR_KEYID_LEN) != 0 ||
	    memcmp(a.sig, b.sig, SR_SIG_LEN) != 0);
}

static size_t
enc_index(unsigned char *out)
{
	struct sr_index_ent e;

	mk_index(&e);
	sr_index_ent_encode(&e, out);
	return (SR_INDEX_ENTRY_LEN);
}

static int
dec_index(const unsigned char *p, size_t n)
{
	struct sr_index_ent a, b;

	/* Entries have a fixed size: the caller checks the count. */
	if (n != SR_INDEX_ENTRY_LEN)
		return (-1);
	mk_index(&a);
	memset(&b, 0xee, sizeof(b));
	sr_index_ent_decode(p, &b);
	return (a.seq != b.seq || a.t_ns != b.t_ns || a.off != b.off);
}

static const struct rcase rcases[] = {
	{ "chain", SR_CHAIN_LEN, want_chain, enc_chain, dec_chain },
	{ "checkpoint", SR_CHECKPOINT_LEN, want_checkpoint, enc_checkpoint,
	    dec_checkpoint },
	{ "seal", SR_SEAL_LEN, want_seal, enc_seal, dec_seal },
	{ "index entry", SR_INDEX_ENTRY_LEN, want_index, enc_index, dec_index },
};

static void
test_records(void **state)
{
	unsigned char got[512], want[512];
	size_t i, n, w, k;

	(void)state;
	for (i = 0; i < nitems(rcases); i++) {
		const struct rcase *c = &rcases[i];

		memset(got, 0xee, sizeof(got));
		n = c->enc(got);
		w = c->want(want);
		if (n != c->len || w != c->len)
			fail_msg("%s: encoded %zu bytes, layout %zu, "
				 "native.h %zu",
			    c->name, n, w, c->len);
		for (k = 0; k < n; k++)
			if (got[k] != want[k])
				fail_msg("%s: byte %zu is 0x%02x, want 0x%02x",
				    c->name, k, got[k], want[k]);
		if (got[n] != 0xee)
			fail_msg("%s: wrote past its length", c->name);
		if (c->dec(got, n) != 0)
			fail_msg("%s: decoded record differs", c->name);
		if (c->dec(got, n - 1) != -1 || c->dec(got, n + 1) != -1 ||
		    c->dec(got, 0) != -1)
			fail_msg("%s: a record of the wrong length decoded",
			    c->name);
	}
}

/* Skippable frame heads. */
struct scase {
	const char *name;
	unsigned char b[16];
	size_t avail;
	int ret;
	int kind;
	uint32_t blen;
	int version;
};

#define MAGIC 0x5e, 0x2a, 0x4d, 0x18
static const struct scase scases[] = {
	{ "header", { MAGIC, 16, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'H' }, 14, 1,
	    'H', 10, 1 },
	{ "empty body", { MAGIC, 6, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'A' }, 14,
	    1, 'A', 0, 1 },
	{ "large length", { MAGIC, 6, 0, 0, 0x80, 'S', 'R', 'E', 'C', 1, 'I' },
	    16, 1, 'I', 0x80000000U, 1 },
	{ "another version", { MAGIC, 66, 0, 0, 0, 'S', 'R', 'E', 'C', 2, 'C' },
	    14, 1, 'C', 60, 2 },
	{ "zstd data frame", { 0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05 }, 14, 0, 0,
	    0, 0 },
	{ "another skippable magic",
	    { 0x50, 0x2a, 0x4d, 0x18, 16, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'H' },
	    14, 0, 0, 0, 0 },
	{ "another tag", { MAGIC, 16, 0, 0, 0, 'S', 'R', 'E', 'D', 1, 'H' }, 14,
	    0, 0, 0, 0 },
	{ "length below the prefix",
	    { MAGIC, 5, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'H' }, 14, 0, 0, 0, 0 },
	{ "text", { '{', '"', 'v', 'e', 'r', '"' }, 6, 0, 0, 0, 0 },
	{ "three bytes", { MAGIC }, 3, -1, 0, 0, 0 },
	{ "magic only", { MAGIC }, 4, -1, 0, 0, 0 },
	{ "one byte short", { MAGIC, 16, 0, 0, 0, 'S', 'R', 'E', 'C', 1 }, 13,
	    -1, 0, 0, 0 },
	{ "nothing", { 0 }, 0, -1, 0, 0, 0 },
};

static void
test_skip_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(scases); i++) {
		const struct scase *c = &scases[i];
		int kind = -7, version = -7, ret;
		uint32_t blen = 7;

		ret = sr_native_skip_parse(c->b, c->avail, &kind, &blen,
		    &version);
		if (ret != c->ret)
			fail_msg("%s: returned %d, want %d", c->name, ret,
			    c->ret);
		if (ret == 1 &&
		    (kind != c->kind || blen != c->blen ||
			version != c->version))
			fail_msg("%s: kind %c blen %lu version %d", c->name,
			    kind, (unsigned long)blen, version);
		if (ret != 1 && (kind != -7 || blen != 7 || version != -7))
			fail_msg("%s: outputs set on failure", c->name);
	}
}

static void
test_frame(void **state)
{
	static const struct {
		int kind;
		size_t blen;
		unsigned char want[14];
	} cases[] = {
		{ 'H', 300,
		    { MAGIC, 0x32, 0x01, 0, 0, 'S', 'R', 'E', 'C', 1, 'H' } },
		{ 'C', SR_CHAIN_LEN,
		    { MAGIC, 66, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'C' } },
		{ 'S', SR_SEAL_LEN,
		    { MAGIC, 230, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'S' } },
		{ 'A', 0, { MAGIC, 6, 0, 0, 0, 'S', 'R', 'E', 'C', 1, 'A' } },
	};
	unsigned char b[14];
	uint32_t blen;
	int kind, version;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		if (sr_native_frame(b, cases[i].kind, cases[i].blen) != 14 ||
		    memcmp(b, cases[i].want, 14) != 0)
			fail_msg("frame %c: wrong bytes", cases[i].kind);
		if (sr_native_skip_parse(b, 14, &kind, &blen, &version) != 1 ||
		    kind != cases[i].kind || blen != cases[i].blen ||
		    version != SR_NATIVE_VERSION)
			fail_msg("frame %c: does not parse back",
			    cases[i].kind);
	}
}

static void
test_end_reason(void **state)
{
	static const struct {
		int r;
		const char *name;
	} cases[] = {
		{ SR_END_EXIT, "exit" },
		{ SR_END_SIGNAL, "signal" },
		{ SR_END_HANGUP, "hangup" },
		{ SR_END_WRITE_ERROR, "write-error" },
		{ SR_END_SIZE_LIMIT, "size-limit" },
		{ SR_END_ADMIN, "admin" },
		{ 0, "?" },
		{ 7, "?" },
		{ -1, "?" },
		{ 255, "?" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++)
		if (strcmp(sr_end_reason_name(cases[i].r), cases[i].name) != 0)
			fail_msg("reason %d: \"%s\", want \"%s\"", cases[i].r,
			    sr_end_reason_name(cases[i].r), cases[i].name);
}

/* The chain, recomputed from the layout in native.h. */
static void
test_chain(void **state)
{
	static const struct {
		const char *name;
		uint64_t seq;
		uint8_t stream;
		int64_t t_ns;
		const char *plain;
	} cases[] = {
		{ "first chunk", 1, 0, 0, "{\"ver\":\"2.3\"}\n" },
		{ "later chunk", 77, 0, 123456789012LL, "x" },
		{ "empty", 2, 3, -1, "" },
	};
	static const char hdr[] = "{\"format\":\"sessrec\",\"version\":1}";
	unsigned char h[SR_HASH_LEN], want[SR_HASH_LEN], prev[SR_HASH_LEN];
	unsigned char num[8 + 1 + 8 + 4], *p;
	struct sr_sha256 st;
	size_t i;

	(void)state;
	sr_chain_h0(h, hdr, sizeof(hdr) - 1);
	sr_sha256_init(&st);
	sr_sha256_update(&st, "sessrec/v1/header", 17);
	sr_sha256_update(&st, hdr, sizeof(hdr) - 1);
	sr_sha256_final(&st, want);
	if (memcmp(h, want, SR_HASH_LEN) != 0)
		fail_msg("h0 differs from SHA-256(domain || header)");
	for (i = 0; i < nitems(cases); i++) {
		size_t len = strlen(cases[i].plain);

		memcpy(prev, h, SR_HASH_LEN);
		sr_chain_step(h, cases[i].seq, cases[i].stream, cases[i].t_ns,
		    cases[i].plain, len);
		p = le(num, cases[i].seq, 8);
		p = le(p, cases[i].stream, 1);
		p = le(p, (uint64_t)cases[i].t_ns, 8);
		le(p, len, 4);
		sr_sha256_init(&st);
		sr_sha256_update(&st, "sessrec/v1/chunk", 16);
		sr_sha256_update(&st, prev, SR_HASH_LEN);
		sr_sha256_update(&st, num, sizeof(num));
		sr_sha256_update(&st, cases[i].plain, len);
		sr_sha256_final(&st, want);
		if (memcmp(h, want, SR_HASH_LEN) != 0)
			fail_msg("%s: chain step differs from the layout",
			    cases[i].name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_skip_parse),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_end_reason),
		cmocka_unit_test(test_chain),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
