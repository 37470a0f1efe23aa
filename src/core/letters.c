/* letters.c - issuing, reading and revoking letters, their sequence
 * counters and table, and what the verification page says of one (see
 * letters.h).  The HTTP routes are in letters_api.c, the commands in
 * letters_cli.c, signatures in letters_sign.c, the PDF in letters_pdf.c.
 *
 * A number is drawn from a counter row per (issuer, sequence, year) by one
 * upsert in the issuing transaction, so numbers are consecutive and never
 * repeated (the UNIQUE index on (issuer, number) refuses a repeat even if
 * code were wrong), and a transaction that rolls back returns its number.
 */
#include "letters.h"
#include "letters_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "calendar.h"
#include "can.h"
#include "db.h"
#include "files.h"
#include "strbuf.h"
#include "http.h"
#include "util.h"

#define WIB_OFFSET (7 * 3600)

void letters_wib_date(time_t t, char out[11], int *year, int *month)
{
	int64_t s = (int64_t)t + WIB_OFFSET;
	int32_t day = (int32_t)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	date_format(day, out);
	*year = y;
	*month = m;
}

/* 16 random bytes, URL-safe: 22 characters nobody can guess or count. */
static const char *token_make(struct arena *a)
{
	unsigned char raw[16];
	char *out = arena_alloc(a, 24);
	if (!out)
		return NULL;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 24, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

const char *letters_url(const struct app *app, struct arena *a, const char *token)
{
	const char *base = app->cfg.base_url ? app->cfg.base_url : "";
	size_t n = strlen(base);
	return arena_printf(a, "%.*s/v/%s", (int)(n && base[n - 1] == '/' ? n - 1 : n), base, token);
}

/* The QR's text: the page's address, and after '#' (which browsers never
 * send to the server) the key id and the signature in base64url, for a
 * reader who checks the letter offline. */
static const char *qr_text(struct arena *a, const char *url, const char *key_id, const char *signature)
{
	char *sig = arena_strdup(a, signature);
	if (!sig)
		return NULL;
	size_t n = 0;
	for (char *p = sig; *p; p++)
		if (*p != '=')
			sig[n++] = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	sig[n] = '\0';
	return arena_printf(a, "%s#%s.%s", url, key_id, sig);
}

static int date_ok(const char *s)
{
	int32_t d;
	return !s || date_parse(s, &d) == 0;
}

static int request_check(const struct letter_request *q, const char **why)
{
	if (!q->kind || !*q->kind)
		*why = "kind is required";
	else if (letter_format_check(q->format, why) != LETTERS_OK)
		return LETTERS_INVALID;
	else if (!q->issuer || !*q->issuer || !q->issuer_name || !*q->issuer_name)
		*why = "issuer and issuer_name are required";
	else if (!q->unit_id == !q->village)
		*why = "a letter is issued by a unit or by a village: give exactly one";
	else if (!q->subject || !*q->subject)
		*why = "subject is required";
	else if (!json_is_object(q->holder))
		*why = "holder must be an object";
	else if (q->fields && !json_is_object(q->fields))
		*why = "fields must be an object";
	else if (!date_ok(q->valid_from) || !date_ok(q->valid_until))
		*why = "valid_from and valid_until are dates, YYYY-MM-DD";
	else if (q->valid_from && q->valid_until && strcmp(q->valid_from, q->valid_until) > 0)
		*why = "valid_until is before valid_from";
	else
		return LETTERS_OK;
	return LETTERS_INVALID;
}

/* The next number of (issuer, sequence, year), in the caller's transaction. */
static int sequence_next(struct db_conn *c, const char *issuer, const char *sequence, int year, int64_t *seq)
{
	int rc = db_query_int(c, seq,
			      "INSERT INTO letter_counters (issuer, sequence, year, n) VALUES (?, ?, ?, 1) "
			      "ON CONFLICT (issuer, sequence, year) DO UPDATE SET n = letter_counters.n + 1 RETURNING n",
			      "ssi", issuer, sequence, (int64_t)year);
	return rc == DB_ROW ? LETTERS_OK : LETTERS_DB;
}

static json_t *content_new(const struct letter_request *q, const char *number, const char *issued_at)
{
	json_t *content = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:O,s:o,s:s}", "kind", q->kind, "number", number,
				    "issuer", "code", q->issuer, "name", q->issuer_name, "subject", q->subject,
				    "holder", q->holder, "fields", q->fields ? json_deep_copy(q->fields) : json_object(),
				    "issued_at", issued_at);
	if (content && q->valid_from)
		json_object_set_new(content, "valid_from", json_string(q->valid_from));
	if (content && q->valid_until)
		json_object_set_new(content, "valid_until", json_string(q->valid_until));
	return content;
}

