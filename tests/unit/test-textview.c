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
 * lib/filter/textview.c: the lines a viewer saw.  Each case is a list of
 * events (event i has time i) and the lines expected as "TIME|TEXT\n".
 * Every case runs twice: event by event, and again with every byte fed
 * on its own, which must not change a thing (recorders cut anywhere).
 * Every line must be valid UTF-8 free of control characters.  The escape
 * probe sample (samples/escape-probes/inject-probe.ttyrec) is read too.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#define NEV 8

static const struct tv_case {
	const char *name;
	size_t max_line;     /* 0: the default */
	const char *in[NEV]; /* events; event i has time i */
	const char *want;
} cases[] = {
	/* FORMATS.md 9, one event per probe as in inject-probe.cast. */
	{ "escape probes", 0,
	    { "normal text\r\n", "\x1b]0;PWNED-TITLE\x07", "\x1b[21t",
		"\x1b]52;c;ZWNobyBwd25lZA==\x07", "\x1bP$q\nid\n\x1b\\",
		"\x1b[6n", "hidden\r\x1b[2Kvisible\r\n" },
	    "0|normal text\n6|visible\n" },
	{ "probes in one event", 0,
	    { "\x1b]0;PWNED-TITLE\x07\x1b[21t\x1b]52;c;ZWNobw==\x07"
	      "\x1bP$q\nid\n\x1b\\\x1b[6n" },
	    "" },
	{ "DSR only", 0, { "\x1b[6n" }, "" },
	{ "colour splits a word", 0, { "ki\x1b[31mll\x1b[0m\n" }, "0|kill\n" },
	{ "word split across events", 0, { "ki", "ll\r\n" }, "0|kill\n" },
	{ "escape split across events", 0, { "ki\x1b[3", "1mll\n" },
	    "0|kill\n" },
	{ "ls colours", 0,
	    { "\x1b[0m\x1b[01;34mdir\x1b[0m  file\x1b[01;32mexe\x1b[0m\n" },
	    "0|dir  fileexe\n" },
	{ "UTF-8 split", 0, { "caf\xc3", "\xa9\n" }, "0|caf\xc3\xa9\n" },
	{ "UTF-8 split thrice", 0, { "x\xf0", "\x9f", "\x98", "\x80y\n" },
	    "0|x\xf0\x9f\x98\x80y\n" },
	{ "backspace overwrite", 0, { "abc\b\bX\n" }, "0|aXc\n" },
	{ "backspace at column 0", 0, { "\b\bab\n" }, "0|ab\n" },
	{ "CR overwrite", 0, { "12345\rab\n" }, "0|ab345\n" },
	{ "CRLF makes no blank line", 0, { "a\r\nb\r\n" }, "0|a\n0|b\n" },
	{ "blank lines", 0, { "a\n\n", "\r\n" }, "0|a\n0|\n1|\n" },
	{ "tab", 0, { "a\tb\n\tx\nabcdefgh\tX\n" },
	    "0|a       b\n0|        x\n0|abcdefgh        X\n" },
	{ "tab keeps text", 0, { "abcdefghij\r\tX\nab\t\n" },
	    "0|abcdefghXj\n0|ab\n" },
	{ "long line in pieces", 10, { "0123456789ABCDEFGHIJKL\n" },
	    "0|0123456789\n0|ABCDEFGHIJ\n0|KL\n" },
	{ "pieces take the time of their event", 4, { "abc", "defgh", "i\n" },
	    "0|abcd\n1|efgh\n2|i\n" },
	{ "wide character at the edge", 3, { "ab\xe4\xb8\xad\n" },
	    "0|ab\n0|\xe4\xb8\xad\n" },
	{ "8-bit CSI", 0,
	    { "ki\x9b"
	      "31mll\n" },
	    "0|kill\n" },
	{ "8-bit CSI split", 0, { "ki\x9b", "31mll\n" }, "0|kill\n" },
	{ "8-bit OSC and ST", 0,
	    { "a\x9d"
	      "0;title\x07"
	      "b\x90q\ndata\x9c"
	      "c\n" },
	    "0|abc\n" },
	{ "UTF-8 C1 is a control", 0,
	    { "x\xc2\x9b"
	      "1my\xc2\x85z\n" },
	    "0|xy\n0|z\n" },
	{ "continuation byte 0x9b in UTF-8", 0,
	    { "\xe2\x80\x9b\xe2\x9b\x94\n" }, "0|\xe2\x80\x9b\xe2\x9b\x94\n" },
	{ "overlong then lone C1", 0,
	    { "a\xe0\x9b"
	      "1mb\n" },
	    "0|a\xef\xbf\xbd"
	    "b\n" },
	{ "invalid bytes", 0,
	    { "a\xff\xfe"
	      "b\xe2\x82x\xa0\xc0\x80\xed\xa0\x80\n" },
	    /* 0x80 after C0 or a broken ED is a lone C1 control */
	    "0|a\xef\xbf\xbd\xef\xbf\xbd"
	    "b\xef\xbf\xbdx\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n" },
	{ "hidden format characters dropped", 0,
	    { "a\xe2\x80\xae"
	      "b\xe2\x81\xa6"
	      "c\xe2\x80\x8b"
	      "d\xef\xbb\xbf"
	      "e\n" },
	    "0|abcde\n" },
	{ "EL 0", 0, { "abcdef\r\x1b[3C\x1b[K\n" }, "0|abc\n" },
	{ "EL 1", 0, { "abcdef\x1b[3D\x1b[1K\n" }, "0|    ef\n" },
	{ "EL 2", 0, { "abcdef\x1b[3D\x1b[2K\n" }, "0|\n" },
	{ "EL 2 keeps the column", 0, { "abc\x1b[2KX\n" }, "0|   X\n" },
	{ "DECSEL", 0,
	    { "abcdef\r\x1b[?K"
	      "x\n" },
	    "0|x\n" },
	{ "CHA", 0, { "abcdef\x1b[2GX\nab\x1b[5`X\n" }, "0|aXcdef\n0|ab  X\n" },
	{ "CUF CUB", 0,
	    { "ab\x1b[3C"
	      "c\nabcdef\x1b[10DX\n" },
	    "0|ab   c\n0|Xbcdef\n" },
	{ "DCH", 0, { "abcdef\r\x1b[2C\x1b[2P\n" }, "0|abef\n" },
	{ "ICH", 0, { "abcdef\r\x1b[2C\x1b[2@\n" }, "0|ab  cdef\n" },
	{ "ECH", 0, { "abcdef\r\x1b[1C\x1b[2X\n" }, "0|a  def\n" },
	{ "REP", 0,
	    { "a\x1b[3"
	      "b\n" },
	    "0|aaaa\n" },
	{ "ED 2", 0,
	    { "abc\x1b[2J"
	      "def\n" },
	    "0|abc\n0|   def\n" },
	{ "clear", 0, { "$ clear\r\n", "\x1b[H\x1b[2J$ ", "ls\r\n" },
	    "0|$ clear\n1|$ ls\n" },
	{ "RIS", 0,
	    { "abc\x1b"
	      "cdef\n" },
	    "0|abc\n0|def\n" },
	{ "OSC ended by ST", 0, { "a\x1b]2;x\x1b\\b\n" }, "0|ab\n" },
	{ "OSC with newlines", 0, { "a\x1b]0;x\ny\x07", "b\n" }, "0|ab\n" },
	{ "BEL does not end DCS", 0,
	    { "a\x1bPq\x07"
	      "b\x1b\\"
	      "c\n" },
	    "0|ac\n" },
	{ "APC PM SOS", 0,
	    { "a\x1b_x\x1b\\"
	      "b\x1b^y\x1b\\"
	      "c\x1bXz\x1b\\"
	      "d\n" },
	    "0|abcd\n" },
	{ "CAN aborts", 0,
	    { "a\x1b]0;x\x18"
	      "b\x1b[3\x1a"
	      "c\n" },
	    "0|abc\n" },
	{ "ESC in OSC starts a sequence", 0, { "a\x1b]0;x\x1b[31mb\n" },
	    "0|ab\n" },
	{ "C0 inside CSI is executed", 0, { "ab\x1b[\b1mX\n" }, "0|aX\n" },
	{ "private modes", 0, { "a\x1b[?25lb\x1b[?1049h\x1b[>4;1mc\n" },
	    "0|abc\n" },
	{ "charset and DECALN", 0,
	    { "a\x1b(Bb\x1b#8"
	      "c\n" },
	    "0|abc\n" },
	{ "SGR with colons", 0, { "a\x1b[38:2:1:2:3mb\n" }, "0|ab\n" },
	{ "DEL", 0,
	    { "a\x7f"
	      "b\n" },
	    "0|ab\n" },
	{ "VT FF", 0, { "a\vb\fc\n" }, "0|a\n0|b\n0|c\n" },
	{ "wide overwrite", 0, { "\xe4\xb8\xad\xe6\x96\x87\rX\n" },
	    "0|X \xe6\x96\x87\n" },
	{ "wide second half overwrite", 0,
	    { "\xe4\xb8\xad\xe6\x96\x87\r\x1b[1CX\n" }, "0| X\xe6\x96\x87\n" },
	{ "combining mark", 0, { "e\xcc\x81!\n" }, "0|e\xcc\x81!\n" },
	{ "combining mark overwritten", 0, { "e\xcc\x81\rX\n" }, "0|X\n" },
	{ "two marks, then moved", 0, { "ab\xcc\x81\xcc\xa3\b\bX\n" },
	    "0|Xb\xcc\x81\xcc\xa3\n" },
	{ "mark at column 0 dropped", 0,
	    { "\xcc\x81"
	      "a\n" },
	    "0|a\n" },
	{ "line starts with its first glyph", 0, { "\x1b[0m", "text\n" },
	    "1|text\n" },
	{ "line time survives events", 0, { "first", " part\n" },
	    "0|first part\n" },
	{ "erased line restarts its time", 0,
	    { "hidden", "\r\x1b[K", "shown\n" }, "2|shown\n" },
	{ "vertical move ends the line", 0,
	    { "abc\x1b[1B"
	      "def\n" },
	    "0|abc\n0|   def\n" },
	{ "cursor up ends the line", 0,
	    { "abc\x1b[A"
	      "de\n" },
	    "0|abc\n0|   de\n" },
	{ "CUP on the same row", 0, { "\x1b[5;1Habc\x1b[5;10Hdef\n" },
	    "0|abc      def\n" },
	{ "CUP to another row", 0, { "\x1b[5;1Habc\x1b[6;1Hdef\n" },
	    "0|abc\n0|def\n" },
	{ "save and restore", 0,
	    { "abc\x1b"
	      "7\x1b[10Gxyz\x1b"
	      "8D\n" },
	    "0|abcD     xyz\n" },
	{ "SCOSC SCORC", 0, { "abc\x1b[s\x1b[10Gxyz\x1b[uD\n" },
	    "0|abcD     xyz\n" },
	{ "flush ends a partial line", 0, { "prompt$ " }, "0|prompt$\n" },
	{ "flush of spaces is nothing", 0, { "   " }, "" },
	{ "flush of a cut sequence", 0, { "ab\xe2\x82" },
	    "0|ab\xef\xbf\xbd\n" },
	{ "unterminated OSC hides the rest", 0, { "a\x1b]0;title\n", "more\n" },
	    "0|a\n" },
	{ "CSI with many parameters", 0,
	    { "a\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20mb"
	      "\x1b[99999999999999999999Gc\n" },
	    NULL /* bounded, checked below */ },
};

