/* spaces.c - the village's public space: the list of every village of
 * the regency, one village's page (profile, latest news, photos, budgets
 * published, its public information list, area and population from Satu
 * Data when it has them) and its operators' profile edits.
 */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "data/data.h"
#include "strbuf.h"
#include "util.h"

/* GET /api/villages[?district=33.03.01]: every village, district by district. */
int villages_list(struct req *r)
{
	struct village *v;
	size_t n;
	const char *district = req_query(r, "district");
	if (villages_all(r->app, r->db, r->arena, &v, &n) != 0)
		return reply_db_error(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		if (!district || strcmp(district, v[i].district) == 0)
			json_array_append_new(items, json_pack("{s:s, s:s, s:{s:s, s:s}}", "kode", v[i].kode, "nama",
				v[i].nama, "district", "kode", v[i].district, "nama", v[i].district_nama));
	return reply_json(r, 200, json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items));
}

static json_t *num_or_null(struct db_stmt *st, int i, bool real)
{
	if (db_col_is_null(st, i))
		return json_null();
	return real ? json_real(db_col_double(st, i)) : json_integer(db_col_int(st, i));
}

/* The village's profile: {head_name, ..., complete}. */
static json_t *profile_json(struct req *r, const char *kode)
{
	struct db_stmt *st = db_query(r->db, "SELECT head_name, address, phone, email, website, description, area_km2,"
					     " population, lat, lon, updated_at FROM village_profiles WHERE village = ?",
				      "s", kode);
	if (!st)
		return NULL;
	int rc = db_step(st);
	json_t *p;
	if (rc == DB_ROW) {
#define S(i) (db_col_is_null(st, i) ? NULL : db_col_text(st, i))
		p = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:o, s:s?}", "head_name", S(0),
			      "address", S(1), "phone", S(2), "email", S(3), "website", S(4), "description", S(5),
			      "area_km2", num_or_null(st, 6, true), "population", num_or_null(st, 7, false),
			      "lat", num_or_null(st, 8, true), "lon", num_or_null(st, 9, true), "updated_at", S(10));
		json_object_set_new(p, "complete", json_boolean(S(0) && S(1) && (S(2) || S(3))));
#undef S
	} else {
		p = json_pack("{s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:b}", "head_name", "address",
			      "phone", "email", "website", "description", "area_km2", "population", "lat", "lon",
			      "updated_at", "complete", 0);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* The Satu Data indicators a village's profile shows, as the data forum's
 * registry names them (src/data/demo.c registers both). */
#define POPULATION_INDICATOR "PDDK-JUMLAH"
#define AREA_INDICATOR "LUAS-WILAYAH"

/* A profile figure: Satu Data's official one for the village when it has
 * one, else what the village's operators entered (own), else null. */
static json_t *figure_json(struct req *r, const char *indicator, const char *kode, json_t *own, int *rc)
{
	struct data_figure f;
	*rc = data_official_latest(r->db, r->arena, indicator, kode, &f);
	if (*rc == 0)
		return json_pack("{s:f, s:s, s:s, s:s, s:s, s:s}", "value", f.value, "source", "satu_data", "period", f.period,
				 "dataset", f.dataset, "dataset_title", f.dataset_title, "basis", f.basis);
	if (*rc < 0 || !json_is_number(own))
		return json_null();
	return json_pack("{s:O, s:s}", "value", own, "source", "village");
}

/* The village's page as this caller sees it (staff: drafts' budgets and
 * their tools); NULL on a database error. */
static json_t *page_json(struct req *r, const struct village *v, bool staff)
{
	json_t *profile = profile_json(r, v->kode);
	json_t *news = profile ? villages_posts_latest(r, v->kode, 5) : NULL;
	json_t *budgets = news ? villages_budget_years(r, v->kode, !staff) : NULL;
	json_t *photos = budgets ? villages_photos_json(r, v->kode) : NULL;
	json_t *information = photos ? villages_information_json(r, v->kode) : NULL;
	int prc = 0, arc = 0;
	json_t *figures = information ? json_pack("{s:o, s:o}",
		"population", figure_json(r, POPULATION_INDICATOR, v->kode, json_object_get(profile, "population"), &prc),
		"area_km2", figure_json(r, AREA_INDICATOR, v->kode, json_object_get(profile, "area_km2"), &arc)) : NULL;
	if (!figures || prc < 0 || arc < 0) {
		json_decref(figures);
		json_decref(information);
		json_decref(profile);
		json_decref(news);
		json_decref(budgets);
		json_decref(photos);
		return NULL;
	}
	/* The village's letter kinds are GET /api/villages/{kode}/letter-kinds,
	 * which the pages that offer them ask beside this. */
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:b, s:b}}",
		"kode", v->kode, "nama", v->nama, "district", "kode", v->district, "nama", v->district_nama,
		"profile", profile, "figures", figures, "news", news, "budgets", budgets, "photos", photos, "information",
		information, "viewer", "operator", (int)village_may_edit(r, v->kode), "head",
		(int)can(&r->caller, &villages_approve, &(struct object){ .village = v->kode }));
}

/* GET /api/villages/{kode}: the village's page; everyone but its staff
 * gets the same one, kept ready (page_cache.c). */
