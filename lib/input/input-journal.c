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
 * The systemd journal as an input: tlog recordings grouped by TLOG_REC.
 *
 * tlog-rec's journal writer (and tlog-rec-session's, its default) logs
 * each tlog JSON message as one entry: MESSAGE is the message, without a
 * newline, and TLOG_REC, TLOG_USER, TLOG_SESSION and TLOG_ID (the
 * message id) are fields of their own.  Each TLOG_REC value is one
 * recording and becomes one member, named after the value, whose bytes
 * are its MESSAGEs, one a line, ordered by TLOG_ID: a tlog file, which
 * the tlog reader reads unchanged.  That is how tlog-play -r journal -M
 * TLOG_REC=... selects a recording, except that it plays the entries in
 * journal order; we sort, since a recording whose entries were merged
 * from several journal files need not be in order.
 *
 * Three kinds of input: "journal" (the local system journal, as
 * journalctl shows it), a journal file (found by its signature, whatever
 * its name), and a directory, whose members that are named *.journal or
 * *.journal~ add their recordings to the directory's other members.
 * Each journal file of a directory is opened on its own first, so that a
 * damaged one is reported by name and the others are still read;
 * libsystemd refuses a set of files when one of them is bad.
 *
 * Listing reads only the TLOG_REC values (sd_journal_query_unique), not
 * the entries; when the listing fails (a damaged file), every entry is
 * read for its TLOG_REC instead.  A member's entries are read when it is
 * first opened, with a match on its TLOG_REC, and written to an unlinked
 * spool file that later opens read again: memory holds a member's index
 * (24 bytes a message, charged against the spool limit), never the
 * journal.  sd_journal handles are not thread-safe, so one lock guards
 * the handle and the member table of a journal input.
 *
 * Damage is reported and skipped over: entries without MESSAGE, with a
 * TLOG_ID that is no number (such an entry keeps its journal position),
 * messages longer than the line limit, a message logged twice with
 * different bytes; an exact duplicate (the same entry in two files) is
 * dropped silently.  Each report names the input and the entry's cursor
 * (journalctl --cursor finds it); libsystemd does not say which file of
 * a set holds an entry.  A newline inside a MESSAGE (a pretty-printed
 * message) becomes a space, so that line N is the Nth message.  What the
 * messages hold is the tlog reader's business: it reports a broken
 * message or a gap in the ids by line and message id.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "compat.h"
#include "input-private.h"

/* Longest TLOG_REC value taken (escaped, a name is at most 3 times it). */
#define JR_VALUE_MAX 1024
/* Reports about one recording before they are only counted. */
#define JR_WARN_MAX 8
/* Bytes gathered before a write to the spool file. */
#define JR_CHUNK (64 * 1024)

static const char journal_magic[8] = { 'L', 'P', 'K', 'S', 'H', 'H', 'R', 'H' };
static const unsigned char empty[1];

/* One recording: a TLOG_REC value. */
struct jrec {
	char *value; /* raw bytes, NUL-terminated for convenience */
	size_t vlen;
	char *name;  /* the member name */
	int state;   /* 0: not read; 1: read; -1: failed */
	int64_t off; /* its bytes in the spool, once read */
	int64_t len;
	uint32_t hash;
};

struct sr_journal {
	pthread_mutex_t lock;
	sd_journal *j;
	struct jrec *rec;
	size_t nrec, cap;
	uint32_t *set; /* open addressing: index + 1 into rec, 0 empty */
	size_t setcap;
	struct sr_spool spool;
	uint64_t spooled;
};

/* One message of the recording being read: its place in the spool. */
struct jmsg {
	uint64_t id;
	int64_t off; /* from the start of the recording's bytes */
	int64_t len; /* set when reordering */
};

/* What reading one recording needs. */
struct jread {
	struct sr_input *in;
	struct sr_journal *jn;
	struct jrec *jr;
	struct sr_error *err;
	struct jmsg *msg;
	size_t n, cap, maxn;
	unsigned char *chunk; /* JR_CHUNK bytes waiting for the spool */
	size_t clen;
	int64_t base; /* spool offset of the recording's first byte */
	int64_t len;  /* bytes of the recording so far */
	size_t warned;
	size_t unwarned;
	int unsorted; /* an id at or below its predecessor's */
};

