/* case.h - the case engine: case-shaped services (complaints, research
 * permits, village letters, information requests) declare their states and
 * transitions as data, and the engine keeps the cases, their timeline,
 * attachments, responsible unit, assigned officer and working-day clocks.
 *
 * A case type is a table in C: states with the working days each may last,
 * and transitions with who may take them and what they need.  The engine
 * answers what a caller may do next, takes a transition in the caller's
 * transaction (state guarded, so two instances never both take it), stops
 * and starts clocks, writes the timeline, the audit trail and - through the
 * type's notify hook - the notifications.  A clock stores its start and its
 * rule and caches its due date; case_deadlines_recompute() re-derives every
 * running clock's due date from the holidays table.
 *
 * Services keep their own fields in their own tables keyed by case id.
 */
#ifndef PENDOPO_CASE_H
#define PENDOPO_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>

#include "calendar.h"
#include "db.h"
#include "module.h"

struct app;
struct arena;
struct events;
struct caller;

extern const struct module case_module;

/* Who may take a transition, relative to one case. */
#define CASE_BY_REPORTER 1u	/* the person who filed it (account or secret link) */
#define CASE_BY_UNIT 2u		/* staff of the unit now responsible */
#define CASE_BY_DESK 4u		/* staff of the type's desk: the verifiers */
#define CASE_BY_SYSTEM 8u	/* the engine's tick */

/* What a transition needs, and when it may be taken. */
#define CASE_NEEDS_UNIT 1u	/* a unit to hand the case to */
#define CASE_NEEDS_TEXT 2u	/* a message for the timeline */
#define CASE_NEEDS_REASON 4u	/* one of the transition's reasons */
#define CASE_IN_WINDOW 8u	/* only before the running clock's due date */

/* What a transition does besides moving the state. */
#define CASE_T_ANSWER 1u	/* the unit's answer: first-answer statistics */
#define CASE_T_REOPEN 2u	/* counts a reopening */
#define CASE_T_NEW_CLOCK 4u	/* restart the clock even when the state stays */
#define CASE_T_EXTEND 8u	/* keep the running clock and add the new state's
				 * days to it (a legal extension of the same
				 * deadline, not a new one) */

#define CASE_MAX_STATES 12

enum case_visibility { CASE_PUBLIC = 0, CASE_REPORTER = 1, CASE_STAFF = 2 };

struct case_state {
	const char *name;
	bool open;		/* not yet settled */
	int days;		/* default working days allowed here; 0: no clock */
	const char *on_expiry;	/* action the tick takes when the clock runs
				 * out; NULL: the case is escalated instead */
};

struct case_transition {
	const char *action;	/* "disposition" */
	const char *from;	/* a state, or NULL for every open state */
	const char *to;		/* the new state, or NULL to stay */
	unsigned by;		/* CASE_BY_* */
	unsigned needs;		/* CASE_NEEDS_*, CASE_IN_WINDOW */
	const char *const *reasons;	/* NULL-terminated, with CASE_NEEDS_REASON */
	enum case_visibility text_visibility;	/* of the transition's message */
	const char *topic;	/* notification topic, or NULL */
	unsigned flags;		/* CASE_T_* */
};

struct case_row;
struct case_ctx;

struct case_type {
	const char *code;	/* "complaint": key of cases.type */
	const char *prefix;	/* "MB": tracking numbers MB-2026-000123 */
	const char *initial;	/* state of a new case */
	const struct case_state *states;		/* ends with name NULL */
	const struct case_transition *transitions;	/* ends with action NULL */
	const char *desk_unit;	/* default desk unit code (setting desk_unit) */
	const char *notice_object;	/* "complaint": notices' objects read
					 * "complaint:MB-2026-000123" */
	int settle_days;	/* calendar days from opening to settle the
				 * case whatever its states (a law's overall
				 * limit); 0: none */
	/* Tell the people concerned about a change, in its transaction:
	 * topic from the transition (or "<code>.submitted", "<code>.overdue",
	 * "<code>.assigned", "<code>.message").  0 ok, -1 error. */
	int (*notify)(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data);
};

/* Notices about a case, in its transaction, through the outbox: to one
 * person (an account, or an address of someone without one; neither:
 * nothing), to people (each once however many roles they hold), or to the
 * staff of a unit holding one of roles (unit 0: nobody).  0, or -1 on a
 * database error. */
