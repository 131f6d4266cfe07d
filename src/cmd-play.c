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
 * sessrec play: replays one session through a terminal emulator.
 *
 * Two paths.  When stdout is a terminal the ncurses player (ui-play.c)
 * runs over the play index, which a background thread builds
 * (idxcache.c), so seeking is fast and the first frame comes at once.
 * Otherwise, or with --dump, the session is read straight through the
 * reader into an emulator and the screen at --at is printed as text: no
 * index is needed to answer one question once.  --follow with --dump
 * prints the screen again whenever the recording grows.
 *
 * Either way no recorded byte is written to the terminal: output goes
 * through the emulator (lib/filter/screen.c) and only its cells, made
 * safe, are drawn or printed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"
#include "ui-play.h"

/* Long-only options, above the shared ids of cmd.h. */
enum {
	OPT_SPEED = 512,
	OPT_AT,
	OPT_MAX_IDLE,
	OPT_PAUSED,
	OPT_DUMP,
	OPT_FOLLOW,
	OPT_CACHE_DIR,
	OPT_NO_CACHE,
};

/* Set by SIGINT while following: the only way out of an endless wait. */
static volatile sig_atomic_t play_interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	play_interrupted = 1;
}

/* Where the dump reads from: what the follow loop reopens. */
struct dump_src {
	struct sr_args *a;
	struct sr_catalog *cat;
	size_t entry;
	/* The furthest warning given, so a reread does not repeat it. */
	char warned_member[SR_MEMBER_MAX];
	int64_t warned_line, warned_offset;
};

/*
 * Diagnostics while following: the recording is read again from the
 * start each time it grows, so a warning is given only for a place
 * past the furthest one already reported.
 */
static void
follow_diag(void *arg, int status, const struct sr_error *e)
{
	struct dump_src *d = arg;

	if (status == SR_WARN && strcmp(e->loc.member, d->warned_member) == 0 &&
	    e->loc.line <= d->warned_line && e->loc.offset <= d->warned_offset)
		return;
	if (status == SR_WARN) {
		(void)strlcpy(d->warned_member, e->loc.member,
		    sizeof(d->warned_member));
		d->warned_line = e->loc.line;
		d->warned_offset = e->loc.offset;
	}
	sr_out_diag(&d->a->quiet, status, e);
}

/* Applies one event to the screen.  Returns nonzero for output. */
static int
apply_event(struct sr_screen *scr, const struct sr_session *s,
    const struct sr_event *ev)
{
	switch (ev->type) {
	case SR_EV_OUTPUT:
		if (ev->len > 0) {
			sr_screen_set_onlcr(scr, sr_event_pipe(s, ev));
			sr_screen_feed(scr, ev->data, ev->len);
		}
		return (1);
	case SR_EV_RESIZE:
		if (ev->rows > 0 && ev->cols > 0) {
			sr_screen_resize(scr, ev->rows, ev->cols);
			return (1);
		}
		return (0);
	default:
		return (0);
	}
}

static void
start_geometry(const struct sr_session *s, unsigned *rows, unsigned *cols)
{
	*rows = 24;
	*cols = 80;
	if ((s->have & SR_HAVE_GEOMETRY) && s->rows > 0 && s->cols > 0) {
		*rows = s->rows;
		*cols = s->cols;
	}
}

static void
print_screen(const struct sr_screen *scr)
{
	struct sr_buf b;

	sr_buf_init(&b, (size_t)SR_SCREEN_MAX * SR_SCREEN_MAX * 32);
	if (sr_screen_text(scr, &b) != SR_E_NONE)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	fwrite(b.data, 1, b.len, stdout);
	sr_buf_release(&b);
}

/* Reports a reader that stopped on an error after t_ns; exit status. */
static int
abnormal_end(struct sr_reader *r, int64_t t_ns)
{
	char ts[64], msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + 64];

	(void)snprintf(msg, sizeof(msg), "recording ends abnormally after %s:",
	    sr_time_format_offset(t_ns < 0 ? 0 : t_ns, ts, sizeof(ts)));
	sr_warn_error(msg, sr_reader_error(r));
	return (SR_EXIT_UNREADABLE);
}

