/* openapi.c - an OpenAPI 3.1 description generated from the route tables:
 * each route's method and path (its {params} as path parameters), the
 * roles allowed (as security requirements and x-roles), the JSON body from
 * its declared fields (unknown members refused: additionalProperties
 * false), the body limit, and the error envelope - Pendopo's, or the
 * protocol's own for CKAN, Open311 and BPJS Antrol routes.  Nothing here is
 * written by hand per route, so the description cannot drift from what the
 * router enforces.
 */
#include "openapi.h"
#include "app.h"
#include "auth.h"
#include "http.h"
#include "router.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char error_schema[] =
	"{\"type\": \"object\", \"required\": [\"error\"], \"properties\": {\"error\": {\"type\": \"object\","
	" \"required\": [\"code\", \"message\"], \"properties\": {\"code\": {\"type\": \"string\"},"
	" \"message\": {\"type\": \"string\"}, \"field\": {\"type\": [\"string\", \"null\"]}}}}}";

static json_t *field_schema(const struct field *f)
{
	static const char *const types[] = {
		[FT_STRING] = "string", [FT_INT] = "integer", [FT_NUMBER] = "number",
		[FT_BOOL] = "boolean", [FT_OBJECT] = "object", [FT_ARRAY] = "array",
	};
	json_t *s = json_object();
	json_object_set_new(s, "type", f->flags & FF_NULLABLE ? json_pack("[s, s]", types[f->type], "null")
							       : json_string(types[f->type]));
	if (f->type == FT_STRING)
		json_object_set_new(s, "maxLength", json_integer((json_int_t)(f->max ? f->max : 1000)));
	return s;
}

static json_t *body_schema(const struct field *fields)
{
	json_t *props = json_object(), *required = json_array();
	for (const struct field *f = fields; f->name; f++) {
		json_object_set_new(props, f->name, field_schema(f));
		if (f->flags & FF_REQUIRED)
			json_array_append_new(required, json_string(f->name));
	}
	json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (json_array_size(required))
		json_object_set_new(s, "required", required);
	else
		json_decref(required);
	return s;
}

static json_t *request_body(const struct route *r, const struct protocol *p)
{
	const char *limit = r->flags & RF_UPLOAD ? "up to --upload-limit-mb (a file)" : "up to --body-limit-kb";
	json_t *content;
	if (r->body)
		content = json_pack("{s:{s:o}}", "application/json", "schema", body_schema(r->body));
	else if (r->flags & RF_OPEN_BODY)
		content = json_pack("{s:{s:{s:s}}}", "application/json", "schema", "type", "object");
	else if (p && p->media_type)
		content = json_pack("{s:{s:{}}}", p->media_type, "schema");
	else if (r->flags & RF_UPLOAD)
		content = json_pack("{s:{s:{}}}", "*/*", "schema");
	else
		return NULL;
	return json_pack("{s:s, s:b, s:o}", "description", limit, "required", r->body != NULL, "content", content);
}

/* "/api/orgs/{code}" -> a path parameter "code" for each {...}. */
static json_t *path_parameters(const char *pattern)
{
	json_t *params = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		if (!end)
			break;
		json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, (size_t)(end - p - 1),
							"in", "path", "required", 1, "schema", "type", "string"));
	}
	return params;
}

static json_t *role_names(unsigned roles)
{
	json_t *names = json_array();
	for (unsigned bit = 1; bit <= ROLE_REGENT_OFFICE; bit <<= 1)
		if (roles & bit)
			json_array_append_new(names, json_string(role_name((enum role)bit)));
	return names;
}

/* "get /api/orgs/{code}" -> "get_api_orgs_code", made unique. */
static char *operation_id(const char *method, const char *pattern, json_t *taken, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *s = method; *s && n + 1 < len; s++)
		buf[n++] = (char)tolower((unsigned char)*s);
	for (const char *s = pattern; *s && n + 1 < len; s++)
		if (isalnum((unsigned char)*s))
			buf[n++] = *s;
		else if (n && buf[n - 1] != '_')
			buf[n++] = '_';
	while (n && buf[n - 1] == '_')
		n--;
	buf[n] = '\0';
	for (int k = 2; json_object_get(taken, buf); k++)
		snprintf(buf + n, len - n, "_%d", k);
	json_object_set_new(taken, buf, json_true());
	return buf;
}

