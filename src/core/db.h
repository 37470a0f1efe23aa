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

enum db_rc {
	DB_OK = 0,
	DB_ROW = 1,
	DB_DONE = 2,
	DB_ERROR = -1,
	DB_CONSTRAINT = -2,	/* unique, foreign key or check violated */
	DB_BUSY = -3,		/* lock not obtained in time */
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
const char *db_url(const struct db *db);

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

/* Run a statement to completion: DB_DONE, DB_CONSTRAINT, DB_BUSY or DB_ERROR. */
int db_exec(struct db_conn *c, const char *sql, const char *types, ...);
/* Rows changed by the last db_exec on this connection. */
int64_t db_changes(struct db_conn *c);
/* Run a script of several statements with no parameters (migrations). */
int db_exec_script(struct db_conn *c, const char *sql);

/* One-row helpers: DB_ROW and *out set, DB_DONE when no row, < 0 on error. */
int db_query_int(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...);

/* Write transactions take the write lock up front, so two writers never
 * deadlock upgrading a read lock; reads outside a transaction see the last
 * committed state.  On SQLite a write transaction runs on the pool's one
 * writer connection, in a savepoint: writers queued behind each other share
 * one SQLite transaction and one commit, and db_tx_commit returns once that
 * commit is durable (db_tx_rollback takes back only its own work). */
int db_tx_begin(struct db_conn *c);
int db_tx_commit(struct db_conn *c);
/* A read-only snapshot for the statements of one request, where the
 * backend gains from it (SQLite: one lock cycle instead of one per
 * statement); end it with db_tx_commit. */
int db_read_begin(struct db_conn *c);
void db_tx_rollback(struct db_conn *c);
int db_in_tx(const struct db_conn *c);
/* Run fn(arg, committed) when the current transaction ends: committed is 1
 * after a successful commit, 0 after a rollback.  Outside a transaction fn
 * runs at once with committed = 1.  fn owns arg. */
int db_defer(struct db_conn *c, void (*fn)(void *arg, int committed), void *arg);

/* Opaque per-database slot for the event broker (events.c), so code that
 * holds only a connection can publish. */
void db_set_events(struct db *db, void *events);
void *db_events(const struct db_conn *c);

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

/* Group commit: commits no longer fsync one by one; a committer waits for
 * one fsync that covers its commit and every commit made meanwhile, so
 * concurrent writers share the disk's sync rate.  A commit still returns
 * only once durable.  DB_ERROR when the backend cannot (PostgreSQL has its
 * own: commit_delay). */
int db_set_group_commit(struct db *db);

#endif
