/* auth.c - identity and sessions: who the caller is (session cookie or
 * Bearer token), roles and their scopes, register, login, logout, the
 * per-address and per-account limits; and the identity tables.
 *
 * Passwords are argon2id (libsodium's interactive limits).  Hashing takes
 * tens of milliseconds, so handlers that hash do it before opening their
 * write transaction (RF_NO_TX) instead of holding the database's write lock
 * meanwhile.  Session and API tokens are stored as SHA-256 hashes.  Rate
 * limits and lockouts live in the database so that several instances
 * behind one load balancer share them.  Profiles are profile.c, the admin's
 * user management users.c, API tokens apikeys.c.
 */
#include "auth.h"
#include "accounts.h"
#include "app.h"
#include "audit.h"
#include "can.h"
#include "log.h"
#include "phone.h"
#include "util.h"
#include "validate.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	enum role role;
	const char *name;
} role_names[] = {
	{ ROLE_CITIZEN, "citizen" },
	{ ROLE_OFFICER, "officer" },
	{ ROLE_UNIT_HEAD, "unit_head" },
	{ ROLE_WALIDATA, "walidata" },
	{ ROLE_VILLAGE_OPERATOR, "village_operator" },
	{ ROLE_ADMIN, "admin" },
	{ ROLE_REGENT_OFFICE, "regent_office" },
	{ ROLE_VILLAGE_HEAD, "village_head" },
};

int auth_village_staff(struct db_conn *c, struct arena *a, const char *village, unsigned roles,
		       struct staff_member **out, size_t *n)
{
	struct db_stmt *st = db_query(c, "SELECT u.id, u.name, r.role FROM user_roles r JOIN users u ON u.id = r.user_id "
					 "WHERE r.role IN (?, ?) AND r.village = ? AND u.disabled = 0 "
					 "ORDER BY u.name, u.id", "sss",
				      (roles & ROLE_VILLAGE_OPERATOR) ? "village_operator" : "",
				      (roles & ROLE_VILLAGE_HEAD) ? "village_head" : "", village);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct staff_member *m = ARENA_PUSH(a, *out, *n, cap);
		if (!m || !(m->name = arena_strdup(a, db_col_text(st, 1)))) {
			rc = DB_ERROR;
			break;
		}
		m->id = db_col_int(st, 0);
		m->role = role_from_name(db_col_text(st, 2));
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

enum role role_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(role_names[i].name, name) == 0)
			return role_names[i].role;
	return 0;
}

const char *role_name(enum role r)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (role_names[i].role == r)
			return role_names[i].name;
	return "?";
}

bool caller_has(const struct caller *c, unsigned roles)
{
	return (c->roles & roles) != 0;
}

static void caller_grant(struct caller *c, unsigned role, int64_t unit_id, const char *village)
{
	c->roles |= role;
	if (role && c->ngrants < CALLER_MAX_GRANTS)
		c->grants[c->ngrants++] = (struct grant){ .role = role, .unit_id = unit_id, .village = village };
}

/* ---- identification ---------------------------------------------------- */

/* One grant: its role, and the unit and village of columns col, col + 1. */
static void grant_add(struct req *r, const char *role, struct db_stmt *st, int col)
{
	caller_grant(&r->caller, role_from_name(role), db_col_is_null(st, col) ? 0 : db_col_int(st, col),
		     db_col_is_null(st, col + 1) ? NULL : arena_strdup(r->arena, db_col_text(st, col + 1)));
}

