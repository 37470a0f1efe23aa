/* db_backend.h - what a storage backend provides to db.c.
 *
 * db.c owns the pool, parameter binding from type strings and the
 * transaction bookkeeping; a backend only speaks to its database.  Backend
 * connection and statement structs embed struct db_conn / struct db_stmt as
 * their first member.
 */
#ifndef PENDOPO_DB_BACKEND_H
#define PENDOPO_DB_BACKEND_H

#include <stdbool.h>
#include <string.h>
#include "db.h"

/* A statement cache's hash of an SQL text: its length and its first and
 * last 32 bytes.  Statements run to hundreds of bytes, and hashing each
 * whole cost more than finding it; texts that differ only in the middle
 * share a hash and strcmp tells them apart. */
static inline unsigned db_sql_hash(const char *s)
{
	size_t len = strlen(s), head = len < 32 ? len : 32, tail = len - head < 32 ? len - head : 32;
	unsigned h = 2166136261u ^ (unsigned)len;
	for (size_t i = 0; i < head; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	for (size_t i = len - tail; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

struct db_backend {
	enum db_dialect dialect;
	struct db_conn *(*connect)(const char *target, char *err, size_t errlen);
	void (*disconnect)(struct db_conn *c);
	struct db_stmt *(*prepare)(struct db_conn *c, const char *sql);
	void (*finish)(struct db_stmt *st);	/* reset for reuse */
	int (*bind_int)(struct db_stmt *st, int i, int64_t v);
	int (*bind_double)(struct db_stmt *st, int i, double v);
	/* copy false: v outlives the statement's run (it is stepped to its
	 * end before the caller's strings go), so no copy is needed. */
	int (*bind_text)(struct db_stmt *st, int i, const char *v, bool copy);
	int (*bind_null)(struct db_stmt *st, int i);
	int (*step)(struct db_stmt *st);
	/* Keep a bound statement whose result nobody reads, to send with
	 * the connection's next statement or command (NULL: db.c runs it at
	 * once).  The backend owns it from here; DB_OK or < 0. */
	int (*queue)(struct db_stmt *st);
	/* Step the first statement of a write transaction and commit the
	 * transaction with it (NULL: db.c steps, then commits).  DB_ROW or
	 * DB_DONE once committed, < 0 with nothing committed. */
	int (*step_commit)(struct db_stmt *st);
	/* The statement may change the database (one_writer backends). */
	bool (*writes)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int i);
	double (*col_double)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	int (*col_is_null)(struct db_stmt *st, int i);
	int (*col_count)(struct db_stmt *st);
	const char *(*col_name)(struct db_stmt *st, int i);
	int64_t (*changes)(struct db_stmt *st);
	int (*exec_script)(struct db_conn *c, const char *sql);
	/* Cross-process notification, for backends shared by several
	 * servers; NULL where one process owns the database (SQLite). */
	int (*notify)(struct db_conn *c, const char *channel, const char *payload);
	void *(*listen_start)(const char *target, const char *channel,
			      void (*fn)(void *arg, const char *payload), void *arg);
	void (*listen_stop)(void *listener);
	/* Make every commit so far durable (group commit); NULL when the
	 * backend's commit is durable by itself and cannot be batched. */
	int (*sync)(struct db_conn *c);
	/* Commits stop waiting for the disk themselves; sync() does it. */
	int (*defer_sync)(struct db_conn *c);
	/* For client-server backends: is the connection still usable (a
	 * cheap local check, no round trip), and replace it in place with a
	 * new one to the same database.  NULL where it cannot be lost. */
	int (*alive)(struct db_conn *c);
	int (*reconnect)(struct db_conn *c);
	/* db_dump / db_load on one connection (the writer on one_writer
	 * backends, for a load); failures described in c->err. */
	int (*dump)(struct db_conn *c, const char *path);
	int (*load)(struct db_conn *c, const char *path);
	const char *begin_sql;		/* a write transaction */
	const char *read_begin_sql;	/* a read snapshot; NULL: statements suffice */
	int one_writer;			/* the database admits one writer at a time */
};

struct db_deferred;

struct db_conn {
	const struct db_backend *be;
	struct db *db;
	int in_tx;
	int read_only;			/* the open transaction is db_read_begin's */
	int holds_turn;			/* has the pool's writer turn (one_writer) */
	struct db_conn *via;		/* the writer, while its write transaction runs there */
	struct db_conn *owner;		/* the writer: whose transaction runs on it now */
	int fault;			/* first failure of the transaction (db_fault) */
	int try_open, try_fault;	/* db_try_begin's savepoint, the fault before it */
	int lost;			/* a write transaction failed since db_acquire */
	/* a member waiting for the commit of the batch it passed on */
	struct db_conn *batch_next;
	int batch_wait, batch_rc;
	int64_t changes;
	struct db_deferred *deferred;	/* run at commit or rollback */
	int err_rc;			/* backends: the class of the failure in err */
	char err[256];
};

struct db_stmt {
	struct db_conn *conn;
};

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

#endif
