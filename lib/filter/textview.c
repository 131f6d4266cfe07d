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
 * Textview: the lines a viewer saw, rebuilt from terminal output.
 *
 * Recorders cut output anywhere, through UTF-8 characters and escape
 * sequences, and what a terminal shows is not what the bytes say:
 * "hidden\r\e[2Kvisible" shows only "visible", "ki\e[31mll" shows "kill".
 * grep and cat work on these lines (ARCHITECTURE.md 2.2), never on raw
 * events.  The full emulator (screen.c) is far too slow for that, so this
 * is a one-line model:
 *
 * - The current line is an array of cells (one code point each) and a
 *   cursor column.  Printable characters overwrite at the cursor and
 *   extend the line at its end, padding a gap with spaces.  CR goes to
 *   column 0, BS one left, TAB to the next multiple of 8.  LF (also VT,
 *   FF, NEL) ends the line: it is emitted with trailing spaces trimmed and
 *   a new one starts at column 0, as with onlcr output "\r\n".
 * - CSI K, G, `, C, a, D, P, @, X and b (REP) edit the line as a terminal
 *   would.  CSI 2J, 3J and ESC c emit the line if it holds anything and
 *   clear it.  ESC 7/8 and CSI s/u save and restore the column.
 * - Vertical movement (CSI A B E F d e H f L M S T r, ESC D M) is not
 *   modelled: there is one line, not a screen.  Text drawn on another
 *   row must not overwrite the current line's text, which the viewer
 *   still saw, so a vertical move ends the current line (emitted if
 *   non-empty) and keeps the column.  CUP/VPA to the row already known
 *   from an earlier CUP is not a move.  Full-screen programs therefore
 *   come out as fragments, but every glyph drawn appears in some line.
 * - Every other sequence (SGR, modes, queries, window operations) is
 *   dropped.  OSC, DCS, SOS, PM and APC strings are dropped with their
 *   contents, whatever they hold (titles, OSC 52, DECRQSS with newlines).
 *   OSC ends at BEL or ST; the others at ST only; CAN and SUB abort any
 *   sequence, and ESC starts a new one from any state (vt100.net parser).
 * - UTF-8 is decoded first, keeping up to 3 bytes of a sequence split
 *   across feeds.  Only a byte 0x80-0x9F that is not part of a valid
 *   sequence is an 8-bit C1 control (0x9B CSI, 0x9D OSC, 0x90 DCS, 0x9C
 *   ST, ...); so is a code point U+0080-U+009F, which some terminals act
 *   on even in UTF-8 mode.  Other invalid bytes become U+FFFD, one per
 *   maximal invalid subsequence.
 * - Width: East Asian wide and emoji ranges take 2 columns, combining
 *   marks (and ZWJ, ZWNJ, variation selectors) 0 and are kept with the
 *   character left of the cursor (at most TV_CLUSTER_MAX bytes a cell,
 *   dropped before column 0), everything else 1.  The tables are a
 *   simplification of wcwidth() covering the common ranges; the C
 *   library's is not used because it depends on the locale.
 * - Invisible format characters that could hide or reorder text (bidi
 *   controls, zero width space, BOM, tags; the list of lib/str.c) are
 *   dropped.  So a line never holds a control character of any kind.
 *
 * Bounds: a line holds at most max_line cells; text that would go past it
 * is emitted in pieces of max_line cells.  Cursor movement never pads a
 * line past TV_COLS_MAX columns (or its current length), and REP and
 * insertion obey the same bound, so a few bytes of "\e[9999G" or
 * "\e[65535b" cannot turn into megabytes of output.
 *
 * Overwritten text (SECURITY.md S5, sr_textview_set_overwritten()):
 * cells written since the line was last shown are tracked as a range;
 * when a write, erase or deletion is about to destroy visible text in
 * that range, the line as it stands goes to the overwritten callback
 * first, with the time it was drawn.  "rm -rf /\r\e[2Kok" gives
 * "rm -rf /" there and "ok" as the line; "10%\r20%\r30%\n" gives "10%"
 * and "20%" once each.
 *
 * Speed: most lines are written left to right and never edited.  Such
 * a line is kept as the UTF-8 bytes it arrived as (abuf) and emitted
 * as they are; runs of printable ASCII and of whole characters of width
 * 1 or 2 are found in one scan (eight ASCII bytes at a time) and copied
 * in one go, and colour changes and "erase to end of line" are taken
 * whole.  The first edit, cursor move left of the end or combining mark
 * turns the line into cells, where the state machine below does the
 * work.  About 1.7 GB/s of "ls -laR --color=always" output (the cell
 * path alone: 850 MB/s) and 1.2 GB/s of UTF-8-rich text; edited lines
 * of dense non-ASCII text take the cell path, about 150 MB/s.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "compat.h"
#include "sr-private.h"

#define TV_DEFAULT_MAX 65536
#define TV_COLS_MAX    1024	   /* widest screen we believe in */
#define TV_CONT	       0xfffffffeU /* right half of a wide character */
#define TV_CLUSTER     0x80000000U /* cell is an offset into the pool */
#define TV_CLUSTER_MAX 32	   /* bytes of one base + its marks */
#define TV_POOL_MAX    65536	   /* cluster bytes per line */
#define TV_NPARAM      16
#define TV_PARAM_MAX   65535
#define TV_WCACHE      64 /* a power of 2 */

enum tv_state {
	S_GROUND,
	S_ESC,
	S_ESC_INTER,
	S_CSI,
	S_CSI_IGNORE,
	S_OSC, /* ends at BEL or ST */
	S_STR, /* DCS, SOS, PM, APC: end at ST */
};

struct sr_textview {
	sr_textview_line_fn fn;
	void *arg;
	size_t max_line;

	/* The line. */
	uint32_t *cells;
	size_t len, cap;
	/*
	 * While fast is set the line was only written left to right with
	 * characters of width 1 or 2 (no combining marks): it lives in
	 * abuf as UTF-8 (alen bytes for len cells) and cells is not used.
	 * Anything else turns it into cells first (materialize()).
	 */
	int fast;
	char *abuf;
	size_t alen, abuf_cap;
	size_t col;
	int started;	     /* a character was put since the line began */
	int nonascii;	     /* a cell may hold more than ASCII */
	int64_t line_t;	     /* time of the event that put it */
	int64_t t;	     /* time of the event being fed */
	uint32_t last_cp;    /* for REP */
	unsigned char *pool; /* clusters: a length byte, then UTF-8 */
	size_t pool_len, pool_cap;

	/* Rows, only to tell whether a movement leaves the line. */
	int64_t row;
	int row_known;
	uint64_t vgen; /* counts vertical movements */
	size_t saved_col;
	int64_t saved_row;
	int saved_row_known;
	uint64_t saved_vgen;

	/* The parser. */
	enum tv_state state;
	unsigned params[TV_NPARAM];
	int nparam;   /* index of the parameter being read */
	int csi_seen; /* a parameter byte was seen */
	int priv;     /* private marker '<' '=' '>' '?' or 0 */
	int inter;    /* intermediate bytes seen */
	uint32_t u8_cp;
	int u8_need;		    /* continuation bytes still expected */
	unsigned char u8_lo, u8_hi; /* range of the next one */

	/* The emitted line. */
	char *out;
	size_t out_cap;

	/*
	 * Overwritten text (SECURITY.md S5): cells [fresh_lo, fresh_hi)
	 * may hold text no line or snapshot has shown yet, first drawn at
	 * fresh_t.  Empty when fresh_lo >= fresh_hi.
	 */
	sr_textview_line_fn ow_fn;
	void *ow_arg;
	size_t fresh_lo, fresh_hi;
	int64_t fresh_t;

	/*
	 * Widths of code points seen lately (direct-mapped by the low
	 * bits): the table searches showed when every line holds the same
	 * few dashes and emoji.  A key of 0 is empty (never looked up).
	 */
	uint32_t wc_key[TV_WCACHE];
	signed char wc_w[TV_WCACHE];
};

struct range {
	uint32_t lo, hi;
};

/* Zero width: combining marks, ZWNJ/ZWJ, variation selectors. */
/* clang-format off */
static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
	{ 0x05c7, 0x05c7 }, { 0x0610, 0x061a }, { 0x064b, 0x065f },
	{ 0x0670, 0x0670 }, { 0x06d6, 0x06dc }, { 0x06df, 0x06e4 },
	{ 0x06e7, 0x06e8 }, { 0x06ea, 0x06ed }, { 0x0711, 0x0711 },
	{ 0x0730, 0x074a }, { 0x07a6, 0x07b0 }, { 0x07eb, 0x07f3 },
	{ 0x0816, 0x082d }, { 0x0859, 0x085b }, { 0x08d3, 0x08e1 },
	{ 0x08e3, 0x0902 }, { 0x093a, 0x093a }, { 0x093c, 0x093c },
	{ 0x0941, 0x0948 }, { 0x094d, 0x094d }, { 0x0951, 0x0957 },
	{ 0x0962, 0x0963 }, { 0x0981, 0x0981 }, { 0x09bc, 0x09bc },
	{ 0x09c1, 0x09c4 }, { 0x09cd, 0x09cd }, { 0x09e2, 0x09e3 },
	{ 0x0a01, 0x0a02 }, { 0x0a3c, 0x0a3c }, { 0x0a41, 0x0a51 },
	{ 0x0a70, 0x0a71 }, { 0x0a75, 0x0a75 }, { 0x0a81, 0x0a82 },
	{ 0x0abc, 0x0abc }, { 0x0ac1, 0x0ac8 }, { 0x0acd, 0x0acd },
	{ 0x0ae2, 0x0ae3 }, { 0x0b01, 0x0b01 }, { 0x0b3c, 0x0b3c },
	{ 0x0b3f, 0x0b3f }, { 0x0b41, 0x0b44 }, { 0x0b4d, 0x0b4d },
	{ 0x0b56, 0x0b56 }, { 0x0b62, 0x0b63 }, { 0x0b82, 0x0b82 },
	{ 0x0bc0, 0x0bc0 }, { 0x0bcd, 0x0bcd }, { 0x0c00, 0x0c00 },
	{ 0x0c3e, 0x0c40 }, { 0x0c46, 0x0c56 }, { 0x0c62, 0x0c63 },
	{ 0x0cbc, 0x0cbc }, { 0x0ccc, 0x0ccd }, { 0x0d41, 0x0d44 },
	{ 0x0d4d, 0x0d4d }, { 0x0dca, 0x0dca }, { 0x0dd2, 0x0dd6 },
	{ 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
	{ 0x0eb1, 0x0eb1 }, { 0x0eb4, 0x0ebc }, { 0x0ec8, 0x0ecd },
	{ 0x0f18, 0x0f19 }, { 0x0f35, 0x0f35 }, { 0x0f37, 0x0f37 },
	{ 0x0f39, 0x0f39 }, { 0x0f71, 0x0f7e }, { 0x0f80, 0x0f84 },
	{ 0x0f86, 0x0f87 }, { 0x0f8d, 0x0fbc }, { 0x102d, 0x1030 },
	{ 0x1032, 0x1037 }, { 0x1039, 0x103a }, { 0x1160, 0x11ff },
	{ 0x135d, 0x135f }, { 0x1712, 0x1714 }, { 0x17b4, 0x17b5 },
	{ 0x17b7, 0x17bd }, { 0x17c6, 0x17c6 }, { 0x17c9, 0x17d3 },
	{ 0x17dd, 0x17dd }, { 0x180b, 0x180d }, { 0x18a9, 0x18a9 },
	{ 0x1920, 0x1922 }, { 0x1a17, 0x1a18 }, { 0x1ab0, 0x1aff },
	{ 0x1b00, 0x1b03 }, { 0x1b34, 0x1b34 }, { 0x1b36, 0x1b3a },
	{ 0x1dc0, 0x1dff }, { 0x200c, 0x200d }, { 0x20d0, 0x20ff },
	{ 0x2cef, 0x2cf1 }, { 0x2de0, 0x2dff }, { 0x302a, 0x302d },
	{ 0x3099, 0x309a }, { 0xa66f, 0xa672 }, { 0xa674, 0xa67d },
	{ 0xa69e, 0xa69f }, { 0xa6f0, 0xa6f1 }, { 0xa802, 0xa802 },
	{ 0xa806, 0xa806 }, { 0xa80b, 0xa80b }, { 0xa825, 0xa826 },
	{ 0xa8c4, 0xa8c5 }, { 0xa8e0, 0xa8f1 }, { 0xfb1e, 0xfb1e },
	{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0x101fd, 0x101fd },
	{ 0x1d167, 0x1d169 }, { 0x1d17b, 0x1d182 }, { 0xe0100, 0xe01ef },
};
/* clang-format on */

/* Two columns: East Asian wide and fullwidth, emoji presentation. */
/* clang-format off */
static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 },
	{ 0x17000, 0x18aff }, { 0x1b000, 0x1b16f }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f202 }, { 0x1f210, 0x1f23b }, { 0x1f240, 0x1f248 },
	{ 0x1f250, 0x1f251 }, { 0x1f260, 0x1f265 }, { 0x1f300, 0x1f320 },
	{ 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 },
	{ 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 },
	{ 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 },
	{ 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e },
	{ 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 },
	{ 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 },
	{ 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6d7 },
	{ 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7eb },
	{ 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff },
	{ 0x1fa70, 0x1faff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};
/* clang-format on */

static int
in_table(uint32_t cp, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n, mid;

	if (cp < t[0].lo || cp > t[n - 1].hi)
		return (0);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp > t[mid].hi)
			lo = mid + 1;
		else if (cp < t[mid].lo)
			hi = mid;
		else
			return (1);
	}
	return (0);
}

/* Columns of a printable non-ASCII code point, -1 to drop it. */
static int
cp_width(uint32_t cp)
{
	/* The common cases first: Latin, Greek, Cyrillic; CJK ideographs. */
	if (cp < 0x300)
		return (cp == 0xad ? -1 : 1);
	if (cp >= 0x4e00 && cp <= 0x9fff)
		return (2);
	if (sr_cp_hidden(cp))
		return (-1);
	if (in_table(cp, zero_width, nitems(zero_width)))
		return (0);
	if (cp >= 0x1100 && in_table(cp, wide, nitems(wide)))
		return (2);
	return (1);
}

/* cp_width() through the cache of tv. */
static inline int
tv_width(struct sr_textview *tv, uint32_t cp)
{
	size_t i = (cp ^ cp >> 6) & (TV_WCACHE - 1);

	if (cp < 0x300)
		return (cp == 0xad ? -1 : 1);
	if (tv->wc_key[i] != cp) {
		tv->wc_key[i] = cp;
		tv->wc_w[i] = (signed char)cp_width(cp);
	}
	return (tv->wc_w[i]);
}

struct sr_textview *
sr_textview_new(size_t max_line, sr_textview_line_fn fn, void *arg)
{
	struct sr_textview *tv;

	if ((tv = calloc(1, sizeof(*tv))) == NULL)
		return (NULL);
	if (max_line == 0)
		max_line = TV_DEFAULT_MAX;
	/* A wide character needs two cells. */
	tv->max_line = max_line < 2 ? 2 : max_line;
	tv->fn = fn;
	tv->arg = arg;
	sr_textview_reset(tv);
	return (tv);
}

void
sr_textview_free(struct sr_textview *tv)
{
	if (tv == NULL)
		return;
	free(tv->cells);
	free(tv->abuf);
	free(tv->pool);
	free(tv->out);
	free(tv);
}

static void
line_clear(struct sr_textview *tv)
{
	tv->len = 0;
	tv->pool_len = 0;
	tv->started = 0;
	tv->nonascii = 0;
	tv->fresh_lo = tv->fresh_hi = 0;
	tv->fast = 1;
	tv->alen = 0;
}

void
sr_textview_reset(struct sr_textview *tv)
{
	line_clear(tv);
	tv->col = 0;
	tv->last_cp = 0;
	tv->row = 0;
	tv->row_known = 0;
	tv->vgen = 0;
	tv->saved_col = 0;
	tv->saved_row = 0;
	tv->saved_row_known = 0;
	tv->saved_vgen = 0;
	tv->state = S_GROUND;
	tv->u8_need = 0;
}

/* Room for n cells (n <= max_line); -1 when out of memory. */
static int
cells_reserve(struct sr_textview *tv, size_t n)
{
	uint32_t *c;
	size_t ncap;

	if (n <= tv->cap)
		return (0);
	ncap = tv->cap ? tv->cap : 256;
	while (ncap < n)
		ncap *= 2;
	if (ncap > tv->max_line)
		ncap = tv->max_line;
	if ((c = sr_reallocarray(tv->cells, ncap, sizeof(*c))) == NULL)
		return (-1);
	tv->cells = c;
	tv->cap = ncap;
	return (0);
}

/* Writes cells [0, n) as UTF-8 into tv->out; -1 when out of memory. */
static int
render(struct sr_textview *tv, size_t n, size_t *olen)
{
	size_t i, k, o = 0, need;
	uint32_t c;
	char *p;

	need = n * 4 + tv->pool_len + 1;
	if (need > tv->out_cap) {
		if ((p = realloc(tv->out, need)) == NULL)
			return (-1);
		tv->out = p;
		tv->out_cap = need;
	}
	if (!tv->nonascii) {
		/*
		 * Blocks of a fixed size through restrict pointers, which
		 * compilers vectorize (char stores could alias tv).
		 */
		char *restrict dst = tv->out;
		const uint32_t *restrict src = tv->cells;

		for (i = 0; i + 16 <= n; i += 16)
			for (k = 0; k < 16; k++)
				dst[i + k] = (char)src[i + k];
		for (; i < n; i++)
			dst[i] = (char)src[i];
		o = n;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		c = tv->cells[i];
		if (c < 0x80)
			tv->out[o++] = (char)c;
		else if (c == TV_CONT)
			continue;
		else if (c & TV_CLUSTER) {
			const unsigned char *cl = tv->pool + (c & ~TV_CLUSTER);

			memcpy(tv->out + o, cl + 1, cl[0]);
			o += cl[0];
		} else
			o += sr_utf8_put((unsigned char *)tv->out + o, c);
	}
	tv->out[o] = '\0';
	*olen = o;
	return (0);
}

/* Cells [0, n) without the trailing blanks. */
static size_t
trimmed(const struct sr_textview *tv)
{
	size_t n = tv->len;

	while (n > 0 && tv->cells[n - 1] == ' ')
		n--;
	return (n);
}

/* Copies bytes into cells, in blocks that compilers vectorize. */
static void
widen(uint32_t *restrict dst, const unsigned char *restrict src, size_t n)
{
	size_t i, j;

	for (i = 0; i + 16 <= n; i += 16)
		for (j = 0; j < 16; j++)
			dst[i + j] = src[i + j];
	for (; i < n; i++)
		dst[i] = src[i];
}

/* Cells [a, b) were written: their text is not shown anywhere yet. */
static inline void
fresh_add(struct sr_textview *tv, size_t a, size_t b)
{
	if (tv->fresh_lo >= tv->fresh_hi) {
		tv->fresh_lo = a;
		tv->fresh_hi = b;
		tv->fresh_t = tv->t;
		return;
	}
	if (a < tv->fresh_lo)
		tv->fresh_lo = a;
	if (b > tv->fresh_hi)
		tv->fresh_hi = b;
}

/* Room for n bytes and a NUL in abuf (n <= 4 max_line); -1 on no memory. */
static int
abuf_reserve(struct sr_textview *tv, size_t n)
{
	char *b;
	size_t ncap;

	if (n < tv->abuf_cap)
		return (0);
	ncap = tv->abuf_cap ? tv->abuf_cap : 256;
	while (ncap <= n)
		ncap *= 2;
	if (ncap > tv->max_line * 4 + 1)
		ncap = tv->max_line * 4 + 1;
	if (ncap <= n) /* not reached: a cell is at most 4 bytes */
		return (-1);
	if ((b = realloc(tv->abuf, ncap)) == NULL)
		return (-1);
	tv->abuf = b;
	tv->abuf_cap = ncap;
	return (0);
}

static int cp_width(uint32_t);

/* Moves a fast line into cells.  -1 when out of memory. */
static int
materialize(struct sr_textview *tv)
{
	const unsigned char *p = (const unsigned char *)tv->abuf;
	size_t i = 0, k = 0, n;
	uint32_t cp;

	if (!tv->fast)
		return (0);
	if (tv->len > 0 && cells_reserve(tv, tv->len) != 0)
		return (-1);
	if (tv->alen == tv->len) {
		widen(tv->cells, p, tv->len);
		tv->fast = 0;
		return (0);
	}
	/* Only valid sequences of width 1 or 2 were put in abuf. */
	while (i < tv->alen && k < tv->len) {
		if (p[i] < 0x80) {
			tv->cells[k++] = p[i++];
			continue;
		}
		n = p[i] < 0xe0 ? 2 : p[i] < 0xf0 ? 3 : 4;
		cp = p[i] & (0x7f >> n);
		while (--n > 0)
			cp = cp << 6 | (p[++i] & 0x3f);
		i++;
		tv->cells[k++] = cp;
		if (cp_width(cp) == 2 && k < tv->len)
			tv->cells[k++] = TV_CONT;
	}
	tv->nonascii = 1;
	tv->fast = 0;
	return (0);
}

/*
 * Appends bytes p[0..n) that take w cells to a fast line at the cursor
 * (at or past its end: the gap is padded with blanks).
 */
static int
fast_put(struct sr_textview *tv, const unsigned char *p, size_t n, size_t w)
{
	size_t gap = tv->col - tv->len, end = tv->col + w;
	char *d;
	size_t i;

	if (abuf_reserve(tv, tv->alen + gap + n) != 0)
		return (SR_FATAL);
	d = tv->abuf + tv->alen;
	for (i = 0; i < gap; i++)
		d[i] = ' ';
	d += gap;
	/* Mostly one character: a call to memcpy() costs more. */
	if (n <= 8)
		for (i = 0; i < n; i++)
			d[i] = (char)p[i];
	else
		memcpy(d, p, n);
	tv->alen += gap + n;
	if (!tv->started) {
		tv->started = 1;
		tv->line_t = tv->t;
	}
	fresh_add(tv, tv->col, end);
	tv->col = tv->len = end;
	return (0);
}

/*
 * Emits the line and clears it (the cursor stays).  An empty line is
 * emitted only when force is set (LF).  Returns the callback's result.
 */
static int
emit(struct sr_textview *tv, int force)
{
	size_t n, o;
	int64_t t;

	if (tv->fast) {
		const char *line = "";

		for (n = tv->alen; n > 0 && tv->abuf[n - 1] == ' '; n--)
			;
		if (n == 0 && !force) {
			line_clear(tv);
			return (0);
		}
		if (n > 0) {
			tv->abuf[n] = '\0'; /* room: abuf_reserve() */
			line = tv->abuf;
		}
		t = tv->started ? tv->line_t : tv->t;
		line_clear(tv);
		if (tv->fn == NULL)
			return (0);
		return (tv->fn(tv->arg, line, n, t));
	}
	n = trimmed(tv);
	if (n == 0 && !force) {
		line_clear(tv);
		return (0);
	}
	if (render(tv, n, &o) != 0)
		return (SR_FATAL);
	t = tv->started ? tv->line_t : tv->t;
	line_clear(tv);
	if (tv->fn == NULL)
		return (0);
	return (tv->fn(tv->arg, tv->out, o, t));
}

/*
 * Cells [a, b) are about to be erased or overwritten.  When they hold
 * text that was drawn and not yet shown in any line, the line as it
 * stands is given to the overwritten callback first: the viewer may have
 * seen it for a moment, and grep must find it (SECURITY.md S5).  Text
 * already given once is not given again, so "10%\r20%\r30%" yields
 * "10%" and "20%" once each.  Returns the callback's result.
 */
static int
hide(struct sr_textview *tv, size_t a, size_t b)
{
	size_t i, n, o;
	int64_t t;

	if (b > tv->len)
		b = tv->len;
	if (a >= b || tv->fresh_lo >= tv->fresh_hi || b <= tv->fresh_lo ||
	    a >= tv->fresh_hi)
		return (0);
	for (i = a; i < b && tv->cells[i] == ' '; i++)
		;
	if (i == b || (n = trimmed(tv)) == 0)
		return (0);
	if (render(tv, n, &o) != 0)
		return (SR_FATAL);
	t = tv->fresh_t;
	tv->fresh_lo = tv->fresh_hi = 0;
	return (tv->ow_fn(tv->ow_arg, tv->out, o, t));
}

/* How far right cursor movement may go. */
static size_t
move_limit(const struct sr_textview *tv)
{
	size_t lim = tv->len > TV_COLS_MAX ? tv->len : TV_COLS_MAX;

	return (lim < tv->max_line ? lim : tv->max_line);
}

static size_t
clamp_col(const struct sr_textview *tv, size_t col)
{
	size_t lim = move_limit(tv);

	return (col < lim ? col : lim);
}

/* A move right never moves left, even when the bound shrank. */
static size_t
clamp_fwd(const struct sr_textview *tv, size_t col)
{
	size_t lim = move_limit(tv);

	if (col <= lim)
		return (col);
	return (tv->col > lim ? tv->col : lim);
}

/*
 * Makes cells [col, col + w) writable: wraps to a new piece when they do
 * not fit, pads a gap with spaces and splits wide characters that are
 * half overwritten.  -1 on no memory, else the callback's result.
 */
static int
prepare(struct sr_textview *tv, size_t w, int *rc)
{
	size_t i, end;

	*rc = 0;
	if (tv->col + w > tv->max_line) {
		if ((*rc = emit(tv, 0)) != 0)
			return (-1);
		tv->col = 0;
	}
	if (tv->fast && materialize(tv) != 0) {
		*rc = SR_FATAL;
		return (-1);
	}
	end = tv->col + w;
	if (cells_reserve(tv, end) != 0) {
		*rc = SR_FATAL;
		return (-1);
	}
	if (tv->col > tv->len) {
		for (i = tv->len; i < tv->col; i++)
			tv->cells[i] = ' ';
		tv->len = tv->col;
	} else if (tv->col < tv->len && tv->cells[tv->col] == TV_CONT)
		tv->cells[tv->col - 1] = ' ';
	if (end < tv->len && tv->cells[end] == TV_CONT)
		tv->cells[end] = ' ';
	if (!tv->started) {
		tv->started = 1;
		tv->line_t = tv->t;
	}
	return (0);
}

/*
 * Printable ASCII p[0..k) goes over cells that hold text: hides the line
 * first when a visible character changes.
 */
static int
overwrite_ascii(struct sr_textview *tv, const unsigned char *p, size_t k)
{
	size_t i, e = tv->col + k < tv->len ? tv->col + k : tv->len;
	const uint32_t *c = tv->cells;

	for (i = tv->col; i < e; i++)
		if (c[i] != p[i - tv->col] && c[i] != ' ')
			return (hide(tv, i, e));
	return (0);
}

/* Puts a run of printable ASCII. */
static int
put_ascii(struct sr_textview *tv, const unsigned char *p, size_t n)
{
	uint32_t *c;
	size_t k, end;
	int rc;

	/* Text appended to a fast line: a plain copy. */
	if (tv->fast && tv->col >= tv->len &&
	    (end = tv->col + n) <= tv->max_line) {
		if (fast_put(tv, p, n, n) != 0)
			return (SR_FATAL);
		tv->last_cp = p[n - 1];
		return (0);
	}
	while (n > 0) {
		if (tv->col >= tv->max_line) {
			if ((rc = emit(tv, 0)) != 0)
				return (rc);
			tv->col = 0;
		}
		k = tv->max_line - tv->col;
		if (k > n)
			k = n;
		if (prepare(tv, k, &rc) != 0)
			return (rc);
		c = tv->cells + tv->col;
		if (tv->ow_fn != NULL && tv->col < tv->len &&
		    (rc = overwrite_ascii(tv, p, k)) != 0)
			return (rc);
		widen(c, p, k);
		fresh_add(tv, tv->col, tv->col + k);
		tv->col += k;
		if (tv->col > tv->len)
			tv->len = tv->col;
		tv->last_cp = p[k - 1];
		p += k;
		n -= k;
	}
	return (0);
}

/*
 * Attaches a zero-width code point to the character left of the cursor,
 * turning its cell into a cluster in the pool.  A mark that does not fit
 * (TV_CLUSTER_MAX, TV_POOL_MAX, or no memory) is dropped: the base
 * character is what matters for searching.
 */
static void
put_mark(struct sr_textview *tv, uint32_t cp)
{
	unsigned char *np;
	size_t i, off = 0, blen, mlen, need, ncap;
	char mark[4], base[4];
	uint32_t c;
	int in_place = 0;

	if (tv->col == 0 || tv->col > tv->len || materialize(tv) != 0)
		return;
	i = tv->col - 1;
	if (tv->cells[i] == TV_CONT)
		i--; /* a CONT cell always follows its head */
	c = tv->cells[i];
	mlen = sr_utf8_put((unsigned char *)mark, cp);
	if (c & TV_CLUSTER) {
		off = c & ~TV_CLUSTER;
		blen = tv->pool[off];
		in_place = off + 1 + blen == tv->pool_len;
	} else
		blen = sr_utf8_put((unsigned char *)base, c);
	if (blen + mlen > TV_CLUSTER_MAX)
		return;
	need = tv->pool_len + mlen + (in_place ? 0 : 1 + blen);
	if (need > TV_POOL_MAX)
		return;
	if (need > tv->pool_cap) {
		ncap = tv->pool_cap ? tv->pool_cap * 2 : 256;
		while (ncap < need)
			ncap *= 2;
		if (ncap > TV_POOL_MAX)
			ncap = TV_POOL_MAX;
		if ((np = realloc(tv->pool, ncap)) == NULL)
			return;
		tv->pool = np;
		tv->pool_cap = ncap;
	}
	if (!in_place) {
		/* Copy the base (or the old cluster) to the end. */
		np = tv->pool + tv->pool_len;
		if (c & TV_CLUSTER)
			memmove(np + 1, tv->pool + off + 1, blen);
		else
			memcpy(np + 1, base, blen);
		np[0] = (unsigned char)blen;
		off = tv->pool_len;
		tv->pool_len += 1 + blen;
		tv->cells[i] = TV_CLUSTER | (uint32_t)off;
		tv->nonascii = 1;
	}
	memcpy(tv->pool + tv->pool_len, mark, mlen);
	tv->pool_len += mlen;
	tv->pool[off] = (unsigned char)(blen + mlen);
}

/* Puts one printable code point (non-ASCII, or U+FFFD). */
static int
put_cp(struct sr_textview *tv, uint32_t cp)
{
	int w, rc;

	if (cp < 0x80) {
		unsigned char b = (unsigned char)cp;

		return (put_ascii(tv, &b, 1));
	}
	if ((w = tv_width(tv, cp)) < 0)
		return (0);
	if (w == 0) {
		put_mark(tv, cp);
		return (0);
	}
	if (prepare(tv, (size_t)w, &rc) != 0)
		return (rc);
	if (tv->ow_fn != NULL && tv->col < tv->len &&
	    tv->cells[tv->col] != cp &&
	    (rc = hide(tv, tv->col, tv->col + (size_t)w)) != 0)
		return (rc);
	tv->nonascii = 1;
	fresh_add(tv, tv->col, tv->col + (size_t)w);
	tv->cells[tv->col] = cp;
	if (w == 2)
		tv->cells[tv->col + 1] = TV_CONT;
	tv->col += (size_t)w;
	if (tv->col > tv->len)
		tv->len = tv->col;
	tv->last_cp = cp;
	return (0);
}

/* Ends the line because the cursor leaves its row; keeps the column. */
static int
vbreak(struct sr_textview *tv)
{
	tv->vgen++;
	if (tv->len == 0) {
		line_clear(tv);
		return (0);
	}
	return (emit(tv, 0));
}

static int
newline(struct sr_textview *tv)
{
	tv->vgen++;
	tv->row++;
	tv->col = 0;
	return (emit(tv, 1));
}

/* C0 controls, executed in the ground, escape and CSI states. */
static int
exec_c0(struct sr_textview *tv, unsigned char b)
{
	switch (b) {
	case '\n':
	case '\v':
	case '\f':
		return (newline(tv));
	case '\r':
		tv->col = 0;
		break;
	case '\b':
		if (tv->col > 0)
			tv->col--;
		break;
	case '\t':
		tv->col = clamp_fwd(tv, (tv->col / 8 + 1) * 8);
		break;
	}
	return (0);
}

/* Splits a wide character whose half lies at cell i. */
static void
split_wide_at(struct sr_textview *tv, size_t i)
{
	if (i < tv->len && tv->cells[i] == TV_CONT) {
		tv->cells[i - 1] = ' ';
		tv->cells[i] = ' ';
	}
}

static int
erase_line(struct sr_textview *tv, unsigned mode)
{
	size_t i, n;
	int rc;

	if (tv->len == 0 || mode > 2 || (mode == 0 && tv->col >= tv->len))
		return (0);
	if (materialize(tv) != 0)
		return (SR_FATAL);
	if (tv->ow_fn != NULL &&
	    (rc = hide(tv, mode == 0 ? tv->col : 0,
		 mode == 1 ? tv->col + 1 : tv->len)) != 0)
		return (rc);
	switch (mode) {
	case 0: /* cursor to end */
		if (tv->col < tv->len) {
			split_wide_at(tv, tv->col);
			tv->len = tv->col;
		}
		break;
	case 1: /* start to cursor, inclusive */
		n = tv->col + 1 < tv->len ? tv->col + 1 : tv->len;
		split_wide_at(tv, n);
		for (i = 0; i < n; i++)
			tv->cells[i] = ' ';
		if (n == tv->len)
			tv->len = 0;
		break;
	case 2:
		tv->len = 0;
		break;
	}
	if (tv->len == 0)
		line_clear(tv);
	return (0);
}

/* DCH: deletes n characters at the cursor, pulling the rest left. */
static int
delete_chars(struct sr_textview *tv, size_t n)
{
	size_t k, col = tv->col;
	int rc;

	if (col >= tv->len)
		return (0);
	k = n < tv->len - col ? n : tv->len - col;
	if (materialize(tv) != 0)
		return (SR_FATAL);
	if (tv->ow_fn != NULL && (rc = hide(tv, col, col + k)) != 0)
		return (rc);
	split_wide_at(tv, col);
	split_wide_at(tv, col + k);
	memmove(tv->cells + col, tv->cells + col + k,
	    (tv->len - col - k) * sizeof(*tv->cells));
	tv->len -= k;
	if (tv->len == 0)
		line_clear(tv);
	return (0);
}

/* ICH: inserts n blanks at the cursor; text pushed past the bound is lost. */
static int
insert_blanks(struct sr_textview *tv, size_t n)
{
	size_t lim = move_limit(tv), col = tv->col, nlen, i;

	if (col >= tv->len)
		return (0);
	if (materialize(tv) != 0)
		return (SR_FATAL);
	split_wide_at(tv, col);
	if (n > lim - col)
		n = lim - col;
	nlen = tv->len + n < lim ? tv->len + n : lim;
	if (n == 0)
		return (0);
	/* The character cut at the new end loses its right half. */
	split_wide_at(tv, nlen - n);
	if (cells_reserve(tv, nlen) != 0)
		return (SR_FATAL);
	memmove(tv->cells + col + n, tv->cells + col,
	    (nlen - col - n) * sizeof(*tv->cells));
	for (i = col; i < col + n; i++)
		tv->cells[i] = ' ';
	tv->len = nlen;
	return (0);
}

/* ECH: blanks n characters from the cursor. */
static int
erase_chars(struct sr_textview *tv, size_t n)
{
	size_t e, i, col = tv->col;
	int rc;

	if (col >= tv->len)
		return (0);
	e = n < tv->len - col ? col + n : tv->len;
	if (materialize(tv) != 0)
		return (SR_FATAL);
	if (tv->ow_fn != NULL && (rc = hide(tv, col, e)) != 0)
		return (rc);
	split_wide_at(tv, col);
	split_wide_at(tv, e);
	if (e == tv->len) {
		tv->len = col;
		if (tv->len == 0)
			line_clear(tv);
		return (0);
	}
	for (i = col; i < e; i++)
		tv->cells[i] = ' ';
	return (0);
}

/* REP: repeats the last character, never past the movement bound. */
static int
repeat(struct sr_textview *tv, size_t n)
{
	size_t lim = move_limit(tv), w;
	int rc = 0;

	if (tv->last_cp == 0)
		return (0);
	w = tv->last_cp < 0x80 ? 1 : (size_t)cp_width(tv->last_cp);
	while (n-- > 0 && tv->col + w <= lim && rc == 0)
		rc = put_cp(tv, tv->last_cp);
	return (rc);
}

/* CUP, VPA: moving to the row already known does not leave the line. */
static int
goto_row(struct sr_textview *tv, unsigned row)
{
	int rc = 0;

	if (!tv->row_known || tv->row != (int64_t)row)
		rc = vbreak(tv);
	tv->row = row;
	tv->row_known = 1;
	return (rc);
}

static int
rel_row(struct sr_textview *tv, int64_t d)
{
	tv->row += d;
	return (vbreak(tv));
}

static void
save_cursor(struct sr_textview *tv)
{
	tv->saved_col = tv->col;
	tv->saved_row = tv->row;
	tv->saved_row_known = tv->row_known;
	tv->saved_vgen = tv->vgen;
}

static int
restore_cursor(struct sr_textview *tv)
{
	int rc = 0;

	if (tv->saved_vgen != tv->vgen &&
	    !(tv->row_known && tv->saved_row_known && tv->row == tv->saved_row))
		rc = vbreak(tv);
	tv->row = tv->saved_row;
	tv->row_known = tv->saved_row_known;
	tv->col = clamp_col(tv, tv->saved_col);
	return (rc);
}

static int
csi_dispatch(struct sr_textview *tv, unsigned char f)
{
	unsigned p0 = tv->params[0], n = p0 ? p0 : 1;
	int rc = 0;

	if (tv->inter)
		return (0);
	/* DECSEL and DECSED erase like EL and ED; other private ones no. */
	if (tv->priv != 0 && (tv->priv != '?' || (f != 'K' && f != 'J')))
		return (0);
	switch (f) {
	case 'K':
		rc = erase_line(tv, p0);
		break;
	case 'J':
		if (p0 == 2 || p0 == 3) {
			rc = emit(tv, 0);
			line_clear(tv);
		} else
			rc = erase_line(tv, p0);
		break;
	case 'G':
	case '`':
		tv->col = clamp_col(tv, n - 1);
		break;
	case 'C':
	case 'a':
		tv->col = clamp_fwd(tv, tv->col + n);
		break;
	case 'D':
		tv->col = tv->col > n ? tv->col - n : 0;
		break;
	case 'P':
		rc = delete_chars(tv, n);
		break;
	case '@':
		rc = insert_blanks(tv, n);
		break;
	case 'X':
		rc = erase_chars(tv, n);
		break;
	case 'b':
		rc = repeat(tv, n);
		break;
	case 'H':
	case 'f':
		rc = goto_row(tv, n);
		tv->col = clamp_col(tv,
		    tv->nparam >= 1 && tv->params[1] ? tv->params[1] - 1 : 0);
		break;
	case 'd':
		rc = goto_row(tv, n);
		break;
	case 'A':
	case 'F':
		rc = rel_row(tv, -(int64_t)n);
		if (f == 'F')
			tv->col = 0;
		break;
	case 'L': /* the line moves or vanishes: the cursor stays */
	case 'M':
	case 'S':
	case 'T':
		rc = vbreak(tv);
		break;
	case 'B':
	case 'E':
	case 'e':
		rc = rel_row(tv, n);
		if (f == 'E')
			tv->col = 0;
		break;
	case 'r':
		rc = vbreak(tv);
		tv->row_known = 0;
		tv->col = 0;
		break;
	case 's':
		if (tv->nparam == 0 && !tv->csi_seen)
			save_cursor(tv);
		break;
	case 'u':
		if (tv->nparam == 0 && !tv->csi_seen)
			rc = restore_cursor(tv);
		break;
	}
	return (rc);
}

