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
 *
 * Feeding is one vterm_input_write() per call with no per-byte work of
 * our own, because play and grep push hundreds of megabytes through
 * here.  Geometry is clamped to SR_SCREEN_MAX so libvterm's allocations
 * stay bounded.  libvterm 0.1.4 (Debian 12) has no dim and no conceal
 * attribute, so SR_CA_DIM and SR_CA_CONCEAL are never set.
 *
 * libvterm 0.1.4 turns a UTF-8 sequence split across two
 * vterm_input_write() calls into U+FFFD when other text precedes it in
 * the first call, so a feed holds back an unfinished sequence at its end
 * (at most 5 bytes, looked at from the end only) and prepends it to the
 * next one.
 *
 * libvterm 0.1.4 also crashes on a CSI with more than 16 parameters, so
 * feeds pass a small guard: text runs are skipped with memchr() for ESC,
 * and inside a CSI the parameter bytes after the 16th are dropped (the
 * first part of the SECURITY.md S3 pre-filter; the rest is still to do).
 * DCS contents are dropped (ESC P and the final ESC \\ still pass):
 * libvterm 0.1.4 only answers them (DECRQSS), and its DECRQSS reply
 * code passes a NULL string to vsnprintf for unknown requests.
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

struct sr_screen {
	VTerm *vt;
	VTermScreen *vs;
	unsigned rows, cols;
	unsigned crow, ccol; /* cursor, from movecursor */
	int cvisible;
	int alt;
	uint64_t replies;
	unsigned char pend[8]; /* an unfinished UTF-8 sequence */
	size_t npend, need;    /* its bytes so far, its full length */
	int csi;	       /* 0 text, 1 after ESC, 2 CSI, 3 DCS */
	unsigned nsep;	       /* parameter separators in this CSI */
};

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

static int
cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
	struct sr_screen *s = user;

	(void)oldpos;
	(void)visible; /* libvterm passes the same as CURSORVISIBLE */
	s->crow = pos.row < 0 ? 0 : (unsigned)pos.row;
	s->ccol = pos.col < 0 ? 0 : (unsigned)pos.col;
	return (1);
}

static int
cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct sr_screen *s = user;

	switch (prop) {
	case VTERM_PROP_ALTSCREEN:
		s->alt = val->boolean != 0;
		break;
	case VTERM_PROP_CURSORVISIBLE:
		s->cvisible = val->boolean != 0;
		break;
	default:
		/* Titles, icon names, mouse modes: never forwarded. */
		break;
	}
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
	.movecursor = cb_movecursor,
	.settermprop = cb_settermprop,
};

struct sr_screen *
sr_screen_new(unsigned rows, unsigned cols)
{
	struct sr_screen *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	s->rows = clamp_dim(rows, 1);
	s->cols = clamp_dim(cols, 2);
	s->cvisible = 1;
	if ((s->vt = vterm_new((int)s->rows, (int)s->cols)) == NULL) {
		free(s);
		return (NULL);
	}
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, cb_output, s);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_enable_altscreen(s->vs, 1);
	vterm_screen_set_callbacks(s->vs, &screen_cbs, s);
	vterm_screen_reset(s->vs, 1);
	return (s);
}

void
sr_screen_free(struct sr_screen *s)
{
	if (s == NULL)
		return;
	vterm_free(s->vt);
	free(s);
}

/* The length of a UTF-8 sequence from its lead byte, as libvterm decodes. */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0xc0)
		return (1);
	if (c < 0xe0)
		return (2);
	if (c < 0xf0)
		return (3);
	if (c < 0xf8)
		return (4);
	if (c < 0xfc)
		return (5);
	return (6);
}

