/* versions.c - a table's life after the import: the producer -> walidata
 * -> pembina flow, history, diffs, "as of" reads, rows and downloads.
 *
 * Public readers see the published version; the producing agency, the
 * walidata and the regent's office may read any version.  Publishing is
 * refused while the table has open conflicts, so that no figure that
 * contradicts another agency's reaches the public unresolved.
 */
#include "can.h"
#include "log.h"
#include "satudata.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "strbuf.h"

/* ---- who reads which version ------------------------------------------------ */

static bool staff_reader(const struct req *r, int64_t org_id)
{
	return can(&r->caller, &data_read_private, &(struct object){ .unit_id = org_id });
}

static bool is_pembina(struct req *r)
{
	int64_t bps = data_unit_id(r->db, DATA_PEMBINA_UNIT);
	return can(&r->caller, &data_produce, &(struct object){ .unit_id = bps });
}

int versions_pick(struct req *r, const struct resource *res, int64_t org_id, int64_t *version)
{
	const char *v = req_query(r, "version"), *as_of = req_query(r, "as_of");
	*version = res->pub_version;
	if (v) {
		long n;
		if (req_query_int(r, "version", 0, 1, res->cur_version > 0 ? res->cur_version : 1, &n))
			return 1;
		int64_t published = 0;
		if (db_query_int(r->db, &published, "SELECT count(*) FROM data_versions WHERE resource_id = ? "
						    "AND number = ? AND published_at IS NOT NULL", "ii", res->id, (int64_t)n) != DB_ROW)
			return reply_db_error(r), 1;
		if (!published && !staff_reader(r, org_id))
			return reply_error(r, 404, "not_found", "this version is not published", "version"), 1;
		*version = n;
	} else if (as_of) {
		size_t n = strlen(as_of);
		const char *until = n == 10 ? arena_printf(r->arena, "%sT23:59:59Z", as_of) : as_of;
		if ((n != 10 && n != 20) || !(n == 10 ? period_valid(as_of) : as_of[10] == 'T'))
			return reply_error(r, 400, "invalid", "as_of must be a date (2025-06-30) or a UTC time "
					   "(2025-06-30T12:00:00Z)", "as_of"), 1;
		int64_t found = 0;
		if (db_query_int(r->db, &found, "SELECT coalesce(max(number), 0) FROM data_versions "
						"WHERE resource_id = ? AND published_at IS NOT NULL AND published_at <= ?",
				 "is", res->id, until) != DB_ROW)
			return reply_db_error(r), 1;
		*version = found;
	}
	return 0;
}

int resource_schema(struct req *r, const struct resource *res, struct tschema *s)
{
	char err[200];
	if (strcmp(res->kind, "table") != 0 || !res->schema)
		return -1;
	json_t *j = json_loads(res->schema, 0, NULL);
	int rc = tschema_parse(j, r->arena, s, err, sizeof(err));
	json_decref(j);
	return rc;
}

/* The resource named by {id}, readable by this caller; 1 when a reply was set. */
static int readable_resource(struct req *r, struct resource *res, int64_t *org_id, struct dataset *d)
{
	int rc = catalog_resource_by_uid(r, req_param(r, "id"), res, org_id);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, res->dataset_id, d) < 0))
		return reply_db_error(r), 1;
	if (rc == 1 || !catalog_may_see(r, d->org_id, d->private_))
		return reply_error(r, 404, "not_found", "no such resource", NULL), 1;
	return 0;
}

/* ---- rows -------------------------------------------------------------------- */

const char *cell_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(buf, len, "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
	} else if (json_is_boolean(v)) {
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	} else {
		buf[0] = '\0';
	}
	return buf;
}

/* want is v or a list holding it. */
static bool value_in(const char *have, const json_t *want)
{
	char b[64];
	if (!json_is_array(want))
		return strcmp(have, cell_text(want, b, sizeof(b))) == 0;
	size_t k;
	const json_t *w;
	json_array_foreach((json_t *)want, k, w)
		if (strcmp(have, cell_text(w, b, sizeof(b))) == 0)
			return true;
	return false;
}

