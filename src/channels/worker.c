/* worker.c - the delivery worker: takes notices from the outbox, makes one
 * delivery per channel of the recipient, and sends them.
 *
 * Exactly-once as far as we can know it: a delivery is moved to "sending"
 * (and its attempt recorded) in a committed transaction before the send,
 * and to "sent", "pending" (retry later) or "failed" in another after it.
 * A delivery still "sending" once its lease ran out was interrupted by a
 * crash in the middle of a send: whether the provider took it is unknown,
 * so it becomes "unknown" and is never sent again by itself - an
 * administrator decides (retry).  Several instances on PostgreSQL share the
 * work through FOR UPDATE SKIP LOCKED; on SQLite one process owns it.
 */
#include "channels.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "outbox.h"
#include "util.h"

#define TAKE_BATCH 50
#define SEND_BATCH 20
#define BACKOFF_MAX_S (6 * 3600)

/* Seconds after which a "sending" delivery was surely interrupted: a send
 * gives up after timeout_s (libcurl), and its outcome is recorded at once. */
static long lease_s(const struct channels *ch)
{
	return 2L * ch->cfg.timeout_s + 2;
}

/* retry_s doubled for each attempt made, capped, with +-20 % jitter so
 * messages failed together do not retry together. */
static long backoff_s(const struct channels *ch, int attempts)
{
	double d = ch->cfg.retry_s;
	for (int i = 1; i < attempts && d < BACKOFF_MAX_S; i++)
		d *= 2;
	if (d > BACKOFF_MAX_S)
		d = BACKOFF_MAX_S;
	d *= (800.0 + randombytes_uniform(401)) / 1000.0;
	return d < 1 ? 1 : (long)d;
}

/* ---- interrupted sends ------------------------------------------------------------------- */

static int mark_interrupted(struct channels *ch, struct db_conn *c)
{
	time_t now = app_now(ch->app);
	int64_t cutoff = (int64_t)now - lease_s(ch), any = 0;
	if (db_query_int(c, &any, "SELECT count(*) FROM deliveries WHERE state = 'sending' AND claimed_at < ?", "i",
			 cutoff) != DB_ROW || !any)
		return 0;
	char at[24];
	time_iso(now, at);
	if (db_tx_begin(c) != DB_OK)
		return -1;
	db_exec(c, "UPDATE delivery_attempts SET finished_at = ?, outcome = 'interrupted', "
		   "detail = 'the server stopped during the send' WHERE finished_at IS NULL AND delivery_id IN "
		   "(SELECT id FROM deliveries WHERE state = 'sending' AND claimed_at < ?)", "si", at, cutoff);
	db_exec(c, "UPDATE deliveries SET state = 'unknown', updated_at = ?, last_error = 'interrupted during the "
		   "send: it may have been delivered; retry by hand' WHERE state = 'sending' AND claimed_at < ?",
		"si", at, cutoff);
	if (db_tx_commit(c) != DB_OK)
		return -1;
	log_warn("outbox: deliveries interrupted by a stop are left unknown, not resent", LOG_F("count", (long long)any));
	return 0;
}

/* ---- from notices to deliveries ---------------------------------------------------------- */

/* WhatsApp's "to": digits of an E.164 number, or the id the intake keeps. */
static const char *whatsapp_to(struct arena *a, const char *phone)
{
	if (!phone)
		return NULL;
	if (strncmp(phone, "wa:", 3) == 0)
		return phone[3] ? phone + 3 : NULL;
	if (phone[0] != '+')
		return NULL;
	return arena_strdup(a, phone + 1);
}

/* The channels a notice goes by (NOTICE_* bits), of those configured: the
 * intake's replies by WhatsApp alone, a one-time code by the one channel
 * asked for, a user's notices as the user chose, and a notice to a bare
 * address by email or WhatsApp - by SMS only where WhatsApp is off. */
static unsigned channels_for(const struct channels *ch, const struct outbox_item *it)
{
	unsigned on = (channels_email_on(ch) ? NOTICE_EMAIL : 0) | (channels_whatsapp_on(ch) ? NOTICE_WHATSAPP : 0) |
		      (channels_sms_on(ch) ? NOTICE_SMS : 0);
	if (strcmp(it->topic, "whatsapp.reply") == 0)
		return on & NOTICE_WHATSAPP;
	if (strcmp(it->topic, OUTBOX_TOPIC_CODE) == 0) {
		json_t *d = json_loads(it->data, 0, NULL);
		const char *by = json_string_value(json_object_get(d, "channel"));
		unsigned want = by && strcmp(by, CH_SMS) == 0 ? NOTICE_SMS : by && strcmp(by, CH_WHATSAPP) == 0
			? NOTICE_WHATSAPP : 0;
		json_decref(d);
		return on & want;
	}
	if (it->user_id)
		return on & it->channels;
	return on & (NOTICE_EMAIL | NOTICE_WHATSAPP | (on & NOTICE_WHATSAPP ? 0 : NOTICE_SMS));
}