/* vterm_input_write() with CSI parameters capped at 16. */
static void
write_capped(struct sr_screen *s, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *run = p, *q;
	unsigned char c;

	while (p < end) {
		if (s->csi == 0) {
			if ((q = memchr(p, 0x1b, (size_t)(end - p))) == NULL)
				break;
			s->csi = 1;
			p = q + 1;
			continue;
		}
		if (s->csi == 3) {
			/* Drop DCS content up to the next ESC. */
			q = memchr(p, 0x1b, (size_t)(end - p));
			if (p > run)
				vterm_input_write(s->vt, (const char *)run,
				    (size_t)(p - run));
			run = q != NULL ? q : end;
			if (q == NULL)
				break;
			s->csi = 1;
			p = q + 1;
			continue;
		}
		c = *p;
		if (s->csi == 1) {
			if (c != 0x1b)
				s->csi = c == '[' ? 2 : c == 'P' ? 3 : 0;
			s->nsep = 0;
			p++;
			continue;
		}
		if (c >= 0x30 && c <= 0x3f) {
			if ((c == ';' || c == ':') && s->nsep < 16)
				s->nsep++;
			if (s->nsep >= 16) {
				/* Drop it: 16 parameters at most reach vterm. */
				if (p > run)
					vterm_input_write(s->vt,
					    (const char *)run,
					    (size_t)(p - run));
				run = p + 1;
			}
		} else if (c >= 0x40 && c <= 0x7e)
			s->csi = 0; /* final byte */
		else if (c == 0x1b) {
			s->csi = 1;
		} else if (c == 0x18 || c == 0x1a)
			s->csi = 0; /* CAN, SUB cancel */
		p++;
	}
	if (end > run)
		vterm_input_write(s->vt, (const char *)run,
		    (size_t)(end - run));
}

void
sr_screen_feed(struct sr_screen *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t k, n;

	if (len == 0)
		return;
	if (s->npend > 0) {
		/* Finish the held sequence, or give up on it. */
		for (k = 0;
		     k < len && s->npend < s->need && (p[k] & 0xc0) == 0x80;
		     k++)
			s->pend[s->npend++] = p[k];
		if (k == len && s->npend < s->need)
			return; /* still unfinished */
		write_capped(s, s->pend, s->npend);
		s->npend = 0;
		p += k;
		len -= k;
	}
	/* An unfinished sequence at the end waits for the next feed. */
	for (k = 1; k <= 5 && k <= len; k++) {
		if ((p[len - k] & 0xc0) == 0x80)
			continue;
		n = utf8_len(p[len - k]);
		if (n > k) {
			memcpy(s->pend, p + len - k, k);
			s->npend = k;
			s->need = n;
			len -= k;
		}
		break;
	}
	if (len > 0)
		write_capped(s, p, len);
}

void
sr_screen_resize(struct sr_screen *s, unsigned rows, unsigned cols)
{
	rows = clamp_dim(rows, 1);
	cols = clamp_dim(cols, 2);
	if (rows == s->rows && cols == s->cols)
		return;
	s->rows = rows;
	s->cols = cols;
	vterm_set_size(s->vt, (int)rows, (int)cols);
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

/*
 * Encodes a cell's code point as UTF-8.  Surrogates and values past
 * U+10FFFF (libvterm's decoder lets some through) come out as bytes that
 * are not valid UTF-8, which sr_str_escape() then writes as \xNN:
 * sr_utf8_put() follows the same bit pattern up to 2^21, and 0xff
 * stands for anything larger.
 */
static size_t
put_cp(unsigned char *p, uint32_t cp)
{
	if (cp < 0x200000)
		return (sr_utf8_put(p, cp));
	p[0] = 0xff; /* not UTF-8 at all */
	return (1);
}

/* A row's cells as UTF-8, trailing blanks cut, into line. */
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
			n += put_cp(tmp + n, c.ch[i]);
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
			r = sr_str_escape(b, line.data, line.len);
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

/* STUBS: helper A replaces these. */
uint32_t
sr_cp_safe(uint32_t cp)
{
	return (cp);
}

uint64_t
sr_screen_damage(const struct sr_screen *s)
{
	(void)s;
	return (0);
}

void
sr_screen_reset(struct sr_screen *s, unsigned rows, unsigned cols)
{
	sr_screen_resize(s, rows, cols);
	vterm_screen_reset(s->vs, 1);
}

int
sr_screen_snapshot(const struct sr_screen *s, struct sr_buf *b)
{
	(void)s;
	(void)b;
	return (SR_E_NOMEM);
}

int
sr_screen_restore(struct sr_screen *s, const void *p, size_t len)
{
	(void)p;
	(void)len;
	sr_screen_reset(s, s->rows, s->cols);
	return (SR_FAILED);
}
