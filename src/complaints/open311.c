/* open311.c - the Open311 GeoReport v2 server at /open311/v2/ (specs §1):
 * discovery, services, service definitions, requests (POST with api_key,
 * GET with every filter and page/page_size), tokens, in JSON and XML.
 *
 * Every answer is built once as JSON and, for .xml, written out as XML by
 * one converter, so the two formats always carry the same content.  Only
 * non-confidential complaints appear, and a request has no field that
 * names its reporter: the GeoReport request object has none.
 */
#include "complaints.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "form.h"
#include "regions.h"
#include "strbuf.h"
#include "util.h"
#include "validate.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
#define CHANGESET "2026-11-28T00:00:00+07:00"
#define WINDOW_DAYS 90
#define PAGE_SIZE_DEFAULT 1000
#define IDS_MAX 100
#define CODES_MAX 10

enum fmt { FMT_NONE, FMT_JSON, FMT_XML };

/* ---- output -------------------------------------------------------------------------- */

/* The element name of one item of a list member. */
static const char *item_name(const char *list)
{
	static const struct { const char *list, *item; } names[] = {
		{ "attributes", "attribute" }, { "values", "value" }, { "endpoints", "endpoint" },
		{ "formats", "format" }, { "service_requests", "request" }, { "services", "service" },
		{ "errors", "error" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].list, list) == 0)
			return names[i].item;
	return "item";
}

static void xml_value(struct strbuf *b, const char *name, json_t *v)
{
	strbuf_addf(b, "<%s>", name);
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *child;
		json_object_foreach(v, k, child)
			xml_value(b, k, child);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *child;
		json_array_foreach(v, i, child)
			xml_value(b, item_name(name), child);
		break;
	}
	case JSON_STRING:
		strbuf_add_markup(b, json_string_value(v));
		break;
	case JSON_INTEGER:
		strbuf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		strbuf_addf(b, "%.7f", json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_addstr(b, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(b, "false");
		break;
	case JSON_NULL:
		break;
	}
	strbuf_addf(b, "</%s>", name);
}

/* Answer with body (stolen): JSON as it is, XML under root. */
static int reply_o311(struct req *r, enum fmt f, int status, const char *root, json_t *body)
{
	if (f != FMT_XML) {
		/* Reals keep their precision in JSON; the XML writes 7 places. */
		return reply_json(r, status, body);
	}
	struct strbuf b;
	strbuf_init(&b, r->arena, 4096);
	strbuf_addstr(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
	xml_value(&b, root, body);
	json_decref(body);
	if (b.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	return reply_text(r, status, "text/xml; charset=utf-8", b.buf, b.len);
}

/* GeoReport errors: [{code, description}] with the HTTP status as code. */
static int o311_error(struct req *r, enum fmt f, int status, const char *description)
{
	return reply_o311(r, f, status, "errors", json_pack("[{s:i, s:s}]", "code", status, "description", description));
}

/* "services.json" style tails: the part before the last dot into *name,
 * the format from the suffix. */
static enum fmt split_format(struct req *r, const char *file, const char **name)
{
	const char *dot = file ? strrchr(file, '.') : NULL;
	if (!dot || dot == file)
		return FMT_NONE;
	*name = arena_strndup(r->arena, file, (size_t)(dot - file));
	return strcmp(dot + 1, "json") == 0 ? FMT_JSON : strcmp(dot + 1, "xml") == 0 ? FMT_XML : FMT_NONE;
}

static enum fmt param_format(struct req *r)
{
	const char *s = req_param(r, "fmt");
	return strcmp(s, "json") == 0 ? FMT_JSON : strcmp(s, "xml") == 0 ? FMT_XML : FMT_NONE;
}

static int bad_format(struct req *r)
{
	return o311_error(r, FMT_JSON, 404, "unknown format: use .json or .xml");
}

/* jurisdiction_id, when given, must be this regency. */
static int check_jurisdiction(struct req *r, enum fmt f, const char *j)
{
	const char *mine = r->app->cfg.regency_code;
	if (!j || !*j || (mine && strcmp(j, mine) == 0))
		return 0;
	o311_error(r, f, 404, "unknown jurisdiction_id");
	return -1;
}

/* "2026-08-14T09:00:00+07:00" for a stored UTC time. */
static const char *wib_datetime(struct arena *a, const char *utc)
{
	struct tm tm = { 0 };
	if (!utc || !strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	time_t t = timegm(&tm) + 7 * 3600;
	char out[40];
	gmtime_r(&t, &tm);
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S+07:00", &tm);
	return arena_strdup(a, out);
}

/* ISO-8601 from a client: a date, or a date and time with Z or an offset
 * (a time without a zone is taken as WIB).  0 with *out (epoch), or -1. */
static int parse_datetime(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	long offset = 7 * 3600;
	if (!p)
		return -1;
	if (*p == 'T') {
		const char *q = strptime(p + 1, "%H:%M:%S", &tm);
		if (!q)
			q = strptime(p + 1, "%H:%M", &tm);
		if (!q)
			return -1;
		p = q;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p == 'Z') {
			offset = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, hh, mm;
			size_t rest = strlen(p);
			if (rest == 6 && p[3] == ':' && sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2)
				p += 6;
			else if (rest == 5 && sscanf(p + 1, "%2d%2d", &hh, &mm) == 2)
				p += 5;
			else
				return -1;
			if (hh < 0 || hh > 14 || mm < 0 || mm > 59)
				return -1;
			offset = sign * (hh * 3600L + mm * 60L);
		}
	}
	if (*p)
		return -1;
	*out = timegm(&tm) - offset;
	return 0;
}

/* ---- discovery and services ------------------------------------------------------------- */

static const char *base_url(struct req *r)
{
	return r->app->cfg.base_url ? r->app->cfg.base_url : "";
}

/* GET /open311/v2/discovery.{fmt} */
static int o311_discovery(struct req *r)
{
	enum fmt f = param_format(r);
	if (!f)
		return bad_format(r);
	json_t *d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}",
		"changeset", CHANGESET,
		"contact", "Matur Bupati, Pemerintah Kabupaten Purbalingga",
		"key_service", "Minta api_key kepada administrator Pendopo (pendopo apikey create)",
		"endpoints", "specification", SPEC_URL, "url", arena_printf(r->arena, "%s/open311/v2", base_url(r)),
		"changeset", CHANGESET, "type", "production", "formats", "text/xml", "application/json");
	return reply_o311(r, f, 200, "discovery", d);
}