static bool row_matches(const struct row_filter *f, int64_t rnum, const json_t *cells, const char *raw)
{
	char a[64];
	for (int i = 0; i < f->nconds; i++)
		if (!value_in(cell_text(json_array_get(cells, (size_t)f->field[i]), a, sizeof(a)), f->values[i]))
			return false;
	if (f->ids) {
		snprintf(a, sizeof(a), "%lld", (long long)rnum);
		if (!value_in(a, f->ids))
			return false;
	}
	for (int i = 0; i < f->ntexts; i++) {
		const char *have = cell_text(json_array_get(cells, (size_t)f->text_field[i]), a, sizeof(a));
		if (!strcasestr(have, f->texts[i]))
			return false;
	}
	return (!f->q || strcasestr(raw, f->q)) && (!f->full_text || strcasestr(raw, f->full_text));
}

/* The four texts for the indexed filters: constant SQL, chosen here. */
static struct db_stmt *rows_query(struct req *r, int64_t rid, int64_t v, const struct row_filter *f,
				  bool counting, long limit, long offset)
{
#define ROWS_WHERE "FROM data_rows WHERE resource_id = ? AND from_v <= ? AND (to_v IS NULL OR to_v > ?) "
	if (counting) {
		if (f->region && f->period)
			return db_query(r->db, "SELECT count(*) " ROWS_WHERE "AND region = ? AND period = ?", "iiiss",
					rid, v, v, f->region, f->period);
		if (f->region)
			return db_query(r->db, "SELECT count(*) " ROWS_WHERE "AND region = ?", "iiis", rid, v, v, f->region);
		if (f->period)
			return db_query(r->db, "SELECT count(*) " ROWS_WHERE "AND period = ?", "iiis", rid, v, v, f->period);
		return db_query(r->db, "SELECT count(*) " ROWS_WHERE, "iii", rid, v, v);
	}
	if (f->region && f->period)
		return db_query(r->db, "SELECT rnum, cells " ROWS_WHERE "AND region = ? AND period = ? ORDER BY id "
				"LIMIT ? OFFSET ?", "iiissii", rid, v, v, f->region, f->period, (int64_t)limit, (int64_t)offset);
	if (f->region)
		return db_query(r->db, "SELECT rnum, cells " ROWS_WHERE "AND region = ? ORDER BY id LIMIT ? OFFSET ?",
				"iiisii", rid, v, v, f->region, (int64_t)limit, (int64_t)offset);
	if (f->period)
		return db_query(r->db, "SELECT rnum, cells " ROWS_WHERE "AND period = ? ORDER BY id LIMIT ? OFFSET ?",
				"iiisii", rid, v, v, f->period, (int64_t)limit, (int64_t)offset);
	return db_query(r->db, "SELECT rnum, cells " ROWS_WHERE "ORDER BY id LIMIT ? OFFSET ?", "iiiii",
			rid, v, v, (int64_t)limit, (int64_t)offset);
#undef ROWS_WHERE
}

int rows_scan(struct req *r, int64_t resource_id, int64_t version, const struct tschema *s,
	      const struct row_filter *f, long offset, long limit,
	      int (*fn)(void *ctx, int64_t id, json_t *cells), void *ctx, long *total)
{
	(void)s;
	bool in_c = f->nconds > 0 || f->ids || f->ntexts > 0 || f->q || f->full_text;
	*total = 0;
	if (version <= 0)
		return 0;
	if (!in_c) {
		int64_t n = 0;
		struct db_stmt *st = rows_query(r, resource_id, version, f, true, 0, 0);
		if (!st)
			return -1;
		if (db_step(st) == DB_ROW)
			n = db_col_int(st, 0);
		db_done(st);
		*total = (long)n;
		if (limit == 0 || offset >= n)
			return 0;
	}
	/* Filters applied here read every candidate row (no SQL LIMIT). */
	struct db_stmt *st = rows_query(r, resource_id, version, f, false, in_c ? LONG_MAX : limit, in_c ? 0 : offset);
	if (!st)
		return -1;
	int rc;
	long seen = 0, sent = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *raw = db_col_text(st, 1);
		json_t *cells = json_loads(raw, 0, NULL);
		if (!cells) {
			rc = DB_ERROR;
			break;
		}
		if (in_c && !row_matches(f, db_col_int(st, 0), cells, raw)) {
			json_decref(cells);
			continue;
		}
		seen++;
		int keep = !in_c || (seen > offset && sent < limit);
		if (keep) {
			sent++;
			if (fn(ctx, db_col_int(st, 0), cells)) {
				json_decref(cells);
				rc = DB_ERROR;
				break;
			}
		}
		json_decref(cells);
	}
	db_done(st);
	if (in_c)
		*total = seen;
	return rc == DB_DONE ? 0 : -1;
}

