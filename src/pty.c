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
 * The pty relay of "sessrec record".
 *
 * Two threads.  The relay (the caller's thread) owns the terminals: it
 * polls the pty master, the user's terminal and a self-pipe fed by the
 * signal handlers, and copies bytes.  Every byte it reads is first put
 * into a fixed ring (the queue) and only then written on (SECURITY.md
 * §3, record before relay).  The writer thread owns the struct sr_recw
 * and the file: it takes events off the ring, ticks the writer every
 * 100 ms so chunks close on time, and seals.  A slow disk thus never
 * blocks the relay; when the ring is full the relay stops reading both
 * sides (backpressure) and nothing is dropped, unless the operator chose
 * to continue after write errors, and then every loss is declared as a
 * gap inside the recording.
 *
 * Signal handlers only note the signal in a pipe; everything else
 * happens in the loop, so the terminal is restored on every path that
 * can run code (and by atexit() as the last resort).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "sessrec.h"
#include "native.h"
#include "out.h"
#include "pty.h"

#define READ_MAX      (64 * 1024) /* output bytes per poll round */
#define INPUT_MAX     4096	  /* input bytes per read */
#define PTY_READ_FULL 4095	  /* a full read of a Linux pty master */
#define QUEUE_DEFAULT (1024 * 1024)
#define QUEUE_SLACK   (16 * 1024) /* kept free for small events */
#define READ_MIN      1024	  /* less room than this: the queue is full */
#define TICK_NS	      (100 * SR_NSEC_PER_MSEC)
#define STALL_NS      (30 * SR_NSEC_PER_SEC)
#define DRAIN_EXIT_NS (1 * SR_NSEC_PER_SEC)    /* output after the exit */
#define DRAIN_STOP_NS (350 * SR_NSEC_PER_MSEC) /* after SIGHUP, SIGTERM */
#define SEAL_STOP_NS  (550 * SR_NSEC_PER_MSEC)
#define PROC_MAX      32

/* A queue record: this header, then len data bytes, padded to 8. */
struct qrec {
	uint32_t size; /* whole record; a record of type 0 is padding */
	uint32_t len;
	int64_t t_ns;
	uint16_t type; /* enum sr_event_type, or QR_GAP */
	uint16_t stream;
	uint32_t flags;
	uint32_t rows, cols;
	uint64_t gap_bytes; /* QR_GAP: bytes lost between gap_from, t_ns */
	int64_t gap_from;
};
#define QR_PAD 0
#define QR_GAP 100

enum wmode {
	WM_OK,	   /* storing */
	WM_FAILED, /* a write error ended the recording (terminate) */
	WM_GAP,	   /* a write error (continue): retrying every tick */
};

struct relay {
	const struct sr_relay_cfg *cfg;
	struct sr_tty *tty;
	int master;
	pid_t pid;
	int sigr, sigw; /* self-pipe */
	int notr, notw; /* writer -> relay wakeups */
	int64_t t0;	/* CLOCK_MONOTONIC at the session start */

	/* Shared with the writer thread, under mu. */
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* the writer waits for events */
	pthread_cond_t done_cv; /* the relay waits for the seal */
	unsigned char *ring;
	size_t cap;
	uint64_t head, tail;
	int main_waiting;   /* the relay wants a wakeup when room frees */
	int writer_waiting; /* the writer sleeps until its next tick */
	int stop;	    /* seal once the queue is empty */
	int end_reason, end_status;
	int wfailed; /* the writer is in WM_FAILED */
	int werrnum; /* its errno */
	char werrmsg[SR_ERROR_MSG_MAX];
	uint64_t consumed; /* bytes taken off the ring: the writer's progress */
	int finished;	   /* sealed (or failed to); the thread is gone */
	int sync_init;
	int seal_rc;

	/* Writer thread only. */
	enum wmode wmode;
	int64_t last_t;	   /* times never go back */
	uint64_t gap_size; /* file size when the last write failed */
	uint64_t lost;	   /* bytes dropped after a failure (terminate) */
	int64_t lost_from;

	/* Relay only. */
	int child_done, child_status;
	int master_eof, stdin_eof, eof_due;
	int pipes;	      /* pipe mode: master is the command's stdout */
	int infd, errfd;      /* pipe mode: its stdin, its stderr */
	int out_eof, err_eof; /* pipe mode: master_eof is both */
	int stopping;	      /* SIGHUP, SIGTERM or the terminal went away */
	int stop_after_exit;  /* the command had ended before that */
	int failing;
	int64_t deadline; /* drain until then; 0: no deadline */
	int64_t full_since;
	int64_t stall_ns;
	int mdrop; /* stalled writer under continue: counting, not queueing */
	uint64_t mdrop_bytes;
	int64_t mdrop_from, mdrop_to;
	int winch_due;
	unsigned rows, cols;
	unsigned char ibuf[INPUT_MAX];
	size_t ioff, ilen;
	int last_nl;	  /* the last input byte sent was a newline */
	long fg_uid;	  /* the uid the foreground holds; -1 unknown */
	int64_t fg_fast;  /* look often until then (a command just began) */
	int64_t fg_burst; /* look every 1 ms until then (a set-uid exec) */
	int suidw;	  /* inotify: set-uid programs opened; -1 none */
	int64_t fg_check; /* when it was last looked at */
	/* masking */
	int in_masked, masked_due, suspicious, mask_cr;
	unsigned mlines;
	char mproc[PROC_MAX];
	unsigned char obuf[READ_MAX];
};

/*
 * Process-wide because signal handlers and atexit() cannot take an
 * argument; only the relay sets them, once.
 */
static int sig_wfd = -1;
static volatile sig_atomic_t sig_stop;
static volatile sig_atomic_t sig_any; /* a byte is in the self-pipe */
static struct sr_tty *exit_tty;

static const int relay_signals[] = {
	SIGCHLD,
	SIGWINCH,
	SIGHUP,
	SIGTERM,
	SIGINT,
	SIGQUIT,
	SIGTSTP,
	SIGCONT,
};

int64_t
sr_mono_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * SR_NSEC_PER_SEC + ts.tv_nsec);
}

static int64_t
now_ns(const struct relay *r)
{
	return (sr_mono_ns() - r->t0);
}

void
sr_tty_init(struct sr_tty *t, int fd)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->is_tty = isatty(fd) && tcgetattr(fd, &t->saved) == 0;
}

void
sr_tty_size(const struct sr_tty *t, unsigned *rows, unsigned *cols)
{
	struct winsize ws;

	*rows = *cols = 0;
	if (t->is_tty && ioctl(t->fd, TIOCGWINSZ, &ws) == 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static void
tty_raw(struct sr_tty *t)
{
	struct termios raw;

	if (!t->is_tty)
		return;
	raw = t->saved;
	raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
	    ICRNL | IXON | IXOFF);
	raw.c_oflag &= ~OPOST;
	raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(t->fd, TCSANOW, &raw) == 0)
		t->raw = 1;
}

/* Safe to call twice; TCSANOW so a stuck terminal cannot block it. */
static void
tty_restore(struct sr_tty *t)
{
	if (t->raw) {
		(void)tcsetattr(t->fd, TCSANOW, &t->saved);
		t->raw = 0;
	}
}

static void
restore_at_exit(void)
{
	if (exit_tty != NULL)
		tty_restore(exit_tty);
}

void
sr_pty_fix_stdio(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			(void)open("/dev/null", O_RDWR);
}

void
sr_pty_sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || strchr("._+-", *s) != NULL))
			*s = '_';
}

static void
on_signal(int sig)
{
	int e = errno;
	unsigned char c = (unsigned char)sig;
	ssize_t n;

	if (sig == SIGHUP || sig == SIGTERM)
		sig_stop = sig;
	sig_any = 1;
	n = write(sig_wfd, &c, 1);
	(void)n;
	errno = e;
}

/*
 * No SA_RESTART: a write to a stalled terminal returns (partially) when
 * SIGTERM comes, and the loop looks at sig_stop.
 */
