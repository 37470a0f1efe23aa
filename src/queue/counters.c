/* counters.c - the counter console (open, pause, call next, recall, call a
 * number, skip, transfer, finish), the officers' view of the lines and the
 * public display board.
 *
 * Calling is where two counters of one service could race for the same
 * patient: each call first bumps the service's line row for the day
 * (q_lines), which serialises the callers of that line in both databases,
 * and then takes the chosen entry with UPDATE ... WHERE status = 'waiting'.
 * The row also keeps the fair interleaving's run of normal calls; the
 * facility's call counter numbers the calls, which orders the board.
 */
#include "simantri.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "survey/survey.h"

#define BOARD_NEXT 5
#define BOARD_RECENT 6

struct counter {
	int64_t id, facility_id, service_id, entry_id;
	const char *name, *status, *pause_reason;
};

/* The entry a counter is serving, with its visit. */
struct current {
	int64_t entry_id, visit_id, service_id, visit_service_id;
	const char *label, *priority, *visit_code;
	int recalls;
	int64_t called_at;
};

static int counter_read(struct arena *a, struct db_stmt *st, struct counter *k)
{
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		k->id = db_col_int(st, 0);
		k->facility_id = db_col_int(st, 1);
		k->name = arena_strdup(a, db_col_text(st, 2));
		k->service_id = db_col_int(st, 3);
		k->status = arena_strdup(a, db_col_text(st, 4));
		k->pause_reason = db_col_is_null(st, 5) ? NULL : arena_strdup(a, db_col_text(st, 5));
		k->entry_id = db_col_is_null(st, 6) ? 0 : db_col_int(st, 6);
	}
	db_done(st);
	return rc;
}

#define COUNTER_SELECT "SELECT id, facility_id, name, service_id, status, pause_reason, entry_id FROM q_counters "

static int current_read(struct db_conn *c, struct arena *a, int64_t entry_id, struct current *cur)
{
	struct db_stmt *st = db_query(c,
		"SELECT e.id, e.visit_id, e.service_id, v.service_id, v.label, v.priority, v.code, e.recalls, e.called_at"
		" FROM q_entries e JOIN q_visits v ON v.id = e.visit_id WHERE e.id = ?", "i", entry_id);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		cur->entry_id = db_col_int(st, 0);
		cur->visit_id = db_col_int(st, 1);
		cur->service_id = db_col_int(st, 2);
		cur->visit_service_id = db_col_int(st, 3);
		cur->label = arena_strdup(a, db_col_text(st, 4));
		cur->priority = db_col_is_null(st, 5) ? NULL : arena_strdup(a, db_col_text(st, 5));
		cur->visit_code = arena_strdup(a, db_col_text(st, 6));
		cur->recalls = (int)db_col_int(st, 7);
		cur->called_at = db_col_is_null(st, 8) ? 0 : db_col_int(st, 8);
	}
	db_done(st);
	return rc;
}

static json_t *counter_json(struct db_conn *c, struct arena *a, const struct counter *k)
{
	struct service s;
	if (queue_service_find_id(c, a, k->service_id, &s) != DB_ROW)
		return NULL;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s?, s:{s:s, s:s, s:s}}", "id", (json_int_t)k->id,
			      "name", k->name, "status", k->status, "pause_reason", k->pause_reason,
			      "service", "code", s.code, "name", s.name, "kind", queue_kind_name(s.kind));
	struct current cur;
	struct service booked;
	/* booked: the service the patient came for, where registration
	 * sends them on. */
	if (j && k->entry_id && current_read(c, a, k->entry_id, &cur) == DB_ROW &&
	    queue_service_find_id(c, a, cur.visit_service_id, &booked) == DB_ROW)
		json_object_set_new(j, "current", json_pack("{s:s, s:s?, s:i, s:s?, s:{s:s, s:s}}", "label", cur.label,
							     "priority", cur.priority, "recalls", cur.recalls,
							     "called_at", cur.called_at ? queue_iso_time(a, cur.called_at) : NULL,
							     "booked", "code", booked.code, "name", booked.name));
	else if (j)
		json_object_set_new(j, "current", json_null());
	return j;
}

/* The counter of {id} in the path, its facility, and the caller works
 * there.  On failure the reply is set and -1 returned. */
static int path_counter(struct req *r, struct counter *k, struct facility *f)
{
	const char *id_s = req_param(r, "id");
	char *end;
	long long id = strtoll(id_s, &end, 10);
	if (*end || id <= 0)
		return reply_error(r, 404, "not_found", "no counter has this id", NULL), -1;
	int rc = counter_read(r->arena, db_query(r->db, COUNTER_SELECT "WHERE id = ?", "i", (int64_t)id), k);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no counter has this id", NULL), -1;
	if (rc != DB_ROW || queue_facility_find_id(r->db, r->arena, k->facility_id, f) != DB_ROW)
		return reply_db_error(r), -1;
	return queue_require_staff(r, f);
}