static int add_delivery(struct channels *ch, struct db_conn *c, struct arena *a, const struct outbox_item *it,
			const char *channel, const char *address, const char *at)
{
	struct message m = { .address = address, .lang = it->lang };
	if (message_compose(a, ch->app->cfg.base_url, it, channel, &m) != 0)
		return -1;
	return db_exec(c, "INSERT INTO deliveries (notification_id, channel, address, lang, idem_key, subject, body,"
			  " html, list, code, state, attempts, next_at, created_at, updated_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
		       "isssssssssiss", it->id, channel, address, m.lang,
		       arena_printf(a, "pendopo-%" PRId64 "-%s", it->id, channel), m.subject, m.text, m.html,
		       m.list, m.code, (int64_t)app_now(ch->app), at, at) == DB_DONE ? 0 : -1;
}

static int fan_out(struct channels *ch, struct db_conn *c, struct arena *a)
{
	/* One index entry, not a count: the backlog can be tens of thousands. */
	int64_t any = 0;
	if (db_query_int(c, &any, "SELECT 1 FROM notifications WHERE dispatched_at IS NULL LIMIT 1", "") != DB_ROW)
		return 0;
	char at[24];
	time_iso(app_now(ch->app), at);
	struct outbox_item *items;
	size_t n;
	if (db_tx_begin(c) != DB_OK)
		return -1;
	int rc = outbox_take(c, a, TAKE_BATCH, at, &items, &n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct outbox_item *it = &items[i];
		unsigned by = channels_for(ch, it);
		const char *email = it->email ? it->email : it->address && strchr(it->address, '@') ? it->address : NULL;
		const char *phone = it->phone ? it->phone : it->address;
		const char *wa = whatsapp_to(a, phone);
		if ((by & NOTICE_EMAIL) && email)
			rc = add_delivery(ch, c, a, it, CH_EMAIL, email, at);
		if (rc == 0 && (by & NOTICE_WHATSAPP) && wa)
			rc = add_delivery(ch, c, a, it, CH_WHATSAPP, wa, at);
		if (rc == 0 && (by & NOTICE_SMS) && phone && phone[0] == '+')
			rc = add_delivery(ch, c, a, it, CH_SMS, phone, at);
	}
	if (rc != 0) {
		log_error("outbox: notices not taken", LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
		return -1;
	}
	return db_tx_commit(c) == DB_OK ? 0 : -1;
}

/* ---- one delivery ------------------------------------------------------------------------ */

struct claimed {
	int64_t id, notification_id, attempt_id;
	int attempts;
	int code;		/* a one-time code: its words are forgotten once it is done */
	const char *channel;
	struct message m;
};

static const char *const due_sql[] = {
	"SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 1",
	"SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 1 "
	"FOR UPDATE SKIP LOCKED",
};

/* 1 claimed, 0 nothing due, -1 database error. */
static int claim(struct channels *ch, struct db_conn *c, struct arena *a, struct claimed *d)
{
	time_t now = app_now(ch->app);
	int64_t id = 0;
	/* Anything due, before a write transaction: the first entry of the
	 * partial index, where a count walked the whole backlog per message
	 * (71 messages/s with 23,000 queued). */
	if (db_query_int(c, &id, "SELECT 1 FROM deliveries WHERE state = 'pending' AND next_at <= ? LIMIT 1", "i",
			 (int64_t)now) != DB_ROW)
		return 0;
	char at[24];
	time_iso(now, at);
	if (db_tx_begin(c) != DB_OK)
		return -1;
	int rc = db_query_int(c, &id, due_sql[db_conn_dialect(c)], "i", (int64_t)now);
	if (rc != DB_ROW) {
		db_tx_rollback(c);
		return rc == DB_DONE ? 0 : -1;
	}
	struct db_stmt *st = db_query(c, "UPDATE deliveries SET state = 'sending', attempts = attempts + 1,"
					 " claimed_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'"
					 " RETURNING attempts, channel, address, lang, idem_key, subject, body, html, list,"
					 " notification_id, (SELECT topic FROM notifications n WHERE n.id = notification_id), code",
				      "isi", (int64_t)now, at, id);
	if (!st || db_step(st) != DB_ROW) {
		if (st)
			db_done(st);
		db_tx_rollback(c);
		return -1;
	}
	*d = (struct claimed){ .id = id, .attempts = (int)db_col_int(st, 0),
		.channel = arena_strdup(a, db_col_text(st, 1)), .notification_id = db_col_int(st, 9),
		.code = db_col_text(st, 10) && strcmp(db_col_text(st, 10), OUTBOX_TOPIC_CODE) == 0 };
	d->m = (struct message){ .address = arena_strdup(a, db_col_text(st, 2)),
		.lang = arena_strdup(a, db_col_text(st, 3)), .key = arena_strdup(a, db_col_text(st, 4)),
		.subject = arena_strdup(a, db_col_text(st, 5)), .text = arena_strdup(a, db_col_text(st, 6)),
		.html = arena_strdup(a, db_col_text(st, 7)), .list = arena_strdup(a, db_col_text(st, 8)),
		.code = arena_strdup(a, db_col_text(st, 11)) };
	db_done(st);
	/* Attempts are numbered over the delivery's life, across retries by hand. */
	if (db_query_int(c, &d->attempt_id, "INSERT INTO delivery_attempts (delivery_id, attempt, started_at)"
			 " VALUES (?, (SELECT count(*) + 1 FROM delivery_attempts WHERE delivery_id = ?), ?) RETURNING id",
			 "iis", id, id, at) != DB_ROW) {
		db_tx_rollback(c);
		return -1;
	}
	return db_tx_commit(c) == DB_OK ? 1 : -1;
}

/* Is the recipient's 24-hour window open (they wrote to us lately)? */
static int window_open(struct channels *ch, struct db_conn *c, const char *to)
{
	int64_t last = 0;
	if (db_query_int(c, &last, "SELECT max(last_inbound_at) FROM wa_contacts WHERE send_to = ?", "s", to) != DB_ROW)
		return 0;
	return last >= (int64_t)app_now(ch->app) - 24 * 3600;
}

static enum send_result send_one(struct channels *ch, struct db_conn *c, struct arena *a, const struct claimed *d,
				 char pid[DETAIL_MAX], char detail[DETAIL_MAX])
{
	if (strcmp(d->channel, CH_EMAIL) == 0) {
		if (!channels_email_on(ch))
			return snprintf(detail, DETAIL_MAX, "email is not configured"), SEND_RETRY;
		return smtp_send(ch, a, &d->m, pid, detail);
	}
	if (strcmp(d->channel, CH_SMS) == 0) {
		if (!channels_sms_on(ch))
			return snprintf(detail, DETAIL_MAX, "SMS is not configured"), SEND_RETRY;
		return sms_send(ch, a, &d->m, pid, detail);
	}
	if (!channels_whatsapp_on(ch))
		return snprintf(detail, DETAIL_MAX, "WhatsApp is not configured"), SEND_RETRY;
	/* A code goes as the authentication template even inside the 24
	 * hours: WhatsApp's rules send one-time codes in no other message. */
	if (d->m.code && ch->cfg.wa_auth_template)
		return whatsapp_send(ch, a, &d->m, 1, pid, detail);
	if (window_open(ch, c, d->m.address)) {
		enum send_result res = whatsapp_send(ch, a, &d->m, 0, pid, detail);
		if (res != SEND_WINDOW_CLOSED)
			return res;
	}
	return whatsapp_send(ch, a, &d->m, 1, pid, detail);
}

static int record(struct channels *ch, struct db_conn *c, const struct claimed *d, enum send_result res,
		  const char *pid, const char *detail)
{
	time_t now = app_now(ch->app);
	char at[24];
	time_iso(now, at);
	const char *state = res == SEND_OK ? "sent" : res == SEND_RETRY && d->attempts < ch->cfg.max_attempts
							  ? "pending" : "failed";
	const char *outcome = res == SEND_OK ? "sent" : strcmp(state, "pending") == 0 ? "retry" : "failed";
	int64_t next = (int64_t)now + (strcmp(state, "pending") == 0 ? backoff_s(ch, d->attempts) : 0);
	if (db_tx_begin(c) != DB_OK)
		return -1;
	db_exec(c, "UPDATE delivery_attempts SET finished_at = ?, outcome = ?, detail = ? WHERE id = ?", "sssi", at,
		outcome, detail[0] ? detail : NULL, d->attempt_id);
	db_exec(c, "UPDATE deliveries SET state = ?, next_at = ?, updated_at = ?, claimed_at = NULL,"
		   " provider_id = coalesce(CAST(? AS TEXT), provider_id), last_error = ?, sent_at = CASE WHEN CAST(? AS TEXT) = 'sent' THEN ?"
		   " ELSE sent_at END WHERE id = ?", "sisssssi",
		state, next, at, pid[0] ? pid : NULL, res == SEND_OK ? NULL : detail, state, at, d->id);
	if (res == SEND_OK)
		outbox_delivered(c, d->notification_id, at);
	if (d->code && strcmp(state, "pending") != 0) {
		db_exec(c, "UPDATE deliveries SET body = '-', subject = NULL, code = NULL WHERE id = ?", "i", d->id);
		outbox_forget(c, d->notification_id);
	}
	if (db_tx_commit(c) != DB_OK)
		return -1;
	if (res == SEND_OK)
		log_info("outbox: sent", LOG_F("delivery", (long long)d->id), LOG_F("channel", d->channel),
			 LOG_F("to", d->m.address));
	else
		log_warn("outbox: send failed", LOG_F("delivery", (long long)d->id), LOG_F("channel", d->channel),
			 LOG_F("to", d->m.address), LOG_F("attempt", (long long)d->attempts), LOG_F("state", state),
			 LOG_F("detail", detail));
	return 0;
}

/* One round of the work; the number of messages sent or tried. */
static int worker_pass(struct channels *ch)
{
	struct arena *a = arena_new(16384);
	if (!a)
		return 0;
	struct db_conn *c = db_acquire(ch->app->db);
	int done = 0;
	if (mark_interrupted(ch, c) == 0 && fan_out(ch, c, a) == 0) {
		struct claimed d;
		while (done < SEND_BATCH && !ch->stop && claim(ch, c, a, &d) == 1) {
			char pid[DETAIL_MAX] = "", detail[DETAIL_MAX] = "";
			enum send_result res = send_one(ch, c, a, &d, pid, detail);
			if (record(ch, c, &d, res, pid, detail) != 0)
				log_error("outbox: the outcome of a send was not stored; it stays sending until its "
					  "lease ends", LOG_F("delivery", (long long)d.id), LOG_F("error", db_errmsg(c)));
			done++;
		}
	}
	db_release(ch->app->db, c);
	arena_free(a);
	return done;
}

static void *worker_main(void *arg)
{
	struct channels *ch = arg;
	/* SIGTERM is the server's to wait for, not this thread's to die of. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_mutex_lock(&ch->mu);
	while (!ch->stop) {
		pthread_mutex_unlock(&ch->mu);
		int done = worker_pass(ch);
		pthread_mutex_lock(&ch->mu);
		if (done || ch->stop)
			continue;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&ch->wake, &ch->mu, &until);
	}
	pthread_mutex_unlock(&ch->mu);
	return NULL;
}

void channels_wake(struct channels *ch)
{
	if (!ch)
		return;
	pthread_mutex_lock(&ch->mu);
	pthread_cond_signal(&ch->wake);
	pthread_mutex_unlock(&ch->mu);
}

static void wake_committed(void *arg, int committed)
{
	if (committed)
		channels_wake(arg);
}

void channels_after_commit_wake(struct db_conn *c, struct channels *ch)
{
	if (ch && ch->running)
		db_defer(c, wake_committed, ch);
}

int channels_start(struct app *app)
{
	struct channels *ch = app->channels;
	if (!ch)
		return 0;
	if (!channels_email_on(ch) && !channels_whatsapp_on(ch) && !channels_sms_on(ch)) {
		log_info("outbox: no delivery channel configured (--smtp-host, --wa-phone-id, --sms-url): the delivery worker is "
			 "idle and notices wait in the outbox");
		return 0;
	}
	if (pthread_create(&ch->thread, NULL, worker_main, ch) != 0) {
		log_error("outbox: the delivery worker did not start", LOG_F("error", strerror(errno)));
		return -1;
	}
	ch->running = 1;
	log_info("outbox: delivery worker started", LOG_F("email", channels_email_on(ch) ? "on" : "off"),
		 LOG_F("whatsapp", channels_whatsapp_on(ch) ? "on" : "off"),
		 LOG_F("sms", channels_sms_on(ch) ? "on" : "off"));
	return 0;
}

void channels_stop(struct app *app)
{
	struct channels *ch = app->channels;
	if (!ch)
		return;
	if (ch->running) {
		pthread_mutex_lock(&ch->mu);
		ch->stop = 1;
		pthread_cond_signal(&ch->wake);
		pthread_mutex_unlock(&ch->mu);
		pthread_join(ch->thread, NULL);
	}
	pthread_mutex_destroy(&ch->mu);
	pthread_cond_destroy(&ch->wake);
	free(ch);
	app->channels = NULL;
}
