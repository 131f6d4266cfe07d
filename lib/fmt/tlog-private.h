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
 * The tlog reader's state and entry points, shared by fmt-tlog.c and the
 * native reader (fmt-native.c), whose data frames hold tlog messages.
 * The native reader embeds struct tl_state as the first member of its
 * own state, so that the tlog functions, which find their state at
 * r->state, run unchanged over a stream of decoded chunks.
 *
 * Include after sr-private.h.
 */
#ifndef SR_TLOG_PRIVATE_H
#define SR_TLOG_PRIVATE_H

/* A value found by the scanner: a string body, number text or array. */
struct tl_val {
	const char *p;
	size_t len;
	int kind; /* TV_* */
};
enum { TV_STR = 1, TV_NUM, TV_ARR };

/* A compact copy of an error, kept for recordings that have no good line. */
struct tl_err {
	enum sr_errcat cat;
	int64_t line;
	int64_t msg_id;
	int64_t offset;
	char msg[200];
};

struct tl_rec;

/* The message being turned into events. */
struct tl_cur {
	int active;
	int64_t line, msg_id, off;
	const char *lbase;	      /* the line (borrowed from the stream) */
	const char *tp, *te;	      /* timing cursor */
	const unsigned char *op, *oe; /* out_txt body cursor */
	const unsigned char *ip, *ie; /* in_txt body cursor */
	size_t obin_i, ibin_i;	      /* cursors into outbin, inbin */
	uint64_t ochars, ichars;      /* characters taken so far */
	uint64_t oneed, ineed;	      /* characters the timing asks for */
	int64_t t_ms;		      /* time of the next record */
	/* A text or binary record in progress (split at the event limit). */
	char rtype;
	uint64_t rskip, rn;
	/*
	 * sessrec's sr_mark / sr_end in this message (TL_SP_*): events
	 * given once its timing is done, at the time it reached.
	 */
	unsigned special;
	struct tl_val mark, detail, end, status;
};
enum { TL_SP_MARK = 1 << 0, TL_SP_END = 1 << 1 };

struct tl_state {
	struct sr_stream *s;
	uint64_t linemax;
	size_t evmax;
	/* The index. */
	struct tl_rec *recs;
	size_t nrecs, reccap;
	uint32_t *hash; /* open addressing: recording index + 1, 0 empty */
	size_t hashcap;
	uint64_t index_bytes, index_max;
	size_t nnoname;
	struct tl_err ferr; /* first problem in the file */
	int have_ferr;
	/*
	 * Set by the native reader: no tlog.* extras, and the end that
	 * sr_end tells is left here for it rather than put in the session.
	 */
	int embedded;
	/*
	 * SR_CTX_ONE_PASS: one_pass lets the index pass stop at the first
	 * recording's first good message when it is the only one so far;
	 * streaming says it did, and the events of that recording are
	 * read to the end of the stream, other recordings' lines skipped.
	 */
	int one_pass;
	int streaming;
	int have_end;
	char end_reason[32];
	int64_t end_status;
	int end_have_status;
	/* The session being read. */
	size_t next;	    /* next recording to return */
	struct tl_rec *rec; /* current recording, NULL when none */
	size_t run_i;
	uint64_t run_left;
	int64_t line_no;
	int64_t last_id;
	int have_last_id;
	int64_t prev_end_ms;
	unsigned rows, cols; /* current window */
	int gap;	     /* data lost before the next event */
	int warned;	     /* a warning since the last event */
	int done;
	struct tl_cur m;
	/* Buffers. */
	struct sr_buf ev;   /* event data */
	struct sr_buf obin; /* decoded out_bin */
	struct sr_buf ibin; /* decoded in_bin */
	struct sr_buf tbuf; /* decoded timing, when it has escapes */
	struct sr_buf key1; /* decoded key strings */
	struct sr_buf key2;
};

/*
 * Indexes s (owned from now on, closed by sr_tlog_close()) as a tlog
 * file; r->state starts with a zeroed struct tl_state.  The status of
 * the index pass, with r's error set on failure.
 */
int sr_tlog_open_stream(struct sr_reader *, struct sr_stream *);
void sr_tlog_close(struct sr_reader *);
int sr_tlog_next_session(struct sr_reader *);
int sr_tlog_next_event(struct sr_reader *);
int sr_tlog_skip_session(struct sr_reader *);

/* A signal's name without "SIG" ("TERM"), or its number, into buf. */
void sr_tlog_signame(int signo, char *buf, size_t len);
/*
 * Records how a session ended (reason as sr_end_reason_name() spells it,
 * status the exit code or signal number when have_status): the exit
 * status or signal and the extra "end_reason".  SR_OK or SR_FATAL.
 */
int sr_tlog_session_end(struct sr_reader *, const char *reason, size_t rlen,
    int64_t status, int have_status);

#endif /* SR_TLOG_PRIVATE_H */
