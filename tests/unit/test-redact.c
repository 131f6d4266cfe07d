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
 * Redaction: every built-in rule with lines it must mask (value only
 * where the rule says so) and lines it must leave alone, private key
 * blocks across lines, rule files and their errors, the fail-closed
 * limit, and the SECURITY.md R3 targets on tests/data/secrets: recall of
 * at least 95% on the fake secrets (as plain rendered lines, and again
 * after the coloured raw text went through textview in 7-byte chunks),
 * and at most one false positive per 10,000 benign lines.  All secrets
 * here are made up.
 */
#include <errno.h>
#include <unistd.h>

#include "unit.h"

#define NSPANS 32

struct fixture {
	struct sr_redact *r;
	struct sr_buf out;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sr_error err;

	if (f == NULL || sr_redact_new(NULL, &f->r, &err) != SR_OK)
		return (-1);
	sr_buf_init(&f->out, 1 << 20);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sr_redact_free(f->r);
	sr_buf_release(&f->out);
	free(f);
	return (0);
}

/* Redacts one line; checks the span invariants; returns the text. */
static const char *
redact(struct fixture *f, const char *line, size_t len, int *status,
    const char *name)
{
	struct sr_span sp[NSPANS];
	struct sr_error err;
	size_t n, i;

	*status = sr_redact_line(f->r, line, len, sp, NSPANS, &n, &err);
	for (i = 0; i < n; i++) {
		if (sp[i].so >= sp[i].eo || sp[i].eo > len)
			fail_msg("%s: span %zu [%zu, %zu) bad (len %zu)", name,
			    i, sp[i].so, sp[i].eo, len);
		if (i > 0 && sp[i].so <= sp[i - 1].eo)
			fail_msg("%s: spans %zu and %zu overlap or touch", name,
			    i - 1, i);
		if (sp[i].rule_id == NULL || *sp[i].rule_id == '\0')
			fail_msg("%s: span %zu without a rule id", name, i);
	}
	sr_buf_reset(&f->out);
	if (sr_redact_apply(line, len, sp, n, &f->out) != SR_E_NONE)
		fail_msg("%s: apply failed", name);
	return (f->out.data);
}

