/* ckan.c - the CKAN Action API's dispatch over the Satu Data catalogue, at
 * /api/3/action/{fn} and /api/action/{fn}, so that regional portals,
 * harvesters and CKAN clients read (and producers write) it unchanged:
 * the action table (each action a route of its own, with its roles, so
 * `pendopo routes`, /metrics and the authorization test see every one),
 * CKAN's envelope, and reading an action's parameters.
 *
 * CKAN's envelope everywhere: {"help", "success", "result"} or
 * {"help", "success": false, "error": {"__type", "message", ...}} with 403
 * Authorization Error, 404 Not Found Error, 409 Validation Error (field ->
 * messages) or Search Query Error, 400 Bad Request (an unknown action too).
 * The router's own refusals on these routes (a missing or insufficient
 * role, a bad body, a body too large) are written in it too.  Parameters
 * come from the query string (GET) or a JSON object (POST).
 *
 * The actions live in ckan_actions.c (shows, lists, writes) and
 * ckan_search.c (package_search, datastore_search).
 */
#include "ckan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"

/* ---- envelope ------------------------------------------------------------------- */

/* The action's name: the path's last segment, for the routes of the
 * actions and for the dispatcher's {fn} alike. */
const char *ckan_action_name(const struct req *r)
{
	const char *slash = strrchr(r->path, '/');
	return slash ? slash + 1 : "";
}

static const char *help_url(struct req *r)
{
	return arena_printf(r->arena, "%s/api/3/action/help_show?name=%s",
			    r->app->cfg.base_url ? r->app->cfg.base_url : "", ckan_action_name(r));
}

int ckan_ok(struct req *r, json_t *result)
{
	return reply_json(r, 200, json_pack("{s:s, s:b, s:o}", "help", help_url(r), "success", 1,
					    "result", result ? result : json_null()));
}

int ckan_error(struct req *r, int status, const char *type, const char *message, const char *field)
{
	/* A Validation Error is only its type and the field lists: clients
	 * join every other key into the text they show. */
	bool validation = field && strcmp(type, "Validation Error") == 0;
	json_t *err = validation ? json_pack("{s:s}", "__type", type)
				 : json_pack("{s:s, s:s}", "__type", type, "message", message);
	if (field)
		json_object_set_new(err, field, json_pack("[s]", message));
	return reply_json(r, status, json_pack("{s:s, s:b, s:o}", "help", help_url(r), "success", 0, "error", err));
}

int ckan_missing(struct req *r, const char *field)
{
	return ckan_error(r, 409, "Validation Error", "Missing value", field);
}

int ckan_not_found(struct req *r, const char *what)
{
	return ckan_error(r, 404, "Not Found Error", arena_printf(r->arena, "%s not found", what), NULL);
}

/* The router's refusals as CKAN words them: no or a wrong role is an
 * Authorization Error (CKAN has no 401), a body that is not JSON a Bad
 * Request. */
static int ckan_refuse(struct req *r, int status, const char *code, const char *message, const char *field)
{
	const char *fn = ckan_action_name(r);
	if (status == 401)
		return ckan_error(r, 403, "Authorization Error",
				  arena_printf(r->arena, "Access denied: Action %s requires an authenticated user", fn), NULL);
	if (status == 403 && strcmp(code, "forbidden") == 0)
		return ckan_error(r, 403, "Authorization Error",
				  arena_printf(r->arena, "Access denied: User not authorized to %s", fn), NULL);
	if (status == 403)
		return ckan_error(r, 403, "Authorization Error", message, NULL);
	if (status == 400 && strcmp(code, "invalid_json") == 0)
		return ckan_error(r, 400, "Bad Request", arena_printf(r->arena, "Bad request - JSON Error: %s", message), NULL);
	return ckan_error(r, status, "Bad Request", message, field);
}

/* ---- parameters ------------------------------------------------------------------- */

/* POST parameters: the JSON object the router decoded (RF_OPEN_BODY). */
static json_t *post_params(const struct req *r)
{
	return strcmp(r->method, "POST") == 0 ? r->body : NULL;
}

json_t *ckan_param(struct req *r, const char *name)
{
	json_t *body = post_params(r);
	const char *q;
	if (body) {
		json_t *v = json_object_get(body, name);
		/* a form's field, or a JSON body giving a list as its text */
		if (!json_is_string(v))
			return v ? json_incref(v) : NULL;
		q = json_string_value(v);
	} else if (!(q = req_query(r, name))) {
		return NULL;
	}
	json_t *v = json_loads(q, JSON_DECODE_ANY, NULL);
	if (v && (json_is_array(v) || json_is_object(v)))
		return v;
	json_decref(v);
	return json_string(q);
}

const char *ckan_param_str(struct req *r, const char *name)
{
	json_t *body = post_params(r);
	if (!body)
		return req_query(r, name);
	json_t *v = json_object_get(body, name);
	char buf[64];
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_array(v) || json_is_object(v))
		return NULL;
	return arena_strdup(r->arena, cell_text(v, buf, sizeof(buf)));
}

