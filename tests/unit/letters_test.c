/* letters_test.c - letters' numbers, signatures and issuance: number
 * formats and Roman months, 100 issuances in parallel get 100 distinct
 * consecutive numbers (SQLite, and PostgreSQL when PENDOPO_TEST_PG names a
 * server), the sequence restarts at the WIB new year, a signed letter
 * verifies and one changed character does not, an unknown key id is said
 * so, a rotated key keeps old letters verifiable, and the register's
 * verdict follows tampering, revocation and the end of validity. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "http.h"
#include "letters.h"
#include "migrate.h"
#include "orgs.h"
#include "testdb.h"

/* ---- numbers ------------------------------------------------------------------------ */

static const char *number(struct arena *a, const char *format, int64_t seq, int month, const char *unit)
{
	const struct letter_number_parts p = { seq, 2026, month, unit, "Serang" };
	const char *out = NULL, *why = NULL;
	return letter_number_format(a, format, &p, &out, &why) == LETTERS_OK ? out : why;
}

static void formats(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	assert_string_equal(number(a, "000.9.2/{seq:3}/Kesbangpol/{year}", 7, 12, NULL), "000.9.2/007/Kesbangpol/2026");
	assert_string_equal(number(a, "{seq}/{unit}/{roman_month}/{year}", 1234, 4, "Dinkes"), "1234/Dinkes/IV/2026");
	assert_string_equal(number(a, "470/{seq:4}/{village}/{year}", 12, 1, NULL), "470/0012/Serang/2026");
	assert_string_equal(number(a, "{seq:2}", 123, 1, NULL), "123");
	assert_string_equal(number(a, "tanpa-placeholder", 1, 1, NULL), "tanpa-placeholder");
	/* refused, with the reason */
	const char *out, *why;
	const struct letter_number_parts p = { 1, 2026, 1, NULL, NULL };
	assert_int_equal(letter_number_format(a, "{seq}/{unit}", &p, &out, &why), LETTERS_INVALID);
	assert_non_null(strstr(why, "{unit}"));
	assert_int_equal(letter_number_format(a, "{seq}/{bulan}", &p, &out, &why), LETTERS_INVALID);
	assert_int_equal(letter_number_format(a, "{seq/{year}", &p, &out, &why), LETTERS_INVALID);
	assert_int_equal(letter_number_format(a, "{seq}}", &p, &out, &why), LETTERS_INVALID);
	assert_int_equal(letter_number_format(a, "{seq:0}", &p, &out, &why), LETTERS_INVALID);
	assert_int_equal(letter_number_format(a, "", &p, &out, &why), LETTERS_INVALID);
	/* fit for issuing: a sequence, and the year it restarts with */
	assert_int_equal(letter_format_check("000.9.2/{seq:3}/{year}", &why), LETTERS_OK);
	assert_int_equal(letter_format_check("000.9.2/{seq:3}", &why), LETTERS_INVALID);
	assert_non_null(strstr(why, "{year}"));
	assert_int_equal(letter_format_check("000.9.2/{year}", &why), LETTERS_INVALID);
	arena_free(a);
}

static void roman_months(void **state)
{
	(void)state;
	const char *want[] = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII" };
	for (int m = 1; m <= 12; m++)
		assert_string_equal(letter_roman_month(m), want[m - 1]);
	assert_null(letter_roman_month(0));
	assert_null(letter_roman_month(13));
}

/* ---- keys and signatures -------------------------------------------------------------- */

struct keydir {
	char dir[64];
	char path_a[128], path_b[128], pub_a[140];
};

static void keydir_make(struct keydir *k)
{
	snprintf(k->dir, sizeof(k->dir), "/tmp/pendopo-letters-XXXXXX");
	assert_non_null(mkdtemp(k->dir));
	snprintf(k->path_a, sizeof(k->path_a), "%s/a.key", k->dir);
	snprintf(k->path_b, sizeof(k->path_b), "%s/b.key", k->dir);
	snprintf(k->pub_a, sizeof(k->pub_a), "%s/a.key.pub", k->dir);
	char id[LETTER_KEY_ID_LEN + 1], why[256];
	assert_int_equal(letter_keygen(k->path_a, id, why, sizeof(why)), 0);
	assert_int_equal(letter_keygen(k->path_b, id, why, sizeof(why)), 0);
}

static void keydir_remove(struct keydir *k)
{
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", k->dir);
	assert_int_equal(system(cmd), 0);
}

