/* indicators.c - the indicator registry and the official figures.
 *
 * The data forum decides, per indicator, its definition, unit and method
 * and the one agency whose figure is official (the designated producer).
 * The official value of (indicator, region, period) is read from published
 * versions only: the designated producer's figure when it has one, else
 * the figure the walidata declared official in a resolved conflict, else
 * the only figure there is.  Other agencies' figures are shown beside it
 * as alternatives with their source.
 */
#include "data.h"
#include "satudata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "nik.h"
#include "audit.h"
#include "regions.h"

#define INDICATOR_SELECT "SELECT id, code, name, definition, unit, method, producer_org_id, additive, tolerance " \
			 "FROM data_indicators "

/* 0 with the indicator's id, designated producer and JSON; 1 when a 404
 * reply was set; -1 on error. */
static int indicator_find(struct req *r, const char *code, int64_t *id, int64_t *producer, json_t **out)
{
	struct db_stmt *st = db_query(r->db, INDICATOR_SELECT "WHERE code = ?", "s", code);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*producer = db_col_int(st, 6);
		/* org lookups run their own statements: copy the row first */
		char *c = arena_strdup(r->arena, db_col_text(st, 1)), *n = arena_strdup(r->arena, db_col_text(st, 2));
		char *d = arena_strdup(r->arena, db_col_text(st, 3)), *u = arena_strdup(r->arena, db_col_text(st, 4));
		char *m = arena_strdup(r->arena, db_col_text(st, 5));
		bool additive = db_col_int(st, 7) != 0;
		double tol = db_col_double(st, 8);
		db_done(st);
		*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:b, s:f}", "code", c, "name", n,
				 "definition", d, "unit", u, "method", m, "producer", "code", data_org_code(r, *producer),
				 "name", data_org_name(r, *producer), "additive", additive, "tolerance", tol);
		return 0;
	}
	db_done(st);
	if (rc == DB_DONE)
		reply_error(r, 404, "not_found", "no indicator has this code", NULL);
	return rc == DB_DONE ? 1 : -1;
}

/* GET /api/data/indicators */
int h_indicators_list(struct req *r)
{
	struct db_stmt *st = db_query(r->db, INDICATOR_SELECT "ORDER BY code", "");
	if (!st)
		return reply_db_error(r);
	/* Rows first: the producer's name is another query. */
	json_t *items = json_array();
	struct indicator_row { int64_t org; json_t *o; } *v = NULL;
	size_t n = 0, cap = 0;
	while (db_step(st) == DB_ROW) {
		struct indicator_row *slot = ARENA_PUSH(r->arena, v, n, cap);
		if (!slot)
			break;
		slot->org = db_col_int(st, 6);
		slot->o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:f}", "code", db_col_text(st, 1),
				   "name", db_col_text(st, 2), "definition", db_col_text(st, 3), "unit", db_col_text(st, 4),
				   "method", db_col_text(st, 5), "additive", db_col_int(st, 7) != 0,
				   "tolerance", db_col_double(st, 8));
	}
	db_done(st);
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(v[i].o, "producer", json_pack("{s:s, s:s}", "code", data_org_code(r, v[i].org),
								   "name", data_org_name(r, v[i].org)));
		json_array_append_new(items, v[i].o);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static bool code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

static int check_common(struct req *r, const char *name, int64_t *producer, double *tol)
{
	const char *p = body_str(r, "producer");
	if (name && !*name)
		return reply_error(r, 400, "invalid", "name must not be blank", "name"), 1;
	if (p && !(*producer = data_unit_id(r->db, p)))
		return reply_error(r, 400, "invalid", "producer is not a unit code", "producer"), 1;
	if (body_has(r, "tolerance")) {
		*tol = json_number_value(json_object_get(r->body, "tolerance"));
		if (*tol < 0 || *tol > 1)
			return reply_error(r, 400, "invalid", "tolerance is a fraction from 0 (exact) to 1", "tolerance"), 1;
	}
	return 0;
}

static const char *opt(struct req *r, const char *name, const char *old)
{
	if (!body_has(r, name))
		return old;
	const char *s = body_str(r, name);
	return s ? s : "";
}

