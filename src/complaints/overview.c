/* overview.c - Matur Bupati at a glance, for the Regent's dashboard: this
 * month's complaints against last month's, the share answered on time,
 * what is overdue at which agency, the top categories and where the open
 * ones are.  Counts only, confidential complaints included (as in the
 * statistics) and never described.
 *
 * Every figure reads a month or the open cases, never the whole history,
 * so the page stays fast however many years the register holds.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "regions.h"

#define TOP_CATEGORIES 5

/* (key, [name,] count) rows into [{key, name, count}]; NULL on error. */
static json_t *counted(struct db_stmt *st, const char *key, bool named)
{
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(out, json_pack("{s:s, s:s?, s:I}", key, db_col_text(st, 0), "name",
						     named ? db_col_text(st, 1) : NULL,
						     "count", (json_int_t)db_col_int(st, named ? 2 : 1)));
	db_done(st);
	if (rc == DB_DONE)
		return out;
	json_decref(out);
	return NULL;
}

/* Open complaints by district, with the districts' names. */
static json_t *open_by_district(struct case_ctx *x)
{
	struct db_sql q;
	db_sql_init(&q, x->a);
	db_sql_add(&q, "SELECT p.district, count(*) FROM complaints p WHERE p.district IS NOT NULL AND p.case_id IN (", "");
	case_list_sql(x, &complaint_type, &(struct case_filter){ .status = "open" }, &q);
	db_sql_add(&q, ") GROUP BY p.district ORDER BY count(*) DESC, p.district", "");
	json_t *out = counted(db_sql_query(x->c, &q), "kode", false);
	size_t i;
	json_t *row;
	json_array_foreach(out, i, row) {
		const char *nama = NULL;
		if (regions_lookup(x->c, x->a, json_string_value(json_object_get(row, "kode")), &nama, NULL) == 0)
			json_object_set_new(row, "name", json_string(nama));
	}
	return out;
}

static int month_count(struct db_conn *c, const char *from, const char *to, int64_t *n)
{
	return db_query_int(c, n, "SELECT count(*) FROM complaints WHERE created_day BETWEEN ? AND ?", "ss", from, to) ==
	       DB_ROW ? 0 : -1;
}

json_t *complaints_overview(struct app *app, struct db_conn *c, struct arena *a)
{
	struct case_ctx x;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	int y, m, d, py, pm, pd;
	int32_t today = case_day(x.now);
	date_to_ymd(today, &y, &m, &d);
	int32_t first = date_from_ymd(y, m, 1), prev_first = date_from_ymd(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, 1);
	date_to_ymd(first - 1, &py, &pm, &pd);
	/* last month up to the same day of the month, for a fair comparison */
	int32_t prev_same = prev_first + (d - 1 < pd ? d - 1 : pd - 1);
	char month_from[11], month_to[11], prev_from[11], prev_to[11], prev_same_to[11];
	date_format(first, month_from);
	date_format(today, month_to);
	date_format(prev_first, prev_from);
	date_format(first - 1, prev_to);
	date_format(prev_same, prev_same_to);

	int64_t this_month = 0, last_month = 0, last_month_to_date = 0, open = 0, overdue = 0;
	struct case_stats cs = { 0 };
	json_t *by_unit = NULL, *top = NULL, *districts = NULL;
	const struct case_filter late = { .status = "open", .overdue = true };
	if (month_count(c, month_from, month_to, &this_month) != 0 || month_count(c, prev_from, prev_to, &last_month) != 0 ||
	    month_count(c, prev_from, prev_same_to, &last_month_to_date) != 0 ||
	    case_count(&x, &complaint_type, &(struct case_filter){ .status = "open" }, &open) != 0 ||
	    case_count(&x, &complaint_type, &late, &overdue) != 0 ||
	    case_stats(&x, &complaint_type, month_from, month_to, &cs) != 0 ||
	    !(by_unit = case_count_by_unit(&x, &complaint_type, &late)) ||
	    !(top = counted(db_query(c, "SELECT k.code, k.name, count(*) FROM complaints p "
				     "JOIN complaint_categories k ON k.id = p.category_id WHERE p.created_day BETWEEN ? AND ? "
				     "GROUP BY k.code, k.name ORDER BY count(*) DESC, k.code LIMIT ?", "ssi",
				     month_from, month_to, (int64_t)TOP_CATEGORIES), "code", true)) ||
	    !(districts = open_by_district(&x))) {
		case_stats_free(&cs);
		json_decref(by_unit);
		json_decref(top);
		return NULL;
	}
	json_t *out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}",
		"month", arena_printf(a, "%.7s", month_from), "today", month_to,
		"this_month", (json_int_t)this_month, "last_month", (json_int_t)last_month,
		"last_month_to_date", (json_int_t)last_month_to_date, "open", (json_int_t)open,
		"overdue", (json_int_t)overdue, "answered_this_month", (json_int_t)cs.answered,
		"answered_on_time_share",
		cs.answered ? json_real((double)cs.answered_on_time / (double)cs.answered) : json_null(),
		"overdue_by_unit", by_unit, "top_categories", top, "open_by_district", districts);
	case_stats_free(&cs);
	return out;
}
