/* survey.c - the survey module: the nine elements' wording, the helpers
 * its handlers share, the figures read from the daily sums, the tables,
 * the periodic work and the route table.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "orgs.h"
#include "strbuf.h"

/* ---- the questionnaire -------------------------------------------------------------- */

/* The regulation's sample questions (PermenPANRB 14/2017, specs §7), in
 * its order; answers score 1 to 4 as listed.  A unit may word a question
 * for its service (survey_wording), never the scale. */
const struct survey_element survey_elements[SURVEY_ELEMENTS] = {
	{ "persyaratan", "Persyaratan", "Requirements",
	  "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
	  "How well did the requirements for the service suit the kind of service?",
	  { "Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai" },
	  { "Not suitable", "Somewhat unsuitable", "Suitable", "Very suitable" } },
	{ "prosedur", "Prosedur", "Procedure",
	  "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
	  "How easy was the service procedure of this unit?",
	  { "Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah" },
	  { "Not easy", "Somewhat difficult", "Easy", "Very easy" } },
	{ "waktu", "Waktu pelayanan", "Service time",
	  "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
	  "How fast was the service?",
	  { "Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat" },
	  { "Not fast", "Somewhat slow", "Fast", "Very fast" } },
	{ "biaya", "Biaya/tarif", "Cost",
	  "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
	  "How fair was the fee for the service?",
	  { "Sangat mahal", "Cukup mahal", "Murah", "Gratis" },
	  { "Very expensive", "Rather expensive", "Cheap", "Free" } },
	{ "produk", "Produk layanan", "Service product",
	  "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
	  "pelayanan dengan hasil yang diberikan?",
	  "How well did the result match what the service standard promises?",
	  { "Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai" },
	  { "Not matching", "Somewhat matching", "Matching", "Fully matching" } },
	{ "kompetensi", "Kompetensi pelaksana", "Staff competence",
	  "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
	  "How competent were the staff who served you?",
	  { "Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten" },
	  { "Not competent", "Somewhat competent", "Competent", "Very competent" } },
	{ "perilaku", "Perilaku pelaksana", "Staff behaviour",
	  "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
	  "How courteous and friendly were the staff?",
	  { "Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah" },
	  { "Not courteous or friendly", "Somewhat courteous and friendly", "Courteous and friendly",
	    "Very courteous and friendly" } },
	{ "pengaduan", "Penanganan pengaduan", "Complaint handling",
	  "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
	  "How are complaints from service users handled?",
	  { "Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik" },
	  { "There is none", "Exists but does not work", "Works, not fully", "Well managed" } },
	{ "sarana", "Sarana dan prasarana", "Facilities",
	  "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
	  "How good are the facilities?",
	  { "Buruk", "Cukup", "Baik", "Sangat baik" },
	  { "Poor", "Fair", "Good", "Very good" } },
};

json_t *survey_questions(struct req *r, int64_t unit_id, const char *service)
{
	const char *own_id[SURVEY_ELEMENTS] = { 0 }, *own_en[SURVEY_ELEMENTS] = { 0 };
	/* The service's own wording first, then the unit's general one. */
	struct db_stmt *st = db_query(r->db, "SELECT element, text_id, text_en FROM survey_wording"
					     " WHERE unit_id = ? AND (service = ? OR service = '') ORDER BY service",
				      "is", unit_id, service ? service : "");
	if (!st)
		return NULL;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t e = db_col_int(st, 0) - 1;
		if (e < 0 || e >= SURVEY_ELEMENTS)
			continue;
		own_id[e] = arena_strdup(r->arena, db_col_text(st, 1));
		own_en[e] = db_col_text(st, 2) ? arena_strdup(r->arena, db_col_text(st, 2)) : NULL;
	}
	db_done(st);
	if (rc != DB_DONE)
		return NULL;
	json_t *out = json_array();
	for (int e = 0; e < SURVEY_ELEMENTS; e++) {
		const struct survey_element *el = &survey_elements[e];
		json_t *opts = json_array();
		for (int o = 0; o < 4; o++)
			json_array_append_new(opts, json_pack("{s:i, s:s, s:s}", "value", o + 1, "id", el->option_id[o],
							      "en", el->option_en[o]));
		json_array_append_new(out, json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:o}", "field",
			arena_printf(r->arena, "q%d", e + 1), "key", el->key, "name", "id", el->name_id, "en", el->name_en,
			"question", "id", own_id[e] ? own_id[e] : el->question_id,
			"en", own_id[e] ? (own_en[e] ? own_en[e] : own_id[e]) : el->question_en, "options", opts));
	}
	return out;
}