/* POST /api/data/indicators */
int h_indicator_create(struct req *r)
{
	const char *code = body_str(r, "code"), *name = body_str(r, "name");
	int64_t producer = 0, id, prod;
	double tol = 0;
	char now[24];
	json_t *out;
	if (!code_ok(code))
		return reply_error(r, 400, "invalid", "code must be 2 to 32 capital letters, digits, '_', '-' or '.'", "code");
	if (check_common(r, name, &producer, &tol))
		return 0;
	data_now(r->app, now);
	int rc = db_exec(r->db, "INSERT INTO data_indicators (code, name, definition, unit, method, producer_org_id, "
				"additive, tolerance, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "sssssibdss", code, name, opt(r, "definition", ""), opt(r, "unit", ""), opt(r, "method", ""),
			 producer, json_is_true(json_object_get(r->body, "additive")), tol, now, now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "an indicator with this code exists", "code");
	if (rc != DB_DONE || audit_append(r->db, &r->caller, "data.indicator_create",
					  arena_printf(r->arena, "indicator:%s", code), r->body))
		return reply_db_error(r);
	rc = indicator_find(r, code, &id, &prod, &out);
	return rc ? (rc < 0 ? reply_db_error(r) : 0) : reply_json(r, 201, json_pack("{s:o}", "indicator", out));
}

/* PATCH /api/data/indicators/{code} */
int h_indicator_update(struct req *r)
{
	int64_t id, producer;
	json_t *cur;
	int rc = indicator_find(r, req_param(r, "code"), &id, &producer, &cur);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	double tol = json_number_value(json_object_get(cur, "tolerance"));
	const char *name = body_has(r, "name") ? body_str(r, "name") : NULL;
	if (check_common(r, name, &producer, &tol)) {
		json_decref(cur);
		return 0;
	}
	char now[24];
	data_now(r->app, now);
	bool additive = body_has(r, "additive") ? json_is_true(json_object_get(r->body, "additive"))
						: json_is_true(json_object_get(cur, "additive"));
	rc = db_exec(r->db, "UPDATE data_indicators SET name = ?, definition = ?, unit = ?, method = ?, "
			    "producer_org_id = ?, additive = ?, tolerance = ?, updated_at = ? WHERE id = ?",
		     "ssssibdsi", name ? name : json_string_value(json_object_get(cur, "name")),
		     opt(r, "definition", json_string_value(json_object_get(cur, "definition"))),
		     opt(r, "unit", json_string_value(json_object_get(cur, "unit"))),
		     opt(r, "method", json_string_value(json_object_get(cur, "method"))), producer, additive, tol, now, id);
	const char *code = arena_strdup(r->arena, json_string_value(json_object_get(cur, "code")));
	json_decref(cur);
	if (rc != DB_DONE || data_figures_changed(r->db) != 0 || audit_append(r->db, &r->caller, "data.indicator_update",
					  arena_printf(r->arena, "indicator:%s", code), r->body))
		return reply_db_error(r);
	rc = indicator_find(r, code, &id, &producer, &cur);
	return rc ? (rc < 0 ? reply_db_error(r) : 0) : reply_json(r, 200, json_pack("{s:o}", "indicator", cur));
}

/* GET /api/data/indicators/{code}: the registry entry, the tables that
 * report it and the periods with published figures. */
int h_indicator_get(struct req *r)
{
	int64_t id, producer;
	json_t *ind;
	int rc = indicator_find(r, req_param(r, "code"), &id, &producer, &ind);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	json_t *sources = json_array(), *periods = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT d.name, d.title, d.org_id, r.uid, r.name, m.field, r.pub_version "
					     "FROM data_mappings m JOIN data_resources r ON r.id = m.resource_id "
					     "JOIN data_datasets d ON d.id = r.dataset_id WHERE m.indicator_id = ? "
					     "AND d.private = 0 AND d.state = 'active' ORDER BY d.title", "i", id);
	struct src { const char *dn, *dt, *uid, *rn, *field; int64_t org, pub; } s[64];
	size_t n = 0;
	while (st && n < 64 && db_step(st) == DB_ROW) {
		s[n] = (struct src){ arena_strdup(r->arena, db_col_text(st, 0)), arena_strdup(r->arena, db_col_text(st, 1)),
				     arena_strdup(r->arena, db_col_text(st, 3)), arena_strdup(r->arena, db_col_text(st, 4)),
				     arena_strdup(r->arena, db_col_text(st, 5)), db_col_int(st, 2), db_col_int(st, 6) };
		n++;
	}
	db_done(st);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(sources, json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:b, s:b}",
							 "dataset", s[i].dn, "dataset_title", s[i].dt, "resource", s[i].uid,
							 "resource_name", s[i].rn, "field", s[i].field, "org",
							 "code", data_org_code(r, s[i].org), "name", data_org_name(r, s[i].org),
							 "designated", s[i].org == producer, "published", s[i].pub > 0));
	st = db_query(r->db, "SELECT DISTINCT o.period FROM data_obs o JOIN data_resources r ON r.id = o.resource_id "
			     "JOIN data_datasets d ON d.id = r.dataset_id WHERE o.indicator_id = ? AND d.private = 0 "
			     "AND o.from_v <= r.pub_version AND (o.to_v IS NULL OR o.to_v > r.pub_version) "
			     "ORDER BY o.period", "i", id);
	while (st && db_step(st) == DB_ROW)
		json_array_append_new(periods, json_string(db_col_text(st, 0)));
	db_done(st);
	json_object_set_new(ind, "sources", sources);
	json_object_set_new(ind, "periods", periods);
	return reply_json(r, 200, json_pack("{s:o}", "indicator", ind));
}

