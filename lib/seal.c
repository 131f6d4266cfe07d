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
 * Hashes and signatures: the only file that calls libsodium and
 * libcrypto (see
 * lib/seal.h for the key file formats and the rules).  Host keys are
 * read and written as the PEM files OpenSSL makes, so that an auditor
 * can check a signature without sessrec; the parser accepts exactly the
 * two DER encodings OpenSSL writes for Ed25519 and nothing else, which
 * keeps ASN.1 out of this program.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "compat.h"
#include "seal.h"
#include "sr-private.h"

_Static_assert(sizeof(((struct sr_sha256 *)0)->opaque) >=
	sizeof(crypto_hash_sha256_state),
    "struct sr_sha256 too small");

/*
 * SHA-256 of the chain runs over every byte recorded, so it goes through
 * OpenSSL's libcrypto, which uses the CPU's SHA instructions: libsodium's
 * portable SHA-256 took half of the recorder's writer thread.  When
 * libcrypto cannot make a context (out of memory) libsodium's does the
 * same job, so the functions cannot fail.
 */
void
sr_sha256_init(struct sr_sha256 *s)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		c = NULL;
	}
	s->evp = c;
	if (c == NULL)
		crypto_hash_sha256_init(
		    (crypto_hash_sha256_state *)(void *)s->opaque);
}

void
sr_sha256_update(struct sr_sha256 *s, const void *p, size_t n)
{
	if (s->evp != NULL)
		(void)EVP_DigestUpdate(s->evp, p, n);
	else
		crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)
					      s->opaque,
		    p, n);
}

void
sr_sha256_final(struct sr_sha256 *s, unsigned char out[SR_HASH_LEN])
{
	unsigned int len = SR_HASH_LEN;

	if (s->evp != NULL) {
		(void)EVP_DigestFinal_ex(s->evp, out, &len);
		EVP_MD_CTX_free(s->evp);
		s->evp = NULL;
	} else
		crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)
					     s->opaque,
		    out);
}

void
sr_sha256(unsigned char out[SR_HASH_LEN], const void *p, size_t n)
{
	unsigned int len = SR_HASH_LEN;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1)
		crypto_hash_sha256(out, p, n);
}

ssize_t
sr_base64_decode(const char *b64, size_t len, unsigned char *out, size_t outlen)
{
	size_t n;

	if (sodium_base642bin(out, outlen, b64, len, NULL, &n, NULL,
		sodium_base64_VARIANT_ORIGINAL) != 0)
		return (-1);
	return ((ssize_t)n);
}

/*
 * Keys.
 */

#define PEM_FILE_MAX 16384 /* an RSA key still fits, so we can say what it is */
#define PEM_LINE_MAX 76	   /* RFC 7468's lax parsers; OpenSSL writes 64 */
#define SIGN_MSG_MAX 1024  /* domain || record; records are < 256 bytes */
#define SEED_LEN     32

/* The DER of the two files, less the trailing 32 key bytes (seal.h). */
static const unsigned char pkcs8_prefix[] = { 0x30, 0x2e, 0x02, 0x01, 0x00,
	0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
static const unsigned char spki_prefix[] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
	0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };

_Static_assert(crypto_sign_PUBLICKEYBYTES == SR_PK_LEN, "public key size");
_Static_assert(crypto_sign_BYTES == SR_SIG_LEN, "signature size");
_Static_assert(crypto_sign_SEEDBYTES == SEED_LEN, "seed size");

struct sr_key {
	unsigned char pk[SR_PK_LEN];
	unsigned char id[SR_KEYID_LEN];
	/*
	 * libsodium's 64-byte secret (seed || pk) in sodium_malloc()
	 * memory: locked, between guard pages, read-only once made.  NULL
	 * for a public key.
	 */
	unsigned char *sk;
};

/* sodium_init() picks implementations and opens the random source. */
static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_failed; /* written once, under sodium_once */

static void
sodium_start(void)
{
	sodium_failed = sodium_init() < 0;
}

