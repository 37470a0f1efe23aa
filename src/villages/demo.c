/* demo.c - two villages of Purbalingga with an operator, a head and some
 * content for `make run`: Kedungbenda (Kemangkon) and Serang
 * (Karangreja).  Every other village's space is there too, empty, as on a
 * real first start.
 */
#include "internal.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "log.h"
#include "regions.h"
#include "util.h"

#define DEMO_PASSWORD "Demo-Pendopo-2026"

static const struct demo_village {
	const char *kode, *slug, *head, *address, *phone, *description;
	double lat, lon, area;
	int64_t population;
	const char *news_title, *news_body, *notice_title, *notice_body;
	int64_t income, transfer;
} demo[] = {
	{ "33.03.01.2001", "kedungbenda", "Sutrisno", "Jl. Raya Kedungbenda No. 1, Kemangkon", "0281-6590001",
	  "Desa di tepi Sungai Klawing, dikenal dengan sentra **gula kelapa** dan perikanan darat.",
	  -7.4521, 109.3167, 4.12, 5210,
	  "Kerja bakti normalisasi saluran irigasi",
	  "Warga RW 02 dan RW 03 bergotong royong membersihkan saluran irigasi sepanjang 1,2 km pada Minggu pagi.\n\n"
	  "- Peserta: 85 warga\n- Dukungan: Dana Desa bidang pembangunan\n\nTerima kasih kepada seluruh warga.",
	  "Pelayanan surat online",
	  "Mulai bulan ini surat keterangan dapat diajukan **online** di halaman desa, lalu diunduh "
	  "setelah ditandatangani Kepala Desa.",
	  150000000, 1250000000 },
	{ "33.03.10.2001", "serang", "Sugito", "Jl. Raya Serang, Karangreja", "0281-6591002",
	  "Desa wisata di lereng Gunung Slamet: kebun stroberi, Lembah Asri, dan sayuran dataran tinggi.",
	  -7.2500, 109.2800, 15.6, 8930,
	  "Festival Gunung Slamet",
	  "Festival tahunan kembali digelar di Lembah Asri dengan kirab hasil bumi dan pentas seni.\n\n"
	  "Informasi lengkap di [kantor desa](https://purbalinggakab.go.id).",
	  "Jadwal posyandu",
	  "Posyandu balita dilaksanakan setiap **tanggal 10** di balai desa.",
	  320000000, 1480000000 },
};

/* Accounts commit on their own (auth_user_add): the demo command's
 * transaction is committed before and opened again after. */
static int demo_accounts(struct db_conn *c, struct arena *a)
{
	char err[256];
	int rc = db_tx_commit(c) == DB_OK ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < sizeof(demo) / sizeof(demo[0]); i++) {
		const char *nama = NULL;
		if (regions_lookup(c, a, demo[i].kode, &nama, NULL) != 0)
			continue;
		const struct { const char *role, *who, *name; } acc[] = {
			{ "village_operator", "operator", arena_printf(a, "Operator Desa %s (demo)", nama) },
			{ "village_head", "kades", arena_printf(a, "%s, Kepala Desa %s (demo)", demo[i].head, nama) },
		};
		for (size_t k = 0; rc == 0 && k < 2; k++) {
			const char *em = arena_printf(a, "%s.%s@demo.pendopo.id", acc[k].who, demo[i].slug);
			int64_t id;
			if (db_query_int(c, &id, "SELECT id FROM users WHERE email = ?", "s", em) == DB_ROW)
				continue;
			if (auth_user_add(c, acc[k].name, em, DEMO_PASSWORD, acc[k].role, NULL, demo[i].kode, err,
					  sizeof(err)) != 0) {
				log_error("demo account not created", LOG_F("module", "villages"), LOG_F("email", em),
					  LOG_F("error", err));
				rc = -1;
			}
		}
	}
	if (db_tx_begin(c) != DB_OK)
		return -1;
	return rc;
}

static int demo_content(struct app *app, struct db_conn *c, struct arena *a, const struct demo_village *d)
{
	char now[24], today[11];
	int year;
	time_iso(app_now(app), now);
	villages_today(app, today, &year);
	if (db_exec(c, "INSERT INTO village_profiles (village, head_name, address, phone, description, area_km2, population,"
		       " lat, lon, updated_at, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (village) DO NOTHING",
		    "sssssdidds", d->kode, d->head, d->address, d->phone, d->description, d->area, d->population, d->lat,
		    d->lon, now) != DB_DONE)
		return -1;
	int64_t posts = 0;
	if (db_query_int(c, &posts, "SELECT count(*) FROM village_posts WHERE village = ?", "s", d->kode) != DB_ROW)
		return -1;
	for (int k = 0; posts == 0 && k < 2; k++) {
		const char *title = k ? d->notice_title : d->news_title, *body = k ? d->notice_body : d->news_body;
		if (db_exec(c, "INSERT INTO village_posts (village, kind, title, body, html, published_at, created_at,"
			       " updated_at, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", "ssssssss", d->kode,
			    k ? "announcement" : "news", title, body, markdown_html(a, body), now, now, now) != DB_DONE)
			return -1;
	}
	if (db_exec(c, "INSERT INTO village_budgets (village, year, published_at, updated_at, demo) VALUES (?, ?, ?, ?, 1) "
		       "ON CONFLICT (village, year) DO NOTHING", "siss", d->kode, (int64_t)year, now, now) != DB_DONE)
		return -1;
	if (db_changes(c) == 0)
		return 0;
	const int64_t total = d->income + d->transfer;
	const struct { const char *account, *name; int64_t budget, realised; } lines[] = {
		{ "4.1", "Pendapatan Asli Desa", d->income, d->income * 8 / 10 },
		{ "4.2", "Pendapatan Transfer", d->transfer, d->transfer * 9 / 10 },
		{ "5.1", "Bidang Penyelenggaraan Pemerintahan Desa", total * 35 / 100, total * 30 / 100 },
		{ "5.2", "Bidang Pelaksanaan Pembangunan Desa", total * 40 / 100, total * 31 / 100 },
		{ "5.3", "Bidang Pembinaan Kemasyarakatan", total * 8 / 100, total * 6 / 100 },
		{ "5.4", "Bidang Pemberdayaan Masyarakat", total * 12 / 100, total * 9 / 100 },
		{ "5.5", "Bidang Penanggulangan Bencana, Keadaan Darurat dan Mendesak", total * 5 / 100, total * 1 / 100 },
		{ "6.1", "Penerimaan Pembiayaan (SiLPA)", 25000000, 25000000 },
		{ "6.2", "Pengeluaran Pembiayaan (penyertaan modal BUMDes)", 25000000, 25000000 },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (db_exec(c, "INSERT INTO village_budget_lines (village, year, account, name, budget, realised) "
			       "VALUES (?, ?, ?, ?, ?, ?)", "sissii", d->kode, (int64_t)year, lines[i].account, lines[i].name,
			    lines[i].budget, lines[i].realised) != DB_DONE)
			return -1;
	return 0;
}

int villages_demo_load(struct app *app, struct db_conn *c)
{
	struct arena *a = arena_new(8192);
	int rc = a ? demo_accounts(c, a) : -1;
	for (size_t i = 0; rc == 0 && i < sizeof(demo) / sizeof(demo[0]); i++) {
		const char *nama;
		int found = regions_lookup(c, a, demo[i].kode, &nama, NULL);
		if (found < 0)
			rc = -1;
		else if (found == 0)
			rc = demo_content(app, c, a, &demo[i]);
	}
	arena_free(a);
	return rc;
}
