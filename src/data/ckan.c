/* ckan.c - the CKAN Action API over the Satu Data catalogue, at
 * /api/3/action/{fn} and /api/action/{fn}, so that regional portals,
 * harvesters and CKAN clients read (and producers write) it unchanged.
 *
 * CKAN's envelope everywhere: {"help", "success", "result"} or
 * {"help", "success": false, "error": {"__type", "message", ...}} with 403
 * Authorization Error, 404 Not Found Error, 409 Validation Error (field ->
 * messages) or Search Query Error, 400 Bad Request (an unknown action too).
 * Parameters come from the query string (GET) or a JSON object (POST).
 * package_search filters, facets and sorts in memory: a regency's catalogue
 * is a few thousand datasets, and that keeps every query one constant SQL
 * text whatever Solr syntax the client speaks.
 */
#include "satudata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "auth.h"

#define SEARCH_ROWS_MAX 1000
#define DATASTORE_LIMIT_MAX 32000
#define DATASTORE_SORT_MAX 200000	/* rows sorted in memory at most */

struct ckan {
	struct req *r;
	const char *fn;
	json_t *body;		/* POST parameters, or NULL */
};

static const char *help_url(struct req *r, const char *fn)
{
	return arena_printf(r->arena, "%s/api/3/action/help_show?name=%s",
			    r->app->cfg.base_url ? r->app->cfg.base_url : "", fn);
}

static int ckan_ok(struct ckan *ck, json_t *result)
{
	return reply_json(ck->r, 200, json_pack("{s:s, s:b, s:o}", "help", help_url(ck->r, ck->fn), "success", 1,
						"result", result ? result : json_null()));
}

int ckan_error(struct req *r, int status, const char *type, const char *message, const char *field)
{
	const char *fn = req_param(r, "fn");
	json_t *err = json_pack("{s:s, s:s}", "__type", type, "message", message);
	if (field)
		json_object_set_new(err, field, json_pack("[s]", message));
	return reply_json(r, status, json_pack("{s:s, s:b, s:o}", "help", help_url(r, fn ? fn : ""), "success", 0,
					       "error", err));
}

static int missing(struct ckan *ck, const char *field)
{
	return ckan_error(ck->r, 409, "Validation Error", "Missing value", field);
}

static int not_found(struct ckan *ck, const char *what)
{
	return ckan_error(ck->r, 404, "Not Found Error", arena_printf(ck->r->arena, "%s not found", what), NULL);
}

/* A parameter as JSON: the body's member, or the query string's value
 * read as JSON (facet.field=["tags"]) and failing that as a string. */
static json_t *param(struct ckan *ck, const char *name)
{
	if (ck->body) {
		json_t *v = json_object_get(ck->body, name);
		return v ? json_incref(v) : NULL;
	}
	const char *q = req_query(ck->r, name);
	if (!q)
		return NULL;
	json_t *v = json_loads(q, JSON_DECODE_ANY, NULL);
	if (v && (json_is_array(v) || json_is_object(v)))
		return v;
	json_decref(v);
	return json_string(q);
}

/* A scalar parameter as text (numbers and booleans written out). */
static const char *param_str(struct ckan *ck, const char *name)
{
	if (!ck->body)
		return req_query(ck->r, name);
	json_t *v = json_object_get(ck->body, name);
	char buf[64];
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) || json_is_object(v))
		return NULL;
	return arena_strdup(ck->r->arena, cell_text(v, buf, sizeof(buf)));
}

/* An integer parameter in [min, max]; 1 when a Validation Error was set. */
static int param_int(struct ckan *ck, const char *name, long def, long min, long max, long *out)
{
	const char *s = param_str(ck, name);
	char *end;
	*out = def;
	if (!s || !*s)
		return 0;
	long v = strtol(s, &end, 10);
	if (*end || v < min || v > max) {
		ckan_error(ck->r, 409, "Validation Error",
			   arena_printf(ck->r->arena, "Must be a whole number from %ld to %ld", min, max), name);
		return 1;
	}
	*out = v;
	return 0;
}

static bool param_bool(struct ckan *ck, const char *name, bool def)
{
	const char *s = param_str(ck, name);
	if (!s)
		return def;
	return strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcasecmp(s, "yes") == 0;
}

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

static const char *license_title(const char *id)
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

static char *lower(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s ? s : "");
	for (char *p = o; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

static json_t *org_dict(struct req *r, int64_t org_id, int64_t count)
{
	const char *code = data_org_code(r, org_id), *name = data_org_name(r, org_id);
	char *slug = lower(r->arena, code);
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

static json_t *package_dict(struct req *r, const struct dataset *d)
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
	char *owner = lower(r->arena, data_org_code(r, d->org_id));
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s, s:b,"
			 " s:s, s:o, s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:b}",
			 "id", d->uid, "name", d->name, "title", d->title, "notes", d->notes, "url", d->url,
			 "version", d->version, "author", d->contact_name, "author_email", d->contact_email,
			 "maintainer", d->contact_name, "maintainer_email", d->contact_email,
			 "license_id", d->license_id, "license_title", license_title(d->license_id),
			 "state", d->state, "type", "dataset", "creator_user_id", "", "private", d->private_,
			 "owner_org", owner, "organization", org_dict(r, d->org_id, -1),
			 "metadata_created", ckan_time(r, d->created_at), "metadata_modified", ckan_time(r, d->modified_at),
			 "num_resources", (json_int_t)json_array_size(resources), "num_tags", (json_int_t)json_array_size(tags),
			 "resources", resources, "tags", tags, "groups", groups, "extras", extras, "isopen", 1);
}

