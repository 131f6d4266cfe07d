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
 * Redaction (SECURITY.md 6, R1-R4): finds secrets in rendered text lines
 * so that grep, cat, play and export can print "[REDACTED:rule-id]" in
 * their place.  It works on the lines textview rebuilt, never on raw
 * events, so colour codes, BS/CR overwrites and chunk splits cannot hide
 * a secret from it (R2).
 *
 * Built-in rules (ids as printed; "value" means only the value is masked,
 * the keyword or flag before it stays visible):
 *
 *   aws-access-key-id   AKIA/ASIA/ABIA/ACCA/A3Tx + 16 base32 characters;
 *                       keys ending in EXAMPLE (AWS documentation) pass
 *   aws-secret-key      40 characters after aws_secret_access_key= or
 *                       AWS_SECRET_ACCESS_KEY: (value; EXAMPLEKEY passes)
 *   github-token        ghp_ gho_ ghu_ ghs_ ghr_ + 36, github_pat_ + 82
 *   gitlab-token        glpat- (and gldt- glrt- glptt- ...) + 20 or more
 *   slack-token         xoxa- xoxb- xoxp- xoxr- xoxs- xoxe- xapp- tokens
 *   slack-webhook       the path after hooks.slack.com/services/ (value)
 *   private-key         the lines between -----BEGIN ... PRIVATE KEY-----
 *                       and -----END ...-----, which stay visible; when
 *                       no END comes, the next 100 lines
 *   jwt                 eyJ...eyJ...signature
 *   url-password        PASS in scheme://user:PASS@host (value; $VAR,
 *                       ${VAR} and *** pass)
 *   authorization       Authorization: Bearer/Basic/Token X, and a
 *                       "Bearer X" token holding a digit (value)
 *   password-flag       sshpass -p X, mysql -pX / --password=X,
 *                       redis-cli -a X, docker/podman login -p X,
 *                       curl -u user:X, openssl -passin pass:X,
 *                       --password X, --token X, --secret X, --api-key X
 *                       (one blank: two or more are a help text),
 *                       --http-password=X and the like,
 *                       netrc "login U password X" (value)
 *   api-token           Google (AIza...), Stripe (sk_live_...), npm
 *                       (npm_...), PyPI (pypi-AgE...) and SendGrid
 *                       (SG.x.y) API tokens
 *   password-assignment password, passwd, passphrase, pwd, secret, token,
 *                       api_key (alone or as the end of a name such as
 *                       DB_PASSWORD, client_secret, PGPASSWORD,
 *                       MYSQL_PWD), then = : := or =>, then the value,
 *                       quoted or not (value)
 *   high-entropy        off unless a rule file says "+high-entropy": a
 *                       token of 20 or more base64 characters with more
 *                       than 4 bits of entropy per character, within 40
 *                       bytes after key, token, secret, pass, auth or
 *                       credential; hex digests, UUIDs, ${VAR} and {{x}}
 *                       pass
 *
 * Values that are clearly not secrets are left alone by the value rules:
 * shell and template references ($VAR, ${VAR}, {{ x }}, <placeholder>),
 * AWS's documentation key (...EXAMPLEKEY),
 * all-capital metavariables in help texts (--password PASSWORD), stars,
 * null/true/false/none, function calls and comparisons in source code
 * that compilers quote (token = next(), token == NULL), and paths after
 * PWD= (the environment variable).
 *
 * Rule files (sessrec-grep(1) copies this):
 *
 *   # comment; blank lines are ignored
 *   ID  REGEX
 *   +high-entropy
 *
 *   One rule per line: an id (1 to 64 characters of A-Z a-z 0-9 . _ -,
 *   starting with a letter or digit), one or more blanks (spaces or
 *   tabs), then a PCRE2 regular expression up to the end of the line
 *   (at most 1024 bytes; blanks around it are ignored: write [ ] or \x20
 *   for an edge space).  The regex is matched against each rendered
 *   line, in UTF-8 mode.  When it has a group named "secret", for
 *   instance
 *
 *       vault-token  \bhvs\.(?<secret>[A-Za-z0-9_-]{20,})
 *
 *   only that group is masked ("hvs.[REDACTED:vault-token]"); otherwise
 *   the whole match is.  Where spans of several rules overlap they are
 *   merged and the leftmost names the result.  "+ID"
 *   turns on a built-in rule that is off by default (only high-entropy
 *   is).  Rule files only ever add redaction: no line can turn a rule
 *   off, so --redact-rules cannot undo what the administrator set.
 *   Errors name the file and line: an id that is bad or already used, a
 *   missing regex, a regex that does not compile (with the offset) or
 *   that matches the empty string, a line over 4096 bytes, more than
 *   1000 rules, a file over 1 MiB, a NUL byte.
 *
 * Matching (R4): the built-in rules are alternatives of one PCRE2
 * pattern, each tagged with (*MARK:n) and numbered with a branch reset
 * so that group 1 is always the value, JIT-compiled once: a line costs
 * one scan, not one per rule.  They match bytes (no UTF mode): every
 * class they use is ASCII, so spans always end on character boundaries.
 * File rules are compiled one by one.  All share one match data, JIT
 * stack and match context with the match, depth and heap limits of
 * match.c, so sr_redact_line() allocates nothing.  When any rule hits a
 * limit the whole line is one span ("redact-limit"): fail closed.
 * A prefilter (see may_match()) keeps most lines away from PCRE2: about
 * 300 MB/s of ordinary output (git log, ls, compiler logs) per core,
 * 120 MB/s on text dense with secrets.  Every quantifier that could scan
 * a whole line from each position is bounded, so a 250 KB line costs
 * milliseconds whatever it holds.
 *
 * Private key blocks are found with memmem() rather than a regex since
 * they carry state from line to line; sr_redact_reset() forgets it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "compat.h"
