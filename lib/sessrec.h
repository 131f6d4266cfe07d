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
 * The public interface of libsessrec: the only header src/ and tests/ use.
 *
 * A recording is read as a sequence of sessions, each session being
 * metadata (struct sr_session) followed by an ordered stream of timed
 * events (struct sr_event).  Every subcommand consumes this one model.
 *
 * The library never prints and never exits.  Every int function returns a
 * value of the status ladder (enum sr_status); details of a failure live
 * in a struct sr_error on the handle, and warnings go to the diagnostics
 * callback of the struct sr_ctx.
 */
#ifndef SESSREC_H
#define SESSREC_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __GNUC__
#define SR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SR_PRINTF(f, a)
#endif

#ifndef nitems
#define nitems(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define SR_NSEC_PER_SEC	 1000000000LL
#define SR_NSEC_PER_MSEC 1000000LL
#define SR_NSEC_PER_USEC 1000LL

/* The status ladder.  Positive values are not errors. */
enum sr_status {
	SR_OK = 0,	/* done */
	SR_EOF = 1,	/* no more sessions or events */
	SR_WARN = -1,	/* usable, but something was odd */
	SR_FAILED = -2, /* this session or member is unusable */
	SR_FATAL = -3,	/* the handle is unusable */
};

/* Error categories. */
enum sr_errcat {
	SR_E_NONE = 0,
	SR_E_IO, /* errnum holds errno */
	SR_E_NOMEM,
	SR_E_FORMAT,	  /* the input breaks its format's grammar */
	SR_E_LIMIT,	  /* a configured limit was exceeded */
	SR_E_UNSUPPORTED, /* valid but not handled (version, feature) */
	SR_E_MISUSE,	  /* API misuse */
	/*
	 * The input ends early: a torn tail (a last line, record, frame or
	 * compressed stream cut short, data written without its timing),
	 * what a recorder that died or is still writing leaves.
	 */
	SR_E_TRUNCATED,
};

/*
 * A location inside a recording.  Unknown numbers are -1; an unknown
 * member is "".  The member is the name inside a container (a file of a
 * directory, a member of an archive), relative to the container.
 */
#define SR_MEMBER_MAX 512
struct sr_loc {
	char member[SR_MEMBER_MAX];
	int64_t line;	/* 1-based line number */
	int64_t msg_id; /* tlog message id */
	int64_t offset; /* byte offset in the (decoded) member */
};

#define SR_ERROR_PATH_MAX 1024
#define SR_ERROR_MSG_MAX  512
struct sr_error {
	enum sr_errcat cat;
	int errnum;		      /* errno for SR_E_IO, else 0 */
	char path[SR_ERROR_PATH_MAX]; /* container path, or "" */
	struct sr_loc loc;
	char msg[SR_ERROR_MSG_MAX];
};

/* Clears a location to "unknown everywhere". */
void sr_loc_clear(struct sr_loc *);
/* Sets loc->member, truncating to SR_MEMBER_MAX - 1 bytes. */
void sr_loc_set_member(struct sr_loc *, const char *);

void sr_error_clear(struct sr_error *);
/*
 * Fills the error and returns status, so that callers can write
 * "return (sr_error_set(e, SR_FAILED, SR_E_FORMAT, loc, "..."));".
 * path and loc may be NULL (left as they are).
 */
int sr_error_set(struct sr_error *, int status, enum sr_errcat,
    const char *path, const struct sr_loc *, const char *fmt, ...)
    SR_PRINTF(6, 7);
int sr_error_vset(struct sr_error *, int status, enum sr_errcat,
    const char *path, const struct sr_loc *, const char *fmt, va_list)
    SR_PRINTF(6, 0);
/*
 * Formats "'PATH': member 'M': line L: message id I: offset O: MSG" with
 * the unknown parts left out, into buf (always NUL-terminated).  Returns
 * buf.  Bytes are copied as they are: escaping for a terminal is the
 * caller's job.
 */
char *sr_error_format(const struct sr_error *, char *buf, size_t len);
/* Formats only the location part ("member 'x': line 3"), "" if none. */
char *sr_loc_format(const struct sr_loc *, char *buf, size_t len);
const char *sr_errcat_name(enum sr_errcat);

/*
 * Limits.  Every buffer grown from input has one.  Names and defaults:
 *   event    1 MiB    bytes of one event
 *   line     4 MiB    one JSON or timing line
 *   meta     64 KiB   metadata of one session
 *   members  100000   members of one container
 *   spool    64 MiB   archive members and decoded data kept in memory
 *   decoded  64 GiB   decoded bytes of one member (decompression bombs)
 *   sessions 1000000  sessions in one recording file
 */
enum sr_limit {
	SR_LIMIT_EVENT,
	SR_LIMIT_LINE,
	SR_LIMIT_META,
	SR_LIMIT_MEMBERS,
	SR_LIMIT_SPOOL,
	SR_LIMIT_DECODED,
	SR_LIMIT_SESSIONS,
	SR_LIMIT__COUNT
};

struct sr_ctx;

/*
 * Diagnostics callback: called for every warning a reader finds (status
 * SR_WARN) and for errors the catalog skips over.  The error is borrowed
 * for the duration of the call.
 */
typedef void (*sr_diag_fn)(void *arg, int status, const struct sr_error *);

/* Caller frees with sr_ctx_free(); NULL when out of memory. */
struct sr_ctx *sr_ctx_new(void);
void sr_ctx_free(struct sr_ctx *);
void sr_ctx_set_diag(struct sr_ctx *, sr_diag_fn, void *arg);
/* Reports a diagnostic through the callback (no-op without one). */
void sr_ctx_diag(const struct sr_ctx *, int status, const struct sr_error *);
uint64_t sr_ctx_limit(const struct sr_ctx *, enum sr_limit);
void sr_ctx_set_limit(struct sr_ctx *, enum sr_limit, uint64_t);
/*
 * Context flags, for callers that trade checks or metadata for speed:
 * SR_CTX_NO_CHAIN  readers skip integrity checks that cost time (the
 *                  native hash chain; sessrec verify checks it);
 * SR_CTX_ONE_PASS  a reader may read its first session in one pass,
 *                  without the pass over the whole member that finds
 *                  the other sessions and the duration (a tlog file):
 *                  that session's duration and state are then left
 *                  unknown.  Asking for a second session makes the
 *                  pass after all.  For callers that take the metadata
 *                  from the catalog (grep, play's index builder).
 * Set them before readers run: the context is shared read-only.
 */
#define SR_CTX_NO_CHAIN (1U << 0)
#define SR_CTX_ONE_PASS (1U << 1)
void sr_ctx_set_flags(struct sr_ctx *, unsigned);
unsigned sr_ctx_flags(const struct sr_ctx *);
/*
 * Parses "NAME=VALUE" (VALUE with an optional K, M, G suffix, powers of
 * 1024) and sets the limit.  SR_FAILED with a message in err on a bad name
 * or value.
 */
int sr_ctx_parse_limit(struct sr_ctx *, const char *spec, struct sr_error *);
const char *sr_limit_name(enum sr_limit);

/*
 * Bounded buffer.  data is never NULL and always NUL-terminated; max is
 * mandatory.  Appends past max return SR_E_LIMIT and change nothing; out
 * of memory returns SR_E_NOMEM.  Success is SR_E_NONE.
 */
struct sr_buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data points at a static "" */
	size_t max;
};

void sr_buf_init(struct sr_buf *, size_t max);
void sr_buf_release(struct sr_buf *);
void sr_buf_reset(struct sr_buf *); /* len = 0, keeps memory */
int sr_buf_reserve(struct sr_buf *, size_t extra);
int sr_buf_append(struct sr_buf *, const void *, size_t);
int sr_buf_putc(struct sr_buf *, int);
int sr_buf_printf(struct sr_buf *, const char *, ...) SR_PRINTF(2, 3);
/* Caller frees the result with free(); the buffer is empty afterwards. */
char *sr_buf_detach(struct sr_buf *, size_t *lenp);

