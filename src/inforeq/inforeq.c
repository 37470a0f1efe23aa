/* inforeq.c - the information-request case type, the legal grounds, who
 * may see what of a request, who is told of each change, the periodic
 * work, the tables and the route table.
 *
 * Visibility, in one place (inforeq_view_open): the requester (account or
 * the secret follow-up key) and staff (the unit holding it, the agency's
 * PPID Pelaksana, the PPID Utama, those who oversee) see the whole
 * request; anyone else sees it only through the public register, without
 * the requester (lists.c).
 */
#include "inforeq.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "events.h"
#include "letters.h"
#include "orgs.h"
#include "survey/survey.h"
#include "util.h"

/* ---- the case type ------------------------------------------------------------------------ */

/* UU 14/2008 art. 22(7)-(8): 10 working days to answer, one extension of
 * 7 on the same clock; art. 36: the Atasan PPID answers an objection in
 * 30.  The answers close the request; an objection reopens it. */
static const struct case_state inforeq_states[] = {
	{ "received", true, 10, NULL },
	{ "extended", true, 7, NULL },
	{ "granted", false, 0, NULL },
	{ "granted_in_part", false, 0, NULL },
	{ "refused", false, 0, NULL },
	{ "objection", true, OBJECTION_DAYS, NULL },
	{ "objection_answered", false, 0, NULL },
	{ NULL, false, 0, NULL },
};

