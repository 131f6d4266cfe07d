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
 * lib/time.c: exact decimal seconds as sudo and script write them, ISO
 * 8601 and offset printing, and the --since/--until, duration and offset
 * grammars, including their edges (int64 overflow at 2262-04-11, leap
 * days, zone offsets).  Expected epochs were computed with Python's
 * calendar.timegm().
 */
#include <string.h>

#include "unit.h"

#define SEC SR_NSEC_PER_SEC
#define MS  SR_NSEC_PER_MSEC
#define BAD INT64_MIN /* "must be rejected" in the tables */

static const struct seconds_case {
	const char *s;
	size_t len; /* 0: strlen(s) */
	int64_t want;
} seconds_cases[] = {
	{ "12", 0, 12 * SEC },
	{ "0", 0, 0 },
	{ "0.5", 0, SEC / 2 },
	{ "1.000000001", 0, SEC + 1 },
	{ "1.0000000019", 0, SEC + 1 }, /* truncated, not rounded */
	{ "1795577840.123456789", 0, 1795577840123456789LL }, /* sudo */
	{ "0.123456", 0, 123456000 },			      /* script */
	{ "0.00925", 0, 9250000 },			      /* asciicast */
	{ "00012.50", 0, 12 * SEC + SEC / 2 },
	{ "9223372036.854775807", 0, INT64_MAX },
	{ "9223372036.854775808", 0, BAD },
	{ "9223372037", 0, BAD },
	{ "99999999999999999999999", 0, BAD },
	{ "12.5xyz", 4, 12 * SEC + SEC / 2 }, /* bounded by len */
	{ "12", 1, SEC },
	{ "", 0, BAD },
	{ "-1", 0, BAD },
	{ "+1", 0, BAD },
	{ "1e5", 0, BAD },
	{ "1e-05", 0, BAD },
	{ "1.", 0, BAD },
	{ ".5", 0, BAD },
	{ ".", 0, BAD },
	{ " 1", 0, BAD },
	{ "1 ", 0, BAD },
	{ "1.2.3", 0, BAD },
	{ "0x10", 0, BAD },
	{ "1,5", 0, BAD },
};

static void
test_parse_seconds(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(seconds_cases); i++) {
		const struct seconds_case *c = &seconds_cases[i];
		size_t len = c->len ? c->len : strlen(c->s);
		int64_t ns = -42;
		int r = sr_time_parse_seconds(c->s, len, &ns);

		if (c->want == BAD) {
			if (r != -1)
				fail_msg("case %zu '%s': accepted as %lld", i,
				    c->s, (long long)ns);
			if (ns != -42)
				fail_msg("case %zu '%s': output written", i,
				    c->s);
		} else if (r != 0 || ns != c->want)
			fail_msg("case %zu '%s': r %d ns %lld, want %lld", i,
			    c->s, r, (long long)ns, (long long)c->want);
	}
}

static const struct iso_case {
	int64_t ns;
	const char *iso, *iso_ms;
} iso_cases[] = {
	{ 0, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z" },
	{ 1795577840123456789LL, "2026-11-25T03:37:20Z",
	    "2026-11-25T03:37:20.123Z" },
	{ 1795577840999999999LL, "2026-11-25T03:37:20Z",
	    "2026-11-25T03:37:20.999Z" }, /* truncated */
	{ 1709164800LL * SEC, "2024-02-29T00:00:00Z",
	    "2024-02-29T00:00:00.000Z" },
	{ -1, "1969-12-31T23:59:59Z", "1969-12-31T23:59:59.999Z" },
	{ -2203891200LL * SEC, "1900-03-01T00:00:00Z",
	    "1900-03-01T00:00:00.000Z" },
	{ INT64_MAX, "2262-04-11T23:47:16Z", "2262-04-11T23:47:16.854Z" },
};

static void
test_format_iso(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(iso_cases); i++) {
		const struct iso_case *c = &iso_cases[i];

		if (strcmp(sr_time_format_iso(c->ns, buf, sizeof(buf)),
			c->iso) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, buf,
			    c->iso);
		if (strcmp(sr_time_format_iso_ms(c->ns, buf, sizeof(buf)),
			c->iso_ms) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, buf,
			    c->iso_ms);
	}
	/* A short buffer is truncated and terminated. */
	memset(buf, 'x', sizeof(buf));
	sr_time_format_iso(0, buf, 5);
	if (strcmp(buf, "1970") != 0)
		fail_msg("short buffer: got '%s'", buf);
}

static const struct offset_fmt_case {
	int64_t ns;
	const char *want;
} offset_fmt_cases[] = {
	{ 0, "00:00:00.000" },
	{ 999999, "00:00:00.000" },
	{ 1500 * MS, "00:00:01.500" },
	{ 3723456 * MS, "01:02:03.456" },
	{ 359999999 * MS, "99:59:59.999" },
	{ 360000000 * MS, "100:00:00.000" }, /* hours grow */
	{ -5 * SEC, "00:00:00.000" },	     /* negative clamps */
	{ INT64_MIN, "00:00:00.000" },
	{ INT64_MAX, "2562047:47:16.854" },
};