/* Time.  All times are int64 nanoseconds. */

/*
 * Parses a non-negative decimal number of seconds ("12", "0.5",
 * "1.000000001", extra fraction digits truncated) from s[0..len).
 * Returns 0, or -1 on a syntax error or overflow.
 */
int sr_time_parse_seconds(const char *s, size_t len, int64_t *ns);
/* Formats epoch nanoseconds as ISO 8601 UTC "2026-11-25T03:37:20Z". */
char *sr_time_format_iso(int64_t epoch_ns, char *buf, size_t len);
/* Same with milliseconds: "2026-11-25T03:37:20.123Z". */
char *sr_time_format_iso_ms(int64_t epoch_ns, char *buf, size_t len);
/* Formats a duration as "HH:MM:SS.mmm" (hours grow as needed). */
char *sr_time_format_offset(int64_t ns, char *buf, size_t len);
/*
 * Parses a point in time for --since/--until: ISO 8601
 * ("2026-11-25", "2026-11-25T03:37", "2026-11-25T03:37:20Z",
 * "2026-11-25 03:37:20+01:00"; no zone means UTC), "@EPOCH", or an age
 * before now ("30s", "15m", "6h", "2d", "1w").  Returns 0 or -1.
 */
int sr_time_parse_when(const char *s, int64_t now_ns, int64_t *epoch_ns);
/* Parses a duration ("90", "1.5s", "15m", "6h", "2d"); 0 or -1. */
int sr_time_parse_duration(const char *s, int64_t *ns);
/* Parses an offset into a session: "90", "1:30", "01:02:03.5". */
int sr_time_parse_offset(const char *s, int64_t *ns);
/* Current wall clock in epoch nanoseconds. */
int64_t sr_time_now(void);
/*
 * The wall-clock delay for a recorded delay: first cut to max_idle when
 * max_idle > 0, then divided by speed (speed <= 0 counts as 1).
 */
int64_t sr_time_scale(int64_t delay, double speed, int64_t max_idle);
/* Monotonic clock in nanoseconds (for pacing, not for dates). */
int64_t sr_time_mono(void);

/* Strings. */

/*
 * Appends s[0..len) to b escaped for a terminal: printable ASCII and valid
 * UTF-8 except C1 controls and bidi/format characters are kept; anything
 * else becomes \n, \t, \\ or \xHH.  The result never carries a control
 * character.
 */
int sr_str_escape(struct sr_buf *, const char *s, size_t len);
/*
 * Appends s as a JSON string (with quotes).  Invalid UTF-8 bytes are
 * written as U+FFFD so the output is always valid JSON.
 */
int sr_str_json(struct sr_buf *, const char *s, size_t len);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t sr_utf8_valid(const unsigned char *s, size_t len);

/*
 * The session model.
 */
enum sr_field {
	SR_F_SESSION_ID,
	SR_F_ACTOR,
	SR_F_TARGET,
	SR_F_HOST,
	SR_F_SRC_IP,
	SR_F_TICKET,
	SR_F_COMMAND,
	SR_F_CWD,
	SR_F_TTY,
	SR_F_TERM,
	SR_F__COUNT
};

/* Normalized field name ("session_id", "src_ip", ...). */
const char *sr_field_name(enum sr_field);

enum sr_have {
	SR_HAVE_START = 1 << 0,
	SR_HAVE_DURATION = 1 << 1,
	SR_HAVE_GEOMETRY = 1 << 2,
	SR_HAVE_EXIT = 1 << 3,	 /* exit_status is valid */
	SR_HAVE_SIGNAL = 1 << 4, /* exit_signal is valid */
};

/* Whether the recorder finished writing the session. */
enum sr_state {
	SR_STATE_UNKNOWN = 0, /* the format cannot tell */
	SR_STATE_COMPLETE,    /* the recorder marked it finished */
	SR_STATE_INCOMPLETE,  /* still recording, or the recorder died */
};

struct sr_kv {
	char *key;
	char *value;
};

/*
 * Session metadata.  Unknown is not zero: missing strings are NULL and
 * numbers carry a bit in have.  Every string is owned by the session and
 * NUL-terminated; it may hold any byte but NUL, so escape it before it
 * reaches a terminal.
 */
struct sr_session {
	char *field[SR_F__COUNT];
	char **argv; /* NULL-terminated; NULL when unknown */
	size_t argc;
	unsigned have;	     /* enum sr_have */
	int64_t start_ns;    /* since the epoch */
	int64_t duration_ns; /* time of the last event, or as recorded */
	unsigned rows, cols;
	int exit_status;
	char exit_signal[32];
	enum sr_state state;
	const char *format;   /* static: the format's name */
	char *path;	      /* where it was read: container path + member */
	struct sr_kv *extras; /* format-specific, in order of appearance */
	size_t nextras;
	size_t extras_cap;
	size_t meta_bytes; /* bytes held, checked against meta_max */
	size_t meta_max;
};

void sr_session_init(struct sr_session *, size_t meta_max);
void sr_session_release(struct sr_session *);
/* Heap copy; caller frees with sr_session_free().  NULL on no memory. */
struct sr_session *sr_session_dup(const struct sr_session *);
void sr_session_free(struct sr_session *);
/*
 * Setters copy their arguments.  They return SR_OK, or SR_FAILED when the
 * session's meta limit would be exceeded (the field is left unchanged),
 * or SR_FATAL when out of memory.  A NULL value clears the field.
 */
int sr_session_set(struct sr_session *, enum sr_field, const char *,
    size_t len);
int sr_session_set_str(struct sr_session *, enum sr_field, const char *);
int sr_session_set_path(struct sr_session *, const char *);
int sr_session_set_argv(struct sr_session *, const char *const *argv,
    size_t argc);
/* Adds a key/value extra; a key already present is replaced. */
int sr_session_add_extra(struct sr_session *, const char *key,
    const char *value, size_t vlen);
/* Borrowed; NULL when absent. */
const char *sr_session_extra(const struct sr_session *, const char *key);

/*
 * Metadata predicates shared by ls, grep and archive.  Patterns are shell
 * globs (fnmatch(3)) on the escaped-free raw field; NULL matches anything,
 * and a pattern never matches an unknown (NULL) field.  A time window
 * keeps sessions that overlap [since, until]; a session with an unknown
 * start never passes a time filter.
 */
struct sr_meta_filter {
	const char *field[SR_F__COUNT];
	const char *format;
	int64_t since_ns;
	int64_t until_ns;
	int have_since;
	int have_until;
};

/* Nonzero when the session passes the filter. */
int sr_session_match(const struct sr_session *, const struct sr_meta_filter *);
/*
 * Appends the session as one JSON object with the normalized field names
 * (unknown values are null); with extras, also an "extras" object.
 */
int sr_session_json(struct sr_buf *, const struct sr_session *, int extras);

/*
 * The event model.  Type numbers are frozen: native recordings store them.
 */
enum sr_event_type {
	SR_EV_OUTPUT = 1,
	SR_EV_INPUT = 2,
	SR_EV_RESIZE = 3,
	SR_EV_SUSPEND = 4,
	SR_EV_RESUME = 5,
	SR_EV_MARKER = 6,
	SR_EV_END = 7,
};

enum sr_stream_id {
	SR_STREAM_NONE = 0,
	SR_STREAM_TTYOUT = 1,
	SR_STREAM_TTYIN = 2,
	SR_STREAM_STDIN = 3,
	SR_STREAM_STDOUT = 4,
	SR_STREAM_STDERR = 5,
};