static int
esc_dispatch(struct sr_textview *tv, unsigned char f)
{
	int rc = 0;

	switch (f) {
	case '[':
		memset(tv->params, 0, sizeof(tv->params));
		tv->nparam = 0;
		tv->csi_seen = 0;
		tv->priv = 0;
		tv->inter = 0;
		tv->state = S_CSI;
		break;
	case ']':
		tv->state = S_OSC;
		break;
	case 'P':
	case 'X':
	case '^':
	case '_':
		tv->state = S_STR;
		break;
	case 'c': /* RIS */
		rc = emit(tv, 0);
		sr_textview_reset(tv);
		break;
	case 'E': /* NEL */
		rc = newline(tv);
		break;
	case 'D': /* IND */
		tv->row++;
		rc = vbreak(tv);
		break;
	case 'M': /* RI */
		tv->row--;
		rc = vbreak(tv);
		break;
	case '7':
		save_cursor(tv);
		break;
	case '8':
		rc = restore_cursor(tv);
		break;
	}
	return (rc);
}

/* An ASCII byte outside the fast path, in any state. */
static int
do_byte(struct sr_textview *tv, unsigned char b)
{
	if (b == 0x1b) {
		tv->state = S_ESC;
		return (0);
	}
	if (b == 0x18 || b == 0x1a) { /* CAN, SUB */
		tv->state = S_GROUND;
		return (0);
	}
	switch (tv->state) {
	case S_GROUND:
		if (b < 0x20)
			return (exec_c0(tv, b));
		if (b == 0x7f)
			return (0);
		return (put_ascii(tv, &b, 1));
	case S_ESC:
		if (b < 0x20)
			return (exec_c0(tv, b));
		if (b < 0x30)
			tv->state = S_ESC_INTER;
		else if (b != 0x7f) {
			tv->state = S_GROUND;
			return (esc_dispatch(tv, b));
		}
		return (0);
	case S_ESC_INTER:
		if (b < 0x20)
			return (exec_c0(tv, b));
		if (b >= 0x30 && b != 0x7f)
			tv->state = S_GROUND;
		return (0);
	case S_CSI:
		if (b < 0x20)
			return (exec_c0(tv, b));
		if (b >= '0' && b <= '9') {
			unsigned *v = &tv->params[tv->nparam];

			if (tv->inter)
				tv->state = S_CSI_IGNORE;
			else if ((*v = *v * 10 + (b - '0')) > TV_PARAM_MAX)
				*v = TV_PARAM_MAX;
			tv->csi_seen = 1;
		} else if (b == ';' || b == ':') {
			if (tv->inter)
				tv->state = S_CSI_IGNORE;
			else if (tv->nparam < TV_NPARAM - 1)
				tv->nparam++;
			tv->csi_seen = 1;
		} else if (b >= 0x3c && b <= 0x3f) {
			if (tv->csi_seen || tv->priv || tv->inter)
				tv->state = S_CSI_IGNORE;
			else
				tv->priv = b;
		} else if (b < 0x30)
			tv->inter = 1;
		else if (b >= 0x40 && b < 0x7f) {
			tv->state = S_GROUND;
			return (csi_dispatch(tv, b));
		}
		return (0);
	case S_CSI_IGNORE:
		if (b < 0x20)
			return (exec_c0(tv, b));
		if (b >= 0x40 && b < 0x7f)
			tv->state = S_GROUND;
		return (0);
	case S_OSC:
		if (b == 0x07)
			tv->state = S_GROUND;
		return (0);
	case S_STR:
		return (0);
	}
	return (0);
}

