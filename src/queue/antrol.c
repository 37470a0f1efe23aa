/* antrol.c - the BPJS Antrean Online interface that Mobile JKN calls, per
 * facility under /antrol/{facility code}/ (specs §4):
 *
 *   GET  token                                  x-username, x-password -> token
 *   FKTP (puskesmas):
 *   GET  antrean/status/{kodepoli}/{tanggalperiksa}
 *   POST antrean
 *   GET  antrean/sisapeserta/{nomorkartu}/{kodepoli}/{tanggalperiksa}
 *   PUT  antrean/batal
 *   FKRTL (hospital):
 *   POST statusantrean, ambilantrean, sisaantrean, batalantrean, checkinantrean
 *
 * Every answer is HTTP 200 with the BPJS envelope: on success
 * {"response": ..., "metadata": {"code": 200, "message": "Ok"}}, on failure
 * {"metadata": {"code": 201, "message": <the reason, in Indonesian>}}; an
 * unknown or expired x-token is "Token Expired".  Bodies are read here
 * rather than by the router, so that a malformed one still gets the BPJS
 * envelope and members added by later versions of the interface are
 * ignored; writes manage their own transaction for the same reason.
 */
#include "queue.h"
#include "log.h"
#include "simantri.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "arena.h"
#include "audit.h"
#include "cli.h"
#include "util.h"

#define TOKEN_TTL_S 3600
#define USERNAME_MAX 64
#define KETERANGAN "Peserta harap datang 30 menit lebih awal guna pencatatan administrasi."

/* ---- the envelope ------------------------------------------------------------------- */

static int antrol_ok(struct req *r, json_t *response)
{
	return reply_json(r, 200, json_pack("{s:o, s:{s:i, s:s}}", "response", response ? response : json_null(),
					    "metadata", "code", 200, "message", "Ok"));
}

static int antrol_fail(struct req *r, const char *message)
{
	return reply_json(r, 200, json_pack("{s:{s:i, s:s}}", "metadata", "code", 201, "message", message));
}

static int antrol_db_error(struct req *r)
{
	log_error("database error", LOG_F("module", "antrol"), LOG_F("method", r->method), LOG_F("path", req_log_path(r)),
		  LOG_F("error", db_errmsg(r->db)));
	return antrol_fail(r, "Terjadi gangguan pada sistem antrean, silakan coba lagi");
}

/* ---- the caller: facility and token -------------------------------------------------- */

struct antrol_ctx {
	struct facility f;
	struct caller actor;	/* "antrol:<username>" in the audit trail */
	json_t *body;
};

/* The facility of {fc}, and a valid x-token of one of its users.  On
 * failure the answer is set and -1 returned. */
static int antrol_begin(struct req *r, struct antrol_ctx *x, bool want_body)
{
	memset(x, 0, sizeof(*x));
	int rc = queue_facility_find(r->db, r->arena, req_param(r, "fc"), &x->f);
	if (rc == DB_DONE)
		return antrol_fail(r, "Faskes tidak terdaftar di Simantri"), -1;
	if (rc != DB_ROW)
		return antrol_db_error(r), -1;
	const char *token = req_header(r, "x-token"), *user = req_header(r, "x-username");
	char hash[65];
	if (!token || !user)
		return antrol_fail(r, "Token Expired"), -1;
	sha256_hex(token, strlen(token), hash);
	int64_t found;
	rc = db_query_int(r->db, &found, "SELECT u.id FROM q_antrol_tokens t JOIN q_antrol_users u ON u.id = t.user_id"
					 " WHERE t.token_hash = ? AND u.username = ? AND u.facility_id = ? AND t.expires_at > ?",
			  "ssii", hash, user, x->f.id, (int64_t)app_now(r->app));
	if (rc == DB_DONE)
		return antrol_fail(r, "Token Expired"), -1;
	if (rc != DB_ROW)
		return antrol_db_error(r), -1;
	x->actor.name = arena_printf(r->arena, "antrol:%s", user);
	if (!want_body)
		return 0;
	json_error_t jerr;
	x->body = json_loadb(r->body_raw ? r->body_raw : "", r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(x->body)) {
		json_decref(x->body);
		x->body = NULL;
		return antrol_fail(r, "Format request tidak sesuai (harus objek JSON)"), -1;
	}
	return 0;
}

