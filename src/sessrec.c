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
 * main(): global options, the command table, option parsing and argument
 * checks.  Each command's handler only sees a parsed struct sr_args.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

/* Alphabetical. */
static const struct sr_cmd *const commands[] = {
	&sr_cmd_archive,
	&sr_cmd_cat,
	&sr_cmd_export,
	&sr_cmd_grep,
	&sr_cmd_index,
	&sr_cmd_info,
	&sr_cmd_keygen,
	&sr_cmd_ls,
	&sr_cmd_play,
	&sr_cmd_record,
	&sr_cmd_verify,
};

static const struct sr_cmd *
find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return (commands[i]);
	return (NULL);
}

static void
main_usage(FILE *f)
{
	size_t i;

	fputs("usage: sessrec [-hV] command [options] [args]\n\ncommands:\n",
	    f);
	for (i = 0; i < nitems(commands); i++)
		if (!(commands[i]->flags & SR_CMD_HIDDEN))
			fprintf(f, "  %-8s  %s\n", commands[i]->name,
			    commands[i]->summary);
	fputs("\nRun 'sessrec COMMAND -h' for a command's options.\n", f);
}

void
sr_usage(const struct sr_cmd *c)
{
	fprintf(stderr, "usage: %s\n", c->usage);
	exit(SR_EXIT_USAGE);
}

static void
cmd_help(const struct sr_cmd *c)
{
	printf("usage: %s\n\n%s.\n\noptions:\n%s", c->usage, c->summary,
	    c->help);
}

/* For completions/gen.sh: one command a line, "name<TAB>summary". */
static void
list_commands(void)
{
	size_t i;

	for (i = 0; i < nitems(commands); i++)
		if (!(commands[i]->flags & SR_CMD_HIDDEN))
			printf("%s\t%s\n", commands[i]->name,
			    commands[i]->summary);
}

/* "--name" or "--name=" (takes an argument), then short options. */
static int
list_options(const char *name)
{
	const struct sr_cmd *c = find_cmd(name);
	const struct option *o;
	const char *p;

	if (c == NULL) {
		sr_warnx("unknown command '%s'", name);
		return (SR_EXIT_USAGE);
	}
	for (o = c->longopts; o != NULL && o->name != NULL; o++)
		printf("--%s%s\n", o->name,
		    o->has_arg == required_argument ? "=" : "");
	for (p = c->optstring; *p != '\0'; p++) {
		if (*p == ':' || *p == '+')
			continue;
		printf("-%c%s\n", *p, p[1] == ':' ? "=" : "");
	}
	return (SR_EXIT_OK);
}

static int
run(const struct sr_cmd *c, int argc, char **argv)
{
	struct sr_args a;
	char optstring[64];
	int ch, rc;

	memset(&a, 0, sizeof(a));
	a.cmd = c;
	sr_out_set_cmd(c->name);
	/*
	 * A leading ':' tells a missing argument from an unknown option; a
	 * command whose optstring starts with '+' (record) stops at its
	 * first operand, so the options of the command it runs stay its own.
	 */
	if (c->optstring[0] == '+')
		(void)snprintf(optstring, sizeof(optstring), "+:%s",
		    c->optstring + 1);
	else
		(void)snprintf(optstring, sizeof(optstring), ":%s",
		    c->optstring);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, c->longopts, NULL)) !=
	    -1) {
		if (ch == 'h') {
			cmd_help(c);
			sr_out_flush();
			return (SR_EXIT_OK);
		}
		if (ch == ':') {
			if (optopt != 0 && optopt < 256)
				sr_warnx("option '-%c' needs an argument",
				    optopt);
			else
				sr_warnx("option '%s' needs an argument",
				    argv[optind - 1]);
			sr_usage(c);
		}
		if (ch == '?') {
			if (optopt != 0 && optopt < 256)
				sr_warnx("bad option '-%c'", optopt);
			else
				sr_warnx("bad option '%s'", argv[optind - 1]);
			sr_usage(c);
		}
		if (ch == 'q') {
			a.quiet = 1;
			continue;
		}
		if (a.nopts == nitems(a.opts))
			sr_errx(SR_EXIT_USAGE, "too many options");
		a.opts[a.nopts].id = ch;
		a.opts[a.nopts].arg = optarg;
		a.nopts++;
	}
	a.argc = argc - optind;
	a.argv = argv + optind;
	if (a.argc < c->min_args) {
		sr_warnx("missing argument");
		sr_usage(c);
	}
	if (c->max_args >= 0 && a.argc > c->max_args) {
		sr_warnx("too many arguments");
		sr_usage(c);
	}
	if ((a.ctx = sr_ctx_new()) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	sr_ctx_set_diag(a.ctx, sr_out_diag, &a.quiet);
	rc = c->exec(&a);
	sr_ctx_free(a.ctx);
	sr_out_flush();
	return (rc);
}

int
main(int argc, char **argv)
{
	const struct sr_cmd *c;
	int i;

	/* Broken pipes show up as EPIPE on write and end quietly. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			main_usage(stdout);
			return (SR_EXIT_OK);
		}
		if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("sessrec %s\n", PACKAGE_VERSION);
			return (SR_EXIT_OK);
		}
		if (strcmp(argv[i], "--list-commands") == 0) {
			list_commands();
			return (SR_EXIT_OK);
		}
		if (strcmp(argv[i], "--list-options") == 0 && i + 1 < argc)
			return (list_options(argv[i + 1]));
		if (strcmp(argv[i], "--list-formats") == 0) {
			const struct sr_format *f;
			size_t k;

			for (k = 0; (f = sr_format_at(k)) != NULL; k++)
				printf("%s\t%s\n", sr_format_name(f),
				    sr_format_description(f));
			return (SR_EXIT_OK);
		}
		sr_warnx("bad option '%s'", argv[i]);
		main_usage(stderr);
		return (SR_EXIT_USAGE);
	}
	if (i >= argc) {
		main_usage(stderr);
		return (SR_EXIT_USAGE);
	}
	if ((c = find_cmd(argv[i])) == NULL) {
		sr_warnx("unknown command '%s'", argv[i]);
		main_usage(stderr);
		return (SR_EXIT_USAGE);
	}
	return (run(c, argc - i, argv + i));
}
