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
 * Catalog tests: scanning sources of every kind, failures that do not
 * stop a scan, id resolution (exact, prefix, ambiguous, path), sorting,
 * and where the default sources come from.
 */
#include <sys/stat.h>

#include <string.h>
#include <unistd.h>

#include "unit.h"

struct diag_count {
	int warnings;
	int failures;
};

static void
count_diag(void *arg, int status, const struct sr_error *e)
{
	struct diag_count *d = arg;

	(void)e;
	if (status == SR_WARN)
		d->warnings++;
	else
		d->failures++;
}

static struct sr_ctx *cur_ctx;

/* Scans the sources; free with free_scan(). */
static struct sr_catalog *
scan(const char *const *sources, size_t n, struct diag_count *d)
{
	struct sr_ctx *ctx = cur_ctx = sr_ctx_new();
	struct sr_catalog *c;
	size_t i;

	assert_non_null(ctx);
	sr_ctx_set_diag(ctx, count_diag, d);
	c = sr_catalog_new(ctx);
	assert_non_null(c);
	for (i = 0; i < n; i++)
		assert_int_equal(sr_catalog_add_source(c, sources[i]), SR_OK);
	assert_true(sr_catalog_scan(c) >= SR_WARN);
	return (c);
}

static void
free_scan(struct sr_catalog *c)
{
	sr_catalog_free(c);
	sr_ctx_free(cur_ctx);
	cur_ctx = NULL;
}

/* One sample per format, scanned through a directory source. */
static const struct id_case {
	const char *source;
	const char *id;
	const char *format;
} id_cases[] = {
	{ "samples/tlog", "310206c72ddf4de88a051887e16f1ca7-1c08-a865",
	    "tlog" },
	{ "samples/sudo-io/sudoers-compressed", "000001", "sudo" },
	{ "samples/sudo-io/sudoers-custom-path-mode0640",
	    "sessfmt/sh/20261125-033854-FjNccc", "sudo" },
	{ "samples/asciicast", "v2-title-idle-append", "asciicast" },
	{ "samples/asciicast", "v3-handmade", "asciicast" },
	{ "samples/script", "script-classic", "script" },
	{ "samples/script", "script-adv", "script" },
	{ "samples/ttyrec", "basic", "ttyrec" },
	{ "samples/archives/tlog-and-sudo.tar.zst", "000002", "sudo" },
};

static void
test_resolve_ids(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(id_cases); i++) {
		const struct id_case *k = &id_cases[i];
		struct diag_count d = { 0, 0 };
		const char *src = unit_srcpath(k->source);
		char path[4096];
		struct sr_catalog *c;
		struct sr_error err;
		size_t *idx, n;

		strlcpy(path, src, sizeof(path));
		{
			const char *srcs[] = { path };

			c = scan(srcs, 1, &d);
		}
		if (sr_catalog_resolve(c, k->id, &idx, &n, &err) != SR_OK)
			fail_msg("case %zu (%s): %s", i, k->id, err.msg);
		if (n != 1)
			fail_msg("case %zu: %zu matches", i, n);
		if (strcmp(sr_catalog_entry(c, idx[0])->session->format,
			k->format) != 0)
			fail_msg("case %zu: format %s", i,
			    sr_catalog_entry(c, idx[0])->session->format);
		free(idx);
		free_scan(c);
	}
}

static void
test_prefix_and_ambiguity(void **state)
{
	struct diag_count d = { 0, 0 };
	char a[4096], b[4096];
	struct sr_catalog *c;
	struct sr_error err;
	size_t *idx, n;

	(void)state;
	strlcpy(a, unit_srcpath("samples/sudo-io/sudoers-uncompressed"),
	    sizeof(a));
	strlcpy(b, unit_srcpath("samples/sudo-io/sudoers-compressed"),
	    sizeof(b));
	{
		const char *srcs[] = { a, b };

		c = scan(srcs, 2, &d);
	}
	/* 000001 exists in both trees: an exact id seen twice is ambiguous. */
	assert_int_equal(sr_catalog_resolve(c, "000001", &idx, &n, &err),
	    SR_FAILED);
	assert_non_null(strstr(err.msg, "ambiguous"));
	/* 000007 only in the uncompressed tree; "0000" prefixes many. */
	assert_int_equal(sr_catalog_resolve(c, "000007", &idx, &n, &err),
	    SR_OK);
	assert_int_equal(n, 1);
	free(idx);
	assert_int_equal(sr_catalog_resolve(c, "0000", &idx, &n, &err),
	    SR_FAILED);
	assert_int_equal(sr_catalog_resolve(c, "nosuchid", &idx, &n, &err),
	    SR_FAILED);
	assert_non_null(strstr(err.msg, "no session"));
	/* A path as ls prints it. */
	{
		char p[4200];

		(void)snprintf(p, sizeof(p), "%s/00/00/03", a);
		assert_int_equal(sr_catalog_resolve(c, p, &idx, &n, &err),
		    SR_OK);
		assert_int_equal(n, 1);
		assert_string_equal(sr_catalog_entry(c, idx[0])
					->session->field[SR_F_SESSION_ID],
		    "000003");
		free(idx);
	}
	free_scan(c);
}