const char *const inforeq_exemption_letters[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", NULL };
static const char *const objection_decisions[] = { "upheld", "rejected", NULL };

#define DESK CASE_BY_DESK
#define UNIT CASE_BY_UNIT
#define REQUESTER CASE_BY_REPORTER
#define ANSWER(action, from, to, needs, reasons) \
	{ action, from, to, UNIT, needs, reasons, CASE_REPORTER, "inforeq.answered", CASE_T_ANSWER }
#define OBJECT(from) \
	{ "object", from, "objection", REQUESTER, CASE_NEEDS_UNIT, NULL, CASE_REPORTER, "inforeq.objected", 0 }

static const struct case_transition inforeq_transitions[] = {
	{ "reroute", "received", NULL, DESK, CASE_NEEDS_UNIT, NULL, CASE_PUBLIC, "inforeq.rerouted", 0 },
	{ "reroute", "extended", NULL, DESK, CASE_NEEDS_UNIT, NULL, CASE_PUBLIC, "inforeq.rerouted", 0 },
	{ "extend", "received", "extended", UNIT, CASE_NEEDS_TEXT | CASE_IN_WINDOW, NULL, CASE_PUBLIC,
	  "inforeq.extended", CASE_T_EXTEND },
	ANSWER("grant", "received", "granted", 0, NULL),
	ANSWER("grant", "extended", "granted", 0, NULL),
	ANSWER("grant_part", "received", "granted_in_part", CASE_NEEDS_REASON, inforeq_exemption_letters),
	ANSWER("grant_part", "extended", "granted_in_part", CASE_NEEDS_REASON, inforeq_exemption_letters),
	ANSWER("refuse", "received", "refused", CASE_NEEDS_REASON, inforeq_exemption_letters),
	ANSWER("refuse", "extended", "refused", CASE_NEEDS_REASON, inforeq_exemption_letters),
	OBJECT("received"),
	OBJECT("extended"),
	OBJECT("granted"),
	OBJECT("granted_in_part"),
	OBJECT("refused"),
	{ "decide_objection", "objection", "objection_answered", UNIT, CASE_NEEDS_TEXT | CASE_NEEDS_REASON,
	  objection_decisions, CASE_PUBLIC, "inforeq.objection_answered", 0 },
	{ NULL, NULL, NULL, 0, 0, NULL, CASE_PUBLIC, NULL, 0 },
};

const struct case_type inforeq_type = {
	.code = "info_request",
	.notice_object = "inforeq",
	.prefix = "PPID",
	.initial = "received",
	.states = inforeq_states,
	.transitions = inforeq_transitions,
	.desk_unit = INFOREQ_UTAMA_DEFAULT,
	.notify = inforeq_notify,
};

const struct action inforeq_oversee = { "inforeq.oversee", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE };
const struct action inforeq_atasan = { "inforeq.atasan", .in_unit = ROLE_UNIT_HEAD };
const struct action inforeq_configure = { "inforeq.configure", .anywhere = ROLE_ADMIN };
const struct action inforeq_unit_staff = { "inforeq.unit_staff", .anywhere = ROLE_ADMIN,
					   .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };

static const char *const exemptions[][2] = {
	{ "a", "menghambat proses penegakan hukum" },
	{ "b", "mengganggu kepentingan perlindungan hak atas kekayaan intelektual dan persaingan usaha tidak sehat" },
	{ "c", "membahayakan pertahanan dan keamanan negara" },
	{ "d", "mengungkapkan kekayaan alam Indonesia" },
	{ "e", "merugikan ketahanan ekonomi nasional" },
	{ "f", "merugikan kepentingan hubungan luar negeri" },
	{ "g", "mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir ataupun wasiat seseorang" },
	{ "h", "mengungkap rahasia pribadi" },
	{ "i", "memorandum atau surat-surat antar/intra Badan Publik yang menurut sifatnya dirahasiakan" },
	{ "j", "informasi yang tidak boleh diungkapkan berdasarkan Undang-Undang" },
};

static const char *const grounds[][2] = {
	{ "a", "penolakan atas permintaan informasi berdasarkan alasan pengecualian Pasal 17" },
	{ "b", "tidak disediakannya informasi berkala" },
	{ "c", "tidak ditanggapinya permintaan informasi" },
	{ "d", "permintaan informasi ditanggapi tidak sebagaimana yang diminta" },
	{ "e", "tidak dipenuhinya permintaan informasi" },
	{ "f", "pengenaan biaya yang tidak wajar" },
	{ "g", "penyampaian informasi yang melebihi waktu yang diatur" },
};

#define LOOKUP(table, letter) \
	for (size_t i = 0; letter && i < sizeof(table) / sizeof(table[0]); i++) \
		if (strcmp(table[i][0], letter) == 0) \
			return table[i][1]; \
	return NULL

const char *inforeq_exemption(const char *letter)
{
	LOOKUP(exemptions, letter);
}

const char *inforeq_objection_ground(const char *letter)
{
	LOOKUP(grounds, letter);
}

/* ---- helpers shared by the service's files ------------------------------------------------- */

void inforeq_ctx(struct req *r, struct case_ctx *x)
{
	case_ctx_init(x, r->app->events, r->db, r->arena, &r->caller, app_now(r->app));
}

bool inforeq_text_ok(const char *s, bool multiline)
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

int inforeq_case_error(struct req *r, const struct case_error *e)
{
	return reply_error(r, e->status, e->code, e->message, e->field);
}

int inforeq_unit_of(struct req *r, const char *code, int64_t *id)
{
	int rc = orgs_id_by_code(r->db, code, id);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 500, "internal", arena_printf(r->arena, "the PPID structure names the unit %s, "
									    "which does not exist", code), NULL), -1;
	return 0;
}

#define REQUEST_SELECT \
	"SELECT q.id, q.agency_id, q.requester_kind, q.name, q.nik, q.deed_number, q.address, q.phone, q.email," \
	" q.information, q.purpose, q.obtain, q.delivery, q.answer, q.answer_text, q.ground, q.consequence_test," \
	" q.answered_day, q.answered_late, q.extension_reason, q.letter_id, q.received_day, o.grounds, o.statement," \
	" o.filed_day, o.decision, o.decision_text, o.decided_day, o.letter_id, d.filed_day, d.registration_number," \
	" d.filed_late, d.outcome, d.outcome_day, d.outcome_text FROM inforeq_requests q" \
	" LEFT JOIN inforeq_objections o ON o.request_id = q.id LEFT JOIN inforeq_disputes d ON d.request_id = q.id" \
	" WHERE q.case_id = ?"

