/* requests.c - the citizen's side of a village letter: a draft with the
 * person's details, the kind's fields and its files, submitted into the
 * case engine; the citizen's list, the village's inbox, and who may see
 * what (village_letter_view_open, in one place): the applicant sees their
 * own, the village's operators and head see their village's submitted
 * requests, admins and the regent's office oversee; nobody else learns a
 * request exists (404).  Drafts are the applicant's alone.
 */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "files.h"
#include "documents.h"
#include "letters.h"
#include "log.h"
#include "nik.h"
#include "regions.h"
#include "util.h"

#define LIST_MAX 200

#define LETTER_SELECT \
	"SELECT id, case_id, applicant_id, letter_id, village, kind, nik, name, address, purpose, fields, created_at," \
	" submitted_at, issued_at FROM village_letters"

static void letter_row(struct req *r, struct db_stmt *st, struct village_letter *out)
{
#define S(i) (db_col_is_null(st, i) ? NULL : arena_strdup(r->arena, db_col_text(st, i)))
#define I(i) (db_col_is_null(st, i) ? 0 : db_col_int(st, i))
	*out = (struct village_letter){ .id = I(0), .case_id = I(1), .applicant_id = I(2), .letter_id = I(3),
		.village = S(4), .kind = S(5), .nik = S(6), .name = S(7), .address = S(8), .purpose = S(9),
		.fields = S(10), .created_at = S(11), .submitted_at = S(12), .issued_at = S(13) };
#undef S
#undef I
}

