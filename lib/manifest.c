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
 * Archive manifests: the signed list of what an archive holds
 * (manifest.h has the layout), and the archive writer and sequential
 * checker, the only code besides lib/input/input-archive.c that calls
 * libarchive.  Writing and checking stream: memory stays fixed whatever
 * the size of the recordings (one 64 KiB copy buffer, the manifest).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sodium.h>

#include "compat.h"
#include "json.h"
#include "manifest.h"
#include "seal.h"
#include "sr-private.h"

#define COPY_CHUNK (64 * 1024)
/* Appends a string literal (or a choice of two). */
#define LIT(b, s) sr_buf_append((b), (s), strlen(s))
/* The signature line is short; anything longer is not ours. */
#define SIGLINE_MAX 1024

struct sr_manifest *
sr_manifest_new(void)
{
	struct sr_manifest *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->version = SR_MANIFEST_VERSION;
	return (m);
}

static void
rec_free(struct sr_manifest_rec *r)
{
	size_t j;

	for (j = 0; j < r->nsess; j++)
		free(r->sess[j].id);
	free(r->sess);
	free(r->root);
	free(r->format);
}

void
sr_manifest_free(struct sr_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrecs; i++)
		rec_free(&m->recs[i]);
	free(m->recs);
	for (i = 0; i < m->nmembers; i++) {
		free(m->members[i].name);
		free(m->members[i].orig);
	}
	free(m->members);
	free(m->host);
	free(m->body);
	free(m);
}

/* Grows an array of n elements to hold one more; 0 or -1. */
static int
grow(void *pp, size_t *cap, size_t n, size_t size)
{
	void **p = pp, *np;
	size_t ncap;

	if (n < *cap)
		return (0);
	ncap = *cap ? *cap * 2 : 16;
	if ((np = sr_reallocarray(*p, ncap, size)) == NULL)
		return (-1);
	*p = np;
	*cap = ncap;
	return (0);
}

int
sr_manifest_add_rec(struct sr_manifest *m, const char *root, const char *format,
    size_t *idx)
{
	struct sr_manifest_rec *r;

	if (grow(&m->recs, &m->recs_cap, m->nrecs, sizeof(*m->recs)) != 0)
		return (SR_FATAL);
	r = &m->recs[m->nrecs];
	memset(r, 0, sizeof(*r));
	r->root = sr_strdup(root);
	r->format = sr_strdup(format != NULL ? format : "?");
	if (r->root == NULL || r->format == NULL) {
		free(r->root);
		free(r->format);
		return (SR_FATAL);
	}
	r->verdict = SR_VERDICT_CONSISTENT;
	*idx = m->nrecs++;
	return (SR_OK);
}

void
sr_manifest_drop_rec(struct sr_manifest *m)
{
	if (m->nrecs > 0)
		rec_free(&m->recs[--m->nrecs]);
}

int
sr_manifest_add_session(struct sr_manifest *m, size_t rec, const char *id,
    int have_start, int64_t start_ns, int have_end, int64_t end_ns)
{
	struct sr_manifest_rec *r = &m->recs[rec];
	struct sr_manifest_session *s;
	size_t cap = r->nsess;

	/* Sessions are few: grow by one, exactly. */
	if ((s = sr_reallocarray(r->sess, cap + 1, sizeof(*s))) == NULL)
		return (SR_FATAL);
	r->sess = s;
	s = &r->sess[r->nsess];
	memset(s, 0, sizeof(*s));
	if (id != NULL && (s->id = sr_strdup(id)) == NULL)
		return (SR_FATAL);
	s->have_start = have_start != 0;
	s->start_ns = have_start ? start_ns : 0;
	s->have_end = have_end != 0;
	s->end_ns = have_end ? end_ns : 0;
	r->nsess++;
	return (SR_OK);
}

int
sr_manifest_add_member(struct sr_manifest *m, size_t rec,
    const struct sr_manifest_member *src)
{
	struct sr_manifest_member *d;

	if (grow(&m->members, &m->members_cap, m->nmembers,
		sizeof(*m->members)) != 0)
		return (SR_FATAL);
	d = &m->members[m->nmembers];
	*d = *src;
	d->rec = rec;
	d->name = sr_strdup(src->name);
	d->orig = sr_strdup(src->orig != NULL ? src->orig : "");
	if (d->name == NULL || d->orig == NULL) {
		free(d->name);
		free(d->orig);
		return (SR_FATAL);
	}
	m->nmembers++;
	return (SR_OK);
}

static int
member_cmp(const void *a, const void *b)
{
	const struct sr_manifest_member *x = a, *y = b;

	return (strcmp(x->name, y->name));
}

int
sr_manifest_sort(struct sr_manifest *m, struct sr_error *err)
{
	size_t i;

	if (m->nmembers > 1)
		qsort(m->members, m->nmembers, sizeof(*m->members), member_cmp);
	for (i = 1; i < m->nmembers; i++)
		if (strcmp(m->members[i - 1].name, m->members[i].name) == 0)
			return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL,
			    NULL, "two files would be archived as '%s'",
			    m->members[i].name));
	return (SR_OK);
}

ssize_t
sr_manifest_find(const struct sr_manifest *m, const char *name)
{
	size_t lo = 0, hi = m->nmembers, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, m->members[mid].name);
		if (c == 0)
			return ((ssize_t)mid);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (-1);
}

ssize_t
sr_manifest_find_rec(const struct sr_manifest *m, const char *root)
{
	size_t i;

	for (i = 0; i < m->nrecs; i++)
		if (strcmp(m->recs[i].root, root) == 0)
			return ((ssize_t)i);
	return (-1);
}

/*
 * Encoding.
 */

