/* complaints.h - Matur Bupati: complaints and aspirations to the Regent.
 *
 * Citizens file a complaint or an aspiration (web form, JSON API, Open311
 * GeoReport v2 at /open311/v2/), the desk verifies and hands it to an OPD,
 * the OPD answers within working-day deadlines, and the reporter replies,
 * reopens or rates.  Non-confidential cases are public without their
 * reporter; confidential ones never leave the people handling them.  The
 * flow is a case type of the case engine (src/case/case.h).
 */
#ifndef PENDOPO_COMPLAINTS_H
#define PENDOPO_COMPLAINTS_H

#include <jansson.h>

#include "db.h"
#include "module.h"

struct app;

extern const struct module complaints_module;
extern const struct module open311_module;

/* `pendopo seed complaints N`: N historical complaints spread over the
 * last two years, in one transaction with prepared inserts, for
 * benchmarks and demos (marked demo).  Loads the demo categories (and the
 * demo organisation tree they route to) first.  0 ok, -1 with a message on
 * stderr. */
int complaints_seed(struct app *app, struct db_conn *c, long n);

/* The figures of the Regent's dashboard (overview.c): {month, today,
 * this_month, last_month, last_month_to_date, open, overdue,
 * answered_this_month (of those opened this month), answered_on_time_share,
 * overdue_by_unit: [{code, name, count}], top_categories: [{code, name,
 * count}], open_by_district: [{kode, name, count}]}; NULL on a database
 * error.  Text in a. */
struct arena;
json_t *complaints_overview(struct app *app, struct db_conn *c, struct arena *a);

#endif