static void
signals_install(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	for (i = 0; i < nitems(relay_signals); i++)
		(void)sigaction(relay_signals[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
}

/*
 * fork() with every signal held, so the child never runs the recorder's
 * handlers: it resets them first (sr_pty_default_signals), which also
 * unblocks them.  The parent gets its mask back.
 */
static pid_t
fork_held(void)
{
	sigset_t all, old;
	pid_t pid;
	int e;

	sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid != 0) {
		e = errno;
		(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
		errno = e;
	}
	return (pid);
}

static void
set_tstp(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	sa.sa_handler = fn;
	(void)sigaction(SIGTSTP, &sa, NULL);
}

/*
 * The queue.  head and tail count bytes; records never wrap (a short
 * tail end of the ring is skipped or padded), so the writer gets each
 * event's data in one piece.  Called with mu held.
 */
static size_t
q_align(size_t n)
{
	return ((n + 7) & ~(size_t)7);
}

/* The most data one record can hold now, keeping keep bytes free. */
static size_t
q_room(const struct relay *r, size_t keep)
{
	size_t pos = r->head % r->cap, end = r->cap - pos;
	size_t avail = r->cap - (size_t)(r->head - r->tail), a, b = 0;

	if (avail <= keep)
		return (0);
	avail -= keep;
	a = end < avail ? end : avail;
	if (avail > end)
		b = avail - end;
	a = a > b ? a : b;
	if (a < sizeof(struct qrec) + 8)
		return (0);
	return ((a - sizeof(struct qrec)) & ~(size_t)7);
}

static unsigned char *
q_reserve(struct relay *r, size_t need, size_t keep)
{
	size_t pos = r->head % r->cap, end = r->cap - pos;
	size_t avail = r->cap - (size_t)(r->head - r->tail);
	struct qrec pad;

	if (need <= end) {
		if (need + keep > avail)
			return (NULL);
		return (r->ring + pos);
	}
	if (end + need + keep > avail)
		return (NULL);
	if (end >= sizeof(pad)) {
		memset(&pad, 0, sizeof(pad));
		pad.size = (uint32_t)end;
		pad.type = QR_PAD;
		memcpy(r->ring + pos, &pad, sizeof(pad));
	}
	r->head += end;
	return (r->ring);
}

/*
 * Queues one event.  Data events keep QUEUE_SLACK free so that resizes
 * and markers still fit when output fills the ring.  Returns -1 when it
 * does not fit (the caller waits for room).
 */
static int
q_put(struct relay *r, const struct qrec *h, const void *data, size_t keep)
{
	size_t need = q_align(sizeof(*h) + h->len);
	unsigned char *p;
	struct qrec rec = *h;

	rec.size = (uint32_t)need;
	pthread_mutex_lock(&r->mu);
	if ((p = q_reserve(r, need, keep)) == NULL) {
		r->main_waiting = 1;
		pthread_mutex_unlock(&r->mu);
		return (-1);
	}
	memcpy(p, &rec, sizeof(rec));
	if (h->len > 0)
		memcpy(p + sizeof(rec), data, h->len);
	r->head += need;
	/*
	 * Bytes in the ring are recorded as far as the relay is concerned;
	 * the writer wakes on its tick, or now when the ring fills up, so a
	 * stream of small reads does not cost a wakeup each.
	 */
	if (r->writer_waiting && r->head - r->tail >= r->cap / 4)
		pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return (0);
}

static int
q_event(struct relay *r, enum sr_event_type type, enum sr_stream_id stream,
    unsigned flags, const void *data, size_t len, size_t keep)
{
	struct qrec h;

	memset(&h, 0, sizeof(h));
	h.type = (uint16_t)type;
	h.stream = (uint16_t)stream;
	h.flags = flags;
	h.len = (uint32_t)len;
	h.t_ns = now_ns(r);
	h.rows = r->rows;
	h.cols = r->cols;
	return (q_put(r, &h, data, keep));
}

static void
notify_main(struct relay *r)
{
	ssize_t n = write(r->notw, "x", 1);

	(void)n;
}

/*
 * The writer thread.  After a write error the writer (lib/recw.c) has
 * cut the torn chunk off again and counted it as lost.  Under
 * "terminate" nothing more is stored and the relay ends the session;
 * under "continue" events keep going to the writer, every tick retries,
 * and the first chunk that is stored again starts with the gap marker.
 */
static void
w_result(struct relay *r, int rc)
{
	const struct sr_error *e;

	if (rc == SR_OK) {
		if (r->wmode == WM_GAP &&
		    sr_recw_size(r->cfg->w) > r->gap_size) {
			r->wmode = WM_OK;
			syslog(LOG_AUTHPRIV | LOG_ALERT,
			    "session %s: recording %s written again; the gap "
			    "is marked in it",
			    r->cfg->session_id, r->cfg->path);
		}
		return;
	}
	e = sr_recw_error(r->cfg->w);
	if (!r->cfg->on_error_continue || rc == SR_FATAL) {
		r->wmode = WM_FAILED;
		pthread_mutex_lock(&r->mu);
		r->wfailed = 1;
		r->werrnum = e->errnum;
		(void)strlcpy(r->werrmsg, e->msg, sizeof(r->werrmsg));
		pthread_mutex_unlock(&r->mu);
		notify_main(r);
		return;
	}
	r->gap_size = sr_recw_size(r->cfg->w);
	if (r->wmode == WM_GAP)
		return;
	r->wmode = WM_GAP;
	syslog(LOG_AUTHPRIV | LOG_ALERT,
	    "session %s: cannot write recording %s (%s): data is lost until "
	    "writes work again",
	    r->cfg->session_id, r->cfg->path,
	    e->errnum ? strerror(e->errnum) : e->msg);
}

static void
w_event(struct relay *r, const struct qrec *h, const unsigned char *data)
{
	struct sr_event ev;
	int64_t t = h->t_ns;

	if (t < r->last_t)
		t = r->last_t;
	r->last_t = t;
	if (r->wmode == WM_FAILED) {
		/* Relayed but never stored: the seal counts it. */
		if (h->type == QR_GAP)
			r->lost += h->gap_bytes;
		else if (!(h->flags & SR_EVF_MASKED))
			r->lost += h->len;
		if (r->lost_from < 0)
			r->lost_from = t;
		return;
	}
	if (h->type == QR_GAP) {
		/* The relay dropped data while this thread was stuck. */
		sr_recw_gap(r->cfg->w, h->gap_bytes, h->gap_from, t);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = (enum sr_event_type)h->type;
	ev.stream = (enum sr_stream_id)h->stream;
	ev.t_ns = t;
	ev.data = data;
	ev.len = h->len;
	ev.flags = h->flags;
	ev.rows = h->rows;
	ev.cols = h->cols;
	ev.loc.line = ev.loc.msg_id = ev.loc.offset = -1;
	w_result(r, sr_recw_event(r->cfg->w, &ev));
	if (r->cfg->tap != NULL)
		r->cfg->tap(r->cfg->tap_arg, &ev);
}

static void
w_tick(struct relay *r, int64_t t)
{
	if (t < r->last_t)
		t = r->last_t;
	r->last_t = t;
	if (r->wmode != WM_FAILED)
		w_result(r, sr_recw_tick(r->cfg->w, t));
	if (r->cfg->tap_tick != NULL)
		r->cfg->tap_tick(r->cfg->tap_arg, t);
}

static int
w_finish(struct relay *r, int reason, int status)
{
	int64_t t = now_ns(r);

	if (t < r->last_t)
		t = r->last_t;
	if (r->cfg->tap_end != NULL)
		r->cfg->tap_end(r->cfg->tap_arg, t);
	if (r->wmode == WM_FAILED) {
		if (r->lost > 0)
			sr_recw_gap(r->cfg->w, r->lost, r->lost_from, t);
		return (sr_recw_seal(r->cfg->w, t, SR_END_WRITE_ERROR, 0));
	}
	return (sr_recw_seal(r->cfg->w, t, reason, status));
}

static void
abs_time(struct timespec *ts, int64_t mono)
{
	ts->tv_sec = (time_t)(mono / SR_NSEC_PER_SEC);
	ts->tv_nsec = (long)(mono % SR_NSEC_PER_SEC);
}

static void *
writer_main(void *arg)
{
	struct relay *r = arg;
	struct qrec h;
	struct timespec ts;
	int64_t t, last_tick = 0;
	size_t pos;
	int rc, reason, status;

	/*
	 * The relay comes first: on a busy host the writer runs on what CPU
	 * is left, the ring absorbs bursts, and backpressure (never loss)
	 * slows the session only when the writer falls a whole ring behind.
	 */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	pthread_mutex_lock(&r->mu);
	for (;;) {
		/*
		 * Tick with the clock only when the queue is empty: queued
		 * events are older, and times must not go back.  Behind a
		 * busy queue, tick at the time of the last event stored.
		 */
		t = now_ns(r);
		if (t - last_tick >= TICK_NS) {
			int idle = r->tail == r->head;

			pthread_mutex_unlock(&r->mu);
			w_tick(r, idle ? t : r->last_t);
			last_tick = t;
			pthread_mutex_lock(&r->mu);
			continue;
		}
		if (r->tail == r->head) {
			if (r->stop)
				break;
			abs_time(&ts, r->t0 + last_tick + TICK_NS);
			r->writer_waiting = 1;
			(void)pthread_cond_timedwait(&r->cv, &r->mu, &ts);
			r->writer_waiting = 0;
			continue;
		}
		pos = r->tail % r->cap;
		if (r->cap - pos < sizeof(h)) {
			r->tail += r->cap - pos;
			continue;
		}
		memcpy(&h, r->ring + pos, sizeof(h));
		if (h.type != QR_PAD) {
			pthread_mutex_unlock(&r->mu);
			w_event(r, &h, r->ring + pos + sizeof(h));
			pthread_mutex_lock(&r->mu);
		}
		r->tail += h.size;
		r->consumed += h.size;
		if (r->tail == r->head)
			r->head = r->tail = 0;
		if (r->main_waiting) {
			r->main_waiting = 0;
			notify_main(r);
		}
	}
	reason = r->end_reason;
	status = r->end_status;
	pthread_mutex_unlock(&r->mu);
	rc = w_finish(r, reason, status);
	pthread_mutex_lock(&r->mu);
	r->seal_rc = rc;
	if (rc != SR_OK && r->werrmsg[0] == '\0') {
		const struct sr_error *e = sr_recw_error(r->cfg->w);

		r->werrnum = e->errnum;
		(void)strlcpy(r->werrmsg, e->msg, sizeof(r->werrmsg));
	}
	r->finished = 1;
	pthread_cond_broadcast(&r->done_cv);
	pthread_mutex_unlock(&r->mu);
	return (NULL);
}

/*
 * Asks the writer to seal once it has stored what is queued, and waits
 * at most budget.  A budget of 0 waits as long as the writer makes
 * progress and gives up when it has made none for the stall timeout, as
 * the relay does while the queue is full.  Returns 0 when it finished.
 */
static int
writer_stop(struct relay *r, int reason, int status, int64_t budget)
{
	struct timespec ts;
	int64_t until = sr_mono_ns() + (budget > 0 ? budget : r->stall_ns);
	uint64_t seen;
	int done;

	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	r->end_reason = reason;
	r->end_status = status;
	pthread_cond_signal(&r->cv);
	seen = r->consumed;
	while (!r->finished) {
		abs_time(&ts, until);
		if (pthread_cond_timedwait(&r->done_cv, &r->mu, &ts) !=
		    ETIMEDOUT)
			continue;
		if (budget > 0 || r->consumed == seen)
			break;
		/* Still storing the queue: not stalled. */
		seen = r->consumed;
		until = sr_mono_ns() + r->stall_ns;
	}
	done = r->finished;
	pthread_mutex_unlock(&r->mu);
	return (done ? 0 : -1);
}

/*
 * The child side.  The first child (the monitor) becomes the session
 * leader of the pty and runs the command in a process group of its own,
 * as sudo does: a session leader's group is orphaned (its parent, the
 * recorder, is in another session), and the kernel discards Ctrl-Z in
 * an orphaned group, so a command run directly would never stop.  The
 * monitor passes the command's stops and exit status on to the recorder
 * by stopping or ending the same way itself.  After fork() only
 * async-signal-safe calls: the recorder has one thread at this point.
 */
struct spawn_err {
	int stage; /* 0: setting up the terminal, 1: exec */
	int errnum;
};

static volatile sig_atomic_t mon_hup;

static void
mon_signal(int sig)
{
	mon_hup = sig;
}

static void __attribute__((noreturn)) child_fail(int ep, int stage)
{
	struct spawn_err se;
	ssize_t n;

	se.stage = stage;
	se.errnum = errno;
	n = write(ep, &se, sizeof(se));
	(void)n;
	_exit(stage == 0 ? 125 : se.errnum == ENOENT ? 127 : 126);
}

static void
close_from(int ep)
{
	int fd, max = 65536;
	struct rlimit rl;

#ifdef HAVE_CLOSE_RANGE
	/* close_range(3, 2) would fail: nothing lies below ep then. */
	if ((ep == 3 || close_range(3, (unsigned)ep - 1, 0) == 0) &&
	    close_range((unsigned)ep + 1, ~0U, 0) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536)
		max = (int)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		if (fd != ep)
			(void)close(fd);
}

/* Dies the way the command died, so the recorder sees the same. */
static void __attribute__((noreturn)) mon_exit(int st)
{
	struct sigaction sa;
	struct rlimit rl;
	sigset_t set;
	int sig;

	if (WIFEXITED(st))
		_exit(WEXITSTATUS(st));
	sig = WTERMSIG(st);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	(void)sigaction(sig, &sa, NULL);
	rl.rlim_cur = rl.rlim_max = 0; /* the command dumped core, not us */
	(void)setrlimit(RLIMIT_CORE, &rl);
	sigemptyset(&set);
	sigaddset(&set, sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	(void)kill(getpid(), sig);
	_exit(128 + sig);
}

static void __attribute__((noreturn))
monitor(const struct sr_relay_cfg *cfg, pid_t cmd)
{
	struct sigaction sa;
	pid_t p;
	int st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mon_signal;
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGQUIT, &sa, NULL);
	(void)sigaction(SIGTSTP, &sa, NULL);
	(void)sigaction(SIGTTOU, &sa, NULL);
	(void)sigaction(SIGTTIN, &sa, NULL);
	(void)setpgid(cmd, cmd);
	for (;;) {
		if (mon_hup) {
			/* The recorder or the kernel hung up: pass it on. */
			(void)kill(-cmd, SIGHUP);
			(void)kill(-cmd, SIGCONT);
			mon_hup = 0;
		}
		p = waitpid(cmd, &st, WUNTRACED);
		if (p == -1) {
			if (errno == EINTR)
				continue;
			_exit(125);
		}
		if (WIFSTOPPED(st)) {
			/* The recorder sees this stop and suspends itself. */
			if (!cfg->no_suspend)
				(void)kill(getpid(), SIGSTOP);
			(void)kill(-cmd, SIGCONT);
			continue;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			mon_exit(st);
	}
}

void
sr_pty_default_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

ssize_t
sr_read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	return (n);
}

/* Waits for the go-ahead byte on fd, then closes it; fails as EPERM. */
static void
wait_go(int fd, int ep)
{
	char go;
	ssize_t n;

	while ((n = read(fd, &go, 1)) == -1 && errno == EINTR)
		;
	if (n != 1) {
		errno = EPERM;
		child_fail(ep, 0);
	}
	close(fd);
}

static void __attribute__((noreturn))
child_exec(const struct sr_relay_cfg *cfg, int s, int ep, int gp)
{
	sigset_t none, ttou;
	pid_t cmd;
	int mp[2];
	ssize_t n;

	sr_pty_default_signals();
	sigemptyset(&none);
	if (setsid() == -1 || ioctl(s, TIOCSCTTY, 0) == -1)
		child_fail(ep, 0);
	if (dup2(s, 0) == -1 || dup2(s, 1) == -1 || dup2(s, 2) == -1)
		child_fail(ep, 0);
	if (gp >= 0) /* the recorder first gives up the user's identity */
		wait_go(gp, ep);
	/* Nothing of the recorder's leaks into the session. */
	close_from(ep);
	mp[0] = mp[1] = -1;
	if ((cfg->monitor_setup != NULL && pipe2(mp, O_CLOEXEC) == -1) ||
	    (cmd = fork()) == -1)
		child_fail(ep, 0);
	if (cmd > 0) {
		close(ep);
		if (mp[0] >= 0)
			close(mp[0]);
		if (cfg->monitor_setup != NULL &&
		    cfg->monitor_setup(cfg->setup_arg) != 0) {
			(void)kill(cmd, SIGKILL);
			_exit(125);
		}
		if (mp[1] >= 0) {
			/* Only now may anything of the user's run. */
			n = write(mp[1], "g", 1);
			(void)n;
			close(mp[1]);
		}
		monitor(cfg, cmd);
	}
	if (mp[0] >= 0) {
		close(mp[1]);
		wait_go(mp[0], ep);
	}
	/* The command, and only it, becomes the user. */
	if (cfg->child_setup != NULL && cfg->child_setup(cfg->setup_arg) != 0)
		child_fail(ep, 0);
	/* The command: its own group, in the foreground. */
	if (setpgid(0, 0) == -1)
		child_fail(ep, 0);
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	(void)sigprocmask(SIG_BLOCK, &ttou, NULL);
	if (tcsetpgrp(0, getpid()) == -1)
		child_fail(ep, 0);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (cfg->envp != NULL)
		execvpe(cfg->file, cfg->argv, cfg->envp);
	else
		execvp(cfg->file, cfg->argv);
	child_fail(ep, 1);
}

static void
set_winsize(int fd, unsigned rows, unsigned cols)
{
	struct winsize ws;

	memset(&ws, 0, sizeof(ws));
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	(void)ioctl(fd, TIOCSWINSZ, &ws);
}

/*
 * The parent's half of a start: the privilege steps and the go-ahead
 * (gp >= 0: the child waits for its byte), then the child's report of a
 * failure before exec (what names what it was setting up).  Closes ep
 * and gp.  Returns 0, or an exit status with the message printed and the
 * child reaped.
 */
static int
parent_start(const struct sr_relay_cfg *cfg, pid_t pid, int ep, int gp,
    const char *slave, const char *what)
{
	struct spawn_err se;
	ssize_t n = 0;
	int e = 0, st;

	if (gp >= 0) {
		if (cfg->parent_setup != NULL &&
		    cfg->parent_setup(cfg->setup_arg, slave) != 0)
			e = errno;
		else if (write(gp, "g", 1) != 1)
			e = errno;
		close(gp); /* without the byte, the child gives up */
	}
	if (e == 0)
		while ((n = read(ep, &se, sizeof(se))) == -1 && errno == EINTR)
			;
	close(ep);
	if (e == 0 && n != (ssize_t)sizeof(se))
		return (0);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (e != 0) {
		sr_warnx("cannot separate privileges: %s", strerror(e));
		return (125);
	}
	if (se.stage == 0) {
		sr_warnx("cannot set up %s: %s", what, strerror(se.errnum));
		return (125);
	}
	sr_warnx("cannot run '%s': %s", cfg->file, strerror(se.errnum));
	return (se.errnum == ENOENT ? 127 : 126);
}

/*
 * Opens the pty, gives the slave the user's modes and window size (or
 * no echo when input is not a terminal, as script(1) does) and starts
 * the child.  Returns 0, or an exit status with a message printed.
 */
static int
spawn(struct relay *r)
{
	struct termios tio;
	char name[128], what[160];
	int m, s, ep[2], gp[2] = { -1, -1 }, code;
	pid_t pid;

	(void)strlcpy(name, "/dev/ptmx", sizeof(name));
	if ((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    grantpt(m) == -1 || unlockpt(m) == -1 ||
	    ptsname_r(m, name, sizeof(name)) != 0 ||
	    (s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		int e = errno;

		if (m != -1)
			close(m);
		sr_warnx("cannot open pty '%s': %s", name, strerror(e));
		return (125);
	}
	if (r->tty->is_tty) {
		(void)tcsetattr(s, TCSANOW, &r->tty->saved);
		set_winsize(s, r->rows, r->cols);
	} else if (tcgetattr(s, &tio) == 0) {
		tio.c_lflag &= ~(ECHO | ECHONL);
		(void)tcsetattr(s, TCSANOW, &tio);
	}
	ep[0] = ep[1] = -1;
	if (pipe2(ep, O_CLOEXEC) == -1 ||
	    (r->cfg->parent_setup != NULL && pipe2(gp, O_CLOEXEC) == -1) ||
	    (pid = fork_held()) == -1) {
		sr_warnx("cannot start '%s': %s", r->cfg->file,
		    strerror(errno));
		close(m);
		close(s);
		if (ep[0] >= 0) {
			close(ep[0]);
			close(ep[1]);
		}
		if (gp[0] >= 0) {
			close(gp[0]);
			close(gp[1]);
		}
		return (125);
	}
	if (pid == 0) {
		if (gp[1] >= 0)
			close(gp[1]);
		child_exec(r->cfg, s, ep[1], gp[0]);
	}
	close(s);
	close(ep[1]);
	if (gp[0] >= 0)
		close(gp[0]);
	(void)snprintf(what, sizeof(what), "terminal '%s'", name);
	if ((code = parent_start(r->cfg, pid, ep[0], gp[1], name, what)) != 0) {
		close(m);
		return (code);
	}
	(void)fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	r->master = m;
	r->pid = pid;
	return (0);
}

/*
 * Pipe mode: the command on three pipes, in its own process group, with
 * the same privilege steps as on a pty (parent first, then the child).
 */
static int
spawn_pipes(struct relay *r)
{
	const struct sr_relay_cfg *cfg = r->cfg;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int ep[2] = { -1, -1 }, gp[2] = { -1, -1 }, i, code;
	int *all[] = { in, out, err, ep, gp };
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1 ||
	    pipe2(err, O_CLOEXEC) == -1 || pipe2(ep, O_CLOEXEC) == -1 ||
	    pipe2(gp, O_CLOEXEC) == -1 || (pid = fork_held()) == -1) {
		sr_warnx("cannot start '%s': %s", cfg->file, strerror(errno));
		for (i = 0; i < (int)nitems(all); i++)
			if (all[i][0] >= 0) {
				close(all[i][0]);
				close(all[i][1]);
			}
		return (125);
	}
	if (pid == 0) {
		sr_pty_default_signals();
		close(gp[1]);
		(void)setpgid(0, 0);
		if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1 ||
		    dup2(err[1], 2) == -1)
			child_fail(ep[1], 0);
		wait_go(gp[0], ep[1]);
		if (cfg->child_setup != NULL &&
		    cfg->child_setup(cfg->setup_arg) != 0)
			child_fail(ep[1], 0);
		close_from(ep[1]);
		if (cfg->envp != NULL)
			execvpe(cfg->file, cfg->argv, cfg->envp);
		else
			execvp(cfg->file, cfg->argv);
		child_fail(ep[1], 1);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(ep[1]);
	close(gp[0]);
	if ((code = parent_start(cfg, pid, ep[0], gp[1], "", "the command")) !=
	    0) {
		close(in[1]);
		close(out[0]);
		close(err[0]);
		return (code);
	}
	(void)fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	(void)fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	(void)fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);
	r->infd = in[1];
	r->master = out[0];
	r->errfd = err[0];
	r->pid = pid;
	return (0);
}

/* The name of process pid, sanitized; "?" when unknown. */
static void
pid_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;

	if (pid > 0) {
		(void)snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
		n = sr_read_small(path, buf, len);
	}
	if (n <= 0) {
		(void)strlcpy(buf, "?", len);
		return;
	}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	sr_pty_sanitize(buf);
}

/* The foreground process of the session's pty, for masking markers. */
static void
fg_name(const struct relay *r, char *buf, size_t len)
{
	pid_comm(tcgetpgrp(r->master), buf, len);
}

static void
hangup_child(struct relay *r)
{
	pid_t fg;

	if (r->child_done || r->pid <= 0)
		return;
	if (r->master >= 0 && (fg = tcgetpgrp(r->master)) > 0 && fg != r->pid) {
		(void)kill(-fg, SIGHUP);
		(void)kill(-fg, SIGCONT);
	}
	(void)kill(-r->pid, SIGHUP);
	(void)kill(-r->pid, SIGCONT);
}

/* Writes all of p unless a stop signal interrupts; -1 on an error. */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
	struct pollfd pfd;
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) > 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (k == -1 && errno == EINTR) {
			if (sig_stop)
				return (0);
			continue;
		}
		if (k == -1 && errno == EAGAIN) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, -1) == -1 && sig_stop)
				return (0);
			continue;
		}
		return (-1);
	}
	return (0);
}