int ckan_param_int(struct req *r, const char *name, long def, long min, long max, long *out)
{
	const char *s = ckan_param_str(r, name);
	char *end;
	*out = def;
	if (!s || !*s)
		return 0;
	long v = strtol(s, &end, 10);
	if (*end || v < min || v > max) {
		ckan_error(r, 409, "Validation Error",
			   arena_printf(r->arena, "Must be a whole number from %ld to %ld", min, max), name);
		return 1;
	}
	*out = v;
	return 0;
}

bool ckan_param_bool(struct req *r, const char *name, bool def)
{
	const char *s = ckan_param_str(r, name);
	if (!s)
		return def;
	return strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcasecmp(s, "yes") == 0;
}

/* ---- help_show ----------------------------------------------------------------------- */

/* What each offered action does: help_show's answer, which every reply's
 * "help" link points to (CKAN gives the function's docstring). */
static const struct {
	const char *action, *text;
} action_help[] = {
	{ "status_show", "Return a dictionary with information about the site's configuration." },
	{ "package_list", "Return a list of the names of the site's public datasets.\n\n"
			  ":param limit: (optional) :param offset: (optional)" },
	{ "current_package_list_with_resources", "Return a list of the site's public datasets and their resources, "
						 "most recently modified first.\n\n:param limit: (optional) :param offset: (optional)" },
	{ "package_show", "Return the metadata of a dataset and its resources.\n\n:param id: the id or name of the dataset" },
	{ "package_search", "Search for datasets with Solr query syntax (q, fq), facets (facet.field, facet.limit, "
			    "facet.mincount), sort, rows (at most 1000) and start." },
	{ "resource_show", "Return the metadata of a resource.\n\n:param id: the id of the resource" },
	{ "organization_list", "Return a list of the names of the organizations.\n\n:param sort: name or title or "
			       "package_count, asc or desc :param all_fields: :param limit: :param offset:" },
	{ "organization_show", "Return the details of an organization.\n\n:param id: :param include_datasets:" },
	{ "group_list", "Return a list of the names of the groups.\n\n:param sort: name or title or package_count, "
			"asc or desc :param all_fields: :param limit: :param offset:" },
	{ "group_show", "Return the details of a group.\n\n:param id: :param include_datasets:" },
	{ "tag_list", "Return a list of the site's tags.\n\n:param query: :param all_fields:" },
	{ "datastore_search", "Search a DataStore resource.\n\n:param resource_id: :param filters: :param q: text or "
			      "a dict of field: text :param full_text: :param plain: :param distinct: :param limit: "
			      ":param offset: :param fields: :param sort: :param include_total: :param records_format: "
			      "objects, lists, csv or tsv" },
	{ "help_show", "Return the help string for a particular API action.\n\n:param name: the action's name" },
	{ "package_create", "Create a new dataset.\n\n:param name: :param owner_org: and the dataset's fields" },
	{ "package_update", "Update a dataset: the fields not given are cleared (resources stay).\n\n:param id:" },
	{ "package_patch", "Patch a dataset: only the fields given change.\n\n:param id:" },
	{ "resource_create", "Append a new resource to a dataset.\n\n:param package_id: :param name: :param url: "
			     ":param schema: a Table Schema makes it a DataStore table" },
};

int ckan_help_show(struct req *r)
{
	const char *name = ckan_param_str(r, "name");
	if (!name || !*name)
		return ckan_missing(r, "name");
	for (size_t i = 0; i < sizeof(action_help) / sizeof(action_help[0]); i++)
		if (strcmp(action_help[i].action, name) == 0)
			return ckan_ok(r, json_string(action_help[i].text));
	return ckan_error(r, 404, "Not Found Error", arena_printf(r->arena, "Action function not found: %s", name), NULL);
}

/* ---- dispatch ------------------------------------------------------------------------ */

static int ckan_unknown_action(struct req *r);

#define PRODUCERS (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_WALIDATA | ROLE_ADMIN)

/* CKAN reads answer GET and POST alike; a POST read takes a read
 * snapshot and needs no CSRF token, and either may use the read replica. */
#define READ(name, fn) \
	{ "GET", name, fn, ROLE_PUBLIC, NULL, RF_OPEN_BODY | RF_REPLICA }, \
	{ "POST", name, fn, ROLE_PUBLIC, NULL, RF_OPEN_BODY | RF_READ | RF_REPLICA }
#define WRITE(name, fn) { "POST", name, fn, PRODUCERS, NULL, RF_OPEN_BODY }
/* CKAN's write actions that Pendopo does not offer (organisations are the
 * regency's units, users are its staff): refused to everyone as CKAN
 * refuses a caller without rights. */
#define NOT_OFFERED(name) { "POST", name, ckan_unknown_action, ROLE_NOBODY, NULL, RF_OPEN_BODY }