/*
 * Standard base64 with padding (sr_base64_decode() reads it back), of
 * at most a signature's bytes: the public key or the signature.
 */
static int
b64_put(struct sr_buf *b, const unsigned char *p, size_t n)
{
	char q[sodium_base64_ENCODED_LEN(SR_SIG_LEN,
	    sodium_base64_VARIANT_ORIGINAL)];

	if (n > SR_SIG_LEN)
		return (SR_E_LIMIT);
	(void)sodium_bin2base64(q, sizeof(q), p, n,
	    sodium_base64_VARIANT_ORIGINAL);
	return (LIT(b, q));
}

static int
put_str(struct sr_buf *b, const char *s)
{
	if (s == NULL)
		return (LIT(b, "null"));
	return (sr_str_json(b, s, strlen(s)));
}

static int
put_opt_i64(struct sr_buf *b, int have, int64_t v)
{
	if (!have)
		return (LIT(b, "null"));
	return (sr_buf_printf(b, "%" PRId64, v));
}

static int
encode_body(const struct sr_manifest *m, const char *key_hex, struct sr_buf *b)
{
	char iso[64], hex[65];
	size_t i, j;
	int r;

	(void)sr_time_format_iso_ms(m->created_ns, iso, sizeof(iso));
	r = sr_buf_printf(b,
	    "{\"sessrec_manifest\":%d,\"created\":\"%s\",\"created_ns\":"
	    "%" PRId64 ",\"host\":",
	    m->version, iso, m->created_ns);
	r |= put_str(b, m->host);
	r |= LIT(b, ",\"key_id\":");
	r |= put_str(b, key_hex);
	r |= LIT(b, ",\"recordings\":[");
	for (i = 0; i < m->nrecs && r == SR_E_NONE; i++) {
		const struct sr_manifest_rec *rec = &m->recs[i];

		r |= LIT(b, i ? ",{\"root\":" : "{\"root\":");
		r |= put_str(b, rec->root);
		r |= LIT(b, ",\"format\":");
		r |= put_str(b, rec->format);
		r |= sr_buf_printf(b,
		    ",\"verdict\":\"%s\",\"end_ns\":%" PRId64 ",\"sessions\":[",
		    sr_verdict_name(rec->verdict), rec->end_ns);
		for (j = 0; j < rec->nsess && r == SR_E_NONE; j++) {
			const struct sr_manifest_session *s = &rec->sess[j];

			r |= LIT(b, j ? ",{\"id\":" : "{\"id\":");
			r |= put_str(b, s->id);
			r |= LIT(b, ",\"start_ns\":");
			r |= put_opt_i64(b, s->have_start, s->start_ns);
			r |= LIT(b, ",\"end_ns\":");
			r |= put_opt_i64(b, s->have_end, s->end_ns);
			r |= sr_buf_putc(b, '}');
		}
		r |= LIT(b, "]}");
	}
	r |= LIT(b, "],\"members\":[");
	for (i = 0; i < m->nmembers && r == SR_E_NONE; i++) {
		const struct sr_manifest_member *mb = &m->members[i];

		r |= LIT(b, i ? ",{\"name\":" : "{\"name\":");
		r |= put_str(b, mb->name);
		r |= LIT(b, ",\"orig\":");
		r |= put_str(b, mb->orig);
		sr_hex_encode(hex, mb->sha256, sizeof(mb->sha256));
		r |= sr_buf_printf(b,
		    ",\"size\":%" PRId64 ",\"sha256\":\"%s\",\"mode\":\"%04o\""
		    ",\"mtime_ns\":%" PRId64 ",\"recording\":%zu}",
		    mb->size, hex, (unsigned)(mb->mode & 07777), mb->mtime_ns,
		    mb->rec);
	}
	r |= LIT(b, "]}");
	return (r);
}

int
sr_manifest_encode(struct sr_manifest *m, const struct sr_key *key,
    struct sr_buf *out, struct sr_error *err)
{
	struct sr_buf body;
	char kid[17];
	unsigned char sig[SR_SIG_LEN];
	int r, st;

	sr_error_clear(err);
	if (key != NULL)
		(void)sr_key_id_hex(key, kid);
	sr_buf_init(&body, SR_MANIFEST_MAX);
	if ((r = encode_body(m, key != NULL ? kid : NULL, &body)) !=
	    SR_E_NONE) {
		sr_buf_release(&body);
		return (sr_error_set(err, SR_FAILED,
		    r == SR_E_NOMEM ? SR_E_NOMEM : SR_E_LIMIT, NULL, NULL,
		    "manifest larger than %u MiB", SR_MANIFEST_MAX >> 20));
	}
	if (key != NULL) {
		unsigned char digest[SR_HASH_LEN];

		/* The signer takes short messages: sign the body's hash. */
		sr_sha256(digest, body.data, body.len);
		if ((st = sr_key_sign(key, SR_DOMAIN_MANIFEST, digest,
			 sizeof(digest), sig, err)) != SR_OK) {
			sr_buf_release(&body);
			return (st);
		}
	}
	r = sr_buf_append(out, body.data, body.len);
	r |= sr_buf_putc(out, '\n');
	if (key != NULL) {
		r |= sr_buf_printf(out,
		    "{\"sig\":\"ed25519\",\"key_id\":\"%s\",\"public_key\":\"",
		    kid);
		r |= b64_put(out, sr_key_public(key), SR_PK_LEN);
		r |= LIT(out, "\",\"signature\":\"");
		r |= b64_put(out, sig, sizeof(sig));
		r |= LIT(out, "\"}\n");
	}
	if (r != SR_E_NONE) {
		sr_buf_release(&body);
		return (sr_error_set(err, SR_FAILED, SR_E_NOMEM, NULL, NULL,
		    "manifest does not fit in memory"));
	}
	free(m->body);
	m->body = sr_buf_detach(&body, &m->body_len);
	m->signed_ = key != NULL;
	if (key != NULL) {
		memcpy(m->key_id, sr_key_id(key), sizeof(m->key_id));
		memcpy(m->pk, sr_key_public(key), sizeof(m->pk));
		memcpy(m->sig, sig, sizeof(m->sig));
	}
	return (SR_OK);
}

