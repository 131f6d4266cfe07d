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
 * Verification (SECURITY.md §2.4): one verdict per recording, with the
 * findings that led to it.  Verdicts rank TAMPERED > CORRUPT > INCOMPLETE
 * > CONSISTENT > OK; every finding names the verdict it implies and the
 * worst one wins.  A finding whose verdict is OK is a note.
 *
 * Native recordings (lib/native.h has the layout) are walked frame by
 * frame with bounded buffers: h0 is recomputed from the header bytes,
 * every data frame is decompressed into one reused buffer (its declared
 * size checked first, at most SR_CHUNK_READ_MAX) and hashed into the
 * chain, and every chain record, checkpoint, index and the seal is
 * compared with what was recomputed.  Signatures are checked with a key
 * of the trust store only: a recording's own key id is a claim.  Memory
 * is bounded whatever the file says: decoded chunks of at most
 * SR_CHUNK_READ_MAX each, queued for hashing up to 8 MiB (16 MiB kept
 * between uses, see struct hw), one frame body of at most
 * SR_SKIP_READ_MAX, and a sample of at most 64 Ki chunk positions for
 * the index check.  On a file of a megabyte or more a second thread
 * hashes the chain, and decodes a share of the chunks, while the walk
 * decodes the chunks after them (struct hw).
 *
 * Not checked: the seal's per-stream byte counts (they would need every
 * chunk's tlog JSON decoded; h_n already commits to every byte), and
 * the gap markers inside chunks (the seal's bytes_lost declares them).
 *
 * What the verdicts mean here:
 *   OK          sealed, every signature by a trusted key valid within
 *               its window, chain and checkpoints continuous, nothing
 *               after the seal, no declared loss, and the witness (when
 *               given) agrees.
 *   CONSISTENT  every check that could run passed, but nothing proves
 *               authorship: an unsigned recording, a signed one with no
 *               trusted key configured, or a foreign format.
 *   INCOMPLETE  authentic up to valid_seq (the last checkpoint that
 *               matched, or the seal) but not whole: no seal, an
 *               ABANDONED trailer, a torn last frame, declared lost
 *               bytes, or damage after the last checkpoint that nothing
 *               signed covers.
 *   TAMPERED    a commitment the recorder wrote is contradicted: damage
 *               that a later checkpoint or the seal covers (the first
 *               damaged chunk and its offset are reported), a checkpoint
 *               or seal that does not match the chain or its signature,
 *               a key that is not trusted or outside its window, bytes
 *               after the seal, a file name naming another session, or
 *               the witness disagreeing.  Unsigned commitments count
 *               too: they are not proof of authorship, but a recorder
 *               never writes a contradiction.
 *   CORRUPT     nothing can be checked: not a sessrec file, another
 *               version, or the header or checkpoint 0 unreadable.
 *
 * "Damage" is anything the writer never produces: a frame that is not
 * one of ours, a bad length, a chain record that disagrees, a broken
 * zstd frame (a failing content checksum is reported as a hint that the
 * storage may be at fault; the verdict is the chain's).  The walk goes on
 * past damage by looking for the next sessrec frame, so that a later
 * checkpoint or seal can tell whether the damage lies inside a signed
 * range.  A last frame that runs past the end of the file with no frame
 * of ours after it is a torn tail (a crash), not damage: truncation
 * never makes a recording TAMPERED.
 *
 * Foreign formats have no commitments, so they are checked structurally
 * through their readers (which already find id gaps, out-of-order
 * messages, timing that asks for more or less than the data holds,
 * times that go back, truncated records) plus checks of our own for
 * sudo: the timing's byte totals against the data file sizes, every
 * gzip'd file's trailer (CRC-32 and length of the decoded bytes, which
 * libarchive does not check), and log against log.json (user, runas
 * user and group, tty, size, start second, cwd, command line).  The
 * verdict comes from the category of what the reader reports:
 * SR_E_TRUNCATED (a torn tail: a truncated last line, record, frame or
 * compressed stream, data written without its timing) is INCOMPLETE; a
 * few oddities that real recorders write and the readers repair
 * (note_msgs: invalid UTF-8, optional header keys, sudo 1.8.7's event
 * 6, ...) are notes; anything else that breaks the format's structure,
 * or a limit, is CORRUPT (TAMPERED would claim an authenticated
 * commitment).  Checks of our own follow the same rule: data beyond
 * the timing or a compressed file cut short is INCOMPLETE, a bad gzip
 * trailer or log disagreeing with log.json is CORRUPT.
 *
 * A sudo session the recorder has not marked finished stays a note, not
 * INCOMPLETE: sudo's only mark (FORMATS.md 3.7) is that timing loses its
 * write bits at exit, and that is not reliable evidence either way.
 * Every copy that drops modes (version control, cp without -p, most zip
 * writers, our own test fixtures) turns every session "unfinished";
 * sudo before 1.9.1 never clears the bits; a recycled directory
 * (maxseq) keeps them cleared while a new session runs.  log.json's
 * exit_value and run_time exist only in logs written by sudo_logsrvd,
 * so their absence proves nothing; when they are there the session is
 * finished and no note is given.  The data itself is checked all the
 * same: a torn tail shows up as one.
 *
 * The witness (--witness FILE): the lines `sessrec record` sends to
 * syslog (lib/recw.c sr_recw_witness(), sessrec-formats(5)).  A witness
 * line is any log line that contains
 *
 *   sessrec-witness v1 KIND key=value ... sig=HEX
 *
 * with KIND START (rec, host_seq, h0, key) or SEAL (rec, n, hn, end,
 * lost, key), hashes in lowercase hex; CHECKPOINT (rec, ck_no, seq, h)
 * lines are understood too, for a recorder that witnesses checkpoints.
 * sig is an Ed25519 signature (128 hex digits) of "sessrec/v1/witness"
 * followed by the line from "sessrec-witness" up to the space before
 * "sig=".  Only lines signed by a trusted key count; others are
 * reported as forged and ignored.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <pthread.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "compat.h"
#include "json.h"
#include "manifest.h"
#include "native.h"
#include "seal.h"
#include "sr-private.h"

/* Compressed bytes handed to zstd at a time. */
#define V_PEEK (128 * 1024)
/* The longest zstd frame header. */
#define V_ZHDR_MAX   18
#define V_SKIP_MASK  0xFFFFFFF0U
#define V_SKIP_MAGIC 0x184D2A50U
#define V_FRAMEHDR   (SR_NATIVE_SKIPHDR + SR_NATIVE_PREFIX)
/* Chunks sampled to check the index: the writer's own bound. */
#define V_INDEX_MAX (64 * 1024)
/* Damage kept while it waits for a commitment that covers it. */
#define V_DMG_MAX 4
/* Witness lines about one recording that are kept. */
#define V_WIT_MAX 4096

const char *
sr_verdict_name(enum sr_verdict v)
{
	switch (v) {
	case SR_VERDICT_OK:
		return ("OK");
	case SR_VERDICT_CONSISTENT:
		return ("CONSISTENT");
	case SR_VERDICT_INCOMPLETE:
		return ("INCOMPLETE");
	case SR_VERDICT_CORRUPT:
		return ("CORRUPT");
	case SR_VERDICT_TAMPERED:
		return ("TAMPERED");
	}
	return ("?");
}

/*
 * The trust store.
 */

struct tkey {
	unsigned char pk[SR_PK_LEN];
	unsigned char id[SR_KEYID_LEN];
	int64_t not_before, not_after; /* 0: unbounded */
};

struct sr_trust {
	struct tkey *k;
	size_t n, cap;
};

struct sr_trust *
sr_trust_new(void)
{
	return (calloc(1, sizeof(struct sr_trust)));
}

void
sr_trust_free(struct sr_trust *t)
{
	if (t == NULL)
		return;
	free(t->k);
	free(t);
}

size_t
sr_trust_count(const struct sr_trust *t)
{
	return (t != NULL ? t->n : 0);
}

static int
trust_add_file(struct sr_trust *t, const char *path, int64_t nb, int64_t na,
    struct sr_error *err)
{
	struct sr_key *k;
	struct tkey *nk;
	int st;

	if ((st = sr_key_load(path, 0, &k, err)) != SR_OK)
		return (st);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;

		if ((nk = sr_reallocarray(t->k, cap, sizeof(*nk))) == NULL) {
			sr_key_free(k);
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path,
			    NULL, "out of memory"));
		}
		t->k = nk;
		t->cap = cap;
	}
	nk = &t->k[t->n++];
	memcpy(nk->pk, sr_key_public(k), SR_PK_LEN);
	memcpy(nk->id, sr_key_id(k), SR_KEYID_LEN);
	nk->not_before = nb;
	nk->not_after = na;
	sr_key_free(k);
	return (SR_OK);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
sr_trust_add(struct sr_trust *t, const char *path, int64_t not_before,
    int64_t not_after, struct sr_error *err)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char **names = NULL, **nn, full[4096];
	size_t n = 0, cap = 0, i, len;
	int st = SR_OK;

	sr_error_clear(err);
	if (t == NULL || path == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, path, NULL,
		    "no trust store or path"));
	if (stat(path, &sb) != 0) {
		st = sr_error_set(err, SR_FAILED, SR_E_IO, path, NULL, "%s",
		    strerror(errno));
		err->errnum = errno;
		return (st);
	}
	if (!S_ISDIR(sb.st_mode))
		return (trust_add_file(t, path, not_before, not_after, err));
	if ((d = opendir(path)) == NULL) {
		st = sr_error_set(err, SR_FAILED, SR_E_IO, path, NULL, "%s",
		    strerror(errno));
		err->errnum = errno;
		return (st);
	}
	/* Sorted, so that the first bad key reported is the same each time. */
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".pub") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if (cap > 100000 ||
			    (nn = sr_reallocarray(names, cap, sizeof(*nn))) ==
				NULL) {
				st = sr_error_set(err, SR_FATAL, SR_E_NOMEM,
				    path, NULL, "out of memory");
				goto out;
			}
			names = nn;
		}
		if ((names[n] = sr_strdup(de->d_name)) == NULL) {
			st = sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
			    "out of memory");
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && st == SR_OK; i++) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", path,
			names[i]) >= sizeof(full))
			st = sr_error_set(err, SR_FAILED, SR_E_LIMIT, path,
			    NULL, "path too long");
		else
			st =
			    trust_add_file(t, full, not_before, not_after, err);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return (st);
}

static const struct tkey *
trust_find(const struct sr_trust *t, const unsigned char id[SR_KEYID_LEN])
{
	size_t i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (memcmp(t->k[i].id, id, SR_KEYID_LEN) == 0)
			return (&t->k[i]);
	return (NULL);
}

/*
 * Findings.
 */

struct vctx {
	struct sr_verify_result *res;
	const struct sr_trust *trust;
	char member[SR_MEMBER_MAX];
};

static void vfindv(struct vctx *, enum sr_verdict, const char *check,
    int64_t seq, const struct sr_loc *, const char *, va_list) SR_PRINTF(6, 0);

/*
 * Keeps a finding.  When the table is full, a worse finding takes the
 * place of the mildest kept one, so the deciding finding is never lost.
 */
static void
vfindv(struct vctx *v, enum sr_verdict vd, const char *check, int64_t seq,
    const struct sr_loc *loc, const char *fmt, va_list ap)
{
	struct sr_verify_result *res = v->res;
	struct sr_finding *f = NULL;
	size_t i, lo = 0;

	res->nfind_total++;
	if (vd > res->verdict)
		res->verdict = vd;
	if (res->nfind < SR_VERIFY_MAXFIND)
		f = &res->find[res->nfind++];
	else {
		for (i = 1; i < res->nfind; i++)
			if (res->find[i].verdict < res->find[lo].verdict)
				lo = i;
		if (res->find[lo].verdict >= vd)
			return;
		/* Keep the order: move the rest up, append. */
		memmove(&res->find[lo], &res->find[lo + 1],
		    (res->nfind - lo - 1) * sizeof(res->find[0]));
		f = &res->find[res->nfind - 1];
	}
	memset(f, 0, sizeof(*f));
	f->verdict = vd;
	(void)strlcpy(f->check, check, sizeof(f->check));
	if (loc != NULL)
		f->loc = *loc;
	else
		sr_loc_clear(&f->loc);
	if (f->loc.member[0] == '\0')
		sr_loc_set_member(&f->loc, v->member);
	f->seq = seq;
	(void)vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
}

static void vfind(struct vctx *, enum sr_verdict, const char *, int64_t,
    int64_t, const char *, ...) SR_PRINTF(6, 7);

/* A finding at a byte offset (-1 unknown). */
static void
vfind(struct vctx *v, enum sr_verdict vd, const char *check, int64_t seq,
    int64_t off, const char *fmt, ...)
{
	struct sr_loc loc;
	va_list ap;

	sr_loc_clear(&loc);
	loc.offset = off;
	va_start(ap, fmt);
	vfindv(v, vd, check, seq, &loc, fmt, ap);
	va_end(ap);
}

static void vfind_loc(struct vctx *, enum sr_verdict, const char *, int64_t,
    const struct sr_loc *, const char *, ...) SR_PRINTF(6, 7);

static void
vfind_loc(struct vctx *v, enum sr_verdict vd, const char *check, int64_t seq,
    const struct sr_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfindv(v, vd, check, seq, loc, fmt, ap);
	va_end(ap);
}