static int reply_counter(struct req *r, int status, const struct counter *k)
{
	struct counter now;
	if (counter_read(r->arena, db_query(r->db, COUNTER_SELECT "WHERE id = ?", "i", k->id), &now) != DB_ROW)
		return reply_db_error(r);
	json_t *j = counter_json(r->db, r->arena, &now);
	return j ? reply_json(r, status, json_pack("{s:o}", "counter", j)) : reply_db_error(r);
}

static int publish_counter(struct req *r, const struct facility *f, const struct counter *k, const char *what)
{
	struct service s;
	if (queue_service_find_id(r->db, r->arena, k->service_id, &s) != DB_ROW)
		return -1;
	return queue_publish(r->app->events, r->db, r->arena, f->code, s.code,
			     json_pack("{s:s, s:s, s:I, s:s}", "type", what, "service", s.code,
				       "counter_id", (json_int_t)k->id, "counter", k->name));
}

static int counter_audit(struct req *r, const struct counter *k, const char *action, json_t *details)
{
	int rc = audit_append(r->db, &r->caller, action, arena_printf(r->arena, "counter:%" PRId64, k->id), details);
	json_decref(details);
	return rc;
}

/* ---- set-up and state -------------------------------------------------------------- */

/* GET /api/queue/facilities/{fc}/counters */
int queue_counters_list(struct req *r)
{
	struct facility f;
	if (queue_path_facility(r, &f))
		return 0;
	struct db_stmt *st = db_query(r->db, COUNTER_SELECT "WHERE facility_id = ? ORDER BY name, id", "i", f.id);
	if (!st)
		return reply_db_error(r);
	struct counter *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct counter *k = ARENA_PUSH(r->arena, v, n, cap);
		if (!k)
			break;
		k->id = db_col_int(st, 0);
		k->facility_id = db_col_int(st, 1);
		k->name = arena_strdup(r->arena, db_col_text(st, 2));
		k->service_id = db_col_int(st, 3);
		k->status = arena_strdup(r->arena, db_col_text(st, 4));
		k->pause_reason = db_col_is_null(st, 5) ? NULL : arena_strdup(r->arena, db_col_text(st, 5));
		k->entry_id = db_col_is_null(st, 6) ? 0 : db_col_int(st, 6);
	}
	db_done(st);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *j = counter_json(r->db, r->arena, &v[i]);
		if (!j) {
			json_decref(items);
			return reply_db_error(r);
		}
		json_array_append_new(items, j);
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/queue/facilities/{fc}/counters {name, service} */
int queue_counter_create(struct req *r)
{
	struct facility f;
	struct service s;
	const char *name = body_str(r, "name"), *code = body_str(r, "service");
	if (queue_path_facility(r, &f) || queue_require_manager(r, &f))
		return 0;
	if (!queue_text_ok(name))
		return reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	int rc = queue_service_find(r->db, r->arena, f.id, code, &s);
	if (rc == DB_DONE)
		return reply_error(r, 400, "invalid", "service is not the code of a service of this facility", "service");
	if (rc != DB_ROW)
		return reply_db_error(r);
	int64_t id;
	rc = db_query_int(r->db, &id, "INSERT INTO q_counters (facility_id, name, service_id, status, updated_at) "
				      "VALUES (?, ?, ?, 'closed', ?) RETURNING id",
			  "isii", f.id, name, s.id, (int64_t)app_now(r->app));
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "this facility has a counter with this name", "name");
	if (rc != DB_ROW)
		return reply_db_error(r);
	struct counter k = { .id = id, .facility_id = f.id, .service_id = s.id, .name = name, .status = "closed" };
	if (counter_audit(r, &k, "queue.counter_create", json_pack("{s:s, s:s}", "name", name, "service", s.code)))
		return reply_db_error(r);
	return reply_counter(r, 201, &k);
}

/* POST /api/queue/counters/{id}/open {service?}: open, optionally on
 * another service (a room that is registration in the morning and
 * pharmacy in the afternoon). */