/* The screen at --at (default: the end), printed once. */
static int
dump_once(struct sr_reader *r, const struct sr_session *s, int have_at,
    int64_t at_ns)
{
	const struct sr_event *ev;
	struct sr_screen *scr;
	unsigned rows, cols;
	int64_t last = 0;
	int st, rc = SR_EXIT_OK;

	start_geometry(s, &rows, &cols);
	if ((scr = sr_screen_new(rows, cols)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	while ((st = sr_reader_next_event(r, &ev)) == SR_OK || st == SR_WARN) {
		if (have_at && ev->t_ns > at_ns) {
			st = SR_EOF;
			break;
		}
		(void)apply_event(scr, s, ev);
		last = ev->t_ns;
	}
	print_screen(scr);
	sr_screen_free(scr);
	if (st != SR_EOF)
		rc = abnormal_end(r, last);
	return (rc);
}

static void
print_separator(int64_t t_ns)
{
	char ts[64];

	printf("--- %s ---\n", sr_time_format_offset(t_ns, ts, sizeof(ts)));
}

/*
 * --dump --follow: prints the screen whenever output arrived, then waits
 * for the files to grow, reads them again and skips what was seen, until
 * the session's end event or SIGINT.
 */
static int
dump_follow(struct dump_src *d, struct sr_reader *r0,
    const struct sr_session *s)
{
	struct sr_reader *r = r0;
	struct sr_input *in = NULL;
	const struct sr_session *s2; /* the reopened one: s stays */
	const struct sr_event *ev;
	struct sr_screen *scr;
	struct sr_error err;
	struct sigaction sa, osa;
	unsigned rows, cols;
	uint64_t seen = 0, k, fp;
	int64_t last = 0;
	int st, fresh = 0, ended = 0, rc = SR_EXIT_OK;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, &osa);
	start_geometry(s, &rows, &cols);
	if ((scr = sr_screen_new(rows, cols)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	fp = sr_catalog_fingerprint(d->cat, d->entry);
	for (;;) {
		for (k = 0;; k++) {
			/* Past what was seen: warnings count again. */
			if (k == seen)
				sr_ctx_set_diag(d->a->ctx, follow_diag, d);
			st = sr_reader_next_event(r, &ev);
			if (st != SR_OK && st != SR_WARN)
				break;
			if (k < seen)
				continue;
			seen++;
			fresh |= apply_event(scr, s, ev);
			last = ev->t_ns;
			if (ev->type == SR_EV_END) {
				ended = 1;
				break;
			}
		}
		sr_ctx_set_diag(d->a->ctx, sr_out_diag, &d->a->quiet);
		if (fresh) {
			print_separator(last);
			print_screen(scr);
			sr_out_flush();
			fresh = 0;
		}
		if (ended)
			break;
		/*
		 * An error at the tail is what a recording being written
		 * looks like (a half-written line): it counts only when the
		 * recording stops growing and the user gives up.
		 */
		if (sr_follow_wait(d->cat, d->entry, &fp, &play_interrupted) !=
		    0) {
			if (st != SR_EOF && st != SR_OK && st != SR_WARN)
				rc = abnormal_end(r, last);
			break;
		}
		if (r != r0)
			sr_reader_close(r);
		if (in != NULL)
			sr_input_close(in);
		r = NULL;
		in = NULL;
		/* Warnings about events already seen were given before. */
		sr_ctx_set_diag(d->a->ctx, NULL, NULL);
		sr_error_clear(&err);
		if ((st = sr_follow_reopen(d->a->ctx, d->cat, d->entry, &in, &r,
			 &s2, &err)) != SR_OK) {
			sr_ctx_set_diag(d->a->ctx, sr_out_diag, &d->a->quiet);
			sr_warn_error("cannot read", &err);
			rc = SR_EXIT_UNREADABLE;
			break;
		}
	}
	sr_ctx_set_diag(d->a->ctx, sr_out_diag, &d->a->quiet);
	if (r != NULL && r != r0)
		sr_reader_close(r);
	if (in != NULL)
		sr_input_close(in);
	sr_screen_free(scr);
	(void)sigaction(SIGINT, &osa, NULL);
	return (rc);
}

static double
parse_speed(struct sr_args *a)
{
	const char *v = sr_args_get(a, OPT_SPEED);
	char *end;
	double x;

	if (v == NULL)
		return (1.0);
	errno = 0;
	x = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || !isfinite(x) ||
	    x < 0.25 || x > 16) {
		sr_warnx("bad speed '%s': want a number from 0.25 to 16", v);
		sr_usage(a->cmd);
	}
	return (x);
}

/* Picks the one session to play from what the operand matched. */
static size_t
pick_session(struct sr_args *a, struct sr_catalog *cat, const size_t *idx,
    size_t n, char *notice, size_t nlen)
{
	struct sr_buf b;
	size_t i;

	if (n == 1)
		return (idx[0]);
	/*
	 * A path that holds several sessions (a tlog file with two
	 * recordings, a directory): play the first, and say how to name
	 * another, rather than refuse what is a plain request.
	 */
	sr_buf_init(&b, 4096);
	for (i = 0; i < n && i < 10; i++) {
		const char *id = sr_catalog_entry(cat, idx[i])
				     ->session->field[SR_F_SESSION_ID];

		(void)sr_buf_printf(&b, "%s%s", i > 0 ? ", " : "",
		    id != NULL ? id : "(no id)");
	}
	if (n > 10)
		(void)sr_buf_printf(&b, ", ...");
	if (!a->quiet)
		sr_warnx("'%s' holds %zu sessions, playing the first; "
			 "to play another: sessrec play --source '%s' ID, "
			 "with ID one of: %s",
		    a->argv[0], n, a->argv[0], b.data);
	sr_buf_release(&b);
	(void)snprintf(notice, nlen, "playing the first of %zu sessions", n);
	return (idx[0]);
}

static int
cmd_play_exec(struct sr_args *a)
{
	struct ui_play_opts o;
	struct sr_catalog *cat;
	const struct sr_session *s;
	struct sr_reader *r;
	struct dump_src d;
	const char *v;
	char notice[128] = "";
	size_t n, *idx, entry;
	int rc = SR_EXIT_OK;
	static char obuf[1 << 16];

	memset(&o, 0, sizeof(o));
	o.speed = parse_speed(a);
	o.max_idle_ns = 2 * SR_NSEC_PER_SEC;
	if ((v = sr_args_get(a, OPT_MAX_IDLE)) != NULL &&
	    sr_time_parse_duration(v, &o.max_idle_ns) != 0) {
		sr_warnx("bad idle limit '%s': want seconds", v);
		sr_usage(a->cmd);
	}
	if ((v = sr_args_get(a, OPT_AT)) != NULL) {
		if (sr_time_parse_offset(v, &o.at_ns) != 0) {
			sr_warnx("bad time '%s': want SECONDS, MM:SS or "
				 "HH:MM:SS[.mmm]",
			    v);
			sr_usage(a->cmd);
		}
		o.have_at = 1;
	}
	o.paused = sr_args_has(a, OPT_PAUSED);
	o.follow = sr_args_has(a, OPT_FOLLOW);
	o.cache_dir = sr_args_get(a, OPT_CACHE_DIR);
	o.no_cache = sr_args_has(a, OPT_NO_CACHE);
	if (o.no_cache && o.cache_dir != NULL) {
		sr_warnx("--cache-dir and --no-cache exclude each other");
		sr_usage(a->cmd);
	}
	o.dump = sr_args_has(a, OPT_DUMP) || !isatty(STDOUT_FILENO);
	if (o.dump && o.follow && o.have_at) {
		sr_warnx("--at and --follow exclude each other when dumping");
		sr_usage(a->cmd);
	}
	if (o.dump)
		setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	cat = sr_args_catalog(a);
	if ((idx = sr_args_resolve(a, cat, a->argv[0], &n, &rc)) == NULL) {
		sr_catalog_free(cat);
		return (rc);
	}
	entry = pick_session(a, cat, idx, n, notice, sizeof(notice));
	if (notice[0] != '\0')
		o.notice = notice;
	free(idx);

	if (!o.dump) {
		o.quiet = a->quiet;
		rc = ui_play_run(a->ctx, cat, entry, &o);
		sr_catalog_free(cat);
		return (rc);
	}

	if ((rc = sr_args_open_entry(cat, entry, &r, &s)) != SR_EXIT_OK) {
		sr_catalog_free(cat);
		return (rc);
	}
	if (o.follow) {
		d.a = a;
		d.cat = cat;
		d.entry = entry;
		d.warned_member[0] = '\0';
		d.warned_line = d.warned_offset = -1;
		rc = dump_follow(&d, r, s);
	} else
		rc = dump_once(r, s, o.have_at, o.at_ns);
	sr_reader_close(r);
	sr_catalog_free(cat);
	return (rc);
}

static const struct option play_longopts[] = {
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "at", required_argument, NULL, OPT_AT },
	{ "max-idle", required_argument, NULL, OPT_MAX_IDLE },
	{ "paused", no_argument, NULL, OPT_PAUSED },
	{ "dump", no_argument, NULL, OPT_DUMP },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	SR_SOURCE_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_play = {
	.name = "play",
	.summary = "replay a session with its timing",
	.usage = "sessrec play [-q] [--at TIME] [--speed X] "
		 "[--max-idle SECONDS] [--paused] [--dump] [--follow] "
		 "[--cache-dir DIR | --no-cache] [--source PATH] "
		 "[--config FILE] [--limit NAME=VALUE] ID|PATH",
	.help =
	    "  --at TIME           start at TIME into the session (SECONDS,\n"
	    "                      MM:SS or HH:MM:SS.mmm); with --dump, the\n"
	    "                      moment whose screen is printed (default:\n"
	    "                      the end)\n"
	    "  --speed X           playback speed, 0.25 to 16 (default 1)\n"
	    "  --max-idle SECONDS  cut pauses longer than this (default 2;\n"
	    "                      0 keeps the recorded idle time)\n"
	    "  --paused            start paused\n"
	    "  --dump              print the screen as text instead of\n"
	    "                      playing (the default when stdout is not a\n"
	    "                      terminal)\n"
	    "  --follow            follow a recording still being written;\n"
	    "                      with --dump, print the screen each time\n"
	    "                      output arrives, after a line\n"
	    "                      \"--- HH:MM:SS.mmm ---\", until the "
	    "session\n"
	    "                      ends or SIGINT\n"
	    "  --cache-dir DIR     keep seek indexes in DIR (default\n"
	    "                      $SESSREC_CACHE_DIR, "
	    "$XDG_CACHE_HOME/sessrec\n"
	    "                      or ~/.cache/sessrec)\n"
	    "  --no-cache          build the index in a temporary file and\n"
	    "                      keep nothing\n" SR_SOURCE_HELP "\n"
	    "When PATH holds several sessions the first is played, with a\n"
	    "warning listing their ids: play another with\n"
	    "'sessrec play --source PATH ID'.\n"
	    "\n"
	    "keys:\n"
	    "  space        pause or resume\n"
	    "  + -          speed up or down (1/4x to 16x)\n"
	    "  left right   back or forward 5 seconds\n"
	    "  PgUp PgDn    back or forward 1 minute\n"
	    "  Home End     start or end of the session\n"
	    "  g            go to a time (prompt)\n"
	    "  .            step one event (when paused)\n"
	    "  n N          next or previous command or marker\n"
	    "  /            search the output text (empty: search again)\n"
	    "  h j k l      pan a cropped recording (also shift+arrows)\n"
	    "  b            status bars: auto, always, never (in turn);\n"
	    "               auto: below the recording when there is room,\n"
	    "               else over its bottom rows while paused and for\n"
	    "               3 s after a key or a change of state\n"
	    "  ?            help\n"
	    "  q            quit\n",
	.optstring = "qh",
	.longopts = play_longopts,
	.min_args = 1,
	.max_args = 1,
	.flags = SR_CMD_READS,
	.exec = cmd_play_exec,
};
