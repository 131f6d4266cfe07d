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
 * A stub main() for fuzz targets when libFuzzer is not linked: it feeds
 * every file named on the command line (directories are walked one level
 * deep) to LLVMFuzzerTestOneInput, so that "make check" replays each
 * corpus and a crash found once stays fixed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
run_file(const char *path)
{
	FILE *f;
	uint8_t *buf;
	long len;
	size_t got;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return (1);
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		fclose(f);
		return (1);
	}
	if ((buf = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return (1);
	}
	got = fread(buf, 1, (size_t)len, f);
	fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	return (0);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0, n = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d;
			struct dirent *de;
			char path[4096];

			if ((d = opendir(argv[i])) == NULL) {
				perror(argv[i]);
				rc = 1;
				continue;
			}
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				(void)snprintf(path, sizeof(path), "%s/%s",
				    argv[i], de->d_name);
				if (stat(path, &st) == 0 &&
				    S_ISREG(st.st_mode)) {
					rc |= run_file(path);
					n++;
				}
			}
			closedir(d);
		} else {
			rc |= run_file(argv[i]);
			n++;
		}
	}
	printf("%s: %d inputs replayed\n", argv[0], n);
	return (rc);
}
