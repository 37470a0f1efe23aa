/* auth.c - users, sessions, API tokens, roles; register, login, profile and
 * the admin's user and token management.
 *
 * Passwords are argon2id (libsodium's interactive limits).  Hashing takes
 * tens of milliseconds, so handlers that hash do it before opening their
 * write transaction (RF_NO_TX) instead of holding the database's write lock
 * meanwhile.  Session and API tokens are stored as SHA-256 hashes.  Rate
 * limits and lockouts live in the database so that several instances
 * behind one load balancer share them.
 */
#include "auth.h"
#include "app.h"
#include "audit.h"
#include "cli.h"
#include "can.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"
#include "validate.h"

#include <ctype.h>
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
};

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

/* ---- input normalisation ------------------------------------------------ */

static char *trimmed(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* Lower-cased, or NULL when it does not look like an address. */
static char *email_norm(struct arena *a, const char *in)
{
	char *e = trimmed(a, in);
	if (!e)
		return NULL;
	size_t n = strlen(e);
	const char *at = strchr(e, '@');
	if (n < 3 || n > 254 || !at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    at[1] == '.' || e[n - 1] == '.')
		return NULL;
	for (char *p = e; *p; p++) {
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' || *p == '"')
			return NULL;
		*p = (char)tolower((unsigned char)*p);
	}
	return e;
}

/* Indonesian mobile numbers in the international form +62...; "0812..." and
 * "62812..." are the same number written the local way. */
static char *phone_norm(struct arena *a, const char *in)
{
	char digits[32];
	size_t n = 0;
	if (!in)
		return NULL;
	for (const char *p = in; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof(digits))
				return NULL;
			digits[n++] = *p;
		} else if (!strchr(" -().+", *p) || (*p == '+' && p != in)) {
			return NULL;
		}
	}
	digits[n] = '\0';
	const char *rest = digits;
	if (digits[0] == '0')
		rest = digits + 1;
	else if (strncmp(digits, "62", 2) == 0)
		rest = digits + 2;
	else if (in[0] != '+')
		return NULL;
	size_t len = strlen(rest);
	if (len < 8 || len > 13)
		return NULL;
	return rest == digits ? arena_printf(a, "+%s", digits) : arena_printf(a, "+62%s", rest);
}

static const char *password_problem(const char *pw)
{
	size_t n = utf8_length(pw);
	if (n < 8)
		return "password must have at least 8 characters";
	if (n > 128)
		return "password must have at most 128 characters";
	return NULL;
}