#include "sr-private.h"

#define RED_MATCH_LIMIT	 10000000U
#define RED_DEPTH_LIMIT	 10000U
#define RED_HEAP_KIB	 (20U * 1024)
#define RED_JIT_STACK	 (1U << 20)
#define RED_SPANS	 256	   /* spans kept per line before merging */
#define RED_KEY_LINES	 100	   /* key block lines masked without END */
#define RED_RULES_MAX	 1000	   /* rules in all */
#define RED_RE_MAX	 1024	   /* bytes of a file rule's regex */
#define RED_LINE_MAX	 4096	   /* bytes of a rule file line */
#define RED_FILE_MAX	 (1 << 20) /* bytes of a rule file */
#define RED_ID_MAX	 64
#define RED_ENTROPY_MIN	 20  /* characters of a high-entropy token */
#define RED_ENTROPY_BITS 4.0 /* bits per character, above which */
#define RED_ENTROPY_NEAR 40  /* bytes before the token for a keyword */

/*
 * Pieces of the built-in patterns.  VALUE is a value after a keyword or
 * flag: double- or single-quoted (the quotes stay visible) or bare,
 * captured as group 1 through a branch reset.  NOTVAL rules out what is
 * not a secret (see above).
 */
#define NOTVAL                                                                 \
	"(?!\\$|\\{\\{|<|%\\(|\\*+(?:[\\s\"',;]|$)"                            \
	"|(?i:null|nil|none|true|false|undefined|empty)(?![^\\s\"',;])"        \
	"|[A-Za-z_][\\w.>-]*\\(|[A-Z][A-Z_]*(?![^\\s\"',;\\]])"                \
	"|[A-Za-z0-9/+=]{0,40}EXAMPLEKEY)"
#define VALUE                                                                  \
	"(?|\"" NOTVAL "([^\"]{1,256})\"|'" NOTVAL "([^']{1,256})'|" NOTVAL    \
	"([^\\s\"'`&]{1,256}))"
/* Separator between a keyword and its value: = : := => but not == ::. */
#define SEP "[\"']?\\s{0,8}(?::=|=>|=(?!=)|:(?!:))\\s{0,8}"

struct builtin {
	const char *id;
	const char *description;
	const char *re; /* NULL: not part of the combined pattern */
};

/* Order matters: at one position the first rule that matches wins. */
static const struct builtin builtins[] = {
	{ "aws-access-key-id", "AWS access key id (AKIA..., ASIA...)",
	    "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])"
	    "(?![A-Z2-7]{0,16}EXAMPLE)[A-Z2-7]{16}(?![A-Z0-9])" },
	{ "aws-secret-key",
	    "AWS secret access key after aws_secret_access_key (value)",
	    "(?<![A-Za-z0-9])(?i:aws_?secret_?(?:access_?)?key|"
	    "secretaccesskey)" SEP "[\"']?"
	    "(?![A-Za-z0-9/+=]{0,40}EXAMPLEKEY)"
	    "([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])" },
	{ "github-token",
	    "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, "
	    "github_pat_)",
	    "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}"
	    "(?![A-Za-z0-9])|github_pat_[A-Za-z0-9_]{82,251}"
	    "(?![A-Za-z0-9_]))" },
	{ "gitlab-token", "GitLab token (glpat-, gldt-, glrt-, ...)",
	    "(?<![A-Za-z0-9_-])(?:glpat|gldt|glrt|glptt|glsoat|glcbt|glft|"
	    "glimt|gloas)-[A-Za-z0-9_-]{20,251}" },
	{ "slack-token", "Slack token (xoxb-, xoxp-, xapp-, ...)",
	    "(?<![A-Za-z0-9])(?:xox[abprse]|xapp)-[0-9A-Za-z-]{10,251}" },
	{ "slack-webhook", "Slack webhook URL path (value)",
	    "hooks\\.slack\\.com/(?:services|workflows|triggers)/"
	    "([A-Za-z0-9+/_-]{20,251})" },
	{ "private-key", "private key block (BEGIN ... PRIVATE KEY)", NULL },
	{ "jwt", "JSON web token (eyJ...)",
	    "(?<![A-Za-z0-9_-])ey[A-Za-z0-9_-]{17,}\\.ey[A-Za-z0-9_-]{17,}"
	    "\\.[A-Za-z0-9_-]*" },
	{ "url-password", "password in a URL, scheme://user:PASS@host (value)",
	    "(?<=[A-Za-z0-9])://[^\\s:@/?#]{0,128}:(?!\\$|\\*+@)"
	    "([^\\s@/]{1,256})(?=@[A-Za-z0-9\\[])" },
	{ "authorization", "Authorization header or bearer token (value)",
	    "(?<![A-Za-z0-9])(?|(?i:authorization)[\"']?\\s{0,8}[:=]\\s{0,8}"
	    "[\"']?(?:(?i:bearer|basic|token|digest|negotiate)\\s+)?"
	    "(?!\\$)([A-Za-z0-9._~+/=-]{8,})|"
	    "(?i:bearer)\\s+(?=[A-Za-z0-9._~+/-]{0,256}[0-9])"
	    "([A-Za-z0-9._~+/-]{16,}=*))" },
	{ "password-flag",
	    "password or token given as a command option (value)",
	    "(?<![A-Za-z0-9_-])(?|"
	    "sshpass\\b[^|;&]{0,64}?\\s-p\\s*" VALUE "|"
	    "mysql(?:dump|admin|import|check|show)?\\b[^|;&]{0,128}?"
	    "\\s(?:-p(?=\\S)|--password=)" VALUE "|"
	    "redis-cli\\b[^|;&]{0,128}?\\s(?:-a|--pass)\\s+" VALUE "|"
	    "(?:docker|podman|buildah|nerdctl|helm\\s+registry)\\s+login\\b"
	    "[^|;&]{0,128}?\\s(?:-p|--password)(?:=|\\s+)" VALUE "|"
	    "curl\\b[^|;&]{0,128}?\\s(?:-u|--user)(?:=|\\s*)['\"]?"
	    "[^\\s:'\"]{1,64}:" VALUE "|"
	    "-pass(?:in|out)?\\s+(?:pass|env):" VALUE "|"
	    "--(?i:password|passwd|pass|token|secret|api-key|apikey|"
	    "passphrase)(?![\\w-])(?:=|[ \\t](?![ \\t]))(?!-)" VALUE "|"
	    "--(?!no-)(?:[A-Za-z]+-){1,2}(?i:password|passwd|pass|token|"
	    "secret|api-key|apikey|passphrase)(?![\\w-])=" VALUE "|"
	    "(?i:login)\\s+\\S+\\s+(?i:password|passwd)\\s+" VALUE ")" },
	{ "api-token",
	    "other vendors' API tokens (Google, Stripe, npm, PyPI, SendGrid)",
	    "(?<![A-Za-z0-9_-])(?:AIza[0-9A-Za-z_-]{35}|"
	    "(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,247}|"
	    "npm_[A-Za-z0-9]{36}|pypi-AgE[A-Za-z0-9_-]{50,}|"
	    "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])" },
	{ "password-assignment",
	    "password, secret, token or api key assignment (value)",
	    "(?<![A-Za-z0-9])(?:(?i:password|passwd|passphrase|secret|"
	    "secret_?(?:access_?)?key|private_?key|token|api_?key|apikey|"
	    "pgpassword)" SEP "|(?i:pwd)" SEP "(?![\"']?[/~]))" VALUE },
	{ "high-entropy", "high-entropy token near a key word (off by default)",
	    NULL },
};

