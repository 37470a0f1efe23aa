/* complaints.c - the Matur Bupati case type, who may see what of a
 * complaint, who is told about each change, the periodic work, the tables
 * and the route table.
 *
 * Visibility, in one place (complaint_view_open):
 *   - the public sees non-confidential complaints, never a reporter's name
 *     or contact, and only the public part of the timeline;
 *   - the reporter (account, or the secret follow-up key) sees everything
 *     about their own complaint except staff notes;
 *   - staff of the responsible unit and of the desk see all of it, but the
 *     identity of an anonymous reporter only the desk (the verifier) sees;
 *   - other officers get 403 on a confidential complaint, the public 404.
 */
#include "complaints.h"
#include "can.h"
#include "log.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "cli.h"
#include "events.h"
#include "documents.h"
#include "files.h"
#include "orgs.h"
#include "regions.h"
#include "survey/survey.h"
#include "util.h"

/* ---- the case type ------------------------------------------------------------------ */

static const char *const reject_reasons[] = { "out_of_authority", "duplicate", "not_complaint", NULL };

/* Default days from specs §6 (SP4N-LAPOR! practice): verify and hand over
 * in 3 working days, the OPD follows up in 5, an answer left without a
 * reply closes after 10.  Admins change them in the settings. */
static const struct case_state complaint_states[] = {
	{ "submitted", true, 3, NULL },
	{ "in_progress", true, 5, NULL },
	{ "answered", true, 10, "auto_close" },
	{ "closed", false, 0, NULL },
	{ "rejected", false, 0, NULL },
	{ NULL, false, 0, NULL },
};

#define DESK CASE_BY_DESK
#define UNIT CASE_BY_UNIT
#define REPORTER CASE_BY_REPORTER

static const struct case_transition complaint_transitions[] = {
	{ "disposition", "submitted", "in_progress", DESK, CASE_NEEDS_UNIT, NULL, CASE_STAFF,
	  "complaint.dispositioned", 0 },
	{ "reject", "submitted", "rejected", DESK, CASE_NEEDS_REASON | CASE_NEEDS_TEXT, reject_reasons, CASE_REPORTER,
	  "complaint.rejected", 0 },
	/* "No wrong door": the OPD (or the desk) hands it on; the new unit's
	 * clock starts and the old one stays in the history. */
	{ "forward", "in_progress", NULL, UNIT | DESK, CASE_NEEDS_UNIT | CASE_NEEDS_TEXT, NULL, CASE_STAFF,
	  "complaint.forwarded", CASE_T_NEW_CLOCK },
	{ "answer", "in_progress", "answered", UNIT, CASE_NEEDS_TEXT, NULL, CASE_PUBLIC,
	  "complaint.answered", CASE_T_ANSWER },
	{ "reopen", "answered", "in_progress", REPORTER, CASE_NEEDS_TEXT | CASE_IN_WINDOW, NULL, CASE_REPORTER,
	  "complaint.reopened", CASE_T_REOPEN },
	{ "close", "answered", "closed", REPORTER, 0, NULL, CASE_REPORTER, "complaint.closed", 0 },
	{ "auto_close", "answered", "closed", CASE_BY_SYSTEM, 0, NULL, CASE_PUBLIC, "complaint.closed", 0 },
	{ NULL, NULL, NULL, 0, 0, NULL, CASE_PUBLIC, NULL, 0 },
};

const struct case_type complaint_type = {
	.code = "complaint",
	.notice_object = "complaint",
	.prefix = "MB",
	.initial = "submitted",
	.states = complaint_states,
	.transitions = complaint_transitions,
	.desk_unit = "DINKOMINFO",
	.settle_days = 60,	/* Perpres 76/2013: settled within 60 days */
	.notify = complaints_notify,
};

/* ---- helpers shared by the service's files --------------------------------------------- */

int complaints_db_error(struct req *r)
{
	log_error("database error", LOG_F("module", "complaints"), LOG_F("method", r->method), LOG_F("path", req_log_path(r)),
		  LOG_F("error", r->db ? db_errmsg(r->db) : ""));
	return reply_error(r, 500, "internal", "database error", NULL);
}

void complaints_ctx(struct req *r, struct case_ctx *x)
{
	case_ctx_init(x, r->app->events, r->db, r->arena, &r->caller, app_now(r->app));
}

bool complaint_tracking_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 14 || n > 24 || s[2] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		bool ok = i < 2 ? (s[i] >= 'A' && s[i] <= 'Z') : (i == 2 || i == 7) ? true : (s[i] >= '0' && s[i] <= '9');
		if (!ok)
			return false;
	}
	return true;
}

bool complaint_text_ok(const char *s, bool multiline)
{
	bool seen = false;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t'))) || ch == 0x7f)
			return false;
		if (ch > ' ')
			seen = true;
	}
	return seen;
}

