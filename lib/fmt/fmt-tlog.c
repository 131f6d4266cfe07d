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
 * The tlog JSON reader (log format 2.x, as written by tlog-rec 12).
 *
 * A file holds one JSON message per line.  Several recordings may share
 * a file and their lines may interleave; each recording, keyed by
 * (host, rec), is one session, in order of first appearance.
 *
 *	message = "{" members "}" LF	; compact JSON, any key order
 *	ver     = "2.x" or 2		; major above 2 is unsupported
 *	id      = integer		; +1 per message; a jump = dropped
 *	pos     = integer		; ms from the recording start
 *	time    = number		; wall clock at pos, optional
 *	timing  = *( *ws record )	; ws = SP HT LF CR FF VT
 *	record  = "+" ms		; delay since the previous record
 *		/ "=" cols "x" rows	; window size
 *		/ "<" n / ">" n		; n characters of in_txt / out_txt
 *		/ "[" n "/" m		; skip n characters of in_txt, then
 *		/ "]" n "/" m		;   take m bytes of in_bin (out: ])
 *
 * Counts are characters (code points of the decoded JSON string), not
 * bytes; the placeholders that "[" and "]" skip are U+FFFD in *_txt.
 *
 * Speed matters (a cat of a 100 MB file must beat jq by 2x), so this does
 * not build a JSON tree per message.  open() makes one index pass with a
 * small top-level scanner that stops as soon as it has the metadata keys
 * (tlog writes them before the text), skipping strings with memchr.  It
 * groups lines into runs of consecutive lines per recording: a file of
 * one recording, or of appended recordings, costs one run each, while
 * interleaved recordings cost one run per switch.  next_event then reads
 * the lines of one recording and decodes out_txt straight into the event
 * buffer, driven by the timing string, so text is touched once.  Under
 * SR_CTX_ONE_PASS (grep, play's index builder: they have the catalog's
 * metadata) the index pass stops at the first recording's first good
 * message and its events are read to the end of the file, other
 * recordings' lines skipped; the duration stays unknown, and asking for
 * a second session makes the whole pass after all.
 *
 * tlog-play gives up on the first bad message; we report each problem
 * with its line, message id and offset and go on (FORMATS.md 2.5):
 * - a message that does not parse, lacks ver/id/pos/timing, has a major
 *   version above 2, a bad timing record, or timing that wants more
 *   bytes than *_bin holds is skipped with a warning; the next event
 *   carries SR_EVF_GAP.  A bad escape or too few characters in *_txt is
 *   found while decoding, so the events before it are kept.
 * - an id jump is "messages N..M missing" (tlog's rate limiter drops
 *   whole messages) and flags the next event SR_EVF_GAP.
 * - a pos before the end of the previous message is clamped to it, so
 *   event times never go back.
 * - a last line cut short (the recorder died) ends its recording, whose
 *   state is then SR_STATE_INCOMPLETE; tlog has no other end marker.
 * - a line without "ver" never starts a recording: it goes with the
 *   recording it names, or with its neighbours, and is reported there.
 * Window records restate the size in every message; only changes
 * become SR_EV_RESIZE events, the first window being the geometry.
 *
 * sessrec writes tlog messages too (its native recordings hold them, so
 * "zstd -dc x.srec" is a tlog file), with extra keys prefixed "sr_" that
 * tlog-play ignores (sessrec-formats(5)).  The sr_* metadata of a
 * recording's first good message (that one line is scanned whole, as
 * sessrec writes the keys after the text) fills the session fields.  An
 * sr_mark message gives a marker, a masked input, a suspend, a resume or
 * a gap at the time its timing reaches; sr_end and sr_status give the
 * end event, and for the session the exit status or signal and the
 * complete state (its last good message is read again at next_session).
 * Other sr_ keys, and sr_ values of the wrong type, are ignored.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "compat.h"
#include "json.h"
#include "sr-private.h"
#include "tlog-private.h"

/* The largest ms value that still fits in int64 nanoseconds. */
#define TL_MS_MAX (INT64_MAX / SR_NSEC_PER_MSEC)
/* Counts in timing records; far above any line limit, far below overflow. */
#define TL_COUNT_MAX ((uint64_t)1 << 48)
/* The audit session id that means "unset". */
#define TL_SESSION_UNSET 4294967295ULL
/* How deep unknown values may nest before we call the line hostile. */
#define TL_DEPTH_MAX 64
/* How much of a member the probe looks at. */
#define TL_PROBE_PEEK (64 * 1024)

/* Keys the scanner knows. */
enum tl_key {
	K_VER,
	K_HOST,
	K_REC,
	K_USER,
	K_TERM,
	K_SESSION,
	K_ID,
	K_POS,
	K_TIME,
	K_TIMING,
	K_IN_TXT,
	K_IN_BIN,
	K_OUT_TXT,
	K_OUT_BIN,
	/*
	 * sessrec's own keys (sessrec-formats(5)), which tlog-play ignores:
	 * the metadata of message 1, markers and the end.  Never required;
	 * a value of the wrong type is ignored.
	 */
	K_SR_SESSION_ID,
	K_SR_ACTOR,
	K_SR_SRC_IP,
	K_SR_TARGET,
	K_SR_TICKET,
	K_SR_TTY,
	K_SR_CWD,
	K_SR_COMMAND,
	K_SR_HOST,
	K_SR_MARK,
	K_SR_DETAIL,
	K_SR_END,
	K_SR_STATUS,
	K__COUNT
};
#define K_SR_FIRST K_SR_SESSION_ID
#define K_SR_NMETA (K_SR_HOST - K_SR_FIRST + 1)
#define KB(k)	   (1u << (k))
/* What the index pass needs: tlog writes all of these before the text. */
#define TL_INDEX_KEYS                                                          \
	(KB(K_VER) | KB(K_HOST) | KB(K_REC) | KB(K_USER) | KB(K_TERM) |        \
	    KB(K_SESSION) | KB(K_ID) | KB(K_POS) | KB(K_TIME) | KB(K_TIMING))
#define TL_ALL_KEYS ((1u << K__COUNT) - 1)

static const char *const key_names[K__COUNT] = {
	[K_VER] = "ver",
	[K_HOST] = "host",
	[K_REC] = "rec",
	[K_USER] = "user",
	[K_TERM] = "term",
	[K_SESSION] = "session",
	[K_ID] = "id",
	[K_POS] = "pos",
	[K_TIME] = "time",
	[K_TIMING] = "timing",
	[K_IN_TXT] = "in_txt",
	[K_IN_BIN] = "in_bin",
	[K_OUT_TXT] = "out_txt",
	[K_OUT_BIN] = "out_bin",
	[K_SR_SESSION_ID] = "sr_session_id",
	[K_SR_ACTOR] = "sr_actor",
	[K_SR_SRC_IP] = "sr_src_ip",
	[K_SR_TARGET] = "sr_target",
	[K_SR_TICKET] = "sr_ticket",
	[K_SR_TTY] = "sr_tty",
	[K_SR_CWD] = "sr_cwd",
	[K_SR_COMMAND] = "sr_command",
	[K_SR_HOST] = "sr_host",
	[K_SR_MARK] = "sr_mark",
	[K_SR_DETAIL] = "sr_detail",
	[K_SR_END] = "sr_end",
	[K_SR_STATUS] = "sr_status",
};
/* The metadata keys, and the keys that make events. */
#define TL_SR_META_KEYS                                                        \
	(KB(K_SR_SESSION_ID) | KB(K_SR_ACTOR) | KB(K_SR_SRC_IP) |              \
	    KB(K_SR_TARGET) | KB(K_SR_TICKET) | KB(K_SR_TTY) | KB(K_SR_CWD) |  \
	    KB(K_SR_COMMAND) | KB(K_SR_HOST))
#define TL_SR_EV_KEYS (KB(K_SR_MARK) | KB(K_SR_END))

/* One message as scanned (values point into the line). */
struct tl_msg {
	unsigned have; /* KB() of the keys present (null counts as absent) */
	struct tl_val v[K__COUNT];
	int64_t id;
	int64_t pos;
	int64_t time_ns;
	uint64_t session;
	int has_time;
};

/* A problem found in a line: where (offset in the line) and what. */
struct tl_perr {
	enum sr_errcat cat;
	size_t at;
	char msg[200];
};

/* A run of consecutive lines belonging to one recording. */
struct tl_run {
	int64_t off;	 /* offset of its first line */
	int64_t line;	 /* line number of its first line */
	uint64_t nlines; /* physical lines, blank and bad ones included */
};

/*
 * What sessrec's keys in the first message told about a recording, and
 * where its last good message is: sessrec writes sr_end there, after
 * the text, where the index pass does not look.
 */
struct tl_srmeta {
	char *f[K_SR_NMETA]; /* by key - K_SR_FIRST; NULL when absent */
	int64_t last_off;
};

/*
 * One recording, as found by the index pass.  Kept small: a busy host's
 * log file may hold a hundred thousand recordings.  Most have one run,
 * so the first lives here and only interleaved recordings allocate more.
 */
struct tl_rec {
	char *host; /* key part; NULL when absent */
	char *rec;  /* key part; NULL when absent */
	char *user, *term, *ver;
	struct tl_err *err;   /* first problem, for "nothing readable" */
	struct tl_srmeta *sr; /* written by sessrec: its metadata */
	struct tl_run *more;  /* runs after the first */
	struct tl_run run0;
	uint64_t session;
	int64_t start_ns;
	int64_t end_ms; /* end of the last good message, for clamping */
	int64_t dur_ms;
	size_t nok;    /* lines that passed the index checks */
	size_t noname; /* ordinal among recordings without rec, 1-based */
	size_t nruns, morecap;
	uint32_t hostlen, reclen;
	uint32_t hash;
	uint16_t rows, cols;
	uint8_t have;	   /* RH_* */
	uint8_t truncated; /* its last line was cut short */
};
enum {
	RH_META = 1 << 0,
	RH_SESSION = 1 << 1,
	RH_START = 1 << 2,
	RH_GEOM = 1 << 3,
};

/* A parsed timing record. */
struct tl_tok {
	char type; /* one of + = < > [ ] */
	uint64_t a, b;
};

/*
 * Small lexical helpers.
 */

static inline int
is_ws(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

static inline const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && is_ws((unsigned char)*p))
		p++;
	return (p);
}

static void perr_set(struct tl_perr *pe, size_t at, const char *fmt, ...)
    SR_PRINTF(3, 4);

static void
perr_set(struct tl_perr *pe, size_t at, const char *fmt, ...)
{
	va_list ap;

	pe->cat = SR_E_FORMAT;
	pe->at = at;
	va_start(ap, fmt);
	(void)vsnprintf(pe->msg, sizeof(pe->msg), fmt, ap);
	va_end(ap);
}

/*
 * Finds the closing quote of a string whose body starts at p: the first
 * '"' preceded by an even number of backslashes.  memchr does the long
 * walk; text in tlog messages rarely holds quotes.  NULL when unterminated.
 */
static const char *
str_end(const char *p, const char *e)
{
	const char *start = p, *q, *b;

	for (;;) {
		if ((q = memchr(p, '"', (size_t)(e - p))) == NULL)
			return (NULL);
		b = q;
		while (b > start && b[-1] == '\\')
			b--;
		if (((q - b) & 1) == 0)
			return (q);
		p = q + 1;
	}
}

/* Scans a JSON number; returns its end or NULL.  *isint when no . or e. */
static const char *
num_end(const char *p, const char *e, int *isint)
{
	const char *s;

	*isint = 1;
	if (p < e && *p == '-')
		p++;
	if (p >= e)
		return (NULL);
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9') {
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	} else
		return (NULL);
	if (p < e && *p == '.') {
		*isint = 0;
		s = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return (NULL);
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		*isint = 0;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		s = p;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return (NULL);
	}
	return (p);
}

/*
 * Skips any JSON value (for unknown keys), checking its structure but not
 * the escapes inside strings.  Returns its end, or NULL with pe set.
 */
static const char *
skip_value(const char *base, const char *p, const char *e, int depth,
    struct tl_perr *pe)
{
	const char *q;
	int isint;

