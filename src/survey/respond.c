/* respond.c - how a response comes in: the offer a service makes when a
 * transaction finishes (a one-time link), the link's form and answer, the
 * kiosk (anonymous, one-time codes, limited per device and address) and
 * the batches of kiosk codes a unit prints.
 *
 * One response per transaction: an offer or a code is taken by a guarded
 * UPDATE (... WHERE answered_at IS NULL) before the response is written,
 * and UNIQUE indexes on survey_responses refuse a second one whatever the
 * code does.  Every refusal is a 4xx, so the router rolls the whole
 * request back: a refused answer leaves the database as it was.
 *
 * Responses are not written to the audit trail: its rows name their actor,
 * and the answers are the citizen's anonymous opinion.  The offer's
 * answered_at records that a link was used.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "audit.h"
#include "log.h"
#include "outbox.h"
#include "strbuf.h"
#include "util.h"

#define TOKEN_LEN 43			/* util.h token_new */
#define KIOSK_CODE_LEN 10
#define KIOSK_BATCH_MAX 500
#define KIOSK_COOKIE "pendopo_kiosk"
/* A kiosk serves one respondent at a time and a form takes about a
 * minute: a device sending more than this is not people at a counter.
 * Many tablets of a service hall may share one address behind NAT. */
#define KIOSK_DEVICE_PER_MIN 4
#define KIOSK_ADDRESS_PER_MIN 60

/* ---- the offer ------------------------------------------------------------------ */

/* Add one offer, or one response's answers, to the day's sums. */
static int daily_offer(struct db_conn *c, int64_t unit_id, const char *service, const char *day)
{
	return db_exec(c, "INSERT INTO survey_daily (unit_id, service, day, offers) VALUES (?, ?, ?, 1)"
			  " ON CONFLICT (unit_id, service, day) DO UPDATE SET offers = survey_daily.offers + 1",
		       "iss", unit_id, service, day) == DB_DONE ? 0 : -1;
}

int survey_offer(struct db_conn *c, const struct survey_txn *t)
{
	char token[48], hash[65], day[11], at[24];
	token_new(token);
	sha256_hex(token, strlen(token), hash);
	survey_day(t->now, day);
	time_iso(t->now, at);
	if (db_exec(c, "INSERT INTO survey_offers (unit_id, source, service, ref, user_id, token_hash, day, created_at)"
		       " VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?) ON CONFLICT (source, ref) DO NOTHING",
		    "isssissi", t->unit_id, t->source, t->service, t->ref, t->user_id, hash, day, (int64_t)t->now) != DB_DONE)
		return -1;
	if (db_changes(c) == 0)
		return 0;
	if (db_exec(c, "INSERT INTO survey_services (unit_id, code, name) VALUES (?, ?, ?)"
		       " ON CONFLICT (unit_id, code) DO UPDATE SET name = excluded.name",
		    "iss", t->unit_id, t->service, t->service_name) != DB_DONE ||
	    daily_offer(c, t->unit_id, t->service, day) != 0)
		return -1;
	char link[80], object[160];
	snprintf(link, sizeof(link), "/survei/?t=%s", token);
	snprintf(object, sizeof(object), "survey:%s:%s", t->source, t->ref);
	json_t *data = json_pack("{s:s, s:s, s:s}", "service", t->service_name, "ref", t->ref, "source", t->source);
	int rc = outbox_notify(c, &(struct notice){ .user_id = t->user_id, .topic = "survey.offered", .object = object,
						    .link = link, .data = data }, at);
	json_decref(data);
	return rc;
}

/* ---- answers ----------------------------------------------------------------------- */

static const char *const age_groups[] = { "u20", "20_29", "30_39", "40_49", "50_59", "60_plus", NULL };
static const char *const sexes[] = { "l", "p", NULL };
static const char *const educations[] = { "sd", "smp", "sma", "d1_d3", "s1", "s2_plus", NULL };
static const char *const occupations[] = { "pns", "tni_polri", "swasta", "wirausaha", "pelajar", "lainnya", NULL };

