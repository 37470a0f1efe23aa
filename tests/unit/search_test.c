/* search_test.c - words become a safe query that finds what it should in
 * an index built as search.h says.  Runs on SQLite, and on PostgreSQL when
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
#include "search.h"

static void test_expression(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	/* all words required, the last as a prefix: typed while searching */
	assert_string_equal(search_expression(a, DB_SQLITE, "jalan Rusak"), "\"jalan\" \"Rusak\"*");
	assert_string_equal(search_expression(a, DB_POSTGRES, "jalan Rusak"), "'jalan' & 'rusak':*");
	/* a last word shorter than the indexed prefixes is matched whole */
	assert_string_equal(search_expression(a, DB_SQLITE, "lampu di"), "\"lampu\" \"di\"");
	/* trailing punctuation does not stop the last word being a prefix */
	assert_string_equal(search_expression(a, DB_POSTGRES, "sampah sungai?!"), "'sampah' & 'sungai':*");
	/* operators and quotes typed by a user are only separators */
	assert_string_equal(search_expression(a, DB_SQLITE, "a\" OR b*) NEAR(cde"),
			    "\"a\" \"OR\" \"b\" \"NEAR\" \"cde\"*");
	assert_string_equal(search_expression(a, DB_POSTGRES, "x'|!yz"), "'x' & 'yz'");
	/* UTF-8 stays whole inside a word */
	assert_string_equal(search_expression(a, DB_SQLITE, "caf\xc3\xa9"), "\"caf\xc3\xa9\"*");
	/* at most 8 words */
	assert_string_equal(search_expression(a, DB_SQLITE, "a b c d e f g h i j"),
			    "\"a\" \"b\" \"c\" \"d\" \"e\" \"f\" \"g\" \"h\"");
	assert_null(search_expression(a, DB_SQLITE, " \"*()' "));
	assert_null(search_expression(a, DB_POSTGRES, ""));
	arena_free(a);
}

/* A service's index as search.h describes it, on each backend. */
static const char *const index_sql[] = {
	[DB_SQLITE] = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
		      "CREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id',"
		      " tokenize='unicode61 remove_diacritics 2', prefix='3', columnsize=0);"
		      "CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN"
		      " INSERT INTO notes_fts (rowid, body) VALUES (new.id, new.body); END;",
	[DB_POSTGRES] = "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL,"
			" search tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED);"
			"CREATE INDEX notes_search ON notes USING GIN (search);",
};

static const char *const match_sql[] = {
	[DB_SQLITE] = "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?",
	[DB_POSTGRES] = "SELECT count(*) FROM notes WHERE search @@ to_tsquery('simple', ?)",
};

static int64_t matches(struct db_conn *c, struct arena *a, const char *query)
{
	enum db_dialect d = db_conn_dialect(c);
	int64_t n = -1;
	assert_int_equal(db_query_int(c, &n, match_sql[d], "s", search_expression(a, d, query)), DB_ROW);
	return n;
}

static void exercise(struct db *db)
{
	struct db_conn *c = db_acquire(db);
	struct arena *a = arena_new(0);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec_script(c, index_sql[db_conn_dialect(c)]), DB_OK);
	assert_int_equal(db_exec(c, "INSERT INTO notes (id, body) VALUES (1, ?), (2, ?), (3, ?)", "sss",
				 "Jalan rusak di Desa Kedungbenda", "Lampu jalan mati dekat pasar",
				 "Sampah menumpuk di sungai"), DB_DONE);
	assert_int_equal(db_tx_commit(c), DB_OK);

	assert_int_equal(matches(c, a, "jalan"), 2);
	assert_int_equal(matches(c, a, "JALAN rus"), 1);	/* case ignored, last word a prefix */
	assert_int_equal(matches(c, a, "rus jalan"), 0);	/* only the last word is a prefix */
	assert_int_equal(matches(c, a, "jalan sungai"), 0);	/* every word must appear */
	assert_int_equal(matches(c, a, "sampah\" OR \"jalan"), 0);	/* no operator gets through */
	assert_int_equal(matches(c, a, "sampah) OR (jalan"), 0);
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