enum sr_event_flags {
	SR_EVF_BINARY = 1 << 0, /* data is not (only) valid UTF-8 text */
	SR_EVF_GAP = 1 << 1,	/* data was lost before this event */
	SR_EVF_MASKED = 1 << 2, /* input withheld (password) */
	SR_EVF_SYNTH = 1 << 3,	/* made up by the reader, not recorded */
	SR_EVF_PIPE = 1 << 4,	/* written to a pipe: LF means CR LF */
};

/* Where an event came from, for messages.  -1 is unknown. */
struct sr_evloc {
	int64_t line;
	int64_t msg_id;
	int64_t offset;
};

/*
 * One timed event.  data is borrowed: valid until the next
 * sr_reader_next_event() or sr_reader_next_session() on that reader.
 * For SR_EV_MARKER data is the label, for SR_EV_SUSPEND/RESUME the signal
 * name ("TSTP"), for SR_EV_END the exit status as text or "".
 */
struct sr_event {
	enum sr_event_type type;
	enum sr_stream_id stream;
	int64_t t_ns; /* since the session start */
	const unsigned char *data;
	size_t len;
	unsigned flags;	     /* enum sr_event_flags */
	unsigned rows, cols; /* SR_EV_RESIZE */
	struct sr_evloc loc;
};

/*
 * Nonzero when output event ev of session s (NULL: unknown) was written
 * to a pipe, not to a terminal, so that its LF must be drawn as CR LF
 * (sr_screen_set_onlcr()): sudo's stdout and stderr streams, a tlog
 * session without a window (pipe mode), or an event flagged
 * SR_EVF_PIPE, or a sessrec recording without a window (sessrec-rec ran
 * the command on pipes).
 */
int sr_event_pipe(const struct sr_session *s, const struct sr_event *ev);
const char *sr_event_type_name(enum sr_event_type);
const char *sr_stream_id_name(enum sr_stream_id);

/*
 * The input layer.  An input is a container of members: a plain file is
 * a container of one member (named after the file's base name), a
 * directory holds its regular files (recursively, names relative to it),
 * an archive its entries.  Decoding (gzip, zstd, xz, bzip2) sits beneath:
 * a member opened without SR_OPEN_RAW is decoded when compressed.
 */
enum sr_input_kind {
	SR_INPUT_FILE = 1,
	SR_INPUT_DIR,
	SR_INPUT_ARCHIVE,
	SR_INPUT_MEM,
};

struct sr_member {
	const char *name; /* relative path, '/'-separated */
	int64_t size;	  /* stored (undecoded) size, -1 unknown */
	uint32_t mode;	  /* st_mode bits as stored, 0 unknown */
	int64_t mtime_ns; /* 0 unknown */
};

struct sr_input;
struct sr_stream;

/*
 * Opens path as a container.  *inp is owned by the caller: free with
 * sr_input_close().  Returns SR_OK or SR_FAILED with err filled.
 */
int sr_input_open(struct sr_ctx *, const char *path, struct sr_input **inp,
    struct sr_error *err);

enum sr_input_flags {
	/*
	 * A plain file also brings the files beside it that share its
	 * stem (x.out with x.tm) as members, so that a recording made of
	 * two files is whole when the user names one of them.
	 */
	SR_INPUT_PARTNERS = 1 << 0,
};

/* sr_input_open() with flags (enum sr_input_flags). */
int sr_input_open_flags(struct sr_ctx *, const char *path, unsigned flags,
    struct sr_input **inp, struct sr_error *err);
/*
 * A container over memory (borrowed: it must outlive the input).  When
 * the bytes are an archive, its entries are the members; otherwise they
 * are one member called name.
 */
int sr_input_open_mem(struct sr_ctx *, const char *name, const void *data,
    size_t len, struct sr_input **inp, struct sr_error *err);
void sr_input_close(struct sr_input *);
enum sr_input_kind sr_input_kind(const struct sr_input *);
const char *sr_input_path(const struct sr_input *); /* borrowed */
size_t sr_input_nmembers(const struct sr_input *);
/* Borrowed; valid until sr_input_close(). Members are sorted by name. */
const struct sr_member *sr_input_member(const struct sr_input *, size_t i);
const struct sr_member *sr_input_find(const struct sr_input *,
    const char *name);
/*
 * Like sr_input_find(), but fills in size, mode and mtime where they are
 * still unknown: a directory walk does not stat regular files that
 * readdir() already typed, which keeps a scan of a large tree cheap.
 */
const struct sr_member *sr_input_stat(struct sr_input *, const char *name);
struct sr_ctx *sr_input_ctx(const struct sr_input *);

enum sr_open_flags {
	SR_OPEN_RAW = 1 << 0, /* do not decode gzip, zstd, xz or bzip2 */
	/*
	 * The caller needs neither the member's mode nor its size: a file
	 * that a directory listing already typed as regular is not
	 * statted again after it is opened (one system call less per file
	 * when listing large sudo trees).
	 */
	SR_OPEN_NOSTAT = 1 << 1,
};

/*
 * Opens a byte view of a member.  Caller closes with sr_stream_close().
 * Streams are seekable whatever lies beneath (decoded data is spooled).
 */
int sr_stream_open(struct sr_input *, const char *member, unsigned flags,
    struct sr_stream **sp, struct sr_error *err);
void sr_stream_close(struct sr_stream *);
/*
 * Returns a pointer to the next n bytes without consuming them; *avail is
 * set to the number available (less than n only at the end of data).
 * Borrowed until the next call on the stream.  NULL on a read error (see
 * sr_stream_error()); at EOF a non-NULL pointer with *avail == 0.
 */
const unsigned char *sr_stream_peek(struct sr_stream *, size_t n,
    size_t *avail);
/* Consumes n bytes (at most what the last peek made available). */
void sr_stream_consume(struct sr_stream *, size_t n);
/* Reads up to n bytes; *got is 0 at EOF.  SR_OK or SR_FAILED. */
int sr_stream_read(struct sr_stream *, void *buf, size_t n, size_t *got);
/*
 * Next line without its "\n" (a "\r" before it is kept).  *line is
 * borrowed until the next call.  SR_EOF at the end; a last line without
 * "\n" is returned with *complete = 0.  A line longer than max is
 * SR_FAILED with SR_E_LIMIT in the error; the stream then stands after
 * the line.
 */
int sr_stream_getline(struct sr_stream *, const char **line, size_t *len,
    int *complete, size_t max);
int64_t sr_stream_offset(const struct sr_stream *); /* decoded offset */
int sr_stream_seek(struct sr_stream *, int64_t offset);
/* Decoded size, -1 while unknown. */
int64_t sr_stream_size(struct sr_stream *);
/* The member name (borrowed). */
const char *sr_stream_name(const struct sr_stream *);
/* Nonzero when the data was decoded and the encoded stream ended early. */
int sr_stream_truncated(const struct sr_stream *);
/* Nonzero when the member was compressed and is being decoded. */
int sr_stream_decoded(const struct sr_stream *);
const struct sr_error *sr_stream_error(const struct sr_stream *);

/*
 * Formats.  The descriptors live in lib/fmt/; callers see them only
 * through these functions.
 */
struct sr_format;
/* Borrowed static descriptor; NULL when no format has that name. */
const struct sr_format *sr_format_find(const char *name);
const char *sr_format_name(const struct sr_format *);
const char *sr_format_description(const struct sr_format *);
/* Iterates over the table: i from 0 until NULL. */
const struct sr_format *sr_format_at(size_t i);

/*
 * A recording found in a container: the format that won the bidding and
 * the member it is rooted at (a file, or a directory prefix for formats
 * made of several members).
 */
struct sr_found {
	const struct sr_format *fmt;
	char *member;	   /* owned; "" for the container's root directory */
	char *partners[4]; /* owned, NULL-terminated: other members claimed */
};

