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
 * Matching for grep: one user pattern against rendered text lines.
 *
 * The pattern is compiled once with PCRE2 in UTF mode and, where the
 * platform has it, JIT-compiled; every line then costs one JIT call and
 * no allocation (the match data and the JIT stack are made with the
 * handle).  PCRE2_MATCH_INVALID_UTF lets lines hold invalid UTF-8 (a
 * caller may pass raw bytes) without a check per call, and \C, which
 * could split a character, is refused.  PCRE2_UCP makes \w, \b and
 * case folding Unicode-aware, so -w treats "café" as one word.
 *
 * ReDoS (SECURITY.md R4): a pattern like "(a+)+$" on a long line of 'a's
 * backtracks exponentially.  The match limit (which also bounds JIT
 * matching), the depth and heap limits of the interpreter and a JIT
 * stack of fixed size make such a match fail with PCRE2's limit error,
 * which comes back as SR_FAILED with SR_E_LIMIT: the caller reports the
 * line, it is never silently a non-match.  Patterns are at most
 * MATCH_PATTERN_MAX bytes.  The limits are fixed here rather than in
 * sr_ctx: they bound CPU time and memory per line, not input sizes.
 *
 * -F makes the pattern a literal (PCRE2_LITERAL).  -w wraps it in
 * "(?<!\w)(?:...)(?!\w)": like grep -w, the match must neither follow nor
 * precede a word character, and PCRE2 backtracks into the pattern to find
 * another match that satisfies this.  -F -w cannot use PCRE2_LITERAL
 * with the wrapper, so the literal is escaped instead.
 *
 * An empty match (so == eo) is possible ("x*"); a caller looping over the
 * matches of a line must then move start on by one character itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "compat.h"
#include "sr-private.h"

#define MATCH_PATTERN_MAX 1024	       /* bytes of a user pattern (R4) */
#define MATCH_LIMIT	  10000000U    /* backtracking steps per call */
#define MATCH_DEPTH	  10000U       /* interpreter recursion depth */
#define MATCH_HEAP_KIB	  (20U * 1024) /* interpreter heap, KiB */
#define MATCH_JIT_STACK	  (1U << 20)   /* fixed JIT stack, bytes */

struct sr_match {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	int jit; /* JIT compiled: use pcre2_jit_match() */
};

void
sr_match_free(struct sr_match *m)
{
	if (m == NULL)
		return;
	pcre2_match_data_free(m->md);
	pcre2_jit_stack_free(m->jstack);
	pcre2_match_context_free(m->mctx);
	pcre2_code_free(m->code);
	free(m);
}

/*
 * The -w wrapper around pattern into b; with fixed, every ASCII
 * punctuation byte of the pattern is escaped (PCRE2 accepts a backslash
 * before any non-alphanumeric character) and the rest copied.
 */