#define BI_PRIVATE_KEY	6
#define BI_HIGH_ENTROPY (nitems(builtins) - 1)

struct rule {
	char *id;	   /* owned for file rules */
	char *description; /* owned for file rules */
	pcre2_code *code;  /* file rules only */
	int jit;
	uint32_t group; /* the group masked, 0 for the whole match */
	int builtin;
};

struct sr_redact {
	struct rule *rules;
	size_t nrules, cap;
	int entropy_on;

	pcre2_code *combined;
	int cjit;
	pcre2_match_data *md;
	uint32_t md_pairs;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;

	/* State carried between lines. */
	int in_key;
	unsigned key_lines;

	/* Spans of the line being redacted. */
	struct sr_span tmp[RED_SPANS];
	size_t ntmp;
};

static int
nomem(struct sr_error *err)
{
	return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
	    "out of memory"));
}

void
sr_redact_free(struct sr_redact *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrules; i++) {
		if (!r->rules[i].builtin) {
			free(r->rules[i].id);
			free(r->rules[i].description);
		}
		pcre2_code_free(r->rules[i].code);
	}
	free(r->rules);
	pcre2_code_free(r->combined);
	pcre2_match_data_free(r->md);
	pcre2_jit_stack_free(r->jstack);
	pcre2_match_context_free(r->mctx);
	free(r);
}

/* Makes the match data hold at least pairs pairs. */
static int
md_reserve(struct sr_redact *r, uint32_t pairs)
{
	pcre2_match_data *md;

	if (r->md != NULL && r->md_pairs >= pairs)
		return (0);
	if ((md = pcre2_match_data_create(pairs, NULL)) == NULL)
		return (-1);
	pcre2_match_data_free(r->md);
	r->md = md;
	r->md_pairs = pairs;
	return (0);
}

static int
add_rule(struct sr_redact *r, const struct rule *ru)
{
	struct rule *n;

	if (r->nrules == r->cap) {
		n = sr_reallocarray(r->rules, r->cap ? r->cap * 2 : 32,
		    sizeof(*n));
		if (n == NULL)
			return (-1);
		r->rules = n;
		r->cap = r->cap ? r->cap * 2 : 32;
	}
	r->rules[r->nrules++] = *ru;
	return (0);
}

