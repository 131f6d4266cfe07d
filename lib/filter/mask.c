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
 * Input masking at record time (SECURITY.md 6, M1-M3): decides which
 * bytes the user types are secrets that must never be stored.
 *
 * Input is cut into "spans" that end after the CR or LF ending a line:
 *
 * - Echo-off rule (M1): a line that starts while the pty has ICANON on
 *   and ECHO off is masked up to and including its CR or LF, even when
 *   echo comes back mid-line.  This is the kernel TTY-audit rule.
 * - Prompt rule (M2, policy echo-off+prompt): a line that starts while
 *   the current output line matches the prompt regex is masked the same
 *   way.  It covers ssh, where the local pty is raw and the remote
 *   prompt is only visible as output.  Since the regex is only a guess,
 *   such a span ends early on output that is not pure password feedback
 *   ('*', BS, DEL, "\b \b", blanks, BEL, CSI K/D/P, SGR, private modes):
 *   echo of the typed text, or a command printing its answer, means the
 *   line was no secret.  A span ended by CR/LF consumes the output line,
 *   so one prompt masks one line; typeahead for a second prompt that has
 *   not been printed yet is not masked.
 *
 * The current output line is the text since the last CR or LF, with
 * escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte ESC
 * sequences) and C0 controls removed and BS deleting the character
 * before it.  A state machine carried across calls strips sequences
 * split anywhere.  8-bit C1 controls are left as text: in UTF-8 they are
 * continuation bytes.  Only the last MASK_LINE bytes are kept, in a ring,
 * since a prompt is at the end of its line.
 *
 * Speed: sr_mask_output() sees every output byte of the session.  Text
 * between escape sequences is found with memchr(), only the part after
 * its last CR/LF is copied, and the regex runs only when input arrives
 * and the line changed since the last run.  Nothing is allocated after
 * sr_mask_new().
 *
 * glibc's regexec() slows down with the number of NFA states, to seconds
 * on a 4 KiB line for "(a|b){1,1024}$", and back-references are
 * exponential.  The regex runs on a keystroke of a live session, so
 * patterns with back-references, longer than MASK_RE_MAX bytes or whose
 * repetition counts multiply past MASK_RE_REPEAT are refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

#define MASK_LINE      4096 /* bytes of the output line kept (the tail) */
#define MASK_RE_MAX    1024 /* bytes of a prompt regex */
#define MASK_RE_REPEAT 64   /* product of the regex's repetition counts */

#define ESC 0x1b
#define CAN 0x18
#define SUB 0x1a

enum esc_state {
	E_GROUND,
	E_ESC,	     /* after ESC */
	E_ESC_INTER, /* ESC, intermediates, waiting for the final byte */
	E_CSI,	     /* ESC [ params/intermediates, waiting for the final */
	E_OSC,	     /* ESC ] ..., ends at BEL or ST */
	E_STR,	     /* DCS, SOS, PM, APC: ends at ST */
	E_STR_ESC,   /* ESC inside a string: ST if '\' follows */
};

enum span {
	SPAN_NONE,
	SPAN_ECHO,   /* echo-off line: masked to CR/LF whatever happens */
	SPAN_PROMPT, /* prompt line: ends early on non-feedback output */
};

struct sr_mask {
	enum sr_mask_policy policy;
	int have_re;
	regex_t re;

	enum esc_state es;
	int csi_private; /* first parameter byte was '?': 1; none yet: -1 */
	int csi_inter;	 /* the CSI has intermediate bytes */

	enum span span;
	int pending_lf; /* a masked span ended at CR as the input did */
	unsigned lines; /* masked lines in a row */

	int dirty; /* the line changed since the regex last ran */
	int match; /* the regex's last answer */

	size_t head; /* next write position in ring */
	size_t len;  /* bytes held, at most MASK_LINE */
	unsigned char ring[MASK_LINE];
	char flat[MASK_LINE + 1]; /* the line as a string, for regexec */
};

/* The current output line. */

static void
line_reset(struct sr_mask *m)
{
	if (m->len != 0)
		m->dirty = 1;
	m->len = 0;
	m->head = 0;
}