static void
start_stop(struct relay *r, int reason, int sig)
{
	if (r->stopping)
		return;
	r->stopping = 1;
	r->stop_after_exit = r->child_done;
	r->end_reason = reason;
	r->end_status = sig;
	hangup_child(r);
	r->deadline = now_ns(r) + DRAIN_STOP_NS;
}

static void
winch(struct relay *r)
{
	unsigned rows, cols;

	r->winch_due = 0;
	if (!r->tty->is_tty)
		return;
	sr_tty_size(r->tty, &rows, &cols);
	if (rows == r->rows && cols == r->cols)
		return;
	set_winsize(r->master, rows, cols);
	r->rows = rows;
	r->cols = cols;
	if (r->mdrop)
		return;
	if (q_event(r, SR_EV_RESIZE, SR_STREAM_NONE, 0, NULL, 0, 0) != 0) {
		/* The ring is full: ask again when it has room. */
		r->rows = r->cols = (unsigned)-1;
		r->winch_due = 1;
	}
}

/*
 * The child stopped (Ctrl-Z in a program that stops itself): give the
 * user the terminal back and stop too, as script(1) does; on SIGCONT
 * take the terminal again and continue the child.
 */
static void
suspend(struct relay *r)
{
	int was_raw = r->tty->raw;

	tty_restore(r->tty);
	if (!r->mdrop)
		(void)q_event(r, SR_EV_SUSPEND, SR_STREAM_NONE, 0, "TSTP", 4,
		    0);
	set_tstp(SIG_DFL);
	(void)kill(getpid(), SIGTSTP);
	set_tstp(on_signal);
	if (was_raw)
		tty_raw(r->tty);
	winch(r);
	if (!r->mdrop)
		(void)q_event(r, SR_EV_RESUME, SR_STREAM_NONE, 0, "CONT", 4, 0);
	(void)kill(-r->pid, SIGCONT);
}