	if (depth > TL_DEPTH_MAX) {
		perr_set(pe, (size_t)(p - base), "JSON nested too deeply");
		return (NULL);
	}
	p = skip_ws(p, e);
	if (p >= e) {
		perr_set(pe, (size_t)(p - base), "JSON value missing");
		return (NULL);
	}
	switch (*p) {
	case '"':
		if ((q = str_end(p + 1, e)) == NULL) {
			perr_set(pe, (size_t)(p - base),
			    "unterminated JSON string");
			return (NULL);
		}
		return (q + 1);
	case '{':
	case '[': {
		char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';

		p = skip_ws(p + 1, e);
		if (p < e && *p == close)
			return (p + 1);
		for (;;) {
			if (obj) {
				p = skip_ws(p, e);
				if (p >= e || *p != '"') {
					perr_set(pe, (size_t)(p - base),
					    "JSON object key expected");
					return (NULL);
				}
				if ((p = skip_value(base, p, e, depth + 1,
					 pe)) == NULL)
					return (NULL);
				p = skip_ws(p, e);
				if (p >= e || *p != ':') {
					perr_set(pe, (size_t)(p - base),
					    "':' expected in JSON object");
					return (NULL);
				}
				p++;
			}
			if ((p = skip_value(base, p, e, depth + 1, pe)) == NULL)
				return (NULL);
			p = skip_ws(p, e);
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == close)
				return (p + 1);
			perr_set(pe, (size_t)(p - base),
			    "',' or '%c' expected in JSON %s", close,
			    obj ? "object" : "array");
			return (NULL);
		}
	}
	case 't':
		if (e - p >= 4 && memcmp(p, "true", 4) == 0)
			return (p + 4);
		break;
	case 'f':
		if (e - p >= 5 && memcmp(p, "false", 5) == 0)
			return (p + 5);
		break;
	case 'n':
		if (e - p >= 4 && memcmp(p, "null", 4) == 0)
			return (p + 4);
		break;
	default:
		if ((q = num_end(p, e, &isint)) != NULL)
			return (q);
		break;
	}
	perr_set(pe, (size_t)(p - base), "invalid JSON value");
	return (NULL);
}

/* Which sr_ key (without the prefix) a key is; -1 for others. */
static int
sr_key_lookup(const char *k, size_t len)
{
	int i;

	for (i = K_SR_FIRST; i < K__COUNT; i++)
		if (strlen(key_names[i]) == len + 3 &&
		    memcmp(key_names[i] + 3, k, len) == 0)
			return (i);
	return (-1);
}

/* Which known key a raw key body is; -1 for others. */
static int
key_lookup(const char *k, size_t len)
{
	char dec[16];
	size_t i, n = 0;

	if (memchr(k, '\\', len) != NULL) {
		/*
		 * A key spelled with escapes ("\u0076er") is still that key.
		 * Only the simple escapes can occur in our ASCII names.
		 */
		for (i = 0; i < len; i++) {
			unsigned v = 0;
			size_t h;

			if (n >= sizeof(dec))
				return (-1);
			if (k[i] != '\\') {
				dec[n++] = k[i];
				continue;
			}
			if (i + 5 >= len || k[i + 1] != 'u')
				return (-1);
			for (h = 0; h < 4; h++) {
				char c = k[i + 2 + h];

				v <<= 4;
				if (c >= '0' && c <= '9')
					v |= (unsigned)(c - '0');
				else if (c >= 'a' && c <= 'f')
					v |= (unsigned)(c - 'a' + 10);
				else if (c >= 'A' && c <= 'F')
					v |= (unsigned)(c - 'A' + 10);
				else
					return (-1);
			}
			if (v == 0 || v > 0x7f)
				return (-1);
			dec[n++] = (char)v;
			i += 5;
		}
		k = dec;
		len = n;
	}
	/* sessrec's keys are rare (a few messages a session). */
	if (len > 3 && k[0] == 's' && k[1] == 'r' && k[2] == '_')
		return (sr_key_lookup(k + 3, len - 3));
	switch (len) {
	case 2:
		if (memcmp(k, "id", 2) == 0)
			return (K_ID);
		break;
	case 3:
		if (memcmp(k, "ver", 3) == 0)
			return (K_VER);
		if (memcmp(k, "rec", 3) == 0)
			return (K_REC);
		if (memcmp(k, "pos", 3) == 0)
			return (K_POS);
		break;
	case 4:
		if (memcmp(k, "host", 4) == 0)
			return (K_HOST);
		if (memcmp(k, "user", 4) == 0)
			return (K_USER);
		if (memcmp(k, "term", 4) == 0)
			return (K_TERM);
		if (memcmp(k, "time", 4) == 0)
			return (K_TIME);
		break;
	case 6:
		if (memcmp(k, "timing", 6) == 0)
			return (K_TIMING);
		if (memcmp(k, "in_txt", 6) == 0)
			return (K_IN_TXT);
		if (memcmp(k, "in_bin", 6) == 0)
			return (K_IN_BIN);
		break;
	case 7:
		if (memcmp(k, "session", 7) == 0)
			return (K_SESSION);
		if (memcmp(k, "out_txt", 7) == 0)
			return (K_OUT_TXT);
		if (memcmp(k, "out_bin", 7) == 0)
			return (K_OUT_BIN);
		break;
	}
	return (-1);
}

/*
 * Scans the top level of a message.  Stops early, successfully, once
 * every key of stop is seen (the index pass: tlog writes the metadata
 * first), else checks the whole line.  Known keys get their value
 * recorded; their types are checked; a repeated known key is an error,
 * as readers disagree on which copy wins.
 */
static int
tl_scan(const char *line, size_t len, unsigned stop, struct tl_msg *m,
    struct tl_perr *pe)
{
	const char *p = line, *e = line + len, *ks, *q;
	int k, isint;

	memset(m, 0, sizeof(*m));
	p = skip_ws(p, e);
	if (p >= e || *p != '{') {
		perr_set(pe, (size_t)(p - line), "not a JSON object");
		return (-1);
	}
	p = skip_ws(p + 1, e);
	if (p < e && *p == '}') {
		p++;
		goto end;
	}
	for (;;) {
		p = skip_ws(p, e);
		if (p >= e || *p != '"') {
			perr_set(pe, (size_t)(p - line),
			    "JSON object key expected");
			return (-1);
		}
		ks = p + 1;
		if ((q = str_end(ks, e)) == NULL) {
			perr_set(pe, (size_t)(p - line),
			    "unterminated JSON string");
			return (-1);
		}
		k = key_lookup(ks, (size_t)(q - ks));
		p = skip_ws(q + 1, e);
		if (p >= e || *p != ':') {
			perr_set(pe, (size_t)(p - line),
			    "':' expected in JSON object");
			return (-1);
		}
		p = skip_ws(p + 1, e);
		if (k < 0) {
			if ((p = skip_value(line, p, e, 1, pe)) == NULL)
				return (-1);
		} else {
			struct tl_val *v = &m->v[k];
			const char *vs = p;

			if (m->have & KB(k) || v->kind != 0) {
				perr_set(pe, (size_t)(ks - 1 - line),
				    "duplicate key '%s'", key_names[k]);
				return (-1);
			}
			if (p < e && *p == '"') {
				if ((q = str_end(p + 1, e)) == NULL) {
					perr_set(pe, (size_t)(p - line),
					    "unterminated JSON string");
					return (-1);
				}
				v->p = p + 1;
				v->len = (size_t)(q - p - 1);
				v->kind = TV_STR;
				p = q + 1;
			} else if (p < e &&
			    (*p == '-' || (*p >= '0' && *p <= '9'))) {
				if ((q = num_end(p, e, &isint)) == NULL) {
					perr_set(pe, (size_t)(p - line),
					    "invalid JSON number");
					return (-1);
				}
				v->p = p;
				v->len = (size_t)(q - p);
				v->kind = TV_NUM;
				p = q;
			} else if (p < e && *p == '[') {
				if ((q = skip_value(line, p, e, 1, pe)) == NULL)
					return (-1);
				v->p = p;
				v->len = (size_t)(q - p);
				v->kind = TV_ARR;
				p = q;
			} else if (e - p >= 4 && memcmp(p, "null", 4) == 0) {
				/* null is taken as absent. */
				p += 4;
				v->kind = -1;
				goto next;
			} else {
				if ((q = skip_value(line, p, e, 1, pe)) == NULL)
					return (-1);
				v->kind = -1;
				p = q;
				if (k >= K_SR_FIRST)
					goto next; /* ours: ignored */
				perr_set(pe, (size_t)(vs - line),
				    "key '%s' has the wrong type",
				    key_names[k]);
				return (-1);
			}
			m->have |= KB(k);
			if ((m->have & stop) == stop && stop != 0)
				return (0);
		}
	next:
		p = skip_ws(p, e);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == '}') {
			p++;
			break;
		}
		perr_set(pe, (size_t)(p - line),
		    p < e ? "',' or '}' expected in JSON object"
			  : "JSON object not closed (line truncated?)");
		return (-1);
	}
end:
	p = skip_ws(p, e);
	if (p != e) {
		perr_set(pe, (size_t)(p - line),
		    "unexpected data after the JSON object");
		return (-1);
	}
	return (0);
}

/*
 * Decoding JSON string bodies.
 */

enum { DEC_OK, DEC_END, DEC_BAD };

#define ONES8 0x0101010101010101ULL
#define HIGH8 0x8080808080808080ULL

/*
 * The high bit of each of eight bytes that is not ASCII or is a
 * backslash; 0 when none is.  (b - 1) & ~b sets a high bit where a byte
 * of b is 0 and, through the borrow, maybe in bytes above it, but never
 * below the first: in memory order (little-endian) the lowest bit set
 * marks the first byte that stops a run.
 */
static inline uint64_t
special8(uint64_t x)
{
	uint64_t b = x ^ (ONES8 * '\\');

	return ((x | ((b - ONES8) & ~b)) & HIGH8);
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TL_RUN_CTZ 1
#endif

#if defined(TL_RUN_CTZ) && defined(__SSE2__)
/*
 * Copies the run of ASCII bytes other than a backslash at p to d,
 * sixteen at a time while i + 16 <= k (so both the load and the store
 * stay in bounds); returns the new i.  Sets *stopped when it found the
 * byte that ends the run.
 */
static inline size_t
run16(const unsigned char *p, unsigned char *d, size_t i, size_t k,
    int *stopped)
{
	const __m128i bs = _mm_set1_epi8('\\');
	__m128i x;
	unsigned m;

	for (; i + 16 <= k; i += 16) {
		x = _mm_loadu_si128((const void *)(p + i));
		m = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(x, _mm_cmpeq_epi8(x, bs)));
		_mm_storeu_si128((void *)(d + i), x);
		if (m != 0) {
			*stopped = 1;
			return (i + (size_t)__builtin_ctz(m));
		}
	}
	return (i);
}
#endif

/*
 * Decodes up to *np characters of a JSON string body from *pp into d
 * (at most room bytes; d NULL discards), advancing *pp and lowering *np.
 * Stops when *np reaches 0 or the next character does not fit (DEC_OK),
 * when the body ends (DEC_END), or at a bad escape (DEC_BAD, *pp at it).
 * A \uD83D\uDE00 pair is one character; a lone surrogate becomes U+FFFD.
 * Raw bytes that are not UTF-8 (tlog never writes them) pass through one
 * character each and set *binary.
 */
