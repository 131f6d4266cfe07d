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
 * Internal interfaces shared by lib/ modules: the reader handle that
 * format code fills, probing helpers and small utilities.  Only lib/ and
 * unit tests include this.
 */
#ifndef SR_PRIVATE_H
#define SR_PRIVATE_H

#include "sessrec.h"
#include "banned.h"

struct sr_ctx {
	uint64_t limit[SR_LIMIT__COUNT];
	sr_diag_fn diag;
	void *diag_arg;
	unsigned flags; /* SR_CTX_*; added by H2 (issue 5 speed) */
};

/*
 * The reader handle.  The core owns it; format code reads ctx, in,
 * member and path, keeps its state in state (state_size bytes, zeroed),
 * and fills session and ev.
 */
struct sr_reader {
	struct sr_ctx *ctx;
	struct sr_input *in; /* borrowed */
	char *member;	     /* recording root inside in */
	char *path;	     /* display path: input path + member */
	const struct sr_format *fmt;
	void *state;
	struct sr_session session; /* the current session */
	struct sr_event ev;	   /* the event being returned */
	struct sr_error err;
	size_t nwarnings;
	size_t nsessions; /* sessions returned so far */
	int in_session;
	int opened;
};

/*
 * Sets the reader's error (path = reader path, member from loc or the
 * recording's member) and returns status.  loc may be NULL.
 */
int sr_reader_errorf(struct sr_reader *, int status, enum sr_errcat,
    const struct sr_loc *, const char *fmt, ...) SR_PRINTF(5, 6);
/*
 * Reports a warning through the diagnostics callback, counts it, and
 * returns SR_WARN.
 */
int sr_reader_warnf(struct sr_reader *, const struct sr_loc *, const char *fmt,
    ...) SR_PRINTF(3, 4);
/* The same with a category other than SR_E_FORMAT (a limit, say). */
int sr_reader_vwarnf(struct sr_reader *, enum sr_errcat, const struct sr_loc *,
    const char *fmt, va_list) SR_PRINTF(4, 0);
/* A warning that the input ends early: a torn tail (SR_E_TRUNCATED). */
int sr_reader_warn_torn(struct sr_reader *, const struct sr_loc *,
    const char *fmt, ...) SR_PRINTF(3, 4);
/*
 * Opens a member relative to the recording root ("timing" in a sudo
 * session directory; "" or NULL for the root member itself).  On failure
 * the reader's error is set and the status returned.
 */
int sr_reader_stream_open(struct sr_reader *, const char *rel, unsigned flags,
    struct sr_stream **);
/* The full member name of rel inside the input; owned, free(). */
char *sr_reader_member_name(const struct sr_reader *, const char *rel);
/* The member entry of rel, NULL when absent (borrowed). */
const struct sr_member *sr_reader_find(const struct sr_reader *,
    const char *rel);

/*
 * What a probe sees: a member, peeked at, and its container.  Probing runs
 * in two phases.  In the first, names_only is set and sr_probe_peek()
 * returns NULL: formats that can decide from member names alone (a sudo
 * session directory) bid then, and a bid of 100 ends probing without
 * opening the member, which keeps a scan of 10,000 sudo sessions cheap.
 * In the second phase the member is opened (decoded) on the first peek.
 */
struct sr_probe {
	struct sr_ctx *ctx;
	struct sr_input *in;
	const char *member;  /* full member name */
	struct sr_stream *s; /* decoded view, opened lazily; may stay NULL */
	int names_only;	     /* first phase: no content */
	int open_failed;
};

/*
 * Up to n bytes from the start of the member; *avail set.  NULL when the
 * member cannot be read or in the names-only phase.
 */
const unsigned char *sr_probe_peek(struct sr_probe *, size_t n, size_t *avail);
uint64_t sr_probe_limit(const struct sr_probe *, enum sr_limit);
/* Base name of the member (borrowed, points into member). */
const char *sr_probe_basename(const struct sr_probe *);
/*
 * Whether a sibling of the probed member exists: the member's directory
 * plus "/" plus name.  Borrowed entry or NULL.
 */
const struct sr_member *sr_probe_sibling(const struct sr_probe *,
    const char *name);

