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

#define LIST_COLUMNS \
	"SELECT c.tracking, p.kind, k.code, k.name, k.name_en, p.description, c.state, c.closed_at, p.district," \
	" p.lat, p.lon, c.created_at, p.supporters, u.code, u.name "
#define LIST_JOINS \
	"JOIN cases c ON c.id = p.case_id JOIN complaint_categories k ON k.id = p.category_id " \
	"LEFT JOIN org_units u ON u.id = c.unit_id "
#define LIST_FILTERS \
	"AND p.confidential = 0 AND (? = '' OR k.code = ?) AND (? = '' OR p.district = ?) " \
	"AND (? = '' OR (? = 'open' AND c.closed_at IS NULL) OR (? = 'closed' AND c.closed_at IS NOT NULL) " \
	"OR c.state = ?) AND (? = '' OR p.kind = ?) "

/* Public complaints matching the words (search_expression()), newest first.
 * SQLite walks the FTS5 index backwards by rowid and stops at the limit;
 * PostgreSQL matches through the partial GIN index. */
static const char *const search_sql[] = {
	[DB_SQLITE] = LIST_COLUMNS "FROM complaint_fts f JOIN complaints p ON p.case_id = f.rowid " LIST_JOINS
		      "WHERE complaint_fts MATCH ? " LIST_FILTERS "ORDER BY f.rowid DESC LIMIT ? OFFSET ?",
	[DB_POSTGRES] = LIST_COLUMNS "FROM complaints p " LIST_JOINS
			"WHERE p.search @@ to_tsquery('simple', ?) " LIST_FILTERS
			"ORDER BY p.case_id DESC LIMIT ? OFFSET ?",
};

static const char list_sql[] = LIST_COLUMNS "FROM complaints p " LIST_JOINS "WHERE 1 = 1 " LIST_FILTERS
			       "ORDER BY p.case_id DESC LIMIT ? OFFSET ?";

struct filters {
	const char *category, *district, *status, *kind;
};