static int
dec_chars(const unsigned char **pp, const unsigned char *e, uint64_t *np,
    unsigned char *d, size_t room, size_t *wrote, int *binary)
{
	const unsigned char *p = *pp;
	uint64_t n = *np;
	size_t w = 0, k, i, sub;
	uint32_t cp, lo;
	int st = DEC_OK;

	while (n > 0) {
		if (p >= e) {
			st = DEC_END;
			break;
		}
		/*
		 * The common case: a run of plain ASCII, eight bytes at a
		 * time while no byte has its high bit set or is a backslash.
		 */
		k = (size_t)(e - p);
		if (k > n)
			k = (size_t)n;
		if (k > room - w)
			k = room - w;
		i = 0;
		if (d != NULL) {
#if defined(TL_RUN_CTZ) && defined(__SSE2__)
			int stopped = 0;

			i = run16(p, d + w, 0, k, &stopped);
			if (stopped)
				goto run;
#endif
			for (; i + 8 <= k; i += 8) {
				uint64_t x, m;

				memcpy(&x, p + i, 8);
				m = special8(x);
#ifdef TL_RUN_CTZ
				/*
				 * The eight bytes fit (i + 8 <= k): copy them
				 * all, keep those before the first special
				 * one.  Runs between escapes are short, and
				 * a byte loop for their ends showed.
				 */
				memcpy(d + w + i, &x, 8);
				if (m != 0) {
					i += (size_t)__builtin_ctzll(m) >> 3;
					goto run;
				}
#else
				if (m != 0)
					break;
				memcpy(d + w + i, &x, 8);
#endif
			}
			for (; i < k && p[i] < 0x80 && p[i] != '\\'; i++)
				d[w + i] = p[i];
		} else {
			for (; i + 8 <= k; i += 8) {
				uint64_t x, m;

				memcpy(&x, p + i, 8);
				if ((m = special8(x)) != 0) {
#ifdef TL_RUN_CTZ
					i += (size_t)__builtin_ctzll(m) >> 3;
					goto run;
#else
					break;
#endif
				}
			}
			for (; i < k && p[i] < 0x80 && p[i] != '\\'; i++)
				;
		}
#ifdef TL_RUN_CTZ
	run:
#endif
		if (i > 0) {
			w += i;
			p += i;
			n -= i;
			continue;
		}
		if (room - w < 4)
			break;
		if (*p == '\\') {
			/*
			 * tlog escapes every control character as \u00XX:
			 * the common case gets a short path.
			 */
			if (e - p >= 6 && p[1] == 'u' && p[2] == '0' &&
			    p[3] == '0') {
				int hi = sr_hexval(p[4]), lo4 = sr_hexval(p[5]);

				if (hi >= 0 && hi < 8 && lo4 >= 0) {
					if (d != NULL)
						d[w] = (unsigned char)(hi << 4 |
						    lo4);
					w++;
					p += 6;
					n--;
					continue;
				}
			}
			if (e - p < 2)
				goto bad;
			if (p[1] != 'u') {
				int esc = sr_json_escape(p[1]);

				if (esc < 0)
					goto bad;
				cp = (uint32_t)esc;
			} else {
				if (e - p < 6 || sr_hex4(p + 2, &cp) != 0)
					goto bad;
				if (cp >= 0xd800 && cp <= 0xdbff &&
				    e - p >= 12 && p[6] == '\\' &&
				    p[7] == 'u' && sr_hex4(p + 8, &lo) == 0 &&
				    lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					p += 6;
				} else if (cp >= 0xd800 && cp <= 0xdfff)
					cp = 0xfffd;
				p += 4;
			}
			p += 2;
			if (d != NULL)
				w += sr_utf8_put(d + w, cp);
			else
				w++;
		} else {
			if ((k = sr_utf8_seq(p, (size_t)(e - p), &sub)) == 0) {
				k = 1;
				*binary = 1;
			}
			if (d != NULL) {
				/* At most 4 bytes: no call to memcpy(). */
				for (i = 0; i < k; i++)
					d[w + i] = p[i];
			}
			w += k;
			p += k;
		}
		n--;
	}
	*pp = p;
	*np = n;
	*wrote = w;
	return (st);
bad:
	*pp = p;
	*np = n;
	*wrote = w;
	return (DEC_BAD);
}

/*
 * Decodes a whole string body into b (replacing its contents).  Returns
 * 0, or -1 on a bad escape (*bad_at set) or when b's limit is hit.
 */
static int
dec_string(const char *body, size_t len, struct sr_buf *b, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)body, *e = p + len;
	uint64_t n = UINT64_MAX;
	size_t w;
	int bin = 0, st;

	sr_buf_reset(b);
	/* Decoding never grows the text (the longest escape gives 4 of 6). */
	if (sr_buf_reserve(b, len + 4) != SR_E_NONE) {
		*bad_at = 0;
		return (-1);
	}
	st = dec_chars(&p, e, &n, (unsigned char *)b->data, len + 4, &w, &bin);
	*bad_at = (size_t)(p - (const unsigned char *)body);
	if (st == DEC_BAD)
		return (-1);
	b->len = w;
	b->data[w] = '\0';
	return (0);
}

/*
 * Timing strings.
 */

static inline int
is_tws(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v');
}

static int
tim_num(const char **pp, const char *e, uint64_t max, uint64_t *v)
{
	const char *p = *pp;
	uint64_t r = 0;

	if (p >= e || *p < '0' || *p > '9')
		return (-1);
	while (p < e && *p >= '0' && *p <= '9') {
		r = r * 10 + (uint64_t)(*p - '0');
		if (r > max) {
			/* Past the digits, so that messages show them all. */
			while (p < e && *p >= '0' && *p <= '9')
				p++;
			*pp = p;
			return (-2);
		}
		p++;
	}
	*pp = p;
	*v = r;
	return (0);
}

/*
 * Parses the next timing record.  Returns 1 with *t, 0 at the end, -1 on
 * a bad record (*pp left at it, pe set relative to base).
 */
static int
tim_next(const char *base, const char **pp, const char *e, struct tl_tok *t,
    struct tl_perr *pe)
{
	const char *p = *pp, *s;
	uint64_t max;
	int r;

	while (p < e && is_tws(*p))
		p++;
	*pp = p;
	if (p >= e)
		return (0);
	s = p;
	t->type = *p++;
	t->b = 0;
	switch (t->type) {
	case '+':
		max = (uint64_t)TL_MS_MAX;
		break;
	case '=':
		max = 65535;
		break;
	case '<':
	case '>':
	case '[':
	case ']':
		max = TL_COUNT_MAX;
		break;
	default:
		if ((unsigned char)t->type >= 0x20 &&
		    (unsigned char)t->type < 0x7f)
			perr_set(pe, (size_t)(s - base),
			    "bad timing record '%c' at character %zu", t->type,
			    (size_t)(s - base));
		else
			perr_set(pe, (size_t)(s - base),
			    "bad timing record 0x%02x at character %zu",
			    (unsigned char)t->type, (size_t)(s - base));
		return (-1);
	}
	if ((r = tim_num(&p, e, max, &t->a)) != 0)
		goto bad;
	if (t->type == '=' || t->type == '[' || t->type == ']') {
		char sep = t->type == '=' ? 'x' : '/';

		if (p >= e || *p != sep) {
			r = -1;
			goto bad;
		}
		p++;
		if ((r = tim_num(&p, e, max, &t->b)) != 0)
			goto bad;
	}
	*pp = p;
	return (1);
bad:
	/* Show the record up to and including what went wrong. */
	if (r == -1 && p < e)
		p++;
	perr_set(pe, (size_t)(s - base),
	    "bad timing record '%.*s' at character %zu: %s",
	    (int)(p - s < 24 ? p - s : 24), s, (size_t)(s - base),
	    r == -2 ? "number too large" : "digits expected");
	return (-1);
}

/* Totals of a timing string. */
struct tl_tsum {
	int64_t delay_ms; /* saturating */
	uint64_t ochars, obytes, ichars, ibytes;
	int have_win;
	unsigned cols, rows; /* the first window record */
};

static inline uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return (a > UINT64_MAX - b ? UINT64_MAX : a + b);
}

static int
tim_check(const char *t, size_t len, struct tl_tsum *sum, struct tl_perr *pe)
{
	const char *p = t, *e = t + len;
	struct tl_tok tok;
	int r;

	memset(sum, 0, sizeof(*sum));
	while ((r = tim_next(t, &p, e, &tok, pe)) == 1) {
		switch (tok.type) {
		case '+':
			sum->delay_ms =
			    (int64_t)tok.a > TL_MS_MAX - sum->delay_ms
			    ? TL_MS_MAX
			    : sum->delay_ms + (int64_t)tok.a;
			break;
		case '=':
			if (!sum->have_win) {
				sum->have_win = 1;
				sum->cols = (unsigned)tok.a;
				sum->rows = (unsigned)tok.b;
			}
			break;
		case '>':
			sum->ochars = sat_add(sum->ochars, tok.a);
			break;
		case '<':
			sum->ichars = sat_add(sum->ichars, tok.a);
			break;
		case ']':
			sum->ochars = sat_add(sum->ochars, tok.a);
			sum->obytes = sat_add(sum->obytes, tok.b);
			break;
		case '[':
			sum->ichars = sat_add(sum->ichars, tok.a);
			sum->ibytes = sat_add(sum->ibytes, tok.b);
			break;
		}
	}
	return (r);
}

/*
 * Message checks shared by both passes.
 */

static int
parse_int(const struct tl_val *v, int64_t max, int64_t *out)
{
	uint64_t u;

	if (v->kind != TV_NUM || v->len == 0 || v->p[0] == '-')
		return (-1);
	if (sr_parse_u64(v->p, v->len, (uint64_t)max, &u) != 0)
		return (-1);
	*out = (int64_t)u;
	return (0);
}

/* Parses a non-negative JSON number of seconds into nanoseconds. */
static int
parse_seconds(const struct tl_val *v, int64_t *ns)
{
	char buf[64];
	const char *p = v->p, *e = v->p + v->len, *dot;
	uint64_t sec, frac = 0;
	size_t i;
	int64_t scale = SR_NSEC_PER_SEC / 10;

	if (v->kind != TV_NUM || v->len == 0 || p[0] == '-')
		return (-1);
	if (memchr(p, 'e', v->len) != NULL || memchr(p, 'E', v->len) != NULL) {
		double d;
		char *end;

		/* Rare: let strtod deal with exponents. */
		if (v->len >= sizeof(buf))
			return (-1);
		memcpy(buf, p, v->len);
		buf[v->len] = '\0';
		errno = 0;
		d = strtod(buf, &end);
		if (errno != 0 || *end != '\0')
			return (-1);
		return (sr_json_seconds_to_ns(d, ns));
	}
	dot = memchr(p, '.', v->len);
	if (sr_parse_u64(p, (size_t)((dot ? dot : e) - p),
		(uint64_t)(INT64_MAX / SR_NSEC_PER_SEC) - 1, &sec) != 0)
		return (-1);
	if (dot != NULL) {
		/* Digits past nanoseconds are dropped. */
		for (i = 1; dot + i < e && scale > 0; i++, scale /= 10)
			frac += (uint64_t)(dot[i] - '0') * (uint64_t)scale;
	}
	*ns = (int64_t)sec * SR_NSEC_PER_SEC + (int64_t)frac;
	return (0);
}

