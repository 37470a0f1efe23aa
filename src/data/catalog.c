/* catalog.c - datasets, their resources, topic groups and tags.
 *
 * A dataset belongs to one producing agency (an org unit); its staff and
 * the walidata may edit it.  A resource is either a link to a file or a
 * table: a Frictionless Table Schema whose rows arrive by import, with
 * columns mapped to registry indicators.  The same checks serve our JSON
 * API and CKAN's package_create/resource_create, which only word their
 * refusals differently.
 */
#include "satudata.h"
#include "can.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "strbuf.h"

static const char *const region_levels[] = { "province", "regency", "district", "village" };

#define DATASET_SELECT "SELECT id, org_id, uid, name, title, notes, license_id, frequency, release_schedule, " \
		       "contact_name, contact_email, concept, definition, unit, region_level, period_start, " \
		       "period_end, url, version, state, created_at, modified_at, priority, private, demo " \
		       "FROM data_datasets "
#define RESOURCE_SELECT "SELECT id, dataset_id, position, cur_version, pub_version, row_count, uid, name, " \
			"description, kind, format, url, schema, period_field, created_at, modified_at " \
			"FROM data_resources "

static const char *col(struct req *r, struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(r->arena, db_col_text(st, i));
}

static void dataset_read(struct req *r, struct db_stmt *st, struct dataset *d)
{
	d->id = db_col_int(st, 0);
	d->org_id = db_col_int(st, 1);
	const char **s[] = { &d->uid, &d->name, &d->title, &d->notes, &d->license_id, &d->frequency,
			     &d->release_schedule, &d->contact_name, &d->contact_email, &d->concept, &d->definition,
			     &d->unit, &d->region_level, &d->period_start, &d->period_end, &d->url, &d->version,
			     &d->state, &d->created_at, &d->modified_at };
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		*s[i] = col(r, st, (int)i + 2);
	d->priority = db_col_int(st, 22) != 0;
	d->private_ = db_col_int(st, 23) != 0;
	d->demo = db_col_int(st, 24) != 0;
}

int catalog_dataset_load(struct req *r, int64_t id, struct dataset *d)
{
	struct db_stmt *st = db_query(r->db, DATASET_SELECT "WHERE id = ?", "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW)
		dataset_read(r, st, d);
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int catalog_datasets_all(struct req *r, struct dataset **out, size_t *n)
{
	struct db_stmt *st = db_query(r->db, DATASET_SELECT "WHERE state = 'active' ORDER BY id", "");
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		struct dataset *slot = ARENA_PUSH(r->arena, *out, *n, cap);
		if (!slot) {
			rc = DB_ERROR;
			break;
		}
		dataset_read(r, st, slot);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

int catalog_dataset_find(struct req *r, const char *id_or_name, int64_t *id, int64_t *org_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT id, org_id FROM data_datasets WHERE (uid = ? OR name = ?) "
					     "AND state = 'active'", "ss", id_or_name, id_or_name);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*org_id = db_col_int(st, 1);
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

bool catalog_may_see(const struct req *r, int64_t org_id, bool private_)
{
	return !private_ || can(&r->caller, &data_read_private, &(struct object){ .unit_id = org_id });
}

static void resource_read(struct req *r, struct db_stmt *st, struct resource *res)
{
	res->id = db_col_int(st, 0);
	res->dataset_id = db_col_int(st, 1);
	res->position = (int)db_col_int(st, 2);
	res->cur_version = (int)db_col_int(st, 3);
	res->pub_version = (int)db_col_int(st, 4);
	res->row_count = db_col_int(st, 5);
	const char **s[] = { &res->uid, &res->name, &res->description, &res->kind, &res->format, &res->url,
			     &res->schema, &res->period_field, &res->created_at, &res->modified_at };
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		*s[i] = col(r, st, (int)i + 6);
	/* A table's address follows the server's base URL, wherever the
	 * row was written (the demo loader has no base URL). */
	if (strcmp(res->kind, "table") == 0)
		res->url = catalog_table_url(r, res->uid);
}

int catalog_resource_by_uid(struct req *r, const char *uid, struct resource *res, int64_t *org_id)
{
	struct db_stmt *st = db_query(r->db, RESOURCE_SELECT "WHERE uid = ?", "s", uid);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW)
		resource_read(r, st, res);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? 1 : -1;
	return db_query_int(r->db, org_id, "SELECT org_id FROM data_datasets WHERE id = ?", "i",
			    res->dataset_id) == DB_ROW ? 0 : -1;
}

int catalog_resources(struct req *r, int64_t dataset_id, struct resource **out, size_t *n)
{
	struct db_stmt *st = db_query(r->db, RESOURCE_SELECT "WHERE dataset_id = ? ORDER BY position", "i", dataset_id);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		struct resource *slot = ARENA_PUSH(r->arena, *out, *n, cap);
		if (!slot) {
			rc = DB_ERROR;
			break;
		}
		resource_read(r, st, slot);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

json_t *catalog_tags(struct req *r, int64_t dataset_id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT tag FROM data_dataset_tags WHERE dataset_id = ? ORDER BY tag",
				      "i", dataset_id);
	while (st && db_step(st) == DB_ROW)
		json_array_append_new(a, json_string(db_col_text(st, 0)));
	db_done(st);
	return a;
}

json_t *catalog_groups(struct req *r, int64_t dataset_id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT g.name, g.title FROM data_dataset_groups dg "
					     "JOIN data_groups g ON g.id = dg.group_id WHERE dg.dataset_id = ? "
					     "ORDER BY g.name", "i", dataset_id);
	while (st && db_step(st) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name", db_col_text(st, 0), "title", db_col_text(st, 1)));
	db_done(st);
	return a;
}

json_t *catalog_mappings(struct req *r, int64_t resource_id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT m.field, i.code, i.name, i.unit, m.region_field, m.period_field, "
					     "m.period, i.additive FROM data_mappings m JOIN data_indicators i "
					     "ON i.id = m.indicator_id WHERE m.resource_id = ? ORDER BY m.field", "i", resource_id);
	/* additive tells a chart whether rows sharing a label may be summed. */
	while (st && db_step(st) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s, s:{s:s, s:s, s:s, s:b}, s:s, s:s?, s:s?}",
						   "field", db_col_text(st, 0), "indicator", "code", db_col_text(st, 1),
						   "name", db_col_text(st, 2), "unit", db_col_text(st, 3),
						   "additive", db_col_int(st, 7) != 0,
						   "region_field", db_col_text(st, 4), "period_field", db_col_text(st, 5),
						   "period", db_col_text(st, 6)));
	db_done(st);
	return a;
}