/* The deciding finding first, the rest in the order found. */
static void
vfind_sort(struct sr_verify_result *res)
{
	struct sr_finding tmp;
	size_t i, j;

	for (i = 1; i < res->nfind; i++) {
		tmp = res->find[i];
		for (j = i; j > 0 && res->find[j - 1].verdict < tmp.verdict;
		     j--)
			res->find[j] = res->find[j - 1];
		res->find[j] = tmp;
	}
}

static int
all_zero(const unsigned char *p, size_t n)
{
	size_t i;
	unsigned char c = 0;

	for (i = 0; i < n; i++)
		c |= p[i];
	return (c == 0);
}

/*
 * The witness, parsed before the walk: the lines about this recording,
 * authenticated.
 */
enum wkind { W_START = 1, W_CHECKPOINT, W_SEAL };

struct wline {
	enum wkind kind;
	int64_t line;
	uint64_t host_seq, ck_no, seq, n;
	int have_host_seq, have_key;
	unsigned char h[SR_HASH_LEN]; /* h0, h or h_n */
	unsigned char key_id[SR_KEYID_LEN];
	unsigned char seal_sig[16];
	int have_h, have_seal_sig;
};

struct witness {
	struct wline *w;
	size_t n;
	int have_start, have_seal;
};

/*
 * Native verification state.
 */
struct ndmg {
	int64_t seq, off;
	char check[32];
	char msg[200];
};

/*
 * The worker.  Decompression costs about twice what SHA-256 does, so on
 * a big file a second thread hashes the chain, and decodes some chunks
 * too, while the walk decodes the others: the walk hands chunks over
 * through a FIFO of HW_SLOTS buffers holding at most HW_QBYTES of
 * plaintext and waits only when it is full.  A chunk goes over still
 * compressed (the walk checked its frame's layout, copied it, and reads
 * on) when the worker has caught up, so each thread gets about half of
 * the work whatever the data compress to.  The chain goes on from each
 * chain record's recorded hash, so the walk knows the value every later
 * step starts from without waiting; the worker only tells which chunks
 * did not decode or did not hash to what their records say.  Every
 * reader of those verdicts (a new finding, to keep them in order; a
 * checkpoint; the seal) drains the queue first: hw_sync().  Memory: the
 * slots keep at most HW_CAPMAX bytes between uses, plus the chunk being
 * decoded, plus HW_SLOTS compressed frames of at most V_PEEK.
 */
#define HW_SLOTS  64
#define HW_QBYTES (8U * 1024 * 1024)
#define HW_CAPMAX (16U * 1024 * 1024)

struct hjob {
	struct sr_buf buf; /* the chunk's plaintext */
	struct sr_buf z;   /* its zstd frame, when the worker decodes it */
	int deferred;
	unsigned long long declared;
	size_t qlen; /* bytes it counts for in the queue */
	struct sr_chain_rec c;
	unsigned char prev[SR_HASH_LEN];
	unsigned long long seq;
	int64_t off;
	char check[8]; /* what failed, and how */
	char msg[160];
};

struct hmiss {
	unsigned long long seq;
	int64_t off;
	char check[8];
	char msg[160];
};

struct hw {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the worker waits for a chunk */
	pthread_cond_t done; /* the walk waits for room, or for all done */
	ZSTD_DCtx *dctx;     /* the worker's */
	int running, quit;
	int wwait, mwait; /* the worker, the walk, is waiting */
	int defer;	  /* the next chunk goes over compressed */
	struct hjob job[HW_SLOTS];
	size_t head;   /* the next job to hash (worker) */
	size_t tail;   /* the slot being filled (walk) */
	size_t n;      /* jobs handed over, not yet done */
	size_t qbytes; /* their plaintext */
	/* Chunks that failed, not yet reported. */
	struct hmiss miss[V_DMG_MAX];
	size_t nmiss, nmiss_total;
};

struct nidx {
	uint64_t seq;
	int64_t t_ns;
	uint64_t off;
};

struct nv {
	struct vctx *v;
	struct sr_stream *s;
	struct sr_error *err;
	int64_t size; /* -1 until known */
	ZSTD_DCtx *dctx;
	struct sr_buf *plain; /* the chunk being decoded: a slot of hw */
	struct hw hw;
	struct sr_buf body; /* a skippable frame's body */

	/* The header. */
	json_t *hdr;
	unsigned char h0[SR_HASH_LEN];
	unsigned char rec_id[SR_RECID_LEN];
	unsigned char key_id[SR_KEYID_LEN];
	int signed_;
	int64_t start_ns;
	uint64_t host_seq;
	const struct tkey *key; /* the trusted key, NULL: none to check */

	/* The chain. */
	unsigned char hc0[SR_HASH_LEN]; /* where it starts: h0 */
	unsigned char h[SR_HASH_LEN];
	uint64_t seq;
	int64_t last_t;
	int pending; /* a data frame waits for its chain record */
	int64_t pend_off;
	uint64_t pend_clen;

	/* Checkpoints. */
	uint32_t ck_next;
	unsigned char ck_prev[SR_HASH_LEN];
	int have_ck0;
	int ck_bad; /* a commitment failed: the validated range stops */

	/* The validated range. */
	int64_t valid_seq, valid_t, valid_off;

	/* Damage not yet covered by a commitment. */
	struct ndmg dmg[V_DMG_MAX];
	size_t ndmg, ndmg_total;
	int damaged; /* any damage so far */

	/* The end. */
	int sealed;
	int64_t seal_end;
	struct sr_seal_rec seal;
	int abandoned;
	int torn;
	int64_t torn_off;

	/* A sample of chunk positions to check the index against. */
	struct nidx *idx;
	size_t nidx, idx_cap, idx_step;
	int idx_lost; /* out of memory: the index is not checked */

	struct witness *wit;
};

enum { W_NEXT = 0, W_STOP = 1 };

static void nv_vdamage(struct nv *, int64_t seq, int64_t off, const char *,
    const char *, va_list) SR_PRINTF(5, 0);
static void nv_damage(struct nv *, int64_t seq, int64_t off, const char *,
    const char *, ...) SR_PRINTF(5, 6);
static void nv_damage_now(struct nv *, int64_t seq, int64_t off, const char *,
    const char *, ...) SR_PRINTF(5, 6);
static void hw_sync(struct nv *);
static void hw_reserve(struct nv *);
static int hw_defer(struct nv *, const unsigned char *, size_t,
    unsigned long long);

/*
 * Damage: kept until a commitment after it (TAMPERED) or the end of the
 * file (INCOMPLETE: nothing signed covers it).
 */
static void
nv_vdamage(struct nv *nv, int64_t seq, int64_t off, const char *check,
    const char *fmt, va_list ap)
{
	struct ndmg *d;

	nv->damaged = 1;
	nv->ndmg_total++;
	if (nv->ndmg == V_DMG_MAX)
		return;
	d = &nv->dmg[nv->ndmg++];
	d->seq = seq;
	d->off = off;
	(void)strlcpy(d->check, check, sizeof(d->check));
	(void)vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
}

/* Damage found by the hashing: the queue before it is already drained. */
static void
nv_damage_now(struct nv *nv, int64_t seq, int64_t off, const char *check,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nv_vdamage(nv, seq, off, check, fmt, ap);
	va_end(ap);
}

static void
nv_damage(struct nv *nv, int64_t seq, int64_t off, const char *check,
    const char *fmt, ...)
{
	va_list ap;

	hw_sync(nv); /* the chunks before it first */
	va_start(ap, fmt);
	nv_vdamage(nv, seq, off, check, fmt, ap);
	va_end(ap);
}

/* A commitment follows the damage: it lies inside a signed range. */
static void
nv_cover(struct nv *nv, const char *by, int64_t by_off)
{
	size_t i;

	for (i = 0; i < nv->ndmg; i++)
		vfind(nv->v, SR_VERDICT_TAMPERED, nv->dmg[i].check,
		    nv->dmg[i].seq, nv->dmg[i].off,
		    "%s (covered by the %s at "
		    "offset %lld)",
		    nv->dmg[i].msg, by, (long long)by_off);
	if (nv->ndmg_total > nv->ndmg)
		vfind(nv->v, SR_VERDICT_TAMPERED, "damage", -1, -1,
		    "%zu more damaged places", nv->ndmg_total - nv->ndmg);
	nv->ndmg = nv->ndmg_total = 0;
}

static int
nv_io(struct nv *nv, int64_t off)
{
	const struct sr_error *se = sr_stream_error(nv->s);
	struct sr_loc loc;

	sr_loc_clear(&loc);
	loc.offset = off;
	sr_loc_set_member(&loc, nv->v->member);
	return (sr_error_set(nv->err, SR_FAILED,
	    se != NULL && se->cat != SR_E_NONE ? se->cat : SR_E_IO, NULL, &loc,
	    "%s", se != NULL && se->msg[0] ? se->msg : "read error"));
}

static int
nv_nomem(struct nv *nv)
{
	return (sr_error_set(nv->err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
	    "out of memory"));
}

/* The stream's size, reading to the end once when it is not known. */
static int
nv_size(struct nv *nv)
{
	const unsigned char *p;
	int64_t here;
	size_t avail;

	if (nv->size >= 0)
		return (SR_OK);
	if ((nv->size = sr_stream_size(nv->s)) >= 0)
		return (SR_OK);
	here = sr_stream_offset(nv->s);
	for (;;) {
		if ((p = sr_stream_peek(nv->s, V_PEEK, &avail)) == NULL)
			return (nv_io(nv, sr_stream_offset(nv->s)));
		if (avail == 0)
			break;
		sr_stream_consume(nv->s, avail);
	}
	nv->size = sr_stream_offset(nv->s);
	if (sr_stream_seek(nv->s, here) != SR_OK)
		return (nv_io(nv, here));
	return (SR_OK);
}

/* Body length of the fixed-size kinds, 0 for the others. */
static uint32_t
kind_len(int kind)
{
	switch (kind) {
	case SR_NK_CHAIN:
		return (SR_CHAIN_LEN);
	case SR_NK_CHECKPOINT:
		return (SR_CHECKPOINT_LEN);
	case SR_NK_SEAL:
		return (SR_SEAL_LEN);
	}
	return (0);
}

static int
kind_known(int kind)
{
	return (kind == SR_NK_CHAIN || kind == SR_NK_CHECKPOINT ||
	    kind == SR_NK_SEAL || kind == SR_NK_INDEX ||
	    kind == SR_NK_ABANDONED || kind == SR_NK_HEADER);
}

/* Whether p[0..14) starts a well-formed sessrec frame ending by size. */
static int
frame_plausible(const unsigned char *p, int64_t off, int64_t size)
{
	uint32_t blen, fixed;
	int kind, version;

	if (sr_native_skip_parse(p, V_FRAMEHDR, &kind, &blen, &version) != 1)
		return (0);
	if (version != SR_NATIVE_VERSION || !kind_known(kind) ||
	    kind == SR_NK_HEADER)
		return (0);
	if ((fixed = kind_len(kind)) != 0 && blen != fixed)
		return (0);
	if (blen > SR_SKIP_READ_MAX)
		return (0);
	return (off + V_FRAMEHDR + (int64_t)blen <= size);
}

/*
 * The offset of the next plausible sessrec frame at or after from, or
 * -1.  Used to go on after damage and to tell a torn tail (nothing of
 * ours after it) from damage in the middle.
 */
static int
nv_scan(struct nv *nv, int64_t from, int64_t *found)
{
	static const unsigned char magic[4] = { 0x5e, 0x2a, 0x4d, 0x18 };
	const unsigned char *p, *q;
	size_t avail, i;
	int ret;

	*found = -1;
	if ((ret = nv_size(nv)) != SR_OK)
		return (ret);
	while (from + V_FRAMEHDR <= nv->size) {
		if (sr_stream_seek(nv->s, from) != SR_OK)
			return (nv_io(nv, from));
		if ((p = sr_stream_peek(nv->s, V_PEEK, &avail)) == NULL)
			return (nv_io(nv, from));
		if (avail < V_FRAMEHDR)
			break;
		for (i = 0; i + V_FRAMEHDR <= avail;) {
			q = memchr(p + i, magic[0], avail - V_FRAMEHDR + 1 - i);
			if (q == NULL)
				break;
			i = (size_t)(q - p);
			if (memcmp(q, magic, 4) == 0 &&
			    frame_plausible(q, from + (int64_t)i, nv->size)) {
				*found = from + (int64_t)i;
				return (SR_OK);
			}
			i++;
		}
		from += (int64_t)(avail - V_FRAMEHDR + 1);
	}
	return (SR_OK);
}

/*
 * The frame at off cannot be followed.  When a frame of ours comes
 * later, this is damage and the walk goes on there; otherwise it is the
 * end: a torn tail when the frame runs past the end of the file (what a
 * crash leaves), damage when it is complete but wrong.
 */
static int nv_lost(struct nv *, int64_t off, int complete, const char *,
    const char *, ...) SR_PRINTF(5, 6);

static int
nv_lost(struct nv *nv, int64_t off, int complete, const char *check,
    const char *fmt, ...)
{
	char why[160];
	int64_t next;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if ((ret = nv_scan(nv, off + 1, &next)) != SR_OK)
		return (ret);
	if (next >= 0) {
		nv_damage(nv, (int64_t)nv->seq + 1, off, check,
		    "%s at offset %lld; %lld bytes skipped", why,
		    (long long)off, (long long)(next - off));
		if (sr_stream_seek(nv->s, next) != SR_OK)
			return (nv_io(nv, next));
		return (W_NEXT);
	}
	if (complete)
		nv_damage(nv, (int64_t)nv->seq + 1, off, check,
		    "%s at offset %lld", why, (long long)off);
	else {
		nv->torn = 1;
		nv->torn_off = off;
	}
	return (W_STOP);
}

