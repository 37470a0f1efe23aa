/* report.c - what the survey tells: a unit's figures per period and
 * service with their trend, the ranking of units, the CSV export, the
 * comments for the unit's staff (never with who wrote them), and what the
 * unit writes itself: its follow-up plan and its own wording of the
 * questions.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "strbuf.h"
#include "util.h"

#define TREND_PERIODS 6
#define COMMENTS_MAX 500

/* The period before p, of the same kind, into out. */
static void period_prev(const char *p, char out[24])
{
	int year = atoi(p);
	size_t n = strlen(p);
	if (n == 4) {
		snprintf(out, 24, "%04d", year - 1);
	} else if (p[5] == 'S' || p[5] == 'Q') {
		int k = p[6] - '0', last = p[5] == 'S' ? 2 : 4;
		if (k > 1)
			snprintf(out, 24, "%04d-%c%d", year, p[5], k - 1);
		else
			snprintf(out, 24, "%04d-%c%d", year - 1, p[5], last);
	} else {
		int m = atoi(p + 5);
		if (m > 1)
			snprintf(out, 24, "%04d-%02d", year, m - 1);
		else
			snprintf(out, 24, "%04d-12", year - 1);
	}
}

static json_t *trend_json(struct req *r, int64_t unit_id, const char *period)
{
	char p[TREND_PERIODS][24];
	snprintf(p[TREND_PERIODS - 1], 24, "%s", period);
	for (int i = TREND_PERIODS - 1; i > 0; i--)
		period_prev(p[i], p[i - 1]);
	json_t *out = json_array();
	for (int i = 0; i < TREND_PERIODS; i++) {
		struct survey_result res;
		if (survey_unit_result(r->db, unit_id, NULL, p[i], &res) != 0) {
			json_decref(out);
			return NULL;
		}
		char grade[2] = { res.grade, 0 };
		json_array_append_new(out, json_pack("{s:s, s:I, s:o, s:o}", "period", p[i],
			"respondents", (json_int_t)res.respondents,
			"ikm", res.ikm100 < 0 ? json_null() : json_real(res.ikm100 / 100.0),
			"grade", res.grade ? json_string(grade) : json_null()));
	}
	return out;
}

static json_t *followup_json(struct req *r, int64_t unit_id, const char *period, int *rc_out)
{
	struct db_stmt *st = db_query(r->db, "SELECT plan, updated_at FROM survey_followups WHERE unit_id = ? AND period = ?",
				      "is", unit_id, period);
	int rc = st ? db_step(st) : DB_ERROR;
	json_t *out = json_null();
	if (rc == DB_ROW) {
		char at[24];
		time_iso((time_t)db_col_int(st, 1), at);
		out = json_pack("{s:s, s:s}", "plan", db_col_text(st, 0), "updated_at", at);
	}
	db_done(st);
	*rc_out = rc;
	return out;
}

/* GET /api/survey/units/{unit}?period=: the unit's figures, per service,
 * the trend over the periods before, and its follow-up plan. */
int survey_unit_get(struct req *r)
{
	struct survey_unit u;
	char from[11], to[11];
	const char *period;
	if (survey_path_unit(r, &u) || !(period = survey_query_period(r, from, to)))
		return 0;
	struct survey_result all;
	json_t *services = survey_unit_result(r->db, u.id, NULL, period, &all) == 0 ? survey_services_json(r, u.id) : NULL;
	json_t *trend = services ? trend_json(r, u.id, period) : NULL;
	if (!trend) {
		json_decref(services);
		return reply_db_error(r);
	}
	size_t i;
	json_t *s;
	json_array_foreach(services, i, s) {
		struct survey_result res;
		if (survey_unit_result(r->db, u.id, json_string_value(json_object_get(s, "code")), period, &res) != 0) {
			json_decref(services);
			json_decref(trend);
			return reply_db_error(r);
		}
		json_object_set_new(s, "result", survey_result_json(&res));
	}
	int rc;
	json_t *followup = followup_json(r, u.id, period, &rc);
	if (rc < 0) {
		json_decref(services);
		json_decref(trend);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "unit", "code", u.code,
					    "name", u.name, "period", period, "from", from, "to", to,
					    "result", survey_result_json(&all), "services", services, "trend", trend,
					    "followup", followup));
}

static int ranked_cmp(const void *a, const void *b)
{
	const struct survey_unit_figures *x = a, *y = b;
	if (x->result.ikm100 != y->result.ikm100)
		return x->result.ikm100 < y->result.ikm100 ? 1 : -1;
	if (x->result.respondents != y->result.respondents)
		return x->result.respondents < y->result.respondents ? 1 : -1;
	return strcmp(x->code, y->code);
}

