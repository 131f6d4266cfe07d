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
 * The subcommand table.
 *
 * Adding a subcommand:
 * 1. src/cmd-<name>.c exporting sr_cmd_<name>; options, usage and flags
 *    as data; logic in lib/.
 * 2. The entry in src/sessrec.c (alphabetical), an extern below, the file
 *    in Makefile.am.
 * 3. doc/sessrec-<name>.1 (SYNOPSIS equal to -h, EXIT STATUS in full) and
 *    a line in sessrec.1.
 * 4. tests/cli/tNNNN-<name>-*.sh: golden output for each exit status, bad
 *    input, --json.
 * 5. tests/ui/, tests/integ/ and bench/<name> where they apply.
 * 6. Regenerated completions (make completions) and a NEWS line.
 */
#ifndef SR_CMD_H
#define SR_CMD_H

#include <getopt.h>
#include <signal.h>

#include "sessrec.h"

/* Exit statuses, fixed once released; see sessrec(1). */
enum sr_exit {
	SR_EXIT_OK = 0,		/* success */
	SR_EXIT_NEGATIVE = 1,	/* a negative answer */
	SR_EXIT_USAGE = 2,	/* usage error */
	SR_EXIT_UNREADABLE = 3, /* an input could not be read */
	SR_EXIT_NOSESSION = 4,	/* no session matches, or ambiguous */
	SR_EXIT_INTERNAL = 5,	/* out of memory, write error */
};

enum sr_cmd_flags {
	SR_CMD_READS = 1 << 0,	/* reads recordings: source options */
	SR_CMD_HIDDEN = 1 << 1, /* not listed */
};

/* Option ids above the char range for long-only options. */
enum {
	OPT_SOURCE = 256,
	OPT_LIMIT,
	OPT_JSON,
	OPT_ACTOR,
	OPT_TARGET,
	OPT_HOST,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_TICKET,
	OPT_FORMAT,
	OPT_TIMESTAMPS,
	OPT_CONFIG,
	OPT_INPUT,
};

/* Options every reading command takes, for a command's longopts. */
/* clang-format off */
#define SR_SOURCE_LONGOPTS						\
	{ "source", required_argument, NULL, OPT_SOURCE },		\
	{ "limit", required_argument, NULL, OPT_LIMIT },		\
	{ "config", required_argument, NULL, OPT_CONFIG },		\
	{ "quiet", no_argument, NULL, 'q' },				\
	{ "help", no_argument, NULL, 'h' }
/* clang-format on */
#define SR_SOURCE_HELP                                                         \
	"  --source PATH       read sessions from PATH (file, directory,\n"    \
	"                      archive, or \"journal\"; repeatable) instead\n" \
	"                      of the configured sources\n"                    \
	"  --config FILE       configuration file (default\n"                  \
	"                      /etc/sessrec/sessrec.conf)\n"                   \
	"  --limit NAME=VALUE  raise or lower a reader limit (event, line,\n"  \
	"                      meta, members, spool, decoded, sessions)\n"     \
	"  -q, --quiet         do not print warnings about odd input\n"        \
	"  -h, --help          show this help\n"

struct sr_opt {
	int id;
	const char *arg; /* borrowed from argv */
};

#define SR_ARGS_MAXOPTS 128

/* What the dispatcher hands to a command. */
struct sr_args {
	const struct sr_cmd *cmd;
	int argc; /* operands after the options */
	char **argv;
	struct sr_opt opts[SR_ARGS_MAXOPTS];
	size_t nopts;
	struct sr_ctx *ctx;
	int quiet;
};

struct sr_cmd {
	const char *name;
	const char *summary;
	const char *usage; /* shaped like the manual's SYNOPSIS */
	const char *help;  /* option lines */
	const char *optstring;
	const struct option *longopts;
	int min_args;
	int max_args; /* -1: no maximum */
	unsigned flags;
	int (*exec)(struct sr_args *);
};

/*
 * Fills f from the metadata filter options (--actor, --target, --host,
 * --ticket, --format, --since, --until); exits with a usage error on a
 * bad time or format.
 */
void sr_args_filter(struct sr_args *, struct sr_meta_filter *);
/* The last value of option id, or NULL. */
const char *sr_args_get(const struct sr_args *, int id);
int sr_args_has(const struct sr_args *, int id);

/*
 * Builds the catalog of a reading command: --source options, else the
 * configured sources.  Exits with SR_EXIT_USAGE on a bad --limit.
 */
struct sr_catalog *sr_args_catalog(struct sr_args *);
/*
 * Resolves one operand to sessions; *n is set and the result owned by the
 * caller.  When there is none, prints why, raises *rc to the exit status
 * that applies (3 unreadable, 4 no such session) and returns NULL.
 */
size_t *sr_args_resolve(struct sr_args *, struct sr_catalog *, const char *what,
    size_t *n, int *rc);
/*
 * Called for each session the operands name, with a reader positioned on
 * its events (closed by the caller).  nth counts sessions from 0; several
 * is set when more than one session is shown.  Returns an exit status.
 */