/*
 * Parsing.
 */

struct mp {
	struct sr_error *err;
	struct sr_loc loc;
};

static int mp_fail(struct mp *, const char *, ...) SR_PRINTF(2, 3);

static int
mp_fail(struct mp *p, const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = sr_error_vset(p->err, SR_FAILED, SR_E_FORMAT, NULL, &p->loc, fmt,
	    ap);
	va_end(ap);
	return (st);
}

/* A string value (NUL-free, jansson checked UTF-8); SR_EOF for null. */
static int
get_str(struct mp *p, const json_t *o, const char *key, int nullable,
    char **out)
{
	const char *s;
	size_t len;
	int st;

	*out = NULL;
	st = sr_json_get_str(o, key, &s, &len, &p->loc, p->err);
	if (st == SR_EOF) {
		if (nullable)
			return (SR_OK);
		return (mp_fail(p, "key '%s' is missing", key));
	}
	if (st != SR_OK)
		return (st);
	if (memchr(s, '\0', len) != NULL)
		return (mp_fail(p, "key '%s' holds a NUL byte", key));
	if ((*out = sr_strndup(s, len)) == NULL)
		return (sr_error_set(p->err, SR_FAILED, SR_E_NOMEM, NULL,
		    &p->loc, "out of memory"));
	return (SR_OK);
}

static int
get_i64(struct mp *p, const json_t *o, const char *key, int64_t min,
    int nullable, int *have, int64_t *v)
{
	int st;

	*v = 0;
	st = sr_json_get_int(o, key, min, INT64_MAX, v, &p->loc, p->err);
	if (st == SR_EOF) {
		if (!nullable)
			return (mp_fail(p, "key '%s' is missing", key));
		if (have != NULL)
			*have = 0;
		return (SR_OK);
	}
	if (st == SR_OK && have != NULL)
		*have = 1;
	return (st);
}

/* A normalized archive name: no leading '/', no empty, "." or "..". */
static int
name_ok(const char *s)
{
	const char *p = s, *q;
	size_t l;

	if (*s == '\0' || strlen(s) > 4096)
		return (0);
	for (;;) {
		q = strchr(p, '/');
		l = q != NULL ? (size_t)(q - p) : strlen(p);
		if (l == 0 || (l == 1 && p[0] == '.') ||
		    (l == 2 && p[0] == '.' && p[1] == '.'))
			return (0);
		if (q == NULL)
			return (1);
		p = q + 1;
	}
}

static int
parse_verdict(const char *s, enum sr_verdict *v)
{
	int i;

	for (i = SR_VERDICT_OK; i <= SR_VERDICT_TAMPERED; i++)
		if (strcmp(s, sr_verdict_name((enum sr_verdict)i)) == 0) {
			*v = (enum sr_verdict)i;
			return (0);
		}
	return (-1);
}

/* Lower-case hex only: the writer's form, so one text per hash. */
static int
unhex(const char *s, unsigned char *out, size_t n)
{
	if (strpbrk(s, "ABCDEF") != NULL)
		return (-1);
	return (sr_hex_decode(s, strlen(s), out, n));
}

static int
parse_recs(struct mp *p, struct sr_manifest *m, const json_t *arr, size_t max)
{
	size_t i, j, idx;
	int64_t v;
	int st;

	if (json_array_size(arr) > max)
		return (sr_error_set(p->err, SR_FAILED, SR_E_LIMIT, NULL,
		    &p->loc, "more than %zu recordings", max));
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i), *sess;
		struct sr_manifest_rec *r;
		char *root = NULL, *fmt = NULL, *vd = NULL;

		if (!json_is_object(o))
			return (
			    mp_fail(p, "recording %zu is not an object", i));
		if ((st = get_str(p, o, "root", 0, &root)) != SR_OK ||
		    (st = get_str(p, o, "format", 0, &fmt)) != SR_OK ||
		    (st = get_str(p, o, "verdict", 0, &vd)) != SR_OK) {
			free(root);
			free(fmt);
			return (st);
		}
		st = sr_manifest_add_rec(m, root, fmt, &idx);
		free(root);
		free(fmt);
		if (st != SR_OK) {
			free(vd);
			return (sr_error_set(p->err, SR_FAILED, SR_E_NOMEM,
			    NULL, &p->loc, "out of memory"));
		}
		r = &m->recs[idx];
		st = parse_verdict(vd, &r->verdict);
		free(vd);
		if (st != 0)
			return (
			    mp_fail(p, "recording %zu: unknown verdict", i));
		if ((st = get_i64(p, o, "end_ns", INT64_MIN, 0, NULL, &v)) !=
		    SR_OK)
			return (st);
		r->end_ns = v;
		if ((st = sr_json_get_arr(o, "sessions", (json_t **)&sess,
			 &p->loc, p->err)) != SR_OK)
			return (st == SR_EOF
				? mp_fail(p, "recording %zu: no sessions", i)
				: st);
		if (json_array_size(sess) > max)
			return (sr_error_set(p->err, SR_FAILED, SR_E_LIMIT,
			    NULL, &p->loc, "more than %zu sessions", max));
		for (j = 0; j < json_array_size(sess); j++) {
			const json_t *so = json_array_get(sess, j);
			int64_t s0, e0;
			int hs, he;
			char *id;

			if (!json_is_object(so))
				return (mp_fail(p,
				    "recording %zu: session %zu is not an "
				    "object",
				    i, j));
			if ((st = get_str(p, so, "id", 1, &id)) != SR_OK)
				return (st);
			if ((st = get_i64(p, so, "start_ns", INT64_MIN, 1, &hs,
				 &s0)) != SR_OK ||
			    (st = get_i64(p, so, "end_ns", INT64_MIN, 1, &he,
				 &e0)) != SR_OK) {
				free(id);
				return (st);
			}
			st =
			    sr_manifest_add_session(m, idx, id, hs, s0, he, e0);
			free(id);
			if (st != SR_OK)
				return (
				    sr_error_set(p->err, SR_FAILED, SR_E_NOMEM,
					NULL, &p->loc, "out of memory"));
		}
	}
	return (SR_OK);
}