int letter_issue(struct app *app, struct db_conn *c, struct arena *a, const struct letter_request *q,
		 struct letter *out, const char **why)
{
	*why = NULL;
	int rc = request_check(q, why);
	if (rc != LETTERS_OK)
		return rc;
	if (!letter_keys_signing_id(app->letter_keys)) {
		*why = "no signing key is loaded (pendopo letters keygen, --letters-key)";
		return LETTERS_NO_KEY;
	}
	time_t now = q->issued_at ? q->issued_at : app_now(app);
	char today[11], issued_at[24];
	int year, month;
	letters_wib_date(now, today, &year, &month);
	time_iso(now, issued_at);

	memset(out, 0, sizeof(*out));
	/* Spelled once before the number is taken, so a format the labels
	 * cannot fill takes none. */
	struct letter_number_parts parts = { 0, year, month, q->unit_label, q->village_label };
	const char *number;
	if ((rc = letter_number_format(a, q->format, &parts, &number, why)) != LETTERS_OK)
		return rc;
	if (sequence_next(c, q->issuer, q->sequence ? q->sequence : q->kind, year, &parts.seq) != LETTERS_OK)
		return LETTERS_DB;
	if ((rc = letter_number_format(a, q->format, &parts, &number, why)) != LETTERS_OK)
		return rc;

	json_t *content = content_new(q, number, issued_at);
	if (!content) {
		*why = "out of memory";
		return LETTERS_INVALID;
	}
	out->content = letter_canonical(a, content);
	json_decref(content);
	if (!out->content) {
		*why = "out of memory";
		return LETTERS_INVALID;
	}
	if ((rc = letter_sign_text(a, app->letter_keys, out->content, &out->signature, &out->key_id)) != LETTERS_OK)
		return rc;
	out->token = token_make(a);
	out->number = number;
	out->kind = q->kind;
	out->issuer = q->issuer;
	out->unit_id = q->unit_id;
	out->village = q->village;
	out->holder_user_id = q->holder_user_id;
	out->signature_kind = "ed25519";
	out->status = "issued";
	out->valid_until = q->valid_until;
	out->url = letters_url(app, a, out->token);
	out->qr = qr_text(a, out->url, out->key_id, out->signature);
	if (!out->token || !out->url || !out->qr)
		return LETTERS_INVALID;

	/* The layout is kept, not drawn: drawing takes tens of milliseconds,
	 * which the issuing transaction would hold the writer for (SQLite) or
	 * the counter row (PostgreSQL).  letter_pdf() draws it when asked. */
	if (q->layout && !(out->layout = letter_layout_text(a, q->layout))) {
		*why = "out of memory";
		return LETTERS_INVALID;
	}
	struct db_stmt *st = db_query(c, "INSERT INTO letters (token, issuer, unit_id, village, kind, number,"
				      " holder_user_id, content, signature, key_id, valid_until, layout, issued_at)"
				      " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?) RETURNING id",
				      "ssisssissssss", out->token, out->issuer, q->unit_id, q->village, q->kind, number,
				      q->holder_user_id, out->content, out->signature, out->key_id, q->valid_until,
				      out->layout, issued_at);
	rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		out->id = db_col_int(st, 0);
	if (st)
		db_done(st);
	if (rc == DB_CONSTRAINT) {
		*why = "this number was issued already (did the format change this year?)";
		return LETTERS_DUPLICATE;
	}
	return rc == DB_ROW ? LETTERS_OK : LETTERS_DB;
}

#define LETTER_COLUMNS "id, token, number, kind, issuer, unit_id, village, holder_user_id, content, signature," \
		       " key_id, signature_kind, status, revoked_at, revoked_reason, valid_until," \
		       " layout, bsre_pdf_sha "

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i));
}

