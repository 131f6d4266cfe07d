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
 * Matching: -i, -w, -F and their combinations, UTF-8 (case folding,
 * word characters, invalid bytes in the subject), start offsets, bad
 * and oversized patterns with the offset of the error, and the ReDoS
 * limits: a catastrophic pattern fails fast with SR_E_LIMIT.
 */
#include <time.h>

#include "unit.h"

#define I SR_MATCH_ICASE
#define W SR_MATCH_WORD
#define F SR_MATCH_FIXED

static const struct match_case {
	const char *pattern;
	unsigned flags;
	const char *subject;
	size_t start;
	int status; /* SR_OK or SR_EOF */
	size_t so, eo;
} match_cases[] = {
	{ "kubectl delete", 0, "$ kubectl delete pod x", 0, SR_OK, 2, 16 },
	{ "KUBECTL", 0, "$ kubectl delete", 0, SR_EOF, 0, 0 },
	{ "KUBECTL", I, "$ kubectl delete", 0, SR_OK, 2, 9 },
	{ "rm -rf", 0, "no match here", 0, SR_EOF, 0, 0 },
	{ "d[a-z]+", 0, "delete data", 0, SR_OK, 0, 6 },
	/* start: the next match at or after it */
	{ "d[a-z]+", 0, "delete data", 1, SR_OK, 7, 11 },
	{ "d[a-z]+", 0, "delete data", 11, SR_EOF, 0, 0 },
	{ "d[a-z]+", 0, "delete data", 99, SR_EOF, 0, 0 },
	{ "^data", 0, "delete data", 7, SR_EOF, 0, 0 }, /* ^ is the line's */
	{ "\\bdata", 0, "delete data", 7, SR_OK, 7, 11 },
	/* -F: metacharacters are literal */
	{ "a.b*(c", F, "xa.b*(cx", 0, SR_OK, 1, 7 },
	{ "a.b", F, "axb", 0, SR_EOF, 0, 0 },
	{ "A.B", F | I, "xa.bx", 0, SR_OK, 1, 4 },
	/* -w: whole words, found past a non-word occurrence */
	{ "cat", W, "concat cat", 0, SR_OK, 7, 10 },
	{ "cat", W, "cats concat", 0, SR_EOF, 0, 0 },
	{ "ca.", W, "cab_ cat.", 0, SR_OK, 5, 8 },
	{ "-rf", W, "rm -rf /", 0, SR_OK, 3, 6 },
	{ "a|cat", W, "concat cat", 0, SR_OK, 7, 10 },
	{ "a.b", W | F, "xa.b a.b", 0, SR_OK, 5, 8 },
	{ "a.b", W | F, "a-b", 0, SR_EOF, 0, 0 },
	{ "x\\y", W | F, "x\\y", 0, SR_OK, 0, 3 },
	{ "DROP", W | I | F, "drop table; dropped", 0, SR_OK, 0, 4 },
	/* UTF-8: one character each, Unicode case folding and words */
	{ "caf.", 0, "un café noir", 0, SR_OK, 3, 8 },
	{ "CAFÉ", I, "un café noir", 0, SR_OK, 3, 8 },
	{ "Σ", I, "σ ς", 0, SR_OK, 0, 2 },
	{ "caf", W, "café", 0, SR_EOF, 0, 0 },
	{ "\\w+", 0, "über", 0, SR_OK, 0, 5 },
	{ "日本", F, "これは日本語", 0, SR_OK, 9, 15 },
	/* Invalid bytes in the subject never stop the search. */
	{ "ok", 0, "\xff\xfe ok \xc3", 0, SR_OK, 3, 5 },
	{ ".", 0,
	    "\xff"
	    "a",
	    0, SR_OK, 1, 2 },
	/* Empty matches are possible: the caller moves on. */
	{ "x*", 0, "abc", 1, SR_OK, 1, 1 },
};

static void
test_match(void **state)
{
	struct sr_match *m;
	struct sr_error err;
	size_t i, so, eo;
	int st;

	(void)state;
	for (i = 0; i < nitems(match_cases); i++) {
		const struct match_case *c = &match_cases[i];

		if (sr_match_new(NULL, c->pattern, c->flags, &m, &err) != SR_OK)
			fail_msg("case %zu: '%s': %s", i, c->pattern, err.msg);
		so = eo = 12345;
		st = sr_match_exec(m, c->subject, strlen(c->subject), c->start,
		    &so, &eo, &err);
		if (st != c->status)
			fail_msg("case %zu: '%s' on '%s': status %d want %d", i,
			    c->pattern, c->subject, st, c->status);
		if (st == SR_OK && (so != c->so || eo != c->eo))
			fail_msg("case %zu: '%s' on '%s': [%zu, %zu) want "
				 "[%zu, %zu)",
			    i, c->pattern, c->subject, so, eo, c->so, c->eo);
		sr_match_free(m);
	}
}

