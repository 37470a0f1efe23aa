/* submit.c - filing a complaint (JSON API and web form; Open311 comes
 * through the same complaint_submission_file()), photo uploads, nearby open
 * complaints of the same category, and "me too" support.
 *
 * Photos are uploaded first, one raw body each, and answered with an id
 * that the submission then claims; claiming happens in the submission's
 * transaction, so a refused submission leaves no photo attached and an
 * unclaimed upload is collected by the tick after a day.
 */
#include "internal.h"
#include "log.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "files.h"
#include "image.h"
#include "nik.h"
#include "phone.h"
#include "regions.h"
#include "util.h"
#include "validate.h"

/* The district's own route for the category: DB_ROW with *unit_id set,
 * DB_DONE when there is none. */
static int district_route(struct db_conn *c, int64_t category_id, const char *district, int64_t *unit_id)
{
	return district ? db_query_int(c, unit_id, "SELECT unit_id FROM complaint_routes WHERE category_id = ? "
						   "AND district = ?", "is", category_id, district) : DB_DONE;
}

int complaint_route_for(struct db_conn *c, int64_t category_id, const char *district, int64_t *unit_id)
{
	*unit_id = 0;
	int rc = district_route(c, category_id, district, unit_id);
	if (rc == DB_DONE)
		rc = db_query_int(c, unit_id, "SELECT coalesce(unit_id, 0) FROM complaint_categories WHERE id = ?",
				  "i", category_id);
	return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

/* A citizen files from the Indonesian form: say what is wrong in both. */
static int refuse(struct req *r, const char *field, const char *message, const char *pesan)
{
	reply_error_lang(r, 400, "invalid", message, pesan, field);
	return -1;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || strlen(s) > 254)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return at[1] != '.' && s[-1] != '.';
}

/* The village must be a real village of this deployment's regency; *name
 * is its name, *district_name its district's (NULL when not registered). */
static int check_village(struct req *r, const char *village, const char **name, const char **district_name)
{
	const char *regency = r->app->cfg.regency_code;
	int level = 0;
	int rc = region_code_level(village) == 4
		 ? regions_lookup_parent(r->db, r->arena, village, name, &level, district_name) : 1;
	if (rc < 0)
		return complaints_db_error(r), -1;
	if (rc != 0 || level != 4)
		return refuse(r, "village", "village is not a village code in the region register (e.g. 33.03.01.2001)",
			      "Desa/kelurahan bukan kode desa dalam daftar wilayah (misalnya 33.03.01.2001).");
	if (regency && (strncmp(village, regency, strlen(regency)) != 0 || village[strlen(regency)] != '.'))
		return refuse(r, "village", arena_printf(r->arena, "village is not in this regency (%s)", regency),
			      arena_printf(r->arena, "Desa/kelurahan tidak berada di kabupaten ini (%s).", regency));
	return 0;
}

/* Claim an upload for the case: attach its file, mark it used, and add
 * it to photos as case_attachments() would list it. */
static int claim_photo(struct req *r, struct case_ctx *x, const struct case_row *cs, const char *id, size_t i,
		       json_t *photos)
{
	char hash[65], cutoff[24];
	sha256_hex(id, strlen(id), hash);
	time_iso(x->now - 86400, cutoff);
	struct db_stmt *st = db_query(r->db, "UPDATE complaint_uploads SET case_id = ? WHERE token_hash = ? "
					     "AND case_id IS NULL AND created_at >= ? RETURNING sha256, mime, size",
				      "iss", cs->id, hash, cutoff);
	if (!st)
		return complaints_db_error(r), -1;
	int rc = db_step(st);
	const char *sha = NULL, *mime = NULL;
	int64_t size = 0;
	if (rc == DB_ROW) {
		sha = arena_strdup(r->arena, db_col_text(st, 0));
		mime = arena_strdup(r->arena, db_col_text(st, 1));
		size = db_col_int(st, 2);
	}
	/* Step to the end so the UPDATE is complete before the next one. */
	while (rc == DB_ROW)
		rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE)
		return complaints_db_error(r), -1;
	if (!sha)
		return refuse(r, "photos", arena_printf(r->arena, "photo %zu is unknown, expired or already used; "
							    "upload it again", i + 1),
			      arena_printf(r->arena, "Foto %zu tidak dikenal, kedaluwarsa atau sudah dipakai; unggah lagi.", i + 1));
	if (case_attach(x, cs, sha, mime, size, true) != 0)
		return complaints_db_error(r), -1;
	json_array_append_new(photos, json_pack("{s:i, s:s, s:I, s:b}", "n", (int)i + 1, "mime", mime,
						"size", (json_int_t)size, "public", 1));
	return 0;
}

