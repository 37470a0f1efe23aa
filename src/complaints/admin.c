/* admin.c - what the complaints service is configured with: categories
 * and their routing (a default OPD per category, optionally one per
 * district), the flow's settings (desk unit, working days per state),
 * response templates, the list of a unit's officers for assignment, and the
 * demo categories.
 */
#include "internal.h"
#include "can.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "nik.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"

#define DAYS_MAX 60

/* {code, name} of a unit from two adjacent columns, or null. */
static json_t *unit_or_null(struct db_stmt *st, int code_col)
{
	return db_col_is_null(st, code_col) ? json_null()
		: json_pack("{s:s, s:s}", "code", db_col_text(st, code_col), "name", db_col_text(st, code_col + 1));
}

/* ---- categories -------------------------------------------------------------------------- */

static json_t *routes_json(struct req *r, int64_t category_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT cr.district, u.code, u.name FROM complaint_routes cr "
					     "JOIN org_units u ON u.id = cr.unit_id WHERE cr.category_id = ? "
					     "ORDER BY cr.district", "i", category_id);
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(out, json_pack("{s:s, s:{s:s, s:s}}", "district", db_col_text(st, 0),
						     "unit", "code", db_col_text(st, 1), "name", db_col_text(st, 2)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return NULL;
	}
	size_t i;
	json_t *row;
	json_array_foreach(out, i, row) {
		const char *kode = json_string_value(json_object_get(row, "district"));
		json_object_set_new(row, "district", complaint_region_json(r, kode));
	}
	return out;
}

#define CATEGORY_SELECT \
	"SELECT k.id, k.code, k.name, k.name_en, k.group_name, k.description, k.keywords, k.sensitive, k.active," \
	" k.demo, u.code, u.name, k.outside_regency FROM complaint_categories k LEFT JOIN org_units u ON u.id = k.unit_id "

/* Categories as JSON, routes included when with_routes. */
static json_t *categories_json(struct req *r, struct db_stmt *st, bool with_routes)
{
	if (!st)
		return NULL;
	json_t *out = json_array();
	int64_t ids[512];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < 512) {
		ids[n++] = db_col_int(st, 0);
		json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:b, s:b, s:o, s:b}",
			"code", db_col_text(st, 1), "name", db_col_text(st, 2), "name_en", db_col_text(st, 3),
			"group", db_col_text(st, 4), "description", db_col_text(st, 5), "keywords", db_col_text(st, 6),
			"sensitive", (int)db_col_int(st, 7), "active", (int)db_col_int(st, 8), "demo", (int)db_col_int(st, 9),
			"unit", unit_or_null(st, 10), "outside_regency", (int)db_col_int(st, 12)));
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; with_routes && i < n; i++) {
		json_t *routes = routes_json(r, ids[i]);
		if (!routes) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(json_array_get(out, i), "routes", routes);
	}
	return out;
}

/* GET /api/complaints/categories?all=true (all: admins, inactive too) */
int complaints_categories(struct req *r)
{
	const char *all = req_query(r, "all");
	bool every = all && strcmp(all, "true") == 0;
	if (every && !can(&r->caller, &complaints_settings, NULL))
		return reply_error(r, 403, "forbidden", "only admins list inactive categories", "all");
	json_t *items = categories_json(r, db_query(r->db, CATEGORY_SELECT "WHERE (? = 1 OR k.active = 1) "
						   "ORDER BY k.sort, k.name", "b", (int)every), every);
	if (!items)
		return complaints_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static bool code_ok(const char *code)
{
	size_t n = strlen(code);
	if (n < 2 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9') ||
		      (i > 0 && (code[i] == '_' || code[i] == '-'))))
			return false;
	return true;
}

/* A unit code from the body (NULL allowed): 0 with *id, -1 replied. */
static int unit_field(struct req *r, const char *code, const char *field, int64_t *id)
{
	*id = 0;
	if (!code)
		return 0;
	int rc = orgs_id_by_code(r->db, code, id);
	if (rc < 0)
		return complaints_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is not the code of an organisation unit",
								  field), field), -1;
	return 0;
}

