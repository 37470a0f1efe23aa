/* audit.c - the hash-chained audit trail.
 *
 * hash = SHA-256(prev_hash "\n" id "\n" at "\n" actor "\n" action "\n"
 * object "\n" details).  The id is inside the hash, so deleting a row in the
 * middle breaks the next row's link, and editing any column breaks its own
 * hash.  Appends happen inside the writer's transaction with the chain's
 * head row locked, so two writers never read the same last hash.
 */
#include "audit.h"
#include "arena.h"
#include "cli.h"
#include "http.h"
#include "util.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
static const char genesis[] = GENESIS;

static void row_hash(const char *prev, int64_t id, const char *at, const char *actor,
		     const char *action, const char *object, const char *details, char out[65])
{
	crypto_hash_sha256_state st;
	char idbuf[24];
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *parts[] = { prev, idbuf, at, actor, action, object, details ? details : "" };

	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
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

/* The head row is read under a lock (the writer lock on SQLite, a row
 * lock on PostgreSQL held to commit), so two writers never chain to the
 * same row; on PostgreSQL the row and the new head go in one round trip. */
static const char *const head_sql[] = {
	[DB_SQLITE] = "SELECT last_id, last_hash FROM audit_head WHERE one = 1",
	[DB_POSTGRES] = "SELECT last_id, last_hash FROM audit_head WHERE one = 1 FOR UPDATE",
};

#define AUDIT_INSERT "INSERT INTO audit (id, at, actor, action, object, details, prev_hash, hash) " \
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
#define HEAD_UPDATE "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE one = 1"

int audit_append(struct db_conn *c, const struct caller *actor, const char *action,
		 const char *object, json_t *details)
{
	char prev[65] = "", at[24], actor_s[64], hash[65];
	int64_t id = 0;
	enum db_dialect dialect = db_conn_dialect(c);
	struct db_stmt *st = db_query(c, head_sql[dialect], "");
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc != DB_ROW)
		return -1;	/* the head row is made by the migration */

	char *d = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	time_iso_now(at);
	actor_label(actor, actor_s);
	row_hash(prev, id, at, actor_s, action, object, d, hash);
	/* The head names the newest row, so cutting rows off the end of the
	 * chain is noticed too (unless the head is forged as well: operators
	 * who copy `audit verify`'s head line elsewhere catch even that). */
	if (dialect == DB_POSTGRES)
		rc = db_exec(c, "WITH appended AS (" AUDIT_INSERT ") " HEAD_UPDATE, "isssssssis",
			     id, at, actor_s, action, object, d, prev, hash, id, hash);
	else if ((rc = db_exec(c, AUDIT_INSERT, "isssssss", id, at, actor_s, action, object, d, prev, hash)) == DB_DONE)
		rc = db_exec(c, HEAD_UPDATE, "is", id, hash);
	free(d);
	return rc == DB_DONE ? 0 : -1;
}

int audit_verify(struct db_conn *c, int64_t *bad_id, char *why, size_t whylen, int64_t *rows,
		 char head[65])
{
	char prev[65];
	int64_t expect = 1;
	memcpy(prev, genesis, sizeof(genesis));
	*rows = 0;
	struct db_stmt *st = db_query(c, "SELECT id, at, actor, action, object, details, prev_hash, hash "
					 "FROM audit ORDER BY id", "");
	if (!st) {
		snprintf(why, whylen, "cannot read the audit table: %s", db_errmsg(c));
		return -1;
	}
	int rc, bad = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		const char *stored_prev = db_col_text(st, 6), *stored = db_col_text(st, 7);
		char h[65];
		(*rows)++;
		if (id != expect) {
			*bad_id = id;
			snprintf(why, whylen, "row %" PRId64 " follows row %" PRId64 ": rows are missing", id, expect - 1);
			bad = 1;
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			*bad_id = id;
			snprintf(why, whylen, "row %" PRId64 " does not link to the row before it", id);
			bad = 1;
			break;
		}
		row_hash(prev, id, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			 db_col_text(st, 4), db_col_text(st, 5), h);
		if (!stored || strcmp(stored, h) != 0) {
			*bad_id = id;
			snprintf(why, whylen, "row %" PRId64 " was altered: its content does not match its hash", id);
			bad = 1;
			break;
		}
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
	int64_t head_id = 0;
	char head_hash[65] = "";
	st = db_query(c, "SELECT last_id, last_hash FROM audit_head WHERE one = 1", "");
	if (st && db_step(st) == DB_ROW) {
		head_id = db_col_int(st, 0);
		snprintf(head_hash, sizeof(head_hash), "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (head_id != expect - 1 || (head_id && strcmp(head_hash, prev) != 0)) {
		*bad_id = expect;
		snprintf(why, whylen, "the chain ends at row %" PRId64 " but its head names row %" PRId64
			 ": rows were removed from the end", expect - 1, head_id);
		return 1;
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
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	int rc = audit_verify(c, &bad, why, sizeof(why), &rows, head);
	if (rc == 0)
		printf("audit trail intact: %" PRId64 " rows verified\nhead: row %" PRId64 " hash %s\n",
		       rows, rows, rows ? head : "-");
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

const struct module audit_module = {
	.name = "audit",
	.routes = audit_routes,
	.commands = audit_commands,
	.migrations = audit_migrations,
};
