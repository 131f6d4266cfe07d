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
 * The interactive player.  Events come from the play index (idxcache.c
 * builds it in a background thread) through one read cursor, go into an
 * emulator screen (lib/filter/screen.c), and the emulator's cells are
 * drawn with ncurses.  No recorded byte is ever written to the terminal:
 * every code point goes through sr_cp_safe() and every metadata string
 * through sr_str_escape(), and what reaches the terminal is ncurses' own
 * output.  The recorded title is never shown (SECURITY.md S1-S5).
 *
 * The UI is a stack of modes, after tmux's: the play view is always
 * drawn, and the help overlay or a prompt may sit above it and take the
 * keys.  A mode names only the hooks it uses.
 *
 * The loop never blocks on the builder: when the cursor reaches the end
 * of what is indexed, the clock stops ("indexing NN%") and the loop
 * polls again after a short key timeout.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "idxcache.h"
#include "out.h"
#include "ui-play.h"

#define UI_FRAME_NS	 (16 * SR_NSEC_PER_MSEC)  /* at most ~60 frames/s */
#define UI_CLOCK_NS	 (100 * SR_NSEC_PER_MSEC) /* status clock step */
#define UI_SLICE_NS	 (20 * SR_NSEC_PER_MSEC)  /* event work per turn */
#define UI_SLICE_BYTES	 (4 << 20)
#define UI_LAG_NS	 (500 * SR_NSEC_PER_MSEC) /* give up catching up */
#define UI_POLL_MS	 50			  /* while the builder works */
#define UI_IDLE_MS	 250
#define UI_BAR_NS	 (500 * SR_NSEC_PER_MSEC) /* tick rebuild, indexing */
#define UI_DIAG_MAX	 32
#define UI_PAIR_SLOTS	 4096
#define UI_PROMPT_MAX	 200
#define UI_STATUS_MAX	 2048
#define UI_REVEAL_EVENTS 2000
#define UI_REVEAL_NS	 (250 * SR_NSEC_PER_MSEC)
/* The rest of an escape sequence; the longest gap in a reply; its size. */
#define UI_ESC_MS     30
#define UI_ESC_GAP_NS (1000 * SR_NSEC_PER_MSEC)
#define UI_ESC_MAX    (1 << 16)
/* How long overlaid bars stay after a key or a change. */
#define UI_BARS_SHOW_NS (3 * SR_NSEC_PER_SEC)

/* The bars (progress bar and status line), the b key. */
enum ui_bars {
	UI_BARS_AUTO,	/* below the view when it fits, else overlaid */
	UI_BARS_ALWAYS, /* below the view, always */
	UI_BARS_NEVER,
};

/* Where the input filter is in a terminal reply (input_filter()). */
enum ui_esc {
	ESC_NONE,
	ESC_ESC,     /* ESC, and more came with it */
	ESC_LATE,    /* a lone ESC: a sequence may still follow, late */
	ESC_CSI,     /* CSI: parameters, intermediates, final byte */
	ESC_STR,     /* OSC, DCS, APC, PM, SOS: a string to ST or BEL */
	ESC_STR_ESC, /* ESC in a string: ST when a backslash follows */
};

struct ui_play;

/*
 * A mode.  The play view (the recording, the bar, the status line) is
 * always drawn first, by frame(); a mode above it draws over it with
 * draw.  key gets every key while the mode is on top (fkey: ch is a KEY_
 * code); cursor places the terminal cursor and returns 0 to hide it.
 * Hooks a mode does not use stay NULL.
 */
struct ui_mode {
	const char *name;
	void (*draw)(struct ui_play *);
	void (*key)(struct ui_play *, int fkey, wint_t ch);
	int (*cursor)(struct ui_play *);
};

/*
 * Diagnostics the builder thread reports while curses owns the
 * terminal: kept, and printed once the terminal is back.
 */
struct ui_diag {
	pthread_mutex_t lock;
	struct sr_error err[UI_DIAG_MAX];
	int status[UI_DIAG_MAX];
	size_t n;
	size_t total;
};

struct ui_pair {
	uint64_t key; /* 0: free */
	int pair;
};

struct ui_play {
	struct sr_ctx *ctx;
	const struct ui_play_opts *o;
	const struct sr_session *s; /* the catalog's, borrowed */
	struct idx *idx;
	struct sr_playidx *pi;
	struct sr_playcur *cur;
	struct sr_screen *scr;
	FILE *tty;
	SCREEN *term;
	int utf8;
	const struct ui_mode *mode; /* top of the stack */
	int quit;

	/*
	 * The clock: session time ref_t was on screen at monotonic time
	 * ref_wall.  next is the event read ahead and not yet due.
	 */
	int64_t ref_t, ref_wall;
	double speed;
	int paused;
	int at_end;
	int starved;	      /* waiting for the builder */
	int64_t seek_pending; /* a seek past the indexed part; -1 none */
	size_t seek_nblocks;
	const struct sr_event *next;
	int more; /* the last slice stopped on its budget */
	int index_bad;
	char index_msg[320]; /* why, for the status line */

	/* Drawing. */
	int force; /* draw at the next chance */
	int view_dirty;
	uint64_t drawn_damage;
	int64_t last_frame;
	char drawn_status[UI_STATUS_MAX];
	unsigned pan_r, pan_c;
	int pan_auto;
	unsigned rec_rows, rec_cols; /* geometry seen at the last draw */
	char *ticks;		     /* one tick (or 0) per bar column */
	int ticks_w;
	size_t ticks_nmarks;
	int64_t ticks_dur;
	int64_t ticks_built;
	char ident[512]; /* "id actor@host -> target", escaped */
	char who[512];	 /* the same without the id */

	/* The bars. */
	enum ui_bars bars;
	int64_t bars_until; /* auto, overlaid: shown until then */
	int bars_shown;	    /* at the last frame */
	/* What they say, but the clock: a change shows them. */
	char bars_state[UI_STATUS_MAX];

	/* The search hit shown in reverse until the next key; "" none. */
	char hl[4 * UI_PROMPT_MAX + 1];

	/* The input filter. */
	enum ui_esc esc;
	int64_t esc_until;
	size_t esc_n;

	/* Colours. */
	int colors;   /* 0: attributes only */
	int direct;   /* colour numbers are 24-bit RGB */
	int defaults; /* use_default_colors() worked */
	int pair_next, pair_max;
	int pairs_full;
	struct ui_pair pairs[UI_PAIR_SLOTS];

	/* The prompt mode. */
	const char *prompt_label;
	wchar_t prompt[UI_PROMPT_MAX + 1];
	size_t prompt_len;
	void (*prompt_done)(struct ui_play *, const char *);
	char last_search[4 * UI_PROMPT_MAX + 1];
	char msg[512]; /* shown until the next key */

	struct ui_diag diag;
	int quiet; /* for sr_out_diag() once the UI is gone */
};

static volatile sig_atomic_t ui_signalled;

static const double ui_speeds[] = { 0.25, 0.5, 1, 2, 4, 8, 16 };

static int read_next(struct ui_play *, int64_t);
static void play_key(struct ui_play *, int, wint_t);
static int play_cursor(struct ui_play *);
static void help_draw(struct ui_play *);
static void help_key(struct ui_play *, int, wint_t);
static void prompt_draw(struct ui_play *);
static void prompt_key(struct ui_play *, int, wint_t);
static int prompt_cursor(struct ui_play *);

static const struct ui_mode mode_play = {
	.name = "play",
	.key = play_key,
	.cursor = play_cursor,
};
static const struct ui_mode mode_help = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
};
static const struct ui_mode mode_prompt = {
	.name = "prompt",
	.draw = prompt_draw,
	.key = prompt_key,
	.cursor = prompt_cursor,
};

static const char *const help_lines[] = {
	"sessrec play keys",
	"",
	"space       pause or play",
	"+ -         speed up or down (1/4x to 16x)",
	"left right  back or forward 5 seconds",
	"PgUp PgDn   back or forward 1 minute",
	"Home End    start or end of the session",
	"g           go to a time",
	".           step one event (when paused)",
	"n N         next or previous command or marker",
	"/           search the output (empty: again)",
	"h j k l     pan a cropped recording",
	"            (also shift+arrows)",
	"b           status bars: auto, always, never",
	"?           this help",
	"q           quit",
	"",
	"any key closes this help",
};

static void
on_signal(int sig)
{
	(void)sig;
	ui_signalled = 1;
}

static void
diag_collect(void *arg, int status, const struct sr_error *e)
{
	struct ui_diag *d = arg;

	pthread_mutex_lock(&d->lock);
	if (d->n < UI_DIAG_MAX) {
		d->err[d->n] = *e;
		d->status[d->n] = status;
		d->n++;
	}
	d->total++;
	pthread_mutex_unlock(&d->lock);
}

/* Prints what was collected; once curses has let go of the terminal. */
static void
diag_print(struct ui_diag *d, int quiet)
{
	size_t i, shown = 0;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->n; i++) {
		if (d->status[i] == SR_WARN && quiet)
			continue;
		sr_warn_error(d->status[i] == SR_WARN ? "warning:"
						      : "cannot read",
		    &d->err[i]);
		shown++;
	}
	if (d->total > d->n && !quiet)
		sr_warnx("%zu more warnings not shown", d->total - d->n);
	pthread_mutex_unlock(&d->lock);
	(void)shown;
}