static const struct line_case {
	const char *in;
	const char *want; /* NULL: unchanged */
} line_cases[] = {
	/* aws-access-key-id; AWS's documentation key passes */
	{ "export AWS_ACCESS_KEY_ID=AKIAQWERTYFAKE234567",
	    "export AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id]" },
	{ "\"AccessKeyId\": \"ASIAFAKE2345ABCDEFGH\",",
	    "\"AccessKeyId\": \"[REDACTED:aws-access-key-id]\"," },
	{ "key A3TXFAKE234567ABCDEF used",
	    "key [REDACTED:aws-access-key-id] used" },
	{ "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", NULL },
	{ "AKIAFAKE234567ABCDEFG", NULL }, /* 17 after the prefix */
	{ "XAKIAFAKE234567ABCDEF", NULL }, /* glued to a word */
	{ "AKIAfake234567abcdef", NULL },  /* lower case */
	/* aws-secret-key: value only; the documentation key passes */
	{ "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKE123456",
	    "aws_secret_access_key = [REDACTED:aws-secret-key]" },
	{ "AWS_SECRET_ACCESS_KEY: \"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ1234\"",
	    "AWS_SECRET_ACCESS_KEY: \"[REDACTED:aws-secret-key]\"" },
	{ "\"SecretAccessKey\": \"abcdefghijklmnopqrst+vwxyzABCDEFGHIJ/234\",",
	    "\"SecretAccessKey\": \"[REDACTED:aws-secret-key]\"," },
	{ "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	    NULL },
	/* too short for the AWS rule: still an assignment */
	{ "aws_secret_access_key = tooshort",
	    "aws_secret_access_key = [REDACTED:password-assignment]" },
	/* github-token */
	{ "export GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
	    "export GITHUB_TOKEN=[REDACTED:password-assignment]" },
	{ "token ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 done",
	    "token [REDACTED:github-token] done" },
	{ "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
	  "KLMNOPQRSTUVWXYZ0123456789ab",
	    "[REDACTED:github-token]" },
	{ "ghp_tooshort0123456789", NULL },
	{ "ghx_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", NULL },
	/* gitlab-token */
	{ "git clone https://x:glpat-abcdefghij0123456789@gl.example.com/a",
	    "git clone https://x:[REDACTED:url-password]@gl.example.com/a" },
	{ "made glpat-abcdefghij01234_6789 ok",
	    "made [REDACTED:gitlab-token] ok" },
	{ "glpat-short", NULL },
	/* slack */
	{ "bot xoxb-123456789012-1234567890123-FAKEabcdefghijklmnopqrst",
	    "bot [REDACTED:slack-token]" },
	{ "xapp-1-A0FAKE12345-1234567890123-abcdef0123456789",
	    "[REDACTED:slack-token]" },
	{ "https://hooks.slack.com/services/T00000000/B00000000/FAKEXXXXXXXXXX",
	    "https://hooks.slack.com/services/[REDACTED:slack-webhook]" },
	{ "xoxb-short", NULL },
	/* api-token */
	{ "GOOGLE_MAPS=AIzaSyFAKE0123456789abcdefghijklmnopqrs",
	    "GOOGLE_MAPS=[REDACTED:api-token]" },
	{ "stripe sk_live_FAKE0123456789abcdefghij ok",
	    "stripe [REDACTED:api-token] ok" },
	{ "//registry.npmjs.org/:_authToken "
	  "npm_FAKE0123456789abcdefghijklmnopqrstuv",
	    "//registry.npmjs.org/:_authToken [REDACTED:api-token]" },
	{ "SG.FAKE0123456789abcdefgh."
	  "FAKE0123456789abcdefghijklmnopqrstuvwxyz012",
	    "[REDACTED:api-token]" },
	{ "ask_live_FAKE0123456789abcdefghij", NULL },
	/* jwt */
	{ "JWT: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlIn0."
	  "c2lnbmF0dXJlLWZha2U",
	    "JWT: [REDACTED:jwt]" },
	{ "see eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLXVzZXIifQ. (alg none)",
	    "see [REDACTED:jwt] (alg none)" },
	{ "they eyeball key.eyes and foo.bar", NULL },
	/* url-password: value only, $VAR and stars pass */
	{ "DATABASE_URL=postgres://app:Fk9x!pq@db.internal:5432/app",
	    "DATABASE_URL=postgres://app:[REDACTED:url-password]@db.internal:"
	    "5432/app" },
	{ "redis://:Fk9x-pq77@cache:6379/0",
	    "redis://:[REDACTED:url-password]@cache:6379/0" },
	{ "postgres://app:${DB_PASS}@db:5432/app", NULL },
	{ "postgres://app:$DB_PASS@db:5432/app", NULL },
	{ "https://user:****@example.com/", NULL },
	{ "git@github.com:acme/infra.git and ssh://git@host:22/x", NULL },
	{ "https://example.com:8443/path@v2", NULL },
	/* authorization */
	{ "> Authorization: Bearer Fk7abcDEF0123456789",
	    "> Authorization: Bearer [REDACTED:authorization]" },
	{ "authorization: Basic c3ZjOkZrOXghcHE=",
	    "authorization: Basic [REDACTED:authorization]" },
	{ "curl -H 'Authorization: token Fk0123456789abcdef' https://api",
	    "curl -H 'Authorization: token [REDACTED:authorization]' "
	    "https://api" },
	{ "using bearer Fk0123456789abcdefXYZ now",
	    "using bearer [REDACTED:authorization] now" },
	{ "curl -H \"Authorization: Bearer $TOKEN\" https://api", NULL },
	{ "Bearer authentication is configured", NULL },
	/* password-flag: value only */
	{ "mysql -u root -pHunter2x db",
	    "mysql -u root -p[REDACTED:password-flag] db" },
	{ "mysql -u root -p db", NULL },
	{ "mysqldump -uroot --password=Fk9x!pq --all",
	    "mysqldump -uroot --password=[REDACTED:password-flag] --all" },
	{ "sshpass -p 'my pass 1' ssh host",
	    "sshpass -p '[REDACTED:password-flag]' ssh host" },
	{ "sshpass -pFk9x!pq scp a b:",
	    "sshpass -p[REDACTED:password-flag] scp a b:" },
	{ "redis-cli -h r -a S3cretRedis ping",
	    "redis-cli -h r -a [REDACTED:password-flag] ping" },
	{ "docker login -u me -p dckr_pat_abc123 registry.io",
	    "docker login -u me -p [REDACTED:password-flag] registry.io" },
	{ "echo x | docker login --password-stdin -u me", NULL },
	{ "vault login --token s.Fk0123456789",
	    "vault login --token [REDACTED:password-flag]" },
	{ "./deploy --password=Fk9x!pq --yes",
	    "./deploy --password=[REDACTED:password-flag] --yes" },
	{ "curl -u admin:Fk9x!pq https://x",
	    "curl -u admin:[REDACTED:password-flag] https://x" },
	{ "curl -s --user 'svc:Fk9x.pq' https://x",
	    "curl -s --user 'svc:[REDACTED:password-flag]' https://x" },
	{ "curl -u admin https://x", NULL },
	{ "openssl pkcs12 -in a.p12 -passin pass:Fk9x.pq -nodes",
	    "openssl pkcs12 -in a.p12 -passin pass:[REDACTED:password-flag] "
	    "-nodes" },
	{ "wget --http-password=Fk9x.pq https://x",
	    "wget --http-password=[REDACTED:password-flag] https://x" },
	{ "ssh --no-password-auth host", NULL },
	{ "machine api.example.com login deploy password Fk9x.pq",
	    "machine api.example.com login deploy password "
	    "[REDACTED:password-flag]" },
	{ "Failed password for root from 10.0.0.1 port 22 ssh2", NULL },
	{ "  --password PASSWORD   the password to use", NULL },
	{ "  --token=<token>       API token", NULL },
	{ "  --token -v", NULL },
	{ "mkdir -p /tmp/x && ls -a", NULL },
	/* password-assignment: value only; references and code pass */
	{ "DB_PASSWORD=correcthorse9 ./run",
	    "DB_PASSWORD=[REDACTED:password-assignment] ./run" },
	{ "PGPASSWORD=pgsecret1 psql -h db",
	    "PGPASSWORD=[REDACTED:password-assignment] psql -h db" },
	{ "MYSQL_PWD=mysqlsecret1",
	    "MYSQL_PWD=[REDACTED:password-assignment]" },
	{ "password: \"quoted value here\"",
	    "password: \"[REDACTED:password-assignment]\"" },
	{ "{\"token\": \"abcd1234\", \"user\": \"x\"}",
	    "{\"token\": \"[REDACTED:password-assignment]\", \"user\": "
	    "\"x\"}" },
	{ "client_secret => 'Fk9x!pq'",
	    "client_secret => '[REDACTED:password-assignment]'" },
	{ "api_key := Fk9x!pq", "api_key := [REDACTED:password-assignment]" },
	{ "spring.datasource.password=Fk9x.pq",
	    "spring.datasource.password=[REDACTED:password-assignment]" },
	{ "PWD=/root", NULL },
	{ "OLDPWD=/home/x", NULL },
	{ "password: ${SECRET}", NULL },
	{ "password: {{ .Values.pw }}", NULL },
	{ "password: null", NULL },
	{ "password: ********", NULL },
	{ "\tchar *token = strtok(buf, \" \");", NULL },
	{ "\tif (token == NULL)", NULL },
	{ "Token::Kind k;", NULL },
	{ "[sudo] password for root: ", NULL },
	{ "secretName: my-secret", NULL },
	{ "automountServiceAccountToken: false", NULL },
	/* several in one line, in order */
	{ "a=1 password=x1y2 b AKIAQWERTYFAKE234567 c",
	    "a=1 password=[REDACTED:password-assignment] b "
	    "[REDACTED:aws-access-key-id] c" },
	/* binary and odd bytes */
	{ "\xff\xfe password=\xc3\xa9t\xc3\xa9x1 \x80",
	    "\xff\xfe password=[REDACTED:password-assignment] \x80" },
	{ "", NULL },
};

static void
test_lines(void **state)
{
	struct fixture *f = *state;
	char name[64];
	const char *got, *want;
	size_t i;
	int st;

	for (i = 0; i < nitems(line_cases); i++) {
		const struct line_case *c = &line_cases[i];

		snprintf(name, sizeof(name), "case %zu", i);
		sr_redact_reset(f->r);
		got = redact(f, c->in, strlen(c->in), &st, name);
		want = c->want != NULL ? c->want : c->in;
		if (st != SR_OK)
			fail_msg("case %zu: status %d", i, st);
		if (strcmp(got, want) != 0)
			fail_msg("case %zu: '%s'\n got '%s'\nwant '%s'", i,
			    c->in, got, want);
	}
}

/* Sequences of lines: private key blocks carry state. */
static const struct block_case {
	const char *lines[8];
	const char *want[8];
} block_cases[] = {
	{ { "$ cat id_rsa", "-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKC",
	      "abcd==", "-----END RSA PRIVATE KEY-----", "$ next", NULL },
	    { "$ cat id_rsa", "-----BEGIN RSA PRIVATE KEY-----",
		"[REDACTED:private-key]", "[REDACTED:private-key]",
		"-----END RSA PRIVATE KEY-----", "$ next" } },
	{ { "-----BEGIN OPENSSH PRIVATE KEY-----b3Blbn-----END OPENSSH "
	    "PRIVATE KEY----- then password=x1y2",
	      "after", NULL },
	    { "-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED:private-key]"
	      "-----END OPENSSH PRIVATE KEY----- then "
	      "password=[REDACTED:password-assignment]",
		"after" } },
	{ { "-----BEGIN PGP PRIVATE KEY BLOCK-----", "", "lQdGBF==",
	      "tail-----END PGP PRIVATE KEY BLOCK----- x", "y", NULL },
	    { "-----BEGIN PGP PRIVATE KEY BLOCK-----", "",
		"[REDACTED:private-key]",
		"[REDACTED:private-key]-----END PGP PRIVATE KEY BLOCK----- x",
		"y" } },
	/* Certificates and public keys are not secret. */
	{ { "-----BEGIN CERTIFICATE-----", "MIIDdzCCAl+gAwIBAgIE",
	      "-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----",
	      "MFkwEwYHKoZIzj0CAQYI", "-----END PUBLIC KEY-----", NULL },
	    { "-----BEGIN CERTIFICATE-----", "MIIDdzCCAl+gAwIBAgIE",
		"-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----",
		"MFkwEwYHKoZIzj0CAQYI", "-----END PUBLIC KEY-----" } },
	/* Two BEGINs on a line, the second open. */
	{ { "-----BEGIN EC PRIVATE KEY-----a-----END EC PRIVATE KEY----- "
	    "-----BEGIN EC PRIVATE KEY-----bb",
	      "cc", "-----END EC PRIVATE KEY-----", NULL },
	    { "-----BEGIN EC PRIVATE KEY-----[REDACTED:private-key]-----END "
	      "EC PRIVATE KEY----- -----BEGIN EC PRIVATE KEY-----"
	      "[REDACTED:private-key]",
		"[REDACTED:private-key]", "-----END EC PRIVATE KEY-----" } },
};

static void
test_blocks(void **state)
{
	struct fixture *f = *state;
	char name[64];
	const char *got;
	size_t i, j;
	int st;

	for (i = 0; i < nitems(block_cases); i++) {
		const struct block_case *c = &block_cases[i];

		sr_redact_reset(f->r);
		for (j = 0; c->lines[j] != NULL; j++) {
			snprintf(name, sizeof(name), "block %zu line %zu", i,
			    j);
			got = redact(f, c->lines[j], strlen(c->lines[j]), &st,
			    name);
			if (st != SR_OK || strcmp(got, c->want[j]) != 0)
				fail_msg("%s: got '%s' want '%s'", name, got,
				    c->want[j]);
		}
	}
}

/* No END: 100 lines are masked, then the state ends; reset ends it too. */
static void
test_unterminated(void **state)
{
	struct fixture *f = *state;
	const char *got;
	char name[64];
	int i, st;

	sr_redact_reset(f->r);
	redact(f, "-----BEGIN PRIVATE KEY-----", 27, &st, "begin");
	for (i = 1; i <= 101; i++) {
		snprintf(name, sizeof(name), "line %d", i);
		got = redact(f, "plain text", 10, &st, name);
		if (i <= 100 && strcmp(got, "[REDACTED:private-key]") != 0)
			fail_msg("line %d not masked: %s", i, got);
		if (i == 101 && strcmp(got, "plain text") != 0)
			fail_msg("line 101 still masked: %s", got);
	}
	redact(f, "-----BEGIN PRIVATE KEY-----", 27, &st, "begin 2");
	sr_redact_reset(f->r);
	got = redact(f, "plain text", 10, &st, "after reset");
	if (strcmp(got, "plain text") != 0)
		fail_msg("state survived the reset: %s", got);
}

/* More spans than the caller has room for: merged into the last. */
static void
test_max_spans(void **state)
{
	struct fixture *f = *state;
	struct sr_span sp[2];
	struct sr_error err;
	const char *l = "password=a1 x token=b2 y secret=c3 z pwd=d4 w";
	size_t n;

	sr_redact_reset(f->r);
	assert_int_equal(sr_redact_line(f->r, l, strlen(l), sp, 2, &n, &err),
	    SR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].so, 9);
	assert_int_equal(sp[0].eo, 11);
	assert_int_equal(sp[1].so, 20);
	assert_int_equal(sp[1].eo, strlen(l) - 2); /* through "d4" */
	/* No room at all is an error, never a silent pass. */
	assert_int_equal(sr_redact_line(f->r, l, strlen(l), sp, 0, &n, &err),
	    SR_FAILED);
	assert_int_equal(n, 0);
}

