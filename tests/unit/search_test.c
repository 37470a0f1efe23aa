/* search_test.c - words become a safe prefix query; documents are found,
 * replaced and removed.  Runs on SQLite, and on PostgreSQL as well when
 * PENDOPO_TEST_PG names a server (the PostgreSQL pass of `make test`). */
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

#include "arena.h"
#include "db.h"
#include "testdb.h"
#include "migrate.h"
#include "search.h"

static void test_expression(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	assert_string_equal(search_expression(a, DB_SQLITE, "jalan Rusak"), "\"jalan\"* AND \"Rusak\"*");
	assert_string_equal(search_expression(a, DB_POSTGRES, "jalan Rusak"), "'jalan':* & 'rusak':*");
	/* operators and quotes typed by a user are only separators */
	assert_string_equal(search_expression(a, DB_SQLITE, "a\" OR b*) NEAR(c"), "\"a\"* AND \"OR\"* AND \"b\"* AND \"NEAR\"* AND \"c\"*");
	assert_string_equal(search_expression(a, DB_POSTGRES, "x'|!y"), "'x':* & 'y':*");
	assert_null(search_expression(a, DB_SQLITE, " \"*()' "));
	assert_null(search_expression(a, DB_POSTGRES, ""));
	arena_free(a);
}

static void exercise(struct db *db)
{
	const struct module *mods[] = { &search_module };
	assert_int_equal(migrate_run(db, mods, 1, NULL), 0);
	struct db_conn *c = db_acquire(db);
	struct arena *a = arena_new(0);
	int64_t *refs;
	size_t n;

	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(search_index(c, "complaint", 1, "Jalan rusak di Desa Kedungbenda"), 0);
	assert_int_equal(search_index(c, "complaint", 2, "Lampu jalan mati dekat pasar"), 0);
	assert_int_equal(search_index(c, "complaint", 3, "Sampah menumpuk di sungai"), 0);
	assert_int_equal(search_index(c, "dataset", 1, "Jumlah penduduk per desa"), 0);
	assert_int_equal(db_tx_commit(c), DB_OK);

	assert_int_equal(search_query(c, a, "complaint", "jalan", 10, 0, &refs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(search_query(c, a, "complaint", "JAL rusak", 10, 0, &refs, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(refs[0], 1);
	/* kinds do not mix */
	assert_int_equal(search_query(c, a, "complaint", "penduduk", 10, 0, &refs, &n), 0);
	assert_int_equal(n, 0);
	/* replace and remove, each a write transaction of its own */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(search_index(c, "complaint", 3, "Sungai bersih kembali"), 0);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_int_equal(search_query(c, a, "complaint", "sampah", 10, 0, &refs, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(search_remove(c, "complaint", 2), 0);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_int_equal(search_query(c, a, "complaint", "jalan", 10, 0, &refs, &n), 0);
	assert_int_equal(n, 1);
	/* paging */
	assert_int_equal(search_query(c, a, "complaint", "jalan", 10, 1, &refs, &n), 0);
	assert_int_equal(n, 0);
	arena_free(a);
	db_release(db, c);
}

static void test_sqlite(void **state)
{
	(void)state;
	char path[] = "/tmp/pendopo-search-XXXXXX", err[256];
	close(mkstemp(path));
	struct db *db = db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	exercise(db);
	db_close(db);
	unlink(path);
}

static void test_postgres(void **state)
{
	(void)state;
	struct db *admin;
	struct db *db = testdb_pg("pendopo_search", &admin);
	exercise(db);
	db_close(db);
	db_close(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expression),
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
