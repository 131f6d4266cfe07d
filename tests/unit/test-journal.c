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
 * Unit tests for the journal input (lib/input/input-journal.c), on the
 * real journal files of tests/data/journal (made by the real journald,
 * tlog-rec and systemd-journal-remote: tests/gen/gen-journal.sh), which
 * are unpacked with the input layer's own decoder into a mkdtemp
 * directory.  Each case names a file, the members it must have, and per
 * member the TLOG_IDs of its lines in order (0 ends the list) and the
 * number of warnings reading it gives.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "unit.h"

static char tmpdir[] = "/tmp/sessrec-tj.XXXXXX";

struct diag {
	size_t n;
	char last[1024];
};

static void
count_diag(void *arg, int status, const struct sr_error *e)
{
	struct diag *d = arg;

	(void)status;
	d->n++;
	(void)sr_error_format(e, d->last, sizeof(d->last));
}

/* Unpacks tests/data/journal/NAME.zst to tmpdir/OUT. */
static void
unpack(const char *name, const char *out, size_t maxlen)
{
	char rel[256], path[512];
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_input *in;
	struct sr_stream *s;
	struct sr_error err;
	unsigned char buf[65536];
	size_t got, total = 0;
	int fd;

	assert_non_null(ctx);
	(void)snprintf(rel, sizeof(rel), "tests/data/journal/%s.zst", name);
	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, out);
	assert_int_equal(sr_input_open(ctx, unit_srcpath(rel), &in, &err),
	    SR_OK);
	assert_int_equal(sr_stream_open(in, sr_input_member(in, 0)->name, 0, &s,
			     &err),
	    SR_OK);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	for (;;) {
		assert_int_equal(sr_stream_read(s, buf, sizeof(buf), &got),
		    SR_OK);
		if (got == 0)
			break;
		if (total + got > maxlen)
			got = maxlen - total;
		assert_int_equal(write(fd, buf, got), (ssize_t)got);
		total += got;
		if (total == maxlen)
			break;
	}
	(void)close(fd);
	sr_stream_close(s);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

static int
setup(void **state)
{
	char p[512];

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	unpack("tlog-rec.journal", "tlog-rec.journal", SIZE_MAX);
	unpack("crafted.journal", "crafted.journal", SIZE_MAX);
	unpack("damaged.journal", "damaged.journal", SIZE_MAX);
	unpack("tlog-rec.journal", "trunc.journal", 4096);
	unpack("tlog-rec.journal", "renamed.jnl", SIZE_MAX);
	/* A directory: a good file, a truncated one, and something else. */
	(void)snprintf(p, sizeof(p), "%s/dir", tmpdir);
	assert_int_equal(mkdir(p, 0700), 0);
	(void)snprintf(p, sizeof(p), "%s/dir/m", tmpdir);
	assert_int_equal(mkdir(p, 0700), 0);
	unpack("tlog-rec.journal", "dir/m/system.journal", SIZE_MAX);
	unpack("tlog-rec.journal", "dir/m/user-1000.journal~", 100);
	unpack("tlog-rec.journal", "dir/notes.txt", 64);
	return (0);
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return (system(cmd) == 0 ? 0 : -1);
}

/* The fixture's recordings (tests/gen/gen-journal.sh made them). */
#define REC_MANY "05eaa202faaf4015acbb3d1086898c40-26a5-274db9"
#define REC_TWO	 "05eaa202faaf4015acbb3d1086898c40-26a6-274db9"
#define REC_PTY	 "05eaa202faaf4015acbb3d1086898c40-26b9-274e6f"
#define EVIL	 "%2E.%2Fevil%2F%1B%5B31mred"

struct mcase {
	const char *member;
	uint64_t ids[8];     /* "id" of each line, 0-terminated */
	size_t warnings;     /* from opening it */
	const char *warning; /* a part of the last one, or NULL */
};

struct fcase {
	const char *name;
	const char *file;
	int status; /* of sr_input_open */
	const char *error;
	size_t nmembers; /* journal members */
	size_t open_warnings;
	struct mcase m[7];
};

