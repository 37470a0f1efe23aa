/* stats.c - statistics per facility, service and day: bookings, walk-ins,
 * cancellations, no-shows, patients served, and the average waiting time
 * (joining a line to being called) and service time (called to finished)
 * at each service; as JSON for the charts and as CSV.
 */
#include "simantri.h"
#include "can.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "strbuf.h"

#define RANGE_DAYS_MAX 366

struct stat_row {
	const char *day, *code, *name;
	int64_t bookings, walkins, cancelled, noshows, served, mobile_jkn, called;
	double wait_s, service_s;	/* averages; < 0 when nobody was called / finished */
};

struct stats {
	struct stat_row *rows;
	size_t n, cap;
};

static struct stat_row *row_for(struct arena *a, struct stats *s, const char *day, const char *code, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].day, day) == 0 && strcmp(s->rows[i].code, code) == 0)
			return &s->rows[i];
	struct stat_row *r = ARENA_PUSH(a, s->rows, s->n, s->cap);
	if (!r)
		return NULL;
	r->day = arena_strdup(a, day);
	r->code = arena_strdup(a, code);
	r->name = arena_strdup(a, name);
	r->wait_s = r->service_s = -1;
	return r->day && r->code && r->name ? r : NULL;
}

static int row_cmp(const void *a, const void *b)
{
	const struct stat_row *x = a, *y = b;
	int c = strcmp(x->day, y->day);
	return c ? c : strcmp(x->code, y->code);
}

/* The facility and the range asked for, and the caller works there or
 * oversees it; on failure the reply is set and -1 returned. */
static int stats_args(struct req *r, struct facility *f, char from[11], char to[11])
{
	int32_t a = queue_today(r) - 6, b = queue_today(r);
	const char *fs = req_query(r, "from"), *ts = req_query(r, "to");
	if (queue_path_facility(r, f))
		return -1;
	if (!can(&r->caller, &queue_desk, &(struct object){ .unit_id = f->unit_id }))
		return reply_error(r, 403, "forbidden", "you do not work at this facility", NULL), -1;
	if ((fs && date_parse(fs, &a) != 0) || (ts && date_parse(ts, &b) != 0))
		return reply_error(r, 400, "invalid", "from and to must be dates written YYYY-MM-DD",
				   fs && date_parse(fs, &a) != 0 ? "from" : "to"), -1;
	if (b < a || b - a >= RANGE_DAYS_MAX)
		return reply_error(r, 400, "invalid", "to must be on or after from, at most a year later", "to"), -1;
	date_format(a, from);
	date_format(b, to);
	return 0;
}

