/* SPDX-License-Identifier: ISC */
/*
 * Shared by the unit tests: cmocka, the private header, and helpers to
 * find fixtures whether the tests run from the source or a build tree.
 */
#ifndef SR_UNIT_H
#define SR_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compat.h"
#include "sr-private.h"

/* Absolute path of a file below the source tree ("tests/data/x"). */
static inline const char *
unit_srcpath(const char *rel)
{
	static char buf[4096];
	const char *top = getenv("SR_SRCDIR");
	size_t tl, rl;

	if (top == NULL)
		top = ".";
	tl = strlen(top);
	rl = strlen(rel);
	if (tl + rl + 2 > sizeof(buf))
		return ("/nonexistent/too-long"); /* let the open fail */
	memcpy(buf, top, tl);
	buf[tl] = '/';
	memcpy(buf + tl + 1, rel, rl + 1);
	return (buf);
}

#endif /* SR_UNIT_H */
