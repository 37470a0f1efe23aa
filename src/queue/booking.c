/* booking.c - the patient's side of Simantri through the JSON API: book a
 * number, follow the ticket, print it, cancel it; and the facility's front
 * desk: walk-in numbers and check-in.
 *
 * A booking code is the patient's secret: whoever holds it sees the ticket
 * (with the NIK masked) and may cancel it, as with a paper ticket.
 */
#include "simantri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "pdf.h"
#include "phone.h"

/* The booking of {code} in the path (typed in any case); on failure the
 * reply is set and -1 returned. */
static int path_visit(struct req *r, struct visit *v, struct facility *f)
{
	char code[BOOKING_CODE_LEN + 1];
	const char *p = req_param(r, "code");
	size_t n = strlen(p);
	if (n != BOOKING_CODE_LEN)
		return reply_error(r, 404, "not_found", "no booking has this code", NULL), -1;
	for (size_t i = 0; i < n; i++)
		code[i] = (char)(p[i] >= 'a' && p[i] <= 'z' ? p[i] - ('a' - 'A') : p[i]);
	code[n] = '\0';
	int rc = queue_visit_find(r->db, r->arena, code, v);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no booking has this code", NULL), -1;
	if (rc != DB_ROW || queue_facility_find_id(r->db, r->arena, v->facility_id, f) != DB_ROW)
		return reply_db_error(r), -1;
	return 0;
}

/* {"booking": ...}, with where it stands now when live (a new booking for
 * a later day answers with its booked time instead, and no count of its
 * line). */
static int reply_visit(struct req *r, int status, const struct facility *f, const struct visit *v, bool live,
		       json_t *extra)
{
	struct progress p;
	json_t *j = NULL;
	if (!live)
		j = queue_visit_json(r->db, r->arena, f, v, NULL);
	else if (queue_visit_progress(r->db, r->arena, v, app_now(r->app), &p) == 0)
		j = queue_visit_json(r->db, r->arena, f, v, &p);
	if (!j) {
		json_decref(extra);
		return reply_db_error(r);
	}
	json_t *body = json_pack("{s:o}", "booking", j);
	if (extra)
		json_object_update(body, extra);
	json_decref(extra);
	return reply_json(r, status, body);
}

/* f's service by code; on failure the reply is set. */
static int find_service(struct req *r, const struct facility *f, const char *code, struct service *s)
{
	int rc = queue_service_find(r->db, r->arena, f->id, code, s);
	if (rc == DB_DONE)
		return reply_error(r, 400, "invalid", "service is not the code of a poli of this facility", "service"), -1;
	if (rc != DB_ROW)
		return reply_db_error(r), -1;
	return 0;
}

/* A walk-in number inside the request's transaction: the checks, the
 * number, the visit as recorded.  On failure the reply is set, -1. */
static int book_in_tx(struct req *r, const struct book_in *in, struct visit *v)
{
	struct book_plan plan;
	struct queue_fail fail;
	int left[4];
	if (queue_visit_check(r->db, r->arena, in, &plan, &fail) != 0 ||
	    queue_visit_take(r->app->events, r->db, r->arena, in, &plan, v, left, &fail) != 0)
		return queue_reply_fail(r, &fail), -1;
	return 0;
}

/* The patient's phone in E.164, NULL when not given; 1 with a 400 reply
 * when it is no number. */
static int phone_taken(struct req *r, const char **phone)
{
	if (!*phone || !**phone) {
		*phone = NULL;
		return 0;
	}
	if (!(*phone = phone_e164(r->arena, *phone)))
		return reply_error_lang(r, 400, "invalid", "phone must be a number such as 0812 3456 7890, or + with the "
					"country code", "Nomor HP harus berupa nomor seperti 0812 3456 7890, atau + dengan "
					"kode negara.", "phone"), 1;
	return 0;
}

/* POST /api/queue/bookings {facility, service, date, session?, nik, card?,
 * phone?, complaint?}.  The checks read outside the write transaction;
 * only taking the number holds the database's writer (see
 * queue_visit_check). */
