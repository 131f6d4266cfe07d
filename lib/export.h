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
 * Exporters (lib/export.c): encoders shared by sessrec export and the
 * recorder.  Each is incremental: events go in one at a time, encoded
 * bytes come out through a callback, and memory stays bounded whatever
 * the length of the session.
 *
 * - asciicast v2 and v3 (sr_castw_*): one header line, then one JSON
 *   array per event.  asciicast holds text only, so invalid UTF-8 is
 *   replaced by U+FFFD (counted: sr_castw_lossy()).
 * - tlog JSON 2.3 (sr_tlogw_*): the message layout tlog-rec writes, split
 *   by size and time like tlog-rec, lossless (*_bin for invalid bytes).
 *   One message (without its newline) per callback, so the same encoder
 *   can feed a file or the journal.
 * - SIEM NDJSON (sr_siem_*): builders for the session_start, command and
 *   session_end objects, from a struct sr_session alone (no reader), in
 *   sessrec's own field names or ECS-style names.  They need nothing but
 *   libc: collecting commands and rendering their output (textview,
 *   redaction) is the caller's job.
 */
#ifndef SR_EXPORT_H
#define SR_EXPORT_H

#include "sessrec.h"

/*
 * Output callback: data[0..len) is the next piece of output.  A non-zero
 * return stops the encoder, which returns SR_FATAL with SR_E_IO in its
 * error (the callback keeps errno).
 */
typedef int (*sr_export_fn)(void *arg, const char *data, size_t len);

/*
 * asciicast.  The header comes from the session: width/height (80x24
 * when unknown), timestamp, command, title and env.TERM; v3 puts the
 * geometry and type into "term".  Events: output "o", input "i" (unless
 * SR_CASTW_NO_INPUT; masked input is never written), resize "r"
 * ("COLSxROWS"), markers "m" (suspend and resume as markers "suspend SIG"
 * and "resume SIG"), and in v3 the end event as "x" (exit status).
 * Output a reader marks as written to a pipe gets LF turned into CR LF,
 * so the players draw it as the terminal did.  Times: v2 absolute
 * seconds, v3 intervals, both with microseconds; v3 intervals are the
 * differences of rounded absolute times, so rounding never accumulates.
 */
enum sr_castw_flags {
	SR_CASTW_NO_INPUT = 1 << 0,
	SR_CASTW_NO_HEADER_EXTRAS = 1 << 1, /* only version, geometry, time */
};
struct sr_castw;

/* version 2 or 3.  SR_OK, SR_FAILED (SR_E_MISUSE) or SR_FATAL (no memory). */
int sr_castw_new(const struct sr_session *, int version, unsigned flags,
    sr_export_fn, void *arg, struct sr_castw **, struct sr_error *);
/* Writes the header on the first call.  SR_OK or SR_FATAL. */
int sr_castw_event(struct sr_castw *, const struct sr_event *);
/* Writes what is still held (the header for an empty session; a split
 * UTF-8 character as U+FFFD).  SR_OK or SR_FATAL. */
int sr_castw_finish(struct sr_castw *);
/* Invalid bytes replaced by U+FFFD so far. */
uint64_t sr_castw_lossy(const struct sr_castw *);
const struct sr_error *sr_castw_error(const struct sr_castw *);
void sr_castw_free(struct sr_castw *);

/*
 * tlog JSON.  Every message restates the window (when there is one),
 * carries ver "2.3", host, rec, user, term, session, id (from 1), pos
 * (ms since the start of the recording), time (when the start is
 * known), timing, and all of in_txt, in_bin, out_txt, out_bin.  A
 * message closes when its payload (timing, texts and bytes, encoded)
 * reaches payload bytes, latency after its first event, and at flush.
 * Input and output keep their order.  A UTF-8 character cut at the end
 * of an event is held for the next one, as tlog-rec does.  Markers,
 * suspends and the end have no place in tlog 2.3 and are left out.
 */
struct sr_tlogw_opts {
	const char *host;    /* NULL: "" */
	const char *rec;     /* NULL: "" (tlog-play -m needs one) */
	const char *user;    /* NULL: "" */
	const char *term;    /* NULL: "" */
	uint32_t session;    /* audit session; 0: 4294967295 (unset) */
	int64_t start_ns;    /* epoch ns of pos 0, for "time"; 0: no "time" */
	unsigned rows, cols; /* window at the start; 0x0: pipe mode */
	size_t payload;	     /* 0: 2048, as tlog-rec */
	int64_t latency_ns;  /* 0: 10 s, as tlog-rec */
};
struct sr_tlogw;

/* Strings are copied.  SR_OK or SR_FATAL (no memory). */
int sr_tlogw_new(const struct sr_tlogw_opts *, sr_export_fn, void *arg,
    struct sr_tlogw **, struct sr_error *);
/* SR_OK or SR_FATAL (callback or memory; sr_tlogw_error()). */
int sr_tlogw_event(struct sr_tlogw *, const struct sr_event *);
/*
 * Closes the open message, if any.  final: the session is over, a held
 * partial character goes out as invalid bytes.
 */
int sr_tlogw_flush(struct sr_tlogw *, int final);
/* Messages written so far. */
uint64_t sr_tlogw_messages(const struct sr_tlogw *);
const struct sr_error *sr_tlogw_error(const struct sr_tlogw *);
void sr_tlogw_free(struct sr_tlogw *);
/* Fills opts from a session (host, rec = session id, user, term, start,
 * geometry, tlog.session); strings borrowed from the session. */
