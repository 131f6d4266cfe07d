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
 * The util-linux script(1) reader.  A recording is a log file (the
 * typescript: output only, or output and input interleaved with
 * --log-io), an optional timing file in the classic or the advanced
 * (multi-stream) layout, and with --log-in plus --log-out a separate
 * input log.  The files are partners found by name: the same stem with
 * a timing suffix (NAME.timing, NAME.tm, NAME.time), or the base names
 * of the paths in the advanced timing's H OUTPUT_LOG and INPUT_LOG
 * entries.  Whichever file a reader is opened on, it finds the others,
 * and the log is the recording's root.
 *
 * Grammar (util-linux 2.38; FORMATS.md section 6):
 *
 *   log      = [header] body [trailer]
 *   header   = "Script started on " date [" [" info "]"] LF
 *   info     = ["COMMAND=\"" text "\" "] ( "<not executed on terminal>"
 *              | ["TERM=\"" v "\" "] ["TTY=\"" v "\" "]
 *                "COLUMNS=\"" num "\" LINES=\"" num "\"" )
 *   trailer  = LF "Script done on " date
 *              [" [" ( "COMMAND_EXIT_CODE=\"" num "\"" | "<" text ">" ) "]"] LF
 *   classic  = *( delay SP num LF )
 *   advanced = *( ("O" | "I") SP delay SP num LF
 *              | "S" SP delay SP signal-text LF  ; "SIGWINCH ROWS=r COLS=c"
 *              | "H" SP delay SP name SP value LF )
 *   delay    = 1*DIGIT ["." *DIGIT]  ; seconds since the previous entry
 *   date     = "2026-11-25 03:37:20+00:00" (2.38), older versions wrote
 *              the locale's %c ("Wed 25 Nov 2026 03:37:20 AM UTC")
 *
 * The header values are written without any escaping, so a COMMAND may
 * hold bare quotes; the keys after it come in a fixed order and are
 * taken from the right.  Byte counts (the man page says characters)
 * start right after the header line and never cover the trailer.  With
 * --log-io the O and I bytes follow each other in the one log in entry
 * order, so both are read from a single cursor.  Without a timing file
 * the body is one output event at time zero.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

#define HDR_START     "Script started on "
#define HDR_START_LEN (sizeof(HDR_START) - 1)
#define HDR_DONE      "Script done on "
#define HDR_DONE_LEN  (sizeof(HDR_DONE) - 1)
#define NOT_TERM      "<not executed on terminal>"
#define NOT_TERM_LEN  (sizeof(NOT_TERM) - 1)

/* How much of a member a probe looks at. */
#define HEAD_MAX 4096
/* A trailer line is short; this much of the log's end holds it. */
#define TAIL_MAX 4096
/* Bounds of the search for a timing file whose H entries name a log. */
#define SCAN_MEMBERS_MAX 4096
#define SCAN_PEEKS_MAX	 16
/* Terminal sizes are 16-bit in struct winsize. */
#define GEOM_MAX 65535

static const char *const timing_suffixes[] = { ".timing", ".tm", ".time" };
static const char *const comp_suffixes[] = { ".gz", ".zst", ".xz", ".bz2" };
/* What a log partner of STEM.timing may be called. */
static const char *const log_suffixes[] = { "", ".typescript", ".out", ".log",
	".io", ".script", ".txt" };

enum script_kind {
	K_OTHER,    /* neither a typescript header nor timing lines */
	K_LOG,	    /* begins with a typescript header */
	K_CLASSIC,  /* classic timing lines */
	K_ADVANCED, /* advanced timing lines */
};

/* The members of one recording, full member names, owned. */
struct script_pair {
	char *log;    /* the root: output log, combined log, or only log */
	char *inlog;  /* a separate input log, NULL when none */
	char *timing; /* NULL when none */
	enum script_kind kind; /* of the timing */
	int log_header;	       /* the log begins with a typescript header */
	int input_missing; /* H INPUT_LOG names a separate log that is gone */
};

/* What the start of a timing file says. */
struct tm_info {
	enum script_kind kind;
	char *out_base; /* base name of H OUTPUT_LOG, owned, or NULL */
	char *in_base;	/* base name of H INPUT_LOG */
};

/* One log file being read. */
struct script_src {
	struct sr_stream *s;
	char *name;    /* full member name */
	int64_t pos;   /* next unread byte of the body */
	int64_t end;   /* end of the body: where the trailer starts */
	int exhausted; /* a timing entry ran past end (warned once) */
};

enum script_phase {
	PH_BODY,     /* no timing: the body as output at time zero */
	PH_TIMING,   /* following the timing file */
	PH_LEFTOVER, /* log bytes past the end of the timing */
	PH_END,	     /* the end event */
	PH_DONE,
};

/* One parsed timing entry; classic lines are type 'O'. */
struct script_entry {
	char type;
	int64_t delay_ns;
	uint64_t nbytes;
	const char *text; /* S: the signal text; H: "NAME value" */
	size_t textlen;
};

struct script_state {
	struct script_src out; /* the root log */
	struct script_src in;  /* a separate input log (s NULL if none) */
	struct sr_stream *tm;  /* NULL without a timing file */
	char *tm_name;
	int advanced;
	int input_missing;
	int input_warned;
	int started;
	enum script_phase phase;
	int64_t line; /* of the timing file */
	int64_t t_ns;
	/* A data run handed out in event-sized pieces. */
	struct script_src *run;
	uint64_t run_left;
	enum sr_event_type run_type;
	int64_t run_t_ns;
	int64_t run_line;
	struct sr_buf ebuf;
	size_t event_max;
	size_t line_max;
	/* Metadata gathered before it is set on the session. */
	unsigned rows, cols;
	int64_t hdr_start_ns, done_ns;
	int have_hdr_start, have_done;
	int meta_warned;
};

/*
 * Names.
 */

static int
has_prefix(const char *s, size_t n, const char *pre, size_t plen)
{
	return (n >= plen && memcmp(s, pre, plen) == 0);
}

/*
 * Length of a base name without a compression suffix: logrotate and
 * friends compress both partners, and the input layer decodes them.
 */
static size_t
strip_comp(const char *base)
{
	size_t i, bl = strlen(base), sl;

	for (i = 0; i < nitems(comp_suffixes); i++) {
		sl = strlen(comp_suffixes[i]);
		if (bl > sl && strcmp(base + bl - sl, comp_suffixes[i]) == 0)
			return (bl - sl);
	}
	return (bl);
}

/* Length of the stem: base[0..len) without its last extension. */
static size_t
stem_len(const char *base, size_t len)
{
	size_t i = len;

	while (i > 0 && base[i - 1] != '.')
		i--;
	if (i <= 1 || i == len)
		return (len);
	return (i - 1);
}

/* Length of the stem when base ends in a timing suffix, else 0. */
static size_t
timing_stem_len(const char *base)
{
	size_t i, bl = strip_comp(base), sl;

	for (i = 0; i < nitems(timing_suffixes); i++) {
		sl = strlen(timing_suffixes[i]);
		if (bl > sl &&
		    memcmp(base + bl - sl, timing_suffixes[i], sl) == 0)
			return (bl - sl);
	}
	return (0);
}

/* Whether a name is what script's users call timing files. */
static int
timing_named(const char *member)
{
	const char *base = sr_basename(member);
	size_t bl = strip_comp(base);

	return (timing_stem_len(base) != 0 ||
	    (bl == 6 && memcmp(base, "timing", 6) == 0));
}

/* The directory of member, "/", base[0..blen), suffix and cs; owned. */
static char *
sibling_name(const char *member, const char *base, size_t blen,
    const char *suffix, const char *cs)
{
	size_t dl = sr_dirlen(member), sl = strlen(suffix), cl = strlen(cs);
	char *p;

	if ((p = malloc(dl + 1 + blen + sl + cl + 1)) == NULL)
		return (NULL);
	if (dl > 0) {
		memcpy(p, member, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, base, blen);
	memcpy(p + dl + blen, suffix, sl);
	memcpy(p + dl + blen + sl, cs, cl + 1);
	return (p);
}

/* Like sibling_name() but NULL also when the member does not exist. */
static char *
sibling_if(struct sr_input *in, const char *member, const char *base,
    size_t blen, const char *suffix, const char *cs, int *nomem)
{
	char *p;

	if ((p = sibling_name(member, base, blen, suffix, cs)) == NULL) {
		*nomem = 1;
		return (NULL);
	}
	if (sr_input_find(in, p) == NULL || strcmp(p, member) == 0) {
		free(p);
		return (NULL);
	}
	return (p);
}

/*
 * Timing lines.
 */

static size_t
scan_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return (i);
}

