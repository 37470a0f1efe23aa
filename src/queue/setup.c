/* setup.c - a facility's set-up: its booking rules, services (polis with
 * their BPJS poli code, registration, pharmacy), doctors, weekly practice
 * sessions with their quotas, closures; and the calendar patients book
 * from.
 *
 * A facility is an org unit (a puskesmas or a hospital) that takes part in
 * Simantri; its admin or unit head sets it up.  Schedules are never edited
 * in place, only retired and added, so the sessions already booked keep
 * the quotas they were booked under.
 */
#include "simantri.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "orgs.h"
#include "util.h"

#define DAYS_MAX 31

/* ---- checks ------------------------------------------------------------------- */

/* Codes: 2 to 10 capitals or digits (BPJS poli codes are three letters). */
static bool code_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n < 2 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static int check_int(struct req *r, const char *field, long min, long max, int *out)
{
	json_t *v = json_object_get(r->body, field);
	if (!v)
		return 0;
	json_int_t n = json_integer_value(v);
	if (n < min || n > max) {
		reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be from %ld to %ld", field, min, max), field);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* "06:00" in the body as minutes of the day. */
static int check_clock(struct req *r, const char *field, int *out)
{
	const char *s = body_str(r, field);
	if (!s)
		return 0;
	int m = queue_minute_parse(s);
	if (m < 0) {
		reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be a time written HH:MM", field), field);
		return -1;
	}
	*out = m;
	return 0;
}

static json_t *facility_json(const struct facility *f)
{
	char opens[6], closes[6];
	queue_minute_format(f->window.open_minute, opens);
	queue_minute_format(f->window.close_minute, closes);
	return json_pack("{s:s, s:s, s:s, s:b, s:{s:i, s:s, s:i, s:s, s:i, s:i, s:s, s:i, s:i, s:i, s:b}}",
			 "code", f->code, "name", f->name, "type", f->type, "demo", f->demo, "settings",
			 "booking_opens_days", f->window.open_days, "booking_opens_at", opens,
			 "booking_closes_days", f->window.close_days, "booking_closes_at", closes,
			 "checkin_early_min", f->checkin_early_min, "late_grace_min", f->late_grace_min,
			 "late_policy", f->late_refuse ? "refuse" : "requeue",
			 "priority_every", f->fair.every, "priority_max_wait_min", f->fair.max_overtake_s / 60,
			 "max_recalls", f->max_recalls, "cuti_bersama_closed", f->cuti_bersama_closed);
}

static json_t *service_json(const struct service *s)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:i, s:b}", "code", s->code, "name", s->name,
			 "kind", queue_kind_name(s->kind), "prefix", s->prefix,
			 "avg_service_min", s->avg_service_min, "active", s->active);
}

static int audit_facility(struct req *r, const struct facility *f, const char *action, json_t *details)
{
	int rc = audit_append(r->db, &r->caller, action, arena_printf(r->arena, "queue:%s", f->code), details);
	json_decref(details);
	return rc;
}

/* ---- facilities ------------------------------------------------------------------ */

