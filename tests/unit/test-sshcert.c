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
 * Tests of the SSH certificate key id reader (lib/sshcert.c) on
 * certificates made by ssh-keygen (tests/data/ssh: Ed25519, RSA and
 * ECDSA keys signed by a test CA with key ids "alice@corp ticket=CHG-9",
 * "bob-rsa" and "carol-ec") and on broken lines.
 */
#include <stdio.h>

#include "unit.h"

/* "publickey TYPE BASE64" from an OpenSSH .pub file. */
static char *
auth_line(const char *file, int cut, const char *type_override)
{
	static char buf[20000];
	char line[8192], *sp, *sp2;
	FILE *f;

	f = fopen(unit_srcpath(file), "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	sp = strchr(line, ' ');
	assert_non_null(sp);
	*sp++ = '\0';
	if ((sp2 = strchr(sp, ' ')) != NULL)
		*sp2 = '\0';
	sp[strcspn(sp, "\n")] = '\0';
	if (cut > 0 && (size_t)cut < strlen(sp))
		sp[strlen(sp) - (size_t)cut] = '\0';
	snprintf(buf, sizeof(buf), "publickey %s %s\n",
	    type_override != NULL ? type_override : line, sp);
	return (buf);
}

static void
test_real(void **state)
{
	static const struct {
		const char *file;
		const char *id;
	} cases[] = {
		{ "tests/data/ssh/ed25519-cert.pub",
		    "alice@corp ticket=CHG-9" },
		{ "tests/data/ssh/rsa-cert.pub", "bob-rsa" },
		{ "tests/data/ssh/ecdsa-cert.pub", "carol-ec" },
	};
	struct sr_error err;
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		const char *l = auth_line(cases[i].file, 0, NULL);

		if (sr_ssh_cert_key_id(l, strlen(l), out, sizeof(out), &err) !=
		    SR_OK)
			fail_msg("%s: %s", cases[i].file, err.msg);
		if (strcmp(out, cases[i].id) != 0)
			fail_msg("%s: key id '%s', want '%s'", cases[i].file,
			    out, cases[i].id);
	}
}

static void
test_lines(void **state)
{
	struct sr_error err;
	char out[256], text[40000], small[6], plain_line[1024];
	const char *cert, *plain;
	int st;

	(void)state;
	/* A plain key, a password line, then the certificate: line 3. */
	/* auth_line() returns its own buffer: keep a copy. */
	snprintf(plain_line, sizeof(plain_line), "%s",
	    auth_line("tests/data/ssh/ed25519-plain.pub", 0, NULL));
	plain = plain_line;
	snprintf(text, sizeof(text), "%spassword\n", plain);
	cert = auth_line("tests/data/ssh/rsa-cert.pub", 0, NULL);
	assert_true(strlen(text) + strlen(cert) < sizeof(text));
	memcpy(text + strlen(text), cert, strlen(cert) + 1);
	assert_int_equal(sr_ssh_cert_key_id(text, strlen(text), out,
			     sizeof(out), &err),
	    SR_OK);
	assert_string_equal(out, "bob-rsa");
	/* No certificate at all: EOF, not an error. */
	snprintf(text, sizeof(text), "%spassword\nkeyboard-interactive\n",
	    plain);
	assert_int_equal(sr_ssh_cert_key_id(text, strlen(text), out,
			     sizeof(out), &err),
	    SR_EOF);
	assert_int_equal(sr_ssh_cert_key_id("", 0, out, sizeof(out), &err),
	    SR_EOF);
	/* CR LF line ends. */
	cert = auth_line("tests/data/ssh/ecdsa-cert.pub", 0, NULL);
	snprintf(text, sizeof(text), "%.*s\r\n", (int)strlen(cert) - 1, cert);
	assert_int_equal(sr_ssh_cert_key_id(text, strlen(text), out,
			     sizeof(out), &err),
	    SR_OK);
	assert_string_equal(out, "carol-ec");
	/* A key id longer than the room is cut, NUL-terminated. */
	cert = auth_line("tests/data/ssh/rsa-cert.pub", 0, NULL);
	st = sr_ssh_cert_key_id(cert, strlen(cert), small, sizeof(small), &err);
	assert_int_equal(st, SR_OK);
	assert_string_equal(small, "bob-r");
}

static void
test_bad(void **state)
{
	static const struct {
		const char *name;
		const char *file;
		int cut;
		const char *type;
		const char *why;
	} cases[] = {
		{ "cut base64", "tests/data/ssh/ed25519-cert.pub", 7, NULL,
		    "not base64" },
		/* Keep 400 of its 896 base64 digits: 300 bytes, ending
		 * inside the RSA modulus, before the key id at 348. */
		{ "cut at a quad", "tests/data/ssh/rsa-cert.pub", 496, NULL,
		    "cut short" },
		{ "type of another key", "tests/data/ssh/rsa-cert.pub", 0,
		    "ssh-ed25519-cert-v01@openssh.com", "does not match" },
		{ "unknown type", "tests/data/ssh/rsa-cert.pub", 0,
		    "ssh-foo-cert-v01@openssh.com",
		    "unknown certificate type" },
	};
	struct sr_error err;
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		char text[24000];
		const char *l =
		    auth_line(cases[i].file, cases[i].cut, cases[i].type);

		snprintf(text, sizeof(text), "password\n%s", l);
		sr_error_clear(&err);
		if (sr_ssh_cert_key_id(text, strlen(text), out, sizeof(out),
			&err) != SR_FAILED)
			fail_msg("%s: not refused", cases[i].name);
		if (strstr(err.msg, cases[i].why) == NULL)
			fail_msg("%s: '%s', want '%s'", cases[i].name, err.msg,
			    cases[i].why);
		if (err.loc.line != 2)
			fail_msg("%s: line %lld", cases[i].name,
			    (long long)err.loc.line);
	}
	/* A hand-made certificate with lengths that run past the end. */
	{
		/* base64 of: u32 32, "ssh-ed25519-cert-v01@openssh.com",
		 * u32 0xffffffff (nonce longer than the rest). */
		const char *t = "publickey ssh-ed25519-cert-v01@openssh.com "
				"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2gu"
				"Y29t/////w==\n";

		assert_int_equal(sr_ssh_cert_key_id(t, strlen(t), out,
				     sizeof(out), &err),
		    SR_FAILED);
		assert_non_null(strstr(err.msg, "cut short"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_bad),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