const char *catalog_table_url(struct req *r, const char *uid)
{
	const char *base = r->app->cfg.base_url ? r->app->cfg.base_url : "";
	return arena_printf(r->arena, "%s/api/data/resources/%s/data.csv", base, uid);
}

/* ---- JSON of our API -------------------------------------------------------- */

static json_t *org_json(struct req *r, int64_t org_id)
{
	return json_pack("{s:s, s:s}", "code", data_org_code(r, org_id), "name", data_org_name(r, org_id));
}

static json_t *resource_json(struct req *r, const struct resource *res)
{
	json_t *schema = res->schema ? json_loads(res->schema, 0, NULL) : NULL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:s?, s:i, s:i, s:I, s:b, s:s, s:s, s:i}",
			      "id", res->uid, "name", res->name, "description", res->description, "kind", res->kind,
			      "format", res->format, "url", res->url, "schema", schema ? schema : json_null(),
			      "period_field", res->period_field, "cur_version", res->cur_version,
			      "pub_version", res->pub_version, "row_count", (json_int_t)res->row_count,
			      "datastore_active", strcmp(res->kind, "table") == 0, "created_at", res->created_at,
			      "modified_at", res->modified_at, "position", res->position);
	json_object_set_new(o, "mappings", catalog_mappings(r, res->id));
	return o;
}

static json_t *dataset_json(struct req *r, const struct dataset *d, bool with_resources)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
			      " s:s?, s:s?, s:s?, s:s?, s:b, s:b, s:s, s:s, s:b}",
			      "id", d->uid, "name", d->name, "title", d->title, "notes", d->notes,
			      "org", org_json(r, d->org_id), "license_id", d->license_id, "frequency", d->frequency,
			      "release_schedule", d->release_schedule, "contact_name", d->contact_name,
			      "contact_email", d->contact_email, "concept", d->concept, "definition", d->definition,
			      "unit", d->unit, "region_level", d->region_level, "period_start", d->period_start,
			      "period_end", d->period_end, "url", d->url, "version", d->version,
			      "priority", d->priority, "private", d->private_, "created_at", d->created_at,
			      "modified_at", d->modified_at, "demo", d->demo);
	json_object_set_new(o, "tags", catalog_tags(r, d->id));
	json_object_set_new(o, "groups", catalog_groups(r, d->id));
	if (with_resources) {
		struct resource *res;
		size_t n;
		json_t *list = json_array();
		if (catalog_resources(r, d->id, &res, &n) == 0)
			for (size_t i = 0; i < n; i++)
				json_array_append_new(list, resource_json(r, &res[i]));
		json_object_set_new(o, "resources", list);
	}
	return o;
}

/* ---- checks -------------------------------------------------------------------- */