static void
line_append(struct sr_mask *m, const unsigned char *p, size_t n)
{
	size_t first;

	if (n == 0)
		return;
	m->dirty = 1;
	if (n >= MASK_LINE) {
		memcpy(m->ring, p + n - MASK_LINE, MASK_LINE);
		m->head = 0;
		m->len = MASK_LINE;
		return;
	}
	first = MASK_LINE - m->head;
	if (first > n)
		first = n;
	memcpy(m->ring + m->head, p, first);
	memcpy(m->ring, p + first, n - first);
	m->head = (m->head + n) % MASK_LINE;
	m->len = m->len + n > MASK_LINE ? MASK_LINE : m->len + n;
}

/* BS: drops the last character (a whole UTF-8 sequence). */
static void
line_backspace(struct sr_mask *m)
{
	unsigned char c;

	while (m->len != 0) {
		m->head = (m->head + MASK_LINE - 1) % MASK_LINE;
		m->len--;
		m->dirty = 1;
		c = m->ring[m->head];
		if (c < 0x80 || c >= 0xc0)
			break;
	}
}

static int
line_matches(struct sr_mask *m)
{
	size_t start, first;

	if (!m->dirty)
		return (m->match);
	m->dirty = 0;
	start = (m->head + MASK_LINE - m->len) % MASK_LINE;
	first = MASK_LINE - start;
	if (first > m->len)
		first = m->len;
	memcpy(m->flat, m->ring + start, first);
	memcpy(m->flat + first, m->ring, m->len - first);
	/* Stripping removed every C0 byte, so no NUL cuts the string. */
	m->flat[m->len] = '\0';
	m->match = regexec(&m->re, m->flat, 0, NULL, 0) == 0;
	return (m->match);
}

/*
 * Output seen during a prompt span that is not password feedback ends the
 * span: the line was not a secret after all (SECURITY.md M2).  The prompt
 * is used up, or an invisible sequence would let it mask the next byte
 * again; only a change to the line can make it match anew.
 */
static void
prompt_spent(struct sr_mask *m)
{
	m->dirty = 0;
	m->match = 0;
}

static void
not_feedback(struct sr_mask *m)
{
	if (m->span == SPAN_PROMPT) {
		m->span = SPAN_NONE;
		prompt_spent(m);
	}
}

/* A C0 control inside an escape sequence acts as it would in text. */
static void
control(struct sr_mask *m, unsigned char c)
{
	switch (c) {
	case '\r':
	case '\n':
	case '\v':
	case '\f':
		not_feedback(m);
		line_reset(m);
		break;
	case '\b':
		line_backspace(m);
		break;
	case '\a':
		break;
	default:
		not_feedback(m);
		break;
	}
}

/* Text in the ground state: p[0..n) holds no ESC. */
static void
text(struct sr_mask *m, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *s;
	size_t i;

	if (m->span == SPAN_PROMPT) {
		for (i = 0; i < n; i++) {
			unsigned char c = p[i];

			if (c != '*' && c != ' ' && c != '\b' && c != 0x7f &&
			    c != '\a') {
				not_feedback(m);
				break;
			}
		}
	}
	/* Everything up to the last line end is gone from the line. */
	for (s = end; s > p; s--) {
		if (s[-1] == '\r' || s[-1] == '\n' || s[-1] == '\v' ||
		    s[-1] == '\f') {
			line_reset(m);
			p = s;
			break;
		}
	}
	while (p < end) {
		s = p;
		while (p < end && *p >= 0x20 && *p != 0x7f)
			p++;
		line_append(m, s, (size_t)(p - s));
		if (p < end) {
			if (*p == '\b')
				line_backspace(m);
			p++; /* other controls are not text */
		}
	}
}

/*
 * A C0 byte inside an ESC or CSI sequence: ESC starts anew, CAN and SUB
 * cancel, the others act as in text.  1 when c was one of them.
 */
static int
seq_c0(struct sr_mask *m, unsigned char c)
{
	if (c >= 0x20)
		return (0);
	if (c == ESC)
		m->es = E_ESC;
	else if (c == CAN || c == SUB)
		m->es = E_GROUND;
	else
		control(m, c);
	return (1);
}

