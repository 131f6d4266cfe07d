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
 * lib/seal.c: SHA-256 and Ed25519 against published vectors (FIPS 180-2,
 * RFC 8032 section 7.1), signatures that must stop verifying when any
 * byte of the domain, the message or the signature changes, domain
 * separation, and key files: OpenSSL's own (tests/data/keys, made with
 * "openssl genpkey -algorithm ed25519", see the README there) load, sign
 * byte for byte as OpenSSL signs and are written back byte for byte;
 * broken, foreign and unsafe files are refused with the file, the line
 * and what is wrong.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "unit.h"
#include "seal.h"

static char tmpdir[256];

/* Hex to bytes; the length. */
static size_t
unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (hex[0] != '\0' && hex[1] != '\0' && n < max) {
		out[n++] =
		    (unsigned char)(sr_hexval(hex[0]) << 4 | sr_hexval(hex[1]));
		hex += 2;
	}
	return (n);
}

static char *
tohex(const unsigned char *p, size_t n, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 15];
	}
	buf[2 * n] = '\0';
	return (buf);
}

static const char *
tmppath(const char *name)
{
	static char buf[2][512];
	static int which;

	which ^= 1;
	(void)snprintf(buf[which], sizeof(buf[which]), "%s/%s", tmpdir, name);
	return (buf[which]);
}

/* Writes a file with exactly this mode; as root, owned by nobody. */
static void
write_file(const char *path, const void *p, size_t n, mode_t mode, int not_root)
{
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1)
		fail_msg("cannot create '%s': %s", path, strerror(errno));
	if (write(fd, p, n) != (ssize_t)n || fchmod(fd, mode) == -1)
		fail_msg("cannot write '%s': %s", path, strerror(errno));
	/* Owned by another user, so both owner cases are exercised. */
	if (not_root && geteuid() == 0 && fchown(fd, 65534, 65534) == -1)
		fail_msg("cannot chown '%s': %s", path, strerror(errno));
	(void)close(fd);
}

/* Reads a small file whole; its length, or -1. */
static ssize_t
read_file(const char *path, void *buf, size_t max)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	n = read(fd, buf, max);
	(void)close(fd);
	return (n);
}

static size_t
dir_entries(const char *dir)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		fail_msg("cannot open '%s'", dir);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	(void)closedir(d);
	return (n);
}

static void
clean_tmpdir(void)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			(void)unlink(tmppath(de->d_name));
	(void)closedir(d);
}

static int
setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	(void)snprintf(tmpdir, sizeof(tmpdir), "%s/test-seal.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	clean_tmpdir();
	return (rmdir(tmpdir));
}

/*
 * SHA-256 (FIPS 180-2 appendix B and the empty string).
 */
static const struct sha_case {
	const char *name;
	const char *in;
	size_t repeat; /* in is hashed this many times in a row */
	const char *want;
} sha_cases[] = {
	{ "empty", "", 1,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"
	    "5" },
	{ "abc", "abc", 1,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"
	    "d" },
	{ "448 bits",
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c"
	    "1" },
	{ "million a", "aaaaaaaaaa", 100000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd"
	    "0" },
};

static void
test_sha256(void **state)
{
	unsigned char h[SR_HASH_LEN];
	char hex[2 * SR_HASH_LEN + 1];
	struct sr_sha256 s;
	size_t i, j, len, cut;

	(void)state;
	for (i = 0; i < nitems(sha_cases); i++) {
		const struct sha_case *c = &sha_cases[i];

		len = strlen(c->in);
		sr_sha256_init(&s);
		for (j = 0; j < c->repeat; j++)
			sr_sha256_update(&s, c->in, len);
		sr_sha256_final(&s, h);
		if (strcmp(tohex(h, sizeof(h), hex), c->want) != 0)
			fail_msg("case '%s' (steps): got %s, want %s", c->name,
			    hex, c->want);
		if (c->repeat != 1)
			continue;
		sr_sha256(h, c->in, len);
		if (strcmp(tohex(h, sizeof(h), hex), c->want) != 0)
			fail_msg("case '%s' (one shot): got %s, want %s",
			    c->name, hex, c->want);
		/* Every split point gives the same hash. */
		for (cut = 0; cut <= len; cut++) {
			sr_sha256_init(&s);
			sr_sha256_update(&s, c->in, cut);
			sr_sha256_update(&s, c->in + cut, len - cut);
			sr_sha256_final(&s, h);
			if (strcmp(tohex(h, sizeof(h), hex), c->want) != 0)
				fail_msg("case '%s' split at %zu: got %s",
				    c->name, cut, hex);
		}
	}
}