static void
test_format_offset(void **state)
{
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(offset_fmt_cases); i++) {
		const struct offset_fmt_case *c = &offset_fmt_cases[i];

		if (strcmp(sr_time_format_offset(c->ns, buf, sizeof(buf)),
			c->want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, buf,
			    c->want);
	}
}

#define NOW (1795577840LL * SEC)

static const struct when_case {
	const char *s;
	int64_t want;
} when_cases[] = {
	{ "2026-11-25", 1795564800LL * SEC },
	{ "2026-11-25T03:37", 1795577820LL * SEC },
	{ "2026-11-25t03:37", 1795577820LL * SEC },
	{ "2026-11-25T03:37:20Z", 1795577840LL * SEC },
	{ "2026-11-25T03:37:20z", 1795577840LL * SEC },
	{ "2026-11-25T03:37:20", 1795577840LL * SEC }, /* no zone: UTC */
	{ "2026-11-25 03:37:20+01:00", 1795574240LL * SEC },
	{ "2026-11-25T03:37:20+0100", 1795574240LL * SEC },
	{ "2026-11-25T03:37:20+01", 1795574240LL * SEC },
	{ "2026-11-25T03:37:20+01:30", 1795572440LL * SEC },
	{ "2026-11-25T03:37:20-05:00", 1795595840LL * SEC },
	{ "2026-11-25T03:37:20.5Z", 1795577840LL * SEC + SEC / 2 },
	{ "2026-11-25T03:37:20.123456789+00:00", 1795577840123456789LL },
	{ "2026-11-25T03:37:60Z", 1795577880LL * SEC }, /* leap second */
	{ "2024-02-29", 1709164800LL * SEC },
	{ "2000-01-01", 946684800LL * SEC },
	{ "1900-03-01", -2203891200LL * SEC },
	{ "1969-12-31T23:59:59Z", -SEC },
	{ "2262-04-11", 9223286400LL * SEC },
	{ "@1795577840", 1795577840LL * SEC },
	{ "@1795577840.25", 1795577840LL * SEC + SEC / 4 },
	{ "@0", 0 },
	{ "30s", NOW - 30 * SEC },
	{ "15m", NOW - 15 * 60 * SEC },
	{ "6h", NOW - 6 * 3600 * SEC },
	{ "2d", NOW - 2 * 86400 * SEC },
	{ "1w", NOW - 7 * 86400 * SEC },
	{ "1h30m", NOW - 5400 * SEC },
	{ "1.5h", NOW - 5400 * SEC },
	{ "", BAD },
	{ "90", BAD }, /* an age needs a unit */
	{ "yesterday", BAD },
	{ "@", BAD },
	{ "@-5", BAD },
	{ "@1e9", BAD },
	{ "2026-13-01", BAD },
	{ "2026-00-01", BAD },
	{ "2026-02-29", BAD }, /* not a leap year */
	{ "2100-02-29", BAD },
	{ "2026-11-31", BAD },
	{ "2026-11-00", BAD },
	{ "2026-1-05", BAD },
	{ "2026/11/25", BAD },
	{ "2026-11-25T24:00", BAD },
	{ "2026-11-25T03:60", BAD },
	{ "2026-11-25T03:37:61", BAD },
	{ "2026-11-25T03", BAD },
	{ "2026-11-25T3:37", BAD },
	{ "2026-11-25T03:37:2", BAD },
	{ "2026-11-25T03:37:20.", BAD },
	{ "2026-11-25Z", BAD }, /* a zone needs a time */
	{ "2026-11-25T03:37+01:", BAD },
	{ "2026-11-25T03:37+1", BAD },
	{ "2026-11-25T03:37+24:00", BAD },
	{ "2026-11-25T03:37+01:60", BAD },
	{ "2026-11-25T03:37:20Zjunk", BAD },
	{ "2026-11-25T03:37:20 ", BAD },
	{ "2026-11-25x", BAD },
	{ "2262-04-12", BAD }, /* past int64 nanoseconds */
	{ "9999-12-31", BAD },
};

static void
test_parse_when(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(when_cases); i++) {
		const struct when_case *c = &when_cases[i];
		int64_t ns = -42;
		int r = sr_time_parse_when(c->s, NOW, &ns);

		if (c->want == BAD) {
			if (r != -1)
				fail_msg("case %zu '%s': accepted as %lld", i,
				    c->s, (long long)ns);
		} else if (r != 0 || ns != c->want)
			fail_msg("case %zu '%s': r %d ns %lld, want %lld", i,
			    c->s, r, (long long)ns, (long long)c->want);
	}
}

