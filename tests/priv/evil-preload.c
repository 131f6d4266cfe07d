/* SPDX-License-Identifier: ISC */
/*
 * LD_PRELOAD probe for t-bastion.sh (SECURITY.md T12): a hostile library
 * the recorded user sends with SendEnv or ~/.ssh/environment.  Its
 * constructor appends one line per process that loaded it to the file
 * named at build time (PRELOAD_LOG): pid, real and effective uid, the
 * executable and SESSREC_SESSION (the recorded shell has the real session
 * id there; the hostile environment sends a fake one).  The test asserts
 * that neither the set-id recorder nor the recorded shell loaded it
 * (the shell gets no LD_* variables).  It does nothing else, so a
 * failure shows up as a log line, never as a broken session.
 * Built by the test with: cc -shared -fPIC -DPRELOAD_LOG='"..."' -o X.so X.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PRELOAD_LOG
#define PRELOAD_LOG "/dev/null"
#endif

__attribute__((constructor)) static void
evil_init(void)
{
	const char *sid = getenv("SESSREC_SESSION");
	char exe[512], line[1024];
	ssize_t n;
	int fd, len;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	len = snprintf(line, sizeof(line), "pid=%ld uid=%ld euid=%ld exe=%s "
	    "session=%.40s\n", (long)getpid(), (long)getuid(), (long)geteuid(),
	    exe, sid != NULL ? sid : "-");
	if (len <= 0 || (size_t)len >= sizeof(line))
		return;
	if ((fd = open(PRELOAD_LOG, O_WRONLY | O_APPEND | O_CREAT, 0666)) < 0)
		return;
	(void)write(fd, line, (size_t)len);
	(void)close(fd);
}