/* Length of a strict delay ("0.010201") at s, or 0. */
static size_t
scan_delay(const char *s, size_t n)
{
	size_t a, b;

	if ((a = scan_digits(s, n)) == 0 || a >= n || s[a] != '.')
		return (0);
	if ((b = scan_digits(s + a + 1, n - a - 1)) == 0)
		return (0);
	return (a + 1 + b);
}

/*
 * Whether a line is exactly what script writes: classic
 * "^[0-9]+\.[0-9]+ [0-9]+$" or an advanced O, I, S or H entry.  Probing
 * is strict; reading is more lenient.
 */
static enum script_kind
timing_line_kind(const char *s, size_t n)
{
	size_t d, k;
	char type;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > 0 && s[0] >= '0' && s[0] <= '9') {
		if ((d = scan_delay(s, n)) == 0 || d + 1 >= n || s[d] != ' ')
			return (K_OTHER);
		k = scan_digits(s + d + 1, n - d - 1);
		return (k > 0 && d + 1 + k == n ? K_CLASSIC : K_OTHER);
	}
	if (n < 4 || s[1] != ' ' || strchr("OISH", s[0]) == NULL)
		return (K_OTHER);
	type = s[0];
	s += 2;
	n -= 2;
	if ((d = scan_delay(s, n)) == 0 || d + 1 >= n || s[d] != ' ')
		return (K_OTHER);
	s += d + 1;
	n -= d + 1;
	switch (type) {
	case 'O':
	case 'I':
		return (scan_digits(s, n) == n ? K_ADVANCED : K_OTHER);
	case 'H':
		for (k = 0; k < n && s[k] != ' '; k++)
			if (!((s[k] >= 'A' && s[k] <= 'Z') || s[k] == '_' ||
				(s[k] >= '0' && s[k] <= '9')))
				return (K_OTHER);
		return (k > 0 ? K_ADVANCED : K_OTHER);
	default:
		return (K_ADVANCED); /* S: any signal text */
	}
}

/*
 * What the first bytes of a member are.  Strictly, every complete line
 * must be a timing line of one kind; a line cut off by the peek is not
 * judged.  Loosely, for a file already paired by its name, the first
 * timing line decides, so that a garbage line does not hide the rest.
 */
static enum script_kind
head_kind(const unsigned char *h, size_t n, int at_eof, int loose)
{
	enum script_kind kind = K_OTHER, lk;
	const unsigned char *nl;
	size_t i = 0, e;

	if (has_prefix((const char *)h, n, HDR_START, HDR_START_LEN))
		return (K_LOG);
	while (i < n) {
		if ((nl = memchr(h + i, '\n', n - i)) != NULL)
			e = (size_t)(nl - h);
		else if (at_eof)
			e = n;
		else
			break;
		lk = timing_line_kind((const char *)h + i, e - i);
		if (loose && lk != K_OTHER)
			return (lk);
		if (!loose &&
		    (lk == K_OTHER || (kind != K_OTHER && lk != kind)))
			return (K_OTHER);
		kind = lk;
		i = e + 1;
	}
	return (kind);
}

/*
 * The value of "H <delay> NAME value" in an advanced timing head, as
 * the base name of the path it holds; owned, NULL when absent.
 */
static char *
head_h_base(const unsigned char *h, size_t n, const char *name, int *nomem)
{
	const char *s = (const char *)h, *e, *v, *b;
	size_t nl = strlen(name), i = 0, len, d;

	while (i < n) {
		const char *l = s + i;

		e = memchr(l, '\n', n - i);
		len = e != NULL ? (size_t)(e - l) : n - i;
		i += len + 1;
		if (len < 2 || l[0] != 'H' || l[1] != ' ')
			continue;
		d = scan_delay(l + 2, len - 2);
		v = l + 2 + d + 1;
		if (d == 0 || (size_t)(v - l) + nl + 1 > len || v[-1] != ' ' ||
		    memcmp(v, name, nl) != 0 || v[nl] != ' ')
			continue;
		v += nl + 1;
		len -= (size_t)(v - l);
		if (len > 0 && v[len - 1] == '\r')
			len--;
		for (b = v + len; b > v && b[-1] != '/'; b--)
			;
		len -= (size_t)(b - v);
		if (len == 0)
			return (NULL);
		if ((b = sr_strndup(b, len)) == NULL)
			*nomem = 1;
		return ((char *)b);
	}
	return (NULL);
}

static void
tm_info_release(struct tm_info *ti)
{
	free(ti->out_base);
	free(ti->in_base);
	memset(ti, 0, sizeof(*ti));
}

/* Fills ti from a timing head; -1 when out of memory. */
static int
tm_info_from_head(const unsigned char *h, size_t n, int at_eof, int loose,
    struct tm_info *ti)
{
	int nomem = 0;

	memset(ti, 0, sizeof(*ti));
	ti->kind = head_kind(h, n, at_eof, loose);
	if (ti->kind == K_ADVANCED) {
		ti->out_base = head_h_base(h, n, "OUTPUT_LOG", &nomem);
		ti->in_base = head_h_base(h, n, "INPUT_LOG", &nomem);
	}
	if (nomem) {
		tm_info_release(ti);
		return (-1);
	}
	return (0);
}

/*
 * Peeks at a partner found by name; ti->kind is K_OTHER when it cannot be
 * read or holds no timing line.
 */
static int
tm_info_read(struct sr_input *in, const char *name, struct tm_info *ti)
{
	struct sr_stream *s;
	const unsigned char *h;
	size_t n;
	int st;

	memset(ti, 0, sizeof(*ti));
	if (sr_stream_open(in, name, 0, &s, NULL) != SR_OK)
		return (0);
	if ((h = sr_stream_peek(s, HEAD_MAX, &n)) == NULL) {
		sr_stream_close(s);
		return (0);
	}
	st = tm_info_from_head(h, n, n < HEAD_MAX, 1, ti);
	sr_stream_close(s);
	return (st);
}

static int
member_has_header(struct sr_input *in, const char *name)
{
	struct sr_stream *s;
	const unsigned char *h;
	size_t n;
	int yes = 0;

	if (sr_stream_open(in, name, 0, &s, NULL) != SR_OK)
		return (0);
	if ((h = sr_stream_peek(s, HDR_START_LEN, &n)) != NULL)
		yes = has_prefix((const char *)h, n, HDR_START, HDR_START_LEN);
	sr_stream_close(s);
	return (yes);
}

/*
 * Pairing.
 */

static void
pair_release(struct script_pair *pr)
{
	free(pr->log);
	free(pr->inlog);
	free(pr->timing);
	memset(pr, 0, sizeof(*pr));
}

/* The compression suffix of a member's base name, "" when none. */
static const char *
comp_of(const char *member)
{
	const char *base = sr_basename(member);

	return (base + strip_comp(base));
}

/* Whether an H entry's base name names base, compressed or not. */
static int
h_names(const char *hbase, const char *base)
{
	size_t hl = strlen(hbase);

	return (strcmp(hbase, base) == 0 ||
	    (strip_comp(base) == hl && memcmp(hbase, base, hl) == 0));
}

/* The sibling an H entry names, as named or compressed like member. */
static char *
h_sibling(struct sr_input *in, const char *member, const char *hbase,
    int *nomem)
{
	const char *cs = comp_of(member);
	char *p;

	p = sibling_if(in, member, hbase, strlen(hbase), "", "", nomem);
	if (p == NULL && !*nomem && cs[0] != '\0')
		p = sibling_if(in, member, hbase, strlen(hbase), "", cs, nomem);
	return (p);
}

/*
 * Decides where input comes from once the root log is known: the root
 * itself (--log-io, or no H INPUT_LOG), a separate sibling, or nowhere.
 */
static int
pair_input(struct sr_input *in, struct script_pair *pr,
    const struct tm_info *ti)
{
	int nomem = 0;

	if (ti->kind != K_ADVANCED || ti->in_base == NULL ||
	    h_names(ti->in_base, sr_basename(pr->log)))
		return (0);
	if ((ti->out_base == NULL || strcmp(ti->out_base, ti->in_base) != 0) &&
	    (pr->inlog = h_sibling(in, pr->log, ti->in_base, &nomem)) == NULL &&
	    !nomem)
		pr->input_missing = 1;
	return (nomem ? -1 : 0);
}

/*
 * Whether an advanced timing belongs to the log called base: its H
 * OUTPUT_LOG or INPUT_LOG names it, or the log it names is not there
 * (the files were renamed).  Sets *root when base is the input log of
 * an output log that exists.  1 yes, 0 no, -1 out of memory.
 */
