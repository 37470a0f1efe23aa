/* holidays.c - the holidays table, its admin API and the public due-date
 * calculator (see holidays.h; the working-day rule is in calendar.h).
 *
 * Days are stored as "YYYY-MM-DD" text: it sorts and compares by date in
 * both SQLite and PostgreSQL, and is what the API speaks.
 */
#include "holidays.h"
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "http.h"
#include "util.h"

/* Years the API accepts: wide enough for any deadline and record, narrow
 * enough that day arithmetic never leaves four-digit years. */
#define YEAR_MIN 1900
#define YEAR_MAX 2200
#define DUE_DAYS_MAX 365

static int kind_parse(const char *s, enum holiday_kind *out)
{
	if (s && strcmp(s, "national") == 0)
		*out = HOLIDAY_NATIONAL;
	else if (s && strcmp(s, "cuti_bersama") == 0)
		*out = HOLIDAY_CUTI_BERSAMA;
	else
		return -1;
	return 0;
}

int holidays_on(struct db_conn *c, const char *date, enum holiday_kind *kind)
{
	struct db_stmt *st = db_query(c, "SELECT kind FROM holidays WHERE day = ?", "s", date);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW && kind_parse(db_col_text(st, 0), kind) != 0)
		rc = DB_ERROR;
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int holidays_load(struct db_conn *c, struct arena *a, struct holidays *out)
{
	out->days = NULL;
	out->n = 0;
	struct db_stmt *st = db_query(c, "SELECT day, kind FROM holidays ORDER BY day", "");
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct holiday_day hd;
		/* A row that does not read back would silently shift deadlines
		 * if skipped, so it fails the load instead. */
		if (date_parse(db_col_text(st, 0), &hd.day) != 0 ||
		    kind_parse(db_col_text(st, 1), &hd.kind) != 0) {
			rc = DB_ERROR;
			break;
		}
		struct holiday_day *slot = ARENA_PUSH(a, out->days, out->n, cap);
		if (!slot) {
			rc = DB_ERROR;
			break;
		}
		*slot = hd;
	}
	db_done(st);
	if (rc != DB_DONE) {
		out->days = NULL;
		out->n = 0;
		return -1;
	}
	return 0;
}

/* ---- helpers for the handlers ------------------------------------------ */

/* A date of service from outside: strict YYYY-MM-DD in the accepted years.
 * On failure the 400 has been sent and -1 is returned. */
static int service_date(struct req *r, const char *s, const char *field, int32_t *day)
{
	int y, m, d;
	if (date_parse(s, day) != 0) {
		reply_error(r, 400, "invalid",
			    arena_printf(r->arena, "%s must be a calendar date written YYYY-MM-DD", field),
			    field);
		return -1;
	}
	date_to_ymd(*day, &y, &m, &d);
	if (y < YEAR_MIN || y > YEAR_MAX) {
		reply_error(r, 400, "invalid",
			    arena_printf(r->arena, "%s must be in the years %d to %d", field, YEAR_MIN, YEAR_MAX),
			    field);
		return -1;
	}
	return 0;
}

/* Names are shown in lists and on letters: one line, not blank. */
static bool name_ok(const char *s)
{
	bool seen = false;
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
		if (*s != ' ')
			seen = true;
	}
	return seen;
}

static int check_name(struct req *r, const char *name)
{
	if (name_ok(name))
		return 0;
	reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	return -1;
}

static int check_kind(struct req *r, const char *kind)
{
	enum holiday_kind k;
	if (kind_parse(kind, &k) == 0)
		return 0;
	reply_error(r, 400, "invalid", "kind must be national or cuti_bersama", "kind");
	return -1;
}

static json_t *holiday_json(const char *date, const char *name, const char *kind)
{
	return json_pack("{s:s, s:s, s:s}", "date", date, "name", name, "kind", kind);
}

/* Record the change, move what depends on working days (the modules'
 * holidays_changed hooks, in this transaction) and tell live pages. */
static int audit(struct req *r, const char *action, const char *date, json_t *details)
{
	json_t *ev = json_pack("{s:s, s:s}", "action", action, "date", date);
	int rc = audit_append(r->db, &r->caller, action, arena_printf(r->arena, "holiday:%s", date),
			      details);
	if (rc == 0)
		rc = events_publish(r->app->events, r->db, "public/calendar", ev) == DB_OK ? 0 : -1;
	json_decref(ev);
	for (size_t i = 0; rc == 0 && i < r->app->nmodules; i++)
		if (r->app->modules[i]->holidays_changed)
			rc = r->app->modules[i]->holidays_changed(r->app, r->db);
	return rc;
}

