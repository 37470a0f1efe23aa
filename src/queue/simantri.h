/* simantri.h - what the files of the queue service share: facilities and
 * their services as loaded from the database, the visit operations that the
 * JSON API and the BPJS Antrean Online interface both call (book, cancel,
 * check in, progress of a line), the counter console's moves, live events,
 * and the handlers the route table in queue.c names.
 *
 * A visit is one patient's booking or walk-in number for one poli on one
 * date; while it is at the facility it has one open entry in the line of
 * the service it waits for (registration, the poli, the pharmacy).  The
 * operations that write run inside the caller's transaction and leave the
 * rollback to it on failure.  Each appends its audit row after its last
 * row change: audit_append takes a lock every writer queues on, and a
 * transaction that held it while waiting for a row could deadlock with the
 * holder of that row waiting for the audit lock (PostgreSQL).
 */
#ifndef PENDOPO_QUEUE_SIMANTRI_H
#define PENDOPO_QUEUE_SIMANTRI_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "can.h"
#include "db.h"
#include "http.h"
#include "module.h"
#include "rules.h"

struct events;

#define FACILITY_CODE_MAX 32
#define SERVICE_CODE_MAX 10		/* BPJS kodepoli: "UMU", "INT", "GIG" */
#define NAME_MAX_LEN 120
#define REASON_MAX 200
#define BOOKING_CODE_LEN 10

struct facility {
	int64_t id, unit_id;
	const char *code, *name;
	const char *type;		/* "fktp" (puskesmas, klinik) or "fkrtl" (hospital) */
	struct booking_window window;
	int checkin_early_min;		/* the arrival window opens this long before a session */
	int late_grace_min;		/* after the booked time plus this, a check-in is late */
	bool late_refuse;		/* late: refuse, or put at the end of the line */
	struct fair_policy fair;
	int max_recalls;		/* recalls before a skip (no-show) is allowed */
	bool cuti_bersama_closed;
	bool demo;
};

enum service_kind { SVC_POLI, SVC_REGISTRATION, SVC_PHARMACY, SVC_OTHER };

struct service {
	int64_t id, facility_id;
	const char *code, *name;
	enum service_kind kind;
	const char *prefix;		/* polis only: "A" */
	int avg_service_min;		/* until the day has real service times */
	bool active;
};

/* One schedule (a poli's weekly practice session) on one date. */
struct session {
	int64_t id;			/* its q_sessions row, 0 until its first booking */
	int64_t schedule_id;
	int start_min, end_min;
	const char *doctor_code, *doctor_name;	/* NULL when none is named */
	int quota[4], left[4];		/* by enum bucket */
	int last_number;
};

/* A session's quota is split into JKN and non-JKN patients and into the
 * online and walk-in shares. */
enum bucket { JKN_ONLINE, JKN_WALKIN, NON_ONLINE, NON_WALKIN };

struct visit {
	int64_t id, facility_id, service_id, session_id, schedule_id;
	const char *code, *label, *day;
	int number;
	int32_t day_n;
	const char *nik, *card, *phone, *norm, *complaint, *channel;
	bool jkn, walkin;
	const char *priority;		/* NULL, "elderly", "disabled", "pregnant" */
	const char *status;		/* booked, checked_in, done, cancelled, noshow */
	int64_t line_key, est_at, created_at, checkin_at, poli_called_at;
	const char *note;
	int start_min, end_min;
	const char *doctor_code, *doctor_name;
};

/* Why an operation was refused: an HTTP status and code for the JSON API,
 * an English message, and the Indonesian one Mobile JKN shows its users. */
struct queue_fail {
	int status;
	const char *code;		/* "quota_full", "already_booked", ... */
	const char *field;
	const char *message;
	const char *pesan;
};

/* ---- loading -------------------------------------------------------------- */

/* DB_ROW found, DB_DONE none, < 0 error; strings in a. */
int queue_facility_find(struct db_conn *c, struct arena *a, const char *code, struct facility *f);
int queue_facility_find_id(struct db_conn *c, struct arena *a, int64_t id, struct facility *f);
int queue_service_find(struct db_conn *c, struct arena *a, int64_t facility_id, const char *code,
		       struct service *s);
int queue_service_find_id(struct db_conn *c, struct arena *a, int64_t id, struct service *s);
/* The facility by code and its service by code in one statement (one
 * round trip, for a booking): as queue_facility_find, with *has_service
 * saying whether s was filled. */
int queue_facility_service_find(struct db_conn *c, struct arena *a, const char *facility, const char *service,
				struct facility *f, struct service *s, bool *has_service);
/* The first stage of a visit at the facility: its registration service
 * when it has one, else 0 (patients go straight to the poli). */
int queue_registration_service(struct db_conn *c, int64_t facility_id, int64_t *service_id);
const char *queue_kind_name(enum service_kind k);
int queue_kind_parse(const char *s, enum service_kind *k);

