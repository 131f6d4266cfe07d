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
 * Fuzz target for the configuration reader (lib/config.c): any bytes as
 * a sessrec.conf, sections included.  sr_config_load() reads a path, so
 * the input goes to one private temporary file (mode 0600, ours, which
 * SR_DEFAULTS_TRUST_USER lets count).  Checked on every input:
 *
 *  - a file that does not parse names the file and a line that exists;
 *  - every global setting has a trimmed key and value, and
 *    sr_config_get() and sr_config_get_for() (for a user in no section)
 *    agree on it and on its line;
 *  - section settings come in file order and never leak into the
 *    global values or to a user that no section can name;
 *  - the global settings written back as "key=value" lines parse to the
 *    same settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"

static char cfg_path[4096];
static int cfg_fd = -1;

static void
cfg_cleanup(void)
{
	if (cfg_fd != -1) {
		(void)unlink(cfg_path);
		(void)close(cfg_fd);
		cfg_fd = -1;
	}
}

static void
cfg_write(const uint8_t *data, size_t size)
{
	const char *dir;
	size_t off = 0;
	ssize_t n;

	if (cfg_fd == -1) {
		if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
			dir = "/tmp";
		if ((size_t)snprintf(cfg_path, sizeof(cfg_path),
			"%s/fuzz-config-XXXXXX", dir) >= sizeof(cfg_path) ||
		    (cfg_fd = mkstemp(cfg_path)) == -1)
			abort();
		(void)atexit(cfg_cleanup);
	}
	while (off < size) {
		if ((n = pwrite(cfg_fd, data + off, size - off, (off_t)off)) <=
		    0)
			abort();
		off += (size_t)n;
	}
	/*
	 * Cut after writing: on ext4, a file cut to nothing is flushed to
	 * disk when closed, which made every run wait for the disk.
	 */
	if (ftruncate(cfg_fd, (off_t)size) != 0)
		abort();
}

static int
blank(char ch)
{
	return (ch == ' ' || ch == '\t');
}

/*
 * Writes the global settings back, one "key=value" a line, and checks
 * that they parse the same.  No line is longer than the one it came
 * from: the last has no newline, as the input's last line may not.
 */
static void
round_trip(const struct sr_config *c)
{
	struct sr_config *again;
	struct sr_error err;
	const char *k, *v, *k2, *v2;
	char *text = NULL;
	size_t i, len = 0, cap = 0, kl, vl;

	for (i = 0; sr_config_entry(c, i, &k, &v) == 0; i++) {
		kl = strlen(k);
		vl = strlen(v);
		/* A value may end in CR ("a = x\r \n"), which would go. */
		if (vl > 0 && v[vl - 1] == '\r') {
			free(text);
			return;
		}
		if (len + kl + vl + 2 > cap) {
			char *p;

			cap = (len + kl + vl + 2) * 2;
			if ((p = realloc(text, cap)) == NULL) {
				free(text);
				return;
			}
			text = p;
		}
		memcpy(text + len, k, kl);
		len += kl;
		text[len++] = '=';
		memcpy(text + len, v, vl);
		len += vl;
		text[len++] = '\n';
	}
	if (len > 0)
		len--;
	cfg_write((const uint8_t *)text, len);
	free(text);
	sr_error_clear(&err);
	if (sr_config_load(cfg_path, SR_DEFAULTS_TRUST_USER, &again, &err) !=
	    SR_OK)
		abort();
	for (i = 0; sr_config_entry(c, i, &k, &v) == 0; i++)
		if (sr_config_entry(again, i, &k2, &v2) != 0 ||
		    strcmp(k, k2) != 0 || strcmp(v, v2) != 0)
			abort();
	if (sr_config_entry(again, i, &k2, &v2) == 0 ||
	    sr_config_scoped_entry(again, 0, &k2, &v2, &(int){ 0 }) == 0)
		abort();
	sr_config_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Section names hold no blank, so no section names this user. */
	static const char *const groups[] = { "no group" };
	struct sr_config *c = NULL;
	struct sr_error err;
	const char *k, *v, *g;
	size_t i, nl = 0, kl, vl;
	int st, line, prev = 0;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			nl++;
	cfg_write(data, size);
	sr_error_clear(&err);
	st = sr_config_load(cfg_path, SR_DEFAULTS_TRUST_USER, &c, &err);
	if (c == NULL)
		abort();
	if (st != SR_OK) {
		if (st == SR_FATAL) {
			sr_config_free(c);
			return (0);
		}
		if (st != SR_FAILED ||
		    (err.cat != SR_E_FORMAT && err.cat != SR_E_LIMIT) ||
		    strcmp(err.path, cfg_path) != 0 || err.loc.line < 1 ||
		    (size_t)err.loc.line > nl + 1)
			abort();
	}
	for (i = 0; sr_config_entry(c, i, &k, &v) == 0; i++) {
		kl = strlen(k);
		vl = strlen(v);
		if (strchr(k, '\n') != NULL || strchr(v, '\n') != NULL ||
		    strchr(k, '=') != NULL || (kl > 0 && blank(k[0])) ||
		    (kl > 0 && blank(k[kl - 1])) ||
		    (vl > 0 && (blank(v[0]) || blank(v[vl - 1]))) ||
		    k[0] == '#' || k[0] == '[')
			abort();
		if ((g = sr_config_get(c, k)) == NULL ||
		    sr_config_get_for(c, k, "no user", groups, 1, &line) != g ||
		    line != sr_config_line(c, k) || line < 1 ||
		    (size_t)line > nl + 1)
			abort();
	}
	for (i = 0; sr_config_scoped_entry(c, i, &k, &v, &line) == 0; i++) {
		if (line <= prev || (size_t)line > nl + 1)
			abort();
		prev = line;
		/* Only in a section: invisible to everyone else. */
		g = sr_config_get(c, k);
		if (sr_config_get_for(c, k, "no user", groups, 1, &line) != g ||
		    sr_config_get_for(c, k, NULL, NULL, 0, &line) != g ||
		    (g == NULL && line != 0))
			abort();
	}
	if (st == SR_OK)
		round_trip(c);
	sr_config_free(c);
	return (0);
}