static int
sodium_ready(struct sr_error *err)
{
	if (pthread_once(&sodium_once, sodium_start) != 0 || sodium_failed)
		return (sr_error_set(err, SR_FATAL, SR_E_UNSUPPORTED, NULL,
		    NULL, "cannot initialize libsodium"));
	return (SR_OK);
}

/* Sets err for path (line -1 when unknown) and returns status. */
static int key_errorf(struct sr_error *err, int status, enum sr_errcat cat,
    const char *path, int64_t line, const char *fmt, ...) SR_PRINTF(6, 7);

static int
key_errorf(struct sr_error *err, int status, enum sr_errcat cat,
    const char *path, int64_t line, const char *fmt, ...)
{
	struct sr_loc loc;
	va_list ap;

	sr_loc_clear(&loc);
	loc.line = line;
	va_start(ap, fmt);
	status = sr_error_vset(err, status, cat, path != NULL ? path : "", &loc,
	    fmt, ap);
	va_end(ap);
	return (status);
}

static int
key_io_error(struct sr_error *err, const char *path, int e, const char *what)
{
	int st;

	st = key_errorf(err, SR_FAILED, SR_E_IO, path, -1, "%s: %s", what,
	    strerror(e));
	if (err != NULL)
		err->errnum = e;
	return (st);
}

/* key_id: the first 8 bytes of SHA-256 of the public key. */
static void
key_derive_id(struct sr_key *k)
{
	unsigned char h[SR_HASH_LEN];

	sr_sha256(h, k->pk, sizeof(k->pk));
	memcpy(k->id, h, sizeof(k->id));
}

/* Makes a key from a seed, or from fresh randomness when seed is NULL. */
static int
key_make(const unsigned char *seed, struct sr_key **kp, struct sr_error *err)
{
	struct sr_key *k;

	*kp = NULL;
	if (sodium_ready(err) != SR_OK)
		return (SR_FATAL);
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)) == NULL) {
		free(k);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	if (seed != NULL)
		(void)crypto_sign_seed_keypair(k->pk, k->sk, seed);
	else
		(void)crypto_sign_keypair(k->pk, k->sk);
	/* Nothing writes the secret again: a stray write faults. */
	(void)sodium_mprotect_readonly(k->sk);
	key_derive_id(k);
	*kp = k;
	return (SR_OK);
}

int
sr_key_generate(struct sr_key **kp, struct sr_error *err)
{
	return (key_make(NULL, kp, err));
}

int
sr_key_from_seed(const unsigned char seed[32], struct sr_key **kp,
    struct sr_error *err)
{
	return (key_make(seed, kp, err));
}

void
sr_key_free(struct sr_key *k)
{
	if (k == NULL)
		return;
	sodium_free(k->sk); /* wipes; takes NULL */
	free(k);
}

const unsigned char *
sr_key_public(const struct sr_key *k)
{
	return (k->pk);
}

const unsigned char *
sr_key_id(const struct sr_key *k)
{
	return (k->id);
}

int
sr_key_has_secret(const struct sr_key *k)
{
	return (k->sk != NULL);
}

char *
sr_key_id_hex(const struct sr_key *k, char buf[17])
{
	return (sodium_bin2hex(buf, 17, k->id, sizeof(k->id)));
}

/*
 * Copies domain || msg into buf (SIGN_MSG_MAX bytes) and returns 0, or
 * -1 when it does not fit.  Ed25519 reads the message twice, so the
 * one-shot API needs it in one piece; signed records are short and
 * fixed, and a bound keeps the copy on the stack.
 */
static int
sign_input(unsigned char *buf, const char *domain, const void *msg, size_t len,
    size_t *n)
{
	size_t dl = domain != NULL ? strlen(domain) : 0;

	if (dl > SIGN_MSG_MAX || len > SIGN_MSG_MAX - dl)
		return (-1);
	if (dl > 0)
		memcpy(buf, domain, dl);
	if (len > 0)
		memcpy(buf + dl, msg, len);
	*n = dl + len;
	return (0);
}