/*
 * What a format claims after winning a member: the recording's root
 * member (a file, or a directory prefix without trailing '/', "" for the
 * container's top) and other members that belong to it (at most 3),
 * which are then not probed.  Formats made of several members claim every
 * member directly inside the root directory (not in its subdirectories)
 * by setting claim_dir.  Without a claim hook the root is the member.
 */
struct sr_claim {
	char *root;	   /* owned */
	char *partners[4]; /* owned, NULL-terminated */
	int claim_dir;	   /* every member under root/ belongs to it */
};

enum sr_format_caps {
	SR_FMT_READ = 1 << 0,
	SR_FMT_WRITE = 1 << 1,
	SR_FMT_SEEK = 1 << 2,
	SR_FMT_MULTI = 1 << 3,	 /* several sessions per recording */
	SR_FMT_MEMBERS = 1 << 4, /* made of several members */
};

/*
 * A format descriptor.  Probes return a bid from 0 (not mine) to 100;
 * the highest wins and ties go to the earlier table entry.
 *
 * open() is called once; close() also after a failed open.  next_session
 * fills r->session (already reset by the core, format and path set) and
 * returns SR_OK/SR_EOF/SR_WARN/SR_FAILED/SR_FATAL.  next_event fills
 * r->ev (cleared by the core, loc -1) and returns SR_OK, SR_EOF at the end
 * of the session, or an error status.  skip_session, when present, is
 * used instead of draining the events when the caller moves on.
 */
struct sr_format {
	const char *name;
	const char *description;
	const char *const *suffixes;
	unsigned caps;
	size_t state_size;

	int (*probe)(struct sr_probe *);
	int (*claim)(struct sr_probe *, struct sr_claim *);
	int (*open)(struct sr_reader *);
	void (*close)(struct sr_reader *);
	int (*next_session)(struct sr_reader *);
	int (*next_event)(struct sr_reader *);
	int (*skip_session)(struct sr_reader *);
};

/* The table, in lib/fmt/format.c. */
extern const struct sr_format sr_fmt_native; /* added by native-reader */
extern const struct sr_format sr_fmt_tlog;
extern const struct sr_format sr_fmt_asciicast;
extern const struct sr_format sr_fmt_sudo;
extern const struct sr_format sr_fmt_script;
extern const struct sr_format sr_fmt_ttyrec;

/* Little-endian and misc helpers. */
static inline uint32_t
sr_le32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* malloc wrappers that never abort; NULL on failure. */
char *sr_strdup(const char *);
char *sr_strndup(const char *, size_t);
void *sr_reallocarray(void *, size_t, size_t);
/* Base name inside a '/'-separated path (borrowed, points into path). */
const char *sr_basename(const char *path);
/* Length of the directory part of path (0 when none). */
size_t sr_dirlen(const char *path);
/*
 * Parses a decimal unsigned integer s[0..len) that must fit in max.
 * Returns 0 or -1.
 */
/* Writes n bytes at p as 2n lower-case hex digits and a NUL to out. */
void sr_hex_encode(char *out, const void *p, size_t n);
/* Reads exactly 2n hex digits s[0..len) into out[0..n); 0 or -1. */
int sr_hex_decode(const char *s, size_t len, unsigned char *out, size_t n);
/*
 * Appends valid UTF-8 s[0..n) escaped for a JSON string the way tlog-rec
 * escapes (the short escapes, \u00XX for other C0 bytes and DEL, the rest
 * raw), without quotes.  The caller reserved room for 6n bytes.  Shared
 * by the native writer and the tlog exporter.
 */
void sr_str_json_text(struct sr_buf *, const unsigned char *s, size_t n);
/* Appends v in decimal: SR_E_NONE or the buffer's error. */
int sr_buf_u64(struct sr_buf *, uint64_t v);
int sr_buf_i64(struct sr_buf *, int64_t v);
int sr_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
int sr_parse_i64(const char *s, size_t len, int64_t *out);

/*
 * UTF-8 and hex helpers shared by the readers and filters.  They are
 * inline because tlog decoding and textview call them per character.
 */

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 with *sub set to
 * the length of the maximal invalid subpart (at least 1), which is what
 * one U+FFFD replaces.  Strict: no overlong forms, no surrogates,
 * nothing past U+10FFFF.
 */