struct answers {
	int q[SURVEY_ELEMENTS];
	int total;
	const char *age_group, *sex, *education, *occupation, *comment;
};

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* A profile member: NULL when absent or null, else one of list. */
static int profile_read(struct req *r, const char *name, const char *const *list, const char **out)
{
	*out = body_str(r, name);
	if (!*out || one_of(*out, list))
		return 0;
	struct strbuf sb;
	strbuf_init(&sb, r->arena, 64);
	for (const char *const *p = list; *p; p++)
		strbuf_addf(&sb, "%s%s", p == list ? "" : ", ", *p);
	reply_error_lang(r, 400, "invalid", arena_printf(r->arena, "%s must be one of %s", name, sb.buf),
			 arena_printf(r->arena, "Isian “%s” harus salah satu dari %s.", name, sb.buf), name);
	return -1;
}

/* The body's answers; on a bad one the reply is set and -1 returned. */
static int answers_read(struct req *r, struct answers *a)
{
	memset(a, 0, sizeof(*a));
	for (int e = 0; e < SURVEY_ELEMENTS; e++) {
		char name[4];
		snprintf(name, sizeof(name), "q%d", e + 1);
		json_int_t v = json_integer_value(json_object_get(r->body, name));
		if (v < 1 || v > 4)
			return reply_error_lang(r, 400, "invalid", arena_printf(r->arena, "%s must be 1, 2, 3 or 4", name),
						arena_printf(r->arena, "Jawaban “%s” harus 1, 2, 3 atau 4.", name), name), -1;
		a->q[e] = (int)v;
		a->total += (int)v;
	}
	if (profile_read(r, "age_group", age_groups, &a->age_group) || profile_read(r, "sex", sexes, &a->sex) ||
	    profile_read(r, "education", educations, &a->education) ||
	    profile_read(r, "occupation", occupations, &a->occupation))
		return -1;
	a->comment = body_str(r, "comment");
	if (a->comment) {
		const char *p = a->comment;
		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			p++;
		for (const unsigned char *s = (const unsigned char *)p; *s; s++)
			if ((*s < 0x20 && *s != '\n' && *s != '\r' && *s != '\t') || *s == 0x7f)
				return reply_error(r, 400, "invalid", "comment holds control characters", "comment"), -1;
		a->comment = *p ? p : NULL;
	}
	return 0;
}

/* Write the response and add it to its day's sums; the offer or code is
 * already taken.  0 ok, -1 database error. */
static int response_store(struct req *r, int64_t unit_id, const char *service, int64_t offer_id, int64_t code_id,
			  const char *channel, const struct answers *a, int64_t *id)
{
	char day[11];
	int64_t now = app_now(r->app);
	survey_day(now, day);
	const int *q = a->q;
	int64_t sq = (int64_t)a->total * a->total;
	int rc = db_query_int(r->db, id,
		"INSERT INTO survey_responses (unit_id, service, day, offer_id, code_id, channel,"
		" q1, q2, q3, q4, q5, q6, q7, q8, q9, total, age_group, sex, education, occupation, comment, created_at)"
		" VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"issiisiiiiiiiiiisssssi", unit_id, service, day, offer_id, code_id, channel,
		(int64_t)q[0], (int64_t)q[1], (int64_t)q[2], (int64_t)q[3], (int64_t)q[4], (int64_t)q[5], (int64_t)q[6],
		(int64_t)q[7], (int64_t)q[8], (int64_t)a->total, a->age_group, a->sex, a->education, a->occupation,
		a->comment, now);
	if (rc != DB_ROW)
		return -1;
	return db_exec(r->db,
		"INSERT INTO survey_daily (unit_id, service, day, n, s1, s2, s3, s4, s5, s6, s7, s8, s9, tsq)"
		" VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, service, day) DO UPDATE SET"
		" n = survey_daily.n + 1, s1 = survey_daily.s1 + excluded.s1, s2 = survey_daily.s2 + excluded.s2,"
		" s3 = survey_daily.s3 + excluded.s3, s4 = survey_daily.s4 + excluded.s4,"
		" s5 = survey_daily.s5 + excluded.s5, s6 = survey_daily.s6 + excluded.s6,"
		" s7 = survey_daily.s7 + excluded.s7, s8 = survey_daily.s8 + excluded.s8,"
		" s9 = survey_daily.s9 + excluded.s9, tsq = survey_daily.tsq + excluded.tsq",
		"issiiiiiiiiii", unit_id, service, day, (int64_t)q[0], (int64_t)q[1], (int64_t)q[2], (int64_t)q[3],
		(int64_t)q[4], (int64_t)q[5], (int64_t)q[6], (int64_t)q[7], (int64_t)q[8], sq) == DB_DONE ? 0 : -1;
}

