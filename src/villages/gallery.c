/* gallery.c - a village's photo gallery: photos its operators upload,
 * each decoded and encoded again by core (image.h) like a complaint's
 * photo so no sender's bytes or metadata are kept, with a caption; at most
 * GALLERY_MAX a village and GALLERY_PHOTO_MAX_BYTES a photo.  Removing one
 * removes its stored file only when no service still names it.
 */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "documents.h"
#include "files.h"
#include "image.h"
#include "log.h"
#include "util.h"

static json_t *photo_json(struct req *r, const char *kode, struct db_stmt *st)
{
	int64_t id = db_col_int(st, 0);
	return json_pack("{s:I, s:s?, s:s, s:I, s:s, s:s}", "id", (json_int_t)id, "caption",
			 db_col_is_null(st, 1) ? NULL : db_col_text(st, 1), "mime", db_col_text(st, 2), "size",
			 (json_int_t)db_col_int(st, 3), "created_at", db_col_text(st, 4), "url",
			 arena_printf(r->arena, "/api/villages/%s/photos/%" PRId64, kode, id));
}

json_t *villages_photos_json(struct req *r, const char *kode)
{
	struct db_stmt *st = db_query(r->db, "SELECT id, caption, mime, size, created_at FROM village_photos"
					     " WHERE village = ? ORDER BY id DESC", "s", kode);
	if (!st)
		return NULL;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, photo_json(r, kode, st));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return NULL;
	}
	return items;
}

/* GET /api/villages/{kode}/photos */
int villages_photos_list(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	json_t *items = villages_photos_json(r, v.kode);
	if (!items)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:i}", "items", items, "max", GALLERY_MAX));
}

static int refuse_edit(struct req *r)
{
	return reply_error_lang(r, 403, "forbidden", "only this village's operators keep its gallery",
				"Hanya operator desa ini yang dapat mengelola galerinya.", NULL);
}

/* A caption: readable text on one line, or NULL for none; 0, or -1 with a
 * reply set. */
static int caption_check(struct req *r, const char *s)
{
	if (s && *s && (strlen(s) > CAPTION_MAX || !village_text_ok(s, false)))
		return reply_error_lang(r, 400, "invalid",
			arena_printf(r->arena, "caption is readable text of at most %d bytes", CAPTION_MAX),
			arena_printf(r->arena, "Keterangan foto berupa teks, paling panjang %d karakter.", CAPTION_MAX),
			"caption"), -1;
	return 0;
}

static int64_t photo_id(struct req *r)
{
	char *end;
	const char *p = req_param(r, "id");
	long long id = p ? strtoll(p, &end, 10) : 0;
	return p && *p && !*end && id > 0 ? id : 0;
}

/* POST /api/villages/{kode}/photos[?caption=]: one JPEG or PNG as the raw
 * body.  Made again before the transaction: decoding a large photo takes a
 * while, and the database's writer need not wait for it. */
