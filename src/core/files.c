/* files.c - content-addressed file storage (see files.h): a folder on
 * SQLite, the database on PostgreSQL. */
#include "files.h"
#include "app.h"
#include "arena.h"
#include "db.h"
#include "http.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>

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

static int dir_put(const char *data_dir, const void *data, size_t len, const char *sha_out)
{
	char dir[4096], path[4096], tmp[4200];
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

static int dir_get(const char *data_dir, struct arena *a, const char *sha, char **data, size_t *len)
{
	char path[4096];
	if (file_path(path, sizeof(path), data_dir, sha) != 0)
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

static int dir_remove(const char *data_dir, const char *sha)
{
	char path[4096];
	if (file_path(path, sizeof(path), data_dir, sha) != 0)
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* ---- PostgreSQL: files in the database ------------------------------------------ */

/* Rows of at most this many bytes, so no single value grows with the file. */
#define CHUNK (256 * 1024)

/* Bytes travel as base64 text: the one way every statement binds values. */
static int db_put(struct db_conn *c, const void *data, size_t len, const char *sha)
{
	int64_t there = 0;
	int rc = db_query_int(c, &there, "SELECT count(*) FROM files WHERE sha256 = ?", "s", sha);
	if (rc != DB_ROW || there)
		return rc == DB_ROW ? 0 : -1;	/* the same content is already stored */
	int own = !db_in_tx(c);
	if (own && db_tx_begin(c) != DB_OK)
		return -1;
	char at[24];
	time_iso_now(at);
	int64_t chunks = (int64_t)((len + CHUNK - 1) / CHUNK);
	rc = db_exec(c, "INSERT INTO files (sha256, size, chunks, created_at) VALUES (?, ?, ?, ?) "
			"ON CONFLICT (sha256) DO NOTHING", "siis", sha, (int64_t)len, chunks, at);
	/* A concurrent upload of the same bytes stored them first: done. */
	int inserted = rc == DB_DONE && db_changes(c) == 1;
	size_t b64max = sodium_base64_encoded_len(CHUNK, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = inserted ? malloc(b64max) : NULL;
	if (inserted && !b64)
		rc = DB_ERROR;
	for (int64_t n = 0; inserted && rc == DB_DONE && n < chunks; n++) {
		size_t off = (size_t)n * CHUNK, part = len - off < CHUNK ? len - off : CHUNK;
		sodium_bin2base64(b64, b64max, (const unsigned char *)data + off, part, sodium_base64_VARIANT_ORIGINAL);
		rc = db_exec(c, "INSERT INTO file_chunks (sha256, n, data) VALUES (?, ?, decode(?, 'base64'))", "sis",
			     sha, n, b64);
	}
	free(b64);
	if (!own)
		return rc == DB_DONE ? 0 : -1;
	if (rc != DB_DONE) {
		db_tx_rollback(c);
		return -1;
	}
	return db_tx_commit(c) == DB_OK ? 0 : -1;
}

static int db_get(struct db_conn *c, struct arena *a, const char *sha, char **data, size_t *len)
{
	int64_t size = 0;
	int rc = db_query_int(c, &size, "SELECT size FROM files WHERE sha256 = ?", "s", sha);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 1 : -1;
	char *buf = arena_alloc(a, (size_t)size + 1);
	struct db_stmt *st = buf ? db_query(c, "SELECT encode(data, 'base64') FROM file_chunks WHERE sha256 = ? "
					       "ORDER BY n", "s", sha) : NULL;
	if (!st)
		return -1;
	size_t got = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		size_t n = 0;
		const char *b64 = db_col_text(st, 0);
		/* encode() breaks its lines every 76 characters. */
		if (sodium_base642bin((unsigned char *)buf + got, (size_t)size - got, b64, strlen(b64), "\n", &n,
				      NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
			rc = DB_ERROR;
			break;
		}
		got += n;
	}
	db_done(st);
	if (rc != DB_DONE || got != (size_t)size)
		return -1;
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

/* ---- answering with a stored file, a piece at a time ------------------------------- */

/* What a download holds while it is sent: the open file (SQLite), or one
 * chunk of it (PostgreSQL), never the whole. */
struct file_stream {
	struct db *db;		/* PostgreSQL: the pool each further chunk is read from */
	int fd;			/* SQLite: the file, or -1 */
	char sha[65];
	int64_t loaded;		/* the chunk in buf, or -1 */
	size_t buf_len;
	char *buf;		/* CHUNK bytes */
};

static void stream_done(void *cls)
{
	struct file_stream *fs = cls;
	if (fs->fd >= 0)
		close(fs->fd);
	free(fs->buf);
	free(fs);
}

static long dir_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct file_stream *fs = cls;
	for (;;) {
		ssize_t n = pread(fs->fd, buf, max, (off_t)pos);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/* Chunk n of the file into fs->buf, read on c.  0, or -1. */
static int chunk_load(struct file_stream *fs, struct db_conn *c, int64_t n)
{
	struct db_stmt *st = db_query(c, "SELECT encode(data, 'base64') FROM file_chunks WHERE sha256 = ? AND n = ?",
				      "si", fs->sha, n);
	int rc = st ? db_step(st) : DB_ERROR;
	size_t got = 0;
	if (rc == DB_ROW) {
		const char *b64 = db_col_text(st, 0);
		if (sodium_base642bin((unsigned char *)fs->buf, CHUNK, b64, strlen(b64), "\n", &got, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			rc = DB_ERROR;
	}
	db_done(st);
	if (rc != DB_ROW)
		return -1;
	fs->loaded = n;
	fs->buf_len = got;
	return 0;
}

/* A further chunk takes a pool connection only while it is read, not for
 * as long as a slow client downloads. */
static long db_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct file_stream *fs = cls;
	int64_t n = (int64_t)(pos / CHUNK);
	if (n != fs->loaded) {
		struct db_conn *c = db_acquire(fs->db);
		int rc = chunk_load(fs, c, n);
		db_release(fs->db, c);
		if (rc != 0)
			return -1;
	}
	size_t off = (size_t)(pos % CHUNK);
	if (off >= fs->buf_len)
		return -1;
	size_t give = fs->buf_len - off < max ? fs->buf_len - off : max;
	memcpy(buf, fs->buf + off, give);
	return (long)give;
}

int files_reply(struct req *r, const char *sha, const char *content_type)
{
	if (!files_sha_valid(sha))
		return 1;
	struct file_stream *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -1;
	fs->fd = -1;
	fs->loaded = -1;
	memcpy(fs->sha, sha, sizeof(fs->sha));
	bool pg = db_dialect(r->app->db) == DB_POSTGRES;
	uint64_t size = 0;
	int rc;
	if (!pg) {
		char path[4096];
		struct stat st;
		if (file_path(path, sizeof(path), r->app->cfg.data_dir, sha) != 0)
			rc = 1;
		else if ((fs->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			rc = errno == ENOENT ? 1 : -1;
		else
			rc = fstat(fs->fd, &st) == 0 ? 0 : -1;
		size = rc == 0 ? (uint64_t)st.st_size : 0;
	} else {
		int64_t stored = 0;
		int q = db_query_int(r->db, &stored, "SELECT size FROM files WHERE sha256 = ?", "s", sha);
		rc = q == DB_ROW ? 0 : q == DB_DONE ? 1 : -1;
		size = (uint64_t)stored;
		fs->db = r->app->db;
		/* The first chunk on the request's own connection: a file of
		 * one chunk (most photos) needs no other. */
		if (rc == 0 && size > 0 && (!(fs->buf = malloc(CHUNK)) || chunk_load(fs, r->db, 0) != 0))
			rc = -1;
	}
	if (rc != 0) {
		stream_done(fs);
		return rc;
	}
	/* Content-addressed: the hash is the validator, known unread. */
	struct reply_body b = { .size = size, .read = pg ? db_read : dir_read, .done = stream_done, .cls = fs,
				.etag = arena_printf(r->arena, "\"%s\"", sha) };
	reply_body(r, 200, content_type, &b);
	return 0;
}

/* ---- the interface ------------------------------------------------------------------ */

int files_put(struct app *app, struct db_conn *c, const void *data, size_t len, char sha_out[65])
{
	sha256_hex(data, len, sha_out);
	if (db_dialect(app->db) != DB_POSTGRES)
		return dir_put(app->cfg.data_dir, data, len, sha_out);
	struct db_conn *own = c ? NULL : db_acquire(app->db);
	int rc = db_put(c ? c : own, data, len, sha_out);
	if (own)
		db_release(app->db, own);
	if (rc != 0)
		errno = EIO;
	return rc;
}

int files_get(struct app *app, struct db_conn *c, struct arena *a, const char *sha, char **data, size_t *len)
{
	if (!files_sha_valid(sha))
		return 1;
	if (db_dialect(app->db) != DB_POSTGRES)
		return dir_get(app->cfg.data_dir, a, sha, data, len);
	struct db_conn *own = c ? NULL : db_acquire(app->db);
	int rc = db_get(c ? c : own, a, sha, data, len);
	if (own)
		db_release(app->db, own);
	return rc;
}

int files_remove(struct app *app, struct db_conn *c, const char *sha)
{
	if (!files_sha_valid(sha))
		return -1;
	if (db_dialect(app->db) != DB_POSTGRES)
		return dir_remove(app->cfg.data_dir, sha);
	struct db_conn *own = c ? NULL : db_acquire(app->db);
	int rc = db_exec(c ? c : own, "DELETE FROM files WHERE sha256 = ?", "s", sha);
	if (own)
		db_release(app->db, own);
	return rc == DB_DONE ? 0 : -1;
}

static const struct migration files_migrations[] = {
	/* SQLite keeps files in the data folder. */
	{ 1, "files in the database (PostgreSQL)",
	  "",
	  "CREATE TABLE files (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, chunks INTEGER NOT NULL,"
	  " created_at TEXT NOT NULL);"
	  "CREATE TABLE file_chunks (sha256 TEXT NOT NULL REFERENCES files (sha256) ON DELETE CASCADE,"
	  " n INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (sha256, n));" },
	{ 0 },
};

const struct module files_module = {
	.name = "files",
	.migrations = files_migrations,
};
