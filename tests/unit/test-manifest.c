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
 * Unit tests for archive manifests (lib/manifest.c) and the manifest
 * check of lib/verify.c: exact encoding, parsing and signatures, a table
 * of tampered manifests, the writer and the sequential archive check
 * with members changed, missing, added and reordered, and sr_verify()
 * on archives built here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "unit.h"
#include "manifest.h"
#include "seal.h"

static const unsigned char seed_a[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
	31, 32 };
static const unsigned char seed_b[32] = { 9 };

static struct sr_key *
key_of(const unsigned char seed[32])
{
	struct sr_key *k;
	struct sr_error err;

	assert_int_equal(sr_key_from_seed(seed, &k, &err), SR_OK);
	return (k);
}

/* A manifest with two recordings (one a directory) and three members. */
static struct sr_manifest *
sample_manifest(void)
{
	struct sr_manifest *m = sr_manifest_new();
	struct sr_manifest_member mb;
	char n1[] = "var/log/tlog/a.json", o1[] = "/var/log/tlog/a.json";
	char n2[] = "var/log/sudo-io/00/00/01/timing",
	     o2[] = "/var/log/sudo-io/00/00/01/timing";
	char n3[] = "var/log/sudo-io/00/00/01/log",
	     o3[] = "/var/log/sudo-io/00/00/01/log";
	size_t r0, r1;

	assert_non_null(m);
	m->created_ns = 1795577800123000000LL;
	m->host = sr_strdup("vm");
	assert_int_equal(sr_manifest_add_rec(m, "var/log/tlog/a.json", "tlog",
			     &r0),
	    SR_OK);
	assert_int_equal(sr_manifest_add_rec(m, "var/log/sudo-io/00/00/01",
			     "sudo", &r1),
	    SR_OK);
	m->recs[r0].verdict = SR_VERDICT_CONSISTENT;
	m->recs[r0].end_ns = 2000;
	m->recs[r1].verdict = SR_VERDICT_OK;
	m->recs[r1].end_ns = 3000;
	assert_int_equal(sr_manifest_add_session(m, r0, "abc", 1, 1000, 1,
			     2000),
	    SR_OK);
	assert_int_equal(sr_manifest_add_session(m, r1, NULL, 0, 0, 0, 0),
	    SR_OK);
	memset(&mb, 0, sizeof(mb));
	mb.name = n1;
	mb.orig = o1;
	mb.size = 5;
	memset(mb.sha256, 0xab, sizeof(mb.sha256));
	mb.mode = 0640;
	mb.mtime_ns = 7;
	assert_int_equal(sr_manifest_add_member(m, r0, &mb), SR_OK);
	mb.name = n2;
	mb.orig = o2;
	mb.mode = 0440;
	assert_int_equal(sr_manifest_add_member(m, r1, &mb), SR_OK);
	mb.name = n3;
	mb.orig = o3;
	mb.size = 0;
	mb.mode = 0600;
	assert_int_equal(sr_manifest_add_member(m, r1, &mb), SR_OK);
	return (m);
}