/* The active sessions of a poli on a date, by start time, with what is
 * left of each quota.  0 ok, -1 error. */
int queue_sessions_of_day(struct db_conn *c, struct arena *a, int64_t service_id, int32_t day,
			  struct session **out, size_t *n);
/* Is the facility (or this poli) closed on day: a national holiday, cuti
 * bersama when the facility closes then, or an ad-hoc closure.  1 closed
 * with the reason in *reason, 0 open, -1 error. */
int queue_day_closed(struct db_conn *c, struct arena *a, const struct facility *f, int64_t service_id,
		     int32_t day, const char **reason);

int queue_visit_find(struct db_conn *c, struct arena *a, const char *code, struct visit *v);
/* The live booking of a BPJS card (or, when card is NULL, of a NIK) at a
 * poli on a date. */
int queue_visit_find_person(struct db_conn *c, struct arena *a, int64_t service_id, const char *day,
			    const char *card, const char *nik, struct visit *v);

/* ---- visits ----------------------------------------------------------------- */

struct book_in {
	const struct facility *f;
	const struct service *s;
	const char *date;		/* YYYY-MM-DD */
	int64_t schedule_id;		/* the session; 0: find it by hours */
	const char *hours;		/* "08:00-12:00" (Antrol jampraktek) */
	const char *doctor_code;	/* Antrol kodedokter, or NULL */
	const char *nik, *card, *phone, *norm, *complaint;
	const char *channel;		/* "web", "mobile_jkn", "kiosk" */
	bool walkin;
	const char *priority;		/* walk-ins: "disabled", "pregnant" or NULL */
	const struct caller *actor;
	int64_t now;
	struct regions_index *regions;	/* the register in memory, or NULL */
};

struct progress {
	int ahead;			/* patients before this one at its poli */
	int64_t estimate;		/* when it should be served (epoch s) */
	int average_s;			/* the poli's service time used */
	int total, waiting;		/* the poli's line that day */
	const char *called;		/* label called last at the poli, or NULL */
	const char *where;		/* service code of the open entry, or NULL */
	const char *where_name;
	const char *entry_status;	/* "waiting" or "called" */
	const char *counter;		/* counter name when called */
};

/* A booking in two steps.  queue_visit_check only reads: the service
 * takes bookings, the date is not past, not closed and (online) inside
 * the booking window, the NIK and card are valid, the session exists, and
 * the person has no live booking there yet.  It turns the common refusals
 * into clear messages and may run before the write transaction, so the
 * database's one writer waits for none of it.  queue_visit_take, inside the
 * write transaction, takes a number from the session's quota and records
 * the visit (walk-ins are checked in at once); the quota counter and the
 * unique indexes decide there, whatever the checks saw.  It fills *v with
 * the visit as recorded and left with what is left of each share after
 * it, so the answer needs no second read.  Both return 0, or -1 with
 * *fail (the caller then rolls back). */
struct book_plan {
	int32_t day;
	struct session session;
	const char *priority;
};
int queue_visit_check(struct db_conn *c, struct arena *a, const struct book_in *in, struct book_plan *plan,
		      struct queue_fail *fail);
int queue_visit_take(struct events *ev, struct db_conn *c, struct arena *a,
		     const struct book_in *in, const struct book_plan *plan,
		     struct visit *v, int left[4], struct queue_fail *fail);
/* Cancel a booking that has not been served yet, freeing its slot. */
int queue_visit_cancel(struct events *ev, struct db_conn *c, struct arena *a, const struct facility *f, struct visit *v,
		       const char *reason, const struct caller *actor, int64_t now, struct queue_fail *fail);
/* The same in two steps, for a closure that cancels many bookings: the
 * row changes of each, then (after all of them) the audit row of each. */
int queue_visit_cancel_rows(struct events *ev, struct db_conn *c, struct arena *a,
			    const struct facility *f, struct visit *v,
			    const char *reason, int64_t now, struct queue_fail *fail);
int queue_visit_cancel_audit(struct db_conn *c, struct arena *a, const struct visit *v, const char *reason,
			     const struct caller *actor);
/* Check in on arrival (the QR at a kiosk, or an officer).  priority may
 * flag "disabled" or "pregnant"; *late says the patient was put at the end
 * of the line for coming late. */
int queue_visit_checkin(struct events *ev, struct db_conn *c, struct arena *a,
			const struct facility *f, struct visit *v,
			const char *priority, const struct caller *actor, int64_t now, bool *late,
			struct queue_fail *fail);
int queue_visit_progress(struct db_conn *c, struct arena *a, const struct visit *v, int64_t now,
			 struct progress *p);
/* Where the live booking of a BPJS card at a poli on a date stands, in
 * one read: its label and note, the patients before it (as
 * queue_visit_progress counts them) and the label called last (NULL when
 * none).  DB_ROW, DB_DONE when the card has no live booking there, < 0. */
int queue_card_place(struct db_conn *c, struct arena *a, int64_t service_id, const char *day, const char *card,
		     const char **label, const char **note, int *ahead, const char **called);
