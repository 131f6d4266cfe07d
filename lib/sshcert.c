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
 * The key id of an OpenSSH certificate in sshd's SSH_USER_AUTH file
 * (ExposeAuthInfo), so that a bastion where people share a login account
 * still records who they are.
 *
 * A certificate (OpenSSH's PROTOCOL.certkeys) is a sequence of SSH wire
 * fields, each a big-endian uint32 length and that many bytes (strings
 * and mpints alike), except two fixed-width ones:
 *
 *   string  type ("ssh-ed25519-cert-v01@openssh.com", ...)
 *   string  nonce
 *   ...     the public key: 1 to 4 fields, by type (table below)
 *   uint64  serial
 *   uint32  type (user or host certificate)
 *   string  key id               <- what we want
 *   ...     principals, validity, options, CA key, signature
 *
 * Every length is checked against what is left, so a hostile file can
 * only fail to parse.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "seal.h"
#include "sr-private.h"

#define CERT_SUFFIX  "-cert-v01@openssh.com"
#define CERT_MAX     16384 /* decoded; real ones are under 3 KiB */
#define LINE_B64_MAX (CERT_MAX / 3 * 4 + 4)

/* Public key fields after the nonce, per certificate type. */
static const struct {
	const char *type;
	int fields;
} cert_types[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", 1 },
	{ "ssh-rsa-cert-v01@openssh.com", 2 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", 2 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", 2 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", 2 },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", 2 },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", 3 },
	{ "ssh-dss-cert-v01@openssh.com", 4 },
};

struct wire {
	const unsigned char *p;
	size_t left;
};

static int
get_u32(struct wire *w, uint32_t *v)
{
	if (w->left < 4)
		return (-1);
	*v = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 |
	    (uint32_t)w->p[2] << 8 | w->p[3];
	w->p += 4;
	w->left -= 4;
	return (0);
}

static int
get_str(struct wire *w, const unsigned char **s, size_t *n)
{
	uint32_t len;

	if (get_u32(w, &len) != 0 || len > w->left)
		return (-1);
	*s = w->p;
	*n = len;
	w->p += len;
	w->left -= len;
	return (0);
}

static int
skip(struct wire *w, size_t n)
{
	if (n > w->left)
		return (-1);
	w->p += n;
	w->left -= n;
	return (0);
}

/* The key id of one decoded certificate; 0, or -1 with why. */
static int
cert_key_id(const unsigned char *blob, size_t len, const char *type,
    size_t tlen, char *out, size_t outlen, const char **why)
{
	struct wire w = { blob, len };
	const unsigned char *s;
	size_t n, i;
	int fields = -1, f;

	for (i = 0; i < nitems(cert_types); i++)
		if (strlen(cert_types[i].type) == tlen &&
		    memcmp(cert_types[i].type, type, tlen) == 0)
			fields = cert_types[i].fields;
	if (fields < 0) {
		*why = "unknown certificate type";
		return (-1);
	}
	if (get_str(&w, &s, &n) != 0 || n != tlen || memcmp(s, type, n) != 0) {
		*why = "certificate type does not match its line";
		return (-1);
	}
	for (f = 0; f < 1 + fields; f++) /* the nonce, then the key */
		if (get_str(&w, &s, &n) != 0) {
			*why = "certificate cut short";
			return (-1);
		}
	if (skip(&w, 8 + 4) != 0 || get_str(&w, &s, &n) != 0) {
		*why = "certificate cut short";
		return (-1);
	}
	if (n == 0) {
		*why = "certificate has an empty key id";
		return (-1);
	}
	if (memchr(s, '\0', n) != NULL) {
		*why = "certificate key id holds a NUL byte";
		return (-1);
	}
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return (0);
}

int
sr_ssh_cert_key_id(const char *text, size_t len, char *out, size_t outlen,
    struct sr_error *err)
{
	unsigned char *blob;
	const char *p = text, *e = text + len, *nl, *t, *te, *b, *be;
	const char *why;
	struct sr_loc loc;
	size_t slen = strlen(CERT_SUFFIX);
	ssize_t n;
	int64_t line = 0;

	if (outlen == 0)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "no room for the key id"));
	for (; p < e; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		/* "publickey TYPE BASE64 [comment]" */
		if ((size_t)(nl - p) < 10 || memcmp(p, "publickey ", 10) != 0)
			continue;
		t = p + 10;
		for (te = t; te < nl && *te != ' '; te++)
			;
		if ((size_t)(te - t) <= slen ||
		    memcmp(te - slen, CERT_SUFFIX, slen) != 0)
			continue; /* a plain key: no identity in it */
		b = te < nl ? te + 1 : nl;
		for (be = b; be < nl && *be != ' ' && *be != '\r'; be++)
			;
		sr_loc_clear(&loc);
		loc.line = line;
		if ((size_t)(be - b) > LINE_B64_MAX)
			return (
			    sr_error_set(err, SR_FAILED, SR_E_LIMIT, NULL, &loc,
				"certificate longer than %d bytes", CERT_MAX));
		if ((blob = malloc(CERT_MAX)) == NULL)
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL,
			    NULL, "out of memory"));
		n = sr_base64_decode(b, (size_t)(be - b), blob, CERT_MAX);
		if (n < 0)
			why = "certificate is not base64";
		else if (cert_key_id(blob, (size_t)n, t, (size_t)(te - t), out,
			     outlen, &why) == 0)
			why = NULL;
		free(blob);
		if (why != NULL)
			return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL,
			    &loc, "%s", why));
		return (SR_OK);
	}
	return (SR_EOF);
}
