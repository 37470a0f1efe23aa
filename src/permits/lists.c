/* lists.c - lists of applications: the applicant's own, the offices'
 * inbox, the researchers expected in a unit or village, overdue reports,
 * the public research library with full-text search, and statistics.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "files.h"
#include "log.h"
#include "orgs.h"
#include "search.h"
#include "util.h"

/* The case summaries of n applications' cases, in order; ids[i] 0 for a
 * draft.  NULL on error. */
static json_t *summaries(struct req *r, struct case_ctx *x, const int64_t *ids, int n)
{
	struct case_row *rows = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof(*rows));
	if (!rows || case_rows(x, &permit_type, ids, n, rows) != 0)
		return NULL;
	json_t *out = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(out, rows[i].id ? case_summary(x, &rows[i])
						      : json_pack("{s:n, s:s, s:b}", "tracking", "state", "draft", "open", 1));
	return out;
}

/* Rows (id, case_id, title, institution, name, period_from, period_until)
 * of the statement as items merged with their cases' summaries. */
static json_t *items_of(struct req *r, struct case_ctx *x, struct db_stmt *st)
{
	if (!st)
		return NULL;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t *slot = ARENA_PUSH(r->arena, ids, n, cap);
		if (!slot)
			break;
		*slot = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
		json_array_append_new(items, json_pack("{s:I, s:s?, s:s?, s:s?, s:{s:s?, s:s?}}",
			"id", (json_int_t)db_col_int(st, 0), "title", db_col_is_null(st, 2) ? NULL : db_col_text(st, 2),
			"institution", db_col_is_null(st, 3) ? NULL : db_col_text(st, 3),
			"name", db_col_is_null(st, 4) ? NULL : db_col_text(st, 4),
			"period", "from", db_col_is_null(st, 5) ? NULL : db_col_text(st, 5),
			"until", db_col_is_null(st, 6) ? NULL : db_col_text(st, 6)));
	}
	db_done(st);
	json_t *sums = rc == DB_DONE ? summaries(r, x, ids, (int)n) : NULL;
	if (!sums) {
		json_decref(items);
		return NULL;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		json_object_update(it, json_array_get(sums, i));
	json_decref(sums);
	return items;
}

#define ITEM_COLUMNS "p.id, p.case_id, p.title, p.institution, p.name, p.period_from, p.period_until"

/* GET /api/permits/mine: the caller's applications, newest first. */
int permits_mine(struct req *r)
{
	struct case_ctx x;
	permits_ctx(r, &x);
	json_t *items = items_of(r, &x, db_query(r->db, "SELECT " ITEM_COLUMNS " FROM permits p WHERE p.applicant_id = ? "
							"ORDER BY p.id DESC LIMIT 100", "i", r->caller.user_id));
	if (!items)
		return permits_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int int64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return a < b ? -1 : a > b;
}

/* GET /api/permits/inbox?status=open|closed|STATE&page=&limit=: the
 * applications now with one of the caller's units (every one for those
 * who oversee), most urgent first as the case engine orders them (earliest
 * due day first, then first come), a page at a time. */
int permits_inbox(struct req *r)
{
	const char *status = req_query(r, "status");
	long page, size;
	if (req_query_int(r, "page", 1, 1, 10000, &page) || req_query_int(r, "limit", INBOX_PAGE, 1, 100, &size))
		return 0;
	if (status && *status && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0 &&
	    case_state_index(&permit_type, status) < 0)
		return reply_error(r, 400, "invalid", "status is open, closed or a state", "status");
	int64_t units[8] = { 0 };
	struct case_filter f = { .status = status && *status ? status : "open" };
	if (!can(&r->caller, &permits_oversee, NULL)) {
		f.n_units = (int)caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, units, 8);
		f.units = units;
		if (!f.n_units)
			return reply_json(r, 200, json_pack("{s:[], s:i, s:b}", "items", "page", (int)page, "more", 0));
	}
	struct case_ctx x;
	struct db_sql q;
	permits_ctx(r, &x);
	db_sql_init(&q, r->arena);
	case_list_sql(&x, &permit_type, &f, &q);
	case_list_end(&q, &f, CASE_MOST_URGENT, (int64_t)size + 1, (int64_t)((page - 1) * size));
	int64_t *ids = arena_alloc(r->arena, (size_t)(size + 1) * sizeof(*ids)), *sorted = NULL;
	int n = 0, rc = DB_ERROR;
	struct db_stmt *st = ids ? db_sql_query(r->db, &q) : NULL;
	while (st && (rc = db_step(st)) == DB_ROW && n <= size)
		ids[n++] = db_col_int(st, 0);
	if (st)
		db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return permits_db_error(r);
	bool more = n > size;
	if (more)
		n--;
	/* The page's applications come back in case-id order; matched to
	 * the engine's order through the sorted ids. */
	sorted = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof(*sorted));
	const char *list = db_ids_text(r->arena, ids, n);
	if (!sorted || !list)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	memcpy(sorted, ids, (size_t)n * sizeof(*ids));
	qsort(sorted, (size_t)n, sizeof(*sorted), int64_cmp);
	json_t *items = items_of(r, &x, db_query(r->db, arena_printf(r->arena, "SELECT " ITEM_COLUMNS " FROM permits p "
				 "WHERE p.case_id IN %s ORDER BY p.case_id", db_ids_sql(db_conn_dialect(r->db))), "s", list));
	if (!items)
		return permits_db_error(r);
	json_t *ordered = json_array();
	for (int i = 0; i < n; i++) {
		const int64_t *at = bsearch(&ids[i], sorted, (size_t)n, sizeof(*sorted), int64_cmp);
		json_t *it = json_array_get(items, (size_t)(at - sorted));
		if (it)
			json_array_append(ordered, it);
	}
	json_decref(items);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:b}", "items", ordered, "page", (int)page, "more", (int)more));
}

