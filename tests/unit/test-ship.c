/* SPDX-License-Identifier: ISC */

/*
 * lib/ship.c: RFC 5424 datagrams and journal native-protocol datagrams,
 * checked byte for byte against a socket the test binds; the size cap and
 * its truncation flag (never cutting inside a UTF-8 character); SD-PARAM
 * escaping; reconnecting after the daemon's socket is replaced; a full
 * queue costing at most the retry budget.
 *
 * With "--send KIND SOCKET MSGID JSON [KEY=VALUE...]" the binary sends
 * one event and exits: tests/integ/i-ship.sh drives a real rsyslogd with
 * it.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "unit.h"
#include "ship.h"

#define T_NS	 1764041840123456789LL /* 2025-11-25T03:37:20.123456Z */
#define T_STR	 "2025-11-25T03:37:20.123456Z"
#define SYSHDR	 "<86>1 " T_STR " h sessrec 42 "
#define JHDR	 "PRIORITY=6\nSYSLOG_FACILITY=10\nSYSLOG_IDENTIFIER=sessrec\n"
#define MAXDGRAM (SR_SHIP_MAX_MAX + 1)

/* A datagram socket standing in for /dev/log or journald. */
struct srv {
	char dir[32];
	char path[64];
	int fd;
};

static void
srv_bind(struct srv *v, const char *dir)
{
	struct sockaddr_un sa;

	if (dir == NULL) {
		(void)snprintf(v->dir, sizeof(v->dir), "/tmp/sr-ship-XXXXXX");
		assert_non_null(mkdtemp(v->dir));
		(void)snprintf(v->path, sizeof(v->path), "%s/log", v->dir);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", v->path);
	v->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(v->fd >= 0);
	if (bind(v->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		fail_msg("bind %s: %s", v->path, strerror(errno));
}

/* Closes and unlinks the socket (a daemon going away). */
static void
srv_down(struct srv *v)
{
	if (v->fd != -1)
		(void)close(v->fd);
	v->fd = -1;
	(void)unlink(v->path);
}

static void
srv_free(struct srv *v)
{
	srv_down(v);
	(void)rmdir(v->dir);
}

/* One pending datagram, or -1 when there is none. */
static ssize_t
srv_recv(struct srv *v, char *buf, size_t len)
{
	return (recv(v->fd, buf, len, MSG_DONTWAIT));
}

static struct sr_ship *
ship_new(enum sr_ship_kind kind, const struct srv *v)
{
	struct sr_ship *s = NULL;
	struct sr_error err;

	sr_error_clear(&err);
	if (sr_ship_open(kind, v->path, NULL, &s, &err) != SR_OK)
		fail_msg("sr_ship_open %s: %s", v->path, err.msg);
	sr_ship_set_clock(s, T_NS, 42);
	assert_int_equal(sr_ship_set_hostname(s, "h", &err), SR_OK);
	return (s);
}

/* Text with a repeated tail: prefix + n copies of pad. */
struct text {
	const char *s;
	const char *pad;
	size_t n;
	size_t len;	 /* of s; 0: strlen (for embedded NULs) */
	const char *end; /* after the copies, or NULL */
};

static char *
text_build(const struct text *t, size_t *lenp)
{
	size_t sl = t->len ? t->len : (t->s ? strlen(t->s) : 0);
	size_t pl = t->pad ? strlen(t->pad) : 0, i;
	size_t el = t->end ? strlen(t->end) : 0;
	char *p;

	assert_non_null(p = malloc(sl + pl * t->n + el + 1));
	if (sl)
		memcpy(p, t->s, sl);
	for (i = 0; i < t->n; i++)
		memcpy(p + sl + i * pl, t->pad, pl);
	if (el)
		memcpy(p + sl + pl * t->n, t->end, el);
	*lenp = sl + pl * t->n + el;
	p[*lenp] = '\0';
	return (p);
}

#define KV(k, v)                                                               \
	{                                                                      \
		(k), (v)                                                       \
	}
#define NSD 8
#define NOSD                                                                   \
	{                                                                      \
		KV(NULL, NULL)                                                 \
	}
/* clang-format off */
#define T(s)		  { (s), NULL, 0, 0, NULL }
#define TP(s, pad, n)	  { (s), (pad), (n), 0, NULL }
#define TPE(s, pad, n, e) { (s), (pad), (n), 0, (e) }
#define TL(s, len)	  { (s), NULL, 0, (len), NULL }
/* clang-format on */

static const char long255[] =
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "012345678901234567890123456789012345678901234";
/* long255 and then more: cut back to long255. */
static const char long300[] =
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "012345678901234567890123456789012345678901234"
    "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDE";

static const struct dgram_case {
	const char *name;
	enum sr_ship_kind kind;
	int facility; /* -1: the default */
	int severity;
	const char *msgid;
	struct sr_ship_kv sd[NSD];
	struct text json;
	size_t max; /* 0: the default */
	int want_status;
	enum sr_errcat want_cat;
	struct text want; /* NULL s: nothing sent */
} dgram_cases[] = {
	{ "syslog session start", SR_SHIP_SYSLOG, -1, LOG_INFO, "session_start",
	    { KV("session_id", "01JD7Q1V0R4M5N6P7Q8R9S0T1V"),
		KV("actor", "alice"), KV("src_ip", "192.0.2.7"),
		KV("target", "root@db1"), KV("ticket", "CHG-1"),
		KV("host", "bastion"), KV("type", "session_start") },
	    T("{\"type\":\"session_start\",\"actor\":\"alice\"}"), 0, SR_OK,
	    SR_E_NONE,
	    T(SYSHDR
		"session_start [sessrec@32473 "
		"session_id=\"01JD7Q1V0R4M5N6P7Q8R9S0T1V\" actor=\"alice\" "
		"src_ip=\"192.0.2.7\" target=\"root@db1\" ticket=\"CHG-1\" "
		"host=\"bastion\" type=\"session_start\"] "
		"{\"type\":\"session_start\",\"actor\":\"alice\"}") },
	{ "syslog sd escaping", SR_SHIP_SYSLOG, -1, LOG_INFO, "command",
	    { KV("target", "a\"b\\c]d"), KV("ticket", "]]\"") }, T("{}"), 0,
	    SR_OK, SR_E_NONE,
	    T(SYSHDR "command [sessrec@32473 target=\"a\\\"b\\\\c\\]d\" "
		     "ticket=\"\\]\\]\\\"\"] {}") },
	{ "syslog utf-8 value kept", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("actor", "j\xc3\xbcrgen") }, T("{\"a\":\"\xe2\x82\xac\"}"), 0,
	    SR_OK, SR_E_NONE,
	    T(SYSHDR "x [sessrec@32473 actor=\"j\xc3\xbcrgen\"] "
		     "{\"a\":\"\xe2\x82\xac\"}") },
	{ "syslog no sd no msgid", SR_SHIP_SYSLOG, -1, LOG_INFO, NULL, NOSD,
	    T("{}"), 0, SR_OK, SR_E_NONE, T(SYSHDR "- - {}") },
	{ "syslog null values left out", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("actor", NULL), KV("ticket", "T"), KV("src_ip", NULL) },
	    T("{}"), 0, SR_OK, SR_E_NONE,
	    T(SYSHDR "x [sessrec@32473 ticket=\"T\"] {}") },
	{ "syslog all values null", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("actor", NULL) }, T("{}"), 0, SR_OK, SR_E_NONE,
	    T(SYSHDR "x - {}") },
	{ "syslog empty message", SR_SHIP_SYSLOG, -1, LOG_INFO, "x", NOSD,
	    T(""), 0, SR_OK, SR_E_NONE, T(SYSHDR "x -") },
	{ "syslog msgid sanitized", SR_SHIP_SYSLOG, -1, LOG_INFO, "a b\x01\xc3",
	    NOSD, T("{}"), 0, SR_OK, SR_E_NONE, T(SYSHDR "a_b__ - {}") },
	{ "syslog msgid cut to 32", SR_SHIP_SYSLOG, -1, LOG_INFO,
	    "0123456789abcdef0123456789abcdefXYZ", NOSD, T("{}"), 0, SR_OK,
	    SR_E_NONE, T(SYSHDR "0123456789abcdef0123456789abcdef - {}") },
	{ "syslog facility local3 warning", SR_SHIP_SYSLOG, LOG_LOCAL3,
	    LOG_WARNING, "x", NOSD, T("{}"), 0, SR_OK, SR_E_NONE,
	    T("<156>1 " T_STR " h sessrec 42 x - {}") },
	{ "syslog facility user emerg", SR_SHIP_SYSLOG, LOG_USER, LOG_EMERG,
	    "x", NOSD, T("{}"), 0, SR_OK, SR_E_NONE,
	    T("<8>1 " T_STR " h sessrec 42 x - {}") },
	{ "syslog exactly at the cap", SR_SHIP_SYSLOG, -1, LOG_INFO, "x", NOSD,
	    TP("", "x", 480 - sizeof(SYSHDR "x - ") + 1), 480, SR_OK, SR_E_NONE,
	    TP(SYSHDR "x - ", "x", 480 - sizeof(SYSHDR "x - ") + 1) },
	{ "syslog cap cuts message", SR_SHIP_SYSLOG, -1, LOG_INFO, "x", NOSD,
	    TP("", "x", 600), 480, SR_WARN, SR_E_LIMIT,
	    TP(SYSHDR "x [sessrec@32473 truncated=\"1\"] ", "x",
		480 - sizeof(SYSHDR "x [sessrec@32473 truncated=\"1\"] ") +
		    1) },
	/* Header and SD take 79 bytes: 401 of room, cut back to 400. */
	{ "syslog cap never splits utf-8", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    NOSD, TP("", "\xc3\xa9", 300), 480, SR_WARN, SR_E_LIMIT,
	    TP(SYSHDR "x [sessrec@32473 truncated=\"1\"] ", "\xc3\xa9", 200) },
	{ "syslog cap keeps sd", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("actor", "alice") }, TP("", "x", 600), 480, SR_WARN,
	    SR_E_LIMIT,
	    TP(SYSHDR "x [sessrec@32473 actor=\"alice\" truncated=\"1\"] ", "x",
		480 -
		    sizeof(SYSHDR "x [sessrec@32473 actor=\"alice\" "
				  "truncated=\"1\"] ") +
		    1) },
	{ "syslog long sd value cut", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("target", long300), KV("ticket", "T") }, T("{}"), 0, SR_WARN,
	    SR_E_LIMIT, T(SYSHDR "x [sessrec@32473 target=\"") },
	{ "syslog bad sd name space", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("a b", "v") }, T("{}"), 0, SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog bad sd name equals", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("ok", "v"), KV("a=b", "v") }, T("{}"), 0, SR_FAILED,
	    SR_E_MISUSE, T(NULL) },
	{ "syslog bad sd name quote", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("a\"", "v") }, T("{}"), 0, SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog bad sd name bracket", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("a]", "v") }, T("{}"), 0, SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog bad sd name empty", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("", "v") }, T("{}"), 0, SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog bad sd name 33 bytes", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("0123456789abcdef0123456789abcdefX", "v") }, T("{}"), 0,
	    SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog bad severity", SR_SHIP_SYSLOG, -1, 8, "x", NOSD, T("{}"), 0,
	    SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog negative severity", SR_SHIP_SYSLOG, -1, -1, "x", NOSD,
	    T("{}"), 0, SR_FAILED, SR_E_MISUSE, T(NULL) },
	{ "syslog sd over the cap", SR_SHIP_SYSLOG, -1, LOG_INFO, "x",
	    { KV("a", long255), KV("b", long255) }, T("{}"), 480, SR_FAILED,
	    SR_E_LIMIT, T(NULL) },
	{ "journal session start", SR_SHIP_JOURNAL, -1, LOG_INFO,
	    "session_start",
	    { KV("session_id", "S1"), KV("src_ip", "192.0.2.7"),
		KV("actor", NULL), KV("target", "a\"b]") },
	    T("{\"type\":\"session_start\"}"), 0, SR_OK, SR_E_NONE,
	    T(JHDR "SESSREC_MSGID=session_start\nSESSREC_SESSION_ID=S1\n"
		   "SESSREC_SRC_IP=192.0.2.7\nSESSREC_TARGET=a\"b]\n"
		   "MESSAGE={\"type\":\"session_start\"}\n") },
	{ "journal key mapping", SR_SHIP_JOURNAL, -1, LOG_INFO, NULL,
	    { KV("src-ip.v4", "x"), KV("Mixed9", "y") }, T("{}"), 0, SR_OK,
	    SR_E_NONE,
	    T(JHDR "SESSREC_MSGID=-\nSESSREC_SRC_IP_V4=x\nSESSREC_MIXED9=y\n"
		   "MESSAGE={}\n") },
	{ "journal facility and priority", SR_SHIP_JOURNAL, LOG_LOCAL0, LOG_ERR,
	    "x", NOSD, T("{}"), 0, SR_OK, SR_E_NONE,
	    T("PRIORITY=3\nSYSLOG_FACILITY=16\nSYSLOG_IDENTIFIER=sessrec\n"
	      "SESSREC_MSGID=x\nMESSAGE={}\n") },
	{ "journal newline in message", SR_SHIP_JOURNAL, -1, LOG_INFO, "x",
	    NOSD, T("a\nb"), 0, SR_OK, SR_E_NONE,
	    TL(JHDR "SESSREC_MSGID=x\nMESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n",
		sizeof(JHDR "SESSREC_MSGID=x\nMESSAGE\n") - 1 + 8 + 4) },
	{ "journal newline in field", SR_SHIP_JOURNAL, -1, LOG_INFO, "x",
	    { KV("target", "l1\nl2") }, T("{}"), 0, SR_OK, SR_E_NONE,
	    TL(JHDR
		"SESSREC_MSGID=x\nSESSREC_TARGET\n\x05\0\0\0\0\0\0\0l1\nl2\n"
		"MESSAGE={}\n",
		sizeof(JHDR "SESSREC_MSGID=x\nSESSREC_TARGET\n") - 1 + 8 + 6 +
		    sizeof("MESSAGE={}\n") - 1) },
	{ "journal cap cuts message", SR_SHIP_JOURNAL, -1, LOG_INFO, "x", NOSD,
	    TP("", "x", 600), 480, SR_WARN, SR_E_LIMIT,
	    TPE(JHDR "SESSREC_MSGID=x\nSESSREC_TRUNCATED=1\nMESSAGE=", "x",
		480 -
		    sizeof(JHDR "SESSREC_MSGID=x\nSESSREC_TRUNCATED=1\n"
				"MESSAGE=\n") +
		    1,
		"\n") },
	{ "journal bad sd name", SR_SHIP_JOURNAL, -1, LOG_INFO, "x",
	    { KV("a b", "v") }, T("{}"), 0, SR_FAILED, SR_E_MISUSE, T(NULL) },
};

