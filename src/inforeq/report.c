/* report.c - the annual PPID report's figures (specs §10): requests
 * received, granted in full, in part, refused (by article 17 ground),
 * the average working days to answer, answers on time, objections and
 * their outcome, disputes at the Information Commission and theirs - per
 * agency and regency-wide, as JSON, CSV or a printable PDF (report_pdf.c);
 * the same figures for the Regent's dashboard and, refreshed hourly, in
 * Satu Data.
 */
#include "inforeq.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "data/data.h"
#include "holidays.h"
#include "log.h"
#include "orgs.h"
#include "strbuf.h"

#define PUBLISH_ID "inforeq.annual"
#define PUBLISH_INTERVAL_S 3600

static void count_row(struct inforeq_figures *f, struct db_stmt *st, const struct holidays *h, unsigned policy)
{
	const char *answer = db_col_is_null(st, 1) ? NULL : db_col_text(st, 1);
	f->received++;
	if (answer) {
		int32_t a, b;
		f->answered++;
		f->on_time += db_col_int(st, 4) == 0;
		if (date_parse(db_col_text(st, 3), &a) == 0 && date_parse(db_col_text(st, 5), &b) == 0)
			f->days_sum += workdays_between(h, a, b, policy);
		f->granted += strcmp(answer, "granted") == 0;
		f->granted_in_part += strcmp(answer, "granted_in_part") == 0;
		f->refused += strcmp(answer, "refused") == 0;
		const char *g = db_col_is_null(st, 2) ? NULL : db_col_text(st, 2);
		if (g && *g >= 'a' && *g <= 'j')
			f->by_ground[*g - 'a']++;
	}
	if (!db_col_is_null(st, 6)) {
		f->objections++;
		const char *d = db_col_is_null(st, 7) ? "" : db_col_text(st, 7);
		f->upheld += strcmp(d, "upheld") == 0;
		f->rejected += strcmp(d, "rejected") == 0;
	}
	if (!db_col_is_null(st, 8)) {
		const char *o = db_col_is_null(st, 9) ? "mediation_failed" : db_col_text(st, 9);
		f->disputes++;
		f->dsp_mediated += strcmp(o, "mediation_agreed") == 0;
		f->dsp_granted += strncmp(o, "adjudication_granted", 20) == 0;
		f->dsp_rejected += strcmp(o, "adjudication_rejected") == 0;
		f->dsp_ended += strcmp(o, "dismissed") == 0 || strcmp(o, "withdrawn") == 0;
	}
}

/* The year's figures by agency (out, *n, in a) and in total.  0, -1. */
static int figures_load(struct db_conn *c, struct arena *a, struct case_ctx *x, int year, int64_t agency,
			struct inforeq_figures **out, size_t *n, struct inforeq_figures *total)
{
	struct holidays h;
	struct case_config cfg;
	if (holidays_load(c, a, &h) != 0 || case_config_load(x, &inforeq_type, &cfg) != 0)
		return -1;
	char from[11], to[11];
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	struct db_stmt *st = db_query(c, "SELECT q.agency_id, q.answer, q.ground, q.received_day, q.answered_late,"
					 " q.answered_day, o.filed_day, o.decision, d.filed_day, d.outcome FROM inforeq_requests q"
					 " LEFT JOIN inforeq_objections o ON o.request_id = q.id"
					 " LEFT JOIN inforeq_disputes d ON d.request_id = q.id"
					 " WHERE q.received_day >= ? AND q.received_day <= ? AND (? = 0 OR q.agency_id = ?)"
					 " ORDER BY q.agency_id", "ssii", from, to, agency, agency);
	if (!st)
		return -1;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	memset(total, 0, sizeof(*total));
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		if (!*n || (*out)[*n - 1].agency_id != id) {
			struct inforeq_figures *f = ARENA_PUSH(a, *out, *n, cap);
			if (!f) {
				rc = DB_ERROR;
				break;
			}
			memset(f, 0, sizeof(*f));
			f->agency_id = id;
		}
		count_row(&(*out)[*n - 1], st, &h, cfg.policy);
		count_row(total, st, &h, cfg.policy);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

static json_t *figures_json(const struct inforeq_figures *f)
{
	json_t *grounds = json_object();
	for (int i = 0; i < 10; i++)
		if (f->by_ground[i]) {
			char letter[2] = { (char)('a' + i), '\0' };
			json_object_set_new(grounds, letter, json_integer(f->by_ground[i]));
		}
	int64_t settled = f->dsp_mediated + f->dsp_granted + f->dsp_rejected + f->dsp_ended;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:o, s:{s:I, s:I, s:I, s:I},"
			 " s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
		"received", (json_int_t)f->received, "answered", (json_int_t)f->answered, "granted", (json_int_t)f->granted,
		"granted_in_part", (json_int_t)f->granted_in_part, "refused", (json_int_t)f->refused,
		"refused_by_ground", grounds, "average_working_days",
		f->answered ? json_real((double)f->days_sum / (double)f->answered) : json_null(),
		"answered_on_time", (json_int_t)f->on_time,
		"on_time_share", f->answered ? json_real((double)f->on_time / (double)f->answered) : json_null(),
		"objections", "filed", (json_int_t)f->objections, "upheld", (json_int_t)f->upheld,
		"rejected", (json_int_t)f->rejected, "pending", (json_int_t)(f->objections - f->upheld - f->rejected),
		"disputes", "filed", (json_int_t)f->disputes, "mediation_agreed", (json_int_t)f->dsp_mediated,
		"adjudication_granted", (json_int_t)f->dsp_granted, "adjudication_rejected", (json_int_t)f->dsp_rejected,
		"dismissed_or_withdrawn", (json_int_t)f->dsp_ended, "pending", (json_int_t)(f->disputes - settled));
}

