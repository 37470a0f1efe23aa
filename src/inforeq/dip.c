/* dip.c - the Daftar Informasi Publik each agency keeps (UU 14/2008 art.
 * 9-11, Perki 1/2021): number, summary, holding unit, person responsible,
 * when and where made, format, retention, and its category - berkala
 * (published periodically), serta merta (at once) or setiap saat
 * (available at any time).  The list is public; a document is uploaded
 * to an entry only when it is public information.  Villages keep theirs
 * (Perki 1/2018) in the same register, through inforeq.h: the village
 * service checks who may edit, this file what an entry holds.
 */
#include "inforeq.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "files.h"
#include "log.h"
#include "orgs.h"
#include "util.h"

static const char *const categories[] = { "berkala", "serta_merta", "setiap_saat", NULL };

static bool category_ok(const char *c)
{
	for (const char *const *k = categories; c && *k; k++)
		if (strcmp(*k, c) == 0)
			return true;
	return false;
}

/* GET /api/inforeq/dip?agency=&village=&category=&q= */
int inforeq_dip_list(struct req *r)
{
	const char *agency = req_query(r, "agency"), *category = req_query(r, "category"), *text = req_query(r, "q");
	const char *village = req_query(r, "village");
	if (category && *category && !category_ok(category))
		return reply_error(r, 400, "invalid", "category is berkala, serta_merta or setiap_saat", "category");
	if (text && strlen(text) > 200)
		return reply_error(r, 400, "invalid", "q is at most 200 characters", "q");
	int64_t agency_id = 0;
	if (agency && *agency) {
		int rc = orgs_id_by_code(r->db, agency, &agency_id);
		if (rc < 0)
			return reply_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", "agency: no agency has this code", "agency");
	}
	struct db_sql q;
	db_sql_init(&q, r->arena);
	db_sql_add(&q, "SELECT id, agency_id, number, summary, holding_unit, responsible, made_when, made_where, format,"
		       " retention, category, document_sha IS NOT NULL, village, title FROM inforeq_dip WHERE 1 = 1", "");
	if (agency_id)
		db_sql_add(&q, " AND agency_id = ?", "i", agency_id);
	if (village && *village)
		db_sql_add(&q, " AND village = ?", "s", village);
	if (category && *category)
		db_sql_add(&q, " AND category = ?", "s", category);
	if (text && *text)
		db_sql_add(&q, " AND lower(summary) LIKE lower(?)", "s", arena_printf(r->arena, "%%%s%%", text));
	db_sql_add(&q, " ORDER BY agency_id, number LIMIT 500", "");
	struct db_stmt *st = db_sql_query(r->db, &q);
	if (!st)
		return reply_db_error(r);
	struct case_ctx x;
	inforeq_ctx(r, &x);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *code = NULL, *name = NULL;
		int64_t id = db_col_int(st, 0);
		if (!db_col_is_null(st, 1) && case_unit(&x, db_col_int(st, 1), &code, &name) < 0) {
			rc = DB_ERROR;
			break;
		}
		json_array_append_new(items, json_pack("{s:I, s:{s:s?, s:s?}, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
						       " s:s, s:s?}",
			"id", (json_int_t)id, "agency", "code", code, "name", name, "village",
			db_col_is_null(st, 12) ? NULL : db_col_text(st, 12), "title",
			db_col_is_null(st, 13) ? NULL : db_col_text(st, 13), "number", db_col_text(st, 2),
			"summary", db_col_text(st, 3), "holding_unit", db_col_text(st, 4), "responsible", db_col_text(st, 5),
			"made_when", db_col_text(st, 6), "made_where", db_col_text(st, 7), "format", db_col_text(st, 8),
			"retention", db_col_text(st, 9), "category", db_col_text(st, 10), "document",
			db_col_int(st, 11) ? arena_printf(r->arena, "/api/inforeq/dip/%" PRId64 "/document", id) : NULL));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/inforeq/dip: an entry, by the agency's PPID Pelaksana. */
int inforeq_dip_create(struct req *r)
{
	static const char *const texts[] = { "number", "summary", "holding_unit", "responsible", "made_when",
					     "made_where", "format", "retention" };
	int64_t agency;
	int rc = orgs_id_by_code(r->db, body_str(r, "agency"), &agency);
	if (rc < 0)
		return reply_db_error(r);
	if (rc > 0)
		return reply_error(r, 400, "invalid", "agency: no agency has this code", "agency");
	if (!can(&r->caller, &inforeq_unit_staff, &(struct object){ .unit_id = agency }))
		return reply_error(r, 403, "forbidden", "an agency's PPID keeps its own list", NULL);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!inforeq_text_ok(body_str(r, texts[i]), false))
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is required", texts[i]), texts[i]);
	if (!category_ok(body_str(r, "category")))
		return reply_error(r, 400, "invalid", "category is berkala, serta_merta or setiap_saat", "category");
	int64_t seen;
	rc = db_query_int(r->db, &seen, "SELECT count(*) FROM inforeq_dip WHERE agency_id = ? AND number = ?", "is", agency,
			  body_str(r, "number"));
	if (rc != DB_ROW)
		return reply_db_error(r);
	if (seen)
		return reply_error(r, 409, "conflict", "the agency's list has an entry with this number", "number");
	char at[24];
	time_iso(app_now(r->app), at);
	int64_t id;
	if (db_query_int(r->db, &id, "INSERT INTO inforeq_dip (agency_id, number, summary, holding_unit, responsible,"
				     " made_when, made_where, format, retention, category, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", "issssssssss", agency,
			 body_str(r, "number"), body_str(r, "summary"), body_str(r, "holding_unit"), body_str(r, "responsible"),
			 body_str(r, "made_when"), body_str(r, "made_where"), body_str(r, "format"), body_str(r, "retention"),
			 body_str(r, "category"), at) != DB_ROW ||
	    audit_append(r->db, &r->caller, "inforeq.dip", arena_printf(r->arena, "inforeq_dip:%" PRId64, id), r->body) != 0)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static int entry_agency(struct req *r, int64_t *id, int64_t *agency)
{
	char *end;
	const char *p = req_param(r, "id");
	*id = strtoll(p, &end, 10);
	if (*end || *id <= 0)
		return reply_error(r, 404, "not_found", "no list entry has this number", NULL), -1;
	int rc = db_query_int(r->db, agency, "SELECT agency_id FROM inforeq_dip WHERE id = ?", "i", *id);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no list entry has this number", NULL), -1;
	if (rc != DB_ROW)
		return reply_db_error(r), -1;
	return 0;
}

/* PUT /api/inforeq/dip/{id}/document: the public document, a PDF. */
int inforeq_dip_document_put(struct req *r)
{
	int64_t id, agency;
	if (entry_agency(r, &id, &agency) != 0)
		return 0;
	if (!can(&r->caller, &inforeq_unit_staff, &(struct object){ .unit_id = agency }))
		return reply_error(r, 403, "forbidden", "an agency's PPID keeps its own list", NULL);
	if (r->body_len > DOC_MAX_BYTES)
		return reply_error(r, 413, "too_large", "a document may be at most 10 MB", "document");
	if (r->body_len < 5 || memcmp(r->body_raw, "%PDF-", 5) != 0)
		return reply_error(r, 400, "not_pdf", "the file is not a PDF", "document");
	char sha[65];
	if (files_put(r->app, r->db, r->body_raw, r->body_len, sha) != 0) {
		log_error("document not stored", LOG_F("module", "inforeq"), LOG_F("error", strerror(errno)));
		return reply_error(r, 503, "storage_error", NULL, NULL);
	}
	json_t *d = json_pack("{s:s}", "sha256", sha);
	int rc = db_exec(r->db, "UPDATE inforeq_dip SET document_sha = ?, document_mime = 'application/pdf' WHERE id = ?",
			 "si", sha, id) == DB_DONE ? audit_append(r->db, &r->caller, "inforeq.dip_document",
			 arena_printf(r->arena, "inforeq_dip:%" PRId64, id), d) : -1;
	json_decref(d);
	if (rc != 0)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:s}", "document", arena_printf(r->arena, "/api/inforeq/dip/%" PRId64
									    "/document", id)));
}