static json_t *fields_json(const struct tschema *s)
{
	json_t *a = json_array();
	for (int i = 0; i < s->nfields; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name", s->fields[i].name,
						   "type", tschema_type_name(s->fields[i].type)));
	return a;
}

static json_t *record(const struct tschema *s, json_t *cells)
{
	json_t *o = json_object();
	for (int i = 0; i < s->nfields; i++)
		json_object_set(o, s->fields[i].name, json_array_get(cells, (size_t)i));
	return o;
}

struct collect {
	const struct tschema *s;
	json_t *records;
};

static int collect_record(void *ctx, int64_t id, json_t *cells)
{
	struct collect *c = ctx;
	(void)id;
	return json_array_append_new(c->records, record(c->s, cells));
}

/* GET /api/data/resources/{id}/rows?version=|as_of=&region=&period=&limit=&offset= */
int h_rows(struct req *r)
{
	struct resource res;
	struct dataset d;
	struct tschema s;
	int64_t org_id, v;
	long limit, offset, total;
	if (readable_resource(r, &res, &org_id, &d) || versions_pick(r, &res, org_id, &v) ||
	    req_query_int(r, "limit", 100, 0, 10000, &limit) || req_query_int(r, "offset", 0, 0, 100000000, &offset))
		return 0;
	if (resource_schema(r, &res, &s))
		return reply_error(r, 409, "conflict", "this resource is a file, not a table", NULL);
	struct row_filter f = { .region = req_query(r, "region"), .period = req_query(r, "period") };
	struct collect c = { &s, json_array() };
	if (rows_scan(r, res.id, v, &s, &f, offset, limit, collect_record, &c, &total)) {
		json_decref(c.records);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:I, s:o, s:o, s:I, s:I, s:I}", "version", (json_int_t)v,
					    "fields", fields_json(&s), "records", c.records, "total", (json_int_t)total,
					    "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

/* ---- downloads -------------------------------------------------------------- */

struct dl {
	const struct tschema *s;
	struct strbuf out;
	bool json, first;
};

static int dl_row(void *ctx, int64_t id, json_t *cells)
{
	struct dl *d = ctx;
	char buf[64];
	(void)id;
	if (d->json) {
		json_t *rec = record(d->s, cells);
		if (!d->first)
			strbuf_add(&d->out, ",\n", 2);
		strbuf_add_json(&d->out, rec, JSON_COMPACT);
		json_decref(rec);
	} else {
		for (int i = 0; i < d->s->nfields; i++) {
			if (i)
				strbuf_addch(&d->out, ',');
			strbuf_add_csv(&d->out, cell_text(json_array_get(cells, (size_t)i), buf, sizeof(buf)), false);
		}
		strbuf_add(&d->out, "\r\n", 2);
	}
	d->first = false;
	return d->out.failed ? -1 : 0;
}

static int download(struct req *r, bool json)
{
	struct resource res;
	struct dataset d;
	struct tschema s;
	int64_t org_id, v;
	long total;
	if (readable_resource(r, &res, &org_id, &d) || versions_pick(r, &res, org_id, &v))
		return 0;
	if (resource_schema(r, &res, &s))
		return reply_error(r, 409, "conflict", "this resource is a file, not a table", NULL);
	struct dl dl = { .s = &s, .json = json, .first = true };
	strbuf_init(&dl.out, r->arena, 0);
	if (json) {
		strbuf_addch(&dl.out, '[');
	} else {
		for (int i = 0; i < s.nfields; i++) {
			if (i)
				strbuf_addch(&dl.out, ',');
			strbuf_add_csv(&dl.out, s.fields[i].name, false);
		}
		strbuf_add(&dl.out, "\r\n", 2);
	}
	struct row_filter f = { .region = req_query(r, "region"), .period = req_query(r, "period") };
	int rc = rows_scan(r, res.id, v, &s, &f, 0, 100000000, dl_row, &dl, &total);
	if (json)
		strbuf_add(&dl.out, "]\n", 2);
	if (dl.out.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	if (rc)
		return reply_db_error(r);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s-v%lld.%s\"",
							     d.name, (long long)v, json ? "json" : "csv"));
	return reply_text(r, 200, json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
			  dl.out.buf, dl.out.len);
}