static void csv_row(struct strbuf *sb, const char *code, const char *name, const struct inforeq_figures *f)
{
	strbuf_add_csv(sb, code, true);
	strbuf_addch(sb, ',');
	strbuf_add_csv(sb, name, true);
	strbuf_addf(sb, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%.1f,%" PRId64 ",%" PRId64
		    ",%" PRId64 ",%" PRId64 "\r\n", f->received, f->granted, f->granted_in_part, f->refused, f->answered,
		    f->answered ? (double)f->days_sum / (double)f->answered : 0.0, f->objections, f->upheld, f->rejected,
		    f->disputes);
}

/* GET /api/inforeq/report?year=&agency=&format=json|csv|pdf */
int inforeq_report(struct req *r)
{
	struct case_ctx x;
	inforeq_ctx(r, &x);
	char today[11];
	case_day_text(x.now, today);
	long year;
	if (req_query_int(r, "year", atoi(today), 2000, 9999, &year) != 0)
		return 0;
	const char *agency = req_query(r, "agency"), *format = req_query(r, "format");
	if (format && *format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 && strcmp(format, "pdf") != 0)
		return reply_error(r, 400, "invalid", "format is json, csv or pdf", "format");
	int64_t agency_id = 0;
	if (agency && *agency) {
		int rc = orgs_id_by_code(r->db, agency, &agency_id);
		if (rc < 0)
			return reply_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", "agency: no agency has this code", "agency");
	}
	struct inforeq_figures *f, total;
	size_t n;
	if (figures_load(r->db, r->arena, &x, (int)year, agency_id, &f, &n, &total) != 0)
		return reply_db_error(r);
	if (format && strcmp(format, "pdf") == 0)
		return inforeq_report_pdf(r, &x, (int)year, agency_id, f, n, &total);
	bool csv = format && strcmp(format, "csv") == 0;
	struct strbuf sb;
	strbuf_init(&sb, r->arena, 512);
	strbuf_addstr(&sb, "kode,badan_publik,diterima,dikabulkan,dikabulkan_sebagian,ditolak,dijawab,"
			   "rata_hari_kerja,keberatan,keberatan_diterima,keberatan_ditolak,sengketa\r\n");
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *code = NULL, *name = NULL;
		if (case_unit(&x, f[i].agency_id, &code, &name) < 0) {
			json_decref(list);
			return reply_db_error(r);
		}
		csv_row(&sb, code, name, &f[i]);
		json_t *j = figures_json(&f[i]);
		json_object_set_new(j, "agency", json_pack("{s:s?, s:s?}", "code", code, "name", name));
		json_array_append_new(list, j);
	}
	if (csv) {
		json_decref(list);
		csv_row(&sb, "", "Jumlah", &total);
		reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"laporan-ppid-%ld.csv\"",
								    year));
		return reply_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
	}
	return reply_json(r, 200, json_pack("{s:i, s:s?, s:o, s:o}", "year", (int)year, "agency",
					    agency && *agency ? agency : NULL, "total", figures_json(&total),
					    "agencies", list));
}

json_t *inforeq_overview(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	char today[11];
	int64_t open = 0, overdue = 0;
	struct inforeq_figures *f, total;
	size_t n;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	case_day_text(x.now, today);
	if (case_count(&x, &inforeq_type, &(struct case_filter){ .status = "open" }, &open) != 0 ||
	    case_count(&x, &inforeq_type, &(struct case_filter){ .status = "open", .overdue = true }, &overdue) != 0 ||
	    figures_load(c, a, &x, atoi(today), 0, &f, &n, &total) != 0)
		return NULL;
	json_t *j = figures_json(&total);
	json_object_set_new(j, "from", json_string(arena_printf(a, "%.4s-01-01", today)));
	json_object_set_new(j, "to", json_string(today));
	json_object_set_new(j, "open", json_integer(open));
	json_object_set_new(j, "overdue", json_integer(overdue));
	return j;
}