/* The row for a date, copied to the arena.  DB_ROW, DB_DONE when there is
 * none, or the error. */
static int holiday_get(struct req *r, const char *date, const char **name, const char **kind)
{
	struct db_stmt *st = db_query(r->db, "SELECT name, kind FROM holidays WHERE day = ?", "s", date);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*name = arena_strdup(r->arena, db_col_text(st, 0));
		*kind = arena_strdup(r->arena, db_col_text(st, 1));
	}
	db_done(st);
	return rc;
}

/* ---- handlers ----------------------------------------------------------- */

/* GET /api/holidays?year=YYYY */
static int holidays_list(struct req *r)
{
	int y, m, d;
	long year;
	date_to_ymd(date_today_wib(), &y, &m, &d);
	if (req_query_int(r, "year", y, YEAR_MIN, YEAR_MAX, &year))
		return 0;
	char from[11], to[11];
	date_format(date_from_ymd((int)year, 1, 1), from);
	date_format(date_from_ymd((int)year, 12, 31), to);
	struct db_stmt *st = db_query(r->db, "SELECT day, name, kind FROM holidays "
					     "WHERE day >= ? AND day <= ? ORDER BY day", "ss", from, to);
	if (!st)
		return reply_db_error(r);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, holiday_json(db_col_text(st, 0), db_col_text(st, 1),
							  db_col_text(st, 2)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/holidays {date, name, kind} */
static int holidays_create(struct req *r)
{
	const char *date = body_str(r, "date"), *name = body_str(r, "name"), *kind = body_str(r, "kind");
	int32_t day;
	if (service_date(r, date, "date", &day) || check_name(r, name) || check_kind(r, kind))
		return 0;
	char now[24];
	time_iso_now(now);
	int rc = db_exec(r->db, "INSERT INTO holidays (day, name, kind, updated_at) VALUES (?, ?, ?, ?)",
			 "ssss", date, name, kind, now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict",
				   arena_printf(r->arena, "%s is already in the holiday list", date), "date");
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *h = holiday_json(date, name, kind);
	if (audit(r, "holiday.create", date, h) != 0) {
		json_decref(h);
		return reply_db_error(r);
	}
	return reply_json(r, 201, json_pack("{s:o}", "holiday", h));
}

/* PATCH /api/holidays/{date} {name?, kind?}; the date itself is the key, so
 * moving a holiday is a delete and a create. */
static int holidays_update(struct req *r)
{
	const char *date = req_param(r, "date");
	int32_t day;
	if (service_date(r, date, "date", &day))
		return 0;
	if (!body_has(r, "name") && !body_has(r, "kind"))
		return reply_error(r, 400, "invalid", "give a new name or kind", NULL);
	const char *name = body_str(r, "name"), *kind = body_str(r, "kind");
	if ((name && check_name(r, name)) || (kind && check_kind(r, kind)))
		return 0;

	const char *old_name, *old_kind;
	int rc = holiday_get(r, date, &old_name, &old_kind);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", arena_printf(r->arena, "%s is not a holiday", date), NULL);
	if (rc != DB_ROW)
		return reply_db_error(r);
	if (!name)
		name = old_name;
	if (!kind)
		kind = old_kind;

	char now[24];
	time_iso_now(now);
	rc = db_exec(r->db, "UPDATE holidays SET name = ?, kind = ?, updated_at = ? WHERE day = ?",
		     "ssss", name, kind, now, date);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *details = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}",
				    "before", "name", old_name, "kind", old_kind,
				    "after", "name", name, "kind", kind);
	rc = audit(r, "holiday.update", date, details);
	json_decref(details);
	if (rc != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "holiday", holiday_json(date, name, kind)));
}

