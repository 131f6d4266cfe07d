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
 * The recording session shared by "sessrec record" (a user recording
 * what they run) and the privileged recorder sessrec-rec (a bastion
 * login): settings from configuration, the ticket policy, who the user
 * is, the session's metadata, the recording file, and the pty relay.
 * Everything that can refuse the session runs before the file exists,
 * so a refused session leaves nothing behind.  Refusals exit (125, or
 * what the function says) with a message on stderr and a syslog line.
 */
#ifndef SR_RECSESS_H
#define SR_RECSESS_H

#include <sys/types.h>

#include <limits.h>

#include "sessrec.h"
#include "pty.h"

#define REC_EXIT       125 /* the recorder could not record */
#define REC_GROUPS_MAX 64

enum rec_transfers {
	REC_XFER_METADATA, /* a recording of the metadata, no content */
	REC_XFER_SKIP,	   /* not recorded; a syslog line */
	REC_XFER_RECORD,   /* recorded like any command */
	REC_XFER_REFUSE,   /* refused */
};

/* The user a session is recorded for.  Owns its strings. */
struct rec_who {
	uid_t uid;
	gid_t gid;
	char user[64];
	char home[PATH_MAX];
	char shell[PATH_MAX]; /* from passwd; "/bin/sh" when empty */
	const char *groups[REC_GROUPS_MAX];
	size_t ngroups;
	char *gbuf; /* holds the group names */
};

/* Looks uid up in passwd and the group database; never fails. */
void rec_who_init(struct rec_who *, uid_t uid);
void rec_who_free(struct rec_who *);

/* What a session does; strings are borrowed from the configuration. */
struct rec_settings {
	const char *output;
	int output_dir; /* output names a directory */
	const char *key;
	int key_named; /* -k or config "key": failing to load is fatal */
	int record;    /* 0: policy says this user is not recorded */
	int input;
	int on_error_continue;
	enum sr_mask_policy mask;
	const char *mask_name;
	const char *prompt;
	int prompt_cli; /* the prompt regex came from the command line */
	int64_t chunk_ns, checkpoint_ns;
	int64_t stall_ns;   /* 0: the relay's default */
	const char *notice; /* NULL: none */
	enum rec_transfers transfers;
	const char *shell;	 /* the real shell for login sessions */
	const char *sftp_server; /* what "internal-sftp" runs */
	const char *lock_dir;
	unsigned ship;		  /* REC_SHIP_* */
	const char *ship_socket;  /* syslog socket; NULL: /dev/log */
	const char *ship_journal; /* journal socket; NULL: the default */
	unsigned writers;	  /* REC_WRITE_* */
	uint64_t min_free;	  /* bytes free needed at the start; 0: any */
};

#define REC_WRITE_NATIVE  (1U << 0) /* the sealed .srec file */
#define REC_WRITE_JOURNAL (1U << 1) /* tlog JSON entries in the journal */

#define REC_SHIP_SYSLOG	 (1U << 0) /* SIEM events to syslog, RFC 5424 */
#define REC_SHIP_JOURNAL (1U << 1) /* SIEM events to the journal */

/* The defaults, before any configuration. */
void rec_settings_defaults(struct rec_settings *);
/* Applies c (for who, with its sections); a bad value exits 125. */
void rec_settings_config(struct rec_settings *, const struct sr_config *c,
    const char *cpath, const struct rec_who *who);
/* Loads a config file; an unusable one exits 125, an untrusted one warns. */
struct sr_config *rec_load_config(const char *path, unsigned flags, int quiet);
int rec_parse_on_error(const char *, int *cont);
int rec_parse_mask(const char *, struct rec_settings *);
int rec_parse_interval(const char *, int64_t *ns);
/* "syslog", "journal", both comma-separated, or "off": REC_SHIP_* bits. */
int rec_parse_ship(const char *, unsigned *);
/* "native", "journal" or both comma-separated: REC_WRITE_* bits. */
int rec_parse_writers(const char *, unsigned *);
#define REC_TICKET_MISSING 1
#define REC_TICKET_BAD	   2
/* 0, or why ticket (may be NULL) fails c's policy for who. */
int rec_ticket_check(const struct sr_config *c, const char *cpath,
    const char *ticket, const struct rec_who *who);
/* Exits 125 unless ticket (may be NULL) satisfies c's policy for who. */
void rec_ticket_policy(const struct sr_config *c, const char *cpath,
    const char *ticket, const struct rec_who *who);
/* Whether the kernel runs us set-id or with added capabilities. */
int rec_secure_mode(void);

/* One session to record. */
struct rec_job {
	struct sr_ctx *ctx;
	const struct rec_settings *s;
	const struct sr_config *cfg; /* for messages about its lines */
	const char *cpath;
	const struct rec_who *who;
	int quiet;
	const char *ticket;    /* claimed; NULL: none */
	const char *actor;     /* --actor; NULL: the certificate or login */
	const char *target;    /* --target; NULL: this host */
	const char *cwd;       /* NULL: getcwd() */
	const char *file;      /* what to run (PATH searched) */
	char *const *argv;     /* its argv */
	char *const *envp;     /* its environment; NULL: ours */
	const char *transfer;  /* non-NULL: a transfer, metadata only */
	const char *notice;    /* shown on a terminal; "%s": session id */
	const char *extra_env; /* one more "NAME=value" (NULL: none) */
	int user_fsuid;	       /* open the user's files as the user */
	int mark_uid_changes;  /* relay markers for su and sudo */
	int pipe_mode;	       /* no terminal: the command on pipes */
	int (*parent_setup)(void *, const char *slave);
	int (*child_setup)(void *);
	int (*monitor_setup)(void *); /* also sets no_suspend */
	void *setup_arg;
	/* Out: */
	char session_id[27];
	char path[PATH_MAX];
};

/*
 * Records the session: metadata, the file, the witness lines, the relay
 * (or, for a transfer, the command run directly).  Returns the exit
 * status for the recorder (the command's, 125 when recording failed).
 */
int rec_run(struct rec_job *);

/*
 * The command's environment (SECURITY.md P2): environ less LD_* and
 * SESSREC_* (all of them when secure), TERM as recorded, plus "extra"
 * strings (may be NULL).  Strings are borrowed; free the array.
 */
char **rec_child_env(const char *term, char *termvar, size_t len, int secure,
    char *const *extra);
/* TERM made safe: [A-Za-z0-9._+-], at most 64 bytes, else "dumb". */
void rec_term(char *out, size_t len, const char *term);

#endif /* SR_RECSESS_H */
