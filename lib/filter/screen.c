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
 * Terminal screen: recorded output goes into a libvterm emulator and
 * only its cells come out, so `play` and rendered `cat` never write a
 * recorded byte to a real terminal (SECURITY.md S1).  The emulator's
 * replies to queries (cursor position, DECRQSS, title reports) are
 * counted and dropped: they must never reach anyone's input.
 * Geometry is clamped to SR_SCREEN_MAX so libvterm's allocations stay
 * bounded.  libvterm 0.1.4 (Debian 12) has no dim and no conceal
 * attribute, so SR_CA_DIM and SR_CA_CONCEAL are never set.
 *
 * Pre-filter (SECURITY.md S3).  libvterm 0.1.4 crashes or hangs on some
 * input, so everything passes a filter first.  Text runs are found with
 * memchr() for ESC and copied into writes of at most 4 KiB (libvterm
 * puts a run's code points in a stack array), cut only between UTF-8
 * sequences: a sequence split across two writes becomes U+FFFD, which
 * is also why a feed holds back an unfinished valid one at its end (and
 * writes U+FFFD for it when the next feed does not finish it).  Text is
 * checked as UTF-8 (ASCII 8 bytes at a time), and every invalid or
 * truncated sequence and every U+0080..U+009F becomes U+FFFD written
 * here: libvterm's decoder keeps a partial sequence across C0 controls
 * and finishes it with the bytes after them, and gives U+0080..U+009F
 * width -1 and steps back, left of column 0 at a row's start (with
 * insert mode on, a crash in vterm_scroll_rect()); the bytes 0x80..0x9f
 * alone are not controls in UTF-8 mode.  With ONLCR on
 * (sr_screen_set_onlcr()) every LF, in text or inside a sequence, goes
 * as CR LF, as a tty's output processing would.  Escape sequences are
 * parsed and held until complete, then passed on rebuilt: at most 16
 * CSI parameters of at most 9999, window operations (CSI ... t) and
 * charset selection (ESC %) dropped, DECSTBM with top >= bottom dropped
 * and the rest made explicit, REP capped and dropped when the last glyph
 * may have width 0 (libvterm loops forever then).  OSC strings pass up
 * to 4 KiB, the rest is dropped up to the terminator; DCS (Sixel,
 * ReGIS, DECRQSS: libvterm's DECRQSS reply code passes NULL to
 * vsnprintf), APC, PM and SOS are dropped whole.  A sequence broken by
 * a byte >= 0x80 is dropped: libvterm 0.1.4 goes astray there.
 *
 * The filter also tracks what libvterm keeps but does not tell, for
 * snapshots: the scrolling region, origin, autowrap, insert, newline
 * and reverse-screen modes, the G0..G3 designations and which is
 * shifted in, the DECSC slot, a pending wrap, and the primary screen's
 * cells while the alternate screen hides them.  Snapshots replay the
 * state into a fresh emulator as synthetic escape sequences built from
 * checked values.  Not carried: tab stops (a restored screen has one
 * every 8 columns), protected cells (DECSCA), the glyph a combining mark
 * or REP right after the snapshot would join or repeat, and the part of
 * an OSC string already passed on.  A scrolling region cut to one line
 * by a resize becomes none, and a primary screen resized while hidden
 * comes back cut at its top left rather than as libvterm reflows it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vterm.h>

#include "compat.h"
#include "sr-private.h"

#define STAGE_MAX  4096 /* bytes per vterm_input_write(), SECURITY.md S1 */
#define CSI_ARGS   16	/* libvterm 0.1.4 crashes past 16 */
#define CSI_VALMAX 9999
#define OSC_MAX	   4096
#define TAIL_MAX   128 /* an unfinished sequence kept in a snapshot */

/*
 * Snapshot bytes, version 2 (varints: 7 bits a byte, low first):
 * "SRSCR" 1, rows, cols, flags (F_*), the shifted-in set (0..3), the
 * G0..G3 designations (4 bytes), scrolling region top and bottom (0 0:
 * none), cursor row and column, pen; DECSC row, column and pen; with
 * F_PRIMARY the hidden primary screen's rows, columns and grid; the
 * shown screen's grid; the tail's length and the tail (an unfinished
 * escape or UTF-8 sequence, fed again after the restore).  A pen is an
 * attribute byte (PA_*; with PA_FONT a font byte ends the pen), a byte
 * of colour kinds (foreground low nibble), then 1 byte per indexed and
 * 3 per RGB colour.  Changing any of this needs a new version.  Version
 * 1 is the same without F_ONLCR, and is still read.
 */
#define SNAP_MAGIC   "SRSCR"
#define SNAP_VERSION 2

/* Grid items (varints): these, or a glyph's code point + G_CP0. */
enum {
	G_BLANK = 0, /* n: n blank cells in the pen */
	G_PEN,	     /* pen bytes follow */
	G_LINE,	     /* a line attribute byte (DECDWL, DECDHL) for this row */
	G_WIDE,	     /* the next glyph is two cells wide */
	G_COMB,	     /* k, then k combining code points of the next glyph */
	G_HALF,	     /* a pen: the next wide glyph's right half's */
	G_CP0 = 8,
};

/* Snapshot flags. */
enum {
	F_ALT = 1 << 0,
	F_CVIS = 1 << 1,
	F_ORIGIN = 1 << 2,
	F_AUTOWRAP = 1 << 3,
	F_INSERT = 1 << 4,
	F_NEWLINE = 1 << 5,
	F_REVERSE = 1 << 6,
	F_PHANTOM = 1 << 7,
	F_PRIMARY = 1 << 8,
	F_SAVEDVIS = 1 << 9,
	/* DECSC was used: the slot is no longer the one libvterm starts with */
	F_SAVED = 1 << 10,
	F_ONLCR = 1 << 11, /* version 2 */
	F_ALL = (1 << 12) - 1,
	F_ALL_V1 = (1 << 11) - 1,
};

/* Pen attribute bits (struct pen attrs); underline 0..3 in bits 5-6. */
enum {
	PA_BOLD = 1 << 0,
	PA_ITALIC = 1 << 1,
	PA_BLINK = 1 << 2,
	PA_REVERSE = 1 << 3,
	PA_STRIKE = 1 << 4,
	PA_ULSHIFT = 5,
	PA_FONT = 1 << 7, /* in the bytes only: a font byte follows */
};

enum pf_state {
	PF_TEXT, /* text: looking for ESC */
	PF_ESC,	 /* after ESC */
	PF_ESCI, /* ESC and intermediate bytes */
	PF_CSI,
	PF_OSC, /* passed on, up to OSC_MAX bytes */
	PF_STR, /* DCS, APC, PM, SOS: dropped whole */
};

/* A pen as it is stored: bytes only, so memcmp() compares. */
struct pen {
	uint8_t attrs;
	uint8_t font;	  /* 0..9 */
	uint8_t fgk, bgk; /* 0 default, 1 indexed, 2 RGB */
	uint8_t fg[3], bg[3];
};

/* What libvterm keeps but does not tell: tracked by the pre-filter. */
struct modes {
	unsigned top, bot; /* scrolling region [top, bot); bot 0: none */
	uint8_t origin, autowrap, insert, newline, reverse;
	uint8_t gl; /* G0..G3 in GL (SO, SI, LS2, LS3) */
	char g[4];  /* designations: 'B' ASCII, '0' DEC graphics, 'A' UK */
};

/* The DECSC slot (libvterm 0.1.4 has one, shared by both screens). */
struct saved {
	int valid;
	unsigned row, col;
	int visible;
	struct pen pen;
};

struct sr_screen {
	VTerm *vt;
	VTermScreen *vs;
	VTermState *vst;
	unsigned rows, cols;
	unsigned crow, ccol; /* cursor, from movecursor */
	int cvisible;
	int alt;
	uint64_t replies;
	uint64_t damage;
	unsigned char pend[8]; /* an unfinished UTF-8 sequence */
	size_t npend, need;    /* its bytes so far, its full length */
	int onlcr;	       /* LF drawn as CR LF */

	/* Pre-filter. */
	enum pf_state pf;
	unsigned char leader;
	unsigned nargs;
	int argdrop, bad;
	unsigned arg[CSI_ARGS];
	unsigned char argset[CSI_ARGS]; /* digits given */
	unsigned char argsep[CSI_ARGS]; /* ';' or ':' after it */
	unsigned char inter[4];
	unsigned ninter;
	size_t osclen;

	/* Bytes for the next vterm_input_write(). */
	unsigned char stage[STAGE_MAX];
	size_t nstage;

	struct modes m;
	struct saved saved;
	int phantom; /* a wrap is pending at (phrow, phcol) */
	unsigned phrow, phcol;
	int moved;  /* a cursor move was staged after the last text */
	int rep_ok; /* the last glyph is one REP may repeat */

	/*
	 * The primary screen's cells while the alternate one shows (a
	 * grid as in a snapshot, rows and columns first): libvterm keeps
	 * them but has no way to read them.
	 */
	struct sr_buf prim;
	int prim_valid, prim_dirty;
	uint64_t budget; /* cells the next captures may encode */
};

static const unsigned char fffd[3] = { 0xef, 0xbf, 0xbd };

/*
 * libvterm 0.1.4 crashes on a wide character in a one-column screen, so
 * columns start at 2 (min); rows at 1.
 */
static unsigned
clamp_dim(unsigned n, unsigned min)
{
	if (n < min)
		return (min);
	if (n > SR_SCREEN_MAX)
		return (SR_SCREEN_MAX);
	return (n);
}

static void
modes_reset(struct modes *m)
{
	memset(m, 0, sizeof(*m));
	m->autowrap = 1;
	memset(m->g, 'B', sizeof(m->g));
}

static void
pen_default(struct pen *p)
{
	memset(p, 0, sizeof(*p));
}

static int
pen_eq(const struct pen *a, const struct pen *b)
{
	return (memcmp(a, b, sizeof(*a)) == 0);
}

