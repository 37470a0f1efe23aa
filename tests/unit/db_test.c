/* db_test.c - transactions keep their meaning on both backends: a rolled
 * back change is gone, a committed one stays, an empty transaction ends
 * cleanly, a failed first statement leaves the connection usable, and a
 * script run inside a transaction is part of it.  The PostgreSQL backend
 * sends BEGIN together with the first statement, so these are the cases
 * where deferring it could go wrong.  A statement that fails poisons its
 * transaction alike on both: the commit fails and nothing of it stays,
 * unless it ran inside a db_try savepoint; a read that ends its
 * transaction (db_step_last) answers only once the commit has succeeded.
 * Runs on SQLite, and on PostgreSQL as well when PENDOPO_TEST_PG names a
 * server. */
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "testdb.h"

static int64_t rows(struct db_conn *c)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(c, &n, "SELECT count(*) FROM t", ""), DB_ROW);
	return n;
}

static void exercise(struct db *db)
{
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec_script(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"), DB_OK);

	/* rolled back after its first statement */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)1, "a"), DB_DONE);
	db_tx_rollback(c);
	assert_int_equal(rows(c), 0);

	/* committed */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)1, "a"), DB_DONE);
	assert_int_equal(db_changes(c), 1);
	assert_int_equal(db_exec(c, "UPDATE t SET v = ? WHERE id = ?", "si", "b", (int64_t)1), DB_DONE);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_int_equal(rows(c), 1);

	/* nothing in it */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_false(db_in_tx(c));
	assert_int_equal(db_tx_begin(c), DB_OK);
	db_tx_rollback(c);

	/* the first statement fails: rollback, and the connection still works */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)1, "dup"), DB_CONSTRAINT);
	db_tx_rollback(c);
	assert_int_equal(rows(c), 1);
	struct db_stmt *st = db_query(c, "SELECT v FROM t WHERE id = ?", "i", (int64_t)1);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "b");
	db_done(st);

	/* a script as the first statement belongs to the transaction */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec_script(c, "INSERT INTO t (id, v) VALUES (2, 's')"), DB_OK);
	db_tx_rollback(c);
	assert_int_equal(rows(c), 1);

	/* a reading first statement, then a write, committed together */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(rows(c), 1);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)3, "c"), DB_DONE);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_int_equal(rows(c), 2);
	assert_false(db_lost(c));

	/* a statement fails in the middle and the caller carries on as if it
	 * had not: the rest is refused, the commit fails and rolls back, and
	 * nothing of the transaction is stored */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)4, "before"), DB_DONE);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)4, "dup"), DB_CONSTRAINT);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)5, "after"), DB_CONSTRAINT);
	assert_null(db_query(c, "SELECT v FROM t", ""));
	assert_int_equal(db_fault(c), DB_CONSTRAINT);
	assert_int_equal(db_tx_commit(c), DB_CONSTRAINT);
	assert_false(db_in_tx(c));
	assert_true(db_lost(c));
	db_tx_rollback(c);	/* after a failed commit: nothing to do */
	assert_int_equal(rows(c), 2);

	/* a statement allowed to fail, in a try: the transaction goes on */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)6, "kept"), DB_DONE);
	assert_int_equal(db_try_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)7, "tried"), DB_DONE);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)6, "dup"), DB_CONSTRAINT);
	assert_int_equal(db_try_end(c, 1), DB_CONSTRAINT);
	assert_int_equal(db_fault(c), DB_OK);
	assert_int_equal(db_try_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)8, "kept too"), DB_DONE);
	assert_int_equal(db_try_end(c, 1), DB_OK);
	assert_int_equal(db_try_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)9, "dropped"), DB_DONE);
	assert_int_equal(db_try_end(c, 0), DB_OK);
	assert_int_equal(db_tx_commit(c), DB_OK);
	int64_t kept = 0;
	assert_int_equal(db_query_int(c, &kept, "SELECT count(*) FROM t WHERE id IN (6, 8)", ""), DB_ROW);
	assert_int_equal(kept, 2);
	assert_int_equal(rows(c), 4);

	/* the reply's read ends the transaction (db_step_last): its rows are
	 * read after it, and db_tx_commit answers the commit's outcome */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO t (id, v) VALUES (?, ?)", "is", (int64_t)10, "last"), DB_DONE);
	st = db_query(c, "SELECT v FROM t WHERE id >= ? ORDER BY id", "i", (int64_t)8);
	assert_non_null(st);
	assert_int_equal(db_step_last(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "kept too");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "last");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_false(db_in_tx(c));
	assert_int_equal(rows(c), 5);
	db_release(db, c);
}

