/* permits.c - the research-permit case type, who may see what of an
 * application, who is told about each change, the periodic work, the
 * tables and the route table.
 *
 * Visibility, in one place (permit_view_open): the applicant sees their
 * own application; staff of the desk (DPMPTSP), of the unit now holding
 * it (Kesbangpol, the signing unit) and those who oversee see every
 * submitted one; nobody else learns it exists (404).  Drafts are the
 * applicant's alone.
 */
#include "permits.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "documents.h"
#include "events.h"
#include "files.h"
#include "letters.h"
#include "log.h"
#include "nik.h"
#include "orgs.h"
#include "util.h"

/* ---- the case type ------------------------------------------------------------------------ */

/* Five working days in all by default (specs §6): a day for the desk's
 * completeness check, three for the assessment, one for the signature.
 * A returned application waits on its applicant, without a clock; its
 * resubmission starts the desk's clock again. */
static const struct case_state permit_states[] = {
	{ "submitted", true, 1, NULL },
	{ "returned", true, 0, NULL },
	{ "assessment", true, 3, NULL },
	{ "signing", true, 1, NULL },
	{ "issued", false, 0, NULL },
	{ "refused", false, 0, NULL },
	{ NULL, false, 0, NULL },
};

#define DESK CASE_BY_DESK
#define UNIT CASE_BY_UNIT
#define APPLICANT CASE_BY_REPORTER

static const struct case_transition permit_transitions[] = {
	{ "return", "submitted", "returned", DESK, CASE_NEEDS_TEXT, NULL, CASE_REPORTER, "permit.returned", 0 },
	{ "resubmit", "returned", "submitted", APPLICANT, 0, NULL, CASE_REPORTER, "permit.resubmitted", 0 },
	{ "accept", "submitted", "assessment", DESK, CASE_NEEDS_UNIT, NULL, CASE_STAFF, "permit.accepted", 0 },
	{ "recommend", "assessment", "signing", UNIT, CASE_NEEDS_UNIT, NULL, CASE_STAFF, "permit.recommended", 0 },
	{ "issue", "signing", "issued", UNIT, 0, NULL, CASE_REPORTER, "permit.issued", CASE_T_ANSWER },
	{ "refuse", "signing", "refused", UNIT, CASE_NEEDS_TEXT, NULL, CASE_REPORTER, "permit.refused", CASE_T_ANSWER },
	{ NULL, NULL, NULL, 0, 0, NULL, CASE_PUBLIC, NULL, 0 },
};

const struct case_type permit_type = {
	.code = "research_permit",
	.notice_object = "permit",
	.prefix = "IP",
	.initial = "submitted",
	.states = permit_states,
	.transitions = permit_transitions,
	.desk_unit = "DPMPTSP",
	.notify = permits_notify,
};

const struct action permits_oversee = { "permits.oversee", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE };
const struct action permits_unit_staff = { "permits.unit_staff", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE,
					   .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD,
					   .in_village = ROLE_VILLAGE_OPERATOR };
/* Only the head of the signing unit signs or refuses: the letter goes out
 * in that office's name. */
const struct action permits_sign = { "permits.sign", .in_unit = ROLE_UNIT_HEAD };

const struct permit_doc_kind permit_doc_kinds[] = {
	{ "proposal", false, true },
	{ "intro_letter", false, true },
	{ "id_card", true, true },
	{ "statement", false, true },
	{ "report", false, false },
	{ NULL, false, false },
};