/* Major version of ver; -1 when not a version. */
static int64_t
ver_major(const struct tl_val *v)
{
	const char *p = v->p, *e = v->p + v->len;
	uint64_t major = 0;

	if (v->kind != TV_STR && v->kind != TV_NUM)
		return (-1);
	if (p >= e || *p < '0' || *p > '9')
		return (-1);
	while (p < e && *p >= '0' && *p <= '9') {
		major = major * 10 + (uint64_t)(*p - '0');
		if (major > 1000000)
			return (-1);
		p++;
	}
	/* "2", "2.3", "2.3.1"; anything else is not a version. */
	while (p < e) {
		if (*p != '.' || p + 1 >= e || p[1] < '0' || p[1] > '9')
			return (-1);
		p++;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	return ((int64_t)major);
}

/*
 * Checks the keys every message needs and converts the numbers.  The
 * timing string is checked separately.  Fills pe on failure.
 */
static int
tl_check(struct tl_msg *m, struct tl_perr *pe)
{
	static const int need[] = { K_VER, K_ID, K_POS, K_TIMING };
	size_t i;
	int64_t major, v;

	for (i = 0; i < nitems(need); i++) {
		if (!(m->have & KB(need[i]))) {
			perr_set(pe, 0, "message has no '%s'",
			    key_names[need[i]]);
			return (-1);
		}
	}
	/* sessrec's keys are checked where they are used. */
	for (i = 0; i < K_SR_FIRST; i++) {
		static const unsigned strs = KB(K_HOST) | KB(K_REC) |
		    KB(K_USER) | KB(K_TERM) | KB(K_TIMING) | KB(K_IN_TXT) |
		    KB(K_OUT_TXT);
		static const unsigned nums =
		    KB(K_SESSION) | KB(K_ID) | KB(K_POS) | KB(K_TIME);
		static const unsigned arrs = KB(K_IN_BIN) | KB(K_OUT_BIN);
		int kind = m->v[i].kind;

		if (!(m->have & KB(i)))
			continue;
		if (((strs & KB(i)) && kind != TV_STR) ||
		    ((nums & KB(i)) && kind != TV_NUM) ||
		    ((arrs & KB(i)) && kind != TV_ARR)) {
			perr_set(pe, (size_t)0, "key '%s' has the wrong type",
			    key_names[i]);
			return (-1);
		}
	}
	if ((major = ver_major(&m->v[K_VER])) < 0) {
		perr_set(pe, 0, "bad version '%.*s'",
		    (int)(m->v[K_VER].len > 32 ? 32 : m->v[K_VER].len),
		    m->v[K_VER].p);
		return (-1);
	}
	if (major > 2) {
		perr_set(pe, 0, "unsupported tlog log version '%.*s'",
		    (int)(m->v[K_VER].len > 32 ? 32 : m->v[K_VER].len),
		    m->v[K_VER].p);
		pe->cat = SR_E_UNSUPPORTED;
		return (-1);
	}
	if (parse_int(&m->v[K_ID], INT64_MAX, &m->id) != 0) {
		perr_set(pe, 0, "bad message id '%.*s'",
		    (int)(m->v[K_ID].len > 32 ? 32 : m->v[K_ID].len),
		    m->v[K_ID].p);
		return (-1);
	}
	if (parse_int(&m->v[K_POS], TL_MS_MAX, &m->pos) != 0) {
		perr_set(pe, 0, "bad pos '%.*s'",
		    (int)(m->v[K_POS].len > 32 ? 32 : m->v[K_POS].len),
		    m->v[K_POS].p);
		return (-1);
	}
	if (m->have & KB(K_SESSION)) {
		if (parse_int(&m->v[K_SESSION], INT64_MAX, &v) != 0) {
			perr_set(pe, 0, "bad audit session id '%.*s'",
			    (int)(m->v[K_SESSION].len > 32
				    ? 32
				    : m->v[K_SESSION].len),
			    m->v[K_SESSION].p);
			return (-1);
		}
		m->session = (uint64_t)v;
	}
	if (m->have & KB(K_TIME)) {
		if (parse_seconds(&m->v[K_TIME], &m->time_ns) != 0) {
			perr_set(pe, 0, "bad time '%.*s'",
			    (int)(m->v[K_TIME].len > 32 ? 32
							: m->v[K_TIME].len),
			    m->v[K_TIME].p);
			return (-1);
		}
		m->has_time = 1;
	}
	return (0);
}

/* The timing string of m, decoded into tbuf only when it has escapes. */
static int
timing_text(struct tl_state *st, const struct tl_msg *m, const char **t,
    size_t *len, struct tl_perr *pe)
{
	const struct tl_val *v = &m->v[K_TIMING];
	size_t bad;

	if (memchr(v->p, '\\', v->len) == NULL) {
		*t = v->p;
		*len = v->len;
		return (0);
	}
	if (dec_string(v->p, v->len, &st->tbuf, &bad) != 0) {
		perr_set(pe, (size_t)(v->p - m->v[K_VER].p) + bad,
		    "bad escape in the timing string");
		return (-1);
	}
	*t = st->tbuf.data;
	*len = st->tbuf.len;
	return (0);
}

/*
 * Errors and warnings.
 */

static void
loc_make(struct sr_loc *loc, int64_t line, int64_t msg_id, int64_t off)
{
	sr_loc_clear(loc);
	loc->line = line;
	loc->msg_id = msg_id;
	loc->offset = off;
}

/* A warning with a category of our choosing; notes that one was given. */
static int tl_warn(struct sr_reader *r, enum sr_errcat cat,
    const struct sr_loc *loc, const char *fmt, ...) SR_PRINTF(4, 5);

static int
tl_warn(struct sr_reader *r, enum sr_errcat cat, const struct sr_loc *loc,
    const char *fmt, ...)
{
	struct tl_state *st = r->state;
	va_list ap;

	va_start(ap, fmt);
	(void)sr_reader_vwarnf(r, cat, loc, fmt, ap);
	va_end(ap);
	st->warned = 1;
	return (SR_WARN);
}

static void
err_keep(struct tl_err *dst, enum sr_errcat cat, int64_t line, int64_t id,
    int64_t off, const char *msg)
{
	dst->cat = cat;
	dst->line = line;
	dst->msg_id = id;
	dst->offset = off;
	strlcpy(dst->msg, msg, sizeof(dst->msg));
}

/*
 * The index.
 */

static uint32_t
key_hash(const char *host, size_t hl, const char *rec, size_t rl)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < hl; i++)
		h = (h ^ (unsigned char)host[i]) * 16777619u;
	h = (h ^ (host != NULL ? 0x100u : 0x200u)) * 16777619u;
	for (i = 0; i < rl; i++)
		h = (h ^ (unsigned char)rec[i]) * 16777619u;
	h = (h ^ (rec != NULL ? 0x300u : 0x400u)) * 16777619u;
	return (h);
}

static int
key_eq(const struct tl_rec *rc, const char *host, size_t hl, const char *rec,
    size_t rl)
{
	if ((rc->host == NULL) != (host == NULL) ||
	    (rc->rec == NULL) != (rec == NULL))
		return (0);
	if (host != NULL &&
	    (rc->hostlen != hl || memcmp(rc->host, host, hl) != 0))
		return (0);
	if (rec != NULL && (rc->reclen != rl || memcmp(rc->rec, rec, rl) != 0))
		return (0);
	return (1);
}

/* Counts index memory against the spool limit. */
static int
index_account(struct sr_reader *r, uint64_t n)
{
	struct tl_state *st = r->state;

	st->index_bytes += n;
	if (st->index_bytes > st->index_max)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, NULL,
		    "index of the tlog file exceeds the spool limit of %llu "
		    "bytes",
		    (unsigned long long)st->index_max));
	return (SR_OK);
}

static int
hash_insert(struct tl_state *st, uint32_t h, size_t idx)
{
	size_t i, mask = st->hashcap - 1;

	for (i = h & mask; st->hash[i] != 0; i = (i + 1) & mask)
		;
	st->hash[i] = (uint32_t)(idx + 1);
	return (0);
}

static int
hash_grow(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	size_t ncap = st->hashcap ? st->hashcap * 2 : 64, i;
	uint32_t *nh;

	if (index_account(r, ncap * sizeof(*nh)) != SR_OK)
		return (SR_FAILED);
	if ((nh = calloc(ncap, sizeof(*nh))) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	free(st->hash);
	st->hash = nh;
	st->hashcap = ncap;
	for (i = 0; i < st->nrecs; i++)
		(void)hash_insert(st, st->recs[i].hash, i);
	return (SR_OK);
}

/* Finds the recording with this key; -1 when unknown. */
static ssize_t
rec_find(struct tl_state *st, uint32_t h, const char *host, size_t hl,
    const char *rec, size_t rl)
{
	size_t i, mask;

	if (st->hashcap == 0)
		return (-1);
	mask = st->hashcap - 1;
	for (i = h & mask; st->hash[i] != 0; i = (i + 1) & mask) {
		struct tl_rec *rc = &st->recs[st->hash[i] - 1];

		if (rc->hash == h && key_eq(rc, host, hl, rec, rl))
			return ((ssize_t)(st->hash[i] - 1));
	}
	return (-1);
}

static char *
dup_bytes(const char *p, size_t n)
{
	char *s;

	if ((s = malloc(n + 1)) == NULL)
		return (NULL);
	memcpy(s, p, n);
	s[n] = '\0';
	return (s);
}

static int
rec_new(struct sr_reader *r, uint32_t h, const char *host, size_t hl,
    const char *rec, size_t rl, size_t *idx)
{
	struct tl_state *st = r->state;
	struct tl_rec *rc, *nr;
	int ret;

	/* The core reports "more than N sessions" when asked for more. */
	if (st->nrecs >= sr_ctx_limit(r->ctx, SR_LIMIT_SESSIONS) ||
	    st->nrecs >= UINT32_MAX / 4)
		return (SR_EOF);
	if ((st->nrecs + 1) * 2 > st->hashcap && (ret = hash_grow(r)) != SR_OK)
		return (ret);
	if (st->nrecs == st->reccap) {
		size_t ncap = st->reccap ? st->reccap * 2 : 4;

		if ((ret = index_account(r,
			 (ncap - st->reccap) * sizeof(*nr))) != SR_OK)
			return (ret);
		if ((nr = sr_reallocarray(st->recs, ncap, sizeof(*nr))) == NULL)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory"));
		st->recs = nr;
		st->reccap = ncap;
	}
	if (hl > UINT32_MAX || rl > UINT32_MAX)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, NULL,
		    "host or rec longer than 4 GiB"));
	if ((ret = index_account(r, hl + rl + 2)) != SR_OK)
		return (ret);
	rc = &st->recs[st->nrecs];
	memset(rc, 0, sizeof(*rc));
	rc->hash = h;
	if ((host != NULL && (rc->host = dup_bytes(host, hl)) == NULL) ||
	    (rec != NULL && (rc->rec = dup_bytes(rec, rl)) == NULL)) {
		free(rc->host);
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	}
	rc->hostlen = (uint32_t)hl;
	rc->reclen = (uint32_t)rl;
	if (rec == NULL)
		rc->noname = ++st->nnoname;
	(void)hash_insert(st, h, st->nrecs);
	*idx = st->nrecs++;
	return (SR_OK);
}

static struct tl_run *
rec_run(struct tl_rec *rc, size_t i)
{
	return (i == 0 ? &rc->run0 : &rc->more[i - 1]);
}

/* Adds a line to a recording: extends its last run or starts one. */
static int
rec_add_line(struct sr_reader *r, struct tl_rec *rc, int64_t off, int64_t line,
    uint64_t n, int extend)
{
	struct tl_run *nr, *run;
	int ret;

	if (extend && rc->nruns > 0) {
		rec_run(rc, rc->nruns - 1)->nlines += n;
		return (SR_OK);
	}
	if (rc->nruns > 0 && rc->nruns - 1 == rc->morecap) {
		size_t ncap = rc->morecap ? rc->morecap * 2 : 2;

		if ((ret = index_account(r,
			 (ncap - rc->morecap) * sizeof(*nr))) != SR_OK)
			return (ret);
		if ((nr = sr_reallocarray(rc->more, ncap, sizeof(*nr))) == NULL)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory"));
		rc->more = nr;
		rc->morecap = ncap;
	}
	run = rec_run(rc, rc->nruns);
	run->off = off;
	run->line = line;
	run->nlines = n;
	rc->nruns++;
	return (SR_OK);
}

/* Key part of a message: decoded only when it has escapes. */
static int
key_part(const struct tl_val *v, int present, struct sr_buf *b, const char **p,
    size_t *len)
{
	size_t bad;

	if (!present) {
		*p = NULL;
		*len = 0;
		return (0);
	}
	if (memchr(v->p, '\\', v->len) == NULL) {
		*p = v->p;
		*len = v->len;
		return (0);
	}
	if (dec_string(v->p, v->len, b, &bad) != 0)
		return (-1);
	*p = b->data;
	*len = b->len;
	return (0);
}