const char *complaint_district_of(struct arena *a, const char *village)
{
	return village && strlen(village) >= 8 ? arena_strndup(a, village, 8) : NULL;
}

json_t *complaint_region_json(struct req *r, const char *kode)
{
	const char *nama;
	if (!kode || regions_lookup(r->db, r->arena, kode, &nama, NULL) != 0)
		return json_null();
	return json_pack("{s:s, s:s}", "kode", kode, "nama", nama);
}

#define COMPLAINT_SELECT \
	"SELECT p.kind, p.category_id, k.code, k.name, k.name_en, k.sensitive, p.description, p.lat, p.lon," \
	" p.address, p.village, p.district, p.anonymous, p.confidential, p.reporter_name, p.reporter_email," \
	" p.reporter_phone, p.channel, p.media_url, p.route_unit_id, p.supporters, p.rating, p.satisfied," \
	" p.rating_comment, p.rated_at, p.duplicate_of, p.created_day " \
	"FROM complaints p JOIN complaint_categories k ON k.id = p.category_id WHERE p.case_id = ?"

int complaint_load(struct case_ctx *x, int64_t case_id, struct complaint *out)
{
	struct db_stmt *st = db_query(x->c, COMPLAINT_SELECT, "i", case_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
#define S(i) (db_col_is_null(st, i) ? NULL : arena_strdup(x->a, db_col_text(st, i)))
		memset(out, 0, sizeof(*out));
		out->case_id = case_id;
		out->kind = S(0);
		out->category_id = db_col_int(st, 1);
		out->category = S(2);
		out->category_name = S(3);
		out->category_name_en = S(4);
		out->sensitive = db_col_int(st, 5) != 0;
		out->description = S(6);
		out->has_location = !db_col_is_null(st, 7);
		out->lat = db_col_double(st, 7);
		out->lon = db_col_double(st, 8);
		out->address = S(9);
		out->village = S(10);
		out->district = S(11);
		out->anonymous = db_col_int(st, 12) != 0;
		out->confidential = db_col_int(st, 13) != 0;
		out->reporter_name = S(14);
		out->reporter_email = S(15);
		out->reporter_phone = S(16);
		out->channel = S(17);
		out->media_url = S(18);
		out->route_unit_id = db_col_int(st, 19);
		out->supporters = db_col_int(st, 20);
		out->rating = (int)db_col_int(st, 21);
		out->satisfied = db_col_int(st, 22) != 0;
		out->rating_comment = S(23);
		out->rated_at = S(24);
		out->duplicate_of = S(25);
		out->created_day = S(26);
#undef S
		if (!out->kind || !out->description || !out->category)
			rc = DB_ERROR;
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

bool complaint_caller_is_reporter(struct req *r, struct case_ctx *x, const struct case_row *cs)
{
	if (r->caller.user_id && r->caller.user_id == cs->reporter_id)
		return true;
	const char *key = req_header(r, "X-Case-Key");
	if (!key || !*key || strlen(key) > 64)
		return false;
	char hash[65];
	struct case_row other;
	sha256_hex(key, strlen(key), hash);
	return case_load_secret(x, cs->type, hash, &other) == 0 && other.id == cs->id;
}

const struct action complaints_desk = { "complaints.desk", .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };
const struct action complaints_oversee = { "complaints.oversee", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE };
/* Staff anywhere learn that a confidential complaint exists (403, not 404). */
static const struct action staff_anywhere = { "complaints.staff", .anywhere = ROLE_STAFF };
const struct action complaints_settings = { "complaints.settings", .anywhere = ROLE_ADMIN };
const struct action complaints_unit_work = { "complaints.unit_work", .anywhere = ROLE_ADMIN,
					     .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };

/* An officer or unit head granted in the desk unit itself (admins are not:
 * an anonymous reporter's identity stays with the desk). */
static bool desk_staff(struct case_ctx *x, const struct caller *c)
{
	struct case_config cfg;
	return case_config_load(x, &complaint_type, &cfg) == 0 && cfg.desk_unit_id &&
	       can(c, &complaints_desk, &(struct object){ .unit_id = cfg.desk_unit_id });
}

int complaint_view_open(struct req *r, struct case_ctx *x, const char *tracking, struct complaint_view *v)
{
	memset(v, 0, sizeof(*v));
	int rc = complaint_tracking_valid(tracking) ? case_load(x, &complaint_type, tracking, &v->cs) : 1;
	if (rc == 0)
		rc = complaint_load(x, v->cs.id, &v->cp);
	if (rc < 0)
		return complaints_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 404, "not_found", "no complaint has this tracking number", NULL), -1;

	v->reporter = complaint_caller_is_reporter(r, x, &v->cs);
	v->roles = case_roles(x, &v->cs, v->reporter);
	v->staff = (v->roles & (CASE_BY_UNIT | CASE_BY_DESK)) || can(&r->caller, &complaints_oversee, NULL);
	if (v->staff)
		v->level = CASE_STAFF;
	else if (v->reporter)
		v->level = CASE_REPORTER;
	else if (v->cp.confidential) {
		if (can(&r->caller, &staff_anywhere, NULL))
			return reply_error(r, 403, "forbidden", "this confidential complaint is not with your unit", NULL), -1;
		return reply_error(r, 404, "not_found", "no complaint has this tracking number", NULL), -1;
	} else {
		v->level = CASE_PUBLIC;
	}
	v->see_identity = v->reporter || desk_staff(x, &r->caller) || (v->staff && !v->cp.anonymous);
	return 0;
}

/* ---- notifications ----------------------------------------------------------------------- */

/* The reporter: their account, and/or the contact they left. */
static int notify_reporter(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data)
{
	const char *address = NULL;
	if (!cs->reporter_id) {
		struct db_stmt *st = db_query(x->c, "SELECT coalesce(reporter_email, reporter_phone) FROM complaints "
						    "WHERE case_id = ?", "i", cs->id);
		if (!st)
			return -1;
		if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
			address = arena_strdup(x->a, db_col_text(st, 0));
		db_done(st);
	}
	return case_notify_user(x, cs, cs->reporter_id, address, topic,
				arena_printf(x->a, "/complaints/case.html?no=%s", cs->tracking), data);
}

/* ---- live events -------------------------------------------------------------------------- */

/* One event per unit, however many roles it plays in the change: done
 * holds the codes already told. */
static int publish_unit(struct case_ctx *x, int64_t unit_id, const char *done[3], json_t *payload)
{
	const char *code, *name;
	if (!unit_id || case_unit(x, unit_id, &code, &name) != 0)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (done[i] && strcmp(done[i], code) == 0)
			return 0;
		if (!done[i]) {
			done[i] = code;
			break;
		}
	}
	return events_publish(x->events, x->c, arena_printf(x->a, "unit/%s/complaints", code), payload);
}

