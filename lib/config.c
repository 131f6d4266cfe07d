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
 * Configuration files: "key = value" lines and '#' comments, read whole
 * into a small list.  A file counts only when root (or, when the caller
 * trusts the user, the effective user) owns it and nobody else may write
 * it: the recorder and privileged runs of sessrec must not take policy
 * from a file the recorded user could have written.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sr-private.h"

#define CONFIG_MAX_LINES 4096
#define CONFIG_LINE_MAX	 4096

struct sr_config_ent {
	char *key;
	char *value;
	int line;
};

struct sr_config {
	struct sr_config_ent *e;
	size_t n;
};

static int
add(struct sr_config *c, const char *k, const char *v, int line)
{
	struct sr_config_ent *e;

	if ((e = sr_reallocarray(c->e, c->n + 1, sizeof(*e))) == NULL)
		return (-1);
	c->e = e;
	e += c->n;
	e->line = line;
	e->key = sr_strdup(k);
	e->value = sr_strdup(v);
	if (e->key == NULL || e->value == NULL) {
		free(e->key);
		free(e->value);
		return (-1);
	}
	c->n++;
	return (0);
}

int
sr_config_load(const char *path, unsigned flags, struct sr_config **cp,
    struct sr_error *err)
{
	struct sr_config *c;
	struct stat st;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = SR_OK;

	if ((c = *cp = calloc(1, sizeof(*c))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	if (path == NULL)
		return (SR_OK);
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return (SR_OK);
		rc = sr_error_set(err, SR_WARN, SR_E_IO, path, NULL, "%s",
		    strerror(errno));
		err->errnum = errno;
		return (rc);
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 &&
		!((flags & SR_DEFAULTS_TRUST_USER) &&
		    st.st_uid == geteuid())) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		fclose(f);
		return (sr_error_set(err, SR_WARN, SR_E_MISUSE, path, NULL,
		    "ignored: not owned by root and writable only by its "
		    "owner"));
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *k = line, *v, *e;
		struct sr_loc loc;

		if (++lineno > CONFIG_MAX_LINES || n > CONFIG_LINE_MAX) {
			sr_loc_clear(&loc);
			loc.line = lineno;
			rc = sr_error_set(err, SR_FAILED, SR_E_LIMIT, path,
			    &loc, "configuration too large");
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '#' || *k == '\0')
			continue;
		if ((v = strchr(k, '=')) == NULL) {
			sr_loc_clear(&loc);
			loc.line = lineno;
			rc = sr_error_set(err, SR_FAILED, SR_E_FORMAT, path,
			    &loc, "expected 'key = value'");
			break;
		}
		*v++ = '\0';
		for (e = v - 2; e >= k && (*e == ' ' || *e == '\t'); e--)
			*e = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = v + strlen(v);
		     e > v && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		if (add(c, k, v, lineno) != 0) {
			rc = sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
			    "out of memory");
			break;
		}
	}
	free(line);
	fclose(f);
	return (rc);
}

const char *
sr_config_get(const struct sr_config *c, const char *key)
{
	size_t i;

	for (i = c != NULL ? c->n : 0; i > 0; i--)
		if (strcmp(c->e[i - 1].key, key) == 0)
			return (c->e[i - 1].value);
	return (NULL);
}

int
sr_config_line(const struct sr_config *c, const char *key)
{
	size_t i;

	for (i = c != NULL ? c->n : 0; i > 0; i--)
		if (strcmp(c->e[i - 1].key, key) == 0)
			return (c->e[i - 1].line);
	return (0);
}

int
sr_config_entry(const struct sr_config *c, size_t i, const char **key,
    const char **value)
{
	if (c == NULL || i >= c->n)
		return (-1);
	*key = c->e[i].key;
	*value = c->e[i].value;
	return (0);
}

void
sr_config_free(struct sr_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c->e);
	free(c);
}