int queue_counter_open(struct req *r)
{
	struct counter k;
	struct facility f;
	if (path_counter(r, &k, &f))
		return 0;
	const char *code = body_str(r, "service");
	if (code) {
		struct service s;
		int rc = queue_service_find(r->db, r->arena, f.id, code, &s);
		if (rc == DB_DONE || (rc == DB_ROW && !s.active))
			return reply_error(r, 400, "invalid", "service is not an active service of this facility", "service");
		if (rc != DB_ROW)
			return reply_db_error(r);
		if (k.entry_id && s.id != k.service_id)
			return reply_error(r, 409, "busy_counter",
					   "finish, transfer or skip the current patient before changing the service", NULL);
		k.service_id = s.id;
	}
	if (db_exec(r->db, "UPDATE q_counters SET status = 'open', pause_reason = NULL, service_id = ?, "
			   "updated_at = ? WHERE id = ?", "iii", k.service_id, (int64_t)app_now(r->app), k.id) != DB_DONE ||
	    publish_counter(r, &f, &k, "counter") || counter_audit(r, &k, "queue.counter_open", NULL))
		return reply_db_error(r);
	return reply_counter(r, 200, &k);
}

/* POST /api/queue/counters/{id}/pause {reason} */
int queue_counter_pause(struct req *r)
{
	struct counter k;
	struct facility f;
	const char *reason = body_str(r, "reason");
	if (path_counter(r, &k, &f))
		return 0;
	if (!queue_text_ok(reason))
		return reply_error(r, 400, "invalid", "reason must be one line of text, not blank", "reason");
	if (strcmp(k.status, "closed") == 0)
		return reply_error(r, 409, "counter_closed", "the counter is closed; open it first", NULL);
	if (db_exec(r->db, "UPDATE q_counters SET status = 'paused', pause_reason = ?, updated_at = ? WHERE id = ?",
		    "sii", reason, (int64_t)app_now(r->app), k.id) != DB_DONE ||
	    publish_counter(r, &f, &k, "counter") ||
	    counter_audit(r, &k, "queue.counter_pause", json_pack("{s:s}", "reason", reason)))
		return reply_db_error(r);
	return reply_counter(r, 200, &k);
}

/* POST /api/queue/counters/{id}/close */
int queue_counter_close(struct req *r)
{
	struct counter k;
	struct facility f;
	if (path_counter(r, &k, &f))
		return 0;
	if (k.entry_id)
		return reply_error(r, 409, "busy_counter", "finish, transfer or skip the current patient first", NULL);
	if (db_exec(r->db, "UPDATE q_counters SET status = 'closed', pause_reason = NULL, updated_at = ? WHERE id = ?",
		    "ii", (int64_t)app_now(r->app), k.id) != DB_DONE ||
	    publish_counter(r, &f, &k, "counter") || counter_audit(r, &k, "queue.counter_close", NULL))
		return reply_db_error(r);
	return reply_counter(r, 200, &k);
}

/* ---- calling ------------------------------------------------------------------------ */

/* The BPJS task a stage's moves stand for: called (2, 4, 6) and left
 * (3, 5, 7) at registration, a poli, the pharmacy; 0 for other services. */
static int task_called(enum service_kind k)
{
	return k == SVC_REGISTRATION ? 2 : k == SVC_POLI ? 4 : k == SVC_PHARMACY ? 6 : 0;
}

static int task_left(enum service_kind k)
{
	return k == SVC_REGISTRATION ? 3 : k == SVC_POLI ? 5 : k == SVC_PHARMACY ? 7 : 0;
}

static int task_entered(enum service_kind k)
{
	return k == SVC_REGISTRATION ? 1 : k == SVC_POLI ? 3 : k == SVC_PHARMACY ? 5 : 0;
}

/* The first waiting entry of one kind (normal or priority): DB_ROW with
 * its id and key, DB_DONE when none. */
static int line_head(struct db_conn *c, int64_t service_id, const char *day, bool priority,
		     int64_t *id, int64_t *key)
{
	struct db_stmt *st = db_query(c, "SELECT id, line_key FROM q_entries WHERE service_id = ? AND day = ? AND "
					 "status = 'waiting' AND priority = ? ORDER BY line_key, id LIMIT 1",
				      "isb", service_id, day, priority);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*key = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

static int publish_call(struct req *r, const struct facility *f, const struct counter *k,
			const struct service *s, const struct current *cur, bool recall)
{
	char prefix[QUEUE_PREFIX_MAX + 1];
	int number = 0;
	if (queue_label_parse(cur->label, prefix, &number) != 0)
		prefix[0] = '\0';
	return queue_publish(r->app->events, r->db, r->arena, f->code, s->code,
			     json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:b, s:i}", "type", "call",
				       "service", s->code, "service_name", s->name, "label", cur->label,
				       "prefix", prefix, "number", number, "counter_id", (json_int_t)k->id,
				       "counter", k->name, "recall", recall, "recalls", cur->recalls));
}

