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
 * Unit tests of the input layer: containers (plain files, directory
 * trees, archives, memory), decoding (gzip, zstd, xz, bzip2, truncated
 * and live gzip, bombs) and the byte view (getline, peek, read, seek).
 *
 * Fixtures are built at test time in a mkdtemp directory with
 * libarchive's write API, so that the expected bytes are known exactly;
 * one real archive from sudo (samples/sudo-io/exact-modes.tar.gz) is
 * used when it can be found.
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

#include <archive.h>
#include <archive_entry.h>

#include "unit.h"
#include "input/input-private.h"

#define KiB 1024
#define MiB (1024 * 1024)

static char tmpdir[PATH_MAX];

/* Expected contents, made by a generator so big ones need no storage. */
enum gen {
	GEN_NONE,  /* do not check the bytes */
	GEN_TEXT,  /* numbered lines */
	GEN_ZEROS, /* NUL bytes */
	GEN_FILE,  /* the bytes of the fixture file itself */
	GEN_STR,   /* the string in the case */
};

static unsigned char *
gen_text(size_t n)
{
	unsigned char *p = malloc(n + 64);
	size_t o = 0;
	unsigned i = 0;

	assert_non_null(p);
	while (o < n)
		o += (size_t)snprintf((char *)p + o, 64,
		    "%07u the quick brown fox jumps over the lazy dog\n", i++);
	return (p);
}

static unsigned char *
gen_bytes(enum gen g, size_t n)
{
	unsigned char *p;

	if (g == GEN_TEXT)
		return (gen_text(n));
	p = calloc(1, n + 1);
	assert_non_null(p);
	return (p);
}

static const char *
fx(const char *rel)
{
	static char buf[2][PATH_MAX + 256];
	static int which;

	which ^= 1;
	(void)snprintf(buf[which], sizeof(buf[which]), "%s/%s", tmpdir, rel);
	return (buf[which]);
}

static void
write_file(const char *rel, const void *data, size_t len)
{
	FILE *f = fopen(fx(rel), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *
slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t len = 0, cap = 0, r;

	assert_non_null(f);
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			assert_non_null(p = realloc(p, cap));
		}
		if ((r = fread(p + len, 1, cap - len, f)) == 0)
			break;
		len += r;
	}
	fclose(f);
	*lenp = len;
	return (p);
}

enum filt { F_NONE, F_GZIP, F_ZSTD, F_XZ, F_BZIP2 };

static void
add_filter(struct archive *a, enum filt f)
{
	switch (f) {
	case F_NONE:
		break;
	case F_GZIP:
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
		break;
	case F_ZSTD:
		assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
		break;
	case F_XZ:
		assert_int_equal(archive_write_add_filter_xz(a), ARCHIVE_OK);
		break;
	case F_BZIP2:
		assert_int_equal(archive_write_add_filter_bzip2(a), ARCHIVE_OK);
		break;
	}
}

/* Compresses data with one filter; caller frees *out. */
static void
compress(enum filt f, const void *data, size_t len, unsigned char **out,
    size_t *outlen)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t cap = len + len / 2 + 64 * KiB, used = 0;

	assert_non_null(*out = malloc(cap));
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	add_filter(a, f);
	assert_int_equal(archive_write_open_memory(a, *out, cap, &used),
	    ARCHIVE_OK);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)len);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (len > 0)
		assert_int_equal(archive_write_data(a, data, len),
		    (ssize_t)len);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
	*outlen = used;
}

static void
write_compressed(const char *rel, enum filt f, const void *data, size_t len)
{
	unsigned char *out;
	size_t outlen;

	compress(f, data, len, &out, &outlen);
	write_file(rel, out, outlen);
	free(out);
}

struct ent {
	const char *name;
	const void *data;
	size_t len;
	unsigned mode; /* 0: 0644; S_IFDIR/S_IFLNK bits make others */
};

enum afmt { A_PAX, A_ZIP, A_CPIO };

static void
write_archive(const char *rel, enum afmt fmt, enum filt f,
    const struct ent *ents, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i;

	switch (fmt) {
	case A_PAX:
		assert_int_equal(archive_write_set_format_pax_restricted(a),
		    ARCHIVE_OK);
		break;
	case A_ZIP:
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
		break;
	case A_CPIO:
		assert_int_equal(archive_write_set_format_cpio_newc(a),
		    ARCHIVE_OK);
		break;
	}
	add_filter(a, f);
	assert_int_equal(archive_write_open_filename(a, fx(rel)), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i].name);
		archive_entry_set_mtime(e, 1795577824, 5);
		archive_entry_set_size(e, 0);
		if ((ents[i].mode & S_IFMT) == S_IFDIR) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else if ((ents[i].mode & S_IFMT) == S_IFLNK) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e,
			    (const char *)ents[i].data);
			archive_entry_set_perm(e, 0777);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e,
			    ents[i].mode ? ents[i].mode & 07777 : 0644);
			archive_entry_set_size(e, (la_int64_t)ents[i].len);
		}
		if (archive_write_header(a, e) != ARCHIVE_OK)
			fail_msg("%s: cannot write %s: %s", rel, ents[i].name,
			    archive_error_string(a));
		if ((ents[i].mode & S_IFMT) == 0 && ents[i].len > 0)
			assert_int_equal(archive_write_data(a, ents[i].data,
					     ents[i].len),
			    (ssize_t)ents[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* The 25-byte gzip stream sudo writes for an empty file. */
static const unsigned char empty_gz[25] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0,
	0x03, 0x00, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00 };

/*
 * What sudo's iolog_flush leaves while a command runs: a gzip header and
 * deflate blocks, each ended by a sync flush, and no final block.  Stored
 * blocks make it by hand: 00, LEN, ~LEN (little-endian), the bytes.
 */
static void
write_live_gz(const char *rel, const unsigned char *text, size_t len)
{
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0,
		0, 0x03 };
	unsigned char *p = malloc(len + len / 100 * 5 + 64);
	size_t o = 0, i, k;

	assert_non_null(p);
	memcpy(p, hdr, sizeof(hdr));
	o = sizeof(hdr);
	for (i = 0; i < len; i += k) {
		k = len - i < 1000 ? len - i : 1000;
		p[o++] = 0x00;
		p[o++] = (unsigned char)(k & 0xff);
		p[o++] = (unsigned char)(k >> 8);
		p[o++] = (unsigned char)(~k & 0xff);
		p[o++] = (unsigned char)((~k >> 8) & 0xff);
		memcpy(p + o, text + i, k);
		o += k;
	}
	write_file(rel, p, o);
	free(p);
}

static const char log2_text[] = "second\n";
static const char fakecpio[] =
    "\xc7\x71 this is no cpio archive, just two magic bytes\n";
static const char log1_text[] = "first\n";

