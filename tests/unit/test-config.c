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
 * Tests of the configuration reader (lib/config.c): values, comments,
 * white space, repeated keys, errors with line numbers, and the rule
 * that a file counts only when root (or a trusted euid) owns it and
 * nobody else may write it.  Sections ("[user NAME]", "[group NAME]",
 * "[global]") and sr_config_get_for() are driven by a second table;
 * every error is checked to name the file and, for a bad line, the line.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

struct kv {
	const char *key, *value;
	int line;
};

static const struct {
	const char *name;
	const char *text;
	int status;
	int err_line;
	struct kv want[6];
} cases[] = {
	{ "values and comments",
	    "# comment\n\nsources = /a:/b\n  key=/etc/sessrec/host.key  \n"
	    "\tticket_regex = ^CHG-[0-9]+$\n",
	    SR_OK, 0,
	    { { "sources", "/a:/b", 3 }, { "key", "/etc/sessrec/host.key", 4 },
		{ "ticket_regex", "^CHG-[0-9]+$", 5 }, { NULL, NULL, 0 } } },
	{ "the last setting wins", "a = 1\nb = x\na = 2\n", SR_OK, 0,
	    { { "a", "2", 3 }, { "b", "x", 2 }, { NULL, NULL, 0 } } },
	{ "value with '=' and CRLF", "regex = a=b\r\nempty =\n", SR_OK, 0,
	    { { "regex", "a=b", 1 }, { "empty", "", 2 }, { NULL, NULL, 0 } } },
	{ "missing '=' names the line", "a = 1\nnonsense line\n", SR_FAILED, 2,
	    { { NULL, NULL, 0 } } },
	{ NULL, NULL, 0, 0, { { NULL, NULL, 0 } } },
};