int
sr_redact_new(struct sr_ctx *ctx, struct sr_redact **rp, struct sr_error *err)
{
	struct sr_redact *r;
	struct sr_buf b;
	struct rule ru;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	uint32_t cap;
	size_t i;
	int ecode, e = SR_E_NONE;

	(void)ctx;
	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (nomem(err));
	for (i = 0; i < nitems(builtins); i++) {
		memset(&ru, 0, sizeof(ru));
		ru.id = (char *)(uintptr_t)builtins[i].id;
		ru.description = (char *)(uintptr_t)builtins[i].description;
		ru.builtin = 1;
		ru.group = 1;
		if (add_rule(r, &ru) != 0) {
			sr_redact_free(r);
			return (nomem(err));
		}
	}

	/* (?|(*MARK:0)(?:re0)|(*MARK:1)(?:re1)|...) */
	sr_buf_init(&b, 1 << 20);
	e = sr_buf_append(&b, "(?|", 3);
	for (i = 0; i < nitems(builtins) && e == SR_E_NONE; i++) {
		if (builtins[i].re == NULL)
			continue;
		e = sr_buf_printf(&b, "%s(*MARK:%zu)(?:%s)",
		    b.len > 3 ? "|" : "", i, builtins[i].re);
	}
	if (e == SR_E_NONE)
		e = sr_buf_putc(&b, ')');
	if (e != SR_E_NONE) {
		sr_buf_release(&b);
		sr_redact_free(r);
		return (nomem(err));
	}
	r->combined =
	    pcre2_compile((PCRE2_SPTR)b.data, b.len, 0, &ecode, &erroff, NULL);
	sr_buf_release(&b);
	if (r->combined == NULL) {
		/* A bug in the table above, not in any input. */
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		sr_redact_free(r);
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, NULL, NULL,
		    "built-in redaction rules: offset %zu: %s", (size_t)erroff,
		    (const char *)msg));
	}
	r->cjit = pcre2_jit_compile(r->combined, PCRE2_JIT_COMPLETE) == 0;
	if (pcre2_pattern_info(r->combined, PCRE2_INFO_CAPTURECOUNT, &cap) != 0)
		cap = 9;
	if ((r->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (r->jstack = pcre2_jit_stack_create(32 * 1024, RED_JIT_STACK,
		 NULL)) == NULL ||
	    md_reserve(r, cap + 1) != 0) {
		sr_redact_free(r);
		return (nomem(err));
	}
	pcre2_set_match_limit(r->mctx, RED_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, RED_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, RED_HEAP_KIB);
	pcre2_jit_stack_assign(r->mctx, NULL, r->jstack);
	*rp = r;
	return (SR_OK);
}

size_t
sr_redact_nrules(const struct sr_redact *r)
{
	return (r->nrules);
}

void
sr_redact_rule(const struct sr_redact *r, size_t i, const char **id,
    const char **description)
{
	if (i >= r->nrules) {
		*id = *description = "";
		return;
	}
	*id = r->rules[i].id;
	*description = r->rules[i].description;
}

void
sr_redact_reset(struct sr_redact *r)
{
	r->in_key = 0;
	r->key_lines = 0;
}

/* Rule files. */

static int
valid_id(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > RED_ID_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == '-'))
			continue;
		return (0);
	}
	return (1);
}

static const struct rule *
find_rule(const struct sr_redact *r, const char *id, size_t n)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (strlen(r->rules[i].id) == n &&
		    memcmp(r->rules[i].id, id, n) == 0)
			return (&r->rules[i]);
	return (NULL);
}

static int file_error(struct sr_error *err, const char *path, int64_t line,
    enum sr_errcat cat, const char *fmt, ...) SR_PRINTF(5, 6);

static int
file_error(struct sr_error *err, const char *path, int64_t line,
    enum sr_errcat cat, const char *fmt, ...)
{
	struct sr_loc loc;
	va_list ap;
	int st;

	sr_loc_clear(&loc);
	loc.line = line;
	va_start(ap, fmt);
	st = sr_error_vset(err, SR_FAILED, cat, path, &loc, fmt, ap);
	va_end(ap);
	return (st);
}

static int
is_blank(int c)
{
	return (c == ' ' || c == '\t');
}

/* One line of a rule file, without its newline. */
static int
parse_line(struct sr_redact *r, const char *path, int64_t lineno, const char *s,
    size_t n, struct sr_error *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	struct rule ru;
	pcre2_match_data *md;
	const char *id, *re;
	size_t idlen, relen;
	uint32_t cap;
	int ecode, named, rc;

	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return (SR_OK);
	if (*s == '+') {
		if (n - 1 == strlen(builtins[BI_HIGH_ENTROPY].id) &&
		    memcmp(s + 1, builtins[BI_HIGH_ENTROPY].id, n - 1) == 0) {
			r->entropy_on = 1;
			return (SR_OK);
		}
		return (file_error(err, path, lineno, SR_E_FORMAT,
		    "'+%.*s': only +%s can be turned on",
		    (int)(n - 1 > RED_ID_MAX ? RED_ID_MAX : n - 1), s + 1,
		    builtins[BI_HIGH_ENTROPY].id));
	}
	id = s;
	for (idlen = 0; idlen < n && !is_blank(s[idlen]); idlen++)
		;
	if (!valid_id(id, idlen))
		return (file_error(err, path, lineno, SR_E_FORMAT,
		    "bad rule id (1 to %d characters of A-Z a-z 0-9 . _ -, "
		    "starting with a letter or digit)",
		    RED_ID_MAX));
	re = id + idlen;
	relen = n - idlen;
	while (relen > 0 && is_blank(*re)) {
		re++;
		relen--;
	}
	if (relen == 0)
		return (file_error(err, path, lineno, SR_E_FORMAT,
		    "rule '%.*s' has no regex", (int)idlen, id));
	if (relen > RED_RE_MAX)
		return (file_error(err, path, lineno, SR_E_LIMIT,
		    "regex of rule '%.*s' too long: %zu bytes, at most %d",
		    (int)idlen, id, relen, RED_RE_MAX));
	if (find_rule(r, id, idlen) != NULL)
		return (file_error(err, path, lineno, SR_E_FORMAT,
		    "rule id '%.*s' already used", (int)idlen, id));
	if (r->nrules >= RED_RULES_MAX)
		return (file_error(err, path, lineno, SR_E_LIMIT,
		    "too many rules (at most %d)", RED_RULES_MAX));

	memset(&ru, 0, sizeof(ru));
	ru.code = pcre2_compile((PCRE2_SPTR)re, relen,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C,
	    &ecode, &erroff, NULL);
	if (ru.code == NULL) {
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		return (file_error(err, path, lineno, SR_E_FORMAT,
		    "rule '%.*s': bad regex at offset %zu: %s", (int)idlen, id,
		    (size_t)erroff, (const char *)msg));
	}
	/* A rule that matches nothing at all would mask nothing anywhere. */
	if ((md = pcre2_match_data_create_from_pattern(ru.code, NULL)) ==
	    NULL) {
		pcre2_code_free(ru.code);
		return (nomem(err));
	}
	rc = pcre2_match(ru.code, (PCRE2_SPTR) "", 0, 0, 0, md, r->mctx);
	pcre2_match_data_free(md);
	if (rc >= 0) {
		pcre2_code_free(ru.code);
		return (file_error(err, path, lineno, SR_E_FORMAT,
		    "rule '%.*s': regex matches the empty string", (int)idlen,
		    id));
	}
	named =
	    pcre2_substring_number_from_name(ru.code, (PCRE2_SPTR) "secret");
	ru.group = named > 0 ? (uint32_t)named : 0;
	ru.jit = pcre2_jit_compile(ru.code, PCRE2_JIT_COMPLETE) == 0;
	if (pcre2_pattern_info(ru.code, PCRE2_INFO_CAPTURECOUNT, &cap) != 0)
		cap = 0;
	ru.id = sr_strndup(id, idlen);
	ru.description = NULL;
	if (ru.id != NULL) {
		struct sr_buf d;

		sr_buf_init(&d, SR_ERROR_PATH_MAX + 64);
		if (sr_buf_printf(&d, "%s, line %lld", path,
			(long long)lineno) == SR_E_NONE)
			ru.description = sr_buf_detach(&d, NULL);
		sr_buf_release(&d);
	}
	if (ru.id == NULL || ru.description == NULL ||
	    md_reserve(r, cap + 1) != 0 || add_rule(r, &ru) != 0) {
		free(ru.id);
		free(ru.description);
		pcre2_code_free(ru.code);
		return (nomem(err));
	}
	return (SR_OK);
}