/* GET /api/inforeq/dip/{id}/document */
int inforeq_dip_document_get(struct req *r)
{
	int64_t id, agency;
	if (entry_agency(r, &id, &agency) != 0)
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT document_sha, document_mime FROM inforeq_dip WHERE id = ? "
					     "AND document_sha IS NOT NULL", "i", id);
	if (!st)
		return reply_db_error(r);
	const char *sha = NULL, *mime = NULL;
	if (db_step(st) == DB_ROW) {
		sha = arena_strdup(r->arena, db_col_text(st, 0));
		mime = arena_strdup(r->arena, db_col_text(st, 1));
	}
	db_done(st);
	if (!sha)
		return reply_error(r, 404, "not_found", "this entry has no public document", NULL);
	if (files_reply(r, sha, mime) != 0)
		return reply_error(r, 500, "internal", "the document could not be read", NULL);
	reply_header(r, "Cache-Control", "public, max-age=3600");
	return 0;
}

/* ---- a village's list (inforeq.h) ------------------------------------------------------------- */

#define VILLAGE_DIP_SELECT \
	"SELECT id, number, title, summary, holding_unit, responsible, made_when, made_where, format, retention," \
	" category, created_at, updated_at FROM inforeq_dip"

json_t *inforeq_village_dip(struct db_conn *c, const char *village)
{
	struct db_stmt *st = db_query(c, VILLAGE_DIP_SELECT " WHERE village = ? ORDER BY number, id", "s", village);
	if (!st)
		return NULL;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}",
			"id", (json_int_t)db_col_int(st, 0), "number", db_col_text(st, 1), "title",
			db_col_is_null(st, 2) ? NULL : db_col_text(st, 2), "summary", db_col_text(st, 3), "holding_unit",
			db_col_text(st, 4), "responsible", db_col_text(st, 5), "made_when", db_col_text(st, 6), "made_where",
			db_col_text(st, 7), "format", db_col_text(st, 8), "retention", db_col_text(st, 9), "category",
			db_col_text(st, 10), "created_at", db_col_text(st, 11), "updated_at",
			db_col_is_null(st, 12) ? NULL : db_col_text(st, 12)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return NULL;
	}
	return items;
}

