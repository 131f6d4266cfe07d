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
 * Shipping events: RFC 5424 syslog and the journal's native protocol,
 * each a datagram on a local socket.  Everything here is libc: the
 * privileged recorder links it, and linking libsystemd there would bring
 * a large library into a setuid-like process for one sendmsg().
 *
 * The caller is a recorder that must not stall a user's terminal because
 * a log daemon is slow or restarting, so the socket is non-blocking and
 * every wait is bounded by a budget; an event that does not fit in the
 * budget is dropped and counted rather than queued without bound.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sr-private.h"
#include "ship.h"

/* RFC 5424 6: header field lengths. */
#define HOST_MAX   255
#define APP_MAX	   48
#define PROCID_MAX 128
#define MSGID_MAX  32
#define SDNAME_MAX 32
/*
 * One structured-data value is cut here: the SD holds short key fields
 * (ids, addresses, a ticket), and a long one would eat the room of the
 * message itself.
 */
#define SD_VALUE_MAX	  255
#define BUDGET_DEFAULT_MS 100

struct sr_ship {
	enum sr_ship_kind kind;
	int fd;
	struct sockaddr_un sa;
	socklen_t salen;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char app[APP_MAX + 1];
	char host[HOST_MAX + 1];
	int facility;
	size_t max;
	unsigned budget_ms;
	int64_t fixed_ns;
	long pid;
	uint64_t dropped;
	struct sr_buf sd;  /* structured data / journal key fields */
	struct sr_buf out; /* the datagram */
};

static int
ship_errno(struct sr_ship *s, struct sr_error *err, enum sr_errcat cat,
    int errnum, const char *what)
{
	int r;

	r = sr_error_set(err, SR_FAILED, cat, s->path, NULL, "%s: %s", what,
	    strerror(errnum));
	if (err != NULL)
		err->errnum = errnum;
	return (r);
}

static int drop(struct sr_ship *, struct sr_error *, enum sr_errcat,
    const char *, ...) SR_PRINTF(4, 5);

/* Counts the event as dropped and says why: SR_FAILED. */
static int
drop(struct sr_ship *s, struct sr_error *err, enum sr_errcat cat,
    const char *fmt, ...)
{
	va_list ap;
	int r;

	s->dropped++;
	va_start(ap, fmt);
	r = sr_error_vset(err, SR_FAILED, cat, s->path, NULL, fmt, ap);
	va_end(ap);
	return (r);
}

/* Copies a header token: printable ASCII, others become '_', "-" if empty. */
static void
token_copy(char *dst, size_t dstlen, const char *src, size_t max)
{
	size_t i, n = 0;

	if (src != NULL)
		for (i = 0; src[i] != '\0' && n < max && n + 1 < dstlen; i++) {
			unsigned char c = (unsigned char)src[i];

			dst[n++] = (c > 32 && c < 127) ? (char)c : '_';
		}
	if (n == 0 && dstlen > 1)
		dst[n++] = '-';
	dst[n] = '\0';
}

/* Length of s[0..len) cut to at most max bytes, not inside a UTF-8 char. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n, back;

	if (len <= max)
		return (len);
	n = max;
	/* Back off continuation bytes so the cut lands before a lead byte. */
	for (back = 0;
	     n > 0 && back < 4 && ((unsigned char)s[n] & 0xc0) == 0x80; back++)
		n--;
	if (back == 4)
		n = max; /* not UTF-8 anyway: cut where asked */
	return (n);
}

static int
sd_name_ok(const char *k)
{
	size_t i;

	if (k == NULL || k[0] == '\0')
		return (0);
	for (i = 0; k[i] != '\0'; i++) {
		unsigned char c = (unsigned char)k[i];

		if (i >= SDNAME_MAX || c <= 32 || c >= 127 || c == '=' ||
		    c == ']' || c == '"')
			return (0);
	}
	return (1);
}