static const char sample_body[] =
    "{\"sessrec_manifest\":1,\"created\":\"2026-11-25T03:36:40.123Z\","
    "\"created_ns\":1795577800123000000,\"host\":\"vm\",\"key_id\":null,"
    "\"recordings\":[{\"root\":\"var/log/tlog/a.json\",\"format\":\"tlog\","
    "\"verdict\":\"CONSISTENT\",\"end_ns\":2000,\"sessions\":[{\"id\":"
    "\"abc\",\"start_ns\":1000,\"end_ns\":2000}]},{\"root\":"
    "\"var/log/sudo-io/00/00/01\",\"format\":\"sudo\",\"verdict\":\"OK\","
    "\"end_ns\":3000,\"sessions\":[{\"id\":null,\"start_ns\":null,"
    "\"end_ns\":null}]}],\"members\":[{\"name\":"
    "\"var/log/sudo-io/00/00/01/log\",\"orig\":"
    "\"/var/log/sudo-io/00/00/01/log\",\"size\":0,\"sha256\":"
    "\"abababababababababababababababababababababababababababababababab\","
    "\"mode\":\"0600\",\"mtime_ns\":7,\"recording\":1},{\"name\":"
    "\"var/log/sudo-io/00/00/01/timing\",\"orig\":"
    "\"/var/log/sudo-io/00/00/01/timing\",\"size\":5,\"sha256\":"
    "\"abababababababababababababababababababababababababababababababab\","
    "\"mode\":\"0440\",\"mtime_ns\":7,\"recording\":1},{\"name\":"
    "\"var/log/tlog/a.json\",\"orig\":\"/var/log/tlog/a.json\",\"size\":5,"
    "\"sha256\":"
    "\"abababababababababababababababababababababababababababababababab\","
    "\"mode\":\"0640\",\"mtime_ns\":7,\"recording\":0}]}\n";

static void
test_encode_exact(void **state)
{
	struct sr_manifest *m = sample_manifest(), *p;
	struct sr_buf b;
	struct sr_error err;

	(void)state;
	assert_int_equal(sr_manifest_sort(m, &err), SR_OK);
	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_manifest_encode(m, NULL, &b, &err), SR_OK);
	assert_string_equal(b.data, sample_body);
	/* And back: every field. */
	assert_int_equal(sr_manifest_parse(b.data, b.len, 100, &p, &err),
	    SR_OK);
	assert_int_equal(p->signed_, 0);
	assert_int_equal(p->created_ns, m->created_ns);
	assert_string_equal(p->host, "vm");
	assert_int_equal(p->nrecs, 2);
	assert_string_equal(p->recs[1].root, "var/log/sudo-io/00/00/01");
	assert_int_equal(p->recs[1].verdict, SR_VERDICT_OK);
	assert_int_equal(p->recs[0].nsess, 1);
	assert_string_equal(p->recs[0].sess[0].id, "abc");
	assert_int_equal(p->recs[0].sess[0].start_ns, 1000);
	assert_int_equal(p->recs[1].sess[0].have_start, 0);
	assert_null(p->recs[1].sess[0].id);
	assert_int_equal(p->nmembers, 3);
	assert_string_equal(p->members[0].name, "var/log/sudo-io/00/00/01/log");
	assert_int_equal(p->members[0].mode, 0600);
	assert_int_equal(p->members[2].rec, 0);
	assert_int_equal(sr_manifest_find(p, "var/log/tlog/a.json"), 2);
	assert_int_equal(sr_manifest_find(p, "var/log/tlog"), -1);
	assert_int_equal(sr_manifest_find_rec(p, "var/log/sudo-io/00/00/01"),
	    1);
	sr_manifest_free(p);
	sr_manifest_free(m);
	sr_buf_release(&b);
}

static void
test_sign_verify(void **state)
{
	struct sr_key *ka = key_of(seed_a), *kb = key_of(seed_b);
	struct sr_manifest *m = sample_manifest(), *p;
	struct sr_buf b;
	struct sr_error err;
	char hex[17], khex[17];

	(void)state;
	assert_int_equal(sr_manifest_sort(m, &err), SR_OK);
	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_manifest_encode(m, ka, &b, &err), SR_OK);
	assert_int_equal(sr_manifest_parse(b.data, b.len, 100, &p, &err),
	    SR_OK);
	assert_int_equal(p->signed_, 1);
	assert_string_equal(sr_manifest_key_hex(p, hex),
	    sr_key_id_hex(ka, khex));
	assert_int_equal(sr_manifest_sig_ok(p, sr_key_public(ka)), 1);
	assert_int_equal(sr_manifest_sig_ok(p, sr_key_public(kb)), 0);
	/* The body line is what was hashed, byte for byte. */
	assert_int_equal(p->body_len, strchr(b.data, '\n') - b.data);
	assert_memory_equal(p->body, b.data, p->body_len);
	sr_manifest_free(p);
	sr_manifest_free(m);
	sr_buf_release(&b);
	sr_key_free(ka);
	sr_key_free(kb);
}