int catalog_refuse(struct req *r, bool ckan, int status, const char *field, const char *message)
{
	if (ckan) {
		if (status == 403 || status == 404)
			ckan_error(r, status, status == 403 ? "Authorization Error" : "Not Found Error", message, NULL);
		else
			ckan_error(r, 409, "Validation Error", message, field ? field : "__junk");
		return 1;
	}
	const char *code = status == 403 ? "forbidden" : status == 404 ? "not_found"
			 : status == 409 ? "conflict" : "invalid";
	reply_error(r, status, code, message, field);
	return 1;
}

/* CKAN's names: 2 to 100 lower-case letters, digits, '-' and '_'. */
static bool slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 100)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

static bool line_ok(const char *s)
{
	bool seen = false;
	for (; s && *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
		seen |= *s != ' ';
	}
	return seen;
}

static bool tags_ok(const json_t *tags)
{
	size_t i;
	const json_t *t;
	if (!tags)
		return true;
	if (json_array_size(tags) > 50)
		return false;
	json_array_foreach((json_t *)tags, i, t)
		if (!json_is_string(t) || !line_ok(json_string_value(t)) || strlen(json_string_value(t)) > 100 ||
		    strchr(json_string_value(t), ','))
			return false;
	return true;
}

static int save_tags_groups(struct req *r, bool ckan, int64_t id, const struct dataset_in *in)
{
	size_t i;
	json_t *v;
	if (in->tags) {
		if (db_exec(r->db, "DELETE FROM data_dataset_tags WHERE dataset_id = ?", "i", id) != DB_DONE)
			return -1;
		json_array_foreach(in->tags, i, v) {
			if (db_exec(r->db, "INSERT INTO data_dataset_tags (dataset_id, tag) VALUES (?, ?) "
					   "ON CONFLICT DO NOTHING", "is", id, json_string_value(v)) != DB_DONE)
				return -1;
		}
	}
	if (in->groups) {
		if (db_exec(r->db, "DELETE FROM data_dataset_groups WHERE dataset_id = ?", "i", id) != DB_DONE)
			return -1;
		json_array_foreach(in->groups, i, v) {
			/* CKAN clients send [{"name": ...}], ours ["name"]. */
			const char *name = json_is_string(v) ? json_string_value(v)
					 : json_string_value(json_object_get(v, "name"));
			int64_t gid;
			int rc = name ? db_query_int(r->db, &gid, "SELECT id FROM data_groups WHERE name = ?", "s", name)
				      : DB_DONE;
			if (rc == DB_DONE)
				return catalog_refuse(r, ckan, 400, "groups",
						      arena_printf(r->arena, "group %s does not exist", name ? name : "(no name)"));
			if (rc != DB_ROW || db_exec(r->db, "INSERT INTO data_dataset_groups (dataset_id, group_id) "
						     "VALUES (?, ?) ON CONFLICT DO NOTHING", "ii", id, gid) != DB_DONE)
				return -1;
		}
	}
	return 0;
}

/* Optional members: the stored value when absent from the request. */
#define KEEP(x, old) ((x) ? (x) : (old))