struct staff_member;
int case_notify_user(struct case_ctx *x, const struct case_row *cs, int64_t user_id, const char *address,
		     const char *topic, const char *link, json_t *data);
int case_notify_people(struct case_ctx *x, const struct case_row *cs, const struct staff_member *m, size_t n,
		       const char *topic, const char *link, json_t *data);
int case_notify_unit(struct case_ctx *x, const struct case_row *cs, int64_t unit_id, unsigned roles,
		     const char *topic, const char *link, json_t *data);

/* Settings of a type, stored in case_settings and editable by admins:
 * days.<state> (working days), desk_unit (a unit code), cuti_bersama_off
 * (1: cuti bersama are days off for the clocks, the default). */
struct case_config {
	int days[CASE_MAX_STATES];	/* by index into type->states */
	const char *desk_unit;		/* code, or NULL when unset and absent */
	int64_t desk_unit_id;		/* 0 when the unit does not exist */
	unsigned policy;		/* calendar.h policy flags */
};

/* One request's (or one tick step's) work on cases. */
struct case_ctx {
	struct events *events;		/* where live events go; NULL: no broker here */
	struct db_conn *c;
	struct arena *a;
	const struct caller *caller;	/* NULL: the system */
	time_t now;			/* service time: app_now() */
	struct holidays holidays;	/* loaded on first need, in a */
	bool holidays_loaded;
	const struct case_type *config_of;	/* config below is this type's */
	struct case_config config;
	struct {			/* units case_unit() read, newest first */
		int64_t id;
		const char *code, *name;
	} units[8];
	int n_units;
};

struct case_row {
	int64_t id;
	const struct case_type *type;
	const char *tracking;
	const char *state;
	int64_t unit_id;		/* 0: none */
	int64_t assignee_id;		/* 0: nobody */
	int64_t reporter_id;		/* 0: filed without an account */
	const char *created_at, *updated_at, *closed_at;	/* ISO-8601 UTC */
	const char *due_day;		/* running clock's due date, or NULL */
	int64_t clock_id;		/* running clock, 0: none */
	int reopen_count;
	const char *first_answer_at;
	const char *settle_by;		/* ISO-8601 UTC: settled late from then on, or NULL */
};

/* A refusal of a transition: HTTP status, API code, message, field. */
struct case_error {
	int status;
	const char *code;
	const char *message;
	const char *field;
};

struct case_input {
	int64_t unit_id;	/* CASE_NEEDS_UNIT */
	const char *text;	/* CASE_NEEDS_TEXT (or an optional note) */
	const char *reason;	/* CASE_NEEDS_REASON */
	json_t *data;		/* extra facts for the event (not stolen) */
};

/* events: the process's broker (app->events), NULL outside a server. */
void case_ctx_init(struct case_ctx *x, struct events *events, struct db_conn *c, struct arena *a,
		   const struct caller *caller, time_t now);

/* Local (WIB) date of a moment, and "YYYY-MM-DD" of it. */
int32_t case_day(time_t t);
void case_day_text(time_t t, char out[11]);

/* Read once per context (a request, a tick step), so one request sees one
 * set of rules however often it asks. */
int case_config_load(struct case_ctx *x, const struct case_type *t, struct case_config *out);
/* Read the type's settings, its desk unit and the holidays now, before a
 * write transaction, so the transaction itself only writes.  0 ok, -1 error. */
int case_prepare(struct case_ctx *x, const struct case_type *t);
/* Store one setting (already validated by the caller); audited. */
int case_config_set(struct case_ctx *x, const struct case_type *t, const char *key, const char *value);
/* The state's index in t->states, or -1. */
int case_state_index(const struct case_type *t, const char *state);
const struct case_state *case_state_of(const struct case_type *t, const char *state);

struct case_new {
	int64_t reporter_id;		/* 0: no account */
	const char *secret_hash;	/* SHA-256 hex of the follow-up token, or NULL */
	int64_t unit_id;		/* first responsible unit; 0: the type's desk */
	bool demo;
};

/* Open a case of type t in its initial state, responsible the desk unit,
 * with its first clock and a "submitted" event.  out is filled.  The
 * service then writes its own row and calls case_opened(), which tells
 * the people concerned (who may need that row) and audits, last. */
int case_open(struct case_ctx *x, const struct case_type *t, const struct case_new *n,
	      struct case_row *out);
int case_opened(struct case_ctx *x, const struct case_row *cs);

/* A settled case from history (migration from an older system, benchmark
 * data): its own times and final or current state, no notifications and no
 * audit row of its own - the import as a whole is audited by its caller. */