static void
pen_color(const VTermColor *c, int is_default, uint8_t *kind, uint8_t *v)
{
	if (is_default) {
		*kind = 0;
	} else if (VTERM_COLOR_IS_INDEXED(c)) {
		*kind = 1;
		v[0] = c->indexed.idx;
	} else {
		*kind = 2;
		v[0] = c->rgb.red;
		v[1] = c->rgb.green;
		v[2] = c->rgb.blue;
	}
}

/* The pen of a cell; reverse as stored, not as ?5 shows it. */
static void
cell_pen(const struct sr_screen *s, const VTermScreenCell *vc, struct pen *p)
{
	pen_default(p);
	p->attrs = (uint8_t)((vc->attrs.bold ? PA_BOLD : 0) |
	    (vc->attrs.italic ? PA_ITALIC : 0) |
	    (vc->attrs.blink ? PA_BLINK : 0) |
	    ((vc->attrs.reverse != 0) != (s->m.reverse != 0) ? PA_REVERSE : 0) |
	    (vc->attrs.strike ? PA_STRIKE : 0) |
	    (vc->attrs.underline & 3) << PA_ULSHIFT);
	p->font = vc->attrs.font <= 9 ? (uint8_t)vc->attrs.font : 0;
	pen_color(&vc->fg, VTERM_COLOR_IS_DEFAULT_FG(&vc->fg), &p->fgk, p->fg);
	pen_color(&vc->bg, VTERM_COLOR_IS_DEFAULT_BG(&vc->bg), &p->bgk, p->bg);
}

/* The pen later text is drawn with. */
static void
state_pen(const struct sr_screen *s, struct pen *p)
{
	VTermValue v;

	pen_default(p);
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_BOLD, &v) && v.boolean)
		p->attrs |= PA_BOLD;
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_ITALIC, &v) && v.boolean)
		p->attrs |= PA_ITALIC;
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_BLINK, &v) && v.boolean)
		p->attrs |= PA_BLINK;
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_REVERSE, &v) &&
	    v.boolean)
		p->attrs |= PA_REVERSE;
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_STRIKE, &v) && v.boolean)
		p->attrs |= PA_STRIKE;
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_UNDERLINE, &v))
		p->attrs |= (uint8_t)((v.number & 3) << PA_ULSHIFT);
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_FONT, &v) &&
	    v.number > 0 && v.number <= 9)
		p->font = (uint8_t)v.number;
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_FOREGROUND, &v))
		pen_color(&v.color, VTERM_COLOR_IS_DEFAULT_FG(&v.color),
		    &p->fgk, p->fg);
	if (vterm_state_get_penattr(s->vst, VTERM_ATTR_BACKGROUND, &v))
		pen_color(&v.color, VTERM_COLOR_IS_DEFAULT_BG(&v.color),
		    &p->bgk, p->bg);
}

static int
cb_damage(VTermRect r, void *user)
{
	struct sr_screen *s = user;
	VTermScreenCell vc;
	VTermPos pos;

	s->damage++;
	if (!s->alt)
		s->prim_dirty = 1;
	/*
	 * A glyph put in the last column leaves the cursor on it with a
	 * wrap pending (libvterm's at_phantom, which it does not tell):
	 * remembered so that a snapshot can carry it.  Erasing that cell
	 * leaves a blank, not a glyph, and the flag as libvterm does.
	 */
	if (r.end_col == (int)s->cols && r.end_row == r.start_row + 1 &&
	    r.end_col - r.start_col <= 2 && s->m.autowrap) {
		pos.row = r.start_row;
		pos.col = r.start_col;
		memset(&vc, 0, sizeof(vc));
		if (vterm_screen_get_cell(s->vs, pos, &vc) &&
		    vc.chars[0] != 0 && vc.chars[0] != (uint32_t)-1 &&
		    vc.width == r.end_col - r.start_col) {
			s->phantom = 1;
			s->phrow = (unsigned)pos.row;
			s->phcol = (unsigned)pos.col;
		}
	}
	return (1);
}

static int
cb_moverect(VTermRect dest, VTermRect src, void *user)
{
	struct sr_screen *s = user;

	(void)dest;
	(void)src;
	s->damage++;
	if (!s->alt)
		s->prim_dirty = 1;
	return (0); /* libvterm then reports the damage too */
}

static int
cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	struct sr_screen *s = user;

	(void)oldpos;
	(void)visible; /* libvterm passes the same as CURSORVISIBLE */
	s->crow = pos.row < 0 ? 0 : (unsigned)pos.row;
	s->ccol = pos.col < 0 ? 0 : (unsigned)pos.col;
	if (s->crow != s->phrow || s->ccol != s->phcol)
		s->phantom = 0;
	s->damage++;
	return (1);
}

static int
cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct sr_screen *s = user;

	switch (prop) {
	case VTERM_PROP_ALTSCREEN:
		s->alt = val->boolean != 0;
		s->damage++;
		break;
	case VTERM_PROP_CURSORVISIBLE:
		s->cvisible = val->boolean != 0;
		s->damage++;
		break;
	default:
		/* Titles, icon names, mouse modes: never forwarded. */
		break;
	}
	return (1);
}

static int
cb_resize(int rows, int cols, void *user)
{
	struct sr_screen *s = user;

	(void)rows;
	(void)cols;
	s->damage++;
	return (1);
}

/*
 * Called for every reply libvterm would send to the host (roughly once
 * per reply; a DCS reply may come in a few pieces).  Only counted.
 */
static void
cb_output(const char *bytes, size_t len, void *user)
{
	struct sr_screen *s = user;

	(void)bytes;
	(void)len;
	s->replies++;
}

static const VTermScreenCallbacks screen_cbs = {
	.damage = cb_damage,
	.moverect = cb_moverect,
	.movecursor = cb_movecursor,
	.settermprop = cb_settermprop,
	.resize = cb_resize,
};

/* Everything but the emulator back to the state of a new screen. */
static void
track_reset(struct sr_screen *s)
{
	s->crow = s->ccol = 0;
	s->cvisible = 1;
	s->alt = 0;
	s->npend = s->need = 0;
	s->onlcr = 0;
	s->pf = PF_TEXT;
	s->nstage = 0;
	modes_reset(&s->m);
	memset(&s->saved, 0, sizeof(s->saved));
	s->saved.visible = 1;
	s->phantom = 0;
	s->phrow = s->phcol = 0;
	s->moved = 0;
	s->rep_ok = 0;
	sr_buf_reset(&s->prim);
	s->prim_valid = 0;
	s->prim_dirty = 1;
	s->budget = 0;
	s->damage++;
}

/*
 * A new emulator of s->rows x s->cols replaces the old one: a reset
 * that also clears what vterm_screen_reset() keeps (it leaves the
 * alternate screen shown, and the DECSC slot and the parser as they
 * were).
 */
static int
vt_open(struct sr_screen *s)
{
	VTerm *vt, *old = s->vt;

	if ((vt = vterm_new((int)s->rows, (int)s->cols)) == NULL)
		return (-1);
	s->vt = vt;
	vterm_set_utf8(vt, 1);
	vterm_output_set_callback(vt, cb_output, s);
	s->vs = vterm_obtain_screen(vt);
	s->vst = vterm_obtain_state(vt);
	vterm_screen_enable_altscreen(s->vs, 1);
	vterm_screen_set_callbacks(s->vs, &screen_cbs, s);
	vterm_screen_reset(s->vs, 1);
	if (old != NULL)
		vterm_free(old);
	return (0);
}

/* The most a primary-screen grid can take (6 code points a cell). */
#define PRIM_MAX ((size_t)SR_SCREEN_MAX * SR_SCREEN_MAX * 48 + 64)

struct sr_screen *
sr_screen_new(unsigned rows, unsigned cols)
{
	struct sr_screen *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->rows = clamp_dim(rows, 1);
	s->cols = clamp_dim(cols, 2);
	sr_buf_init(&s->prim, PRIM_MAX);
	modes_reset(&s->m);
	if (vt_open(s) != 0) {
		free(s);
		return (NULL);
	}
	track_reset(s);
	return (s);
}

void
sr_screen_free(struct sr_screen *s)
{
	if (s == NULL)
		return;
	vterm_free(s->vt);
	sr_buf_release(&s->prim);
	free(s);
}

/*
 * The length of the UTF-8 sequence a lead byte starts, 0 when it starts
 * none (ASCII, a continuation byte, C0, C1, F5..FF).
 */
static size_t
utf8_need(unsigned char c)
{
	if (c >= 0xc2 && c <= 0xdf)
		return (2);
	if (c >= 0xe0 && c <= 0xef)
		return (3);
	if (c >= 0xf0 && c <= 0xf4)
		return (4);
	return (0);
}

/*
 * Output staging.  Everything libvterm gets goes through here in
 * writes of at most STAGE_MAX bytes: libvterm 0.1.4 puts a
 * text run's code points in a stack array (one per byte), and many
 * small writes would cost more than the copy.
 */
static void
flush(struct sr_screen *s)
{
	if (s->nstage > 0) {
		vterm_input_write(s->vt, (const char *)s->stage, s->nstage);
		s->nstage = 0;
	}
	/*
	 * libvterm ends a pending wrap on a cursor move even to where the
	 * cursor is, without telling: seen here, after the write.
	 */
	if (s->moved) {
		s->phantom = 0;
		s->moved = 0;
	}
}

/* Stages a whole sequence or piece of one (n <= STAGE_MAX). */
static void
stage(struct sr_screen *s, const void *p, size_t n)
{
	if (s->nstage + n > STAGE_MAX)
		flush(s);
	memcpy(s->stage + s->nstage, p, n);
	s->nstage += n;
}

/*
 * Stages text, cut only in front of a lead byte: libvterm 0.1.4 turns
 * a UTF-8 sequence split across two writes into U+FFFD.
 */