static void
test_datagrams(void **state)
{
	static char got[MAXDGRAM];
	struct sr_error err;
	struct sr_ship *s;
	struct srv v;
	size_t i, nsd, jlen, wlen;
	char *json, *want;
	ssize_t n;
	int r;

	(void)state;
	for (i = 0; i < nitems(dgram_cases); i++) {
		const struct dgram_case *c = &dgram_cases[i];

		srv_bind(&v, NULL);
		s = ship_new(c->kind, &v);
		sr_error_clear(&err);
		if (c->facility != -1)
			assert_int_equal(sr_ship_set_facility(s, c->facility,
					     &err),
			    SR_OK);
		if (c->max != 0)
			assert_int_equal(sr_ship_set_max(s, c->max, &err),
			    SR_OK);
		for (nsd = 0; nsd < NSD && c->sd[nsd].key != NULL; nsd++)
			;
		json = text_build(&c->json, &jlen);
		r = sr_ship_event(s, c->severity, c->msgid, c->sd, nsd, json,
		    jlen, &err);
		if (r != c->want_status || err.cat != c->want_cat)
			fail_msg("%s: status %d cat %d (want %d %d): %s",
			    c->name, r, (int)err.cat, c->want_status,
			    (int)c->want_cat, err.msg);
		n = srv_recv(&v, got, sizeof(got));
		if (c->want.s == NULL) {
			if (n >= 0)
				fail_msg("%s: sent %zd bytes, want none",
				    c->name, n);
			if (sr_ship_dropped(s) != 1)
				fail_msg("%s: dropped %llu", c->name,
				    (unsigned long long)sr_ship_dropped(s));
		} else if (strcmp(c->name, "syslog long sd value cut") == 0) {
			/* Value cut at 255, the flag set, message whole. */
			want = text_build(&c->want, &wlen);
			if (n < 0 || memcmp(got, want, wlen) != 0 ||
			    memcmp(got + wlen, long255, 255) != 0 ||
			    memcmp(got + wlen + 255,
				"\" ticket=\"T\" truncated=\"1\"] {}",
				30) != 0 ||
			    (size_t)n != wlen + 255 + 30)
				fail_msg("%s: got %.*s", c->name, (int)n, got);
			free(want);
		} else {
			want = text_build(&c->want, &wlen);
			if (n < 0)
				fail_msg("%s: nothing sent", c->name);
			if ((size_t)n != wlen || memcmp(got, want, wlen) != 0)
				fail_msg("%s: got %zd bytes\n%.*s\nwant "
					 "%zu\n%s",
				    c->name, n, (int)n, got, wlen, want);
			if (c->max != 0 && (size_t)n > c->max)
				fail_msg("%s: %zd bytes over the cap", c->name,
				    n);
			free(want);
			if (srv_recv(&v, got, sizeof(got)) >= 0)
				fail_msg("%s: a second datagram", c->name);
		}
		free(json);
		sr_ship_close(s);
		srv_free(&v);
	}
}