static struct db_stmt *list_query(struct db_conn *c, enum db_dialect d, const char *words, const struct filters *f,
				  int64_t limit, int64_t offset)
{
	const char *cat = f->category ? f->category : "", *dis = f->district ? f->district : "";
	const char *sta = f->status ? f->status : "", *kind = f->kind ? f->kind : "";
	if (words)
		return db_query(c, search_sql[d], "sssssssssssii", words, cat, cat, dis, dis, sta, sta, sta, sta,
				kind, kind, limit, offset);
	return db_query(c, list_sql, "ssssssssssii", cat, cat, dis, dis, sta, sta, sta, sta, kind, kind, limit, offset);
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

static json_t *list_item(struct req *r, struct db_stmt *st, struct names *cache)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s?}, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:I, s:o}",
		"tracking", db_col_text(st, 0), "kind", db_col_text(st, 1),
		"category", "code", db_col_text(st, 2), "name", db_col_text(st, 3), "name_en", db_col_text(st, 4),
		"excerpt", excerpt(r->arena, db_col_text(st, 5)), "state", db_col_text(st, 6),
		"open", (int)db_col_is_null(st, 7), "district", district_json(r, cache, db_col_text(st, 8)),
		"lat", db_col_is_null(st, 9) ? json_null() : json_real(db_col_double(st, 9)),
		"long", db_col_is_null(st, 10) ? json_null() : json_real(db_col_double(st, 10)),
		"created_at", db_col_text(st, 11), "supporters", (json_int_t)db_col_int(st, 12),
		"unit", db_col_is_null(st, 13) ? json_null()
			: json_pack("{s:s, s:s}", "code", db_col_text(st, 13), "name", db_col_text(st, 14)));
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
	const char *q = req_query(r, "q");
	if (query_paging(r, &page, &size) || check_filters(r, &f, "status"))
		return 0;
	if (q && strlen(q) > 200)
		return reply_error(r, 400, "invalid", "q is longer than 200 characters", "q");
	enum db_dialect d = db_dialect(r->app->db);
	char *words = q ? search_expression(r->arena, d, q) : NULL;
	json_t *items = json_array();
	if (q && *q && !words)		/* only punctuation: nothing matches */
		return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:b}", "items", items, "page", (int)page,
						    "page_size", (int)size, "has_more", 0));
	struct db_stmt *st = list_query(r->db, d, words, &f, size + 1, (page - 1) * size);
	if (!st) {
		json_decref(items);
		return complaints_db_error(r);
	}
	struct names cache = { .n = 0 };
	int rc;
	long n = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (++n <= size)
			json_array_append_new(items, list_item(r, st, &cache));
	}
	db_done(st);
	names_free(&cache);
	if (rc != DB_DONE) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:b}", "items", items, "page", (int)page,
					    "page_size", (int)size, "has_more", (int)(n > size)));
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
			if (end == p || (i < 3 ? *end != ',' : *end != '\0'))
				return reply_error(r, 400, "invalid", "bbox must be south,west,north,east in degrees", "bbox");
			p = end + 1;
		}
		if (b[0] > b[2] || b[1] > b[3])
			return reply_error(r, 400, "invalid", "bbox must be south,west,north,east in degrees", "bbox");
	}
	const char *cat = f.category ? f.category : "", *sta = f.status ? f.status : "", *kind = f.kind ? f.kind : "";
	struct db_stmt *st = db_query(r->db,
		"SELECT c.tracking, p.lat, p.lon, c.state, c.closed_at, k.code, p.kind FROM complaints p "
		"JOIN cases c ON c.id = p.case_id JOIN complaint_categories k ON k.id = p.category_id "
		"WHERE p.confidential = 0 AND p.lat IS NOT NULL AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? "
		"AND (? = '' OR k.code = ?) AND (? = '' OR (? = 'open' AND c.closed_at IS NULL) "
		"OR (? = 'closed' AND c.closed_at IS NOT NULL) OR c.state = ?) AND (? = '' OR p.kind = ?) "
		"ORDER BY p.case_id DESC LIMIT ?",
		"ddddssssssssi", b[0], b[2], b[1], b[3], cat, cat, sta, sta, sta, sta, kind, kind, (int64_t)limit);
	if (!st)
		return complaints_db_error(r);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:s, s:f, s:f, s:s, s:b, s:s, s:s}", "tracking",
			db_col_text(st, 0), "lat", db_col_double(st, 1), "long", db_col_double(st, 2),
			"state", db_col_text(st, 3), "open", (int)db_col_is_null(st, 4), "category", db_col_text(st, 5),
			"kind", db_col_text(st, 6)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
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

/* GET /api/complaints/stats?year=YYYY: counts only, confidential ones
 * included in the totals and never described. */