static void
stage_text(struct sr_screen *s, const unsigned char *p, size_t n)
{
	size_t room, k;

	while (n > 0) {
		room = STAGE_MAX - s->nstage;
		if (n <= room) {
			memcpy(s->stage + s->nstage, p, n);
			s->nstage += n;
			return;
		}
		k = room;
		while (k > 0 && room - k < 3 && (p[k] & 0xc0) == 0x80)
			k--;
		if (k == 0 || (p[k] & 0xc0) == 0x80) {
			if (s->nstage > 0) {
				flush(s);
				continue;
			}
			k = room; /* not UTF-8 anyway */
		}
		memcpy(s->stage + s->nstage, p, k);
		s->nstage += k;
		flush(s);
		p += k;
		n -= k;
	}
}

/* Appends a decimal number to a small buffer; its new length. */
static size_t
put_num(unsigned char *d, size_t n, unsigned v)
{
	unsigned char tmp[12];
	size_t k = 0;

	do {
		tmp[k++] = (unsigned char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (k > 0)
		d[n++] = tmp[--k];
	return (n);
}

/* Appends v as a varint (7 bits a byte, low first); the new length. */
static size_t
put_varint(unsigned char *d, size_t n, unsigned v)
{
	for (; v >= 0x80; v >>= 7)
		d[n++] = (unsigned char)(v | 0x80);
	d[n++] = (unsigned char)v;
	return (n);
}

/*
 * Tracks SO/SI in text: two memrchr() calls a run, about 0.2% of the
 * time libvterm takes.
 */
static void
track_shifts(struct sr_screen *s, const unsigned char *p, size_t n)
{
	const unsigned char *so, *si;

	if (n == 0)
		return;
	so = memrchr(p, 0x0e, n);
	si = memrchr(p, 0x0f, n);
	if (so != NULL && (si == NULL || so > si))
		s->m.gl = 1;
	else if (si != NULL)
		s->m.gl = 0;
}

/* The code point of a valid UTF-8 sequence of n bytes. */
static uint32_t
utf8_cp(const unsigned char *p, size_t n)
{
	uint32_t cp = n == 1 ? p[0] : p[0] & (0x7f >> n);
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return (cp);
}

/*
 * Code points libvterm surely draws at least one cell wide (no
 * combining marks, no format characters): see last_glyph().
 */
static int
cp_rep_safe(uint32_t cp)
{
	return ((cp >= 0x20 && cp < 0x7f) ||
	    (cp >= 0xa0 && cp < 0x300 && cp != 0xad) ||
	    (cp >= 0x370 && cp < 0x483) || (cp >= 0x2010 && cp < 0x2028) ||
	    (cp >= 0x2030 && cp < 0x205f) || (cp >= 0x2100 && cp < 0x2800) ||
	    (cp >= 0x3041 && cp < 0x3097) || (cp >= 0x30a1 && cp < 0x30fb) ||
	    (cp >= 0x4e00 && cp < 0xa000) || (cp >= 0xac00 && cp < 0xd7a4) ||
	    cp == 0xfffd);
}

/*
 * The last glyph of a text run (controls after it aside).  libvterm
 * 0.1.4 loops forever on REP (CSI n b) when the last glyph it drew has
 * width 0 (none yet, or a combining mark standing alone), so REP passes
 * only after a glyph known to be wider.  A glyph also comes after any
 * cursor move staged before it (see flush()).
 */
static void
last_glyph(struct sr_screen *s, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q = end;
	size_t sub;

	while (q > p && (q[-1] < 0x20 || q[-1] == 0x7f))
		q--;
	if (q == p)
		return; /* controls only: the last glyph stays */
	s->moved = 0;	/* a glyph comes after any move staged before */
	if (q[-1] < 0x80) {
		s->rep_ok = 1;
		return;
	}
	end = q;
	while (q > p && end - q < 4 && (q[-1] & 0xc0) == 0x80)
		q--;
	if (q > p)
		q--;
	s->rep_ok =
	    sr_utf8_seq(q, (size_t)(end - q), &sub) == (size_t)(end - q) &&
	    cp_rep_safe(utf8_cp(q, (size_t)(end - q)));
}

/* The first byte >= 0x80 at or after p, or end: 8 bytes at a time. */
static const unsigned char *
skip_ascii(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, sizeof(w));
		if (w & UINT64_C(0x8080808080808080))
			break;
		p += 8;
	}
	while (p < end && *p < 0x80)
		p++;
	return (p);
}

/*
 * Text without ESC, checked as UTF-8: every invalid or truncated
 * sequence (one U+FFFD per maximal invalid subpart, as tlog and
 * textview count) and every U+0080..U+009F becomes U+FFFD written
 * here, so libvterm's own decoder only ever sees whole, valid
 * sequences.  libvterm 0.1.4 keeps a partial sequence across the C0
 * controls that follow it and finishes it with whatever comes next
 * (U+FFFD a line below, or a C1 code point of width -1 that moves the
 * cursor left of column 0: with insert mode on, a memmove() of negative
 * size in vterm_scroll_rect()).  It also takes U+0080..U+009F for text
 * of width -1.
 */
static void
text_utf8(struct sr_screen *s, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;
	size_t n, sub;

	while ((q = skip_ascii(q, end)) < end) {
		do { /* a run of non-ASCII characters */
			/* The common 3-byte ones first: E1..EC, EE, EF. */
			if (end - q >= 3 && q[0] > 0xe0 && q[0] < 0xf0 &&
			    q[0] != 0xed && (q[1] & 0xc0) == 0x80 &&
			    (q[2] & 0xc0) == 0x80) {
				q += 3;
				continue;
			}
			n = sr_utf8_seq(q, (size_t)(end - q), &sub);
			if (n == 0 || (n == 2 && q[0] == 0xc2 && q[1] < 0xa0)) {
				stage_text(s, p, (size_t)(q - p));
				stage(s, fffd, sizeof(fffd));
				p = q + (n != 0 ? n : sub);
				n = (size_t)(p - q);
			}
			q += n;
		} while (q < end && *q >= 0x80);
	}
	stage_text(s, p, (size_t)(end - p));
}

/*
 * A text run (no ESC in it).  With ONLCR each LF goes as CR LF (a
 * memchr() a line; nothing when off).
 */