static void antrol_end(struct antrol_ctx *x)
{
	json_decref(x->body);
}

/* A member as text: strings as they are, numbers written out (clients send
 * kodedokter and angkaantrean either way); NULL when absent or empty. */
static const char *member(struct req *r, json_t *body, const char *name)
{
	json_t *v = json_object_get(body, name);
	if (json_is_string(v))
		return *json_string_value(v) ? arena_strdup(r->arena, json_string_value(v)) : NULL;
	if (json_is_integer(v))
		return arena_printf(r->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return NULL;
}

static int require(struct req *r, const char *value, const char *name)
{
	if (value)
		return 0;
	antrol_fail(r, arena_printf(r->arena, "%s belum diisi", name));
	return -1;
}

static int find_poli(struct req *r, const struct facility *f, const char *kodepoli, struct service *s)
{
	int rc = queue_service_find(r->db, r->arena, f->id, kodepoli, s);
	if (rc == DB_ROW && s->kind == SVC_POLI && s->active)
		return 0;
	if (rc == DB_ROW || rc == DB_DONE)
		antrol_fail(r, "Poli tidak ditemukan");
	else
		antrol_db_error(r);
	return -1;
}

static int check_date(struct req *r, const char *date, int32_t *day)
{
	if (date && date_parse(date, day) == 0)
		return 0;
	antrol_fail(r, "Format tanggal periksa tidak sesuai, seharusnya YYYY-MM-DD");
	return -1;
}

static int find_booking(struct req *r, const struct facility *f, const char *kodebooking, struct visit *v)
{
	int rc = kodebooking && strlen(kodebooking) == BOOKING_CODE_LEN ? queue_visit_find(r->db, r->arena, kodebooking, v)
									   : DB_DONE;
	if (rc == DB_ROW && v->facility_id == f->id)
		return 0;
	if (rc == DB_ROW || rc == DB_DONE)
		antrol_fail(r, "Antrean tidak ditemukan");
	else
		antrol_db_error(r);
	return -1;
}

/* ---- write transactions --------------------------------------------------------------- */

static int tx_begin(struct req *r)
{
	if (db_tx_begin(r->db) == DB_OK)
		return 0;
	antrol_fail(r, "Sistem antrean sedang sibuk, silakan coba lagi");
	return -1;
}

/* Commit after a success; roll back (and keep the failure's answer)
 * otherwise. */
static int tx_end(struct req *r, bool ok)
{
	if (!ok) {
		db_tx_rollback(r->db);
		return 0;
	}
	if (db_tx_commit(r->db) != DB_OK)
		return antrol_fail(r, "Data antrean gagal disimpan, silakan coba lagi");
	return 0;
}

/* ---- token ------------------------------------------------------------------------------ */

/* GET /antrol/{fc}/token (x-username, x-password).  The credentials book
 * and cancel patients' numbers, so wrong ones are counted per facility and
 * source address: after --login-failures of them that address gets no
 * token for --lockout-minutes, while BPJS's own servers carry on. */
static int antrol_token(struct req *r)
{
	struct facility f;
	int rc = queue_facility_find(r->db, r->arena, req_param(r, "fc"), &f);
	if (rc == DB_DONE)
		return antrol_fail(r, "Faskes tidak terdaftar di Simantri");
	if (rc != DB_ROW)
		return antrol_db_error(r);
	const char *bucket = arena_printf(r->arena, "antrol:%s|%s", f.code, r->client_ip);
	int max = r->app->cfg.login_max_failures, window = r->app->cfg.lockout_minutes * 60;
	int wait = auth_rate_full(r, bucket, max, window);
	if (wait < 0)
		return antrol_db_error(r);
	if (wait > 0) {
		reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
		return antrol_fail(r, arena_printf(r->arena, "Terlalu banyak percobaan yang gagal, coba lagi dalam %d menit",
						   (wait + 59) / 60));
	}
	const char *user = req_header(r, "x-username"), *pass = req_header(r, "x-password");
	if (!user || !pass)
		return antrol_fail(r, "Username atau password tidak sesuai");
	struct db_stmt *st = db_query(r->db, "SELECT id, password_hash FROM q_antrol_users WHERE facility_id = ? AND username = ?",
				      "is", f.id, user);
	if (!st)
		return antrol_db_error(r);
	int64_t id = 0;
	char hash[crypto_pwhash_STRBYTES] = "";
	rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc < 0)
		return antrol_db_error(r);
	/* An unknown user costs a hash too, so timing does not tell users apart. */
	bool known = rc == DB_ROW;
	if (!known && crypto_pwhash_str(hash, pass, strlen(pass), crypto_pwhash_OPSLIMIT_INTERACTIVE,
					 crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return antrol_fail(r, "Terjadi gangguan pada sistem antrean, silakan coba lagi");
	if (crypto_pwhash_str_verify(hash, pass, strlen(pass)) != 0 || !known)
		return auth_rate_hit(r, bucket, max, window) < 0 ? antrol_db_error(r)
								 : antrol_fail(r, "Username atau password tidak sesuai");

	char token[48], token_hash[65];
	token_new(token);
	sha256_hex(token, strlen(token), token_hash);
	int64_t now = app_now(r->app);
	/* BPJS asks for the token with a GET; the route is RF_NO_TX, so no
	 * read snapshot is open and this write takes its own transaction. */
	if (tx_begin(r))
		return 0;
	bool ok = auth_rate_clear(r, bucket) == 0 &&
		  db_exec(r->db, "DELETE FROM q_antrol_tokens WHERE user_id = ? AND expires_at <= ?", "ii", id, now) == DB_DONE &&
		  db_exec(r->db, "INSERT INTO q_antrol_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
			  "sii", token_hash, id, now + TOKEN_TTL_S) == DB_DONE;
	if (!ok) {
		antrol_db_error(r);
		return tx_end(r, false);
	}
	antrol_ok(r, json_pack("{s:s}", "token", token));
	return tx_end(r, true);
}

/* ---- FKTP ---------------------------------------------------------------------------------- */

/* The poli's line on a date as both sets answer it. */
static int line_json(struct req *r, const struct service *s, const char *date, int64_t schedule_id, json_t *out)
{
	int total, waiting;
	const char *called;
	if (queue_line_counts(r->db, r->arena, s->id, date, schedule_id, &total, &waiting, &called) != 0)
		return -1;
	json_object_set_new(out, "namapoli", json_string(s->name));
	json_object_set_new(out, "totalantrean", json_integer(total));
	json_object_set_new(out, "sisaantrean", json_integer(waiting));
	json_object_set_new(out, "antreanpanggil", json_string(called ? called : "-"));
	return 0;
}

/* GET /antrol/{fc}/antrean/status/{kodepoli}/{tanggalperiksa} */
static int fktp_status(struct req *r)
{
	struct antrol_ctx x;
	struct service s;
	int32_t day;
	if (antrol_begin(r, &x, false) || find_poli(r, &x.f, req_param(r, "kodepoli"), &s) ||
	    check_date(r, req_param(r, "tanggalperiksa"), &day))
		return 0;
	json_t *out = json_object();
	if (line_json(r, &s, req_param(r, "tanggalperiksa"), 0, out) != 0) {
		json_decref(out);
		return antrol_db_error(r);
	}
	const char *reason;
	int closed = queue_day_closed(r->db, r->arena, &x.f, s.id, day, &reason);
	if (closed < 0) {
		json_decref(out);
		return antrol_db_error(r);
	}
	json_object_set_new(out, "keterangan", json_string(closed ? reason : ""));
	return antrol_ok(r, out);
}

/* Book through either set: the checks, then the number in a write
 * transaction of its own (see queue_visit_check); the visit as recorded
 * in *v, the session's quotas and what is left of them after it.  On
 * failure the answer is set and -1 returned. */
static int antrol_book(struct req *r, struct antrol_ctx *x, struct service *s, struct visit *v, int quota[4],
		       int left[4])
{
	const char *kodepoli = member(r, x->body, "kodepoli"), *date = member(r, x->body, "tanggalperiksa");
	const char *nik = member(r, x->body, "nik");
	if (require(r, kodepoli, "Kode poli") || require(r, date, "Tanggal periksa") || require(r, nik, "NIK") ||
	    find_poli(r, &x->f, kodepoli, s))
		return -1;
	struct queue_fail fail;
	struct book_plan plan;
	struct book_in in = {
		.f = &x->f, .s = s, .date = date, .hours = member(r, x->body, "jampraktek"),
		.doctor_code = member(r, x->body, "kodedokter"), .nik = nik,
		.card = member(r, x->body, "nomorkartu"), .phone = member(r, x->body, "nohp"),
		.norm = member(r, x->body, "norm"), .complaint = member(r, x->body, "keluhan"),
		.channel = "mobile_jkn", .actor = &x->actor, .now = app_now(r->app), .regions = r->app->regions,
	};
	if (queue_visit_check(r->db, r->arena, &in, &plan, &fail) != 0)
		return antrol_fail(r, fail.pesan), -1;
	if (tx_begin(r))
		return -1;
	if (queue_visit_take(r->app->events, r->db, r->arena, &in, &plan, v, left, &fail) != 0) {
		antrol_fail(r, fail.pesan);
		tx_end(r, false);
		return -1;
	}
	if (db_tx_commit(r->db) != DB_OK)
		return antrol_fail(r, "Data antrean gagal disimpan, silakan coba lagi"), -1;
	memcpy(quota, plan.session.quota, sizeof(plan.session.quota));
	return 0;
}

/* POST /antrol/{fc}/antrean */
static int fktp_book(struct req *r)
{
	struct antrol_ctx x;
	struct service s;
	struct visit v;
	int quota[4], left[4];
	if (antrol_begin(r, &x, true))
		return 0;
	if (antrol_book(r, &x, &s, &v, quota, left) == 0) {
		json_t *out = json_pack("{s:s, s:i}", "nomorantrean", v.label, "angkaantrean", v.number);
		if (line_json(r, &s, v.day, 0, out) != 0) {
			json_decref(out);
			antrol_db_error(r);
		} else {
			json_object_set_new(out, "keterangan", json_string(KETERANGAN));
			antrol_ok(r, out);
		}
	}
	antrol_end(&x);
	return 0;
}

/* GET /antrol/{fc}/antrean/sisapeserta/{nomorkartu}/{kodepoli}/{tanggalperiksa} */
static int fktp_remaining(struct req *r)
{
	struct antrol_ctx x;
	struct service s;
	const char *label, *note, *called;
	int ahead;
	int32_t day;
	const char *date = req_param(r, "tanggalperiksa");
	if (antrol_begin(r, &x, false) || find_poli(r, &x.f, req_param(r, "kodepoli"), &s) || check_date(r, date, &day))
		return 0;
	int rc = queue_card_place(r->db, r->arena, s.id, date, req_param(r, "nomorkartu"), &label, &note, &ahead,
				  &called);
	if (rc == DB_DONE)
		return antrol_fail(r, "Antrean tidak ditemukan");
	if (rc != DB_ROW)
		return antrol_db_error(r);
	return antrol_ok(r, json_pack("{s:s, s:s, s:i, s:s, s:s}", "nomorantrean", label, "namapoli", s.name,
				      "sisaantrean", ahead, "antreanpanggil", called ? called : "-",
				      "keterangan", note ? note : ""));
}

static int cancel(struct req *r, struct antrol_ctx *x, struct visit *v, const char *reason)
{
	struct queue_fail fail;
	if (tx_begin(r))
		return 0;
	if (queue_visit_cancel(r->app->events, r->db, r->arena, &x->f, v, reason, &x->actor, app_now(r->app), &fail) != 0) {
		antrol_fail(r, fail.pesan);
		return tx_end(r, false);
	}
	antrol_ok(r, NULL);
	return tx_end(r, true);
}

/* PUT /antrol/{fc}/antrean/batal {tanggalperiksa, kodepoli, nomorkartu, alasan} */
static int fktp_cancel(struct req *r)
{
	struct antrol_ctx x;
	struct service s;
	struct visit v;
	int32_t day;
	if (antrol_begin(r, &x, true))
		return 0;
	const char *date = member(r, x.body, "tanggalperiksa"), *card = member(r, x.body, "nomorkartu");
	if (!require(r, member(r, x.body, "kodepoli"), "Kode poli") && !require(r, card, "Nomor kartu") &&
	    !check_date(r, date, &day) && !find_poli(r, &x.f, member(r, x.body, "kodepoli"), &s)) {
		int rc = queue_visit_find_person(r->db, r->arena, s.id, date, card, NULL, &v);
		if (rc == DB_DONE)
			antrol_fail(r, "Antrean tidak ditemukan");
		else if (rc != DB_ROW)
			antrol_db_error(r);
		else
			cancel(r, &x, &v, member(r, x.body, "alasan"));
	}
	antrol_end(&x);
	return 0;
}

/* ---- FKRTL ------------------------------------------------------------------------------------ */

/* The session named by kodedokter + jampraktek on a date, with quotas. */
static int find_session(struct req *r, const struct service *s, int32_t day, const char *doctor, const char *hours,
			struct session *out)
{
	int start, end;
	struct session *v;
	size_t n;
	if (!hours || queue_hours_parse(hours, &start, &end) != 0) {
		antrol_fail(r, "Format jam praktek tidak sesuai (HH:MM-HH:MM)");
		return -1;
	}
	if (queue_sessions_of_day(r->db, r->arena, s->id, day, &v, &n) != 0) {
		antrol_db_error(r);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].start_min == start && v[i].end_min == end &&
		    (!doctor || !v[i].doctor_code || strcmp(v[i].doctor_code, doctor) == 0)) {
			*out = v[i];
			return 0;
		}
	antrol_fail(r, "Jadwal dokter tidak ditemukan pada tanggal dan jam praktek tersebut");
	return -1;
}

static void quota_members(json_t *out, const int quota[4], const int left[4])
{
	json_object_set_new(out, "sisakuotajkn", json_integer(left[JKN_ONLINE]));
	json_object_set_new(out, "kuotajkn", json_integer(quota[JKN_ONLINE]));
	json_object_set_new(out, "sisakuotanonjkn", json_integer(left[NON_ONLINE]));
	json_object_set_new(out, "kuotanonjkn", json_integer(quota[NON_ONLINE]));
}

/* POST /antrol/{fc}/statusantrean {kodepoli, kodedokter, tanggalperiksa, jampraktek} */
static int fkrtl_status(struct req *r)
{
	struct antrol_ctx x;
	struct service s;
	struct session ses;
	int32_t day;
	if (antrol_begin(r, &x, true))
		return 0;
	const char *date = member(r, x.body, "tanggalperiksa"), *kodepoli = member(r, x.body, "kodepoli");
	if (!require(r, kodepoli, "Kode poli") && !check_date(r, date, &day) && !find_poli(r, &x.f, kodepoli, &s) &&
	    !find_session(r, &s, day, member(r, x.body, "kodedokter"), member(r, x.body, "jampraktek"), &ses)) {
		json_t *out = json_object();
		if (line_json(r, &s, date, ses.schedule_id, out) != 0) {
			json_decref(out);
			antrol_db_error(r);
		} else {
			json_object_set_new(out, "namadokter", json_string(ses.doctor_name ? ses.doctor_name : ""));
			quota_members(out, ses.quota, ses.left);
			json_object_set_new(out, "keterangan", json_string(""));
			antrol_ok(r, out);
		}
	}
	antrol_end(&x);
	return 0;
}

/* POST /antrol/{fc}/ambilantrean {nomorkartu, nik, nohp, kodepoli, norm,
 * tanggalperiksa, kodedokter, jampraktek, jeniskunjungan, nomorreferensi} */
static int fkrtl_book(struct req *r)
{
	struct antrol_ctx x;
	struct service s;
	struct visit v;
	struct progress p;
	int quota[4], left[4];
	if (antrol_begin(r, &x, true))
		return 0;
	if (antrol_book(r, &x, &s, &v, quota, left) == 0) {
		if (queue_visit_progress(r->db, r->arena, &v, app_now(r->app), &p) != 0) {
			antrol_db_error(r);
		} else {
			json_t *out = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I}", "nomorantrean", v.label,
						"angkaantrean", v.number, "kodebooking", v.code, "norm", v.norm ? v.norm : "",
						"namapoli", s.name, "namadokter", v.doctor_name ? v.doctor_name : "",
						"estimasidilayani", (json_int_t)p.estimate * 1000);
			quota_members(out, quota, left);
			json_object_set_new(out, "keterangan", json_string(KETERANGAN));
			antrol_ok(r, out);
		}
	}
	antrol_end(&x);
	return 0;
}