int queue_booking_create(struct req *r)
{
	struct facility f;
	struct service s;
	struct visit v;
	struct queue_fail fail;
	struct book_plan plan;
	struct progress p;
	int left[4];
	bool has_service;
	int rc = queue_facility_service_find(r->db, r->arena, body_str(r, "facility"), body_str(r, "service"), &f, &s,
					     &has_service);
	if (rc == DB_DONE)
		return reply_error(r, 400, "invalid", "facility is not the code of a facility in Simantri", "facility");
	if (rc != DB_ROW)
		return reply_db_error(r);
	if (!has_service)
		return reply_error(r, 400, "invalid", "service is not the code of a poli of this facility", "service");
	const char *complaint = body_str(r, "complaint");
	if (complaint && *complaint && !queue_text_ok(complaint))
		return reply_error(r, 400, "invalid", "complaint must be one line of text", "complaint");
	json_t *session = json_object_get(r->body, "session");
	struct book_in in = {
		.f = &f, .s = &s, .date = body_str(r, "date"),
		.schedule_id = json_is_integer(session) ? (int64_t)json_integer_value(session) : 0,
		.nik = body_str(r, "nik"), .card = body_str(r, "card"), .phone = body_str(r, "phone"),
		.complaint = complaint && *complaint ? complaint : NULL, .channel = "web",
		.actor = &r->caller, .now = app_now(r->app), .regions = r->app->regions,
	};
	if (in.card && !*in.card)
		in.card = NULL;
	if (phone_taken(r, &in.phone))
		return 0;
	if (queue_visit_check(r->db, r->arena, &in, &plan, &fail) != 0)
		return queue_reply_fail(r, &fail);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_error(r, 503, "busy", "the database is busy, please retry", NULL);
	if (queue_visit_take(r->app->events, r->db, r->arena, &in, &plan, &v, left, &fail) != 0) {
		db_tx_rollback(r->db);
		return queue_reply_fail(r, &fail);
	}
	if (db_tx_commit(r->db) != DB_OK)
		return reply_error(r, 503, "busy", "the booking could not be saved, please retry", NULL);
	/* Once the day has started its slot times drift from the pace of the
	 * day, so the answer gives the estimate the ticket page shows. */
	bool live = v.day_n == queue_today(r);
	if (live && queue_visit_progress(r->db, r->arena, &v, app_now(r->app), &p) != 0)
		return reply_db_error(r);
	json_t *j = queue_visit_json_booked(r->arena, &f, &s, &v, plan.session.quota, left, live ? &p : NULL);
	if (!j)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:o}", "booking", j));
}

/* GET /api/queue/bookings/{code} */
int queue_booking_get(struct req *r)
{
	struct visit v;
	struct facility f;
	if (path_visit(r, &v, &f))
		return 0;
	return reply_visit(r, 200, &f, &v, true, NULL);
}

/* GET /api/queue/bookings/mine: the tickets the signed-in patient booked,
 * from any device (the browser's own list holds only its own), the latest
 * day first: today's and later ones, and the last 30 days'. */