/* Final byte of a CSI: erase, cursor left, SGR and modes are feedback. */
static void
csi_final(struct sr_mask *m, unsigned char c)
{
	if (m->csi_inter)
		not_feedback(m);
	else if (c == 'K' || c == 'D' || c == 'P' || c == 'm')
		return;
	else if ((c == 'h' || c == 'l') && m->csi_private == 1)
		return;
	else
		not_feedback(m);
}

void
sr_mask_output(struct sr_mask *m, const void *buf, size_t len)
{
	const unsigned char *p = buf, *end = p + len, *q;
	unsigned char c;

	if (m == NULL || m->policy != SR_MASK_ECHO_OFF_PROMPT || len == 0)
		return;
	while (p < end) {
		if (m->es == E_GROUND) {
			q = memchr(p, ESC, (size_t)(end - p));
			if (q == NULL)
				q = end;
			text(m, p, (size_t)(q - p));
			if (q == end)
				break;
			m->es = E_ESC;
			p = q + 1;
			continue;
		}
		c = *p++;
		switch (m->es) {
		case E_GROUND:
			break;
		case E_ESC:
		case E_ESC_INTER:
			if (seq_c0(m, c))
				break;
			if (c < 0x30)
				m->es = E_ESC_INTER;
			else if (m->es == E_ESC && c == '[') {
				m->es = E_CSI;
				m->csi_private = -1;
				m->csi_inter = 0;
			} else if (m->es == E_ESC && c == ']') {
				not_feedback(m);
				m->es = E_OSC;
			} else if (m->es == E_ESC &&
			    (c == 'P' || c == 'X' || c == '^' || c == '_')) {
				not_feedback(m);
				m->es = E_STR;
			} else if (c < 0x7f) {
				not_feedback(m);
				m->es = E_GROUND;
			} else if (c > 0x7f)
				m->es = E_GROUND; /* not a sequence */
			break;
		case E_CSI:
			if (seq_c0(m, c))
				break;
			if (c < 0x30)
				m->csi_inter = 1;
			else if (c < 0x40) {
				if (m->csi_private < 0)
					m->csi_private = c == '?';
			} else if (c < 0x7f) {
				csi_final(m, c);
				m->es = E_GROUND;
			} else if (c > 0x7f)
				m->es = E_GROUND;
			break;
		case E_OSC:
		case E_STR:
			/* String contents are never text, whatever they hold. */
			for (;;) {
				if (c == ESC) {
					m->es = E_STR_ESC;
					break;
				}
				if (c == CAN || c == SUB ||
				    (c == '\a' && m->es == E_OSC)) {
					m->es = E_GROUND;
					break;
				}
				if (p == end)
					break;
				c = *p++;
			}
			break;
		case E_STR_ESC:
			if (c == '\\')
				m->es = E_GROUND;
			else {
				/* ESC aborts the string and starts anew. */
				m->es = E_ESC;
				p--;
			}
			break;
		}
	}
}

size_t
sr_mask_input(struct sr_mask *m, const void *buf, size_t len, int echo_off,
    int *masked)
{
	const unsigned char *p = buf;
	size_t i, n;

	*masked = 0;
	if (len == 0)
		return (0);
	if (m == NULL || m->policy == SR_MASK_OFF)
		return (len);
	if (m->pending_lf) {
		/* The LF of a CRLF whose CR ended a secret belongs to it. */
		m->pending_lf = 0;
		if (p[0] == '\n') {
			*masked = 1;
			return (1);
		}
	}

	if (echo_off)
		m->span = SPAN_ECHO;
	else if (m->span == SPAN_NONE && m->policy == SR_MASK_ECHO_OFF_PROMPT &&
	    line_matches(m))
		m->span = SPAN_PROMPT;

	if (m->span != SPAN_NONE) {
		*masked = 1;
		for (i = 0; i < len; i++)
			if (p[i] == '\r' || p[i] == '\n')
				break;
		if (i == len)
			return (len);
		n = i + 1;
		if (p[i] == '\r') {
			if (n == len)
				m->pending_lf = 1;
			else if (p[n] == '\n')
				n++;
		}
		m->span = SPAN_NONE;
		if (m->lines < UINT_MAX)
			m->lines++;
		/* The prompt is used up: only a new one masks again. */
		prompt_spent(m);
		return (n);
	}

	/*
	 * A clear run goes on over line ends: echo is on, and with the
	 * output unchanged no prompt can appear before the next read.
	 */
	if (memchr(p, '\r', len) != NULL || memchr(p, '\n', len) != NULL)
		m->lines = 0;
	return (len);
}

