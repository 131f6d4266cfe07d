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
 * sessrec record: options and configuration, the ticket policy, the
 * session's metadata (who, from where, on what), the recording file, and
 * then the pty relay (src/pty.c).  Everything that can refuse the session
 * runs before the file is created, so a refused session leaves nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifdef __linux__
#include <sys/auxv.h>
#endif
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <regex.h>
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
#include "pty.h"

#define SYS_CONFIG	"/etc/sessrec/sessrec.conf"
#define DEFAULT_KEY	"/etc/sessrec/host.key"
#define DEFAULT_OUTPUT	"/var/log/sessrec"
#define EXIT_RECORDER	125
#define TERM_MAX	64
#define TICKET_MAX	256
#define ARG_MAX_SHOWN	1024  /* bytes of one argument kept */
#define ARGV_BYTES_MAX	16384 /* bytes of argv kept in the metadata */
#define INTERVAL_MAX_NS (86400 * SR_NSEC_PER_SEC)

/* Long-only options of this command, above cmd.h's range. */
enum {
	OPT_ON_ERROR = 1024,
	OPT_MASK,
	OPT_PROMPT_REGEX,
	OPT_CHUNK,
	OPT_CHECKPOINT,
};

struct settings {
	const char *output;
	int output_dir; /* output names a directory */
	const char *key;
	int key_named; /* -k or config "key": failing to load is fatal */
	int input;
	int on_error_continue;
	enum sr_mask_policy mask;
	const char *mask_name;
	const char *prompt;
	int prompt_cli; /* the prompt regex came from the command line */
	int64_t chunk_ns, checkpoint_ns;
	int64_t stall_ns; /* 0: the relay's default */
};

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

static int
parse_on_error(const char *v, int *cont)
{
	if (strcmp(v, "terminate") == 0)
		*cont = 0;
	else if (strcmp(v, "continue") == 0)
		*cont = 1;
	else
		return (-1);
	return (0);
}

static int
parse_mask(const char *v, struct settings *s)
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

static int
parse_interval(const char *v, int64_t *ns)
{
	if (sr_time_parse_seconds(v, strlen(v), ns) != 0 || *ns <= 0 ||
	    *ns > INTERVAL_MAX_NS)
		return (-1);
	return (0);
}

static void __attribute__((noreturn)) bad_config(const char *path,
    const struct sr_config *c, const char *key, const char *v)
{
	sr_errx(EXIT_RECORDER, "%s: line %d: bad value for %s: '%s'", path,
	    sr_config_line(c, key), key, v);
}

static struct sr_config *
load_config(const char *path, unsigned flags, int quiet)
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
		exit(EXIT_RECORDER);
	}
	return (c);
}