int
sr_journal_magic(int fd)
{
	char buf[sizeof(journal_magic)];
	ssize_t r;

	do {
		r = pread(fd, buf, sizeof(buf), 0);
	} while (r == -1 && errno == EINTR);
	return (r == (ssize_t)sizeof(buf) &&
	    memcmp(buf, journal_magic, sizeof(buf)) == 0);
}

static uint32_t
value_hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return (h);
}

/*
 * The member name of a TLOG_REC value: the value when it is made of
 * letters, digits and "-_.:@+=," (tlog's values are), else those kept and
 * every other byte as %XX; a leading '.' is escaped too, so that no name
 * is "." or "..", and no name holds a '/' or a control character.
 */
static char *
value_name(const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *name, *o;
	size_t i;
	unsigned char c;

	if ((name = malloc(n * 3 + 1)) == NULL)
		return (NULL);
	o = name;
	for (i = 0; i < n; i++) {
		c = (unsigned char)v[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ||
		    (c != '\0' && strchr("-_:@+=,", c) != NULL) ||
		    (c == '.' && i > 0)) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '%';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 15];
	}
	*o = '\0';
	return (name);
}

static void warn_in(struct sr_input *, const char *member, enum sr_errcat,
    const char *fmt, ...) SR_PRINTF(4, 5);

static void
warn_in(struct sr_input *in, const char *member, enum sr_errcat cat,
    const char *fmt, ...)
{
	char msg[SR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sr_input_warn(in, member, cat, 0, "%s", msg);
}

/* The cursor of the current entry, or a placeholder. */
static char *
cursor(sd_journal *j)
{
	char *c = NULL;

	if (sd_journal_get_cursor(j, &c) < 0 || c == NULL)
		return (NULL);
	return (c);
}

static int
nomem(struct sr_input *in, struct sr_error *err)
{
	return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, in->path, NULL,
	    "out of memory"));
}

/* An error from libsystemd (a negative errno) on the input. */
static int
sd_error(struct sr_input *in, const char *member, int r, const char *what,
    struct sr_error *err)
{
	int e = r < 0 ? -r : r;

	if (e == ENOMEM)
		return (nomem(in, err));
	if (e == ENODATA || e == EBADMSG || e == EPROTONOSUPPORT)
		return (sr_error_errno(err, SR_FAILED, e, in->path, member, -1,
		    e == EPROTONOSUPPORT
			? what
			: "journal file truncated or damaged"));
	return (sr_error_errno(err, SR_FAILED, e, in->path, member, -1, what));
}

static int
set_grow(struct sr_journal *jn)
{
	size_t ncap = jn->setcap ? jn->setcap * 2 : 64, i, k;
	uint32_t *ns;

	if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
		return (-1);
	for (i = 0; i < jn->nrec; i++) {
		for (k = jn->rec[i].hash & (ncap - 1); ns[k] != 0;
		     k = (k + 1) & (ncap - 1))
			;
		ns[k] = (uint32_t)(i + 1);
	}
	free(jn->set);
	jn->set = ns;
	jn->setcap = ncap;
	return (0);
}

/*
 * Adds the recording of a TLOG_REC value once, and its member.  SR_OK
 * (also for a value seen before, or one skipped with a warning), or the
 * status of a failure.
 */
static int
rec_add(struct sr_input *in, struct sr_journal *jn, const char *v, size_t n,
    struct sr_error *err)
{
	struct sr_imember *m;
	struct jrec *jr, *nr;
	uint32_t h;
	size_t k;
	int st;