static void
write_cfg_n(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
write_cfg(const char *path, const char *text, mode_t mode)
{
	write_cfg_n(path, text, strlen(text), mode);
}

/*
 * err names path, as sr_error_format() prints it, and line: "'path':
 * line N: msg", or "'path': msg" with no line at all when line is 0.
 */
static void
check_err_names(const char *what, const struct sr_error *err, const char *path,
    int line)
{
	char buf[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + 128], want[2048];

	if (strcmp(err->path, path) != 0)
		fail_msg("%s: error names '%s', want '%s'", what, err->path,
		    path);
	if (line > 0 && err->loc.line != line)
		fail_msg("%s: error on line %lld, want %d", what,
		    (long long)err->loc.line, line);
	if (line == 0 && err->loc.line != -1)
		fail_msg("%s: error on line %lld, want none", what,
		    (long long)err->loc.line);
	if (line > 0)
		(void)snprintf(want, sizeof(want), "'%s': line %d: ", path,
		    line);
	else
		(void)snprintf(want, sizeof(want), "'%s': ", path);
	(void)sr_error_format(err, buf, sizeof(buf));
	if (strncmp(buf, want, strlen(want)) != 0 ||
	    strlen(buf) == strlen(want))
		fail_msg("%s: message '%s' does not start '%s'", what, buf,
		    want);
}

static void
test_cases(void **state)
{
	char path[] = "/tmp/test-config-XXXXXX";
	size_t i, j;

	(void)state;
	close(mkstemp(path));
	for (i = 0; cases[i].name != NULL; i++) {
		struct sr_config *c;
		struct sr_error err;
		int st;

		write_cfg(path, cases[i].text, 0644);
		sr_error_clear(&err);
		st = sr_config_load(path, SR_DEFAULTS_TRUST_USER, &c, &err);
		if (st != cases[i].status)
			fail_msg("%s: status %d, want %d (%s)", cases[i].name,
			    st, cases[i].status, err.msg);
		if (cases[i].err_line != 0 && err.loc.line != cases[i].err_line)
			fail_msg("%s: error line %lld", cases[i].name,
			    (long long)err.loc.line);
		if (st != SR_OK)
			check_err_names(cases[i].name, &err, path,
			    cases[i].err_line);
		for (j = 0; cases[i].want[j].key != NULL; j++) {
			const struct kv *w = &cases[i].want[j];
			const char *v = sr_config_get(c, w->key);

			if (v == NULL || strcmp(v, w->value) != 0)
				fail_msg("%s: %s = '%s', want '%s'",
				    cases[i].name, w->key, v ? v : "(null)",
				    w->value);
			if (sr_config_line(c, w->key) != w->line)
				fail_msg("%s: %s on line %d, want %d",
				    cases[i].name, w->key,
				    sr_config_line(c, w->key), w->line);
		}
		assert_null(sr_config_get(c, "nosuchkey"));
		assert_int_equal(sr_config_line(c, "nosuchkey"), 0);
		sr_config_free(c);
	}
	unlink(path);
}

static void
test_entries_in_order(void **state)
{
	char path[] = "/tmp/test-config-XXXXXX";
	struct sr_config *c;
	struct sr_error err;
	const char *k, *v;

	(void)state;
	close(mkstemp(path));
	write_cfg(path, "source = /a\nsource = /b\nsources = /c:/d\n", 0600);
	assert_int_equal(sr_config_load(path, SR_DEFAULTS_TRUST_USER, &c, &err),
	    SR_OK);
	assert_int_equal(sr_config_entry(c, 0, &k, &v), 0);
	assert_string_equal(v, "/a");
	assert_int_equal(sr_config_entry(c, 1, &k, &v), 0);
	assert_string_equal(v, "/b");
	assert_int_equal(sr_config_entry(c, 2, &k, &v), 0);
	assert_string_equal(k, "sources");
	assert_int_equal(sr_config_entry(c, 3, &k, &v), -1);
	sr_config_free(c);
	unlink(path);
}

/* Who may write the file decides whether it counts. */
static void
test_trust(void **state)
{
	char path[] = "/tmp/test-config-XXXXXX";
	struct sr_config *c;
	struct sr_error err;

	(void)state;
	close(mkstemp(path));
	/* Writable by the group: ignored, with a warning, empty config. */
	write_cfg(path, "key = /tmp/evil\n", 0664);
	assert_int_equal(sr_config_load(path, SR_DEFAULTS_TRUST_USER, &c, &err),
	    SR_WARN);
	assert_non_null(strstr(err.msg, "ignored"));
	assert_null(sr_config_get(c, "key"));
	sr_config_free(c);
	/* Owned by the euid: counts only when the caller trusts the user. */
	write_cfg(path, "key = /tmp/mine\n", 0644);
	if (geteuid() != 0) {
		assert_int_equal(sr_config_load(path, 0, &c, &err), SR_WARN);
		assert_null(sr_config_get(c, "key"));
		sr_config_free(c);
	} else {
		/* As root: a file owned by someone else never counts. */
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(sr_config_load(path, SR_DEFAULTS_TRUST_USER,
				     &c, &err),
		    SR_WARN);
		assert_null(sr_config_get(c, "key"));
		sr_config_free(c);
		assert_int_equal(chown(path, 0, 0), 0);
		assert_int_equal(sr_config_load(path, 0, &c, &err), SR_OK);
		assert_string_equal(sr_config_get(c, "key"), "/tmp/mine");
		sr_config_free(c);
	}
	/* A missing file is an empty config, not an error. */
	unlink(path);
	assert_int_equal(sr_config_load(path, 0, &c, &err), SR_OK);
	assert_null(sr_config_get(c, "key"));
	sr_config_free(c);
	/* A directory is not a config file. */
	assert_int_equal(sr_config_load("/tmp", 0, &c, &err), SR_WARN);
	sr_config_free(c);
}

/*
 * Sections.  Each want is one sr_config_get_for() call: key, user
 * (NULL: none), the caller's groups (NULL-terminated) and the value
 * (NULL: unset) and line (0: unset) it must give.
 */
struct get_for {
	const char *key;
	const char *user;
	const char *groups[4];
	const char *value;
	int line;
};

struct sec_case {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
	int status;
	enum sr_errcat cat; /* when status is not SR_OK */
	int err_line;	    /* 0: the error names no line */
	struct get_for want[12];
};

#define NO_GROUPS                                                              \
	{                                                                      \
		NULL                                                           \
	}

/* Header errors: SR_FAILED, SR_E_FORMAT, on the header's line. */
#define BAD_HEADER(nm, txt, ln)                                                \
	{                                                                      \
		.name = (nm), .text = (txt), .status = SR_FAILED,              \
		.cat = SR_E_FORMAT, .err_line = (ln)                           \
	}

static const struct sec_case sec_cases[] = {
	{ .name = "user beats group beats global",
	    .text = "k = global\n"	  /* 1 */
		    "[group ops]\n"	  /* 2 */
		    "k = group\n"	  /* 3 */
		    "grp_only = ops\n"	  /* 4 */
		    "[user alice]\n"	  /* 5 */
		    "k = alice\n"	  /* 6 */
		    "user_only = alice\n" /* 7 */
		    "[global]\n"	  /* 8 */
		    "after = yes\n",	  /* 9 */
	    .status = SR_OK,
	    .want = {
		{ "k", "alice", { "ops", NULL }, "alice", 6 },
		{ "k", "alice", NO_GROUPS, "alice", 6 },
		{ "k", "bob", { "ops", NULL }, "group", 3 },
		{ "k", "bob", NO_GROUPS, "global", 1 },
		{ "k", NULL, { "ops", NULL }, "group", 3 },
		{ "k", NULL, NO_GROUPS, "global", 1 },
		/* Only in a section: no leak to others or to globals. */
		{ "user_only", "bob", { "ops", NULL }, NULL, 0 },
		{ "user_only", NULL, NO_GROUPS, NULL, 0 },
		{ "grp_only", "alice", NO_GROUPS, NULL, 0 },
		{ "grp_only", "bob", { "wheel", "ops", NULL }, "ops", 4 },
		/* "[global]" goes back to the settings for everyone. */
		{ "after", "alice", { "ops", NULL }, "yes", 9 },
		{ "after", NULL, NO_GROUPS, "yes", 9 },
	    } },
	{ .name = "a user section beats a group section wherever it is",
	    .text = "[user alice]\nk = alice\n[group ops]\nk = ops\n",
	    .status = SR_OK,
	    .want = {
		{ "k", "alice", { "ops", NULL }, "alice", 2 },
		{ "k", "bob", { "ops", NULL }, "ops", 4 },
		{ "k", "bob", NO_GROUPS, NULL, 0 },
		{ "k", NULL, NO_GROUPS, NULL, 0 },
	    } },
	{ .name = "file order, not the caller's, decides between groups",
	    .text = "[group b]\nk = from-b\n"
		    "[group a]\nk = from-a\nj = from-a\n",
	    .status = SR_OK,
	    .want = {
		{ "k", "x", { "a", "b", NULL }, "from-b", 2 },
		{ "k", "x", { "a", NULL }, "from-a", 4 },
		/* The first group section that sets the key. */
		{ "j", "x", { "b", "a", NULL }, "from-a", 5 },
		{ "k", "x", { "c", NULL }, NULL, 0 },
	    } },
	{ .name = "names match exactly, users and groups apart",
	    .text = "[user Alice]\nk = Alice\n"
		    "[user root]\nu = user-root\n"
		    "[group wheel]\ng = group-wheel\n",
	    .status = SR_OK,
	    .want = {
		{ "k", "Alice", NO_GROUPS, "Alice", 2 },
		{ "k", "alice", NO_GROUPS, NULL, 0 },
		{ "k", "Alic", NO_GROUPS, NULL, 0 },
		{ "k", "x", { "Alice", NULL }, NULL, 0 },
		{ "u", "x", { "root", NULL }, NULL, 0 },
		{ "u", "root", NO_GROUPS, "user-root", 4 },
		{ "g", "wheel", NO_GROUPS, NULL, 0 },
		{ "g", "x", { "wheel", NULL }, "group-wheel", 6 },
		{ "g", "x", { "whee", "wheel2", NULL }, NULL, 0 },
	    } },
	/*
	 * Repeated keys: the last value counts, for the global settings,
	 * a user and a group (over all its sections); between two groups,
	 * the one that sets the key first in the file.
	 */
	{ .name = "duplicate keys",
	    .text = "k = 1\nk = 2\n"		    /* 1-2 */
		    "[group g]\nk = 3\nk = 4\n" /* 3-5 */
		    "[group g]\nk = 5\n"	    /* 6-7 */
		    "[user u]\nk = 6\n"	    /* 8-9 */
		    "[user u]\nk = 7\n"	    /* 10-11 */
		    "[global]\nk = 8\n",	    /* 12-13 */
	    .status = SR_OK,
	    .want = {
		{ "k", NULL, NO_GROUPS, "8", 13 },
		{ "k", "u", NO_GROUPS, "7", 11 },
		{ "k", "u", { "g", NULL }, "7", 11 },
		{ "k", "x", { "g", NULL }, "5", 7 },
	    } },
	{ .name = "blanks in headers",
	    .text = "  [ user\talice ]  \nk = a\n"
		    "[group   ops]\t\nk = o\n"
		    "\t[ global ]\nk = g\n",
	    .status = SR_OK,
	    .want = {
		{ "k", "alice", NO_GROUPS, "a", 2 },
		{ "k", "x", { "ops", NULL }, "o", 4 },
		{ "k", NULL, NO_GROUPS, "g", 6 },
	    } },
	{ .name = "a 255-byte name",
	    .text = "[user "
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuu]\nk = long\n",
	    .status = SR_OK,
	    .want = {
		{ "k",
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
		    "uuuuuuuuuuuuuuuuuuu",
		    NO_GROUPS, "long", 2 },
		{ "k", NULL, NO_GROUPS, NULL, 0 },
	    } },
	{ .name = "comments and blank lines inside sections",
	    .text = "[user u]\n# [global]\n\n\t# k = no\n"
		    "k = 1 # not a comment\n",
	    .status = SR_OK,
	    .want = {
		{ "k", "u", NO_GROUPS, "1 # not a comment", 5 },
		{ "k", NULL, NO_GROUPS, NULL, 0 },
	    } },
	{ .name = "keys and values with blanks",
	    .text = "my key = my  value\n\t key \t=\t value \t\n"
		    "k = a = b\nempty =\n",
	    .status = SR_OK,
	    .want = {
		{ "my key", NULL, NO_GROUPS, "my  value", 1 },
		{ "key", NULL, NO_GROUPS, "value", 2 },
		{ "k", NULL, NO_GROUPS, "a = b", 3 },
		{ "empty", NULL, NO_GROUPS, "", 4 },
		{ "my", NULL, NO_GROUPS, NULL, 0 },
	    } },
	{ .name = "an empty key",
	    .text = "a = 1\n \t= v\n",
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 2,
	    .want = { { "a", NULL, NO_GROUPS, "1", 1 },
		{ "", NULL, NO_GROUPS, NULL, 0 } } },
	{ .name = "CRLF",
	    .text = "a = 1\r\n[user u]\r\nb = 2\r\n\r\n[global]\r\n"
		    "c = 3\r\r\n",
	    .status = SR_OK,
	    .want = {
		{ "a", NULL, NO_GROUPS, "1", 1 },
		{ "b", "u", NO_GROUPS, "2", 3 },
		{ "b", NULL, NO_GROUPS, NULL, 0 },
		{ "c", "u", NO_GROUPS, "3", 6 },
	    } },
	/* Only a CR that ends the line goes, and it goes before blanks. */
	{ .name = "CR inside a line",
	    .text = "a = 1\rb = 2\nc = x \r\nd = y\r \n",
	    .status = SR_OK,
	    .want = {
		{ "a", NULL, NO_GROUPS, "1\rb = 2", 1 },
		{ "b", NULL, NO_GROUPS, NULL, 0 },
		{ "c", NULL, NO_GROUPS, "x", 2 },
		{ "d", NULL, NO_GROUPS, "y\r", 3 },
	    } },
	{ .name = "no newline at the end",
	    .text = "[user u]\na = 1",
	    .status = SR_OK,
	    .want = { { "a", "u", NO_GROUPS, "1", 2 } } },
	/* A NUL byte is an error, never a silent end of the line. */
	{ .name = "NUL in a value",
	    .text = "b = 2\na = 1\0hidden\nc = 3\n",
	    .len = 25,
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 2,
	    .want = {
		{ "b", NULL, NO_GROUPS, "2", 1 },
		{ "a", NULL, NO_GROUPS, NULL, 0 },
		{ "c", NULL, NO_GROUPS, NULL, 0 },
	    } },
	{ .name = "a line that starts with NUL",
	    .text = "b = 2\n\0junk without equals\nc = 3\n",
	    .len = 33,
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 2,
	    .want = { { "b", NULL, NO_GROUPS, "2", 1 } } },
	{ .name = "NUL in a key",
	    .text = "a = 1\nx\0 = 1\n",
	    .len = 14,
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 2 },
	{ .name = "NUL in a header",
	    .text = "a = 1\n[user a\0]\nk = 1\n",
	    .len = 22,
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 2 },
	/*
	 * A bad line stops the reading: the settings before it stay in
	 * the config, the ones after it are not read.
	 */
	{ .name = "an unknown section kind",
	    .text = "a = 1\n\n[host alice]\nb = 2\n",
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 3,
	    .want = {
		{ "a", NULL, NO_GROUPS, "1", 1 },
		{ "b", NULL, NO_GROUPS, NULL, 0 },
		{ "b", "alice", NO_GROUPS, NULL, 0 },
	    } },
	{ .name = "a line without '=' in a section",
	    .text = "[user u]\na = 1\nnonsense\n",
	    .status = SR_FAILED,
	    .cat = SR_E_FORMAT,
	    .err_line = 3,
	    .want = { { "a", "u", NO_GROUPS, "1", 2 } } },
	BAD_HEADER("an empty user name", "a = 1\n[user]\n", 2),
	BAD_HEADER("a blank user name", "[user ]\n", 1),
	BAD_HEADER("a blank group name", "[group \t]\n", 1),
	BAD_HEADER("no kind", "[]\n", 1),
	BAD_HEADER("a name and no kind", "[alice]\n", 1),
	BAD_HEADER("a lone '['", "[\n", 1),
	BAD_HEADER("kinds are lower case", "[User alice]\n", 1),
	BAD_HEADER("a longer kind", "[users alice]\n", 1),
	BAD_HEADER("[global NAME]", "[global x]\n", 1),
	BAD_HEADER("no closing ']'", "[user alice\nk = 1\n", 1),
	BAD_HEADER("a comment after the header", "[user alice] # admins\n",
	    1),
	BAD_HEADER("a blank in the name", "[user al ice]\n", 1),
	BAD_HEADER("']' in the name", "[user a]]\n", 1),
	BAD_HEADER("'[' in the name", "[[user a]\n", 1),
	BAD_HEADER("a 256-byte name",
	    "[group "
	    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
	    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
	    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
	    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"
	    "gggggggggggggggggggg]\n",
	    1),
	{ .name = NULL },
};