/* Replaces the first occurrence of from with to; the result is owned. */
static char *
edit(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t n;
	char *r;

	assert_non_null(at);
	n = strlen(s) - strlen(from) + strlen(to);
	r = malloc(n + 1);
	assert_non_null(r);
	memcpy(r, s, (size_t)(at - s));
	memcpy(r + (at - s), to, strlen(to));
	memcpy(r + (at - s) + strlen(to), at + strlen(from),
	    strlen(at + strlen(from)) + 1);
	return (r);
}

/*
 * Tampered manifests.  Each edits the signed sample; want is what
 * parsing returns, cat its category, line the line named, sig whether
 * the signature still verifies when it parses.
 */
static const struct tamper_case {
	const char *name;
	const char *from, *to;
	int want;
	enum sr_errcat cat;
	int64_t line;
	int sig;
} tamper_cases[] = {
	{ "untouched", "\"host\":\"vm\"", "\"host\":\"vm\"", SR_OK, SR_E_NONE,
	    -1, 1 },
	{ "host edited", "\"host\":\"vm\"", "\"host\":\"vx\"", SR_OK, SR_E_NONE,
	    -1, 0 },
	{ "size edited", "\"size\":5", "\"size\":6", SR_OK, SR_E_NONE, -1, 0 },
	{ "verdict edited", "\"verdict\":\"CONSISTENT\"", "\"verdict\":\"OK\"",
	    SR_OK, SR_E_NONE, -1, 0 },
	{ "signature dropped", "\n{\"sig\"", "\n", SR_FAILED, SR_E_FORMAT, 2,
	    0 },
	{ "version 2", "\"sessrec_manifest\":1", "\"sessrec_manifest\":2",
	    SR_FAILED, SR_E_UNSUPPORTED, 1, 0 },
	{ "not a manifest", "\"sessrec_manifest\":1", "\"version\":1",
	    SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "duplicate key", "\"host\":\"vm\"", "\"host\":\"vm\",\"host\":\"x\"",
	    SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "members reordered", "\"name\":\"var/log/sudo-io/00/00/01/log\"",
	    "\"name\":\"var/log/zz\"", SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "dot-dot name", "\"name\":\"var/log/sudo-io/00/00/01/log\"",
	    "\"name\":\"var/../x\"", SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "absolute name", "\"name\":\"var/log/sudo-io/00/00/01/log\"",
	    "\"name\":\"/var/a\"", SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "manifest as member", "\"name\":\"var/log/sudo-io/00/00/01/log\"",
	    "\"name\":\"SESSREC-MANIFEST\"", SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "bad hash", "\"sha256\":\"ab", "\"sha256\":\"AB", SR_FAILED,
	    SR_E_FORMAT, 1, 0 },
	{ "short hash", "\"sha256\":\"ab", "\"sha256\":\"", SR_FAILED,
	    SR_E_FORMAT, 1, 0 },
	{ "bad mode", "\"mode\":\"0600\"", "\"mode\":\"0900\"", SR_FAILED,
	    SR_E_FORMAT, 1, 0 },
	{ "negative size", "\"size\":0", "\"size\":-1", SR_FAILED, SR_E_FORMAT,
	    1, 0 },
	{ "no such recording", "\"recording\":0", "\"recording\":7", SR_FAILED,
	    SR_E_FORMAT, 1, 0 },
	{ "unknown verdict", "\"verdict\":\"OK\"", "\"verdict\":\"FINE\"",
	    SR_FAILED, SR_E_FORMAT, 1, 0 },
	{ "members missing", "\"members\":", "\"memberz\":", SR_FAILED,
	    SR_E_FORMAT, 1, 0 },
	{ "truncated body", "\"host\"", "\n\"host\"", SR_FAILED, SR_E_FORMAT, 1,
	    0 },
	{ "bad sig kind", "\"sig\":\"ed25519\"", "\"sig\":\"rsa\"", SR_FAILED,
	    SR_E_FORMAT, 2, 0 },
	{ "key id mismatch", "\"key_id\":\"", "\"key_id\":\"0", SR_FAILED,
	    SR_E_FORMAT, 2, 0 },
	{ "bad signature base64", "\"signature\":\"", "\"signature\":\"*",
	    SR_FAILED, SR_E_FORMAT, 2, 0 },
	{ "trailing line", "\"}\n", "\"}\nx\n", SR_FAILED, SR_E_FORMAT, 3, 0 },
	{ "no final newline", "\"}\n", "\"}", SR_FAILED, SR_E_TRUNCATED, 2, 0 },
};

