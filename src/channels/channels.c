/* channels.c - the channels module: its options, routes, commands and
 * tables.  The work is in worker.c (delivery), smtp.c, whatsapp.c and
 * sms.c (senders), webhook.c and intake.c (WhatsApp inbound), admin.c (the
 * outbox's admin page and `pendopo outbox`).
 */
#include "channels.h"
#include "internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cli.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"

/* An option given empty counts as unset. */
static const char *opt(const struct cli *cli, const char *name)
{
	const char *v = cli_opt(cli, name);
	return v && *v ? v : NULL;
}

int channels_setup(const struct cli *cli, struct app *app)
{
	struct channels *ch = calloc(1, sizeof(*ch));
	if (!ch)
		return 1;
	struct channels_config *cfg = &ch->cfg;
	const char *tls = opt(cli, "--smtp-tls");
	cfg->smtp_host = opt(cli, "--smtp-host");
	cfg->smtp_user = opt(cli, "--smtp-user");
	cfg->smtp_password = opt(cli, "--smtp-password");
	cfg->smtp_from = opt(cli, "--smtp-from");
	cfg->wa_base_url = opt(cli, "--wa-base-url");
	cfg->wa_version = opt(cli, "--wa-version");
	cfg->wa_phone_id = opt(cli, "--wa-phone-id");
	cfg->wa_token = opt(cli, "--wa-token");
	cfg->wa_app_secret = opt(cli, "--wa-app-secret");
	cfg->wa_verify_token = opt(cli, "--wa-verify-token");
	cfg->wa_template = opt(cli, "--wa-template");
	cfg->wa_auth_template = opt(cli, "--wa-auth-template");
	cfg->sms_url = opt(cli, "--sms-url");
	cfg->sms_body = opt(cli, "--sms-body");
	cfg->sms_user = opt(cli, "--sms-user");
	cfg->sms_password = opt(cli, "--sms-password");
	cfg->sms_token = opt(cli, "--sms-token");
	const char *sms_method = opt(cli, "--sms-method");
	int bad = cli_int(cli, "--smtp-port", 1, 65535, &cfg->smtp_port) ||
		  cli_int(cli, "--outbox-retry-seconds", 1, 86400, &cfg->retry_s) ||
		  cli_int(cli, "--outbox-max-attempts", 1, 100, &cfg->max_attempts) ||
		  cli_int(cli, "--outbox-timeout", 1, 600, &cfg->timeout_s);
	if (!bad && tls && strcmp(tls, "starttls") != 0 && strcmp(tls, "tls") != 0 && strcmp(tls, "none") != 0) {
		fprintf(stderr, "pendopo %s: --smtp-tls must be starttls, tls or none\n", cli->cmd->name);
		bad = 1;
	}
	if (!bad && ((cfg->wa_phone_id != NULL) != (cfg->wa_token != NULL))) {
		fprintf(stderr, "pendopo %s: WhatsApp needs both --wa-phone-id and --wa-token\n", cli->cmd->name);
		bad = 1;
	}
	if (!bad && sms_method && strcmp(sms_method, "GET") != 0 && strcmp(sms_method, "POST") != 0) {
		fprintf(stderr, "pendopo %s: --sms-method must be GET or POST\n", cli->cmd->name);
		bad = 1;
	}
	if (!bad && cfg->sms_url && strncmp(cfg->sms_url, "http://", 7) != 0 &&
	    strncmp(cfg->sms_url, "https://", 8) != 0) {
		fprintf(stderr, "pendopo %s: --sms-url must be an http or https URL\n", cli->cmd->name);
		bad = 1;
	}
	if (bad) {
		free(ch);
		return 2;
	}
	cfg->sms_post = !sms_method || strcmp(sms_method, "POST") == 0;
	if (!cfg->sms_body)
		cfg->sms_body = "";
	cfg->smtp_tls = !tls || strcmp(tls, "starttls") == 0 ? SMTP_STARTTLS : strcmp(tls, "tls") == 0 ? SMTP_TLS
												   : SMTP_PLAIN;
	if ((channels_email_on(ch) || channels_whatsapp_on(ch) || channels_sms_on(ch)) &&
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "pendopo %s: libcurl failed to initialise\n", cli->cmd->name);
		free(ch);
		return 1;
	}
	/* The key's two blocks are hashed once, not on every webhook call. */
	if (cfg->wa_app_secret)
		webhook_signature_key(&ch->wa_hmac, cfg->wa_app_secret);
	if (channels_whatsapp_on(ch) && !cfg->wa_app_secret)
		log_warn("WhatsApp is on without --wa-app-secret: the webhook refuses every call, so no statuses and "
			 "no complaints by WhatsApp arrive");
	ch->app = app;
	app->code_channels = (channels_whatsapp_on(ch) ? NOTICE_WHATSAPP : 0) | (channels_sms_on(ch) ? NOTICE_SMS : 0);
	pthread_mutex_init(&ch->mu, NULL);
	pthread_cond_init(&ch->wake, NULL);
	app->channels = ch;
	return 0;
}