/* GET /api/queue/facilities: every facility in Simantri with its polis. */
int queue_facilities_list(struct req *r)
{
	struct db_stmt *st = db_query(r->db, "SELECT code FROM q_facilities ORDER BY type DESC, code", "");
	if (!st)
		return reply_db_error(r);
	/* A regency has a few dozen facilities. */
	const char *codes[512];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < sizeof(codes) / sizeof(codes[0]))
		codes[n++] = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	json_t *items = json_array();
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		struct facility f;
		if (queue_facility_find(r->db, r->arena, codes[i], &f) != DB_ROW) {
			rc = DB_ERROR;
			break;
		}
		json_t *polis = json_array();
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o}", "code", f.code, "name", f.name,
						       "type", f.type, "polis", polis));
		st = db_query(r->db, "SELECT code, name FROM q_services WHERE facility_id = ? AND kind = 'poli' AND "
				     "active = 1 ORDER BY name", "i", f.id);
		rc = st ? DB_ROW : DB_ERROR;
		while (st && (rc = db_step(st)) == DB_ROW)
			json_array_append_new(polis, json_pack("{s:s, s:s}", "code", db_col_text(st, 0),
							       "name", db_col_text(st, 1)));
		db_done(st);
	}
	if (rc < 0) {
		json_decref(items);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/queue/facilities/{fc}: set-up, services, doctors, sessions and
 * the closures to come. */
int queue_facility_get(struct req *r)
{
	struct facility f;
	if (queue_path_facility(r, &f))
		return 0;
	json_t *j = facility_json(&f), *services = json_array(), *doctors = json_array();
	json_t *schedules = json_array(), *closures = json_array();
	json_object_set_new(j, "services", services);
	json_object_set_new(j, "doctors", doctors);
	json_object_set_new(j, "schedules", schedules);
	json_object_set_new(j, "closures", closures);
	int rc = DB_DONE;

	struct db_stmt *st = db_query(r->db, "SELECT id FROM q_services WHERE facility_id = ? ORDER BY kind DESC, code",
				      "i", f.id);
	int64_t ids[64];
	size_t n = 0;
	while (st && (rc = db_step(st)) == DB_ROW && n < sizeof(ids) / sizeof(ids[0]))
		ids[n++] = db_col_int(st, 0);
	db_done(st);
	for (size_t i = 0; st && rc >= 0 && i < n; i++) {
		struct service s;
		rc = queue_service_find_id(r->db, r->arena, ids[i], &s);
		if (rc == DB_ROW)
			json_array_append_new(services, service_json(&s));
	}

	st = st && rc >= 0 ? db_query(r->db, "SELECT code, name FROM q_doctors WHERE facility_id = ? ORDER BY name",
				      "i", f.id) : NULL;
	while (st && (rc = db_step(st)) == DB_ROW)
		json_array_append_new(doctors, json_pack("{s:s, s:s}", "code", db_col_text(st, 0), "name", db_col_text(st, 1)));
	db_done(st);

	st = st && rc >= 0 ? db_query(r->db,
		"SELECT x.id, s.code, d.code, x.weekday, x.start_min, x.end_min, x.quota_jkn_online,"
		" x.quota_jkn_walkin, x.quota_non_online, x.quota_non_walkin FROM q_schedules x"
		" JOIN q_services s ON s.id = x.service_id LEFT JOIN q_doctors d ON d.id = x.doctor_id"
		" WHERE s.facility_id = ? AND x.active = 1 ORDER BY s.code, x.weekday, x.start_min", "i", f.id) : NULL;
	while (st && (rc = db_step(st)) == DB_ROW) {
		char a[6], b[6];
		queue_minute_format((int)db_col_int(st, 4), a);
		queue_minute_format((int)db_col_int(st, 5), b);
		json_array_append_new(schedules, json_pack("{s:I, s:s, s:s?, s:i, s:s, s:s, s:{s:i, s:i, s:i, s:i}}",
			"id", (json_int_t)db_col_int(st, 0), "service", db_col_text(st, 1),
			"doctor", db_col_is_null(st, 2) ? NULL : db_col_text(st, 2), "weekday", (int)db_col_int(st, 3),
			"start", a, "end", b, "quota", "jkn_online", (int)db_col_int(st, 6),
			"jkn_walkin", (int)db_col_int(st, 7), "non_jkn_online", (int)db_col_int(st, 8),
			"non_jkn_walkin", (int)db_col_int(st, 9)));
	}
	db_done(st);

	char today[11];
	date_format(queue_today(r), today);
	st = st && rc >= 0 ? db_query(r->db, "SELECT c.id, c.day, s.code, c.reason FROM q_closures c"
					     " LEFT JOIN q_services s ON s.id = c.service_id"
					     " WHERE c.facility_id = ? AND c.day >= ? ORDER BY c.day, c.id", "is", f.id, today) : NULL;
	while (st && (rc = db_step(st)) == DB_ROW)
		json_array_append_new(closures, json_pack("{s:I, s:s, s:s?, s:s}", "id", (json_int_t)db_col_int(st, 0),
			"date", db_col_text(st, 1), "service", db_col_is_null(st, 2) ? NULL : db_col_text(st, 2),
			"reason", db_col_text(st, 3)));
	db_done(st);
	if (!st || rc != DB_DONE) {
		json_decref(j);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o}", "facility", j));
}

/* PUT /api/queue/facilities/{fc} {type, booking rules...}: take part in
 * Simantri, or change the rules. */
int queue_facility_put(struct req *r)
{
	const char *code = req_param(r, "fc");
	struct facility f = {
		.window = { 7, 6 * 60, 1, 20 * 60 }, .checkin_early_min = 60, .late_grace_min = 30,
		.fair = { 2, 30 * 60 }, .max_recalls = 2, .cuti_bersama_closed = true,
	};
	int64_t unit_id;
	int rc = queue_facility_find(r->db, r->arena, code, &f);
	bool create = rc == DB_DONE;
	if (rc != DB_ROW && rc != DB_DONE)
		return reply_db_error(r);
	if (create) {
		rc = orgs_id_by_code(r->db, code, &unit_id);
		if (rc == 1)
			return reply_error(r, 404, "not_found", "no organisation unit has this code", NULL);
		if (rc != 0)
			return reply_db_error(r);
		f.unit_id = unit_id;
		f.code = code;
	}
	if (queue_require_manager(r, &f))
		return 0;
	const char *type = body_str(r, "type");
	if (type && strcmp(type, "fktp") != 0 && strcmp(type, "fkrtl") != 0)
		return reply_error(r, 400, "invalid", "type must be fktp (puskesmas, clinic) or fkrtl (hospital)", "type");
	if (create && !type)
		return reply_error(r, 400, "invalid", "type is required (fktp or fkrtl)", "type");
	if (type)
		f.type = type;
	int every = f.fair.every, overtake = f.fair.max_overtake_s / 60, cuti = f.cuti_bersama_closed;
	if (check_int(r, "booking_opens_days", 0, 90, &f.window.open_days) ||
	    check_clock(r, "booking_opens_at", &f.window.open_minute) ||
	    check_int(r, "booking_closes_days", 0, 90, &f.window.close_days) ||
	    check_clock(r, "booking_closes_at", &f.window.close_minute) ||
	    check_int(r, "checkin_early_min", 0, 720, &f.checkin_early_min) ||
	    check_int(r, "late_grace_min", 0, 720, &f.late_grace_min) ||
	    check_int(r, "priority_every", 0, 20, &every) ||
	    check_int(r, "priority_max_wait_min", 0, 720, &overtake) ||
	    check_int(r, "max_recalls", 0, 10, &f.max_recalls))
		return 0;
	const char *late = body_str(r, "late_policy");
	if (late && strcmp(late, "requeue") != 0 && strcmp(late, "refuse") != 0)
		return reply_error(r, 400, "invalid", "late_policy must be requeue or refuse", "late_policy");
	if (late)
		f.late_refuse = strcmp(late, "refuse") == 0;
	if (body_has(r, "cuti_bersama_closed"))
		cuti = json_is_true(json_object_get(r->body, "cuti_bersama_closed"));
	f.cuti_bersama_closed = cuti;
	f.fair.every = every;
	f.fair.max_overtake_s = overtake * 60;
	if (queue_wib_epoch(0, f.window.close_minute) - (int64_t)f.window.close_days * 86400 <=
	    queue_wib_epoch(0, f.window.open_minute) - (int64_t)f.window.open_days * 86400)
		return reply_error(r, 400, "invalid", "bookings must open before they close", "booking_closes_days");

	char now[24];
	time_iso((time_t)app_now(r->app), now);
	const char *policy = f.late_refuse ? "refuse" : "requeue";
	if (create)
		rc = db_exec(r->db, "INSERT INTO q_facilities (unit_id, code, type, open_days, open_minute, close_days,"
				    " close_minute, checkin_early_min, late_grace_min, late_policy, priority_every,"
				    " priority_max_wait_min, max_recalls, cuti_bersama_closed, updated_at)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     "issiiiiiisiiibs", f.unit_id, f.code, f.type, (int64_t)f.window.open_days,
			     (int64_t)f.window.open_minute, (int64_t)f.window.close_days, (int64_t)f.window.close_minute,
			     (int64_t)f.checkin_early_min, (int64_t)f.late_grace_min, policy, (int64_t)every,
			     (int64_t)overtake, (int64_t)f.max_recalls, cuti, now);
	else
		rc = db_exec(r->db, "UPDATE q_facilities SET type = ?, open_days = ?, open_minute = ?, close_days = ?,"
				    " close_minute = ?, checkin_early_min = ?, late_grace_min = ?, late_policy = ?,"
				    " priority_every = ?, priority_max_wait_min = ?, max_recalls = ?,"
				    " cuti_bersama_closed = ?, updated_at = ? WHERE id = ?",
			     "siiiiiisiiibsi", f.type, (int64_t)f.window.open_days, (int64_t)f.window.open_minute,
			     (int64_t)f.window.close_days, (int64_t)f.window.close_minute, (int64_t)f.checkin_early_min,
			     (int64_t)f.late_grace_min, policy, (int64_t)every, (int64_t)overtake,
			     (int64_t)f.max_recalls, cuti, now, f.id);
	if (rc != DB_DONE || queue_facility_find(r->db, r->arena, code, &f) != DB_ROW ||
	    audit_facility(r, &f, create ? "queue.facility_create" : "queue.facility_update", json_incref(r->body)))
		return reply_db_error(r);
	return reply_json(r, create ? 201 : 200, json_pack("{s:o}", "facility", facility_json(&f)));
}

/* ---- services and doctors ----------------------------------------------------------- */

static int check_prefix(struct req *r, enum service_kind kind, const char *prefix)
{
	if (kind == SVC_POLI && !prefix)
		return reply_error(r, 400, "invalid", "a poli needs a queue number prefix such as A", "prefix"), -1;
	if (prefix && !queue_prefix_valid(prefix))
		return reply_error(r, 400, "invalid", "prefix must be 1 to 3 capital letters", "prefix"), -1;
	return 0;
}

/* POST /api/queue/facilities/{fc}/services {code, name, kind, prefix?,
 * avg_service_min?} */
int queue_service_create(struct req *r)
{
	struct facility f;
	struct service s = { .avg_service_min = 10, .active = true };
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	s.code = body_str(r, "code");
	s.name = body_str(r, "name");
	s.prefix = body_str(r, "prefix");
	if (!code_ok(s.code, SERVICE_CODE_MAX))
		return reply_error(r, 400, "invalid", "code must be 2 to 10 capital letters or digits (the BPJS poli code, e.g. UMU)", "code");
	if (!queue_text_ok(s.name))
		return reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	if (queue_kind_parse(body_str(r, "kind"), &s.kind) != 0)
		return reply_error(r, 400, "invalid", "kind must be poli, registration, pharmacy or other", "kind");
	if (check_prefix(r, s.kind, s.prefix) || check_int(r, "avg_service_min", 1, 240, &s.avg_service_min))
		return 0;
	int64_t id;
	int rc = db_query_int(r->db, &id, "INSERT INTO q_services (facility_id, code, name, kind, prefix, avg_service_min)"
					  " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			      "issssi", f.id, s.code, s.name, queue_kind_name(s.kind), s.prefix, (int64_t)s.avg_service_min);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "this facility has a service with this code or prefix", "code");
	if (rc != DB_ROW || audit_facility(r, &f, "queue.service_create", json_incref(r->body)))
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:o}", "service", service_json(&s)));
}

/* PATCH /api/queue/facilities/{fc}/services/{svc} {name?, prefix?,
 * avg_service_min?, active?} */
int queue_service_update(struct req *r)
{
	struct facility f;
	struct service s;
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	int rc = queue_service_find(r->db, r->arena, f.id, req_param(r, "svc"), &s);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "this facility has no service with this code", NULL);
	if (rc != DB_ROW)
		return reply_db_error(r);
	if (body_has(r, "name")) {
		s.name = body_str(r, "name");
		if (!queue_text_ok(s.name))
			return reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	}
	if (body_has(r, "prefix"))
		s.prefix = body_str(r, "prefix");
	if (body_has(r, "active"))
		s.active = json_is_true(json_object_get(r->body, "active"));
	if (check_prefix(r, s.kind, s.prefix) || check_int(r, "avg_service_min", 1, 240, &s.avg_service_min))
		return 0;
	rc = db_exec(r->db, "UPDATE q_services SET name = ?, prefix = ?, avg_service_min = ?, active = ? WHERE id = ?",
		     "ssibi", s.name, s.prefix, (int64_t)s.avg_service_min, s.active, s.id);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "another service of this facility has this prefix", "prefix");
	if (rc != DB_DONE || audit_facility(r, &f, "queue.service_update", json_incref(r->body)))
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "service", service_json(&s)));
}

