/* query.c - the case engine's read API for lists and figures: the engine's
 * half of a list query (case_match_sql, case_list_sql), a page's case rows
 * in one query (case_rows), and the figures of a period (case_stats).
 *
 * Only the conditions a filter sets are written, so SQLite can use the
 * index that fits (a reporter's cases, a unit's); the texts stay few
 * enough (one per combination a page offers) for the statement caches.
 * The alias "ce" is the engine's, so it never shadows a service's own.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "util.h"

#define WIB_OFFSET_S (7 * 3600)

/* The states whose clock settles the case by itself when it runs out
 * (the reporter's time to confirm an answer): never overdue. */
static void not_self_settling(const struct case_type *t, struct db_sql *q)
{
	bool any = false;
	for (const struct case_state *s = t->states; s->name; s++) {
		if (!s->on_expiry)
			continue;
		db_sql_add(q, any ? ", ?" : " AND ce.state NOT IN (?", "s", s->name);
		any = true;
	}
	if (any)
		db_sql_add(q, ")", "");
}

/* The first moment of a local day, as stored (UTC ISO-8601). */
static const char *day_start(struct case_ctx *x, int32_t day)
{
	char *out = arena_alloc(x->a, 24);
	if (out)
		time_iso((time_t)day * 86400 - WIB_OFFSET_S, out);
	return out;
}

/* The first moment of the local day after text (YYYY-MM-DD), or NULL. */
static const char *day_after(struct case_ctx *x, const char *text)
{
	int32_t day;
	return date_parse(text, &day) == 0 ? day_start(x, day + 1) : NULL;
}

static const char *day_of(struct case_ctx *x, const char *text)
{
	int32_t day;
	return date_parse(text, &day) == 0 ? day_start(x, day) : NULL;
}

/* " AND ..." for each condition f sets. */
static void filter_sql(struct case_ctx *x, const struct case_type *t, const struct case_filter *f, struct db_sql *q)
{
	if (f->status && strcmp(f->status, "open") == 0)
		db_sql_add(q, " AND ce.closed_at IS NULL", "");
	else if (f->status && strcmp(f->status, "closed") == 0)
		db_sql_add(q, " AND ce.closed_at IS NOT NULL", "");
	else if (f->status && *f->status)
		db_sql_add(q, " AND ce.state = ?", "s", f->status);
	if (f->n_units > 0) {
		db_sql_add(q, " AND ce.unit_id IN (?", "i", f->units[0]);
		for (int i = 1; i < f->n_units && i < 8; i++)
			db_sql_add(q, ", ?", "i", f->units[i]);
		db_sql_add(q, ")", "");
	}
	if (f->unit_id)
		db_sql_add(q, " AND ce.unit_id = ?", "i", f->unit_id);
	if (f->reporter_id)
		db_sql_add(q, " AND ce.reporter_id = ?", "i", f->reporter_id);
	if (f->assignee_id)
		db_sql_add(q, " AND ce.assignee_id = ?", "i", f->assignee_id);
	if (f->unassigned)
		db_sql_add(q, " AND ce.assignee_id IS NULL", "");
	if (f->overdue) {
		char *today = arena_alloc(x->a, 11);
		if (today)
			case_day_text(x->now, today);
		db_sql_add(q, " AND ce.due_day < ?", "s", today);
		not_self_settling(t, q);
	}
	if (f->answered_on_time)
		db_sql_add(q, " AND ce.answered_on_time = 1", "");
	/* A day that is not one makes the query fail (a NULL bound), never
	 * widen it. */
	if (f->opened_from)
		db_sql_add(q, " AND ce.created_at >= ?", "s", day_of(x, f->opened_from));
	if (f->opened_to)
		db_sql_add(q, " AND ce.created_at < ?", "s", day_after(x, f->opened_to));
}

/* The id names one case, of the service's own type by construction, so the
 * type is not asked again: a condition on it would tempt SQLite (which has
 * no statistics here) to walk a type index instead of the one rowid. */
void case_match_sql(struct case_ctx *x, const struct case_type *t, const struct case_filter *f,
		    const char *id_expr, struct db_sql *q)
{
	db_sql_add(q, "EXISTS (SELECT 1 FROM cases ce WHERE ce.id = ", "");
	db_sql_add(q, id_expr, "");
	filter_sql(x, t, f, q);
	db_sql_add(q, ")", "");
}

