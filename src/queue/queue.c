/* queue.c - the Simantri module: its route table, schema, the end-of-day
 * sweep, and the request helpers its handlers share.
 *
 * Times are epoch seconds of the service clock (app_now), so a test or a
 * demo started with PENDOPO_CLOCK books, checks in and calls on the day it
 * chose; service dates are local WIB dates written YYYY-MM-DD.
 */
#include "queue.h"
#include "can.h"
#include "log.h"
#include "simantri.h"

#include <stdio.h>

#include "app.h"
#include "auth.h"

/* ---- request helpers ------------------------------------------------------------- */

/* In the caller's language: the web pages send Accept-Language id or en. */
int queue_reply_fail(struct req *r, const struct queue_fail *fail)
{
	if (fail->status >= 500)
		log_error("request failed", LOG_F("module", "queue"), LOG_F("method", r->method), LOG_F("path", req_log_path(r)),
			  LOG_F("error", fail->message));
	return reply_error_lang(r, fail->status, fail->code, fail->message, fail->pesan, fail->field);
}

int32_t queue_today(const struct req *r)
{
	int32_t day;
	int minute;
	queue_wib_split(app_now(r->app), &day, &minute);
	return day;
}

int queue_path_facility(struct req *r, struct facility *f)
{
	int rc = queue_facility_find(r->db, r->arena, req_param(r, "fc"), f);
	if (rc == DB_ROW)
		return 0;
	if (rc == DB_DONE)
		reply_error(r, 404, "not_found", "no facility in Simantri has this code", NULL);
	else
		reply_db_error(r);
	return -1;
}

/* Who may work a facility's counters and read its figures, and who may
 * change its set-up. */
const struct action queue_desk = { "queue.desk", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE,
				   .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };
static const struct action queue_setup = { "queue.setup", .anywhere = ROLE_ADMIN, .in_unit = ROLE_UNIT_HEAD };

int queue_require_staff(struct req *r, const struct facility *f)
{
	if (can(&r->caller, &queue_desk, &(struct object){ .unit_id = f->unit_id }))
		return 0;
	reply_error(r, 403, "forbidden", "you do not work at this facility", NULL);
	return -1;
}

int queue_require_manager(struct req *r, const struct facility *f)
{
	if (can(&r->caller, &queue_setup, &(struct object){ .unit_id = f->unit_id }))
		return 0;
	reply_error(r, 403, "forbidden", "only the facility's head or an admin may change its set-up", NULL);
	return -1;
}

/* ---- the end-of-day sweep ---------------------------------------------------------- */

/* Close one session of a day gone by: bookings nobody checked in, and
 * patients never called to their poli, are no-shows (BPJS task 99); those
 * called there but never finished are done.  Its conditions make a second
 * run, or a run on another instance, a no-op. */
static int sweep_session(struct db_conn *c, int64_t session_id, int64_t service_id, const char *day, int64_t now)
{
	if (db_tx_begin(c) != DB_OK)
		return -1;
	int ok = db_exec(c, "UPDATE q_sessions SET gone = gone + (SELECT count(*) FROM q_visits WHERE service_id = ?"
			    " AND day = ? AND session_id = ? AND status IN ('booked', 'checked_in') AND poli_called_at IS NULL)"
			    " WHERE id = ? AND swept = 0", "isii", service_id, day, session_id, session_id) == DB_DONE &&
		 db_exec(c, "INSERT INTO q_tasks (visit_id, task, at) SELECT id, 99, ? FROM q_visits"
			    " WHERE service_id = ? AND day = ? AND session_id = ? AND status IN ('booked', 'checked_in')"
			    " AND poli_called_at IS NULL ON CONFLICT (visit_id, task) DO NOTHING",
			 "iisi", now, service_id, day, session_id) == DB_DONE &&
		 db_exec(c, "UPDATE q_visits SET status = 'noshow', ended_at = ? WHERE service_id = ? AND day = ? AND"
			    " session_id = ? AND status IN ('booked', 'checked_in') AND poli_called_at IS NULL",
			 "iisi", now, service_id, day, session_id) == DB_DONE &&
		 db_exec(c, "UPDATE q_visits SET status = 'done', ended_at = ? WHERE service_id = ? AND day = ? AND"
			    " session_id = ? AND status = 'checked_in'", "iisi", now, service_id, day, session_id) == DB_DONE &&
		 db_exec(c, "UPDATE q_entries SET status = 'noshow', finished_at = ? WHERE status = 'waiting' AND"
			    " visit_id IN (SELECT id FROM q_visits WHERE service_id = ? AND day = ? AND session_id = ?)",
			 "iisi", now, service_id, day, session_id) == DB_DONE &&
		 db_exec(c, "UPDATE q_sessions SET swept = 1 WHERE id = ?", "i", session_id) == DB_DONE;
	if (!ok || db_tx_commit(c) != DB_OK) {
		db_tx_rollback(c);
		return -1;
	}
	return 0;
}

