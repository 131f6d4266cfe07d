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
 * Fuzz target for the script reader.  A script recording is two or three
 * files, so the input is split at "%%TIMING%%\n" (and "%%INPUT%%\n"):
 * the log comes first, then the timing file, then a separate input log.
 * The parts become members of a small tar archive built here, which the
 * input layer opens like any other archive; the reader is then opened on
 * every member, with the format forced and by probing.  Without a
 * separator the input is a lone typescript.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

#define SEP_TIMING "%%TIMING%%\n"
#define SEP_INPUT  "%%INPUT%%\n"

struct part {
	const char *name;
	const uint8_t *data;
	size_t len;
};

static const uint8_t *
find(const uint8_t *h, size_t n, const char *needle)
{
	size_t nl = strlen(needle), i;

	for (i = 0; i + nl <= n; i++)
		if (h[i] == (uint8_t)needle[0] &&
		    memcmp(h + i, needle, nl) == 0)
			return (h + i);
	return (NULL);
}

/* Appends one ustar member: a 512-byte header, then padded data. */
static size_t
tar_member(uint8_t *out, const struct part *p)
{
	uint8_t *h = out;
	unsigned sum = 0;
	size_t i;

	memset(h, 0, 512);
	(void)snprintf((char *)h, 100, "%s", p->name);
	(void)snprintf((char *)h + 100, 8, "%07o", 0644);
	(void)snprintf((char *)h + 108, 8, "%07o", 0);
	(void)snprintf((char *)h + 116, 8, "%07o", 0);
	(void)snprintf((char *)h + 124, 12, "%011lo", (unsigned long)p->len);
	(void)snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	(void)snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	if (p->len > 0)
		memcpy(h + 512, p->data, p->len);
	memset(h + 512 + p->len, 0, (512 - p->len % 512) % 512);
	return (512 + (p->len + 511) / 512 * 512);
}

static void
fuzz_parts(const struct part *parts, size_t n)
{
	struct sr_ctx *ctx;
	struct sr_input *in;
	struct sr_error err;
	uint8_t *tar;
	size_t i, len = 1024;

	for (i = 0; i < n; i++)
		len += 512 + (parts[i].len + 511) / 512 * 512;
	if ((tar = malloc(len)) == NULL)
		return;
	len = 0;
	for (i = 0; i < n; i++)
		len += tar_member(tar + len, &parts[i]);
	memset(tar + len, 0, 1024);
	len += 1024;
	if ((ctx = fuzz_ctx()) == NULL) {
		free(tar);
		return;
	}
	if (sr_input_open_mem(ctx, "fuzz.tar", tar, len, &in, &err) == SR_OK) {
		for (i = 0; i < n; i++) {
			fuzz_read(ctx, in, parts[i].name,
			    sr_format_find("script"));
			fuzz_read(ctx, in, parts[i].name, NULL);
		}
		fuzz_drain(ctx, in);
		sr_input_close(in);
	}
	sr_ctx_free(ctx);
	free(tar);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part parts[3];
	const uint8_t *t, *u;
	size_t n = 1;

	if ((t = find(data, size, SEP_TIMING)) == NULL) {
		fuzz_one_format("script", "fuzz.typescript", data, size);
		return (0);
	}
	parts[0].name = "f.typescript";
	parts[0].data = data;
	parts[0].len = (size_t)(t - data);
	t += strlen(SEP_TIMING);
	parts[1].name = "f.timing";
	parts[1].data = t;
	parts[1].len = size - (size_t)(t - data);
	n = 2;
	if ((u = find(t, parts[1].len, SEP_INPUT)) != NULL) {
		parts[1].len = (size_t)(u - t);
		u += strlen(SEP_INPUT);
		parts[2].name = "f.in";
		parts[2].data = u;
		parts[2].len = size - (size_t)(u - data);
		n = 3;
	}
	fuzz_parts(parts, n);
	return (0);
}
