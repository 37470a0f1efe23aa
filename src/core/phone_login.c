/* phone_login.c - logging in and registering by phone number with a
 * one-time code sent by WhatsApp or SMS.
 *
 * POST /api/auth/phone/code asks for a code: six digits, kept only as a
 * salted hash, valid CODE_TTL_S seconds, queued through the outbox for
 * the channel asked for (the channels module delivers it).  The answer is
 * the same whether the number has an account or not.  POST
 * /api/auth/phone/verify with the right code logs the number's account in,
 * or registers a citizen with the name given; a wrong, expired or missing
 * code answers one 401 for every number.  Sends are limited per number
 * (nobody can flood a stranger's phone) and per address, tries per number
 * (a code cannot be guessed in the attempts allowed: 5 of 10^6).
 */
#include "auth.h"
#include "accounts.h"
#include "app.h"
#include "audit.h"
#include "log.h"
#include "outbox.h"
#include "phone.h"
#include "util.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define CODE_TTL_S 300
#define SEND_PER_NUMBER 3		/* codes per number in SEND_WINDOW_S */
#define SEND_PER_ADDRESS 10		/* codes asked from one address in an hour */
#define SEND_WINDOW_S 900
#define TRIES_PER_NUMBER 5		/* wrong codes per number in TRY_WINDOW_S */
#define TRY_WINDOW_S 900

/* hex(BLAKE2b(salt, phone, code)) */
static void code_hash(const char *salt, const char *phone, const char *code, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)salt, strlen(salt));
	crypto_generichash_update(&st, (const unsigned char *)phone, strlen(phone) + 1);
	crypto_generichash_update(&st, (const unsigned char *)code, strlen(code));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* 429 with Retry-After when a bucket is over its limit; 1 when replied. */
static int limited(struct req *r, const char *bucket, int limit, int window_s)
{
	int wait = auth_rate_hit(r, bucket, limit, window_s);
	if (wait < 0)
		return reply_db_error(r), 1;
	if (wait == 0)
		return 0;
	reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
	reply_error_lang(r, 429, "rate_limited",
			 arena_printf(r->arena, "too many codes asked for; try again in %d seconds", wait),
			 arena_printf(r->arena, "Terlalu banyak permintaan kode; coba lagi dalam %d detik.", wait), NULL);
	return 1;
}

static const char *phone_of(struct req *r)
{
	const char *p = phone_e164(r->arena, body_str(r, "phone"));
	if (!p)
		reply_error_lang(r, 400, "invalid", "phone must be a number such as 0812 3456 7890, or + with the country code",
				 "Nomor HP harus berupa nomor seperti 0812 3456 7890, atau + dengan kode negara.", "phone");
	return p;
}

static const struct field code_fields[] = {
	{ "phone", FT_STRING, FF_REQUIRED, 32 },
	{ "channel", FT_STRING, 0, 16 },
	{ 0 },
};

/* POST /api/auth/phone/code {phone, channel?: "whatsapp" | "sms"} */
static int code_send(struct req *r)
{
	const char *phone = phone_of(r), *by = body_str(r, "channel");
	if (!phone)
		return 0;
	unsigned on = r->app->code_channels, want = 0;
	if (by && strcmp(by, "whatsapp") == 0)
		want = NOTICE_WHATSAPP;
	else if (by && strcmp(by, "sms") == 0)
		want = NOTICE_SMS;
	else if (by)
		return reply_error(r, 400, "invalid", "channel must be whatsapp or sms", "channel");
	else
		want = on & NOTICE_WHATSAPP ? NOTICE_WHATSAPP : NOTICE_SMS;
	if (!(on & want))
		return reply_error(r, 503, "channel_unavailable", by ? arena_printf(r->arena, "codes cannot be sent by %s here",
										  by) : NULL, by ? "channel" : NULL);
	const char *channel = want == NOTICE_SMS ? "sms" : "whatsapp";
	if (limited(r, arena_printf(r->arena, "code-ip:%s", r->client_ip), SEND_PER_ADDRESS, 3600) ||
	    limited(r, arena_printf(r->arena, "code-send:%s", phone), SEND_PER_NUMBER, SEND_WINDOW_S))
		return 0;

	char code[8], salt[33], hash[65], at[24];
	unsigned char raw[16];
	snprintf(code, sizeof(code), "%06" PRIu32, randombytes_uniform(1000000));
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(salt, sizeof(salt), raw, sizeof(raw));
	code_hash(salt, phone, code, hash);
	time_t now = app_now(r->app);
	time_iso(now, at);
	json_t *data = json_pack("{s:s, s:s}", "code", code, "channel", channel);
	struct notice n = { .address = phone, .topic = OUTBOX_TOPIC_CODE, .object = arena_printf(r->arena, "phone:%s", phone),
			    .data = data };
	int ok = db_tx_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO phone_codes (phone, salt, code_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)"
				" ON CONFLICT (phone) DO UPDATE SET salt = excluded.salt, code_hash = excluded.code_hash,"
				" expires_at = excluded.expires_at, created_at = excluded.created_at",
			 "sssis", phone, salt, hash, (int64_t)now + CODE_TTL_S, at) == DB_DONE &&
		 outbox_notify(r->db, &n, at) == 0 && db_tx_commit(r->db) == DB_OK;
	json_decref(data);
	sodium_memzero(code, sizeof(code));
	if (!ok) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	return reply_json(r, 202, json_pack("{s:s, s:s, s:i}", "phone", phone, "channel", channel,
					    "expires_in", CODE_TTL_S));
}

static const struct field verify_fields[] = {
	{ "phone", FT_STRING, FF_REQUIRED, 32 },
	{ "code", FT_STRING, FF_REQUIRED, 16 },
	{ "name", FT_STRING, 0, 100 },
	{ 0 },
};