static void test_sqlite(void **state)
{
	(void)state;
	char path[] = "/tmp/pendopo-db-XXXXXX", err[256];
	close(mkstemp(path));
	struct db *db = db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	exercise(db);
	db_close(db);
	unlink(path);
}

/* Bytes the C library has handed out and not taken back. */
static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

/* A SQLite connection keeps at most about 2 MiB of pages after reading a
 * larger table: a pooled connection's cache outlives the request, and 17
 * of them at 16 MiB grew the soak's RSS with the database. */
static void test_sqlite_cache_bound(void **state)
{
	(void)state;
	/* Under a sanitizer or valgrind the heap is not glibc's to count. */
	void *probe[64];
	size_t before = heap_in_use();
	for (int i = 0; i < 64; i++)
		probe[i] = malloc(16384);
	size_t grew = heap_in_use() - before;
	for (int i = 0; i < 64; i++)
		free(probe[i]);
	if (grew < 1 << 20)
		skip();

	char path[] = "/tmp/pendopo-db-XXXXXX", err[256];
	close(mkstemp(path));
	struct db *db = db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec_script(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)"), DB_OK);
	assert_int_equal(db_tx_begin(c), DB_OK);
	/* 8 MiB of rows */
	for (int i = 0; i < 2048; i++)
		assert_int_equal(db_exec(c, "INSERT INTO t (v) VALUES (randomblob(4000))", ""), DB_DONE);
	assert_int_equal(db_tx_commit(c), DB_OK);
	int64_t total = 0;
	before = heap_in_use();
	assert_int_equal(db_query_int(c, &total, "SELECT sum(length(v)) FROM t", ""), DB_ROW);
	assert_int_equal(total, 2048 * 4000);
	size_t kept = heap_in_use() - before;
	assert_true(kept < 3u << 20);
	db_release(db, c);
	db_close(db);
	unlink(path);
}

/* Writers queued behind each other share one commit on SQLite (a
 * savepoint each): a rollback takes back its own rows only, a failed
 * statement leaves the others' work alone, and every committed row is
 * there at the end. */
struct writer_arg {
	struct db *db;
	int id, committed;
};

/* Eight threads running fn against a scratch SQLite database made with
 * schema (left in *db, its file in path); the commits they were told of. */