static json_t *operation(const struct route *r, const struct module *m, json_t *taken)
{
	char id[256];
	json_t *op = json_pack("{s:s, s:[s], s:o}", "operationId", operation_id(r->method, r->pattern, taken, id, sizeof(id)),
			       "tags", m->name, "x-roles", role_names(r->roles));
	const char *who;
	if (r->roles == ROLE_PUBLIC) {
		who = "Public.";
		json_object_set_new(op, "security", json_array());
	} else {
		json_t *sec = json_pack("[{s:[]}, {s:[]}]", "session", "bearer");
		if (m->protocol && m->protocol->auth_header)
			json_array_append_new(sec, json_pack("{s:[]}", m->protocol->name));
		json_object_set_new(op, "security", sec);
		who = r->roles == ROLE_NOBODY ? "Not offered: refused to every caller, as the protocol refuses a caller "
						"without rights."
					      : "Roles allowed: see x-roles.";
	}
	json_object_set_new(op, "summary", json_pack("s++", r->method, " ", r->pattern));
	json_object_set_new(op, "description", json_string(who));
	json_t *params = path_parameters(r->pattern);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	json_t *body = strcmp(r->method, "GET") != 0 ? request_body(r, m->protocol) : NULL;
	if (body)
		json_object_set_new(op, "requestBody", body);
	const char *error_ref = m->protocol ? m->protocol->name : "Error";
	json_object_set_new(op, "responses", json_pack("{s:{s:s}, s:{s:s, s:{s:{s:{s:s+}}}}}",
		"2XX", "description", "success",
		"default", "description", "refused: the error envelope", "content", "application/json", "schema",
		"$ref", "#/components/schemas/", error_ref));
	return op;
}

json_t *openapi_document(const struct router *rt, const char *base_url)
{
	json_t *paths = json_object(), *taken = json_object(), *tags = json_object();
	json_t *schemas = json_pack("{s:o}", "Error", json_loads(error_schema, 0, NULL));
	json_t *schemes = json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s}}",
		"session", "type", "apiKey", "in", "cookie", "name", "pendopo_session",
		"description", "the login session; every write also sends the session's X-CSRF-Token header",
		"bearer", "type", "http", "scheme", "bearer", "description", "an API token from `pendopo apikey create`");
	for (size_t i = 0; i < router_count(rt); i++) {
		const struct route *r = router_route(rt, i);
		const struct module *m = router_module(rt, i);
		char method[16];
		size_t k = 0;
		for (; r->method[k] && k + 1 < sizeof(method); k++)
			method[k] = (char)tolower((unsigned char)r->method[k]);
		method[k] = '\0';
		json_t *item = json_object_get(paths, r->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->pattern, item);
		}
		json_object_set_new(item, method, operation(r, m, taken));
		json_object_set_new(tags, m->name, json_true());
		const struct protocol *p = m->protocol;
		if (p && !json_object_get(schemas, p->name)) {
			json_object_set_new(schemas, p->name, json_loads(p->error_schema, 0, NULL));
			if (p->auth_header)
				json_object_set_new(schemes, p->name, json_pack("{s:s, s:s, s:s, s:s}", "type", "apiKey",
					"in", "header", "name", p->auth_header, "description",
					"an API token from `pendopo apikey create`, as the protocol's clients send it"));
		}
	}
	json_t *tag_list = json_array();
	const char *name;
	json_t *v;
	json_object_foreach(tags, name, v)
		json_array_append_new(tag_list, json_pack("{s:s}", "name", name));
	json_decref(tags);
	json_decref(taken);
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:o, s:{s:o, s:o}}",
		"openapi", "3.1.0",
		"info", "title", "Pendopo", "version", "1",
		"description", "The JSON API of Pendopo, generated from its route tables. Errors answer "
			       "{\"error\": {\"code\", \"message\", \"field\"}} unless the route speaks a protocol "
			       "(CKAN, Open311, BPJS Antrol) with its own envelope. docs/api.md describes the contract.",
		"servers", "url", base_url ? base_url : "/",
		"tags", tag_list, "paths", paths,
		"components", "schemas", schemas, "securitySchemes", schemes);
}

static int openapi_get(struct req *r)
{
	json_t *doc = openapi_document(r->app->router, r->app->cfg.base_url);
	if (!doc)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	return reply_json(r, 200, doc);
}

static const struct route openapi_routes[] = {
	{ "GET", "/api/openapi.json", openapi_get, ROLE_PUBLIC, NULL, RF_NO_TX },
	{ 0 },
};

const struct module openapi_module = { .name = "openapi", .routes = openapi_routes };
