/* webhook.c - the WhatsApp Cloud API webhook: the verification handshake,
 * the X-Hub-Signature-256 check, delivery statuses recorded against their
 * outbox delivery, and inbound messages handed to the intake once each.
 *
 * The signature is an HMAC-SHA256 of the raw body with the app secret,
 * checked in constant time before the body is parsed; a call without a
 * good one is refused 401 and changes nothing.  WhatsApp delivers the same
 * message more than once: its id (wamid) is stored, and a repeat is
 * acknowledged without being handled again.
 */
#include "internal.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "http.h"
#include "intake.h"
#include "log.h"
#include "phone.h"
#include "util.h"

static int same_secret(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C: C when T is ours. */
int webhook_h_verify(struct req *r)
{
	const struct channels *ch = r->app->channels;
	const char *mode = req_query(r, "hub.mode"), *token = req_query(r, "hub.verify_token");
	const char *challenge = req_query(r, "hub.challenge");
	if (!ch || !ch->cfg.wa_verify_token || !mode || strcmp(mode, "subscribe") != 0 || !token || !challenge ||
	    !same_secret(token, ch->cfg.wa_verify_token))
		return reply_error(r, 403, "forbidden", "the verify token does not match", NULL);
	const char *text = arena_strdup(r->arena, challenge);
	return reply_text(r, 200, "text/plain; charset=utf-8", text, strlen(text));
}

void webhook_signature_key(crypto_auth_hmacsha256_state *keyed, const char *secret)
{
	crypto_auth_hmacsha256_init(keyed, (const unsigned char *)secret, strlen(secret));
}

int webhook_signature_good(const crypto_auth_hmacsha256_state *keyed, const char *header, const char *body,
			   size_t len)
{
	static const char prefix[] = "sha256=";
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	size_t got_len = 0;
	const char *end;
	if (!header || strncmp(header, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	header += sizeof(prefix) - 1;
	if (strlen(header) != 2 * sizeof(got) ||
	    sodium_hex2bin(got, sizeof(got), header, strlen(header), NULL, &got_len, &end) != 0 || got_len != sizeof(got))
		return 0;
	crypto_auth_hmacsha256_state st = *keyed;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, want);
	return sodium_memcmp(want, got, sizeof(want)) == 0;
}

/* Later statuses never step back: a "read" is not undone by a late "sent". */
static int status_rank(const char *s)
{
	static const char *const order[] = { "sent", "delivered", "read", "failed" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, order[i]) == 0)
			return i + 1;
	return 0;
}

static int record_status(struct req *r, json_t *s, const char *at)
{
	const char *wamid = json_string_value(json_object_get(s, "id"));
	const char *status = json_string_value(json_object_get(s, "status"));
	if (!wamid || !status || !status_rank(status))
		return 0;
	json_t *e = json_array_get(json_object_get(s, "errors"), 0);
	const char *why = json_string_value(json_object_get(e, "title"));
	if (!why)
		why = json_string_value(json_object_get(e, "message"));
	const char *detail = e ? arena_printf(r->arena, "%" JSON_INTEGER_FORMAT " %s",
					      json_integer_value(json_object_get(e, "code")), why ? why : "") : NULL;
	int64_t id;
	int rc = db_query_int(r->db, &id, "SELECT id FROM deliveries WHERE provider_id = ?", "s", wamid);
	if (rc == DB_DONE)
		return 0;	/* not ours, or from before this database */
	if (rc != DB_ROW ||
	    db_exec(r->db, "INSERT INTO delivery_statuses (delivery_id, status, at, detail) VALUES (?, ?, ?, ?)"
			   " ON CONFLICT (delivery_id, status) DO NOTHING", "isss", id, status, at, detail) != DB_DONE)
		return -1;
	if (db_changes(r->db) == 0)
		return 0;
	if (db_exec(r->db, "UPDATE deliveries SET provider_status = ?, updated_at = ? WHERE id = ? AND"
			   " ? > CASE provider_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3"
			   " WHEN 'failed' THEN 4 ELSE 0 END", "ssii", status, at, id, (int64_t)status_rank(status)) != DB_DONE)
		return -1;
	if (strcmp(status, "failed") == 0 &&
	    db_exec(r->db, "UPDATE deliveries SET state = 'failed', last_error = ? WHERE id = ?", "si",
		    detail ? detail : "WhatsApp could not deliver the message", id) != DB_DONE)
		return -1;
	return 0;
}

/* The contact who wrote: its window opens (24 h from now). */
static int record_contact(struct req *r, const struct wa_sender *who)
{
	return db_exec(r->db, "INSERT INTO wa_contacts (wa_key, user_id, wa_id, send_to, name, last_inbound_at)"
			      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (wa_key) DO UPDATE SET"
			      " user_id = coalesce(excluded.user_id, wa_contacts.user_id),"
			      " wa_id = coalesce(excluded.wa_id, wa_contacts.wa_id), send_to = excluded.send_to,"
			      " name = coalesce(excluded.name, wa_contacts.name), last_inbound_at = excluded.last_inbound_at",
		       "sssssi", who->key, who->user_id, who->wa_id, who->send_to, who->name,
		       (int64_t)app_now(r->app)) == DB_DONE ? 0 : -1;
}

void webhook_sender_of(struct arena *a, json_t *contacts, json_t *m, struct wa_sender *who)
{
	const char *from = json_string_value(json_object_get(m, "from"));
	json_t *c = NULL, *v;
	size_t i;
	json_array_foreach(contacts, i, v) {
		const char *wa = json_string_value(json_object_get(v, "wa_id"));
		if (!c || (wa && from && strcmp(wa, from) == 0))
			c = v;
	}
	const char *wa_id = json_string_value(json_object_get(c, "wa_id"));
	const char *user_id = json_string_value(json_object_get(c, "user_id"));
	if (!wa_id && from && from[0] >= '0' && from[0] <= '9')
		wa_id = from;
	who->user_id = user_id ? arena_strdup(a, user_id) : NULL;
	who->wa_id = wa_id ? arena_strdup(a, wa_id) : NULL;
	who->phone = phone_from_wa_id(a, wa_id);
	who->key = who->user_id ? who->user_id : who->wa_id ? who->wa_id : from ? arena_strdup(a, from) : NULL;
	who->send_to = who->wa_id ? who->wa_id : who->key;
	const char *name = json_string_value(json_object_get(json_object_get(c, "profile"), "name"));
	who->name = name ? arena_strdup(a, name) : NULL;
}

/* An inbound message and what it will need, gathered before the transaction. */
struct inbound {
	json_t *m;
	struct wa_sender who;
	struct intake_photo photo;
};

static int receive_message(struct req *r, const struct inbound *in, const char *at)
{
	const char *wamid = json_string_value(json_object_get(in->m, "id"));
	const struct wa_sender *who = &in->who;
	if (!wamid || !who->key)
		return 0;
	if (db_exec(r->db, "INSERT INTO wa_inbound (wamid, wa_key, received_at) VALUES (?, ?, ?)"
			   " ON CONFLICT (wamid) DO NOTHING", "sss", wamid, who->key, at) != DB_DONE)
		return -1;
	if (db_changes(r->db) == 0)
		return 0;	/* a repeat delivery: handled the first time */
	if (record_contact(r, who) != 0)
		return -1;
	return intake_receive(r, who, in->m, at, &in->photo);
}

/* The messages of the call, with what each needs fetched - outside the
 * transaction, so no download holds the write lock.  Whether a message was
 * handled before is asked here only of one that may need a download, so a
 * repeat is not fetched for again; receive_message's insert settles every
 * message's repeats (asking each here cost a statement, 18,000
 * instructions, on a connection whose cache every commit empties). */
static int gather(struct req *r, json_t *body, struct inbound **out, size_t *n)
{
	size_t cap = 0, i, j, k;
	json_t *entry, *change, *m;
	*out = NULL;
	*n = 0;
	json_array_foreach(json_object_get(body, "entry"), i, entry) {
		json_array_foreach(json_object_get(entry, "changes"), j, change) {
			const char *field = json_string_value(json_object_get(change, "field"));
			json_t *value = json_object_get(change, "value");
			if (!field || strcmp(field, "messages") != 0)
				continue;
			json_array_foreach(json_object_get(value, "messages"), k, m) {
				const char *wamid = json_string_value(json_object_get(m, "id"));
				if (!wamid)
					continue;
				struct inbound *in = ARENA_PUSH(r->arena, *out, *n, cap);
				if (!in)
					return -1;
				in->m = m;
				webhook_sender_of(r->arena, json_object_get(value, "contacts"), m, &in->who);
				if (!in->who.key || !intake_may_prefetch(r, m))
					continue;
				int64_t seen;
				int rc = db_query_int(r->db, &seen, "SELECT 1 FROM wa_inbound WHERE wamid = ?", "s", wamid);
				if (rc < 0)
					return -1;
				if (rc == DB_ROW)
					(*n)--;
				else if (intake_prefetch(r, &in->who, m, &in->photo) != 0)
					return -1;
			}
		}
	}
	return 0;
}

/* POST: statuses and messages; 200 once stored, so WhatsApp stops resending.
 * The route runs outside the router's transaction (RF_NO_TX): photos are
 * fetched first, then everything is stored in one transaction. */
int webhook_h_receive(struct req *r)
{
	const struct channels *ch = r->app->channels;
	if (!ch || !ch->cfg.wa_app_secret)
		return reply_error(r, 403, "forbidden", "this deployment takes no WhatsApp webhook (no app secret)", NULL);
	if (!webhook_signature_good(&ch->wa_hmac, req_header(r, "X-Hub-Signature-256"), r->body_raw ? r->body_raw : "",
			    r->body_len))
		return reply_error(r, 401, "bad_signature", "X-Hub-Signature-256 is missing or wrong", NULL);
	json_error_t jerr;
	json_t *body = json_loadb(r->body_raw ? r->body_raw : "", r->body_len, 0, &jerr);
	if (!json_is_object(body)) {
		json_decref(body);
		return reply_error(r, 400, "invalid_json", NULL, NULL);
	}
	char at[24];
	time_iso(app_now(r->app), at);
	struct inbound *msgs;
	size_t nmsgs;
	if (gather(r, body, &msgs, &nmsgs) != 0 || db_tx_begin(r->db) != DB_OK) {
		json_decref(body);
		return reply_db_error(r);
	}
	int rc = 0;
	size_t i, j, k;
	json_t *entry, *change, *v;
	json_array_foreach(json_object_get(body, "entry"), i, entry) {
		json_array_foreach(json_object_get(entry, "changes"), j, change) {
			const char *field = json_string_value(json_object_get(change, "field"));
			if (!field || strcmp(field, "messages") != 0)
				continue;
			json_array_foreach(json_object_get(json_object_get(change, "value"), "statuses"), k, v) {
				if (rc == 0)
					rc = record_status(r, v, at);
			}
		}
	}
	for (i = 0; i < nmsgs && rc == 0; i++)
		rc = receive_message(r, &msgs[i], at);
	if (rc == 0)
		channels_after_commit_wake(r->db, r->app->channels);
	if (rc != 0 || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		json_decref(body);
		return reply_db_error(r);
	}
	json_decref(body);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