int
sr_key_sign(const struct sr_key *k, const char *domain, const void *msg,
    size_t len, unsigned char sig[SR_SIG_LEN], struct sr_error *err)
{
	unsigned char buf[SIGN_MSG_MAX];
	size_t n;

	if (k == NULL || k->sk == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "cannot sign: the key has no secret half"));
	if (sign_input(buf, domain, msg, len, &n) != 0)
		return (sr_error_set(err, SR_FAILED, SR_E_LIMIT, NULL, NULL,
		    "cannot sign: message of %zu bytes too long", len));
	if (sodium_ready(err) != SR_OK)
		return (SR_FATAL);
	/* Plain RFC 8032 Ed25519, never Ed25519ph: OpenSSL checks it. */
	(void)crypto_sign_detached(sig, NULL, buf, n, k->sk);
	return (SR_OK);
}

int
sr_sig_check(const unsigned char pk[SR_PK_LEN], const char *domain,
    const void *msg, size_t len, const unsigned char sig[SR_SIG_LEN])
{
	unsigned char buf[SIGN_MSG_MAX];
	size_t n;

	if (sign_input(buf, domain, msg, len, &n) != 0 ||
	    sodium_ready(NULL) != SR_OK)
		return (0);
	return (crypto_sign_verify_detached(sig, buf, n, pk) == 0);
}

/*
 * Reading key files.  One buffer holds the file, the joined base64 body
 * and the DER, and is wiped before it is freed: for a secret key all
 * three hold the seed.
 */
struct pem {
	const char *path;
	int secret;
	struct sr_error *err;
	unsigned char *file; /* PEM_FILE_MAX + 1 */
	size_t flen;
	char *b64; /* PEM_FILE_MAX + 1 */
	size_t blen;
	unsigned char *der; /* PEM_FILE_MAX */
	size_t dlen;
	int64_t body_line;
};

#define PEM_BUFSIZE (3 * (size_t)PEM_FILE_MAX + 2)

static const char *
pem_label(int secret)
{
	return (secret ? "PRIVATE KEY" : "PUBLIC KEY");
}

static const char *
pem_kind(int secret)
{
	return (secret ? "private" : "public");
}

static int
pem_read(struct pem *p)
{
	struct stat st;
	ssize_t r;
	int fd, e;

	fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return (key_io_error(p->err, p->path, errno, "cannot open"));
	if (fstat(fd, &st) == -1) {
		e = errno;
		(void)close(fd);
		return (key_io_error(p->err, p->path, e, "cannot stat"));
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path, -1,
		    "not a regular file"));
	}
	/*
	 * A secret others can read is no longer secret; say so rather than
	 * sign with it, whoever we are (as ssh does with its keys).
	 */
	if (p->secret && (st.st_mode & 077) != 0) {
		(void)close(fd);
		return (key_errorf(p->err, SR_FAILED, SR_E_IO, p->path, -1,
		    "permissions %04o too open: a secret key must be "
		    "readable by its owner only (chmod 0400)",
		    (unsigned)(st.st_mode & 07777)));
	}
	p->flen = 0;
	for (;;) {
		r = read(fd, p->file + p->flen, PEM_FILE_MAX + 1 - p->flen);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			e = errno;
			(void)close(fd);
			return (
			    key_io_error(p->err, p->path, e, "cannot read"));
		}
		if (r == 0 || (p->flen += (size_t)r) > PEM_FILE_MAX)
			break;
	}
	(void)close(fd);
	if (p->flen > PEM_FILE_MAX)
		return (key_errorf(p->err, SR_FAILED, SR_E_LIMIT, p->path, -1,
		    "too large for a key file (more than %d bytes)",
		    PEM_FILE_MAX));
	return (SR_OK);
}

static int
b64_char(int c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=');
}

