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
 * The recording session of "sessrec record" and sessrec-rec: see
 * recsess.h.  Moved out of cmd-record.c so that the privileged recorder
 * shares every line of it without linking the rest of sessrec.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifdef __linux__
#include <sys/auxv.h>
#include <sys/fsuid.h>
#endif
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "cmd.h"
#include "out.h"
#include "export.h"
#include "native.h"
#include "ship.h"
#include "pty.h"
#include "recsess.h"

#define DEFAULT_KEY	SR_CONFDIR "/host.key"
#define DEFAULT_OUTPUT	"/var/log/sessrec"
#define DEFAULT_NOTICE	"This session is recorded (session %s)."
#define DEFAULT_SFTP	"/usr/lib/openssh/sftp-server"
#define DEFAULT_LOCKDIR "/run/sessrec"
#define TERM_MAX	64
#define TICKET_MAX	256
#define ARG_MAX_SHOWN	1024  /* bytes of one argument kept */
#define ARGV_BYTES_MAX	16384 /* bytes of argv kept in the metadata */
#define INTERVAL_MAX_NS (86400 * SR_NSEC_PER_SEC)

static const struct {
	const char *name;
	enum sr_mask_policy policy;
} mask_names[] = {
	{ "echo-off", SR_MASK_ECHO_OFF },
	{ "echo-off+prompt", SR_MASK_ECHO_OFF_PROMPT },
	{ "off", SR_MASK_OFF },
};

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < nitems(yes); i++)
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return (0);
		}
	for (i = 0; i < nitems(no); i++)
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return (0);
		}
	return (-1);
}

int
rec_parse_on_error(const char *v, int *cont)
{
	if (strcmp(v, "terminate") == 0)
		*cont = 0;
	else if (strcmp(v, "continue") == 0)
		*cont = 1;
	else
		return (-1);
	return (0);
}

int
rec_parse_mask(const char *v, struct rec_settings *s)
{
	size_t i;

	for (i = 0; i < nitems(mask_names); i++)
		if (strcmp(v, mask_names[i].name) == 0) {
			s->mask = mask_names[i].policy;
			s->mask_name = mask_names[i].name;
			return (0);
		}
	return (-1);
}

int
rec_parse_interval(const char *v, int64_t *ns)
{
	if (sr_time_parse_seconds(v, strlen(v), ns) != 0 || *ns <= 0 ||
	    *ns > INTERVAL_MAX_NS)
		return (-1);
	return (0);
}

static void __attribute__((noreturn))
bad_config(const char *path, int line, const char *key, const char *v)
{
	sr_errx(REC_EXIT, "%s: line %d: bad value for %s: '%s'", path, line,
	    key, v);
}

struct sr_config *
rec_load_config(const char *path, unsigned flags, int quiet)
{
	struct sr_config *c = NULL;
	struct sr_error err;
	int st;

	sr_error_clear(&err);
	st = sr_config_load(path, flags, &c, &err);
	if (st == SR_WARN) {
		/* Not trusted: its settings, and its policy, do not count. */
		if (!quiet)
			sr_warn_error("warning:", &err);
	} else if (st != SR_OK) {
		sr_warn_error("", &err);
		sr_config_free(c);
		exit(REC_EXIT);
	}
	return (c);
}

void
rec_who_init(struct rec_who *w, uid_t uid)
{
	struct passwd *pw;
	struct group *gr;
	gid_t gids[REC_GROUPS_MAX];
	int n = REC_GROUPS_MAX, i;
	size_t need = 0, off = 0;

	memset(w, 0, sizeof(*w));
	w->uid = uid;
	w->gid = getgid();
	if ((pw = getpwuid(uid)) != NULL) {
		(void)strlcpy(w->user, pw->pw_name, sizeof(w->user));
		(void)strlcpy(w->home, pw->pw_dir != NULL ? pw->pw_dir : "/",
		    sizeof(w->home));
		(void)strlcpy(w->shell,
		    pw->pw_shell != NULL && *pw->pw_shell != '\0' ? pw->pw_shell
								  : "/bin/sh",
		    sizeof(w->shell));
		w->gid = pw->pw_gid;
	} else {
		(void)snprintf(w->user, sizeof(w->user), "%ld", (long)uid);
		(void)strlcpy(w->home, "/", sizeof(w->home));
		(void)strlcpy(w->shell, "/bin/sh", sizeof(w->shell));
		return;
	}
	/* Group sections of the configuration match on these names. */
	if (getgrouplist(w->user, w->gid, gids, &n) == -1)
		n = REC_GROUPS_MAX;
	for (i = 0; i < n; i++)
		if ((gr = getgrgid(gids[i])) != NULL)
			need += strlen(gr->gr_name) + 1;
	if (need == 0 || (w->gbuf = malloc(need)) == NULL)
		return;
	for (i = 0; i < n && w->ngroups < REC_GROUPS_MAX; i++) {
		size_t len;

		if ((gr = getgrgid(gids[i])) == NULL ||
		    (len = strlen(gr->gr_name) + 1) > need - off)
			continue;
		memcpy(w->gbuf + off, gr->gr_name, len);
		w->groups[w->ngroups++] = w->gbuf + off;
		off += len;
	}
}

void
rec_who_free(struct rec_who *w)
{
	free(w->gbuf);
	w->gbuf = NULL;
	w->ngroups = 0;
}

void
rec_settings_defaults(struct rec_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->record = 1;
	s->mask = SR_MASK_ECHO_OFF_PROMPT;
	s->mask_name = "echo-off+prompt";
	s->output = DEFAULT_OUTPUT;
	s->output_dir = 1;
	s->notice = DEFAULT_NOTICE;
	s->transfers = REC_XFER_METADATA;
	s->sftp_server = DEFAULT_SFTP;
	s->lock_dir = DEFAULT_LOCKDIR;
	s->ship = REC_SHIP_SYSLOG;
	s->writers = REC_WRITE_NATIVE;
}

