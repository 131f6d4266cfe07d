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
 * sessrec-rec: the privileged recorder for bastion logins (sessrec-rec(8),
 * SECURITY.md §4).  Installed set-uid and set-gid to a dedicated account,
 * it works as a login shell, as sshd's ForceCommand and under "sh -c".
 *
 * Start-up hygiene comes first (P2, P3): signals, umask, the working
 * directory and rlimits are made ours, and nothing is read from the
 * environment but claims about the session (SSH_CONNECTION, TERM, the
 * ticket).  The configuration comes only from root-owned files under
 * SR_CONFDIR.  Then the recording is created by the recorder account,
 * and the process splits: the parent takes the account for all of its
 * ids, is not dumpable and cannot gain privileges, so the user can
 * neither signal, trace nor read it; the child becomes the user for all
 * of its ids, gets back the user's rlimits and runs the shell (P4).
 *
 * A pty the recorder owns carries a lock file, so that su or sudo -i
 * inside a recorded session runs the shell without a second recording
 * (P6); the outer recording marks the change of user instead.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "out.h"
#include "pty.h"
#include "recsess.h"

#define SYS_CONFIG   SR_CONFDIR "/sessrec.conf"
#define FSIZE_MIN    (1024LL * 1024 * 1024)
#define NOFILE_MIN   64
#define CPU_MIN	     86400 /* seconds */
#define CMD_MAX	     (64 * 1024)
#define TICKET_TRIES 3

/* The limits the recorder raises, given back to the user's command. */
static const int user_limits[] = { RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_CPU,
	RLIMIT_NPROC, RLIMIT_CORE };

struct priv {
	int secure;	     /* set-id: split the identities */
	uid_t ruid, svc_uid; /* the user, the recorder account */
	gid_t rgid, svc_gid;
	struct rlimit saved[nitems(user_limits)];
	const char *cwd;
	const char *home;
	const char *lock_dir;
	const char *session_id; /* for the lock file */
	int lock_fd;
	char lock_path[PATH_MAX];
};

static void __attribute__((noreturn)) usage(int code)
{
	(void)fprintf(code == 0 ? stdout : stderr,
	    "usage: sessrec-rec [-c COMMAND]\n"
	    "       (a login shell or sshd ForceCommand; see "
	    "sessrec-rec(8))\n");
	exit(code);
}

/* Signals as a fresh process has them: ignored ones survive execve. */
static void
reset_signals(void)
{
	struct sigaction sa;

	sr_pty_default_signals();
	memset(&sa, 0, sizeof(sa));
	/* A file size limit makes write() fail with EFBIG instead. */
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGXFSZ, &sa, NULL);
}

/*
 * SECURITY.md P3: the user's limits must not starve the recorder.  Soft
 * limits go up to the hard ones; hard limits the user lowered below what
 * a recording needs refuse the session (fail-closed).
 */
static void
raise_limits(struct priv *p)
{
	struct rlimit rl;
	size_t i;

	for (i = 0; i < nitems(user_limits); i++)
		if (getrlimit(user_limits[i], &p->saved[i]) != 0)
			sr_errx(REC_EXIT, "cannot read resource limits: %s",
			    strerror(errno));
	for (i = 0; i < nitems(user_limits); i++) {
		rl = p->saved[i];
		if (user_limits[i] == RLIMIT_CORE)
			rl.rlim_cur = rl.rlim_max = 0;
		else
			rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(user_limits[i], &rl);
	}
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0 ||
	    (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < FSIZE_MIN)) {
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for uid %ld: file size limit too low",
		    (long)p->ruid);
		sr_errx(REC_EXIT,
		    "the file size limit (RLIMIT_FSIZE, ulimit -f) is too low "
		    "to record this session");
	}
	/* A CPU limit would kill the recorder mid-session, unsealed. */
	if (getrlimit(RLIMIT_CPU, &rl) != 0 ||
	    (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < CPU_MIN)) {
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for uid %ld: CPU time limit too low",
		    (long)p->ruid);
		sr_errx(REC_EXIT,
		    "the CPU time limit (RLIMIT_CPU, ulimit -t) is too low "
		    "to record this session");
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < NOFILE_MIN) {
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "refused a session for uid %ld: open file limit too low",
		    (long)p->ruid);
		sr_errx(REC_EXIT,
		    "the open file limit (RLIMIT_NOFILE, ulimit -n) is too low "
		    "to record this session");
	}
}

