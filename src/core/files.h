/* files.h - uploaded and generated files in content-addressed storage
 * (images are checked and made again first: image.h).
 *
 * A file is stored once under its SHA-256.  On SQLite, in the data folder
 * (data_dir/files/ab/abcdef...), written to a temporary name, fsync'd and
 * renamed, so a row that names a hash always finds whole content, and a
 * 2xx promises the file is on disk as much as the row that points at it.
 * On PostgreSQL, in the database (one `files` row per content and its
 * bytes in 256 KiB `file_chunks`), so every instance serves every file
 * without a shared disk, and pg_dump backs files up with the rest; inside
 * the caller's transaction the file commits (or not) with the rows that
 * name it.
 */
#ifndef PENDOPO_FILES_H
#define PENDOPO_FILES_H

#include <stddef.h>

#include "module.h"

struct app;
struct arena;
struct db_conn;
struct req;

extern const struct module files_module;

/* c: the caller's connection (its transaction, if one is open), or NULL
 * for one of the pool's. */

/* Store data; the hex SHA-256 goes to sha_out.  0 ok, -1 with errno. */
int files_put(struct app *app, struct db_conn *c, const void *data, size_t len, char sha_out[65]);
/* Read a stored file into a (NUL-terminated for convenience).  0 ok, 1 no
 * such file, -1 error. */
int files_get(struct app *app, struct db_conn *c, struct arena *a, const char *sha, char **data, size_t *len);
/* Answer r 200 with the stored file as content_type, read as the client
 * takes it (on PostgreSQL a 256 KiB chunk at a time, each on a pool
 * connection held only while it is read), never whole in memory; its
 * hash is the ETag.  0 answered; 1 no such file, -1 error: nothing
 * answered, the caller says why. */
int files_reply(struct req *r, const char *sha, const char *content_type);
/* Remove a stored file; 0 also when it was not there. */
int files_remove(struct app *app, struct db_conn *c, const char *sha);
/* A well-formed hash: 64 lower-case hex digits. */
int files_sha_valid(const char *sha);

#endif
