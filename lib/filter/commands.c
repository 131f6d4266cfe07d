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
 * Commands (grep --commands): the command lines typed in a session.
 * Sources, best first:
 *
 * - Metadata (SR_CMDSRC_META): the command the recorder ran, from the
 *   session (sudo's runargv, asciicast's and script's command, the
 *   native header): argv joined with shell quoting, else the command
 *   field; once per session at time 0.
 * - Shell integration (SR_CMDSRC_OSC133): OSC 133;B marks where the
 *   prompt ends and 133;C where the command starts running; the command
 *   is the text drawn between them (continuation lines joined with
 *   "\n").  133;A and 133;D end a mark without a command.  Once a
 *   session shows 133;B or C, the two sources below are off for it, so
 *   that no command is found twice.  OSC 7 (file://host/path) keeps the
 *   working directory, percent-decoded (not reported yet: the callback
 *   has no place for it).
 * - Recorded input (SR_CMDSRC_INPUT): typed bytes (tty input; sudo's
 *   piped stdin is data, not typing) with line editing applied: BS and
 *   DEL delete a character, ^U the line, ^W a word, ^C cancels, CR or LF
 *   ends it; bracketed paste is taken literally.  Keys that the editing
 *   model cannot follow (arrows and other escape sequences, TAB
 *   completion, ^R search, ^A/^E/^K and the like) make the line
 *   "complex": its command is then the echoed line instead.
 * - Echo (SR_CMDSRC_ECHO): the output line the cursor was on when Enter
 *   came, from the column where typing began (the prompt cut off).
 *
 * A line ended by Enter waits in a small queue (typeahead: several lines
 * may be typed before their echo comes) until its fate is known.  A
 * simple line counts once its text showed on an output line, before or
 * after the Enter event (recorders order output and input of the same
 * instant either way; tlog puts the output first); a complex one takes
 * the first output line that ends after Enter.  At the next key, or the
 * end of the session, the lines still waiting are decided on the current
 * line.  A simple line whose text never showed (the program had echo off:
 * "read -s", a password prompt the recorder did not mask) is taken as a
 * secret and dropped, as is a line typed after a password prompt ("...
 * password for x: ") and any input the recorder withheld
 * (SR_EVF_MASKED).  Keys typed while a full-screen program holds the
 * alternate screen are not commands either.  Recordings without input
 * give commands only from metadata and OSC 133.
 *
 * The output line is a one-row model like textview's, simplified: code
 * points in cells, a cursor, CR, BS, TAB, CSI K, C, D, G, P, @, X and H
 * (column only), other sequences dropped; a wide character counts as one
 * column.  Everything is bounded (CMD_LINE_MAX cells or bytes) and
 * allocated once, in sr_cmdex_new().  Runs of printable ASCII are copied
 * into the line as a block; the state machine sees the rest byte by
 * byte (about 200 MB/s of ordinary terminal output).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

#define CMD_LINE_MAX 4096  /* cells of the output line, bytes of input */
#define CMD_OSC_MAX  4096  /* bytes of an OSC string kept */
#define CMD_TEXT_MAX 16384 /* bytes of one command */
#define CMD_NPARAM   8
#define CMD_QUEUE    8 /* lines typed ahead of their echo */

enum out_state {
	O_GROUND,
	O_ESC,
	O_CSI,
	O_OSC,
	O_OSC_ESC, /* ESC inside OSC: ST if '\' follows */
	O_STR,	   /* DCS, SOS, PM, APC */
	O_STR_ESC,
};

/* A line ended by Enter, waiting for its echo. */
struct pending {
	char text[CMD_LINE_MAX];
	size_t len;
	int complex;
	int seen;      /* simple: the text showed on an output line */
	int have_echo; /* complex: echo[] holds the line that ended */
	char echo[CMD_LINE_MAX];
	size_t echo_len;
	size_t col; /* where typing began */
	int64_t t;
};

enum in_state {
	I_GROUND,
	I_ESC,
	I_CSI,
	I_SS3,
};

struct sr_cmdex {
	sr_command_fn fn;
	void *arg;

	/* The output line. */
	uint32_t cells[CMD_LINE_MAX];
	size_t len, col;
	enum out_state os;
	unsigned params[CMD_NPARAM];
	int nparam;
	int priv; /* CSI private marker seen ('?') */
	uint32_t u8_cp;
	int u8_need;
	char osc[CMD_OSC_MAX];
	size_t osc_len;
	int alt; /* the alternate screen is shown */

	/* OSC 133. */
	int osc_mode;	       /* seen 133;B or C: the only live source */
	int osc_open;	       /* between B and C */
	size_t osc_col;	       /* column where the prompt ended */
	char cwd[1024];	       /* from OSC 7 */
	struct sr_buf osc_cmd; /* continuation lines so far */

	/* The input line. */
	char in[CMD_LINE_MAX];
	size_t in_len;
	enum in_state is;
	unsigned in_param;	  /* for ESC [ 200 ~ */
	int in_started;		  /* a key of this line was seen */
	int complex;		  /* a key the editing model cannot follow */
	int paste;		  /* inside bracketed paste */
	int secret;		  /* typed after a password prompt */
	size_t prompt_col;	  /* output column when typing began */
	int ended;		  /* the output line ended since the last key */
	char saved[CMD_LINE_MAX]; /* ... and was this (from prompt_col) */
	size_t saved_len;

	/* Lines ended by Enter, waiting for their echo. */
	struct pending q[CMD_QUEUE];
	size_t qhead, qlen;

	int64_t t;	    /* time of the event being handled */
	struct sr_buf text; /* scratch for a command */
};

struct sr_cmdex *
sr_cmdex_new(sr_command_fn fn, void *arg)
{
	struct sr_cmdex *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return (NULL);
	x->fn = fn;
	x->arg = arg;
	sr_buf_init(&x->osc_cmd, CMD_TEXT_MAX);
	sr_buf_init(&x->text, CMD_TEXT_MAX);
	/* Allocated now, so that events never allocate. */
	if (sr_buf_reserve(&x->osc_cmd, CMD_TEXT_MAX) != SR_E_NONE ||
	    sr_buf_reserve(&x->text, CMD_TEXT_MAX) != SR_E_NONE) {
		sr_cmdex_free(x);
		return (NULL);
	}
	return (x);
}

void
sr_cmdex_free(struct sr_cmdex *x)
{
	if (x == NULL)
		return;
	sr_buf_release(&x->osc_cmd);
	sr_buf_release(&x->text);
	free(x);
}

static void
reset(struct sr_cmdex *x)
{
	x->len = x->col = 0;
	x->os = O_GROUND;
	x->u8_need = 0;
	x->osc_len = 0;
	x->alt = 0;
	x->osc_mode = x->osc_open = 0;
	x->osc_col = 0;
	x->cwd[0] = '\0';
	sr_buf_reset(&x->osc_cmd);
	x->in_len = 0;
	x->is = I_GROUND;
	x->in_started = x->complex = x->paste = x->secret = 0;
	x->prompt_col = 0;
	x->ended = 0;
	x->qlen = 0;
	x->t = 0;
}

/* Emits text (trimmed of blanks; nothing when empty). */
static int
emit(struct sr_cmdex *x, const char *s, size_t n, int64_t t,
    enum sr_command_source src)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
		s++;
		n--;
	}
	while (
	    n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	if (n == 0 || x->fn == NULL)
		return (0);
	return (x->fn(x->arg, s, n, t, src));
}

/* Appends cells [from, len) of the output line to b as UTF-8. */
static void
line_text(const struct sr_cmdex *x, size_t from, struct sr_buf *b)
{
	unsigned char u[4];
	size_t i;

	for (i = from; i < x->len; i++) {
		if (x->cells[i] < 0x80) {
			if (sr_buf_putc(b, (int)x->cells[i]) != SR_E_NONE)
				return;
		} else if (sr_buf_append(b, u, sr_utf8_put(u, x->cells[i])) !=
		    SR_E_NONE)
			return;
	}
}

/* Case-blind search for w (lower case) in s[0..n). */
static int
has_word(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w), i, j;

	for (i = 0; i + wl <= n; i++) {
		for (j = 0; j < wl; j++)
			if ((s[i + j] | 0x20) != w[j])
				break;
		if (j == wl)
			return (1);
	}
	return (0);
}

