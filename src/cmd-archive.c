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
 * sessrec archive: moves recordings that ended before a cutoff from the
 * hot directories into one cold archive (pax tar + zstd) with a signed
 * manifest (lib/manifest.h), and deletes archives past retention.
 *
 * The order of operations is what makes it safe to run from cron:
 *   1. select: every recording under the sources whose sessions all
 *      ended before the cutoff and whose files were not modified after
 *      it (one still being written stays); verify each (the verdict goes
 *      into the manifest);
 *   2. write a temporary file created O_EXCL beside DEST, members in name
 *      order, the manifest last, signed with the host key; fsync;
 *   3. rename it to DEST without ever replacing a file (RENAME_NOREPLACE,
 *      else link(2)), fsync the directory;
 *   4. reopen DEST and check every member's size and SHA-256 against the
 *      manifest, the manifest's bytes and signature, that every
 *      recording is still found where the manifest puts it, and run
 *      sr_verify() on every native recording: its verdict may not be
 *      worse than before;
 *   5. only then delete the originals, each recording only when every
 *      one of its files still has the size and hash that were archived.
 * A failure before step 5 leaves the originals untouched and removes
 * the temporary file (or DEST, which step 4 found bad).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "manifest.h"
#include "out.h"
#include "seal.h"

#define ARCHIVE_DEFAULT_KEY "/etc/sessrec/host.key"

enum {
	OPT_OLDER_THAN = 1024,
	OPT_EXPIRE,
	OPT_DRY_RUN,
	OPT_TRUSTED_KEYS,
};

/* What one planned member keeps until the originals are deleted. */
struct pfile {
	size_t member; /* index into the manifest's members */
	dev_t dev;
	ino_t ino;
};

