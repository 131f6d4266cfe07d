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
 * from a file the recorded user could have written.  With
 * SR_CONFIG_SECURE_PATH every directory on the way must be root's and
 * writable by nobody else too, as sudo and sshd check their files.
 *
 * "[user NAME]" and "[group NAME]" lines start a section whose settings
 * apply only to that user or the members of that group; they are kept
 * apart from the global settings, which sr_config_get() alone sees.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "sr-private.h"

#define CONFIG_MAX_LINES 4096
#define CONFIG_LINE_MAX	 4096

struct sr_config_ent {
	char *key;
	char *value;
	int line;
	int scope;   /* 0 global, else SCOPE_USER or SCOPE_GROUP */
	char *sname; /* the user or group the section names */
};

#define SCOPE_USER  1
#define SCOPE_GROUP 2

struct sr_config {
	struct sr_config_ent *e; /* global settings */
	size_t n;
	struct sr_config_ent *s; /* section settings, in file order */
	size_t ns;
};

static int
add(struct sr_config *c, const char *k, const char *v, int line, int scope,
    const char *sname)
{
	struct sr_config_ent *e, **arr = scope ? &c->s : &c->e;
	size_t *n = scope ? &c->ns : &c->n;

	if ((e = sr_reallocarray(*arr, *n + 1, sizeof(*e))) == NULL)
		return (-1);
	*arr = e;
	e += *n;
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->scope = scope;
	e->key = sr_strdup(k);
	e->value = sr_strdup(v);
	if (scope)
		e->sname = sr_strdup(sname);
	if (e->key == NULL || e->value == NULL || (scope && e->sname == NULL)) {
		free(e->key);
		free(e->value);
		free(e->sname);
		return (-1);
	}
	(*n)++;
	return (0);
}

/*
 * Every directory above path that exists is root's and writable by
 * nobody else (a sticky bit does not help: the file could be renamed away
 * by its directory's owner only, but a group could still add names).
 * shown is the path the caller gave, for the message.
 */
static int
secure_dirs(const char *path, const char *shown, struct sr_error *err)
{
	char buf[PATH_MAX], *p;
	const char *dir;
	struct stat st;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return (sr_error_set(err, SR_WARN, SR_E_MISUSE, shown, NULL,
		    "ignored: path too long"));
	for (p = strrchr(buf, '/'); p != NULL; p = strrchr(buf, '/')) {
		*p = '\0';
		dir = buf[0] != '\0' ? buf : "/";
		if (stat(dir, &st) != 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue; /* nor can the file be there */
			return (sr_error_set(err, SR_WARN, SR_E_IO, shown, NULL,
			    "ignored: cannot check '%s': %s", dir,
			    strerror(errno)));
		}
		if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
			return (sr_error_set(err, SR_WARN, SR_E_MISUSE, shown,
			    NULL,
			    "ignored: directory '%s' is not root's or others "
			    "may write it",
			    dir));
		if (buf[0] == '\0')
			break;
	}
	return (SR_OK);
}

/*
 * SR_CONFIG_SECURE_PATH: the directories above path, and above the file
 * it resolves to when a link is on the way, as sshd checks its files.
 * *missing is set when there is no file (an empty config) and the
 * directories that exist are safe; a link to nowhere is no missing file.
 */
static int
secure_path(const char *path, int *missing, struct sr_error *err)
{
	char real[PATH_MAX];
	struct stat st;
	int rc;

	*missing = 0;
	if (path[0] != '/')
		return (sr_error_set(err, SR_WARN, SR_E_MISUSE, path, NULL,
		    "ignored: not an absolute path"));
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return (sr_error_set(err, SR_WARN, SR_E_IO, path, NULL,
			    "ignored: %s", strerror(errno)));
		if ((rc = secure_dirs(path, path, err)) == SR_OK)
			*missing = 1;
		return (rc);
	}
	if ((rc = secure_dirs(path, path, err)) != SR_OK)
		return (rc);
	if (realpath(path, real) == NULL)
		return (sr_error_set(err, SR_WARN, SR_E_IO, path, NULL,
		    "ignored: cannot resolve it: %s", strerror(errno)));
	if (strcmp(real, path) != 0)
		return (secure_dirs(real, path, err));
	return (SR_OK);
}

static void
line_error(struct sr_error *err, int *rc, int status, int code,
    const char *path, int lineno, const char *msg)
{
	struct sr_loc loc;

	sr_loc_clear(&loc);
	loc.line = lineno;
	*rc = sr_error_set(err, status, code, path, &loc, "%s", msg);
}