int catalog_dataset_save(struct req *r, const struct dataset_in *in, int64_t *id, bool ckan)
{
	struct dataset old = { 0 };
	int64_t org_id = 0;
	char now[24], uid[DATA_UID_LEN + 1];
	bool creating = *id == 0;

	if (!creating) {
		int rc = catalog_dataset_load(r, *id, &old);
		if (rc)
			return rc < 0 ? -1 : catalog_refuse(r, ckan, 404, NULL, "no such dataset");
		org_id = old.org_id;
	} else {
		if (!slug_ok(in->name))
			return catalog_refuse(r, ckan, 400, "name", "name must be 2 to 100 lower-case letters, "
					      "digits, '-' or '_'");
		org_id = data_unit_id(r->db, in->org);
		if (!org_id)
			return catalog_refuse(r, ckan, 400, ckan ? "owner_org" : "org",
					      "the producing agency is not a unit of the organisation register");
	}
	if (!data_caller_in(r, org_id) && !data_is_walidata(r))
		return catalog_refuse(r, ckan, 403, NULL, "only the producing agency's staff and the walidata "
				      "may change this dataset");
	/* Moving a dataset to another agency: the caller must be entitled to
	 * both, or it would give away (or take) what is not theirs. */
	int64_t new_org = org_id;
	if (!creating && in->org) {
		new_org = data_unit_id(r->db, in->org);
		if (!new_org)
			return catalog_refuse(r, ckan, 400, ckan ? "owner_org" : "org",
					      "the producing agency is not a unit of the organisation register");
		if (new_org != org_id && !data_caller_in(r, new_org) && !data_is_walidata(r))
			return catalog_refuse(r, ckan, 403, NULL, "only staff of both agencies and the walidata "
					      "may move a dataset to another agency");
	}
	const char *title = KEEP(in->title, old.title);
	if (!line_ok(title))
		return catalog_refuse(r, ckan, 400, "title", "title must be one line of text, not blank");
	const char *email = KEEP(in->contact_email, old.contact_email);
	if (email && *email && (!strchr(email, '@') || !line_ok(email)))
		return catalog_refuse(r, ckan, 400, "contact_email", "contact_email is not an email address");
	const char *level = KEEP(in->region_level, old.region_level);
	if (level && *level) {
		size_t i = 0;
		while (i < 4 && strcmp(level, region_levels[i]) != 0)
			i++;
		if (i == 4)
			return catalog_refuse(r, ckan, 400, "region_level",
					      "region_level must be province, regency, district or village");
	}
	const char *ps = KEEP(in->period_start, old.period_start), *pe = KEEP(in->period_end, old.period_end);
	if ((ps && *ps && !period_valid(ps)) || (pe && *pe && !period_valid(pe)))
		return catalog_refuse(r, ckan, 400, ps && *ps && !period_valid(ps) ? "period_start" : "period_end",
				      "periods look like 2024, 2024-03, 2024-Q1, 2024-S1 or 2024-03-31");
	if (!tags_ok(in->tags))
		return catalog_refuse(r, ckan, 400, "tags", "tags must be at most 50 one-line texts without commas");
	if (in->groups && json_array_size(in->groups) > 20)
		return catalog_refuse(r, ckan, 400, "groups", "a dataset may be in at most 20 groups");

	const char *license = KEEP(in->license_id, old.license_id);
	int priority = in->priority >= 0 ? in->priority : old.priority;
	int private_ = in->private_ >= 0 ? in->private_ : old.private_;
	data_now(r->app, now);
	int rc;
	if (creating) {
		data_uid(uid);
		rc = db_query_int(r->db, id,
				  "INSERT INTO data_datasets (uid, name, title, notes, org_id, license_id, frequency, "
				  "release_schedule, contact_name, contact_email, concept, definition, unit, region_level, "
				  "period_start, period_end, url, version, priority, private, created_at, modified_at) "
				  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				  "ON CONFLICT (name) DO NOTHING RETURNING id",
				  "ssssisssssssssssssbbss", uid, in->name, title, in->notes ? in->notes : "", org_id,
				  license ? license : "cc-by-4.0", in->frequency, in->release_schedule, in->contact_name,
				  email, in->concept, in->definition, in->unit, level, ps, pe, in->url, in->version,
				  priority, private_, now, now);
		if (rc == DB_DONE)
			return catalog_refuse(r, ckan, 409, "name", "That URL is already in use.");
	} else {
		rc = db_exec(r->db, "UPDATE data_datasets SET title = ?, notes = ?, license_id = ?, frequency = ?, "
				    "release_schedule = ?, contact_name = ?, contact_email = ?, concept = ?, definition = ?, "
				    "unit = ?, region_level = ?, period_start = ?, period_end = ?, url = ?, version = ?, "
				    "priority = ?, private = ?, modified_at = ?, org_id = ? WHERE id = ?",
			     "sssssssssssssssbbsii", title, KEEP(in->notes, old.notes), license,
			     KEEP(in->frequency, old.frequency), KEEP(in->release_schedule, old.release_schedule),
			     KEEP(in->contact_name, old.contact_name), email, KEEP(in->concept, old.concept),
			     KEEP(in->definition, old.definition), KEEP(in->unit, old.unit), level, ps, pe,
			     KEEP(in->url, old.url), KEEP(in->version, old.version), priority, private_, now, new_org, *id);
		/* Published observations carry their producer for the conflict scan. */
		if (rc == DB_DONE && new_org != org_id)
			rc = db_exec(r->db, "UPDATE data_obs SET org_id = ? WHERE resource_id IN "
					    "(SELECT id FROM data_resources WHERE dataset_id = ?)", "ii", new_org, *id);
		if (rc == DB_DONE)
			rc = DB_ROW;
	}
	if (rc != DB_ROW)
		return -1;
	rc = save_tags_groups(r, ckan, *id, in);
	if (rc)
		return rc;
	struct dataset d;
	if (catalog_dataset_load(r, *id, &d) != 0)
		return -1;
	json_t *details = json_pack("{s:s, s:s}", "name", d.name, "title", d.title);
	rc = audit_append(r->db, &r->caller, creating ? "data.dataset_create" : "data.dataset_update",
			  arena_printf(r->arena, "dataset:%s", d.uid), details);
	json_decref(details);
	return rc ? -1 : 0;
}

/* Check a mapping list against the schema and store it.  1 when a reply
 * was set. */