static int
parse_members(struct mp *p, struct sr_manifest *m, const json_t *arr,
    size_t max)
{
	struct sr_manifest_member mb;
	size_t i;
	int64_t v;
	char *sha = NULL, *mode = NULL, *end;
	unsigned long mv;
	int st;

	if (json_array_size(arr) > max)
		return (sr_error_set(p->err, SR_FAILED, SR_E_LIMIT, NULL,
		    &p->loc, "more than %zu members", max));
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);

		memset(&mb, 0, sizeof(mb));
		if (!json_is_object(o))
			return (mp_fail(p, "member %zu is not an object", i));
		if ((st = get_str(p, o, "name", 0, &mb.name)) != SR_OK ||
		    (st = get_str(p, o, "orig", 0, &mb.orig)) != SR_OK ||
		    (st = get_str(p, o, "sha256", 0, &sha)) != SR_OK ||
		    (st = get_str(p, o, "mode", 0, &mode)) != SR_OK)
			goto fail;
		if (!name_ok(mb.name) ||
		    strcmp(mb.name, SR_MANIFEST_NAME) == 0) {
			st = mp_fail(p, "member %zu: bad name", i);
			goto fail;
		}
		if (m->nmembers > 0 &&
		    strcmp(m->members[m->nmembers - 1].name, mb.name) >= 0) {
			st = mp_fail(p,
			    "member %zu: '%s' is out of order or repeated", i,
			    mb.name);
			goto fail;
		}
		if (unhex(sha, mb.sha256, sizeof(mb.sha256)) != 0) {
			st = mp_fail(p, "member %zu: bad sha256", i);
			goto fail;
		}
		errno = 0;
		mv = strtoul(mode, &end, 8);
		if (*mode < '0' || *mode > '7' || *end != '\0' ||
		    strlen(mode) > 5 || mv > 07777) {
			st = mp_fail(p, "member %zu: bad mode", i);
			goto fail;
		}
		mb.mode = (uint32_t)mv;
		if ((st = get_i64(p, o, "size", 0, 0, NULL, &mb.size)) !=
			SR_OK ||
		    (st = get_i64(p, o, "mtime_ns", INT64_MIN, 0, NULL,
			 &mb.mtime_ns)) != SR_OK ||
		    (st = get_i64(p, o, "recording", 0, 0, NULL, &v)) != SR_OK)
			goto fail;
		if ((uint64_t)v >= m->nrecs) {
			st = mp_fail(p, "member %zu: no recording %" PRId64, i,
			    v);
			goto fail;
		}
		if (sr_manifest_add_member(m, (size_t)v, &mb) != SR_OK) {
			st = sr_error_set(p->err, SR_FAILED, SR_E_NOMEM, NULL,
			    &p->loc, "out of memory");
			goto fail;
		}
		free(mb.name);
		free(mb.orig);
		free(sha);
		free(mode);
		sha = mode = NULL;
	}
	return (SR_OK);
fail:
	free(mb.name);
	free(mb.orig);
	free(sha);
	free(mode);
	return (st);
}

static int
parse_body(struct mp *p, struct sr_manifest *m, const char *buf, size_t len,
    size_t max)
{
	json_t *root = NULL, *a;
	int64_t v;
	int st;

	if ((st = sr_json_parse(buf, len, SR_MANIFEST_MAX,
		 JSON_REJECT_DUPLICATES, &p->loc, &root, p->err)) != SR_OK)
		return (st);
	if (!json_is_object(root)) {
		st = mp_fail(p, "manifest is not a JSON object");
		goto out;
	}
	if ((st = sr_json_get_int(root, "sessrec_manifest", 0, INT32_MAX, &v,
		 &p->loc, p->err)) != SR_OK) {
		if (st == SR_EOF)
			st = mp_fail(p, "not a sessrec manifest");
		goto out;
	}
	if (v != SR_MANIFEST_VERSION) {
		st = sr_error_set(p->err, SR_FAILED, SR_E_UNSUPPORTED, NULL,
		    &p->loc, "manifest version %" PRId64 " is not supported",
		    v);
		goto out;
	}
	m->version = (int)v;
	if ((st = get_i64(p, root, "created_ns", INT64_MIN, 0, NULL,
		 &m->created_ns)) != SR_OK ||
	    (st = get_str(p, root, "host", 1, &m->host)) != SR_OK)
		goto out;
	if ((st = sr_json_get_arr(root, "recordings", &a, &p->loc, p->err)) !=
	    SR_OK) {
		if (st == SR_EOF)
			st = mp_fail(p, "key 'recordings' is missing");
		goto out;
	}
	if ((st = parse_recs(p, m, a, max)) != SR_OK)
		goto out;
	if ((st = sr_json_get_arr(root, "members", &a, &p->loc, p->err)) !=
	    SR_OK) {
		if (st == SR_EOF)
			st = mp_fail(p, "key 'members' is missing");
		goto out;
	}
	st = parse_members(p, m, a, max);
out:
	json_decref(root);
	return (st);
}

