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
 * Nanosecond time: parsing what recordings and users write, printing what
 * sessrec shows.  Everything is int64 nanoseconds, with decimal seconds
 * parsed exactly (never through a double) so that sudo's "%lld.%09ld" and
 * script's "%ld.%06ld" come out to the nanosecond.
 *
 * Grammars (all reject leading or trailing blanks and signs):
 *
 *   seconds   DIGITS [ "." DIGITS ]          digits on both sides of the
 *                                            point; >9 fraction digits
 *                                            are truncated.  No exponent:
 *                                            asciicast floats go through
 *                                            jansson, not here.
 *   duration  seconds | 1*( seconds UNIT )   UNIT: ms s m h d w
 *                                            ("90", "1.5s", "1h30m")
 *   offset    [ [ DIGITS ":" ] DIGITS ":" ] seconds | duration
 *                                            ("1:30", "01:02:03.5";
 *                                            minutes and seconds after a
 *                                            colon must be below 60)
 *   when      "@" seconds                    epoch
 *           | DATE [ ("T" | " ") TIME ] [ ZONE ]
 *           | duration with a unit           an age before now
 *     DATE    YYYY "-" MM "-" DD
 *     TIME    hh ":" mm [ ":" ss [ "." DIGITS ] ]
 *     ZONE    "Z" | ("+" | "-") hh [ [ ":" ] mm ]   (none means UTC;
 *                                                   only after a TIME)
 *
 * Dates are converted with our own days-from-civil arithmetic, so the
 * result never depends on the TZ environment or the locale.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "sr-private.h"

#define SEC SR_NSEC_PER_SEC

static int
is_digit(char c)
{
	return (c >= '0' && c <= '9');
}

static size_t
span_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && is_digit(s[i]); i++)
		continue;
	return (i);
}

int
sr_time_parse_seconds(const char *s, size_t len, int64_t *ns)
{
	uint64_t sec;
	int64_t frac = 0, scale = SEC / 10;
	size_t n, i;

	n = span_digits(s, len);
	if (n == 0 || sr_parse_u64(s, n, INT64_MAX / SEC, &sec) != 0)
		return (-1);
	if (n < len) {
		if (s[n] != '.' || n + 1 == len)
			return (-1);
		for (i = n + 1; i < len; i++) {
			if (!is_digit(s[i]))
				return (-1);
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	if ((int64_t)sec * SEC > INT64_MAX - frac)
		return (-1);
	*ns = (int64_t)sec * SEC + frac;
	return (0);
}

/* Floor division of epoch nanoseconds into seconds and the rest. */
static void
split_ns(int64_t t, int64_t *sec, int64_t *rem)
{
	*sec = t / SEC;
	*rem = t % SEC;
	if (*rem < 0) {
		*rem += SEC;
		(*sec)--;
	}
}

static char *
format_iso(int64_t epoch_ns, int with_ms, char *buf, size_t len)
{
	struct tm tm;
	int64_t sec, rem;
	time_t t;

	if (len == 0)
		return (buf);
	split_ns(epoch_ns, &sec, &rem);
	t = (time_t)sec;
	if ((int64_t)t != sec || gmtime_r(&t, &tm) == NULL) {
		(void)snprintf(buf, len, "?");
		return (buf);
	}
	if (with_ms)
		(void)snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(rem / SR_NSEC_PER_MSEC));
	else
		(void)snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
	return (buf);
}

char *
sr_time_format_iso(int64_t epoch_ns, char *buf, size_t len)
{
	return (format_iso(epoch_ns, 0, buf, len));
}

char *
sr_time_format_iso_ms(int64_t epoch_ns, char *buf, size_t len)
{
	return (format_iso(epoch_ns, 1, buf, len));
}

char *
sr_time_format_offset(int64_t ns, char *buf, size_t len)
{
	int64_t ms;

	if (len == 0)
		return (buf);
	/* A negative offset is a clock that went back: show it as 0. */
	if (ns < 0)
		ns = 0;
	ms = ns / SR_NSEC_PER_MSEC;
	(void)snprintf(buf, len, "%02lld:%02d:%02d.%03d",
	    (long long)(ms / 3600000), (int)(ms / 60000 % 60),
	    (int)(ms / 1000 % 60), (int)(ms % 1000));
	return (buf);
}

int64_t
sr_time_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (0);
	return ((int64_t)ts.tv_sec * SEC + ts.tv_nsec);
}

