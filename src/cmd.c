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
 * Argument helpers shared by the commands: option lookup, the catalog of
 * sources a reading command works on, and id resolution.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"

const char *
sr_args_get(const struct sr_args *a, int id)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < a->nopts; i++)
		if (a->opts[i].id == id)
			v = a->opts[i].arg != NULL ? a->opts[i].arg : "";
	return (v);
}

int
sr_args_has(const struct sr_args *a, int id)
{
	return (sr_args_get(a, id) != NULL);
}

struct sr_catalog *
sr_args_catalog(struct sr_args *a)
{
	struct sr_catalog *cat;
	struct sr_error err;
	const char *config = SR_CONFIG_PATH;
	unsigned flags = SR_DEFAULTS_ENV;
	size_t i;
	int have_source = 0;

	sr_error_clear(&err);
	for (i = 0; i < a->nopts; i++) {
		if (a->opts[i].id == OPT_LIMIT &&
		    sr_ctx_parse_limit(a->ctx, a->opts[i].arg, &err) != SR_OK) {
			sr_warnx("%s", err.msg);
			sr_usage(a->cmd);
		}
		if (a->opts[i].id == OPT_CONFIG) {
			/* Named on the command line: it beats the environment. */
			config = a->opts[i].arg;
			flags = SR_DEFAULTS_TRUST_USER;
		}
	}
	if ((cat = sr_catalog_new(a->ctx)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	for (i = 0; i < a->nopts; i++) {
		if (a->opts[i].id != OPT_SOURCE)
			continue;
		have_source = 1;
		if (sr_catalog_add_source(cat, a->opts[i].arg) != SR_OK)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
	}
	if (!have_source &&
	    sr_catalog_add_defaults(cat, config, flags, &err) < SR_WARN)
		sr_errx(SR_EXIT_INTERNAL, "cannot set up sources: %s", err.msg);
	return (cat);
}

size_t *
sr_args_resolve(struct sr_args *a, struct sr_catalog *cat, const char *what,
    size_t *n, int *rc)
{
	struct sr_error err;
	size_t *idx, before = sr_catalog_failures(cat);
	int st;

	(void)a;
	sr_error_clear(&err);
	st = sr_catalog_resolve(cat, what, &idx, n, &err);
	if (st == SR_FATAL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	if (st == SR_OK)
		return (idx);
	/*
	 * A path that held nothing readable was already reported by the
	 * scan: one message, and "could not read" is the status.
	 */
	if (sr_catalog_failures(cat) > before && err.cat == SR_E_FORMAT &&
	    err.path[0] != '\0') {
		if (*rc < SR_EXIT_UNREADABLE)
			*rc = SR_EXIT_UNREADABLE;
		return (NULL);
	}
	sr_warn_error("", &err);
	if (*rc < SR_EXIT_NOSESSION)
		*rc = SR_EXIT_NOSESSION;
	return (NULL);
}

int
sr_args_open_entry(struct sr_catalog *cat, size_t entry, struct sr_reader **rp,
    const struct sr_session **sp)
{
	struct sr_error err;
	int st;

	sr_error_clear(&err);
	if ((st = sr_catalog_open_entry(cat, entry, rp, sp, &err)) == SR_OK)
		return (SR_EXIT_OK);
	sr_warn_error("cannot read", &err);
	return (st == SR_FATAL && err.cat == SR_E_NOMEM ? SR_EXIT_INTERNAL
							: SR_EXIT_UNREADABLE);
}

int
sr_args_each(struct sr_args *a, struct sr_catalog *cat, sr_session_fn fn,
    void *arg)
{
	const struct sr_session *s;
	struct sr_reader *r;
	size_t i, j, n, *idx, nth = 0;
	int rc = SR_EXIT_OK, st;

	for (i = 0; i < (size_t)a->argc; i++) {
		if ((idx = sr_args_resolve(a, cat, a->argv[i], &n, &rc)) ==
		    NULL)
			continue;
		for (j = 0; j < n; j++) {
			st = sr_args_open_entry(cat, idx[j], &r, &s);
			if (st == SR_EXIT_OK) {
				st = fn(arg, r, s, nth++, a->argc > 1 || n > 1);
				sr_reader_close(r);
			}
			if (st > rc)
				rc = st;
		}
		free(idx);
	}
	return (rc);
}

int
sr_args_events_end(struct sr_reader *r, int st)
{
	if (st == SR_EOF)
		return (SR_EXIT_OK);
	sr_warn_error("cannot read", sr_reader_error(r));
	return (SR_EXIT_UNREADABLE);
}

/*
 * The metadata filter options of ls and grep (--actor, --target, --host,
 * --ticket, --format, --since, --until).  Exits with a usage error on a
 * bad time or format.
 */
void
sr_args_filter(struct sr_args *a, struct sr_meta_filter *f)
{
	const char *v;
	int64_t now = sr_time_now();

	memset(f, 0, sizeof(*f));
	f->field[SR_F_ACTOR] = sr_args_get(a, OPT_ACTOR);
	f->field[SR_F_TARGET] = sr_args_get(a, OPT_TARGET);
	f->field[SR_F_HOST] = sr_args_get(a, OPT_HOST);
	f->field[SR_F_TICKET] = sr_args_get(a, OPT_TICKET);
	f->format = sr_args_get(a, OPT_FORMAT);
	if (f->format != NULL && sr_format_find(f->format) == NULL) {
		sr_warnx("unknown format '%s'", f->format);
		sr_usage(a->cmd);
	}
	if ((v = sr_args_get(a, OPT_SINCE)) != NULL) {
		if (sr_time_parse_when(v, now, &f->since_ns) != 0) {
			sr_warnx("bad time '%s'", v);
			sr_usage(a->cmd);
		}
		f->have_since = 1;
	}
	if ((v = sr_args_get(a, OPT_UNTIL)) != NULL) {
		if (sr_time_parse_when(v, now, &f->until_ns) != 0) {
			sr_warnx("bad time '%s'", v);
			sr_usage(a->cmd);
		}
		f->have_until = 1;
	}
}

const char *
sr_args_config(const struct sr_args *a, unsigned *flags)
{
	const char *v = sr_args_get(a, OPT_CONFIG);

	*flags = v != NULL ? SR_DEFAULTS_TRUST_USER : 0;
	return (v != NULL ? v : SR_CONFIG_PATH);
}

int
sr_args_may_unredact(const struct sr_args *a)
{
	struct sr_config *cfg = NULL;
	struct sr_error err;
	const char *path, *name;
	struct group *gr;
	gid_t *groups;
	unsigned flags;
	int n, i, ok = 0;

	if (getuid() == 0)
		return (1);
	path = sr_args_config(a, &flags);
	sr_error_clear(&err);
	if (sr_config_load(path, 0, &cfg, &err) != SR_OK ||
	    (name = sr_config_get(cfg, "redact_exempt_group")) == NULL ||
	    (gr = getgrnam(name)) == NULL) {
		sr_config_free(cfg);
		return (0);
	}
	if (getgid() == gr->gr_gid || getegid() == gr->gr_gid)
		ok = 1;
	if (!ok && (n = getgroups(0, NULL)) > 0) {
		groups = sr_xcalloc((size_t)n, sizeof(*groups));
		n = getgroups(n, groups);
		for (i = 0; i < n; i++)
			if (groups[i] == gr->gr_gid)
				ok = 1;
		free(groups);
	}
	sr_config_free(cfg);
	return (ok);
}

static void
add_rule(char ***rules, size_t *n, size_t *cap, const char *path)
{
	if (*n == *cap) {
		*cap = *cap > 0 ? *cap * 2 : 8;
		*rules = sr_xreallocarray(*rules, *cap, sizeof(**rules));
	}
	(*rules)[(*n)++] = sr_xstrdup(path);
}

void
sr_args_redact_rules(const struct sr_args *a, int opt, char ***rules, size_t *n)
{
	struct sr_config *cfg = NULL;
	struct sr_error err;
	const char *path, *k, *v;
	unsigned flags;
	size_t i, cap = 0;
	int st;

	*rules = NULL;
	*n = 0;
	path = sr_args_config(a, &flags);
	sr_error_clear(&err);
	st = sr_config_load(path, flags, &cfg, &err);
	if (st == SR_WARN) {
		if (!a->quiet)
			sr_warn_error("warning:", &err);
	} else if (st != SR_OK) {
		/* Not without the rules it may hold: secrets would show. */
		sr_warn_error("cannot read", &err);
		sr_config_free(cfg);
		exit(SR_EXIT_UNREADABLE);
	}
	for (i = 0; st == SR_OK && sr_config_entry(cfg, i, &k, &v) == 0; i++) {
		char *copy, *p, *tok;

		if (strcmp(k, "redact_rules") != 0)
			continue;
		copy = sr_xstrdup(v);
		for (p = copy; (tok = strsep(&p, ":")) != NULL;)
			if (*tok != '\0')
				add_rule(rules, n, &cap, tok);
		free(copy);
	}
	sr_config_free(cfg);
	for (i = 0; i < a->nopts; i++)
		if (a->opts[i].id == opt)
			add_rule(rules, n, &cap, a->opts[i].arg);
}

int
sr_args_redaction(const struct sr_args *a, int no_redact_opt, int rules_opt,
    int redact, char ***rules, size_t *n)
{
	*rules = NULL;
	*n = 0;
	if (sr_args_has(a, no_redact_opt)) {
		if (!sr_args_may_unredact(a))
			sr_errx(SR_EXIT_USAGE,
			    "--no-redact is only for root and members of the "
			    "configured redact_exempt_group");
		redact = 0;
	}
	if (redact)
		sr_args_redact_rules(a, rules_opt, rules, n);
	return (redact);
}

int
sr_args_redactor(struct sr_ctx *ctx, char *const *rules, size_t n,
    struct sr_redact **rp, struct sr_error *err)
{
	size_t i;

	*rp = NULL;
	if (sr_redact_new(ctx, rp, err) != SR_OK)
		return (SR_FATAL);
	for (i = 0; i < n; i++)
		if (sr_redact_add_file(*rp, rules[i], err) != SR_OK) {
			sr_redact_free(*rp);
			*rp = NULL;
			return (SR_FAILED);
		}
	return (SR_OK);
}

void
sr_args_free_rules(char **rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rules[i]);
	free(rules);
}

void
sr_args_trust_add(struct sr_trust *t, const char *path)
{
	struct sr_error err;

	sr_error_clear(&err);
	if (sr_trust_add(t, path, 0, 0, &err) != SR_OK) {
		sr_warn_error("cannot use key", &err);
		exit(SR_EXIT_UNREADABLE);
	}
}

int
sr_args_named_sources(const struct sr_args *a)
{
	const char *env = getenv("SESSREC_SOURCES");

	if (sr_args_has(a, OPT_SOURCE))
		return (1);
	return (!sr_args_has(a, OPT_CONFIG) && env != NULL && *env != '\0');
}

/* Sleeps ns nanoseconds (a signal may cut it short). */
static void
sleep_ns(int64_t ns)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ns / SR_NSEC_PER_SEC);
	ts.tv_nsec = (long)(ns % SR_NSEC_PER_SEC);
	(void)nanosleep(&ts, NULL);
}

int
sr_follow_wait(const struct sr_catalog *cat, size_t entry, uint64_t *fp,
    const volatile sig_atomic_t *stop)
{
	while (!*stop && sr_catalog_fingerprint(cat, entry) == *fp)
		sleep_ns(SR_FOLLOW_POLL_NS);
	if (*stop)
		return (-1);
	*fp = sr_catalog_fingerprint(cat, entry);
	return (0);
}

int
sr_follow_reopen(struct sr_ctx *ctx, const struct sr_catalog *cat, size_t entry,
    struct sr_input **inp, struct sr_reader **rp, const struct sr_session **sp,
    struct sr_error *err)
{
	const struct sr_entry *e = sr_catalog_entry(cat, entry);

	return (sr_open_session(ctx, sr_catalog_source(cat, e->source),
	    e->member, e->fmt, e->index, inp, rp, sp, err));
}

void *
sr_xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	return (p);
}

void *
sr_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	if ((p = realloc(p, n * size != 0 ? n * size : 1)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	return (p);
}

char *
sr_xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	return (p);
}