/* POST /api/queue/counters/{id}/call {label?}: the next patient by the
 * fair order, or the one with this number. */
int queue_counter_call(struct req *r)
{
	struct counter k;
	struct facility f;
	struct service s;
	const char *label = body_str(r, "label");
	if (path_counter(r, &k, &f))
		return 0;
	if (strcmp(k.status, "open") != 0)
		return reply_error(r, 409, "counter_closed",
				   strcmp(k.status, "paused") == 0 ? "the counter is paused; open it again first"
								   : "the counter is closed; open it first", NULL);
	if (k.entry_id)
		return reply_error(r, 409, "busy_counter", "finish, transfer or skip the current patient first", NULL);
	if (queue_service_find_id(r->db, r->arena, k.service_id, &s) != DB_ROW)
		return reply_db_error(r);

	int64_t now = app_now(r->app);
	char day[11];
	date_format(queue_today(r), day);
	/* The line's row: the no-op update locks it, which serialises this
	 * line's callers, and it holds the run.  The facility's call counter
	 * orders the calls of all its lines for the board. */
	if (db_exec(r->db, "INSERT INTO q_lines (service_id, day) VALUES (?, ?) ON CONFLICT (service_id, day) DO NOTHING",
		    "is", s.id, day) != DB_DONE)
		return reply_db_error(r);
	struct db_stmt *st = db_query(r->db, "UPDATE q_lines SET normal_run = normal_run WHERE service_id = ? AND day = ? "
					     "RETURNING normal_run", "is", s.id, day);
	int64_t run = 0, seq = 0;
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		run = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW ||
	    db_query_int(r->db, &seq, "UPDATE q_facilities SET calls = calls + 1 WHERE id = ? RETURNING calls", "i", f.id) != DB_ROW)
		return reply_db_error(r);

	int64_t pick = 0;
	bool picked_priority = false;
	if (label) {
		char prefix[QUEUE_PREFIX_MAX + 1], canon[QUEUE_LABEL_MAX];
		int number;
		if (queue_label_parse(label, prefix, &number) != 0 || queue_label(canon, sizeof(canon), prefix, number) < 0)
			return reply_error(r, 400, "invalid", "label must be a queue number such as A-012", "label");
		int64_t prio;
		st = db_query(r->db, "SELECT e.id, e.priority FROM q_entries e JOIN q_visits v ON v.id = e.visit_id "
				     "WHERE e.service_id = ? AND e.day = ? AND e.status = 'waiting' AND v.label = ?",
			      "iss", s.id, day, canon);
		rc = st ? db_step(st) : DB_ERROR;
		if (rc == DB_ROW) {
			pick = db_col_int(st, 0);
			prio = db_col_int(st, 1);
			picked_priority = prio != 0;
		}
		db_done(st);
		if (rc == DB_DONE)
			return reply_error(r, 404, "not_found",
					   arena_printf(r->arena, "%s is not waiting at %s", canon, s.name), "label");
		if (rc != DB_ROW)
			return reply_db_error(r);
	} else {
		int64_t nid = 0, nkey = 0, pid = 0, pkey = 0;
		int rn = line_head(r->db, s.id, day, false, &nid, &nkey);
		int rp = line_head(r->db, s.id, day, true, &pid, &pkey);
		if (rn < 0 || rp < 0)
			return reply_db_error(r);
		enum fair_pick which = queue_fair_next(&f.fair, rn == DB_ROW, nkey, rp == DB_ROW, pkey, (int)run);
		if (which == FAIR_NONE)
			return reply_error(r, 409, "line_empty", arena_printf(r->arena, "nobody is waiting at %s", s.name), NULL);
		picked_priority = which == FAIR_PRIORITY;
		pick = picked_priority ? pid : nid;
	}
	if (db_exec(r->db, "UPDATE q_entries SET status = 'called', counter_id = ?, called_at = ?, call_seq = ? "
			   "WHERE id = ? AND status = 'waiting'", "iiii", k.id, now, seq, pick) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) != 1)
		return reply_error(r, 409, "conflict", "this patient was just called elsewhere; call again", NULL);
	run = queue_fair_run_after(picked_priority ? FAIR_PRIORITY : FAIR_NORMAL, (int)run);

	struct current cur;
	if (db_exec(r->db, "UPDATE q_counters SET entry_id = ?, updated_at = ? WHERE id = ?", "iii", pick, now, k.id) != DB_DONE ||
	    current_read(r->db, r->arena, pick, &cur) != DB_ROW ||
	    db_exec(r->db, "UPDATE q_lines SET normal_run = ?, called_label = ? WHERE service_id = ? AND day = ?",
		    "isis", run, cur.label, s.id, day) != DB_DONE)
		return reply_db_error(r);
	/* The first call to the poli the patient booked takes them out of
	 * that poli's line, as its session counts. */
	if (s.kind == SVC_POLI && cur.visit_service_id == s.id) {
		if (db_exec(r->db, "UPDATE q_visits SET poli_called_at = ? WHERE id = ? AND poli_called_at IS NULL",
			    "ii", now, cur.visit_id) != DB_DONE)
			return reply_db_error(r);
		if (db_changes(r->db) == 1 &&
		    db_exec(r->db, "UPDATE q_sessions SET called = called + 1 WHERE id = "
				   "(SELECT session_id FROM q_visits WHERE id = ?)", "i", cur.visit_id) != DB_DONE)
			return reply_db_error(r);
	}
	if ((task_called(s.kind) && queue_visit_task(r->db, cur.visit_id, task_called(s.kind), now)) ||
	    publish_call(r, &f, &k, &s, &cur, false) ||
	    counter_audit(r, &k, "queue.call", json_pack("{s:s, s:s, s:b}", "label", cur.label, "service", s.code,
							    "specific", label != NULL)))
		return reply_db_error(r);
	k.entry_id = pick;
	return reply_counter(r, 200, &k);
}