static const struct open_case {
	const char *name;
	int kind;
	const char *path; /* "@": the test's socket; "@dir": its directory */
	int want_status;
	enum sr_errcat want_cat;
	int want_errnum;
} open_cases[] = {
	{ "syslog ok", SR_SHIP_SYSLOG, "@", SR_OK, SR_E_NONE, 0 },
	{ "journal ok", SR_SHIP_JOURNAL, "@", SR_OK, SR_E_NONE, 0 },
	{ "bad kind", 7, "@", SR_FAILED, SR_E_MISUSE, 0 },
	{ "missing socket", SR_SHIP_SYSLOG, "/nonexistent/sr-ship/log",
	    SR_FAILED, SR_E_IO, ENOENT },
	{ "not a socket", SR_SHIP_SYSLOG, "/dev/null", SR_FAILED, SR_E_IO,
	    ECONNREFUSED },
	{ "empty path", SR_SHIP_SYSLOG, "", SR_FAILED, SR_E_MISUSE, 0 },
	{ "path too long", SR_SHIP_SYSLOG,
	    "/tmp/0123456789012345678901234567890123456789012345678901234567"
	    "890123456789012345678901234567890123456789012345678901234567890",
	    SR_FAILED, SR_E_MISUSE, 0 },
};

static void
test_open(void **state)
{
	struct sr_error err;
	struct sr_ship *s;
	struct srv v;
	const char *path;
	size_t i;
	int r;

	(void)state;
	srv_bind(&v, NULL);
	for (i = 0; i < nitems(open_cases); i++) {
		const struct open_case *c = &open_cases[i];

		path = strcmp(c->path, "@") == 0 ? v.path : c->path;
		sr_error_clear(&err);
		s = (struct sr_ship *)&err; /* must be reset to NULL */
		r = sr_ship_open((enum sr_ship_kind)c->kind, path, "t", &s,
		    &err);
		if (r != c->want_status || err.cat != c->want_cat ||
		    err.errnum != c->want_errnum)
			fail_msg("%s: status %d cat %d errno %d: %s", c->name,
			    r, (int)err.cat, err.errnum, err.msg);
		if ((r == SR_OK) != (s != NULL))
			fail_msg("%s: handle %p with status %d", c->name,
			    (void *)s, r);
		if (r != SR_OK && c->want_cat == SR_E_IO &&
		    strcmp(err.path, path) != 0)
			fail_msg("%s: error path '%s'", c->name, err.path);
		sr_ship_close(s);
	}
	srv_free(&v);
}

