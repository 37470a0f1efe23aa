/* letters_api.c - the letters' HTTP routes: the public keys, the public
 * verification of a letter by its token or of a pasted payload, and, for
 * the issuer's staff, revocation, the PDF and the BSrE certification.
 * Issuing has no route of its own: a service issues in its own flow
 * (letter_issue), an administrator with `pendopo letters issue`.
 */
#include "letters.h"
#include "letters_int.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "http.h"

int letters_reply_error(struct req *r, int rc, const char *why)
{
	switch (rc) {
	case LETTERS_INVALID:
		return reply_error(r, 400, "invalid", why, NULL);
	case LETTERS_NO_KEY:
		return reply_error(r, 503, "signing_unavailable", "letters cannot be signed: no signing key is loaded",
				   NULL);
	case LETTERS_NOT_FOUND:
		return reply_error(r, 404, "not_found", why, NULL);
	case LETTERS_REVOKED:
		return reply_error(r, 409, "already_revoked", "this letter is revoked already", NULL);
	case LETTERS_DUPLICATE:
		return reply_error(r, 409, "conflict", why, NULL);
	case LETTERS_STORAGE:
		return reply_error(r, 503, "storage_error", why, NULL);
	case LETTERS_DB:
		return reply_db_error(r);
	default:
		return reply_error(r, 500, "internal", why, NULL);
	}
}

/* A token is 22 URL-safe base64 characters; anything else is no letter's,
 * and is answered without a query. */
static int token_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	return n >= 16 && n <= 64 && strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static const char *today_wib(struct req *r)
{
	char *day = arena_alloc(r->arena, 11);
	int y, m;
	if (day)
		letters_wib_date(app_now(r->app), day, &y, &m);
	return day;
}

/* The letter of the path's {token}, or the reply set and -1. */
static int path_letter(struct req *r, struct letter *l)
{
	const char *token = req_param(r, "token");
	int rc = token_ok(token) ? letter_read(r->app, r->db, r->arena, token, l) : LETTERS_NOT_FOUND;
	if (rc == LETTERS_NOT_FOUND)
		reply_error_lang(r, 404, "not_found", "no letter has this token", "Surat dengan kode ini tidak ditemukan.",
				 NULL);
	else if (rc != LETTERS_OK)
		reply_db_error(r);
	return rc == LETTERS_OK ? 0 : -1;
}

/* A verdict's JSON text (letters.h), as the JSON replies are sent. */
static int reply_verdict(struct req *r, const char *text)
{
	if (!text)
		return reply_error(r, 500, "internal", NULL, NULL);
	reply_header(r, "Cache-Control", "no-store");
	return reply_text(r, 200, "application/json; charset=utf-8", text, strlen(text));
}

/* GET /api/letters/public-key: every key a letter may carry, for anyone
 * who checks letters themselves. */
static int letters_public_key(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:o}", "keys", letter_keys_json(r->app->letter_keys)));
}

/* GET /api/letters/verify/{token}: what /v/{token} shows. */
static int letters_verify_token(struct req *r)
{
	struct letter l;
	if (path_letter(r, &l) != 0)
		return 0;
	return reply_verdict(r, letter_verification(r->app, r->arena, &l, today_wib(r)));
}

/* POST /api/letters/verify {content, signature, key_id}: a payload
 * checked against the keys, and against the register for revocation. */
static int letters_verify_payload(struct req *r)
{
	const json_t *content;
	const char *signature, *key_id, *why;
	if (letter_payload_parse(r->body, &content, &signature, &key_id, &why) != LETTERS_OK)
		return reply_error(r, 400, "invalid", why, "content");
	const char *issuer = json_string_value(json_object_get(json_object_get(content, "issuer"), "code"));
	const char *number = json_string_value(json_object_get(content, "number"));
	struct letter l;
	int rc = issuer && number ? letter_find(r->app, r->db, r->arena, issuer, number, &l) : LETTERS_NOT_FOUND;
	if (rc != LETTERS_OK && rc != LETTERS_NOT_FOUND)
		return reply_db_error(r);
	return reply_verdict(r, letters_verdict(r->app, r->arena, rc == LETTERS_OK ? &l : NULL, content, signature,
						key_id, today_wib(r)));
}

json_t *letter_json(const struct app *app, const struct caller *caller, const struct letter *l, const char *pdf)
{
	int manage = letter_may_manage(caller, l);
	int revoked = strcmp(l->status, "revoked") == 0;
	return json_pack("{s:s, s:s, s:o, s:s, s:s?, s:s, s:s, s:s, s:b, s:b}", "number", l->number, "status", l->status,
			 "revoked", revoked ? json_pack("{s:s?, s:s?}", "at", l->revoked_at, "reason", l->revoked_reason)
					    : json_null(),
			 "signature_kind", l->signature_kind, "valid_until", l->valid_until, "url", l->url, "token",
			 l->token, "pdf", pdf, "manage", manage && !revoked,
			 "bsre", manage && !revoked && app->cfg.bsre_url && strcmp(l->signature_kind, "bsre") != 0);
}