/* POST /api/queue/facilities/{fc}/doctors {code, name} (code: the BPJS
 * doctor code, kodedokter) */
int queue_doctor_create(struct req *r)
{
	struct facility f;
	const char *code = body_str(r, "code"), *name = body_str(r, "name");
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	if (!code_ok(code, 16))
		return reply_error(r, 400, "invalid", "code must be 2 to 16 capital letters or digits", "code");
	if (!queue_text_ok(name))
		return reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	int rc = db_exec(r->db, "INSERT INTO q_doctors (facility_id, code, name) VALUES (?, ?, ?)", "iss", f.id, code, name);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "this facility has a doctor with this code", "code");
	if (rc != DB_DONE || audit_facility(r, &f, "queue.doctor_create", json_incref(r->body)))
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:s, s:s}}", "doctor", "code", code, "name", name));
}

/* PATCH /api/queue/facilities/{fc}/doctors/{code} {name}: a doctor's name
 * as patients see it (the code is BPJS's and stays). */
int queue_doctor_update(struct req *r)
{
	struct facility f;
	const char *code = req_param(r, "code"), *name = body_str(r, "name");
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	if (!queue_text_ok(name))
		return reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	if (db_exec(r->db, "UPDATE q_doctors SET name = ? WHERE facility_id = ? AND code = ?", "sis", name, f.id, code) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) != 1)
		return reply_error(r, 404, "not_found", "this facility has no doctor with this code", NULL);
	if (audit_facility(r, &f, "queue.doctor_update", json_pack("{s:s, s:s}", "code", code, "name", name)))
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}}", "doctor", "code", code, "name", name));
}