static int
timing_fits(struct sr_input *in, const char *member, const struct tm_info *ti,
    int strict, char **root)
{
	const char *base = sr_basename(member);
	int nomem = 0;

	*root = NULL;
	if (ti->kind == K_CLASSIC)
		return (!strict);
	if (ti->kind != K_ADVANCED)
		return (0);
	if (ti->out_base != NULL && h_names(ti->out_base, base))
		return (1);
	if (ti->in_base != NULL && h_names(ti->in_base, base)) {
		if (ti->out_base != NULL)
			*root = h_sibling(in, member, ti->out_base, &nomem);
		return (nomem ? -1 : 1);
	}
	if (strict || ti->out_base == NULL)
		return (!strict);
	*root = h_sibling(in, member, ti->out_base, &nomem);
	if (nomem)
		return (-1);
	if (*root != NULL) {
		free(*root);
		*root = NULL;
		return (0); /* it belongs to a log that is there */
	}
	return (1);
}

/* Takes timing candidate cand (owned) for the log member. */
static int
pair_take(struct sr_input *in, const char *member, char *cand, char *root,
    const struct tm_info *ti, struct script_pair *pr)
{
	pr->timing = cand;
	pr->kind = ti->kind;
	if (root != NULL) {
		/* member is the input log of root. */
		free(pr->log);
		pr->log = root;
		if ((pr->inlog = sr_strdup(member)) == NULL)
			return (-1);
		pr->log_header = member_has_header(in, pr->log);
		return (0);
	}
	return (pair_input(in, pr, ti));
}

/*
 * A log without a partner by name: looks at the timing-named siblings
 * in its directory for an advanced timing naming it.  Members are
 * sorted, so a directory's members are contiguous after "dir/"; the
 * search is bounded so that a directory of many typescripts stays
 * cheap.
 */
static int
pair_scan(struct sr_input *in, const char *member, struct script_pair *pr)
{
	size_t dl = sr_dirlen(member), n = sr_input_nmembers(in);
	size_t lo = 0, hi = n, i, looked = 0, peeks = 0;
	struct tm_info ti;
	char *root, *cand;
	int fit;

	if (dl > 0) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const char *nm = sr_input_member(in, mid)->name;
			int c = strncmp(nm, member, dl);

			if (c == 0)
				c = nm[dl] == '\0' ? -1
						   : (nm[dl] < '/' ? -1 : 0);
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	for (i = lo;
	     i < n && looked < SCAN_MEMBERS_MAX && peeks < SCAN_PEEKS_MAX;
	     i++, looked++) {
		const char *nm = sr_input_member(in, i)->name, *b;

		if (dl > 0 && (strncmp(nm, member, dl) != 0 || nm[dl] != '/'))
			break;
		b = nm + (dl > 0 ? dl + 1 : 0);
		if (strchr(b, '/') != NULL || strcmp(nm, member) == 0)
			continue;
		if (!timing_named(b))
			continue;
		peeks++;
		if (tm_info_read(in, nm, &ti) != 0)
			return (-1);
		if (ti.kind != K_ADVANCED) {
			tm_info_release(&ti);
			continue;
		}
		if ((fit = timing_fits(in, member, &ti, 1, &root)) <= 0) {
			tm_info_release(&ti);
			if (fit < 0)
				return (-1);
			continue;
		}
		if ((cand = sr_strdup(nm)) == NULL) {
			free(root);
			tm_info_release(&ti);
			return (-1);
		}
		fit = pair_take(in, member, cand, root, &ti, pr);
		tm_info_release(&ti);
		return (fit);
	}
	return (0);
}

#define NVARIANTS (2 + nitems(comp_suffixes))

/*
 * The compression suffixes a partner of a member compressed with own may
 * have: the same, none, and for a plain member ".gz" (or, with all, any).
 * Every member without a typescript header goes through here while
 * probing, so the usual case stays at two lookups per name.
 */
static size_t
comp_variants(const char *own, int all, const char **v)
{
	size_t n = 0, i;

	v[n++] = own;
	if (own[0] != '\0')
		v[n++] = "";
	for (i = 0; i < nitems(comp_suffixes); i++)
		if ((all || (own[0] == '\0' && i == 0)) &&
		    strcmp(own, comp_suffixes[i]) != 0)
			v[n++] = comp_suffixes[i];
	return (n);
}

/* member is a log (or something unknown): finds its timing. */
static int
pair_from_log(struct sr_input *in, const char *member, int scan,
    struct script_pair *pr)
{
	const char *base = sr_basename(member), *cs[NVARIANTS];
	size_t bl = strip_comp(base), sl = stem_len(base, bl), i, k, ncs;
	char *cands[NVARIANTS * (2 * nitems(timing_suffixes) + 1)], *root;
	size_t nc = 0;
	struct tm_info ti;
	int nomem = 0, fit, st = 0;

	ncs = comp_variants(base + bl, 0, cs);
	memset(cands, 0, sizeof(cands));
	for (k = 0; k < ncs; k++) {
		for (i = 0; i < nitems(timing_suffixes); i++) {
			cands[nc] = sibling_if(in, member, base, sl,
			    timing_suffixes[i], cs[k], &nomem);
			nc += cands[nc] != NULL;
			if (sl == bl)
				continue;
			cands[nc] = sibling_if(in, member, base, bl,
			    timing_suffixes[i], cs[k], &nomem);
			nc += cands[nc] != NULL;
		}
		if (bl == 10 && memcmp(base, "typescript", 10) == 0) {
			cands[nc] = sibling_if(in, member, "timing", 6, "",
			    cs[k], &nomem);
			nc += cands[nc] != NULL;
		}
	}
	if (nomem)
		st = -1;
	for (i = 0; st == 0 && i < nc && pr->timing == NULL; i++) {
		if (tm_info_read(in, cands[i], &ti) != 0) {
			st = -1;
			break;
		}
		if ((fit = timing_fits(in, member, &ti, 0, &root)) < 0)
			st = -1;
		else if (fit > 0) {
			st = pair_take(in, member, cands[i], root, &ti, pr);
			cands[i] = NULL;
		}
		tm_info_release(&ti);
	}
	for (i = 0; i < nc; i++)
		free(cands[i]);
	if (st == 0 && pr->timing == NULL && scan)
		st = pair_scan(in, member, pr);
	return (st);
}

/* member is a timing file: finds its log. */
static int
pair_from_timing(struct sr_input *in, const char *member,
    const struct tm_info *ti, struct script_pair *pr)
{
	const char *base = sr_basename(member), *cs[NVARIANTS];
	size_t bl = strip_comp(base), sl = timing_stem_len(base), i, k, ncs;
	char *c, *fallback = NULL;
	int nomem = 0;

	ncs = comp_variants(base + bl, 1, cs);

	pr->kind = ti->kind;
	if ((pr->timing = sr_strdup(member)) == NULL)
		return (-1);
	if (ti->out_base != NULL)
		pr->log = h_sibling(in, member, ti->out_base, &nomem);
	else if (ti->in_base != NULL)
		pr->log = h_sibling(in, member, ti->in_base, &nomem);
	if (pr->log != NULL)
		pr->log_header = member_has_header(in, pr->log);
	for (i = 0; pr->log == NULL && !nomem && sl > 0 &&
	     i < ncs * nitems(log_suffixes);
	     i++) {
		k = i / nitems(log_suffixes);
		if ((c = sibling_if(in, member, base, sl,
			 log_suffixes[i % nitems(log_suffixes)], cs[k],
			 &nomem)) == NULL)
			continue;
		if (timing_stem_len(sr_basename(c)) != 0) {
			free(c); /* another timing file */
			continue;
		}
		if (member_has_header(in, c)) {
			pr->log = c;
			pr->log_header = 1;
		} else if (fallback == NULL)
			fallback = c;
		else
			free(c);
	}
	for (k = 0; pr->log == NULL && !nomem && bl == 6 &&
	     memcmp(base, "timing", 6) == 0 && k < ncs;
	     k++) {
		if ((c = sibling_if(in, member, "typescript", 10, "", cs[k],
			 &nomem)) == NULL)
			continue;
		pr->log = c;
		pr->log_header = member_has_header(in, c);
	}
	if (pr->log == NULL) {
		pr->log = fallback;
		fallback = NULL;
	}
	free(fallback);
	if (nomem)
		return (-1);
	if (pr->log == NULL)
		return (1);
	return (pair_input(in, pr, ti));
}

/*
 * Finds the members of the recording member belongs to, given its first
 * bytes.  0 found (pr->log set), 1 a timing file without a log, -1 out
 * of memory.  *kindp is the member's own kind.  With loose, a member
 * named like a timing file is one if any of its first lines is.
 */
