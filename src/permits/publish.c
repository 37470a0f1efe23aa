/* publish.c - Si-Intan's figures in Satu Data: research-permit
 * applications per month and applicant status, how many were issued,
 * refused and decided within the service time, as a dataset of the
 * licensing office (the desk unit, DPMPTSP unless the settings name
 * another), refreshed by the tick at most once an hour across instances.
 *
 * No row names a researcher: counts by month and status only.
 */
#include "internal.h"

#include <stdio.h>

#include "app.h"
#include "arena.h"
#include "data/data.h"
#include "log.h"
#include "orgs.h"

#define PUBLISH_ID "permits.monthly"
#define PUBLISH_INTERVAL_S 3600

static const char schema[] =
	"{\"fields\":["
	"{\"name\":\"bulan\",\"type\":\"yearmonth\",\"title\":\"Bulan permohonan pertama kali diajukan (WIB)\","
	"\"constraints\":{\"required\":true}},"
	"{\"name\":\"status_pemohon\",\"type\":\"string\",\"title\":\"Status pemohon: s1, s2, s3, lecturer, "
	"agency_researcher, company, ngo\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"jumlah\",\"type\":\"integer\",\"title\":\"Permohonan yang diajukan\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"terbit\",\"type\":\"integer\",\"title\":\"Surat keterangan penelitian yang terbit\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"ditolak\",\"type\":\"integer\",\"title\":\"Permohonan yang ditolak\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"diputus_tepat_waktu\",\"type\":\"integer\",\"title\":\"Diputus dalam waktu layanan\","
	"\"constraints\":{\"required\":true,\"minimum\":0}}],"
	"\"primaryKey\":[\"bulan\",\"status_pemohon\"]}";

static const char *const tags[] = { "izin-penelitian", "si-intan", "pelayanan-publik", NULL };

/* "sum(CASE WHEN <the case matches f> THEN 1 ELSE 0 END)" into q. */
static void count_where(struct case_ctx *x, const struct case_filter *f, struct db_sql *q)
{
	db_sql_add(q, ", sum(CASE WHEN ", "");
	case_match_sql(x, &permit_type, f, "p.case_id", q);
	db_sql_add(q, " THEN 1 ELSE 0 END)", "");
}

static json_t *monthly_rows(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	struct db_sql q;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	db_sql_init(&q, a);
	db_sql_add(&q, "SELECT substr(p.submitted_day, 1, 7), p.status, count(*)", "");
	count_where(&x, &(struct case_filter){ .status = "issued" }, &q);
	count_where(&x, &(struct case_filter){ .status = "refused" }, &q);
	count_where(&x, &(struct case_filter){ .answered_on_time = true }, &q);
	db_sql_add(&q, " FROM permits p WHERE p.case_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", "");
	struct db_stmt *st = db_sql_query(c, &q);
	if (!st)
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "bulan", db_col_text(st, 0),
			"status_pemohon", db_col_text(st, 1), "jumlah", (json_int_t)db_col_int(st, 2),
			"terbit", (json_int_t)db_col_int(st, 3), "ditolak", (json_int_t)db_col_int(st, 4),
			"diputus_tepat_waktu", (json_int_t)db_col_int(st, 5)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

void permits_stats_publish(struct app *app)
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
	if (case_config_load(&x, &permit_type, &cfg) != 0 || !cfg.desk_unit_id ||
	    orgs_code_name(c, a, cfg.desk_unit_id, &org, &name) != 0) {
		log_warn("statistics not published: no licensing office in the organisation register",
			 LOG_F("module", "permits"));
		goto out;
	}
	const struct data_publication pub = {
		.id = PUBLISH_ID,
		.name = "izin-penelitian-bulanan",
		.title = "Permohonan izin penelitian per bulan dan status pemohon",
		.notes = "Jumlah permohonan surat keterangan penelitian (Si-Intan) setiap bulan menurut status pemohon, "
			 "berapa yang terbit, ditolak, dan diputus dalam waktu layanan. Dihitung otomatis setiap jam.",
		.org = org,
		.by = "Si-Intan (otomatis)",
		.frequency = "setiap jam",
		.concept = "Permohonan surat keterangan penelitian kepada pemerintah kabupaten.",
		.unit = "permohonan",
		.region_level = "regency",
		.tags = tags,
		.resource = "Permohonan izin penelitian per bulan dan status pemohon",
		.schema = schema,
		.period_field = "bulan",
		.note = "Pembaruan otomatis dari Si-Intan",
	};
	rows = monthly_rows(app, c, a);
	if (!rows || db_tx_begin(c) != DB_OK) {
		log_error("statistics for Satu Data not computed", LOG_F("module", "permits"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	int rc = data_publish_table(app, c, &pub, rows);
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		if (rc >= 0)
			log_error("statistics for Satu Data not saved", LOG_F("module", "permits"), LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
out:
	json_decref(rows);
	arena_free(a);
	db_release(app->db, c);
}