static void queue_tick(struct app *app)
{
	int32_t today;
	int minute;
	char day[11];
	int64_t now = app_now(app);
	queue_wib_split(now, &today, &minute);
	date_format(today, day);
	struct db_conn *c = db_acquire(app->db);
	struct {
		int64_t id, service_id;
		char day[11];
	} past[64];
	size_t n = 0;
	struct db_stmt *st = db_query(c, "SELECT x.id, s.service_id, x.day FROM q_sessions x"
					 " JOIN q_schedules s ON s.id = x.schedule_id"
					 " WHERE x.swept = 0 AND x.day < ? ORDER BY x.day LIMIT 64", "s", day);
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW) {
		past[n].id = db_col_int(st, 0);
		past[n].service_id = db_col_int(st, 1);
		snprintf(past[n].day, sizeof(past[n].day), "%s", db_col_text(st, 2));
		n++;
	}
	db_done(st);
	for (size_t i = 0; rc == DB_DONE && i < n; i++)
		if (sweep_session(c, past[i].id, past[i].service_id, past[i].day, now) != 0)
			rc = DB_ERROR;
	if (rc != DB_DONE)
		log_error("end-of-day sweep failed", LOG_F("module", "queue"), LOG_F("error", db_errmsg(c)));
	db_release(app->db, c);
	queue_stats_publish(app);
}

/* ---- routes -------------------------------------------------------------------------- */

#define MANAGERS (ROLE_UNIT_HEAD | ROLE_ADMIN)
#define DESK (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_ADMIN)
/* A facility's figures: its staff and those who oversee every facility
 * (queue_desk); walidata read them as the published dataset. */
#define READERS (DESK | ROLE_REGENT_OFFICE)

static const struct field facility_fields[] = {
	{ "type", FT_STRING, 0, 8 },
	{ "booking_opens_days", FT_INT, 0, 0 },
	{ "booking_opens_at", FT_STRING, 0, 5 },
	{ "booking_closes_days", FT_INT, 0, 0 },
	{ "booking_closes_at", FT_STRING, 0, 5 },
	{ "checkin_early_min", FT_INT, 0, 0 },
	{ "late_grace_min", FT_INT, 0, 0 },
	{ "late_policy", FT_STRING, 0, 10 },
	{ "priority_every", FT_INT, 0, 0 },
	{ "priority_max_wait_min", FT_INT, 0, 0 },
	{ "max_recalls", FT_INT, 0, 0 },
	{ "cuti_bersama_closed", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct field service_create_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, SERVICE_CODE_MAX },
	{ "name", FT_STRING, FF_REQUIRED, NAME_MAX_LEN },
	{ "kind", FT_STRING, FF_REQUIRED, 16 },
	{ "prefix", FT_STRING, FF_NULLABLE, QUEUE_PREFIX_MAX },
	{ "avg_service_min", FT_INT, 0, 0 },
	{ 0 },
};