int complaints_stats(struct req *r)
{
	int y, m, d;
	long year;
	date_to_ymd(case_day(app_now(r->app)), &y, &m, &d);
	if (req_query_int(r, "year", y, 2000, 2200, &year))
		return 0;
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
	json_t *by_unit = count_rows(r, db_query(r->db, "SELECT u.code, u.name, count(*) FROM complaints p "
						     "JOIN cases c ON c.id = p.case_id JOIN org_units u ON u.id = c.unit_id "
						     RANGE "GROUP BY u.code, u.name ORDER BY count(*) DESC, u.code", "ss", from, to),
				     "code", true, false);
	/* One pass over the year's cases gives the states, the answers and
	 * the Perpres 76/2013 settlement: of the complaints whose 60 days are
	 * over or that are settled already, how many were settled within them. */
	int64_t answered = 0, on_time = 0, median = -1, settle_judged = 0, settled_in_time = 0;
	char now[24];
	time_iso(app_now(r->app), now);
	json_t *by_state = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT c.state, count(*), "
					     "sum(CASE WHEN c.answer_secs IS NOT NULL THEN 1 ELSE 0 END), "
					     "sum(CASE WHEN c.answer_secs IS NOT NULL THEN coalesce(c.answered_on_time, 0) ELSE 0 END), "
					     "sum(CASE WHEN c.closed_at IS NOT NULL OR c.settle_by <= ? THEN 1 ELSE 0 END), "
					     "sum(CASE WHEN c.closed_at < c.settle_by THEN 1 ELSE 0 END) "
					     "FROM complaints p JOIN cases c ON c.id = p.case_id " RANGE
					     "GROUP BY c.state ORDER BY c.state", "sss", now, from, to);
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		json_array_append_new(by_state, json_pack("{s:s, s:I}", "state", db_col_text(st, 0),
							  "count", (json_int_t)db_col_int(st, 1)));
		answered += db_col_int(st, 2);
		on_time += db_col_int(st, 3);
		settle_judged += db_col_int(st, 4);
		settled_in_time += db_col_int(st, 5);
	}
	db_done(st);
	if (rc == DB_DONE && answered > 0)
		rc = db_query_int(r->db, &median, "SELECT c.answer_secs FROM complaints p JOIN cases c ON c.id = p.case_id "
						  RANGE "AND c.answer_secs IS NOT NULL ORDER BY c.answer_secs LIMIT 1 OFFSET ?",
				  "ssi", from, to, answered / 2);
#undef RANGE
	if (!by_month || !by_category || !by_district || !by_unit || (rc != DB_DONE && rc != DB_ROW)) {
		json_decref(by_month);
		json_decref(by_category);
		json_decref(by_district);
		json_decref(by_unit);
		json_decref(by_state);
		return complaints_db_error(r);
	}
	json_int_t total = 0;
	size_t i;
	json_t *row;
	json_array_foreach(by_month, i, row)
		total += json_integer_value(json_object_get(row, "count"));
	return reply_json(r, 200, json_pack("{s:i, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:I, s:o}",
		"year", (int)year, "total", total, "by_month", by_month, "by_category", by_category,
		"by_district", by_district, "by_unit", by_unit, "by_state", by_state, "answered", (json_int_t)answered,
		"median_first_answer_hours", median < 0 ? json_null() : json_real((double)median / 3600.0),
		"answered_on_time_share", answered ? json_real((double)on_time / (double)answered) : json_null(),
		"settle_judged", (json_int_t)settle_judged,
		"settled_in_time_share", settle_judged ? json_real((double)settled_in_time / (double)settle_judged)
						       : json_null()));
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
	char today[11];
	case_day_text(app_now(r->app), today);
	const char *st_s = f.status ? f.status : "", *cat = f.category ? f.category : "", *dis = f.district ? f.district : "";
	const char *kind = f.kind ? f.kind : "", *like = q && *q ? like_pattern(r->arena, q) : "";
	struct db_stmt *st = db_query(r->db,
		"SELECT c.tracking, p.kind, k.code, k.name, k.name_en, p.description, c.state, c.closed_at, p.district,"
		" p.lat, p.lon, c.created_at, p.supporters, u.code, u.name, c.due_day, c.assignee_id, p.confidential,"
		" p.anonymous, c.reopen_count "
		"FROM complaints p JOIN cases c ON c.id = p.case_id JOIN complaint_categories k ON k.id = p.category_id "
		"LEFT JOIN org_units u ON u.id = c.unit_id "
		"WHERE (? = 1 OR c.unit_id IN (?, ?, ?, ?, ?, ?, ?, ?)) AND (? = 0 OR c.unit_id = ?) "
		"AND (? = '' OR (? = 'open' AND c.closed_at IS NULL) OR (? = 'closed' AND c.closed_at IS NOT NULL) "
		"OR c.state = ?) AND (? = '' OR k.code = ?) AND (? = '' OR p.district = ?) AND (? = '' OR p.kind = ?) "
		"AND (? = 0 OR (c.due_day < ? AND c.state <> 'answered')) "
		"AND (? = '' OR p.created_day >= ?) AND (? = '' OR p.created_day <= ?) "
		"AND (? = 0 OR c.assignee_id = ?) AND (? = 0 OR c.assignee_id IS NULL) "
		"AND (? = '' OR lower(p.description) LIKE ? ESCAPE '\\') "
		"ORDER BY CASE WHEN c.due_day IS NULL THEN 1 ELSE 0 END, c.due_day, c.id LIMIT ? OFFSET ?",
		"biiiiiiiiiissssssssssbsssssiibssii", (int)all, units[0], units[1], units[2], units[3], units[4], units[5],
		units[6], units[7], unit_id, unit_id, st_s, st_s, st_s, st_s, cat, cat, dis, dis, kind, kind,
		(int)(overdue && strcmp(overdue, "true") == 0), today, from ? from : "", from ? from : "", to ? to : "",
		to ? to : "", (int64_t)(assigned && strcmp(assigned, "me") == 0 ? r->caller.user_id : 0),
		(int64_t)(assigned && strcmp(assigned, "me") == 0 ? r->caller.user_id : 0),
		(int)(assigned && strcmp(assigned, "none") == 0), like, like, (int64_t)size + 1,
		(int64_t)((page - 1) * size));
	if (!st)
		return complaints_db_error(r);
	json_t *items = json_array();
	struct names cache = { .n = 0 };
	long n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (++n > size)
			continue;
		json_t *item = list_item(r, st, &cache);
		const char *due = db_col_text(st, 15);
		json_object_set_new(item, "due", due ? json_string(due) : json_null());
		json_object_set_new(item, "overdue", json_boolean(due && strcmp(today, due) > 0 &&
								  strcmp(db_col_text(st, 6), "answered") != 0));
		json_object_set_new(item, "assignee_id", db_col_is_null(st, 16) ? json_null() : json_integer(db_col_int(st, 16)));
		json_object_set_new(item, "confidential", json_boolean(db_col_int(st, 17)));
		json_object_set_new(item, "anonymous", json_boolean(db_col_int(st, 18)));
		json_object_set_new(item, "reopened", json_integer(db_col_int(st, 19)));
		json_array_append_new(items, item);
	}
	db_done(st);
	names_free(&cache);
	if (rc != DB_DONE) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:b, s:b}", "items", items, "page", (int)page,
					    "page_size", (int)size, "has_more", (int)(n > size), "all_units", (int)all));
}