int inforeq_load(struct req *r, int64_t case_id, struct inforeq *out)
{
	struct db_stmt *st = db_query(r->db, REQUEST_SELECT, "i", case_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
#define S(i) (db_col_is_null(st, i) ? NULL : arena_strdup(r->arena, db_col_text(st, i)))
		memset(out, 0, sizeof(*out));
		out->case_id = case_id;
		out->id = db_col_int(st, 0);
		out->agency_id = db_col_int(st, 1);
		out->requester_kind = S(2);
		out->name = S(3);
		out->nik = S(4);
		out->deed_number = S(5);
		out->address = S(6);
		out->phone = S(7);
		out->email = S(8);
		out->information = S(9);
		out->purpose = S(10);
		out->obtain = S(11);
		out->delivery = S(12);
		out->answer = S(13);
		out->answer_text = S(14);
		out->ground = S(15);
		out->consequence_test = S(16);
		out->answered_day = S(17);
		out->answered_late = db_col_int(st, 18) != 0;
		out->extension_reason = S(19);
		out->letter_id = db_col_is_null(st, 20) ? 0 : db_col_int(st, 20);
		out->received_day = S(21);
		out->obj_grounds = S(22);
		out->obj_statement = S(23);
		out->obj_filed_day = S(24);
		out->obj_decision = S(25);
		out->obj_decision_text = S(26);
		out->obj_decided_day = S(27);
		out->obj_letter_id = db_col_is_null(st, 28) ? 0 : db_col_int(st, 28);
		out->dsp_filed_day = S(29);
		out->dsp_number = S(30);
		out->dsp_filed_late = !db_col_is_null(st, 31) && db_col_int(st, 31) != 0;
		out->dsp_outcome = S(32);
		out->dsp_outcome_day = S(33);
		out->dsp_outcome_text = S(34);
#undef S
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

static bool caller_is_requester(struct req *r, struct case_ctx *x, const struct case_row *cs)
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

int inforeq_view_open(struct req *r, struct case_ctx *x, struct inforeq_view *v)
{
	memset(v, 0, sizeof(*v));
	const char *no = req_param(r, "no");
	int rc = no && strlen(no) < 32 ? case_load(x, &inforeq_type, no, &v->cs) : 1;
	if (rc == 0)
		rc = inforeq_load(r, v->cs.id, &v->q);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc == 0) {
		v->requester = caller_is_requester(r, x, &v->cs);
		v->roles = case_roles(x, &v->cs, v->requester);
		/* The agency's PPID Pelaksana keeps seeing its request while
		 * the Atasan PPID answers the objection. */
		v->staff = (v->roles & (CASE_BY_DESK | CASE_BY_UNIT)) || can(&r->caller, &inforeq_oversee, NULL) ||
			   can(&r->caller, &inforeq_unit_staff, &(struct object){ .unit_id = v->q.agency_id });
	}
	if (rc > 0 || (!v->requester && !v->staff))
		return reply_error(r, 404, "not_found", "no information request has this number", NULL), -1;
	return 0;
}

static json_t *request_json(struct case_ctx *x, const struct inforeq_view *v)
{
	const struct inforeq *q = &v->q;
	json_t *j = case_summary(x, &v->cs);
	const char *agency_code = NULL, *agency_name = NULL;
	if (case_unit(x, q->agency_id, &agency_code, &agency_name) < 0) {
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "agency", json_pack("{s:s?, s:s?}", "code", agency_code, "name", agency_name));
	json_object_set_new(j, "requester", json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?}", "kind",
		q->requester_kind, "name", q->name, "nik", q->nik, "deed_number", q->deed_number, "address", q->address,
		"phone", q->phone, "email", q->email));
	json_object_set_new(j, "information", json_string(q->information));
	json_object_set_new(j, "purpose", json_string(q->purpose));
	json_object_set_new(j, "obtain", json_string(q->obtain));
	json_object_set_new(j, "delivery", json_string(q->delivery));
	json_object_set_new(j, "received_day", json_string(q->received_day));
	json_object_set_new(j, "extension_reason", q->extension_reason ? json_string(q->extension_reason) : json_null());
	json_object_set_new(j, "answer", !q->answer ? json_null() : json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:b}",
		"kind", q->answer, "text", q->answer_text, "ground", q->ground, "ground_name", inforeq_exemption(q->ground),
		"consequence_test", q->consequence_test, "day", q->answered_day, "late", (int)q->answered_late));
	return j;
}