/*
 * The output line so far is a password prompt: it ends in ':' or '?'
 * (and blanks) and names a secret, as in "[sudo] password for root: ".
 */
static int
password_prompt(struct sr_cmdex *x)
{
	static const char *const words[] = { "password", "passphrase",
		"passcode", "pin", "secret", "token", "verification code",
		"one-time", "otp" };
	size_t i, n;

	sr_buf_reset(&x->text);
	line_text(x, 0, &x->text);
	n = x->text.len;
	while (n > 0 && x->text.data[n - 1] == ' ')
		n--;
	if (n == 0 ||
	    (x->text.data[n - 1] != ':' && x->text.data[n - 1] != '?'))
		return (0);
	for (i = 0; i < nitems(words); i++)
		if (has_word(x->text.data, n, words[i]))
			return (1);
	return (0);
}

/* The text of a pending line shows in s[0..n) (blanks at its end aside). */
static int
echoed(const struct pending *p, const char *s, size_t n)
{
	size_t l = p->len;

	/* The shell may trim trailing blanks on echo ("ls  " shows "ls"). */
	while (l > 0 && p->text[l - 1] == ' ')
		l--;
	return (l == 0 || memmem(s, n, p->text, l) != NULL);
}

/*
 * Emits the pending lines whose fate is known, oldest first: a simple
 * line once its text showed, a complex one with the line that showed
 * when its Enter was handled.  With force (the next key, the session's
 * end) the rest are decided on the current line: a simple line that
 * never showed is dropped.
 */