static void
build_fixtures(void)
{
	unsigned char *t, *z, *c;
	size_t clen, i;
	char name[64];
	int fd;

	t = gen_text(3 * MiB);
	z = gen_bytes(GEN_ZEROS, 10 * MiB);

	write_file("plain.txt", t, 1000);
	write_file("big.txt", t, 3 * MiB / 2);
	write_file("empty", "", 0);
	write_compressed("text.gz", F_GZIP, t, 300000);
	write_compressed("text.zst", F_ZSTD, t, 200000);
	write_compressed("text.xz", F_XZ, t, 200000);
	write_compressed("text.bz2", F_BZIP2, t, 200000);
	write_compressed("big.gz", F_GZIP, t, 3 * MiB);
	write_compressed("zeros.gz", F_GZIP, z, 10 * MiB);
	write_file("empty.gz", empty_gz, sizeof(empty_gz));
	write_file("hdr.gz", empty_gz, 10);
	write_live_gz("live.gz", t, 3000);

	/* Half of a gzip stream: a truncated copy. */
	compress(F_GZIP, t, 300000, &c, &clen);
	write_file("trunc.gz", c, clen / 2);
	free(c);

	/* A zstd skippable frame (sessrec's native files start so). */
	{
		unsigned char sk[16] = { 0x50, 0x2a, 0x4d, 0x18, 8, 0, 0, 0,
			's', 'e', 's', 's', 'r', 'e', 'c', '1' };

		write_file("native.sr", sk, sizeof(sk));
	}
	/* Two bytes of binary cpio magic, then no cpio header. */
	write_file("fakecpio", fakecpio, sizeof(fakecpio) - 1);

	/* A directory tree with a symlink, a FIFO and a read-only file. */
	assert_int_equal(mkdir(fx("tree"), 0755), 0);
	assert_int_equal(mkdir(fx("tree/a"), 0755), 0);
	assert_int_equal(mkdir(fx("tree/a/b"), 0755), 0);
	assert_int_equal(mkdir(fx("tree/a/b/d"), 0755), 0);
	assert_int_equal(mkdir(fx("tree/ro"), 0755), 0);
	assert_int_equal(mkdir(fx("tree/emptydir"), 0755), 0);
	write_file("tree/a/b/c.txt", t, 500);
	write_file("tree/a/b/d/e.txt", "e\n", 2);
	write_file("tree/a/top.txt", "top\n", 4);
	write_file("tree/z.txt", "z\n", 2);
	write_file("tree/ro/timing", "4 0.5 3\n", 8);
	assert_int_equal(chmod(fx("tree/ro/timing"), 0400), 0);
	assert_int_equal(symlink("z.txt", fx("tree/link")), 0);
	assert_int_equal(symlink("/etc", fx("tree/a/etclink")), 0);
	assert_int_equal(mkfifo(fx("tree/fifo"), 0600), 0);

	/* Many files, for the member limit. */
	assert_int_equal(mkdir(fx("many"), 0755), 0);
	for (i = 0; i < 5; i++) {
		(void)snprintf(name, sizeof(name), "many/f%zu", i);
		write_file(name, "x", 1);
	}

	/*
	 * A tar.zst whose members arrive out of order, carry gzip'd data
	 * (two layers of compression), odd names and a duplicate.
	 */
	{
		unsigned char *g;
		size_t glen;
		struct ent e[8];

		compress(F_GZIP, t, 5000, &g, &glen);
		memset(e, 0, sizeof(e));
		e[0] = (struct ent){ "s/ttyout", g, glen, 0600 };
		e[1] = (struct ent){ "./s/log", log1_text, 6, 0600 };
		e[2] = (struct ent){ "s/timing", g, glen, 0400 };
		e[3] = (struct ent){ "/abs/x", "x", 1, 0 };
		e[4] = (struct ent){ "a//b", "b", 1, 0 };
		e[5] = (struct ent){ "dir", NULL, 0, S_IFDIR };
		e[6] = (struct ent){ "s/log", log2_text, 7, 0600 };
		e[7] = (struct ent){ "lnk", "s/log", 0, S_IFLNK };
		write_archive("pack.tar.zst", A_PAX, F_ZSTD, e, 8);
		write_archive("pack.zip", A_ZIP, F_NONE, e, 8);
		write_archive("pack.cpio", A_CPIO, F_NONE, e, 7);

		e[0] = (struct ent){ "big", t, 100000, 0 };
		e[1] = (struct ent){ "z.gz", g, glen, 0 };
		e[2] = (struct ent){ "small", "s\n", 2, 0 };
		write_archive("pack.tar.gz", A_PAX, F_GZIP, e, 3);
		free(g);
	}
	{
		struct ent e[4] = {
			{ "../evil", "evil", 4, 0 },
			{ "ok/../../x", "x", 1, 0 },
			{ "good", "good", 4, 0 },
			{ "a/./..", "y", 1, 0 },
		};

		write_archive("evil.tar", A_PAX, F_NONE, e, 4);
	}
	{
		struct ent e[5] = {
			{ "f0", "0", 1, 0 },
			{ "f1", "1", 1, 0 },
			{ "f2", "2", 1, 0 },
			{ "f3", "3", 1, 0 },
			{ "f4", "4", 1, 0 },
		};

		write_archive("many.tar", A_PAX, F_NONE, e, 5);
	}
	{
		struct ent e[2] = {
			{ "zeros", z, 10 * MiB, 0 },
			{ "after", "a", 1, 0 },
		};

		write_archive("bomb.tar.gz", A_PAX, F_GZIP, e, 2);
	}
	/* A tar.gz cut in the middle of its members. */
	{
		struct ent e[20];
		char names[20][8];
		unsigned char *a;
		size_t alen;

		for (i = 0; i < 20; i++) {
			(void)snprintf(names[i], sizeof(names[i]), "m%02zu", i);
			e[i] =
			    (struct ent){ names[i], t + i * 20000, 20000, 0 };
		}
		write_archive("cut.tar.gz", A_PAX, F_GZIP, e, 20);
		a = slurp(fx("cut.tar.gz"), &alen);
		write_file("cut.tar.gz", a, alen / 2);
		free(a);
	}
	fd = open(fx("noperm"), O_WRONLY | O_CREAT, 0);
	assert_true(fd != -1);
	close(fd);
	free(t);
	free(z);
}

static int
rm_rf(const char *path)
{
	char cmd[PATH_MAX + 32];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return (system(cmd));
}

static int
group_setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	(void)snprintf(tmpdir, sizeof(tmpdir), "%s/sr-test-input.XXXXXX",
	    t != NULL && t[0] == '/' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	build_fixtures();
	return (0);
}

static int
group_teardown(void **state)
{
	(void)state;
	if (tmpdir[0] != '\0')
		(void)rm_rf(tmpdir);
	return (0);
}

/* Diagnostics are counted, so that cases can expect warnings. */
struct diag {
	size_t warnings;
	char last[1024];
};

static void
count_diag(void *arg, int status, const struct sr_error *e)
{
	struct diag *d = arg;

	if (status == SR_WARN)
		d->warnings++;
	sr_error_format(e, d->last, sizeof(d->last));
}

struct limits {
	uint64_t members;
	uint64_t spool;
	uint64_t decoded;
	uint64_t line;
};

static struct sr_ctx *
new_ctx(const struct limits *l, struct diag *d)
{
	struct sr_ctx *ctx = sr_ctx_new();

	assert_non_null(ctx);
	if (l != NULL && l->members)
		sr_ctx_set_limit(ctx, SR_LIMIT_MEMBERS, l->members);
	if (l != NULL && l->spool)
		sr_ctx_set_limit(ctx, SR_LIMIT_SPOOL, l->spool);
	if (l != NULL && l->decoded)
		sr_ctx_set_limit(ctx, SR_LIMIT_DECODED, l->decoded);
	if (l != NULL && l->line)
		sr_ctx_set_limit(ctx, SR_LIMIT_LINE, l->line);
	if (d != NULL) {
		memset(d, 0, sizeof(*d));
		sr_ctx_set_diag(ctx, count_diag, d);
	}
	return (ctx);
}

/* Members joined by '|', in index order. */
static void
list_members(const struct sr_input *in, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < sr_input_nmembers(in); i++)
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
		    i ? "|" : "", sr_input_member(in, i)->name);
}

/*
 * Containers.
 */