static int
parse_sigline(struct mp *p, struct sr_manifest *m, const char *buf, size_t len)
{
	json_t *root = NULL;
	const char *s;
	size_t slen;
	unsigned char id[SR_HASH_LEN];
	ssize_t n;
	int st;

	if ((st = sr_json_parse(buf, len, SIGLINE_MAX, JSON_REJECT_DUPLICATES,
		 &p->loc, &root, p->err)) != SR_OK)
		return (st);
	st = SR_FAILED;
	if (!json_is_object(root)) {
		mp_fail(p, "signature line is not a JSON object");
		goto out;
	}
	if (sr_json_get_str(root, "sig", &s, &slen, &p->loc, p->err) != SR_OK ||
	    slen != 7 || memcmp(s, "ed25519", 7) != 0) {
		mp_fail(p, "signature line: 'sig' is not \"ed25519\"");
		goto out;
	}
	if (sr_json_get_str(root, "key_id", &s, &slen, &p->loc, p->err) !=
		SR_OK ||
	    slen != 16 || unhex(s, m->key_id, sizeof(m->key_id)) != 0) {
		mp_fail(p, "signature line: bad 'key_id'");
		goto out;
	}
	if (sr_json_get_str(root, "public_key", &s, &slen, &p->loc, p->err) !=
		SR_OK ||
	    (n = sr_base64_decode(s, slen, m->pk, sizeof(m->pk))) !=
		(ssize_t)sizeof(m->pk)) {
		mp_fail(p, "signature line: bad 'public_key'");
		goto out;
	}
	if (sr_json_get_str(root, "signature", &s, &slen, &p->loc, p->err) !=
		SR_OK ||
	    (n = sr_base64_decode(s, slen, m->sig, sizeof(m->sig))) !=
		(ssize_t)sizeof(m->sig)) {
		mp_fail(p, "signature line: bad 'signature'");
		goto out;
	}
	/* The id names the key: one that does not is a forgery's mistake. */
	sr_sha256(id, m->pk, sizeof(m->pk));
	if (memcmp(id, m->key_id, sizeof(m->key_id)) != 0) {
		mp_fail(p, "signature line: key_id does not match public_key");
		goto out;
	}
	m->signed_ = 1;
	st = SR_OK;
out:
	json_decref(root);
	return (st);
}

int
sr_manifest_parse(const void *data, size_t len, size_t max_members,
    struct sr_manifest **mp_out, struct sr_error *err)
{
	const char *buf = data, *nl, *rest;
	struct sr_manifest *m;
	struct mp p;
	size_t blen, rlen;
	int st;

	*mp_out = NULL;
	sr_error_clear(err);
	p.err = err;
	sr_loc_clear(&p.loc);
	sr_loc_set_member(&p.loc, SR_MANIFEST_NAME);
	p.loc.line = 1;
	p.loc.offset = 0;
	if (len > SR_MANIFEST_MAX)
		return (sr_error_set(err, SR_FAILED, SR_E_LIMIT, NULL, &p.loc,
		    "manifest larger than %u MiB", SR_MANIFEST_MAX >> 20));
	if ((nl = memchr(buf, '\n', len)) == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_TRUNCATED, NULL,
		    &p.loc, "manifest ends before its first newline"));
	blen = (size_t)(nl - buf);
	if ((m = sr_manifest_new()) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, &p.loc,
		    "out of memory"));
	if ((st = parse_body(&p, m, buf, blen, max_members)) != SR_OK)
		goto fail;
	rest = nl + 1;
	rlen = len - blen - 1;
	p.loc.line = 2;
	p.loc.offset = (int64_t)blen + 1;
	if (rlen > 0) {
		if ((nl = memchr(rest, '\n', rlen)) == NULL) {
			st = sr_error_set(err, SR_FAILED, SR_E_TRUNCATED, NULL,
			    &p.loc, "signature line ends without a newline");
			goto fail;
		}
		if ((size_t)(nl - rest) + 1 != rlen) {
			p.loc.line = 3;
			p.loc.offset += nl - rest + 1;
			st = mp_fail(&p, "bytes after the signature line");
			goto fail;
		}
		if ((st = parse_sigline(&p, m, rest, rlen - 1)) != SR_OK)
			goto fail;
	}
	if ((m->body = sr_strndup(buf, blen)) == NULL) {
		st = sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, &p.loc,
		    "out of memory");
		goto fail;
	}
	m->body_len = blen;
	*mp_out = m;
	return (SR_OK);
fail:
	sr_manifest_free(m);
	return (st < SR_WARN ? st : SR_FAILED);
}

int
sr_manifest_sig_ok(const struct sr_manifest *m, const unsigned char pk[32])
{
	unsigned char digest[SR_HASH_LEN];

	if (m == NULL || !m->signed_ || m->body == NULL)
		return (0);
	sr_sha256(digest, m->body, m->body_len);
	return (sr_sig_check(pk, SR_DOMAIN_MANIFEST, digest, sizeof(digest),
	    m->sig));
}

char *
sr_manifest_key_hex(const struct sr_manifest *m, char buf[17])
{
	if (!m->signed_)
		buf[0] = '\0';
	else
		sr_hex_encode(buf, m->key_id, sizeof(m->key_id));
	return (buf);
}

/*
 * Members of an input.
 */