static int read_row(struct db_stmt *st, struct arena *a, const struct app *app, struct letter *l)
{
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		*l = (struct letter){
			.id = db_col_int(st, 0), .token = col(a, st, 1), .number = col(a, st, 2),
			.kind = col(a, st, 3), .issuer = col(a, st, 4), .unit_id = db_col_int(st, 5),
			.village = col(a, st, 6), .holder_user_id = db_col_int(st, 7), .content = col(a, st, 8),
			.signature = col(a, st, 9), .key_id = col(a, st, 10), .signature_kind = col(a, st, 11),
			.status = col(a, st, 12), .revoked_at = col(a, st, 13), .revoked_reason = col(a, st, 14),
			.valid_until = col(a, st, 15), .layout = col(a, st, 16), .bsre_pdf_sha = col(a, st, 17),
		};
		if (app) {
			l->url = letters_url(app, a, l->token);
			l->qr = qr_text(a, l->url, l->key_id, l->signature);
		}
	}
	if (st)
		db_done(st);
	return rc == DB_ROW ? LETTERS_OK : rc == DB_DONE ? LETTERS_NOT_FOUND : LETTERS_DB;
}

int letter_read(const struct app *app, struct db_conn *c, struct arena *a, const char *token, struct letter *out)
{
	return read_row(db_query(c, "SELECT " LETTER_COLUMNS "FROM letters WHERE token = ?", "s", token), a, app, out);
}

int letter_read_id(const struct app *app, struct db_conn *c, struct arena *a, int64_t id, struct letter *out)
{
	return read_row(db_query(c, "SELECT " LETTER_COLUMNS "FROM letters WHERE id = ?", "i", id), a, app, out);
}

int letter_find(const struct app *app, struct db_conn *c, struct arena *a, const char *issuer, const char *number,
		struct letter *out)
{
	return read_row(db_query(c, "SELECT " LETTER_COLUMNS "FROM letters WHERE issuer = ? AND number = ?", "ss",
				 issuer, number), a, app, out);
}

/* Staff of the issuer manage its letters; the holder may fetch the PDF. */
static const struct action letters_manage = {
	"letters.manage", .anywhere = ROLE_ADMIN, .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD,
	.in_village = ROLE_VILLAGE_OPERATOR,
};
static const struct action letters_fetch = {
	"letters.fetch", .anywhere = ROLE_ADMIN, .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD,
	.in_village = ROLE_VILLAGE_OPERATOR | ROLE_VILLAGE_HEAD, .owner = true,
};

int letter_may_manage(const struct caller *caller, const struct letter *l)
{
	return can(caller, &letters_manage, &(struct object){ .unit_id = l->unit_id, .village = l->village });
}

int letter_may_fetch(const struct caller *caller, const struct letter *l)
{
	return can(caller, &letters_fetch,
		   &(struct object){ .unit_id = l->unit_id, .village = l->village, .owner_id = l->holder_user_id });
}

int letter_revoke(struct app *app, struct db_conn *c, struct arena *a, const struct caller *by, const char *token,
		  const char *reason)
{
	char now[24];
	time_iso(app_now(app), now);
	int rc = db_exec(c, "UPDATE letters SET status = 'revoked', revoked_at = ?, revoked_reason = ?,"
			    " revoked_by = NULLIF(?, 0) WHERE token = ? AND status = 'issued'", "ssis", now, reason,
			 by ? by->user_id : 0, token);
	if (rc != DB_DONE)
		return LETTERS_DB;
	int64_t changed = db_changes(c);
	struct letter l;
	int found = letter_read(app, c, a, token, &l);
	if (found != LETTERS_OK)
		return found;
	if (changed == 0)
		return LETTERS_REVOKED;
	json_t *details = json_pack("{s:s,s:s,s:s}", "number", l.number, "kind", l.kind, "reason", reason);
	rc = audit_append(c, by, "letter.revoke", arena_printf(a, "letter:%lld", (long long)l.id), details);
	json_decref(details);
	return rc == 0 ? LETTERS_OK : LETTERS_DB;
}