/* "0", "N", or N with K, M, G, T or P (powers of 1024) into bytes. */
static int
parse_size(const char *v, uint64_t *out)
{
	static const char units[] = "KMGTP";
	unsigned long long n;
	const char *u;
	char *end;
	int shift;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (end == v || *v == '-' || errno != 0)
		return (-1);
	if (*end == '\0') {
		*out = n;
		return (0);
	}
	if ((u = strchr(units, *end)) == NULL ||
	    (end[1] != '\0' && strcmp(end + 1, "iB") != 0 &&
		strcmp(end + 1, "B") != 0))
		return (-1);
	shift = 10 * (int)(u - units + 1);
	if (n > (UINT64_MAX >> shift))
		return (-1);
	*out = (uint64_t)n << shift;
	return (0);
}

/* A comma-separated list of names from tab, as bits; -1 if empty. */
struct name_bit {
	const char *name;
	unsigned bit;
};

static int
parse_bits(const char *v, const struct name_bit *tab, size_t ntab,
    unsigned *out)
{
	const char *p = v;
	size_t n, i;

	*out = 0;
	while (*p != '\0') {
		n = strcspn(p, ", ");
		for (i = 0; i < ntab; i++)
			if (strlen(tab[i].name) == n &&
			    strncmp(p, tab[i].name, n) == 0)
				break;
		if (i == ntab)
			return (-1);
		*out |= tab[i].bit;
		p += n;
		p += strspn(p, ", ");
	}
	return (*out != 0 ? 0 : -1);
}

int
rec_parse_writers(const char *v, unsigned *out)
{
	static const struct name_bit tab[] = {
		{ "native", REC_WRITE_NATIVE },
		{ "journal", REC_WRITE_JOURNAL },
	};

	return (parse_bits(v, tab, nitems(tab), out));
}

/* "syslog", "journal", "syslog,journal" or "off". */
int
rec_parse_ship(const char *v, unsigned *out)
{
	static const struct name_bit tab[] = {
		{ "syslog", REC_SHIP_SYSLOG },
		{ "journal", REC_SHIP_JOURNAL },
	};

	if (strcmp(v, "off") == 0 || strcmp(v, "no") == 0) {
		*out = 0;
		return (0);
	}
	return (parse_bits(v, tab, nitems(tab), out));
}

static const struct {
	const char *name;
	enum rec_transfers t;
} xfer_names[] = {
	{ "metadata", REC_XFER_METADATA },
	{ "skip", REC_XFER_SKIP },
	{ "record", REC_XFER_RECORD },
	{ "refuse", REC_XFER_REFUSE },
};

/* The value of key for who, with its line for messages. */
#define CFG(k)                                                                 \
	(v = sr_config_get_for(c, (k), who->user, who->groups, who->ngroups,   \
	     &line))

void
rec_settings_config(struct rec_settings *s, const struct sr_config *c,
    const char *cpath, const struct rec_who *who)
{
	const char *v;
	size_t i;
	int line = 0;

	if (CFG("output_dir") != NULL && *v != '\0') {
		s->output = v;
		s->output_dir = 1;
	}
	if (CFG("key") != NULL && *v != '\0') {
		s->key = v;
		s->key_named = 1;
	}
	if (CFG("record") != NULL && parse_bool(v, &s->record) != 0)
		bad_config(cpath, line, "record", v);
	if (CFG("record_input") != NULL && parse_bool(v, &s->input) != 0)
		bad_config(cpath, line, "record_input", v);
	if (CFG("on_write_error") != NULL &&
	    rec_parse_on_error(v, &s->on_error_continue) != 0)
		bad_config(cpath, line, "on_write_error", v);
	if (CFG("mask_input") != NULL && rec_parse_mask(v, s) != 0)
		bad_config(cpath, line, "mask_input", v);
	if (CFG("passprompt_regex") != NULL && *v != '\0')
		s->prompt = v;
	if (CFG("chunk_interval") != NULL &&
	    rec_parse_interval(v, &s->chunk_ns) != 0)
		bad_config(cpath, line, "chunk_interval", v);
	if (CFG("checkpoint_interval") != NULL &&
	    rec_parse_interval(v, &s->checkpoint_ns) != 0)
		bad_config(cpath, line, "checkpoint_interval", v);
	if (CFG("stall_timeout") != NULL &&
	    rec_parse_interval(v, &s->stall_ns) != 0)
		bad_config(cpath, line, "stall_timeout", v);
	if (CFG("notice") != NULL)
		s->notice = strcasecmp(v, "off") == 0 || *v == '\0' ? NULL : v;
	if (CFG("transfers") != NULL) {
		for (i = 0; i < nitems(xfer_names); i++)
			if (strcmp(v, xfer_names[i].name) == 0)
				break;
		if (i == nitems(xfer_names))
			bad_config(cpath, line, "transfers", v);
		s->transfers = xfer_names[i].t;
	}
	if (CFG("shell") != NULL && *v != '\0') {
		if (*v != '/')
			bad_config(cpath, line, "shell", v);
		s->shell = v;
	}
	if (CFG("sftp_server") != NULL && *v != '\0') {
		if (*v != '/')
			bad_config(cpath, line, "sftp_server", v);
		s->sftp_server = v;
	}
	if (CFG("min_free") != NULL && parse_size(v, &s->min_free) != 0)
		bad_config(cpath, line, "min_free", v);
	if (CFG("writer") != NULL && rec_parse_writers(v, &s->writers) != 0)
		bad_config(cpath, line, "writer", v);
	if (CFG("ship") != NULL && rec_parse_ship(v, &s->ship) != 0)
		bad_config(cpath, line, "ship", v);
	if (CFG("ship_socket") != NULL && *v != '\0') {
		if (*v != '/')
			bad_config(cpath, line, "ship_socket", v);
		s->ship_socket = v;
	}
	if (CFG("ship_journal_socket") != NULL && *v != '\0') {
		if (*v != '/')
			bad_config(cpath, line, "ship_journal_socket", v);
		s->ship_journal = v;
	}
	/* Global only: every session must agree on where locks are. */
	if ((v = sr_config_get(c, "lock_dir")) != NULL && *v != '\0') {
		if (*v != '/')
			bad_config(cpath, sr_config_line(c, "lock_dir"),
			    "lock_dir", v);
		s->lock_dir = v;
	}
}

