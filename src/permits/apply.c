/* apply.c - the applicant's side: a draft kept until submitted, its
 * documents checked by their bytes, submission onto the case engine and
 * resubmission of a returned application.
 *
 * Only what the letter or the decision needs is asked (specs §9, UU PDP):
 * identity, address down to the village, institution and status, the
 * research itself, locations, period, members and the institution's
 * letter.
 */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "files.h"
#include "documents.h"
#include "log.h"
#include "nik.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"
#include "validate.h"

static const char *const applicant_statuses[] = { "s1", "s2", "s3", "lecturer", "agency_researcher", "company",
						  "ngo", NULL };

/* The body members kept as plain text, and the column of each. */
static const struct {
	const char *field, *column;
	bool multiline;
} text_fields[] = {
	{ "name", "name", false },
	{ "address", "address", false },
	{ "institution", "institution", false },
	{ "supervisor", "supervisor", false },
	{ "title", "title", false },
	{ "purpose", "purpose", true },
	{ "scope", "scope", true },
	{ "method", "method", true },
	{ "topic", "topic", false },
	{ "intro_number", "intro_number", false },
	{ "intro_subject", "intro_subject", false },
};

static bool date_ok(const char *s)
{
	struct tm tm = { 0 };
	char back[11];
	if (!s || strlen(s) != 10)
		return false;
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		return false;
	tm.tm_isdst = 0;
	time_t t = timegm(&tm);
	struct tm again;
	gmtime_r(&t, &again);
	strftime(back, sizeof(back), "%Y-%m-%d", &again);
	return strcmp(back, s) == 0;
}

static int invalid(struct req *r, const char *message, const char *pesan, const char *field)
{
	reply_error_lang(r, 400, "invalid", message, pesan, field);
	return -1;
}

/* Locations: [{unit: CODE} | {region: KEMENDAGRI CODE}], checked through
 * the organisation tree and the region register; the rows replace the
 * draft's.  0, or -1 with a reply set. */
static int locations_set(struct req *r, int64_t permit_id, json_t *locs)
{
	if (json_array_size(locs) > LOCATIONS_MAX)
		return invalid(r, "at most 20 locations", "Paling banyak 20 lokasi.", "locations");
	if (db_exec(r->db, "DELETE FROM permit_locations WHERE permit_id = ?", "i", permit_id) != DB_DONE)
		return permits_db_error(r), -1;
	size_t i;
	json_t *l;
	json_array_foreach(locs, i, l) {
		const char *unit = json_string_value(json_object_get(l, "unit"));
		const char *region = json_string_value(json_object_get(l, "region"));
		if (!json_is_object(l) || json_object_size(l) != 1 || (!unit && !region))
			return invalid(r, "each location is {unit: CODE} or {region: KEMENDAGRI CODE}",
				       "Setiap lokasi berupa {unit: KODE} atau {region: KODE WILAYAH}.", "locations");
		const char *name;
		int64_t unit_id = 0;
		int rc;
		if (unit) {
			const char *code;
			rc = orgs_id_by_code(r->db, unit, &unit_id);
			if (rc == 0)
				rc = orgs_code_name(r->db, r->arena, unit_id, &code, &name);
			if (rc > 0)
				return invalid(r, arena_printf(r->arena, "locations: %s is not an organisation unit", unit),
					       arena_printf(r->arena, "Lokasi: %s bukan kode perangkat daerah.", unit),
					       "locations");
		} else {
			int level = region_code_level(region);
			const char *regency = r->app->cfg.regency_code;
			rc = (level == 3 || level == 4) && strncmp(region, regency, strlen(regency)) == 0
				     ? regions_lookup(r->db, r->arena, region, &name, NULL) : 1;
			if (rc > 0)
				return invalid(r, arena_printf(r->arena, "locations: %s is not a district or village of "
									 "the regency", region),
					       arena_printf(r->arena, "Lokasi: %s bukan kecamatan atau desa di kabupaten ini.",
							    region), "locations");
		}
		if (rc < 0)
			return permits_db_error(r), -1;
		rc = db_exec(r->db, "INSERT INTO permit_locations (permit_id, kind, code, name, unit_id) "
				    "VALUES (?, ?, ?, ?, NULLIF(?, 0))", "isssi", permit_id, unit ? "unit" : "region",
			     unit ? unit : region, name, unit_id);
		if (rc == DB_CONSTRAINT)
			return invalid(r, "a location is named twice", "Ada lokasi yang disebut dua kali.", "locations");
		if (rc != DB_DONE)
			return permits_db_error(r), -1;
	}
	return 0;
}