int auth_token_caller(struct db_conn *c, struct arena *a, const char *token, struct caller *out)
{
	char hash[65];
	sha256_hex(token, strlen(token), hash);
	struct db_stmt *st = db_query(c, "SELECT id, name, role, unit_id, last_used_at FROM api_keys "
					 "WHERE token_hash = ? AND revoked = 0", "s", hash);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 1 : -1;
	}
	memset(out, 0, sizeof(*out));
	out->apikey_id = db_col_int(st, 0);
	out->name = arena_strdup(a, db_col_text(st, 1));
	caller_grant(out, role_from_name(db_col_text(st, 2)), db_col_is_null(st, 3) ? 0 : db_col_int(st, 3), NULL);
	/* Admins see which tokens are still in use; to the hour is
	 * enough, and spares a write on every machine request.  The stamp is
	 * a write like any other: in a transaction of its own, in the
	 * writers' line. */
	char now[24], hour_ago[24];
	time_iso_now(now);
	time_iso(time(NULL) - 3600, hour_ago);
	const char *last = db_col_text(st, 4);
	int stale = !last || strcmp(last, hour_ago) < 0;
	db_done(st);
	if (stale && !db_in_tx(c) && db_tx_begin(c) == DB_OK) {
		if (db_exec(c, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", "si", now, out->apikey_id) == DB_DONE)
			db_tx_commit(c);
		else
			db_tx_rollback(c);
	}
	return 0;
}

int auth_unit_staff(struct db_conn *c, struct arena *a, int64_t unit_id, unsigned roles,
		    struct staff_member **out, size_t *n)
{
	struct db_stmt *st = db_query(c, "SELECT u.id, u.name, r.role FROM user_roles r JOIN users u ON u.id = r.user_id "
					 "WHERE r.unit_id = ? AND u.disabled = 0 ORDER BY u.name, u.id", "i", unit_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		enum role role = role_from_name(db_col_text(st, 2));
		if (!(role & roles))
			continue;
		struct staff_member *m = ARENA_PUSH(a, *out, *n, cap);
		if (!m) {
			rc = DB_ERROR;
			break;
		}
		m->id = db_col_int(st, 0);
		m->name = arena_strdup(a, db_col_text(st, 1));
		m->role = role;
		if (!m->name) {
			rc = DB_ERROR;
			break;
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

int auth_identify(struct req *r)
{
	const char *authz = req_header(r, "Authorization");
	char hash[65];

	if (authz && strncmp(authz, "Bearer ", 7) == 0) {
		int rc = auth_token_caller(r->db, r->arena, authz + 7, &r->caller);
		if (rc < 0)
			return reply_db_error(r), -1;
		if (rc > 0)
			return reply_error(r, 401, "unauthenticated", "invalid or revoked API token", NULL), -1;
		return 0;
	}
	/* CKAN clients send the bare token ("Authorization: TOKEN") to the
	 * CKAN Action API; an unknown one leaves the caller anonymous there,
	 * so that the action answers with CKAN's own Authorization Error. */
	if (authz && *authz && (strncmp(r->path, "/api/3/", 7) == 0 || strncmp(r->path, "/api/action/", 12) == 0)) {
		if (auth_token_caller(r->db, r->arena, authz, &r->caller) < 0)
			return reply_db_error(r), -1;
		return 0;
	}

	const char *cookie = req_cookie(r, "pendopo_session");
	if (!cookie || !*cookie)
		return 0;
	sha256_hex(cookie, strlen(cookie), hash);
	/* The session and its user's grants in one statement: a row per grant
	 * (or one with NULL grant columns), one round trip on PostgreSQL. */
	struct db_stmt *st = db_query(r->db, "SELECT s.user_id, s.csrf, u.name, u.email, g.role, g.unit_id, g.village "
					     "FROM sessions s JOIN users u ON u.id = s.user_id "
					     "LEFT JOIN user_roles g ON g.user_id = u.id "
					     "WHERE s.id = ? AND s.expires_at > ? AND u.disabled = 0",
				      "si", hash, (int64_t)time(NULL));
	if (!st)
		return reply_db_error(r), -1;
	struct caller *c = &r->caller;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!c->user_id) {
			c->user_id = db_col_int(st, 0);
			c->csrf = arena_strdup(r->arena, db_col_text(st, 1));
			c->name = arena_strdup(r->arena, db_col_text(st, 2));
			c->email = arena_strdup(r->arena, db_col_text(st, 3));
			c->session_id = arena_strdup(r->arena, hash);
		}
		if (!db_col_is_null(st, 4))
			grant_add(r, db_col_text(st, 4), st, 5);
	}
	db_done(st);
	if (rc != DB_DONE)
		return reply_db_error(r), -1;
	return 0;
}

/* ---- sessions and rate limits ------------------------------------------ */

static void set_session_cookie(struct req *r, const char *token, int max_age)
{
	reply_header(r, "Set-Cookie",
		     arena_printf(r->arena, "pendopo_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
				  token, max_age, r->secure ? "; Secure" : ""));
}

int account_session_create(struct req *r, int64_t user_id, char csrf_out[48])
{
	char token[48], hash[65], now[24];
	token_new(token);
	token_new(csrf_out);
	sha256_hex(token, strlen(token), hash);
	time_iso_now(now);
	int64_t expires = (int64_t)time(NULL) + (int64_t)r->app->cfg.session_days * 86400;
	if (db_exec(r->db, "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) "
			   "VALUES (?, ?, ?, ?, ?)", "sissi", hash, user_id, csrf_out, now, expires) != DB_DONE ||
	    db_exec(r->db, "DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", "ii",
		    user_id, (int64_t)time(NULL)) != DB_DONE)
		return -1;
	set_session_cookie(r, token, r->app->cfg.session_days * 86400);
	return 0;
}

int auth_rate_hit(struct req *r, const char *bucket, int limit, int window_s)
{
	int64_t now = (int64_t)time(NULL), start = now - now % window_s, hits = 0;
	/* One round trip on PostgreSQL: every hit from one address waits for
	 * this row, and must not wait for our exchanges with the server. */
	int rc = db_tx_query_int(r->db, &hits,
				 "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) "
				 "ON CONFLICT (bucket) DO UPDATE SET "
				 "hits = CASE WHEN rate_limits.window_start = excluded.window_start "
				 "THEN rate_limits.hits + 1 ELSE 1 END, window_start = excluded.window_start "
				 "RETURNING hits", "si", bucket, start);
	if (rc != DB_ROW)
		return -1;
	return hits > limit ? (int)(start + window_s - now) : 0;
}

static int ip_limited(struct req *r)
{
	int wait = auth_rate_hit(r, arena_printf(r->arena, "auth:%s", r->client_ip),
			    r->app->cfg.ip_auth_per_minute, 60);
	if (wait < 0)
		return reply_db_error(r), 1;
	if (wait > 0) {
		reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
		reply_error_lang(r, 429, "rate_limited",
				 arena_printf(r->arena, "too many attempts from your address; try again in %d seconds", wait),
				 arena_printf(r->arena, "Terlalu banyak percobaan dari alamat Anda; coba lagi dalam %d detik.", wait),
				 NULL);
		return 1;
	}
	return 0;
}

int auth_rate_full(struct req *r, const char *bucket, int limit, int window_s)
{
	int64_t now = (int64_t)time(NULL), start = now - now % window_s, hits = 0;
	int rc = db_query_int(r->db, &hits, "SELECT hits FROM rate_limits WHERE bucket = ? AND window_start = ?",
			      "si", bucket, start);
	if (rc != DB_ROW && rc != DB_DONE)
		return -1;
	return rc == DB_ROW && hits >= limit ? (int)(start + window_s - now) : 0;
}

int auth_rate_clear(struct req *r, const char *bucket)
{
	return db_exec(r->db, "DELETE FROM rate_limits WHERE bucket = ?", "s", bucket) == DB_DONE ? 0 : -1;
}

static void wib_clock(int64_t epoch, char out[6])
{
	time_t t = (time_t)(epoch + 7 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 6, "%H:%M", &tm);
}

/* ---- register, login, logout ------------------------------------------- */

static const struct field register_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 100 },
	{ "email", FT_STRING, FF_NULLABLE, 254 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "password", FT_STRING, FF_REQUIRED, 128 },
	{ 0 },
};