static json_t *sample_content(void)
{
	return json_loads("{\"kind\":\"research_permit\",\"number\":\"000.9.2/001/Kesbangpol/2026\","
			  "\"holder\":{\"name\":\"Siti Nur’aini\"},\"subject\":\"Surat Keterangan Penelitian\"}", 0, NULL);
}

static void sign_and_verify(void **state)
{
	(void)state;
	struct keydir kd;
	keydir_make(&kd);
	char why[256];
	struct letter_keys *k = letter_keys_load(kd.path_a, NULL, why, sizeof(why));
	assert_non_null(k);
	struct arena *a = arena_new(4096);
	json_t *content = sample_content();
	const char *sig, *id;
	assert_int_equal(letter_sign(a, k, content, &sig, &id), LETTERS_OK);
	assert_int_equal(strlen(id), LETTER_KEY_ID_LEN);
	assert_int_equal(letter_verify(k, content, sig, id), LETTER_CHECK_VALID);
	/* the canonical text is sorted and compact, whatever order it came in */
	assert_string_equal(letter_canonical(a, content),
			    "{\"holder\":{\"name\":\"Siti Nur’aini\"},\"kind\":\"research_permit\","
			    "\"number\":\"000.9.2/001/Kesbangpol/2026\",\"subject\":\"Surat Keterangan Penelitian\"}");
	/* one changed character */
	json_t *changed = sample_content();
	json_object_set_new(json_object_get(changed, "holder"), "name", json_string("Sita Nur’aini"));
	assert_int_equal(letter_verify(k, changed, sig, id), LETTER_CHECK_CHANGED);
	/* a changed signature, and one that is not base64 */
	char *bad = arena_strdup(a, sig);
	bad[3] = bad[3] == 'A' ? 'B' : 'A';
	assert_int_equal(letter_verify(k, content, bad, id), LETTER_CHECK_CHANGED);
	assert_int_equal(letter_verify(k, content, "not base64!", id), LETTER_CHECK_CHANGED);
	/* a key id nobody loaded */
	assert_int_equal(letter_verify(k, content, sig, "0123456789abcdef"), LETTER_CHECK_UNKNOWN_KEY);
	/* the private key readable by others is refused */
	assert_int_equal(chmod(kd.path_a, 0640), 0);
	assert_null(letter_keys_load(kd.path_a, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "chmod 600"));
	/* keygen never overwrites */
	char newid[LETTER_KEY_ID_LEN + 1];
	assert_int_equal(letter_keygen(kd.path_b, newid, why, sizeof(why)), -1);
	json_decref(content);
	json_decref(changed);
	letter_keys_free(k);
	arena_free(a);
	keydir_remove(&kd);
}

static void rotation(void **state)
{
	(void)state;
	struct keydir kd;
	keydir_make(&kd);
	char why[256];
	struct arena *a = arena_new(4096);
	json_t *content = sample_content();
	struct letter_keys *old = letter_keys_load(kd.path_a, NULL, why, sizeof(why));
	const char *sig_a, *id_a, *sig_b, *id_b;
	assert_int_equal(letter_sign(a, old, content, &sig_a, &id_a), LETTERS_OK);
	/* after the rotation: b signs, a's public key still checks a's letters */
	struct letter_keys *now = letter_keys_load(kd.path_b, kd.pub_a, why, sizeof(why));
	assert_non_null(now);
	assert_int_equal(letter_sign(a, now, content, &sig_b, &id_b), LETTERS_OK);
	assert_string_not_equal(id_a, id_b);
	assert_string_equal(letter_keys_signing_id(now), id_b);
	assert_int_equal(letter_verify(now, content, sig_a, id_a), LETTER_CHECK_VALID);
	assert_int_equal(letter_verify(now, content, sig_b, id_b), LETTER_CHECK_VALID);
	/* the public key list names both, the signing one first */
	json_t *keys = letter_keys_json(now);
	assert_int_equal(json_array_size(keys), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(keys, 0), "key_id")), id_b);
	assert_true(json_is_true(json_object_get(json_array_get(keys, 0), "current")));
	assert_true(json_is_false(json_object_get(json_array_get(keys, 1), "current")));
	json_decref(keys);
	/* without a's public key, a's letters name an unknown key */
	struct letter_keys *forgot = letter_keys_load(kd.path_b, NULL, why, sizeof(why));
	assert_int_equal(letter_verify(forgot, content, sig_a, id_a), LETTER_CHECK_UNKNOWN_KEY);
	/* a verifier holding only a.key.pub checks but cannot sign */
	assert_int_equal(unlink(kd.path_a), 0);
	struct letter_keys *pub = letter_keys_load(kd.path_a, NULL, why, sizeof(why));
	assert_non_null(pub);
	assert_null(letter_keys_signing_id(pub));
	assert_int_equal(letter_verify(pub, content, sig_a, id_a), LETTER_CHECK_VALID);
	assert_int_equal(letter_sign(a, pub, content, &sig_a, &id_a), LETTERS_NO_KEY);
	letter_keys_free(old);
	letter_keys_free(now);
	letter_keys_free(forgot);
	letter_keys_free(pub);
	json_decref(content);
	arena_free(a);
	keydir_remove(&kd);
}