/* ---- schedules ---------------------------------------------------------------------- */

static const char *const quota_fields[4] = { "quota_jkn_online", "quota_jkn_walkin", "quota_non_online",
					     "quota_non_walkin" };

/* POST /api/queue/facilities/{fc}/schedules {service, doctor?, weekdays:
 * [1..6], start, end, quota_*}: one practice session on each weekday
 * (0 = Sunday). */
int queue_schedule_create(struct req *r)
{
	struct facility f;
	struct service s;
	int start, end, quota[4] = { 0 };
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	int rc = queue_service_find(r->db, r->arena, f.id, body_str(r, "service"), &s);
	if (rc == DB_DONE || (rc == DB_ROW && s.kind != SVC_POLI))
		return reply_error(r, 400, "invalid", "service is not the code of a poli of this facility", "service");
	if (rc != DB_ROW)
		return reply_db_error(r);
	int64_t doctor = 0;
	const char *dcode = body_str(r, "doctor");
	if (dcode) {
		rc = db_query_int(r->db, &doctor, "SELECT id FROM q_doctors WHERE facility_id = ? AND code = ?", "is", f.id, dcode);
		if (rc == DB_DONE)
			return reply_error(r, 400, "invalid", "doctor is not the code of a doctor of this facility", "doctor");
		if (rc != DB_ROW)
			return reply_db_error(r);
	}
	const char *hours = arena_printf(r->arena, "%s-%s", body_str(r, "start"), body_str(r, "end"));
	if (queue_hours_parse(hours, &start, &end) != 0)
		return reply_error(r, 400, "invalid", "start and end must be times HH:MM with end after start", "end");
	for (int b = 0; b < 4; b++)
		if (check_int(r, quota_fields[b], 0, 10000, &quota[b]))
			return 0;
	json_t *days = json_object_get(r->body, "weekdays");
	if (json_array_size(days) == 0 || json_array_size(days) > 7)
		return reply_error(r, 400, "invalid", "weekdays lists 1 to 7 days, 0 = Sunday to 6 = Saturday", "weekdays");
	json_t *created = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(days, i, d) {
		if (!json_is_integer(d) || json_integer_value(d) < 0 || json_integer_value(d) > 6) {
			json_decref(created);
			return reply_error(r, 400, "invalid", "weekdays lists days 0 (Sunday) to 6 (Saturday)", "weekdays");
		}
		int64_t id;
		rc = db_query_int(r->db, &id, "INSERT INTO q_schedules (service_id, doctor_id, weekday, start_min, end_min,"
					      " quota_jkn_online, quota_jkn_walkin, quota_non_online, quota_non_walkin)"
					      " VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  "iiiiiiiii", s.id, doctor, (int64_t)json_integer_value(d), (int64_t)start, (int64_t)end,
				  (int64_t)quota[0], (int64_t)quota[1], (int64_t)quota[2], (int64_t)quota[3]);
		if (rc == DB_CONSTRAINT) {
			json_decref(created);
			return reply_error(r, 409, "conflict", "this poli already has a session starting then on that day",
					   "weekdays");
		}
		if (rc != DB_ROW) {
			json_decref(created);
			return reply_db_error(r);
		}
		json_array_append_new(created, json_pack("{s:I, s:I}", "id", (json_int_t)id, "weekday",
							 json_integer_value(d)));
	}
	if (audit_facility(r, &f, "queue.schedule_create", json_incref(r->body))) {
		json_decref(created);
		return reply_db_error(r);
	}
	return reply_json(r, 201, json_pack("{s:o}", "items", created));
}