int letter_pdf(struct app *app, const struct letter *l, struct arena *a, unsigned char **pdf, size_t *len)
{
	if (l->bsre_pdf_sha) {
		char *data = NULL;
		int rc = files_get(app, NULL, a, l->bsre_pdf_sha, &data, len);
		*pdf = (unsigned char *)data;
		return rc == 0 ? LETTERS_OK : rc > 0 ? LETTERS_NOT_FOUND : LETTERS_STORAGE;
	}
	if (!l->layout)
		return LETTERS_NOT_FOUND;
	json_t *lj = json_loads(l->layout, 0, NULL), *content = json_loads(l->content, 0, NULL);
	struct letter_layout layout;
	const char *why, *issued = json_string_value(json_object_get(content, "issued_at"));
	const char *issuer_name = json_string_value(json_object_get(json_object_get(content, "issuer"), "name"));
	struct tm tm = { 0 };
	int rc = letter_layout_from_json(a, lj, &layout, &why);
	if (rc == LETTERS_OK && (!issued || !strptime(issued, "%Y-%m-%dT%H:%M:%SZ", &tm)))
		rc = LETTERS_INVALID;
	*pdf = rc == LETTERS_OK ? letter_render(app, a, l, &layout, issuer_name, timegm(&tm), len) : NULL;
	json_decref(lj);
	json_decref(content);
	return *pdf ? LETTERS_OK : LETTERS_RENDER;
}

/* valid, changed or unknown_key by the signature; then revoked; then
 * expired once the last day of validity (WIB) has passed. */
static const char *status_of(const struct letter *l, enum letter_check check, const char *until, const char *today)
{
	if (check != LETTER_CHECK_VALID)
		return letter_check_name(check);
	if (l && strcmp(l->status, "revoked") == 0)
		return "revoked";
	if (until && strcmp(until, today) < 0)
		return "expired";
	return "valid";
}

/* value as a JSON string (escaped), or null. */
static void json_text(struct strbuf *sb, const char *value)
{
	if (value)
		strbuf_add_json_string(sb, value);
	else
		strbuf_addstr(sb, "null");
}

/* ,"key":value - nothing when value is NULL. */
static void member(struct strbuf *sb, const char *key, const char *value)
{
	if (!value)
		return;
	strbuf_addf(sb, ",\"%s\":", key);
	json_text(sb, value);
}

/* The verdict as JSON text (letters.h, letters_verdict); content is the
 * canonical text of the content, embedded as it is. */
static const char *verdict_text(struct arena *a, const struct letter *l, const char *status, const char *content,
				const char *signature, const char *key_id)
{
	struct strbuf sb;
	strbuf_init(&sb, a, strlen(content) + 512);
	strbuf_addf(&sb, "{\"status\":\"%s\"", status);
	member(&sb, "signature_kind", l ? l->signature_kind : "ed25519");
	strbuf_addf(&sb, ",\"registered\":%s", l ? "true" : "false");
	member(&sb, "url", l ? l->url : NULL);
	if (l && strcmp(l->status, "revoked") == 0) {
		strbuf_addstr(&sb, ",\"revoked\":{\"at\":");
		json_text(&sb, l->revoked_at);
		member(&sb, "reason", l->revoked_reason);
		strbuf_addch(&sb, '}');
	}
	strbuf_addstr(&sb, ",\"payload\":{\"content\":");
	strbuf_addstr(&sb, content);
	member(&sb, "signature", signature);
	member(&sb, "key_id", key_id);
	strbuf_addstr(&sb, "}}");
	return sb.failed ? NULL : sb.buf;
}

const char *letters_verdict(const struct app *app, struct arena *a, const struct letter *l, const json_t *content,
			    const char *signature, const char *key_id, const char *today)
{
	const char *text = letter_canonical(a, content);
	enum letter_check check = text ? letter_verify_text(app->letter_keys, text, signature, key_id)
				       : LETTER_CHECK_CHANGED;
	const char *until = json_string_value(json_object_get(content, "valid_until"));
	return text ? verdict_text(a, l, status_of(l, check, until, today), text, signature, key_id) : NULL;
}

/* The top-level member key of compact JSON text when it is a string
 * without escapes: 1 with it in a (*out), 0 when the object has no such
 * member, -1 when unsure (not compact, escaped, not a string): parse. */