static int
drain(struct sr_cmdex *x, int force)
{
	struct pending *p;
	int rc = 0;

	while (x->qlen > 0 && rc == 0) {
		p = &x->q[x->qhead];
		if (!force && !(p->complex ? p->have_echo : p->seen))
			break;
		if (p->complex) {
			sr_buf_reset(&x->text);
			if (p->have_echo)
				sr_buf_append(&x->text, p->echo, p->echo_len);
			else
				line_text(x, p->col <= x->len ? p->col : x->len,
				    &x->text);
			rc = emit(x, x->text.data, x->text.len, p->t,
			    SR_CMDSRC_ECHO);
		} else {
			if (!p->seen) {
				sr_buf_reset(&x->text);
				line_text(x, 0, &x->text);
				p->seen = echoed(p, x->text.data, x->text.len);
			}
			if (p->seen)
				rc = emit(x, p->text, p->len, p->t,
				    SR_CMDSRC_INPUT);
		}
		x->qhead = (x->qhead + 1) % CMD_QUEUE;
		x->qlen--;
	}
	return (rc);
}

/* An output line ended: it may be the echo of pending lines. */
static void
pending_line(struct sr_cmdex *x)
{
	struct pending *p;
	size_t i, from;

	if (x->qlen == 0)
		return;
	sr_buf_reset(&x->text);
	line_text(x, 0, &x->text);
	for (i = 0; i < x->qlen; i++) {
		p = &x->q[(x->qhead + i) % CMD_QUEUE];
		if (!p->complex && !p->seen)
			p->seen = echoed(p, x->text.data, x->text.len);
	}
	for (i = 0; i < x->qlen; i++) {
		p = &x->q[(x->qhead + i) % CMD_QUEUE];
		if (!p->complex || p->have_echo)
			continue;
		/* The first line to end after Enter: from the prompt on. */
		sr_buf_reset(&x->text);
		from = p->col <= x->len ? p->col : x->len;
		line_text(x, from, &x->text);
		p->echo_len = x->text.len < sizeof(p->echo) ? x->text.len
							    : sizeof(p->echo);
		memcpy(p->echo, x->text.data, p->echo_len);
		p->have_echo = 1;
		break;
	}
}