static int auth_register(struct req *r)
{
	const char *name, *email, *phone, *pw = body_str(r, "password");
	char hash[crypto_pwhash_STRBYTES], csrf[48];
	int64_t id;

	if (account_contact_fields(r, &name, &email, &phone, 1))
		return 0;
	const struct password_problem *weak = account_password_problem(pw, email ? email : phone);
	if (weak)
		return reply_error_lang(r, 400, "invalid", weak->en, weak->id, "password");
	if (ip_limited(r))
		return 0;
	if (account_contact_taken(r, email, phone, 0))
		return 0;
	if (account_password_hash(pw, hash) != 0)
		return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (account_insert(r, name, email, phone, hash, &id))
		goto fail;
	r->caller.user_id = id;
	if (db_exec(r->db, "INSERT INTO user_roles (user_id, role) VALUES (?, 'citizen')", "i", id) != DB_DONE ||
	    account_session_create(r, id, csrf) != 0 ||
	    audit_append(r->db, &r->caller, "user.register", arena_printf(r->arena, "user:%" PRId64, id), NULL) != 0 ||
	    db_tx_commit(r->db) != DB_OK) {
		r->nhdrs = 0;	/* no session cookie for an account that was not stored */
		reply_db_error(r);
		goto fail;
	}
	return account_reply(r, 201, id, csrf);
fail:
	db_tx_rollback(r->db);
	return 0;
}

