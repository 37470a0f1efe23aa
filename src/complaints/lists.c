/* lists.c - complaints in lists: the public list (with full-text search),
 * the map, the statistics, the officer inbox and a reporter's own list.
 *
 * Public lists read only rows with confidential = 0, and the full-text
 * index holds only those rows, so no filter or query can surface a
 * confidential complaint; none of these answers carries a reporter field.
 * Pages are fetched one row beyond their size to say whether more follow,
 * rather than counting a million rows for a total nobody reads.
 */
#include "internal.h"
#include "can.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "nik.h"
#include "orgs.h"
#include "regions.h"
#include "search.h"
#include "util.h"
#include "validate.h"

#define EXCERPT_CHARS 280
#define MAP_MAX 2000

/* A complaint's own columns in a list; its case's (tracking, state, unit,
 * due day) come from the case engine for the page (page_cases). */
#define LIST_COLUMNS \
	"SELECT p.case_id, p.kind, k.code, k.name, k.name_en, p.description, p.district, p.lat, p.lon, p.supporters "
#define LIST_FROM "FROM complaints p JOIN complaint_categories k ON k.id = p.category_id "
#define LIST_FILTERS \
	"AND p.confidential = 0 AND (? = '' OR k.code = ?) AND (? = '' OR p.district = ?) AND (? = '' OR p.kind = ?) "

/* Public complaints matching the words (search_expression()), newest first.
 * SQLite walks the FTS5 index backwards by rowid and stops at the limit;
 * PostgreSQL matches through the partial GIN index. */
static const char *const search_sql[] = {
	[DB_SQLITE] = LIST_COLUMNS "FROM complaint_fts f JOIN complaints p ON p.case_id = f.rowid "
		      "JOIN complaint_categories k ON k.id = p.category_id WHERE complaint_fts MATCH ? " LIST_FILTERS,
	[DB_POSTGRES] = LIST_COLUMNS LIST_FROM "WHERE p.search @@ to_tsquery('simple', ?) " LIST_FILTERS,
};
static const char *const search_order[] = {
	[DB_SQLITE] = "ORDER BY f.rowid DESC LIMIT ? OFFSET ?",
	[DB_POSTGRES] = "ORDER BY p.case_id DESC LIMIT ? OFFSET ?",
};

struct filters {
	const char *category, *district, *status, *kind;
};

/* The case's state as a condition, when the list asks for one. */
static void status_sql(struct case_ctx *x, const struct filters *f, struct db_sql *q)
{
	if (f->status && *f->status) {
		db_sql_add(q, "AND ", "");
		case_match_sql(x, &complaint_type, &(struct case_filter){ .status = f->status }, "p.case_id", q);
		db_sql_add(q, " ", "");
	}
}

static struct db_stmt *list_query(struct req *r, struct case_ctx *x, enum db_dialect d, const char *words,
				  const struct filters *f, int64_t limit, int64_t offset)
{
	const char *cat = f->category ? f->category : "", *dis = f->district ? f->district : "";
	const char *kind = f->kind ? f->kind : "";
	struct db_sql q;
	db_sql_init(&q, r->arena);
	if (words)
		db_sql_add(&q, search_sql[d], "sssssss", words, cat, cat, dis, dis, kind, kind);
	else
		db_sql_add(&q, LIST_COLUMNS LIST_FROM "WHERE 1 = 1 " LIST_FILTERS, "ssssss", cat, cat, dis, dis, kind, kind);
	status_sql(x, f, &q);
	db_sql_add(&q, words ? search_order[d] : "ORDER BY p.case_id DESC LIMIT ? OFFSET ?", "ii", limit, offset);
	return db_sql_query(r->db, &q);
}

/* Region names for a page of rows, looked up once each. */
struct names {
	const char *kode[PAGE_SIZE_MAX + 1];
	json_t *json[PAGE_SIZE_MAX + 1];
	int n;
};

