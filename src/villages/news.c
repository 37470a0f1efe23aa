/* news.c - a village's news and announcements: written in Markdown by its
 * operators, rendered to safe HTML on save (markdown.c), published or kept
 * as a draft; the public sees the published ones only.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "util.h"

#define POST_SELECT "SELECT id, kind, title, body, html, published_at, created_at, updated_at FROM village_posts"

static json_t *post_json(struct db_stmt *st, bool full)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s}", "id", (json_int_t)db_col_int(st, 0), "kind",
			      db_col_text(st, 1), "title", db_col_text(st, 2), "published_at",
			      db_col_is_null(st, 5) ? NULL : db_col_text(st, 5), "created_at", db_col_text(st, 6),
			      "updated_at", db_col_text(st, 7));
	if (full) {
		json_object_set_new(j, "body", json_string(db_col_text(st, 3)));
		json_object_set_new(j, "html", json_string(db_col_text(st, 4)));
	} else {
		/* A teaser: the first 200 bytes of the Markdown, cut at a character. */
		const char *b = db_col_text(st, 3);
		size_t n = strlen(b) > 200 ? 200 : strlen(b);
		while (n > 0 && n < strlen(b) && ((unsigned char)b[n] & 0xc0) == 0x80)
			n--;
		json_object_set_new(j, "excerpt", json_stringn(b, n));
	}
	return j;
}

static json_t *posts_query(struct req *r, const char *kode, bool drafts, int limit, int offset)
{
	struct db_stmt *st = db_query(r->db, POST_SELECT " WHERE village = ? AND (? = 1 OR published_at IS NOT NULL)"
					     " ORDER BY COALESCE(published_at, created_at) DESC, id DESC LIMIT ? OFFSET ?",
				      "sbii", kode, (int)drafts, (int64_t)limit, (int64_t)offset);
	if (!st)
		return NULL;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, post_json(st, false));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *villages_posts_latest(struct req *r, const char *kode, int n)
{
	return posts_query(r, kode, false, n, 0);
}