static void
check_case(const char *path, const struct sec_case *tc)
{
	struct sr_config *c = NULL;
	struct sr_error err;
	const struct get_for *w;
	const char *v, *g;
	size_t j, n;
	int st, line;

	write_cfg_n(path, tc->text, tc->len ? tc->len : strlen(tc->text), 0644);
	sr_error_clear(&err);
	st = sr_config_load(path, SR_DEFAULTS_TRUST_USER, &c, &err);
	if (st != tc->status)
		fail_msg("%s: status %d, want %d (%s)", tc->name, st,
		    tc->status, err.msg);
	assert_non_null(c);
	if (st == SR_OK && (err.cat != SR_E_NONE || err.msg[0] != '\0'))
		fail_msg("%s: SR_OK with an error: %s", tc->name, err.msg);
	if (st != SR_OK) {
		if (err.cat != tc->cat)
			fail_msg("%s: error category %d, want %d (%s)",
			    tc->name, (int)err.cat, (int)tc->cat, err.msg);
		check_err_names(tc->name, &err, path, tc->err_line);
	}
	for (j = 0; j < sizeof(tc->want) / sizeof(tc->want[0]); j++) {
		w = &tc->want[j];
		if (w->key == NULL)
			break;
		for (n = 0; w->groups[n] != NULL; n++)
			;
		line = -1;
		v = sr_config_get_for(c, w->key, w->user, w->groups, n, &line);
		if ((v == NULL) != (w->value == NULL) ||
		    (v != NULL && strcmp(v, w->value) != 0))
			fail_msg("%s: '%s' for %s (%zu groups) is '%s', "
				 "want '%s'",
			    tc->name, w->key, w->user ? w->user : "nobody", n,
			    v ? v : "(unset)", w->value ? w->value : "(unset)");
		if (line != w->line)
			fail_msg("%s: '%s' for %s from line %d, want %d",
			    tc->name, w->key, w->user ? w->user : "nobody",
			    line, w->line);
		/* Without user or groups: the global value. */
		if (w->user == NULL && n == 0) {
			g = sr_config_get(c, w->key);
			if (g != v || sr_config_line(c, w->key) != line)
				fail_msg("%s: '%s': sr_config_get() and "
					 "sr_config_get_for() disagree",
				    tc->name, w->key);
		}
	}
	sr_config_free(c);
}