/* Copies a string value of m into *dst (owned), decoding escapes. */
static int
meta_dup(struct sr_reader *r, const struct tl_msg *m, int k, char **dst)
{
	struct tl_state *st = r->state;
	const struct tl_val *v = &m->v[k];
	size_t bad;

	if (!(m->have & KB(k)))
		return (SR_OK);
	if (v->kind == TV_NUM) {
		*dst = dup_bytes(v->p, v->len);
	} else {
		if (dec_string(v->p, v->len, &st->key1, &bad) != 0)
			return (SR_OK); /* left unknown */
		*dst = dup_bytes(st->key1.data, st->key1.len);
	}
	if (*dst == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	return (index_account(r, v->len + 1));
}

/* Records what a good message tells about its recording. */
static int
rec_take(struct sr_reader *r, struct tl_rec *rc, const struct tl_msg *m,
    const struct tl_tsum *sum)
{
	int64_t base, end;
	int ret;

	if (!(rc->have & RH_META)) {
		rc->have |= RH_META;
		if ((ret = meta_dup(r, m, K_USER, &rc->user)) != SR_OK ||
		    (ret = meta_dup(r, m, K_TERM, &rc->term)) != SR_OK ||
		    (ret = meta_dup(r, m, K_VER, &rc->ver)) != SR_OK)
			return (ret);
		if (m->have & KB(K_SESSION)) {
			rc->session = m->session;
			rc->have |= RH_SESSION;
		}
	}
	if (!(rc->have & RH_START) && m->has_time &&
	    m->time_ns >= m->pos * SR_NSEC_PER_MSEC) {
		rc->start_ns = m->time_ns - m->pos * SR_NSEC_PER_MSEC;
		rc->have |= RH_START;
	}
	if (!(rc->have & RH_GEOM) && sum->have_win) {
		rc->cols = (uint16_t)sum->cols;
		rc->rows = (uint16_t)sum->rows;
		rc->have |= RH_GEOM;
	}
	/* The same clamping as next_event, so duration matches the events. */
	base = m->pos > rc->end_ms ? m->pos : rc->end_ms;
	end =
	    sum->delay_ms > TL_MS_MAX - base ? TL_MS_MAX : base + sum->delay_ms;
	rc->end_ms = end;
	if (end > rc->dur_ms)
		rc->dur_ms = end;
	rc->nok++;
	return (SR_OK);
}

/*
 * The first good message of a recording: sessrec puts its sr_* metadata
 * after the text, which the index scan stops short of, so this one line
 * is scanned whole.  A line that does not scan whole is left as the
 * index pass saw it.
 */
static int
sr_meta_take(struct sr_reader *r, struct tl_rec *rc, const char *line,
    size_t len)
{
	struct tl_msg m;
	struct tl_perr pe;
	int k, ret;

	/*
	 * tlog-rec ends every message with out_bin's array, and sessrec
	 * writes its keys after it: a line ending in "]}" has none of them,
	 * which spares tlog-rec's files the scan.
	 */
	while (len > 0 && is_ws((unsigned char)line[len - 1]))
		len--;
	if ((len >= 2 && line[len - 1] == '}' && line[len - 2] == ']') ||
	    tl_scan(line, len, 0, &m, &pe) != 0 ||
	    (m.have & TL_SR_META_KEYS) == 0)
		return (SR_OK);
	if ((ret = index_account(r, sizeof(*rc->sr))) != SR_OK)
		return (ret);
	if ((rc->sr = calloc(1, sizeof(*rc->sr))) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	for (k = K_SR_FIRST; k < K_SR_FIRST + K_SR_NMETA; k++) {
		if (m.v[k].kind != TV_STR)
			continue;
		if ((ret = meta_dup(r, &m, k, &rc->sr->f[k - K_SR_FIRST])) !=
		    SR_OK)
			return (ret);
	}
	return (SR_OK);
}

static int
rec_keep_err(struct sr_reader *r, struct tl_rec *rc, enum sr_errcat cat,
    int64_t line, int64_t id, int64_t off, const char *msg)
{
	if (rc->err != NULL)
		return (SR_OK);
	if ((rc->err = malloc(sizeof(*rc->err))) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	err_keep(rc->err, cat, line, id, off, msg);
	return (index_account(r, sizeof(*rc->err)));
}

static int
is_blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_ws((unsigned char)p[i]))
			return (0);
	return (1);
}

/*
 * The index pass: reads every line once, finds the recordings and their
 * runs of lines, and what next_session must know without reading events
 * (metadata, duration, first window).
 */
static int
tl_index(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	struct tl_msg m;
	struct tl_perr pe;
	struct tl_tsum sum;
	const char *line, *host, *rec, *t;
	size_t len, hl, rl, tl;
	int64_t off, line_no = 0, pend_off = -1, pend_line = 0;
	uint64_t pend_n = 0;
	ssize_t cur = -1, found;
	size_t idx = 0;
	int complete = 1, ret, bad;

	for (;;) {
		off = sr_stream_offset(st->s);
		ret = sr_stream_getline(st->s, &line, &len, &complete,
		    (size_t)st->linemax);
		if (ret == SR_EOF)
			break;
		line_no++;
		if (ret != SR_OK) {
			const struct sr_error *se = sr_stream_error(st->s);
			struct sr_loc loc;

			if (se == NULL || se->cat != SR_E_LIMIT) {
				loc_make(&loc, line_no, -1, off);
				return (sr_reader_errorf(r, SR_FAILED,
				    se != NULL ? se->cat : SR_E_IO, &loc, "%s",
				    se != NULL ? se->msg : "read error"));
			}
			/* An over-long line: a bad line of the current run. */
			if (!st->have_ferr) {
				st->have_ferr = 1;
				err_keep(&st->ferr, SR_E_LIMIT, line_no, -1,
				    off, "");
				(void)snprintf(st->ferr.msg,
				    sizeof(st->ferr.msg),
				    "line longer than the line limit of %llu "
				    "bytes",
				    (unsigned long long)st->linemax);
			}
			complete = 1;
			goto attach;
		}
		if (is_blank(line, len)) {
			/* Runs must cover every physical line after their start. */
			if (cur >= 0 &&
			    (ret = rec_add_line(r, &st->recs[cur], off, line_no,
				 1, 1)) != SR_OK)
				return (ret);
			if (cur < 0 && pend_n > 0)
				pend_n++;
			continue;
		}
		bad = tl_scan(line, len, complete ? TL_INDEX_KEYS : 0, &m,
			  &pe) != 0;
		/* Without "ver" it is not a tlog message: no new recording. */
		if (!bad && !(m.have & KB(K_VER))) {
			perr_set(&pe, 0, "message has no 'ver'");
			bad = 1;
		}
		if (!bad &&
		    (key_part(&m.v[K_HOST],
			 m.have & KB(K_HOST) && m.v[K_HOST].kind == TV_STR,
			 &st->key1, &host, &hl) != 0 ||
			key_part(&m.v[K_REC],
			    m.have & KB(K_REC) && m.v[K_REC].kind == TV_STR,
			    &st->key2, &rec, &rl) != 0)) {
			perr_set(&pe, 0, "bad escape in host or rec");
			bad = 1;
		}
		if (bad) {
			if (!st->have_ferr) {
				st->have_ferr = 1;
				err_keep(&st->ferr, pe.cat, line_no, -1,
				    off + (int64_t)pe.at, pe.msg);
			}
			/*
			 * A broken line that still names a known recording
			 * (tlog writes rec early, so even a cut line often
			 * does) goes with it; any other with its neighbours.
			 */
			found = -1;
			if ((m.have & KB(K_REC)) && m.v[K_REC].kind == TV_STR &&
			    key_part(&m.v[K_HOST],
				m.have & KB(K_HOST) &&
				    m.v[K_HOST].kind == TV_STR,
				&st->key1, &host, &hl) == 0 &&
			    key_part(&m.v[K_REC], 1, &st->key2, &rec, &rl) == 0)
				found =
				    rec_find(st, key_hash(host, hl, rec, rl),
					host, hl, rec, rl);
			if (found >= 0) {
				if ((ret = rec_add_line(r, &st->recs[found],
					 off, line_no, 1, found == cur)) !=
				    SR_OK)
					return (ret);
				cur = found;
			} else
				goto attach;
			if (!complete)
				st->recs[cur].truncated = 1;
			continue;
		}
		if (cur >= 0 && key_eq(&st->recs[cur], host, hl, rec, rl))
			found = cur; /* the usual case: no hashing */
		else {
			uint32_t h = key_hash(host, hl, rec, rl);

			found = rec_find(st, h, host, hl, rec, rl);
			if (found < 0) {
				ret = rec_new(r, h, host, hl, rec, rl, &idx);
				if (ret == SR_EOF)
					break; /* too many recordings */
				if (ret != SR_OK)
					return (ret);
				found = (ssize_t)idx;
			}
		}
		/* Lines before the first recording belong to it. */
		if (pend_n > 0) {
			if ((ret = rec_add_line(r, &st->recs[found], pend_off,
				 pend_line, pend_n, 0)) != SR_OK)
				return (ret);
			pend_n = 0;
			cur = found;
		}
		if ((ret = rec_add_line(r, &st->recs[found], off, line_no, 1,
			 found == cur)) != SR_OK)
			return (ret);
		cur = found;
		{
			struct tl_rec *rc = &st->recs[cur];
			int64_t id = -1;

			if (tl_check(&m, &pe) == 0 &&
			    timing_text(st, &m, &t, &tl, &pe) == 0 &&
			    tim_check(t, tl, &sum, &pe) == 0) {
				if (!(rc->have & RH_META) &&
				    (ret = sr_meta_take(r, rc, line, len)) !=
					SR_OK)
					return (ret);
				if ((ret = rec_take(r, rc, &m, &sum)) != SR_OK)
					return (ret);
				if (rc->sr != NULL)
					rc->sr->last_off = off;
			} else {
				if (m.have & KB(K_ID))
					(void)parse_int(&m.v[K_ID], INT64_MAX,
					    &id);
				if ((ret = rec_keep_err(r, rc, pe.cat, line_no,
					 id, off, pe.msg)) != SR_OK)
					return (ret);
				if (!complete)
					rc->truncated = 1;
			}
		}
		if (st->one_pass && st->nrecs == 1 && st->recs[0].nok > 0 &&
		    st->recs[0].nruns == 1) {
			/*
			 * One pass: the metadata is known; the rest of the
			 * stream is read as it comes, in one run to its end.
			 */
			st->recs[0].run0.nlines = UINT64_MAX;
			st->streaming = 1;
			break;
		}
		continue;
	attach:
		/* A line we cannot attribute goes with its neighbours. */
		if (cur >= 0) {
			if (!complete)
				st->recs[cur].truncated = 1;
			if ((ret = rec_add_line(r, &st->recs[cur], off, line_no,
				 1, 1)) != SR_OK)
				return (ret);
		} else {
			if (pend_n == 0) {
				pend_off = off;
				pend_line = line_no;
			}
			pend_n++;
		}
	}
	if (st->nrecs == 0 && st->have_ferr) {
		struct sr_loc loc;

		loc_make(&loc, st->ferr.line, st->ferr.msg_id, st->ferr.offset);
		return (sr_reader_errorf(r, SR_FAILED, st->ferr.cat, &loc,
		    "no tlog message found: %s", st->ferr.msg));
	}
	return (SR_OK);
}

static void
tl_init(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	uint64_t ev;

	st->linemax = sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	if (st->linemax > SIZE_MAX / 2)
		st->linemax = SIZE_MAX / 2;
	ev = sr_ctx_limit(r->ctx, SR_LIMIT_EVENT);
	/* An event must hold at least one character. */
	st->evmax = ev < 16	? 16
	    : ev > SIZE_MAX / 2 ? SIZE_MAX / 2
				: (size_t)ev;
	st->index_max = sr_ctx_limit(r->ctx, SR_LIMIT_SPOOL);
	st->one_pass = (sr_ctx_flags(r->ctx) & SR_CTX_ONE_PASS) != 0;
	sr_buf_init(&st->ev, st->evmax + 8);
	sr_buf_init(&st->obin, (size_t)st->linemax);
	sr_buf_init(&st->ibin, (size_t)st->linemax);
	sr_buf_init(&st->tbuf, (size_t)st->linemax + 8);
	sr_buf_init(&st->key1, (size_t)st->linemax + 8);
	sr_buf_init(&st->key2, (size_t)st->linemax + 8);
}

int
sr_tlog_open_stream(struct sr_reader *r, struct sr_stream *s)
{
	struct tl_state *st = r->state;

	tl_init(r);
	st->s = s;
	return (tl_index(r));
}

static int
tlog_open(struct sr_reader *r)
{
	struct sr_stream *s = NULL;
	int ret;

	if ((ret = sr_reader_stream_open(r, "", 0, &s)) != SR_OK)
		return (ret < SR_FAILED ? ret : SR_FAILED);
	return (sr_tlog_open_stream(r, s));
}

/* Frees the index. */
static void
index_free(struct tl_state *st)
{
	size_t i, j;

	for (i = 0; i < st->nrecs; i++) {
		struct tl_rec *rc = &st->recs[i];

		free(rc->host);
		free(rc->rec);
		free(rc->user);
		free(rc->term);
		free(rc->ver);
		free(rc->more);
		free(rc->err);
		if (rc->sr != NULL) {
			for (j = 0; j < K_SR_NMETA; j++)
				free(rc->sr->f[j]);
			free(rc->sr);
		}
	}
	free(st->recs);
	free(st->hash);
	st->recs = NULL;
	st->hash = NULL;
	st->nrecs = st->reccap = st->hashcap = 0;
	st->index_bytes = 0;
	st->nnoname = 0;
	st->have_ferr = 0;
}

/*
 * A second session was asked for after one pass: the whole index pass
 * after all, from the start of the stream.
 */
static int
tl_reindex(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	const struct sr_error *se;

	index_free(st);
	st->rec = NULL;
	st->one_pass = st->streaming = 0;
	if (sr_stream_seek(st->s, 0) != SR_OK) {
		se = sr_stream_error(st->s);
		return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, NULL,
		    "cannot seek: %s", se != NULL ? se->msg : "?"));
	}
	return (tl_index(r));
}