/* The counter's current patient, for recall/skip/transfer/finish; on
 * failure the reply is set and -1 returned. */
static int counter_current(struct req *r, struct counter *k, struct facility *f, struct current *cur,
			   struct service *s)
{
	if (path_counter(r, k, f))
		return -1;
	if (!k->entry_id)
		return reply_error(r, 409, "no_patient", "the counter is serving nobody; call a patient first", NULL), -1;
	if (current_read(r->db, r->arena, k->entry_id, cur) != DB_ROW ||
	    queue_service_find_id(r->db, r->arena, cur->service_id, s) != DB_ROW)
		return reply_db_error(r), -1;
	return 0;
}

/* A visit that ends (no-show, or finished) before its poli ever called it
 * leaves that poli's line: its session counts it as gone. */
static int visit_gone(struct req *r, int64_t visit_id)
{
	return db_exec(r->db, "UPDATE q_sessions SET gone = gone + 1 WHERE id = "
			      "(SELECT session_id FROM q_visits WHERE id = ? AND poli_called_at IS NULL)",
		       "i", visit_id) == DB_DONE ? 0 : -1;
}

/* Close the counter's entry with status, free the counter. */
static int entry_close(struct req *r, const struct counter *k, const struct current *cur, const char *status, int64_t now)
{
	if (db_exec(r->db, "UPDATE q_entries SET status = ?, finished_at = ? WHERE id = ? AND status = 'called'",
		    "sii", status, now, cur->entry_id) != DB_DONE ||
	    db_exec(r->db, "UPDATE q_counters SET entry_id = NULL, updated_at = ? WHERE id = ?", "ii", now, k->id) != DB_DONE)
		return -1;
	return 0;
}

/* POST /api/queue/counters/{id}/recall */
int queue_counter_recall(struct req *r)
{
	struct counter k;
	struct facility f;
	struct current cur;
	struct service s;
	if (counter_current(r, &k, &f, &cur, &s))
		return 0;
	cur.recalls++;
	if (db_exec(r->db, "UPDATE q_entries SET recalls = recalls + 1 WHERE id = ?", "i", cur.entry_id) != DB_DONE ||
	    publish_call(r, &f, &k, &s, &cur, true) ||
	    counter_audit(r, &k, "queue.recall", json_pack("{s:s, s:i}", "label", cur.label, "recalls", cur.recalls)))
		return reply_db_error(r);
	return reply_counter(r, 200, &k);
}

/* POST /api/queue/counters/{id}/skip: a no-show, once the patient has been
 * called the facility's number of times again. */
int queue_counter_skip(struct req *r)
{
	struct counter k;
	struct facility f;
	struct current cur;
	struct service s;
	if (counter_current(r, &k, &f, &cur, &s))
		return 0;
	if (cur.recalls < f.max_recalls)
		return reply_error(r, 409, "recall_first",
				   arena_printf(r->arena, "call %s again first: %d of %d recalls made", cur.label,
						cur.recalls, f.max_recalls), NULL);
	int64_t now = app_now(r->app);
	if (entry_close(r, &k, &cur, "noshow", now) || visit_gone(r, cur.visit_id) ||
	    db_exec(r->db, "UPDATE q_visits SET status = 'noshow', ended_at = ? WHERE id = ?", "ii", now, cur.visit_id) != DB_DONE ||
	    queue_visit_task(r->db, cur.visit_id, 99, now) ||
	    queue_publish(r->app->events, r->db, r->arena, f.code, s.code,
			  json_pack("{s:s, s:s, s:s, s:I}", "type", "skipped", "service", s.code, "label", cur.label,
				    "counter_id", (json_int_t)k.id)) ||
	    counter_audit(r, &k, "queue.skip", json_pack("{s:s, s:s}", "label", cur.label, "service", s.code)))
		return reply_db_error(r);
	k.entry_id = 0;
	return reply_counter(r, 200, &k);
}