static int identity_check(struct req *r, const char *kind, const char *number)
{
	if (!kind || !number)
		return 0;
	if (strcmp(kind, "nik") == 0) {
		enum nik_error e = nik_check(number, regions_exists_cb, r->db, NULL);
		if (e != NIK_OK)
			return invalid(r, arena_printf(r->arena, "identity_number: %s", nik_error_message(e)),
				       "NIK tidak valid.", "identity_number");
		return 0;
	}
	size_t n = strlen(number);
	bool ok = n >= 6 && n <= 12;
	for (size_t i = 0; ok && i < n; i++)
		ok = (number[i] >= '0' && number[i] <= '9') || (number[i] >= 'A' && number[i] <= 'Z');
	if (!ok)
		return invalid(r, "a passport number is 6 to 12 capital letters and digits",
			       "Nomor paspor berupa 6 sampai 12 huruf kapital dan angka.", "identity_number");
	return 0;
}

/* The members of the body given, each checked, written to the draft.
 * 0, or -1 with a reply set. */
static int draft_write(struct req *r, struct permit *p)
{
	int64_t id = p->id;
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
		if (!body_has(r, text_fields[i].field))
			continue;
		const char *v = body_str(r, text_fields[i].field);
		if (v && !*v)
			v = NULL;
		if (v && !permit_text_ok(v, text_fields[i].multiline))
			return invalid(r, arena_printf(r->arena, "%s must be readable text", text_fields[i].field), NULL,
				       text_fields[i].field);
		/* The column names come from the table above, never from the request. */
		if (db_exec(r->db, arena_printf(r->arena, "UPDATE permits SET %s = ? WHERE id = ?", text_fields[i].column),
			    "si", v, id) != DB_DONE)
			return permits_db_error(r), -1;
	}
	const char *kind = body_has(r, "identity_kind") ? body_str(r, "identity_kind") : p->id_kind;
	const char *number = body_has(r, "identity_number") ? body_str(r, "identity_number") : p->id_number;
	if (kind && strcmp(kind, "nik") != 0 && strcmp(kind, "passport") != 0)
		return invalid(r, "identity_kind is nik or passport (foreign researchers)",
			       "Jenis identitas: nik atau passport (peneliti asing).", "identity_kind");
	if (body_has(r, "identity_kind") || body_has(r, "identity_number")) {
		if (identity_check(r, kind, number))
			return -1;
		if (db_exec(r->db, "UPDATE permits SET id_kind = ?, id_number = ? WHERE id = ?", "ssi", kind, number,
			    id) != DB_DONE)
			return permits_db_error(r), -1;
	}
	if (body_has(r, "village")) {
		const char *v = body_str(r, "village");
		int rc = v ? (region_code_level(v) == 4 ? regions_lookup(r->db, r->arena, v, NULL, NULL) : 1) : 0;
		if (rc < 0)
			return permits_db_error(r), -1;
		if (rc > 0)
			return invalid(r, "village must be the Kemendagri code of a village (33.03.01.2001)",
				       "Desa harus berupa kode desa Kemendagri (33.03.01.2001).", "village");
		if (db_exec(r->db, "UPDATE permits SET village = ? WHERE id = ?", "si", v, id) != DB_DONE)
			return permits_db_error(r), -1;
	}
	if (body_has(r, "status")) {
		const char *s = body_str(r, "status");
		bool ok = s == NULL;
		for (const char *const *k = applicant_statuses; s && *k && !ok; k++)
			ok = strcmp(*k, s) == 0;
		if (!ok)
			return invalid(r, "status is one of s1, s2, s3, lecturer, agency_researcher, company, ngo",
				       "Status pemohon: s1, s2, s3, lecturer, agency_researcher, company, atau ngo.", "status");
		if (db_exec(r->db, "UPDATE permits SET status = ? WHERE id = ?", "si", s, id) != DB_DONE)
			return permits_db_error(r), -1;
	}
	static const char *const dates[][2] = { { "period_from", "period_from" }, { "period_until", "period_until" },
						{ "intro_date", "intro_date" } };
	for (size_t i = 0; i < 3; i++) {
		if (!body_has(r, dates[i][0]))
			continue;
		const char *d = body_str(r, dates[i][0]);
		if (d && !date_ok(d))
			return invalid(r, arena_printf(r->arena, "%s must be a date YYYY-MM-DD", dates[i][0]),
				       "Tanggal harus berformat TTTT-BB-HH.", dates[i][0]);
		if (db_exec(r->db, arena_printf(r->arena, "UPDATE permits SET %s = ? WHERE id = ?", dates[i][1]), "si", d,
			    id) != DB_DONE)
			return permits_db_error(r), -1;
	}
	if (body_has(r, "members")) {
		json_t *m = json_object_get(r->body, "members");
		size_t i;
		json_t *e;
		if (json_array_size(m) > MEMBERS_MAX)
			return invalid(r, "at most 10 members", "Paling banyak 10 anggota.", "members");
		json_array_foreach(m, i, e)
			if (!json_is_string(e) || !permit_text_ok(json_string_value(e), false) ||
			    utf8_length(json_string_value(e)) > 200)
				return invalid(r, "members are names, each up to 200 characters",
					       "Anggota berupa nama, masing-masing paling panjang 200 karakter.", "members");
		const char *text = arena_json_dumps(r->arena, json_is_array(m) ? m : json_array(), JSON_COMPACT);
		if (db_exec(r->db, "UPDATE permits SET members = ? WHERE id = ?", "si", text ? text : "[]", id) != DB_DONE)
			return permits_db_error(r), -1;
	}
	if (body_has(r, "locations") && locations_set(r, id, json_object_get(r->body, "locations")))
		return -1;
	char at[24];
	time_iso(app_now(r->app), at);
	if (db_exec(r->db, "UPDATE permits SET updated_at = ? WHERE id = ?", "si", at, id) != DB_DONE)
		return permits_db_error(r), -1;
	return 0;
}