int
sr_redact_add_file(struct sr_redact *r, const char *path, struct sr_error *err)
{
	FILE *fp;
	char *data;
	size_t len = 0, got, i, start;
	int64_t lineno = 0;
	int st = SR_OK;

	if ((fp = fopen(path, "r")) == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_IO, path, NULL,
		    "cannot open rule file: %s", strerror(errno)));
	if ((data = malloc(RED_FILE_MAX + 1)) == NULL) {
		fclose(fp);
		return (nomem(err));
	}
	while ((got = fread(data + len, 1, RED_FILE_MAX + 1 - len, fp)) > 0)
		len += got;
	if (ferror(fp)) {
		st = sr_error_set(err, SR_FAILED, SR_E_IO, path, NULL,
		    "cannot read rule file: %s", strerror(errno));
		goto out;
	}
	if (len > RED_FILE_MAX) {
		st = sr_error_set(err, SR_FAILED, SR_E_LIMIT, path, NULL,
		    "rule file too large (at most %d bytes)", RED_FILE_MAX);
		goto out;
	}
	/*
	 * A bad line stops here; the rules of the lines before it stay
	 * added, which only ever masks more.  Callers stop on the error.
	 */
	for (start = 0; start < len && st == SR_OK; start = i + 1) {
		lineno++;
		for (i = start; i < len && data[i] != '\n'; i++)
			if (data[i] == '\0') {
				st = file_error(err, path, lineno, SR_E_FORMAT,
				    "NUL byte in rule file");
				goto out;
			}
		if (i - start > RED_LINE_MAX) {
			st = file_error(err, path, lineno, SR_E_LIMIT,
			    "line too long (at most %d bytes)", RED_LINE_MAX);
			goto out;
		}
		st = parse_line(r, path, lineno, data + start, i - start, err);
	}
out:
	free(data);
	fclose(fp);
	return (st);
}

/* Redacting a line. */

static void
add_span(struct sr_redact *r, size_t so, size_t eo, const char *id)
{
	struct sr_span *l;

	if (eo <= so)
		return;
	if (r->ntmp < RED_SPANS) {
		r->tmp[r->ntmp].so = so;
		r->tmp[r->ntmp].eo = eo;
		r->tmp[r->ntmp].rule_id = id;
		r->ntmp++;
		return;
	}
	/* Too many: widen the last one (masks more, never less). */
	l = &r->tmp[RED_SPANS - 1];
	if (so < l->so)
		l->so = so;
	if (eo > l->eo)
		l->eo = eo;
}

static int
limit_error(const char *id, int rc, struct sr_error *err)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	return (sr_error_set(err, SR_FAILED,
	    rc == PCRE2_ERROR_NOMEMORY ? SR_E_NOMEM : SR_E_LIMIT, NULL, NULL,
	    "redaction rule '%s' failed on this line (%s): line masked", id,
	    (const char *)msg));
}

/*
 * Runs one compiled pattern over the line and adds its spans.  combined
 * selects the built-in pattern, whose rule comes from the mark.  0, or
 * the PCRE2 error code.
 */
