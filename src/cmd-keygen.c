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
 * sessrec keygen: makes the host key pair that signs native recordings,
 * DIR/host.key (0400) and DIR/host.pub (0444).  An existing key is never
 * replaced by accident: without -f the command refuses, so a second run
 * cannot orphan the recordings the old key signed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

#define KEYGEN_DIR "/etc/sessrec"

/* The directory, made 0755 when missing (not its parents). */
static int
keygen_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) == 0) {
		/* The umask must not hide host.pub from auditors. */
		if (chmod(dir, 0755) == -1) {
			sr_warnx("cannot set the mode of '%s': %s", dir,
			    strerror(errno));
			return (SR_EXIT_UNREADABLE);
		}
		return (SR_EXIT_OK);
	}
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return (SR_EXIT_OK);
	if (errno == EEXIST)
		errno = ENOTDIR;
	sr_warnx("cannot create directory '%s': %s", dir, strerror(errno));
	return (SR_EXIT_UNREADABLE);
}

static int
keygen_exists(const char *path)
{
	sr_warnx("'%s' exists; use -f to replace it", path);
	return (SR_EXIT_NEGATIVE);
}

/* Exit status for a failed save: 1 when the file was there already. */
static int
keygen_failed(const struct sr_error *err)
{
	if (err->cat == SR_E_IO && err->errnum == EEXIST)
		return (keygen_exists(err->path));
	sr_warn_error("", err);
	return (err->cat == SR_E_NOMEM ? SR_EXIT_INTERNAL : SR_EXIT_UNREADABLE);
}

static int
cmd_keygen_exec(struct sr_args *a)
{
	const char *dir = sr_args_get(a, 'd');
	char keypath[PATH_MAX], pubpath[PATH_MAX], id[17];
	struct sr_key *k;
	struct sr_error err;
	struct stat st;
	int force = sr_args_has(a, 'f'), rc, r1, r2;

	if (dir == NULL)
		dir = KEYGEN_DIR;
	if (*dir == '\0') {
		sr_warnx("empty directory name");
		sr_usage(a->cmd);
	}
	r1 = snprintf(keypath, sizeof(keypath), "%s/host.key", dir);
	r2 = snprintf(pubpath, sizeof(pubpath), "%s/host.pub", dir);
	if (r1 < 0 || (size_t)r1 >= sizeof(keypath) || r2 < 0 ||
	    (size_t)r2 >= sizeof(pubpath)) {
		sr_warnx("directory name too long");
		return (SR_EXIT_UNREADABLE);
	}
	if ((rc = keygen_dir(dir)) != SR_EXIT_OK)
		return (rc);
	/* Check both first: never leave half of a new pair beside an old. */
	if (!force && lstat(keypath, &st) == 0)
		return (keygen_exists(keypath));
	if (!force && lstat(pubpath, &st) == 0)
		return (keygen_exists(pubpath));
	sr_error_clear(&err);
	if (sr_key_generate(&k, &err) != SR_OK) {
		sr_warn_error("cannot make a key:", &err);
		return (SR_EXIT_INTERNAL);
	}
	rc = SR_EXIT_OK;
	if (sr_key_save(k, keypath, 1, force, &err) != SR_OK)
		rc = keygen_failed(&err);
	else if (sr_key_save(k, pubpath, 0, force, &err) != SR_OK) {
		rc = keygen_failed(&err);
		/* A secret without its public half helps nobody. */
		if (!force)
			(void)unlink(keypath);
	}
	if (rc == SR_EXIT_OK) {
		printf("key id: %s\n", sr_key_id_hex(k, id));
		printf("secret key: ");
		sr_out_escaped(stdout, keypath);
		printf("\npublic key: ");
		sr_out_escaped(stdout, pubpath);
		putchar('\n');
	}
	sr_key_free(k);
	return (rc);
}

static const struct option keygen_longopts[] = {
	{ "dir", required_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_keygen = {
	.name = "keygen",
	.summary = "make the host key pair that signs recordings",
	.usage = "sessrec keygen [-f] [-d DIR]",
	.help = "  -d, --dir DIR       write host.key and host.pub in DIR\n"
		"                      (default /etc/sessrec)\n"
		"  -f, --force         replace an existing key pair\n"
		"  -h, --help          show this help\n",
	.optstring = "d:fh",
	.longopts = keygen_longopts,
	.min_args = 0,
	.max_args = 0,
	.flags = 0,
	.exec = cmd_keygen_exec,
};
