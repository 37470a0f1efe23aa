/* admin.c - looking after deliveries: the list of pending, sent, failed
 * and unknown messages, one message with its attempts and WhatsApp
 * statuses, and sending a failed or unknown one again - for the admin page
 * (web/admin/outbox.html) and for `pendopo outbox`.
 */
#include "channels.h"
#include "internal.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cli.h"
#include "http.h"
#include "util.h"

#define PAGE_MAX 200

static const char *const states[] = { "pending", "sending", "sent", "failed", "unknown" };

static int state_known(const char *s)
{
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(s, states[i]) == 0)
			return 1;
	return 0;
}

#define DELIVERY_COLS "d.id, d.notification_id, d.channel, d.address, d.state, d.attempts, d.next_at, d.last_error," \
	" d.provider_id, d.provider_status, n.topic, n.object, d.created_at, d.sent_at, d.updated_at, d.subject, d.lang"

static json_t *delivery_json(struct db_stmt *st)
{
	char next[24];
	time_iso((time_t)db_col_int(st, 6), next);
	const char *state = db_col_text(st, 4);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:s, s:s?, s:s}",
		"id", (json_int_t)db_col_int(st, 0), "notification_id", (json_int_t)db_col_int(st, 1),
		"channel", db_col_text(st, 2), "address", db_col_text(st, 3), "state", state,
		"attempts", (json_int_t)db_col_int(st, 5), "next_at", strcmp(state, "pending") == 0 ? next : NULL,
		"last_error", db_col_text(st, 7), "provider_id", db_col_text(st, 8),
		"provider_status", db_col_text(st, 9), "topic", db_col_text(st, 10), "object", db_col_text(st, 11),
		"created_at", db_col_text(st, 12), "sent_at", db_col_text(st, 13), "updated_at", db_col_text(st, 14),
		"subject", db_col_text(st, 15), "lang", db_col_text(st, 16));
}

/* Newest first; state NULL: all.  NULL on a database error. */
static json_t *deliveries_list(struct db_conn *c, const char *state, long limit, long before)
{
	struct db_stmt *st = db_query(c, "SELECT " DELIVERY_COLS " FROM deliveries d JOIN notifications n"
					 " ON n.id = d.notification_id WHERE (CAST(? AS TEXT) IS NULL OR d.state = ?)"
					 " AND (? = 0 OR d.id < ?) ORDER BY d.id DESC LIMIT ?", "ssiii", state, state,
				      (int64_t)before, (int64_t)before, (int64_t)limit);
	if (!st)
		return NULL;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, delivery_json(st));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return NULL;
	}
	json_t *counts = json_object();
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		json_object_set_new(counts, states[i], json_integer(0));
	st = db_query(c, "SELECT state, count(*) FROM deliveries GROUP BY state", "");
	while (st && (rc = db_step(st)) == DB_ROW)
		json_object_set_new(counts, db_col_text(st, 0), json_integer(db_col_int(st, 1)));
	if (st)
		db_done(st);
	if (!st || rc != DB_DONE) {
		json_decref(items);
		json_decref(counts);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "items", items, "counts", counts);
}

