/* publish.c - Matur Bupati's figures in Satu Data: complaints per month,
 * district and category, with how many were answered on time, as a
 * dataset owned by the unit that runs the channel (the complaints desk,
 * DINKOMINFO unless the settings name another), refreshed by the tick at
 * most once an hour across all instances.
 *
 * Only non-confidential complaints are counted: a confidential one must
 * not surface even as a 1 in a small district's category.  No row carries
 * anything about a reporter.
 */
#include "internal.h"
#include "log.h"

#include <stdio.h>

#include "app.h"
#include "arena.h"
#include "data/data.h"
#include "orgs.h"

#define PUBLISH_ID "complaints.monthly"
#define PUBLISH_INTERVAL_S 3600

static const char schema[] =
	"{\"fields\":["
	"{\"name\":\"bulan\",\"type\":\"yearmonth\",\"title\":\"Bulan pengaduan diterima (WIB)\","
	"\"constraints\":{\"required\":true}},"
	"{\"name\":\"kode_wilayah\",\"type\":\"string\",\"title\":\"Kode kecamatan (Kemendagri); kode kabupaten "
	"untuk pengaduan tanpa desa\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"kategori\",\"type\":\"string\",\"title\":\"Kode kategori (/api/complaints/categories)\","
	"\"constraints\":{\"required\":true}},"
	"{\"name\":\"jumlah\",\"type\":\"integer\",\"title\":\"Pengaduan dan aspirasi yang masuk\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"dijawab_tepat_waktu\",\"type\":\"integer\",\"title\":\"Dijawab dalam batas waktu\","
	"\"constraints\":{\"required\":true,\"minimum\":0}}],"
	"\"primaryKey\":[\"bulan\",\"kode_wilayah\",\"kategori\"],"
	"\"foreignKeys\":[{\"fields\":\"kode_wilayah\",\"reference\":{\"resource\":\"wilayah\",\"fields\":\"kode\"}}]}";

static const char *const tags[] = { "pengaduan", "matur-bupati", "pelayanan-publik", NULL };

/* The counts, oldest month first; NULL on a database error. */
static json_t *monthly_rows(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	struct db_sql q;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	db_sql_init(&q, a);
	db_sql_add(&q, "SELECT substr(p.created_day, 1, 7), coalesce(p.district, CAST(? AS TEXT)), k.code, count(*), "
		   "sum(CASE WHEN ", "s", app->cfg.regency_code);
	case_match_sql(&x, &complaint_type, &(struct case_filter){ .answered_on_time = true }, "p.case_id", &q);
	db_sql_add(&q, " THEN 1 ELSE 0 END) FROM complaints p JOIN complaint_categories k ON k.id = p.category_id "
		   "WHERE p.confidential = 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", "");
	struct db_stmt *st = db_sql_query(c, &q);
	if (!st)
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:I, s:I}", "bulan", db_col_text(st, 0),
						      "kode_wilayah", db_col_text(st, 1), "kategori", db_col_text(st, 2),
						      "jumlah", (json_int_t)db_col_int(st, 3),
						      "dijawab_tepat_waktu", (json_int_t)db_col_int(st, 4)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/* The desk unit's code as the settings have it now. */
static const char *desk_unit(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	struct case_config cfg;
	const char *code = NULL, *name = NULL;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	if (case_config_load(&x, &complaint_type, &cfg) != 0 || !cfg.desk_unit_id ||
	    orgs_code_name(c, a, cfg.desk_unit_id, &code, &name) != 0)
		return NULL;
	return code;
}

void complaints_stats_publish(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	struct arena *a = arena_new(1 << 12);
	json_t *rows = NULL;
	if (!a || data_publish_claim(app, c, PUBLISH_ID, PUBLISH_INTERVAL_S) != 1)
		goto out;
	const char *org = desk_unit(app, c, a);
	if (!org) {
		log_warn("statistics not published: no desk unit in the organisation register", LOG_F("module", "complaints"));
		goto out;
	}
	const struct data_publication pub = {
		.id = PUBLISH_ID,
		.name = "pengaduan-matur-bupati-bulanan",
		.title = "Pengaduan Matur Bupati per kategori, kecamatan dan bulan",
		.notes = "Jumlah pengaduan dan aspirasi yang masuk ke kanal Matur Bupati setiap bulan menurut kategori "
			 "dan kecamatan, serta berapa yang dijawab dalam batas waktu. Pengaduan rahasia tidak dihitung. "
			 "Dihitung otomatis dari sistem Matur Bupati setiap jam.",
		.org = org,
		.by = "Matur Bupati (otomatis)",
		.frequency = "setiap jam",
		.concept = "Pengaduan dan aspirasi warga kepada Bupati melalui kanal Matur Bupati.",
		.unit = "pengaduan",
		.region_level = "district",
		.tags = tags,
		.resource = "Pengaduan per kategori, kecamatan dan bulan",
		.schema = schema,
		.period_field = "bulan",
		.note = "Pembaruan otomatis dari Matur Bupati",
	};
	rows = monthly_rows(app, c, a);
	if (!rows) {
		log_error("statistics for Satu Data not computed", LOG_F("module", "complaints"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	if (db_tx_begin(c) != DB_OK) {
		log_error("statistics for Satu Data not computed", LOG_F("module", "complaints"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	int rc = data_publish_table(app, c, &pub, rows);
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		if (rc >= 0)
			log_error("statistics for Satu Data not saved", LOG_F("module", "complaints"),
				  LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
out:
	json_decref(rows);
	arena_free(a);
	db_release(app->db, c);
}