/* 1 when code is the number's live code, 0 when not, -1 on error. */
static int code_right(struct req *r, const char *phone, const char *code)
{
	struct db_stmt *st = db_query(r->db, "SELECT salt, code_hash, expires_at FROM phone_codes WHERE phone = ?", "s",
				      phone);
	if (!st)
		return -1;
	int rc = db_step(st), right = 0;
	if (rc == DB_ROW && db_col_int(st, 2) > (int64_t)app_now(r->app)) {
		char hash[65];
		code_hash(db_col_text(st, 0), phone, code, hash);
		right = sodium_memcmp(hash, db_col_text(st, 1), 64) == 0;
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? right : -1;
}

/* POST /api/auth/phone/verify {phone, code, name?} */
static int code_verify(struct req *r)
{
	const char *phone = phone_of(r), *code = body_str(r, "code");
	if (!phone)
		return 0;
	const char *tries = arena_printf(r->arena, "code-try:%s", phone);
	int wait = auth_rate_full(r, tries, TRIES_PER_NUMBER, TRY_WINDOW_S);
	if (wait < 0)
		return reply_db_error(r);
	if (wait > 0) {
		reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
		return reply_error_lang(r, 429, "rate_limited",
					arena_printf(r->arena, "too many wrong codes for this number; ask for a new code "
							       "in %d seconds", wait),
					arena_printf(r->arena, "Terlalu banyak kode salah untuk nomor ini; minta kode baru "
							       "dalam %d detik.", wait), NULL);
	}
	int right = code_right(r, phone, code);
	if (right < 0)
		return reply_db_error(r);
	if (!right) {
		/* After the fifth the number takes no tries for longer than a
		 * code lives: that code is spent. */
		if (auth_rate_hit(r, tries, TRIES_PER_NUMBER, TRY_WINDOW_S) < 0)
			return reply_db_error(r);
		return reply_error(r, 401, "invalid_code", NULL, NULL);
	}

	int64_t id = 0, disabled = 0;
	struct db_stmt *st = db_query(r->db, "SELECT id, disabled FROM users WHERE phone = ?", "s", phone);
	if (!st)
		return reply_db_error(r);
	int rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		disabled = db_col_int(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return reply_db_error(r);
	if (disabled)
		return reply_error(r, 403, "forbidden", "this account has been disabled; contact the administrator", NULL);
	const char *name = id ? NULL : account_trimmed(r->arena, body_str(r, "name"));
	char hash[crypto_pwhash_STRBYTES], csrf[48];
	if (!id) {
		/* The code stays good for the second call, with the name. */
		if (!name || !*name || strpbrk(name, "\r\n\t"))
			return reply_error_lang(r, 400, "invalid", "this number has no account yet: give your name to register",
						"Nomor ini belum terdaftar: isi nama Anda untuk mendaftar.", "name");
		/* No password: this account logs in by its phone until it sets one. */
		char secret[48];
		token_new(secret);
		if (account_password_hash(secret, hash) != 0)
			return reply_error(r, 500, "internal", "out of memory hashing the password", NULL);
	}
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	if (!id && account_insert(r, name, NULL, phone, hash, &id)) {
		db_tx_rollback(r->db);
		return 0;
	}
	r->caller.user_id = id;
	if ((name && db_exec(r->db, "INSERT INTO user_roles (user_id, role) VALUES (?, 'citizen')", "i", id) != DB_DONE) ||
	    db_exec(r->db, "DELETE FROM phone_codes WHERE phone = ?", "s", phone) != DB_DONE ||
	    auth_rate_clear(r, tries) != 0 || account_session_create(r, id, csrf) != 0 ||
	    audit_append(r->db, &r->caller, name ? "user.register" : "auth.login",
			 arena_printf(r->arena, "user:%" PRId64, id), NULL) != 0 ||
	    db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		r->nhdrs = 0;	/* no cookie for a session that was not stored */
		return reply_db_error(r);
	}
	return account_reply(r, name ? 201 : 200, id, csrf);
}

static const struct route phone_login_routes[] = {
	{ "POST", "/api/auth/phone/code", code_send, ROLE_PUBLIC, code_fields, RF_NO_TX },
	{ "POST", "/api/auth/phone/verify", code_verify, ROLE_PUBLIC, verify_fields, RF_NO_TX },
	{ 0 },
};

static const struct migration phone_login_migrations[] = {
	{ 1, "one-time login codes by phone",
	  "CREATE TABLE phone_codes (phone TEXT PRIMARY KEY, salt TEXT NOT NULL, code_hash TEXT NOT NULL,"
	  " expires_at INTEGER NOT NULL, created_at TEXT NOT NULL);",
	  "CREATE TABLE phone_codes (phone TEXT PRIMARY KEY, salt TEXT NOT NULL, code_hash TEXT NOT NULL,"
	  " expires_at BIGINT NOT NULL, created_at TEXT NOT NULL);" },
	{ 0 },
};

/* Expired codes go (the outbox forgets a code once it is sent). */
static void phone_login_tick(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	if (!c)
		return;
	if (db_tx_begin(c) != DB_OK ||
	    db_exec(c, "DELETE FROM phone_codes WHERE expires_at <= ?", "i", (int64_t)app_now(app)) != DB_DONE ||
	    db_tx_commit(c) != DB_OK) {
		log_warn("spent login codes not removed", LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
	db_release(app->db, c);
}

const struct module phone_login_module = {
	.name = "phone_login",
	.routes = phone_login_routes,
	.migrations = phone_login_migrations,
	.tick = phone_login_tick,
};