static size_t
utf8_put(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	d[0] = (char)(0xf0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* Decodes the UTF-8 sequence at s; returns its length, 0 at the end. */
static size_t
utf8_get(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (*u == 0)
		return (0);
	n = sr_utf8_valid(u, strnlen(s, 4));
	if (n == 0) {
		*cp = 0xfffd;
		return (1);
	}
	if (n == 1)
		*cp = u[0];
	else if (n == 2)
		*cp = ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	else if (n == 3)
		*cp = ((uint32_t)(u[0] & 0x0f) << 12) |
		    ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	else
		*cp = ((uint32_t)(u[0] & 0x07) << 18) |
		    ((uint32_t)(u[1] & 0x3f) << 12) |
		    ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
	return (n);
}

/*
 * Invisible format characters (bidi overrides and isolates, zero-width
 * joiners and spaces, tags).  sr_cp_safe() is the rule; this is a second
 * fence for the ones that reorder or hide text, since wcwidth() calls
 * them zero-width and they would otherwise pass as combining marks.
 */
static int
is_format(uint32_t cp)
{
	return (cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f));
}

/* The code point to draw for cp, and its width; never a control. */
static uint32_t
safe_glyph(const struct ui_play *p, uint32_t cp, int *width)
{
	int w;

	cp = sr_cp_safe(cp);
	if (is_format(cp))
		cp = 0xfffd;
	if (!p->utf8 && cp >= 0x80) {
		*width = 1;
		return ('?');
	}
	if (cp < 0x20 || cp == 0x7f) /* sr_cp_safe() should have caught it */
		cp = p->utf8 ? 0xfffd : '?';
	w = wcwidth((wchar_t)cp);
	if (w < 0 || w > 2) {
		cp = p->utf8 ? 0xfffd : '?';
		w = 1;
	}
	*width = w;
	return (cp);
}

/*
 * Draws UTF-8 text (already escaped where it came from a recording) at
 * row, col in at most w columns; returns the columns used.
 */
static int
put_text(struct ui_play *p, int row, int col, int w, const char *s, attr_t a)
{
	wchar_t wc[2];
	cchar_t cc;
	uint32_t cp;
	size_t n;
	int used = 0, cw;

	while (used < w && (n = utf8_get(s, &cp)) > 0) {
		s += n;
		cp = safe_glyph(p, cp, &cw);
		if (cw == 0)
			continue; /* no combining marks in the chrome */
		if (used + cw > w)
			break;
		wc[0] = (wchar_t)cp;
		wc[1] = L'\0';
		if (setcchar(&cc, wc, a, 0, NULL) == OK)
			(void)mvadd_wch(row, col + used, &cc);
		used += cw;
	}
	return (used);
}

/* Columns the UTF-8 text s takes. */
static int
text_width(const struct ui_play *p, const char *s)
{
	uint32_t cp;
	size_t n;
	int w = 0, cw;

	while ((n = utf8_get(s, &cp)) > 0) {
		s += n;
		(void)safe_glyph(p, cp, &cw);
		w += cw;
	}
	return (w);
}

static void
fill(int row, int col, int n, chtype ch)
{
	if (n > 0)
		(void)mvhline(row, col, ch, n);
}

/*
 * Colours.  The emulator's colours are the default, 256 indexed or 24-bit
 * RGB; the terminal may have 8, 16, 256 or direct colours, or none.
 */
static void
palette_rgb(unsigned i, int *r, int *g, int *b)
{
	static const unsigned char base[16][3] = {
		{ 0, 0, 0 },
		{ 205, 0, 0 },
		{ 0, 205, 0 },
		{ 205, 205, 0 },
		{ 0, 0, 238 },
		{ 205, 0, 205 },
		{ 0, 205, 205 },
		{ 229, 229, 229 },
		{ 127, 127, 127 },
		{ 255, 0, 0 },
		{ 0, 255, 0 },
		{ 255, 255, 0 },
		{ 92, 92, 255 },
		{ 255, 0, 255 },
		{ 0, 255, 255 },
		{ 255, 255, 255 },
	};
	static const unsigned char level[6] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16) {
		*r = base[i][0];
		*g = base[i][1];
		*b = base[i][2];
	} else if (i < 232) {
		i -= 16;
		*r = level[i / 36];
		*g = level[(i / 6) % 6];
		*b = level[i % 6];
	} else {
		*r = *g = *b = (int)(8 + 10 * (i - 232));
	}
}

static int
dist2(int r1, int g1, int b1, int r2, int g2, int b2)
{
	return ((r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) +
	    (b1 - b2) * (b1 - b2));
}

/* Nearest of the first n palette entries. */
static int
nearest_low(int r, int g, int b, unsigned n)
{
	unsigned i;
	int best = 0, bd = -1, pr, pg, pb, d;

	for (i = 0; i < n; i++) {
		palette_rgb(i, &pr, &pg, &pb);
		d = dist2(r, g, b, pr, pg, pb);
		if (bd < 0 || d < bd) {
			bd = d;
			best = (int)i;
		}
	}
	return (best);
}

static int
cube_level(int v)
{
	if (v < 48)
		return (0);
	if (v < 115)
		return (1);
	return ((v - 35) / 40);
}

/* Nearest xterm-256 index (cube or grey ramp) to an RGB colour. */
static int
nearest_256(int r, int g, int b)
{
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	int cr = cube_level(r), cg = cube_level(g), cb = cube_level(b);
	int avg = (r + g + b) / 3, gi, gv, dc, dg;

	gi = avg > 238 ? 23 : avg < 8 ? 0 : (avg - 3) / 10;
	if (gi > 23)
		gi = 23;
	gv = 8 + 10 * gi;
	dc = dist2(r, g, b, level[cr], level[cg], level[cb]);
	dg = dist2(r, g, b, gv, gv, gv);
	if (dg < dc)
		return (232 + gi);
	return (16 + 36 * cr + 6 * cg + cb);
}

/* The terminal colour for c (-1: default), adding A_BOLD if needed. */
static int
map_color(const struct ui_play *p, const struct sr_color *c, int fg, attr_t *a)
{
	int r, g, b, i;

	if (c->kind == SR_COLOR_DEFAULT)
		return (p->defaults ? -1 : fg ? COLOR_WHITE : COLOR_BLACK);
	if (c->kind == SR_COLOR_RGB) {
		r = c->r;
		g = c->g;
		b = c->b;
		i = -1;
	} else {
		i = c->index;
		palette_rgb((unsigned)i, &r, &g, &b);
	}
	if (p->direct) {
		if (i >= 0 && i < 8)
			return (i);
		return ((r << 16) | (g << 8) | b);
	}
	if (p->colors >= 256)
		return (i >= 0 ? i : nearest_256(r, g, b));
	if (p->colors >= 16)
		return (i >= 0 && i < 16 ? i : nearest_low(r, g, b, 16));
	/* Eight colours: bright ones become bold on the foreground. */
	if (i < 0 || i >= 16)
		i = nearest_low(r, g, b, 16);
	if (i >= 8) {
		if (fg)
			*a |= A_BOLD;
		i -= 8;
	}
	return (i);
}

static void
pairs_reset(struct ui_play *p)
{
	memset(p->pairs, 0, sizeof(p->pairs));
	p->pair_next = 1;
	p->pairs_full = 0;
}

/*
 * The colour pair for fg on bg, made on first use and cached.  When the
 * terminal's pairs run out, the cell falls back to the default pair and
 * the cache starts over at the next frame (ncurses repaints cells whose
 * pair is redefined).
 */
static int
pair_for(struct ui_play *p, int fg, int bg)
{
	uint64_t key =
	    ((uint64_t)(uint32_t)(fg + 2) << 32) | (uint32_t)(bg + 2);
	size_t h = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 52);
	size_t i;
	int st;

	if (fg == -1 && bg == -1)
		return (0);
	for (i = 0; i < UI_PAIR_SLOTS; i++) {
		struct ui_pair *e = &p->pairs[(h + i) % UI_PAIR_SLOTS];

		if (e->key == key)
			return (e->pair);
		if (e->key != 0)
			continue;
		if (p->pair_next > p->pair_max) {
			p->pairs_full = 1;
			return (0);
		}
#ifdef NCURSES_EXT_COLORS
		st = init_extended_pair(p->pair_next, fg, bg);
#else
		st = init_pair((short)p->pair_next, (short)fg, (short)bg);
#endif
		if (st != OK)
			return (0);
		e->key = key;
		e->pair = p->pair_next++;
		return (e->pair);
	}
	p->pairs_full = 1;
	return (0);
}

static void
colors_init(struct ui_play *p)
{
	p->colors = 0;
	if (!has_colors() || start_color() != OK)
		return;
	p->defaults = use_default_colors() == OK;
	p->colors = COLORS;
	p->direct = COLORS > 256;
	p->pair_max = COLOR_PAIRS - 1;
#ifndef NCURSES_EXT_COLORS
	if (p->pair_max > 32767)
		p->pair_max = 32767;
	p->direct = 0;
	if (p->colors > 256)
		p->colors = 256;
#endif
	if (p->pair_max > UI_PAIR_SLOTS * 3 / 4)
		p->pair_max = UI_PAIR_SLOTS * 3 / 4;
	pairs_reset(p);
}

/*
 * Geometry.  The bars (progress bar, status line) take the bottom two
 * rows.  When the recording and the bars fit in the terminal they are
 * always shown, below the view.  When they do not (an 80x24 recording
 * in an 80x24 terminal is the common case), the view takes every row
 * and the bars are drawn over its bottom rows only while they have
 * something to say (bars_visible()), rather than cropping two rows of
 * every such recording.  The b key pins them below the view or hides
 * them.
 */
static int
bar_rows(void)
{
	return (LINES >= 3 ? 2 : LINES >= 2 ? 1 : 0);
}

/* Whether the bars have rows of their own, below the view. */
static int
bars_below(const struct ui_play *p)
{
	unsigned rr, rc;

	if (p->bars == UI_BARS_NEVER)
		return (0);
	if (p->bars == UI_BARS_ALWAYS)
		return (1);
	sr_screen_size(p->scr, &rr, &rc);
	return (rr + (unsigned)bar_rows() <= (unsigned)LINES);
}