/* POST /api/queue/counters/{id}/transfer {service}: on to the next
 * service (registration -> poli -> pharmacy).  At the poli the patient
 * booked for, they keep their booked place; elsewhere they join the end. */
int queue_counter_transfer(struct req *r)
{
	struct counter k;
	struct facility f;
	struct current cur;
	struct service s, to;
	if (counter_current(r, &k, &f, &cur, &s))
		return 0;
	int rc = queue_service_find(r->db, r->arena, f.id, body_str(r, "service"), &to);
	if (rc == DB_DONE || (rc == DB_ROW && !to.active))
		return reply_error(r, 400, "invalid", "service is not an active service of this facility", "service");
	if (rc != DB_ROW)
		return reply_db_error(r);
	if (to.id == s.id)
		return reply_error(r, 400, "invalid", "the patient is already at this service", "service");
	int64_t now = app_now(r->app), key = now, visit_key;
	char day[11];
	date_format(queue_today(r), day);
	if (db_query_int(r->db, &visit_key, "SELECT line_key FROM q_visits WHERE id = ?", "i", cur.visit_id) != DB_ROW)
		return reply_db_error(r);
	if (to.id == cur.visit_service_id)
		key = visit_key;
	if (entry_close(r, &k, &cur, "moved", now) ||
	    db_exec(r->db, "INSERT INTO q_entries (visit_id, service_id, day, line_key, priority, status, queued_at)"
			   " VALUES (?, ?, ?, ?, ?, 'waiting', ?)",
		    "iisibi", cur.visit_id, to.id, day, key, cur.priority != NULL, now) != DB_DONE ||
	    (task_left(s.kind) && queue_visit_task(r->db, cur.visit_id, task_left(s.kind), now)) ||
	    (task_entered(to.kind) && queue_visit_task(r->db, cur.visit_id, task_entered(to.kind), now)) ||
	    queue_publish(r->app->events, r->db, r->arena, f.code, s.code,
			  json_pack("{s:s, s:s, s:s}", "type", "left", "service", s.code, "label", cur.label)) ||
	    queue_publish(r->app->events, r->db, r->arena, f.code, to.code,
			  json_pack("{s:s, s:s, s:s}", "type", "joined", "service", to.code, "label", cur.label)) ||
	    counter_audit(r, &k, "queue.transfer", json_pack("{s:s, s:s, s:s}", "label", cur.label, "from", s.code,
							    "to", to.code)))
		return reply_db_error(r);
	k.entry_id = 0;
	return reply_counter(r, 200, &k);
}

/* A finished visit is a finished transaction of the facility's unit: the
 * satisfaction survey is offered for the poli the patient came for. */
static int offer_survey(struct req *r, const struct facility *f, const struct current *cur, int64_t now)
{
	struct service vs;
	int64_t user_id = 0;
	if (queue_service_find_id(r->db, r->arena, cur->visit_service_id, &vs) != DB_ROW ||
	    db_query_int(r->db, &user_id, "SELECT coalesce(user_id, 0) FROM q_visits WHERE id = ?", "i",
			 cur->visit_id) != DB_ROW)
		return -1;
	return survey_offer(r->db, &(struct survey_txn){ .unit_id = f->unit_id, .source = "queue", .service = vs.code,
							 .service_name = vs.name, .ref = cur->visit_code,
							 .user_id = user_id, .now = now });
}

/* POST /api/queue/counters/{id}/finish: the visit is over. */
int queue_counter_finish(struct req *r)
{
	struct counter k;
	struct facility f;
	struct current cur;
	struct service s;
	if (counter_current(r, &k, &f, &cur, &s))
		return 0;
	int64_t now = app_now(r->app);
	if (entry_close(r, &k, &cur, "done", now) || visit_gone(r, cur.visit_id) ||
	    db_exec(r->db, "UPDATE q_visits SET status = 'done', ended_at = ? WHERE id = ?", "ii", now, cur.visit_id) != DB_DONE ||
	    (task_left(s.kind) && queue_visit_task(r->db, cur.visit_id, task_left(s.kind), now)) ||
	    offer_survey(r, &f, &cur, now) ||
	    queue_publish(r->app->events, r->db, r->arena, f.code, s.code,
			  json_pack("{s:s, s:s, s:s}", "type", "finished", "service", s.code, "label", cur.label)) ||
	    counter_audit(r, &k, "queue.finish", json_pack("{s:s, s:s}", "label", cur.label, "service", s.code)))
		return reply_db_error(r);
	k.entry_id = 0;
	return reply_counter(r, 200, &k);
}