/* The pending data frame got no chain record. */
static void
nv_unchained(struct nv *nv)
{
	if (!nv->pending)
		return;
	nv->pending = 0;
	nv_damage(nv, (int64_t)nv->seq + 1, nv->pend_off, "chain",
	    "chunk %llu at offset %lld has no chain record",
	    (unsigned long long)nv->seq + 1, (long long)nv->pend_off);
	/* The chain cannot be followed past a chunk it does not cover. */
	nv->seq++;
}

static size_t
nv_room(struct nv *nv, uint64_t declared)
{
	size_t left = (size_t)(declared + 1 - nv->plain->len);
	size_t want = nv->plain->len > V_PEEK ? nv->plain->len : V_PEEK;

	if (want > left)
		want = left;
	if (sr_buf_reserve(nv->plain, want) != SR_E_NONE)
		return (0);
	return (want);
}

/* A zstd data frame at off: decoded, pending its chain record. */
static int
nv_data(struct nv *nv, int64_t off, const unsigned char *p, size_t avail)
{
	unsigned long long declared;
	unsigned long long seq;
	ZSTD_inBuffer ib;
	ZSTD_outBuffer ob;
	size_t zr, room, ipos;
	int64_t start;

	nv_unchained(nv);
	seq = (unsigned long long)nv->seq + 1;
	declared = ZSTD_getFrameContentSize(p, avail);
	if (declared == ZSTD_CONTENTSIZE_ERROR)
		return (nv_lost(nv, off, avail >= V_ZHDR_MAX, "zstd",
		    "chunk %llu: bad zstd frame header", seq));
	if (declared == ZSTD_CONTENTSIZE_UNKNOWN)
		return (nv_lost(nv, off, 1, "zstd",
		    "chunk %llu does not declare its size", seq));
	if (declared > SR_CHUNK_READ_MAX)
		return (nv_lost(nv, off, 1, "zstd",
		    "chunk %llu declares %llu bytes, over the limit of %u", seq,
		    declared, SR_CHUNK_READ_MAX));
	hw_reserve(nv);
	sr_buf_reset(nv->plain);
	if (ZSTD_isError(ZSTD_DCtx_reset(nv->dctx, ZSTD_reset_session_only)))
		return (nv_nomem(nv));
	start = off;
	/*
	 * A frame whole in the window is decoded in one call straight into
	 * the buffer (streaming goes through zstd's window: a copy more).
	 * Anything odd is left to the streaming loop, which says what.
	 */
	if ((p = sr_stream_peek(nv->s, V_PEEK, &avail)) == NULL)
		return (nv_io(nv, off));
	zr = ZSTD_findFrameCompressedSize(p, avail);
	if (!ZSTD_isError(zr) && zr <= avail &&
	    hw_defer(nv, p, zr, declared) == 0) {
		sr_stream_consume(nv->s, zr);
		goto done;
	}
	if (!ZSTD_isError(zr) && zr <= avail &&
	    sr_buf_reserve(nv->plain, (size_t)declared + 1) == SR_E_NONE) {
		size_t csize = zr;

		zr = ZSTD_decompressDCtx(nv->dctx, nv->plain->data,
		    (size_t)declared + 1, p, csize);
		if (!ZSTD_isError(zr) && zr <= declared) {
			nv->plain->len = zr;
			nv->plain->data[zr] = '\0';
			sr_stream_consume(nv->s, csize);
			goto done;
		}
		if (ZSTD_isError(
			ZSTD_DCtx_reset(nv->dctx, ZSTD_reset_session_only)))
			return (nv_nomem(nv));
	}
	for (;;) {
		if ((p = sr_stream_peek(nv->s, V_PEEK, &avail)) == NULL)
			return (nv_io(nv, sr_stream_offset(nv->s)));
		if (avail == 0)
			return (nv_lost(nv, start, 0, "zstd",
			    "chunk %llu runs past the end of the file", seq));
		ib.src = p;
		ib.size = avail;
		ib.pos = 0;
		zr = 1;
		for (;;) {
			if ((room = nv_room(nv, declared)) == 0)
				return (nv_nomem(nv));
			ob.dst = nv->plain->data + nv->plain->len;
			ob.size = room;
			ob.pos = 0;
			ipos = ib.pos;
			zr = ZSTD_decompressStream(nv->dctx, &ob, &ib);
			nv->plain->len += ob.pos;
			if (ZSTD_isError(zr)) {
				int ck = ZSTD_getErrorCode(zr) ==
				    ZSTD_error_checksum_wrong;

				return (nv_lost(nv, start, 1, "zstd",
				    "chunk %llu: %s%s", seq,
				    ZSTD_getErrorName(zr),
				    ck ? " (a failing checksum may be the "
					 "storage's fault)"
				       : ""));
			}
			if (nv->plain->len > declared)
				return (nv_lost(nv, start, 1, "zstd",
				    "chunk %llu holds more than the %llu "
				    "bytes it declares",
				    seq, declared));
			if (zr == 0)
				break;
			if (ib.pos == ib.size && ob.pos < ob.size)
				break;
			if (ib.pos == ipos && ob.pos == 0)
				return (nv_lost(nv, start, 1, "zstd",
				    "chunk %llu: zstd makes no progress", seq));
		}
		sr_stream_consume(nv->s, ib.pos);
		if (zr == 0)
			break;
	}
done:
	if (nv->plain->len != declared)
		nv_damage(nv, (int64_t)seq, start, "zstd",
		    "chunk %llu holds %zu bytes, not the %llu it declares", seq,
		    nv->plain->len, declared);
	nv->pending = 1;
	nv->pend_off = start;
	nv->pend_clen = (uint64_t)(sr_stream_offset(nv->s) - start);
	return (W_NEXT);
}

/* The writer's index sampling, so that its index can be checked. */
static void
idx_add(struct nv *nv, uint64_t seq, int64_t t, uint64_t off)
{
	size_t i, j;

	if (nv->idx_lost || seq == 0 || (seq - 1) % nv->idx_step != 0)
		return;
	if (nv->nidx == nv->idx_cap && nv->idx_cap < V_INDEX_MAX) {
		size_t cap = nv->idx_cap ? nv->idx_cap * 2 : 256;
		struct nidx *n = sr_reallocarray(nv->idx, cap, sizeof(*n));

		if (n == NULL) {
			nv->idx_lost = 1;
			return;
		}
		nv->idx = n;
		nv->idx_cap = cap;
	}
	if (nv->nidx == V_INDEX_MAX) {
		for (i = j = 0; i < nv->nidx; i += 2)
			nv->idx[j++] = nv->idx[i];
		nv->nidx = j;
		nv->idx_step *= 2;
		if ((seq - 1) % nv->idx_step != 0)
			return;
	}
	nv->idx[nv->nidx].seq = seq;
	nv->idx[nv->nidx].t_ns = t;
	nv->idx[nv->nidx].off = off;
	nv->nidx++;
}

static const struct nidx *
idx_find(const struct nv *nv, uint64_t seq)
{
	size_t lo = 0, hi = nv->nidx, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (nv->idx[mid].seq == seq)
			return (&nv->idx[mid]);
		if (nv->idx[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

static const unsigned char *
nv_hnow(const struct nv *nv)
{
	return (nv->seq == 0 ? nv->hc0 : nv->h);
}

/* Decodes a deferred chunk; 0, or -1 with j->check and j->msg set. */
static int
hw_decode(struct hw *w, struct hjob *j)
{
	size_t zr;
	int ck;

	zr = ZSTD_decompressDCtx(w->dctx, j->buf.data, j->declared + 1,
	    j->z.data, j->z.len);
	if (ZSTD_isError(zr)) {
		ck = ZSTD_getErrorCode(zr) == ZSTD_error_checksum_wrong;
		(void)snprintf(j->msg, sizeof(j->msg), "chunk %llu: %s%s",
		    j->seq, ZSTD_getErrorName(zr),
		    ck ? " (a failing checksum may be the storage's fault)"
		       : "");
		(void)strlcpy(j->check, "zstd", sizeof(j->check));
		return (-1);
	}
	if (zr != j->declared) {
		if (zr > j->declared)
			(void)snprintf(j->msg, sizeof(j->msg),
			    "chunk %llu holds more than the %llu bytes it "
			    "declares",
			    j->seq, j->declared);
		else
			(void)snprintf(j->msg, sizeof(j->msg),
			    "chunk %llu holds %zu bytes, not the %llu it "
			    "declares",
			    j->seq, zr, j->declared);
		(void)strlcpy(j->check, "zstd", sizeof(j->check));
		return (-1);
	}
	return (0);
}

/* Decodes (when deferred) and hashes a job; 0 when it matches. */
static int
hw_check(struct hw *w, struct hjob *j)
{
	unsigned char h[SR_HASH_LEN];

	if (j->deferred && hw_decode(w, j) != 0)
		return (-1);
	memcpy(h, j->prev, SR_HASH_LEN);
	sr_chain_step(h, j->c.seq, j->c.stream, j->c.t_ns, j->buf.data,
	    j->buf.len);
	if (memcmp(h, j->c.h, SR_HASH_LEN) == 0)
		return (0);
	(void)strlcpy(j->check, "chain", sizeof(j->check));
	(void)snprintf(j->msg, sizeof(j->msg),
	    "chunk %llu at offset %lld does not match its chain record's hash",
	    j->seq, (long long)j->off);
	return (-1);
}

static void
hw_miss(struct hw *w, const struct hjob *j)
{
	struct hmiss *m;

	if (w->nmiss < V_DMG_MAX) {
		m = &w->miss[w->nmiss++];
		m->seq = j->seq;
		m->off = j->off;
		(void)strlcpy(m->check, j->check, sizeof(m->check));
		(void)strlcpy(m->msg, j->msg, sizeof(m->msg));
	}
	w->nmiss_total++;
}

static void *
hw_main(void *arg)
{
	struct hw *w = arg;
	struct hjob *j;
	size_t k, n, bytes, head;
	int bad[HW_SLOTS];

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->n == 0 && !w->quit) {
			w->wwait = 1;
			pthread_cond_wait(&w->work, &w->mu);
		}
		w->wwait = 0;
		if (w->quit)
			break;
		/* All that is queued, without the lock: the walk goes on. */
		n = w->n;
		head = w->head;
		pthread_mutex_unlock(&w->mu);
		bytes = 0;
		for (k = 0; k < n; k++) {
			j = &w->job[(head + k) % HW_SLOTS];
			bad[k] = hw_check(w, j) != 0;
			bytes += j->qlen;
		}
		pthread_mutex_lock(&w->mu);
		for (k = 0; k < n; k++)
			if (bad[k])
				hw_miss(w, &w->job[(head + k) % HW_SLOTS]);
		w->head = (head + n) % HW_SLOTS;
		w->n -= n;
		w->qbytes -= bytes;
		if (w->mwait)
			pthread_cond_signal(&w->done);
	}
	pthread_mutex_unlock(&w->mu);
	return (NULL);
}

/* Starts the worker for big files on a machine with a CPU to spare. */
static void
hw_start(struct nv *nv)
{
	struct hw *w = &nv->hw;

	if (nv_size(nv) != SR_OK || nv->size < 1024 * 1024 ||
	    sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	if ((w->dctx = ZSTD_createDCtx()) == NULL)
		return;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&w->work, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		goto fail;
	}
	if (pthread_cond_init(&w->done, NULL) != 0) {
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->mu);
		goto fail;
	}
	if (pthread_create(&w->th, NULL, hw_main, w) != 0) {
		pthread_cond_destroy(&w->done);
		pthread_cond_destroy(&w->work);
		pthread_mutex_destroy(&w->mu);
		goto fail;
	}
	w->running = 1;
	return;
fail:
	ZSTD_freeDCtx(w->dctx);
	w->dctx = NULL;
}

static void
hw_stop(struct nv *nv)
{
	struct hw *w = &nv->hw;

	if (!w->running)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->mu);
	ZSTD_freeDCtx(w->dctx);
	w->dctx = NULL;
	w->running = 0;
}

/* Waits for every chunk handed over and reports those that failed. */
static void
hw_sync(struct nv *nv)
{
	struct hw *w = &nv->hw;
	struct hmiss miss[V_DMG_MAX];
	size_t n, total, i;

	if (!w->running)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->n > 0) {
		w->mwait = 1;
		pthread_cond_wait(&w->done, &w->mu);
	}
	w->mwait = 0;
	n = w->nmiss;
	total = w->nmiss_total;
	memcpy(miss, w->miss, n * sizeof(miss[0]));
	w->nmiss = w->nmiss_total = 0;
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < n; i++)
		nv_damage_now(nv, (int64_t)miss[i].seq, miss[i].off,
		    miss[i].check, "%s", miss[i].msg);
	nv->ndmg_total += total - n;
}

/*
 * The slot the next chunk is decoded into: free, and the queue under
 * its bound.  A slot that grew is released when the slots hold much.
 */
static void
hw_reserve(struct nv *nv)
{
	struct hw *w = &nv->hw;
	size_t i, cap = 0;

	if (w->running) {
		pthread_mutex_lock(&w->mu);
		while (
		    w->n == HW_SLOTS || (w->n > 0 && w->qbytes >= HW_QBYTES)) {
			w->mwait = 1;
			pthread_cond_wait(&w->done, &w->mu);
		}
		w->mwait = 0;
		pthread_mutex_unlock(&w->mu);
	}
	w->job[w->tail].deferred = 0;
	nv->plain = &w->job[w->tail].buf;
	if (nv->plain->cap > V_PEEK) {
		for (i = 0; i < HW_SLOTS; i++)
			cap += w->job[i].buf.cap;
		if (cap > HW_CAPMAX) {
			sr_buf_release(nv->plain);
			sr_buf_init(nv->plain, SR_CHUNK_READ_MAX + 1);
		}
	}
}

