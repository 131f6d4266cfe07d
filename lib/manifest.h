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
 * Archive manifests and the archive writer (lib/manifest.c): what
 * "sessrec archive" packs and how an archive proves what it holds.
 *
 * An archive is a pax tar compressed with zstd.  Its members are the
 * recordings' files, stored under their original absolute path without
 * the leading '/', in byte order of those names, and last the member
 * SESSREC-MANIFEST.  The manifest is two lines:
 *
 *   BODY\n
 *   {"sig":"ed25519","key_id":HEX16,"public_key":B64,"signature":B64}\n
 *
 * BODY is one JSON object (keys in sessrec-archive(1)); the signature is
 * plain Ed25519 (RFC 8032) over the ASCII domain SR_DOMAIN_MANIFEST
 * followed by the 32-byte SHA-256 of the exact bytes of BODY without
 * its newline, so no canonical JSON form is needed and "head -n 1"
 * gives an auditor the hashed bytes.  The public key in the
 * second line is informational: trust comes from the trust store, by
 * key id (SECURITY.md K2).
 *
 * The parser trusts nothing: sizes are bounded (SR_MANIFEST_MAX bytes,
 * the members limit of the context for entries), duplicate keys are
 * refused, names must be normalized archive names in strictly
 * increasing byte order, hashes 64 hex digits.
 */
#ifndef SR_MANIFEST_H
#define SR_MANIFEST_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

#include "sessrec.h"

#define SR_MANIFEST_NAME    "SESSREC-MANIFEST"
#define SR_DOMAIN_MANIFEST  "sessrec/v1/manifest"
#define SR_MANIFEST_VERSION 1
/* Largest manifest member read or written. */
#define SR_MANIFEST_MAX (256U << 20)

/* One session of an archived recording. */
struct sr_manifest_session {
	char *id;	  /* NULL when unknown */
	int64_t start_ns; /* epoch ns, when have_start */
	int64_t end_ns;	  /* epoch ns, when have_end */
	int have_start, have_end;
};

/* One recording: a root (file, or directory prefix) and its sessions. */
struct sr_manifest_rec {
	char *root;		 /* recording root in the archive */
	char *format;		 /* the format's name */
	enum sr_verdict verdict; /* sr_verify() at archive time */
	int64_t end_ns;		 /* newest end of a session, else mtime */
	struct sr_manifest_session *sess;
	size_t nsess;
};

/* One archive member (a file of a recording). */
struct sr_manifest_member {
	char *name; /* path in the archive */
	char *orig; /* original absolute path */
	int64_t size;
	unsigned char sha256[32];
	uint32_t mode;	  /* permission bits */
	int64_t mtime_ns; /* epoch ns */
	size_t rec;	  /* index into recs */
};

struct sr_manifest {
	int version;
	int64_t created_ns;
	char *host; /* NULL when unknown */
	struct sr_manifest_rec *recs;
	size_t nrecs, recs_cap;
	struct sr_manifest_member *members;
	size_t nmembers, members_cap;

	/* The signature (parsed manifests, or after sr_manifest_encode()). */
	int signed_;
	unsigned char key_id[8];
	unsigned char pk[32];
	unsigned char sig[64];
	char *body; /* the signed bytes, owned */
	size_t body_len;
};

/* An empty manifest (version set).  Caller frees.  NULL on no memory. */
struct sr_manifest *sr_manifest_new(void);
void sr_manifest_free(struct sr_manifest *);
/*
 * Adds a recording; its index in *idx.  Strings are copied; verdict and
 * end_ns are filled by the caller afterwards through m->recs[*idx].
 * SR_OK or SR_FATAL (no memory).
 */
int sr_manifest_add_rec(struct sr_manifest *, const char *root,
    const char *format, size_t *idx);
/* Removes the recording added last, which has no members yet. */
void sr_manifest_drop_rec(struct sr_manifest *);
int sr_manifest_add_session(struct sr_manifest *, size_t rec, const char *id,
    int have_start, int64_t start_ns, int have_end, int64_t end_ns);
/* Adds a member of recording rec (copied).  SR_OK or SR_FATAL. */
int sr_manifest_add_member(struct sr_manifest *, size_t rec,
    const struct sr_manifest_member *);
/*
 * Sorts the members by name (the order they are written in), keeping
 * each one's recording.  SR_OK, or SR_FAILED with err when two members
 * share a name.
 */
int sr_manifest_sort(struct sr_manifest *, struct sr_error *);
/*
 * The index of the member called name (binary search: the members must
 * be sorted), or -1.
 */
ssize_t sr_manifest_find(const struct sr_manifest *, const char *name);
/* The index of the recording rooted at root, or -1. */
ssize_t sr_manifest_find_rec(const struct sr_manifest *, const char *root);

