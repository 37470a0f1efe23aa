/* audit_test.c - the hash chain detects an edited row and a deleted row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "migrate.h"

struct fixture {
	char path[64];
	struct db *db;
	struct db_conn *c;
};


/* A forger's edit, straight into the table (in a write transaction, as
 * every write must be). */
static void tamper(struct db_conn *c, const char *sql)
{
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, sql, ""), DB_DONE);
	assert_int_equal(db_tx_commit(c), DB_OK);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	snprintf(f->path, sizeof(f->path), "/tmp/pendopo-audit-XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	f->db = db_open(f->path, 1, err, sizeof(err));
	assert_non_null(f->db);
	const struct module *mods[] = { &audit_module };
	assert_int_equal(migrate_run(f->db, mods, 1, NULL), 0);
	f->c = db_acquire(f->db);
	struct caller who = { .user_id = 7 };
	for (int i = 0; i < 5; i++) {
		json_t *d = json_pack("{s:i}", "n", i);
		assert_int_equal(db_tx_begin(f->c), DB_OK);
		assert_int_equal(audit_append(f->c, &who, "thing.update", "thing:1", d), 0);
		assert_int_equal(db_tx_commit(f->c), DB_OK);
		json_decref(d);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_release(f->db, f->c);
	db_close(f->db);
	char wal[80];
	unlink(f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

static void test_intact(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, head), 0);
	assert_int_equal(rows, 5);
	assert_int_equal(strlen(head), 64);
}

static void test_edited_row(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	tamper(f->c, "UPDATE audit SET details = '{\"n\":99}' WHERE id = 3");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, head), 1);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(why, "altered"));
}

static void test_deleted_row(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	tamper(f->c, "DELETE FROM audit WHERE id = 2");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, head), 1);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(why, "missing"));
}

static void test_rehashed_forgery_breaks_next_link(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	/* A forger who also replaces the row's hash still breaks the link
	 * stored in the following row. */
	tamper(f->c, "UPDATE audit SET hash = 'ff' WHERE id = 4");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, head), 1);
	assert_int_equal(bad, 4);
}

static void test_truncated_end(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	tamper(f->c, "DELETE FROM audit WHERE id >= 4");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, head), 1);
	assert_int_equal(bad, 4);
	assert_non_null(strstr(why, "removed from the end"));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rehashed_forgery_breaks_next_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_end, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
