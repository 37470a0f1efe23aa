/* outbox.c - the notifications table and the signed-in user's list of it.
 *
 * Reading and marking read are the only things the web does with a notice;
 * delivery by email or message (src/channels) takes rows whose
 * dispatched_at is NULL through outbox_take().  Marking read is the reader's own bookkeeping, so it
 * is not an audited change.
 */
#include "outbox.h"
#include "app.h"
#include "http.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 100

int outbox_notify(struct db_conn *c, const struct notice *n, const char *at)
{
	if (!n->user_id && !n->address)
		return 0;
	char *data = n->data ? json_dumps(n->data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	const char *text = data ? data : n->data_json ? n->data_json : "{}";
	int rc = db_exec(c, "INSERT INTO notifications (user_id, address, topic, object, link, data, created_at) "
			    "VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?)", "issssss",
			 n->user_id, n->address, n->topic, n->object, n->link, text, at);
	free(data);
	return rc == DB_DONE ? 0 : -1;
}

/* The two texts differ only in the lock: PostgreSQL instances skip the
 * notices another instance is taking; SQLite has one writer. */
static const char *const take_sql[] = {
	"SELECT n.id, coalesce(n.user_id, 0), n.address, u.email, u.phone, coalesce(u.lang, 'id'), n.topic, n.object,"
	" n.link, n.data, CASE WHEN u.id IS NULL THEN 0 ELSE coalesce(p.channels, ?) END"
	" FROM notifications n LEFT JOIN users u ON u.id = n.user_id AND u.disabled = 0"
	" LEFT JOIN notice_channels p ON p.user_id = u.id"
	" WHERE n.dispatched_at IS NULL ORDER BY n.id LIMIT ?",
	"SELECT n.id, coalesce(n.user_id, 0), n.address, u.email, u.phone, coalesce(u.lang, 'id'), n.topic, n.object,"
	" n.link, n.data, CASE WHEN u.id IS NULL THEN 0 ELSE coalesce(p.channels, ?) END"
	" FROM notifications n LEFT JOIN users u ON u.id = n.user_id AND u.disabled = 0"
	" LEFT JOIN notice_channels p ON p.user_id = u.id"
	" WHERE n.dispatched_at IS NULL ORDER BY n.id LIMIT ? FOR UPDATE OF n SKIP LOCKED",
};

int outbox_take(struct db_conn *c, struct arena *a, int max, const char *at, struct outbox_item **items,
		size_t *n)
{
	size_t cap = 0;
	*items = NULL;
	*n = 0;
	struct db_stmt *st = db_query(c, take_sql[db_conn_dialect(c)], "ii", (int64_t)NOTICE_DEFAULT, (int64_t)max);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct outbox_item *it = ARENA_PUSH(a, *items, *n, cap);
		if (!it)
			break;
		*it = (struct outbox_item){
			.id = db_col_int(st, 0), .user_id = db_col_int(st, 1),
			.address = arena_strdup(a, db_col_text(st, 2)), .email = arena_strdup(a, db_col_text(st, 3)),
			.phone = arena_strdup(a, db_col_text(st, 4)), .lang = arena_strdup(a, db_col_text(st, 5)),
			.topic = arena_strdup(a, db_col_text(st, 6)), .object = arena_strdup(a, db_col_text(st, 7)),
			.link = arena_strdup(a, db_col_text(st, 8)), .data = arena_strdup(a, db_col_text(st, 9)),
			.channels = (unsigned)db_col_int(st, 10),
		};
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (db_exec(c, "UPDATE notifications SET dispatched_at = ? WHERE id = ?", "si", at, (*items)[i].id) !=
		    DB_DONE)
			return -1;
	return 0;
}

_Static_assert(NOTICE_DEFAULT == 3, "OUTBOX_CHANNELS_OF_U spells NOTICE_DEFAULT");

int outbox_channels_get(struct db_conn *c, int64_t user_id, unsigned *channels)
{
	int64_t v = NOTICE_DEFAULT;
	int rc = db_query_int(c, &v, "SELECT channels FROM notice_channels WHERE user_id = ?", "i", user_id);
	if (rc != DB_ROW && rc != DB_DONE)
		return -1;
	*channels = (unsigned)v;
	return 0;
}

int outbox_channels_set(struct db_conn *c, int64_t user_id, unsigned channels, const char *at)
{
	return db_exec(c, "INSERT INTO notice_channels (user_id, channels, updated_at) VALUES (?, ?, ?)"
			  " ON CONFLICT (user_id) DO UPDATE SET channels = excluded.channels, updated_at = excluded.updated_at",
		       "iis", user_id, (int64_t)channels, at) == DB_DONE ? 0 : -1;
}

int outbox_forget(struct db_conn *c, int64_t id)
{
	return db_exec(c, "UPDATE notifications SET data = '{}' WHERE id = ?", "i", id) == DB_DONE ? 0 : -1;
}

int outbox_delivered(struct db_conn *c, int64_t id, const char *at)
{
	return db_exec(c, "UPDATE notifications SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL", "si", at,
		       id) == DB_DONE ? 0 : -1;
}

/* GET /api/notifications?unread=true&limit=N&before=ID: newest first. */
static int notifications_list(struct req *r)
{
	long limit, before;
	const char *unread = req_query(r, "unread");
	if (req_query_int(r, "limit", 20, 1, PAGE_MAX, &limit) ||
	    req_query_int(r, "before", 0, 0, LONG_MAX, &before))
		return 0;
	if (unread && strcmp(unread, "true") != 0 && strcmp(unread, "false") != 0)
		return reply_error(r, 400, "invalid", "unread must be true or false", "unread");
	int only_unread = unread && strcmp(unread, "true") == 0;

	json_t *items = json_array();
	int64_t unread_count = 0;
	if (r->caller.user_id) {
		struct db_stmt *st = db_query(r->db, "SELECT id, topic, object, link, data, created_at, read_at "
						     "FROM notifications WHERE user_id = ? AND (? = 0 OR id < ?) "
						     "AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?",
					      "iiiii", r->caller.user_id, (int64_t)before, (int64_t)before,
					      (int64_t)only_unread, (int64_t)limit);
		if (!st) {
			json_decref(items);
			return reply_db_error(r);
		}
		int rc;
		while ((rc = db_step(st)) == DB_ROW) {
			json_t *data = json_loads(db_col_text(st, 4), 0, NULL);
			json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s?, s:o, s:s, s:s?}",
				"id", (json_int_t)db_col_int(st, 0), "topic", db_col_text(st, 1),
				"object", db_col_text(st, 2), "link", db_col_text(st, 3),
				"data", data ? data : json_object(), "created_at", db_col_text(st, 5),
				"read_at", db_col_text(st, 6)));
		}
		db_done(st);
		if (rc != DB_DONE || db_query_int(r->db, &unread_count, "SELECT count(*) FROM notifications "
						  "WHERE user_id = ? AND read_at IS NULL", "i", r->caller.user_id) != DB_ROW) {
			json_decref(items);
			return reply_db_error(r);
		}
	}
	return reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "unread", (json_int_t)unread_count));
}

