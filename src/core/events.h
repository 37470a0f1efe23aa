/* events.h - live events: publish on commit, fan out to Server-Sent Event
 * streams (display boards, ticket pages, officer inboxes).
 *
 * On SQLite one process owns the database and the broker is in-process.  On
 * PostgreSQL every instance LISTENs on one channel and a publish is a NOTIFY
 * inside the change's transaction, so a subscriber on any instance hears it
 * exactly when the change commits.  Topics are paths whose first part says
 * who may listen: "public/…" anyone; every other namespace belongs to the
 * module that declares it in its topic rules (module.h), which decides.
 */
#ifndef PENDOPO_EVENTS_H
#define PENDOPO_EVENTS_H

#include <jansson.h>
#include "db.h"
#include "module.h"

struct events;
struct events_sub;

extern const struct module events_module;	/* GET /api/events */

struct events *events_new(struct db *db);
/* Wake every stream so it ends; call before stopping the HTTP server,
 * and events_free() after, when no stream is left. */
void events_close(struct events *ev);
void events_free(struct events *ev);

/* Deliver {topic, payload} to subscribers when c's transaction commits
 * (at once outside a transaction).  ev is the process's broker (app->events),
 * NULL in a command-line run, where on PostgreSQL the serving instances
 * still hear it.  payload is not stolen. */
int events_publish(struct events *ev, struct db_conn *c, const char *topic, json_t *payload);

/* A stream's subscription to topics (exact names, or prefixes ending in
 * '/').  NULL when out of memory. */
struct events_sub *events_subscribe(struct events *ev, const char *const *topics, int n);
void events_unsubscribe(struct events_sub *s);
/* Wait up to timeout_ms for the next event: 1 with a malloc'd SSE frame in
 * *frame, 0 on timeout, -1 when the broker is closing. */
int events_next(struct events_sub *s, int timeout_ms, char **frame, size_t *len);

#endif