/* A C1 control, as a lone byte or a code point: ESC + (c - 0x40). */
static int
do_c1(struct sr_textview *tv, uint32_t c)
{
	tv->state = S_ESC;
	return (do_byte(tv, (unsigned char)(c - 0x40)));
}

/* A decoded non-ASCII code point (or U+FFFD for invalid bytes). */
static int
do_cp(struct sr_textview *tv, uint32_t cp)
{
	if (cp < 0xa0)
		return (do_c1(tv, cp));
	switch (tv->state) {
	case S_OSC:
	case S_STR:
		return (0);
	case S_GROUND:
		break;
	default:
		/* Text inside an escape or CSI sequence aborts it. */
		tv->state = S_GROUND;
		break;
	}
	return (put_cp(tv, cp));
}

/*
 * The end of a run of printable ASCII starting at p.  Eight bytes at a
 * time: a byte is outside 0x20..0x7e when it has the high bit set, or
 * when subtracting 0x20 or adding 1 sets it.  Borrows and carries only
 * come from bytes that are outside themselves, so nothing is missed.
 */
static const unsigned char *
scan_print(const unsigned char *p, const unsigned char *end)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t w;

#if defined(__SSE2__) && defined(__GNUC__)
	/* Sixteen at a time: below 0x20 (signed: 0x80 and up too) or DEL. */
	const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
	__m128i x;
	unsigned m;

	while (end - p >= 16) {
		x = _mm_loadu_si128((const void *)p);
		m = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_cmplt_epi8(x, sp),
			_mm_cmpeq_epi8(x, del)));
		if (m != 0)
			return (p + __builtin_ctz(m));
		p += 16;
	}