/*
 * Probes every member of the container and collects the recordings in
 * it, in member order.  Members claimed by a recording (a sudo session's
 * files, a script log's timing partner) are not probed again.  Members no
 * format recognizes are skipped; with want_unknown they are returned with
 * fmt NULL.  *found is owned by the caller: sr_found_free_all().
 */
int sr_probe_container(struct sr_input *, int want_unknown,
    struct sr_found **found, size_t *nfound, struct sr_error *err);
void sr_found_free_all(struct sr_found *, size_t n);
/*
 * Probes one member and returns the winning format or NULL; *bid is set
 * to its bid (0 when none).
 */
const struct sr_format *sr_probe_member(struct sr_input *, const char *member,
    int *bid);

/*
 * Readers.
 */
struct sr_reader;

/*
 * Opens a reader on a recording rooted at member of in (see sr_found).
 * fmt NULL probes.  The input must outlive the reader.  Caller closes
 * with sr_reader_close().  SR_OK, or SR_FAILED/SR_FATAL with err filled.
 */
int sr_reader_open(struct sr_ctx *, struct sr_input *, const char *member,
    const struct sr_format *fmt, struct sr_reader **rp, struct sr_error *err);
void sr_reader_close(struct sr_reader *);
/*
 * Advances to the next session.  *sp is borrowed until the next call or
 * sr_reader_close(); keep it with sr_session_dup().  SR_OK, SR_EOF,
 * SR_WARN (usable, a warning went to the diagnostics callback),
 * SR_FAILED (this session is unusable; calling again moves on) or
 * SR_FATAL.
 */
int sr_reader_next_session(struct sr_reader *, const struct sr_session **sp);
/* Next event of the current session; *evp borrowed as described above. */
int sr_reader_next_event(struct sr_reader *, const struct sr_event **evp);
/* The last error (borrowed). */
const struct sr_error *sr_reader_error(const struct sr_reader *);
const struct sr_format *sr_reader_format(const struct sr_reader *);
/* Number of warnings reported so far on this reader. */
size_t sr_reader_warnings(const struct sr_reader *);

/*
 * Textview: rebuilds the lines a viewer saw from output events.  Escape
 * sequences are removed, CR and backspace overwrites applied, UTF-8 split
 * across events reassembled.  Completed lines come out through the
 * callback with the time of the event that began them.
 */
struct sr_textview;
typedef int (*sr_textview_line_fn)(void *arg, const char *line, size_t len,
    int64_t t_ns);
/* Caller frees with sr_textview_free().  NULL on no memory. */
struct sr_textview *sr_textview_new(size_t max_line, sr_textview_line_fn,
    void *arg);
void sr_textview_free(struct sr_textview *);
/*
 * Feeds output bytes; returns the first non-zero callback result,
 * SR_FATAL when out of memory, or 0.
 */
int sr_textview_feed(struct sr_textview *, const unsigned char *, size_t,
    int64_t t_ns);
/* Ends the current line if it holds anything (session end). */
int sr_textview_flush(struct sr_textview *);
/* Forgets the partial line and the parser state (new session). */
void sr_textview_reset(struct sr_textview *);

/*
 * Overwritten text (SECURITY.md S5): with this set, text that a CR, a
 * backspace or an erase hid before the line was finished also comes
 * out, through fn, as its own line with the time it was drawn, so
 * grep can search and label it.  fn NULL turns it off.
 */
void sr_textview_set_overwritten(struct sr_textview *, sr_textview_line_fn fn,
    void *arg);

/*
 * Matching (lib/filter/match.c): PCRE2 with JIT, and match, depth and
 * heap limits so a catastrophic pattern fails instead of hanging.  One
 * sr_match per thread.
 */
struct sr_match;

enum sr_match_flags {
	SR_MATCH_ICASE = 1 << 0, /* -i */
	SR_MATCH_WORD = 1 << 1,	 /* -w: whole words */
	SR_MATCH_FIXED = 1 << 2, /* -F: a plain string */
};

/*
 * Compiles pattern (UTF-8).  SR_OK, or SR_FAILED with err naming the
 * offset in the pattern and PCRE2's message.  Caller frees.
 */
int sr_match_new(struct sr_ctx *, const char *pattern, unsigned flags,
    struct sr_match **, struct sr_error *err);
void sr_match_free(struct sr_match *);
/*
 * The first match in s[0..len) that starts at or after start: SR_OK with
 * [*so, *eo), SR_EOF when there is none, SR_FAILED with err when a limit
 * was hit (the line is then reported, not silently skipped).
 */
int sr_match_exec(struct sr_match *, const char *s, size_t len, size_t start,
    size_t *so, size_t *eo, struct sr_error *err);

/*
 * Redaction (lib/filter/redact.c; SECURITY.md §6): rules that find
 * secrets in rendered text lines.  Built-in rules plus rule files; state
 * carries across the lines of one session (a private key block spans
 * lines).  One sr_redact per thread.
 */
struct sr_redact;

struct sr_span {
	size_t so, eo;	     /* bytes [so, eo) of the line */
	const char *rule_id; /* borrowed from the rule set */
};

/* The built-in rules.  Caller frees.  SR_OK or SR_FATAL. */
int sr_redact_new(struct sr_ctx *, struct sr_redact **, struct sr_error *);
void sr_redact_free(struct sr_redact *);
/*
 * Adds the rules of a file (sessrec-grep(1) gives the syntax).  SR_OK,
 * or SR_FAILED with err naming the file and line.
 */
int sr_redact_add_file(struct sr_redact *, const char *path,
    struct sr_error *err);
/* Number of rules, and rule i's id and description (borrowed). */
size_t sr_redact_nrules(const struct sr_redact *);
void sr_redact_rule(const struct sr_redact *, size_t i, const char **id,
    const char **description);
/* Forgets the state carried between lines (a new session). */
void sr_redact_reset(struct sr_redact *);
/*
 * The secret spans of the next line of a session, in order and not
 * overlapping, at most max of them (*n the count; more are merged into
 * the last).  SR_OK, or SR_FAILED with err when a rule hit a limit (the
 * whole line is then one span: fail closed).
 */
int sr_redact_line(struct sr_redact *, const char *line, size_t len,
    struct sr_span *spans, size_t max, size_t *n, struct sr_error *err);
/*
 * Appends line to out with every span replaced by "[REDACTED:rule-id]".
 * Returns what the buffer returned.
 */
int sr_redact_apply(const char *line, size_t len, const struct sr_span *,
    size_t n, struct sr_buf *out);

/*
 * Commands (lib/filter/commands.c): the command lines of a session, from
 * shell-integration marks (OSC 133, OSC 7 for the directory), from
 * recorded input with line editing applied (backspace, ^U, ^W, ^C), from
 * the session's metadata (sudo's command), else from the echoed line at
 * Enter.
 */
struct sr_cmdex;

enum sr_command_source {
	SR_CMDSRC_OSC133 = 1,
	SR_CMDSRC_INPUT,
	SR_CMDSRC_META,
	SR_CMDSRC_ECHO,
};

typedef int (*sr_command_fn)(void *arg, const char *cmd, size_t len,
    int64_t t_ns, enum sr_command_source src);

/* Caller frees.  NULL on no memory. */
struct sr_cmdex *sr_cmdex_new(sr_command_fn, void *arg);
void sr_cmdex_free(struct sr_cmdex *);
/* A new session (resets the state; may emit the metadata command). */
int sr_cmdex_session(struct sr_cmdex *, const struct sr_session *);
/* The session's events in order; returns the first non-zero callback. */
int sr_cmdex_event(struct sr_cmdex *, const struct sr_event *);
/* The session ended: emits a command still being typed. */
int sr_cmdex_flush(struct sr_cmdex *);

/*
 * Catalog: the configured sources and the sessions in them.
 */
struct sr_catalog;