int64_t
sr_time_mono(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return (0);
	return ((int64_t)ts.tv_sec * SEC + ts.tv_nsec);
}

int64_t
sr_time_scale(int64_t delay, double speed, int64_t max_idle)
{
	double d;

	if (delay <= 0)
		return (0);
	if (max_idle > 0 && delay > max_idle)
		delay = max_idle;
	if (!(speed > 0) || speed == 1.0)
		return (delay);
	d = (double)delay / speed;
	/* A huge delay at a tiny speed saturates instead of overflowing. */
	if (d >= 9.2e18)
		return (INT64_MAX);
	return ((int64_t)d);
}

/* Multiplies with overflow detection; -1 on overflow. */
static int
mul_ns(int64_t v, int64_t m, int64_t *out)
{
	if (v != 0 && m > INT64_MAX / v)
		return (-1);
	*out = v * m;
	return (0);
}

/*
 * Parses a duration; require_unit rejects a bare number (an age for
 * --since must say what it counts).
 */
static int
parse_duration(const char *s, int require_unit, int64_t *ns)
{
	size_t len = strlen(s), i = 0, n;
	int64_t total = 0, v, part;
	int64_t mul, div;

	if (len == 0)
		return (-1);
	/* A bare number counts seconds. */
	n = span_digits(s, len);
	if (n < len && s[n] == '.')
		n += 1 + span_digits(s + n + 1, len - n - 1);
	if (n == len)
		return (require_unit ? -1 : sr_time_parse_seconds(s, len, ns));
	while (i < len) {
		n = span_digits(s + i, len - i);
		if (i + n < len && s[i + n] == '.')
			n += 1 + span_digits(s + i + n + 1, len - i - n - 1);
		if (n == 0 || i + n == len ||
		    sr_time_parse_seconds(s + i, n, &v) != 0)
			return (-1);
		i += n;
		div = 1;
		switch (s[i]) {
		case 'm':
			if (i + 1 < len && s[i + 1] == 's') {
				mul = 1;
				div = 1000;
				i++;
			} else
				mul = 60;
			break;
		case 's':
			mul = 1;
			break;
		case 'h':
			mul = 3600;
			break;
		case 'd':
			mul = 86400;
			break;
		case 'w':
			mul = 7 * 86400;
			break;
		default:
			return (-1);
		}
		i++;
		if (mul_ns(v, mul, &part) != 0)
			return (-1);
		part /= div;
		if (total > INT64_MAX - part)
			return (-1);
		total += part;
	}
	*ns = total;
	return (0);
}

int
sr_time_parse_duration(const char *s, int64_t *ns)
{
	return (parse_duration(s, 0, ns));
}

/* *acc += v * m nanoseconds; -1 on overflow. */
static int
add_scaled(int64_t *acc, uint64_t v, int64_t m)
{
	int64_t part;

	if (v > (uint64_t)INT64_MAX || mul_ns((int64_t)v, m, &part) != 0 ||
	    *acc > INT64_MAX - part)
		return (-1);
	*acc += part;
	return (0);
}

