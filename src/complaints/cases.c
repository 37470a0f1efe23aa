/* cases.c - one complaint: what the caller may see of it, the flow's
 * actions, messages (public replies, internal notes, the reporter's
 * replies), assignment, rating, the verifier's corrections and its photos.
 *
 * Every handler starts from complaint_view_open(), which decides what this
 * caller may see and do; the JSON of a complaint is built in one place
 * (complaint_json) from that decision.
 */
#include "internal.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "files.h"
#include "orgs.h"
#include "util.h"
#include "validate.h"

static json_t *unit_ref(struct req *r, int64_t id)
{
	const char *code, *name;
	if (!id || orgs_code_name(r->db, r->arena, id, &code, &name) != 0)
		return json_null();
	return json_pack("{s:s, s:s}", "code", code, "name", name);
}

static json_t *assignee_json(struct req *r, const struct case_row *cs)
{
	struct staff_member *m;
	size_t n;
	if (!cs->assignee_id || auth_unit_staff(r->db, r->arena, cs->unit_id, ROLE_OFFICER | ROLE_UNIT_HEAD, &m, &n) != 0)
		return json_null();
	for (size_t i = 0; i < n; i++)
		if (m[i].id == cs->assignee_id)
			return json_pack("{s:I, s:s}", "id", (json_int_t)m[i].id, "name", m[i].name);
	return json_pack("{s:I, s:n}", "id", (json_int_t)cs->assignee_id, "name");
}

/* A region, by the name already read when it was checked, or by code. */
static json_t *region_known_json(struct req *r, const char *kode, const char *nama)
{
	return kode && nama ? json_pack("{s:s, s:s}", "kode", kode, "nama", nama) : complaint_region_json(r, kode);
}

json_t *complaint_json(struct req *r, struct case_ctx *x, const struct complaint_view *v)
{
	const struct complaint *p = &v->cp;
	json_t *j = case_summary(x, &v->cs);
	json_t *photos = v->photos ? json_deep_copy(v->photos) : case_attachments(x, &v->cs, v->level == CASE_PUBLIC);
	if (!photos)
		photos = json_array();
	size_t i;
	json_t *ph;
	json_array_foreach(photos, i, ph)
		json_object_set_new(ph, "url", json_string(arena_printf(r->arena, "/api/complaints/%s/photos/%d",
			v->cs.tracking, (int)json_integer_value(json_object_get(ph, "n")))));

	json_object_set_new(j, "kind", json_string(p->kind));
	json_object_set_new(j, "category", json_pack("{s:s, s:s, s:s?, s:b}", "code", p->category,
						     "name", p->category_name, "name_en", p->category_name_en,
						     "sensitive", (int)p->sensitive));
	json_object_set_new(j, "description", json_string(p->description));
	json_object_set_new(j, "location", json_pack("{s:o, s:o, s:s?, s:o, s:o}",
		"lat", p->has_location ? json_real(p->lat) : json_null(),
		"long", p->has_location ? json_real(p->lon) : json_null(), "address", p->address,
		"village", region_known_json(r, p->village, p->village_name),
		"district", region_known_json(r, p->district, p->district_name)));
	json_object_set_new(j, "confidential", json_boolean(p->confidential));
	json_object_set_new(j, "supporters", json_integer(p->supporters));
	json_object_set_new(j, "photos", photos);
	json_object_set_new(j, "duplicate_of", p->duplicate_of ? json_string(p->duplicate_of) : json_null());
	json_object_set_new(j, "rating", p->rating
		? json_pack("{s:i, s:b, s:s?, s:s?}", "score", p->rating, "satisfied", (int)p->satisfied,
			    "comment", v->level >= CASE_REPORTER ? p->rating_comment : NULL, "at", p->rated_at)
		: json_null());
	/* The reporter exists in the answer only for those who may know them;
	 * the public answer has no reporter member at all. */
	if (v->level >= CASE_REPORTER) {
		json_object_set_new(j, "anonymous", json_boolean(p->anonymous));
		json_object_set_new(j, "reporter", v->see_identity
			? json_pack("{s:s?, s:s?, s:s?, s:b}", "name", p->reporter_name, "email", p->reporter_email,
				    "phone", p->reporter_phone, "account", (int)(v->cs.reporter_id != 0))
			: json_null());
	}
	if (v->level == CASE_STAFF) {
		const char *settle_due;
		bool settle_overdue;
		if (case_settle(x, &v->cs, &settle_due, &settle_overdue) == 0) {
			json_object_set_new(j, "settle_due", json_string(settle_due));
			json_object_set_new(j, "settle_overdue", json_boolean(settle_overdue));
		}
		json_object_set_new(j, "assignee", assignee_json(r, &v->cs));
		json_object_set_new(j, "route_unit", unit_ref(r, p->route_unit_id));
		json_object_set_new(j, "channel", json_string(p->channel));
		json_object_set_new(j, "media_url", p->media_url ? json_string(p->media_url) : json_null());
	}
	return j;
}