/*
 * Hands the frame p[0..csize) over undecoded when the worker has time
 * for it; 0, or -1 to decode it here.
 */
static int
hw_defer(struct nv *nv, const unsigned char *p, size_t csize,
    unsigned long long declared)
{
	struct hw *w = &nv->hw;
	struct hjob *j = &w->job[w->tail];

	if (!w->running || !w->defer || csize > V_PEEK)
		return (-1);
	sr_buf_reset(&j->z);
	if (sr_buf_append(&j->z, p, csize) != SR_E_NONE ||
	    sr_buf_reserve(&j->buf, (size_t)declared + 1) != SR_E_NONE)
		return (-1);
	j->deferred = 1;
	j->declared = declared;
	/* Its size is checked when it is decoded. */
	j->buf.len = (size_t)declared;
	return (0);
}

/*
 * Hashes the decoded chunk (nv->plain) into the chain, or hands it to
 * the worker, and goes on from its chain record's hash.
 */
static void
hw_post(struct nv *nv, const struct sr_chain_rec *c, unsigned long long seq)
{
	struct hw *w = &nv->hw;
	struct hjob *j = &w->job[w->tail];

	memcpy(j->prev, nv_hnow(nv), SR_HASH_LEN);
	j->c = *c;
	j->seq = seq;
	j->off = nv->pend_off;
	j->qlen = j->buf.len;
	/*
	 * Go on from the recorded value, so that one change is one
	 * finding; a later commitment still tells whether the recorded
	 * chain is the signed one.
	 */
	memcpy(nv->h, c->h, SR_HASH_LEN);
	if (!w->running) {
		if (hw_check(w, j) != 0)
			nv_damage_now(nv, (int64_t)seq, j->off, j->check, "%s",
			    j->msg);
		return;
	}
	pthread_mutex_lock(&w->mu);
	w->n++;
	w->qbytes += j->qlen;
	/* The worker has caught up: it decodes the next chunk too. */
	w->defer = w->n <= 2;
	if (w->wwait)
		pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	w->tail = (w->tail + 1) % HW_SLOTS;
	nv->plain = NULL; /* hw_reserve() picks the next slot */
}

static void
nv_chain(struct nv *nv, int64_t off)
{
	const unsigned char *b = (const unsigned char *)nv->body.data;
	struct sr_chain_rec c;
	unsigned long long seq = (unsigned long long)nv->seq + 1;

	(void)sr_chain_decode(b, nv->body.len, &c);
	if (!nv->pending) {
		nv_damage(nv, (int64_t)c.seq, off, "chain",
		    "chain record for chunk %llu at offset %lld follows no "
		    "chunk",
		    (unsigned long long)c.seq, (long long)off);
		/* Go on from what it records: one damage, one finding. */
		if (c.seq >= 1 && c.seq < (1ULL << 62)) {
			nv->seq = c.seq;
			memcpy(nv->h, c.h, SR_HASH_LEN);
		}
		return;
	}
	nv->pending = 0;
	if (b[25] != 0 || b[26] != 0 || b[27] != 0)
		nv_damage(nv, (int64_t)seq, off, "chain",
		    "chain record of chunk %llu: reserved bytes not zero", seq);
	if (c.seq != seq)
		nv_damage(nv, (int64_t)seq, nv->pend_off, "chain-seq",
		    "chunk at offset %lld is numbered %llu, %llu expected "
		    "(deleted, reordered or duplicated chunk)",
		    (long long)nv->pend_off, (unsigned long long)c.seq, seq);
	if (c.len != nv->plain->len || c.clen != nv->pend_clen)
		nv_damage(nv, (int64_t)seq, nv->pend_off, "chain-len",
		    "chunk %llu holds %zu bytes (%llu compressed), its chain "
		    "record says %lu (%lu)",
		    seq, nv->plain->len, (unsigned long long)nv->pend_clen,
		    (unsigned long)c.len, (unsigned long)c.clen);
	if (c.stream != 0)
		nv_damage(nv, (int64_t)seq, off, "chain",
		    "chunk %llu: stream %u, 0 expected", seq, c.stream);
	if (c.t_ns < nv->last_t || c.t_ns < 0)
		nv_damage(nv, (int64_t)seq, nv->pend_off, "chain-time",
		    "chunk %llu: time %lld goes back before %lld", seq,
		    (long long)c.t_ns, (long long)nv->last_t);
	nv->v->res->chunks++;
	nv->v->res->bytes += (int64_t)nv->plain->len;
	hw_post(nv, &c, seq); /* hands nv->plain over */
	if (c.seq != seq && c.seq >= 1 && c.seq < (1ULL << 62))
		nv->seq = c.seq - 1;
	nv->seq++;
	if (c.t_ns > nv->last_t)
		nv->last_t = c.t_ns;
	idx_add(nv, nv->seq, c.t_ns, (uint64_t)nv->pend_off);
}

/* Where the validated range stands: after a commitment that held. */
static void
nv_validated(struct nv *nv, int64_t end)
{
	if (nv->damaged || nv->ck_bad)
		return;
	nv->valid_seq = (int64_t)nv->seq;
	nv->valid_t = nv->seq == 0 ? 0 : nv->last_t;
	nv->valid_off = end;
}

/* The first chunk a failing commitment may point at. */
static int64_t
nv_first_bad(const struct nv *nv)
{
	if (nv->ndmg > 0)
		return (nv->dmg[0].seq);
	return (nv->valid_seq + 1);
}

static void
nv_witness_ck(struct nv *nv, const struct sr_checkpoint_rec *k, int64_t off)
{
	size_t i;

	if (nv->wit == NULL)
		return;
	for (i = 0; i < nv->wit->n; i++) {
		const struct wline *w = &nv->wit->w[i];

		if (w->kind != W_CHECKPOINT || w->ck_no != k->ck_no)
			continue;
		if (w->seq != k->seq || memcmp(w->h, k->h, SR_HASH_LEN) != 0)
			vfind(nv->v, SR_VERDICT_TAMPERED, "witness",
			    (int64_t)k->seq, off,
			    "checkpoint %lu differs from the witness (line "
			    "%lld)",
			    (unsigned long)k->ck_no, (long long)w->line);
	}
}

static void
nv_checkpoint(struct nv *nv, int64_t off, int64_t end)
{
	const unsigned char *b = (const unsigned char *)nv->body.data;
	struct sr_checkpoint_rec k;
	struct vctx *v = nv->v;
	int64_t first;
	int bad = 0;

	hw_sync(nv);
	nv_unchained(nv);
	(void)sr_checkpoint_decode(b, nv->body.len, &k);
	if (!nv->have_ck0 && k.ck_no == 0)
		nv->have_ck0 = 1;
	/* Damage before it first: it is where things went wrong. */
	first = nv_first_bad(nv);
	if (nv->ndmg == 0 && k.seq != nv->seq)
		first = (int64_t)(k.seq < nv->seq ? k.seq : nv->seq) + 1;
	nv_cover(nv, "checkpoint", off);
#define CKBAD(chk, ...)                                                        \
	do {                                                                   \
		bad = 1;                                                       \
		vfind(v, SR_VERDICT_TAMPERED, chk, first, off, __VA_ARGS__);   \
	} while (0)
	if (nv->key != NULL &&
	    !sr_sig_check(nv->key->pk, SR_DOMAIN_CHECKPOINT, b,
		SR_CHECKPOINT_LEN - SR_SIG_LEN, k.sig))
		CKBAD("checkpoint-sig",
		    "checkpoint %lu at offset %lld: bad signature",
		    (unsigned long)k.ck_no, (long long)off);
	if (!all_zero(b + 116, 4))
		CKBAD("checkpoint", "checkpoint %lu: reserved bytes not zero",
		    (unsigned long)k.ck_no);
	if (memcmp(k.rec_id, nv->rec_id, SR_RECID_LEN) != 0)
		CKBAD("checkpoint",
		    "checkpoint %lu at offset %lld belongs to another "
		    "recording",
		    (unsigned long)k.ck_no, (long long)off);
	if (nv->signed_ ? memcmp(k.key_id, nv->key_id, SR_KEYID_LEN) != 0
			: !all_zero(k.key_id, SR_KEYID_LEN) ||
		    !all_zero(k.sig, SR_SIG_LEN))
		CKBAD("checkpoint-key",
		    "checkpoint %lu at offset %lld: key id or signature does "
		    "not match the header",
		    (unsigned long)k.ck_no, (long long)off);
	if (k.ck_no != nv->ck_next)
		CKBAD("checkpoint-seq",
		    "checkpoint %lu at offset %lld, %lu expected (%s)",
		    (unsigned long)k.ck_no, (long long)off,
		    (unsigned long)nv->ck_next,
		    k.ck_no > nv->ck_next ? "checkpoint removed"
					  : "checkpoint repeated or moved");
	if (memcmp(k.prev, nv->ck_prev, SR_HASH_LEN) != 0)
		CKBAD("checkpoint-link",
		    "checkpoint %lu at offset %lld does not link to the "
		    "checkpoint before it",
		    (unsigned long)k.ck_no, (long long)off);
	if (k.seq == 0 && nv->seq == 0 &&
	    memcmp(k.h, nv_hnow(nv), SR_HASH_LEN) != 0) {
		CKBAD("checkpoint-chain",
		    "checkpoint %lu at offset %lld does not match the header: "
		    "the header (metadata) was changed",
		    (unsigned long)k.ck_no, (long long)off);
		/* Follow the chain from what was signed: one finding. */
		memcpy(nv->hc0, k.h, SR_HASH_LEN);
	} else if (k.seq != nv->seq)
		CKBAD("checkpoint-chain",
		    "checkpoint %lu at offset %lld covers %llu chunks, %llu "
		    "were read (chunks deleted or added)",
		    (unsigned long)k.ck_no, (long long)off,
		    (unsigned long long)k.seq, (unsigned long long)nv->seq);
	else if (memcmp(k.h, nv_hnow(nv), SR_HASH_LEN) != 0)
		CKBAD("checkpoint-chain",
		    "checkpoint %lu at offset %lld: chunks %lld..%llu do not "
		    "hash to what it signed",
		    (unsigned long)k.ck_no, (long long)off, (long long)first,
		    (unsigned long long)k.seq);
#undef CKBAD
	if (bad)
		nv->ck_bad = 1;
	nv_witness_ck(nv, &k, off);
	sr_sha256(nv->ck_prev, b, SR_CHECKPOINT_LEN);
	nv->ck_next = k.ck_no + 1;
	if (!bad)
		nv_validated(nv, end);
}

static void
nv_seal(struct nv *nv, int64_t off, int64_t end)
{
	const unsigned char *b = (const unsigned char *)nv->body.data;
	struct sr_seal_rec *s = &nv->seal;
	struct vctx *v = nv->v;
	int64_t first;
	int bad = 0;

	hw_sync(nv);
	nv_unchained(nv);
	(void)sr_seal_decode(b, nv->body.len, s);
	first = nv_first_bad(nv);
	if (nv->ndmg == 0 && s->n != nv->seq)
		first = (int64_t)(s->n < nv->seq ? s->n : nv->seq) + 1;
	nv_cover(nv, "seal", off);
#define SBAD(chk, ...)                                                         \
	do {                                                                   \
		bad = 1;                                                       \
		vfind(v, SR_VERDICT_TAMPERED, chk, first, off, __VA_ARGS__);   \
	} while (0)
	if (nv->key != NULL &&
	    !sr_sig_check(nv->key->pk, SR_DOMAIN_SEAL, b,
		SR_SEAL_LEN - SR_SIG_LEN, s->sig))
		SBAD("seal-sig", "seal at offset %lld: bad signature",
		    (long long)off);
	if (!all_zero(b + 133, 3) || !all_zero(b + 156, 4))
		SBAD("seal", "seal: reserved bytes not zero");
	if (memcmp(s->rec_id, nv->rec_id, SR_RECID_LEN) != 0 ||
	    memcmp(s->h0, nv->h0, SR_HASH_LEN) != 0)
		SBAD("seal", "the seal belongs to another recording or header");
	if (nv->signed_ ? memcmp(s->key_id, nv->key_id, SR_KEYID_LEN) != 0
			: !all_zero(s->key_id, SR_KEYID_LEN) ||
		    !all_zero(s->sig, SR_SIG_LEN))
		SBAD("seal-key",
		    "seal: key id or signature does not match the header");
	if (s->n != nv->seq || memcmp(s->hn, nv_hnow(nv), SR_HASH_LEN) != 0)
		SBAD("seal-chain",
		    "the seal covers %llu chunks with another hash than the "
		    "%llu read",
		    (unsigned long long)s->n, (unsigned long long)nv->seq);
	if (nv->ck_next == 0 || s->last_ck != nv->ck_next - 1)
		SBAD("seal-checkpoint",
		    "the seal names checkpoint %lu as the last, %ld read",
		    (unsigned long)s->last_ck, (long)nv->ck_next - 1);
	if (s->host_seq != nv->host_seq || s->start_wall_ns != nv->start_ns)
		SBAD("seal",
		    "the seal's host_seq or start differs from the "
		    "header's");
	if (s->end_reason < SR_END_EXIT || s->end_reason > SR_END_ADMIN)
		SBAD("seal", "the seal's end reason %u is unknown",
		    s->end_reason);
	if (s->end_ns < nv->last_t)
		SBAD("seal", "the seal ends at %lld, before chunk time %lld",
		    (long long)s->end_ns, (long long)nv->last_t);
#undef SBAD
	if (bad)
		nv->ck_bad = 1;
	nv->sealed = 1;
	nv->seal_end = end;
	if (!bad && s->bytes_lost > 0)
		vfind(v, SR_VERDICT_INCOMPLETE, "gap", -1, off,
		    "the recorder declares %llu bytes lost",
		    (unsigned long long)s->bytes_lost);
	if (!bad)
		nv_validated(nv, end);
}