void sr_tlogw_opts_session(struct sr_tlogw_opts *, const struct sr_session *);

/*
 * The tlog 2.3 message builder under sr_tlogw, shared with the native
 * writer (lib/recw.c), which adds its own members and puts the messages
 * into chunks: the timing string, in/out text and binary arrays, the
 * window, and a character cut at the end of one call held for the next.
 * Functions returning int give 0, or non-zero when out of memory or
 * past a buffer's max.
 */
#define SR_TLOG_SLICE_MAX (16 * 1024) /* bytes per sr_tlog_enc_text() */

struct sr_tlog_dir {
	struct sr_buf txt; /* JSON-escaped, without quotes */
	struct sr_buf bin; /* "255,254" */
	unsigned char hold[4];
	size_t nhold;
};

struct sr_tlog_enc {
	struct sr_buf timing;
	struct sr_tlog_dir in, out;
	int run;	       /* the open timing run, not yet in timing */
	uint64_t run_n, run_b; /* its characters (placeholders), bytes */
	int in_msg;
	int64_t pos_ms, last_ms; /* message start, last record */
	unsigned rows, cols;	 /* the window, 0x0 none */
};

/* Buffers of at most max bytes each. */
void sr_tlog_enc_init(struct sr_tlog_enc *, size_t max, unsigned rows,
    unsigned cols);
void sr_tlog_enc_release(struct sr_tlog_enc *);
/* Opens a message at t_ms (stating the window, as tlog-rec does) when
 * none is open; else adds the delay since the last record. */
int sr_tlog_enc_at(struct sr_tlog_enc *, int64_t t_ms);
/* The window changes at t_ms: restated at once in an open message, else
 * by the message this opens. */
int sr_tlog_enc_window(struct sr_tlog_enc *, int64_t t_ms, unsigned rows,
    unsigned cols);
/*
 * Adds s[0..n) (n <= SR_TLOG_SLICE_MAX) of one direction to the open
 * message, after the character held from the last call: valid UTF-8 as
 * text, each maximal invalid subpart as U+FFFD plus its bytes, and a
 * character cut at the end held.
 */
int sr_tlog_enc_text(struct sr_tlog_enc *, int out, const unsigned char *s,
    size_t n);
/* Adds the character held in a direction as invalid bytes. */
int sr_tlog_enc_flush(struct sr_tlog_enc *, int out);
/* Payload of the open message: timing, texts and bytes, encoded. */
size_t sr_tlog_enc_len(const struct sr_tlog_enc *);
/*
 * Appends the open message to p without its closing brace: envelope, id,
 * pos, "time" when timed (start_ms: wall clock of pos 0), timing, in_txt,
 * in_bin, out_txt, out_bin.  The caller adds its members and "}", then
 * calls sr_tlog_enc_next().
 */
int sr_tlog_enc_message(struct sr_tlog_enc *, struct sr_buf *p,
    const struct sr_buf *envelope, uint64_t id, int timed, int64_t start_ms);
/* Empties the message: the next record opens a new one. */
void sr_tlog_enc_next(struct sr_tlog_enc *);
/*
 * Appends the envelope, {"ver":"2.3",...,"session":N,"id": without the
 * id.  Strings are cut at 4096 bytes; NULL is "".
 */
int sr_tlog_envelope(struct sr_buf *, const char *host, const char *rec,
    const char *user, const char *term, uint64_t session);

/*
 * SIEM NDJSON: one JSON object (no newline) appended to the buffer.
 * Unknown values are left out, never null.  Field names: see
 * sessrec-export(1); with ecs, ECS-style nested objects.
 */
struct sr_siem_opts {
	int ecs;
	const char *recording; /* where the session was read; NULL: s->path */
};

struct sr_siem_cmd {
	size_t seq;	     /* 1-based number of the command in the session */
	int64_t t_ns;	     /* since the session start */
	int64_t duration_ns; /* until the next command or the end; <0 unknown */
	const char *command; /* UTF-8 (invalid bytes become U+FFFD) */
	size_t command_len;
	const char *source; /* "osc133", "input", "meta", "echo"; NULL none */
	const char
	    *output; /* rendered output, redacted and capped; NULL none */
	size_t output_len;
	int output_truncated; /* output was cut to the cap */
	int have_exit;
	int exit_status;
};

/* type session_start; time = start.  SR_OK, SR_FAILED (limit), SR_FATAL. */
int sr_siem_session_start(const struct sr_session *,
    const struct sr_siem_opts *, struct sr_buf *);
/* type command; time = start + t_ns. */
int sr_siem_command(const struct sr_session *, const struct sr_siem_opts *,
    const struct sr_siem_cmd *, struct sr_buf *);
/*
 * type session_end; time = start + duration (when known); exit_status
 * (SR_HAVE_EXIT), signal (SR_HAVE_SIGNAL), state, ncommands.
 */
int sr_siem_session_end(const struct sr_session *, const struct sr_siem_opts *,
    size_t ncommands, struct sr_buf *);
/*
 * The key fields of a session for shipping (sr_ship_event()'s structured
 * data): session_id, actor, src_ip, target, ticket, host, and type.
 * keys/values get up to max pairs (7 is enough); returns the count.
 * Values borrowed from the session; absent ones are skipped.
 */
size_t sr_siem_keyfields(const struct sr_session *, const char *type,
    const char **keys, const char **values, size_t max);

#endif /* SR_EXPORT_H */