static int
pair_find(struct sr_input *in, const char *member, const unsigned char *h,
    size_t n, int at_eof, int scan, int loose, struct script_pair *pr,
    enum script_kind *kindp)
{
	struct tm_info ti;
	int st;

	memset(pr, 0, sizeof(*pr));
	loose = loose && timing_named(member);
	if (tm_info_from_head(h, n, at_eof, loose, &ti) != 0)
		return (-1);
	*kindp = ti.kind;
	if (ti.kind == K_CLASSIC || ti.kind == K_ADVANCED) {
		st = pair_from_timing(in, member, &ti, pr);
		tm_info_release(&ti);
		if (st != 0)
			pair_release(pr);
		return (st);
	}
	tm_info_release(&ti);
	if ((pr->log = sr_strdup(member)) == NULL)
		return (-1);
	pr->log_header = *kindp == K_LOG;
	if ((st = pair_from_log(in, member, scan, pr)) != 0)
		pair_release(pr);
	return (st);
}

/*
 * Evidence: a typescript header ("Script started on ") is certain with a
 * timing partner (100) and nearly so alone (90: still readable, as one
 * output event).  A member whose first 4 KiB are all timing lines is
 * certain with a log partner that has a header (100), likely with one
 * that has none (old `script -q` wrote none: 80), and worthless alone.
 * A member named like a timing file with a timing line among others (a
 * damaged timing) is likely with a log that has a header (80).  Any
 * other member with a timing partner by name may be a log without a
 * header (40: above ttyrec's guess, below any magic number).  Names
 * alone prove nothing: a typescript can be called anything.
 */
/*
 * Whether a member is named as a log a timing file would pair with
 * (x, x.typescript, x.out, ...), so that a headerless file of another
 * format beside a timing file (x.ttyrec next to x.timing) is not taken
 * for a log.
 */
static int
log_named(const char *member)
{
	const char *base = sr_basename(member), *dot;
	size_t bl = strip_comp(base), i, el;

	for (dot = NULL, i = 1; i < bl; i++)
		if (base[i] == '.')
			dot = base + i;
	el = dot != NULL ? bl - (size_t)(dot - base) : 0;
	for (i = 0; i < nitems(log_suffixes); i++)
		if (strlen(log_suffixes[i]) == el &&
		    (el == 0 || memcmp(dot, log_suffixes[i], el) == 0))
			return (1);
	return (0);
}

static int
script_probe(struct sr_probe *p)
{
	const unsigned char *h;
	struct script_pair pr;
	enum script_kind kind, strict;
	size_t n;
	int bid = 0;

	if (p->names_only || (h = sr_probe_peek(p, HEAD_MAX, &n)) == NULL)
		return (0);
	strict = head_kind(h, n, n < HEAD_MAX, 0);
	if (strict == K_OTHER && timing_named(p->member) &&
	    head_kind(h, n, n < HEAD_MAX, 1) == K_OTHER)
		return (0);
	switch (
	    pair_find(p->in, p->member, h, n, n < HEAD_MAX, 0, 1, &pr, &kind)) {
	case 0:
		if (kind == K_LOG)
			bid = pr.timing != NULL ? 100 : 90;
		else if (kind == K_OTHER)
			bid =
			    pr.timing != NULL && log_named(p->member) ? 40 : 0;
		else if (strict != K_OTHER)
			bid = pr.log_header ? 100 : 80;
		else
			bid = pr.log_header ? 80 : 0;
		pair_release(&pr);
		break;
	case 1:
		break;
	default:
		bid = kind == K_LOG ? 90 : 0;
		break;
	}
	return (bid);
}

/*
 * The log is the root and the timing file (and a separate input log)
 * its partners.  When the member probed is not the root, the root is
 * listed as a partner too, or the catalog would probe it again.
 */
static int
script_claim(struct sr_probe *p, struct sr_claim *c)
{
	const unsigned char *h;
	struct script_pair pr;
	enum script_kind kind;
	size_t n, np = 0;

	if ((h = sr_probe_peek(p, HEAD_MAX, &n)) == NULL)
		return (SR_FAILED);
	switch (
	    pair_find(p->in, p->member, h, n, n < HEAD_MAX, 1, 1, &pr, &kind)) {
	case 0:
		break;
	case 1:
		return (SR_FAILED);
	default:
		return (SR_FATAL);
	}
	c->root = pr.log;
	if (pr.timing != NULL)
		c->partners[np++] = pr.timing;
	if (pr.inlog != NULL)
		c->partners[np++] = pr.inlog;
	if (strcmp(pr.log, p->member) != 0 &&
	    (c->partners[np++] = sr_strdup(pr.log)) == NULL)
		return (SR_FATAL);
	return (SR_OK);
}

/*
 * Dates.
 */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

struct date_parts {
	int64_t year, mon, day, hour, min, sec;
	int64_t zone_s;
	int have_date, have_time, have_zone, bad_zone;
	int ampm; /* 0 none, 1 AM, 2 PM */
};

static int
parse_num(const char *s, size_t n, int64_t max, int64_t *v)
{
	uint64_t u;

	if (n == 0 || n > 9 || sr_parse_u64(s, n, (uint64_t)max, &u) != 0)
		return (-1);
	*v = (int64_t)u;
	return (0);
}

/* "+HH:MM", "+HHMM", "+HH", "Z"; -1 when it is none of these. */
static int
parse_zone(const char *s, size_t n, struct date_parts *dp)
{
	int64_t h, m = 0;
	int neg;

	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		dp->zone_s = 0;
		dp->have_zone = 1;
		return (0);
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-'))
		return (-1);
	neg = s[0] == '-';
	if (parse_num(s + 1, 2, 23, &h) != 0)
		return (-1);
	if (n == 6 && s[3] == ':') {
		if (parse_num(s + 4, 2, 59, &m) != 0)
			return (-1);
	} else if (n == 5) {
		if (parse_num(s + 3, 2, 59, &m) != 0)
			return (-1);
	} else if (n != 3)
		return (-1);
	dp->zone_s = (neg ? -1 : 1) * (h * 3600 + m * 60);
	dp->have_zone = 1;
	return (0);
}

/* "HH:MM[:SS[.frac]]" followed by an optional zone. */
static int
parse_clock(const char *s, size_t n, struct date_parts *dp)
{
	size_t i;

	if ((i = scan_digits(s, n)) == 0 || parse_num(s, i, 24, &dp->hour))
		return (-1);
	if (i + 3 > n || s[i] != ':' || parse_num(s + i + 1, 2, 59, &dp->min))
		return (-1);
	i += 3;
	dp->sec = 0;
	if (i + 3 <= n && s[i] == ':') {
		if (parse_num(s + i + 1, 2, 60, &dp->sec) != 0)
			return (-1);
		i += 3;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			i += scan_digits(s + i, n - i);
		}
	}
	dp->have_time = 1;
	return (i == n ? 0 : parse_zone(s + i, n - i, dp));
}

static int
month_index(const char *s, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char lc[3];
	size_t i;

	if (n < 3)
		return (0);
	for (i = 0; i < 3; i++)
		lc[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	for (i = 0; i < 12; i++)
		if (memcmp(months + 3 * i, lc, 3) == 0)
			return ((int)i + 1);
	return (0);
}

static int
word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return (0);
	for (i = 0; i < n; i++)
		if ((s[i] | 0x20) != (w[i] | 0x20))
			return (0);
	return (1);
}

/* One word of a loosely written date. */
static int
parse_date_word(const char *s, size_t n, struct date_parts *dp)
{
	size_t d = scan_digits(s, n);
	int m;

	if (d == 4 && n >= 10 && s[4] == '-' && s[7] == '-') {
		if (parse_num(s, 4, 9999, &dp->year) ||
		    parse_num(s + 5, 2, 12, &dp->mon) ||
		    parse_num(s + 8, 2, 31, &dp->day))
			return (-1);
		dp->have_date = 1;
		if (n == 10)
			return (0);
		if (s[10] != 'T' && s[10] != 't')
			return (-1);
		return (parse_clock(s + 11, n - 11, dp));
	}
	if (d > 0 && d < n && s[d] == ':')
		return (parse_clock(s, n, dp));
	if (d == n && d == 4)
		return (parse_num(s, n, 9999, &dp->year));
	if (d == n && d <= 2)
		return (parse_num(s, n, 31, &dp->day));
	if (d > 0)
		return (-1);
	if (s[0] == '+' || s[0] == '-')
		return (parse_zone(s, n, dp));
	if ((m = month_index(s, n)) != 0 && n <= 9) {
		dp->mon = m;
		return (0);
	}
	if (word_is(s, n, "AM") || word_is(s, n, "PM")) {
		dp->ampm = (s[0] | 0x20) == 'a' ? 1 : 2;
		return (0);
	}
	if (word_is(s, n, "UTC") || word_is(s, n, "GMT") ||
	    word_is(s, n, "UT") || word_is(s, n, "Z")) {
		dp->zone_s = 0;
		dp->have_zone = 1;
		return (0);
	}
	if (word_is(s, n, "mon") || word_is(s, n, "tue") ||
	    word_is(s, n, "wed") || word_is(s, n, "thu") ||
	    word_is(s, n, "fri") || word_is(s, n, "sat") ||
	    word_is(s, n, "sun") || n > 3)
		return (0); /* a weekday, or a long weekday name */
	dp->bad_zone = 1;   /* "CET": a zone we cannot place */
	return (0);
}