static int
run_rule(struct sr_redact *r, pcre2_code *code, int jit, int combined,
    const struct rule *ru, const char *line, size_t len, const char **failed)
{
	PCRE2_SIZE *ov;
	PCRE2_SPTR mark;
	const struct rule *hit;
	size_t start = 0, so, eo, next;
	uint32_t g;
	int rc;

	ov = pcre2_get_ovector_pointer(r->md);
	while (start <= len) {
		if (jit)
			rc = pcre2_jit_match(code, (PCRE2_SPTR)line, len, start,
			    0, r->md, r->mctx);
		else
			rc = pcre2_match(code, (PCRE2_SPTR)line, len, start, 0,
			    r->md, r->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return (0);
		if (rc < 0) {
			*failed = ru != NULL ? ru->id : "built-in";
			return (rc);
		}
		hit = ru;
		if (combined) {
			unsigned long k = 0;

			mark = pcre2_get_mark(r->md);
			if (mark != NULL)
				k = strtoul((const char *)mark, NULL, 10);
			if (k >= nitems(builtins))
				k = 0;
			hit = &r->rules[k];
		}
		g = hit->group;
		so = ov[0];
		eo = ov[1];
		if (g != 0 && (uint32_t)rc > g && ov[2 * g] != PCRE2_UNSET) {
			so = ov[2 * g];
			eo = ov[2 * g + 1];
		}
		add_span(r, so, eo, hit->id);
		next = ov[1] > start ? ov[1] : start + 1;
		/* Past an empty match: to the next character (UTF rules). */
		while (!combined && next < len &&
		    ((unsigned char)line[next] & 0xc0) == 0x80)
			next++;
		start = next;
	}
	return (0);
}

static int
hexdigit(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

static int
tokchar(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
	    c == '_' || c == '-');
}

/*
 * log2(v) for v >= 1, without libm (the library does not link it): the
 * exponent, then the atanh series of the mantissa in [1, 2), good to
 * about 1e-6, which is plenty for an entropy threshold.
 */
static double
lg2(double v)
{
	double t, t2;
	int e = 0;

	while (v >= 2) {
		v /= 2;
		e++;
	}
	t = (v - 1) / (v + 1);
	t2 = t * t;
	return (e +
	    2 * t *
		(1 + t2 / 3 + t2 * t2 / 5 + t2 * t2 * t2 / 7 +
		    t2 * t2 * t2 * t2 / 9) /
		0.6931471805599453);
}

/* A key word in the RED_ENTROPY_NEAR bytes before p. */
static int
keyword_near(const char *line, size_t p)
{
	static const char *const words[] = { "key", "token", "secret", "pass",
		"auth", "credential" };
	size_t from = p > RED_ENTROPY_NEAR ? p - RED_ENTROPY_NEAR : 0;
	size_t i, j, w, wl;

	for (i = from; i < p; i++)
		for (w = 0; w < nitems(words); w++) {
			wl = strlen(words[w]);
			if (i + wl > p)
				continue;
			for (j = 0; j < wl; j++)
				if ((line[i + j] | 0x20) != words[w][j])
					break;
			if (j == wl)
				return (1);
		}
	return (0);
}

/* The high-entropy rule: see the comment at the top. */
static void
run_entropy(struct sr_redact *r, const char *line, size_t len)
{
	unsigned count[256];
	size_t i = 0, s, n, k, nhex, ndash;
	double h;

	while (i < len) {
		if (!tokchar((unsigned char)line[i])) {
			i++;
			continue;
		}
		s = i;
		nhex = ndash = 0;
		while (i < len && tokchar((unsigned char)line[i])) {
			nhex += hexdigit((unsigned char)line[i]);
			ndash += line[i] == '-';
			i++;
		}
		n = i - s;
		if (n < RED_ENTROPY_MIN)
			continue;
		/* Digests (git, sha256sum) and UUIDs. */
		if (nhex + ndash == n)
			continue;
		/* ${VAR} and {{ x }} templates. */
		if (s > 0 && (line[s - 1] == '{' || line[s - 1] == '$'))
			continue;
		if (!keyword_near(line, s))
			continue;
		memset(count, 0, sizeof(count));
		for (k = s; k < i; k++)
			count[(unsigned char)line[k]]++;
		/* H = log2(n) - sum(c log2 c) / n */
		h = 0;
		for (k = 0; k < 256; k++)
			if (count[k] > 1)
				h += (double)count[k] * lg2((double)count[k]);
		h = lg2((double)n) - h / (double)n;
		if (h > RED_ENTROPY_BITS)
			add_span(r, s, i, builtins[BI_HIGH_ENTROPY].id);
	}
}

/*
 * The prefilter: one pass over the line that finds whether any built-in
 * regex could match, so that most lines never reach PCRE2 (the combined
 * pattern starts on most letters, which makes it slow on text that holds
 * no secret at all).  Every built-in match holds one of these anchors
 * (a rule changed without its anchor here makes the positive cases of
 * tests/unit/test-redact.c fail):
 *
 *   =  :   with a key word right before it (after blanks and a quote):
 *          ...password, passwd, passphrase, pwd, secret, key, token,
 *          authorization (assignment, aws-secret-key, authorization)
 *   ://    (url-password)
 *   A      starting AKIA, ASIA, ABIA, ACCA, A3T (aws-access-key-id) or
 *          AIza (api-token)
 *   _      after ghX or github (github-token), sk, rk or npm (api-token)
 *   -      after glpat, gldt, ..., xoxX or xapp (gitlab, slack) or pypi
 *          (api-token); after a blank and before p, a or u, or starting
 *          a long option whose name ends in password, passwd, pass,
 *          token, secret, api-key, apikey or passphrase, or --user
 *          (password-flag)
 *   .      before ey (jwt) or between hooks and slack (slack-webhook)
 *   b B    starting "bearer" (authorization)
 *   blank  after password or passwd (netrc, password-flag)
 *   .      after SG (api-token)
 */
static const unsigned char trig[256] = {
	['='] = 1,
	[':'] = 1,
	['A'] = 1,
	['_'] = 1,
	['-'] = 1,
	['.'] = 1,
	['b'] = 1,
	['B'] = 1,
	[' '] = 1,
	['\t'] = 1,
};

struct word {
	const char *w; /* lower case */
	size_t n;
};
#define WORD(s)                                                                \
	{                                                                      \
		s, sizeof(s) - 1                                               \
	}

/* s[0..n) ends with w, compared without case (w holds no '_'). */
static inline int
ends_with(const char *s, size_t n, const char *w, size_t wl)
{
	size_t i;

	if (n < wl)
		return (0);
	for (i = 0; i < wl; i++)
		if ((s[n - wl + i] | 0x20) != w[i])
			return (0);
	return (1);
}
#define ENDS(s, n, w) ends_with(s, n, w, sizeof(w) - 1)

/* line[i..] starts with w, compared without case. */
static inline int
starts_with(const char *line, size_t len, size_t i, const char *w, size_t wl)
{
	size_t k;

	if (len - i < wl)
		return (0);
	for (k = 0; k < wl; k++)
		if ((line[i + k] | 0x20) != w[k])
			return (0);
	return (1);
}
#define STARTS(l, len, i, w) starts_with(l, len, i, w, sizeof(w) - 1)

/* The option name at line[i..] ends in a secret's name, or is "user". */
static int
long_option(const char *line, size_t len, size_t i)
{
	static const struct word opts[] = { WORD("password"), WORD("passwd"),
		WORD("pass"), WORD("token"), WORD("secret"), WORD("api-key"),
		WORD("apikey"), WORD("passphrase") };
	size_t e = i, k;

	while (e < len && e - i < 64 &&
	    (((line[e] | 0x20) >= 'a' && (line[e] | 0x20) <= 'z') ||
		line[e] == '-'))
		e++;
	if (e - i == 4 && STARTS(line, len, i, "user"))
		return (1);
	for (k = 0; k < nitems(opts); k++)
		if (ends_with(line + i, e - i, opts[k].w, opts[k].n))
			return (1);
	return (0);
}

static int
trigger_at(const char *line, size_t len, size_t i)
{
	static const struct word keys[] = { WORD("password"), WORD("passwd"),
		WORD("passphrase"), WORD("pwd"), WORD("secret"), WORD("key"),
		WORD("token"), WORD("authorization") };
	static const struct word gl[] = { WORD("glpat"), WORD("gldt"),
		WORD("glrt"), WORD("glptt"), WORD("glsoat"), WORD("glcbt"),
		WORD("glft"), WORD("glimt") };
	size_t j, k;
	char c = line[i], d;

	switch (c) {
	case '=':
	case ':':
		if (c == ':' && STARTS(line, len, i, "://"))
			return (1);
		j = i;
		/* \s of the regex: blank, tab, CR, LF, VT, FF. */
		for (k = 0; k < 8 && j > 0 &&
		     (line[j - 1] == ' ' ||
			 (line[j - 1] >= '\t' && line[j - 1] <= '\r'));
		     k++)
			j--;
		if (j > 0 && (line[j - 1] == '"' || line[j - 1] == '\''))
			j--;
		/* Every key word ends in d, e, t, y or n. */
		if (j == 0 || strchr("detyn", line[j - 1] | 0x20) == NULL)
			return (0);
		for (k = 0; k < nitems(keys); k++)
			if (ends_with(line, j, keys[k].w, keys[k].n))
				return (1);
		return (0);
	case 'A':
		return (STARTS(line, len, i, "akia") ||
		    STARTS(line, len, i, "aiza") ||
		    STARTS(line, len, i, "asia") ||
		    STARTS(line, len, i, "abia") ||
		    STARTS(line, len, i, "acca") ||
		    (i + 2 < len && line[i + 1] == '3' && line[i + 2] == 'T'));
	case '_':
		if (i >= 3 && line[i - 3] == 'g' && line[i - 2] == 'h' &&
		    strchr("pousr", line[i - 1]) != NULL)
			return (1);
		return (ENDS(line, i, "github") || ENDS(line, i, "sk") ||
		    ENDS(line, i, "rk") || ENDS(line, i, "npm"));
	case '-':
		if (i + 1 < len) {
			d = line[i + 1];
			/* " -p", " -a", " -u": short options after a blank. */
			if ((d == 'p' || d == 'a' || d == 'u') && i > 0 &&
			    (line[i - 1] == ' ' || line[i - 1] == '\t'))
				return (1);
			/* A long option named for a secret, or --user. */
			if (d == '-')
				return (long_option(line, len, i + 2));
		}
		/* xoxa- xoxb- ... */
		if (i >= 4 && line[i - 4] == 'x' && line[i - 3] == 'o' &&
		    line[i - 2] == 'x')
			return (1);
		if (i == 0)
			return (0);
		switch (line[i - 1] | 0x20) {
		case 't':
			for (k = 0; k < nitems(gl); k++)
				if (ends_with(line, i, gl[k].w, gl[k].n))
					return (1);
			return (0);
		case 's':
			return (ENDS(line, i, "gloas"));
		case 'p':
			return (ENDS(line, i, "xapp"));
		case 'i':
			return (ENDS(line, i, "pypi"));
		}
		return (0);
	case '.':
		if (i >= 2 && line[i - 2] == 'S' && line[i - 1] == 'G')
			return (1);
		return (
		    (i + 2 < len && line[i + 1] == 'e' && line[i + 2] == 'y') ||
		    (ENDS(line, i, "hooks") &&
			STARTS(line, len, i, ".slack.")));
	case 'b':
	case 'B':
		return (STARTS(line, len, i, "bearer"));
	case ' ':
	case '\t':
		/* netrc: "login U password X" */
		return (i >= 6 && (line[i - 1] | 0x20) == 'd' &&
		    (ENDS(line, i, "password") || ENDS(line, i, "passwd")));
	}
	return (0);
}

static int
may_match(const char *line, size_t len)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i;

	for (i = 0; i < len; i++)
		if (trig[p[i]] && trigger_at(line, len, i))
			return (1);
	return (0);
}