/* DELETE /api/queue/facilities/{fc}/schedules/{id}: retire a session;
 * dates already booked keep theirs. */
int queue_schedule_delete(struct req *r)
{
	struct facility f;
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	char *end;
	long long id = strtoll(req_param(r, "id"), &end, 10);
	if (*end || id <= 0)
		return reply_error(r, 404, "not_found", "no schedule has this id", NULL);
	if (db_exec(r->db, "UPDATE q_schedules SET active = 0 WHERE id = ? AND active = 1 AND service_id IN "
			   "(SELECT id FROM q_services WHERE facility_id = ?)", "ii", (int64_t)id, f.id) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) != 1)
		return reply_error(r, 404, "not_found", "this facility has no active schedule with this id", NULL);
	if (audit_facility(r, &f, "queue.schedule_retire", json_pack("{s:I}", "id", (json_int_t)id)))
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- closures -------------------------------------------------------------------------- */

/* Hold the quota rows of the sessions a closure of day touches (every
 * poli of the facility when service_id is 0), making the missing ones, in
 * id order.  A booking takes its session's row before it looks for
 * closures (queue_visit_take), so a booking racing this closure either
 * commits first, and the closure then sees and cancels it, or waits and
 * then finds the closure. */
static int hold_sessions(struct req *r, int64_t facility_id, int64_t service_id, int32_t day, const char *date)
{
	if (db_exec(r->db, "INSERT INTO q_sessions (schedule_id, day, left_jkn_online, left_jkn_walkin,"
			   " left_non_online, left_non_walkin, last_number)"
			   " SELECT x.id, CAST(? AS TEXT), x.quota_jkn_online, x.quota_jkn_walkin, x.quota_non_online,"
			   " x.quota_non_walkin, 0 FROM q_schedules x JOIN q_services s ON s.id = x.service_id"
			   " WHERE s.facility_id = ? AND (CAST(? AS BIGINT) = 0 OR s.id = ?) AND x.weekday = ?"
			   " AND x.active = 1 ORDER BY x.id ON CONFLICT (schedule_id, day) DO NOTHING",
		    "siiii", date, facility_id, service_id, service_id, (int64_t)date_weekday(day)) != DB_DONE)
		return -1;
	struct db_stmt *st = db_query(r->db, "SELECT q.id FROM q_sessions q JOIN q_schedules x ON x.id = q.schedule_id"
					     " JOIN q_services s ON s.id = x.service_id WHERE q.day = ? AND"
					     " s.facility_id = ? AND (CAST(? AS BIGINT) = 0 OR s.id = ?) ORDER BY q.id",
				      "siii", date, facility_id, service_id, service_id);
	int64_t ids[256];
	size_t n = 0;
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW && n < sizeof(ids) / sizeof(ids[0]))
		ids[n++] = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (db_exec(r->db, "UPDATE q_sessions SET last_number = last_number WHERE id = ?", "i", ids[i]) != DB_DONE)
			return -1;
	return 0;
}

