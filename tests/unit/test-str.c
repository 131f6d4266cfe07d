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
 * lib/str.c: strict UTF-8 validation, terminal escaping and JSON string
 * literals.  Besides the tables, random byte strings check the promises
 * that matter most: escaped text never carries a control byte or a
 * hidden code point, and JSON output always parses (with jansson) back
 * to the input when the input was valid UTF-8.
 */
#include <string.h>

#include <jansson.h>

#include "unit.h"

struct bytes_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *want;
};

static size_t
case_len(const struct bytes_case *c)
{
	return (c->len ? c->len : strlen(c->in));
}

static const struct valid_case {
	const char *s;
	size_t len;
	size_t want;
} valid_cases[] = {
	{ "a", 1, 1 },
	{ "\0", 1, 1 },
	{ "\x7f", 1, 1 },
	{ "\xc3\xa9", 2, 2 },	  /* é */
	{ "\xc3\xa9", 1, 0 },	  /* truncated */
	{ "\xc2\x80", 2, 2 },	  /* U+0080, valid UTF-8 */
	{ "\xdf\xbf", 2, 2 },	  /* U+07FF */
	{ "\xe0\xa0\x80", 3, 3 }, /* U+0800 */
	{ "\xe2\x82\xac", 3, 3 }, /* € */
	{ "\xe2\x82\xac", 2, 0 },
	{ "\xed\x9f\xbf", 3, 3 },     /* U+D7FF */
	{ "\xee\x80\x80", 3, 3 },     /* U+E000 */
	{ "\xef\xbf\xbf", 3, 3 },     /* U+FFFF */
	{ "\xf0\x90\x80\x80", 4, 4 }, /* U+10000 */
	{ "\xf0\x9f\x98\x80", 4, 4 }, /* 😀 */
	{ "\xf4\x8f\xbf\xbf", 4, 4 }, /* U+10FFFF */
	{ "\xf0\x9f\x98\x80", 3, 0 },
	{ "\x80", 1, 0 }, /* lone continuation */
	{ "\x9b", 1, 0 },
	{ "\xbf", 1, 0 },
	{ "\xc0\x80", 2, 0 },	      /* overlong NUL */
	{ "\xc1\xbf", 2, 0 },	      /* overlong */
	{ "\xe0\x80\x80", 3, 0 },     /* overlong */
	{ "\xe0\x9f\xbf", 3, 0 },     /* overlong U+07FF */
	{ "\xed\xa0\x80", 3, 0 },     /* surrogate U+D800 */
	{ "\xed\xbf\xbf", 3, 0 },     /* surrogate U+DFFF */
	{ "\xf0\x80\x80\x80", 4, 0 }, /* overlong */
	{ "\xf0\x8f\xbf\xbf", 4, 0 }, /* overlong U+FFFF */
	{ "\xf4\x90\x80\x80", 4, 0 }, /* U+110000 */
	{ "\xf5\x80\x80\x80", 4, 0 },
	{ "\xfe", 1, 0 },
	{ "\xff", 1, 0 },
	{ "\xc3\x28", 2, 0 }, /* bad continuation */
	{ "\xe2\x28\xa1", 3, 0 },
	{ "\xe2\x82\x28", 3, 0 },
	{ "\xf0\x9f\x98\x28", 4, 0 },
	{ "", 0, 0 },
};

static void
test_utf8_valid(void **state)
{
	size_t i, got;

	(void)state;
	for (i = 0; i < nitems(valid_cases); i++) {
		const struct valid_case *c = &valid_cases[i];

		got = sr_utf8_valid((const unsigned char *)c->s, c->len);
		if (got != c->want)
			fail_msg("case %zu: got %zu, want %zu", i, got,
			    c->want);
	}
}