/* The rows that show the recording (crop and pan are against these). */
static int
view_rows(const struct ui_play *p)
{
	return (LINES - (bars_below(p) ? bar_rows() : 0));
}

/* Whether this frame draws the bars. */
static int
bars_visible(const struct ui_play *p, int64_t now)
{
	if (bar_rows() == 0)
		return (0);
	if (bars_below(p))
		return (1);
	if (p->bars == UI_BARS_NEVER)
		return (0);
	return (p->paused || p->mode != &mode_play || now < p->bars_until);
}

static int
complete(struct ui_play *p)
{
	return (sr_playidx_complete(p->pi) || idx_done(p->idx));
}

static int64_t
duration(struct ui_play *p)
{
	int64_t d = sr_playidx_duration(p->pi);

	return (d < 0 ? 0 : d);
}

/* The session time on screen now. */
static int64_t
clock_now(struct ui_play *p, int64_t now)
{
	int64_t t = p->ref_t, el;

	if (p->paused || p->at_end || p->starved || p->seek_pending >= 0)
		return (t);
	el = now - p->ref_wall;
	if (el > 0)
		t += (int64_t)((double)el * p->speed);
	if (p->next != NULL && t > p->next->t_ns)
		t = p->next->t_ns;
	else if (p->next == NULL && complete(p) && t > duration(p))
		t = duration(p);
	return (t);
}

static void set_msg(struct ui_play *p, const char *fmt, ...) SR_PRINTF(2, 3);

static void
set_msg(struct ui_play *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	p->force = 1;
}

/* Escapes raw text (a label, a pattern) for the status line into buf. */
static const char *
escape_into(char *buf, size_t len, const char *s)
{
	struct sr_buf b;

	sr_buf_init(&b, len > 0 ? len - 1 : 0);
	if (sr_str_escape(&b, s, strlen(s)) == SR_E_NONE)
		(void)strlcpy(buf, b.data, len);
	else
		(void)strlcpy(buf, "(too long)", len);
	sr_buf_release(&b);
	return (buf);
}

static void
index_error(struct ui_play *p, int st)
{
	const struct sr_error *e = sr_playidx_error(p->pi);
	char m[256];

	p->index_bad = 1;
	p->paused = 1;
	p->next = NULL;
	(void)snprintf(p->index_msg, sizeof(p->index_msg),
	    "cannot read the index (%s): %s",
	    st == SR_FATAL ? "fatal" : "damaged",
	    escape_into(m, sizeof(m),
		e != NULL && e->msg[0] != '\0' ? e->msg : "unknown error"));
	p->force = 1;
}

static void
apply(struct ui_play *p, const struct sr_event *ev)
{
	switch (ev->type) {
	case SR_EV_OUTPUT:
		if (ev->len > 0) {
			/* The index marks output written to a pipe. */
			sr_screen_set_onlcr(p->scr,
			    (ev->flags & SR_EVF_PIPE) != 0);
			sr_screen_feed(p->scr, ev->data, ev->len);
			p->view_dirty = 1;
		}
		break;
	case SR_EV_RESIZE:
		if (ev->rows > 0 && ev->cols > 0) {
			sr_screen_resize(p->scr, ev->rows, ev->cols);
			p->view_dirty = 1;
		}
		break;
	default:
		break;
	}
}

/*
 * Asks for the screen at session time t.  The seek itself waits for the
 * loop's next turn (seek_run()), so that keys typed in a burst (five
 * presses of the right arrow) cost one seek, not five.
 */
static void
seek_to(struct ui_play *p, int64_t t, int64_t now)
{
	if (p->index_bad)
		return;
	if (t < 0)
		t = 0;
	if (complete(p) && t > duration(p))
		t = duration(p);
	p->next = NULL;
	p->at_end = 0;
	p->starved = 0;
	p->ref_t = t;
	p->ref_wall = now;
	p->force = 1;
	p->seek_pending = t;
	p->seek_nblocks = SIZE_MAX; /* try at once */
}

/*
 * Runs the seek asked for, if any.  A time past what is indexed so far
 * stays pending, and is tried again whenever the builder has flushed
 * more blocks.  Returns nonzero while one is still pending.
 */
static int
seek_run(struct ui_play *p)
{
	size_t nb;
	int64_t t = p->seek_pending;
	int st, done;

	if (t < 0)
		return (0);
	nb = idx_nblocks(p->idx);
	done = complete(p);
	if (nb == p->seek_nblocks && !done)
		return (1);
	if (done && t > duration(p)) {
		/* Asked for before the length was known. */
		t = duration(p);
		p->ref_t = t;
	}
	p->seek_pending = -1;
	st = sr_playcur_seek(p->cur, t, p->scr);
	p->view_dirty = 1;
	p->force = 1;
	/* The clock starts once the screen is there. */
	p->ref_wall = sr_time_mono();
	if (st == SR_EOF && !done) {
		p->seek_pending = t;
		p->seek_nblocks = nb;
	} else if (st < 0)
		index_error(p, st);
	else if (p->paused && done && t >= duration(p))
		/*
		 * At the end while paused: say END, as playing there does
		 * (advance() reads no further while paused).
		 */
		(void)read_next(p, p->ref_wall);
	return (p->seek_pending >= 0);
}

/*
 * Reads the next event into p->next.  Returns 1 with one, 0 at the end
 * of what is indexed (starved, or at_end once the index is complete).
 */
static int
read_next(struct ui_play *p, int64_t now)
{
	int st, done;

	if (p->next != NULL)
		return (1);
	done = complete(p); /* before reading: no event can slip past */
	st = sr_playcur_next(p->cur, &p->next);
	if (st == SR_OK) {
		if (p->starved) {
			/*
			 * The clock stood still while the builder (or, with
			 * --follow, the recorder) was behind: the event is
			 * overdue, show it now.
			 */
			p->starved = 0;
			if (p->next->t_ns > p->ref_t)
				p->ref_t = p->next->t_ns;
			p->ref_wall = now;
		}
		return (1);
	}
	p->next = NULL;
	if (st != SR_EOF) {
		index_error(p, st);
		return (0);
	}
	if (done) {
		if (!p->at_end) {
			p->at_end = 1;
			p->starved = 0;
			if (p->ref_t < duration(p))
				p->ref_t = duration(p);
			p->force = 1;
		}
	} else
		p->starved = 1;
	return (0);
}

/* Applies the events that are due; bounded work per call. */
static void
advance(struct ui_play *p, int64_t now)
{
	const struct sr_event *ev;
	int64_t due, start = now, delay;
	size_t bytes = 0;

	p->more = 0;
	if (p->paused || p->index_bad)
		return;
	for (;;) {
		if (!read_next(p, now))
			return;
		ev = p->next;
		delay = ev->t_ns - p->ref_t;
		due = p->ref_wall +
		    (delay > 0
			    ? sr_time_scale(delay, p->speed, p->o->max_idle_ns)
			    : 0);
		if (due > now)
			return;
		apply(p, ev);
		bytes += ev->len;
		/*
		 * Anchor on when the event was due, not when it was drawn,
		 * so that late turns do not stretch the timing; but a lag
		 * the emulator cannot catch up is dropped.
		 */
		p->ref_t = ev->t_ns;
		p->ref_wall = now - due > UI_LAG_NS ? now : due;
		p->next = NULL;
		if (bytes >= UI_SLICE_BYTES ||
		    (now = sr_time_mono()) - start >= UI_SLICE_NS) {
			p->more = 1;
			return;
		}
	}
}

/* Steps one event that changes the screen (paused). */
static void
step(struct ui_play *p, int64_t now)
{
	const struct sr_event *ev;
	size_t n;

	if (!p->paused) {
		set_msg(p, "step works when paused (space)");
		return;
	}
	if (seek_run(p) || p->index_bad)
		return;
	for (n = 0; n < 100000; n++) {
		if (!read_next(p, now)) {
			set_msg(p,
			    p->at_end ? "end of the recording"
				      : "waiting for the index");
			return;
		}
		ev = p->next;
		p->next = NULL;
		apply(p, ev);
		p->ref_t = ev->t_ns;
		p->force = 1;
		if (ev->type == SR_EV_OUTPUT || ev->type == SR_EV_RESIZE)
			return;
	}
}

static void
pause_toggle(struct ui_play *p, int64_t now)
{
	if (p->paused) {
		p->paused = 0;
		if (p->at_end)
			seek_to(p, 0, now);
		p->ref_wall = now;
	} else {
		p->ref_t = clock_now(p, now);
		p->paused = 1;
	}
	p->force = 1;
}

static void
set_speed(struct ui_play *p, int dir, int64_t now)
{
	size_t i;
	double x = p->speed;

	if (dir > 0) {
		for (i = 0; i < nitems(ui_speeds); i++)
			if (ui_speeds[i] > p->speed + 1e-9) {
				x = ui_speeds[i];
				break;
			}
	} else {
		for (i = nitems(ui_speeds); i-- > 0;)
			if (ui_speeds[i] < p->speed - 1e-9) {
				x = ui_speeds[i];
				break;
			}
	}
	p->ref_t = clock_now(p, now);
	p->ref_wall = now;
	p->speed = x;
	p->force = 1;
}

static const char *
mark_kind_name(enum sr_mark_kind k)
{
	switch (k) {
	case SR_MARK_COMMAND:
		return ("command");
	case SR_MARK_MARKER:
		return ("marker");
	case SR_MARK_GAP:
		return ("gap");
	case SR_MARK_SUSPEND:
		return ("suspend");
	case SR_MARK_RESUME:
		return ("resume");
	}
	return ("mark");
}

