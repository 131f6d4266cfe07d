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
 * The play index cache (src/idxcache.c): finds, loads or builds the
 * index (lib/filter/playidx.c) of one catalog entry, for sessrec play and
 * sessrec index.
 *
 * Where an index is looked for, in order:
 *   1. beside the recording, "<file>.sridx" (plain-file recordings only);
 *   2. the cache directory: opts->cache_dir, else $SESSREC_CACHE_DIR,
 *      else $XDG_CACHE_HOME/sessrec, else ~/.cache/sessrec (created 0700,
 *      files 0600), file name from sr_playidx_cache_name().
 * A file is used only when it is owned by the effective user or root and
 * is not group or world writable (a planted index could show false
 * content), and when its identity matches the recording as it is now.
 *
 * Otherwise the index is built into "<name>.tmp.<pid>" and renamed into
 * place once complete; a cancelled build leaves nothing behind.  When the
 * cache cannot be written the index goes to an unlinked temporary file
 * and nothing is persisted.
 *
 * Threads: idx_open() with opts->background starts one builder thread,
 * which reads the recording through its own input and reader (never the
 * catalog's), so the caller may keep using the catalog.  Every function
 * below may be called from the caller's thread while the builder runs.
 */
#ifndef SR_IDXCACHE_H
#define SR_IDXCACHE_H

#include <stdint.h>

#include "sessrec.h"

struct idx;

struct idx_opts {
	const char *cache_dir; /* --cache-dir, or NULL for the default */
	/*
	 * Write the index beside the recording ("<file>.sridx"; sessrec
	 * index --beside).  Fails with SR_FAILED for a recording that is
	 * not a plain file (an archive member, a directory of files).
	 */
	int beside;
	int force;	/* rebuild even when an up-to-date index exists */
	int background; /* build in a thread; 0: idx_open() builds first */
	/*
	 * Follow a recording still being written (play --follow): after
	 * the reader's end, poll every 250 ms for growth and index what
	 * is added, until SR_EV_END or idx_close().  Implies background
	 * and an index that is not persisted (an unlinked temporary
	 * file); an existing index is not used.
	 */
	int follow;
	int no_write; /* never write a cache file (temporary file only) */
};

/* What idx_open() did, for messages ("indexed ID: ..."). */
enum idx_origin {
	IDX_LOADED = 1, /* an up-to-date index file was found */
	IDX_BUILT,	/* built (or being built) into a file that stays */
	IDX_TEMP,	/* built into an unlinked temporary file */
};

/*
 * Finds or starts the index of catalog entry `entry`.  The catalog must
 * have been scanned (sr_catalog_resolve() does) and must outlive the
 * idx; ctx is the one the catalog uses.
 *
 * Returns SR_OK with *ip set: idx_get() is usable at once.  With
 * opts->background the build goes on in a thread: readers see the blocks
 * flushed so far (sr_playcur_seek()/next() return SR_EOF at the end of
 * what is indexed; wait with idx_wait() and try again).  Without it,
 * idx_open() returns once the index is complete (cancel: NULL).
 * Returns SR_FAILED (recording unreadable, or --beside on a non-file;
 * exit 3) or SR_FATAL (no memory, cannot create even a temporary file;
 * exit 5) with err set and *ip NULL.  With a build that fails half way
 * (the recording is damaged) idx_open() still returns SR_OK: the index
 * holds what could be read and sr_playidx_status() says SR_FAILED
 * ("recording incomplete").
 */
int idx_open(struct sr_ctx *, struct sr_catalog *, size_t entry,
    const struct idx_opts *, struct idx **ip, struct sr_error *err);
/* The index (borrowed until idx_close()); never NULL after idx_open(). */
struct sr_playidx *idx_get(struct idx *);
/*
 * Build progress, 0..1: 1 once complete (or loaded); while building, the
 * share of the session's known duration (or of the recording's bytes)
 * indexed so far.  In follow mode, 0..1 of what is there now.
 */
double idx_progress(struct idx *);
/*
 * Nonzero once the builder has stopped: complete, failed, or (follow
 * mode) the session ended.  Then idx_status() is final.
 */
int idx_done(struct idx *);
/*
 * The builder's outcome so far: SR_OK while running or when it finished
 * (the recording's own status, "ended abnormally", is
 * sr_playidx_status()).  SR_FAILED with *err (when not NULL) when the
 * recording could not be opened at all by the background builder (exit
 * 3); SR_FATAL when the build stopped on an internal error (no memory,
 * write error; exit 5).  In both cases the index holds what was indexed
 * before (maybe nothing) and idx_done() is set.
 */
int idx_status(struct idx *, struct sr_error *err);
/*
 * Waits until the builder has flushed more events, or has stopped, or
 * timeout_ns passed (whichever comes first).  Returns at once when the
 * builder has already stopped.  For a UI that sleeps while "indexing".
 */
void idx_wait(struct idx *, int64_t timeout_ns);
/* Where the index is: IDX_LOADED, IDX_BUILT or IDX_TEMP. */
enum idx_origin idx_origin(struct idx *);
/* The index file's path, or "" for a temporary file (borrowed). */
const char *idx_path(struct idx *);
/*
 * Why the index is not saved ("DIR: reason"), or "" when it is, or when
 * nobody asked for it to be (--no-cache, --follow).  Borrowed.
 */
const char *idx_why(struct idx *);
/* Blocks in the index so far (for sessrec index's report). */
size_t idx_nblocks(struct idx *);
/*
 * Cancels a running build (the temporary file is unlinked), joins the
 * builder thread and frees everything.  NULL is fine.
 */
void idx_close(struct idx *);

#endif /* SR_IDXCACHE_H */