/* GET /api/permits/expected: researchers with a valid permit naming one of
 * the caller's units, or their village (or its district), as a location;
 * a district office's staff see every location in their district. */
int permits_expected(struct req *r)
{
	int64_t u[8] = { 0 };
	const char *d[8] = { "", "", "", "", "", "", "", "" };
	caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, u, 8);
	for (int i = 0; i < 8 && u[i]; i++)
		if (orgs_office_district(r->db, r->arena, u[i], &d[i]) < 0)
			return permits_db_error(r);
	const char *village = "", *district = "";
	for (int i = 0; i < r->caller.ngrants; i++)
		if (r->caller.grants[i].role == ROLE_VILLAGE_OPERATOR && r->caller.grants[i].village) {
			village = r->caller.grants[i].village;
			district = arena_strndup(r->arena, village, 8);
		}
	bool all = can(&r->caller, &permits_oversee, NULL);
	char today[11];
	permits_today(r, today);
	const char *day = arena_strdup(r->arena, today);
	struct case_ctx x;
	permits_ctx(r, &x);
	json_t *items = items_of(r, &x, db_query(r->db, "SELECT " ITEM_COLUMNS " FROM permits p WHERE p.letter_id IS NOT "
		"NULL AND p.period_until >= ? AND EXISTS (SELECT 1 FROM permit_locations l WHERE l.permit_id = p.id AND "
		"(? = 1 OR l.unit_id IN (?, ?, ?, ?, ?, ?, ?, ?) OR (? <> '' AND l.code IN (?, ?)) OR "
		"(l.kind = 'region' AND substr(l.code, 1, 8) IN (?, ?, ?, ?, ?, ?, ?, ?)))) "
		"ORDER BY p.period_from, p.id LIMIT 200", "sbiiiiiiiisssssssssss", day, (int)all, u[0], u[1], u[2], u[3],
		u[4], u[5], u[6], u[7], village, village, district, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]));
	if (!items)
		return permits_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* May the caller follow the offices' work on permits: staff of the desk,
 * the assessing or the signing unit, or those who oversee? */
static int office_staff(struct req *r, bool *yes)
{
	struct permit_settings s;
	struct case_config cfg;
	struct case_ctx x;
	permits_ctx(r, &x);
	if (permits_settings_load(r, &s) != 0 || case_config_load(&x, &permit_type, &cfg) != 0)
		return -1;
	permits_settings_release(&s);
	*yes = can(&r->caller, &permits_oversee, NULL) ||
	       (cfg.desk_unit_id && can(&r->caller, &permits_unit_staff, &(struct object){ .unit_id = cfg.desk_unit_id }));
	const char *codes[2] = { s.assess_unit, s.sign_unit };
	for (int i = 0; i < 2 && !*yes; i++) {
		int64_t id;
		int rc = orgs_id_by_code(r->db, codes[i], &id);
		if (rc < 0)
			return -1;
		*yes = rc == 0 && can(&r->caller, &permits_unit_staff, &(struct object){ .unit_id = id });
	}
	return 0;
}

/* GET /api/permits/reports/overdue: issued permits whose period ended
 * more than report_days ago without a report. */