/* A letter of the request for its page, as every service shows one
 * (letter_json); json null when there is none, NULL on a database error. */
static json_t *request_letter(struct req *r, int64_t id, const char *pdf)
{
	struct letter l;
	if (!id)
		return json_null();
	if (letter_read_id(r->app, r->db, r->arena, id, &l) != LETTERS_OK)
		return NULL;
	return letter_json(r->app, &r->caller, &l, pdf);
}

static json_t *objection_json(struct req *r, const struct inforeq_view *v)
{
	const struct inforeq *q = &v->q;
	if (!q->obj_filed_day)
		return json_null();
	json_t *gs = json_array();
	for (const char *g = q->obj_grounds; g && *g; g++)
		if (*g != ',') {
			char letter[2] = { *g, '\0' };
			json_array_append_new(gs, json_pack("{s:s, s:s?}", "ground", letter, "name",
							    inforeq_objection_ground(letter)));
		}
	json_t *letter = request_letter(r, q->obj_letter_id, arena_printf(r->arena, "/api/inforeq/%s/objection.pdf",
									  v->cs.tracking));
	if (!letter) {
		json_decref(gs);
		return NULL;
	}
	return json_pack("{s:o, s:s?, s:s, s:s?, s:s?, s:s?, s:o}", "grounds", gs, "statement", q->obj_statement,
			 "filed_day", q->obj_filed_day, "decision", q->obj_decision, "decision_text", q->obj_decision_text,
			 "decided_day", q->obj_decided_day, "letter", letter);
}

int inforeq_reply(struct req *r, struct case_ctx *x, struct inforeq_view *v, int status)
{
	json_t *req = request_json(x, v);
	json_t *timeline = case_timeline(x, &v->cs, v->staff ? CASE_STAFF : CASE_REPORTER, v->staff);
	json_t *clocks = case_clocks(x, &v->cs);
	json_t *docs = case_attachments(x, &v->cs, false);
	json_t *deadlines = inforeq_deadlines(r, x, v);
	json_t *notice = request_letter(r, v->q.letter_id, arena_printf(r->arena, "/api/inforeq/%s/notice.pdf",
									  v->cs.tracking));
	json_t *objection = objection_json(r, v);
	if (!req || !timeline || !clocks || !docs || !deadlines || !notice || !objection) {
		json_decref(objection);
		json_decref(req);
		json_decref(timeline);
		json_decref(clocks);
		json_decref(docs);
		json_decref(deadlines);
		json_decref(notice);
		return reply_db_error(r);
	}
	json_t *actions = case_actions(x, &v->cs, v->roles);
	/* The requester objects when the law lets them: after an answer, or
	 * once the time to answer ran out (deadlines says when); only the
	 * Atasan PPID answers an objection. */
	bool may_object = json_is_true(json_object_get(deadlines, "objection_may"));
	bool atasan = can(&r->caller, &inforeq_atasan, &(struct object){ .unit_id = v->cs.unit_id });
	size_t i = json_array_size(actions);
	while (i-- > 0) {
		const char *a = json_string_value(json_object_get(json_array_get(actions, i), "action"));
		if ((!may_object && strcmp(a, "object") == 0) || (!atasan && strcmp(a, "decide_objection") == 0))
			json_array_remove(actions, i);
	}
	return reply_json(r, status, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "request", req,
		"timeline", timeline, "clocks", clocks, "deadlines", deadlines, "actions", actions, "documents", docs,
		"objection", objection, "notice", notice, "dispute", inforeq_dispute_json(&v->q), "viewer",
		v->staff ? "staff" : "requester"));
}