static void
nv_index(struct nv *nv, int64_t off)
{
	const unsigned char *b = (const unsigned char *)nv->body.data;
	const struct nidx *x;
	struct sr_index_ent e;
	uint64_t prev = 0;
	uint32_t n, i;

	nv_unchained(nv);
	if (nv->idx_lost)
		return;
	if (nv->body.len < 4 ||
	    (uint64_t)(n = sr_le32(b)) * SR_INDEX_ENTRY_LEN + 4 !=
		nv->body.len) {
		nv_damage(nv, (int64_t)nv->seq + 1, off, "index",
		    "index at offset %lld has a bad length", (long long)off);
		return;
	}
	for (i = 0; i < n; i++) {
		sr_index_ent_decode(b + 4 + (size_t)i * SR_INDEX_ENTRY_LEN, &e);
		x = e.seq > prev ? idx_find(nv, e.seq) : NULL;
		if (x == NULL || x->t_ns != e.t_ns || x->off != e.off) {
			nv_damage(nv, (int64_t)e.seq, off, "index",
			    "index entry %lu (chunk %llu) at offset %lld does "
			    "not match the chunks",
			    (unsigned long)i, (unsigned long long)e.seq,
			    (long long)off);
			return;
		}
		prev = e.seq;
	}
}

/* Reads a body of blen bytes after the frame head at off. */
static int
nv_body(struct nv *nv, uint32_t blen)
{
	size_t got, want;

	sr_buf_reset(&nv->body);
	sr_stream_consume(nv->s, V_FRAMEHDR);
	while (nv->body.len < blen) {
		want = blen - nv->body.len;
		if (want > V_PEEK)
			want = V_PEEK;
		if (sr_buf_reserve(&nv->body, want) != SR_E_NONE)
			return (nv_nomem(nv));
		if (sr_stream_read(nv->s, nv->body.data + nv->body.len, want,
			&got) != SR_OK)
			return (nv_io(nv, sr_stream_offset(nv->s)));
		if (got == 0)
			return (W_STOP);
		nv->body.len += got;
	}
	return (SR_OK);
}

/* A skippable frame at off. */
static int
nv_skip(struct nv *nv, int64_t off, const unsigned char *p, size_t avail)
{
	uint32_t blen, len, fixed;
	int kind = 0, version = 0, ret;
	int64_t end;

	if (avail < SR_NATIVE_SKIPHDR)
		return (nv_lost(nv, off, 0, "frame", "frame head cut short"));
	len = sr_le32(p + 4);
	ret = sr_native_skip_parse(p, avail, &kind, &blen, &version);
	if (ret < 0)
		return (nv_lost(nv, off, 0, "frame", "frame head cut short"));
	end = off + SR_NATIVE_SKIPHDR + (int64_t)len;
	if (ret == 0 || version != SR_NATIVE_VERSION || !kind_known(kind) ||
	    kind == SR_NK_HEADER) {
		/* zstd skips it, but the writer never wrote it. */
		if ((ret = nv_size(nv)) != SR_OK)
			return (ret);
		if (end > nv->size)
			return (nv_lost(nv, off, 0, "frame",
			    "unknown skippable frame runs past the end"));
		nv_damage(nv, (int64_t)nv->seq + 1, off, "frame",
		    "%s frame at offset %lld (%lu bytes)",
		    ret == 0		       ? "foreign skippable"
			: kind == SR_NK_HEADER ? "second header"
					       : "unknown sessrec",
		    (long long)off, (unsigned long)len);
		if (sr_stream_seek(nv->s, end) != SR_OK)
			return (nv_io(nv, end));
		return (W_NEXT);
	}
	fixed = kind_len(kind);
	if ((fixed != 0 && blen != fixed) || blen > SR_SKIP_READ_MAX)
		return (nv_lost(nv, off, 1, "frame", "'%c' frame of %lu bytes",
		    kind, (unsigned long)blen));
	if (kind == SR_NK_INDEX) {
		/* A torn index and a bad length look alike: ask the count. */
		const unsigned char *q;
		size_t qa;

		if ((q = sr_stream_peek(nv->s, V_FRAMEHDR + 4, &qa)) == NULL)
			return (nv_io(nv, off));
		if (qa == V_FRAMEHDR + 4 &&
		    (uint64_t)sr_le32(q + V_FRAMEHDR) * SR_INDEX_ENTRY_LEN +
			    4 !=
			blen)
			return (nv_lost(nv, off, 1, "index",
			    "index of %lu bytes does not hold its count",
			    (unsigned long)blen));
	}
	if ((ret = nv_body(nv, blen)) != SR_OK) {
		if (ret != W_STOP)
			return (ret);
		return (nv_lost(nv, off, 0, "frame",
		    "'%c' frame runs past the end of the file", kind));
	}
	switch (kind) {
	case SR_NK_CHAIN:
		nv_chain(nv, off);
		break;
	case SR_NK_CHECKPOINT:
		nv_checkpoint(nv, off, end);
		break;
	case SR_NK_SEAL:
		nv_seal(nv, off, end);
		break;
	case SR_NK_INDEX:
		nv_index(nv, off);
		break;
	case SR_NK_ABANDONED:
		nv_unchained(nv);
		nv->abandoned = 1;
		vfind(nv->v, SR_VERDICT_INCOMPLETE, "abandoned",
		    (int64_t)nv->seq, off,
		    "the recording was abandoned (trailer at offset %lld)",
		    (long long)off);
		break;
	}
	return (W_NEXT);
}

/* Frames after the header. */
static int
nv_walk(struct nv *nv)
{
	const unsigned char *p;
	size_t avail;
	int64_t off;
	uint32_t magic;
	int ret;

	for (;;) {
		off = sr_stream_offset(nv->s);
		if ((p = sr_stream_peek(nv->s, V_ZHDR_MAX, &avail)) == NULL)
			return (nv_io(nv, off));
		if (avail == 0)
			break;
		if (nv->sealed) {
			int64_t extra;

			if ((ret = nv_size(nv)) != SR_OK)
				return (ret);
			extra = nv->size - off;
			vfind(nv->v, SR_VERDICT_TAMPERED, "after-seal",
			    (int64_t)nv->seq, off,
			    "%lld bytes after the seal, from offset %lld",
			    (long long)extra, (long long)off);
			break;
		}
		if (avail < 4) {
			ret = nv_lost(nv, off, 0, "frame", "frame cut short");
		} else if ((magic = sr_le32(p)) == SR_ZSTD_MAGIC)
			ret = nv_data(nv, off, p, avail);
		else if ((magic & V_SKIP_MASK) == V_SKIP_MAGIC)
			ret = nv_skip(nv, off, p, avail);
		else
			ret = nv_lost(nv, off, 1, "frame",
			    "not a zstd frame (magic %08lx)",
			    (unsigned long)magic);
		if (ret == W_STOP)
			break;
		if (ret != W_NEXT)
			return (ret);
	}
	if (nv->pending) {
		/* A whole data frame whose chain record is missing: torn. */
		nv->pending = 0;
		if (!nv->torn) {
			nv->torn = 1;
			nv->torn_off = nv->pend_off;
		}
	}
	return (SR_OK);
}

/*
 * The header frame: h0 over its bytes, then the JSON.  SR_OK, W_STOP
 * (CORRUPT, reported) or an error.
 */
static int
nv_header(struct nv *nv)
{
	struct vctx *v = nv->v;
	const unsigned char *p;
	const char *s;
	struct sr_error e;
	struct sr_loc loc;
	size_t avail, len;
	uint32_t blen;
	int kind, version, ret;
	int64_t iv;
	json_t *j;

	if ((p = sr_stream_peek(nv->s, V_FRAMEHDR, &avail)) == NULL)
		return (nv_io(nv, 0));
	ret = sr_native_skip_parse(p, avail, &kind, &blen, &version);
	if (ret < 0) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, 0,
		    "header frame cut short");
		return (W_STOP);
	}
	if (ret == 0 || kind != SR_NK_HEADER) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, 0,
		    "not a sessrec recording: no header frame");
		return (W_STOP);
	}
	if (version != SR_NATIVE_VERSION) {
		vfind(v, SR_VERDICT_CORRUPT, "version", -1, 0,
		    "unsupported sessrec format version %d", version);
		return (W_STOP);
	}
	if (blen > SR_SKIP_READ_MAX) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, 0,
		    "header of %lu bytes, over the limit of %u",
		    (unsigned long)blen, SR_SKIP_READ_MAX);
		return (W_STOP);
	}
	if ((ret = nv_body(nv, blen)) != SR_OK) {
		if (ret != W_STOP)
			return (ret);
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, 0,
		    "header frame cut short");
		return (W_STOP);
	}
	sr_chain_h0(nv->h0, nv->body.data, nv->body.len);
	memcpy(nv->hc0, nv->h0, SR_HASH_LEN);
	sr_loc_clear(&loc);
	loc.offset = V_FRAMEHDR;
	sr_loc_set_member(&loc, v->member);
	sr_error_clear(&e);
	if (sr_json_parse(nv->body.data, nv->body.len, SR_SKIP_READ_MAX,
		JSON_REJECT_DUPLICATES, &loc, &nv->hdr, &e) != SR_OK ||
	    !json_is_object(nv->hdr)) {
		vfind_loc(v, SR_VERDICT_CORRUPT, "header", -1, &e.loc,
		    "header unreadable: %s", e.msg[0] ? e.msg : "no object");
		return (W_STOP);
	}
	j = nv->hdr;
	if (sr_json_get_str(j, "format", &s, &len, &loc, &e) != SR_OK ||
	    strcmp(s, "sessrec") != 0) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, V_FRAMEHDR,
		    "header: \"format\" is not \"sessrec\"");
		return (W_STOP);
	}
	if (sr_json_get_int(j, "version", 0, INT64_MAX, &iv, &loc, &e) !=
		SR_OK ||
	    iv != 1) {
		vfind(v, SR_VERDICT_CORRUPT, "version", -1, V_FRAMEHDR,
		    "header: unsupported or missing version");
		return (W_STOP);
	}
	if (sr_json_get_str(j, "rec_id", &s, &len, &loc, &e) != SR_OK ||
	    sr_hex_decode(s, len, nv->rec_id, SR_RECID_LEN) != 0) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, V_FRAMEHDR,
		    "header: no valid rec_id");
		return (W_STOP);
	}
	sr_hex_encode(v->res->rec_id, nv->rec_id, SR_RECID_LEN);
	if (sr_json_get_int(j, "start_ns", 0, INT64_MAX, &nv->start_ns, &loc,
		&e) != SR_OK)
		nv->start_ns = 0;
	if (sr_json_get_int(j, "host_seq", 0, INT64_MAX, &iv, &loc, &e) ==
	    SR_OK)
		nv->host_seq = (uint64_t)iv;
	if (!json_is_boolean(json_object_get(j, "signed"))) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, V_FRAMEHDR,
		    "header: no \"signed\"");
		return (W_STOP);
	}
	nv->signed_ = json_is_true(json_object_get(j, "signed"));
	if (nv->signed_ &&
	    (sr_json_get_str(j, "key_id", &s, &len, &loc, &e) != SR_OK ||
		sr_hex_decode(s, len, nv->key_id, SR_KEYID_LEN) != 0)) {
		vfind(v, SR_VERDICT_CORRUPT, "header", -1, V_FRAMEHDR,
		    "header: signed, but no valid key_id");
		return (W_STOP);
	}
	return (SR_OK);
}

/* Decides which key checks the signatures, and says why when none. */
static void
nv_key(struct nv *nv)
{
	struct vctx *v = nv->v;
	struct sr_verify_result *res = v->res;
	const struct tkey *k;
	char iso[64], id[17];

	res->signed_ = nv->signed_;
	if (!nv->signed_) {
		vfind(v, SR_VERDICT_CONSISTENT, "key", -1, -1,
		    "not signed: the chain was checked, but anyone who can "
		    "write the file could have made it");
		return;
	}
	sr_hex_encode(id, nv->key_id, SR_KEYID_LEN);
	(void)strlcpy(res->key_id, id, sizeof(res->key_id));
	if (sr_trust_count(v->trust) == 0) {
		vfind(v, SR_VERDICT_CONSISTENT, "key", -1, -1,
		    "signed by key %s, but no trusted key is configured: "
		    "signatures not checked",
		    id);
		return;
	}
	if ((k = trust_find(v->trust, nv->key_id)) == NULL) {
		vfind(v, SR_VERDICT_TAMPERED, "key", -1, -1,
		    "signed by key %s, which is not trusted", id);
		return;
	}
	if ((k->not_before != 0 && nv->start_ns < k->not_before) ||
	    (k->not_after != 0 && nv->start_ns > k->not_after)) {
		sr_time_format_iso(nv->start_ns, iso, sizeof(iso));
		vfind(v, SR_VERDICT_TAMPERED, "key-window", -1, -1,
		    "key %s was not valid at the recording's start %s", id,
		    iso);
		return;
	}
	res->key_trusted = 1;
	nv->key = k;
}

