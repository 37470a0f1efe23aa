/* holidays.h - the holidays module: national holidays and cuti bersama.
 *
 * The table holds the SKB 3 Menteri list (seeded for 2026 and 2027, kept up
 * to date by admins through /api/holidays) and GET /api/calendar/due answers
 * "when is this due" for the public.  Modules computing deadlines load the
 * list with holidays_load() and use calendar.h on it; since a holiday added
 * later moves open deadlines, they load it afresh rather than keep a copy.
 */
#ifndef PENDOPO_HOLIDAYS_H
#define PENDOPO_HOLIDAYS_H

#include "arena.h"
#include "calendar.h"
#include "db.h"
#include "module.h"

extern const struct module holidays_module;

/* Every holiday, sorted by day, into out->days in arena a.  0 on success;
 * -1 on a database error, an unreadable row or no memory, out then empty. */
int holidays_load(struct db_conn *c, struct arena *a, struct holidays *out);
/* Whether one day (YYYY-MM-DD) is a holiday: 1 with *kind set, 0 not, -1
 * on a database error.  For a question about one date, without loading
 * the list. */
int holidays_on(struct db_conn *c, const char *date, enum holiday_kind *kind);

#endif