int villages_photo_add(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	const char *caption = req_query(r, "caption");
	if (caption_check(r, caption))
		return 0;
	if (r->body_len > GALLERY_PHOTO_MAX_BYTES)
		return reply_error_lang(r, 413, "too_large",
			arena_printf(r->arena, "a photo may be at most %u MB", GALLERY_PHOTO_MAX_BYTES / (1024 * 1024)),
			arena_printf(r->arena, "Foto paling besar %u MB.", GALLERY_PHOTO_MAX_BYTES / (1024 * 1024)), "photo");
	enum image_kind kind = image_sniff(r->body_raw, r->body_len);
	if (kind == IMAGE_NONE)
		return reply_error_lang(r, 400, "invalid", "the file is not a JPEG or PNG image",
					"Berkas bukan gambar JPEG atau PNG.", "photo");
	unsigned char *data;
	size_t len;
	const struct image_problem *bad;
	if (image_reencode(r->arena, kind, (const unsigned char *)r->body_raw, r->body_len, &data, &len, &bad) != 0)
		return bad ? reply_error_lang(r, 400, "invalid", bad->en, bad->id, "photo")
			   : reply_error(r, 500, "internal", "out of memory", NULL);
	char sha[65], now[24];
	if (files_put(r->app, r->db, data, len, sha) != 0) {
		log_error("gallery photo not stored", LOG_F("module", "villages"), LOG_F("error", strerror(errno)));
		return reply_error(r, 503, "storage_error", NULL, NULL);
	}
	time_iso(app_now(r->app), now);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	/* The count is asked in the transaction that adds: two uploads at
	 * once cannot both take the last place (one writer at a time on
	 * SQLite; on PostgreSQL the village's profile row is locked first). */
	int64_t n = 0, id = 0;
	int ok = db_exec(r->db, "INSERT INTO village_profiles (village, updated_at, updated_by) VALUES (?, ?, ?) "
				"ON CONFLICT (village) DO UPDATE SET updated_at = village_profiles.updated_at", "ssi",
			 v.kode, now, r->caller.user_id) == DB_DONE &&
		 db_query_int(r->db, &n, "SELECT count(*) FROM village_photos WHERE village = ?", "s", v.kode) == DB_ROW;
	if (ok && n >= GALLERY_MAX) {
		db_tx_rollback(r->db);
		return reply_error_lang(r, 409, "conflict",
			arena_printf(r->arena, "the gallery holds at most %d photos: remove one first", GALLERY_MAX),
			arena_printf(r->arena, "Galeri berisi paling banyak %d foto: hapus satu dahulu.", GALLERY_MAX), "photo");
	}
	json_t *d = json_pack("{s:s, s:s, s:I}", "village", v.kode, "sha256", sha, "size", (json_int_t)len);
	ok = ok && db_query_int(r->db, &id, "INSERT INTO village_photos (village, sha256, mime, size, caption, created_at,"
					    " created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", "sssissi", v.kode, sha,
				image_mime(kind), (int64_t)len, caption && *caption ? caption : NULL, now,
				r->caller.user_id) == DB_ROW &&
	     audit_append(r->db, &r->caller, "village.photo_add", arena_printf(r->arena, "village_photo:%" PRId64, id), d) == 0 &&
	     villages_page_changed(r, v.kode) == 0;
	json_decref(d);
	if (!ok || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	return reply_json(r, 201, json_pack("{s:{s:I, s:s?, s:s, s:I, s:s, s:s}}", "photo", "id", (json_int_t)id,
		"caption", caption && *caption ? caption : NULL, "mime", image_mime(kind), "size", (json_int_t)len,
		"created_at", now, "url", arena_printf(r->arena, "/api/villages/%s/photos/%" PRId64, v.kode, id)));
}

/* GET /api/villages/{kode}/photos/{id}: the photo's bytes. */
int villages_photo_get(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT sha256, mime FROM village_photos WHERE id = ? AND village = ?", "is",
				      photo_id(r), v.kode);
	if (!st)
		return reply_db_error(r);
	const char *sha = NULL, *mime = NULL;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		sha = arena_strdup(r->arena, db_col_text(st, 0));
		mime = arena_strdup(r->arena, db_col_text(st, 1));
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return reply_db_error(r);
	if (!sha)
		return reply_error(r, 404, "not_found", "this village's gallery has no such photo", NULL);
	char *data;
	size_t len;
	rc = files_get(r->app, r->db, r->arena, sha, &data, &len);
	if (rc != 0) {
		log_error(rc > 0 ? "gallery photo missing" : "gallery photo unreadable", LOG_F("module", "villages"),
			  LOG_F("sha256", sha));
		return reply_error(r, 500, "internal", "the photo could not be read", NULL);
	}
	/* A photo's id never names other bytes; a removed one should not
	 * linger in caches long. */
	reply_header(r, "Cache-Control", "public, max-age=600");
	return reply_text(r, 200, mime, data, len);
}

/* PATCH /api/villages/{kode}/photos/{id} {caption} */
int villages_photo_patch(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	const char *caption = body_str(r, "caption");
	if (caption_check(r, caption))
		return 0;
	int64_t id = photo_id(r);
	if (db_exec(r->db, "UPDATE village_photos SET caption = ? WHERE id = ? AND village = ?", "sis",
		    caption && *caption ? caption : NULL, id, v.kode) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) == 0)
		return reply_error(r, 404, "not_found", "this village's gallery has no such photo", NULL);
	if (audit_append(r->db, &r->caller, "village.photo_caption", arena_printf(r->arena, "village_photo:%" PRId64, id),
			 r->body) != 0 || villages_page_changed(r, v.kode) != 0)
		return reply_db_error(r);
	struct db_stmt *st = db_query(r->db, "SELECT id, caption, mime, size, created_at FROM village_photos WHERE id = ?",
				      "i", id);
	json_t *j = st && db_step(st) == DB_ROW ? photo_json(r, v.kode, st) : NULL;
	if (st)
		db_done(st);
	if (!j)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "photo", j));
}

/* DELETE /api/villages/{kode}/photos/{id}: the row, then the stored file
 * once the removal is committed and no service names it. */
int villages_photo_delete(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	int64_t id = photo_id(r);
	if (db_tx_begin(r->db) != DB_OK)
		return reply_db_error(r);
	char sha[65] = "";
	struct db_stmt *st = db_query(r->db, "SELECT sha256 FROM village_photos WHERE id = ? AND village = ?", "is", id,
				      v.kode);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		snprintf(sha, sizeof(sha), "%s", db_col_text(st, 0));
	if (st)
		db_done(st);
	if (rc == DB_DONE) {
		db_tx_rollback(r->db);
		return reply_error(r, 404, "not_found", "this village's gallery has no such photo", NULL);
	}
	int unused = -1;
	bool ok = rc == DB_ROW &&
		  db_exec(r->db, "DELETE FROM village_photos WHERE id = ?", "i", id) == DB_DONE &&
		  audit_append(r->db, &r->caller, "village.photo_remove", arena_printf(r->arena, "village_photo:%" PRId64, id),
			       NULL) == 0 &&
		  villages_page_changed(r, v.kode) == 0 && (unused = document_unused(r->app, r->db, sha)) >= 0;
	if (!ok || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return reply_db_error(r);
	}
	if (unused && files_remove(r->app, r->db, sha) != 0)
		log_warn("removed gallery photo's file not deleted", LOG_F("module", "villages"), LOG_F("sha256", sha));
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