static void
test_sections(void **state)
{
	char path[] = "/tmp/test-config-XXXXXX";
	size_t i;

	(void)state;
	close(mkstemp(path));
	for (i = 0; sec_cases[i].name != NULL; i++)
		check_case(path, &sec_cases[i]);
	unlink(path);
}

/* Section settings are listed apart, in file order, with their lines. */
static void
test_scoped_entries(void **state)
{
	char path[] = "/tmp/test-config-XXXXXX";
	struct sr_config *c;
	struct sr_error err;
	const char *k, *v;
	int line;

	(void)state;
	close(mkstemp(path));
	write_cfg(path,
	    "g = 0\n[user u]\na = 1\n[group x]\nb = 2\n[global]\nh = 3\n",
	    0644);
	sr_error_clear(&err);
	assert_int_equal(sr_config_load(path, SR_DEFAULTS_TRUST_USER, &c, &err),
	    SR_OK);
	assert_int_equal(sr_config_scoped_entry(c, 0, &k, &v, &line), 0);
	assert_string_equal(k, "a");
	assert_string_equal(v, "1");
	assert_int_equal(line, 3);
	assert_int_equal(sr_config_scoped_entry(c, 1, &k, &v, &line), 0);
	assert_string_equal(k, "b");
	assert_int_equal(line, 5);
	assert_int_equal(sr_config_scoped_entry(c, 2, &k, &v, &line), -1);
	assert_int_equal(sr_config_entry(c, 0, &k, &v), 0);
	assert_string_equal(k, "g");
	assert_int_equal(sr_config_entry(c, 1, &k, &v), 0);
	assert_string_equal(k, "h");
	assert_int_equal(sr_config_entry(c, 2, &k, &v), -1);
	sr_config_free(c);
	assert_int_equal(sr_config_scoped_entry(NULL, 0, &k, &v, &line), -1);
	assert_null(sr_config_get_for(NULL, "a", "u", NULL, 0, &line));
	assert_int_equal(line, 0);
	unlink(path);
}