/* The delivery with its attempts and statuses; 1 when there is none. */
static int delivery_show(struct db_conn *c, int64_t id, json_t **out)
{
	struct db_stmt *st = db_query(c, "SELECT " DELIVERY_COLS ", d.body FROM deliveries d JOIN notifications n"
					 " ON n.id = d.notification_id WHERE d.id = ?", "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 1 : -1;
	}
	json_t *d = delivery_json(st);
	json_object_set_new(d, "body", json_string(db_col_text(st, 17)));
	db_done(st);
	json_t *attempts = json_array(), *statuses = json_array();
	json_object_set_new(d, "attempts", attempts);
	json_object_set_new(d, "statuses", statuses);
	st = db_query(c, "SELECT attempt, started_at, finished_at, outcome, detail FROM delivery_attempts"
			 " WHERE delivery_id = ? ORDER BY attempt", "i", id);
	while (st && (rc = db_step(st)) == DB_ROW)
		json_array_append_new(attempts, json_pack("{s:I, s:s, s:s?, s:s?, s:s?}", "attempt",
			(json_int_t)db_col_int(st, 0), "started_at", db_col_text(st, 1), "finished_at",
			db_col_text(st, 2), "outcome", db_col_text(st, 3), "detail", db_col_text(st, 4)));
	if (st)
		db_done(st);
	if (!st || rc != DB_DONE)
		goto fail;
	st = db_query(c, "SELECT status, at, detail FROM delivery_statuses WHERE delivery_id = ? ORDER BY id", "i", id);
	while (st && (rc = db_step(st)) == DB_ROW)
		json_array_append_new(statuses, json_pack("{s:s, s:s, s:s?}", "status", db_col_text(st, 0),
			"at", db_col_text(st, 1), "detail", db_col_text(st, 2)));
	if (st)
		db_done(st);
	if (!st || rc != DB_DONE)
		goto fail;
	*out = d;
	return 0;
fail:
	json_decref(d);
	return -1;
}

/* Send a failed or unknown delivery again, now, with its attempts counted
 * afresh (those made stay recorded); in c's transaction.  0 done, 1 none such, 2 not failed or
 * unknown, -1 database error. */
static int delivery_retry(struct db_conn *c, int64_t id, time_t now, const struct caller *who)
{
	char at[24];
	time_iso(now, at);
	if (db_exec(c, "UPDATE deliveries SET state = 'pending', next_at = ?, attempts = 0, updated_at = ?,"
		       " last_error = NULL WHERE id = ? AND state IN ('failed', 'unknown')", "isi", (int64_t)now, at,
		    id) != DB_DONE)
		return -1;
	if (db_changes(c) == 0) {
		int64_t one;
		int rc = db_query_int(c, &one, "SELECT 1 FROM deliveries WHERE id = ?", "i", id);
		return rc == DB_ROW ? 2 : rc == DB_DONE ? 1 : -1;
	}
	char object[40];
	snprintf(object, sizeof(object), "delivery:%" PRId64, id);
	return audit_append(c, who, "outbox.retry", object, NULL) == 0 ? 0 : -1;
}

/* ---- HTTP --------------------------------------------------------------------------------- */

int outbox_h_list(struct req *r)
{
	long limit, before;
	const char *state = req_query(r, "state");
	if (req_query_int(r, "limit", 50, 1, PAGE_MAX, &limit) || req_query_int(r, "before", 0, 0, LONG_MAX, &before))
		return 0;
	if (state && !state_known(state))
		return reply_error(r, 400, "invalid", "state must be pending, sending, sent, failed or unknown", "state");
	json_t *out = deliveries_list(r->db, state, limit, before);
	return out ? reply_json(r, 200, out) : reply_db_error(r);
}

static int delivery_id(struct req *r, int64_t *id)
{
	char *end;
	long long v = strtoll(req_param(r, "id"), &end, 10);
	if (*end || v <= 0)
		return reply_error(r, 404, "not_found", "no message has this id", NULL), -1;
	*id = v;
	return 0;
}

int outbox_h_show(struct req *r)
{
	int64_t id;
	json_t *d;
	if (delivery_id(r, &id))
		return 0;
	int rc = delivery_show(r->db, id, &d);
	if (rc < 0)
		return reply_db_error(r);
	if (rc > 0)
		return reply_error(r, 404, "not_found", "no message has this id", NULL);
	return reply_json(r, 200, d);
}