/* Line 1 is not our BEGIN line. */
static int
pem_not_ours(struct pem *p, const char *s, size_t n)
{
	/*
	 * Name what was found only when it is a PEM label: line 1 of some
	 * other file could be a secret.
	 */
	if (n > 16 && n < 80 && memcmp(s, "-----BEGIN ", 11) == 0 &&
	    memcmp(s + n - 5, "-----", 5) == 0)
		return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path, 1,
		    "not a PEM Ed25519 %s key: found '%.*s', want "
		    "'-----BEGIN %s-----'",
		    pem_kind(p->secret), (int)n, s, pem_label(p->secret)));
	return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path, 1,
	    "not a PEM Ed25519 %s key: no '-----BEGIN %s-----' line",
	    pem_kind(p->secret), pem_label(p->secret)));
}

/*
 * The grammar, strict: the BEGIN line first, base64 lines, the matching
 * END line, then nothing but empty lines.  Lines may end in CR LF.
 */
static int
pem_split(struct pem *p)
{
	const char *s = (const char *)p->file, *end = s + p->flen, *nl;
	const char *label = pem_label(p->secret);
	size_t n, i, ll = strlen(label);
	int64_t line = 0;
	enum { IN_BEGIN, IN_BODY, IN_AFTER } state = IN_BEGIN;

	if (p->flen == 0)
		return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path, -1,
		    "empty file: not a PEM Ed25519 %s key",
		    pem_kind(p->secret)));
	p->blen = 0;
	for (; s < end; s = nl != NULL ? nl + 1 : end) {
		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = (size_t)((nl != NULL ? nl : end) - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		switch (state) {
		case IN_BEGIN:
			if (n != ll + 16 || memcmp(s, "-----BEGIN ", 11) != 0 ||
			    memcmp(s + 11, label, ll) != 0 ||
			    memcmp(s + 11 + ll, "-----", 5) != 0)
				return (pem_not_ours(p, s, n));
			state = IN_BODY;
			p->body_line = line + 1;
			break;
		case IN_BODY:
			if (n >= 5 && memcmp(s, "-----", 5) == 0) {
				if (n != ll + 14 ||
				    memcmp(s, "-----END ", 9) != 0 ||
				    memcmp(s + 9, label, ll) != 0 ||
				    memcmp(s + 9 + ll, "-----", 5) != 0)
					return (key_errorf(p->err, SR_FAILED,
					    SR_E_FORMAT, p->path, line,
					    "want '-----END %s-----'", label));
				if (p->blen == 0)
					return (key_errorf(p->err, SR_FAILED,
					    SR_E_FORMAT, p->path, line,
					    "no base64 before the END line"));
				state = IN_AFTER;
				break;
			}
			if (n == 0 || n > PEM_LINE_MAX)
				return (key_errorf(p->err, SR_FAILED,
				    SR_E_FORMAT, p->path, line,
				    "bad base64: line of %zu characters", n));
			for (i = 0; i < n; i++)
				if (!b64_char((unsigned char)s[i]))
					return (key_errorf(p->err, SR_FAILED,
					    SR_E_FORMAT, p->path, line,
					    "bad base64: bad character at "
					    "column %zu",
					    i + 1));
			memcpy(p->b64 + p->blen, s, n);
			p->blen += n;
			break;
		case IN_AFTER:
			if (n != 0)
				return (key_errorf(p->err, SR_FAILED,
				    SR_E_FORMAT, p->path, line,
				    "junk after the END line"));
			break;
		}
	}
	if (state != IN_AFTER)
		return (
		    key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path, line,
			"no '-----END %s-----' line (file truncated?)", label));
	return (SR_OK);
}

/* Base64 to DER, and the DER against the one encoding we take. */
static int
pem_decode(struct pem *p)
{
	const unsigned char *prefix = p->secret ? pkcs8_prefix : spki_prefix;
	size_t plen = p->secret ? sizeof(pkcs8_prefix) : sizeof(spki_prefix);
	const char *b64end;

	if (sodium_base642bin(p->der, PEM_FILE_MAX, p->b64, p->blen, NULL,
		&p->dlen, &b64end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    b64end != p->b64 + p->blen)
		return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path,
		    p->body_line, "bad base64"));
	if (memcmp(p->der, prefix, p->dlen < plen ? p->dlen : plen) != 0)
		return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path,
		    p->body_line,
		    "not an Ed25519 %s key: the DER is not %s for Ed25519",
		    pem_kind(p->secret),
		    p->secret ? "PKCS#8" : "SubjectPublicKeyInfo"));
	if (p->dlen != plen + SR_PK_LEN)
		return (key_errorf(p->err, SR_FAILED, SR_E_FORMAT, p->path,
		    p->body_line, "wrong length: %zu bytes of DER, want %zu",
		    p->dlen, plen + SR_PK_LEN));
	return (SR_OK);
}