/* ---- read actions ------------------------------------------------------------------ */

static int a_status_show(struct ckan *ck)
{
	return ckan_ok(ck, json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "ckan_version", "2.10.4",
				     "site_url", ck->r->app->cfg.base_url ? ck->r->app->cfg.base_url : "",
				     "site_title", "Satu Data Pendopo", "site_description",
				     "Portal Satu Data pemerintah daerah", "locale_default", "id", "extensions", "datastore"));
}

static int a_package_list(struct ckan *ck)
{
	long limit, offset;
	if (param_int(ck, "limit", 1000000, 0, 1000000, &limit) || param_int(ck, "offset", 0, 0, 100000000, &offset))
		return 0;
	struct db_stmt *st = db_query(ck->r->db, "SELECT name FROM data_datasets WHERE state = 'active' AND private = 0 "
						 "ORDER BY name LIMIT ? OFFSET ?", "ii", (int64_t)limit, (int64_t)offset);
	if (!st)
		return reply_db_error(ck->r);
	json_t *names = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(names, json_string(db_col_text(st, 0)));
	db_done(st);
	return ckan_ok(ck, names);
}

/* The dataset named by parameter "id" that this caller may see; 1 when a
 * reply was set. */
static int visible_dataset(struct ckan *ck, const char *param_name, struct dataset *d)
{
	const char *id = param_str(ck, param_name);
	int64_t did, org;
	if (!id || !*id)
		return missing(ck, param_name), 1;
	int rc = catalog_dataset_find(ck->r, id, &did, &org);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(ck->r, did, d) < 0))
		return reply_db_error(ck->r), 1;
	if (rc == 1 || !catalog_may_see(ck->r, d->org_id, d->private_))
		return not_found(ck, "Dataset"), 1;
	return 0;
}

static int a_package_show(struct ckan *ck)
{
	struct dataset d;
	if (visible_dataset(ck, "id", &d))
		return 0;
	return ckan_ok(ck, package_dict(ck->r, &d));
}

static int a_resource_show(struct ckan *ck)
{
	const char *id = param_str(ck, "id");
	struct resource res;
	struct dataset d;
	int64_t org;
	if (!id || !*id)
		return missing(ck, "id");
	int rc = catalog_resource_by_uid(ck->r, id, &res, &org);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(ck->r, res.dataset_id, &d) < 0))
		return reply_db_error(ck->r);
	if (rc == 1 || !catalog_may_see(ck->r, d.org_id, d.private_))
		return not_found(ck, "Resource");
	return ckan_ok(ck, resource_dict(ck->r, &res, d.uid));
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

static int a_organization_list(struct ckan *ck)
{
	int64_t *ids, *counts;
	size_t n;
	long limit, offset;
	bool all = param_bool(ck, "all_fields", false);
	if (param_int(ck, "limit", 1000, 0, 1000, &limit) || param_int(ck, "offset", 0, 0, 1000000, &offset))
		return 0;
	if (org_counts(ck->r, &ids, &counts, &n))
		return reply_db_error(ck->r);
	json_t **v = arena_alloc(ck->r->arena, (n ? n : 1) * sizeof(*v));
	if (!v)
		return reply_db_error(ck->r);
	for (size_t i = 0; i < n; i++)
		v[i] = org_dict(ck->r, ids[i], counts[i]);
	qsort(v, n, sizeof(*v), cmp_str);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		if ((long)i >= offset && (long)i < offset + limit)
			json_array_append(out, all ? v[i] : json_object_get(v[i], "name"));
		json_decref(v[i]);
	}
	return ckan_ok(ck, out);
}