static const struct fcase fcases[] = {
	{ "real journald file", "tlog-rec.journal", SR_OK, NULL, 3, 0,
	    { { REC_MANY, { 1, 2, 3, 4, 5 }, 0, NULL },
		{ REC_TWO, { 1, 2 }, 0, NULL },
		{ REC_PTY, { 1, 2 }, 0, NULL } } },
	{ "renamed file (descriptor)", "renamed.jnl", SR_OK, NULL, 3, 0,
	    { { REC_TWO, { 1, 2 }, 0, NULL } } },
	{ "crafted", "crafted.journal", SR_OK, NULL, 6, 0,
	    { { "crafted-order", { 1, 2, 3, 4, 5 }, 0, NULL },
		{ "crafted-gap", { 1, 3, 4, 5 }, 0, NULL },
		/* 2 cut short; "3x" has no MESSAGE; "three" repeats 3. */
		{ "crafted-broken", { 1, 2, 3, 4, 5 }, 3, "TLOG_ID" },
		{ "crafted-multiline", { 1 }, 0, NULL },
		{ "crafted-notlog", { 98 }, 0, NULL },
		{ EVIL, { 1 }, 0, NULL } } },
	{ "damaged tail", "damaged.journal", SR_OK, NULL, 1, 1,
	    { { REC_MANY, { 1, 2 }, 0, NULL } } },
	{ "truncated file", "trunc.journal", SR_FAILED, "truncated", 0, 0,
	    { { NULL, { 0 }, 0, NULL } } },
	{ "directory", "dir", SR_OK, NULL, 3, 1,
	    { { REC_PTY, { 1, 2 }, 0, NULL } } },
};