/* Open consoles and the reporter's case page refresh when a complaint
 * changes.  The event says only which case and what happened - whoever
 * may see more asks the API - so the same payload suits every listener.
 * It goes to the unit holding the case, the unit it just left, and the
 * desk (whose inbox shows every unit's); the reporter hears of what the
 * reporter may see, not of staff notes, assignment or escalation. */
static int complaints_publish(struct case_ctx *x, const struct case_row *cs, const char *what, json_t *d)
{
	const char *action = what;
	bool staff_only = false;
	if (strcmp(what, "overdue") == 0) {
		action = "escalated";
		staff_only = true;
	} else if (strcmp(what, "assigned") == 0) {
		staff_only = true;
	} else if (strcmp(what, "message") == 0) {
		const char *actor = json_string_value(json_object_get(d, "actor"));
		const char *vis = json_string_value(json_object_get(d, "visibility"));
		staff_only = vis && strcmp(vis, "staff") == 0;
		action = actor && strcmp(actor, "reporter") == 0 ? "message" : staff_only ? "note" : "replied";
	}
	struct case_config cfg;
	const char *done[3] = { NULL, NULL, NULL };
	int64_t from_unit = 0;
	const char *from = json_string_value(json_object_get(json_object_get(d, "from_unit"), "code"));
	if (case_config_load(x, &complaint_type, &cfg) != 0 || (from && orgs_id_by_code(x->c, from, &from_unit) < 0))
		return -1;
	json_t *payload = json_pack("{s:s, s:s, s:s}", "ref", cs->tracking, "state", cs->state, "action", action);
	int rc = publish_unit(x, cs->unit_id, done, payload);
	if (rc == 0)
		rc = publish_unit(x, from_unit, done, payload);
	if (rc == 0)
		rc = publish_unit(x, cfg.desk_unit_id, done, payload);
	if (rc == 0 && cs->reporter_id && !staff_only)
		rc = events_publish(x->events, x->c, arena_printf(x->a, "user/%" PRId64, cs->reporter_id), payload);
	json_decref(payload);
	return rc;
}