/*
 * Parses the date of a header or trailer: 2.38's ISO form or older
 * versions' locale %c.  A date without a known zone (C locale %c, or
 * "CET") cannot be placed in time: -1, like any other oddity.
 */
static int
parse_date(const char *s, size_t n, int64_t *epoch_ns)
{
	struct date_parts dp;
	int64_t secs, days;
	size_t i = 0, j;

	memset(&dp, 0, sizeof(dp));
	dp.year = -1;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		for (j = i; j < n && s[j] != ' ' && s[j] != ','; j++)
			;
		if (j > i && parse_date_word(s + i, j - i, &dp) != 0)
			return (-1);
		i = j;
	}
	if (dp.year < 1900 || dp.mon == 0 || dp.day == 0 || !dp.have_time ||
	    !dp.have_zone || dp.bad_zone)
		return (-1);
	if (dp.ampm != 0) {
		if (dp.hour == 0 || dp.hour > 12)
			return (-1);
		dp.hour = dp.hour % 12 + (dp.ampm == 2 ? 12 : 0);
	}
	if (dp.hour > 23)
		return (-1);
	days = days_from_civil(dp.year, dp.mon, dp.day);
	secs = days * 86400 + dp.hour * 3600 + dp.min * 60 + dp.sec - dp.zone_s;
	/* Years up to 9999 fit in seconds; nanoseconds end in 2262. */
	if (secs > INT64_MAX / SR_NSEC_PER_SEC ||
	    secs < INT64_MIN / SR_NSEC_PER_SEC)
		return (-1);
	*epoch_ns = secs * SR_NSEC_PER_SEC;
	return (0);
}

/*
 * Delays: decimal seconds, any number of fraction digits (script writes
 * six; scriptreplay reads the fraction as microseconds, we do not).
 */
static int
parse_delay(const char *s, size_t n, int64_t *ns)
{
	int64_t sec = 0, frac = 0, scale = SR_NSEC_PER_SEC / 10;
	size_t i = 0, digits = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (sec > (INT64_MAX / SR_NSEC_PER_SEC - 9) / 10)
			return (-1);
		sec = sec * 10 + (s[i] - '0');
	}
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
	if (i != n || digits == 0)
		return (-1);
	*ns = sec * SR_NSEC_PER_SEC + frac;
	return (0);
}

/*
 * Metadata.
 */