/* Sends "{}" and says whether v received it. */
static int
send_one(struct sr_ship *s, struct srv *v, struct sr_error *err, int *status)
{
	char got[1024];

	sr_error_clear(err);
	*status = sr_ship_event(s, LOG_INFO, "x", NULL, 0, "{}", 2, err);
	return (v->fd != -1 && srv_recv(v, got, sizeof(got)) > 0);
}

/*
 * A daemon restart: the socket is closed and a new one bound at the same
 * path.  The next event must reach the new socket; while nobody listens,
 * events are dropped with an I/O error and counted, and the sender comes
 * back by itself once the socket is there again.
 */
static void
test_reconnect(void **state)
{
	static const enum sr_ship_kind kinds[] = { SR_SHIP_SYSLOG,
		SR_SHIP_JOURNAL };
	struct sr_error err;
	struct sr_ship *s;
	struct srv v;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < nitems(kinds); i++) {
		srv_bind(&v, NULL);
		s = ship_new(kinds[i], &v);
		if (!send_one(s, &v, &err, &r) || r != SR_OK)
			fail_msg("kind %zu: first event lost: %s", i, err.msg);
		/* Replaced while we were connected. */
		srv_down(&v);
		srv_bind(&v, v.dir);
		if (!send_one(s, &v, &err, &r) || r != SR_OK)
			fail_msg("kind %zu: lost after restart: %d %s", i, r,
			    err.msg);
		/* Gone: dropped, counted, named. */
		srv_down(&v);
		(void)send_one(s, &v, &err, &r);
		if (r != SR_FAILED || err.cat != SR_E_IO ||
		    (err.errnum != ENOENT && err.errnum != ECONNREFUSED))
			fail_msg("kind %zu: daemon gone: %d %d %s", i, r,
			    err.errnum, err.msg);
		assert_int_equal(sr_ship_dropped(s), 1);
		(void)send_one(s, &v, &err, &r);
		assert_int_equal(r, SR_FAILED);
		assert_int_equal(sr_ship_dropped(s), 2);
		/* Back. */
		srv_bind(&v, v.dir);
		if (!send_one(s, &v, &err, &r) || r != SR_OK)
			fail_msg("kind %zu: not back: %d %s", i, r, err.msg);
		assert_int_equal(sr_ship_dropped(s), 2);
		sr_ship_close(s);
		srv_free(&v);
	}
}

