/* users.c - the admin's user management (/api/users: list, read, create,
 * change, role grants), `pendopo user add` and the demo accounts.
 */
#include "auth.h"
#include "log.h"
#include "accounts.h"
#include "audit.h"
#include "can.h"
#include "cli.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"
#include "validate.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- role grants ------------------------------------------------------- */

/* Replace the grants of user id with the array given; 1 when replied. */
static int roles_set(struct req *r, int64_t id, json_t *roles)
{
	size_t i;
	json_t *g;
	if (json_array_size(roles) == 0 || json_array_size(roles) > 16)
		return reply_error(r, 400, "invalid", "roles must list 1 to 16 grants", "roles"), 1;
	if (db_exec(r->db, "DELETE FROM user_roles WHERE user_id = ?", "i", id) != DB_DONE)
		return reply_db_error(r), 1;
	json_array_foreach(roles, i, g) {
		const char *role = json_string_value(json_object_get(g, "role"));
		const char *unit = json_string_value(json_object_get(g, "unit"));
		const char *village = json_string_value(json_object_get(g, "village"));
		enum role rl = role_from_name(role);
		int64_t unit_id = 0;
		const char *vname;
		int level = 0;
		if (!json_is_object(g) || !rl)
			return reply_error(r, 400, "invalid",
					   "each grant needs a role: citizen, officer, unit_head, walidata, "
					   "village_operator, village_head, admin or regent_office", "roles"), 1;
		if (rl == ROLE_OFFICER || rl == ROLE_UNIT_HEAD) {
			if (!unit || orgs_id_by_code(r->db, unit, &unit_id) != 0)
				return reply_error(r, 400, "invalid",
						   arena_printf(r->arena, "%s needs the code of an existing organisation unit", role),
						   "roles"), 1;
		} else if (unit) {
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is not scoped to a unit", role), "roles"), 1;
		}
		if (rl & ROLE_VILLAGE_SCOPED) {
			if (!village || regions_lookup(r->db, r->arena, village, &vname, &level) != 0 || level != 4)
				return reply_error(r, 400, "invalid",
						   arena_printf(r->arena, "%s needs the code of an existing village", role),
						   "roles"), 1;
		} else if (village) {
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is not scoped to a village", role), "roles"), 1;
		}
		int rc = db_exec(r->db, "INSERT INTO user_roles (user_id, role, unit_id, village) "
					"VALUES (?, ?, NULLIF(?, 0), ?)", "isis", id, role, unit_id, village);
		if (rc == DB_CONSTRAINT)
			return reply_error(r, 400, "invalid", "the same grant is listed twice", "roles"), 1;
		if (rc != DB_DONE)
			return reply_db_error(r), 1;
	}
	return 0;
}

/* ---- the admin's user management --------------------------------------- */

static int users_list(struct req *r)
{
	long limit, offset;
	const char *q = req_query(r, "q"), *role = req_query(r, "role");
	if (req_query_int(r, "limit", 50, 1, 200, &limit) || req_query_int(r, "offset", 0, 0, 1000000, &offset))
		return 0;
	if (role && !role_from_name(role))
		return reply_error(r, 400, "invalid", "unknown role", "role");
	if (q && utf8_length(q) > 100)
		return reply_error(r, 400, "invalid", "q is longer than 100 characters", "q");
	const char *like = q && *q ? arena_printf(r->arena, "%%%s%%", q) : NULL;
#define USERS_FILTER \
	"FROM users u WHERE (CAST(? AS TEXT) IS NULL OR lower(u.name) LIKE lower(?) OR u.email LIKE lower(?) " \
	"OR u.phone LIKE ?) AND (CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM user_roles g " \
	"WHERE g.user_id = u.id AND g.role = ?))"
	int64_t total = 0;
	db_query_int(r->db, &total, "SELECT count(*) " USERS_FILTER, "ssssss",
		     like, like, like, like, role, role);
	struct db_stmt *st = db_query(r->db, "SELECT u.id " USERS_FILTER " ORDER BY u.id DESC LIMIT ? OFFSET ?",
				      "ssssssii", like, like, like, like, role, role, (int64_t)limit, (int64_t)offset);
#undef USERS_FILTER
	if (!st)
		return reply_db_error(r);
	int64_t ids[200];
	int n = 0;
	while (n < 200 && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_done(st);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *u;
		if (account_json(r->db, r->arena, ids[i], &u) == 0)
			json_array_append_new(items, u);
	}
	return reply_json(r, 200, json_pack("{s:o,s:I}", "items", items, "total", (json_int_t)total));
}

