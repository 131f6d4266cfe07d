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
 * Tests of the recording writer (lib/recw.c): the tlog messages it
 * writes for event sequences (exact lines, as tlog-play needs them), the
 * frame layout (header, checkpoint 0, data + chain per chunk, index,
 * seal), the hash chain recomputed from the plaintext, chunking by size
 * and time, and write failures, which must leave a file that ends on a
 * frame boundary.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <zstd.h>

#include "native.h"
#include "seal.h"
#include "unit.h"

#define MS SR_NSEC_PER_MSEC

struct ev {
	enum sr_event_type type;
	int64_t t_ms;
	const char *data;
	size_t len;
	unsigned flags, cols, rows;
};

#define OUT(t, s)                                                              \
	{                                                                      \
		SR_EV_OUTPUT, (t), s, sizeof(s) - 1, 0, 0, 0                   \
	}
#define IN(t, s)                                                               \
	{                                                                      \
		SR_EV_INPUT, (t), s, sizeof(s) - 1, 0, 0, 0                    \
	}
#define MASKED(t, s)                                                           \
	{                                                                      \
		SR_EV_INPUT, (t), s, sizeof(s) - 1, SR_EVF_MASKED, 0, 0        \
	}
#define WIN(t, c, r)                                                           \
	{                                                                      \
		SR_EV_RESIZE, (t), NULL, 0, 0, (c), (r)                        \
	}
#define MARK(t, s)                                                             \
	{                                                                      \
		SR_EV_MARKER, (t), s, sizeof(s) - 1, 0, 0, 0                   \
	}
#define END                                                                    \
	{                                                                      \
		0, 0, NULL, 0, 0, 0, 0                                         \
	}

/* What follows "id":N in each line, up to "}" (the envelope is fixed). */
struct tcase {
	const char *name;
	struct ev ev[12];
	int64_t end_ms;
	int status;
	const char *lines[8];
};

