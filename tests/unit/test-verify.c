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
 * sr_verify(): the tamper table over a small sealed recording made here
 * with the real writer (every byte flipped, every prefix, chunks
 * deleted, swapped and duplicated, a checkpoint removed, bytes appended,
 * another key, edited metadata, a key outside its window, a wrong file
 * name, witness lines), and the foreign formats' fixtures and edited
 * copies of them.  SR_VERIFY_BENCH=MB in the environment measures the
 * speed on a recording of that many megabytes of plaintext.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "native.h"
#include "seal.h"
#include "unit.h"

#define MS SR_NSEC_PER_MSEC

static char tmpdir[] = "/tmp/test-verify.XXXXXX";
static struct sr_key *key_a, *key_b;
static char pub_a[4096];
static struct sr_ctx *ctx;

/* The session id the test recordings carry, and a name holding it. */
#define SID	   "01KAXQ3J7ZP8W0S5E4F2B9T6CD"
#define OTHER_SID  "01KAXQ3J7ZP8W0S5E4F2B9T6CE"
#define START_NS   1764030000000000000LL
#define GOOD_NAME  "20261125T000000Z-" SID ".srec"
#define OTHER_NAME "20261125T000000Z-" OTHER_SID ".srec"

struct rec {
	unsigned char *p;
	size_t len;
};

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		abort();
	return (p);
}

enum mk_flags {
	MK_UNSIGNED = 1 << 0,
	MK_KEY_B = 1 << 1,
	MK_NOSEAL = 1 << 2,
	MK_GAP = 1 << 3,
	MK_BIG = 1 << 4,      /* many chunks of 64 KiB, for the benchmark */
	MK_SMALLIDX = 1 << 5, /* the writer thins its index early */
};

static void
slurp_fd(int fd, struct rec *r)
{
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	r->len = (size_t)sb.st_size;
	r->p = xmalloc(r->len + 1);
	assert_non_null(r->p);
	assert_int_equal(pread(fd, r->p, r->len, 0), (ssize_t)r->len);
}

/* The witness lines the recorder made for the last recording, and good. */
static char rec_witness[4096], good_witness[4096];

/* A recording: 12 output events in small chunks, a checkpoint every few. */
static void
make_rec(unsigned flags, size_t big_mb, struct rec *out)
{
	static const char *const argv[] = { "sh", "-c", "echo hi", NULL };
	struct sr_rec_meta m;
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_error err;
	struct sr_event ev;
	struct sr_buf wb;
	char line[128];
	unsigned char *blk = NULL;
	int fd, i, n;

	memset(&m, 0, sizeof(m));
	m.session_id = SID;
	m.host = "bastion";
	m.actor = "alice";
	m.user = "alice";
	m.tty = "/dev/pts/3";
	m.term = "xterm";
	m.command = "sh -c 'echo hi'";
	m.argv = argv;
	m.start_ns = START_NS;
	m.rows = 24;
	m.cols = 80;
	m.uid = 1000;
	m.loginuid = 1000;
	m.audit_session = 7;
	m.host_seq = 42;
	m.pid = 1234;
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.chunk_bytes = (flags & MK_BIG) ? 0 : 200;
	o.chunk_ns = (flags & MK_BIG) ? 0 : 400 * MS;
	o.checkpoint_bytes = (flags & MK_BIG) ? 0 : 600;
	if (flags & MK_SMALLIDX)
		o.index_max = 2;
	if (!(flags & MK_UNSIGNED))
		o.key = (flags & MK_KEY_B) ? key_b : key_a;
	fd = sr_tmpfile();
	assert_true(fd >= 0);
	sr_error_clear(&err);
	assert_int_equal(sr_recw_open(ctx, fd, &m, &o, &w, &err), SR_OK);
	sr_buf_init(&wb, sizeof(rec_witness) - 1);
	assert_int_equal(sr_buf_printf(&wb,
			     "Nov 25 08:00:00 bastion "
			     "sessrec[1234]: "),
	    SR_E_NONE);
	assert_int_equal(sr_recw_witness(w, SR_WITNESS_START, &wb), SR_OK);
	assert_int_equal(sr_buf_putc(&wb, '\n'), SR_E_NONE);
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_OUTPUT;
	ev.stream = SR_STREAM_TTYOUT;
	if (flags & MK_BIG) {
		/*
		 * Terminal-like text: words and numbers from a generator,
		 * so that it compresses about as well as real output.
		 */
		static const char *const words[] = { "total", "drwxr-xr-x",
			"root", "-rw-r--r--", "Nov", "25", "08:00", "usr",
			"lib", "bin", "\033[01;34m", "\033[0m",
			"error:", "warning", "make[1]:", "Entering",
			"directory", "CC", "lib/verify.o", "ok", "PASS", "test",
			"$", "ls", "-la", "grep", "systemctl", "status",
			"active", "(running)", "since", "Wed", "kB", "MiB",
			"pid", "uid=0(root)", "\r\n", "\r\n", "\r\n", " ", " ",
			" ", " " };
		uint64_t x = 88172645463325252ULL;
		size_t k;

		blk = xmalloc(65536);
		assert_non_null(blk);
		n = (int)(big_mb * 16);
		for (i = 0; i < n; i++) {
			for (k = 0; k < 65536;) {
				const char *wd;
				size_t wl;

				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				if (x % 16 == 0) {
					char num[24];

					wl = (size_t)snprintf(num, sizeof(num),
					    "%llu ",
					    (unsigned long long)(x >> 52));
					wd = num;
					if (k + wl > 65536)
						wl = 65536 - k;
					memcpy(blk + k, wd, wl);
					k += wl;
					continue;
				}
				wd = words[(x >> 8) % nitems(words)];
				wl = strlen(wd);
				if (k + wl > 65536)
					wl = 65536 - k;
				memcpy(blk + k, wd, wl);
				k += wl;
			}
			ev.t_ns = (int64_t)i * MS;
			ev.data = blk;
			ev.len = 65536;
			assert_int_equal(sr_recw_event(w, &ev), SR_OK);
		}
		free(blk);
	} else {
		for (i = 0; i < 20; i++) {
			n = snprintf(line, sizeof(line),
			    "line %d: \033[1mhello\033[0m world %d\r\n", i,
			    i * i);
			ev.t_ns = (int64_t)i * 300 * MS;
			ev.data = (const unsigned char *)line;
			ev.len = (size_t)n;
			assert_int_equal(sr_recw_event(w, &ev), SR_OK);
			if (i == 5 && (flags & MK_GAP))
				sr_recw_gap(w, 100, ev.t_ns, ev.t_ns + MS);
		}
	}
	if (!(flags & MK_NOSEAL)) {
		assert_int_equal(sr_recw_seal(w, 7000 * MS, SR_END_EXIT, 0),
		    SR_OK);
		assert_int_equal(sr_recw_witness(w, SR_WITNESS_SEAL, &wb),
		    SR_OK);
		assert_int_equal(sr_buf_putc(&wb, '\n'), SR_E_NONE);
	} else
		assert_int_equal(sr_recw_flush(w, 7000 * MS), SR_OK);
	memcpy(rec_witness, wb.data, wb.len + 1);
	sr_buf_release(&wb);
	sr_recw_free(w);
	slurp_fd(fd, out);
	close(fd);
}