static int a_organization_show(struct ckan *ck)
{
	const char *id = param_str(ck, "id");
	if (!id || !*id)
		return missing(ck, "id");
	char *code = arena_strdup(ck->r->arena, id);
	for (char *p = code; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	int64_t org = data_unit_id(ck->r->db, code), count = 0;
	if (!org)
		return not_found(ck, "Organization");
	if (db_query_int(ck->r->db, &count, "SELECT count(*) FROM data_datasets WHERE org_id = ? AND state = 'active' "
					    "AND private = 0", "i", org) != DB_ROW)
		return reply_db_error(ck->r);
	json_t *o = org_dict(ck->r, org, count);
	if (param_bool(ck, "include_datasets", false)) {
		struct dataset *all;
		size_t n;
		json_t *pk = json_array();
		if (catalog_datasets_all(ck->r, &all, &n) == 0)
			for (size_t i = 0; i < n && json_array_size(pk) < 1000; i++)
				if (all[i].org_id == org && !all[i].private_)
					json_array_append_new(pk, package_dict(ck->r, &all[i]));
		json_object_set_new(o, "packages", pk);
	}
	return ckan_ok(ck, o);
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

static int a_group_list(struct ckan *ck)
{
	bool all = param_bool(ck, "all_fields", false);
	long limit, offset;
	if (param_int(ck, "limit", 1000, 0, 1000, &limit) || param_int(ck, "offset", 0, 0, 1000000, &offset))
		return 0;
	struct db_stmt *st = db_query(ck->r->db, GROUP_SELECT "ORDER BY g.name LIMIT ? OFFSET ?", "ii",
				      (int64_t)limit, (int64_t)offset);
	if (!st)
		return reply_db_error(ck->r);
	json_t *out = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, all ? group_dict(st) : json_string(db_col_text(st, 0)));
	db_done(st);
	return ckan_ok(ck, out);
}

static int a_group_show(struct ckan *ck)
{
	const char *id = param_str(ck, "id");
	if (!id || !*id)
		return missing(ck, "id");
	struct db_stmt *st = db_query(ck->r->db, GROUP_SELECT "WHERE g.name = ?", "s", id);
	if (!st)
		return reply_db_error(ck->r);
	json_t *g = db_step(st) == DB_ROW ? group_dict(st) : NULL;
	db_done(st);
	return g ? ckan_ok(ck, g) : not_found(ck, "Group");
}

static int a_tag_list(struct ckan *ck)
{
	const char *query = param_str(ck, "query");
	struct db_stmt *st = db_query(ck->r->db, "SELECT DISTINCT t.tag FROM data_dataset_tags t JOIN data_datasets d "
						 "ON d.id = t.dataset_id WHERE d.private = 0 AND d.state = 'active' "
						 "ORDER BY t.tag", "");
	if (!st)
		return reply_db_error(ck->r);
	json_t *out = json_array();
	while (db_step(st) == DB_ROW)
		if (!query || strcasestr(db_col_text(st, 0), query))
			json_array_append_new(out, json_string(db_col_text(st, 0)));
	db_done(st);
	return ckan_ok(ck, out);
}

/* ---- package_search ----------------------------------------------------------------- */

struct entry {
	const struct dataset *d;
	const char *org;		/* lower-case code, CKAN's organization name */
	const char *org_title;
	const char **tags, **groups, **formats;
	int ntags, ngroups, nformats;
};

struct term {
	const char *field;		/* NULL: free text */
	const char *value;
	const char *lo, *hi;		/* [lo TO hi], "*" open */
};

static int add_str(struct arena *a, const char ***list, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return 0;
	const char **grown = arena_alloc(a, (size_t)(*n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	if (*n)
		memcpy(grown, *list, (size_t)*n * sizeof(*grown));
	grown[(*n)++] = arena_strdup(a, s);
	*list = grown;
	return 0;
}

static struct entry *entry_by_id(struct entry *e, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (e[mid].d->id < id)
			lo = mid + 1;
		else if (e[mid].d->id > id)
			hi = mid;
		else
			return &e[mid];
	}
	return NULL;
}

/* Every dataset with its tags, groups and resource formats: four queries. */
static int load_entries(struct req *r, struct entry **out, size_t *n)
{
	struct dataset *d;
	if (catalog_datasets_all(r, &d, n))
		return -1;
	struct entry *e = arena_alloc(r->arena, (*n ? *n : 1) * sizeof(*e));
	if (!e)
		return -1;
	int64_t org_ids[64];
	const char *org_codes[64], *org_titles[64];
	int norgs = 0;
	for (size_t i = 0; i < *n; i++) {
		e[i].d = &d[i];
		int k = 0;
		while (k < norgs && org_ids[k] != d[i].org_id)
			k++;
		if (k == norgs && norgs < 64) {
			org_ids[norgs] = d[i].org_id;
			org_codes[norgs] = lower(r->arena, data_org_code(r, d[i].org_id));
			org_titles[norgs++] = data_org_name(r, d[i].org_id);
		}
		e[i].org = k < norgs ? org_codes[k] : lower(r->arena, data_org_code(r, d[i].org_id));
		e[i].org_title = k < norgs ? org_titles[k] : data_org_name(r, d[i].org_id);
	}
	static const char *const sql[] = {
		"SELECT dataset_id, tag FROM data_dataset_tags",
		"SELECT dg.dataset_id, g.name FROM data_dataset_groups dg JOIN data_groups g ON g.id = dg.group_id",
		"SELECT dataset_id, format FROM data_resources",
	};
	for (int q = 0; q < 3; q++) {
		struct db_stmt *st = db_query(r->db, sql[q], "");
		int rc;
		if (!st)
			return -1;
		while ((rc = db_step(st)) == DB_ROW) {
			struct entry *x = entry_by_id(e, *n, db_col_int(st, 0));
			const char *s = db_col_text(st, 1);
			if (!x || !s || !*s)
				continue;
			if (add_str(r->arena, q == 0 ? &x->tags : q == 1 ? &x->groups : &x->formats,
				    q == 0 ? &x->ntags : q == 1 ? &x->ngroups : &x->nformats, s)) {
				rc = DB_ERROR;
				break;
			}
		}
		db_done(st);
		if (rc != DB_DONE)
			return -1;
	}
	*out = e;
	return 0;
}

/* Solr-ish query text into terms: field:value, field:"a b",
 * field:[lo TO hi], bare words; AND, && and + are just separators. */
static int parse_terms(struct arena *a, const char *s, struct term *t, int max, int *n, const char **bad)
{
	*n = 0;
	while (s && *s) {
		while (*s == ' ' || *s == '+' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (strncmp(s, "AND ", 4) == 0 || strncmp(s, "&& ", 3) == 0) {
			s += *s == 'A' ? 4 : 3;
			continue;
		}
		if (*n == max)
			return *bad = "too many terms", -1;
		struct term *x = &t[(*n)++];
		memset(x, 0, sizeof(*x));
		const char *colon = NULL;
		for (const char *p = s; *p && *p != ' ' && *p != '"' && *p != '['; p++)
			if (*p == ':') {
				colon = p;
				break;
			}
		if (colon) {
			x->field = arena_strndup(a, s, (size_t)(colon - s));
			s = colon + 1;
		}
		if (*s == '"') {
			const char *end = strchr(s + 1, '"');
			if (!end)
				return *bad = "a quote is not closed", -1;
			x->value = arena_strndup(a, s + 1, (size_t)(end - s - 1));
			s = end + 1;
		} else if (*s == '[' || *s == '{') {
			const char *end = strpbrk(s, "]}");
			const char *to = strstr(s, " TO ");
			if (!end || !to || to > end)
				return *bad = "a range must look like [A TO B]", -1;
			x->lo = arena_strndup(a, s + 1, (size_t)(to - s - 1));
			x->hi = arena_strndup(a, to + 4, (size_t)(end - to - 4));
			s = end + 1;
		} else {
			size_t len = strcspn(s, " ");
			x->value = arena_strndup(a, s, len);
			s += len;
		}
	}
	return 0;
}

static bool any_is(const char **list, int n, const char *v)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(list[i], v) == 0)
			return true;
	return false;
}

/* Compare timestamps on their first 19 characters, "2026-01-31T00:00:00";
 * a bare date covers its whole day. */
static bool in_range(const char *v, const char *lo, const char *hi)
{
	if (!v)
		return false;
	if (lo && strcmp(lo, "*") != 0 && strncmp(v, lo, 19) < 0)
		return false;
	if (hi && strcmp(hi, "*") != 0) {
		char top[20];
		snprintf(top, sizeof(top), "%.10s%s", hi, strlen(hi) > 10 ? hi + 10 : "T23:59:59");
		if (strncmp(v, top, 19) > 0)
			return false;
	}
	return true;
}

/* 1 match, 0 no match, -1 unknown field. */
static int term_matches(const struct entry *e, const struct term *t)
{
	const struct dataset *d = e->d;
	const char *v = t->value;
	if (!t->field) {
		if (!v || strcmp(v, "*:*") == 0 || strcmp(v, "*") == 0)
			return 1;
		if (strcasestr(d->title, v) || strcasestr(d->name, v) || (d->notes && strcasestr(d->notes, v)) ||
		    strcasestr(e->org_title, v) || (d->concept && strcasestr(d->concept, v)))
			return 1;
		for (int i = 0; i < e->ntags; i++)
			if (strcasestr(e->tags[i], v))
				return 1;
		return 0;
	}
	const char *f = t->field;
	if (strcmp(f, "*") == 0)
		return 1;
	if (strcmp(f, "metadata_modified") == 0 || strcmp(f, "metadata_created") == 0) {
		const char *when = f[9] == 'm' ? d->modified_at : d->created_at;
		return t->lo ? in_range(when, t->lo, t->hi) : (v && strncmp(when, v, strlen(v)) == 0);
	}
	if (!v)
		return -1;
	if (strcmp(f, "organization") == 0 || strcmp(f, "owner_org") == 0)
		return strcasecmp(e->org, v) == 0;
	if (strcmp(f, "groups") == 0)
		return any_is(e->groups, e->ngroups, v);
	if (strcmp(f, "tags") == 0)
		return any_is(e->tags, e->ntags, v);
	if (strcmp(f, "res_format") == 0)
		return any_is(e->formats, e->nformats, v);
	if (strcmp(f, "license_id") == 0)
		return strcmp(d->license_id, v) == 0;
	if (strcmp(f, "name") == 0)
		return strcmp(d->name, v) == 0;
	if (strcmp(f, "id") == 0)
		return strcmp(d->uid, v) == 0;
	if (strcmp(f, "title") == 0 || strcmp(f, "text") == 0)
		return strcasestr(d->title, v) != NULL;
	if (strcmp(f, "state") == 0)
		return strcmp(d->state, v) == 0;
	if (strcmp(f, "type") == 0 || strcmp(f, "dataset_type") == 0)
		return strcmp(v, "dataset") == 0;
	if (strcmp(f, "capacity") == 0)
		return strcmp(v, d->private_ ? "private" : "public") == 0;
	if (strcmp(f, "region_level") == 0)
		return d->region_level && strcmp(d->region_level, v) == 0;
	return -1;
}

struct sort_key {
	const char *field;
	bool desc;
};

static const char *sort_value(const struct entry *e, const char *f)
{
	const struct dataset *d = e->d;
	if (strcmp(f, "metadata_modified") == 0)
		return d->modified_at;
	if (strcmp(f, "metadata_created") == 0)
		return d->created_at;
	if (strcmp(f, "name") == 0)
		return d->name;
	if (strcmp(f, "title_string") == 0 || strcmp(f, "title") == 0)
		return d->title;
	if (strcmp(f, "id") == 0)
		return d->uid;
	return "";	/* score: every match ranks alike */
}

struct sort_spec {
	struct sort_key keys[4];
	int n;
};

static int entry_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct entry *a = *(const struct entry *const *)pa, *b = *(const struct entry *const *)pb;
	const struct sort_spec *spec = ctx;
	for (int i = 0; i < spec->n; i++) {
		int c = strcmp(sort_value(a, spec->keys[i].field), sort_value(b, spec->keys[i].field));
		if (c)
			return spec->keys[i].desc ? -c : c;
	}
	return strcmp(a->d->uid, b->d->uid);
}