int complaints_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data)
{
	json_t *d = json_deep_copy(data);
	int rc = 0;
	json_object_set_new(d, "tracking", json_string(cs->tracking));
	const char *what = strchr(topic, '.') ? strchr(topic, '.') + 1 : topic;
	const unsigned staff = ROLE_OFFICER | ROLE_UNIT_HEAD;
	const char *console = arena_printf(x->a, "/officer/complaints.html?no=%s", cs->tracking);
	if (complaints_publish(x, cs, what, d) != 0) {
		json_decref(d);
		return -1;
	}

	if (strcmp(what, "submitted") == 0) {
		rc = notify_reporter(x, cs, topic, d);
		if (rc == 0)
			rc = case_notify_unit(x, cs, cs->unit_id, staff, topic, console, d);
	} else if (strcmp(what, "dispositioned") == 0 || strcmp(what, "forwarded") == 0 ||
		   strcmp(what, "reopened") == 0) {
		rc = notify_reporter(x, cs, topic, d);
		if (rc == 0)
			rc = case_notify_unit(x, cs, cs->unit_id, staff, topic, console, d);
	} else if (strcmp(what, "rejected") == 0 || strcmp(what, "answered") == 0) {
		rc = notify_reporter(x, cs, topic, d);
	} else if (strcmp(what, "closed") == 0) {
		rc = notify_reporter(x, cs, topic, d);
		/* A closed complaint is a finished transaction of the unit that
		 * answered it: the satisfaction survey is offered for it. */
		if (rc == 0 && cs->unit_id)
			rc = survey_offer(x->c, &(struct survey_txn){ .unit_id = cs->unit_id, .source = "complaints",
				.service = "complaint", .service_name = "Pengaduan (Matur Bupati)", .ref = cs->tracking,
				.user_id = cs->reporter_id, .now = x->now });
	} else if (strcmp(what, "overdue") == 0) {
		/* Escalation: the unit's head hears of work past its due date. */
		rc = case_notify_unit(x, cs, cs->unit_id, ROLE_UNIT_HEAD, topic, console, d);
	} else if (strcmp(what, "assigned") == 0) {
		json_t *who = json_object_get(d, "assignee");
		if (json_integer_value(who) > 0)
			rc = case_notify_user(x, cs, json_integer_value(who), NULL, topic, console, d);
	} else if (strcmp(what, "message") == 0) {
		const char *actor = json_string_value(json_object_get(d, "actor"));
		const char *vis = json_string_value(json_object_get(d, "visibility"));
		if (actor && strcmp(actor, "reporter") == 0)
			rc = cs->assignee_id ? case_notify_user(x, cs, cs->assignee_id, NULL, topic, console, d)
					     : case_notify_unit(x, cs, cs->unit_id, staff, topic, console, d);
		else if (vis && strcmp(vis, "public") == 0)
			rc = notify_reporter(x, cs, topic, d);
	}
	/* Followers hear of what the public page shows changing: its state. */
	static const char *const state_changes[] = { "dispositioned", "forwarded", "reopened", "rejected", "answered",
						     "closed" };
	for (size_t i = 0; rc == 0 && i < sizeof(state_changes) / sizeof(state_changes[0]); i++)
		if (strcmp(what, state_changes[i]) == 0)
			rc = complaints_notify_followers(x, cs, what, d);
	json_decref(d);
	return rc;
}

/* ---- periodic work ------------------------------------------------------------------------- */

/* Photos uploaded but never attached to a complaint within a day go. */
static void uploads_collect(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	char cutoff[24];
	time_iso(app_now(app) - 86400, cutoff);
	for (int batch = 0; batch < 50; batch++) {
		int64_t id = 0;
		char sha[65] = "";
		struct db_stmt *st = db_query(c, "SELECT id, sha256 FROM complaint_uploads WHERE case_id IS NULL "
						 "AND created_at < ? ORDER BY id LIMIT 1", "s", cutoff);
		if (!st)
			break;
		if (db_step(st) == DB_ROW) {
			id = db_col_int(st, 0);
			snprintf(sha, sizeof(sha), "%s", db_col_text(st, 1));
		}
		db_done(st);
		if (!id || db_tx_begin(c) != DB_OK)
			break;
		int ok = db_exec(c, "DELETE FROM complaint_uploads WHERE id = ? AND case_id IS NULL", "i", id) == DB_DONE;
		/* The same bytes may still be pending, or stored by any service. */
		int unused = ok ? document_unused(app, c, sha) : -1;
		if (unused < 0 || db_tx_commit(c) != DB_OK) {
			db_tx_rollback(c);
			break;
		}
		if (unused && files_remove(app, c, sha) != 0)
			log_warn("unused upload not removed", LOG_F("module", "complaints"), LOG_F("sha256", sha));
	}
	db_release(app->db, c);
}

static void complaints_tick(struct app *app)
{
	case_tick(app, &complaint_type);
	if (app->cfg.data_dir)
		uploads_collect(app);
	complaints_stats_publish(app);
}

static int complaints_demo_load(struct app *app, struct db_conn *c)
{
	return complaints_demo_categories(app, c);
}

/* ---- tables and routes ---------------------------------------------------------------------- */