static const struct open_case {
	const char *name;
	const char *path; /* below the fixture directory unless absolute */
	struct limits lim;
	int status;
	enum sr_errcat cat;
	enum sr_input_kind kind;
	const char *members; /* NULL: not checked */
	const char *mode_member;
	unsigned mode;	 /* permission bits of mode_member */
	size_t warnings; /* at least */
} open_cases[] = {
	{ "plain file", "plain.txt", { 0 }, SR_OK, SR_E_NONE, SR_INPUT_FILE,
	    "plain.txt", NULL, 0, 0 },
	{ "empty file", "empty", { 0 }, SR_OK, SR_E_NONE, SR_INPUT_FILE,
	    "empty", NULL, 0, 0 },
	{ "gzip'd file is one member", "text.gz", { 0 }, SR_OK, SR_E_NONE,
	    SR_INPUT_FILE, "text.gz", NULL, 0, 0 },
	{ "binary cpio magic alone", "fakecpio", { 0 }, SR_OK, SR_E_NONE,
	    SR_INPUT_FILE, "fakecpio", NULL, 0, 0 },
	{ "directory tree", "tree", { 0 }, SR_OK, SR_E_NONE, SR_INPUT_DIR,
	    "a/b/c.txt|a/b/d/e.txt|a/top.txt|ro/timing|z.txt", "ro/timing",
	    0400, 0 },
	{ "directory with a trailing slash", "tree/a/", { 0 }, SR_OK, SR_E_NONE,
	    SR_INPUT_DIR, "b/c.txt|b/d/e.txt|top.txt", NULL, 0, 0 },
	{ "directory member limit", "many", { .members = 3 }, SR_FAILED,
	    SR_E_LIMIT, 0, NULL, NULL, 0, 0 },
	{ "directory at the member limit", "many", { .members = 5 }, SR_OK,
	    SR_E_NONE, SR_INPUT_DIR, "f0|f1|f2|f3|f4", NULL, 0, 0 },
	{ "tar.zst out of order", "pack.tar.zst", { 0 }, SR_OK, SR_E_NONE,
	    SR_INPUT_ARCHIVE, "a/b|abs/x|s/log|s/timing|s/ttyout", "s/timing",
	    0400, 1 },
	{ "tar.zst spooled to disk", "pack.tar.zst", { .spool = 100 }, SR_OK,
	    SR_E_NONE, SR_INPUT_ARCHIVE, "a/b|abs/x|s/log|s/timing|s/ttyout",
	    "s/ttyout", 0600, 1 },
	{ "zip", "pack.zip", { 0 }, SR_OK, SR_E_NONE, SR_INPUT_ARCHIVE,
	    "a/b|abs/x|s/log|s/timing|s/ttyout", "s/timing", 0400, 1 },
	{ "cpio is no archive here", "pack.cpio", { 0 }, SR_OK, SR_E_NONE,
	    SR_INPUT_FILE, "pack.cpio", NULL, 0, 0 },
	{ "tar.gz", "pack.tar.gz", { 0 }, SR_OK, SR_E_NONE, SR_INPUT_ARCHIVE,
	    "big|small|z.gz", NULL, 0, 0 },
	{ "'..' members rejected", "evil.tar", { 0 }, SR_OK, SR_E_NONE,
	    SR_INPUT_ARCHIVE, "good", NULL, 0, 3 },
	{ "archive member limit", "many.tar", { .members = 3 }, SR_FAILED,
	    SR_E_LIMIT, 0, NULL, NULL, 0, 0 },
	{ "archive bomb", "bomb.tar.gz", { .decoded = MiB }, SR_FAILED,
	    SR_E_LIMIT, 0, NULL, NULL, 0, 0 },
	{ "archive below the decoded limit", "bomb.tar.gz",
	    { .decoded = 11 * MiB, .spool = MiB }, SR_OK, SR_E_NONE,
	    SR_INPUT_ARCHIVE, "after|zeros", NULL, 0, 0 },
	{ "cut archive keeps its first members", "cut.tar.gz", { 0 }, SR_OK,
	    SR_E_NONE, SR_INPUT_ARCHIVE, NULL, NULL, 0, 1 },
	{ "nonexistent", "no/such/file", { 0 }, SR_FAILED, SR_E_IO, 0, NULL,
	    NULL, 0, 0 },
	{ "device", "/dev/null", { 0 }, SR_FAILED, SR_E_IO, 0, NULL, NULL, 0,
	    0 },
	{ "unreadable regular file", "/proc/self/mem", { 0 }, SR_FAILED,
	    SR_E_IO, 0, NULL, NULL, 0, 0 },
};