/* GET /api/complaints/mine: the caller's own complaints, newest first. */
int complaints_mine(struct req *r)
{
	long page, size;
	if (query_paging(r, &page, &size))
		return 0;
	struct db_stmt *st = db_query(r->db, LIST_COLUMNS ", p.confidential, p.anonymous, c.due_day FROM complaints p "
					     LIST_JOINS "WHERE c.reporter_id = ? ORDER BY p.case_id DESC LIMIT ? OFFSET ?",
				      "iii", r->caller.user_id, (int64_t)size + 1, (int64_t)((page - 1) * size));
	if (!st)
		return complaints_db_error(r);
	json_t *items = json_array();
	struct names cache = { .n = 0 };
	long n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (++n > size)
			continue;
		json_t *item = list_item(r, st, &cache);
		json_object_set_new(item, "confidential", json_boolean(db_col_int(st, 15)));
		json_object_set_new(item, "anonymous", json_boolean(db_col_int(st, 16)));
		json_object_set_new(item, "due", db_col_is_null(st, 17) ? json_null() : json_string(db_col_text(st, 17)));
		json_array_append_new(items, item);
	}
	db_done(st);
	names_free(&cache);
	if (rc != DB_DONE) {
		json_decref(items);
		return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o, s:i, s:i, s:b}", "items", items, "page", (int)page,
					    "page_size", (int)size, "has_more", (int)(n > size)));
}
