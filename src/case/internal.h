/* internal.h - what the case engine's files share and no service sees. */
#ifndef PENDOPO_CASE_INTERNAL_H
#define PENDOPO_CASE_INTERNAL_H

#include "case.h"

/* The columns case_row_fill() reads, in its order. */
#define CASE_COLUMNS "id, tracking, state, unit_id, assignee_id, reporter_id, created_at, updated_at, " \
		     "closed_at, due_day, clock_id, reopen_count, first_answer_at, settle_by"
#define CASE_SELECT "SELECT " CASE_COLUMNS " FROM cases "

/* The current row of st (CASE_COLUMNS) into out, text in x->a.  0 ok, -1 out of memory. */
int case_row_fill(struct case_ctx *x, const struct case_type *t, struct db_stmt *st, struct case_row *out);

#endif
