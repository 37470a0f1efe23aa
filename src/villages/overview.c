/* overview.c - the regency's view of its villages: which use their space
 * and how, as a digitalisation score from what is actually in use
 * (profile complete, news in the last 30 days, this year's APBDes
 * published, letters served in the last 30 days, any data submitted: 20
 * points each), for the table and grid (GET /api/villages/overview, CSV
 * too) and the Regent's dashboard tile (villages_overview).
 *
 * One grouped query per table, whatever the number of villages.
 */
#include "villages.h"
#include "internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "strbuf.h"
#include "util.h"

struct village_use {
	const struct village *v;
	bool profile, news, budget, data;
	int64_t posts_30d, letters_30d, letters_year, open_requests;
	int score;
};

static int by_kode(const void *k, const void *e)
{
	return strcmp(k, ((const struct village_use *)e)->v->kode);
}

/* The use of village kode in u (sorted by code, as the register is), or NULL. */
static struct village_use *find(struct village_use *u, size_t n, const char *kode)
{
	return kode ? bsearch(kode, u, n, sizeof(*u), by_kode) : NULL;
}

/* Counts per village from sql (village, count) into the member at off. */
static int count_into(struct db_conn *c, struct village_use *u, size_t n, const char *sql, const char *since,
		      size_t off)
{
	struct db_stmt *st = since ? db_query(c, sql, "s", since) : db_query(c, sql, "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct village_use *x = find(u, n, db_col_text(st, 0));
		if (x)
			*(int64_t *)((char *)x + off) = db_col_int(st, 1);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* Every village's use, in register order; 0 or -1. */
static int villages_use(struct app *app, struct db_conn *c, struct arena *a, struct village_use **out, size_t *n)
{
	struct village *v;
	if (villages_all(app, c, a, &v, n) != 0)
		return -1;
	struct village_use *u = arena_alloc(a, (*n + 1) * sizeof(*u));
	if (!u)
		return -1;
	for (size_t i = 0; i < *n; i++)
		u[i] = (struct village_use){ .v = &v[i] };
	time_t now = app_now(app);
	char since[24], today[11];
	time_iso(now - 30 * 86400, since);
	villages_today(app, today, NULL);
	const char *year_start = arena_printf(a, "%.4s-01-01", today);
	int64_t year = atoi(today);

	struct db_stmt *st = db_query(c, "SELECT village, head_name IS NOT NULL AND address IS NOT NULL AND"
					 " (phone IS NOT NULL OR email IS NOT NULL), population IS NOT NULL OR area_km2 IS NOT NULL"
					 " FROM village_profiles", "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct village_use *x = find(u, *n, db_col_text(st, 0));
		if (x) {
			x->profile = db_col_int(st, 1) != 0;
			x->data = db_col_int(st, 2) != 0;
		}
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	st = db_query(c, "SELECT village, max(year), max(CASE WHEN year = ? THEN 1 ELSE 0 END) FROM village_budgets"
			 " WHERE published_at IS NOT NULL GROUP BY village", "i", year);
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		struct village_use *x = find(u, *n, db_col_text(st, 0));
		if (x) {
			x->data = true;
			x->budget = db_col_int(st, 2) != 0;
		}
	}
	db_done(st);
	if (rc != DB_DONE ||
	    count_into(c, u, *n, "SELECT village, count(*) FROM village_posts WHERE published_at >= ? GROUP BY village",
		       since, offsetof(struct village_use, posts_30d)) != 0 ||
	    count_into(c, u, *n, "SELECT village, count(*) FROM village_letters WHERE issued_at >= ? GROUP BY village",
		       since, offsetof(struct village_use, letters_30d)) != 0 ||
	    count_into(c, u, *n, "SELECT village, count(*) FROM village_letters WHERE issued_at >= ? GROUP BY village",
		       year_start, offsetof(struct village_use, letters_year)) != 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		struct village_use *x = &u[i];
		x->news = x->posts_30d > 0;
		x->score = 20 * (x->profile + x->news + x->budget + (x->letters_30d > 0) + x->data);
	}
	*out = u;
	return 0;
}

static json_t *use_json(const struct village_use *x)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:i, s:b, s:b, s:I, s:b, s:I, s:I, s:b, s:b}", "kode", x->v->kode,
			 "nama", x->v->nama, "district", "kode", x->v->district, "nama", x->v->district_nama, "score",
			 x->score, "active", x->score > 0, "profile_complete", x->profile, "news_30d",
			 (json_int_t)x->posts_30d, "budget_published", x->budget, "letters_30d",
			 (json_int_t)x->letters_30d, "letters_year", (json_int_t)x->letters_year, "data_submitted", x->data,
			 "letters_served_30d", x->letters_30d > 0);
}