static const char *
write_tmp(const char *text, size_t len)
{
	static char path[64];
	int fd;

	strlcpy(path, "/tmp/sr-redact-XXXXXX", sizeof(path));
	if ((fd = mkstemp(path)) < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	if (write(fd, text, len) != (ssize_t)len)
		fail_msg("write failed");
	close(fd);
	return (path);
}

static const struct file_case {
	const char *text;
	size_t textlen; /* 0: strlen(text) */
	int status;
	int64_t line;	 /* of the error */
	const char *msg; /* part of the error message */
	const char *in;	 /* then redact this (status OK) */
	const char *want;
} file_cases[] = {
	{ "# my rules\n\nvault-token\t\\bhvs\\.(?<secret>\\w+)\n"
	  "  acme-id   ACME-[0-9]{6}  \r\n",
	    0, SR_OK, 0, NULL, "lease hvs.abcDEF ACME-123456 x",
	    "lease hvs.[REDACTED:vault-token] [REDACTED:acme-id] x" },
	{ "caf\xc3\xa9-rule x\n", 0, SR_FAILED, 1, "bad rule id", NULL, NULL },
	{ "ok a\n-bad b\n", 0, SR_FAILED, 2, "bad rule id", NULL, NULL },
	{ "\n\nlonely\n", 0, SR_FAILED, 3, "has no regex", NULL, NULL },
	{ "a x\nb (unclosed\n", 0, SR_FAILED, 2, "bad regex at offset 9", NULL,
	    NULL },
	{ "jwt foo\n", 0, SR_FAILED, 1, "already used", NULL, NULL },
	{ "a x\na y\n", 0, SR_FAILED, 2, "already used", NULL, NULL },
	{ "empty x*\n", 0, SR_FAILED, 1, "matches the empty string", NULL,
	    NULL },
	{ "+private-key\n", 0, SR_FAILED, 1, "only +high-entropy", NULL, NULL },
	{ "x a\0b\n", 6, SR_FAILED, 1, "NUL byte", NULL, NULL },
	/* Unicode-aware file rules. */
	{ "greek \\p{Greek}+\n", 0, SR_OK, 0, NULL, "abc \xce\xb1\xce\xb2 d",
	    "abc [REDACTED:greek] d" },
	/* high-entropy: on by a directive; digests and UUIDs pass */
	{ "+high-entropy\n", 0, SR_OK, 0, NULL,
	    "session key Zq8vN2xLp4RtY7wKc1Hs9Jd3 ok",
	    "session key [REDACTED:high-entropy] ok" },
	{ "+high-entropy\n", 0, SR_OK, 0, NULL,
	    "key 3f786850e387550fdab836ed7e6dc881de23001b "
	    "key 123e4567-e89b-12d3-a456-426614174000",
	    NULL },
	{ "+high-entropy\n", 0, SR_OK, 0, NULL,
	    "nothing near Zq8vN2xLp4RtY7wKc1Hs9Jd3 here", NULL },
	{ "+high-entropy\n", 0, SR_OK, 0, NULL,
	    "token ${Zq8vN2xLp4RtY7wKc1Hs9Jd3} {{Zq8vN2xLp4RtY7wKc1Hs9Jd3}}",
	    NULL },
	/* Low entropy: long but repetitive. */
	{ "+high-entropy\n", 0, SR_OK, 0, NULL, "key abababababababababababab",
	    NULL },
};

static void
test_files(void **state)
{
	struct fixture *f = *state;
	struct sr_error err;
	struct sr_redact *r;
	const char *path, *got;
	char name[64];
	size_t i, len;
	int st;

	(void)state;
	for (i = 0; i < nitems(file_cases); i++) {
		const struct file_case *c = &file_cases[i];

		len = c->textlen != 0 ? c->textlen : strlen(c->text);
		path = write_tmp(c->text, len);
		assert_int_equal(sr_redact_new(NULL, &r, &err), SR_OK);
		st = sr_redact_add_file(r, path, &err);
		if (st != c->status)
			fail_msg("file case %zu: status %d want %d (%s)", i, st,
			    c->status, err.msg);
		if (st != SR_OK) {
			if (err.loc.line != c->line ||
			    strstr(err.msg, c->msg) == NULL ||
			    strcmp(err.path, path) != 0)
				fail_msg("file case %zu: line %lld '%s' path "
					 "'%s'",
				    i, (long long)err.loc.line, err.msg,
				    err.path);
		} else if (c->in != NULL) {
			struct sr_redact *keep = f->r;

			snprintf(name, sizeof(name), "file case %zu", i);
			f->r = r;
			got = redact(f, c->in, strlen(c->in), &st, name);
			f->r = keep;
			if (strcmp(got, c->want != NULL ? c->want : c->in) != 0)
				fail_msg("file case %zu: got '%s'", i, got);
		}
		unlink(path);
		sr_redact_free(r);
	}

	/* A missing file names itself. */
	assert_int_equal(sr_redact_new(NULL, &r, &err), SR_OK);
	assert_int_equal(sr_redact_add_file(r, "/nonexistent/rules", &err),
	    SR_FAILED);
	assert_int_equal(err.cat, SR_E_IO);
	assert_string_equal(err.path, "/nonexistent/rules");
	sr_redact_free(r);
}

/* The rule list: built-ins with descriptions, then file rules. */
static void
test_rules(void **state)
{
	struct fixture *f = *state;
	const char *id, *desc;
	size_t i, n = sr_redact_nrules(f->r);
	static const char *const want[] = { "aws-access-key-id",
		"aws-secret-key", "github-token", "gitlab-token", "slack-token",
		"slack-webhook", "private-key", "jwt", "url-password",
		"authorization", "password-flag", "api-token",
		"password-assignment", "high-entropy" };

	assert_int_equal(n, nitems(want));
	for (i = 0; i < n; i++) {
		sr_redact_rule(f->r, i, &id, &desc);
		if (strcmp(id, want[i]) != 0 || *desc == '\0')
			fail_msg("rule %zu: '%s' '%s'", i, id, desc);
	}
	sr_redact_rule(f->r, n, &id, &desc);
	assert_string_equal(id, "");
}

/* A rule that hits the match limit masks the whole line (fail closed). */
static void
test_limit(void **state)
{
	struct fixture *f = *state;
	struct sr_redact *r, *keep;
	struct sr_error err;
	const char *path, *got;
	char line[4096];
	int st;

	path = write_tmp("redos (a+)+$\n", 13);
	assert_int_equal(sr_redact_new(NULL, &r, &err), SR_OK);
	assert_int_equal(sr_redact_add_file(r, path, &err), SR_OK);
	unlink(path);
	memset(line, 'a', sizeof(line) - 2);
	line[sizeof(line) - 2] = 'b';
	line[sizeof(line) - 1] = '\0';
	keep = f->r;
	f->r = r;
	got = redact(f, line, strlen(line), &st, "redos");
	f->r = keep;
	assert_int_equal(st, SR_FAILED);
	assert_string_equal(got, "[REDACTED:redact-limit]");
	sr_redact_free(r);
}

static const struct apply_case {
	const char *line;
	struct sr_span sp[3];
	size_t n;
	const char *want;
} apply_cases[] = {
	{ "abcdef", { { 1, 3, "x" } }, 1, "a[REDACTED:x]def" },
	{ "abcdef", { { 0, 6, "y" } }, 1, "[REDACTED:y]" },
	{ "abcdef", { { 0, 1, "a" }, { 5, 6, "b" } }, 2,
	    "[REDACTED:a]bcde[REDACTED:b]" },
	/* Defensive: past the end is cut, going back is ignored. */
	{ "abc", { { 1, 99, "z" } }, 1, "a[REDACTED:z]" },
	{ "abc", { { 1, 2, "z" }, { 0, 1, "w" } }, 2, "a[REDACTED:z]c" },
	{ "abc", { { 0, 0, "e" } }, 0, "abc" },
};

static void
test_apply(void **state)
{
	struct sr_buf b;
	size_t i;

	(void)state;
	sr_buf_init(&b, 1024);
	for (i = 0; i < nitems(apply_cases); i++) {
		const struct apply_case *c = &apply_cases[i];

		sr_buf_reset(&b);
		assert_int_equal(sr_redact_apply(c->line, strlen(c->line),
				     c->sp, c->n, &b),
		    SR_E_NONE);
		if (strcmp(b.data, c->want) != 0)
			fail_msg("apply case %zu: '%s'", i, b.data);
	}
	sr_buf_release(&b);
}

/* The R3 sets. */

struct lines {
	char *data;
	size_t len;
	char **l;
	size_t *ll;
	size_t n, cap;
};

static void
lines_add(struct lines *ls, char *s, size_t n)
{
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 1024;
		ls->l = realloc(ls->l, ls->cap * sizeof(*ls->l));
		ls->ll = realloc(ls->ll, ls->cap * sizeof(*ls->ll));
		assert_non_null(ls->l);
		assert_non_null(ls->ll);
	}
	ls->l[ls->n] = s;
	ls->ll[ls->n++] = n;
}