/*
 * "-----BEGIN X PRIVATE KEY-----" markers: sets the spans of the key
 * bodies that start on this line and the state for the lines after.
 * From is where to look (after an END that closed a block).
 */
static void
find_keys(struct sr_redact *r, const char *line, size_t len, size_t from)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----",
			  endm[] = "-----END ";
	const char *id = builtins[BI_PRIVATE_KEY].id;
	const char *p, *lab, *q, *e;
	size_t pos = from, lablen, body;

	while (pos < len &&
	    (p = memmem(line + pos, len - pos, begin, sizeof(begin) - 1)) !=
		NULL) {
		lab = p + sizeof(begin) - 1;
		q = memmem(lab,
		    (size_t)(line + len - lab) > 80
			? 80
			: (size_t)(line + len - lab),
		    dashes, sizeof(dashes) - 1);
		pos = (size_t)(lab - line);
		if (q == NULL)
			continue;
		lablen = (size_t)(q - lab);
		if (!((lablen >= 11 &&
			  memcmp(q - 11, "PRIVATE KEY", 11) == 0) ||
			(lablen >= 17 &&
			    memcmp(q - 17, "PRIVATE KEY BLOCK", 17) == 0)))
			continue;
		body = (size_t)(q - line) + sizeof(dashes) - 1;
		e = memmem(line + body, len - body, endm, sizeof(endm) - 1);
		if (e == NULL) {
			add_span(r, body, len, id);
			r->in_key = 1;
			r->key_lines = 0;
			return;
		}
		add_span(r, body, (size_t)(e - line), id);
		pos = (size_t)(e - line) + sizeof(endm) - 1;
	}
}