/* POST /api/queue/facilities/{fc}/closures {date, service?, reason}: the
 * facility (or one poli) is closed that day; bookings already made are
 * cancelled with the reason, which their ticket pages show. */
int queue_closure_create(struct req *r)
{
	struct facility f;
	struct service s = { 0 };
	const char *date = body_str(r, "date"), *reason = body_str(r, "reason"), *svc = body_str(r, "service");
	int32_t day;
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	if (date_parse(date, &day) != 0)
		return reply_error(r, 400, "invalid", "date must be a calendar date written YYYY-MM-DD", "date");
	if (day < queue_today(r))
		return reply_error(r, 400, "invalid", "date is in the past", "date");
	if (!queue_text_ok(reason))
		return reply_error(r, 400, "invalid", "reason must be one line of text, not blank", "reason");
	if (svc) {
		int rc = queue_service_find(r->db, r->arena, f.id, svc, &s);
		if (rc == DB_DONE)
			return reply_error(r, 400, "invalid", "service is not the code of a service of this facility", "service");
		if (rc != DB_ROW)
			return reply_db_error(r);
	}
	if (hold_sessions(r, f.id, s.id, day, date) != 0)
		return reply_db_error(r);
	int64_t id, now = app_now(r->app);
	int rc = db_query_int(r->db, &id, "INSERT INTO q_closures (facility_id, service_id, day, reason, created_at)"
					  " VALUES (?, NULLIF(?, 0), ?, ?, ?) RETURNING id",
			      "iissi", f.id, s.id, date, reason, now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "a closure for this date is already recorded", "date");
	if (rc != DB_ROW)
		return reply_db_error(r);

	struct db_stmt *st = db_query(r->db, "SELECT v.code FROM q_services s JOIN q_visits v ON v.service_id = s.id"
					     " WHERE s.facility_id = ? AND v.day = ? AND v.status = 'booked'"
					     " AND (CAST(? AS BIGINT) = 0 OR s.id = ?)",
				      "isii", f.id, date, s.id, s.id);
	const char *codes[4096];
	size_t n = 0;
	rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW && n < sizeof(codes) / sizeof(codes[0]))
		codes[n++] = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return reply_db_error(r);
	const char *note = arena_printf(r->arena, "Tutup: %s", reason);
	struct visit *cancelled = arena_alloc(r->arena, (n ? n : 1) * sizeof(*cancelled));
	size_t done = 0;
	if (!cancelled)
		return reply_db_error(r);
	for (size_t i = 0; i < n; i++) {
		struct queue_fail fail;
		if (queue_visit_find(r->db, r->arena, codes[i], &cancelled[done]) != DB_ROW)
			return reply_db_error(r);
		/* A refusal (409) is a booking cancelled or called since the list
		 * was read: none of its rows changed, and it is left as it is. */
		if (queue_visit_cancel_rows(r->app->events, r->db, r->arena, &f, &cancelled[done], note, now, &fail) == 0)
			done++;
		else if (fail.status != 409)
			return reply_db_error(r);
	}
	/* The audit rows come after every row change (see simantri.h). */
	for (size_t i = 0; i < done; i++)
		if (queue_visit_cancel_audit(r->db, r->arena, &cancelled[i], note, &r->caller) != 0)
			return reply_db_error(r);
	if (audit_facility(r, &f, "queue.closure_create", json_pack("{s:s, s:s?, s:s, s:I}", "date", date,
			   "service", svc, "reason", reason, "cancelled", (json_int_t)done)))
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:{s:I, s:s, s:s?, s:s}, s:I}", "closure", "id", (json_int_t)id,
					    "date", date, "service", svc, "reason", reason, "cancelled", (json_int_t)done));
}

