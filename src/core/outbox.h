/* outbox.h - notifications, written in the transaction of the change they
 * tell about and delivered later.
 *
 * A notice goes to a user (shown in the app by GET /api/notifications) or,
 * for someone without an account, to an address (email or phone) that a
 * delivery channel will use; it may carry both.  Notices name a topic
 * ("complaint.answered"), the object ("complaint:MB-2026-000123"), a link
 * on this site and a small JSON of facts, so every channel words it in the
 * reader's language.  delivered_at stays NULL until a channel sends it.
 */
#ifndef PENDOPO_OUTBOX_H
#define PENDOPO_OUTBOX_H

#include <stdint.h>
#include <jansson.h>
#include "db.h"
#include "module.h"

extern const struct module outbox_module;	/* GET /api/notifications */

struct notice {
	int64_t user_id;	/* 0: no account */
	const char *address;	/* NULL when the user is the whole recipient */
	const char *topic;
	const char *object;
	const char *link;	/* a path on this site, or NULL */
	json_t *data;		/* not stolen; may be NULL */
};

/* Queue a notice inside the caller's transaction; at is the service time
 * (ISO-8601 UTC).  0 ok, -1 on a database error; a notice with neither a
 * user nor an address is dropped and counts as ok. */
int outbox_notify(struct db_conn *c, const struct notice *n, const char *at);

#endif
