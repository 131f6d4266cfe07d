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
 * sessrec record: a user records what they run.  The options go over
 * the configuration; the session itself (metadata, file, relay) is
 * src/recsess.c, shared with the privileged recorder sessrec-rec.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"
#include "recsess.h"

#define SYS_CONFIG SR_CONFDIR "/sessrec.conf"

/* Long-only options of this command, above cmd.h's range. */
enum {
	OPT_ON_ERROR = 1024,
	OPT_MASK,
	OPT_PROMPT_REGEX,
	OPT_CHUNK,
	OPT_CHECKPOINT,
	OPT_SHIP,
	OPT_SHIP_SOCKET,
	OPT_WRITER,
};

/* The command line, over the configuration. */
static void
settings_options(struct sr_args *a, struct rec_settings *s)
{
	const char *v;
	size_t i;

	for (i = 0; i < a->nopts; i++) {
		v = a->opts[i].arg;
		switch (a->opts[i].id) {
		case 'i':
			s->input = 1;
			break;
		case 'o':
			if (*v == '\0') {
				sr_warnx("empty --output");
				sr_usage(a->cmd);
			}
			s->output = v;
			s->output_dir = 0;
			break;
		case 'k':
			s->key = v;
			s->key_named = 1;
			break;
		case OPT_ON_ERROR:
			if (rec_parse_on_error(v, &s->on_error_continue) != 0) {
				sr_warnx("bad --on-error '%s' (terminate or "
					 "continue)",
				    v);
				sr_usage(a->cmd);
			}
			break;
		case OPT_MASK:
			if (rec_parse_mask(v, s) != 0) {
				sr_warnx("bad --mask '%s' (echo-off, "
					 "echo-off+prompt or off)",
				    v);
				sr_usage(a->cmd);
			}
			break;
		case OPT_PROMPT_REGEX:
			s->prompt = v;
			s->prompt_cli = 1;
			break;
		case OPT_SHIP:
			if (rec_parse_ship(v, &s->ship) != 0) {
				sr_warnx("bad --ship '%s' (syslog, journal, "
					 "both comma-separated, or off)",
				    v);
				sr_usage(a->cmd);
			}
			break;
		case OPT_SHIP_SOCKET:
			s->ship_socket = v;
			break;
		case OPT_WRITER:
			if (rec_parse_writers(v, &s->writers) != 0) {
				sr_warnx("bad --writer '%s' (native, journal "
					 "or both comma-separated)",
				    v);
				sr_usage(a->cmd);
			}
			break;
		case OPT_CHUNK:
		case OPT_CHECKPOINT:
			if (rec_parse_interval(v,
				a->opts[i].id == OPT_CHUNK
				    ? &s->chunk_ns
				    : &s->checkpoint_ns) != 0) {
				sr_warnx("bad interval '%s' (seconds, more "
					 "than 0)",
				    v);
				sr_usage(a->cmd);
			}
			break;
		}
	}
}

static int
cmd_record_exec(struct sr_args *a)
{
	struct sr_config *sysc, *userc = NULL;
	const char *cpath = SYS_CONFIG, *v, *ticket;
	struct rec_settings s;
	struct rec_who who;
	struct rec_job j;
	char *login_argv[2], login0[PATH_MAX + 2];
	int code;

	sr_pty_fix_stdio();
	openlog("sessrec", LOG_PID, LOG_AUTHPRIV);
	/*
	 * Installed set-id, this command would run the command with our
	 * privileges: the privileged recorder is sessrec-rec.
	 */
	if (rec_secure_mode())
		sr_errx(REC_EXIT,
		    "refusing to run set-id: install sessrec-rec set-id "
		    "for recorded logins (sessrec-rec(8))");

	rec_who_init(&who, getuid());
	/*
	 * The system configuration always counts for the ticket policy, so
	 * that --config cannot bypass it.
	 */
	sysc = rec_load_config(SYS_CONFIG, 0, a->quiet);
	if ((v = sr_args_get(a, OPT_CONFIG)) != NULL) {
		cpath = v;
		userc = rec_load_config(v, SR_DEFAULTS_TRUST_USER, a->quiet);
	}
	rec_settings_defaults(&s);
	rec_settings_config(&s, userc != NULL ? userc : sysc, cpath, &who);
	settings_options(a, &s);

	ticket = sr_args_get(a, OPT_TICKET);
	if (ticket == NULL)
		ticket = getenv("SESSREC_TICKET");
	if (ticket != NULL && *ticket == '\0')
		ticket = NULL;
	rec_ticket_policy(sysc, SYS_CONFIG, ticket, &who);
	rec_ticket_policy(userc, cpath, ticket, &who);

	memset(&j, 0, sizeof(j));
	j.ctx = a->ctx;
	j.s = &s;
	j.cfg = userc != NULL ? userc : sysc;
	j.cpath = cpath;
	j.who = &who;
	j.quiet = a->quiet;
	j.ticket = ticket;
	j.actor = sr_args_get(a, OPT_ACTOR);
	j.target = sr_args_get(a, OPT_TARGET);
	/* What runs: the command, or the login shell. */
	if (a->argc > 0) {
		j.file = a->argv[0];
		j.argv = a->argv;
	} else {
		j.file = who.shell;
		v = strrchr(who.shell, '/');
		(void)snprintf(login0, sizeof(login0), "-%s",
		    v != NULL ? v + 1 : who.shell);
		login_argv[0] = login0;
		login_argv[1] = NULL;
		j.argv = login_argv;
	}
	code = rec_run(&j);

	sr_config_free(sysc);
	sr_config_free(userc);
	rec_who_free(&who);
	closelog();
	return (code);
}

