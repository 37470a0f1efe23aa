/* queue.h - Simantri, the online queue of the regency's health facilities.
 *
 * Two modules: queue_module serves the JSON API under /api/queue/ (set-up,
 * booking, tickets, check-in, counters, display boards, statistics) and
 * owns the q_* tables; antrol_module serves the BPJS Antrean Online
 * interface that Mobile JKN calls, under /antrol/{facility code}/.
 */
#ifndef PENDOPO_QUEUE_H
#define PENDOPO_QUEUE_H

#include <stddef.h>
#include <jansson.h>

#include "db.h"
#include "module.h"

extern const struct module queue_module;
extern const struct module antrol_module;

/* For `pendopo antrol-user add`: the username and password Mobile JKN
 * presents to the facility's Antrol endpoints (a second add for the same
 * username replaces its password).  The facility must be set up in
 * Simantri.  0 ok, else err filled. */
int antrol_user_add(struct db_conn *c, const char *facility, const char *username,
		    const char *password, char *err, size_t errlen);

/* Today at every facility, for the Regent's dashboard (overview.c):
 * {day, bookings, walkins, served, waiting, facilities: [{code, name,
 * bookings, walkins, served, waiting, avg_wait_minutes, services}]}, where
 * services are the codes that name the facility's event topics; NULL on a
 * database error. */
struct app;
struct arena;
json_t *queue_overview(struct app *app, struct db_conn *c, struct arena *a);

#endif