int survey_units_result(struct db_conn *c, struct arena *a, const char *period, struct survey_unit_figures **out,
			size_t *n)
{
	char from[11], to[11];
	*out = NULL;
	*n = 0;
	if (survey_period_days(period, from, to) != 0)
		return -1;
	struct db_stmt *st = db_query(c, "SELECT u.code, u.name, sum(d.n), sum(d.offers), sum(d.s1), sum(d.s2),"
					 " sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9),"
					 " sum(d.tsq) FROM survey_daily d JOIN org_units u ON u.id = d.unit_id"
					 " WHERE d.day BETWEEN ? AND ? GROUP BY u.code, u.name HAVING sum(d.n) > 0",
				      "ss", from, to);
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct survey_unit_figures *it = ARENA_PUSH(a, *out, *n, cap);
		if (!it)
			break;
		struct survey_sums s = { .n = db_col_int(st, 2), .total_sq = db_col_int(st, 13) };
		for (int e = 0; e < SURVEY_ELEMENTS; e++)
			s.element[e] = db_col_int(st, 4 + e);
		it->code = arena_strdup(a, db_col_text(st, 0));
		it->name = arena_strdup(a, db_col_text(st, 1));
		survey_compute(&s, db_col_int(st, 3), &it->result);
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	if (*n)
		qsort(*out, *n, sizeof(**out), ranked_cmp);
	return 0;
}

/* GET /api/survey/ranking?period=: every unit with responses, best IKM first. */
int survey_ranking(struct req *r)
{
	char from[11], to[11];
	const char *period = survey_query_period(r, from, to);
	if (!period)
		return 0;
	struct survey_unit_figures *items;
	size_t n;
	if (survey_units_result(r->db, r->arena, period, &items, &n) != 0)
		return reply_db_error(r);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *res = survey_result_json(&items[i].result);
		json_object_set_new(res, "rank", json_integer((json_int_t)i + 1));
		json_object_set_new(res, "unit", json_pack("{s:s, s:s}", "code", items[i].code, "name", items[i].name));
		json_array_append_new(out, res);
	}
	return reply_json(r, 200, json_pack("{s:s, s:o}", "period", period, "items", out));
}

static void csv_row(struct strbuf *sb, const char *period, const struct survey_unit *u, const char *service,
		    const char *service_name, const struct survey_result *res)
{
	strbuf_add_csv(sb, period, true);
	strbuf_addch(sb, ',');
	strbuf_add_csv(sb, u->code, true);
	strbuf_addch(sb, ',');
	strbuf_add_csv(sb, u->name, true);
	strbuf_addch(sb, ',');
	strbuf_add_csv(sb, service, true);
	strbuf_addch(sb, ',');
	strbuf_add_csv(sb, service_name, true);
	strbuf_addf(sb, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s", res->respondents, res->transactions,
		    res->sample_needed, res->representative ? "ya" : "belum");
	for (int e = 0; e < SURVEY_ELEMENTS; e++) {
		if (res->nrr1000[e] < 0)
			strbuf_addch(sb, ',');
		else
			strbuf_addf(sb, ",%d.%03d", res->nrr1000[e] / 1000, res->nrr1000[e] % 1000);
	}
	if (res->ikm100 < 0)
		strbuf_addstr(sb, ",,,,");
	else
		strbuf_addf(sb, ",%d.%02d,%c", res->ikm100 / 100, res->ikm100 % 100, res->grade);
	if (res->ikm100 >= 0 && res->ci_low100 >= 0)
		strbuf_addf(sb, ",%d.%02d,%d.%02d", res->ci_low100 / 100, res->ci_low100 % 100, res->ci_high100 / 100,
			    res->ci_high100 % 100);
	else if (res->ikm100 >= 0)
		strbuf_addstr(sb, ",,");
	strbuf_addstr(sb, "\r\n");
}

/* GET /api/survey/units/{unit}/report.csv?period=: one row for the unit
 * and one per service. */
int survey_report_csv(struct req *r)
{
	struct survey_unit u;
	char from[11], to[11];
	const char *period;
	if (survey_path_unit(r, &u) || !(period = survey_query_period(r, from, to)))
		return 0;
	struct survey_result res;
	json_t *services = survey_unit_result(r->db, u.id, NULL, period, &res) == 0 ? survey_services_json(r, u.id) : NULL;
	if (!services)
		return reply_db_error(r);
	struct strbuf sb;
	strbuf_init(&sb, r->arena, 4096);
	strbuf_addstr(&sb, "periode,kode_unit,nama_unit,kode_layanan,nama_layanan,responden,transaksi,sampel_minimal,"
			   "representatif");
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		strbuf_addf(&sb, ",nrr_%s", survey_elements[e].key);
	strbuf_addstr(&sb, ",ikm,mutu,ci95_bawah,ci95_atas\r\n");
	csv_row(&sb, period, &u, "", "Semua layanan", &res);
	size_t i;
	json_t *s;
	json_array_foreach(services, i, s) {
		const char *code = json_string_value(json_object_get(s, "code"));
		if (survey_unit_result(r->db, u.id, code, period, &res) != 0) {
			json_decref(services);
			return reply_db_error(r);
		}
		csv_row(&sb, period, &u, code, json_string_value(json_object_get(s, "name")), &res);
	}
	json_decref(services);
	if (sb.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"ikm-%s-%s.csv\"", u.code, period));
	return reply_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
}

/* GET /api/survey/units/{unit}/comments?period=: what respondents wrote,
 * newest first, with the day and service only. */
