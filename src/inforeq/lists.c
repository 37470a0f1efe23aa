/* lists.c - lists of requests: the requester's own, the PPID's inbox, and
 * the public register (every request, searchable, with what was asked,
 * the outcome, the ground of a refusal, the time taken, the objection and
 * the dispute at the Information Commission - never who
 * asked: no name, NIK, deed number, address, phone, email or purpose).
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "holidays.h"
#include "orgs.h"
#include "strbuf.h"

#define PAGE_MAX 100

/* What one list row shows; identity never among it. */
#define ITEM_COLUMNS "q.case_id, q.agency_id, q.information, q.answer, q.ground, q.received_day, q.answered_day," \
		     " o.filed_day, o.decision, d.filed_day, d.registration_number, d.outcome, d.outcome_day"
#define ITEM_FROM " FROM inforeq_requests q LEFT JOIN inforeq_objections o ON o.request_id = q.id" \
		  " LEFT JOIN inforeq_disputes d ON d.request_id = q.id WHERE "

/* One row of ITEM_COLUMNS, copied out of its statement. */
struct item {
	int64_t case_id, agency_id;
	const char *information, *answer, *ground, *received, *answered, *filed, *decision;
	const char *dsp_filed, *dsp_number, *dsp_outcome, *dsp_outcome_day;
};

static json_t *item_json(struct case_ctx *x, const struct holidays *h, unsigned policy, const struct item *it,
			 const struct case_row *cs)
{
	const char *code = NULL, *name = NULL;
	if (case_unit(x, it->agency_id, &code, &name) < 0)
		return NULL;
	int32_t a, b;
	json_t *days = json_null();
	if (it->received && it->answered && date_parse(it->received, &a) == 0 && date_parse(it->answered, &b) == 0)
		days = json_integer(workdays_between(h, a, b, policy));
	json_t *j = case_summary(x, cs);
	json_object_set_new(j, "agency", json_pack("{s:s?, s:s?}", "code", code, "name", name));
	json_object_set_new(j, "information", json_string(it->information));
	json_object_set_new(j, "outcome", it->answer ? json_string(it->answer) : json_null());
	json_object_set_new(j, "ground", it->ground ? json_pack("{s:s, s:s?}", "letter", it->ground, "name",
								inforeq_exemption(it->ground)) : json_null());
	json_object_set_new(j, "received_day", json_string(it->received));
	json_object_set_new(j, "answered_day", it->answered ? json_string(it->answered) : json_null());
	json_object_set_new(j, "working_days_taken", days);
	json_object_set_new(j, "objection", it->filed ? json_pack("{s:s, s:s?}", "filed_day", it->filed, "decision",
								   it->decision) : json_null());
	json_object_set_new(j, "dispute", it->dsp_filed ? json_pack("{s:s, s:s, s:s?, s:s?}", "filed_day", it->dsp_filed,
		"registration_number", it->dsp_number, "outcome", it->dsp_outcome, "outcome_day", it->dsp_outcome_day)
		: json_null());
	return j;
}

/* Rows of st (ITEM_COLUMNS) as items with their cases, in the order of
 * order[0..n_order) when given (case ids), else in the statement's.
 * NULL on error. */