int
sr_manifest_hash_member(struct sr_input *in, const char *name,
    unsigned char sha[32], int64_t *size, struct sr_error *err)
{
	struct sr_sha256 h;
	struct sr_stream *s;
	unsigned char *buf;
	size_t got;
	int64_t total = 0;
	int st;

	if ((st = sr_stream_open(in, name, SR_OPEN_RAW, &s, err)) != SR_OK)
		return (st);
	if ((buf = malloc(COPY_CHUNK)) == NULL) {
		sr_stream_close(s);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	sr_sha256_init(&h);
	while ((st = sr_stream_read(s, buf, COPY_CHUNK, &got)) == SR_OK &&
	    got > 0) {
		sr_sha256_update(&h, buf, got);
		total += (int64_t)got;
	}
	sr_sha256_final(&h, sha);
	if (st != SR_OK)
		*err = *sr_stream_error(s);
	sr_stream_close(s);
	free(buf);
	*size = total;
	return (st);
}

int
sr_manifest_load_input(struct sr_input *in, struct sr_manifest **mp,
    struct sr_error *err)
{
	struct sr_stream *s;
	struct sr_buf b;
	char chunk[COPY_CHUNK];
	size_t got;
	int st;

	*mp = NULL;
	sr_error_clear(err);
	if (sr_input_find(in, SR_MANIFEST_NAME) == NULL)
		return (SR_EOF);
	if ((st = sr_stream_open(in, SR_MANIFEST_NAME, SR_OPEN_RAW, &s, err)) !=
	    SR_OK)
		return (st);
	sr_buf_init(&b, SR_MANIFEST_MAX);
	while ((st = sr_stream_read(s, chunk, sizeof(chunk), &got)) == SR_OK &&
	    got > 0) {
		if (sr_buf_append(&b, chunk, got) != SR_E_NONE) {
			st = sr_error_set(err, SR_FAILED, SR_E_LIMIT,
			    sr_input_path(in), NULL,
			    "manifest larger than %u MiB",
			    SR_MANIFEST_MAX >> 20);
			break;
		}
	}
	if (st == SR_OK) {
		st = sr_manifest_parse(b.data, b.len,
		    (size_t)sr_ctx_limit(sr_input_ctx(in), SR_LIMIT_MEMBERS),
		    mp, err);
		if (st != SR_OK)
			(void)strlcpy(err->path, sr_input_path(in),
			    sizeof(err->path));
	} else if (err->cat == SR_E_NONE)
		*err = *sr_stream_error(s);
	sr_stream_close(s);
	sr_buf_release(&b);
	return (st);
}

/*
 * The sequential check of a whole archive file.
 */

struct seen {
	char *name;
	int64_t size;
	unsigned char sha[32];
};

static void problem(sr_manifest_problem_fn, void *, const char *, const char *,
    ...) SR_PRINTF(4, 5);

static void
problem(sr_manifest_problem_fn fn, void *arg, const char *member,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fn != NULL)
		fn(arg, member, msg);
}

static void
seen_free(struct seen *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].name);
	free(s);
}