int survey_comments(struct req *r)
{
	struct survey_unit u;
	char from[11], to[11];
	const char *period;
	long limit;
	if (survey_path_unit_staff(r, &u) || !(period = survey_query_period(r, from, to)) ||
	    req_query_int(r, "limit", 100, 1, COMMENTS_MAX, &limit))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT x.day, x.service, coalesce(s.name, ''), x.comment"
					     " FROM survey_responses x LEFT JOIN survey_services s"
					     " ON s.unit_id = x.unit_id AND s.code = x.service"
					     " WHERE x.unit_id = ? AND x.day BETWEEN ? AND ? AND x.comment IS NOT NULL"
					     " ORDER BY x.day DESC, x.id DESC LIMIT ?", "issi", u.id, from, to, (int64_t)limit);
	if (!st)
		return reply_db_error(r);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "day", db_col_text(st, 0), "service",
						       db_col_text(st, 1), "service_name", db_col_text(st, 2),
						       "comment", db_col_text(st, 3)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "unit", u.code, "period", period, "items", items));
}

static bool text_ok(const char *s)
{
	bool seen = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return false;
		if (*p > ' ')
			seen = true;
	}
	return seen;
}

/* PUT /api/survey/units/{unit}/followup {period, plan}: the unit's plan to
 * act on its weakest elements, printed in the report. */
int survey_followup_put(struct req *r)
{
	struct survey_unit u;
	char from[11], to[11];
	if (survey_path_unit_staff(r, &u))
		return 0;
	const char *period = body_str(r, "period"), *plan = body_str(r, "plan");
	if (survey_period_days(period, from, to) != 0)
		return reply_error_lang(r, 400, "invalid", "period must be YYYY, YYYY-S1, YYYY-Q1 or YYYY-MM",
					"Periode harus berbentuk TTTT, TTTT-S1, TTTT-Q1 atau TTTT-BB.", "period");
	if (!text_ok(plan))
		return reply_error(r, 400, "invalid", "plan must be text", "plan");
	if (db_exec(r->db, "INSERT INTO survey_followups (unit_id, period, plan, updated_by, updated_at)"
			   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_id, period) DO UPDATE SET plan = excluded.plan,"
			   " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
		    "issii", u.id, period, plan, r->caller.user_id, (int64_t)app_now(r->app)) != DB_DONE)
		return reply_db_error(r);
	json_t *d = json_pack("{s:s}", "period", period);
	int rc = audit_append(r->db, &r->caller, "survey.followup", arena_printf(r->arena, "unit:%s", u.code), d);
	json_decref(d);
	if (rc != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "unit", u.code, "period", period, "plan", plan));
}

/* PUT /api/survey/units/{unit}/wording {service?, element, question,
 * question_en?}: the unit's wording of one question (null: back to the
 * regulation's).  The answers and their scale stay as they are. */
int survey_wording_put(struct req *r)
{
	struct survey_unit u;
	if (survey_path_unit_staff(r, &u))
		return 0;
	json_int_t element = json_integer_value(json_object_get(r->body, "element"));
	const char *service = body_str(r, "service"), *question = body_str(r, "question"),
		   *question_en = body_str(r, "question_en");
	if (element < 1 || element > SURVEY_ELEMENTS)
		return reply_error_lang(r, 400, "invalid", "element must be 1 to 9", "Unsur harus 1 sampai 9.", "element");
	if (question && !text_ok(question))
		return reply_error(r, 400, "invalid", "question must be text", "question");
	if (question_en && (!question || !text_ok(question_en)))
		return reply_error(r, 400, "invalid", "question_en must be text, given with question", "question_en");
	if (service && *service) {
		int64_t known = 0;
		if (db_query_int(r->db, &known, "SELECT count(*) FROM survey_services WHERE unit_id = ? AND code = ?",
				 "is", u.id, service) != DB_ROW)
			return reply_db_error(r);
		if (!known)
			return reply_error(r, 400, "invalid", "service is not a service of this unit", "service");
	}
	int rc = question
		? db_exec(r->db, "INSERT INTO survey_wording (unit_id, service, element, text_id, text_en, updated_at)"
				 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, service, element) DO UPDATE SET"
				 " text_id = excluded.text_id, text_en = excluded.text_en, updated_at = excluded.updated_at",
			  "isissi", u.id, service ? service : "", (int64_t)element, question, question_en,
			  (int64_t)app_now(r->app))
		: db_exec(r->db, "DELETE FROM survey_wording WHERE unit_id = ? AND service = ? AND element = ?", "isi",
			  u.id, service ? service : "", (int64_t)element);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *d = json_pack("{s:s, s:I}", "service", service ? service : "", "element", (json_int_t)element);
	rc = audit_append(r->db, &r->caller, "survey.wording", arena_printf(r->arena, "unit:%s", u.code), d);
	json_decref(d);
	if (rc != 0)
		return reply_db_error(r);
	json_t *questions = survey_questions(r, u.id, service ? service : "");
	if (!questions)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "unit", u.code, "service", service ? service : "",
					    "questions", questions));
}