static int reply_stored(struct req *r, int64_t id, const struct survey_unit *u, const char *service)
{
	return reply_json(r, 201, json_pack("{s:I, s:{s:s, s:s}, s:s}", "id", (json_int_t)id, "unit", "code", u->code,
					    "name", u->name, "service", service));
}

static int reply_answered(struct req *r)
{
	return reply_error(r, 409, "survey_answered", "this survey has already been answered; thank you", NULL);
}

/* ---- the link ------------------------------------------------------------------- */

static const struct action survey_answer = { "survey.answer", .owner = true };

struct offer {
	int64_t id, unit_id, user_id;
	const char *service, *service_name, *ref;
	bool answered;
};

/* The offer of the {token} path parameter, and the caller may answer it:
 * whoever holds the link, unless logged in as someone who is not the
 * citizen it was offered to.  On failure the reply is set, -1 returned. */
static int path_offer(struct req *r, struct offer *o, struct survey_unit *u)
{
	const char *token = req_param(r, "token");
	char hash[65];
	if (!token || strlen(token) != TOKEN_LEN)
		return reply_error(r, 404, "not_found", "no survey has this link", NULL), -1;
	sha256_hex(token, strlen(token), hash);
	struct db_stmt *st = db_query(r->db, "SELECT o.id, o.unit_id, coalesce(o.user_id, 0), o.service,"
					     " coalesce(s.name, o.service), o.ref, o.answered_at, u.code, u.name"
					     " FROM survey_offers o JOIN org_units u ON u.id = o.unit_id"
					     " LEFT JOIN survey_services s ON s.unit_id = o.unit_id AND s.code = o.service"
					     " WHERE o.token_hash = ?", "s", hash);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		o->id = db_col_int(st, 0);
		o->unit_id = u->id = db_col_int(st, 1);
		o->user_id = db_col_int(st, 2);
		o->service = arena_strdup(r->arena, db_col_text(st, 3));
		o->service_name = arena_strdup(r->arena, db_col_text(st, 4));
		o->ref = arena_strdup(r->arena, db_col_text(st, 5));
		o->answered = !db_col_is_null(st, 6);
		u->code = arena_strdup(r->arena, db_col_text(st, 7));
		u->name = arena_strdup(r->arena, db_col_text(st, 8));
	}
	db_done(st);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no survey has this link", NULL), -1;
	if (rc != DB_ROW)
		return reply_db_error(r), -1;
	if (r->caller.user_id && o->user_id &&
	    !can(&r->caller, &survey_answer, &(struct object){ .owner_id = o->user_id }))
		return reply_error(r, 403, "forbidden", "this survey was offered to someone else", NULL), -1;
	return 0;
}

/* GET /api/survey/links/{token}: the form of one transaction's survey. */
int survey_link_get(struct req *r)
{
	struct offer o;
	struct survey_unit u;
	if (path_offer(r, &o, &u))
		return 0;
	json_t *questions = survey_questions(r, o.unit_id, o.service);
	if (!questions)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:b, s:o}", "unit", "code", u.code,
					    "name", u.name, "service", "code", o.service, "name", o.service_name,
					    "ref", o.ref, "answered", o.answered, "questions", questions));
}