int village_letter_load(struct req *r, int64_t id, struct village_letter *out)
{
	struct db_stmt *st = db_query(r->db, LETTER_SELECT " WHERE id = ?", "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW)
		letter_row(r, st, out);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

/* The request id for the caller: 0 with v filled; -1 when a reply was set. */
static int view_open_id(struct req *r, struct case_ctx *x, int64_t id, struct letter_view *v)
{
	memset(v, 0, sizeof(*v));
	int rc = id > 0 ? village_letter_load(r, id, &v->l) : 1;
	if (rc == 0 && v->l.case_id)
		rc = case_load_id(x, &village_letter_type, v->l.case_id, &v->cs);
	if (rc < 0)
		return reply_db_error(r), -1;
	v->applicant = rc == 0 && r->caller.user_id && r->caller.user_id == v->l.applicant_id;
	if (rc == 0 && v->l.case_id) {
		const struct object o = { .village = v->l.village };
		v->roles = v->applicant ? CASE_BY_REPORTER : 0;
		if (can(&r->caller, &villages_handle, &o))
			v->roles |= CASE_BY_DESK;
		if (can(&r->caller, &villages_approve, &o))
			v->roles |= CASE_BY_UNIT;
		v->staff = (v->roles & (CASE_BY_DESK | CASE_BY_UNIT)) || can(&r->caller, &villages_oversee, NULL);
	}
	if (rc > 0 || (!v->applicant && !v->staff))
		return reply_error(r, 404, "not_found", "no village letter request has this number", NULL), -1;
	return 0;
}

int village_letter_view_open(struct req *r, struct case_ctx *x, struct letter_view *v)
{
	char *end;
	const char *idp = req_param(r, "id");
	long long id = idp ? strtoll(idp, &end, 10) : 0;
	return view_open_id(r, x, idp && *idp && !*end ? id : 0, v);
}

static json_t *files_json(struct req *r, const struct village_letter *l)
{
	struct db_stmt *st = db_query(r->db, "SELECT name, mime, size, uploaded_at FROM village_letter_files "
					     "WHERE letter_req_id = ? ORDER BY name", "i", l->id);
	if (!st)
		return NULL;
	json_t *o = json_object();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_object_set_new(o, db_col_text(st, 0), json_pack("{s:s, s:I, s:s, s:s}", "mime", db_col_text(st, 1),
			"size", (json_int_t)db_col_int(st, 2), "uploaded_at", db_col_text(st, 3), "url",
			arena_printf(r->arena, "/api/village-letters/%" PRId64 "/attachments/%s", l->id, db_col_text(st, 0))));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *request_json(struct req *r, struct case_ctx *x, const struct letter_view *v)
{
	const struct village_letter *l = &v->l;
	const char *vname = NULL;
	json_t *j = l->case_id ? case_summary(x, &v->cs)
			       : json_pack("{s:n, s:s, s:b}", "tracking", "state", "draft", "open", 1);
	json_t *fields = l->fields ? json_loads(l->fields, 0, NULL) : NULL;
	regions_lookup_app(r->app, r->db, r->arena, l->village, &vname, NULL);
	json_object_set_new(j, "id", json_integer(l->id));
	json_object_set_new(j, "village", json_pack("{s:s, s:s?}", "kode", l->village, "nama", vname));
	json_object_set_new(j, "kind", json_string(l->kind));
	json_object_set_new(j, "nik", l->nik ? json_string(l->nik) : json_null());
	json_object_set_new(j, "name", l->name ? json_string(l->name) : json_null());
	json_object_set_new(j, "address", l->address ? json_string(l->address) : json_null());
	json_object_set_new(j, "purpose", l->purpose ? json_string(l->purpose) : json_null());
	json_object_set_new(j, "fields", fields ? fields : json_object());
	json_object_set_new(j, "created_at", json_string(l->created_at));
	json_object_set_new(j, "submitted_at", l->submitted_at ? json_string(l->submitted_at) : json_null());
	json_object_set_new(j, "issued_at", l->issued_at ? json_string(l->issued_at) : json_null());
	return j;
}

int village_letter_reply(struct req *r, struct case_ctx *x, struct letter_view *v, int status)
{
	json_t *files = files_json(r, &v->l);
	json_t *timeline = v->l.case_id ? case_timeline(x, &v->cs, v->staff ? CASE_STAFF : CASE_REPORTER, v->staff)
					: json_array();
	json_t *letter = json_null();
	if (v->l.letter_id) {
		struct letter lt;
		if (letter_read_id(r->app, r->db, r->arena, v->l.letter_id, &lt) != LETTERS_OK) {
			letter = NULL;
		} else {
			letter = letter_json(r->app, &r->caller, &lt,
					     arena_printf(r->arena, "/api/village-letters/%" PRId64 "/letter.pdf", v->l.id));
		}
	}
	if (!files || !timeline || !letter) {
		json_decref(files);
		json_decref(timeline);
		json_decref(letter);
		return reply_db_error(r);
	}
	json_t *actions = v->l.case_id ? case_actions(x, &v->cs, v->roles) : json_array();
	return reply_json(r, status, json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "request", request_json(r, x, v),
		"attachments", files, "timeline", timeline, "actions", actions, "letter", letter, "viewer",
		v->applicant ? "applicant" : "staff"));
}

/* The body's members checked for a draft (complete or not); 0, or -1 with
 * a reply set. */
static int draft_check(struct req *r, const struct village_letter_kind *k)
{
	const char *nik = body_str(r, "nik");
	if (nik && *nik) {
		enum nik_error e = nik_check(nik, regions_exists_cb, r->db, NULL);
		if (e != NIK_OK)
			return reply_error(r, 400, "invalid", nik_error_message(e), "nik"), -1;
	}
	static const char *const texts[] = { "name", "address", "purpose" };
	for (size_t i = 0; i < 3; i++) {
		const char *s = body_str(r, texts[i]);
		if (s && *s && !village_text_ok(s, false))
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be readable text", texts[i]),
					   texts[i]), -1;
	}
	json_t *fields = json_object_get(r->body, "fields");
	const char *key;
	json_t *val;
	json_object_foreach(fields, key, val) {
		bool known = false;
		for (const struct letter_field *f = k->fields; f->name && !known; f++)
			known = strcmp(f->name, key) == 0;
		if (!known)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "a %s letter has no field %s", k->code, key),
					   "fields"), -1;
		if (!json_is_null(val) && (!json_is_string(val) || strlen(json_string_value(val)) > 300 ||
					   (*json_string_value(val) && !village_text_ok(json_string_value(val), false))))
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "fields.%s must be text up to 300 characters",
									  key), "fields"), -1;
	}
	return 0;
}

static const char *str_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* The kind of request l as its village offers it (retired or not: a
 * request under way goes on); 0, or -1 with a reply set. */
static int letter_kind(struct req *r, const struct village_letter *l, struct village_letter_kind *k)
{
	bool retired;
	int rc = village_kind_find(r, l->village, l->kind, k, &retired);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 409, "conflict", "the request's letter kind is gone", "kind"), -1;
	return 0;
}