static int save_mappings(struct req *r, bool ckan, int64_t resource_id, const struct tschema *s,
			 const json_t *maps, const char *period_field)
{
	size_t i;
	const json_t *m;
	if (db_exec(r->db, "DELETE FROM data_mappings WHERE resource_id = ?", "i", resource_id) != DB_DONE)
		return -1;
	json_array_foreach((json_t *)maps, i, m) {
		const char *field = json_string_value(json_object_get(m, "field"));
		const char *ind = json_string_value(json_object_get(m, "indicator"));
		const char *rf = json_string_value(json_object_get(m, "region_field"));
		const char *pf = json_string_value(json_object_get(m, "period_field"));
		const char *per = json_string_value(json_object_get(m, "period"));
		int fi = field ? tschema_field(s, field) : -1;
		if (fi < 0 || (s->fields[fi].type != TF_INTEGER && s->fields[fi].type != TF_NUMBER))
			return catalog_refuse(r, ckan, 400, "mappings", "each mapping's field must be an integer or "
					      "number field of the schema");
		if (!rf && s->region_field >= 0)
			rf = s->fields[s->region_field].name;
		int rfi = rf ? tschema_field(s, rf) : -1;
		if (rfi < 0 || !s->fields[rfi].region_ref)
			return catalog_refuse(r, ckan, 400, "mappings", "each mapping needs a region_field that "
					      "references the region register (foreignKeys to \"wilayah\")");
		if (!pf && !per)
			pf = period_field;
		if ((pf && tschema_field(s, pf) < 0) || (!pf && !(per && period_valid(per))))
			return catalog_refuse(r, ckan, 400, "mappings", "each mapping needs a period_field of the "
					      "schema or a fixed period such as 2025");
		int64_t ind_id;
		int rc = ind ? db_query_int(r->db, &ind_id, "SELECT id FROM data_indicators WHERE code = ?", "s", ind)
			     : DB_DONE;
		if (rc == DB_DONE)
			return catalog_refuse(r, ckan, 400, "mappings", arena_printf(r->arena,
					      "indicator %s is not in the registry", ind ? ind : "(none)"));
		if (rc != DB_ROW)
			return -1;
		rc = db_exec(r->db, "INSERT INTO data_mappings (resource_id, field, indicator_id, region_field, "
				    "period_field, period) VALUES (?, ?, ?, ?, ?, ?)",
			     "isisss", resource_id, field, ind_id, rf, pf, pf ? NULL : per);
		if (rc == DB_CONSTRAINT)
			return catalog_refuse(r, ckan, 400, "mappings", "a field is mapped twice");
		if (rc != DB_DONE)
			return -1;
	}
	return 0;
}

static int check_schema(struct req *r, bool ckan, json_t *schema, const char *period_field, struct tschema *s)
{
	char err[256];
	if (tschema_parse(schema, r->arena, s, err, sizeof(err)))
		return catalog_refuse(r, ckan, 400, "schema", err);
	if (period_field && tschema_field(s, period_field) < 0)
		return catalog_refuse(r, ckan, 400, "period_field", "period_field is not a field of the schema");
	return 0;
}

static bool http_url(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0) && line_ok(u) &&
	       !strchr(u, ' ');
}

int catalog_resource_create(struct req *r, int64_t dataset_id, const struct resource_in *in,
			    int64_t *id, bool ckan)
{
	struct dataset d;
	struct tschema s;
	char now[24], uid[DATA_UID_LEN + 1];
	int rc = catalog_dataset_load(r, dataset_id, &d);
	if (rc)
		return rc < 0 ? -1 : catalog_refuse(r, ckan, 404, NULL, "no such dataset");
	if (!data_caller_in(r, d.org_id) && !data_is_walidata(r))
		return catalog_refuse(r, ckan, 403, NULL, "only the producing agency's staff and the walidata "
				      "may add resources to this dataset");
	if (!line_ok(in->name))
		return catalog_refuse(r, ckan, 400, "name", "name must be one line of text, not blank");
	bool table = in->schema && !json_is_null(in->schema);
	if (table && (rc = check_schema(r, ckan, in->schema, in->period_field, &s)) != 0)
		return rc;
	if (!table && !http_url(in->url))
		return catalog_refuse(r, ckan, 400, "url", "a file resource needs an http(s) url; "
				      "a table needs a schema");
	if (!table && in->mappings && json_array_size(in->mappings))
		return catalog_refuse(r, ckan, 400, "mappings", "only a table's columns can be mapped to indicators");

	int64_t position;
	data_uid(uid);
	data_now(r->app, now);
	if (db_query_int(r->db, &position, "SELECT count(*) FROM data_resources WHERE dataset_id = ?", "i",
			 dataset_id) != DB_ROW)
		return -1;
	char *schema_text = table ? arena_json_dumps(r->arena, in->schema, JSON_COMPACT) : NULL;
	rc = db_query_int(r->db, id, "INSERT INTO data_resources (uid, dataset_id, position, name, description, kind, "
				     "format, url, schema, period_field, created_at, modified_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  "siisssssssss", uid, dataset_id, position, in->name, in->description ? in->description : "",
			  table ? "table" : "file", table ? "CSV" : in->format ? in->format : "",
			  table ? NULL : in->url, schema_text, table ? in->period_field : NULL,
			  now, now);
	if (rc != DB_ROW)
		return -1;
	if (table && in->mappings && (rc = save_mappings(r, ckan, *id, &s, in->mappings, in->period_field)) != 0)
		return rc;
	if (db_exec(r->db, "UPDATE data_datasets SET modified_at = ? WHERE id = ?", "si", now, dataset_id) != DB_DONE)
		return -1;
	json_t *details = json_pack("{s:s, s:s, s:s}", "dataset", d.name, "name", in->name,
				    "kind", table ? "table" : "file");
	rc = audit_append(r->db, &r->caller, "data.resource_create", arena_printf(r->arena, "resource:%s", uid),
			  details);
	json_decref(details);
	return rc ? -1 : 0;
}

