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
 * The interactive player (src/ui-play.c).  ncurses is used only in
 * src/ui-*.c; this header is all cmd-play.c sees of it.
 *
 * Ownership: ui_play_run() borrows ctx and the catalog (both must outlive
 * the call) and owns everything else it makes: the index handle
 * (idxcache.c, with its builder thread, closed and joined before it
 * returns), the read cursor, the emulator screen and the curses screen,
 * which it opens on /dev/tty (so stdin may be anything) and always ends
 * before returning, also on errors.
 */
#ifndef SR_UI_PLAY_H
#define SR_UI_PLAY_H

#include <stdint.h>

#include "sessrec.h"

struct ui_play_opts {
	double speed;  /* 0.25 .. 16 */
	int64_t at_ns; /* start here when have_at */
	int have_at;
	int64_t max_idle_ns;   /* 0: keep the recorded idle time */
	int paused;	       /* start paused */
	int dump;	       /* not for the UI: cmd-play.c prints instead */
	int follow;	       /* keep playing as the recording grows */
	const char *cache_dir; /* borrowed; NULL: the default */
	int no_cache;	       /* index in an unlinked temporary file */
	int quiet;
	const char *notice; /* borrowed; shown in the status line at start */
};

/*
 * Plays catalog entry `entry` until the user quits.  Returns an exit
 * status (src/cmd.h): 0, 3 when the recording cannot be read, 5 on an
 * internal error or when no terminal can be opened.
 */
int ui_play_run(struct sr_ctx *, struct sr_catalog *, size_t entry,
    const struct ui_play_opts *);

#endif /* SR_UI_PLAY_H */