/*
 * A daemon that stops reading: sends fill its queue, then each send
 * waits at most the budget and drops.  Reading frees room and sending
 * works again.
 */
static void
test_queue_full(void **state)
{
	static const unsigned budgets[] = { 0, 30, 120 };
	struct sr_error err;
	struct sr_ship *s;
	struct srv v;
	char got[1024];
	int64_t t0, took;
	size_t i, sent;
	int r;

	(void)state;
	for (i = 0; i < nitems(budgets); i++) {
		srv_bind(&v, NULL);
		s = ship_new(SR_SHIP_SYSLOG, &v);
		sr_ship_set_budget(s, budgets[i]);
		for (sent = 0; sent < 100000; sent++) {
			t0 = sr_time_mono();
			r = sr_ship_event(s, LOG_INFO, "x", NULL, 0, "{}", 2,
			    &err);
			if (r != SR_OK)
				break;
		}
		took = sr_time_mono() - t0;
		if (r != SR_FAILED || err.cat != SR_E_IO ||
		    err.errnum != EAGAIN)
			fail_msg("budget %u: after %zu: %d %d %s", budgets[i],
			    sent, r, err.errnum, err.msg);
		if (took < (int64_t)budgets[i] * SR_NSEC_PER_MSEC ||
		    took > ((int64_t)budgets[i] + 1000) * SR_NSEC_PER_MSEC)
			fail_msg("budget %u: waited %lld ms", budgets[i],
			    (long long)(took / SR_NSEC_PER_MSEC));
		assert_int_equal(sr_ship_dropped(s), 1);
		assert_true(srv_recv(&v, got, sizeof(got)) > 0);
		assert_true(srv_recv(&v, got, sizeof(got)) > 0);
		r = sr_ship_event(s, LOG_INFO, "x", NULL, 0, "{}", 2, &err);
		if (r != SR_OK)
			fail_msg("budget %u: room again: %d %s", budgets[i], r,
			    err.msg);
		sr_ship_close(s);
		srv_free(&v);
	}
}