/* routes: [{district, unit}], each district of this regency once. */
static int routes_store(struct req *r, int64_t category_id, json_t *routes)
{
	size_t i;
	json_t *row;
	if (db_exec(r->db, "DELETE FROM complaint_routes WHERE category_id = ?", "i", category_id) != DB_DONE)
		return complaints_db_error(r), -1;
	json_array_foreach(routes, i, row) {
		const char *district = json_string_value(json_object_get(row, "district"));
		const char *unit = json_string_value(json_object_get(row, "unit"));
		int level = 0;
		int64_t unit_id;
		if (!json_is_object(row) || json_object_size(row) != 2 || !district || !unit)
			return reply_error(r, 400, "invalid", "routes must be a list of {district, unit}", "routes"), -1;
		int rc = region_code_level(district) == 3 ? regions_lookup(r->db, r->arena, district, NULL, &level) : 1;
		if (rc < 0)
			return complaints_db_error(r), -1;
		if (rc > 0 || level != 3)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "routes[%zu].district is not a district "
									   "code in the region register", i), "routes"), -1;
		if (unit_field(r, unit, "routes", &unit_id))
			return -1;
		rc = db_exec(r->db, "INSERT INTO complaint_routes (category_id, district, unit_id) VALUES (?, ?, ?)",
			     "isi", category_id, district, unit_id);
		if (rc == DB_CONSTRAINT)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "routes names district %s twice",
									   district), "routes"), -1;
		if (rc != DB_DONE)
			return complaints_db_error(r), -1;
	}
	return 0;
}

static int reply_category(struct req *r, int status, const char *code)
{
	json_t *items = categories_json(r, db_query(r->db, CATEGORY_SELECT "WHERE k.code = ?", "s", code), true);
	if (!items || json_array_size(items) != 1) {
		json_decref(items);
		return complaints_db_error(r);
	}
	json_t *one = json_incref(json_array_get(items, 0));
	json_decref(items);
	return reply_json(r, status, json_pack("{s:o}", "category", one));
}

static int check_texts(struct req *r)
{
	static const char *const one_line[] = { "name", "name_en", "group", "keywords" };
	for (size_t i = 0; i < sizeof(one_line) / sizeof(one_line[0]); i++) {
		const char *v = body_str(r, one_line[i]);
		if (v && !complaint_text_ok(v, false))
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be one line of text",
									   one_line[i]), one_line[i]), -1;
	}
	const char *d = body_str(r, "description");
	if (d && *d && !complaint_text_ok(d, true))
		return reply_error(r, 400, "invalid", "description must be readable text", "description"), -1;
	return 0;
}

/* POST /api/complaints/categories */
int complaints_category_create(struct req *r)
{
	const char *code = body_str(r, "code");
	int64_t unit_id, id;
	json_t *routes = json_object_get(r->body, "routes");
	if (!code_ok(code))
		return reply_error(r, 400, "invalid", "code must be 2 to 32 capital letters, digits, '_' or '-'", "code");
	if (check_texts(r) || unit_field(r, body_str(r, "unit"), "unit", &unit_id))
		return 0;
	char now[24];
	time_iso(app_now(r->app), now);
	int rc = db_query_int(r->db, &id, "INSERT INTO complaint_categories (code, name, name_en, group_name, description,"
					  " keywords, sensitive, unit_id, active, outside_regency, created_at, updated_at) "
					  "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?) RETURNING id",
			      "ssssssbibbss", code, body_str(r, "name"), body_str(r, "name_en"), body_str(r, "group"),
			      body_str(r, "description"), body_str(r, "keywords"),
			      (int)json_is_true(json_object_get(r->body, "sensitive")), unit_id,
			      (int)!json_is_false(json_object_get(r->body, "active")),
			      (int)json_is_true(json_object_get(r->body, "outside_regency")), now, now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "a category with this code exists", "code");
	if (rc != DB_ROW)
		return complaints_db_error(r);
	if (routes && routes_store(r, id, routes))
		return 0;
	if (audit_append(r->db, &r->caller, "complaint.category_create", arena_printf(r->arena, "complaint_category:%s", code),
			 r->body) != 0)
		return complaints_db_error(r);
	return reply_category(r, 201, code);
}

