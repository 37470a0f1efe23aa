/* seed.c - `pendopo seed complaints N`: a regency's worth of history for
 * benchmarks and demos.
 *
 * N complaints spread evenly over the two years before the service clock,
 * in time order (so tracking numbers follow the calendar), over the demo
 * categories, the regency's villages and a box around its capital, with
 * the mix of states a mature service has: old ones settled, recent ones
 * still moving.  Everything goes through the case engine's import and one
 * prepared insert per complaint, in one transaction; the seed as a whole
 * is one audit row.
 */
#include "complaints.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"

#define SPAN_DAYS 730

/* xorshift64*: reproducible, and fast enough not to show in the timing. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned pick(uint64_t *s, unsigned n)
{
	return (unsigned)(next_random(s) % n);
}

static const char *const problems[] = {
	"jalan berlubang cukup dalam dan membahayakan pengendara motor",
	"saluran air tersumbat sehingga setiap hujan terjadi genangan",
	"lampu penerangan jalan mati sejak dua minggu",
	"tumpukan sampah tidak diangkut dan menimbulkan bau",
	"antrean layanan di puskesmas sangat panjang dan petugas kurang",
	"jembatan kayu mulai lapuk dan miring",
	"pembuatan KTP elektronik belum selesai lebih dari sebulan",
	"bantuan sosial belum diterima padahal sudah terdaftar",
	"pedagang kaki lima menutup trotoar dan parkir liar",
	"limbah usaha tahu dibuang ke sungai",
	"ada longsor kecil di tebing dekat permukiman",
	"sekolah kekurangan guru kelas dan ruang belajar rusak",
	"izin usaha mikro lama diproses tanpa kabar",
	"usulan pembangunan talud dan pelebaran jalan desa",
};
static const char *const places[] = {
	"dekat balai desa", "di depan pasar", "di RT 02 RW 03", "di jalan menuju sekolah", "dekat masjid",
	"di pertigaan jalan kabupaten", "di belakang kantor kecamatan", "di dusun bagian utara",
};
static const char *const asks[] = {
	"Mohon segera ditindaklanjuti.", "Mohon perhatian Bapak Bupati.", "Warga sudah lama menunggu perbaikan.",
	"Terima kasih atas perhatiannya.", "Mohon dicek ke lokasi.",
};

struct place {
	const char *village, *district;
};

/* Every village of the regency, with its district. */
static int load_villages(struct db_conn *c, struct arena *a, const char *regency, struct place **out, size_t *n)
{
	struct region *kec;
	size_t nkec, cap = 0;
	*out = NULL;
	*n = 0;
	if (regions_children(c, a, regency, &kec, &nkec) != 0)
		return -1;
	for (size_t i = 0; i < nkec; i++) {
		struct region *des;
		size_t ndes;
		if (regions_children(c, a, kec[i].kode, &des, &ndes) != 0)
			return -1;
		for (size_t k = 0; k < ndes; k++) {
			struct place *slot = ARENA_PUSH(a, *out, *n, cap);
			if (!slot)
				return -1;
			*slot = (struct place){ des[k].kode, kec[i].kode };
		}
	}
	return 0;
}

struct category {
	int64_t id;
	bool sensitive;
};