static void
test_tampered(void **state)
{
	struct sr_key *ka = key_of(seed_a);
	struct sr_manifest *m = sample_manifest(), *p;
	struct sr_buf b;
	struct sr_error err;
	size_t i;

	(void)state;
	assert_int_equal(sr_manifest_sort(m, &err), SR_OK);
	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_manifest_encode(m, ka, &b, &err), SR_OK);
	for (i = 0; i < nitems(tamper_cases); i++) {
		const struct tamper_case *c = &tamper_cases[i];
		char *t;
		const char *at;
		int st;

		/* Edits of the signature line apply after the body. */
		at = strstr(b.data, c->from);
		if (c->from[0] == '"' && c->from[1] == '}')
			at = strstr(strchr(b.data, '\n'), c->from);
		if (strcmp(c->from, "\"key_id\":\"") == 0 ||
		    strcmp(c->from, "\"sig\":\"ed25519\"") == 0 ||
		    strcmp(c->from, "\"signature\":\"") == 0)
			at = strstr(strchr(b.data, '\n'), c->from);
		assert_non_null(at);
		t = edit(at, c->from, c->to);
		{
			size_t pre = (size_t)(at - b.data), tl = strlen(t);
			char *full = malloc(pre + tl + 1);

			memcpy(full, b.data, pre);
			memcpy(full + pre, t, tl + 1);
			free(t);
			t = full;
		}
		st = sr_manifest_parse(t, strlen(t), 100, &p, &err);
		if (st != c->want)
			fail_msg("case '%s': status %d, want %d (%s)", c->name,
			    st, c->want, err.msg);
		if (st == SR_OK) {
			if (sr_manifest_sig_ok(p, sr_key_public(ka)) != c->sig)
				fail_msg("case '%s': signature check %d, "
					 "want %d",
				    c->name, !c->sig, c->sig);
			sr_manifest_free(p);
		} else {
			if (err.cat != c->cat)
				fail_msg("case '%s': category %s, want %s (%s)",
				    c->name, sr_errcat_name(err.cat),
				    sr_errcat_name(c->cat), err.msg);
			if (err.loc.line != c->line)
				fail_msg("case '%s': line %lld, want %lld (%s)",
				    c->name, (long long)err.loc.line,
				    (long long)c->line, err.msg);
			if (strcmp(err.loc.member, SR_MANIFEST_NAME) != 0)
				fail_msg("case '%s': member '%s'", c->name,
				    err.loc.member);
		}
		free(t);
	}
	sr_manifest_free(m);
	sr_buf_release(&b);
	sr_key_free(ka);
}