int permits_report_overdue(struct req *r, int64_t applicant_id)
{
	struct permit_settings s;
	if (permits_settings_load(r, &s) != 0)
		return -1;
	permits_settings_release(&s);
	/* A report is due report_days after the period ends; letter_id marks
	 * an issued permit. */
	char cutoff[11];
	case_day_text(app_now(r->app) - (time_t)s.report_days * 86400, cutoff);
	int64_t n = 0;
	if (db_query_int(r->db, &n, "SELECT count(*) FROM permits WHERE applicant_id = ? AND letter_id IS NOT NULL "
				    "AND report_at IS NULL AND period_until < ?", "is", applicant_id, cutoff) != DB_ROW)
		return -1;
	return n > 0 ? 1 : 0;
}

/* The rule (setting block_overdue_report): no new application while one
 * of the applicant's reports is overdue.  0 may go on, -1 reply set. */
static int overdue_rule(struct req *r)
{
	struct permit_settings s;
	if (permits_settings_load(r, &s) != 0)
		return permits_db_error(r), -1;
	permits_settings_release(&s);
	if (!s.block_overdue_report)
		return 0;
	int rc = permits_report_overdue(r, r->caller.user_id);
	if (rc < 0)
		return permits_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 409, "report_overdue", NULL, NULL), -1;
	return 0;
}

