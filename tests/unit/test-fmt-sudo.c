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
 * Tests of the sudo I/O log reader on every real sample tree (sudo
 * 1.9.13p3 sudoers and sudo_logsrvd, copied from samples/sudo-io into
 * tests/data/sudo/samples) and on small hostile sessions written into a
 * temporary directory.  Version control loses file modes, so completion
 * state is checked on exact-modes.tar.gz and on copies whose modes the
 * test sets.
 */
#include <sys/stat.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define SAMPLES "tests/data/sudo/samples"

/* An expected event; data NULL is checked against the data file. */
struct want_ev {
	enum sr_event_type type;
	enum sr_stream_id stream;
	int64_t t_ns;
	size_t len;
	const char *data;
	unsigned rows, cols;
	unsigned flags;
};

#define WF(ty, st, t, l, d, f)                                                 \
	{                                                                      \
		.type = (ty), .stream = (st), .t_ns = (t), .len = (l),         \
		.data = (d), .flags = (f)                                      \
	}
#define W(ty, st, t, l, d) WF(ty, st, t, l, d, 0)
#define WR(t, r, c)                                                            \
	{                                                                      \
		.type = SR_EV_RESIZE, .stream = SR_STREAM_NONE, .t_ns = (t),   \
		.rows = (r), .cols = (c)                                       \
	}

/* sudoers-compressed/00/00/01 */
static const struct want_ev ev_compressed_01[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 4205220LL, 1, "\004"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5232332LL, 60,
	    "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 6087709LL, 4, "vm\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 6325021LL, 14, "hello-output\r\n"),
};
/* sudoers-compressed/00/00/02 */
static const struct want_ev ev_compressed_02[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 13825835LL, 7, "start\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5014976628LL, 5, "end\r\n"),
};
/* sudoers-uncompressed/00/00/01 */
static const struct want_ev ev_uncompressed_01[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4145041LL, 60,
	    "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4894752LL, 4, "vm\r\n"),
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 4948582LL, 1, "\004"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5018405LL, 14, "hello-output\r\n"),
};
/* sudoers-uncompressed/00/00/02 */
static const struct want_ev ev_uncompressed_02[] = {
	WF(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 3297606LL, 11, "a\r\nb\377:c\tZ\r\n",
	    SR_EVF_BINARY),
};
/* sudoers-uncompressed/00/00/03 */
static const struct want_ev ev_uncompressed_03[] = {
	W(SR_EV_INPUT, SR_STREAM_STDIN, 1209592LL, 11, "input-data\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 4848880LL, 11, "input-data\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5102165LL, 11, "to-stderr\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 5141443LL, 11, "to-tty-out\n"),
};
/* sudoers-uncompressed/00/00/04 */
static const struct want_ev ev_uncompressed_04[] = {
	W(SR_EV_INPUT, SR_STREAM_STDIN, 1751194LL, 10, "nontty-in\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 3420127LL, 10, "nontty-in\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDERR, 3699331LL, 11, "nontty-err\n"),
};
/* sudoers-uncompressed/00/00/05 */
static const struct want_ev ev_uncompressed_05[] = {
	WF(SR_EV_OUTPUT, SR_STREAM_STDOUT, 2653351LL, 65536, NULL,
	    SR_EVF_BINARY),
	WF(SR_EV_OUTPUT, SR_STREAM_STDOUT, 3128505LL, 65536, NULL,
	    SR_EVF_BINARY),
};
/* sudoers-uncompressed/00/00/07 */
static const struct want_ev ev_uncompressed_07[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 1245906LL, 1, "\000"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1389869LL, 2, "^@"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 7423869LL, 65,
	    "0000000 000000 000000 000000 000000 000000 000000 000000 "
	    "000000\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 7500052LL, 3, "*\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 7536005LL, 9, "1111740\r\n"),
};
/* sudoers-custom-path-mode0640/sessfmt/sh/20261125-033854-FjNccc */
static const struct want_ev ev_custom_FjNccc[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 5188893LL, 1, "\004"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 7740438LL, 60,
	    "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 14111688LL, 6, "/tmp\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 14403059LL, 9, "fmt-out\r\n"),
};
/* sudoers-custom-path-mode0640/sessfmt/sh/20261125-033901-IcKGsQ */
static const struct want_ev ev_custom_IcKGsQ[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4190789LL, 8, "30 100\r\n"),
	WR(1000466381LL, 40, 120),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2007034701LL, 8, "40 120\r\n"),
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 3504323274LL, 1, "\032"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 3504742575LL, 2, "^Z"),
	W(SR_EV_SUSPEND, SR_STREAM_NONE, 3504900208LL, 4, "TSTP"),
	W(SR_EV_RESUME, SR_STREAM_NONE, 4509784805LL, 4, "CONT"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4510685580LL, 14,
	    "\033[31mred\033[0m\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 12513394751LL, 13, "after-sleep\r\n"),
};
/* sudoers-custom-path-mode0640/sessfmt/sh/20261125-033937-JRIU2D */
static const struct want_ev ev_custom_JRIU2D[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 11451837LL, 10, "Password: "),
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 1494617956LL, 7, "******\r"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1496043698LL, 21,
	    "\r\ngot 6 chars\r\nName: "),
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 2001169182LL, 4, "bob\r"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2001277412LL, 5, "bob\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2001972802LL, 8, "hi bob\r\n"),
};
/* sudoers-custom-path-mode0640/sessfmt/sh/20261125-033945-zZJBuQ */
static const struct want_ev ev_custom_zZJBuQ[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4404897LL, 7, "start\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5008556586LL, 5, "end\r\n"),
};
/* sudoers-custom-path-mode0640/sessfmt/sh/20261125-034059-kd3p16 */
static const struct want_ev ev_custom_kd3p16[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 3223807LL, 8, "tick 1\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1005920622LL, 8, "tick 2\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2007904731LL, 8, "tick 3\r\n"),
};
/* sudoers-custom-path-mode0640/sessfmt/sh/20261125-034230-rPGc5j */
static const struct want_ev ev_custom_rPGc5j[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 2835671LL, 1, "\000"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2901288LL, 2, "^@"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 14233388LL, 7, "65534\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 320610762LL, 3, "/\r\n"),
};
/* sudoers-compressed-flush/00/00/01 */
static const struct want_ev ev_flush_01[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 7391491LL, 12, "first-line\r\n"),
	WR(3013299814LL, 30, 100),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4011275429LL, 13, "second-line\r\n"),
};
/* sudoers-compressed-flush/00/00/02 */
static const struct want_ev ev_flush_02[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5630041LL, 11, "gz-tick 1\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1007174589LL, 11, "gz-tick 2\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2009434623LL, 11, "gz-tick 3\r\n"),
};
/* sudoers-maxseq2-recycled/00/00/01 */
static const struct want_ev ev_maxseq_01[] = {
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 2604138LL, 6, "three\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 3003673396LL, 10, "three-end\n"),
};
/* sudoers-maxseq2-recycled/00/00/02 */
static const struct want_ev ev_maxseq_02[] = {
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 5294874LL, 4, "two\n"),
};
/* sudoers-root-rungroup-runcwd/00/00/01 */
static const struct want_ev ev_rungroup_01[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 1134380LL, 1, "\000"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1190884LL, 2, "^@"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 3519184LL, 59,
	    "uid=65534(nobody) gid=4(adm) groups=4(adm),65534(nogroup)\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 3728945LL, 6, "/tmp\r\n"),
};
/* logsrvd-uncompressed/00/00/01 */
static const struct want_ev ev_logsrvd_01[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 1586721LL, 1, "\004"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4033806LL, 60,
	    "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4761604LL, 4, "vm\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 4911517LL, 14, "hello-remote\r\n"),
	W(SR_EV_END, SR_STREAM_NONE, 5116831LL, 1, "3"), /* run_time */
};
/* logsrvd-uncompressed/00/00/02 */
static const struct want_ev ev_logsrvd_02[] = {
	W(SR_EV_INPUT, SR_STREAM_STDIN, 1209592LL, 11, "input-data\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 4848880LL, 11, "input-data\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5102165LL, 11, "to-stderr\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 5141443LL, 11, "to-tty-out\n"),
};
/* logsrvd-uncompressed/00/00/03 */
static const struct want_ev ev_logsrvd_03[] = {
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 4205220LL, 1, "\004"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 5232332LL, 60,
	    "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 6087709LL, 4, "vm\r\n"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 6325021LL, 14, "hello-output\r\n"),
};

/* Collects warnings as "location: message". */
struct diags {
	char msg[40][SR_ERROR_MSG_MAX + SR_MEMBER_MAX + 100];
	size_t n;
};

static void
collect(void *arg, int status, const struct sr_error *e)
{
	struct diags *d = arg;
	char where[SR_MEMBER_MAX + 96];

	(void)status;
	if (d->n >= nitems(d->msg))
		return;
	sr_loc_format(&e->loc, where, sizeof(where));
	(void)snprintf(d->msg[d->n++], sizeof(d->msg[0]), "%s: %s", where,
	    e->msg);
}

static struct sr_ctx *
new_ctx(struct diags *d)
{
	struct sr_ctx *ctx = sr_ctx_new();

	assert_non_null(ctx);
	memset(d, 0, sizeof(*d));
	sr_ctx_set_diag(ctx, collect, d);
	return (ctx);
}

static void
dump_diags(const struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		print_message("  warning: %s\n", d->msg[i]);
}

/*
 * Opens the input at path, probes it, and opens a reader on the sudo
 * recording rooted at root, which the probe must have found.
 */
static void
open_found(struct sr_ctx *ctx, const char *path, const char *root,
    const char *name, struct sr_input **inp, struct sr_reader **rp)
{
	struct sr_found *found;
	struct sr_error err;
	size_t i, n;
	int hit = 0;
	char buf[2048];

	if (sr_input_open(ctx, path, inp, &err) != SR_OK)
		fail_msg("%s: open: %s", name,
		    sr_error_format(&err, buf, sizeof(buf)));
	if (sr_probe_container(*inp, 0, &found, &n, &err) != SR_OK)
		fail_msg("%s: probe: %s", name,
		    sr_error_format(&err, buf, sizeof(buf)));
	for (i = 0; i < n; i++) {
		if (strcmp(found[i].member, root) != 0)
			continue;
		if (found[i].fmt != &sr_fmt_sudo)
			fail_msg("%s: '%s' probed as %s", name, root,
			    sr_format_name(found[i].fmt));
		hit = 1;
	}
	sr_found_free_all(found, n);
	if (!hit)
		fail_msg("%s: probe did not find '%s'", name, root);
	if (sr_reader_open(ctx, *inp, root, &sr_fmt_sudo, rp, &err) != SR_OK)
		fail_msg("%s: reader: %s", name,
		    sr_error_format(&err, buf, sizeof(buf)));
}

/* The absolute path of a sample tree (a static buffer). */
static const char *
sample_path(const char *rel)
{
	char buf[512];

	if (snprintf(buf, sizeof(buf), "%s/%s", SAMPLES, rel) >=
	    (int)sizeof(buf))
		fail_msg("path too long: %s", rel);
	return (unit_srcpath(buf));
}

static void
check_str(const char *name, const char *what, const char *got, const char *want)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: %s is '%s', want '%s'", name, what,
		    got ? got : "(null)", want ? want : "(null)");
}