static void
test_limits(void **state)
{
	struct sr_manifest *m = sample_manifest(), *p;
	struct sr_buf b;
	struct sr_error err;

	(void)state;
	assert_int_equal(sr_manifest_sort(m, &err), SR_OK);
	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_manifest_encode(m, NULL, &b, &err), SR_OK);
	/* Three members, two allowed. */
	assert_int_equal(sr_manifest_parse(b.data, b.len, 2, &p, &err),
	    SR_FAILED);
	assert_int_equal(err.cat, SR_E_LIMIT);
	assert_int_equal(sr_manifest_parse(b.data, b.len, 3, &p, &err), SR_OK);
	sr_manifest_free(p);
	/* Two members under one name cannot be written. */
	m->members[1].name[0] = 'X';
	free(m->members[0].name);
	m->members[0].name = sr_strdup(m->members[1].name);
	assert_int_equal(sr_manifest_sort(m, &err), SR_FAILED);
	sr_manifest_free(m);
	sr_buf_release(&b);
}

static void
test_trusted(void **state)
{
	struct sr_key *ka = key_of(seed_a), *kb = key_of(seed_b);
	struct sr_manifest *m = sample_manifest(), *p;
	struct sr_trust *ta = sr_trust_new(), *tb = sr_trust_new();
	struct sr_buf b;
	struct sr_error err;
	char dir[] = "/tmp/test-manifest.XXXXXX", pa[64], pb[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(pa, sizeof(pa), "%s/a.pub", dir);
	(void)snprintf(pb, sizeof(pb), "%s/b.pub", dir);
	assert_int_equal(sr_key_save(ka, pa, 0, 0, &err), SR_OK);
	assert_int_equal(sr_key_save(kb, pb, 0, 0, &err), SR_OK);
	assert_int_equal(sr_trust_add(ta, pa, 0, 0, &err), SR_OK);
	assert_int_equal(sr_trust_add(tb, pb, 0, 0, &err), SR_OK);
	assert_int_equal(sr_manifest_sort(m, &err), SR_OK);
	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_manifest_encode(m, ka, &b, &err), SR_OK);
	assert_int_equal(sr_manifest_parse(b.data, b.len, 100, &p, &err),
	    SR_OK);
	assert_int_equal(sr_manifest_trusted(p, ta, &err), SR_OK);
	assert_int_equal(sr_manifest_trusted(p, tb, &err), SR_FAILED);
	assert_non_null(strstr(err.msg, "not trusted"));
	p->sig[0] ^= 1;
	assert_int_equal(sr_manifest_trusted(p, ta, &err), SR_FAILED);
	assert_non_null(strstr(err.msg, "does not verify"));
	p->signed_ = 0;
	assert_int_equal(sr_manifest_trusted(p, ta, &err), SR_FAILED);
	assert_non_null(strstr(err.msg, "not signed"));
	sr_manifest_free(p);
	unlink(pa);
	unlink(pb);
	rmdir(dir);
	sr_trust_free(ta);
	sr_trust_free(tb);
	sr_manifest_free(m);
	sr_buf_release(&b);
	sr_key_free(ka);
	sr_key_free(kb);
}

/*
 * Archives made here.  A spec lists the entries in the order written:
 * "name=content"; a name starting with '!' is written with that content
 * but listed in the manifest with the content after '|'.  "@" writes the
 * manifest there (it goes last by default); "-name" is listed in the
 * manifest but not written.
 */
struct built {
	char path[64];
	struct sr_buf mbytes;
};

static const char tlog_line[] =
    "{\"ver\":\"2.3\",\"host\":\"vm\",\"rec\":\"r1\",\"user\":\"u\","
    "\"term\":\"xterm\",\"session\":1,\"id\":1,\"pos\":0,\"time\":"
    "1795577800.000,\"timing\":\"=80x24>2\",\"in_txt\":\"\",\"in_bin\":[],"
    "\"out_txt\":\"hi\",\"out_bin\":[]}\n";