static int password_hash(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/* ---- the user object ---------------------------------------------------- */

/* 0 found, 1 missing, -1 error. */
static int user_json(struct db_conn *c, struct arena *a, int64_t id, json_t **out)
{
	struct db_stmt *st = db_query(c, "SELECT name, email, phone, lang, disabled, created_at "
					 "FROM users WHERE id = ?", "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 1 : -1;
	}
	json_t *u = json_pack("{s:I,s:s,s:s?,s:s?,s:s,s:b,s:s}",
			      "id", (json_int_t)id, "name", db_col_text(st, 0),
			      "email", db_col_text(st, 1), "phone", db_col_text(st, 2),
			      "lang", db_col_text(st, 3), "disabled", (int)db_col_int(st, 4),
			      "created_at", db_col_text(st, 5));
	db_done(st);

	json_t *roles = json_array();
	st = db_query(c, "SELECT role, unit_id, village FROM user_roles WHERE user_id = ? ORDER BY id", "i", id);
	if (!st) {
		json_decref(u);
		json_decref(roles);
		return -1;
	}
	struct { char *role, *village; int64_t unit; } g[16];
	int ng = 0;
	while (ng < 16 && db_step(st) == DB_ROW) {
		g[ng].role = arena_strdup(a, db_col_text(st, 0));
		g[ng].unit = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
		g[ng].village = arena_strdup(a, db_col_text(st, 2));
		ng++;
	}
	db_done(st);
	for (int i = 0; i < ng; i++) {
		json_t *unit = json_null(), *village = json_null();
		const char *code, *name;
		int level;
		if (g[i].unit && orgs_code_name(c, a, g[i].unit, &code, &name) == 0)
			unit = json_pack("{s:s,s:s}", "code", code, "name", name);
		if (g[i].village && regions_lookup(c, a, g[i].village, &name, &level) == 0)
			village = json_pack("{s:s,s:s}", "kode", g[i].village, "nama", name);
		json_array_append_new(roles, json_pack("{s:s,s:o,s:o}", "role", g[i].role,
						       "unit", unit, "village", village));
	}
	json_object_set_new(u, "roles", roles);
	*out = u;
	return 0;
}

static int reply_user(struct req *r, int status, int64_t id, const char *csrf)
{
	json_t *u;
	int rc = user_json(r->db, r->arena, id, &u);
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no such user", NULL);
	if (rc < 0)
		return reply_db_error(r);
	json_t *body = json_pack("{s:o}", "user", u);
	if (csrf)
		json_object_set_new(body, "csrf_token", json_string(csrf));
	return reply_json(r, status, body);
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
		if (*n == cap) {
			/* The arena cannot grow a block in place: copy on doubling. */
			struct staff_member *grown = arena_alloc(a, (cap = cap ? cap * 2 : 16) * sizeof(*grown));
			if (!grown) {
				rc = DB_ERROR;
				break;
			}
			if (*n)
				memcpy(grown, *out, *n * sizeof(*grown));
			*out = grown;
		}
		struct staff_member *m = &(*out)[(*n)++];
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

/* Inside the caller's transaction.  csrf_out receives the new CSRF token. */
static int session_create(struct req *r, int64_t user_id, char csrf_out[48])
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

/* Count one attempt in a fixed window, in its own committed transaction so
 * that refused attempts still count.  Returns the seconds to wait when over
 * the limit, 0 when allowed, -1 on a database error. */
static int rate_hit(struct req *r, const char *bucket, int limit, int window_s)
{
	int64_t now = (int64_t)time(NULL), start = now - now % window_s, hits = 0;
	if (db_tx_begin(r->db) != DB_OK)
		return -1;
	int rc = db_query_int(r->db, &hits,
			      "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) "
			      "ON CONFLICT (bucket) DO UPDATE SET "
			      "hits = CASE WHEN rate_limits.window_start = excluded.window_start "
			      "THEN rate_limits.hits + 1 ELSE 1 END, window_start = excluded.window_start "
			      "RETURNING hits", "si", bucket, start);
	if (rc != DB_ROW || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return -1;
	}
	return hits > limit ? (int)(start + window_s - now) : 0;
}

static int ip_limited(struct req *r)
{
	int wait = rate_hit(r, arena_printf(r->arena, "auth:%s", r->client_ip),
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

/* Shared by self-registration and the admin's user creation: checks and
 * normalises name, email and phone.  1 when a reply was set. */
static int contact_fields(struct req *r, const char **name, const char **email, const char **phone, int need_one)
{
	const char *n = trimmed(r->arena, body_str(r, "name"));
	const char *e = body_str(r, "email"), *p = body_str(r, "phone");
	if (name) {
		if (!n || !*n)
			return reply_error(r, 400, "invalid", "name is required", "name"), 1;
		*name = n;
	}
	*email = NULL;
	*phone = NULL;
	if (e && *e && !(*email = email_norm(r->arena, e)))
		return reply_error(r, 400, "invalid", "email is not a valid address", "email"), 1;
	if (p && *p && !(*phone = phone_norm(r->arena, p)))
		return reply_error(r, 400, "invalid", "phone must be an Indonesian number such as 0812 3456 7890", "phone"), 1;
	if (need_one && !*email && !*phone)
		return reply_error(r, 400, "invalid", "give an email address or a phone number", "email"), 1;
	return 0;
}

/* 1 with a 409 reply when email or phone belongs to another user. */
static int contact_taken(struct req *r, const char *email, const char *phone, int64_t self)
{
	int64_t other;
	if (email && db_query_int(r->db, &other, "SELECT id FROM users WHERE email = ? AND id <> ?", "si",
				  email, self) == DB_ROW)
		return reply_error(r, 409, "conflict", "this email address is already registered", "email"), 1;
	if (phone && db_query_int(r->db, &other, "SELECT id FROM users WHERE phone = ? AND id <> ?", "si",
				  phone, self) == DB_ROW)
		return reply_error(r, 409, "conflict", "this phone number is already registered", "phone"), 1;
	return 0;
}

static int user_insert(struct req *r, const char *name, const char *email, const char *phone,
		       const char *hash, int64_t *id)
{
	char now[24];
	time_iso_now(now);
	int rc = db_query_int(r->db, id, "INSERT INTO users (name, email, phone, password_hash, created_at, updated_at) "
				       "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", "ssssss",
			      name, email, phone, hash, now, now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "this email address or phone number is already registered", "email"), 1;
	if (rc != DB_ROW)
		return reply_db_error(r), 1;
	return 0;
}

static int auth_register(struct req *r)
{
	const char *name, *email, *phone, *pw = body_str(r, "password"), *why;
	char hash[crypto_pwhash_STRBYTES], csrf[48];
	int64_t id;

	if (contact_fields(r, &name, &email, &phone, 1))
		return 0;
	if ((why = password_problem(pw)))
		return reply_error(r, 400, "invalid", why, "password");
	if (ip_limited(r))
		return 0;
	if (contact_taken(r, email, phone, 0))
		return 0;
	if (password_hash(pw, hash) != 0)
		return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (user_insert(r, name, email, phone, hash, &id))
		goto fail;
	r->caller.user_id = id;
	if (db_exec(r->db, "INSERT INTO user_roles (user_id, role) VALUES (?, 'citizen')", "i", id) != DB_DONE ||
	    session_create(r, id, csrf) != 0 ||
	    audit_append(r->db, &r->caller, "user.register", arena_printf(r->arena, "user:%" PRId64, id), NULL) != 0 ||
	    db_tx_commit(r->db) != DB_OK) {
		r->nhdrs = 0;	/* no session cookie for an account that was not stored */
		reply_db_error(r);
		goto fail;
	}
	return reply_user(r, 201, id, csrf);
fail:
	db_tx_rollback(r->db);
	return 0;
}

static const struct field login_fields[] = {
	{ "email", FT_STRING, FF_REQUIRED, 254 },
	{ "password", FT_STRING, FF_REQUIRED, 1000 },
	{ 0 },
};

static int auth_login(struct req *r)
{
	const char *ident = body_str(r, "email"), *pw = body_str(r, "password");
	const char *email = strchr(ident, '@') ? email_norm(r->arena, ident) : NULL;
	const char *phone = email ? NULL : phone_norm(r->arena, ident);
	int64_t id = 0, locked_until = 0, now = (int64_t)time(NULL);
	int disabled = 0;
	char *hash = NULL, csrf[48];

	if (ip_limited(r))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT id, password_hash, disabled, locked_until FROM users "
					     "WHERE email = ? OR phone = ?", "ss", email, phone);
	if (!st)
		return reply_db_error(r);
	if ((email || phone) && db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		hash = arena_strdup(r->arena, db_col_text(st, 1));
		disabled = (int)db_col_int(st, 2);
		locked_until = db_col_int(st, 3);
	}
	db_done(st);

	if (locked_until > now) {
		char until[6];
		wib_clock(locked_until, until);
		reply_header(r, "Retry-After", arena_printf(r->arena, "%" PRId64, locked_until - now));
		return reply_error_lang(r, 429, "account_locked",
					arena_printf(r->arena, "this account is locked after too many failed logins; "
							       "try again after %s WIB", until),
					arena_printf(r->arena, "Akun ini dikunci karena terlalu banyak percobaan masuk yang gagal; "
							       "coba lagi setelah pukul %s WIB.", until), NULL);
	}
	if (!hash) {
		/* Spend the same time as a real check, so response times do not
		 * tell which accounts exist. */
		char dummy[crypto_pwhash_STRBYTES];
		password_hash(pw, dummy);
		return reply_error(r, 401, "invalid_credentials", "wrong email, phone number or password", NULL);
	}
	if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0) {
		int max = r->app->cfg.login_max_failures;
		int64_t lock_at = now + (int64_t)r->app->cfg.lockout_minutes * 60, failures = 0;
		/* An attempt that could not be counted is not answered as
		 * one that was: the lockout depends on every count. */
		if (db_tx_begin(r->db) != DB_OK)
			return reply_db_error(r);
		if (db_query_int(r->db, &failures,
				 "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins",
				 "i", id) != DB_ROW ||
		    (failures >= max &&
		     db_exec(r->db, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?", "ii",
			     lock_at, id) != DB_DONE) ||
		    db_tx_commit(r->db) != DB_OK) {
			db_tx_rollback(r->db);
			return reply_db_error(r);
		}
		if (failures >= max)
			return reply_error_lang(r, 401, "invalid_credentials",
						arena_printf(r->arena, "wrong password; the account is now locked for %d minutes",
							     r->app->cfg.lockout_minutes),
						arena_printf(r->arena, "Kata sandi salah; akun sekarang dikunci selama %d menit.",
							     r->app->cfg.lockout_minutes), NULL);
		return reply_error_lang(r, 401, "invalid_credentials",
					arena_printf(r->arena, "wrong email, phone number or password (%" PRId64 " of %d attempts before a lockout)",
						     failures, max),
					arena_printf(r->arena, "Email/nomor HP atau kata sandi salah (percobaan %" PRId64 " dari %d sebelum akun dikunci).",
						     failures, max), NULL);
	}
	if (disabled)
		return reply_error(r, 403, "forbidden", "this account has been disabled; contact the administrator", NULL);

	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	r->caller.user_id = id;
	if (db_exec(r->db, "UPDATE users SET failed_logins = 0 WHERE id = ?", "i", id) != DB_DONE ||
	    session_create(r, id, csrf) != 0 ||
	    audit_append(r->db, &r->caller, "auth.login", arena_printf(r->arena, "user:%" PRId64, id), NULL) != 0 ||
	    db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		r->nhdrs = 0;	/* no cookie for a session that was not stored */
		return reply_db_error(r);
	}
	return reply_user(r, 200, id, csrf);
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

/* ---- the caller's own profile ------------------------------------------- */

static int me_get(struct req *r)
{
	if (!r->caller.user_id)
		return reply_json(r, 200, json_pack("{s:n,s:{s:I,s:s}}", "user", "apikey",
						    "id", (json_int_t)r->caller.apikey_id, "name", r->caller.name));
	return reply_user(r, 200, r->caller.user_id, r->caller.csrf);
}

static const struct field me_fields[] = {
	{ "name", FT_STRING, 0, 100 },
	{ "email", FT_STRING, FF_NULLABLE, 254 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "lang", FT_STRING, 0, 2 },
	{ 0 },
};

/* Apply name/email/phone/lang from the body to user id.  1 when replied. */
static int profile_update(struct req *r, int64_t id)
{
	const char *email = NULL, *phone = NULL, *lang = body_str(r, "lang"), *name = NULL;
	char now[24];
	int64_t no_contact = 0;
	if (contact_fields(r, NULL, &email, &phone, 0))
		return 1;
	if (body_has(r, "name") && !*(name = trimmed(r->arena, body_str(r, "name"))))
		return reply_error(r, 400, "invalid", "name must not be empty", "name"), 1;
	if (lang && strcmp(lang, "id") != 0 && strcmp(lang, "en") != 0)
		return reply_error(r, 400, "invalid", "lang must be \"id\" or \"en\"", "lang"), 1;
	if (contact_taken(r, email, phone, id))
		return 1;
	/* One statement for the whole change: it runs while this process's
	 * writers wait their turn.  An explicit null or "" removes a contact;
	 * absence leaves it. */
	time_iso_now(now);
	int rc = db_query_int(r->db, &no_contact,
			      "UPDATE users SET name = COALESCE(?, name), lang = COALESCE(?, lang),"
			      " email = CASE WHEN ? = 1 THEN ? ELSE email END,"
			      " phone = CASE WHEN ? = 1 THEN ? ELSE phone END, updated_at = ?"
			      " WHERE id = ? RETURNING CASE WHEN email IS NULL AND phone IS NULL THEN 1 ELSE 0 END",
			      "ssbsbssi", name, lang, body_has(r, "email"), email, body_has(r, "phone"), phone, now, id);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "this email address or phone number is already registered",
				   body_has(r, "email") ? "email" : "phone"), 1;
	if (rc != DB_ROW)
		return reply_db_error(r), 1;
	if (no_contact)
		return reply_error(r, 400, "invalid", "an account needs an email address or a phone number", "email"), 1;
	return 0;
}

static json_t *changed_fields(struct req *r)
{
	json_t *d = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(r->body, key, v)
		if (strcmp(key, "password") != 0 && strcmp(key, "current_password") != 0 &&
		    strcmp(key, "new_password") != 0)
			json_object_set(d, key, v);
	return d;
}

static int me_patch(struct req *r)
{
	if (!r->caller.user_id)
		return reply_error(r, 403, "forbidden", "API tokens have no profile", NULL);
	/* Its own transaction, so that the reply is read after the commit
	 * rather than while other writers wait. */
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (profile_update(r, r->caller.user_id)) {
		db_tx_rollback(r->db);
		return 0;
	}
	json_t *d = changed_fields(r);
	int rc = audit_append(r->db, &r->caller, "user.update", arena_printf(r->arena, "user:%" PRId64, r->caller.user_id), d);
	json_decref(d);
	if (rc != 0 || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	return reply_user(r, 200, r->caller.user_id, NULL);
}

static const struct field password_fields[] = {
	{ "current_password", FT_STRING, FF_REQUIRED, 1000 },
	{ "new_password", FT_STRING, FF_REQUIRED, 128 },
	{ 0 },
};

static int me_password(struct req *r)
{
	const char *cur = body_str(r, "current_password"), *pw = body_str(r, "new_password"), *why;
	char hash[crypto_pwhash_STRBYTES], *old = NULL, now[24];
	if (!r->caller.user_id)
		return reply_error(r, 403, "forbidden", "API tokens have no password", NULL);
	if ((why = password_problem(pw)))
		return reply_error(r, 400, "invalid", why, "new_password");
	struct db_stmt *st = db_query(r->db, "SELECT password_hash FROM users WHERE id = ?", "i", r->caller.user_id);
	if (st && db_step(st) == DB_ROW)
		old = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	if (!old || crypto_pwhash_str_verify(old, cur, strlen(cur)) != 0)
		return reply_error(r, 400, "invalid", "the current password is wrong", "current_password");
	if (password_hash(pw, hash) != 0)
		return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	time_iso_now(now);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (db_exec(r->db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", "ssi",
		    hash, now, r->caller.user_id) != DB_DONE ||
	    db_exec(r->db, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "is",
		    r->caller.user_id, r->caller.session_id ? r->caller.session_id : "") != DB_DONE ||
	    audit_append(r->db, &r->caller, "user.password", arena_printf(r->arena, "user:%" PRId64, r->caller.user_id), NULL) != 0 ||
	    db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

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
					   "village_operator, admin or regent_office", "roles"), 1;
		if (rl == ROLE_OFFICER || rl == ROLE_UNIT_HEAD) {
			if (!unit || orgs_id_by_code(r->db, unit, &unit_id) != 0)
				return reply_error(r, 400, "invalid",
						   arena_printf(r->arena, "%s needs the code of an existing organisation unit", role),
						   "roles"), 1;
		} else if (unit) {
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is not scoped to a unit", role), "roles"), 1;
		}
		if (rl == ROLE_VILLAGE_OPERATOR) {
			if (!village || regions_lookup(r->db, r->arena, village, &vname, &level) != 0 || level != 4)
				return reply_error(r, 400, "invalid", "village_operator needs the code of an existing village",
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
		if (user_json(r->db, r->arena, ids[i], &u) == 0)
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
	return reply_user(r, 200, id, NULL);
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
	const char *name, *email, *phone, *why;
	char hash[crypto_pwhash_STRBYTES];
	int64_t id;
	if (contact_fields(r, &name, &email, &phone, 1))
		return 0;
	if ((why = password_problem(body_str(r, "password"))))
		return reply_error(r, 400, "invalid", why, "password");
	if (password_hash(body_str(r, "password"), hash) != 0)
		return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (contact_taken(r, email, phone, 0) || user_insert(r, name, email, phone, hash, &id) ||
	    roles_set(r, id, json_object_get(r->body, "roles")))
		goto fail;
	json_t *d = changed_fields(r);
	int rc = audit_append(r->db, &r->caller, "user.create", arena_printf(r->arena, "user:%" PRId64, id), d);
	json_decref(d);
	if (rc != 0 || db_tx_commit(r->db) != DB_OK) {
		reply_db_error(r);
		goto fail;
	}
	return reply_user(r, 201, id, NULL);
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
	const char *pw = body_str(r, "password"), *why;
	char hash[crypto_pwhash_STRBYTES];
	if (user_id_param(r, &id))
		return 0;
	if (pw && (why = password_problem(pw)))
		return reply_error(r, 400, "invalid", why, "password");
	if (pw && password_hash(pw, hash) != 0)
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
	if (profile_update(r, id))
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
	if ((pw && db_exec(r->db, "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?",
			   "si", hash, id) != DB_DONE) ||
	    (body_has(r, "disabled") &&
	     db_exec(r->db, "UPDATE users SET disabled = ? WHERE id = ?", "bi", off, id) != DB_DONE) ||
	    ((pw || body_has(r, "disabled") || body_has(r, "roles")) &&
	     db_exec(r->db, "DELETE FROM sessions WHERE user_id = ?", "i", id) != DB_DONE)) {
		reply_db_error(r);
		goto fail;
	}
	json_t *d = changed_fields(r);
	if (pw)
		json_object_set_new(d, "password", json_string("changed"));
	rc = audit_append(r->db, &r->caller, "user.admin_update", arena_printf(r->arena, "user:%" PRId64, id), d);
	json_decref(d);
	if (rc != 0 || db_tx_commit(r->db) != DB_OK) {
		reply_db_error(r);
		goto fail;
	}
	return reply_user(r, 200, id, NULL);
fail:
	db_tx_rollback(r->db);
	return 0;
}

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
	const char *name = trimmed(r->arena, body_str(r, "name")), *role = body_str(r, "role");
	const char *unit = body_str(r, "unit");
	int64_t unit_id = 0, id;
	char token[48];
	if (!*name)
		return reply_error(r, 400, "invalid", "name is required", "name");
	if (!role_from_name(role))
		return reply_error(r, 400, "invalid", "unknown role", "role");
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

/* ---- command line ------------------------------------------------------- */

/* Create a user with one grant inside the caller's transaction. */
static int user_add_tx(struct db_conn *c, struct arena *a, const char *name, const char *email,
		       const char *password, const char *role, const char *unit,
		       const char *village, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES], now[24];
	int64_t id, unit_id = 0;
	int level = 0;
	const char *e = email_norm(a, email), *vname;
	const struct caller cli = { .name = "cli" };
	enum role rl = role_from_name(role);

	if (!e)
		return snprintf(err, errlen, "'%s' is not a valid email address", email ? email : ""), -1;
	if (password_problem(password))
		return snprintf(err, errlen, "%s", password_problem(password)), -1;
	if (!rl)
		return snprintf(err, errlen, "unknown role '%s'", role), -1;
	if ((rl & (ROLE_OFFICER | ROLE_UNIT_HEAD)) && (!unit || orgs_id_by_code(c, unit, &unit_id) != 0))
		return snprintf(err, errlen, "%s needs --unit with the code of an existing organisation unit", role), -1;
	if (rl == ROLE_VILLAGE_OPERATOR &&
	    (!village || regions_lookup(c, a, village, &vname, &level) != 0 || level != 4))
		return snprintf(err, errlen, "village_operator needs --village with an existing village code"), -1;
	if (password_hash(password, hash) != 0)
		return snprintf(err, errlen, "out of memory hashing the password"), -1;
	time_iso_now(now);
	int rc = db_query_int(c, &id, "INSERT INTO users (name, email, password_hash, created_at, updated_at) "
				      "VALUES (?, ?, ?, ?, ?) RETURNING id", "sssss",
			      name ? name : e, e, hash, now, now);
	if (rc == DB_CONSTRAINT)
		return snprintf(err, errlen, "%s is already registered", e), -1;
	if (rc != DB_ROW ||
	    db_exec(c, "INSERT INTO user_roles (user_id, role, unit_id, village) VALUES (?, ?, NULLIF(?, 0), ?)",
		    "isis", id, role, unit_id, rl == ROLE_VILLAGE_OPERATOR ? village : NULL) != DB_DONE ||
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

/* Demo accounts for `make run`, one per kind of user, in the demo units. */
static int auth_demo_load(struct app *app, struct db_conn *c)
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
			fprintf(stderr, "pendopo demo load: %s: %s\n", demo[i].email, err);
	}
	arena_free(a);
	return rc;
}

/* ---- tables -------------------------------------------------------------- */

#define ADMIN ROLE_ADMIN
#define ADMIN_READ (ROLE_ADMIN | ROLE_REGENT_OFFICE)

static const struct route auth_routes[] = {
	{ "POST", "/api/auth/register", auth_register, ROLE_PUBLIC, register_fields, RF_NO_TX },
	{ "POST", "/api/auth/login", auth_login, ROLE_PUBLIC, login_fields, RF_NO_TX },
	{ "POST", "/api/auth/logout", auth_logout, ROLE_ANY_USER, NULL, 0 },
	{ "GET", "/api/me", me_get, ROLE_ANY_USER, NULL, 0 },
	{ "PATCH", "/api/me", me_patch, ROLE_ANY_USER, me_fields, RF_NO_TX },
	{ "POST", "/api/me/password", me_password, ROLE_ANY_USER, password_fields, RF_NO_TX },
	{ "GET", "/api/users", users_list, ADMIN_READ, NULL, 0 },
	{ "POST", "/api/users", users_create, ADMIN, user_create_fields, RF_NO_TX },
	{ "GET", "/api/users/{id}", users_get, ADMIN_READ, NULL, 0 },
	{ "PATCH", "/api/users/{id}", users_patch, ADMIN, user_patch_fields, RF_NO_TX },
	{ "GET", "/api/apikeys", apikeys_list, ADMIN, NULL, 0 },
	{ "POST", "/api/apikeys", apikeys_create, ADMIN, apikey_fields, 0 },
	{ "DELETE", "/api/apikeys/{id}", apikeys_delete, ADMIN, NULL, 0 },
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
	{ 0 },
};

/* ---- commands -------------------------------------------------------------- */

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

static const struct cli_opt user_opts[] = {
	CLI_OPT_DB,
	{ "--email", NULL, "login email", NULL },
	{ "--password", NULL, "password (8 characters or more)", NULL },
	{ "--name", NULL, "display name (default: the email)", NULL },
	{ "--role", NULL, "citizen, officer, unit_head, walidata, village_operator, admin, regent_office", "citizen" },
	{ "--unit", NULL, "organisation code, for officer and unit_head", NULL },
	{ "--village", NULL, "village code, for village_operator", NULL },
	{ 0 },
};

static const struct cli_opt apikey_opts[] = {
	CLI_OPT_DB,
	{ "--role", NULL, "role the token acts with", "officer" },
	{ "--unit", NULL, "organisation code the token is scoped to", NULL },
	{ 0 },
};

static const struct command auth_commands[] = {
	{ "user add", "user add --email E --password P [--role ROLE] [--unit CODE] [--village CODE] [--name N]",
	  "Create an account with one role.", user_opts, user_add_command },
	{ "apikey create", "apikey create NAME [--role ROLE] [--unit CODE]",
	  "Create an API token for a machine client and print it (shown once).", apikey_opts, apikey_create_command },
	{ 0 },
};

const struct module auth_module = {
	.name = "auth",
	.routes = auth_routes,
	.commands = auth_commands,
	.topics = auth_topics,
	.migrations = auth_migrations,
	.demo_load = auth_demo_load,
};