/*
 * RFC 8032 section 7.1, tests 1 to 3.  Our signatures cover domain ||
 * message, so the empty domain gives plain Ed25519.
 */
static const struct rfc_case {
	const char *name;
	const char *seed, *pk, *msg, *sig;
} rfc_cases[] = {
	{ "test 1",
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    "",
	    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100"
	    "b" },
	{ "test 2",
	    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	    "72",
	    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c0"
	    "0" },
	{ "test 3",
	    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	    "af82",
	    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40"
	    "a" },
};

static void
test_rfc8032(void **state)
{
	unsigned char seed[32], msg[8], sig[SR_SIG_LEN], want[SR_SIG_LEN];
	char hex[2 * SR_SIG_LEN + 1];
	struct sr_key *k;
	struct sr_error err;
	size_t i, mlen;

	(void)state;
	for (i = 0; i < nitems(rfc_cases); i++) {
		const struct rfc_case *c = &rfc_cases[i];

		unhex(c->seed, seed, sizeof(seed));
		mlen = unhex(c->msg, msg, sizeof(msg));
		unhex(c->sig, want, sizeof(want));
		sr_error_clear(&err);
		if (sr_key_from_seed(seed, &k, &err) != SR_OK)
			fail_msg("%s: from_seed: %s", c->name, err.msg);
		if (strcmp(tohex(sr_key_public(k), SR_PK_LEN, hex), c->pk) != 0)
			fail_msg("%s: public key %s, want %s", c->name, hex,
			    c->pk);
		if (!sr_key_has_secret(k))
			fail_msg("%s: no secret half", c->name);
		if (sr_key_sign(k, "", msg, mlen, sig, &err) != SR_OK)
			fail_msg("%s: sign: %s", c->name, err.msg);
		if (memcmp(sig, want, sizeof(sig)) != 0)
			fail_msg("%s: signature %s", c->name,
			    tohex(sig, sizeof(sig), hex));
		/* A NULL domain is the empty one. */
		if (sr_key_sign(k, NULL, msg, mlen, sig, &err) != SR_OK ||
		    memcmp(sig, want, sizeof(sig)) != 0)
			fail_msg("%s: NULL domain differs", c->name);
		if (!sr_sig_check(sr_key_public(k), "", msg, mlen, want))
			fail_msg("%s: the RFC signature does not verify",
			    c->name);
		if (sr_sig_check(sr_key_public(k), SR_DOMAIN_SEAL, msg, mlen,
			want))
			fail_msg("%s: verifies under the seal domain", c->name);
		sr_key_free(k);
	}
}

/*
 * Every byte of what is signed matters: flipping one bit anywhere in
 * the domain, the message or the signature makes it fail.
 */
enum part { PART_DOMAIN, PART_MSG, PART_SIG };
static const struct flip_case {
	const char *name;
	enum part part;
	unsigned char mask;
} flip_cases[] = {
	{ "domain low bit", PART_DOMAIN, 0x01 },
	{ "domain high bit", PART_DOMAIN, 0x80 },
	{ "message low bit", PART_MSG, 0x01 },
	{ "message high bit", PART_MSG, 0x80 },
	{ "signature low bit", PART_SIG, 0x01 },
	{ "signature high bit", PART_SIG, 0x80 },
};