static const struct field login_fields[] = {
	{ "email", FT_STRING, FF_REQUIRED, 254 },
	{ "password", FT_STRING, FF_REQUIRED, 1000 },
	{ 0 },
};

/* Failed logins are counted per account *and* source address, so that
 * nobody can lock someone else out by failing on purpose from elsewhere;
 * the per-address limit (ip_limited) slows a guesser spreading over many
 * accounts.  Every failure answers the same words, whether the account
 * exists or not, so answers do not tell which accounts exist. */
static int auth_login(struct req *r)
{
	const char *ident = body_str(r, "email"), *pw = body_str(r, "password");
	const char *email = strchr(ident, '@') ? account_email_norm(r->arena, ident) : NULL;
	const char *phone = email ? NULL : phone_e164(r->arena, ident);
	const char *pair = arena_printf(r->arena, "login:%.254s|%s", email ? email : phone ? phone : ident, r->client_ip);
	int max = r->app->cfg.login_max_failures, window = r->app->cfg.lockout_minutes * 60;
	int64_t id = 0;
	int disabled = 0;
	char *hash = NULL, csrf[48];

	if (ip_limited(r))
		return 0;
	int wait = auth_rate_full(r, pair, max, window);
	if (wait < 0)
		return reply_db_error(r);
	if (wait > 0) {
		char until[6];
		wib_clock((int64_t)time(NULL) + wait, until);
		reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
		return reply_error_lang(r, 429, "account_locked",
					arena_printf(r->arena, "too many failed logins to this account from your address; "
							       "try again after %s WIB", until),
					arena_printf(r->arena, "Terlalu banyak percobaan masuk yang gagal ke akun ini dari "
							       "alamat Anda; coba lagi setelah pukul %s WIB.", until), NULL);
	}
	struct db_stmt *st = db_query(r->db, "SELECT id, password_hash, disabled FROM users "
					     "WHERE email = ? OR phone = ?", "ss", email, phone);
	if (!st)
		return reply_db_error(r);
	if ((email || phone) && db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		hash = arena_strdup(r->arena, db_col_text(st, 1));
		disabled = (int)db_col_int(st, 2);
	}
	db_done(st);

	int wrong;
	if (hash) {
		wrong = crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0;
	} else {
		/* The same time as a real check: response times do not tell
		 * which accounts exist either. */
		char dummy[crypto_pwhash_STRBYTES];
		account_password_hash(pw, dummy);
		wrong = 1;
	}
	if (wrong) {
		/* An attempt that could not be counted is not answered as
		 * one that was: the lock depends on every count. */
		if (auth_rate_hit(r, pair, max, window) < 0)
			return reply_db_error(r);
		return reply_error(r, 401, "invalid_credentials", NULL, NULL);
	}
	if (disabled)
		return reply_error(r, 403, "forbidden", "this account has been disabled; contact the administrator", NULL);

	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	r->caller.user_id = id;
	if (auth_rate_clear(r, pair) != 0 ||
	    account_session_create(r, id, csrf) != 0 ||
	    audit_append(r->db, &r->caller, "auth.login", arena_printf(r->arena, "user:%" PRId64, id), NULL) != 0 ||
	    db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		r->nhdrs = 0;	/* no cookie for a session that was not stored */
		return reply_db_error(r);
	}
	return account_reply(r, 200, id, csrf);
}