/* First mark whose time is > t (after) or >= t; n when none. */
static size_t
mark_bound(struct ui_play *p, size_t n, int64_t t, int after)
{
	struct sr_mark m;
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sr_playidx_mark(p->pi, mid, &m) != SR_OK)
			return (n);
		if (m.t_ns < t || (after && m.t_ns == t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static void
jump_mark(struct ui_play *p, int dir, int64_t now)
{
	size_t n = sr_playidx_nmarks(p->pi), i;
	int64_t t = clock_now(p, now);
	struct sr_mark m;
	char lab[256];

	if (n == 0) {
		set_msg(p, "no commands or markers%s",
		    complete(p) ? "" : " yet (indexing)");
		return;
	}
	if (dir > 0) {
		i = mark_bound(p, n, t, 1);
		if (i >= n) {
			set_msg(p, "no later command or marker");
			return;
		}
	} else {
		i = mark_bound(p, n, t, 0);
		if (i == 0) {
			set_msg(p, "no earlier command or marker");
			return;
		}
		i--;
	}
	if (sr_playidx_mark(p->pi, i, &m) != SR_OK)
		return;
	m.label[sizeof(m.label) - 1] = '\0';
	seek_to(p, m.t_ns, now);
	set_msg(p, "%s %zu/%zu%s%s", mark_kind_name(m.kind), i + 1, n,
	    m.label[0] != '\0' ? ": " : "",
	    escape_into(lab, sizeof(lab), m.label));
}

/* Case folding as sr_playidx_search() does it: only for lower case. */
static int
has_upper(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			return (1);
	return (0);
}

/* Whether the screen shows needle. */
static int
screen_has(struct ui_play *p, const char *needle, int fold)
{
	struct sr_buf b;
	size_t i, nl = strlen(needle);
	int found = 0;

	sr_buf_init(&b, (size_t)SR_SCREEN_MAX * SR_SCREEN_MAX * 32);
	if (sr_screen_text(p->scr, &b) != SR_E_NONE) {
		sr_buf_release(&b);
		return (1);
	}
	if (fold)
		for (i = 0; i < b.len; i++)
			if (b.data[i] >= 'A' && b.data[i] <= 'Z')
				b.data[i] = (char)(b.data[i] - 'A' + 'a');
	found = nl == 0 || memmem(b.data, b.len, needle, nl) != NULL;
	sr_buf_release(&b);
	return (found);
}

/*
 * A search hit is the time its line began; the rest of the line may come
 * in later events.  Step on (a little) until the screen shows it.
 */
static void
reveal(struct ui_play *p, const char *needle, int64_t now)
{
	const struct sr_event *ev;
	int64_t hit = p->ref_t, start = sr_time_mono();
	int fold = !has_upper(needle), n;

	if (seek_run(p) || screen_has(p, needle, fold))
		return;
	for (n = 0; n < UI_REVEAL_EVENTS; n++) {
		if (!read_next(p, now) || sr_time_mono() - start > UI_REVEAL_NS)
			break;
		ev = p->next;
		p->next = NULL;
		apply(p, ev);
		p->ref_t = ev->t_ns;
		p->ref_wall = now;
		if (ev->type == SR_EV_OUTPUT && screen_has(p, needle, fold))
			return;
	}
	/* Not shown soon after (scrolled away, or drawn over): the hit. */
	seek_to(p, hit, now);
	(void)seek_run(p);
}

static void
wide_to_utf8(const wchar_t *w, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 4 < len; i++)
		o += utf8_put(out + o, (uint32_t)w[i]);
	out[o] = '\0';
}

static void
search_done(struct ui_play *p, const char *text)
{
	char pat[sizeof(p->last_search)], shown[256];
	int64_t now = sr_time_mono(), t, from;
	int st, wrapped = 0;

	if (*text == '\0') {
		if (p->last_search[0] == '\0') {
			set_msg(p, "no previous search");
			return;
		}
	} else
		(void)strlcpy(p->last_search, text, sizeof(p->last_search));
	(void)strlcpy(pat, p->last_search, sizeof(pat));
	escape_into(shown, sizeof(shown), pat);
	from = clock_now(p, now);
	st = sr_playidx_search(p->pi, pat, from, 0, &t);
	if (st == SR_EOF && from > 0) {
		wrapped = 1;
		st = sr_playidx_search(p->pi, pat, -1, 0, &t);
	}
	if (st == SR_EOF) {
		set_msg(p, "not found: %s%s", shown,
		    complete(p) ? "" : " (still indexing)");
		return;
	}
	if (st != SR_OK) {
		set_msg(p, "search failed: the index is damaged");
		return;
	}
	seek_to(p, t, now);
	reveal(p, pat, now);
	(void)strlcpy(p->hl, pat, sizeof(p->hl));
	p->view_dirty = 1;
	set_msg(p, "/%s%s", shown, wrapped ? " (wrapped to the start)" : "");
}

static void
goto_done(struct ui_play *p, const char *text)
{
	char shown[128];
	int64_t t;

	if (*text == '\0')
		return;
	if (sr_time_parse_offset(text, &t) != 0) {
		set_msg(p, "bad time '%s': want SECONDS, MM:SS or HH:MM:SS.mmm",
		    escape_into(shown, sizeof(shown), text));
		return;
	}
	seek_to(p, t, sr_time_mono());
}

static void
prompt_open(struct ui_play *p, const char *label,
    void (*done)(struct ui_play *, const char *))
{
	p->prompt_label = label;
	p->prompt_len = 0;
	p->prompt_done = done;
	p->mode = &mode_prompt;
	p->force = 1;
}

static void
pan(struct ui_play *p, int dr, int dc)
{
	int vr = view_rows(p), step_r = vr / 4, step_c = COLS / 4;
	long r = p->pan_r, c = p->pan_c;

	if (step_r < 1)
		step_r = 1;
	if (step_c < 1)
		step_c = 1;
	r += (long)dr * step_r;
	c += (long)dc * step_c;
	p->pan_r = r < 0 ? 0 : (unsigned)r;
	p->pan_c = c < 0 ? 0 : (unsigned)c;
	p->pan_auto = 0;
	p->view_dirty = 1;
	p->force = 1;
}

/* The b key: auto, always, never, and round again. */
static void
bars_cycle(struct ui_play *p)
{
	switch (p->bars) {
	case UI_BARS_AUTO:
		p->bars = UI_BARS_ALWAYS;
		set_msg(p, "bars: always");
		break;
	case UI_BARS_ALWAYS:
		p->bars = UI_BARS_NEVER;
		set_msg(p, "bars: never (b: auto)");
		break;
	case UI_BARS_NEVER:
		p->bars = UI_BARS_AUTO;
		set_msg(p, "bars: auto");
		break;
	}
	p->view_dirty = 1;
	p->force = 1;
}

/* The play view: keys. */
static void
play_key(struct ui_play *p, int fkey, wint_t ch)
{
	int64_t now = sr_time_mono(), t = clock_now(p, now);

	if (fkey) {
		switch (ch) {
		case KEY_LEFT:
			seek_to(p, t - 5 * SR_NSEC_PER_SEC, now);
			break;
		case KEY_RIGHT:
			seek_to(p, t + 5 * SR_NSEC_PER_SEC, now);
			break;
		case KEY_PPAGE:
			seek_to(p, t - 60 * SR_NSEC_PER_SEC, now);
			break;
		case KEY_NPAGE:
			seek_to(p, t + 60 * SR_NSEC_PER_SEC, now);
			break;
		case KEY_HOME:
			seek_to(p, 0, now);
			break;
		case KEY_END:
			seek_to(p, duration(p), now);
			break;
		case KEY_SLEFT:
			pan(p, 0, -1);
			break;
		case KEY_SRIGHT:
			pan(p, 0, 1);
			break;
		case KEY_SR: /* shift+up */
			pan(p, -1, 0);
			break;
		case KEY_SF: /* shift+down */
			pan(p, 1, 0);
			break;
		default:
			break;
		}
		return;
	}
	switch (ch) {
	case L' ':
		pause_toggle(p, now);
		break;
	case L'+':
	case L'=':
		set_speed(p, 1, now);
		break;
	case L'-':
	case L'_':
		set_speed(p, -1, now);
		break;
	case L'.':
		step(p, now);
		break;
	case L'n':
		jump_mark(p, 1, now);
		break;
	case L'N':
		jump_mark(p, -1, now);
		break;
	case L'/':
		prompt_open(p, "/", search_done);
		break;
	case L'g':
		prompt_open(p, "go to time: ", goto_done);
		break;
	case L'h':
		pan(p, 0, -1);
		break;
	case L'l':
		pan(p, 0, 1);
		break;
	case L'k':
		pan(p, -1, 0);
		break;
	case L'j':
		pan(p, 1, 0);
		break;
	case L'b':
		bars_cycle(p);
		break;
	case L'?':
		p->mode = &mode_help;
		p->force = 1;
		break;
	case L'q':
	case L'Q':
	case 3: /* ^C: raw mode makes it a key */
		p->quit = 1;
		break;
	case 12: /* ^L */
		(void)clearok(curscr, TRUE);
		p->force = 1;
		break;
	default:
		break;
	}
}

/*
 * Fits the pan to the geometry; follows the cursor until the user pans.
 * Overlaid bars may cover the view's bottom rows, so the pan goes far
 * enough for the recording's last rows to show above them (j); and in a
 * recording taller than the terminal the cursor is kept above them.
 */
static void
pan_clamp(struct ui_play *p, unsigned rr, unsigned rc, int vr, int vc)
{
	unsigned cr, cc, maxr, maxc;
	int vis, clear = vr, follow = vr;

	if (!bars_below(p) && p->bars != UI_BARS_NEVER && vr > bar_rows()) {
		clear = vr - bar_rows();
		if ((int)rr > vr)
			follow = clear;
	}
	maxr = (int)rr > clear ? rr - (unsigned)clear : 0;
	maxc = (int)rc > vc ? rc - (unsigned)vc : 0;
	if (p->pan_auto && follow > 0 && vc > 0) {
		sr_screen_cursor(p->scr, &cr, &cc, &vis);
		if (cr < p->pan_r)
			p->pan_r = cr;
		else if (cr >= p->pan_r + (unsigned)follow)
			p->pan_r = cr - (unsigned)follow + 1;
		if (cc < p->pan_c)
			p->pan_c = cc;
		else if (cc >= p->pan_c + (unsigned)vc)
			p->pan_c = cc - (unsigned)vc + 1;
	}
	if (p->pan_r > maxr)
		p->pan_r = maxr;
	if (p->pan_c > maxc)
		p->pan_c = maxc;
}

/* One emulator cell at view position y, x; returns the columns used. */
static int
draw_cell(struct ui_play *p, int y, int x, int maxx, const struct sr_cell *c)
{
	wchar_t wc[CCHARW_MAX + 1];
	cchar_t cc;
	attr_t a = WA_NORMAL;
	uint32_t cp;
	int w, cw, fg = -1, bg = -1, pair = 0, i, n = 0;

	if (c->attrs & SR_CA_BOLD)
		a |= WA_BOLD;
	if (c->attrs & SR_CA_UNDERLINE)
		a |= WA_UNDERLINE;
	if (c->attrs & SR_CA_ITALIC)
		a |= WA_ITALIC;
	if (c->attrs & SR_CA_BLINK)
		a |= WA_BLINK;
	if (c->attrs & SR_CA_REVERSE)
		a |= WA_REVERSE;
	if (c->attrs & SR_CA_DIM)
		a |= WA_DIM;
	if (p->colors > 0) {
		fg = map_color(p, &c->fg, 1, &a);
		bg = map_color(p, &c->bg, 0, &a);
		pair = pair_for(p, fg, bg);
	}
	w = c->width == 2 ? 2 : 1;
	cp = c->ch[0];
	if (cp == 0 || (c->attrs & SR_CA_CONCEAL))
		cp = ' ';
	cp = safe_glyph(p, cp, &cw);
	if (cw == 0) {
		/* Nothing zero-width stands alone in a cell. */
		cp = p->utf8 ? 0xfffd : '?';
		cw = 1;
	}
	if (x + w > maxx || cw > w) {
		/* Does not fit the view, or the widths disagree. */
		cp = cw > w ? (p->utf8 ? 0xfffd : '?') : ' ';
		w = x + w > maxx ? 1 : w;
	}
	wc[n++] = (wchar_t)cp;
	if (cp != ' ' && p->utf8 && !(c->attrs & SR_CA_CONCEAL))
		for (i = 1; i < 6 && c->ch[i] != 0 && n < CCHARW_MAX; i++) {
			uint32_t m = sr_cp_safe(c->ch[i]);

			if (m != c->ch[i] || is_format(m) ||
			    wcwidth((wchar_t)m) != 0)
				continue; /* not a safe combining mark */
			wc[n++] = (wchar_t)m;
		}
	wc[n] = L'\0';
	if (setcchar(&cc, wc, a, 0, &pair) == OK)
		(void)mvadd_wch(y, x, &cc);
	if (w == 2 && cw == 1 && x + 1 < maxx) {
		/* A wide cell the locale thinks narrow: pad. */
		wc[0] = L' ';
		wc[1] = L'\0';
		if (setcchar(&cc, wc, a, 0, &pair) == OK)
			(void)mvadd_wch(y, x + 1, &cc);
	}
	return (w);
}

static uint32_t
fold_cp(uint32_t cp, int fold)
{
	return (fold && cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
}

/*
 * Marks in mask the columns of recording row r that show the search
 * pattern pat (np code points), matched as sr_playidx_search() does:
 * case is ignored when the pattern has no upper-case letter.  A match
 * does not span rows.  Returns nonzero when there is one.
 */
static int
hl_row(struct ui_play *p, unsigned r, unsigned rc, const uint32_t *pat,
    size_t np, int fold, unsigned char *mask)
{
	uint32_t text[SR_SCREEN_MAX];
	unsigned col[SR_SCREEN_MAX], wid[SR_SCREEN_MAX], c, k;
	struct sr_cell cell;
	size_t n = 0, i, j;
	int any = 0;

	memset(mask, 0, rc);
	for (c = 0; c < rc && n < SR_SCREEN_MAX; c++) {
		sr_screen_cell(p->scr, r, c, &cell);
		if (cell.width == 0)
			continue; /* the right half of a wide character */
		text[n] = fold_cp(cell.ch[0] != 0 ? cell.ch[0] : ' ', fold);
		col[n] = c;
		wid[n] = cell.width == 2 ? 2 : 1;
		n++;
	}
	for (i = 0; np > 0 && i + np <= n; i++) {
		for (j = 0; j < np && text[i + j] == pat[j]; j++)
			;
		if (j < np)
			continue;
		for (j = 0; j < np; j++)
			for (k = 0; k < wid[i + j] && col[i + j] + k < rc; k++)
				mask[col[i + j] + k] = 1;
		any = 1;
	}
	return (any);
}

static void
draw_view(struct ui_play *p)
{
	struct sr_cell c;
	unsigned rr, rc;
	unsigned char mask[SR_SCREEN_MAX];
	uint32_t pat[sizeof(p->hl)], cp;
	size_t np = 0, n;
	const char *h = p->hl;
	int vr = view_rows(p), vc = COLS, y, x, lim, hl, fold;

	sr_screen_size(p->scr, &rr, &rc);
	p->rec_rows = rr;
	p->rec_cols = rc;
	pan_clamp(p, rr, rc, vr, vc);
	fold = !has_upper(p->hl);
	while ((n = utf8_get(h, &cp)) > 0 && np < nitems(pat)) {
		h += n;
		pat[np++] = fold_cp(cp, fold);
	}
	for (y = 0; y < vr; y++) {
		x = 0;
		if ((unsigned)y + p->pan_r < rr) {
			lim = (int)(rc - p->pan_c) < vc ? (int)(rc - p->pan_c)
							: vc;
			hl = np > 0 &&
			    hl_row(p, (unsigned)y + p->pan_r, rc, pat, np, fold,
				mask);
			while (x < lim) {
				sr_screen_cell(p->scr, (unsigned)y + p->pan_r,
				    (unsigned)x + p->pan_c, &c);
				if (c.width == 0) {
					/* Its left half is off the view. */
					c.ch[0] = ' ';
					c.width = 1;
				}
				if (hl && mask[(unsigned)x + p->pan_c])
					c.attrs ^= SR_CA_REVERSE;
				x += draw_cell(p, y, x, lim, &c);
			}
		}
		if (x < vc) {
			(void)move(y, x);
			(void)clrtoeol();
		}
	}
}

/* One tick per bar column: the marks that fall in it. */
static void
ticks_build(struct ui_play *p, int w, int64_t dur, size_t n, int64_t now)
{
	struct sr_mark m;
	size_t i, k;
	int x;

	free(p->ticks);
	p->ticks = calloc((size_t)w + 1, 1);
	p->ticks_w = w;
	p->ticks_dur = dur;
	p->ticks_nmarks = n;
	p->ticks_built = now;
	if (p->ticks == NULL || dur <= 0 || n == 0)
		return;
	for (x = 0; x < w; x++) {
		int64_t lo = dur / w * x + dur % w * x / w;
		int64_t hi = dur / w * (x + 1) + dur % w * (x + 1) / w;
		char t = 0;

		if (x == w - 1)
			hi = INT64_MAX;
		/* Markers show over commands, commands over the rest. */
		for (i = mark_bound(p, n, lo, 0), k = 0; i < n && k < 8;
		     i++, k++) {
			if (sr_playidx_mark(p->pi, i, &m) != SR_OK ||
			    m.t_ns >= hi)
				break;
			if (m.kind == SR_MARK_MARKER)
				t = '*';
			else if (m.kind == SR_MARK_COMMAND && t != '*')
				t = '|';
			else if (t == 0)
				t = m.kind == SR_MARK_GAP ? '!' : 'z';
		}
		p->ticks[x] = t;
	}
}

static void
draw_bar(struct ui_play *p, int row, int64_t t, int64_t now)
{
	int64_t dur = duration(p);
	size_t n = sr_playidx_nmarks(p->pi);
	int w = COLS, x, filled;

	if (p->ticks == NULL || p->ticks_w != w ||
	    ((p->ticks_nmarks != n || p->ticks_dur != dur) &&
		(complete(p) || now - p->ticks_built >= UI_BAR_NS)))
		ticks_build(p, w, dur, n, now);
	filled = dur > 0
	    ? (int)((double)(t < dur ? t : dur) / (double)dur * (double)w)
	    : 0;
	for (x = 0; x < w; x++) {
		char ch = p->ticks != NULL && x < p->ticks_w && p->ticks[x]
		    ? p->ticks[x]
		    : x < filled ? '='
				 : '-';

		(void)mvaddch(row, x,
		    (chtype)(unsigned char)ch | (x < filled ? A_BOLD : 0));
	}
}

/*
 * "actor@host -> target", escaped, into b; the session id first when
 * with_id.
 */
static int
ident_put(struct ui_play *p, struct sr_buf *b, int with_id)
{
	const struct sr_session *s = p->s;
	const char *id = s->field[SR_F_SESSION_ID];
	const char *actor = s->field[SR_F_ACTOR], *host = s->field[SR_F_HOST];
	const char *target = s->field[SR_F_TARGET];
	int r = SR_E_NONE;

	if (with_id && id != NULL)
		r = sr_str_escape(b, id, strlen(id));
	if (r == SR_E_NONE && (actor != NULL || host != NULL)) {
		if (b->len > 0)
			r = sr_buf_putc(b, ' ');
		if (r == SR_E_NONE && actor != NULL)
			r = sr_str_escape(b, actor, strlen(actor));
		if (r == SR_E_NONE && host != NULL) {
			r = sr_buf_putc(b, '@');
			if (r == SR_E_NONE)
				r = sr_str_escape(b, host, strlen(host));
		}
	}
	if (r == SR_E_NONE && target != NULL) {
		r = sr_buf_printf(b, "%s%s ", b->len > 0 ? " " : "",
		    p->utf8 ? "\u2192" : "->");
		if (r == SR_E_NONE)
			r = sr_str_escape(b, target, strlen(target));
	}
	return (r);
}

/* The identity parts of the status line, escaped once. */
static void
ident_build(struct ui_play *p)
{
	struct sr_buf b;

	sr_buf_init(&b, sizeof(p->ident) - 1);
	(void)ident_put(p, &b, 1);
	(void)strlcpy(p->ident, b.data != NULL ? b.data : "", sizeof(p->ident));
	sr_buf_release(&b);
	sr_buf_init(&b, sizeof(p->who) - 1);
	(void)ident_put(p, &b, 0);
	(void)strlcpy(p->who, b.data != NULL ? b.data : "", sizeof(p->who));
	sr_buf_release(&b);
}

static void
fmt_speed(char *buf, size_t len, double x)
{
	(void)snprintf(buf, len, "%gx", x);
}

/* A short clock for narrow terminals: MM:SS, or H:MM:SS past an hour. */
static const char *
fmt_short(int64_t t, int hours, char *buf, size_t len)
{
	int64_t sec = (t < 0 ? 0 : t) / SR_NSEC_PER_SEC;

	if (hours)
		(void)snprintf(buf, len, "%lld:%02d:%02d",
		    (long long)(sec / 3600), (int)(sec / 60 % 60),
		    (int)(sec % 60));
	else
		(void)snprintf(buf, len, "%02d:%02d", (int)(sec / 60),
		    (int)(sec % 60));
	return (buf);
}

/*
 * The status line as text, fitted to the terminal's width: banners on
 * the left, then the identity; the clock, speed and state on the right.
 * When it does not fit, the least needed parts go first: the session
 * id, the crop geometry, actor@host -> target, the clock's hours and
 * milliseconds; what still does not fit is cut from the left part's
 * end (draw_status()).  In --paused use nothing depends on the wall
 * clock but the "indexing" banner, which goes once the index is
 * complete.
 */
static void
status_text(struct ui_play *p, int64_t t, char *left, size_t llen, char *right,
    size_t rlen)
{
	/* Which identity, crop notice and clock to use, by preference. */
	static const struct {
		int ident; /* 0 id actor@host -> target, 1 no id, 2 none */
		int crop;  /* 0 with the geometry, 1 short, 2 none */
		int clock; /* 0 long, 1 long and tight, 2 short, 3 tight */
	} fits[] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 1, 1, 0 }, { 2, 1, 0 }, { 2, 1, 1 },
		{ 2, 1, 2 }, { 2, 1, 3 },
		{ 2, 2, 3 }, /* room for a message, at least */
	};
	char ts[64], ds[64], sp[32], ban[512], crop[3][128];
	const char *state = "", *id, *cr, *sep;
	unsigned vr = (unsigned)view_rows(p), vc = (unsigned)COLS;
	const char *arrow = p->utf8 ? "\u2192" : "->";
	int64_t dur = duration(p);
	size_t bl = 0, i;
	int cropped;

	if (!p->paused && !p->at_end && p->seek_pending < 0)
		t -= t % UI_CLOCK_NS;
	fmt_speed(sp, sizeof(sp), p->speed);
	if (p->at_end)
		state = "END";
	else if (p->paused)
		state = "PAUSED";
	else if (p->starved || p->seek_pending >= 0)
		state = p->o->follow && idx_progress(p->idx) >= 1.0 ? "LIVE"
								    : "WAIT";

	ban[0] = '\0';
	if (p->msg[0] != '\0')
		bl += (size_t)snprintf(ban + bl, sizeof(ban) - bl, "%s  ",
		    p->msg);
	if (bl < sizeof(ban) && !complete(p) && !p->o->follow)
		bl += (size_t)snprintf(ban + bl, sizeof(ban) - bl,
		    "indexing %d%%  ", (int)(idx_progress(p->idx) * 100));
	if (bl < sizeof(ban) && sr_playidx_complete(p->pi) &&
	    sr_playidx_status(p->pi) == SR_FAILED)
		bl += (size_t)snprintf(ban + bl, sizeof(ban) - bl,
		    "recording incomplete: ended abnormally at %s  ",
		    sr_time_format_offset(dur, ds, sizeof(ds)));
	if (bl < sizeof(ban) && p->index_bad)
		bl += (size_t)snprintf(ban + bl, sizeof(ban) - bl, "%s  ",
		    p->index_msg);
	if (bl < sizeof(ban) && idx_status(p->idx, NULL) == SR_FATAL)
		bl += (size_t)snprintf(ban + bl, sizeof(ban) - bl,
		    "index build failed  ");
	if (bl > sizeof(ban) - 1)
		bl = sizeof(ban) - 1;
	while (bl > 0 && ban[bl - 1] == ' ')
		ban[--bl] = '\0';
	cropped = p->rec_rows > vr || p->rec_cols > vc;
	(void)snprintf(crop[0], sizeof(crop[0]),
	    "cropped %ux%u %s %ux%u: hjkl pan", p->rec_cols, p->rec_rows, arrow,
	    vc, vr);
	(void)strlcpy(crop[1], "cropped: hjkl pan", sizeof(crop[1]));
	crop[2][0] = '\0';

	for (i = 0; i < nitems(fits); i++) {
		if (fits[i].crop == 2 && (ban[0] == '\0' || !cropped))
			break; /* nothing gained: keep the one before */
		id = fits[i].ident == 0	 ? p->ident
		    : fits[i].ident == 1 ? p->who
					 : "";
		cr = cropped ? crop[fits[i].crop] : "";
		sep = fits[i].clock % 2 == 0 ? "  " : " ";
		if (fits[i].clock < 2) {
			(void)sr_time_format_offset(t, ts, sizeof(ts));
			(void)sr_time_format_offset(dur, ds, sizeof(ds));
		} else {
			(void)fmt_short(t, dur >= 3600 * SR_NSEC_PER_SEC, ts,
			    sizeof(ts));
			(void)fmt_short(dur, dur >= 3600 * SR_NSEC_PER_SEC, ds,
			    sizeof(ds));
		}
		(void)snprintf(right, rlen, " %s%s%s%s%s%s%s%s", ts,
		    sep[1] != '\0' ? " / " : "/", ds, sep, sp,
		    *state != '\0' ? sep : "", state,
		    fits[i].clock < 3 ? " " : "");
		(void)snprintf(left, llen, " %s%s%s%s%s", ban,
		    ban[0] != '\0' && cr[0] != '\0' ? "  " : "", cr,
		    (ban[0] != '\0' || cr[0] != '\0') && id[0] != '\0' ? "  "
								       : "",
		    id);
		if (text_width(p, left) + text_width(p, right) <= COLS)
			break;
	}
}

