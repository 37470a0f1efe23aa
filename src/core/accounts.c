/* accounts.c - the user account shared by registration, profiles, the
 * admin's user management and the command line: contacts normalised,
 * passwords checked and hashed, the account's JSON, inserts and updates.
 */
#include "accounts.h"
#include "orgs.h"
#include "outbox.h"
#include "phone.h"
#include "regions.h"
#include "util.h"
#include "validate.h"

#include <ctype.h>
#include <pthread.h>
#include <pwquality.h>
#include <stdio.h>
#include <string.h>

/* ---- input normalisation ------------------------------------------------ */

char *account_trimmed(struct arena *a, const char *s)
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
char *account_email_norm(struct arena *a, const char *in)
{
	char *e = account_trimmed(a, in);
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

static const struct password_problem too_short = {
	"password must have at least 8 characters", "Kata sandi minimal 8 karakter.",
}, too_long = {
	"password must have at most 128 characters", "Kata sandi maksimal 128 karakter.",
}, dictionary = {
	"password is a dictionary word or one slightly changed; choose another",
	"Kata sandi berupa kata kamus atau sedikit diubah darinya; pilih yang lain.",
}, systematic = {
	"password is too simple or systematic (like 12345678 or qwerty); choose another",
	"Kata sandi terlalu sederhana atau berpola (seperti 12345678 atau qwerty); pilih yang lain.",
}, few_kinds = {
	"password repeats too few different characters; choose another",
	"Kata sandi terdiri dari terlalu sedikit karakter yang berbeda; pilih yang lain.",
}, palindrome = {
	"password reads the same backwards; choose another", "Kata sandi terbaca sama dari belakang; pilih yang lain.",
}, has_user = {
	"password contains your email or phone number; choose another",
	"Kata sandi memuat email atau nomor HP Anda; pilih yang lain.",
}, guessable = {
	"password is too easy to guess; choose another", "Kata sandi terlalu mudah ditebak; pilih yang lain.",
};

/* cracklib looks words up through static buffers: one check at a time. */
static pthread_mutex_t pwcheck_lock = PTHREAD_MUTEX_INITIALIZER;

const struct password_problem *account_password_problem(const char *pw, const char *user)
{
	size_t n = utf8_length(pw);
	if (n < 8)
		return &too_short;
	if (n > 128)
		return &too_long;
	pwquality_settings_t *s = pwquality_default_settings();
	if (!s)
		return &guessable;
	/* Length is ours (above); what libpwquality adds is what guessers try. */
	pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, 6);
	void *aux = NULL;
	pthread_mutex_lock(&pwcheck_lock);
	int rc = pwquality_check(s, pw, NULL, user, &aux);
	pthread_mutex_unlock(&pwcheck_lock);
	pwquality_free_settings(s);
	const char *why = rc == PWQ_ERROR_CRACKLIB_CHECK && aux ? aux : "";
	if (rc >= 0)
		return NULL;
	switch (rc) {
	case PWQ_ERROR_CRACKLIB_CHECK:
		return strstr(why, "dictionary") ? &dictionary : strstr(why, "DIFFERENT") ? &few_kinds
		       : strstr(why, "systematic") || strstr(why, "simplistic") ? &systematic : &guessable;
	case PWQ_ERROR_PALINDROME:
		return &palindrome;
	case PWQ_ERROR_USER_CHECK:
		return &has_user;
	case PWQ_ERROR_MIN_LENGTH:
		return &too_short;
	default:
		return &guessable;
	}
}

int account_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/* ---- the user object ---------------------------------------------------- */

#define ACCOUNT_GRANTS 16

struct account_row {
	char *name, *email, *phone, *lang, *created_at;
	int disabled;
	unsigned channels;
	int ng;
	struct { char *role, *village; int64_t unit; } g[ACCOUNT_GRANTS];
};

/* The user, its grants and its notice channels in one statement (one
 * round trip on PostgreSQL); last: the statement ends the caller's write
 * transaction (db_step_last).  0 found, 1 missing, -1 error. */
static int account_fetch(struct db_conn *c, struct arena *a, int64_t id, int last, struct account_row *u)
{
	*u = (struct account_row){ 0 };
	struct db_stmt *st = db_query(c, "SELECT u.name, u.email, u.phone, u.lang, u.disabled, u.created_at, "
					 OUTBOX_CHANNELS_OF_U ", g.role, g.unit_id, g.village "
					 "FROM users u LEFT JOIN user_roles g ON g.user_id = u.id "
					 "WHERE u.id = ? ORDER BY g.id", "i", id);
	if (!st)
		return -1;
	int rc;
	for (rc = last ? db_step_last(st) : db_step(st); rc == DB_ROW; rc = db_step(st)) {
		if (!u->name) {
			u->name = arena_strdup(a, db_col_text(st, 0));
			u->email = arena_strdup(a, db_col_text(st, 1));
			u->phone = arena_strdup(a, db_col_text(st, 2));
			u->lang = arena_strdup(a, db_col_text(st, 3));
			u->disabled = (int)db_col_int(st, 4);
			u->created_at = arena_strdup(a, db_col_text(st, 5));
			u->channels = (unsigned)db_col_int(st, 6);
		}
		if (db_col_is_null(st, 7) || u->ng == ACCOUNT_GRANTS)
			continue;
		u->g[u->ng].role = arena_strdup(a, db_col_text(st, 7));
		u->g[u->ng].unit = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
		u->g[u->ng].village = arena_strdup(a, db_col_text(st, 9));
		u->ng++;
	}
	db_done(st);
	if (rc != DB_DONE || (u->name == NULL) != (u->created_at == NULL))
		return -1;
	return u->name ? 0 : 1;
}

