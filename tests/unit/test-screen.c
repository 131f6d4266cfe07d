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
 * Terminal screen (lib/filter/screen.c): what a viewer would have seen,
 * checked as a text dump, cells and cursor.  Every case is also fed one
 * byte at a time, so that sequences and UTF-8 split anywhere carry over,
 * and the escape probes check that nothing a terminal would act on
 * comes out and that the emulator's replies were dropped.
 */
#include <dirent.h>

#include "unit.h"

#define ESC "\033"
#define CSI "\033["

struct cell_want {
	unsigned row, col;
	uint32_t ch0, ch1;
	unsigned width;
	unsigned attrs;
	enum sr_color_kind fgk, bgk;
	uint8_t fgi, bgi; /* SR_COLOR_INDEX */
	uint8_t r, g, b;  /* fg when SR_COLOR_RGB */
};

#define NO_CUR	 -1
#define MAXCELLS 6

static const struct screen_case {
	const char *name;
	unsigned rows, cols;
	const char *in;
	size_t splits[4];      /* feed boundaries, ascending, 0 ends */
	size_t resize_at;      /* 0: none */
	unsigned rrows, rcols; /* resize to */
	unsigned want_rows, want_cols;
	const char *text;     /* NULL: not checked */
	int crow, ccol, cvis; /* NO_CUR: not checked */
	int alt;	      /* -1: not checked */
	int replies;	      /* -1: not checked, 1: > 0, 0: none */
	struct cell_want cells[MAXCELLS];
} cases[] = {
	{ "plain", 5, 20, "hello\r\nworld", { 3, 9 }, 0, 0, 0, 5, 20,
	    "hello\nworld\n", 1, 5, 1, 0, 0, { { 0 } } },
	{ "empty", 5, 20, "", { 0 }, 0, 0, 0, 5, 20, "", 0, 0, 1, 0, 0,
	    { { 0 } } },
	{ "wrap", 3, 5, "abcdefgh", { 0 }, 0, 0, 0, 3, 5, "abcde\nfgh\n", 1, 3,
	    1, -1, -1, { { 0 } } },
	{ "trailing rows and blanks", 5, 10, "\r\n\r\nx   \r\n\r\n", { 0 }, 0,
	    0, 0, 5, 10, "\n\nx\n", 4, 0, 1, -1, -1, { { 0 } } },
	{ "cr overwrite", 3, 20, "hidden\r" CSI "2Kvisible", { 8 }, 0, 0, 0, 3,
	    20, "visible\n", 0, 7, 1, -1, 0, { { 0 } } },
	{ "cr overwrite shorter", 3, 20, "abcdef\rXY", { 0 }, 0, 0, 0, 3, 20,
	    "XYcdef\n", 0, 2, 1, -1, -1, { { 0 } } },
	{ "backspace", 3, 20, "helk\b" CSI "Klo", { 5 }, 0, 0, 0, 3, 20,
	    "hello\n", 0, 5, 1, -1, -1, { { 0 } } },
	{ "erase line right", 3, 20, "abcdef" CSI "3D" CSI "K", { 0 }, 0, 0, 0,
	    3, 20, "abc\n", 0, 3, 1, -1, -1, { { 0 } } },
	{ "erase line left", 3, 20, "abcdef" CSI "3D" CSI "1K", { 0 }, 0, 0, 0,
	    3, 20, "    ef\n", 0, 3, 1, -1, -1, { { 0 } } },
	{ "erase screen", 3, 20, "one\r\ntwo" CSI "2J", { 0 }, 0, 0, 0, 3, 20,
	    "", 1, 3, 1, -1, -1, { { 0 } } },
	{ "erase below", 3, 20, "one\r\ntwo\r\nsix" CSI "2;1H" CSI "J", { 0 },
	    0, 0, 0, 3, 20, "one\n", 1, 0, 1, -1, -1, { { 0 } } },
	{ "cursor movement", 5, 20,
	    CSI "3;5Hx" CSI "A"
		"y" CSI "2B" CSI "4D"
		"z" CSI "H"
		"w",
	    { 2, 10 }, 0, 0, 0, 5, 20, "w\n     y\n    x\n  z\n", 0, 1, 1, -1,
	    -1, { { 0 } } },
	{ "cursor clamped", 3, 10,
	    CSI "99;99H"
		"q",
	    { 0 }, 0, 0, 0, 3, 10, "\n\n         q\n", 2, 9, 1, -1, -1,
	    { { 0 } } },
	{ "scroll region", 5, 10,
	    "top\r\n1\r\n2\r\n3\r\nbottom" CSI "2;4r" CSI "4;1H\n4", { 0 }, 0,
	    0, 0, 5, 10, "top\n2\n3\n4\nbottom\n", 3, 1, 1, -1, -1, { { 0 } } },
	{ "scroll whole", 3, 10, "a\r\nb\r\nc\r\nd", { 0 }, 0, 0, 0, 3, 10,
	    "b\nc\nd\n", 2, 1, 1, -1, -1, { { 0 } } },
	{ "altscreen in", 4, 20,
	    "$ vim f\r\n" CSI "?1049h" CSI "H" CSI "2J"
	    "~ vim\r\n~",
	    { 12, 17 }, 0, 0, 0, 4, 20, "~ vim\n~\n", 1, 1, 1, 1, -1,
	    { { 0 } } },
	{ "altscreen out", 4, 20,
	    "$ vim f\r\n" CSI "?1049h" CSI "H" CSI "2J"
	    "~ vim\r\n~" CSI "?1049l"
	    "$ ",
	    { 12, 40 }, 0, 0, 0, 4, 20, "$ vim f\n$\n", 1, 2, 1, 0, -1,
	    { { 0 } } },
	{ "altscreen 1047", 4, 20,
	    "orig" CSI "?1047h"
	    "alt",
	    { 0 }, 0, 0, 0, 4, 20, "    alt\n", 0, 7, 1, 1, -1, { { 0 } } },
	{ "cursor hidden", 3, 10,
	    CSI "?25l"
		"x",
	    { 3 }, 0, 0, 0, 3, 10, "x\n", 0, 1, 0, -1, -1, { { 0 } } },
	{ "cursor shown again", 3, 10, CSI "?25l" CSI "?25h", { 0 }, 0, 0, 0, 3,
	    10, "", 0, 0, 1, -1, -1, { { 0 } } },
	{ "sgr 16", 3, 20,
	    CSI "1;31;42mA" CSI "0m"
		"B" CSI "4;3;5;7;9;94;103mC",
	    { 4, 12 }, 0, 0, 0, 3, 20, "ABC\n", -1, -1, -1, -1, -1,
	    { { 0, 0, 'A', 0, 1, SR_CA_BOLD, SR_COLOR_INDEX, SR_COLOR_INDEX, 1,
		  2, 0, 0, 0 },
		{ 0, 1, 'B', 0, 1, 0, SR_COLOR_DEFAULT, SR_COLOR_DEFAULT, 0, 0,
		    0, 0, 0 },
		{ 0, 2, 'C', 0, 1,
		    SR_CA_UNDERLINE | SR_CA_ITALIC | SR_CA_BLINK |
			SR_CA_REVERSE | SR_CA_STRIKE,
		    SR_COLOR_INDEX, SR_COLOR_INDEX, 12, 11, 0, 0, 0 } } },
	{ "sgr 256", 3, 20, CSI "38;5;208;48;5;17mX", { 7 }, 0, 0, 0, 3, 20,
	    "X\n", -1, -1, -1, -1, -1,
	    { { 0, 0, 'X', 0, 1, 0, SR_COLOR_INDEX, SR_COLOR_INDEX, 208, 17, 0,
		0, 0 } } },
	{ "sgr truecolor", 3, 20, CSI "38;2;10;20;30mX" CSI "39mY", { 9 }, 0, 0,
	    0, 3, 20, "XY\n", -1, -1, -1, -1, -1,
	    { { 0, 0, 'X', 0, 1, 0, SR_COLOR_RGB, SR_COLOR_DEFAULT, 0, 0, 10,
		  20, 30 },
		{ 0, 1, 'Y', 0, 1, 0, SR_COLOR_DEFAULT, SR_COLOR_DEFAULT, 0, 0,
		    0, 0, 0 } } },
	{ "sgr dim and conceal ignored", 3, 20, CSI "2;8mX", { 0 }, 0, 0, 0, 3,
	    20, "X\n", -1, -1, -1, -1, -1,
	    { { 0, 0, 'X', 0, 1, 0, SR_COLOR_DEFAULT, SR_COLOR_DEFAULT, 0, 0, 0,
		0, 0 } } },
	{ "wide cjk and emoji", 3, 20, "\xe4\xb8\xad\xf0\x9f\x98\x80x",
	    { 2, 5 }, 0, 0, 0, 3, 20, "\xe4\xb8\xad\xf0\x9f\x98\x80x\n", 0, 5,
	    1, -1, -1,
	    { { 0, 0, 0x4e2d, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 2, 0x1f600, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 4, 'x', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "wide wraps at the edge", 3, 5, "abcd\xe4\xb8\xad", { 0 }, 0, 0, 0, 3,
	    5, "abcd\n\xe4\xb8\xad\n", 1, 2, 1, -1, -1,
	    { { 1, 0, 0x4e2d, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "combining", 3, 20, "e\xcc\x81!", { 2 }, 0, 0, 0, 3, 20,
	    "e\xcc\x81!\n", 0, 2, 1, -1, -1,
	    { { 0, 0, 'e', 0x301, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 1, '!', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "bidi and format escaped", 3, 40,
	    "a\xe2\x80\xae"
	    "b\xe2\x80\x8f"
	    "c\xe2\x81\xa6"
	    "d\xe2\x80\xa8"
	    "e\\",
	    { 2 }, 0, 0, 0, 3, 40,
	    "a\\xe2\\x80\\xaeb\\xe2\\x80\\x8fc\\xe2\\x81\\xa6d\\xe2\\x80\\xa8e"
	    "\\\\\n",
	    -1, -1, -1, -1, -1, { { 0 } } },
	{ "c1 code point escaped", 3, 20,
	    "a\xc2\x9b"
	    "31mb",
	    { 2 }, 0, 0, 0, 3, 20, NULL, -1, -1, -1, -1, -1, { { 0 } } },
	{ "resize bigger", 2, 5, "abcdefg", { 0 }, 7, 4, 10, 4, 10, NULL, -1,
	    -1, -1, -1, -1, { { 0 } } },
	{ "resize smaller", 4, 10, "one\r\ntwo\r\nthree", { 0 }, 15, 4, 3, 4, 3,
	    "one\ntwo\nthr\n", -1, -1, -1, -1, -1, { { 0 } } },
	{ "resize then draw", 2, 5, "abcdefghij", { 0 }, 2, 3, 12, 3, 12,
	    "abcdefghij\n", 0, 10, 1, -1, -1, { { 0 } } },
	/* Columns start at 2: libvterm 0.1.4 crashes on wide in one. */
	{ "clamp zero", 0, 0, "xy", { 0 }, 0, 0, 0, 1, 2, "xy\n", 0, 1, 1, -1,
	    -1, { { 0 } } },
	{ "wide in one column", 3, 1, "\xe4\xb8\xad", { 1 }, 0, 0, 0, 3, 2,
	    "\xe4\xb8\xad\n", -1, -1, -1, -1, -1, { { 0 } } },
	{ "resize to one column", 3, 5, "ab\xe4\xb8\xad", { 0 }, 2, 3, 1, 3, 2,
	    NULL, -1, -1, -1, -1, -1, { { 0 } } },
	{ "clamp huge", 5000, 5000, "x", { 0 }, 0, 0, 0, SR_SCREEN_MAX,
	    SR_SCREEN_MAX, "x\n", 0, 1, 1, -1, -1, { { 0 } } },
	{ "resize clamp", 3, 3, "x", { 0 }, 1, 0, 5000, 1, SR_SCREEN_MAX, "x\n",
	    -1, -1, -1, -1, -1, { { 0 } } },
	{ "dsr reply dropped", 3, 10, CSI "6n", { 2 }, 0, 0, 0, 3, 10, "", 0, 0,
	    1, -1, 1, { { 0 } } },
	/*
	 * DCS contents never reach libvterm 0.1.4 (its DECRQSS reply code
	 * is unsafe), so there is no reply and no newline acted on.
	 */
	{ "decrqss dropped", 3, 10, ESC "P$qm" ESC "\\", { 4 }, 0, 0, 0, 3, 10,
	    "", 0, 0, 1, -1, 0, { { 0 } } },
	{ "decrqss with newlines", 3, 10, ESC "P$q\nid\n" ESC "\\x", { 5 }, 0,
	    0, 0, 3, 10, "x\n", 0, 1, 1, -1, 0, { { 0 } } },
	{ "da reply dropped", 3, 10, CSI "c" CSI ">c", { 0 }, 0, 0, 0, 3, 10,
	    "", -1, -1, -1, -1, 1, { { 0 } } },
	/* libvterm 0.1.4 implements no window reports: nothing to drop. */
	{ "title report", 3, 10, ESC "]0;PWNED\a" CSI "21t", { 4 }, 0, 0, 0, 3,
	    10, "", 0, 0, 1, -1, 0, { { 0 } } },
	{ "osc 52 invisible", 3, 10, ESC "]52;c;ZWNobyBwd25lZA==\a", { 6 }, 0,
	    0, 0, 3, 10, "", 0, 0, 1, -1, 0, { { 0 } } },
	/* libvterm 0.1.4 crashes past 16 CSI parameters. */
	{ "many csi parameters", 3, 10,
	    CSI "1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mX" CSI
		"0;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;Hy",
	    { 20 }, 0, 0, 0, 3, 10, "y\n", 0, 1, 1, -1, -1, { { 0 } } },
	{ "8-bit csi is not csi in utf-8", 3, 10,
	    "\x9b"
	    "2J"
	    "x",
	    { 0 }, 0, 0, 0, 3, 10, NULL, -1, -1, -1, -1, -1, { { 0 } } },
};

static size_t
case_len(const struct screen_case *c)
{
	return (strlen(c->in));
}

/* Feeds c->in in the pieces the case names, or byte by byte. */
static struct sr_screen *
run_case(const struct screen_case *c, int bytewise)
{
	struct sr_screen *s;
	size_t len = case_len(c), pos = 0, end, k = 0;

	s = sr_screen_new(c->rows, c->cols);
	assert_non_null(s);
	while (pos < len) {
		if (bytewise)
			end = pos + 1;
		else {
			while (
			    k < 4 && c->splits[k] != 0 && c->splits[k] <= pos)
				k++;
			end = k < 4 && c->splits[k] != 0 ? c->splits[k] : len;
		}
		if (c->resize_at > pos && c->resize_at < end)
			end = c->resize_at;
		if (end > len)
			end = len;
		sr_screen_feed(s, c->in + pos, end - pos);
		pos = end;
		if (pos == c->resize_at)
			sr_screen_resize(s, c->rrows, c->rcols);
	}
	return (s);
}

/* Nothing a terminal would act on: no C0 but \n, no DEL, no C1. */
static void
assert_inert(const char *name, const char *t, size_t len)
{
	size_t i;
	unsigned char ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)t[i];
		if ((ch < 0x20 && ch != '\n') || ch == 0x7f ||
		    (ch == 0xc2 && i + 1 < len &&
			(unsigned char)t[i + 1] >= 0x80 &&
			(unsigned char)t[i + 1] < 0xa0))
			fail_msg("%s: control byte 0x%02x at %zu", name, ch, i);
	}
}

static void
check_case(const struct screen_case *c, struct sr_screen *s, int bytewise)
{
	const char *how = bytewise ? "bytewise" : "split";
	struct sr_buf b;
	struct sr_cell cell;
	unsigned rows, cols, r, col;
	int vis;
	size_t i;

	sr_buf_init(&b, 1 << 24);
	assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
	assert_inert(c->name, b.data, b.len);
	if (c->text != NULL && strcmp(b.data, c->text) != 0)
		fail_msg("%s (%s): text [%s], want [%s]", c->name, how, b.data,
		    c->text);
	sr_buf_release(&b);
	sr_screen_size(s, &rows, &cols);
	if (rows != c->want_rows || cols != c->want_cols)
		fail_msg("%s (%s): size %ux%u, want %ux%u", c->name, how, rows,
		    cols, c->want_rows, c->want_cols);
	sr_screen_cursor(s, &r, &col, &vis);
	if (c->crow != NO_CUR &&
	    ((int)r != c->crow || (int)col != c->ccol || vis != c->cvis))
		fail_msg("%s (%s): cursor %u,%u,%d, want %d,%d,%d", c->name,
		    how, r, col, vis, c->crow, c->ccol, c->cvis);
	if (c->alt != -1 && sr_screen_altscreen(s) != c->alt)
		fail_msg("%s (%s): altscreen %d", c->name, how,
		    sr_screen_altscreen(s));
	if (c->replies != -1 && !(c->replies == 2 && bytewise) &&
	    (sr_screen_replies(s) > 0) != (c->replies != 0))
		fail_msg("%s (%s): %llu replies", c->name, how,
		    (unsigned long long)sr_screen_replies(s));
	for (i = 0; i < MAXCELLS; i++) {
		const struct cell_want *w = &c->cells[i];

		if (i > 0 && w->row == 0 && w->col == 0)
			break;
		if (i == 0 && w->ch0 == 0 && w->width == 0)
			break;
		sr_screen_cell(s, w->row, w->col, &cell);
		if (cell.ch[0] != w->ch0 || cell.ch[1] != w->ch1 ||
		    cell.width != w->width)
			fail_msg("%s (%s): cell %u,%u: U+%04x U+%04x w%u, want "
				 "U+%04x U+%04x w%u",
			    c->name, how, w->row, w->col, cell.ch[0],
			    cell.ch[1], cell.width, w->ch0, w->ch1, w->width);
		if (w->width == 0)
			continue;
		if (cell.attrs != w->attrs || cell.fg.kind != w->fgk ||
		    cell.bg.kind != w->bgk)
			fail_msg("%s (%s): cell %u,%u: attrs %#x fg %d bg %d",
			    c->name, how, w->row, w->col, cell.attrs,
			    cell.fg.kind, cell.bg.kind);
		if ((w->fgk == SR_COLOR_INDEX && cell.fg.index != w->fgi) ||
		    (w->bgk == SR_COLOR_INDEX && cell.bg.index != w->bgi) ||
		    (w->fgk == SR_COLOR_RGB &&
			(cell.fg.r != w->r || cell.fg.g != w->g ||
			    cell.fg.b != w->b)))
			fail_msg("%s (%s): cell %u,%u: colour fg %u %u/%u/%u "
				 "bg %u",
			    c->name, how, w->row, w->col, cell.fg.index,
			    cell.fg.r, cell.fg.g, cell.fg.b, cell.bg.index);
	}
}

static void
test_cases(void **state)
{
	size_t i;
	struct sr_screen *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = run_case(&cases[i], 0);
		check_case(&cases[i], s, 0);
		sr_screen_free(s);
		s = run_case(&cases[i], 1);
		check_case(&cases[i], s, 1);
		sr_screen_free(s);
	}
}

/* Outside the screen: a blank cell; after a shrink, the cursor inside. */
static void
test_outside(void **state)
{
	struct sr_screen *s;
	struct sr_cell c;
	unsigned r, col;
	int vis;

	(void)state;
	s = sr_screen_new(5, 10);
	assert_non_null(s);
	sr_screen_feed(s, CSI "5;10Hx", 7);
	sr_screen_cell(s, 5, 0, &c);
	assert_int_equal(c.ch[0], 0);
	assert_int_equal(c.width, 1);
	sr_screen_cell(s, 0, 10, &c);
	assert_int_equal(c.ch[0], 0);
	sr_screen_cell(s, 4000000000u, 4000000000u, &c);
	assert_int_equal(c.fg.kind, SR_COLOR_DEFAULT);
	sr_screen_resize(s, 2, 3);
	sr_screen_cursor(s, &r, &col, &vis);
	assert_true(r < 2 && col < 3);
	sr_screen_free(s);
	sr_screen_free(NULL);
}

/* A full buffer: an error and the buffer as it was. */
static void
test_text_limit(void **state)
{
	struct sr_screen *s;
	struct sr_buf b;

	(void)state;
	s = sr_screen_new(3, 10);
	assert_non_null(s);
	sr_screen_feed(s, "abc\r\ndef", 8);
	sr_buf_init(&b, 6);
	assert_int_equal(sr_buf_append(&b, "xy", 2), SR_E_NONE);
	assert_int_equal(sr_screen_text(s, &b), SR_E_LIMIT);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "xy");
	sr_buf_release(&b);
	sr_screen_free(s);
}

/* Every escape probe file fed whole: inert text, replies dropped. */
static void
test_probes(void **state)
{
	static const char *const files[] = { "inject-probe.cast",
		"inject-probe.typescript", "inject-probe.ttyrec" };
	char path[256], *data;
	struct sr_screen *s;
	struct sr_buf b;
	size_t i, len;
	FILE *fp;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "tests/fuzz/corpus/fuzz-screen/%s",
		    files[i]);
		if ((fp = fopen(unit_srcpath(path), "rb")) == NULL)
			fail_msg("%s: cannot open", path);
		data = malloc(1 << 16);
		assert_non_null(data);
		len = fread(data, 1, 1 << 16, fp);
		fclose(fp);
		s = sr_screen_new(24, 80);
		assert_non_null(s);
		sr_screen_feed(s, data, len);
		sr_buf_init(&b, 1 << 20);
		assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
		assert_inert(files[i], b.data, b.len);
		/*
		 * The .cast holds the bytes JSON-escaped: they show as text,
		 * which must still be inert.
		 */
		if (strstr(files[i], ".cast") != NULL) {
			if (strstr(b.data, "u001b[6n") == NULL)
				fail_msg("%s: %s", files[i], b.data);
		} else {
			if (sr_screen_replies(s) == 0)
				fail_msg("%s: no reply counted", files[i]);
			if (strstr(b.data, "PWNED") != NULL ||
			    strstr(b.data, "ZWNob") != NULL ||
			    strstr(b.data, "hidden") != NULL ||
			    strstr(b.data, "visible") == NULL)
				fail_msg("%s: wrong screen: %s", files[i],
				    b.data);
		}
		sr_buf_release(&b);
		sr_screen_free(s);
		free(data);
	}
}

int main(void);
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_probes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