static void
draw_status(struct ui_play *p, int row, const char *left, const char *right)
{
	int w = COLS, rw = text_width(p, right), lw;

	(void)attrset(A_REVERSE);
	fill(row, 0, w, ' ' | A_REVERSE);
	if (rw > w)
		rw = w;
	lw = put_text(p, row, 0, w - rw, left, A_REVERSE);
	(void)lw;
	(void)put_text(p, row, w - rw, rw, right, A_REVERSE);
	(void)attrset(A_NORMAL);
}

/* The play view's cursor: the recording's, when it is in view. */
static int
play_cursor(struct ui_play *p)
{
	unsigned r, c;
	int vis;

	sr_screen_cursor(p->scr, &r, &c, &vis);
	if (!vis || r < p->pan_r || c < p->pan_c ||
	    r - p->pan_r >= (unsigned)view_rows(p) ||
	    c - p->pan_c >= (unsigned)COLS || r >= p->rec_rows ||
	    c >= p->rec_cols)
		return (0);
	/* Under the overlaid bars. */
	if (p->bars_shown && !bars_below(p) &&
	    r - p->pan_r >= (unsigned)(LINES - bar_rows()))
		return (0);
	(void)move((int)(r - p->pan_r), (int)(c - p->pan_c));
	return (1);
}