const struct permit_doc_kind *permit_doc_kind(const char *kind)
{
	for (const struct permit_doc_kind *k = permit_doc_kinds; kind && k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			return k;
	return NULL;
}

/* ---- helpers shared by the service's files ------------------------------------------------- */

int permits_db_error(struct req *r)
{
	return reply_db_error(r);
}

int permits_case_error(struct req *r, const struct case_error *e)
{
	return reply_error(r, e->status, e->code, e->message, e->field);
}

void permits_ctx(struct req *r, struct case_ctx *x)
{
	case_ctx_init(x, r->app->events, r->db, r->arena, &r->caller, app_now(r->app));
}

void permits_today(struct req *r, char out[11])
{
	case_day_text(app_now(r->app), out);
}

bool permit_text_ok(const char *s, bool multiline)
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

#define PERMIT_SELECT \
	"SELECT applicant_id, case_id, id_kind, id_number, name, address, village, institution, status, supervisor," \
	" title, purpose, scope, method, topic, period_from, period_until, members, intro_number, intro_date," \
	" intro_subject, recommendation, recommendation_note, letter_id, refusal_reason, report_sha, report_at," \
	" abstract, report_public, created_at, submitted_at FROM permits WHERE id = ?"

int permit_load(struct req *r, int64_t id, struct permit *out)
{
	struct db_stmt *st = db_query(r->db, PERMIT_SELECT, "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
#define S(i) (db_col_is_null(st, i) ? NULL : arena_strdup(r->arena, db_col_text(st, i)))
		memset(out, 0, sizeof(*out));
		out->id = id;
		out->applicant_id = db_col_int(st, 0);
		out->case_id = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
		out->id_kind = S(2);
		out->id_number = S(3);
		out->name = S(4);
		out->address = S(5);
		out->village = S(6);
		out->institution = S(7);
		out->status = S(8);
		out->supervisor = S(9);
		out->title = S(10);
		out->purpose = S(11);
		out->scope = S(12);
		out->method = S(13);
		out->topic = S(14);
		out->period_from = S(15);
		out->period_until = S(16);
		out->members = S(17);
		out->intro_number = S(18);
		out->intro_date = S(19);
		out->intro_subject = S(20);
		out->recommendation = S(21);
		out->recommendation_note = S(22);
		out->letter_id = db_col_is_null(st, 23) ? 0 : db_col_int(st, 23);
		out->refusal_reason = S(24);
		out->report_sha = S(25);
		out->report_at = S(26);
		out->abstract = S(27);
		out->report_public = db_col_int(st, 28) != 0;
		out->created_at = S(29);
		out->submitted_at = S(30);
#undef S
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int permit_view_open(struct req *r, struct case_ctx *x, struct permit_view *v)
{
	memset(v, 0, sizeof(*v));
	char *end;
	const char *idp = req_param(r, "id");
	long long id = idp ? strtoll(idp, &end, 10) : 0;
	int rc = idp && *idp && !*end && id > 0 ? permit_load(r, id, &v->p) : 1;
	if (rc == 0 && v->p.case_id)
		rc = case_load_id(x, &permit_type, v->p.case_id, &v->cs);
	if (rc < 0)
		return permits_db_error(r), -1;
	v->applicant = rc == 0 && r->caller.user_id && r->caller.user_id == v->p.applicant_id;
	if (rc == 0 && v->p.case_id) {
		v->roles = case_roles(x, &v->cs, v->applicant);
		v->staff = (v->roles & (CASE_BY_DESK | CASE_BY_UNIT)) || can(&r->caller, &permits_oversee, NULL);
	}
	if (rc > 0 || (!v->applicant && !v->staff))
		return reply_error(r, 404, "not_found", "no research permit application has this number", NULL), -1;
	return 0;
}

static json_t *locations_json(struct req *r, int64_t permit_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT kind, code, name FROM permit_locations WHERE permit_id = ? "
					     "ORDER BY kind, code", "i", permit_id);
	if (!st)
		return NULL;
	json_t *a = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "kind", db_col_text(st, 0), "code",
						   db_col_text(st, 1), "name", db_col_text(st, 2)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *documents_json(struct req *r, const struct permit *p)
{
	struct db_stmt *st = db_query(r->db, "SELECT kind, mime, size, uploaded_at FROM permit_documents "
					     "WHERE permit_id = ? ORDER BY kind", "i", p->id);
	if (!st)
		return NULL;
	json_t *o = json_object();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_object_set_new(o, db_col_text(st, 0), json_pack("{s:s, s:I, s:s, s:s}", "mime", db_col_text(st, 1),
			"size", (json_int_t)db_col_int(st, 2), "uploaded_at", db_col_text(st, 3),
			"url", arena_printf(r->arena, "/api/permits/%" PRId64 "/documents/%s", p->id, db_col_text(st, 0))));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *permit_json(struct req *r, struct case_ctx *x, const struct permit_view *v)
{
	const struct permit *p = &v->p;
	json_t *j = v->p.case_id ? case_summary(x, &v->cs) : json_pack("{s:n, s:s, s:b}", "tracking", "state", "draft",
									  "open", 1);
	json_object_set_new(j, "id", json_integer(p->id));
	json_object_set_new(j, "identity", json_pack("{s:s?, s:s?}", "kind", p->id_kind, "number", p->id_number));
	json_object_set_new(j, "name", p->name ? json_string(p->name) : json_null());
	json_object_set_new(j, "address", json_pack("{s:s?, s:s?}", "text", p->address, "village", p->village));
	json_object_set_new(j, "institution", p->institution ? json_string(p->institution) : json_null());
	json_object_set_new(j, "status_of_applicant", p->status ? json_string(p->status) : json_null());
	json_object_set_new(j, "supervisor", p->supervisor ? json_string(p->supervisor) : json_null());
	json_object_set_new(j, "title", p->title ? json_string(p->title) : json_null());
	json_object_set_new(j, "purpose", p->purpose ? json_string(p->purpose) : json_null());
	json_object_set_new(j, "scope", p->scope ? json_string(p->scope) : json_null());
	json_object_set_new(j, "method", p->method ? json_string(p->method) : json_null());
	json_object_set_new(j, "topic", p->topic ? json_string(p->topic) : json_null());
	json_object_set_new(j, "period", json_pack("{s:s?, s:s?}", "from", p->period_from, "until", p->period_until));
	json_t *members = p->members ? json_loads(p->members, 0, NULL) : NULL;
	if (!json_is_array(members)) {
		json_decref(members);
		members = json_array();
	}
	json_object_set_new(j, "members", members);
	json_object_set_new(j, "intro_letter", json_pack("{s:s?, s:s?, s:s?}", "number", p->intro_number,
							 "date", p->intro_date, "subject", p->intro_subject));
	json_t *loc = locations_json(r, p->id);
	json_object_set_new(j, "locations", loc ? loc : json_array());
	json_object_set_new(j, "refusal_reason", p->refusal_reason ? json_string(p->refusal_reason) : json_null());
	json_object_set_new(j, "report", p->report_at ? json_pack("{s:s, s:s?, s:b}", "at", p->report_at, "abstract",
								  p->abstract, "public", (int)p->report_public)
						      : json_null());
	if (v->staff)
		json_object_set_new(j, "recommendation", p->recommendation
			? json_pack("{s:s, s:s?}", "decision", p->recommendation, "note", p->recommendation_note)
			: json_null());
	json_object_set_new(j, "created_at", json_string(p->created_at));
	json_object_set_new(j, "submitted_at", p->submitted_at ? json_string(p->submitted_at) : json_null());
	return j;
}

int permit_reply(struct req *r, struct case_ctx *x, struct permit_view *v, int status)
{
	json_t *docs = documents_json(r, &v->p);
	json_t *timeline = v->p.case_id ? case_timeline(x, &v->cs, v->staff ? CASE_STAFF : CASE_REPORTER, v->staff)
					: json_array();
	json_t *clocks = v->p.case_id ? case_clocks(x, &v->cs) : json_array();
	json_t *letter = json_null();
	if (v->p.letter_id) {
		struct letter l;
		if (letter_read_id(r->app, r->db, r->arena, v->p.letter_id, &l) != LETTERS_OK) {
			json_decref(letter);
			letter = NULL;
		} else {
			letter = letter_json(r->app, &r->caller, &l,
					     arena_printf(r->arena, "/api/permits/%" PRId64 "/letter.pdf", v->p.id));
		}
	}
	if (!docs || !timeline || !clocks || !letter) {
		json_decref(docs);
		json_decref(timeline);
		json_decref(clocks);
		json_decref(letter);
		return permits_db_error(r);
	}
	json_t *actions = v->p.case_id ? case_actions(x, &v->cs, v->roles) : json_array();
	/* Issuing and refusing are the signing unit's head's alone. */
	if (v->p.case_id && !can(&r->caller, &permits_sign, &(struct object){ .unit_id = v->cs.unit_id })) {
		size_t i = json_array_size(actions);
		while (i-- > 0) {
			const char *a = json_string_value(json_object_get(json_array_get(actions, i), "action"));
			if (a && (strcmp(a, "issue") == 0 || strcmp(a, "refuse") == 0))
				json_array_remove(actions, i);
		}
	}
	json_t *body = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "permit", permit_json(r, x, v),
				 "documents", docs, "timeline", timeline, "clocks", clocks, "actions", actions,
				 "letter", letter, "viewer", v->applicant ? "applicant" : "staff");
	return reply_json(r, status, body);
}

/* ---- settings -------------------------------------------------------------------------------- */

static json_t *lines_or(const char *text, const char *const *def)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	if (json_is_array(j))
		return j;
	json_decref(j);
	j = json_array();
	for (; def && *def; def++)
		json_array_append_new(j, json_string(*def));
	return j;
}

static const char *const default_dasar[] = {
	"Peraturan Menteri Dalam Negeri Nomor 7 Tahun 2014 tentang Perubahan atas Peraturan Menteri Dalam Negeri "
	"Nomor 64 Tahun 2011 tentang Pedoman Penerbitan Rekomendasi Penelitian;",
	NULL,
};
static const char *const default_conditions[] = {
	"Melaporkan kedatangan kepada pejabat setempat di lokasi penelitian;",
	"Mematuhi peraturan perundang-undangan dan adat istiadat setempat;",
	"Tidak melakukan kegiatan di luar penelitian yang tercantum dalam surat ini;",
	"Menyerahkan laporan hasil penelitian kepada Pemerintah Kabupaten setelah penelitian selesai.",
	NULL,
};
static const char *const default_copies[] = {
	"Bupati Purbalingga (sebagai laporan);",
	"Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu;",
	"Yang bersangkutan.",
	NULL,
};

int permits_settings_load(struct req *r, struct permit_settings *s)
{
	const char *v[8] = { NULL };
	static const char *const keys[] = { "assess_unit", "sign_unit", "number_format", "dasar", "conditions", "copies",
					    "block_overdue_report", "report_days" };
	struct db_stmt *st = db_query(r->db, "SELECT key, value FROM permit_settings", "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		for (size_t i = 0; i < 8; i++)
			if (strcmp(db_col_text(st, 0), keys[i]) == 0)
				v[i] = arena_strdup(r->arena, db_col_text(st, 1));
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	s->assess_unit = v[0] ? v[0] : "KESBANGPOL";
	s->sign_unit = v[1] ? v[1] : "KESBANGPOL";
	s->number_format = v[2] ? v[2] : "000.9.2/{seq:3}/Kesbangpol/{year}";
	s->dasar = lines_or(v[3], default_dasar);
	s->conditions = lines_or(v[4], default_conditions);
	s->copies = lines_or(v[5], default_copies);
	s->block_overdue_report = v[6] ? strcmp(v[6], "1") == 0 : true;
	s->report_days = v[7] ? atoi(v[7]) : 30;
	return 0;
}

void permits_settings_release(struct permit_settings *s)
{
	json_decref(s->dasar);
	json_decref(s->conditions);
	json_decref(s->copies);
}

/* ---- notifications ------------------------------------------------------------------------------ */

/* Appends m[0..k) to the people gathered in *all. */
static int gather(struct arena *a, struct staff_member **all, size_t *nall, const struct staff_member *m, size_t k)
{
	if (!k)
		return 0;
	struct staff_member *grown = arena_alloc(a, (*nall + k) * sizeof(*grown));
	if (!grown)
		return -1;
	if (*nall)
		memcpy(grown, *all, *nall * sizeof(*grown));
	memcpy(grown + *nall, m, k * sizeof(*grown));
	*all = grown;
	*nall += k;
	return 0;
}

/* Every unit and village named as a location hears the permit was issued,
 * and so does the office of the district each region lies in: their staff
 * see the researcher in their expected list from then on.  Everyone is
 * gathered first, so that a person at two of the places is told once. */
static int notify_locations(struct case_ctx *x, const struct case_row *cs, json_t *data)
{
	struct {
		int64_t unit_id;
		const char *region;
	} loc[LOCATIONS_MAX];
	int n = 0;
	struct db_stmt *st = db_query(x->c, "SELECT l.unit_id, l.code FROM permit_locations l JOIN permits p "
					    "ON p.id = l.permit_id WHERE p.case_id = ?", "i", cs->id);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < LOCATIONS_MAX) {
		loc[n].unit_id = db_col_is_null(st, 0) ? 0 : db_col_int(st, 0);
		loc[n].region = loc[n].unit_id ? NULL : arena_strdup(x->a, db_col_text(st, 1));
		n++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return -1;
	struct staff_member *all = NULL, *m;
	size_t nall = 0, k;
	for (int i = 0; i < n; i++) {
		int64_t unit = loc[i].unit_id;
		if (loc[i].region) {
			if (region_code_level(loc[i].region) == 4 &&
			    (auth_village_staff(x->c, x->a, loc[i].region, ROLE_VILLAGE_OPERATOR, &m, &k) != 0 ||
			     gather(x->a, &all, &nall, m, k) != 0))
				return -1;
			int got = orgs_district_office(x->c, arena_strndup(x->a, loc[i].region, 8), &unit);
			if (got < 0)
				return -1;
			if (got > 0)
				unit = 0;
		}
		if (unit && (auth_unit_staff(x->c, x->a, unit, ROLE_OFFICER | ROLE_UNIT_HEAD, &m, &k) != 0 ||
			     gather(x->a, &all, &nall, m, k) != 0))
			return -1;
	}
	return case_notify_people(x, cs, all, nall, "permit.expected", "/izin-penelitian/peneliti.html", data);
}

int permits_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data)
{
	json_t *d = json_deep_copy(data);
	json_object_set_new(d, "tracking", json_string(cs->tracking));
	const char *what = strchr(topic, '.') ? strchr(topic, '.') + 1 : topic;
	const char *mine = "/izin-penelitian/saya.html";
	const char *console = "/izin-penelitian/petugas.html";
	const unsigned staff = ROLE_OFFICER | ROLE_UNIT_HEAD;
	int rc = 0;
	if (cs->reporter_id) {
		json_t *payload = json_pack("{s:s, s:s, s:s}", "ref", cs->tracking, "state", cs->state, "action", what);
		rc = events_publish(x->events, x->c, arena_printf(x->a, "user/%" PRId64, cs->reporter_id), payload);
		json_decref(payload);
	}
	if (rc == 0 && (strcmp(what, "submitted") == 0 || strcmp(what, "resubmitted") == 0)) {
		rc = case_notify_user(x, cs, cs->reporter_id, NULL, topic, mine, d);
		if (rc == 0)
			rc = case_notify_unit(x, cs, cs->unit_id, staff, topic, console, d);
	} else if (rc == 0 && strcmp(what, "accepted") == 0) {
		rc = case_notify_unit(x, cs, cs->unit_id, staff, topic, console, d);
	} else if (rc == 0 && strcmp(what, "recommended") == 0) {
		rc = case_notify_unit(x, cs, cs->unit_id, ROLE_UNIT_HEAD, topic, console, d);
	} else if (rc == 0 && (strcmp(what, "returned") == 0 || strcmp(what, "refused") == 0)) {
		rc = case_notify_user(x, cs, cs->reporter_id, NULL, topic, mine, d);
	} else if (rc == 0 && strcmp(what, "issued") == 0) {
		rc = case_notify_user(x, cs, cs->reporter_id, NULL, topic, mine, d);
		if (rc == 0)
			rc = notify_locations(x, cs, d);
	} else if (rc == 0 && strcmp(what, "overdue") == 0) {
		rc = case_notify_unit(x, cs, cs->unit_id, ROLE_UNIT_HEAD, topic, console, d);
	}
	json_decref(d);
	return rc;
}

/* ---- periodic work ------------------------------------------------------------------------------- */

/* A draft nobody touched for DRAFT_KEEP_DAYS goes, with its documents: an
 * abandoned application must not keep a KTP forever.  A stored file is
 * removed only when no service names it any more. */
#define DRAFT_KEEP_DAYS 90

static int draft_collect_one(struct app *app, struct db_conn *c, struct arena *a, int64_t id)
{
	char *shas[PERMIT_DOCS_MAX];
	int n = 0, unused[PERMIT_DOCS_MAX];
	struct db_stmt *st = db_query(c, "SELECT sha256 FROM permit_documents WHERE permit_id = ?", "i", id);
	if (!st)
		return -1;
	while (n < PERMIT_DOCS_MAX && db_step(st) == DB_ROW)
		shas[n++] = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	json_t *d = json_pack("{s:I, s:i}", "permit", (json_int_t)id, "documents", n);
	int ok = db_exec(c, "DELETE FROM permit_documents WHERE permit_id = ?", "i", id) == DB_DONE &&
		 db_exec(c, "DELETE FROM permit_locations WHERE permit_id = ?", "i", id) == DB_DONE &&
		 db_exec(c, "DELETE FROM permits WHERE id = ? AND case_id IS NULL", "i", id) == DB_DONE &&
		 audit_append(c, NULL, "permit.draft_collect", arena_printf(a, "permit:%" PRId64, id), d) == 0;
	json_decref(d);
	for (int i = 0; ok && i < n; i++)
		ok = (unused[i] = document_unused(app, c, shas[i])) >= 0;
	if (!ok) {
		db_tx_rollback(c);
		return -1;
	}
	if (db_tx_commit(c) != DB_OK)
		return -1;
	for (int i = 0; i < n; i++)
		if (unused[i] && files_remove(app, c, shas[i]) != 0)
			log_warn("abandoned draft's document not removed", LOG_F("module", "permits"), LOG_F("sha256", shas[i]));
	return 0;
}

static void drafts_collect(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	struct arena *a = arena_new(4096);
	char cutoff[24];
	time_iso(app_now(app) - (time_t)DRAFT_KEEP_DAYS * 86400, cutoff);
	long n = 0;
	for (; a && n < 50; n++) {
		int64_t id;
		if (db_query_int(c, &id, "SELECT id FROM permits WHERE case_id IS NULL AND updated_at < ? ORDER BY id LIMIT 1",
				 "s", cutoff) != DB_ROW || db_tx_begin(c) != DB_OK || draft_collect_one(app, c, a, id) != 0)
			break;
	}
	if (n > 0)
		log_info("abandoned permit drafts removed", LOG_F("module", "permits"), LOG_F("count", n));
	arena_free(a);
	db_release(app->db, c);
}

static void permits_tick(struct app *app)
{
	case_tick(app, &permit_type);
	if (app->cfg.data_dir)
		drafts_collect(app);
	permits_stats_publish(app);
}

/* ---- tables and routes ------------------------------------------------------------------------------ */

static const struct field draft_fields[] = {
	{ "identity_kind", FT_STRING, FF_NULLABLE, 16 },
	{ "identity_number", FT_STRING, FF_NULLABLE, 32 },
	{ "name", FT_STRING, FF_NULLABLE, 200 },
	{ "address", FT_STRING, FF_NULLABLE, 500 },
	{ "village", FT_STRING, FF_NULLABLE, 13 },
	{ "institution", FT_STRING, FF_NULLABLE, LINE_MAX_CHARS },
	{ "status", FT_STRING, FF_NULLABLE, 16 },
	{ "supervisor", FT_STRING, FF_NULLABLE, 200 },
	{ "title", FT_STRING, FF_NULLABLE, 500 },
	{ "purpose", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "scope", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "method", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "topic", FT_STRING, FF_NULLABLE, 100 },
	{ "period_from", FT_STRING, FF_NULLABLE, 10 },
	{ "period_until", FT_STRING, FF_NULLABLE, 10 },
	{ "members", FT_ARRAY, FF_NULLABLE, 0 },
	{ "locations", FT_ARRAY, FF_NULLABLE, 0 },
	{ "intro_number", FT_STRING, FF_NULLABLE, 100 },
	{ "intro_date", FT_STRING, FF_NULLABLE, 10 },
	{ "intro_subject", FT_STRING, FF_NULLABLE, LINE_MAX_CHARS },
	{ 0 },
};

static const struct field action_fields[] = {
	{ "text", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "recommendation", FT_STRING, FF_NULLABLE, 16 },
	{ 0 },
};

static const struct field report_fields[] = {
	{ "abstract", FT_STRING, FF_REQUIRED, TEXT_MAX },
	{ "public", FT_BOOL, FF_REQUIRED, 0 },
	{ 0 },
};

static const struct field settings_fields[] = {
	{ "desk_unit", FT_STRING, 0, 32 },
	{ "assess_unit", FT_STRING, 0, 32 },
	{ "sign_unit", FT_STRING, 0, 32 },
	{ "number_format", FT_STRING, 0, 100 },
	{ "dasar", FT_ARRAY, 0, 0 },
	{ "conditions", FT_ARRAY, 0, 0 },
	{ "copies", FT_ARRAY, 0, 0 },
	{ "block_overdue_report", FT_BOOL, 0, 0 },
	{ "report_days", FT_INT, 0, 0 },
	{ "days", FT_OBJECT, 0, 0 },
	{ 0 },
};

#define STAFF_RW (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_ADMIN)
#define STAFF_READ (STAFF_RW | ROLE_REGENT_OFFICE)

/* Literal paths come before /api/permits/{id}: the first match wins. */
static const struct route permits_routes[] = {
	{ "POST", "/api/permits", permits_create, ROLE_ANY_USER, draft_fields, RF_SUBMIT },
	{ "GET", "/api/permits/mine", permits_mine, ROLE_ANY_USER, NULL, 0 },
	{ "GET", "/api/permits/inbox", permits_inbox, STAFF_READ, NULL, 0 },
	{ "GET", "/api/permits/expected", permits_expected, STAFF_READ | ROLE_VILLAGE_OPERATOR, NULL, 0 },
	{ "GET", "/api/permits/reports/overdue", permits_overdue_reports, STAFF_READ, NULL, 0 },
	{ "GET", "/api/permits/library", permits_library, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/permits/library/{id}/report.pdf", permits_library_report, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/permits/stats", permits_stats, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/permits/settings", permits_settings_get, STAFF_READ, NULL, 0 },
	{ "PATCH", "/api/permits/settings", permits_settings_patch, ROLE_ADMIN, settings_fields, 0 },
	{ "GET", "/api/permits/{id}", permits_get, ROLE_ANY_USER, NULL, 0 },
	{ "PATCH", "/api/permits/{id}", permits_update, ROLE_ANY_USER, draft_fields, 0 },
	{ "PUT", "/api/permits/{id}/documents/{kind}", permits_document_put, ROLE_ANY_USER, NULL,
	  RF_RAW_BODY | RF_UPLOAD | RF_NO_TX },
	{ "GET", "/api/permits/{id}/documents/{kind}", permits_document_get, ROLE_ANY_USER, NULL, 0 },
	{ "POST", "/api/permits/{id}/submit", permits_submit, ROLE_ANY_USER, NULL, 0 },
	{ "POST", "/api/permits/{id}/actions/{action}", permits_action, ROLE_ANY_USER, action_fields, 0 },
	{ "GET", "/api/permits/{id}/letter.pdf", permits_letter_pdf, ROLE_ANY_USER, NULL, 0 },
	{ "POST", "/api/permits/{id}/report", permits_report, ROLE_ANY_USER, report_fields, 0 },
	{ 0 },
};

#define PERMIT_TABLES(ID, BIGINT) \
	"CREATE TABLE permits (id " ID ", applicant_id " BIGINT " NOT NULL REFERENCES users (id)," \
	" case_id " BIGINT " UNIQUE REFERENCES cases (id), id_kind TEXT, id_number TEXT, name TEXT, address TEXT," \
	" village TEXT, institution TEXT, status TEXT, supervisor TEXT, title TEXT, purpose TEXT, scope TEXT," \
	" method TEXT, topic TEXT, period_from TEXT, period_until TEXT, members TEXT NOT NULL DEFAULT '[]'," \
	" intro_number TEXT, intro_date TEXT, intro_subject TEXT, recommendation TEXT, recommendation_note TEXT," \
	" letter_id " BIGINT " REFERENCES letters (id), refusal_reason TEXT, report_sha TEXT, report_at TEXT," \
	" abstract TEXT, report_public INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL, submitted_at TEXT, demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX permits_applicant ON permits (applicant_id, id);" \
	"CREATE INDEX permits_until ON permits (period_until) WHERE letter_id IS NOT NULL;" \
	"CREATE TABLE permit_locations (permit_id " BIGINT " NOT NULL REFERENCES permits (id)," \
	" kind TEXT NOT NULL CHECK (kind IN ('unit', 'region')), code TEXT NOT NULL, name TEXT NOT NULL," \
	" unit_id " BIGINT " REFERENCES org_units (id), PRIMARY KEY (permit_id, kind, code));" \
	"CREATE INDEX permit_locations_unit ON permit_locations (unit_id) WHERE unit_id IS NOT NULL;" \
	"CREATE INDEX permit_locations_code ON permit_locations (code);" \
	"CREATE TABLE permit_documents (permit_id " BIGINT " NOT NULL REFERENCES permits (id), kind TEXT NOT NULL," \
	" sha256 TEXT NOT NULL, mime TEXT NOT NULL, size " BIGINT " NOT NULL, uploaded_at TEXT NOT NULL," \
	" PRIMARY KEY (permit_id, kind));" \
	"CREATE TABLE permit_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);" \
	"CREATE TABLE permit_library (permit_id " BIGINT " PRIMARY KEY REFERENCES permits (id), title TEXT NOT NULL," \
	" institution TEXT NOT NULL, year INTEGER NOT NULL, abstract TEXT NOT NULL, locations TEXT NOT NULL," \
	" report_sha TEXT, published_at TEXT NOT NULL);"

/* The library is public by construction: a row goes in only when its
 * researcher reports, the report's file only when they agreed. */
static const struct migration permits_migrations[] = {
	{ 1, "permits",
	  PERMIT_TABLES("INTEGER PRIMARY KEY", "INTEGER")
	  "CREATE VIRTUAL TABLE permit_library_fts USING fts5(title, institution, abstract, locations,"
	  " content='permit_library', content_rowid='permit_id', tokenize='unicode61 remove_diacritics 2',"
	  " prefix='3', columnsize=0);"
	  "CREATE TRIGGER permit_library_fts_insert AFTER INSERT ON permit_library BEGIN"
	  " INSERT INTO permit_library_fts (rowid, title, institution, abstract, locations)"
	  " VALUES (new.permit_id, new.title, new.institution, new.abstract, new.locations); END;",
	  PERMIT_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT")
	  "ALTER TABLE permit_library ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple',"
	  " title || ' ' || institution || ' ' || abstract || ' ' || locations)) STORED;"
	  "CREATE INDEX permit_library_search ON permit_library USING GIN (search);" },
	/* The statistics count by the WIB day of the first submission: by the
	 * UTC text, an application sent on the 1st before 07:00 fell in the
	 * month before. */
	{ 2, "permits submitted_day",
	  "ALTER TABLE permits ADD COLUMN submitted_day TEXT;"
	  "UPDATE permits SET submitted_day = date(submitted_at, '+7 hours') WHERE submitted_at IS NOT NULL;",
	  "ALTER TABLE permits ADD COLUMN submitted_day TEXT;"
	  "UPDATE permits SET submitted_day = to_char(submitted_at::timestamp + interval '7 hours', 'YYYY-MM-DD')"
	  " WHERE submitted_at IS NOT NULL;" },
	{ 0 },
};

/* The inbox is for the offices (STAFF_READ); a village's operators see
 * the researchers expected in their village. */
/* The settings route is the administrator's (ROLE_ADMIN in its row). */
static const struct action permits_configure = { "permits.configure", .anywhere = ROLE_ADMIN };
static const struct action permits_inbox_work = { "permits.inbox", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE,
						  .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };
static const struct action permits_expected_village = { "permits.expected_village",
							.in_village = ROLE_VILLAGE_OPERATOR };

static const struct tool permits_tools[] = {
	{ "/izin-penelitian/petugas.html", "Izin penelitian", "Research permits", &permits_inbox_work, NULL, 1 },
	{ "/izin-penelitian/peneliti.html", "Peneliti yang datang", "Researchers expected", &permits_expected_village,
	  NULL, 1 },
	{ "/izin-penelitian/pengaturan.html", "Pengaturan Si-Intan", "Si-Intan settings", &permits_configure, NULL, 3 },
	{ 0 },
};

static int permits_file_used(struct db_conn *c, const char *sha)
{
	int64_t n;
	int rc = db_query_int(c, &n, "SELECT (SELECT count(*) FROM permit_documents WHERE sha256 = ?) + "
					"(SELECT count(*) FROM permits WHERE report_sha = ?) + "
					"(SELECT count(*) FROM permit_library WHERE report_sha = ?)", "sss", sha, sha, sha);
	return rc == DB_ROW ? n > 0 : -1;
}

const struct module permits_module = {
	.file_used = permits_file_used,
	.name = "permits",
	.routes = permits_routes,
	.tools = permits_tools,
	.migrations = permits_migrations,
	.demo_load = permits_demo_load,
	.tick = permits_tick,
};