static json_t *service_json(struct db_stmt *st)
{
	return json_pack("{s:s, s:s, s:s?, s:b, s:s, s:s?, s:s?}", "service_code", db_col_text(st, 0),
			 "service_name", db_col_text(st, 1), "description", db_col_text(st, 2), "metadata", 1,
			 "type", "realtime", "keywords", db_col_text(st, 3), "group", db_col_text(st, 4));
}

/* GET /open311/v2/services.{fmt} */
static int o311_services(struct req *r)
{
	enum fmt f = param_format(r);
	if (!f)
		return bad_format(r);
	if (check_jurisdiction(r, f, req_query(r, "jurisdiction_id")))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT code, name, description, keywords, group_name FROM complaint_categories "
					     "WHERE active = 1 ORDER BY sort, name", "");
	if (!st)
		return complaints_db_error(r);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, service_json(st));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_o311(r, f, 200, "services", items);
}

static json_t *list_attribute(const char *code, int order, const char *description, const char *k1,
			      const char *n1, const char *k2, const char *n2)
{
	return json_pack("{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:[{s:s, s:s}, {s:s, s:s}]}",
			 "variable", 1, "code", code, "datatype", "singlevaluelist", "required", 0,
			 "datatype_description", "pilih salah satu", "order", order, "description", description,
			 "values", "key", k1, "name", n1, "key", k2, "name", n2);
}