static void
tlog_close(struct sr_reader *r)
{
	struct tl_state *st = r->state;

	if (st == NULL)
		return;
	index_free(st);
	sr_buf_release(&st->ev);
	sr_buf_release(&st->obin);
	sr_buf_release(&st->ibin);
	sr_buf_release(&st->tbuf);
	sr_buf_release(&st->key1);
	sr_buf_release(&st->key2);
	sr_stream_close(st->s);
	st->s = NULL;
}

/*
 * Sessions.
 */

static int
set_field(struct sr_reader *r, enum sr_field f, const char *v)
{
	int ret;

	if (v == NULL || v[0] == '\0')
		return (SR_OK);
	if ((ret = sr_session_set_str(&r->session, f, v)) == SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	return (SR_OK); /* over the meta limit: left unknown */
}

void
sr_tlog_signame(int signo, char *buf, size_t len)
{
	static const struct {
		int no;
		const char *name;
	} sigs[] = {
		{ SIGHUP, "HUP" },
		{ SIGINT, "INT" },
		{ SIGQUIT, "QUIT" },
		{ SIGILL, "ILL" },
		{ SIGTRAP, "TRAP" },
		{ SIGABRT, "ABRT" },
		{ SIGBUS, "BUS" },
		{ SIGFPE, "FPE" },
		{ SIGKILL, "KILL" },
		{ SIGUSR1, "USR1" },
		{ SIGSEGV, "SEGV" },
		{ SIGUSR2, "USR2" },
		{ SIGPIPE, "PIPE" },
		{ SIGALRM, "ALRM" },
		{ SIGTERM, "TERM" },
		{ SIGCHLD, "CHLD" },
		{ SIGCONT, "CONT" },
		{ SIGSTOP, "STOP" },
		{ SIGTSTP, "TSTP" },
		{ SIGTTIN, "TTIN" },
		{ SIGTTOU, "TTOU" },
		{ SIGURG, "URG" },
		{ SIGXCPU, "XCPU" },
		{ SIGXFSZ, "XFSZ" },
		{ SIGVTALRM, "VTALRM" },
		{ SIGPROF, "PROF" },
		{ SIGWINCH, "WINCH" },
		{ SIGSYS, "SYS" },
	};
	size_t i;

	for (i = 0; i < nitems(sigs); i++) {
		if (sigs[i].no == signo) {
			(void)snprintf(buf, len, "%s", sigs[i].name);
			return;
		}
	}
	(void)snprintf(buf, len, "%d", signo);
}

static int
is_word(const char *s, size_t len, const char *w)
{
	return (strlen(w) == len && memcmp(s, w, len) == 0);
}

int
sr_tlog_session_end(struct sr_reader *r, const char *reason, size_t rlen,
    int64_t status, int have_status)
{
	struct sr_session *s = &r->session;

	if (is_word(reason, rlen, "exit") && have_status && status >= INT_MIN &&
	    status <= INT_MAX) {
		s->exit_status = (int)status;
		s->have |= SR_HAVE_EXIT;
	} else if (is_word(reason, rlen, "signal") && have_status &&
	    status > 0 && status <= INT_MAX) {
		sr_tlog_signame((int)status, s->exit_signal,
		    sizeof(s->exit_signal));
		s->have |= SR_HAVE_SIGNAL;
	}
	if (sr_session_add_extra(s, "sessrec.end_reason", reason, rlen) ==
	    SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	return (SR_OK);
}

/* "exit 0", "signal TERM", or the reason alone, into b. */
static int
end_text(struct sr_buf *b, const char *reason, size_t rlen, int64_t status,
    int have_status)
{
	char name[32];

	sr_buf_reset(b);
	if (is_word(reason, rlen, "exit") && have_status)
		return (sr_buf_printf(b, "exit %lld", (long long)status));
	if (is_word(reason, rlen, "signal") && have_status && status > 0 &&
	    status <= INT_MAX) {
		sr_tlog_signame((int)status, name, sizeof(name));
		return (sr_buf_printf(b, "signal %s", name));
	}
	if (rlen > b->max)
		rlen = b->max;
	return (sr_buf_append(b, reason, rlen));
}

/* sr_end and sr_status of a message; -1 when it has no sr_end. */
static int
end_parse(struct tl_state *st, const struct tl_val *end,
    const struct tl_val *status, int64_t *stv, int *have_status)
{
	size_t bad;

	*have_status = 0;
	*stv = 0;
	if (end->kind != TV_STR)
		return (-1);
	if (dec_string(end->p, end->len, &st->key1, &bad) != 0)
		return (-1);
	if (status->kind == TV_NUM &&
	    sr_parse_i64(status->p, status->len, stv) == 0)
		*have_status = 1;
	return (0);
}

/*
 * A recording sessrec wrote: its sr_* metadata, and the end that its
 * last good message tells (read again here, once per session).
 */
static int
sr_apply(struct sr_reader *r, struct tl_rec *rc)
{
	static const enum sr_field fields[K_SR_NMETA] = {
		[K_SR_SESSION_ID - K_SR_FIRST] = SR_F_SESSION_ID,
		[K_SR_ACTOR - K_SR_FIRST] = SR_F_ACTOR,
		[K_SR_SRC_IP - K_SR_FIRST] = SR_F_SRC_IP,
		[K_SR_TARGET - K_SR_FIRST] = SR_F_TARGET,
		[K_SR_TICKET - K_SR_FIRST] = SR_F_TICKET,
		[K_SR_TTY - K_SR_FIRST] = SR_F_TTY,
		[K_SR_CWD - K_SR_FIRST] = SR_F_CWD,
		[K_SR_COMMAND - K_SR_FIRST] = SR_F_COMMAND,
		[K_SR_HOST - K_SR_FIRST] = SR_F_HOST,
	};
	struct tl_state *st = r->state;
	struct tl_msg m;
	struct tl_perr pe;
	const char *line;
	size_t i, len;
	int64_t status;
	int complete, have_status, ret;

	for (i = 0; i < K_SR_NMETA; i++) {
		if (rc->sr->f[i] == NULL)
			continue;
		/* tlog's host wins; sr_host only fills in an empty one. */
		if (fields[i] == SR_F_HOST &&
		    r->session.field[SR_F_HOST] != NULL)
			continue;
		if ((ret = set_field(r, fields[i], rc->sr->f[i])) != SR_OK)
			return (ret);
	}
	/* The line was read before: problems with it are reported there. */
	if (sr_stream_seek(st->s, rc->sr->last_off) != SR_OK ||
	    sr_stream_getline(st->s, &line, &len, &complete,
		(size_t)st->linemax) != SR_OK ||
	    tl_scan(line, len, 0, &m, &pe) != 0 ||
	    end_parse(st, &m.v[K_SR_END], &m.v[K_SR_STATUS], &status,
		&have_status) != 0)
		return (SR_OK);
	if (st->embedded) {
		st->have_end = 1;
		(void)snprintf(st->end_reason, sizeof(st->end_reason), "%.*s",
		    (int)strnlen(st->key1.data, st->key1.len), st->key1.data);
		st->end_status = status;
		st->end_have_status = have_status;
	} else if ((ret = sr_tlog_session_end(r, st->key1.data, st->key1.len,
			status, have_status)) != SR_OK)
		return (ret);
	if (!rc->truncated)
		r->session.state = SR_STATE_COMPLETE;
	return (SR_OK);
}

static int
tlog_next_session(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	struct tl_rec *rc;
	struct sr_session *s = &r->session;
	char buf[SR_MEMBER_MAX + 32];
	int ret;

	st->rec = NULL;
	st->m.active = 0;
	if (st->streaming && st->next >= 1 && (ret = tl_reindex(r)) != SR_OK)
		return (ret);
	if (st->next >= st->nrecs)
		return (SR_EOF);
	rc = &st->recs[st->next++];
	if (rc->nok == 0) {
		struct sr_loc loc;
		const struct tl_err *e = rc->err;

		if (e == NULL)
			return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT,
			    NULL, "recording has no readable message"));
		loc_make(&loc, e->line, e->msg_id, e->offset);
		return (
		    sr_reader_errorf(r, SR_FAILED, e->cat, &loc, "%s", e->msg));
	}
	if (rc->rec != NULL)
		ret = set_field(r, SR_F_SESSION_ID, rc->rec);
	else {
		const char *base = sr_basename(
		    r->member[0] != '\0' ? r->member : sr_input_path(r->in));

		if (st->nnoname > 1)
			(void)snprintf(buf, sizeof(buf), "%s#%zu", base,
			    rc->noname);
		else
			(void)snprintf(buf, sizeof(buf), "%s", base);
		ret = set_field(r, SR_F_SESSION_ID, buf);
	}
	if (ret != SR_OK ||
	    (ret = set_field(r, SR_F_ACTOR, rc->user)) != SR_OK ||
	    (ret = set_field(r, SR_F_HOST, rc->host)) != SR_OK ||
	    (ret = set_field(r, SR_F_TERM, rc->term)) != SR_OK)
		return (ret);
	if (!st->embedded && rc->have & RH_SESSION &&
	    rc->session != TL_SESSION_UNSET) {
		int n = snprintf(buf, sizeof(buf), "%llu",
		    (unsigned long long)rc->session);

		if (sr_session_add_extra(s, "tlog.session", buf, (size_t)n) ==
		    SR_FATAL)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory"));
	}
	if (!st->embedded && rc->ver != NULL &&
	    sr_session_add_extra(s, "tlog.ver", rc->ver, strlen(rc->ver)) ==
		SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	if (rc->have & RH_START) {
		s->start_ns = rc->start_ns;
		s->have |= SR_HAVE_START;
	}
	if (!st->streaming) {
		/* One pass saw only the first message: no duration. */
		s->duration_ns = rc->dur_ms * SR_NSEC_PER_MSEC;
		s->have |= SR_HAVE_DURATION;
	}
	if (rc->have & RH_GEOM) {
		s->rows = rc->rows;
		s->cols = rc->cols;
		s->have |= SR_HAVE_GEOMETRY;
	}
	/* tlog has no end marker: only a cut last line tells. */
	s->state = rc->truncated ? SR_STATE_INCOMPLETE : SR_STATE_UNKNOWN;
	if (rc->sr != NULL && (ret = sr_apply(r, rc)) != SR_OK)
		return (ret);

	st->rec = rc;
	st->run_i = 0;
	st->run_left = 0;
	st->have_last_id = 0;
	st->prev_end_ms = 0;
	st->rows = rc->rows;
	st->cols = rc->cols;
	st->gap = 0;
	st->warned = 0;
	st->done = 0;
	return (SR_OK);
}

static int
tlog_skip_session(struct sr_reader *r)
{
	struct tl_state *st = r->state;

	/* Nothing to drain: next_session seeks to the next recording. */
	st->rec = NULL;
	st->m.active = 0;
	return (SR_OK);
}

/*
 * Events.
 */

/* Decodes a bin array ("[255,254]") into b; -1 with pe on a bad one. */
static int
dec_bin(const struct tl_val *v, int present, struct sr_buf *b, const char *base,
    struct tl_perr *pe)
{
	const char *p, *e, *s;
	unsigned x;

	sr_buf_reset(b);
	if (!present)
		return (0);
	p = v->p + 1;
	e = v->p + v->len - 1; /* the ']' */
	if (sr_buf_reserve(b, v->len / 2 + 1) != SR_E_NONE) {
		perr_set(pe, (size_t)(v->p - base), "binary array too long");
		return (-1);
	}
	for (;;) {
		p = skip_ws(p, e);
		if (p >= e)
			break;
		s = p;
		x = 0;
		while (p < e && *p >= '0' && *p <= '9' && x < 1000)
			x = x * 10 + (unsigned)(*p++ - '0');
		if (p == s || x > 255 || (p - s > 1 && *s == '0')) {
			perr_set(pe, (size_t)(s - base),
			    "binary array holds something other than bytes");
			return (-1);
		}
		b->data[b->len++] = (char)x;
		p = skip_ws(p, e);
		if (p < e) {
			if (*p != ',') {
				perr_set(pe, (size_t)(p - base),
				    "binary array holds something other "
				    "than bytes");
				return (-1);
			}
			p++;
		}
	}
	b->data[b->len] = '\0';
	return (0);
}

/* next_line() found a line over the line limit (and skipped it). */
#define TL_LONG 2

/*
 * Reads the next line of the current recording: SR_OK, SR_EOF after its
 * last, TL_LONG for a line over the limit, or an error status.
 */
static int
next_line(struct sr_reader *r, const char **line, size_t *len, int *complete,
    int64_t *off)
{
	struct tl_state *st = r->state;
	struct tl_rec *rc = st->rec;
	const struct sr_error *se;
	struct sr_loc loc;
	int ret;

	while (st->run_left == 0) {
		const struct tl_run *run;

		if (st->run_i >= rc->nruns)
			return (SR_EOF);
		run = rec_run(rc, st->run_i++);
		if (sr_stream_offset(st->s) != run->off &&
		    sr_stream_seek(st->s, run->off) != SR_OK) {
			se = sr_stream_error(st->s);
			loc_make(&loc, run->line, -1, run->off);
			return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, &loc,
			    "cannot seek: %s", se != NULL ? se->msg : "?"));
		}
		st->run_left = run->nlines;
		st->line_no = run->line;
	}
	*off = sr_stream_offset(st->s);
	st->run_left--;
	ret =
	    sr_stream_getline(st->s, line, len, complete, (size_t)st->linemax);
	st->line_no++;
	loc_make(&loc, st->line_no - 1, -1, *off);
	if (ret == SR_EOF && st->streaming)
		return (SR_EOF); /* one pass: the end of the stream */
	if (ret == SR_EOF)
		/* The file shrank since the index pass. */
		return (sr_reader_errorf(r, SR_FAILED, SR_E_IO, &loc,
		    "file changed while being read"));
	if (ret != SR_OK) {
		se = sr_stream_error(st->s);
		if (se != NULL && se->cat == SR_E_LIMIT)
			return (TL_LONG);
		return (sr_reader_errorf(r, ret < SR_FAILED ? ret : SR_FAILED,
		    se != NULL ? se->cat : SR_E_IO, &loc, "%s",
		    se != NULL ? se->msg : "read error"));
	}
	return (SR_OK);
}

