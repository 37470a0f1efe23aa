/* ckan_actions.c - the CKAN actions that show, list and write: the
 * dictionaries CKAN answers with (package, resource, organization, group)
 * built from the Satu Data catalogue, the read actions, and package_create,
 * package_update/patch and resource_create over the catalogue's own checks.
 * The router has checked the caller's role and opened the transaction of
 * a write; catalog.c checks the caller's unit.
 */
#include "ckan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"

/* ---- dictionaries ------------------------------------------------------------- */

static const struct {
	const char *id, *title;
} licenses[] = {
	{ "cc-by-4.0", "Creative Commons Attribution 4.0" },
	{ "cc-by", "Creative Commons Attribution" },
	{ "cc-by-sa", "Creative Commons Attribution Share-Alike" },
	{ "cc-zero", "Creative Commons CCZero" },
	{ "odc-by", "Open Data Commons Attribution License" },
	{ "odc-odbl", "Open Data Commons Open Database License (ODbL)" },
	{ "odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)" },
	{ "other-open", "Other (Open)" },
	{ "notspecified", "License not specified" },
};

const char *ckan_license_title(const char *id)
{
	for (size_t i = 0; id && i < sizeof(licenses) / sizeof(licenses[0]); i++)
		if (strcmp(licenses[i].id, id) == 0)
			return licenses[i].title;
	return id ? id : "";
}

/* CKAN's timestamps: naive UTC with microseconds, "2026-11-28T18:30:00.000000". */
static const char *ckan_time(struct req *r, const char *iso)
{
	return iso ? arena_printf(r->arena, "%.19s.000000", iso) : NULL;
}

char *ckan_lower(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s ? s : "");
	for (char *p = o; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

static json_t *org_dict(struct req *r, int64_t org_id, int64_t count)
{
	const char *code = data_org_code(r, org_id), *name = data_org_name(r, org_id);
	char *slug = ckan_lower(r->arena, code);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "id", slug, "name", slug,
			      "title", name, "display_name", name, "description", "", "type", "organization",
			      "is_organization", 1, "state", "active", "image_url", "", "approval_status", "approved",
			      "created", "2026-01-01T00:00:00.000000");
	if (count >= 0)
		json_object_set_new(o, "package_count", json_integer(count));
	return o;
}

static json_t *resource_dict(struct req *r, const struct resource *res, const char *package_uid)
{
	bool table = strcmp(res->kind, "table") == 0;
	json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:n, s:s, s:s, s:i, s:s, s:b, s:n, s:n}",
			      "id", res->uid, "package_id", package_uid, "url", res->url, "name", res->name,
			      "description", res->description, "format", res->format,
			      "mimetype", table ? "text/csv" : NULL, "size", "created", ckan_time(r, res->created_at),
			      "last_modified", ckan_time(r, res->modified_at), "position", res->position,
			      "state", "active", "datastore_active", table && res->pub_version > 0,
			      "url_type", "resource_type");
	if (res->schema)
		json_object_set_new(o, "schema", json_loads(res->schema, 0, NULL));
	return o;
}

static void extra(json_t *extras, const char *key, const char *value)
{
	if (value && *value)
		json_array_append_new(extras, json_pack("{s:s, s:s}", "key", key, "value", value));
}

