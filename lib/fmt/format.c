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
 * The format table and probing.
 *
 * Adding a format:
 * 1. lib/fmt/fmt-<name>.c with sr_fmt_<name>; grammar above the parser,
 *    evidence above probe.
 * 2. A commented entry at its cost position in the table below; the file
 *    in Makefile.am.
 * 3. Facts in FORMATS.md and a section in doc/sessrec-formats.5.
 * 4. Table-driven tests/unit/test-fmt-<name>.c: good, truncated,
 *    oversized and hostile cases.
 * 5. Fixtures made by the real tool in tests/data/<name>/, one in samples/.
 * 6. tests/fuzz/fuzz-<name>.c with a .dict and a corpus.
 * 7. A peer-tool integration test, a probing test, a NEWS line.
 *
 * Every format bids on a member; the highest bid wins and ties go to the
 * earlier entry.  Probing runs twice: first on names alone (cheap; a bid
 * of 100 settles it), then on the member's first bytes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "sr-private.h"

static const struct sr_format *const formats[] = {
	/*
	 * sessrec's own: a skippable zstd frame with "SREC" in the first
	 * 14 bytes.  The input layer does not decode a member that starts
	 * with a skippable frame, so the probe sees the raw bytes.
	 */
	&sr_fmt_native,
	/* A JSON object on the first line with ver, rec and timing. */
	&sr_fmt_tlog,
	/* A JSON object on the first line with version 2 or 3. */
	&sr_fmt_asciicast,
	/*
	 * A session directory: decided from member names, so it costs
	 * nothing in the content phase but comes after the cheap prefix
	 * checks in case a JSON file happens to be called "log".
	 */
	&sr_fmt_sudo,
	/* A typescript header, or a timing file with a partner log. */
	&sr_fmt_script,
	/* No magic number at all: plausible headers only, a weak bid. */
	&sr_fmt_ttyrec,
};

const struct sr_format *
sr_format_at(size_t i)
{
	return (i < nitems(formats) ? formats[i] : NULL);
}

const struct sr_format *
sr_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(formats); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return (formats[i]);
	return (NULL);
}

const char *
sr_format_name(const struct sr_format *f)
{
	return (f != NULL ? f->name : "unknown");
}

const char *
sr_format_description(const struct sr_format *f)
{
	return (f != NULL && f->description != NULL ? f->description : "");
}

const unsigned char *
sr_probe_peek(struct sr_probe *p, size_t n, size_t *avail)
{
	*avail = 0;
	if (p->names_only || p->open_failed)
		return (NULL);
	if (p->s == NULL &&
	    sr_stream_open(p->in, p->member, 0, &p->s, NULL) != SR_OK) {
		p->s = NULL;
		p->open_failed = 1;
		return (NULL);
	}
	if (sr_stream_seek(p->s, 0) != SR_OK)
		return (NULL);
	return (sr_stream_peek(p->s, n, avail));
}

uint64_t
sr_probe_limit(const struct sr_probe *p, enum sr_limit l)
{
	return (sr_ctx_limit(p->ctx, l));
}

const char *
sr_probe_basename(const struct sr_probe *p)
{
	return (sr_basename(p->member));
}