int
sr_key_load(const char *path, int secret, struct sr_key **kp,
    struct sr_error *err)
{
	struct pem p;
	unsigned char *buf;
	struct sr_key *k = NULL;
	int st;

	*kp = NULL;
	if (sodium_ready(err) != SR_OK)
		return (SR_FATAL);
	if ((buf = malloc(PEM_BUFSIZE)) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.secret = secret;
	p.err = err;
	p.file = buf;
	p.b64 = (char *)buf + PEM_FILE_MAX + 1;
	p.der = buf + 2 * (size_t)PEM_FILE_MAX + 2;
	if ((st = pem_read(&p)) == SR_OK && (st = pem_split(&p)) == SR_OK)
		st = pem_decode(&p);
	if (st == SR_OK && secret)
		st = key_make(p.der + sizeof(pkcs8_prefix), &k, err);
	else if (st == SR_OK) {
		if ((k = calloc(1, sizeof(*k))) == NULL)
			st = sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
			    "out of memory");
		else {
			memcpy(k->pk, p.der + sizeof(spki_prefix), SR_PK_LEN);
			key_derive_id(k);
			/* Small-order and off-curve points sign nothing. */
			if (crypto_core_ed25519_is_valid_point(k->pk) != 1)
				st = key_errorf(err, SR_FAILED, SR_E_FORMAT,
				    path, p.body_line,
				    "not a valid Ed25519 public key");
		}
	}
	sodium_memzero(buf, PEM_BUFSIZE);
	free(buf);
	if (st != SR_OK) {
		sr_key_free(k);
		return (st);
	}
	*kp = k;
	return (SR_OK);
}

/*
 * Writing key files: the same bytes OpenSSL writes (the DER fits one
 * base64 line), created with the final mode and synced, directory too.
 */

/* Largest PEM we write: BEGIN line, 64 base64 characters, END line. */
#define PEM_OUT_MAX 128

static size_t
pem_encode(const struct sr_key *k, int secret, char *out)
{
	unsigned char der[sizeof(pkcs8_prefix) + SEED_LEN];
	char b64[sodium_base64_ENCODED_LEN(sizeof(der),
	    sodium_base64_VARIANT_ORIGINAL)];
	size_t dlen;
	int n;

	if (secret) {
		memcpy(der, pkcs8_prefix, sizeof(pkcs8_prefix));
		crypto_sign_ed25519_sk_to_seed(der + sizeof(pkcs8_prefix),
		    k->sk);
		dlen = sizeof(pkcs8_prefix) + SEED_LEN;
	} else {
		memcpy(der, spki_prefix, sizeof(spki_prefix));
		memcpy(der + sizeof(spki_prefix), k->pk, SR_PK_LEN);
		dlen = sizeof(spki_prefix) + SR_PK_LEN;
	}
	(void)sodium_bin2base64(b64, sizeof(b64), der, dlen,
	    sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, PEM_OUT_MAX,
	    "-----BEGIN %s-----\n%s\n-----END %s-----\n", pem_label(secret),
	    b64, pem_label(secret));
	sodium_memzero(der, sizeof(der));
	sodium_memzero(b64, sizeof(b64));
	return (n > 0 && n < PEM_OUT_MAX ? (size_t)n : 0);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += r;
		n -= (size_t)r;
	}
	return (0);
}