/* Reads a whole plain file (the data files of uncompressed samples). */
static unsigned char *
read_plain(const char *path, size_t *lenp)
{
	FILE *f;
	unsigned char *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return (NULL);
	}
	*lenp = fread(p, 1, (size_t)n, f);
	fclose(f);
	return (p);
}

/*
 * Reads every event of the current session and compares them with want.
 * Events with data NULL are compared with the uncompressed data file
 * under dir, at the running offset of their stream.  Returns the final
 * status of next_event.
 */
static int
check_events(const char *name, struct sr_reader *r, const char *dir,
    const struct want_ev *want, size_t nwant)
{
	static const char *const files[] = { "", "ttyout", "ttyin", "stdin",
		"stdout", "stderr" };
	const struct sr_event *ev;
	size_t i = 0, off[6] = { 0 };
	int st;

	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		const struct want_ev *w = &want[i];

		if (i >= nwant)
			fail_msg("%s: event %zu (type %d, %zu bytes) not "
				 "expected",
			    name, i, ev->type, ev->len);
		if (ev->type != w->type || ev->stream != w->stream)
			fail_msg("%s: event %zu is %s/%s, want %s/%s", name, i,
			    sr_event_type_name(ev->type),
			    sr_stream_id_name(ev->stream),
			    sr_event_type_name(w->type),
			    sr_stream_id_name(w->stream));
		if (ev->t_ns != w->t_ns)
			fail_msg("%s: event %zu at %lld ns, want %lld", name, i,
			    (long long)ev->t_ns, (long long)w->t_ns);
		if (ev->len != w->len)
			fail_msg("%s: event %zu has %zu bytes, want %zu", name,
			    i, ev->len, w->len);
		if (ev->flags != w->flags)
			fail_msg("%s: event %zu flags %#x, want %#x", name, i,
			    ev->flags, w->flags);
		if (ev->rows != w->rows || ev->cols != w->cols)
			fail_msg("%s: event %zu size %ux%u, want %ux%u", name,
			    i, ev->rows, ev->cols, w->rows, w->cols);
		if (w->data != NULL && memcmp(ev->data, w->data, w->len) != 0)
			fail_msg("%s: event %zu data differs", name, i);
		if (w->data == NULL && w->len > 0) {
			char path[512];
			unsigned char *buf;
			size_t blen = 0;

			(void)snprintf(path, sizeof(path), "%s/%s", dir,
			    files[w->stream]);
			buf = read_plain(unit_srcpath(path), &blen);
			if (buf == NULL || off[w->stream] + w->len > blen ||
			    memcmp(buf + off[w->stream], ev->data, w->len) != 0)
				fail_msg("%s: event %zu differs from %s", name,
				    i, path);
			free(buf);
		}
		off[w->stream] += w->len;
		i++;
	}
	if (i != nwant)
		fail_msg("%s: %zu events, want %zu (status %d: %s)", name, i,
		    nwant, st, sr_reader_error(r)->msg);
	return (st);
}

/*
 * Every real sample session: metadata and events.
 */
struct sample_case {
	const char *tree; /* the source, under SAMPLES */
	const char *root; /* the session inside it */
	const char *id, *actor, *target, *host, *cwd, *tty, *term, *command;
	const char *argv[5];
	int64_t start_ns, duration_ns;
	unsigned rows, cols;
	int exit;	       /* -1: none recorded */
	const char *extras[8]; /* key, value (NULL: must be absent) */
	const struct want_ev *ev;
	size_t nev;
};

#define EV(a)	a, nitems(a)
#define EVD(a)	.ev = (a), .nev = nitems(a)
#define UNC	"sudoers-uncompressed"
#define CUS	"sudoers-custom-path-mode0640"
#define CUSD	"sessfmt/sh/20261125-"
#define NOEXTRA "sudo.rungroup", NULL, "sudo.ttyname", NULL
#define RUNUID	"sudo.runuid", "65534"