/* A visit as the ticket page and the booking answer show it. */
json_t *queue_visit_json(struct db_conn *c, struct arena *a, const struct facility *f,
			 const struct visit *v, const struct progress *p);
/* The same for a booking just taken (not a walk-in: no task recorded
 * yet) from what queue_visit_take returned, without reading. */
json_t *queue_visit_json_booked(struct arena *a, const struct facility *f, const struct service *s,
				const struct visit *v, const int quota[4], const int left[4],
				const struct progress *p);
/* Record a BPJS task time (1..7, 99) once: the first time counts. */
int queue_visit_task(struct db_conn *c, int64_t visit_id, int task, int64_t at);

/* Left of a session's online quotas after a booking, for the answers:
 * 0 ok with the four quotas and the four left, -1 error. */
int queue_session_counts(struct db_conn *c, int64_t session_id, int quota[4], int left[4]);

/* The line of a poli on a date: visits booked or in progress, and those
 * not yet called to the poli; the label called last. */
int queue_line_counts(struct db_conn *c, struct arena *a, int64_t service_id, const char *day,
		      int64_t schedule_id, int *total, int *waiting, const char **called);

/* The average service time of a service today (moving average of the
 * day's latest finished patients), and how many counters are open on it. */
int queue_service_pace(struct db_conn *c, const struct service *s, const char *day, int *average_s,
		       int *counters);

/* Tell display boards and ticket pages: topic public/queue/<facility>/<service>. */
int queue_publish(struct events *ev, struct db_conn *c, struct arena *a, const char *facility_code,
		  const char *service_code, json_t *payload);

/* ---- small shared helpers ------------------------------------------------- */

void queue_fail_set(struct queue_fail *fail, int status, const char *code, const char *field,
		    const char *message, const char *pesan);
int queue_reply_fail(struct req *r, const struct queue_fail *fail);
/* "2026-11-30T01:40:00Z" for an epoch, in a. */
const char *queue_iso_time(struct arena *a, int64_t t);
/* Today's local date, by the service clock. */
int32_t queue_today(const struct req *r);
/* The facility of {fc} in the path; on failure the reply is set, -1. */
int queue_path_facility(struct req *r, struct facility *f);
/* The caller works at f (officer or unit head of its unit, or an admin);
 * else 403 set and -1. */
/* Working a facility's counters and reading its figures (can.h). */
extern const struct action queue_desk;
int queue_require_staff(struct req *r, const struct facility *f);
/* The caller may change f's set-up (its unit head, or an admin). */
int queue_require_manager(struct req *r, const struct facility *f);
/* One line of text, not blank, at most max characters. */
bool queue_text_ok(const char *s);
/* "3303011708450001" -> "330301********01" */
const char *queue_nik_masked(struct arena *a, const char *nik);

/* ---- handlers (route table in queue.c) ------------------------------------ */

int queue_facilities_list(struct req *r);
int queue_facility_get(struct req *r);
int queue_facility_put(struct req *r);
int queue_service_create(struct req *r);
int queue_service_update(struct req *r);
int queue_doctor_create(struct req *r);
int queue_doctor_update(struct req *r);
int queue_schedule_create(struct req *r);
int queue_schedule_delete(struct req *r);
int queue_closure_create(struct req *r);
int queue_closure_delete(struct req *r);
int queue_days(struct req *r);

int queue_booking_create(struct req *r);
int queue_booking_get(struct req *r);
int queue_bookings_mine(struct req *r);
int queue_booking_cancel(struct req *r);
int queue_booking_pdf(struct req *r);
int queue_booking_qr(struct req *r);
int queue_walkin_create(struct req *r);
int queue_checkin(struct req *r);

int queue_counters_list(struct req *r);
int queue_counter_create(struct req *r);
int queue_counter_open(struct req *r);
int queue_counter_pause(struct req *r);
int queue_counter_close(struct req *r);
int queue_counter_call(struct req *r);
int queue_counter_recall(struct req *r);
int queue_counter_skip(struct req *r);
int queue_counter_transfer(struct req *r);
int queue_counter_finish(struct req *r);
int queue_lines(struct req *r);
int queue_board(struct req *r);

int queue_stats(struct req *r);
int queue_stats_csv(struct req *r);

/* The ticket as a PDF page with the QR of url (ticket.c), in arena a;
 * NULL when out of memory.  The QR alone is core's qr_svg() (pdf.h). */
struct ticket_text {
	const char *facility, *service, *label, *date, *session, *estimate, *code, *url, *note;
};
unsigned char *queue_ticket_pdf(struct arena *a, const struct ticket_text *t, size_t *len);

/* Demo data (demo.c) and the end-of-day sweep (queue.c). */
int queue_demo_load(struct app *app, struct db_conn *c);
/* The monthly statistics into Satu Data, at most hourly (publish.c). */
void queue_stats_publish(struct app *app);

#endif