/* The user's limits back, and the user's directory (home, else /). */
static void
restore_user(const struct priv *p)
{
	size_t i;

	for (i = 0; i < nitems(user_limits); i++)
		(void)setrlimit(user_limits[i], &p->saved[i]);
	if ((p->cwd == NULL || chdir(p->cwd) != 0) &&
	    (p->home == NULL || chdir(p->home) != 0))
		(void)chdir("/");
}

/* Becomes the user for good; -1 with errno set when it cannot. */
static int
become_user(const struct priv *p)
{
	if (!p->secure)
		return (0);
	if (setresgid(p->rgid, p->rgid, p->rgid) != 0 ||
	    setresuid(p->ruid, p->ruid, p->ruid) != 0)
		return (-1);
	/* Paranoia: the account must be out of reach now (root: never). */
	if (p->ruid != 0 && p->ruid != p->svc_uid &&
	    (setuid(p->svc_uid) == 0 || seteuid(p->svc_uid) == 0)) {
		errno = EPERM;
		return (-1);
	}
	return (0);
}

/* The child, on the session's pty, before anything of the user's runs. */
static int
child_setup(void *arg)
{
	const struct priv *p = arg;

	if (become_user(p) != 0)
		return (-1);
	/* After the change: a change of credentials clears it. */
	(void)prctl(PR_SET_PDEATHSIG, SIGHUP);
	restore_user(p);
	return (0);
}

/*
 * Marks the pty as recorded: LOCK_DIR/pts-N, locked for as long as we
 * live, with our pid, the session and the pty's device number.
 */
static void
lock_pty(struct priv *p, const char *slave)
{
	struct stat st;
	const char *n;
	char buf[128];
	int fd, len;

	if (p->lock_dir == NULL || strncmp(slave, "/dev/pts/", 9) != 0 ||
	    stat(slave, &st) != 0)
		return;
	n = slave + 9;
	if ((size_t)snprintf(p->lock_path, sizeof(p->lock_path), "%s/pts-%s",
		p->lock_dir, n) >= sizeof(p->lock_path))
		return;
	(void)unlink(p->lock_path);
	fd = open(p->lock_path,
	    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1 || fchmod(fd, 0644) != 0 || flock(fd, LOCK_EX) != 0) {
		/* Nested sessions would be recorded twice: no loss. */
		syslog(LOG_AUTHPRIV | LOG_WARNING,
		    "session %s: cannot lock %s: %s", p->session_id,
		    p->lock_path, strerror(errno));
		if (fd != -1)
			close(fd);
		p->lock_path[0] = '\0';
		return;
	}
	len = snprintf(buf, sizeof(buf), "%ld %s %llu\n", (long)getpid(),
	    p->session_id, (unsigned long long)st.st_rdev);
	if (len > 0)
		(void)write(fd, buf, (size_t)len);
	p->lock_fd = fd;
}