static const struct sample_case samples[] = {
	{ "sudoers-compressed", "00/00/01", "000001", "sessuser", "nobody",
	    "vm", "/home/sessuser", "/dev/pts/1", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "id; hostname; echo hello-output" },
	    1795577824080769316LL, 6325021, 24, 80, -1, { RUNUID, NOEXTRA },
	    EV(ev_compressed_01) },
	{ "sudoers-compressed", "00/00/02", "000002", "sessuser", "nobody",
	    "vm", "/home/sessuser", "/dev/pts/1", "tmux-256color",
	    "/usr/bin/sh", { "sh", "-c", "echo start; sleep 5; echo end" },
	    1795577985387687016LL, 5014976628LL, 24, 80, -1,
	    { RUNUID, NOEXTRA }, EV(ev_compressed_02) },
	{ UNC, "00/00/01", "000001", "sessplain", "nobody", "vm",
	    "/home/sessplain", "/dev/pts/1", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "id; hostname; echo hello-output" },
	    1795577824113502193LL, 5018405, 24, 80, -1, { RUNUID },
	    EV(ev_uncompressed_01) },
	/* Raw 0xFF (invalid UTF-8) in runargv and runenv. */
	{ UNC, "00/00/02", "000002", "sessplain", "nobody", "vm",
	    "/home/sessplain", "/dev/pts/1", "xterm", "/usr/bin/printf",
	    { "printf", "%s\\n", "a\nb\377:c\tZ" }, 1795577966382679428LL,
	    3297606, 24, 80, -1, { RUNUID }, EV(ev_uncompressed_02) },
	{ UNC, "00/00/03", "000003", "sessplain", "nobody", "vm",
	    "/home/sessplain", "/dev/pts/1", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "cat; echo to-stderr >&2; echo to-tty-out" },
	    1795577972336355693LL, 5141443, 24, 80, -1, { RUNUID },
	    EV(ev_uncompressed_03) },
	/* No tty: no ttyname, so tty is unknown. */
	{ UNC, "00/00/04", "000004", "sessplain", "nobody", "vm",
	    "/home/sessplain", NULL, "xterm", "/usr/bin/sh",
	    { "sh", "-c", "cat; echo nontty-err >&2" }, 1795577972368084292LL,
	    3699331, 24, 80, -1, { RUNUID }, EV(ev_uncompressed_04) },
	{ UNC, "00/00/05", "000005", "sessplain", "nobody", "vm",
	    "/home/sessplain", "/dev/pts/2", "xterm", "/usr/bin/head",
	    { "head", "-c", "3000000", "/dev/urandom" }, 1795578289034008218LL,
	    3128505, 24, 80, -1, { RUNUID }, EV(ev_uncompressed_05) },
	{ UNC, "00/00/07", "000007", "sessplain", "nobody", "vm",
	    "/home/sessplain", "/dev/pts/2", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "head -c 300000 /dev/zero | od | head -c 200000" },
	    1795578289060886741LL, 7536005, 24, 80, -1, { RUNUID },
	    EV(ev_uncompressed_07) },
	{ CUS, CUSD "033854-FjNccc", "sessfmt/sh/20261125-033854-FjNccc",
	    "sessfmt", "nobody", "vm", "/home/sessfmt", "/dev/pts/0", "xterm",
	    "/usr/bin/sh", { "sh", "-c", "id; ls -d /tmp; echo fmt-out" },
	    1795577934306750294LL, 14403059, 24, 80, -1, { RUNUID },
	    EV(ev_custom_FjNccc) },
	/* Resize, ^Z and fg. */
	{ CUS, CUSD "033901-IcKGsQ", "sessfmt/sh/20261125-033901-IcKGsQ",
	    "sessfmt", "nobody", "vm", "/home/sessfmt", "/dev/pts/0",
	    "tmux-256color", "/usr/bin/sh",
	    { "sh", "-c",
		"stty size; sleep 2; stty size; sleep 2; printf "
		"\"\\033[31mred\\033[0m\\n\"; sleep 8; echo after-sleep" },
	    1795577941784492479LL, 12513394751LL, 30, 100, -1, { RUNUID },
	    EV(ev_custom_IcKGsQ) },
	/* A masked password in ttyin. */
	{ CUS, CUSD "033937-JRIU2D", "sessfmt/sh/20261125-033937-JRIU2D",
	    "sessfmt", "nobody", "vm", "/home/sessfmt", "/dev/pts/0",
	    "tmux-256color", "/usr/bin/sh",
	    { "sh", "-c",
		"printf \"Password: \"; stty -echo; read p; stty echo; echo; "
		"echo got ${#p} chars; printf \"Name: \"; read n; echo hi $n" },
	    1795577977417957638LL, 2001972802, 40, 120, -1, { RUNUID },
	    EV(ev_custom_JRIU2D) },
	{ CUS, CUSD "033945-zZJBuQ", "sessfmt/sh/20261125-033945-zZJBuQ",
	    "sessfmt", "nobody", "vm", "/home/sessfmt", "/dev/pts/0",
	    "tmux-256color", "/usr/bin/sh",
	    { "sh", "-c", "echo start; sleep 5; echo end" },
	    1795577985393538335LL, 5008556586LL, 40, 120, -1, { RUNUID },
	    EV(ev_custom_zZJBuQ) },
	{ CUS, CUSD "034059-kd3p16", "sessfmt/sh/20261125-034059-kd3p16",
	    "sessfmt", "nobody", "vm", "/home/sessfmt", "/dev/pts/0",
	    "tmux-256color", "/usr/bin/sh",
	    { "sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 1; done" },
	    1795578059894972793LL, 2007904731, 40, 120, -1, { RUNUID },
	    EV(ev_custom_kd3p16) },
	/* The final 1.2 s idle is not in the timing. */
	{ CUS, CUSD "034230-rPGc5j", "sessfmt/sh/20261125-034230-rPGc5j",
	    "sessfmt", "nobody", "vm", "/home/sessfmt", "/dev/pts/2", "xterm",
	    "/usr/bin/sh",
	    { "sh", "-c", "id -u; sleep 0.3; ls -d /; sleep 1.2; true" },
	    1795578150702749907LL, 320610762, 24, 80, -1, { RUNUID },
	    EV(ev_custom_rPGc5j) },
	/* gzip made of sync-flushed blocks. */
	{ "sudoers-compressed-flush", "00/00/01", "000001", "sessmax", "nobody",
	    "vm", "/home/sessmax", "/dev/pts/2", "tmux-256color", "/usr/bin/sh",
	    { "sh", "-c", "echo first-line; sleep 4; echo second-line" },
	    1795578323757754358LL, 4011275429LL, 25, 90, -1, { RUNUID },
	    EV(ev_flush_01) },
	{ "sudoers-compressed-flush", "00/00/02", "000002", "sessmax", "nobody",
	    "vm", "/home/sessmax", "/dev/pts/2", "tmux-256color", "/usr/bin/sh",
	    { "sh", "-c", "for i in 1 2 3; do echo gz-tick $i; sleep 1; done" },
	    1795578333203391496LL, 2009434623, 30, 100, -1, { RUNUID },
	    EV(ev_flush_02) },
	/* 00/00/01 was recycled by the third command. */
	{ "sudoers-maxseq2-recycled", "00/00/01", "000001", "sessmax", "nobody",
	    "vm", "/home/sessmax", NULL, "xterm", "/usr/bin/sh",
	    { "sh", "-c", "echo three; sleep 3; echo three-end" },
	    1795578250115431665LL, 3003673396LL, 24, 80, -1, { RUNUID },
	    EV(ev_maxseq_01) },
	{ "sudoers-maxseq2-recycled", "00/00/02", "000002", "sessmax", "nobody",
	    "vm", "/home/sessmax", NULL, "xterm", "/usr/bin/echo",
	    { "echo", "two" }, 1795578250087304952LL, 5294874, 24, 80, -1,
	    { RUNUID }, EV(ev_maxseq_02) },
	{ "sudoers-root-rungroup-runcwd", "00/00/01", "000001", "root",
	    "nobody", "vm", "/tmp", "/dev/pts/0", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "id; pwd" }, 1795578417947843184LL, 3728945, 24, 80,
	    -1,
	    { RUNUID, "sudo.rungroup", "adm", "sudo.rungid", "4", "sudo.runcwd",
		NULL },
	    EV(ev_rungroup_01) },
	/* sudo_logsrvd: runcwd, run_time, exit_value. */
	{ "logsrvd-uncompressed", "00/00/01", "000001", "sessremote", "nobody",
	    "vm", "/home/sessremote", "/dev/pts/0", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "id; hostname; echo hello-remote; exit 3" },
	    1795577907336874851LL, 5116831, 24, 80, 3,
	    { RUNUID, "sudo.runcwd", "/home/sessremote", "sudo.run_time", NULL,
		"sudo.exit_value", NULL },
	    EV(ev_logsrvd_01) },
	/* Pushed by sudo_sendlog; the server rejected the exit. */
	{ "logsrvd-uncompressed", "00/00/02", "000002", "sessplain", "nobody",
	    "vm", "/home/sessplain", "/dev/pts/1", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "cat; echo to-stderr >&2; echo to-tty-out" },
	    1795577972336355693LL, 5141443, 24, 80, -1,
	    { RUNUID, "sudo.runcwd", "/home/sessplain" }, EV(ev_logsrvd_02) },
	{ "logsrvd-uncompressed", "00/00/03", "000003", "sessuser", "nobody",
	    "vm", "/home/sessuser", "/dev/pts/1", "xterm", "/usr/bin/sh",
	    { "sh", "-c", "id; hostname; echo hello-output" },
	    1795577824080769316LL, 6325021, 24, 80, -1,
	    { RUNUID, "sudo.runcwd", "/home/sessuser" }, EV(ev_logsrvd_03) },
};

static void
check_meta(const char *name, const struct sr_session *s,
    const struct sample_case *c)
{
	size_t i, argc;

	if (strcmp(s->format, "sudo") != 0)
		fail_msg("%s: format %s", name, s->format);
	check_str(name, "session_id", s->field[SR_F_SESSION_ID], c->id);
	check_str(name, "actor", s->field[SR_F_ACTOR], c->actor);
	check_str(name, "target", s->field[SR_F_TARGET], c->target);
	check_str(name, "host", s->field[SR_F_HOST], c->host);
	check_str(name, "cwd", s->field[SR_F_CWD], c->cwd);
	check_str(name, "tty", s->field[SR_F_TTY], c->tty);
	check_str(name, "term", s->field[SR_F_TERM], c->term);
	check_str(name, "command", s->field[SR_F_COMMAND], c->command);
	check_str(name, "src_ip", s->field[SR_F_SRC_IP], NULL);
	check_str(name, "ticket", s->field[SR_F_TICKET], NULL);
	for (argc = 0; argc < nitems(c->argv) && c->argv[argc]; argc++)
		;
	if (s->argv == NULL || s->argc != argc)
		fail_msg("%s: argc %zu, want %zu", name, s->argc, argc);
	for (i = 0; i < argc; i++)
		check_str(name, "argv", s->argv[i], c->argv[i]);
	if (s->argv[argc] != NULL)
		fail_msg("%s: argv not NULL-terminated", name);
	if (!(s->have & SR_HAVE_START) || s->start_ns != c->start_ns)
		fail_msg("%s: start %lld, want %lld", name,
		    (long long)s->start_ns, (long long)c->start_ns);
	if (!(s->have & SR_HAVE_DURATION) || s->duration_ns != c->duration_ns)
		fail_msg("%s: duration %lld, want %lld", name,
		    (long long)s->duration_ns, (long long)c->duration_ns);
	if (!(s->have & SR_HAVE_GEOMETRY) || s->rows != c->rows ||
	    s->cols != c->cols)
		fail_msg("%s: geometry %ux%u, want %ux%u", name, s->rows,
		    s->cols, c->rows, c->cols);
	if (c->exit < 0 && (s->have & (SR_HAVE_EXIT | SR_HAVE_SIGNAL)))
		fail_msg("%s: has an exit status", name);
	if (c->exit >= 0 &&
	    (!(s->have & SR_HAVE_EXIT) || s->exit_status != c->exit))
		fail_msg("%s: exit %d, want %d", name, s->exit_status, c->exit);
	for (i = 0; i + 1 < nitems(c->extras) && c->extras[i]; i += 2)
		check_str(name, c->extras[i], sr_session_extra(s, c->extras[i]),
		    c->extras[i + 1]);
	/* runenv is kept whole, one entry a line. */
	if (sr_session_extra(s, "sudo.runenv") == NULL ||
	    strstr(sr_session_extra(s, "sudo.runenv"), "\nSUDO_USER=") == NULL)
		fail_msg("%s: sudo.runenv missing or cut", name);
	/* Normalized keys are not repeated as extras. */
	if (sr_session_extra(s, "sudo.submituser") != NULL ||
	    sr_session_extra(s, "sudo.runargv") != NULL ||
	    sr_session_extra(s, "sudo.timestamp") != NULL)
		fail_msg("%s: a normalized key is also an extra", name);
}