/* GET /open311/v2/services/{code}.{fmt} */
static int o311_service_definition(struct req *r)
{
	const char *code;
	enum fmt f = split_format(r, req_param(r, "file"), &code);
	if (!f)
		return bad_format(r);
	if (check_jurisdiction(r, f, req_query(r, "jurisdiction_id")))
		return 0;
	int64_t sensitive;
	int rc = db_query_int(r->db, &sensitive, "SELECT sensitive FROM complaint_categories WHERE code = ? AND active = 1",
			      "s", code);
	if (rc == DB_DONE)
		return o311_error(r, f, 404, "unknown service_code");
	if (rc != DB_ROW)
		return complaints_db_error(r);
	json_t *attrs = json_array();
	json_array_append_new(attrs, list_attribute("kind", 1, "Pengaduan atau aspirasi (bawaan: pengaduan)",
						    "complaint", "Pengaduan", "aspiration", "Aspirasi"));
	json_array_append_new(attrs, list_attribute("anonymous", 2, "Sembunyikan identitas pelapor dari semua "
						    "kecuali verifikator (bawaan: tidak)", "false", "Tidak", "true", "Ya"));
	json_array_append_new(attrs, list_attribute("confidential", 3, sensitive
						    ? "Isi aduan tidak dipublikasikan (bawaan kategori ini: ya)"
						    : "Isi aduan tidak dipublikasikan (bawaan: tidak)",
						    "false", "Tidak", "true", "Ya"));
	return reply_o311(r, f, 200, "service_definition",
			  json_pack("{s:s, s:o}", "service_code", code, "attributes", attrs));
}

/* ---- requests ------------------------------------------------------------------------------- */

/* A request's own columns; its case's come from the case engine. */
#define REQUEST_SELECT \
	"SELECT p.case_id, k.name, k.code, p.description, p.address, p.village, p.lat, p.lon, p.media_url " \
	"FROM complaints p JOIN complaint_categories k ON k.id = p.category_id "

static const char *notice_for(struct arena *a, const char *state, const char *due)
{
	if (strcmp(state, "submitted") == 0)
		return arena_printf(a, "Diterima; diverifikasi dan diteruskan ke OPD paling lambat %s", due ? due : "-");
	if (strcmp(state, "in_progress") == 0)
		return arena_printf(a, "Ditindaklanjuti OPD; jawaban paling lambat %s", due ? due : "-");
	if (strcmp(state, "answered") == 0)
		return "Sudah dijawab; pelapor dapat menanggapi atau menilai jawaban";
	if (strcmp(state, "rejected") == 0)
		return "Tidak dapat ditindaklanjuti";
	return "Selesai";
}

/* Why a complaint was refused, said to the citizen (the reason's code is
 * the API's; an Open311 client shows status_notes as it is). */
static const char *reason_sentence(const char *reason)
{
	static const struct {
		const char *code, *sentence;
	} reasons[] = {
		{ "out_of_authority", "Tidak dapat ditindaklanjuti karena di luar kewenangan Pemerintah Kabupaten." },
		{ "duplicate", "Sudah pernah dilaporkan; ditindaklanjuti bersama laporan sebelumnya." },
		{ "not_complaint", "Bukan pengaduan atau aspirasi yang dapat ditindaklanjuti." },
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reason, reasons[i].code) == 0)
			return reasons[i].sentence;
	return "Tidak dapat ditindaklanjuti.";
}

/* The newest public text of the case: the answer, or why it was refused. */
static const char *status_notes(struct req *r, struct case_ctx *x, const struct case_row *cs)
{
	json_t *t = case_timeline(x, cs, CASE_PUBLIC, false);
	const char *notes = NULL;
	for (size_t i = json_array_size(t); t && i > 0 && !notes; i--) {
		json_t *e = json_array_get(t, i - 1);
		const char *text = json_string_value(json_object_get(e, "text"));
		const char *reason = json_string_value(json_object_get(json_object_get(e, "data"), "reason"));
		if (text)
			notes = arena_strdup(r->arena, text);
		else if (reason)
			notes = reason_sentence(reason);
	}
	json_decref(t);
	return notes;
}