/* Configuration first, the command line over it. */
static void
settings_load(struct sr_args *a, const struct sr_config *c, const char *cpath,
    struct settings *s)
{
	const char *v;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->mask = SR_MASK_ECHO_OFF_PROMPT;
	s->mask_name = "echo-off+prompt";
	s->output = DEFAULT_OUTPUT;
	s->output_dir = 1;
	if ((v = sr_config_get(c, "output_dir")) != NULL && *v != '\0')
		s->output = v;
	if ((v = sr_config_get(c, "key")) != NULL && *v != '\0') {
		s->key = v;
		s->key_named = 1;
	}
	if ((v = sr_config_get(c, "record_input")) != NULL &&
	    parse_bool(v, &s->input) != 0)
		bad_config(cpath, c, "record_input", v);
	if ((v = sr_config_get(c, "on_write_error")) != NULL &&
	    parse_on_error(v, &s->on_error_continue) != 0)
		bad_config(cpath, c, "on_write_error", v);
	if ((v = sr_config_get(c, "mask_input")) != NULL &&
	    parse_mask(v, s) != 0)
		bad_config(cpath, c, "mask_input", v);
	if ((v = sr_config_get(c, "passprompt_regex")) != NULL && *v != '\0')
		s->prompt = v;
	if ((v = sr_config_get(c, "chunk_interval")) != NULL &&
	    parse_interval(v, &s->chunk_ns) != 0)
		bad_config(cpath, c, "chunk_interval", v);
	if ((v = sr_config_get(c, "checkpoint_interval")) != NULL &&
	    parse_interval(v, &s->checkpoint_ns) != 0)
		bad_config(cpath, c, "checkpoint_interval", v);
	if ((v = sr_config_get(c, "stall_timeout")) != NULL &&
	    parse_interval(v, &s->stall_ns) != 0)
		bad_config(cpath, c, "stall_timeout", v);

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
			if (parse_on_error(v, &s->on_error_continue) != 0) {
				sr_warnx("bad --on-error '%s' (terminate or "
					 "continue)",
				    v);
				sr_usage(a->cmd);
			}
			break;
		case OPT_MASK:
			if (parse_mask(v, s) != 0) {
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
		case OPT_CHUNK:
		case OPT_CHECKPOINT:
			if (parse_interval(v,
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

/* Exits 125 unless the ticket satisfies one configuration's policy. */
static void
ticket_policy(const struct sr_config *c, const char *cpath, const char *ticket,
    const char *user)
{
	const char *v;
	regex_t re;
	int req = 0, rc;
	char ebuf[256];

	if (c == NULL)
		return;
	if ((v = sr_config_get(c, "require_ticket")) != NULL &&
	    parse_bool(v, &req) != 0)
		bad_config(cpath, c, "require_ticket", v);
	if (req && (ticket == NULL || *ticket == '\0')) {
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for %s: no ticket", user);
		sr_errx(EXIT_RECORDER,
		    "a ticket is required: use --ticket or SESSREC_TICKET");
	}
	if ((v = sr_config_get(c, "ticket_regex")) == NULL || *v == '\0' ||
	    ticket == NULL)
		return;
	if ((rc = regcomp(&re, v, REG_EXTENDED | REG_NOSUB)) != 0) {
		(void)regerror(rc, &re, ebuf, sizeof(ebuf));
		sr_errx(EXIT_RECORDER, "%s: line %d: bad ticket_regex: %s",
		    cpath, sr_config_line(c, "ticket_regex"), ebuf);
	}
	rc = regexec(&re, ticket, 0, NULL, 0);
	regfree(&re);
	if (rc != 0) {
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for %s: ticket does not match the "
		    "policy",
		    user);
		sr_errx(EXIT_RECORDER,
		    "ticket '%s' does not match the required format", ticket);
	}
}

/* Reads a small number from a /proc file; -1 when unset or unknown. */
static long long
proc_number(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;
	long long v;
	char *end;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
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
ssh_cert_actor(char *out, size_t outlen)
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
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
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
create_file(const struct settings *s, const char *sid, int64_t start_ns,
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
			sr_errx(EXIT_RECORDER,
			    "cannot create directory '%s': %s", s->output,
			    strerror(e));
		}
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
			(void)strlcpy(stamp, "unknown", sizeof(stamp));
		if ((size_t)snprintf(path, len, "%s%s%s-%s.srec", s->output,
			s->output[n - 1] == '/' ? "" : "/", stamp,
			sid) >= len) {
			umask(old);
			sr_errx(EXIT_RECORDER, "output path too long: '%s'",
			    s->output);
		}
	} else if (strlcpy(path, s->output, len) >= len) {
		umask(old);
		sr_errx(EXIT_RECORDER, "output path too long: '%s'", s->output);
	}
	fd = open(path,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		int e = errno;

		umask(old);
		sr_errx(EXIT_RECORDER, "cannot create '%s': %s", path,
		    strerror(e));
	}
	umask(old);
	return (fd);
}

/* The host key, or NULL for an unsigned recording. */
static struct sr_key *
load_key(const struct settings *s, int quiet)
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
		exit(EXIT_RECORDER);
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
static int
secure_mode(void)
{
#ifdef __linux__
	return (getauxval(AT_SECURE) != 0);
#else
	return (getuid() != geteuid() || getgid() != getegid());
#endif
}

/*
 * The command's environment (SECURITY.md P2): ours, with TERM as it is
 * recorded (checked characters, at most TERM_MAX) and, when we run
 * set-id, no LD_* variable.  termvar holds "TERM=..."; the strings are
 * borrowed from environ; the caller frees the array.
 */
static char **
child_env(const char *term, char *termvar, size_t len)
{
	extern char **environ;
	char **env;
	size_t n, i, k = 0;
	int secure = secure_mode(), term_done = 0;

	for (n = 0; environ[n] != NULL; n++)
		;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");
	if (term != NULL)
		(void)snprintf(termvar, len, "TERM=%s", term);
	for (i = 0; i < n; i++) {
		if (secure && strncmp(environ[i], "LD_", 3) == 0)
			continue;
		if (term != NULL && strncmp(environ[i], "TERM=", 5) == 0) {
			if (!term_done)
				env[k++] = termvar;
			term_done = 1;
			continue;
		}
		env[k++] = environ[i];
	}
	env[k] = NULL;
	return (env);
}

/*
 * Sends a signed witness line to syslog (authpriv), for a copy kept off
 * this host: verify --witness compares it with the file (SECURITY.md K4).
 */
static void
witness(struct sr_recw *w, enum sr_witness_kind kind)
{
	struct sr_buf b;

	sr_buf_init(&b, 1024);
	if (sr_recw_witness(w, kind, &b) == SR_OK)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", b.data);
	sr_buf_release(&b);
}

static int
cmd_record_exec(struct sr_args *a)
{
	struct sr_config *sysc, *userc = NULL;
	const char *cpath = SYS_CONFIG, *v, *ticket;
	struct settings s;
	struct sr_rec_meta m;
	struct sr_rec_opts o;
	struct sr_relay_cfg rc;
	struct sr_tty tty;
	struct sr_error err;
	struct sr_recw *w = NULL;
	struct sr_mask *mask = NULL;
	struct sr_key *key;
	struct sr_buf cmd;
	struct passwd *pw;
	char **argv, **envp, *login_argv[2], login0[PATH_MAX];
	char sid[27], host[256], user[64], actor[256], ip[80], port[8];
	char term[TERM_MAX + 1], termvar[TERM_MAX + 6], tkt[TICKET_MAX + 1];
	char ttyname_buf[PATH_MAX];
	char cwd[PATH_MAX], path[PATH_MAX];
	const char *file, *shell;
	long long luid;
	int fd, code;

	sr_pty_fix_stdio();
	openlog("sessrec", LOG_PID, LOG_AUTHPRIV);
	/*
	 * Installed set-id, this recorder would run the command with our
	 * privileges: the dropping of privileges of SECURITY.md §4 is not
	 * here yet, so refuse rather than hand out root.
	 */
	if (secure_mode())
		sr_errx(EXIT_RECORDER,
		    "refusing to run set-id: run sessrec record as the "
		    "user, or from a root login path that drops privileges");

	/*
	 * The system configuration always counts for the ticket policy, so
	 * that --config cannot bypass it.
	 */
	sysc = load_config(SYS_CONFIG, 0, a->quiet);
	if ((v = sr_args_get(a, OPT_CONFIG)) != NULL) {
		cpath = v;
		userc = load_config(v, SR_DEFAULTS_TRUST_USER, a->quiet);
	}
	settings_load(a, userc != NULL ? userc : sysc, cpath, &s);

	/* Who. */
	pw = getpwuid(getuid());
	if (pw != NULL)
		(void)strlcpy(user, pw->pw_name, sizeof(user));
	else
		(void)snprintf(user, sizeof(user), "%ld", (long)getuid());
	shell = pw != NULL && pw->pw_shell != NULL && *pw->pw_shell != '\0'
	    ? pw->pw_shell
	    : "/bin/sh";
	if ((shell = strdup(shell)) == NULL)
		sr_errx(SR_EXIT_INTERNAL, "out of memory");

	ticket = sr_args_get(a, OPT_TICKET);
	if (ticket == NULL)
		ticket = getenv("SESSREC_TICKET");
	if (ticket != NULL && *ticket == '\0')
		ticket = NULL;
	ticket_policy(sysc, SYS_CONFIG, ticket, user);
	ticket_policy(userc, cpath, ticket, user);

	if (s.input && s.mask != SR_MASK_OFF) {
		sr_error_clear(&err);
		if (sr_mask_new(s.mask, s.prompt, &mask, &err) != SR_OK) {
			/* sessrec-record(1): a bad expression is 125. */
			if (s.prompt_cli)
				sr_errx(EXIT_RECORDER,
				    "bad --prompt-regex '%s': %s", s.prompt,
				    err.msg);
			sr_errx(EXIT_RECORDER,
			    "%s: line %d: bad passprompt_regex: %s", cpath,
			    sr_config_line(userc != NULL ? userc : sysc,
				"passprompt_regex"),
			    err.msg);
		}
	}
	key = load_key(&s, a->quiet);

	/* The metadata. */
	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	m.host = host[0] != '\0' ? host : NULL;
	m.user = user;
	m.uid = (long)getuid();
	m.pid = (long)getpid();
	luid = proc_number("/proc/self/loginuid");
	m.loginuid = (long)luid;
	m.audit_session = proc_number("/proc/self/sessionid");
	if ((v = sr_args_get(a, OPT_ACTOR)) != NULL && *v != '\0') {
		(void)strlcpy(actor, v, sizeof(actor));
		m.actor_source = "option";
		m.claimed |= SR_CLAIMED_ACTOR;
	} else if (ssh_cert_actor(actor, sizeof(actor))) {
		m.actor_source = "ssh-cert";
		m.claimed |= SR_CLAIMED_ACTOR;
	} else {
		/* The login user survives su and sudo: the kernel keeps it. */
		struct passwd *lp = luid >= 0 ? getpwuid((uid_t)luid) : NULL;

		(void)strlcpy(actor, lp != NULL ? lp->pw_name : user,
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
	if ((v = sr_args_get(a, OPT_TARGET)) != NULL && *v != '\0') {
		m.target = v;
		m.claimed |= SR_CLAIMED_TARGET;
	} else
		m.target = m.host;
	if (ticket != NULL) {
		(void)strlcpy(tkt, ticket, sizeof(tkt));
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
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		m.cwd = cwd;

	/* What runs: the command, or the login shell. */
	if (a->argc > 0) {
		file = a->argv[0];
		argv = a->argv;
	} else {
		file = shell;
		v = strrchr(shell, '/');
		(void)snprintf(login0, sizeof(login0), "-%s",
		    v != NULL ? v + 1 : shell);
		login_argv[0] = login0;
		login_argv[1] = NULL;
		argv = login_argv;
	}
	{
		char **shown = shown_argv(argv, &cmd);

		m.argv = (const char *const *)shown;
		m.command = cmd.data;
		m.input = s.input;
		m.mask = s.input ? s.mask_name : "off";

		sr_tty_init(&tty, STDIN_FILENO);
		sr_tty_size(&tty, &m.rows, &m.cols);

		m.start_ns = sr_time_now();
		memset(&rc, 0, sizeof(rc));
		rc.t0_mono = sr_mono_ns();
		sr_error_clear(&err);
		if (sr_session_id_new(m.start_ns, sid, &err) != SR_OK)
			sr_errx(EXIT_RECORDER, "cannot make a session id: %s",
			    err.msg);
		m.session_id = sid;

		o.chunk_ns = s.chunk_ns;
		o.checkpoint_ns = s.checkpoint_ns;
		o.key = key;

		fd = create_file(&s, sid, m.start_ns, path, sizeof(path));
		sr_error_clear(&err);
		if (sr_recw_open(a->ctx, fd, &m, &o, &w, &err) != SR_OK) {
			(void)unlink(path);
			sr_warnx("cannot write '%s': %s", path, err.msg);
			syslog(LOG_AUTHPRIV | LOG_ALERT,
			    "refused a session for %s: cannot write %s: %s",
			    user, path, err.msg);
			exit(EXIT_RECORDER);
		}
		free_argv(shown);
		sr_buf_release(&cmd);
	}
	syslog(LOG_AUTHPRIV | LOG_NOTICE,
	    "session %s started: user=%s actor=%s%s%s file=%s", sid, user,
	    actor, m.src_ip != NULL ? " from=" : "",
	    m.src_ip != NULL ? m.src_ip : "", path);
	witness(w, SR_WITNESS_START);
	if (!a->quiet)
		sr_warnx("recording session %s to %s", sid, path);

	rc.ctx = a->ctx;
	rc.w = w;
	rc.mask = mask;
	rc.record_input = s.input;
	rc.on_error_continue = s.on_error_continue;
	rc.quiet = a->quiet;
	rc.session_id = sid;
	rc.path = path;
	rc.file = file;
	rc.argv = argv;
	rc.envp = envp = child_env(m.term, termvar, sizeof(termvar));
	rc.stall_ns = s.stall_ns;
	code = sr_relay_run(&rc, &tty);
	free(envp);
	witness(w, SR_WITNESS_SEAL);

	sr_recw_free(w);
	close(fd);
	sr_mask_free(mask);
	sr_key_free(key);
	sr_config_free(sysc);
	sr_config_free(userc);
	free((void *)shell);
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
		 "                      [--config FILE] [--] "
		 "[COMMAND [ARG ...]]",
	.help = "  -i, --input         also record input (keystrokes; "
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