int
sr_manifest_check_archive(struct sr_ctx *ctx, int fd, const char *path,
    const struct sr_buf *want, struct sr_manifest **got,
    sr_manifest_problem_fn fn, void *arg, struct sr_error *err)
{
	struct archive *a;
	struct archive_entry *e;
	struct seen *seen = NULL;
	struct sr_manifest *m = NULL;
	struct sr_buf mbuf;
	struct sr_sha256 h;
	unsigned char *buf = NULL;
	size_t nseen = 0, cap = 0, i, k, max;
	ssize_t n, last = -1;
	char *met = NULL;
	int r, st = SR_OK, nprob = 0, have_manifest = 0, after = 0;
	const char *name;

	sr_error_clear(err);
	if (got != NULL)
		*got = NULL;
	max = (size_t)sr_ctx_limit(ctx, SR_LIMIT_MEMBERS);
	sr_buf_init(&mbuf, SR_MANIFEST_MAX);
	if ((a = archive_read_new()) == NULL ||
	    (buf = malloc(COPY_CHUNK)) == NULL) {
		archive_read_free(a);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	}
	/* Only what the writer makes: a tar, through zstd or nothing. */
	archive_read_support_format_tar(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_none(a);
	if (lseek(fd, 0, SEEK_SET) != 0 ||
	    archive_read_open_fd(a, fd, COPY_CHUNK) != ARCHIVE_OK) {
		st = sr_error_set(err, SR_FAILED, SR_E_FORMAT, path, NULL,
		    "not a tar archive: %s",
		    archive_error_string(a) ? archive_error_string(a)
					    : strerror(errno));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		int is_manifest;

		name = archive_entry_pathname_utf8(e);
		if (name == NULL)
			name = archive_entry_pathname(e);
		if (name == NULL)
			name = "";
		if (archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_hardlink(e) != NULL ||
		    archive_entry_symlink(e) != NULL) {
			problem(fn, arg, name, "not a regular file");
			nprob++;
			continue;
		}
		is_manifest = strcmp(name, SR_MANIFEST_NAME) == 0;
		if (have_manifest && !after) {
			problem(fn, arg, name,
			    "archive member after the "
			    "manifest");
			nprob++;
			after = 1;
		}
		if (is_manifest && have_manifest) {
			problem(fn, arg, name, "a second manifest");
			nprob++;
			continue;
		}
		if (!is_manifest && nseen >= max) {
			st = sr_error_set(err, SR_FAILED, SR_E_LIMIT, path,
			    NULL, "more than %zu members", max);
			goto out;
		}
		if (!is_manifest && nseen == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct seen *ns;

			if ((ns = sr_reallocarray(seen, ncap, sizeof(*ns))) ==
			    NULL) {
				st = sr_error_set(err, SR_FATAL, SR_E_NOMEM,
				    path, NULL, "out of memory");
				goto out;
			}
			seen = ns;
			cap = ncap;
		}
		if (!is_manifest) {
			memset(&seen[nseen], 0, sizeof(seen[0]));
			if ((seen[nseen].name = sr_strdup(name)) == NULL) {
				st = sr_error_set(err, SR_FATAL, SR_E_NOMEM,
				    path, NULL, "out of memory");
				goto out;
			}
		}
		if (!is_manifest)
			sr_sha256_init(&h);
		while ((n = archive_read_data(a, buf, COPY_CHUNK)) > 0) {
			if (!is_manifest) {
				sr_sha256_update(&h, buf, (size_t)n);
				seen[nseen].size += n;
			} else if (sr_buf_append(&mbuf, buf, (size_t)n) !=
			    SR_E_NONE) {
				st = sr_error_set(err, SR_FAILED, SR_E_LIMIT,
				    path, NULL, "manifest larger than %u MiB",
				    SR_MANIFEST_MAX >> 20);
				goto out;
			}
		}
		if (is_manifest)
			have_manifest = 1;
		else
			sr_sha256_final(&h, seen[nseen++].sha);
		if (n < 0) {
			st = sr_error_set(err, SR_FAILED, SR_E_FORMAT, path,
			    NULL, "member '%s' cannot be read: %s", name,
			    archive_error_string(a) ? archive_error_string(a)
						    : "read error");
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		st = sr_error_set(err, SR_FAILED, SR_E_FORMAT, path, NULL,
		    "archive cannot be read: %s",
		    archive_error_string(a) ? archive_error_string(a)
					    : "read error");
		goto out;
	}
	if (!have_manifest) {
		st = sr_error_set(err, SR_FAILED, SR_E_FORMAT, path, NULL,
		    "no %s member", SR_MANIFEST_NAME);
		goto out;
	}
	if (want != NULL &&
	    (want->len != mbuf.len ||
		memcmp(want->data, mbuf.data, mbuf.len) != 0)) {
		problem(fn, arg, SR_MANIFEST_NAME,
		    "manifest differs from the one written");
		nprob++;
	}
	if ((st = sr_manifest_parse(mbuf.data, mbuf.len, max, &m, err)) !=
	    SR_OK) {
		(void)strlcpy(err->path, path, sizeof(err->path));
		goto out;
	}
	/*
	 * The manifest is sorted by name and the writer follows it, so the
	 * listed members must come in increasing order; what is not listed
	 * was added, what was never met is missing.
	 */
	if ((met = calloc(m->nmembers + 1, 1)) == NULL) {
		st = sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory");
		goto out;
	}
	for (i = 0; i < nseen; i++) {
		ssize_t x = sr_manifest_find(m, seen[i].name);
		const struct sr_manifest_member *mb;

		if (x < 0) {
			problem(fn, arg, seen[i].name, "not in the manifest");
			nprob++;
			continue;
		}
		mb = &m->members[x];
		if (met[x]) {
			problem(fn, arg, mb->name, "archived twice");
			nprob++;
			continue;
		}
		met[x] = 1;
		if (last >= 0 && x < last) {
			problem(fn, arg, mb->name,
			    "out of the manifest's order");
			nprob++;
		} else
			last = x;
		if (seen[i].size != mb->size) {
			problem(fn, arg, mb->name,
			    "size %" PRId64 " differs from %" PRId64
			    " in the manifest",
			    seen[i].size, mb->size);
			nprob++;
		} else if (memcmp(seen[i].sha, mb->sha256,
			       sizeof(mb->sha256)) != 0) {
			problem(fn, arg, mb->name,
			    "SHA-256 differs from the manifest");
			nprob++;
		}
	}
	for (k = 0; k < m->nmembers; k++)
		if (!met[k]) {
			problem(fn, arg, m->members[k].name,
			    "listed in the manifest but missing");
			nprob++;
		}
	if (got != NULL) {
		*got = m;
		m = NULL;
	}
	st = nprob > 0 ? SR_WARN : SR_OK;
out:
	free(met);
	sr_manifest_free(m);
	seen_free(seen, nseen);
	sr_buf_release(&mbuf);
	free(buf);
	archive_read_free(a);
	return (st);
}

/*
 * The writer.
 */

struct sr_pack {
	struct archive *a;
	struct archive_entry *e;
	unsigned char *buf;
	char *path;
	int fd;
	int broken;
	int64_t written;
};

static int
pack_error(struct sr_pack *p, struct sr_error *err, const char *what)
{
	int en = archive_errno(p->a);
	int st;

	p->broken = 1;
	st = sr_error_set(err, SR_FATAL, SR_E_IO, p->path, NULL, "%s: %s", what,
	    archive_error_string(p->a) ? archive_error_string(p->a)
				       : strerror(en));
	err->errnum = en > 0 ? en : EIO;
	return (st);
}

static la_ssize_t
pack_write(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct sr_pack *p = arg;
	const unsigned char *c = buf;
	size_t off = 0;
	ssize_t w;

	while (off < n) {
		if ((w = write(p->fd, c + off, n - off)) < 0) {
			if (errno == EINTR)
				continue;
			archive_set_error(a, errno, "%s", strerror(errno));
			return (-1);
		}
		off += (size_t)w;
	}
	p->written += (int64_t)n;
	return ((la_ssize_t)n);
}

int
sr_pack_open(int fd, const char *path, int level, struct sr_pack **pp,
    struct sr_error *err)
{
	struct sr_pack *p;
	char opt[64];

	*pp = NULL;
	sr_error_clear(err);
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->path = sr_strdup(path)) == NULL ||
	    (p->buf = malloc(COPY_CHUNK)) == NULL ||
	    (p->a = archive_write_new()) == NULL ||
	    (p->e = archive_entry_new()) == NULL) {
		sr_pack_free(p);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	}
	p->fd = fd;
	/*
	 * pax, restricted: ustar headers unless a name, size or time needs
	 * an extended one, so any tar reads it.
	 */
	if (archive_write_set_format_pax_restricted(p->a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(p->a) != ARCHIVE_OK) {
		sr_error_set(err, SR_FATAL, SR_E_UNSUPPORTED, path, NULL,
		    "libarchive cannot write pax tar with zstd: %s",
		    archive_error_string(p->a));
		sr_pack_free(p);
		return (SR_FATAL);
	}
	/*
	 * Without this libarchive pads the compressed stream with zeros to
	 * a whole block, which zstd readers take for a broken next frame.
	 */
	(void)archive_write_set_bytes_in_last_block(p->a, 1);
	if (level > 0) {
		(void)snprintf(opt, sizeof(opt), "zstd:compression-level=%d",
		    level);
		(void)archive_write_set_options(p->a, opt);
	}
	if (archive_write_open(p->a, p, NULL, pack_write, NULL) != ARCHIVE_OK) {
		int st = pack_error(p, err, "cannot start the archive");

		sr_pack_free(p);
		return (st);
	}
	*pp = p;
	return (SR_OK);
}

static int
pack_header(struct sr_pack *p, const char *name, int64_t size, uint32_t mode,
    int64_t mtime_ns, const struct stat *st, struct sr_error *err)
{
	archive_entry_clear(p->e);
	/* Owners by number only: names may not exist where it is read. */
	if (st != NULL) {
		archive_entry_set_uid(p->e, st->st_uid);
		archive_entry_set_gid(p->e, st->st_gid);
	}
	archive_entry_set_pathname_utf8(p->e, name);
	archive_entry_set_filetype(p->e, AE_IFREG);
	archive_entry_set_perm(p->e, (mode_t)(mode & 07777));
	archive_entry_set_size(p->e, size);
	archive_entry_set_mtime(p->e, (time_t)(mtime_ns / SR_NSEC_PER_SEC),
	    (long)(mtime_ns % SR_NSEC_PER_SEC));
	if (archive_write_header(p->a, p->e) != ARCHIVE_OK)
		return (pack_error(p, err, "cannot write a member header"));
	return (SR_OK);
}

int
sr_pack_add_fd(struct sr_pack *p, const char *name, int fd,
    const struct stat *st, unsigned char sha[32], struct sr_error *err)
{
	struct sr_sha256 h;
	int64_t left = st->st_size;
	ssize_t n;
	int r;

	sr_error_clear(err);
	if (p->broken)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, p->path, NULL,
		    "archive writer failed before"));
	if ((r = pack_header(p, name, st->st_size, (uint32_t)st->st_mode,
		 (int64_t)st->st_mtim.tv_sec * SR_NSEC_PER_SEC +
		     st->st_mtim.tv_nsec,
		 st, err)) != SR_OK)
		return (r);
	sr_sha256_init(&h);
	/* One byte more than announced tells a file that grew. */
	while ((n = read(fd, p->buf, COPY_CHUNK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sr_sha256_final(&h, sha);
			r = sr_error_set(err, SR_FATAL, SR_E_IO, p->path, NULL,
			    "cannot read '%s': %s", name, strerror(errno));
			err->errnum = errno;
			p->broken = 1;
			return (r);
		}
		if (n > left) {
			sr_sha256_final(&h, sha);
			p->broken = 1;
			return (sr_error_set(err, SR_FATAL, SR_E_IO, p->path,
			    NULL, "'%s' grew while being archived", name));
		}
		sr_sha256_update(&h, p->buf, (size_t)n);
		if (archive_write_data(p->a, p->buf, (size_t)n) != n) {
			sr_sha256_final(&h, sha);
			return (pack_error(p, err, "cannot write"));
		}
		left -= n;
	}
	sr_sha256_final(&h, sha);
	if (left != 0) {
		p->broken = 1;
		return (sr_error_set(err, SR_FATAL, SR_E_IO, p->path, NULL,
		    "'%s' shrank while being archived", name));
	}
	return (SR_OK);
}