json_t *ckan_package_dict(struct req *r, const struct dataset *d)
{
	json_t *tags = json_array(), *groups = json_array(), *extras = json_array(), *resources = json_array();
	json_t *t = catalog_tags(r, d->id), *g = catalog_groups(r, d->id), *v;
	size_t i;
	json_array_foreach(t, i, v)
		json_array_append_new(tags, json_pack("{s:s, s:s, s:s, s:s, s:n}", "id", json_string_value(v),
						      "name", json_string_value(v), "display_name", json_string_value(v),
						      "state", "active", "vocabulary_id"));
	json_array_foreach(g, i, v)
		json_array_append_new(groups, json_pack("{s:O, s:O, s:O, s:O, s:s, s:s}", "id", json_object_get(v, "name"),
							"name", json_object_get(v, "name"), "title", json_object_get(v, "title"),
							"display_name", json_object_get(v, "title"), "description", "",
							"image_display_url", ""));
	json_decref(t);
	json_decref(g);
	struct resource *res;
	size_t n = 0;
	if (catalog_resources(r, d->id, &res, &n) == 0)
		for (i = 0; i < n; i++)
			json_array_append_new(resources, resource_dict(r, &res[i], d->uid));
	extra(extras, "frequency", d->frequency);
	extra(extras, "release_schedule", d->release_schedule);
	extra(extras, "concept", d->concept);
	extra(extras, "definition", d->definition);
	extra(extras, "unit", d->unit);
	extra(extras, "region_level", d->region_level);
	extra(extras, "period_start", d->period_start);
	extra(extras, "period_end", d->period_end);
	extra(extras, "priority", d->priority ? "true" : "false");
	char *owner = ckan_lower(r->arena, data_org_code(r, d->org_id));
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s, s:b,"
			 " s:s, s:o, s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:b}",
			 "id", d->uid, "name", d->name, "title", d->title, "notes", d->notes, "url", d->url,
			 "version", d->version, "author", d->contact_name, "author_email", d->contact_email,
			 "maintainer", d->contact_name, "maintainer_email", d->contact_email,
			 "license_id", d->license_id, "license_title", ckan_license_title(d->license_id),
			 "state", d->state, "type", "dataset", "creator_user_id", "", "private", d->private_,
			 "owner_org", owner, "organization", org_dict(r, d->org_id, -1),
			 "metadata_created", ckan_time(r, d->created_at), "metadata_modified", ckan_time(r, d->modified_at),
			 "num_resources", (json_int_t)json_array_size(resources), "num_tags", (json_int_t)json_array_size(tags),
			 "resources", resources, "tags", tags, "groups", groups, "extras", extras, "isopen", 1);
}

/* ---- read actions ------------------------------------------------------------------ */

int ckan_status_show(struct req *r)
{
	return ckan_ok(r, json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "ckan_version", "2.10.4",
				     "site_url", r->app->cfg.base_url ? r->app->cfg.base_url : "",
				     "site_title", "Satu Data Pendopo", "site_description",
				     "Portal Satu Data pemerintah daerah", "locale_default", "id", "extensions", "datastore"));
}

int ckan_package_list(struct req *r)
{
	long limit, offset;
	if (ckan_param_int(r, "limit", 1000000, 0, 1000000, &limit) || ckan_param_int(r, "offset", 0, 0, 100000000, &offset))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT name FROM data_datasets WHERE state = 'active' AND private = 0 "
						 "ORDER BY name LIMIT ? OFFSET ?", "ii", (int64_t)limit, (int64_t)offset);
	if (!st)
		return reply_db_error(r);
	json_t *names = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(names, json_string(db_col_text(st, 0)));
	db_done(st);
	return ckan_ok(r, names);
}

/* The dataset named by parameter "id" that this caller may see; 1 when a
 * reply was set. */
static int visible_dataset(struct req *r, const char *param_name, struct dataset *d)
{
	const char *id = ckan_param_str(r, param_name);
	int64_t did, org;
	if (!id || !*id)
		return ckan_missing(r, param_name), 1;
	int rc = catalog_dataset_find(r, id, &did, &org);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, did, d) < 0))
		return reply_db_error(r), 1;
	if (rc == 1 || !catalog_may_see(r, d->org_id, d->private_))
		return ckan_not_found(r, "Dataset"), 1;
	return 0;
}

int ckan_package_show(struct req *r)
{
	struct dataset d;
	if (visible_dataset(r, "id", &d))
		return 0;
	return ckan_ok(r, ckan_package_dict(r, &d));
}