static const struct field service_update_fields[] = {
	{ "name", FT_STRING, 0, NAME_MAX_LEN },
	{ "prefix", FT_STRING, FF_NULLABLE, QUEUE_PREFIX_MAX },
	{ "avg_service_min", FT_INT, 0, 0 },
	{ "active", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct field doctor_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, 16 },
	{ "name", FT_STRING, FF_REQUIRED, NAME_MAX_LEN },
	{ 0 },
};

static const struct field doctor_update_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, NAME_MAX_LEN },
	{ 0 },
};

static const struct field schedule_fields[] = {
	{ "service", FT_STRING, FF_REQUIRED, SERVICE_CODE_MAX },
	{ "doctor", FT_STRING, FF_NULLABLE, 16 },
	{ "weekdays", FT_ARRAY, FF_REQUIRED, 0 },
	{ "start", FT_STRING, FF_REQUIRED, 5 },
	{ "end", FT_STRING, FF_REQUIRED, 5 },
	{ "quota_jkn_online", FT_INT, 0, 0 },
	{ "quota_jkn_walkin", FT_INT, 0, 0 },
	{ "quota_non_online", FT_INT, 0, 0 },
	{ "quota_non_walkin", FT_INT, 0, 0 },
	{ 0 },
};

static const struct field closure_fields[] = {
	{ "date", FT_STRING, FF_REQUIRED, 10 },
	{ "service", FT_STRING, FF_NULLABLE, SERVICE_CODE_MAX },
	{ "reason", FT_STRING, FF_REQUIRED, REASON_MAX },
	{ 0 },
};

static const struct field counter_create_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 60 },
	{ "service", FT_STRING, FF_REQUIRED, SERVICE_CODE_MAX },
	{ 0 },
};

static const struct field counter_open_fields[] = {
	{ "service", FT_STRING, 0, SERVICE_CODE_MAX },
	{ 0 },
};

static const struct field counter_pause_fields[] = {
	{ "reason", FT_STRING, FF_REQUIRED, REASON_MAX },
	{ 0 },
};

static const struct field counter_call_fields[] = {
	{ "label", FT_STRING, 0, QUEUE_LABEL_MAX },
	{ 0 },
};

static const struct field counter_transfer_fields[] = {
	{ "service", FT_STRING, FF_REQUIRED, SERVICE_CODE_MAX },
	{ 0 },
};

static const struct field booking_fields[] = {
	{ "facility", FT_STRING, FF_REQUIRED, FACILITY_CODE_MAX },
	{ "service", FT_STRING, FF_REQUIRED, SERVICE_CODE_MAX },
	{ "date", FT_STRING, FF_REQUIRED, 10 },
	{ "session", FT_INT, FF_NULLABLE, 0 },
	{ "nik", FT_STRING, FF_REQUIRED, 32 },
	{ "card", FT_STRING, FF_NULLABLE, 32 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "complaint", FT_STRING, FF_NULLABLE, REASON_MAX },
	{ 0 },
};

static const struct field cancel_fields[] = {
	{ "reason", FT_STRING, FF_NULLABLE, REASON_MAX },
	{ 0 },
};

static const struct field walkin_fields[] = {
	{ "service", FT_STRING, FF_REQUIRED, SERVICE_CODE_MAX },
	{ "nik", FT_STRING, FF_NULLABLE, 32 },
	{ "card", FT_STRING, FF_NULLABLE, 32 },
	{ "phone", FT_STRING, FF_NULLABLE, 32 },
	{ "priority", FT_STRING, FF_NULLABLE, 16 },
	{ 0 },
};

static const struct field checkin_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, 32 },
	{ "priority", FT_STRING, FF_NULLABLE, 16 },
	{ 0 },
};