/*
 * before, then a line of n bytes, "k = xxx...", then end (the newline,
 * or "" for none).  *value points at the value in it.
 */
static char *
long_line(const char *before, size_t n, const char *end, char **value)
{
	size_t bl = strlen(before), el = strlen(end);
	char *t = malloc(bl + n + el + 1);

	assert_non_null(t);
	memcpy(t, before, bl);
	memcpy(t + bl, "k = ", 4);
	memset(t + bl + 4, 'x', n - 4);
	t[bl + n] = '\0';
	if ((*value = strdup(t + bl + 4)) == NULL)
		fail();
	memcpy(t + bl + n, end, el + 1);
	return (t);
}

/*
 * At most 4096 lines of at most 4096 bytes, not counting the LF or CRLF
 * that ends them.
 */
static void
test_limits(void **state)
{
	static const struct {
		const char *name, *before;
		size_t n;
		const char *end;
		int status, err_line;
	} lim[] = {
		{ "4095 bytes and LF", "a = 1\n", 4095, "\n", SR_OK, 0 },
		{ "4096 bytes and CRLF", "a = 1\n", 4096, "\r\n", SR_OK, 0 },
		{ "4096 bytes, no newline at the end", "a = 1\n", 4096, "",
		    SR_OK, 0 },
		{ "4096 bytes and LF", "a = 1\n", 4096, "\n", SR_OK, 0 },
		{ "4097 bytes and LF", "a = 1\n", 4097, "\n", SR_FAILED, 2 },
		{ "4097 bytes and CRLF", "a = 1\n", 4097, "\r\n", SR_FAILED,
		    2 },
		{ "4097 bytes, no newline at the end", "a = 1\n", 4097, "",
		    SR_FAILED, 2 },
		{ "a line of 64 KiB in a section", "a = 1\n[user u]\n", 65536,
		    "\n", SR_FAILED, 3 },
		{ NULL, NULL, 0, NULL, 0, 0 },
	};
	char path[] = "/tmp/test-config-XXXXXX";
	struct sec_case tc;
	char *t, *value;
	size_t i, off;

	(void)state;
	close(mkstemp(path));
	for (i = 0; lim[i].name != NULL; i++) {
		memset(&tc, 0, sizeof(tc));
		tc.name = lim[i].name;
		tc.text = t =
		    long_line(lim[i].before, lim[i].n, lim[i].end, &value);
		tc.status = lim[i].status;
		tc.cat = SR_E_LIMIT;
		tc.err_line = lim[i].err_line;
		/* What came before the long line stays. */
		tc.want[0] = (struct get_for){ "a", NULL, { NULL }, "1", 1 };
		tc.want[1] = (struct get_for){ "k", "u", { NULL },
			lim[i].status == SR_OK ? value : NULL,
			lim[i].status == SR_OK ? 2 : 0 };
		check_case(path, &tc);
		free(value);
		free(t);
	}

	/* 4096 lines count; line 4097 is one too many, even a comment. */
	t = malloc(4 + 4096 * 2 + 1);
	assert_non_null(t);
	memcpy(t, "a=1\n", 4);
	for (off = 4, i = 1; i < 4096; i++, off += 2)
		memcpy(t + off, "#\n", 2);
	t[off] = '\0';
	memset(&tc, 0, sizeof(tc));
	tc.name = "4096 lines";
	tc.text = t;
	tc.status = SR_OK;
	tc.want[0] = (struct get_for){ "a", NULL, { NULL }, "1", 1 };
	check_case(path, &tc);
	memcpy(t + off, "#\n", 3);
	tc.name = "4097 lines";
	tc.status = SR_FAILED;
	tc.cat = SR_E_LIMIT;
	tc.err_line = 4097;
	check_case(path, &tc);
	free(t);
	unlink(path);
}