struct plan {
	struct sr_manifest *m;
	char **src_root; /* per recording: original root path */
	char *is_dir;	 /* per recording: a session directory (sudo) */
	size_t nsrc;
	struct pfile *files; /* per manifest member, after sorting */
	int64_t bytes;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static char *
xjoin(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = sr_xcalloc(la + lb + 2, 1);

	memcpy(p, a, la);
	if (lb > 0) {
		if (la == 0 || a[la - 1] != '/')
			p[la++] = '/';
		memcpy(p + la, b, lb);
	}
	return (p);
}

/* Whether s is valid UTF-8 with no control character (tar and JSON). */
static int
name_printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;

	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return (0);
		if ((n = sr_utf8_valid(p + i, len - i)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

/*
 * Keys and trust.
 */

/* The signing key: -k, else the config's "key", else the default. */
static struct sr_key *
load_key(struct sr_args *a, const struct sr_config *cfg)
{
	struct sr_key *k;
	struct sr_error err;
	const char *path = sr_args_get(a, 'k');

	if (path == NULL && cfg != NULL)
		path = sr_config_get(cfg, "key");
	if (path == NULL || *path == '\0')
		path = ARCHIVE_DEFAULT_KEY;
	sr_error_clear(&err);
	if (sr_key_load(path, 1, &k, &err) != SR_OK) {
		sr_warn_error("cannot use key", &err);
		if (access(path, F_OK) != 0 && sr_args_get(a, 'k') == NULL)
			sr_warnx("the manifest must be signed: give -k KEYFILE "
				 "(sessrec keygen makes one)");
		exit(SR_EXIT_UNREADABLE);
	}
	return (k);
}

/*
 * The trust store, as verify builds it (--trusted, else the config's
 * trusted_keys, else /etc/sessrec/trusted.d), plus the public half of
 * the signing key.  The store loads keys from files only, so that half
 * goes through a private temporary directory.
 */
static struct sr_trust *
load_trust(struct sr_args *a, const struct sr_config *cfg,
    const struct sr_key *key)
{
	struct sr_trust *t;
	struct sr_error err;
	const char *dir = NULL, *tmpdir = getenv("TMPDIR");
	char tmpl[PATH_MAX], pub[PATH_MAX + 16];
	size_t i;
	int named = 0;

	if ((t = sr_trust_new()) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	for (i = 0; i < a->nopts; i++) {
		if (a->opts[i].id != OPT_TRUSTED_KEYS)
			continue;
		named = 1;
		sr_args_trust_add(t, a->opts[i].arg);
	}
	if (!named) {
		if (cfg != NULL)
			dir = sr_config_get(cfg, "trusted_keys");
		if ((dir == NULL || *dir == '\0') &&
		    access(SR_TRUSTED_DIR, F_OK) == 0)
			dir = SR_TRUSTED_DIR;
		if (dir != NULL && *dir != '\0')
			sr_args_trust_add(t, dir);
	}
	if (key == NULL)
		return (t);
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	(void)snprintf(tmpl, sizeof(tmpl), "%s/sessrec-archive.XXXXXX", tmpdir);
	if (mkdtemp(tmpl) == NULL)
		sr_errx(SR_EXIT_INTERNAL,
		    "cannot make a temporary directory "
		    "in '%s': %s",
		    tmpdir, strerror(errno));
	(void)snprintf(pub, sizeof(pub), "%s/key.pub", tmpl);
	sr_error_clear(&err);
	if (sr_key_save(key, pub, 0, 0, &err) != SR_OK ||
	    sr_trust_add(t, pub, 0, 0, &err) != SR_OK) {
		(void)unlink(pub);
		(void)rmdir(tmpl);
		sr_warn_error("cannot use key", &err);
		exit(SR_EXIT_INTERNAL);
	}
	(void)unlink(pub);
	(void)rmdir(tmpl);
	return (t);
}

static struct sr_config *
load_config(struct sr_args *a)
{
	struct sr_config *cfg = NULL;
	struct sr_error err;
	unsigned flags;
	const char *path = sr_args_config(a, &flags);
	int st;

	sr_error_clear(&err);
	st = sr_config_load(path, flags, &cfg, &err);
	if (st < SR_WARN) {
		sr_warn_error("cannot read", &err);
		exit(SR_EXIT_UNREADABLE);
	}
	return (cfg);
}

/*
 * Selection.
 */

static void
fsync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

/* The directory part of path ("." when none); caller frees. */
static char *
dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return (sr_xstrdup("."));
	if (s == path)
		return (sr_xstrdup("/"));
	return (strndup(path, (size_t)(s - path)));
}

/* Whether the recording was named by a file source (verify's rule). */
static int
mine(const struct sr_found *f, const char *base)
{
	size_t k;

	if (base == NULL || strcmp(f->member, base) == 0)
		return (1);
	for (k = 0; k < nitems(f->partners) && f->partners[k] != NULL; k++)
		if (strcmp(f->partners[k], base) == 0)
			return (1);
	return (0);
}

/*
 * Members of the input that make up the recording rooted at root: the
 * root file and its partners, or every file directly inside the root
 * directory.  Returns the count; names borrowed from the input.
 */
static size_t
rec_members(struct sr_input *in, const struct sr_found *f, const char **out,
    size_t max)
{
	const struct sr_member *mb;
	size_t i, k, n = 0, rl = strlen(f->member);

	if (f->member[0] != '\0' &&
	    (mb = sr_input_find(in, f->member)) != NULL) {
		out[n++] = mb->name;
		for (k = 0; k < nitems(f->partners) && f->partners[k] != NULL &&
		     n < max;
		     k++)
			if ((mb = sr_input_find(in, f->partners[k])) != NULL)
				out[n++] = mb->name;
		return (n);
	}
	for (i = 0; i < sr_input_nmembers(in) && n < max; i++) {
		const char *name = sr_input_member(in, i)->name;

		if (rl == 0) {
			if (strchr(name, '/') == NULL)
				out[n++] = name;
		} else if (strncmp(name, f->member, rl) == 0 &&
		    name[rl] == '/' && strchr(name + rl + 1, '/') == NULL)
			out[n++] = name;
	}
	return (n);
}

/* Saturating addition of nanoseconds. */
static int64_t
ns_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

struct selector {
	struct sr_args *a;
	struct sr_ctx *ctx;
	const struct sr_trust *trust;
	struct plan *plan;
	int64_t cutoff;
	int dry_run;
	int rc;
	size_t nrec, nfiles;
};

/*
 * Looks at one recording: its sessions' ends, its files' times; adds
 * it to the plan when it is old.
 */
static void
consider(struct selector *sel, struct sr_input *in, const char *srcdir,
    const struct sr_found *f)
{
	struct plan *p = sel->plan;
	struct sr_reader *r = NULL;
	const struct sr_session *s;
	struct sr_verify_result res;
	struct sr_error err;
	const char *names[4096];
	size_t n, i, idx;
	int64_t newest_mtime = 0, end = INT64_MIN;
	int st, unknown_end = 0, nsess = 0;
	char *root, *aroot, *orig;
	struct sr_manifest_rec *mr;

	n = rec_members(in, f, names, nitems(names));
	if (n == 0)
		return;
	if (n == nitems(names)) {
		orig = xjoin(srcdir, f->member);
		sr_warnx("'%s' not archived: more than %zu files", orig,
		    nitems(names) - 1);
		free(orig);
		sel->rc = SR_EXIT_UNREADABLE;
		return;
	}
	for (i = 0; i < n; i++) {
		const struct sr_member *mb = sr_input_stat(in, names[i]);

		if (mb == NULL || mb->mtime_ns == 0)
			return; /* cannot tell its age: stays */
		if (mb->mtime_ns > newest_mtime)
			newest_mtime = mb->mtime_ns;
		if (!name_printable(names[i])) {
			struct sr_buf b;

			orig = xjoin(srcdir, names[i]);
			sr_buf_init(&b, 1 << 16);
			(void)sr_str_escape(&b, orig, strlen(orig));
			sr_warnx("'%s' not archived: its name is not printable "
				 "UTF-8",
			    b.data);
			sr_buf_release(&b);
			free(orig);
			return;
		}
	}
	/* Files changed after the cutoff: maybe still being written. */
	if (newest_mtime >= sel->cutoff)
		return;
	sr_error_clear(&err);
	if (sr_reader_open(sel->ctx, in, f->member, f->fmt, &r, &err) !=
	    SR_OK) {
		sr_warn_error("not archived: cannot read", &err);
		sel->rc = SR_EXIT_UNREADABLE;
		return;
	}
	root = xjoin(srcdir, f->member);
	aroot = sr_xstrdup(root[0] == '/' ? root + 1 : root);
	if (aroot[0] == '\0' || !name_printable(root) ||
	    sr_manifest_find_rec(p->m, aroot) >= 0) {
		/* The source's own top, or named twice by two sources. */
		free(aroot);
		free(root);
		sr_reader_close(r);
		return;
	}
	if (sr_manifest_add_rec(p->m, aroot, sr_format_name(f->fmt), &idx) !=
	    SR_OK)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	sr_error_clear(&err);
	while ((st = sr_reader_next_session(r, &s)) != SR_EOF) {
		int hs, he;
		int64_t e;

		if (st == SR_FATAL || st == SR_FAILED) {
			err = *sr_reader_error(r);
			break;
		}
		nsess++;
		hs = (s->have & SR_HAVE_START) != 0;
		he = hs && (s->have & SR_HAVE_DURATION) != 0;
		e = he ? ns_add(s->start_ns, s->duration_ns) : 0;
		if (!he)
			unknown_end = 1;
		else if (e > end)
			end = e;
		if (sr_manifest_add_session(p->m, idx,
			s->field[SR_F_SESSION_ID], hs, s->start_ns, he,
			e) != SR_OK)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
	}
	sr_reader_close(r);
	if (unknown_end || nsess == 0)
		end = newest_mtime;
	mr = &p->m->recs[idx];
	mr->end_ns = end;
	if (end >= sel->cutoff || st == SR_FATAL || st == SR_FAILED) {
		/* Not old enough, or unreadable: drop it again. */
		sr_manifest_drop_rec(p->m);
		free(aroot);
		free(root);
		if (st == SR_FATAL || st == SR_FAILED) {
			sr_warn_error("not archived: cannot read", &err);
			sel->rc = SR_EXIT_UNREADABLE;
		}
		return;
	}
	if (!sel->dry_run) {
		sr_error_clear(&err);
		if (sr_verify(sel->ctx, in, f->member, f->fmt, sel->trust, NULL,
			0, 0, &res, &err) != SR_OK) {
			sr_warn_error("cannot verify", &err);
			sel->rc = SR_EXIT_UNREADABLE;
			res.verdict = SR_VERDICT_CORRUPT;
		}
		mr->verdict = res.verdict;
	}
	for (i = 0; i < n; i++) {
		struct sr_manifest_member mb;
		char *full = xjoin(srcdir, names[i]);

		memset(&mb, 0, sizeof(mb));
		mb.name = full[0] == '/' ? full + 1 : full;
		mb.orig = full;
		if (sr_manifest_add_member(p->m, idx, &mb) != SR_OK)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		free(full);
		sel->nfiles++;
	}
	p->src_root =
	    sr_xreallocarray(p->src_root, p->nsrc + 1, sizeof(*p->src_root));
	p->is_dir = sr_xreallocarray(p->is_dir, p->nsrc + 1, 1);
	/* The source's own top is never removed, only what lies below. */
	p->is_dir[p->nsrc] =
	    f->member[0] != '\0' && sr_input_find(in, f->member) == NULL;
	p->src_root[p->nsrc++] = root;
	free(aroot);
	sel->nrec++;
}

/* Every old recording of one source. */
static void
select_source(struct selector *sel, const char *path)
{
	struct sr_input *in;
	struct sr_found *found;
	struct sr_error err;
	struct stat sb;
	char real[PATH_MAX], *srcdir;
	const char *base = NULL;
	size_t i, n;

	if (stat(path, &sb) != 0) {
		if (sr_args_named_sources(sel->a)) {
			sr_warnx("cannot read '%s': %s", path, strerror(errno));
			sel->rc = SR_EXIT_UNREADABLE;
		}
		return;
	}
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
		sr_warnx("'%s' skipped: not a directory or file", path);
		return;
	}
	if (realpath(path, real) == NULL) {
		sr_warnx("cannot read '%s': %s", path, strerror(errno));
		sel->rc = SR_EXIT_UNREADABLE;
		return;
	}
	sr_error_clear(&err);
	if (sr_input_open_flags(sel->ctx, real,
		S_ISREG(sb.st_mode) ? SR_INPUT_PARTNERS : 0, &in,
		&err) != SR_OK) {
		sr_warn_error("cannot read", &err);
		sel->rc = SR_EXIT_UNREADABLE;
		return;
	}
	if (sr_input_kind(in) == SR_INPUT_ARCHIVE) {
		/* Nothing can be deleted from inside an archive. */
		if (sr_args_named_sources(sel->a))
			sr_warnx("'%s' skipped: an archive is not a hot "
				 "source",
			    path);
		sr_input_close(in);
		return;
	}
	if (sr_input_kind(in) == SR_INPUT_FILE) {
		srcdir = dir_of(real);
		base =
		    strrchr(real, '/') != NULL ? strrchr(real, '/') + 1 : real;
	} else
		srcdir = sr_xstrdup(real);
	if (sr_probe_container(in, 0, &found, &n, &err) != SR_OK) {
		sr_warn_error("cannot read", &err);
		sel->rc = SR_EXIT_UNREADABLE;
		free(srcdir);
		sr_input_close(in);
		return;
	}
	for (i = 0; i < n && stop_signal == 0; i++)
		if (found[i].fmt != NULL && mine(&found[i], base))
			consider(sel, in, srcdir, &found[i]);
	sr_found_free_all(found, n);
	free(srcdir);
	sr_input_close(in);
}

/*
 * Writing.
 */

struct checker {
	int n;
};

static void
check_problem(void *arg, const char *member, const char *msg)
{
	struct checker *c = arg;
	struct sr_buf b;

	c->n++;
	sr_buf_init(&b, 1 << 16);
	(void)sr_str_escape(&b, member, strlen(member));
	sr_warnx("check failed: member '%s': %s", b.data, msg);
	sr_buf_release(&b);
}

/* Copies the planned files into the archive; fills sizes and hashes. */
static int
write_members(struct plan *p, struct sr_pack *pk)
{
	struct sr_error err;
	struct stat sb;
	size_t i;
	int fd;

	for (i = 0; i < p->m->nmembers; i++) {
		struct sr_manifest_member *mb = &p->m->members[i];

		if (stop_signal != 0) {
			sr_warnx("interrupted: nothing archived");
			return (-1);
		}
		fd = open(mb->orig, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			sr_warnx("cannot read '%s': %s", mb->orig,
			    fd < 0 ? strerror(errno) : "not a regular file");
			if (fd >= 0)
				close(fd);
			return (-1);
		}
		sr_error_clear(&err);
		if (sr_pack_add_fd(pk, mb->name, fd, &sb, mb->sha256, &err) !=
		    SR_OK) {
			close(fd);
			sr_warn_error("cannot archive", &err);
			return (-1);
		}
		close(fd);
		mb->size = sb.st_size;
		mb->mode = (uint32_t)sb.st_mode & 07777;
		mb->mtime_ns = (int64_t)sb.st_mtim.tv_sec * SR_NSEC_PER_SEC +
		    sb.st_mtim.tv_nsec;
		p->files[i].member = i;
		p->files[i].dev = sb.st_dev;
		p->files[i].ino = sb.st_ino;
		p->bytes += sb.st_size;
	}
	return (0);
}

/* Renames tmp to dest, never replacing dest. 0 or -1 with errno. */
static int
rename_noreplace(const char *tmp, const char *dest)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE) == 0)
		return (0);
	if (errno != EINVAL && errno != ENOSYS)
		return (-1);