/* DELETE /api/queue/facilities/{fc}/closures/{id} */
int queue_closure_delete(struct req *r)
{
	struct facility f;
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	char *end;
	long long id = strtoll(req_param(r, "id"), &end, 10);
	if (*end || id <= 0)
		return reply_error(r, 404, "not_found", "no closure has this id", NULL);
	if (db_exec(r->db, "DELETE FROM q_closures WHERE id = ? AND facility_id = ?", "ii", (int64_t)id, f.id) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) != 1)
		return reply_error(r, 404, "not_found", "this facility has no closure with this id", NULL);
	if (audit_facility(r, &f, "queue.closure_delete", json_pack("{s:I}", "id", (json_int_t)id)))
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- the booking calendar ------------------------------------------------------------------ */

static json_t *quota_json(const int q[4])
{
	return json_pack("{s:i, s:i, s:i, s:i}", "jkn_online", q[JKN_ONLINE], "jkn_walkin", q[JKN_WALKIN],
			 "non_jkn_online", q[NON_ONLINE], "non_jkn_walkin", q[NON_WALKIN]);
}

/* GET /api/queue/facilities/{fc}/services/{svc}/days?from=YYYY-MM-DD&days=N:
 * for each date, open or closed (and why), when its bookings open and
 * close, and its sessions with what is left of their quotas. */