static json_t *district_json(struct req *r, struct names *cache, const char *kode)
{
	if (!kode)
		return json_null();
	for (int i = 0; i < cache->n; i++)
		if (strcmp(cache->kode[i], kode) == 0)
			return json_incref(cache->json[i]);
	json_t *j = complaint_region_json(r, kode);
	if (cache->n <= PAGE_SIZE_MAX) {
		cache->kode[cache->n] = arena_strdup(r->arena, kode);
		cache->json[cache->n++] = json_incref(j);
	}
	return j;
}

static void names_free(struct names *cache)
{
	for (int i = 0; i < cache->n; i++)
		json_decref(cache->json[i]);
}

static char *excerpt(struct arena *a, const char *s)
{
	size_t chars = 0, i = 0;
	for (; s[i] && chars < EXCERPT_CHARS; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	while (s[i] && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return s[i] ? arena_printf(a, "%.*s…", (int)i, s) : arena_strdup(a, s);
}

/* The complaint's half of a list item (LIST_COLUMNS). */
static json_t *list_item(struct req *r, struct db_stmt *st, struct names *cache)
{
	return json_pack("{s:s, s:{s:s, s:s, s:s?}, s:s, s:o, s:o, s:o, s:I}",
		"kind", db_col_text(st, 1),
		"category", "code", db_col_text(st, 2), "name", db_col_text(st, 3), "name_en", db_col_text(st, 4),
		"excerpt", excerpt(r->arena, db_col_text(st, 5)), "district", district_json(r, cache, db_col_text(st, 6)),
		"lat", db_col_is_null(st, 7) ? json_null() : json_real(db_col_double(st, 7)),
		"long", db_col_is_null(st, 8) ? json_null() : json_real(db_col_double(st, 8)),
		"supporters", (json_int_t)db_col_int(st, 9));
}

/* A page of complaints: items and their case ids, in the list's order. */
struct page {
	json_t *items;
	int64_t *ids;
	long n, size;		/* items kept; their most (one more row read: has_more) */
	bool more;
};

static int page_init(struct req *r, struct page *pg, long size)
{
	pg->items = json_array();
	pg->ids = arena_alloc(r->arena, (size_t)(size + 1) * sizeof(*pg->ids));
	pg->n = 0;
	pg->size = size;
	pg->more = false;
	return pg->items && pg->ids ? 0 : -1;
}

/* The rows of st (their case id first) as items made by item(), or as
 * empty items that complaints_of() fills when item is NULL. */
static int page_read(struct req *r, struct page *pg, struct db_stmt *st,
		     json_t *(*item)(struct req *, struct db_stmt *, struct names *), struct names *cache)
{
	int rc;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		if (pg->n == pg->size) {
			pg->more = true;
			continue;
		}
		pg->ids[pg->n++] = db_col_int(st, 0);
		json_array_append_new(pg->items, item ? item(r, st, cache) : json_object());
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* The complaints' half of a page whose case ids came from the case engine
 * (their order), with what only their reporter and the staff see. */
static int complaints_of(struct req *r, struct page *pg)
{
	const char *list = db_ids_text(r->arena, pg->ids, (int)pg->n);
	if (!list)
		return -1;
	struct db_sql q;
	struct names cache = { .n = 0 };
	db_sql_init(&q, r->arena);
	db_sql_add(&q, LIST_COLUMNS ", p.confidential, p.anonymous " LIST_FROM "WHERE p.case_id IN ", "");
	db_sql_add(&q, db_ids_sql(db_conn_dialect(r->db)), "s", list);
	struct db_stmt *st = db_sql_query(r->db, &q);
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		json_t *item = list_item(r, st, &cache);
		json_object_set_new(item, "confidential", json_boolean(db_col_int(st, 10)));
		json_object_set_new(item, "anonymous", json_boolean(db_col_int(st, 11)));
		for (long i = 0; i < pg->n; i++)
			if (pg->ids[i] == id)
				json_object_update(json_array_get(pg->items, (size_t)i), item);
		json_decref(item);
	}
	if (st)
		db_done(st);
	names_free(&cache);
	return rc == DB_DONE ? 0 : -1;
}

/* Overdue as the case engine says it: past the due day, and not in a state
 * that settles itself when its clock runs out. */
static bool case_overdue(const struct case_row *cs, const char *today)
{
	const struct case_state *s = case_state_of(&complaint_type, cs->state);
	return cs->due_day && strcmp(today, cs->due_day) > 0 && s && !s->on_expiry;
}

/* The case's half of each item: the reporter's own list adds the due day,
 * the staff's the clock and the people.  A complaint whose case is missing
 * (never: a foreign key) is left out. */
static int page_cases(struct req *r, struct case_ctx *x, struct page *pg, enum case_visibility v)
{
	struct case_row *cases = arena_alloc(r->arena, (size_t)(pg->n + 1) * sizeof(*cases));
	if (!cases || case_rows(x, &complaint_type, pg->ids, (int)pg->n, cases) != 0)
		return -1;
	char today[11];
	case_day_text(x->now, today);
	for (long i = pg->n - 1; i >= 0; i--) {
		const struct case_row *cs = &cases[i];
		json_t *item = json_array_get(pg->items, (size_t)i);
		const char *code, *name;
		int u = cs->unit_id ? case_unit(x, cs->unit_id, &code, &name) : 1;
		if (u < 0)
			return -1;
		if (!cs->id) {
			json_array_remove(pg->items, (size_t)i);
			continue;
		}
		json_object_set_new(item, "tracking", json_string(cs->tracking));
		json_object_set_new(item, "state", json_string(cs->state));
		json_object_set_new(item, "open", json_boolean(!cs->closed_at));
		json_object_set_new(item, "created_at", json_string(cs->created_at));
		json_object_set_new(item, "unit", u == 0 ? json_pack("{s:s, s:s}", "code", code, "name", name) : json_null());
		if (v >= CASE_REPORTER)
			json_object_set_new(item, "due", cs->due_day ? json_string(cs->due_day) : json_null());
		if (v < CASE_STAFF)
			continue;
		json_object_set_new(item, "overdue", json_boolean(case_overdue(cs, today)));
		json_object_set_new(item, "assignee_id", cs->assignee_id ? json_integer(cs->assignee_id) : json_null());
		json_object_set_new(item, "reopened", json_integer(cs->reopen_count));
	}
	return 0;
}

static json_t *page_reply(struct page *pg, long page)
{
	return json_pack("{s:o, s:i, s:i, s:b}", "items", pg->items, "page", (int)page, "page_size", (int)pg->size,
			 "has_more", (int)pg->more);
}

static int query_paging(struct req *r, long *page, long *size)
{
	return req_query_int(r, "page", 1, 1, 100000, page) || req_query_int(r, "page_size", 20, 1, PAGE_SIZE_MAX, size);
}

static bool status_ok(const char *status)
{
	static const char *const statuses[] = { "open", "closed", "submitted", "in_progress", "answered", "rejected" };
	bool ok = !status || !*status;
	for (size_t i = 0; !ok && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		ok = strcmp(status, statuses[i]) == 0;
	return ok;
}

/* Filters shared by the lists; status may come as "state" (the inbox). */
static int check_filters(struct req *r, struct filters *f, const char *status_name)
{
	f->category = req_query(r, "category");
	f->district = req_query(r, "district");
	f->status = req_query(r, status_name);
	f->kind = req_query(r, "kind");
	if (!status_ok(f->status))
		return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be open, closed, submitted, "
				   "in_progress, answered or rejected", status_name), status_name), -1;
	if (f->kind && *f->kind && strcmp(f->kind, "complaint") != 0 && strcmp(f->kind, "aspiration") != 0)
		return reply_error(r, 400, "invalid", "kind must be complaint or aspiration", "kind"), -1;
	if (f->district && *f->district && region_code_level(f->district) != 3)
		return reply_error(r, 400, "invalid", "district must be a district code such as 33.03.01", "district"), -1;
	return 0;
}

/* GET /api/complaints?q=&category=&district=&status=&kind=&page=&page_size= */
int complaints_list(struct req *r)
{
	long page, size;
	struct filters f;
	struct page pg;
	const char *q = req_query(r, "q");
	if (query_paging(r, &page, &size) || check_filters(r, &f, "status"))
		return 0;
	if (q && strlen(q) > 200)
		return reply_error(r, 400, "invalid", "q is longer than 200 characters", "q");
	enum db_dialect d = db_dialect(r->app->db);
	char *words = q ? search_expression(r->arena, d, q) : NULL;
	if (page_init(r, &pg, size) != 0)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	if (q && *q && !words)		/* only punctuation: nothing matches */
		return reply_json(r, 200, page_reply(&pg, page));
	struct case_ctx x;
	struct names cache = { .n = 0 };
	complaints_ctx(r, &x);
	int rc = page_read(r, &pg, list_query(r, &x, d, words, &f, size + 1, (page - 1) * size), list_item, &cache);
	names_free(&cache);
	if (rc != 0 || page_cases(r, &x, &pg, CASE_PUBLIC) != 0) {
		json_decref(pg.items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, page_reply(&pg, page));
}

static json_t *map_item(struct req *r, struct db_stmt *st, struct names *cache)
{
	(void)r;
	(void)cache;
	return json_pack("{s:f, s:f, s:s, s:s}", "lat", db_col_double(st, 1), "long", db_col_double(st, 2),
			 "category", db_col_text(st, 3), "kind", db_col_text(st, 4));
}

/* GET /api/complaints/map?category=&status=&bbox=south,west,north,east&limit= */
int complaints_map(struct req *r)
{
	struct filters f;
	long limit;
	double b[4] = { -90, -180, 90, 180 };
	if (check_filters(r, &f, "status") || req_query_int(r, "limit", 500, 1, MAP_MAX, &limit))
		return 0;
	const char *bbox = req_query(r, "bbox");
	if (bbox) {
		char *end;
		const char *p = bbox;
		for (int i = 0; i < 4; i++) {
			b[i] = strtod(p, &end);
			/* isfinite: "nan" and "1e400" parse, and NaN compares false
			 * with every bound, so it would pass them all. */
			if (end == p || (i < 3 ? *end != ',' : *end != '\0') || !isfinite(b[i]) ||
			    fabs(b[i]) > (i % 2 ? 180.0 : 90.0))
				return reply_error(r, 400, "invalid", "bbox must be south,west,north,east in degrees", "bbox");
			p = end + 1;
		}
		if (b[0] > b[2] || b[1] > b[3])
			return reply_error(r, 400, "invalid", "bbox must be south,west,north,east in degrees", "bbox");
	}
	const char *cat = f.category ? f.category : "", *kind = f.kind ? f.kind : "";
	struct case_ctx x;
	struct db_sql q;
	complaints_ctx(r, &x);
	db_sql_init(&q, r->arena);
	db_sql_add(&q, "SELECT p.case_id, p.lat, p.lon, k.code, p.kind " LIST_FROM
		   "WHERE p.confidential = 0 AND p.lat IS NOT NULL AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? "
		   "AND (? = '' OR k.code = ?) AND (? = '' OR p.kind = ?) ",
		   "ddddssss", b[0], b[2], b[1], b[3], cat, cat, kind, kind);
	status_sql(&x, &f, &q);
	db_sql_add(&q, "ORDER BY p.case_id DESC LIMIT ?", "i", (int64_t)limit);
	struct page pg;
	struct case_row *cases = NULL;
	if (page_init(r, &pg, limit) != 0)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	int rc = page_read(r, &pg, db_sql_query(r->db, &q), map_item, NULL);
	if (rc == 0)
		cases = arena_alloc(r->arena, (size_t)(pg.n + 1) * sizeof(*cases));
	if (rc != 0 || !cases || case_rows(&x, &complaint_type, pg.ids, (int)pg.n, cases) != 0) {
		json_decref(pg.items);
		return complaints_db_error(r);
	}
	for (long i = pg.n - 1; i >= 0; i--) {
		json_t *item = json_array_get(pg.items, (size_t)i);
		if (!cases[i].id) {
			json_array_remove(pg.items, (size_t)i);
			continue;
		}
		json_object_set_new(item, "tracking", json_string(cases[i].tracking));
		json_object_set_new(item, "state", json_string(cases[i].state));
		json_object_set_new(item, "open", json_boolean(!cases[i].closed_at));
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", pg.items));
}

/* ---- statistics ------------------------------------------------------------------------------ */

/* Rows of (key, [name,] count) into an array of {key_name: k, name?, count}. */
static json_t *count_rows(struct req *r, struct db_stmt *st, const char *key, bool named, bool regions)
{
	json_t *out = json_array();
	int rc;
	if (!st)
		return NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		json_int_t count = (json_int_t)db_col_int(st, named ? 2 : 1);
		json_t *row = json_pack("{s:s?, s:I}", key, k, "count", count);
		if (named)
			json_object_set_new(row, "name", json_string(db_col_text(st, 1) ? db_col_text(st, 1) : ""));
		json_array_append_new(out, row);
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return NULL;
	}
	if (regions) {
		size_t i;
		json_t *row;
		json_array_foreach(out, i, row) {
			const char *nama = NULL, *kode = json_string_value(json_object_get(row, key));
			if (kode && regions_lookup(r->db, r->arena, kode, &nama, NULL) == 0)
				json_object_set_new(row, "name", json_string(nama));
			else
				json_object_set_new(row, "name", json_null());
		}
	}
	return out;
}

/* The year's statistics; until: when they stop holding (case_stats). */
static json_t *stats_json(struct req *r, long year, char until[24])
{
	char from[11], to[11];
	snprintf(from, sizeof(from), "%04ld-01-01", year);
	snprintf(to, sizeof(to), "%04ld-12-31", year);

#define RANGE "WHERE p.created_day BETWEEN ? AND ? "
	json_t *by_month = count_rows(r, db_query(r->db, "SELECT substr(p.created_day, 1, 7), count(*) FROM complaints p "
						      RANGE "GROUP BY substr(p.created_day, 1, 7) "
						      "ORDER BY substr(p.created_day, 1, 7)", "ss", from, to),
				      "month", false, false);
	json_t *by_category = count_rows(r, db_query(r->db, "SELECT k.code, k.name, count(*) FROM complaints p "
							 "JOIN complaint_categories k ON k.id = p.category_id " RANGE
							 "GROUP BY k.code, k.name ORDER BY count(*) DESC, k.code", "ss", from, to),
					 "code", true, false);
	json_t *by_district = count_rows(r, db_query(r->db, "SELECT p.district, count(*) FROM complaints p " RANGE
							 "AND p.district IS NOT NULL GROUP BY p.district "
							 "ORDER BY count(*) DESC, p.district", "ss", from, to),
					 "kode", false, true);
	struct case_ctx x;
	struct case_stats cs;
	complaints_ctx(r, &x);
	int rc = case_stats(&x, &complaint_type, from, to, &cs);
#undef RANGE
	if (!by_month || !by_category || !by_district || rc != 0) {
		json_decref(by_month);
		json_decref(by_category);
		json_decref(by_district);
		return NULL;
	}
	memcpy(until, cs.until, sizeof(cs.until));
	json_int_t total = 0;
	size_t i;
	json_t *row;
	json_array_foreach(by_month, i, row)
		total += json_integer_value(json_object_get(row, "count"));
	return json_pack("{s:i, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:I, s:o}",
		"year", (int)year, "total", total, "by_month", by_month, "by_category", by_category,
		"by_district", by_district, "by_unit", cs.by_unit, "by_state", cs.by_state, "answered",
		(json_int_t)cs.answered, "median_first_answer_hours",
		cs.median_answer_secs < 0 ? json_null() : json_real((double)cs.median_answer_secs / 3600.0),
		"answered_on_time_share",
		cs.answered ? json_real((double)cs.answered_on_time / (double)cs.answered) : json_null(),
		"settle_judged", (json_int_t)cs.settle_judged, "settled_in_time_share",
		cs.settle_judged ? json_real((double)cs.settled_in_time / (double)cs.settle_judged) : json_null());
}

/* GET /api/complaints/stats?year=YYYY: counts only, confidential ones
 * included in the totals and never described; kept ready per year
 * (stats_cache.c). */
int complaints_stats(struct req *r)
{
	int y, m, d;
	long year;
	date_to_ymd(case_day(app_now(r->app)), &y, &m, &d);
	if (req_query_int(r, "year", y, 2000, 2200, &year))
		return 0;
	char until[24];
	if (!r->app->complaint_stats) {
		json_t *stats = stats_json(r, year, until);
		return stats ? reply_json(r, 200, stats) : complaints_db_error(r);
	}
	/* The stamps first, in the request's snapshot: figures built after
	 * a change are never kept under the stamp from before it. */
	struct stats_stamp st;
	size_t len;
	if (complaint_stats_stamp(r, &st) != 0)
		return complaints_db_error(r);
	const char *text = complaint_stats_get(r->app, r->arena, year, &st, &len);
	if (!text) {
		json_t *stats = stats_json(r, year, until);
		if (!stats)
			return complaints_db_error(r);
		if (!(text = reply_json_text(r, stats, &len)))
			return reply_error(r, 500, "internal", "out of memory", NULL);
		complaint_stats_put(r->app, year, &st, until, text, len);
	}
	return reply_text(r, 200, "application/json; charset=utf-8", text, len);
}

/* ---- the officer inbox --------------------------------------------------------------------------- */

static bool sees_all(struct req *r)
{
	struct case_ctx x;
	struct case_config cfg;
	if (can(&r->caller, &complaints_oversee, NULL))
		return true;
	complaints_ctx(r, &x);
	return case_config_load(&x, &complaint_type, &cfg) == 0 && cfg.desk_unit_id &&
	       can(&r->caller, &complaints_desk, &(struct object){ .unit_id = cfg.desk_unit_id });
}

/* LIKE pattern for a literal substring (backslash escapes %, _ and \). */
static char *like_pattern(struct arena *a, const char *q)
{
	char *out = arena_alloc(a, strlen(q) * 2 + 3), *o = out;
	if (!out)
		return NULL;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = (char)tolower((unsigned char)*q);
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* GET /api/complaints/inbox?state=&overdue=true&category=&district=&from=&to=&assigned=me|none&unit=&q=&page=&page_size=
 * The caller's units' complaints (the desk, admins and the regent's office
 * see every unit's), most urgent first. */
int complaints_inbox(struct req *r)
{
	long page, size;
	struct filters f;
	if (query_paging(r, &page, &size) || check_filters(r, &f, "state"))
		return 0;
	const char *overdue = req_query(r, "overdue"), *assigned = req_query(r, "assigned");
	const char *unit = req_query(r, "unit"), *q = req_query(r, "q");
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	int32_t day;
	if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
		return reply_error(r, 400, "invalid", "overdue must be true or false", "overdue");
	if (assigned && strcmp(assigned, "me") != 0 && strcmp(assigned, "none") != 0)
		return reply_error(r, 400, "invalid", "assigned must be me or none", "assigned");
	if ((from && date_parse(from, &day) != 0) || (to && date_parse(to, &day) != 0))
		return reply_error(r, 400, "invalid", "from and to must be dates written YYYY-MM-DD", from ? "from" : "to");
	if (q && strlen(q) > 200)
		return reply_error(r, 400, "invalid", "q is longer than 200 characters", "q");

	int64_t units[8] = { 0 }, unit_id = 0;
	bool all = sees_all(r);
	caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, units, 8);
	if (unit && *unit) {
		int rc = orgs_id_by_code(r->db, unit, &unit_id);
		if (rc < 0)
			return complaints_db_error(r);
		bool mine = false;
		for (int i = 0; i < 8; i++)
			mine |= units[i] == unit_id;
		if (rc > 0 || (!all && !mine))
			return reply_error(r, 400, "invalid", "unit is not one of your units", "unit");
	}
	const char *cat = f.category ? f.category : "", *dis = f.district ? f.district : "";
	const char *kind = f.kind ? f.kind : "", *like = q && *q ? like_pattern(r->arena, q) : "";
	const char *day_from = from ? from : "", *day_to = to ? to : "";
	struct case_filter cf = {
		.status = f.status, .unit_id = unit_id, .overdue = overdue && strcmp(overdue, "true") == 0,
		.assignee_id = assigned && strcmp(assigned, "me") == 0 ? r->caller.user_id : 0,
		.unassigned = assigned && strcmp(assigned, "none") == 0,
	};
	if (!all) {
		cf.units = units;
		while (cf.n_units < 8 && units[cf.n_units])
			cf.n_units++;
		if (!cf.n_units)	/* no unit of one's own: an empty inbox */
			cf.units = (const int64_t[]){ 0 }, cf.n_units = 1;
	}
	struct case_ctx x;
	struct db_sql qs;
	struct page pg;
	complaints_ctx(r, &x);
	db_sql_init(&qs, r->arena);
	case_list_sql(&x, &complaint_type, &cf, &qs);
	if (*cat || *dis || *kind || *day_from || *day_to || *like)
		db_sql_add(&qs, " AND EXISTS (SELECT 1 " LIST_FROM "WHERE p.case_id = ce.id "
			   "AND (? = '' OR k.code = ?) AND (? = '' OR p.district = ?) AND (? = '' OR p.kind = ?) "
			   "AND (? = '' OR p.created_day >= ?) AND (? = '' OR p.created_day <= ?) "
			   "AND (? = '' OR lower(p.description) LIKE ? ESCAPE '\\'))",
			   "ssssssssssss", cat, cat, dis, dis, kind, kind, day_from, day_from, day_to, day_to, like, like);
	case_list_end(&qs, &cf, CASE_MOST_URGENT, (int64_t)size + 1, (int64_t)((page - 1) * size));
	if (page_init(r, &pg, size) != 0)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	if (page_read(r, &pg, db_sql_query(r->db, &qs), NULL, NULL) != 0 ||
	    complaints_of(r, &pg) != 0 || page_cases(r, &x, &pg, CASE_STAFF) != 0) {
		json_decref(pg.items);
		return complaints_db_error(r);
	}
	json_t *reply = page_reply(&pg, page);
	json_object_set_new(reply, "all_units", json_boolean(all));
	return reply_json(r, 200, reply);
}

/* GET /api/complaints/mine: the caller's own complaints, newest first. */
int complaints_mine(struct req *r)
{
	long page, size;
	if (query_paging(r, &page, &size))
		return 0;
	struct case_ctx x;
	struct db_sql q;
	struct page pg;
	complaints_ctx(r, &x);
	db_sql_init(&q, r->arena);
	const struct case_filter mine = { .reporter_id = r->caller.user_id };
	case_list_sql(&x, &complaint_type, &mine, &q);
	case_list_end(&q, &mine, CASE_NEWEST, (int64_t)size + 1, (int64_t)((page - 1) * size));
	if (page_init(r, &pg, size) != 0)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	if (page_read(r, &pg, db_sql_query(r->db, &q), NULL, NULL) != 0 || complaints_of(r, &pg) != 0 ||
	    page_cases(r, &x, &pg, CASE_REPORTER) != 0) {
		json_decref(pg.items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, page_reply(&pg, page));
}