#endif
	/* A file system without the flag: link(2) never replaces either. */
	if (link(tmp, dest) != 0)
		return (-1);
	return (unlink(tmp));
}

/*
 * Step 4: DEST read back as a stranger would.  0 when it holds exactly
 * what was written and every recording reads as well as before.
 */
static int
check_dest(struct sr_ctx *ctx, const char *dest, const struct stat *want,
    const struct sr_buf *mbytes, const struct plan *p, const struct sr_key *key,
    const struct sr_trust *trust)
{
	struct checker c = { 0 };
	struct sr_manifest *got = NULL;
	struct sr_input *in = NULL;
	struct sr_found *found = NULL;
	struct sr_verify_result res;
	struct sr_error err;
	struct stat sb;
	size_t i, k, nfound = 0;
	int fd, st, bad = 0;

	if ((fd = open(dest, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) != 0 || sb.st_dev != want->st_dev ||
	    sb.st_ino != want->st_ino) {
		sr_warnx("check failed: cannot reopen '%s': %s", dest,
		    fd < 0 ? strerror(errno) : "another file");
		if (fd >= 0)
			close(fd);
		return (-1);
	}
	sr_error_clear(&err);
	st = sr_manifest_check_archive(ctx, fd, dest, mbytes, &got,
	    check_problem, &c, &err);
	close(fd);
	if (st < SR_WARN) {
		sr_warn_error("check failed", &err);
		return (-1);
	}
	if (st != SR_OK || c.n > 0)
		bad = 1;
	if (!sr_manifest_sig_ok(got, sr_key_public(key))) {
		sr_warnx("check failed: the manifest signature does not "
			 "verify");
		bad = 1;
	}
	sr_manifest_free(got);
	if (bad)
		return (-1);

	/* Every recording is found again, by the same format. */
	sr_error_clear(&err);
	if (sr_input_open(ctx, dest, &in, &err) != SR_OK ||
	    sr_probe_container(in, 0, &found, &nfound, &err) != SR_OK) {
		sr_warn_error("check failed: cannot read", &err);
		sr_input_close(in);
		return (-1);
	}
	for (i = 0; i < p->m->nrecs && !bad; i++) {
		const struct sr_manifest_rec *r = &p->m->recs[i];
		const struct sr_format *fmt = NULL;

		for (k = 0; k < nfound; k++)
			if (found[k].fmt != NULL &&
			    strcmp(found[k].member, r->root) == 0)
				fmt = found[k].fmt;
		if (fmt == NULL ||
		    strcmp(sr_format_name(fmt), r->format) != 0) {
			sr_warnx("check failed: recording '%s' is not found "
				 "as %s in the archive",
			    r->root, r->format);
			bad = 1;
			break;
		}
		if (strcmp(r->format, "sessrec") != 0)
			continue;
		sr_error_clear(&err);
		/* The manifest was checked above, in full. */
		if (sr_verify(ctx, in, r->root, fmt, trust, NULL, 0,
			SR_VERIFY_NO_MANIFEST, &res, &err) != SR_OK) {
			sr_warn_error("check failed: cannot verify", &err);
			bad = 1;
		} else if (res.verdict > r->verdict) {
			sr_warnx("check failed: recording '%s' verifies %s in "
				 "the archive, %s before",
			    r->root, sr_verdict_name(res.verdict),
			    sr_verdict_name(r->verdict));
			bad = 1;
		}
	}
	sr_found_free_all(found, nfound);
	sr_input_close(in);
	return (bad ? -1 : 0);
}

/* Hash of a file now; 0, or -1 when it cannot be read. */
static int
hash_file(const char *path, const struct pfile *pf, int64_t *size,
    unsigned char sha[SR_HASH_LEN])
{
	struct sr_sha256 h;
	struct stat sb;
	unsigned char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return (-1);
	if (fstat(fd, &sb) != 0 || sb.st_dev != pf->dev ||
	    sb.st_ino != pf->ino) {
		close(fd);
		return (-1);
	}
	*size = 0;
	sr_sha256_init(&h);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		sr_sha256_update(&h, buf, (size_t)n);
		*size += n;
	}
	sr_sha256_final(&h, sha);
	close(fd);
	return (n < 0 ? -1 : 0);
}