static void
test_open(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(open_cases); i++) {
		const struct open_case *c = &open_cases[i];
		const struct sr_member *m;
		struct sr_input *in = NULL;
		struct sr_error err;
		struct sr_ctx *ctx;
		struct diag d;
		char list[1024], msg[2048];
		const char *path = c->path[0] == '/' ? c->path : fx(c->path);
		int st;

		ctx = new_ctx(&c->lim, &d);
		st = sr_input_open(ctx, path, &in, &err);
		if (st != c->status)
			fail_msg("%s: status %d, want %d (%s)", c->name, st,
			    c->status, sr_error_format(&err, msg, sizeof(msg)));
		if (st != SR_OK) {
			if (err.cat != c->cat)
				fail_msg("%s: category %s, want %s", c->name,
				    sr_errcat_name(err.cat),
				    sr_errcat_name(c->cat));
			if (in != NULL)
				fail_msg("%s: input set on failure", c->name);
			if (strcmp(err.path, path) != 0)
				fail_msg("%s: error path '%s'", c->name,
				    err.path);
			sr_ctx_free(ctx);
			continue;
		}
		if (sr_input_kind(in) != c->kind)
			fail_msg("%s: kind %d, want %d", c->name,
			    sr_input_kind(in), c->kind);
		if (strcmp(sr_input_path(in), path) != 0)
			fail_msg("%s: path '%s'", c->name, sr_input_path(in));
		list_members(in, list, sizeof(list));
		if (c->members != NULL && strcmp(list, c->members) != 0)
			fail_msg("%s: members '%s', want '%s'", c->name, list,
			    c->members);
		if (c->members == NULL && sr_input_nmembers(in) == 0)
			fail_msg("%s: no members", c->name);
		if (c->mode_member != NULL) {
			/* Directory walks stat lazily: ask for it. */
			if ((m = sr_input_stat(in, c->mode_member)) == NULL)
				fail_msg("%s: no %s", c->name, c->mode_member);
			if ((m->mode & 07777) != c->mode ||
			    (m->mode & S_IFMT) != S_IFREG)
				fail_msg("%s: %s mode %o, want %o", c->name,
				    c->mode_member, m->mode, c->mode);
			if (c->kind == SR_INPUT_ARCHIVE &&
			    m->mtime_ns != 1795577824LL * SR_NSEC_PER_SEC &&
			    m->mtime_ns != 1795577824LL * SR_NSEC_PER_SEC + 5)
				fail_msg("%s: mtime %lld", c->name,
				    (long long)m->mtime_ns);
		}
		if (d.warnings < c->warnings)
			fail_msg("%s: %zu warnings, want %zu or more", c->name,
			    d.warnings, c->warnings);
		if (sr_input_member(in, sr_input_nmembers(in)) != NULL)
			fail_msg("%s: member past the end", c->name);
		if (sr_input_ctx(in) != ctx)
			fail_msg("%s: context", c->name);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/* Every member is found by name and the table is sorted. */
static void
test_find(void **state)
{
	static const char *const inputs[] = { "tree", "pack.tar.zst",
		"pack.zip", "plain.txt" };
	size_t i, j;

	(void)state;
	for (i = 0; i < nitems(inputs); i++) {
		struct sr_ctx *ctx = new_ctx(NULL, NULL);
		struct sr_input *in;
		struct sr_error err;
		const struct sr_member *m, *prev = NULL;

		if (sr_input_open(ctx, fx(inputs[i]), &in, &err) != SR_OK)
			fail_msg("%s: cannot open", inputs[i]);
		for (j = 0; j < sr_input_nmembers(in); j++) {
			m = sr_input_member(in, j);
			if (sr_input_find(in, m->name) != m)
				fail_msg("%s: find '%s'", inputs[i], m->name);
			if (prev != NULL && strcmp(prev->name, m->name) >= 0)
				fail_msg("%s: '%s' before '%s'", inputs[i],
				    prev->name, m->name);
			prev = m;
		}
		if (sr_input_find(in, "no/such") != NULL ||
		    sr_input_find(in, "") != NULL ||
		    sr_input_find(in, "a") != NULL)
			fail_msg("%s: found a missing member", inputs[i]);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

static void
test_error_names_path(void **state)
{
	struct sr_ctx *ctx = new_ctx(NULL, NULL);
	struct sr_input *in = NULL;
	struct sr_error err;
	char msg[2048];
	const char *path = fx("does-not-exist.json");

	(void)state;
	assert_int_equal(sr_input_open(ctx, path, &in, &err), SR_FAILED);
	assert_null(in);
	assert_int_equal(err.cat, SR_E_IO);
	assert_int_equal(err.errnum, ENOENT);
	sr_error_format(&err, msg, sizeof(msg));
	if (strstr(msg, path) == NULL || strstr(msg, strerror(ENOENT)) == NULL)
		fail_msg("message '%s' lacks the path or errno text", msg);
	/* Unreadable files; root reads anything, so only as a user. */
	if (geteuid() != 0) {
		assert_int_equal(sr_input_open(ctx, fx("noperm"), &in, &err),
		    SR_FAILED);
		assert_int_equal(err.errnum, EACCES);
		sr_error_format(&err, msg, sizeof(msg));
		assert_non_null(strstr(msg, fx("noperm")));
	}
	sr_ctx_free(ctx);
}

/*
 * Streams: open a member, read it all in odd-sized pieces and again with
 * getline, and compare with what it should decode to.
 */
static const struct stream_case {
	const char *name;
	const char *path;
	const char *member;
	unsigned flags;
	struct limits lim;
	int open_status;
	enum sr_errcat open_cat;
	enum gen gen;
	size_t size;	   /* exact size; with min_prefix, the generated size */
	size_t min_prefix; /* a prefix of at least this many bytes */
	const char *str;   /* GEN_STR */
	int decoded;
	int truncated;
	int read_status; /* of reading to the end */
	enum sr_errcat read_cat;
} stream_cases[] = {
	{ "plain", "plain.txt", "plain.txt", 0, { 0 }, SR_OK, 0, GEN_TEXT, 1000,
	    0, NULL, 0, 0, SR_OK, 0 },
	{ "plain, larger than the window", "big.txt", "big.txt", 0, { 0 },
	    SR_OK, 0, GEN_TEXT, 3 * MiB / 2, 0, NULL, 0, 0, SR_OK, 0 },
	{ "empty file", "empty", "empty", 0, { 0 }, SR_OK, 0, GEN_STR, 0, 0, "",
	    0, 0, SR_OK, 0 },
	{ "gzip", "text.gz", "text.gz", 0, { 0 }, SR_OK, 0, GEN_TEXT, 300000, 0,
	    NULL, 1, 0, SR_OK, 0 },
	{ "gzip raw", "text.gz", "text.gz", SR_OPEN_RAW, { 0 }, SR_OK, 0,
	    GEN_FILE, 0, 0, NULL, 0, 0, SR_OK, 0 },
	{ "gzip spooled to a file", "big.gz", "big.gz", 0, { .spool = 65536 },
	    SR_OK, 0, GEN_TEXT, 3 * MiB, 0, NULL, 1, 0, SR_OK, 0 },
	{ "truncated gzip keeps its prefix", "trunc.gz", "trunc.gz", 0, { 0 },
	    SR_OK, 0, GEN_TEXT, 300000, 100000, NULL, 1, 1, SR_OK, 0 },
	{ "live gzip (sync flush, no end)", "live.gz", "live.gz", 0, { 0 },
	    SR_OK, 0, GEN_TEXT, 3000, 3000, NULL, 1, 1, SR_OK, 0 },
	{ "empty gzip stream (25 bytes)", "empty.gz", "empty.gz", 0, { 0 },
	    SR_OK, 0, GEN_STR, 0, 0, "", 1, 0, SR_OK, 0 },
	{ "gzip header alone", "hdr.gz", "hdr.gz", 0, { 0 }, SR_FAILED,
	    SR_E_FORMAT, GEN_NONE, 0, 0, NULL, 0, 0, 0, 0 },
	{ "zstd", "text.zst", "text.zst", 0, { 0 }, SR_OK, 0, GEN_TEXT, 200000,
	    0, NULL, 1, 0, SR_OK, 0 },
	{ "xz", "text.xz", "text.xz", 0, { 0 }, SR_OK, 0, GEN_TEXT, 200000, 0,
	    NULL, 1, 0, SR_OK, 0 },
	{ "bzip2", "text.bz2", "text.bz2", 0, { 0 }, SR_OK, 0, GEN_TEXT, 200000,
	    0, NULL, 1, 0, SR_OK, 0 },
	{ "zstd skippable frame is not decoded", "native.sr", "native.sr", 0,
	    { 0 }, SR_OK, 0, GEN_FILE, 0, 0, NULL, 0, 0, SR_OK, 0 },
	{ "gzip bomb", "zeros.gz", "zeros.gz", 0, { .decoded = MiB }, SR_OK, 0,
	    GEN_ZEROS, 10 * MiB, 64 * KiB, NULL, 1, 0, SR_FAILED, SR_E_LIMIT },
	{ "gzip below the decoded limit", "zeros.gz", "zeros.gz", 0,
	    { .decoded = 10 * MiB }, SR_OK, 0, GEN_ZEROS, 10 * MiB, 0, NULL, 1,
	    0, SR_OK, 0 },
	{ "tar.zst member, gzip'd", "pack.tar.zst", "s/ttyout", 0, { 0 }, SR_OK,
	    0, GEN_TEXT, 5000, 0, NULL, 1, 0, SR_OK, 0 },
	{ "tar.zst member, later duplicate", "pack.tar.zst", "s/log", 0, { 0 },
	    SR_OK, 0, GEN_STR, 7, 0, log2_text, 0, 0, SR_OK, 0 },
	{ "tar.zst member from disk spool", "pack.tar.zst", "s/timing", 0,
	    { .spool = 10 }, SR_OK, 0, GEN_TEXT, 5000, 0, NULL, 1, 0, SR_OK,
	    0 },
	{ "zip member, gzip'd", "pack.zip", "s/timing", 0, { 0 }, SR_OK, 0,
	    GEN_TEXT, 5000, 0, NULL, 1, 0, SR_OK, 0 },
	{ "zip member, later duplicate", "pack.zip", "s/log", 0, { 0 }, SR_OK,
	    0, GEN_STR, 7, 0, log2_text, 0, 0, SR_OK, 0 },
	{ "tar.gz member on disk", "pack.tar.gz", "big", 0, { .spool = 4096 },
	    SR_OK, 0, GEN_TEXT, 100000, 0, NULL, 0, 0, SR_OK, 0 },
	{ "tar.gz member in memory", "pack.tar.gz", "small", 0, { 0 }, SR_OK, 0,
	    GEN_STR, 2, 0, "s\n", 0, 0, SR_OK, 0 },
	{ "directory member", "tree", "a/b/c.txt", 0, { 0 }, SR_OK, 0, GEN_TEXT,
	    500, 0, NULL, 0, 0, SR_OK, 0 },
	{ "directory member, read-only", "tree", "ro/timing", 0, { 0 }, SR_OK,
	    0, GEN_STR, 8, 0, "4 0.5 3\n", 0, 0, SR_OK, 0 },
	{ "symlink is no member", "tree", "link", 0, { 0 }, SR_FAILED, SR_E_IO,
	    GEN_NONE, 0, 0, NULL, 0, 0, 0, 0 },
	{ "missing member", "pack.tar.zst", "s/nope", 0, { 0 }, SR_FAILED,
	    SR_E_IO, GEN_NONE, 0, 0, NULL, 0, 0, 0, 0 },
};

static void
expected(const struct stream_case *c, unsigned char **want, size_t *wlen)
{
	*want = NULL;
	*wlen = 0;
	switch (c->gen) {
	case GEN_NONE:
		break;
	case GEN_TEXT:
	case GEN_ZEROS:
		*want = gen_bytes(c->gen, c->size);
		*wlen = c->size;
		break;
	case GEN_FILE:
		*want = slurp(fx(c->path), wlen);
		break;
	case GEN_STR:
		*want = (unsigned char *)strdup(c->str);
		*wlen = c->size;
		break;
	}
}

/* Reads the rest of a stream in pieces of odd sizes. */
static int
read_rest(struct sr_stream *s, unsigned char **out, size_t *len)
{
	static const size_t pieces[] = { 1, 7, 4096, 300001, 13, 1 << 20 };
	size_t got, cap = 1 << 20, i = 0;
	int st;

	*len = 0;
	assert_non_null(*out = malloc(cap));
	for (;;) {
		size_t n = pieces[i++ % nitems(pieces)];

		if (*len + n > cap) {
			cap = (*len + n) * 2;
			assert_non_null(*out = realloc(*out, cap));
		}
		if ((st = sr_stream_read(s, *out + *len, n, &got)) != SR_OK)
			return (st);
		if (got == 0)
			return (SR_OK);
		*len += got;
	}
}

/* Reads a stream with getline and joins the lines again. */
static int
read_lines(struct sr_stream *s, unsigned char **out, size_t *len)
{
	const char *line;
	size_t l, cap = 1 << 16;
	int complete, st;

	*len = 0;
	assert_non_null(*out = malloc(cap));
	while ((st = sr_stream_getline(s, &line, &l, &complete, 32 * MiB)) ==
	    SR_OK) {
		if (*len + l + 1 > cap) {
			cap = (*len + l + 1) * 2;
			assert_non_null(*out = realloc(*out, cap));
		}
		memcpy(*out + *len, line, l);
		*len += l;
		if (complete)
			(*out)[(*len)++] = '\n';
		else if (memchr(line, '\n', l) != NULL)
			return (SR_FATAL);
	}
	return (st == SR_EOF ? SR_OK : st);
}

static void
check_bytes(const struct stream_case *c, const char *how,
    const unsigned char *got, size_t glen, const unsigned char *want,
    size_t wlen)
{
	size_t i;

	if (c->gen == GEN_NONE)
		return;
	if (c->min_prefix > 0) {
		if (glen < c->min_prefix || glen > wlen)
			fail_msg("%s (%s): %zu bytes, want %zu to %zu", c->name,
			    how, glen, c->min_prefix, wlen);
	} else if (glen != wlen)
		fail_msg("%s (%s): %zu bytes, want %zu", c->name, how, glen,
		    wlen);
	for (i = 0; i < glen; i++)
		if (got[i] != want[i])
			fail_msg("%s (%s): byte %zu is %#x, want %#x", c->name,
			    how, i, got[i], want[i]);
}

static void
test_streams(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(stream_cases); i++) {
		const struct stream_case *c = &stream_cases[i];
		struct sr_ctx *ctx = new_ctx(&c->lim, NULL);
		struct sr_input *in;
		struct sr_stream *s = (struct sr_stream *)&s;
		struct sr_error err;
		unsigned char *want, *got;
		size_t wlen, glen;
		char msg[2048];
		int st;

		if (sr_input_open(ctx, fx(c->path), &in, &err) != SR_OK)
			fail_msg("%s: cannot open the input: %s", c->name,
			    sr_error_format(&err, msg, sizeof(msg)));
		sr_error_clear(&err);
		st = sr_stream_open(in, c->member, c->flags, &s, &err);
		if (st != c->open_status)
			fail_msg("%s: open status %d, want %d (%s)", c->name,
			    st, c->open_status,
			    sr_error_format(&err, msg, sizeof(msg)));
		if (st != SR_OK) {
			if (s != NULL)
				fail_msg("%s: stream set on failure", c->name);
			if (err.cat != c->open_cat)
				fail_msg("%s: open error %s, want %s", c->name,
				    sr_errcat_name(err.cat),
				    sr_errcat_name(c->open_cat));
			if (strcmp(err.loc.member, c->member) != 0 ||
			    strcmp(err.path, fx(c->path)) != 0)
				fail_msg("%s: error names '%s' '%s'", c->name,
				    err.path, err.loc.member);
			sr_input_close(in);
			sr_ctx_free(ctx);
			continue;
		}
		if (strcmp(sr_stream_name(s), c->member) != 0)
			fail_msg("%s: name '%s'", c->name, sr_stream_name(s));
		if (!sr_stream_decoded(s) != !c->decoded)
			fail_msg("%s: decoded %d, want %d", c->name,
			    sr_stream_decoded(s), c->decoded);
		expected(c, &want, &wlen);

		st = read_rest(s, &got, &glen);
		if (st != c->read_status)
			fail_msg("%s: read status %d, want %d (%s)", c->name,
			    st, c->read_status,
			    sr_error_format(sr_stream_error(s), msg,
				sizeof(msg)));
		if (st != SR_OK) {
			const struct sr_error *e = sr_stream_error(s);

			if (e->cat != c->read_cat)
				fail_msg("%s: read error %s, want %s", c->name,
				    sr_errcat_name(e->cat),
				    sr_errcat_name(c->read_cat));
			if (strcmp(e->loc.member, c->member) != 0 ||
			    e->loc.offset < 0 ||
			    strcmp(e->path, fx(c->path)) != 0)
				fail_msg("%s: read error location: %s", c->name,
				    sr_error_format(e, msg, sizeof(msg)));
		} else {
			if (sr_stream_size(s) != (int64_t)glen)
				fail_msg("%s: size %lld after reading %zu",
				    c->name, (long long)sr_stream_size(s),
				    glen);
			if (sr_stream_offset(s) != (int64_t)glen)
				fail_msg("%s: offset %lld after reading %zu",
				    c->name, (long long)sr_stream_offset(s),
				    glen);
		}
		check_bytes(c, "read", got, glen, want, wlen);
		if (!sr_stream_truncated(s) != !c->truncated)
			fail_msg("%s: truncated %d, want %d", c->name,
			    sr_stream_truncated(s), c->truncated);
		free(got);

		/* The same bytes again, after a seek back, line by line. */
		if (sr_stream_seek(s, 0) != SR_OK)
			fail_msg("%s: seek 0", c->name);
		st = read_lines(s, &got, &glen);
		if (st != c->read_status)
			fail_msg("%s: getline status %d, want %d", c->name, st,
			    c->read_status);
		if (st == SR_OK)
			check_bytes(c, "getline", got, glen, want, wlen);
		free(got);
		free(want);
		sr_stream_close(s);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * getline over three kinds of source: memory read in place, a file read
 * through the window, and gzip decoded.
 */
struct want_line {
	int status;
	const char *line; /* NULL ends the list */
	int complete;
};

static const struct line_case {
	const char *name;
	const char *data;
	size_t len;
	size_t max;
	struct want_line want[6];
} line_cases[] = {
	{ "two lines", "a\nbb\n", 5, 10,
	    { { SR_OK, "a", 1 }, { SR_OK, "bb", 1 }, { SR_EOF, "", 0 } } },
	{ "last line without newline", "a\nlast", 6, 10,
	    { { SR_OK, "a", 1 }, { SR_OK, "last", 0 }, { SR_EOF, "", 0 } } },
	{ "CR is kept", "x\r\ny\r", 5, 10,
	    { { SR_OK, "x\r", 1 }, { SR_OK, "y\r", 0 }, { SR_EOF, "", 0 } } },
	{ "empty lines", "\n\n", 2, 10,
	    { { SR_OK, "", 1 }, { SR_OK, "", 1 }, { SR_EOF, "", 0 } } },
	{ "nothing", "", 0, 10, { { SR_EOF, "", 0 }, { SR_EOF, "", 0 } } },
	{ "exactly max", "abcd\nx\n", 7, 4,
	    { { SR_OK, "abcd", 1 }, { SR_OK, "x", 1 }, { SR_EOF, "", 0 } } },
	{ "exactly max, no newline", "abcd", 4, 4,
	    { { SR_OK, "abcd", 0 }, { SR_EOF, "", 0 } } },
	{ "over max, then on", "abcde\nx\n", 8, 4,
	    { { SR_FAILED, "", 0 }, { SR_OK, "x", 1 }, { SR_EOF, "", 0 } } },
	{ "over max at the end", "x\nabcdefgh", 10, 4,
	    { { SR_OK, "x", 1 }, { SR_FAILED, "", 0 }, { SR_EOF, "", 0 } } },
	{ "NUL bytes", "a\0b\n\0", 5, 10,
	    { { SR_OK, "a\0b", 1 }, { SR_OK, "\0", 0 }, { SR_EOF, "", 0 } } },
};

static size_t
want_len(const struct line_case *c, const struct want_line *w)
{
	/* Lines holding NULs: count up to the next line of the data. */
	if (strcmp(c->name, "NUL bytes") == 0)
		return (w == &c->want[0] ? 3 : 1);
	return (strlen(w->line));
}

static void
run_lines(const struct line_case *c, const char *how, struct sr_stream *s)
{
	const struct want_line *w;
	const char *line;
	size_t len;
	int complete, st;
	int64_t off;

	for (w = c->want; w < c->want + nitems(c->want) && w->line; w++) {
		st = sr_stream_getline(s, &line, &len, &complete, c->max);
		if (st != w->status)
			fail_msg("%s (%s), line %zu: status %d, want %d",
			    c->name, how, (size_t)(w - c->want), st, w->status);
		if (st == SR_FAILED) {
			if (sr_stream_error(s)->cat != SR_E_LIMIT)
				fail_msg("%s (%s): error %s", c->name, how,
				    sr_errcat_name(sr_stream_error(s)->cat));
			continue;
		}
		if (st != SR_OK)
			continue;
		if (len != want_len(c, w) || memcmp(line, w->line, len) != 0 ||
		    complete != w->complete)
			fail_msg("%s (%s), line %zu: '%.*s' (%d)", c->name, how,
			    (size_t)(w - c->want), (int)len, line, complete);
	}
	off = sr_stream_offset(s);
	if (off != (int64_t)c->len)
		fail_msg("%s (%s): offset %lld at the end", c->name, how,
		    (long long)off);
}

static void
test_getline(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(line_cases); i++) {
		const struct line_case *c = &line_cases[i];
		struct sr_ctx *ctx = new_ctx(NULL, NULL);
		struct sr_input *in;
		struct sr_stream *s;
		struct sr_error err;
		char name[64];
		int kind;

		(void)snprintf(name, sizeof(name), "line%zu", i);
		write_file(name, c->data, c->len);
		(void)snprintf(name, sizeof(name), "line%zu.gz", i);
		write_compressed(name, F_GZIP, c->data, c->len);
		for (kind = 0; kind < 3; kind++) {
			static const char *const how[] = { "memory", "file",
				"gzip" };

			(void)snprintf(name, sizeof(name), "line%zu%s", i,
			    kind == 2 ? ".gz" : "");
			if (kind == 0)
				assert_int_equal(sr_input_open_mem(ctx, name,
						     c->data, c->len, &in,
						     &err),
				    SR_OK);
			else
				assert_int_equal(sr_input_open(ctx, fx(name),
						     &in, &err),
				    SR_OK);
			assert_int_equal(sr_stream_open(in, name, 0, &s, &err),
			    SR_OK);
			run_lines(c, how[kind], s);
			sr_stream_close(s);
			sr_input_close(in);
		}
		sr_ctx_free(ctx);
	}
}

/* Lines longer than the window, over and under the limit. */
static void
test_getline_long(void **state)
{
	static const struct {
		const char *name;
		size_t linelen;
		size_t max;
		int status;
	} cases[] = {
		{ "1 MiB line, 2 MiB max", MiB, 2 * MiB, SR_OK },
		{ "1 MiB line, 1 MiB max", MiB, MiB, SR_OK },
		{ "1 MiB line, 512 KiB max", MiB, 512 * KiB, SR_FAILED },
		{ "3 MiB line, 1 KiB max", 3 * MiB, KiB, SR_FAILED },
	};
	size_t i, len, dlen;
	unsigned char *data;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		struct sr_ctx *ctx = new_ctx(NULL, NULL);
		struct sr_input *in;
		struct sr_stream *s;
		struct sr_error err;
		const char *line;
		int complete, st, kind;

		dlen = cases[i].linelen + 11;
		assert_non_null(data = malloc(dlen));
		memset(data, 'x', cases[i].linelen);
		memcpy(data + cases[i].linelen, "\nnext\ntail", 10);
		data[dlen - 1] = '\n';
		write_file("long.txt", data, dlen);
		write_compressed("long.gz", F_GZIP, data, dlen);
		for (kind = 0; kind < 3; kind++) {
			const char *name = kind == 2 ? "long.gz" : "long.txt";

			if (kind == 0)
				assert_int_equal(sr_input_open_mem(ctx, name,
						     data, dlen, &in, &err),
				    SR_OK);
			else
				assert_int_equal(sr_input_open(ctx, fx(name),
						     &in, &err),
				    SR_OK);
			assert_int_equal(sr_stream_open(in, name, 0, &s, &err),
			    SR_OK);
			st = sr_stream_getline(s, &line, &len, &complete,
			    cases[i].max);
			if (st != cases[i].status)
				fail_msg("%s (%d): status %d", cases[i].name,
				    kind, st);
			if (st == SR_OK &&
			    (len != cases[i].linelen || !complete ||
				line[0] != 'x' || line[len - 1] != 'x'))
				fail_msg("%s (%d): line of %zu", cases[i].name,
				    kind, len);
			if (st == SR_FAILED &&
			    (sr_stream_error(s)->cat != SR_E_LIMIT ||
				sr_stream_error(s)->loc.offset != 0))
				fail_msg("%s (%d): error", cases[i].name, kind);
			/* Either way the stream stands after the line. */
			st = sr_stream_getline(s, &line, &len, &complete,
			    cases[i].max);
			if (st != SR_OK || len != 4 || memcmp(line, "next", 4))
				fail_msg("%s (%d): no next line", cases[i].name,
				    kind);
			if (sr_stream_offset(s) !=
			    (int64_t)cases[i].linelen + 6)
				fail_msg("%s (%d): offset", cases[i].name,
				    kind);
			sr_stream_close(s);
			sr_input_close(in);
		}
		free(data);
		sr_ctx_free(ctx);
	}
}

/* Peeks larger than the window, and past the line limit. */
static void
test_peek(void **state)
{
	static const struct {
		const char *name;
		const char *path;
		size_t skip;
		size_t n;
		uint64_t line_limit;
		size_t want; /* bytes available; SIZE_MAX: NULL */
	} cases[] = {
		{ "small peek", "big.txt", 0, 16, 0, 16 },
		{ "peek beyond the window", "big.txt", 0, 600000, 0, 600000 },
		{ "peek beyond the window, later", "big.txt", 100, 1000000, 0,
		    1000000 },
		{ "peek past the end", "plain.txt", 10, 5000, 0, 990 },
		{ "peek at the end", "plain.txt", 1000, 10, 0, 0 },
		{ "peek over the line limit", "big.txt", 0, 1000000, 512 * KiB,
		    SIZE_MAX },
		{ "gzip peek beyond the window", "big.gz", 5, 2 * MiB, 0,
		    2 * MiB },
		{ "memory member beyond any limit", "pack.tar.gz", 0, 2 * MiB,
		    KiB, 100000 },
	};
	unsigned char *text = gen_text(3 * MiB);
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		struct limits lim = { .line = cases[i].line_limit };
		struct sr_ctx *ctx = new_ctx(&lim, NULL);
		struct sr_input *in;
		struct sr_stream *s;
		struct sr_error err;
		const unsigned char *p;
		const char *member = strcmp(cases[i].path, "pack.tar.gz")
		    ? cases[i].path
		    : "big";
		size_t avail, small;

		assert_int_equal(sr_input_open(ctx, fx(cases[i].path), &in,
				     &err),
		    SR_OK);
		assert_int_equal(sr_stream_open(in, member, 0, &s, &err),
		    SR_OK);
		/* A small peek first, so the window is set up small. */
		assert_non_null(sr_stream_peek(s, cases[i].skip + 1, &small));
		sr_stream_consume(s, cases[i].skip);
		p = sr_stream_peek(s, cases[i].n, &avail);
		if (cases[i].want == SIZE_MAX) {
			if (p != NULL || sr_stream_error(s)->cat != SR_E_LIMIT)
				fail_msg("%s: no limit error", cases[i].name);
		} else {
			if (p == NULL || avail != cases[i].want)
				fail_msg("%s: %zu bytes, want %zu",
				    cases[i].name, avail, cases[i].want);
			if (memcmp(p, text + cases[i].skip, avail) != 0)
				fail_msg("%s: wrong bytes", cases[i].name);
			/* Peeking consumes nothing. */
			if (sr_stream_offset(s) != (int64_t)cases[i].skip)
				fail_msg("%s: offset moved", cases[i].name);
		}
		sr_stream_close(s);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
	free(text);
}

/* Seeks back and forth, then reads; every kind of stream. */
static void
test_seek(void **state)
{
	static const struct {
		const char *name;
		const char *path;
		const char *member;
		size_t size;
		struct limits lim;
	} cases[] = {
		{ "file", "big.txt", "big.txt", 3 * MiB / 2, { 0 } },
		{ "gzip in memory", "text.gz", "text.gz", 300000, { 0 } },
		{ "gzip spooled to disk", "big.gz", "big.gz", 3 * MiB,
		    { .spool = 100000 } },
		{ "archive member in memory", "pack.tar.gz", "big", 100000,
		    { 0 } },
		{ "archive member on disk", "pack.tar.gz", "big", 100000,
		    { .spool = 10 } },
		{ "directory member", "tree", "a/b/c.txt", 500, { 0 } },
	};
	unsigned char *text = gen_text(3 * MiB), buf[1000];
	size_t i, j, got;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		struct sr_ctx *ctx = new_ctx(&cases[i].lim, NULL);
		struct sr_input *in;
		struct sr_stream *s;
		struct sr_error err;
		const size_t size = cases[i].size;
		const size_t offs[] = { size / 2, 0, size - 1, 10, size,
			size / 3, size + 100, 1, size > 999 ? size - 999 : 0 };

		assert_int_equal(sr_input_open(ctx, fx(cases[i].path), &in,
				     &err),
		    SR_OK);
		assert_int_equal(sr_stream_open(in, cases[i].member, 0, &s,
				     &err),
		    SR_OK);
		for (j = 0; j < nitems(offs); j++) {
			size_t want = offs[j] >= size	   ? 0
			    : size - offs[j] < sizeof(buf) ? size - offs[j]
							   : sizeof(buf);

			if (sr_stream_seek(s, (int64_t)offs[j]) != SR_OK)
				fail_msg("%s: seek %zu", cases[i].name,
				    offs[j]);
			if (sr_stream_read(s, buf, sizeof(buf), &got) !=
				SR_OK ||
			    got != want)
				fail_msg("%s: read %zu at %zu, want %zu",
				    cases[i].name, got, offs[j], want);
			if (memcmp(buf, text + offs[j], got) != 0)
				fail_msg("%s: wrong bytes at %zu",
				    cases[i].name, offs[j]);
		}
		if (sr_stream_seek(s, -1) != SR_FAILED)
			fail_msg("%s: negative seek", cases[i].name);
		sr_stream_close(s);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
	free(text);
}

/* Memory inputs: a plain buffer is one member; an archive its entries. */
static void
test_mem(void **state)
{
	static const char *const files[] = { "pack.tar.zst", "pack.zip",
		"plain.txt", "text.gz", "empty" };
	static const char *const want[] = { "a/b|abs/x|s/log|s/timing|s/ttyout",
		"a/b|abs/x|s/log|s/timing|s/ttyout", "blob", "blob", "blob" };
	size_t i, len;
	char list[1024];

	(void)state;
	for (i = 0; i < nitems(files); i++) {
		struct sr_ctx *ctx = new_ctx(NULL, NULL);
		unsigned char *data = slurp(fx(files[i]), &len);
		struct sr_input *in;
		struct sr_error err;
		enum sr_input_kind kind;

		assert_int_equal(sr_input_open_mem(ctx, "blob", data, len, &in,
				     &err),
		    SR_OK);
		list_members(in, list, sizeof(list));
		if (strcmp(list, want[i]) != 0)
			fail_msg("%s: members '%s'", files[i], list);
		kind =
		    strcmp(want[i], "blob") ? SR_INPUT_ARCHIVE : SR_INPUT_MEM;
		if (sr_input_kind(in) != kind)
			fail_msg("%s: kind %d", files[i], sr_input_kind(in));
		if (kind == SR_INPUT_MEM &&
		    sr_input_member(in, 0)->size != (int64_t)len)
			fail_msg("%s: size", files[i]);
		sr_input_close(in);
		free(data);
		sr_ctx_free(ctx);
	}
}

/* The real thing: a tar.gz of sudo logs holding gzip'd members. */
static void
test_sudo_sample(void **state)
{
	static const char *const where[] = {
		"samples/sudo-io/exact-modes.tar.gz",
		"../shared/samples/sudo-io/exact-modes.tar.gz",
	};
	static const struct {
		const char *member;
		unsigned mode;
		int decoded;
		const char *starts;
	} cases[] = {
		{ "sudoers-compressed/00/00/01/timing", 0400, 1, "" },
		{ "sudoers-compressed/00/00/01/ttyout", 0600, 1, NULL },
		{ "sudoers-compressed/00/00/01/log", 0600, 0, "1" },
		{ "sudoers-compressed/00/00/01/log.json", 0600, 0, "{" },
		{ "sudoers-compressed/00/00/01/stdin", 0600, 1, NULL },
		{ "sudoers-compressed/seq", 0600, 0, "0000" },
	};
	const char *env = getenv("SR_SAMPLES"), *path = NULL;
	char buf[PATH_MAX];
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	size_t i;

	(void)state;
	if (env != NULL) {
		(void)snprintf(buf, sizeof(buf),
		    "%s/sudo-io/exact-modes.tar.gz", env);
		if (access(buf, R_OK) == 0)
			path = buf;
	}
	for (i = 0; path == NULL && i < nitems(where); i++)
		if (access(unit_srcpath(where[i]), R_OK) == 0)
			path = unit_srcpath(where[i]);
	if (path == NULL)
		skip();
	if (path != buf)
		(void)snprintf(buf, sizeof(buf), "%s", path);
	ctx = new_ctx(NULL, NULL);
	assert_int_equal(sr_input_open(ctx, buf, &in, &err), SR_OK);
	assert_int_equal(sr_input_kind(in), SR_INPUT_ARCHIVE);
	for (i = 0; i < nitems(cases); i++) {
		const struct sr_member *m;
		struct sr_stream *s;
		char name[256];
		const char *line;
		size_t len;
		int complete, st;

		(void)snprintf(name, sizeof(name), "sudo-io-samples/%s",
		    cases[i].member);
		if ((m = sr_input_find(in, name)) == NULL)
			fail_msg("%s: missing", name);
		if ((m->mode & 0777) != cases[i].mode)
			fail_msg("%s: mode %o, want %o", name, m->mode,
			    cases[i].mode);
		if (sr_stream_open(in, name, 0, &s, &err) != SR_OK)
			fail_msg("%s: cannot open", name);
		if (sr_stream_decoded(s) != cases[i].decoded)
			fail_msg("%s: decoded %d", name, sr_stream_decoded(s));
		st = sr_stream_getline(s, &line, &len, &complete, MiB);
		if (st == SR_FAILED || sr_stream_truncated(s))
			fail_msg("%s: getline %d", name, st);
		if (cases[i].starts != NULL && cases[i].starts[0] != '\0' &&
		    (st != SR_OK || len < strlen(cases[i].starts) ||
			memcmp(line, cases[i].starts, strlen(cases[i].starts))))
			fail_msg("%s: starts '%.*s'", name, (int)len, line);
		/* A sudo timing line: event, delay, count. */
		if (cases[i].starts != NULL && cases[i].starts[0] == '\0' &&
		    (st != SR_OK || len < 5 || line[1] != ' '))
			fail_msg("%s: timing line '%.*s'", name, (int)len,
			    line);
		sr_stream_close(s);
	}
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/* Several streams on one member and one file do not disturb each other. */
static void
test_two_streams(void **state)
{
	static const char *const paths[] = { "plain.txt", "pack.tar.gz",
		"text.gz" };
	unsigned char *text = gen_text(MiB);
	size_t i, got;
	unsigned char b1[100], b2[100];

	(void)state;
	for (i = 0; i < nitems(paths); i++) {
		struct sr_ctx *ctx = new_ctx(NULL, NULL);
		struct sr_input *in;
		struct sr_stream *s1, *s2;
		struct sr_error err;
		const char *m = i == 1 ? "big" : paths[i];

		assert_int_equal(sr_input_open(ctx, fx(paths[i]), &in, &err),
		    SR_OK);
		assert_int_equal(sr_stream_open(in, m, 0, &s1, &err), SR_OK);
		assert_int_equal(sr_stream_open(in, m, 0, &s2, &err), SR_OK);
		assert_int_equal(sr_stream_seek(s1, 500), SR_OK);
		assert_int_equal(sr_stream_read(s1, b1, 100, &got), SR_OK);
		assert_int_equal(sr_stream_read(s2, b2, 100, &got), SR_OK);
		if (memcmp(b1, text + 500, 100) || memcmp(b2, text, 100))
			fail_msg("%s: streams interfere", paths[i]);
		sr_stream_close(s1);
		sr_stream_close(s2);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
	free(text);
}

/*
 * A read error in the middle of a file: the descriptor under the input
 * is swapped for a directory's, so the next pread() fails with EISDIR.
 */
static void
test_read_error(void **state)
{
	struct sr_ctx *ctx = new_ctx(NULL, NULL);
	struct sr_input *in;
	struct sr_stream *s;
	struct sr_error err;
	unsigned char buf[4096];
	const char *line;
	size_t got, len, total = 0;
	int complete, dfd;

	(void)state;
	assert_int_equal(sr_input_open(ctx, fx("big.txt"), &in, &err), SR_OK);
	assert_int_equal(sr_stream_open(in, "big.txt", 0, &s, &err), SR_OK);
	while (total < 300000) {
		assert_int_equal(sr_stream_read(s, buf, sizeof(buf), &got),
		    SR_OK);
		total += got;
	}
	assert_true((dfd = open(tmpdir, O_RDONLY | O_DIRECTORY)) != -1);
	assert_true(dup2(dfd, in->fd) != -1);
	close(dfd);
	while (sr_stream_read(s, buf, sizeof(buf), &got) == SR_OK && got > 0)
		total += got;
	if (total >= 3 * MiB / 2 || sr_stream_error(s)->cat != SR_E_IO ||
	    sr_stream_error(s)->errnum != EISDIR ||
	    sr_stream_error(s)->loc.offset < 300000 ||
	    strcmp(sr_stream_error(s)->loc.member, "big.txt") != 0 ||
	    strcmp(sr_stream_error(s)->path, fx("big.txt")) != 0)
		fail_msg("no read error after %zu bytes", total);
	assert_int_equal(sr_stream_getline(s, &line, &len, &complete, 100),
	    SR_FAILED);
	assert_null(sr_stream_peek(s, 1 << 20, &got));
	sr_stream_close(s);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/*
 * SR_INPUT_PARTNERS: a named file brings the files sharing its stem, and
 * they open and stat like directory members; without it, one member.
 */
static const struct partner_case {
	const char *named;
	const char *members; /* with SR_INPUT_PARTNERS */
} partner_cases[] = {
	{ "pp/x.out", "x.out|x.tm|x.ttyrec" },
	{ "pp/x.tm", "x.out|x.tm|x.ttyrec" },
	{ "pp/typescript", "timing|typescript" },
	{ "pp/other.txt", "other.txt" },
	{ "pp/.hidden", ".hidden" },
};

static void
test_partners(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(mkdir(fx("pp"), 0755), 0);
	write_file("pp/x.out", "log", 3);
	write_file("pp/x.tm", "0.1 3\n", 6);
	write_file("pp/x.ttyrec", "t", 1);
	write_file("pp/xy.out", "no", 2);
	write_file("pp/typescript", "ts", 2);
	write_file("pp/timing", "0.1 2\n", 6);
	write_file("pp/other.txt", "o", 1);
	write_file("pp/.hidden", "h", 1);
	for (i = 0; i < nitems(partner_cases); i++) {
		const struct partner_case *c = &partner_cases[i];
		struct sr_ctx *ctx = sr_ctx_new();
		struct sr_input *in;
		struct sr_error err;
		char list[512];

		assert_int_equal(sr_input_open(ctx, fx(c->named), &in, &err),
		    SR_OK);
		if (sr_input_nmembers(in) != 1)
			fail_msg("%s: %zu members without the flag", c->named,
			    sr_input_nmembers(in));
		sr_input_close(in);
		assert_int_equal(sr_input_open_flags(ctx, fx(c->named),
				     SR_INPUT_PARTNERS, &in, &err),
		    SR_OK);
		list_members(in, list, sizeof(list));
		if (strcmp(list, c->members) != 0)
			fail_msg("%s: members '%s', want '%s'", c->named, list,
			    c->members);
		if (sr_input_find(in, "x.tm") != NULL) {
			const struct sr_member *m = sr_input_stat(in, "x.tm");
			struct sr_stream *st;
			char buf[16];
			size_t got;

			if (m == NULL || m->size != 6 || !S_ISREG(m->mode))
				fail_msg("%s: partner not statted", c->named);
			assert_int_equal(sr_stream_open(in, "x.tm", 0, &st,
					     &err),
			    SR_OK);
			assert_int_equal(sr_stream_read(st, buf, sizeof(buf),
					     &got),
			    SR_OK);
			if (got != 6 || memcmp(buf, "0.1 3\n", 6) != 0)
				fail_msg("%s: partner bytes", c->named);
			sr_stream_close(st);
		}
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_partners),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_error_names_path),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_getline),
		cmocka_unit_test(test_getline_long),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_two_streams),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_sudo_sample),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