#define T0    "\"time\":1795577830.000,"
#define NOIN  "\"in_txt\":\"\",\"in_bin\":[],"
#define NOOUT "\"out_txt\":\"\",\"out_bin\":[]"
static const struct tcase cases[] = {
	{ "text and delays",
	    { OUT(0, "hello "), OUT(0, "world\r\n"), OUT(250, "x"), END }, 300,
	    0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>13+250>1\"," NOIN
	      "\"out_txt\":\"hello world\\r\\nx\",\"out_bin\":[],"
	      "\"sr_ver\":1,\"sr_session_id\":\"01KAAAAAAAAAAAAAAAAAAAAAAA\","
	      "\"sr_actor\":\"alice\",\"sr_src_ip\":\"203.0.113.9\","
	      "\"sr_ticket\":\"CHG-1\",\"sr_command\":\"bash -l\","
	      "\"sr_host\":\"bastion\"}",
		"\"pos\":300,\"time\":1795577830.300,\"timing\":\"="
		"80x24\"," NOIN NOOUT
		",\"sr_end\":\"exit\",\"sr_status\":0}" } },
	{ "invalid bytes: one placeholder per maximal subpart",
	    { OUT(0, "a\xff\xfe b"), END }, 0, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>1]2/2>2\"," NOIN
	      "\"out_txt\":\"a\xef\xbf\xbd\xef\xbf\xbd b\","
	      "\"out_bin\":[255,254]," } },
	{ "overlong and surrogate forms are invalid",
	    { OUT(0, "\xc0\x80\xed\xa0\x80"), END }, 0, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24]5/5\"," NOIN
	      "\"out_txt\":\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	      "\xef\xbf\xbd\",\"out_bin\":[192,128,237,160,128]," } },
	{ "a character split across events is held",
	    { OUT(0, "\xe2\x82"), OUT(10, "\xac!"), END }, 10, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24+10>2\"," NOIN
	      "\"out_txt\":\"\xe2\x82\xac!\",\"out_bin\":[]," } },
	{ "a cut character at the end is written as bytes",
	    { OUT(0, "x\xe2\x82"), END }, 5, 1,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>1+5]1/2\"," NOIN
	      "\"out_txt\":\"x\xef\xbf\xbd\",\"out_bin\":[226,130],",
		"\"pos\":5,\"time\":1795577830.005,\"timing\":\"=80x24\"," NOIN
		    NOOUT ",\"sr_end\":\"exit\",\"sr_status\":1}" } },
	{ "input and output in one millisecond keep their order",
	    { IN(0, "ls\r"), OUT(0, "ls\r\n"), END }, 0, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24<3>4\","
	      "\"in_txt\":\"ls\\r\",\"in_bin\":[],"
	      "\"out_txt\":\"ls\\r\\n\",\"out_bin\":[]," } },
	{ "escapes as tlog writes them",
	    { OUT(0, "\x1b[1m\"q\"\\\t\x7f\x01/\xc2\x85"), END }, 0, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>13\"," NOIN
	      "\"out_txt\":\"\\u001b[1m\\\"q\\\"\\\\\\t\\u007f\\u0001/"
	      "\xc2\x85\","
	      "\"out_bin\":[]," } },
	{ "characters are counted, not bytes",
	    { OUT(0, "\xf0\x9f\x98\x80\xce\xb1"), END }, 0, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>2\"," } },
	{ "resize inside a message",
	    { OUT(0, "a"), WIN(100, 100, 30), OUT(100, "b"), WIN(100, 100, 30),
		END },
	    100, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>1+100=100x30>1\"," } },
	{ "marker, then a message that starts with a resize",
	    { MARK(0, "note x=1 y=2"), WIN(50, 90, 20), OUT(50, "z"), END }, 50,
	    0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24\"," NOIN NOOUT
	      ",\"sr_ver\":1,",
		"\"pos\":50,\"time\":1795577830.050,\"timing\":\"=90x20>"
		"1\"," } },
	{ "masked input leaves a marker and no data",
	    { OUT(0, "Password: "), MASKED(20, "proc=sudo"), IN(30, "ls\r"),
		END },
	    30, 0,
	    { "\"pos\":0," T0 "\"timing\":\"=80x24>10\",",
		"\"pos\":20,\"time\":1795577830.020,\"timing\":\"=80x24\"," NOIN
		    NOOUT ",\"sr_mark\":\"input-masked\","
		"\"sr_detail\":\"proc=sudo\"}",
		"\"pos\":30,\"time\":1795577830.030,\"timing\":\"=80x24<3\","
		"\"in_txt\":\"ls\\r\",\"in_bin\":[]," NOOUT "}" } },
	{ "time never goes back", { OUT(100, "a"), OUT(50, "b"), END }, 0, 0,
	    { "\"pos\":100,\"time\":1795577830.100,\"timing\":\"=80x24>2\",",
		"\"pos\":100,\"time\":1795577830.100," } },
	{ NULL, { END }, 0, 0, { NULL } },
};

/* Frames of a file, decoded. */
struct walk {
	int nheader, nck, nchunks, nseal, nindex;
	int seal_last;
	struct sr_seal_rec seal;
	char *plain; /* all data frames, concatenated */
	size_t plen;
	int chain_ok;
	uint64_t end_off; /* where the walk stopped */
	int torn;
};