/*
 * Step 5: each recording whose files are all as archived loses them.
 * Returns the number of recordings kept.
 */
static size_t
delete_originals(const struct plan *p)
{
	const struct sr_manifest *m = p->m;
	unsigned char sha[SR_HASH_LEN];
	int64_t size;
	size_t r, i, kept = 0;
	int same, gone;
	char *d;

	for (r = 0; r < m->nrecs; r++) {
		same = 1;
		for (i = 0; i < m->nmembers && same; i++) {
			const struct sr_manifest_member *mb = &m->members[i];

			if (mb->rec != r)
				continue;
			if (hash_file(mb->orig, &p->files[i], &size, sha) !=
				0 ||
			    size != mb->size ||
			    memcmp(sha, mb->sha256, SR_HASH_LEN) != 0) {
				sr_warnx("'%s' changed since it was archived: "
					 "recording '%s' kept",
				    mb->orig, p->src_root[r]);
				same = 0;
			}
		}
		if (!same) {
			kept++;
			continue;
		}
		gone = 1;
		for (i = 0; i < m->nmembers; i++) {
			const struct sr_manifest_member *mb = &m->members[i];

			if (mb->rec != r)
				continue;
			if (unlink(mb->orig) != 0) {
				sr_warnx("cannot remove '%s': %s", mb->orig,
				    strerror(errno));
				gone = 0;
				continue;
			}
			d = dir_of(mb->orig);
			fsync_dir(d);
			free(d);
		}
		if (!gone) {
			kept++;
			continue;
		}
		/* A session directory (sudo) goes too once it is empty. */
		if (p->is_dir[r] && rmdir(p->src_root[r]) == 0) {
			d = dir_of(p->src_root[r]);
			fsync_dir(d);
			free(d);
		}
	}
	return (kept);
}