/* ---- lines and the board ------------------------------------------------------------- */

struct line_entry {
	int64_t key, queued_at;
	const char *label, *priority;
	bool priority_flag;
};

/* The waiting entries of a service today in fair call order, at most max. */
static int line_order(struct db_conn *c, struct arena *a, const struct facility *f, int64_t service_id,
		      const char *day, size_t max, struct line_entry **out, size_t *n)
{
	int64_t run = 0;
	int rc = db_query_int(c, &run, "SELECT normal_run FROM q_lines WHERE service_id = ? AND day = ?", "is",
			      service_id, day);
	if (rc < 0)
		return -1;
	struct db_stmt *st = db_query(c, "SELECT e.line_key, e.queued_at, v.label, v.priority, e.priority"
					 " FROM q_entries e JOIN q_visits v ON v.id = e.visit_id"
					 " WHERE e.service_id = ? AND e.day = ? AND e.status = 'waiting'"
					 " ORDER BY e.line_key, e.id", "is", service_id, day);
	if (!st)
		return -1;
	struct line_entry *all = NULL;
	size_t count = 0, cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct line_entry *e = ARENA_PUSH(a, all, count, cap);
		if (!e) {
			rc = DB_ERROR;
			break;
		}
		e->key = db_col_int(st, 0);
		e->queued_at = db_col_int(st, 1);
		e->label = arena_strdup(a, db_col_text(st, 2));
		e->priority = db_col_is_null(st, 3) ? NULL : arena_strdup(a, db_col_text(st, 3));
		e->priority_flag = db_col_int(st, 4) != 0;
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	struct waiting *w = arena_alloc(a, (count ? count : 1) * sizeof(*w));
	size_t *order = arena_alloc(a, (count ? count : 1) * sizeof(*order));
	*out = arena_alloc(a, (count ? count : 1) * sizeof(**out));
	if (!w || !order || !*out)
		return -1;
	for (size_t i = 0; i < count; i++) {
		w[i].key = all[i].key;
		w[i].priority = all[i].priority_flag;
	}
	*n = queue_fair_order(&f->fair, w, count, (int)run, order, max < count ? max : count);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = all[order[i]];
	return 0;
}

/* Services of the facility that have lines (all active ones), by kind. */
static int facility_services(struct db_conn *c, struct arena *a, int64_t facility_id, const char *only,
			     struct service **out, size_t *n)
{
	struct db_stmt *st = db_query(c, "SELECT id FROM q_services WHERE facility_id = ? AND active = 1 AND "
					 "(CAST(? AS TEXT) IS NULL OR code = ?) ORDER BY kind DESC, code",
				      "iss", facility_id, only, only);
	if (!st)
		return -1;
	int64_t ids[64];
	size_t k = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && k < sizeof(ids) / sizeof(ids[0]))
		ids[k++] = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return -1;
	*out = arena_alloc(a, (k ? k : 1) * sizeof(**out));
	if (!*out)
		return -1;
	for (size_t i = 0; i < k; i++)
		if (queue_service_find_id(c, a, ids[i], &(*out)[i]) != DB_ROW)
			return -1;
	*n = k;
	return 0;
}

/* GET /api/queue/facilities/{fc}/lines?service=CODE: who waits, in the
 * order they will be called, and who is at a counter (staff). */