/*
 * The file name: `sessrec record` names files STAMP-SESSIONID.srec.  A
 * name that holds a session id (26 Crockford base32 characters before
 * ".srec") or a rec_id (32 hex digits) must name this recording.
 */
static int
crockford(int c)
{
	c = toupper((unsigned char)c);
	return ((c >= '0' && c <= '9') ||
	    (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' &&
		c != 'U'));
}

static void
nv_name(struct nv *nv, const char *name)
{
	const char *base = sr_basename(name), *dot, *sid, *id;
	size_t n, i, len;
	json_t *j;

	if ((dot = strstr(base, ".srec")) == NULL)
		return;
	n = (size_t)(dot - base);
	if (n >= 32) {
		id = dot - 32;
		for (i = 0; i < 32 && isxdigit((unsigned char)id[i]); i++)
			;
		if (i == 32 && (id == base || id[-1] == '-' || id[-1] == '_')) {
			unsigned char rid[SR_RECID_LEN];

			if (sr_hex_decode(id, 32, rid, SR_RECID_LEN) == 0 &&
			    memcmp(rid, nv->rec_id, SR_RECID_LEN) != 0)
				vfind(nv->v, SR_VERDICT_TAMPERED, "name", -1,
				    -1,
				    "the file name names recording %.32s, the "
				    "file holds %s",
				    id, nv->v->res->rec_id);
			return;
		}
	}
	if (n < 26)
		return;
	sid = dot - 26;
	for (i = 0; i < 26 && crockford(sid[i]); i++)
		;
	if (i < 26 || (sid != base && sid[-1] != '-' && sid[-1] != '_'))
		return;
	j = json_object_get(nv->hdr, "session_id");
	len = json_is_string(j) ? json_string_length(j) : 0;
	if (len != 26 || strncasecmp(json_string_value(j), sid, 26) != 0)
		vfind(nv->v, SR_VERDICT_TAMPERED, "name", -1, -1,
		    "the file name names session %.26s, the file holds %s", sid,
		    len > 0 && len < 64 ? json_string_value(j) : "none");
}

/*
 * A seal whose frame head was damaged: the last bytes of the file are a
 * seal body of this recording (its rec_id and h0), but no seal was read.
 */
static int
nv_seal_remains(struct nv *nv)
{
	const unsigned char *p;
	size_t avail;

	if (nv_size(nv) != SR_OK || nv->size < V_FRAMEHDR + SR_SEAL_LEN)
		return (0);
	if (sr_stream_seek(nv->s, nv->size - SR_SEAL_LEN) != SR_OK ||
	    (p = sr_stream_peek(nv->s, SR_SEAL_LEN, &avail)) == NULL ||
	    avail < SR_SEAL_LEN)
		return (0);
	return (memcmp(p, nv->rec_id, SR_RECID_LEN) == 0 &&
	    memcmp(p + 48, nv->h0, SR_HASH_LEN) == 0);
}

static void
nv_witness_end(struct nv *nv)
{
	struct vctx *v = nv->v;
	struct witness *wt = nv->wit;
	size_t i;

	if (wt == NULL) {
		vfind(v, SR_VERDICT_OK, "witness", -1, -1,
		    "not checked against a witness: truncation plus re-seal "
		    "by root is undetectable");
		return;
	}
	if (sr_trust_count(v->trust) == 0) {
		vfind(v, SR_VERDICT_OK, "witness", -1, -1,
		    "witness not checked: no trusted key to authenticate its "
		    "lines");
		return;
	}
	if (!wt->have_start)
		vfind(v, SR_VERDICT_TAMPERED, "witness", -1, -1,
		    "the witness has no START line for this recording");
	for (i = 0; i < wt->n; i++) {
		const struct wline *w = &wt->w[i];

		switch (w->kind) {
		case W_START:
			if ((w->have_h &&
				memcmp(w->h, nv->h0, SR_HASH_LEN) != 0) ||
			    (w->have_host_seq && w->host_seq != nv->host_seq) ||
			    (w->have_key && nv->signed_ &&
				memcmp(w->key_id, nv->key_id, SR_KEYID_LEN) !=
				    0))
				vfind(v, SR_VERDICT_TAMPERED, "witness", 0, 0,
				    "the header differs from the witness's "
				    "START (line %lld)",
				    (long long)w->line);
			break;
		case W_CHECKPOINT:
			if (w->ck_no >= nv->ck_next)
				vfind(v, SR_VERDICT_TAMPERED, "witness",
				    (int64_t)w->seq, -1,
				    "the witness holds checkpoint %llu (line "
				    "%lld), the file ends before it",
				    (unsigned long long)w->ck_no,
				    (long long)w->line);
			break;
		case W_SEAL:
			if (!nv->sealed)
				vfind(v, SR_VERDICT_TAMPERED, "witness",
				    (int64_t)w->n, -1,
				    "the witness holds a SEAL of %llu chunks "
				    "(line %lld), the file has no seal",
				    (unsigned long long)w->n,
				    (long long)w->line);
			else if (w->n != nv->seal.n ||
			    (w->have_h &&
				memcmp(w->h, nv->seal.hn, SR_HASH_LEN) != 0) ||
			    (w->have_seal_sig &&
				memcmp(w->seal_sig, nv->seal.sig, 16) != 0))
				vfind(v, SR_VERDICT_TAMPERED, "witness",
				    (int64_t)w->n,
				    nv->seal_end - V_FRAMEHDR - SR_SEAL_LEN,
				    "the seal differs from the witness's SEAL "
				    "(line %lld): %llu chunks there, %llu here",
				    (long long)w->line,
				    (unsigned long long)w->n,
				    (unsigned long long)nv->seal.n);
			break;
		}
	}
	if (nv->sealed && !wt->have_seal)
		vfind(v, SR_VERDICT_CONSISTENT, "witness", -1, -1,
		    "the witness has no SEAL line: the seal is not witnessed");
}

static int wit_parse(struct vctx *, const char *, size_t,
    const unsigned char rec_id[SR_RECID_LEN], struct witness *);

static int
verify_native(struct vctx *v, struct sr_input *in, const char *member,
    const char *witness, size_t witness_len, struct sr_error *err)
{
	struct sr_verify_result *res = v->res;
	struct witness wit;
	struct nv nv;
	const char *name;
	size_t i;
	int ret;

	memset(&nv, 0, sizeof(nv));
	memset(&wit, 0, sizeof(wit));
	nv.v = v;
	nv.err = err;
	nv.size = -1;
	nv.valid_seq = -1;
	nv.valid_t = -1;
	nv.valid_off = -1;
	nv.idx_step = 1;
	for (i = 0; i < HW_SLOTS; i++) {
		sr_buf_init(&nv.hw.job[i].buf, SR_CHUNK_READ_MAX + 1);
		sr_buf_init(&nv.hw.job[i].z, V_PEEK);
	}
	nv.plain = &nv.hw.job[0].buf;
	sr_buf_init(&nv.body, SR_SKIP_READ_MAX);
	res->verdict = SR_VERDICT_OK;
	if ((nv.dctx = ZSTD_createDCtx()) == NULL ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(nv.dctx, ZSTD_d_windowLogMax,
		SR_NATIVE_WINDOWLOG))) {
		ret = nv_nomem(&nv);
		goto out;
	}
	if ((ret = sr_stream_open(in, member, 0, &nv.s, err)) != SR_OK)
		goto out;
	if ((ret = nv_header(&nv)) != SR_OK) {
		if (ret == W_STOP)
			ret = SR_OK;
		goto out;
	}
	name = member[0] != '\0' ? member : sr_input_path(in);
	if (name != NULL)
		nv_name(&nv, name);
	nv_key(&nv);
	if (witness != NULL) {
		if ((ret = wit_parse(v, witness, witness_len, nv.rec_id,
			 &wit)) != SR_OK) {
			ret = sr_error_set(err, ret, SR_E_NOMEM, NULL, NULL,
			    "out of memory");
			goto out;
		}
		nv.wit = &wit;
	}
	hw_start(&nv);
	ret = nv_walk(&nv);
	hw_sync(&nv);
	if (ret != SR_OK)
		goto out;
	if (!nv.have_ck0)
		vfind(v, SR_VERDICT_CORRUPT, "checkpoint", 0, -1,
		    "checkpoint 0 is missing or unreadable: the header is not "
		    "committed to");
	if (nv.ndmg_total > 0) {
		/* Nothing signed after it: the tail is just unsigned. */
		for (i = 0; i < nv.ndmg; i++)
			vfind(v,
			    nv.sealed ? SR_VERDICT_TAMPERED
				      : SR_VERDICT_INCOMPLETE,
			    nv.dmg[i].check, nv.dmg[i].seq, nv.dmg[i].off,
			    "%s (after the last checkpoint: nothing signed "
			    "covers it)",
			    nv.dmg[i].msg);
	}
	if (!nv.sealed) {
		if (nv_seal_remains(&nv))
			vfind(v, SR_VERDICT_TAMPERED, "seal", (int64_t)nv.seq,
			    nv.size - SR_SEAL_LEN - V_FRAMEHDR,
			    "the seal's frame head is damaged");
		else if (nv.torn)
			vfind(v, SR_VERDICT_INCOMPLETE, "torn", (int64_t)nv.seq,
			    nv.torn_off,
			    "torn tail: the last frame, at offset %lld, runs "
			    "past the end of the file",
			    (long long)nv.torn_off);
		if (!nv.abandoned)
			vfind(v, SR_VERDICT_INCOMPLETE, "seal", -1, -1,
			    "no seal: still recording, or the recorder died; "
			    "validated chunks 0..%lld of %lld",
			    (long long)nv.valid_seq, (long long)nv.seq);
	}
	nv_witness_end(&nv);
	ret = SR_OK;
out:
	res->valid_seq = nv.valid_seq;
	res->valid_t_ns = nv.valid_t;
	res->valid_offset = nv.valid_off;
	free(wit.w);
	free(nv.idx);
	json_decref(nv.hdr);
	ZSTD_freeDCtx(nv.dctx);
	hw_stop(&nv);
	for (i = 0; i < HW_SLOTS; i++) {
		sr_buf_release(&nv.hw.job[i].buf);
		sr_buf_release(&nv.hw.job[i].z);
	}
	sr_buf_release(&nv.body);
	sr_stream_close(nv.s);
	return (ret);
}

/*
 * Witness lines.
 */

/* The value of key in the words of line[0..len): borrowed, or NULL. */
static const char *
wit_val(const char *line, size_t len, const char *key, size_t *vlen)
{
	size_t kl = strlen(key), i = 0, j;

	while (i < len) {
		while (i < len && line[i] == ' ')
			i++;
		for (j = i; j < len && line[j] != ' '; j++)
			;
		if (j - i > kl && memcmp(line + i, key, kl) == 0 &&
		    line[i + kl] == '=') {
			*vlen = j - i - kl - 1;
			return (line + i + kl + 1);
		}
		i = j;
	}
	return (NULL);
}

static int
wit_u64(const char *line, size_t len, const char *key, uint64_t *out)
{
	const char *s;
	size_t n;

	if ((s = wit_val(line, len, key, &n)) == NULL)
		return (-1);
	return (sr_parse_u64(s, n, UINT64_MAX, out));
}

static int
wit_hex(const char *line, size_t len, const char *key, unsigned char *out,
    size_t n)
{
	const char *s;
	size_t vl;

	if ((s = wit_val(line, len, key, &vl)) == NULL)
		return (-1);
	return (sr_hex_decode(s, vl, out, n));
}

/* Whether a trusted key signed the words w[0..sigpos). */
static int
wit_signed(const struct sr_trust *t, const char *w, size_t len)
{
	const char *sig;
	unsigned char s[SR_SIG_LEN];
	size_t i, sl;

	if ((sig = wit_val(w, len, "sig", &sl)) == NULL ||
	    sr_hex_decode(sig, sl, s, SR_SIG_LEN) != 0 || sig - 5 < w)
		return (0);
	for (i = 0; t != NULL && i < t->n; i++)
		if (sr_sig_check(t->k[i].pk, SR_DOMAIN_WITNESS, w,
			(size_t)(sig - 5 - w), s))
			return (1);
	return (0);
}

