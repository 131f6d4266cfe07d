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
 * Input layer internals, shared by input.c (containers, member table,
 * stream opening), input-file.c (the byte view over file descriptors and
 * memory), input-dir.c (directory walks), input-archive.c (everything
 * that touches libarchive: archive members and decoding) and input-mem.c.
 *
 * A member's bytes live in one of three places: on disk (the input's
 * file, or a file below its directory), in memory (borrowed from the
 * caller of sr_input_open_mem() or spooled from an archive) or in a
 * region of the input's unlinked spool file.  A stream reads them as a
 * struct sr_src; a compressed member is read through a struct sr_decoder
 * that spools what it decodes so that the stream stays seekable.
 */
#ifndef SR_INPUT_PRIVATE_H
#define SR_INPUT_PRIVATE_H

#include <sys/types.h>

#include "sr-private.h"

/* The window of a stream over a file: big, so that lines cost a memchr. */
#define SR_WINDOW_SIZE (256 * 1024)
/* Longest relative member name kept (SECURITY.md: 4 KiB paths). */
#define SR_NAME_MAX 4096
/* Deepest directory nesting walked below a directory input. */
#define SR_DIR_DEPTH_MAX 64

enum sr_mdata {
	SR_MDATA_DISK,	/* the input's file, or a file below its directory */
	SR_MDATA_MEM,	/* mem[0..len), owned when owned != NULL */
	SR_MDATA_SPOOL, /* len bytes at off in the input's spool file */
	/* a TLOG_REC of the journal; off indexes its list */
	SR_MDATA_JOURNAL,
};

struct sr_imember {
	struct sr_member pub; /* what sr_input_member() hands out */
	char *name;	      /* owned; pub.name points here */
	enum sr_mdata where;
	const unsigned char *mem;
	unsigned char *owned;
	int64_t off;
	int64_t len;
	size_t seq;  /* arrival order, so that later duplicates win */
	int lazy;    /* directory member not statted yet */
	int sibling; /* SR_INPUT_FILE: a partner file beside the named one */
};

/*
 * An unlinked temporary file that only grows.  Readers use pread(), so
 * several streams can share it.
 */
struct sr_spool {
	int fd; /* -1 until the first byte is written */
	int64_t len;
};

struct sr_input {
	struct sr_ctx *ctx;
	enum sr_input_kind kind;
	char *path;
	struct sr_imember *m; /* sorted by name once the input is open */
	size_t n;
	size_t cap;
	int fd;	   /* SR_INPUT_FILE: the file; SR_INPUT_DIR: the dir */
	int dirfd; /* SR_INPUT_FILE: its directory, for siblings, or -1 */
	struct sr_spool spool;	    /* archive members past the memory budget */
	uint64_t spool_mem;	    /* archive member bytes held in memory */
	uint64_t total;		    /* archive member bytes spooled so far */
	struct sr_journal *journal; /* NULL unless a journal */
};

/* Raw bytes of one member: memory, or a region of a file descriptor. */
struct sr_src {
	const unsigned char *mem; /* NULL for a descriptor */
	int fd;
	int own_fd; /* close fd with the stream */
	int64_t base;
	int64_t len; /* -1: up to the end of the file, which may grow */
};

struct sr_decoder;

struct sr_stream {
	struct sr_input *in;
	struct sr_ctx *ctx;
	char *name;
	struct sr_error err;
	struct sr_src src;
	struct sr_decoder *dec; /* non-NULL when decoding */

	/*
	 * The window: win[wpos..wlen) are the bytes at stream offsets
	 * woff + wpos onwards.  Memory members are read in place (win is
	 * the member and never moves); everything else is pulled into buf.
	 */
	const unsigned char *win;
	size_t wpos;
	size_t wlen;
	int64_t woff;
	unsigned char *buf;
	size_t cap;
	int in_place;
	int eof;	/* nothing lies past win[wlen] (until a seek) */
	size_t scanned; /* bytes after wpos known to hold no '\n' */
};

/* input.c */
int sr_input_new(struct sr_ctx *, enum sr_input_kind, const char *path,
    struct sr_input **, struct sr_error *);
/*
 * Appends a member; name is copied.  SR_OK, SR_FAILED with SR_E_LIMIT
 * past the members limit, SR_FATAL when out of memory.  The returned
 * entry (via *mp) is valid until the next add.
 */
int sr_input_add(struct sr_input *, const char *name, struct sr_imember **mp,
    struct sr_error *);