	if (n == 0 || n > JR_VALUE_MAX) {
		warn_in(in, NULL, SR_E_LIMIT, "TLOG_REC %s: recording skipped",
		    n == 0 ? "empty" : "longer than 1024 bytes");
		return (SR_OK);
	}
	h = value_hash(v, n);
	if ((jn->nrec + 1) * 2 > jn->setcap && set_grow(jn) != 0)
		return (nomem(in, err));
	for (k = h & (jn->setcap - 1); jn->set[k] != 0;
	     k = (k + 1) & (jn->setcap - 1)) {
		jr = &jn->rec[jn->set[k] - 1];
		if (jr->hash == h && jr->vlen == n &&
		    memcmp(jr->value, v, n) == 0)
			return (SR_OK);
	}
	if (jn->nrec == jn->cap) {
		size_t ncap = jn->cap ? jn->cap * 2 : 16;

		if ((nr = sr_reallocarray(jn->rec, ncap, sizeof(*nr))) == NULL)
			return (nomem(in, err));
		jn->rec = nr;
		jn->cap = ncap;
	}
	jr = &jn->rec[jn->nrec];
	memset(jr, 0, sizeof(*jr));
	if ((jr->value = sr_strndup(v, n)) == NULL ||
	    (jr->name = value_name(v, n)) == NULL) {
		free(jr->value);
		return (nomem(in, err));
	}
	jr->vlen = n;
	jr->hash = h;
	if ((st = sr_input_add(in, jr->name, &m, err)) != SR_OK) {
		free(jr->value);
		free(jr->name);
		return (st);
	}
	m->where = SR_MDATA_JOURNAL;
	m->off = (int64_t)jn->nrec;
	jn->set[k] = (uint32_t)(++jn->nrec);
	return (SR_OK);
}

/* Lists the recordings by reading every entry's TLOG_REC. */
static int
list_by_entries(struct sr_input *in, struct sr_journal *jn,
    struct sr_error *err)
{
	const void *d;
	size_t l;
	int r, st;

	if ((r = sd_journal_seek_head(jn->j)) < 0)
		return (sd_error(in, NULL, r, "cannot read journal", err));
	while ((r = sd_journal_next(jn->j)) > 0) {
		if ((r = sd_journal_get_data(jn->j, "TLOG_REC", &d, &l)) < 0) {
			if (r == -ENOENT)
				continue;
			if (r == -ENOMEM)
				return (nomem(in, err));
			continue; /* reported when its recording is read */
		}
		if ((st = rec_add(in, jn, (const char *)d + 9, l - 9, err)) !=
		    SR_OK)
			return (st);
	}
	if (r < 0)
		warn_in(in, NULL, SR_E_FORMAT,
		    "journal damaged: entries after the damage not read: %s",
		    strerror(-r));
	return (SR_OK);
}

/* Lists the recordings: the TLOG_REC values, without reading entries. */
static int
list_recs(struct sr_input *in, struct sr_journal *jn, struct sr_error *err)
{
	uint64_t linemax = sr_ctx_limit(in->ctx, SR_LIMIT_LINE);
	const void *d;
	size_t l;
	int r, st;

	/*
	 * Fields past the threshold come back cut short when compressed:
	 * a message longer than the line limit then shows by its length.
	 */
	if (linemax > SIZE_MAX - 64)
		linemax = SIZE_MAX - 64;
	(void)sd_journal_set_data_threshold(jn->j, (size_t)linemax + 16);
	if ((r = sd_journal_query_unique(jn->j, "TLOG_REC")) < 0)
		return (sd_error(in, NULL, r, "cannot read journal", err));
	while ((r = sd_journal_enumerate_unique(jn->j, &d, &l)) > 0) {
		if (l < 9 || memcmp(d, "TLOG_REC=", 9) != 0)
			continue;
		if ((st = rec_add(in, jn, (const char *)d + 9, l - 9, err)) !=
		    SR_OK)
			return (st);
	}
	if (r == -ENOMEM)
		return (nomem(in, err));
	if (r < 0) {
		warn_in(in, NULL, SR_E_FORMAT,
		    "cannot list recordings (%s): reading every entry",
		    strerror(-r));
		return (list_by_entries(in, jn, err));
	}
	return (SR_OK);
}

static struct sr_journal *
journal_new(void)
{
	struct sr_journal *jn;

	if ((jn = calloc(1, sizeof(*jn))) == NULL)
		return (NULL);
	if (pthread_mutex_init(&jn->lock, NULL) != 0) {
		free(jn);
		return (NULL);
	}
	jn->spool.fd = -1;
	return (jn);
}

void
sr_journal_free(struct sr_journal *jn)
{
	size_t i;

	if (jn == NULL)
		return;
	if (jn->j != NULL)
		sd_journal_close(jn->j);
	for (i = 0; i < jn->nrec; i++) {
		free(jn->rec[i].value);
		free(jn->rec[i].name);
	}
	free(jn->rec);
	free(jn->set);
	sr_spool_close(&jn->spool);
	(void)pthread_mutex_destroy(&jn->lock);
	free(jn);
}

