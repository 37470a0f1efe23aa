/* demo.c - the demo's PPID: the PPID Utama at Dinkominfo, the PPID
 * Pelaksana of the health office, the Atasan PPID at the Secretariat, the
 * health office's public information list, and a few requests from
 * history (one still open) so the register and the figures show something.
 */
#include "internal.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "calendar.h"
#include "holidays.h"
#include "auth.h"
#include "log.h"
#include "orgs.h"
#include "util.h"

static int accounts_add(struct db_conn *c)
{
	static const struct {
		const char *name, *email, *role, *unit;
	} accounts[] = {
		{ "PPID Utama (demo)", "ppid.utama@demo.pendopo.id", "officer", "DINKOMINFO" },
		{ "PPID Pelaksana Dinkes (demo)", "ppid.dinkes@demo.pendopo.id", "officer", "DINKES" },
		{ "Atasan PPID - Sekda (demo)", "atasan.ppid@demo.pendopo.id", "unit_head", "SETDA" },
	};
	char err[256];
	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		int64_t unit;
		if (orgs_id_by_code(c, accounts[i].unit, &unit) != 0)
			continue;	/* a deployment without that office */
		if (auth_user_add(c, accounts[i].name, accounts[i].email, "Demo-Pendopo-2026", accounts[i].role,
				  accounts[i].unit, NULL, err, sizeof(err)) != 0 && !strstr(err, "already registered")) {
			log_error("demo account not created", LOG_F("module", "inforeq"), LOG_F("email", accounts[i].email),
				  LOG_F("error", err));
			return -1;
		}
	}
	return 0;
}

static int dip_add(struct app *app, struct db_conn *c)
{
	static const char *const entries[][6] = {
		{ "DIP-01", "Rencana Strategis Dinas Kesehatan 2025-2029", "Sekretariat", "berkala", "PDF", "Permanen" },
		{ "DIP-02", "Jadwal pelayanan dan tarif retribusi puskesmas", "Bidang Pelayanan Kesehatan", "setiap_saat",
		  "PDF", "Selama berlaku" },
		{ "DIP-03", "Peringatan dini kejadian luar biasa penyakit menular", "Bidang P2P", "serta_merta", "Web",
		  "5 tahun" },
		{ "DIP-04", "Laporan realisasi anggaran tahunan", "Sub Bagian Keuangan", "berkala", "PDF", "10 tahun" },
	};
	int64_t unit;
	if (orgs_id_by_code(c, "DINKES", &unit) != 0)
		return 0;
	char at[24];
	time_iso(app_now(app), at);
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (db_exec(c, "INSERT INTO inforeq_dip (agency_id, number, summary, holding_unit, responsible, made_when,"
			       " made_where, format, retention, category, created_at) VALUES (?, ?, ?, ?, 'PPID Pelaksana"
			       " Dinas Kesehatan', '2026', 'Purbalingga', ?, ?, ?, ?) ON CONFLICT (agency_id, number) DO NOTHING",
			    "isssssss", unit, entries[i][0], entries[i][1], entries[i][2], entries[i][4], entries[i][5],
			    entries[i][3], at) != DB_DONE)
			return -1;
	return 0;
}

static const struct {
	int opened_days_ago, answered_days_ago;	/* answered 0: still open */
	const char *state, *ground, *information, *answer;
} demo_requests[] = {
	{ 40, 33, "granted", NULL, "Rencana kerja dan anggaran program imunisasi 2026",
	  "Salinan dokumen terlampir dan telah dikirim melalui email." },
	{ 25, 16, "refused", "h", "Daftar nama pasien demam berdarah di RSUD bulan lalu",
	  "Informasi menyangkut rahasia pribadi pasien." },
	{ 2, 0, "received", NULL, "Jadwal pengasapan (fogging) DBD di Kecamatan Kalimanah 2026", NULL },
};

/* Requests from history through case_import (no notices), once. */
static int requests_add(struct app *app, struct db_conn *c)
{
	int64_t agency, seen;
	if (orgs_id_by_code(c, "DINKES", &agency) != 0)
		return 0;
	if (db_query_int(c, &seen, "SELECT count(*) FROM inforeq_requests WHERE demo = 1", "") != DB_ROW)
		return -1;
	if (seen)
		return 0;
	struct arena *a = arena_new(8192);
	struct case_ctx x;
	struct case_config cfg;
	struct holidays h;
	time_t now = app_now(app);
	if (!a)
		return -1;
	case_ctx_init(&x, NULL, c, a, NULL, now);
	int rc = case_config_load(&x, &inforeq_type, &cfg) == 0 && holidays_load(c, a, &h) == 0 ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < sizeof(demo_requests) / sizeof(demo_requests[0]); i++) {
		time_t opened = now - (time_t)demo_requests[i].opened_days_ago * 86400;
		time_t answered = demo_requests[i].answered_days_ago ? now - (time_t)demo_requests[i].answered_days_ago * 86400 : 0;
		struct case_history hist = { .created = opened, .answered = answered, .closed = answered,
					     .state = demo_requests[i].state, .unit_id = agency, .demo = true };
		struct case_row cs;
		char received[11], answered_day[11], at[24];
		date_format(workdays_add(&h, case_day(opened), 0, cfg.policy), received);
		case_day_text(answered, answered_day);
		time_iso(opened, at);
		rc = case_import(&x, &inforeq_type, &hist, &cs);
		if (rc == 0 && db_exec(c, "INSERT INTO inforeq_requests (case_id, agency_id, requester_kind, name, nik, address,"
					  " email, information, purpose, obtain, delivery, answer, answer_text, ground,"
					  " consequence_test, answered_day, received_day, created_at, demo) VALUES (?, ?, 'person',"
					  " 'Warga Demo', '3303014101900001', 'Purbalingga', 'warga@demo.pendopo.id', ?,"
					  " 'Bahan kajian', 'copy', 'email', ?, ?, ?, ?, ?, ?, ?, 1)", "iissssssss", cs.id, agency,
					  demo_requests[i].information, answered ? demo_requests[i].state : NULL,
					  demo_requests[i].answer, demo_requests[i].ground,
					  demo_requests[i].ground ? "Membukanya merugikan pasien lebih dari manfaatnya bagi publik." : NULL,
					  answered ? answered_day : NULL, received, at) != DB_DONE)
			rc = -1;
	}
	if (rc == 0)
		rc = audit_append(c, NULL, "inforeq.demo", "inforeq_requests", NULL);
	arena_free(a);
	return rc;
}

/* Accounts go through auth's command-line function, which commits on its
 * own (as the permits demo does); a second `demo load` finds them there. */
int inforeq_demo_load(struct app *app, struct db_conn *c)
{
	if (db_tx_commit(c) != DB_OK)
		return -1;
	int rc = accounts_add(c);
	if (db_tx_begin(c) != DB_OK)
		return -1;
	if (rc == 0)
		rc = dip_add(app, c);
	return rc == 0 ? requests_add(app, c) : rc;
}