/* The layout of a recording: what each byte belongs to. */
enum fkind { F_HEADER = 1, F_DATA, F_CHAIN, F_CK, F_INDEX, F_SEAL };

struct frame {
	enum fkind kind;
	size_t off, len;
	int64_t seq; /* chunk number for data and chain, ck_no for K */
};

static size_t
layout(const struct rec *r, struct frame *f, size_t max)
{
	size_t off = 0, n = 0, len;
	uint32_t blen;
	int kind, version;
	int64_t seq = 0;

	while (off < r->len && n < max) {
		if (sr_le32(r->p + off) == SR_ZSTD_MAGIC) {
			len = ZSTD_findFrameCompressedSize(r->p + off,
			    r->len - off);
			assert_false(ZSTD_isError(len));
			f[n].kind = F_DATA;
			f[n].seq = ++seq;
		} else {
			assert_int_equal(sr_native_skip_parse(r->p + off,
					     r->len - off, &kind, &blen,
					     &version),
			    1);
			len = 14 + blen;
			f[n].seq = seq;
			switch (kind) {
			case 'H':
				f[n].kind = F_HEADER;
				break;
			case 'C':
				f[n].kind = F_CHAIN;
				break;
			case 'K':
				f[n].kind = F_CK;
				f[n].seq =
				    (int64_t)sr_le32(r->p + off + 14 + 16);
				break;
			case 'I':
				f[n].kind = F_INDEX;
				break;
			default:
				f[n].kind = F_SEAL;
			}
		}
		f[n].off = off;
		f[n].len = len;
		off += len;
		n++;
	}
	assert_int_equal(off, r->len);
	return (n);
}

static struct sr_trust *
trust_a(int64_t nb, int64_t na)
{
	struct sr_trust *t = sr_trust_new();
	struct sr_error err;

	assert_non_null(t);
	assert_int_equal(sr_trust_add(t, pub_a, nb, na, &err), SR_OK);
	assert_int_equal(sr_trust_count(t), 1);
	return (t);
}

static void
verify_mem(const void *p, size_t len, const char *name,
    const struct sr_trust *t, const char *wit, struct sr_verify_result *res)
{
	struct sr_input *in;
	struct sr_error err;

	assert_int_equal(sr_input_open_mem(ctx, name, p, len, &in, &err),
	    SR_OK);
	assert_int_equal(sr_verify(ctx, in, name, NULL, t, wit,
			     wit != NULL ? strlen(wit) : 0, 0, res, &err),
	    SR_OK);
	assert_true(res->nfind <= SR_VERIFY_MAXFIND);
	assert_true(res->nfind_total >= res->nfind);
	sr_input_close(in);
}

static void
dump(const char *what, const struct sr_verify_result *res)
{
	size_t i;

	fprintf(stderr, "%s: %s\n", what, sr_verdict_name(res->verdict));
	for (i = 0; i < res->nfind; i++)
		fprintf(stderr, "  %s %s seq %lld off %lld: %s\n",
		    sr_verdict_name(res->find[i].verdict), res->find[i].check,
		    (long long)res->find[i].seq,
		    (long long)res->find[i].loc.offset, res->find[i].msg);
}

static int
has_check(const struct sr_verify_result *res, const char *check)
{
	size_t i;

	for (i = 0; i < res->nfind; i++)
		if (strcmp(res->find[i].check, check) == 0)
			return (1);
	return (0);
}

/*
 * Edits.  Each makes a changed copy of the good recording.
 */
static struct rec good, unsigned_rec, keyb_rec, noseal_rec, gap_rec,
    smallidx_rec;
static struct frame lay[256];
static size_t nlay;

static const struct frame *
find_frame(enum fkind k, int64_t seq)
{
	size_t i;

	for (i = 0; i < nlay; i++)
		if (lay[i].kind == k && lay[i].seq == seq)
			return (&lay[i]);
	return (NULL);
}

/* A frame the test needs: the layout is the writer's, so it is there. */
static const struct frame *
req_frame(enum fkind k, int64_t seq)
{
	const struct frame *f = find_frame(k, seq);

	if (f == NULL) {
		fprintf(stderr, "no frame of kind %d seq %lld\n", k,
		    (long long)seq);
		abort();
	}
	return (f);
}

/* The chunk (data + chain) numbered seq. */
static void
chunk_span(int64_t seq, size_t *off, size_t *len)
{
	const struct frame *d = req_frame(F_DATA, seq),
			   *c = req_frame(F_CHAIN, seq);

	assert_int_equal(d->off + d->len, c->off);
	*off = d->off;
	*len = d->len + c->len;
}

static void
cut(struct rec *out, size_t off, size_t len)
{
	out->len = good.len - len;
	out->p = xmalloc(good.len + 1);
	memcpy(out->p, good.p, off);
	memcpy(out->p + off, good.p + off + len, good.len - off - len);
}

static void
ed_delete_chunk(struct rec *out)
{
	size_t off, len;

	chunk_span(2, &off, &len);
	cut(out, off, len);
}

static void
ed_swap_chunks(struct rec *out)
{
	size_t o2, l2, o3, l3;

	chunk_span(3, &o2, &l2);
	chunk_span(4, &o3, &l3);
	assert_int_equal(o2 + l2, o3);
	out->len = good.len;
	out->p = xmalloc(good.len);
	memcpy(out->p, good.p, good.len);
	memcpy(out->p + o2, good.p + o3, l3);
	memcpy(out->p + o2 + l3, good.p + o2, l2);
}

static void
ed_dup_chunk(struct rec *out)
{
	size_t off, len;

	chunk_span(2, &off, &len);
	out->len = good.len + len;
	out->p = xmalloc(out->len);
	memcpy(out->p, good.p, off + len);
	memcpy(out->p + off + len, good.p + off, good.len - off);
}

static void
ed_remove_ck(struct rec *out)
{
	const struct frame *k = req_frame(F_CK, 1);

	cut(out, k->off, k->len);
}

static void
ed_append(struct rec *out)
{
	out->len = good.len + 5;
	out->p = xmalloc(out->len);
	memcpy(out->p, good.p, good.len);
	memcpy(out->p + good.len, "extra", 5);
}

/* "alice" becomes "mallo" in the header: same length, other h0. */
static void
ed_meta(struct rec *out)
{
	const struct frame *h = req_frame(F_HEADER, 0);
	unsigned char *q;

	out->len = good.len;
	out->p = xmalloc(good.len);
	memcpy(out->p, good.p, good.len);
	q = memmem(out->p + h->off, h->len, "\"alice\"", 7);
	assert_non_null(q);
	memcpy(q, "\"mallo\"", 7);
}

