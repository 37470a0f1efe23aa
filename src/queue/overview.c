/* overview.c - Simantri today, for the Regent's dashboard: per facility
 * the bookings, who was served, who waits now and how long the called
 * waited on average.  The same counts as the facility statistics
 * (stats.c) give for today.  Each facility lists its service codes, since
 * its events come per service (public/queue/{facility}/{service}) and a
 * page that follows them must name each one.
 */
#include "simantri.h"
#include "queue.h"
#include "rules.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "orgs.h"

struct facility_today {
	int64_t id, unit_id;
	const char *code, *name;
	int64_t bookings, walkins, served, waiting, called;
	double wait_s;		/* < 0: nobody called yet */
	json_t *services;	/* borrowed from the reply: the codes its events name */
};

static struct facility_today *find(struct facility_today *f, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].id == id)
			return &f[i];
	return NULL;
}

json_t *queue_overview(struct app *app, struct db_conn *c, struct arena *a)
{
	int32_t day;
	int minute;
	char today[11];
	queue_wib_split(app_now(app), &day, &minute);
	date_format(day, today);

	struct facility_today *f = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st = db_query(c, "SELECT id, code, unit_id FROM q_facilities ORDER BY code", "");
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		struct facility_today *row = ARENA_PUSH(a, f, n, cap);
		if (!row) {
			rc = DB_ERROR;
			break;
		}
		*row = (struct facility_today){ .id = db_col_int(st, 0), .code = arena_strdup(a, db_col_text(st, 1)),
						.unit_id = db_col_int(st, 2), .wait_s = -1 };
	}
	if (st)
		db_done(st);
	for (size_t i = 0; rc == DB_DONE && i < n; i++) {
		const char *code, *name;
		f[i].name = orgs_code_name(c, a, f[i].unit_id, &code, &name) == 0 ? name : f[i].code;
	}
	st = rc == DB_DONE ? db_query(c, "SELECT facility_id, sum(CASE WHEN walkin = 0 THEN 1 ELSE 0 END), "
					 "sum(CASE WHEN walkin = 1 THEN 1 ELSE 0 END), "
					 "sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END) FROM q_visits "
					 "WHERE day = ? GROUP BY facility_id", "s", today) : NULL;
	rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		struct facility_today *row = find(f, n, db_col_int(st, 0));
		if (row) {
			row->bookings = db_col_int(st, 1);
			row->walkins = db_col_int(st, 2);
			row->served = db_col_int(st, 3);
		}
	}
	if (st)
		db_done(st);
	st = rc == DB_DONE ? db_query(c, "SELECT s.facility_id, sum(CASE WHEN e.status = 'waiting' THEN 1 ELSE 0 END), "
					 "sum(CASE WHEN e.called_at IS NOT NULL THEN 1 ELSE 0 END), avg(e.called_at - e.queued_at) "
					 "FROM q_entries e JOIN q_services s ON s.id = e.service_id WHERE e.day = ? "
					 "GROUP BY s.facility_id", "s", today) : NULL;
	rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		struct facility_today *row = find(f, n, db_col_int(st, 0));
		if (row) {
			row->waiting = db_col_int(st, 1);
			row->called = db_col_int(st, 2);
			row->wait_s = db_col_is_null(st, 3) ? -1 : db_col_double(st, 3);
		}
	}
	if (st)
		db_done(st);
	if (rc != DB_DONE)
		return NULL;
	json_t *list = json_array();
	json_int_t bookings = 0, walkins = 0, served = 0, waiting = 0;
	for (size_t i = 0; i < n; i++) {
		f[i].services = json_array();
		json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "code", f[i].code,
			"name", f[i].name, "bookings", (json_int_t)f[i].bookings, "walkins", (json_int_t)f[i].walkins,
			"served", (json_int_t)f[i].served, "waiting", (json_int_t)f[i].waiting,
			"avg_wait_minutes", f[i].wait_s < 0 ? json_null() : json_real(f[i].wait_s / 60.0),
			"services", f[i].services);
		if (!o)
			f[i].services = NULL;	/* freed with the failed pack */
		json_array_append_new(list, o);
		bookings += f[i].bookings;
		walkins += f[i].walkins;
		served += f[i].served;
		waiting += f[i].waiting;
	}
	st = db_query(c, "SELECT facility_id, code FROM q_services ORDER BY facility_id, code", "");
	rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		struct facility_today *row = find(f, n, db_col_int(st, 0));
		if (row && row->services)
			json_array_append_new(row->services, json_string(db_col_text(st, 1)));
	}
	if (st)
		db_done(st);
	if (rc != DB_DONE) {
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}", "day", today, "bookings", bookings, "walkins", walkins,
			 "served", served, "waiting", waiting, "facilities", list);
}