/* The real clock and pid: the timestamp's shape, PROCID = getpid(). */
static void
test_real_clock(void **state)
{
	char got[1024], want[64], host[300];
	struct sr_error err;
	struct sr_ship *s = NULL;
	struct srv v;
	ssize_t n;
	size_t i;
	int r;

	(void)state;
	srv_bind(&v, NULL);
	assert_int_equal(sr_ship_open(SR_SHIP_SYSLOG, v.path, "my app", &s,
			     &err),
	    SR_OK);
	r = sr_ship_event(s, LOG_NOTICE, "m", NULL, 0, "{}", 2, &err);
	assert_int_equal(r, SR_OK);
	assert_true((n = srv_recv(&v, got, sizeof(got) - 1)) > 0);
	got[n] = '\0';
	/* <85>1 YYYY-MM-DDTHH:MM:SS.uuuuuuZ HOST my_app PID m - {} */
	assert_memory_equal(got, "<85>1 ", 6);
	for (i = 0; i < 27; i++) {
		char c = got[6 + i];
		const char *shape = "dddd-dd-ddTdd:dd:dd.ddddddZ";

		if (shape[i] == 'd' ? (c < '0' || c > '9') : c != shape[i])
			fail_msg("timestamp '%.27s' at %zu", got + 6, i);
	}
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	(void)snprintf(want, sizeof(want), " my_app %ld m - {}",
	    (long)getpid());
	if (strncmp(got + 33, " ", 1) != 0 ||
	    strncmp(got + 34, host, strlen(host)) != 0 ||
	    strcmp(got + 34 + strlen(host), want) != 0)
		fail_msg("got '%s'", got);
	sr_ship_close(s);
	srv_free(&v);
}