static const struct field submit_fields[] = {
	{ "kind", FT_STRING, FF_REQUIRED, 16 },
	{ "category", FT_STRING, FF_REQUIRED, 32 },
	{ "description", FT_STRING, FF_REQUIRED, DESCRIPTION_MAX },
	{ "lat", FT_NUMBER, FF_NULLABLE, 0 },
	{ "long", FT_NUMBER, FF_NULLABLE, 0 },
	{ "address", FT_STRING, FF_NULLABLE, ADDRESS_MAX },
	{ "village", FT_STRING, FF_NULLABLE, 13 },
	{ "anonymous", FT_BOOL, 0, 0 },
	{ "confidential", FT_BOOL, 0, 0 },
	{ "name", FT_STRING, FF_NULLABLE, NAME_MAX_CHARS },
	{ "email", FT_STRING, FF_NULLABLE, 254 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "photos", FT_ARRAY, FF_NULLABLE, 0 },
	{ 0 },
};

static const struct field action_fields[] = {
	{ "unit", FT_STRING, FF_NULLABLE, 32 },
	{ "text", FT_STRING, FF_NULLABLE, DESCRIPTION_MAX },
	{ "reason", FT_STRING, FF_NULLABLE, 32 },
	{ "duplicate_of", FT_STRING, FF_NULLABLE, 24 },
	{ 0 },
};

static const struct field message_fields[] = {
	{ "text", FT_STRING, FF_REQUIRED, DESCRIPTION_MAX },
	{ "visibility", FT_STRING, 0, 16 },
	{ 0 },
};

static const struct field assign_fields[] = {
	{ "user_id", FT_INT, FF_REQUIRED | FF_NULLABLE, 0 },
	{ 0 },
};

static const struct field rating_fields[] = {
	{ "score", FT_INT, FF_REQUIRED, 0 },
	{ "satisfied", FT_BOOL, FF_REQUIRED, 0 },
	{ "comment", FT_STRING, FF_NULLABLE, 1000 },
	{ 0 },
};

static const struct field patch_fields[] = {
	{ "category", FT_STRING, 0, 32 },
	{ "kind", FT_STRING, 0, 16 },
	{ "confidential", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct field category_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, 32 },
	{ "name", FT_STRING, FF_REQUIRED, 200 },
	{ "name_en", FT_STRING, FF_NULLABLE, 200 },
	{ "group", FT_STRING, FF_NULLABLE, 100 },
	{ "description", FT_STRING, FF_NULLABLE, 1000 },
	{ "keywords", FT_STRING, FF_NULLABLE, 500 },
	{ "sensitive", FT_BOOL, 0, 0 },
	{ "unit", FT_STRING, FF_NULLABLE, 32 },
	{ "active", FT_BOOL, 0, 0 },
	{ "outside_regency", FT_BOOL, 0, 0 },
	{ "routes", FT_ARRAY, 0, 0 },
	{ 0 },
};

static const struct field category_patch_fields[] = {
	{ "name", FT_STRING, 0, 200 },
	{ "name_en", FT_STRING, FF_NULLABLE, 200 },
	{ "group", FT_STRING, FF_NULLABLE, 100 },
	{ "description", FT_STRING, FF_NULLABLE, 1000 },
	{ "keywords", FT_STRING, FF_NULLABLE, 500 },
	{ "sensitive", FT_BOOL, 0, 0 },
	{ "unit", FT_STRING, FF_NULLABLE, 32 },
	{ "active", FT_BOOL, 0, 0 },
	{ "outside_regency", FT_BOOL, 0, 0 },
	{ "routes", FT_ARRAY, 0, 0 },
	{ 0 },
};