struct collect {
	char buf[1 << 15];
	size_t len;
	int fail_at; /* return 7 from this line on (0: never) */
	int nlines;
	const char *name;
};

static int
collect_line(void *arg, const char *line, size_t len, int64_t t_ns)
{
	struct collect *c = arg;
	const unsigned char *p = (const unsigned char *)line;
	size_t i, k;
	int n;

	/* The promise: valid UTF-8, no control characters at all. */
	if (line[len] != '\0')
		fail_msg("%s: line not terminated", c->name);
	for (i = 0; i < len; i += k) {
		if ((k = sr_utf8_valid(p + i, len - i)) == 0 || p[i] < 0x20 ||
		    p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] < 0xa0))
			fail_msg("%s: bad byte %02x at %zu", c->name, p[i], i);
	}
	n = snprintf(c->buf + c->len, sizeof(c->buf) - c->len, "%lld|%.*s\n",
	    (long long)t_ns, (int)len, line);
	if (n > 0 && (size_t)n < sizeof(c->buf) - c->len)
		c->len += (size_t)n;
	c->nlines++;
	if (c->fail_at != 0 && c->nlines >= c->fail_at)
		return (7);
	return (0);
}

static void
run_case(const struct tv_case *tc, int bytewise, struct collect *c)
{
	struct sr_textview *tv;
	size_t i, j, len;
	int r;

	memset(c, 0, sizeof(*c));
	c->name = tc->name;
	if ((tv = sr_textview_new(tc->max_line, collect_line, c)) == NULL)
		fail_msg("%s: no textview", tc->name);
	for (i = 0; i < NEV && tc->in[i] != NULL; i++) {
		const unsigned char *s = (const unsigned char *)tc->in[i];

		len = strlen(tc->in[i]);
		if (!bytewise)
			r = sr_textview_feed(tv, s, len, (int64_t)i);
		else
			for (j = 0, r = 0; j < len && r == 0; j++)
				r = sr_textview_feed(tv, s + j, 1, (int64_t)i);
		if (r != 0)
			fail_msg("%s: feed returned %d", tc->name, r);
	}
	if ((r = sr_textview_flush(tv)) != 0)
		fail_msg("%s: flush returned %d", tc->name, r);
	sr_textview_free(tv);
}

