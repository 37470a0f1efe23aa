/* profile.c - the caller's own account: GET/PATCH /api/me and
 * POST /api/me/password.
 */
#include "auth.h"
#include "accounts.h"
#include "app.h"
#include "audit.h"
#include "can.h"
#include "outbox.h"
#include "util.h"
#include "validate.h"

#include <inttypes.h>
#include <sodium.h>
#include <string.h>

/* ---- the caller's own profile ------------------------------------------- */

/* The staff pages the caller may use, by rank, then in the modules'
 * order. */
static json_t *me_tools(struct req *r)
{
	json_t *out = json_array();
	for (int rank = 0; rank <= 3; rank++)
		for (size_t i = 0; i < r->app->nmodules; i++)
			for (const struct tool *t = r->app->modules[i]->tools; t && t->path; t++)
				if (t->rank == rank && can_somewhere(&r->caller, t->action) && (!t->applies || t->applies(r)))
					json_array_append_new(out, json_pack("{s:s, s:{s:s, s:s}}", "path", t->path, "label",
									     "id", t->label_id, "en", t->label_en));
	return out;
}

static int me_get(struct req *r)
{
	if (!r->caller.user_id)
		return reply_json(r, 200, json_pack("{s:n,s:{s:I,s:s}}", "user", "apikey",
						    "id", (json_int_t)r->caller.apikey_id, "name", r->caller.name));
	json_t *u;
	int rc = account_json(r->db, r->arena, r->caller.user_id, &u);
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no such user", NULL);
	if (rc < 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:s?, s:o}", "user", u, "csrf_token", r->caller.csrf,
					    "tools", me_tools(r)));
}

static const struct field me_fields[] = {
	{ "name", FT_STRING, 0, 100 },
	{ "email", FT_STRING, FF_NULLABLE, 254 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "lang", FT_STRING, 0, 2 },
	{ "channels", FT_OBJECT, 0, 0 },
	{ 0 },
};

/* {in_app?, email?, whatsapp?, sms?}: each true or false, in_app only
 * true; the ones left out keep their choice.  1 when a reply was set. */
static int channels_choice(struct req *r, unsigned *channels)
{
	static const struct { const char *name; unsigned bit; } known[] = {
		{ "email", NOTICE_EMAIL }, { "whatsapp", NOTICE_WHATSAPP }, { "sms", NOTICE_SMS }, { "in_app", 0 },
	};
	json_t *o = json_object_get(r->body, "channels"), *v;
	const char *key;
	if (outbox_channels_get(r->db, r->caller.user_id, channels) != 0)
		return reply_db_error(r), 1;
	json_object_foreach(o, key, v) {
		size_t i = 0;
		while (i < sizeof(known) / sizeof(known[0]) && strcmp(known[i].name, key) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0]) || !json_is_boolean(v))
			return reply_error(r, 400, "invalid", "channels holds in_app, email, whatsapp and sms, each true or "
					   "false", "channels"), 1;
		if (!known[i].bit && !json_is_true(v))
			return reply_error_lang(r, 400, "invalid", "notices in the app cannot be turned off",
						"Pemberitahuan di aplikasi tidak dapat dimatikan.", "channels"), 1;
		*channels = json_is_true(v) ? *channels | known[i].bit : *channels & ~known[i].bit;
	}
	return 0;
}

static int me_patch(struct req *r)
{
	if (!r->caller.user_id)
		return reply_error(r, 403, "forbidden", "API tokens have no profile", NULL);
	/* Its own transaction: the reply is read by its last statement, which
	 * travels with the COMMIT on PostgreSQL (account_reply_commit). */
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	unsigned channels = 0;
	char now[24];
	time_iso(app_now(r->app), now);
	if (account_profile_update(r, r->caller.user_id) ||
	    (body_has(r, "channels") && channels_choice(r, &channels))) {
		db_tx_rollback(r->db);
		return 0;
	}
	if (body_has(r, "channels") && outbox_channels_set(r->db, r->caller.user_id, channels, now) != 0) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	json_t *d = account_changed_fields(r);
	int rc = audit_append(r->db, &r->caller, "user.update", arena_printf(r->arena, "user:%" PRId64, r->caller.user_id), d);
	json_decref(d);
	if (rc != 0) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	return account_reply_commit(r, 200, r->caller.user_id);
}

static const struct field password_fields[] = {
	{ "current_password", FT_STRING, FF_REQUIRED, 1000 },
	{ "new_password", FT_STRING, FF_REQUIRED, 128 },
	{ 0 },
};

static int me_password(struct req *r)
{
	const char *cur = body_str(r, "current_password"), *pw = body_str(r, "new_password");
	char hash[crypto_pwhash_STRBYTES], *old = NULL, now[24];
	if (!r->caller.user_id)
		return reply_error(r, 403, "forbidden", "API tokens have no password", NULL);
	const struct password_problem *weak = account_password_problem(pw, NULL);
	if (weak)
		return reply_error_lang(r, 400, "invalid", weak->en, weak->id, "new_password");
	struct db_stmt *st = db_query(r->db, "SELECT password_hash FROM users WHERE id = ?", "i", r->caller.user_id);
	if (st && db_step(st) == DB_ROW)
		old = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	if (!old || crypto_pwhash_str_verify(old, cur, strlen(cur)) != 0)
		return reply_error(r, 400, "invalid", "the current password is wrong", "current_password");
	if (account_password_hash(pw, hash) != 0)
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

static const struct route profile_routes[] = {
	{ "GET", "/api/me", me_get, ROLE_ANY_USER, NULL, 0 },
	{ "PATCH", "/api/me", me_patch, ROLE_ANY_USER, me_fields, RF_NO_TX },
	{ "POST", "/api/me/password", me_password, ROLE_ANY_USER, password_fields, RF_NO_TX },
	{ 0 },
};

const struct module profile_module = { .name = "profile", .routes = profile_routes };