/* Takes the recorder's account for all ids, out of the user's reach. */
static int
become_recorder(const struct priv *p)
{
	if (!p->secure)
		return (0);
	if (setresgid(p->svc_gid, p->svc_gid, p->svc_gid) != 0 ||
	    setresuid(p->svc_uid, p->svc_uid, p->svc_uid) != 0)
		return (-1);
	/* No ptrace, no /proc/PID/{mem,fd,environ}, no core for the user. */
	if (prctl(PR_SET_DUMPABLE, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return (-1);
	return (0);
}

/* The parent, after the fork: lock the pty, then take the account. */
static int
parent_setup(void *arg, const char *slave)
{
	struct priv *p = arg;

	if (*slave != '\0')
		lock_pty(p, slave);
	return (become_recorder(p));
}

/*
 * The monitor (the command's parent on the pty) is the recorder's too:
 * the user can neither kill nor stop the process that reports how the
 * session ended.  It dies with the recorder.
 */
static int
monitor_setup(void *arg)
{
	const struct priv *p = arg;

	if (become_recorder(p) != 0)
		return (-1);
	(void)prctl(PR_SET_PDEATHSIG, SIGHUP);
	return (0);
}

/*
 * The session id of the live recorder that owns the pty on fd, or NULL:
 * its lock file is held, is the recorder's or root's, and names this
 * very device.
 */
static const char *
recorded_pty(const struct priv *p, int fd, char *sid, size_t len)
{
	char name[PATH_MAX], path[PATH_MAX], buf[128];
	struct stat tst, lst;
	unsigned long long rdev;
	long pid;
	ssize_t n;
	int lfd, held;

	if (p->lock_dir == NULL || !isatty(fd) ||
	    ttyname_r(fd, name, sizeof(name)) != 0 ||
	    strncmp(name, "/dev/pts/", 9) != 0 || fstat(fd, &tst) != 0)
		return (NULL);
	if ((size_t)snprintf(path, sizeof(path), "%s/pts-%s", p->lock_dir,
		name + 9) >= sizeof(path))
		return (NULL);
	if ((lfd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (NULL);
	held = flock(lfd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	n = read(lfd, buf, sizeof(buf) - 1);
	if (fstat(lfd, &lst) != 0 || !held || n <= 0 ||
	    (lst.st_uid != 0 && lst.st_uid != p->svc_uid) ||
	    (lst.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(lfd);
		return (NULL);
	}
	close(lfd);
	buf[n] = '\0';
	if (len < 27 || sscanf(buf, "%ld %26s %llu", &pid, sid, &rdev) != 3 ||
	    rdev != (unsigned long long)tst.st_rdev)
		return (NULL);
	return (sid);
}

/*
 * The configuration, from root's files only (P2).  One that exists but
 * does not count (writable by others, or on a path others may change)
 * refuses the session: falling back to the defaults would silently drop
 * its policy (tickets, who is recorded).
 */
static struct sr_config *
load_config(void)
{
	struct sr_config *c = NULL;
	struct sr_error err;
	int st;

	sr_error_clear(&err);
	st = sr_config_load(SYS_CONFIG, SR_CONFIG_SECURE_PATH, &c, &err);
	if (st != SR_OK) {
		char msg[SR_ERROR_PATH_MAX + SR_ERROR_MSG_MAX + 64];

		(void)sr_error_format(&err, msg, sizeof(msg));
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		    "refused a session: configuration %s", msg);
		sr_config_free(c);
		sr_errx(REC_EXIT, "configuration: %s", msg);
	}
	return (c);
}

/* Whether fd b is no terminal, or the same terminal as fd a. */
static int
same_tty(int a, int b)
{
	struct stat sa, sb;

	if (!isatty(b))
		return (1);
	return (fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	    sa.st_rdev == sb.st_rdev);
}

/*
 * The user's own terminal (sshd's pty) belongs to the user, who could
 * open it again from inside the session and read or write past the
 * recorder.  Exclusive mode makes every later open fail with EBUSY.
 */
static void
exclusive_tty(int on)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (isatty(fd) && ioctl(fd, on ? TIOCEXCL : TIOCNXCL) != 0 &&
		    on)
			syslog(LOG_AUTHPRIV | LOG_WARNING,
			    "cannot make the terminal exclusive: %s",
			    strerror(errno));
}

static void
exclusive_off(void)
{
	exclusive_tty(0);
}

/* Whether path names this program (sshd runs "SHELL -c FORCECOMMAND"). */
static int
is_self(const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *base = strrchr(path, '/');
	ssize_t n;

	/* The same file as our executable; else, by name. */
	if ((n = readlink("/proc/self/exe", a, sizeof(a) - 1)) > 0 &&
	    realpath(path, b) != NULL) {
		a[n] = '\0';
		return (strcmp(a, b) == 0);
	}
	return (strcmp(base != NULL ? base + 1 : path, "sessrec-rec") == 0);
}

/*
 * Splits a transfer command the way sh would, for the few forms sshd
 * hands over: words, '...' and "..." without expansions, backslashes.
 * Anything a shell would treat specially means "not a plain transfer".
 * Returns the word count, or -1.
 */
static int
split_words(const char *s, char *buf, size_t len, char **w, int maxw)
{
	size_t o = 0;
	int n = 0, inword = 0;
	char q = 0;

	for (; *s != '\0'; s++) {
		char c = *s;

		if (q == '\'') {
			if (c == '\'') {
				q = 0;
				continue;
			}
		} else if (q == '"') {
			if (c == '"') {
				q = 0;
				continue;
			}
			if (strchr("$`\\", c) != NULL)
				return (-1);
		} else if (c == ' ' || c == '\t') {
			if (inword) {
				if (o >= len)
					return (-1);
				buf[o++] = '\0';
				inword = 0;
			}
			continue;
		} else if (c == '\'' || c == '"') {
			q = c;
			if (!inword) {
				if (n >= maxw - 1)
					return (-1);
				w[n++] = buf + o;
				inword = 1;
			}
			continue;
		} else if (c == '\\') {
			if (*++s == '\0' || *s == '\n')
				return (-1);
			c = *s;
		} else if (strchr(";&|<>()$`*?[]{}~!#\n\r=%", c) != NULL &&
		    !(c == '=' && inword) && !(c == '%' && inword))
			return (-1);
		if (!inword) {
			if (n >= maxw - 1)
				return (-1);
			w[n++] = buf + o;
			inword = 1;
		}
		if (o >= len)
			return (-1);
		buf[o++] = c;
	}
	if (q != 0 || o >= len)
		return (-1);
	buf[o] = '\0';
	w[n] = NULL;
	return (n);
}

/*
 * Whether w is scp's server side, as an scp client asks for it: only the
 * server's own flags (-t or -f, and d r p v q), then "--" and paths.  A
 * client-side flag (-S program, -o option, -F, -J...) would make scp run
 * a program of the user's choosing, unrecorded.
 */
static int
scp_server(char *const *w, int n)
{
	int i, mode = 0;
	const char *f;

	for (i = 1; i < n && w[i][0] == '-'; i++) {
		if (strcmp(w[i], "--") == 0) {
			i++;
			break;
		}
		if (w[i][1] == '\0')
			return (0);
		for (f = w[i] + 1; *f != '\0'; f++) {
			if (*f == 't' || *f == 'f')
				mode |= *f == 't' ? 1 : 2;
			else if (strchr("drpvq", *f) == NULL)
				return (0);
		}
	}
	/* Exactly one direction, and at least one path. */
	return ((mode == 1 || mode == 2) && i < n);
}

/*
 * Whether cmd is a file transfer the system's own tools serve: "scp -t"
 * or "scp -f", "rsync --server" (never --daemon, which would read the
 * user's rsyncd.conf and its exec hooks), or the SFTP server.  The
 * program is named bare or by its configured path and always runs from
 * that path, so a look-alike of the user's cannot pass as a transfer.
 * Fills w with the words, w[0] the program to run.
 */
static int
is_transfer(const char *cmd, const struct rec_settings *s, char *buf,
    size_t len, char **w, int maxw)
{
	static const struct {
		const char *name, *path;
	} progs[] = {
		{ "scp", "/usr/bin/scp" },
		{ "rsync", "/usr/bin/rsync" },
	};
	int n, i;
	size_t k;

	if ((n = split_words(cmd, buf, len, w, maxw)) <= 0)
		return (0);
	if (strcmp(w[0], "internal-sftp") == 0 ||
	    strcmp(w[0], s->sftp_server) == 0 ||
	    strcmp(w[0], "sftp-server") == 0) {
		w[0] = (char *)s->sftp_server;
		return (1);
	}
	for (k = 0; k < nitems(progs); k++)
		if (strcmp(w[0], progs[k].name) == 0 ||
		    strcmp(w[0], progs[k].path) == 0)
			break;
	if (k == nitems(progs))
		return (0);
	w[0] = (char *)progs[k].path;
	if (k == 1) {
		/*
		 * The server side only: never a daemon (its rsyncd.conf has
		 * exec hooks), nor options that name programs to run.
		 */
		if (n < 2 || strcmp(w[1], "--server") != 0)
			return (0);
		for (i = 2; i < n; i++)
			if (strncmp(w[i], "--daemon", 8) == 0 ||
			    strncmp(w[i], "--config", 8) == 0 ||
			    strncmp(w[i], "--rsh", 5) == 0 ||
			    strncmp(w[i], "--rsync-path", 12) == 0 ||
			    strncmp(w[i], "--remote-option", 15) == 0)
				return (0);
		return (1);
	}
	return (scp_server(w, n));
}

/* Asks for the ticket on the terminal; NULL at EOF. */
static char *
ask_ticket(char *buf, size_t len)
{
	size_t n;

	(void)fputs("Ticket: ", stderr);
	(void)fflush(stderr);
	if (fgets(buf, (int)len, stdin) == NULL)
		return (NULL);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return (buf);
}

/* Runs argv as the user, unrecorded (nested, or policy); never returns. */
static void __attribute__((noreturn)) exec_unrecorded(struct priv *p,
    const char *file, char *const *argv, const char *shellvar)
{
	char termvar[80], term[70], **env, *extra[2];
	const char *t = getenv("TERM");

	if (p->secure)
		exclusive_tty(0); /* the shell runs on it directly */
	if (become_user(p) != 0)
		sr_errx(REC_EXIT, "cannot become the user: %s",
		    strerror(errno));
	restore_user(p);
	rec_term(term, sizeof(term), t);
	extra[0] = (char *)shellvar;
	extra[1] = NULL;
	env = rec_child_env(t != NULL ? term : NULL, termvar, sizeof(termvar),
	    p->secure, extra);
	closelog();
	execvpe(file, argv, env);
	sr_errx(errno == ENOENT ? 127 : 126, "cannot run '%s': %s", file,
	    strerror(errno));
}

int
main(int argc, char *argv[])
{
	static struct priv p;
	struct sr_config *cfg;
	struct rec_settings s;
	struct rec_who who;
	struct rec_job j;
	struct sr_ctx *ctx;
	const char *copt = NULL, *cmd = NULL, *shell, *ticket, *v;
	char cwd[PATH_MAX], sid[32], login0[PATH_MAX + 2], tbuf[300];
	char shellvar[PATH_MAX + 8], xfer_buf[CMD_MAX], *xw[256];
	char xfer_label[CMD_MAX + 16];
	char *shell_argv[4], dash_c[] = "-c";
	int login, i, code, tries;

	/* P2: before anything else. */
	p.secure = rec_secure_mode();
	p.ruid = getuid();
	p.rgid = getgid();
	p.svc_uid = geteuid();
	p.svc_gid = getegid();
	p.lock_fd = -1;
	sr_pty_fix_stdio();
	reset_signals();
	umask(077);
	sr_out_set_prog("sessrec-rec");
	openlog("sessrec-rec", LOG_PID, LOG_AUTHPRIV);

	login = argv[0] != NULL && argv[0][0] == '-';
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			copt = argv[++i];
		} else if (strcmp(argv[i], "-l") == 0 ||
		    strcmp(argv[i], "-i") == 0 ||
		    strcmp(argv[i], "--login") == 0) {
			continue; /* what shells accept: ignored */
		} else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			(void)printf("sessrec-rec %s (config %s)\n",
			    PACKAGE_VERSION, SYS_CONFIG);
			return (0);
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(0);
		} else {
			sr_warnx("unknown argument '%s'", argv[i]);
			usage(2);
		}
	}

	/*
	 * The user's terminal is exclusive before anything else happens, so
	 * that no process of the user's can open it again in the meantime.
	 * An unrecorded shell (nested, record = no) gets it back as it was.
	 */
	if (p.secure) {
		exclusive_tty(1);
		/* Every exit gives it back (refusals exit from deep down). */
		(void)atexit(exclusive_off);
	}
	if (!p.secure && p.ruid != 0) {
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		    "refused a session for uid %ld: sessrec-rec is not set-id",
		    (long)p.ruid);
		sr_errx(REC_EXIT,
		    "sessrec-rec is not installed set-id: a recording would "
		    "be the user's own (see sessrec-rec(8))");
	}
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		p.cwd = cwd;
	if (chdir("/") != 0)
		sr_errx(REC_EXIT, "cannot change directory to /: %s",
		    strerror(errno));
	raise_limits(&p);

	rec_who_init(&who, p.ruid);
	p.home = who.home;
	cfg = load_config();
	rec_settings_defaults(&s);
	rec_settings_config(&s, cfg, SYS_CONFIG, &who);
	p.lock_dir = s.lock_dir;

	/* The real shell: configuration, else passwd unless it is us. */
	if (s.shell != NULL)
		shell = s.shell;
	else if (!is_self(who.shell))
		shell = who.shell;
	else
		shell =
		    access("/bin/bash", X_OK) == 0 ? "/bin/bash" : "/bin/sh";
	(void)snprintf(shellvar, sizeof(shellvar), "SHELL=%s", shell);

	/* What runs: -c CMD, ForceCommand's original command, or a shell. */
	if (copt != NULL && !is_self(copt))
		cmd = copt;
	else if (copt != NULL || !login)
		cmd = getenv("SSH_ORIGINAL_COMMAND");
	if (cmd != NULL && *cmd == '\0')
		cmd = NULL;
	if (cmd != NULL && strlen(cmd) >= CMD_MAX)
		sr_errx(REC_EXIT, "command too long");
	if (cmd != NULL) {
		shell_argv[0] = (char *)shell;
		shell_argv[1] = dash_c;
		shell_argv[2] = (char *)cmd;
		shell_argv[3] = NULL;
	} else {
		v = strrchr(shell, '/');
		(void)snprintf(login0, sizeof(login0), "-%s",
		    v != NULL ? v + 1 : shell);
		shell_argv[0] = login0;
		shell_argv[1] = NULL;
	}

	/*
	 * P6: a pty already recorded (su, sudo -i inside a session): the
	 * terminal we read from is it, and so is any other we write to.
	 */
	if (recorded_pty(&p, STDIN_FILENO, sid, sizeof(sid)) != NULL &&
	    same_tty(STDIN_FILENO, STDOUT_FILENO) &&
	    same_tty(STDIN_FILENO, STDERR_FILENO)) {
		syslog(LOG_AUTHPRIV | LOG_NOTICE,
		    "nested session for %s inside session %s: not recorded "
		    "again",
		    who.user, sid);
		exec_unrecorded(&p, shell, shell_argv, shellvar);
	}
	if (!s.record) {
		syslog(LOG_AUTHPRIV | LOG_NOTICE,
		    "session for %s not recorded (record = no)", who.user);
		exec_unrecorded(&p, shell, shell_argv, shellvar);
	}

	memset(&j, 0, sizeof(j));
	/* P7: transfers have no terminal and a plain command line. */
	if (cmd != NULL && !isatty(STDIN_FILENO) &&
	    s.transfers != REC_XFER_RECORD &&
	    is_transfer(cmd, &s, xfer_buf, sizeof(xfer_buf), xw,
		(int)nitems(xw))) {
		if (s.transfers == REC_XFER_REFUSE) {
			syslog(LOG_AUTHPRIV | LOG_WARNING,
			    "refused a transfer for %s: %s", who.user, cmd);
			sr_errx(REC_EXIT, "file transfers are not allowed");
		}
		if (s.transfers == REC_XFER_SKIP) {
			syslog(LOG_AUTHPRIV | LOG_NOTICE,
			    "transfer for %s not recorded: %s", who.user, cmd);
			exec_unrecorded(&p, xw[0], xw, shellvar);
		}
		(void)snprintf(xfer_label, sizeof(xfer_label), "transfer: %s",
		    cmd);
		j.transfer = xfer_label;
	}

	/* The ticket: a claim from the client, asked for when needed. */
	ticket = getenv("SESSREC_TICKET");
	if (ticket != NULL && *ticket == '\0')
		ticket = NULL;
	for (tries = 0;; tries++) {
		int why = rec_ticket_check(cfg, SYS_CONFIG, ticket, &who);

		if (why == 0)
			break;
		if (tries >= TICKET_TRIES || !isatty(STDIN_FILENO) ||
		    j.transfer != NULL) {
			rec_ticket_policy(cfg, SYS_CONFIG, ticket, &who);
			break;
		}
		if (why == REC_TICKET_BAD)
			sr_warnx("ticket '%s' does not match the required "
				 "format",
			    ticket);
		if ((ticket = ask_ticket(tbuf, sizeof(tbuf))) == NULL)
			rec_ticket_policy(cfg, SYS_CONFIG, NULL, &who);
	}

	if ((ctx = sr_ctx_new()) == NULL)
		sr_errx(REC_EXIT, "out of memory");
	j.ctx = ctx;
	j.s = &s;
	j.cfg = cfg;
	j.cpath = SYS_CONFIG;
	j.who = &who;
	j.quiet = 1;
	j.notice = s.notice;
	j.ticket = ticket;
	j.cwd = p.cwd;
	if (j.transfer != NULL) {
		j.file = xw[0];
		j.argv = xw;
	} else {
		j.file = shell;
		j.argv = shell_argv;
	}
	j.extra_env = shellvar;
	j.user_fsuid = p.secure;
	j.mark_uid_changes = 1;
	j.pipe_mode = 1; /* used when stdin is no terminal, as sshd does */
	j.parent_setup = parent_setup;
	j.child_setup = child_setup;
	j.monitor_setup = monitor_setup;
	j.setup_arg = &p;
	p.session_id = j.session_id;
	code = rec_run(&j);
	if (p.secure) /* the terminal may outlive us (su, a shell) */
		exclusive_tty(0);

	if (p.lock_path[0] != '\0')
		(void)unlink(p.lock_path);
	if (p.lock_fd != -1)
		close(p.lock_fd);
	sr_ctx_free(ctx);
	sr_config_free(cfg);
	rec_who_free(&who);
	closelog();
	return (code);
}