static int load_categories(struct db_conn *c, struct category *out, size_t max, size_t *n)
{
	struct db_stmt *st = db_query(c, "SELECT id, sensitive FROM complaint_categories WHERE active = 1 ORDER BY id", "");
	*n = 0;
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *n < max) {
		out[*n].id = db_col_int(st, 0);
		out[*n].sensitive = db_col_int(st, 1) != 0;
		(*n)++;
	}
	db_done(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

/* One complaint of the seed. */
static int seed_one(struct case_ctx *x, uint64_t *rnd, time_t created, time_t now,
		    const struct category *cat, const struct place *pl)
{
	int age_days = (int)((now - created) / 86400);
	unsigned roll = pick(rnd, 100);
	struct case_history h = { .created = created, .demo = true };
	/* Old complaints are settled; the last weeks are still in the flow. */
	if (age_days > 30)
		h.state = roll < 86 ? "closed" : "rejected";
	else if (age_days > 14)
		h.state = roll < 60 ? "closed" : roll < 80 ? "answered" : roll < 92 ? "in_progress" : "rejected";
	else
		h.state = roll < 25 ? "submitted" : roll < 60 ? "in_progress" : roll < 85 ? "answered" : "closed";
	if (strcmp(h.state, "submitted") != 0 && strcmp(h.state, "rejected") != 0 &&
	    complaint_route_for(x->c, cat->id, pl->district, &h.unit_id) != 0)
		return -1;
	if (strcmp(h.state, "answered") == 0 || strcmp(h.state, "closed") == 0) {
		/* Most answers within the week, a tail of late ones. */
		h.answered = created + 3600 * (4 + (time_t)pick(rnd, pick(rnd, 10) < 8 ? 140 : 600));
		if (h.answered > now)
			h.answered = now - 60;
	}
	if (strcmp(h.state, "closed") == 0 || strcmp(h.state, "rejected") == 0)
		h.closed = h.answered ? h.answered + 86400 * 14 : created + 86400 * 2;
	if (h.closed > now)
		h.closed = now;

	struct case_row cs;
	if (case_import(x, &complaint_type, &h, &cs) != 0)
		return -1;
	char desc[600], day[11], at[24];
	snprintf(desc, sizeof(desc), "Di desa kami %s, %s %s. %s", places[pick(rnd, 8)], problems[pick(rnd, 14)],
		 pick(rnd, 3) ? "sejak bulan lalu" : "dan belum ada penanganan", asks[pick(rnd, 5)]);
	case_day_text(created, day);
	time_iso(created, at);
	bool located = pick(rnd, 10) < 8;
	/* Inside the default --regency-bounds (-7.50..-7.15, 109.17..109.60),
	 * where a citizen's pin may lie: -7.39 +- 0.15 reached past -7.50. */
	double lat = -7.33 + ((double)pick(rnd, 24000) - 12000.0) / 100000.0;
	double lon = 109.38 + ((double)pick(rnd, 30000) - 15000.0) / 100000.0;
	bool anonymous = pick(rnd, 10) == 0, confidential = cat->sensitive || pick(rnd, 20) == 0;
	return db_exec(x->c, "INSERT INTO complaints (case_id, kind, category_id, description, lat, lon, village,"
			     " district, anonymous, confidential, channel, route_unit_id, created_day, created_at, demo) "
			     "VALUES (?, ?, ?, ?, CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END,"
			     " CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END, ?, ?, ?, ?, 'web', NULLIF(?, 0), ?, ?, 1)",
		       "isisbdbdssbbiss", cs.id, pick(rnd, 5) ? "complaint" : "aspiration", cat->id, desc, (int)located, lat,
		       (int)located, lon, pl->village, pl->district, (int)anonymous, (int)confidential, h.unit_id, day,
		       at) == DB_DONE ? 0 : -1;
}

int complaints_seed(struct app *app, struct db_conn *c, long n)
{
	struct arena *keep = arena_new(1 << 16), *a = NULL;
	struct place *villages;
	struct category cats[64];
	size_t nvillages = 0, ncats = 0;
	int rc = -1;
	if (!keep)
		return -1;
	if (db_tx_begin(c) != DB_OK)
		goto out;
	if (orgs_demo_load(app, c) != 0 || complaints_demo_categories(app, c) != 0 ||
	    load_villages(c, keep, app->cfg.regency_code, &villages, &nvillages) != 0 ||
	    load_categories(c, cats, 64, &ncats) != 0) {
		fprintf(stderr, "pendopo seed: cannot prepare: %s\n", db_errmsg(c));
		goto rollback;
	}
	if (!nvillages || !ncats) {
		fprintf(stderr, "pendopo seed: no villages of %s in the region register (run `pendopo import regions`)\n",
			app->cfg.regency_code);
		goto rollback;
	}

	time_t now = app_now(app), first = now - (time_t)SPAN_DAYS * 86400;
	uint64_t rnd = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
	for (long i = 0; i < n; i++) {
		struct case_ctx x;
		/* A fresh small arena per thousand rows keeps memory flat. */
		if (i % 1000 == 0) {
			arena_free(a);
			if (!(a = arena_new(1 << 16)))
				goto rollback;
		}
		case_ctx_init(&x, NULL, c, a, NULL, now);
		time_t created = first + (time_t)((double)(now - first) * ((double)i + 0.5) / (double)n);
		if (seed_one(&x, &rnd, created, now, &cats[pick(&rnd, (unsigned)ncats)],
			     &villages[pick(&rnd, (unsigned)nvillages)]) != 0) {
			fprintf(stderr, "pendopo seed: complaint %ld: %s\n", i + 1, db_errmsg(c));
			goto rollback;
		}
		if ((i + 1) % 100000 == 0)
			fprintf(stderr, "pendopo seed: %ld complaints\n", i + 1);
	}
	json_t *d = json_pack("{s:I}", "complaints", (json_int_t)n);
	rc = audit_append(c, NULL, "complaint.seed", "complaints", d);
	json_decref(d);
	if (rc == 0 && db_tx_commit(c) == DB_OK)
		goto out;
	fprintf(stderr, "pendopo seed: commit failed: %s\n", db_errmsg(c));
rollback:
	db_tx_rollback(c);
	rc = -1;
out:
	arena_free(a);
	arena_free(keep);
	return rc;
}
