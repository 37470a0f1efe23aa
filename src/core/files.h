/* files.h - uploaded files in content-addressed storage under data_dir
 * (images are checked and made again first: image.h).
 *
 * A file is stored once under data_dir/files/ab/abcdef... (its SHA-256),
 * written to a temporary name, fsync'd and renamed, so a row that names a
 * hash always finds whole content, and a 2xx promises the file is on disk
 * as much as the row that points at it.
 */
#ifndef PENDOPO_FILES_H
#define PENDOPO_FILES_H

#include <stddef.h>

struct arena;

/* Store data; the hex SHA-256 goes to sha_out.  0 ok, -1 with errno. */
int files_put(const char *data_dir, const void *data, size_t len, char sha_out[65]);
/* Read a stored file into a (NUL-terminated for convenience).  0 ok, 1 no
 * such file, -1 error. */
int files_get(const char *data_dir, struct arena *a, const char *sha, char **data, size_t *len);
/* Remove a stored file; 0 also when it was not there. */
int files_remove(const char *data_dir, const char *sha);
/* A well-formed hash: 64 lower-case hex digits. */
int files_sha_valid(const char *sha);

#endif
