/* audit.c - the hash-chained audit trail.
 *
 * hash = SHA-256(prev_hash "\n" seal "\n" at "\n" actor "\n" action "\n"
 * object "\n" details), where seal is the row's place in the chain (1, 2,
 * ...).  The place is inside the hash, so removing or reordering rows
 * breaks the next row's link, and editing any column breaks its own hash.
 *
 * SQLite has one writer: a row is chained as it is appended (seal = id).
 * PostgreSQL has many writers, and a chain head locked by each of them
 * would make every write of the cluster wait for the one before it.  There
 * a row is inserted unchained, stamped with its transaction's id (xact),
 * and a sealer - one at a time in the cluster, by advisory lock - chains
 * every few hundred milliseconds the rows whose transactions are certainly
 * over: those below the xmin of a fresh snapshot, which nothing still
 * running can precede.  It chains them in (xact, id) order, and every row
 * it will ever seal later has an xact at or above that xmin, so the order
 * is fixed once given.
 */
#include "audit.h"
#include "arena.h"
#include "cli.h"
#include "http.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
static const char genesis[] = GENESIS;

/* The sealers of all instances take this advisory lock; whoever does not
 * get it leaves the round to the one who did. */
#define SEAL_LOCK_KEY 0x70656e646f706f01LL
/* Rows chained per transaction: a backlog is sealed in several. */
#define SEAL_BATCH 2000

static void row_hash(const char *prev, int64_t seal, const char *at, const char *actor,
		     const char *action, const char *object, const char *details, char out[65])
{
	crypto_hash_sha256_state st;
	char sealbuf[24];
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *parts[] = { prev, sealbuf, at, actor, action, object, details ? details : "" };

	snprintf(sealbuf, sizeof(sealbuf), "%" PRId64, seal);
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (i)
			crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[i], strlen(parts[i]));
	}
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void actor_label(const struct caller *c, char out[64])
{
	if (!c)
		snprintf(out, 64, "system");
	else if (c->user_id)
		snprintf(out, 64, "user:%" PRId64, c->user_id);
	else if (c->apikey_id)
		snprintf(out, 64, "apikey:%" PRId64, c->apikey_id);
	else
		snprintf(out, 64, "%s", c->name ? c->name : "anonymous");
}

/* The chain's head: the last sealed place and its hash.  DB_ROW or < 0. */
static int head_read(struct db_conn *c, int64_t *seal, char hash[65])
{
	struct db_stmt *st = db_query(c, "SELECT last_id, last_hash FROM audit_head WHERE one = 1", "");
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*seal = db_col_int(st, 0);
		snprintf(hash, 65, "%s", db_col_text(st, 1));
	}
	db_done(st);
	return rc == DB_DONE ? DB_ERROR : rc;	/* the head row is made by the migration */
}

#define HEAD_UPDATE "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE one = 1"

int audit_append(struct db_conn *c, const struct caller *actor, const char *action,
		 const char *object, json_t *details)
{
	char at[24], actor_s[64];
	char *d = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;
	time_iso_now(at);
	actor_label(actor, actor_s);
	if (db_conn_dialect(c) == DB_POSTGRES) {
		/* Unchained: the sealer chains it once its transaction is over.
		 * Queued: it goes with the COMMIT, one round trip less. */
		rc = db_exec_queued(c, "INSERT INTO audit (at, actor, action, object, details) VALUES (?, ?, ?, ?, ?)",
			     "sssss", at, actor_s, action, object, d);
	} else {
		/* The one writer holds the head: chained at once. */
		char prev[65], hash[65];
		int64_t seal = 0;
		rc = head_read(c, &seal, prev);
		if (rc == DB_ROW) {
			seal++;
			row_hash(prev, seal, at, actor_s, action, object, d, hash);
			rc = db_exec(c, "INSERT INTO audit (id, seal, at, actor, action, object, details, prev_hash, hash) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "iisssssss",
				     seal, seal, at, actor_s, action, object, d, prev, hash);
			/* The head names the newest row, so cutting rows off the
			 * end of the chain is noticed too (unless the head is
			 * forged as well: operators who copy `audit verify`'s
			 * head line elsewhere catch even that). */
			if (rc == DB_DONE)
				rc = db_exec(c, HEAD_UPDATE, "is", seal, hash);
		}
	}
	free(d);
	return rc == DB_DONE ? 0 : -1;
}

/* One round of sealing in its own transaction: *sealed rows chained, 0 when
 * another instance holds the round; < 0 on a database failure. */