int ckan_resource_show(struct req *r)
{
	const char *id = ckan_param_str(r, "id");
	struct resource res;
	struct dataset d;
	int64_t org;
	if (!id || !*id)
		return ckan_missing(r, "id");
	int rc = catalog_resource_by_uid(r, id, &res, &org);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, res.dataset_id, &d) < 0))
		return reply_db_error(r);
	if (rc == 1 || !catalog_may_see(r, d.org_id, d.private_))
		return ckan_not_found(r, "Resource");
	return ckan_ok(r, resource_dict(r, &res, d.uid));
}

/* organizations: the units that publish datasets */
static int org_counts(struct req *r, int64_t **ids, int64_t **counts, size_t *n)
{
	struct db_stmt *st = db_query(r->db, "SELECT org_id, count(*) FROM data_datasets WHERE state = 'active' "
					     "AND private = 0 GROUP BY org_id ORDER BY org_id", "");
	size_t cap = 256;
	*n = 0;
	*ids = arena_alloc(r->arena, cap * sizeof(int64_t));
	*counts = arena_alloc(r->arena, cap * sizeof(int64_t));
	if (!st || !*ids || !*counts) {
		db_done(st);
		return -1;
	}
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *n < cap) {
		(*ids)[*n] = db_col_int(st, 0);
		(*counts)[(*n)++] = db_col_int(st, 1);
	}
	db_done(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

/* organization_list's and group_list's sort: "title asc" (CKAN's
 * default), by name, title or package_count ("packages"), asc or desc. */
struct list_sort {
	const char *key;
	bool desc;
};

static int list_cmp(const void *pa, const void *pb, void *ctx)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	const struct list_sort *k = ctx;
	int c;
	if (strcmp(k->key, "package_count") == 0) {
		json_int_t x = json_integer_value(json_object_get(a, k->key)), y = json_integer_value(json_object_get(b, k->key));
		c = x < y ? -1 : x > y;
	} else {
		c = strcasecmp(json_string_value(json_object_get(a, k->key)), json_string_value(json_object_get(b, k->key)));
	}
	if (!c)
		c = strcmp(json_string_value(json_object_get(a, "name")), json_string_value(json_object_get(b, "name")));
	return k->desc ? -c : c;
}

static int parse_list_sort(struct req *r, struct list_sort *k)
{
	const char *s = ckan_param_str(r, "sort");
	k->key = "title";
	k->desc = false;
	if (!s || !*s)
		return 0;
	size_t len = strcspn(s, " ");
	const char *dir = s + len + strspn(s + len, " ");
	static const char *const keys[][2] = { { "name", "name" }, { "title", "title" },
					       { "package_count", "package_count" }, { "packages", "package_count" } };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i][0]) == len && strncmp(s, keys[i][0], len) == 0 &&
		    (!*dir || strcasecmp(dir, "asc") == 0 || strcasecmp(dir, "desc") == 0)) {
			k->key = keys[i][1];
			k->desc = strcasecmp(dir, "desc") == 0;
			return 0;
		}
	ckan_error(r, 409, "Validation Error", arena_printf(r->arena, "Cannot sort by field `%s`", s), "sort");
	return 1;
}

/* Sort the dicts, answer the page of them: names, or the dicts with
 * all_fields.  Takes the dicts. */
static int list_reply(struct req *r, json_t **v, size_t n, const struct list_sort *k, long limit, long offset)
{
	bool all = ckan_param_bool(r, "all_fields", false);
	if (n > 0)	/* qsort_r must not see an empty catalogue's NULL */
		qsort_r(v, n, sizeof(*v), list_cmp, (void *)k);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		if ((long)i >= offset && (long)i < offset + limit)
			json_array_append(out, all ? v[i] : json_object_get(v[i], "name"));
		json_decref(v[i]);
	}
	return ckan_ok(r, out);
}