/* ---- handlers ------------------------------------------------------------------ */

static void dataset_in_from_body(struct req *r, struct dataset_in *in)
{
	memset(in, 0, sizeof(*in));
	in->name = body_str(r, "name");
	in->title = body_str(r, "title");
	in->notes = body_str(r, "notes");
	in->org = body_str(r, "org");
	in->license_id = body_str(r, "license_id");
	in->frequency = body_str(r, "frequency");
	in->release_schedule = body_str(r, "release_schedule");
	in->contact_name = body_str(r, "contact_name");
	in->contact_email = body_str(r, "contact_email");
	in->concept = body_str(r, "concept");
	in->definition = body_str(r, "definition");
	in->unit = body_str(r, "unit");
	in->region_level = body_str(r, "region_level");
	in->period_start = body_str(r, "period_start");
	in->period_end = body_str(r, "period_end");
	in->url = body_str(r, "url");
	in->version = body_str(r, "version");
	in->priority = body_has(r, "priority") ? json_is_true(json_object_get(r->body, "priority")) : -1;
	in->private_ = body_has(r, "private") ? json_is_true(json_object_get(r->body, "private")) : -1;
	in->tags = json_object_get(r->body, "tags");
	in->groups = json_object_get(r->body, "groups");
}

static int reply_dataset(struct req *r, int status, int64_t id)
{
	struct dataset d;
	if (catalog_dataset_load(r, id, &d) != 0)
		return reply_db_error(r);
	return reply_json(r, status, json_pack("{s:o}", "dataset", dataset_json(r, &d, true)));
}

/* GET /api/data/datasets?org=CODE&limit=&offset= */
int h_datasets_list(struct req *r)
{
	long limit, offset;
	if (req_query_int(r, "limit", 50, 1, 500, &limit) || req_query_int(r, "offset", 0, 0, 1000000, &offset))
		return 0;
	const char *org = req_query(r, "org");
	int64_t org_id = org ? data_unit_id(r->db, org) : 0;
	struct db_stmt *st = db_query(r->db, DATASET_SELECT "WHERE state = 'active' AND (? = 0 OR org_id = ?) "
					     "ORDER BY title, name", "ii", (int64_t)(org ? (org_id ? 1 : -1) : 0), org_id);
	if (!st)
		return reply_db_error(r);
	json_t *items = json_array();
	long seen = 0;
	int rc;
	struct dataset *all = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct dataset d;
		dataset_read(r, st, &d);
		if (!catalog_may_see(r, d.org_id, d.private_))
			continue;
		if (seen++ < offset || (long)n >= limit)
			continue;
		struct dataset *slot = ARENA_PUSH(r->arena, all, n, cap);
		if (!slot)
			break;
		*slot = d;
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return reply_db_error(r);
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, dataset_json(r, &all[i], false));
	return reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)seen));
}

/* POST /api/data/datasets */
int h_dataset_create(struct req *r)
{
	struct dataset_in in;
	int64_t id = 0;
	dataset_in_from_body(r, &in);
	int rc = catalog_dataset_save(r, &in, &id, false);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	return reply_dataset(r, 201, id);
}

/* GET /api/data/datasets/{name} (a name or an id) */
int h_dataset_get(struct req *r)
{
	int64_t id, org_id;
	struct dataset d;
	int rc = catalog_dataset_find(r, req_param(r, "name"), &id, &org_id);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, id, &d) < 0))
		return reply_db_error(r);
	if (rc == 1 || !catalog_may_see(r, d.org_id, d.private_))
		return reply_error(r, 404, "not_found", "no such dataset", NULL);
	return reply_json(r, 200, json_pack("{s:o}", "dataset", dataset_json(r, &d, true)));
}