int complaint_submission_check(struct req *r, const struct submission *s, struct filing *f)
{
	if (strcmp(s->kind, "complaint") != 0 && strcmp(s->kind, "aspiration") != 0)
		return refuse(r, "kind", "kind must be complaint or aspiration", "Jenis harus pengaduan atau aspirasi.");

	int64_t category_id = 0, sensitive = 0, category_unit = 0, outside_regency = 0;
	/* The district's own route for the category comes with it
	 * (complaint_route_for(), one statement). */
	f->district = complaint_district_of(r->arena, s->village);
	struct db_stmt *st = db_query(r->db, "SELECT id, sensitive, name, name_en, coalesce(unit_id, 0), outside_regency, "
					     "(SELECT coalesce(unit_id, 0) FROM complaint_routes WHERE category_id = k.id "
					     "AND district = ?) FROM complaint_categories k WHERE code = ? AND active = 1",
				      "ss", f->district, s->category);
	if (!st)
		return complaints_db_error(r), -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		category_id = db_col_int(st, 0);
		sensitive = db_col_int(st, 1);
		f->category_name = arena_strdup(r->arena, db_col_text(st, 2));
		f->category_name_en = db_col_is_null(st, 3) ? NULL : arena_strdup(r->arena, db_col_text(st, 3));
		category_unit = db_col_int(st, 4);
		outside_regency = db_col_int(st, 5);
		f->route = db_col_is_null(st, 6) ? category_unit : db_col_int(st, 6);
		if (!f->category_name)
			rc = DB_ERROR;
	}
	db_done(st);
	if (rc < 0)
		return complaints_db_error(r), -1;
	if (rc != DB_ROW)
		return refuse(r, "category", "category is not the code of an active category (see GET /api/complaints/categories)",
			      "Kategori tidak dikenal atau tidak aktif; pilih salah satu kategori.");

	if (!complaint_text_ok(s->description, true))
		return refuse(r, "description", "description is required: say what happened, where and when",
			      "Uraian wajib diisi: ceritakan apa yang terjadi, di mana dan kapan.");
	if (utf8_length(s->description) > DESCRIPTION_MAX)
		return refuse(r, "description", arena_printf(r->arena, "description is longer than %d characters",
							     DESCRIPTION_MAX),
			      arena_printf(r->arena, "Uraian lebih dari %d karakter.", DESCRIPTION_MAX));
	if (s->has_location && (!isfinite(s->lat) || s->lat < -90 || s->lat > 90))
		return refuse(r, "lat", "lat must be a latitude from -90 to 90", "Lintang harus antara -90 dan 90.");
	if (s->has_location && (!isfinite(s->lon) || s->lon < -180 || s->lon > 180))
		return refuse(r, "long", "long must be a longitude from -180 to 180", "Bujur harus antara -180 dan 180.");
	/* A pin outside the regency is most often a slip of the finger; a
	 * category for places beyond it (an office's staff on duty elsewhere)
	 * says so. */
	if (s->has_location && !outside_regency && !geo_box_holds(&r->app->cfg.regency_bounds, s->lat, s->lon))
		return refuse(r, "lat", "the map pin lies outside the regency: move it to the place inside the regency, "
				  "or choose a category for places outside it",
			      "Titik peta berada di luar wilayah kabupaten: pindahkan ke tempat kejadian di dalam kabupaten, "
			      "atau pilih kategori untuk tempat di luar kabupaten.");
	if (s->address && (!complaint_text_ok(s->address, false) || utf8_length(s->address) > ADDRESS_MAX))
		return refuse(r, "address", arena_printf(r->arena, "address must be one line of at most %d characters",
							 ADDRESS_MAX),
			      arena_printf(r->arena, "Alamat harus satu baris, paling banyak %d karakter.", ADDRESS_MAX));
	f->village_name = f->district_name = NULL;
	if (s->village && check_village(r, s->village, &f->village_name, &f->district_name))
		return -1;
	if (!s->has_location && !s->address && !s->village)
		return refuse(r, "lat", "give a location: a map pin (lat and long), an address or a village",
			      "Sebutkan lokasi: titik di peta, alamat, atau desa/kelurahan.");
	if (s->name && (!complaint_text_ok(s->name, false) || utf8_length(s->name) > NAME_MAX_CHARS))
		return refuse(r, "name", "name must be one line of text", "Nama harus satu baris teks.");
	if (s->email && !email_ok(s->email))
		return refuse(r, "email", "email is not a valid address", "Alamat email tidak valid.");
	f->phone = s->phone ? phone_e164(r->arena, s->phone) : NULL;
	if (s->phone && !f->phone)
		return refuse(r, "phone", "phone must be a number such as 0812 3456 7890, or + with the country code",
			      "Nomor HP harus berupa nomor seperti 0812 3456 7890, atau + dengan kode negara.");
	if (s->media_url && (strlen(s->media_url) > 2000 ||
			     (strncmp(s->media_url, "https://", 8) != 0 && strncmp(s->media_url, "http://", 7) != 0) ||
			     !complaint_text_ok(s->media_url, false) || strchr(s->media_url, ' ')))
		return refuse(r, "media_url", "media_url must be an http or https URL",
			      "Tautan media harus alamat http atau https.");
	size_t nphotos = s->photos ? json_array_size(s->photos) : 0;
	if (nphotos > PHOTOS_MAX)
		return refuse(r, "photos", arena_printf(r->arena, "at most %d photos", PHOTOS_MAX),
			      arena_printf(r->arena, "Paling banyak %d foto.", PHOTOS_MAX));
	for (size_t i = 0; i < nphotos; i++) {
		const char *id = json_string_value(json_array_get(s->photos, i));
		if (!id || !*id || strlen(id) > 64)
			return refuse(r, "photos", "photos must be the ids that POST /api/complaints/photos answered",
				      "Foto harus diunggah terlebih dahulu.");
	}
	f->category_id = category_id;
	f->sensitive = sensitive != 0;
	return 0;
}