static void
walk_file(const char *path, struct walk *w)
{
	unsigned char h[SR_HASH_LEN], *buf;
	struct stat st;
	size_t off = 0, len;
	int fd, kind, ver;
	uint32_t blen;
	char *pend = NULL;
	size_t pendlen = 0;

	memset(w, 0, sizeof(*w));
	w->chain_ok = 1;
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	len = (size_t)st.st_size;
	buf = malloc(len + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, len), (ssize_t)len);
	close(fd);
	while (off < len) {
		int r = sr_native_skip_parse(buf + off, len - off, &kind, &blen,
		    &ver);

		w->seal_last = 0;
		if (r == 1) {
			const unsigned char *b = buf + off + 14;

			if (off + 14 + blen > len) {
				w->torn = 1;
				break;
			}
			switch (kind) {
			case SR_NK_HEADER:
				w->nheader++;
				sr_chain_h0(h, b, blen);
				break;
			case SR_NK_CHECKPOINT:
				w->nck++;
				break;
			case SR_NK_INDEX:
				w->nindex++;
				break;
			case SR_NK_CHAIN: {
				struct sr_chain_rec c;

				assert_int_equal(sr_chain_decode(b, blen, &c),
				    0);
				assert_non_null(pend);
				sr_chain_step(h, c.seq, c.stream, c.t_ns, pend,
				    pendlen);
				if (memcmp(h, c.h, SR_HASH_LEN) != 0 ||
				    c.len != pendlen ||
				    c.seq != (uint64_t)w->nchunks)
					w->chain_ok = 0;
				free(pend);
				pend = NULL;
				break;
			}
			case SR_NK_SEAL:
				w->nseal++;
				assert_int_equal(sr_seal_decode(b, blen,
						     &w->seal),
				    0);
				w->seal_last = 1;
				break;
			default:
				fail_msg("unknown kind %c", kind);
			}
			off += 14 + blen;
			continue;
		}
		if (r < 0) {
			w->torn = 1;
			break;
		}
		{
			size_t fl =
			    ZSTD_findFrameCompressedSize(buf + off, len - off);
			unsigned long long cs;

			if (ZSTD_isError(fl)) {
				w->torn = 1;
				break;
			}
			cs = ZSTD_getFrameContentSize(buf + off, fl);
			assert_true(cs != ZSTD_CONTENTSIZE_UNKNOWN &&
			    cs != ZSTD_CONTENTSIZE_ERROR);
			assert_true(cs <= SR_CHUNK_WRITE_MAX);
			assert_null(pend); /* one chain record per frame */
			pend = malloc(cs + 1);
			assert_non_null(pend);
			pendlen = ZSTD_decompress(pend, cs, buf + off, fl);
			assert_false(ZSTD_isError(pendlen));
			w->plain = realloc(w->plain, w->plen + pendlen + 1);
			memcpy(w->plain + w->plen, pend, pendlen);
			w->plen += pendlen;
			w->plain[w->plen] = '\0';
			w->nchunks++;
			off += fl;
		}
	}
	w->end_off = off;
	free(pend);
	free(buf);
}

static struct sr_recw *
start(struct sr_ctx *ctx, const char *path, const struct sr_rec_opts *o,
    int *fdp)
{
	static const char *const argv[] = { "bash", "-l", NULL };
	struct sr_rec_meta m;
	struct sr_recw *w = NULL;
	struct sr_error err;
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0600);
	assert_true(fd >= 0);
	memset(&m, 0, sizeof(m));
	m.session_id = "01KAAAAAAAAAAAAAAAAAAAAAAA";
	m.host = "bastion";
	m.user = "root";
	m.actor = "alice";
	m.term = "xterm";
	m.command = "bash -l";
	m.argv = argv;
	m.ticket = "CHG-1";
	m.src_ip = "203.0.113.9";
	m.claimed = SR_CLAIMED_TICKET | SR_CLAIMED_SRC_IP;
	m.start_ns = 1795577830000LL * MS;
	m.cols = 80;
	m.rows = 24;
	m.loginuid = -1;
	m.audit_session = -1;
	m.mask = "echo-off+prompt";
	assert_int_equal(sr_recw_open(ctx, fd, &m, o, &w, &err), SR_OK);
	*fdp = fd;
	return (w);
}

static void
feed(struct sr_recw *w, const struct ev *e)
{
	struct sr_event ev;

	for (; e->type != 0; e++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = e->type;
		ev.t_ns = e->t_ms * MS;
		ev.data = (const unsigned char *)e->data;
		ev.len = e->len;
		ev.flags = e->flags;
		ev.cols = e->cols;
		ev.rows = e->rows;
		assert_int_equal(sr_recw_event(w, &ev), SR_OK);
	}
}

/* The part of a line after "id":N, and before "}" */
static const char *
line_body(const char *line, size_t len, char *out, size_t outlen)
{
	const char *p = strstr(line, ",\"pos\":");
	size_t n;

	assert_non_null(p);
	n = (size_t)(line + len - p);
	assert_true(n - 1 < outlen);
	memcpy(out, p + 1, n - 1);
	out[n - 1] = '\0';
	return (out);
}