/* DELETE /api/holidays/{date} */
static int holidays_delete(struct req *r)
{
	const char *date = req_param(r, "date");
	int32_t day;
	if (service_date(r, date, "date", &day))
		return 0;
	const char *name, *kind;
	int rc = holiday_get(r, date, &name, &kind);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", arena_printf(r->arena, "%s is not a holiday", date), NULL);
	if (rc != DB_ROW)
		return reply_db_error(r);
	rc = db_exec(r->db, "DELETE FROM holidays WHERE day = ?", "s", date);
	if (rc != DB_DONE)
		return reply_db_error(r);
	/* the audit row keeps what was removed, so it can be put back */
	json_t *details = json_pack("{s:s, s:s}", "name", name, "kind", kind);
	rc = audit(r, "holiday.delete", date, details);
	json_decref(details);
	if (rc != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* GET /api/calendar/due?from=YYYY-MM-DD&days=N&cuti_bersama=true|false
 * from defaults to today (WIB); cuti bersama are days off unless the
 * service works through them. */
static int calendar_due(struct req *r)
{
	const char *from_s = req_query(r, "from");
	int32_t from = date_today_wib();
	if (from_s && service_date(r, from_s, "from", &from))
		return 0;
	if (!req_query(r, "days"))
		return reply_error(r, 400, "invalid",
				   arena_printf(r->arena, "days is required (0 to %d working days)", DUE_DAYS_MAX),
				   "days");
	long days;
	if (req_query_int(r, "days", 0, 0, DUE_DAYS_MAX, &days))
		return 0;
	unsigned policy = CAL_CUTI_BERSAMA_OFF;
	const char *cb = req_query(r, "cuti_bersama");
	if (cb && strcmp(cb, "false") == 0)
		policy = 0;
	else if (cb && strcmp(cb, "true") != 0)
		return reply_error(r, 400, "invalid", "cuti_bersama must be true or false", "cuti_bersama");

	struct holidays h;
	if (holidays_load(r->db, r->arena, &h) != 0)
		return reply_db_error(r);
	int32_t due = workdays_add(&h, from, (int)days, policy);

	char from_buf[11], due_buf[11];
	date_format(from, from_buf);
	date_format(due, due_buf);
	return reply_json(r, 200, json_pack("{s:s, s:I, s:s}", "from", from_buf,
					    "days", (json_int_t)days, "due", due_buf));
}

/* ---- tables ------------------------------------------------------------- */

static const struct field holiday_create_fields[] = {
	{ "date", FT_STRING, FF_REQUIRED, 10 },
	{ "name", FT_STRING, FF_REQUIRED, 200 },
	{ "kind", FT_STRING, FF_REQUIRED, 16 },
	{ 0 },
};

static const struct field holiday_update_fields[] = {
	{ "name", FT_STRING, 0, 200 },
	{ "kind", FT_STRING, 0, 16 },
	{ 0 },
};

static const struct route holidays_routes[] = {
	{ "GET", "/api/holidays", holidays_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/holidays", holidays_create, ROLE_ADMIN, holiday_create_fields, 0 },
	{ "PATCH", "/api/holidays/{date}", holidays_update, ROLE_ADMIN, holiday_update_fields, 0 },
	{ "DELETE", "/api/holidays/{date}", holidays_delete, ROLE_ADMIN, NULL, 0 },
	{ "GET", "/api/calendar/due", calendar_due, ROLE_PUBLIC, NULL, 0 },
	{ 0 },
};

#define HOLIDAYS_TABLE \
	"CREATE TABLE holidays (\n" \
	"  day TEXT PRIMARY KEY,          -- YYYY-MM-DD, a local (WIB) date\n" \
	"  name TEXT NOT NULL,\n" \
	"  kind TEXT NOT NULL CHECK (kind IN ('national', 'cuti_bersama')),\n" \
	"  updated_at TEXT NOT NULL       -- UTC, YYYY-MM-DDTHH:MM:SSZ\n" \
	");\n"

/* The seed is one list written once; only "now" differs between dialects. */
#define NOW_SQLITE "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#define NOW_POSTGRES "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define H(day, kind, name) "('" day "', '" name "', '" kind "', " NOW "),\n"
#define LAST(day, kind, name) "('" day "', '" name "', '" kind "', " NOW ");\n"

/* 2026: SKB Menteri Agama, Menteri Ketenagakerjaan and Menteri PANRB
 * No. 1497, 2 and 5 of 2025 (19 September 2025): 17 holidays, 8 cuti bersama.
 * 2027: the national holidays as fixed by law and as computed ahead of the
 * SKB (Idul Fitri, Idul Adha, 1 Muharam, Maulid and Isra Mikraj by MABIMS
 * hisab, the criterion Kemenag used for the 2026 dates; Nyepi, Imlek,
 * Waisak and Easter by their calendars).  The 2027 cuti bersama are left to
 * the admins: they are a policy choice, not something to compute. */
#define HOLIDAYS_SEED \
	"INSERT INTO holidays (day, name, kind, updated_at) VALUES\n" \
	H("2026-01-01", "national", "Tahun Baru 2026 Masehi") \
	H("2026-01-16", "national", "Isra Mikraj Nabi Muhammad SAW") \
	H("2026-02-16", "cuti_bersama", "Cuti Bersama Tahun Baru Imlek 2577 Kongzili") \
	H("2026-02-17", "national", "Tahun Baru Imlek 2577 Kongzili") \
	H("2026-03-18", "cuti_bersama", "Cuti Bersama Hari Suci Nyepi (Tahun Baru Saka 1948)") \
	H("2026-03-19", "national", "Hari Suci Nyepi (Tahun Baru Saka 1948)") \
	H("2026-03-20", "cuti_bersama", "Cuti Bersama Hari Raya Idul Fitri 1447 Hijriah") \
	H("2026-03-21", "national", "Hari Raya Idul Fitri 1447 Hijriah") \
	H("2026-03-22", "national", "Hari Raya Idul Fitri 1447 Hijriah") \
	H("2026-03-23", "cuti_bersama", "Cuti Bersama Hari Raya Idul Fitri 1447 Hijriah") \
	H("2026-03-24", "cuti_bersama", "Cuti Bersama Hari Raya Idul Fitri 1447 Hijriah") \
	H("2026-04-03", "national", "Wafat Yesus Kristus") \
	H("2026-04-05", "national", "Kebangkitan Yesus Kristus (Paskah)") \
	H("2026-05-01", "national", "Hari Buruh Internasional") \
	H("2026-05-14", "national", "Kenaikan Yesus Kristus") \
	H("2026-05-15", "cuti_bersama", "Cuti Bersama Kenaikan Yesus Kristus") \
	H("2026-05-27", "national", "Hari Raya Idul Adha 1447 Hijriah") \
	H("2026-05-28", "cuti_bersama", "Cuti Bersama Hari Raya Idul Adha 1447 Hijriah") \
	H("2026-05-31", "national", "Hari Raya Waisak 2570 BE") \
	H("2026-06-01", "national", "Hari Lahir Pancasila") \
	H("2026-06-16", "national", "1 Muharam Tahun Baru Islam 1448 Hijriah") \
	H("2026-08-17", "national", "Proklamasi Kemerdekaan") \
	H("2026-08-25", "national", "Maulid Nabi Muhammad SAW") \
	H("2026-12-24", "cuti_bersama", "Cuti Bersama Kelahiran Yesus Kristus") \
	H("2026-12-25", "national", "Kelahiran Yesus Kristus") \
	H("2027-01-01", "national", "Tahun Baru 2027 Masehi") \
	H("2027-01-05", "national", "Isra Mikraj Nabi Muhammad SAW") \
	H("2027-02-06", "national", "Tahun Baru Imlek 2578 Kongzili") \
	H("2027-03-09", "national", "Hari Suci Nyepi (Tahun Baru Saka 1949)") \
	H("2027-03-10", "national", "Hari Raya Idul Fitri 1448 Hijriah") \
	H("2027-03-11", "national", "Hari Raya Idul Fitri 1448 Hijriah") \
	H("2027-03-26", "national", "Wafat Yesus Kristus") \
	H("2027-03-28", "national", "Kebangkitan Yesus Kristus (Paskah)") \
	H("2027-05-01", "national", "Hari Buruh Internasional") \
	H("2027-05-06", "national", "Kenaikan Yesus Kristus") \
	H("2027-05-17", "national", "Hari Raya Idul Adha 1448 Hijriah") \
	H("2027-05-20", "national", "Hari Raya Waisak 2571 BE") \
	H("2027-06-01", "national", "Hari Lahir Pancasila") \
	H("2027-06-06", "national", "1 Muharam Tahun Baru Islam 1449 Hijriah") \
	H("2027-08-15", "national", "Maulid Nabi Muhammad SAW") \
	H("2027-08-17", "national", "Proklamasi Kemerdekaan") \
	LAST("2027-12-25", "national", "Kelahiran Yesus Kristus")

#define NOW NOW_SQLITE
static const char seed_sqlite[] = HOLIDAYS_SEED;
#undef NOW
#define NOW NOW_POSTGRES
static const char seed_postgres[] = HOLIDAYS_SEED;
#undef NOW
#undef H
#undef LAST

static const struct migration holidays_migrations[] = {
	{ 1, "holidays table", HOLIDAYS_TABLE, HOLIDAYS_TABLE },
	{ 2, "holidays 2026 and 2027", seed_sqlite, seed_postgres },
	{ 0 },
};

const struct module holidays_module = {
	.name = "holidays",
	.routes = holidays_routes,
	.migrations = holidays_migrations,
};