/*
 * Streaming (one pass): whether a message belongs to another recording
 * than the one being read.  A line that is no message, or whose key
 * does not decode, stays with its neighbours, as in the index pass.
 */
static int
other_rec(struct tl_state *st, const struct tl_msg *m)
{
	const char *host, *rec;
	size_t hl, rl;

	if (!(m->have & KB(K_VER)) ||
	    key_part(&m->v[K_HOST],
		m->have & KB(K_HOST) && m->v[K_HOST].kind == TV_STR, &st->key1,
		&host, &hl) != 0 ||
	    key_part(&m->v[K_REC],
		m->have & KB(K_REC) && m->v[K_REC].kind == TV_STR, &st->key2,
		&rec, &rl) != 0)
		return (0);
	return (!key_eq(st->rec, host, hl, rec, rl));
}

/* Loads the next good message of the recording into st->m. */
static int
load_message(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	struct tl_cur *c = &st->m;
	struct tl_msg m;
	struct tl_perr pe;
	struct tl_tsum sum;
	struct sr_loc loc;
	const char *line, *t;
	size_t len, tl;
	int64_t off = -1, line_no, base;
	int complete, ret, scan;

	for (;;) {
		if (st->done)
			return (SR_EOF);
		ret = next_line(r, &line, &len, &complete, &off);
		if (ret == SR_EOF) {
			st->done = 1;
			return (SR_EOF);
		}
		line_no = st->line_no - 1;
		loc_make(&loc, line_no, -1, off);
		if (ret == TL_LONG) {
			(void)tl_warn(r, SR_E_LIMIT, &loc,
			    "line longer than the line limit of %llu bytes "
			    "skipped",
			    (unsigned long long)st->linemax);
			st->gap = 1;
			st->have_last_id = 0;
			continue;
		}
		if (ret != SR_OK)
			return (ret);
		if (is_blank(line, len))
			continue;
		scan = tl_scan(line, len, 0, &m, &pe);
		if (scan == 0 && st->streaming && other_rec(st, &m))
			continue;
		if (scan != 0 || tl_check(&m, &pe) != 0 ||
		    timing_text(st, &m, &t, &tl, &pe) != 0 ||
		    tim_check(t, tl, &sum, &pe) != 0 ||
		    dec_bin(&m.v[K_OUT_BIN], m.have & KB(K_OUT_BIN), &st->obin,
			line, &pe) != 0 ||
		    dec_bin(&m.v[K_IN_BIN], m.have & KB(K_IN_BIN), &st->ibin,
			line, &pe) != 0) {
			if (m.have & KB(K_ID))
				(void)parse_int(&m.v[K_ID], INT64_MAX,
				    &loc.msg_id);
			loc.offset = off + (int64_t)pe.at;
			if (!complete) {
				(void)tl_warn(r, SR_E_TRUNCATED, &loc,
				    "last line is truncated (the recorder "
				    "may have died): %s",
				    pe.msg);
				st->gap = 1;
				st->done = 1;
				return (SR_EOF);
			}
			(void)tl_warn(r, pe.cat, &loc, "message skipped: %s",
			    pe.msg);
			st->gap = 1;
			/* Its id is unknown: do not report it as missing. */
			st->have_last_id = 0;
			continue;
		}
		loc.msg_id = m.id;
		if (sum.obytes > st->obin.len || sum.ibytes > st->ibin.len) {
			int out = sum.obytes > st->obin.len;

			(void)tl_warn(r, SR_E_FORMAT, &loc,
			    "message skipped: timing string asks for %llu "
			    "bytes, %s has %zu",
			    (unsigned long long)(out ? sum.obytes : sum.ibytes),
			    out ? "out_bin" : "in_bin",
			    out ? st->obin.len : st->ibin.len);
			st->gap = 1;
			st->have_last_id = 0;
			continue;
		}
		if (st->have_last_id && m.id != st->last_id + 1) {
			if (m.id > st->last_id + 1) {
				if (m.id == st->last_id + 2)
					(void)tl_warn(r, SR_E_FORMAT, &loc,
					    "message %lld missing",
					    (long long)(st->last_id + 1));
				else
					(void)tl_warn(r, SR_E_FORMAT, &loc,
					    "messages %lld..%lld missing",
					    (long long)(st->last_id + 1),
					    (long long)(m.id - 1));
				st->gap = 1;
			} else
				(void)tl_warn(r, SR_E_FORMAT, &loc,
				    "message id %lld out of order after %lld",
				    (long long)m.id, (long long)st->last_id);
		}
		st->last_id = m.id;
		st->have_last_id = 1;
		base = m.pos;
		if (base < st->prev_end_ms) {
			(void)tl_warn(r, SR_E_FORMAT, &loc,
			    "time goes backwards: pos %lld is before the end "
			    "of the previous message at %lld",
			    (long long)m.pos, (long long)st->prev_end_ms);
			base = st->prev_end_ms;
		}
		st->prev_end_ms = sum.delay_ms > TL_MS_MAX - base
		    ? TL_MS_MAX
		    : base + sum.delay_ms;

		memset(c, 0, sizeof(*c));
		c->active = 1;
		c->line = line_no;
		c->msg_id = m.id;
		c->off = off;
		c->lbase = line;
		c->tp = t;
		c->te = t + tl;
		if (m.have & KB(K_OUT_TXT)) {
			c->op = (const unsigned char *)m.v[K_OUT_TXT].p;
			c->oe = c->op + m.v[K_OUT_TXT].len;
		}
		if (m.have & KB(K_IN_TXT)) {
			c->ip = (const unsigned char *)m.v[K_IN_TXT].p;
			c->ie = c->ip + m.v[K_IN_TXT].len;
		}
		c->oneed = sum.ochars;
		c->ineed = sum.ichars;
		c->t_ms = base;
		if (m.have & TL_SR_EV_KEYS) {
			if (m.v[K_SR_MARK].kind == TV_STR) {
				c->special |= TL_SP_MARK;
				c->mark = m.v[K_SR_MARK];
				c->detail = m.v[K_SR_DETAIL];
			}
			if (m.v[K_SR_END].kind == TV_STR) {
				c->special |= TL_SP_END;
				c->end = m.v[K_SR_END];
				c->status = m.v[K_SR_STATUS];
			}
		}
		return (SR_OK);
	}
}

enum { RR_DONE, RR_FULL, RR_SHORT };

/*
 * Continues the text/binary record in progress into the event buffer.
 * Returns RR_DONE when the record is done, RR_FULL when the event is
 * full, RR_SHORT when the message ran out of characters or has a bad
 * escape (warned; the rest of the message is dropped), or SR_FATAL.
 */
static int
run_record(struct sr_reader *r, int *binary)
{
	struct tl_state *st = r->state;
	struct tl_cur *c = &st->m;
	int out = c->rtype == '>' || c->rtype == ']';
	const unsigned char **pp = out ? &c->op : &c->ip;
	const unsigned char *e = out ? c->oe : c->ie;
	uint64_t *used = out ? &c->ochars : &c->ichars;
	struct sr_buf *bin = out ? &st->obin : &st->ibin;
	size_t *bi = out ? &c->obin_i : &c->ibin_i;
	struct sr_buf *b = &st->ev;
	struct sr_loc loc;
	size_t room, w;
	uint64_t n, before;
	int ret;

	if (c->rskip > 0) {
		/* The U+FFFD placeholders of the bytes that follow. */
		before = c->rskip;
		ret = dec_chars(pp, e, &c->rskip, NULL, SIZE_MAX, &w, binary);
		*used += before - c->rskip;
		if (ret != DEC_OK)
			goto short_text;
	}
	if (c->rtype == '>' || c->rtype == '<') {
		while (c->rn > 0) {
			room = st->evmax - b->len;
			if (room < 4)
				return (RR_FULL);
			/* Room for the worst case of 4 bytes a character. */
			w = c->rn > room / 4 ? room : (size_t)c->rn * 4;
			if (sr_buf_reserve(b, w) != SR_E_NONE)
				return (sr_reader_errorf(r, SR_FATAL,
				    SR_E_NOMEM, NULL, "out of memory"));
			before = c->rn;
			ret = dec_chars(pp, e, &c->rn,
			    (unsigned char *)b->data + b->len, w, &w, binary);
			b->len += w;
			b->data[b->len] = '\0';
			*used += before - c->rn;
			if (ret != DEC_OK)
				goto short_text;
		}
		return (RR_DONE);
	}
	/* Binary bytes of ] or [; the totals were checked on load. */
	while (c->rn > 0) {
		room = st->evmax - b->len;
		if (room == 0)
			return (RR_FULL);
		n = c->rn > room ? room : c->rn;
		if (n > bin->len - *bi)
			n = bin->len - *bi;
		if (n == 0)
			break;
		if (sr_buf_append(b, bin->data + *bi, (size_t)n) != SR_E_NONE)
			return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
			    "out of memory"));
		*bi += (size_t)n;
		c->rn -= n;
		*binary = 1;
	}
	c->rn = 0;
	return (RR_DONE);
short_text:
	loc_make(&loc, c->line, c->msg_id, c->off);
	if (ret == DEC_END) {
		(void)tl_warn(r, SR_E_FORMAT, &loc,
		    "rest of message dropped: timing string asks for %llu "
		    "characters, %s has %llu",
		    (unsigned long long)(out ? c->oneed : c->ineed),
		    out ? "out_txt" : "in_txt", (unsigned long long)*used);
	} else {
		loc.offset = c->off + (int64_t)((const char *)*pp - c->lbase);
		(void)tl_warn(r, SR_E_FORMAT, &loc,
		    "rest of message dropped: bad escape in %s",
		    out ? "out_txt" : "in_txt");
	}
	st->gap = 1;
	c->active = 0;
	return (RR_SHORT);
}