/* ---- official values ------------------------------------------------------------ */

struct figure {
	const char *region, *period, *uid, *dname, *dtitle;
	double value;
	int64_t org, version;
};

#define FIGURES_SELECT "SELECT o.region, o.period, o.value, o.org_id, r.uid, d.name, d.title, r.pub_version " \
		       "FROM data_obs o JOIN data_resources r ON r.id = o.resource_id " \
		       "JOIN data_datasets d ON d.id = r.dataset_id WHERE o.indicator_id = ? AND d.private = 0 " \
		       "AND o.from_v <= r.pub_version AND (o.to_v IS NULL OR o.to_v > r.pub_version) "

static int figures_read(struct arena *a, struct db_stmt *st, struct figure **out, size_t *n)
{
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && *n < 20000) {
		struct figure *slot = ARENA_PUSH(a, *out, *n, cap);
		if (!slot) {
			rc = DB_ERROR;
			break;
		}
		*slot = (struct figure){ arena_strdup(a, db_col_text(st, 0)),
						  arena_strdup(a, db_col_text(st, 1)),
						  arena_strdup(a, db_col_text(st, 4)),
						  arena_strdup(a, db_col_text(st, 5)),
						  arena_strdup(a, db_col_text(st, 6)), db_col_double(st, 2),
						  db_col_int(st, 3), db_col_int(st, 7) };
	}
	db_done(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

static json_t *source_json(struct req *r, const struct figure *f)
{
	return json_pack("{s:f, s:{s:s, s:s}, s:s, s:s, s:s, s:I}", "value", f->value, "org",
			 "code", data_org_code(r, f->org), "name", data_org_name(r, f->org), "dataset", f->dname,
			 "dataset_title", f->dtitle, "resource", f->uid, "version", (json_int_t)f->version);
}

/* Which of one key's figures (g[0..n), n > 0) is official, and why. */
static size_t official_pick(struct db_conn *c, int64_t indicator, int64_t producer, const struct figure *g, size_t n,
			    const char **how)
{
	size_t pick = n;
	*how = "designated";
	for (size_t i = 0; i < n && pick == n; i++)
		if (g[i].org == producer)
			pick = i;
	if (pick == n && n > 1) {
		/* A conflict the walidata settled names the official side. */
		struct db_stmt *st = db_query(c, "SELECT CASE WHEN official_side = 'a' THEN org_a ELSE org_b END "
						 "FROM data_conflicts WHERE kind = 'agency' AND status = 'resolved' "
						 "AND indicator_id = ? AND region = ? AND period = ? "
						 "ORDER BY resolved_at DESC LIMIT 1", "iss", indicator, g[0].region, g[0].period);
		int64_t org = 0;
		if (st && db_step(st) == DB_ROW)
			org = db_col_int(st, 0);
		db_done(st);
		for (size_t i = 0; i < n && pick == n; i++)
			if (g[i].org == org)
				pick = i;
		*how = "resolved";
	}
	if (pick == n) {
		pick = 0;
		*how = n > 1 ? "unresolved" : "only_source";
	}
	return pick;
}

/* One key's figures (g[0..n)) -> {region, period, value, source, ...}. */
static json_t *official(struct req *r, int64_t indicator, int64_t producer, const struct figure *g, size_t n)
{
	const char *how;
	size_t pick = official_pick(r->db, indicator, producer, g, n, &how);
	const char *nama = NULL;
	int level = 0;
	regions_lookup(r->db, r->arena, g[pick].region, &nama, &level);
	json_t *alts = json_array();
	for (size_t i = 0; i < n; i++)
		if (i != pick)
			json_array_append_new(alts, source_json(r, &g[i]));
	return json_pack("{s:{s:s, s:s?, s:i}, s:s, s:f, s:o, s:s, s:o}", "region", "kode", g[pick].region,
			 "nama", nama, "level", region_code_level(g[pick].region), "period", g[pick].period,
			 "value", g[pick].value, "source", source_json(r, &g[pick]), "basis", how,
			 "alternatives", alts);
}

static json_t *group_officials(struct req *r, int64_t id, int64_t producer, const struct figure *f, size_t n,
			       int level)
{
	json_t *items = json_array();
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && strcmp(f[j].region, f[i].region) == 0 && strcmp(f[j].period, f[i].period) == 0)
			j++;
		if (!level || region_code_level(f[i].region) == level)
			json_array_append_new(items, official(r, id, producer, &f[i], j - i));
		i = j;
	}
	return items;
}