/* POST /api/villages/{kode}/letters {kind, nik?, name?, address?, purpose?, fields?}: a draft. */
int villages_letter_create(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	struct village_letter_kind kind, *k = &kind;
	bool retired;
	int found = village_kind_find(r, v.kode, body_str(r, "kind"), k, &retired);
	if (found < 0)
		return reply_db_error(r);
	if (found > 0 || retired)
		return reply_error(r, 400, "invalid", "kind must be one of the village's GET /api/villages/{kode}/letter-kinds",
				   "kind");
	if (draft_check(r, k))
		return 0;
	json_t *fields = json_object_get(r->body, "fields");
	const char *ftext = fields ? arena_json_dumps(r->arena, fields, JSON_COMPACT | JSON_SORT_KEYS) : "{}";
	char now[24];
	time_iso(app_now(r->app), now);
	int64_t id;
	if (db_query_int(r->db, &id, "INSERT INTO village_letters (village, kind, applicant_id, nik, name, address, purpose,"
				     " fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 "ssisssssss", v.kode, k->code, r->caller.user_id, str_or_null(body_str(r, "nik")),
			 str_or_null(body_str(r, "name")), str_or_null(body_str(r, "address")),
			 str_or_null(body_str(r, "purpose")), ftext, now, now) != DB_ROW)
		return reply_db_error(r);
	if (audit_append(r->db, &r->caller, "village_letter.draft", arena_printf(r->arena, "village_letter:%" PRId64, id),
			 NULL) != 0)
		return reply_db_error(r);
	struct case_ctx x;
	struct letter_view lv;
	villages_ctx(r, &x);
	if (view_open_id(r, &x, id, &lv))
		return 0;
	return village_letter_reply(r, &x, &lv, 201);
}

/* Drafts, and requests returned as incomplete, are the applicant's to change. */
static bool editable(const struct letter_view *v)
{
	return v->applicant && (!v->l.case_id || strcmp(v->cs.state, "incomplete") == 0);
}

static int refuse_locked(struct req *r)
{
	return reply_error_lang(r, 409, "conflict", "the request is with the village office now",
				"Permohonan sedang diproses kantor desa.", NULL);
}

/* PATCH /api/village-letters/{id}: the members given (kind cannot change). */
int villages_letter_update(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	if (!editable(&v))
		return v.applicant ? refuse_locked(r)
				   : reply_error(r, 403, "forbidden", "only the applicant changes a request", NULL);
	const char *kind = body_str(r, "kind");
	if (kind && strcmp(kind, v.l.kind) != 0)
		return reply_error(r, 400, "invalid", "the kind of a request cannot change: start a new one", "kind");
	struct village_letter_kind k;
	if (letter_kind(r, &v.l, &k) || draft_check(r, &k))
		return 0;
	json_t *fields = v.l.fields ? json_loads(v.l.fields, 0, NULL) : json_object();
	json_object_update(fields, json_object_get(r->body, "fields"));
	const char *ftext = arena_json_dumps(r->arena, fields, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(fields);
	char now[24];
	time_iso(app_now(r->app), now);
	static const char *const cols[] = { "nik", "name", "address", "purpose" };
	const char *val[4];
	for (int i = 0; i < 4; i++)
		val[i] = body_has(r, cols[i]) ? str_or_null(body_str(r, cols[i])) : NULL;
	if (db_exec(r->db, "UPDATE village_letters SET nik = CASE WHEN ? = 1 THEN ? ELSE nik END,"
			   " name = CASE WHEN ? = 1 THEN ? ELSE name END, address = CASE WHEN ? = 1 THEN ? ELSE address END,"
			   " purpose = CASE WHEN ? = 1 THEN ? ELSE purpose END, fields = ?, updated_at = ? WHERE id = ?",
		    "bsbsbsbsssi", (int)body_has(r, "nik"), val[0], (int)body_has(r, "name"), val[1],
		    (int)body_has(r, "address"), val[2], (int)body_has(r, "purpose"), val[3], ftext, now, v.l.id) != DB_DONE)
		return reply_db_error(r);
	if (village_letter_load(r, v.l.id, &v.l) != 0)
		return reply_db_error(r);
	return village_letter_reply(r, &x, &v, 200);
}

static bool attachment_known(const struct village_letter_kind *k, const char *name)
{
	for (const char *const *n = k->attachments; name && *n; n++)
		if (strcmp(*n, name) == 0)
			return true;
	return false;
}

/* PUT /api/village-letters/{id}/attachments/{name}: a PDF, JPEG or PNG
 * (recognised by its content; a photo decoded and encoded again, so no metadata survives). */
int villages_letter_attachment_put(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	const char *name = req_param(r, "name");
	struct village_letter_kind kind, *k = &kind;
	if (letter_kind(r, &v.l, k))
		return 0;
	if (!attachment_known(k, name))
		return reply_error(r, 404, "not_found", arena_printf(r->arena, "a %s letter takes no file %s", k->code, name),
				   NULL);
	if (!editable(&v))
		return v.applicant ? refuse_locked(r)
				   : reply_error(r, 403, "forbidden", "only the applicant uploads files", NULL);
	if (r->body_len > ATTACHMENT_MAX_BYTES)
		return reply_error_lang(r, 413, "too_large", "a file may be at most 5 MB", "Berkas paling besar 5 MB.", name);
	struct stored_document doc;
	if (document_take(r, true, name, "villages", &doc))
		return 0;
	const char *sha = doc.sha, *mime = doc.mime;
	size_t len = doc.len;
	char at[24];
	time_iso(app_now(r->app), at);
	if (db_exec(r->db, "DELETE FROM village_letter_files WHERE letter_req_id = ? AND name = ?", "is", v.l.id,
		    name) != DB_DONE ||
	    db_exec(r->db, "INSERT INTO village_letter_files (letter_req_id, name, sha256, mime, size, uploaded_at) "
			   "VALUES (?, ?, ?, ?, ?, ?)", "isssis", v.l.id, name, sha, mime, (int64_t)len, at) != DB_DONE)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:s, s:s, s:I}}", "attachment", "name", name, "mime", mime, "size",
					    (json_int_t)len));
}