static const struct dur_case {
	const char *s;
	int64_t duration, offset; /* BAD: rejected by that parser */
} dur_cases[] = {
	{ "90", 90 * SEC, 90 * SEC },
	{ "90.5", 90 * SEC + SEC / 2, 90 * SEC + SEC / 2 },
	{ "1.5s", 1500 * MS, 1500 * MS }, { "15m", 900 * SEC, 900 * SEC },
	{ "6h", 6 * 3600 * SEC, 6 * 3600 * SEC },
	{ "2d", 2 * 86400 * SEC, 2 * 86400 * SEC },
	{ "1w", 7 * 86400 * SEC, 7 * 86400 * SEC },
	{ "1h30m", 5400 * SEC, 5400 * SEC },
	{ "1m30.5s", 90500 * MS, 90500 * MS }, { "500ms", 500 * MS, 500 * MS },
	{ "1.5ms", 1500000, 1500000 }, { "1m500ms", 60500 * MS, 60500 * MS },
	{ "0", 0, 0 }, { "1:30", BAD, 90 * SEC },
	{ "01:02:03.5", BAD, 3723500 * MS }, { "0:59.999", BAD, 59999 * MS },
	{ "100:00:00", BAD, 360000 * SEC },
	{ "90:00", BAD, 5400 * SEC }, /* minutes of M:S unbounded */
	{ "0:0:0", BAD, 0 }, { "", BAD, BAD }, { "s", BAD, BAD },
	{ "1x", BAD, BAD }, { "1h30", BAD, BAD }, { "1H", BAD, BAD },
	{ "-1s", BAD, BAD }, { "1.s", BAD, BAD }, { ".5s", BAD, BAD },
	{ " 1s", BAD, BAD }, { "1s ", BAD, BAD },
	{ "15251w", BAD, BAD },	       /* overflow */
	{ "9223372036s1s", BAD, BAD }, /* sum overflow */
	{ "1:60", BAD, BAD }, { "1:60:00", BAD, BAD }, { "1:00:60", BAD, BAD },
	{ "1:", BAD, BAD }, { ":30", BAD, BAD }, { "1::2", BAD, BAD },
	{ "a:b", BAD, BAD }, { "1:2:3:4", BAD, BAD }, { "-1:00", BAD, BAD },
	{ "1:30.", BAD, BAD }, { "1.5:30", BAD, BAD },
	{ "2562048:00:00", BAD, BAD }, /* overflow */
};

static void
test_parse_duration_offset(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(dur_cases); i++) {
		const struct dur_case *c = &dur_cases[i];
		int64_t ns = -42;
		int r;

		r = sr_time_parse_duration(c->s, &ns);
		if (c->duration == BAD ? r != -1 : r != 0 || ns != c->duration)
			fail_msg("case %zu '%s': duration r %d ns %lld", i,
			    c->s, r, (long long)ns);
		ns = -42;
		r = sr_time_parse_offset(c->s, &ns);
		if (c->offset == BAD ? r != -1 : r != 0 || ns != c->offset)
			fail_msg("case %zu '%s': offset r %d ns %lld", i, c->s,
			    r, (long long)ns);
	}
}

static const struct scale_case {
	int64_t delay;
	double speed;
	int64_t max_idle;
	int64_t want;
} scale_cases[] = {
	{ 3 * SEC / 2, 2.0, 0, 3 * SEC / 4 },
	{ 9 * SEC, 4.0, 2 * SEC, SEC / 2 }, /* clamp, then scale */
	{ 9 * SEC, 1.0, 2 * SEC, 2 * SEC },
	{ SEC, 0.25, 0, 4 * SEC },
	{ SEC, 16.0, 0, SEC / 16 },
	{ SEC, 0.0, 0, SEC },  /* no speed counts as 1 */
	{ SEC, -2.0, 0, SEC }, /* nor a negative one */
	{ -5, 1.0, 0, 0 },     /* time going back: no wait */
	{ 0, 4.0, SEC, 0 },
	{ INT64_MAX, 0.25, 0, INT64_MAX }, /* saturates */
	{ INT64_MAX, 0.25, SEC, 4 * SEC },
};

static void
test_scale(void **state)
{
	size_t i;
	int64_t got;

	(void)state;
	for (i = 0; i < nitems(scale_cases); i++) {
		const struct scale_case *c = &scale_cases[i];

		got = sr_time_scale(c->delay, c->speed, c->max_idle);
		if (got != c->want)
			fail_msg("case %zu: want %lld got %lld", i,
			    (long long)c->want, (long long)got);
	}
}

static void
test_mono(void **state)
{
	int64_t a, b;

	(void)state;
	a = sr_time_mono();
	b = sr_time_mono();
	if (a <= 0 || b < a)
		fail_msg("mono %lld then %lld", (long long)a, (long long)b);
}

static void
test_now(void **state)
{
	int64_t a, b;

	(void)state;
	a = sr_time_now();
	b = sr_time_now();
	/* After 2020-01-01 and not going back by more than a second. */
	if (a < 1577836800LL * SEC || b < a - SEC)
		fail_msg("now %lld then %lld", (long long)a, (long long)b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_seconds),
		cmocka_unit_test(test_format_iso),
		cmocka_unit_test(test_format_offset),
		cmocka_unit_test(test_parse_when),
		cmocka_unit_test(test_parse_duration_offset),
		cmocka_unit_test(test_now),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_mono),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
