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
 * String escaping for terminals and JSON, and strict UTF-8 validation.
 *
 * Every string that comes from a recording (user names, argv, titles,
 * file names) is hostile: it may carry escape sequences aimed at the
 * analyst's terminal, C1 controls, or bidi controls that reorder what is
 * shown (CVE-2021-42574).  sr_str_escape() is the one function that makes
 * such a string safe to print (SECURITY.md S7); sr_str_json() makes it
 * safe to put in NDJSON, which also ends up on terminals.
 *
 * Both append to an sr_buf and return what the buffer returned:
 * SR_E_NONE (0) on success, SR_E_LIMIT or SR_E_NOMEM otherwise.  On
 * failure the buffer is left as it was before the call, so a caller never
 * sees half an escape.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

static const char hexdig[] = "0123456789abcdef";

void
sr_hex_encode(char *out, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[b[i] >> 4];
		out[2 * i + 1] = hexdig[b[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
sr_hex_decode(const char *s, size_t len, unsigned char *out, size_t n)
{
	size_t i;
	int a, b;

	if (len != 2 * n)
		return (-1);
	for (i = 0; i < n; i++) {
		a = sr_hexval((unsigned char)s[2 * i]);
		b = sr_hexval((unsigned char)s[2 * i + 1]);
		if (a < 0 || b < 0)
			return (-1);
		out[i] = (unsigned char)(a << 4 | b);
	}
	return (0);
}

size_t
sr_utf8_valid(const unsigned char *s, size_t len)
{
	size_t sub;

	return (sr_utf8_seq(s, len, &sub));
}

/* Decodes a sequence already checked by sr_utf8_valid(). */
static uint32_t
utf8_decode(const unsigned char *s, size_t n)
{
	switch (n) {
	case 2:
		return ((uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f));
	case 3:
		return ((uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f));
	default:
		return ((uint32_t)(s[0] & 0x07) << 18 |
		    (uint32_t)(s[1] & 0x3f) << 12 |
		    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f));
	}
}

/*
 * Valid code points that must not reach a terminal as they are.  C1
 * controls are acted on by several terminals even in UTF-8 mode.  The
 * others are invisible or reorder text, so a name could look like
 * another, or hide part of itself:
 *   U+00AD soft hyphen, U+061C Arabic letter mark, U+180E Mongolian vowel
 *   separator, U+200B zero width space, U+200E/F LRM/RLM, U+2028/9 line
 *   and paragraph separators, U+202A-E bidi embeddings and overrides,
 *   U+2060-4 word joiner and invisible operators, U+2066-9 bidi isolates,
 *   U+206A-F deprecated format controls, U+3164 and U+FFA0 Hangul
 *   fillers (blank, used to fake empty names), U+FEFF zero width no-break
 *   space, U+FFF9-B interlinear annotation, U+E0000-7F tag characters
 *   (invisible text smuggling).
 * U+200C/D (ZWNJ, ZWJ) stay: Persian, Indic scripts and emoji need them.
 */
int
sr_cp_hidden(uint32_t cp)
{
	if (cp < 0xa0)
		return (cp >= 0x80);
	if (cp < 0x2000)
		return (cp == 0xad || cp == 0x61c || cp == 0x180e);
	if (cp <= 0x206f)
		return (cp == 0x200b || cp == 0x200e || cp == 0x200f ||
		    cp == 0x2028 || cp == 0x2029 ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2060 && cp <= 0x2064) || cp >= 0x2066);
	if (cp < 0xe000)
		return (cp == 0x3164);
	if (cp < 0x10000)
		return (cp == 0xfeff || cp == 0xffa0 ||
		    (cp >= 0xfff9 && cp <= 0xfffb));
	return (cp >= 0xe0000 && cp <= 0xe007f);
}

int
sr_str_escape(struct sr_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, j, n, start = b->len;
	char hex[4] = { '\\', 'x', 0, 0 };
	int r = SR_E_NONE;

	while (i < len && r == SR_E_NONE) {
		/* Copy runs of printable ASCII but '\\' in one append. */
		for (j = i;
		     j < len && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '\\';
		     j++)
			continue;
		if (j > i) {
			r = sr_buf_append(b, s + i, j - i);
			i = j;
			continue;
		}
		switch (s[i]) {
		case '\n':
			r = sr_buf_append(b, "\\n", 2);
			i++;
			continue;
		case '\t':
			r = sr_buf_append(b, "\\t", 2);
			i++;
			continue;
		case '\\':
			r = sr_buf_append(b, "\\\\", 2);
			i++;
			continue;
		}
		n = s[i] >= 0x80 ? sr_utf8_valid(s + i, len - i) : 0;
		if (n > 1 && !sr_cp_hidden(utf8_decode(s + i, n))) {
			r = sr_buf_append(b, s + i, n);
			i += n;
			continue;
		}
		/* Controls, invalid bytes and every byte of a hidden one. */
		if (n == 0)
			n = 1;
		for (j = 0; j < n && r == SR_E_NONE; j++) {
			hex[2] = hexdig[s[i + j] >> 4];
			hex[3] = hexdig[s[i + j] & 0xf];
			r = sr_buf_append(b, hex, 4);
		}
		i += n;
	}
	if (r != SR_E_NONE) {
		b->len = start;
		if (b->cap != 0)
			b->data[start] = '\0';
	}
	return (r);
}

/* Appends a JSON \uXXXX escape. */
static int
json_u(struct sr_buf *b, uint32_t cp)
{
	char u[6] = { '\\', 'u', 0, 0, 0, 0 };

	u[2] = hexdig[(cp >> 12) & 0xf];
	u[3] = hexdig[(cp >> 8) & 0xf];
	u[4] = hexdig[(cp >> 4) & 0xf];
	u[5] = hexdig[cp & 0xf];
	return (sr_buf_append(b, u, 6));
}

int
sr_str_json(struct sr_buf *b, const char *str, size_t len)
{
	static const char fffd[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, j, n, start = b->len;
	uint32_t cp;
	int r;

	r = sr_buf_putc(b, '"');
	while (i < len && r == SR_E_NONE) {
		for (j = i; j < len && s[j] >= 0x20 && s[j] < 0x7f &&
		     s[j] != '"' && s[j] != '\\';
		     j++)
			continue;
		if (j > i) {
			r = sr_buf_append(b, s + i, j - i);
			i = j;
			continue;
		}
		switch (s[i]) {
		case '"':
			r = sr_buf_append(b, "\\\"", 2);
			break;
		case '\\':
			r = sr_buf_append(b, "\\\\", 2);
			break;
		case '\n':
			r = sr_buf_append(b, "\\n", 2);
			break;
		case '\t':
			r = sr_buf_append(b, "\\t", 2);
			break;
		case '\r':
			r = sr_buf_append(b, "\\r", 2);
			break;
		case '\b':
			r = sr_buf_append(b, "\\b", 2);
			break;
		case '\f':
			r = sr_buf_append(b, "\\f", 2);
			break;
		default:
			if (s[i] < 0x80) { /* other C0 and DEL */
				r = json_u(b, s[i]);
				break;
			}
			if ((n = sr_utf8_valid(s + i, len - i)) == 0) {
				r = sr_buf_append(b, fffd, 3);
				break;
			}
			/*
			 * NDJSON is often read on a terminal: write hidden
			 * code points as \u escapes, which mean the same to
			 * any JSON reader.
			 */
			cp = utf8_decode(s + i, n);
			if (!sr_cp_hidden(cp))
				r = sr_buf_append(b, s + i, n);
			else if (cp < 0x10000)
				r = json_u(b, cp);
			else {
				cp -= 0x10000;
				r = json_u(b, 0xd800 | (cp >> 10));
				if (r == SR_E_NONE)
					r = json_u(b, 0xdc00 | (cp & 0x3ff));
			}
			i += n;
			continue;
		}
		i++;
	}
	if (r == SR_E_NONE)
		r = sr_buf_putc(b, '"');
	if (r != SR_E_NONE) {
		b->len = start;
		if (b->cap != 0)
			b->data[start] = '\0';
	}
	return (r);
}

/*
 * JSON escaping as tlog-rec writes it (FORMATS.md §2.4): the short
 * escapes, \u00XX for other C0 bytes and DEL, everything else raw.  The
 * table holds 0 for bytes copied as they are, else the escape letter,
 * 'u' for \u00XX.
 */
static const char tlog_esc[256] = {
	['\b'] = 'b',
	['\t'] = 't',
	['\n'] = 'n',
	['\f'] = 'f',
	['\r'] = 'r',
	[0x00] = 'u',
	[0x01] = 'u',
	[0x02] = 'u',
	[0x03] = 'u',
	[0x04] = 'u',
	[0x05] = 'u',
	[0x06] = 'u',
	[0x07] = 'u',
	[0x0b] = 'u',
	[0x0e] = 'u',
	[0x0f] = 'u',
	[0x10] = 'u',
	[0x11] = 'u',
	[0x12] = 'u',
	[0x13] = 'u',
	[0x14] = 'u',
	[0x15] = 'u',
	[0x16] = 'u',
	[0x17] = 'u',
	[0x18] = 'u',
	[0x19] = 'u',
	[0x1a] = 'u',
	[0x1b] = 'u',
	[0x1c] = 'u',
	[0x1d] = 'u',
	[0x1e] = 'u',
	[0x1f] = 'u',
	[0x7f] = 'u',
	['"'] = '"',
	['\\'] = '\\',
};

void
sr_str_json_text(struct sr_buf *b, const unsigned char *s, size_t n)
{
	char *d = b->data + b->len;
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && tlog_esc[s[j]] == 0; j++)
			;
		memcpy(d, s + i, j - i);
		d += j - i;
		if ((i = j) == n)
			break;
		*d++ = '\\';
		if (tlog_esc[s[i]] == 'u') {
			memcpy(d, "u00", 3);
			d[3] = hexdig[s[i] >> 4];
			d[4] = hexdig[s[i] & 0xf];
			d += 5;
		} else
			*d++ = tlog_esc[s[i]];
		i++;
	}
	b->len = (size_t)(d - b->data);
	*d = '\0';
}

int
sr_buf_u64(struct sr_buf *b, uint64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return (sr_buf_append(b, p, (size_t)(e - p)));
}

int
sr_buf_i64(struct sr_buf *b, int64_t v)
{
	int r;

	if (v < 0) {
		if ((r = sr_buf_putc(b, '-')) != 0)
			return (r);
		return (sr_buf_u64(b, (uint64_t)0 - (uint64_t)v));
	}
	return (sr_buf_u64(b, (uint64_t)v));
}