static int seal_batch(struct db_conn *c, int64_t *sealed)
{
	int64_t won = 0, seal = 0;
	char prev[65];
	*sealed = 0;
	int rc = db_tx_begin(c);
	if (rc != DB_OK)
		return rc;
	rc = db_query_int(c, &won, "SELECT CAST(pg_try_advisory_xact_lock(?) AS integer)", "i",
			  (int64_t)SEAL_LOCK_KEY);
	if (rc == DB_ROW && !won) {
		db_tx_rollback(c);
		return 0;
	}
	if (rc == DB_ROW)
		rc = head_read(c, &seal, prev);
	struct db_stmt *st = rc == DB_ROW ? db_query(c,
		"SELECT id, at, actor, action, object, details FROM audit"
		" WHERE seal IS NULL AND xact < pg_snapshot_xmin(pg_current_snapshot())"
		" ORDER BY xact, id LIMIT ?", "i", (int64_t)SEAL_BATCH) : NULL;
	if (!st) {
		db_tx_rollback(c);
		return rc < 0 ? rc : DB_ERROR;
	}
	/* Every new hash goes back in one statement. */
	json_t *rows = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		char hash[65];
		seal++;
		row_hash(prev, seal, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			 db_col_text(st, 4), db_col_text(st, 5), hash);
		json_array_append_new(rows, json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)db_col_int(st, 0),
						      "seal", (json_int_t)seal, "prev", prev, "hash", hash));
		memcpy(prev, hash, sizeof(hash));
	}
	db_done(st);
	size_t n = json_array_size(rows);
	char *text = n ? json_dumps(rows, JSON_COMPACT) : NULL;
	json_decref(rows);
	if (rc == DB_DONE && n) {
		rc = text ? db_exec(c, "UPDATE audit SET seal = j.seal, prev_hash = j.prev, hash = j.hash"
				       " FROM json_to_recordset(CAST(? AS json)) AS j(id bigint, seal bigint, prev text, hash text)"
				       " WHERE audit.id = j.id", "s", text) : DB_ERROR;
		if (rc == DB_DONE)
			rc = db_exec(c, HEAD_UPDATE, "is", seal, prev);
	}
	free(text);
	if (rc != DB_DONE) {
		db_tx_rollback(c);
		return rc < 0 ? rc : DB_ERROR;
	}
	rc = db_tx_commit(c);
	if (rc == DB_OK)
		*sealed = (int64_t)n;
	return rc;
}

int audit_seal(struct db_conn *c, int64_t *sealed)
{
	*sealed = 0;
	if (db_conn_dialect(c) != DB_POSTGRES)
		return 0;	/* chained as appended */
	int64_t n;
	int rc;
	do {
		rc = seal_batch(c, &n);
		*sealed += n;
	} while (rc == DB_OK && n == SEAL_BATCH);
	return rc < 0 ? rc : 0;
}

int audit_unsealed(struct db_conn *c, int64_t *count, double *oldest_s)
{
	*count = 0;
	*oldest_s = 0;
	if (db_conn_dialect(c) != DB_POSTGRES)
		return 0;
	struct db_stmt *st = db_query(c, "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM"
					 " now() - min(CAST(at AS timestamptz))), 0) FROM audit WHERE seal IS NULL", "");
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*count = db_col_int(st, 0);
		*oldest_s = db_col_double(st, 1);
	}
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

/* ---- the sealer thread ---------------------------------------------------------- */

struct audit_sealer {
	struct db *db;
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
	int failing;	/* log a failure once per episode */
};

static void *sealer_main(void *arg)
{
	struct audit_sealer *s = arg;
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		pthread_mutex_unlock(&s->mu);
		struct db_conn *c = db_acquire(s->db);
		int64_t n;
		int rc = audit_seal(c, &n);
		db_release(s->db, c);
		if (rc < 0 && !s->failing)
			log_warn("audit: sealing failed; rows wait unsealed until it succeeds",
				 LOG_F("error", rc == DB_GONE ? "database unavailable" : "statement failed"));
		else if (rc == 0 && s->failing)
			log_info("audit: sealing again");
		s->failing = rc < 0;
		pthread_mutex_lock(&s->mu);
		if (s->stop)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
		until.tv_sec += s->interval_ms / 1000 + until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&s->wake, &s->mu, &until);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct audit_sealer *audit_sealer_start(struct db *db, int interval_ms)
{
	if (db_dialect(db) != DB_POSTGRES || interval_ms <= 0)
		return NULL;
	struct audit_sealer *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->db = db;
	s->interval_ms = interval_ms;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, sealer_main, s) != 0) {
		log_error("audit: the sealer did not start", LOG_F("error", strerror(errno)));
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->wake);
		free(s);
		return NULL;
	}
	return s;
}