void case_list_sql(struct case_ctx *x, const struct case_type *t, const struct case_filter *f, struct db_sql *q)
{
	db_sql_add(q, "SELECT ce.id FROM cases ce WHERE ce.type = ?", "s", t->code);
	filter_sql(x, t, f, q);
}

void case_list_end(struct db_sql *q, const struct case_filter *f, enum case_order order, int64_t limit,
		   int64_t offset)
{
	/* Read in the order of an index and stop at the page, rather than
	 * sort every case: cases_urgent's expression, or for overdue cases
	 * (all with a due day) cases_due's order (rowid is its last column). */
	if (order == CASE_MOST_URGENT && f->overdue)
		db_sql_add(q, " ORDER BY ce.due_day, ce.id", "");
	else if (order == CASE_MOST_URGENT)
		db_sql_add(q, " ORDER BY CASE WHEN ce.due_day IS NULL THEN 1 ELSE 0 END, ce.due_day, ce.id", "");
	else
		db_sql_add(q, " ORDER BY ce.id DESC", "");
	db_sql_add(q, " LIMIT ? OFFSET ?", "ii", limit, offset);
}

static int by_id(const void *a, const void *b, void *ids)
{
	int64_t u = ((const int64_t *)ids)[*(const int *)a], v = ((const int64_t *)ids)[*(const int *)b];
	return u < v ? -1 : u > v;
}

int case_rows(struct case_ctx *x, const struct case_type *t, const int64_t *ids, int n, struct case_row *out)
{
	memset(out, 0, (size_t)n * sizeof(*out));
	if (n == 0)
		return 0;
	const char *list = db_ids_text(x->a, ids, n);
	int *order = arena_alloc(x->a, (size_t)n * sizeof(*order));
	if (!list || !order)
		return -1;
	/* The rows come in the database's order: place each by binary search
	 * over the positions sorted by id (a map page holds 2,000). */
	for (int i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, (size_t)n, sizeof(*order), by_id, (void *)ids);
	struct db_sql q;
	db_sql_init(&q, x->a);
	/* The type is checked here, not in SQL, for the reason case_match_sql gives. */
	db_sql_add(&q, "SELECT " CASE_COLUMNS ", type FROM cases WHERE id IN ", "");
	db_sql_add(&q, db_ids_sql(db_conn_dialect(x->c)), "s", list);
	struct db_stmt *st = db_sql_query(x->c, &q);
	if (!st)
		return -1;
	int rc;
	struct case_row row;
	while ((rc = db_step(st)) == DB_ROW) {
		if (strcmp(db_col_text(st, 14), t->code) != 0)
			continue;
		if (case_row_fill(x, t, st, &row) != 0) {
			rc = DB_ERROR;
			break;
		}
		/* first of the ids (sorted) equal to row.id, then each copy */
		int lo = 0, hi = n;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (ids[order[mid]] < row.id)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && ids[order[lo]] == row.id; lo++)
			out[order[lo]] = row;
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* ---- figures of a period ------------------------------------------------------ */

struct unit_count {
	const char *code, *name;
	int64_t count;
};

static int by_count_then_code(const void *a, const void *b)
{
	const struct unit_count *u = a, *v = b;
	if (u->count != v->count)
		return u->count > v->count ? -1 : 1;
	return strcmp(u->code, v->code);
}

int case_count(struct case_ctx *x, const struct case_type *t, const struct case_filter *f, int64_t *n)
{
	struct db_sql q;
	db_sql_init(&q, x->a);
	db_sql_add(&q, "SELECT count(*) FROM cases ce WHERE ce.type = ?", "s", t->code);
	filter_sql(x, t, f, &q);
	struct db_stmt *st = db_sql_query(x->c, &q);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		*n = db_col_int(st, 0);
	if (st)
		db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

json_t *case_count_by_unit(struct case_ctx *x, const struct case_type *t, const struct case_filter *f)
{
	struct db_sql q;
	db_sql_init(&q, x->a);
	db_sql_add(&q, "SELECT ce.unit_id, count(*) FROM cases ce WHERE ce.type = ?", "s", t->code);
	filter_sql(x, t, f, &q);
	db_sql_add(&q, " AND ce.unit_id IS NOT NULL GROUP BY ce.unit_id", "");
	struct db_stmt *st = db_sql_query(x->c, &q);
	if (!st)
		return NULL;
	size_t n = 0, cap = 0;
	struct unit_count *units = NULL;
	int rc;
	int64_t (*pairs)[2] = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			pairs = arena_realloc(x->a, pairs, n * sizeof(*pairs), cap * sizeof(*pairs));
			if (!pairs)
				break;
		}
		pairs[n][0] = db_col_int(st, 0);
		pairs[n][1] = db_col_int(st, 1);
		n++;
	}
	db_done(st);
	if (rc != DB_DONE || (n && !(units = arena_alloc(x->a, n * sizeof(*units)))))
		return NULL;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		const char *code, *name;
		int r = case_unit(x, pairs[i][0], &code, &name);
		if (r < 0)
			return NULL;
		if (r == 0)
			units[kept++] = (struct unit_count){ code, name, pairs[i][1] };
	}
	if (kept)
		qsort(units, kept, sizeof(*units), by_count_then_code);
	json_t *out = json_array();
	for (size_t i = 0; i < kept; i++)
		json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "code", units[i].code, "name", units[i].name,
						     "count", (json_int_t)units[i].count));
	return out;
}