/* Turns a setter's status into ours: a meta overflow is a warning. */
static int
meta_status(struct sr_reader *r, int st, const char *what)
{
	struct script_state *s = r->state;

	if (st == SR_FATAL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	if (st != SR_OK) {
		if (s->meta_warned++ == 0)
			return (sr_reader_warnf(r, NULL,
			    "%s dropped: metadata over the meta limit", what));
		return (SR_WARN);
	}
	return (SR_OK);
}

static int
set_field(struct sr_reader *r, enum sr_field f, const char *v, size_t len)
{
	return (meta_status(r, sr_session_set(&r->session, f, v, len),
	    sr_field_name(f)));
}

static int
set_extra(struct sr_reader *r, const char *key, const char *v, size_t len)
{
	return (meta_status(r, sr_session_add_extra(&r->session, key, v, len),
	    key));
}

static int
worse(int a, int b)
{
	return (a < b ? a : b);
}

static int
parse_geom(const char *v, size_t n, unsigned *out)
{
	uint64_t u;

	if (sr_parse_u64(v, n, GEOM_MAX, &u) != 0 || u == 0)
		return (-1);
	*out = (unsigned)u;
	return (0);
}

static int
parse_exit(const char *v, size_t n, int *out)
{
	int64_t i;

	if (sr_parse_i64(v, n, &i) != 0 || i < -1000000 || i > 1000000)
		return (-1);
	*out = (int)i;
	return (0);
}

/*
 * Takes KEY="value" off the end of info[0..*e), where the value holds
 * no quote; the space before it goes too.  1 taken, 0 not there.
 */
static int
take_kv(const char *info, size_t *e, const char *key, const char **v,
    size_t *vl)
{
	size_t kl = strlen(key), q, k;

	if (*e < kl + 3 || info[*e - 1] != '"')
		return (0);
	for (q = *e - 1; q > 0 && info[q - 1] != '"'; q--)
		;
	if (q == 0)
		return (0);
	q--; /* the opening quote */
	if (q < kl + 1 || info[q - 1] != '=')
		return (0);
	k = q - 1 - kl;
	if (memcmp(info + k, key, kl) != 0 || (k > 0 && info[k - 1] != ' '))
		return (0);
	*v = info + q + 1;
	*vl = *e - 1 - (q + 1);
	*e = k > 0 ? k - 1 : 0;
	return (1);
}

/* The bracket of the header: COMMAND, TERM, TTY, COLUMNS, LINES. */
static int
parse_info(struct sr_reader *r, const char *info, size_t n)
{
	struct script_state *s = r->state;
	const char *v;
	size_t e = n, vl;
	int st = SR_OK;

	while (e > 0 && info[e - 1] == ' ')
		e--;
	if (e >= NOT_TERM_LEN &&
	    memcmp(info + e - NOT_TERM_LEN, NOT_TERM, NOT_TERM_LEN) == 0) {
		e -= NOT_TERM_LEN;
		st = set_extra(r, "script.terminal", "no", 2);
	} else {
		if (take_kv(info, &e, "LINES", &v, &vl))
			(void)parse_geom(v, vl, &s->rows);
		if (take_kv(info, &e, "COLUMNS", &v, &vl))
			(void)parse_geom(v, vl, &s->cols);
		if (take_kv(info, &e, "TTY", &v, &vl))
			st = worse(st, set_field(r, SR_F_TTY, v, vl));
		if (take_kv(info, &e, "TERM", &v, &vl))
			st = worse(st, set_field(r, SR_F_TERM, v, vl));
	}
	while (e > 0 && info[e - 1] == ' ')
		e--;
	/* What is left is the command, quotes and all, up to the last ". */
	if (e >= 10 && memcmp(info, "COMMAND=\"", 9) == 0 && info[e - 1] == '"')
		st = worse(st, set_field(r, SR_F_COMMAND, info + 9, e - 10));
	return (st);
}

/*
 * Splits "PREFIX date [info]" into the date and the bracket's inside;
 * info is NULL without a bracket.
 */
static void
split_dated(const char *line, size_t len, size_t plen, const char **date,
    size_t *dlen, const char **info, size_t *ilen)
{
	const char *b, *e;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	*date = line + plen;
	b = memchr(*date, '[', len - plen);
	*info = NULL;
	*ilen = 0;
	if (b == NULL) {
		*dlen = len - plen;
		return;
	}
	*dlen = (size_t)(b - *date);
	while (*dlen > 0 && (*date)[*dlen - 1] == ' ')
		(*dlen)--;
	*info = b + 1;
	for (e = line + len; e > *info && e[-1] != ']'; e--)
		;
	*ilen =
	    e > *info ? (size_t)(e - 1 - *info) : (size_t)(line + len - *info);
}

static int
parse_header(struct sr_reader *r, const char *line, size_t len)
{
	struct script_state *s = r->state;
	const char *date, *info;
	size_t dlen, ilen;
	int st = SR_OK;

	split_dated(line, len, HDR_START_LEN, &date, &dlen, &info, &ilen);
	if (parse_date(date, dlen, &s->hdr_start_ns) == 0)
		s->have_hdr_start = 1;
	else if (dlen > 0)
		st = set_extra(r, "script.date", date, dlen);
	if (info != NULL)
		st = worse(st, parse_info(r, info, ilen));
	return (st);
}

static int
parse_trailer(struct sr_reader *r, const char *line, size_t len)
{
	struct script_state *s = r->state;
	struct sr_session *ss = &r->session;
	const char *date, *info;
	size_t dlen, ilen;
	int st = SR_OK;

	split_dated(line, len, HDR_DONE_LEN, &date, &dlen, &info, &ilen);
	if (parse_date(date, dlen, &s->done_ns) == 0)
		s->have_done = 1;
	if (info == NULL)
		return (SR_OK);
	if (ilen > 20 && memcmp(info, "COMMAND_EXIT_CODE=\"", 19) == 0 &&
	    info[ilen - 1] == '"' &&
	    parse_exit(info + 19, ilen - 20, &ss->exit_status) == 0)
		ss->have |= SR_HAVE_EXIT;
	else if (ilen >= 2 && info[0] == '<' && info[ilen - 1] == '>')
		st = set_extra(r, "script.done", info + 1, ilen - 2);
	return (st);
}

/*
 * Streams.
 */

static void
loc_at(struct sr_loc *loc, const char *member, int64_t line, int64_t off)
{
	sr_loc_clear(loc);
	sr_loc_set_member(loc, member);
	loc->line = line;
	loc->offset = off;
}

/* A failed stream call: SR_E_LIMIT or SR_E_IO from the stream. */
static int
stream_failed(struct sr_reader *r, struct sr_stream *st, const char *member,
    int64_t line)
{
	const struct sr_error *e = sr_stream_error(st);
	struct sr_loc loc;

	loc_at(&loc, member, line, sr_stream_offset(st));
	if (e != NULL && e->cat == SR_E_LIMIT)
		return (sr_reader_errorf(r, SR_FAILED, SR_E_LIMIT, &loc,
		    "line longer than %zu bytes",
		    ((struct script_state *)r->state)->line_max));
	return (sr_reader_errorf(r, SR_FAILED,
	    e != NULL && e->cat != SR_E_NONE ? e->cat : SR_E_IO, &loc, "%s",
	    e != NULL && e->msg[0] ? e->msg : "read error"));
}

static int
seek_to(struct sr_reader *r, struct sr_stream *st, const char *member,
    int64_t off)
{
	if (sr_stream_offset(st) == off)
		return (SR_OK);
	if (sr_stream_seek(st, off) != SR_OK)
		return (stream_failed(r, st, member, -1));
	return (SR_OK);
}

/* Reads up to n bytes, fewer only at the end of data. */
static int
read_full(struct sr_stream *st, void *buf, size_t n, size_t *got)
{
	size_t g;

	*got = 0;
	while (*got < n) {
		if (sr_stream_read(st, (char *)buf + *got, n - *got, &g) !=
		    SR_OK)
			return (SR_FAILED);
		if (g == 0)
			break;
		*got += g;
	}
	return (SR_OK);
}

/*
 * Skips a log's header line; with apply, parses it into the session.
 * src->pos is then the start of the body.
 */
static int
read_header(struct sr_reader *r, struct script_src *src, int apply)
{
	struct script_state *s = r->state;
	const unsigned char *h;
	const char *line;
	size_t n, len;
	int complete, st;

	src->pos = 0;
	if ((st = seek_to(r, src->s, src->name, 0)) != SR_OK)
		return (st);
	if ((h = sr_stream_peek(src->s, HDR_START_LEN, &n)) == NULL)
		return (stream_failed(r, src->s, src->name, 1));
	if (!has_prefix((const char *)h, n, HDR_START, HDR_START_LEN))
		return (SR_OK);
	st = sr_stream_getline(src->s, &line, &len, &complete, s->line_max);
	if (st == SR_FAILED)
		return (stream_failed(r, src->s, src->name, 1));
	src->pos = sr_stream_offset(src->s);
	if (st == SR_OK && apply)
		return (parse_header(r, line, len));
	return (SR_OK);
}

/*
 * Finds the trailer: the last line, starting right after a newline (or
 * at the body's start), beginning with "Script done on ".  Sets src->end
 * to the newline before it, or to the end of the log.
 */
static int
find_trailer(struct sr_reader *r, struct script_src *src, int apply, int *found)
{
	char buf[TAIL_MAX];
	int64_t size, from;
	size_t n, e, ls;
	int st;

	*found = 0;
	if ((size = sr_stream_size(src->s)) < 0) {
		/* Decoded data of unknown size: read through it once. */
		if ((st = seek_to(r, src->s, src->name, src->pos)) != SR_OK)
			return (st);
		do {
			if (read_full(src->s, buf, sizeof(buf), &n) != SR_OK)
				return (
				    stream_failed(r, src->s, src->name, -1));
		} while (n == sizeof(buf));
		size = sr_stream_offset(src->s);
	}
	src->end = size;
	if (size <= src->pos)
		return (SR_OK);
	from = size - src->pos > TAIL_MAX ? size - TAIL_MAX : src->pos;
	if ((st = seek_to(r, src->s, src->name, from)) != SR_OK)
		return (st);
	if (read_full(src->s, buf, (size_t)(size - from), &n) != SR_OK)
		return (stream_failed(r, src->s, src->name, -1));
	e = n;
	if (e > 0 && buf[e - 1] == '\n')
		e--;
	for (ls = e; ls > 0 && buf[ls - 1] != '\n'; ls--)
		;
	if (ls == 0 && from != src->pos)
		return (SR_OK); /* the last line is longer than a trailer */
	if (!has_prefix(buf + ls, e - ls, HDR_DONE, HDR_DONE_LEN))
		return (SR_OK);
	*found = 1;
	src->end = from + (int64_t)ls - (ls > 0);
	return (apply ? parse_trailer(r, buf + ls, e - ls) : SR_OK);
}

/*
 * Parses one timing line.  0, or -1 malformed, -2 a bad delay.
 */
static int
parse_entry(const char *l, size_t n, int advanced, struct script_entry *en)
{
	const char *sp;
	size_t dl;

	if (n > 0 && l[n - 1] == '\r')
		n--;
	memset(en, 0, sizeof(*en));
	en->type = 'O';
	if (advanced) {
		if (n < 2 || l[1] != ' ')
			return (-1);
		en->type = l[0];
		l += 2;
		n -= 2;
	}
	if ((sp = memchr(l, ' ', n)) == NULL)
		return (-1);
	dl = (size_t)(sp - l);
	if (parse_delay(l, dl, &en->delay_ns) != 0)
		return (-2);
	en->text = sp + 1;
	en->textlen = n - dl - 1;
	switch (en->type) {
	case 'O':
	case 'I':
		if (sr_parse_u64(en->text, en->textlen, INT64_MAX,
			&en->nbytes) != 0)
			return (-1);
		break;
	case 'S':
	case 'H':
		if (en->textlen == 0)
			return (-1);
		break;
	default:
		return (-1);
	}
	return (0);
}

/* Applies one H entry to the session. */
static int
apply_h(struct sr_reader *r, const char *t, size_t n)
{
	static const struct {
		const char *name;
		enum sr_field field;
		const char *extra;
	} map[] = {
		{ "TERM", SR_F_TERM, NULL },
		{ "TTY", SR_F_TTY, NULL },
		{ "COMMAND", SR_F_COMMAND, NULL },
		{ "SHELL", SR_F__COUNT, "script.shell" },
		{ "TIMING_LOG", SR_F__COUNT, "script.timing_log" },
		{ "OUTPUT_LOG", SR_F__COUNT, "script.output_log" },
		{ "INPUT_LOG", SR_F__COUNT, "script.input_log" },
	};
	struct script_state *s = r->state;
	struct sr_session *ss = &r->session;
	const char *sp = memchr(t, ' ', n), *v;
	size_t nl, vl, i;
	int64_t ns;

	nl = sp != NULL ? (size_t)(sp - t) : n;
	v = sp != NULL ? sp + 1 : t + n;
	vl = n - nl - (sp != NULL);
	for (i = 0; i < nitems(map); i++) {
		if (strlen(map[i].name) != nl || memcmp(map[i].name, t, nl))
			continue;
		if (map[i].extra != NULL)
			return (set_extra(r, map[i].extra, v, vl));
		return (set_field(r, map[i].field, v, vl));
	}
	if (nl == 10 && memcmp(t, "START_TIME", nl) == 0) {
		if (parse_date(v, vl, &ns) == 0) {
			ss->start_ns = ns;
			ss->have |= SR_HAVE_START;
		}
	} else if (nl == 7 && memcmp(t, "COLUMNS", nl) == 0)
		(void)parse_geom(v, vl, &s->cols);
	else if (nl == 5 && memcmp(t, "LINES", nl) == 0)
		(void)parse_geom(v, vl, &s->rows);
	else if (nl == 8 && memcmp(t, "DURATION", nl) == 0) {
		if (parse_delay(v, vl, &ns) == 0) {
			ss->duration_ns = ns;
			ss->have |= SR_HAVE_DURATION;
		}
	} else if (nl == 9 && memcmp(t, "EXIT_CODE", nl) == 0) {
		if (parse_exit(v, vl, &ss->exit_status) == 0)
			ss->have |= SR_HAVE_EXIT;
	}
	return (SR_OK);
}

/*
 * Reads the whole timing file once: the sum of the delays and the H
 * entries (DURATION and EXIT_CODE come last).  Bad lines are skipped
 * quietly here; next_event reports them with their line numbers.
 */
static int
timing_prepass(struct sr_reader *r, int64_t *sum)
{
	struct script_state *s = r->state;
	struct script_entry en;
	const char *line;
	size_t len;
	int complete, st, worst = SR_OK;

	*sum = 0;
	if ((st = seek_to(r, s->tm, s->tm_name, 0)) != SR_OK)
		return (st);
	for (;;) {
		st = sr_stream_getline(s->tm, &line, &len, &complete,
		    s->line_max);
		if (st == SR_EOF)
			break;
		if (st == SR_FAILED) {
			const struct sr_error *e = sr_stream_error(s->tm);

			if (e != NULL && e->cat == SR_E_LIMIT)
				continue;
			return (stream_failed(r, s->tm, s->tm_name, -1));
		}
		if (parse_entry(line, len, s->advanced, &en) != 0)
			continue;
		*sum = sr_ns_add(*sum, en.delay_ns);
		if (en.type == 'H' &&
		    (st = apply_h(r, en.text, en.textlen)) < SR_WARN)
			return (st);
		worst = worse(worst, st);
	}
	if ((st = seek_to(r, s->tm, s->tm_name, 0)) != SR_OK)
		return (st);
	return (worst);
}

/*
 * Hooks.
 */

static int
open_member(struct sr_reader *r, const char *name, struct sr_stream **own,
    struct sr_stream **sp)
{
	if (*own != NULL && strcmp(name, r->member) == 0) {
		*sp = *own;
		*own = NULL;
		return (SR_OK);
	}
	return (sr_stream_open(r->in, name, 0, sp, &r->err));
}

static int
script_open(struct sr_reader *r)
{
	struct script_state *s = r->state;
	struct script_pair pr;
	struct sr_stream *root;
	enum script_kind kind;
	const unsigned char *h;
	struct sr_loc loc;
	size_t n;
	int st;

	s->event_max = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_EVENT);
	s->line_max = (size_t)sr_ctx_limit(r->ctx, SR_LIMIT_LINE);
	if (s->event_max == 0)
		s->event_max = 1;
	sr_buf_init(&s->ebuf, s->event_max);
	if ((st = sr_reader_stream_open(r, "", 0, &root)) != SR_OK)
		return (st);
	if ((h = sr_stream_peek(root, HEAD_MAX, &n)) == NULL) {
		st = stream_failed(r, root, r->member, -1);
		sr_stream_close(root);
		return (st);
	}
	switch (
	    pair_find(r->in, r->member, h, n, n < HEAD_MAX, 1, 1, &pr, &kind)) {
	case 0:
		break;
	case 1:
		sr_stream_close(root);
		loc_at(&loc, r->member, -1, -1);
		return (sr_reader_errorf(r, SR_FAILED, SR_E_FORMAT, &loc,
		    "timing file without a typescript"));
	default:
		sr_stream_close(root);
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	}
	s->out.name = pr.log;
	s->in.name = pr.inlog;
	s->tm_name = pr.timing;
	s->advanced = pr.kind == K_ADVANCED;
	s->input_missing = pr.input_missing;
	st = open_member(r, s->out.name, &root, &s->out.s);
	if (st == SR_OK && s->in.name != NULL)
		st = open_member(r, s->in.name, &root, &s->in.s);
	if (st == SR_OK && s->tm_name != NULL)
		st = open_member(r, s->tm_name, &root, &s->tm);
	sr_stream_close(root);
	return (st);
}