static void
test_messages(void **state)
{
	const struct tcase *c;
	char path[] = "/tmp/test-recw-XXXXXX";
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	int tmpfd;

	(void)state;
	tmpfd = mkstemp(path);
	assert_true(tmpfd >= 0);
	close(tmpfd);
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.chunk_ns = 3600 * SR_NSEC_PER_SEC;
	for (c = cases; c->name != NULL; c++) {
		struct sr_recw *w;
		struct walk wk;
		const char *p, *nl;
		char body[4096];
		size_t i;
		int fd;

		w = start(ctx, path, &o, &fd);
		feed(w, c->ev);
		assert_int_equal(sr_recw_seal(w, c->end_ms * MS, SR_END_EXIT,
				     c->status),
		    SR_OK);
		sr_recw_free(w);
		close(fd);
		walk_file(path, &wk);
		p = wk.plain;
		for (i = 0; c->lines[i] != NULL; i++) {
			assert_non_null(p);
			nl = strchr(p, '\n');
			assert_non_null(nl);
			line_body(p, (size_t)(nl - p), body, sizeof(body));
			if (strncmp(body, c->lines[i], strlen(c->lines[i])) !=
			    0)
				fail_msg("%s: line %zu:\n got  %s\n want %s",
				    c->name, i + 1, body, c->lines[i]);
			p = nl + 1;
		}
		free(wk.plain);
	}
	unlink(path);
	sr_ctx_free(ctx);
}

/* Frames, chain, index and seal of a recording with several chunks. */
static void
test_layout(void **state)
{
	char path[] = "/tmp/test-recw-XXXXXX";
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_event ev;
	struct walk wk;
	struct stat st;
	char line[64];
	int fd, i, n;

	(void)state;
	close(mkstemp(path));
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.chunk_bytes = 2048;
	w = start(ctx, path, &o, &fd);
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_OUTPUT;
	for (i = 0; i < 500; i++) {
		n = snprintf(line, sizeof(line), "line %d of the output\r\n",
		    i);
		ev.t_ns = (int64_t)i * 10 * MS;
		ev.data = (const unsigned char *)line;
		ev.len = (size_t)n;
		assert_int_equal(sr_recw_event(w, &ev), SR_OK);
	}
	assert_int_equal(sr_recw_seal(w, 5 * SR_NSEC_PER_SEC, SR_END_SIGNAL, 9),
	    SR_OK);
	assert_true(sr_recw_size(w) > 0);
	sr_recw_free(w);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0440);
	close(fd);
	walk_file(path, &wk);
	assert_false(wk.torn);
	assert_int_equal(wk.end_off, (uint64_t)st.st_size);
	assert_int_equal(wk.nheader, 1);
	assert_true(wk.nck >= 1);
	assert_true(wk.nchunks > 5); /* 2 KiB chunks */
	assert_true(wk.chain_ok);
	assert_int_equal(wk.nindex, 1);
	assert_int_equal(wk.nseal, 1);
	assert_true(wk.seal_last);
	assert_int_equal(wk.seal.n, (uint64_t)wk.nchunks);
	assert_int_equal(wk.seal.end_reason, SR_END_SIGNAL);
	assert_int_equal(wk.seal.status, 9);
	assert_int_equal(wk.seal.end_ns, 5 * SR_NSEC_PER_SEC);
	assert_int_equal(wk.seal.bytes_lost, 0);
	assert_int_equal(wk.seal.bytes_in, 0);
	assert_true(wk.seal.bytes_out > 500 * 20);
	/* Every line of output is there once, in order. */
	for (i = 0; i < 500; i += 99) {
		snprintf(line, sizeof(line), "line %d of the output\\r\\n", i);
		assert_non_null(strstr(wk.plain, line));
	}
	/* Message ids run from 1 without gaps. */
	{
		const char *p = wk.plain;
		long id = 0, got;

		while ((p = strstr(p, "\"id\":")) != NULL) {
			got = strtol(p + 5, NULL, 10);
			assert_int_equal(got, id + 1);
			id = got;
			p += 5;
		}
		assert_true(id > 5);
	}
	free(wk.plain);
	unlink(path);
	sr_ctx_free(ctx);
}

