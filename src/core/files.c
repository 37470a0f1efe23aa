/* files.c - content-addressed file storage (see files.h). */
#include "files.h"
#include "arena.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- storage ------------------------------------------------------------------ */

int files_sha_valid(const char *sha)
{
	size_t i = 0;
	for (; sha[i]; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return 0;
	return i == 64;
}

static int file_path(char *out, size_t n, const char *data_dir, const char *sha)
{
	int w = snprintf(out, n, "%s/files/%.2s/%s", data_dir, sha, sha);
	return w > 0 && (size_t)w < n ? 0 : -1;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int files_put(const char *data_dir, const void *data, size_t len, char sha_out[65])
{
	char dir[4096], path[4096], tmp[4200];
	sha256_hex(data, len, sha_out);
	if (snprintf(dir, sizeof(dir), "%s/files", data_dir) >= (int)sizeof(dir) ||
	    file_path(path, sizeof(path), data_dir, sha_out) != 0)
		return errno = ENAMETOOLONG, -1;
	if (access(path, F_OK) == 0)
		return 0;		/* the same content is already stored */
	if ((mkdir(data_dir, 0750) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0750) != 0 && errno != EEXIST))
		return -1;
	size_t dl = strlen(dir);
	snprintf(dir + dl, sizeof(dir) - dl, "/%.2s", sha_out);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -1;

	/* A unique temporary name: concurrent uploads of one photo each write
	 * their own and the last rename wins with identical bytes. */
	char rnd[48];
	token_new(rnd);
	snprintf(tmp, sizeof(tmp), "%s.%.16s.tmp", path, rnd);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	close(fd);
	fd = -1;
	if (rename(tmp, path) != 0 || fsync_dir(dir) != 0)
		goto fail;
	return 0;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

int files_get(const char *data_dir, struct arena *a, const char *sha, char **data, size_t *len)
{
	char path[4096];
	if (!files_sha_valid(sha) || file_path(path, sizeof(path), data_dir, sha) != 0)
		return 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	if (fstat(fd, &st) != 0 || !(buf = arena_alloc(a, (size_t)st.st_size + 1)))
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
fail:
	close(fd);
	return -1;
}

int files_remove(const char *data_dir, const char *sha)
{
	char path[4096];
	if (!files_sha_valid(sha) || file_path(path, sizeof(path), data_dir, sha) != 0)
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}