static const struct bytes_case escape_cases[] = {
	{ "plain text 123 ~!", 0, "plain text 123 ~!" },
	{ "", 0, "" },
	{ "a\\b", 0, "a\\\\b" },
	{ "\n\t", 0, "\\n\\t" },
	{ "\r", 0, "\\x0d" },
	{ "\x1b]0;PWNED\x07", 0, "\\x1b]0;PWNED\\x07" },
	{ "\x1b[31mred", 0, "\\x1b[31mred" },
	{ "\x7f", 0, "\\x7f" },
	{ "a\0b", 3, "a\\x00b" },
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
	{ "\xe2\x82\xac \xf0\x9f\x98\x80", 0, "\xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "\xe4\xb8\xad", 0, "\xe4\xb8\xad" },
	{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb", 0,
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb" }, /* ZWJ kept */
	/* C1 as UTF-8 and as lone bytes. */
	{ "\xc2\x9b"
	  "31m",
	    0, "\\xc2\\x9b31m" },
	{ "\xc2\x85", 0, "\\xc2\\x85" },
	{ "\x9b"
	  "31m",
	    0, "\\x9b31m" },
	{ "\x9d", 0, "\\x9d" },
	/* Bidi and invisible format characters. */
	{ "a\xe2\x80\xae"
	  "b",
	    0, "a\\xe2\\x80\\xaeb" },			   /* U+202E */
	{ "\xe2\x80\xaa", 0, "\\xe2\\x80\\xaa" },	   /* U+202A */
	{ "\xe2\x81\xa6", 0, "\\xe2\\x81\\xa6" },	   /* U+2066 */
	{ "\xe2\x81\xa9", 0, "\\xe2\\x81\\xa9" },	   /* U+2069 */
	{ "\xe2\x80\x8e", 0, "\\xe2\\x80\\x8e" },	   /* U+200E */
	{ "\xe2\x80\x8f", 0, "\\xe2\\x80\\x8f" },	   /* U+200F */
	{ "\xd8\x9c", 0, "\\xd8\\x9c" },		   /* U+061C */
	{ "\xe2\x80\xa8", 0, "\\xe2\\x80\\xa8" },	   /* U+2028 */
	{ "\xe2\x80\xa9", 0, "\\xe2\\x80\\xa9" },	   /* U+2029 */
	{ "\xe2\x80\x8b", 0, "\\xe2\\x80\\x8b" },	   /* U+200B */
	{ "\xef\xbb\xbf", 0, "\\xef\\xbb\\xbf" },	   /* U+FEFF */
	{ "\xc2\xad", 0, "\\xc2\\xad" },		   /* soft hyphen */
	{ "\xe3\x85\xa4", 0, "\\xe3\\x85\\xa4" },	   /* U+3164 */
	{ "\xf3\xa0\x81\x81", 0, "\\xf3\\xa0\\x81\\x81" }, /* tag A */
	{ "\xe2\x80\x8c", 0, "\xe2\x80\x8c" },		   /* ZWNJ kept */
	{ "\xc2\xa0", 0, "\xc2\xa0" },			   /* NBSP kept */
	/* Invalid UTF-8, byte by byte. */
	{ "\xff\xfe", 0, "\\xff\\xfe" },
	{ "\xc0\x80", 0, "\\xc0\\x80" },
	{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" },
	{ "\xe2\x82", 0, "\\xe2\\x82" },
	{ "\xe2\x82x", 0, "\\xe2\\x82x" },
	{ "ok\xe2\x82\xacok\xa0", 0, "ok\xe2\x82\xacok\\xa0" },
};

static void
test_escape(void **state)
{
	struct sr_buf b;
	size_t i;
	int r;

	(void)state;
	sr_buf_init(&b, 1 << 16);
	for (i = 0; i < nitems(escape_cases); i++) {
		const struct bytes_case *c = &escape_cases[i];

		sr_buf_reset(&b);
		r = sr_str_escape(&b, c->in, case_len(c));
		if (r != SR_E_NONE || strcmp(b.data, c->want) != 0 ||
		    b.len != strlen(c->want))
			fail_msg("case %zu: r %d got '%s' want '%s'", i, r,
			    b.data, c->want);
	}
	/* Appends: what was in the buffer stays. */
	sr_buf_reset(&b);
	sr_buf_append(&b, "x=", 2);
	sr_str_escape(&b, "\x1b", 1);
	if (strcmp(b.data, "x=\\x1b") != 0)
		fail_msg("append: got '%s'", b.data);
	sr_buf_release(&b);
}

static const struct bytes_case json_cases[] = {
	{ "", 0, "\"\"" },
	{ "plain", 0, "\"plain\"" },
	{ "a\"b\\c/d", 0, "\"a\\\"b\\\\c/d\"" },
	{ "\n\t\r\b\f", 0, "\"\\n\\t\\r\\b\\f\"" },
	{ "\x01\x1b\x1f", 0, "\"\\u0001\\u001b\\u001f\"" },
	{ "\x7f", 0, "\"\\u007f\"" },
	{ "a\0b", 3, "\"a\\u0000b\"" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
	{ "\xff", 0, "\"\xef\xbf\xbd\"" },
	{ "bin:\xff\xfe", 0, "\"bin:\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "\xc0\x80", 0, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "\xe2\x82", 0, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "\xed\xa0\x80", 0, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	{ "\x9b", 0, "\"\xef\xbf\xbd\"" },
	/* Hidden code points are written as escapes, same JSON value. */
	{ "\xc2\x9b", 0, "\"\\u009b\"" },
	{ "a\xe2\x80\xae"
	  "b",
	    0, "\"a\\u202eb\"" },
	{ "\xe2\x80\xa8", 0, "\"\\u2028\"" },
	{ "\xf3\xa0\x81\x81", 0, "\"\\udb40\\udc41\"" },
};

static void
test_json(void **state)
{
	struct sr_buf b;
	size_t i;
	int r;

	(void)state;
	sr_buf_init(&b, 1 << 16);
	for (i = 0; i < nitems(json_cases); i++) {
		const struct bytes_case *c = &json_cases[i];

		sr_buf_reset(&b);
		r = sr_str_json(&b, c->in, case_len(c));
		if (r != SR_E_NONE || strcmp(b.data, c->want) != 0)
			fail_msg("case %zu: r %d got '%s' want '%s'", i, r,
			    b.data, c->want);
	}
	sr_buf_release(&b);
}

/* A failed append leaves the buffer as it was. */
static void
test_limits(void **state)
{
	struct sr_buf b;
	size_t max;
	int r;

	(void)state;
	for (max = 0; max < 24; max++) {
		sr_buf_init(&b, max);
		sr_buf_append(&b, "ab", max < 2 ? max : 2);
		r = sr_str_escape(&b, "\x1b[1m\xe2\x80\xae", 7);
		if (max >= 2 + 4 + 3 + 12) {
			if (r != SR_E_NONE)
				fail_msg("escape max %zu: r %d", max, r);
		} else if (r != SR_E_LIMIT || b.len != (max < 2 ? max : 2) ||
		    strlen(b.data) != b.len)
			fail_msg("escape max %zu: r %d len %zu", max, r, b.len);
		sr_buf_release(&b);

		sr_buf_init(&b, max);
		r = sr_str_json(&b, "a\nb", 3);
		if (max >= 6) {
			if (r != SR_E_NONE || strcmp(b.data, "\"a\\nb\"") != 0)
				fail_msg("json max %zu: r %d", max, r);
		} else if (r != SR_E_LIMIT || b.len != 0 || b.data[0] != '\0')
			fail_msg("json max %zu: r %d len %zu", max, r, b.len);
		sr_buf_release(&b);
	}
}

/* xorshift: reproducible random bytes without libc state. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (*s);
}

/* Random strings biased towards the bytes that matter. */
static size_t
random_string(uint32_t *seed, unsigned char *buf, size_t max)
{
	static const unsigned char pick[] = { 0x00, 0x07, 0x0a, 0x0d, 0x1b,
		0x22, 0x5c, 0x7f, 0x80, 0x9b, 0x9d, 0xa0, 0xad, 0xbf, 0xc0,
		0xc2, 0xe2, 0x80, 0xae, 0xed, 0xef, 0xf0, 0xf3, 0xf4, 0xff, 'a',
		' ' };
	size_t n = rnd(seed) % max, i;

	for (i = 0; i < n; i++)
		buf[i] = rnd(seed) % 3 ? pick[rnd(seed) % sizeof(pick)]
				       : (unsigned char)rnd(seed);
	return (n);
}

static void
test_escape_random(void **state)
{
	unsigned char in[64];
	struct sr_buf b;
	uint32_t seed = 0x5e55;
	size_t i, j, n, k;

	(void)state;
	sr_buf_init(&b, 1 << 16);
	for (i = 0; i < 20000; i++) {
		n = random_string(&seed, in, sizeof(in));
		sr_buf_reset(&b);
		if (sr_str_escape(&b, (const char *)in, n) != SR_E_NONE)
			fail_msg("iteration %zu: failed", i);
		for (j = 0; j < b.len; j += k) {
			const unsigned char *p =
			    (const unsigned char *)b.data + j;

			k = sr_utf8_valid(p, b.len - j);
			if (k == 0 || *p < 0x20 || *p == 0x7f)
				fail_msg("iteration %zu: byte %zu is %02x", i,
				    j, *p);
			/* No C1 and no U+202x/U+206x controls survive. */
			if ((k == 2 && p[0] == 0xc2 && p[1] < 0xa0) ||
			    (k == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
				p[2] >= 0xaa && p[2] <= 0xae))
				fail_msg("iteration %zu: hidden at %zu", i, j);
		}
	}
	sr_buf_release(&b);
}

static void
test_json_random(void **state)
{
	unsigned char in[64];
	struct sr_buf b;
	json_error_t jerr;
	json_t *j;
	uint32_t seed = 0xbeef;
	size_t i, n, k, valid;

	(void)state;
	sr_buf_init(&b, 1 << 16);
	for (i = 0; i < 20000; i++) {
		n = random_string(&seed, in, sizeof(in));
		sr_buf_reset(&b);
		if (sr_str_json(&b, (const char *)in, n) != SR_E_NONE)
			fail_msg("iteration %zu: failed", i);
		j = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
		    &jerr);
		if (j == NULL || !json_is_string(j))
			fail_msg("iteration %zu: '%s' does not parse: %s", i,
			    b.data, jerr.text);
		for (valid = 0; valid < n; valid += k)
			if ((k = sr_utf8_valid(in + valid, n - valid)) == 0)
				break;
		/* Valid input comes back byte for byte. */
		if (valid == n &&
		    (json_string_length(j) != n ||
			memcmp(json_string_value(j), in, n) != 0))
			fail_msg("iteration %zu: round trip differs", i);
		json_decref(j);
	}
	sr_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_escape_random),
		cmocka_unit_test(test_json_random),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