/* POST /api/permits {draft fields...}: a new draft. */
int permits_create(struct req *r)
{
	if (!r->caller.user_id)
		return reply_error(r, 403, "forbidden", "an application is made from a person's account", NULL);
	if (overdue_rule(r))
		return 0;
	char at[24];
	time_iso(app_now(r->app), at);
	struct db_stmt *st = db_query(r->db, "INSERT INTO permits (applicant_id, name, created_at, updated_at) "
					     "VALUES (?, ?, ?, ?) RETURNING id", "isss", r->caller.user_id,
				      r->caller.name, at, at);
	int64_t id = 0;
	if (!st)
		return permits_db_error(r);
	if (db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (!id)
		return permits_db_error(r);
	struct permit_view v;
	memset(&v, 0, sizeof(v));
	v.p.id = id;
	if (draft_write(r, &v.p))
		return 0;
	if (audit_append(r->db, &r->caller, "permit.draft", arena_printf(r->arena, "permit:%" PRId64, id), NULL) != 0)
		return permits_db_error(r);
	if (permit_load(r, id, &v.p) != 0)
		return permits_db_error(r);
	v.applicant = true;
	struct case_ctx x;
	permits_ctx(r, &x);
	return permit_reply(r, &x, &v, 201);
}

/* May the applicant still change it?  A draft, or returned to them. */
static bool editable(const struct permit_view *v, const char *kind)
{
	if (!v->p.case_id)
		return true;
	if (kind && strcmp(kind, "report") == 0)
		return strcmp(v->cs.state, "issued") == 0 && !v->p.report_at;
	return strcmp(v->cs.state, "returned") == 0;
}

/* PATCH /api/permits/{id} {draft fields...} */
int permits_update(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	if (!v.applicant)
		return reply_error(r, 403, "forbidden", "only the applicant changes an application", NULL);
	if (!editable(&v, NULL)) {
		return reply_error_lang(r, 409, "conflict", "the application is with the offices now",
					"Permohonan sedang diproses petugas dan tidak dapat diubah.", NULL);
	}
	int rc = draft_write(r, &v.p);
	if (rc)
		return 0;
	if (permit_load(r, v.p.id, &v.p) != 0)
		return permits_db_error(r);
	return permit_reply(r, &x, &v, 200);
}

/* Whether the caller may put the document kind on the application now:
 * 0, or -1 with the reply set. */
static int document_allowed(struct req *r, struct case_ctx *x, struct permit_view *v, const char *kind)
{
	if (permit_view_open(r, x, v))
		return -1;
	if (!permit_doc_kind(kind))
		return reply_error(r, 404, "not_found", "documents are proposal, intro_letter, id_card, statement "
				   "and report", NULL), -1;
	if (!v->applicant)
		return reply_error(r, 403, "forbidden", "only the applicant uploads documents", NULL), -1;
	if (!editable(v, kind))
		return reply_error_lang(r, 409, "conflict", strcmp(kind, "report") == 0
					? "the report comes once the permit is issued, and only once"
					: "the application is with the offices now",
					strcmp(kind, "report") == 0 ? "Laporan diunggah setelah izin terbit, satu kali."
								    : "Permohonan sedang diproses petugas.", NULL), -1;
	return 0;
}

/* PUT /api/permits/{id}/documents/{kind}: the file as the body.  A PDF
 * is recognised by its signature, never by a name or a header; the KTP
 * may be a photo (its metadata stripped). */
int permits_document_put(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	const char *kind = req_param(r, "kind");
	if (document_allowed(r, &x, &v, kind))
		return 0;
	if (r->body_len > DOC_MAX_BYTES)
		return reply_error_lang(r, 413, "too_large", "a document may be at most 10 MB",
					"Dokumen paling besar 10 MB.", kind);
	/* Checked and stored before the transaction: making a KTP photo again
	 * takes a while, and the database's writer need not wait for it.  The
	 * checks above are asked again inside, where they hold. */
	struct stored_document doc;
	if (document_take(r, permit_doc_kind(kind)->image_ok, kind, "permits", &doc))
		return 0;
	if (db_tx_begin(r->db) != DB_OK)
		return permits_db_error(r);
	if (document_allowed(r, &x, &v, kind)) {
		db_tx_rollback(r->db);
		return 0;
	}
	char at[24];
	time_iso(app_now(r->app), at);
	json_t *d = json_pack("{s:s, s:s, s:s, s:I}", "kind", kind, "sha256", doc.sha, "mime", doc.mime,
			      "size", (json_int_t)doc.len);
	int ok = db_exec(r->db, "DELETE FROM permit_documents WHERE permit_id = ? AND kind = ?", "is", v.p.id, kind) ==
			 DB_DONE &&
		 db_exec(r->db, "INSERT INTO permit_documents (permit_id, kind, sha256, mime, size, uploaded_at) "
				"VALUES (?, ?, ?, ?, ?, ?)", "isssis", v.p.id, kind, doc.sha, doc.mime, (int64_t)doc.len,
			 at) == DB_DONE &&
		 audit_append(r->db, &r->caller, "permit.document", arena_printf(r->arena, "permit:%" PRId64, v.p.id),
			      d) == 0;
	json_decref(d);
	if (!ok)
		db_tx_rollback(r->db);
	if (!ok || db_tx_commit(r->db) != DB_OK)
		return permits_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:s, s:s, s:I}}", "document", "kind", kind, "mime", doc.mime, "size",
					    (json_int_t)doc.len));
}

/* GET /api/permits/{id}/documents/{kind}: for the applicant and the staff
 * handling it. */
int permits_document_get(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	const char *kind = req_param(r, "kind");
	struct db_stmt *st = db_query(r->db, "SELECT sha256, mime FROM permit_documents WHERE permit_id = ? AND kind = ?",
				      "is", v.p.id, kind);
	if (!st)
		return permits_db_error(r);
	const char *sha = NULL, *mime = NULL;
	if (db_step(st) == DB_ROW) {
		sha = arena_strdup(r->arena, db_col_text(st, 0));
		mime = arena_strdup(r->arena, db_col_text(st, 1));
	}
	db_done(st);
	if (!sha)
		return reply_error(r, 404, "not_found", "this application has no such document", NULL);
	if (files_reply(r, sha, mime) != 0) {
		log_error("document unreadable", LOG_F("module", "permits"), LOG_F("sha256", sha));
		return reply_error(r, 500, "internal", "the document could not be read", NULL);
	}
	reply_header(r, "Cache-Control", "private, max-age=3600");
	return 0;
}