static void
script_close(struct sr_reader *r)
{
	struct script_state *s = r->state;

	if (s == NULL)
		return;
	sr_stream_close(s->out.s);
	sr_stream_close(s->in.s);
	sr_stream_close(s->tm);
	free(s->out.name);
	free(s->in.name);
	free(s->tm_name);
	sr_buf_release(&s->ebuf);
}

/* The session path names the log even when opened on the timing. */
static int
set_log_path(struct sr_reader *r)
{
	struct script_state *s = r->state;
	size_t pl = strlen(r->path), ml = strlen(r->member);
	char *p;
	int st;

	if (strcmp(s->out.name, r->member) == 0 || ml > pl ||
	    strcmp(r->path + pl - ml, r->member) != 0)
		return (SR_OK);
	if ((p = sibling_name(r->path, sr_basename(s->out.name),
		 strlen(sr_basename(s->out.name)), "", "")) == NULL)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	/* r->path ends with the member; its directory is the log's too. */
	st = sr_session_set_path(&r->session, p);
	free(p);
	return (st == SR_OK ? SR_OK
			    : sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
				  "out of memory"));
}

static int
script_next_session(struct sr_reader *r)
{
	struct script_state *s = r->state;
	struct sr_session *ss = &r->session;
	const char *base;
	int64_t sum = 0;
	int st, worst = SR_OK, done = 0, dummy;

	if (s->started)
		return (SR_EOF);
	s->started = 1;
	if ((st = set_log_path(r)) != SR_OK)
		return (st);
	st = set_extra(r, "script.timing",
	    s->tm == NULL     ? "none"
		: s->advanced ? "advanced"
			      : "classic",
	    SIZE_MAX);
	worst = worse(worst, st);
	if ((st = read_header(r, &s->out, 1)) < SR_WARN)
		return (st);
	worst = worse(worst, st);
	if ((st = find_trailer(r, &s->out, 1, &done)) < SR_WARN)
		return (st);
	worst = worse(worst, st);
	if (s->in.s != NULL) {
		if ((st = read_header(r, &s->in, 0)) != SR_OK ||
		    (st = find_trailer(r, &s->in, 0, &dummy)) != SR_OK)
			return (st);
	}
	if (s->tm != NULL) {
		if ((st = timing_prepass(r, &sum)) < SR_WARN)
			return (st);
		worst = worse(worst, st);
	}
	/* The typescript's own header and trailer win over H entries. */
	if (s->have_hdr_start) {
		ss->start_ns = s->hdr_start_ns;
		ss->have |= SR_HAVE_START;
	}
	if (!(ss->have & SR_HAVE_DURATION)) {
		if (s->tm != NULL) {
			ss->duration_ns = sum;
			ss->have |= SR_HAVE_DURATION;
		} else if (s->have_hdr_start && s->have_done &&
		    s->done_ns >= s->hdr_start_ns) {
			ss->duration_ns = s->done_ns - s->hdr_start_ns;
			ss->have |= SR_HAVE_DURATION;
		}
	}
	if (s->rows != 0 && s->cols != 0) {
		ss->rows = s->rows;
		ss->cols = s->cols;
		ss->have |= SR_HAVE_GEOMETRY;
	}
	if (done)
		ss->state = SR_STATE_COMPLETE;
	else if (s->out.pos > 0)
		ss->state = SR_STATE_INCOMPLETE;
	else
		ss->state = SR_STATE_UNKNOWN; /* no header, no trailer */
	base = sr_basename(s->out.name);
	worst = worse(worst,
	    set_field(r, SR_F_SESSION_ID, base,
		stem_len(base, strip_comp(base))));
	if (worst < SR_WARN)
		return (worst);
	if ((st = seek_to(r, s->out.s, s->out.name, s->out.pos)) != SR_OK)
		return (st);
	if (s->in.s != NULL &&
	    (st = seek_to(r, s->in.s, s->in.name, s->in.pos)) != SR_OK)
		return (st);
	s->phase = s->tm != NULL ? PH_TIMING : PH_BODY;
	s->line = 0;
	s->t_ns = 0;
	return (worst);
}

/* Starts handing out len bytes of src as events of type at time t. */
static void
run_start(struct script_state *s, struct script_src *src,
    enum sr_event_type type, uint64_t len, int64_t t_ns, int64_t line)
{
	s->run = src;
	s->run_left = len;
	s->run_type = type;
	s->run_t_ns = t_ns;
	s->run_line = line;
}