static const struct route ckan_actions[] = {
	READ("status_show", ckan_status_show),
	READ("package_list", ckan_package_list),
	READ("package_show", ckan_package_show),
	READ("package_search", ckan_package_search),
	READ("organization_list", ckan_organization_list),
	READ("organization_show", ckan_organization_show),
	READ("group_list", ckan_group_list),
	READ("group_show", ckan_group_show),
	READ("tag_list", ckan_tag_list),
	READ("resource_show", ckan_resource_show),
	READ("datastore_search", ckan_datastore_search),
	READ("current_package_list_with_resources", ckan_current_package_list),
	READ("help_show", ckan_help_show),
	WRITE("package_create", ckan_package_create),
	WRITE("package_update", ckan_package_update),
	WRITE("package_patch", ckan_package_update),
	WRITE("resource_create", ckan_resource_create),
	NOT_OFFERED("package_delete"),
	NOT_OFFERED("dataset_purge"),
	NOT_OFFERED("package_owner_org_update"),
	NOT_OFFERED("package_collaborator_create"),
	NOT_OFFERED("package_collaborator_delete"),
	NOT_OFFERED("resource_update"),
	NOT_OFFERED("resource_patch"),
	NOT_OFFERED("resource_delete"),
	NOT_OFFERED("resource_view_create"),
	NOT_OFFERED("organization_create"),
	NOT_OFFERED("organization_update"),
	NOT_OFFERED("organization_patch"),
	NOT_OFFERED("organization_delete"),
	NOT_OFFERED("organization_purge"),
	NOT_OFFERED("organization_member_create"),
	NOT_OFFERED("organization_member_delete"),
	NOT_OFFERED("group_create"),
	NOT_OFFERED("group_update"),
	NOT_OFFERED("group_patch"),
	NOT_OFFERED("group_delete"),
	NOT_OFFERED("group_purge"),
	NOT_OFFERED("group_member_create"),
	NOT_OFFERED("group_member_delete"),
	NOT_OFFERED("member_create"),
	NOT_OFFERED("member_delete"),
	NOT_OFFERED("user_create"),
	NOT_OFFERED("user_update"),
	NOT_OFFERED("user_delete"),
	NOT_OFFERED("user_invite"),
	NOT_OFFERED("api_token_create"),
	NOT_OFFERED("api_token_revoke"),
	NOT_OFFERED("vocabulary_create"),
	NOT_OFFERED("tag_create"),
	NOT_OFFERED("datastore_create"),
	NOT_OFFERED("datastore_upsert"),
	NOT_OFFERED("datastore_delete"),
	NOT_OFFERED("bulk_update_private"),
	NOT_OFFERED("bulk_update_public"),
	NOT_OFFERED("bulk_update_delete"),
	NOT_OFFERED("config_option_update"),
	{ 0 },
};

/* The dispatcher's own answer, for a name no action of this method has:
 * a write asked by GET, or an action CKAN does not know either. */
static int ckan_unknown_action(struct req *r)
{
	const char *fn = ckan_action_name(r);
	for (const struct route *a = ckan_actions; a->method; a++)
		if (strcmp(a->pattern, fn) == 0)
			return ckan_error(r, a->roles == ROLE_NOBODY ? 403 : 400,
					  a->roles == ROLE_NOBODY ? "Authorization Error" : "Bad Request",
					  a->roles == ROLE_NOBODY
						  ? arena_printf(r->arena, "Access denied: User not authorized to %s", fn)
						  : arena_printf(r->arena, "%s must be called with POST", fn), NULL);
	return ckan_error(r, 400, "Bad Request", arena_printf(r->arena, "Bad request - Action name not known: %s", fn),
			  NULL);
}

static const struct protocol ckan_protocol = {
	.name = "ckan",
	.refuse = ckan_refuse,
	.error_schema = "{\"type\": \"object\", \"required\": [\"success\", \"error\"], \"properties\": {"
			"\"help\": {\"type\": \"string\"}, \"success\": {\"const\": false}, \"error\": {"
			"\"type\": \"object\", \"required\": [\"__type\"], \"properties\": {"
			"\"__type\": {\"type\": \"string\"}, \"message\": {\"type\": \"string\"}},"
			" \"additionalProperties\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}}",
	.media_type = "application/json",
	.auth_header = "Authorization",
};

/* Each dispatcher route below gets every action of its method as a route
 * of its own (router.c); they answer what no action does. */
static const struct route ckan_routes[] = {
	{ "GET", "/api/3/action/{fn}", ckan_unknown_action, ROLE_PUBLIC, NULL, RF_RAW_BODY | RF_NO_TX },
	{ "POST", "/api/3/action/{fn}", ckan_unknown_action, ROLE_PUBLIC, NULL, RF_RAW_BODY | RF_NO_TX },
	{ "GET", "/api/action/{fn}", ckan_unknown_action, ROLE_PUBLIC, NULL, RF_RAW_BODY | RF_NO_TX },
	{ "POST", "/api/action/{fn}", ckan_unknown_action, ROLE_PUBLIC, NULL, RF_RAW_BODY | RF_NO_TX },
	{ 0 },
};

const struct module ckan_module = {
	.name = "ckan",
	.routes = ckan_routes,
	.actions = ckan_actions,
	.protocol = &ckan_protocol,
};
