/* villages.c - the village-letter case type, who may do what in a
 * village, who is told about each change, the periodic work, the tables
 * and the route table.
 *
 * A village has no row of its own: its space exists because the region
 * register names it, so all 239 villages of the regency are there from the
 * first start.  Rows appear only for what a village adds (a profile, news,
 * a budget, letters).
 */
#include "villages.h"
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "events.h"
#include "nik.h"
#include "regions.h"
#include "util.h"

/* ---- the case type ------------------------------------------------------------------------ */

/* The self-service states villages know (specs §8): being checked,
 * incomplete (back with the citizen, no clock), awaiting the head's
 * signature, ready (issued: downloadable at once), collected, cancelled. */
static const struct case_state letter_states[] = {
	{ "checking", true, 1, NULL },
	{ "incomplete", true, 0, NULL },
	{ "signing", true, 1, NULL },
	{ "ready", false, 0, NULL },
	{ "collected", false, 0, NULL },
	{ "cancelled", false, 0, NULL },
	{ NULL, false, 0, NULL },
};

#define OPERATOR CASE_BY_DESK
#define HEAD CASE_BY_UNIT
#define APPLICANT CASE_BY_REPORTER

static const struct case_transition letter_transitions[] = {
	{ "return", "checking", "incomplete", OPERATOR, CASE_NEEDS_TEXT, NULL, CASE_REPORTER, "village_letter.returned", 0 },
	{ "resubmit", "incomplete", "checking", APPLICANT, 0, NULL, CASE_REPORTER, "village_letter.resubmitted", 0 },
	{ "verify", "checking", "signing", OPERATOR, 0, NULL, CASE_STAFF, "village_letter.verified", 0 },
	{ "send_back", "signing", "checking", HEAD, CASE_NEEDS_TEXT, NULL, CASE_STAFF, "village_letter.sent_back", 0 },
	{ "approve", "signing", "ready", HEAD, 0, NULL, CASE_REPORTER, "village_letter.ready", CASE_T_ANSWER },
	{ "collect", "ready", "collected", OPERATOR, 0, NULL, CASE_REPORTER, NULL, 0 },
	{ "cancel", NULL, "cancelled", APPLICANT | OPERATOR, 0, NULL, CASE_REPORTER, "village_letter.cancelled", 0 },
	{ NULL, NULL, NULL, 0, 0, NULL, CASE_PUBLIC, NULL, 0 },
};

const struct case_type village_letter_type = {
	.code = "village_letter",
	.notice_object = "village_letter",
	.prefix = "SD",
	.initial = "checking",
	.states = letter_states,
	.transitions = letter_transitions,
	.notify = villages_notify,
};

const struct action villages_edit = { "villages.edit", .anywhere = ROLE_ADMIN, .in_village = ROLE_VILLAGE_OPERATOR };
const struct action villages_handle = { "villages.handle", .in_village = ROLE_VILLAGE_OPERATOR };
/* Only the head signs: the letter goes out in the head's name. */
const struct action villages_approve = { "villages.approve", .in_village = ROLE_VILLAGE_HEAD };
const struct action villages_oversee = { "villages.oversee", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE };

/* ---- helpers shared by the service's files ------------------------------------------------ */

int villages_case_error(struct req *r, const struct case_error *e)
{
	return reply_error(r, e->status, e->code, e->message, e->field);
}

void villages_ctx(struct req *r, struct case_ctx *x)
{
	case_ctx_init(x, r->app->events, r->db, r->arena, &r->caller, app_now(r->app));
}

void villages_today(struct app *app, char out[11], int *year)
{
	case_day_text(app_now(app), out);
	if (year)
		*year = atoi(out);
}

bool village_text_ok(const char *s, bool multiline)
{
	bool seen = false;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t'))) || ch == 0x7f)
			return false;
		if (ch > ' ')
			seen = true;
	}
	return seen;
}