/* "[user NAME]" or "[group NAME]": sets scope and name; -1 if malformed. */
static int
section(char *k, int *scope, char *name, size_t len)
{
	char *e = k + strlen(k), *n;

	while (e > k && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e - k < 2 || e[-1] != ']')
		return (-1);
	*--e = '\0';
	while (e > k + 1 && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	k++;
	while (*k == ' ' || *k == '\t')
		k++;
	if (strncmp(k, "user", 4) == 0 && (k[4] == ' ' || k[4] == '\t'))
		*scope = SCOPE_USER;
	else if (strncmp(k, "group", 5) == 0 && (k[5] == ' ' || k[5] == '\t'))
		*scope = SCOPE_GROUP;
	else if (strcmp(k, "global") == 0) {
		*scope = 0;
		name[0] = '\0';
		return (0);
	} else
		return (-1);
	n = k + (*scope == SCOPE_USER ? 4 : 5);
	while (*n == ' ' || *n == '\t')
		n++;
	while (e > n && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (*n == '\0' || strpbrk(n, " \t[]") != NULL ||
	    strlcpy(name, n, len) >= len)
		return (-1);
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
	int fd, lineno = 0, rc = SR_OK, scope = 0, missing;
	char sname[256] = "";

	if ((c = *cp = calloc(1, sizeof(*c))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	if (path == NULL)
		return (SR_OK);
	if (flags & SR_CONFIG_SECURE_PATH) {
		if ((rc = secure_path(path, &missing, err)) != SR_OK || missing)
			return (rc);
	}
	/* Non-blocking: a FIFO must not hang us before the check below. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		if (errno == ENOENT)
			return (SR_OK);
		rc = sr_error_set(err, SR_WARN, SR_E_IO, path, NULL, "%s",
		    strerror(errno));
		err->errnum = errno;
		return (rc);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 &&
		!((flags & SR_DEFAULTS_TRUST_USER) &&
		    st.st_uid == geteuid())) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return (sr_error_set(err, SR_WARN, SR_E_MISUSE, path, NULL,
		    "ignored: must be a file owned by root (or the user, "
		    "where the user's own file counts) that nobody else may "
		    "write"));
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *k = line, *v, *e;

		if (++lineno > CONFIG_MAX_LINES) {
			line_error(err, &rc, SR_FAILED, SR_E_LIMIT, path,
			    lineno, "more than 4096 lines");
			break;
		}
		/* The line ending (LF, CRLF, any CRs) is not part of it. */
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > CONFIG_LINE_MAX) {
			line_error(err, &rc, SR_FAILED, SR_E_LIMIT, path,
			    lineno, "line longer than 4096 bytes");
			break;
		}
		if (strlen(line) != (size_t)n) {
			line_error(err, &rc, SR_FAILED, SR_E_FORMAT, path,
			    lineno, "NUL byte in the line");
			break;
		}
		while (*k == ' ' || *k == '\t')
			k++;
		if (*k == '#' || *k == '\0')
			continue;
		if (*k == '[') {
			if (section(k, &scope, sname, sizeof(sname)) == 0)
				continue;
			line_error(err, &rc, SR_FAILED, SR_E_FORMAT, path,
			    lineno,
			    "expected '[user NAME]', '[group NAME]' or "
			    "'[global]'");
			break;
		}
		if ((v = strchr(k, '=')) == NULL || v == k) {
			line_error(err, &rc, SR_FAILED, SR_E_FORMAT, path,
			    lineno,
			    v == NULL ? "expected 'key = value'"
				      : "expected a key before '='");
			break;
		}
		*v++ = '\0';
		for (e = v - 1; e > k && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		for (e = v + strlen(v);
		     e > v && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		if (add(c, k, v, lineno, scope, sname) != 0) {
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

const char *
sr_config_get_for(const struct sr_config *c, const char *key, const char *user,
    const char *const *groups, size_t ngroups, int *line)
{
	const struct sr_config_ent *g = NULL, *u = NULL, *e;
	size_t i, j;

	for (i = 0; c != NULL && i < c->ns; i++) {
		e = &c->s[i];
		if (strcmp(e->key, key) != 0)
			continue;
		if (e->scope == SCOPE_USER && user != NULL &&
		    strcmp(e->sname, user) == 0)
			u = e; /* the last one in the file */
		else if (e->scope == SCOPE_GROUP && g != NULL) {
			if (strcmp(e->sname, g->sname) == 0)
				g = e; /* that group's last value */
		} else if (e->scope == SCOPE_GROUP)
			for (j = 0; j < ngroups; j++)
				if (strcmp(e->sname, groups[j]) == 0) {
					g = e; /* the first group that sets it */
					break;
				}
	}
	if ((e = u != NULL ? u : g) != NULL) {
		if (line != NULL)
			*line = e->line;
		return (e->value);
	}
	if (line != NULL)
		*line = sr_config_line(c, key);
	return (sr_config_get(c, key));
}

int
sr_config_scoped_entry(const struct sr_config *c, size_t i, const char **key,
    const char **value, int *line)
{
	if (c == NULL || i >= c->ns)
		return (-1);
	*key = c->s[i].key;
	*value = c->s[i].value;
	*line = c->s[i].line;
	return (0);
}

static void
free_ents(struct sr_config_ent *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].value);
		free(e[i].sname);
	}
	free(e);
}

void
sr_config_free(struct sr_config *c)
{
	if (c == NULL)
		return;
	free_ents(c->e, c->n);
	free_ents(c->s, c->ns);
	free(c);
}