/* One session found by a scan.  All strings owned by the catalog. */
struct sr_entry {
	struct sr_session *session; /* owned by the catalog */
	size_t source;		    /* index of the source (and its input) */
	const struct sr_format *fmt;
	char *member; /* recording root inside the input */
	size_t index; /* session index inside the recording */
	int status;   /* worst status seen while listing */
};

/* Caller frees with sr_catalog_free(). */
struct sr_catalog *sr_catalog_new(struct sr_ctx *);
void sr_catalog_free(struct sr_catalog *);
/* Adds a source (file, directory or archive).  Copies path. */
int sr_catalog_add_source(struct sr_catalog *, const char *path);
size_t sr_catalog_nsources(const struct sr_catalog *);
const char *sr_catalog_source(const struct sr_catalog *, size_t);
enum sr_defaults_flags {
	SR_DEFAULTS_ENV = 1 << 0,	 /* SESSREC_SOURCES may override */
	SR_DEFAULTS_TRUST_USER = 1 << 1, /* a config owned by the euid counts */
	SR_CONFIG_SECURE_PATH = 1 << 2,	 /* every parent directory root's too */
};

/*
 * Adds the default sources: SESSREC_SOURCES (colon-separated) when set
 * and SR_DEFAULTS_ENV is given, else the "sources" of the config file
 * when it exists and is owned by root (or, with SR_DEFAULTS_TRUST_USER,
 * by the effective user) and writable by nobody else, else
 * /var/log/sessrec, /var/log/sudo-io, /var/log/tlog.  Sources named in
 * the environment are reported when missing; the others are skipped
 * quietly, as a fresh host may not have them yet.
 */
int sr_catalog_add_defaults(struct sr_catalog *, const char *config_path,
    unsigned flags, struct sr_error *);
/*
 * Scans every source: opens it, probes, and lists every session's
 * metadata.  Unreadable sources and recordings are reported through the
 * diagnostics callback and counted; the scan goes on.  Returns SR_OK, or
 * SR_WARN when something could not be read.
 */
int sr_catalog_scan(struct sr_catalog *);
/* Number of problems reported during the scan. */
size_t sr_catalog_failures(const struct sr_catalog *);
size_t sr_catalog_nentries(const struct sr_catalog *);
/* Borrowed, valid until sr_catalog_free(). */
const struct sr_entry *sr_catalog_entry(const struct sr_catalog *, size_t);
/*
 * A value that changes when the files of entry change size or mtime
 * (the source file, or the files of a recording directory): how play
 * and export --follow see a recording grow.  0 when it cannot be read.
 */
uint64_t sr_catalog_fingerprint(const struct sr_catalog *, size_t entry);
/*
 * Catalog order: start time (unknown last), then id, then path, then
 * session index.  <0, 0 or >0, as for qsort().
 */
int sr_entry_cmp(const struct sr_entry *, const struct sr_entry *);
/* Sorts entries in catalog order (sr_entry_cmp()). */
void sr_catalog_sort(struct sr_catalog *);
/*
 * Resolves what a user typed: an existing path (its sessions; when it
 * holds several, all are matched), an exact session id, or a unique id
 * prefix.  Scans if not yet scanned.  On SR_OK, idx and n give matches
 * (owned by the caller, free()); SR_FAILED with err filled when there is
 * no match or the prefix is ambiguous (the message lists candidates).
 */
int sr_catalog_resolve(struct sr_catalog *, const char *what, size_t **idx,
    size_t *n, struct sr_error *err);
/*
 * Opens a reader positioned on an entry's session: next_event() then
 * yields its events.  Caller closes the reader.
 */
int sr_catalog_open_entry(struct sr_catalog *, size_t i, struct sr_reader **rp,
    const struct sr_session **sp, struct sr_error *err);
/*
 * Opens a session afresh: a new input on source (*inp, closed by the
 * caller after the reader) and a reader on member with fmt (NULL
 * probes), advanced to its index-th usable session (*sp), as
 * sr_catalog_open_entry() does.  For a recording that grew since the
 * scan, or a thread that wants objects of its own.  SR_OK, or the
 * status with err filled and nothing left open.
 */
int sr_open_session(struct sr_ctx *, const char *source, const char *member,
    const struct sr_format *fmt, size_t index, struct sr_input **inp,
    struct sr_reader **rp, const struct sr_session **sp, struct sr_error *err);
/*
 * sr_catalog_open_entry() from a worker thread, with the thread's own
 * context (diagnostics, limits, flags): reads through the input the scan
 * opened, shared (an archive is unpacked once).  Several threads may call
 * it at once on a scanned catalog nobody changes.  Added by H2 (issue 5).
 */
int sr_catalog_open_entry_ctx(struct sr_catalog *, size_t i, struct sr_ctx *,
    struct sr_reader **rp, const struct sr_session **sp, struct sr_error *err);

/*
 * Keys (lib/seal.c).  A host key pair signs native recordings; see
 * sessrec-keygen(1) for the files.  Caller frees with sr_key_free(),
 * which wipes the secret half.
 */
struct sr_key;

/* Makes a new Ed25519 key pair.  SR_OK or SR_FATAL (err set). */
int sr_key_generate(struct sr_key **, struct sr_error *);
/*
 * Loads a PEM secret key (PKCS#8) or public key (SubjectPublicKeyInfo).
 * Refuses a secret key file with any group or world permission bit, even
 * for root.  SR_OK, or SR_FAILED with err naming the file and what is
 * wrong.
 */
int sr_key_load(const char *path, int secret, struct sr_key **,
    struct sr_error *);
/*
 * Writes the secret (mode 0400) or public (0444) half as PEM to path,
 * created with O_EXCL unless force (then replaced atomically through a
 * temporary file in the same directory).  SR_OK or SR_FAILED.
 */
int sr_key_save(const struct sr_key *, const char *path, int secret, int force,
    struct sr_error *);
/* The key id as 16 lowercase hex digits into buf[17]. */
char *sr_key_id_hex(const struct sr_key *, char buf[17]);
void sr_key_free(struct sr_key *);

/*
 * Recording writer (lib/recw.c): turns events into a native recording
 * (sessrec-formats(5)).  It owns nothing of the caller's: metadata is
 * copied at open.  One thread uses a writer at a time; it writes only to
 * the descriptor it was given (O_APPEND), one write(2) per chunk, so a
 * crash tears at most the last chunk.
 */
struct sr_recw;

enum sr_meta_claimed {
	/* Fields taken from the environment or the user, not vouched for. */
	SR_CLAIMED_ACTOR = 1 << 0,
	SR_CLAIMED_SRC_IP = 1 << 1,
	SR_CLAIMED_TARGET = 1 << 2,
	SR_CLAIMED_TICKET = 1 << 3,
	SR_CLAIMED_TERM = 1 << 4,
};

struct sr_rec_meta {
	const char *session_id; /* required; also tlog's "rec" */
	const char *host;
	const char *actor; /* who: login user, or an SSH identity */
	const char *user;  /* name of the real uid running the command */
	const char *src_ip;
	const char *src_port;
	const char *target;
	const char *ticket;
	const char *tty;
	const char *term;
	const char *cwd;
	const char *command;	  /* display form of argv */
	const char *const *argv;  /* NULL-terminated, or NULL */
	const char *actor_source; /* "login", "option", "ssh-cert" ... */
	unsigned claimed;	  /* enum sr_meta_claimed */
	int64_t start_ns;	  /* wall clock, since the epoch */
	unsigned rows, cols;	  /* 0 when there is no terminal */
	long uid;
	long loginuid;	       /* -1 when unset */
	int64_t audit_session; /* -1 when unset */
	uint64_t host_seq;     /* 0 when not kept */
	long pid;
	int input;	  /* input is recorded */
	const char *mask; /* input masking policy, for the header */
};