/* POST /api/notifications/read {ids: [..]} or {all: true} */
static int notifications_read(struct req *r)
{
	json_t *ids = json_object_get(r->body, "ids");
	json_t *all = json_object_get(r->body, "all");
	if (!ids == !(all && json_is_true(all)))
		return reply_error(r, 400, "invalid", "give either ids (a list of notification ids) or all: true",
				   ids ? "ids" : "all");
	char now[24];
	time_iso(app_now(r->app), now);
	int64_t changed = 0;
	if (!r->caller.user_id)
		return reply_json(r, 200, json_pack("{s:I}", "marked", (json_int_t)0));
	if (!ids) {
		if (db_exec(r->db, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
			    "si", now, r->caller.user_id) != DB_DONE)
			return reply_db_error(r);
		changed = db_changes(r->db);
	} else {
		size_t i;
		json_t *v;
		if (json_array_size(ids) > PAGE_MAX)
			return reply_error(r, 400, "invalid",
					   arena_printf(r->arena, "ids holds at most %d ids", PAGE_MAX), "ids");
		json_array_foreach(ids, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				return reply_error(r, 400, "invalid", "ids must be positive whole numbers", "ids");
		}
		json_array_foreach(ids, i, v) {
			if (db_exec(r->db, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? "
					   "AND read_at IS NULL", "sii", now, (int64_t)json_integer_value(v),
				    r->caller.user_id) != DB_DONE)
				return reply_db_error(r);
			changed += db_changes(r->db);
		}
	}
	return reply_json(r, 200, json_pack("{s:I}", "marked", (json_int_t)changed));
}

