/* apikeys.c - API tokens for machine clients: the admin's list, create and
 * revoke (/api/apikeys) and `pendopo apikey create`.  A token is shown once
 * and stored as its SHA-256 hash; auth.c turns a Bearer token into a caller.
 */
#include "auth.h"
#include "accounts.h"
#include "audit.h"
#include "cli.h"
#include "orgs.h"
#include "util.h"
#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- API tokens ---------------------------------------------------------- */

static int apikey_insert(struct db_conn *c, const char *name, const char *role, int64_t unit_id,
			 char token[48], int64_t *id)
{
	char hash[65], now[24];
	token_new(token);
	sha256_hex(token, strlen(token), hash);
	time_iso_now(now);
	return db_query_int(c, id, "INSERT INTO api_keys (name, token_hash, role, unit_id, created_at) "
				   "VALUES (?, ?, ?, NULLIF(?, 0), ?) RETURNING id", "sssis",
			    name, hash, role, unit_id, now) == DB_ROW ? 0 : -1;
}

static int apikeys_list(struct req *r)
{
	struct db_stmt *st = db_query(r->db, "SELECT id, name, role, unit_id, created_at, last_used_at "
					     "FROM api_keys WHERE revoked = 0 ORDER BY id", "");
	if (!st)
		return reply_db_error(r);
	json_t *items = json_array();
	struct { int64_t unit; json_t *obj; } rows[256];
	int n = 0;
	while (n < 256 && db_step(st) == DB_ROW) {
		rows[n].unit = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3);
		rows[n].obj = json_pack("{s:I,s:s,s:s,s:s,s:s?}", "id", (json_int_t)db_col_int(st, 0),
					"name", db_col_text(st, 1), "role", db_col_text(st, 2),
					"created_at", db_col_text(st, 4), "last_used_at", db_col_text(st, 5));
		n++;
	}
	db_done(st);
	for (int i = 0; i < n; i++) {
		const char *code = NULL, *name;
		if (rows[i].unit)
			orgs_code_name(r->db, r->arena, rows[i].unit, &code, &name);
		json_object_set_new(rows[i].obj, "unit", code ? json_string(code) : json_null());
		json_array_append_new(items, rows[i].obj);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static const struct field apikey_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 100 },
	{ "role", FT_STRING, FF_REQUIRED, 32 },
	{ "unit", FT_STRING, FF_NULLABLE, 32 },
	{ 0 },
};

static int apikeys_create(struct req *r)
{
	const char *name = account_trimmed(r->arena, body_str(r, "name")), *role = body_str(r, "role");
	const char *unit = body_str(r, "unit");
	int64_t unit_id = 0, id;
	char token[48];
	if (!*name)
		return reply_error(r, 400, "invalid", "name is required", "name");
	if (!role_from_name(role))
		return reply_error(r, 400, "invalid", "unknown role", "role");
	if (role_from_name(role) == ROLE_VILLAGE_HEAD)
		return reply_error(r, 400, "invalid", "a village head approves in person: no API key holds the role", "role");
	if (unit && orgs_id_by_code(r->db, unit, &unit_id) != 0)
		return reply_error(r, 400, "invalid", "no such organisation unit", "unit");
	if (apikey_insert(r->db, name, role, unit_id, token, &id) != 0)
		return reply_db_error(r);
	if (audit_append(r->db, &r->caller, "apikey.create", arena_printf(r->arena, "apikey:%" PRId64, id), NULL) != 0)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:I,s:s,s:s,s:s?},s:s}", "apikey", "id", (json_int_t)id,
					    "name", name, "role", role, "unit", unit, "token", token));
}

static int apikeys_delete(struct req *r)
{
	char *end;
	long long id = strtoll(req_param(r, "id"), &end, 10);
	if (*end || id <= 0 || db_exec(r->db, "UPDATE api_keys SET revoked = 1 WHERE id = ? AND revoked = 0",
				       "i", (int64_t)id) != DB_DONE || db_changes(r->db) == 0)
		return reply_error(r, 404, "not_found", "no such API token", NULL);
	if (audit_append(r->db, &r->caller, "apikey.revoke", arena_printf(r->arena, "apikey:%lld", id), NULL) != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

int auth_apikey_create(struct db_conn *c, const char *name, const char *role,
		       const char *unit, char token_out[48], char *err, size_t errlen)
{
	int64_t unit_id = 0, id;
	const struct caller cli = { .name = "cli" };
	char object[48];
	if (!role_from_name(role)) {
		snprintf(err, errlen, "unknown role '%s'", role);
		return -1;
	}
	if (role_from_name(role) == ROLE_VILLAGE_HEAD) {
		snprintf(err, errlen, "a village head approves in person: no API key holds the role");
		return -1;
	}
	if (unit && orgs_id_by_code(c, unit, &unit_id) != 0) {
		snprintf(err, errlen, "no organisation unit '%s'", unit);
		return -1;
	}
	if (db_tx_begin(c) != DB_OK || apikey_insert(c, name, role, unit_id, token_out, &id) != 0 ||
	    (snprintf(object, sizeof(object), "apikey:%" PRId64, id),
	     audit_append(c, &cli, "apikey.create", object, NULL)) != 0 ||
	    db_tx_commit(c) != DB_OK) {
		snprintf(err, errlen, "%s", db_errmsg(c));
		db_tx_rollback(c);
		return -1;
	}
	return 0;
}

static const struct route apikeys_routes[] = {
	{ "GET", "/api/apikeys", apikeys_list, ROLE_ADMIN, NULL, 0 },
	{ "POST", "/api/apikeys", apikeys_create, ROLE_ADMIN, apikey_fields, 0 },
	{ "DELETE", "/api/apikeys/{id}", apikeys_delete, ROLE_ADMIN, NULL, 0 },
	{ 0 },
};

/* ---- command ---------------------------------------------------------------- */

/* `pendopo apikey create NAME [--role R] [--unit U]`: the token on stdout, once. */
static int apikey_create_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	struct db *db = cli_db_migrated(cli, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512], token[48];
	int rc = auth_apikey_create(c, argv[0], cli_opt(cli, "--role"), cli_opt(cli, "--unit"), token, err, sizeof(err));
	if (rc == 0)
		printf("%s\n", token);
	else
		fprintf(stderr, "pendopo apikey create: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static const struct cli_opt apikey_opts[] = {
	CLI_OPT_DB,
	{ "--role", NULL, "role the token acts with", "officer" },
	{ "--unit", NULL, "organisation code the token is scoped to", NULL },
	{ 0 },
};

static const struct command apikeys_commands[] = {
	{ "apikey create", "apikey create NAME [--role ROLE] [--unit CODE]",
	  "Create an API token for a machine client and print it (shown once).", apikey_opts, apikey_create_command },
	{ 0 },
};

const struct module apikeys_module = { .name = "apikeys", .routes = apikeys_routes, .commands = apikeys_commands };