/* GET /api/village-letters/{id}/attachments/{name}: for the applicant and the village's staff. */
int villages_letter_attachment_get(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT sha256, mime FROM village_letter_files WHERE letter_req_id = ? "
					     "AND name = ?", "is", v.l.id, req_param(r, "name"));
	if (!st)
		return reply_db_error(r);
	const char *sha = NULL, *mime = NULL;
	if (db_step(st) == DB_ROW) {
		sha = arena_strdup(r->arena, db_col_text(st, 0));
		mime = arena_strdup(r->arena, db_col_text(st, 1));
	}
	db_done(st);
	if (!sha)
		return reply_error(r, 404, "not_found", "no such file on this request", NULL);
	if (files_reply(r, sha, mime) != 0)
		return reply_error(r, 503, "storage_error", NULL, NULL);
	reply_header(r, "Cache-Control", "private, no-store");
	return 0;
}

/* What a request still lacks before the office can check it: the field
 * to name, or NULL when complete. */
static const char *missing(struct req *r, const struct letter_view *v, const struct village_letter_kind *kind,
			   const char **label)
{
	const struct village_letter *l = &v->l;
	const struct village_letter_kind *k = kind;
	*label = NULL;
	if (!l->nik || nik_check(l->nik, regions_exists_cb, r->db, NULL) != NIK_OK)
		return "nik";
	if (!l->name)
		return "name";
	if (!l->address)
		return "address";
	if (!l->purpose)
		return "purpose";
	json_t *fields = l->fields ? json_loads(l->fields, 0, NULL) : NULL;
	for (const struct letter_field *f = k->fields; f->name; f++) {
		const char *s = json_string_value(json_object_get(fields, f->name));
		if (!s || !*s) {
			json_decref(fields);
			*label = f->name;
			return "fields";
		}
	}
	json_decref(fields);
	for (const char *const *n = k->attachments; *n; n++) {
		int64_t have = 0;
		if (db_query_int(r->db, &have, "SELECT count(*) FROM village_letter_files WHERE letter_req_id = ? AND name = ?",
				 "is", l->id, *n) != DB_ROW || !have) {
			*label = *n;
			return "attachments";
		}
	}
	return NULL;
}

/* POST /api/village-letters/{id}/submit: a complete draft opens its case;
 * a request returned as incomplete goes back to the office. */