/* PATCH /api/complaints/categories/{code} */
int complaints_category_update(struct req *r)
{
	const char *code = req_param(r, "code");
	int64_t id, unit_id = 0;
	int rc = db_query_int(r->db, &id, "SELECT id FROM complaint_categories WHERE code = ?", "s", code);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no category has this code", NULL);
	if (rc != DB_ROW)
		return complaints_db_error(r);
	if (check_texts(r) || (body_has(r, "unit") && unit_field(r, body_str(r, "unit"), "unit", &unit_id)))
		return 0;
	char now[24];
	time_iso(app_now(r->app), now);
	/* Each member given replaces the stored one; absent ones stay. */
	if (db_exec(r->db, "UPDATE complaint_categories SET "
			   "name = CASE WHEN ? = 1 THEN ? ELSE name END, "
			   "name_en = CASE WHEN ? = 1 THEN ? ELSE name_en END, "
			   "group_name = CASE WHEN ? = 1 THEN ? ELSE group_name END, "
			   "description = CASE WHEN ? = 1 THEN ? ELSE description END, "
			   "keywords = CASE WHEN ? = 1 THEN ? ELSE keywords END, "
			   "sensitive = CASE WHEN ? = 1 THEN ? ELSE sensitive END, "
			   "unit_id = CASE WHEN ? = 1 THEN NULLIF(?, 0) ELSE unit_id END, "
			   "active = CASE WHEN ? = 1 THEN ? ELSE active END, "
			   "outside_regency = CASE WHEN ? = 1 THEN ? ELSE outside_regency END, updated_at = ? WHERE id = ?",
		    "bsbsbsbsbsbbbibbbbsi",
		    (int)body_has(r, "name"), body_str(r, "name"), (int)body_has(r, "name_en"), body_str(r, "name_en"),
		    (int)body_has(r, "group"), body_str(r, "group"), (int)body_has(r, "description"),
		    body_str(r, "description"), (int)body_has(r, "keywords"), body_str(r, "keywords"),
		    (int)body_has(r, "sensitive"), (int)json_is_true(json_object_get(r->body, "sensitive")),
		    (int)body_has(r, "unit"), unit_id, (int)body_has(r, "active"),
		    (int)json_is_true(json_object_get(r->body, "active")), (int)body_has(r, "outside_regency"),
		    (int)json_is_true(json_object_get(r->body, "outside_regency")), now, id) != DB_DONE)
		return complaints_db_error(r);
	if (body_has(r, "routes") && routes_store(r, id, json_object_get(r->body, "routes")))
		return 0;
	if (audit_append(r->db, &r->caller, "complaint.category_update", arena_printf(r->arena, "complaint_category:%s", code),
			 r->body) != 0)
		return complaints_db_error(r);
	return reply_category(r, 200, code);
}

/* ---- settings ------------------------------------------------------------------------------ */

static int reply_settings(struct req *r)
{
	struct case_ctx x;
	struct case_config cfg;
	complaints_ctx(r, &x);
	if (case_config_load(&x, &complaint_type, &cfg) != 0)
		return complaints_db_error(r);
	json_t *days = json_object();
	for (int i = 0; complaint_type.states[i].name; i++)
		if (complaint_type.states[i].days > 0)
			json_object_set_new(days, complaint_type.states[i].name, json_integer(cfg.days[i]));
	const char *code = NULL, *name = NULL;
	if (cfg.desk_unit_id)
		orgs_code_name(r->db, r->arena, cfg.desk_unit_id, &code, &name);
	return reply_json(r, 200, json_pack("{s:{s:s?, s:s?, s:b}, s:o, s:b}", "desk_unit", "code", cfg.desk_unit,
					    "name", name, "exists", (int)(cfg.desk_unit_id != 0), "days", days,
					    "cuti_bersama_off", (int)((cfg.policy & CAL_CUTI_BERSAMA_OFF) != 0)));
}

/* GET /api/complaints/settings */
int complaints_settings_get(struct req *r)
{
	return reply_settings(r);
}

/* PATCH /api/complaints/settings {desk_unit?, days?: {state: n}, cuti_bersama_off?} */
int complaints_settings_patch(struct req *r)
{
	struct case_ctx x;
	complaints_ctx(r, &x);
	json_t *days = json_object_get(r->body, "days");
	const char *key;
	json_t *v;
	int64_t unit_id;
	if (body_has(r, "desk_unit") && unit_field(r, body_str(r, "desk_unit"), "desk_unit", &unit_id))
		return 0;
	json_object_foreach(days, key, v) {
		int i = case_state_index(&complaint_type, key);
		if (i < 0 || complaint_type.states[i].days <= 0)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "days.%s: the state %s has no deadline",
									   key, key), "days");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > DAYS_MAX)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "days.%s must be a whole number of "
									   "working days from 1 to %d", key, DAYS_MAX), "days");
	}
	if (body_has(r, "desk_unit") && case_config_set(&x, &complaint_type, "desk_unit", body_str(r, "desk_unit")) != 0)
		return complaints_db_error(r);
	json_object_foreach(days, key, v) {
		if (case_config_set(&x, &complaint_type, arena_printf(r->arena, "days.%s", key),
				    arena_printf(r->arena, "%lld", (long long)json_integer_value(v))) != 0)
			return complaints_db_error(r);
	}
	if (body_has(r, "cuti_bersama_off") &&
	    case_config_set(&x, &complaint_type, "cuti_bersama_off",
			    json_is_true(json_object_get(r->body, "cuti_bersama_off")) ? "1" : "0") != 0)
		return complaints_db_error(r);
	return reply_settings(r);
}