/* Takes the opened handle (or fails with r) and lists the recordings. */
static int
journal_start(struct sr_input *in, int r, const char *what,
    struct sr_error *err)
{
	if (r < 0)
		return (sd_error(in, NULL, r, what, err));
	return (list_recs(in, in->journal, err));
}

int
sr_journal_load_system(struct sr_input *in, struct sr_error *err)
{
	if ((in->journal = journal_new()) == NULL)
		return (nomem(in, err));
	/* Every journal tlog-play -r journal reads: system and users. */
	return (journal_start(in, sd_journal_open(&in->journal->j, 0),
	    "cannot open the system journal", err));
}

static int
journal_name(const char *name)
{
	size_t n = strlen(name);

	return ((n > 8 && strcmp(name + n - 8, ".journal") == 0) ||
	    (n > 9 && strcmp(name + n - 9, ".journal~") == 0));
}

int
sr_journal_load_file(struct sr_input *in, struct sr_error *err)
{
	const char *files[2] = { in->path, NULL };
	int fd, r;

	if ((in->journal = journal_new()) == NULL)
		return (nomem(in, err));
	/*
	 * By name when libsystemd takes the name (it wants the suffix).
	 * Otherwise by descriptor, a copy of our own: libsystemd before
	 * v254 closes descriptors handed to it, later versions do not, so
	 * the copy is left to it (one descriptor at most stays open).
	 */
	if (journal_name(in->path))
		r = sd_journal_open_files(&in->journal->j, files, 0);
	else if ((fd = dup(in->fd)) == -1)
		r = -errno;
	else if ((r = sd_journal_open_files_fd(&in->journal->j, &fd, 1, 0)) < 0)
		(void)close(fd);
	return (journal_start(in, r, "cannot open journal file", err));
}

/*
 * Checks that libsystemd takes one journal file of the directory, which
 * it opens by name (see sr_journal_load_file()); the walk saw a regular
 * file.  0, or -1 after a warning naming the file.
 */
static int
dir_file_check(struct sr_input *in, const char *path, const char *name)
{
	const char *files[2] = { path, NULL };
	sd_journal *t;
	int r;

	if ((r = sd_journal_open_files(&t, files, 0)) < 0) {
		sr_input_warn(in, name,
		    -r == ENODATA || -r == EBADMSG ? SR_E_FORMAT : SR_E_IO, -r,
		    "journal file skipped: %s",
		    -r == ENODATA || -r == EBADMSG ? "truncated or damaged"
						   : strerror(-r));
		return (-1);
	}
	sd_journal_close(t);
	return (0);
}

int
sr_journal_load_dir(struct sr_input *in, struct sr_error *err)
{
	struct sr_journal *jn;
	const char **files;
	char *p;
	size_t i, k, n = 0, good = 0, nmem = in->n, pl = strlen(in->path);
	int r, st;

	for (i = 0; i < nmem; i++)
		if (journal_name(in->m[i].name))
			n++;
	if (n == 0)
		return (SR_OK);
	if ((in->journal = jn = journal_new()) == NULL ||
	    (files = calloc(n + 1, sizeof(*files))) == NULL)
		return (nomem(in, err));
	for (i = 0, k = 0; i < nmem && k < n; i++) {
		if (!journal_name(in->m[i].name))
			continue;
		if ((p = malloc(pl + strlen(in->m[i].name) + 2)) == NULL) {
			st = nomem(in, err);
			goto out;
		}
		memcpy(p, in->path, pl);
		p[pl] = '/';
		memcpy(p + pl + 1, in->m[i].name, strlen(in->m[i].name) + 1);
		files[k++] = p;
		if (dir_file_check(in, p, in->m[i].name) == 0)
			good++;
		else
			p[0] = '\0'; /* skipped below */
	}
	/* The good ones, in front. */
	for (i = 0, k = 0; i < n; i++) {
		if (files[i] != NULL && files[i][0] != '\0') {
			const char *t = files[k];

			files[k++] = files[i];
			files[i] = t;
		}
	}
	if (good == 0) {
		st = SR_OK;
		goto out;
	}
	p = (char *)(uintptr_t)files[good];
	files[good] = NULL;
	r = sd_journal_open_files(&jn->j, files, 0);
	files[good] = p;
	st = journal_start(in, r, "cannot open journal files", err);
out:
	for (i = 0; i < n; i++)
		free((void *)(uintptr_t)files[i]);
	free(files);
	return (st);
}