static void
ed_none(struct rec *out)
{
	out->len = good.len;
	out->p = xmalloc(good.len);
	memcpy(out->p, good.p, good.len);
}

static void
ed_unsigned(struct rec *out)
{
	out->len = unsigned_rec.len;
	out->p = xmalloc(out->len);
	memcpy(out->p, unsigned_rec.p, out->len);
}

static void
ed_keyb(struct rec *out)
{
	out->len = keyb_rec.len;
	out->p = xmalloc(out->len);
	memcpy(out->p, keyb_rec.p, out->len);
}

static void
ed_noseal(struct rec *out)
{
	out->len = noseal_rec.len;
	out->p = xmalloc(out->len);
	memcpy(out->p, noseal_rec.p, out->len);
}

static void
ed_smallidx(struct rec *out)
{
	out->len = smallidx_rec.len;
	out->p = xmalloc(out->len);
	memcpy(out->p, smallidx_rec.p, out->len);
}

static void
ed_gap(struct rec *out)
{
	out->len = gap_rec.len;
	out->p = xmalloc(out->len);
	memcpy(out->p, gap_rec.p, out->len);
}

/* The unsealed recording with its last chunk's plaintext hash flipped. */
static void
ed_noseal_tail(struct rec *out)
{
	ed_noseal(out);
	out->p[out->len - 1] ^= 0x40; /* the last chain record's h */
}

enum trustkind { T_NONE, T_A, T_A_LATE };

static const struct edcase {
	const char *name;
	void (*edit)(struct rec *);
	const char *file; /* member name; NULL: GOOD_NAME */
	enum trustkind trust;
	enum sr_verdict want;
	const char *check; /* the deciding finding's check, or NULL */
	int64_t seq;	   /* its seq, or -2 to skip */
} edcases[] = {
	{ "intact", ed_none, NULL, T_A, SR_VERDICT_OK, "witness", -2 },
	{ "intact-no-trust", ed_none, NULL, T_NONE, SR_VERDICT_CONSISTENT,
	    "key", -2 },
	{ "unsigned", ed_unsigned, NULL, T_A, SR_VERDICT_CONSISTENT, "key",
	    -2 },
	{ "unsigned-no-trust", ed_unsigned, NULL, T_NONE, SR_VERDICT_CONSISTENT,
	    "key", -2 },
	{ "delete-chunk", ed_delete_chunk, NULL, T_A, SR_VERDICT_TAMPERED,
	    "chain-seq", 2 },
	{ "swap-chunks", ed_swap_chunks, NULL, T_A, SR_VERDICT_TAMPERED,
	    "chain-seq", 3 },
	{ "dup-chunk", ed_dup_chunk, NULL, T_A, SR_VERDICT_TAMPERED,
	    "chain-seq", 3 },
	{ "remove-checkpoint", ed_remove_ck, NULL, T_A, SR_VERDICT_TAMPERED,
	    "checkpoint-seq", -2 },
	{ "append-after-seal", ed_append, NULL, T_A, SR_VERDICT_TAMPERED,
	    "after-seal", -2 },
	{ "append-no-trust", ed_append, NULL, T_NONE, SR_VERDICT_TAMPERED,
	    "after-seal", -2 },
	{ "metadata-edit", ed_meta, NULL, T_A, SR_VERDICT_TAMPERED,
	    "checkpoint-chain", 0 },
	{ "metadata-edit-no-trust", ed_meta, NULL, T_NONE, SR_VERDICT_TAMPERED,
	    "checkpoint-chain", 0 },
	{ "resigned-unknown-key", ed_keyb, NULL, T_A, SR_VERDICT_TAMPERED,
	    "key", -2 },
	{ "resigned-no-trust", ed_keyb, NULL, T_NONE, SR_VERDICT_CONSISTENT,
	    "key", -2 },
	{ "key-outside-window", ed_none, NULL, T_A_LATE, SR_VERDICT_TAMPERED,
	    "key-window", -2 },
	{ "file-name-other-session", ed_none, OTHER_NAME, T_A,
	    SR_VERDICT_TAMPERED, "name", -2 },
	{ "file-name-neutral", ed_none, "x.srec", T_A, SR_VERDICT_OK, NULL,
	    -2 },
	{ "thinned-index", ed_smallidx, NULL, T_A, SR_VERDICT_OK, NULL, -2 },
	{ "no-seal", ed_noseal, NULL, T_A, SR_VERDICT_INCOMPLETE, NULL, -2 },
	{ "no-seal-damaged-tail", ed_noseal_tail, NULL, T_A,
	    SR_VERDICT_INCOMPLETE, "chain", -2 },
	{ "declared-gap", ed_gap, NULL, T_A, SR_VERDICT_INCOMPLETE, "gap", -2 },
};

static struct sr_trust *
make_trust(enum trustkind k)
{
	switch (k) {
	case T_NONE:
		return (NULL);
	case T_A:
		return (trust_a(0, 0));
	case T_A_LATE:
		return (trust_a(START_NS + 3600 * SR_NSEC_PER_SEC, 0));
	}
	return (NULL);
}

static void
test_edits(void **state)
{
	struct sr_verify_result res;
	struct sr_trust *t;
	struct rec r;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(edcases); i++) {
		const struct edcase *c = &edcases[i];

		c->edit(&r);
		t = make_trust(c->trust);
		verify_mem(r.p, r.len, c->file ? c->file : GOOD_NAME, t, NULL,
		    &res);
		if (res.verdict != c->want ||
		    (c->check != NULL && !has_check(&res, c->check)) ||
		    (c->seq != -2 &&
			(res.nfind == 0 || res.find[0].seq != c->seq))) {
			dump(c->name, &res);
			fail_msg("case %s: want %s check %s seq %lld", c->name,
			    sr_verdict_name(c->want), c->check ? c->check : "-",
			    (long long)c->seq);
		}
		/* The deciding finding comes first. */
		if (c->want != SR_VERDICT_OK && res.nfind > 0 &&
		    res.find[0].verdict != res.verdict)
			fail_msg("case %s: first finding is not the deciding "
				 "one",
			    c->name);
		assert_string_equal(res.format, "sessrec");
		sr_trust_free(t);
		free(r.p);
	}
}

/* Details of the good case: counts, range, key. */
static void
test_good_details(void **state)
{
	struct sr_verify_result res;
	struct sr_trust *t = trust_a(0, 0);
	char id[17];

	(void)state;
	verify_mem(good.p, good.len, GOOD_NAME, t, NULL, &res);
	assert_int_equal(res.verdict, SR_VERDICT_OK);
	assert_true(res.signed_);
	assert_true(res.key_trusted);
	assert_string_equal(res.key_id, sr_key_id_hex(key_a, id));
	assert_int_equal(strlen(res.rec_id), 32);
	assert_int_equal(res.chunks, lay[nlay - 1].seq);
	assert_int_equal(res.valid_seq, res.chunks);
	assert_int_equal(res.valid_offset, (int64_t)good.len);
	{
		int64_t sum = 0;
		size_t i;

		for (i = 0; i < nlay; i++)
			if (lay[i].kind == F_DATA)
				sum +=
				    (int64_t)ZSTD_getFrameContentSize(good.p +
					    lay[i].off,
					lay[i].len);
		assert_int_equal(res.bytes, sum);
	}
	/* Only notes: the witness one. */
	assert_int_equal(res.nfind, 1);
	assert_int_equal(res.find[0].verdict, SR_VERDICT_OK);
	sr_trust_free(t);
}