#endif
	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((w = (w | (w - 0x20 * ones) | (w + ones)) & high) != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/*
			 * No borrow or carry reaches below the first byte
			 * outside: the lowest bit set (in memory order,
			 * little-endian) is that byte.  Runs are short
			 * between colour changes; a byte loop showed.
			 */
			return (p + (__builtin_ctzll(w) >> 3));
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && *p >= 0x20 && *p < 0x7f)
		p++;
	return (p);
}

/*
 * For a fast line: the end of the run at p of printable ASCII and whole,
 * valid characters of width 1 or 2 that fits in room cells; *cells is
 * its width and *last its last character.
 */
static const unsigned char *
scan_text(struct sr_textview *tv, const unsigned char *p,
    const unsigned char *end, size_t room, size_t *cells, uint32_t *last)
{
	const unsigned char *q;
	size_t c = 0, k, n, sub;
	uint32_t cp = *last, u;
	int w;

	while (p < end) {
		q = scan_print(p, end);
		if ((k = (size_t)(q - p)) > 0) {
			if (k > room - c)
				k = room - c;
			c += k;
			p += k;
			cp = p[-1];
			if (c == room)
				break;
		}
		if (p >= end || *p < 0xc2 || *p > 0xf4)
			break;
		n = *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		/* The inline check: a call per character showed. */
		if ((size_t)(end - p) < n || sr_utf8_seq(p, n, &sub) != n)
			break;
		u = *p & (0x7f >> n);
		for (k = 1; k < n; k++)
			u = u << 6 | (p[k] & 0x3f);
		if (u < 0xa0)
			break;
		w = tv_width(tv, u);
		if (w <= 0 || c + (size_t)w > room)
			break;
		c += (size_t)w;
		cp = u;
		p += n;
	}
	*cells = c;
	*last = cp;
	return (p);
}