struct case_history {
	time_t created, answered, closed;	/* answered, closed: 0 = not yet */
	const char *state;
	int64_t unit_id;
	bool demo;
};
int case_import(struct case_ctx *x, const struct case_type *t, const struct case_history *h,
		struct case_row *out);

/* 0 found, 1 no such case, -1 error. */
int case_load(struct case_ctx *x, const struct case_type *t, const char *tracking, struct case_row *out);
int case_load_id(struct case_ctx *x, const struct case_type *t, int64_t id, struct case_row *out);
/* The case whose secret follow-up token hashes to secret_hash. */
int case_load_secret(struct case_ctx *x, const struct case_type *t, const char *secret_hash,
		     struct case_row *out);

/* CASE_BY_* the context's caller holds on cs; reporter says whether the
 * service recognised them as its reporter. */
unsigned case_roles(struct case_ctx *x, const struct case_row *cs, bool reporter);

/* Actions the holder of roles may take on cs now, as a JSON array of
 * {action, needs:[...], reasons:[...]}. */
json_t *case_actions(struct case_ctx *x, const struct case_row *cs, unsigned roles);

/* Take action on cs as the holder of roles.  0 done (cs updated), 1 refused
 * with err filled, -1 database error. */
int case_take(struct case_ctx *x, struct case_row *cs, const char *action, unsigned roles,
	      const struct case_input *in, struct case_error *err);

/* A message on the timeline: public reply, internal note, reporter's
 * message.  *event_id may be NULL.  0 ok, -1 error. */
int case_message(struct case_ctx *x, struct case_row *cs, enum case_visibility v, unsigned roles,
		 const char *text, int64_t *event_id);

/* A service's own event (a rating, say): the event visible at v, its text
 * at text_v and above.  Audited as case.<kind>, no notification. */
int case_event(struct case_ctx *x, struct case_row *cs, const char *kind, unsigned roles,
	       enum case_visibility v, const char *text, enum case_visibility text_v, json_t *data);

/* Assign to a person (0: nobody); the service checks they may be. */
int case_assign(struct case_ctx *x, struct case_row *cs, int64_t user_id, const char *user_name);

/* An attachment stored by its hash (files.h). */
int case_attach(struct case_ctx *x, const struct case_row *cs, const char *sha, const char *mime,
		int64_t size, bool public_ok);
/* Attachments as [{n, mime, size, public}], n counting from 1. */
json_t *case_attachments(struct case_ctx *x, const struct case_row *cs, bool public_only);
/* The n-th attachment (from 1): 0 found (sha, mime in x->a), 1 none, -1 error. */
int case_attachment(struct case_ctx *x, const struct case_row *cs, int n, bool public_only,
		    const char **sha, const char **mime);

/* 1 when a stored file (by hash) is attached to some case, 0 if not, -1 error. */
int case_sha_in_use(struct db_conn *c, const char *sha);

/* Events up to visibility max, oldest first: [{id, at, kind, visibility,
 * actor, actor_name?, unit, from, to, text, data}].  staff_names adds the
 * officers' names (staff see who did what; others see the unit). */
json_t *case_timeline(struct case_ctx *x, const struct case_row *cs, enum case_visibility max,
		      bool staff_names);
/* Clock history, oldest first: [{state, unit, started, start_day, days,
 * due, stopped, outcome, escalated}]. */
json_t *case_clocks(struct case_ctx *x, const struct case_row *cs);

/* Code and name of an org unit, in x->a; the last few read are kept in x,
 * so the desk unit read by case_prepare() and the units of a page of
 * cases cost one query each.  0 found, 1 no such unit, -1 error. */
int case_unit(struct case_ctx *x, int64_t id, const char **code, const char **name);

/* {state, open, unit:{code,name}|null, due|null, overdue, ...} */
json_t *case_summary(struct case_ctx *x, const struct case_row *cs);

/* The overall settlement limit of a case whose type has settle_days:
 * *due (the last local day, in x->a) and whether it is missed - still open
 * after it, or settled after it.  0 ok, 1 no limit. */
int case_settle(struct case_ctx *x, const struct case_row *cs, const char **due, bool *overdue);