/* A chunk closes after chunk_ns even when little was written. */
static void
test_chunk_time(void **state)
{
	char path[] = "/tmp/test-recw-XXXXXX";
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_event ev;
	struct walk wk;
	int fd;

	(void)state;
	close(mkstemp(path));
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	w = start(ctx, path, &o, &fd);
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_OUTPUT;
	ev.data = (const unsigned char *)"x";
	ev.len = 1;
	ev.t_ns = 100 * MS;
	assert_int_equal(sr_recw_event(w, &ev), SR_OK);
	assert_int_equal(sr_recw_tick(w, 900 * MS), SR_OK);
	walk_file(path, &wk);
	assert_int_equal(wk.nchunks, 0); /* not due yet */
	free(wk.plain);
	assert_int_equal(sr_recw_tick(w, 1100 * MS), SR_OK);
	walk_file(path, &wk);
	assert_int_equal(wk.nchunks, 1); /* 1 s after its first event */
	assert_false(wk.torn);
	assert_int_equal(wk.nseal, 0);
	assert_non_null(strstr(wk.plain, "\"out_txt\":\"x\""));
	free(wk.plain);
	sr_recw_free(w);
	close(fd);
	unlink(path);
	sr_ctx_free(ctx);
}

/* A declared gap is written as a marker and counted in the seal. */
static void
test_gap(void **state)
{
	char path[] = "/tmp/test-recw-XXXXXX";
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_event ev;
	struct walk wk;
	int fd;

	(void)state;
	close(mkstemp(path));
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	w = start(ctx, path, &o, &fd);
	sr_recw_gap(w, 1234, 1000 * MS, 2500 * MS);
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_OUTPUT;
	ev.data = (const unsigned char *)"after";
	ev.len = 5;
	ev.t_ns = 3000 * MS;
	assert_int_equal(sr_recw_event(w, &ev), SR_OK);
	assert_int_equal(sr_recw_seal(w, 3000 * MS, SR_END_EXIT, 0), SR_OK);
	sr_recw_free(w);
	close(fd);
	walk_file(path, &wk);
	assert_non_null(strstr(wk.plain,
	    "\"sr_mark\":\"gap\",\"sr_detail\":\"bytes=1234 from_ms=1000 "
	    "to_ms=2500\""));
	assert_true(strstr(wk.plain, "\"sr_mark\":\"gap\"") <
	    strstr(wk.plain, "after"));
	assert_int_equal(wk.seal.bytes_lost, 1234);
	free(wk.plain);

	/* Two losses with a stored chunk between them: two gaps. */
	w = start(ctx, path, &o, &fd);
	sr_recw_gap(w, 100, 1000 * MS, 2000 * MS);
	ev.t_ns = 3000 * MS;
	assert_int_equal(sr_recw_event(w, &ev), SR_OK);
	assert_int_equal(sr_recw_flush(w, 3000 * MS), SR_OK);
	sr_recw_gap(w, 200, 4000 * MS, 5000 * MS);
	ev.t_ns = 6000 * MS;
	assert_int_equal(sr_recw_event(w, &ev), SR_OK);
	assert_int_equal(sr_recw_seal(w, 6000 * MS, SR_END_EXIT, 0), SR_OK);
	sr_recw_free(w);
	close(fd);
	walk_file(path, &wk);
	assert_non_null(strstr(wk.plain,
	    "\"sr_detail\":\"bytes=100 from_ms=1000 to_ms=2000\""));
	assert_non_null(strstr(wk.plain,
	    "\"sr_detail\":\"bytes=200 from_ms=4000 to_ms=5000\""));
	assert_int_equal(wk.seal.bytes_lost, 300);
	free(wk.plain);
	unlink(path);
	sr_ctx_free(ctx);
}

/*
 * A write that fails (here: EFBIG past RLIMIT_FSIZE) is reported, and the
 * file still ends on a frame boundary: a valid prefix.
 */
