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
 * Shipping events (lib/ship.c) to the local syslog daemon as RFC 5424 and
 * to systemd-journald over its native protocol.  libc only, no
 * libsystemd: the privileged recorder links this and must stay small.
 *
 * A sender owns one non-blocking datagram socket.  A send never blocks
 * the caller for long: when the daemon's queue is full (EAGAIN, ENOBUFS)
 * it waits at most the retry budget (sr_ship_set_budget, default 100 ms)
 * and then drops the event (SR_FAILED, counted by sr_ship_dropped).  When
 * the daemon was restarted and its socket replaced, the next send
 * reconnects once and retries.
 *
 * On a systemd host /dev/log belongs to journald, which parses only BSD
 * syslog: an RFC 5424 datagram sent there is stored as a plain message
 * ("1 2026-..."), fields lost.  Ship to rsyslog's own socket (--ship-socket)
 * or to the journal there.
 *
 * Datagram layouts:
 *   syslog   <PRI>1 TIMESTAMP HOST APP PROCID MSGID [sessrec@32473 k="v" ...] MSG
 *            TIMESTAMP is UTC with microseconds; header fields are cut to
 *            their RFC 5424 lengths, characters outside printable ASCII
 *            become '_', empty ones are "-"; SD values escape '"' '\' ']';
 *            params with a NULL value are left out.  When the datagram
 *            would exceed the cap, MSG is cut (never inside a UTF-8
 *            sequence) and the SD carries truncated="1".  No BOM.
 *   journal  KEY=value lines (the length-prefixed binary form for values
 *            holding a newline): MESSAGE (the JSON), PRIORITY,
 *            SYSLOG_FACILITY, SYSLOG_IDENTIFIER, SESSREC_MSGID, and one
 *            SESSREC_<KEY> per sd entry (key upper-cased, other
 *            characters than A-Z 0-9 become '_'); SESSREC_TRUNCATED=1 when
 *            MESSAGE was cut to fit the cap.
 */
#ifndef SR_SHIP_H
#define SR_SHIP_H

#include "sessrec.h"

enum sr_ship_kind { SR_SHIP_SYSLOG, SR_SHIP_JOURNAL };

#define SR_SHIP_SYSLOG_PATH  "/dev/log"
#define SR_SHIP_JOURNAL_PATH "/run/systemd/journal/socket"
/*
 * The SD-ID of our structured data.  32473 is the enterprise number RFC
 * 5612 reserves for documentation, as the design asked; a registered one
 * would replace it.
 */
#define SR_SHIP_SD_ID "sessrec@32473"
/*
 * Default caps on one datagram.  8096 bytes is rsyslog's default
 * maxMessageSize ("8k" in its documentation, 8096 in its code; longer
 * datagrams are cut by rsyslogd without a flag), so the cut happens here,
 * flagged; the journal takes larger datagrams (bounded by the socket
 * buffer).
 */
#define SR_SHIP_SYSLOG_MAX_DEFAULT  8096
#define SR_SHIP_JOURNAL_MAX_DEFAULT (64 * 1024)
#define SR_SHIP_MAX_MIN		    480 /* RFC 5424 6.1: must accept 480 */
#define SR_SHIP_MAX_MAX		    (1024 * 1024)

/* One structured-data / journal field: key "session_id", value "...". */
struct sr_ship_kv {
	const char *key;   /* SD-NAME: 1..32 printable ASCII, no = ] " SP */
	const char *value; /* UTF-8; NULL: left out */
};

struct sr_ship; /* owns its socket */

/*
 * Opens a sender and connects its socket.  path NULL: SR_SHIP_SYSLOG_PATH
 * or SR_SHIP_JOURNAL_PATH.  app: APP-NAME / SYSLOG_IDENTIFIER (NULL:
 * "sessrec").  SR_FAILED with SR_E_IO (errnum) when the socket cannot be
 * reached, SR_E_NOMEM, SR_E_MISUSE on a bad kind.
 */
int sr_ship_open(enum sr_ship_kind, const char *path, const char *app,
    struct sr_ship **, struct sr_error *);

/*
 * Sends one event.  severity: LOG_INFO etc. (0..7).  msgid: RFC 5424
 * MSGID (e.g. "session_start"; NULL: "-").  sd/nsd: the key fields also
 * sent as structured data / journal fields (session_id, actor, src_ip,
 * target, ticket, host, type).  json/len: the NDJSON object, no newline.
 * Returns SR_OK; SR_WARN when the message was truncated to the cap (sent);
 * SR_FAILED when it was dropped (SR_E_IO with errnum: daemon gone, queue
 * full past the budget, EMSGSIZE) or sd holds a bad key (SR_E_MISUSE).
 */
int sr_ship_event(struct sr_ship *, int severity, const char *msgid,
    const struct sr_ship_kv *sd, size_t nsd, const char *json, size_t len,
    struct sr_error *);

void sr_ship_close(struct sr_ship *);

/*
 * Journal only: one entry of exactly these fields (names [A-Z0-9_], not
 * starting with '_'; NULL values skipped), for entries other tools read
 * by their own field names (tlog's TLOG_REC, TLOG_ID, MESSAGE...).  Same
 * cap, wait and reconnect as sr_ship_event(); SR_OK or SR_FAILED.
 */
int sr_ship_journal_fields(struct sr_ship *, const struct sr_ship_kv *,
    size_t n, struct sr_error *);

/*
 * Settings (call after open, before sending).  facility: LOG_AUTHPRIV
 * (the default) etc., the <syslog.h> value (already shifted by 3).
 * Returns SR_OK or SR_FAILED (SR_E_MISUSE) on an invalid value.
 */
int sr_ship_set_facility(struct sr_ship *, int facility, struct sr_error *);
/* Datagram cap in bytes, SR_SHIP_MAX_MIN..SR_SHIP_MAX_MAX. */
int sr_ship_set_max(struct sr_ship *, size_t max, struct sr_error *);
/* Longest wait on a full queue per event, in milliseconds (0: none). */
void sr_ship_set_budget(struct sr_ship *, unsigned ms);
/* HOSTNAME field (syslog); NULL: gethostname() (the default). */
int sr_ship_set_hostname(struct sr_ship *, const char *, struct sr_error *);
/*
 * For tests: a fixed timestamp (epoch ns; 0 = the clock) and PROCID
 * (0 = getpid()).
 */
void sr_ship_set_clock(struct sr_ship *, int64_t epoch_ns, long pid);

/* Events dropped so far (queue full, daemon gone, too large). */
uint64_t sr_ship_dropped(const struct sr_ship *);

/*
 * Parses a facility name ("authpriv", "auth", "daemon", "user",
 * "local0".."local7") into its <syslog.h> value.  0 or -1.
 */
int sr_ship_facility_parse(const char *name, int *facility);
/* Parses "syslog" / "journal".  0 or -1. */
int sr_ship_kind_parse(const char *name, enum sr_ship_kind *kind);

#endif /* SR_SHIP_H */