int case_stats(struct case_ctx *x, const struct case_type *t, const char *from_day, const char *to_day,
	       struct case_stats *out)
{
	int32_t a, b;
	memset(out, 0, sizeof(*out));
	out->median_answer_secs = -1;
	if (date_parse(from_day, &a) != 0 || date_parse(to_day, &b) != 0)
		return -1;
	const char *from = day_start(x, a), *to = day_start(x, b + 1);
	char *now = arena_alloc(x->a, 24);
	if (!from || !to || !now)
		return -1;
	time_iso(x->now, now);
	/* One pass gives the states, the answers and the settlement: of the
	 * cases whose limit is past or that are settled already, how many
	 * were settled within it. */
	struct db_stmt *st = db_query(x->c, "SELECT state, count(*), "
					    "sum(CASE WHEN answer_secs IS NOT NULL THEN 1 ELSE 0 END), "
					    "sum(CASE WHEN answer_secs IS NOT NULL THEN coalesce(answered_on_time, 0) ELSE 0 END), "
					    "sum(CASE WHEN closed_at IS NOT NULL OR settle_by <= ? THEN 1 ELSE 0 END), "
					    "sum(CASE WHEN closed_at < settle_by THEN 1 ELSE 0 END), "
					    "min(CASE WHEN closed_at IS NULL AND settle_by > ? THEN settle_by END) "
					    "FROM cases WHERE type = ? AND created_at >= ? AND created_at < ? "
					    "GROUP BY state ORDER BY state", "sssss", now, now, t->code, from, to);
	if (!st)
		return -1;
	out->by_state = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_array_append_new(out->by_state, json_pack("{s:s, s:I}", "state", db_col_text(st, 0),
							       "count", (json_int_t)db_col_int(st, 1)));
		out->answered += db_col_int(st, 2);
		out->answered_on_time += db_col_int(st, 3);
		out->settle_judged += db_col_int(st, 4);
		out->settled_in_time += db_col_int(st, 5);
		const char *limit = db_col_text(st, 6);
		if (limit && strlen(limit) < sizeof(out->until) && (!out->until[0] || strcmp(limit, out->until) < 0))
			strcpy(out->until, limit);
	}
	db_done(st);
	if (rc == DB_DONE && out->answered > 0)
		rc = db_query_int(x->c, &out->median_answer_secs, "SELECT answer_secs FROM cases WHERE type = ? "
				  "AND created_at >= ? AND created_at < ? AND answer_secs IS NOT NULL "
				  "ORDER BY answer_secs LIMIT 1 OFFSET ?", "sssi", t->code, from, to, out->answered / 2);
	const struct case_filter period = { .opened_from = from_day, .opened_to = to_day };
	if ((rc == DB_DONE || rc == DB_ROW) && (out->by_unit = case_count_by_unit(x, t, &period)))
		return 0;
	case_stats_free(out);
	return -1;
}

void case_stats_free(struct case_stats *s)
{
	json_decref(s->by_state);
	json_decref(s->by_unit);
	s->by_state = s->by_unit = NULL;
}