static int parse_sort(const char *s, struct sort_key *k, int *n)
{
	static const char *const known[] = { "score", "metadata_modified", "metadata_created", "name",
					     "title_string", "title", "id" };
	*n = 0;
	if (!s || !*s)
		s = "score desc, metadata_modified desc";
	while (*s && *n < 4) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		size_t len = strcspn(s, " ,");
		size_t i = 0;
		while (i < sizeof(known) / sizeof(known[0]) && !(strlen(known[i]) == len && strncmp(known[i], s, len) == 0))
			i++;
		if (i == sizeof(known) / sizeof(known[0]))
			return -1;
		k[*n].field = known[i];
		s += len;
		while (*s == ' ')
			s++;
		k[*n].desc = strncasecmp(s, "desc", 4) == 0;
		if (strncasecmp(s, "desc", 4) == 0 || strncasecmp(s, "asc", 3) == 0)
			s += k[*n].desc ? 4 : 3;
		(*n)++;
	}
	return 0;
}

struct facet {
	const char *names[512];
	const char *titles[512];
	long counts[512];
	int n;
};

static void facet_add(struct facet *f, const char *name, const char *title)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0) {
			f->counts[i]++;
			return;
		}
	if (f->n < 512) {
		f->names[f->n] = name;
		f->titles[f->n] = title;
		f->counts[f->n++] = 1;
	}
}