unsigned
sr_mask_lines(const struct sr_mask *m)
{
	return (m != NULL ? m->lines : 0);
}

/*
 * Refuses patterns that could stall regexec() (see the top): back-
 * references, and repetition counts whose product exceeds MASK_RE_REPEAT
 * (a bracket expression is skipped, "a{2}" and "[x{9}]" are told apart).
 */
static int
prompt_check(const char *re, struct sr_error *err)
{
	const char *p = re;
	unsigned long product = 1, a, b;
	char *e;

	if (*re == '\0')
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, NULL,
		    "prompt regex is empty"));
	if (strlen(re) > MASK_RE_MAX)
		return (sr_error_set(err, SR_FAILED, SR_E_LIMIT, NULL, NULL,
		    "prompt regex longer than %d bytes", MASK_RE_MAX));
	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return (sr_error_set(err, SR_FAILED,
				    SR_E_UNSUPPORTED, NULL, NULL,
				    "prompt regex: back-references are not "
				    "allowed"));
			p += p[1] != '\0' ? 2 : 1;
		} else if (*p == '[') {
			/* "[]...]" and "[^]...]" hold a literal ']'. */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']') {
				if (*p == '[' &&
				    (p[1] == ':' || p[1] == '.' ||
					p[1] == '=')) {
					char d = p[1];

					p += 2;
					while (*p != '\0' &&
					    !(p[0] == d && p[1] == ']'))
						p++;
					if (*p != '\0')
						p += 2;
				} else
					p++;
			}
			if (*p != '\0')
				p++;
		} else if (*p == '{' &&
		    ((p[1] >= '0' && p[1] <= '9') ||
			(p[1] == ',' && p[2] >= '0' && p[2] <= '9'))) {
			/* "{m}", "{m,}", "{m,n}" and glibc's "{,n}". */
			a = strtoul(p + 1, &e, 10); /* 0, e = p + 1 on ',' */
			b = a;
			if (*e == ',') {
				if (e[1] >= '0' && e[1] <= '9')
					b = strtoul(e + 1, &e, 10);
				else
					e++;
			}
			if (b == 0)
				b = 1;
			if (b > MASK_RE_REPEAT || product * b > MASK_RE_REPEAT)
				return (sr_error_set(err, SR_FAILED, SR_E_LIMIT,
				    NULL, NULL,
				    "prompt regex: repetition counts "
				    "multiply past %d",
				    MASK_RE_REPEAT));
			product *= b;
			p = e;
		} else
			p++;
	}
	return (SR_OK);
}

int
sr_mask_new(enum sr_mask_policy policy, const char *prompt, struct sr_mask **mp,
    struct sr_error *err)
{
	struct sr_mask *m;
	char msg[256];
	int r;

	if (mp == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "sr_mask_new: no result pointer"));
	*mp = NULL;
	if (policy != SR_MASK_OFF && policy != SR_MASK_ECHO_OFF &&
	    policy != SR_MASK_ECHO_OFF_PROMPT)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "unknown input masking policy %d", (int)policy));
	/* A bad regex is refused under any policy: it is a config error. */
	if (prompt != NULL && (r = prompt_check(prompt, err)) != SR_OK)
		return (r);
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	m->policy = policy;
	if (policy == SR_MASK_ECHO_OFF_PROMPT || prompt != NULL) {
		r = regcomp(&m->re,
		    prompt != NULL ? prompt : SR_MASK_DEFAULT_PROMPT,
		    REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (r != 0) {
			(void)regerror(r, &m->re, msg, sizeof(msg));
			free(m);
			return (sr_error_set(err, SR_FAILED,
			    r == REG_ESPACE ? SR_E_NOMEM : SR_E_FORMAT, NULL,
			    NULL, "prompt regex does not compile: %s", msg));
		}
		m->have_re = 1;
	}
	*mp = m;
	return (SR_OK);
}

void
sr_mask_free(struct sr_mask *m)
{
	if (m == NULL)
		return;
	if (m->have_re)
		regfree(&m->re);
	free(m);
}