/* POST /api/survey/links/{token}: the answer, once. */
int survey_link_submit(struct req *r)
{
	struct offer o;
	struct survey_unit u;
	struct answers a;
	if (path_offer(r, &o, &u) || answers_read(r, &a))
		return 0;
	if (o.answered)
		return reply_answered(r);
	if (db_exec(r->db, "UPDATE survey_offers SET answered_at = ? WHERE id = ? AND answered_at IS NULL", "ii",
		    (int64_t)app_now(r->app), o.id) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) != 1)
		return reply_answered(r);
	int64_t id;
	if (response_store(r, o.unit_id, o.service, o.id, 0, "link", &a, &id) != 0)
		return reply_db_error(r);
	return reply_stored(r, id, &u, o.service);
}

/* ---- the kiosk ---------------------------------------------------------------------- */

/* A kiosk code or booking code as typed: letters upper-cased, spaces and
 * dashes dropped; NULL when it cannot be one. */
static char *code_normal(struct arena *a, const char *s)
{
	char buf[40];
	size_t n = 0;
	for (; s && *s; s++) {
		char ch = *s;
		if (ch == ' ' || ch == '-')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) || n + 1 >= sizeof(buf))
			return NULL;
		buf[n++] = ch;
	}
	buf[n] = '\0';
	return n >= 6 ? arena_strdup(a, buf) : NULL;
}

/* Count one accepted response in a bucket's minute; 1 when over limit
 * (the reply is set), 0 allowed, -1 database error.  Inside the
 * response's transaction: a refused response counts nothing. */
static int kiosk_limit(struct req *r, const char *bucket, int limit)
{
	int64_t now = app_now(r->app), start = now - now % 60, hits = 0;
	if (db_query_int(r->db, &hits,
			 "INSERT INTO survey_rate (bucket, window_start, hits) VALUES (?, ?, 1)"
			 " ON CONFLICT (bucket) DO UPDATE SET hits = CASE WHEN survey_rate.window_start ="
			 " excluded.window_start THEN survey_rate.hits + 1 ELSE 1 END, window_start = excluded.window_start"
			 " RETURNING hits", "si", bucket, start) != DB_ROW)
		return -1;
	if (hits <= limit)
		return 0;
	int wait = (int)(start + 60 - now);
	reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
	reply_error_lang(r, 429, "rate_limited",
			 arena_printf(r->arena, "too many responses from this kiosk; try again in %d seconds", wait),
			 arena_printf(r->arena, "Terlalu banyak jawaban dari kiosk ini; coba lagi dalam %d detik.", wait),
			 NULL);
	return 1;
}