/* The "id" of a tlog line: 99 when absent, 98 when it is no JSON. */
static uint64_t
line_id(const char *line, size_t len)
{
	const char *p = NULL;
	uint64_t v = 0;
	size_t i;

	if (len == 0 || line[0] != '{')
		return (98);
	for (i = 0; p == NULL && i + 5 <= len; i++)
		if (memcmp(line + i, "\"id\":", 5) == 0)
			p = line + i;
	if (p == NULL)
		return (99);
	for (p += 5; p < line + len && *p == ' '; p++)
		;
	for (; p < line + len && *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return (v);
}

static size_t
count_journal_members(struct sr_input *in)
{
	size_t i, n = 0;
	const struct sr_member *m;

	for (i = 0; (m = sr_input_member(in, i)) != NULL; i++)
		if (strchr(m->name, '/') == NULL &&
		    strstr(m->name, ".journal") == NULL &&
		    strcmp(m->name, "notes.txt") != 0)
			n++;
	return (n);
}

static void
check_member(const struct fcase *fc, const struct mcase *mc,
    struct sr_input *in, struct diag *d)
{
	struct sr_stream *s;
	struct sr_error err;
	const char *line;
	size_t len, k = 0, before = d->n;
	int complete, st;

	st = sr_stream_open(in, mc->member, 0, &s, &err);
	if (st != SR_OK)
		fail_msg("%s: %s: open: %s", fc->name, mc->member, err.msg);
	while ((st = sr_stream_getline(s, &line, &len, &complete, 1 << 22)) ==
	    SR_OK) {
		if (!complete)
			fail_msg("%s: %s: line %zu without newline", fc->name,
			    mc->member, k + 1);
		if (k >= nitems(mc->ids) || mc->ids[k] == 0)
			fail_msg("%s: %s: more than %zu lines", fc->name,
			    mc->member, k);
		if (line_id(line, len) != mc->ids[k])
			fail_msg("%s: %s: line %zu has id %llu, want %llu",
			    fc->name, mc->member, k + 1,
			    (unsigned long long)line_id(line, len),
			    (unsigned long long)mc->ids[k]);
		k++;
	}
	assert_int_equal(st, SR_EOF);
	if (k < nitems(mc->ids) && mc->ids[k] != 0)
		fail_msg("%s: %s: %zu lines, want more", fc->name, mc->member,
		    k);
	sr_stream_close(s);
	if (d->n - before != mc->warnings)
		fail_msg("%s: %s: %zu warnings, want %zu (last: %s)", fc->name,
		    mc->member, d->n - before, mc->warnings, d->last);
	if (mc->warning != NULL && strstr(d->last, mc->warning) == NULL)
		fail_msg("%s: %s: warning '%s' lacks '%s'", fc->name,
		    mc->member, d->last, mc->warning);
	/* A second open reads the spool again: no more warnings. */
	before = d->n;
	assert_int_equal(sr_stream_open(in, mc->member, 0, &s, &err), SR_OK);
	sr_stream_close(s);
	assert_int_equal(d->n, before);
}

static void
test_files(void **state)
{
	const struct fcase *fc;
	const struct mcase *mc;
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	struct diag d;
	char path[512];
	size_t i, k;
	int st;

	(void)state;
	for (i = 0; i < nitems(fcases); i++) {
		fc = &fcases[i];
		memset(&d, 0, sizeof(d));
		ctx = sr_ctx_new();
		assert_non_null(ctx);
		sr_ctx_set_diag(ctx, count_diag, &d);
		(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, fc->file);
		st = sr_input_open(ctx, path, &in, &err);
		if (st != fc->status)
			fail_msg("%s: open status %d, want %d (%s)", fc->name,
			    st, fc->status, err.msg);
		if (st != SR_OK) {
			if (strstr(err.msg, fc->error) == NULL ||
			    strcmp(err.path, path) != 0)
				fail_msg("%s: error '%s' on '%s'", fc->name,
				    err.msg, err.path);
			sr_ctx_free(ctx);
			continue;
		}
		if (count_journal_members(in) != fc->nmembers)
			fail_msg("%s: %zu recordings, want %zu", fc->name,
			    count_journal_members(in), fc->nmembers);
		if (d.n != fc->open_warnings)
			fail_msg("%s: %zu warnings at open, want %zu (%s)",
			    fc->name, d.n, fc->open_warnings, d.last);
		for (k = 0; k < nitems(fc->m) && fc->m[k].member != NULL; k++) {
			mc = &fc->m[k];
			check_member(fc, mc, in, &d);
		}
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/* The tlog reader reads a journal member: session id, events. */
static void
test_reader(void **state)
{
	static const struct {
		const char *member;
		const char *id;
		size_t events;
	} cases[] = {
		{ REC_MANY, REC_MANY, 5 },
		{ REC_PTY, REC_PTY, 5 },
		{ "crafted-order", "crafted-order", 5 },
		{ EVIL, "evil", 1 },
	};
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_input *in, *cin;
	struct sr_reader *r;
	const struct sr_session *s;
	const struct sr_event *ev;
	struct sr_error err;
	char path[512];
	size_t i, n;

	(void)state;
	assert_non_null(ctx);
	(void)snprintf(path, sizeof(path), "%s/tlog-rec.journal", tmpdir);
	assert_int_equal(sr_input_open(ctx, path, &in, &err), SR_OK);
	(void)snprintf(path, sizeof(path), "%s/crafted.journal", tmpdir);
	assert_int_equal(sr_input_open(ctx, path, &cin, &err), SR_OK);
	assert_int_equal(sr_input_kind(in), SR_INPUT_ARCHIVE);
	for (i = 0; i < nitems(cases); i++) {
		struct sr_input *use = i < 2 ? in : cin;

		if (sr_reader_open(ctx, use, cases[i].member, NULL, &r, &err) !=
		    SR_OK)
			fail_msg("%s: reader: %s", cases[i].member, err.msg);
		assert_string_equal(sr_format_name(sr_reader_format(r)),
		    "tlog");
		assert_true(sr_reader_next_session(r, &s) >= SR_WARN);
		if (strcmp(s->field[SR_F_SESSION_ID], cases[i].id) != 0)
			fail_msg("%s: session id %s", cases[i].member,
			    s->field[SR_F_SESSION_ID]);
		for (n = 0; sr_reader_next_event(r, &ev) == SR_OK; n++)
			;
		if (n != cases[i].events)
			fail_msg("%s: %zu events, want %zu", cases[i].member, n,
			    cases[i].events);
		sr_reader_close(r);
	}
	sr_input_close(in);
	sr_input_close(cin);
	sr_ctx_free(ctx);
}

/* Limits: line, decoded bytes, members. */
static void
test_limits(void **state)
{
	static const struct {
		const char *name;
		enum sr_limit limit;
		uint64_t value;
		int open_status; /* of the input */
		int stream_status;
		size_t warnings;
	} cases[] = {
		/* Four messages of "many" are longer, its last is not. */
		{ "line", SR_LIMIT_LINE, 600, SR_OK, SR_OK, 4 },
		{ "decoded", SR_LIMIT_DECODED, 1000, SR_OK, SR_FAILED, 0 },
		{ "members", SR_LIMIT_MEMBERS, 2, SR_FAILED, 0, 0 },
	};
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_stream *s;
	struct sr_error err;
	struct diag d;
	char path[512];
	size_t i;
	int st;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/tlog-rec.journal", tmpdir);
	for (i = 0; i < nitems(cases); i++) {
		memset(&d, 0, sizeof(d));
		ctx = sr_ctx_new();
		assert_non_null(ctx);
		sr_ctx_set_diag(ctx, count_diag, &d);
		sr_ctx_set_limit(ctx, cases[i].limit, cases[i].value);
		st = sr_input_open(ctx, path, &in, &err);
		if (st != cases[i].open_status)
			fail_msg("%s: open %d (%s)", cases[i].name, st,
			    err.msg);
		if (st != SR_OK) {
			assert_int_equal(err.cat, SR_E_LIMIT);
			sr_ctx_free(ctx);
			continue;
		}
		st = sr_stream_open(in, REC_MANY, 0, &s, &err);
		if (st != cases[i].stream_status)
			fail_msg("%s: stream %d (%s)", cases[i].name, st,
			    err.msg);
		if (st == SR_OK)
			sr_stream_close(s);
		else if (err.cat != SR_E_LIMIT ||
		    strcmp(err.loc.member, REC_MANY) != 0)
			fail_msg("%s: error %s in '%s'", cases[i].name, err.msg,
			    err.loc.member);
		if (d.n != cases[i].warnings)
			fail_msg("%s: %zu warnings, want %zu (%s)",
			    cases[i].name, d.n, cases[i].warnings, d.last);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

struct tharg {
	struct sr_input *in;
	const char *member;
	size_t len;
	int status;
};

static void *
reader_thread(void *arg)
{
	struct tharg *t = arg;
	struct sr_stream *s;
	struct sr_error err;
	unsigned char buf[4096];
	size_t got;

	t->status = sr_stream_open(t->in, t->member, 0, &s, &err);
	if (t->status != SR_OK)
		return (NULL);
	while (sr_stream_read(s, buf, sizeof(buf), &got) == SR_OK && got > 0)
		t->len += got;
	sr_stream_close(s);
	return (NULL);
}

/* Several threads open members at once (the catalog's scan does). */
static void
test_threads(void **state)
{
	static const char *const members[] = { REC_MANY, REC_TWO, REC_PTY,
		REC_MANY, REC_TWO, REC_PTY, REC_MANY, REC_MANY };
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_input *in;
	struct sr_error err;
	pthread_t tid[nitems(members)];
	struct tharg t[nitems(members)];
	char path[512];
	size_t i, k;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/tlog-rec.journal", tmpdir);
	assert_int_equal(sr_input_open(ctx, path, &in, &err), SR_OK);
	for (i = 0; i < nitems(members); i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].in = in;
		t[i].member = members[i];
		assert_int_equal(pthread_create(&tid[i], NULL, reader_thread,
				     &t[i]),
		    0);
	}
	for (i = 0; i < nitems(members); i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		for (k = 0; strcmp(members[k], members[i]) != 0; k++)
			;
		if (t[i].status != SR_OK || t[i].len == 0 ||
		    t[i].len != t[k].len)
			fail_msg("thread %zu (%s): status %d, %zu bytes", i,
			    members[i], t[i].status, t[i].len);
	}
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/* "journal" is the system journal, whether or not it holds anything. */
static void
test_system(void **state)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_input *in;
	struct sr_error err;

	(void)state;
	assert_int_equal(sr_input_open(ctx, "journal", &in, &err), SR_OK);
	assert_int_equal(sr_input_kind(in), SR_INPUT_ARCHIVE);
	assert_string_equal(sr_input_path(in), "journal");
	sr_input_close(in);
	/* A plain file that is no journal is not taken for one. */
	assert_int_equal(sr_input_open(ctx,
			     unit_srcpath("tests/data/tlog/two-recs.json"), &in,
			     &err),
	    SR_OK);
	assert_int_equal(sr_input_kind(in), SR_INPUT_FILE);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_system),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