static void
test_samples(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(samples); i++) {
		const struct sample_case *c = &samples[i];
		struct diags d;
		struct sr_ctx *ctx = new_ctx(&d);
		struct sr_input *in;
		struct sr_reader *r;
		const struct sr_session *s;
		char name[256], dir[512];
		int st;

		(void)snprintf(name, sizeof(name), "%s/%s", c->tree, c->root);
		(void)snprintf(dir, sizeof(dir), "%s/%s", SAMPLES, name);
		open_found(ctx, sample_path(c->tree), c->root, name, &in, &r);
		if ((st = sr_reader_next_session(r, &s)) != SR_OK) {
			dump_diags(&d);
			fail_msg("%s: next_session %d: %s", name, st,
			    sr_reader_error(r)->msg);
		}
		check_meta(name, s, c);
		if (check_events(name, r, dir, c->ev, c->nev) != SR_EOF)
			fail_msg("%s: events did not end cleanly", name);
		if (sr_reader_next_session(r, &s) != SR_EOF)
			fail_msg("%s: a second session", name);
		if (d.n != 0) {
			dump_diags(&d);
			fail_msg("%s: %zu warnings", name, d.n);
		}
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * A source may be the session directory itself: the id then comes from
 * the input path.
 */
static const struct id_case {
	const char *path; /* the source, under SAMPLES */
	const char *root; /* the session inside it */
	const char *id;
} id_cases[] = {
	{ "sudoers-compressed/00/00/01", "", "000001" },
	{ "sudoers-compressed/00/00/02/", "", "000002" },
	/* The seq layout is seen across the source path and the root. */
	{ UNC "/00/00", "01", "000001" },
	{ UNC "/00", "00/02", "000002" },
	{ CUS "/sessfmt/sh/20261125-033854-FjNccc", "",
	    "20261125-033854-FjNccc" },
	{ CUS "/sessfmt", "sh/20261125-033854-FjNccc",
	    "sh/20261125-033854-FjNccc" },
};

static void
test_ids(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(id_cases); i++) {
		const struct id_case *c = &id_cases[i];
		struct diags d;
		struct sr_ctx *ctx = new_ctx(&d);
		struct sr_input *in;
		struct sr_reader *r;
		const struct sr_session *s;
		open_found(ctx, sample_path(c->path), c->root, c->path, &in,
		    &r);
		if (sr_reader_next_session(r, &s) != SR_OK)
			fail_msg("%s: no session", c->path);
		check_str(c->path, "session_id", s->field[SR_F_SESSION_ID],
		    c->id);
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Completion state from the write bits of timing, as the tar snapshot
 * kept them (MODES.txt): everything complete except the two logs
 * sudo_sendlog pushed, whose exit the server rejected.
 */
static const struct state_case {
	const char *root;
	enum sr_state state;
} state_cases[] = {
	{ "logsrvd-uncompressed/00/00/01", SR_STATE_COMPLETE },
	{ "logsrvd-uncompressed/00/00/02", SR_STATE_INCOMPLETE },
	{ "logsrvd-uncompressed/00/00/03", SR_STATE_INCOMPLETE },
	{ "sudoers-compressed-flush/00/00/01", SR_STATE_COMPLETE },
	{ "sudoers-compressed-flush/00/00/02", SR_STATE_COMPLETE },
	{ "sudoers-compressed/00/00/01", SR_STATE_COMPLETE },
	{ "sudoers-compressed/00/00/02", SR_STATE_COMPLETE },
	{ CUS "/" CUSD "033854-FjNccc", SR_STATE_COMPLETE },
	{ CUS "/" CUSD "033901-IcKGsQ", SR_STATE_COMPLETE },
	{ CUS "/" CUSD "033937-JRIU2D", SR_STATE_COMPLETE },
	{ CUS "/" CUSD "033945-zZJBuQ", SR_STATE_COMPLETE },
	{ CUS "/" CUSD "034059-kd3p16", SR_STATE_COMPLETE },
	{ CUS "/" CUSD "034230-rPGc5j", SR_STATE_COMPLETE },
	{ "sudoers-maxseq2-recycled/00/00/01", SR_STATE_COMPLETE },
	{ "sudoers-maxseq2-recycled/00/00/02", SR_STATE_COMPLETE },
	{ UNC "/00/00/01", SR_STATE_COMPLETE },
	{ UNC "/00/00/02", SR_STATE_COMPLETE },
	{ UNC "/00/00/03", SR_STATE_COMPLETE },
	{ UNC "/00/00/04", SR_STATE_COMPLETE },
	{ UNC "/00/00/07", SR_STATE_COMPLETE },
};

static void
test_state_archive(void **state)
{
	struct diags d;
	struct sr_ctx *ctx = new_ctx(&d);
	struct sr_input *in;
	struct sr_found *found;
	struct sr_error err;
	size_t i, j, n, nsudo = 0;
	char buf[2048];

	(void)state;
	if (sr_input_open(ctx, unit_srcpath(SAMPLES "/exact-modes.tar.gz"), &in,
		&err) != SR_OK)
		fail_msg("open: %s", sr_error_format(&err, buf, sizeof(buf)));
	if (sr_probe_container(in, 0, &found, &n, &err) != SR_OK)
		fail_msg("probe: %s", err.msg);
	for (i = 0; i < n; i++)
		if (found[i].fmt == &sr_fmt_sudo)
			nsudo++;
	if (nsudo != nitems(state_cases))
		fail_msg("%zu sudo sessions in the archive, want %zu", nsudo,
		    nitems(state_cases));
	for (i = 0; i < nitems(state_cases); i++) {
		const struct state_case *c = &state_cases[i];
		struct sr_reader *r;
		const struct sr_session *s;
		char root[512];

		(void)snprintf(root, sizeof(root), "sudo-io-samples/%s",
		    c->root);
		for (j = 0; j < n; j++)
			if (strcmp(found[j].member, root) == 0)
				break;
		if (j == n || found[j].fmt != &sr_fmt_sudo)
			fail_msg("%s: not found as sudo", c->root);
		/* Probing a directory root finds the format too. */
		if (sr_reader_open(ctx, in, root, NULL, &r, &err) != SR_OK)
			fail_msg("%s: reader: %s", c->root, err.msg);
		if (sr_reader_format(r) != &sr_fmt_sudo)
			fail_msg("%s: probed as %s", c->root,
			    sr_format_name(sr_reader_format(r)));
		if (sr_reader_next_session(r, &s) != SR_OK)
			fail_msg("%s: no session", c->root);
		if (s->state != c->state)
			fail_msg("%s: state %d, want %d", c->root, s->state,
			    c->state);
		/* The id survives the archive path. */
		if (strncmp(c->root, CUS, strlen(CUS)) != 0 &&
		    strcmp(s->field[SR_F_SESSION_ID],
			c->root + strlen(c->root) - 8) == 0)
			fail_msg("%s: id '%s' not a seq id", c->root,
			    s->field[SR_F_SESSION_ID]);
		sr_reader_close(r);
	}
	if (d.n != 0) {
		dump_diags(&d);
		fail_msg("%zu warnings", d.n);
	}
	sr_found_free_all(found, n);
	sr_input_close(in);
	sr_ctx_free(ctx);
}

/*
 * Small sessions written into a temporary directory.
 */
#define FILES_MAX 9
struct file_spec {
	const char *name;
	const char *data; /* NULL: no such file */
	size_t len;	  /* 0: strlen(data) */
	mode_t mode;	  /* 0: 0644 */
};

struct tmp_dir {
	char top[256];
	char files[FILES_MAX][512];
	size_t nfiles;
};

/* Writes the files into TOP/s/ and returns TOP. */
static const char *
tmp_session(struct tmp_dir *t, const struct file_spec *f)
{
	const char *base = getenv("TMPDIR");
	char dir[300];
	size_t i;

	memset(t, 0, sizeof(*t));
	(void)snprintf(t->top, sizeof(t->top), "%s/sr-sudo-XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(t->top) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	(void)snprintf(dir, sizeof(dir), "%s/s", t->top);
	if (mkdir(dir, 0755) != 0)
		fail_msg("mkdir: %s", strerror(errno));
	for (i = 0; i < FILES_MAX && f[i].name != NULL; i++) {
		FILE *fp;
		size_t len = f[i].len ? f[i].len : strlen(f[i].data);

		(void)snprintf(t->files[i], sizeof(t->files[i]), "%s/%s", dir,
		    f[i].name);
		if ((fp = fopen(t->files[i], "wb")) == NULL ||
		    fwrite(f[i].data, 1, len, fp) != len || fclose(fp) != 0)
			fail_msg("write %s: %s", t->files[i], strerror(errno));
		if (chmod(t->files[i], f[i].mode ? f[i].mode : 0644) != 0)
			fail_msg("chmod: %s", strerror(errno));
		t->nfiles++;
	}
	return (t->top);
}

static void
tmp_remove(struct tmp_dir *t)
{
	char dir[300];
	size_t i;

	for (i = 0; i < t->nfiles; i++)
		(void)unlink(t->files[i]);
	(void)snprintf(dir, sizeof(dir), "%s/s", t->top);
	(void)rmdir(dir);
	(void)rmdir(t->top);
}

#define JSON_OK                                                                \
	"{\n    \"timestamp\": {\n        \"seconds\": 1795577824,\n"          \
	"        \"nanoseconds\": 5\n    },\n    \"submituser\": \"alice\",\n" \
	"    \"runuser\": \"root\",\n    \"lines\": 24,\n"                     \
	"    \"columns\": 80,\n    \"runargv\": [\"sh\"]\n}\n"
#define LOG_OK                                                                 \
	"1795577824:alice:root::/dev/pts/3:24:80\n/home/alice\n"               \
	"/usr/bin/sh -c echo hi\n"

static const unsigned char gz_full[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x03, 0x33, 0x51, 0x30, 0xd0, 0x33, 0x55, 0x30, 0xe5,
	0x32, 0x01, 0xd2, 0x46, 0xa6, 0x0a, 0x66, 0x40, 0x86, 0xa1, 0x9e, 0x81,
	0x82, 0x09, 0x17, 0x00, 0x3e, 0x42, 0x04, 0xf0, 0x19, 0x00, 0x00,
	0x00 };
/* The same timing written with a sync flush per line and no end yet. */
static const unsigned char gz_live[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x32, 0x51, 0x30, 0xd0, 0x33, 0x55, 0x30, 0xe5,
	0x02, 0x00, 0x00, 0x00, 0xff, 0xff, 0x32, 0x01, 0xd2, 0x46, 0xa6, 0x0a,
	0x66, 0x5c, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x32, 0x51, 0x30, 0xd4,
	0x33, 0x50, 0x30, 0xe1, 0x02, 0x00, 0x00, 0x00, 0xff, 0xff };
/* Only the gzip header and two bytes of the first block. */
#define GZ_CUT 12

static const struct want_ev ev_gz[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 500000000, 5, "hello"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 750000000, 6, " world"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1750000000, 4, "!!!\n"),
};
static const struct want_ev ev_short[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 500000000, 5, "hello"),
	WF(SR_EV_INPUT, SR_STREAM_TTYIN, 1500000000, 1, "x", SR_EVF_GAP),
};
static const struct want_ev ev_skip[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 200000000, 3, "abc"),
};
static const struct want_ev ev_missing[] = {
	WF(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 200000000, 2, "ok", SR_EVF_GAP),
};
static const struct want_ev ev_long[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 200000000, 2, "ok"),
};
static const struct want_ev ev_split[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1000000000, 4, "0123"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1000000000, 4, "4567"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 1000000000, 2, "89"),
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 3000000000LL, 3, "abc"),
};
static const struct want_ev ev_delays[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2000000000, 1, "a"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2500000000LL, 1, "b"),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 2623456789LL, 1, "c"),
	WR(2623456789LL, 50, 132),
	W(SR_EV_SUSPEND, SR_STREAM_NONE, 2623456789LL, 4, "TTOU"),
	W(SR_EV_SUSPEND, SR_STREAM_NONE, 2623456789LL, 4, "TSTP"),
	W(SR_EV_RESUME, SR_STREAM_NONE, 2623456789LL, 4, "CONT"),
	W(SR_EV_OUTPUT, SR_STREAM_STDOUT, 2623456790LL, 2, "d\n"),
	W(SR_EV_OUTPUT, SR_STREAM_STDERR, 2623456790LL, 1, "e"),
	W(SR_EV_INPUT, SR_STREAM_STDIN, 2623456790LL, 1, "f"),
};
/* After an event 6 every event number is 2 too high (sudo 1.8.7). */
static const struct want_ev ev_187[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 100000000, 2, "ab"),
	W(SR_EV_INPUT, SR_STREAM_TTYIN, 200000000, 1, "x"),
	WR(300000000, 30, 90),
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 400000000, 1, "c"),
};
static const struct want_ev ev_fallback[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 100000000, 2, "hi"),
};
static const struct want_ev ev_json_hostile[] = {
	W(SR_EV_OUTPUT, SR_STREAM_TTYOUT, 100000000, 2, "hi"),
	W(SR_EV_END, SR_STREAM_NONE, 7000000000LL, 4, "KILL"),
};