static void
text_run(struct sr_screen *s, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q;

	track_shifts(s, p, (size_t)(end - p));
	last_glyph(s, p, end);
	if (s->onlcr) {
		while ((q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			text_utf8(s, p, q);
			stage(s, "\r\n", 2);
			p = q + 1;
		}
	}
	text_utf8(s, p, end);
}

/* Records the DECSC slot as libvterm is about to fill it. */
static void
save_cursor(struct sr_screen *s)
{
	VTermPos pos;

	flush(s);
	vterm_state_get_cursorpos(s->vst, &pos);
	s->saved.row = pos.row < 0 ? 0 : (unsigned)pos.row;
	s->saved.col = pos.col < 0 ? 0 : (unsigned)pos.col;
	s->saved.visible = s->cvisible;
	state_pen(s, &s->saved.pen);
	s->saved.valid = 1;
}

static int encode_grid(const struct sr_screen *, struct sr_buf *);

/*
 * Copies the primary screen's cells before the alternate screen hides
 * them.  Only when output reached the primary screen since the last
 * copy, and within a budget that grows with the bytes fed, so that a
 * stream flipping screens costs a bounded number of cells per byte.
 */
static void
capture_primary(struct sr_screen *s)
{
	uint64_t cells = (uint64_t)s->rows * s->cols;
	unsigned char hdr[10];
	size_t n = 0;

	flush(s);
	if (s->prim_valid && !s->prim_dirty)
		return;
	if (s->prim_valid && s->budget < cells)
		return; /* keeps the older copy */
	s->budget = s->budget > cells ? s->budget - cells : 0;
	sr_buf_reset(&s->prim);
	s->prim_valid = 0;
	n = put_varint(hdr, n, s->rows);
	n = put_varint(hdr, n, s->cols);
	if (sr_buf_append(&s->prim, hdr, n) != SR_E_NONE ||
	    encode_grid(s, &s->prim) != SR_E_NONE) {
		sr_buf_reset(&s->prim);
		return;
	}
	s->prim_valid = 1;
	s->prim_dirty = 0;
}

static void
csi_begin(struct sr_screen *s)
{
	s->pf = PF_CSI;
	s->leader = 0;
	s->nargs = 0;
	s->argdrop = 0;
	s->bad = 0;
	s->ninter = 0;
}

static void
arg_new(struct sr_screen *s)
{
	s->arg[s->nargs] = 0;
	s->argset[s->nargs] = 0;
	s->argsep[s->nargs] = 0;
	s->nargs++;
}

/* Argument i as libvterm reads it: missing is 0 here. */
static unsigned
arg_get(const struct sr_screen *s, unsigned i)
{
	return (i < s->nargs && s->argset[i] ? s->arg[i] : 0);
}

/* Stages the CSI as parsed: capped arguments, nothing else. */
static void
csi_emit(struct sr_screen *s, unsigned char final)
{
	unsigned char b[8 + CSI_ARGS * 6];
	size_t n = 0;
	unsigned i;

	b[n++] = 0x1b;
	b[n++] = '[';
	if (s->leader != 0)
		b[n++] = s->leader;
	for (i = 0; i < s->nargs; i++) {
		if (s->argset[i])
			n = put_num(b, n, s->arg[i]);
		if (i + 1 < s->nargs)
			b[n++] = s->argsep[i];
	}
	for (i = 0; i < s->ninter; i++)
		b[n++] = s->inter[i];
	b[n++] = final;
	stage(s, b, n);
}

/* One DEC private mode, set or reset, as its own sequence. */
static void
dec_mode(struct sr_screen *s, unsigned v, unsigned char final)
{
	unsigned char b[16];
	size_t n = 0;
	int set = final == 'h';

	if (set && (v == 1047 || v == 1049)) {
		flush(s); /* s->alt as libvterm has it now */
		if (!s->alt)
			capture_primary(s);
	}
	if (set && (v == 1048 || v == 1049))
		save_cursor(s);
	if (v == 7)
		flush(s); /* cb_damage() reads autowrap for the text before */
	b[n++] = 0x1b;
	b[n++] = '[';
	b[n++] = '?';
	n = put_num(b, n, v);
	b[n++] = final;
	stage(s, b, n);
	switch (v) {
	case 5:
		s->m.reverse = (uint8_t)set;
		break;
	case 6:
		s->m.origin = (uint8_t)set;
		break;
	case 7:
		s->m.autowrap = (uint8_t)set;
		break;
	case 1047:
	case 1049:
		if (!set)
			s->prim_dirty = 1;
		break;
	default:
		break;
	}
}

/* A complete CSI: dropped, changed, tracked, or passed on. */
static void
csi_final(struct sr_screen *s, unsigned char final)
{
	unsigned i, top, bot;

	if (final == 't')
		return; /* window operations: reports, resizes */
	if (s->ninter == 0 && s->leader == '?' &&
	    (final == 'h' || final == 'l')) {
		for (i = 0; i < s->nargs; i++)
			dec_mode(s, arg_get(s, i), final);
		return;
	}
	if (s->ninter != 0 || s->leader != 0) {
		csi_emit(s, final);
		return;
	}
	switch (final) {
	case 'r': /* DECSTBM: libvterm 0.1.4 trusts it */
		top = arg_get(s, 0);
		bot = arg_get(s, 1);
		if (top == 0)
			top = 1;
		if (bot == 0 || bot > s->rows)
			bot = s->rows;
		if (top >= bot)
			return;
		s->nargs = 0;
		arg_new(s);
		arg_new(s);
		s->arg[0] = top;
		s->arg[1] = bot;
		s->argset[0] = s->argset[1] = 1;
		s->argsep[0] = ';';
		s->m.top = top - 1;
		s->m.bot = bot;
		break;
	case 'b': /* REP: see last_glyph() */
		if (!s->rep_ok)
			return;
		if (s->nargs > 0 && s->arg[0] > s->rows * s->cols)
			s->arg[0] = s->rows * s->cols;
		break;
	case 'h':
	case 'l':
		for (i = 0; i < s->nargs; i++) {
			if (arg_get(s, i) == 4)
				s->m.insert = final == 'h';
			else if (arg_get(s, i) == 20)
				s->m.newline = final == 'h';
		}
		break;
	case 'A':
	case 'B':
	case 'C':
	case 'D':
	case 'E':
	case 'F':
	case 'G':
	case 'H':
	case 'I':
	case 'Z':
	case '`':
	case 'a':
	case 'd':
	case 'e':
	case 'f':
		/* Moves, even to where the cursor is, end a pending wrap. */
		csi_emit(s, final);
		s->moved = 1; /* after: csi_emit() may flush what was before */
		return;
	default:
		break;
	}
	csi_emit(s, final);
}

/* A complete escape sequence other than CSI and strings. */
static void
esc_final(struct sr_screen *s, unsigned char final)
{
	unsigned char b[8];
	size_t n = 0, i;

	if (s->ninter == 0) {
		switch (final) {
		case '7': /* DECSC */
			save_cursor(s);
			break;
		case 'c':	  /* RIS; the DECSC slot stays as it was */
			flush(s); /* autowrap for cb_damage(), as for ?7 */
			modes_reset(&s->m);
			break;
		case 'n': /* LS2 */
			s->m.gl = 2;
			break;
		case 'o': /* LS3 */
			s->m.gl = 3;
			break;
		default:
			break;
		}
	} else if (s->ninter == 1 && s->inter[0] >= '(' && s->inter[0] <= '+') {
		/* Designations libvterm 0.1.4 knows; it ignores others. */
		if (final == 'B' || final == '0' || final == 'A') {
			s->m.g[s->inter[0] - '('] = (char) final;
		}
	} else if (s->inter[0] == '%' || s->inter[0] == ' ')
		return; /* charset and C1 transmission selection */
	b[n++] = 0x1b;
	for (i = 0; i < s->ninter; i++)
		b[n++] = s->inter[i];
	b[n++] = final;
	stage(s, b, n);
}

/* A C0 control inside a sequence: libvterm acts on it at once. */
static void
control(struct sr_screen *s, unsigned char c)
{
	if (c == 0x0e)
		s->m.gl = 1;
	else if (c == 0x0f)
		s->m.gl = 0;
	else if (c == '\n' && s->onlcr)
		stage(s, "\r", 1);
	stage(s, &c, 1);
}

/*
 * One byte of an escape sequence (states PF_ESC, PF_ESCI, PF_CSI).
 * Returns 0 when the byte must be read again as text.
 */
static int
seq_byte(struct sr_screen *s, unsigned char c)
{
	if (c == 0x1b) {
		s->pf = PF_ESC; /* starts over; the held part is dropped */
		s->ninter = 0;
		return (1);
	}
	if (c == 0x18 || c == 0x1a) { /* CAN, SUB */
		s->pf = PF_TEXT;
		return (1);
	}
	if (c < 0x20) {
		control(s, c);
		return (1);
	}
	if (c == 0x7f)
		return (1);
	if (c >= 0x80) {
		/* libvterm goes astray here: the sequence is dropped. */
		s->pf = PF_TEXT;
		return (0);
	}
	switch (s->pf) {
	case PF_ESC:
		if (c == '\\') /* ST: the end of a string, or nothing */
			s->pf = PF_TEXT;
		else if (c == '[')
			csi_begin(s);
		else if (c == ']') {
			stage(s, "\033]", 2);
			s->pf = PF_OSC;
			s->osclen = 0;
		} else if (c == 'P' || c == '_' || c == '^' || c == 'X')
			s->pf = PF_STR;
		else if (c < 0x30) {
			s->inter[0] = c;
			s->ninter = 1;
			s->bad = 0;
			s->pf = PF_ESCI;
		} else {
			s->pf = PF_TEXT;
			s->ninter = 0;
			esc_final(s, c);
		}
		break;
	case PF_ESCI:
		if (c < 0x30) {
			if (s->ninter < sizeof(s->inter))
				s->inter[s->ninter++] = c;
			else
				s->bad = 1;
		} else {
			s->pf = PF_TEXT;
			if (!s->bad)
				esc_final(s, c);
		}
		break;
	default: /* PF_CSI */
		if (c <= '9' && c >= '0') {
			if (s->ninter != 0)
				s->bad = 1;
			if (s->nargs == 0)
				arg_new(s);
			if (!s->argdrop) {
				unsigned *v = &s->arg[s->nargs - 1];

				*v = *v * 10 + (unsigned)(c - '0');
				if (*v > CSI_VALMAX)
					*v = CSI_VALMAX;
				s->argset[s->nargs - 1] = 1;
			}
		} else if (c == ';' || c == ':') {
			if (s->ninter != 0)
				s->bad = 1;
			if (s->nargs == 0)
				arg_new(s);
			if (s->nargs < CSI_ARGS) {
				s->argsep[s->nargs - 1] = c;
				arg_new(s);
			} else
				s->argdrop = 1;
		} else if (c >= 0x3c && c <= 0x3f) {
			if (s->nargs == 0 && s->leader == 0 && s->ninter == 0)
				s->leader = c;
			else
				s->bad = 1;
		} else if (c < 0x30) {
			if (s->ninter < sizeof(s->inter))
				s->inter[s->ninter++] = c;
			else
				s->bad = 1;
		} else {
			s->pf = PF_TEXT;
			if (!s->bad)
				csi_final(s, c);
		}
		break;
	}
	return (1);
}

/* OSC content: passed on up to OSC_MAX bytes, C0 controls left out. */
static void
osc_put(struct sr_screen *s, const unsigned char *p, size_t n)
{
	if (s->osclen >= OSC_MAX)
		return;
	if (n > OSC_MAX - s->osclen)
		n = OSC_MAX - s->osclen;
	s->osclen += n;
	stage_text(s, p, n);
}

static const unsigned char *
osc_run(struct sr_screen *s, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q;

	for (q = p; q < end; q++) {
		if (*q >= 0x20)
			continue;
		osc_put(s, p, (size_t)(q - p));
		p = q + 1;
		switch (*q) {
		case 0x07:
			stage(s, q, 1);
			s->pf = PF_TEXT;
			return (q + 1);
		case 0x1b:
			/* Ended here for libvterm too; a '\\' next is ST. */
			stage(s, "\033\\", 2);
			s->pf = PF_ESC;
			s->ninter = 0;
			return (q + 1);
		case 0x18:
		case 0x1a:
			stage(s, "\033\\", 2);
			s->pf = PF_TEXT;
			return (q + 1);
		default:
			break;
		}
	}
	osc_put(s, p, (size_t)(end - p));
	return (end);
}

static const unsigned char *
str_run(struct sr_screen *s, const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++) {
		if (*p == 0x1b) {
			s->pf = PF_ESC;
			s->ninter = 0;
			return (p + 1);
		}
		if (*p == 0x18 || *p == 0x1a) {
			s->pf = PF_TEXT;
			return (p + 1);
		}
	}
	return (end);
}

/*
 * The SECURITY.md S3 pre-filter.  Text runs are found with memchr() and
 * copied; escape sequences are parsed, held until complete and passed
 * on rebuilt, so that libvterm's parser is never left inside one except
 * in an OSC string.
 */
static void
filter(struct sr_screen *s, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *q;

	while (p < end) {
		switch (s->pf) {
		case PF_TEXT:
			q = memchr(p, 0x1b, (size_t)(end - p));
			text_run(s, p, q != NULL ? q : end);
			if (q == NULL)
				return;
			s->pf = PF_ESC;
			s->ninter = 0;
			p = q + 1;
			break;
		case PF_OSC:
			p = osc_run(s, p, end);
			break;
		case PF_STR:
			p = str_run(s, p, end);
			break;
		default:
			if (seq_byte(s, *p))
				p++;
			break;
		}
	}
}