/* A missing file and a directory, with and without the secure path. */
static void
test_not_a_file(void **state)
{
	static const unsigned flags[] = { 0, SR_DEFAULTS_TRUST_USER,
		SR_CONFIG_SECURE_PATH };
	char dir[] = "/tmp/test-config-dir-XXXXXX", missing[64];
	struct sr_config *c;
	struct sr_error err;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	(void)snprintf(missing, sizeof(missing), "%s/none.conf", dir);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		/*
		 * Missing: an empty config, SR_OK, as documented; but not
		 * under a directory others may write (here /tmp), where it
		 * could have been removed.
		 */
		sr_error_clear(&err);
		c = NULL;
		if (flags[i] == SR_CONFIG_SECURE_PATH) {
			assert_int_equal(sr_config_load(missing, flags[i], &c,
					     &err),
			    SR_WARN);
			check_err_names("missing, secure", &err, missing, 0);
			assert_non_null(strstr(err.msg, "'/tmp'"));
		} else {
			assert_int_equal(sr_config_load(missing, flags[i], &c,
					     &err),
			    SR_OK);
			assert_int_equal(err.cat, SR_E_NONE);
		}
		assert_non_null(c);
		assert_null(sr_config_get(c, "k"));
		assert_int_equal(sr_config_entry(c, 0, &(const char *){ NULL },
				     &(const char *){ NULL }),
		    -1);
		sr_config_free(c);

		/* A directory: SR_WARN naming it, no line, empty config. */
		sr_error_clear(&err);
		c = NULL;
		assert_int_equal(sr_config_load(dir, flags[i], &c, &err),
		    SR_WARN);
		assert_non_null(c);
		assert_int_equal(err.cat, SR_E_MISUSE);
		if (flags[i] != SR_CONFIG_SECURE_PATH) {
			check_err_names("directory", &err, dir, 0);
			assert_non_null(strstr(err.msg, "must be a file"));
		} else {
			/* Its parent, /tmp, is world-writable. */
			check_err_names("directory, secure", &err, dir, 0);
			assert_non_null(strstr(err.msg, "'/tmp'"));
		}
		sr_config_free(c);
	}
	/* A FIFO is no file, and opening it must not wait for a writer. */
	{
		char fifo[96];

		(void)snprintf(fifo, sizeof(fifo), "%s/fifo.conf", dir);
		assert_int_equal(mkfifo(fifo, 0644), 0);
		sr_error_clear(&err);
		alarm(10);
		assert_int_equal(sr_config_load(fifo, 0, &c, &err), SR_WARN);
		alarm(0);
		check_err_names("a FIFO", &err, fifo, 0);
		assert_non_null(strstr(err.msg, "must be a file"));
		sr_config_free(c);
		assert_int_equal(unlink(fifo), 0);
	}
	/* NULL: no file at all. */
	assert_int_equal(sr_config_load(NULL, 0, &c, &err), SR_OK);
	assert_null(sr_config_get(c, "k"));
	sr_config_free(c);
	assert_int_equal(rmdir(dir), 0);
}