static json_t *request_json(struct req *r, struct case_ctx *x, struct db_stmt *st, const struct case_row *cs)
{
	const char *state = cs->state, *due = cs->due_day, *unit_code, *unit_name = NULL;
	if (cs->unit_id && case_unit(x, cs->unit_id, &unit_code, &unit_name) != 0)
		unit_name = NULL;
	json_t *photos = case_attachments(x, cs, true);
	const char *media = db_col_text(st, 8);
	if (json_array_size(photos) > 0)
		media = arena_printf(r->arena, "%s/api/complaints/%s/photos/%d", base_url(r), cs->tracking,
				     (int)json_integer_value(json_object_get(json_array_get(photos, 0), "n")));
	json_decref(photos);
	bool expecting = due && (strcmp(state, "submitted") == 0 || strcmp(state, "in_progress") == 0);
	return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:n, s:o, s:o, s:s?}",
		"service_request_id", cs->tracking, "status", cs->closed_at ? "closed" : "open",
		"status_notes", status_notes(r, x, cs), "service_name", db_col_text(st, 1),
		"service_code", db_col_text(st, 2), "description", db_col_text(st, 3),
		"agency_responsible", unit_name, "service_notice", notice_for(r->arena, state, due),
		"requested_datetime", wib_datetime(r->arena, cs->created_at),
		"updated_datetime", wib_datetime(r->arena, cs->updated_at),
		"expected_datetime", expecting ? arena_printf(r->arena, "%sT23:59:59+07:00", due) : NULL,
		"address", db_col_text(st, 4), "address_id", db_col_text(st, 5), "zipcode",
		"lat", db_col_is_null(st, 6) ? json_null() : json_real(db_col_double(st, 6)),
		"long", db_col_is_null(st, 7) ? json_null() : json_real(db_col_double(st, 7)),
		"media_url", media);
}

/* Rows of st (REQUEST_SELECT) as requests, appended to items, each with
 * its case read from the engine. */