void
sr_screen_feed(struct sr_screen *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t k, n, sub;

	if (len == 0)
		return;
	s->budget += (uint64_t)len * 64;
	if (s->budget > (uint64_t)4 * SR_SCREEN_MAX * SR_SCREEN_MAX)
		s->budget = (uint64_t)4 * SR_SCREEN_MAX * SR_SCREEN_MAX;
	if (s->npend > 0) {
		/*
		 * Finish the held sequence, or give up on it (the text
		 * filter then writes U+FFFD for it): each byte must keep it
		 * a valid prefix, as in one feed.
		 */
		for (k = 0; k < len && s->npend < s->need; k++) {
			s->pend[s->npend] = p[k];
			if (sr_utf8_seq(s->pend, s->npend + 1, &sub) == 0 &&
			    sub != s->npend + 1)
				break;
			s->npend++;
		}
		if (k == len && s->npend < s->need)
			return; /* still unfinished */
		filter(s, s->pend, s->npend);
		s->npend = 0;
		p += k;
		len -= k;
	}
	/* An unfinished valid sequence at the end waits for the next feed. */
	for (k = 1; k <= 3 && k <= len; k++) {
		if ((p[len - k] & 0xc0) == 0x80)
			continue;
		n = utf8_need(p[len - k]);
		if (n > k && sr_utf8_seq(p + len - k, k, &sub) == 0 &&
		    sub == k) {
			memcpy(s->pend, p + len - k, k);
			s->npend = k;
			s->need = n;
			len -= k;
		}
		break;
	}
	if (len > 0)
		filter(s, p, len);
	flush(s);
}

/*
 * After a resize.  A shrink pushes lines off the top when the ones at
 * the bottom are not blank, and libvterm 0.1.4 moves the cursor up with
 * them, above row 0 when it was higher than they: the next erase or
 * glyph then writes outside the screen.  It also keeps a scrolling
 * region the shrink cut: a line feed at the bottom then scrolls nothing,
 * and a region below the screen makes the next scroll a memmove() of
 * negative size.  So the region is set again as tracked (cut to the
 * screen, none when less than 2 lines remain; cut says it changed) and
 * the cursor put back inside, where it was (DECSTBM homes it).
 */
static void
fix_after_resize(struct sr_screen *s, int cut)
{
	unsigned char b[48];
	VTermPos pos;
	unsigned row, col;
	size_t n = 0;

	vterm_state_get_cursorpos(s->vst, &pos);
	if (!cut && pos.row >= 0 && pos.col >= 0 && pos.row < (int)s->rows &&
	    pos.col < (int)s->cols)
		return;
	row = pos.row < 0	      ? 0
	    : pos.row >= (int)s->rows ? s->rows - 1
				      : (unsigned)pos.row;
	col = pos.col < 0	      ? 0
	    : pos.col >= (int)s->cols ? s->cols - 1
				      : (unsigned)pos.col;
	if (cut) {
		b[n++] = 0x1b;
		b[n++] = '[';
		if (s->m.bot != 0) {
			n = put_num(b, n, s->m.top + 1);
			b[n++] = ';';
			n = put_num(b, n, s->m.bot);
		}
		b[n++] = 'r';
	}
	/* In origin mode CUP counts from the region's top (and stays in it). */
	if (s->m.origin && s->m.bot != 0)
		row = row > s->m.top ? row - s->m.top : 0;
	b[n++] = 0x1b;
	b[n++] = '[';
	n = put_num(b, n, row + 1);
	b[n++] = ';';
	n = put_num(b, n, col + 1);
	b[n++] = 'H';
	vterm_input_write(s->vt, (const char *)b, n);
}

void
sr_screen_resize(struct sr_screen *s, unsigned rows, unsigned cols)
{
	int cut;

	rows = clamp_dim(rows, 1);
	cols = clamp_dim(cols, 2);
	if (rows == s->rows && cols == s->cols)
		return;
	flush(s);
	s->rows = rows;
	s->cols = cols;
	vterm_set_size(s->vt, (int)rows, (int)cols);
	s->phantom = 0;
	cut = s->m.bot > rows;
	if (s->m.bot > rows)
		s->m.bot = rows;
	if (s->m.top + 2 > s->m.bot)
		s->m.top = s->m.bot = 0;
	fix_after_resize(s, cut);
	s->damage++;
}
void
sr_screen_size(const struct sr_screen *s, unsigned *rows, unsigned *cols)
{
	if (rows != NULL)
		*rows = s->rows;
	if (cols != NULL)
		*cols = s->cols;
}

static void
conv_color(const VTermColor *vc, int is_default, struct sr_color *c)
{
	memset(c, 0, sizeof(*c));
	if (is_default)
		c->kind = SR_COLOR_DEFAULT;
	else if (VTERM_COLOR_IS_INDEXED(vc)) {
		c->kind = SR_COLOR_INDEX;
		c->index = vc->indexed.idx;
	} else {
		c->kind = SR_COLOR_RGB;
		c->r = vc->rgb.red;
		c->g = vc->rgb.green;
		c->b = vc->rgb.blue;
	}
}

void
sr_screen_cell(const struct sr_screen *s, unsigned row, unsigned col,
    struct sr_cell *c)
{
	VTermScreenCell vc;
	VTermPos pos;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->width = 1;
	if (row >= s->rows || col >= s->cols)
		return;
	pos.row = (int)row;
	pos.col = (int)col;
	memset(&vc, 0, sizeof(vc));
	if (!vterm_screen_get_cell(s->vs, pos, &vc))
		return;
	/* libvterm marks the right half of a wide character with -1. */
	if (vc.chars[0] == (uint32_t)-1) {
		c->width = 0;
	} else {
		/* libvterm copies up to the first 0 only. */
		for (i = 0;
		     i < VTERM_MAX_CHARS_PER_CELL && i < 6 && vc.chars[i] != 0;
		     i++)
			c->ch[i] = vc.chars[i];
		c->width = vc.width == 2 ? 2 : 1;
	}
	if (vc.attrs.bold)
		c->attrs |= SR_CA_BOLD;
	if (vc.attrs.underline)
		c->attrs |= SR_CA_UNDERLINE;
	if (vc.attrs.italic)
		c->attrs |= SR_CA_ITALIC;
	if (vc.attrs.blink)
		c->attrs |= SR_CA_BLINK;
	if (vc.attrs.reverse)
		c->attrs |= SR_CA_REVERSE;
	if (vc.attrs.strike)
		c->attrs |= SR_CA_STRIKE;
	conv_color(&vc.fg, VTERM_COLOR_IS_DEFAULT_FG(&vc.fg), &c->fg);
	conv_color(&vc.bg, VTERM_COLOR_IS_DEFAULT_BG(&vc.bg), &c->bg);
}

void
sr_screen_cursor(const struct sr_screen *s, unsigned *row, unsigned *col,
    int *visible)
{
	/* A shrink may leave the last reported position outside. */
	if (row != NULL)
		*row = s->crow < s->rows ? s->crow : s->rows - 1;
	if (col != NULL)
		*col = s->ccol < s->cols ? s->ccol : s->cols - 1;
	if (visible != NULL)
		*visible = s->cvisible;
}

int
sr_screen_altscreen(const struct sr_screen *s)
{
	return (s->alt);
}

uint64_t
sr_screen_replies(const struct sr_screen *s)
{
	return (s->replies);
}

void
sr_screen_set_onlcr(struct sr_screen *s, int on)
{
	s->onlcr = on != 0;
}

/*
 * A row's cells as UTF-8, trailing blanks cut, into line.  Every code
 * point goes through sr_cp_safe(), as the player draws it: what must
 * not reach a terminal (C0, DEL, C1, bidi and other format controls,
 * noncharacters, surrogates, values past U+10FFFF) is U+FFFD, a
 * combining one included; everything else, '\\' too, is as shown.
 */
static int
row_utf8(const struct sr_screen *s, unsigned row, struct sr_buf *line)
{
	unsigned char tmp[6 * 4];
	struct sr_cell c;
	size_t n, i;
	unsigned col;
	int r = SR_E_NONE;

	sr_buf_reset(line);
	for (col = 0; col < s->cols && r == SR_E_NONE; col++) {
		sr_screen_cell(s, row, col, &c);
		if (c.width == 0)
			continue; /* wide characters once */
		if (c.ch[0] == 0) {
			r = sr_buf_putc(line, ' ');
			continue;
		}
		for (i = n = 0; i < 6 && c.ch[i] != 0; i++)
			n += sr_utf8_put(tmp + n, sr_cp_safe(c.ch[i]));
		r = sr_buf_append(line, tmp, n);
	}
	while (line->len > 0 && line->data[line->len - 1] == ' ')
		line->len--;
	return (r);
}

int
sr_screen_text(const struct sr_screen *s, struct sr_buf *b)
{
	struct sr_buf line;
	size_t start = b->len;
	unsigned row, empty = 0;
	int r = SR_E_NONE;

	/* A row is at most 1000 cells of 6 code points of 4 bytes. */
	sr_buf_init(&line, (size_t)SR_SCREEN_MAX * 6 * 4 + 1);
	for (row = 0; row < s->rows && r == SR_E_NONE; row++) {
		if ((r = row_utf8(s, row, &line)) != SR_E_NONE)
			break;
		if (line.len == 0) {
			empty++; /* written only if a later row has text */
			continue;
		}
		for (; empty > 0 && r == SR_E_NONE; empty--)
			r = sr_buf_putc(b, '\n');
		if (r == SR_E_NONE)
			r = sr_buf_append(b, line.data, line.len);
		if (r == SR_E_NONE)
			r = sr_buf_putc(b, '\n');
	}
	sr_buf_release(&line);
	if (r != SR_E_NONE) {
		b->len = start;
		if (b->cap != 0)
			b->data[start] = '\0';
	}
	return (r);
}

uint32_t
sr_cp_safe(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || cp > 0x10ffff)
		return (0xfffd);
	if (cp >= 0xd800 && cp <= 0xdfff)
		return (0xfffd); /* surrogates */
	if ((cp & 0xfffe) == 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef))
		return (0xfffd); /* noncharacters */
	if (sr_cp_hidden(cp))
		return (0xfffd); /* C1, bidi and other format controls */
	return (cp);
}

uint64_t
sr_screen_damage(const struct sr_screen *s)
{
	return (s->damage);
}

