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
 * comes out and that the emulator's replies were dropped.  The cases
 * include what the pre-filter keeps from libvterm 0.1.4 (crashes, hangs,
 * reports).  Snapshots are checked by equivalence: a screen restored
 * from one must behave as the original for whatever output follows.
 */
#include <dirent.h>

#include "unit.h"

#define ESC  "\033"
#define CSI  "\033["
#define FFFD "\xef\xbf\xbd"

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
	/*
	 * The text is what the player draws: format controls as U+FFFD
	 * (here they sit in the cell before, as combining marks), and a
	 * backslash as it is.
	 */
	{ "bidi and format replaced, backslash kept", 3, 40,
	    "a\xe2\x80\xae"
	    "b\xe2\x80\x8f"
	    "c\xe2\x81\xa6"
	    "d\xe2\x80\xa8"
	    "e\\ \\x41\xef\xbf\xbe",
	    { 2 }, 0, 0, 0, 3, 40,
	    "a\xef\xbf\xbd"
	    "b\xef\xbf\xbd"
	    "c\xef\xbf\xbd"
	    "d\xef\xbf\xbd"
	    "e\\ \\x41\xef\xbf\xbd\n",
	    -1, -1, -1, -1, -1,
	    { { 0, 0, 'a', 0x202e, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "backslashes as shown", 3, 40, "back\\slash \\\\ \\n\\x1b", { 5 }, 0,
	    0, 0, 3, 40, "back\\slash \\\\ \\n\\x1b\n", 0, 20, 1, -1, -1,
	    { { 0 } } },
	/*
	 * Invalid UTF-8: one U+FFFD per maximal invalid subpart, written
	 * by the pre-filter (libvterm's decoder never sees it), the same
	 * whole, split or byte by byte: C0 80 overlong, ED A0 80
	 * surrogate, F5 and FF FE never leads, E0 80 overlong, F4 90
	 * past U+10FFFF, F8 a 5-byte form, F0 9F 98 truncated.
	 */
	{ "invalid utf-8 as U+FFFD", 3, 40,
	    "a\x80"
	    "b\xc0\x80"
	    "c\xed\xa0\x80"
	    "d\xf5"
	    "e\xff\xfe"
	    "f\xe0\x80"
	    "g\xf4\x90\x80\x80"
	    "h\xf8\x88\x80\x80\x80"
	    "i\xf0\x9f\x98"
	    "j",
	    { 3, 11, 20 }, 0, 0, 0, 3, 40,
	    "a" FFFD "b" FFFD FFFD "c" FFFD FFFD FFFD "d" FFFD "e" FFFD FFFD
	    "f" FFFD FFFD "g" FFFD FFFD FFFD FFFD "h" FFFD FFFD FFFD FFFD FFFD
	    "i" FFFD "j\n",
	    0, 31, 1, -1, -1,
	    { { 0, 1, 0xfffd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 2, 'b', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	/*
	 * D-10: libvterm 0.1.4 kept a cut sequence across CR LF and
	 * showed its U+FFFD at the start of the next line; it belongs
	 * where the cut character was, in one feed or split.
	 */
	{ "cut sequence before cr lf", 3, 20, "abc\xe2\x82\r\nline", { 5 }, 0,
	    0, 0, 3, 20, "abc" FFFD "\nline\n", 1, 4, 1, -1, -1,
	    { { 0, 3, 0xfffd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 1, 0, 'l', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "cut sequence before an escape", 3, 20,
	    "x\xe2\x82" CSI "1my\xe0" CSI "0mz", { 2, 8 }, 0, 0, 0, 3, 20,
	    "x" FFFD "y" FFFD "z\n", 0, 5, 1, -1, -1,
	    { { 0, 2, 'y', 0, 1, SR_CA_BOLD, 0, 0, 0, 0, 0, 0, 0 },
		{ 0, 4, 'z', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	/* A held lead byte given up on a byte that cannot follow it. */
	{ "held sequence given up", 3, 20,
	    "a\xe0\x80"
	    "b\xf0\x9f\x98\xf0\x9f\x98\x80",
	    { 2, 6, 8 }, 0, 0, 0, 3, 20,
	    "a" FFFD FFFD "b" FFFD "\xf0\x9f\x98\x80\n", 0, 7, 1, -1, -1,
	    { { 0 } } },
	/*
	 * libvterm 0.1.4 finished C2 .. 9C across the control into
	 * U+009C, of width -1: with insert mode on, a memmove() of
	 * negative size in vterm_scroll_rect() (found by fuzzing).
	 */
	{ "insert mode and a sequence broken by a control", 2, 2,
	    CSI "4h;21;" ESC "B\xc2\x01\x9c"
		"3",
	    { 0 }, 0, 0, 0, 2, 2, FFFD FFFD "\n3\n", 1, 1, 1, -1, -1,
	    { { 0 } } },
	{ "sequence broken by a control", 3, 20,
	    "\xc2\x01\x9c"
	    "a\xe2\x82\b\xac"
	    "b",
	    { 1, 5 }, 0, 0, 0, 3, 20, FFFD FFFD "a" FFFD "b\n", 0, 5, 1, -1, -1,
	    { { 0 } } },
	/*
	 * libvterm 0.1.4 takes U+0080..U+009F for text of width -1 and
	 * steps back (left of column 0 at a row's start): U+FFFD instead.
	 */
	{ "c1 code point replaced", 3, 20,
	    "a\xc2\x9b"
	    "31mb",
	    { 2 }, 0, 0, 0, 3, 20,
	    "a\xef\xbf\xbd"
	    "31mb\n",
	    0, 6, 1, -1, -1,
	    { { 0, 1, 0xfffd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "c1 code point at column 0", 3, 20,
	    "\xc2\x9b"
	    "2J\xc2\x85"
	    "x\xc2\x9d"
	    "0;t\a",
	    { 1 }, 0, 0, 0, 3, 20,
	    "\xef\xbf\xbd"
	    "2J\xef\xbf\xbdx\xef\xbf\xbd"
	    "0;t\n",
	    0, 9, 1, -1, 0, { { 0 } } },
	{ "8-bit c1 bytes are not controls", 3, 20,
	    "\x9b"
	    "2J\x9d"
	    "0;t\a\x90q\x9c"
	    "x",
	    { 3 }, 0, 0, 0, 3, 20,
	    "\xef\xbf\xbd"
	    "2J\xef\xbf\xbd"
	    "0;t\xef\xbf\xbdq\xef\xbf\xbdx\n",
	    0, 11, 1, -1, 0, { { 0 } } },
	{ "window ops dropped", 3, 10,
	    CSI "8;50;50t" CSI "4;999;999t" CSI "21t" CSI "14t" CSI "3;1;1t"
		"x",
	    { 3 }, 0, 0, 0, 3, 10, "x\n", 0, 1, 1, -1, 0, { { 0 } } },
	{ "apc pm sos dropped", 3, 20,
	    "a" ESC "_hidden\r\n" ESC "\\b" ESC "^pm\x07still" ESC "\\c" ESC
	    "Xsos" ESC "\\d",
	    { 4 }, 0, 0, 0, 3, 20, "abcd\n", 0, 4, 1, -1, 0, { { 0 } } },
	{ "sixel dropped", 3, 20,
	    "a" ESC "Pq#0;2;0;0;0#1!99999~-\n\n" ESC "\\b", { 5 }, 0, 0, 0, 3,
	    20, "ab\n", 0, 2, 1, -1, 0, { { 0 } } },
	/*
	 * libvterm 0.1.4 loops forever on REP after a glyph of width 0
	 * (none yet, or a lone combining mark): dropped then.
	 */
	{ "rep without a glyph", 3, 10, CSI "3bx" CSI "b", { 0 }, 0, 0, 0, 3,
	    10, "xx\n", 0, 2, 1, -1, -1, { { 0 } } },
	{ "rep after a lone combining mark", 3, 10,
	    "a" CSI "2;1H\xcc\x81" CSI "3bz", { 0 }, 0, 0, 0, 3, 10, NULL, 1, 1,
	    1, -1, -1, { { 0 } } },
	{ "rep after controls and a csi", 3, 10, "ab\r" CSI "1m" CSI "2b",
	    { 0 }, 0, 0, 0, 3, 10, "bb\n", 0, 2, 1, -1, -1,
	    { { 0, 0, 'b', 0, 1, SR_CA_BOLD, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "rep of box drawing and wide", 3, 10,
	    "\xe2\x94\x80" CSI "2b\r\n\xe4\xb8\xad" CSI "3b", { 0 }, 0, 0, 0, 3,
	    10, NULL, 1, 6, 1, -1, -1,
	    { { 0, 2, 0x2500, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 1, 4, 0x4e2d, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 } } },
	/* libvterm 0.1.4 repeats up to the end of the line. */
	{ "huge rep capped", 3, 10, "x" CSI "99999b" CSI "Hy", { 4 }, 0, 0, 0,
	    3, 10, "yxxxxxxxxx\n", 0, 1, 1, -1, -1, { { 0 } } },
	{ "huge values capped", 3, 10,
	    CSI "99999;99999Hq" CSI "999999999999999999999A"
		"r",
	    { 4 }, 0, 0, 0, 3, 10, "         r\n\n         q\n", 0, 9, 1, -1,
	    -1, { { 0 } } },
	{ "decstbm top >= bottom dropped", 4, 10,
	    "a\r\nb\r\nc\r\nd" CSI "3;2r" CSI "4;4r" CSI "0;0r" CSI "4;1H\ne",
	    { 0 }, 0, 0, 0, 4, 10, "b\nc\nd\ne\n", 3, 1, 1, -1, -1, { { 0 } } },
	{ "decstbm zero top is one", 4, 10,
	    "a\r\nb\r\nc\r\nd" CSI "0;3r" CSI "3;1H\ne", { 0 }, 0, 0, 0, 4, 10,
	    "b\nc\ne\nd\n", 2, 1, 1, -1, -1, { { 0 } } },
	{ "unfinished escapes before text", 3, 20,
	    ESC "(" CSI "1;" ESC "[31" ESC ESC "\x18x" ESC "%G" ESC " Gy",
	    { 3 }, 0, 0, 0, 3, 20, "xy\n", 0, 2, 1, -1, -1, { { 0 } } },
	{ "csi cancelled and aborted", 3, 20,
	    CSI "1\x18"
		"a" CSI "2\x1a"
		"b" CSI "1\xc3\xa9"
		"c",
	    { 0 }, 0, 0, 0, 3, 20,
	    "a"
	    "b\xc3\xa9"
	    "c\n",
	    0, 4, 1, -1, -1, { { 0 } } },
	{ "control inside csi acts", 3, 20, "ab" CSI "1\b;4mc", { 4 }, 0, 0, 0,
	    3, 20, "ac\n", 0, 2, 1, -1, -1,
	    { { 0, 1, 'c', 0, 1, SR_CA_BOLD | SR_CA_UNDERLINE, 0, 0, 0, 0, 0, 0,
		0 } } },
	{ "osc to bel and st", 3, 20,
	    ESC "]0;title\a"
		"a" ESC "]2;t\r\nt" ESC "\\b" ESC "]8;;x\x18"
		"c" ESC "]1;y" ESC "[1md",
	    { 7 }, 0, 0, 0, 3, 20, "abcd\n", 0, 4, 1, -1, 0,
	    { { 0, 3, 'd', 0, 1, SR_CA_BOLD, 0, 0, 0, 0, 0, 0, 0 } } },
	{ "resize bigger", 2, 5, "abcdefg", { 0 }, 7, 4, 10, 4, 10, NULL, -1,
	    -1, -1, -1, -1, { { 0 } } },
	{ "resize smaller", 4, 10, "one\r\ntwo\r\nthree", { 0 }, 15, 4, 3, 4, 3,
	    "one\ntwo\nthr\n", -1, -1, -1, -1, -1, { { 0 } } },
	/*
	 * libvterm 0.1.4 moves the cursor up with the lines a shrink
	 * pushes off the top, above row 0 if it was higher: put back.
	 */
	{ "shrink with the cursor above the content", 30, 20,
	    "a\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	    "\r\n\r\nb" CSI "Hq" CSI "K",
	    { 0 }, 35, 10, 20, 10, 20, "q\n\n\n\n\n\n\n\n\nb\n", 0, 1, 1, -1,
	    -1, { { 0 } } },
	/*
	 * libvterm 0.1.4 keeps a scrolling region a shrink cut (below the
	 * screen here: line feeds would scroll nothing, other scrolls crash):
	 * set again, cut, or none.
	 */
	{ "shrink below the scrolling region", 10, 10,
	    "a\r\nb\r\nc" CSI "6;9r" CSI "3;1H\n\nx", { 0 }, 20, 3, 10, 3, 10,
	    "c\n\nx\n", 2, 1, 1, -1, -1, { { 0 } } },
	{ "shrink into the scrolling region", 10, 10,
	    "a\r\nb\r\nc" CSI "2;9r" CSI "3;1H\n\nx", { 0 }, 20, 3, 10, 3, 10,
	    "b\n\nx\n", 2, 1, 1, -1, -1, { { 0 } } },
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
	    { 0 }, 0, 0, 0, 3, 10,
	    "\xef\xbf\xbd"
	    "2Jx\n",
	    0, 4, 1, -1, -1, { { 0 } } },
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

/*
 * Nothing a terminal would act on: valid UTF-8 whose code points are
 * all ones sr_cp_safe() keeps, and '\n'.
 */
static void
assert_inert(const char *name, const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t i, n, k;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		if ((n = sr_utf8_valid(u + i, len - i)) == 0)
			fail_msg("%s: invalid UTF-8 at %zu", name, i);
		cp = n == 1 ? u[i] : u[i] & (0x7f >> n);
		for (k = 1; k < n; k++)
			cp = cp << 6 | (u[i + k] & 0x3f);
		if (cp != '\n' && sr_cp_safe(cp) != cp)
			fail_msg("%s: U+%04x at %zu", name, cp, i);
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

/*
 * Snapshots: PREFIX goes to screen 1, its snapshot is restored into
 * screen 2 (another geometry, with content and modes of its own), then
 * SUFFIX goes to both.  Every cell, the cursor, its visibility, the
 * alternate screen flag and the size must agree after the restore and
 * after the suffix, and a snapshot of screen 2 must be the same bytes
 * as the one it was restored from.
 */
static const struct snap_case {
	const char *name;
	unsigned rows, cols;
	const char *prefix;
	unsigned rrows, rcols; /* resize before the snapshot; 0: none */
	const char *suffix;
} snap_cases[] = {
	{ "empty", 24, 80, "", 0, 0, "" },
	{ "colours and attributes", 4, 30,
	    CSI "1;31;42mA" CSI "0;38;5;208;48;5;17mB" CSI
		"38;2;10;20;30;48;2;1;2;3mC" CSI "0;4;3;5;7;9;94;103mD" CSI
		"0;21mE" CSI "0;4:3mF" CSI "0;11mG" CSI "0;2;8mH",
	    0, 0, "I" CSI "0mJ" },
	{ "pen carried into suffix", 3, 20, CSI "1;4;35;48;5;100m", 0, 0,
	    "xyz" CSI "K" },
	{ "rgb pen carried", 3, 20, "a" CSI "3;38;2;1;2;3;48;2;250;251;252m", 0,
	    0, "b" CSI "2X" },
	{ "wide and combining", 3, 20,
	    "\xe4\xb8\xad"
	    "e\xcc\x81\xcc\x82"
	    "\xf0\x9f\x98\x80"
	    "x" CSI "2;19H\xe4\xb8\xad",
	    0, 0, "z\xe4\xb8\xad" },
	{ "wide right half overwritten", 3, 10,
	    "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad" CSI "1;2Hx" CSI "1;4H" CSI
	    "X" CSI "1;5H\xc3\xa9",
	    0, 0, "y" },
	{ "wide left half overwritten", 3, 10,
	    "\xe4\xb8\xad\xf0\x9f\x98\x80" CSI "1;1Hx\xe2\x94\x80", 0, 0, "y" },
	{ "wide right half pen", 3, 10,
	    CSI "44m" CSI "K" CSI "0;31m\xe4\xb8\xad" CSI "2;1H\xe4\xb8\xad", 0,
	    0, "x" },
	{ "narrow non-ascii", 3, 10,
	    "\xc3\xa9\xe2\x82\xac\xe2\x80\x94\xce\xbb\xe2\x86\x92"
	    "a" CSI "3X",
	    0, 0, "b" },
	{ "vim-like scrolling region", 10, 20,
	    "1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\r\n9\r\n10" CSI "2;8r" CSI
	    "8;1H\n\n\nnew",
	    0, 0,
	    "\n\n\nmore" CSI "2;1H" ESC "M" ESC "Mup" CSI "r" CSI "10;1H\nx" },
	{ "alternate screen keeps primary", 5, 20,
	    "$ ls\r\nf1 " CSI "1;34mdir" CSI "0m\r\n$ vim\r\n" CSI "?1049h" CSI
	    "H" CSI "2J~\r\n~ vim" CSI "44m" CSI "K",
	    0, 0, CSI "?1049l" CSI "0m$ done" },
	{ "alternate 1047 then out", 4, 20, "orig" CSI "?1047h" CSI "2;2Halt",
	    0, 0, "more" CSI "?1047lX" },
	{ "alternate screen entered twice", 4, 20,
	    "one" CSI "?1049h" CSI "?1049l"
	    "two" CSI "?1049hthree",
	    0, 0, CSI "?1049l!" },
	{ "line drawing in g0", 3, 20, ESC "(0lqqk", 0, 0, "x" ESC "(Bq" },
	{ "line drawing in g1 shifted", 3, 20, ESC ")0a\x0eqq", 0, 0,
	    "qq\x0fqq\x0eq" },
	{ "shift out before designation", 3, 20,
	    "a\x0e"
	    "b",
	    0, 0, ESC ")0q\x0fq" },
	{ "g2 locked", 3, 20, ESC "*0" ESC "nq", 0, 0, "q\x0fq" ESC "nq" },
	{ "uk charset", 3, 20, ESC "(A#", 0, 0, "#" ESC "(B#" },
	{ "origin mode", 8, 20, CSI "3;6r" CSI "?6h" CSI "2;3Hx", 0, 0,
	    CSI "1;1Hy" CSI "10;1Hz\n\n\n\nw" CSI "?6l" CSI "1;1Hv" },
	{ "autowrap off", 3, 10, CSI "?7l0123456789abcdef", 0, 0,
	    "ghij\r\nk" CSI "?7hlmnopqrstuv" },
	{ "insert mode", 3, 10, "abcdef" CSI "1;3H" CSI "4hX", 0, 0,
	    "YZ" CSI "4lQ" },
	{ "newline mode", 3, 10, CSI "20hab", 0, 0, "\ncd" CSI "20l\nef" },
	{ "cursor hidden", 3, 10, CSI "?25la", 0, 0, "b" },
	{ "reverse screen", 3, 10, CSI "?5hab" CSI "7mc", 0, 0, "d" CSI "?5l" },
	{ "blanks with background", 3, 10,
	    CSI "44m" CSI "2J" CSI "0mx" CSI "41m" CSI "K" CSI "3;3H" CSI
		"1;4;42m" CSI "3X",
	    0, 0, "y" CSI "0m" CSI "J" },
	{ "pending wrap", 3, 10, "0123456789", 0, 0, "X" },
	{ "pending wrap wide", 3, 10, "01234567\xe4\xb8\xad", 0, 0, "X" },
	{ "pending wrap last row", 3, 10, CSI "3;1H0123456789", 0, 0, "XY" },
	{ "pending wrap then moved", 3, 10, "0123456789" CSI "1;10H", 0, 0,
	    "X" },
	{ "pending wrap then erased", 3, 10, "0123456789" CSI "K", 0, 0, "X" },
	{ "pending wrap autowrap off later", 3, 10,
	    "0123456789" CSI "?7l" CSI "1m", 0, 0, "X" },
	{ "resize before snapshot", 5, 20, "hello\r\nworld", 8, 10, "abc\r\n" },
	{ "resize smaller with region", 10, 20,
	    "a\r\nb\r\nc" CSI "2;9r" CSI "3;1H", 6, 20, "\n\n\n\n\n\nx" },
	{ "shrink below the region", 10, 20, "a\r\nb" CSI "6;9r" CSI "2;1H", 3,
	    20, "\n\n\nx" ESC "M" CSI "L" },
	{ "resize in alternate screen", 5, 20,
	    "prompt$ " CSI "?1049h"
	    "full",
	    6, 30, "!" CSI "?1049l" },
	{ "shrink in alternate screen", 6, 30,
	    "line1\r\nline2\r\nline3\r\nprompt$ " CSI "?1049h"
	    "full",
	    3, 10, "!" CSI "?1049l" },
	{ "clamped to 1000", 5000, 5000, CSI "999;999Hx" CSI "1;1000Hy", 0, 0,
	    "z" },
	{ "saved cursor", 5, 10,
	    CSI "3;4H" CSI "1m" CSI "?25l" ESC "7" CSI "0m" CSI "?25h" CSI "H",
	    0, 0, ESC "8x" },
	{ "saved cursor by 1049", 5, 10, "a" CSI "2;2H" CSI "?1049hb", 0, 0,
	    CSI "?1049lc" },
	{ "saved cursor by 1048", 5, 10, CSI "4;5H" CSI "?1048h" CSI "H", 0, 0,
	    CSI "?1048lx" },
	{ "restore without save", 5, 10, "a", 0, 0,
	    CSI "3;3H" CSI "1m" ESC "8x" },
	{ "csi split at the snapshot", 3, 20, "ab" CSI "1;3", 0, 0, "1mX" },
	{ "private csi split", 3, 20, "ab" CSI "?2", 0, 0, "5lX" },
	{ "esc split", 3, 20, "ab" ESC "(", 0, 0, "0q" },
	{ "utf-8 split", 3, 20, "ab\xe4\xb8", 0, 0,
	    "\xad"
	    "c" },
	{ "osc split", 3, 20, "x" ESC "]0;tit", 0, 0, "le\ay" },
	{ "dcs split", 3, 20, "x" ESC "P$q", 0, 0, "m" ESC "\\y" },
	{ "double width lines", 4, 10, ESC "#6AB\r\n" ESC "#3C\r\n" ESC "#4C",
	    0, 0, "D" },
	{ "reset after modes", 4, 10,
	    CSI "2;3r" CSI "?6h" ESC "(0" CSI "4h" ESC "c", 0, 0,
	    "q" CSI "5;1Hx" },
	{ "soft reset", 4, 10, CSI "2;3r" CSI "4h" CSI "1m" CSI "!p", 0, 0,
	    "ab" CSI "5;1Hx\n\n\ny" },
	{ "tabs", 3, 30, "a\tb", 0, 0, "\tc" },
	{ "erase in pen on alternate", 4, 10,
	    "p" CSI "?1049h" CSI "45m" CSI "2J", 0, 0, "x" CSI "?1049ly" },
	{ "everything", 6, 12,
	    "$ top\r\n" CSI "?1049h" CSI "?25l" CSI "2;5r" CSI "?6h" ESC
	    ")0\x0e" CSI "1;33m" CSI "4h" CSI "2;2Hab\xe4\xb8\xad",
	    0, 0, "cd" CSI "?1049l" },
};

static void
compare_screens(const char *name, const char *when, struct sr_screen *a,
    struct sr_screen *b)
{
	unsigned ra, ca, rb, cb, r, c, i;
	int va, vb;
	struct sr_cell x, y;

	sr_screen_size(a, &ra, &ca);
	sr_screen_size(b, &rb, &cb);
	if (ra != rb || ca != cb)
		fail_msg("%s (%s): size %ux%u, restored %ux%u", name, when, ra,
		    ca, rb, cb);
	if (sr_screen_altscreen(a) != sr_screen_altscreen(b))
		fail_msg("%s (%s): altscreen %d, restored %d", name, when,
		    sr_screen_altscreen(a), sr_screen_altscreen(b));
	for (r = 0; r < ra; r++) {
		for (c = 0; c < ca; c++) {
			sr_screen_cell(a, r, c, &x);
			sr_screen_cell(b, r, c, &y);
			for (i = 0; i < 6; i++)
				if (x.ch[i] != y.ch[i])
					break;
			if (i < 6 || x.width != y.width || x.attrs != y.attrs ||
			    x.fg.kind != y.fg.kind ||
			    x.fg.index != y.fg.index || x.fg.r != y.fg.r ||
			    x.fg.g != y.fg.g || x.fg.b != y.fg.b ||
			    x.bg.kind != y.bg.kind ||
			    x.bg.index != y.bg.index || x.bg.r != y.bg.r ||
			    x.bg.g != y.bg.g || x.bg.b != y.bg.b)
				fail_msg("%s (%s): cell %u,%u: U+%04x+%04x w%u "
					 "a%#x fg %d/%u/%u.%u.%u bg "
					 "%d/%u/%u.%u.%u, restored U+%04x+%04x "
					 "w%u a%#x fg %d/%u/%u.%u.%u bg "
					 "%d/%u/%u.%u.%u",
				    name, when, r, c, x.ch[0], x.ch[1], x.width,
				    x.attrs, x.fg.kind, x.fg.index, x.fg.r,
				    x.fg.g, x.fg.b, x.bg.kind, x.bg.index,
				    x.bg.r, x.bg.g, x.bg.b, y.ch[0], y.ch[1],
				    y.width, y.attrs, y.fg.kind, y.fg.index,
				    y.fg.r, y.fg.g, y.fg.b, y.bg.kind,
				    y.bg.index, y.bg.r, y.bg.g, y.bg.b);
		}
	}
	sr_screen_cursor(a, &ra, &ca, &va);
	sr_screen_cursor(b, &rb, &cb, &vb);
	if (ra != rb || ca != cb || va != vb)
		fail_msg("%s (%s): cursor %u,%u,%d, restored %u,%u,%d", name,
		    when, ra, ca, va, rb, cb, vb);
}

/* Screen 2 starts with state of its own that the restore must clear. */
static struct sr_screen *
dirty_screen(void)
{
	static const char junk[] =
	    "junk" CSI "1;31m" CSI "2;3r" CSI "?6h" CSI "4h" ESC "(0" CSI
	    "?7l" CSI "?25l" CSI "20h" ESC "7" CSI "?1049hmore" CSI "?5h";
	struct sr_screen *s = sr_screen_new(7, 13);

	assert_non_null(s);
	sr_screen_feed(s, junk, sizeof(junk) - 1);
	return (s);
}

static void
test_snapshot_cases(void **state)
{
	const struct snap_case *c;
	struct sr_screen *a, *b;
	struct sr_buf snap, again;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(snap_cases) / sizeof(snap_cases[0]); i++) {
		c = &snap_cases[i];
		a = sr_screen_new(c->rows, c->cols);
		assert_non_null(a);
		sr_screen_feed(a, c->prefix, strlen(c->prefix));
		if (c->rrows != 0)
			sr_screen_resize(a, c->rrows, c->rcols);
		sr_buf_init(&snap, 1 << 26);
		if (sr_screen_snapshot(a, &snap) != SR_E_NONE)
			fail_msg("%s: snapshot failed", c->name);
		b = dirty_screen();
		if (sr_screen_restore(b, snap.data, snap.len) != SR_OK)
			fail_msg("%s: restore failed", c->name);
		compare_screens(c->name, "restored", a, b);
		sr_buf_init(&again, 1 << 26);
		assert_int_equal(sr_screen_snapshot(b, &again), SR_E_NONE);
		if (again.len != snap.len ||
		    memcmp(again.data, snap.data, snap.len) != 0)
			fail_msg("%s: snapshot of the restored screen differs "
				 "(%zu bytes, %zu)",
			    c->name, snap.len, again.len);
		sr_buf_release(&again);
		sr_screen_feed(a, c->suffix, strlen(c->suffix));
		sr_screen_feed(b, c->suffix, strlen(c->suffix));
		compare_screens(c->name, "after suffix", a, b);
		sr_buf_release(&snap);
		sr_screen_free(a);
		sr_screen_free(b);
	}
}

/*
 * One stream of many kinds of sequences, snapshotted after every byte:
 * whatever is unfinished there (a CSI, an OSC, a UTF-8 sequence, a
 * pending wrap) must carry over.
 */
static void
test_snapshot_everywhere(void **state)
{
	static const char in[] =
	    "ab\xe4\xb8\xad" CSI "1;38;5;99mc" CSI "?1049h" CSI "2;3r" ESC
	    "]0;t\a" ESC ")0\x0eq\x0f" CSI "3;10Hxyz" ESC "P$qm" ESC "\\"
	    "\xcc\x81" CSI "4h" CSI "1;1Hi" CSI "?1049l" ESC "7" CSI "?7l"
	    "0123456789abc" CSI "?7h" ESC "8" CSI "2;1H\xc2\xa9" CSI "?25l"
	    "\xf0\x9f\x98\x80" CSI "48;2;1;2;3m" CSI "K" CSI "4l" CSI "0m"
	    "end";
	struct sr_screen *a, *b;
	struct sr_buf snap;
	char name[64];
	size_t k, len = sizeof(in) - 1;

	(void)state;
	sr_buf_init(&snap, 1 << 20);
	for (k = 0; k <= len; k++) {
		snprintf(name, sizeof(name), "split at %zu", k);
		a = sr_screen_new(4, 10);
		assert_non_null(a);
		sr_screen_feed(a, in, k);
		sr_buf_reset(&snap);
		assert_int_equal(sr_screen_snapshot(a, &snap), SR_E_NONE);
		b = dirty_screen();
		if (sr_screen_restore(b, snap.data, snap.len) != SR_OK)
			fail_msg("%s: restore failed", name);
		compare_screens(name, "restored", a, b);
		sr_screen_feed(a, in + k, len - k);
		sr_screen_feed(b, in + k, len - k);
		compare_screens(name, "after the rest", a, b);
		sr_screen_free(a);
		sr_screen_free(b);
	}
	sr_buf_release(&snap);
}

/*
 * A real session (vim with :split and CJK text, less, top, recorded by
 * script(1) in tmux at 80x24) snapshotted at many points: the rest of
 * it, fed in pieces to both, must end the same.
 */
static void
test_snapshot_session(void **state)
{
	const char *path =
	    unit_srcpath("tests/fuzz/corpus/fuzz-screen/session-vim-less-top");
	struct sr_screen *a, *b;
	struct sr_buf snap;
	char *data, name[64];
	size_t len, k, p, m;
	FILE *fp;

	(void)state;
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open", path);
	data = malloc(1 << 16);
	assert_non_null(data);
	len = fread(data, 1, 1 << 16, fp);
	fclose(fp);
	assert_true(len > 20000);
	sr_buf_init(&snap, 1 << 20);
	for (k = 0; k <= len; k += 251) {
		snprintf(name, sizeof(name), "session at %zu", k);
		a = sr_screen_new(24, 80);
		assert_non_null(a);
		sr_screen_feed(a, data, k);
		sr_buf_reset(&snap);
		assert_int_equal(sr_screen_snapshot(a, &snap), SR_E_NONE);
		b = dirty_screen();
		if (sr_screen_restore(b, snap.data, snap.len) != SR_OK)
			fail_msg("%s: restore failed", name);
		compare_screens(name, "restored", a, b);
		for (p = k; p < len; p += m) {
			m = 1 + (p * 7919) % 3000;
			if (m > len - p)
				m = len - p;
			sr_screen_feed(a, data + p, m);
			sr_screen_feed(b, data + p, m);
		}
		compare_screens(name, "at the end", a, b);
		sr_screen_free(a);
		sr_screen_free(b);
	}
	sr_buf_release(&snap);
	free(data);
}

/* After a failed restore the screen is blank, usable and undamaged. */
static void
assert_blank_usable(const char *name, struct sr_screen *s)
{
	struct sr_buf b;
	unsigned r, c;
	int vis;

	sr_buf_init(&b, 1 << 24);
	assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
	if (b.len != 0)
		fail_msg("%s: not blank: %s", name, b.data);
	sr_screen_cursor(s, &r, &c, &vis);
	if (r != 0 || c != 0 || !vis || sr_screen_altscreen(s))
		fail_msg("%s: cursor %u,%u,%d alt %d", name, r, c, vis,
		    sr_screen_altscreen(s));
	sr_screen_feed(s, "ok" CSI "1mgo", 8);
	sr_buf_reset(&b);
	assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
	if (strcmp(b.data, "okgo\n") != 0)
		fail_msg("%s: unusable: %s", name, b.data);
	sr_buf_release(&b);
}

static void
test_snapshot_bad(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
	} bad[] = {
		{ "empty", "", 0 },
		{ "magic", "SRSCX\001", 6 },
		{ "version 3", "SRSCR\003\030\120\012B", 10 },
		{ "version 0", "SRSCR\000\030\120\012B", 10 },
		{ "huge rows", "SRSCR\001\377\377\377\377\017\120", 12 },
		{ "huge varint",
		    "SRSCR\001\377\377\377\377\377\377\377\377\377"
		    "\377\377\001",
		    18 },
		{ "zero cols", "SRSCR\001\030\000", 8 },
	};
	struct sr_screen *a, *b;
	struct sr_buf snap;
	char *copy, name[64];
	size_t i, k, cut;
	uint32_t x = 12345;

	(void)state;
	b = sr_screen_new(4, 10);
	assert_non_null(b);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sr_screen_feed(b, "junk", 4);
		if (sr_screen_restore(b, bad[i].bytes, bad[i].len) != SR_FAILED)
			fail_msg("%s: restored", bad[i].name);
		assert_blank_usable(bad[i].name, b);
	}
	/* A real snapshot, cut anywhere or with a byte changed. */
	a = sr_screen_new(6, 20);
	assert_non_null(a);
	sr_screen_feed(a, snap_cases[6].prefix, strlen(snap_cases[6].prefix));
	sr_screen_feed(a, CSI "2;4r" ESC "7" CSI "1;2m", 14);
	sr_buf_init(&snap, 1 << 20);
	assert_int_equal(sr_screen_snapshot(a, &snap), SR_E_NONE);
	for (cut = 0; cut < snap.len; cut++) {
		snprintf(name, sizeof(name), "cut at %zu", cut);
		if (sr_screen_restore(b, snap.data, cut) != SR_FAILED)
			fail_msg("%s: restored", name);
		assert_blank_usable(name, b);
	}
	copy = malloc(snap.len + 1);
	assert_non_null(copy);
	memcpy(copy, snap.data, snap.len);
	copy[snap.len] = 0;
	if (sr_screen_restore(b, copy, snap.len + 1) != SR_FAILED)
		fail_msg("trailing byte: restored");
	assert_blank_usable("trailing byte", b);
	/* Changed bytes: SR_OK or SR_FAILED, and no harm either way. */
	for (k = 0; k < 2000; k++) {
		memcpy(copy, snap.data, snap.len);
		x = x * 1103515245u + 12345u;
		copy[(x >> 8) % snap.len] ^= (char)(1u << (x >> 28 & 7));
		if (sr_screen_restore(b, copy, snap.len) == SR_FAILED) {
			snprintf(name, sizeof(name), "flip %zu", k);
			assert_blank_usable(name, b);
		}
	}
	/* Random bytes behind a valid header. */
	for (k = 0; k < 2000; k++) {
		memcpy(copy, snap.data, 6);
		for (i = 6; i < snap.len; i++) {
			x = x * 1103515245u + 12345u;
			copy[i] = (char)(x >> 16);
		}
		if (sr_screen_restore(b, copy, 6 + k % (snap.len - 6)) ==
		    SR_FAILED) {
			snprintf(name, sizeof(name), "random %zu", k);
			assert_blank_usable(name, b);
		}
	}
	free(copy);
	sr_buf_release(&snap);
	sr_screen_free(a);
	sr_screen_free(b);
}

/* A full buffer: an error and the buffer as it was. */
static void
test_snapshot_limit(void **state)
{
	struct sr_screen *s;
	struct sr_buf b;

	(void)state;
	s = sr_screen_new(3, 10);
	assert_non_null(s);
	sr_screen_feed(s, "abc\r\ndef", 8);
	sr_buf_init(&b, 12);
	assert_int_equal(sr_buf_append(&b, "xy", 2), SR_E_NONE);
	assert_int_equal(sr_screen_snapshot(s, &b), SR_E_LIMIT);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "xy");
	sr_buf_release(&b);
	sr_screen_free(s);
}

/* An OSC is passed on up to 4 KiB, the rest dropped to its end. */
static void
test_osc_capped(void **state)
{
	struct sr_screen *s;
	struct sr_buf b;
	char *big;
	size_t n = 1 << 20, i;

	(void)state;
	big = malloc(n + 16);
	assert_non_null(big);
	memcpy(big, ESC "]0;", 4);
	for (i = 4; i < n; i++)
		big[i] = (char)('a' + i % 26);
	memcpy(big + n, "\axy", 3);
	s = sr_screen_new(3, 10);
	assert_non_null(s);
	/* In pieces of every size, so that the cap spans feeds. */
	for (i = 0; i < n + 3; i += 1 + i % 4099)
		sr_screen_feed(s, big + i,
		    (i + 1 + i % 4099 > n + 3 ? n + 3 - i : 1 + i % 4099));
	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
	assert_string_equal(b.data, "xy\n");
	/* Ended by ST, and by ESC starting something else. */
	sr_screen_feed(s, ESC "]2;abc" ESC "\\1" ESC "]2;def" CSI "1m2", 22);
	sr_buf_reset(&b);
	assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
	assert_string_equal(b.data, "xy12\n");
	sr_buf_release(&b);
	sr_screen_free(s);
	free(big);
}

/* The damage counter moves with every change and only then. */
static void
test_damage(void **state)
{
	static const struct {
		const char *name, *in;
		int moves;
	} steps[] = {
		{ "text", "abc", 1 },
		{ "nothing", "", 0 },
		{ "sgr only", CSI "1m", 0 },
		{ "cursor move", CSI "2;2H", 1 },
		{ "same place", CSI "2;2H", 0 },
		{ "erase", CSI "2J", 1 },
		{ "hide cursor", CSI "?25l", 1 },
		{ "title", ESC "]0;t\a", 0 },
		{ "query", CSI "6n", 0 },
		{ "alt screen", CSI "?1049h", 1 },
		{ "scroll", "\n\n\n\n\n\n\n\n", 1 },
	};
	struct sr_screen *s;
	uint64_t d, e;
	size_t i;

	(void)state;
	s = sr_screen_new(4, 10);
	assert_non_null(s);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		d = sr_screen_damage(s);
		sr_screen_feed(s, steps[i].in, strlen(steps[i].in));
		e = sr_screen_damage(s);
		if ((e != d) != steps[i].moves)
			fail_msg("%s: damage %llu -> %llu", steps[i].name,
			    (unsigned long long)d, (unsigned long long)e);
	}
	d = sr_screen_damage(s);
	sr_screen_resize(s, 5, 10);
	assert_true(sr_screen_damage(s) != d);
	d = sr_screen_damage(s);
	sr_screen_resize(s, 5, 10);
	assert_true(sr_screen_damage(s) == d);
	sr_screen_reset(s, 5, 10);
	assert_true(sr_screen_damage(s) != d);
	sr_screen_free(s);
}

/* A reset: blank, primary screen, every mode back. */
static void
test_reset(void **state)
{
	static const char junk[] =
	    "junk" CSI "1;31m" CSI "2;3r" CSI "?6h" CSI "4h" ESC "(0" CSI
	    "?7l" CSI "?25l" CSI "20h" ESC "7" CSI "?1049hmore" CSI "?5h" ESC
	    "#6" CSI "1;4";
	struct sr_screen *s, *fresh;

	(void)state;
	s = sr_screen_new(7, 13);
	assert_non_null(s);
	sr_screen_feed(s, junk, sizeof(junk) - 1);
	sr_screen_reset(s, 5, 20);
	fresh = sr_screen_new(5, 20);
	assert_non_null(fresh);
	compare_screens("reset", "now", fresh, s);
	sr_screen_feed(s, snap_cases[6].prefix, strlen(snap_cases[6].prefix));
	sr_screen_feed(fresh, snap_cases[6].prefix,
	    strlen(snap_cases[6].prefix));
	compare_screens("reset", "then", fresh, s);
	sr_screen_reset(s, 0, 0);
	sr_screen_reset(fresh, 1, 1);
	compare_screens("reset", "clamped", fresh, s);
	sr_screen_free(s);
	sr_screen_free(fresh);
}

/*
 * ONLCR: LF as CR LF, in text and inside a sequence; nothing else
 * changes.  Fed whole and byte by byte; with it on, snapshotted after
 * every byte and restored into a screen that has it off: it must carry
 * over.
 */
static const struct onlcr_case {
	const char *name;
	unsigned rows, cols;
	int on;
	const char *in;
	const char *text;
	unsigned crow, ccol;
} onlcr_cases[] = {
	{ "off: a staircase", 5, 10, 0, "ab\ncd\nef", "ab\n  cd\n    ef\n", 2,
	    6 },
	{ "on: lines", 5, 10, 1, "ab\ncd\nef", "ab\ncd\nef\n", 2, 2 },
	{ "on: cr lf as it was", 5, 10, 1, "ab\r\ncd\r\r\n", "ab\ncd\n", 2, 0 },
	{ "on: scrolls", 2, 10, 1, "a\nb\nc\n\nd", "\nd\n", 1, 1 },
	{ "off: lf inside a csi", 3, 10, 0, "ab" CSI "1\n;4mcd", "ab\n  cd\n",
	    1, 4 },
	{ "on: lf inside a csi", 3, 10, 1, "ab" CSI "1\n;4mcd", "ab\ncd\n", 1,
	    2 },
	{ "on: vt and ff are not lf", 4, 10, 1, "ab\vcd\fe",
	    "ab\n  cd\n    e\n", 2, 5 },
	{ "on: newline mode", 3, 10, 1, CSI "20hab\ncd", "ab\ncd\n", 1, 2 },
	{ "on: cut sequence before lf", 3, 10, 1, "ab\xe2\x82\ncd",
	    "ab" FFFD "\ncd\n", 1, 2 },
	{ "on: wide text and utf-8", 3, 10, 1,
	    "\xe4\xb8\xad\xc3\xa9\n\xf0\x9f\x98\x80!",
	    "\xe4\xb8\xad\xc3\xa9\n\xf0\x9f\x98\x80!\n", 1, 3 },
	{ "on: osc and dcs untouched", 3, 10, 1,
	    "a" ESC "]0;t\nu\a" ESC "P$q\n" ESC "\\b\nc", "ab\nc\n", 1, 1 },
};

static struct sr_screen *
onlcr_screen(const struct onlcr_case *c, size_t upto, int bytewise)
{
	struct sr_screen *s;
	size_t i;

	s = sr_screen_new(c->rows, c->cols);
	assert_non_null(s);
	sr_screen_set_onlcr(s, c->on);
	if (!bytewise)
		sr_screen_feed(s, c->in, upto);
	else
		for (i = 0; i < upto; i++)
			sr_screen_feed(s, c->in + i, 1);
	return (s);
}

static void
check_onlcr(const struct onlcr_case *c, const char *how, struct sr_screen *s)
{
	struct sr_buf b;
	unsigned r, col;
	int vis;

	sr_buf_init(&b, 1 << 20);
	assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
	sr_screen_cursor(s, &r, &col, &vis);
	if (strcmp(b.data, c->text) != 0 || r != c->crow || col != c->ccol)
		fail_msg("%s (%s): text [%s] cursor %u,%u, want [%s] %u,%u",
		    c->name, how, b.data, r, col, c->text, c->crow, c->ccol);
	sr_buf_release(&b);
}

static void
test_onlcr(void **state)
{
	const struct onlcr_case *c;
	struct sr_screen *a, *b;
	struct sr_buf snap;
	char name[96];
	size_t i, k, len;

	(void)state;
	sr_buf_init(&snap, 1 << 20);
	for (i = 0; i < sizeof(onlcr_cases) / sizeof(onlcr_cases[0]); i++) {
		c = &onlcr_cases[i];
		len = strlen(c->in);
		a = onlcr_screen(c, len, 0);
		check_onlcr(c, "whole", a);
		sr_screen_free(a);
		a = onlcr_screen(c, len, 1);
		check_onlcr(c, "bytewise", a);
		sr_screen_free(a);
		for (k = 0; k <= len; k++) {
			snprintf(name, sizeof(name), "%s, snapshot at %zu",
			    c->name, k);
			a = onlcr_screen(c, k, 0);
			sr_buf_reset(&snap);
			assert_int_equal(sr_screen_snapshot(a, &snap),
			    SR_E_NONE);
			b = dirty_screen();
			sr_screen_set_onlcr(b, !c->on);
			if (sr_screen_restore(b, snap.data, snap.len) != SR_OK)
				fail_msg("%s: restore failed", name);
			sr_screen_feed(a, c->in + k, len - k);
			sr_screen_feed(b, c->in + k, len - k);
			compare_screens(name, "after the rest", a, b);
			check_onlcr(c, name, b);
			sr_screen_free(a);
			sr_screen_free(b);
		}
	}
	sr_buf_release(&snap);
}

/* Turned off again, and by a reset. */
static void
test_onlcr_off(void **state)
{
	static const struct {
		const char *name;
		int reset; /* sr_screen_reset() rather than set 0 */
	} t[] = { { "set off", 0 }, { "reset", 1 } };
	struct sr_screen *s;
	struct sr_buf b;
	size_t i;

	(void)state;
	sr_buf_init(&b, 1 << 20);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = sr_screen_new(4, 10);
		assert_non_null(s);
		sr_screen_set_onlcr(s, 1);
		sr_screen_feed(s, "ab\n", 3);
		if (t[i].reset)
			sr_screen_reset(s, 4, 10);
		else
			sr_screen_set_onlcr(s, 0);
		sr_screen_feed(s, "cd\nef", 5);
		sr_buf_reset(&b);
		assert_int_equal(sr_screen_text(s, &b), SR_E_NONE);
		if (strcmp(b.data,
			t[i].reset ? "cd\n  ef\n" : "ab\ncd\n  ef\n"))
			fail_msg("%s: [%s]", t[i].name, b.data);
		sr_screen_free(s);
	}
	sr_buf_release(&b);
}

/*
 * Version 1 snapshots (no ONLCR flag) are still read; one with the
 * version 2 flag set is not a version 1 snapshot.
 */
static void
test_snapshot_v1(void **state)
{
	static const struct {
		const char *name;
		int onlcr;
		int want;
	} t[] = {
		{ "without onlcr", 0, SR_OK },
		{ "with the onlcr flag", 1, SR_FAILED },
	};
	struct sr_screen *a, *b;
	struct sr_buf snap;
	size_t i;

	(void)state;
	sr_buf_init(&snap, 1 << 20);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		a = sr_screen_new(6, 20);
		assert_non_null(a);
		sr_screen_set_onlcr(a, t[i].onlcr);
		sr_screen_feed(a, snap_cases[6].prefix,
		    strlen(snap_cases[6].prefix));
		sr_buf_reset(&snap);
		assert_int_equal(sr_screen_snapshot(a, &snap), SR_E_NONE);
		if (snap.len < 6 || snap.data[5] != 2)
			fail_msg("%s: not a version 2 snapshot", t[i].name);
		snap.data[5] = 1;
		b = dirty_screen();
		if (sr_screen_restore(b, snap.data, snap.len) != t[i].want)
			fail_msg("%s: restore did not return %d", t[i].name,
			    t[i].want);
		if (t[i].want == SR_OK) {
			compare_screens(t[i].name, "restored", a, b);
			sr_screen_feed(a, "x\ny", 3);
			sr_screen_feed(b, "x\ny", 3);
			compare_screens(t[i].name, "after lf", a, b);
		} else
			assert_blank_usable(t[i].name, b);
		sr_screen_free(a);
		sr_screen_free(b);
	}
	sr_buf_release(&snap);
}

static void
test_cp_safe(void **state)
{
	static const struct {
		uint32_t cp, want;
	} t[] = {
		{ 'a', 'a' },
		{ ' ', ' ' },
		{ 0, 0xfffd },
		{ 0x1b, 0xfffd },
		{ 0x1f, 0xfffd },
		{ 0x7f, 0xfffd },
		{ 0x80, 0xfffd },
		{ 0x9b, 0xfffd },
		{ 0x9f, 0xfffd },
		{ 0xa0, 0xa0 },
		{ 0xad, 0xfffd },
		{ 0xe9, 0xe9 },
		{ 0x301, 0x301 },
		{ 0x61c, 0xfffd },
		{ 0x200b, 0xfffd },
		{ 0x200d, 0x200d },
		{ 0x200e, 0xfffd },
		{ 0x202e, 0xfffd },
		{ 0x2066, 0xfffd },
		{ 0x2069, 0xfffd },
		{ 0x2500, 0x2500 },
		{ 0x4e2d, 0x4e2d },
		{ 0xd800, 0xfffd },
		{ 0xdfff, 0xfffd },
		{ 0xfdd0, 0xfffd },
		{ 0xfdef, 0xfffd },
		{ 0xfdf0, 0xfdf0 },
		{ 0xfeff, 0xfffd },
		{ 0xfffd, 0xfffd },
		{ 0xfffe, 0xfffd },
		{ 0xffff, 0xfffd },
		{ 0x1f600, 0x1f600 },
		{ 0x1fffe, 0xfffd },
		{ 0xe0001, 0xfffd },
		{ 0x10fffd, 0x10fffd },
		{ 0x10ffff, 0xfffd },
		{ 0x110000, 0xfffd },
		{ 0xffffffff, 0xfffd },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (sr_cp_safe(t[i].cp) != t[i].want)
			fail_msg("U+%04x: U+%04x, want U+%04x", t[i].cp,
			    sr_cp_safe(t[i].cp), t[i].want);
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
		cmocka_unit_test(test_snapshot_cases),
		cmocka_unit_test(test_snapshot_everywhere),
		cmocka_unit_test(test_snapshot_session),
		cmocka_unit_test(test_snapshot_bad),
		cmocka_unit_test(test_snapshot_limit),
		cmocka_unit_test(test_osc_capped),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_cp_safe),
		cmocka_unit_test(test_onlcr),
		cmocka_unit_test(test_onlcr_off),
		cmocka_unit_test(test_snapshot_v1),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