static int user_id_param(struct req *r, int64_t *id)
{
	char *end;
	const char *s = req_param(r, "id");
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0) {
		reply_error(r, 404, "not_found", "no such user", NULL);
		return -1;
	}
	*id = v;
	return 0;
}

static int users_get(struct req *r)
{
	int64_t id;
	if (user_id_param(r, &id))
		return 0;
	return account_reply(r, 200, id, NULL);
}

static const struct field user_create_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 100 },
	{ "email", FT_STRING, FF_NULLABLE, 254 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "password", FT_STRING, FF_REQUIRED, 128 },
	{ "roles", FT_ARRAY, FF_REQUIRED, 0 },
	{ 0 },
};

static int users_create(struct req *r)
{
	const char *name, *email, *phone;
	char hash[crypto_pwhash_STRBYTES];
	int64_t id;
	if (account_contact_fields(r, &name, &email, &phone, 1))
		return 0;
	const struct password_problem *weak = account_password_problem(body_str(r, "password"), email ? email : phone);
	if (weak)
		return reply_error_lang(r, 400, "invalid", weak->en, weak->id, "password");
	if (account_password_hash(body_str(r, "password"), hash) != 0)
		return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (account_contact_taken(r, email, phone, 0) || account_insert(r, name, email, phone, hash, &id) ||
	    roles_set(r, id, json_object_get(r->body, "roles")))
		goto fail;
	json_t *d = account_changed_fields(r);
	int rc = audit_append(r->db, &r->caller, "user.create", arena_printf(r->arena, "user:%" PRId64, id), d);
	json_decref(d);
	if (rc != 0 || db_tx_commit(r->db) != DB_OK) {
		reply_db_error(r);
		goto fail;
	}
	return account_reply(r, 201, id, NULL);
fail:
	db_tx_rollback(r->db);
	return 0;
}

static const struct field user_patch_fields[] = {
	{ "name", FT_STRING, 0, 100 },
	{ "email", FT_STRING, FF_NULLABLE, 254 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "password", FT_STRING, 0, 128 },
	{ "disabled", FT_BOOL, 0, 0 },
	{ "roles", FT_ARRAY, 0, 0 },
	{ 0 },
};

static int users_patch(struct req *r)
{
	int64_t id, exists;
	const char *pw = body_str(r, "password");
	char hash[crypto_pwhash_STRBYTES];
	if (user_id_param(r, &id))
		return 0;
	const struct password_problem *weak = pw ? account_password_problem(pw, NULL) : NULL;
	if (weak)
		return reply_error_lang(r, 400, "invalid", weak->en, weak->id, "password");
	if (pw && account_password_hash(pw, hash) != 0)
		return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	int rc = db_query_int(r->db, &exists, "SELECT id FROM users WHERE id = ?", "i", id);
	if (rc != DB_ROW) {
		if (rc == DB_DONE)
			reply_error(r, 404, "not_found", "no such user", NULL);
		else
			reply_db_error(r);
		goto fail;
	}
	if (account_profile_update(r, id))
		goto fail;
	if (body_has(r, "roles") && roles_set(r, id, json_object_get(r->body, "roles")))
		goto fail;
	int off = json_is_true(json_object_get(r->body, "disabled"));
	if (off && id == r->caller.user_id) {
		reply_error(r, 400, "invalid", "you cannot disable your own account", "disabled");
		goto fail;
	}
	/* A disabled account, a new password or new roles end its sessions:
	 * whoever holds them must log in again under the new terms. */
	if ((pw && db_exec(r->db, "UPDATE users SET password_hash = ? WHERE id = ?", "si", hash, id) != DB_DONE) ||
	    (body_has(r, "disabled") &&
	     db_exec(r->db, "UPDATE users SET disabled = ? WHERE id = ?", "bi", off, id) != DB_DONE) ||
	    ((pw || body_has(r, "disabled") || body_has(r, "roles")) &&
	     db_exec(r->db, "DELETE FROM sessions WHERE user_id = ?", "i", id) != DB_DONE)) {
		reply_db_error(r);
		goto fail;
	}
	json_t *d = account_changed_fields(r);
	if (pw)
		json_object_set_new(d, "password", json_string("changed"));
	rc = audit_append(r->db, &r->caller, "user.admin_update", arena_printf(r->arena, "user:%" PRId64, id), d);
	json_decref(d);
	if (rc != 0 || db_tx_commit(r->db) != DB_OK) {
		reply_db_error(r);
		goto fail;
	}
	return account_reply(r, 200, id, NULL);
fail:
	db_tx_rollback(r->db);
	return 0;
}

