/* demo.c - Simantri's demo data for `pendopo demo load` (rows marked demo):
 * every district puskesmas of the demo tree with registration, a general
 * clinic (BPJS poli code UMU, open Monday to Saturday), dental and
 * maternal-child clinics and a pharmacy; RSUD dr. R. Goeteng
 * Taroenadibrata with specialist clinics and their doctors; counters for
 * all of them; and at Puskesmas Kemangkon a desk officer, the head, and a
 * Mobile JKN (Antrol) account.
 */
#include "queue.h"
#include "log.h"
#include "simantri.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"

#define DEMO_PASSWORD "Demo-Pendopo-2026"
#define DEMO_FACILITY "PKM-KEMANGKON"

struct demo_service {
	const char *code, *name, *kind, *prefix;
	int avg_min;
	const char *doctor;		/* BPJS doctor code, or NULL */
	unsigned weekdays;		/* bit d: open on weekday d (0 = Sunday) */
	int start, end;			/* minutes of the day */
	int quota[4];
	const char *counter;		/* counter serving it, or NULL */
};

#define MON_FRI 0x3eu
#define MON_SAT 0x7eu
#define HM(h, m) ((h) * 60 + (m))

static const struct demo_service puskesmas[] = {
	{ "REG", "Pendaftaran", "registration", NULL, 3, NULL, 0, 0, 0, { 0 }, "Loket 1" },
	{ "UMU", "Poli Umum", "poli", "A", 8, NULL, MON_SAT, HM(8, 0), HM(12, 0), { 30, 20, 10, 10 }, "Poli Umum" },
	{ "GIG", "Poli Gigi", "poli", "B", 15, NULL, MON_FRI, HM(8, 0), HM(12, 0), { 8, 6, 3, 3 }, "Poli Gigi" },
	{ "KIA", "Poli KIA", "poli", "C", 12, NULL, MON_SAT, HM(8, 0), HM(11, 0), { 10, 8, 4, 4 }, "Poli KIA" },
	{ "FAR", "Farmasi", "pharmacy", NULL, 4, NULL, 0, 0, 0, { 0 }, "Farmasi" },
};

static const struct demo_service hospital[] = {
	{ "REG", "Pendaftaran Rawat Jalan", "registration", NULL, 4, NULL, 0, 0, 0, { 0 }, "Loket Pendaftaran" },
	{ "INT", "Poli Penyakit Dalam", "poli", "A", 12, "31001", MON_SAT, HM(8, 0), HM(12, 0), { 25, 10, 5, 5 }, "Poli Penyakit Dalam" },
	{ "ANA", "Poli Anak", "poli", "B", 12, "31002", MON_FRI, HM(8, 0), HM(12, 0), { 15, 8, 4, 4 }, "Poli Anak" },
	{ "OBG", "Poli Kebidanan dan Kandungan", "poli", "C", 15, "31003", MON_FRI, HM(9, 0), HM(13, 0), { 15, 6, 4, 4 }, "Poli Kandungan" },
	{ "BED", "Poli Bedah", "poli", "D", 15, "31004", MON_FRI, HM(8, 0), HM(12, 0), { 12, 6, 3, 3 }, "Poli Bedah" },
	{ "APT", "Instalasi Farmasi", "pharmacy", NULL, 6, NULL, 0, 0, 0, { 0 }, "Farmasi" },
};

static const struct {
	const char *code, *name;
} hospital_doctors[] = {
	{ "31001", "dr. Bambang Wicaksono, Sp.PD" },
	{ "31002", "dr. Retno Lestari, Sp.A" },
	{ "31003", "dr. Hendra Saputra, Sp.OG" },
	{ "31004", "dr. Agus Prasetyo, Sp.B" },
};