/* The regency's and each district's totals. */
static json_t *totals_json(const struct village_use *u, size_t n)
{
	json_t *districts = json_array();
	int64_t active = 0, score = 0, profile = 0, news = 0, budget = 0, letters30 = 0, letters_year = 0;
	for (size_t i = 0; i < n;) {
		size_t k = i;
		int64_t d_active = 0, d_score = 0;
		for (; k < n && strcmp(u[k].v->district, u[i].v->district) == 0; k++) {
			d_active += u[k].score > 0;
			d_score += u[k].score;
		}
		json_array_append_new(districts, json_pack("{s:s, s:s, s:I, s:I, s:f}", "kode", u[i].v->district, "nama",
			u[i].v->district_nama, "villages", (json_int_t)(k - i), "active", (json_int_t)d_active,
			"average_score", (double)d_score / (double)(k - i)));
		i = k;
	}
	for (size_t i = 0; i < n; i++) {
		active += u[i].score > 0;
		score += u[i].score;
		profile += u[i].profile;
		news += u[i].news;
		budget += u[i].budget;
		letters30 += u[i].letters_30d;
		letters_year += u[i].letters_year;
	}
	return json_pack("{s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:o}", "villages", (json_int_t)n, "active",
			 (json_int_t)active, "average_score", n ? (double)score / (double)n : 0.0, "profile_complete",
			 (json_int_t)profile, "news_30d", (json_int_t)news, "budget_published", (json_int_t)budget,
			 "letters_30d", (json_int_t)letters30, "letters_year", (json_int_t)letters_year, "districts",
			 districts);
}

json_t *villages_overview(struct app *app, struct db_conn *c, struct arena *a)
{
	struct village_use *u;
	size_t n;
	if (villages_use(app, c, a, &u, &n) != 0)
		return NULL;
	return totals_json(u, n);
}

/* GET /api/villages/overview[?district=&format=csv] */
int villages_overview_get(struct req *r)
{
	struct village_use *u;
	size_t n;
	const char *district = req_query(r, "district"), *format = req_query(r, "format");
	if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return reply_error(r, 400, "invalid", "format is json or csv", "format");
	if (villages_use(r->app, r->db, r->arena, &u, &n) != 0)
		return reply_db_error(r);
	if (format && strcmp(format, "csv") == 0) {
		struct strbuf sb;
		strbuf_init(&sb, r->arena, 64 * (n + 1));
		strbuf_addstr(&sb, "kode,desa,kode_kecamatan,kecamatan,skor,profil_lengkap,berita_30_hari,"
				   "apbdes_tahun_ini,surat_30_hari,surat_tahun_ini,data\r\n");
		for (size_t i = 0; i < n; i++) {
			const struct village_use *x = &u[i];
			if (district && strcmp(district, x->v->district) != 0)
				continue;
			strbuf_addf(&sb, "%s,", x->v->kode);
			strbuf_add_csv(&sb, x->v->nama, true);
			strbuf_addf(&sb, ",%s,", x->v->district);
			strbuf_add_csv(&sb, x->v->district_nama, true);
			strbuf_addf(&sb, ",%d,%d,%lld,%d,%lld,%lld,%d\r\n", x->score, x->profile, (long long)x->posts_30d,
				    x->budget, (long long)x->letters_30d, (long long)x->letters_year, x->data);
		}
		if (sb.failed)
			return reply_error(r, 500, "internal", "out of memory", NULL);
		reply_header(r, "Content-Disposition", "attachment; filename=\"desa-digital.csv\"");
		return reply_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		if (!district || strcmp(district, u[i].v->district) == 0)
			json_array_append_new(items, use_json(&u[i]));
	return reply_json(r, 200, json_pack("{s:o, s:o}", "summary", totals_json(u, n), "items", items));
}