json_t *survey_services_json(struct req *r, int64_t unit_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT code, name FROM survey_services WHERE unit_id = ? ORDER BY name",
				      "i", unit_id);
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(out, json_pack("{s:s, s:s}", "code", db_col_text(st, 0), "name", db_col_text(st, 1)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* ---- helpers -------------------------------------------------------------------------- */

const struct action survey_staff = { "survey.staff", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE,
				     .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };

void survey_day(time_t t, char out[11])
{
	time_t local = t + 7 * 3600;	/* WIB, UTC+7, no daylight saving */
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int survey_path_unit(struct req *r, struct survey_unit *u)
{
	const char *code = req_param(r, "unit");
	int rc = orgs_id_by_code(r->db, code, &u->id);
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no unit has this code", NULL), -1;
	if (rc != 0 || orgs_code_name(r->db, r->arena, u->id, &u->code, &u->name) != 0)
		return reply_db_error(r), -1;
	return 0;
}

int survey_path_unit_staff(struct req *r, struct survey_unit *u)
{
	if (survey_path_unit(r, u))
		return -1;
	if (!can(&r->caller, &survey_staff, &(struct object){ .unit_id = u->id }))
		return reply_error(r, 403, "forbidden", "only the unit's staff may do this", NULL), -1;
	return 0;
}

const char *survey_query_period(struct req *r, char from[11], char to[11])
{
	const char *p = req_query(r, "period");
	if (!p) {
		char day[11];
		survey_day(app_now(r->app), day);
		p = arena_printf(r->arena, "%.4s-S%c", day, day[5] == '0' && day[6] < '7' ? '1' : '2');
	}
	if (strlen(p) > 7 || survey_period_days(p, from, to) != 0) {
		reply_error_lang(r, 400, "invalid", "period must be YYYY, YYYY-S1, YYYY-Q1 or YYYY-MM",
				 "Periode harus berbentuk TTTT, TTTT-S1, TTTT-Q1 atau TTTT-BB.", "period");
		return NULL;
	}
	return p;
}

int survey_sums_read(struct db_conn *c, int64_t unit_id, const char *service, const char *from, const char *to,
		     struct survey_sums *s, int64_t *offers)
{
	memset(s, 0, sizeof(*s));
	*offers = 0;
	struct db_stmt *st = db_query(c, "SELECT coalesce(sum(n), 0), coalesce(sum(offers), 0), coalesce(sum(s1), 0),"
					 " coalesce(sum(s2), 0), coalesce(sum(s3), 0), coalesce(sum(s4), 0),"
					 " coalesce(sum(s5), 0), coalesce(sum(s6), 0), coalesce(sum(s7), 0),"
					 " coalesce(sum(s8), 0), coalesce(sum(s9), 0), coalesce(sum(tsq), 0)"
					 " FROM survey_daily WHERE unit_id = ? AND (? = 0 OR service = ?)"
					 " AND day BETWEEN ? AND ?",
				      "iisss", unit_id, (int64_t)(service != NULL), service ? service : "", from, to);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		s->n = db_col_int(st, 0);
		*offers = db_col_int(st, 1);
		for (int e = 0; e < SURVEY_ELEMENTS; e++)
			s->element[e] = db_col_int(st, 2 + e);
		s->total_sq = db_col_int(st, 11);
	}
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

int survey_unit_result(struct db_conn *c, int64_t unit_id, const char *service, const char *period,
		       struct survey_result *out)
{
	char from[11], to[11];
	struct survey_sums s;
	int64_t offers;
	if (survey_period_days(period, from, to) != 0 || survey_sums_read(c, unit_id, service, from, to, &s, &offers) != 0)
		return -1;
	survey_compute(&s, offers, out);
	return 0;
}

static json_t *hundredths(int v)
{
	return v < 0 ? json_null() : json_real(v / 100.0);
}

json_t *survey_result_json(const struct survey_result *res)
{
	json_t *elements = json_array(), *weakest = json_array();
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		json_array_append_new(elements, json_pack("{s:s, s:s, s:s, s:o}", "key", survey_elements[e].key,
			"name", survey_elements[e].name_id, "name_en", survey_elements[e].name_en,
			"nrr", res->nrr1000[e] < 0 ? json_null() : json_real(res->nrr1000[e] / 1000.0)));
	for (int i = 0; i < res->nweakest; i++)
		json_array_append_new(weakest, json_string(survey_elements[res->weakest[i]].key));
	char grade[2] = { res->grade, 0 };
	return json_pack("{s:I, s:I, s:I, s:b, s:o, s:o, s:o, s:o, s:o, s:o}",
		"respondents", (json_int_t)res->respondents, "transactions", (json_int_t)res->transactions,
		"sample_needed", (json_int_t)res->sample_needed, "representative", res->representative,
		"ikm", hundredths(res->ikm100), "grade", res->grade ? json_string(grade) : json_null(),
		"grade_name", res->grade ? json_string(survey_grade_name(res->grade)) : json_null(),
		"ci95", res->ci_low100 < 0 ? json_null() : json_pack("{s:o, s:o}", "low", hundredths(res->ci_low100),
								      "high", hundredths(res->ci_high100)),
		"elements", elements, "weakest", weakest);
}

/* ---- periodic work ----------------------------------------------------------------------- */

static void survey_tick(struct app *app)
{
	/* Kiosk rate buckets older than an hour count nothing any more. */
	struct db_conn *c = db_acquire(app->db);
	if (db_tx_begin(c) != DB_OK ||
	    db_exec(c, "DELETE FROM survey_rate WHERE window_start < ?", "i", (int64_t)app_now(app) - 3600) != DB_DONE ||
	    db_tx_commit(c) != DB_OK) {
		db_tx_rollback(c);
		log_error("kiosk limits not pruned", LOG_F("module", "survey"), LOG_F("error", db_errmsg(c)));
	}
	db_release(app->db, c);
	survey_publish(app);
}

/* ---- routes ------------------------------------------------------------------------------ */

#define ANSWER_FIELDS \
	{ "q1", FT_INT, FF_REQUIRED, 0 }, { "q2", FT_INT, FF_REQUIRED, 0 }, { "q3", FT_INT, FF_REQUIRED, 0 }, \
	{ "q4", FT_INT, FF_REQUIRED, 0 }, { "q5", FT_INT, FF_REQUIRED, 0 }, { "q6", FT_INT, FF_REQUIRED, 0 }, \
	{ "q7", FT_INT, FF_REQUIRED, 0 }, { "q8", FT_INT, FF_REQUIRED, 0 }, { "q9", FT_INT, FF_REQUIRED, 0 }, \
	{ "age_group", FT_STRING, FF_NULLABLE, 8 }, { "sex", FT_STRING, FF_NULLABLE, 1 }, \
	{ "education", FT_STRING, FF_NULLABLE, 8 }, { "occupation", FT_STRING, FF_NULLABLE, 10 }, \
	{ "comment", FT_STRING, FF_NULLABLE, SURVEY_COMMENT_MAX }

static const struct field link_fields[] = { ANSWER_FIELDS, { 0 } };

static const struct field kiosk_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, 24 },
	{ "service", FT_STRING, FF_NULLABLE, SURVEY_SERVICE_MAX },
	ANSWER_FIELDS,
	{ 0 },
};

static const struct field codes_fields[] = {
	{ "count", FT_INT, FF_REQUIRED, 0 },
	{ "service", FT_STRING, FF_NULLABLE, SURVEY_SERVICE_MAX },
	{ 0 },
};

static const struct field followup_fields[] = {
	{ "period", FT_STRING, FF_REQUIRED, 7 },
	{ "plan", FT_STRING, FF_REQUIRED, SURVEY_PLAN_MAX },
	{ 0 },
};

static const struct field wording_fields[] = {
	{ "service", FT_STRING, FF_NULLABLE, SURVEY_SERVICE_MAX },
	{ "element", FT_INT, FF_REQUIRED, 0 },
	{ "question", FT_STRING, FF_NULLABLE, SURVEY_WORDING_MAX },
	{ "question_en", FT_STRING, FF_NULLABLE, SURVEY_WORDING_MAX },
	{ 0 },
};

#define STAFF (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_ADMIN | ROLE_REGENT_OFFICE)
#define WRITERS (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_ADMIN)

static const struct route survey_routes[] = {
	{ "GET", "/api/survey/links/{token}", survey_link_get, ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "POST", "/api/survey/links/{token}", survey_link_submit, ROLE_PUBLIC, link_fields, RF_SECRET_PATH | RF_SUBMIT },
	{ "GET", "/api/survey/kiosk/{unit}", survey_kiosk_get, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/survey/kiosk/{unit}", survey_kiosk_submit, ROLE_PUBLIC, kiosk_fields, 0 },
	{ "GET", "/api/survey/ranking", survey_ranking, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/survey/units/{unit}", survey_unit_get, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/survey/units/{unit}/report.csv", survey_report_csv, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/survey/units/{unit}/report.pdf", survey_report_pdf, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/survey/units/{unit}/comments", survey_comments, STAFF, NULL, 0 },
	{ "POST", "/api/survey/units/{unit}/codes", survey_codes_create, WRITERS, codes_fields, 0 },
	{ "PUT", "/api/survey/units/{unit}/followup", survey_followup_put, WRITERS, followup_fields, 0 },
	{ "PUT", "/api/survey/units/{unit}/wording", survey_wording_put, WRITERS, wording_fields, 0 },
	{ 0 },
};

/* ---- schema -------------------------------------------------------------------------------- */

#define Q(n) " q" #n " INTEGER NOT NULL CHECK (q" #n " BETWEEN 1 AND 4),"
#define S(n, BIG) " s" #n " " BIG " NOT NULL DEFAULT 0,"

/* One text for both dialects: ID is the key column, BIG a 64-bit integer.
 * Times are epoch seconds; days are local (WIB) dates YYYY-MM-DD. */
#define SURVEY_SCHEMA(ID, BIG) \
	"CREATE TABLE survey_services (unit_id " BIG " NOT NULL REFERENCES org_units (id), code TEXT NOT NULL," \
	" name TEXT NOT NULL, PRIMARY KEY (unit_id, code));" \
	/* One offer per transaction of a service; its link's token hashed. */ \
	"CREATE TABLE survey_offers (" ID ", unit_id " BIG " NOT NULL REFERENCES org_units (id)," \
	" source TEXT NOT NULL, service TEXT NOT NULL, ref TEXT NOT NULL," \
	" user_id " BIG " REFERENCES users (id) ON DELETE SET NULL, token_hash TEXT NOT NULL UNIQUE," \
	" day TEXT NOT NULL, created_at " BIG " NOT NULL, answered_at " BIG ", UNIQUE (source, ref));" \
	"CREATE INDEX survey_offers_ref ON survey_offers (ref, unit_id);" \
	"CREATE TABLE survey_codes (" ID ", unit_id " BIG " NOT NULL REFERENCES org_units (id), service TEXT," \
	" code_hash TEXT NOT NULL UNIQUE, created_by " BIG " REFERENCES users (id) ON DELETE SET NULL," \
	" created_at " BIG " NOT NULL, used_at " BIG ");" \
	/* One response per offer and per code, whatever the code does. */ \
	"CREATE TABLE survey_responses (" ID ", unit_id " BIG " NOT NULL REFERENCES org_units (id)," \
	" service TEXT NOT NULL, day TEXT NOT NULL, offer_id " BIG " REFERENCES survey_offers (id)," \
	" code_id " BIG " REFERENCES survey_codes (id)," \
	" channel TEXT NOT NULL CHECK (channel IN ('link', 'kiosk'))," \
	Q(1) Q(2) Q(3) Q(4) Q(5) Q(6) Q(7) Q(8) Q(9) \
	" total INTEGER NOT NULL CHECK (total BETWEEN 9 AND 36), age_group TEXT, sex TEXT, education TEXT," \
	" occupation TEXT, comment TEXT, created_at " BIG " NOT NULL," \
	" CHECK (offer_id IS NOT NULL OR code_id IS NOT NULL));" \
	"CREATE UNIQUE INDEX survey_responses_offer ON survey_responses (offer_id) WHERE offer_id IS NOT NULL;" \
	"CREATE UNIQUE INDEX survey_responses_code ON survey_responses (code_id) WHERE code_id IS NOT NULL;" \
	"CREATE INDEX survey_responses_unit ON survey_responses (unit_id, day);" \
	/* Integer sums per unit, service and day, kept by every offer and \
	 * response in its own transaction: a year's figures read at most \
	 * 366 rows per service, however many responses. */ \
	"CREATE TABLE survey_daily (unit_id " BIG " NOT NULL REFERENCES org_units (id), service TEXT NOT NULL," \
	" day TEXT NOT NULL, offers " BIG " NOT NULL DEFAULT 0, n " BIG " NOT NULL DEFAULT 0," \
	S(1, BIG) S(2, BIG) S(3, BIG) S(4, BIG) S(5, BIG) S(6, BIG) S(7, BIG) S(8, BIG) S(9, BIG) \
	" tsq " BIG " NOT NULL DEFAULT 0, PRIMARY KEY (unit_id, service, day));" \
	"CREATE TABLE survey_wording (unit_id " BIG " NOT NULL REFERENCES org_units (id), service TEXT NOT NULL," \
	" element INTEGER NOT NULL CHECK (element BETWEEN 1 AND 9), text_id TEXT NOT NULL, text_en TEXT," \
	" updated_at " BIG " NOT NULL, PRIMARY KEY (unit_id, service, element));" \
	"CREATE TABLE survey_followups (unit_id " BIG " NOT NULL REFERENCES org_units (id), period TEXT NOT NULL," \
	" plan TEXT NOT NULL, updated_by " BIG " REFERENCES users (id) ON DELETE SET NULL," \
	" updated_at " BIG " NOT NULL, PRIMARY KEY (unit_id, period));" \
	"CREATE TABLE survey_rate (bucket TEXT PRIMARY KEY, window_start " BIG " NOT NULL, hits INTEGER NOT NULL);"

static const struct migration survey_migrations[] = {
	{ 1, "satisfaction survey: offers, kiosk codes, responses, daily sums, wording, follow-up plans",
	  SURVEY_SCHEMA("id INTEGER PRIMARY KEY", "INTEGER"),
	  SURVEY_SCHEMA("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 0 },
};

const struct module survey_module = {
	.name = "survey",
	.routes = survey_routes,
	.commands = survey_commands,
	.migrations = survey_migrations,
	.tick = survey_tick,
};
