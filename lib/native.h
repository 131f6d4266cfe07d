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
 * The native recording format, shared by the writer (lib/recw.c), the
 * reader (lib/fmt/fmt-native.c) and, later, verify.  Record layouts are
 * encoded and decoded here only (lib/native.c), so that the byte layout
 * below has one implementation.  sessrec-formats(5) says the same for
 * users.
 *
 * A recording (.srec) is a sequence of zstd frames (RFC 8878):
 *
 *   file   = header ck0 *( chunk / checkpoint / index ) [ index ] seal
 *            [ abandoned ]
 *   header = skip("H", canonical header JSON)
 *   ck0    = skip("K", checkpoint 0)          ; signs h0 before the shell
 *   chunk  = data chain                       ; one write(2), O_APPEND
 *   data   = a standard zstd frame: content size in the header, content
 *            checksum on, independent of every other frame, holding
 *            complete tlog 2.3 JSON lines ("\n"-terminated)
 *   chain  = skip("C", chain record of the data frame just before)
 *   seal   = skip("S", seal record), the last frame
 *
 * skip(K, body) is a zstd skippable frame: le32 magic SR_NATIVE_MAGIC,
 * le32 payload length, then the payload "SREC", u8 version (1), u8 kind
 * K, body.  zstd skips these, so "zstd -dc x.srec" prints the JSON lines
 * of every intact chunk, which tlog-play replays.  Integers are little
 * endian; times are int64 nanoseconds (session time since the start, or
 * epoch time where named wall).
 *
 * Hashes (SHA-256) and signatures (Ed25519, RFC 8032, over the domain
 * string followed by the record without its signature):
 *
 *   h0  = SHA-256("sessrec/v1/header" || header JSON bytes as stored)
 *   h_i = SHA-256("sessrec/v1/chunk" || h_{i-1} || le64 seq_i ||
 *                 u8 stream_i || le64 t_i || le32 len_i || plaintext_i)
 *   checkpoint signature: "sessrec/v1/checkpoint" || record[0..sig)
 *   seal signature:       "sessrec/v1/seal" || record[0..sig)
 *
 * Chunks are numbered from 1; stream_i is 0 (the chunk holds JSON
 * messages of every stream).  A checkpoint's prev is SHA-256 of the
 * previous checkpoint record (whole, signature included), zeros for
 * checkpoint 0.  An unsigned recording has key_id and signatures all
 * zero and "signed": false in its header: the chain is still there.
 */
#ifndef SR_NATIVE_H
#define SR_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#define SR_NATIVE_MAGIC	  0x184D2A5EU /* one of zstd's skippable magics */
#define SR_NATIVE_TAG	  "SREC"
#define SR_NATIVE_VERSION 1
#define SR_NATIVE_SKIPHDR 8 /* le32 magic, le32 length */
#define SR_NATIVE_PREFIX  6 /* "SREC", version, kind */
#define SR_ZSTD_MAGIC	  0xFD2FB528U

#define SR_HASH_LEN  32
#define SR_SIG_LEN   64
#define SR_KEYID_LEN 8
#define SR_RECID_LEN 16

/* Readers refuse more than this per chunk (SECURITY.md I4); the writer
 * emits at most SR_CHUNK_WRITE_MAX. */
#define SR_CHUNK_READ_MAX  (4U * 1024 * 1024)
#define SR_CHUNK_WRITE_MAX (1U * 1024 * 1024)
/* Largest skippable payload a reader accepts (the header, an index). */
#define SR_SKIP_READ_MAX (4U * 1024 * 1024)
/* zstd window for native files (SECURITY.md §7). */
#define SR_NATIVE_WINDOWLOG 23

enum sr_native_kind {
	SR_NK_HEADER = 'H',
	SR_NK_CHECKPOINT = 'K',
	SR_NK_CHAIN = 'C',
	SR_NK_INDEX = 'I',
	SR_NK_SEAL = 'S',
	SR_NK_ABANDONED = 'A',
};