int
rec_ticket_check(const struct sr_config *c, const char *cpath,
    const char *ticket, const struct rec_who *who)
{
	const char *v;
	regex_t re;
	int req = 0, rc, line = 0;
	char ebuf[256];

	if (c == NULL)
		return (0);
	if (CFG("require_ticket") != NULL && parse_bool(v, &req) != 0)
		bad_config(cpath, line, "require_ticket", v);
	if (req && (ticket == NULL || *ticket == '\0'))
		return (REC_TICKET_MISSING);
	if (CFG("ticket_regex") == NULL || *v == '\0' || ticket == NULL)
		return (0);
	if ((rc = regcomp(&re, v, REG_EXTENDED | REG_NOSUB)) != 0) {
		(void)regerror(rc, &re, ebuf, sizeof(ebuf));
		sr_errx(REC_EXIT, "%s: line %d: bad ticket_regex: %s", cpath,
		    line, ebuf);
	}
	rc = regexec(&re, ticket, 0, NULL, 0);
	regfree(&re);
	return (rc != 0 ? REC_TICKET_BAD : 0);
}

/* Exits 125 unless the ticket satisfies one configuration's policy. */
void
rec_ticket_policy(const struct sr_config *c, const char *cpath,
    const char *ticket, const struct rec_who *who)
{
	switch (rec_ticket_check(c, cpath, ticket, who)) {
	case REC_TICKET_MISSING:
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for %s: no ticket", who->user);
		sr_errx(REC_EXIT,
		    "a ticket is required: give it in SESSREC_TICKET (ssh -o "
		    "SendEnv=SESSREC_TICKET) or --ticket");
	case REC_TICKET_BAD:
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for %s: ticket does not match the "
		    "policy",
		    who->user);
		sr_errx(REC_EXIT,
		    "ticket '%s' does not match the required format", ticket);
	default:
		break;
	}
}
#undef CFG

static long long
proc_number(const char *path)
{
	char buf[32];
	long long v;
	char *end;

	if (sr_read_small(path, buf, sizeof(buf)) <= 0)
		return (-1);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || v < 0 || v >= 4294967295LL)
		return (-1);
	return (v);
}

/*
 * The identity in the SSH certificate the user logged in with: sshd
 * names a file listing the keys used when ExposeAuthInfo is on.  The
 * file is the user's, so the key id is recorded as claimed.  Anything
 * odd about it is a warning, never a refusal (SECURITY.md F4).
 */
static int
ssh_cert_actor(char *out, size_t outlen, const struct rec_job *j)
{
	const char *path = getenv("SSH_USER_AUTH");
	struct sr_error err;
	struct stat st;
	char buf[65536];
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	if (path == NULL || *path == '\0')
		return (0);
#ifdef __linux__
	/* The file is the user's: read it with the user's rights only. */
	if (j->user_fsuid)
		(void)setfsuid(j->who->uid);
#endif
	/* Non-blocking: a FIFO there must not hang the login. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
#ifdef __linux__
	if (j->user_fsuid)
		(void)setfsuid(geteuid());
#endif
	if (fd == -1)
		return (0);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size >= (off_t)sizeof(buf)) {
		(void)close(fd);
		return (0);
	}
	while (len < sizeof(buf) &&
	    (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	(void)close(fd);
	sr_error_clear(&err);
	rc = sr_ssh_cert_key_id(buf, len, out, outlen, &err);
	if (rc == SR_FAILED)
		sr_warnx("SSH_USER_AUTH '%s': line %lld: %s (actor taken from "
			 "the login instead)",
		    path, (long long)err.loc.line, err.msg);
	return (rc == SR_OK);
}

/* Takes the client address from SSH_CONNECTION or SSH_CLIENT. */
static void
ssh_source(char *ip, size_t iplen, char *port, size_t portlen)
{
	const char *v = getenv("SSH_CONNECTION");
	const char *sp;
	size_t n, m;

	*ip = *port = '\0';
	if (v == NULL || *v == '\0')
		v = getenv("SSH_CLIENT");
	if (v == NULL)
		return;
	n = strcspn(v, " ");
	if (n == 0 || n >= iplen || v[n] != ' ')
		return;
	if (strspn(v, "0123456789abcdefABCDEF.:%") < n)
		return;
	sp = v + n + 1;
	m = strcspn(sp, " ");
	memcpy(ip, v, n);
	ip[n] = '\0';
	if (m > 0 && m < portlen && m <= 5 && strspn(sp, "0123456789") >= m) {
		memcpy(port, sp, m);
		port[m] = '\0';
	}
}

/* Appends arg to b quoted for a POSIX shell when it needs quoting. */
static void
quote_arg(struct sr_buf *b, const char *arg)
{
	const char *p;

	if (*arg != '\0' &&
	    strspn(arg,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789_@%+=:,./-") == strlen(arg)) {
		(void)sr_buf_append(b, arg, strlen(arg));
		return;
	}
	(void)sr_buf_putc(b, '\'');
	for (p = arg; *p != '\0'; p++)
		if (*p == '\'')
			(void)sr_buf_append(b, "'\\''", 4);
		else
			(void)sr_buf_putc(b, *p);
	(void)sr_buf_putc(b, '\'');
}

/*
 * The argv kept in the metadata, and its display form.  Overlong
 * argument lists are cut short (SECURITY.md F4: never fatal).
 */
static char **
shown_argv(char *const *argv, struct sr_buf *cmd)
{
	char **v;
	size_t n, i, total = 0;

	for (n = 0; argv[n] != NULL; n++)
		;
	if ((v = calloc(n + 2, sizeof(*v))) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	sr_buf_init(cmd, ARGV_BYTES_MAX * 4 + 64);
	for (i = 0; i < n; i++) {
		size_t len = strlen(argv[i]);

		if (len > ARG_MAX_SHOWN)
			len = ARG_MAX_SHOWN;
		if (total + len > ARGV_BYTES_MAX) {
			if ((v[i] = strdup("[truncated]")) == NULL)
				sr_errx(SR_EXIT_INTERNAL, "out of memory");
			if (cmd->len > 0)
				(void)sr_buf_putc(cmd, ' ');
			(void)sr_buf_append(cmd, "[truncated]", 11);
			break;
		}
		total += len;
		if ((v[i] = strndup(argv[i], len)) == NULL)
			sr_errx(SR_EXIT_INTERNAL, "out of memory");
		if (i > 0)
			(void)sr_buf_putc(cmd, ' ');
		quote_arg(cmd, v[i]);
	}
	return (v);
}

static void
free_argv(char **v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* mkdir -p, 0700 for what it creates. */
static int
make_dirs(const char *dir)
{
	char path[PATH_MAX];
	char *p;
	struct stat st;

	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0700) == -1 && errno != EEXIST)
				return (-1);
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	if (stat(path, &st) == -1)
		return (-1);
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return (-1);
	}
	return (0);
}

/* Creates the recording file; exits 125 when it cannot. */
static int
create_file(const struct rec_settings *s, const char *sid, int64_t start_ns,
    char *path, size_t len)
{
	struct stat st;
	struct tm tm;
	time_t t = (time_t)(start_ns / SR_NSEC_PER_SEC);
	char stamp[32];
	size_t n = strlen(s->output);
	mode_t old;
	int isdir = s->output_dir, fd;

	if (n > 0 && s->output[n - 1] == '/')
		isdir = 1;
	else if (stat(s->output, &st) == 0 && S_ISDIR(st.st_mode))
		isdir = 1;
	old = umask(077);
	if (isdir) {
		if (make_dirs(s->output) != 0) {
			int e = errno;

			umask(old);
			sr_errx(REC_EXIT, "cannot create directory '%s': %s",
			    s->output, strerror(e));
		}
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
			(void)strlcpy(stamp, "unknown", sizeof(stamp));
		if ((size_t)snprintf(path, len, "%s%s%s-%s.srec", s->output,
			s->output[n - 1] == '/' ? "" : "/", stamp,
			sid) >= len) {
			umask(old);
			sr_errx(REC_EXIT, "output path too long: '%s'",
			    s->output);
		}
	} else if (strlcpy(path, s->output, len) >= len) {
		umask(old);
		sr_errx(REC_EXIT, "output path too long: '%s'", s->output);
	}
	fd = open(path,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		int e = errno;

		umask(old);
		sr_errx(REC_EXIT, "cannot create '%s': %s", path, strerror(e));
	}
	umask(old);
	return (fd);
}

/* The host key, or NULL for an unsigned recording. */
static struct sr_key *
load_key(const struct rec_settings *s, int quiet)
{
	struct sr_key *k = NULL;
	struct sr_error err;
	const char *path = s->key_named ? s->key : DEFAULT_KEY;

	sr_error_clear(&err);
	if (!s->key_named && access(path, F_OK) != 0) {
		if (!quiet)
			sr_warnx("no host key: recording is unsigned "
				 "(sessrec keygen makes one)");
		return (NULL);
	}
	if (sr_key_load(path, 1, &k, &err) == SR_OK)
		return (k);
	if (s->key_named) {
		sr_warn_error("cannot load key", &err);
		exit(REC_EXIT);
	}
	/* The default key is root's: an ordinary user records unsigned. */
	if (!quiet) {
		char msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + 64];

		sr_warnx("cannot use host key (%s): recording is unsigned",
		    sr_error_format(&err, msg, sizeof(msg)));
	}
	return (NULL);
}