static const char *kiosk_device(struct req *r)
{
	const char *d = req_cookie(r, KIOSK_COOKIE);
	if (!d || strlen(d) != TOKEN_LEN)
		return NULL;
	for (const char *p = d; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return NULL;
	return d;
}

/* GET /api/survey/kiosk/{unit}: the unit's form for a kiosk, and the
 * device's cookie when it has none. */
int survey_kiosk_get(struct req *r)
{
	struct survey_unit u;
	if (survey_path_unit(r, &u))
		return 0;
	const char *service = req_query(r, "service");
	json_t *questions = survey_questions(r, u.id, service ? service : "");
	json_t *services = questions ? survey_services_json(r, u.id) : NULL;
	if (!services) {
		json_decref(questions);
		return reply_db_error(r);
	}
	if (!kiosk_device(r)) {
		char token[48];
		token_new(token);
		reply_header(r, "Set-Cookie", arena_printf(r->arena, "%s=%s; Path=/api/survey/kiosk; HttpOnly;"
								     " SameSite=Strict; Max-Age=31536000%s",
							   KIOSK_COOKIE, token, r->secure ? "; Secure" : ""));
	}
	return reply_json(r, 200, json_pack("{s:{s:s, s:s}, s:o, s:o}", "unit", "code", u.code, "name", u.name,
					    "services", services, "questions", questions));
}

/* The kiosk code's target: a code printed in a batch, or the reference of
 * a finished transaction of this unit (the booking code on a queue
 * ticket).  Takes it; on failure the reply is set and -1 returned. */
static int kiosk_take(struct req *r, const struct survey_unit *u, const char *code, const char **service,
		      int64_t *offer_id, int64_t *code_id)
{
	char hash[65];
	int64_t now = app_now(r->app);
	sha256_hex(code, strlen(code), hash);
	struct db_stmt *st = db_query(r->db, "SELECT id, service, used_at FROM survey_codes WHERE code_hash = ? AND unit_id = ?",
				      "si", hash, u->id);
	int rc = st ? db_step(st) : DB_ERROR;
	bool used = false;
	if (rc == DB_ROW) {
		*code_id = db_col_int(st, 0);
		if (!db_col_is_null(st, 1))
			*service = arena_strdup(r->arena, db_col_text(st, 1));
		used = !db_col_is_null(st, 2);
	}
	db_done(st);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc == DB_ROW) {
		if (used || db_exec(r->db, "UPDATE survey_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", "ii",
				    now, *code_id) != DB_DONE || db_changes(r->db) != 1)
			return used || db_fault(r->db) == DB_OK
				? reply_error(r, 409, "survey_code_used", "this kiosk code has already been used", "code")
				: reply_db_error(r), -1;
		return 0;
	}
	st = db_query(r->db, "SELECT id, service, answered_at FROM survey_offers WHERE ref = ? AND unit_id = ?", "si",
		      code, u->id);
	rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		*offer_id = db_col_int(st, 0);
		*service = arena_strdup(r->arena, db_col_text(st, 1));
		used = !db_col_is_null(st, 2);
	}
	db_done(st);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc == DB_DONE)
		return reply_error_lang(r, 404, "not_found", "no kiosk code or finished service of this unit has this code",
					"Kode tidak dikenal: bukan kode kiosk atau kode layanan yang sudah selesai di unit ini.",
					"code"), -1;
	if (used || db_exec(r->db, "UPDATE survey_offers SET answered_at = ? WHERE id = ? AND answered_at IS NULL", "ii",
			    now, *offer_id) != DB_DONE || db_changes(r->db) != 1)
		return used || db_fault(r->db) == DB_OK ? reply_answered(r) : reply_db_error(r), -1;
	return 0;
}

/* POST /api/survey/kiosk/{unit}: an anonymous answer with a one-time code. */
int survey_kiosk_submit(struct req *r)
{
	struct survey_unit u;
	struct answers a;
	if (survey_path_unit(r, &u) || answers_read(r, &a))
		return 0;
	const char *device = kiosk_device(r);
	if (!device)
		return reply_error_lang(r, 400, "invalid", "this device has no kiosk cookie: open the kiosk page first",
					"Perangkat ini belum terdaftar sebagai kiosk: buka halaman kiosk terlebih dahulu.",
					"device");
	char *code = code_normal(r->arena, body_str(r, "code"));
	if (!code)
		return reply_error_lang(r, 400, "invalid", "code must be a kiosk code or a booking code",
					"Kode harus berupa kode kiosk atau kode booking.", "code");
	const char *service = body_str(r, "service");
	if (service && strlen(service) > SURVEY_SERVICE_MAX)
		return reply_error(r, 400, "invalid", "service is not a service of this unit", "service");
	char dev_hash[65];
	sha256_hex(device, strlen(device), dev_hash);
	int lim = kiosk_limit(r, arena_printf(r->arena, "kiosk:%.32s", dev_hash), KIOSK_DEVICE_PER_MIN);
	if (lim == 0)
		lim = kiosk_limit(r, arena_printf(r->arena, "kiosk-ip:%s", r->client_ip), KIOSK_ADDRESS_PER_MIN);
	if (lim < 0)
		return reply_db_error(r);
	if (lim > 0)
		return 0;
	int64_t offer_id = 0, code_id = 0;
	const char *bound = NULL;
	if (kiosk_take(r, &u, code, &bound, &offer_id, &code_id))
		return 0;
	/* A transaction or a code for one service answers for that service;
	 * a general code for the service the respondent chose, if the unit has it. */
	if (!bound && service && *service) {
		int64_t known = 0;
		int rc = db_query_int(r->db, &known, "SELECT count(*) FROM survey_services WHERE unit_id = ? AND code = ?",
				      "is", u.id, service);
		if (rc != DB_ROW)
			return reply_db_error(r);
		if (!known)
			return reply_error(r, 400, "invalid", "service is not a service of this unit", "service");
		bound = service;
	}
	int64_t id;
	if (response_store(r, u.id, bound ? bound : "", offer_id, code_id, "kiosk", &a, &id) != 0)
		return reply_db_error(r);
	return reply_stored(r, id, &u, bound ? bound : "");
}