int queue_lines(struct req *r)
{
	struct facility f;
	if (queue_path_facility(r, &f) || queue_require_staff(r, &f))
		return 0;
	struct service *sv;
	size_t ns;
	char day[11];
	date_format(queue_today(r), day);
	if (facility_services(r->db, r->arena, f.id, req_query(r, "service"), &sv, &ns) != 0)
		return reply_db_error(r);
	json_t *lines = json_array();
	for (size_t i = 0; i < ns; i++) {
		struct line_entry *e;
		size_t n;
		if (line_order(r->db, r->arena, &f, sv[i].id, day, 500, &e, &n) != 0) {
			json_decref(lines);
			return reply_db_error(r);
		}
		json_t *waiting = json_array();
		for (size_t k = 0; k < n; k++)
			json_array_append_new(waiting, json_pack("{s:s, s:s?, s:s, s:s}", "label", e[k].label,
								 "priority", e[k].priority_flag ? e[k].priority : NULL,
								 "slot", queue_iso_time(r->arena, e[k].key),
								 "queued_at", queue_iso_time(r->arena, e[k].queued_at)));
		int total, left, pace, counters;
		const char *called;
		if (queue_line_counts(r->db, r->arena, sv[i].id, day, 0, &total, &left, &called) != 0 ||
		    queue_service_pace(r->db, &sv[i], day, &pace, &counters) != 0) {
			json_decref(waiting);
			json_decref(lines);
			return reply_db_error(r);
		}
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:o, s:s?, s:i, s:i}", "service", sv[i].code,
						       "name", sv[i].name, "kind", queue_kind_name(sv[i].kind),
						       "waiting", waiting, "called", called, "average_service_s", pace,
						       "open_counters", counters));
	}
	return reply_json(r, 200, json_pack("{s:s, s:o}", "date", day, "lines", lines));
}

/* GET /api/queue/facilities/{fc}/board: the waiting room's TV - each
 * counter's current number, the next numbers of each line, the latest
 * calls and the service clock's time.  Public, and carries numbers only. */
int queue_board(struct req *r)
{
	struct facility f;
	if (queue_path_facility(r, &f))
		return 0;
	char day[11];
	date_format(queue_today(r), day);
	struct service *sv;
	size_t ns;
	if (facility_services(r->db, r->arena, f.id, NULL, &sv, &ns) != 0)
		return reply_db_error(r);
	json_t *lines = json_array();
	for (size_t i = 0; i < ns; i++) {
		struct line_entry *e;
		size_t n;
		if (line_order(r->db, r->arena, &f, sv[i].id, day, BOARD_NEXT, &e, &n) != 0) {
			json_decref(lines);
			return reply_db_error(r);
		}
		json_t *next = json_array();
		for (size_t k = 0; k < n; k++)
			json_array_append_new(next, json_string(e[k].label));
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:o}", "service", sv[i].code, "name", sv[i].name,
						       "kind", queue_kind_name(sv[i].kind), "next", next));
	}
	struct db_stmt *st = db_query(r->db,
		"SELECT k.id, k.name, k.status, k.pause_reason, s.code, s.name, v.label, e.called_at"
		" FROM q_counters k JOIN q_services s ON s.id = k.service_id"
		" LEFT JOIN q_entries e ON e.id = k.entry_id LEFT JOIN q_visits v ON v.id = e.visit_id"
		" WHERE k.facility_id = ? AND k.status <> 'closed' ORDER BY k.name, k.id", "i", f.id);
	json_t *counters = json_array();
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW)
		json_array_append_new(counters, json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s?}",
			"id", (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "status", db_col_text(st, 2),
			"pause_reason", db_col_is_null(st, 3) ? NULL : db_col_text(st, 3),
			"service", db_col_text(st, 4), "service_name", db_col_text(st, 5),
			"label", db_col_is_null(st, 6) ? NULL : db_col_text(st, 6),
			"called_at", db_col_is_null(st, 7) ? NULL : queue_iso_time(r->arena, db_col_int(st, 7))));
	db_done(st);
	st = rc == DB_DONE ? db_query(r->db,
		"SELECT v.label, k.name, s.name, e.called_at FROM q_entries e JOIN q_visits v ON v.id = e.visit_id"
		" JOIN q_services s ON s.id = e.service_id LEFT JOIN q_counters k ON k.id = e.counter_id"
		" WHERE s.facility_id = ? AND e.day = ? AND e.call_seq IS NOT NULL"
		" ORDER BY e.call_seq DESC LIMIT ?", "isi", f.id, day, (int64_t)BOARD_RECENT) : NULL;
	json_t *recent = json_array();
	rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW)
		json_array_append_new(recent, json_pack("{s:s, s:s?, s:s, s:s}", "label", db_col_text(st, 0),
			"counter", db_col_is_null(st, 1) ? NULL : db_col_text(st, 1), "service_name", db_col_text(st, 2),
			"called_at", queue_iso_time(r->arena, db_col_int(st, 3))));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(lines);
		json_decref(counters);
		json_decref(recent);
		return reply_db_error(r);
	}
	/* The board's clock shows the service clock (PENDOPO_CLOCK in a demo),
	 * not the TV's own. */
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}, s:s, s:s, s:o, s:o, s:o}",
					    "facility", "code", f.code, "name", f.name, "date", day,
					    "now", queue_iso_time(r->arena, app_now(r->app)),
					    "counters", counters, "lines", lines, "recent", recent));
}
