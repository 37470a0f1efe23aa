/* util.c - time, random tokens and hashing on top of libc and libsodium. */
#include "util.h"

#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void time_iso(time_t t, char out[24])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_iso_now(char out[24])
{
	time_iso(time(NULL), out);
}

int64_t time_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void token_new(char out[48])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 48, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int mkdir_all(const char *dir, mode_t mode)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	struct stat st;
	if (mkdir(path, mode) != 0 && errno != EEXIST)
		return -1;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* glibc maps every block above 128 KiB afresh (zlib's deflate state in each
 * PDF, image rows) and gives freed heap back at once, so every letter paid
 * for page faults and madvise: about a fifth of its CPU (2.85 against
 * 2.25 ms per letter, six interleaved runs of bench/letters_issue.c).
 * Keeping up to 4 MiB free per arena and mapping only blocks above 1 MiB
 * bounds what stays resident while those faults stop.  One arena per core
 * rather than glibc's eight: threads beyond the cores never allocate at
 * the same moment, and every arena keeps its own free memory, so a thread
 * per connection made RSS climb (a soak at 250 req/s grew 33 MB in 80 s
 * after its second minute with 16 arenas, 16 MB with 2; bench/README.md). */
void malloc_tune(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
	mallopt(M_ARENA_MAX, cores > 0 && cores < 64 ? (int)cores : 8);
}

int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}