static int compact_member(struct arena *a, const char *s, const char *key, const char **out)
{
	size_t klen = strlen(key);
	int depth = 0;
	*out = NULL;
	if (*s != '{')
		return -1;
	for (; *s; s++) {
		if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (--depth == 0)
				return s[1] ? -1 : 0;
		} else if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			return -1;
		} else if (*s == '"') {
			const char *start = ++s;
			for (; *s != '"'; s++)
				if (!*s || (*s == '\\' && !*++s))
					return -1;
			/* A key is followed by its colon, a value never. */
			if (depth != 1 || s[1] != ':' || (size_t)(s - start) != klen || memcmp(start, key, klen) != 0)
				continue;
			const char *v = s + 2, *end = v[0] == '"' ? strpbrk(v + 1, "\"\\") : NULL;
			if (!end || *end != '"')
				return -1;
			*out = arena_strndup(a, v + 1, (size_t)(end - v - 1));
			return *out ? 1 : -1;
		}
	}
	return -1;
}

const char *letter_verification(const struct app *app, struct arena *a, const struct letter *l, const char *today)
{
	/* The stored text is checked as it lies: it was canonical when
	 * signed, so any edit to it, even one that reorders keys, shows.
	 * Text that no longer parses is shown as an empty object. */
	enum letter_check check = letter_verify_text(app->letter_keys, l->content, l->signature, l->key_id);
	/* A signed text is canonical (compact): its expiry is read without
	 * parsing it, which was 37 % of a verification request. */
	const char *until;
	if (check == LETTER_CHECK_VALID && compact_member(a, l->content, "valid_until", &until) >= 0)
		return verdict_text(a, l, status_of(l, check, until, today), l->content, l->signature, l->key_id);
	json_t *content = json_loads(l->content, 0, NULL);
	until = json_string_value(json_object_get(content, "valid_until"));
	const char *status = status_of(l, content ? check : LETTER_CHECK_CHANGED, until, today);
	const char *text = check == LETTER_CHECK_VALID ? l->content : content ? letter_canonical(a, content) : "{}";
	json_decref(content);
	return text ? verdict_text(a, l, status, text, l->signature, l->key_id) : NULL;
}

/* ---- the module ---------------------------------------------------------------------- */

#define LETTERS_TABLES(ID, BIGINT)                                                                       \
	"CREATE TABLE letter_counters (issuer TEXT NOT NULL, sequence TEXT NOT NULL, year INTEGER NOT NULL," \
	" n INTEGER NOT NULL, PRIMARY KEY (issuer, sequence, year));"                                      \
	"CREATE TABLE letters (id " ID ", token TEXT NOT NULL UNIQUE, issuer TEXT NOT NULL,"              \
	" unit_id " BIGINT " REFERENCES org_units (id), village TEXT, kind TEXT NOT NULL,"                 \
	" number TEXT NOT NULL, holder_user_id " BIGINT " REFERENCES users (id),"                          \
	" content TEXT NOT NULL, signature TEXT NOT NULL, key_id TEXT NOT NULL,"                           \
	" signature_kind TEXT NOT NULL DEFAULT 'ed25519' CHECK (signature_kind IN ('ed25519', 'bsre')),"   \
	" valid_until TEXT, status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'revoked')),"\
	" revoked_at TEXT, revoked_reason TEXT, revoked_by " BIGINT " REFERENCES users (id),"              \
	" layout TEXT, bsre_pdf_sha TEXT, issued_at TEXT NOT NULL);"                                       \
	"CREATE UNIQUE INDEX letters_number ON letters (issuer, number);"                                   \
	"CREATE INDEX letters_holder ON letters (holder_user_id);"                                          \
	"CREATE INDEX letters_unit ON letters (unit_id, kind);"

static const struct migration letters_migrations[] = {
	{ 1, "letters and their sequence counters", LETTERS_TABLES("INTEGER PRIMARY KEY", "INTEGER"),
	  LETTERS_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 0 },
};

/* /v/{token}, the short link in a letter's QR, is the verification page. */
static const struct page_alias letters_pages[] = {
	{ "/v/", "/v/index.html" },
	{ 0 },
};

static int letters_file_used(struct db_conn *c, const char *sha)
{
	int64_t n;
	int rc = db_query_int(c, &n, "SELECT count(*) FROM letters WHERE bsre_pdf_sha = ?", "s", sha);
	return rc == DB_ROW ? n > 0 : -1;
}

const struct module letters_module = {
	.file_used = letters_file_used,
	.name = "letters",
	.routes = letters_routes,
	.pages = letters_pages,
	.commands = letters_commands,
	.migrations = letters_migrations,
};