static const struct route queue_routes[] = {
	{ "GET", "/api/queue/facilities", queue_facilities_list, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/queue/facilities/{fc}", queue_facility_get, ROLE_PUBLIC, NULL, 0 },
	{ "PUT", "/api/queue/facilities/{fc}", queue_facility_put, MANAGERS, facility_fields, 0 },
	{ "POST", "/api/queue/facilities/{fc}/services", queue_service_create, MANAGERS, service_create_fields, 0 },
	{ "PATCH", "/api/queue/facilities/{fc}/services/{svc}", queue_service_update, MANAGERS, service_update_fields, 0 },
	{ "GET", "/api/queue/facilities/{fc}/services/{svc}/days", queue_days, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/queue/facilities/{fc}/doctors", queue_doctor_create, MANAGERS, doctor_fields, 0 },
	{ "PATCH", "/api/queue/facilities/{fc}/doctors/{code}", queue_doctor_update, MANAGERS, doctor_update_fields, 0 },
	{ "POST", "/api/queue/facilities/{fc}/schedules", queue_schedule_create, MANAGERS, schedule_fields, 0 },
	{ "DELETE", "/api/queue/facilities/{fc}/schedules/{id}", queue_schedule_delete, MANAGERS, NULL, 0 },
	{ "POST", "/api/queue/facilities/{fc}/closures", queue_closure_create, MANAGERS, closure_fields, 0 },
	{ "DELETE", "/api/queue/facilities/{fc}/closures/{id}", queue_closure_delete, MANAGERS, NULL, 0 },
	{ "GET", "/api/queue/facilities/{fc}/counters", queue_counters_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/queue/facilities/{fc}/counters", queue_counter_create, MANAGERS, counter_create_fields, 0 },
	{ "GET", "/api/queue/facilities/{fc}/board", queue_board, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "GET", "/api/queue/facilities/{fc}/lines", queue_lines, DESK | ROLE_REGENT_OFFICE, NULL, 0 },
	{ "POST", "/api/queue/facilities/{fc}/walkins", queue_walkin_create, DESK, walkin_fields, 0 },
	{ "POST", "/api/queue/facilities/{fc}/checkin", queue_checkin, DESK, checkin_fields, 0 },
	{ "GET", "/api/queue/facilities/{fc}/stats", queue_stats, READERS, NULL, 0 },
	{ "GET", "/api/queue/facilities/{fc}/stats.csv", queue_stats_csv, READERS, NULL, 0 },
	{ "POST", "/api/queue/bookings", queue_booking_create, ROLE_PUBLIC, booking_fields, RF_NO_TX },
	{ "GET", "/api/queue/bookings/mine", queue_bookings_mine, ROLE_ANY_USER, NULL, 0 },
	{ "GET", "/api/queue/bookings/{code}", queue_booking_get, ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "POST", "/api/queue/bookings/{code}/cancel", queue_booking_cancel, ROLE_PUBLIC, cancel_fields, RF_SECRET_PATH },
	{ "GET", "/api/queue/bookings/{code}/ticket.pdf", queue_booking_pdf, ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "GET", "/api/queue/bookings/{code}/qr.svg", queue_booking_qr, ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "POST", "/api/queue/counters/{id}/open", queue_counter_open, DESK, counter_open_fields, 0 },
	{ "POST", "/api/queue/counters/{id}/pause", queue_counter_pause, DESK, counter_pause_fields, 0 },
	{ "POST", "/api/queue/counters/{id}/close", queue_counter_close, DESK, NULL, 0 },
	{ "POST", "/api/queue/counters/{id}/call", queue_counter_call, DESK, counter_call_fields, 0 },
	{ "POST", "/api/queue/counters/{id}/recall", queue_counter_recall, DESK, NULL, 0 },
	{ "POST", "/api/queue/counters/{id}/skip", queue_counter_skip, DESK, NULL, 0 },
	{ "POST", "/api/queue/counters/{id}/transfer", queue_counter_transfer, DESK, counter_transfer_fields, 0 },
	{ "POST", "/api/queue/counters/{id}/finish", queue_counter_finish, DESK, NULL, 0 },
	{ 0 },
};

/* ---- schema ---------------------------------------------------------------------------- */

#define QUOTAS(p) \
	" " p "jkn_online INTEGER NOT NULL CHECK (" p "jkn_online >= 0)," \
	" " p "jkn_walkin INTEGER NOT NULL CHECK (" p "jkn_walkin >= 0)," \
	" " p "non_online INTEGER NOT NULL CHECK (" p "non_online >= 0)," \
	" " p "non_walkin INTEGER NOT NULL CHECK (" p "non_walkin >= 0),"

/* One text for both dialects: ID is the key column, BIG a 64-bit integer.
 * Times are epoch seconds; days are local dates YYYY-MM-DD. */
#define QUEUE_SCHEMA(ID, BIG) \
	"CREATE TABLE q_facilities (" ID ", unit_id " BIG " NOT NULL UNIQUE REFERENCES org_units (id)," \
	" code TEXT NOT NULL UNIQUE, type TEXT NOT NULL CHECK (type IN ('fktp', 'fkrtl'))," \
	" open_days INTEGER NOT NULL, open_minute INTEGER NOT NULL, close_days INTEGER NOT NULL," \
	" close_minute INTEGER NOT NULL, checkin_early_min INTEGER NOT NULL, late_grace_min INTEGER NOT NULL," \
	" late_policy TEXT NOT NULL CHECK (late_policy IN ('requeue', 'refuse')), priority_every INTEGER NOT NULL," \
	" priority_max_wait_min INTEGER NOT NULL, max_recalls INTEGER NOT NULL, cuti_bersama_closed INTEGER NOT NULL," \
	" calls INTEGER NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL);" \
	"CREATE TABLE q_services (" ID ", facility_id " BIG " NOT NULL REFERENCES q_facilities (id)," \
	" code TEXT NOT NULL, name TEXT NOT NULL," \
	" kind TEXT NOT NULL CHECK (kind IN ('poli', 'registration', 'pharmacy', 'other')), prefix TEXT," \
	" avg_service_min INTEGER NOT NULL CHECK (avg_service_min BETWEEN 1 AND 240)," \
	" active INTEGER NOT NULL DEFAULT 1, UNIQUE (facility_id, code), UNIQUE (facility_id, prefix));" \
	"CREATE TABLE q_doctors (" ID ", facility_id " BIG " NOT NULL REFERENCES q_facilities (id)," \
	" code TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (facility_id, code));" \
	"CREATE TABLE q_schedules (" ID ", service_id " BIG " NOT NULL REFERENCES q_services (id)," \
	" doctor_id " BIG " REFERENCES q_doctors (id), weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6)," \
	" start_min INTEGER NOT NULL, end_min INTEGER NOT NULL," QUOTAS("quota_") \
	" active INTEGER NOT NULL DEFAULT 1, CHECK (start_min >= 0 AND end_min > start_min AND end_min <= 1440));" \
	"CREATE UNIQUE INDEX q_schedules_slot ON q_schedules (service_id, weekday, start_min) WHERE active = 1;" \
	/* A session's quota counters: taken by UPDATE ... WHERE left > 0. */ \
	"CREATE TABLE q_sessions (" ID ", schedule_id " BIG " NOT NULL REFERENCES q_schedules (id)," \
	" day TEXT NOT NULL," QUOTAS("left_") " last_number INTEGER NOT NULL DEFAULT 0, UNIQUE (schedule_id, day));" \
	"CREATE TABLE q_visits (" ID ", code TEXT NOT NULL UNIQUE," \
	" facility_id " BIG " NOT NULL REFERENCES q_facilities (id), service_id " BIG " NOT NULL REFERENCES q_services (id)," \
	" session_id " BIG " NOT NULL REFERENCES q_sessions (id), day TEXT NOT NULL, number INTEGER NOT NULL," \
	" label TEXT NOT NULL, nik TEXT, card TEXT, phone TEXT, norm TEXT, complaint TEXT, channel TEXT NOT NULL," \
	" jkn INTEGER NOT NULL, walkin INTEGER NOT NULL, priority TEXT," \
	" status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'done', 'cancelled', 'noshow'))," \
	" line_key " BIG " NOT NULL, est_at " BIG " NOT NULL, user_id " BIG " REFERENCES users (id), note TEXT," \
	" created_at " BIG " NOT NULL, checkin_at " BIG ", poli_called_at " BIG ", ended_at " BIG ");" \
	/* The rules no code path may break: one number per session, one live \
	 * booking per person per poli per date. */ \
	"CREATE UNIQUE INDEX q_visits_number ON q_visits (service_id, day, session_id, number);" \
	"CREATE UNIQUE INDEX q_visits_nik ON q_visits (service_id, day, nik) WHERE status <> 'cancelled';" \
	"CREATE UNIQUE INDEX q_visits_card ON q_visits (service_id, day, card) WHERE status <> 'cancelled';" \
	"CREATE INDEX q_visits_line ON q_visits (service_id, day, line_key);" \
	"CREATE INDEX q_visits_facility ON q_visits (facility_id, day);" \
	"CREATE INDEX q_visits_status ON q_visits (status, day);" \
	"CREATE TABLE q_entries (" ID ", visit_id " BIG " NOT NULL REFERENCES q_visits (id)," \
	" service_id " BIG " NOT NULL REFERENCES q_services (id), day TEXT NOT NULL, line_key " BIG " NOT NULL," \
	" priority INTEGER NOT NULL," \
	" status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'done', 'moved', 'noshow', 'cancelled'))," \
	" counter_id " BIG ", recalls INTEGER NOT NULL DEFAULT 0, call_seq INTEGER, queued_at " BIG " NOT NULL," \
	" called_at " BIG ", finished_at " BIG ");" \
	"CREATE UNIQUE INDEX q_entries_open ON q_entries (visit_id) WHERE status IN ('waiting', 'called');" \
	"CREATE INDEX q_entries_line ON q_entries (service_id, day, status, priority, line_key);" \
	"CREATE TABLE q_counters (" ID ", facility_id " BIG " NOT NULL REFERENCES q_facilities (id)," \
	" name TEXT NOT NULL, service_id " BIG " NOT NULL REFERENCES q_services (id)," \
	" status TEXT NOT NULL CHECK (status IN ('closed', 'open', 'paused')), pause_reason TEXT," \
	" entry_id " BIG " UNIQUE REFERENCES q_entries (id), updated_at " BIG " NOT NULL, UNIQUE (facility_id, name));" \
	"CREATE TABLE q_lines (service_id " BIG " NOT NULL REFERENCES q_services (id), day TEXT NOT NULL," \
	" normal_run INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (service_id, day));" \
	"CREATE TABLE q_closures (" ID ", facility_id " BIG " NOT NULL REFERENCES q_facilities (id)," \
	" service_id " BIG " REFERENCES q_services (id), day TEXT NOT NULL, reason TEXT NOT NULL," \
	" created_at " BIG " NOT NULL);" \
	"CREATE UNIQUE INDEX q_closures_day ON q_closures (facility_id, day, COALESCE(service_id, 0));" \
	"CREATE TABLE q_tasks (visit_id " BIG " NOT NULL REFERENCES q_visits (id)," \
	" task INTEGER NOT NULL CHECK (task IN (1, 2, 3, 4, 5, 6, 7, 99)), at " BIG " NOT NULL," \
	" PRIMARY KEY (visit_id, task));"

/* Reads that must not grow with the day, and writes that must stay small.
 * Every index on q_visits is written by every booking, and on SQLite a
 * booking's cost is mostly the pages its commit appends to the log: the
 * facility and status indexes go (queries reach visits through their
 * services, the sweep through the sessions not yet swept), and the person
 * indexes leave out rows without a NIK or card.  A session counts the
 * visits that left its line - cancelled, called to their poli, or gone
 * without being called (no-show, finished elsewhere) - so a line's length
 * is read from its sessions rather than counted, and the line's row keeps
 * the label called last. */
#define LEANER_READS \
	"DROP INDEX q_visits_facility;" \
	"DROP INDEX q_visits_status;" \
	"DROP INDEX q_visits_nik;" \
	"DROP INDEX q_visits_card;" \
	"DROP INDEX q_visits_line;" \
	"CREATE UNIQUE INDEX q_visits_nik ON q_visits (service_id, day, nik)" \
	" WHERE status <> 'cancelled' AND nik IS NOT NULL;" \
	"CREATE UNIQUE INDEX q_visits_card ON q_visits (service_id, day, card)" \
	" WHERE status <> 'cancelled' AND card IS NOT NULL;" \
	"CREATE INDEX q_visits_line ON q_visits (service_id, day, line_key, status, poli_called_at);" \
	"CREATE INDEX q_entries_finished ON q_entries (service_id, day, finished_at) WHERE finished_at IS NOT NULL;" \
	"ALTER TABLE q_sessions ADD COLUMN swept INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE q_sessions ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE q_sessions ADD COLUMN called INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE q_sessions ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;" \
	"UPDATE q_sessions SET" \
	" cancelled = (SELECT count(*) FROM q_visits v WHERE v.session_id = q_sessions.id AND v.status = 'cancelled')," \
	" called = (SELECT count(*) FROM q_visits v WHERE v.session_id = q_sessions.id AND v.status <> 'cancelled'" \
	" AND v.poli_called_at IS NOT NULL)," \
	" gone = (SELECT count(*) FROM q_visits v WHERE v.session_id = q_sessions.id" \
	" AND v.status IN ('done', 'noshow') AND v.poli_called_at IS NULL);" \
	"CREATE INDEX q_sessions_unswept ON q_sessions (day) WHERE swept = 0;" \
	"ALTER TABLE q_lines ADD COLUMN called_label TEXT;"

static const struct migration queue_migrations[] = {
	{ 1, "Simantri facilities, sessions, visits, lines and counters",
	  QUEUE_SCHEMA("id INTEGER PRIMARY KEY", "INTEGER"),
	  QUEUE_SCHEMA("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 2, "line lengths kept on sessions; leaner visit indexes; end-of-day sweep by session",
	  LEANER_READS, LEANER_READS },
	/* A patient's tickets across devices (GET /api/queue/bookings/mine). */
	{ 3, "visits by the patient's account",
	  "CREATE INDEX q_visits_user ON q_visits (user_id, day) WHERE user_id IS NOT NULL;",
	  "CREATE INDEX q_visits_user ON q_visits (user_id, day) WHERE user_id IS NOT NULL;" },
	{ 0 },
};

/* Counter work is for those who oversee every facility and for staff of a
 * unit that runs one. */
static bool runs_a_facility(struct req *r)
{
	static const struct action everywhere = { "queue.everywhere", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE };
	if (can(&r->caller, &everywhere, NULL))
		return true;
	int64_t units[8], found = 0;
	int n = (int)caller_units(&r->caller, ROLE_OFFICER | ROLE_UNIT_HEAD, units, 8);
	const char *ids = n ? db_ids_text(r->arena, units, n) : NULL;
	return ids && db_query_int(r->db, &found, arena_printf(r->arena, "SELECT count(*) FROM q_facilities WHERE unit_id IN %s",
							       db_ids_sql(db_conn_dialect(r->db))), "s", ids) == DB_ROW && found > 0;
}

/* Who may work a counter or check patients in (the DESK routes). */
static const struct action queue_counter_work = { "queue.counter_work", .anywhere = ROLE_ADMIN,
						  .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };

static const struct tool queue_tools[] = {
	{ "/antrean/loket.html", "Loket antrean", "Queue counter", &queue_counter_work, runs_a_facility, 1 },
	{ "/antrean/kiosk.html", "Check-in pasien", "Patient check-in", &queue_counter_work, runs_a_facility, 1 },
	{ "/antrean/atur.html", "Pengaturan antrean", "Queue settings", &queue_setup, runs_a_facility, 3 },
	{ 0 },
};

const struct module queue_module = {
	.name = "queue",
	.routes = queue_routes,
	.tools = queue_tools,
	.migrations = queue_migrations,
	.demo_load = queue_demo_load,
	.tick = queue_tick,
};