static int auth_logout(struct req *r)
{
	if (r->caller.session_id &&
	    (db_exec(r->db, "DELETE FROM sessions WHERE id = ?", "s", r->caller.session_id) != DB_DONE ||
	     audit_append(r->db, &r->caller, "auth.logout",
			  arena_printf(r->arena, "user:%" PRId64, r->caller.user_id), NULL) != 0))
		return reply_db_error(r);
	set_session_cookie(r, "", 0);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- tables -------------------------------------------------------------- */

static const struct route auth_routes[] = {
	{ "POST", "/api/auth/register", auth_register, ROLE_PUBLIC, register_fields, RF_NO_TX | RF_SUBMIT },
	{ "POST", "/api/auth/login", auth_login, ROLE_PUBLIC, login_fields, RF_NO_TX },
	{ "POST", "/api/auth/logout", auth_logout, ROLE_ANY_USER, NULL, 0 },
	{ 0 },
};

/* "user/ID/…": that user alone; "admin/…": admins and the regent's office. */
static int user_topic_may_follow(struct req *r, const char *topic)
{
	char *end;
	long long id = strtoll(topic + 5, &end, 10);
	return r->caller.user_id && id == r->caller.user_id && (*end == '\0' || *end == '/');
}

static const struct action follow_admin = { "events.follow_admin", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE };

static int admin_topic_may_follow(struct req *r, const char *topic)
{
	(void)topic;
	return can(&r->caller, &follow_admin, NULL);
}

static const struct topic_rule auth_topics[] = {
	{ "user/", user_topic_may_follow },
	{ "admin/", admin_topic_may_follow },
	{ 0 },
};

#define ROLE_CHECK "CHECK (role IN ('citizen','officer','unit_head','walidata','village_operator','admin','regent_office'))"
/* Since migration 2: the village head too. */
#define ROLE_CHECK_2 "CHECK (role IN ('citizen','officer','unit_head','walidata','village_operator','admin'," \
	"'regent_office','village_head'))"

static const struct migration auth_migrations[] = {
	{ 1, "users, roles, sessions, api keys, rate limits",
	  "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, phone TEXT UNIQUE,"
	  " password_hash TEXT NOT NULL, lang TEXT NOT NULL DEFAULT 'id', disabled INTEGER NOT NULL DEFAULT 0,"
	  " failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,"
	  " created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
	  "CREATE TABLE user_roles (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " role TEXT NOT NULL " ROLE_CHECK ", unit_id INTEGER REFERENCES org_units(id), village TEXT,"
	  " UNIQUE (user_id, role, unit_id, village));"
	  "CREATE INDEX user_roles_user ON user_roles(user_id);"
	  "CREATE INDEX user_roles_unit ON user_roles(unit_id);"
	  "CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at INTEGER NOT NULL);"
	  "CREATE INDEX sessions_user ON sessions(user_id);"
	  "CREATE TABLE api_keys (id INTEGER PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,"
	  " role TEXT NOT NULL " ROLE_CHECK ", unit_id INTEGER REFERENCES org_units(id), created_at TEXT NOT NULL,"
	  " last_used_at TEXT, revoked INTEGER NOT NULL DEFAULT 0);"
	  "CREATE TABLE rate_limits (bucket TEXT PRIMARY KEY, window_start INTEGER NOT NULL, hits INTEGER NOT NULL);",
	  "CREATE TABLE users (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT NOT NULL,"
	  " email TEXT UNIQUE, phone TEXT UNIQUE, password_hash TEXT NOT NULL, lang TEXT NOT NULL DEFAULT 'id',"
	  " disabled INTEGER NOT NULL DEFAULT 0, failed_logins INTEGER NOT NULL DEFAULT 0,"
	  " locked_until BIGINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
	  "CREATE TABLE user_roles (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	  " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE, role TEXT NOT NULL " ROLE_CHECK ","
	  " unit_id BIGINT REFERENCES org_units(id), village TEXT, UNIQUE (user_id, role, unit_id, village));"
	  "CREATE INDEX user_roles_user ON user_roles(user_id);"
	  "CREATE INDEX user_roles_unit ON user_roles(unit_id);"
	  "CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at BIGINT NOT NULL);"
	  "CREATE INDEX sessions_user ON sessions(user_id);"
	  "CREATE TABLE api_keys (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT NOT NULL,"
	  " token_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL " ROLE_CHECK ", unit_id BIGINT REFERENCES org_units(id),"
	  " created_at TEXT NOT NULL, last_used_at TEXT, revoked INTEGER NOT NULL DEFAULT 0);"
	  "CREATE TABLE rate_limits (bucket TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits INTEGER NOT NULL);" },
	/* Failed logins count per account and address in rate_limits now:
	 * a count on the account let anyone lock it. */
	{ 2, "failed logins counted per account and address",
	  "ALTER TABLE users DROP COLUMN failed_logins; ALTER TABLE users DROP COLUMN locked_until;",
	  "ALTER TABLE users DROP COLUMN failed_logins; ALTER TABLE users DROP COLUMN locked_until;" },
	/* SQLite cannot change a CHECK in place: the grants move to a new table. */
	{ 3, "the village head's role",
	  "CREATE TABLE user_roles_2 (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " role TEXT NOT NULL " ROLE_CHECK_2 ", unit_id INTEGER REFERENCES org_units(id), village TEXT,"
	  " UNIQUE (user_id, role, unit_id, village));"
	  "INSERT INTO user_roles_2 (id, user_id, role, unit_id, village) SELECT id, user_id, role, unit_id, village FROM user_roles;"
	  "DROP TABLE user_roles;"
	  "ALTER TABLE user_roles_2 RENAME TO user_roles;"
	  "CREATE INDEX user_roles_user ON user_roles(user_id);"
	  "CREATE INDEX user_roles_unit ON user_roles(unit_id);"
	  "CREATE INDEX user_roles_village ON user_roles(village) WHERE village IS NOT NULL;",
	  "ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;"
	  "ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check " ROLE_CHECK_2 ";"
	  "CREATE INDEX user_roles_village ON user_roles(village) WHERE village IS NOT NULL;" },
	{ 0 },
};

/* Windows end within a day (--lockout-minutes is at most 1440): older
 * rows are spent, and a spray of made-up accounts must not pile up. */
static void auth_tick(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	if (!c)
		return;
	if (db_tx_begin(c) != DB_OK ||
	    db_exec(c, "DELETE FROM rate_limits WHERE window_start < ?", "i", (int64_t)time(NULL) - 86400) != DB_DONE ||
	    db_tx_commit(c) != DB_OK) {
		log_warn("spent rate-limit windows not removed", LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
	db_release(app->db, c);
}

const struct module auth_module = {
	.name = "auth",
	.tick = auth_tick,
	.routes = auth_routes,
	.topics = auth_topics,
	.migrations = auth_migrations,
};
