/* audit_test.c - the hash chain detects an edited row and a deleted row;
 * on PostgreSQL (when PENDOPO_TEST_PG names a server) rows appended by
 * concurrent transactions are all sealed, in an order that verifies, a row
 * whose transaction is still open holds back the seal of every later one,
 * rows committed after the last seal are reported unsealed (not as
 * tampering), and sealed rows edited, removed or reordered are caught. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "migrate.h"
#include "testdb.h"

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
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, &unsealed, head), 0);
	assert_int_equal(rows, 5);
	assert_int_equal(strlen(head), 64);
}

static void test_edited_row(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	tamper(f->c, "UPDATE audit SET details = '{\"n\":99}' WHERE id = 3");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, &unsealed, head), 1);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(why, "altered"));
}

static void test_deleted_row(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	tamper(f->c, "DELETE FROM audit WHERE id = 2");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, &unsealed, head), 1);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(why, "missing"));
}

static void test_rehashed_forgery_breaks_next_link(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	/* A forger who also replaces the row's hash still breaks the link
	 * stored in the following row. */
	tamper(f->c, "UPDATE audit SET hash = 'ff' WHERE id = 4");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, &unsealed, head), 1);
	assert_int_equal(bad, 4);
}

static void test_truncated_end(void **state)
{
	struct fixture *f = *state;
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	tamper(f->c, "DELETE FROM audit WHERE id >= 4");
	assert_int_equal(audit_verify(f->c, &bad, why, sizeof(why), &rows, &unsealed, head), 1);
	assert_int_equal(bad, 4);
	assert_non_null(strstr(why, "removed from the end"));
}

/* ---- PostgreSQL: unchained appends and the sealer -------------------------------- */

#define WRITERS 4
#define APPENDS 40

struct pg_fixture {
	struct db *admin, *db;
};

static void pg_open(struct pg_fixture *f)
{
	f->db = testdb_pg_pool("pendopo_audit", WRITERS + 2, &f->admin);
	const struct module *mods[] = { &audit_module };
	assert_int_equal(migrate_run(f->db, mods, 1, NULL), 0);
}

static void pg_close(struct pg_fixture *f)
{
	db_close(f->db);
	db_close(f->admin);
}

static void append_one(struct db_conn *c, int n)
{
	struct caller who = { .user_id = 9 };
	json_t *d = json_pack("{s:i}", "n", n);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(audit_append(c, &who, "thing.update", "thing:2", d), 0);
	assert_int_equal(db_tx_commit(c), DB_OK);
	json_decref(d);
}

struct writer {
	struct db *db;
	int id;
	int failed;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct db_conn *c = db_acquire(w->db);
	struct caller who = { .user_id = 10 + w->id };
	for (int i = 0; i < APPENDS && !w->failed; i++) {
		json_t *d = json_pack("{s:i,s:i}", "w", w->id, "i", i);
		w->failed = db_tx_begin(c) != DB_OK || audit_append(c, &who, "thing.update", "thing:3", d) != 0 ||
			    db_tx_commit(c) != DB_OK;
		json_decref(d);
	}
	db_release(w->db, c);
	return NULL;
}

static void verify_ok(struct db_conn *c, int64_t want_rows, int64_t want_unsealed)
{
	int64_t bad = 0, rows = 0, unsealed = -1;
	char why[256] = "", head[65];
	int rc = audit_verify(c, &bad, why, sizeof(why), &rows, &unsealed, head);
	if (rc != 0)
		fail_msg("verify: %d at %lld: %s", rc, (long long)bad, why);
	assert_int_equal(rows, want_rows);
	assert_int_equal(unsealed, want_unsealed);
}

/* Writers on four connections while the sealer runs beside them: every
 * row ends up in one chain that verifies. */
static void pg_concurrent_appends_all_sealed(void **state)
{
	(void)state;
	struct pg_fixture f;
	pg_open(&f);
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .db = f.db, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	struct db_conn *c = db_acquire(f.db);
	int64_t n, sealed = 0;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(audit_seal(c, &n), 0);
		sealed += n;
		usleep(2000);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		assert_false(w[i].failed);
	}
	assert_int_equal(audit_seal(c, &n), 0);
	sealed += n;
	assert_int_equal(sealed, WRITERS * APPENDS);
	verify_ok(c, WRITERS * APPENDS, 0);
	int64_t count;
	double oldest;
	assert_int_equal(audit_unsealed(c, &count, &oldest), 0);
	assert_int_equal(count, 0);
	db_release(f.db, c);
	pg_close(&f);
}

