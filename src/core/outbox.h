/* outbox.h - notifications, written in the transaction of the change they
 * tell about and delivered later.
 *
 * A notice goes to a user (shown in the app by GET /api/notifications) or,
 * for someone without an account, to an address (email or phone) that a
 * delivery channel will use; it may carry both.  Notices name a topic
 * ("complaint.answered"), the object ("complaint:MB-2026-000123"), a link
 * on this site and a small JSON of facts, so every channel words it in the
 * reader's language.  The delivery worker (src/channels) takes each notice
 * once (outbox_take: dispatched_at), and delivered_at is set when the first
 * of its channels has sent it.
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

/* A notice taken for delivery, with what its channels need to know of its
 * recipient (an account's contacts and language, or the bare address). */
struct outbox_item {
	int64_t id;
	int64_t user_id;
	const char *address;
	const char *email;	/* the account's, or NULL */
	const char *phone;	/* the account's (+62...), or NULL */
	const char *lang;	/* "id" or "en" */
	const char *topic;
	const char *object;
	const char *link;
	const char *data;	/* JSON text */
};

/* Inside the caller's write transaction: up to max notices not yet taken,
 * oldest first, marked taken at `at`.  Several instances on PostgreSQL
 * each take different notices (FOR UPDATE SKIP LOCKED).  Text in a.
 * 0 ok, -1 on a database error. */
int outbox_take(struct db_conn *c, struct arena *a, int max, const char *at, struct outbox_item **items,
		size_t *n);
/* The notice reached its reader through a channel (first time counts). */
int outbox_delivered(struct db_conn *c, int64_t id, const char *at);

#endif
