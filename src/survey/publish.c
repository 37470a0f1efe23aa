/* publish.c - the IKM of every unit per semester in Satu Data, as a
 * dataset of the Organisation section (Bagian Organisasi, which
 * coordinates the units' service standards and their surveys), refreshed
 * by the tick at most once an hour across all instances, as the
 * complaints and queue services publish theirs.
 *
 * Figures only: no row carries a response, a comment or a respondent.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "data/data.h"
#include "log.h"

#define PUBLISH_ID "survey.semester"
#define PUBLISH_INTERVAL_S 3600
#define PUBLISH_OWNER "SETDA-ORG"

static const char schema[] =
	"{\"fields\":["
	"{\"name\":\"tahun\",\"type\":\"year\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"semester\",\"type\":\"integer\",\"title\":\"Semester (1: Januari-Juni, 2: Juli-Desember, WIB)\","
	"\"constraints\":{\"required\":true,\"minimum\":1,\"maximum\":2}},"
	"{\"name\":\"kode_unit\",\"type\":\"string\",\"title\":\"Kode unit pelayanan\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"nama_unit\",\"type\":\"string\"},"
	"{\"name\":\"responden\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"transaksi\",\"type\":\"integer\",\"title\":\"Layanan selesai yang ditawari survei\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"sampel_minimal\",\"type\":\"integer\",\"title\":\"Sampel minimal Krejcie-Morgan\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"ikm\",\"type\":\"number\",\"title\":\"Indeks Kepuasan Masyarakat (25-100)\","
	"\"constraints\":{\"required\":true,\"minimum\":25,\"maximum\":100}},"
	"{\"name\":\"mutu\",\"type\":\"string\",\"title\":\"Mutu pelayanan (A-D)\","
	"\"constraints\":{\"required\":true,\"enum\":[\"A\",\"B\",\"C\",\"D\"]}}],"
	"\"primaryKey\":[\"tahun\",\"semester\",\"kode_unit\"]}";

static const char *const tags[] = { "ikm", "skm", "kepuasan-masyarakat", "pelayanan-publik", NULL };

static const struct data_publication pub = {
	.id = PUBLISH_ID,
	.name = "indeks-kepuasan-masyarakat-semester",
	.title = "Indeks Kepuasan Masyarakat (IKM) per unit pelayanan dan semester",
	.notes = "Indeks Kepuasan Masyarakat setiap unit pelayanan per semester menurut PermenPANRB 14/2017: "
		 "jumlah responden, layanan selesai yang ditawari survei, sampel minimal Krejcie-Morgan, nilai IKM "
		 "(dibulatkan dua desimal) dan mutu pelayanan. Dihitung otomatis dari survei Pendopo setiap jam.",
	.org = PUBLISH_OWNER,
	.by = "Survei Kepuasan Masyarakat (otomatis)",
	.frequency = "setiap jam",
	.concept = "Survei Kepuasan Masyarakat atas sembilan unsur pelayanan publik.",
	.unit = "indeks",
	.tags = tags,
	.resource = "IKM per unit dan semester",
	.schema = schema,
	.period_field = "tahun",
	.note = "Pembaruan otomatis dari Survei Kepuasan Masyarakat",
};

/* One row per unit and semester with responses, oldest first. */
static json_t *semester_rows(struct db_conn *c)
{
	struct db_stmt *st = db_query(c,
		"SELECT x.y, x.s, u.code, u.name, sum(x.n), sum(x.offers), sum(x.s1), sum(x.s2), sum(x.s3), sum(x.s4),"
		" sum(x.s5), sum(x.s6), sum(x.s7), sum(x.s8), sum(x.s9), sum(x.tsq) FROM ("
		" SELECT unit_id, substr(day, 1, 4) AS y, CASE WHEN substr(day, 6, 2) <= '06' THEN 1 ELSE 2 END AS s,"
		" n, offers, s1, s2, s3, s4, s5, s6, s7, s8, s9, tsq FROM survey_daily"
		") x JOIN org_units u ON u.id = x.unit_id GROUP BY x.y, x.s, u.code, u.name HAVING sum(x.n) > 0"
		" ORDER BY x.y, x.s, u.code", "");
	if (!st)
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct survey_sums s = { .n = db_col_int(st, 4), .total_sq = db_col_int(st, 15) };
		struct survey_result res;
		for (int e = 0; e < SURVEY_ELEMENTS; e++)
			s.element[e] = db_col_int(st, 6 + e);
		survey_compute(&s, db_col_int(st, 5), &res);
		/* The IKM as its exact two decimals, not as a binary fraction. */
		char grade[2] = { res.grade, 0 }, ikm[16];
		snprintf(ikm, sizeof(ikm), "%d.%02d", res.ikm100 / 100, res.ikm100 % 100);
		json_array_append_new(rows, json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:s}",
			"tahun", (json_int_t)atoll(db_col_text(st, 0)), "semester", (json_int_t)db_col_int(st, 1),
			"kode_unit", db_col_text(st, 2), "nama_unit", db_col_text(st, 3),
			"responden", (json_int_t)res.respondents, "transaksi", (json_int_t)res.transactions,
			"sampel_minimal", (json_int_t)res.sample_needed, "ikm", ikm, "mutu", grade));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

void survey_publish(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	json_t *rows = NULL;
	if (data_publish_claim(app, c, PUBLISH_ID, PUBLISH_INTERVAL_S) != 1)
		goto out;
	rows = semester_rows(c);
	if (!rows || db_tx_begin(c) != DB_OK) {
		log_error("statistics for Satu Data not computed", LOG_F("module", "survey"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	int rc = data_publish_table(app, c, &pub, rows);
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		if (rc >= 0)
			log_error("statistics for Satu Data not saved", LOG_F("module", "survey"), LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
out:
	json_decref(rows);
	db_release(app->db, c);
}
