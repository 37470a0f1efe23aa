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
	const char *data_json;	/* or the data as the text of a JSON object */
};

/* The topic of a one-time login code (phone_login.c): data {code,
 * channel}, sent by that channel alone. */
#define OUTBOX_TOPIC_CODE "auth.code"

/* Queue a notice inside the caller's transaction; at is the service time
 * (ISO-8601 UTC).  0 ok, -1 on a database error; a notice with neither a
 * user nor an address is dropped and counts as ok. */
int outbox_notify(struct db_conn *c, const struct notice *n, const char *at);

/* The channels besides the app (which always shows a user's notices) that
 * a user takes notices by; chosen in the profile.  Without a choice:
 * email and WhatsApp, since SMS costs the regency per message. */
#define NOTICE_EMAIL 1u
#define NOTICE_WHATSAPP 2u
#define NOTICE_SMS 4u
#define NOTICE_DEFAULT (NOTICE_EMAIL | NOTICE_WHATSAPP)
/* The same as a column of a statement whose users row is "u", for a
 * read that wants the choice with the user (one statement, not two). */
#define OUTBOX_CHANNELS_OF_U "coalesce((SELECT channels FROM notice_channels WHERE user_id = u.id), 3)"
_Static_assert(NOTICE_DEFAULT == 3, "OUTBOX_CHANNELS_OF_U's 3 is NOTICE_DEFAULT");

/* A user's choice (NOTICE_* bits).  0 ok, -1 on a database error. */
int outbox_channels_get(struct db_conn *c, int64_t user_id, unsigned *channels);
/* Inside the caller's transaction.  0 ok, -1 on a database error. */
int outbox_channels_set(struct db_conn *c, int64_t user_id, unsigned channels, const char *at);

/* A notice taken for delivery, with what its channels need to know of its
 * recipient (an account's contacts and language, or the bare address). */
struct outbox_item {
	int64_t id;
	int64_t user_id;
	const char *address;
	const char *email;	/* the account's, or NULL */
	const char *phone;	/* the account's (+62...), or NULL */
	const char *lang;	/* "id" or "en" */
	unsigned channels;	/* the user's NOTICE_* choice; 0 without an account */
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
/* A notice whose facts must not outlive their use (a one-time code): its
 * data emptied once the code went out or failed for good. */
int outbox_forget(struct db_conn *c, int64_t id);
/* The notice reached its reader through a channel (first time counts). */
int outbox_delivered(struct db_conn *c, int64_t id, const char *at);

#endif