/* "Kemangkon" -> "PKM-KEMANGKON", the way the orgs demo names them. */
static void puskesmas_code(char out[FACILITY_CODE_MAX + 1], const char *name)
{
	size_t n = (size_t)snprintf(out, FACILITY_CODE_MAX + 1, "PKM-");
	for (; *name && n < FACILITY_CODE_MAX; name++) {
		char ch = *name;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - ('a' - 'A'));
		else if (!(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9'))
			ch = '-';
		if (ch != '-' || out[n - 1] != '-')
			out[n++] = ch;
	}
	while (out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

/* A facility with its services, schedules and counters.  0 made, 1 it
 * exists already or the unit is not in the tree, -1 error. */
static int demo_facility(struct db_conn *c, const char *code, const char *type, const struct demo_service *sv,
			 size_t nsv, int64_t now)
{
	int64_t unit, id;
	char stamp[24];
	if (orgs_id_by_code(c, code, &unit) != 0)
		return 1;
	int rc = db_query_int(c, &id, "SELECT id FROM q_facilities WHERE code = ?", "s", code);
	if (rc != DB_DONE)
		return rc == DB_ROW ? 1 : -1;
	time_iso((time_t)now, stamp);
	if (db_query_int(c, &id, "INSERT INTO q_facilities (unit_id, code, type, open_days, open_minute, close_days,"
				 " close_minute, checkin_early_min, late_grace_min, late_policy, priority_every,"
				 " priority_max_wait_min, max_recalls, cuti_bersama_closed, demo, updated_at)"
				 " VALUES (?, ?, ?, 7, 360, 1, 1200, 60, 30, 'requeue', 2, 30, 2, 1, 1, ?) RETURNING id",
			 "isss", unit, code, type, stamp) != DB_ROW)
		return -1;
	if (strcmp(type, "fkrtl") == 0)
		for (size_t i = 0; i < sizeof(hospital_doctors) / sizeof(hospital_doctors[0]); i++)
			if (db_exec(c, "INSERT INTO q_doctors (facility_id, code, name) VALUES (?, ?, ?)", "iss", id,
				    hospital_doctors[i].code, hospital_doctors[i].name) != DB_DONE)
				return -1;
	for (size_t i = 0; i < nsv; i++) {
		const struct demo_service *d = &sv[i];
		int64_t sid;
		if (db_query_int(c, &sid, "INSERT INTO q_services (facility_id, code, name, kind, prefix, avg_service_min)"
					  " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				 "issssi", id, d->code, d->name, d->kind, d->prefix, (int64_t)d->avg_min) != DB_ROW)
			return -1;
		for (int day = 0; day < 7; day++) {
			if (!(d->weekdays & (1u << day)))
				continue;
			/* Saturdays are short at a puskesmas. */
			int end = day == 6 && strcmp(type, "fktp") == 0 && d->end > HM(11, 0) ? HM(11, 0) : d->end;
			if (db_exec(c, "INSERT INTO q_schedules (service_id, doctor_id, weekday, start_min, end_min,"
				       " quota_jkn_online, quota_jkn_walkin, quota_non_online, quota_non_walkin)"
				       " VALUES (?, (SELECT id FROM q_doctors WHERE facility_id = ? AND code = ?), ?, ?, ?, ?, ?, ?, ?)",
				    "iisiiiiiii", sid, id, d->doctor, (int64_t)day, (int64_t)d->start, (int64_t)end,
				    (int64_t)d->quota[0], (int64_t)d->quota[1], (int64_t)d->quota[2], (int64_t)d->quota[3]) != DB_DONE)
				return -1;
		}
		if (d->counter && db_exec(c, "INSERT INTO q_counters (facility_id, name, service_id, status, updated_at)"
					     " VALUES (?, ?, ?, 'closed', ?)", "isii", id, d->counter, sid, now) != DB_DONE)
			return -1;
	}
	return 0;
}

/* Accounts go through auth's own command-line function, which commits on
 * its own: the demo command's transaction is committed before and opened
 * again after, so the queue's demo rows are already in place. */
static int demo_accounts(struct db_conn *c)
{
	static const struct {
		const char *name, *email, *role, *unit;
	} accounts[] = {
		{ "Petugas Puskesmas Kemangkon (demo)", "petugas.kemangkon@demo.pendopo.id", "officer", DEMO_FACILITY },
		{ "Kepala Puskesmas Kemangkon (demo)", "kapus.kemangkon@demo.pendopo.id", "unit_head", DEMO_FACILITY },
		{ "Petugas RSUD Goeteng (demo)", "petugas.rsud@demo.pendopo.id", "officer", "RSUD-GOETENG" },
	};
	char err[256];
	if (db_tx_commit(c) != DB_OK)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(accounts) / sizeof(accounts[0]); i++)
		if (auth_user_add(c, accounts[i].name, accounts[i].email, DEMO_PASSWORD, accounts[i].role,
				  accounts[i].unit, NULL, err, sizeof(err)) != 0) {
			log_error("demo account not created", LOG_F("module", "queue"), LOG_F("email", accounts[i].email),
				  LOG_F("error", err));
			rc = -1;
		}
	if (rc == 0 && antrol_user_add(c, DEMO_FACILITY, "mobilejkn", "Demo-Antrol-2026", err, sizeof(err)) != 0) {
		log_error("demo Antrol user not created", LOG_F("module", "queue"), LOG_F("error", err));
		rc = -1;
	}
	if (db_tx_begin(c) != DB_OK)
		return -1;
	return rc;
}

int queue_demo_load(struct app *app, struct db_conn *c)
{
	struct region *kec;
	size_t nkec;
	int64_t now = (int64_t)time(NULL);
	struct arena *a = arena_new(16384);
	if (!a)
		return -1;
	int rc = regions_children(c, a, app->cfg.regency_code, &kec, &nkec);
	bool kemangkon = false;
	for (size_t i = 0; rc == 0 && i < nkec; i++) {
		char code[FACILITY_CODE_MAX + 1];
		puskesmas_code(code, kec[i].nama);
		int made = demo_facility(c, code, "fktp", puskesmas, sizeof(puskesmas) / sizeof(puskesmas[0]), now);
		if (made < 0)
			rc = -1;
		else if (made == 0 && strcmp(code, DEMO_FACILITY) == 0)
			kemangkon = true;
	}
	if (rc == 0 && demo_facility(c, "RSUD-GOETENG", "fkrtl", hospital, sizeof(hospital) / sizeof(hospital[0]), now) < 0)
		rc = -1;
	arena_free(a);
	/* The accounts come with the demo puskesmas, the first time only. */
	if (rc == 0 && kemangkon)
		rc = demo_accounts(c);
	return rc;
}