/* ---- issuing ---------------------------------------------------------------------------- */

struct fixture {
	struct keydir kd;
	struct app app;
	struct db *db, *admin;
	char sqlite_path[96];
	int64_t unit_id;
};

static void fixture_open(struct fixture *f, struct db *db)
{
	keydir_make(&f->kd);
	char why[256];
	f->db = db;
	f->app.db = db;
	f->app.cfg.data_dir = f->kd.dir;
	f->app.cfg.base_url = "https://pendopo.example.id";
	f->app.cfg.letterhead = "PEMERINTAH KABUPATEN PURBALINGGA";
	f->app.cfg.letterhead_address = "Purbalingga";
	f->app.letter_keys = letter_keys_load(f->kd.path_a, NULL, why, sizeof(why));
	assert_non_null(f->app.letter_keys);
	const struct module *mods[] = { &audit_module, &orgs_module, &auth_module, &letters_module };
	assert_int_equal(migrate_run(db, mods, 4, NULL), 0);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_query_int(c, &f->unit_id,
				      "INSERT INTO org_units (code, name, kind, created_at, updated_at) VALUES"
				      " ('KESBANGPOL', 'Badan Kesbangpol', 'agency', '2026-01-01', '2026-01-01') RETURNING id",
				      ""), DB_ROW);
	assert_int_equal(db_tx_commit(c), DB_OK);
	db_release(db, c);
}

static void fixture_sqlite(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->sqlite_path, sizeof(f->sqlite_path), "/tmp/pendopo-letters-%d.db", (int)getpid());
	char err[256];
	unlink(f->sqlite_path);
	struct db *db = db_open(f->sqlite_path, 16, err, sizeof(err));
	assert_non_null(db);
	fixture_open(f, db);
}

static void fixture_close(struct fixture *f)
{
	db_close(f->db);
	if (f->admin)
		db_close(f->admin);
	if (f->sqlite_path[0]) {
		char p[128];
		unlink(f->sqlite_path);
		snprintf(p, sizeof(p), "%s-wal", f->sqlite_path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", f->sqlite_path);
		unlink(p);
	}
	letter_keys_free(f->app.letter_keys);
	keydir_remove(&f->kd);
}

/* A letter of the fixture's unit at t; LETTERS_OK and its number. */
static int issue(struct fixture *f, struct db_conn *c, struct arena *a, time_t t, const char *until,
		 struct letter *l)
{
	json_t *holder = json_pack("{s:s}", "name", "Siti Nur’aini");
	const struct letter_request q = {
		.kind = "research_permit", .format = "000.9.2/{seq:3}/Kesbangpol/{roman_month}/{year}",
		.issuer = "KESBANGPOL", .unit_id = f->unit_id, .issuer_name = "Badan Kesbangpol",
		.subject = "Surat Keterangan Penelitian", .holder = holder, .valid_until = until, .issued_at = t,
	};
	const char *why;
	int rc = db_tx_begin(c);
	if (rc == DB_OK)
		rc = letter_issue(&f->app, c, a, &q, l, &why);
	if (rc == LETTERS_OK)
		rc = db_tx_commit(c) == DB_OK ? LETTERS_OK : LETTERS_DB;
	else
		db_tx_rollback(c);
	json_decref(holder);
	return rc;
}

#define PARALLEL 100
#define T_2026_06 1780000000	/* 2026-05-28, WIB */

struct worker {
	struct fixture *f;
	int rc;
};

static void *issue_one(void *arg)
{
	struct worker *w = arg;
	struct arena *a = arena_new(8192);
	struct db_conn *c = db_acquire(w->f->db);
	struct letter l;
	w->rc = issue(w->f, c, a, T_2026_06, NULL, &l);
	db_release(w->f->db, c);
	arena_free(a);
	return NULL;
}

static void parallel_numbers(struct fixture *f)
{
	pthread_t th[PARALLEL];
	struct worker w[PARALLEL];
	for (int i = 0; i < PARALLEL; i++) {
		w[i] = (struct worker){ f, -100 };
		assert_int_equal(pthread_create(&th[i], NULL, issue_one, &w[i]), 0);
	}
	for (int i = 0; i < PARALLEL; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].rc, LETTERS_OK);
	}
	/* 001 .. 100, each once */
	struct db_conn *c = db_acquire(f->db);
	int seen[PARALLEL + 1] = { 0 };
	struct db_stmt *st = db_query(c, "SELECT number FROM letters WHERE issuer = 'KESBANGPOL'", "");
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int seq = 0;
		assert_int_equal(sscanf(db_col_text(st, 0), "000.9.2/%d/Kesbangpol/V/2026", &seq), 1);
		assert_true(seq >= 1 && seq <= PARALLEL);
		assert_int_equal(seen[seq]++, 0);
		n++;
	}
	assert_int_equal(rc, DB_DONE);
	db_done(st);
	assert_int_equal(n, PARALLEL);
	int64_t counter;
	assert_int_equal(db_query_int(c, &counter, "SELECT n FROM letter_counters WHERE issuer = 'KESBANGPOL'", ""),
			 DB_ROW);
	assert_int_equal(counter, PARALLEL);
	db_release(f->db, c);
}