static void
test_flips(void **state)
{
	unsigned char msg[SR_SEAL_LEN - SR_SIG_LEN], sig[SR_SIG_LEN],
	    bad[SR_SIG_LEN];
	char domain[64];
	struct sr_key *k, *other;
	struct sr_error err;
	size_t i, j, n;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	sr_error_clear(&err);
	assert_int_equal(sr_key_generate(&k, &err), SR_OK);
	assert_int_equal(sr_key_generate(&other, &err), SR_OK);
	assert_int_equal(sr_key_sign(k, SR_DOMAIN_SEAL, msg, sizeof(msg), sig,
			     &err),
	    SR_OK);
	if (!sr_sig_check(sr_key_public(k), SR_DOMAIN_SEAL, msg, sizeof(msg),
		sig))
		fail_msg("the untouched signature does not verify");
	for (i = 0; i < nitems(flip_cases); i++) {
		const struct flip_case *c = &flip_cases[i];

		n = c->part == PART_DOMAIN ? strlen(SR_DOMAIN_SEAL)
		    : c->part == PART_MSG  ? sizeof(msg)
					   : sizeof(sig);
		for (j = 0; j < n; j++) {
			strlcpy(domain, SR_DOMAIN_SEAL, sizeof(domain));
			memcpy(bad, sig, sizeof(bad));
			if (c->part == PART_DOMAIN)
				domain[j] ^= (char)c->mask;
			else if (c->part == PART_MSG)
				msg[j] ^= c->mask;
			else
				bad[j] ^= c->mask;
			if (sr_sig_check(sr_key_public(k), domain, msg,
				sizeof(msg), bad))
				fail_msg("%s at byte %zu: still verifies",
				    c->name, j);
			if (c->part == PART_MSG)
				msg[j] ^= c->mask;
		}
	}
	/* Shorter message, another key. */
	if (sr_sig_check(sr_key_public(k), SR_DOMAIN_SEAL, msg, sizeof(msg) - 1,
		sig))
		fail_msg("a truncated message verifies");
	if (sr_sig_check(sr_key_public(other), SR_DOMAIN_SEAL, msg, sizeof(msg),
		sig))
		fail_msg("verifies under another key");
	sr_key_free(k);
	sr_key_free(other);
}

/* A signature made for one kind of record never passes as another. */
static const struct domain_case {
	const char *sign, *check;
	int want;
} domain_cases[] = {
	{ SR_DOMAIN_CHECKPOINT, SR_DOMAIN_CHECKPOINT, 1 },
	{ SR_DOMAIN_SEAL, SR_DOMAIN_SEAL, 1 },
	{ SR_DOMAIN_CHECKPOINT, SR_DOMAIN_SEAL, 0 },
	{ SR_DOMAIN_SEAL, SR_DOMAIN_CHECKPOINT, 0 },
	{ SR_DOMAIN_SEAL, "", 0 },
	{ "", SR_DOMAIN_SEAL, 0 },
	{ SR_DOMAIN_SEAL, "sessrec/v1/seal ", 0 },
	{ SR_DOMAIN_SEAL, "sessrec/v2/seal", 0 },
};

static void
test_domains(void **state)
{
	unsigned char msg[SR_CHECKPOINT_LEN - SR_SIG_LEN], sig[SR_SIG_LEN];
	struct sr_key *k;
	struct sr_error err;
	size_t i;

	(void)state;
	memset(msg, 0xa5, sizeof(msg));
	sr_error_clear(&err);
	assert_int_equal(sr_key_generate(&k, &err), SR_OK);
	for (i = 0; i < nitems(domain_cases); i++) {
		const struct domain_case *c = &domain_cases[i];

		assert_int_equal(sr_key_sign(k, c->sign, msg, sizeof(msg), sig,
				     &err),
		    SR_OK);
		if (sr_sig_check(sr_key_public(k), c->check, msg, sizeof(msg),
			sig) != c->want)
			fail_msg("case %zu: signed as '%s', checked as '%s': "
				 "want %d",
			    i, c->sign, c->check, c->want);
	}
	sr_key_free(k);
}

/* A public key signs nothing; messages are bounded. */
static void
test_sign_refusals(void **state)
{
	static unsigned char big[2048];
	unsigned char sig[SR_SIG_LEN];
	struct sr_key *k, *pub;
	struct sr_error err;
	char id1[17], id2[17];

	(void)state;
	sr_error_clear(&err);
	assert_int_equal(sr_key_generate(&k, &err), SR_OK);
	assert_int_equal(sr_key_save(k, tmppath("r.pub"), 0, 0, &err), SR_OK);
	assert_int_equal(sr_key_load(tmppath("r.pub"), 0, &pub, &err), SR_OK);
	if (sr_key_has_secret(pub))
		fail_msg("a public key file gave a secret half");
	if (memcmp(sr_key_public(pub), sr_key_public(k), SR_PK_LEN) != 0 ||
	    strcmp(sr_key_id_hex(pub, id1), sr_key_id_hex(k, id2)) != 0)
		fail_msg("public key or id changed on the way: %s %s", id1,
		    id2);
	if (sr_key_sign(pub, SR_DOMAIN_SEAL, "x", 1, sig, &err) != SR_FAILED ||
	    err.cat != SR_E_MISUSE || strstr(err.msg, "no secret") == NULL)
		fail_msg("public key signed: '%s'", err.msg);
	if (sr_key_save(pub, tmppath("r.key"), 1, 0, &err) != SR_FAILED ||
	    access(tmppath("r.key"), F_OK) == 0)
		fail_msg("saved a secret half it does not have");
	if (sr_key_sign(k, SR_DOMAIN_SEAL, big, sizeof(big), sig, &err) !=
		SR_FAILED ||
	    err.cat != SR_E_LIMIT)
		fail_msg("signed %zu bytes", sizeof(big));
	if (sr_sig_check(sr_key_public(k), SR_DOMAIN_SEAL, big, sizeof(big),
		sig))
		fail_msg("checked %zu bytes", sizeof(big));
	sr_key_free(k);
	sr_key_free(pub);
	sr_key_free(NULL);
	clean_tmpdir();
}