void audit_sealer_free(struct audit_sealer *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->wake);
	free(s);
}

/* ---- verification ----------------------------------------------------------------- */

int audit_verify(struct db_conn *c, int64_t *bad_id, char *why, size_t whylen, int64_t *rows,
		 int64_t *unsealed, char head[65])
{
	char prev[65], head_hash[65] = "";
	int64_t expect = 1, head_seal = 0;
	memcpy(prev, genesis, sizeof(genesis));
	*rows = 0;
	*unsealed = 0;
	/* The head first: rows sealed after it was read are left to the next
	 * verification, so a sealer at work is not mistaken for a forger. */
	if (head_read(c, &head_seal, head_hash) != DB_ROW) {
		snprintf(why, whylen, "cannot read the audit head: %s", db_errmsg(c));
		return -1;
	}
	struct db_stmt *st = db_query(c, "SELECT seal, at, actor, action, object, details, prev_hash, hash, id "
					 "FROM audit WHERE seal <= ? ORDER BY seal", "i", head_seal);
	if (!st) {
		snprintf(why, whylen, "cannot read the audit table: %s", db_errmsg(c));
		return -1;
	}
	int rc, bad = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t seal = db_col_int(st, 0), id = db_col_int(st, 8);
		const char *stored_prev = db_col_text(st, 6), *stored = db_col_text(st, 7);
		char h[65];
		(*rows)++;
		*bad_id = id;
		bad = 1;
		if (seal != expect) {
			snprintf(why, whylen, "row %" PRId64 " (place %" PRId64 ") follows place %" PRId64
				 ": rows are missing", id, seal, expect - 1);
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			snprintf(why, whylen, "row %" PRId64 " does not link to the row before it", id);
			break;
		}
		row_hash(prev, seal, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			 db_col_text(st, 4), db_col_text(st, 5), h);
		if (!stored || strcmp(stored, h) != 0) {
			snprintf(why, whylen, "row %" PRId64 " was altered: its content does not match its hash", id);
			break;
		}
		bad = 0;
		memcpy(prev, h, sizeof(h));
		expect++;
	}
	db_done(st);
	if (rc < 0 && !bad) {
		snprintf(why, whylen, "cannot read the audit table: %s", db_errmsg(c));
		return -1;
	}
	if (bad)
		return 1;
	if (head_seal != expect - 1 || (head_seal && strcmp(head_hash, prev) != 0)) {
		*bad_id = expect;
		snprintf(why, whylen, "the chain ends at row %" PRId64 " but its head names row %" PRId64
			 ": rows were removed from the end", expect - 1, head_seal);
		return 1;
	}
	if (db_query_int(c, unsealed, "SELECT count(*) FROM audit WHERE seal IS NULL OR seal > ?", "i",
			 head_seal) != DB_ROW) {
		snprintf(why, whylen, "cannot read the audit table: %s", db_errmsg(c));
		return -1;
	}
	snprintf(head, 65, "%s", prev);
	return 0;
}

/* ---- GET /api/audit ----------------------------------------------------- */

static int audit_list(struct req *r)
{
	long limit, before;
	/* before: the id below which to list, for paging back in time */
	if (req_query_int(r, "limit", 50, 1, 500, &limit) ||
	    req_query_int(r, "before", INT32_MAX, 1, INT32_MAX, &before))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT id, at, actor, action, object, details FROM audit "
					     "WHERE id < ? ORDER BY id DESC LIMIT ?", "ii",
				      (int64_t)before, (int64_t)limit);
	if (!st)
		return reply_error(r, 500, "internal", db_errmsg(r->db), NULL);
	json_t *items = json_array();
	while (db_step(st) == DB_ROW) {
		const char *d = db_col_text(st, 5);
		json_t *details = d ? json_loads(d, 0, NULL) : json_null();
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}",
			"id", (json_int_t)db_col_int(st, 0), "at", db_col_text(st, 1),
			"actor", db_col_text(st, 2), "action", db_col_text(st, 3),
			"object", db_col_text(st, 4), "details", details ? details : json_null()));
	}
	db_done(st);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static const struct route audit_routes[] = {
	{ "GET", "/api/audit", audit_list, ROLE_ADMIN | ROLE_REGENT_OFFICE, NULL, 0 },
	{ 0 },
};