int ckan_organization_list(struct req *r)
{
	int64_t *ids, *counts;
	size_t n;
	long limit, offset;
	struct list_sort k;
	if (ckan_param_int(r, "limit", 1000, 0, 1000, &limit) || ckan_param_int(r, "offset", 0, 0, 1000000, &offset) ||
	    parse_list_sort(r, &k))
		return 0;
	if (org_counts(r, &ids, &counts, &n))
		return reply_db_error(r);
	json_t **v = arena_alloc(r->arena, (n ? n : 1) * sizeof(*v));
	if (!v)
		return reply_db_error(r);
	for (size_t i = 0; i < n; i++)
		v[i] = org_dict(r, ids[i], counts[i]);
	return list_reply(r, v, n, &k, limit, offset);
}

/* The public datasets that satisfy keep(d, ctx) as package dicts, in
 * catalogue order, at most 1000; NULL on a database error. */
static json_t *packages_where(struct req *r, bool (*keep)(const struct dataset *d, const void *ctx), const void *ctx)
{
	struct dataset *all;
	size_t n;
	if (catalog_datasets_all(r, &all, &n))
		return NULL;
	json_t *pk = json_array();
	for (size_t i = 0; i < n && json_array_size(pk) < 1000; i++)
		if (!all[i].private_ && keep(&all[i], ctx))
			json_array_append_new(pk, ckan_package_dict(r, &all[i]));
	return pk;
}

struct id_set {
	const int64_t *ids;
	size_t n;
};

static bool in_set(const struct dataset *d, const void *ctx)
{
	const struct id_set *set = ctx;
	for (size_t i = 0; i < set->n; i++)
		if (set->ids[i] == d->id)
			return true;
	return false;
}

static bool of_org(const struct dataset *d, const void *ctx)
{
	return d->org_id == *(const int64_t *)ctx;
}

int ckan_organization_show(struct req *r)
{
	const char *id = ckan_param_str(r, "id");
	if (!id || !*id)
		return ckan_missing(r, "id");
	char *code = arena_strdup(r->arena, id);
	for (char *p = code; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	int64_t org = data_unit_id(r->db, code), count = 0;
	if (!org)
		return ckan_not_found(r, "Organization");
	if (db_query_int(r->db, &count, "SELECT count(*) FROM data_datasets WHERE org_id = ? AND state = 'active' "
					    "AND private = 0", "i", org) != DB_ROW)
		return reply_db_error(r);
	json_t *o = org_dict(r, org, count);
	if (ckan_param_bool(r, "include_datasets", false)) {
		json_t *pk = packages_where(r, of_org, &org);
		if (!pk) {
			json_decref(o);
			return reply_db_error(r);
		}
		json_object_set_new(o, "packages", pk);
	}
	return ckan_ok(r, o);
}

static json_t *group_dict(struct db_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:s, s:s}", "id", db_col_text(st, 0),
			 "name", db_col_text(st, 0), "title", db_col_text(st, 1), "display_name", db_col_text(st, 1),
			 "description", db_col_text(st, 2), "package_count", (json_int_t)db_col_int(st, 3),
			 "type", "group", "is_organization", 0, "state", "active", "image_display_url", "");
}

#define GROUP_SELECT "SELECT g.name, g.title, g.description, (SELECT count(*) FROM data_dataset_groups dg " \
		     "JOIN data_datasets d ON d.id = dg.dataset_id WHERE dg.group_id = g.id AND d.private = 0 " \
		     "AND d.state = 'active') FROM data_groups g "

int ckan_group_list(struct req *r)
{
	long limit, offset;
	struct list_sort k;
	if (ckan_param_int(r, "limit", 1000, 0, 1000, &limit) || ckan_param_int(r, "offset", 0, 0, 1000000, &offset) ||
	    parse_list_sort(r, &k))
		return 0;
	struct db_stmt *st = db_query(r->db, GROUP_SELECT "ORDER BY g.name", "");
	if (!st)
		return reply_db_error(r);
	json_t **v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_t **slot = ARENA_PUSH(r->arena, v, n, cap);
		if (!slot) {
			rc = DB_ERROR;
			break;
		}
		*slot = group_dict(st);
	}
	db_done(st);
	if (rc != DB_DONE) {
		for (size_t i = 0; i < n; i++)
			json_decref(v[i]);
		return reply_db_error(r);
	}
	return list_reply(r, v, n, &k, limit, offset);
}