int queue_bookings_mine(struct req *r)
{
	char since[11];
	date_format(queue_today(r) - 30, since);
	struct db_stmt *st = db_query(r->db, "SELECT code FROM q_visits WHERE user_id = ? AND day >= ? "
					     "ORDER BY day DESC, id DESC LIMIT 50", "is", r->caller.user_id, since);
	const char **codes = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while (st && (rc = db_step(st)) == DB_ROW) {
		const char **c = ARENA_PUSH(r->arena, codes, n, cap);
		if (!c || !(*c = arena_strdup(r->arena, db_col_text(st, 0)))) {
			rc = DB_ERROR;
			break;
		}
	}
	db_done(st);
	if (!st || rc != DB_DONE)
		return reply_db_error(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct visit v;
		struct facility f;
		json_t *j = NULL;
		if (queue_visit_find(r->db, r->arena, codes[i], &v) == DB_ROW &&
		    queue_facility_find_id(r->db, r->arena, v.facility_id, &f) == DB_ROW)
			j = queue_visit_json(r->db, r->arena, &f, &v, NULL);
		if (!j) {
			json_decref(items);
			return reply_db_error(r);
		}
		json_array_append_new(items, j);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/queue/bookings/{code}/cancel {reason?} */
int queue_booking_cancel(struct req *r)
{
	struct visit v;
	struct facility f;
	struct queue_fail fail;
	const char *reason = body_str(r, "reason");
	if (path_visit(r, &v, &f))
		return 0;
	if (reason && *reason && !queue_text_ok(reason))
		return reply_error(r, 400, "invalid", "reason must be one line of text", "reason");
	if (queue_visit_cancel(r->app->events, r->db, r->arena, &f, &v, reason && *reason ? reason : NULL, &r->caller,
			       app_now(r->app), &fail) != 0)
		return queue_reply_fail(r, &fail);
	return reply_visit(r, 200, &f, &v, true, NULL);
}

static const char *ticket_url(struct req *r, const struct visit *v)
{
	const char *base = r->app->cfg.base_url ? r->app->cfg.base_url : "";
	size_t n = strlen(base);
	return arena_printf(r->arena, "%.*s/antrean/tiket.html?kode=%s", (int)(n && base[n - 1] == '/' ? n - 1 : n),
			    base, v->code);
}

/* GET /api/queue/bookings/{code}/ticket.pdf: the printable ticket, its QR
 * holding the ticket page's address (a phone opens it, a kiosk reads the
 * code from it). */
int queue_booking_pdf(struct req *r)
{
	struct visit v;
	struct facility f;
	struct service s;
	if (path_visit(r, &v, &f))
		return 0;
	if (queue_service_find_id(r->db, r->arena, v.service_id, &s) != DB_ROW)
		return reply_db_error(r);
	char start[6], end[6], est[6];
	int32_t d;
	int m;
	queue_minute_format(v.start_min, start);
	queue_minute_format(v.end_min, end);
	queue_wib_split(v.est_at, &d, &m);
	queue_minute_format(m, est);
	struct ticket_text t = {
		.facility = f.name, .service = s.name, .label = v.label, .date = v.day,
		.session = arena_printf(r->arena, "%s-%s WIB", start, end),
		.estimate = arena_printf(r->arena, "%s WIB", est), .code = v.code, .url = ticket_url(r, &v),
		.note = strcmp(v.status, "cancelled") == 0 ? "DIBATALKAN / CANCELLED" : NULL,
	};
	size_t len;
	unsigned char *pdf = queue_ticket_pdf(r->arena, &t, &len);
	if (!pdf)
		return reply_error(r, 500, "internal", "the ticket could not be drawn", NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"antrean-%s.pdf\"", v.code));
	reply_header(r, "Cache-Control", "no-store");
	return reply_text(r, 200, "application/pdf", (const char *)pdf, len);
}

/* GET /api/queue/bookings/{code}/qr.svg: the ticket's QR for its page. */
int queue_booking_qr(struct req *r)
{
	struct visit v;
	struct facility f;
	if (path_visit(r, &v, &f))
		return 0;
	size_t len;
	char *svg = qr_svg(r->arena, ticket_url(r, &v), &len);
	if (!svg)
		return reply_error(r, 500, "internal", "the QR code could not be drawn", NULL);
	reply_header(r, "Cache-Control", "no-store");
	return reply_text(r, 200, "image/svg+xml", svg, len);
}

/* POST /api/queue/facilities/{fc}/walkins {service, nik?, card?, phone?,
 * priority?}: a number from today's walk-in share, checked in at once. */
int queue_walkin_create(struct req *r)
{
	struct facility f;
	struct service s;
	struct visit v;
	if (queue_path_facility(r, &f) || queue_require_staff(r, &f) || find_service(r, &f, body_str(r, "service"), &s))
		return 0;
	const char *priority = body_str(r, "priority");
	if (priority && strcmp(priority, "disabled") != 0 && strcmp(priority, "pregnant") != 0 &&
	    strcmp(priority, "elderly") != 0)
		return reply_error(r, 400, "invalid", "priority must be elderly, disabled or pregnant", "priority");
	char today[11];
	date_format(queue_today(r), today);
	struct book_in in = {
		.f = &f, .s = &s, .date = today, .nik = body_str(r, "nik"), .card = body_str(r, "card"),
		.phone = body_str(r, "phone"), .channel = "walkin", .walkin = true, .priority = priority,
		.actor = &r->caller, .now = app_now(r->app), .regions = r->app->regions,
	};
	if (in.nik && !*in.nik)
		in.nik = NULL;
	if (in.card && !*in.card)
		in.card = NULL;
	if (phone_taken(r, &in.phone))
		return 0;
	if (book_in_tx(r, &in, &v) != 0)
		return 0;
	return reply_visit(r, 201, &f, &v, true, NULL);
}

/* POST /api/queue/facilities/{fc}/checkin {code, priority?}: the QR read at
 * the kiosk, or the code typed by an officer. */
int queue_checkin(struct req *r)
{
	struct facility f;
	struct visit v;
	struct queue_fail fail;
	bool late;
	if (queue_path_facility(r, &f) || queue_require_staff(r, &f))
		return 0;
	char code[BOOKING_CODE_LEN + 1];
	const char *given = body_str(r, "code");
	size_t n = strlen(given);
	for (size_t i = 0; i < n && i < BOOKING_CODE_LEN; i++)
		code[i] = (char)(given[i] >= 'a' && given[i] <= 'z' ? given[i] - ('a' - 'A') : given[i]);
	code[n < BOOKING_CODE_LEN ? n : BOOKING_CODE_LEN] = '\0';
	int rc = n == BOOKING_CODE_LEN ? queue_visit_find(r->db, r->arena, code, &v) : DB_DONE;
	if (rc == DB_ROW && v.facility_id != f.id)
		rc = DB_DONE;
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no booking of this facility has this code", "code");
	if (rc != DB_ROW)
		return reply_db_error(r);
	if (queue_visit_checkin(r->app->events, r->db, r->arena, &f, &v, body_str(r, "priority"), &r->caller,
				app_now(r->app), &late, &fail))
		return queue_reply_fail(r, &fail);
	return reply_visit(r, 200, &f, &v, true, json_pack("{s:b, s:s?}", "late", late,
						      "message", late ? "late: placed at the end of the line" : NULL));
}
