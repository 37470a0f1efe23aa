/* publish.c - the villages' published APBDes in Satu Data: one table of
 * every village's published budget lines (village, year, account, budget,
 * realisation), owned by the villages' office (DPMD), refreshed by the
 * tick at most once an hour across instances.  A budget leaves the table
 * when its village withdraws it.
 */
#include "internal.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "data/data.h"
#include "log.h"
#include "orgs.h"
#include "regions.h"

#define PUBLISH_ID "villages.apbdes"
#define PUBLISH_INTERVAL_S 3600
#define PUBLISH_ORG "DPMD"

static const char schema[] =
	"{\"fields\":["
	"{\"name\":\"kode_desa\",\"type\":\"string\",\"title\":\"Kode desa (Kemendagri)\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"desa\",\"type\":\"string\",\"title\":\"Nama desa\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"tahun\",\"type\":\"integer\",\"title\":\"Tahun anggaran\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"akun\",\"type\":\"string\",\"title\":\"Kode rekening (Permendagri 20/2018)\","
	"\"constraints\":{\"required\":true}},"
	"{\"name\":\"uraian\",\"type\":\"string\",\"title\":\"Uraian\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"anggaran\",\"type\":\"integer\",\"title\":\"Anggaran (rupiah)\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"realisasi\",\"type\":\"integer\",\"title\":\"Realisasi (rupiah)\","
	"\"constraints\":{\"required\":true,\"minimum\":0}}],"
	"\"primaryKey\":[\"kode_desa\",\"tahun\",\"akun\"]}";

static const char *const tags[] = { "apbdes", "desa", "anggaran", "transparansi", NULL };

static json_t *budget_rows(struct db_conn *c, struct arena *a)
{
	struct db_stmt *st = db_query(c, "SELECT l.village, l.year, l.account, l.name, l.budget, l.realised"
					 " FROM village_budget_lines l JOIN village_budgets b ON b.village = l.village"
					 " AND b.year = l.year WHERE b.published_at IS NOT NULL"
					 " ORDER BY l.village, l.year, l.account", "");
	if (!st)
		return NULL;
	json_t *rows = json_array();
	int rc;
	const char *last = NULL, *nama = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *kode = db_col_text(st, 0);
		if (!last || strcmp(last, kode) != 0) {
			last = arena_strdup(a, kode);
			nama = NULL;
		}
		json_array_append_new(rows, json_pack("{s:s, s:s?, s:I, s:s, s:s, s:I, s:I}", "kode_desa", kode, "desa", nama,
			"tahun", (json_int_t)db_col_int(st, 1), "akun", db_col_text(st, 2), "uraian", db_col_text(st, 3),
			"anggaran", (json_int_t)db_col_int(st, 4), "realisasi", (json_int_t)db_col_int(st, 5)));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(rows);
		return NULL;
	}
	/* Names after the statement is done: one look-up per village. */
	size_t i;
	json_t *row;
	last = NULL;
	json_array_foreach(rows, i, row) {
		const char *kode = json_string_value(json_object_get(row, "kode_desa"));
		if (!last || strcmp(last, kode) != 0) {
			last = kode;
			nama = NULL;
			if (regions_lookup(c, a, kode, &nama, NULL) < 0) {
				json_decref(rows);
				return NULL;
			}
		}
		json_object_set_new(row, "desa", json_string(nama ? nama : kode));
	}
	return rows;
}

void villages_budget_publish_data(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	struct arena *a = arena_new(1 << 14);
	json_t *rows = NULL;
	int64_t org_id;
	if (!a || data_publish_claim(app, c, PUBLISH_ID, PUBLISH_INTERVAL_S) != 1)
		goto out;
	if (orgs_id_by_code(c, PUBLISH_ORG, &org_id) != 0) {
		log_warn("APBDes not published: no villages' office (DPMD) in the organisation register",
			 LOG_F("module", "villages"));
		goto out;
	}
	const struct data_publication pub = {
		.id = PUBLISH_ID,
		.name = "apbdes-desa",
		.title = "APBDes per desa: anggaran dan realisasi",
		.notes = "Anggaran Pendapatan dan Belanja Desa yang dipublikasikan setiap desa di Desa Digital, per tahun dan "
			 "kode rekening (4 pendapatan, 5 belanja per bidang, 6 pembiayaan): anggaran dan realisasi. "
			 "Diperbarui otomatis setiap jam.",
		.org = PUBLISH_ORG,
		.by = "Desa Digital (otomatis)",
		.frequency = "setiap jam",
		.concept = "APBDes menurut Permendagri 20 Tahun 2018 tentang Pengelolaan Keuangan Desa.",
		.unit = "rupiah",
		.region_level = "village",
		.tags = tags,
		.resource = "APBDes per desa, tahun dan rekening",
		.schema = schema,
		.period_field = NULL,
		.note = "Pembaruan otomatis dari Desa Digital",
	};
	rows = budget_rows(c, a);
	if (!rows || db_tx_begin(c) != DB_OK) {
		log_error("APBDes for Satu Data not read", LOG_F("module", "villages"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	int rc = data_publish_table(app, c, &pub, rows);
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		if (rc >= 0)
			log_error("APBDes for Satu Data not saved", LOG_F("module", "villages"), LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
out:
	json_decref(rows);
	arena_free(a);
	db_release(app->db, c);
}