/* Whether the kernel runs us set-id or with added capabilities. */
int
rec_secure_mode(void)
{
#ifdef __linux__
	return (getauxval(AT_SECURE) != 0);
#else
	return (getuid() != geteuid() || getgid() != getegid());
#endif
}

/* TERM for a set-id recorder's command: a plain name, else "dumb". */
void
rec_term(char *out, size_t len, const char *term)
{
	size_t n;

	if (term == NULL || *term == '\0' || (n = strlen(term)) > TERM_MAX ||
	    strspn(term,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789._+-") != n)
		term = "dumb";
	(void)strlcpy(out, term, len);
}

/*
 * The command's environment (SECURITY.md P2): ours, with TERM as it is
 * recorded and, when we run set-id, no LD_* and no SESSREC_* variable
 * (ld.so drops the dangerous ones for us, but the user's shell should
 * not see ours either).  termvar holds "TERM=..."; the strings are
 * borrowed from environ and extra; the caller frees the array.
 */
char **
rec_child_env(const char *term, char *termvar, size_t len, int secure,
    char *const *extra)
{
	extern char **environ;
	char **env;
	size_t n, x = 0, i, k = 0;
	int term_done = 0;

	for (n = 0; environ[n] != NULL; n++)
		;
	while (extra != NULL && extra[x] != NULL)
		x++; /* a NULL entry ends the list early */
	if ((env = calloc(n + x + 2, sizeof(*env))) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	if (term != NULL)
		(void)snprintf(termvar, len, "TERM=%s", term);
	for (i = 0; i < n; i++) {
		size_t e, nl = strcspn(environ[i], "=");

		/* An extra setting replaces ours. */
		for (e = 0; e < x; e++)
			if (strncmp(environ[i], extra[e], nl + 1) == 0)
				break;
		if (e < x)
			continue;
		if (secure &&
		    (strncmp(environ[i], "LD_", 3) == 0 ||
			strncmp(environ[i], "SESSREC_", 8) == 0))
			continue;
		if (term != NULL && strncmp(environ[i], "TERM=", 5) == 0) {
			if (!term_done)
				env[k++] = termvar;
			term_done = 1;
			continue;
		}
		env[k++] = environ[i];
	}
	if (term != NULL && !term_done && secure)
		env[k++] = termvar;
	for (i = 0; i < x; i++)
		env[k++] = extra[i];
	env[k] = NULL;
	return (env);
}

static void
witness(struct sr_recw *w, enum sr_witness_kind kind)
{
	struct sr_buf b;

	sr_buf_init(&b, 1024);
	if (sr_recw_witness(w, kind, &b) == SR_OK)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", b.data);
	sr_buf_release(&b);
}

/*
 * SIEM events for the session's start and end, sent to syslog and/or the
 * journal as they happen (sessrec-export(1) documents the fields).  A
 * shipping failure never stops the session: it is logged once.
 */
struct rec_ship {
	struct sr_ship *sh[2];
	size_t n;
	struct sr_session sess;
	int64_t t0_mono;
};

/* Adds a sender; one that cannot be opened is logged and left out. */
static void
ship_add(struct rec_ship *rs, enum sr_ship_kind kind, const char *path,
    const char *what, const char *sid)
{
	struct sr_error err;
	struct sr_ship *sh;

	sr_error_clear(&err);
	if (sr_ship_open(kind, path, "sessrec", &sh, &err) == SR_OK)
		rs->sh[rs->n++] = sh;
	else
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "session %s: cannot ship events to %s: %s", sid, what,
		    err.msg);
}

static void
ship_open(struct rec_ship *rs, const struct rec_job *j,
    const struct sr_rec_meta *m)
{
	const struct rec_settings *s = j->s;
	char uid[32], real[PATH_MAX];
	unsigned ship;

	memset(rs, 0, sizeof(*rs));
	sr_session_init(&rs->sess, 64 * 1024);
	if (s->ship == 0)
		return;
	(void)sr_session_set_str(&rs->sess, SR_F_SESSION_ID, m->session_id);
	(void)sr_session_set_str(&rs->sess, SR_F_ACTOR, m->actor);
	(void)sr_session_set_str(&rs->sess, SR_F_TARGET, m->target);
	(void)sr_session_set_str(&rs->sess, SR_F_HOST, m->host);
	(void)sr_session_set_str(&rs->sess, SR_F_SRC_IP, m->src_ip);
	(void)sr_session_set_str(&rs->sess, SR_F_TICKET, m->ticket);
	(void)sr_session_set_str(&rs->sess, SR_F_COMMAND, m->command);
	(void)sr_session_set_str(&rs->sess, SR_F_CWD, m->cwd);
	(void)sr_session_set_str(&rs->sess, SR_F_TTY, m->tty);
	(void)sr_session_set_str(&rs->sess, SR_F_TERM, m->term);
	(void)sr_session_set_path(&rs->sess, j->path);
	if (m->user != NULL)
		(void)sr_session_add_extra(&rs->sess, "sessrec.user", m->user,
		    strlen(m->user));
	if (m->src_port != NULL)
		(void)sr_session_add_extra(&rs->sess, "sessrec.src_port",
		    m->src_port, strlen(m->src_port));
	(void)snprintf(uid, sizeof(uid), "%ld", m->uid);
	(void)sr_session_add_extra(&rs->sess, "sessrec.uid", uid, strlen(uid));
	rs->sess.format = "sessrec";
	rs->sess.start_ns = m->start_ns;
	rs->sess.have |= SR_HAVE_START;
	rs->sess.state = SR_STATE_INCOMPLETE;
	if (m->rows > 0 && m->cols > 0) {
		rs->sess.rows = m->rows;
		rs->sess.cols = m->cols;
		rs->sess.have |= SR_HAVE_GEOMETRY;
	}
	ship = s->ship;
	/*
	 * On a systemd host /dev/log is journald's, which takes only BSD
	 * syslog: an RFC 5424 event would lose its fields there.  Send it
	 * in the journal's own protocol instead (rsyslog's imjournal and
	 * every journal reader get the fields).
	 */
	if ((ship & REC_SHIP_SYSLOG) && s->ship_socket == NULL &&
	    realpath("/dev/log", real) != NULL &&
	    strcmp(real, "/run/systemd/journal/dev-log") == 0) {
		ship &= ~REC_SHIP_SYSLOG;
		ship |= REC_SHIP_JOURNAL;
	}
	if (ship & REC_SHIP_SYSLOG)
		ship_add(rs, SR_SHIP_SYSLOG, s->ship_socket, "syslog",
		    m->session_id);
	if (ship & REC_SHIP_JOURNAL)
		ship_add(rs, SR_SHIP_JOURNAL, s->ship_journal, "the journal",
		    m->session_id);
}

static void
ship_send(struct rec_ship *rs, const char *type, size_t ncmds)
{
	struct sr_siem_opts so;
	struct sr_ship_kv kv[8];
	const char *keys[8], *vals[8];
	struct sr_error err;
	struct sr_buf b;
	size_t i, n, k;
	int rc;

	if (rs->n == 0)
		return;
	memset(&so, 0, sizeof(so));
	sr_buf_init(&b, 64 * 1024);
	if (strcmp(type, "session_start") == 0)
		rc = sr_siem_session_start(&rs->sess, &so, &b);
	else
		rc = sr_siem_session_end(&rs->sess, &so, ncmds, &b);
	n = sr_siem_keyfields(&rs->sess, type, keys, vals, nitems(keys));
	for (k = 0; k < n; k++) {
		kv[k].key = keys[k];
		kv[k].value = vals[k];
	}
	for (i = 0; rc == SR_OK && i < rs->n; i++) {
		sr_error_clear(&err);
		if (sr_ship_event(rs->sh[i], LOG_NOTICE, type, kv, n,
			(const char *)b.data, b.len, &err) == SR_FAILED)
			syslog(LOG_AUTHPRIV | LOG_WARNING,
			    "session %s: event %s not shipped: %s",
			    rs->sess.field[SR_F_SESSION_ID], type, err.msg);
	}
	sr_buf_release(&b);
}

static void
ship_end(struct rec_ship *rs, int64_t end_ns, int code)
{
	if (rs->n > 0) {
		rs->sess.duration_ns = end_ns - rs->sess.start_ns;
		rs->sess.have |= SR_HAVE_DURATION | SR_HAVE_EXIT;
		rs->sess.exit_status = code;
		rs->sess.state = SR_STATE_COMPLETE;
		ship_send(rs, "session_end", 0);
	}
	while (rs->n > 0)
		sr_ship_close(rs->sh[--rs->n]);
	sr_session_release(&rs->sess);
}

/*
 * The journal copy (--writer journal): the session as tlog-rec-session
 * writes it, one journal entry per tlog JSON message with TLOG_REC,
 * TLOG_USER, TLOG_SESSION and TLOG_ID, so that tlog-play -r journal and
 * Cockpit's session recording page show it.  Runs in the relay's writer
 * thread, which alone touches it.
 */
#define JW_LATENCY_NS (10 * SR_NSEC_PER_SEC) /* tlog-rec's default */

struct rec_jw {
	struct sr_tlogw *tw;
	struct sr_ship *sh;
	char rec[64];
	const char *user;
	char session[24];
	char id[24];
	uint64_t next_id;
	int64_t last_flush;
	int failed; /* said once */
};

static int
jw_message(void *arg, const char *data, size_t len)
{
	struct rec_jw *jw = arg;
	struct sr_ship_kv f[8];
	struct sr_error err;
	char *msg;

	if ((msg = strndup(data, len)) == NULL)
		return (-1);
	(void)snprintf(jw->id, sizeof(jw->id), "%llu",
	    (unsigned long long)jw->next_id++);
	f[0].key = "PRIORITY";
	f[0].value = "6";
	f[1].key = "SYSLOG_IDENTIFIER";
	f[1].value = "sessrec";
	f[2].key = "TLOG_REC";
	f[2].value = jw->rec;
	f[3].key = "TLOG_USER";
	f[3].value = jw->user;
	f[4].key = "TLOG_SESSION";
	f[4].value = jw->session;
	f[5].key = "TLOG_ID";
	f[5].value = jw->id;
	f[6].key = "MESSAGE";
	f[6].value = msg;
	sr_error_clear(&err);
	if (sr_ship_journal_fields(jw->sh, f, 7, &err) != SR_OK &&
	    !jw->failed) {
		jw->failed = 1;
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "session %s: journal copy incomplete: %s", jw->rec,
		    err.msg);
	}
	free(msg);
	return (0); /* the journal copy never stops the session */
}

static void
jw_event(void *arg, const struct sr_event *ev)
{
	struct rec_jw *jw = arg;

	(void)sr_tlogw_event(jw->tw, ev);
}

static void
jw_tick(void *arg, int64_t t)
{
	struct rec_jw *jw = arg;

	/* tlog-rec's latency: what is held goes out at least this often. */
	if (t - jw->last_flush >= JW_LATENCY_NS) {
		(void)sr_tlogw_flush(jw->tw, 0);
		jw->last_flush = t;
	}
}

static void
jw_end(void *arg, int64_t t)
{
	struct rec_jw *jw = arg;

	(void)t;
	(void)sr_tlogw_flush(jw->tw, 1);
}

static int
jw_open(struct rec_jw *jw, const struct rec_job *j, const struct sr_rec_meta *m)
{
	struct sr_tlogw_opts o;
	struct sr_error err;

	memset(jw, 0, sizeof(*jw));
	jw->next_id = 1;
	(void)strlcpy(jw->rec, m->session_id, sizeof(jw->rec));
	jw->user = m->user != NULL ? m->user : "";
	(void)snprintf(jw->session, sizeof(jw->session), "%lld",
	    m->audit_session >= 0 ? m->audit_session : 4294967295LL);
	memset(&o, 0, sizeof(o));
	o.host = m->host;
	o.rec = jw->rec;
	o.user = jw->user;
	o.term = m->term;
	o.session = m->audit_session >= 0 ? (uint32_t)m->audit_session : 0;
	o.start_ns = m->start_ns;
	o.rows = m->rows;
	o.cols = m->cols;
	sr_error_clear(&err);
	if (sr_ship_open(SR_SHIP_JOURNAL, j->s->ship_journal, "sessrec",
		&jw->sh, &err) != SR_OK) {
		sr_warnx("cannot write to the journal: %s", err.msg);
		return (-1);
	}
	if (sr_tlogw_new(&o, jw_message, jw, &jw->tw, &err) != SR_OK) {
		sr_ship_close(jw->sh);
		sr_warnx("cannot write to the journal: %s", err.msg);
		return (-1);
	}
	return (0);
}

static void
jw_close(struct rec_jw *jw)
{
	sr_tlogw_free(jw->tw);
	if (jw->sh != NULL)
		sr_ship_close(jw->sh);
	memset(jw, 0, sizeof(*jw));
}

/*
 * SECURITY.md §3: below min_free at the start, no session starts (or,
 * under on_write_error = continue, it starts with a warning): a session
 * that would end in a write error soon is better refused at the door.
 */
static void
check_free(const struct rec_settings *s, const struct rec_who *who)
{
	char dir[PATH_MAX];
	struct statvfs sv;
	uint64_t avail;

	if (s->min_free == 0)
		return;
	if (strlcpy(dir, s->output, sizeof(dir)) >= sizeof(dir))
		return;
	if (!s->output_dir) {
		char *slash = strrchr(dir, '/');

		if (slash == NULL)
			(void)strlcpy(dir, ".", sizeof(dir));
		else
			slash[slash == dir ? 1 : 0] = '\0';
	}
	/* A directory still to be made: the nearest one that exists. */
	while (statvfs(dir, &sv) != 0) {
		char *slash = strrchr(dir, '/');

		if (errno != ENOENT || slash == NULL)
			return; /* create_file names the problem */
		while (slash > dir && slash[-1] == '/')
			slash--;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= s->min_free)
		return;
	syslog(LOG_AUTHPRIV | (s->on_error_continue ? LOG_WARNING : LOG_ALERT),
	    "%s session for %s: %llu MiB free in %s, below min_free (%llu "
	    "MiB)",
	    s->on_error_continue ? "starting a" : "refused a", who->user,
	    (unsigned long long)(avail >> 20), dir,
	    (unsigned long long)(s->min_free >> 20));
	if (s->on_error_continue) {
		sr_warnx("warning: %llu MiB free in '%s', below min_free "
			 "(%llu MiB)",
		    (unsigned long long)(avail >> 20), dir,
		    (unsigned long long)(s->min_free >> 20));
		return;
	}
	sr_errx(REC_EXIT,
	    "only %llu MiB free in '%s', below min_free (%llu MiB): session "
	    "refused",
	    (unsigned long long)(avail >> 20), dir,
	    (unsigned long long)(s->min_free >> 20));
}

/*
 * A privileged recorder writes only into a directory that is its own
 * (or root's) and that nobody else may write: otherwise the user could
 * have planted links or read what we write.
 */
static void
check_output_dir(const struct rec_settings *s)
{
	struct stat st;

	if (!s->output_dir)
		return;
	if (stat(s->output, &st) != 0)
		return; /* create_file makes it, ours and 0700 */
	if (!S_ISDIR(st.st_mode) ||
	    (st.st_uid != geteuid() && st.st_uid != 0) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		    "refused a session: recording directory %s is not safe",
		    s->output);
		sr_errx(REC_EXIT,
		    "recording directory '%s' must be a directory owned by "
		    "the recorder or root and writable by nobody else",
		    s->output);
	}
}