struct sr_rec_opts {
	int64_t chunk_ns;	  /* close a chunk after this; 0: 1 s */
	size_t chunk_bytes;	  /* or after this much plaintext; 0: 64 KiB */
	int64_t checkpoint_ns;	  /* checkpoint interval; 0: 10 s */
	size_t checkpoint_bytes;  /* or after this much; 0: 1 MiB */
	int level;		  /* zstd level; 0: 1 */
	int no_sync;		  /* skip fdatasync (tests, benchmarks) */
	const struct sr_key *key; /* NULL: unsigned (chain only) */
	size_t reserve;	  /* bytes kept allocated past EOF; 0: 128 KiB */
	size_t index_max; /* index entries before thinning; 0: 64 Ki */
};

/*
 * Starts a recording on fd (opened O_WRONLY|O_APPEND, empty): writes the
 * header and checkpoint 0 and syncs them.  SR_OK; SR_FAILED with err set
 * (SR_E_IO with errnum) when they cannot be written, and then the
 * session must not start.
 */
int sr_recw_open(struct sr_ctx *, int fd, const struct sr_rec_meta *,
    const struct sr_rec_opts *, struct sr_recw **, struct sr_error *);
/*
 * Adds an event: SR_EV_OUTPUT, SR_EV_INPUT (with SR_EVF_MASKED: no data
 * is stored, only a marker), SR_EV_RESIZE, SR_EV_MARKER (data = label),
 * SR_EV_SUSPEND, SR_EV_RESUME.  t_ns is session time and never goes
 * back.  Closes and writes a chunk when one is due.  SR_OK, or SR_FAILED
 * with the write error (see sr_recw_error()); after a write error the
 * writer keeps a valid prefix: the torn chunk is cut off again.
 */
int sr_recw_event(struct sr_recw *, const struct sr_event *);
/* Closes the chunk if its time is due at now_ns; checkpoints if due. */
int sr_recw_tick(struct sr_recw *, int64_t now_ns);
/* Closes and writes the current chunk now (if it holds anything). */
int sr_recw_flush(struct sr_recw *, int64_t now_ns);
/*
 * Declares data lost between t_from and t_to (fail-open): the next chunk
 * starts with a gap marker, and the seal counts the bytes.
 */
void sr_recw_gap(struct sr_recw *, uint64_t bytes, int64_t t_from,
    int64_t t_to);
/*
 * Ends the recording: last chunk, index, seal; syncs and makes the file
 * read-only (0440).  reason is an enum sr_end_reason (lib/native.h);
 * status the exit code or signal number.
 */
int sr_recw_seal(struct sr_recw *, int64_t now_ns, int reason, int status);
enum sr_witness_kind { SR_WITNESS_START = 0, SR_WITNESS_SEAL = 1 };
/*
 * Appends a witness line for syslog (SECURITY.md K4, K5;
 * sessrec-formats(5)): START (rec_id, host_seq, h0) after
 * sr_recw_open(), SEAL (n, h_n, end reason, bytes lost) after
 * sr_recw_seal().  Signed with the host key when there is one.  SR_OK;
 * SR_FAILED for SEAL before the seal; SR_FATAL with sr_recw_error().
 */
int sr_recw_witness(struct sr_recw *, enum sr_witness_kind, struct sr_buf *);
/* The last write error (borrowed). */
const struct sr_error *sr_recw_error(const struct sr_recw *);
/* Bytes written to the file so far. */
uint64_t sr_recw_size(const struct sr_recw *);
/* Frees; does not close the descriptor. */
void sr_recw_free(struct sr_recw *);

/*
 * Session ids for new recordings: 26 characters of Crockford base32, a
 * 48-bit millisecond time then 80 random bits, so ids sort by start time
 * (the ULID layout).  buf gets 27 bytes.
 */
int sr_session_id_new(int64_t wall_ns, char buf[27], struct sr_error *);

/*
 * Input masking (lib/filter/mask.c, SECURITY.md §6): decides which input
 * bytes are never stored.
 */
enum sr_mask_policy {
	SR_MASK_OFF = 0,
	SR_MASK_ECHO_OFF,	 /* the pty has ICANON on and ECHO off */
	SR_MASK_ECHO_OFF_PROMPT, /* and: the output line looks like a prompt */
};
struct sr_mask;

/*
 * prompt is a POSIX extended regex, matched case-insensitively against
 * the current output line (escape sequences removed, at most 4 KiB);
 * NULL gives the default (password, passphrase, PIN, passcode and
 * verification code prompts).  SR_OK, or SR_FAILED with err set when the
 * regex does not compile.
 */
int sr_mask_new(enum sr_mask_policy, const char *prompt, struct sr_mask **,
    struct sr_error *);
void sr_mask_free(struct sr_mask *);
/* Feeds output as it is relayed (tracks the current line). */
void sr_mask_output(struct sr_mask *, const void *, size_t);
/*
 * Classifies input: returns the length of the leading run of buf[0..len)
 * that is all masked or all clear (*masked says which).  A masked run
 * ends after the CR or LF that ends the secret.  echo_off says whether
 * the pty has ICANON on and ECHO off right now.  Call again with the
 * rest.
 */
size_t sr_mask_input(struct sr_mask *, const void *, size_t len, int echo_off,
    int *masked);
/*
 * After a masked run ended (sr_mask_input() returned a masked run whose
 * last byte was CR or LF): the number of masked lines in a row, so the
 * recorder can flag more than three as suspicious.
 */
unsigned sr_mask_lines(const struct sr_mask *);

/*
 * Configuration files (lib/config.c): "key = value" lines, '#' comments.
 * A file counts only when root owns it (or, with SR_DEFAULTS_TRUST_USER,
 * the effective user) and nobody else may write it.
 */
struct sr_config;

/*
 * Loads path into a new config (*cp, the caller's to free, even on
 * error).  A missing file gives an empty config and SR_OK, except with
 * SR_CONFIG_SECURE_PATH below a directory others may write.  A file that
 * does not count (not a regular file, or one that others may write, on a
 * path others may change, through a link that leads nowhere) gives
 * SR_WARN, err naming the file and an empty config.  A bad line (no '=',
 * an empty key, a NUL byte, a malformed section header, more than 4096
 * lines or a line over 4096 bytes) gives SR_FAILED with err naming the
 * file and err->loc.line; the settings before that line stay in *cp.
 */
int sr_config_load(const char *path, unsigned flags, struct sr_config **,
    struct sr_error *);
/* The last value of key, or NULL (borrowed). */
const char *sr_config_get(const struct sr_config *, const char *key);
/* Line number where key was last set, 0 when unset. */
int sr_config_line(const struct sr_config *, const char *key);
/* The i-th setting in file order: 0, or -1 past the end (borrowed). */
int sr_config_entry(const struct sr_config *, size_t i, const char **key,
    const char **value);
/*
 * The value of key for this user: the last value set in a "[user NAME]"
 * section naming user, else the last value set for the first of groups
 * that a "[group NAME]" section sets it for (file order), else the last
 * global value.  line, when not NULL, gets the line it came from (0:
 * unset).  Borrowed.
 */
const char *sr_config_get_for(const struct sr_config *, const char *key,
    const char *user, const char *const *groups, size_t ngroups, int *line);
/* The i-th section setting in file order: 0, or -1 past the end. */
int sr_config_scoped_entry(const struct sr_config *, size_t i, const char **key,
    const char **value, int *line);
void sr_config_free(struct sr_config *);

/*
 * Terminal screen (lib/filter/screen.c): recorded output fed to a
 * terminal emulator (libvterm), so that what the viewer saw can be drawn
 * or printed without a recorded byte ever reaching a real terminal.
 * Replies the emulator would send (device status, DECRQSS, title
 * reports) are discarded.  A screen owns its emulator; one thread at a
 * time.
 */
struct sr_screen;

#define SR_SCREEN_MAX 1000 /* rows and columns, SECURITY.md §7 */