int ckan_group_show(struct req *r)
{
	const char *id = ckan_param_str(r, "id");
	if (!id || !*id)
		return ckan_missing(r, "id");
	struct db_stmt *st = db_query(r->db, GROUP_SELECT "WHERE g.name = ?", "s", id);
	if (!st)
		return reply_db_error(r);
	json_t *g = db_step(st) == DB_ROW ? group_dict(st) : NULL;
	db_done(st);
	if (!g)
		return ckan_not_found(r, "Group");
	if (ckan_param_bool(r, "include_datasets", false)) {
		int64_t *ids = NULL;
		size_t n = 0, cap = 0;
		int rc = DB_ERROR;
		st = db_query(r->db, "SELECT dg.dataset_id FROM data_dataset_groups dg JOIN data_groups g "
				     "ON g.id = dg.group_id WHERE g.name = ?", "s", id);
		while (st && (rc = db_step(st)) == DB_ROW) {
			int64_t *slot = ARENA_PUSH(r->arena, ids, n, cap);
			if (!slot)
				break;
			*slot = db_col_int(st, 0);
		}
		db_done(st);
		struct id_set set = { ids, n };
		json_t *pk = st && rc == DB_DONE ? packages_where(r, in_set, &set) : NULL;
		if (!pk) {
			json_decref(g);
			return reply_db_error(r);
		}
		json_object_set_new(g, "packages", pk);
	}
	return ckan_ok(r, g);
}

static int by_modified_desc(const void *pa, const void *pb)
{
	const struct dataset *a = pa, *b = pb;
	int c = strcmp(b->modified_at, a->modified_at);
	return c ? c : strcmp(a->uid, b->uid);
}

/* current_package_list_with_resources: the public datasets with their
 * resources, most recently modified first. */
int ckan_current_package_list(struct req *r)
{
	long limit, offset;
	if (ckan_param_int(r, "limit", 1000000, 0, 1000000, &limit) || ckan_param_int(r, "offset", 0, 0, 100000000, &offset))
		return 0;
	struct dataset *all;
	size_t n;
	if (catalog_datasets_all(r, &all, &n))
		return reply_db_error(r);
	size_t pub = 0;
	for (size_t i = 0; i < n; i++)
		if (!all[i].private_)
			all[pub++] = all[i];
	if (pub > 0)	/* qsort must not see an empty catalogue's NULL */
		qsort(all, pub, sizeof(*all), by_modified_desc);
	json_t *out = json_array();
	for (size_t i = (size_t)offset; i < pub && i < (size_t)(offset + limit); i++)
		json_array_append_new(out, ckan_package_dict(r, &all[i]));
	return ckan_ok(r, out);
}

int ckan_tag_list(struct req *r)
{
	const char *query = ckan_param_str(r, "query");
	struct db_stmt *st = db_query(r->db, "SELECT DISTINCT t.tag FROM data_dataset_tags t JOIN data_datasets d "
						 "ON d.id = t.dataset_id WHERE d.private = 0 AND d.state = 'active' "
						 "ORDER BY t.tag", "");
	if (!st)
		return reply_db_error(r);
	/* all_fields: dicts as CKAN gives them; a tag has no identity here
	 * beyond its name, so the name is its id too. */
	bool all = ckan_param_bool(r, "all_fields", false);
	json_t *out = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *tag = db_col_text(st, 0);
		if (query && !strcasestr(tag, query))
			continue;
		json_array_append_new(out, all ? json_pack("{s:s, s:s, s:s, s:n}", "id", tag, "name", tag, "display_name",
							   tag, "vocabulary_id")
					       : json_string(tag));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return reply_db_error(r);
	}
	return ckan_ok(r, out);
}