/* {complaint, timeline, clocks, actions, can, viewer}: the whole page. */
static int reply_view(struct req *r, struct case_ctx *x, const struct complaint_view *v, int status)
{
	json_t *timeline = case_timeline(x, &v->cs, v->level, v->level == CASE_STAFF);
	json_t *clocks = case_clocks(x, &v->cs);
	if (!timeline || !clocks) {
		json_decref(timeline);
		json_decref(clocks);
		return complaints_db_error(r);
	}
	bool staff_rw = (v->roles & (CASE_BY_UNIT | CASE_BY_DESK)) != 0;
	bool open = v->cs.closed_at == NULL;
	bool following;
	if (complaint_following(r, v->cs.id, &following) != 0) {
		json_decref(timeline);
		json_decref(clocks);
		return complaints_db_error(r);
	}
	json_t *can = json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
		"reply", (int)((v->reporter || staff_rw) && open),
		"note", (int)(staff_rw && open),
		"assign", (int)((v->roles & CASE_BY_UNIT) && open),
		"edit", (int)((v->roles & CASE_BY_DESK) && open),
		"rate", (int)(v->reporter && !v->cp.rating && v->cs.first_answer_at &&
			      (strcmp(v->cs.state, "answered") == 0 || strcmp(v->cs.state, "closed") == 0)),
		"support", (int)(!v->reporter && !v->cp.confidential && open),
		"follow", (int)(r->caller.user_id && !v->reporter && !v->cp.confidential));
	const char *viewer = v->level == CASE_STAFF ? "staff" : v->level == CASE_REPORTER ? "reporter" : "public";
	return reply_json(r, status, json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:b}", "complaint", complaint_json(r, x, v),
					       "timeline", timeline, "clocks", clocks,
					       "actions", case_actions(x, &v->cs, v->roles), "can", can, "viewer", viewer,
					       "following", (int)following));
}

/* GET /api/complaints/{no} */
int complaints_get(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	return reply_view(r, &x, &v, 200);
}

static int reply_case_error(struct req *r, const struct case_error *e)
{
	return reply_error(r, e->status, e->code, e->message, e->field);
}

/* Reload after a change, so the answer shows the stored state. */
static int reply_fresh(struct req *r, struct case_ctx *x, const struct complaint_view *before)
{
	struct complaint_view v = *before;
	if (case_load_id(x, &complaint_type, before->cs.id, &v.cs) != 0 || complaint_load(x, before->cs.id, &v.cp) != 0)
		return complaints_db_error(r);
	return reply_view(r, x, &v, 200);
}

/* POST /api/complaints/{no}/actions/{action} {unit?, text?, reason?, duplicate_of?} */
int complaints_action(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	const char *action = req_param(r, "action");
	const char *unit = body_str(r, "unit"), *text = body_str(r, "text"), *reason = body_str(r, "reason");
	const char *dup = body_str(r, "duplicate_of");
	struct case_input in = { .text = text, .reason = reason };

	if (text && !complaint_text_ok(text, true) && *text)
		return reply_error(r, 400, "invalid", "text must be readable text", "text");
	if (unit) {
		int rc = orgs_id_by_code(r->db, unit, &in.unit_id);
		if (rc < 0)
			return complaints_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", "unit is not the code of an organisation unit", "unit");
	} else if (strcmp(action, "disposition") == 0) {
		in.unit_id = v.cp.route_unit_id;	/* the routing's suggestion */
	}
	if (strcmp(action, "reject") == 0 && reason && strcmp(reason, "duplicate") == 0) {
		struct case_row other;
		int rc = dup && complaint_tracking_valid(dup) && strcmp(dup, v.cs.tracking) != 0
			 ? case_load(&x, &complaint_type, dup, &other) : 1;
		if (rc < 0)
			return complaints_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", "duplicate_of must be the tracking number of another complaint",
					   "duplicate_of");
		in.data = json_pack("{s:s}", "duplicate_of", dup);
	} else if (dup) {
		return reply_error(r, 400, "invalid", "duplicate_of goes only with reject for reason duplicate",
				   "duplicate_of");
	}

	/* The complaint's row before case_take(), which audits, last; a refusal
	 * below rolls it back with the rest. */
	if (in.data && db_exec(r->db, "UPDATE complaints SET duplicate_of = ? WHERE case_id = ?", "si", dup,
			       v.cs.id) != DB_DONE) {
		json_decref(in.data);
		return complaints_db_error(r);
	}
	struct case_error err;
	int rc = case_take(&x, &v.cs, action, v.roles, &in, &err);
	json_decref(in.data);
	if (rc < 0)
		return complaints_db_error(r);
	if (rc > 0)
		return reply_case_error(r, &err);
	return reply_fresh(r, &x, &v);
}