/*
 * Appends the manifest member's bytes (body, newline, signature line)
 * to out, signed with key (which must hold its secret half).  key NULL
 * writes an unsigned manifest (the second line is then absent), for
 * tests.  Keeps the body and signature in the manifest.  SR_OK, or
 * SR_FAILED/SR_FATAL with err.
 */
int sr_manifest_encode(struct sr_manifest *, const struct sr_key *key,
    struct sr_buf *out, struct sr_error *err);
/*
 * Parses a manifest member.  *mp is owned by the caller.  SR_OK, or
 * SR_FAILED with err (SR_E_FORMAT or SR_E_LIMIT, loc.line and offset set,
 * loc.member SR_MANIFEST_NAME).  max_members bounds the entries.
 */
int sr_manifest_parse(const void *, size_t, size_t max_members,
    struct sr_manifest **mp, struct sr_error *err);
/*
 * Whether the signature is valid for public key pk (1) or not (0); an
 * unsigned manifest gives 0.
 */
int sr_manifest_sig_ok(const struct sr_manifest *, const unsigned char pk[32]);
/* The key id as 16 hex digits into buf[17] ("" when unsigned). */
char *sr_manifest_key_hex(const struct sr_manifest *, char buf[17]);

/*
 * A flag for sr_verify() (enum sr_verify_flags is public; this one is
 * not): skip the manifest check, for "sessrec archive", which has just
 * checked the whole archive against its manifest itself.
 */
#define SR_VERIFY_NO_MANIFEST (1U << 16)

/*
 * Checks a parsed manifest's signature against a trust store
 * (lib/verify.c: it owns the store's layout).  SR_OK when signed by a
 * trusted key and valid; SR_FAILED with err saying why (unsigned, key
 * not trusted, bad signature).
 */
int sr_manifest_trusted(const struct sr_manifest *, const struct sr_trust *,
    struct sr_error *err);

/*
 * Reads and parses the manifest member of an input.  SR_EOF when there is
 * none; SR_FAILED with err when it cannot be read or parsed.
 */
int sr_manifest_load_input(struct sr_input *, struct sr_manifest **,
    struct sr_error *);
/*
 * SHA-256 and size of a member's stored (undecoded) bytes.  SR_OK or
 * SR_FAILED with err.
 */
int sr_manifest_hash_member(struct sr_input *, const char *name,
    unsigned char sha[32], int64_t *size, struct sr_error *);
/*
 * Problems found by sr_manifest_check_archive(): member (an archive
 * name, or "" for the archive as a whole) and a message.
 */
typedef void (
    *sr_manifest_problem_fn)(void *arg, const char *member, const char *msg);

/*
 * Reads an archive from fd (from its start, sequentially, through
 * libarchive) and checks it against its own manifest: every member in
 * the manifest's order with its size and SHA-256, nothing else but
 * regular files, the manifest last.  With want (bytes of a manifest
 * member, may be NULL), the archive's manifest must be those bytes.  The
 * parsed manifest goes to *got when got is not NULL (caller frees).
 * Returns SR_OK when nothing was wrong, SR_WARN when problems were
 * reported through fn, SR_FAILED with err when the archive cannot be
 * read at all (or holds no manifest).
 */
int sr_manifest_check_archive(struct sr_ctx *, int fd, const char *path,
    const struct sr_buf *want, struct sr_manifest **got,
    sr_manifest_problem_fn fn, void *arg, struct sr_error *err);

/*
 * The archive writer: pax tar through zstd into fd (borrowed; written
 * from its current offset).  Caller frees with sr_pack_free().
 */
struct sr_pack;

int sr_pack_open(int fd, const char *path, int level, struct sr_pack **,
    struct sr_error *);
/*
 * Adds a regular file from fd (its size, mode and mtime taken from st)
 * under name, hashing what it copies.  Fails when the file does not hold
 * st->st_size bytes (it changed under us).  SR_OK, or SR_FAILED/SR_FATAL
 * with err (a write error makes the writer unusable).
 */
int sr_pack_add_fd(struct sr_pack *, const char *name, int fd,
    const struct stat *st, unsigned char sha[32], struct sr_error *);
/* Adds bytes as a regular file. */
int sr_pack_add_mem(struct sr_pack *, const char *name, const void *, size_t,
    uint32_t mode, int64_t mtime_ns, struct sr_error *);
/* Writes the end of the archive and flushes the compressor. */
int sr_pack_close(struct sr_pack *, struct sr_error *);
/* Bytes handed to fd so far. */
int64_t sr_pack_written(const struct sr_pack *);
void sr_pack_free(struct sr_pack *);

#endif /* SR_MANIFEST_H */