/* The output line. */

static void
put_cell(struct sr_cmdex *x, uint32_t cp)
{
	if (x->col >= CMD_LINE_MAX)
		return;
	while (x->len < x->col)
		x->cells[x->len++] = ' ';
	x->cells[x->col++] = cp;
	if (x->col > x->len)
		x->len = x->col;
}

static int
line_end(struct sr_cmdex *x)
{
	int rc;

	if (x->osc_open) {
		size_t from = x->osc_col <= x->len ? x->osc_col : x->len;

		line_text(x, from, &x->osc_cmd);
		sr_buf_putc(&x->osc_cmd, '\n');
		x->osc_col = 0;
	}
	pending_line(x);
	rc = drain(x, 0);
	/*
	 * The line that ends while a command is being typed is its echo,
	 * should Enter come after it (tlog orders the output of one
	 * millisecond before the input).
	 */
	if (x->in_started && !x->ended) {
		sr_buf_reset(&x->text);
		line_text(x, x->prompt_col <= x->len ? x->prompt_col : x->len,
		    &x->text);
		x->saved_len = x->text.len < sizeof(x->saved)
		    ? x->text.len
		    : sizeof(x->saved);
		memcpy(x->saved, x->text.data, x->saved_len);
		x->ended = 1;
	}
	/* As with onlcr ("\r\n"), which pipes and raw output lack. */
	x->len = 0;
	x->col = 0;
	return (rc);
}

static unsigned
param(const struct sr_cmdex *x, int i, unsigned def)
{
	if (i > x->nparam || x->params[i] == 0)
		return (def);
	return (x->params[i]);
}

static void
csi(struct sr_cmdex *x, int final)
{
	unsigned n = param(x, 0, 1), i, m;
	size_t k;

	if (x->priv) {
		if (final != 'h' && final != 'l')
			return;
		for (i = 0; i <= (unsigned)x->nparam && i < CMD_NPARAM; i++)
			if (x->params[i] == 1049 || x->params[i] == 1047 ||
			    x->params[i] == 47)
				x->alt = final == 'h';
		return;
	}
	switch (final) {
	case 'K':
		m = x->params[0];
		if (m == 0) {
			if (x->col < x->len)
				x->len = x->col;
		} else if (m == 1) {
			for (k = 0; k <= x->col && k < x->len; k++)
				x->cells[k] = ' ';
		} else
			x->len = 0;
		break;
	case 'J':
		if (x->params[0] >= 2)
			x->len = 0;
		break;
	case 'C':
		x->col = x->col + n < CMD_LINE_MAX ? x->col + n : CMD_LINE_MAX;
		break;
	case 'D':
		x->col = x->col > n ? x->col - n : 0;
		break;
	case 'G':
	case '`':
		x->col = n - 1 < CMD_LINE_MAX ? n - 1 : CMD_LINE_MAX;
		break;
	case 'H':
	case 'f':
		m = param(x, 1, 1);
		x->col = m - 1 < CMD_LINE_MAX ? m - 1 : CMD_LINE_MAX;
		break;
	case 'P':
		if (x->col < x->len) {
			if (n > x->len - x->col)
				n = (unsigned)(x->len - x->col);
			memmove(x->cells + x->col, x->cells + x->col + n,
			    (x->len - x->col - n) * sizeof(x->cells[0]));
			x->len -= n;
		}
		break;
	case '@':
		if (x->col < x->len) {
			if (n > CMD_LINE_MAX - x->len)
				n = (unsigned)(CMD_LINE_MAX - x->len);
			memmove(x->cells + x->col + n, x->cells + x->col,
			    (x->len - x->col) * sizeof(x->cells[0]));
			for (k = 0; k < n; k++)
				x->cells[x->col + k] = ' ';
			x->len += n;
		}
		break;
	case 'X':
		for (k = x->col; k < x->col + n && k < x->len; k++)
			x->cells[k] = ' ';
		break;
	}
}