/* POST /api/complaints/{no}/messages {text, visibility?}: staff reply in
 * public or note internally; the reporter's message to an answered
 * complaint reopens it (an answer with a reply does not auto-close). */
int complaints_message(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	const char *text = body_str(r, "text"), *vis = body_str(r, "visibility");
	if (!complaint_text_ok(text, true))
		return reply_error_lang(r, 400, "invalid", "text is required", "Pesan wajib diisi.", "text");
	bool staff = (v.roles & (CASE_BY_UNIT | CASE_BY_DESK)) != 0;
	if (!staff && !v.reporter)
		return reply_error(r, 403, "forbidden", "only the reporter and the staff handling it may write here", NULL);
	if (v.cs.closed_at)
		return reply_error_lang(r, 409, "conflict", "this complaint is settled; file a new one if needed",
					"Aduan ini sudah selesai; sampaikan aduan baru bila perlu.", NULL);
	enum case_visibility level = CASE_REPORTER;
	if (staff) {
		if (!vis || (strcmp(vis, "public") != 0 && strcmp(vis, "internal") != 0))
			return reply_error(r, 400, "invalid", "visibility must be public (a reply the reporter and, for "
					   "public complaints, everyone sees) or internal (a note for staff)", "visibility");
		level = strcmp(vis, "public") == 0 ? CASE_PUBLIC : CASE_STAFF;
	} else if (vis) {
		return reply_error(r, 400, "invalid", "visibility is for staff; a reporter's message goes to the staff",
				   "visibility");
	} else if (strcmp(v.cs.state, "answered") == 0) {
		struct case_input in = { .text = text };
		struct case_error err;
		int rc = case_take(&x, &v.cs, "reopen", v.roles, &in, &err);
		if (rc < 0)
			return complaints_db_error(r);
		if (rc > 0)
			return reply_case_error(r, &err);
		return reply_fresh(r, &x, &v);
	}
	if (case_message(&x, &v.cs, level, v.roles, text, NULL) != 0)
		return complaints_db_error(r);
	return reply_fresh(r, &x, &v);
}

/* POST /api/complaints/{no}/assign {user_id|null} */
int complaints_assign(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	if (!(v.roles & CASE_BY_UNIT))
		return reply_error(r, 403, "forbidden", "only the unit handling the complaint assigns it", NULL);
	if (v.cs.closed_at)
		return reply_error(r, 409, "conflict", "this complaint is settled", NULL);
	json_t *who = json_object_get(r->body, "user_id");
	int64_t user_id = json_is_integer(who) ? json_integer_value(who) : 0;
	const char *name = NULL;
	if (user_id) {
		struct staff_member *m;
		size_t n;
		if (auth_unit_staff(r->db, r->arena, v.cs.unit_id, ROLE_OFFICER | ROLE_UNIT_HEAD, &m, &n) != 0)
			return complaints_db_error(r);
		for (size_t i = 0; i < n && !name; i++)
			if (m[i].id == user_id)
				name = m[i].name;
		if (!name)
			return reply_error(r, 400, "invalid", "user_id is not an officer of the unit handling the complaint",
					   "user_id");
	}
	if (case_assign(&x, &v.cs, user_id, name) != 0)
		return complaints_db_error(r);
	return reply_fresh(r, &x, &v);
}

/* POST /api/complaints/{no}/rating {score 1-5, satisfied, comment?} */
int complaints_rate(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	if (!v.reporter)
		return reply_error(r, 403, "forbidden", "only the reporter rates the answer", NULL);
	json_t *score = json_object_get(r->body, "score");
	bool satisfied = json_is_true(json_object_get(r->body, "satisfied"));
	const char *comment = body_str(r, "comment");
	if (json_integer_value(score) < 1 || json_integer_value(score) > 5)
		return reply_error_lang(r, 400, "invalid", "score must be a whole number from 1 to 5",
					"Nilai harus bilangan bulat 1 sampai 5.", "score");
	if (comment && *comment && !complaint_text_ok(comment, true))
		return reply_error_lang(r, 400, "invalid", "comment must be readable text",
					"Komentar harus berupa teks yang dapat dibaca.", "comment");
	if (comment && !*comment)
		comment = NULL;
	if (!v.cs.first_answer_at || (strcmp(v.cs.state, "answered") != 0 && strcmp(v.cs.state, "closed") != 0))
		return reply_error_lang(r, 409, "conflict", "there is no answer to rate yet",
					"Belum ada jawaban yang dapat dinilai.", NULL);
	if (v.cp.rating)
		return reply_error_lang(r, 409, "conflict", "this answer has been rated already",
					"Jawaban ini sudah dinilai.", NULL);

	char at[24];
	time_iso(x.now, at);
	if (db_exec(r->db, "UPDATE complaints SET rating = ?, satisfied = ?, rating_comment = ?, rated_at = ? "
			   "WHERE case_id = ? AND rating IS NULL", "ibssi", (int64_t)json_integer_value(score),
		    (int)satisfied, comment, at, v.cs.id) != DB_DONE)
		return complaints_db_error(r);
	if (db_changes(r->db) == 0)
		return reply_error(r, 409, "conflict", "this answer has been rated already", NULL);
	json_t *d = json_pack("{s:I, s:b}", "score", (json_int_t)json_integer_value(score), "satisfied", (int)satisfied);
	int rc = case_event(&x, &v.cs, "rated", v.roles, CASE_PUBLIC, comment, CASE_REPORTER, d);
	json_decref(d);
	if (rc != 0)
		return complaints_db_error(r);
	/* A satisfied reporter settles the complaint there and then. */
	if (satisfied && strcmp(v.cs.state, "answered") == 0) {
		struct case_input in = { 0 };
		struct case_error err;
		rc = case_take(&x, &v.cs, "close", v.roles, &in, &err);
		if (rc < 0)
			return complaints_db_error(r);
		if (rc > 0)
			return reply_case_error(r, &err);
	}
	return reply_fresh(r, &x, &v);
}