/* ---- command line ------------------------------------------------------- */

/* Create a user with one grant inside the caller's transaction. */
static int user_add_tx(struct db_conn *c, struct arena *a, const char *name, const char *email,
		       const char *password, const char *role, const char *unit,
		       const char *village, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES], now[24];
	int64_t id, unit_id = 0;
	int level = 0;
	const char *e = account_email_norm(a, email), *vname;
	const struct caller cli = { .name = "cli" };
	enum role rl = role_from_name(role);

	if (!e)
		return snprintf(err, errlen, "'%s' is not a valid email address", email ? email : ""), -1;
	const struct password_problem *weak = account_password_problem(password, e);
	if (weak)
		return snprintf(err, errlen, "%s", weak->en), -1;
	if (!rl)
		return snprintf(err, errlen, "unknown role '%s'", role), -1;
	if ((rl & (ROLE_OFFICER | ROLE_UNIT_HEAD)) && (!unit || orgs_id_by_code(c, unit, &unit_id) != 0))
		return snprintf(err, errlen, "%s needs --unit with the code of an existing organisation unit", role), -1;
	if ((rl & ROLE_VILLAGE_SCOPED) &&
	    (!village || regions_lookup(c, a, village, &vname, &level) != 0 || level != 4))
		return snprintf(err, errlen, "%s needs --village with an existing village code", role), -1;
	if (account_password_hash(password, hash) != 0)
		return snprintf(err, errlen, "out of memory hashing the password"), -1;
	time_iso_now(now);
	int rc = db_query_int(c, &id, "INSERT INTO users (name, email, password_hash, created_at, updated_at) "
				      "VALUES (?, ?, ?, ?, ?) RETURNING id", "sssss",
			      name ? name : e, e, hash, now, now);
	if (rc == DB_CONSTRAINT)
		return snprintf(err, errlen, "%s is already registered", e), -1;
	if (rc != DB_ROW ||
	    db_exec(c, "INSERT INTO user_roles (user_id, role, unit_id, village) VALUES (?, ?, NULLIF(?, 0), ?)",
		    "isis", id, role, unit_id, (rl & ROLE_VILLAGE_SCOPED) ? village : NULL) != DB_DONE ||
	    audit_append(c, &cli, "user.create", arena_printf(a, "user:%" PRId64, id), NULL) != 0)
		return snprintf(err, errlen, "%s", db_errmsg(c)), -1;
	return 0;
}

int auth_user_add(struct db_conn *c, const char *name, const char *email,
		  const char *password, const char *role, const char *unit,
		  const char *village, char *err, size_t errlen)
{
	struct arena *a = arena_new(4096);
	int rc = -1;
	if (!a)
		return snprintf(err, errlen, "out of memory"), -1;
	if (db_tx_begin(c) != DB_OK)
		snprintf(err, errlen, "%s", db_errmsg(c));
	else if (user_add_tx(c, a, name, email, password, role, unit, village, err, errlen) != 0)
		db_tx_rollback(c);
	else if (db_tx_commit(c) != DB_OK)
		snprintf(err, errlen, "%s", db_errmsg(c));
	else
		rc = 0;
	arena_free(a);
	return rc;
}