static json_t *facet_json(struct facet *f, const char *field, long limit, json_t **plain)
{
	/* by count, then name */
	for (int i = 1; i < f->n; i++)
		for (int j = i; j > 0 && (f->counts[j] > f->counts[j - 1] ||
					  (f->counts[j] == f->counts[j - 1] && strcmp(f->names[j], f->names[j - 1]) < 0)); j--) {
			const char *n = f->names[j], *t = f->titles[j];
			long c = f->counts[j];
			f->names[j] = f->names[j - 1];
			f->titles[j] = f->titles[j - 1];
			f->counts[j] = f->counts[j - 1];
			f->names[j - 1] = n;
			f->titles[j - 1] = t;
			f->counts[j - 1] = c;
		}
	json_t *items = json_array();
	*plain = json_object();
	for (int i = 0; i < f->n && (limit < 0 || i < limit); i++) {
		json_array_append_new(items, json_pack("{s:s, s:s, s:I}", "name", f->names[i],
						       "display_name", f->titles[i], "count", (json_int_t)f->counts[i]));
		json_object_set_new(*plain, f->names[i], json_integer(f->counts[i]));
	}
	return json_pack("{s:s, s:o}", "title", field, "items", items);
}

static int a_package_search(struct ckan *ck)
{
	struct req *r = ck->r;
	long rows, start, facet_limit;
	const char *bad = NULL;
	struct term terms[48];
	int nterms = 0, nq = 0;
	if (param_int(ck, "rows", 10, 0, SEARCH_ROWS_MAX, &rows) || param_int(ck, "start", 0, 0, 100000000, &start) ||
	    param_int(ck, "facet.limit", 50, -1, 1000, &facet_limit))
		return 0;
	if (parse_terms(r->arena, param_str(ck, "q"), terms, 24, &nq, &bad) ||
	    parse_terms(r->arena, param_str(ck, "fq"), terms + nq, 24, &nterms, &bad))
		return ckan_error(r, 409, "Search Query Error", arena_printf(r->arena, "Search error: %s", bad), NULL);
	nterms += nq;
	struct sort_spec spec;
	if (parse_sort(param_str(ck, "sort"), spec.keys, &spec.n))
		return ckan_error(r, 409, "Search Query Error", "Search error: sort takes score, metadata_modified, "
				  "metadata_created, name, title_string or id, each asc or desc", NULL);
	json_t *ff = param(ck, "facet.field");
	if (ff && !json_is_array(ff)) {
		json_decref(ff);
		return ckan_error(r, 409, "Validation Error", "facet.field must be a JSON list", "facet.field");
	}
	bool include_private = param_bool(ck, "include_private", false);

	struct entry *e;
	size_t n;
	if (load_entries(r, &e, &n)) {
		json_decref(ff);
		return reply_db_error(r);
	}
	struct entry **hits = arena_alloc(r->arena, (n ? n : 1) * sizeof(*hits));
	size_t nhits = 0;
	for (size_t i = 0; hits && i < n; i++) {
		const struct dataset *d = e[i].d;
		if (d->private_ && !(include_private && catalog_may_see(r, d->org_id, true)))
			continue;
		bool ok = true;
		for (int k = 0; k < nterms && ok; k++) {
			int m = term_matches(&e[i], &terms[k]);
			if (m < 0) {
				json_decref(ff);
				return ckan_error(r, 409, "Search Query Error", arena_printf(r->arena,
						  "Search error: undefined field %s", terms[k].field), NULL);
			}
			ok = m == 1;
		}
		if (ok)
			hits[nhits++] = &e[i];
	}
	qsort_r(hits, nhits, sizeof(*hits), entry_cmp, &spec);

	json_t *facets = json_object(), *search_facets = json_object();
	size_t i;
	json_t *fv;
	json_array_foreach(ff, i, fv) {
		const char *field = json_string_value(fv);
		if (!field)
			continue;
		struct facet *f = arena_alloc(r->arena, sizeof(*f));
		if (!f)
			break;
		for (size_t h = 0; h < nhits; h++) {
			const struct entry *x = hits[h];
			if (strcmp(field, "organization") == 0)
				facet_add(f, x->org, x->org_title);
			else if (strcmp(field, "groups") == 0 || strcmp(field, "tags") == 0 || strcmp(field, "res_format") == 0) {
				const char **list = field[0] == 'g' ? x->groups : field[0] == 't' ? x->tags : x->formats;
				int ln = field[0] == 'g' ? x->ngroups : field[0] == 't' ? x->ntags : x->nformats;
				for (int k = 0; k < ln; k++)
					facet_add(f, list[k], list[k]);
			} else if (strcmp(field, "license_id") == 0) {
				facet_add(f, x->d->license_id, license_title(x->d->license_id));
			}
		}
		json_t *plain;
		json_object_set_new(search_facets, field, facet_json(f, field, facet_limit, &plain));
		json_object_set_new(facets, field, plain);
	}
	json_decref(ff);
	json_t *results = json_array();
	for (size_t h = (size_t)start; h < nhits && h < (size_t)(start + rows); h++)
		json_array_append_new(results, package_dict(r, hits[h]->d));
	return ckan_ok(ck, json_pack("{s:I, s:o, s:o, s:o, s:s?}", "count", (json_int_t)nhits, "results", results,
				     "facets", facets, "search_facets", search_facets, "sort", param_str(ck, "sort")));
}