static void
test_cases(void **state)
{
	struct collect *whole, *bytes;
	size_t i;

	(void)state;
	whole = malloc(sizeof(*whole));
	bytes = malloc(sizeof(*bytes));
	assert_non_null(whole);
	assert_non_null(bytes);
	for (i = 0; i < nitems(cases); i++) {
		const struct tv_case *tc = &cases[i];

		run_case(tc, 0, whole);
		run_case(tc, 1, bytes);
		if (tc->want != NULL && strcmp(whole->buf, tc->want) != 0)
			fail_msg("case %zu '%s': got\n%s\nwant\n%s", i,
			    tc->name, whole->buf, tc->want);
		if (strcmp(whole->buf, bytes->buf) != 0)
			fail_msg("case %zu '%s': byte by byte "
				 "got\n%s\nwant\n%s",
			    i, tc->name, bytes->buf, whole->buf);
	}
	free(whole);
	free(bytes);
}

/*
 * Hostile amplification: a few bytes must not become megabytes, and no
 * line may exceed max_line cells.
 */
static const struct bound_case {
	const char *in;
	size_t max_line;
	size_t max_out; /* bytes of all lines together */
} bound_cases[] = {
	{ "\x1b[65535Gx\n", 0, 1100 },
	{ "x\x1b[65535"
	  "b\n",
	    0, 1100 },
	{ "x\x1b[65535"
	  "b\x1b[65535"
	  "b\x1b[65535"
	  "b\n",
	    0, 1100 },
	{ "abc\r\x1b[65535@\n", 0, 1100 },
	{ "\x1b[65535C\x1b[65535C\x1b[65535Cx\n", 0, 1100 },
	{ "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	  "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	  "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	  "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	  "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	  "x\n",
	    0, 1100 },
	{ "\x1b[65535Gx\n", 16, 40 },
	{ "x\x1b[65535"
	  "b\n",
	    16, 40 },
	{ "\xe4\xb8\xad\x1b[65535"
	  "b\n",
	    16, 60 },
	{ "abcdefghijklmnopqrstuvwxyz\r\x1b[65535@\n", 16, 40 },
};