static const struct option record_longopts[] = {
	{ "input", no_argument, NULL, 'i' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "output", required_argument, NULL, 'o' },
	{ "key", required_argument, NULL, 'k' },
	{ "actor", required_argument, NULL, OPT_ACTOR },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "ticket", required_argument, NULL, OPT_TICKET },
	{ "on-error", required_argument, NULL, OPT_ON_ERROR },
	{ "mask", required_argument, NULL, OPT_MASK },
	{ "prompt-regex", required_argument, NULL, OPT_PROMPT_REGEX },
	{ "chunk-interval", required_argument, NULL, OPT_CHUNK },
	{ "checkpoint-interval", required_argument, NULL, OPT_CHECKPOINT },
	{ "ship", required_argument, NULL, OPT_SHIP },
	{ "ship-socket", required_argument, NULL, OPT_SHIP_SOCKET },
	{ "writer", required_argument, NULL, OPT_WRITER },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const struct sr_cmd sr_cmd_record = {
	.name = "record",
	.summary = "run a command or shell on a new pty and record it",
	.usage = "sessrec record [-iq] [-o FILE|DIR] [-k KEYFILE] "
		 "[--actor NAME] [--target NAME]\n"
		 "                      [--ticket TICKET] "
		 "[--on-error terminate|continue] [--mask POLICY]\n"
		 "                      [--prompt-regex RE] "
		 "[--chunk-interval SEC] [--checkpoint-interval SEC]\n"
		 "                      [--ship KINDS] [--ship-socket PATH] "
		 "[--writer WRITERS]\n"
		 "                      [--config FILE] [--] "
		 "[COMMAND [ARG ...]]",
	.help =
	    "  -i, --input         also record input (keystrokes; "
	    "passwords are masked)\n"
	    "  -o, --output FILE|DIR\n"
	    "                      write the recording to FILE, or into "
	    "DIR (default\n"
	    "                      /var/log/sessrec)\n"
	    "  -k, --key KEYFILE   sign with this host key (default\n"
	    "                      /etc/sessrec/host.key when it exists)\n"
	    "  --actor NAME        who is working (default: the login "
	    "user)\n"
	    "  --target NAME       what is worked on (default: this "
	    "host)\n"
	    "  --ticket TICKET     the change or incident ticket (default\n"
	    "                      $SESSREC_TICKET)\n"
	    "  --on-error terminate|continue\n"
	    "                      when the recording cannot be written: "
	    "end the\n"
	    "                      session (default), or go on and mark "
	    "the gap\n"
	    "  --mask echo-off|echo-off+prompt|off\n"
	    "                      which input is never stored (default\n"
	    "                      echo-off+prompt)\n"
	    "  --prompt-regex RE   password prompt pattern (extended "
	    "regex)\n"
	    "  --chunk-interval SEC\n"
	    "                      write a chunk at least this often "
	    "(default 1)\n"
	    "  --checkpoint-interval SEC\n"
	    "                      sign a checkpoint this often (default "
	    "10)\n"
	    "  --ship syslog|journal|syslog,journal|off\n"
	    "                      send SIEM events for the session's start "
	    "and end\n"
	    "                      (default syslog)\n"
	    "  --ship-socket PATH  the syslog socket (default /dev/log)\n"
	    "  --config FILE       configuration file (default\n"
	    "                      /etc/sessrec/sessrec.conf)\n"
	    "  -q, --quiet         no notices at start and end\n"
	    "  -h, --help          show this help\n",
	.optstring = "+hik:o:q",
	.longopts = record_longopts,
	.min_args = 0,
	.max_args = -1,
	.flags = 0,
	.exec = cmd_record_exec,
};