/* ---- datastore_search ---------------------------------------------------------------- */

struct ds_row {
	int64_t id;
	json_t *cells;
};

struct ds_collect {
	struct ds_row *v;
	size_t n, cap;
	bool oom;
};

static int ds_keep(void *ctx, int64_t id, json_t *cells)
{
	struct ds_collect *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 128;
		struct ds_row *v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return c->oom = true, -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct ds_row){ id, json_incref(cells) };
	return 0;
}

struct ds_sort {
	int field;	/* -1: _id */
	bool desc;
};

static int ds_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ds_row *a = pa, *b = pb;
	const struct ds_sort *k = ctx;
	int c;
	if (k->field < 0) {
		c = a->id < b->id ? -1 : a->id > b->id;
	} else {
		const json_t *x = json_array_get(a->cells, (size_t)k->field);
		const json_t *y = json_array_get(b->cells, (size_t)k->field);
		if (json_is_number(x) && json_is_number(y)) {
			double p = json_number_value(x), q = json_number_value(y);
			c = p < q ? -1 : p > q;
		} else {
			c = strcmp(json_is_string(x) ? json_string_value(x) : "", json_is_string(y) ? json_string_value(y) : "");
		}
		if (!c)
			c = a->id < b->id ? -1 : a->id > b->id;
	}
	return k->desc ? -c : c;
}