static void
test_bounds(void **state)
{
	struct collect *c;
	struct tv_case tc;
	size_t i;

	(void)state;
	c = malloc(sizeof(*c));
	assert_non_null(c);
	for (i = 0; i < nitems(bound_cases); i++) {
		memset(&tc, 0, sizeof(tc));
		tc.name = "bound";
		tc.max_line = bound_cases[i].max_line;
		tc.in[0] = bound_cases[i].in;
		run_case(&tc, 0, c);
		if (c->len > bound_cases[i].max_out || c->nlines == 0)
			fail_msg("case %zu: %zu bytes in %d lines", i, c->len,
			    c->nlines);
	}
	/* The many-parameter case of the table stays bounded too. */
	run_case(&cases[nitems(cases) - 1], 0, c);
	if (c->len > 1100 || strncmp(c->buf, "0|ab", 4) != 0)
		fail_msg("many parameters: %zu bytes '%.20s'", c->len, c->buf);
	free(c);
}

/* A non-zero callback result stops the feed and is returned. */
static void
test_callback_stops(void **state)
{
	struct collect *c;
	struct sr_textview *tv;
	static const char in[] = "one\ntwo\nthree\nfour\n";
	int r;

	(void)state;
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->name = "stop";
	c->fail_at = 2;
	tv = sr_textview_new(0, collect_line, c);
	assert_non_null(tv);
	r = sr_textview_feed(tv, (const unsigned char *)in, sizeof(in) - 1, 5);
	if (r != 7 || strcmp(c->buf, "5|one\n5|two\n") != 0)
		fail_msg("r %d lines '%s'", r, c->buf);
	/* Usable afterwards. */
	c->fail_at = 0;
	sr_textview_reset(tv);
	r = sr_textview_feed(tv, (const unsigned char *)"x\n", 2, 6);
	if (r != 0 || strcmp(c->buf, "5|one\n5|two\n6|x\n") != 0)
		fail_msg("after: r %d lines '%s'", r, c->buf);
	sr_textview_free(tv);
	free(c);
}