/* PATCH /api/data/datasets/{name} */
int h_dataset_update(struct req *r)
{
	struct dataset_in in;
	int64_t id, org_id;
	int rc = catalog_dataset_find(r, req_param(r, "name"), &id, &org_id);
	if (rc)
		return rc < 0 ? reply_db_error(r) : reply_error(r, 404, "not_found", "no such dataset", NULL);
	dataset_in_from_body(r, &in);
	rc = catalog_dataset_save(r, &in, &id, false);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	return reply_dataset(r, 200, id);
}

static int reply_resource(struct req *r, int status, const char *uid)
{
	struct resource res;
	int64_t org_id;
	if (catalog_resource_by_uid(r, uid, &res, &org_id) != 0)
		return reply_db_error(r);
	struct dataset d;
	if (catalog_dataset_load(r, res.dataset_id, &d) != 0)
		return reply_db_error(r);
	json_t *o = resource_json(r, &res);
	json_object_set_new(o, "dataset", json_pack("{s:s, s:s, s:s, s:o, s:b}", "id", d.uid, "name", d.name,
						    "title", d.title, "org", org_json(r, d.org_id), "priority", d.priority));
	return reply_json(r, status, json_pack("{s:o}", "resource", o));
}

/* POST /api/data/datasets/{name}/resources */
int h_resource_create(struct req *r)
{
	int64_t dataset_id, org_id, id;
	int rc = catalog_dataset_find(r, req_param(r, "name"), &dataset_id, &org_id);
	if (rc)
		return rc < 0 ? reply_db_error(r) : reply_error(r, 404, "not_found", "no such dataset", NULL);
	struct resource_in in = {
		.name = body_str(r, "name"), .description = body_str(r, "description"),
		.format = body_str(r, "format"), .url = body_str(r, "url"),
		.schema = json_object_get(r->body, "schema"), .mappings = json_object_get(r->body, "mappings"),
		.period_field = body_str(r, "period_field"),
	};
	rc = catalog_resource_create(r, dataset_id, &in, &id, false);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	const char *uid = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT uid FROM data_resources WHERE id = ?", "i", id);
	if (st && db_step(st) == DB_ROW)
		uid = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	return uid ? reply_resource(r, 201, uid) : reply_db_error(r);
}

/* GET /api/data/resources/{id} */
int h_resource_get(struct req *r)
{
	struct resource res;
	int64_t org_id;
	struct dataset d;
	int rc = catalog_resource_by_uid(r, req_param(r, "id"), &res, &org_id);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, res.dataset_id, &d) < 0))
		return reply_db_error(r);
	if (rc == 1 || !catalog_may_see(r, d.org_id, d.private_))
		return reply_error(r, 404, "not_found", "no such resource", NULL);
	return reply_resource(r, 200, res.uid);
}

/* PATCH /api/data/resources/{id}: the schema and mappings only while
 * nothing has been imported, since stored versions were checked against
 * them. */
int h_resource_update(struct req *r)
{
	struct resource res;
	int64_t org_id;
	int rc = catalog_resource_by_uid(r, req_param(r, "id"), &res, &org_id);
	if (rc)
		return rc < 0 ? reply_db_error(r) : reply_error(r, 404, "not_found", "no such resource", NULL);
	if (!data_caller_in(r, org_id) && !data_is_walidata(r))
		return reply_error(r, 403, "forbidden", "only the producing agency's staff and the walidata "
				   "may change this resource", NULL);
	json_t *schema = json_object_get(r->body, "schema"), *maps = json_object_get(r->body, "mappings");
	const char *pf = body_has(r, "period_field") ? body_str(r, "period_field") : res.period_field;
	bool table = strcmp(res.kind, "table") == 0;
	if ((schema || maps || body_has(r, "period_field")) && (!table || res.cur_version > 0))
		return reply_error(r, 409, "conflict", table ? "the schema and mappings are fixed once data is imported; "
				   "create a new resource for a new layout" : "a file resource has no schema", NULL);
	const char *name = body_has(r, "name") ? body_str(r, "name") : res.name;
	if (!line_ok(name))
		return reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	const char *url = body_has(r, "url") ? body_str(r, "url") : res.url;
	if (!table && !http_url(url))
		return reply_error(r, 400, "invalid", "url must be an http(s) address", "url");
	char now[24];
	data_now(r->app, now);
	if (table && (schema || maps || body_has(r, "period_field"))) {
		struct tschema s;
		json_t *sj = schema ? json_incref(schema) : json_loads(res.schema, 0, NULL);
		rc = check_schema(r, false, sj, pf, &s);
		char *text = rc ? NULL : arena_json_dumps(r->arena, sj, JSON_COMPACT);
		json_decref(sj);
		if (rc)
			return 0;
		rc = db_exec(r->db, "UPDATE data_resources SET schema = ?, period_field = ? WHERE id = ?", "ssi",
			     text, pf, res.id);
		if (rc != DB_DONE)
			return reply_db_error(r);
		if (maps && (rc = save_mappings(r, false, res.id, &s, maps, pf)) != 0)
			return rc < 0 ? reply_db_error(r) : 0;
	}
	if (db_exec(r->db, "UPDATE data_resources SET name = ?, description = ?, url = ?, modified_at = ? WHERE id = ?",
		    "ssssi", name, body_has(r, "description") && body_str(r, "description") ? body_str(r, "description")
		    : res.description, table ? res.url : url, now, res.id) != DB_DONE ||
	    audit_append(r->db, &r->caller, "data.resource_update", arena_printf(r->arena, "resource:%s", res.uid),
			 r->body) != 0)
		return reply_db_error(r);
	return reply_resource(r, 200, res.uid);
}