void
sr_screen_reset(struct sr_screen *s, unsigned rows, unsigned cols)
{
	s->rows = clamp_dim(rows, 1);
	s->cols = clamp_dim(cols, 2);
	s->nstage = 0;
	if (vt_open(s) != 0) {
		/* No memory for a new emulator: this one, reset in place. */
		if (s->pf == PF_OSC)
			vterm_input_write(s->vt, "\033\\", 2);
		vterm_input_write(s->vt, "\033[?1047l", 8);
		vterm_set_size(s->vt, (int)s->rows, (int)s->cols);
		vterm_screen_reset(s->vs, 1);
	}
	track_reset(s);
}

/*
 * Snapshot encoding.  A grid lists a screen's cells row by row as
 * items: runs of blank cells, pen changes, line attributes and glyphs
 * (a code point, 1 or 2 bytes for most text, after modifiers for wide
 * and combining ones).  The right half of a wide character is implied,
 * its pen stored only when not the default.  Cells are read through
 * vterm_screen_get_cell() and never as libvterm's own structures.
 */
struct enc {
	struct sr_buf *b;
	unsigned char tmp[256];
	size_t n;
	int r;
};

static void
enc_flush(struct enc *e)
{
	if (e->n > 0 && e->r == SR_E_NONE)
		e->r = sr_buf_append(e->b, e->tmp, e->n);
	e->n = 0;
}

static void
enc_room(struct enc *e, size_t k)
{
	if (e->n + k > sizeof(e->tmp))
		enc_flush(e);
}

static void
enc_byte(struct enc *e, unsigned c)
{
	enc_room(e, 1);
	e->tmp[e->n++] = (unsigned char)c;
}

static void
enc_varint(struct enc *e, uint64_t v)
{
	enc_room(e, 10);
	for (; v >= 0x80; v >>= 7)
		e->tmp[e->n++] = (unsigned char)(v | 0x80);
	e->tmp[e->n++] = (unsigned char)v;
}

static void
enc_color(struct enc *e, uint8_t kind, const uint8_t *v)
{
	if (kind == 1)
		enc_byte(e, v[0]);
	else if (kind == 2) {
		enc_byte(e, v[0]);
		enc_byte(e, v[1]);
		enc_byte(e, v[2]);
	}
}

static void
enc_pen(struct enc *e, const struct pen *p)
{
	enc_byte(e, p->attrs | (p->font != 0 ? PA_FONT : 0));
	enc_byte(e, (unsigned)(p->fgk | p->bgk << 4));
	enc_color(e, p->fgk, p->fg);
	enc_color(e, p->bgk, p->bg);
	if (p->font != 0)
		enc_byte(e, p->font);
}

/* Code points no UTF-8 can carry are stored as U+FFFD. */
static uint32_t
cp_norm(uint32_t cp)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0xfffd);
	return (cp);
}

static void
enc_blanks(struct enc *e, uint64_t *n)
{
	if (*n > 0) {
		enc_varint(e, G_BLANK);
		enc_varint(e, *n);
		*n = 0;
	}
}

/* Appends the shown buffer's grid to b. */
static int
encode_grid(const struct sr_screen *s, struct sr_buf *b)
{
	struct enc e;
	struct pen cur, p, hp;
	VTermScreenCell vc, half;
	VTermPos pos;
	const VTermLineInfo *li;
	uint64_t blanks = 0;
	unsigned k, i;
	int skip;

	e.b = b;
	e.n = 0;
	e.r = SR_E_NONE;
	pen_default(&cur);
	for (pos.row = 0; pos.row < (int)s->rows; pos.row++) {
		li = vterm_state_get_lineinfo(s->vst, pos.row);
		if (li != NULL && (li->doublewidth || li->doubleheight)) {
			enc_blanks(&e, &blanks);
			enc_varint(&e, G_LINE);
			enc_byte(&e,
			    (unsigned)(li->doublewidth |
				(li->doubleheight & 3) << 1));
		}
		skip = 0;
		for (pos.col = 0; pos.col < (int)s->cols; pos.col++) {
			if (skip) {
				skip = 0; /* a wide character's right half */
				continue;
			}
			memset(&vc, 0, sizeof(vc));
			vterm_screen_get_cell(s->vs, pos, &vc);
			cell_pen(s, &vc, &p);
			if (!pen_eq(&p, &cur)) {
				enc_blanks(&e, &blanks);
				enc_varint(&e, G_PEN);
				enc_pen(&e, &p);
				cur = p;
			}
			/* A right half alone or a left half cut: blank. */
			if (vc.chars[0] == 0 || vc.chars[0] == (uint32_t)-1 ||
			    (vc.width == 2 && pos.col + 1 >= (int)s->cols)) {
				blanks++;
				continue;
			}
			enc_blanks(&e, &blanks);
			for (k = 1;
			     k < VTERM_MAX_CHARS_PER_CELL && vc.chars[k] != 0;
			     k++)
				continue;
			if (k > 1) {
				enc_varint(&e, G_COMB);
				enc_varint(&e, k - 1);
				for (i = 1; i < k; i++)
					enc_varint(&e, cp_norm(vc.chars[i]));
			}
			if (vc.width == 2) {
				/*
				 * libvterm leaves the right half's pen as it
				 * was: kept unless the default.
				 */
				pos.col++;
				memset(&half, 0, sizeof(half));
				vterm_screen_get_cell(s->vs, pos, &half);
				pos.col--;
				cell_pen(s, &half, &hp);
				if (!pen_eq(&hp, &(struct pen){ 0 })) {
					enc_varint(&e, G_HALF);
					enc_pen(&e, &hp);
				}
				enc_varint(&e, G_WIDE);
				skip = 1;
			}
			enc_varint(&e, G_CP0 + (uint64_t)cp_norm(vc.chars[0]));
		}
	}
	enc_blanks(&e, &blanks);
	enc_flush(&e);
	return (e.r);
}

/* The unfinished escape sequence and UTF-8 bytes, as bytes to feed. */
static size_t
pending_tail(const struct sr_screen *s, unsigned char *t)
{
	size_t n = 0;
	unsigned i;

	switch (s->pf) {
	case PF_ESC:
		t[n++] = 0x1b;
		break;
	case PF_ESCI:
		t[n++] = 0x1b;
		for (i = 0; i < s->ninter; i++)
			t[n++] = s->inter[i];
		if (s->bad)
			t[n++] = ' ';
		break;
	case PF_CSI:
		t[n++] = 0x1b;
		t[n++] = '[';
		if (s->bad) {
			t[n++] = '<'; /* stays bad */
			t[n++] = '<';
			break;
		}
		if (s->leader != 0)
			t[n++] = s->leader;
		for (i = 0; i < s->nargs; i++) {
			if (s->argset[i])
				n = put_num(t, n, s->arg[i]);
			if (i + 1 < s->nargs)
				t[n++] = s->argsep[i];
		}
		for (i = 0; i < s->ninter; i++)
			t[n++] = s->inter[i];
		break;
	case PF_OSC:
		t[n++] = 0x1b;
		t[n++] = ']';
		break;
	case PF_STR:
		t[n++] = 0x1b;
		t[n++] = 'P';
		break;
	default:
		break;
	}
	memcpy(t + n, s->pend, s->npend);
	return (n + s->npend);
}

int
sr_screen_snapshot(const struct sr_screen *s, struct sr_buf *b)
{
	struct enc e;
	struct pen pen;
	VTermPos pos;
	unsigned char tail[TAIL_MAX];
	size_t start = b->len, ntail, i;
	unsigned flags = 0, top = s->m.top, bot = s->m.bot, crow, ccol;

	e.b = b;
	e.n = 0;
	e.r = SR_E_NONE;
	vterm_state_get_cursorpos(s->vst, &pos);
	crow = pos.row < 0 ? 0 : (unsigned)pos.row;
	ccol = pos.col < 0 ? 0 : (unsigned)pos.col;
	if (crow >= s->rows)
		crow = s->rows - 1;
	if (ccol >= s->cols)
		ccol = s->cols - 1;
	flags |= s->alt ? F_ALT : 0;
	flags |= s->cvisible ? F_CVIS : 0;
	flags |= s->m.origin ? F_ORIGIN : 0;
	flags |= s->m.autowrap ? F_AUTOWRAP : 0;
	flags |= s->m.insert ? F_INSERT : 0;
	flags |= s->m.newline ? F_NEWLINE : 0;
	flags |= s->m.reverse ? F_REVERSE : 0;
	if (s->phantom && s->phrow == crow && s->phcol == ccol)
		flags |= F_PHANTOM;
	flags |= s->alt && s->prim_valid ? F_PRIMARY : 0;
	flags |= s->saved.visible ? F_SAVEDVIS : 0;
	flags |= s->saved.valid ? F_SAVED : 0;
	flags |= s->onlcr ? F_ONLCR : 0;
	if (bot > s->rows)
		bot = s->rows;
	if (top + 2 > bot)
		top = bot = 0;

	for (i = 0; i < sizeof(SNAP_MAGIC) - 1; i++)
		enc_byte(&e, (unsigned char)SNAP_MAGIC[i]);
	enc_byte(&e, SNAP_VERSION);
	enc_varint(&e, s->rows);
	enc_varint(&e, s->cols);
	enc_varint(&e, flags);
	enc_byte(&e, s->m.gl);
	for (i = 0; i < 4; i++)
		enc_byte(&e, (unsigned char)s->m.g[i]);
	enc_varint(&e, top);
	enc_varint(&e, bot);
	enc_varint(&e, crow);
	enc_varint(&e, ccol);
	state_pen(s, &pen);
	enc_pen(&e, &pen);
	enc_varint(&e, s->saved.row < s->rows ? s->saved.row : s->rows - 1);
	enc_varint(&e, s->saved.col < s->cols ? s->saved.col : s->cols - 1);
	enc_pen(&e, &s->saved.pen);
	enc_flush(&e);
	if (e.r == SR_E_NONE && (flags & F_PRIMARY))
		e.r = sr_buf_append(b, s->prim.data, s->prim.len);
	if (e.r == SR_E_NONE)
		e.r = encode_grid(s, b);
	ntail = pending_tail(s, tail);
	enc_varint(&e, ntail);
	for (i = 0; i < ntail; i++)
		enc_byte(&e, tail[i]);
	enc_flush(&e);
	if (e.r != SR_E_NONE) {
		b->len = start;
		if (b->cap != 0)
			b->data[start] = '\0';
	}
	return (e.r);
}