/* Demo accounts for `make run`, one per kind of user, in the demo units. */
static int users_demo_load(struct app *app, struct db_conn *c)
{
	static const struct { const char *name, *email, *role, *unit; } demo[] = {
		{ "Admin Demo", "admin@demo.pendopo.id", "admin", NULL },
		{ "Petugas Dinkes (demo)", "petugas.dinkes@demo.pendopo.id", "officer", "DINKES" },
		{ "Kepala Bidang Dinkes (demo)", "kabid.dinkes@demo.pendopo.id", "unit_head", "DINKES" },
		{ "Walidata Dinkominfo (demo)", "walidata@demo.pendopo.id", "walidata", NULL },
		{ "Bagian Umum Pimpinan (demo)", "pimpinan@demo.pendopo.id", "regent_office", NULL },
		{ "Verifikator Matur Bupati (demo)", "verifikator@demo.pendopo.id", "officer", "DINKOMINFO" },
		{ "Petugas PUPR (demo)", "petugas.pupr@demo.pendopo.id", "officer", "PUPR" },
		{ "Produsen Data Disdukcapil (demo)", "data.disdukcapil@demo.pendopo.id", "officer", "DISDUKCAPIL" },
		{ "Warga Demo", "warga@demo.pendopo.id", "citizen", NULL },
	};
	struct arena *a = arena_new(4096);
	char err[256];
	int rc = a ? 0 : -1;
	(void)app;
	for (size_t i = 0; rc == 0 && i < sizeof(demo) / sizeof(demo[0]); i++) {
		int64_t id;
		if (db_query_int(c, &id, "SELECT id FROM users WHERE email = ?", "s", demo[i].email) == DB_ROW)
			continue;
		rc = user_add_tx(c, a, demo[i].name, demo[i].email, "Demo-Pendopo-2026", demo[i].role,
				 demo[i].unit, NULL, err, sizeof(err));
		if (rc)
			log_error("demo account not created", LOG_F("email", demo[i].email), LOG_F("error", err));
	}
	arena_free(a);
	return rc;
}

#define ADMIN ROLE_ADMIN
#define ADMIN_READ (ROLE_ADMIN | ROLE_REGENT_OFFICE)

static const struct route users_routes[] = {
	{ "GET", "/api/users", users_list, ADMIN_READ, NULL, 0 },
	{ "POST", "/api/users", users_create, ADMIN, user_create_fields, RF_NO_TX },
	{ "GET", "/api/users/{id}", users_get, ADMIN_READ, NULL, 0 },
	{ "PATCH", "/api/users/{id}", users_patch, ADMIN, user_patch_fields, RF_NO_TX },
	{ 0 },
};

/* ---- command ---------------------------------------------------------------- */

/* `pendopo user add --email E --password P [--role R] [--unit U] [--village V] [--name N]` */
static int user_add_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0 || !cli_opt(cli, "--email") || !cli_opt(cli, "--password"))
		return cli_usage(cli);
	struct db *db = cli_db_migrated(cli, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512];
	int rc = auth_user_add(c, cli_opt(cli, "--name"), cli_opt(cli, "--email"), cli_opt(cli, "--password"),
			       cli_opt(cli, "--role"), cli_opt(cli, "--unit"), cli_opt(cli, "--village"), err, sizeof(err));
	if (rc == 0)
		printf("user %s added with role %s\n", cli_opt(cli, "--email"), cli_opt(cli, "--role"));
	else
		fprintf(stderr, "pendopo user add: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static const struct cli_opt user_opts[] = {
	CLI_OPT_DB,
	{ "--email", NULL, "login email", NULL },
	{ "--password", NULL, "password (8 characters or more)", NULL },
	{ "--name", NULL, "display name (default: the email)", NULL },
	{ "--role", NULL, "citizen, officer, unit_head, walidata, village_operator, village_head, admin, regent_office",
	  "citizen" },
	{ "--unit", NULL, "organisation code, for officer and unit_head", NULL },
	{ "--village", NULL, "village code, for village_operator and village_head", NULL },
	{ 0 },
};

static const struct command users_commands[] = {
	{ "user add", "user add --email E --password P [--role ROLE] [--unit CODE] [--village CODE] [--name N]",
	  "Create an account with one role.", user_opts, user_add_command },
	{ 0 },
};

static const struct action users_manage = { "users.manage", .anywhere = ROLE_ADMIN };

static const struct tool users_tools[] = {
	{ "/admin/users.html", "Pengguna", "Users", &users_manage, NULL, 3 },
	{ "/admin/orgs.html", "Unit kerja", "Organisation units", &users_manage, NULL, 3 },
	{ "/admin/holidays.html", "Hari libur", "Holidays", &users_manage, NULL, 3 },
	{ 0 },
};

const struct module users_module = {
	.name = "users",
	.routes = users_routes,
	.tools = users_tools,
	.commands = users_commands,
	.demo_load = users_demo_load,
};