/* Every match of a line, the way grep walks it. */
static void
test_all_matches(void **state)
{
	struct sr_match *m;
	struct sr_error err;
	const char *s = "a1 b22 c333 d";
	size_t start = 0, so, eo, n = 0;
	static const size_t want[][2] = { { 1, 2 }, { 4, 6 }, { 8, 11 } };

	(void)state;
	assert_int_equal(sr_match_new(NULL, "[0-9]+", 0, &m, &err), SR_OK);
	while (sr_match_exec(m, s, strlen(s), start, &so, &eo, &err) == SR_OK) {
		assert_true(n < nitems(want));
		if (so != want[n][0] || eo != want[n][1])
			fail_msg("match %zu: [%zu, %zu)", n, so, eo);
		n++;
		start = eo > so ? eo : so + 1;
	}
	assert_int_equal(n, nitems(want));
	sr_match_free(m);
}

static const struct bad_case {
	const char *pattern;
	unsigned flags;
	enum sr_errcat cat;
	int64_t offset; /* -1: not checked */
	const char *msg;
} bad_cases[] = {
	{ "(unclosed", 0, SR_E_FORMAT, 9, "bad pattern at offset 9" },
	{ "a[z-a]", 0, SR_E_FORMAT, 4, "range out of order" },
	{ "x{2,1}", 0, SR_E_FORMAT, -1, "bad pattern" },
	/* With -w the offset is still the user's. */
	{ "ab(", W, SR_E_FORMAT, 3, "offset 3" },
	/* \C could split a character. */
	{ "a\\Cb", 0, SR_E_FORMAT, -1, "bad pattern" },
};

static void
test_bad(void **state)
{
	struct sr_match *m = (struct sr_match *)1;
	struct sr_error err;
	char *big;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		sr_error_clear(&err);
		if (sr_match_new(NULL, c->pattern, c->flags, &m, &err) !=
		    SR_FAILED)
			fail_msg("bad case %zu: '%s' compiled", i, c->pattern);
		if (m != NULL || err.cat != c->cat ||
		    strstr(err.msg, c->msg) == NULL ||
		    (c->offset >= 0 && err.loc.offset != c->offset))
			fail_msg("bad case %zu: cat %d offset %lld '%s'", i,
			    err.cat, (long long)err.loc.offset, err.msg);
	}
	/* Patterns are at most 1024 bytes (SECURITY.md R4). */
	big = malloc(1026);
	assert_non_null(big);
	memset(big, 'a', 1025);
	big[1025] = '\0';
	assert_int_equal(sr_match_new(NULL, big, 0, &m, &err), SR_FAILED);
	assert_int_equal(err.cat, SR_E_LIMIT);
	big[1024] = '\0';
	assert_int_equal(sr_match_new(NULL, big, 0, &m, &err), SR_OK);
	sr_match_free(m);
	free(big);
}

/*
 * Catastrophic backtracking: the limit stops it, as an error naming the
 * problem; a sane pattern on the same line still works.
 */
static const struct redos_case {
	const char *pattern;
	size_t len;
	char fill, last;
} redos_cases[] = {
	{ "(a+)+$", 30, 'a', 'b' },
	{ "(a+)+$", 60000, 'a', 'b' },
	{ "(a|aa)*b\\d", 64, 'a', 'b' },
	{ "^(\\w+\\s?)*$", 4000, 'x', '!' },
	{ "(.*a){12}$", 5000, 'a', 'b' },
};

static void
test_redos(void **state)
{
	struct sr_match *m;
	struct sr_error err;
	struct timespec a, b;
	size_t i, so, eo;
	char *line;
	double secs;
	int st;

	(void)state;
	for (i = 0; i < nitems(redos_cases); i++) {
		const struct redos_case *c = &redos_cases[i];

		line = malloc(c->len + 1);
		assert_non_null(line);
		memset(line, c->fill, c->len);
		line[c->len - 1] = c->last;
		line[c->len] = '\0';
		assert_int_equal(sr_match_new(NULL, c->pattern, 0, &m, &err),
		    SR_OK);
		clock_gettime(CLOCK_MONOTONIC, &a);
		st = sr_match_exec(m, line, c->len, 0, &so, &eo, &err);
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs = (double)(b.tv_sec - a.tv_sec) +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (st != SR_FAILED || err.cat != SR_E_LIMIT ||
		    strstr(err.msg, "too costly") == NULL)
			fail_msg("redos case %zu: status %d cat %d '%s'", i, st,
			    err.cat, err.msg);
		/* Generous for sanitizer builds; unbounded would be hours. */
		if (secs > 5.0)
			fail_msg("redos case %zu took %.1f s", i, secs);
		sr_match_free(m);
		assert_int_equal(sr_match_new(NULL, "a+b", 0, &m, &err), SR_OK);
		st = sr_match_exec(m, line, c->len, 0, &so, &eo, &err);
		if (c->fill == 'a' && c->last == 'b' &&
		    (st != SR_OK || eo != c->len))
			fail_msg("redos case %zu: plain pattern failed", i);
		sr_match_free(m);
		free(line);
	}
}

/* No pattern handle: an error, not a crash. */
static void
test_misuse(void **state)
{
	struct sr_error err;
	size_t so, eo;

	(void)state;
	assert_int_equal(sr_match_exec(NULL, "x", 1, 0, &so, &eo, &err),
	    SR_FAILED);
	assert_int_equal(err.cat, SR_E_MISUSE);
	sr_match_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_all_matches),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_redos),
		cmocka_unit_test(test_misuse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