static json_t *items_of(struct req *r, struct case_ctx *x, struct db_stmt *st, const int64_t *order, int n_order)
{
	if (!st)
		return NULL;
	struct item *items = NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0, idcap = 0, nid = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct item *it = ARENA_PUSH(r->arena, items, n, cap);
		int64_t *id = it ? ARENA_PUSH(r->arena, ids, nid, idcap) : NULL;
		if (!id) {
			rc = DB_ERROR;
			break;
		}
#define S(i) (db_col_is_null(st, i) ? NULL : arena_strdup(r->arena, db_col_text(st, i)))
		*it = (struct item){ .case_id = db_col_int(st, 0), .agency_id = db_col_int(st, 1), .information = S(2),
				     .answer = S(3), .ground = S(4), .received = S(5), .answered = S(6), .filed = S(7),
				     .decision = S(8), .dsp_filed = S(9), .dsp_number = S(10), .dsp_outcome = S(11),
				     .dsp_outcome_day = S(12) };
#undef S
		*id = it->case_id;
	}
	db_done(st);
	struct holidays h;
	struct case_config cfg;
	struct case_row *rows = arena_alloc(r->arena, (n ? n : 1) * sizeof(*rows));
	if (rc != DB_DONE || !rows || case_rows(x, &inforeq_type, ids, (int)n, rows) != 0 ||
	    holidays_load(r->db, r->arena, &h) != 0 || case_config_load(x, &inforeq_type, &cfg) != 0)
		return NULL;
	json_t *out = json_array();
	for (int k = 0; k < (order ? n_order : (int)n); k++) {
		size_t i = 0;
		while (order && i < n && items[i].case_id != order[k])
			i++;
		if (!order)
			i = (size_t)k;
		if (i == n || !rows[i].id)
			continue;	/* gone between the two reads */
		json_t *j = item_json(x, &h, cfg.policy, &items[i], &rows[i]);
		if (!j) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, j);
	}
	return out;
}

static int page(struct req *r, long *limit, long *offset)
{
	if (req_query_int(r, "limit", 50, 1, PAGE_MAX, limit) != 0 ||
	    req_query_int(r, "offset", 0, 0, 1000000, offset) != 0)
		return -1;
	return 0;
}

static int list_reply(struct req *r, struct case_ctx *x, struct db_sql *q, long limit, long offset)
{
	db_sql_add(q, " ORDER BY q.case_id DESC LIMIT ? OFFSET ?", "ii", (int64_t)limit, (int64_t)offset);
	json_t *items = items_of(r, x, db_sql_query(r->db, q), NULL, 0);
	if (!items)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i}", "items", items, "limit", (int)limit, "offset", (int)offset));
}

static int status_ok(struct req *r, const char *status)
{
	if (status && *status && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0 &&
	    case_state_index(&inforeq_type, status) < 0)
		return reply_error(r, 400, "invalid", "status is open, closed or a state", "status"), -1;
	return 0;
}

/* GET /api/inforeq/mine */
int inforeq_mine(struct req *r)
{
	long limit, offset;
	if (page(r, &limit, &offset) != 0)
		return 0;
	struct case_ctx x;
	struct db_sql q;
	inforeq_ctx(r, &x);
	db_sql_init(&q, r->arena);
	db_sql_add(&q, "SELECT " ITEM_COLUMNS ITEM_FROM, "");
	case_match_sql(&x, &inforeq_type, &(struct case_filter){ .reporter_id = r->caller.user_id }, "q.case_id", &q);
	return list_reply(r, &x, &q, limit, offset);
}

/* GET /api/inforeq/inbox?status=&limit=&offset=: the requests at the
 * caller's units (a PPID Pelaksana's, the Atasan's), most urgent first;
 * the PPID Utama and those who oversee see every one. */
int inforeq_inbox(struct req *r)
{
	const char *status = req_query(r, "status");
	long limit, offset;
	if (status_ok(r, status) != 0 || page(r, &limit, &offset) != 0)
		return 0;
	struct case_ctx x;
	struct case_config cfg;
	inforeq_ctx(r, &x);
	if (case_config_load(&x, &inforeq_type, &cfg) != 0)
		return reply_db_error(r);
	int64_t units[8] = { 0 };
	struct case_filter f = { .status = status && *status ? status : "open" };
	size_t n = caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, units, 8);
	bool all = can(&r->caller, &inforeq_oversee, NULL);
	for (size_t i = 0; i < n && !all; i++)
		all = units[i] == cfg.desk_unit_id;
	if (!all) {
		if (!n)
			return reply_json(r, 200, json_pack("{s:[], s:i, s:i}", "items", "limit", (int)limit, "offset",
							    (int)offset));
		f.units = units;
		f.n_units = (int)n;
	}
	/* The engine orders (most urgent first) and pages; the page's rows
	 * then come in one read. */
	struct db_sql q;
	db_sql_init(&q, r->arena);
	case_list_sql(&x, &inforeq_type, &f, &q);
	case_list_end(&q, &f, CASE_MOST_URGENT, limit, offset);
	int64_t *ids = arena_alloc(r->arena, (size_t)limit * sizeof(*ids));
	int k = 0, rc = DB_ERROR;
	struct db_stmt *st = ids ? db_sql_query(r->db, &q) : NULL;
	while (st && k < limit && (rc = db_step(st)) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	if (st)
		db_done(st);
	const char *list = ids ? db_ids_text(r->arena, ids, k) : NULL;
	if ((rc != DB_DONE && rc != DB_ROW) || !list)
		return reply_db_error(r);
	json_t *items = items_of(r, &x, db_query(r->db, arena_printf(r->arena, "SELECT " ITEM_COLUMNS ITEM_FROM
		"q.case_id IN %s", db_ids_sql(db_conn_dialect(r->db))), "s", list), ids, k);
	if (!items)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i}", "items", items, "limit", (int)limit, "offset", (int)offset));
}

