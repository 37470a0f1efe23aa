/* db_test.c - transactions keep their meaning on both backends: a rolled
 * back change is gone, a committed one stays, an empty transaction ends
 * cleanly, a failed first statement leaves the connection usable, and a
 * script run inside a transaction is part of it.  The PostgreSQL backend
 * sends BEGIN together with the first statement, so these are the cases
 * where deferring it could go wrong.  Runs on SQLite, and on PostgreSQL as
 * well when PENDOPO_TEST_PG names a server. */
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

/* Writers queued behind each other share one commit on SQLite (a
 * savepoint each): a rollback takes back its own rows only, a failed
 * statement leaves the others' work alone, and every committed row is
 * there at the end. */
struct writer_arg {
	struct db *db;
	int id, committed;
};

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
	char path[] = "/tmp/pendopo-db-XXXXXX", err[256];
	close(mkstemp(path));
	struct db *db = db_open(path, 8, err, sizeof(err));
	assert_non_null(db);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec_script(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"), DB_OK);
	db_release(db, c);
	pthread_t th[8];
	struct writer_arg args[8];
	int committed = 0;
	for (int i = 0; i < 8; i++) {
		args[i] = (struct writer_arg){ .db = db, .id = i + 1 };
		assert_int_equal(pthread_create(&th[i], NULL, writer_thread, &args[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		committed += args[i].committed;
	}
	c = db_acquire(db);
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

static void test_postgres(void **state)
{
	(void)state;
	struct db *admin;
	struct db *db = testdb_pg("pendopo_db", &admin);
	exercise(db);
	db_close(db);
	db_close(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_sqlite_batches),
		cmocka_unit_test(test_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