/* POST /antrol/{fc}/sisaantrean {kodebooking} */
static int fkrtl_remaining(struct req *r)
{
	struct antrol_ctx x;
	struct visit v;
	struct service s;
	struct progress p;
	if (antrol_begin(r, &x, true))
		return 0;
	if (!find_booking(r, &x.f, member(r, x.body, "kodebooking"), &v)) {
		int64_t now = app_now(r->app);
		if (queue_service_find_id(r->db, r->arena, v.service_id, &s) != DB_ROW ||
		    queue_visit_progress(r->db, r->arena, &v, now, &p) != 0)
			antrol_db_error(r);
		else
			antrol_ok(r, json_pack("{s:s, s:s, s:s, s:i, s:s, s:I, s:s}", "nomorantrean", v.label,
					       "namapoli", s.name, "namadokter", v.doctor_name ? v.doctor_name : "",
					       "sisaantrean", p.ahead, "antreanpanggil", p.called ? p.called : "-",
					       "waktutunggu", (json_int_t)(p.estimate > now ? p.estimate - now : 0),
					       "keterangan", v.note ? v.note : ""));
	}
	antrol_end(&x);
	return 0;
}

/* POST /antrol/{fc}/batalantrean {kodebooking, keterangan} */
static int fkrtl_cancel(struct req *r)
{
	struct antrol_ctx x;
	struct visit v;
	if (antrol_begin(r, &x, true))
		return 0;
	if (!find_booking(r, &x.f, member(r, x.body, "kodebooking"), &v))
		cancel(r, &x, &v, member(r, x.body, "keterangan"));
	antrol_end(&x);
	return 0;
}

