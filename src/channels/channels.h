/* channels.h - delivery of the outbox (core/outbox.h) by email and
 * WhatsApp, and the WhatsApp webhook.
 *
 * Services queue notices with outbox_notify() in the change's transaction;
 * nothing here is called by them.  `pendopo serve` starts one delivery
 * worker (channels_start) that hands each notice to the recipient's
 * channels, retries with back-off, records every attempt and never sends
 * a message twice after a crash.  With no channel configured the worker
 * does not start and notices wait in the outbox.
 */
#ifndef PENDOPO_CHANNELS_H
#define PENDOPO_CHANNELS_H

#include "module.h"

struct app;
struct cli;

extern const struct module channels_module;

/* The options of `serve` that configure the channels. */
#define CLI_OPTS_CHANNELS                                                                                       \
	{ "--smtp-host", "PENDOPO_SMTP_HOST", "SMTP server for email notices; unset: no email", NULL },        \
	{ "--smtp-port", "PENDOPO_SMTP_PORT", "SMTP port", "587" },                                             \
	{ "--smtp-tls", "PENDOPO_SMTP_TLS", "starttls (required), tls (implicit, port 465) or none", "starttls" }, \
	{ "--smtp-user", "PENDOPO_SMTP_USER", "SMTP login", NULL },                                             \
	{ "--smtp-password", "PENDOPO_SMTP_PASSWORD", "SMTP password", NULL },                                  \
	{ "--smtp-from", "PENDOPO_SMTP_FROM", "sender address of email notices", "pendopo@localhost" },        \
	{ "--wa-base-url", "PENDOPO_WA_BASE_URL", "WhatsApp Cloud API base URL", "https://graph.facebook.com" }, \
	{ "--wa-version", "PENDOPO_WA_VERSION", "Graph API version", "v21.0" },                                 \
	{ "--wa-phone-id", "PENDOPO_WA_PHONE_ID", "WhatsApp phone-number id; unset: no WhatsApp", NULL },       \
	{ "--wa-token", "PENDOPO_WA_TOKEN", "WhatsApp Cloud API bearer token", NULL },                          \
	{ "--wa-app-secret", "PENDOPO_WA_APP_SECRET", "app secret that signs webhook calls", NULL },             \
	{ "--wa-verify-token", "PENDOPO_WA_VERIFY_TOKEN", "token of the webhook verification handshake", NULL }, \
	{ "--wa-template", "PENDOPO_WA_TEMPLATE",                                                               \
	  "approved template (one body parameter) sent outside the 24-hour window", "pemberitahuan_layanan" },  \
	{ "--wa-auth-template", "PENDOPO_WA_AUTH_TEMPLATE",                                                     \
	  "approved authentication template (copy-code button) for one-time codes; unset: --wa-template", NULL }, \
	{ "--sms-url", "PENDOPO_SMS_URL",                                                                       \
	  "SMS gateway URL; {to} (E.164) and {text} are filled in, URL-escaped; unset: no SMS", NULL },         \
	{ "--sms-method", "PENDOPO_SMS_METHOD", "GET or POST", "POST" },                                        \
	{ "--sms-body", "PENDOPO_SMS_BODY",                                                                     \
	  "POST body template: a form, or JSON when it starts with {", "to={to}&text={text}" },                 \
	{ "--sms-user", "PENDOPO_SMS_USER", "SMS gateway login (HTTP basic)", NULL },                          \
	{ "--sms-password", "PENDOPO_SMS_PASSWORD", "SMS gateway password", NULL },                            \
	{ "--sms-token", "PENDOPO_SMS_TOKEN", "SMS gateway bearer token", NULL },                               \
	{ "--outbox-retry-seconds", "PENDOPO_OUTBOX_RETRY_SECONDS", "first retry delay; doubles each attempt", "30" }, \
	{ "--outbox-max-attempts", "PENDOPO_OUTBOX_MAX_ATTEMPTS", "attempts before a message is failed", "8" },  \
	{ "--outbox-timeout", "PENDOPO_OUTBOX_TIMEOUT", "seconds one send may take", "30" }

/* Reads the options above into app->channels (always set on success, so
 * the webhook can answer); logs which channels are on.  0, or an exit
 * code (2: a bad option) said on stderr. */
int channels_setup(const struct cli *cli, struct app *app);
/* Starts the delivery worker when a channel is configured. */
int channels_start(struct app *app);
/* Stops and joins the worker, frees app->channels. */
void channels_stop(struct app *app);

#endif