/*
 * Whether a changed data frame still decodes to what the original does:
 * zstd's encoding has slack (bits no decoder reads), and the chain
 * covers the plaintext by design (archive may recompress), so such a
 * flip changes nothing that was recorded.
 */
static int
same_content(const unsigned char *z, size_t zlen, const unsigned char *orig)
{
	static unsigned char a[1 << 16], b[1 << 16];
	size_t na, nb;

	na = ZSTD_decompress(a, sizeof(a), z, zlen);
	nb = ZSTD_decompress(b, sizeof(b), orig, zlen);
	return (!ZSTD_isError(na) && !ZSTD_isError(nb) && na == nb &&
	    memcmp(a, b, na) == 0);
}

/*
 * Every byte flipped: never OK, CONSISTENT or INCOMPLETE; TAMPERED or
 * CORRUPT, and a flip inside chunk i is reported at chunk i.
 */
static void
test_flip_every_byte(void **state)
{
	struct sr_verify_result res;
	struct sr_trust *t = trust_a(0, 0);
	unsigned char *p = xmalloc(good.len);
	size_t i, f, nsame = 0;
	char what[64];

	(void)state;
	for (i = 0; i < good.len; i++) {
		for (f = 0; f < nlay; f++)
			if (i >= lay[f].off && i < lay[f].off + lay[f].len)
				break;
		assert_true(f < nlay);
		memcpy(p, good.p, good.len);
		p[i] ^= (unsigned char)(1 << (i % 8));
		verify_mem(p, good.len, GOOD_NAME, t, NULL, &res);
		snprintf(what, sizeof(what), "flip at %zu (frame kind %d)", i,
		    lay[f].kind);
		if (res.verdict == SR_VERDICT_OK && lay[f].kind == F_DATA &&
		    same_content(p + lay[f].off, lay[f].len,
			good.p + lay[f].off)) {
			nsame++;
			continue;
		}
		if (res.verdict != SR_VERDICT_TAMPERED &&
		    res.verdict != SR_VERDICT_CORRUPT) {
			dump(what, &res);
			fail_msg("%s: verdict %s", what,
			    sr_verdict_name(res.verdict));
		}
		/* CORRUPT only for the header and checkpoint 0. */
		if (res.verdict == SR_VERDICT_CORRUPT &&
		    lay[f].kind != F_HEADER &&
		    !(lay[f].kind == F_CK && lay[f].seq == 0)) {
			dump(what, &res);
			fail_msg("%s: CORRUPT outside header/ck0", what);
		}
		if ((lay[f].kind == F_DATA || lay[f].kind == F_CHAIN) &&
		    res.find[0].seq != lay[f].seq) {
			dump(what, &res);
			fail_msg("%s: reported at seq %lld, not %lld", what,
			    (long long)res.find[0].seq, (long long)lay[f].seq);
		}
		if (res.find[0].loc.offset > (int64_t)good.len) {
			dump(what, &res);
			fail_msg("%s: offset past the end", what);
		}
	}
	/* Slack bits are rare: a few per frame at most. */
	if (nsame > nlay)
		fail_msg("%zu flips left the content unchanged", nsame);
	free(p);
	sr_trust_free(t);
}

/*
 * Every prefix: CORRUPT while the header or checkpoint 0 is cut,
 * INCOMPLETE after, never TAMPERED; the validated range lies inside.
 */
static void
test_truncate_every_offset(void **state)
{
	struct sr_verify_result res;
	struct sr_trust *t = trust_a(0, 0);
	const struct frame *ck0 = req_frame(F_CK, 0);
	size_t n, f;
	int torn;
	char what[64];

	(void)state;
	assert_non_null(ck0);
	for (n = 0; n < good.len; n++) {
		verify_mem(good.p, n, GOOD_NAME, t, NULL, &res);
		snprintf(what, sizeof(what), "cut at %zu", n);
		if (res.verdict !=
		    (n < ck0->off + ck0->len ? SR_VERDICT_CORRUPT
					     : SR_VERDICT_INCOMPLETE)) {
			dump(what, &res);
			fail_msg("%s: verdict %s", what,
			    sr_verdict_name(res.verdict));
		}
		/*
		 * A cut inside a frame, or between a data frame and its
		 * chain record (one write), is a torn tail; elsewhere not.
		 */
		for (f = 0; f < nlay && lay[f].off + lay[f].len <= n; f++)
			;
		torn = f < nlay && (lay[f].off < n || lay[f].kind == F_CHAIN);
		if (n > ck0->off + ck0->len &&
		    has_check(&res, "torn") != torn) {
			dump(what, &res);
			fail_msg("%s: torn tail %sreported", what,
			    has_check(&res, "torn") ? "" : "not ");
		}
		if (res.valid_offset > (int64_t)n ||
		    (n >= ck0->off + ck0->len && res.valid_seq < 0)) {
			dump(what, &res);
			fail_msg("%s: validated up to %lld (seq %lld)", what,
			    (long long)res.valid_offset,
			    (long long)res.valid_seq);
		}
	}
	sr_trust_free(t);
}

/*
 * Witness lines, signed (or not) with key A.
 */
static void wline(struct sr_buf *, int, const char *, ...) SR_PRINTF(3, 4);