int complaint_submission_write(struct req *r, struct case_ctx *x, const struct submission *s,
			       const struct filing *f, struct complaint_view *v, const char **secret)
{
	size_t nphotos = s->photos ? json_array_size(s->photos) : 0;
	struct case_row *cs = &v->cs;
	*secret = NULL;
	v->photos = NULL;
	/* Identity: an account speaks for itself; otherwise what was given. */
	const char *name = s->name, *email = s->email, *phone = f->phone;
	if (r->caller.user_id) {
		name = r->caller.name;
		email = r->caller.email;
	}
	bool anonymous = s->anonymous > 0;
	bool confidential = s->confidential < 0 ? f->sensitive : s->confidential > 0;

	char key[48], key_hash[65];
	if (!r->caller.user_id) {
		token_new(key);
		sha256_hex(key, strlen(key), key_hash);
	}
	struct case_new n = { .reporter_id = r->caller.user_id, .secret_hash = r->caller.user_id ? NULL : key_hash };
	if (case_open(x, &complaint_type, &n, cs) != 0)
		return complaints_db_error(r), -1;
	char day[11], at[24];
	case_day_text(x->now, day);
	time_iso(x->now, at);
	if (db_exec_queued(r->db, "INSERT INTO complaints (case_id, kind, category_id, description, lat, lon, address, village,"
			   " district, anonymous, confidential, reporter_name, reporter_email, reporter_phone, channel,"
			   " media_url, route_unit_id, created_day, created_at, open311_token) "
			   "VALUES (?, ?, ?, ?, CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END,"
			   " CASE WHEN ? = 1 THEN CAST(? AS DOUBLE PRECISION) END, ?, ?, ?, ?, ?,"
			   " ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?)",
		    "isisbdbdsssbbsssssisss", cs->id, s->kind, f->category_id, s->description, (int)s->has_location,
		    s->lat, (int)s->has_location, s->lon, s->address, s->village, f->district, (int)anonymous,
		    (int)confidential, name, email, phone, s->channel, s->media_url, f->route, day, at,
		    s->token) != DB_DONE)
		return complaints_db_error(r), -1;
	v->photos = json_array();
	for (size_t i = 0; i < nphotos; i++)
		if (claim_photo(r, x, cs, json_string_value(json_array_get(s->photos, i)), i, v->photos))
			goto fail;
	if (case_opened(x, cs) != 0) {
		complaints_db_error(r);
		goto fail;
	}
	/* The complaint as complaint_load() would read it back. */
	v->cp = (struct complaint){
		.case_id = cs->id, .kind = s->kind, .category_id = f->category_id, .category = s->category,
		.category_name = f->category_name, .category_name_en = f->category_name_en, .sensitive = f->sensitive,
		.description = s->description, .has_location = s->has_location, .lat = s->lat, .lon = s->lon,
		.address = s->address, .village = s->village, .village_name = f->village_name, .district = f->district,
		.district_name = f->district_name,
		.anonymous = anonymous, .confidential = confidential, .reporter_name = name, .reporter_email = email,
		.reporter_phone = phone, .channel = s->channel, .media_url = s->media_url, .route_unit_id = f->route,
		.created_day = arena_strdup(r->arena, day),
	};
	if (!r->caller.user_id)
		*secret = arena_strdup(r->arena, key);
	return 0;
fail:
	json_decref(v->photos);
	v->photos = NULL;
	return -1;
}