int permits_overdue_reports(struct req *r)
{
	bool ok;
	struct permit_settings s;
	if (office_staff(r, &ok) != 0 || permits_settings_load(r, &s) != 0)
		return permits_db_error(r);
	permits_settings_release(&s);
	if (!ok)
		return reply_error(r, 403, "forbidden", "the licensing offices follow reports", NULL);
	char cutoff[11];
	case_day_text(app_now(r->app) - (time_t)s.report_days * 86400, cutoff);
	struct case_ctx x;
	permits_ctx(r, &x);
	json_t *items = items_of(r, &x, db_query(r->db, "SELECT " ITEM_COLUMNS " FROM permits p WHERE p.letter_id IS NOT "
		"NULL AND p.report_at IS NULL AND p.period_until < ? ORDER BY p.period_until, p.id LIMIT 200", "s",
		arena_strdup(r->arena, cutoff)));
	if (!items)
		return permits_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:i}", "items", items, "report_days", s.report_days));
}

/* The library's full-text condition, per dialect (search.h). */
static const char *const library_match[] = {
	[DB_SQLITE] = " AND l.permit_id IN (SELECT rowid FROM permit_library_fts WHERE permit_library_fts MATCH ?)",
	[DB_POSTGRES] = " AND l.search @@ to_tsquery('simple', ?)",
};

/* GET /api/permits/library?q=&page=: finished research, newest first. */
int permits_library(struct req *r)
{
	const char *q = req_query(r, "q");
	long page;
	if (req_query_int(r, "page", 1, 1, 1000, &page))
		return 0;
	if (q && strlen(q) > 200)
		return reply_error(r, 400, "invalid", "q is longer than 200 characters", "q");
	enum db_dialect d = db_conn_dialect(r->db);
	const char *expr = q && *q ? search_expression(r->arena, d, q) : NULL;
	struct db_sql sql;
	db_sql_init(&sql, r->arena);
	db_sql_add(&sql, "SELECT l.permit_id, l.title, l.institution, l.year, l.abstract, l.locations, "
			 "l.report_sha IS NOT NULL FROM permit_library l WHERE 1 = 1", "");
	if (q && *q && !expr)
		return reply_json(r, 200, json_pack("{s:[], s:i}", "items", "page", (int)page));
	if (expr)
		db_sql_add(&sql, library_match[d], "s", expr);
	db_sql_add(&sql, " ORDER BY l.published_at DESC, l.permit_id DESC LIMIT ? OFFSET ?", "ii", (int64_t)21,
		   (int64_t)((page - 1) * 20));
	struct db_stmt *st = db_sql_query(r->db, &sql);
	if (!st)
		return permits_db_error(r);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o}", "id", (json_int_t)id,
			"title", db_col_text(st, 1), "institution", db_col_text(st, 2), "year", (json_int_t)db_col_int(st, 3),
			"abstract", db_col_text(st, 4), "locations", db_col_text(st, 5),
			"report", db_col_int(st, 6) ? json_string(arena_printf(r->arena, "/api/permits/library/%" PRId64
									       "/report.pdf", id)) : json_null()));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return permits_db_error(r);
	}
	bool more = json_array_size(items) > 20;
	if (more)
		json_array_remove(items, 20);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:b}", "items", items, "page", (int)page, "more", (int)more));
}

/* GET /api/permits/library/{id}/report.pdf: only where the researcher agreed. */
int permits_library_report(struct req *r)
{
	char *end;
	long long id = strtoll(req_param(r, "id"), &end, 10);
	const char *sha = NULL;
	if (!*end && id >= 1) {
		struct db_stmt *st = db_query(r->db, "SELECT report_sha FROM permit_library WHERE permit_id = ? "
						     "AND report_sha IS NOT NULL", "i", (int64_t)id);
		if (!st)
			return permits_db_error(r);
		if (db_step(st) == DB_ROW)
			sha = arena_strdup(r->arena, db_col_text(st, 0));
		db_done(st);
	}
	if (!sha)
		return reply_error(r, 404, "not_found", "no published report has this number", NULL);
	if (files_reply(r, sha, "application/pdf") != 0) {
		log_error("report unreadable", LOG_F("module", "permits"), LOG_F("sha256", sha));
		return reply_error(r, 500, "internal", "the report could not be read", NULL);
	}
	/* The researcher may withdraw the report from the library: caches
	 * revalidate rather than keep serving it. */
	reply_header(r, "Cache-Control", "public, no-cache");
	return 0;
}

/* [{key, count}] of a grouping query, most first. */
static json_t *counts(struct req *r, const char *sql, const char *from, const char *to)
{
	struct db_stmt *st = db_query(r->db, sql, "ss", from, to);
	if (!st)
		return NULL;
	json_t *a = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s?, s:I}", "key", db_col_is_null(st, 0) ? NULL : db_col_text(st, 0),
						   "count", (json_int_t)db_col_int(st, 1)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static bool day_ok(const char *s)
{
	int y, m, d;
	char tail;
	return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 &&
	       d >= 1 && d <= 31;
}