struct bad_case {
	const char *name;
	struct file_spec files[FILES_MAX];
	/* Limits, 0 for the default. */
	uint64_t event_limit, line_limit, meta_limit;
	int found;	     /* the probe finds "s" */
	int session;	     /* next_session status */
	const char *err;     /* the message of a failure; '*' ends a prefix */
	int64_t err_line;    /* the line of a failed event, 0: not checked */
	int state;	     /* enum sr_state */
	int64_t duration;    /* -1: unknown */
	const char *actor;   /* NULL: "alice" */
	const char *command; /* NULL: not checked */
	const struct want_ev *ev;
	size_t nev;
	int end;		/* final next_event status; 0: SR_EOF */
	const char *warn[10];	/* every warning, in order; '*' ends a prefix */
	int64_t start;		/* 0: not checked */
	const char *extras[14]; /* key, value (NULL: absent) */
};

#define T    "member 's/timing': "
#define Z10  "0000000000"
#define Z100 Z10 Z10 Z10 Z10 Z10 Z10 Z10 Z10 Z10 Z10
#define JSON_EXIT                                                              \
	"{\"timestamp\":{\"seconds\":5,\"nanoseconds\":0},"                    \
	"\"submituser\":\"a\\u00e9\\u0000b\",\"runuser\":7,"                   \
	"\"lines\":0,\"columns\":80.5,\"runargv\":\"sh\",\"runenv\":[1],"      \
	"\"run_time\":{\"seconds\":7,\"nanoseconds\":0},"                      \
	"\"signal\":\"KILL\",\"dumped_core\":true,\"peeraddr\":null,"          \
	"\"iolog_offset\":{\"seconds\":1,\"nanoseconds\":2},"                  \
	"\"x\":{\"y\":[1.5]},\"submitenv\":[\"A=1\",\"B=2\"]}"

#define F(n, d)                                                                \
	{                                                                      \
		.name = (n), .data = (d)                                       \
	}
#define FM(n, d, m)                                                            \
	{                                                                      \
		.name = (n), .data = (d), .mode = (m)                          \
	}
#define FB(n, d, l, m)                                                         \
	{                                                                      \
		.name = (n), .data = (const char *)(d), .len = (l),            \
		.mode = (m)                                                    \
	}

/* Ten 50-byte entries; a quarter of a 1 KiB meta limit holds five. */
#define X47 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define JSON_ENV                                                               \
	"{\"submituser\":\"bob\",\"runenv\":[\"E0=" X47 "\",\"E1=" X47         \
	"\",\"E2=" X47 "\",\"E3=" X47 "\",\"E4=" X47 "\",\"E5=" X47            \
	"\",\"E6=" X47 "\",\"E7=" X47 "\",\"E8=" X47 "\",\"E9=" X47 "\"]}"