static void
wline(struct sr_buf *b, int sign, const char *fmt, ...)
{
	char words[1024], hex[2 * SR_SIG_LEN + 1];
	unsigned char sig[SR_SIG_LEN];
	struct sr_error err;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	sr_buf_printf(b, "Nov 25 08:00:00 bastion sessrec[99]: %s", words);
	if (sign) {
		assert_int_equal(sr_key_sign(sign == 2 ? key_b : key_a,
				     "sessrec/v1/witness", words, strlen(words),
				     sig, &err),
		    SR_OK);
		for (i = 0; i < SR_SIG_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", sig[i]);
		sr_buf_printf(b, " sig=%s", hex);
	}
	sr_buf_printf(b, "\n");
}

static void
hexs(char *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

enum wit_case {
	WIT_GOOD,
	WIT_BAD_H0,
	WIT_BAD_N,
	WIT_NO_START,
	WIT_FORGED_SEAL,
	WIT_OTHER_KEY,
	WIT_NO_SEAL_LINE,
	WIT_LATER_CK,
	WIT_RECORDER /* the lines sr_recw_witness() made for it */
};

static const struct witcase {
	const char *name;
	enum wit_case kind;
	enum sr_verdict want;
	const char *check;
} witcases[] = {
	{ "agrees", WIT_GOOD, SR_VERDICT_OK, NULL },
	{ "start-h0-differs", WIT_BAD_H0, SR_VERDICT_TAMPERED, "witness" },
	{ "seal-n-differs", WIT_BAD_N, SR_VERDICT_TAMPERED, "witness" },
	{ "no-start", WIT_NO_START, SR_VERDICT_TAMPERED, "witness" },
	{ "forged-line-ignored", WIT_FORGED_SEAL, SR_VERDICT_OK,
	    "witness-forged" },
	{ "signed-by-untrusted-key", WIT_OTHER_KEY, SR_VERDICT_TAMPERED,
	    "witness" },
	{ "seal-not-witnessed", WIT_NO_SEAL_LINE, SR_VERDICT_CONSISTENT,
	    "witness" },
	{ "later-checkpoint", WIT_LATER_CK, SR_VERDICT_TAMPERED, "witness" },
	{ "recorder-lines", WIT_RECORDER, SR_VERDICT_OK, NULL },
};

static void
test_witness(void **state)
{
	const struct frame *sf = &lay[nlay - 1];
	struct sr_verify_result res;
	struct sr_trust *t = trust_a(0, 0);
	struct sr_seal_rec s;
	struct sr_buf b;
	char rid[33], h0[65], hn[65], ss[33], bad[65];
	size_t i;

	(void)state;
	assert_int_equal(sf->kind, F_SEAL);
	assert_int_equal(sr_seal_decode(good.p + sf->off + 14, SR_SEAL_LEN, &s),
	    0);
	hexs(rid, s.rec_id, SR_RECID_LEN);
	hexs(h0, s.h0, SR_HASH_LEN);
	hexs(hn, s.hn, SR_HASH_LEN);
	hexs(ss, s.sig, 16);
	memcpy(bad, h0, sizeof(bad));
	bad[0] = bad[0] == '0' ? '1' : '0';
	for (i = 0; i < nitems(witcases); i++) {
		const struct witcase *c = &witcases[i];
		int signer = c->kind == WIT_OTHER_KEY ? 2 : 1;

		sr_buf_init(&b, 1 << 20);
		sr_buf_printf(&b, "Nov 25 07:59:59 bastion sshd[1]: noise\n");
		if (c->kind == WIT_RECORDER) {
			sr_buf_printf(&b, "%s", good_witness);
			goto check;
		}
		if (c->kind != WIT_NO_START)
			wline(&b, signer,
			    "sessrec-witness v1 START rec=%s host_seq=42 "
			    "h0=%s key=-",
			    rid, c->kind == WIT_BAD_H0 ? bad : h0);
		if (c->kind == WIT_LATER_CK)
			wline(&b, 1,
			    "sessrec-witness v1 CHECKPOINT rec=%s ck_no=99 "
			    "seq=999 h=%s",
			    rid, hn);
		if (c->kind == WIT_FORGED_SEAL)
			wline(&b, 0,
			    "sessrec-witness v1 SEAL rec=%s n=1 hn=%s "
			    "end=exit lost=0",
			    rid, hn);
		if (c->kind != WIT_NO_SEAL_LINE)
			wline(&b, signer,
			    "sessrec-witness v1 SEAL rec=%s n=%llu hn=%s "
			    "end=exit lost=0 seal_sig=%s",
			    rid,
			    (unsigned long long)(c->kind == WIT_BAD_N ? s.n - 1
								      : s.n),
			    hn, ss);
	check:
		verify_mem(good.p, good.len, GOOD_NAME, t, b.data, &res);
		if (res.verdict != c->want ||
		    (c->check != NULL && !has_check(&res, c->check))) {
			dump(c->name, &res);
			fail_msg("witness case %s: want %s", c->name,
			    sr_verdict_name(c->want));
		}
		sr_buf_release(&b);
	}
	sr_trust_free(t);
}

/*
 * Foreign formats: fixtures as the real tools wrote them, and edited
 * copies.
 */
struct fcase {
	const char *name;
	const char *path; /* under the source tree */
	void (*edit)(struct rec *);
	enum sr_verdict want;
	const char *check;
};

static void
swap_lines(struct rec *r, int a)
{
	/* Swaps line a (1-based) with line a + 1. */
	unsigned char *s = r->p, *l1, *l2, *e2, *tmp;
	size_t n1, n2;
	int i;

	l1 = s;
	for (i = 1; i < a; i++)
		l1 = (unsigned char *)memchr(l1, '\n',
			 r->len - (size_t)(l1 - s)) +
		    1;
	l2 = (unsigned char *)memchr(l1, '\n', r->len - (size_t)(l1 - s)) + 1;
	e2 = (unsigned char *)memchr(l2, '\n', r->len - (size_t)(l2 - s)) + 1;
	n1 = (size_t)(l2 - l1);
	n2 = (size_t)(e2 - l2);
	tmp = xmalloc(n1 + n2);
	memcpy(tmp, l2, n2);
	memcpy(tmp + n2, l1, n1);
	memcpy(l1, tmp, n1 + n2);
	free(tmp);
}

static void
dup_line(struct rec *r, int a)
{
	unsigned char *s = r->p, *l1, *e1, *np;
	size_t n1;
	int i;

	l1 = s;
	for (i = 1; i < a; i++)
		l1 = (unsigned char *)memchr(l1, '\n',
			 r->len - (size_t)(l1 - s)) +
		    1;
	e1 = (unsigned char *)memchr(l1, '\n', r->len - (size_t)(l1 - s)) + 1;
	n1 = (size_t)(e1 - l1);
	np = xmalloc(r->len + n1);
	memcpy(np, s, (size_t)(e1 - s));
	memcpy(np + (e1 - s), l1, n1);
	memcpy(np + (e1 - s) + n1, e1, r->len - (size_t)(e1 - s));
	r->len += n1;
	free(r->p);
	r->p = np;
}

static void
fe_dup_msg(struct rec *r)
{
	dup_line(r, 2);
}

static void
fe_swap_msgs(struct rec *r)
{
	swap_lines(r, 2);
}

static void
fe_cast_backwards(struct rec *r)
{
	swap_lines(r, 3);
}

/* Message 3 claims to start at 0 ms, before message 2 ended. */
static void
fe_pos_back(struct rec *r)
{
	unsigned char *l = r->p, *q, *e;
	int i;

	for (i = 1; i < 3; i++)
		l = (unsigned char *)memchr(l, '\n',
			r->len - (size_t)(l - r->p)) +
		    1;
	q = memmem(l, r->len - (size_t)(l - r->p), "\"pos\":", 6);
	assert_non_null(q);
	q += 6;
	/* "pos":0 and blanks, which JSON allows. */
	for (e = q; *e >= '0' && *e <= '9'; e++)
		*e = e == q ? '0' : ' ';
}

/* Text put into message 2's out_txt that its timing does not cover. */
static void
fe_text_longer(struct rec *r)
{
	unsigned char *l = r->p, *q, *np;
	size_t at;

	l = (unsigned char *)memchr(l, '\n', r->len) + 1;
	q = memmem(l, r->len - (size_t)(l - r->p), "\"out_txt\":\"", 11);
	assert_non_null(q);
	at = (size_t)(q - r->p) + 11;
	np = xmalloc(r->len + 3);
	memcpy(np, r->p, at);
	memcpy(np + at, "XYZ", 3);
	memcpy(np + at + 3, r->p + at, r->len - at);
	free(r->p);
	r->p = np;
	r->len += 3;
}

static void
fe_cut_last_byte(struct rec *r)
{
	r->len -= 3;
}

static const struct fcase fcases[] = {
	{ "tlog-multi", "tests/data/tlog/multi-msg.json", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "tlog-two-recs", "tests/data/tlog/two-recs.json", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "tlog-interleaved", "tests/data/tlog/interleaved.json", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "tlog-idgap", "tests/data/tlog/idgap.json", NULL, SR_VERDICT_CORRUPT,
	    "structure" },
	{ "tlog-truncated", "tests/data/tlog/truncated.json", NULL,
	    SR_VERDICT_INCOMPLETE, "torn" },
	{ "tlog-duplicated-msg", "tests/data/tlog/multi-msg.json", fe_dup_msg,
	    SR_VERDICT_CORRUPT, "structure" },
	{ "tlog-reordered-msgs", "tests/data/tlog/multi-msg.json", fe_swap_msgs,
	    SR_VERDICT_CORRUPT, "structure" },
	{ "tlog-pos-backwards", "tests/data/tlog/multi-msg.json", fe_pos_back,
	    SR_VERDICT_CORRUPT, "structure" },
	{ "tlog-text-longer", "tests/data/tlog/multi-msg.json", fe_text_longer,
	    SR_VERDICT_CORRUPT, "structure" },
	{ "asciicast", "tests/data/asciicast/v2-real.cast", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "asciicast-backwards", "tests/data/asciicast/v2-real.cast",
	    fe_cast_backwards, SR_VERDICT_CORRUPT, "structure" },
	{ "asciicast-truncated",
	    "tests/data/bad/asciicast-truncated-last-line.cast", NULL,
	    SR_VERDICT_INCOMPLETE, "torn" },
	{ "ttyrec", "tests/data/ttyrec/real.ttyrec", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "ttyrec-truncated", "tests/data/ttyrec/real.ttyrec", fe_cut_last_byte,
	    SR_VERDICT_INCOMPLETE, "torn" },
	{ "ttyrec-truncated-fixture", "tests/data/ttyrec/truncated.ttyrec",
	    NULL, SR_VERDICT_INCOMPLETE, "torn" },
};

static void
read_file(const char *path, struct rec *r)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	slurp_fd(fd, r);
	close(fd);
}

static void
test_foreign_files(void **state)
{
	struct sr_verify_result res;
	struct rec r;
	const char *base;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(fcases); i++) {
		const struct fcase *c = &fcases[i];

		read_file(unit_srcpath(c->path), &r);
		if (c->edit != NULL)
			c->edit(&r);
		base = sr_basename(c->path);
		verify_mem(r.p, r.len, base, NULL, NULL, &res);
		if (getenv("SR_VERIFY_DUMP") != NULL)
			dump(c->name, &res);
		if (res.verdict != c->want ||
		    (c->check != NULL && !has_check(&res, c->check))) {
			dump(c->name, &res);
			fail_msg("foreign case %s: want %s", c->name,
			    sr_verdict_name(c->want));
		}
		if (c->want == SR_VERDICT_CONSISTENT && res.chunks == 0)
			fail_msg("foreign case %s: no event checked", c->name);
		free(r.p);
	}
}