const char *village_code_digits(struct arena *a, const char *kode)
{
	char *out = arena_alloc(a, strlen(kode) + 1), *o = out;
	for (; out && *kode; kode++)
		if (*kode != '.')
			*o++ = *kode;
	if (out)
		*o = '\0';
	return out;
}

bool village_may_edit(const struct req *r, const char *kode)
{
	return can(&r->caller, &villages_edit, &(struct object){ .village = kode });
}

int village_open(struct req *r, struct village *v)
{
	const char *kode = req_param(r, "kode");
	const char *regency = r->app->cfg.regency_code;
	size_t rl = regency ? strlen(regency) : 0;
	int level = 0;
	int rc = kode && region_code_level(kode) == 4 && (!regency || (strncmp(kode, regency, rl) == 0 && kode[rl] == '.'))
			 ? regions_lookup_app(r->app, r->db, r->arena, kode, &v->nama, &level) : 1;
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc > 0 || level != 4)
		return reply_error_lang(r, 404, "not_found", "no village of this regency has this code",
					"Tidak ada desa dengan kode ini di kabupaten.", "kode"), -1;
	v->kode = kode;
	v->district = arena_strndup(r->arena, kode, 8);
	if (regions_lookup_app(r->app, r->db, r->arena, v->district, &v->district_nama, NULL) < 0)
		return reply_db_error(r), -1;
	return 0;
}

int villages_all(struct app *app, struct db_conn *c, struct arena *a, struct village **out, size_t *n)
{
	struct region *kec;
	size_t nkec, cap = 0;
	*out = NULL;
	*n = 0;
	if (regions_children_app(app, c, a, app->cfg.regency_code, &kec, &nkec) != 0)
		return -1;
	for (size_t i = 0; i < nkec; i++) {
		struct region *des;
		size_t ndes;
		if (regions_children_app(app, c, a, kec[i].kode, &des, &ndes) != 0)
			return -1;
		for (size_t k = 0; k < ndes; k++) {
			struct village *v = ARENA_PUSH(a, *out, *n, cap);
			if (!v)
				return -1;
			*v = (struct village){ des[k].kode, des[k].nama, kec[i].kode, kec[i].nama };
		}
	}
	return 0;
}

/* ---- notifications ------------------------------------------------------------------------ */