static int
span_cmp(const void *a, const void *b)
{
	const struct sr_span *x = a, *y = b;

	if (x->so != y->so)
		return (x->so < y->so ? -1 : 1);
	return (x->eo > y->eo ? -1 : x->eo < y->eo);
}

int
sr_redact_line(struct sr_redact *r, const char *line, size_t len,
    struct sr_span *spans, size_t max, size_t *n, struct sr_error *err)
{
	static const char endm[] = "-----END ";
	const char *failed = NULL, *e;
	size_t i, k, from = 0;
	int rc;

	*n = 0;
	r->ntmp = 0;
	if (r->in_key) {
		e = memmem(line, len, endm, sizeof(endm) - 1);
		if (e == NULL) {
			if (++r->key_lines >= RED_KEY_LINES)
				r->in_key = 0;
			if (len > 0) {
				if (max == 0)
					goto misuse;
				spans[0].so = 0;
				spans[0].eo = len;
				spans[0].rule_id = builtins[BI_PRIVATE_KEY].id;
				*n = 1;
			}
			return (SR_OK);
		}
		add_span(r, 0, (size_t)(e - line), builtins[BI_PRIVATE_KEY].id);
		r->in_key = 0;
		from = (size_t)(e - line) + sizeof(endm) - 1;
	}
	find_keys(r, line, len, from);

	rc = 0;
	if (may_match(line, len))
		rc = run_rule(r, r->combined, r->cjit, 1, NULL, line, len,
		    &failed);
	for (i = nitems(builtins); rc == 0 && i < r->nrules; i++)
		rc = run_rule(r, r->rules[i].code, r->rules[i].jit, 0,
		    &r->rules[i], line, len, &failed);
	if (rc != 0) {
		/* Fail closed: the whole line is the secret. */
		if (max > 0 && len > 0) {
			spans[0].so = 0;
			spans[0].eo = len;
			spans[0].rule_id = "redact-limit";
			*n = 1;
		}
		return (limit_error(failed, rc, err));
	}
	if (r->entropy_on)
		run_entropy(r, line, len);
	if (r->ntmp == 0)
		return (SR_OK);
	if (max == 0)
		goto misuse;

	if (r->ntmp > 1)
		qsort(r->tmp, r->ntmp, sizeof(r->tmp[0]), span_cmp);
	/* Merge overlapping and touching spans; the first keeps its id. */
	k = 0;
	for (i = 1; i < r->ntmp; i++) {
		if (r->tmp[i].so <= r->tmp[k].eo) {
			if (r->tmp[i].eo > r->tmp[k].eo)
				r->tmp[k].eo = r->tmp[i].eo;
		} else
			r->tmp[++k] = r->tmp[i];
	}
	r->ntmp = k + 1;
	for (i = 0; i < r->ntmp; i++) {
		if (i < max)
			spans[i] = r->tmp[i];
		else if (r->tmp[i].eo > spans[max - 1].eo)
			spans[max - 1].eo = r->tmp[i].eo;
	}
	*n = r->ntmp < max ? r->ntmp : max;
	return (SR_OK);

misuse:
	/* No room to report a secret: say so rather than leak it. */
	return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
	    "no room for redaction spans"));
}

int
sr_redact_apply(const char *line, size_t len, const struct sr_span *spans,
    size_t n, struct sr_buf *out)
{
	size_t i, pos = 0, so, eo;
	int e = SR_E_NONE;

	for (i = 0; i < n && e == SR_E_NONE; i++) {
		so = spans[i].so;
		eo = spans[i].eo;
		/* Defensive: never read past the line, never go back. */
		if (so < pos)
			so = pos;
		if (eo > len)
			eo = len;
		if (so >= eo)
			continue;
		e = sr_buf_append(out, line + pos, so - pos);
		if (e == SR_E_NONE)
			e = sr_buf_printf(out, "[REDACTED:%s]",
			    spans[i].rule_id != NULL ? spans[i].rule_id : "?");
		pos = eo;
	}
	if (e == SR_E_NONE && pos < len)
		e = sr_buf_append(out, line + pos, len - pos);
	return (e);
}