/* sudo session directories, copied and edited on disk. */
struct scase {
	const char *name;
	const char *src;   /* under tests/data/sudo */
	const char *shell; /* edit, run in the copy; NULL none */
	enum sr_verdict want;
	const char *check;
};

static const struct scase scases[] = {
	{ "sudo-plain", "tree/00/00/02", NULL, SR_VERDICT_CONSISTENT, NULL },
	{ "sudo-gzip", "tree/00/00/01", NULL, SR_VERDICT_CONSISTENT, NULL },
	{ "sudo-pipes", "tree/00/00/03", NULL, SR_VERDICT_CONSISTENT, NULL },
	{ "sudo-resize", "tree/00/00/04", NULL, SR_VERDICT_CONSISTENT, NULL },
	{ "sudo-ttyout-short", "tree/00/00/02", "truncate -s -10 ttyout",
	    SR_VERDICT_CORRUPT, "structure" },
	{ "sudo-ttyout-longer", "tree/00/00/02", "printf extra >> ttyout",
	    SR_VERDICT_INCOMPLETE, "timing" },
	/* Cut in the trailer: the data decodes, then ends early. */
	{ "sudo-gzip-truncated", "tree/00/00/01", "truncate -s -6 ttyout",
	    SR_VERDICT_INCOMPLETE, "gzip" },
	/*
	 * Cut in the deflate data of a small file: nothing decodes, and
	 * the input layer reports "cannot decode" (SR_E_FORMAT): unreadable.
	 */
	{ "sudo-gzip-cut-undecodable", "tree/00/00/01",
	    "truncate -s -12 ttyout", SR_VERDICT_CORRUPT, "structure" },
	/* A bit flipped in the deflate data, or in the trailer. */
	{ "sudo-gzip-flipped", "tree/00/00/01",
	    "python3 -c 'import sys; d = bytearray(open(\"ttyout\", \"rb\")"
	    ".read()); d[len(d) // 2] ^= 0x40; open(\"ttyout\", \"wb\")"
	    ".write(d)'",
	    SR_VERDICT_CORRUPT, NULL },
	{ "sudo-gzip-crc", "tree/00/00/01",
	    "printf '\\001' | dd of=ttyout bs=1 seek=$(($(stat -c %s "
	    "ttyout) - 8)) conv=notrunc status=none",
	    SR_VERDICT_CORRUPT, "gzip" },
	{ "sudo-gzip-isize", "tree/00/00/01",
	    "printf '\\001' | dd of=ttyout bs=1 seek=$(($(stat -c %s "
	    "ttyout) - 3)) conv=notrunc status=none",
	    SR_VERDICT_CORRUPT, "gzip" },
	{ "sudo-gzip-timing-crc", "tree/00/00/01",
	    "printf '\\001' | dd of=timing bs=1 seek=$(($(stat -c %s "
	    "timing) - 8)) conv=notrunc status=none",
	    SR_VERDICT_CORRUPT, "gzip" },
	/* log.json edited: log disagrees. */
	{ "sudo-log-runuser", "tree/00/00/02",
	    "sed -i 's/\"runuser\": \"nobody\"/\"runuser\": \"daemon\"/' "
	    "log.json",
	    SR_VERDICT_CORRUPT, "log" },
	{ "sudo-log-cwd", "tree/00/00/02", "sed -i '2s|.*|/root|' log",
	    SR_VERDICT_CORRUPT, "log" },
	{ "sudo-log-command", "tree/00/00/02",
	    "sed -i '3s|/usr/bin/sh -c|/usr/bin/sh -x|' log",
	    SR_VERDICT_CORRUPT, "log" },
	{ "sudo-log-time", "tree/00/00/02",
	    "sed -i '1s|^1795581663|1795581600|' log", SR_VERDICT_CORRUPT,
	    "log" },
	{ "sudo-log-tty", "tree/00/00/03",
	    "sed -i '1s|:unknown:|:/dev/pts/9:|' log", SR_VERDICT_CORRUPT,
	    "log" },
	{ "sudo-log-rungroup", "tree/00/00/02",
	    "sed -i '1s|nobody::|nobody:adm:|' log", SR_VERDICT_CORRUPT,
	    "log" },
	/* Only one of the two: nothing to compare. */
	{ "sudo-no-log", "tree/00/00/02", "rm log", SR_VERDICT_CONSISTENT,
	    NULL },
};

