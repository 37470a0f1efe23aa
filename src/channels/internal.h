/* internal.h - what the files of src/channels share: the configuration,
 * the worker's state, a message as a channel sends it, and the senders. */
#ifndef PENDOPO_CHANNELS_INTERNAL_H
#define PENDOPO_CHANNELS_INTERNAL_H

#include <pthread.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"

struct app;
struct outbox_item;

enum smtp_tls { SMTP_STARTTLS, SMTP_TLS, SMTP_PLAIN };

struct channels_config {
	const char *smtp_host;		/* NULL: no email */
	int smtp_port;
	enum smtp_tls smtp_tls;
	const char *smtp_user, *smtp_password, *smtp_from;
	const char *wa_base_url, *wa_version;
	const char *wa_phone_id;	/* NULL: no WhatsApp */
	const char *wa_token, *wa_app_secret, *wa_verify_token, *wa_template;
	const char *wa_auth_template;	/* one-time codes, or NULL: wa_template */
	const char *sms_url;		/* template with {to} {text}; NULL: no SMS */
	const char *sms_body;		/* POST body template */
	int sms_post;			/* else GET */
	const char *sms_user, *sms_password, *sms_token;
	int retry_s;			/* first retry delay */
	int max_attempts;
	int timeout_s;			/* one send */
};

struct channels {
	struct app *app;
	struct channels_config cfg;
	crypto_auth_hmacsha256_state wa_hmac;	/* keyed with wa_app_secret, when set */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int running;
	int stop;
};

/* The channels a delivery can go by; the names are stored. */
#define CH_EMAIL "email"
#define CH_WHATSAPP "whatsapp"
#define CH_SMS "sms"

static inline int channels_email_on(const struct channels *ch)
{
	return ch && ch->cfg.smtp_host;
}

static inline int channels_whatsapp_on(const struct channels *ch)
{
	return ch && ch->cfg.wa_phone_id && ch->cfg.wa_token;
}

static inline int channels_sms_on(const struct channels *ch)
{
	return ch && ch->cfg.sms_url;
}

/* One message as a channel sends it (messages.c words it). */
struct message {
	const char *key;		/* idempotency key: one per delivery */
	const char *address;		/* email address, WhatsApp recipient, or E.164 number (SMS) */
	const char *lang;
	const char *subject;
	const char *text;
	const char *html;		/* email only */
	const char *list;		/* WhatsApp: JSON of an interactive list, or NULL */
	const char *code;		/* a one-time code the message carries, or NULL */
};

/* How a send ended. */
enum send_result {
	SEND_OK,		/* accepted; provider id set */
	SEND_RETRY,		/* a passing failure: try again later */
	SEND_FAILED,		/* refused for good */
	SEND_WINDOW_CLOSED,	/* WhatsApp: free text refused outside 24 h */
};

#define DETAIL_MAX 256

/* Words a notice for a channel, in its reader's language, in a.  The
 * WhatsApp intake's replies (topic "whatsapp.reply") carry their own text. */
int message_compose(struct arena *a, const char *base_url, const struct outbox_item *it, const char *channel,
		    struct message *m);
/* The template parameter that stands for a message outside 24 h. */
const char *message_summary(const struct message *m);

enum send_result smtp_send(const struct channels *ch, struct arena *a, const struct message *m,
			   char provider_id[DETAIL_MAX], char detail[DETAIL_MAX]);
/* Free text (or the list), or with template set the configured template
 * carrying message_summary(). */
enum send_result whatsapp_send(const struct channels *ch, struct arena *a, const struct message *m, int template,
			       char provider_id[DETAIL_MAX], char detail[DETAIL_MAX]);

/* One SMS through the configured HTTP gateway (sms.c). */
enum send_result sms_send(const struct channels *ch, struct arena *a, const struct message *m,
			  char provider_id[DETAIL_MAX], char detail[DETAIL_MAX]);

/* Queue one WhatsApp reply through the outbox (intake), in c's transaction;
 * list: an interactive list as WhatsApp takes it (the text of a JSON
 * object), or NULL. */
int channels_reply(struct db_conn *c, struct arena *a, const char *to, const char *text, const char *list,
		   const char *at);
/* Wake the worker: now, or when c's transaction has committed. */
void channels_wake(struct channels *ch);
void channels_after_commit_wake(struct db_conn *c, struct channels *ch);

/* GET/POST on the Graph API: status and body in out; -1 (detail said) when
 * no answer came. */
int whatsapp_http(const struct channels *ch, struct arena *a, const char *url, const char *json_body, long *status,
		  struct strbuf *out, char detail[DETAIL_MAX]);

/* A media file of an inbound message, by the two steps of the API (its
 * URL, then the bytes with the same token): 0 with the bytes in a, 1 when
 * larger than max, -1 (detail said) when it could not be had. */
int whatsapp_media(const struct channels *ch, struct arena *a, const char *media_id, size_t max, const char **bytes,
		   size_t *len, char detail[DETAIL_MAX]);

/* The outbox's lines of /metrics (metrics.c). */
struct strbuf;
int channels_metrics(struct app *app, struct db_conn *c, struct strbuf *out);

/* Handlers and commands (admin.c, webhook.c). */
struct req;
struct cli;
int outbox_h_list(struct req *r);
int outbox_h_show(struct req *r);
int outbox_h_retry(struct req *r);
int webhook_h_verify(struct req *r);
int webhook_h_receive(struct req *r);
int outbox_list_command(struct cli *cli, int argc, char **argv);
int outbox_retry_command(struct cli *cli, int argc, char **argv);

#endif