/* PATCH /api/complaints/{no} {category?, kind?, confidential?}: the
 * verifier's corrections.  Confidentiality only ever tightens: what a
 * reporter asked to keep private is never made public by someone else. */
int complaints_patch(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	if (!(v.roles & CASE_BY_DESK))
		return reply_error(r, 403, "forbidden", "only the desk (verifiers) corrects a complaint", NULL);
	if (!body_has(r, "category") && !body_has(r, "kind") && !body_has(r, "confidential"))
		return reply_error(r, 400, "invalid", "give a new category, kind or confidential", NULL);
	const char *kind = body_has(r, "kind") ? body_str(r, "kind") : v.cp.kind;
	if (strcmp(kind, "complaint") != 0 && strcmp(kind, "aspiration") != 0)
		return reply_error(r, 400, "invalid", "kind must be complaint or aspiration", "kind");
	int64_t category_id = v.cp.category_id, route = v.cp.route_unit_id;
	if (body_has(r, "category")) {
		int rc = db_query_int(r->db, &category_id, "SELECT id FROM complaint_categories WHERE code = ? AND active = 1",
				      "s", body_str(r, "category"));
		if (rc < 0)
			return complaints_db_error(r);
		if (rc != DB_ROW)
			return reply_error(r, 400, "invalid", "category is not the code of an active category", "category");
		if (complaint_route_for(r->db, category_id, v.cp.district, &route) != 0)
			return complaints_db_error(r);
	}
	bool confidential = v.cp.confidential;
	if (body_has(r, "confidential")) {
		bool want = json_is_true(json_object_get(r->body, "confidential"));
		if (!want && v.cp.confidential)
			return reply_error(r, 400, "invalid", "a confidential complaint stays confidential", "confidential");
		confidential = want;
	}
	if (db_exec(r->db, "UPDATE complaints SET kind = ?, category_id = ?, route_unit_id = NULLIF(?, 0), "
			   "confidential = ? WHERE case_id = ?", "siibi", kind, category_id, route, (int)confidential,
		    v.cs.id) != DB_DONE)
		return complaints_db_error(r);
	if (case_event(&x, &v.cs, "corrected", v.roles, CASE_STAFF, NULL, CASE_STAFF, r->body) != 0)
		return complaints_db_error(r);
	return reply_fresh(r, &x, &v);
}

/* GET /api/complaints/{no}/photos/{n} */
int complaints_photo_get(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	char *end;
	long n = strtol(req_param(r, "n"), &end, 10);
	const char *sha, *mime;
	int rc = *end || n < 1 || n > 100 ? 1 : case_attachment(&x, &v.cs, (int)n, v.level == CASE_PUBLIC, &sha, &mime);
	if (rc < 0)
		return complaints_db_error(r);
	if (rc > 0)
		return reply_error(r, 404, "not_found", "this complaint has no such photo", NULL);
	rc = files_reply(r, sha, mime);
	if (rc != 0) {
		log_error(rc > 0 ? "photo missing from the data folder" : "photo unreadable", LOG_F("module", "complaints"),
			  LOG_F("sha256", sha), LOG_F("tracking", v.cs.tracking));
		return reply_error(r, 500, "internal", "the photo could not be read", NULL);
	}
	/* A public complaint may be made confidential later: shared caches
	 * keep a public photo only to revalidate it (its ETag makes that a
	 * 304), and private ones not at all. */
	reply_header(r, "Cache-Control", v.level == CASE_PUBLIC ? "public, no-cache" : "private, max-age=3600");
	return 0;
}