/* GET /api/data/indicators/{code}/values?region=K (over time)
 *     /api/data/indicators/{code}/values?period=P&parent=K (the regions
 *     directly below K, default the regency, with K itself as "total") */
int h_indicator_values(struct req *r)
{
	int64_t id, producer;
	json_t *ind;
	int rc = indicator_find(r, req_param(r, "code"), &id, &producer, &ind);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	const char *region = req_query(r, "region"), *period = req_query(r, "period");
	const char *parent = req_query(r, "parent");
	struct figure *f;
	size_t n;
	if (region) {
		if (figures_read(r->arena, db_query(r->db, FIGURES_SELECT "AND o.region = ? ORDER BY o.period, o.region, o.org_id",
					     "is", id, region), &f, &n))
			return json_decref(ind), reply_db_error(r);
		return reply_json(r, 200, json_pack("{s:o, s:s, s:o}", "indicator", ind, "region", region,
						    "items", group_officials(r, id, producer, f, n, 0)));
	}
	if (!parent)
		parent = r->app->cfg.regency_code ? r->app->cfg.regency_code : "33.03";
	int plevel = region_code_level(parent);
	if (plevel == 0 || plevel == 4)
		return json_decref(ind), reply_error(r, 400, "invalid", "parent must be a province, regency or "
						     "district code", "parent");
	if (!period) {
		/* The latest period with a published figure below parent. */
		struct db_stmt *st = db_query(r->db, "SELECT max(o.period) FROM data_obs o JOIN data_resources r "
						     "ON r.id = o.resource_id WHERE o.indicator_id = ? AND o.region >= ? "
						     "AND o.region < ? AND o.from_v <= r.pub_version "
						     "AND (o.to_v IS NULL OR o.to_v > r.pub_version)", "iss", id,
					      arena_printf(r->arena, "%s.", parent), arena_printf(r->arena, "%s/", parent));
		if (st && db_step(st) == DB_ROW && !db_col_is_null(st, 0))
			period = arena_strdup(r->arena, db_col_text(st, 0));
		db_done(st);
	}
	json_t *total = json_null(), *items = json_array();
	if (period) {
		/* '.' then '/': the codes that start with "parent." */
		if (figures_read(r->arena, db_query(r->db, FIGURES_SELECT "AND o.period = ? AND o.region > ? AND o.region < ? "
						    "ORDER BY o.region, o.period, o.org_id", "isss", id, period,
					     arena_printf(r->arena, "%s.", parent), arena_printf(r->arena, "%s/", parent)),
				 &f, &n)) {
			json_decref(ind);
			json_decref(items);
			return reply_db_error(r);
		}
		json_decref(items);
		items = group_officials(r, id, producer, f, n, plevel + 1);
		if (figures_read(r->arena, db_query(r->db, FIGURES_SELECT "AND o.region = ? AND o.period = ? ORDER BY o.org_id",
					     "iss", id, parent, period), &f, &n) == 0 && n > 0)
			total = official(r, id, producer, f, n);
	}
	return reply_json(r, 200, json_pack("{s:o, s:s, s:s?, s:o, s:o}", "indicator", ind, "parent", parent,
					    "period", period, "total", total, "items", items));
}

int data_official_latest(struct db_conn *c, struct arena *a, const char *indicator, const char *region,
			 struct data_figure *out)
{
	int64_t id = 0, producer = 0;
	struct db_stmt *st = db_query(c, "SELECT id, producer_org_id FROM data_indicators WHERE code = ?", "s", indicator);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		producer = db_col_int(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 1 : -1;
	/* The latest period first; its figures side by side. */
	struct figure *f;
	size_t n;
	if (figures_read(a, db_query(c, FIGURES_SELECT "AND o.region = ? ORDER BY o.period DESC, o.org_id", "is", id,
				      region), &f, &n) != 0)
		return -1;
	if (n == 0)
		return 1;
	size_t k = 1;
	while (k < n && strcmp(f[k].period, f[0].period) == 0)
		k++;
	const char *how;
	const struct figure *g = &f[official_pick(c, id, producer, f, k, &how)];
	*out = (struct data_figure){ .value = g->value, .period = g->period, .dataset = g->dname,
				     .dataset_title = g->dtitle, .basis = how };
	return 0;
}

/* One row, bumped in each change's own transaction: summing the
 * catalogue's published versions instead cost a village page 10,400
 * instructions with the demo's 16 tables, and grew with the catalogue. */
int data_figures_stamp(struct db_conn *c, int64_t *stamp)
{
	return db_query_int(c, stamp, "SELECT version FROM data_figures_version WHERE id = 1", "") == DB_ROW ? 0 : -1;
}

int data_figures_changed(struct db_conn *c)
{
	return db_exec(c, "UPDATE data_figures_version SET version = version + 1 WHERE id = 1", "") == DB_DONE ? 0 : -1;
}