static const struct name_case {
	const char *name;
	int want_rc;
	int want;
} facility_cases[] = {
	{ "authpriv", 0, LOG_AUTHPRIV },
	{ "auth", 0, LOG_AUTH },
	{ "daemon", 0, LOG_DAEMON },
	{ "user", 0, LOG_USER },
	{ "local0", 0, LOG_LOCAL0 },
	{ "local7", 0, LOG_LOCAL7 },
	{ "local8", -1, 0 },
	{ "AUTHPRIV", -1, 0 },
	{ "", -1, 0 },
}, kind_cases[] = {
	{ "syslog", 0, SR_SHIP_SYSLOG },
	{ "journal", 0, SR_SHIP_JOURNAL },
	{ "journald", -1, 0 },
	{ "", -1, 0 },
};

static const struct set_case {
	const char *name;
	int facility; /* -1: not set */
	size_t max;   /* 0: not set */
	int want;
} set_cases[] = {
	{ "facility local7", LOG_LOCAL7, 0, SR_OK },
	{ "facility kern", LOG_KERN, 0, SR_OK },
	{ "facility unshifted", 3, 0, SR_FAILED },
	{ "facility too big", LOG_LOCAL7 + 8, 0, SR_FAILED },
	{ "facility negative", -8, 0, SR_FAILED },
	{ "max minimum", -1, SR_SHIP_MAX_MIN, SR_OK },
	{ "max maximum", -1, SR_SHIP_MAX_MAX, SR_OK },
	{ "max too small", -1, SR_SHIP_MAX_MIN - 1, SR_FAILED },
	{ "max too big", -1, SR_SHIP_MAX_MAX + 1, SR_FAILED },
};