static void
test_sudo(void **state)
{
	struct sr_verify_result res;
	struct sr_input *in;
	struct sr_error err;
	char dst[512], cmd[10240];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(scases); i++) {
		const struct scase *c = &scases[i];
		char rel[256];

		snprintf(rel, sizeof(rel), "tests/data/sudo/%s", c->src);
		snprintf(dst, sizeof(dst), "%s/sudo-%zu", tmpdir, i);
		snprintf(cmd, sizeof(cmd),
		    "cp -r '%s' '%s' && chmod -R u+w '%s'", unit_srcpath(rel),
		    dst, dst);
		assert_int_equal(system(cmd), 0);
		if (c->shell != NULL) {
			snprintf(cmd, sizeof(cmd), "cd '%s' && %s", dst,
			    c->shell);
			assert_int_equal(system(cmd), 0);
		}
		assert_int_equal(sr_input_open(ctx, dst, &in, &err), SR_OK);
		assert_int_equal(sr_verify(ctx, in, "", sr_format_find("sudo"),
				     NULL, NULL, 0, 0, &res, &err),
		    SR_OK);
		if (getenv("SR_VERIFY_DUMP") != NULL)
			dump(c->name, &res);
		if (res.verdict != c->want ||
		    (c->check != NULL && !has_check(&res, c->check))) {
			dump(c->name, &res);
			fail_msg("sudo case %s: want %s", c->name,
			    sr_verdict_name(c->want));
		}
		sr_input_close(in);
	}
}

/*
 * util-linux script: a log and its timing file, found as one recording
 * when the input brings the partner file along.
 */
struct pcase {
	const char *name;
	const char *log, *timing; /* under tests/data/script */
	const char *shell;	  /* edit of the copy, or NULL */
	enum sr_verdict want;
	const char *check;
};

static const struct pcase pcases[] = {
	{ "script-classic", "script-classic.out", "script-classic.tm", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "script-advanced", "script-adv.io", "script-adv.tm", NULL,
	    SR_VERDICT_CONSISTENT, NULL },
	{ "script-log-past-timing", "script-adv.io", "script-adv.tm",
	    "printf 'more output' >> L", SR_VERDICT_INCOMPLETE, "torn" },
	{ "script-timing-over-log", "script-classic.out", "script-classic.tm",
	    "head -c 100 L > L.new && mv L.new L", SR_VERDICT_CORRUPT, NULL },
	/* The last timing line cut short: a torn tail, not a bad line. */
	{ "script-timing-torn", "script-classic.out", "script-classic.tm",
	    "head -c -2 L.tm > T && mv T L.tm", SR_VERDICT_INCOMPLETE, "torn" },
};

static void
test_script(void **state)
{
	struct sr_verify_result res;
	struct sr_input *in;
	struct sr_error err;
	struct sr_found *found;
	char rel[256], dir[512], cmd[10240], path[700];
	size_t i, nf, k;

	(void)state;
	for (i = 0; i < nitems(pcases); i++) {
		const struct pcase *c = &pcases[i];
		const char *ext = strrchr(c->log, '.');
		const char *text = strrchr(c->timing, '.');

		snprintf(dir, sizeof(dir), "%s/script-%zu", tmpdir, i);
		snprintf(rel, sizeof(rel), "tests/data/script/%s", c->log);
		snprintf(cmd, sizeof(cmd), "mkdir '%s' && cp '%s' '%s/L%s'",
		    dir, unit_srcpath(rel), dir, ext);
		assert_int_equal(system(cmd), 0);
		snprintf(rel, sizeof(rel), "tests/data/script/%s", c->timing);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s/L%s'",
		    unit_srcpath(rel), dir, text);
		assert_int_equal(system(cmd), 0);
		if (c->shell != NULL) {
			snprintf(cmd, sizeof(cmd),
			    "cd '%s' && mv L%s L && %s "
			    "&& mv L L%s",
			    dir, ext, c->shell, ext);
			assert_int_equal(system(cmd), 0);
		}
		snprintf(path, sizeof(path), "%s/L%s", dir, ext);
		assert_int_equal(sr_input_open_flags(ctx, path,
				     SR_INPUT_PARTNERS, &in, &err),
		    SR_OK);
		assert_int_equal(sr_probe_container(in, 0, &found, &nf, &err),
		    SR_OK);
		if (nf != 1)
			fail_msg("script case %s: %zu recordings found",
			    c->name, nf);
		assert_int_equal(sr_verify(ctx, in, found[0].member,
				     found[0].fmt, NULL, NULL, 0, 0, &res,
				     &err),
		    SR_OK);
		if (getenv("SR_VERIFY_DUMP") != NULL)
			dump(c->name, &res);
		if (res.verdict != c->want ||
		    (c->check != NULL && !has_check(&res, c->check)) ||
		    strcmp(res.format, "script") != 0) {
			dump(c->name, &res);
			fail_msg("script case %s: want %s", c->name,
			    sr_verdict_name(c->want));
		}
		for (k = 0; k < res.nfind; k++)
			assert_true(res.find[k].verdict <= c->want);
		sr_found_free_all(found, nf);
		sr_input_close(in);
	}
}

/* Misuse and the trust store's errors. */
static void
test_trust(void **state)
{
	struct sr_trust *t = sr_trust_new();
	struct sr_error err;
	char path[600];
	int fd;

	(void)state;
	assert_int_equal(sr_trust_count(t), 0);
	assert_int_equal(sr_trust_add(t, "/nonexistent/key.pub", 0, 0, &err),
	    SR_FAILED);
	assert_int_equal(err.cat, SR_E_IO);
	snprintf(path, sizeof(path), "%s/junk.pub", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "junk\n", 5), 5);
	close(fd);
	assert_int_equal(sr_trust_add(t, path, 0, 0, &err), SR_FAILED);
	unlink(path);
	/* A directory: every *.pub. */
	assert_int_equal(sr_trust_add(t, tmpdir, 0, 0, &err), SR_OK);
	assert_int_equal(sr_trust_count(t), 1);
	assert_string_equal(sr_verdict_name(SR_VERDICT_TAMPERED), "TAMPERED");
	assert_string_equal(sr_verdict_name(SR_VERDICT_OK), "OK");
	sr_trust_free(t);
	sr_trust_free(NULL);
}