/* GET /api/permits/stats?from=&to= (local days; default this year):
 * submitted applications by month, institution, status, topic and
 * location; processing time (median, share decided on time). */
int permits_stats(struct req *r)
{
	char today[11];
	permits_today(r, today);
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	if ((from && !day_ok(from)) || (to && !day_ok(to)))
		return reply_error(r, 400, "invalid", "from and to are dates YYYY-MM-DD", from && !day_ok(from) ? "from" : "to");
	if (!from)
		from = arena_printf(r->arena, "%.4s-01-01", today);
	if (!to)
		to = arena_strdup(r->arena, today);
	struct case_ctx x;
	struct case_stats cs;
	permits_ctx(r, &x);
	json_t *month = counts(r, "SELECT substr(submitted_day, 1, 7), count(*) FROM permits WHERE case_id IS NOT NULL "
				  "AND submitted_day >= ? AND submitted_day <= ? GROUP BY 1 ORDER BY 1", from, to);
	json_t *inst = counts(r, "SELECT institution, count(*) FROM permits WHERE case_id IS NOT NULL AND submitted_day >= ? "
				 "AND submitted_day <= ? GROUP BY institution ORDER BY 2 DESC, 1 LIMIT 50", from, to);
	json_t *status = counts(r, "SELECT status, count(*) FROM permits WHERE case_id IS NOT NULL AND submitted_day >= ? "
				   "AND submitted_day <= ? GROUP BY status ORDER BY 2 DESC, 1", from, to);
	json_t *topic = counts(r, "SELECT topic, count(*) FROM permits WHERE case_id IS NOT NULL AND submitted_day >= ? "
				  "AND submitted_day <= ? GROUP BY topic ORDER BY 2 DESC, 1 LIMIT 50", from, to);
	json_t *loc = counts(r, "SELECT l.name, count(*) FROM permit_locations l JOIN permits p ON p.id = l.permit_id "
				"WHERE p.case_id IS NOT NULL AND p.submitted_day >= ? AND p.submitted_day <= ? GROUP BY l.name "
				"ORDER BY 2 DESC, 1 LIMIT 50", from, to);
	int rc = month && inst && status && topic && loc ? case_stats(&x, &permit_type, from, to, &cs) : -1;
	if (rc != 0) {
		json_decref(month);
		json_decref(inst);
		json_decref(status);
		json_decref(topic);
		json_decref(loc);
		return permits_db_error(r);
	}
	json_t *processing = json_pack("{s:I, s:I, s:o, s:o}", "decided", (json_int_t)cs.answered, "on_time",
				       (json_int_t)cs.answered_on_time, "on_time_share",
				       cs.answered ? json_real((double)cs.answered_on_time / (double)cs.answered) : json_null(),
				       "median_hours", cs.median_answer_secs >= 0 ? json_real(cs.median_answer_secs / 3600.0)
										  : json_null());
	struct case_config cfg;
	int service_days = 0;
	if (case_config_load(&x, &permit_type, &cfg) == 0)
		for (int i = 0; permit_type.states[i].name; i++)
			service_days += permit_type.states[i].days > 0 ? cfg.days[i] : 0;
	json_t *body = json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:O, s:o, s:o, s:o}", "from", from, "to", to,
				 "service_days", service_days, "by_month", month,
				 "by_institution", inst, "by_applicant_status", status, "by_state", cs.by_state,
				 "by_topic", topic, "by_location", loc, "processing", processing);
	case_stats_free(&cs);
	return reply_json(r, 200, body);
}

json_t *permits_overview(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	struct case_stats cs;
	char today[11], from[11];
	int64_t open = 0, overdue = 0, submitted = 0;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	case_day_text(x.now, today);
	snprintf(from, sizeof(from), "%.4s-01-01", today);
	if (case_count(&x, &permit_type, &(struct case_filter){ .status = "open" }, &open) != 0 ||
	    case_count(&x, &permit_type, &(struct case_filter){ .status = "open", .overdue = true }, &overdue) != 0 ||
	    case_stats(&x, &permit_type, from, today, &cs) != 0)
		return NULL;
	size_t i;
	json_t *row;
	json_array_foreach(cs.by_state, i, row)
		submitted += json_integer_value(json_object_get(row, "count"));
	json_t *out = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:I, s:I}", "from", from, "to", today,
		"submitted", (json_int_t)submitted, "decided", (json_int_t)cs.answered,
		"on_time_share", cs.answered ? json_real((double)cs.answered_on_time / (double)cs.answered) : json_null(),
		"median_hours", cs.median_answer_secs >= 0 ? json_real(cs.median_answer_secs / 3600.0) : json_null(),
		"open", (json_int_t)open, "overdue", (json_int_t)overdue);
	case_stats_free(&cs);
	return out;
}