/* Why a recording ended (the seal's end_reason).  Numbers are frozen. */
enum sr_end_reason {
	SR_END_EXIT = 1,	/* the command exited; status = exit code */
	SR_END_SIGNAL = 2,	/* the command was killed; status = signo */
	SR_END_HANGUP = 3,	/* the user's terminal went away */
	SR_END_WRITE_ERROR = 4, /* the recording could not be written */
	SR_END_SIZE_LIMIT = 5,
	SR_END_ADMIN = 6, /* the recorder got SIGTERM */
};
/* "exit", "signal", "hangup", "write-error", "size-limit", "admin", "?". */
const char *sr_end_reason_name(int);

/* 'C': 60 bytes. */
#define SR_CHAIN_LEN 60
struct sr_chain_rec {
	uint64_t seq;
	int64_t t_ns;  /* session time of the chunk's last event */
	uint32_t len;  /* plaintext bytes */
	uint32_t clen; /* bytes of the data frame */
	uint8_t stream;
	unsigned char h[SR_HASH_LEN];
};

/* 'K': 184 bytes, the signature last. */
#define SR_CHECKPOINT_LEN 184
struct sr_checkpoint_rec {
	unsigned char rec_id[SR_RECID_LEN];
	uint32_t ck_no;
	uint64_t seq;		      /* chunks covered: 0 for checkpoint 0 */
	unsigned char h[SR_HASH_LEN]; /* h_seq (h0 for checkpoint 0) */
	int64_t t_ns;
	int64_t wall_ns;
	unsigned char prev[SR_HASH_LEN];
	unsigned char key_id[SR_KEYID_LEN];
	unsigned char sig[SR_SIG_LEN];
};

/* 'S': 224 bytes, the signature last. */
#define SR_SEAL_LEN 224
struct sr_seal_rec {
	unsigned char rec_id[SR_RECID_LEN];
	uint64_t host_seq;
	uint64_t n; /* chunks */
	uint64_t bytes_out;
	uint64_t bytes_in;
	unsigned char h0[SR_HASH_LEN];
	unsigned char hn[SR_HASH_LEN];
	uint32_t last_ck;
	int64_t start_wall_ns;
	int64_t end_ns; /* session time */
	uint8_t end_reason;
	int32_t status; /* exit code, or signal number */
	uint64_t bytes_lost;
	unsigned char key_id[SR_KEYID_LEN];
	unsigned char sig[SR_SIG_LEN];
};

/* 'I': le32 count, then count entries of 24 bytes. */
#define SR_INDEX_ENTRY_LEN 24
struct sr_index_ent {
	uint64_t seq;
	int64_t t_ns;
	uint64_t off; /* file offset of the chunk's data frame */
};

/*
 * Encoders write the body (without the skippable frame header and the
 * "SREC" prefix) into out, which has room for the record's length, and
 * return that length.  sr_native_frame() writes the 14 bytes that come
 * before a body of blen bytes.
 */
size_t sr_native_frame(unsigned char out[14], int kind, size_t blen);
size_t sr_chain_encode(const struct sr_chain_rec *, unsigned char *out);
size_t sr_checkpoint_encode(const struct sr_checkpoint_rec *,
    unsigned char *out);
size_t sr_seal_encode(const struct sr_seal_rec *, unsigned char *out);
void sr_index_ent_encode(const struct sr_index_ent *, unsigned char *out);
/* Decoders: 0, or -1 when len is not the record's length. */
int sr_chain_decode(const unsigned char *, size_t, struct sr_chain_rec *);
int sr_checkpoint_decode(const unsigned char *, size_t,
    struct sr_checkpoint_rec *);
int sr_seal_decode(const unsigned char *, size_t, struct sr_seal_rec *);
void sr_index_ent_decode(const unsigned char *, struct sr_index_ent *);

/*
 * Parses a skippable frame header at p[0..avail): on success sets *kind
 * and *blen (body length, after the prefix) and returns 1; returns 0 when
 * p is not a sessrec skippable frame (another magic, or another tag) and
 * -1 when avail is too short to tell.
 */
int sr_native_skip_parse(const unsigned char *p, size_t avail, int *kind,
    uint32_t *blen, int *version);

/* h_i from h_{i-1} (in place) over the chunk's plaintext. */
void sr_chain_step(unsigned char h[SR_HASH_LEN], uint64_t seq, uint8_t stream,
    int64_t t_ns, const void *plain, size_t len);
/* h0 over the header JSON. */
void sr_chain_h0(unsigned char h0[SR_HASH_LEN], const void *hdr, size_t len);

#endif /* SR_NATIVE_H */
