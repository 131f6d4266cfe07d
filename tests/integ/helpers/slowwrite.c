/* SPDX-License-Identifier: ISC */
/*
 * LD_PRELOAD shim for i-record-faults.sh (SECURITY.md T8): every write(2)
 * to a file whose name ends in ".srec" sleeps 50 ms first, so the
 * recorder's writer falls behind and backpressure must hold the relay
 * back instead of dropping data or growing memory.  Other descriptors
 * are untouched.  Built by the test with: cc -shared -fPIC -o X.so X.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int
is_srec(int fd)
{
	char link[64], path[4096];
	ssize_t n;
	int saved = errno;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	errno = saved;
	if (n < 5)
		return (0);
	path[n] = '\0';
	return (strcmp(path + n - 5, ".srec") == 0);
}

static void
slow(int fd)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int saved = errno;

	if (is_srec(fd))
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	errno = saved;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (real == NULL)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");
	slow(fd);
	return (real(fd, buf, len));
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	static ssize_t (*real)(int, const struct iovec *, int);

	if (real == NULL)
		real = (ssize_t(*)(int, const struct iovec *,
		    int))dlsym(RTLD_NEXT, "writev");
	slow(fd);
	return (real(fd, iov, cnt));
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);

	if (real == NULL)
		real = (ssize_t(*)(int, const void *, size_t,
		    off_t))dlsym(RTLD_NEXT, "pwrite");
	slow(fd);
	return (real(fd, buf, len, off));
}