/* Sorts the members by name; of equal names the last added stays. */
void sr_input_sort(struct sr_input *);
struct sr_imember *sr_input_lookup(const struct sr_input *, const char *);
/* sr_tmpfile() is declared in sr-private.h (the native reader spools too). */
/* Appends to a spool file, creating it; 0, or -1 with errno. */
int sr_spool_write(struct sr_spool *, const void *, size_t, int64_t *offp);
void sr_spool_close(struct sr_spool *);
/*
 * Sets an I/O error (errnum from errno, saved by the caller) as
 * "WHAT: strerror" and returns status.  member may be NULL, offset -1.
 */
int sr_error_errno(struct sr_error *, int status, int errnum, const char *path,
    const char *member, int64_t offset, const char *what);
/* Reports a warning about the input through the diagnostics callback. */
void sr_input_warn(const struct sr_input *, const char *member, enum sr_errcat,
    int errnum, const char *fmt, ...) SR_PRINTF(5, 6);

/* input-file.c */
/* Reads up to n bytes at off (relative to the source); 0 at the end. */
ssize_t sr_src_pread(const struct sr_src *, void *, size_t, int64_t off);
void sr_src_close(struct sr_src *);
/* Sets up the window once src and dec are in place.  0 or -1 (ENOMEM). */
int sr_stream_window_init(struct sr_stream *);
/* The size of the window a stream over a descriptor starts with. */
size_t sr_stream_window_cap(const struct sr_stream *);

/* input-dir.c */
int sr_input_dir_scan(struct sr_input *, struct sr_error *);

/* input-archive.c */
/*
 * Reads src as an archive when it is one: *isarch is set to 1 and the
 * members are added to in (kind set to SR_INPUT_ARCHIVE).  When src is
 * not an archive *isarch is 0 and nothing changed.
 */
int sr_archive_load(struct sr_input *, const struct sr_src *, int *isarch,
    struct sr_error *);
/* Whether the first bytes are gzip, zstd, xz or bzip2. */
int sr_decoder_magic(const unsigned char *, size_t);
/*
 * Starts decoding src for stream s (s->dec set).  pre[0..prelen) are the
 * first raw bytes, already read; whole says they are all of them (the
 * decoder then reads nothing more).  SR_OK, or SR_FAILED with s->err
 * set when nothing can be decoded.
 */
int sr_decoder_open(struct sr_stream *, const unsigned char *pre, size_t prelen,
    int whole);
/*
 * All the decoded bytes when decoding has ended and they are in memory
 * (*len set), else NULL.  Stable until sr_decoder_close().
 */
const unsigned char *sr_decoder_mem(const struct sr_decoder *, size_t *len);
void sr_decoder_close(struct sr_decoder *);
/*
 * Reads decoded bytes at off: count, 0 at the end, -1 with s->err set
 * (SR_E_LIMIT for a decompression bomb, SR_E_IO, SR_E_NOMEM).
 */
ssize_t sr_decoder_pread(struct sr_stream *, void *, size_t, int64_t off);
int64_t sr_decoder_size(const struct sr_decoder *); /* -1 until the end */
int sr_decoder_truncated(const struct sr_decoder *);

/* input-journal.c */
struct sr_journal;
/* The name that stands for the local system journal as a source. */
#define SR_JOURNAL_SOURCE "journal"
/* Whether the regular file fd starts with the journal file signature. */
int sr_journal_magic(int fd);
/* Opens the system journal: in->path is SR_JOURNAL_SOURCE. */
int sr_journal_load_system(struct sr_input *, struct sr_error *);
/* Reads the journal file in->fd (kept open by the input). */
int sr_journal_load_file(struct sr_input *, struct sr_error *);
/*
 * After a directory walk: when members are journal files, adds their
 * recordings as members too.  SR_OK when there are none.
 */
int sr_journal_load_dir(struct sr_input *, struct sr_error *);
/*
 * Points src at the bytes of a SR_MDATA_JOURNAL member (reading its
 * entries on the first call).  Safe from several threads.
 */
int sr_journal_src(struct sr_input *, struct sr_imember *, struct sr_src *,
    struct sr_error *);
void sr_journal_free(struct sr_journal *);

/* input-mem.c */
int sr_input_mem_single(struct sr_input *, const char *name, const void *,
    size_t, struct sr_error *);

#endif /* SR_INPUT_PRIVATE_H */