/* Writes the gathered bytes to the spool. */
static int
chunk_flush(struct jread *rd)
{
	int64_t off;

	if (rd->clen == 0)
		return (SR_OK);
	if (sr_spool_write(&rd->jn->spool, rd->chunk, rd->clen, &off) == -1)
		return (sr_error_errno(rd->err, SR_FAILED, errno, rd->in->path,
		    rd->jr->name, rd->len, "cannot write spool file"));
	if (rd->base == -1)
		rd->base = off;
	rd->clen = 0;
	return (SR_OK);
}

/* Appends bytes of the recording, gathered into large writes. */
static int
put(struct jread *rd, const void *p, size_t n)
{
	uint64_t max = sr_ctx_limit(rd->in->ctx, SR_LIMIT_DECODED);
	const unsigned char *s = p;
	size_t k;
	int st;

	if (rd->jn->spooled + n > max) {
		struct sr_loc loc;

		sr_loc_clear(&loc);
		sr_loc_set_member(&loc, rd->jr->name);
		loc.offset = rd->len;
		return (sr_error_set(rd->err, SR_FAILED, SR_E_LIMIT,
		    rd->in->path, &loc,
		    "journal recordings hold more than %llu bytes (decoded "
		    "limit)",
		    (unsigned long long)max));
	}
	rd->jn->spooled += n;
	rd->len += (int64_t)n;
	while (n > 0) {
		if (rd->clen == JR_CHUNK && (st = chunk_flush(rd)) != SR_OK)
			return (st);
		k = JR_CHUNK - rd->clen < n ? JR_CHUNK - rd->clen : n;
		memcpy(rd->chunk + rd->clen, s, k);
		rd->clen += k;
		s += k;
		n -= k;
	}
	return (SR_OK);
}

static void entry_warn(struct jread *, enum sr_errcat, const char *, ...)
    SR_PRINTF(3, 4);

/* Reports a problem with the current entry, naming its cursor. */
static void
entry_warn(struct jread *rd, enum sr_errcat cat, const char *fmt, ...)
{
	char msg[256];
	char *c;
	va_list ap;

	if (rd->warned >= JR_WARN_MAX) {
		rd->unwarned++;
		return;
	}
	rd->warned++;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c = cursor(rd->jn->j);
	warn_in(rd->in, rd->jr->name, cat, "%s: entry %s", msg,
	    c != NULL ? c : "(no cursor)");
	free(c);
}

/* Adds one message of the current entry (without its newline). */
static int
add_message(struct jread *rd, uint64_t id, const char *p, size_t n)
{
	const char *nl;
	struct jmsg *nm;
	size_t k;
	int st;

	if (rd->n == rd->maxn) {
		struct sr_loc loc;

		sr_loc_clear(&loc);
		sr_loc_set_member(&loc, rd->jr->name);
		return (sr_error_set(rd->err, SR_FAILED, SR_E_LIMIT,
		    rd->in->path, &loc,
		    "recording of more than %zu messages (spool limit)",
		    rd->maxn));
	}
	if (rd->n == rd->cap) {
		size_t ncap = rd->cap ? rd->cap * 2 : 256;

		if (ncap > rd->maxn)
			ncap = rd->maxn;
		if ((nm = sr_reallocarray(rd->msg, ncap, sizeof(*nm))) == NULL)
			return (nomem(rd->in, rd->err));
		rd->msg = nm;
		rd->cap = ncap;
	}
	if (rd->n > 0 && id <= rd->msg[rd->n - 1].id)
		rd->unsorted = 1;
	rd->msg[rd->n].id = id;
	rd->msg[rd->n].off = rd->len;
	rd->n++;
	/* One message a line: a newline inside is JSON white space. */
	while (n > 0 && (nl = memchr(p, '\n', n)) != NULL) {
		k = (size_t)(nl - p);
		if ((st = put(rd, p, k)) != SR_OK ||
		    (st = put(rd, " ", 1)) != SR_OK)
			return (st);
		p += k + 1;
		n -= k + 1;
	}
	if ((st = put(rd, p, n)) != SR_OK)
		return (st);
	return (put(rd, "\n", 1));
}