int h_download_csv(struct req *r)
{
	return download(r, false);
}

int h_download_json(struct req *r)
{
	return download(r, true);
}

/* ---- versions ------------------------------------------------------------------ */

#define VERSION_SELECT "SELECT number, note, status, rows_total, rows_added, rows_removed, rows_changed, " \
		       "created_at, created_by, walidata_by, walidata_at, pembina_by, pembina_at, review_note, " \
		       "published_at FROM data_versions "

static json_t *version_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
			 "number", (json_int_t)db_col_int(st, 0), "note", db_col_text(st, 1),
			 "status", db_col_text(st, 2), "rows", (json_int_t)db_col_int(st, 3),
			 "added", (json_int_t)db_col_int(st, 4), "removed", (json_int_t)db_col_int(st, 5),
			 "changed", (json_int_t)db_col_int(st, 6), "created_at", db_col_text(st, 7),
			 "created_by", db_col_text(st, 8), "walidata_by", db_col_text(st, 9),
			 "walidata_at", db_col_text(st, 10), "pembina_by", db_col_text(st, 11),
			 "pembina_at", db_col_text(st, 12), "review_note", db_col_text(st, 13),
			 "published_at", db_col_text(st, 14));
}

static json_t *version_get(struct req *r, int64_t rid, int64_t n)
{
	struct db_stmt *st = db_query(r->db, VERSION_SELECT "WHERE resource_id = ? AND number = ?", "ii", rid, n);
	json_t *v = st && db_step(st) == DB_ROW ? version_json(st) : NULL;
	db_done(st);
	return v;
}

struct mem_src {
	const char *p;
	size_t left;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_src *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

/* POST /api/data/resources/{id}/import?note=TEXT with the CSV as the body */
int h_import(struct req *r)
{
	struct resource res;
	int64_t org_id;
	int rc = catalog_resource_by_uid(r, req_param(r, "id"), &res, &org_id);
	if (rc)
		return rc < 0 ? reply_db_error(r) : reply_error(r, 404, "not_found", "no such resource", NULL);
	if (!data_caller_in(r, org_id) && !data_is_walidata(r))
		return reply_error(r, 403, "forbidden", "only the producing agency's staff may import into this table", NULL);
	const char *note = req_query(r, "note");
	if (!note || !*note || strlen(note) > 2000)
		return reply_error(r, 400, "invalid", "note: say in up to 2000 characters what this version changes", "note");
	if (strcmp(res.kind, "table") != 0)
		return reply_error(r, 409, "conflict", "this resource is a file link, not a table with a schema", NULL);

	char now[24], err[256];
	data_now(r->app, now);
	struct mem_src src = { r->body_raw ? r->body_raw : "", r->body_raw ? r->body_len : 0 };
	struct import_req rq = { .resource_id = res.id, .note = note, .actor = &r->caller, .read = mem_read,
				 .read_ctx = &src, .total_bytes = src.left, .now = now };
	struct import_result out;
	rc = data_import(r->db, r->arena, &rq, &out, err, sizeof(err));
	if (rc == 1) {
		json_t *body = json_pack("{s:{s:s, s:s, s:n}, s:o, s:I}", "error", "code", "invalid_rows",
					 "message", arena_printf(r->arena, "%ld error%s: nothing was imported", out.nerrors,
								 out.nerrors == 1 ? "" : "s"),
					 "field", "errors", out.errors, "error_count", (json_int_t)out.nerrors);
		return reply_json(r, 400, body);
	}
	json_decref(out.errors);
	if (rc == -2)
		return reply_error(r, 409, "conflict", err, NULL);
	if (rc < 0) {
		log_error("import failed", LOG_F("module", "data"), LOG_F("error", err));
		return reply_error(r, 500, "internal", "the import failed; nothing was imported", NULL);
	}
	json_t *v = version_get(r, res.id, out.version);
	if (!v)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:o, s:{s:I, s:I}}", "version", v, "conflicts",
					    "agency", (json_int_t)out.conflicts, "hierarchy", (json_int_t)out.hierarchy));
}