/* ---- templates ------------------------------------------------------------------------------- */

/* GET /api/complaints/templates: the regency's and the caller's units'. */
int complaints_templates(struct req *r)
{
	bool all = can(&r->caller, &complaints_oversee, NULL);
	int64_t u[8] = { 0 };
	caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, u, 8);
	struct db_stmt *st = db_query(r->db, "SELECT t.id, t.title, t.body, o.code, o.name FROM complaint_templates t "
					     "LEFT JOIN org_units o ON o.id = t.unit_id WHERE ? = 1 OR t.unit_id IS NULL "
					     "OR t.unit_id IN (?, ?, ?, ?, ?, ?, ?, ?) ORDER BY t.title, t.id",
				      "biiiiiiii", (int)all, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7]);
	if (!st)
		return complaints_db_error(r);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)db_col_int(st, 0),
						       "title", db_col_text(st, 1), "body", db_col_text(st, 2),
						       "unit", unit_or_null(st, 3)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/complaints/templates {title, body, unit?}: a unit's template
 * by its staff; one for the whole regency (no unit) by admins. */
int complaints_template_create(struct req *r)
{
	const char *title = body_str(r, "title"), *body = body_str(r, "body"), *unit = body_str(r, "unit");
	int64_t unit_id, id;
	if (!complaint_text_ok(title, false))
		return reply_error(r, 400, "invalid", "title must be one line of text", "title");
	if (!complaint_text_ok(body, true))
		return reply_error(r, 400, "invalid", "body is required", "body");
	if (unit_field(r, unit, "unit", &unit_id))
		return 0;
	if (!unit_id ? !can(&r->caller, &complaints_settings, NULL)
		     : !can(&r->caller, &complaints_unit_work, &(struct object){ .unit_id = unit_id }))
		return reply_error(r, 403, "forbidden", "officers keep templates for their own unit; give its code as unit",
				   "unit");
	char now[24];
	time_iso(app_now(r->app), now);
	if (db_query_int(r->db, &id, "INSERT INTO complaint_templates (unit_id, title, body, created_at) "
				     "VALUES (NULLIF(?, 0), ?, ?, ?) RETURNING id", "isss", unit_id, title, body, now) != DB_ROW)
		return complaints_db_error(r);
	if (audit_append(r->db, &r->caller, "complaint.template_create",
			 arena_printf(r->arena, "complaint_template:%lld", (long long)id), r->body) != 0)
		return complaints_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:I, s:s, s:s, s:s?}}", "template", "id", (json_int_t)id,
					    "title", title, "body", body, "unit", unit));
}

/* The template {id} names, when the caller may change it: 0 with *id and
 * *unit_id (0: the regency's), -1 replied. */
static int template_mine(struct req *r, long long *id, int64_t *unit_id)
{
	char *end;
	*id = strtoll(req_param(r, "id"), &end, 10);
	*unit_id = 0;
	int rc = *end || *id <= 0 ? DB_DONE
		 : db_query_int(r->db, unit_id, "SELECT coalesce(unit_id, 0) FROM complaint_templates WHERE id = ?",
				"i", (int64_t)*id);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no such template", NULL), -1;
	if (rc != DB_ROW)
		return complaints_db_error(r), -1;
	if (!*unit_id ? !can(&r->caller, &complaints_settings, NULL)
		      : !can(&r->caller, &complaints_unit_work, &(struct object){ .unit_id = *unit_id }))
		return reply_error(r, 403, "forbidden", "this template belongs to another unit", NULL), -1;
	return 0;
}