/* The help overlay. */
static void
help_draw(struct ui_play *p)
{
	int i, n = (int)nitems(help_lines), w = 0, lw, top, left, h;

	for (i = 0; i < n; i++) {
		lw = (int)strlen(help_lines[i]);
		if (lw > w)
			w = lw;
	}
	w += 4;
	h = n + 2;
	top = (view_rows(p) - h) / 2;
	left = (COLS - w) / 2;
	if (top < 0)
		top = 0;
	if (left < 0)
		left = 0;
	for (i = 0; i < h && top + i < LINES; i++) {
		const char *s = i == 0 || i == h - 1 ? NULL : help_lines[i - 1];
		int width = w < COLS ? w : COLS;

		fill(top + i, left, width, ' ');
		if (s == NULL) {
			fill(top + i, left, width, '-');
			(void)mvaddch(top + i, left, '+');
			if (left + w - 1 < COLS)
				(void)mvaddch(top + i, left + w - 1, '+');
			continue;
		}
		(void)mvaddch(top + i, left, '|');
		(void)put_text(p, top + i, left + 2, width - 3, s,
		    i == 1 ? A_BOLD : A_NORMAL);
		if (left + w - 1 < COLS)
			(void)mvaddch(top + i, left + w - 1, '|');
	}
}

static void
help_key(struct ui_play *p, int fkey, wint_t ch)
{
	(void)fkey;
	(void)ch;
	p->mode = &mode_play;
	p->force = 1;
	p->view_dirty = 1;
}

