/* db.h - the storage interface every module uses.
 *
 * SQL is written once with '?' placeholders; a backend (SQLite now,
 * PostgreSQL behind the same calls) prepares, binds and steps it.  Inserts
 * that need the new key use "INSERT ... RETURNING id", which both dialects
 * speak, so there is no last-insert-id call to diverge on.
 *
 * A struct db is a pool; a struct db_conn is one connection used by one
 * thread at a time.  Statements are cached per connection, keyed by the SQL
 * text, so callers never finalize them: they step, then db_done().
 */
#ifndef PENDOPO_DB_H
#define PENDOPO_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "strbuf.h"

enum db_rc {
	DB_OK = 0,
	DB_ROW = 1,
	DB_DONE = 2,
	DB_ERROR = -1,
	DB_CONSTRAINT = -2,	/* unique, foreign key or check violated */
	DB_BUSY = -3,		/* lock not obtained in time */
	DB_FULL = -4,		/* no room left on the database's disk */
	DB_IOERR = -5,		/* the disk failed a read, write or sync */
	DB_GONE = -6,		/* the connection to the database server is lost */
};

enum db_dialect { DB_SQLITE, DB_POSTGRES };

struct db;
struct db_conn;
struct db_stmt;

/* url: "sqlite:PATH", a plain path, or "postgresql://..." */
struct db *db_open(const char *url, int pool_size, char *err, size_t errlen);
void db_close(struct db *db);
enum db_dialect db_dialect(const struct db *db);
enum db_dialect db_conn_dialect(const struct db_conn *c);
/* The URL the database was opened with, its password masked (for logs). */
const char *db_url(const struct db *db);

/* A connection found lost (the server restarted, crashed, or dropped it)
 * is replaced here, before anyone uses it; if the server is still away
 * the connection's statements fail at once with DB_GONE. */
struct db_conn *db_acquire(struct db *db);
void db_release(struct db *db, struct db_conn *c);

/* Prepare (or fetch from the cache) and bind in one call.  types holds one
 * letter per placeholder: 'i' int64_t, 's' const char * (NULL binds NULL),
 * 'd' double, 'b' int (bool, stored 0/1).  NULL on error (see db_errmsg). */
struct db_stmt *db_query(struct db_conn *c, const char *sql, const char *types, ...);
int db_step(struct db_stmt *st);		/* DB_ROW, DB_DONE or < 0 */
void db_done(struct db_stmt *st);		/* reset; statement stays cached */

int64_t db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
/* Valid until the next db_step/db_done; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int i);
int db_col_is_null(struct db_stmt *st, int i);
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);

/* One parameter for db_exec_values: type 'i' (i), 'd' (d) or 's' (s, NULL
 * binds NULL), for statements whose parameter count is only known at run
 * time (multi-row inserts). */
struct db_value {
	char type;
	int64_t i;
	double d;
	const char *s;
};
int db_exec_values(struct db_conn *c, const char *sql, const struct db_value *v, int n);
/* "r, r, ..." for multi-row VALUES written as constant SQL. */
#define DB_ROWS2(r) r ", " r
#define DB_ROWS8(r) DB_ROWS2(DB_ROWS2(DB_ROWS2(r)))
#define DB_ROWS32(r) DB_ROWS8(DB_ROWS2(DB_ROWS2(r)))
#define DB_ROWS40(r) DB_ROWS32(r) ", " DB_ROWS8(r)

/* A query put together at run time from constant fragments, for a list
 * whose conditions come from two modules (a service's on its own table,
 * the case engine's on cases).  Values are bound, never written into the
 * text; text values must outlive the query (arena or constant).  A builder
 * that ran out of room or memory makes db_sql_query fail. */
#define DB_SQL_MAX_VALUES 48
struct db_sql {
	struct strbuf text;
	struct db_value v[DB_SQL_MAX_VALUES];
	int n;
	bool overflow;
};
void db_sql_init(struct db_sql *q, struct arena *a);
/* Append fragment, binding one value per letter of types (as db_query). */
void db_sql_add(struct db_sql *q, const char *fragment, const char *types, ...);
struct db_stmt *db_sql_query(struct db_conn *c, const struct db_sql *q);

/* A set of ids known only at run time (a page's) as one parameter, so one
 * statement text serves every page: "x IN " db_ids_sql(d) with the
 * parameter db_ids_text() (a JSON array; NULL when out of memory). */
const char *db_ids_sql(enum db_dialect d);
char *db_ids_text(struct arena *a, const int64_t *ids, int n);

/* Run a statement to completion: DB_DONE, DB_CONSTRAINT, DB_BUSY or DB_ERROR. */
int db_exec(struct db_conn *c, const char *sql, const char *types, ...);
/* A write inside a write transaction whose only outcome that matters is
 * the transaction's: on PostgreSQL it is sent with the transaction's next
 * statement or its COMMIT (a round trip less; the audit row), elsewhere at
 * once.  If it fails, that next statement or the COMMIT fails with its
 * error, and the transaction is lost just the same.  Outside a write
 * transaction it is db_exec.  DB_DONE or < 0; db_changes is not set. */
int db_exec_queued(struct db_conn *c, const char *sql, const char *types, ...);
/* Rows changed by the last db_exec on this connection. */
int64_t db_changes(struct db_conn *c);
/* Run a script of several statements with no parameters (migrations). */
int db_exec_script(struct db_conn *c, const char *sql);