static int
ship_connect(struct sr_ship *s, struct sr_error *err)
{
	int fd, e;

	if (s->fd != -1) {
		(void)close(s->fd);
		s->fd = -1;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (ship_errno(s, err, SR_E_IO, errno, "socket"));
	if (connect(fd, (const struct sockaddr *)&s->sa, s->salen) == -1) {
		e = errno;
		(void)close(fd);
		return (ship_errno(s, err, SR_E_IO, e, "connect"));
	}
	s->fd = fd;
	return (SR_OK);
}

int
sr_ship_open(enum sr_ship_kind kind, const char *path, const char *app,
    struct sr_ship **sp, struct sr_error *err)
{
	struct sr_ship *s;
	char host[HOST_MAX + 2];
	size_t plen;
	int r;

	*sp = NULL;
	if (kind != SR_SHIP_SYSLOG && kind != SR_SHIP_JOURNAL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "unknown ship kind %d", (int)kind));
	if (path == NULL)
		path = kind == SR_SHIP_SYSLOG ? SR_SHIP_SYSLOG_PATH
					      : SR_SHIP_JOURNAL_PATH;
	plen = strlen(path);
	if (plen == 0 || plen >= sizeof(s->sa.sun_path))
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, path, NULL,
		    "socket path empty or longer than %zu bytes",
		    sizeof(s->sa.sun_path) - 1));
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_NOMEM, path, NULL,
		    "out of memory"));
	s->kind = kind;
	s->fd = -1;
	s->sa.sun_family = AF_UNIX;
	memcpy(s->sa.sun_path, path, plen + 1);
	s->salen =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
	memcpy(s->path, path, plen + 1);
	token_copy(s->app, sizeof(s->app), app != NULL ? app : "sessrec",
	    APP_MAX);
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	token_copy(s->host, sizeof(s->host), host, HOST_MAX);
	s->facility = LOG_AUTHPRIV;
	s->max = kind == SR_SHIP_SYSLOG ? SR_SHIP_SYSLOG_MAX_DEFAULT
					: SR_SHIP_JOURNAL_MAX_DEFAULT;
	s->budget_ms = BUDGET_DEFAULT_MS;
	/* Room for the cap plus what is built before it is checked. */
	sr_buf_init(&s->sd, 64 * 1024);
	sr_buf_init(&s->out, SR_SHIP_MAX_MAX + 64 * 1024);
	if ((r = ship_connect(s, err)) != SR_OK) {
		sr_ship_close(s);
		return (r);
	}
	*sp = s;
	return (SR_OK);
}

void
sr_ship_close(struct sr_ship *s)
{
	if (s == NULL)
		return;
	if (s->fd != -1)
		(void)close(s->fd);
	sr_buf_release(&s->sd);
	sr_buf_release(&s->out);
	free(s);
}

int
sr_ship_set_facility(struct sr_ship *s, int facility, struct sr_error *err)
{
	if (facility < 0 || facility > LOG_LOCAL7 || (facility & 7) != 0)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "invalid syslog facility %d", facility));
	s->facility = facility;
	return (SR_OK);
}

int
sr_ship_set_max(struct sr_ship *s, size_t max, struct sr_error *err)
{
	if (max < SR_SHIP_MAX_MIN || max > SR_SHIP_MAX_MAX)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "message size cap %zu outside %d..%d", max, SR_SHIP_MAX_MIN,
		    SR_SHIP_MAX_MAX));
	s->max = max;
	return (SR_OK);
}

void
sr_ship_set_budget(struct sr_ship *s, unsigned ms)
{
	s->budget_ms = ms;
}

int
sr_ship_set_hostname(struct sr_ship *s, const char *host, struct sr_error *err)
{
	char h[HOST_MAX + 2];

	if (host == NULL) {
		if (gethostname(h, sizeof(h)) == -1)
			return (
			    ship_errno(s, err, SR_E_IO, errno, "gethostname"));
		h[sizeof(h) - 1] = '\0';
		host = h;
	}
	token_copy(s->host, sizeof(s->host), host, HOST_MAX);
	return (SR_OK);
}