/* GET /api/data/resources/{id}/versions */
int h_versions_list(struct req *r)
{
	struct resource res;
	struct dataset d;
	int64_t org_id;
	if (readable_resource(r, &res, &org_id, &d))
		return 0;
	bool staff = staff_reader(r, org_id);
	struct db_stmt *st = db_query(r->db, VERSION_SELECT "WHERE resource_id = ? AND (? = 1 OR published_at IS NOT NULL) "
					     "ORDER BY number DESC", "ii", res.id, (int64_t)staff);
	if (!st)
		return reply_db_error(r);
	json_t *items = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(items, version_json(st));
	db_done(st);
	int64_t open = 0;
	if (staff && conflicts_open_count(r->db, res.id, &open))
		return json_decref(items), reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "cur_version", res.cur_version,
					    "pub_version", res.pub_version, "open_conflicts", (json_int_t)open));
}

/* POST /api/data/resources/{id}/versions/{n}/review {decision, note?}
 * The walidata approves a submitted version (published, or passed to the
 * pembina when the dataset is priority data) or returns it; the pembina
 * does the same for a verified one. */
int h_version_review(struct req *r)
{
	struct resource res;
	struct dataset d;
	int64_t org_id, open;
	const char *decision = body_str(r, "decision"), *note = body_str(r, "note");
	char now[24];
	int rc = catalog_resource_by_uid(r, req_param(r, "id"), &res, &org_id);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, res.dataset_id, &d) < 0))
		return reply_db_error(r);
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no such resource", NULL);
	char *end;
	long n = strtol(req_param(r, "n"), &end, 10);
	if (*end || n < 1)
		return reply_error(r, 404, "not_found", "no such version", NULL);
	bool approve = strcmp(decision, "approve") == 0;
	if (!approve && strcmp(decision, "return") != 0)
		return reply_error(r, 400, "invalid", "decision must be approve or return", "decision");
	if (!approve && (!note || !*note))
		return reply_error(r, 400, "invalid", "say in the note what the producer must fix", "note");

	const char *status = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT status FROM data_versions WHERE resource_id = ? AND number = ?",
				      "ii", res.id, (int64_t)n);
	if (st && db_step(st) == DB_ROW)
		status = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	if (!status)
		return reply_error(r, 404, "not_found", "no such version", NULL);
	bool walidata_step = strcmp(status, "submitted") == 0, pembina_step = strcmp(status, "verified") == 0;
	if (!walidata_step && !pembina_step)
		return reply_error(r, 409, "conflict", arena_printf(r->arena, "version %ld is %s, not awaiting review",
								   n, status), NULL);
	if (walidata_step ? !data_is_walidata(r) : !is_pembina(r))
		return reply_error(r, 403, "forbidden", walidata_step ? "the walidata reviews submitted versions"
				   : "the pembina (statistics bureau) reviews verified priority data", NULL);
	data_now(r->app, now);
	const char *by = r->caller.name ? r->caller.name : "?";
	const char *next = !approve ? "returned" : walidata_step && d.priority ? "verified" : "published";
	if (strcmp(next, "published") == 0) {
		if (conflicts_open_count(r->db, res.id, &open))
			return reply_db_error(r);
		if (open > 0)
			return reply_error(r, 409, "conflict", arena_printf(r->arena, "%lld conflicting figures are not "
					   "resolved yet; the walidata resolves them before publication", (long long)open), NULL);
	}
	rc = walidata_step
	     ? db_exec(r->db, "UPDATE data_versions SET status = ?, walidata_by = ?, walidata_at = ?, review_note = ?, "
			      "published_at = CASE WHEN CAST(? AS TEXT) = 'published' THEN CAST(? AS TEXT) END "
			      "WHERE resource_id = ? AND number = ?",
		       "ssssssii", next, by, now, note, next, now, res.id, (int64_t)n)
	     : db_exec(r->db, "UPDATE data_versions SET status = ?, pembina_by = ?, pembina_at = ?, review_note = ?, "
			      "published_at = CASE WHEN CAST(? AS TEXT) = 'published' THEN CAST(? AS TEXT) END "
			      "WHERE resource_id = ? AND number = ?",
		       "ssssssii", next, by, now, note, next, now, res.id, (int64_t)n);
	if (rc != DB_DONE)
		return reply_db_error(r);
	if (strcmp(next, "published") == 0 &&
	    (db_exec(r->db, "UPDATE data_resources SET pub_version = ?, modified_at = ? WHERE id = ?", "isi",
		     (int64_t)n, now, res.id) != DB_DONE || data_figures_changed(r->db) != 0))
		return reply_db_error(r);
	json_t *details = json_pack("{s:I, s:s, s:s, s:s?}", "version", (json_int_t)n, "decision", decision,
				    "status", next, "note", note);
	rc = audit_append(r->db, &r->caller, strcmp(next, "published") == 0 ? "data.publish"
			  : approve ? "data.verify" : "data.return", arena_printf(r->arena, "resource:%s", res.uid), details);
	json_decref(details);
	json_t *v = rc ? NULL : version_get(r, res.id, n);
	return v ? reply_json(r, 200, json_pack("{s:o}", "version", v)) : reply_db_error(r);
}