static int a_datastore_search(struct ckan *ck)
{
	struct req *r = ck->r;
	const char *rid = param_str(ck, "resource_id");
	if (!rid || !*rid)
		rid = param_str(ck, "id");
	if (!rid || !*rid)
		return missing(ck, "resource_id");
	struct resource res;
	struct dataset d;
	struct tschema s;
	int64_t org;
	int rc = catalog_resource_by_uid(r, rid, &res, &org);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, res.dataset_id, &d) < 0))
		return reply_db_error(r);
	if (rc == 1 || !catalog_may_see(r, d.org_id, d.private_) || resource_schema(r, &res, &s))
		return ckan_error(r, 404, "Not Found Error", arena_printf(r->arena, "Resource \"%s\" was not found.", rid),
				  NULL);
	long limit, offset;
	if (param_int(ck, "limit", 100, 0, DATASTORE_LIMIT_MAX, &limit) || param_int(ck, "offset", 0, 0, 100000000, &offset))
		return 0;
	bool include_total = param_bool(ck, "include_total", true);

	struct row_filter f = { .nconds = 0 };
	json_t *filters = param(ck, "filters");
	if (filters && !json_is_object(filters)) {
		json_decref(filters);
		return ckan_error(r, 409, "Validation Error", "filters must be a JSON object", "filters");
	}
	const char *key;
	json_t *v;
	int pf = res.period_field ? tschema_field(&s, res.period_field) : -1;
	json_object_foreach(filters, key, v) {
		int fi = tschema_field(&s, key);
		if (fi < 0) {
			const char *msg = arena_printf(r->arena, "field \"%s\" not in resource", key);
			json_decref(filters);
			return ckan_error(r, 409, "Validation Error", msg, "filters");
		}
		char buf[64];
		if (fi == s.region_field && !json_is_array(v))
			f.region = arena_strdup(r->arena, cell_text(v, buf, sizeof(buf)));
		else if (fi == pf && !json_is_array(v))
			f.period = arena_strdup(r->arena, cell_text(v, buf, sizeof(buf)));
		else if (f.nconds < TSCHEMA_MAX_FIELDS) {
			f.field[f.nconds] = fi;
			f.values[f.nconds++] = v;
		}
	}
	const char *q = param_str(ck, "q");
	f.q = q && *q ? q : NULL;

	/* fields: a list or "a,b" */
	bool show[TSCHEMA_MAX_FIELDS + 1];
	json_t *fields = param(ck, "fields");
	for (int i = 0; i <= TSCHEMA_MAX_FIELDS; i++)
		show[i] = fields == NULL;
	if (fields) {
		json_t *list = json_is_array(fields) ? json_incref(fields) : json_array();
		if (json_is_string(fields)) {
			const char *p = json_string_value(fields);
			while (*p) {
				size_t len = strcspn(p, ",");
				char *name = arena_strndup(r->arena, p, len);
				while (name && *name == ' ')
					name++;
				json_array_append_new(list, json_string(name ? name : ""));
				p += len + (p[len] == ',');
			}
		}
		size_t i;
		json_array_foreach(list, i, v) {
			const char *name = json_string_value(v);
			int fi = name ? (strcmp(name, "_id") == 0 ? s.nfields : tschema_field(&s, name)) : -1;
			if (fi < 0) {
				const char *msg = arena_printf(r->arena, "field \"%s\" not in resource", name ? name : "?");
				json_decref(list);
				json_decref(fields);
				json_decref(filters);
				return ckan_error(r, 409, "Validation Error", msg, "fields");
			}
			show[fi] = true;
		}
		json_decref(list);
		json_decref(fields);
	}

	/* sort: "_id", "field desc"; one key */
	const char *sort = param_str(ck, "sort");
	int sfield = -1;
	bool sdesc = false, custom = false;
	if (sort && *sort) {
		size_t len = strcspn(sort, " ,");
		char *name = arena_strndup(r->arena, sort, len);
		const char *dir = sort + len;
		while (*dir == ' ')
			dir++;
		sfield = name && strcmp(name, "_id") == 0 ? -1 : tschema_field(&s, name ? name : "");
		if (sfield < 0 && !(name && strcmp(name, "_id") == 0)) {
			json_decref(filters);
			return ckan_error(r, 409, "Validation Error", arena_printf(r->arena, "field \"%s\" not in resource",
								     name ? name : "?"), "sort");
		}
		sdesc = strncasecmp(dir, "desc", 4) == 0;
		custom = sfield >= 0 || sdesc;
	}

	struct ds_collect c = { 0 };
	long total = 0;
	rc = custom ? rows_scan(r, res.id, res.pub_version, &s, &f, 0, DATASTORE_SORT_MAX + 1, ds_keep, &c, &total)
		    : rows_scan(r, res.id, res.pub_version, &s, &f, offset, limit, ds_keep, &c, &total);
	json_decref(filters);
	if (rc == 0 && custom && total > DATASTORE_SORT_MAX)
		rc = 1;
	if (rc == 0 && custom) {
		struct ds_sort k = { sfield, sdesc };
		qsort_r(c.v, c.n, sizeof(*c.v), ds_cmp, &k);
	}
	json_t *records = json_array();
	size_t from = custom ? (size_t)offset : 0, to = custom ? (size_t)(offset + limit) : c.n;
	for (size_t i = 0; rc == 0 && i < c.n; i++) {
		if (i >= from && i < to) {
			json_t *rec = json_pack("{s:I}", "_id", (json_int_t)c.v[i].id);
			for (int k = 0; k < s.nfields; k++)
				if (show[k])
					json_object_set(rec, s.fields[k].name, json_array_get(c.v[i].cells, (size_t)k));
			if (!show[s.nfields])
				json_object_del(rec, "_id");
			json_array_append_new(records, rec);
		}
	}
	for (size_t i = 0; i < c.n; i++)
		json_decref(c.v[i].cells);
	free(c.v);
	if (rc) {
		json_decref(records);
		return rc < 0 ? reply_db_error(r)
			      : ckan_error(r, 409, "Validation Error", "too many rows to sort: add filters", "sort");
	}
	json_t *flist = json_array();
	if (show[s.nfields])
		json_array_append_new(flist, json_pack("{s:s, s:s}", "id", "_id", "type", "int"));
	for (int k = 0; k < s.nfields; k++)
		if (show[k])
			json_array_append_new(flist, json_pack("{s:s, s:s}", "id", s.fields[k].name,
							       "type", tschema_ckan_type(s.fields[k].type)));
	const char *base = arena_printf(r->arena, "/api/3/action/datastore_search?resource_id=%s", res.uid);
	json_t *out = json_pack("{s:s, s:o, s:o, s:I, s:I, s:b, s:s, s:{s:s, s:s}}", "resource_id", res.uid,
				"fields", flist, "records", records, "limit", (json_int_t)limit, "offset", (json_int_t)offset,
				"include_total", include_total, "records_format", "objects", "_links", "start", base,
				"next", arena_printf(r->arena, "%s&offset=%ld", base, offset + limit));
	if (include_total)
		json_object_set_new(out, "total", json_integer(total));
	return ckan_ok(ck, out);
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