/* Mode (not the umask's), contents, fsync, close: 0 or errno. */
static int
fill_and_close(int fd, mode_t mode, const char *pem, size_t n)
{
	int e = 0;

	if (fchmod(fd, mode) == -1 || write_all(fd, pem, n) == -1 ||
	    fsync(fd) == -1)
		e = errno;
	if (close(fd) == -1 && e == 0)
		e = errno;
	return (e);
}

/* Makes the new directory entry durable. */
static int
sync_dir(const char *path, struct sr_error *err)
{
	char dir[PATH_MAX];
	size_t dl = sr_dirlen(path);
	int fd, e = 0;

	if (dl == 0)
		strlcpy(dir, path[0] == '/' ? "/" : ".", sizeof(dir));
	else if (dl < sizeof(dir))
		(void)snprintf(dir, sizeof(dir), "%.*s", (int)dl, path);
	else
		return (key_errorf(err, SR_FAILED, SR_E_LIMIT, path, -1,
		    "path too long"));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (key_io_error(err, dir, errno, "cannot open directory"));
	/* Some file systems cannot sync a directory; they need not. */
	if (fsync(fd) == -1 && errno != EINVAL)
		e = errno;
	(void)close(fd);
	if (e != 0)
		return (key_io_error(err, dir, e, "cannot sync directory"));
	return (SR_OK);
}

static int
save_new(const char *path, const char *pem, size_t n, mode_t mode,
    struct sr_error *err)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1)
		return (key_io_error(err, path, errno, "cannot create"));
	if ((e = fill_and_close(fd, mode, pem, n)) != 0) {
		(void)unlink(path);
		return (key_io_error(err, path, e, "cannot write"));
	}
	return (sync_dir(path, err));
}

/* Writes a temporary file beside path and renames it over path. */
static int
save_replace(const char *path, const char *pem, size_t n, mode_t mode,
    struct sr_error *err)
{
	char tmp[PATH_MAX], hex[17];
	unsigned char rnd[8];
	size_t dl = sr_dirlen(path);
	const char *base = path[dl] == '/' ? path + dl + 1 : path;
	int fd = -1, e, tries, r;

	for (tries = 0; tries < 16 && fd == -1; tries++) {
		randombytes_buf(rnd, sizeof(rnd));
		(void)sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
		r = snprintf(tmp, sizeof(tmp), "%.*s%s.%s.%s", (int)dl, path,
		    path[dl] == '/' ? "/" : "", base, hex);
		if (r < 0 || (size_t)r >= sizeof(tmp))
			return (key_errorf(err, SR_FAILED, SR_E_LIMIT, path, -1,
			    "path too long"));
		fd = open(tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd == -1 && errno != EEXIST)
			return (key_io_error(err, tmp, errno, "cannot create"));
	}
	if (fd == -1)
		return (key_io_error(err, path, EEXIST,
		    "cannot create a temporary file"));
	if ((e = fill_and_close(fd, mode, pem, n)) != 0) {
		(void)unlink(tmp);
		return (key_io_error(err, tmp, e, "cannot write"));
	}
	if (rename(tmp, path) == -1) {
		e = errno;
		(void)unlink(tmp);
		return (key_io_error(err, path, e, "cannot replace"));
	}
	return (sync_dir(path, err));
}

int
sr_key_save(const struct sr_key *k, const char *path, int secret, int force,
    struct sr_error *err)
{
	char pem[PEM_OUT_MAX];
	mode_t mode = secret ? 0400 : 0444;
	size_t n;
	int st;

	if (secret && k->sk == NULL)
		return (key_errorf(err, SR_FAILED, SR_E_MISUSE, path, -1,
		    "cannot save: the key has no secret half"));
	if (sodium_ready(err) != SR_OK)
		return (SR_FATAL);
	if ((n = pem_encode(k, secret, pem)) == 0)
		return (key_errorf(err, SR_FATAL, SR_E_MISUSE, path, -1,
		    "cannot encode the key"));
	st = force ? save_replace(path, pem, n, mode, err)
		   : save_new(path, pem, n, mode, err);
	sodium_memzero(pem, sizeof(pem));
	return (st);
}