int inforeq_village_dip_save(struct db_conn *c, const char *village, int64_t id, const struct dip_entry *e,
			     const char *at, int64_t *id_out, const char **field)
{
	const struct {
		const char *name, *value;
	} texts[] = {
		{ "number", e->number }, { "title", e->title }, { "summary", e->summary },
		{ "holding_unit", e->holding_unit }, { "responsible", e->responsible }, { "made_when", e->made_when },
		{ "made_where", e->made_where }, { "format", e->format }, { "retention", e->retention },
	};
	*field = NULL;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!inforeq_text_ok(texts[i].value, strcmp(texts[i].name, "summary") == 0)) {
			*field = texts[i].name;
			return DIP_INVALID;
		}
	if (!category_ok(e->category)) {
		*field = "category";
		return DIP_INVALID;
	}
	int64_t seen;
	int rc = db_query_int(c, &seen, "SELECT count(*) FROM inforeq_dip WHERE village = ? AND number = ? AND id <> ?", "ssi",
			      village, e->number, id);
	if (rc != DB_ROW)
		return DIP_ERROR;
	if (seen) {
		*field = "number";
		return DIP_TAKEN;
	}
	if (id == 0) {
		rc = db_query_int(c, id_out, "INSERT INTO inforeq_dip (village, number, title, summary, holding_unit, responsible,"
					     " made_when, made_where, format, retention, category, created_at)"
					     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", "ssssssssssss", village,
				  e->number, e->title, e->summary, e->holding_unit, e->responsible, e->made_when,
				  e->made_where, e->format, e->retention, e->category, at);
		return rc == DB_ROW ? DIP_OK : DIP_ERROR;
	}
	if (db_exec(c, "UPDATE inforeq_dip SET number = ?, title = ?, summary = ?, holding_unit = ?, responsible = ?,"
		       " made_when = ?, made_where = ?, format = ?, retention = ?, category = ?, updated_at = ?"
		       " WHERE id = ? AND village = ?", "sssssssssssis", e->number, e->title, e->summary, e->holding_unit,
		    e->responsible, e->made_when, e->made_where, e->format, e->retention, e->category, at, id,
		    village) != DB_DONE)
		return DIP_ERROR;
	*id_out = id;
	return db_changes(c) ? DIP_OK : DIP_NOT_FOUND;
}

int inforeq_village_dip_remove(struct db_conn *c, const char *village, int64_t id)
{
	if (db_exec(c, "DELETE FROM inforeq_dip WHERE id = ? AND village = ?", "is", id, village) != DB_DONE)
		return DIP_ERROR;
	return db_changes(c) ? DIP_OK : DIP_NOT_FOUND;
}