static void package_in(struct ckan *ck, struct dataset_in *in, json_t **tags, json_t **groups)
{
	json_t *b = ck->body, *extras = json_object_get(b, "extras");
	memset(in, 0, sizeof(*in));
	in->name = json_string_value(json_object_get(b, "name"));
	in->title = json_string_value(json_object_get(b, "title"));
	in->notes = json_string_value(json_object_get(b, "notes"));
	in->org = json_string_value(json_object_get(b, "owner_org"));
	if (in->org) {
		char *up = arena_strdup(ck->r->arena, in->org);
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

static int resource_from(struct ckan *ck, int64_t dataset_id, json_t *rj)
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
	int rc = catalog_resource_create(ck->r, dataset_id, &in, &id, true);
	json_decref(parsed);
	return rc;
}

static int a_package_create(struct ckan *ck, bool update)
{
	struct dataset_in in;
	json_t *tags, *groups;
	int64_t id = 0, org;
	struct dataset d;
	if (!json_is_string(json_object_get(ck->body, update ? "id" : "name")))
		return missing(ck, update ? "id" : "name");
	if (update) {
		int rc = catalog_dataset_find(ck->r, json_string_value(json_object_get(ck->body, "id")), &id, &org);
		if (rc)
			return rc < 0 ? reply_db_error(ck->r) : not_found(ck, "Dataset");
	} else if (!json_is_string(json_object_get(ck->body, "owner_org"))) {
		return missing(ck, "owner_org");
	}
	package_in(ck, &in, &tags, &groups);
	int rc = catalog_dataset_save(ck->r, &in, &id, true);
	json_t *resources = json_object_get(ck->body, "resources");
	size_t i;
	json_t *rj;
	if (rc == 0 && !update)
		json_array_foreach(resources, i, rj)
			if ((rc = resource_from(ck, id, rj)) != 0)
				break;
	json_decref(tags);
	json_decref(groups);
	if (rc)
		return rc < 0 ? reply_db_error(ck->r) : 0;
	if (catalog_dataset_load(ck->r, id, &d))
		return reply_db_error(ck->r);
	return ckan_ok(ck, package_dict(ck->r, &d));
}

static int a_resource_create(struct ckan *ck)
{
	const char *pid = json_string_value(json_object_get(ck->body, "package_id"));
	int64_t id, org;
	if (!pid)
		return missing(ck, "package_id");
	int rc = catalog_dataset_find(ck->r, pid, &id, &org);
	if (rc)
		return rc < 0 ? reply_db_error(ck->r) : not_found(ck, "Dataset");
	rc = resource_from(ck, id, ck->body);
	if (rc)
		return rc < 0 ? reply_db_error(ck->r) : 0;
	struct db_stmt *st = db_query(ck->r->db, "SELECT uid FROM data_resources WHERE dataset_id = ? "
						 "ORDER BY position DESC LIMIT 1", "i", id);
	const char *uid = st && db_step(st) == DB_ROW ? arena_strdup(ck->r->arena, db_col_text(st, 0)) : NULL;
	db_done(st);
	struct resource res;
	struct dataset d;
	if (!uid || catalog_resource_by_uid(ck->r, uid, &res, &org) || catalog_dataset_load(ck->r, id, &d))
		return reply_db_error(ck->r);
	return ckan_ok(ck, resource_dict(ck->r, &res, d.uid));
}

/* ---- dispatch ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*read)(struct ckan *ck);
	int write;		/* 1 create, 2 update, 3 resource_create */
} actions[] = {
	{ "status_show", a_status_show, 0 },
	{ "package_list", a_package_list, 0 },
	{ "package_show", a_package_show, 0 },
	{ "package_search", a_package_search, 0 },
	{ "organization_list", a_organization_list, 0 },
	{ "organization_show", a_organization_show, 0 },
	{ "group_list", a_group_list, 0 },
	{ "group_show", a_group_show, 0 },
	{ "tag_list", a_tag_list, 0 },
	{ "resource_show", a_resource_show, 0 },
	{ "datastore_search", a_datastore_search, 0 },
	{ "package_create", NULL, 1 },
	{ "package_update", NULL, 2 },
	{ "package_patch", NULL, 2 },
	{ "resource_create", NULL, 3 },
};

static int run_write(struct ckan *ck, int kind)
{
	struct req *r = ck->r;
	if (strcmp(r->method, "POST") != 0)
		return ckan_error(r, 400, "Bad Request", arena_printf(r->arena, "%s must be called with POST", ck->fn), NULL);
	if ((!r->caller.user_id && !r->caller.apikey_id) ||
	    !caller_has(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_WALIDATA | ROLE_ADMIN))
		return ckan_error(r, 403, "Authorization Error",
				  arena_printf(r->arena, "Access denied: User not authorized to %s", ck->fn), NULL);
	if (r->caller.session_id) {
		const char *token = req_header(r, "X-CSRF-Token");
		if (!token || !r->caller.csrf || strcmp(token, r->caller.csrf) != 0)
			return ckan_error(r, 403, "Authorization Error", "missing or wrong X-CSRF-Token header", NULL);
	}
	if (!ck->body)
		return ckan_error(r, 400, "Bad Request", "a JSON object is required", NULL);
	if (db_tx_begin(r->db) != DB_OK)
		return ckan_error(r, 503, "Bad Request", "the database is busy, please retry", NULL);
	int rc = kind == 3 ? a_resource_create(ck) : a_package_create(ck, kind == 2);
	if (r->status < 400 && db_tx_commit(r->db) == DB_OK)
		return rc;
	if (r->status < 400)
		ckan_error(r, 503, "Bad Request", "the change could not be saved, please retry", NULL);
	db_tx_rollback(r->db);
	return rc;
}

int h_ckan_action(struct req *r)
{
	struct ckan ck = { .r = r, .fn = req_param(r, "fn") };
	if (r->body_len > r->app->cfg.body_limit)
		return ckan_error(r, 400, "Bad Request", "the request body is too large", NULL);
	if (strcmp(r->method, "POST") == 0 && r->body_len > 0) {
		json_error_t jerr;
		ck.body = json_loadb(r->body_raw, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(ck.body)) {
			json_decref(ck.body);
			return ckan_error(r, 400, "Bad Request", arena_printf(r->arena, "Bad request - JSON Error: %s",
									     ck.body ? "not an object" : jerr.text), NULL);
		}
	} else if (strcmp(r->method, "POST") == 0) {
		ck.body = json_object();
	}
	int rc = -1;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].name, ck.fn) != 0)
			continue;
		rc = actions[i].write ? run_write(&ck, actions[i].write) : actions[i].read(&ck);
		break;
	}
	if (rc < 0)
		rc = ckan_error(r, 400, "Bad Request", arena_printf(r->arena, "Bad request - Action name not known: %s",
								     ck.fn), NULL);
	json_decref(ck.body);
	return rc;
}