static inline size_t
sr_utf8_seq(const unsigned char *s, size_t len, size_t *sub)
{
	unsigned char c, lo = 0x80, hi = 0xbf;
	size_t n, i;

	*sub = 1;
	if (len == 0)
		return (0);
	c = s[0];
	if (c < 0x80)
		return (1);
	/*
	 * The second byte's range rules out overlong forms (E0, F0),
	 * surrogates (ED) and code points past U+10FFFF (F4); C0, C1 and
	 * F5..FF never start a sequence.
	 */
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*sub = i;
			return (0);
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return (n);
}

/*
 * Writes cp as UTF-8; its length.  Any value below 2^21 gets the UTF-8
 * bit pattern, so a surrogate or a value past U+10FFFF comes out as
 * bytes that are not valid UTF-8 (screen.c relies on that).
 */
static inline size_t
sr_utf8_put(unsigned char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (unsigned char)cp;
		return (1);
	}
	if (cp < 0x800) {
		d[0] = (unsigned char)(0xc0 | cp >> 6);
		d[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		d[0] = (unsigned char)(0xe0 | cp >> 12);
		d[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return (3);
	}
	d[0] = (unsigned char)(0xf0 | cp >> 18);
	d[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return (4);
}

/* Value of a hex digit, or -1. */
static inline int
sr_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* The four hex digits at p (the caller checked there are four): 0 or -1. */
static inline int
sr_hex4(const unsigned char *p, uint32_t *v)
{
	int a = sr_hexval(p[0]), b = sr_hexval(p[1]), c = sr_hexval(p[2]),
	    d = sr_hexval(p[3]);

	if ((a | b | c | d) < 0)
		return (-1);
	*v = (uint32_t)(a << 12 | b << 8 | c << 4 | d);
	return (0);
}

/*
 * The byte a one-letter JSON escape stands for ('n' gives '\n'), or -1
 * for any other letter (including 'u', which takes four hex digits).
 */
static inline int
sr_json_escape(int c)
{
	switch (c) {
	case '"':
	case '\\':
	case '/':
		return (c);
	case 'b':
		return ('\b');
	case 'f':
		return ('\f');
	case 'n':
		return ('\n');
	case 'r':
		return ('\r');
	case 't':
		return ('\t');
	}
	return (-1);
}

/*
 * Valid code points that must not reach a terminal as they are: C1
 * controls, and invisible or reordering format characters (see str.c).
 */
int sr_cp_hidden(uint32_t cp);

/* Saturating nanosecond addition. */
static inline int64_t
sr_ns_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

/* added by seal */
/*
 * A key pair from a 32-byte RFC 8032 seed (lib/seal.c), for test
 * vectors.  SR_OK or SR_FATAL (err set).
 */
int sr_key_from_seed(const unsigned char seed[32], struct sr_key **,
    struct sr_error *);

/* added by mask */
/*
 * The default prompt regex of sr_mask_new() (POSIX ERE, compiled with
 * REG_EXTENDED | REG_ICASE | REG_NOSUB): one of the words password,
 * passphrase, passcode, pin, otp, "verification code" or "one-time code"
 * standing alone, then anything, then ':' or '?' and blanks at the end
 * of the line.  "[sudo] password for root: " matches, "Pinned
 * packages:" and "password policy updated" do not.
 */
#define SR_MASK_DEFAULT_PROMPT                                                 \
	"(^|[^[:alnum:]])(password|passphrase|passcode|pin|otp|"               \
	"(verification|one[- ]?time) code)([^[:alnum:]].*)?[:?][[:blank:]]*$"

/* added by native-reader */
/*
 * Creates an unlinked temporary file in $TMPDIR or /tmp
 * (lib/input/input.c); fd or -1 with errno.
 */
int sr_tmpfile(void);
/*
 * A stream over bytes a reader holds rather than a member: mem[0..len)
 * (borrowed) or, when mem is NULL, the first len bytes of fd (borrowed,
 * read with pread()).  Never decoded; name is for messages.  Both must
 * outlive the stream.  SR_OK, or SR_FAILED/SR_FATAL with err set.
 */
int sr_stream_open_bytes(struct sr_input *, const char *name, const void *mem,
    int fd, int64_t len, struct sr_stream **, struct sr_error *);

#endif /* SR_PRIVATE_H */