/* Reads the entries of rd->jr into the spool, in journal order. */
static int
read_entries(struct jread *rd)
{
	sd_journal *j = rd->jn->j;
	uint64_t linemax = sr_ctx_limit(rd->in->ctx, SR_LIMIT_LINE);
	uint64_t id, last = 0;
	const void *d;
	size_t l, ml;
	char *match;
	int r, st;

	sd_journal_flush_matches(j);
	if ((match = malloc(rd->jr->vlen + 10)) == NULL)
		return (nomem(rd->in, rd->err));
	memcpy(match, "TLOG_REC=", 9);
	memcpy(match + 9, rd->jr->value, rd->jr->vlen);
	r = sd_journal_add_match(j, match, rd->jr->vlen + 9);
	free(match);
	if (r < 0 || (r = sd_journal_seek_head(j)) < 0)
		return (sd_error(rd->in, rd->jr->name, r, "cannot read journal",
		    rd->err));
	while ((r = sd_journal_next(j)) > 0) {
		id = last;
		r = sd_journal_get_data(j, "TLOG_ID", &d, &l);
		if (r == -ENOMEM)
			return (nomem(rd->in, rd->err));
		if (r < 0 ||
		    sr_parse_u64((const char *)d + 8, l - 8, UINT64_MAX, &id) !=
			0) {
			entry_warn(rd, SR_E_FORMAT,
			    "TLOG_ID missing or not a number: message kept "
			    "after the one before it");
			id = last;
		}
		r = sd_journal_get_data(j, "MESSAGE", &d, &l);
		if (r == -ENOMEM)
			return (nomem(rd->in, rd->err));
		if (r < 0) {
			entry_warn(rd, SR_E_FORMAT, "%s: entry skipped",
			    r == -ENOENT ? "no MESSAGE" : strerror(-r));
			continue;
		}
		ml = l - 8;
		if ((uint64_t)ml > linemax) {
			entry_warn(rd, SR_E_LIMIT,
			    "MESSAGE longer than the line limit of %llu "
			    "bytes: entry skipped",
			    (unsigned long long)linemax);
			continue;
		}
		d = (const char *)d + 8;
		if (ml > 0 && ((const char *)d)[ml - 1] == '\n')
			ml--;
		if ((st = add_message(rd, id, d, ml)) != SR_OK)
			return (st);
		last = id;
	}
	if (r < 0) {
		char *c = cursor(j);

		warn_in(rd->in, rd->jr->name, SR_E_TRUNCATED,
		    "cannot read the entry after %s: %s: recording cut short",
		    c != NULL ? c : "the first", strerror(-r));
		free(c);
	}
	return (chunk_flush(rd));
}

static int
jmsg_cmp(const void *a, const void *b)
{
	const struct jmsg *x = a, *y = b;

	if (x->id != y->id)
		return (x->id < y->id ? -1 : 1);
	/* Of equal ids, journal order: the offsets grow with it. */
	return (x->off < y->off ? -1 : x->off > y->off);
}