static const struct bad_case bad_cases[] = {
	{
	    .name = "data file shorter than the timing",
	    .files = { F("log.json", JSON_OK),
		F("timing", "4 0.5 10\n4 0.5 3\n3 0.5 1\n"),
		F("ttyout", "hello"), F("ttyin", "x") },
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 1500000000,
	    EVD(ev_short),
	    .warn = { T "line 1: offset 0: timing wants 10 bytes of ttyout, "
			"only 5 left" },
	},
	{
	    .name = "unknown event, garbage and bad fields are skipped",
	    .files = { F("log.json", JSON_OK),
		F("timing",
		    "9 0.1 5\nhello world\n4 0.2 3\n4 0,5 1\n5 1 24\n"
		    "7 1 HUP\n4 1 -1\n4 1 2 x\n\n"),
		F("ttyout", "abcde") },
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 200000000,
	    EVD(ev_skip),
	    .warn = { T "line 1: offset 0: unknown timing event",
		T "line 2: offset 8: bad event number in timing line",
		T "line 4: offset 28: bad delay in timing line",
		T "line 5: offset 36: bad window size in timing line",
		T "line 6: offset 43: bad signal in timing line",
		T "line 7: offset 51: bad byte count in timing line",
		T "line 8: offset 58: junk at the end of a timing line",
		T "line 9: offset 66: empty timing line" },
	},
	{
	    .name = "a line over the line limit is skipped",
	    .files = { F("log.json", JSON_OK),
		F("timing",
		    "4 0." Z100 Z100 Z100 Z100 Z100 Z100 Z100 "1 1\n"
		    "4 0.2 2\n"),
		F("ttyout", "ok") },
	    .line_limit = 600,
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 200000000,
	    EVD(ev_long),
	    .warn = { T "line 1: offset 0: timing line longer than 600 bytes "
			"skipped" },
	},
	{
	    .name = "a data file referenced by timing is missing",
	    .files = { F("log.json", JSON_OK),
		F("timing", "1 0.1 3\n4 0.1 2\n1 0.1 3\n"), F("ttyout", "ok") },
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 300000000,
	    EVD(ev_missing),
	    .warn = { T "line 1: offset 0: timing refers to stdout, which is "
			"missing" },
	},
	{
	    .name = "records above the event limit are split",
	    .files = { F("log.json", JSON_OK), F("timing", "4 1 10\n3 2 3"),
		F("ttyout", "0123456789"), F("ttyin", "abc") },
	    .event_limit = 4,
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 3000000000LL,
	    EVD(ev_split),
	},
	{
	    .name = "integer and long delays, signal names",
	    .files = { F("log.json", JSON_OK),
		F("timing",
		    "4 2 1\n4 0.5 1\r\n4 0.1234567891234 1\n"
		    "5 0.000000000 50 132\n7 0 SIGTTOU\n7 0.0 TSTP\n"
		    "7 0 CONT\n1 0.000000001 2\n2 0 1\n0 0 1\n"),
		F("ttyout", "abc"), F("stdout", "d\n"), F("stderr", "e"),
		F("stdin", "f") },
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 2623456790LL,
	    EVD(ev_delays),
	},
	{
	    .name = "event 6 of sudo 1.8.7",
	    .files = { F("log.json", JSON_OK),
		F("timing", "6 0.1 2\n5 0.1 1\n7 0.1 30 90\n6 0.1 1\n"),
		F("ttyout", "abc"), F("ttyin", "x") },
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 400000000,
	    EVD(ev_187),
	    .warn = { T "line 1: offset 0: timing event 6 of sudo 1.8.7: "
			"later events shifted by 2" },
	},
	{
	    .name = "too many bad lines in a row",
	    .files = { F("log.json", JSON_OK),
		F("timing",
		    "x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n"
		    "x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n4 1 1\n"),
		F("ttyout", "a") },
	    .found = 1,
	    .err = "too many bad timing lines in a row",
	    .err_line = 32,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 1000000000,
	    .end = SR_FAILED,
	},
	{
	    .name = "log.json and log both missing: not a session",
	    .files = { F("timing", "4 1 1\n"), F("ttyout", "a") },
	    .session = SR_FAILED,
	    .err = "not a sudo I/O log: neither log.json nor log",
	},
	{
	    .name = "no timing: not a session",
	    .files = { F("log.json", JSON_OK), F("log", LOG_OK),
		F("ttyout", "a") },
	    .session = SR_FAILED,
	    .err = "not a sudo I/O log: no timing file",
	},
	{
	    .name = "log and timing alone look like script(1) files",
	    .files = { F("log",
			   "1795577824:alice:root:wheel:unknown:24:80\n"
			   "unknown\n/usr/bin/sh -c echo hi\n"),
		F("timing", "4 0.1 2\n") },
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 100000000,
	    .actor = "alice",
	    .command = "/usr/bin/sh -c echo hi",
	    .warn = { T "line 1: offset 0: timing refers to ttyout, which is "
			"missing" },
	    .start = 1795577824000000000LL,
	    .extras = { "sudo.rungroup", "wheel" },
	},
	{
	    .name = "legacy log only (sudo before 1.9.0), complete",
	    .files = { F("log", LOG_OK), FM("timing", "4 0.1 2\n", 0400),
		F("ttyout", "hi") },
	    .found = 1,
	    .state = SR_STATE_COMPLETE,
	    .duration = 100000000,
	    .actor = "alice",
	    .command = "/usr/bin/sh -c echo hi",
	    EVD(ev_fallback),
	    .start = 1795577824000000000LL,
	    .extras = { "sudo.rungroup", NULL },
	},
	{
	    .name = "unparsable log.json falls back to log",
	    .files = { F("log.json", "{\"timestamp\": "), F("log", LOG_OK),
		F("timing", "4 0.1 2\n"), F("ttyout", "hi") },
	    .found = 1,
	    .session = SR_WARN,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 100000000,
	    .actor = "alice",
	    .command = "/usr/bin/sh -c echo hi",
	    EVD(ev_fallback),
	    .warn = { "member 's/log.json': line 1: offset 14: log.json "
		      "unusable: *" },
	    .start = 1795577824000000000LL,
	},
	{
	    .name = "log.json with wrong types and odd members",
	    .files = { F("log.json", JSON_EXIT),
		FM("timing", "4 0.1 2\n", 0444), F("ttyout", "hi") },
	    .found = 1,
	    .session = SR_WARN,
	    .state = SR_STATE_COMPLETE,
	    .duration = 7000000000LL,
	    .actor = "a\xc3\xa9",
	    EVD(ev_json_hostile),
	    .warn = { "member 's/log.json': runuser is not a string",
		"member 's/log.json': lines is not a terminal size",
		"member 's/log.json': columns is not a terminal size",
		"member 's/log.json': runargv is not an array",
		"member 's/log.json': runenv is not an array of strings" },
	    .start = 5000000000LL,
	    .extras = { "sudo.dumped_core", "true", "sudo.peeraddr", "",
		"sudo.iolog_offset", "1.000000002", "sudo.x", "{\"y\":[1.5]}",
		"sudo.submitenv", "A=1\nB=2", "sudo.signal", NULL,
		"sudo.runenv", NULL },
	},
	{
	    .name = "a big runenv is cut at an entry, silently",
	    .files = { F("log.json", JSON_ENV), F("timing", "") },
	    .meta_limit = 1024,
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .actor = "bob",
	    .extras = { "sudo.runenv",
		"E0=" X47 "\nE1=" X47 "\nE2=" X47 "\nE3=" X47 "\nE4=" X47,
		"sudo.runenv_omitted", "5" },
	},
	{
	    .name = "empty timing",
	    .files = { F("log.json", JSON_OK), FM("timing", "", 0400) },
	    .found = 1,
	    .state = SR_STATE_COMPLETE,
	    .duration = 0,
	},
	{
	    .name = "gzip'd timing",
	    .files = { F("log.json", JSON_OK),
		FB("timing", gz_full, sizeof(gz_full), 0400),
		F("ttyout", "hello world!!!\n") },
	    .found = 1,
	    .state = SR_STATE_COMPLETE,
	    .duration = 1750000000,
	    EVD(ev_gz),
	},
	{
	    .name = "live gzip'd timing ends after a sync flush: normal",
	    .files = { F("log.json", JSON_OK),
		FB("timing", gz_live, sizeof(gz_live), 0600),
		F("ttyout", "hello world!!!\n") },
	    .found = 1,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 1750000000,
	    EVD(ev_gz),
	},
	{
	    .name = "finished gzip'd timing without its end: damaged",
	    .files = { F("log.json", JSON_OK),
		FB("timing", gz_live, sizeof(gz_live), 0400),
		F("ttyout", "hello world!!!\n") },
	    .found = 1,
	    .session = SR_WARN,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = 1750000000,
	    EVD(ev_gz),
	    .warn = { T "compressed timing ends early, session is "
			"incomplete" },
	},
	{
	    .name = "gzip'd timing with nothing decodable",
	    .files = { F("log.json", JSON_OK),
		FB("timing", gz_live, GZ_CUT, 0400),
		F("ttyout", "hello world!!!\n") },
	    .found = 1,
	    .session = SR_WARN,
	    .state = SR_STATE_INCOMPLETE,
	    .duration = -1,
	    .end = SR_FAILED,
	    .err = "cannot decode: *",
	    .warn = { T "offset 0: cannot read timing: cannot decode: *" },
	},
};

/* Exact, or a prefix when want ends in '*'. */
static int
warn_match(const char *got, const char *want)
{
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] == '*')
		return (strncmp(got, want, n - 1) == 0);
	return (strcmp(got, want) == 0);
}

static void
test_bad(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < nitems(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct diags d;
		struct sr_ctx *ctx = new_ctx(&d);
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_found *found;
		struct sr_error err;
		const struct sr_session *s;
		struct tmp_dir t;
		const char *top;
		size_t n, nw;
		int st, bid, hit = 0;

		if (c->event_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_EVENT, c->event_limit);
		if (c->line_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_LINE, c->line_limit);
		if (c->meta_limit)
			sr_ctx_set_limit(ctx, SR_LIMIT_META, c->meta_limit);
		top = tmp_session(&t, c->files);
		if (sr_input_open(ctx, top, &in, &err) != SR_OK)
			fail_msg("%s: open: %s", c->name, err.msg);
		if (sr_probe_container(in, 0, &found, &n, &err) != SR_OK)
			fail_msg("%s: probe: %s", c->name, err.msg);
		for (k = 0; k < n; k++)
			if (found[k].fmt == &sr_fmt_sudo &&
			    strcmp(found[k].member, "s") == 0)
				hit = 1;
		sr_found_free_all(found, n);
		if (hit != c->found)
			fail_msg("%s: probe found it: %d, want %d", c->name,
			    hit, c->found);
		/* The same answer for the directory as a root. */
		if ((sr_probe_member(in, "s", &bid) == &sr_fmt_sudo) !=
		    c->found)
			fail_msg("%s: probing 's' gives bid %d", c->name, bid);
		if (sr_reader_open(ctx, in, "s", &sr_fmt_sudo, &r, &err) !=
		    SR_OK)
			fail_msg("%s: reader: %s", c->name, err.msg);
		st = sr_reader_next_session(r, &s);
		if (st != c->session) {
			dump_diags(&d);
			fail_msg("%s: next_session %d, want %d (%s)", c->name,
			    st, c->session, sr_reader_error(r)->msg);
		}
		if (st == SR_FAILED) {
			check_str(c->name, "error", sr_reader_error(r)->msg,
			    c->err);
			if (sr_reader_error(r)->cat != SR_E_FORMAT)
				fail_msg("%s: error category %d", c->name,
				    sr_reader_error(r)->cat);
			if (sr_reader_next_session(r, &s) != SR_EOF)
				fail_msg("%s: no EOF after a failure", c->name);
		} else {
			check_str(c->name, "actor", s->field[SR_F_ACTOR],
			    c->actor != NULL ? c->actor : "alice");
			if (c->command != NULL)
				check_str(c->name, "command",
				    s->field[SR_F_COMMAND], c->command);
			check_str(c->name, "session_id",
			    s->field[SR_F_SESSION_ID], "s");
			if (s->state != (enum sr_state)c->state)
				fail_msg("%s: state %d, want %d", c->name,
				    s->state, c->state);
			if (c->duration < 0
				? (s->have & SR_HAVE_DURATION) != 0
				: (!(s->have & SR_HAVE_DURATION) ||
				      s->duration_ns != c->duration))
				fail_msg("%s: duration %lld, want %lld",
				    c->name, (long long)s->duration_ns,
				    (long long)c->duration);
			if (c->start != 0 && s->start_ns != c->start)
				fail_msg("%s: start %lld, want %lld", c->name,
				    (long long)s->start_ns,
				    (long long)c->start);
			for (k = 0; k + 1 < nitems(c->extras) && c->extras[k];
			     k += 2)
				check_str(c->name, c->extras[k],
				    sr_session_extra(s, c->extras[k]),
				    c->extras[k + 1]);
			st = check_events(c->name, r, NULL, c->ev, c->nev);
			if (st != (c->end != 0 ? c->end : SR_EOF))
				fail_msg("%s: events end with %d, want %d (%s)",
				    c->name, st, c->end != 0 ? c->end : SR_EOF,
				    sr_reader_error(r)->msg);
			if (st == SR_FAILED &&
			    !warn_match(sr_reader_error(r)->msg, c->err))
				fail_msg("%s: error '%s', want '%s'", c->name,
				    sr_reader_error(r)->msg, c->err);
			if (st == SR_FAILED && c->err_line != 0 &&
			    (sr_reader_error(r)->loc.line != c->err_line ||
				sr_reader_error(r)->cat != SR_E_FORMAT ||
				strcmp(sr_reader_error(r)->loc.member,
				    "s/timing") != 0))
				fail_msg("%s: error at '%s' line %lld, cat %d",
				    c->name, sr_reader_error(r)->loc.member,
				    (long long)sr_reader_error(r)->loc.line,
				    sr_reader_error(r)->cat);
		}
		for (nw = 0; nw < nitems(c->warn) && c->warn[nw]; nw++)
			if (nw >= d.n || !warn_match(d.msg[nw], c->warn[nw])) {
				dump_diags(&d);
				fail_msg("%s: warning %zu is '%s', want '%s'",
				    c->name, nw, nw < d.n ? d.msg[nw] : "",
				    c->warn[nw]);
			}
		if (d.n != nw && st != SR_FAILED) {
			dump_diags(&d);
			fail_msg("%s: %zu warnings, want %zu", c->name, d.n,
			    nw);
		}
		sr_reader_close(r);
		sr_input_close(in);
		tmp_remove(&t);
		sr_ctx_free(ctx);
	}
}