/* Whether path and every directory above it is root's, 0755 or less. */
static int
root_path(const char *path)
{
	char buf[PATH_MAX], *p;
	struct stat st;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return (0);
	for (;;) {
		if (stat(buf[0] != '\0' ? buf : "/", &st) != 0 ||
		    st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
			return (0);
		if (buf[0] == '\0' || (p = strrchr(buf, '/')) == NULL)
			return (1);
		*p = '\0';
	}
}

static int
load_secure(const char *path, struct sr_config **c, struct sr_error *err)
{
	sr_error_clear(err);
	*c = NULL;
	return (sr_config_load(path, SR_CONFIG_SECURE_PATH, c, err));
}

/* Refused with SR_WARN and an empty config; the message names path. */
static void
check_refused(const char *what, const char *path, const char *words)
{
	struct sr_config *c;
	struct sr_error err;
	int st;

	if ((st = load_secure(path, &c, &err)) != SR_WARN)
		fail_msg("%s: status %d, want SR_WARN", what, st);
	assert_int_equal(err.cat, SR_E_MISUSE);
	check_err_names(what, &err, path, 0);
	if (strstr(err.msg, words) == NULL)
		fail_msg("%s: '%s' does not say '%s'", what, err.msg, words);
	assert_null(sr_config_get(c, "k"));
	assert_null(sr_config_get_for(c, "k", "u", NULL, 0, NULL));
	sr_config_free(c);
}

static void
check_accepted(const char *what, const char *path)
{
	struct sr_config *c;
	struct sr_error err;
	int st;

	if ((st = load_secure(path, &c, &err)) != SR_OK)
		fail_msg("%s: status %d (%s)", what, st, err.msg);
	assert_string_equal(sr_config_get(c, "k"), "v");
	assert_string_equal(sr_config_get_for(c, "k", "u", NULL, 0, NULL), "u");
	sr_config_free(c);
}

/*
 * SR_CONFIG_SECURE_PATH, as root: the file must be root's and writable
 * by nobody else, and so must every directory above it.  Needs a build
 * directory on a path that is root's all the way up.
 */
static void
test_secure_path(void **state)
{
	char cwd[PATH_MAX], dir[PATH_MAX + 64];
	char file[PATH_MAX + 128], rel[PATH_MAX + 128], link[PATH_MAX + 128];
	char want[PATH_MAX + 192], tfile[64];
	char tdir[] = "/tmp/test-config-sp-XXXXXX";
	const char *text = "k = v\n[user u]\nk = u\n";

	(void)state;
	if (geteuid() != 0 || getcwd(cwd, sizeof(cwd)) == NULL ||
	    !root_path(cwd))
		skip();
	(void)snprintf(dir, sizeof(dir), "%s/test-config-sp-XXXXXX", cwd);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	(void)snprintf(file, sizeof(file), "%s/sessrec.conf", dir);
	write_cfg(file, text, 0644);
	assert_int_equal(chown(file, 0, 0), 0);
	check_accepted("root's, 0644", file);

	/* The file itself. */
	assert_int_equal(chmod(file, 0664), 0);
	check_refused("group-writable file", file, "nobody else may write");
	assert_int_equal(chmod(file, 0646), 0);
	check_refused("world-writable file", file, "nobody else may write");
	assert_int_equal(chmod(file, 0600), 0);
	check_accepted("root's, 0600", file);
	assert_int_equal(chown(file, 65534, 0), 0);
	check_refused("not root's", file, "owned by root");
	assert_int_equal(chown(file, 0, 65534), 0);
	check_accepted("root's, another group, 0600", file);
	assert_int_equal(chmod(file, 0620), 0);
	check_refused("root's, another group may write", file,
	    "nobody else may write");
	assert_int_equal(chown(file, 0, 0), 0);
	assert_int_equal(chmod(file, 0644), 0);

	/* The directory above it: the message names the directory. */
	(void)snprintf(want, sizeof(want), "directory '%s'", dir);
	assert_int_equal(chmod(dir, 0775), 0);
	check_refused("group-writable directory", file, want);
	assert_int_equal(chmod(dir, 0757), 0);
	check_refused("world-writable directory", file, want);
	assert_int_equal(chmod(dir, 01777), 0);
	check_refused("sticky, world-writable directory", file, want);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chown(dir, 65534, 0), 0);
	check_refused("directory not root's", file, want);
	assert_int_equal(chown(dir, 0, 0), 0);
	check_accepted("back to root's", file);

	/* Without the flag only the file counts, and /tmp is fine. */
	assert_non_null(mkdtemp(tdir));
	(void)snprintf(tfile, sizeof(tfile), "%s/sessrec.conf", tdir);
	write_cfg(tfile, text, 0644);
	check_refused("a file below /tmp", tfile, "directory '/tmp'");
	{
		struct sr_config *c;
		struct sr_error err;

		sr_error_clear(&err);
		assert_int_equal(sr_config_load(tfile, 0, &c, &err), SR_OK);
		assert_string_equal(sr_config_get(c, "k"), "v");
		sr_config_free(c);
	}

	/* A relative path never counts, even one that leads to it. */
	(void)snprintf(rel, sizeof(rel), "%s/sessrec.conf",
	    dir + strlen(cwd) + 1);
	check_refused("relative path", rel, "not an absolute path");

	/*
	 * A symbolic link: the directories above the link and above the
	 * file it resolves to are checked (as sshd checks the path that
	 * realpath(3) gives); one into a directory anyone may write does
	 * not count, and the message names that directory.
	 */
	(void)snprintf(link, sizeof(link), "%s/link.conf", dir);
	assert_int_equal(symlink(tfile, link), 0);
	assert_int_equal(chmod(tdir, 0777), 0);
	(void)snprintf(want, sizeof(want), "directory '%s'", tdir);
	check_refused("link to a file in a 0777 directory", link, want);
	assert_int_equal(chmod(tdir, 0755), 0);
	check_refused("link to a file below /tmp", link, "directory '/tmp'");
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("sessrec.conf", link), 0);
	check_accepted("link to a file beside it", link);
	assert_int_equal(unlink(link), 0);

	/*
	 * A missing file in a directory that does not count is refused:
	 * it could have been removed.  A link that leads nowhere is no
	 * missing file either.
	 */
	assert_int_equal(symlink(tfile, link), 0);
	assert_int_equal(unlink(tfile), 0);
	{
		struct sr_config *c;
		struct sr_error err;

		assert_int_equal(load_secure(tfile, &c, &err), SR_WARN);
		check_err_names("missing below /tmp", &err, tfile, 0);
		assert_null(sr_config_get(c, "k"));
		sr_config_free(c);
		assert_int_equal(load_secure(link, &c, &err), SR_WARN);
		check_err_names("a link to nowhere", &err, link, 0);
		assert_non_null(strstr(err.msg, "cannot resolve"));
		assert_null(sr_config_get(c, "k"));
		sr_config_free(c);
		/* A missing file where every directory counts: SR_OK. */
		assert_int_equal(unlink(link), 0);
		assert_int_equal(load_secure(link, &c, &err), SR_OK);
		assert_int_equal(err.cat, SR_E_NONE);
		assert_null(sr_config_get(c, "k"));
		sr_config_free(c);
	}
	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(tdir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_entries_in_order),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_scoped_entries),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_secure_path),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