/* An OSC string ended: 133 marks and 7. */
static int
osc(struct sr_cmdex *x)
{
	const char *s = x->osc, *p;
	size_t n = x->osc_len, i, o;
	int rc = 0, hi, lo;

	if (n >= 5 && memcmp(s, "133;", 4) == 0) {
		switch (s[4]) {
		case 'A':
			x->osc_open = 0;
			sr_buf_reset(&x->osc_cmd);
			break;
		case 'B':
			x->osc_mode = 1;
			x->osc_open = 1;
			x->osc_col = x->col;
			sr_buf_reset(&x->osc_cmd);
			/* Input typed before the mark is not a command. */
			x->qlen = 0;
			break;
		case 'C':
			x->osc_mode = 1;
			if (x->osc_open) {
				size_t from =
				    x->osc_col <= x->len ? x->osc_col : x->len;

				line_text(x, from, &x->osc_cmd);
				x->osc_open = 0;
				rc = emit(x, x->osc_cmd.data, x->osc_cmd.len,
				    x->t, SR_CMDSRC_OSC133);
				sr_buf_reset(&x->osc_cmd);
			}
			break;
		case 'D':
			x->osc_open = 0;
			break;
		}
		return (rc);
	}
	if (n >= 2 && s[0] == '7' && s[1] == ';') {
		/* file://host/path: keep the path, percent-decoded. */
		s += 2;
		n -= 2;
		if (n >= 7 && memcmp(s, "file://", 7) == 0) {
			p = memchr(s + 7, '/', n - 7);
			if (p == NULL)
				return (0);
			n -= (size_t)(p - s);
			s = p;
		}
		for (i = o = 0; i < n && o + 1 < sizeof(x->cwd); i++) {
			if (s[i] == '%' && i + 2 < n &&
			    (hi = sr_hexval(s[i + 1])) >= 0 &&
			    (lo = sr_hexval(s[i + 2])) >= 0 && (hi | lo) != 0) {
				x->cwd[o++] = (char)(hi << 4 | lo);
				i += 2;
			} else
				x->cwd[o++] = s[i];
		}
		x->cwd[o] = '\0';
	}
	return (0);
}