static void
test_write_failure(void **state)
{
	char path[] = "/tmp/test-recw-XXXXXX";
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_event ev;
	struct rlimit old, lim;
	struct walk wk;
	struct stat st;
	unsigned char noise[4096];
	uint32_t x = 12345;
	int fd, i, rc = SR_OK;
	size_t j;

	(void)state;
	close(mkstemp(path));
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.chunk_bytes = 8192;
	o.reserve = 4096;
	w = start(ctx, path, &o, &fd);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_OUTPUT;
	for (i = 0; i < 200 && rc == SR_OK; i++) {
		for (j = 0; j < sizeof(noise); j++) {
			x = x * 1103515245 + 12345;
			noise[j] = (unsigned char)(' ' + (x >> 16) % 90);
		}
		ev.t_ns = (int64_t)i * MS;
		ev.data = noise;
		ev.len = sizeof(noise);
		rc = sr_recw_event(w, &ev);
	}
	assert_int_equal(rc, SR_FAILED);
	assert_int_equal(sr_recw_error(w)->cat, SR_E_IO);
	assert_int_equal(sr_recw_error(w)->errnum, EFBIG);
	(void)sr_recw_seal(w, 300 * MS, SR_END_WRITE_ERROR, 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	sr_recw_free(w);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	walk_file(path, &wk);
	assert_false(wk.torn);
	assert_int_equal(wk.end_off, (uint64_t)st.st_size);
	assert_true(wk.nchunks >= 1);
	assert_true(wk.chain_ok);
	free(wk.plain);
	unlink(path);
	sr_ctx_free(ctx);
}

/*
 * The index keeps one entry per chunk until it is full, then every
 * other one, and so on: bounded, spread over the whole session.
 */
static void
test_index_thinning(void **state)
{
	char path[] = "/tmp/test-recw-XXXXXX";
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_event ev;
	unsigned char *buf;
	struct stat st;
	size_t off, len, i, n = 0;
	uint64_t want_step = 0;
	int fd, kind, ver, found = 0;
	uint32_t blen;

	(void)state;
	close(mkstemp(path));
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.index_max = 4;
	w = start(ctx, path, &o, &fd);
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_OUTPUT;
	ev.data = (const unsigned char *)"x";
	ev.len = 1;
	for (i = 0; i < 20; i++) { /* 20 chunks: seq 1..20 */
		ev.t_ns = (int64_t)i * 1000 * MS;
		assert_int_equal(sr_recw_event(w, &ev), SR_OK);
		assert_int_equal(sr_recw_flush(w, ev.t_ns), SR_OK);
	}
	assert_int_equal(sr_recw_seal(w, 20 * SR_NSEC_PER_SEC, SR_END_EXIT, 0),
	    SR_OK);
	sr_recw_free(w);
	close(fd);
	/* Find the index frame and check its entries. */
	fd = open(path, O_RDONLY);
	assert_int_equal(fstat(fd, &st), 0);
	len = (size_t)st.st_size;
	buf = malloc(len);
	assert_int_equal(read(fd, buf, len), (ssize_t)len);
	close(fd);
	for (off = 0; off < len;) {
		int r = sr_native_skip_parse(buf + off, len - off, &kind, &blen,
		    &ver);

		if (r == 1) {
			if (kind == SR_NK_INDEX) {
				const unsigned char *b = buf + off + 14;
				struct sr_index_ent e;

				found = 1;
				n = sr_le32(b);
				assert_int_equal(blen,
				    4 + n * SR_INDEX_ENTRY_LEN);
				for (i = 0; i < n; i++) {
					sr_index_ent_decode(b + 4 +
						i * SR_INDEX_ENTRY_LEN,
					    &e);
					if (i == 1)
						want_step = e.seq - 1;
					/* Evenly spaced from chunk 1. */
					assert_int_equal(e.seq,
					    1 + i * want_step);
					assert_int_equal(e.t_ns,
					    (int64_t)(e.seq - 1) * 1000 * MS);
					/* The offset is a data frame's. */
					assert_int_equal(sr_le32(buf + e.off),
					    SR_ZSTD_MAGIC);
				}
			}
			off += 14 + blen;
		} else
			off +=
			    ZSTD_findFrameCompressedSize(buf + off, len - off);
	}
	assert_true(found);
	assert_true(n >= 2 && n <= 4);
	/* 20 chunks in at most 4 entries: every 8th (1, 9, 17). */
	assert_int_equal(want_step, 8);
	free(buf);
	unlink(path);
	sr_ctx_free(ctx);
}

static void
test_session_id(void **state)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	struct sr_error err;
	char a[27], b[27], c[27];
	size_t i;

	(void)state;
	assert_int_equal(sr_session_id_new(1795577830000LL * MS, a, &err),
	    SR_OK);
	assert_int_equal(sr_session_id_new(1795577830000LL * MS, b, &err),
	    SR_OK);
	assert_int_equal(sr_session_id_new(1795577830001LL * MS, c, &err),
	    SR_OK);
	assert_int_equal(strlen(a), 26);
	for (i = 0; i < 26; i++)
		assert_non_null(strchr(b32, a[i]));
	assert_string_not_equal(a, b); /* random part */
	assert_memory_equal(a, b, 10); /* same millisecond */
	assert_true(strcmp(a, c) < 0); /* sorts by time */
	assert_true(strcmp(b, c) < 0);
	/* 1795577830000 ms in 10 base32 digits (computed independently). */
	assert_memory_equal(a, "01M88CEPKG", 10);
}