static const char schema[] =
	"{\"fields\":["
	"{\"name\":\"tahun\",\"type\":\"year\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"badan_publik\",\"type\":\"string\",\"title\":\"Kode badan publik (PPID Pelaksana)\","
	"\"constraints\":{\"required\":true}},"
	"{\"name\":\"diterima\",\"type\":\"integer\",\"title\":\"Permohonan informasi diterima\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"dikabulkan\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"dikabulkan_sebagian\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"ditolak\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"dijawab_tepat_waktu\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"keberatan\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}}],"
	"\"primaryKey\":[\"tahun\",\"badan_publik\"]}";

static const char *const tags[] = { "ppid", "keterbukaan-informasi", "pelayanan-publik", NULL };

/* Rows of every year with requests, by agency. */
static json_t *annual_rows(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	int64_t first;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	char today[11];
	case_day_text(x.now, today);
	if (db_query_int(c, &first, "SELECT COALESCE(MIN(CAST(substr(received_day, 1, 4) AS INTEGER)), 0) "
				    "FROM inforeq_requests", "") != DB_ROW)
		return NULL;
	json_t *rows = json_array();
	for (int year = first ? (int)first : atoi(today) + 1; year <= atoi(today); year++) {
		struct inforeq_figures *f, total;
		size_t n;
		if (figures_load(c, a, &x, year, 0, &f, &n, &total) != 0) {
			json_decref(rows);
			return NULL;
		}
		for (size_t i = 0; i < n; i++) {
			const char *code, *name;
			if (case_unit(&x, f[i].agency_id, &code, &name) != 0) {
				json_decref(rows);
				return NULL;
			}
			json_array_append_new(rows, json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "tahun", year,
				"badan_publik", code, "diterima", (json_int_t)f[i].received, "dikabulkan",
				(json_int_t)f[i].granted, "dikabulkan_sebagian", (json_int_t)f[i].granted_in_part,
				"ditolak", (json_int_t)f[i].refused, "dijawab_tepat_waktu", (json_int_t)f[i].on_time,
				"keberatan", (json_int_t)f[i].objections));
		}
	}
	return rows;
}

void inforeq_report_publish(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	struct arena *a = arena_new(1 << 12);
	json_t *rows = NULL;
	struct case_ctx x;
	struct case_config cfg;
	const char *org = NULL, *name;
	if (!a || data_publish_claim(app, c, PUBLISH_ID, PUBLISH_INTERVAL_S) != 1)
		goto out;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	if (case_config_load(&x, &inforeq_type, &cfg) != 0 || !cfg.desk_unit_id ||
	    orgs_code_name(c, a, cfg.desk_unit_id, &org, &name) != 0) {
		log_warn("PPID report not published: no PPID Utama unit in the organisation register",
			 LOG_F("module", "inforeq"));
		goto out;
	}
	const struct data_publication pub = {
		.id = PUBLISH_ID,
		.name = "ppid-laporan-tahunan",
		.title = "Laporan layanan informasi publik (PPID) per tahun dan badan publik",
		.notes = "Jumlah permohonan informasi publik yang diterima setiap PPID Pelaksana, yang dikabulkan "
			 "seluruhnya, sebagian, ditolak, dijawab tepat waktu, dan keberatan yang diajukan (UU 14/2008). "
			 "Dihitung otomatis setiap jam.",
		.org = org,
		.by = "PPID (otomatis)",
		.frequency = "setiap jam",
		.concept = "Permohonan informasi publik kepada badan publik pemerintah kabupaten.",
		.unit = "permohonan",
		.region_level = "regency",
		.tags = tags,
		.resource = "Laporan PPID per tahun dan badan publik",
		.schema = schema,
		.period_field = "tahun",
		.note = "Pembaruan otomatis dari layanan PPID",
	};
	rows = annual_rows(app, c, a);
	if (!rows || db_tx_begin(c) != DB_OK) {
		log_error("PPID report for Satu Data not computed", LOG_F("module", "inforeq"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	int rc = data_publish_table(app, c, &pub, rows);
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		if (rc >= 0)
			log_error("PPID report for Satu Data not saved", LOG_F("module", "inforeq"), LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
out:
	json_decref(rows);
	arena_free(a);
	db_release(app->db, c);
}