/*
 * A transfer (scp, sftp, rsync) recorded as metadata only: the command
 * runs on the session's own descriptors, and the recording holds who,
 * what and how it ended, not the bytes (SECURITY.md P7).
 */
static int
run_transfer(struct rec_job *j, struct sr_recw *w, int64_t t0_mono)
{
	struct sr_event ev;
	int gp[2], st, code;
	pid_t pid;
	char go;
	ssize_t n;
	int64_t t;
	char **envp = (char **)j->envp;

	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_MARKER;
	ev.data = (const unsigned char *)j->transfer;
	ev.len = strlen(j->transfer);
	(void)sr_recw_event(w, &ev);
	(void)sr_recw_flush(w, 0);
	if (pipe2(gp, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		sr_warnx("cannot start '%s': %s", j->file, strerror(errno));
		(void)sr_recw_seal(w, sr_mono_ns() - t0_mono, SR_END_ADMIN,
		    REC_EXIT);
		return (REC_EXIT);
	}
	if (pid == 0) {
		close(gp[1]);
		while ((n = read(gp[0], &go, 1)) == -1 && errno == EINTR)
			;
		if (n != 1 ||
		    (j->child_setup != NULL &&
			j->child_setup(j->setup_arg) != 0))
			_exit(REC_EXIT);
		/* A transfer's program is a full path: no PATH search. */
		if (envp != NULL)
			execve(j->file, j->argv, envp);
		else
			execv(j->file, j->argv);
		code = errno;
		sr_warnx("cannot run '%s': %s", j->file, strerror(code));
		_exit(code == ENOENT ? 127 : 126);
	}
	close(gp[0]);
	if (j->parent_setup != NULL && j->parent_setup(j->setup_arg, "") != 0) {
		sr_warnx("cannot separate privileges: %s", strerror(errno));
		close(gp[1]);
		(void)waitpid(pid, &st, 0);
		(void)sr_recw_seal(w, sr_mono_ns() - t0_mono, SR_END_ADMIN,
		    REC_EXIT);
		return (REC_EXIT);
	}
	(void)write(gp[1], "g", 1);
	close(gp[1]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = REC_EXIT << 8;
			break;
		}
	t = sr_mono_ns() - t0_mono;
	if (WIFSIGNALED(st)) {
		code = 128 + WTERMSIG(st);
		(void)sr_recw_seal(w, t, SR_END_SIGNAL, WTERMSIG(st));
	} else {
		code = WEXITSTATUS(st);
		(void)sr_recw_seal(w, t, SR_END_EXIT, code);
	}
	return (code);
}

int
rec_run(struct rec_job *j)
{
	const struct rec_settings *s = j->s;
	struct sr_rec_meta m;
	struct sr_rec_opts o;
	struct sr_relay_cfg rc;
	struct sr_tty tty;
	struct sr_error err;
	struct sr_recw *w = NULL;
	struct sr_mask *mask = NULL;
	struct sr_key *key;
	struct sr_buf cmd;
	struct rec_ship ship;
	struct rec_jw jw;
	int use_jw = 0;
	char **shown, **envp = NULL;
	char host[256], actor[256], ip[80], port[8];
	char term[TERM_MAX + 1], termvar[TERM_MAX + 6], tkt[TICKET_MAX + 1];
	char ttyname_buf[PATH_MAX], cwd[PATH_MAX], childterm[TERM_MAX + 1];
	const char *v;
	long long luid;
	int fd, code, setid;

	if (s->input && s->mask != SR_MASK_OFF) {
		sr_error_clear(&err);
		if (sr_mask_new(s->mask, s->prompt, &mask, &err) != SR_OK) {
			/* sessrec-record(1): a bad expression is 125. */
			if (s->prompt_cli)
				sr_errx(REC_EXIT, "bad --prompt-regex '%s': %s",
				    s->prompt, err.msg);
			sr_errx(REC_EXIT,
			    "%s: line %d: bad passprompt_regex: %s", j->cpath,
			    sr_config_line(j->cfg, "passprompt_regex"),
			    err.msg);
		}
	}
	if (j->user_fsuid)
		check_output_dir(s);
	key = load_key(s, j->quiet);

	/* The metadata. */
	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	m.host = host[0] != '\0' ? host : NULL;
	m.user = j->who->user;
	m.uid = (long)j->who->uid;
	m.pid = (long)getpid();
	luid = proc_number("/proc/self/loginuid");
	m.loginuid = (long)luid;
	m.audit_session = proc_number("/proc/self/sessionid");
	if (j->actor != NULL && *j->actor != '\0') {
		(void)strlcpy(actor, j->actor, sizeof(actor));
		m.actor_source = "option";
		m.claimed |= SR_CLAIMED_ACTOR;
	} else if (ssh_cert_actor(actor, sizeof(actor), j)) {
		m.actor_source = "ssh-cert";
		m.claimed |= SR_CLAIMED_ACTOR;
	} else {
		/* The login user survives su and sudo: the kernel keeps it. */
		struct passwd *lp = luid >= 0 ? getpwuid((uid_t)luid) : NULL;

		(void)strlcpy(actor, lp != NULL ? lp->pw_name : j->who->user,
		    sizeof(actor));
		m.actor_source = "login";
	}
	m.actor = actor;
	ssh_source(ip, sizeof(ip), port, sizeof(port));
	if (ip[0] != '\0') {
		m.src_ip = ip;
		m.src_port = port[0] != '\0' ? port : NULL;
		m.claimed |= SR_CLAIMED_SRC_IP;
	}
	if (j->target != NULL && *j->target != '\0') {
		m.target = j->target;
		m.claimed |= SR_CLAIMED_TARGET;
	} else
		m.target = m.host;
	if (j->ticket != NULL && *j->ticket != '\0') {
		(void)strlcpy(tkt, j->ticket, sizeof(tkt));
		m.ticket = tkt;
		m.claimed |= SR_CLAIMED_TICKET;
	}
	if (isatty(STDIN_FILENO) &&
	    ttyname_r(STDIN_FILENO, ttyname_buf, sizeof(ttyname_buf)) == 0)
		m.tty = ttyname_buf;
	if ((v = getenv("TERM")) != NULL && *v != '\0') {
		(void)strlcpy(term, v, sizeof(term));
		sr_pty_sanitize(term);
		m.term = term;
		m.claimed |= SR_CLAIMED_TERM;
	}
	if (j->cwd != NULL)
		m.cwd = j->cwd;
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		m.cwd = cwd;

	shown = shown_argv(j->argv, &cmd);
	m.argv = (const char *const *)shown;
	m.command = cmd.data;
	m.input = s->input;
	m.mask = s->input ? s->mask_name : "off";

	sr_tty_init(&tty, STDIN_FILENO);
	sr_tty_size(&tty, &m.rows, &m.cols);

	m.start_ns = sr_time_now();
	memset(&rc, 0, sizeof(rc));
	rc.t0_mono = sr_mono_ns();
	sr_error_clear(&err);
	if (sr_session_id_new(m.start_ns, j->session_id, &err) != SR_OK)
		sr_errx(REC_EXIT, "cannot make a session id: %s", err.msg);
	m.session_id = j->session_id;

	o.chunk_ns = s->chunk_ns;
	o.checkpoint_ns = s->checkpoint_ns;
	o.key = key;

	if (s->writers & REC_WRITE_NATIVE) {
		check_free(s, j->who);
		fd = create_file(s, j->session_id, m.start_ns, j->path,
		    sizeof(j->path));
	} else {
		/* The journal alone: the native stream goes nowhere. */
		(void)strlcpy(j->path, "journal", sizeof(j->path));
		if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
			sr_errx(REC_EXIT, "cannot open /dev/null: %s",
			    strerror(errno));
	}
	sr_error_clear(&err);
	if (sr_recw_open(j->ctx, fd, &m, &o, &w, &err) != SR_OK) {
		(void)unlink(j->path);
		sr_warnx("cannot write '%s': %s", j->path, err.msg);
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		    "refused a session for %s: cannot write %s: %s",
		    j->who->user, j->path, err.msg);
		exit(REC_EXIT);
	}
	ship_open(&ship, j, &m); /* copies what it needs of m */
	if ((s->writers & REC_WRITE_JOURNAL) && j->transfer == NULL &&
	    jw_open(&jw, j, &m) != 0) {
		if (!(s->writers & REC_WRITE_NATIVE)) {
			(void)sr_recw_seal(w, 0, SR_END_ADMIN, REC_EXIT);
			exit(REC_EXIT);
		}
	} else if ((s->writers & REC_WRITE_JOURNAL) && j->transfer == NULL)
		use_jw = 1;
	free_argv(shown);
	sr_buf_release(&cmd);
	syslog(LOG_AUTHPRIV | LOG_NOTICE,
	    "session %s started: user=%s actor=%s%s%s file=%s%s%s",
	    j->session_id, j->who->user, actor,
	    m.src_ip != NULL ? " from=" : "", m.src_ip != NULL ? m.src_ip : "",
	    j->path, j->transfer != NULL ? " " : "",
	    j->transfer != NULL ? j->transfer : "");
	witness(w, SR_WITNESS_START);
	ship_send(&ship, "session_start", 0);
	if (!j->quiet && j->transfer == NULL)
		sr_warnx("recording session %s to %s", j->session_id, j->path);
	if (j->notice != NULL && j->transfer == NULL && isatty(STDIN_FILENO)) {
		/* The configured text, with the session id for "%s". */
		const char *p = strstr(j->notice, "%s");
		int k =
		    p != NULL ? (int)(p - j->notice) : (int)strlen(j->notice);

		(void)fprintf(stderr, "%.*s%s%s\r\n", k, j->notice,
		    p != NULL ? j->session_id : "", p != NULL ? p + 2 : "");
	}

	if (j->transfer != NULL) {
		struct rec_job tj = *j;
		char *extra[2] = { (char *)j->extra_env, NULL };

		if (tj.envp == NULL)
			tj.envp = envp = rec_child_env(m.term, termvar,
			    sizeof(termvar), rec_secure_mode(), extra);
		code = run_transfer(&tj, w, rc.t0_mono);
		free(envp);
		envp = NULL;
	} else {
		rc.ctx = j->ctx;
		rc.w = w;
		rc.mask = mask;
		rc.record_input = s->input;
		rc.on_error_continue = s->on_error_continue;
		rc.quiet = j->quiet;
		rc.session_id = j->session_id;
		rc.path = j->path;
		rc.file = j->file;
		rc.argv = j->argv;
		if (j->envp != NULL)
			rc.envp = j->envp;
		else {
			char sidvar[48], *extra[3];

			(void)snprintf(sidvar, sizeof(sidvar),
			    "SESSREC_SESSION=%s", j->session_id);
			extra[0] = sidvar;
			extra[1] = (char *)j->extra_env;
			extra[2] = NULL;
			/* Set-id: a TERM that is not a plain name is dumb. */
			setid = rec_secure_mode();
			if (setid)
				rec_term(childterm, sizeof(childterm),
				    getenv("TERM"));
			rc.envp = envp =
			    rec_child_env(setid ? childterm : m.term, termvar,
				sizeof(termvar), setid, extra);
		}
		rc.stall_ns = s->stall_ns;
		rc.parent_setup = j->parent_setup;
		rc.child_setup = j->child_setup;
		rc.monitor_setup = j->monitor_setup;
		rc.no_suspend = j->monitor_setup != NULL;
		rc.pipe_mode = j->pipe_mode;
		rc.setup_arg = j->setup_arg;
		rc.mark_uid_changes = j->mark_uid_changes;
		rc.session_uid = j->who->uid;
		if (use_jw) {
			rc.tap = jw_event;
			rc.tap_tick = jw_tick;
			rc.tap_end = jw_end;
			rc.tap_arg = &jw;
		}
		code = sr_relay_run(&rc, &tty);
		free(envp);
	}
	witness(w, SR_WITNESS_SEAL);
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "session %s ended: status %d",
	    j->session_id, code);
	ship_end(&ship, sr_time_now(), code);
	if (use_jw)
		jw_close(&jw);

	sr_recw_free(w);
	close(fd);
	sr_mask_free(mask);
	sr_key_free(key);
	return (code);
}