/* PATCH /api/complaints/templates/{id} {title?, body?}: its unit stays. */
int complaints_template_update(struct req *r)
{
	long long id;
	int64_t unit_id;
	const char *title = body_str(r, "title"), *body = body_str(r, "body");
	if (template_mine(r, &id, &unit_id))
		return 0;
	if (body_has(r, "title") && !complaint_text_ok(title, false))
		return reply_error(r, 400, "invalid", "title must be one line of text", "title");
	if (body_has(r, "body") && !complaint_text_ok(body, true))
		return reply_error(r, 400, "invalid", "body must not be blank", "body");
	if (!title && !body)
		return reply_error(r, 400, "invalid", "give a new title or body", NULL);
	struct db_stmt *st = db_query(r->db, "UPDATE complaint_templates SET title = coalesce(?, title), "
					     "body = coalesce(?, body) WHERE id = ? RETURNING title, body",
				      "ssi", title, body, (int64_t)id);
	if (!st || db_step(st) != DB_ROW) {
		db_done(st);
		return complaints_db_error(r);
	}
	json_t *out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", db_col_text(st, 0),
				"body", db_col_text(st, 1));
	db_done(st);
	const char *code = NULL, *name = NULL;
	if (unit_id)
		orgs_code_name(r->db, r->arena, unit_id, &code, &name);
	json_object_set_new(out, "unit", code ? json_pack("{s:s, s:s?}", "code", code, "name", name) : json_null());
	if (audit_append(r->db, &r->caller, "complaint.template_update",
			 arena_printf(r->arena, "complaint_template:%lld", id), r->body) != 0) {
		json_decref(out);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "template", out));
}

/* DELETE /api/complaints/templates/{id} */
int complaints_template_delete(struct req *r)
{
	long long id;
	int64_t unit_id;
	if (template_mine(r, &id, &unit_id))
		return 0;
	if (db_exec(r->db, "DELETE FROM complaint_templates WHERE id = ?", "i", (int64_t)id) != DB_DONE ||
	    audit_append(r->db, &r->caller, "complaint.template_delete",
			 arena_printf(r->arena, "complaint_template:%lld", id), NULL) != 0)
		return complaints_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- staff --------------------------------------------------------------------------------- */

/* GET /api/complaints/staff?unit=CODE: who a complaint can be assigned to. */
int complaints_staff(struct req *r)
{
	const char *unit = req_query(r, "unit");
	int64_t unit_id = 0;
	caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, &unit_id, 1);
	if (unit && unit_field(r, unit, "unit", &unit_id))
		return 0;
	if (!unit_id)
		return reply_error(r, 400, "invalid", "unit is required", "unit");
	if (!can(&r->caller, &complaints_oversee, NULL) &&
	    !can(&r->caller, &complaints_unit_work, &(struct object){ .unit_id = unit_id }))
		return reply_error(r, 403, "forbidden", "you may list the staff of your own units only", "unit");
	struct staff_member *m;
	size_t n;
	if (auth_unit_staff(r->db, r->arena, unit_id, ROLE_OFFICER | ROLE_UNIT_HEAD, &m, &n) != 0)
		return complaints_db_error(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)m[i].id, "name", m[i].name,
						       "role", role_name(m[i].role)));
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- demo categories ------------------------------------------------------------------------------ */