static void
lines_free(struct lines *ls)
{
	free(ls->data);
	free(ls->l);
	free(ls->ll);
	memset(ls, 0, sizeof(*ls));
}

static void
load(const char *rel, struct lines *ls)
{
	FILE *fp = fopen(unit_srcpath(rel), "rb");
	size_t got, i, s;

	memset(ls, 0, sizeof(*ls));
	if (fp == NULL)
		fail_msg("%s: %s", rel, strerror(errno));
	ls->data = malloc(4 << 20);
	assert_non_null(ls->data);
	got = fread(ls->data, 1, (4 << 20) - 1, fp);
	fclose(fp);
	ls->len = got;
	for (s = i = 0; i < got; i++)
		if (ls->data[i] == '\n') {
			ls->data[i] = '\0';
			lines_add(ls, ls->data + s, i - s);
			s = i + 1;
		}
}

static int
tv_line(void *arg, const char *line, size_t len, int64_t t_ns)
{
	struct lines *ls = arg;
	char *c = malloc(len + 1);

	(void)t_ns;
	assert_non_null(c);
	memcpy(c, line, len);
	c[len] = '\0';
	lines_add(ls, c, len);
	return (0);
}

/*
 * Recall over the lines: every secret of secrets.expect must lie inside
 * one span.  Prints the misses.
 */