/* One-row helpers: DB_ROW and *out set, DB_DONE when no row, < 0 on error. */
int db_query_int(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...);

/* One statement as a write transaction of its own, committed before it
 * returns (a counter: a rate-limit hit): DB_ROW with *out the first
 * column, DB_DONE, or < 0 with nothing stored.  On PostgreSQL the
 * statement and its COMMIT are one round trip, so a row it locks is not
 * held across an exchange with the server. */
int db_tx_query_int(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...);

/* Transactions.
 *
 * Write transactions take the write lock up front, so two writers never
 * deadlock upgrading a read lock; reads outside a transaction see the last
 * committed state.  On SQLite a write transaction runs on the pool's one
 * writer connection, in a savepoint: writers queued behind each other share
 * one SQLite transaction and one commit, and each db_tx_commit returns the
 * outcome of the commit that carried its own work, once that commit is
 * durable (db_tx_rollback takes back only its own work).
 *
 * The first statement of a write transaction that fails (any rc < 0,
 * DB_CONSTRAINT included) poisons it, on both backends alike: every later
 * statement of it is refused with that rc, nothing of it is stored, and
 * db_tx_commit returns that rc.  A failed db_tx_commit has already rolled
 * back and run the deferred work with committed = 0; the caller must not
 * answer 2xx, and need not call db_tx_rollback (after a failed commit, or
 * outside a transaction, it does nothing).
 *
 * A statement that is allowed to fail goes inside db_try_begin/db_try_end:
 * a savepoint whose failure is taken back with its work, leaving the
 * transaction as it was.  One try at a time; not inside a poisoned
 * transaction. */
int db_tx_begin(struct db_conn *c);
int db_tx_commit(struct db_conn *c);
/* A read-only snapshot for the statements of one request, where the
 * backend gains from it (SQLite: one lock cycle instead of one per
 * statement); end it with db_tx_commit. */
int db_read_begin(struct db_conn *c);
/* The first step of st, the last statement of the caller's write
 * transaction (the read that builds the reply): on PostgreSQL it travels
 * with the COMMIT, in one round trip, and answers only once the commit is
 * durable; elsewhere it is db_step.  Either way the caller then reads the
 * rows, calls db_done and db_tx_commit, which answers the commit's
 * outcome; a failure here (< 0) is the transaction's, as db_step's. */
int db_step_last(struct db_stmt *st);
void db_tx_rollback(struct db_conn *c);
int db_in_tx(const struct db_conn *c);
int db_try_begin(struct db_conn *c);
/* keep: keep the try's work if it did not fail.  Returns the try's first
 * failure (its work is gone, the transaction goes on), or DB_OK. */
int db_try_end(struct db_conn *c, int keep);
/* The first failure of c's current (or last ended) transaction, or of
 * its statements since db_acquire outside one; DB_OK when none. */
int db_fault(const struct db_conn *c);
/* Nonzero when, since db_acquire, a write transaction on c ended without
 * storing its work because of a failure (not a voluntary rollback): the
 * request must not be answered 2xx. */
int db_lost(const struct db_conn *c);
/* Is the database reachable?  DB_OK or the failure, with why; probed at
 * most once a second, so health checks cost nothing under load.  storage
 * receives a description of a write failure that has not cleared yet
 * (disk full, I/O error), or "" when writes are being stored. */
int db_ping(struct db_conn *c, char *why, size_t len, char *storage, size_t slen);
/* Run fn(arg, committed) when the current transaction ends: committed is 1
 * after a successful commit, 0 after a rollback.  Outside a transaction fn
 * runs at once with committed = 1.  fn owns arg. */
int db_defer(struct db_conn *c, void (*fn)(void *arg, int committed), void *arg);

/* Cross-instance notifications (PostgreSQL LISTEN/NOTIFY).  db_notify is
 * transactional: listeners hear it when the transaction commits.  Both
 * return DB_ERROR / NULL on a backend that one process owns (SQLite),
 * where there is nobody else to tell. */
int db_notify(struct db_conn *c, const char *channel, const char *payload);
struct db_listener;
struct db_listener *db_listen(struct db *db, const char *channel,
			      void (*fn)(void *arg, const char *payload), void *arg);
void db_listen_stop(struct db *db, struct db_listener *l);
int db_can_notify(const struct db *db);

const char *db_errmsg(struct db_conn *c);

/* Backup and restore of the whole database (`pendopo backup/restore`).
 * db_dump writes a consistent copy into a new file at path while others
 * keep reading and writing: SQLite's online backup API (a database file
 * that needs no log beside it), PostgreSQL's pg_dump in custom format.
 * db_load fills this database, which must hold no table yet, from such a
 * file in one transaction, so a load cut short leaves it empty: SQLite's
 * backup API, PostgreSQL's pg_restore.  DB_OK, or the failure with why. */
int db_dump(struct db *db, const char *path, char *err, size_t errlen);
int db_load(struct db *db, const char *path, char *err, size_t errlen);

/* Group commit: commits no longer fsync one by one; a committer waits for
 * one fsync that covers its commit and every commit made meanwhile, so
 * concurrent writers share the disk's sync rate.  A commit still returns
 * only once durable.  DB_ERROR when the backend cannot (PostgreSQL has its
 * own: commit_delay). */
int db_set_group_commit(struct db *db);

#endif