void
sr_ship_set_clock(struct sr_ship *s, int64_t epoch_ns, long pid)
{
	s->fixed_ns = epoch_ns;
	s->pid = pid;
}

uint64_t
sr_ship_dropped(const struct sr_ship *s)
{
	return (s->dropped);
}

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "kern", LOG_KERN },
	{ "user", LOG_USER },
	{ "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON },
	{ "auth", LOG_AUTH },
	{ "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR },
	{ "news", LOG_NEWS },
	{ "uucp", LOG_UUCP },
	{ "cron", LOG_CRON },
	{ "authpriv", LOG_AUTHPRIV },
	{ "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};

int
sr_ship_facility_parse(const char *name, int *facility)
{
	size_t i;

	for (i = 0; i < nitems(facilities); i++)
		if (strcmp(name, facilities[i].name) == 0) {
			*facility = facilities[i].value;
			return (0);
		}
	return (-1);
}

int
sr_ship_kind_parse(const char *name, enum sr_ship_kind *kind)
{
	if (strcmp(name, "syslog") == 0)
		*kind = SR_SHIP_SYSLOG;
	else if (strcmp(name, "journal") == 0)
		*kind = SR_SHIP_JOURNAL;
	else
		return (-1);
	return (0);
}

/* RFC 3339 with microseconds, UTC: "2026-11-25T03:37:20.123456Z". */
static void
format_ts(int64_t ns, char *buf, size_t len)
{
	struct tm tm;
	int64_t sec = ns / SR_NSEC_PER_SEC, rem = ns % SR_NSEC_PER_SEC;
	time_t t;

	if (rem < 0) {
		rem += SR_NSEC_PER_SEC;
		sec--;
	}
	t = (time_t)sec;
	if ((int64_t)t != sec || gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		(void)snprintf(buf, len, "-"); /* NILVALUE */
		return;
	}
	(void)snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (int)(rem / SR_NSEC_PER_USEC));
}

/* Appends an SD-PARAM value with '"', '\' and ']' escaped. */
static int
sd_escape(struct sr_buf *b, const char *v, size_t len)
{
	size_t i, start = 0;
	int r;

	for (i = 0; i < len; i++) {
		if (v[i] != '"' && v[i] != '\\' && v[i] != ']')
			continue;
		if ((r = sr_buf_append(b, v + start, i - start)) != SR_E_NONE ||
		    (r = sr_buf_putc(b, '\\')) != SR_E_NONE)
			return (r);
		start = i;
	}
	return (sr_buf_append(b, v + start, len - start));
}

/* Appends a journal field, in the binary-safe form if it holds '\n'. */
static int
journal_field(struct sr_buf *b, const char *key, const char *v, size_t len)
{
	unsigned char le[8];
	uint64_t n = len;
	size_t i;
	int r;

	if ((r = sr_buf_append(b, key, strlen(key))) != SR_E_NONE)
		return (r);
	if (memchr(v, '\n', len) == NULL) {
		if ((r = sr_buf_putc(b, '=')) != SR_E_NONE ||
		    (r = sr_buf_append(b, v, len)) != SR_E_NONE)
			return (r);
	} else {
		for (i = 0; i < 8; i++)
			le[i] = (unsigned char)(n >> (8 * i));
		if ((r = sr_buf_putc(b, '\n')) != SR_E_NONE ||
		    (r = sr_buf_append(b, le, sizeof(le))) != SR_E_NONE ||
		    (r = sr_buf_append(b, v, len)) != SR_E_NONE)
			return (r);
	}
	return (sr_buf_putc(b, '\n'));
}

/* Bytes journal_field() would append for a value of len bytes. */
static size_t
journal_field_size(const char *key, const char *v, size_t len)
{
	return (strlen(key) + len + 1 + (memchr(v, '\n', len) != NULL ? 8 : 1));
}

/* "SESSREC_" + the key upper-cased, other characters as '_'. */
static void
journal_key(char *dst, size_t dstlen, const char *key)
{
	size_t n, i;

	n = strlcpy(dst, "SESSREC_", dstlen);
	for (i = 0; key[i] != '\0' && n + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '_';
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
}

/*
 * Builds the key fields into s->sd: the SD-PARAMs (no brackets) for
 * syslog, the SESSREC_* lines for the journal.  *cut is set when a value
 * was cut to SD_VALUE_MAX.
 */
static int
build_sd(struct sr_ship *s, const struct sr_ship_kv *sd, size_t nsd, int *cut,
    struct sr_error *err)
{
	char jkey[8 + SDNAME_MAX + 1];
	size_t i, vlen, n;
	int r = SR_E_NONE;

	sr_buf_reset(&s->sd);
	*cut = 0;
	for (i = 0; i < nsd; i++) {
		if (!sd_name_ok(sd[i].key))
			return (sr_error_set(err, SR_FAILED, SR_E_MISUSE,
			    s->path, NULL, "invalid structured data name '%s'",
			    sd[i].key != NULL ? sd[i].key : "(null)"));
		if (sd[i].value == NULL)
			continue;
		vlen = strlen(sd[i].value);
		n = utf8_cut(sd[i].value, vlen, SD_VALUE_MAX);
		if (n < vlen)
			*cut = 1;
		if (s->kind == SR_SHIP_SYSLOG) {
			if ((r = sr_buf_printf(&s->sd, " %s=\"", sd[i].key)) !=
				SR_E_NONE ||
			    (r = sd_escape(&s->sd, sd[i].value, n)) !=
				SR_E_NONE ||
			    (r = sr_buf_putc(&s->sd, '"')) != SR_E_NONE)
				break;
		} else {
			journal_key(jkey, sizeof(jkey), sd[i].key);
			if ((r = journal_field(&s->sd, jkey, sd[i].value, n)) !=
			    SR_E_NONE)
				break;
		}
	}
	if (r != SR_E_NONE)
		return (sr_error_set(err, SR_FAILED, r, s->path, NULL,
		    "structured data too large"));
	return (SR_OK);
}

static int
build_syslog(struct sr_ship *s, int severity, const char *msgid,
    const char *msg, size_t len, int cut, int *truncated, struct sr_error *err)
{
	char ts[40], mid[MSGID_MAX + 1], pid[32];
	size_t fixed, room, sdl;
	int r;

	format_ts(s->fixed_ns != 0 ? s->fixed_ns : sr_time_now(), ts,
	    sizeof(ts));
	token_copy(mid, sizeof(mid), msgid, MSGID_MAX);
	(void)snprintf(pid, sizeof(pid), "%ld",
	    s->pid != 0 ? s->pid : (long)getpid());
	sr_buf_reset(&s->out);
	r = sr_buf_printf(&s->out, "<%d>1 %s %s %s %s %s ",
	    s->facility | severity, ts, s->host, s->app, pid, mid);
	if (r != SR_E_NONE)
		goto toolarge;
	/*
	 * All but MSG must fit: header, SD ("-" or "[ID params]"), the
	 * space before MSG.
	 */
	sdl =
	    s->sd.len == 0 && !cut ? 1 : sizeof(SR_SHIP_SD_ID) + 1 + s->sd.len;
	fixed = s->out.len + sdl + (len > 0);
	*truncated = cut || fixed + len > s->max;
	if (*truncated) {
		sdl = sizeof(SR_SHIP_SD_ID) + 1 + s->sd.len +
		    sizeof(" truncated=\"1\"") - 1;
		fixed = s->out.len + sdl + (len > 0);
	}
	if (fixed > s->max)
		return (drop(s, err, SR_E_LIMIT,
		    "header and structured data exceed the %zu-byte cap",
		    s->max));
	room = s->max - fixed;
	if (s->sd.len == 0 && !*truncated)
		r = sr_buf_putc(&s->out, '-');
	else {
		r = sr_buf_printf(&s->out, "[%s", SR_SHIP_SD_ID);
		if (r == SR_E_NONE)
			r = sr_buf_append(&s->out, s->sd.data, s->sd.len);
		if (r == SR_E_NONE && *truncated)
			r = sr_buf_printf(&s->out, " truncated=\"1\"");
		if (r == SR_E_NONE)
			r = sr_buf_putc(&s->out, ']');
	}
	if (r == SR_E_NONE && len > 0) {
		r = sr_buf_putc(&s->out, ' ');
		if (r == SR_E_NONE)
			r = sr_buf_append(&s->out, msg,
			    utf8_cut(msg, len, room));
	}
	if (r != SR_E_NONE)
		goto toolarge;
	return (SR_OK);
toolarge:
	return (drop(s, err, r, "cannot build the message"));
}

static int
build_journal(struct sr_ship *s, int severity, const char *msgid,
    const char *msg, size_t len, int cut, int *truncated, struct sr_error *err)
{
	static const char tflag[] = "SESSREC_TRUNCATED=1\n";
	char mid[MSGID_MAX + 1];
	size_t need, room;
	int r;

	token_copy(mid, sizeof(mid), msgid, MSGID_MAX);
	sr_buf_reset(&s->out);
	r = sr_buf_printf(&s->out,
	    "PRIORITY=%d\nSYSLOG_FACILITY=%d\nSYSLOG_IDENTIFIER=%s\n"
	    "SESSREC_MSGID=%s\n",
	    severity, s->facility >> 3, s->app, mid);
	if (r == SR_E_NONE)
		r = sr_buf_append(&s->out, s->sd.data, s->sd.len);
	if (r != SR_E_NONE)
		goto toolarge;
	need = s->out.len + journal_field_size("MESSAGE", msg, len);
	*truncated = cut || need > s->max;
	if (*truncated) {
		/* The overhead of MESSAGE itself, then the flag. */
		need = s->out.len + sizeof(tflag) - 1 +
		    journal_field_size("MESSAGE", msg, 0);
		if (need > s->max)
			return (drop(s, err, SR_E_LIMIT,
			    "journal fields exceed the %zu-byte cap", s->max));
		room = s->max - need;
		if ((r = sr_buf_append(&s->out, tflag, sizeof(tflag) - 1)) !=
		    SR_E_NONE)
			goto toolarge;
	} else
		room = len;
	if ((r = journal_field(&s->out, "MESSAGE", msg,
		 utf8_cut(msg, len, room))) != SR_E_NONE)
		goto toolarge;
	return (SR_OK);
toolarge:
	return (drop(s, err, r, "cannot build the message"));
}

static int
is_gone(int e)
{
	return (e == ECONNREFUSED || e == ENOTCONN || e == ECONNRESET ||
	    e == EPIPE || e == ENOENT || e == EDESTADDRREQ);
}

/*
 * Sends s->out.  A full queue is waited on until the budget runs out; a
 * daemon that went away (restarted: its socket replaced) is reconnected
 * once.
 */
static int
ship_send(struct sr_ship *s, struct sr_error *err)
{
	int64_t deadline, left;
	struct pollfd pfd;
	struct timespec ts;
	int reconnected = 0, e, r;
	ssize_t n;

	deadline = sr_time_mono() + (int64_t)s->budget_ms * SR_NSEC_PER_MSEC;
	for (;;) {
		if (s->fd == -1) {
			if ((r = ship_connect(s, err)) != SR_OK) {
				s->dropped++;
				return (r);
			}
			reconnected = 1;
		}
		n = send(s->fd, s->out.data, s->out.len, MSG_NOSIGNAL);
		if (n >= 0 && (size_t)n == s->out.len)
			return (SR_OK);
		e = n >= 0 ? EMSGSIZE : errno;
		if (e == EINTR)
			continue;
		if (is_gone(e) && !reconnected) {
			(void)close(s->fd);
			s->fd = -1;
			continue;
		}
		left = deadline - sr_time_mono();
		if ((e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) &&
		    left > 0) {
			if (e == ENOBUFS) {
				/* Memory pressure: nothing to poll on. */
				ts.tv_sec = 0;
				ts.tv_nsec = left < SR_NSEC_PER_MSEC
				    ? (long)left
				    : (long)SR_NSEC_PER_MSEC;
				(void)nanosleep(&ts, NULL);
			} else {
				pfd.fd = s->fd;
				pfd.events = POLLOUT;
				pfd.revents = 0;
				(void)poll(&pfd, 1,
				    (int)((left + SR_NSEC_PER_MSEC - 1) /
					SR_NSEC_PER_MSEC));
			}
			continue;
		}
		s->dropped++;
		return (ship_errno(s, err, e == EMSGSIZE ? SR_E_LIMIT : SR_E_IO,
		    e, "send"));
	}
}

/* A journal field name: [A-Z0-9_], 1..64, not starting with '_'. */
static int
journal_name_ok(const char *k)
{
	size_t i;

	if (k == NULL || k[0] == '\0' || k[0] == '_')
		return (0);
	for (i = 0; k[i] != '\0'; i++)
		if (i >= 64 ||
		    !((k[i] >= 'A' && k[i] <= 'Z') ||
			(k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return (0);
	return (1);
}

int
sr_ship_journal_fields(struct sr_ship *s, const struct sr_ship_kv *f, size_t n,
    struct sr_error *err)
{
	size_t i;
	int r = SR_E_NONE;

	if (s->kind != SR_SHIP_JOURNAL)
		return (
		    drop(s, err, SR_E_MISUSE, "raw fields need the journal"));
	sr_buf_reset(&s->out);
	for (i = 0; i < n && r == SR_E_NONE; i++) {
		if (f[i].value == NULL)
			continue;
		if (!journal_name_ok(f[i].key))
			return (drop(s, err, SR_E_MISUSE,
			    "bad journal field name '%s'",
			    f[i].key != NULL ? f[i].key : ""));
		r = journal_field(&s->out, f[i].key, f[i].value,
		    strlen(f[i].value));
	}
	if (r != SR_E_NONE || s->out.len > s->max)
		return (drop(s, err, SR_E_LIMIT,
		    "journal entry larger than the %zu-byte cap", s->max));
	return (ship_send(s, err));
}

int
sr_ship_event(struct sr_ship *s, int severity, const char *msgid,
    const struct sr_ship_kv *sd, size_t nsd, const char *json, size_t len,
    struct sr_error *err)
{
	int cut, truncated = 0, r;

	if (severity < LOG_EMERG || severity > LOG_DEBUG)
		return (drop(s, err, SR_E_MISUSE, "invalid syslog severity %d",
		    severity));
	if (json == NULL)
		len = 0;
	if ((r = build_sd(s, sd, nsd, &cut, err)) != SR_OK) {
		s->dropped++;
		return (r);
	}
	if (s->kind == SR_SHIP_SYSLOG)
		r = build_syslog(s, severity, msgid, json != NULL ? json : "",
		    len, cut, &truncated, err);
	else
		r = build_journal(s, severity, msgid, json != NULL ? json : "",
		    len, cut, &truncated, err);
	if (r != SR_OK)
		return (r);
	if ((r = ship_send(s, err)) != SR_OK)
		return (r);
	if (truncated)
		return (sr_error_set(err, SR_WARN, SR_E_LIMIT, s->path, NULL,
		    "message cut to the %zu-byte cap", s->max));
	return (SR_OK);
}