static const struct demo_category {
	const char *code, *name, *name_en, *group, *unit, *keywords;
	bool sensitive;
} demo_categories[] = {
	{ "JALAN", "Jalan dan jembatan rusak", "Damaged roads and bridges", "Infrastruktur", "PUPR",
	  "jalan,berlubang,jembatan,aspal", false },
	{ "DRAINASE", "Saluran air dan banjir", "Drains and flooding", "Infrastruktur", "PUPR",
	  "banjir,selokan,drainase,genangan", false },
	{ "PJU", "Penerangan jalan umum", "Street lighting", "Infrastruktur", "DINHUB", "lampu,penerangan,jalan", false },
	{ "SAMPAH", "Sampah dan kebersihan", "Waste and cleanliness", "Lingkungan", "DLH", "sampah,kebersihan,bau", false },
	{ "LINGKUNGAN", "Pencemaran lingkungan", "Pollution", "Lingkungan", "DLH", "limbah,pencemaran,asap", false },
	{ "KESEHATAN", "Layanan kesehatan", "Health services", "Layanan", "DINKES",
	  "puskesmas,rumah sakit,bpjs,dokter", false },
	{ "PENDIDIKAN", "Pendidikan", "Education", "Layanan", "DINDIKBUD", "sekolah,guru,ppdb", false },
	{ "ADMINDUK", "Administrasi kependudukan", "Civil registration", "Layanan", "DISDUKCAPIL",
	  "ktp,kk,akta,kependudukan", false },
	{ "BANSOS", "Bantuan sosial", "Social assistance", "Layanan", "DINSOS", "bansos,pkh,bantuan", false },
	{ "PERIZINAN", "Perizinan dan investasi", "Permits and investment", "Layanan", "DPMPTSP", "izin,pbg,usaha", false },
	{ "KETERTIBAN", "Ketertiban umum", "Public order", "Ketertiban", "SATPOLPP", "pkl,parkir,ketertiban", false },
	{ "BENCANA", "Bencana dan kedaruratan", "Disasters and emergencies", "Ketertiban", "BPBD",
	  "longsor,banjir,bencana", false },
	{ "PUNGLI", "Pungutan liar dan penyalahgunaan wewenang", "Extortion and abuse of office", "Integritas",
	  "INSPEKTORAT", "pungli,korupsi,suap", true },
	{ "KEKERASAN", "Kekerasan terhadap perempuan dan anak", "Violence against women and children", "Perlindungan",
	  "DINSOS", "kekerasan,kdrt,anak", true },
	{ "PELECEHAN", "Pelecehan seksual", "Sexual harassment", "Perlindungan", "DINSOS", "pelecehan", true },
	{ "ASPIRASI", "Usulan dan aspirasi pembangunan", "Development proposals", "Aspirasi", "BAPPELITBANGDA",
	  "usulan,aspirasi,pembangunan", false },
	{ "LAINNYA", "Lainnya", "Other", "Lainnya", NULL, NULL, false },
};

/* "Kemangkon" -> "PKM-KEMANGKON": the code the organisation tree gives a
 * district's puskesmas (orgs.c, demo tree). */
static void puskesmas_code(char out[33], const char *district)
{
	size_t n = (size_t)snprintf(out, 33, "PKM-");
	for (; *district && n < 32; district++) {
		char ch = *district;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - ('a' - 'A'));
		else if (!(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9'))
			ch = '-';
		if (ch != '-' || out[n - 1] != '-')
			out[n++] = ch;
	}
	while (n > 4 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

int complaints_demo_categories(struct app *app, struct db_conn *c)
{
	struct arena *a = arena_new(16384);
	char now[24];
	long added = 0;
	int rc = a ? 0 : -1;
	time_iso(app_now(app), now);
	for (size_t i = 0; rc == 0 && i < sizeof(demo_categories) / sizeof(demo_categories[0]); i++) {
		const struct demo_category *d = &demo_categories[i];
		int64_t unit_id = 0;
		if (d->unit && orgs_id_by_code(c, d->unit, &unit_id) < 0)
			rc = -1;
		else if (db_exec(c, "INSERT INTO complaint_categories (code, name, name_en, group_name, keywords, sensitive,"
				    " unit_id, sort, demo, created_at, updated_at) "
				    "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, 1, ?, ?) ON CONFLICT (code) DO NOTHING",
				 "sssssbiiss", d->code, d->name, d->name_en, d->group, d->keywords, (int)d->sensitive, unit_id,
				 (int64_t)i, now, now) != DB_DONE)
			rc = -1;
		else
			added += (long)db_changes(c);
	}
	/* Health complaints go to the puskesmas of their district. */
	struct region *kec = NULL;
	size_t nkec = 0;
	int64_t health;
	if (rc == 0 && app->cfg.regency_code &&
	    regions_children(c, a, app->cfg.regency_code, &kec, &nkec) == 0 &&
	    db_query_int(c, &health, "SELECT id FROM complaint_categories WHERE code = 'KESEHATAN'", "") == DB_ROW) {
		for (size_t i = 0; rc == 0 && i < nkec; i++) {
			char code[33];
			int64_t unit_id;
			puskesmas_code(code, kec[i].nama);
			if (orgs_id_by_code(c, code, &unit_id) != 0)
				continue;
			rc = db_exec(c, "INSERT INTO complaint_routes (category_id, district, unit_id) VALUES (?, ?, ?) "
					"ON CONFLICT (category_id, district) DO NOTHING", "isi", health, kec[i].kode,
				     unit_id) == DB_DONE ? 0 : -1;
		}
	}
	if (rc == 0 && added) {
		json_t *d = json_pack("{s:I}", "categories", (json_int_t)added);
		rc = audit_append(c, NULL, "complaint.demo_load", "complaint_categories", d);
		json_decref(d);
	}
	arena_free(a);
	return rc;
}