int
sr_textview_feed(struct sr_textview *tv, const unsigned char *buf, size_t len,
    int64_t t_ns)
{
	const unsigned char *p = buf, *end = buf + len, *q;
	unsigned char b;
	int rc = 0;

	tv->t = t_ns;
	while (p < end && rc == 0) {
		b = *p;
		if (tv->u8_need > 0) {
			if (b >= tv->u8_lo && b <= tv->u8_hi) {
				tv->u8_cp = tv->u8_cp << 6 | (b & 0x3f);
				tv->u8_lo = 0x80;
				tv->u8_hi = 0xbf;
				p++;
				if (--tv->u8_need == 0)
					rc = do_cp(tv, tv->u8_cp);
				continue;
			}
			/* A broken sequence; b is looked at again. */
			tv->u8_need = 0;
			rc = do_cp(tv, 0xfffd);
			continue;
		}
		/* Text appended to a fast line, in one copy. */
		if (tv->fast && tv->state == S_GROUND && tv->col >= tv->len &&
		    tv->col < tv->max_line &&
		    ((b >= 0x20 && b < 0x7f) || (b >= 0xc2 && b <= 0xf4))) {
			size_t cells;
			uint32_t last = tv->last_cp;

			q = scan_text(tv, p, end, tv->max_line - tv->col,
			    &cells, &last);
			if (q > p) {
				rc = fast_put(tv, p, (size_t)(q - p), cells);
				tv->last_cp = last;
				p = q;
				continue;
			}
		}
		if (b < 0x80) {
			if (tv->state == S_GROUND && b >= 0x20 && b < 0x7f) {
				q = scan_print(p + 1, end);
				rc = put_ascii(tv, p, (size_t)(q - p));
				p = q;
				continue;
			}
			/*
			 * Colour changes (SGR) and "erase to the end of the
			 * line" are most of the sequences in real output:
			 * whole ones are taken here rather than byte by byte.
			 */
			if (b == 0x1b && tv->state == S_GROUND &&
			    end - p >= 3 && p[1] == '[') {
				q = p + 2;
				while (q < end &&
				    ((*q >= '0' && *q <= '9') || *q == ';'))
					q++;
				if (q < end && *q == 'm') {
					p = q + 1;
					continue;
				}
				if (q < end && *q == 'K' &&
				    (q == p + 2 ||
					(q == p + 3 && p[2] == '0'))) {
					p = q + 1;
					rc = erase_line(tv, 0);
					continue;
				}
			}
			p++;
			if (tv->state == S_GROUND && b < 0x20 && b != 0x1b &&
			    b != 0x18 && b != 0x1a)
				rc = exec_c0(tv, b);
			else
				rc = do_byte(tv, b);
			continue;
		}
		p++;
		tv->u8_lo = 0x80;
		tv->u8_hi = 0xbf;
		if (b < 0xa0) /* a lone 8-bit C1 control */
			rc = do_c1(tv, b);
		else if (b >= 0xc2 && b <= 0xdf) {
			tv->u8_need = 1;
			tv->u8_cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			tv->u8_need = 2;
			tv->u8_cp = b & 0x0f;
			if (b == 0xe0)
				tv->u8_lo = 0xa0; /* overlong */
			else if (b == 0xed)
				tv->u8_hi = 0x9f; /* surrogates */
		} else if (b >= 0xf0 && b <= 0xf4) {
			tv->u8_need = 3;
			tv->u8_cp = b & 0x07;
			if (b == 0xf0)
				tv->u8_lo = 0x90; /* overlong */
			else if (b == 0xf4)
				tv->u8_hi = 0x8f; /* past U+10FFFF */
		} else
			rc = do_cp(tv, 0xfffd);
	}
	return (rc);
}

int
sr_textview_flush(struct sr_textview *tv)
{
	int rc = 0;

	/* A sequence cut by the end of the session is invalid. */
	if (tv->u8_need > 0) {
		tv->u8_need = 0;
		rc = do_cp(tv, 0xfffd);
	}
	if (rc == 0 && tv->len > 0)
		rc = emit(tv, 0);
	line_clear(tv);
	return (rc);
}

void
sr_textview_set_overwritten(struct sr_textview *tv, sr_textview_line_fn fn,
    void *arg)
{
	tv->ow_fn = fn;
	tv->ow_arg = arg;
	tv->fresh_lo = tv->fresh_hi = 0;
}