/* GET /api/data/review: versions waiting for this caller's decision. */
int h_review_queue(struct req *r)
{
	bool walidata = data_is_walidata(r), pembina = is_pembina(r);
	struct db_stmt *st = db_query(r->db, "SELECT r.uid, r.name, d.name, d.title, d.org_id, d.priority, v.number, "
					     "v.note, v.status, v.rows_total, v.rows_added, v.rows_removed, v.rows_changed, "
					     "v.created_at, v.created_by FROM data_versions v "
					     "JOIN data_resources r ON r.id = v.resource_id "
					     "JOIN data_datasets d ON d.id = r.dataset_id "
					     "WHERE (v.status = 'submitted' AND ? = 1) OR (v.status = 'verified' AND ? = 1) "
					     "ORDER BY v.created_at", "ii", (int64_t)walidata, (int64_t)pembina);
	if (!st)
		return reply_db_error(r);
	struct item {
		const char *uid, *rname, *dname, *dtitle, *note, *status, *at, *by;
		int64_t org_id, number, rows, added, removed, changed, rid;
		bool priority;
	} *items = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct item *it = ARENA_PUSH(r->arena, items, n, cap);
		if (!it)
			break;
		it->uid = arena_strdup(r->arena, db_col_text(st, 0));
		it->rname = arena_strdup(r->arena, db_col_text(st, 1));
		it->dname = arena_strdup(r->arena, db_col_text(st, 2));
		it->dtitle = arena_strdup(r->arena, db_col_text(st, 3));
		it->org_id = db_col_int(st, 4);
		it->priority = db_col_int(st, 5) != 0;
		it->number = db_col_int(st, 6);
		it->note = arena_strdup(r->arena, db_col_text(st, 7));
		it->status = arena_strdup(r->arena, db_col_text(st, 8));
		it->rows = db_col_int(st, 9);
		it->added = db_col_int(st, 10);
		it->removed = db_col_int(st, 11);
		it->changed = db_col_int(st, 12);
		it->at = arena_strdup(r->arena, db_col_text(st, 13));
		it->by = arena_strdup(r->arena, db_col_text(st, 14));
	}
	db_done(st);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		int64_t open = 0;
		if (db_query_int(r->db, &it->rid, "SELECT id FROM data_resources WHERE uid = ?", "s", it->uid) != DB_ROW ||
		    conflicts_open_count(r->db, it->rid, &open)) {
			json_decref(list);
			return reply_db_error(r);
		}
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:b, s:I, s:s, s:s, s:I, s:I,"
						      " s:I, s:I, s:s, s:s, s:I}",
						      "resource", it->uid, "resource_name", it->rname, "dataset", it->dname,
						      "dataset_title", it->dtitle, "org", "code", data_org_code(r, it->org_id),
						      "name", data_org_name(r, it->org_id), "priority", it->priority,
						      "number", (json_int_t)it->number, "note", it->note, "status", it->status,
						      "rows", (json_int_t)it->rows, "added", (json_int_t)it->added,
						      "removed", (json_int_t)it->removed, "changed", (json_int_t)it->changed,
						      "created_at", it->at, "created_by", it->by,
						      "open_conflicts", (json_int_t)open));
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", list));
}

/* ---- diff ------------------------------------------------------------------------ */

#define DIFF_LIST_MAX 1000