/* Decodes n bytes of lower-case hex at p; 0 or -1. */
static int
unhex(const char *p, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = sr_hexval(p[2 * i])) < 0 ||
		    (lo = sr_hexval(p[2 * i + 1])) < 0)
			return (-1);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (0);
}

/*
 * Witness lines: the fields are what the file holds, the signature
 * verifies under the witness domain only, and any change to the text
 * breaks it.
 */
static void
test_witness(void **state)
{
	static const struct {
		enum sr_witness_kind kind;
		const char *want; /* prefix */
	} wc[] = {
		{ SR_WITNESS_START, "sessrec-witness v1 START rec=" },
		{ SR_WITNESS_SEAL, "sessrec-witness v1 SEAL rec=" },
	};
	char path[] = "/tmp/test-recw-XXXXXX";
	unsigned char seed[32], sig[SR_SIG_LEN];
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_key *k;
	struct sr_error err;
	struct sr_buf b;
	const char *p;
	size_t i, mlen;
	int fd;

	(void)state;
	memset(seed, 7, sizeof(seed));
	assert_int_equal(sr_key_from_seed(seed, &k, &err), SR_OK);
	close(mkstemp(path));
	memset(&o, 0, sizeof(o));
	o.no_sync = 1;
	o.key = k;
	w = start(ctx, path, &o, &fd);
	sr_buf_init(&b, 4096);
	/* No SEAL line before the seal. */
	assert_int_equal(sr_recw_witness(w, SR_WITNESS_SEAL, &b), SR_FAILED);
	assert_int_equal(b.len, 0);
	for (i = 0; i < nitems(wc); i++) {
		if (wc[i].kind == SR_WITNESS_SEAL)
			assert_int_equal(sr_recw_seal(w, 5 * SR_NSEC_PER_SEC,
					     SR_END_EXIT, 0),
			    SR_OK);
		sr_buf_reset(&b);
		assert_int_equal(sr_recw_witness(w, wc[i].kind, &b), SR_OK);
		if (strncmp(b.data, wc[i].want, strlen(wc[i].want)) != 0)
			fail_msg("case %zu: line '%s'", i, b.data);
		if (strchr(b.data, '\n') != NULL)
			fail_msg("case %zu: newline in '%s'", i, b.data);
		if (wc[i].kind == SR_WITNESS_START)
			assert_non_null(strstr(b.data, " host_seq=0 h0="));
		else
			assert_non_null(strstr(b.data, " n=1 hn="));
		if (wc[i].kind == SR_WITNESS_SEAL)
			assert_non_null(strstr(b.data, " end=exit lost=0 "));
		assert_non_null(p = strstr(b.data, " sig="));
		mlen = (size_t)(p - b.data);
		assert_int_equal(strlen(p + 5), 2 * SR_SIG_LEN);
		assert_int_equal(unhex(p + 5, sig, SR_SIG_LEN), 0);
		if (!sr_sig_check(sr_key_public(k), SR_DOMAIN_WITNESS, b.data,
			mlen, sig))
			fail_msg("case %zu: signature does not verify", i);
		if (sr_sig_check(sr_key_public(k), SR_DOMAIN_SEAL, b.data, mlen,
			sig))
			fail_msg("case %zu: verifies as a seal", i);
		b.data[mlen - 1] ^= 1;
		if (sr_sig_check(sr_key_public(k), SR_DOMAIN_WITNESS, b.data,
			mlen, sig))
			fail_msg("case %zu: edited line verifies", i);
	}
	sr_buf_release(&b);
	sr_recw_free(w);
	close(fd);
	unlink(path);
	sr_key_free(k);
	sr_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_chunk_time),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_index_thinning),
		cmocka_unit_test(test_session_id),
		cmocka_unit_test(test_witness),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