static int
wit_parse(struct vctx *v, const char *text, size_t tlen,
    const unsigned char rec_id[SR_RECID_LEN], struct witness *wt)
{
	static const char tag[] = "sessrec-witness v1 ";
	const char *line = text, *nl, *w, *end;
	unsigned char rid[SR_RECID_LEN];
	struct wline *x;
	size_t forged = 0, n;
	int64_t lineno = 0, first_forged = 0;

	if ((wt->w = calloc(V_WIT_MAX, sizeof(*wt->w))) == NULL)
		return (SR_FATAL);
	if (sr_trust_count(v->trust) == 0)
		return (SR_OK); /* nothing can be authenticated */
	while (line < text + tlen) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(text + tlen - line));
		end = nl != NULL ? nl : text + tlen;
		n = (size_t)(end - line);
		w = n >= sizeof(tag) - 1 ? memmem(line, n, tag, sizeof(tag) - 1)
					 : NULL;
		line = nl != NULL ? nl + 1 : end;
		if (w == NULL)
			continue;
		n = (size_t)(end - w);
		if (n > 0 && w[n - 1] == '\r')
			n--;
		if (wit_hex(w, n, "rec", rid, SR_RECID_LEN) != 0 ||
		    memcmp(rid, rec_id, SR_RECID_LEN) != 0)
			continue;
		if (!wit_signed(v->trust, w, n)) {
			if (forged++ == 0)
				first_forged = lineno;
			continue;
		}
		if (wt->n == V_WIT_MAX)
			continue;
		x = &wt->w[wt->n];
		memset(x, 0, sizeof(*x));
		x->line = lineno;
		w += sizeof(tag) - 1;
		n -= sizeof(tag) - 1;
		if (n > 6 && memcmp(w, "START ", 6) == 0) {
			x->kind = W_START;
			x->have_h = wit_hex(w, n, "h0", x->h, SR_HASH_LEN) == 0;
			x->have_host_seq =
			    wit_u64(w, n, "host_seq", &x->host_seq) == 0;
			x->have_key =
			    wit_hex(w, n, "key", x->key_id, SR_KEYID_LEN) == 0;
			wt->have_start = 1;
		} else if (n > 11 && memcmp(w, "CHECKPOINT ", 11) == 0) {
			x->kind = W_CHECKPOINT;
			if (wit_u64(w, n, "ck_no", &x->ck_no) != 0 ||
			    wit_u64(w, n, "seq", &x->seq) != 0 ||
			    wit_hex(w, n, "h", x->h, SR_HASH_LEN) != 0)
				continue;
			x->have_h = 1;
		} else if (n > 5 && memcmp(w, "SEAL ", 5) == 0) {
			x->kind = W_SEAL;
			if (wit_u64(w, n, "n", &x->n) != 0)
				continue;
			x->have_h = wit_hex(w, n, "hn", x->h, SR_HASH_LEN) == 0;
			x->have_seal_sig =
			    wit_hex(w, n, "seal_sig", x->seal_sig, 16) == 0;
			wt->have_seal = 1;
		} else
			continue;
		wt->n++;
	}
	if (forged > 0)
		vfind(v, SR_VERDICT_OK, "witness-forged", -1, -1,
		    "%zu witness line(s) about this recording are not signed "
		    "by a trusted key (first: line %lld): ignored",
		    forged, (long long)first_forged);
	return (SR_OK);
}

/*
 * Foreign formats: the reader's warnings and errors, classified, plus
 * checks of our own.
 */

/*
 * Warnings about oddities that real recorders write and the readers
 * repair or ignore: notes, not failures.  The readers give them the
 * category SR_E_FORMAT like real breakage, so they are known by the
 * reader's own wording (case-sensitive); a torn tail has its own
 * category, SR_E_TRUNCATED.
 */
static const char *const note_msgs[] = {
	"invalid UTF-8 replaced",	/* asciicast */
	"over the meta limit",		/* sudo, script, asciicast */
	"header lacks",			/* asciicast: optional keys */
	"names may be wrong",		/* sudo: a ':' in a name in log */
	"timing event 6 of sudo 1.8.7", /* sudo: that version's bug */
	"input log missing",		/* script: only the output kept */
	"is not a terminal size",	/* sudo: log.json lines/columns */
};

static int
is_note(const char *msg)
{
	size_t i;

	for (i = 0; i < nitems(note_msgs); i++)
		if (strstr(msg, note_msgs[i]) != NULL)
			return (1);
	return (0);
}

struct fv {
	struct vctx *v;
	int ioerr;
	struct sr_error io;
	uint32_t crc[256]; /* CRC-32 table (gzip's polynomial) */
};

/* status: SR_WARN for a reader's warning, else an error. */
static void
fv_classify(struct fv *f, int status, const struct sr_error *e, int64_t seq)
{
	enum sr_verdict vd;
	const char *check;

	if (e->cat == SR_E_IO || e->cat == SR_E_NOMEM) {
		if (!f->ioerr) {
			f->ioerr = 1;
			f->io = *e;
		}
		return;
	}
	if (e->cat == SR_E_TRUNCATED) {
		vd = SR_VERDICT_INCOMPLETE;
		check = "torn";
	} else if (status == SR_WARN && e->cat == SR_E_FORMAT &&
	    is_note(e->msg)) {
		vd = SR_VERDICT_OK;
		check = "note";
	} else {
		vd = SR_VERDICT_CORRUPT;
		check = e->cat == SR_E_LIMIT ? "limit" : "structure";
	}
	vfind_loc(f->v, vd, check, seq, &e->loc, "%s", e->msg);
}

static void
fv_diag(void *arg, int status, const struct sr_error *e)
{
	struct fv *f = arg;

	fv_classify(f, status, e, f->v->res->chunks);
}

static void
crc_table(uint32_t t[256])
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
}

static uint32_t
crc_add(const uint32_t t[256], uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n-- > 0)
		crc = t[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return (~crc);
}

static const struct {
	enum sr_stream_id id;
	const char *file;
} sudo_files[] = {
	{ SR_STREAM_NONE, "timing" },
	{ SR_STREAM_TTYOUT, "ttyout" },
	{ SR_STREAM_TTYIN, "ttyin" },
	{ SR_STREAM_STDIN, "stdin" },
	{ SR_STREAM_STDOUT, "stdout" },
	{ SR_STREAM_STDERR, "stderr" },
};

/*
 * The gzip trailer of a member that decoded to n bytes with CRC-32 crc:
 * libarchive's gzip filter does not check it.  sudo writes one gzip
 * member per file, so the last 8 bytes are the trailer of all the data;
 * a file of several members (which sudo never writes) fails here too.
 */
static void
fv_gzip(struct fv *f, struct sr_input *in, const char *name, uint32_t crc,
    uint64_t n)
{
	struct sr_stream *s;
	struct sr_error e;
	struct sr_loc loc;
	const unsigned char *p;
	size_t avail;
	int64_t size;

	sr_error_clear(&e);
	if (sr_stream_open(in, name, SR_OPEN_RAW, &s, &e) != SR_OK) {
		sr_loc_set_member(&e.loc, name);
		fv_classify(f, SR_FAILED, &e, -1);
		return;
	}
	if ((p = sr_stream_peek(s, 2, &avail)) == NULL)
		goto ioerr;
	if (avail < 2 || p[0] != 0x1f || p[1] != 0x8b)
		goto out; /* another compression: its decoder checks it */
	/* The size of a stream that does not know it: read it through. */
	while ((size = sr_stream_size(s)) < 0) {
		if ((p = sr_stream_peek(s, V_PEEK, &avail)) == NULL)
			goto ioerr;
		if (avail == 0) {
			size = sr_stream_offset(s);
			break;
		}
		sr_stream_consume(s, avail);
	}
	sr_loc_clear(&loc);
	sr_loc_set_member(&loc, name);
	loc.offset = size - 8;
	if (size < 18 || sr_stream_seek(s, size - 8) != SR_OK ||
	    (p = sr_stream_peek(s, 8, &avail)) == NULL || avail < 8) {
		vfind_loc(f->v, SR_VERDICT_CORRUPT, "gzip", -1, &loc,
		    "gzip trailer unreadable");
		goto out;
	}
	if (sr_le32(p) != crc)
		vfind_loc(f->v, SR_VERDICT_CORRUPT, "gzip", -1, &loc,
		    "gzip CRC-32 %08lx does not match the decoded data "
		    "(%08lx): the compressed data was changed",
		    (unsigned long)sr_le32(p), (unsigned long)crc);
	if (sr_le32(p + 4) != (uint32_t)n)
		vfind_loc(f->v, SR_VERDICT_CORRUPT, "gzip", -1, &loc,
		    "gzip length %lu does not match the %llu bytes decoded",
		    (unsigned long)sr_le32(p + 4), (unsigned long long)n);
out:
	sr_stream_close(s);
	return;
ioerr:
	e = *sr_stream_error(s);
	if (e.loc.member[0] == '\0')
		sr_loc_set_member(&e.loc, name);
	fv_classify(f, SR_FAILED, &e, -1);
	sr_stream_close(s);
}

/* Whether field value a[0..alen) equals b (NULL: the log's "unknown"). */
static int
log_same(const char *a, size_t alen, const char *b, int unknown_ok)
{
	if (b == NULL)
		return (
		    unknown_ok && alen == 7 && memcmp(a, "unknown", 7) == 0);
	return (strlen(b) == alen && memcmp(a, b, alen) == 0);
}

/* The command line of log.json's command and runargv, as log has it. */
static int
log_cmdline(const struct sr_session *s, const char *a, size_t alen)
{
	const char *cmd = s->field[SR_F_COMMAND];
	size_t i, l, at;

	if (cmd == NULL)
		return (1);
	l = strlen(cmd);
	if (alen < l || memcmp(a, cmd, l) != 0)
		return (0);
	if (s->argv == NULL)
		return (1);
	at = l;
	for (i = 1; i < s->argc; i++) {
		l = strlen(s->argv[i]);
		if (alen - at < l + 1 || a[at] != ' ' ||
		    memcmp(a + at + 1, s->argv[i], l) != 0)
			return (0);
		at += l + 1;
	}
	return (at == alen);
}

/*
 * sudo writes the same facts twice: log.json (which the reader uses) and
 * the legacy log (sessrec-formats(5), FORMATS.md 3.3).  Each field both
 * carry must agree; a field that log cannot hold unambiguously (a ':'
 * in a name) is skipped.
 */
static void
fv_sudo_log(struct fv *f, struct sr_reader *r, const struct sr_session *s)
{
	struct sr_stream *st;
	struct sr_error e;
	struct sr_loc loc;
	char *name, *jname;
	const char *fld[8], *p, *end, *nl, *bad = NULL;
	unsigned char buf[64 * 1024];
	size_t fl[8], nf = 0, len = 0, got;
	uint64_t v;
	int line = 1;

	if ((name = sr_reader_member_name(r, "log")) == NULL)
		return;
	if ((jname = sr_reader_member_name(r, "log.json")) == NULL ||
	    sr_input_find(r->in, name) == NULL ||
	    sr_input_find(r->in, jname) == NULL)
		goto out;
	sr_error_clear(&e);
	if (sr_stream_open(r->in, name, 0, &st, &e) != SR_OK)
		goto out;
	while (len < sizeof(buf) &&
	    sr_stream_read(st, buf + len, sizeof(buf) - len, &got) == SR_OK &&
	    got > 0)
		len += got;
	sr_stream_close(st);
	p = (const char *)buf;
	end = p + len;
	if ((nl = memchr(p, '\n', len)) == NULL)
		goto out; /* the reader reports a broken log */
	while (nf < nitems(fld)) {
		const char *c = memchr(p, ':', (size_t)(nl - p));

		fld[nf] = p;
		fl[nf] = (size_t)((c != NULL ? c : nl) - p);
		nf++;
		if (c == NULL)
			break;
		p = c + 1;
	}
	if (nf != 5 && nf != 7)
		goto out; /* names may be wrong: noted by the reader */
	if ((s->have & SR_HAVE_START) &&
	    (sr_parse_u64(fld[0], fl[0], INT64_MAX, &v) != 0 ||
		(int64_t)v != s->start_ns / SR_NSEC_PER_SEC))
		bad = "start time";
	else if (!log_same(fld[1], fl[1], s->field[SR_F_ACTOR], 0))
		bad = "user";
	else if (!log_same(fld[2], fl[2], s->field[SR_F_TARGET], 0))
		bad = "runas user";
	else if (!(fl[3] == 0 ? sr_session_extra(s, "sudo.rungroup") == NULL
			      : log_same(fld[3], fl[3],
				    sr_session_extra(s, "sudo.rungroup"), 0)))
		bad = "runas group";
	else if (!log_same(fld[4], fl[4], s->field[SR_F_TTY], 1))
		bad = "tty";
	else if (nf == 7 && s->rows != 0 && s->cols != 0 &&
	    (sr_parse_u64(fld[5], fl[5], 65535, &v) != 0 || v != s->rows ||
		sr_parse_u64(fld[6], fl[6], 65535, &v) != 0 || v != s->cols))
		bad = "terminal size";
	if (bad == NULL) {
		line = 2;
		p = nl + 1;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!log_same(p, (size_t)(nl - p), s->field[SR_F_CWD], 1))
			bad = "working directory";
	}
	if (bad == NULL && nl < end && len < sizeof(buf)) {
		line = 3;
		p = nl + 1;
		while (end > p && end[-1] == '\n')
			end--;
		if (!log_cmdline(s, p, (size_t)(end - p)))
			bad = "command";
	}
	if (bad != NULL) {
		sr_loc_clear(&loc);
		sr_loc_set_member(&loc, name);
		loc.line = line;
		vfind_loc(f->v, SR_VERDICT_CORRUPT, "log", -1, &loc,
		    "log and log.json disagree on the %s", bad);
	}
out:
	free(jname);
	free(name);
}

/*
 * sudo: the timing must account for every byte of every data file, and
 * the compressed files must decode to their end and match their gzip
 * trailer (CRC-32 and length).  Bytes beyond what the timing covers
 * are what a crash between the data write and the timing write leaves:
 * INCOMPLETE.
 */