/* A transaction still open when the sealer runs holds back its own row and
 * every row committed after it began writing: the sealer cannot know yet
 * where the open one's row belongs.  Verification meanwhile reports the
 * committed ones as unsealed, and the chain as intact.  A service's
 * transaction begins writing with its change (here pg_current_xact_id()
 * takes the transaction id a change would); its audit row itself is sent
 * with the COMMIT (db_exec_queued). */
static void pg_open_transaction_holds_the_seal(void **state)
{
	(void)state;
	struct pg_fixture f;
	pg_open(&f);
	struct db_conn *a = db_acquire(f.db), *b = db_acquire(f.db), *c = db_acquire(f.db);
	int64_t n;
	append_one(c, 1);
	assert_int_equal(audit_seal(c, &n), 0);
	assert_int_equal(n, 1);

	struct caller who = { .user_id = 11 };
	assert_int_equal(db_tx_begin(a), DB_OK);
	int64_t xid;
	assert_int_equal(db_query_int(a, &xid, "SELECT pg_current_xact_id()::text::bigint", ""), DB_ROW);
	assert_int_equal(audit_append(a, &who, "slow.update", "thing:4", NULL), 0);
	append_one(b, 2);
	assert_int_equal(audit_seal(c, &n), 0);
	assert_int_equal(n, 0);
	verify_ok(c, 1, 1);

	assert_int_equal(db_tx_commit(a), DB_OK);
	verify_ok(c, 1, 2);
	assert_int_equal(audit_seal(c, &n), 0);
	assert_int_equal(n, 2);
	verify_ok(c, 3, 0);
	/* In the order of the transactions' start: the open one first. */
	int64_t first = 0;
	assert_int_equal(db_query_int(c, &first, "SELECT seal FROM audit WHERE action = 'slow.update'", ""), DB_ROW);
	assert_int_equal(first, 2);
	db_release(f.db, a);
	db_release(f.db, b);
	db_release(f.db, c);
	pg_close(&f);
}

static void pg_tampering_caught(struct pg_fixture *f, const char *sql, const char *reason)
{
	struct db_conn *c = db_acquire(f->db);
	for (int i = 0; i < 5; i++)
		append_one(c, i);
	int64_t n;
	assert_int_equal(audit_seal(c, &n), 0);
	assert_int_equal(n, 5);
	verify_ok(c, 5, 0);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec_script(c, sql), DB_OK);
	assert_int_equal(db_tx_commit(c), DB_OK);
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	assert_int_equal(audit_verify(c, &bad, why, sizeof(why), &rows, &unsealed, head), 1);
	if (!strstr(why, reason))
		fail_msg("expected \"%s\" in: %s", reason, why);
	db_release(f->db, c);
}

static void pg_sealed_rows_edited_removed_reordered(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "UPDATE audit SET details = '{\"n\":99}' WHERE seal = 3", "altered" },
		{ "DELETE FROM audit WHERE seal = 2", "missing" },
		{ "UPDATE audit SET seal = -seal WHERE seal IN (2, 3);"
		  "UPDATE audit SET seal = CASE seal WHEN -2 THEN 3 ELSE 2 END WHERE seal < 0", "link" },
		{ "DELETE FROM audit WHERE seal >= 4", "removed from the end" },
		/* Unsealing the last row to hide it from verification. */
		{ "UPDATE audit SET seal = NULL WHERE seal = 5", "removed from the end" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pg_fixture f;
		pg_open(&f);
		pg_tampering_caught(&f, cases[i][0], cases[i][1]);
		pg_close(&f);
	}
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
		cmocka_unit_test(pg_concurrent_appends_all_sealed),
		cmocka_unit_test(pg_open_transaction_holds_the_seal),
		cmocka_unit_test(pg_sealed_rows_edited_removed_reordered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