int
sr_time_parse_offset(const char *s, int64_t *ns)
{
	const char *c1, *c2, *last;
	uint64_t h = 0, m = 0;
	int64_t sec, total = 0;
	size_t len = strlen(s);

	if ((c1 = memchr(s, ':', len)) == NULL)
		return (parse_duration(s, 0, ns));
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (c2 != NULL) {
		/* H:M:S */
		if (sr_parse_u64(s, (size_t)(c1 - s), UINT64_MAX, &h) != 0 ||
		    sr_parse_u64(c1 + 1, (size_t)(c2 - c1 - 1), 59, &m) != 0)
			return (-1);
		last = c2 + 1;
	} else {
		/* M:S, the minutes unbounded like the hours of H:M:S */
		if (sr_parse_u64(s, (size_t)(c1 - s), UINT64_MAX, &m) != 0)
			return (-1);
		last = c1 + 1;
	}
	if (sr_time_parse_seconds(last, len - (size_t)(last - s), &sec) != 0 ||
	    sec >= 60 * SEC)
		return (-1);
	if (add_scaled(&total, h, 3600 * SEC) != 0 ||
	    add_scaled(&total, m, 60 * SEC) != 0 ||
	    add_scaled(&total, (uint64_t)sec, 1) != 0)
		return (-1);
	*ns = total;
	return (0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	/* Count years from March so that the leap day ends a year. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (mdays[m - 1]);
}

/* Exactly n digits at s into *v. */
static int
fixed_digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return (-1);
		*v = *v * 10 + (s[i] - '0');
	}
	return (0);
}

static int
parse_iso(const char *s, int64_t *epoch_ns)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0, zsign = 0;
	int64_t frac = 0, t, zone;
	size_t len = strlen(s), i = 10, n;

	if (len < 10 || fixed_digits(s, 4, &y) != 0 || s[4] != '-' ||
	    fixed_digits(s + 5, 2, &mo) != 0 || s[7] != '-' ||
	    fixed_digits(s + 8, 2, &d) != 0)
		return (-1);
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return (-1);
	if (i < len) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return (-1);
		i++;
		if (len - i < 5 || fixed_digits(s + i, 2, &h) != 0 ||
		    s[i + 2] != ':' || fixed_digits(s + i + 3, 2, &mi) != 0)
			return (-1);
		i += 5;
		if (i < len && s[i] == ':') {
			if (len - i < 3 ||
			    fixed_digits(s + i + 1, 2, &sec) != 0)
				return (-1);
			i += 3;
			if (i < len && s[i] == '.') {
				n = span_digits(s + i + 1, len - i - 1);
				if (n == 0 ||
				    sr_time_parse_seconds(s + i - 2, n + 3,
					&t) != 0)
					return (-1);
				frac = t - (int64_t)sec * SEC;
				i += n + 1;
			}
		}
		/* Leap second 60 is accepted and lands on the next minute. */
		if (h > 23 || mi > 59 || sec > 60)
			return (-1);
		if (i < len) {
			if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
				i++;
			else if (s[i] == '+' || s[i] == '-') {
				zsign = s[i] == '-' ? -1 : 1;
				i++;
				if (len - i < 2 ||
				    fixed_digits(s + i, 2, &zh) != 0)
					return (-1);
				i += 2;
				if (i < len && s[i] == ':' && ++i == len)
					return (-1);
				if (i < len) {
					if (len - i != 2 ||
					    fixed_digits(s + i, 2, &zm) != 0)
						return (-1);
					i += 2;
				}
				if (zh > 23 || zm > 59)
					return (-1);
			} else
				return (-1);
		}
	}
	if (i != len)
		return (-1);
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	zone = (int64_t)zsign * (zh * 3600 + zm * 60);
	t -= zone;
	/* int64 nanoseconds reach 2262-04-11. */
	if (t > INT64_MAX / SEC - 1 || t < INT64_MIN / SEC + 1)
		return (-1);
	*epoch_ns = t * SEC + frac;
	return (0);
}

int
sr_time_parse_when(const char *s, int64_t now_ns, int64_t *epoch_ns)
{
	int64_t v;

	if (s[0] == '@') {
		if (sr_time_parse_seconds(s + 1, strlen(s + 1), &v) != 0)
			return (-1);
		*epoch_ns = v;
		return (0);
	}
	if (strlen(s) >= 10 && s[4] == '-')
		return (parse_iso(s, epoch_ns));
	if (parse_duration(s, 1, &v) != 0)
		return (-1);
	*epoch_ns = sr_ns_add(now_ns, -v);
	return (0);
}