/* GET /api/data/resources/{id}/diff?from=N&to=M: rows added, removed and
 * changed between two versions, by primary key. */
int h_diff(struct req *r)
{
	struct resource res;
	struct dataset d;
	struct tschema s;
	int64_t org_id;
	long from, to;
	if (readable_resource(r, &res, &org_id, &d))
		return 0;
	if (resource_schema(r, &res, &s))
		return reply_error(r, 409, "conflict", "this resource is a file, not a table", NULL);
	long last = res.cur_version > 0 ? res.cur_version : 1;
	if (req_query_int(r, "to", last, 1, last, &to) || req_query_int(r, "from", to > 1 ? to - 1 : 1, 1, last, &from))
		return 0;
	if (from > to) {
		long t = from;
		from = to;
		to = t;
	}
	if (!staff_reader(r, org_id)) {
		int64_t published;
		if (db_query_int(r->db, &published, "SELECT count(*) FROM data_versions WHERE resource_id = ? AND "
						    "number IN (?, ?) AND published_at IS NOT NULL", "iii", res.id,
				 (int64_t)from, (int64_t)to) != DB_ROW)
			return reply_db_error(r);
		if (published != (from == to ? 1 : 2))
			return reply_error(r, 404, "not_found", "only published versions can be compared", NULL);
	}
	/* Rows in exactly one of the two versions, by key: a key with a row
	 * on each side changed, a key on one side only was added or removed. */
	struct db_stmt *st = db_query(r->db, "SELECT rkey, cells, from_v FROM data_rows WHERE resource_id = ? "
					     "AND ((from_v <= ? AND to_v > ? AND to_v <= ?) "
					     "OR (from_v > ? AND from_v <= ? AND (to_v IS NULL OR to_v > ?))) "
					     "ORDER BY rkey, from_v",
				      "iiiiiii", res.id, (int64_t)from, (int64_t)from, (int64_t)to, (int64_t)from,
				      (int64_t)to, (int64_t)to);
	if (!st)
		return reply_db_error(r);
	json_t *added = json_array(), *removed = json_array(), *changed = json_array();
	long na = 0, nr = 0, nc = 0;
	struct strbuf waiting;		/* the key of the row waiting for a partner */
	strbuf_init(&waiting, r->arena, 0);
	const char *pkey = NULL;
	json_t *pcells = NULL;
	bool pfrom = false;
	int rc;
	for (;;) {
		rc = db_step(st);
		const char *key = rc == DB_ROW ? db_col_text(st, 0) : NULL;
		json_t *cells = rc == DB_ROW ? json_loads(db_col_text(st, 1), 0, NULL) : NULL;
		if (rc == DB_ROW && !cells) {
			rc = DB_ERROR;
			break;
		}
		if (pkey && key && strcmp(pkey, key) == 0) {
			/* Ordered by from_v: the waiting row is from's, this one to's. */
			if (!json_equal(pcells, cells) && nc++ < DIFF_LIST_MAX)
				json_array_append_new(changed, json_pack("{s:o, s:o}", "before", record(&s, pcells),
									 "after", record(&s, cells)));
			json_decref(cells);
			cells = NULL;
		} else if (pkey) {
			if (pfrom ? nr++ < DIFF_LIST_MAX : na++ < DIFF_LIST_MAX)
				json_array_append_new(pfrom ? removed : added, record(&s, pcells));
		}
		json_decref(pcells);
		pkey = NULL;
		pcells = NULL;
		if (rc != DB_ROW)
			break;
		if (cells) {
			strbuf_reset(&waiting);
			strbuf_addstr(&waiting, key);
			if (waiting.failed) {
				json_decref(cells);
				rc = DB_ERROR;
				break;
			}
			pkey = waiting.buf;
			pcells = cells;
			pfrom = db_col_int(st, 2) <= from;
		}
	}
	db_done(st);
	json_decref(pcells);
	if (rc != DB_DONE) {
		json_decref(added);
		json_decref(removed);
		json_decref(changed);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:I, s:I, s:{s:I, s:I, s:I}, s:o, s:o, s:o}", "from", (json_int_t)from,
					    "to", (json_int_t)to, "counts", "added", (json_int_t)na, "removed",
					    (json_int_t)nr, "changed", (json_int_t)nc, "added", added, "removed", removed,
					    "changed", changed));
}