/* POST /antrol/{fc}/checkinantrean {kodebooking, waktu}: the patient has
 * arrived (Mobile JKN's check-in).  The time recorded is the server's. */
static int fkrtl_checkin(struct req *r)
{
	struct antrol_ctx x;
	struct visit v;
	if (antrol_begin(r, &x, true))
		return 0;
	if (!find_booking(r, &x.f, member(r, x.body, "kodebooking"), &v) && !require(r, member(r, x.body, "waktu"), "Waktu")) {
		struct queue_fail fail;
		bool late;
		if (!tx_begin(r)) {
			if (queue_visit_checkin(r->app->events, r->db, r->arena, &x.f, &v, NULL, &x.actor, app_now(r->app),
						&late, &fail) != 0) {
				antrol_fail(r, fail.pesan);
				tx_end(r, false);
			} else {
				antrol_ok(r, NULL);
				tx_end(r, true);
			}
		}
	}
	antrol_end(&x);
	return 0;
}

/* ---- users -------------------------------------------------------------------------------------- */

static bool username_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 3 || n > USERNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

int antrol_user_add(struct db_conn *c, const char *facility, const char *username,
		    const char *password, char *err, size_t errlen)
{
	if (!facility || !username_ok(username))
		return snprintf(err, errlen, "--username must be 3 to 64 letters, digits, '.', '_' or '-'"), -1;
	if (!password || strlen(password) < 8)
		return snprintf(err, errlen, "--password must be 8 characters or more"), -1;
	struct arena *a = arena_new(4096);
	if (!a)
		return snprintf(err, errlen, "out of memory"), -1;
	struct facility f;
	char hash[crypto_pwhash_STRBYTES], now[24];
	int64_t id;
	const struct caller cli = { .name = "cli" };
	int rc = -1;
	int found = queue_facility_find(c, a, facility, &f);
	if (found == DB_DONE)
		snprintf(err, errlen, "%s is not a facility in Simantri (set it up with PUT /api/queue/facilities/%s)",
			 facility, facility);
	else if (found != DB_ROW)
		snprintf(err, errlen, "%s", db_errmsg(c));
	else if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		snprintf(err, errlen, "out of memory hashing the password");
	else if (db_tx_begin(c) != DB_OK)
		snprintf(err, errlen, "%s", db_errmsg(c));
	else {
		json_t *details = json_pack("{s:s, s:s}", "facility", f.code, "username", username);
		time_iso_now(now);
		/* A new password ends the tokens issued under the old one. */
		if (db_query_int(c, &id, "INSERT INTO q_antrol_users (facility_id, username, password_hash, created_at)"
					 " VALUES (?, ?, ?, ?) ON CONFLICT (facility_id, username)"
					 " DO UPDATE SET password_hash = excluded.password_hash RETURNING id",
				 "isss", f.id, username, hash, now) != DB_ROW ||
		    db_exec(c, "DELETE FROM q_antrol_tokens WHERE user_id = ?", "i", id) != DB_DONE ||
		    audit_append(c, &cli, "antrol.user_add", arena_printf(a, "antrol-user:%" PRId64, id), details) != 0 ||
		    db_tx_commit(c) != DB_OK) {
			snprintf(err, errlen, "%s", db_errmsg(c));
			db_tx_rollback(c);
		} else {
			rc = 0;
		}
		json_decref(details);
	}
	arena_free(a);
	return rc;
}

