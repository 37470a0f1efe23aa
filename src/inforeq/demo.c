/* demo.c - the demo's PPID: the PPID Utama at Dinkominfo, the PPID
 * Pelaksana of the health office, the Atasan PPID at the Secretariat, and
 * the health office's public information list.
 */
#include "internal.h"

#include <string.h>

#include "app.h"
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

/* Accounts go through auth's command-line function, which commits on its
 * own (as the permits demo does); a second `demo load` finds them there. */
int inforeq_demo_load(struct app *app, struct db_conn *c)
{
	if (db_tx_commit(c) != DB_OK)
		return -1;
	int rc = accounts_add(c);
	if (db_tx_begin(c) != DB_OK)
		return -1;
	return rc == 0 ? dip_add(app, c) : rc;
}