static double
recall(struct fixture *f, struct lines *text, struct lines *exp,
    const char *what)
{
	struct sr_span sp[NSPANS];
	struct sr_error err;
	size_t i, j, n, found = 0, total = 0, ln;
	const char *where;
	char *tab1 = NULL, *tab2 = NULL;
	size_t nsp[4096];
	static struct sr_span all[4096][8];

	assert_true(text->n < 4096);
	sr_redact_reset(f->r);
	for (i = 0; i < text->n; i++) {
		sr_redact_line(f->r, text->l[i], text->ll[i], sp, NSPANS, &n,
		    &err);
		nsp[i] = n < 8 ? n : 8;
		memcpy(all[i], sp, nsp[i] * sizeof(sp[0]));
	}
	for (i = 0; i < exp->n; i++) {
		char *e = exp->l[i];

		if ((tab1 = strchr(e, '\t')) == NULL ||
		    (tab2 = strchr(tab1 + 1, '\t')) == NULL)
			fail_msg("secrets.expect line %zu malformed", i + 1);
		ln = strtoul(e, NULL, 10);
		total++;
		if (ln == 0 || ln > text->n) {
			printf("# %s: %.*s: line %zu missing\n", what,
			    (int)(tab2 - tab1 - 1), tab1 + 1, ln);
			continue;
		}
		where = strstr(text->l[ln - 1], tab2 + 1);
		if (where == NULL) {
			printf("# %s: line %zu does not hold its secret\n",
			    what, ln);
			continue;
		}
		for (j = 0; j < nsp[ln - 1]; j++) {
			size_t so = (size_t)(where - text->l[ln - 1]);

			if (all[ln - 1][j].so <= so &&
			    all[ln - 1][j].eo >= so + strlen(tab2 + 1))
				break;
		}
		if (j < nsp[ln - 1])
			found++;
		else
			printf("# %s: missed %.*s on line %zu: %s\n", what,
			    (int)(tab2 - tab1 - 1), tab1 + 1, ln,
			    text->l[ln - 1]);
	}
	printf("# %s: recall %zu/%zu\n", what, found, total);
	assert_true(total >= 200);
	return ((double)found / (double)total);
}

