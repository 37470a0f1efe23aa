/* intake.h - complaints by WhatsApp: the guided conversation (intake.c). */
#ifndef PENDOPO_CHANNELS_INTAKE_H
#define PENDOPO_CHANNELS_INTAKE_H

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>

#include "complaints/complaints.h"

struct req;

/* Who wrote: conversations key on WhatsApp's stable user_id when it is
 * given (wa_id may be hidden behind a username), keeping wa_id too. */
struct wa_sender {
	const char *key;	/* user_id, else wa_id */
	const char *user_id;	/* or NULL */
	const char *wa_id;	/* or NULL */
	const char *phone;	/* wa_id in E.164 (phone.h), or NULL */
	const char *send_to;	/* whom replies go to: wa_id, else user_id */
	const char *name;	/* profile name, or NULL */
};

/* What a message says, read from WhatsApp's message object m: strings
 * point into m or a; a text is trimmed of spaces at both ends. */
struct arena;
struct said {
	const char *type;	/* "" when absent */
	const char *text;	/* text body, or NULL */
	const char *choice;	/* a list or button reply's id */
	json_t *location;
	const char *image;	/* media id */
};
void intake_said_read(struct arena *a, json_t *m, struct said *s);

/* The sender of message m among a change's contacts (webhook.c). */
void webhook_sender_of(struct arena *a, json_t *contacts, json_t *m, struct wa_sender *who);
/* The HMAC-SHA256 state keyed with secret, for webhook_signature_good. */
void webhook_signature_key(crypto_auth_hmacsha256_state *keyed, const char *secret);
/* 1 when header ("sha256=" and 64 hex digits) carries the HMAC-SHA256 of
 * body[0..len) under the key of keyed (left as it is), compared in
 * constant time (webhook.c). */
int webhook_signature_good(const crypto_auth_hmacsha256_state *keyed, const char *header, const char *body,
			   size_t len);

/* A photo the conversation needs, fetched and made ready (decoded and
 * encoded again) before the transaction. */
enum intake_photo_state { PHOTO_NONE, PHOTO_READY, PHOTO_UNREADABLE, PHOTO_NOT_FETCHED };
struct intake_photo {
	enum intake_photo_state state;
	struct complaint_photo photo;	/* PHOTO_READY */
};

/* 1 when message m may need something fetched before the transaction (a
 * "ya" that confirms a report, with WhatsApp on to fetch through): only
 * then is intake_prefetch, and a look-up before it, worth its cost. */
int intake_may_prefetch(struct req *r, json_t *m);

/* Before the webhook's transaction: fetch and make ready what message m
 * will need (the photo, when m confirms a report that has one).  0; a
 * photo that could not be had says why in its state, for the reply. */
int intake_prefetch(struct req *r, const struct wa_sender *who, json_t *m, struct intake_photo *photo);

/* One new inbound message m (a repeat never comes here), in the webhook's
 * transaction: moves the sender's conversation on and queues the replies.
 * 0, or -1 on a database error. */
int intake_receive(struct req *r, const struct wa_sender *who, json_t *m, const char *at,
		   const struct intake_photo *photo);

#endif