/* The next piece of the run.  SR_OK with an event, or SR_EOF if none. */
static int
run_next(struct sr_reader *r, int *warned)
{
	struct script_state *s = r->state;
	struct script_src *src = s->run;
	struct sr_event *ev = &r->ev;
	struct sr_loc loc;
	size_t want, got;
	int st;

	want = s->run_left > s->event_max ? s->event_max : (size_t)s->run_left;
	if ((st = seek_to(r, src->s, src->name, src->pos)) != SR_OK)
		return (st);
	sr_buf_reset(&s->ebuf);
	if (sr_buf_reserve(&s->ebuf, want) != SR_E_NONE)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	if (read_full(src->s, s->ebuf.data, want, &got) != SR_OK)
		return (stream_failed(r, src->s, src->name, -1));
	if (got < want) {
		/* The log shrank under us, or its decoding ended early. */
		loc_at(&loc, src->name, -1, src->pos + (int64_t)got);
		*warned = 1;
		(void)sr_reader_warn_torn(r, &loc, "log ends %zu bytes early",
		    want - got);
		src->exhausted = 1;
		s->run_left = 0;
		if (got == 0)
			return (SR_EOF);
	} else
		s->run_left -= got;
	s->ebuf.len = got;
	ev->type = s->run_type;
	ev->stream =
	    s->run_type == SR_EV_INPUT ? SR_STREAM_TTYIN : SR_STREAM_TTYOUT;
	ev->t_ns = s->run_t_ns;
	ev->data = (const unsigned char *)s->ebuf.data;
	ev->len = got;
	ev->loc.line = s->run_line;
	ev->loc.offset = src->pos;
	src->pos += (int64_t)got;
	return (SR_OK);
}

/* Copies text into the event buffer as the event's data. */
static int
ev_text(struct sr_reader *r, const char *t, size_t n)
{
	struct script_state *s = r->state;

	sr_buf_reset(&s->ebuf);
	if (n > s->event_max)
		n = s->event_max;
	if (sr_buf_append(&s->ebuf, t, n) != SR_E_NONE)
		return (sr_reader_errorf(r, SR_FATAL, SR_E_NOMEM, NULL,
		    "out of memory"));
	r->ev.data = (const unsigned char *)s->ebuf.data;
	r->ev.len = n;
	return (SR_OK);
}

/* "SIGWINCH ROWS=40 COLS=120": 0 with the size, -1 otherwise. */
static int
parse_winch(const char *t, size_t n, unsigned *rows, unsigned *cols)
{
	size_t i = 8, j;

	*rows = *cols = 0;
	if (n < 8 || memcmp(t, "SIGWINCH", 8) != 0)
		return (-1);
	while (i < n) {
		while (i < n && t[i] == ' ')
			i++;
		for (j = i; j < n && t[j] != ' '; j++)
			;
		if (j - i > 5 && memcmp(t + i, "ROWS=", 5) == 0) {
			if (parse_geom(t + i + 5, j - i - 5, rows) != 0)
				return (-1);
		} else if (j - i > 5 && memcmp(t + i, "COLS=", 5) == 0) {
			if (parse_geom(t + i + 5, j - i - 5, cols) != 0)
				return (-1);
		} else if (j > i)
			return (-1);
		i = j;
	}
	return (*rows != 0 && *cols != 0 ? 0 : -1);
}

/*
 * Follows one timing line.  SR_OK with an event in r->ev, SR_EOF at the
 * end of the timing, SR_WARN when the line gave no event (a run may have
 * started), or an error.
 */
static int
timing_step(struct sr_reader *r, int *warned)
{
	struct script_state *s = r->state;
	struct script_entry en;
	struct script_src *src;
	struct sr_loc loc;
	const char *line;
	uint64_t want;
	unsigned rows, cols;
	size_t len;
	int complete, st, pe;

	st = sr_stream_getline(s->tm, &line, &len, &complete, s->line_max);
	if (st == SR_EOF)
		return (SR_EOF);
	s->line++;
	if (st == SR_FAILED)
		return (stream_failed(r, s->tm, s->tm_name, s->line));
	loc_at(&loc, s->tm_name, s->line, -1);
	if ((pe = parse_entry(line, len, s->advanced, &en)) != 0) {
		*warned = 1;
		if (!complete)
			(void)sr_reader_warn_torn(r, &loc,
			    "last timing line cut short");
		else
			(void)sr_reader_warnf(r, &loc,
			    pe == -2 ? "invalid delay in timing line"
				     : "malformed timing line");
		return (SR_WARN);
	}
	s->t_ns = sr_ns_add(s->t_ns, en.delay_ns);
	switch (en.type) {
	case 'I':
		if (s->input_missing) {
			if (s->input_warned++ == 0) {
				*warned = 1;
				(void)sr_reader_warnf(r, &loc,
				    "input log missing: input skipped");
			}
			return (SR_WARN);
		}
		src = s->in.s != NULL ? &s->in : &s->out;
		break;
	case 'O':
		src = &s->out;
		break;
	case 'S':
		if (parse_winch(en.text, en.textlen, &rows, &cols) == 0) {
			r->ev.type = SR_EV_RESIZE;
			r->ev.rows = rows;
			r->ev.cols = cols;
		} else {
			r->ev.type = SR_EV_MARKER;
			if ((st = ev_text(r, en.text, en.textlen)) != SR_OK)
				return (st);
		}
		r->ev.t_ns = s->t_ns;
		r->ev.loc.line = s->line;
		return (SR_OK);
	default:
		return (SR_WARN); /* H: metadata, read by the prepass */
	}
	if (src->exhausted || en.nbytes == 0)
		return (SR_WARN);
	want = en.nbytes;
	if (want > (uint64_t)(src->end - src->pos)) {
		want = (uint64_t)(src->end - src->pos);
		src->exhausted = 1;
		*warned = 1;
		loc.offset = src->pos;
		(void)sr_reader_warnf(r, &loc,
		    "timing wants %llu bytes but the log has %llu left",
		    (unsigned long long)en.nbytes, (unsigned long long)want);
	}
	if (want > 0)
		run_start(s, src, en.type == 'I' ? SR_EV_INPUT : SR_EV_OUTPUT,
		    want, s->t_ns, s->line);
	return (SR_WARN);
}

static int
script_next_event(struct sr_reader *r)
{
	struct script_state *s = r->state;
	struct sr_session *ss = &r->session;
	struct sr_loc loc;
	int warned = 0, st;
	char num[32];

	for (;;) {
		if (s->run != NULL && s->run_left > 0) {
			st = run_next(r, &warned);
			if (st == SR_OK)
				return (warned ? SR_WARN : SR_OK);
			if (st != SR_EOF)
				return (st);
			continue;
		}
		s->run = NULL;
		switch (s->phase) {
		case PH_BODY:
			if (s->out.end > s->out.pos)
				run_start(s, &s->out, SR_EV_OUTPUT,
				    (uint64_t)(s->out.end - s->out.pos), 0, -1);
			s->phase = PH_END;
			break;
		case PH_TIMING:
			st = timing_step(r, &warned);
			if (st == SR_OK)
				return (warned ? SR_WARN : SR_OK);
			if (st == SR_EOF)
				s->phase = PH_LEFTOVER;
			else if (st != SR_WARN)
				return (st);
			break;
		case PH_LEFTOVER:
			s->phase = PH_END;
			if (s->out.exhausted || s->out.end <= s->out.pos)
				break;
			loc_at(&loc, s->out.name, -1, s->out.pos);
			warned = 1;
			(void)sr_reader_warn_torn(r, &loc,
			    "%lld log bytes not covered by the timing file",
			    (long long)(s->out.end - s->out.pos));
			run_start(s, &s->out, SR_EV_OUTPUT,
			    (uint64_t)(s->out.end - s->out.pos), s->t_ns, -1);
			break;
		case PH_END:
			s->phase = PH_DONE;
			if (!(ss->have & SR_HAVE_EXIT))
				break;
			r->ev.type = SR_EV_END;
			r->ev.t_ns = s->t_ns;
			if ((ss->have & SR_HAVE_DURATION) &&
			    ss->duration_ns > r->ev.t_ns)
				r->ev.t_ns = ss->duration_ns;
			(void)snprintf(num, sizeof(num), "%d", ss->exit_status);
			if ((st = ev_text(r, num, strlen(num))) != SR_OK)
				return (st);
			return (warned ? SR_WARN : SR_OK);
		case PH_DONE:
		default:
			return (SR_EOF);
		}
	}
}

/* Nothing to drain: the one session ends here. */
static int
script_skip_session(struct sr_reader *r)
{
	struct script_state *s = r->state;

	s->run = NULL;
	s->phase = PH_DONE;
	return (SR_OK);
}

static const char *const script_suffixes[] = { ".typescript", ".timing", ".tm",
	NULL };

const struct sr_format sr_fmt_script = {
	.name = "script",
	.description = "util-linux script typescript and timing",
	.suffixes = script_suffixes,
	.caps = SR_FMT_READ | SR_FMT_MEMBERS,
	.state_size = sizeof(struct script_state),

	.probe = script_probe,
	.claim = script_claim,
	.open = script_open,
	.close = script_close,
	.next_session = script_next_session,
	.next_event = script_next_event,
	.skip_session = script_skip_session,
};
