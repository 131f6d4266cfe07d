/* SPDX-License-Identifier: ISC */
/*
 * Makes the fixtures of tests/data/native with the writer (see README):
 * gen FILE LINES CHUNK_BYTES SEAL.  Not built by make.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sessrec.h"
#include "native.h"

static void
ev(struct sr_recw *w, int type, int64_t ms, const char *d, unsigned flags)
{
	struct sr_event e;
	memset(&e, 0, sizeof e);
	e.type = type;
	e.t_ns = ms * 1000000;
	e.data = (const void *)d;
	e.len = d ? strlen(d) : 0;
	e.flags = flags;
	if (type == SR_EV_RESIZE) {
		e.cols = 100;
		e.rows = 30;
	}
	sr_recw_event(w, &e);
}
int
main(int argc, char **argv)
{
	struct sr_ctx *ctx = sr_ctx_new();
	struct sr_rec_meta m;
	struct sr_rec_opts o;
	struct sr_recw *w;
	struct sr_error err;
	const char *av[] = { "bash", "-l", NULL };
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0600), i,
	    n = atoi(argv[2]);
	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	m.session_id = "01KAAAAAAAAAAAAAAAAAAAAAAA";
	m.host = "vm";
	m.user = "root";
	m.actor = "alice";
	m.term = "xterm";
	m.src_ip = "203.0.113.9";
	m.target = "db1";
	m.ticket = "CHG-1";
	m.actor_source = "option";
	m.claimed = SR_CLAIMED_ACTOR;
	m.tty = "/dev/pts/1";
	m.cwd = "/root";
	m.command = "bash -l";
	m.argv = av;
	m.start_ns = 1795577830000000000LL;
	m.rows = 24;
	m.cols = 80;
	m.loginuid = 1000;
	m.audit_session = 3;
	m.input = 1;
	m.mask = "echo-off+prompt";
	m.host_seq = 7;
	o.no_sync = 1;
	o.chunk_bytes = (size_t)atoi(argv[3]);
	o.checkpoint_bytes = 400;
	if (sr_recw_open(ctx, fd, &m, &o, &w, &err) != SR_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		char buf[128];
		snprintf(buf, sizeof buf,
		    "line %d \033[31mred\033[0m caf\xc3\xa9 \xff\xe2\x82\r\n",
		    i);
		ev(w, SR_EV_OUTPUT, i * 30, buf, 0);
		if (i % 5 == 1)
			ev(w, SR_EV_INPUT, i * 30 + 1, "ls -l\r", 0);
		if (i % 5 == 2)
			ev(w, SR_EV_INPUT, i * 30 + 2, "proc=sudo lines=1",
			    SR_EVF_MASKED);
		if (i % 5 == 3)
			ev(w, SR_EV_MARKER, i * 30 + 3, "note step two", 0);
		if (i % 7 == 4) {
			ev(w, SR_EV_SUSPEND, i * 30 + 4, NULL, 0);
			ev(w, SR_EV_RESUME, i * 30 + 5, NULL, 0);
		}
		if (i == 6)
			ev(w, SR_EV_RESIZE, i * 30 + 6, NULL, 0);
		if (i == 8) {
			sr_recw_flush(w, i * 30 * 1000000LL + 7000000);
			sr_recw_gap(w, 77, i * 30000000LL,
			    i * 30000000LL + 8000000);
		}
	}
	if (atoi(argv[4]))
		sr_recw_seal(w, (int64_t)n * 30 * 1000000,
		    n > 10 ? SR_END_SIGNAL : SR_END_EXIT, n > 10 ? 9 : 1);
	else
		sr_recw_flush(w, (int64_t)n * 30 * 1000000);
	sr_recw_free(w);
	return 0;
}