/*
 * OpenSSL's files: same key id as "openssl pkey -pubout -outform DER |
 * tail -c 32 | sha256sum", the same signature as "openssl pkeyutl -sign
 * -rawin" (Ed25519 is deterministic), and written back the same bytes.
 */
#define OSSL_ID "a851ca6d7a1a2714"
#define OSSL_PK                                                                \
	"b384c65d318457907dcda6bdeace84b42c5635ad0e271938f9665fbf8a81859d"

static void
test_openssl_files(void **state)
{
	unsigned char msg[256], sig[SR_SIG_LEN], want[SR_SIG_LEN];
	char pem[512], mine[512], hex[2 * SR_PK_LEN + 1], id[17];
	struct sr_key *k, *pub;
	struct sr_error err;
	ssize_t mlen, n, m;

	(void)state;
	sr_error_clear(&err);
	/* Version control keeps no modes: give the secret its 0600. */
	n = read_file(unit_srcpath("tests/data/keys/openssl-ed25519.key"), pem,
	    sizeof(pem));
	assert_true(n > 0);
	write_file(tmppath("ossl.key"), pem, (size_t)n, 0600, 1);
	if (sr_key_load(tmppath("ossl.key"), 1, &k, &err) != SR_OK)
		fail_msg("openssl secret key: %s", err.msg);
	if (sr_key_load(unit_srcpath("tests/data/keys/openssl-ed25519.pub"), 0,
		&pub, &err) != SR_OK)
		fail_msg("openssl public key: %s", err.msg);
	if (strcmp(sr_key_id_hex(k, id), OSSL_ID) != 0 ||
	    strcmp(sr_key_id_hex(pub, id), OSSL_ID) != 0)
		fail_msg("key id %s, want " OSSL_ID, id);
	if (strcmp(tohex(sr_key_public(pub), SR_PK_LEN, hex), OSSL_PK) != 0 ||
	    memcmp(sr_key_public(k), sr_key_public(pub), SR_PK_LEN) != 0)
		fail_msg("public key %s, want " OSSL_PK, hex);

	mlen = read_file(unit_srcpath("tests/data/keys/openssl-ed25519.msg"),
	    msg, sizeof(msg));
	assert_true(mlen > 0);
	assert_int_equal(read_file(unit_srcpath(
				       "tests/data/keys/openssl-ed25519.sig"),
			     want, sizeof(want)),
	    SR_SIG_LEN);
	if (!sr_sig_check(sr_key_public(pub), "", msg, (size_t)mlen, want))
		fail_msg("OpenSSL's signature does not verify");
	assert_int_equal(sr_key_sign(k, "", msg, (size_t)mlen, sig, &err),
	    SR_OK);
	if (memcmp(sig, want, sizeof(sig)) != 0)
		fail_msg("our signature differs from OpenSSL's");

	/* Written back: the bytes OpenSSL wrote. */
	assert_int_equal(sr_key_save(k, tmppath("back.key"), 1, 0, &err),
	    SR_OK);
	assert_int_equal(sr_key_save(k, tmppath("back.pub"), 0, 0, &err),
	    SR_OK);
	m = read_file(tmppath("back.key"), mine, sizeof(mine));
	if (m != n || memcmp(mine, pem, (size_t)n) != 0)
		fail_msg("secret key written differently: %.*s", (int)m, mine);
	n = read_file(unit_srcpath("tests/data/keys/openssl-ed25519.pub"), pem,
	    sizeof(pem));
	m = read_file(tmppath("back.pub"), mine, sizeof(mine));
	if (n <= 0 || m != n || memcmp(mine, pem, (size_t)n) != 0)
		fail_msg("public key written differently: %.*s", (int)m, mine);
	sr_key_free(k);
	sr_key_free(pub);
	clean_tmpdir();
}