/* Everything the letter and the decision need, before the offices see it.
 * 0, or -1 with a reply set naming the first thing missing. */
static int complete_check(struct req *r, const struct permit *p)
{
	static const char *const required[] = { "identity", "name", "address", "village", "institution", "status",
						"title", "purpose", "scope", "method", "period", "intro_letter",
						"locations" };
	const char *missing = NULL;
	int64_t nloc = 0;
	if (db_query_int(r->db, &nloc, "SELECT count(*) FROM permit_locations WHERE permit_id = ?", "i", p->id) != DB_ROW)
		return permits_db_error(r), -1;
	const bool have[] = { p->id_kind && p->id_number, p->name, p->address, p->village, p->institution, p->status,
			      p->title, p->purpose, p->scope, p->method, p->period_from && p->period_until,
			      p->intro_number && p->intro_date && p->intro_subject, nloc > 0 };
	for (size_t i = 0; i < sizeof(have) / sizeof(have[0]) && !missing; i++)
		if (!have[i])
			missing = required[i];
	if (missing)
		return reply_error_lang(r, 400, "incomplete", arena_printf(r->arena, "%s is still missing", missing),
					arena_printf(r->arena, "Isian %s belum diisi.", missing), missing), -1;
	char today[11];
	permits_today(r, today);
	if (strcmp(p->period_from, today) < 0)
		return invalid(r, "the research period cannot start before today",
			       "Waktu penelitian tidak boleh dimulai sebelum hari ini.", "period_from");
	if (strcmp(p->period_until, p->period_from) < 0)
		return invalid(r, "the period ends before it starts", "Akhir waktu penelitian sebelum awalnya.",
			       "period_until");
	for (const struct permit_doc_kind *k = permit_doc_kinds; k->kind; k++) {
		if (!k->required)
			continue;
		int64_t n = 0;
		if (db_query_int(r->db, &n, "SELECT count(*) FROM permit_documents WHERE permit_id = ? AND kind = ?", "is",
				 p->id, k->kind) != DB_ROW)
			return permits_db_error(r), -1;
		if (!n)
			return reply_error_lang(r, 400, "incomplete", arena_printf(r->arena, "the document %s is missing",
										   k->kind),
						arena_printf(r->arena, "Dokumen %s belum diunggah.", k->kind), k->kind), -1;
	}
	return 0;
}

/* POST /api/permits/{id}/submit: a draft becomes a case at the licensing
 * office's desk; a returned application goes back to it, its clock
 * starting again. */
int permits_submit(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	if (!v.applicant)
		return reply_error(r, 403, "forbidden", "only the applicant submits an application", NULL);
	if (!editable(&v, NULL))
		return reply_error_lang(r, 409, "conflict", "the application is submitted already",
					"Permohonan sudah diajukan.", NULL);
	if (complete_check(r, &v.p))
		return 0;
	char at[24];
	time_iso(x.now, at);
	if (!v.p.case_id) {
		if (overdue_rule(r))
			return 0;
		if (case_open(&x, &permit_type, &(struct case_new){ .reporter_id = v.p.applicant_id }, &v.cs) != 0)
			return permits_db_error(r);
		char day[11];
		case_day_text(x.now, day);
		if (db_exec(r->db, "UPDATE permits SET case_id = ?, submitted_at = ?, submitted_day = ? WHERE id = ?",
			    "issi", v.cs.id, at, day, v.p.id) != DB_DONE || case_opened(&x, &v.cs) != 0)
			return permits_db_error(r);
	} else {
		struct case_error err;
		struct case_input in = { 0 };
		int rc = case_take(&x, &v.cs, "resubmit", case_roles(&x, &v.cs, true), &in, &err);
		if (rc < 0)
			return permits_db_error(r);
		if (rc > 0)
			return permits_case_error(r, &err);
	}
	if (permit_load(r, v.p.id, &v.p) != 0 || case_load_id(&x, &permit_type, v.p.case_id, &v.cs) != 0)
		return permits_db_error(r);
	v.roles = case_roles(&x, &v.cs, true);
	return permit_reply(r, &x, &v, 200);
}