/* ---- kiosk codes --------------------------------------------------------------------- */

/* Ten characters without 0/O and 1/I (50 bits), like the booking codes. */
static void kiosk_code(char out[KIOSK_CODE_LEN + 1])
{
	static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	unsigned char raw[KIOSK_CODE_LEN];
	randombytes_buf(raw, sizeof(raw));
	for (int i = 0; i < KIOSK_CODE_LEN; i++)
		out[i] = alphabet[raw[i] & 31];
	out[KIOSK_CODE_LEN] = '\0';
}

/* POST /api/survey/units/{unit}/codes {count, service?}: a batch of
 * one-time kiosk codes, shown once (only their hashes are kept). */
int survey_codes_create(struct req *r)
{
	struct survey_unit u;
	if (survey_path_unit_staff(r, &u))
		return 0;
	json_int_t count = json_integer_value(json_object_get(r->body, "count"));
	if (count < 1 || count > KIOSK_BATCH_MAX)
		return reply_error_lang(r, 400, "invalid", arena_printf(r->arena, "count must be 1 to %d", KIOSK_BATCH_MAX),
					arena_printf(r->arena, "Jumlah kode harus 1 sampai %d.", KIOSK_BATCH_MAX), "count");
	const char *service = body_str(r, "service");
	if (service) {
		int64_t known = 0;
		int rc = db_query_int(r->db, &known, "SELECT count(*) FROM survey_services WHERE unit_id = ? AND code = ?",
				      "is", u.id, service);
		if (rc != DB_ROW)
			return reply_db_error(r);
		if (!known)
			return reply_error(r, 400, "invalid", "service is not a service of this unit", "service");
	}
	int64_t now = app_now(r->app);
	json_t *codes = json_array();
	for (json_int_t i = 0; i < count; i++) {
		char code[KIOSK_CODE_LEN + 1], hash[65];
		kiosk_code(code);
		sha256_hex(code, strlen(code), hash);
		if (db_exec(r->db, "INSERT INTO survey_codes (unit_id, service, code_hash, created_by, created_at)"
				   " VALUES (?, ?, ?, ?, ?)", "issii", u.id, service, hash, r->caller.user_id, now) != DB_DONE) {
			json_decref(codes);
			return reply_db_error(r);
		}
		json_array_append_new(codes, json_string(arena_printf(r->arena, "%.5s-%s", code, code + 5)));
	}
	json_t *d = json_pack("{s:I, s:s?}", "count", (json_int_t)count, "service", service);
	int rc = audit_append(r->db, &r->caller, "survey.codes", arena_printf(r->arena, "unit:%s", u.code), d);
	json_decref(d);
	if (rc != 0) {
		json_decref(codes);
		return reply_db_error(r);
	}
	return reply_json(r, 201, json_pack("{s:s, s:s?, s:o}", "unit", u.code, "service", service, "codes", codes));
}
