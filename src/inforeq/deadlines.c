/* deadlines.c - every clock of a request, for both sides: the answer (10
 * working days, 17 once extended), the objection window (30 working days
 * from the answer, or from the day the answer was due and did not come),
 * the Atasan PPID's answer (30) and the Information Commission (14).
 *
 * Only the running clock is the case engine's (stored with its start and
 * rule, moved when holidays change); the others are derived here from
 * their starting days and today's holiday list on every read, so a
 * holiday added later moves them too.
 */
#include "internal.h"

#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "holidays.h"

struct clocks {
	struct holidays h;
	unsigned policy;
	int answer_days;	/* 10, or 17 once extended */
	char today[11];
};

static int clocks_load(struct req *r, struct case_ctx *x, const struct inforeq_view *v, struct clocks *k)
{
	struct case_config cfg;
	if (holidays_load(r->db, r->arena, &k->h) != 0 || case_config_load(x, &inforeq_type, &cfg) != 0)
		return -1;
	k->policy = cfg.policy;
	k->answer_days = cfg.days[case_state_index(&inforeq_type, "received")];
	if (v->q.extension_reason)
		k->answer_days += cfg.days[case_state_index(&inforeq_type, "extended")];
	case_day_text(x->now, k->today);
	return 0;
}

/* day + n working days, as text in a. */
static const char *add(struct req *r, const struct clocks *k, const char *day, int n)
{
	int32_t d;
	if (!day || date_parse(day, &d) != 0)
		return NULL;
	char out[11];
	date_format(workdays_add(&k->h, d, n, k->policy), out);
	return arena_strdup(r->arena, out);
}

static bool unanswered_past_due(const struct inforeq_view *v, const struct clocks *k, const char *due)
{
	return !v->q.answer && due && strcmp(k->today, due) > 0;
}

json_t *inforeq_deadlines(struct req *r, struct case_ctx *x, const struct inforeq_view *v)
{
	const struct inforeq *q = &v->q;
	struct clocks k;
	if (clocks_load(r, x, v, &k) != 0)
		return NULL;
	const char *answer_due = add(r, &k, q->received_day, k.answer_days);
	/* The objection window opens with the answer, or when the time to
	 * answer ran out without one. */
	const char *from = q->answer ? q->answered_day : unanswered_past_due(v, &k, answer_due) ? answer_due : NULL;
	const char *by = add(r, &k, from, OBJECTION_DAYS);
	const char *obj_due = add(r, &k, q->obj_filed_day, OBJECTION_DAYS);
	const char *commission_from = q->obj_decided_day ? q->obj_decided_day
				      : obj_due && strcmp(k.today, obj_due) > 0 ? obj_due : NULL;
	bool may = !q->obj_filed_day && from && by && strcmp(k.today, by) <= 0;
	return json_pack("{s:s?, s:b, s:s?, s:b, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s}", "answer_due", answer_due,
			 "extended", q->extension_reason != NULL, "answered", q->answered_day, "answered_late",
			 (int)(q->answered_late || unanswered_past_due(v, &k, answer_due)), "objection_from", from,
			 "objection_by", by, "objection_may", (int)may, "objection_answer_due", obj_due,
			 "commission_from", commission_from, "commission_by", add(r, &k, commission_from, COMMISSION_DAYS), "today", k.today);
}

const char *inforeq_detected_grounds(struct req *r, struct case_ctx *x, const struct inforeq_view *v)
{
	struct clocks k;
	if (clocks_load(r, x, v, &k) != 0)
		return NULL;
	if (unanswered_past_due(v, &k, add(r, &k, v->q.received_day, k.answer_days)))
		return "c";
	return v->q.answered_late ? "g" : "";
}
