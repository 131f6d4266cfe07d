/* SPDX-License-Identifier: ISC */
/*
 * Functions that must not be called in sessrec, each redefined as an
 * undefined name so that a call fails to compile.  Include this after
 * every system header (sr-private.h does so last).
 *
 * Use snprintf(), sr_buf_printf(), strlcpy() or memcpy() with an explicit
 * length instead of the string copiers; getline() or sr_stream_getline()
 * instead of gets(); strsep() instead of strtok(); sr_parse_*() instead
 * of ato*(); the _r forms of the time functions; mkstemp().
 */
#ifndef SR_BANNED_H
#define SR_BANNED_H

#define SR_BANNED(f) sorry_##f##_is_banned

#undef strcpy
#define strcpy(x, y) SR_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SR_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SR_BANNED(strncpy)
#undef sprintf
#define sprintf(...) SR_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SR_BANNED(vsprintf)
#undef gets
#define gets(x) SR_BANNED(gets)
#undef strtok
#define strtok(x, y) SR_BANNED(strtok)
#undef atoi
#define atoi(x) SR_BANNED(atoi)
#undef atol
#define atol(x) SR_BANNED(atol)
#undef atof
#define atof(x) SR_BANNED(atof)
#undef gmtime
#define gmtime(t) SR_BANNED(gmtime)
#undef localtime
#define localtime(t) SR_BANNED(localtime)
#undef ctime
#define ctime(t) SR_BANNED(ctime)
#undef asctime
#define asctime(t) SR_BANNED(asctime)
#undef mktemp
#define mktemp(x) SR_BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) SR_BANNED(tmpnam)
#undef tempnam
#define tempnam(x, y) SR_BANNED(tempnam)

#endif /* SR_BANNED_H */