/* Reading a snapshot: every read checked, the first failure sticks. */
struct rd {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t
rd_varint(struct rd *r)
{
	uint64_t v = 0;
	unsigned sh = 0;
	unsigned char c;

	do {
		if (r->p >= r->end || sh > 63) {
			r->bad = 1;
			return (0);
		}
		c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << sh;
		sh += 7;
	} while (c & 0x80);
	return (v);
}

/* A varint that must be at most max. */
static unsigned
rd_uint(struct rd *r, unsigned max)
{
	uint64_t v = rd_varint(r);

	if (v > max) {
		r->bad = 1;
		return (0);
	}
	return ((unsigned)v);
}

static unsigned
rd_byte(struct rd *r)
{
	if (r->p >= r->end) {
		r->bad = 1;
		return (0);
	}
	return (*r->p++);
}

static void
rd_color(struct rd *r, uint8_t kind, uint8_t *v)
{
	if (kind == 1)
		v[0] = (uint8_t)rd_byte(r);
	else if (kind == 2) {
		v[0] = (uint8_t)rd_byte(r);
		v[1] = (uint8_t)rd_byte(r);
		v[2] = (uint8_t)rd_byte(r);
	}
}

static void
rd_pen(struct rd *r, struct pen *p)
{
	unsigned a, k;

	pen_default(p);
	a = rd_byte(r);
	k = rd_byte(r);
	p->attrs = (uint8_t)(a & ~PA_FONT);
	p->fgk = (uint8_t)(k & 15);
	p->bgk = (uint8_t)(k >> 4);
	if (p->fgk > 2 || p->bgk > 2) {
		r->bad = 1;
		return;
	}
	rd_color(r, p->fgk, p->fg);
	rd_color(r, p->bgk, p->bg);
	if (a & PA_FONT) {
		p->font = (uint8_t)rd_byte(r);
		if (p->font == 0 || p->font > 9)
			r->bad = 1;
	}
}

/* Writing synthetic output into the emulator during a restore. */
struct emit {
	struct sr_screen *s;
	struct pen pen; /* as last set */
	int known;	/* the cursor is at (kr, kc) */
	int erase_next; /* (kr, kc) must be written, even blank */
	unsigned kr, kc;
};

static void
em_cup(struct emit *x, unsigned row, unsigned col)
{
	unsigned char b[16];
	size_t n = 0;

	b[n++] = 0x1b;
	b[n++] = '[';
	n = put_num(b, n, row + 1);
	b[n++] = ';';
	n = put_num(b, n, col + 1);
	b[n++] = 'H';
	stage(x->s, b, n);
	x->known = 1;
	x->kr = row;
	x->kc = col;
}

static size_t
put_color(unsigned char *b, size_t n, uint8_t kind, const uint8_t *v, int bg)
{
	if (kind == 1 && v[0] < 16) {
		b[n++] = ';';
		n = put_num(b, n,
		    (unsigned)(v[0] < 8 ? (bg ? 40 : 30) + v[0]
					: (bg ? 100 : 90) + v[0] - 8));
	} else if (kind == 1) {
		memcpy(b + n, bg ? ";48;5;" : ";38;5;", 6);
		n = put_num(b, n + 6, v[0]);
	} else if (kind == 2) {
		memcpy(b + n, bg ? ";48;2;" : ";38;2;", 6);
		n = put_num(b, n + 6, v[0]);
		b[n++] = ';';
		n = put_num(b, n, v[1]);
		b[n++] = ';';
		n = put_num(b, n, v[2]);
	}
	return (n);
}

/* SGR for a pen: two sequences, each well under 16 parameters. */
static void
em_pen(struct emit *x, const struct pen *p)
{
	static const char *const ul[4] = { "", ";4", ";21", ";4:3" };
	unsigned char b[64];
	size_t n = 0, k;

	if (pen_eq(p, &x->pen))
		return;
	memcpy(b, "\033[0", 3);
	n = 3;
	if (p->attrs & PA_BOLD)
		b[n++] = ';', b[n++] = '1';
	if (p->attrs & PA_ITALIC)
		b[n++] = ';', b[n++] = '3';
	if (p->attrs & PA_BLINK)
		b[n++] = ';', b[n++] = '5';
	if (p->attrs & PA_REVERSE)
		b[n++] = ';', b[n++] = '7';
	if (p->attrs & PA_STRIKE)
		b[n++] = ';', b[n++] = '9';
	memcpy(b + n, ul[p->attrs >> PA_ULSHIFT & 3],
	    strlen(ul[p->attrs >> PA_ULSHIFT & 3]));
	n += strlen(ul[p->attrs >> PA_ULSHIFT & 3]);
	if (p->font != 0) {
		b[n++] = ';';
		n = put_num(b, n, 10u + p->font);
	}
	b[n++] = 'm';
	if (p->fgk != 0 || p->bgk != 0) {
		/* put_color() starts with ';': its place is taken by '['. */
		b[n++] = 0x1b;
		k = n;
		n = put_color(b, n, p->fgk, p->fg, 0);
		n = put_color(b, n, p->bgk, p->bg, 1);
		b[k] = '[';
		b[n++] = 'm';
	}
	stage(x->s, b, n);
	x->pen = *p;
}

/* A code point safe to feed libvterm as UTF-8 text. */
static uint32_t
cp_feed(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return (0xfffd);
	return (cp);
}

static void
em_cp(struct emit *x, uint32_t cp)
{
	unsigned char b[4];

	stage(x->s, b, sr_utf8_put(b, cp_feed(cp)));
}

static void
em_str(struct emit *x, const char *str)
{
	stage(x->s, str, strlen(str));
}

/*
 * Code points libvterm 0.1.4 surely draws one cell wide, or two: the
 * common ones.  Other glyphs are checked or followed by a cursor move,
 * so that its own idea of their width decides, as it did when they
 * were first drawn.
 */
static int
cp_narrow(uint32_t cp)
{
	return ((cp >= 0x20 && cp < 0x7f) ||
	    (cp >= 0xa0 && cp < 0x300 && cp != 0xad) ||
	    (cp >= 0x2500 && cp < 0x25a0));
}

static int
cp_wide(uint32_t cp)
{
	return ((cp >= 0x3041 && cp < 0x3097) ||
	    (cp >= 0x30a1 && cp < 0x30fb) || (cp >= 0x4e00 && cp < 0xa000) ||
	    (cp >= 0xac00 && cp < 0xd7a4) || (cp >= 0xff01 && cp < 0xff61));
}

static void
em_chars(struct emit *x, uint32_t cp, const uint32_t *comb, unsigned ncomb)
{
	unsigned i;

	em_cp(x, cp);
	for (i = 0; i < ncomb; i++)
		em_cp(x, comb[i]);
}

/*
 * One glyph of a grid.  A cell holding a wide character's left half
 * whose right half was overwritten is stored narrow, a narrow glyph
 * written over a wide one's left half is stored wide (libvterm reads
 * a cell's width from the cell after it): both are drawn the way they
 * came about.
 */
static void
em_glyph(struct emit *x, unsigned row, unsigned col, const struct pen *pen,
    uint32_t cp, int wide, const uint32_t *comb, unsigned ncomb)
{
	struct sr_screen *s = x->s;
	VTermScreenCell vc;
	VTermPos pos;

	if (!x->known || x->kr != row || x->kc != col)
		em_cup(x, row, col);
	em_pen(x, pen);
	em_chars(x, cp, comb, ncomb);
	x->known = !wide && ncomb == 0 && cp_narrow(cp) && col + 1 < s->cols;
	x->erase_next = !wide && !x->known && col + 1 < s->cols;
	x->kr = row;
	x->kc = col + 1;
	if (!wide || cp_wide(cp))
		return;
	flush(s);
	pos.row = (int)row;
	pos.col = (int)col + 1;
	memset(&vc, 0, sizeof(vc));
	if (vterm_screen_get_cell(s->vs, pos, &vc) &&
	    vc.chars[0] != (uint32_t)-1) {
		/* Drawn narrow: a wide one first, then this over it. */
		em_cup(x, row, col);
		em_cp(x, 0x4e00);
		em_cup(x, row, col);
		em_chars(x, cp, comb, ncomb);
	}
	x->known = 0;
}

/*
 * Draws a grid of grows x gcols cells (clipped to the screen); 0 when
 * the bytes are not a grid.
 */
static int
grid_restore(struct emit *x, struct rd *r, unsigned grows, unsigned gcols)
{
	struct sr_screen *s = x->s;
	struct pen pen, hpen;
	uint64_t total = (uint64_t)grows * gcols, at = 0, v, n;
	uint32_t comb[VTERM_MAX_CHARS_PER_CELL];
	unsigned row, col, w, ncomb = 0, i, info;
	int wide = 0, half = 0;
	unsigned char b[16];
	size_t k;

	pen_default(&pen);
	while (at < total && !r->bad) {
		v = rd_varint(r);
		row = (unsigned)(at / gcols);
		col = (unsigned)(at % gcols);
		switch (v) {
		case G_BLANK:
			n = rd_varint(r);
			if (n == 0 || n > total - at || wide || half ||
			    ncomb != 0)
				return (0);
			if (x->erase_next && x->kr == row && x->kc == col &&
			    col < s->cols && pen_eq(&pen, &(struct pen){ 0 })) {
				/* The glyph before may have spread into it. */
				em_cup(x, row, col);
				em_pen(x, &pen);
				em_str(x, "\033[X");
			}
			x->erase_next = 0;
			for (; n > 0 && !pen_eq(&pen, &(struct pen){ 0 });) {
				/* Blanks in a pen: erased in it, row by row. */
				row = (unsigned)(at / gcols);
				col = (unsigned)(at % gcols);
				w = gcols - col < n ? gcols - col : (unsigned)n;
				if (row < s->rows && col < s->cols) {
					em_cup(x, row, col);
					em_pen(x, &pen);
					k = 0;
					b[k++] = 0x1b;
					b[k++] = '[';
					k = put_num(b, k,
					    w < s->cols - col ? w
							      : s->cols - col);
					b[k++] = 'X';
					stage(s, b, k);
				}
				at += w;
				n -= w;
			}
			at += n;
			break;
		case G_PEN:
			rd_pen(r, &pen);
			break;
		case G_LINE:
			info = rd_byte(r);
			if (col != 0 || info > 5 || info == 0 ||
			    (info & 6) == 6)
				return (0);
			if (row < s->rows) {
				em_cup(x, row, 0);
				b[0] = 0x1b;
				b[1] = '#';
				b[2] = (unsigned char)(info >> 1 == 1 ? '3'
					: info >> 1 == 2	      ? '4'
								      : '6');
				stage(s, b, 3);
				x->known = 0;
			}
			break;
		case G_HALF:
			if (half)
				return (0);
			rd_pen(r, &hpen);
			half = 1;
			break;
		case G_WIDE:
			if (wide)
				return (0);
			wide = 1;
			break;
		case G_COMB:
			n = rd_varint(r);
			if (ncomb != 0 || n == 0 ||
			    n >= VTERM_MAX_CHARS_PER_CELL)
				return (0);
			for (i = 0; i < n; i++)
				comb[i] = (uint32_t)rd_uint(r, 0x10ffff);
			ncomb = (unsigned)n;
			break;
		default:
			if (v < G_CP0 || v > G_CP0 + (uint64_t)0x10ffff)
				return (0);
			w = wide ? 2 : 1;
			if (col + w > gcols)
				return (0);
			if (half && !wide)
				return (0);
			if (half && row < s->rows && col + w <= s->cols) {
				/* The right half's pen, put there first. */
				em_cup(x, row, col + 1);
				em_pen(x, &hpen);
				em_str(x, "\033[X");
				x->known = 0;
			}
			if (row < s->rows && col + w <= s->cols)
				em_glyph(x, row, col, &pen,
				    (uint32_t)(v - G_CP0), wide, comb, ncomb);
			at += w;
			wide = 0;
			half = 0;
			ncomb = 0;
			break;
		}
	}
	return (!r->bad && at == total && !wide && !half && ncomb == 0);
}

/* Draws again the glyph under the cursor, so that a wrap is pending. */
static int
em_phantom(struct emit *x, unsigned row, unsigned col)
{
	struct sr_screen *s = x->s;
	VTermScreenCell vc;
	VTermPos pos;
	struct pen p;
	unsigned i;

	flush(s); /* the grid, drawn */
	pos.row = (int)row;
	pos.col = (int)col;
	memset(&vc, 0, sizeof(vc));
	if (!vterm_screen_get_cell(s->vs, pos, &vc) ||
	    vc.chars[0] == (uint32_t)-1)
		return (0);
	cell_pen(s, &vc, &p);
	if (vc.chars[0] == 0 && col + 1 == s->cols) {
		/* Erased since (EL keeps the wrap): drawn, then erased. */
		em_pen(x, &p);
		em_str(x, " \033[X");
		return (1);
	}
	if (vc.chars[0] == 0 || col + (unsigned)vc.width != s->cols)
		return (0);
	em_pen(x, &p);
	for (i = 0; i < VTERM_MAX_CHARS_PER_CELL && vc.chars[i] != 0; i++)
		em_cp(x, vc.chars[i]);
	return (1);
}

int
sr_screen_restore(struct sr_screen *s, const void *data, size_t len)
{
	struct rd r;
	struct emit x;
	struct modes m;
	struct saved sv;
	struct pen pen;
	unsigned rows, cols, flags, crow, ccol, prows, pcols, i, ntail, version;
	int phantom;
	const unsigned char *pstart = NULL, *pstop = NULL, *tail;
	unsigned char b[16];
	size_t n;

	r.p = data;
	r.end = r.p + len;
	r.bad = 0;
	if (len < sizeof(SNAP_MAGIC) ||
	    memcmp(data, SNAP_MAGIC, sizeof(SNAP_MAGIC) - 1) != 0)
		goto bad;
	/* Version 1 is version 2 without F_ONLCR. */
	version = r.p[sizeof(SNAP_MAGIC) - 1];
	if (version != 1 && version != SNAP_VERSION)
		goto bad;
	r.p += sizeof(SNAP_MAGIC);
	rows = rd_uint(&r, SR_SCREEN_MAX);
	cols = rd_uint(&r, SR_SCREEN_MAX);
	flags = rd_uint(&r, version == 1 ? F_ALL_V1 : F_ALL);
	modes_reset(&m);
	m.gl = (uint8_t)rd_byte(&r);
	for (i = 0; i < 4; i++) {
		m.g[i] = (char)rd_byte(&r);
		if (m.g[i] != 'B' && m.g[i] != '0' && m.g[i] != 'A')
			goto bad;
	}
	m.top = rd_uint(&r, SR_SCREEN_MAX);
	m.bot = rd_uint(&r, SR_SCREEN_MAX);
	crow = rd_uint(&r, SR_SCREEN_MAX);
	ccol = rd_uint(&r, SR_SCREEN_MAX);
	rd_pen(&r, &pen);
	memset(&sv, 0, sizeof(sv));
	sv.row = rd_uint(&r, SR_SCREEN_MAX);
	sv.col = rd_uint(&r, SR_SCREEN_MAX);
	rd_pen(&r, &sv.pen);
	if (r.bad || rows < 1 || cols < 2 || m.gl > 3 ||
	    (m.bot == 0 ? m.top != 0 : m.top + 2 > m.bot || m.bot > rows) ||
	    crow >= rows || ccol >= cols || sv.row >= rows || sv.col >= cols ||
	    ((flags & F_PRIMARY) && !(flags & F_ALT)))
		goto bad;
	m.origin = (flags & F_ORIGIN) != 0;
	m.autowrap = (flags & F_AUTOWRAP) != 0;
	m.insert = (flags & F_INSERT) != 0;
	m.newline = (flags & F_NEWLINE) != 0;
	m.reverse = (flags & F_REVERSE) != 0;
	sv.visible = (flags & F_SAVEDVIS) != 0;
	sv.valid = (flags & F_SAVED) != 0;

	sr_screen_reset(s, rows, cols);
	x.s = s;
	pen_default(&x.pen);
	x.known = 0;
	x.erase_next = 0;
	if (flags & F_PRIMARY) {
		pstart = r.p;
		prows = rd_uint(&r, SR_SCREEN_MAX);
		pcols = rd_uint(&r, SR_SCREEN_MAX);
		if (r.bad || prows < 1 || pcols < 2 ||
		    !grid_restore(&x, &r, prows, pcols))
			goto bad;
		pstop = r.p;
	}
	if (flags & F_ALT) {
		em_pen(&x, &(struct pen){ 0 });
		em_str(&x, "\033[?1047h");
		x.known = 0;
	}
	if (!grid_restore(&x, &r, rows, cols))
		goto bad;
	ntail = rd_uint(&r, TAIL_MAX);
	tail = r.p;
	if (r.bad || (size_t)(r.end - r.p) != ntail)
		goto bad;

	/* The DECSC slot, then the modes, the cursor and the pen. */
	if (sv.valid) {
		em_cup(&x, sv.row, sv.col);
		em_pen(&x, &sv.pen);
		em_str(&x, sv.visible ? "\033[?25h" : "\033[?25l");
		em_str(&x, "\0337");
	}
	if (m.bot != 0 && !(m.top == 0 && m.bot == rows)) {
		n = 0;
		b[n++] = 0x1b;
		b[n++] = '[';
		n = put_num(b, n, m.top + 1);
		b[n++] = ';';
		n = put_num(b, n, m.bot);
		b[n++] = 'r';
		stage(s, b, n);
	}
	if (m.origin)
		em_str(&x, "\033[?6h");
	if (m.origin && m.bot != 0)
		em_cup(&x,
		    crow < m.top	? 0
			: crow >= m.bot ? m.bot - m.top - 1
					: crow - m.top,
		    ccol);
	else
		em_cup(&x, crow, ccol);
	phantom = (flags & F_PHANTOM) && em_phantom(&x, crow, ccol);
	if (!m.autowrap)
		em_str(&x, "\033[?7l");
	if (m.insert)
		em_str(&x, "\033[4h");
	if (m.newline)
		em_str(&x, "\033[20h");
	if (m.reverse)
		em_str(&x, "\033[?5h");
	em_pen(&x, &pen);
	em_str(&x, flags & F_CVIS ? "\033[?25h" : "\033[?25l");
	for (i = 0; i < 4; i++) {
		if (m.g[i] != 'B') {
			b[0] = 0x1b;
			b[1] = (unsigned char)('(' + i);
			b[2] = (unsigned char)m.g[i];
			stage(s, b, 3);
		}
	}
	if (m.gl == 1)
		em_str(&x, "\016");
	else if (m.gl > 1)
		em_str(&x, m.gl == 2 ? "\033n" : "\033o");
	flush(s);
	s->m = m;
	s->saved = sv;
	s->onlcr = (flags & F_ONLCR) != 0;
	/* Restoring drew glyphs in the last column: only this one counts. */
	s->phantom = phantom;
	s->phrow = crow;
	s->phcol = ccol;
	if (pstart != NULL) {
		if (sr_buf_append(&s->prim, pstart, (size_t)(pstop - pstart)) ==
		    SR_E_NONE) {
			s->prim_valid = 1;
			s->prim_dirty = 0;
		}
	}
	if (ntail > 0)
		sr_screen_feed(s, tail, ntail);
	return (SR_OK);
bad:
	sr_screen_reset(s, s->rows, s->cols);
	return (SR_FAILED);
}