enum sr_cell_attr {
	SR_CA_BOLD = 1 << 0,
	SR_CA_UNDERLINE = 1 << 1,
	SR_CA_ITALIC = 1 << 2,
	SR_CA_BLINK = 1 << 3,
	SR_CA_REVERSE = 1 << 4,
	SR_CA_STRIKE = 1 << 5,
	SR_CA_DIM = 1 << 6,
	SR_CA_CONCEAL = 1 << 7,
};

/* A colour: the default, one of 256 indexed, or 24-bit RGB. */
enum sr_color_kind { SR_COLOR_DEFAULT = 0, SR_COLOR_INDEX, SR_COLOR_RGB };
struct sr_color {
	enum sr_color_kind kind;
	uint8_t index;	 /* SR_COLOR_INDEX */
	uint8_t r, g, b; /* SR_COLOR_RGB */
};

struct sr_cell {
	uint32_t ch[6]; /* code points: base then combining; ch[0] 0 = blank */
	unsigned width; /* 1, 2 for a wide character, 0 for its right half */
	unsigned attrs; /* enum sr_cell_attr */
	struct sr_color fg, bg;
};

/*
 * rows are clamped to 1..SR_SCREEN_MAX, cols to 2..SR_SCREEN_MAX (a wide
 * character in one column breaks libvterm 0.1.4).  NULL on no memory.
 */
struct sr_screen *sr_screen_new(unsigned rows, unsigned cols);
void sr_screen_free(struct sr_screen *);
/* Feeds output bytes (any bytes: split sequences carry over). */
void sr_screen_feed(struct sr_screen *, const void *, size_t);
/* Resizes (a recorded resize); clamped like sr_screen_new(). */
void sr_screen_resize(struct sr_screen *, unsigned rows, unsigned cols);
void sr_screen_size(const struct sr_screen *, unsigned *rows, unsigned *cols);
/* The cell at row, col (0-based); a blank cell outside the screen. */
void sr_screen_cell(const struct sr_screen *, unsigned row, unsigned col,
    struct sr_cell *);
/* Cursor position and whether it is visible. */
void sr_screen_cursor(const struct sr_screen *, unsigned *row, unsigned *col,
    int *visible);
/* Whether the alternate screen is shown (full-screen programs). */
int sr_screen_altscreen(const struct sr_screen *);
/*
 * Appends the screen as text: one line per row, trailing blanks cut,
 * wide characters once, and trailing empty rows left out.  The text is
 * what the screen shows, as valid UTF-8 with '\n' its only control
 * (a backslash is a backslash): every code point passes sr_cp_safe(),
 * so what must not reach a terminal (C0, DEL, C1, bidi and other format
 * controls, noncharacters, invalid code points) comes out as U+FFFD, as
 * the player draws it.  Returns what the buffer returned (SR_E_NONE,
 * SR_E_LIMIT, SR_E_NOMEM), the buffer unchanged on failure.
 */
int sr_screen_text(const struct sr_screen *, struct sr_buf *);
/* How many replies the emulator wanted to send (dropped, every one). */
uint64_t sr_screen_replies(const struct sr_screen *);
/*
 * ONLCR, as a tty sets it: while on, every LF fed is drawn as CR LF.
 * For output recorded without a terminal (pipes, sudo's stdout and
 * stderr streams, tlog pipe mode), which carries bare LF.  Off in a new
 * screen and after sr_screen_reset(); carried in snapshots.  Costs
 * nothing while off.
 */
void sr_screen_set_onlcr(struct sr_screen *, int on);
/*
 * cp when it is safe to draw on a real terminal, else U+FFFD: C0, DEL,
 * C1, bidi and other format controls, surrogates, noncharacters and
 * values past U+10FFFF are not (SECURITY.md S2).
 */
uint32_t sr_cp_safe(uint32_t cp);
/*
 * A counter that moves whenever a cell, the cursor or the geometry
 * changes: a viewer redraws only when it differs from the last drawn.
 */
uint64_t sr_screen_damage(const struct sr_screen *);
/* Back to a blank screen of rows x cols with every mode reset. */
void sr_screen_reset(struct sr_screen *, unsigned rows, unsigned cols);
/*
 * Snapshots (keyframes for seeking).  A snapshot holds everything later
 * output depends on that can be known: geometry, the cells of the shown
 * buffer and, while the alternate screen is shown, of the saved primary
 * one, cursor and its visibility, the pen, scrolling region, origin,
 * autowrap and insert modes, and the G0/G1 charsets.  The bytes are
 * versioned and hold no pointers, so they can be stored in a file and
 * restored by another process.  Appends to b; returns what the buffer
 * returned (b unchanged on failure).
 */
int sr_screen_snapshot(const struct sr_screen *, struct sr_buf *b);
/*
 * Replaces the whole state with a snapshot, geometry included.  SR_OK,
 * or SR_FAILED when the bytes are not a snapshot this version reads (the
 * screen is then blank, as after sr_screen_reset()).  Never trusts the
 * bytes: every count and size is checked.
 */
int sr_screen_restore(struct sr_screen *, const void *, size_t);

/*
 * Play index (lib/filter/playidx.c).  One session's events re-encoded
 * in zstd blocks; each block begins with a keyframe (an sr_screen
 * snapshot of the state before its first event), so a player seeks by
 * restoring the nearest keyframe and replaying at most one block (about
 * 1 MiB of output).  The index also keeps the marks (command starts,
 * markers, gaps, suspends) and the rendered text lines for search.  It is
 * a cache derived from the recording: it names the recording it was
 * made from (the identity) and is rebuilt when that changes.
 *
 * One thread may build while others read: every function below locks
 * the index.  Readers see the blocks finished so far.
 */
struct sr_playidx;
struct sr_playcur;

enum sr_mark_kind {
	SR_MARK_COMMAND = 1, /* Enter typed: a command starts */
	SR_MARK_MARKER,	     /* a recorded marker event */
	SR_MARK_GAP,	     /* data lost before this point */
	SR_MARK_SUSPEND,     /* the recorded command was stopped */
	SR_MARK_RESUME,
};

struct sr_mark {
	int64_t t_ns;
	enum sr_mark_kind kind;
	char label[80]; /* NUL-terminated raw text: escape before printing */
};

/*
 * Appends the identity of a catalog entry's session to b: the source and
 * member path, the session's index, and the device, inode, size and
 * modification time of the file that holds it.  Two identities are
 * equal only when the recording has not changed.
 */
int sr_playidx_identity(struct sr_catalog *, size_t entry, struct sr_buf *b);
/*
 * Appends the cache file name for an identity to path: dir, "/", 32 hex
 * digits of the SHA-256 of its location lines (source, member, session,
 * format; not the file's size and times), ".sridx": a changed recording
 * gets its index rebuilt under the same name.
 */
int sr_playidx_cache_name(const char *identity, const char *dir,
    struct sr_buf *path);
/*
 * Starts building an index into fd (an empty file open read-write; fd
 * is borrowed and must stay open until sr_playidx_free()).  The session
 * gives the start geometry (80x24 when unknown) and the duration
 * reported before the build is complete.  SR_OK or SR_FATAL with err.
 */
int sr_playidx_create(struct sr_ctx *, int fd, const char *identity,
    const struct sr_session *, struct sr_playidx **, struct sr_error *err);
/*
 * Builder: adds the next event (in the reader's order).  Large output
 * events are split.  SR_OK, or SR_FATAL (no memory, write error; the
 * message is in sr_playidx_error()).
 */
int sr_playidx_add(struct sr_playidx *, const struct sr_event *);
/* Builder: closes the current block now so readers see its events. */
int sr_playidx_flush(struct sr_playidx *);
/*
 * Builder: writes the block table, marks and trailer; the index is then
 * complete.  status is the reader's worst status (SR_OK, SR_WARN, or
 * SR_FAILED when the recording ended abnormally), kept for the player's
 * banner.
 */