/* ---- write actions ------------------------------------------------------------------ */

static const char *extra_value(json_t *extras, const char *key)
{
	size_t i;
	json_t *e;
	json_array_foreach(extras, i, e)
		if (json_is_string(json_object_get(e, "key")) && strcmp(json_string_value(json_object_get(e, "key")), key) == 0)
			return json_string_value(json_object_get(e, "value"));
	return NULL;
}

static json_t *names_of(json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		const char *name = json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "name"));
		if (name)
			json_array_append_new(out, json_string(name));
	}
	return out;
}

/* package_update replaces: what it leaves out is cleared ("" clears a
 * text; the catalogue keeps only what is NULL). */
static void clear_absent(struct dataset_in *in, json_t **tags, json_t **groups, const char *name)
{
	const char **texts[] = { &in->notes, &in->url, &in->version, &in->contact_name, &in->contact_email,
				 &in->frequency, &in->release_schedule, &in->concept, &in->definition, &in->unit,
				 &in->region_level, &in->period_start, &in->period_end };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!*texts[i])
			*texts[i] = "";
	if (!in->title)
		in->title = name;	/* CKAN shows the name for a dataset without a title */
	if (!in->license_id)
		in->license_id = "notspecified";
	if (in->priority < 0)
		in->priority = 0;
	if (in->private_ < 0)
		in->private_ = 0;
	if (!*tags)
		in->tags = *tags = json_array();
	if (!*groups)
		in->groups = *groups = json_array();
}