/* The prompt: a line editor on the status row. */
static void
prompt_draw(struct ui_play *p)
{
	int row = LINES - 1, x, cw;
	size_t i;
	wchar_t wc[2];
	cchar_t cc;

	fill(row, 0, COLS, ' ');
	x = put_text(p, row, 0, COLS, p->prompt_label, A_BOLD);
	for (i = 0; i < p->prompt_len && x < COLS - 1; i++) {
		uint32_t cp = safe_glyph(p, (uint32_t)p->prompt[i], &cw);

		if (cw == 0 || x + cw >= COLS)
			continue;
		wc[0] = (wchar_t)cp;
		wc[1] = L'\0';
		if (setcchar(&cc, wc, A_NORMAL, 0, NULL) == OK)
			(void)mvadd_wch(row, x, &cc);
		x += cw;
	}
	(void)move(row, x);
}

static int
prompt_cursor(struct ui_play *p)
{
	int x, cw;
	size_t i;

	x = text_width(p, p->prompt_label);
	for (i = 0; i < p->prompt_len; i++) {
		(void)safe_glyph(p, (uint32_t)p->prompt[i], &cw);
		x += cw;
	}
	(void)move(LINES - 1, x < COLS ? x : COLS - 1);
	return (1);
}

static void
prompt_key(struct ui_play *p, int fkey, wint_t ch)
{
	char text[4 * UI_PROMPT_MAX + 1];
	void (*done)(struct ui_play *, const char *);

	p->force = 1;
	if (fkey) {
		if (ch == KEY_BACKSPACE && p->prompt_len > 0)
			p->prompt_len--;
		else if (ch == KEY_ENTER)
			goto enter;
		return;
	}
	switch (ch) {
	case 27: /* Esc */
	case 3:	 /* ^C */
	case 7:	 /* ^G */
		p->mode = &mode_play;
		return;
	case 8:
	case 127:
		if (p->prompt_len > 0)
			p->prompt_len--;
		else
			p->mode = &mode_play;
		return;
	case 21: /* ^U */
		p->prompt_len = 0;
		return;
	case L'\r':
	case L'\n':
		goto enter;
	default:
		if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
			return;
		if (p->prompt_len < UI_PROMPT_MAX)
			p->prompt[p->prompt_len++] = (wchar_t)ch;
		return;
	}
enter:
	wide_to_utf8(p->prompt, p->prompt_len, text, sizeof(text));
	done = p->prompt_done;
	p->mode = &mode_play;
	p->msg[0] = '\0';
	if (done != NULL)
		done(p, text);
}

/*
 * Draws a frame when something changed: the view when the emulator's
 * damage counter moved, the chrome when its text did.  At most one frame
 * per UI_FRAME_NS; returns the nanoseconds until a deferred frame is due
 * (0 when nothing waits).
 */
static int64_t
frame(struct ui_play *p, int64_t now)
{
	char left[UI_STATUS_MAX], right[256], key[UI_STATUS_MAX + 300];
	char state[UI_STATUS_MAX + 64];
	int64_t t = clock_now(p, now), dur = duration(p);
	uint64_t dmg = sr_screen_damage(p->scr);
	unsigned rr, rc;
	int filled, view, chrome, vis, bars;

	sr_screen_size(p->scr, &rr, &rc);
	p->rec_rows = rr;
	p->rec_cols = rc;
	status_text(p, t, left, sizeof(left), right, sizeof(right));
	/*
	 * Overlaid bars come back for a while whenever what they say
	 * changes (pause, speed, the end, a banner), not for the clock.
	 */
	(void)snprintf(state, sizeof(state), "%d|%d|%d|%d|%g|%s|%d|%d|%d",
	    p->paused, p->at_end, p->starved || p->seek_pending >= 0,
	    p->index_bad, p->speed, p->msg, complete(p),
	    sr_playidx_complete(p->pi) ? sr_playidx_status(p->pi) : 0,
	    idx_status(p->idx, NULL));
	if (strcmp(state, p->bars_state) != 0) {
		(void)strlcpy(p->bars_state, state, sizeof(p->bars_state));
		p->bars_until = now + UI_BARS_SHOW_NS;
	}
	bars = bars_visible(p, now);
	filled = dur > 0 && COLS > 0
	    ? (int)((double)(t < dur ? t : dur) / (double)dur * (double)COLS)
	    : 0;
	(void)snprintf(key, sizeof(key), "%s|%s|%d|%zu|%s|%zu|%d", left, right,
	    filled, sr_playidx_nmarks(p->pi), p->mode->name, p->prompt_len,
	    bars);
	/* A stub damage counter stays at 0: then trust view_dirty alone. */
	view = p->view_dirty && (dmg == 0 || dmg != p->drawn_damage);
	chrome = strcmp(key, p->drawn_status) != 0;
	if (!p->force && !view && !chrome)
		return (0);
	if (now - p->last_frame < UI_FRAME_NS)
		return (UI_FRAME_NS - (now - p->last_frame));
	if (p->pairs_full) {
		pairs_reset(p);
		view = 1;
	}
	/* Bars gone from over the view: what they covered comes back. */
	if (view || p->force || bars != p->bars_shown)
		draw_view(p);
	p->bars_shown = bars;
	if (bars) {
		if (bar_rows() >= 2)
			draw_bar(p, LINES - 2, t, now);
		draw_status(p, LINES - 1, left, right);
	}
	if (p->mode->draw != NULL)
		p->mode->draw(p);
	vis = p->mode->cursor != NULL ? p->mode->cursor(p) : 0;
	if (p->mode == &mode_help)
		vis = 0;
	(void)curs_set(vis);
	if (!vis)
		(void)move(LINES - 1, 0);
	(void)wnoutrefresh(stdscr);
	(void)doupdate();
	(void)strlcpy(p->drawn_status, key, sizeof(p->drawn_status));
	p->drawn_damage = dmg;
	p->view_dirty = 0;
	p->force = 0;
	p->last_frame = now;
	return (0);
}

/* How long to wait for a key before the next turn, in ms. */
static int
wait_ms(struct ui_play *p, int64_t now, int64_t frame_wait)
{
	int64_t w = UI_IDLE_MS * SR_NSEC_PER_MSEC, due, delay;

	if (p->more)
		return (0);
	if (frame_wait > 0 && frame_wait < w)
		w = frame_wait;
	if (p->starved || p->seek_pending >= 0 || !complete(p))
		if (w > UI_POLL_MS * SR_NSEC_PER_MSEC)
			w = UI_POLL_MS * SR_NSEC_PER_MSEC;
	/* Overlaid bars go when their time is up. */
	if (p->bars_shown && p->bars_until > now && p->bars_until - now < w)
		w = p->bars_until - now;
	if (!p->paused && !p->at_end && p->next != NULL) {
		delay = p->next->t_ns - p->ref_t;
		due = p->ref_wall +
		    (delay > 0
			    ? sr_time_scale(delay, p->speed, p->o->max_idle_ns)
			    : 0);
		if (due - now < w)
			w = due - now;
		/* The status clock moves on while waiting. */
		if (w > UI_CLOCK_NS)
			w = UI_CLOCK_NS;
	}
	if (w < 0)
		w = 0;
	return ((int)((w + SR_NSEC_PER_MSEC - 1) / SR_NSEC_PER_MSEC));
}

/*
 * The input filter.  Input that starts with ESC (or a C1 introducer)
 * and is no key the keypad sends is a terminal answering a query
 * (cursor position, device attributes, a title or clipboard report,
 * which may hold any text), or an escape sequence pasted or typed with
 * Alt.  It is swallowed whole, by the shapes of ECMA-48, so that
 * nothing inside acts as a key (a "q" in a title report must not quit).
 * The filter keeps its state between reads: a reply split across reads
 * (a slow link, a busy terminal) is still one reply, as long as its
 * parts come within UI_ESC_GAP_NS of each other.  A lone ESC (nothing
 * followed within ncurses' ESCDELAY and UI_ESC_MS) is the Escape key;
 * if a sequence introducer still follows it in time, that sequence is
 * swallowed too.
 *
 * Returns nonzero when the character is swallowed.  KEY_ codes (fkey)
 * end a sequence and act, except inside a string.
 */