static void
build(struct built *bt, const char *const *spec, size_t n,
    const struct sr_key *key)
{
	struct sr_manifest *m = sr_manifest_new();
	struct sr_manifest_member mb;
	struct sr_pack *pk;
	struct sr_error err;
	size_t i, r;
	int fd, manifest_done = 0;

	assert_non_null(m);
	m->created_ns = 1;
	(void)snprintf(bt->path, sizeof(bt->path),
	    "/tmp/test-manifest-%d.tar.zst", (int)getpid());
	(void)unlink(bt->path);
	fd = open(bt->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	/* The manifest first: every listed member with its listed bytes. */
	for (i = 0; i < n; i++) {
		const char *s = spec[i], *eq, *bar;
		char name[128];

		if (s[0] == '@')
			continue;
		if (s[0] == '!' || s[0] == '-')
			s++;
		eq = strchr(s, '=');
		assert_non_null(eq);
		if (spec[i][0] == '+')
			continue;
		(void)snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
		if (name[0] == '+')
			continue;
		bar = strchr(eq, '|');
		if (sr_manifest_find_rec(m, name) < 0)
			assert_int_equal(sr_manifest_add_rec(m, name, "tlog",
					     &r),
			    SR_OK);
		r = (size_t)sr_manifest_find_rec(m, name);
		m->recs[r].end_ns = 5;
		memset(&mb, 0, sizeof(mb));
		mb.name = name;
		mb.orig = name;
		mb.mode = 0644;
		if (bar != NULL)
			eq = bar;
		mb.size = (int64_t)strlen(eq + 1);
		sr_sha256(mb.sha256, eq + 1, strlen(eq + 1));
		assert_int_equal(sr_manifest_add_member(m, r, &mb), SR_OK);
	}
	assert_int_equal(sr_manifest_sort(m, &err), SR_OK);
	sr_buf_init(&bt->mbytes, 1 << 20);
	assert_int_equal(sr_manifest_encode(m, key, &bt->mbytes, &err), SR_OK);
	assert_int_equal(sr_pack_open(fd, bt->path, 0, &pk, &err), SR_OK);
	for (i = 0; i < n; i++) {
		const char *s = spec[i], *eq, *bar;
		char name[128], data[1024];

		if (s[0] == '@') {
			assert_int_equal(sr_pack_add_mem(pk, SR_MANIFEST_NAME,
					     bt->mbytes.data, bt->mbytes.len,
					     0444, 1, &err),
			    SR_OK);
			manifest_done = 1;
			continue;
		}
		if (s[0] == '-')
			continue;
		if (s[0] == '!')
			s++;
		eq = strchr(s, '=');
		(void)snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
		if (name[0] == '+')
			memmove(name, name + 1, strlen(name));
		bar = strchr(eq, '|');
		(void)snprintf(data, sizeof(data), "%.*s",
		    (int)(bar != NULL ? bar - eq - 1
				      : (ptrdiff_t)strlen(eq + 1)),
		    eq + 1);
		assert_int_equal(sr_pack_add_mem(pk, name, data, strlen(data),
				     0644, 1, &err),
		    SR_OK);
	}
	if (!manifest_done)
		assert_int_equal(sr_pack_add_mem(pk, SR_MANIFEST_NAME,
				     bt->mbytes.data, bt->mbytes.len, 0444, 1,
				     &err),
		    SR_OK);
	assert_int_equal(sr_pack_close(pk, &err), SR_OK);
	sr_pack_free(pk);
	close(fd);
	sr_manifest_free(m);
}

struct problems {
	int n;
	char first[600];
};

static void
collect(void *arg, const char *member, const char *msg)
{
	struct problems *p = arg;

	if (p->n++ == 0)
		(void)snprintf(p->first, sizeof(p->first), "%s: %s", member,
		    msg);
}

/*
 * The sequential check.  "+name=..." is written but not listed.
 */
static const struct check_case {
	const char *name;
	const char *spec[5];
	int want;     /* of sr_manifest_check_archive() */
	int problems; /* reported */
	const char *first;
} check_cases[] = {
	{ "whole", { "a=one", "b=two" }, SR_OK, 0, NULL },
	{ "changed", { "a=one", "!b=twO|two" }, SR_WARN, 1,
	    "b: SHA-256 differs from the manifest" },
	{ "grown", { "a=one", "!b=three|two" }, SR_WARN, 1,
	    "b: size 5 differs from 3 in the manifest" },
	{ "missing", { "a=one", "-b=two" }, SR_WARN, 1,
	    "b: listed in the manifest but missing" },
	{ "added", { "a=one", "+c=x", "b=two" }, SR_WARN, 1,
	    "c: not in the manifest" },
	{ "reordered", { "b=two", "a=one" }, SR_WARN, 1,
	    "a: out of the manifest's order" },
	{ "manifest not last", { "a=one", "@", "b=two" }, SR_WARN, 1,
	    "b: archive member after the manifest" },
};

static void
test_check_archive(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_key *ka = key_of(seed_a);
	struct sr_manifest *got;
	struct sr_error err;
	struct built bt;
	size_t i, n;
	int fd, st;

	(void)state;
	for (i = 0; i < nitems(check_cases); i++) {
		const struct check_case *c = &check_cases[i];
		struct problems pr = { 0, "" };

		for (n = 0; n < nitems(c->spec) && c->spec[n] != NULL; n++)
			continue;
		build(&bt, c->spec, n, ka);
		fd = open(bt.path, O_RDONLY);
		assert_true(fd >= 0);
		st = sr_manifest_check_archive(ctx, fd, bt.path, &bt.mbytes,
		    &got, collect, &pr, &err);
		close(fd);
		if (st != c->want)
			fail_msg("case '%s': status %d, want %d (%s)", c->name,
			    st, c->want, err.msg);
		if (pr.n != c->problems)
			fail_msg("case '%s': %d problems, want %d (%s)",
			    c->name, pr.n, c->problems, pr.first);
		if (c->first != NULL && strcmp(pr.first, c->first) != 0)
			fail_msg("case '%s': first problem '%s', want '%s'",
			    c->name, pr.first, c->first);
		if (got == NULL || !sr_manifest_sig_ok(got, sr_key_public(ka)))
			fail_msg("case '%s': manifest not returned or not "
				 "signed",
			    c->name);
		sr_manifest_free(got);
		sr_buf_release(&bt.mbytes);
		unlink(bt.path);
	}
	sr_key_free(ka);
	sr_ctx_free(ctx);
}

/* Not an archive, no manifest, a manifest other than the one written. */
static void
test_check_archive_bad(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_error err;
	struct built bt;
	struct sr_buf other;
	struct problems pr = { 0, "" };
	static const char *const spec[] = { "a=one" };
	char path[] = "/tmp/test-manifest-bad.XXXXXX";
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not an archive at all", 21), 21);
	assert_int_equal(sr_manifest_check_archive(ctx, fd, path, NULL, NULL,
			     collect, &pr, &err),
	    SR_FAILED);
	close(fd);
	unlink(path);

	build(&bt, spec, 1, NULL);
	sr_buf_init(&other, 1 << 10);
	assert_int_equal(sr_buf_append(&other, "x\n", 2), SR_E_NONE);
	fd = open(bt.path, O_RDONLY);
	assert_int_equal(sr_manifest_check_archive(ctx, fd, bt.path, &other,
			     NULL, collect, &pr, &err),
	    SR_WARN);
	assert_string_equal(pr.first,
	    "SESSREC-MANIFEST: manifest differs from the one written");
	close(fd);
	unlink(bt.path);
	sr_buf_release(&bt.mbytes);
	sr_buf_release(&other);
	sr_ctx_free(ctx);
}

/*
 * sr_verify() on archives: a tlog recording inside, the manifest signed
 * by key a; trust a, trust b, no trust; the recording changed.
 */
static void
test_verify_archive(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_key *ka = key_of(seed_a), *kb = key_of(seed_b);
	struct sr_trust *ta = sr_trust_new(), *tb = sr_trust_new();
	struct sr_verify_result res;
	struct sr_input *in;
	struct sr_error err;
	struct built bt;
	char dir[] = "/tmp/test-manifest.XXXXXX", pa[64], pb[64];
	char spec0[512], spec1[1024], mod[512];
	const char *spec[1];
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(pa, sizeof(pa), "%s/a.pub", dir);
	(void)snprintf(pb, sizeof(pb), "%s/b.pub", dir);
	assert_int_equal(sr_key_save(ka, pa, 0, 0, &err), SR_OK);
	assert_int_equal(sr_key_save(kb, pb, 0, 0, &err), SR_OK);
	assert_int_equal(sr_trust_add(ta, pa, 0, 0, &err), SR_OK);
	assert_int_equal(sr_trust_add(tb, pb, 0, 0, &err), SR_OK);
	(void)snprintf(spec0, sizeof(spec0), "r.json=%s", tlog_line);
	/* The same line with "hi" printed as "ho": still a sound tlog. */
	(void)snprintf(mod, sizeof(mod), "%s", tlog_line);
	strstr(mod, "\"hi\"")[2] = 'o';
	(void)snprintf(spec1, sizeof(spec1), "!r.json=%s|%s", mod, tlog_line);
	for (i = 0; i < 4; i++) {
		const struct sr_trust *t = i == 1 ? tb : i == 2 ? NULL : ta;
		enum sr_verdict want = i == 0 || i == 2 ? SR_VERDICT_CONSISTENT
							: SR_VERDICT_TAMPERED;

		spec[0] = i == 3 ? spec1 : spec0;
		build(&bt, spec, 1, ka);
		assert_int_equal(sr_input_open(ctx, bt.path, &in, &err), SR_OK);
		assert_int_equal(sr_verify(ctx, in, "r.json", NULL, t, NULL, 0,
				     0, &res, &err),
		    SR_OK);
		if (res.verdict != want)
			fail_msg("case %zu: verdict %s, want %s (%s)", i,
			    sr_verdict_name(res.verdict), sr_verdict_name(want),
			    res.nfind ? res.find[0].msg : "");
		if (want == SR_VERDICT_TAMPERED &&
		    strncmp(res.find[0].check, "manifest", 8) != 0)
			fail_msg("case %zu: check '%s'", i, res.find[0].check);
		sr_input_close(in);
		sr_buf_release(&bt.mbytes);
		unlink(bt.path);
	}
	/*
	 * An archive in memory cannot be reread in order: the members are
	 * checked through the input.  And the flag for "sessrec archive"
	 * leaves the manifest out.
	 */
	spec[0] = spec1;
	build(&bt, spec, 1, ka);
	{
		FILE *f = fopen(bt.path, "rb");
		static char mem[1 << 16];
		size_t len;

		assert_non_null(f);
		len = fread(mem, 1, sizeof(mem), f);
		fclose(f);
		assert_int_equal(sr_input_open_mem(ctx, "mem.tar.zst", mem, len,
				     &in, &err),
		    SR_OK);
		assert_int_equal(sr_verify(ctx, in, "r.json", NULL, ta, NULL, 0,
				     0, &res, &err),
		    SR_OK);
		assert_int_equal(res.verdict, SR_VERDICT_TAMPERED);
		assert_string_equal(res.find[0].msg,
		    "SHA-256 differs from the manifest");
		assert_int_equal(sr_verify(ctx, in, "r.json", NULL, ta, NULL, 0,
				     SR_VERIFY_NO_MANIFEST, &res, &err),
		    SR_OK);
		assert_int_equal(res.verdict, SR_VERDICT_CONSISTENT);
		sr_input_close(in);
	}
	sr_buf_release(&bt.mbytes);
	unlink(bt.path);
	unlink(pa);
	unlink(pb);
	rmdir(dir);
	sr_trust_free(ta);
	sr_trust_free(tb);
	sr_key_free(ka);
	sr_key_free(kb);
	sr_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_exact),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_trusted),
		cmocka_unit_test(test_check_archive),
		cmocka_unit_test(test_check_archive_bad),
		cmocka_unit_test(test_verify_archive),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