const struct sr_member *
sr_probe_sibling(const struct sr_probe *p, const char *name)
{
	char buf[SR_MEMBER_MAX * 2];
	size_t dl = sr_dirlen(p->member);
	int n;

	if (dl > 0)
		n = snprintf(buf, sizeof(buf), "%.*s/%s", (int)dl, p->member,
		    name);
	else
		n = snprintf(buf, sizeof(buf), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return (NULL);
	return (sr_input_find(p->in, buf));
}

/* Runs one phase of probing; returns the winner and its bid. */
static const struct sr_format *
probe_phase(struct sr_probe *p, int *bidp)
{
	const struct sr_format *best = NULL;
	int bid, top = 0;
	size_t i;

	for (i = 0; i < nitems(formats); i++) {
		if (formats[i]->probe == NULL)
			continue;
		bid = formats[i]->probe(p);
		if (bid > top) {
			top = bid;
			best = formats[i];
			if (top >= 100)
				break;
		}
	}
	*bidp = top;
	return (best);
}

/* Probes a member; the caller closes p->s. */
static const struct sr_format *
probe_one(struct sr_probe *p, int *bidp)
{
	const struct sr_format *f;

	p->names_only = 1;
	f = probe_phase(p, bidp);
	if (f != NULL && *bidp >= 100)
		return (f);
	p->names_only = 0;
	return (probe_phase(p, bidp));
}

const struct sr_format *
sr_probe_member(struct sr_input *in, const char *member, int *bid)
{
	struct sr_probe p;
	const struct sr_format *f;

	memset(&p, 0, sizeof(p));
	p.ctx = sr_input_ctx(in);
	p.in = in;
	p.member = member;
	f = probe_one(&p, bid);
	sr_stream_close(p.s);
	return (f);
}

void
sr_found_free_all(struct sr_found *f, size_t n)
{
	size_t i, j;

	if (f == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(f[i].member);
		for (j = 0; j < nitems(f[i].partners); j++)
			free(f[i].partners[j]);
	}
	free(f);
}

static void
claim_release(struct sr_claim *c)
{
	size_t j;

	free(c->root);
	for (j = 0; j < nitems(c->partners); j++)
		free(c->partners[j]);
	memset(c, 0, sizeof(*c));
}

/* Index of the first member whose name is not less than key. */
static size_t
lower_bound(struct sr_input *in, const char *key, size_t keylen)
{
	size_t lo = 0, hi = sr_input_nmembers(in), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strncmp(sr_input_member(in, mid)->name, key, keylen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * Marks the members directly inside dir (or at the top for "").  Members
 * are sorted by name and names sharing a prefix are contiguous, so a
 * binary search finds the first and the scan stops at the last: claiming
 * 10,000 sudo sessions in a tree of 80,000 members stays linear.
 */
static void
mark_dir(struct sr_input *in, const char *dir, unsigned char *claimed)
{
	size_t i, n = sr_input_nmembers(in), dl = strlen(dir);
	char *key;

	if (dl == 0) {
		for (i = 0; i < n; i++)
			if (strchr(sr_input_member(in, i)->name, '/') == NULL)
				claimed[i] = 1;
		return;
	}
	if ((key = malloc(dl + 2)) == NULL)
		return;
	memcpy(key, dir, dl);
	key[dl] = '/';
	key[dl + 1] = '\0';
	for (i = lower_bound(in, key, dl + 1); i < n; i++) {
		const char *name = sr_input_member(in, i)->name;

		if (strncmp(name, key, dl + 1) != 0)
			break;
		if (strchr(name + dl + 1, '/') == NULL)
			claimed[i] = 1;
	}
	free(key);
}

static void
mark_name(struct sr_input *in, const char *name, unsigned char *claimed)
{
	size_t i = lower_bound(in, name, strlen(name) + 1);

	if (i < sr_input_nmembers(in) &&
	    strcmp(sr_input_member(in, i)->name, name) == 0)
		claimed[i] = 1;
}

int
sr_probe_container(struct sr_input *in, int want_unknown,
    struct sr_found **foundp, size_t *nfoundp, struct sr_error *err)
{
	struct sr_found *found = NULL, *nf;
	size_t i, j, n = sr_input_nmembers(in), nfound = 0, cap = 0;
	unsigned char *claimed;

	*foundp = NULL;
	*nfoundp = 0;
	if ((claimed = calloc(n ? n : 1, 1)) == NULL)
		return (sr_error_set(err, SR_FATAL, SR_E_NOMEM,
		    sr_input_path(in), NULL, "out of memory"));
	for (i = 0; i < n; i++) {
		const struct sr_member *m = sr_input_member(in, i);
		const struct sr_format *f;
		struct sr_probe p;
		struct sr_claim c;
		int bid;

		if (claimed[i])
			continue;
		memset(&p, 0, sizeof(p));
		memset(&c, 0, sizeof(c));
		p.ctx = sr_input_ctx(in);
		p.in = in;
		p.member = m->name;
		f = probe_one(&p, &bid);
		if (f == NULL && !want_unknown) {
			sr_stream_close(p.s);
			continue;
		}
		if (f != NULL && f->claim != NULL) {
			p.names_only = 0;
			if (f->claim(&p, &c) != SR_OK) {
				claim_release(&c);
				sr_stream_close(p.s);
				continue;
			}
		}
		sr_stream_close(p.s);
		if (c.root == NULL && (c.root = sr_strdup(m->name)) == NULL)
			goto nomem;
		claimed[i] = 1;
		if (c.claim_dir)
			mark_dir(in, c.root, claimed);
		for (j = 0; j < nitems(c.partners) && c.partners[j]; j++)
			mark_name(in, c.partners[j], claimed);
		if (nfound == cap) {
			cap = cap ? cap * 2 : 16;
			nf = sr_reallocarray(found, cap, sizeof(*found));
			if (nf == NULL) {
				claim_release(&c);
				goto nomem;
			}
			found = nf;
		}
		memset(&found[nfound], 0, sizeof(found[nfound]));
		found[nfound].fmt = f;
		found[nfound].member = c.root;
		for (j = 0; j < nitems(c.partners); j++)
			found[nfound].partners[j] = c.partners[j];
		nfound++;
	}
	free(claimed);
	*foundp = found;
	*nfoundp = nfound;
	return (SR_OK);
nomem:
	free(claimed);
	sr_found_free_all(found, nfound);
	return (sr_error_set(err, SR_FATAL, SR_E_NOMEM, sr_input_path(in), NULL,
	    "out of memory"));
}