static void
reap(struct relay *r)
{
	pid_t p;
	int st;

	while (!r->child_done) {
		p = waitpid(r->pid, &st, WNOHANG | WUNTRACED);
		if (p <= 0)
			break;
		if (WIFSTOPPED(st)) {
			/*
			 * Ending: the hangup continues the child; stopping
			 * ourselves now would hold up the seal.
			 */
			if (!r->stopping && !r->failing)
				suspend(r);
			continue;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			r->child_done = 1;
			r->child_status = st;
			if (!r->stopping)
				r->deadline = now_ns(r) + DRAIN_EXIT_NS;
		}
	}
}

static void
forward(struct relay *r, int sig)
{
	pid_t fg;

	if (r->child_done)
		return;
	if ((fg = tcgetpgrp(r->master)) > 0)
		(void)kill(-fg, sig);
	else
		(void)kill(-r->pid, sig);
}

static void
handle_signals(struct relay *r)
{
	unsigned char buf[64];
	int seen[NSIG];
	ssize_t n, i;

	sig_any = 0;
	memset(seen, 0, sizeof(seen));
	while ((n = read(r->sigr, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			if (buf[i] < NSIG)
				seen[buf[i]] = 1;
	/* An exit that came with the stop signal came first. */
	if (seen[SIGCHLD])
		reap(r);
	if (seen[SIGHUP])
		start_stop(r, SR_END_HANGUP, SIGHUP);
	if (seen[SIGTERM])
		start_stop(r, SR_END_ADMIN, SIGTERM);
	if (seen[SIGCONT] && !r->stopping && r->tty->is_tty) {
		/* Someone stopped and continued us: the shell took the modes. */
		tty_raw(r->tty);
		r->winch_due = 1;
	}
	if (seen[SIGWINCH])
		r->winch_due = 1;
	if (seen[SIGINT])
		forward(r, SIGINT);
	if (seen[SIGQUIT])
		forward(r, SIGQUIT);
	if (seen[SIGTSTP])
		forward(r, SIGTSTP);
}

static int
is_shell(const char *name)
{
	static const char *const shells[] = { "sh", "bash", "dash", "zsh",
		"ksh", "mksh", "fish", "tcsh", "csh", "ash", "busybox" };
	size_t i;

	for (i = 0; i < nitems(shells); i++)
		if (strcmp(name, shells[i]) == 0)
			return (1);
	return (0);
}

/* Marks the masked line(s) just typed: no bytes, their count. */
static void
flush_masked(struct relay *r)
{
	char d[PROC_MAX + 32];
	int len;

	if (!r->masked_due)
		return;
	r->masked_due = 0;
	len = snprintf(d, sizeof(d), "proc=%s lines=%u", r->mproc, r->mlines);
	if (len < 0 || (size_t)len >= sizeof(d))
		len = 0;
	(void)q_event(r, SR_EV_INPUT, SR_STREAM_TTYIN, SR_EVF_MASKED, d,
	    (size_t)len, 0);
	/*
	 * "stty -echo" would hide ordinary commands (SECURITY.md M3): more
	 * than three masked lines in a row, or a shell reading one, is
	 * flagged once until a clear line is typed.
	 */
	if ((r->mlines <= 3 && !is_shell(r->mproc)) || r->suspicious)
		return;
	r->suspicious = 1;
	len = snprintf(d, sizeof(d), "masking-suspicious proc=%s lines=%u",
	    r->mproc, r->mlines);
	if (len > 0 && (size_t)len < sizeof(d))
		(void)q_event(r, SR_EV_MARKER, SR_STREAM_NONE, 0, d,
		    (size_t)len, 0);
	syslog(LOG_AUTHPRIV | LOG_WARNING,
	    "session %s: masking-suspicious: %u masked input lines in a row "
	    "(proc=%s)",
	    r->cfg->session_id, r->mlines, r->mproc);
}

static void
mdrop_count(struct relay *r, size_t n)
{
	int64_t t = now_ns(r);

	r->mdrop_bytes += n;
	r->mdrop_to = t;
}

/* Queues one read from the user's terminal, masked where it must be. */
static void
input_events(struct relay *r, const unsigned char *p, size_t n)
{
	struct termios tio;
	size_t m;
	int echo_off = 0, masked;

	if (r->mdrop) {
		mdrop_count(r, n);
		return;
	}
	if (r->cfg->mask == NULL) {
		if (q_event(r, SR_EV_INPUT, SR_STREAM_TTYIN, 0, p, n, 0) != 0)
			mdrop_count(r, n);
		return;
	}
	if (tcgetattr(r->master, &tio) == 0)
		echo_off = (tio.c_lflag & ICANON) && !(tio.c_lflag & ECHO);
	while (n > 0) {
		m = sr_mask_input(r->cfg->mask, p, n, echo_off, &masked);
		if (m == 0 || m > n)
			m = n;
		if (masked) {
			if (!r->in_masked) {
				r->in_masked = 1;
				fg_name(r, r->mproc, sizeof(r->mproc));
			}
			if (m == 1 && p[0] == '\n' && r->mask_cr) {
				/* The LF of a CRLF split over two reads. */
				r->in_masked = r->mask_cr = 0;
			} else if (p[m - 1] == '\r' || p[m - 1] == '\n') {
				r->in_masked = 0;
				r->masked_due = 1;
				r->mask_cr = p[m - 1] == '\r';
				r->mlines = sr_mask_lines(r->cfg->mask);
			}
		} else {
			r->mask_cr = 0;
			if (r->in_masked) {
				r->in_masked = 0;
				r->masked_due = 1;
			}
			flush_masked(r);
			if (sr_mask_lines(r->cfg->mask) == 0)
				r->suspicious = 0;
			if (q_event(r, SR_EV_INPUT, SR_STREAM_TTYIN, 0, p, m,
				0) != 0)
				mdrop_count(r, m);
		}
		p += m;
		n -= m;
	}
	flush_masked(r);
}

static void
flush_input(struct relay *r)
{
	ssize_t k;

	while (r->ioff < r->ilen) {
		k = write(r->pipes ? r->infd : r->master, r->ibuf + r->ioff,
		    r->ilen - r->ioff);
		if (k > 0) {
			r->ioff += (size_t)k;
			continue;
		}
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1 && errno == EAGAIN)
			return;
		r->ioff = r->ilen = 0; /* the child is gone */
		return;
	}
	if (r->ilen > 0)
		r->last_nl = r->ibuf[r->ilen - 1] == '\n' ||
		    r->ibuf[r->ilen - 1] == '\r';
	r->ioff = r->ilen = 0;
	if (r->eof_due && r->pipes) {
		/* The command's stdin ends as ours did. */
		r->eof_due = 0;
		if (r->infd >= 0)
			close(r->infd);
		r->infd = -1;
	} else if (r->eof_due) {
		struct termios tio;

		/*
		 * Input that is not a terminal ended: pass the EOF on, twice
		 * after a partial line, as a user would type it.
		 */
		r->eof_due = 0;
		if (tcgetattr(r->master, &tio) == 0) {
			r->ibuf[0] = r->ibuf[1] = tio.c_cc[VEOF];
			r->ilen = r->last_nl ? 1 : 2;
			r->last_nl = 1;
			flush_input(r);
		}
	}
}

/*
 * The uid process pid can act as, from /proc; -1 when unknown.  Not just
 * the effective uid: set-uid programs step down and back while they run
 * (sudo reads files as the user or as daemon with root kept as its saved
 * uid), and a marker for each step would blame the wrong user.  A process
 * with root as any of its real, effective or saved uids can become root
 * at will, so it counts as root; otherwise its saved uid, the one exec
 * granted it, counts.
 */
static long
proc_uid_held(pid_t pid)
{
	char path[64], buf[1024], *p;
	long ruid, euid, suid;

	(void)snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if (sr_read_small(path, buf, sizeof(buf)) <= 0)
		return (-1);
	if ((p = strstr(buf, "\nUid:")) == NULL ||
	    sscanf(p + 5, "%ld %ld %ld", &ruid, &euid, &suid) != 3)
		return (-1);
	if (ruid == 0 || euid == 0 || suid == 0)
		return (0);
	return (suid);
}

/*
 * The newest process under pid, following the newest child down a few
 * levels: "su" stays root while the shell it started runs as the user.
 */
static pid_t
fg_leaf(pid_t pid)
{
	char path[80], buf[512], *p, *end;
	int depth;
	long c, next;

	for (depth = 0; depth < 8; depth++) {
		(void)snprintf(path, sizeof(path),
		    "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
		if (sr_read_small(path, buf, sizeof(buf)) <= 0)
			break;
		/* The last one listed is the newest. */
		for (next = 0, p = buf;; p = end) {
			c = strtol(p, &end, 10);
			if (end == p)
				break;
			if (c > 0)
				next = c;
		}
		if (next <= 0)
			break;
		pid = (pid_t)next;
	}
	return (pid);
}

/* Whether changes of user are marked: only a pty has a foreground. */
static int
marking(const struct relay *r)
{
	return (r->cfg->mark_uid_changes && !r->pipes);
}

/* How often to look at the foreground, in ms. */
static int
fg_interval(const struct relay *r, int64_t t)
{
	if (t < r->fg_burst)
		return (1);
	return (t < r->fg_fast ? 10 : 50);
}

/*
 * Set-uid programs are watched for exec: "sudo touch F" is over within
 * a few milliseconds, between two looks at the foreground.  An exec opens
 * the program (IN_OPEN), before its credentials change; then the
 * foreground is looked at every millisecond for a while.  Any user's exec
 * wakes every recorder, so only set-uid files of the usual directories
 * are watched.  Without inotify (no instances left for the account), the
 * recorder only polls.
 */
#define SUID_BURST_MS  25
#define SUID_WATCH_MAX 128

static void
suid_watch_open(struct relay *r)
{
	static const char *const dirs[] = { "/usr/bin", "/usr/sbin",
		"/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin" };
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t i, n = 0;
	DIR *d;

	if ((r->suidw = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return;
	for (i = 0; i < nitems(dirs); i++) {
		/* /bin is /usr/bin on merged /usr: read it once. */
		if (lstat(dirs[i], &st) == -1 || !S_ISDIR(st.st_mode) ||
		    (d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL && n < SUID_WATCH_MAX) {
			if (fstatat(dirfd(d), de->d_name, &st,
				AT_SYMLINK_NOFOLLOW) == -1 ||
			    !S_ISREG(st.st_mode) || !(st.st_mode & S_ISUID))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dirs[i],
				de->d_name) >= (int)sizeof(path))
				continue;
			if (inotify_add_watch(r->suidw, path, IN_OPEN) >= 0)
				n++;
		}
		(void)closedir(d);
	}
	if (n == 0) {
		(void)close(r->suidw);
		r->suidw = -1;
	}
}

static void
suid_watch_read(struct relay *r)
{
	char buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	int64_t t = sr_mono_ns();

	while (read(r->suidw, buf, sizeof(buf)) > 0)
		;
	r->fg_burst = t + SUID_BURST_MS * SR_NSEC_PER_MSEC;
	if (r->fg_fast < r->fg_burst)
		r->fg_fast = r->fg_burst;
}

/*
 * A marker when the pty's foreground process runs as another user than
 * before: "su -" or "sudo -i" inside the session (SECURITY.md P6).  On
 * input and output: every 10 ms for 0.7 s after an Enter, when a command
 * starts, then at most every 50 ms.
 */
static void
check_fg_uid(struct relay *r, int now)
{
	char d[200], proc[PROC_MAX];
	struct passwd *pw;
	char from[64], to[64];
	int64_t t;
	pid_t pg, leaf;
	long uid;
	int len;

	if (!marking(r))
		return;
	t = sr_mono_ns();
	if (now)
		r->fg_fast = t + 700 * SR_NSEC_PER_MSEC;
	if (!now && t - r->fg_check < fg_interval(r, t) * SR_NSEC_PER_MSEC)
		return;
	r->fg_check = t;
	if ((pg = tcgetpgrp(r->master)) <= 0 ||
	    (uid = proc_uid_held(leaf = fg_leaf(pg))) < 0)
		return;
	if (r->fg_uid < 0 || uid == r->fg_uid) {
		r->fg_uid = uid;
		return;
	}
	pw = getpwuid((uid_t)r->fg_uid);
	(void)strlcpy(from, pw != NULL ? pw->pw_name : "?", sizeof(from));
	pw = getpwuid((uid_t)uid);
	(void)strlcpy(to, pw != NULL ? pw->pw_name : "?", sizeof(to));
	sr_pty_sanitize(from);
	sr_pty_sanitize(to);
	pid_comm(leaf, proc, sizeof(proc));
	len = snprintf(d, sizeof(d), "uid %ld (%s) -> %ld (%s): %s", r->fg_uid,
	    from, uid, to, proc);
	r->fg_uid = uid;
	if (len > 0 && (size_t)len < sizeof(d))
		(void)q_event(r, SR_EV_MARKER, SR_STREAM_NONE, 0, d,
		    (size_t)len, 0);
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "session %s: %s", r->cfg->session_id,
	    d);
}

static void
read_input(struct relay *r)
{
	ssize_t k = read(r->tty->fd, r->ibuf, sizeof(r->ibuf));

	if (k == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (k <= 0) {
		r->stdin_eof = 1;
		if (r->tty->is_tty) /* the user's terminal went away */
			start_stop(r, SR_END_HANGUP, SIGHUP);
		else {
			r->eof_due = 1;
			flush_input(r);
		}
		return;
	}
	/*
	 * Enter: look before the next command starts, so "from" is right
	 * (relay_loop has just looked at the rate it keeps).
	 */
	if (marking(r) &&
	    (memchr(r->ibuf, '\r', (size_t)k) != NULL ||
		memchr(r->ibuf, '\n', (size_t)k) != NULL))
		check_fg_uid(r, 1);
	if (r->cfg->record_input)
		input_events(r, r->ibuf, (size_t)k);
	r->ilen = (size_t)k;
	r->ioff = 0;
	flush_input(r);
}

static void
read_fd(struct relay *r, int fd, enum sr_stream_id stream, int out, int *eof)
{
	size_t n = 0, max = READ_MAX;
	ssize_t k;

	if (!r->mdrop) {
		pthread_mutex_lock(&r->mu);
		max = q_room(r, QUEUE_SLACK);
		pthread_mutex_unlock(&r->mu);
		if (max > READ_MAX)
			max = READ_MAX;
		if (max < READ_MIN)
			return;
	}
	while (n < max) {
		k = read(fd, r->obuf + n, max - n);
		if (k > 0) {
			n += (size_t)k;
			/*
			 * Linux hands out at most 4095 bytes a read; a
			 * shorter read emptied the pty, and one more read
			 * would only wait for the tty's flush work.
			 */
			if (k < PTY_READ_FULL)
				break;
			continue;
		}
		if (k == -1 && errno == EINTR)
			continue;
		/* EIO once every slave descriptor is closed: the end. */
		if (k == 0 || errno != EAGAIN)
			*eof = 1;
		break;
	}
	if (n == 0)
		return;
	if (r->mdrop)
		mdrop_count(r, n);
	else
		(void)q_event(r, SR_EV_OUTPUT, stream,
		    r->pipes ? SR_EVF_PIPE : 0, r->obuf, n, QUEUE_SLACK);
	if (r->cfg->mask != NULL)
		sr_mask_output(r->cfg->mask, r->obuf, n);
	if (r->stopping)
		return;
	if (write_all(out, r->obuf, n) != 0)
		start_stop(r, SR_END_HANGUP, SIGHUP);
}

static void
read_output(struct relay *r)
{
	if (!r->pipes) {
		read_fd(r, r->master, SR_STREAM_TTYOUT, STDOUT_FILENO,
		    &r->master_eof);
		return;
	}
	read_fd(r, r->master, SR_STREAM_STDOUT, STDOUT_FILENO, &r->out_eof);
	r->master_eof = r->out_eof && r->err_eof;
}

/* Pipe mode only: relay_loop polls each pipe until its end. */
static void
read_errors(struct relay *r)
{
	read_fd(r, r->errfd, SR_STREAM_STDERR, STDERR_FILENO, &r->err_eof);
	r->master_eof = r->out_eof && r->err_eof;
}

/* Whether the ring has room for a read; else arms the wakeup. */
static int
queue_ready(struct relay *r)
{
	int ok;

	pthread_mutex_lock(&r->mu);
	ok = q_room(r, QUEUE_SLACK) >= READ_MIN &&
	    q_room(r, 0) >= INPUT_MAX + 1024;
	if (!ok)
		r->main_waiting = 1;
	pthread_mutex_unlock(&r->mu);
	return (ok);
}

static void
check_writer(struct relay *r)
{
	pthread_mutex_lock(&r->mu);
	if (r->wfailed)
		r->failing = 1;
	pthread_mutex_unlock(&r->mu);
}

/* A stalled writer under "continue": relay on, count what is lost. */
static void
mdrop_begin(struct relay *r)
{
	r->mdrop = 1;
	r->mdrop_bytes = 0;
	r->mdrop_from = r->mdrop_to = now_ns(r);
	syslog(LOG_AUTHPRIV | LOG_ALERT,
	    "session %s: recording %s stalled for %.3g s: data is being lost",
	    r->cfg->session_id, r->cfg->path,
	    (double)r->stall_ns / SR_NSEC_PER_SEC);
}

static void
mdrop_end(struct relay *r)
{
	struct qrec h;

	memset(&h, 0, sizeof(h));
	h.type = QR_GAP;
	h.t_ns = r->mdrop_to;
	h.gap_bytes = r->mdrop_bytes;
	h.gap_from = r->mdrop_from;
	if (q_put(r, &h, NULL, 0) != 0)
		return;
	r->mdrop = 0;
	syslog(LOG_AUTHPRIV | LOG_ALERT,
	    "session %s: recording %s resumed; %llu bytes lost",
	    r->cfg->session_id, r->cfg->path,
	    (unsigned long long)r->mdrop_bytes);
}

static int
exit_code(int st)
{
	if (WIFEXITED(st))
		return (WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return (128 + WTERMSIG(st));
	return (125);
}

static int
ms_until(const struct relay *r, int64_t t)
{
	int64_t d = t - now_ns(r);

	if (d <= 0)
		return (0);
	d = (d + SR_NSEC_PER_MSEC - 1) / SR_NSEC_PER_MSEC;
	return (d > INT_MAX ? INT_MAX : (int)d);
}

static int
min_timeout(int a, int b)
{
	if (a < 0)
		return (b);
	if (b < 0)
		return (a);
	return (a < b ? a : b);
}

/* The main loop; returns when the session is over. */
static void
relay_loop(struct relay *r)
{
	struct pollfd pfd[7];
	int npfd, timeout, ready, imaster, istdin, iin, ierr, isuid;

	for (;;) {
		if (sig_any)
			handle_signals(r);
		if (!r->failing && !r->stopping && sig_stop)
			start_stop(r,
			    sig_stop == SIGTERM ? SR_END_ADMIN : SR_END_HANGUP,
			    sig_stop);
		if (r->failing)
			return;
		if (r->child_done &&
		    (r->master_eof || r->deadline == 0 ||
			now_ns(r) >= r->deadline))
			return;
		if (r->stopping && now_ns(r) >= r->deadline)
			return;
		if (r->stopping && r->master_eof)
			return;
		if (r->winch_due)
			winch(r);

		ready = r->mdrop || queue_ready(r);
		if (ready)
			r->full_since = 0;
		else if (r->full_since == 0)
			r->full_since = now_ns(r);
		else if (now_ns(r) - r->full_since >= r->stall_ns) {
			if (!r->cfg->on_error_continue) {
				pthread_mutex_lock(&r->mu);
				r->werrnum = 0;
				(void)strlcpy(r->werrmsg,
				    "the disk does not respond",
				    sizeof(r->werrmsg));
				pthread_mutex_unlock(&r->mu);
				r->failing = 1;
				return;
			}
			mdrop_begin(r);
			ready = 1;
		}
		if (r->mdrop && queue_ready(r))
			mdrop_end(r);

		npfd = 0;
		timeout = -1;
		pfd[npfd].fd = r->sigr;
		pfd[npfd++].events = POLLIN;
		pfd[npfd].fd = r->notr;
		pfd[npfd++].events = POLLIN;
		imaster = istdin = iin = ierr = isuid = -1;
		if (r->suidw >= 0) {
			isuid = npfd;
			pfd[npfd].fd = r->suidw;
			pfd[npfd++].events = POLLIN;
		}
		if (r->pipes) {
			/* Pipe mode: three descriptors where a pty has one. */
			if (!r->out_eof && ready) {
				imaster = npfd;
				pfd[npfd].fd = r->master;
				pfd[npfd++].events = POLLIN;
			}
			if (!r->err_eof && ready) {
				ierr = npfd;
				pfd[npfd].fd = r->errfd;
				pfd[npfd++].events = POLLIN;
			}
			if (r->ilen > 0 && r->infd >= 0) {
				iin = npfd;
				pfd[npfd].fd = r->infd;
				pfd[npfd++].events = POLLOUT;
			}
		} else if (!r->master_eof && (ready || r->ilen > 0)) {
			imaster = npfd;
			pfd[npfd].fd = r->master;
			pfd[npfd++].events = (short)((ready ? POLLIN : 0) |
			    (r->ilen > 0 ? POLLOUT : 0));
		}
		if (!r->stdin_eof && !r->stopping && !r->child_done &&
		    r->ilen == 0 && (ready || !r->cfg->record_input)) {
			istdin = npfd;
			pfd[npfd].fd = r->tty->fd;
			pfd[npfd++].events = POLLIN;
		}
		if (r->deadline > 0)
			timeout = ms_until(r, r->deadline);
		if (!ready && !r->mdrop)
			timeout = min_timeout(timeout,
			    ms_until(r, r->full_since + r->stall_ns));
		if (marking(r)) /* su without output */
			timeout =
			    min_timeout(timeout, fg_interval(r, sr_mono_ns()));
		if (poll(pfd, (nfds_t)npfd, timeout) == -1) {
			if (errno == EINTR)
				continue;
			r->failing = 1;
			return;
		}
		if (isuid >= 0 && (pfd[isuid].revents & POLLIN))
			suid_watch_read(r);
		check_fg_uid(r, 0);
		if (pfd[1].revents & POLLIN) {
			char buf[64];

			while (read(r->notr, buf, sizeof(buf)) > 0)
				;
			check_writer(r);
		}
		if ((imaster >= 0 && (pfd[imaster].revents & POLLOUT)) ||
		    (iin >= 0 && (pfd[iin].revents & (POLLOUT | POLLERR))))
			flush_input(r);
		if (imaster >= 0 &&
		    (pfd[imaster].revents & (POLLIN | POLLHUP | POLLERR)))
			read_output(r);
		if (ierr >= 0 &&
		    (pfd[ierr].revents & (POLLIN | POLLHUP | POLLERR)))
			read_errors(r);
		if (istdin >= 0 &&
		    (pfd[istdin].revents & (POLLIN | POLLHUP | POLLERR)))
			read_input(r);
	}
}

static int
pipe_nb(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return (-1);
	return (0);
}

/* Copies the message under mu: the writer may still be setting it. */
static void
print_failure(struct relay *r)
{
	char why[SR_ERROR_MSG_MAX];

	pthread_mutex_lock(&r->mu);
	(void)strlcpy(why, r->werrnum != 0 ? strerror(r->werrnum) : r->werrmsg,
	    sizeof(why));
	pthread_mutex_unlock(&r->mu);
	sr_warnx("cannot write '%s': %s: session ended", r->cfg->path, why);
	syslog(LOG_AUTHPRIV | LOG_ALERT,
	    "session %s: recording %s failed (%s): session ended",
	    r->cfg->session_id, r->cfg->path, why);
}

static void
relay_free(struct relay *r)
{
	exit_tty = NULL;
	sig_wfd = -1;
	if (r->master >= 0)
		close(r->master);
	if (r->infd >= 0)
		close(r->infd);
	if (r->errfd >= 0)
		close(r->errfd);
	if (r->sigr >= 0)
		close(r->sigr);
	if (r->sigw >= 0)
		close(r->sigw);
	if (r->notr >= 0)
		close(r->notr);
	if (r->notw >= 0)
		close(r->notw);
	if (r->suidw >= 0)
		close(r->suidw);
	if (r->sync_init) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		pthread_cond_destroy(&r->done_cv);
	}
	free(r->ring);
	free(r);
}

/* The session cannot start: seal what there is and give up. */
static int
relay_abort(struct relay *r, const struct sr_relay_cfg *cfg, int code)
{
	(void)sr_recw_seal(cfg->w, r != NULL ? now_ns(r) : 0,
	    code == 126 || code == 127 ? SR_END_EXIT : SR_END_ADMIN, code);
	if (r != NULL)
		relay_free(r);
	return (code);
}

int
sr_relay_run(const struct sr_relay_cfg *cfg, struct sr_tty *tty)
{
	struct relay *r;
	pthread_condattr_t ca;
	pthread_t th;
	sigset_t all, old;
	int64_t budget;
	int p[2], rc, reason, status, code;
	static int atexit_done;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		sr_warnx("out of memory");
		return (relay_abort(NULL, cfg, 125));
	}
	r->cfg = cfg;
	r->tty = tty;
	r->master = r->sigr = r->sigw = r->notr = r->notw = -1;
	r->infd = r->errfd = r->suidw = -1;
	r->pipes = cfg->pipe_mode && !tty->is_tty;
	r->cap =
	    (cfg->queue_bytes ? cfg->queue_bytes : QUEUE_DEFAULT) & ~(size_t)7;
	r->lost_from = -1;
	r->fg_uid = (long)cfg->session_uid;
	r->stall_ns = cfg->stall_ns > 0 ? cfg->stall_ns : STALL_NS;
	r->t0 = cfg->t0_mono ? cfg->t0_mono : sr_mono_ns();
	sr_tty_size(tty, &r->rows, &r->cols);
	if ((r->ring = malloc(r->cap)) == NULL) {
		sr_warnx("out of memory");
		return (relay_abort(r, cfg, 125));
	}
	if (pipe_nb(p) == -1) {
		sr_warnx("cannot make a pipe: %s", strerror(errno));
		return (relay_abort(r, cfg, 125));
	}
	r->sigr = p[0];
	r->sigw = sig_wfd = p[1];
	if (pipe_nb(p) == -1) {
		sr_warnx("cannot make a pipe: %s", strerror(errno));
		return (relay_abort(r, cfg, 125));
	}
	r->notr = p[0];
	r->notw = p[1];
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_cond_init(&r->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	r->sync_init = 1;

	/*
	 * The handlers come first: a SIGTERM or Ctrl-Z while the child
	 * starts would otherwise kill or stop the recorder alone, leaving
	 * the recording unsealed or the command running on.
	 */
	signals_install();
	if ((code = r->pipes ? spawn_pipes(r) : spawn(r)) != 0)
		return (relay_abort(r, cfg, code));
	/* As the account: only what it may read is watched. */
	if (marking(r))
		suid_watch_open(r);
	/* Look for a child that ended at once. */
	on_signal(SIGCHLD);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&th, NULL, writer_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		sr_warnx("cannot start the writer thread: %s", strerror(rc));
		hangup_child(r);
		return (relay_abort(r, cfg, 125));
	}
	exit_tty = tty;
	if (!atexit_done) {
		atexit_done = 1;
		(void)atexit(restore_at_exit);
	}
	tty_raw(tty);

	relay_loop(r);

	tty_restore(tty);
	if (r->in_masked) {
		r->in_masked = 0;
		r->masked_due = 1;
		flush_masked(r);
	}
	if (!r->child_done)
		reap(r);
	if (r->failing) {
		print_failure(r);
		reason = SR_END_WRITE_ERROR;
		status = 0;
		code = 125;
		budget = 2 * SR_NSEC_PER_SEC;
	} else if (r->stopping) {
		reason = r->end_reason;
		status = r->end_status;
		/* sessrec-record(1): 129 or 143 unless it had ended. */
		code = r->stop_after_exit ? exit_code(r->child_status)
					  : 128 + r->end_status;
		budget = SEAL_STOP_NS;
	} else {
		if (WIFSIGNALED(r->child_status)) {
			reason = SR_END_SIGNAL;
			status = WTERMSIG(r->child_status);
		} else {
			reason = SR_END_EXIT;
			status = WEXITSTATUS(r->child_status);
		}
		code = exit_code(r->child_status);
		budget = 0; /* while the writer makes progress */
	}
	/* Closing the master hangs up whatever still runs on the pty. */
	hangup_child(r);
	close(r->master);
	r->master = -1;
	if (writer_stop(r, reason, status, budget) != 0) {
		/* Stuck in a write: the thread still uses r; leave it. */
		sr_warnx("cannot seal '%s': the disk does not respond",
		    cfg->path);
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		    "session %s: recording %s not sealed: the disk does not "
		    "respond",
		    cfg->session_id, cfg->path);
		exit(125);
	}
	pthread_join(th, NULL);
	if (r->wfailed && !r->failing) {
		print_failure(r);
		code = 125;
	} else if (r->failing) {
		code = 125;
	} else if (r->seal_rc != SR_OK) {
		sr_warnx("cannot seal '%s': %s", cfg->path, r->werrmsg);
		syslog(LOG_AUTHPRIV | LOG_ALERT,
		    "session %s: cannot seal recording %s: %s", cfg->session_id,
		    cfg->path, r->werrmsg);
		code = 125;
	} else if (!cfg->quiet)
		sr_warnx("recording %s sealed (%s)", cfg->session_id,
		    cfg->path);
	relay_free(r);
	return (code);
}