static int stats_load(struct req *r, const struct facility *f, const char *from, const char *to, struct stats *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(r->db,
		"SELECT v.day, s.code, s.name,"
		" sum(CASE WHEN v.walkin = 0 THEN 1 ELSE 0 END), sum(CASE WHEN v.walkin = 1 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN v.status = 'cancelled' THEN 1 ELSE 0 END), sum(CASE WHEN v.status = 'noshow' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN v.status = 'done' THEN 1 ELSE 0 END), sum(CASE WHEN v.channel = 'mobile_jkn' THEN 1 ELSE 0 END)"
		" FROM q_services s JOIN q_visits v ON v.service_id = s.id"
		" WHERE s.facility_id = ? AND v.day >= ? AND v.day <= ? GROUP BY v.day, s.code, s.name",
		"iss", f->id, from, to);
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		struct stat_row *row = row_for(r->arena, out, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
		if (!row) {
			rc = DB_ERROR;
			break;
		}
		row->bookings = db_col_int(st, 3);
		row->walkins = db_col_int(st, 4);
		row->cancelled = db_col_int(st, 5);
		row->noshows = db_col_int(st, 6);
		row->served = db_col_int(st, 7);
		row->mobile_jkn = db_col_int(st, 8);
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	st = db_query(r->db,
		"SELECT e.day, s.code, s.name, count(*), avg(e.called_at - e.queued_at), avg(e.finished_at - e.called_at)"
		" FROM q_entries e JOIN q_services s ON s.id = e.service_id"
		" WHERE s.facility_id = ? AND e.day >= ? AND e.day <= ? AND e.called_at IS NOT NULL"
		" GROUP BY e.day, s.code, s.name", "iss", f->id, from, to);
	rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		struct stat_row *row = row_for(r->arena, out, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
		if (!row) {
			rc = DB_ERROR;
			break;
		}
		row->called = db_col_int(st, 3);
		row->wait_s = db_col_is_null(st, 4) ? -1 : db_col_double(st, 4);
		row->service_s = db_col_is_null(st, 5) ? -1 : db_col_double(st, 5);
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	if (out->n)
		qsort(out->rows, out->n, sizeof(*out->rows), row_cmp);
	return 0;
}

static json_t *seconds_json(double s)
{
	return s < 0 ? json_null() : json_integer((json_int_t)(s + 0.5));
}

/* GET /api/queue/facilities/{fc}/stats?from=&to= */
int queue_stats(struct req *r)
{
	struct facility f;
	struct stats s;
	char from[11], to[11];
	if (stats_args(r, &f, from, to))
		return 0;
	if (stats_load(r, &f, from, to, &s) != 0)
		return reply_db_error(r);
	json_t *items = json_array();
	int64_t t[7] = { 0 };
	for (size_t i = 0; i < s.n; i++) {
		const struct stat_row *x = &s.rows[i];
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
			"date", x->day, "service", x->code, "service_name", x->name, "bookings", (json_int_t)x->bookings,
			"walkins", (json_int_t)x->walkins, "cancelled", (json_int_t)x->cancelled,
			"noshows", (json_int_t)x->noshows, "served", (json_int_t)x->served,
			"mobile_jkn", (json_int_t)x->mobile_jkn, "called", (json_int_t)x->called,
			"avg_wait_s", seconds_json(x->wait_s), "avg_service_s", seconds_json(x->service_s)));
		t[0] += x->bookings;
		t[1] += x->walkins;
		t[2] += x->cancelled;
		t[3] += x->noshows;
		t[4] += x->served;
		t[5] += x->mobile_jkn;
		t[6] += x->called;
	}
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
		"facility", "code", f.code, "name", f.name, "from", from, "to", to, "items", items, "totals",
		"bookings", (json_int_t)t[0], "walkins", (json_int_t)t[1], "cancelled", (json_int_t)t[2],
		"noshows", (json_int_t)t[3], "served", (json_int_t)t[4], "mobile_jkn", (json_int_t)t[5],
		"called", (json_int_t)t[6]));
}

/* Minutes with one decimal; empty when nobody was called or finished. */
static void csv_minutes(struct strbuf *out, double s)
{
	if (s >= 0)
		strbuf_addf(out, ",%.1f", s / 60.0);
	else
		strbuf_addch(out, ',');
}

/* GET /api/queue/facilities/{fc}/stats.csv?from=&to= */
int queue_stats_csv(struct req *r)
{
	struct facility f;
	struct stats s;
	char from[11], to[11];
	if (stats_args(r, &f, from, to))
		return 0;
	if (stats_load(r, &f, from, to, &s) != 0)
		return reply_db_error(r);
	struct strbuf out;
	strbuf_init(&out, r->arena, 256 + 128 * s.n);
	strbuf_addstr(&out, "date,facility,service,service_name,bookings,walkins,cancelled,noshows,served,mobile_jkn,"
		      "called,avg_wait_min,avg_service_min\r\n");
	for (size_t i = 0; i < s.n; i++) {
		const struct stat_row *x = &s.rows[i];
		strbuf_addf(&out, "%s,", x->day);
		strbuf_add_csv(&out, f.code, true);
		strbuf_addch(&out, ',');
		strbuf_add_csv(&out, x->code, true);
		strbuf_addch(&out, ',');
		strbuf_add_csv(&out, x->name, true);
		strbuf_addf(&out, ",%lld,%lld,%lld,%lld,%lld,%lld,%lld", (long long)x->bookings, (long long)x->walkins,
			    (long long)x->cancelled, (long long)x->noshows, (long long)x->served,
			    (long long)x->mobile_jkn, (long long)x->called);
		csv_minutes(&out, x->wait_s);
		csv_minutes(&out, x->service_s);
		strbuf_add(&out, "\r\n", 2);
	}
	if (out.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	reply_header(r, "Content-Disposition",
		     arena_printf(r->arena, "attachment; filename=\"simantri-%s-%s-%s.csv\"", f.code, from, to));
	return reply_text(r, 200, "text/csv; charset=utf-8", out.buf, out.len);
}