/* POST /api/letters/{token}/revoke {reason}: by the issuer's staff. */
static int letters_revoke(struct req *r)
{
	struct letter l;
	if (path_letter(r, &l) != 0)
		return 0;
	if (!letter_may_manage(&r->caller, &l))
		return reply_error(r, 403, "forbidden", "only the issuer's staff revoke its letters", NULL);
	const char *reason = body_str(r, "reason");
	if (!reason || !reason[strspn(reason, " \t\r\n")])
		return reply_error_lang(r, 400, "invalid", "a revocation needs its reason", "Alasan pencabutan wajib diisi.",
					"reason");
	int rc = letter_revoke(r->app, r->db, r->arena, &r->caller, l.token, reason);
	if (rc == LETTERS_OK)
		rc = letter_read(r->app, r->db, r->arena, l.token, &l);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	return reply_verdict(r, letter_verification(r->app, r->arena, &l, today_wib(r)));
}

/* GET /api/letters/{token}/pdf: the letter as issued (BSrE-certified once
 * it is), for its holder and the issuer's staff. */
static int letters_pdf_get(struct req *r)
{
	struct letter l;
	if (path_letter(r, &l) != 0)
		return 0;
	if (!letter_may_fetch(&r->caller, &l))
		return reply_error(r, 403, "forbidden", "this letter is its holder's and its issuer's", NULL);
	unsigned char *pdf;
	size_t len;
	int rc = letter_pdf(r->app, &l, r->arena, &pdf, &len);
	if (rc == LETTERS_NOT_FOUND)
		return reply_error_lang(r, 404, "not_found", "this letter has no PDF", "Surat ini tidak memiliki berkas PDF.",
					NULL);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, "the letter's PDF could not be drawn or read");
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"surat-%s.pdf\"", l.token));
	reply_header(r, "Cache-Control", "private, no-store");
	return reply_text(r, 200, "application/pdf", (const char *)pdf, len);
}

/* POST /api/letters/{token}/bsre {nik, passphrase}: the signer's
 * certified signature over the PDF; NIK and passphrase go to BSrE and are
 * kept nowhere.  No transaction is held across the call to BSrE. */
static int letters_bsre(struct req *r)
{
	struct letter l;
	if (path_letter(r, &l) != 0)
		return 0;
	if (!letter_may_manage(&r->caller, &l))
		return reply_error(r, 403, "forbidden", "only the issuer's staff certify its letters", NULL);
	const char *why;
	int status;
	int rc = letter_bsre_sign(r->app, r->db, r->arena, &r->caller, l.token, body_str(r, "nik"),
				  body_str(r, "passphrase"), &why, &status);
	if (rc == LETTERS_BSRE)
		return reply_error(r, status, status == 409 ? "bsre_not_configured" : status == 422 ? "bsre_refused"
										   : "bsre_failed", why, NULL);
	if (rc == LETTERS_OK)
		rc = letter_read(r->app, r->db, r->arena, l.token, &l);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, why);
	return reply_verdict(r, letter_verification(r->app, r->arena, &l, today_wib(r)));
}

static const struct field verify_fields[] = {
	{ "content", FT_OBJECT, FF_REQUIRED, 0 },
	{ "signature", FT_STRING, FF_REQUIRED, 200 },
	{ "key_id", FT_STRING, FF_REQUIRED, 64 },
	{ 0 },
};
static const struct field revoke_fields[] = {
	{ "reason", FT_STRING, FF_REQUIRED, 500 },
	{ 0 },
};
static const struct field bsre_fields[] = {
	{ "nik", FT_STRING, FF_REQUIRED, 16 },
	{ "passphrase", FT_STRING, FF_REQUIRED, 200 },
	{ 0 },
};

#define LETTER_STAFF (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_VILLAGE_OPERATOR | ROLE_ADMIN)

const struct route letters_routes[] = {
	{ "GET", "/api/letters/public-key", letters_public_key, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/letters/verify/{token}", letters_verify_token, ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "POST", "/api/letters/verify", letters_verify_payload, ROLE_PUBLIC, verify_fields, RF_READ },
	{ "POST", "/api/letters/{token}/revoke", letters_revoke, LETTER_STAFF, revoke_fields, RF_SECRET_PATH },
	{ "GET", "/api/letters/{token}/pdf", letters_pdf_get, ROLE_ANY_USER, NULL, RF_SECRET_PATH },
	{ "POST", "/api/letters/{token}/bsre", letters_bsre, LETTER_STAFF, bsre_fields, RF_NO_TX | RF_SECRET_PATH },
	{ 0 },
};