static const struct route channels_routes[] = {
	{ "GET", "/api/outbox", outbox_h_list, ROLE_ADMIN, NULL, 0 },
	{ "GET", "/api/outbox/{id}", outbox_h_show, ROLE_ADMIN, NULL, 0 },
	{ "POST", "/api/outbox/{id}/retry", outbox_h_retry, ROLE_ADMIN, NULL, 0 },
	{ "GET", "/api/whatsapp/webhook", webhook_h_verify, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/whatsapp/webhook", webhook_h_receive, ROLE_PUBLIC, NULL, RF_RAW_BODY | RF_NO_TX },
	{ 0 },
};

static const struct cli_opt list_opts[] = {
	CLI_OPT_DB,
	{ "--state", NULL, "only messages in this state: pending, sending, sent, failed or unknown", NULL },
	{ "--limit", NULL, "newest messages shown", "50" },
	{ 0 },
};
static const struct cli_opt retry_opts[] = { CLI_OPT_DB, { 0 } };

static const struct command channels_commands[] = {
	{ "outbox list", "outbox list [--state S] [--limit N]",
	  "The outbox's messages by channel, newest first, with counts per state.", list_opts, outbox_list_command },
	{ "outbox retry", "outbox retry ID", "Send a failed or unknown message again.", retry_opts,
	  outbox_retry_command },
	{ 0 },
};

#define DELIVERY_TABLES(ID, INT)                                                                                   \
	"CREATE TABLE deliveries (id " ID ", notification_id " INT " NOT NULL REFERENCES notifications (id)"       \
	" ON DELETE CASCADE, channel TEXT NOT NULL CHECK (channel IN ('email', 'whatsapp')), address TEXT NOT NULL," \
	" lang TEXT NOT NULL, idem_key TEXT NOT NULL UNIQUE, subject TEXT, body TEXT NOT NULL, html TEXT, list TEXT,"  \
	" state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),"              \
	" attempts INTEGER NOT NULL DEFAULT 0, next_at " INT " NOT NULL, claimed_at " INT ", provider_id TEXT,"    \
	" provider_status TEXT, last_error TEXT, created_at TEXT NOT NULL, sent_at TEXT, updated_at TEXT NOT NULL,"  \
	" UNIQUE (notification_id, channel));"                                                                       \
	"CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending';"                               \
	"CREATE INDEX deliveries_sending ON deliveries (claimed_at) WHERE state = 'sending';"                        \
	"CREATE INDEX deliveries_state ON deliveries (state, id);"                                                   \
	"CREATE INDEX deliveries_provider ON deliveries (provider_id) WHERE provider_id IS NOT NULL;"                \
	"CREATE TABLE delivery_attempts (id " ID ", delivery_id " INT " NOT NULL REFERENCES deliveries (id)"      \
	" ON DELETE CASCADE, attempt INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT,"    \
	" detail TEXT);"                                                                                             \
	"CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);"                      \
	"CREATE TABLE delivery_statuses (id " ID ", delivery_id " INT " NOT NULL REFERENCES deliveries (id)"      \
	" ON DELETE CASCADE, status TEXT NOT NULL, at TEXT NOT NULL, detail TEXT, UNIQUE (delivery_id, status));"   \
	"CREATE TABLE wa_contacts (wa_key TEXT PRIMARY KEY, user_id TEXT, wa_id TEXT, send_to TEXT NOT NULL,"       \
	" name TEXT, last_inbound_at " INT " NOT NULL);"                                                             \
	"CREATE INDEX wa_contacts_send_to ON wa_contacts (send_to);"                                                 \
	"CREATE TABLE wa_inbound (wamid TEXT PRIMARY KEY, wa_key TEXT NOT NULL, received_at TEXT NOT NULL);"

static const struct migration channels_migrations[] = {
	{ 1, "deliveries, their attempts and statuses; WhatsApp contacts and inbound ids",
	  DELIVERY_TABLES("INTEGER PRIMARY KEY", "INTEGER"),
	  DELIVERY_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 2, "WhatsApp conversations of the complaint intake",
	  "CREATE TABLE wa_conversations (wa_key TEXT PRIMARY KEY, step TEXT NOT NULL, data TEXT NOT NULL,"
	  " updated_at INTEGER NOT NULL);",
	  "CREATE TABLE wa_conversations (wa_key TEXT PRIMARY KEY, step TEXT NOT NULL, data TEXT NOT NULL,"
	  " updated_at BIGINT NOT NULL);" },
	{ 3, "SMS deliveries",
	  /* SQLite cannot change a CHECK in place, and dropping deliveries
	   * would cascade to its attempts: all three tables move. */
	  "CREATE TABLE deliveries_2 (id INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL REFERENCES notifications (id)"
	  " ON DELETE CASCADE, channel TEXT NOT NULL CHECK (channel IN ('email', 'whatsapp', 'sms')), address TEXT NOT NULL,"
	  " lang TEXT NOT NULL, idem_key TEXT NOT NULL UNIQUE, subject TEXT, body TEXT NOT NULL, html TEXT, list TEXT,"
	  " state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),"
	  " attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, claimed_at INTEGER, provider_id TEXT,"
	  " provider_status TEXT, last_error TEXT, created_at TEXT NOT NULL, sent_at TEXT, updated_at TEXT NOT NULL,"
	  " UNIQUE (notification_id, channel));"
	  "INSERT INTO deliveries_2 SELECT * FROM deliveries;"
	  "CREATE TABLE delivery_attempts_2 (id INTEGER PRIMARY KEY, delivery_id INTEGER NOT NULL REFERENCES deliveries_2 (id)"
	  " ON DELETE CASCADE, attempt INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT,"
	  " detail TEXT);"
	  "INSERT INTO delivery_attempts_2 SELECT * FROM delivery_attempts;"
	  "CREATE TABLE delivery_statuses_2 (id INTEGER PRIMARY KEY, delivery_id INTEGER NOT NULL REFERENCES deliveries_2 (id)"
	  " ON DELETE CASCADE, status TEXT NOT NULL, at TEXT NOT NULL, detail TEXT, UNIQUE (delivery_id, status));"
	  "INSERT INTO delivery_statuses_2 SELECT * FROM delivery_statuses;"
	  "DROP TABLE delivery_statuses; DROP TABLE delivery_attempts; DROP TABLE deliveries;"
	  "ALTER TABLE deliveries_2 RENAME TO deliveries;"
	  "ALTER TABLE delivery_attempts_2 RENAME TO delivery_attempts;"
	  "ALTER TABLE delivery_statuses_2 RENAME TO delivery_statuses;"
	  "CREATE INDEX deliveries_due ON deliveries (next_at) WHERE state = 'pending';"
	  "CREATE INDEX deliveries_sending ON deliveries (claimed_at) WHERE state = 'sending';"
	  "CREATE INDEX deliveries_state ON deliveries (state, id);"
	  "CREATE INDEX deliveries_provider ON deliveries (provider_id) WHERE provider_id IS NOT NULL;"
	  "CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);",
	  "ALTER TABLE deliveries DROP CONSTRAINT deliveries_channel_check;"
	  "ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('email', 'whatsapp', 'sms'));" },
	{ 4, "the one-time code a delivery carries (WhatsApp's authentication template), forgotten once done",
	  "ALTER TABLE deliveries ADD COLUMN code TEXT;",
	  "ALTER TABLE deliveries ADD COLUMN code TEXT;" },
	{ 0 },
};

const struct module channels_module = {
	.name = "channels",
	.routes = channels_routes,
	.commands = channels_commands,
	.migrations = channels_migrations,
	.metrics = channels_metrics,
};