/* ---- notifications ------------------------------------------------------------------------------ */

/* The requester hears of every step; the unit holding the request hears
 * of what it must answer; the public register's followers of any change. */
int inforeq_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data)
{
	json_t *d = json_deep_copy(data);
	json_object_set_new(d, "tracking", json_string(cs->tracking));
	const char *what = strchr(topic, '.') ? strchr(topic, '.') + 1 : topic;
	const char *page = arena_printf(x->a, "/ppid/permohonan.html?no=%s", cs->tracking);
	json_t *payload = json_pack("{s:s, s:s, s:s}", "ref", cs->tracking, "state", cs->state, "action", what);
	int rc = events_publish(x->events, x->c, arena_printf(x->a, "public/inforeq/%s", cs->tracking), payload);
	if (rc == 0 && cs->reporter_id)
		rc = events_publish(x->events, x->c, arena_printf(x->a, "user/%" PRId64, cs->reporter_id), payload);
	json_decref(payload);
	if (rc == 0 && strcmp(what, "overdue") != 0)
		rc = case_notify_user(x, cs, cs->reporter_id, NULL, topic, page, d);
	/* An answer finishes the service: the survey asks how it went. */
	if (rc == 0 && strcmp(what, "answered") == 0)
		rc = survey_offer(x->c, &(struct survey_txn){ .unit_id = cs->unit_id, .source = "inforeq",
			.service = "ppid", .service_name = "Permohonan Informasi Publik (PPID)", .ref = cs->tracking,
			.user_id = cs->reporter_id, .now = x->now });
	if (rc == 0 && (strcmp(what, "submitted") == 0 || strcmp(what, "rerouted") == 0 ||
			strcmp(what, "objected") == 0 || strcmp(what, "overdue") == 0))
		rc = case_notify_unit(x, cs, cs->unit_id, ROLE_OFFICER | ROLE_UNIT_HEAD, topic, page, d);
	json_decref(d);
	return rc;
}

/* ---- periodic work ------------------------------------------------------------------------------- */

static void inforeq_tick(struct app *app)
{
	case_tick(app, &inforeq_type);
	inforeq_report_publish(app);
	inforeq_links_prune(app);
}

/* ---- tables and routes ------------------------------------------------------------------------------ */

static const struct field submit_fields[] = {
	{ "agency", FT_STRING, FF_REQUIRED, 32 },
	{ "requester_kind", FT_STRING, 0, 8 },
	{ "name", FT_STRING, FF_REQUIRED, 200 },
	{ "nik", FT_STRING, FF_NULLABLE, 16 },
	{ "deed_number", FT_STRING, FF_NULLABLE, 100 },
	{ "address", FT_STRING, FF_REQUIRED, 500 },
	{ "phone", FT_STRING, FF_NULLABLE, 20 },
	{ "email", FT_STRING, FF_NULLABLE, 200 },
	{ "information", FT_STRING, FF_REQUIRED, TEXT_MAX },
	{ "purpose", FT_STRING, FF_REQUIRED, TEXT_MAX },
	{ "obtain", FT_STRING, FF_REQUIRED, 8 },
	{ "delivery", FT_STRING, FF_REQUIRED, 8 },
	{ 0 },
};

static const struct field action_fields[] = {
	{ "text", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "ground", FT_STRING, FF_NULLABLE, 1 },
	{ "consequence_test", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "grounds", FT_ARRAY, FF_NULLABLE, 0 },
	{ "unit", FT_STRING, FF_NULLABLE, 32 },
	{ "decision", FT_STRING, FF_NULLABLE, 8 },
	{ 0 },
};