/* Reset forgets the partial line and any sequence in progress. */
static void
test_reset(void **state)
{
	struct collect *c;
	struct sr_textview *tv;

	(void)state;
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->name = "reset";
	tv = sr_textview_new(0, collect_line, c);
	assert_non_null(tv);
	sr_textview_feed(tv, (const unsigned char *)"partial\x1b]0;ti", 13, 1);
	sr_textview_reset(tv);
	sr_textview_feed(tv, (const unsigned char *)"x\xe2", 2, 2);
	sr_textview_reset(tv);
	/* Without the E2, 0x82 is a lone C1 control, not U+FFFD. */
	sr_textview_feed(tv, (const unsigned char *)"\x82y\n", 3, 3);
	sr_textview_flush(tv);
	if (strcmp(c->buf, "3|y\n") != 0)
		fail_msg("got '%s'", c->buf);
	/* NUL is ignored like other C0 controls. */
	sr_textview_feed(tv, (const unsigned char *)"a\0b\n", 4, 4);
	if (strcmp(c->buf, "3|y\n4|ab\n") != 0)
		fail_msg("NUL: got '%s'", c->buf);
	sr_textview_free(tv);
	sr_textview_free(NULL);
	free(c);
}

/*
 * The real sample: ttyrec records (12-byte little-endian headers), fed
 * one record per event as a reader would.
 */
static void
test_probe_sample(void **state)
{
	struct collect *c;
	struct sr_textview *tv;
	unsigned char buf[4096];
	size_t n, off = 0;
	FILE *f;
	uint32_t len;

	(void)state;
	f = fopen(unit_srcpath("samples/escape-probes/inject-probe.ttyrec"),
	    "rb");
	if (f == NULL)
		fail_msg("cannot open the probe sample (SR_SRCDIR?)");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->name = "probe sample";
	tv = sr_textview_new(0, collect_line, c);
	assert_non_null(tv);
	while (off + 12 <= n) {
		len = sr_le32(buf + off + 8);
		if (len > n - off - 12)
			fail_msg("truncated record at %zu", off);
		sr_textview_feed(tv, buf + off + 12, len,
		    (int64_t)sr_le32(buf + off) * SR_NSEC_PER_SEC +
			(int64_t)sr_le32(buf + off + 4) * 1000);
		off += 12 + len;
	}
	sr_textview_flush(tv);
	if (strcmp(c->buf,
		"1700000000100000000|normal text\n"
		"1700000000700000000|visible\n") != 0)
		fail_msg("got '%s'", c->buf);
	sr_textview_free(tv);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_probe_sample),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