/* Not a recording at all. */
static void
test_garbage(void **state)
{
	static const char *const inputs[] = { "", "hello world\n",
		"\x5e\x2a\x4d\x18\x06\x00\x00\x00SREC\x02H" };
	struct sr_verify_result res;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(inputs); i++) {
		verify_mem(inputs[i], strlen(inputs[i]) + (i == 2 ? 0 : 0),
		    "x.srec", NULL, NULL, &res);
		if (res.verdict != SR_VERDICT_CORRUPT) {
			dump("garbage", &res);
			fail_msg("garbage input %zu: not CORRUPT", i);
		}
	}
}

/*
 * A recording big enough for the hashing thread: intact, then a byte
 * flipped in chunks spread over it, each found at its chunk.
 */
static void
test_big_threaded(void **state)
{
	struct sr_verify_result res;
	struct sr_trust *t = trust_a(0, 0);
	struct rec r, save;
	static struct frame blay[4096];
	size_t n, i, j, k, f;

	(void)state;
	make_rec(MK_BIG, 6, &r);
	assert_true(r.len > 1024 * 1024);
	save = good;
	good = r; /* layout() reads it */
	n = layout(&r, blay, nitems(blay));
	good = save;
	verify_mem(r.p, r.len, "big.srec", t, NULL, &res);
	assert_int_equal(res.verdict, SR_VERDICT_OK);
	for (k = 1; k < 8; k++) {
		/* The k-th eighth of the data frames. */
		for (i = f = 0; i < n; i++)
			if (blay[i].kind == F_DATA && ++f == k * 10)
				break;
		assert_true(i < n);
		/* In the data, then in the hash of its chain record. */
		for (j = 0; j < 2; j++) {
			size_t at = j == 0
			    ? blay[i].off + blay[i].len / 2
			    : blay[i + 1].off + blay[i + 1].len - 1;

			assert_int_equal(blay[i + 1].kind, F_CHAIN);
			r.p[at] ^= 0x10;
			verify_mem(r.p, r.len, "big.srec", t, NULL, &res);
			r.p[at] ^= 0x10;
			if (res.verdict != SR_VERDICT_TAMPERED ||
			    res.find[0].seq != blay[i].seq ||
			    (j == 1 &&
				strcmp(res.find[0].check, "chain") != 0)) {
				dump("big", &res);
				fail_msg("big flip %zu in chunk %lld not found "
					 "there",
				    j, (long long)blay[i].seq);
			}
		}
	}
	sr_trust_free(t);
	free(r.p);
}

/* SR_VERIFY_BENCH=MB: the speed on a big recording (plaintext GB/s). */
static void
test_bench(void **state)
{
	struct sr_verify_result res;
	struct sr_trust *t;
	struct rec r;
	struct timespec a, b;
	const char *e = getenv("SR_VERIFY_BENCH");
	double sec;
	long mb;
	int k;

	(void)state;
	if (e == NULL || (mb = strtol(e, NULL, 10)) <= 0) {
		skip();
		return;
	}
	make_rec(MK_BIG, (size_t)mb, &r);
	if ((e = getenv("SR_VERIFY_BENCH_OUT")) != NULL) {
		FILE *f = fopen(e, "wb");

		if (f != NULL) {
			fwrite(r.p, 1, r.len, f);
			fclose(f);
		}
	}
	t = trust_a(0, 0);
	for (k = 0; k < 3; k++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		verify_mem(r.p, r.len, "big.srec", t, NULL, &res);
		clock_gettime(CLOCK_MONOTONIC, &b);
		sec = (double)(b.tv_sec - a.tv_sec) +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		fprintf(stderr,
		    "verify: %s, %lld chunks, %.1f MB plaintext (%.1f MB file) "
		    "in %.3f s: %.2f GB/s\n",
		    sr_verdict_name(res.verdict), (long long)res.chunks,
		    (double)res.bytes / 1e6, (double)r.len / 1e6, sec,
		    (double)res.bytes / 1e9 / sec);
		assert_int_equal(res.verdict, SR_VERDICT_OK);
	}
	sr_trust_free(t);
	free(r.p);
}

static int
setup(void **state)
{
	static const unsigned char seed_a[32] = { 1, 2, 3 },
				   seed_b[32] = { 9, 8, 7 };
	struct sr_error err;

	(void)state;
	ctx = sr_ctx_new();
	assert_non_null(ctx);
	assert_non_null(mkdtemp(tmpdir));
	assert_int_equal(sr_key_from_seed(seed_a, &key_a, &err), SR_OK);
	assert_int_equal(sr_key_from_seed(seed_b, &key_b, &err), SR_OK);
	snprintf(pub_a, sizeof(pub_a), "%s/host-a.pub", tmpdir);
	assert_int_equal(sr_key_save(key_a, pub_a, 0, 0, &err), SR_OK);
	make_rec(0, 0, &good);
	memcpy(good_witness, rec_witness, sizeof(good_witness));
	make_rec(MK_UNSIGNED, 0, &unsigned_rec);
	make_rec(MK_KEY_B, 0, &keyb_rec);
	make_rec(MK_NOSEAL, 0, &noseal_rec);
	make_rec(MK_GAP, 0, &gap_rec);
	make_rec(MK_SMALLIDX, 0, &smallidx_rec);
	nlay = layout(&good, lay, nitems(lay));
	if (getenv("SR_VERIFY_LAYOUT") != NULL) {
		FILE *df = fopen(getenv("SR_VERIFY_LAYOUT"), "wb");
		size_t i;

		if (df != NULL) {
			fwrite(good.p, 1, good.len, df);
			fclose(df);
		}

		for (i = 0; i < nlay; i++)
			fprintf(stderr,
			    "frame %zu: kind %d seq %lld off %zu "
			    "len %zu\n",
			    i, lay[i].kind, (long long)lay[i].seq, lay[i].off,
			    lay[i].len);
	}
	/* Enough structure for the table to mean something. */
	assert_non_null(find_frame(F_CK, 2));
	assert_non_null(find_frame(F_DATA, 4));
	assert_non_null(find_frame(F_INDEX, lay[nlay - 2].seq));
	return (0);
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	free(good.p);
	free(unsigned_rec.p);
	free(keyb_rec.p);
	free(noseal_rec.p);
	free(gap_rec.p);
	free(smallidx_rec.p);
	sr_key_free(key_a);
	sr_key_free(key_b);
	sr_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)system(cmd);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_details),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_truncate_every_offset),
		cmocka_unit_test(test_witness),
		cmocka_unit_test(test_foreign_files),
		cmocka_unit_test(test_sudo),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_big_threaded),
		cmocka_unit_test(test_bench),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