/* Reads n bytes of the spool at off (0 or -1). */
static int
spool_read(struct sr_journal *jn, void *buf, size_t n, int64_t off)
{
	unsigned char *p = buf;
	ssize_t r;

	while (n > 0) {
		r = pread(jn->spool.fd, p, n, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return (-1);
		}
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return (0);
}

/*
 * Writes the recording again in TLOG_ID order, after its bytes in
 * journal order, dropping exact duplicates (the same entry in two
 * files).  Two messages are held at a time: memory stays at twice the
 * line limit.
 */
static int
reorder(struct jread *rd)
{
	unsigned char *cur = NULL, *prev = NULL, *t;
	size_t i, cap = 0, plen = 0;
	int64_t base = rd->base;
	uint64_t pid = 0;
	int st = SR_OK, have_prev = 0;

	for (i = 0; i < rd->n; i++)
		rd->msg[i].len =
		    (i + 1 < rd->n ? rd->msg[i + 1].off : rd->len) -
		    rd->msg[i].off;
	qsort(rd->msg, rd->n, sizeof(*rd->msg), jmsg_cmp);
	rd->base = -1;
	rd->len = 0;
	for (i = 0; i < rd->n && st == SR_OK; i++) {
		size_t n = (size_t)rd->msg[i].len;

		if (n > cap) {
			cap = n;
			free(cur);
			if ((cur = malloc(cap)) == NULL ||
			    (t = realloc(prev, cap)) == NULL) {
				st = nomem(rd->in, rd->err);
				break;
			}
			prev = t;
		}
		if (spool_read(rd->jn, cur, n, base + rd->msg[i].off) == -1) {
			st = sr_error_errno(rd->err, SR_FAILED, errno,
			    rd->in->path, rd->jr->name, rd->msg[i].off,
			    "cannot read spool file");
			break;
		}
		if (have_prev && rd->msg[i].id == pid) {
			if (n == plen && memcmp(cur, prev, n) == 0)
				continue;
			warn_in(rd->in, rd->jr->name, SR_E_FORMAT,
			    "TLOG_ID %llu logged twice with different "
			    "messages: both kept",
			    (unsigned long long)pid);
		}
		st = put(rd, cur, n);
		t = prev;
		prev = cur;
		cur = t;
		plen = n;
		pid = rd->msg[i].id;
		have_prev = 1;
	}
	if (st == SR_OK)
		st = chunk_flush(rd);
	free(cur);
	free(prev);
	return (st);
}

/* Reads a recording's entries into the spool (the lock is held). */
static int
materialize(struct sr_input *in, struct sr_journal *jn, struct jrec *jr,
    struct sr_error *err)
{
	struct jread rd;
	int st;

	memset(&rd, 0, sizeof(rd));
	rd.in = in;
	rd.jn = jn;
	rd.jr = jr;
	rd.err = err;
	rd.base = -1;
	rd.maxn = (size_t)(sr_ctx_limit(in->ctx, SR_LIMIT_SPOOL) /
	    sizeof(struct jmsg));
	if (rd.maxn < 1024)
		rd.maxn = 1024;
	if ((rd.chunk = malloc(JR_CHUNK)) == NULL)
		return (nomem(in, err));
	st = read_entries(&rd);
	if (st == SR_OK && rd.unsorted)
		st = reorder(&rd);
	if (st == SR_OK && rd.unwarned > 0)
		warn_in(in, jr->name, SR_E_FORMAT,
		    "%zu more problems with entries not shown", rd.unwarned);
	free(rd.chunk);
	free(rd.msg);
	if (st != SR_OK)
		return (st);
	jr->off = rd.base;
	jr->len = rd.len;
	return (SR_OK);
}

int
sr_journal_src(struct sr_input *in, struct sr_imember *m, struct sr_src *src,
    struct sr_error *err)
{
	struct sr_journal *jn = in->journal;
	struct jrec *jr;
	int st = SR_OK;

	if (jn == NULL || m->off < 0 || (uint64_t)m->off >= jn->nrec)
		return (sr_error_set(err, SR_FATAL, SR_E_MISUSE, in->path, NULL,
		    "not a journal member"));
	jr = &jn->rec[m->off];
	(void)pthread_mutex_lock(&jn->lock);
	if (jr->state == 0) {
		st = materialize(in, jn, jr, err);
		jr->state = st == SR_OK ? 1 : -1;
	} else if (jr->state < 0) {
		struct sr_loc loc;

		sr_loc_clear(&loc);
		sr_loc_set_member(&loc, jr->name);
		st = sr_error_set(err, SR_FAILED, SR_E_FORMAT, in->path, &loc,
		    "journal entries of this recording cannot be read");
	}
	if (st == SR_OK) {
		memset(src, 0, sizeof(*src));
		src->fd = -1;
		if (jr->len == 0 || jr->off < 0) {
			src->mem = empty;
			src->len = 0;
		} else {
			src->fd = jn->spool.fd;
			src->base = jr->off;
			src->len = jr->len;
		}
	}
	(void)pthread_mutex_unlock(&jn->lock);
	return (st);
}
