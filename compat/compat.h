/* SPDX-License-Identifier: ISC */
/*
 * Replacements for functions some libcs lack.  glibc 2.36 (Debian 12)
 * has neither strlcpy nor strlcat in its default headers.
 */
#ifndef SR_COMPAT_H
#define SR_COMPAT_H

#include <stddef.h>

#ifndef HAVE_STRLCPY
size_t strlcpy(char *, const char *, size_t);
#endif

#endif /* SR_COMPAT_H */
