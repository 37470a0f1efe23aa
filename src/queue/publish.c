/* publish.c - Simantri's figures in Satu Data: per facility and month, the
 * bookings, walk-ins and no-shows, and the average wait (joining a line to
 * being called) and service time (called to finished) over every line of
 * the facility, as a dataset of the health office, refreshed by the tick
 * at most once an hour across all instances.
 *
 * Counts only: no row carries anything about a patient.
 */
#include "simantri.h"
#include "log.h"

#include <math.h>
#include <stdio.h>

#include "app.h"
#include "data/data.h"

#define PUBLISH_ID "queue.monthly"
#define PUBLISH_INTERVAL_S 3600
/* The health office oversees the facilities' service standards. */
#define PUBLISH_OWNER "DINKES"

static const char schema[] =
	"{\"fields\":["
	"{\"name\":\"bulan\",\"type\":\"yearmonth\",\"title\":\"Bulan layanan (WIB)\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"kode_fasilitas\",\"type\":\"string\",\"title\":\"Kode fasilitas kesehatan\","
	"\"constraints\":{\"required\":true}},"
	"{\"name\":\"nama_fasilitas\",\"type\":\"string\"},"
	"{\"name\":\"kode_wilayah\",\"type\":\"string\",\"title\":\"Wilayah fasilitas (Kemendagri)\"},"
	"{\"name\":\"booking\",\"type\":\"integer\",\"title\":\"Antrean yang dipesan sebelumnya\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"datang_langsung\",\"type\":\"integer\",\"title\":\"Antrean diambil di tempat\","
	"\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"tidak_hadir\",\"type\":\"integer\",\"constraints\":{\"required\":true,\"minimum\":0}},"
	"{\"name\":\"rata_tunggu_menit\",\"type\":\"number\",\"title\":\"Rata-rata menit dari masuk antrean sampai "
	"dipanggil\",\"constraints\":{\"minimum\":0}},"
	"{\"name\":\"rata_layanan_menit\",\"type\":\"number\",\"title\":\"Rata-rata menit dari dipanggil sampai "
	"selesai\",\"constraints\":{\"minimum\":0}}],"
	"\"primaryKey\":[\"bulan\",\"kode_fasilitas\"],"
	"\"foreignKeys\":[{\"fields\":\"kode_wilayah\",\"reference\":{\"resource\":\"wilayah\",\"fields\":\"kode\"}}]}";

static const char *const tags[] = { "antrean", "simantri", "kesehatan", "pelayanan-publik", NULL };

/* Seconds summed over n as minutes to one decimal; null when n is 0. */
static json_t *minutes(double sum, int64_t n)
{
	return n > 0 ? json_real(round(sum / (double)n / 6.0) / 10.0) : json_null();
}

/* Visits and called line entries meet in one grouping, oldest month
 * first; NULL on a database error. */
static json_t *monthly_rows(struct db_conn *c)
{
	struct db_stmt *st = db_query(c,
		"SELECT x.m, f.code, o.name, o.region, sum(x.b), sum(x.w), sum(x.ns), sum(x.ws), sum(x.wn), sum(x.ss),"
		" sum(x.sn) FROM ("
		" SELECT substr(v.day, 1, 7) AS m, v.facility_id AS fid, CASE WHEN v.walkin = 0 THEN 1 ELSE 0 END AS b,"
		" CASE WHEN v.walkin = 1 THEN 1 ELSE 0 END AS w, CASE WHEN v.status = 'noshow' THEN 1 ELSE 0 END AS ns,"
		" 0 AS ws, 0 AS wn, 0 AS ss, 0 AS sn FROM q_visits v"
		" UNION ALL"
		" SELECT substr(e.day, 1, 7), s.facility_id, 0, 0, 0, e.called_at - e.queued_at, 1,"
		" CASE WHEN e.finished_at IS NULL THEN 0 ELSE e.finished_at - e.called_at END,"
		" CASE WHEN e.finished_at IS NULL THEN 0 ELSE 1 END"
		" FROM q_entries e JOIN q_services s ON s.id = e.service_id WHERE e.called_at IS NOT NULL"
		") x JOIN q_facilities f ON f.id = x.fid JOIN org_units o ON o.id = f.unit_id"
		" GROUP BY x.m, f.code, o.name, o.region ORDER BY x.m, f.code", "");
	if (!st)
		return NULL;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I, s:I, s:o, s:o}",
			"bulan", db_col_text(st, 0), "kode_fasilitas", db_col_text(st, 1),
			"nama_fasilitas", db_col_text(st, 2), "kode_wilayah", db_col_text(st, 3),
			"booking", (json_int_t)db_col_int(st, 4), "datang_langsung", (json_int_t)db_col_int(st, 5),
			"tidak_hadir", (json_int_t)db_col_int(st, 6),
			"rata_tunggu_menit", minutes(db_col_double(st, 7), db_col_int(st, 8)),
			"rata_layanan_menit", minutes(db_col_double(st, 9), db_col_int(st, 10))));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static const struct data_publication pub = {
	.id = PUBLISH_ID,
	.name = "antrean-simantri-bulanan",
	.title = "Antrean Simantri per fasilitas kesehatan dan bulan",
	.notes = "Jumlah antrean yang dipesan, diambil langsung di tempat dan tidak hadir di setiap puskesmas dan "
		 "rumah sakit yang memakai Simantri, dengan rata-rata waktu tunggu dan waktu layanan per bulan. "
		 "Dihitung otomatis dari sistem Simantri setiap jam.",
	.org = PUBLISH_OWNER,
	.by = "Simantri (otomatis)",
	.frequency = "setiap jam",
	.concept = "Antrean pasien di fasilitas kesehatan melalui Simantri, Mobile JKN dan loket.",
	.unit = "antrean",
	.tags = tags,
	.resource = "Antrean per fasilitas dan bulan",
	.schema = schema,
	.period_field = "bulan",
	.note = "Pembaruan otomatis dari Simantri",
};

void queue_stats_publish(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	json_t *rows = NULL;
	if (data_publish_claim(app, c, PUBLISH_ID, PUBLISH_INTERVAL_S) != 1)
		goto out;
	rows = monthly_rows(c);
	if (!rows || db_tx_begin(c) != DB_OK) {
		log_error("statistics for Satu Data not computed", LOG_F("module", "queue"), LOG_F("error", db_errmsg(c)));
		goto out;
	}
	int rc = data_publish_table(app, c, &pub, rows);
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		if (rc >= 0)
			log_error("statistics for Satu Data not saved", LOG_F("module", "queue"), LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
	}
out:
	json_decref(rows);
	db_release(app->db, c);
}