typedef int (*sr_session_fn)(void *arg, struct sr_reader *,
    const struct sr_session *, size_t nth, int several);
/*
 * Opens catalog entry entry (sr_catalog_open_entry()).  Returns
 * SR_EXIT_OK, else says why and returns the exit status: 5 out of
 * memory, 3 unreadable.
 */
int sr_args_open_entry(struct sr_catalog *, size_t entry, struct sr_reader **,
    const struct sr_session **);
/*
 * Resolves every operand, opens each matching session and calls fn;
 * returns the highest exit status (3 for a session that cannot be
 * opened, 4 for an operand that names none).
 */
int sr_args_each(struct sr_args *, struct sr_catalog *, sr_session_fn,
    void *arg);
/*
 * Ends an event loop: when st is not SR_EOF, prints the reader's error
 * and returns SR_EXIT_UNREADABLE, else SR_EXIT_OK.
 */
int sr_args_events_end(struct sr_reader *, int st);
/* Prints the usage line to stderr and exits 2. */
void sr_usage(const struct sr_cmd *) __attribute__((noreturn));

/* The system configuration (./configure --with-confdir). */
#define SR_CONFIG_PATH SR_CONFDIR "/sessrec.conf"

/*
 * --config FILE, else the system configuration.  *flags gets
 * SR_DEFAULTS_TRUST_USER for a file named on the command line (the
 * user's own file counts for the user's own settings).
 */
const char *sr_args_config(const struct sr_args *, unsigned *flags);
/*
 * Whether this user may turn redaction off (SECURITY.md R1): root, or a
 * member of the group the configuration's redact_exempt_group names.
 * Only a root-owned configuration counts, even when --config names
 * another: nobody can exempt himself.
 */
int sr_args_may_unredact(const struct sr_args *);
/*
 * Redaction rule files: the configuration's redact_rules (colon-
 * separated, in file order), then each option opt.  *rules is a new
 * array of new strings (sr_args_free_rules()); exits on no memory.
 */
void sr_args_redact_rules(const struct sr_args *, int opt, char ***rules,
    size_t *n);
/*
 * Whether to redact: redact (the command's default), off with option
 * no_redact_opt for one who may (else exits 2).  When redacting, *rules
 * and *n get the rule files as sr_args_redact_rules() reads them with
 * option rules_opt; else none.
 */
int sr_args_redaction(const struct sr_args *, int no_redact_opt, int rules_opt,
    int redact, char ***rules, size_t *n);
/*
 * A redactor with the built-in rules and the rule files.  SR_OK;
 * SR_FATAL (cannot set up) or SR_FAILED (a bad rule file) with err.
 */
int sr_args_redactor(struct sr_ctx *, char *const *rules, size_t n,
    struct sr_redact **, struct sr_error *err);
void sr_args_free_rules(char **, size_t);
/* Where verify and archive look for trusted keys by default. */
#define SR_TRUSTED_DIR "/etc/sessrec/trusted.d"
/* Adds a public key, or every *.pub of a directory; exits 3 on failure. */
void sr_args_trust_add(struct sr_trust *, const char *path);
/*
 * Whether the user named the sources (--source, or SESSREC_SOURCES when
 * no --config beats it), so that a missing one is worth a message, as
 * sr_catalog_add_defaults() decides.
 */
int sr_args_named_sources(const struct sr_args *);
/* Allocation that exits with SR_EXIT_INTERNAL when memory runs out. */
void *sr_xcalloc(size_t n, size_t size);
void *sr_xreallocarray(void *p, size_t n, size_t size);
char *sr_xstrdup(const char *);
/*
 * --follow (play --dump, export).  How often the files are looked at.
 */
#define SR_FOLLOW_POLL_NS (250 * SR_NSEC_PER_MSEC)
/*
 * Waits until the files of entry no longer have fingerprint *fp
 * (sr_catalog_fingerprint()) and sets *fp to the new one: 0.  -1 as soon
 * as *stop is set.
 */
int sr_follow_wait(const struct sr_catalog *, size_t entry, uint64_t *fp,
    const volatile sig_atomic_t *stop);
/*
 * Opens a fresh input and reader on entry (sr_open_session()): the
 * catalog's input knows the sizes the files had when it was scanned, and
 * a growing recording must be read again from the start to see what was
 * added.
 */
int sr_follow_reopen(struct sr_ctx *, const struct sr_catalog *, size_t entry,
    struct sr_input **, struct sr_reader **, const struct sr_session **,
    struct sr_error *);

extern const struct sr_cmd sr_cmd_archive;
extern const struct sr_cmd sr_cmd_cat;
extern const struct sr_cmd sr_cmd_export;
extern const struct sr_cmd sr_cmd_grep;
extern const struct sr_cmd sr_cmd_index;
extern const struct sr_cmd sr_cmd_info;
extern const struct sr_cmd sr_cmd_keygen;
extern const struct sr_cmd sr_cmd_ls;
extern const struct sr_cmd sr_cmd_play;
extern const struct sr_cmd sr_cmd_record;
extern const struct sr_cmd sr_cmd_verify;

#endif /* SR_CMD_H */