/*
 * The timing is done: text or bytes it did not ask for would never be
 * shown (tlog-rec writes none), so say so rather than drop them.
 */
static void
leftover(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	struct tl_cur *c = &st->m;
	struct sr_loc loc;
	uint64_t n;
	size_t w;
	int bin, k;

	for (k = 0; k < 2; k++) {
		const unsigned char *p = k == 0 ? c->op : c->ip;
		const unsigned char *e = k == 0 ? c->oe : c->ie;

		if (p == NULL || p >= e)
			continue;
		n = UINT64_MAX;
		bin = 0;
		(void)dec_chars(&p, e, &n, NULL, SIZE_MAX, &w, &bin);
		loc_make(&loc, c->line, c->msg_id, c->off);
		(void)tl_warn(r, SR_E_FORMAT, &loc,
		    "%s has %llu characters the timing does not cover",
		    k == 0 ? "out_txt" : "in_txt",
		    (unsigned long long)(UINT64_MAX - n));
		st->gap = 1;
	}
	for (k = 0; k < 2; k++) {
		size_t len = k == 0 ? st->obin.len : st->ibin.len;
		size_t used = k == 0 ? c->obin_i : c->ibin_i;

		if (used >= len)
			continue;
		loc_make(&loc, c->line, c->msg_id, c->off);
		(void)tl_warn(r, SR_E_FORMAT, &loc,
		    "%s has %zu bytes the timing does not cover",
		    k == 0 ? "out_bin" : "in_bin", len - used);
		st->gap = 1;
	}
}

static void
ev_begin(struct tl_state *st, struct sr_event *ev, enum sr_event_type type)
{
	struct tl_cur *c = &st->m;

	ev->type = type;
	ev->t_ns = c->t_ms * SR_NSEC_PER_MSEC;
	ev->loc.line = c->line;
	ev->loc.msg_id = c->msg_id;
	ev->loc.offset = c->off;
	if (st->gap) {
		ev->flags |= SR_EVF_GAP;
		st->gap = 0;
	}
}

/* Forgets an event that got no data (">0", or text that was missing). */
static void
ev_discard(struct tl_state *st, struct sr_event *ev, int *binary)
{
	if (ev->flags & SR_EVF_GAP)
		st->gap = 1;
	ev->type = 0;
	ev->stream = SR_STREAM_NONE;
	ev->flags = 0;
	*binary = 0;
}

static int
ev_done(struct tl_state *st)
{
	int warned = st->warned;

	st->warned = 0;
	return (warned ? SR_WARN : SR_OK);
}

/* Appends a JSON string body, decoded, to b; raw when it does not decode. */
static void
append_str(struct tl_state *st, struct sr_buf *b, const struct tl_val *v)
{
	const char *p = v->p;
	size_t n = v->len, bad;

	if (dec_string(v->p, v->len, &st->key2, &bad) == 0) {
		p = st->key2.data;
		n = st->key2.len;
	}
	/* Bounded by the event limit like any event. */
	if (b->len >= st->evmax)
		return;
	if (n > st->evmax - b->len)
		n = st->evmax - b->len;
	(void)sr_buf_append(b, p, n);
}

/*
 * The events of sessrec's sr_mark and sr_end (sessrec-formats(5)), at
 * the time the message's timing reached: a masked input, a suspend or a
 * resume, a gap, another marker ("LABEL DETAIL"), the end.
 */
static int
emit_special(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	struct tl_cur *c = &st->m;
	struct sr_event *ev = &r->ev;
	struct sr_buf *b = &st->ev;
	int64_t status;
	int have_status;

	sr_buf_reset(b);
	ev->stream = SR_STREAM_NONE;
	if (c->special & TL_SP_MARK) {
		c->special &= ~(unsigned)TL_SP_MARK;
		append_str(st, b, &c->mark);
		if (is_word(b->data, b->len, "input-masked")) {
			ev_begin(st, ev, SR_EV_INPUT);
			ev->stream = SR_STREAM_TTYIN;
			ev->flags |= SR_EVF_MASKED;
			sr_buf_reset(b);
		} else if (is_word(b->data, b->len, "suspend")) {
			ev_begin(st, ev, SR_EV_SUSPEND);
			sr_buf_reset(b);
			(void)sr_buf_append(b, "TSTP", 4);
		} else if (is_word(b->data, b->len, "resume")) {
			ev_begin(st, ev, SR_EV_RESUME);
			sr_buf_reset(b);
			(void)sr_buf_append(b, "CONT", 4);
		} else {
			ev_begin(st, ev, SR_EV_MARKER);
			if (is_word(b->data, b->len, "gap"))
				ev->flags |= SR_EVF_GAP;
			if (c->detail.kind == TV_STR && b->len < st->evmax) {
				(void)sr_buf_putc(b, ' ');
				append_str(st, b, &c->detail);
			}
		}
	} else {
		c->special = 0;
		ev_begin(st, ev, SR_EV_END);
		if (end_parse(st, &c->end, &c->status, &status, &have_status) ==
		    0)
			(void)end_text(b, st->key1.data, st->key1.len, status,
			    have_status);
	}
	ev->data = (const unsigned char *)b->data;
	ev->len = b->len;
	return (ev_done(st));
}

/*
 * Produces the next event: adjacent text and binary records of one
 * direction with no delay between them become one event; a delay, a
 * window record or a change of direction ends it.
 */
static int
tlog_next_event(struct sr_reader *r)
{
	struct tl_state *st = r->state;
	struct tl_cur *c = &st->m;
	struct sr_event *ev = &r->ev;
	struct tl_tok tok;
	struct tl_perr pe;
	const char *save;
	enum sr_event_type want;
	int binary = 0, ret, have = 0;

	if (st->rec == NULL)
		return (SR_EOF);
	sr_buf_reset(&st->ev);
	if (c->active && c->rtype != 0) {
		/* The rest of a record split at the event limit. */
		want = c->rtype == '>' || c->rtype == ']' ? SR_EV_OUTPUT
							  : SR_EV_INPUT;
		ev_begin(st, ev, want);
		ev->stream =
		    want == SR_EV_OUTPUT ? SR_STREAM_TTYOUT : SR_STREAM_TTYIN;
		have = 1;
	}
	for (;;) {
		if (!c->active) {
			if (have) {
				if (st->ev.len > 0)
					break;
				ev_discard(st, ev, &binary);
				have = 0;
			}
			if ((ret = load_message(r)) != SR_OK)
				return (ret);
		}
		if (c->rtype != 0) {
			if ((ret = run_record(r, &binary)) < 0)
				return (ret);
			if (ret == RR_FULL)
				break; /* the rest goes in the next event */
			c->rtype = 0;
			continue;
		}
		save = c->tp;
		if (tim_next(c->tp, &c->tp, c->te, &tok, &pe) <= 0) {
			/* Checked on load, so this is the end. */
			if (c->special != 0) {
				/* After the data the message held. */
				if (have) {
					if (st->ev.len > 0)
						break;
					ev_discard(st, ev, &binary);
					have = 0;
				}
				return (emit_special(r));
			}
			c->active = 0;
			leftover(r);
			continue;
		}
		if (tok.type == '+' && tok.a == 0)
			continue;
		if (tok.type == '>' || tok.type == ']')
			want = SR_EV_OUTPUT;
		else if (tok.type == '<' || tok.type == '[')
			want = SR_EV_INPUT;
		else
			want = 0;
		if (have && ev->type != want) {
			if (st->ev.len > 0) {
				c->tp = save;
				break;
			}
			ev_discard(st, ev, &binary);
			have = 0;
		}
		switch (tok.type) {
		case '+':
			c->t_ms = (int64_t)tok.a > TL_MS_MAX - c->t_ms
			    ? TL_MS_MAX
			    : c->t_ms + (int64_t)tok.a;
			continue;
		case '=':
			/* tlog restates the window in every message. */
			if ((unsigned)tok.a == st->cols &&
			    (unsigned)tok.b == st->rows)
				continue;
			st->cols = (unsigned)tok.a;
			st->rows = (unsigned)tok.b;
			ev_begin(st, ev, SR_EV_RESIZE);
			ev->cols = st->cols;
			ev->rows = st->rows;
			ev->data = (const unsigned char *)st->ev.data;
			ev->len = 0;
			return (ev_done(st));
		}
		if (!have) {
			ev_begin(st, ev, want);
			ev->stream = want == SR_EV_OUTPUT ? SR_STREAM_TTYOUT
							  : SR_STREAM_TTYIN;
			have = 1;
		}
		c->rtype = tok.type;
		if (tok.type == '>' || tok.type == '<') {
			c->rskip = 0;
			c->rn = tok.a;
		} else {
			c->rskip = tok.a;
			c->rn = tok.b;
		}
	}
	if (binary)
		ev->flags |= SR_EVF_BINARY;
	ev->data = (const unsigned char *)st->ev.data;
	ev->len = st->ev.len;
	return (ev_done(st));
}

/*
 * Probing.
 *
 * Evidence: the first non-blank line is a JSON object with the keys
 * "ver" and "timing" and "rec" or "pos".  A line that parses and passes
 * our message checks is certain (100).  Lines may be longer than we peek,
 * so a match of the keys alone still bids 80; nothing else writes those
 * three keys.
 */
static int
tlog_probe(struct sr_probe *p)
{
	const unsigned char *d;
	const char *s, *e, *nl;
	size_t avail;
	struct tl_msg m;
	struct tl_perr pe;
	struct tl_tsum sum;
	int full;

	if (p->names_only)
		return (0);
	if ((d = sr_probe_peek(p, TL_PROBE_PEEK, &avail)) == NULL)
		return (0);
	s = skip_ws((const char *)d, (const char *)d + avail);
	e = (const char *)d + avail;
	if (s >= e || *s != '{')
		return (0);
	nl = memchr(s, '\n', (size_t)(e - s));
	full = nl != NULL || avail < TL_PROBE_PEEK;
	if (nl != NULL)
		e = nl;
	if (full && tl_scan(s, (size_t)(e - s), 0, &m, &pe) == 0) {
		if (!(m.have & KB(K_TIMING)) || !(m.have & KB(K_VER)) ||
		    !(m.have & (KB(K_REC) | KB(K_POS))))
			return (0);
		if (tl_check(&m, &pe) == 0 && m.v[K_TIMING].kind == TV_STR &&
		    memchr(m.v[K_TIMING].p, '\\', m.v[K_TIMING].len) == NULL &&
		    tim_check(m.v[K_TIMING].p, m.v[K_TIMING].len, &sum, &pe) ==
			0)
			return (100);
		/* A tlog message we will complain about (version, timing). */
		return (80);
	}
	/* Cut short or broken: look for the keys in what we have. */
	(void)tl_scan(s, (size_t)(e - s), KB(K_VER) | KB(K_TIMING), &m, &pe);
	if ((m.have & KB(K_VER)) && (m.have & KB(K_TIMING)) &&
	    (m.have & (KB(K_REC) | KB(K_POS))))
		return (80);
	return (0);
}

/* For the native reader, whose data frames hold tlog messages. */
void
sr_tlog_close(struct sr_reader *r)
{
	tlog_close(r);
}

int
sr_tlog_next_session(struct sr_reader *r)
{
	return (tlog_next_session(r));
}

int
sr_tlog_next_event(struct sr_reader *r)
{
	return (tlog_next_event(r));
}

int
sr_tlog_skip_session(struct sr_reader *r)
{
	return (tlog_skip_session(r));
}

static const char *const tlog_suffixes[] = { ".json", ".tlog", ".log", NULL };

const struct sr_format sr_fmt_tlog = {
	.name = "tlog",
	.description = "tlog JSON log (tlog-rec 2.x messages)",
	.suffixes = tlog_suffixes,
	.caps = SR_FMT_READ | SR_FMT_MULTI,
	.state_size = sizeof(struct tl_state),

	.probe = tlog_probe,
	.open = tlog_open,
	.close = tlog_close,
	.next_session = tlog_next_session,
	.next_event = tlog_next_event,
	.skip_session = tlog_skip_session,
};
