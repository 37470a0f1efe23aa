/* case.c - cases, clocks, timeline and transitions (see case.h).
 *
 * Every write guards on the state it read (UPDATE ... WHERE state = ?), so
 * when two officers, or two instances' ticks, act on one case at once, one
 * wins and the other is told the case changed meanwhile.  Times are stored
 * as ISO-8601 UTC text and dates of service as local (WIB) YYYY-MM-DD, both
 * of which sort and compare as text in SQLite and PostgreSQL alike.
 */
#include "case.h"
#include "internal.h"
#include "can.h"
#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "holidays.h"
#include "http.h"
#include "orgs.h"
#include "strbuf.h"
#include "util.h"

#define WIB_OFFSET_S (7 * 3600)
#define TICK_BATCH 200

static const char *const visibility_names[] = { "public", "reporter", "staff" };

/* ---- time -------------------------------------------------------------------- */

int32_t case_day(time_t t)
{
	int64_t s = (int64_t)t + WIB_OFFSET_S;
	return (int32_t)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

void case_day_text(time_t t, char out[11])
{
	date_format(case_day(t), out);
}

void case_ctx_init(struct case_ctx *x, struct events *events, struct db_conn *c, struct arena *a,
		   const struct caller *caller, time_t now)
{
	memset(x, 0, sizeof(*x));
	x->events = events;
	x->c = c;
	x->a = a;
	x->caller = caller;
	x->now = now;
}

/* The holidays, once per context, in its arena. */
static const struct holidays *ctx_holidays(struct case_ctx *x)
{
	if (x->holidays_loaded)
		return &x->holidays;
	if (holidays_load(x->c, x->a, &x->holidays) != 0)
		return NULL;
	x->holidays_loaded = true;
	return &x->holidays;
}

static char *iso(struct case_ctx *x, time_t t)
{
	char buf[24];
	time_iso(t, buf);
	return arena_strdup(x->a, buf);
}

static const char *dup_col(struct case_ctx *x, struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(x->a, db_col_text(st, i));
}

/* ---- states and settings ------------------------------------------------------- */

int case_state_index(const struct case_type *t, const char *state)
{
	for (int i = 0; state && t->states[i].name && i < CASE_MAX_STATES; i++)
		if (strcmp(t->states[i].name, state) == 0)
			return i;
	return -1;
}

const struct case_state *case_state_of(const struct case_type *t, const char *state)
{
	int i = case_state_index(t, state);
	return i < 0 ? NULL : &t->states[i];
}

/* A unit read in this context, the latest first (case_unit). */
static void unit_remember(struct case_ctx *x, int64_t id, const char *code, const char *name)
{
	int n = x->n_units < 8 ? x->n_units++ : 7;
	memmove(&x->units[1], &x->units[0], (size_t)n * sizeof(x->units[0]));
	x->units[0].id = id;
	x->units[0].code = code;
	x->units[0].name = name;
}

int case_config_load(struct case_ctx *x, const struct case_type *t, struct case_config *out)
{
	if (x->config_of == t) {
		*out = x->config;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	for (int i = 0; t->states[i].name && i < CASE_MAX_STATES; i++)
		out->days[i] = t->states[i].days;
	out->desk_unit = t->desk_unit;
	out->policy = CAL_CUTI_BERSAMA_OFF;

	struct db_stmt *st = db_query(x->c, "SELECT key, value FROM case_settings WHERE type = ?", "s", t->code);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *key = db_col_text(st, 0), *value = db_col_text(st, 1);
		if (strncmp(key, "days.", 5) == 0) {
			int i = case_state_index(t, key + 5);
			if (i >= 0 && t->states[i].days > 0)
				out->days[i] = atoi(value);
		} else if (strcmp(key, "desk_unit") == 0) {
			out->desk_unit = arena_strdup(x->a, value);
		} else if (strcmp(key, "cuti_bersama_off") == 0) {
			out->policy = strcmp(value, "0") == 0 ? 0 : CAL_CUTI_BERSAMA_OFF;
		}
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	/* The desk's name comes with its id: case_unit() need not read it. */
	const char *desk_name;
	int found = out->desk_unit ? orgs_find_code(x->c, x->a, out->desk_unit, &out->desk_unit_id, &desk_name) : 1;
	if (found < 0)
		return -1;
	if (found == 0)
		unit_remember(x, out->desk_unit_id, out->desk_unit, desk_name);
	x->config = *out;
	x->config_of = t;
	return 0;
}

int case_prepare(struct case_ctx *x, const struct case_type *t)
{
	struct case_config cfg;
	const char *code, *name;
	if (case_config_load(x, t, &cfg) != 0 || !ctx_holidays(x))
		return -1;
	return cfg.desk_unit_id && case_unit(x, cfg.desk_unit_id, &code, &name) < 0 ? -1 : 0;
}

int case_unit(struct case_ctx *x, int64_t id, const char **code, const char **name)
{
	for (int i = 0; i < x->n_units; i++)
		if (x->units[i].id == id) {
			*code = x->units[i].code;
			*name = x->units[i].name;
			return 0;
		}
	int rc = orgs_code_name(x->c, x->a, id, code, name);
	if (rc == 0)
		unit_remember(x, id, *code, *name);
	return rc;
}

int case_config_set(struct case_ctx *x, const struct case_type *t, const char *key, const char *value)
{
	x->config_of = NULL;
	if (db_exec(x->c, "INSERT INTO case_settings (type, key, value) VALUES (?, ?, ?) "
			  "ON CONFLICT (type, key) DO UPDATE SET value = excluded.value",
		    "sss", t->code, key, value) != DB_DONE)
		return -1;
	json_t *d = json_pack("{s:s, s:s}", "key", key, "value", value);
	int rc = audit_append(x->c, x->caller, "case.settings", arena_printf(x->a, "case_type:%s", t->code), d);
	json_decref(d);
	return rc;
}

/* ---- reading cases ---------------------------------------------------------------- */

int case_row_fill(struct case_ctx *x, const struct case_type *t, struct db_stmt *st, struct case_row *out)
{
	memset(out, 0, sizeof(*out));
	out->type = t;
	out->id = db_col_int(st, 0);
	out->tracking = dup_col(x, st, 1);
	out->state = dup_col(x, st, 2);
	out->unit_id = db_col_int(st, 3);
	out->assignee_id = db_col_int(st, 4);
	out->reporter_id = db_col_int(st, 5);
	out->created_at = dup_col(x, st, 6);
	out->updated_at = dup_col(x, st, 7);
	out->closed_at = dup_col(x, st, 8);
	out->due_day = dup_col(x, st, 9);
	out->clock_id = db_col_int(st, 10);
	out->reopen_count = (int)db_col_int(st, 11);
	out->first_answer_at = dup_col(x, st, 12);
	out->settle_by = dup_col(x, st, 13);
	return out->tracking && out->state && out->created_at && out->updated_at ? 0 : -1;
}

static int case_read(struct case_ctx *x, const struct case_type *t, struct db_stmt *st, struct case_row *out)
{
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW && case_row_fill(x, t, st, out) != 0)
		rc = DB_ERROR;
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int case_load(struct case_ctx *x, const struct case_type *t, const char *tracking, struct case_row *out)
{
	return case_read(x, t, db_query(x->c, CASE_SELECT "WHERE tracking = ? AND type = ?", "ss",
					tracking, t->code), out);
}

int case_load_id(struct case_ctx *x, const struct case_type *t, int64_t id, struct case_row *out)
{
	return case_read(x, t, db_query(x->c, CASE_SELECT "WHERE id = ? AND type = ?", "is", id, t->code), out);
}

int case_load_secret(struct case_ctx *x, const struct case_type *t, const char *secret_hash,
		     struct case_row *out)
{
	return case_read(x, t, db_query(x->c, CASE_SELECT "WHERE secret_hash = ? AND type = ?", "ss",
					secret_hash, t->code), out);
}

/* ---- who is asking ---------------------------------------------------------------- */

/* Working a case for the desk or for the unit it sits with: the staff
 * granted in that very unit, and administrators for any. */
static const struct action case_handle = { "case.handle", .anywhere = ROLE_ADMIN,
					    .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };

unsigned case_roles(struct case_ctx *x, const struct case_row *cs, bool reporter)
{
	unsigned roles = reporter ? CASE_BY_REPORTER : 0;
	const struct caller *c = x->caller;
	if (!c)
		return CASE_BY_SYSTEM;
	struct case_config cfg;
	if (case_config_load(x, cs->type, &cfg) != 0)
		return roles;
	if (can(c, &case_handle, &(struct object){ .unit_id = cfg.desk_unit_id }))
		roles |= CASE_BY_DESK;
	if (can(c, &case_handle, &(struct object){ .unit_id = cs->unit_id }))
		roles |= CASE_BY_UNIT;
	return roles;
}

/* ---- transitions ------------------------------------------------------------------- */

static const struct case_transition *transition_for(const struct case_type *t, const char *action,
						    const char *state, bool *known)
{
	const struct case_state *s = case_state_of(t, state);
	*known = false;
	for (const struct case_transition *tr = t->transitions; tr->action; tr++) {
		if (strcmp(tr->action, action) != 0)
			continue;
		*known = true;
		if (tr->from ? strcmp(tr->from, state) == 0 : (s && s->open))
			return tr;
	}
	return NULL;
}

static bool in_window(struct case_ctx *x, const struct case_row *cs)
{
	char today[11];
	case_day_text(x->now, today);
	return cs->due_day && strcmp(today, cs->due_day) <= 0;
}

json_t *case_actions(struct case_ctx *x, const struct case_row *cs, unsigned roles)
{
	json_t *out = json_array();
	const struct case_state *s = case_state_of(cs->type, cs->state);
	for (const struct case_transition *tr = cs->type->transitions; tr->action; tr++) {
		if (!(tr->by & roles) || (tr->by & roles) == CASE_BY_SYSTEM)
			continue;
		if (tr->from ? strcmp(tr->from, cs->state) != 0 : !(s && s->open))
			continue;
		if ((tr->needs & CASE_IN_WINDOW) && !in_window(x, cs))
			continue;
		json_t *needs = json_array(), *reasons = json_array();
		if (tr->needs & CASE_NEEDS_UNIT)
			json_array_append_new(needs, json_string("unit"));
		if (tr->needs & CASE_NEEDS_TEXT)
			json_array_append_new(needs, json_string("text"));
		if (tr->needs & CASE_NEEDS_REASON)
			json_array_append_new(needs, json_string("reason"));
		for (const char *const *r = tr->reasons; r && *r; r++)
			json_array_append_new(reasons, json_string(*r));
		json_array_append_new(out, json_pack("{s:s, s:s?, s:o, s:o}", "action", tr->action,
						     "to", tr->to, "needs", needs, "reasons", reasons));
	}
	return out;
}

static const char *actor_kind(const struct case_ctx *x, unsigned by, unsigned roles)
{
	if (!x->caller)
		return "system";
	if ((by & roles & (CASE_BY_UNIT | CASE_BY_DESK)) || !(roles & CASE_BY_REPORTER))
		return "staff";
	return "reporter";
}

/* One timeline row.  text_v hides the text from audiences below it while
 * the event itself (a state change) stays visible at v. */
static int event_add(struct case_ctx *x, const struct case_row *cs, const char *kind, enum case_visibility v,
		     const char *actor, const char *from, const char *to, const char *text,
		     enum case_visibility text_v, json_t *data, int64_t *id_out)
{
	const struct caller *c = x->caller;
	bool staff = strcmp(actor, "staff") == 0;
	char *d = data ? arena_json_dumps(x->a, data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!id_out)
		/* Nobody reads its id: it goes with the next statement. */
		return db_exec_queued(x->c, "INSERT INTO case_events (case_id, at, kind, visibility, text_visibility,"
					    " actor, actor_id, actor_name, unit_id, from_state, to_state, text, data) "
					    "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?, ?, ?)",
				      "isssssisissss", cs->id, iso(x, x->now), kind, visibility_names[v],
				      visibility_names[text_v], actor, c ? c->user_id : (int64_t)0,
				      staff && c ? c->name : NULL, cs->unit_id, from, to, text, d) == DB_DONE ? 0 : -1;
	int64_t id;
	int rc = db_query_int(x->c, &id,
			      "INSERT INTO case_events (case_id, at, kind, visibility, text_visibility, actor, actor_id,"
			      " actor_name, unit_id, from_state, to_state, text, data) "
			      "VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?, ?, ?) RETURNING id",
			      "isssssisissss", cs->id, iso(x, x->now), kind, visibility_names[v],
			      visibility_names[text_v], actor, c ? c->user_id : (int64_t)0,
			      staff && c ? c->name : NULL, cs->unit_id, from, to, text, d);
	if (rc != DB_ROW)
		return -1;
	if (id_out)
		*id_out = id;
	return 0;
}

static int audit_case(struct case_ctx *x, const struct case_row *cs, const char *action, json_t *details)
{
	return audit_append(x->c, x->caller, arena_printf(x->a, "case.%s", action),
			    arena_printf(x->a, "case:%s", cs->tracking), details);
}

static int notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data)
{
	return cs->type->notify && topic ? cs->type->notify(x, cs, topic, data) : 0;
}

/* Stop the running clock with an outcome. */
static int clock_stop(struct case_ctx *x, const struct case_row *cs, const char *outcome)
{
	if (!cs->clock_id)
		return 0;
	return db_exec(x->c, "UPDATE case_clocks SET stopped_at = ?, outcome = ? WHERE id = ? AND stopped_at IS NULL",
		       "ssi", iso(x, x->now), outcome, cs->clock_id) == DB_DONE ? 0 : -1;
}

/* Start a clock for state in unit: *clock_id and *due set (0 and NULL when
 * the state keeps no clock). */
static int clock_start(struct case_ctx *x, const struct case_type *t, int64_t case_id, const char *state,
		       int64_t unit_id, int64_t *clock_id, const char **due)
{
	struct case_config cfg;
	int i = case_state_index(t, state);
	*clock_id = 0;
	*due = NULL;
	if (i < 0 || t->states[i].days <= 0)
		return 0;
	const struct holidays *h = ctx_holidays(x);
	if (!h || case_config_load(x, t, &cfg) != 0)
		return -1;
	char start[11], due_buf[11];
	int32_t start_day = case_day(x->now);
	date_format(start_day, start);
	date_format(workdays_add(h, start_day, cfg.days[i], cfg.policy), due_buf);
	*due = arena_strdup(x->a, due_buf);
	return db_query_int(x->c, clock_id,
			    "INSERT INTO case_clocks (case_id, state, unit_id, start_at, start_day, days, policy, due_day) "
			    "VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?) RETURNING id", "isissiis",
			    case_id, state, unit_id, iso(x, x->now), start, (int64_t)cfg.days[i],
			    (int64_t)cfg.policy, *due) == DB_ROW ? 0 : -1;
}

/* Add state's days to the running clock: its start and rule stay, so a
 * holiday added later moves the extended due date too. */
static int clock_extend(struct case_ctx *x, const struct case_row *cs, const char *state, const char **due)
{
	struct case_config cfg;
	int i = case_state_index(cs->type, state);
	const struct holidays *h = ctx_holidays(x);
	if (i < 0 || !h || case_config_load(x, cs->type, &cfg) != 0)
		return -1;
	struct db_stmt *st = db_query(x->c, "SELECT start_day, days, policy FROM case_clocks WHERE id = ?", "i",
				      cs->clock_id);
	if (!st)
		return -1;
	int32_t start = 0;
	int64_t days = 0, policy = 0;
	int rc = db_step(st);
	if (rc == DB_ROW && date_parse(db_col_text(st, 0), &start) == 0) {
		days = db_col_int(st, 1) + cfg.days[i];
		policy = db_col_int(st, 2);
	} else {
		rc = DB_ERROR;
	}
	db_done(st);
	if (rc != DB_ROW)
		return -1;
	char due_buf[11];
	date_format(workdays_add(h, start, (int)days, (unsigned)policy), due_buf);
	*due = arena_strdup(x->a, due_buf);
	return db_exec(x->c, "UPDATE case_clocks SET days = ?, due_day = ?, state = ? WHERE id = ?", "issi", days,
		       *due, state, cs->clock_id) == DB_DONE &&
	       db_exec(x->c, "UPDATE cases SET due_day = ? WHERE id = ?", "si", *due, cs->id) == DB_DONE ? 0 : -1;
}

static int refuse(struct case_error *err, int status, const char *code, const char *message, const char *field)
{
	err->status = status;
	err->code = code;
	err->message = message;
	err->field = field;
	return 1;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

int case_take(struct case_ctx *x, struct case_row *cs, const char *action, unsigned roles,
	      const struct case_input *in, struct case_error *err)
{
	bool known;
	const struct case_transition *tr = transition_for(cs->type, action, cs->state, &known);
	if (!known)
		return refuse(err, 404, "not_found", arena_printf(x->a, "there is no action '%s'", action), NULL);
	/* Who may: asked before when, so a stranger learns nothing of the state. */
	bool may = false;
	for (const struct case_transition *t = cs->type->transitions; t->action && !may; t++)
		may = strcmp(t->action, action) == 0 && (t->by & roles);
	if (!may)
		return refuse(err, 403, "forbidden", arena_printf(x->a, "you may not %s this case", action), NULL);
	if (!tr)
		return refuse(err, 409, "conflict",
			      arena_printf(x->a, "a case in state %s cannot take the action %s", cs->state, action), NULL);
	if (!(tr->by & roles))
		return refuse(err, 403, "forbidden", arena_printf(x->a, "you may not %s this case", action), NULL);
	if ((tr->needs & CASE_NEEDS_UNIT) && !in->unit_id)
		return refuse(err, 400, "invalid", "unit is required: the code of the unit to hand the case to", "unit");
	if ((tr->needs & CASE_NEEDS_UNIT) && tr->to == NULL && in->unit_id == cs->unit_id)
		return refuse(err, 400, "invalid", "the case is already with this unit", "unit");
	if ((tr->needs & CASE_NEEDS_TEXT) && blank(in->text))
		return refuse(err, 400, "invalid", "text is required", "text");
	if (tr->needs & CASE_NEEDS_REASON) {
		bool ok = false;
		for (const char *const *r = tr->reasons; in->reason && r && *r && !ok; r++)
			ok = strcmp(*r, in->reason) == 0;
		if (!ok) {
			char list[256] = "";
			for (const char *const *r = tr->reasons; r && *r; r++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 list[0] ? ", " : "", *r);
			return refuse(err, 400, "invalid", arena_printf(x->a, "reason must be one of: %s", list), "reason");
		}
	}
	if ((tr->needs & CASE_IN_WINDOW) && !in_window(x, cs))
		return refuse(err, 409, "conflict",
			      arena_printf(x->a, "the time to %s this case ended on %s", action,
					   cs->due_day ? cs->due_day : "its last change"), NULL);

	const char *to = tr->to ? tr->to : cs->state;
	const struct case_state *ns = case_state_of(cs->type, to);
	int64_t unit = (tr->needs & CASE_NEEDS_UNIT) ? in->unit_id : cs->unit_id;
	bool extend = (tr->flags & CASE_T_EXTEND) && cs->clock_id;
	bool new_clock = !extend && (strcmp(to, cs->state) != 0 || (tr->flags & CASE_T_NEW_CLOCK));
	const char *now = iso(x, x->now);
	const char *old_due = cs->due_day;

	/* The guard: only the state we checked may change. */
	if (db_exec(x->c, "UPDATE cases SET state = ?, unit_id = NULLIF(?, 0), updated_at = ?, "
			  "assignee_id = CASE WHEN ? = 1 THEN NULL ELSE assignee_id END, "
			  "closed_at = CASE WHEN ? = 1 THEN ? ELSE NULL END, "
			  "reopen_count = reopen_count + ? WHERE id = ? AND state = ?",
		    "sisbbsiis", to, unit, now, (int)(unit != cs->unit_id), (int)!ns->open, now,
		    (int64_t)((tr->flags & CASE_T_REOPEN) ? 1 : 0), cs->id, cs->state) != DB_DONE)
		return -1;
	if (db_changes(x->c) == 0)
		return refuse(err, 409, "conflict", "the case changed meanwhile; load it again", NULL);

	int64_t clock_id = cs->clock_id;
	const char *due = cs->due_day;
	if (new_clock) {
		if (clock_stop(x, cs, action) != 0 ||
		    clock_start(x, cs->type, cs->id, to, unit, &clock_id, &due) != 0 ||
		    db_exec_queued(x->c, "UPDATE cases SET clock_id = NULLIF(?, 0), due_day = ? WHERE id = ?", "isi",
			    clock_id, due, cs->id) != DB_DONE)
			return -1;
	} else if (extend && clock_extend(x, cs, to, &due) != 0) {
		return -1;
	}
	if ((tr->flags & CASE_T_ANSWER) && !cs->first_answer_at) {
		char today[11];
		time_t created = 0;
		struct tm tm = { 0 };
		case_day_text(x->now, today);
		if (strptime(cs->created_at, "%Y-%m-%dT%H:%M:%SZ", &tm))
			created = timegm(&tm);
		if (db_exec(x->c, "UPDATE cases SET first_answer_at = ?, answer_secs = ?, answered_on_time = ? WHERE id = ?",
			    "siii", now, (int64_t)(x->now - created), (int64_t)(!old_due || strcmp(today, old_due) <= 0),
			    cs->id) != DB_DONE)
			return -1;
		cs->first_answer_at = now;
	}

	const char *from = cs->state;
	int64_t from_unit = cs->unit_id;
	cs->state = to;
	cs->unit_id = unit;
	cs->clock_id = clock_id;
	cs->due_day = due;
	cs->updated_at = now;
	if (from_unit != unit)
		cs->assignee_id = 0;
	if (!ns->open)
		cs->closed_at = now;
	if (tr->flags & CASE_T_REOPEN)
		cs->reopen_count++;

	json_t *data = in->data ? json_deep_copy(in->data) : json_object();
	if (in->reason)
		json_object_set_new(data, "reason", json_string(in->reason));
	if (from_unit != unit) {
		const char *code, *name;
		if (from_unit && orgs_code_name(x->c, x->a, from_unit, &code, &name) == 0)
			json_object_set_new(data, "from_unit", json_pack("{s:s, s:s}", "code", code, "name", name));
		if (unit && orgs_code_name(x->c, x->a, unit, &code, &name) == 0)
			json_object_set_new(data, "to_unit", json_pack("{s:s, s:s}", "code", code, "name", name));
	}
	const char *text = blank(in->text) ? NULL : in->text;
	int rc = event_add(x, cs, action, CASE_PUBLIC, actor_kind(x, tr->by, roles), from, to, text,
			   tr->text_visibility, data, NULL);
	json_object_set_new(data, "action", json_string(action));
	json_object_set_new(data, "from", json_string(from));
	json_object_set_new(data, "to", json_string(to));
	if (due)
		json_object_set_new(data, "due", json_string(due));
	if (rc == 0)
		rc = notify(x, cs, tr->topic, data);
	if (rc == 0)
		rc = audit_case(x, cs, action, data);
	json_decref(data);
	return rc == 0 ? 0 : -1;
}

/* ---- opening ------------------------------------------------------------------------ */

/* The next tracking number of the type for year, from a counter row
 * updated in the caller's transaction, so a number is never given twice.
 * SQLite's one writer takes turns anyway: one row, numbers without gaps.
 * On PostgreSQL one row would make every new case of the cluster wait for
 * the one before it to commit: there each connection counts in the row of
 * its slot (its server process), slot s giving s + 1, s + 1 + SLOTS, ...,
 * so concurrent cases lock different rows.  Tracking numbers may have
 * gaps (letter numbers may not, and keep one row: letters_number.c). */
#define TRACKING_SLOTS "16"
static const char *const next_tracking_sql[] = {
	[DB_SQLITE] = "INSERT INTO case_sequences (type, year, next) VALUES (?, ?, 2) "
		      "ON CONFLICT (type, year) DO UPDATE SET next = case_sequences.next + 1 "
		      "RETURNING next - 1",
	[DB_POSTGRES] = "INSERT INTO case_tracking_slots (type, year, slot, next) "
			"VALUES (?, ?, pg_backend_pid() % " TRACKING_SLOTS ", 2) "
			"ON CONFLICT (type, year, slot) DO UPDATE SET next = case_tracking_slots.next + 1 "
			"RETURNING (next - 2) * " TRACKING_SLOTS " + slot + 1",
};

static int next_tracking(struct case_ctx *x, const struct case_type *t, int year, const char **out)
{
	int64_t n;
	if (db_query_int(x->c, &n, next_tracking_sql[db_conn_dialect(x->c)], "si", t->code, (int64_t)year) != DB_ROW)
		return -1;
	*out = arena_printf(x->a, "%s-%04d-%06" PRId64, t->prefix, year, n);
	return *out ? 0 : -1;
}

/* The first moment after the settlement limit of a case opened at
 * created: local midnight ending its last day, as UTC text (so it compares
 * with closed_at and with now in either dialect), or NULL. */
static const char *settle_by(struct case_ctx *x, const struct case_type *t, time_t created)
{
	if (t->settle_days <= 0)
		return NULL;
	int64_t day_after = (int64_t)case_day(created) + t->settle_days + 1;
	return iso(x, (time_t)(day_after * 86400 - WIB_OFFSET_S));
}

static int insert_case(struct case_ctx *x, const struct case_type *t, time_t created, const char *state,
		       int64_t unit_id, int64_t reporter_id, const char *secret_hash, bool demo, struct case_row *out)
{
	int y, m, d;
	date_to_ymd(case_day(created), &y, &m, &d);
	const char *tracking, *at = iso(x, created), *settle = settle_by(x, t, created);
	if (next_tracking(x, t, y, &tracking) != 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (db_query_int(x->c, &out->id,
			 "INSERT INTO cases (type, tracking, state, unit_id, reporter_id, secret_hash, created_at, updated_at,"
			 " demo, settle_by) VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?) RETURNING id",
			 "sssiisssbs", t->code, tracking, state, unit_id, reporter_id, secret_hash, at, at, (int)demo,
			 settle) != DB_ROW)
		return -1;
	out->settle_by = settle;
	out->type = t;
	out->tracking = tracking;
	out->state = state;
	out->unit_id = unit_id;
	out->reporter_id = reporter_id;
	out->created_at = out->updated_at = at;
	return 0;
}

int case_open(struct case_ctx *x, const struct case_type *t, const struct case_new *n, struct case_row *out)
{
	struct case_config cfg;
	if (case_config_load(x, t, &cfg) != 0)
		return -1;
	int64_t unit = n->unit_id ? n->unit_id : cfg.desk_unit_id;
	if (insert_case(x, t, x->now, t->initial, unit, n->reporter_id, n->secret_hash, n->demo, out) != 0 ||
	    clock_start(x, t, out->id, t->initial, unit, &out->clock_id, &out->due_day) != 0 ||
	    db_exec_queued(x->c, "UPDATE cases SET clock_id = NULLIF(?, 0), due_day = ? WHERE id = ?", "isi",
		    out->clock_id, out->due_day, out->id) != DB_DONE)
		return -1;
	return event_add(x, out, "submitted", CASE_PUBLIC, "reporter", NULL, t->initial, NULL, CASE_PUBLIC, NULL, NULL);
}

int case_opened(struct case_ctx *x, const struct case_row *cs)
{
	json_t *data = json_pack("{s:s, s:s?}", "state", cs->type->initial, "due", cs->due_day);
	int rc = notify(x, cs, arena_printf(x->a, "%s.submitted", cs->type->code), data);
	if (rc == 0)
		rc = audit_case(x, cs, "open", data);
	json_decref(data);
	return rc;
}

int case_import(struct case_ctx *x, const struct case_type *t, const struct case_history *h, struct case_row *out)
{
	const struct case_state *s = case_state_of(t, h->state);
	if (!s)
		return -1;
	time_t now = x->now;
	x->now = h->created;
	int rc = insert_case(x, t, h->created, h->state, h->unit_id, 0, NULL, h->demo, out);
	if (rc == 0)
		rc = event_add(x, out, "submitted", CASE_PUBLIC, "reporter", NULL, t->initial, NULL, CASE_PUBLIC, NULL, NULL);
	if (rc == 0 && s->open) {
		/* The clock of the state it is in, as if entered when the
		 * last thing happened to it. */
		x->now = h->answered ? h->answered : h->created;
		rc = clock_start(x, t, out->id, h->state, h->unit_id, &out->clock_id, &out->due_day);
		if (rc == 0)
			rc = db_exec_queued(x->c, "UPDATE cases SET clock_id = NULLIF(?, 0), due_day = ? WHERE id = ?", "isi",
				     out->clock_id, out->due_day, out->id) == DB_DONE ? 0 : -1;
	}
	if (rc == 0 && h->answered) {
		/* On time: within the working days of every open state before
		 * the answer (verification plus follow-up). */
		struct case_config cfg;
		const struct holidays *hol = ctx_holidays(x);
		int allowed = 0, answered_at = -1;
		rc = hol && case_config_load(x, t, &cfg) == 0 ? 0 : -1;
		for (const struct case_transition *tr = t->transitions; tr->action; tr++)
			if ((tr->flags & CASE_T_ANSWER) && tr->to)
				answered_at = case_state_index(t, tr->to);
		for (int i = 0; i < answered_at; i++)
			allowed += cfg.days[i];
		int took = rc == 0 ? workdays_between(hol, case_day(h->created), case_day(h->answered), cfg.policy) : 0;
		if (rc == 0)
			rc = db_exec(x->c, "UPDATE cases SET first_answer_at = ?, answer_secs = ?, answered_on_time = ?, "
					   "updated_at = ? WHERE id = ?", "siisi", iso(x, h->answered),
				     (int64_t)(h->answered - h->created), (int64_t)(took <= allowed),
				     iso(x, h->answered), out->id) == DB_DONE ? 0 : -1;
	}
	if (rc == 0 && h->closed)
		rc = db_exec(x->c, "UPDATE cases SET closed_at = ?, updated_at = ? WHERE id = ?", "ssi",
			     iso(x, h->closed), iso(x, h->closed), out->id) == DB_DONE ? 0 : -1;
	x->now = now;
	return rc;
}

/* ---- messages, assignment, attachments --------------------------------------------- */

int case_message(struct case_ctx *x, struct case_row *cs, enum case_visibility v, unsigned roles,
		 const char *text, int64_t *event_id)
{
	const char *actor = actor_kind(x, CASE_BY_UNIT | CASE_BY_DESK | CASE_BY_REPORTER, roles);
	const char *now = iso(x, x->now);
	if (event_add(x, cs, "message", v, actor, NULL, NULL, text, v, NULL, event_id) != 0 ||
	    db_exec(x->c, "UPDATE cases SET updated_at = ? WHERE id = ?", "si", now, cs->id) != DB_DONE)
		return -1;
	cs->updated_at = now;
	json_t *data = json_pack("{s:s, s:s}", "visibility", visibility_names[v], "actor", actor);
	int rc = notify(x, cs, arena_printf(x->a, "%s.message", cs->type->code), data);
	if (rc == 0)
		rc = audit_case(x, cs, "message", data);
	json_decref(data);
	return rc;
}

int case_event(struct case_ctx *x, struct case_row *cs, const char *kind, unsigned roles,
	       enum case_visibility v, const char *text, enum case_visibility text_v, json_t *data)
{
	const char *now = iso(x, x->now);
	if (event_add(x, cs, kind, v, actor_kind(x, CASE_BY_UNIT | CASE_BY_DESK | CASE_BY_REPORTER, roles),
		      NULL, NULL, text, text_v, data, NULL) != 0 ||
	    db_exec(x->c, "UPDATE cases SET updated_at = ? WHERE id = ?", "si", now, cs->id) != DB_DONE)
		return -1;
	cs->updated_at = now;
	return audit_case(x, cs, kind, data);
}

int case_assign(struct case_ctx *x, struct case_row *cs, int64_t user_id, const char *user_name)
{
	const char *now = iso(x, x->now);
	if (db_exec(x->c, "UPDATE cases SET assignee_id = NULLIF(?, 0), updated_at = ? WHERE id = ?", "isi",
		    user_id, now, cs->id) != DB_DONE)
		return -1;
	cs->assignee_id = user_id;
	cs->updated_at = now;
	json_t *data = json_pack("{s:I, s:s?}", "assignee", (json_int_t)user_id, "name", user_name);
	int rc = event_add(x, cs, "assigned", CASE_STAFF, "staff", NULL, NULL, NULL, CASE_STAFF, data, NULL);
	if (rc == 0)
		rc = notify(x, cs, arena_printf(x->a, "%s.assigned", cs->type->code), data);
	if (rc == 0)
		rc = audit_case(x, cs, "assign", data);
	json_decref(data);
	return rc;
}

int case_attach(struct case_ctx *x, const struct case_row *cs, const char *sha, const char *mime,
		int64_t size, bool public_ok)
{
	return db_exec(x->c, "INSERT INTO case_attachments (case_id, sha256, mime, size, public, created_at) "
			     "VALUES (?, ?, ?, ?, ?, ?)", "issibs", cs->id, sha, mime, size, (int)public_ok,
		       iso(x, x->now)) == DB_DONE ? 0 : -1;
}

int case_sha_in_use(struct db_conn *c, const char *sha)
{
	int64_t n;
	int rc = db_query_int(c, &n, "SELECT count(*) FROM case_attachments WHERE sha256 = ?", "s", sha);
	return rc == DB_ROW ? n > 0 : -1;
}

json_t *case_attachments(struct case_ctx *x, const struct case_row *cs, bool public_only)
{
	struct db_stmt *st = db_query(x->c, "SELECT mime, size, public FROM case_attachments WHERE case_id = ? "
					    "ORDER BY id", "i", cs->id);
	if (!st)
		return NULL;
	json_t *out = json_array();
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		n++;
		if (public_only && !db_col_int(st, 2))
			continue;
		json_array_append_new(out, json_pack("{s:i, s:s, s:I, s:b}", "n", n, "mime", db_col_text(st, 0),
						     "size", (json_int_t)db_col_int(st, 1), "public", (int)db_col_int(st, 2)));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int case_attachment(struct case_ctx *x, const struct case_row *cs, int n, bool public_only,
		    const char **sha, const char **mime)
{
	struct db_stmt *st = db_query(x->c, "SELECT sha256, mime, public FROM case_attachments WHERE case_id = ? "
					    "ORDER BY id LIMIT 1 OFFSET ?", "ii", cs->id, (int64_t)(n - 1));
	if (!st || n < 1) {
		db_done(st);
		return n < 1 ? 1 : -1;
	}
	int rc = db_step(st);
	if (rc == DB_ROW) {
		if (public_only && !db_col_int(st, 2)) {
			rc = DB_DONE;
		} else {
			*sha = arena_strdup(x->a, db_col_text(st, 0));
			*mime = arena_strdup(x->a, db_col_text(st, 1));
		}
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

/* ---- reading the history ------------------------------------------------------------ */

static enum case_visibility visibility_parse(const char *s)
{
	return strcmp(s, "staff") == 0 ? CASE_STAFF : strcmp(s, "reporter") == 0 ? CASE_REPORTER : CASE_PUBLIC;
}

static json_t *unit_json(struct case_ctx *x, int64_t unit_id)
{
	const char *code, *name;
	if (!unit_id || case_unit(x, unit_id, &code, &name) != 0)
		return json_null();
	return json_pack("{s:s, s:s}", "code", code, "name", name);
}

json_t *case_timeline(struct case_ctx *x, const struct case_row *cs, enum case_visibility max, bool staff_names)
{
	struct db_stmt *st = db_query(x->c, "SELECT e.id, e.at, e.kind, e.visibility, e.text_visibility, e.actor,"
					    " e.actor_name, e.from_state, e.to_state, e.text, e.data, u.code, u.name "
					    "FROM case_events e LEFT JOIN org_units u ON u.id = e.unit_id "
					    "WHERE e.case_id = ? ORDER BY e.id", "i", cs->id);
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (visibility_parse(db_col_text(st, 3)) > max)
			continue;
		bool show_text = visibility_parse(db_col_text(st, 4)) <= max;
		const char *actor = db_col_text(st, 5);
		json_t *data = db_col_is_null(st, 10) ? json_object() : json_loads(db_col_text(st, 10), 0, NULL);
		if (!data)
			data = json_object();
		/* Staff-only facts (who was assigned) stay with staff. */
		if (max < CASE_STAFF)
			json_object_del(data, "assignee"), json_object_del(data, "name");
		json_t *unit = db_col_is_null(st, 11) || strcmp(actor, "staff") != 0 ? json_null()
			       : json_pack("{s:s, s:s}", "code", db_col_text(st, 11), "name", db_col_text(st, 12));
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:o, s:s?, s:s?, s:s?, s:o}",
			"id", (json_int_t)db_col_int(st, 0), "at", db_col_text(st, 1), "kind", db_col_text(st, 2),
			"visibility", db_col_text(st, 3), "actor", actor,
			"actor_name", staff_names ? db_col_text(st, 6) : NULL, "unit", unit,
			"from", db_col_text(st, 7), "to", db_col_text(st, 8),
			"text", show_text ? db_col_text(st, 9) : NULL, "data", data));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *case_clocks(struct case_ctx *x, const struct case_row *cs)
{
	struct db_stmt *st = db_query(x->c, "SELECT k.state, u.code, u.name, k.start_at, k.start_day, k.days, k.due_day,"
					    " k.stopped_at, k.outcome, k.escalated_at "
					    "FROM case_clocks k LEFT JOIN org_units u ON u.id = k.unit_id "
					    "WHERE k.case_id = ? ORDER BY k.id", "i", cs->id);
	if (!st)
		return NULL;
	json_t *out = json_array();
	int rc;
	char today[11];
	case_day_text(x->now, today);
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *unit = db_col_is_null(st, 1) ? json_null()
			       : json_pack("{s:s, s:s}", "code", db_col_text(st, 1), "name", db_col_text(st, 2));
		const char *due = db_col_text(st, 6), *stopped = db_col_text(st, 7);
		/* Late: stopped after its due day, or still running past it. */
		char stop_day[11] = "";
		if (stopped) {
			struct tm tm = { 0 };
			if (strptime(stopped, "%Y-%m-%dT%H:%M:%SZ", &tm))
				case_day_text(timegm(&tm), stop_day);
		}
		bool late = stopped ? strcmp(stop_day, due) > 0 : strcmp(today, due) > 0;
		json_array_append_new(out, json_pack("{s:s, s:o, s:s, s:s, s:I, s:s, s:s?, s:s?, s:b, s:s?}",
			"state", db_col_text(st, 0), "unit", unit, "started", db_col_text(st, 3),
			"start_day", db_col_text(st, 4), "days", (json_int_t)db_col_int(st, 5), "due", due,
			"stopped", stopped, "outcome", db_col_text(st, 8), "late", (int)late,
			"escalated", db_col_text(st, 9)));
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *case_summary(struct case_ctx *x, const struct case_row *cs)
{
	const struct case_state *s = case_state_of(cs->type, cs->state);
	char today[11];
	case_day_text(x->now, today);
	bool overdue = cs->due_day && strcmp(today, cs->due_day) > 0 && s && !s->on_expiry;
	return json_pack("{s:s, s:s, s:b, s:o, s:s?, s:b, s:s, s:s, s:s?, s:i}",
			 "tracking", cs->tracking, "state", cs->state, "open", s && s->open,
			 "unit", unit_json(x, cs->unit_id), "due", cs->due_day, "overdue", (int)overdue,
			 "created_at", cs->created_at, "updated_at", cs->updated_at, "closed_at", cs->closed_at,
			 "reopened", cs->reopen_count);
}

int case_settle(struct case_ctx *x, const struct case_row *cs, const char **due, bool *overdue)
{
	struct tm tm = { 0 };
	if (!cs->settle_by || !strptime(cs->settle_by, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return 1;
	char day[11];
	case_day_text(timegm(&tm) - 1, day);
	*due = arena_strdup(x->a, day);
	/* ISO-8601 UTC text orders as time does. */
	*overdue = strcmp(cs->closed_at ? cs->closed_at : iso(x, x->now), cs->settle_by) >= 0;
	return 0;
}

/* ---- deadlines and the tick ---------------------------------------------------------- */

long case_deadlines_recompute(struct db_conn *c)
{
	struct arena *a = arena_new(0);
	struct holidays h;
	if (!a || holidays_load(c, a, &h) != 0) {
		arena_free(a);
		return -1;
	}
	struct db_stmt *st = db_query(c, "SELECT id, case_id, start_day, days, policy, due_day FROM case_clocks "
					 "WHERE stopped_at IS NULL ORDER BY id", "");
	struct moved {
		int64_t id, case_id;
		char due[11];
	} *moved = NULL;
	size_t n = 0, cap = 0;
	long rc = st ? 0 : -1;
	int step;
	while (st && (step = db_step(st)) == DB_ROW) {
		int32_t start;
		if (date_parse(db_col_text(st, 2), &start) != 0)
			continue;
		char due[11];
		date_format(workdays_add(&h, start, (int)db_col_int(st, 3), (unsigned)db_col_int(st, 4)), due);
		if (strcmp(due, db_col_text(st, 5)) == 0)
			continue;
		struct moved *m = ARENA_PUSH(a, moved, n, cap);
		if (!m) {
			step = DB_ERROR;
			break;
		}
		m->id = db_col_int(st, 0);
		m->case_id = db_col_int(st, 1);
		memcpy(m->due, due, sizeof(due));
	}
	if (st) {
		if (step != DB_DONE)
			rc = -1;
		db_done(st);
	}
	/* Written after the read is finished: a statement still stepping
	 * over case_clocks must not see its own updates. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (db_exec(c, "UPDATE case_clocks SET due_day = ? WHERE id = ?", "si", moved[i].due, moved[i].id) != DB_DONE ||
		    db_exec(c, "UPDATE cases SET due_day = ? WHERE id = ? AND clock_id = ?", "sii", moved[i].due,
			    moved[i].case_id, moved[i].id) != DB_DONE)
			rc = -1;
	}
	arena_free(a);
	return rc == 0 ? (long)n : -1;
}

/* A fingerprint of the holiday list, to notice changes made by any means. */
static int holidays_fingerprint(struct db_conn *c, char out[65])
{
	struct arena *a = arena_new(0);
	struct holidays h;
	int rc = a ? holidays_load(c, a, &h) : -1;
	if (rc == 0)
		sha256_hex(h.days ? (const void *)h.days : "", h.n * sizeof(*h.days), out);
	arena_free(a);
	return rc;
}

/* The case module's tick: when the holidays changed since the last look,
 * re-derive every running clock.  The fingerprint row is claimed with a
 * guarded update, so of several instances one does the work. */
static void case_module_tick(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	char fp[65];
	if (holidays_fingerprint(c, fp) == 0 && db_tx_begin(c) == DB_OK) {
		int ok = db_exec(c, "INSERT INTO case_meta (key, value) VALUES ('holidays', '') "
				    "ON CONFLICT (key) DO NOTHING", "") == DB_DONE &&
			 db_exec(c, "UPDATE case_meta SET value = ? WHERE key = 'holidays' AND value <> ?",
				 "ss", fp, fp) == DB_DONE;
		long moved = ok && db_changes(c) ? case_deadlines_recompute(c) : 0;
		if (ok && moved >= 0 && db_tx_commit(c) == DB_OK) {
			if (moved > 0)
				log_info("holidays changed, deadlines moved", LOG_F("module", "case"), LOG_F("moved", moved));
		} else {
			log_error("deadline recompute failed", LOG_F("module", "case"), LOG_F("error", db_errmsg(c)));
			db_tx_rollback(c);
		}
	}
	db_release(app->db, c);
}

/* Ids of cases of type t in state whose running clock is past due (and,
 * unless the state expires, not yet escalated), after the id after. */
static size_t due_cases(struct db_conn *c, const struct case_type *t, const struct case_state *state,
			const char *today, int64_t after, int64_t ids[TICK_BATCH])
{
	struct db_stmt *st = db_query(c, "SELECT c.id FROM cases c JOIN case_clocks k ON k.id = c.clock_id "
					 "WHERE c.type = ? AND c.state = ? AND c.due_day < ? AND c.id > ? "
					 "AND (? = 1 OR k.escalated_at IS NULL) ORDER BY c.id LIMIT ?",
				      "sssiii", t->code, state->name, today, after,
				      (int64_t)(state->on_expiry != NULL), (int64_t)TICK_BATCH);
	size_t n = 0;
	if (!st)
		return 0;
	while (n < TICK_BATCH && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_done(st);
	return n;
}

/* One overdue case: take its expiry action, or escalate it once. */
static int tick_case(struct app *app, struct db_conn *c, const struct case_type *t, int64_t id, bool expiring)
{
	struct arena *a = arena_new(8192);
	struct case_ctx x;
	struct case_row cs;
	int changed = 0;
	if (!a)
		return -1;
	case_ctx_init(&x, app->events, c, a, NULL, app_now(app));
	if (db_tx_begin(c) != DB_OK) {
		arena_free(a);
		return -1;
	}
	int rc = case_load_id(&x, t, id, &cs);
	char today[11];
	case_day_text(x.now, today);
	const struct case_state *s = rc == 0 ? case_state_of(t, cs.state) : NULL;
	if (rc == 0 && s && cs.due_day && strcmp(today, cs.due_day) > 0) {
		if (expiring && s->on_expiry) {
			struct case_input in = { 0 };
			struct case_error err;
			rc = case_take(&x, &cs, s->on_expiry, CASE_BY_SYSTEM, &in, &err);
			changed = rc == 0;
			if (rc > 0)
				rc = 0;		/* someone else got there first */
		} else if (!expiring && !s->on_expiry) {
			rc = db_exec(c, "UPDATE case_clocks SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL",
				     "si", iso(&x, x.now), cs.clock_id) == DB_DONE ? 0 : -1;
			if (rc == 0 && db_changes(c) == 1) {
				json_t *data = json_pack("{s:s, s:s}", "state", cs.state, "due", cs.due_day);
				rc = event_add(&x, &cs, "escalated", CASE_STAFF, "system", NULL, NULL, NULL, CASE_STAFF,
					       data, NULL);
				if (rc == 0)
					rc = notify(&x, &cs, arena_printf(a, "%s.overdue", t->code), data);
				if (rc == 0)
					rc = audit_case(&x, &cs, "escalate", data);
				json_decref(data);
				changed = rc == 0;
			}
		}
	}
	if (rc < 0 || db_tx_commit(c) != DB_OK) {
		log_error("case tick failed", LOG_F("module", "case"), LOG_F("type", t->code), LOG_F("case", id),
			  LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
		changed = -1;
	}
	arena_free(a);
	return changed;
}

long case_tick(struct app *app, const struct case_type *t)
{
	struct db_conn *c = db_acquire(app->db);
	char today[11];
	long changed = 0;
	case_day_text(app_now(app), today);
	for (const struct case_state *s = t->states; s->name; s++) {
		int64_t ids[TICK_BATCH], after = 0;
		size_t n;
		if (!s->open || s->days <= 0)
			continue;
		do {
			n = due_cases(c, t, s, today, after, ids);
			for (size_t i = 0; i < n; i++) {
				if (tick_case(app, c, t, ids[i], s->on_expiry != NULL) > 0)
					changed++;
				after = ids[i];
			}
		} while (n == TICK_BATCH);
	}
	db_release(app->db, c);
	if (changed > 0)
		log_info("cases closed or escalated", LOG_F("type", t->code), LOG_F("count", changed));
	return changed;
}

/* ---- tables ----------------------------------------------------------------------------- */

#define CASE_TABLES(ID, BIGINT) \
	"CREATE TABLE case_sequences (type TEXT NOT NULL, year INTEGER NOT NULL, next " BIGINT " NOT NULL," \
	" PRIMARY KEY (type, year));" \
	"CREATE TABLE cases (id " ID ", type TEXT NOT NULL, tracking TEXT NOT NULL UNIQUE," \
	" state TEXT NOT NULL, unit_id " BIGINT " REFERENCES org_units (id)," \
	" assignee_id " BIGINT " REFERENCES users (id), reporter_id " BIGINT " REFERENCES users (id)," \
	" secret_hash TEXT UNIQUE, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, closed_at TEXT," \
	" clock_id " BIGINT ", due_day TEXT, first_answer_at TEXT, answer_secs " BIGINT "," \
	" answered_on_time INTEGER, reopen_count INTEGER NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0);" \
	"CREATE INDEX cases_unit ON cases (type, unit_id, state);" \
	"CREATE INDEX cases_due ON cases (type, due_day) WHERE due_day IS NOT NULL;" \
	"CREATE INDEX cases_reporter ON cases (reporter_id) WHERE reporter_id IS NOT NULL;" \
	"CREATE TABLE case_clocks (id " ID ", case_id " BIGINT " NOT NULL REFERENCES cases (id)," \
	" state TEXT NOT NULL, unit_id " BIGINT " REFERENCES org_units (id), start_at TEXT NOT NULL," \
	" start_day TEXT NOT NULL, days INTEGER NOT NULL, policy INTEGER NOT NULL, due_day TEXT NOT NULL," \
	" stopped_at TEXT, outcome TEXT, escalated_at TEXT);" \
	"CREATE INDEX case_clocks_case ON case_clocks (case_id);" \
	"CREATE INDEX case_clocks_running ON case_clocks (id) WHERE stopped_at IS NULL;" \
	"CREATE TABLE case_events (id " ID ", case_id " BIGINT " NOT NULL REFERENCES cases (id)," \
	" at TEXT NOT NULL, kind TEXT NOT NULL," \
	" visibility TEXT NOT NULL CHECK (visibility IN ('public', 'reporter', 'staff'))," \
	" text_visibility TEXT NOT NULL CHECK (text_visibility IN ('public', 'reporter', 'staff'))," \
	" actor TEXT NOT NULL CHECK (actor IN ('reporter', 'staff', 'system'))," \
	" actor_id " BIGINT " REFERENCES users (id), actor_name TEXT, unit_id " BIGINT " REFERENCES org_units (id)," \
	" from_state TEXT, to_state TEXT, text TEXT, data TEXT);" \
	"CREATE INDEX case_events_case ON case_events (case_id, id);" \
	"CREATE TABLE case_attachments (id " ID ", case_id " BIGINT " NOT NULL REFERENCES cases (id)," \
	" sha256 TEXT NOT NULL, mime TEXT NOT NULL, size " BIGINT " NOT NULL, public INTEGER NOT NULL," \
	" created_at TEXT NOT NULL);" \
	"CREATE INDEX case_attachments_case ON case_attachments (case_id, id);" \
	"CREATE INDEX case_attachments_sha ON case_attachments (sha256);" \
	"CREATE TABLE case_settings (type TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL," \
	" PRIMARY KEY (type, key));" \
	"CREATE TABLE case_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

#define CASES_URGENT \
	"CREATE INDEX cases_urgent ON cases (type, (CASE WHEN due_day IS NULL THEN 1 ELSE 0 END), due_day, id);" \
	"CREATE INDEX cases_open ON cases (type, unit_id) WHERE closed_at IS NULL;"

#define FIGURE_SLOTS "16"
#define FIGURE_COLUMNS "type, state, unit_id, created_at, answer_secs, answered_on_time, closed_at, settle_by"

/* 2: the overall settlement limit (case_type.settle_days).  Cases opened
 * before it get theirs from their type's own migration (complaints/3): the
 * engine knows no type. */
static const struct migration case_migrations[] = {
	{ 1, "case engine",
	  CASE_TABLES("INTEGER PRIMARY KEY", "INTEGER"),
	  CASE_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 2, "case settlement limit",
	  "ALTER TABLE cases ADD COLUMN settle_by TEXT;",
	  "ALTER TABLE cases ADD COLUMN settle_by TEXT;" },
	{ 3, "cases by opening time (case_stats), most urgent first (case_list_end), open ones",
	  "CREATE INDEX cases_created ON cases (type, created_at);" CASES_URGENT,
	  "CREATE INDEX cases_created ON cases (type, created_at);" CASES_URGENT },
	/* PostgreSQL's tracking numbers by slot (next_tracking); every slot
	 * of a year already counting starts above the numbers given. */
	{ 4, "tracking numbers counted in slots (PostgreSQL)",
	  "",
	  "CREATE TABLE case_tracking_slots (type TEXT NOT NULL, year INTEGER NOT NULL, slot INTEGER NOT NULL,"
	  " next BIGINT NOT NULL, PRIMARY KEY (type, year, slot));"
	  "INSERT INTO case_tracking_slots (type, year, slot, next)"
	  " SELECT q.type, q.year, s.slot, (q.next - 1) / " TRACKING_SLOTS " + 3"
	  " FROM case_sequences q CROSS JOIN generate_series(0, " TRACKING_SLOTS " - 1) AS s(slot);" },
	/* A stamp of the figures (case_figures_stamp): a row trigger bumps one
	 * of 16 slots per type, by case id, with every change of what
	 * case_stats reads, in the change's own transaction, whoever writes
	 * it (a filing, a transition, the tick, a migration); slots, as the
	 * tracking numbers', so PostgreSQL's filings do not queue on one row. */
	{ 5, "cases: a stamp of the figures per type",
	  "CREATE TABLE case_figures (type TEXT NOT NULL, slot INTEGER NOT NULL, version INTEGER NOT NULL,"
	  " PRIMARY KEY (type, slot));"
	  "CREATE TRIGGER cases_figures_insert AFTER INSERT ON cases BEGIN"
	  " INSERT INTO case_figures (type, slot, version) VALUES (new.type, new.id % " FIGURE_SLOTS ", 1)"
	  "  ON CONFLICT (type, slot) DO UPDATE SET version = case_figures.version + 1;"
	  " END;"
	  "CREATE TRIGGER cases_figures_update AFTER UPDATE OF " FIGURE_COLUMNS " ON cases BEGIN"
	  " INSERT INTO case_figures (type, slot, version) VALUES (new.type, new.id % " FIGURE_SLOTS ", 1)"
	  "  ON CONFLICT (type, slot) DO UPDATE SET version = case_figures.version + 1;"
	  " END;"
	  "CREATE TRIGGER cases_figures_delete AFTER DELETE ON cases BEGIN"
	  " INSERT INTO case_figures (type, slot, version) VALUES (old.type, old.id % " FIGURE_SLOTS ", 1)"
	  "  ON CONFLICT (type, slot) DO UPDATE SET version = case_figures.version + 1;"
	  " END;",
	  "CREATE TABLE case_figures (type TEXT NOT NULL, slot INTEGER NOT NULL, version BIGINT NOT NULL,"
	  " PRIMARY KEY (type, slot));"
	  "CREATE FUNCTION case_figures_bump() RETURNS trigger LANGUAGE plpgsql AS $$"
	  " DECLARE t TEXT; i BIGINT;"
	  " BEGIN"
	  "  IF TG_OP = 'DELETE' THEN t := OLD.type; i := OLD.id; ELSE t := NEW.type; i := NEW.id; END IF;"
	  "  INSERT INTO case_figures (type, slot, version) VALUES (t, i % " FIGURE_SLOTS ", 1)"
	  "   ON CONFLICT (type, slot) DO UPDATE SET version = case_figures.version + 1;"
	  "  RETURN NULL;"
	  " END $$;"
	  "CREATE TRIGGER cases_figures AFTER INSERT OR DELETE OR UPDATE OF " FIGURE_COLUMNS " ON cases"
	  " FOR EACH ROW EXECUTE FUNCTION case_figures_bump();" },
	{ 0 },
};

int case_figures_stamp(struct db_conn *c, const struct case_type *t, int64_t *stamp)
{
	int rc = db_query_int(c, stamp, "SELECT CAST(coalesce(sum(version), 0) AS BIGINT) FROM case_figures"
				       " WHERE type = ?", "s", t->code);
	return rc == DB_ROW ? 0 : -1;
}

/* A holiday edit moves open deadlines in its own transaction. */
static int case_holidays_changed(struct app *app, struct db_conn *c)
{
	(void)app;
	return case_deadlines_recompute(c) < 0 ? -1 : 0;
}

const struct module case_module = {
	.file_used = case_sha_in_use,
	.name = "case",
	.migrations = case_migrations,
	.tick = case_module_tick,
	.holidays_changed = case_holidays_changed,
};