/* GET /api/villages/{kode}/posts[?limit&offset]: operators see drafts too. */
int villages_posts_list(struct req *r)
{
	struct village v;
	long limit, offset;
	if (village_open(r, &v))
		return 0;
	if (req_query_int(r, "limit", 20, 1, 100, &limit) || req_query_int(r, "offset", 0, 0, 100000, &offset))
		return 0;
	json_t *items = posts_query(r, v.kode, village_may_edit(r, v.kode), (int)limit, (int)offset);
	if (!items)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int post_reply(struct req *r, int64_t id, const char *kode, bool drafts, int status)
{
	struct db_stmt *st = db_query(r->db, POST_SELECT " WHERE id = ? AND village = ? AND (? = 1 OR published_at IS NOT NULL)",
				      "isb", id, kode, (int)drafts);
	if (!st)
		return reply_db_error(r);
	int rc = db_step(st);
	json_t *j = rc == DB_ROW ? post_json(st, true) : NULL;
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return reply_db_error(r);
	if (!j)
		return reply_error(r, 404, "not_found", "this village has no such post", NULL);
	return reply_json(r, status, json_pack("{s:o}", "post", j));
}

static int64_t post_id(struct req *r)
{
	char *end;
	const char *p = req_param(r, "id");
	long long id = p ? strtoll(p, &end, 10) : 0;
	return p && *p && !*end && id > 0 ? id : 0;
}

/* GET /api/villages/{kode}/posts/{id} */
int villages_post_get(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	return post_reply(r, post_id(r), v.kode, village_may_edit(r, v.kode), 200);
}

/* The body's kind, title and text checked; 0, or -1 with a reply set. */
static int post_check(struct req *r, bool create)
{
	const char *kind = body_str(r, "kind"), *title = body_str(r, "title"), *body = body_str(r, "body");
	if ((create || kind) && (!kind || (strcmp(kind, "news") != 0 && strcmp(kind, "announcement") != 0)))
		return reply_error(r, 400, "invalid", "kind is news or announcement", "kind"), -1;
	if ((create || title) && !village_text_ok(title, false))
		return reply_error_lang(r, 400, "invalid", "title is required", "Judul wajib diisi.", "title"), -1;
	if ((create || body) && !village_text_ok(body, true))
		return reply_error_lang(r, 400, "invalid", "body is required", "Isi wajib diisi.", "body"), -1;
	return 0;
}

static int refuse_edit(struct req *r)
{
	return reply_error_lang(r, 403, "forbidden", "only this village's operators write its news",
				"Hanya operator desa ini yang dapat menulis beritanya.", NULL);
}

/* POST /api/villages/{kode}/posts {kind, title, body, published} */
int villages_post_create(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	if (post_check(r, true))
		return 0;
	const char *html = markdown_html(r->arena, body_str(r, "body"));
	if (!html)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	char now[24];
	time_iso(app_now(r->app), now);
	bool pub = !json_is_false(json_object_get(r->body, "published"));
	int64_t id;
	if (db_query_int(r->db, &id, "INSERT INTO village_posts (village, kind, title, body, html, published_at, author_id,"
				     " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 "ssssssiss", v.kode, body_str(r, "kind"), body_str(r, "title"), body_str(r, "body"), html,
			 pub ? now : NULL, r->caller.user_id, now, now) != DB_ROW)
		return reply_db_error(r);
	json_t *d = json_pack("{s:s, s:s, s:b}", "village", v.kode, "title", body_str(r, "title"), "published", (int)pub);
	int rc = audit_append(r->db, &r->caller, "village.post", arena_printf(r->arena, "village_post:%" PRId64, id), d);
	json_decref(d);
	if (rc == 0)
		rc = villages_page_changed(r, v.kode);
	if (rc != 0)
		return reply_db_error(r);
	return post_reply(r, id, v.kode, true, 201);
}

/* PATCH /api/villages/{kode}/posts/{id}: the members given. */
int villages_post_patch(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	int64_t id = post_id(r);
	if (post_check(r, false))
		return 0;
	char now[24];
	time_iso(app_now(r->app), now);
	const char *body = body_str(r, "body");
	const char *html = body ? markdown_html(r->arena, body) : NULL;
	json_t *pub = json_object_get(r->body, "published");
	/* published: true keeps the first publication's time. */
	if (db_exec(r->db, "UPDATE village_posts SET kind = COALESCE(?, kind), title = COALESCE(?, title),"
			   " body = COALESCE(?, body), html = COALESCE(?, html), updated_at = ?,"
			   " published_at = CASE WHEN ? = 1 THEN COALESCE(published_at, ?) WHEN ? = 1 THEN NULL"
			   " ELSE published_at END WHERE id = ? AND village = ?", "sssssbsbis",
		    body_str(r, "kind"), body_str(r, "title"), body, html, now, (int)json_is_true(pub), now,
		    (int)json_is_false(pub), id, v.kode) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) == 0)
		return reply_error(r, 404, "not_found", "this village has no such post", NULL);
	if (audit_append(r->db, &r->caller, "village.post_edit", arena_printf(r->arena, "village_post:%" PRId64, id),
			 NULL) != 0 || villages_page_changed(r, v.kode) != 0)
		return reply_db_error(r);
	return post_reply(r, id, v.kode, true, 200);
}

/* DELETE /api/villages/{kode}/posts/{id} */
int villages_post_delete(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	int64_t id = post_id(r);
	if (db_exec(r->db, "DELETE FROM village_posts WHERE id = ? AND village = ?", "is", id, v.kode) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) == 0)
		return reply_error(r, 404, "not_found", "this village has no such post", NULL);
	if (audit_append(r->db, &r->caller, "village.post_delete", arena_printf(r->arena, "village_post:%" PRId64, id),
			 NULL) != 0 || villages_page_changed(r, v.kode) != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