int queue_days(struct req *r)
{
	struct facility f;
	struct service s;
	if (queue_path_facility(r, &f))
		return 0;
	int rc = queue_service_find(r->db, r->arena, f.id, req_param(r, "svc"), &s);
	if (rc == DB_DONE || (rc == DB_ROW && (s.kind != SVC_POLI || !s.active)))
		return reply_error(r, 404, "not_found", "this facility has no poli with this code", NULL);
	if (rc != DB_ROW)
		return reply_db_error(r);
	int32_t from = queue_today(r);
	const char *from_s = req_query(r, "from");
	if (from_s && date_parse(from_s, &from) != 0)
		return reply_error(r, 400, "invalid", "from must be a calendar date written YYYY-MM-DD", "from");
	long ndays;
	if (req_query_int(r, "days", f.window.open_days + 1, 1, DAYS_MAX, &ndays))
		return 0;
	int64_t now = app_now(r->app);
	json_t *items = json_array();
	for (long i = 0; i < ndays; i++) {
		int32_t day = from + (int32_t)i;
		char date[11];
		date_format(day, date);
		const char *reason = NULL;
		struct session *v = NULL;
		size_t n = 0;
		int closed = queue_day_closed(r->db, r->arena, &f, s.id, day, &reason);
		if (closed < 0 || queue_sessions_of_day(r->db, r->arena, s.id, day, &v, &n) != 0) {
			json_decref(items);
			return reply_db_error(r);
		}
		int64_t opens, closes;
		queue_booking_window(&f.window, day, &opens, &closes);
		json_t *sessions = json_array();
		for (size_t k = 0; !closed && k < n; k++) {
			char a[6], b[6];
			queue_minute_format(v[k].start_min, a);
			queue_minute_format(v[k].end_min, b);
			json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:i}", "id", (json_int_t)v[k].schedule_id,
					      "start", a, "end", b, "hours", arena_printf(r->arena, "%s-%s", a, b),
					      "quota", quota_json(v[k].quota), "left", quota_json(v[k].left),
					      "issued", v[k].last_number);
			if (v[k].doctor_code)
				json_object_set_new(j, "doctor", json_pack("{s:s, s:s}", "code", v[k].doctor_code,
									 "name", v[k].doctor_name));
			json_array_append_new(sessions, j);
		}
		json_array_append_new(items, json_pack("{s:s, s:i, s:b, s:s?, s:s, s:s, s:b, s:o}",
			"date", date, "weekday", date_weekday(day), "open", !closed && n > 0, "reason", closed ? reason : NULL,
			"booking_opens_at", queue_iso_time(r->arena, opens), "booking_closes_at", queue_iso_time(r->arena, closes),
			"bookable", !closed && n > 0 && now >= opens && now < closes, "sessions", sessions));
	}
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}, s:o, s:s}", "service", "code", s.code, "name", s.name,
					    "items", items, "now", queue_iso_time(r->arena, now)));
}