static void
test_settings(void **state)
{
	enum sr_ship_kind kind;
	struct sr_error err;
	struct sr_ship *s;
	struct srv v;
	size_t i;
	int f, r;

	(void)state;
	for (i = 0; i < nitems(facility_cases); i++) {
		f = -1;
		r = sr_ship_facility_parse(facility_cases[i].name, &f);
		if (r != facility_cases[i].want_rc ||
		    (r == 0 && f != facility_cases[i].want))
			fail_msg("facility '%s': %d %d", facility_cases[i].name,
			    r, f);
	}
	for (i = 0; i < nitems(kind_cases); i++) {
		kind = (enum sr_ship_kind) - 1;
		r = sr_ship_kind_parse(kind_cases[i].name, &kind);
		if (r != kind_cases[i].want_rc ||
		    (r == 0 && (int)kind != kind_cases[i].want))
			fail_msg("kind '%s': %d", kind_cases[i].name, r);
	}
	srv_bind(&v, NULL);
	s = ship_new(SR_SHIP_SYSLOG, &v);
	for (i = 0; i < nitems(set_cases); i++) {
		const struct set_case *c = &set_cases[i];

		sr_error_clear(&err);
		r = c->facility != -1
		    ? sr_ship_set_facility(s, c->facility, &err)
		    : sr_ship_set_max(s, c->max, &err);
		if (r != c->want || (r != SR_OK && err.cat != SR_E_MISUSE))
			fail_msg("%s: %d %s", c->name, r, err.msg);
	}
	sr_ship_close(s);
	sr_ship_close(NULL);
	srv_free(&v);
}

/*
 * "--send KIND SOCKET MSGID JSON [KEY=VALUE...]": one event, for
 * i-ship.sh.  JSON "-": one event per line of stdin, all through the one
 * sender (so a daemon restarted between lines tests the reconnect).
 */
static int
send_main(int argc, char **argv)
{
	struct sr_ship_kv sd[32];
	enum sr_ship_kind kind;
	struct sr_error err;
	struct sr_ship *s;
	size_t nsd = 0, cap = 0;
	ssize_t len;
	char *eq, *line = NULL;
	int i, r, rc = 0;

	if (argc < 6 || sr_ship_kind_parse(argv[2], &kind) != 0) {
		fprintf(stderr,
		    "usage: test-ship --send syslog|journal "
		    "SOCKET MSGID JSON|- [KEY=VALUE...]\n");
		return (2);
	}
	for (i = 6; i < argc && nsd < nitems(sd); i++, nsd++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			return (2);
		*eq = '\0';
		sd[nsd].key = argv[i];
		sd[nsd].value = eq + 1;
	}
	sr_error_clear(&err);
	if (sr_ship_open(kind, argv[3], "sessrec-test", &s, &err) != SR_OK) {
		fprintf(stderr, "test-ship: %s: %s\n", err.path, err.msg);
		return (1);
	}
	for (;;) {
		if (strcmp(argv[5], "-") != 0) {
			line = argv[5];
			len = (ssize_t)strlen(line);
		} else if ((len = getline(&line, &cap, stdin)) < 0)
			break;
		else if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		r = sr_ship_event(s, LOG_INFO, argv[4], sd, nsd, line,
		    (size_t)len, &err);
		if (r < SR_WARN) {
			fprintf(stderr, "test-ship: %s: %s\n", err.path,
			    err.msg);
			rc = 1;
		} else if (r == SR_WARN)
			fprintf(stderr, "test-ship: warning: %s\n", err.msg);
		if (strcmp(argv[5], "-") != 0)
			break;
	}
	if (strcmp(argv[5], "-") == 0)
		free(line);
	sr_ship_close(s);
	return (rc);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datagrams),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_reconnect),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_real_clock),
		cmocka_unit_test(test_settings),
	};

	if (argc > 1 && strcmp(argv[1], "--send") == 0)
		return (send_main(argc, argv));
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