static int run_writers(const char *schema, void *(*fn)(void *), char path[], struct db **db)
{
	char err[256];
	close(mkstemp(path));
	*db = db_open(path, 8, err, sizeof(err));
	assert_non_null(*db);
	struct db_conn *c = db_acquire(*db);
	assert_int_equal(db_exec_script(c, schema), DB_OK);
	db_release(*db, c);
	pthread_t th[8];
	struct writer_arg args[8];
	int committed = 0;
	for (int i = 0; i < 8; i++) {
		args[i] = (struct writer_arg){ .db = *db, .id = i + 1 };
		assert_int_equal(pthread_create(&th[i], NULL, fn, &args[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		committed += args[i].committed;
	}
	return committed;
}

static void *writer_thread(void *p)
{
	struct writer_arg *w = p;
	for (int i = 0; i < 200; i++) {
		struct db_conn *c = db_acquire(w->db);
		int64_t key = (int64_t)w->id * 1000 + i;
		if (db_tx_begin(c) != DB_OK) {
			db_release(w->db, c);
			continue;
		}
		int ok = db_exec(c, "INSERT INTO t (id, v) VALUES (?, 'w')", "i", key) == DB_DONE;
		/* every fifth tries a duplicate key: refused, then rolled back */
		if (ok && i % 5 == 4)
			ok = db_exec(c, "INSERT INTO t (id, v) VALUES (?, 'dup')", "i", key) == DB_DONE;
		if (ok && i % 3 == 0) {
			db_tx_rollback(c);
		} else if (ok) {
			if (db_tx_commit(c) == DB_OK)
				w->committed++;
		} else {
			db_tx_rollback(c);
		}
		db_release(w->db, c);
	}
	return NULL;
}

static void test_sqlite_batches(void **state)
{
	(void)state;
	char path[] = "/tmp/pendopo-db-XXXXXX";
	struct db *db;
	int committed = run_writers("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)", writer_thread, path, &db);
	struct db_conn *c = db_acquire(db);
	int64_t n = -1, dups = -1;
	assert_int_equal(db_query_int(c, &n, "SELECT count(*) FROM t", ""), DB_ROW);
	assert_int_equal(db_query_int(c, &dups, "SELECT count(*) FROM t WHERE v <> 'w'", ""), DB_ROW);
	/* per thread: i % 3 == 0 rolled back, i % 5 == 4 refused: 200 - 67 - 27 = 106 */
	assert_int_equal(committed, 8 * 106);
	assert_int_equal(n, committed);
	assert_int_equal(dups, 0);
	db_release(db, c);
	db_close(db);
	unlink(path);
}

/* Each member of a shared commit hears the outcome of the commit that
 * carried its own work.  Some writers leave a row that breaks a deferred
 * foreign key, which only COMMIT checks: the batch that carries it fails
 * whole, the batches around it commit.  Every transaction told DB_OK must
 * be stored and every one told otherwise must not be (the fault under a
 * full disk: members of a failed batch read the next batch's success). */
static void *member_thread(void *p)
{
	struct writer_arg *m = p;
	for (int i = 0; i < 300; i++) {
		struct db_conn *c = db_acquire(m->db);
		int64_t key = (int64_t)m->id * 1000 + i;
		/* Two threads carry the pills, on every third turn: if the threads
		 * run in lockstep (as they do under ASan) the batches of those
		 * turns fail and the others commit. */
		int pill = m->id <= 2 && i % 3 == 0;
		if (db_tx_begin(c) == DB_OK) {
			int ok = db_exec(c, "INSERT INTO t (id, v) VALUES (?, 'w')", "i", key) == DB_DONE;
			if (ok && pill)
				ok = db_exec(c, "INSERT INTO child (parent) VALUES (?)", "i", -key) == DB_DONE;
			if (!ok)
				db_tx_rollback(c);
			else if (db_tx_commit(c) == DB_OK)
				m->committed++;
			else
				assert_true(db_lost(c));
		}
		db_release(m->db, c);
	}
	return NULL;
}

static void test_sqlite_batch_outcomes(void **state)
{
	(void)state;
	char path[] = "/tmp/pendopo-db-XXXXXX";
	struct db *db;
	int acked = run_writers("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
				"CREATE TABLE child (parent INTEGER REFERENCES t (id) DEFERRABLE INITIALLY DEFERRED)",
				member_thread, path, &db);
	struct db_conn *c = db_acquire(db);
	int64_t n = -1, orphans = -1;
	assert_int_equal(db_query_int(c, &n, "SELECT count(*) FROM t", ""), DB_ROW);
	assert_int_equal(db_query_int(c, &orphans, "SELECT count(*) FROM child", ""), DB_ROW);
	assert_int_equal(orphans, 0);
	assert_int_equal(n, acked);
	/* the pills broke some batches, not all of them */
	assert_true(acked > 0);
	assert_true(acked < 8 * 300 - 2 * 100);
	db_release(db, c);
	db_close(db);
	unlink(path);
}

static void test_postgres(void **state)
{
	(void)state;
	struct db *admin;
	struct db *db = testdb_pg("pendopo_db", &admin);
	exercise(db);

	/* A commit that fails after the last read answered (a deferred
	 * unique check): db_step_last fails with it, db_tx_commit too, and
	 * nothing is stored, though the read itself came back fine. */
	struct db_conn *c = db_acquire(db);
	int64_t n = -1;
	assert_int_equal(db_exec_script(c, "CREATE TABLE d (id INTEGER, CONSTRAINT d_once UNIQUE (id)"
					   " DEFERRABLE INITIALLY DEFERRED)"), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO d (id) VALUES (1)", ""), DB_DONE);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO d (id) VALUES (1)", ""), DB_DONE);
	struct db_stmt *st = db_query(c, "SELECT count(*) FROM d", "");
	assert_non_null(st);
	assert_int_equal(db_step_last(st), DB_CONSTRAINT);
	db_done(st);
	assert_int_equal(db_tx_commit(c), DB_CONSTRAINT);
	assert_false(db_in_tx(c));
	assert_int_equal(db_query_int(c, &n, "SELECT count(*) FROM d", ""), DB_ROW);
	assert_int_equal(n, 1);
	db_release(db, c);

	db_close(db);
	db_close(admin);
}

/* A pool connection the server dropped while idle (a restart, here its
 * backend terminated) is replaced when next acquired, not handed out to
 * fail; one lost under a statement fails with DB_GONE. */
static void test_postgres_reconnect(void **state)
{
	(void)state;
	struct db *admin;
	struct db *db = testdb_pg("pendopo_db_re", &admin);
	struct db_conn *c = db_acquire(db), *a = db_acquire(admin);
	int64_t pid = 0, killed = 0, one = 0;
	assert_int_equal(db_query_int(c, &pid, "SELECT pg_backend_pid()", ""), DB_ROW);
	db_release(db, c);
	assert_int_equal(db_query_int(a, &killed, "SELECT pg_terminate_backend(CAST(? AS integer))::int", "i", pid),
			 DB_ROW);
	assert_int_equal(killed, 1);
	usleep(200 * 1000);
	c = db_acquire(db);
	assert_int_equal(db_query_int(c, &one, "SELECT 1", ""), DB_ROW);
	assert_int_equal(one, 1);

	/* lost in the middle of a transaction */
	assert_int_equal(db_query_int(c, &pid, "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_query_int(c, &one, "SELECT 1", ""), DB_ROW);
	assert_int_equal(db_query_int(a, &killed, "SELECT pg_terminate_backend(CAST(? AS integer))::int", "i", pid),
			 DB_ROW);
	usleep(200 * 1000);
	assert_int_equal(db_query_int(c, &one, "SELECT 1", ""), DB_GONE);
	assert_int_equal(db_tx_commit(c), DB_GONE);
	assert_true(db_lost(c));
	db_release(db, c);
	c = db_acquire(db);
	assert_int_equal(db_query_int(c, &one, "SELECT 1", ""), DB_ROW);
	db_release(db, c);
	db_release(admin, a);
	db_close(db);
	db_close(admin);
}

/* Logs name the database, never its password. */
static void test_postgres_url_masked(void **state)
{
	(void)state;
	const char *server = getenv("PENDOPO_TEST_PG");
	char url[512], err[256];
	if (!server || !*server)
		skip();
	const char *at = strstr(server, "://");
	assert_non_null(at);
	/* the throwaway server trusts local users, so any password connects */
	snprintf(url, sizeof(url), "%.*s://postgres:s3cr3t-pw@%s", (int)(at - server), server,
		 strchr(at + 3, '@') ? strchr(at + 3, '@') + 1 : at + 3);
	struct db *db = db_open(url, 1, err, sizeof(err));
	assert_non_null(db);
	assert_null(strstr(db_url(db), "s3cr3t-pw"));
	assert_non_null(strstr(db_url(db), "postgres:***@"));
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_sqlite_cache_bound),
		cmocka_unit_test(test_sqlite_batches),
		cmocka_unit_test(test_sqlite_batch_outcomes),
		cmocka_unit_test(test_postgres),
		cmocka_unit_test(test_postgres_reconnect),
		cmocka_unit_test(test_postgres_url_masked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
