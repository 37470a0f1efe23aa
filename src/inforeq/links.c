/* links.c - the files of a request (answer documents, the written notice,
 * the Atasan's answer to an objection) for whoever may open the request,
 * and short-lived download links for them.
 *
 * A requester without an account proves it with the X-Case-Key header,
 * which a plain link cannot carry.  The page asks for a link instead: a
 * random token, stored hashed, valid for LINK_TTL_S and naming one file
 * of one request.  Its route is RF_SECRET_PATH (never in the access log)
 * and the file goes out with no-referrer and no-store, so neither the
 * token nor the case key reaches a third party or a shared cache.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "files.h"
#include "letters.h"
#include "log.h"
#include "util.h"

#define LINK_TTL_S 600

static void private_headers(struct req *r, const char *filename)
{
	reply_header(r, "Cache-Control", "private, no-store");
	reply_header(r, "Referrer-Policy", "no-referrer");
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s\"", filename));
}

static int send_document(struct req *r, struct case_ctx *x, const struct case_row *cs, int n)
{
	const char *sha, *mime;
	int rc = case_attachment(x, cs, n, false, &sha, &mime);
	if (rc < 0)
		return reply_db_error(r);
	if (rc > 0)
		return reply_error(r, 404, "not_found", "this request has no such document", NULL);
	if (files_reply(r, sha, mime) != 0) {
		log_error("document unreadable", LOG_F("module", "inforeq"), LOG_F("sha256", sha));
		return reply_error(r, 500, "internal", "the document could not be read", NULL);
	}
	const char *ext = strcmp(mime, "application/pdf") == 0 ? "pdf" : strcmp(mime, "image/png") == 0 ? "png" : "jpg";
	private_headers(r, arena_printf(r->arena, "dokumen-%s-%d.%s", cs->tracking, n, ext));
	return 0;
}

static int send_letter(struct req *r, int64_t letter_id, const char *filename)
{
	struct letter l;
	int rc = letter_read_id(r->app, r->db, r->arena, letter_id, &l);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	unsigned char *pdf;
	size_t len;
	rc = letter_pdf(r->app, &l, r->arena, &pdf, &len);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	private_headers(r, filename);
	return reply_text(r, 200, "application/pdf", (const char *)pdf, len);
}

/* One file of a request: what is "document" (with n), "notice" or
 * "objection_letter". */
static int send_file(struct req *r, struct case_ctx *x, const struct inforeq_view *v, const char *what, int n)
{
	if (strcmp(what, "document") == 0)
		return send_document(r, x, &v->cs, n);
	bool notice = strcmp(what, "notice") == 0;
	int64_t id = notice ? v->q.letter_id : v->q.obj_letter_id;
	if (!id)
		return reply_error(r, 404, "not_found", notice ? "the request has not been answered yet"
							       : "the objection has not been answered yet", NULL);
	return send_letter(r, id, arena_printf(r->arena, "%s-%s.pdf", notice ? "pemberitahuan" : "tanggapan-keberatan",
					       v->cs.tracking));
}

/* The document number of a path or body value: 1..1000, or 0. */
static int document_n(const char *s)
{
	char *end;
	long n = s && *s ? strtol(s, &end, 10) : 0;
	return n >= 1 && n <= 1000 && !*end ? (int)n : 0;
}

/* GET /api/inforeq/{no}/documents/{n}: for the requester and the staff. */
int inforeq_document_get(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	int n = document_n(req_param(r, "n"));
	if (!n)
		return reply_error(r, 404, "not_found", "this request has no such document", NULL);
	return send_file(r, &x, &v, "document", n);
}

/* GET /api/inforeq/{no}/notice.pdf */
int inforeq_notice_pdf(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	return send_file(r, &x, &v, "notice", 0);
}

/* GET /api/inforeq/{no}/objection.pdf: the Atasan PPID's written answer. */
int inforeq_objection_pdf(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	return send_file(r, &x, &v, "objection_letter", 0);
}

/* POST /api/inforeq/{no}/links {what, n?}: a download link for one file,
 * for whoever may open the request (the key header, an account, staff). */
int inforeq_link_create(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	const char *what = body_str(r, "what");
	json_t *nj = json_object_get(r->body, "n");
	int n = 0;
	if (strcmp(what, "document") == 0) {
		json_int_t k = json_integer_value(nj);
		n = k >= 1 && k <= 1000 ? (int)k : 0;
		const char *sha, *mime;
		int rc = n ? case_attachment(&x, &v.cs, n, false, &sha, &mime) : 1;
		if (rc < 0)
			return reply_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", "n: this request has no such document", "n");
	} else if (strcmp(what, "notice") == 0 || strcmp(what, "objection_letter") == 0) {
		if (nj)
			return reply_error(r, 400, "invalid", "n goes with a document only", "n");
		if (!(strcmp(what, "notice") == 0 ? v.q.letter_id : v.q.obj_letter_id))
			return reply_error(r, 409, "conflict", "that letter has not been issued yet", "what");
	} else {
		return reply_error(r, 400, "invalid", "what is document, notice or objection_letter", "what");
	}
	char token[48], hash[65], expires[24];
	token_new(token);
	sha256_hex(token, strlen(token), hash);
	time_iso(x.now + LINK_TTL_S, expires);
	if (db_exec(r->db, "INSERT INTO inforeq_links (token_hash, case_id, what, n, expires_at) VALUES (?, ?, ?, ?, ?)",
		    "sisis", hash, v.cs.id, what, (int64_t)n, expires) != DB_DONE)
		return reply_db_error(r);
	reply_header(r, "Cache-Control", "no-store");
	return reply_json(r, 201, json_pack("{s:s, s:s}", "url", arena_printf(r->arena, "/api/inforeq/files/%s", token),
					    "expires_at", expires));
}

/* GET /api/inforeq/files/{token}: the file a link names, while it lasts. */
int inforeq_file_get(struct req *r)
{
	const char *token = req_param(r, "token");
	char hash[65], now[24];
	struct case_ctx x;
	inforeq_ctx(r, &x);
	time_iso(x.now, now);
	if (!token || strlen(token) > 64)
		return reply_error(r, 404, "not_found", "this download link does not exist or has expired", NULL);
	sha256_hex(token, strlen(token), hash);
	struct db_stmt *st = db_query(r->db, "SELECT case_id, what, n FROM inforeq_links WHERE token_hash = ?"
					     " AND expires_at > ?", "ss", hash, now);
	int rc = st ? db_step(st) : DB_ERROR;
	int64_t case_id = 0;
	const char *what = NULL;
	int n = 0;
	if (rc == DB_ROW) {
		case_id = db_col_int(st, 0);
		what = arena_strdup(r->arena, db_col_text(st, 1));
		n = (int)db_col_int(st, 2);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return reply_db_error(r);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "this download link does not exist or has expired", NULL);
	struct inforeq_view v;
	memset(&v, 0, sizeof(v));
	rc = case_load_id(&x, &inforeq_type, case_id, &v.cs);
	if (rc == 0)
		rc = inforeq_load(r, case_id, &v.q);
	if (rc != 0)
		return reply_db_error(r);
	return send_file(r, &x, &v, what, n);
}

void inforeq_links_prune(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	char now[24];
	time_iso(app_now(app), now);
	if (db_tx_begin(c) != DB_OK || db_exec(c, "DELETE FROM inforeq_links WHERE expires_at <= ?", "s", now) != DB_DONE ||
	    db_tx_commit(c) != DB_OK) {
		log_error("expired PPID download links not pruned", LOG_F("module", "inforeq"), LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
	db_release(app->db, c);
}