static void
test_recall(void **state)
{
	struct fixture *f = *state;
	struct lines text, exp, color, rendered;
	struct sr_textview *tv;
	size_t i, step;
	double rc;

	load("tests/data/secrets/secrets.txt", &text);
	load("tests/data/secrets/secrets.expect", &exp);
	rc = recall(f, &text, &exp, "plain");
	if (rc < 0.95)
		fail_msg("recall %.3f below 0.95 on rendered lines", rc);

	/* The raw coloured text, rendered by textview from 7-byte chunks. */
	load("tests/data/secrets/secrets-color.txt", &color);
	memset(&rendered, 0, sizeof(rendered));
	tv = sr_textview_new(0, tv_line, &rendered);
	assert_non_null(tv);
	/* load() cut the lines: put the newlines back. */
	for (i = 0; i < color.n; i++)
		color.l[i][color.ll[i]] = '\n';
	for (i = 0; i < color.len; i += step) {
		step = color.len - i < 7 ? color.len - i : 7;
		assert_int_equal(sr_textview_feed(tv,
				     (const unsigned char *)color.data + i,
				     step, 0),
		    0);
	}
	sr_textview_flush(tv);
	sr_textview_free(tv);
	assert_int_equal(rendered.n, text.n);
	rc = recall(f, &rendered, &exp, "coloured, chunked");
	if (rc < 0.95)
		fail_msg("recall %.3f below 0.95 after textview", rc);

	for (i = 0; i < rendered.n; i++)
		free(rendered.l[i]);
	free(rendered.l);
	free(rendered.ll);
	lines_free(&color);
	lines_free(&text);
	lines_free(&exp);
}

static void
test_benign(void **state)
{
	struct fixture *f = *state;
	struct sr_span sp[NSPANS];
	struct sr_error err;
	struct lines b;
	size_t i, n, fp = 0;

	load("tests/data/secrets/benign.txt", &b);
	assert_true(b.n >= 10000);
	sr_redact_reset(f->r);
	for (i = 0; i < b.n; i++) {
		assert_int_equal(sr_redact_line(f->r, b.l[i], b.ll[i], sp,
				     NSPANS, &n, &err),
		    SR_OK);
		if (n > 0) {
			fp++;
			printf("# false positive (%s) on line %zu: %s\n",
			    sp[0].rule_id, i + 1, b.l[i]);
		}
	}
	printf("# benign: %zu false positives in %zu lines\n", fp, b.n);
	if (fp > b.n / 10000)
		fail_msg("%zu false positives in %zu lines", fp, b.n);
	lines_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_max_spans, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test(test_apply),
		cmocka_unit_test_setup_teardown(test_recall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_benign, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