/*
 * The log.json parser, through the reader: valid documents of sudo's
 * shape in any order and spacing, escapes, raw bytes, unknown nested
 * values; and broken ones, which must be refused with the exact place
 * (the legacy log then takes over, so the actor becomes "alice").
 */
struct json_case {
	const char *name;
	const char *doc;
	size_t len;	   /* 0: strlen(doc) */
	uint64_t meta;	   /* meta limit, 0 for the default */
	const char *err;   /* the warning for a refused document */
	const char *actor; /* NULL: not checked */
	const char *cmd;   /* command, NULL: not checked */
	const char *argv;  /* argv joined by '|', NULL: not checked */
	const char *term;  /* NULL: not checked */
	unsigned rows, cols;
	int64_t start;	   /* 0: not checked */
	const char *ex[8]; /* extras: key, value (NULL: absent) */
	const char *warn;  /* the one warning of a used document */
};

#define JU     "member 's/log.json': "
#define JBIG_N 1100
static char jbig[JBIG_N + 64];
static char jdeep[200];

static const struct json_case json_cases[] = {
	{ .name = "compact, sudo's keys",
	    .doc = "{\"timestamp\":{\"seconds\":10,\"nanoseconds\":20},"
		   "\"submituser\":\"bob\",\"command\":\"/bin/sh\","
		   "\"runargv\":[\"sh\",\"-c\",\"x\"],\"lines\":24,"
		   "\"columns\":80,\"runenv\":[\"A=1\",\"TERM=vt100\"]}",
	    .actor = "bob",
	    .cmd = "/bin/sh",
	    .argv = "sh|-c|x",
	    .term = "vt100",
	    .rows = 24,
	    .cols = 80,
	    .start = 10000000020LL,
	    .ex = { "sudo.runenv", "A=1\nTERM=vt100" } },
	{ .name = "reordered keys, odd white space",
	    .doc = " \r\n\t{ \"columns\" :80 ,\"runargv\" : [ ] ,\n"
		   "\"lines\"\t:\t24,\"timestamp\" : { \"nanoseconds\" : 1 ,"
		   " \"seconds\" : 2 } , \"submituser\" : \"bob\" }\n\n",
	    .actor = "bob",
	    .argv = "",
	    .rows = 24,
	    .cols = 80,
	    .start = 2000000001LL },
	{ .name = "logsrvd members appended, unknown nested values skipped",
	    .doc = "{\"submituser\":\"bob\",\"uuid\":\"u-1\","
		   "\"iolog_offset\":{\"seconds\":3,\"nanoseconds\":4},"
		   "\"deep\":{\"a\":[[1,{\"b\":null}],{}],\"c\":\"}\\\"]\"},"
		   "\"n\":-12,\"r\":1.5e-3,\"t\":true,\"f\":false,\"z\":null,"
		   "\"command\":\"ok\"}",
	    .actor = "bob",
	    .cmd = "ok",
	    .ex = { "sudo.uuid", "u-1", "sudo.iolog_offset", "3.000000004",
		"sudo.deep", "{\"a\":[[1,{\"b\":null}],{}],\"c\":\"}\\\"]\"}",
		"sudo.r", "1.5e-3" } },
	{ .name = "scalar extras",
	    .doc = "{\"submituser\":\"bob\",\"n\":-12,\"t\":true,"
		   "\"f\":false,\"z\":null,\"big\":99999999999999999999}",
	    .actor = "bob",
	    .ex = { "sudo.n", "-12", "sudo.t", "true", "sudo.f", "false",
		"sudo.big", "99999999999999999999" } },
	{ .name = "escapes and surrogate pairs",
	    .doc = "{\"submituser\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041"
		   "\\u00e9\\u20ac\\ud83d\\ude00\\u001b\"}",
	    .actor = "a\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
		     "\x1b" },
	{ .name = "raw 0xFF and other invalid UTF-8 kept",
	    .doc = "{\"submituser\":\"b\xff\xc3\",\"runargv\":[\"\xff\","
		   "\"\xc0\xaf\"]}",
	    .actor = "b\xff\xc3",
	    .argv = "\xff|\xc0\xaf" },
	{ .name = "duplicate keys: the last wins",
	    .doc = "{\"submituser\":\"a\",\"lines\":30,\"submituser\":\"b\","
		   "\"x\":1,\"x\":\"2\",\"lines\":40,\"columns\":90}",
	    .actor = "b",
	    .rows = 40,
	    .cols = 90,
	    .ex = { "sudo.x", "2" } },
	{ .name = "a later bad value clears the field",
	    .doc = "{\"submituser\":\"a\",\"runuser\":\"r\",\"runuser\":5}",
	    .actor = "a",
	    .warn = JU "runuser is not a string" },
	{ .name = "escaped TERM entry in runenv",
	    .doc = "{\"submituser\":\"bob\",\"runenv\":[\"\\u0054ERM=xt\"]}",
	    .actor = "bob",
	    .term = "xt" },
	{ .name = "truncated inside a string",
	    .doc = "{\"submituser\":\"bo",
	    .err = JU "line 1: offset 17: "
		      "log.json unusable: unexpected end of data" },
	{ .name = "truncated after a member",
	    .doc = "{\n  \"a\": 1,\n",
	    .err = JU "line 3: offset 12: "
		      "log.json unusable: unexpected end of data" },
	{ .name = "empty file",
	    .doc = "",
	    .err = JU "line 1: offset 0: log.json unusable: unexpected end "
		      "of data" },
	{ .name = "not an object",
	    .doc = "  [1]",
	    .err = JU "line 1: offset 2: log.json unusable: not an object" },
	{ .name = "trailing garbage",
	    .doc = "{\"a\":1}\n}",
	    .err = JU "line 2: offset 8: log.json unusable: data after the "
		      "object" },
	{ .name = "two objects",
	    .doc = "{}{}",
	    .err = JU "line 1: offset 2: log.json unusable: data after the "
		      "object" },
	{ .name = "trailing comma",
	    .doc = "{\"a\":1,}",
	    .err = JU "line 1: offset 7: log.json unusable: expected a key" },
	{ .name = "missing colon",
	    .doc = "{\"a\" 1}",
	    .err = JU "line 1: offset 5: log.json unusable: expected ':'" },
	{ .name = "missing comma in an array",
	    .doc = "{\"a\":[1 2]}",
	    .err = JU "line 1: offset 8: log.json unusable: expected ',' or "
		      "']'" },
	{ .name = "single quotes",
	    .doc = "{'a':1}",
	    .err = JU "line 1: offset 1: log.json unusable: expected a key" },
	{ .name = "bad escape",
	    .doc = "{\"a\":\"x\\q\"}",
	    .err = JU "line 1: offset 7: log.json unusable: invalid escape" },
	{ .name = "bad \\u escape",
	    .doc = "{\"a\":\"\\u12g4\"}",
	    .err = JU "line 1: offset 6: log.json unusable: invalid \\u "
		      "escape" },
	{ .name = "lone high surrogate",
	    .doc = "{\"a\":\"\\ud800x\"}",
	    .err = JU "line 1: offset 6: log.json unusable: lone high "
		      "surrogate" },
	{ .name = "high surrogate and a non-low",
	    .doc = "{\"a\":\"\\ud800\\u0041\"}",
	    .err = JU "line 1: offset 6: log.json unusable: lone high "
		      "surrogate" },
	{ .name = "lone low surrogate",
	    .doc = "{\"a\":\"\\udc00\"}",
	    .err = JU "line 1: offset 6: log.json unusable: lone low "
		      "surrogate" },
	{ .name = "raw control byte in a string",
	    .doc = "{\"a\":\"x\ty\"}",
	    .err = JU "line 1: offset 7: log.json unusable: control "
		      "character in string" },
	{ .name = "raw NUL byte",
	    .doc = "{\"a\":\"x\0\"}",
	    .len = 10,
	    .err = JU "line 1: offset 7: log.json unusable: control "
		      "character in string" },
	{ .name = "bad numbers",
	    .doc = "{\"a\":01}",
	    .err = JU "line 1: offset 6: log.json unusable: expected ',' or "
		      "'}'" },
	{ .name = "number without digits",
	    .doc = "{\"a\":-x}",
	    .err = JU "line 1: offset 6: log.json unusable: invalid number" },
	{ .name = "fraction without digits",
	    .doc = "{\"a\":1.}",
	    .err = JU "line 1: offset 7: log.json unusable: invalid number" },
	{ .name = "bad literal",
	    .doc = "{\"a\":nul}",
	    .err = JU "line 1: offset 5: log.json unusable: invalid literal" },
	{ .name = "unexpected character",
	    .doc = "{\"a\":+1}",
	    .err = JU "line 1: offset 5: log.json unusable: unexpected "
		      "character" },
	{ .name = "nesting deeper than the bound",
	    .doc = jdeep,
	    .err = JU "line 1: offset 37: log.json unusable: nested too "
		      "deeply" },
	{ .name = "string over the meta limit",
	    .doc = jbig,
	    .meta = 1024,
	    .err = JU "line 1: offset 22: log.json unusable: string too "
		      "long" },
};