static int
feed_output(struct sr_cmdex *x, const unsigned char *p, size_t n)
{
	size_t i;
	unsigned char c;
	int rc;

	for (i = 0; i < n; i++) {
		c = p[i];
		/* CAN and SUB abort a sequence; ESC starts one anywhere. */
		if (x->os != O_GROUND && (c == 0x18 || c == 0x1a)) {
			x->os = O_GROUND;
			continue;
		}
		switch (x->os) {
		case O_GROUND:
			break;
		case O_ESC:
			if (c == '[') {
				x->os = O_CSI;
				x->nparam = 0;
				x->priv = 0;
				memset(x->params, 0, sizeof(x->params));
			} else if (c == ']') {
				x->os = O_OSC;
				x->osc_len = 0;
			} else if (c == 'P' || c == 'X' || c == '^' || c == '_')
				x->os = O_STR;
			else if (c >= 0x20 && c <= 0x2f)
				; /* intermediates: wait for the final */
			else if (c == 0x1b)
				;
			else
				x->os = O_GROUND;
			continue;
		case O_CSI:
			if (c >= '0' && c <= '9') {
				if (x->nparam < CMD_NPARAM &&
				    x->params[x->nparam] < 100000)
					x->params[x->nparam] =
					    x->params[x->nparam] * 10 +
					    (unsigned)(c - '0');
			} else if (c == ';' || c == ':') {
				if (x->nparam < CMD_NPARAM)
					x->nparam++;
			} else if (c >= '<' && c <= '?')
				x->priv = 1;
			else if (c >= 0x40 && c <= 0x7e) {
				if (x->nparam >= CMD_NPARAM)
					x->nparam = CMD_NPARAM - 1;
				csi(x, c);
				x->os = O_GROUND;
			} else if (c == 0x1b)
				x->os = O_ESC;
			continue;
		case O_OSC:
			if (c == 0x07) {
				x->os = O_GROUND;
				if ((rc = osc(x)) != 0)
					return (rc);
			} else if (c == 0x1b)
				x->os = O_OSC_ESC;
			else if (x->osc_len < sizeof(x->osc))
				x->osc[x->osc_len++] = (char)c;
			continue;
		case O_OSC_ESC:
			x->os = O_GROUND;
			if (c == '\\') {
				if ((rc = osc(x)) != 0)
					return (rc);
			} else if (c == '[' || c == ']') {
				/* A new sequence: redo this byte from ESC. */
				x->os = O_ESC;
				i--;
			}
			continue;
		case O_STR:
			if (c == 0x1b)
				x->os = O_STR_ESC;
			continue;
		case O_STR_ESC:
			x->os = c == '\\' ? O_GROUND : O_STR;
			continue;
		}

		/* Ground: a run of printable ASCII is copied in one go. */
		if (x->u8_need == 0 && c >= 0x20 && c < 0x7f) {
			size_t j = i + 1, k;

			while (j < n && p[j] >= 0x20 && p[j] < 0x7f)
				j++;
			if (x->col < CMD_LINE_MAX) {
				while (x->len < x->col)
					x->cells[x->len++] = ' ';
				k = j - i;
				if (k > CMD_LINE_MAX - x->col)
					k = CMD_LINE_MAX - x->col;
				for (; k > 0; k--)
					x->cells[x->col++] = p[i++];
				if (x->col > x->len)
					x->len = x->col;
			}
			i = j - 1;
			continue;
		}
		if (x->u8_need > 0) {
			if ((c & 0xc0) == 0x80) {
				x->u8_cp = x->u8_cp << 6 | (c & 0x3f);
				if (--x->u8_need == 0)
					put_cell(x, x->u8_cp);
				continue;
			}
			x->u8_need = 0;
			put_cell(x, 0xfffd);
		}
		if (c >= 0x20 && c < 0x7f) {
			put_cell(x, c);
			continue;
		}
		if (c >= 0xc2 && c <= 0xf4) {
			x->u8_need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
			x->u8_cp = c &
			    (c >= 0xf0		? 0x07
				    : c >= 0xe0 ? 0x0f
						: 0x1f);
			continue;
		}
		switch (c) {
		case 0x1b:
			x->os = O_ESC;
			break;
		case '\r':
			x->col = 0;
			break;
		case '\n':
		case 0x0b:
		case 0x0c:
			if ((rc = line_end(x)) != 0)
				return (rc);
			break;
		case '\b':
			if (x->col > 0)
				x->col--;
			break;
		case '\t':
			x->col = (x->col / 8 + 1) * 8;
			if (x->col > CMD_LINE_MAX)
				x->col = CMD_LINE_MAX;
			break;
		default:
			if (c >= 0x80)
				put_cell(x, 0xfffd);
			break;
		}
	}
	return (0);
}

/* The input line. */

static void
in_start(struct sr_cmdex *x)
{
	if (x->in_started)
		return;
	x->in_started = 1;
	x->prompt_col = x->col;
	x->secret = password_prompt(x);
}

static void
in_clear(struct sr_cmdex *x)
{
	x->in_len = 0;
	x->in_started = x->complex = x->paste = x->secret = 0;
	x->ended = 0;
}