static int village_of_case(struct case_ctx *x, int64_t case_id, const char **village)
{
	struct db_stmt *st = db_query(x->c, "SELECT village FROM village_letters WHERE case_id = ?", "i", case_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	*village = rc == DB_ROW ? arena_strdup(x->a, db_col_text(st, 0)) : NULL;
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

static int notify_village(struct case_ctx *x, const struct case_row *cs, unsigned roles, const char *topic,
			  json_t *data)
{
	const char *village;
	struct staff_member *m;
	size_t n;
	if (village_of_case(x, cs->id, &village) != 0)
		return -1;
	if (!village)
		return 0;
	if (auth_village_staff(x->c, x->a, village, roles, &m, &n) != 0)
		return -1;
	return case_notify_people(x, cs, m, n, topic, "/desa/operator.html", data);
}

int villages_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data)
{
	json_t *d = json_deep_copy(data);
	json_object_set_new(d, "tracking", json_string(cs->tracking));
	const char *what = strchr(topic, '.') ? strchr(topic, '.') + 1 : topic;
	const char *mine = "/desa/surat-saya.html";
	int rc = 0;
	if (cs->reporter_id) {
		json_t *payload = json_pack("{s:s, s:s, s:s}", "ref", cs->tracking, "state", cs->state, "action", what);
		rc = events_publish(x->events, x->c, arena_printf(x->a, "user/%" PRId64, cs->reporter_id), payload);
		json_decref(payload);
	}
	if (rc == 0 && (strcmp(what, "submitted") == 0 || strcmp(what, "resubmitted") == 0 ||
			strcmp(what, "sent_back") == 0 || strcmp(what, "overdue") == 0))
		rc = notify_village(x, cs, ROLE_VILLAGE_OPERATOR, topic, d);
	else if (rc == 0 && strcmp(what, "verified") == 0)
		rc = notify_village(x, cs, ROLE_VILLAGE_HEAD, topic, d);
	else if (rc == 0 && (strcmp(what, "returned") == 0 || strcmp(what, "ready") == 0 ||
			     strcmp(what, "cancelled") == 0))
		rc = case_notify_user(x, cs, cs->reporter_id, NULL, topic, mine, d);
	json_decref(d);
	return rc;
}

/* ---- periodic work ------------------------------------------------------------------------ */

static void villages_tick(struct app *app)
{
	case_tick(app, &village_letter_type);
	villages_budget_publish_data(app);
}

/* ---- tables and routes -------------------------------------------------------------------- */

static const struct field profile_fields[] = {
	{ "head_name", FT_STRING, FF_NULLABLE, 200 },
	{ "address", FT_STRING, FF_NULLABLE, 500 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "email", FT_STRING, FF_NULLABLE, 200 },
	{ "website", FT_STRING, FF_NULLABLE, 300 },
	{ "description", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ "area_km2", FT_NUMBER, FF_NULLABLE, 0 },
	{ "population", FT_INT, FF_NULLABLE, 0 },
	{ "lat", FT_NUMBER, FF_NULLABLE, 0 },
	{ "lon", FT_NUMBER, FF_NULLABLE, 0 },
	{ 0 },
};

static const struct field post_fields[] = {
	{ "kind", FT_STRING, 0, 16 },
	{ "title", FT_STRING, 0, 200 },
	{ "body", FT_STRING, 0, POST_MAX },
	{ "published", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct field budget_fields[] = {
	{ "lines", FT_ARRAY, FF_REQUIRED, 0 },
	{ 0 },
};

static const struct field publish_fields[] = {
	{ "published", FT_BOOL, FF_REQUIRED, 0 },
	{ 0 },
};

static const struct field letter_fields[] = {
	{ "kind", FT_STRING, 0, 32 },
	{ "nik", FT_STRING, FF_NULLABLE, 16 },
	{ "name", FT_STRING, FF_NULLABLE, 200 },
	{ "address", FT_STRING, FF_NULLABLE, 500 },
	{ "purpose", FT_STRING, FF_NULLABLE, 500 },
	{ "fields", FT_OBJECT, FF_NULLABLE, 0 },
	{ 0 },
};

static const struct field photo_fields[] = {
	{ "caption", FT_STRING, FF_NULLABLE | FF_REQUIRED, CAPTION_MAX },
	{ 0 },
};

static const struct field information_fields[] = {
	{ "number", FT_STRING, FF_REQUIRED, 50 },
	{ "title", FT_STRING, FF_REQUIRED, 200 },
	{ "summary", FT_STRING, FF_REQUIRED, 1000 },
	{ "holding_unit", FT_STRING, FF_NULLABLE, 200 },
	{ "responsible", FT_STRING, FF_REQUIRED, 200 },
	{ "made_when", FT_STRING, FF_REQUIRED, 50 },
	{ "made_where", FT_STRING, FF_NULLABLE, 200 },
	{ "format", FT_STRING, FF_REQUIRED, 50 },
	{ "retention", FT_STRING, FF_REQUIRED, 100 },
	{ "category", FT_STRING, FF_REQUIRED, 12 },
	{ 0 },
};

static const struct field kind_fields[] = {
	{ "template", FT_STRING, 0, 32 },
	{ "code", FT_STRING, 0, 32 },
	{ "title", FT_STRING, 0, 200 },
	{ "classification", FT_STRING, 0, 20 },
	{ "fields", FT_ARRAY, 0, 0 },
	{ "attachments", FT_ARRAY, 0, 0 },
	{ "statement", FT_STRING, 0, 1000 },
	{ "retired", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct field action_fields[] = {
	{ "text", FT_STRING, FF_NULLABLE, TEXT_MAX },
	{ 0 },
};

#define VILLAGE_STAFF (ROLE_VILLAGE_OPERATOR | ROLE_VILLAGE_HEAD | ROLE_ADMIN | ROLE_REGENT_OFFICE)

/* Literal paths come before those with parameters: the first match wins. */
static const struct route villages_routes[] = {
	{ "GET", "/api/villages", villages_list, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/villages/overview", villages_overview_get, ROLE_ADMIN | ROLE_REGENT_OFFICE, NULL, 0 },
	{ "GET", "/api/villages/letter-kinds", villages_letter_kinds, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/villages/letter-templates", villages_letter_templates, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/villages/{kode}", villages_get, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/villages/{kode}/letter-kinds", villages_kinds_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/villages/{kode}/letter-kinds", villages_kind_add, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, kind_fields,
	  0 },
	{ "PATCH", "/api/villages/{kode}/letter-kinds/{code}", villages_kind_patch, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  kind_fields, 0 },
	{ "DELETE", "/api/villages/{kode}/letter-kinds/{code}", villages_kind_delete, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  NULL, 0 },
	{ "PATCH", "/api/villages/{kode}/profile", villages_profile_patch, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  profile_fields, 0 },
	{ "GET", "/api/villages/{kode}/posts", villages_posts_list, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "POST", "/api/villages/{kode}/posts", villages_post_create, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, post_fields, 0 },
	{ "GET", "/api/villages/{kode}/posts/{id}", villages_post_get, ROLE_PUBLIC, NULL, 0 },
	{ "PATCH", "/api/villages/{kode}/posts/{id}", villages_post_patch, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  post_fields, 0 },
	{ "DELETE", "/api/villages/{kode}/posts/{id}", villages_post_delete, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  NULL, 0 },
	{ "GET", "/api/villages/{kode}/photos", villages_photos_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/villages/{kode}/photos", villages_photo_add, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, NULL,
	  RF_RAW_BODY | RF_UPLOAD | RF_NO_TX },
	{ "GET", "/api/villages/{kode}/photos/{id}", villages_photo_get, ROLE_PUBLIC, NULL, 0 },
	{ "PATCH", "/api/villages/{kode}/photos/{id}", villages_photo_patch, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  photo_fields, 0 },
	{ "DELETE", "/api/villages/{kode}/photos/{id}", villages_photo_delete, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, NULL,
	  RF_NO_TX },
	{ "GET", "/api/villages/{kode}/information", villages_information_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/villages/{kode}/information", villages_information_create, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  information_fields, 0 },
	{ "PUT", "/api/villages/{kode}/information/{id}", villages_information_put, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  information_fields, 0 },
	{ "DELETE", "/api/villages/{kode}/information/{id}", villages_information_delete,
	  ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, NULL, 0 },
	{ "GET", "/api/villages/{kode}/budget/{year}", villages_budget_get, ROLE_PUBLIC, NULL, 0 },
	{ "PUT", "/api/villages/{kode}/budget/{year}", villages_budget_put, ROLE_VILLAGE_OPERATOR | ROLE_ADMIN,
	  budget_fields, 0 },
	{ "POST", "/api/villages/{kode}/budget/{year}/import", villages_budget_import,
	  ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, NULL, RF_RAW_BODY },
	{ "GET", "/api/villages/{kode}/budget/{year}/csv", villages_budget_csv, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/villages/{kode}/budget/{year}/publish", villages_budget_publish,
	  ROLE_VILLAGE_OPERATOR | ROLE_ADMIN, publish_fields, 0 },
	{ "POST", "/api/villages/{kode}/letters", villages_letter_create, ROLE_ANY_USER, letter_fields, RF_SUBMIT },
	{ "GET", "/api/villages/{kode}/letters", villages_letters_inbox, VILLAGE_STAFF, NULL, 0 },
	{ "GET", "/api/village-letters/mine", villages_letters_mine, ROLE_ANY_USER, NULL, 0 },
	{ "GET", "/api/village-letters/{id}", villages_letter_get, ROLE_ANY_USER, NULL, 0 },
	{ "PATCH", "/api/village-letters/{id}", villages_letter_update, ROLE_ANY_USER, letter_fields, 0 },
	{ "PUT", "/api/village-letters/{id}/attachments/{name}", villages_letter_attachment_put, ROLE_ANY_USER, NULL,
	  RF_RAW_BODY | RF_UPLOAD },
	{ "GET", "/api/village-letters/{id}/attachments/{name}", villages_letter_attachment_get, ROLE_ANY_USER, NULL,
	  0 },
	{ "POST", "/api/village-letters/{id}/submit", villages_letter_submit, ROLE_ANY_USER, NULL, 0 },
	{ "POST", "/api/village-letters/{id}/actions/{action}", villages_letter_action, ROLE_ANY_USER, action_fields,
	  0 },
	{ "GET", "/api/village-letters/{id}/letter.pdf", villages_letter_pdf, ROLE_ANY_USER, NULL, 0 },
	{ 0 },
};

#define VILLAGE_TABLES(ID, BIGINT, REAL) \
	"CREATE TABLE village_profiles (village TEXT PRIMARY KEY, head_name TEXT, address TEXT, phone TEXT," \
	" email TEXT, website TEXT, description TEXT, area_km2 " REAL ", population " BIGINT ", lat " REAL "," \
	" lon " REAL ", updated_at TEXT NOT NULL, updated_by " BIGINT " REFERENCES users (id)," \
	" demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE TABLE village_posts (id " ID ", village TEXT NOT NULL," \
	" kind TEXT NOT NULL CHECK (kind IN ('news', 'announcement')), title TEXT NOT NULL, body TEXT NOT NULL," \
	" html TEXT NOT NULL, published_at TEXT, author_id " BIGINT " REFERENCES users (id)," \
	" created_at TEXT NOT NULL, updated_at TEXT NOT NULL, demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX village_posts_village ON village_posts (village, published_at);" \
	"CREATE INDEX village_posts_published ON village_posts (published_at) WHERE published_at IS NOT NULL;" \
	"CREATE TABLE village_budgets (village TEXT NOT NULL, year INTEGER NOT NULL, published_at TEXT," \
	" updated_at TEXT NOT NULL, updated_by " BIGINT " REFERENCES users (id), demo INTEGER NOT NULL DEFAULT 0," \
	" PRIMARY KEY (village, year));" \
	"CREATE TABLE village_budget_lines (village TEXT NOT NULL, year INTEGER NOT NULL, account TEXT NOT NULL," \
	" name TEXT NOT NULL, budget " BIGINT " NOT NULL CHECK (budget >= 0)," \
	" realised " BIGINT " NOT NULL CHECK (realised >= 0), PRIMARY KEY (village, year, account)," \
	" FOREIGN KEY (village, year) REFERENCES village_budgets (village, year));" \
	"CREATE TABLE village_letters (id " ID ", village TEXT NOT NULL, kind TEXT NOT NULL," \
	" applicant_id " BIGINT " NOT NULL REFERENCES users (id), case_id " BIGINT " UNIQUE REFERENCES cases (id)," \
	" nik TEXT, name TEXT, address TEXT, purpose TEXT, fields TEXT NOT NULL DEFAULT '{}'," \
	" letter_id " BIGINT " UNIQUE REFERENCES letters (id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL," \
	" submitted_at TEXT, issued_at TEXT, demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX village_letters_applicant ON village_letters (applicant_id, id);" \
	"CREATE INDEX village_letters_village ON village_letters (village, id);" \
	"CREATE INDEX village_letters_issued ON village_letters (issued_at) WHERE issued_at IS NOT NULL;" \
	"CREATE TABLE village_letter_files (letter_req_id " BIGINT " NOT NULL REFERENCES village_letters (id)," \
	" name TEXT NOT NULL, sha256 TEXT NOT NULL, mime TEXT NOT NULL, size " BIGINT " NOT NULL," \
	" uploaded_at TEXT NOT NULL, PRIMARY KEY (letter_req_id, name));"

#define VILLAGE_PHOTOS(ID, BIGINT) \
	"CREATE TABLE village_photos (id " ID ", village TEXT NOT NULL, sha256 TEXT NOT NULL, mime TEXT NOT NULL," \
	" size " BIGINT " NOT NULL, caption TEXT, created_at TEXT NOT NULL," \
	" created_by " BIGINT " REFERENCES users (id), demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX village_photos_village ON village_photos (village, id);" \
	"CREATE INDEX village_photos_sha ON village_photos (sha256);"

/* A village's own letter kinds (kind_edit.c); fields and attachments as JSON text. */
#define VILLAGE_KINDS \
	"CREATE TABLE village_letter_kinds (village TEXT NOT NULL, code TEXT NOT NULL, template TEXT NOT NULL," \
	" title TEXT NOT NULL, classification TEXT NOT NULL, fields TEXT NOT NULL, attachments TEXT NOT NULL," \
	" statement TEXT NOT NULL, retired_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL," \
	" PRIMARY KEY (village, code));" \
	"CREATE INDEX village_letters_kind ON village_letters (village, kind);"

static const struct migration villages_migrations[] = {
	{ 1, "village spaces: profiles, news, budgets, letters",
	  VILLAGE_TABLES("INTEGER PRIMARY KEY", "INTEGER", "REAL"),
	  VILLAGE_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT", "DOUBLE PRECISION") },
	{ 2, "village photo galleries",
	  VILLAGE_PHOTOS("INTEGER PRIMARY KEY", "INTEGER"),
	  VILLAGE_PHOTOS("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 3, "village letter kinds from templates", VILLAGE_KINDS, VILLAGE_KINDS },
	{ 4, "village page versions",
	  "CREATE TABLE village_page_versions (village TEXT PRIMARY KEY, version INTEGER NOT NULL);",
	  "CREATE TABLE village_page_versions (village TEXT PRIMARY KEY, version BIGINT NOT NULL);" },
	{ 0 },
};

/* /desa/{kode} is the village's page, which reads its code from the address. */
static const struct page_alias villages_pages[] = {
	{ "/desa/", "/desa/desa.html" },
	{ 0 },
};

/* The village console serves both the operator and the head. */
static const struct action villages_console = { "villages.console",
						.in_village = ROLE_VILLAGE_OPERATOR | ROLE_VILLAGE_HEAD };

static const struct tool villages_tools[] = {
	{ "/desa/operator.html", "Konsol desa", "Village console", &villages_console, NULL, 1 },
	{ "/desa/kabupaten.html", "Desa Digital kabupaten", "Villages of the regency", &villages_oversee, NULL, 2 },
	{ 0 },
};

static int villages_file_used(struct db_conn *c, const char *sha)
{
	int64_t n;
	int rc = db_query_int(c, &n, "SELECT (SELECT count(*) FROM village_letter_files WHERE sha256 = ?)"
				     " + (SELECT count(*) FROM village_photos WHERE sha256 = ?)", "ss", sha, sha);
	return rc == DB_ROW ? n > 0 : -1;
}

const struct module villages_module = {
	.file_used = villages_file_used,
	.name = "villages",
	.routes = villages_routes,
	.tools = villages_tools,
	.pages = villages_pages,
	.migrations = villages_migrations,
	.demo_load = villages_demo_load,
	.tick = villages_tick,
};