static int
fv_sudo(struct fv *f, struct sr_reader *r, const struct sr_session *sess,
    const uint64_t *sum)
{
	struct sr_stream *s;
	struct sr_error e;
	const unsigned char *p;
	char *name;
	size_t i, avail;
	uint64_t n;
	uint32_t crc;
	int trunc, dec;

	fv_sudo_log(f, r, sess);
	for (i = 0; i < nitems(sudo_files); i++) {
		if ((name = sr_reader_member_name(r, sudo_files[i].file)) ==
		    NULL)
			return (SR_FATAL);
		if (sr_input_find(r->in, name) == NULL) {
			free(name);
			continue;
		}
		sr_error_clear(&e);
		if (sr_stream_open(r->in, name, 0, &s, &e) != SR_OK) {
			sr_loc_set_member(&e.loc, name);
			fv_classify(f, SR_FAILED, &e, -1);
			free(name);
			continue;
		}
		dec = sr_stream_decoded(s);
		n = 0;
		crc = 0;
		for (;;) {
			if ((p = sr_stream_peek(s, V_PEEK, &avail)) == NULL) {
				e = *sr_stream_error(s);
				if (e.loc.member[0] == '\0')
					sr_loc_set_member(&e.loc, name);
				fv_classify(f, SR_FAILED, &e, -1);
				break;
			}
			if (avail == 0)
				break;
			if (dec)
				crc = crc_add(f->crc, crc, p, avail);
			n += avail;
			sr_stream_consume(s, avail);
		}
		trunc = sr_stream_truncated(s);
		sr_stream_close(s);
		if (trunc) {
			/* The reader reports a torn timing itself. */
			if (sudo_files[i].id != SR_STREAM_NONE)
				vfind(f->v, SR_VERDICT_INCOMPLETE, "gzip", -1,
				    (int64_t)n,
				    "%s: the compressed data ends early (after "
				    "%llu bytes)",
				    name, (unsigned long long)n);
		} else if (p != NULL && dec)
			fv_gzip(f, r->in, name, crc, n);
		if (!trunc && p != NULL && sudo_files[i].id != SR_STREAM_NONE &&
		    n > sum[sudo_files[i].id])
			vfind(f->v, SR_VERDICT_INCOMPLETE, "timing", -1,
			    (int64_t)sum[sudo_files[i].id],
			    "%s holds %llu bytes past what the timing covers "
			    "(%llu)",
			    name,
			    (unsigned long long)(n - sum[sudo_files[i].id]),
			    (unsigned long long)sum[sudo_files[i].id]);
		free(name);
	}
	return (SR_OK);
}

static int
verify_foreign(struct vctx *v, struct sr_ctx *ctx, struct sr_input *in,
    const char *member, const struct sr_format *fmt, struct sr_error *err)
{
	struct sr_verify_result *res = v->res;
	struct sr_ctx c = *ctx;
	struct sr_reader *r = NULL;
	const struct sr_session *sess;
	const struct sr_event *ev;
	struct fv f;
	uint64_t sum[8];
	int st, es, sudo = strcmp(sr_format_name(fmt), "sudo") == 0;
	size_t nsess = 0;

	memset(&f, 0, sizeof(f));
	f.v = v;
	if (sudo)
		crc_table(f.crc);
	res->verdict = SR_VERDICT_CONSISTENT;
	res->valid_seq = res->valid_t_ns = res->valid_offset = -1;
	c.diag = fv_diag;
	c.diag_arg = &f;
	sr_error_clear(err);
	if ((st = sr_reader_open(&c, in, member, fmt, &r, err)) != SR_OK) {
		if (st == SR_FATAL || err->cat == SR_E_IO ||
		    err->cat == SR_E_NOMEM)
			return (st == SR_FATAL ? SR_FATAL : SR_FAILED);
		fv_classify(&f, st, err, -1);
		sr_error_clear(err);
		return (SR_OK);
	}
	while ((st = sr_reader_next_session(r, &sess)) != SR_EOF) {
		if (st == SR_FATAL || (st == SR_FAILED && nsess++ > 1000000))
			break;
		if (st == SR_FAILED) {
			fv_classify(&f, st, sr_reader_error(r), res->chunks);
			continue;
		}
		if (sess->state == SR_STATE_INCOMPLETE &&
		    !(sudo && (sess->have & SR_HAVE_EXIT)))
			vfind(v, SR_VERDICT_OK, "state", -1, -1,
			    "the recorder has not marked the session finished "
			    "(still running, died, or, for sudo, copied "
			    "without its file modes)");
		memset(sum, 0, sizeof(sum));
		while ((es = sr_reader_next_event(r, &ev)) == SR_OK ||
		    es == SR_WARN) {
			res->chunks++;
			if (ev->type == SR_EV_OUTPUT ||
			    ev->type == SR_EV_INPUT) {
				res->bytes += (int64_t)ev->len;
				if ((unsigned)ev->stream < nitems(sum))
					sum[ev->stream] += ev->len;
			}
			res->valid_seq = res->chunks;
			res->valid_t_ns = ev->t_ns;
			if (ev->loc.offset >= 0)
				res->valid_offset = ev->loc.offset;
		}
		if (es == SR_FATAL) {
			st = SR_FATAL;
			break;
		}
		if (es != SR_EOF)
			fv_classify(&f, es, sr_reader_error(r), res->chunks);
		else if (sudo && (st = fv_sudo(&f, r, sess, sum)) != SR_OK)
			break;
	}
	if (st == SR_FATAL) {
		*err = *sr_reader_error(r);
		sr_reader_close(r);
		return (SR_FATAL);
	}
	sr_reader_close(r);
	if (f.ioerr) {
		*err = f.io;
		return (SR_FAILED);
	}
	return (SR_OK);
}

/*
 * ---- Archive manifests. ----
 *
 * An archive written by "sessrec archive" holds SESSREC-MANIFEST
 * (lib/manifest.h): every member with its size and SHA-256, signed with
 * the host key.  Each recording verified inside such an archive is also
 * checked against it: the signature (by a trusted key when a trust store
 * is given; without one a signature that fails even with the key it
 * names is still a contradiction), its own members, and, by the
 * recording that owns the first listed member still present (so once
 * per archive), the whole archive read in order: members added, removed,
 * changed or reordered.  Every failure is TAMPERED and names the member.
 */

int
sr_manifest_trusted(const struct sr_manifest *m, const struct sr_trust *t,
    struct sr_error *err)
{
	const struct tkey *k;
	char hex[17];

	sr_error_clear(err);
	if (!m->signed_)
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
		    "archive manifest is not signed"));
	(void)sr_manifest_key_hex(m, hex);
	if ((k = trust_find(t, m->key_id)) == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
		    "archive manifest signed by key %s, which is not trusted",
		    hex));
	if ((k->not_before != 0 && m->created_ns < k->not_before) ||
	    (k->not_after != 0 && m->created_ns > k->not_after))
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
		    "key %s was not valid when the archive manifest was "
		    "made",
		    hex));
	if (!sr_manifest_sig_ok(m, k->pk))
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
		    "archive manifest signature does not verify with key %s",
		    hex));
	return (SR_OK);
}

static void
vm_problem(void *arg, const char *member, const char *msg)
{
	struct vctx *v = arg;
	struct sr_loc loc;

	sr_loc_clear(&loc);
	sr_loc_set_member(&loc, member[0] != '\0' ? member : SR_MANIFEST_NAME);
	vfind_loc(v, SR_VERDICT_TAMPERED, "manifest", -1, &loc, "%s", msg);
}

/* Whether archive member name is a file of the recording rooted at root. */
static int
vm_belongs(const char *name, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(name, root) == 0)
		return (1);
	if (n == 0)
		return (strchr(name, '/') == NULL);
	return (strncmp(name, root, n) == 0 && name[n] == '/' &&
	    strchr(name + n + 1, '/') == NULL);
}

/* One member of this recording against its manifest entry. */
static void
vm_member(struct vctx *v, struct sr_input *in,
    const struct sr_manifest_member *mb)
{
	unsigned char sha[SR_HASH_LEN];
	struct sr_error e;
	int64_t size;

	if (sr_input_find(in, mb->name) == NULL) {
		vm_problem(v, mb->name, "listed in the manifest but missing");
		return;
	}
	sr_error_clear(&e);
	if (sr_manifest_hash_member(in, mb->name, sha, &size, &e) != SR_OK)
		vm_problem(v, mb->name, "cannot be read to check its hash");
	else if (size != mb->size) {
		char msg[128];

		(void)snprintf(msg, sizeof(msg),
		    "size %lld differs from %lld in the manifest",
		    (long long)size, (long long)mb->size);
		vm_problem(v, mb->name, msg);
	} else if (memcmp(sha, mb->sha256, SR_HASH_LEN) != 0)
		vm_problem(v, mb->name, "SHA-256 differs from the manifest");
}

/* The whole archive through the input, when it is not a file to reread. */
static void
vm_input_set(struct vctx *v, struct sr_input *in, const struct sr_manifest *m)
{
	size_t i;

	for (i = 0; i < sr_input_nmembers(in); i++) {
		const struct sr_member *im = sr_input_member(in, i);

		if (strcmp(im->name, SR_MANIFEST_NAME) != 0 &&
		    sr_manifest_find(m, im->name) < 0)
			vm_problem(v, im->name, "not in the manifest");
	}
	for (i = 0; i < m->nmembers; i++)
		vm_member(v, in, &m->members[i]);
}

static void
verify_manifest(struct vctx *v, struct sr_ctx *ctx, struct sr_input *in,
    const char *member)
{
	struct sr_manifest *m = NULL;
	struct sr_error e;
	struct sr_loc loc;
	ssize_t ri;
	size_t i, first;
	int st, fd;

	if (sr_input_kind(in) != SR_INPUT_ARCHIVE)
		return;
	sr_error_clear(&e);
	if ((st = sr_manifest_load_input(in, &m, &e)) == SR_EOF)
		return;
	sr_loc_clear(&loc);
	sr_loc_set_member(&loc, SR_MANIFEST_NAME);
	if (st != SR_OK) {
		if (e.loc.member[0] == '\0')
			e.loc = loc;
		vfind_loc(v, SR_VERDICT_TAMPERED, "manifest", -1, &e.loc,
		    "archive manifest cannot be used: %s", e.msg);
		return;
	}
	if (sr_trust_count(v->trust) > 0) {
		if (sr_manifest_trusted(m, v->trust, &e) != SR_OK)
			vfind_loc(v, SR_VERDICT_TAMPERED, "manifest-sig", -1,
			    &loc, "%s", e.msg);
	} else if (m->signed_ && !sr_manifest_sig_ok(m, m->pk))
		vfind_loc(v, SR_VERDICT_TAMPERED, "manifest-sig", -1, &loc,
		    "archive manifest signature does not verify with the "
		    "key it names");

	ri = sr_manifest_find_rec(m, member);
	if (ri < 0)
		vfind(v, SR_VERDICT_TAMPERED, "manifest", -1, -1,
		    "recording is not in the archive manifest");
	for (first = 0; first < m->nmembers; first++)
		if (sr_input_find(in, m->members[first].name) != NULL)
			break;
	if (ri >= 0 && first < m->nmembers &&
	    m->members[first].rec == (size_t)ri) {
		/* The whole archive, in its own order. */
		fd = open(sr_input_path(in), O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			vm_input_set(v, in, m);
		} else {
			sr_error_clear(&e);
			st = sr_manifest_check_archive(ctx, fd,
			    sr_input_path(in), NULL, NULL, vm_problem, v, &e);
			close(fd);
			if (st < SR_WARN)
				vfind_loc(v, SR_VERDICT_TAMPERED, "manifest",
				    -1, &loc, "archive cannot be checked: %s",
				    e.msg);
		}
	} else if (ri >= 0) {
		for (i = 0; i < m->nmembers; i++)
			if (m->members[i].rec == (size_t)ri)
				vm_member(v, in, &m->members[i]);
	}
	/* This recording's files in the archive must all be listed. */
	for (i = 0; ri >= 0 && i < sr_input_nmembers(in); i++) {
		const struct sr_member *im = sr_input_member(in, i);

		if (vm_belongs(im->name, member) &&
		    sr_manifest_find(m, im->name) < 0 &&
		    !(first < m->nmembers &&
			m->members[first].rec == (size_t)ri))
			vm_problem(v, im->name, "not in the manifest");
	}
	sr_manifest_free(m);
}

/* ---- End of archive manifests. ---- */

int
sr_verify(struct sr_ctx *ctx, struct sr_input *in, const char *member,
    const struct sr_format *fmt, const struct sr_trust *trust,
    const char *witness, size_t witness_len, unsigned flags,
    struct sr_verify_result *res, struct sr_error *err)
{
	const struct sr_member *m;
	struct vctx v;
	int bid, ret;

	(void)flags; /* --require-seal is the caller's exit status */
	sr_error_clear(err);
	memset(res, 0, sizeof(*res));
	res->valid_seq = res->valid_t_ns = res->valid_offset = -1;
	if (ctx == NULL || in == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no context or input"));
	if (member == NULL)
		member = "";
	/* A plain file is a container of one member. */
	if (member[0] == '\0' && sr_input_kind(in) == SR_INPUT_FILE &&
	    sr_input_nmembers(in) == 1 && (m = sr_input_member(in, 0)) != NULL)
		member = m->name;
	memset(&v, 0, sizeof(v));
	v.res = res;
	v.trust = trust;
	(void)strlcpy(v.member, member, sizeof(v.member));
	if (fmt == NULL && (fmt = sr_probe_member(in, member, &bid)) == NULL) {
		res->format = "?";
		res->verdict = SR_VERDICT_CORRUPT;
		vfind(&v, SR_VERDICT_CORRUPT, "format", -1, -1,
		    "not a recording of any known format");
		return (SR_OK);
	}
	res->format = sr_format_name(fmt);
	if (fmt == &sr_fmt_native)
		ret = verify_native(&v, in, member, witness, witness_len, err);
	else
		ret = verify_foreign(&v, ctx, in, member, fmt, err);
	/* Added by archive (issue 8). */
	if (ret == SR_OK && !(flags & SR_VERIFY_NO_MANIFEST))
		verify_manifest(&v, ctx, in, member);
	vfind_sort(res);
	return (ret);
}