static void
in_put(struct sr_cmdex *x, unsigned char c)
{
	in_start(x);
	if (x->in_len < sizeof(x->in))
		x->in[x->in_len++] = (char)c;
}

/* Deletes the last character (a whole UTF-8 sequence). */
static void
in_backspace(struct sr_cmdex *x)
{
	while (x->in_len > 0) {
		unsigned char c = (unsigned char)x->in[--x->in_len];

		if (c < 0x80 || c >= 0xc0)
			break;
	}
}

static void
in_word(struct sr_cmdex *x)
{
	while (x->in_len > 0 && x->in[x->in_len - 1] == ' ')
		x->in_len--;
	while (x->in_len > 0 && x->in[x->in_len - 1] != ' ')
		x->in_len--;
}

static int
in_enter(struct sr_cmdex *x)
{
	struct pending *p;
	int rc = 0;

	if (x->in_started && !x->alt && !x->osc_mode && !x->secret) {
		if (x->qlen == CMD_QUEUE && (rc = drain(x, 1)) != 0)
			return (rc);
		p = &x->q[(x->qhead + x->qlen) % CMD_QUEUE];
		memcpy(p->text, x->in, x->in_len);
		p->len = x->in_len;
		p->complex = x->complex;
		p->col = x->prompt_col;
		p->t = x->t;
		p->seen = p->have_echo = 0;
		if (x->ended) {
			/* The line already ended: saved[] was its echo. */
			if (p->complex) {
				memcpy(p->echo, x->saved, x->saved_len);
				p->echo_len = x->saved_len;
				p->have_echo = 1;
			} else
				p->seen = echoed(p, x->saved, x->saved_len);
		} else if (!p->complex) {
			sr_buf_reset(&x->text);
			line_text(x, 0, &x->text);
			p->seen = echoed(p, x->text.data, x->text.len);
		}
		x->qlen++;
	}
	in_clear(x);
	return (rc);
}

static int
feed_input(struct sr_cmdex *x, const unsigned char *p, size_t n)
{
	size_t i;
	unsigned char c;
	int rc;

	/* Lines entered before this key: decide them now. */
	if (n > 0 && (rc = drain(x, 1)) != 0)
		return (rc);
	for (i = 0; i < n; i++) {
		c = p[i];
		/* Any key but Enter: the echo is to come. */
		if (c != '\r' && c != '\n')
			x->ended = 0;
		switch (x->is) {
		case I_GROUND:
			break;
		case I_ESC:
			if (c == '[') {
				x->is = I_CSI;
				x->in_param = 0;
			} else if (c == 'O')
				x->is = I_SS3;
			else {
				/* Alt+key: a readline command. */
				x->is = I_GROUND;
				in_start(x);
				x->complex = 1;
			}
			continue;
		case I_CSI:
			if (c >= '0' && c <= '9') {
				if (x->in_param < 100000)
					x->in_param = x->in_param * 10 +
					    (unsigned)(c - '0');
			} else if (c >= 0x40 && c <= 0x7e) {
				x->is = I_GROUND;
				if (c == '~' && x->in_param == 200)
					x->paste = 1;
				else if (c == '~' && x->in_param == 201)
					x->paste = 0;
				else {
					in_start(x);
					x->complex = 1;
				}
			}
			continue;
		case I_SS3:
			x->is = I_GROUND;
			in_start(x);
			x->complex = 1;
			continue;
		}
		if (x->paste) {
			if (c == 0x1b)
				x->is = I_ESC;
			else if (c == '\r' || c == '\n')
				in_put(x, '\n');
			else if (c >= 0x20 || c == '\t')
				in_put(x, c);
			continue;
		}
		if (c >= 0x20 && c != 0x7f) {
			in_put(x, c);
			continue;
		}
		switch (c) {
		case '\r':
		case '\n':
			if ((rc = in_enter(x)) != 0)
				return (rc);
			break;
		case 0x0f: /* ^O: accept and fetch the next from history */
			in_start(x);
			x->complex = 1;
			if ((rc = in_enter(x)) != 0)
				return (rc);
			break;
		case '\b':
		case 0x7f:
			in_backspace(x);
			break;
		case 0x15: /* ^U */
			x->in_len = 0;
			break;
		case 0x17: /* ^W */
			in_word(x);
			break;
		case 0x03: /* ^C */
			in_clear(x);
			break;
		case 0x04: /* ^D: end of input on an empty line */
			if (x->in_len == 0)
				in_clear(x);
			else
				x->complex = 1;
			break;
		case 0x0c: /* ^L redraws; the line stays */
			break;
		case 0x1b:
			x->is = I_ESC;
			break;
		default:
			/* TAB, ^R, ^A, ^E, ^K, ^Y, ^P, ^N ... */
			in_start(x);
			x->complex = 1;
			break;
		}
	}
	return (0);
}