static void package_in(struct req *r, struct dataset_in *in, json_t **tags, json_t **groups)
{
	json_t *b = r->body, *extras = json_object_get(b, "extras");
	memset(in, 0, sizeof(*in));
	in->name = json_string_value(json_object_get(b, "name"));
	in->title = json_string_value(json_object_get(b, "title"));
	in->notes = json_string_value(json_object_get(b, "notes"));
	in->org = json_string_value(json_object_get(b, "owner_org"));
	if (in->org) {
		char *up = arena_strdup(r->arena, in->org);
		for (char *p = up; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		in->org = up;
	}
	in->license_id = json_string_value(json_object_get(b, "license_id"));
	in->url = json_string_value(json_object_get(b, "url"));
	in->version = json_string_value(json_object_get(b, "version"));
	in->contact_name = json_string_value(json_object_get(b, "maintainer"));
	if (!in->contact_name)
		in->contact_name = json_string_value(json_object_get(b, "author"));
	in->contact_email = json_string_value(json_object_get(b, "maintainer_email"));
	if (!in->contact_email)
		in->contact_email = json_string_value(json_object_get(b, "author_email"));
	in->frequency = extra_value(extras, "frequency");
	in->release_schedule = extra_value(extras, "release_schedule");
	in->concept = extra_value(extras, "concept");
	in->definition = extra_value(extras, "definition");
	in->unit = extra_value(extras, "unit");
	in->region_level = extra_value(extras, "region_level");
	in->period_start = extra_value(extras, "period_start");
	in->period_end = extra_value(extras, "period_end");
	const char *prio = extra_value(extras, "priority");
	in->priority = prio ? strcmp(prio, "true") == 0 : -1;
	json_t *pv = json_object_get(b, "private");
	in->private_ = json_is_boolean(pv) ? json_is_true(pv) : json_is_string(pv) ? strcmp(json_string_value(pv), "true") == 0 : -1;
	*tags = json_object_get(b, "tags") ? names_of(json_object_get(b, "tags")) : NULL;
	*groups = json_object_get(b, "groups") ? names_of(json_object_get(b, "groups")) : NULL;
	in->tags = *tags;
	in->groups = *groups;
}

static int resource_from(struct req *r, int64_t dataset_id, json_t *rj)
{
	json_t *schema = json_object_get(rj, "schema");
	json_t *parsed = json_is_string(schema) ? json_loads(json_string_value(schema), 0, NULL) : NULL;
	struct resource_in in = {
		.name = json_string_value(json_object_get(rj, "name")),
		.description = json_string_value(json_object_get(rj, "description")),
		.format = json_string_value(json_object_get(rj, "format")),
		.url = json_string_value(json_object_get(rj, "url")),
		.schema = parsed ? parsed : json_is_object(schema) ? schema : NULL,
		.mappings = json_object_get(rj, "mappings"),
		.period_field = json_string_value(json_object_get(rj, "period_field")),
	};
	if (!in.name)
		in.name = in.url ? in.url : "";
	int64_t id;
	int rc = catalog_resource_create(r, dataset_id, &in, &id, true);
	json_decref(parsed);
	return rc;
}

/* package_create, package_update (replace: the members left out are
 * cleared) and package_patch (merge: the members left out stay).  A
 * dataset's resources are resource_create's: an update leaves them. */
static int package_save(struct req *r, bool update, bool replace)
{
	struct dataset_in in;
	json_t *tags, *groups;
	int64_t id = 0, org;
	struct dataset d = { 0 };
	if (!json_is_string(json_object_get(r->body, update ? "id" : "name")))
		return ckan_missing(r, update ? "id" : "name");
	if (update) {
		int rc = catalog_dataset_find(r, json_string_value(json_object_get(r->body, "id")), &id, &org);
		if (rc == 0 && (rc = catalog_dataset_load(r, id, &d)) > 0)
			rc = -1;
		if (rc)
			return rc < 0 ? reply_db_error(r) : ckan_not_found(r, "Dataset");
		/* A name is a dataset's address; a rename is not offered, and
		 * is refused rather than ignored. */
		const char *name = json_string_value(json_object_get(r->body, "name"));
		if (name && strcmp(name, d.name) != 0)
			return ckan_error(r, 409, "Validation Error", "A dataset cannot be renamed here", "name");
	} else if (!json_is_string(json_object_get(r->body, "owner_org"))) {
		return ckan_missing(r, "owner_org");
	}
	package_in(r, &in, &tags, &groups);
	if (replace)
		clear_absent(&in, &tags, &groups, d.name);
	int rc = catalog_dataset_save(r, &in, &id, true);
	json_t *resources = json_object_get(r->body, "resources");
	size_t i;
	json_t *rj;
	if (rc == 0 && !update)
		json_array_foreach(resources, i, rj)
			if ((rc = resource_from(r, id, rj)) != 0)
				break;
	json_decref(tags);
	json_decref(groups);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	if (catalog_dataset_load(r, id, &d))
		return reply_db_error(r);
	return ckan_ok(r, ckan_package_dict(r, &d));
}

int ckan_resource_create(struct req *r)
{
	const char *pid = json_string_value(json_object_get(r->body, "package_id"));
	int64_t id, org;
	if (!pid)
		return ckan_missing(r, "package_id");
	int rc = catalog_dataset_find(r, pid, &id, &org);
	if (rc)
		return rc < 0 ? reply_db_error(r) : ckan_not_found(r, "Dataset");
	rc = resource_from(r, id, r->body);
	if (rc)
		return rc < 0 ? reply_db_error(r) : 0;
	struct db_stmt *st = db_query(r->db, "SELECT uid FROM data_resources WHERE dataset_id = ? "
						 "ORDER BY position DESC LIMIT 1", "i", id);
	const char *uid = st && db_step(st) == DB_ROW ? arena_strdup(r->arena, db_col_text(st, 0)) : NULL;
	db_done(st);
	struct resource res;
	struct dataset d;
	if (!uid || catalog_resource_by_uid(r, uid, &res, &org) || catalog_dataset_load(r, id, &d))
		return reply_db_error(r);
	return ckan_ok(r, resource_dict(r, &res, d.uid));
}

int ckan_package_create(struct req *r)
{
	return package_save(r, false, false);
}

int ckan_package_update(struct req *r)
{
	return package_save(r, true, strcmp(ckan_action_name(r), "package_update") == 0);
}