/* GET /api/data/groups */
int h_groups_list(struct req *r)
{
	struct db_stmt *st = db_query(r->db, "SELECT g.name, g.title, g.description, "
					     "(SELECT count(*) FROM data_dataset_groups dg JOIN data_datasets d "
					     "ON d.id = dg.dataset_id WHERE dg.group_id = g.id AND d.private = 0 "
					     "AND d.state = 'active') FROM data_groups g ORDER BY g.name", "");
	if (!st)
		return reply_db_error(r);
	json_t *items = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:I}", "name", db_col_text(st, 0),
						       "title", db_col_text(st, 1), "description", db_col_text(st, 2),
						       "package_count", (json_int_t)db_col_int(st, 3)));
	db_done(st);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/data/groups {name, title, description?} */
int h_group_create(struct req *r)
{
	const char *name = body_str(r, "name"), *title = body_str(r, "title");
	char now[24];
	if (!slug_ok(name))
		return reply_error(r, 400, "invalid", "name must be 2 to 100 lower-case letters, digits, '-' or '_'", "name");
	if (!line_ok(title))
		return reply_error(r, 400, "invalid", "title must be one line of text, not blank", "title");
	data_now(r->app, now);
	int rc = db_exec(r->db, "INSERT INTO data_groups (name, title, description, created_at) VALUES (?, ?, ?, ?)",
			 "ssss", name, title, body_str(r, "description") ? body_str(r, "description") : "", now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "a group with this name exists", "name");
	if (rc != DB_DONE || audit_append(r->db, &r->caller, "data.group_create",
					  arena_printf(r->arena, "group:%s", name), r->body) != 0)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:s, s:s, s:s, s:i}}", "group", "name", name, "title", title,
					    "description", body_str(r, "description") ? body_str(r, "description") : "",
					    "package_count", 0));
}

/* GET /api/data/mine: the tables the caller may import into, with the
 * state of their latest version - the producer's and walidata's desk. */
int h_mine(struct req *r)
{
	bool all = can(&r->caller, &data_oversee, NULL);
	struct db_stmt *st = db_query(r->db, "SELECT d.name, d.title, d.org_id, r.uid, r.name, r.kind, r.cur_version, "
					     "r.pub_version, r.row_count, (SELECT v.status FROM data_versions v WHERE "
					     "v.resource_id = r.id AND v.number = r.cur_version), d.priority "
					     "FROM data_resources r JOIN data_datasets d ON d.id = r.dataset_id "
					     "WHERE d.state = 'active' ORDER BY d.title, r.position", "");
	if (!st)
		return reply_db_error(r);
	struct row {
		const char *dname, *dtitle, *uid, *rname, *kind, *status;
		int64_t org_id, rows;
		int cur, pub;
		bool priority;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t org_id = db_col_int(st, 2);
		if (!all && !data_caller_in(r, org_id))
			continue;
		struct row *slot = ARENA_PUSH(r->arena, rows, n, cap);
		if (!slot)
			break;
		*slot = (struct row){ col(r, st, 0), col(r, st, 1), col(r, st, 3), col(r, st, 4), col(r, st, 5),
					  col(r, st, 9), org_id, db_col_int(st, 8), (int)db_col_int(st, 6),
					  (int)db_col_int(st, 7), db_col_int(st, 10) != 0 };
	}
	db_done(st);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:i, s:i, s:I, s:s?, s:b}",
						       "dataset", rows[i].dname, "dataset_title", rows[i].dtitle,
						       "org", org_json(r, rows[i].org_id), "id", rows[i].uid,
						       "name", rows[i].rname, "kind", rows[i].kind,
						       "cur_version", rows[i].cur, "pub_version", rows[i].pub,
						       "row_count", (json_int_t)rows[i].rows, "status", rows[i].status,
						       "priority", rows[i].priority));
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}