/* GET /api/inforeq/register?q=&agency=&status=: the public register. */
int inforeq_register(struct req *r)
{
	const char *status = req_query(r, "status"), *text = req_query(r, "q"), *agency = req_query(r, "agency");
	long limit, offset;
	if (status_ok(r, status) != 0 || page(r, &limit, &offset) != 0)
		return 0;
	if (text && strlen(text) > 200)
		return reply_error(r, 400, "invalid", "q is at most 200 characters", "q");
	struct case_ctx x;
	struct db_sql q;
	inforeq_ctx(r, &x);
	db_sql_init(&q, r->arena);
	db_sql_add(&q, "SELECT " ITEM_COLUMNS ITEM_FROM, "");
	case_match_sql(&x, &inforeq_type, &(struct case_filter){ .status = status }, "q.case_id", &q);
	if (agency && *agency) {
		int64_t id;
		int rc = orgs_id_by_code(r->db, agency, &id);
		if (rc < 0)
			return reply_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", "agency: no agency has this code", "agency");
		db_sql_add(&q, " AND q.agency_id = ?", "i", id);
	}
	if (text && *text) {
		/* A plain substring match: the register is small next to the
		 * complaints, and a pattern's own % and _ are escaped. */
		struct strbuf like;
		strbuf_init(&like, r->arena, strlen(text) + 8);
		strbuf_addf(&like, "%%");
		for (const char *p = text; *p; p++)
			strbuf_addf(&like, "%s%c", *p == '%' || *p == '_' || *p == '\\' ? "\\" : "", *p);
		strbuf_addf(&like, "%%");
		db_sql_add(&q, " AND lower(q.information) LIKE lower(?) ESCAPE '\\'", "s", like.buf);
	}
	return list_reply(r, &x, &q, limit, offset);
}

/* GET /api/inforeq/register/{no}: one entry of the register with its
 * public timeline, to follow a request. */
int inforeq_register_entry(struct req *r)
{
	struct case_ctx x;
	struct case_row cs;
	inforeq_ctx(r, &x);
	const char *no = req_param(r, "no");
	int rc = strlen(no) < 32 ? case_load(&x, &inforeq_type, no, &cs) : 1;
	if (rc < 0)
		return reply_db_error(r);
	if (rc > 0)
		return reply_error(r, 404, "not_found", "no information request has this number", NULL);
	struct db_sql q;
	db_sql_init(&q, r->arena);
	db_sql_add(&q, "SELECT " ITEM_COLUMNS ITEM_FROM "q.case_id = ?", "i", cs.id);
	json_t *items = items_of(r, &x, db_sql_query(r->db, &q), NULL, 0);
	json_t *timeline = items ? case_timeline(&x, &cs, CASE_PUBLIC, false) : NULL;
	if (!items || !timeline || json_array_size(items) != 1) {
		json_decref(items);
		json_decref(timeline);
		return reply_db_error(r);
	}
	json_t *entry = json_incref(json_array_get(items, 0));
	json_decref(items);
	return reply_json(r, 200, json_pack("{s:o, s:o, s:s}", "request", entry, "timeline", timeline, "follow",
					    arena_printf(r->arena, "public/inforeq/%s", cs.tracking)));
}