int villages_letter_submit(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	if (!editable(&v))
		return v.applicant ? refuse_locked(r)
				   : reply_error(r, 403, "forbidden", "only the applicant submits a request", NULL);
	struct village_letter_kind k;
	if (letter_kind(r, &v.l, &k))
		return 0;
	const char *label, *field = missing(r, &v, &k, &label);
	if (field)
		return reply_error_lang(r, 400, "incomplete",
			arena_printf(r->arena, "the request is not complete: %s%s%s", field, label ? " " : "", label ? label : ""),
			arena_printf(r->arena, "Permohonan belum lengkap: %s%s%s", field, label ? " " : "", label ? label : ""),
			label ? arena_printf(r->arena, "%s.%s", field, label) : field);
	char now[24];
	time_iso(x.now, now);
	if (v.l.case_id) {
		struct case_error err;
		int taken = case_take(&x, &v.cs, "resubmit", v.roles, &(struct case_input){ 0 }, &err);
		if (taken < 0)
			return reply_db_error(r);
		if (taken > 0)
			return villages_case_error(r, &err);
	} else {
		if (case_prepare(&x, &village_letter_type) != 0 ||
		    case_open(&x, &village_letter_type, &(struct case_new){ .reporter_id = r->caller.user_id }, &v.cs) != 0 ||
		    db_exec(r->db, "UPDATE village_letters SET case_id = ?, submitted_at = ?, updated_at = ? WHERE id = ? "
				   "AND case_id IS NULL", "issi", v.cs.id, now, now, v.l.id) != DB_DONE ||
		    case_opened(&x, &v.cs) != 0)
			return reply_db_error(r);
	}
	if (village_letter_load(r, v.l.id, &v.l) != 0 || case_load_id(&x, &village_letter_type, v.l.case_id, &v.cs) != 0)
		return reply_db_error(r);
	v.roles |= CASE_BY_REPORTER;
	return village_letter_reply(r, &x, &v, 200);
}

/* GET /api/village-letters/{id} */
int villages_letter_get(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	return village_letter_reply(r, &x, &v, 200);
}

/* Rows of st (LETTER_SELECT) as a list, each with its case's summary. */
static int list_reply(struct req *r, struct case_ctx *x, struct db_stmt *st)
{
	struct village_letter ls[LIST_MAX];
	int64_t ids[LIST_MAX];
	int n = 0, rc;
	while (n < LIST_MAX && (rc = db_step(st)) == DB_ROW)
		letter_row(r, st, &ls[n++]);
	if (n < LIST_MAX && rc != DB_DONE) {
		db_done(st);
		return reply_db_error(r);
	}
	db_done(st);
	int nc = 0;
	for (int i = 0; i < n; i++)
		if (ls[i].case_id)
			ids[nc++] = ls[i].case_id;
	struct case_row *rows = arena_alloc(r->arena, (size_t)(nc + 1) * sizeof(*rows));
	if (!rows || case_rows(x, &village_letter_type, ids, nc, rows) != 0)
		return reply_db_error(r);
	json_t *items = json_array();
	for (int i = 0, c = 0; i < n; i++) {
		struct letter_view v = { .l = ls[i], .applicant = ls[i].applicant_id == r->caller.user_id };
		if (ls[i].case_id)
			v.cs = rows[c++];
		json_array_append_new(items, request_json(r, x, &v));
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/village-letters/mine: the caller's requests, newest first. */
int villages_letters_mine(struct req *r)
{
	struct case_ctx x;
	villages_ctx(r, &x);
	struct db_stmt *st = db_query(r->db, LETTER_SELECT " WHERE applicant_id = ? ORDER BY id DESC LIMIT 200", "i",
				      r->caller.user_id);
	if (!st)
		return reply_db_error(r);
	return list_reply(r, &x, st);
}

/* GET /api/villages/{kode}/letters[?status=open|closed|<state>]: the
 * village's submitted requests, for its operators and head. */
int villages_letters_inbox(struct req *r)
{
	struct village v;
	struct case_ctx x;
	if (village_open(r, &v))
		return 0;
	const struct object o = { .village = v.kode };
	if (!can(&r->caller, &villages_handle, &o) && !can(&r->caller, &villages_approve, &o) &&
	    !can(&r->caller, &villages_oversee, NULL))
		return reply_error_lang(r, 403, "forbidden", "only this village's staff see its requests",
					"Hanya perangkat desa ini yang dapat melihat permohonannya.", NULL);
	villages_ctx(r, &x);
	struct db_sql q;
	db_sql_init(&q, r->arena);
	db_sql_add(&q, LETTER_SELECT " l WHERE l.village = ? AND l.case_id IS NOT NULL AND ", "s", v.kode);
	case_match_sql(&x, &village_letter_type, &(struct case_filter){ .status = req_query(r, "status") }, "l.case_id", &q);
	db_sql_add(&q, " ORDER BY l.id DESC LIMIT 200", "");
	struct db_stmt *st = db_sql_query(r->db, &q);
	if (!st)
		return reply_db_error(r);
	return list_reply(r, &x, st);
}