static const struct field read_fields[] = {
	{ "ids", FT_ARRAY, 0, 0 },
	{ "all", FT_BOOL, 0, 0 },
	{ 0 },
};

static const struct route outbox_routes[] = {
	{ "GET", "/api/notifications", notifications_list, ROLE_ANY_USER, NULL, 0 },
	{ "POST", "/api/notifications/read", notifications_read, ROLE_ANY_USER, read_fields, 0 },
	{ 0 },
};

static const struct migration outbox_migrations[] = {
	{ 1, "notifications outbox",
	  "CREATE TABLE notifications (id INTEGER PRIMARY KEY,"
	  " user_id INTEGER REFERENCES users (id) ON DELETE CASCADE, address TEXT,"
	  " topic TEXT NOT NULL, object TEXT NOT NULL, link TEXT, data TEXT NOT NULL,"
	  " created_at TEXT NOT NULL, read_at TEXT, delivered_at TEXT);"
	  "CREATE INDEX notifications_user ON notifications (user_id, id);"
	  "CREATE INDEX notifications_undelivered ON notifications (id) WHERE delivered_at IS NULL;",
	  "CREATE TABLE notifications (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	  " user_id BIGINT REFERENCES users (id) ON DELETE CASCADE, address TEXT,"
	  " topic TEXT NOT NULL, object TEXT NOT NULL, link TEXT, data TEXT NOT NULL,"
	  " created_at TEXT NOT NULL, read_at TEXT, delivered_at TEXT);"
	  "CREATE INDEX notifications_user ON notifications (user_id, id);"
	  "CREATE INDEX notifications_undelivered ON notifications (id) WHERE delivered_at IS NULL;" },
	/* Taken by the delivery worker; notices written before it existed
	 * count as taken, so turning a channel on does not send old news. */
	{ 2, "notifications taken for delivery",
	  "ALTER TABLE notifications ADD COLUMN dispatched_at TEXT;"
	  "UPDATE notifications SET dispatched_at = created_at;"
	  "DROP INDEX notifications_undelivered;"
	  "CREATE INDEX notifications_undispatched ON notifications (id) WHERE dispatched_at IS NULL;",
	  "ALTER TABLE notifications ADD COLUMN dispatched_at TEXT;"
	  "UPDATE notifications SET dispatched_at = created_at;"
	  "DROP INDEX notifications_undelivered;"
	  "CREATE INDEX notifications_undispatched ON notifications (id) WHERE dispatched_at IS NULL;" },
	/* NOTICE_* bits; no row is NOTICE_DEFAULT. */
	{ 3, "the channels each user takes notices by",
	  "CREATE TABLE notice_channels (user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
	  " channels INTEGER NOT NULL CHECK (channels BETWEEN 0 AND 7), updated_at TEXT NOT NULL);",
	  "CREATE TABLE notice_channels (user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
	  " channels INTEGER NOT NULL CHECK (channels BETWEEN 0 AND 7), updated_at TEXT NOT NULL);" },
	{ 0 },
};

const struct module outbox_module = {
	.name = "outbox",
	.routes = outbox_routes,
	.migrations = outbox_migrations,
};