static const struct field link_fields[] = {
	{ "what", FT_STRING, FF_REQUIRED, 20 },
	{ "n", FT_INT, 0, 0 },
	{ 0 },
};

static const struct field dispute_fields[] = {
	{ "filed_day", FT_STRING, FF_REQUIRED, 10 },
	{ "registration_number", FT_STRING, FF_REQUIRED, 100 },
	{ 0 },
};

static const struct field outcome_fields[] = {
	{ "outcome", FT_STRING, FF_REQUIRED, 24 },
	{ "day", FT_STRING, FF_REQUIRED, 10 },
	{ "text", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ 0 },
};

static const struct field settings_fields[] = {
	{ "utama_unit", FT_STRING, 0, 32 },
	{ "atasan_unit", FT_STRING, 0, 32 },
	{ 0 },
};

static const struct field dip_fields[] = {
	{ "agency", FT_STRING, FF_REQUIRED, 32 },
	{ "number", FT_STRING, FF_REQUIRED, 50 },
	{ "summary", FT_STRING, FF_REQUIRED, 1000 },
	{ "holding_unit", FT_STRING, FF_REQUIRED, 200 },
	{ "responsible", FT_STRING, FF_REQUIRED, 200 },
	{ "made_when", FT_STRING, FF_REQUIRED, 50 },
	{ "made_where", FT_STRING, FF_REQUIRED, 200 },
	{ "format", FT_STRING, FF_REQUIRED, 50 },
	{ "retention", FT_STRING, FF_REQUIRED, 100 },
	{ "category", FT_STRING, FF_REQUIRED, 12 },
	{ 0 },
};

#define STAFF_RW (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_ADMIN)
#define STAFF_READ (STAFF_RW | ROLE_REGENT_OFFICE)