int complaint_submission_file(struct req *r, struct case_ctx *x, const struct submission *s,
			      struct complaint_view *v, const char **secret)
{
	struct filing f;
	if (complaint_submission_check(r, s, &f))
		return -1;
	return complaint_submission_write(r, x, s, &f, v, secret);
}

/* Optional members of the JSON body: NULL when absent or null. */
static const char *opt_str(struct req *r, const char *name)
{
	const char *s = body_str(r, name);
	return s && *s ? s : NULL;
}

static int opt_bool(struct req *r, const char *name)
{
	json_t *v = json_object_get(r->body, name);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* POST /api/complaints */
int complaints_submit(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v = { .reporter = true, .see_identity = true, .level = CASE_REPORTER,
				    .roles = CASE_BY_REPORTER };
	const char *secret;
	json_t *lat = json_object_get(r->body, "lat"), *lon = json_object_get(r->body, "long");
	struct submission s = {
		.kind = body_str(r, "kind"), .category = body_str(r, "category"),
		.description = body_str(r, "description"), .address = opt_str(r, "address"),
		.village = opt_str(r, "village"), .anonymous = opt_bool(r, "anonymous"),
		.confidential = opt_bool(r, "confidential"), .name = opt_str(r, "name"),
		.email = opt_str(r, "email"), .phone = opt_str(r, "phone"),
		.channel = r->caller.apikey_id ? "api" : "web",
		.photos = json_is_array(json_object_get(r->body, "photos")) ? json_object_get(r->body, "photos") : NULL,
	};
	if (json_is_number(lat) != json_is_number(lon))
		return refuse(r, json_is_number(lat) ? "long" : "lat", "give both lat and long for a map pin",
			      "Titik peta memerlukan lintang dan bujur."), 0;
	s.has_location = json_is_number(lat);
	s.lat = json_number_value(lat);
	s.lon = json_number_value(lon);

	/* Everything that only reads happens before the write lock is taken,
	 * in one snapshot (SQLite: one lock cycle, not one per statement),
	 * and the answer reuses what was read and written rather than
	 * reading it back: the transaction holds just the writes. */
	struct filing f;
	complaints_ctx(r, &x);
	if (db_read_begin(r->db) != DB_OK)
		return reply_error(r, 503, "busy", "the database is busy, please retry", NULL);
	int rc = complaint_submission_check(r, &s, &f);
	if (rc == 0 && case_prepare(&x, &complaint_type) != 0) {
		complaints_db_error(r);
		rc = -1;
	}
	if (db_in_tx(r->db))
		db_tx_commit(r->db);
	if (rc != 0)
		return 0;
	if (db_tx_begin(r->db) != DB_OK)
		return reply_error(r, 503, "busy", "the database is busy, please retry", NULL);
	if (complaint_submission_write(r, &x, &s, &f, &v, &secret) != 0) {
		db_tx_rollback(r->db);
		return 0;
	}
	if (db_tx_commit(r->db) != DB_OK) {
		json_decref(v.photos);
		return reply_error(r, 503, "busy", "the complaint could not be saved, please retry", NULL);
	}
	json_t *follow = json_null();
	if (secret)
		follow = json_pack("{s:s, s:s}", "key", secret, "url",
				   arena_printf(r->arena, "%s/complaints/case.html?no=%s#key=%s",
						r->app->cfg.base_url ? r->app->cfg.base_url : "", v.cs.tracking, secret));
	json_t *j = complaint_json(r, &x, &v);
	json_decref(v.photos);
	return reply_json(r, 201, json_pack("{s:o, s:o}", "complaint", j, "follow_up", follow));
}

int complaint_photo_make(struct req *r, const void *bytes, size_t n, struct complaint_photo *p,
			 const char **en, const char **id)
{
	enum image_kind kind = image_sniff(bytes, n);
	*en = *id = NULL;
	if (n == 0 || kind == IMAGE_NONE) {
		*en = "the file is not a JPEG or PNG image";
		*id = "Berkas bukan gambar JPEG atau PNG.";
		return 1;
	}
	unsigned char *copy;
	size_t len;
	const struct image_problem *bad;
	if (image_reencode(r->arena, kind, bytes, n, &copy, &len, &bad) != 0) {
		if (!bad)
			return -1;
		*en = bad->en;
		*id = bad->id;
		return 1;
	}
	char sha[65];
	if (files_put(r->app, r->db, copy, len, sha) != 0) {
		log_error("upload not stored", LOG_F("module", "complaints"), LOG_F("error", strerror(errno)));
		return -2;
	}
	p->sha = arena_strdup(r->arena, sha);
	p->mime = image_mime(kind);
	p->len = len;
	return 0;
}

int complaint_photo_record(struct req *r, const struct complaint_photo *p, const char **token_out)
{
	char token[48], hash[65], at[24];
	token_new(token);
	sha256_hex(token, strlen(token), hash);
	time_iso(app_now(r->app), at);
	json_t *d = json_pack("{s:s, s:s, s:I}", "sha256", p->sha, "mime", p->mime, "size", (json_int_t)p->len);
	bool ok = db_exec(r->db, "INSERT INTO complaint_uploads (token_hash, sha256, mime, size, created_at) "
				 "VALUES (?, ?, ?, ?, ?)", "sssis", hash, p->sha, p->mime, (int64_t)p->len, at) == DB_DONE &&
		  audit_append(r->db, &r->caller, "complaint.photo_upload", arena_printf(r->arena, "file:%s", p->sha), d) == 0;
	json_decref(d);
	if (!ok)
		return -1;
	*token_out = arena_strdup(r->arena, token);
	return 0;
}

/* POST /api/complaints/photos: one JPEG or PNG as the raw body. */
int complaints_photo_upload(struct req *r)
{
	if (r->body_len > PHOTO_MAX_BYTES)
		return reply_error(r, 413, "too_large", arena_printf(r->arena, "a photo may be at most %u MB",
								     PHOTO_MAX_BYTES / (1024 * 1024)), "photo");
	/* Made again before the transaction: decoding a large photo takes a
	 * while, and the database's writer need not wait for it. */
	struct complaint_photo p;
	const char *en, *id, *token;
	int rc = complaint_photo_make(r, r->body_raw, r->body_len, &p, &en, &id);
	if (rc == 1)
		return reply_error_lang(r, 400, "invalid", en, id, "photo");
	if (rc == -2)
		return reply_error(r, 500, "internal", "the photo could not be stored", NULL);
	if (rc != 0)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	if (db_tx_begin(r->db) != DB_OK || complaint_photo_record(r, &p, &token) != 0 || db_tx_commit(r->db) != DB_OK) {
		db_tx_rollback(r->db);
		return complaints_db_error(r);
	}
	return reply_json(r, 201, json_pack("{s:{s:s, s:s, s:I}}", "photo", "id", token, "mime", p.mime,
					    "size", (json_int_t)p.len));
}

/* A strict decimal from the query string. */
static int query_double(struct req *r, const char *name, double min, double max, double *out)
{
	const char *s = req_query(r, name);
	char *end;
	errno = 0;
	double v = s ? strtod(s, &end) : NAN;
	if (!s || !*s || errno || *end || !isfinite(v) || v < min || v > max) {
		reply_error(r, 400, "invalid", arena_printf(r->arena, "%s must be a number from %g to %g", name, min, max),
			    name);
		return -1;
	}
	*out = v;
	return 0;
}

static double metres_between(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0, earth = 6371008.8;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * earth * asin(fmin(1.0, sqrt(a)));
}

/* GET /api/complaints/nearby?category=CODE&lat=&long= : open public
 * complaints of the category within 250 m, nearest first. */
int complaints_nearby(struct req *r)
{
	double lat, lon;
	const char *category = req_query(r, "category");
	if (!category || !*category)
		return reply_error(r, 400, "invalid", "category is required", "category");
	if (query_double(r, "lat", -90, 90, &lat) || query_double(r, "long", -180, 180, &lon))
		return 0;
	/* A box a little larger than the circle, then the exact distance. */
	double dlat = NEARBY_METRES / 111000.0 * 1.1;
	double dlon = dlat / fmax(0.01, cos(lat * M_PI / 180.0));
	struct case_ctx x;
	struct db_sql q;
	complaints_ctx(r, &x);
	db_sql_init(&q, r->arena);
	db_sql_add(&q, "SELECT p.case_id, p.description, p.lat, p.lon, p.supporters, p.kind "
		   "FROM complaints p JOIN complaint_categories k ON k.id = p.category_id "
		   "WHERE k.code = ? AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? AND p.confidential = 0 AND ",
		   "sdddd", category, lat - dlat, lat + dlat, lon - dlon, lon + dlon);
	case_match_sql(&x, &complaint_type, &(struct case_filter){ .status = "open" }, "p.case_id", &q);
	db_sql_add(&q, " ORDER BY p.case_id DESC LIMIT 200", "");
	struct db_stmt *st = db_sql_query(r->db, &q);
	if (!st)
		return complaints_db_error(r);
	struct hit {
		double d;
		int64_t id;
		json_t *j;
	} hits[200];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < 200) {
		double d = metres_between(lat, lon, db_col_double(st, 2), db_col_double(st, 3));
		if (d > NEARBY_METRES)
			continue;
		hits[n].d = d;
		hits[n].id = db_col_int(st, 0);
		hits[n].j = json_pack("{s:s, s:s, s:f, s:f, s:i, s:I}", "kind", db_col_text(st, 5),
				      "description", db_col_text(st, 1), "lat", db_col_double(st, 2),
				      "long", db_col_double(st, 3), "distance_m", (int)lround(d),
				      "supporters", (json_int_t)db_col_int(st, 4));
		n++;
	}
	db_done(st);
	/* Insertion sort by distance: at most a few dozen hits. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && hits[k].d < hits[k - 1].d; k--) {
			struct hit t = hits[k];
			hits[k] = hits[k - 1];
			hits[k - 1] = t;
		}
	size_t shown = n < 10 ? n : 10;
	int64_t ids[10];
	struct case_row cases[10];
	for (size_t i = 0; i < shown; i++)
		ids[i] = hits[i].id;
	if ((rc == DB_DONE || rc == DB_ROW) && case_rows(&x, &complaint_type, ids, (int)shown, cases) != 0)
		rc = DB_ERROR;
	json_t *items = rc == DB_DONE || rc == DB_ROW ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (items && i < shown && cases[i].id) {
			json_object_set_new(hits[i].j, "tracking", json_string(cases[i].tracking));
			json_object_set_new(hits[i].j, "state", json_string(cases[i].state));
			json_object_set_new(hits[i].j, "created_at", json_string(cases[i].created_at));
			json_array_append(items, hits[i].j);
		}
		json_decref(hits[i].j);
	}
	if (!items)
		return complaints_db_error(r);
	return reply_json(r, 200, json_pack("{s:o, s:i}", "items", items, "radius_m", (int)NEARBY_METRES));
}

/* POST /api/complaints/{no}/support: "me too" on an open public complaint,
 * once per account (or per address, for visitors). */
int complaints_support(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	if (v.cp.confidential)
		return reply_error(r, 404, "not_found", "no complaint has this tracking number", NULL);
	if (v.cs.closed_at)
		return reply_error(r, 409, "conflict", "this complaint is settled; file a new one if the problem is back", NULL);
	if (v.reporter)
		return reply_error(r, 409, "conflict", "you filed this complaint yourself", NULL);
	char who[80], hash[65], at[24];
	if (r->caller.user_id) {
		snprintf(who, sizeof(who), "user:%lld", (long long)r->caller.user_id);
	} else {
		sha256_hex(r->client_ip, strlen(r->client_ip), hash);
		snprintf(who, sizeof(who), "ip:%.40s", hash);
	}
	time_iso(x.now, at);
	if (db_exec(r->db, "INSERT INTO complaint_supports (case_id, supporter, created_at) VALUES (?, ?, ?) "
			   "ON CONFLICT (case_id, supporter) DO NOTHING", "iss", v.cs.id, who, at) != DB_DONE)
		return complaints_db_error(r);
	bool added = db_changes(r->db) == 1;
	if (added) {
		json_t *d = json_pack("{s:s}", "supporter", r->caller.user_id ? "account" : "visitor");
		int rc = db_exec(r->db, "UPDATE complaints SET supporters = supporters + 1 WHERE case_id = ?", "i",
				 v.cs.id) == DB_DONE ? audit_append(r->db, &r->caller, "complaint.support",
								   arena_printf(r->arena, "case:%s", v.cs.tracking), d) : -1;
		json_decref(d);
		if (rc != 0)
			return complaints_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:I, s:b}", "supporters", (json_int_t)(v.cp.supporters + added),
					    "added", (int)added));
}
