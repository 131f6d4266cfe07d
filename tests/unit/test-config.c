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
 * nobody else may write it.
 */
#include <sys/stat.h>

#include <fcntl.h>
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
write_cfg(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_entries_in_order),
		cmocka_unit_test(test_trust),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