static int append_requests(struct req *r, struct case_ctx *x, struct db_stmt *st, json_t *items)
{
	if (!st)
		return -1;
	int rc;
	struct case_row cs;
	while ((rc = db_step(st)) == DB_ROW) {
		int found = case_load_id(x, &complaint_type, db_col_int(st, 0), &cs);
		if (found < 0) {
			rc = DB_ERROR;
			break;
		}
		if (found == 0)
			json_array_append_new(items, request_json(r, x, st, &cs));
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* The public request whose tracking number is id, appended to items. */
static int append_request(struct req *r, struct case_ctx *x, const char *id, json_t *items)
{
	struct case_row cs;
	int rc = case_load(x, &complaint_type, id, &cs);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return append_requests(r, x, db_query(r->db, REQUEST_SELECT "WHERE p.case_id = ? AND p.confidential = 0", "i",
					      cs.id), items);
}

/* A comma list into at most max parts; -1 when longer. */
static int split_list(struct arena *a, const char *s, const char **out, int max)
{
	int n = 0;
	char *copy = arena_strdup(a, s), *save = NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		if (n == max)
			return -1;
		out[n++] = t;
	}
	return n;
}

/* GET /open311/v2/requests.{fmt} */
static int o311_requests(struct req *r)
{
	enum fmt f = param_format(r);
	if (!f)
		return bad_format(r);
	if (check_jurisdiction(r, f, req_query(r, "jurisdiction_id")))
		return 0;
	struct case_ctx x;
	complaints_ctx(r, &x);
	json_t *items = json_array();
	const char *ids_s = req_query(r, "service_request_id");

	if (ids_s) {
		/* A list of ids overrides every other filter. */
		const char *ids[IDS_MAX];
		int n = split_list(r->arena, ids_s, ids, IDS_MAX);
		if (n < 0) {
			json_decref(items);
			return o311_error(r, f, 400, "service_request_id holds at most 100 ids");
		}
		for (int i = 0; i < n; i++)
			if (append_request(r, &x, ids[i], items) != 0) {
				json_decref(items);
				return complaints_db_error(r);
			}
		return reply_o311(r, f, 200, "service_requests", items);
	}

	const char *codes[CODES_MAX] = { "", "", "", "", "", "", "", "", "", "" };
	const char *code_s = req_query(r, "service_code"), *status = req_query(r, "status");
	const char *start_s = req_query(r, "start_date"), *end_s = req_query(r, "end_date");
	long page, size;
	int ncodes = code_s ? split_list(r->arena, code_s, codes, CODES_MAX) : 0;
	const char *bad = NULL;
	time_t start = 0, end = 0;
	int want_open = 1, want_closed = 1;
	if (ncodes < 0)
		bad = "service_code holds at most 10 codes";
	else if (start_s && parse_datetime(start_s, &start) != 0)
		bad = "start_date must be an ISO-8601 date-time such as 2026-08-14T09:00:00+07:00";
	else if (end_s && parse_datetime(end_s, &end) != 0)
		bad = "end_date must be an ISO-8601 date-time such as 2026-08-14T09:00:00+07:00";
	if (!bad && status) {
		const char *parts[2];
		int n = split_list(r->arena, status, parts, 2);
		want_open = want_closed = 0;
		for (int i = 0; i < n; i++) {
			if (strcmp(parts[i], "open") == 0)
				want_open = 1;
			else if (strcmp(parts[i], "closed") == 0)
				want_closed = 1;
			else
				n = -1;
		}
		if (n <= 0)
			bad = "status must be open, closed or open,closed";
	}
	if (!bad) {
		if (!start_s && !end_s)
			end = x.now;
		if (!start_s)
			start = end - WINDOW_DAYS * 86400;
		if (!end_s)
			end = start + WINDOW_DAYS * 86400;
		if (end < start)
			bad = "end_date is before start_date";
		else if (end - start > WINDOW_DAYS * 86400)
			bad = "start_date and end_date may be at most 90 days apart";
	}
	if (bad) {
		json_decref(items);
		return o311_error(r, f, 400, bad);
	}
	/* page and page_size: errors in the GeoReport shape too. */
	const char *ps = req_query(r, "page"), *pss = req_query(r, "page_size");
	char *e1 = NULL, *e2 = NULL;
	page = ps ? strtol(ps, &e1, 10) : 1;
	size = pss ? strtol(pss, &e2, 10) : PAGE_SIZE_DEFAULT;
	if ((ps && (*e1 || !*ps || page < 1 || page > 1000000)) || (pss && (*e2 || !*pss || size < 1 || size > 1000))) {
		json_decref(items);
		return o311_error(r, f, 400, "page must be 1 or more and page_size from 1 to 1000");
	}
	char from[24], to[24];
	time_iso(start, from);
	time_iso(end, to);
	struct db_sql q;
	db_sql_init(&q, r->arena);
	db_sql_add(&q, REQUEST_SELECT "WHERE p.confidential = 0 AND p.created_at >= ? AND p.created_at <= ? "
		   "AND (? = 0 OR k.code IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)) ",
		   "ssissssssssss", from, to, (int64_t)ncodes, codes[0], codes[1], codes[2], codes[3], codes[4], codes[5],
		   codes[6], codes[7], codes[8], codes[9]);
	if (want_open != want_closed) {
		db_sql_add(&q, "AND ", "");
		case_match_sql(&x, &complaint_type, &(struct case_filter){ .status = want_open ? "open" : "closed" },
			       "p.case_id", &q);
	}
	db_sql_add(&q, " ORDER BY p.created_at DESC, p.case_id DESC LIMIT ? OFFSET ?", "ii", (int64_t)size,
		   (int64_t)((page - 1) * size));
	struct db_stmt *st = db_sql_query(r->db, &q);
	if (append_requests(r, &x, st, items) != 0) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_o311(r, f, 200, "service_requests", items);
}

/* GET /open311/v2/requests/{id}.{fmt}: a one-element array. */
static int o311_request(struct req *r)
{
	const char *id;
	enum fmt f = split_format(r, req_param(r, "file"), &id);
	if (!f)
		return bad_format(r);
	if (check_jurisdiction(r, f, req_query(r, "jurisdiction_id")))
		return 0;
	struct case_ctx x;
	complaints_ctx(r, &x);
	json_t *items = json_array();
	if (append_request(r, &x, id, items) != 0) {
		json_decref(items);
		return complaints_db_error(r);
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		return o311_error(r, f, 404, "no service request has this id");
	}
	return reply_o311(r, f, 200, "service_requests", items);
}

/* GET /open311/v2/tokens/{token}.{fmt} */
static int o311_token(struct req *r)
{
	const char *token;
	enum fmt f = split_format(r, req_param(r, "file"), &token);
	if (!f)
		return bad_format(r);
	if (check_jurisdiction(r, f, req_query(r, "jurisdiction_id")))
		return 0;
	struct case_ctx x;
	struct case_row cs;
	int64_t case_id = 0;
	complaints_ctx(r, &x);
	int rc = db_query_int(r->db, &case_id, "SELECT case_id FROM complaints WHERE open311_token = ? AND confidential = 0",
			      "s", token);
	if (rc == DB_ROW)
		rc = case_load_id(&x, &complaint_type, case_id, &cs) == 0 ? DB_ROW : DB_ERROR;
	if (rc < 0)
		return complaints_db_error(r);
	const char *id = rc == DB_ROW ? cs.tracking : NULL;
	if (!id)
		return o311_error(r, f, 404, "no service request has this token");
	return reply_o311(r, f, 200, "service_requests",
			  json_pack("[{s:s, s:s}]", "service_request_id", id, "token", token));
}

/* An attribute[code] value given as true/false. */
static int attr_bool(const struct form *fm, const char *code, int *out)
{
	const char *v = form_get(fm, code);
	*out = -1;
	if (!v || !*v)
		return 0;
	if (strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* The photo sent as the multipart part "media", made again and kept as
 * an upload the submission claims; 1 when a reply was set. */
static int o311_media(struct req *r, enum fmt f, const struct form *fm, struct submission *s)
{
	const struct form_file *media = form_file_get(fm, "media");
	struct complaint_photo p;
	const char *en, *id, *token;
	if (!media)
		return 0;
	if (media->len > PHOTO_MAX_BYTES)
		return o311_error(r, f, 413, arena_printf(r->arena, "media may be at most %u MB",
							  PHOTO_MAX_BYTES / (1024 * 1024))), 1;
	int rc = complaint_photo_make(r, media->data, media->len, &p, &en, &id);
	if (rc == 1)
		return o311_error(r, f, 400, arena_printf(r->arena, "media: %s", en)), 1;
	if (rc != 0)
		return o311_error(r, f, 500, "the photo could not be stored"), 1;
	if (complaint_photo_record(r, &p, &token) != 0)
		return complaints_db_error(r), 1;
	s->photos = json_pack("[s]", token);
	return 0;
}

/* POST /open311/v2/requests.{fmt}: application/x-www-form-urlencoded, or
 * multipart/form-data with a photo as the part "media". */
static int o311_post(struct req *r)
{
	enum fmt f = param_format(r);
	if (!f)
		return bad_format(r);
	struct form fm;
	const char *ctype = req_header(r, "Content-Type");
	bool multipart = ctype && strncasecmp(ctype, "multipart/form-data", 19) == 0;
	enum form_error fe = multipart ? form_parse_multipart(r->arena, ctype, r->body_raw ? r->body_raw : "", r->body_len, &fm)
				       : form_parse(r->arena, r->body_raw ? r->body_raw : "", r->body_len, &fm);
	if (fe != FORM_OK)
		return o311_error(r, f, 400, form_error_message(fe));
	const char *key = form_get(&fm, "api_key");
	struct caller who;
	int rc = key && *key ? auth_token_caller(r->db, r->arena, key, &who) : 1;
	if (rc < 0)
		return complaints_db_error(r);
	if (rc > 0)
		return o311_error(r, f, 403, key && *key ? "api_key is not valid" : "api_key is required");
	r->caller = who;
	if (check_jurisdiction(r, f, form_get(&fm, "jurisdiction_id")))
		return 0;

	/* Every attribute must be one the service definition lists. */
	for (size_t i = 0; i < fm.n; i++) {
		const char *n = fm.fields[i].name;
		if (strncmp(n, "attribute[", 10) == 0 && strcmp(n, "attribute[kind]") != 0 &&
		    strcmp(n, "attribute[anonymous]") != 0 && strcmp(n, "attribute[confidential]") != 0)
			return o311_error(r, f, 400, arena_printf(r->arena, "unknown attribute %s", n));
	}
	const char *code = form_get(&fm, "service_code"), *desc = form_get(&fm, "description");
	const char *lat_s = form_get(&fm, "lat"), *lon_s = form_get(&fm, "long");
	const char *kind = form_get(&fm, "attribute[kind]");
	const char *first = form_get(&fm, "first_name"), *last = form_get(&fm, "last_name");
	struct submission s = {
		.kind = kind && *kind ? kind : "complaint", .category = code ? code : "",
		.description = desc ? desc : "", .address = form_get(&fm, "address_string"),
		.village = form_get(&fm, "address_id"), .email = form_get(&fm, "email"),
		.phone = form_get(&fm, "phone"), .channel = "open311", .media_url = form_get(&fm, "media_url"),
	};
	if (!code || !*code)
		return o311_error(r, f, 400, "service_code is required");
	if (utf8_length(s.description) > DESCRIPTION_MAX)
		return o311_error(r, f, 400, "description is longer than 4000 characters");
	if (attr_bool(&fm, "attribute[anonymous]", &s.anonymous) || attr_bool(&fm, "attribute[confidential]", &s.confidential))
		return o311_error(r, f, 400, "attribute[anonymous] and attribute[confidential] must be true or false");
	if ((lat_s && *lat_s) != (lon_s && *lon_s))
		return o311_error(r, f, 400, "give both lat and long");
	if (lat_s && *lat_s) {
		char *e1, *e2;
		s.lat = strtod(lat_s, &e1);
		s.lon = strtod(lon_s, &e2);
		if (e1 == lat_s || e2 == lon_s || *e1 || *e2 || !isfinite(s.lat) || !isfinite(s.lon) || fabs(s.lat) > 90 ||
		    fabs(s.lon) > 180)
			return o311_error(r, f, 400, "lat and long must be decimal degrees");
		s.has_location = true;
	}
	if (s.address && !*s.address)
		s.address = NULL;
	if (s.village && !*s.village)
		s.village = NULL;
	if (s.email && !*s.email)
		s.email = NULL;
	if (s.phone && !*s.phone)
		s.phone = NULL;
	if (s.media_url && !*s.media_url)
		s.media_url = NULL;
	if ((first && *first) || (last && *last))
		s.name = arena_printf(r->arena, "%s%s%s", first ? first : "", first && *first && last && *last ? " " : "",
				      last ? last : "");

	struct case_ctx x;
	struct complaint_view v;
	struct filing filing;
	const char *secret;
	char token[48];
	token_new(token);
	token[24] = '\0';
	s.token = token;
	complaints_ctx(r, &x);
	/* The photo is made only for a request that will be filed. */
	rc = complaint_submission_check(r, &s, &filing);
	if (rc == 0 && o311_media(r, f, &fm, &s))
		return 0;
	if (rc != 0 || complaint_submission_write(r, &x, &s, &filing, &v, &secret) != 0) {
		json_decref(s.photos);
		/* Turn the JSON refusal into the GeoReport shape, same status. */
		json_t *e = json_object_get(r->reply, "error");
		const char *msg = json_string_value(json_object_get(e, "message"));
		return o311_error(r, f, r->status, msg ? msg : "the request was refused");
	}
	json_decref(s.photos);
	json_decref(v.photos);
	return reply_o311(r, f, 201, "service_requests",
			  json_pack("[{s:s, s:s, s:s, s:n}]", "service_request_id", v.cs.tracking, "token", token,
				    "service_notice", notice_for(r->arena, v.cs.state, v.cs.due_day), "account_id"));
}

static const struct route open311_routes[] = {
	{ "GET", "/open311/v2/discovery.{fmt}", o311_discovery, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/open311/v2/services.{fmt}", o311_services, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/open311/v2/services/{file}", o311_service_definition, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/open311/v2/requests.{fmt}", o311_requests, ROLE_PUBLIC, NULL, RF_REPLICA },
	/* A photo sent along keeps to --body-limit-kb too: the route refuses
	 * a large body before reading it, as every protocol route does. */
	{ "POST", "/open311/v2/requests.{fmt}", o311_post, ROLE_PUBLIC, NULL, RF_RAW_BODY },
	{ "GET", "/open311/v2/requests/{file}", o311_request, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/open311/v2/tokens/{file}", o311_token, ROLE_PUBLIC, NULL, 0 },
	{ 0 },
};

/* The router's refusals (a body too large) as GeoReport errors, in the
 * format the path asks for. */
static int o311_refuse(struct req *r, int status, const char *code, const char *message, const char *field)
{
	(void)code;
	(void)field;
	size_t n = strlen(r->path);
	return o311_error(r, n > 4 && strcmp(r->path + n - 4, ".xml") == 0 ? FMT_XML : FMT_JSON, status, message);
}

static const struct protocol open311_protocol = {
	.name = "open311",
	.refuse = o311_refuse,
	.error_schema = "{\"type\": \"array\", \"items\": {\"type\": \"object\", \"required\": [\"code\", \"description\"],"
			" \"properties\": {\"code\": {\"type\": \"integer\"}, \"description\": {\"type\": \"string\"}}}}",
	.media_type = "application/x-www-form-urlencoded",
	.prefix = "/open311/",
};

const struct module open311_module = {
	.name = "open311",
	.routes = open311_routes,
	.protocol = &open311_protocol,
};