static const struct migration audit_migrations[] = {
	{ 1, "audit trail",
	  "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	  " action TEXT NOT NULL, object TEXT NOT NULL, details TEXT, prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);",
	  "CREATE TABLE audit (id BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	  " action TEXT NOT NULL, object TEXT NOT NULL, details TEXT, prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL);" },
	{ 2, "audit chain head",
	  "CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1), last_id INTEGER NOT NULL,"
	  " last_hash TEXT NOT NULL);"
	  "INSERT INTO audit_head (one, last_id, last_hash) SELECT 1, id, hash FROM audit"
	  " WHERE id = (SELECT max(id) FROM audit);",
	  "CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1), last_id BIGINT NOT NULL,"
	  " last_hash TEXT NOT NULL);"
	  "INSERT INTO audit_head (one, last_id, last_hash) SELECT 1, id, hash FROM audit"
	  " WHERE id = (SELECT max(id) FROM audit);" },
	/* From here the head row always exists: appends lock it. */
	{ 3, "audit chain head from the start",
	  "INSERT INTO audit_head (one, last_id, last_hash) SELECT 1, 0, '" GENESIS "'"
	  " WHERE NOT EXISTS (SELECT 1 FROM audit_head);",
	  "INSERT INTO audit_head (one, last_id, last_hash) SELECT 1, 0, '" GENESIS "'"
	  " WHERE NOT EXISTS (SELECT 1 FROM audit_head);" },
	/* The chain's place of each row, and on PostgreSQL rows inserted
	 * unchained by concurrent writers (a sequence for the id, the
	 * inserting transaction for the sealer) - see the top of this file. */
	{ 4, "audit rows sealed apart from their insertion",
	  "ALTER TABLE audit ADD COLUMN seal INTEGER;"
	  "UPDATE audit SET seal = id;"
	  "CREATE UNIQUE INDEX audit_seal ON audit (seal);",
	  "ALTER TABLE audit ADD COLUMN seal BIGINT;"
	  "UPDATE audit SET seal = id;"
	  "CREATE UNIQUE INDEX audit_seal ON audit (seal);"
	  "ALTER TABLE audit ADD COLUMN xact xid8;"
	  "ALTER TABLE audit ALTER COLUMN xact SET DEFAULT pg_current_xact_id();"
	  "ALTER TABLE audit ALTER COLUMN prev_hash DROP NOT NULL;"
	  "ALTER TABLE audit ALTER COLUMN hash DROP NOT NULL;"
	  "CREATE SEQUENCE audit_id_seq OWNED BY audit.id;"
	  "SELECT setval('audit_id_seq', COALESCE((SELECT max(id) FROM audit), 0) + 1, false);"
	  "ALTER TABLE audit ALTER COLUMN id SET DEFAULT nextval('audit_id_seq');"
	  "CREATE INDEX audit_unsealed ON audit (xact, id) WHERE seal IS NULL;" },
	{ 0 },
};

/* `pendopo audit verify`: the chain from the first row, and the head to
 * anchor elsewhere. */
static int audit_verify_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct db *db = cli_db_migrated(cli, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	int64_t bad = 0, rows = 0, unsealed = 0;
	char why[256], head[65];
	int rc = audit_verify(c, &bad, why, sizeof(why), &rows, &unsealed, head);
	if (rc == 0) {
		printf("audit trail intact: %" PRId64 " rows verified\nhead: row %" PRId64 " hash %s\n",
		       rows, rows, rows ? head : "-");
		/* Committed since the last seal: the next verification covers them. */
		if (unsealed)
			printf("unsealed: %" PRId64 " newer rows not chained yet (the sealer chains them within a second)\n",
			       unsealed);
	}
	else if (rc > 0)
		printf("audit trail BROKEN at row %" PRId64 ": %s\n", bad, why);
	else
		fprintf(stderr, "pendopo audit verify: %s\n", why);
	db_release(db, c);
	db_close(db);
	return rc == 0 ? 0 : 1;
}

static const struct cli_opt db_only[] = { CLI_OPT_DB, { 0 } };

static const struct command audit_commands[] = {
	{ "audit verify", "audit verify [--db URL]", "Check the audit trail's hash chain; report the first broken row.",
	  db_only, audit_verify_command },
	{ 0 },
};

/* The periodic tick seals too, so `pendopo tick` chains what a stopped
 * cluster left unsealed. */
static void audit_tick(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	int64_t n;
	if (audit_seal(c, &n) < 0)
		log_warn("audit: sealing failed in the tick");
	db_release(app->db, c);
}

const struct module audit_module = {
	.name = "audit",
	.tick = audit_tick,
	.routes = audit_routes,
	.commands = audit_commands,
	.migrations = audit_migrations,
};