int
sr_pack_add_mem(struct sr_pack *p, const char *name, const void *data,
    size_t len, uint32_t mode, int64_t mtime_ns, struct sr_error *err)
{
	int r;

	sr_error_clear(err);
	if (p->broken)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, p->path, NULL,
		    "archive writer failed before"));
	if ((r = pack_header(p, name, (int64_t)len, mode, mtime_ns, NULL,
		 err)) != SR_OK)
		return (r);
	if (len > 0 && archive_write_data(p->a, data, len) != (ssize_t)len)
		return (pack_error(p, err, "cannot write"));
	return (SR_OK);
}

int
sr_pack_close(struct sr_pack *p, struct sr_error *err)
{
	sr_error_clear(err);
	if (p->broken)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, p->path, NULL,
		    "archive writer failed before"));
	if (archive_write_close(p->a) != ARCHIVE_OK)
		return (pack_error(p, err, "cannot finish the archive"));
	return (SR_OK);
}

int64_t
sr_pack_written(const struct sr_pack *p)
{
	return (p->written);
}

void
sr_pack_free(struct sr_pack *p)
{
	if (p == NULL)
		return;
	if (p->a != NULL)
		archive_write_free(p->a);
	if (p->e != NULL)
		archive_entry_free(p->e);
	free(p->buf);
	free(p->path);
	free(p);
}