int outbox_h_retry(struct req *r)
{
	int64_t id;
	json_t *d;
	if (delivery_id(r, &id))
		return 0;
	int rc = delivery_retry(r->db, id, app_now(r->app), &r->caller);
	if (rc < 0)
		return reply_db_error(r);
	if (rc == 1)
		return reply_error(r, 404, "not_found", "no message has this id", NULL);
	if (rc == 2)
		return reply_error_lang(r, 409, "conflict", "only a failed or unknown message can be sent again",
					"Hanya pesan yang gagal atau tidak pasti yang dapat dikirim ulang.", NULL);
	if (delivery_show(r->db, id, &d) != 0)
		return reply_db_error(r);
	channels_after_commit_wake(r->db, r->app->channels);
	return reply_json(r, 200, d);
}

/* ---- pendopo outbox ---------------------------------------------------------------------- */

int outbox_list_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	int limit;
	const char *state = cli_opt(cli, "--state");
	if (argc != 0)
		return cli_usage(cli);
	if (cli_int(cli, "--limit", 1, PAGE_MAX, &limit))
		return 2;
	if (state && !state_known(state)) {
		fprintf(stderr, "pendopo outbox list: --state must be pending, sending, sent, failed or unknown\n");
		return 2;
	}
	struct db *db = cli_db_migrated(cli, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	json_t *out = deliveries_list(c, state, limit, 0);
	db_release(db, c);
	db_close(db);
	if (!out) {
		fprintf(stderr, "pendopo outbox list: the database could not be read\n");
		return 1;
	}
	json_t *counts = json_object_get(out, "counts");
	printf("pending %" JSON_INTEGER_FORMAT ", sending %" JSON_INTEGER_FORMAT ", sent %" JSON_INTEGER_FORMAT
	       ", failed %" JSON_INTEGER_FORMAT ", unknown %" JSON_INTEGER_FORMAT "\n",
	       json_integer_value(json_object_get(counts, "pending")), json_integer_value(json_object_get(counts, "sending")),
	       json_integer_value(json_object_get(counts, "sent")), json_integer_value(json_object_get(counts, "failed")),
	       json_integer_value(json_object_get(counts, "unknown")));
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(out, "items"), i, d) {
		const char *err = json_string_value(json_object_get(d, "last_error"));
		printf("%" JSON_INTEGER_FORMAT "\t%s\t%s\t%s\t%s\tattempts=%" JSON_INTEGER_FORMAT "%s%s\n",
		       json_integer_value(json_object_get(d, "id")), json_string_value(json_object_get(d, "state")),
		       json_string_value(json_object_get(d, "channel")), json_string_value(json_object_get(d, "address")),
		       json_string_value(json_object_get(d, "topic")), json_integer_value(json_object_get(d, "attempts")),
		       err ? "\t" : "", err ? err : "");
	}
	json_decref(out);
	return 0;
}

int outbox_retry_command(struct cli *cli, int argc, char **argv)
{
	char *end = NULL;
	long long id = argc == 1 ? strtoll(argv[0], &end, 10) : 0;
	if (argc != 1 || *end || id <= 0)
		return cli_usage(cli);
	struct app app;
	int rc = cli_app(cli, &app, 1);
	if (rc)
		return rc;
	struct db_conn *c = db_acquire(app.db);
	const struct caller who = { .name = "cli" };
	rc = db_tx_begin(c) == DB_OK ? delivery_retry(c, id, app_now(&app), &who) : -1;
	if (rc == 0 && db_tx_commit(c) != DB_OK)
		rc = -1;
	else if (rc != 0)
		db_tx_rollback(c);
	db_release(app.db, c);
	db_close(app.db);
	if (rc == 0)
		printf("message %lld will be sent again by the next delivery round\n", id);
	else if (rc == 1)
		fprintf(stderr, "pendopo outbox retry: no message has id %lld\n", id);
	else if (rc == 2)
		fprintf(stderr, "pendopo outbox retry: message %lld is neither failed nor unknown\n", id);
	else
		fprintf(stderr, "pendopo outbox retry: the database failed\n");
	return rc == 0 ? 0 : 1;
}