static void year_restarts(struct fixture *f)
{
	struct arena *a = arena_new(8192);
	struct db_conn *c = db_acquire(f->db);
	struct letter l;
	/* 2026 goes on from the 100 of May; at 2026-12-31 23:59:59 WIB, then
	 * 2027-01-01 00:00:00 WIB (17:00 UTC) it starts again */
	assert_int_equal(issue(f, c, a, 1798736399, NULL, &l), LETTERS_OK);
	assert_string_equal(l.number, "000.9.2/101/Kesbangpol/XII/2026");
	assert_int_equal(issue(f, c, a, 1798736399, NULL, &l), LETTERS_OK);
	assert_string_equal(l.number, "000.9.2/102/Kesbangpol/XII/2026");
	assert_int_equal(issue(f, c, a, 1798736400, NULL, &l), LETTERS_OK);
	assert_string_equal(l.number, "000.9.2/001/Kesbangpol/I/2027");
	/* a transaction that rolls back gives its number back */
	json_t *holder = json_pack("{s:s}", "name", "Batal");
	const struct letter_request q = {
		.kind = "research_permit", .format = "000.9.2/{seq:3}/Kesbangpol/{roman_month}/{year}",
		.issuer = "KESBANGPOL", .unit_id = f->unit_id, .issuer_name = "Badan Kesbangpol",
		.subject = "Surat", .holder = holder, .issued_at = 1798736400,
	};
	const char *why;
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(letter_issue(&f->app, c, a, &q, &l, &why), LETTERS_OK);
	assert_string_equal(l.number, "000.9.2/002/Kesbangpol/I/2027");
	db_tx_rollback(c);
	json_decref(holder);
	assert_int_equal(issue(f, c, a, 1798736400, NULL, &l), LETTERS_OK);
	assert_string_equal(l.number, "000.9.2/002/Kesbangpol/I/2027");
	db_release(f->db, c);
	arena_free(a);
}

static const char *status_of(struct fixture *f, struct db_conn *c, struct arena *a, const char *token,
			     const char *today)
{
	struct letter l;
	assert_int_equal(letter_read(&f->app, c, a, token, &l), LETTERS_OK);
	json_t *v = json_loads(letter_verification(&f->app, a, &l, today), 0, NULL);
	const char *s = arena_strdup(a, json_string_value(json_object_get(v, "status")));
	json_decref(v);
	return s;
}