static const struct field settings_fields[] = {
	{ "desk_unit", FT_STRING, 0, 32 },
	{ "days", FT_OBJECT, 0, 0 },
	{ "cuti_bersama_off", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct field template_fields[] = {
	{ "title", FT_STRING, FF_REQUIRED, 200 },
	{ "body", FT_STRING, FF_REQUIRED, DESCRIPTION_MAX },
	{ "unit", FT_STRING, FF_NULLABLE, 32 },
	{ 0 },
};

static const struct field template_patch_fields[] = {
	{ "title", FT_STRING, 0, 200 },
	{ "body", FT_STRING, 0, DESCRIPTION_MAX },
	{ 0 },
};

#define STAFF_RW (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_ADMIN)
#define STAFF_READ (STAFF_RW | ROLE_REGENT_OFFICE)

/* Literal paths come before /api/complaints/{no}: the first match wins. */
static const struct route complaints_routes[] = {
	{ "GET", "/api/complaints", complaints_list, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "POST", "/api/complaints", complaints_submit, ROLE_PUBLIC, submit_fields, RF_NO_TX | RF_SUBMIT },
	{ "POST", "/api/complaints/photos", complaints_photo_upload, ROLE_PUBLIC, NULL, RF_RAW_BODY | RF_UPLOAD | RF_NO_TX },
	{ "GET", "/api/complaints/map", complaints_map, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/complaints/stats", complaints_stats, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/complaints/nearby", complaints_nearby, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/complaints/mine", complaints_mine, ROLE_ANY_USER, NULL, 0 },
	{ "GET", "/api/complaints/inbox", complaints_inbox, STAFF_READ, NULL, 0 },
	{ "GET", "/api/complaints/staff", complaints_staff, STAFF_READ, NULL, 0 },
	{ "GET", "/api/complaints/categories", complaints_categories, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/complaints/categories", complaints_category_create, ROLE_ADMIN, category_fields, 0 },
	{ "PATCH", "/api/complaints/categories/{code}", complaints_category_update, ROLE_ADMIN,
	  category_patch_fields, 0 },
	{ "GET", "/api/complaints/settings", complaints_settings_get, STAFF_READ, NULL, 0 },
	{ "PATCH", "/api/complaints/settings", complaints_settings_patch, ROLE_ADMIN, settings_fields, 0 },
	{ "GET", "/api/complaints/templates", complaints_templates, STAFF_READ, NULL, 0 },
	{ "POST", "/api/complaints/templates", complaints_template_create, STAFF_RW, template_fields, 0 },
	{ "PATCH", "/api/complaints/templates/{id}", complaints_template_update, STAFF_RW, template_patch_fields, 0 },
	{ "DELETE", "/api/complaints/templates/{id}", complaints_template_delete, STAFF_RW, NULL, 0 },
	{ "GET", "/api/complaints/{no}", complaints_get, ROLE_PUBLIC, NULL, 0 },
	{ "PATCH", "/api/complaints/{no}", complaints_patch, STAFF_RW, patch_fields, 0 },
	{ "GET", "/api/complaints/{no}/photos/{n}", complaints_photo_get, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/complaints/{no}/actions/{action}", complaints_action, ROLE_PUBLIC, action_fields, 0 },
	{ "POST", "/api/complaints/{no}/messages", complaints_message, ROLE_PUBLIC, message_fields, 0 },
	{ "POST", "/api/complaints/{no}/assign", complaints_assign, STAFF_RW, assign_fields, 0 },
	{ "POST", "/api/complaints/{no}/rating", complaints_rate, ROLE_PUBLIC, rating_fields, 0 },
	{ "POST", "/api/complaints/{no}/support", complaints_support, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/complaints/{no}/follow", complaints_follow, ROLE_ANY_USER, NULL, 0 },
	{ "DELETE", "/api/complaints/{no}/follow", complaints_unfollow, ROLE_ANY_USER, NULL, 0 },
	{ 0 },
};

#define COMPLAINT_TABLES(ID, BIGINT, REAL) \
	"CREATE TABLE complaint_categories (id " ID ", code TEXT NOT NULL UNIQUE, name TEXT NOT NULL," \
	" name_en TEXT, group_name TEXT, description TEXT, keywords TEXT, sensitive INTEGER NOT NULL DEFAULT 0," \
	" unit_id " BIGINT " REFERENCES org_units (id), active INTEGER NOT NULL DEFAULT 1," \
	" sort INTEGER NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0," \
	" created_at TEXT NOT NULL, updated_at TEXT NOT NULL);" \
	"CREATE TABLE complaint_routes (category_id " BIGINT " NOT NULL REFERENCES complaint_categories (id)," \
	" district TEXT NOT NULL, unit_id " BIGINT " NOT NULL REFERENCES org_units (id)," \
	" PRIMARY KEY (category_id, district));" \
	"CREATE TABLE complaints (case_id " BIGINT " PRIMARY KEY REFERENCES cases (id)," \
	" kind TEXT NOT NULL CHECK (kind IN ('complaint', 'aspiration'))," \
	" category_id " BIGINT " NOT NULL REFERENCES complaint_categories (id), description TEXT NOT NULL," \
	" lat " REAL ", lon " REAL ", address TEXT, village TEXT, district TEXT," \
	" anonymous INTEGER NOT NULL, confidential INTEGER NOT NULL," \
	" reporter_name TEXT, reporter_email TEXT, reporter_phone TEXT, channel TEXT NOT NULL," \
	" media_url TEXT, open311_token TEXT UNIQUE, route_unit_id " BIGINT " REFERENCES org_units (id)," \
	" supporters INTEGER NOT NULL DEFAULT 0, rating INTEGER, satisfied INTEGER, rating_comment TEXT," \
	" rated_at TEXT, duplicate_of TEXT, created_day TEXT NOT NULL, created_at TEXT NOT NULL," \
	" demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX complaints_public ON complaints (confidential, case_id);" \
	"CREATE INDEX complaints_public_created ON complaints (confidential, created_at);" \
	"CREATE INDEX complaints_day ON complaints (created_day);" \
	"CREATE INDEX complaints_near ON complaints (category_id, lat) WHERE lat IS NOT NULL;" \
	"CREATE TABLE complaint_supports (case_id " BIGINT " NOT NULL REFERENCES cases (id)," \
	" supporter TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (case_id, supporter));" \
	"CREATE TABLE complaint_uploads (id " ID ", token_hash TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL," \
	" mime TEXT NOT NULL, size " BIGINT " NOT NULL, created_at TEXT NOT NULL," \
	" case_id " BIGINT " REFERENCES cases (id));" \
	"CREATE INDEX complaint_uploads_pending ON complaint_uploads (created_at) WHERE case_id IS NULL;" \
	"CREATE INDEX complaint_uploads_sha ON complaint_uploads (sha256);" \
	"CREATE TABLE complaint_templates (id " ID ", unit_id " BIGINT " REFERENCES org_units (id)," \
	" title TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);"

/* Full text: only what the public may see is indexed, so a search can
 * never surface a confidential complaint, whatever the query. */
#define FIGURES_TABLE \
	"CREATE TABLE complaint_figures (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);" \
	"INSERT INTO complaint_figures (id, version) VALUES (1, 1);"

static const struct migration complaints_migrations[] = {
	{ 1, "complaints",
	  COMPLAINT_TABLES("INTEGER PRIMARY KEY", "INTEGER", "REAL")
	  "CREATE VIRTUAL TABLE complaint_fts USING fts5(description, address, content='complaints',"
	  " content_rowid='case_id', tokenize='unicode61 remove_diacritics 2', prefix='3');"
	  "CREATE TRIGGER complaints_fts_insert AFTER INSERT ON complaints WHEN new.confidential = 0 BEGIN"
	  " INSERT INTO complaint_fts (rowid, description, address) VALUES (new.case_id, new.description, new.address);"
	  " END;"
	  "CREATE TRIGGER complaints_fts_update AFTER UPDATE OF description, address, confidential ON complaints BEGIN"
	  " INSERT INTO complaint_fts (complaint_fts, rowid, description, address)"
	  "  SELECT 'delete', old.case_id, old.description, old.address WHERE old.confidential = 0;"
	  " INSERT INTO complaint_fts (rowid, description, address)"
	  "  SELECT new.case_id, new.description, new.address WHERE new.confidential = 0;"
	  " END;",
	  COMPLAINT_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT", "DOUBLE PRECISION")
	  "ALTER TABLE complaints ADD COLUMN search tsvector GENERATED ALWAYS AS"
	  " (to_tsvector('simple', description || ' ' || coalesce(address, ''))) STORED;"
	  "CREATE INDEX complaints_search ON complaints USING GIN (search) WHERE confidential = 0;" },
	/* Search orders by case, never by rank, so FTS5's per-row column
	 * sizes (one more b-tree write in every filing) were never read. */
	{ 2, "complaints: full-text index without column sizes",
	  "DROP TABLE complaint_fts;"
	  "CREATE VIRTUAL TABLE complaint_fts USING fts5(description, address, content='complaints',"
	  " content_rowid='case_id', tokenize='unicode61 remove_diacritics 2', prefix='3', columnsize=0);"
	  "INSERT INTO complaint_fts (rowid, description, address)"
	  " SELECT case_id, description, address FROM complaints WHERE confidential = 0;",
	  "SELECT 1;" /* the GIN index keeps no column sizes */ },
	/* Complaints filed before the engine knew settlement limits get the
	 * 60 days of Perpres 76/2013, ending at local (WIB) midnight after the
	 * 60th day.  Databases where the engine's migration case/2 did this
	 * already have no complaint left without one. */
	{ 3, "complaints: settlement limit of earlier complaints",
	  "UPDATE cases SET settle_by = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+7 hours', 'start of day',"
	  " '+61 days', '-7 hours') WHERE type = 'complaint' AND settle_by IS NULL;",
	  "UPDATE cases SET settle_by = to_char((((created_at::timestamptz AT TIME ZONE 'Asia/Jakarta')::date + 61)"
	  "::timestamp AT TIME ZONE 'Asia/Jakarta') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	  " WHERE type = 'complaint' AND settle_by IS NULL;" },
	/* A map pin outside the regency is refused unless its category is
	 * for places outside it (submit.c). */
	{ 4, "complaints: categories for places outside the regency",
	  "ALTER TABLE complaint_categories ADD COLUMN outside_regency INTEGER NOT NULL DEFAULT 0;",
	  "ALTER TABLE complaint_categories ADD COLUMN outside_regency INTEGER NOT NULL DEFAULT 0;" },
	/* Signed-in citizens following a public complaint (follow.c). */
	{ 5, "complaints: followers",
	  "CREATE TABLE complaint_followers (case_id INTEGER NOT NULL REFERENCES cases (id),"
	  " user_id INTEGER NOT NULL REFERENCES users (id), created_at TEXT NOT NULL, PRIMARY KEY (case_id, user_id));",
	  "CREATE TABLE complaint_followers (case_id BIGINT NOT NULL REFERENCES cases (id),"
	  " user_id BIGINT NOT NULL REFERENCES users (id), created_at TEXT NOT NULL, PRIMARY KEY (case_id, user_id));" },
	/* The categories on offer in their order (channel.c, each step of a
	 * WhatsApp intake): read off the index instead of every row sorted,
	 * 66,000 instructions a list before, 10,000 after. */
	{ 6, "complaints: the active categories in their order",
	  "CREATE INDEX complaint_categories_offered ON complaint_categories (sort, name, code) WHERE active = 1;",
	  "CREATE INDEX complaint_categories_offered ON complaint_categories (sort, name, code) WHERE active = 1;" },
	/* The statistics' own stamp (stats_cache.c): what they read of the
	 * complaints beside the case engine's figures.  A filing moves the
	 * engine's stamp; only an officer's correction or a category's new
	 * name moves this one row. */
	{ 7, "complaints: a stamp of the statistics' own columns",
	  FIGURES_TABLE
	  "CREATE TRIGGER complaints_figures AFTER UPDATE OF category_id, district, created_day ON complaints BEGIN"
	  " UPDATE complaint_figures SET version = version + 1 WHERE id = 1; END;"
	  "CREATE TRIGGER complaint_categories_figures AFTER UPDATE OF code, name ON complaint_categories BEGIN"
	  " UPDATE complaint_figures SET version = version + 1 WHERE id = 1; END;",
	  FIGURES_TABLE
	  "CREATE FUNCTION complaint_figures_bump() RETURNS trigger LANGUAGE plpgsql AS $$"
	  " BEGIN UPDATE complaint_figures SET version = version + 1 WHERE id = 1; RETURN NULL; END $$;"
	  "CREATE TRIGGER complaints_figures AFTER UPDATE OF category_id, district, created_day ON complaints"
	  " FOR EACH ROW EXECUTE FUNCTION complaint_figures_bump();"
	  "CREATE TRIGGER complaint_categories_figures AFTER UPDATE OF code, name ON complaint_categories"
	  " FOR EACH ROW EXECUTE FUNCTION complaint_figures_bump();" },
	{ 0 },
};

/* `pendopo seed complaints N`: benchmark and demo history, one transaction. */
static int seed_command(struct cli *cli, int argc, char **argv)
{
	char *end;
	long n = argc == 1 ? strtol(argv[0], &end, 10) : 0;
	if (argc != 1 || *end || n < 1 || n > 100000000)
		return cli_usage(cli);
	struct app app;
	int failed = cli_app(cli, &app, 1);
	if (failed)
		return failed;
	struct db_conn *c = db_acquire(app.db);
	int64_t t0 = time_now_us();
	int rc = complaints_seed(&app, c, n);
	if (rc == 0)
		printf("seeded %ld complaints in %.3f s\n", n, (double)(time_now_us() - t0) / 1e6);
	db_release(app.db, c);
	db_close(app.db);
	return rc ? 1 : 0;
}

static const struct cli_opt seed_opts[] = {
	CLI_OPT_DB,
	CLI_OPT_REGENCY,
	{ "--clock", "PENDOPO_CLOCK", "the service time the history ends at (UTC)", NULL },
	{ 0 },
};

static const struct command complaints_commands[] = {
	{ "seed complaints", "seed complaints N [--db URL] [--clock T]",
	  "Add N historical complaints (benchmarks, demos; marked demo) in one transaction.", seed_opts, seed_command },
	{ 0 },
};

static const struct tool complaints_tools[] = {
	{ "/officer/complaints.html", "Konsol pengaduan", "Complaints console", &complaints_unit_work, NULL, 1 },
	{ "/officer/complaints-admin.html", "Pengaturan pengaduan", "Complaint settings", &complaints_settings, NULL, 3 },
	{ 0 },
};

static int complaints_file_used(struct db_conn *c, const char *sha)
{
	int64_t n;
	int rc = db_query_int(c, &n, "SELECT count(*) FROM complaint_uploads WHERE sha256 = ?", "s", sha);
	return rc == DB_ROW ? n > 0 : -1;
}

const struct module complaints_module = {
	.file_used = complaints_file_used,
	.name = "complaints",
	.routes = complaints_routes,
	.tools = complaints_tools,
	.commands = complaints_commands,
	.migrations = complaints_migrations,
	.demo_load = complaints_demo_load,
	.tick = complaints_tick,
};