/* A bad file among good ones: reported and counted, the rest listed. */
static void
test_failures_do_not_stop(void **state)
{
	struct diag_count d = { 0, 0 };
	char dir[] = "/tmp/sr-cat-XXXXXX", p[512];
	struct sr_catalog *c;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(p, sizeof(p), "%s/good.cast", dir);
	assert_non_null(f = fopen(p, "w"));
	fputs("{\"version\": 2, \"width\": 80, \"height\": 24}\n"
	      "[0.5, \"o\", \"hello\\r\\n\"]\n",
	    f);
	fclose(f);
	(void)snprintf(p, sizeof(p), "%s/bad.json", dir);
	assert_non_null(f = fopen(p, "w"));
	fputs("{\"ver\":\"2.3\",\"rec\":\"x\",\"timing\":\">99\",\"out_txt\":"
	      "\"short\",\"id\":1,\"pos\":0,\"user\":\"u\",\"host\":\"h\","
	      "\"term\":\"\",\"session\":1,\"in_txt\":\"\",\"in_bin\":[],"
	      "\"out_bin\":[]}\n",
	    f);
	fclose(f);
	{
		const char *srcs[] = { dir, "/nonexistent/sessrec/source" };

		c = scan(srcs, 2, &d);
	}
	n = sr_catalog_nentries(c);
	assert_true(n >= 1);
	assert_true(sr_catalog_failures(c) >= 1); /* the missing source */
	assert_true(d.failures >= 1);
	free_scan(c);
	(void)snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

static void
test_sort(void **state)
{
	struct diag_count d = { 0, 0 };
	char a[4096];
	struct sr_catalog *c;
	size_t i, n;

	(void)state;
	strlcpy(a, unit_srcpath("samples"), sizeof(a));
	{
		const char *srcs[] = { a };

		c = scan(srcs, 1, &d);
	}
	sr_catalog_sort(c);
	n = sr_catalog_nentries(c);
	assert_true(n > 20);
	for (i = 1; i < n; i++) {
		const struct sr_session *p =
		    sr_catalog_entry(c, i - 1)->session;
		const struct sr_session *q = sr_catalog_entry(c, i)->session;

		if ((p->have & SR_HAVE_START) && (q->have & SR_HAVE_START) &&
		    p->start_ns > q->start_ns)
			fail_msg("entry %zu starts before entry %zu", i, i - 1);
		if (!(p->have & SR_HAVE_START) && (q->have & SR_HAVE_START))
			fail_msg("unknown start sorted before known at %zu", i);
	}
	free_scan(c);
}

static void
test_defaults(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_catalog *c;
	struct sr_error err;
	char conf[] = "/tmp/sr-conf-XXXXXX";
	int fd;

	(void)state;
	/* The environment wins. */
	setenv("SESSREC_SOURCES", "/a:/b::/c", 1);
	c = sr_catalog_new(ctx);
	assert_int_equal(sr_catalog_add_defaults(c, NULL, 1, &err), SR_OK);
	assert_int_equal(sr_catalog_nsources(c), 3);
	assert_string_equal(sr_catalog_source(c, 2), "/c");
	sr_catalog_free(c);
	/* Unless the caller refuses it: then the built-in defaults. */
	c = sr_catalog_new(ctx);
	assert_int_equal(sr_catalog_add_defaults(c, "/nonexistent.conf", 0,
			     &err),
	    SR_OK);
	assert_int_equal(sr_catalog_nsources(c), 3);
	assert_string_equal(sr_catalog_source(c, 0), "/var/log/sessrec");
	sr_catalog_free(c);
	unsetenv("SESSREC_SOURCES");
	/* A config file counts only when root owns it and only root writes. */
	assert_true((fd = mkstemp(conf)) >= 0);
	assert_true(write(fd, "# test\nsources = /x:/y\n", 23) == 23);
	close(fd);
	c = sr_catalog_new(ctx);
	assert_int_equal(sr_catalog_add_defaults(c, conf, 1, &err), SR_OK);
	if (geteuid() == 0) {
		assert_int_equal(sr_catalog_nsources(c), 2);
		assert_string_equal(sr_catalog_source(c, 1), "/y");
		sr_catalog_free(c);
		assert_int_equal(chmod(conf, 0666), 0);
		c = sr_catalog_new(ctx);
		assert_int_equal(sr_catalog_add_defaults(c, conf, 1, &err),
		    SR_OK);
	}
	/* Not trusted: the built-in defaults. */
	assert_int_equal(sr_catalog_nsources(c), 3);
	sr_catalog_free(c);
	unlink(conf);
	sr_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_ids),
		cmocka_unit_test(test_prefix_and_ambiguity),
		cmocka_unit_test(test_failures_do_not_stop),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_defaults),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