static int
word_pattern(struct sr_buf *b, const char *pattern, int fixed)
{
	const char *p;
	int e = SR_E_NONE;

	e = sr_buf_append(b, "(?<!\\w)(?:", 10);
	for (p = pattern; *p != '\0' && e == SR_E_NONE; p++) {
		unsigned char c = (unsigned char)*p;

		if (fixed && c < 0x80 && !(c >= '0' && c <= '9') &&
		    !((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			e = sr_buf_putc(b, '\\');
		if (e == SR_E_NONE)
			e = sr_buf_putc(b, c);
	}
	if (e == SR_E_NONE)
		e = sr_buf_append(b, ")(?!\\w)", 7);
	return (e);
}

int
sr_match_new(struct sr_ctx *ctx, const char *pattern, unsigned flags,
    struct sr_match **mp, struct sr_error *err)
{
	struct sr_match *m;
	struct sr_buf b;
	struct sr_loc loc;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	uint32_t opts;
	size_t plen;
	int ecode;

	(void)ctx;
	*mp = NULL;
	plen = strlen(pattern);
	if (plen > MATCH_PATTERN_MAX)
		return (sr_error_set(err, SR_FAILED, SR_E_LIMIT, NULL, NULL,
		    "pattern too long: %zu bytes, at most %d", plen,
		    MATCH_PATTERN_MAX));
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));

	opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP |
	    PCRE2_NEVER_BACKSLASH_C;
	if (flags & SR_MATCH_ICASE)
		opts |= PCRE2_CASELESS;
	sr_buf_init(&b, 4 * MATCH_PATTERN_MAX);
	if (flags & SR_MATCH_WORD) {
		if (word_pattern(&b, pattern, flags & SR_MATCH_FIXED) !=
		    SR_E_NONE) {
			sr_buf_release(&b);
			sr_match_free(m);
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL,
			    NULL, "out of memory"));
		}
	} else {
		/* LITERAL refuses UCP and NEVER_BACKSLASH_C; neither matters. */
		if (flags & SR_MATCH_FIXED)
			opts = (opts &
				   ~(uint32_t)(PCRE2_UCP |
				       PCRE2_NEVER_BACKSLASH_C)) |
			    PCRE2_LITERAL;
		/* The buffer's static "" never needs freeing. */
		if (sr_buf_append(&b, pattern, plen) != SR_E_NONE) {
			sr_buf_release(&b);
			sr_match_free(m);
			return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL,
			    NULL, "out of memory"));
		}
	}
	m->code = pcre2_compile((PCRE2_SPTR)b.data, b.len, opts, &ecode,
	    &erroff, NULL);
	sr_buf_release(&b);
	if (m->code == NULL) {
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		sr_loc_clear(&loc);
		/* The offset into the wrapper is not the user's: shift it. */
		if ((flags & SR_MATCH_WORD) && erroff >= 10)
			erroff -= 10;
		if (erroff > plen)
			erroff = plen;
		loc.offset = (int64_t)erroff;
		sr_match_free(m);
		return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, &loc,
		    "bad pattern at offset %zu: %s", (size_t)erroff,
		    (const char *)msg));
	}
	/* Without JIT support (some platforms) the interpreter is used. */
	m->jit = pcre2_jit_compile(m->code, PCRE2_JIT_COMPLETE) == 0;
	if ((m->mctx = pcre2_match_context_create(NULL)) == NULL ||
	    (m->md = pcre2_match_data_create(1, NULL)) == NULL ||
	    (m->jit &&
		(m->jstack = pcre2_jit_stack_create(32 * 1024, MATCH_JIT_STACK,
		     NULL)) == NULL)) {
		sr_match_free(m);
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, NULL, NULL,
		    "out of memory"));
	}
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, MATCH_DEPTH);
	pcre2_set_heap_limit(m->mctx, MATCH_HEAP_KIB);
	if (m->jit)
		pcre2_jit_stack_assign(m->mctx, NULL, m->jstack);
	*mp = m;
	return (SR_OK);
}

int
sr_match_exec(struct sr_match *m, const char *s, size_t len, size_t start,
    size_t *so, size_t *eo, struct sr_error *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE *ov;
	struct sr_loc loc;
	int rc;

	if (m == NULL)
		return (sr_error_set(err, SR_FAILED, SR_E_MISUSE, NULL, NULL,
		    "no pattern"));
	if (start > len)
		return (SR_EOF);
	if (m->jit)
		rc = pcre2_jit_match(m->code, (PCRE2_SPTR)s, len, start, 0,
		    m->md, m->mctx);
	else
		rc = pcre2_match(m->code, (PCRE2_SPTR)s, len, start, 0, m->md,
		    m->mctx);
	if (rc >= 0) {
		ov = pcre2_get_ovector_pointer(m->md);
		*so = ov[0];
		*eo = ov[1];
		/* \K in a lookbehind can put the start after the end. */
		if (*eo < *so)
			*eo = *so;
		return (SR_OK);
	}
	if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
		return (SR_EOF);
	sr_loc_clear(&loc);
	loc.offset = (int64_t)start;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		pcre2_get_error_message(rc, msg, sizeof(msg));
		return (sr_error_set(err, SR_FAILED, SR_E_LIMIT, NULL, &loc,
		    "pattern too costly on a line of %zu bytes (%s): "
		    "simplify it (nested repetition?)",
		    len, (const char *)msg));
	case PCRE2_ERROR_NOMEMORY:
		return (sr_error_set(err, SR_FAILED, SR_E_NOMEM, NULL, &loc,
		    "out of memory while matching"));
	}
	pcre2_get_error_message(rc, msg, sizeof(msg));
	return (sr_error_set(err, SR_FAILED, SR_E_FORMAT, NULL, &loc,
	    "matching failed: %s", (const char *)msg));
}