/* The user object, with its grants' unit and village names. */
static json_t *account_render(struct db_conn *c, struct arena *a, int64_t id, const struct account_row *u)
{
	json_t *out = json_pack("{s:I,s:s,s:s?,s:s?,s:s,s:b,s:s}",
				"id", (json_int_t)id, "name", u->name, "email", u->email, "phone", u->phone,
				"lang", u->lang, "disabled", u->disabled, "created_at", u->created_at);
	json_t *roles = json_array();
	for (int i = 0; i < u->ng; i++) {
		json_t *unit = json_null(), *village = json_null();
		const char *code, *name;
		int level;
		if (u->g[i].unit && orgs_code_name(c, a, u->g[i].unit, &code, &name) == 0)
			unit = json_pack("{s:s,s:s}", "code", code, "name", name);
		if (u->g[i].village && regions_lookup(c, a, u->g[i].village, &name, &level) == 0)
			village = json_pack("{s:s,s:s}", "kode", u->g[i].village, "nama", name);
		json_array_append_new(roles, json_pack("{s:s,s:o,s:o}", "role", u->g[i].role,
						       "unit", unit, "village", village));
	}
	json_object_set_new(out, "roles", roles);
	unsigned ch = u->channels;
	json_object_set_new(out, "channels", json_pack("{s:b, s:b, s:b, s:b}", "in_app", 1, "email", !!(ch & NOTICE_EMAIL),
						       "whatsapp", !!(ch & NOTICE_WHATSAPP), "sms", !!(ch & NOTICE_SMS)));
	return out;
}

/* 0 found, 1 missing, -1 error. */
int account_json(struct db_conn *c, struct arena *a, int64_t id, json_t **out)
{
	struct account_row u;
	int rc = account_fetch(c, a, id, 0, &u);
	if (rc == 0)
		*out = account_render(c, a, id, &u);
	return rc;
}

static int reply_account(struct req *r, int status, int64_t id, const char *csrf, const struct account_row *u)
{
	json_t *body = json_pack("{s:o}", "user", account_render(r->db, r->arena, id, u));
	if (csrf)
		json_object_set_new(body, "csrf_token", json_string(csrf));
	return reply_json(r, status, body);
}

int account_reply(struct req *r, int status, int64_t id, const char *csrf)
{
	struct account_row u;
	int rc = account_fetch(r->db, r->arena, id, 0, &u);
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no such user", NULL);
	if (rc < 0)
		return reply_db_error(r);
	return reply_account(r, status, id, csrf, &u);
}

int account_reply_commit(struct req *r, int status, int64_t id)
{
	struct account_row u;
	int rc = account_fetch(r->db, r->arena, id, 1, &u);
	if (rc < 0 || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no such user", NULL);
	return reply_account(r, status, id, NULL, &u);
}

/* Shared by self-registration and the admin's user creation: checks and
 * normalises name, email and phone.  1 when a reply was set. */
int account_contact_fields(struct req *r, const char **name, const char **email, const char **phone, int need_one)
{
	const char *n = account_trimmed(r->arena, body_str(r, "name"));
	const char *e = body_str(r, "email"), *p = body_str(r, "phone");
	if (name) {
		if (!n || !*n)
			return reply_error(r, 400, "invalid", "name is required", "name"), 1;
		*name = n;
	}
	*email = NULL;
	*phone = NULL;
	if (e && *e && !(*email = account_email_norm(r->arena, e)))
		return reply_error(r, 400, "invalid", "email is not a valid address", "email"), 1;
	if (p && *p && !(*phone = phone_e164(r->arena, p)))
		return reply_error(r, 400, "invalid", "phone must be a number such as 0812 3456 7890, or + with the "
				   "country code", "phone"), 1;
	if (need_one && !*email && !*phone)
		return reply_error(r, 400, "invalid", "give an email address or a phone number", "email"), 1;
	return 0;
}

/* 1 with a 409 reply when email or phone belongs to another user. */
int account_contact_taken(struct req *r, const char *email, const char *phone, int64_t self)
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

int account_insert(struct req *r, const char *name, const char *email, const char *phone,
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

/* Apply name/email/phone/lang from the body to user id.  1 when replied. */
int account_profile_update(struct req *r, int64_t id)
{
	const char *email = NULL, *phone = NULL, *lang = body_str(r, "lang"), *name = NULL;
	char now[24];
	int64_t no_contact = 0;
	if (account_contact_fields(r, NULL, &email, &phone, 0))
		return 1;
	if (body_has(r, "name") && !*(name = account_trimmed(r->arena, body_str(r, "name"))))
		return reply_error(r, 400, "invalid", "name must not be empty", "name"), 1;
	if (lang && strcmp(lang, "id") != 0 && strcmp(lang, "en") != 0)
		return reply_error(r, 400, "invalid", "lang must be \"id\" or \"en\"", "lang"), 1;
	if (account_contact_taken(r, email, phone, id))
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

json_t *account_changed_fields(struct req *r)
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