/* ---- module ------------------------------------------------------------------------------------- */

#define RAW (RF_RAW_BODY | RF_NO_TX)

static const struct route antrol_routes[] = {
	{ "GET", "/antrol/{fc}/token", antrol_token, ROLE_PUBLIC, NULL, RF_NO_TX },
	{ "GET", "/antrol/{fc}/antrean/status/{kodepoli}/{tanggalperiksa}", fktp_status, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/antrol/{fc}/antrean", fktp_book, ROLE_PUBLIC, NULL, RAW },
	{ "GET", "/antrol/{fc}/antrean/sisapeserta/{nomorkartu}/{kodepoli}/{tanggalperiksa}", fktp_remaining,
	  ROLE_PUBLIC, NULL, RF_SECRET_PATH },
	{ "PUT", "/antrol/{fc}/antrean/batal", fktp_cancel, ROLE_PUBLIC, NULL, RAW },
	{ "POST", "/antrol/{fc}/statusantrean", fkrtl_status, ROLE_PUBLIC, NULL, RAW },
	{ "POST", "/antrol/{fc}/ambilantrean", fkrtl_book, ROLE_PUBLIC, NULL, RAW },
	{ "POST", "/antrol/{fc}/sisaantrean", fkrtl_remaining, ROLE_PUBLIC, NULL, RAW },
	{ "POST", "/antrol/{fc}/batalantrean", fkrtl_cancel, ROLE_PUBLIC, NULL, RAW },
	{ "POST", "/antrol/{fc}/checkinantrean", fkrtl_checkin, ROLE_PUBLIC, NULL, RAW },
	{ 0 },
};

#define ANTROL_SCHEMA(ID, BIG) \
	"CREATE TABLE q_antrol_users (" ID ", facility_id " BIG " NOT NULL REFERENCES q_facilities (id)," \
	" username TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL," \
	" UNIQUE (facility_id, username));" \
	"CREATE TABLE q_antrol_tokens (token_hash TEXT PRIMARY KEY," \
	" user_id " BIG " NOT NULL REFERENCES q_antrol_users (id) ON DELETE CASCADE, expires_at " BIG " NOT NULL);" \
	"CREATE INDEX q_antrol_tokens_user ON q_antrol_tokens (user_id);"

static const struct migration antrol_migrations[] = {
	{ 1, "Antrol users and tokens",
	  ANTROL_SCHEMA("id INTEGER PRIMARY KEY", "INTEGER"),
	  ANTROL_SCHEMA("id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT") },
	{ 0 },
};

/* `pendopo antrol-user add --facility FC --username U --password P` */
static int antrol_user_add_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0 || !cli_opt(cli, "--facility") || !cli_opt(cli, "--username") || !cli_opt(cli, "--password"))
		return cli_usage(cli);
	struct db *db = cli_db_migrated(cli, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512];
	int rc = antrol_user_add(c, cli_opt(cli, "--facility"), cli_opt(cli, "--username"), cli_opt(cli, "--password"),
				 err, sizeof(err));
	if (rc == 0)
		printf("antrol user %s added for %s\n", cli_opt(cli, "--username"), cli_opt(cli, "--facility"));
	else
		fprintf(stderr, "pendopo antrol-user add: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

/* The router's refusals (a body too large) in the BPJS envelope, with the
 * HTTP status kept: they happen before the interface is reached. */
/* Mobile JKN reads the metadata of every answer, so refusals come with HTTP
 * 200 as the interface's own do - but for a body too large, refused by
 * the server before any route ran. */
static int antrol_refuse(struct req *r, int status, const char *code, const char *message, const char *field)
{
	(void)code;
	(void)field;
	antrol_fail(r, message);
	r->status = status == 413 ? 413 : 200;
	return 0;
}

static const struct protocol antrol_protocol = {
	.name = "antrol",
	.refuse = antrol_refuse,
	.error_schema = "{\"type\": \"object\", \"required\": [\"metadata\"], \"properties\": {\"metadata\": {"
			"\"type\": \"object\", \"required\": [\"code\", \"message\"], \"properties\": {"
			"\"code\": {\"type\": \"integer\"}, \"message\": {\"type\": \"string\"}}}}}",
	.media_type = "application/json",
	.prefix = "/antrol/",
};

static const struct cli_opt antrol_user_opts[] = {
	CLI_OPT_DB,
	{ "--facility", NULL, "facility code in Simantri, e.g. PKM-KEMANGKON", NULL },
	{ "--username", NULL, "the x-username Mobile JKN sends", NULL },
	{ "--password", NULL, "the x-password (8 characters or more)", NULL },
	{ 0 },
};

static const struct command antrol_commands[] = {
	{ "antrol-user add", "antrol-user add --facility CODE --username U --password P [--db URL]",
	  "Simantri: create (or re-password) the BPJS Antrean Online login Mobile JKN uses.", antrol_user_opts,
	  antrol_user_add_command },
	{ 0 },
};

const struct module antrol_module = {
	.name = "antrol",
	.routes = antrol_routes,
	.protocol = &antrol_protocol,
	.commands = antrol_commands,
	.migrations = antrol_migrations,
};