static void
json_fixtures(void)
{
	size_t i, n = 0;

	/* {"submituser":"x","a": then 16 '[' (one too many). */
	n = (size_t)snprintf(jdeep, sizeof(jdeep),
	    "{\"submituser\":\"x\",\"a\":");
	for (i = 0; i < 16; i++)
		jdeep[n++] = '[';
	jdeep[n] = '\0';
	n = (size_t)snprintf(jbig, sizeof(jbig),
	    "{\"submituser\":\"x\",\"a\":\"");
	memset(jbig + n, 'y', JBIG_N);
	n += JBIG_N;
	(void)snprintf(jbig + n, sizeof(jbig) - n, "\"}");
}

static void
test_json(void **state)
{
	size_t i, k;

	(void)state;
	json_fixtures();
	for (i = 0; i < nitems(json_cases); i++) {
		const struct json_case *c = &json_cases[i];
		struct file_spec f[4];
		struct diags d;
		struct sr_ctx *ctx = new_ctx(&d);
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_error err;
		const struct sr_session *s;
		struct tmp_dir t;
		char argv[256];
		int st;

		memset(f, 0, sizeof(f));
		f[0].name = "log.json";
		f[0].data = c->doc;
		f[0].len = c->len;
		f[1].name = "log";
		f[1].data = LOG_OK;
		f[2].name = "timing";
		f[2].data = "4 0.5 1\n";
		if (c->meta)
			sr_ctx_set_limit(ctx, SR_LIMIT_META, c->meta);
		if (c->doc[0] == '\0' && c->len == 0)
			f[0].len = 0;
		if (sr_input_open(ctx, tmp_session(&t, f), &in, &err) != SR_OK)
			fail_msg("%s: open: %s", c->name, err.msg);
		if (sr_reader_open(ctx, in, "s", &sr_fmt_sudo, &r, &err) !=
		    SR_OK)
			fail_msg("%s: reader: %s", c->name, err.msg);
		st = sr_reader_next_session(r, &s);
		if (st != SR_OK && st != SR_WARN)
			fail_msg("%s: next_session %d", c->name, st);
		/* The data file is absent: that warning comes later. */
		if (c->err != NULL || c->warn != NULL) {
			if (d.n != 1 ||
			    strcmp(d.msg[0], c->err ? c->err : c->warn) != 0) {
				dump_diags(&d);
				fail_msg("%s: want the warning '%s'", c->name,
				    c->err ? c->err : c->warn);
			}
		} else if (d.n != 0) {
			dump_diags(&d);
			fail_msg("%s: %zu warnings", c->name, d.n);
		}
		if (c->err != NULL)
			check_str(c->name, "actor", s->field[SR_F_ACTOR],
			    "alice");
		if (c->actor != NULL)
			check_str(c->name, "actor", s->field[SR_F_ACTOR],
			    c->actor);
		if (c->cmd != NULL)
			check_str(c->name, "command", s->field[SR_F_COMMAND],
			    c->cmd);
		if (c->term != NULL)
			check_str(c->name, "term", s->field[SR_F_TERM],
			    c->term);
		if (c->argv != NULL) {
			size_t al = 0, l;

			argv[0] = '\0';
			for (k = 0; s->argv != NULL && k < s->argc; k++) {
				l = strlen(s->argv[k]);
				if (al + l + 2 > sizeof(argv))
					fail_msg("%s: argv too long", c->name);
				if (k > 0)
					argv[al++] = '|';
				memcpy(argv + al, s->argv[k], l + 1);
				al += l;
			}
			if (s->argv == NULL)
				fail_msg("%s: no argv", c->name);
			check_str(c->name, "argv", argv, c->argv);
		}
		if ((c->rows || c->cols) &&
		    (s->rows != c->rows || s->cols != c->cols ||
			!(s->have & SR_HAVE_GEOMETRY)))
			fail_msg("%s: size %ux%u", c->name, s->rows, s->cols);
		if (c->start != 0 &&
		    (!(s->have & SR_HAVE_START) || s->start_ns != c->start))
			fail_msg("%s: start %lld", c->name,
			    (long long)s->start_ns);
		for (k = 0; k + 1 < nitems(c->ex) && c->ex[k] != NULL; k += 2)
			check_str(c->name, c->ex[k],
			    sr_session_extra(s, c->ex[k]), c->ex[k + 1]);
		sr_reader_close(r);
		sr_input_close(in);
		tmp_remove(&t);
		sr_ctx_free(ctx);
	}
}

/* A reader rooted at a file of the session reads its directory. */
static void
test_file_root(void **state)
{
	static const char *const roots[] = { "00/00/01/timing", "00/00/01/log",
		"00/00/01/ttyout" };
	size_t i;

	(void)state;
	for (i = 0; i < nitems(roots); i++) {
		struct diags d;
		struct sr_ctx *ctx = new_ctx(&d);
		struct sr_input *in;
		struct sr_reader *r;
		struct sr_error err;
		const struct sr_session *s;
		const char *p;

		if (sr_input_open(ctx, unit_srcpath(SAMPLES "/" UNC), &in,
			&err) != SR_OK)
			fail_msg("%s: open: %s", roots[i], err.msg);
		if (sr_reader_open(ctx, in, roots[i], &sr_fmt_sudo, &r, &err) !=
		    SR_OK)
			fail_msg("%s: reader: %s", roots[i], err.msg);
		if (sr_reader_next_session(r, &s) != SR_OK)
			fail_msg("%s: no session", roots[i]);
		check_str(roots[i], "session_id", s->field[SR_F_SESSION_ID],
		    "000001");
		p = s->path + strlen(s->path) - strlen(UNC "/00/00/01");
		if (strlen(s->path) < strlen(UNC "/00/00/01") ||
		    strcmp(p, UNC "/00/00/01") != 0)
			fail_msg("%s: path '%s'", roots[i], s->path);
		(void)check_events(roots[i], r, SAMPLES "/" UNC "/00/00/01",
		    EV(ev_uncompressed_01));
		sr_reader_close(r);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

/*
 * Trees that the fixture generator wrote with the real sudo (another
 * part of the suite owns them; they may be absent or grow odd cases):
 * every session must read to its end, with a seq id in the %{seq} tree.
 */
static void
test_generated(void **state)
{
	static const char *const trees[] = { "tests/data/sudo/tree",
		"tests/data/sudo/custom" };
	size_t i, j, n;

	(void)state;
	for (i = 0; i < nitems(trees); i++) {
		struct diags d;
		struct sr_ctx *ctx = new_ctx(&d);
		struct sr_input *in;
		struct sr_found *found;
		struct sr_error err;
		struct stat sb;

		if (stat(unit_srcpath(trees[i]), &sb) != 0) {
			sr_ctx_free(ctx);
			continue;
		}
		if (sr_input_open(ctx, unit_srcpath(trees[i]), &in, &err) !=
			SR_OK ||
		    sr_probe_container(in, 0, &found, &n, &err) != SR_OK)
			fail_msg("%s: %s", trees[i], err.msg);
		for (j = 0; j < n; j++) {
			struct sr_reader *r;
			const struct sr_session *s;
			const struct sr_event *ev;
			int st;

			if (found[j].fmt != &sr_fmt_sudo)
				continue;
			if (sr_reader_open(ctx, in, found[j].member,
				found[j].fmt, &r, &err) != SR_OK)
				fail_msg("%s: %s", found[j].member, err.msg);
			if (sr_reader_next_session(r, &s) < SR_WARN)
				fail_msg("%s/%s: %s", trees[i], found[j].member,
				    sr_reader_error(r)->msg);
			if (i == 0 && strlen(s->field[SR_F_SESSION_ID]) != 6)
				fail_msg("%s: id '%s'", found[j].member,
				    s->field[SR_F_SESSION_ID]);
			while ((st = sr_reader_next_event(r, &ev)) == SR_OK ||
			    st == SR_WARN)
				;
			if (st != SR_EOF)
				fail_msg("%s: event status %d: %s",
				    found[j].member, st,
				    sr_reader_error(r)->msg);
			sr_reader_close(r);
		}
		dump_diags(&d);
		sr_found_free_all(found, n);
		sr_input_close(in);
		sr_ctx_free(ctx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_state_archive),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_file_root),
		cmocka_unit_test(test_generated),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