static void
print_rec(const char *what, const char *path, const struct sr_manifest_rec *r,
    int verdict)
{
	struct sr_buf b;
	char iso[64];

	sr_buf_init(&b, 1 << 20);
	(void)sr_buf_printf(&b, "%s  %s  %s  ", what, r->format,
	    sr_time_format_iso(r->end_ns, iso, sizeof(iso)));
	if (verdict)
		(void)sr_buf_printf(&b, "%s  ", sr_verdict_name(r->verdict));
	(void)sr_str_escape(&b, path, strlen(path));
	fwrite(b.data, 1, b.len, stdout);
	putchar('\n');
	sr_buf_release(&b);
}

static int
do_archive(struct sr_args *a, const char *dest, int64_t age)
{
	struct sr_config *cfg;
	struct sr_catalog *cat;
	struct sr_key *key = NULL;
	struct sr_trust *trust = NULL;
	struct selector sel;
	struct plan plan;
	struct sr_pack *pk = NULL;
	struct sr_error err;
	struct sr_buf mbytes;
	struct stat sb;
	char *dir, *tmp = NULL, host[256];
	const char *base;
	size_t i, kept;
	int fd = -1, rc, dry = sr_args_has(a, OPT_DRY_RUN);
	int64_t now = sr_time_now();

	if (lstat(dest, &sb) == 0)
		sr_errx(SR_EXIT_INTERNAL,
		    "'%s' exists: an archive is never "
		    "overwritten",
		    dest);
	cat = sr_args_catalog(a); /* --limit, --source, the defaults */
	cfg = load_config(a);
	if (!dry) {
		key = load_key(a, cfg);
		trust = load_trust(a, cfg, key);
	}
	memset(&plan, 0, sizeof(plan));
	if ((plan.m = sr_manifest_new()) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	memset(&sel, 0, sizeof(sel));
	sel.a = a;
	sel.ctx = a->ctx;
	sel.trust = trust;
	sel.plan = &plan;
	sel.cutoff = now - age;
	sel.dry_run = dry;
	sel.rc = SR_EXIT_OK;
	for (i = 0; i < sr_catalog_nsources(cat); i++)
		select_source(&sel, sr_catalog_source(cat, i));
	rc = sel.rc;
	if (stop_signal != 0)
		sr_errx(SR_EXIT_INTERNAL, "interrupted: nothing archived");
	sr_error_clear(&err);
	if (sr_manifest_sort(plan.m, &err) != SR_OK)
		sr_errx(SR_EXIT_INTERNAL, "%s", err.msg);
	if (dry || plan.m->nrecs == 0) {
		for (i = 0; i < plan.m->nrecs && !a->quiet; i++)
			print_rec("would archive", plan.src_root[i],
			    &plan.m->recs[i], 0);
		if (plan.m->nrecs == 0 && !a->quiet)
			sr_warnx("nothing to archive");
		goto done;
	}
	plan.files = sr_xcalloc(plan.m->nmembers, sizeof(*plan.files));

	/* Step 2: the temporary file beside DEST. */
	dir = dir_of(dest);
	base = strrchr(dest, '/') != NULL ? strrchr(dest, '/') + 1 : dest;
	tmp = sr_xcalloc(strlen(dir) + strlen(base) + 16, 1);
	(void)snprintf(tmp, strlen(dir) + strlen(base) + 16, "%s/.%s.XXXXXX",
	    dir, base);
	if ((fd = mkstemp(tmp)) < 0) {
		sr_warnx("cannot create a file in '%s': %s", dir,
		    strerror(errno));
		free(dir);
		free(tmp);
		tmp = NULL;
		rc = SR_EXIT_INTERNAL;
		goto done;
	}
	sr_buf_init(&mbytes, SR_MANIFEST_MAX + 1024);
	sr_error_clear(&err);
	if (sr_pack_open(fd, tmp, 0, &pk, &err) != SR_OK) {
		sr_warn_error("cannot write", &err);
		goto fail;
	}
	if (write_members(&plan, pk) != 0)
		goto fail;
	plan.m->created_ns = sr_time_now();
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		plan.m->host = sr_xstrdup(host);
	}
	if (sr_manifest_encode(plan.m, key, &mbytes, &err) != SR_OK ||
	    sr_pack_add_mem(pk, SR_MANIFEST_NAME, mbytes.data, mbytes.len, 0444,
		plan.m->created_ns, &err) != SR_OK ||
	    sr_pack_close(pk, &err) != SR_OK) {
		sr_warn_error("cannot write", &err);
		goto fail;
	}
	if (fsync(fd) != 0 || fchmod(fd, 0440) != 0 || fstat(fd, &sb) != 0) {
		sr_warnx("cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		sr_warnx("cannot write '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	/* Step 3. */
	if (rename_noreplace(tmp, dest) != 0) {
		sr_warnx("cannot rename '%s' to '%s': %s", tmp, dest,
		    strerror(errno));
		goto fail;
	}
	free(tmp);
	tmp = NULL;
	fsync_dir(dir);
	/* Step 4. */
	if (check_dest(a->ctx, dest, &sb, &mbytes, &plan, key, trust) != 0) {
		struct stat now_sb;

		/* Ours, by inode: remove the bad archive, keep originals. */
		if (lstat(dest, &now_sb) == 0 && now_sb.st_ino == sb.st_ino &&
		    now_sb.st_dev == sb.st_dev)
			(void)unlink(dest);
		fsync_dir(dir);
		sr_warnx("'%s' failed its check: removed; nothing deleted",
		    dest);
		free(dir);
		sr_buf_release(&mbytes);
		rc = SR_EXIT_INTERNAL;
		goto done;
	}
	free(dir);
	sr_buf_release(&mbytes);
	/* Step 5. */
	kept = delete_originals(&plan);
	for (i = 0; i < plan.m->nrecs && !a->quiet; i++)
		print_rec("archived", plan.src_root[i], &plan.m->recs[i], 1);
	if (!a->quiet)
		sr_warnx("%zu recording%s, %zu file%s, %.1f MB archived to "
			 "'%s'%s",
		    plan.m->nrecs, plan.m->nrecs == 1 ? "" : "s",
		    plan.m->nmembers, plan.m->nmembers == 1 ? "" : "s",
		    (double)plan.bytes / 1e6, dest,
		    kept > 0 ? "; some originals kept" : "");
	if (kept > 0 && rc < SR_EXIT_NEGATIVE)
		rc = SR_EXIT_NEGATIVE;
	goto done;

fail:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	tmp = NULL;
	fsync_dir(dir);
	free(dir);
	sr_buf_release(&mbytes);
	sr_warnx("nothing archived: originals untouched");
	rc = SR_EXIT_INTERNAL;
done:
	sr_pack_free(pk);
	for (i = 0; i < plan.nsrc; i++)
		free(plan.src_root[i]);
	free(plan.src_root);
	free(plan.is_dir);
	free(plan.files);
	sr_manifest_free(plan.m);
	sr_trust_free(trust);
	sr_key_free(key);
	sr_config_free(cfg);
	sr_catalog_free(cat);
	return (rc);
}

/*
 * --expire.
 */

struct expire_problem {
	char first[SR_ERROR_MSG_MAX];
	int n;
};

static void
expire_problem(void *arg, const char *member, const char *msg)
{
	struct expire_problem *e = arg;

	if (e->n++ == 0)
		(void)snprintf(e->first, sizeof(e->first), "member '%s': %s",
		    member, msg);
}

static int
name_cmp(const void *x, const void *y)
{
	return (strcmp(*(char *const *)x, *(char *const *)y));
}

static int
do_expire(struct sr_args *a, const char *dir, int64_t age)
{
	struct sr_config *cfg;
	struct sr_catalog *cat;
	struct sr_key *key = NULL;
	struct sr_trust *trust;
	struct sr_manifest *m;
	struct sr_error err;
	struct expire_problem ep;
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char **names = NULL, *path, iso[64];
	size_t n = 0, cap = 0, i, r;
	int rc = SR_EXIT_OK, fd, st, dry = sr_args_has(a, OPT_DRY_RUN);
	int64_t cutoff = sr_time_now() - age, newest;

	cat = sr_args_catalog(a); /* checks --limit */
	cfg = load_config(a);
	if (sr_args_has(a, 'k'))
		key = load_key(a, cfg);
	trust = load_trust(a, cfg, key);
	if (sr_trust_count(trust) == 0)
		sr_errx(SR_EXIT_UNREADABLE,
		    "--expire needs a trusted key: use -k, --trusted or "
		    "trusted_keys");
	if ((d = opendir(dir)) == NULL)
		sr_errx(SR_EXIT_UNREADABLE, "cannot read '%s': %s", dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* also our own temporary files */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = sr_xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = sr_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		path = xjoin(dir, names[i]);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(path);
			continue;
		}
		memset(&ep, 0, sizeof(ep));
		m = NULL;
		sr_error_clear(&err);
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			sr_warnx("kept '%s': cannot read: %s", path,
			    strerror(errno));
			rc = SR_EXIT_NEGATIVE;
			free(path);
			continue;
		}
		st = sr_manifest_check_archive(a->ctx, fd, path, NULL, &m,
		    expire_problem, &ep, &err);
		close(fd);
		if (st < SR_WARN) {
			sr_warnx("kept '%s': no valid manifest: %s", path,
			    err.msg);
			rc = SR_EXIT_NEGATIVE;
		} else if (ep.n > 0) {
			sr_warnx("kept '%s': does not match its manifest: %s%s",
			    path, ep.first, ep.n > 1 ? " (and more)" : "");
			rc = SR_EXIT_NEGATIVE;
		} else if (sr_manifest_trusted(m, trust, &err) != SR_OK) {
			sr_warnx("kept '%s': %s", path, err.msg);
			rc = SR_EXIT_NEGATIVE;
		} else {
			newest = INT64_MIN;
			for (r = 0; r < m->nrecs; r++)
				if (m->recs[r].end_ns > newest)
					newest = m->recs[r].end_ns;
			if (m->nrecs == 0)
				newest = m->created_ns;
			(void)sr_time_format_iso(newest, iso, sizeof(iso));
			if (newest >= cutoff) {
				/* Still within retention. */
			} else if (dry) {
				printf("would delete  %s  newest %s\n", path,
				    iso);
			} else if (unlink(path) != 0) {
				sr_warnx("cannot delete '%s': %s", path,
				    strerror(errno));
				rc = SR_EXIT_NEGATIVE;
			} else {
				fsync_dir(dir);
				if (!a->quiet)
					printf("deleted  %s  newest %s\n", path,
					    iso);
			}
		}
		sr_manifest_free(m);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sr_trust_free(trust);
	sr_key_free(key);
	sr_config_free(cfg);
	sr_catalog_free(cat);
	return (rc);
}

static int
cmd_archive_exec(struct sr_args *a)
{
	const char *older = sr_args_get(a, OPT_OLDER_THAN);
	const char *expire = sr_args_get(a, OPT_EXPIRE);
	const char *v = older != NULL ? older : expire;
	struct sigaction sa;
	int64_t age;

	if ((older == NULL) == (expire == NULL)) {
		sr_warnx("give one of --older-than or --expire");
		sr_usage(a->cmd);
	}
	if (a->argc != 1)
		sr_usage(a->cmd);
	if (sr_time_parse_duration(v, &age) != 0 || age < 0) {
		sr_warnx("bad age '%s'", v);
		sr_usage(a->cmd);
	}
	/* A file size limit makes write(2) fail with EFBIG, not kill us. */
	(void)signal(SIGXFSZ, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	if (expire != NULL)
		return (do_expire(a, a->argv[0], age));
	return (do_archive(a, a->argv[0], age));
}

static const struct option archive_longopts[] = {
	{ "older-than", required_argument, NULL, OPT_OLDER_THAN },
	{ "expire", required_argument, NULL, OPT_EXPIRE },
	{ "key", required_argument, NULL, 'k' },
	{ "trusted", required_argument, NULL, OPT_TRUSTED_KEYS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_archive = {
	.name = "archive",
	.summary = "pack old recordings into a signed archive; expire archives",
	.usage = "sessrec archive --older-than AGE [-q] [-k KEYFILE] "
		 "[--trusted PATH] [--dry-run]\n"
		 "                       [--source PATH] [--config FILE] "
		 "[--limit NAME=VALUE] DEST.tar.zst\n"
		 "       sessrec archive --expire AGE [-q] [-k KEYFILE] "
		 "[--trusted PATH] [--dry-run] DIR",
	.help = "  --older-than AGE    archive recordings that ended more "
		"than AGE ago\n"
		"                      (30m, 6h, 14d) into DEST, then delete "
		"them\n"
		"  --expire AGE        delete archives in DIR whose newest "
		"recording\n"
		"                      ended more than AGE ago\n"
		"  -k, --key KEYFILE   sign the manifest with this host key "
		"(default:\n"
		"                      the configuration's key, else\n"
		"                      /etc/sessrec/host.key); its public "
		"half is trusted\n"
		"  --trusted PATH      trust this public key or every *.pub "
		"in PATH\n"
		"                      (repeatable; default: trusted_keys, "
		"else\n"
		"                      /etc/sessrec/trusted.d)\n"
		"  --dry-run           list what would be archived or "
		"deleted\n" SR_SOURCE_HELP,
	.optstring = "hk:q",
	.longopts = archive_longopts,
	.min_args = 1,
	.max_args = 1,
	.flags = SR_CMD_READS,
	.exec = cmd_archive_exec,
};