/* Save and load: modes whatever the umask, O_EXCL, atomic replace. */
static void
test_save_load(void **state)
{
	struct sr_key *k, *k2, *back;
	struct sr_error err;
	struct stat st;
	char before[256], after[256];
	ssize_t n1, n2;
	mode_t old;

	(void)state;
	sr_error_clear(&err);
	old = umask(0277);
	assert_int_equal(sr_key_generate(&k, &err), SR_OK);
	assert_int_equal(sr_key_generate(&k2, &err), SR_OK);
	if (sr_key_save(k, tmppath("host.key"), 1, 0, &err) != SR_OK ||
	    sr_key_save(k, tmppath("host.pub"), 0, 0, &err) != SR_OK)
		fail_msg("save: %s", err.msg);
	umask(old);
	if (stat(tmppath("host.key"), &st) != 0 || (st.st_mode & 07777) != 0400)
		fail_msg("host.key mode %o, want 400", st.st_mode & 07777);
	if (stat(tmppath("host.pub"), &st) != 0 || (st.st_mode & 07777) != 0444)
		fail_msg("host.pub mode %o, want 444", st.st_mode & 07777);
	assert_int_equal(sr_key_load(tmppath("host.key"), 1, &back, &err),
	    SR_OK);
	if (!sr_key_has_secret(back) ||
	    memcmp(sr_key_public(back), sr_key_public(k), SR_PK_LEN) != 0 ||
	    memcmp(sr_key_id(back), sr_key_id(k), SR_KEYID_LEN) != 0)
		fail_msg("reloaded secret key differs");
	sr_key_free(back);

	/* Without force an existing file stays as it is. */
	n1 = read_file(tmppath("host.key"), before, sizeof(before));
	if (sr_key_save(k2, tmppath("host.key"), 1, 0, &err) != SR_FAILED ||
	    err.cat != SR_E_IO || err.errnum != EEXIST ||
	    strcmp(err.path, tmppath("host.key")) != 0)
		fail_msg("overwrote without force: '%s'", err.msg);
	n2 = read_file(tmppath("host.key"), after, sizeof(after));
	if (n1 != n2 || memcmp(before, after, (size_t)n1) != 0)
		fail_msg("host.key changed");
	/* Nor through a symbolic link. */
	if (symlink(tmppath("elsewhere"), tmppath("link.pub")) != 0)
		fail_msg("symlink: %s", strerror(errno));
	if (sr_key_save(k, tmppath("link.pub"), 0, 0, &err) != SR_FAILED ||
	    access(tmppath("elsewhere"), F_OK) == 0)
		fail_msg("wrote through a symbolic link");

	/* With force: replaced, same modes, no temporary file left. */
	if (sr_key_save(k2, tmppath("host.key"), 1, 1, &err) != SR_OK ||
	    sr_key_save(k2, tmppath("host.pub"), 0, 1, &err) != SR_OK ||
	    sr_key_save(k2, tmppath("link.pub"), 0, 1, &err) != SR_OK)
		fail_msg("force: %s", err.msg);
	if (dir_entries(tmpdir) != 3)
		fail_msg("%zu files in the directory, want 3",
		    dir_entries(tmpdir));
	if (lstat(tmppath("link.pub"), &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(tmppath("elsewhere"), F_OK) == 0)
		fail_msg("force followed the symbolic link");
	if (stat(tmppath("host.key"), &st) != 0 || (st.st_mode & 07777) != 0400)
		fail_msg("replaced host.key mode %o", st.st_mode & 07777);
	assert_int_equal(sr_key_load(tmppath("host.pub"), 0, &back, &err),
	    SR_OK);
	if (memcmp(sr_key_public(back), sr_key_public(k2), SR_PK_LEN) != 0)
		fail_msg("host.pub was not replaced");
	sr_key_free(back);
	assert_int_equal(sr_key_load(tmppath("host.key"), 1, &back, &err),
	    SR_OK);
	if (memcmp(sr_key_public(back), sr_key_public(k2), SR_PK_LEN) != 0)
		fail_msg("host.key was not replaced");
	sr_key_free(back);

	/* A directory that is not there. */
	if (sr_key_save(k, tmppath("nodir/host.key"), 1, 1, &err) !=
		SR_FAILED ||
	    err.cat != SR_E_IO || err.errnum != ENOENT)
		fail_msg("saved into a missing directory: '%s'", err.msg);
	sr_key_free(k);
	sr_key_free(k2);
	clean_tmpdir();
}

/*
 * Key files that must be refused, and a few odd ones that are fine.
 */
#define GOOD_B64                                                               \
	"MC4CAQAwBQYDK2VwBCIEIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
#define GOOD_KEY                                                               \
	"-----BEGIN PRIVATE KEY-----\n" GOOD_B64 "\n-----END PRIVATE "         \
	"KEY-----\n"
#define GOOD_PUB                                                               \
	"-----BEGIN PUBLIC KEY-----\n"                                         \
	"MCowBQYDK2VwAyEAs4TGXTGEV5B9zaa96s6EtCxWNa0OJxk4+WZfv4qBhZ0=\n"       \
	"-----END PUBLIC KEY-----\n"
#define RSA_KEY                                                                \
	"-----BEGIN PRIVATE KEY-----\n"                                        \
	"MIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEA7G0aqGIv3pf2zqov\n"   \
	"K/HHPwUFCMw0WRG8h/Mnxk3f7m462Xc0ebxLLNHpfnvu1hx4P5vGqJ7f7gx+LnAK\n"   \
	"RJGzmwIDAQABAkAuV5x4EPbtHMBl9fnVFUlG0wcPmGdSZiWcSE8tkaopI9W09+Sa\n"   \
	"2puIaOZ6X++DIUQUuSzhSrcRCkISYlBJa4LxAiEA+SfNNHqkVB6HGFB3nViYoMF1\n"   \
	"TR0Oq6pwnPKOv/5FvUcCIQDy68h/uPYedDKG0kxXfMg2O4ZMYM4YNbZcxu6/lA+x\n"   \
	"DQIhAI+EI6mU808Y/ow83Yme3NvMU7sFf8vWM2PUO/HPj3BFAiAEO6OUxi5TvYab\n"   \
	"3tJBvATpHQRsFEvDFDyHRVgnsnbLiQIgIvGa3Dr+3iq79PnSHPN21D4mQQfIrp9m\n"   \
	"mHkAF5JzncI=\n"                                                       \
	"-----END PRIVATE KEY-----\n"

static const struct pem_case {
	const char *name;
	const char *text;
	int secret;
	mode_t mode;
	int64_t line;	  /* expected error line, -1 none */
	const char *want; /* fragment of the message; NULL: loads */
} pem_cases[] = {
	{ "good", GOOD_KEY, 1, 0600, -1, NULL },
	{ "good 0400", GOOD_KEY, 1, 0400, -1, NULL },
	{ "good public", GOOD_PUB, 0, 0644, -1, NULL },
	{ "CR LF",
	    "-----BEGIN PRIVATE KEY-----\r\n" GOOD_B64
	    "\r\n-----END PRIVATE KEY-----\r\n",
	    1, 0600, -1, NULL },
	{ "no final newline",
	    "-----BEGIN PRIVATE KEY-----\n" GOOD_B64
	    "\n-----END PRIVATE KEY-----",
	    1, 0600, -1, NULL },
	{ "empty lines after END", GOOD_KEY "\n\n", 1, 0600, -1, NULL },
	{ "base64 in two lines",
	    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAEC\n"
	    "AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\n"
	    "-----END PRIVATE KEY-----\n",
	    1, 0600, -1, NULL },
	{ "empty file", "", 1, 0600, -1,
	    "empty file: not a PEM Ed25519 private key" },
	{ "RSA header",
	    "-----BEGIN RSA PRIVATE KEY-----\n" GOOD_B64
	    "\n-----END RSA PRIVATE KEY-----\n",
	    1, 0600, 1,
	    "not a PEM Ed25519 private key: found '-----BEGIN RSA PRIVATE "
	    "KEY-----'" },
	{ "OpenSSH key",
	    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
	    "-----END OPENSSH PRIVATE KEY-----\n",
	    1, 0600, 1, "not a PEM Ed25519 private key" },
	{ "public key as secret", GOOD_PUB, 1, 0600, 1,
	    "found '-----BEGIN PUBLIC KEY-----'" },
	{ "secret key as public", GOOD_KEY, 0, 0600, 1,
	    "not a PEM Ed25519 public key" },
	{ "bare base64", GOOD_B64 "\n", 1, 0600, 1,
	    "not a PEM Ed25519 private key: no '-----BEGIN PRIVATE KEY-----' "
	    "line" },
	{ "overlong BEGIN line",
	    "-----BEGIN PRIVATE KEY OF A KIND THAT NOBODY HAS EVER HEARD OF "
	    "AND "
	    "THAT GOES ON AND ON-----\n",
	    1, 0600, 1, "no '-----BEGIN PRIVATE KEY-----' line" },
	{ "blank line first", "\n" GOOD_KEY, 1, 0600, 1,
	    "not a PEM Ed25519 private key" },
	{ "bad character",
	    "-----BEGIN PRIVATE KEY-----\nMC4CAQAw*QYDK2VwBCIEIAECAwQFBgcICQoL"
	    "DA0ODxAREhMUFRYXGBkaGxwdHh8g\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "bad base64: bad character at column 9" },
	{ "bad padding",
	    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAECAwQFBgcICQoL"
	    "DA0ODxAREhMUFRYXGBkaGxwdHh8\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "bad base64" },
	{ "padding inside",
	    "-----BEGIN PRIVATE KEY-----\nMC4=\n" GOOD_B64
	    "\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "bad base64" },
	{ "line too long",
	    "-----BEGIN PRIVATE KEY-----\n" GOOD_B64 GOOD_B64
	    "\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "bad base64: line of 128 characters" },
	{ "blank line in body",
	    "-----BEGIN PRIVATE KEY-----\n\n" GOOD_B64
	    "\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "bad base64: line of 0 characters" },
	{ "RSA key", RSA_KEY, 1, 0600, 2,
	    "not an Ed25519 private key: the DER is not PKCS#8 for Ed25519" },
	{ "Ed448 key",
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MEcCAQAwBQYDK2VxBDsEOUf8DijrybBBnWSxU2URYtWR205a3WUiRyfktGj6HQyq\n"
	    "gWr6cg0JWHiWCGb1PJsCQ9ri4zfck+0cZQ==\n"
	    "-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "not an Ed25519 private key" },
	{ "X25519 key",
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MC4CAQAwBQYDK2VuBCIEIMDRSmve7SLslIUg58YHcpKzNe2TXVA4lSXQwbbctw1f\n"
	    "-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "not an Ed25519 private key" },
	{ "seed one byte short",
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MC4CAQAwBQYDK2VwBCIEIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
	    "-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "wrong length: 47 bytes of DER, want 48" },
	{ "seed one byte long",
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MC4CAQAwBQYDK2VwBCIEIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
	    "AA==\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "wrong length: 49 bytes of DER, want 48" },
	{ "body cut in half",
	    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAECAwQFBgcICQoL"
	    "\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "wrong length: 27 bytes of DER, want 48" },
	{ "truncated before END", "-----BEGIN PRIVATE KEY-----\n" GOOD_B64 "\n",
	    1, 0600, 2,
	    "no '-----END PRIVATE KEY-----' line (file truncated?)" },
	{ "truncated inside END",
	    "-----BEGIN PRIVATE KEY-----\n" GOOD_B64 "\n-----END PRIV", 1, 0600,
	    3, "want '-----END PRIVATE KEY-----'" },
	{ "END of another kind",
	    "-----BEGIN PRIVATE KEY-----\n" GOOD_B64
	    "\n-----END PUBLIC KEY-----\n",
	    1, 0600, 3, "want '-----END PRIVATE KEY-----'" },
	{ "END label misspelt",
	    "-----BEGIN PRIVATE KEY-----\n" GOOD_B64
	    "\n-----END PRIVATE KEX-----\n",
	    1, 0600, 3, "want '-----END PRIVATE KEY-----'" },
	{ "no body", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
	    1, 0600, 2, "no base64 before the END line" },
	{ "trailing junk", GOOD_KEY "junk\n", 1, 0600, 4,
	    "junk after the END line" },
	{ "second key after", GOOD_KEY GOOD_KEY, 1, 0600, 4,
	    "junk after the END line" },
	{ "world-readable secret", GOOD_KEY, 1, 0644, -1,
	    "permissions 0644 too open" },
	{ "group-readable secret", GOOD_KEY, 1, 0640, -1,
	    "permissions 0640 too open" },
	{ "world-writable secret", GOOD_KEY, 1, 0602, -1,
	    "permissions 0602 too open" },
	{ "small-order public key",
	    "-----BEGIN PUBLIC KEY-----\n"
	    "MCowBQYDK2VwAyEAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	    "-----END PUBLIC KEY-----\n",
	    0, 0644, 2, "not a valid Ed25519 public key" },
};

static void
test_bad_pem(void **state)
{
	struct sr_key *k;
	struct sr_error err;
	char msg[2048], want[64];
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < nitems(pem_cases); i++) {
		const struct pem_case *c = &pem_cases[i];
		const char *path = tmppath("case.pem");

		write_file(path, c->text, strlen(c->text), c->mode, 1);
		sr_error_clear(&err);
		k = (struct sr_key *)&err; /* must be reset */
		st = sr_key_load(path, c->secret, &k, &err);
		if (c->want == NULL) {
			if (st != SR_OK || k == NULL)
				fail_msg("case '%s': %s", c->name, err.msg);
			if (c->secret != sr_key_has_secret(k))
				fail_msg("case '%s': secret half %d", c->name,
				    sr_key_has_secret(k));
			sr_key_free(k);
			continue;
		}
		if (st != SR_FAILED || k != NULL)
			fail_msg("case '%s': status %d", c->name, st);
		if (strstr(err.msg, c->want) == NULL)
			fail_msg("case '%s': message '%s', want '%s'", c->name,
			    err.msg, c->want);
		if (strcmp(err.path, path) != 0 || err.loc.line != c->line)
			fail_msg("case '%s': at '%s' line %lld, want line %lld",
			    c->name, err.path, (long long)err.loc.line,
			    (long long)c->line);
		/* What the user reads names the file and the line. */
		sr_error_format(&err, msg, sizeof(msg));
		(void)snprintf(want, sizeof(want),
		    "line %lld: ", (long long)c->line);
		if (strstr(msg, path) == NULL ||
		    (c->line > 0 && strstr(msg, want) == NULL))
			fail_msg("case '%s': formatted as '%s'", c->name, msg);
		/* Never the secret itself. */
		if (strstr(msg, "MC4C") != NULL)
			fail_msg("case '%s': message shows key material",
			    c->name);
	}
	clean_tmpdir();
}

/* Files that are not there or not files. */
static void
test_unreadable(void **state)
{
	struct sr_key *k;
	struct sr_error err;

	(void)state;
	sr_error_clear(&err);
	if (sr_key_load(tmppath("missing.key"), 1, &k, &err) != SR_FAILED ||
	    k != NULL || err.cat != SR_E_IO || err.errnum != ENOENT ||
	    strstr(err.msg, "cannot open") == NULL)
		fail_msg("missing file: '%s'", err.msg);
	if (sr_key_load(tmpdir, 0, &k, &err) != SR_FAILED || k != NULL ||
	    strstr(err.msg, "not a regular file") == NULL)
		fail_msg("directory: '%s'", err.msg);
	if (sr_key_load("/dev/null", 0, &k, &err) != SR_FAILED ||
	    strstr(err.msg, "not a regular file") == NULL)
		fail_msg("/dev/null: '%s'", err.msg);
}

/*
 * A secret key with group or world bits is refused even for root and a
 * root-owned file (sessrec.h).  Only testable as root.
 */
static void
test_root_exception(void **state)
{
	struct sr_key *k;
	struct sr_error err;

	(void)state;
	if (geteuid() != 0)
		skip();
	write_file(tmppath("root.key"), GOOD_KEY, strlen(GOOD_KEY), 0640, 0);
	sr_error_clear(&err);
	if (sr_key_load(tmppath("root.key"), 1, &k, &err) != SR_FAILED ||
	    strstr(err.msg, "too open") == NULL)
		fail_msg("root-owned 0640 key as root: '%s'", err.msg);
	clean_tmpdir();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_flips),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_sign_refusals),
		cmocka_unit_test(test_openssl_files),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_bad_pem),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_root_exception),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