/* Literal paths come before /api/inforeq/{no}: the first match wins. */
static const struct route inforeq_routes[] = {
	{ "POST", "/api/inforeq", inforeq_submit, ROLE_PUBLIC, submit_fields, RF_SUBMIT },
	{ "GET", "/api/inforeq/mine", inforeq_mine, ROLE_ANY_USER, NULL, 0 },
	{ "GET", "/api/inforeq/inbox", inforeq_inbox, STAFF_READ, NULL, 0 },
	{ "GET", "/api/inforeq/register", inforeq_register, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/inforeq/register/{no}", inforeq_register_entry, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/inforeq/report", inforeq_report, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/inforeq/settings", inforeq_settings_get, STAFF_READ, NULL, 0 },
	{ "PATCH", "/api/inforeq/settings", inforeq_settings_patch, ROLE_ADMIN, settings_fields, 0 },
	{ "GET", "/api/inforeq/files/{token}", inforeq_file_get, ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "GET", "/api/inforeq/dip", inforeq_dip_list, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "POST", "/api/inforeq/dip", inforeq_dip_create, STAFF_RW, dip_fields, 0 },
	{ "PUT", "/api/inforeq/dip/{id}/document", inforeq_dip_document_put, STAFF_RW, NULL, RF_RAW_BODY | RF_UPLOAD },
	{ "GET", "/api/inforeq/dip/{id}/document", inforeq_dip_document_get, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/inforeq/{no}", inforeq_get, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/inforeq/{no}/actions/{action}", inforeq_action, ROLE_PUBLIC, action_fields, 0 },
	{ "PUT", "/api/inforeq/{no}/documents", inforeq_document_put, STAFF_RW, NULL, RF_RAW_BODY | RF_UPLOAD },
	{ "GET", "/api/inforeq/{no}/documents/{n}", inforeq_document_get, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/inforeq/{no}/notice.pdf", inforeq_notice_pdf, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/inforeq/{no}/objection.pdf", inforeq_objection_pdf, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/inforeq/{no}/links", inforeq_link_create, ROLE_PUBLIC, link_fields, 0 },
	{ "POST", "/api/inforeq/{no}/dispute", inforeq_dispute_file, ROLE_PUBLIC, dispute_fields, 0 },
	{ "POST", "/api/inforeq/{no}/dispute/outcome", inforeq_dispute_outcome, STAFF_RW, outcome_fields, 0 },
	{ 0 },
};

#define INFOREQ_TABLES(ID, BIGINT) \
	"CREATE TABLE inforeq_requests (id " ID ", case_id " BIGINT " NOT NULL UNIQUE REFERENCES cases (id)," \
	" agency_id " BIGINT " NOT NULL REFERENCES org_units (id)," \
	" requester_kind TEXT NOT NULL CHECK (requester_kind IN ('person', 'entity')), name TEXT NOT NULL," \
	" nik TEXT, deed_number TEXT, address TEXT NOT NULL, phone TEXT, email TEXT, information TEXT NOT NULL," \
	" purpose TEXT NOT NULL, obtain TEXT NOT NULL CHECK (obtain IN ('see', 'copy'))," \
	" delivery TEXT NOT NULL CHECK (delivery IN ('collect', 'post', 'email'))," \
	" answer TEXT CHECK (answer IN ('granted', 'granted_in_part', 'refused')), answer_text TEXT, ground TEXT," \
	" consequence_test TEXT, answered_day TEXT, answered_late INTEGER NOT NULL DEFAULT 0, extension_reason TEXT," \
	" letter_id " BIGINT " REFERENCES letters (id), received_day TEXT NOT NULL, created_at TEXT NOT NULL," \
	" demo INTEGER NOT NULL DEFAULT 0," \
	" CHECK (answer IS NULL OR answer = 'granted' OR (ground IS NOT NULL AND consequence_test IS NOT NULL)));" \
	"CREATE INDEX inforeq_requests_agency ON inforeq_requests (agency_id, id);" \
	"CREATE TABLE inforeq_objections (request_id " BIGINT " PRIMARY KEY REFERENCES inforeq_requests (id)," \
	" grounds TEXT NOT NULL, statement TEXT, filed_day TEXT NOT NULL, decision TEXT" \
	" CHECK (decision IN ('upheld', 'rejected')), decision_text TEXT, decided_day TEXT);" \
	"CREATE TABLE inforeq_dip (id " ID ", agency_id " BIGINT " NOT NULL REFERENCES org_units (id)," \
	" number TEXT NOT NULL, summary TEXT NOT NULL, holding_unit TEXT NOT NULL, responsible TEXT NOT NULL," \
	" made_when TEXT NOT NULL, made_where TEXT NOT NULL, format TEXT NOT NULL, retention TEXT NOT NULL," \
	" category TEXT NOT NULL CHECK (category IN ('berkala', 'serta_merta', 'setiap_saat'))," \
	" document_sha TEXT, document_mime TEXT, created_at TEXT NOT NULL, UNIQUE (agency_id, number));"

/* Version 2: the settings, download links, the Atasan's letter and the
 * dispute at the Information Commission. */
#define INFOREQ_TABLES_2(BIGINT) \
	"CREATE TABLE inforeq_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);" \
	"CREATE TABLE inforeq_links (token_hash TEXT PRIMARY KEY, case_id " BIGINT " NOT NULL REFERENCES cases (id)," \
	" what TEXT NOT NULL CHECK (what IN ('document', 'notice', 'objection_letter')), n INTEGER NOT NULL," \
	" expires_at TEXT NOT NULL);" \
	"CREATE INDEX inforeq_links_expiry ON inforeq_links (expires_at);" \
	"ALTER TABLE inforeq_objections ADD COLUMN letter_id " BIGINT " REFERENCES letters (id);" \
	"CREATE TABLE inforeq_disputes (request_id " BIGINT " PRIMARY KEY REFERENCES inforeq_requests (id)," \
	" filed_day TEXT NOT NULL, registration_number TEXT NOT NULL, filed_late INTEGER NOT NULL DEFAULT 0," \
	" outcome TEXT CHECK (outcome IN ('mediation_failed', 'mediation_agreed', 'adjudication_granted'," \
	" 'adjudication_granted_in_part', 'adjudication_rejected', 'dismissed', 'withdrawn'))," \
	" outcome_day TEXT, outcome_text TEXT, created_at TEXT NOT NULL," \
	" CHECK (outcome IS NULL OR outcome_day IS NOT NULL));"

/* The ground and the consequence test of a refusal are the law's
 * (art. 17, art. 19): the CHECK keeps a refusal without them out even if
 * code is wrong. */
static const struct migration inforeq_migrations[] = {
	{ 1, "inforeq",
	  INFOREQ_TABLES("INTEGER PRIMARY KEY", "INTEGER"),
	  INFOREQ_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 2, "inforeq settings, links, disputes", INFOREQ_TABLES_2("INTEGER"), INFOREQ_TABLES_2("BIGINT") },
	/* Villages keep their lists in the same register (Perki 1/2018): an
	 * entry is an agency's or a village's, and may have a title.  SQLite
	 * cannot drop a NOT NULL, so the table is made again there. */
	{ 3, "inforeq_dip: villages' lists and titles",
	  "CREATE TABLE inforeq_dip_new (id INTEGER PRIMARY KEY, agency_id INTEGER REFERENCES org_units (id),"
	  " village TEXT, number TEXT NOT NULL, title TEXT, summary TEXT NOT NULL, holding_unit TEXT NOT NULL,"
	  " responsible TEXT NOT NULL, made_when TEXT NOT NULL, made_where TEXT NOT NULL, format TEXT NOT NULL,"
	  " retention TEXT NOT NULL,"
	  " category TEXT NOT NULL CHECK (category IN ('berkala', 'serta_merta', 'setiap_saat')),"
	  " document_sha TEXT, document_mime TEXT, created_at TEXT NOT NULL, updated_at TEXT,"
	  " CHECK ((agency_id IS NULL) <> (village IS NULL)), UNIQUE (agency_id, number), UNIQUE (village, number));"
	  "INSERT INTO inforeq_dip_new (id, agency_id, number, summary, holding_unit, responsible, made_when, made_where,"
	  " format, retention, category, document_sha, document_mime, created_at) SELECT id, agency_id, number, summary,"
	  " holding_unit, responsible, made_when, made_where, format, retention, category, document_sha, document_mime,"
	  " created_at FROM inforeq_dip;"
	  "DROP TABLE inforeq_dip;"
	  "ALTER TABLE inforeq_dip_new RENAME TO inforeq_dip;",
	  "ALTER TABLE inforeq_dip ALTER COLUMN agency_id DROP NOT NULL, ADD COLUMN village TEXT, ADD COLUMN title TEXT,"
	  " ADD COLUMN updated_at TEXT, ADD CHECK ((agency_id IS NULL) <> (village IS NULL)),"
	  " ADD UNIQUE (village, number);" },
	{ 0 },
};

/* Every unit answers the requests routed to it (its PPID Pelaksana). */
static const struct tool inforeq_tools[] = {
	{ "/ppid/petugas.html", "Permohonan informasi", "Information requests", &inforeq_unit_staff, NULL, 1 },
	{ "/ppid/atur.html", "Pengaturan PPID", "PPID settings", &inforeq_configure, NULL, 3 },
	{ 0 },
};

static int inforeq_file_used(struct db_conn *c, const char *sha)
{
	int64_t n;
	int rc = db_query_int(c, &n, "SELECT count(*) FROM inforeq_dip WHERE document_sha = ?", "s", sha);
	return rc == DB_ROW ? n > 0 : -1;
}

const struct module inforeq_module = {
	.file_used = inforeq_file_used,
	.name = "inforeq",
	.routes = inforeq_routes,
	.tools = inforeq_tools,
	.migrations = inforeq_migrations,
	.demo_load = inforeq_demo_load,
	.tick = inforeq_tick,
};
