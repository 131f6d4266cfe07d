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
int sr_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);
int sr_parse_i64(const char *s, size_t len, int64_t *out);

/*
 * Length of the valid UTF-8 sequence at s (1..4), or 0 with *sub set to
 * the length of the maximal invalid subpart (at least 1), which is what
 * one U+FFFD replaces.
 */
size_t sr_utf8_seq(const unsigned char *s, size_t len, size_t *sub);

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

#endif /* SR_PRIVATE_H */
