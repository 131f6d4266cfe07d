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
 * The pty relay behind "sessrec record": the user's terminal, a child on
 * a new pty, and the loop that copies bytes between them after handing
 * each read to a writer thread (record before relay, SECURITY.md §3).
 */
#ifndef SR_PTY_H
#define SR_PTY_H

#include <sys/types.h>

#include <termios.h>

#include "sessrec.h"

/* The user's terminal (stdin), when it is one. */
struct sr_tty {
	int fd;
	int is_tty;
	int raw;	      /* raw mode is on now */
	struct termios saved; /* the user's modes, restored at exit */
};

/* Looks at fd; never fails (not a terminal: is_tty = 0). */
void sr_tty_init(struct sr_tty *, int fd);
/* Window size of the user's terminal; 0 x 0 without one. */
void sr_tty_size(const struct sr_tty *, unsigned *rows, unsigned *cols);

/* Every signal to its default and none blocked, as a fresh process. */
void sr_pty_default_signals(void);
/*
 * Reads at most len - 1 bytes of a small file (under /proc) into buf,
 * NUL-terminated: the count, or -1.
 */
ssize_t sr_read_small(const char *path, char *buf, size_t len);
/* Opens /dev/null on whichever of 0, 1, 2 is closed. */
void sr_pty_fix_stdio(void);
/* CLOCK_MONOTONIC in nanoseconds (the relay's clock, see t0_mono). */
int64_t sr_mono_ns(void);
/*
 * Makes s fit in "k=v k=v" metadata: anything but ASCII letters, digits
 * and "._+-" becomes '_'.
 */
void sr_pty_sanitize(char *s);

struct sr_relay_cfg {
	struct sr_ctx *ctx;
	struct sr_recw *w;    /* handed to the writer thread */
	struct sr_mask *mask; /* NULL: no masking */
	int record_input;
	int on_error_continue; /* fail-open: mark a gap, keep going */
	int quiet;
	const char *session_id; /* for messages and syslog */
	const char *path;	/* the recording, for messages */
	const char *file;	/* what to execute (PATH searched) */
	char *const *argv;	/* its argv (argv[0] may be "-bash") */
	char *const *envp;	/* its environment; NULL: the recorder's */
	size_t queue_bytes;	/* 0: 1 MiB */
	int64_t stall_ns;	/* stalled this long: failed; 0: 30 s */
	int64_t t0_mono;	/* CLOCK_MONOTONIC ns at the session start */
	/*
	 * Privilege separation (sessrec-rec).  After the fork the parent
	 * runs parent_setup (the pty's slave name, e.g. to lock it) and
	 * only then lets the child go on; the child runs child_setup once
	 * it owns the pty and before anything of the user's runs.  A hook
	 * returning -1 ends the session start (errno kept for messages).
	 */
	int (*parent_setup)(void *arg, const char *slave);
	int (*child_setup)(void *arg);
	/*
	 * The monitor (the session leader on the pty, the command's parent)
	 * runs this once it has forked the command: with privilege
	 * separation it takes the recorder's account, so the user can
	 * neither kill nor stop it.  Such a monitor never stops with the
	 * command either (no_suspend): a stopped command is continued, as
	 * there is nothing a login session could suspend to.
	 */
	int (*monitor_setup)(void *arg);
	int no_suspend;
	/*
	 * When stdin is not a terminal, run the command on pipes, as sshd
	 * runs a command without a pty: stdout and stderr apart and byte
	 * for byte, stdin's end passed on as an end (no pty, no monitor).
	 */
	int pipe_mode;
	void *setup_arg;
	/* Mark when the foreground process's effective uid changes (su). */
	int mark_uid_changes;
	uid_t session_uid; /* the uid the command starts as */
	/*
	 * A second consumer of the recorded events (the journal copy), run
	 * in the writer thread: tap for each event as stored, tick every
	 * 100 ms, end once before the seal.  NULL: none.
	 */
	void (*tap)(void *arg, const struct sr_event *);
	void (*tap_tick)(void *arg, int64_t t_ns);
	void (*tap_end)(void *arg, int64_t t_ns);
	void *tap_arg;
};

/*
 * Runs the child on a new pty and relays until it ends, the terminal
 * hangs up, SIGTERM arrives or the recording fails.  Seals the recording
 * (the writer is left sealed or failed; the caller frees it) and returns
 * the exit status for sessrec record: the command's, 128 + signal, 125
 * when the recording failed, 126/127 when the command could not run.
 * Messages go to stderr with the terminal restored.
 */
int sr_relay_run(const struct sr_relay_cfg *, struct sr_tty *);

#endif /* SR_PTY_H */