int villages_get(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	bool staff = village_may_edit(r, v.kode) || can(&r->caller, &villages_approve, &(struct object){ .village = v.kode });
	if (staff || !r->app->village_pages) {
		json_t *page = page_json(r, &v, staff);
		return page ? reply_json(r, 200, page) : reply_db_error(r);
	}
	/* The version and the page are read in the request's one snapshot. */
	struct page_version pv;
	size_t len;
	if (villages_page_version(r, v.kode, &pv) != 0)
		return reply_db_error(r);
	const char *text = village_page_get(r->app, r->arena, v.kode, &pv, &len);
	if (!text) {
		json_t *page = page_json(r, &v, false);
		if (!page)
			return reply_db_error(r);
		if (!(text = reply_json_text(r, page, &len)))
			return reply_error(r, 500, "internal", "out of memory", NULL);
		village_page_put(r->app, v.kode, &pv, text, len);
	}
	return reply_text(r, 200, "application/json; charset=utf-8", text, len);
}

static bool coordinate_ok(const json_t *j, double lo, double hi)
{
	return !j || json_is_null(j) || (json_is_number(j) && json_number_value(j) >= lo && json_number_value(j) <= hi);
}

/* PATCH /api/villages/{kode}/profile: the members given, null clears one. */
int villages_profile_patch(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return reply_error_lang(r, 403, "forbidden", "only this village's operators edit its profile",
					"Hanya operator desa ini yang dapat mengubah profilnya.", NULL);
	static const char *const texts[] = { "head_name", "address", "phone", "email", "website", "description" };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *s = body_str(r, texts[i]);
		if (s && !village_text_ok(s, strcmp(texts[i], "description") == 0))
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be readable text", texts[i]),
					   texts[i]);
	}
	json_t *b = r->body;
	if (!coordinate_ok(json_object_get(b, "lat"), -11.5, 6.5))
		return reply_error(r, 400, "invalid", "lat must be within Indonesia (-11.5 to 6.5)", "lat");
	if (!coordinate_ok(json_object_get(b, "lon"), 94.5, 141.5))
		return reply_error(r, 400, "invalid", "lon must be within Indonesia (94.5 to 141.5)", "lon");
	if (!coordinate_ok(json_object_get(b, "area_km2"), 0, 10000))
		return reply_error(r, 400, "invalid", "area_km2 must be between 0 and 10000", "area_km2");
	json_t *pop = json_object_get(b, "population");
	if (pop && !json_is_null(pop) && (json_integer_value(pop) < 0 || json_integer_value(pop) > 10000000))
		return reply_error(r, 400, "invalid", "population must be between 0 and 10000000", "population");
	char now[24];
	time_iso(app_now(r->app), now);
	if (db_exec(r->db, "INSERT INTO village_profiles (village, updated_at, updated_by) VALUES (?, ?, ?) "
			   "ON CONFLICT (village) DO NOTHING", "ssi", v.kode, now, r->caller.user_id) != DB_DONE)
		return reply_db_error(r);
	/* One statement per member given: a fixed text each, every value bound. */
	static const struct {
		const char *name, *sql;
		char type;
	} cols[] = {
		{ "head_name", "UPDATE village_profiles SET head_name = ? WHERE village = ?", 's' },
		{ "address", "UPDATE village_profiles SET address = ? WHERE village = ?", 's' },
		{ "phone", "UPDATE village_profiles SET phone = ? WHERE village = ?", 's' },
		{ "email", "UPDATE village_profiles SET email = ? WHERE village = ?", 's' },
		{ "website", "UPDATE village_profiles SET website = ? WHERE village = ?", 's' },
		{ "description", "UPDATE village_profiles SET description = ? WHERE village = ?", 's' },
		{ "area_km2", "UPDATE village_profiles SET area_km2 = ? WHERE village = ?", 'd' },
		{ "population", "UPDATE village_profiles SET population = ? WHERE village = ?", 'i' },
		{ "lat", "UPDATE village_profiles SET lat = ? WHERE village = ?", 'd' },
		{ "lon", "UPDATE village_profiles SET lon = ? WHERE village = ?", 'd' },
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		json_t *j = json_object_get(b, cols[i].name);
		if (!j)
			continue;
		struct db_value val[2] = { { .type = 's' }, { .type = 's', .s = v.kode } };
		if (json_is_null(j))
			val[0] = (struct db_value){ .type = 's', .s = NULL };
		else if (cols[i].type == 's')
			val[0] = (struct db_value){ .type = 's', .s = json_string_value(j) };
		else if (cols[i].type == 'd')
			val[0] = (struct db_value){ .type = 'd', .d = json_number_value(j) };
		else
			val[0] = (struct db_value){ .type = 'i', .i = json_integer_value(j) };
		if (db_exec_values(r->db, cols[i].sql, val, 2) != DB_DONE)
			return reply_db_error(r);
	}
	if (db_exec(r->db, "UPDATE village_profiles SET updated_at = ?, updated_by = ? WHERE village = ?", "sis", now,
		    r->caller.user_id, v.kode) != DB_DONE ||
	    audit_append(r->db, &r->caller, "village.profile", arena_printf(r->arena, "village:%s", v.kode), b) != 0 ||
	    villages_page_changed(r, v.kode) != 0)
		return reply_db_error(r);
	json_t *p = profile_json(r, v.kode);
	if (!p)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "profile", p));
}