int sr_playidx_finish(struct sr_playidx *, int status);
/*
 * Builder: reads every event of the reader's current session into the
 * index and finishes it.  Stops early, unfinished, when *cancel becomes
 * nonzero (another thread's flag; NULL for none).  Returns the reader's
 * worst status, or SR_FATAL.
 */
int sr_playidx_build(struct sr_playidx *, struct sr_reader *,
    const volatile int *cancel);
/*
 * Loads a complete index from fd (borrowed, as above).  SR_OK; SR_EOF
 * when it is stale (another identity or format version) or unfinished,
 * so the caller rebuilds it; SR_FAILED with err (byte offset) when it is
 * damaged.
 */
int sr_playidx_load(struct sr_ctx *, int fd, const char *identity,
    struct sr_playidx **, struct sr_error *err);
void sr_playidx_free(struct sr_playidx *);
/* The last error of the builder (borrowed). */
const struct sr_error *sr_playidx_error(struct sr_playidx *);
/*
 * Builder: keeps the reader's error in the index (and its file) as the
 * reason the recording ended abnormally; sr_playidx_error() returns it.
 */
void sr_playidx_set_error(struct sr_playidx *, const struct sr_error *);
/* Number of blocks readers can see so far. */
size_t sr_playidx_nblocks(struct sr_playidx *);
/* Nonzero once sr_playidx_finish() ran (or a loaded index). */
int sr_playidx_complete(struct sr_playidx *);
/* The status given to sr_playidx_finish() (SR_OK before). */
int sr_playidx_status(struct sr_playidx *);
/*
 * Time of the last event indexed so far; for an incomplete index, the
 * greater of that and the session's recorded duration.
 */
int64_t sr_playidx_duration(struct sr_playidx *);
/* Start geometry. */
void sr_playidx_geometry(struct sr_playidx *, unsigned *rows, unsigned *cols);
size_t sr_playidx_nmarks(struct sr_playidx *);
/* Copies mark i (by time); SR_OK, or SR_EOF past the end. */
int sr_playidx_mark(struct sr_playidx *, size_t i, struct sr_mark *);
/*
 * Searches the rendered text lines for needle (a plain string; case
 * is ignored when needle has no upper-case letter).  Forward: the first
 * line that began after from_ns; backward: the last that began before
 * it.  SR_OK with *t_ns the line's time, SR_EOF when none, SR_FAILED on
 * a damaged block.
 */
int sr_playidx_search(struct sr_playidx *, const char *needle, int64_t from_ns,
    int backward, int64_t *t_ns);

/* A read position in an index.  NULL on no memory. */
struct sr_playcur *sr_playcur_new(struct sr_playidx *);
void sr_playcur_free(struct sr_playcur *);
/*
 * Puts scr in the state after every event at or before t_ns (restores
 * the nearest keyframe, then replays); the next sr_playcur_next() gives
 * the first event after t_ns.  t_ns < 0 is the start.  SR_OK; SR_EOF
 * when t_ns is beyond what is indexed so far (positioned at the end of
 * that); SR_FAILED or SR_FATAL on a damaged index or I/O error.
 */
int sr_playcur_seek(struct sr_playcur *, int64_t t_ns, struct sr_screen *scr);
/*
 * The next event; *evp and its data borrowed until the next call.  SR_OK,
 * SR_EOF at the end of what is indexed so far, SR_FAILED or SR_FATAL.
 */
int sr_playcur_next(struct sr_playcur *, const struct sr_event **evp);

/*
 * Verification (lib/verify.c; SECURITY.md §2.4).  One verdict per
 * recording.  Native recordings are checked against their hash chain,
 * checkpoints and seal; the foreign formats structurally.
 */
enum sr_verdict {
	SR_VERDICT_OK = 0,	   /* sealed, signed by a trusted key */
	SR_VERDICT_CONSISTENT = 1, /* no seal to check, structure sound */
	SR_VERDICT_INCOMPLETE = 2, /* authentic up to a point, not whole */
	SR_VERDICT_CORRUPT = 3,	   /* nothing can be authenticated */
	SR_VERDICT_TAMPERED = 4,   /* an authenticated commitment fails */
};
const char *sr_verdict_name(enum sr_verdict); /* "OK", "TAMPERED", ... */

/* Trusted public keys (sessrec-verify(1)).  Caller frees. */
struct sr_trust;
struct sr_trust *sr_trust_new(void);
void sr_trust_free(struct sr_trust *);
/*
 * Adds a public key file (PEM, as keygen writes), or every "*.pub" in a
 * directory.  not_before/not_after (epoch ns, 0 = unbounded) bound the
 * recordings' start times the key may sign.  SR_OK or SR_FAILED (err).
 */
int sr_trust_add(struct sr_trust *, const char *path, int64_t not_before,
    int64_t not_after, struct sr_error *);
size_t sr_trust_count(const struct sr_trust *);

/* One finding: what failed (or was noted) and where. */
struct sr_finding {
	enum sr_verdict verdict; /* the verdict this finding implies */
	char check[32];		 /* short name: "chain", "seal-sig", ... */
	struct sr_loc loc;	 /* member, line, message id, byte offset */
	int64_t seq;		 /* chunk or message number, -1 unknown */
	char msg[200];
};

#define SR_VERIFY_MAXFIND 16

struct sr_verify_result {
	enum sr_verdict verdict;
	const char *format;   /* static name of the format */
	int signed_;	      /* a signature was present */
	int key_trusted;      /* ... and made by a trusted key */
	char key_id[17];      /* hex, "" when none */
	char rec_id[33];      /* hex (native), "" otherwise */
	int64_t chunks;	      /* chunks or messages or events checked */
	int64_t bytes;	      /* recorded bytes (plaintext) checked */
	int64_t valid_seq;    /* last validated chunk, -1 none */
	int64_t valid_t_ns;   /* its time */
	int64_t valid_offset; /* byte offset of the end of that */
	size_t nfind;	      /* findings kept (the first ones) */
	size_t nfind_total;   /* findings seen */
	struct sr_finding find[SR_VERIFY_MAXFIND];
};

enum sr_verify_flags {
	SR_VERIFY_REQUIRE_SEAL = 1 << 0, /* CONSISTENT counts as failure */
};

/*
 * Verifies one recording: member of in (as found by sr_found, "" for a
 * plain file), format fmt (NULL probes).  trust may be NULL (no trusted
 * key: a signed recording is at best CONSISTENT).  witness: the text of
 * a witness log (syslog lines) or NULL.  Fills res.  Returns SR_OK when
 * the verification ran (whatever the verdict), SR_FAILED/SR_FATAL with
 * err when it could not (I/O error, no memory).
 */
int sr_verify(struct sr_ctx *, struct sr_input *, const char *member,
    const struct sr_format *fmt, const struct sr_trust *trust,
    const char *witness, size_t witness_len, unsigned flags,
    struct sr_verify_result *res, struct sr_error *err);

/*
 * SSH identities (lib/sshcert.c).  With ExposeAuthInfo, sshd puts the
 * keys a user authenticated with in the file named by SSH_USER_AUTH, one
 * "publickey TYPE BASE64" line each.  For an OpenSSH certificate
 * (TYPE ending in -cert-v01@openssh.com) this returns its key id, the
 * identity the CA vouched for, into out (NUL-terminated, cut to outlen -
 * 1 bytes): SR_OK.  SR_EOF when no line holds a certificate; SR_FAILED
 * with err set (line number in err->loc.line) for a certificate line
 * that does not parse.  The content is the user's to write: a key id
 * read this way is a claim, not proof.
 */
int sr_ssh_cert_key_id(const char *text, size_t len, char *out, size_t outlen,
    struct sr_error *err);

#endif /* SESSREC_H */