/* ---- lists of cases --------------------------------------------------------
 * A service keeps its fields in its own tables and the engine its own, so a
 * list that filters on both is one query put together from two halves
 * (db_sql), each module writing SQL about its own tables only.  Where the
 * service's index gives the order (newest first, a full-text match) the
 * service drives and adds case_match_sql() as a condition on its case id
 * column; where the engine's does (most urgent first, a reporter's cases)
 * case_list_sql() starts the query, the service adds conditions on the
 * case id "ce.id", and case_list_end() orders and pages.  Either way the
 * page's own case rows then come from case_rows(). */
struct case_filter {
	const char *status;	/* NULL or "": any; "open", "closed", or a state */
	const int64_t *units;	/* n_units > 0: only cases now at one of these */
	int n_units;		/* at most 8 */
	int64_t unit_id;	/* 0: any unit */
	int64_t reporter_id;	/* 0: anyone's */
	int64_t assignee_id;	/* 0: anyone's */
	bool unassigned;
	bool overdue;		/* past its running clock's due day (a state that
				 * settles itself on expiry is never overdue) */
	bool answered_on_time;	/* first answered within the clock */
	const char *opened_from;	/* YYYY-MM-DD (WIB): opened on or after, or NULL */
	const char *opened_to;		/* YYYY-MM-DD (WIB): opened on or before, or NULL */
};

enum case_order {
	CASE_NEWEST,		/* opened last first */
	CASE_MOST_URGENT,	/* earliest due day first, cases without one last */
};

/* Append "EXISTS (...)", true when the case whose id is id_expr (constant
 * SQL naming the service's column, "p.case_id") is of type t and matches f. */
void case_match_sql(struct case_ctx *x, const struct case_type *t, const struct case_filter *f,
		    const char *id_expr, struct db_sql *q);
/* Start "SELECT ce.id FROM cases ce WHERE ..." over the cases of type t
 * matching f; the caller may add " AND ..." conditions on ce.id. */
void case_list_sql(struct case_ctx *x, const struct case_type *t, const struct case_filter *f, struct db_sql *q);
/* f: the filter case_list_sql was given (the order's index depends on it). */
void case_list_end(struct db_sql *q, const struct case_filter *f, enum case_order order, int64_t limit,
		   int64_t offset);
/* The cases ids[0..n) of type t into out[0..n), in that order; a case
 * that is not there (or of another type) leaves out[i].id 0.  0, -1 error. */
int case_rows(struct case_ctx *x, const struct case_type *t, const int64_t *ids, int n, struct case_row *out);

/* How many cases of type t match f: 0 and *n, or -1. */
int case_count(struct case_ctx *x, const struct case_type *t, const struct case_filter *f, int64_t *n);
/* [{code, name, count}] of the units the cases matching f are at now, most
 * first; NULL on error. */
json_t *case_count_by_unit(struct case_ctx *x, const struct case_type *t, const struct case_filter *f);

/* How the cases of type t opened from one local day to another fared. */
struct case_stats {
	json_t *by_state;		/* [{state, count}], by state name */
	json_t *by_unit;		/* [{code, name, count}], most first */
	int64_t answered, answered_on_time;
	int64_t median_answer_secs;	/* -1: none answered */
	int64_t settle_judged;		/* settled, or past the settlement limit */
	int64_t settled_in_time;
	/* The figures hold, for the same stamp, until this time (UTC,
	 * ISO-8601): the first settlement limit to pass among the open
	 * cases; "" for ever. */
	char until[24];
};
/* 0 ok (release out's arrays with case_stats_free), -1 error. */
int case_stats(struct case_ctx *x, const struct case_type *t, const char *from_day, const char *to_day,
	       struct case_stats *out);
void case_stats_free(struct case_stats *s);
/* A number that grows with every committed change to what case_stats
 * reads of type t's cases, written in the change's own transaction (so a
 * cached figure read under the same stamp is exact on every instance):
 * 0, or -1 on error. */
int case_figures_stamp(struct db_conn *c, const struct case_type *t, int64_t *stamp);

/* Re-derive the due date of every running clock from the holidays table,
 * in the caller's transaction.  For the holidays module to call when the
 * list changes; the tick also calls it when it sees the list changed.
 * Returns the number of clocks whose due date moved, or -1. */
long case_deadlines_recompute(struct db_conn *c);

/* Periodic work for one type, idempotent and safe on several instances:
 * re-derive deadlines if the holidays changed, take on_expiry transitions
 * whose clock ran out, escalate other overdue clocks once.  Each case in
 * its own transaction, and a log line when any changed.  Returns the
 * number of cases changed. */
long case_tick(struct app *app, const struct case_type *t);

#endif