static int
input_filter(struct ui_play *p, int fkey, wint_t ch, int64_t now)
{
	wint_t next;
	int r;

	if (p->esc != ESC_NONE && now - p->esc_until > 0)
		p->esc = ESC_NONE;
	if (p->esc != ESC_NONE && ++p->esc_n > UI_ESC_MAX)
		p->esc = ESC_NONE;
	if (fkey) {
		if (p->esc == ESC_STR || p->esc == ESC_STR_ESC) {
			p->esc_until = now + UI_ESC_GAP_NS;
			return (1);
		}
		p->esc = ESC_NONE;
		return (0);
	}
	for (;;) {
		switch (p->esc) {
		case ESC_NONE:
		case ESC_LATE:
			if (p->esc == ESC_LATE) {
				p->esc = ESC_NONE;
				/* Only an introducer continues a lone ESC. */
				if (ch == L'[' || ch == L']' || ch == L'P' ||
				    ch == L'_' || ch == L'^' || ch == L'X') {
					p->esc = ESC_ESC;
					continue;
				}
			}
			p->esc_n = 0;
			if (ch == 0x9b) {
				p->esc = ESC_CSI;
				break;
			}
			if (ch == 0x90 || ch == 0x98 || ch == 0x9d ||
			    ch == 0x9e || ch == 0x9f) {
				p->esc = ESC_STR;
				break;
			}
			if (ch != 27)
				return (0);
			/*
			 * ncurses has waited ESCDELAY for a key sequence;
			 * wait a little more for anything at all, and put
			 * it back for the next round.
			 */
			wtimeout(stdscr, UI_ESC_MS);
			r = wget_wch(stdscr, &next);
			wtimeout(stdscr, 0);
			if (r == ERR || r == KEY_CODE_YES) {
				/* The Escape key, maybe then another key. */
				if (r == KEY_CODE_YES)
					(void)ungetch((int)next);
				p->esc = ESC_LATE;
				p->esc_n = 0;
				p->esc_until = sr_time_mono() + UI_ESC_GAP_NS;
				return (0);
			}
			(void)unget_wch((wchar_t)next);
			p->esc = ESC_ESC;
			p->esc_n = 0;
			break;
		case ESC_ESC:
			if (ch == L'[')
				p->esc = ESC_CSI;
			else if (ch == L']' || ch == L'P' || ch == L'_' ||
			    ch == L'^' || ch == L'X')
				p->esc = ESC_STR;
			else if (ch != 27)
				p->esc = ESC_NONE; /* ESC and one character */
			break;
		case ESC_CSI:
			/* Parameters and intermediates go on; CAN, SUB end. */
			if ((ch >= 0x40 && ch <= 0x7e) || ch == 0x18 ||
			    ch == 0x1a)
				p->esc = ESC_NONE;
			else if (ch == 27)
				p->esc = ESC_ESC;
			else if (ch == 0x9b)
				p->esc = ESC_CSI;
			break;
		case ESC_STR:
			if (ch == 7 || ch == 0x9c || ch == 0x18 || ch == 0x1a)
				p->esc = ESC_NONE;
			else if (ch == 27)
				p->esc = ESC_STR_ESC;
			break;
		case ESC_STR_ESC:
			if (ch == L'\\') {
				p->esc = ESC_NONE;
				break;
			}
			/* The string ended; ch is what follows an ESC. */
			p->esc = ESC_ESC;
			continue;
		}
		break;
	}
	p->esc_until = now + UI_ESC_GAP_NS;
	return (1);
}

static void
loop(struct ui_play *p)
{
	int64_t now, fw;
	wint_t ch;
	int r;

	while (!p->quit && !ui_signalled) {
		if (!seek_run(p))
			advance(p, sr_time_mono());
		now = sr_time_mono();
		fw = frame(p, now);
		wtimeout(stdscr, wait_ms(p, now, fw));
		/* Every key typed so far, then the work they asked for. */
		while (!p->quit && (r = wget_wch(stdscr, &ch)) != ERR) {
			wtimeout(stdscr, 0);
			now = sr_time_mono();
			if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
				(void)clearok(curscr, TRUE);
				p->view_dirty = 1;
				p->force = 1;
				p->bars_until = now + UI_BARS_SHOW_NS;
				free(p->ticks);
				p->ticks = NULL;
				continue;
			}
			if (input_filter(p, r == KEY_CODE_YES, ch, now))
				continue;
			p->force = 1;
			p->bars_until = now + UI_BARS_SHOW_NS;
			if (p->hl[0] != '\0') {
				/* The search hit is shown until a key. */
				p->hl[0] = '\0';
				p->view_dirty = 1;
			}
			if (p->mode != &mode_prompt)
				p->msg[0] = '\0';
			p->mode->key(p, r == KEY_CODE_YES, ch);
		}
	}
}

static int
term_open(struct ui_play *p)
{
	const char *cs;

	if ((p->tty = fopen("/dev/tty", "r+")) == NULL) {
		sr_warnx("cannot open the terminal: /dev/tty: %s",
		    strerror(errno));
		return (-1);
	}
	if ((p->term = newterm(NULL, p->tty, p->tty)) == NULL) {
		const char *term = getenv("TERM");

		sr_warnx("cannot start the terminal: TERM '%s' unknown",
		    term != NULL ? term : "");
		fclose(p->tty);
		p->tty = NULL;
		return (-1);
	}
	(void)set_term(p->term);
	cs = nl_langinfo(CODESET);
	p->utf8 =
	    cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	(void)raw();
	(void)noecho();
	(void)nonl();
	(void)keypad(stdscr, TRUE);
	(void)intrflush(stdscr, FALSE);
	(void)set_escdelay(25);
	(void)leaveok(stdscr, FALSE);
	colors_init(p);
	return (0);
}

static void
term_close(struct ui_play *p)
{
	if (p->term == NULL)
		return;
	(void)curs_set(1);
	(void)endwin();
	delscreen(p->term);
	p->term = NULL;
	fclose(p->tty);
	p->tty = NULL;
}

int
ui_play_run(struct sr_ctx *ctx, struct sr_catalog *cat, size_t entry,
    const struct ui_play_opts *o)
{
	struct ui_play *p;
	struct idx_opts io;
	struct sr_error err;
	struct sigaction sa, o_int, o_term, o_hup;
	unsigned rows, cols;
	struct sr_error ferr;
	int rc = SR_EXIT_OK, st, fstatus = SR_OK;
	int64_t fdur = 0;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	p->ctx = ctx;
	p->o = o;
	p->quiet = o->quiet;
	p->s = sr_catalog_entry(cat, entry)->session;
	p->mode = &mode_play;
	p->speed = o->speed > 0 ? o->speed : 1;
	p->paused = o->paused;
	p->seek_pending = -1;
	p->pan_auto = 1;
	(void)pthread_mutex_init(&p->diag.lock, NULL);
	(void)setlocale(LC_CTYPE, "");

	/*
	 * While curses owns the terminal, warnings from the builder thread
	 * are kept and printed afterwards.
	 */
	sr_ctx_set_diag(ctx, diag_collect, &p->diag);
	memset(&io, 0, sizeof(io));
	io.cache_dir = o->cache_dir;
	io.background = 1;
	io.follow = o->follow;
	io.no_write = o->no_cache;
	sr_error_clear(&err);
	st = idx_open(ctx, cat, entry, &io, &p->idx, &err);
	if (st != SR_OK) {
		sr_ctx_set_diag(ctx, sr_out_diag, &p->quiet);
		diag_print(&p->diag, o->quiet);
		sr_warn_error("cannot read", &err);
		rc = st == SR_FATAL ? SR_EXIT_INTERNAL : SR_EXIT_UNREADABLE;
		goto out;
	}
	p->pi = idx_get(p->idx);
	sr_playidx_geometry(p->pi, &rows, &cols);
	if ((p->cur = sr_playcur_new(p->pi)) == NULL ||
	    (p->scr = sr_screen_new(rows > 0 ? rows : 24,
		 cols > 0 ? cols : 80)) == NULL) {
		rc = SR_EXIT_INTERNAL;
		sr_warnx("out of memory");
		goto close;
	}
	ident_build(p);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Ours before newterm(), so curses leaves them to us. */
	(void)sigaction(SIGINT, &sa, &o_int);
	(void)sigaction(SIGTERM, &sa, &o_term);
	(void)sigaction(SIGHUP, &sa, &o_hup);
	if (term_open(p) != 0) {
		rc = SR_EXIT_INTERNAL;
	} else {
		ident_build(p); /* now that the locale's charset is known */
		if (o->notice != NULL)
			set_msg(p, "%s", o->notice);
		/* A first frame at once, whatever the first seek costs. */
		p->ref_t = o->have_at ? o->at_ns : 0;
		p->ref_wall = sr_time_mono();
		p->force = 1;
		(void)frame(p, sr_time_mono());
		seek_to(p, o->have_at ? o->at_ns : 0, sr_time_mono());
		(void)seek_run(p);
		p->last_frame = sr_time_mono() - UI_FRAME_NS;
		loop(p);
		term_close(p);
	}
	(void)sigaction(SIGINT, &o_int, NULL);
	(void)sigaction(SIGTERM, &o_term, NULL);
	(void)sigaction(SIGHUP, &o_hup, NULL);
	sr_error_clear(&ferr);
	if (sr_playidx_complete(p->pi)) {
		const struct sr_error *e = sr_playidx_error(p->pi);

		fstatus = sr_playidx_status(p->pi);
		fdur = duration(p);
		if (e != NULL)
			ferr = *e;
	}
	if (idx_status(p->idx, &err) == SR_FATAL) {
		sr_warn_error("cannot build the index:", &err);
		if (rc < SR_EXIT_INTERNAL)
			rc = SR_EXIT_INTERNAL;
	}
close:
	sr_playcur_free(p->cur); /* before the index it reads */
	p->cur = NULL;
	idx_close(p->idx);
	sr_ctx_set_diag(ctx, sr_out_diag, &p->quiet);
	diag_print(&p->diag, o->quiet);
	if (fstatus == SR_FAILED) {
		char ts[64];

		char what[128];

		(void)snprintf(what, sizeof(what),
		    "recording ends abnormally after %s",
		    sr_time_format_offset(fdur, ts, sizeof(ts)));
		if (ferr.msg[0] != '\0') {
			char w2[sizeof(what) + 1];

			(void)snprintf(w2, sizeof(w2), "%s:", what);
			sr_warn_error(w2, &ferr);
		} else
			sr_warnx("%s", what);
		if (rc < SR_EXIT_UNREADABLE)
			rc = SR_EXIT_UNREADABLE;
	}
out:
	sr_screen_free(p->scr);
	free(p->ticks);
	(void)pthread_mutex_destroy(&p->diag.lock);
	free(p);
	return (rc);
}