/* Metadata. */

static int
needs_quotes(const char *s)
{
	if (*s == '\0')
		return (1);
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"
			   "Z"
			   "0123456789_@%+=:,./-",
			*s) == NULL)
			return (1);
	return (0);
}

int
sr_cmdex_session(struct sr_cmdex *x, const struct sr_session *s)
{
	const char *a;
	size_t i;

	reset(x);
	if (s == NULL)
		return (0);
	sr_buf_reset(&x->text);
	if (s->argv != NULL && s->argc > 0) {
		for (i = 0; i < s->argc && s->argv[i] != NULL; i++) {
			if (i > 0)
				sr_buf_putc(&x->text, ' ');
			if (!needs_quotes(s->argv[i])) {
				sr_buf_append(&x->text, s->argv[i],
				    strlen(s->argv[i]));
				continue;
			}
			sr_buf_putc(&x->text, '\'');
			for (a = s->argv[i]; *a != '\0'; a++)
				if (*a == '\'')
					sr_buf_append(&x->text, "'\\''", 4);
				else
					sr_buf_putc(&x->text, *a);
			sr_buf_putc(&x->text, '\'');
		}
	} else if (s->field[SR_F_COMMAND] != NULL)
		sr_buf_append(&x->text, s->field[SR_F_COMMAND],
		    strlen(s->field[SR_F_COMMAND]));
	return (emit(x, x->text.data, x->text.len, 0, SR_CMDSRC_META));
}

int
sr_cmdex_event(struct sr_cmdex *x, const struct sr_event *ev)
{
	x->t = ev->t_ns;
	switch (ev->type) {
	case SR_EV_OUTPUT:
		return (feed_output(x, ev->data, ev->len));
	case SR_EV_INPUT:
		if (ev->stream == SR_STREAM_STDIN)
			return (0);
		if (ev->flags & SR_EVF_MASKED) {
			/* The whole line was withheld: no command. */
			int rc = drain(x, 1);

			in_clear(x);
			return (rc);
		}
		return (feed_input(x, ev->data, ev->len));
	default:
		return (0);
	}
}

int
sr_cmdex_flush(struct sr_cmdex *x)
{
	int rc;

	if ((rc = drain(x, 1)) != 0)
		return (rc);
	if (x->osc_open && x->osc_mode) {
		size_t from = x->osc_col <= x->len ? x->osc_col : x->len;

		line_text(x, from, &x->osc_cmd);
		x->osc_open = 0;
		rc = emit(x, x->osc_cmd.data, x->osc_cmd.len, x->t,
		    SR_CMDSRC_OSC133);
		sr_buf_reset(&x->osc_cmd);
		return (rc);
	}
	/* A line typed but not entered: as if Enter came now. */
	if (x->in_started && x->in_len > 0) {
		if ((rc = in_enter(x)) != 0)
			return (rc);
		return (drain(x, 1));
	}
	return (0);
}