static void register_verdicts(struct fixture *f)
{
	struct arena *a = arena_new(8192);
	struct db_conn *c = db_acquire(f->db);
	struct letter l;
	assert_int_equal(issue(f, c, a, T_2026_06, "2026-12-31", &l), LETTERS_OK);
	assert_int_equal(strlen(l.token), 22);
	assert_string_equal(l.url, arena_printf(a, "https://pendopo.example.id/v/%s", l.token));
	assert_int_equal(strncmp(l.qr, l.url, strlen(l.url)), 0);
	assert_string_equal(status_of(f, c, a, l.token, "2026-12-31"), "valid");
	assert_string_equal(status_of(f, c, a, l.token, "2027-01-01"), "expired");
	/* the stored content altered behind the code's back */
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(db_exec(c, "UPDATE letters SET content = replace(content, 'Siti', 'Sita') WHERE token = ?", "s",
				 l.token), DB_DONE);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_string_equal(status_of(f, c, a, l.token, "2026-12-31"), "changed");
	/* revoked, once, with its reason audited */
	struct letter m;
	assert_int_equal(issue(f, c, a, T_2026_06, NULL, &m), LETTERS_OK);
	const struct caller officer = { .user_id = 0, .name = "test" };
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(letter_revoke(&f->app, c, a, &officer, m.token, "salah alamat"), LETTERS_OK);
	assert_int_equal(db_tx_commit(c), DB_OK);
	assert_string_equal(status_of(f, c, a, m.token, "2026-06-01"), "revoked");
	assert_int_equal(db_tx_begin(c), DB_OK);
	assert_int_equal(letter_revoke(&f->app, c, a, &officer, m.token, "lagi"), LETTERS_REVOKED);
	db_tx_rollback(c);
	int64_t audited;
	assert_int_equal(db_query_int(c, &audited, "SELECT count(*) FROM audit WHERE action = 'letter.revoke'", ""),
			 DB_ROW);
	assert_int_equal(audited, 1);
	assert_int_equal(letter_read(&f->app, c, a, "no-such-token-at-all", &m), LETTERS_NOT_FOUND);
	db_release(f->db, c);
	arena_free(a);
}

/* A request the issuer must refuse before it takes a number. */
static void refused(struct fixture *f)
{
	struct arena *a = arena_new(8192);
	struct db_conn *c = db_acquire(f->db);
	json_t *holder = json_pack("{s:s}", "name", "X");
	struct letter_request q = {
		.kind = "k", .format = "{seq}/{year}", .issuer = "KESBANGPOL", .unit_id = f->unit_id,
		.issuer_name = "B", .subject = "S", .holder = holder, .valid_from = "2026-02-30",
	};
	struct letter l;
	const char *why;
	assert_int_equal(letter_issue(&f->app, c, a, &q, &l, &why), LETTERS_INVALID);
	q.valid_from = "2026-03-01";
	q.valid_until = "2026-02-01";
	assert_int_equal(letter_issue(&f->app, c, a, &q, &l, &why), LETTERS_INVALID);
	q.valid_until = NULL;
	q.village = "33.03.01.2001";
	assert_int_equal(letter_issue(&f->app, c, a, &q, &l, &why), LETTERS_INVALID);
	q.village = NULL;
	q.format = "{seq}";
	assert_int_equal(letter_issue(&f->app, c, a, &q, &l, &why), LETTERS_INVALID);
	q.format = "{seq}/{unit}/{year}";
	assert_int_equal(letter_issue(&f->app, c, a, &q, &l, &why), LETTERS_INVALID);
	assert_non_null(strstr(why, "{unit}"));
	int64_t counters;
	assert_int_equal(db_query_int(c, &counters, "SELECT count(*) FROM letter_counters WHERE sequence = 'k'", ""),
			 DB_ROW);
	assert_int_equal(counters, 0);
	json_decref(holder);
	db_release(f->db, c);
	arena_free(a);
}

static void issuing_sqlite(void **state)
{
	(void)state;
	struct fixture f;
	fixture_sqlite(&f);
	parallel_numbers(&f);
	year_restarts(&f);
	register_verdicts(&f);
	refused(&f);
	fixture_close(&f);
}

static void issuing_postgres(void **state)
{
	(void)state;
	struct fixture f;
	memset(&f, 0, sizeof(f));
	struct db *db = testdb_pg_pool("pendopo_letters", 16, &f.admin);
	fixture_open(&f, db);
	parallel_numbers(&f);
	year_restarts(&f);
	register_verdicts(&f);
	refused(&f);
	fixture_close(&f);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats),
		cmocka_unit_test(roman_months),
		cmocka_unit_test(sign_and_verify),
		cmocka_unit_test(rotation),
		cmocka_unit_test(issuing_sqlite),
		cmocka_unit_test(issuing_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
