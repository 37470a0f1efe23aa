/* store.c - facilities, services and sessions as stored, and the visit
 * operations shared by the JSON API and the Antrol interface: book, cancel,
 * check in, and where a visit stands in its line.
 *
 * The database holds every rule that two requests could race on: a
 * session's quota is a counter row taken with UPDATE ... WHERE left > 0 in
 * the booking's transaction, and unique indexes refuse a second live booking
 * of one person at one poli on one date and a second visit with the same
 * queue number.  The checks made before those statements only turn the
 * common refusals into clear messages; they are never what keeps a slot
 * from going to two people.
 */
#include "simantri.h"
#include "log.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "events.h"
#include "holidays.h"
#include "nik.h"
#include "regions.h"
#include "regions_index.h"
#include "util.h"

/* ---- small helpers ---------------------------------------------------------- */

static const char *col_dup(struct arena *a, struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(a, db_col_text(st, i));
}

static int64_t col_int_or(struct db_stmt *st, int i, int64_t def)
{
	return db_col_is_null(st, i) ? def : db_col_int(st, i);
}

void queue_fail_set(struct queue_fail *fail, int status, const char *code, const char *field,
		    const char *message, const char *pesan)
{
	fail->status = status;
	fail->code = code;
	fail->field = field;
	fail->message = message;
	fail->pesan = pesan;
}

static int fail_db(struct db_conn *c, struct queue_fail *fail)
{
	log_error("database error", LOG_F("module", "queue"), LOG_F("error", db_errmsg(c)));
	queue_fail_set(fail, 500, "internal", NULL, "database error", "Terjadi gangguan basis data, silakan coba lagi");
	return -1;
}

static int fail_oom(struct queue_fail *fail)
{
	queue_fail_set(fail, 500, "internal", NULL, "out of memory", "Terjadi gangguan, silakan coba lagi");
	return -1;
}

static enum bucket bucket_of(bool jkn, bool walkin)
{
	return jkn ? (walkin ? JKN_WALKIN : JKN_ONLINE) : (walkin ? NON_WALKIN : NON_ONLINE);
}

const char *queue_iso_time(struct arena *a, int64_t t)
{
	char buf[24];
	time_iso((time_t)t, buf);
	return arena_strdup(a, buf);
}

bool queue_text_ok(const char *s)
{
	bool seen = false;
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
		if (*s != ' ')
			seen = true;
	}
	return seen;
}

const char *queue_nik_masked(struct arena *a, const char *nik)
{
	if (!nik)
		return NULL;
	char *m = arena_strdup(a, nik);
	size_t n = m ? strlen(m) : 0;
	for (size_t i = 6; i + 2 < n; i++)
		m[i] = '*';
	return m;
}

static const char *const kind_names[] = { "poli", "registration", "pharmacy", "other" };

const char *queue_kind_name(enum service_kind k)
{
	return kind_names[k];
}

int queue_kind_parse(const char *s, enum service_kind *k)
{
	for (size_t i = 0; s && i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum service_kind)i;
			return 0;
		}
	return -1;
}

/* ---- facilities and services ----------------------------------------------- */

/* The name is the organisation unit's, read in the same statement. */
#define FACILITY_COLUMNS \
	"SELECT f.id, f.unit_id, f.code, f.type, f.open_days, f.open_minute, f.close_days, f.close_minute," \
	" f.checkin_early_min, f.late_grace_min, f.late_policy, f.priority_every, f.priority_max_wait_min," \
	" f.max_recalls, f.cuti_bersama_closed, f.demo, o.name"
#define FACILITY_FROM " FROM q_facilities f JOIN org_units o ON o.id = f.unit_id "
#define FACILITY_SELECT FACILITY_COLUMNS FACILITY_FROM

/* The facility in the columns of FACILITY_COLUMNS: DB_ROW, or DB_ERROR
 * when a column that may not be NULL is. */
static int facility_fill(struct arena *a, struct db_stmt *st, struct facility *f)
{
	memset(f, 0, sizeof(*f));
	f->id = db_col_int(st, 0);
	f->unit_id = db_col_int(st, 1);
	f->code = col_dup(a, st, 2);
	f->type = col_dup(a, st, 3);
	f->window.open_days = (int)db_col_int(st, 4);
	f->window.open_minute = (int)db_col_int(st, 5);
	f->window.close_days = (int)db_col_int(st, 6);
	f->window.close_minute = (int)db_col_int(st, 7);
	f->checkin_early_min = (int)db_col_int(st, 8);
	f->late_grace_min = (int)db_col_int(st, 9);
	f->late_refuse = strcmp(db_col_text(st, 10), "refuse") == 0;
	f->fair.every = (int)db_col_int(st, 11);
	f->fair.max_overtake_s = (int)db_col_int(st, 12) * 60;
	f->max_recalls = (int)db_col_int(st, 13);
	f->cuti_bersama_closed = db_col_int(st, 14) != 0;
	f->demo = db_col_int(st, 15) != 0;
	f->name = col_dup(a, st, 16);
	return f->code && f->type && f->name ? DB_ROW : DB_ERROR;
}

static int facility_read(struct arena *a, struct db_stmt *st, struct facility *f)
{
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW)
		rc = facility_fill(a, st, f);
	db_done(st);
	return rc;
}

int queue_facility_find(struct db_conn *c, struct arena *a, const char *code, struct facility *f)
{
	return facility_read(a, db_query(c, FACILITY_SELECT "WHERE f.code = ?", "s", code), f);
}

int queue_facility_find_id(struct db_conn *c, struct arena *a, int64_t id, struct facility *f)
{
	return facility_read(a, db_query(c, FACILITY_SELECT "WHERE f.id = ?", "i", id), f);
}

#define SERVICE_COLUMNS "id, facility_id, code, name, kind, prefix, avg_service_min, active"
#define SERVICE_SELECT "SELECT " SERVICE_COLUMNS " FROM q_services "

/* The service in the columns of SERVICE_COLUMNS from column at on. */
static int service_fill(struct arena *a, struct db_stmt *st, int at, struct service *s)
{
	s->id = db_col_int(st, at);
	s->facility_id = db_col_int(st, at + 1);
	s->code = col_dup(a, st, at + 2);
	s->name = col_dup(a, st, at + 3);
	if (queue_kind_parse(db_col_text(st, at + 4), &s->kind) != 0)
		s->kind = SVC_OTHER;
	s->prefix = col_dup(a, st, at + 5);
	s->avg_service_min = (int)db_col_int(st, at + 6);
	s->active = db_col_int(st, at + 7) != 0;
	return s->code && s->name ? DB_ROW : DB_ERROR;
}

static int service_read(struct arena *a, struct db_stmt *st, struct service *s)
{
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW)
		rc = service_fill(a, st, 0, s);
	db_done(st);
	return rc;
}

int queue_service_find(struct db_conn *c, struct arena *a, int64_t facility_id, const char *code,
		       struct service *s)
{
	return service_read(a, db_query(c, SERVICE_SELECT "WHERE facility_id = ? AND code = ?", "is",
					facility_id, code), s);
}

int queue_facility_service_find(struct db_conn *c, struct arena *a, const char *facility, const char *service,
				struct facility *f, struct service *s, bool *has_service)
{
	struct db_stmt *st = db_query(c, FACILITY_COLUMNS ", s.id, s.facility_id, s.code, s.name, s.kind, s.prefix,"
					 " s.avg_service_min, s.active" FACILITY_FROM
					 "LEFT JOIN q_services s ON s.facility_id = f.id AND s.code = ? WHERE f.code = ?",
				      "ss", service, facility);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	*has_service = false;
	if (rc == DB_ROW)
		rc = facility_fill(a, st, f);
	if (rc == DB_ROW && !db_col_is_null(st, 17)) {
		*has_service = true;
		rc = service_fill(a, st, 17, s);
	}
	db_done(st);
	return rc;
}

int queue_service_find_id(struct db_conn *c, struct arena *a, int64_t id, struct service *s)
{
	return service_read(a, db_query(c, SERVICE_SELECT "WHERE id = ?", "i", id), s);
}

int queue_registration_service(struct db_conn *c, int64_t facility_id, int64_t *service_id)
{
	int rc = db_query_int(c, service_id, "SELECT id FROM q_services WHERE facility_id = ? AND "
					     "kind = 'registration' AND active = 1 ORDER BY id LIMIT 1",
			      "i", facility_id);
	if (rc == DB_DONE)
		*service_id = 0;
	return rc < 0 ? -1 : 0;
}

/* ---- sessions and closures ---------------------------------------------------- */

int queue_sessions_of_day(struct db_conn *c, struct arena *a, int64_t service_id, int32_t day,
			  struct session **out, size_t *n)
{
	char date[11];
	date_format(day, date);
	struct db_stmt *st = db_query(c,
		"SELECT s.id, s.start_min, s.end_min, d.code, d.name,"
		" s.quota_jkn_online, s.quota_jkn_walkin, s.quota_non_online, s.quota_non_walkin,"
		" x.left_jkn_online, x.left_jkn_walkin, x.left_non_online, x.left_non_walkin, x.last_number, x.id"
		" FROM q_schedules s LEFT JOIN q_doctors d ON d.id = s.doctor_id"
		" LEFT JOIN q_sessions x ON x.schedule_id = s.id AND x.day = ?"
		" WHERE s.service_id = ? AND s.weekday = ? AND s.active = 1 ORDER BY s.start_min, s.id",
		"sii", date, service_id, (int64_t)date_weekday(day));
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	struct session *v = NULL;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct session *s = ARENA_PUSH(a, v, *n, cap);
		if (!s) {
			rc = DB_ERROR;
			break;
		}
		s->schedule_id = db_col_int(st, 0);
		s->start_min = (int)db_col_int(st, 1);
		s->end_min = (int)db_col_int(st, 2);
		s->doctor_code = col_dup(a, st, 3);
		s->doctor_name = col_dup(a, st, 4);
		for (int b = 0; b < 4; b++) {
			s->quota[b] = (int)db_col_int(st, 5 + b);
			s->left[b] = (int)col_int_or(st, 9 + b, s->quota[b]);
		}
		s->last_number = (int)col_int_or(st, 13, 0);
		s->id = col_int_or(st, 14, 0);
	}
	db_done(st);
	*out = v;
	return rc == DB_DONE ? 0 : -1;
}

int queue_day_closed(struct db_conn *c, struct arena *a, const struct facility *f, int64_t service_id,
		     int32_t day, const char **reason)
{
	char date[11];
	enum holiday_kind kind;
	date_format(day, date);
	int holiday = holidays_on(c, date, &kind);
	if (holiday < 0)
		return -1;
	if (holiday && (kind == HOLIDAY_NATIONAL || f->cuti_bersama_closed)) {
		*reason = kind == HOLIDAY_NATIONAL ? "Hari libur nasional" : "Cuti bersama";
		return 1;
	}
	struct db_stmt *st = db_query(c, "SELECT reason FROM q_closures WHERE facility_id = ? AND day = ? "
					 "AND (service_id IS NULL OR service_id = ?) ORDER BY id LIMIT 1",
				      "isi", f->id, date, service_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW)
		*reason = col_dup(a, st, 0);
	db_done(st);
	if (rc == DB_ROW)
		return *reason ? 1 : -1;
	return rc == DB_DONE ? 0 : -1;
}

/* ---- visits as stored ----------------------------------------------------------- */

#define VISIT_SELECT \
	"SELECT v.id, v.facility_id, v.service_id, v.session_id, x.schedule_id, v.code, v.label, v.day," \
	" v.number, v.nik, v.card, v.phone, v.norm, v.complaint, v.channel, v.jkn, v.walkin, v.priority," \
	" v.status, v.line_key, v.est_at, v.created_at, v.checkin_at, v.poli_called_at, v.note," \
	" s.start_min, s.end_min, d.code, d.name" \
	" FROM q_visits v JOIN q_sessions x ON x.id = v.session_id JOIN q_schedules s ON s.id = x.schedule_id" \
	" LEFT JOIN q_doctors d ON d.id = s.doctor_id "

static int visit_read(struct arena *a, struct db_stmt *st, struct visit *v)
{
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(v, 0, sizeof(*v));
		v->id = db_col_int(st, 0);
		v->facility_id = db_col_int(st, 1);
		v->service_id = db_col_int(st, 2);
		v->session_id = db_col_int(st, 3);
		v->schedule_id = db_col_int(st, 4);
		v->code = col_dup(a, st, 5);
		v->label = col_dup(a, st, 6);
		v->day = col_dup(a, st, 7);
		v->number = (int)db_col_int(st, 8);
		v->nik = col_dup(a, st, 9);
		v->card = col_dup(a, st, 10);
		v->phone = col_dup(a, st, 11);
		v->norm = col_dup(a, st, 12);
		v->complaint = col_dup(a, st, 13);
		v->channel = col_dup(a, st, 14);
		v->jkn = db_col_int(st, 15) != 0;
		v->walkin = db_col_int(st, 16) != 0;
		v->priority = col_dup(a, st, 17);
		v->status = col_dup(a, st, 18);
		v->line_key = db_col_int(st, 19);
		v->est_at = db_col_int(st, 20);
		v->created_at = db_col_int(st, 21);
		v->checkin_at = col_int_or(st, 22, 0);
		v->poli_called_at = col_int_or(st, 23, 0);
		v->note = col_dup(a, st, 24);
		v->start_min = (int)db_col_int(st, 25);
		v->end_min = (int)db_col_int(st, 26);
		v->doctor_code = col_dup(a, st, 27);
		v->doctor_name = col_dup(a, st, 28);
		if (!v->code || !v->label || !v->day || !v->status || date_parse(v->day, &v->day_n) != 0)
			rc = DB_ERROR;
	}
	db_done(st);
	return rc;
}

int queue_visit_find(struct db_conn *c, struct arena *a, const char *code, struct visit *v)
{
	return visit_read(a, db_query(c, VISIT_SELECT "WHERE v.code = ?", "s", code), v);
}

int queue_visit_find_person(struct db_conn *c, struct arena *a, int64_t service_id, const char *day,
			    const char *card, const char *nik, struct visit *v)
{
	if (card)
		return visit_read(a, db_query(c, VISIT_SELECT "WHERE v.service_id = ? AND v.day = ? AND "
							      "v.card = ? AND v.status <> 'cancelled'",
					      "iss", service_id, day, card), v);
	return visit_read(a, db_query(c, VISIT_SELECT "WHERE v.service_id = ? AND v.day = ? AND "
						      "v.nik = ? AND v.status <> 'cancelled'",
				      "iss", service_id, day, nik), v);
}

int queue_visit_task(struct db_conn *c, int64_t visit_id, int task, int64_t at)
{
	int rc = db_exec(c, "INSERT INTO q_tasks (visit_id, task, at) VALUES (?, ?, ?) "
			    "ON CONFLICT (visit_id, task) DO NOTHING", "iii", visit_id, (int64_t)task, at);
	return rc == DB_DONE ? 0 : -1;
}

int queue_session_counts(struct db_conn *c, int64_t session_id, int quota[4], int left[4])
{
	struct db_stmt *st = db_query(c,
		"SELECT s.quota_jkn_online, s.quota_jkn_walkin, s.quota_non_online, s.quota_non_walkin,"
		" x.left_jkn_online, x.left_jkn_walkin, x.left_non_online, x.left_non_walkin"
		" FROM q_sessions x JOIN q_schedules s ON s.id = x.schedule_id WHERE x.id = ?", "i", session_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW)
		for (int b = 0; b < 4; b++) {
			quota[b] = (int)db_col_int(st, b);
			left[b] = (int)db_col_int(st, 4 + b);
		}
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

int queue_line_counts(struct db_conn *c, struct arena *a, int64_t service_id, const char *day,
		      int64_t schedule_id, int *total, int *waiting, const char **called)
{
	struct db_stmt *st = db_query(c,
		"SELECT COALESCE(sum(x.last_number - x.cancelled), 0),"
		" COALESCE(sum(x.last_number - x.cancelled - x.called - x.gone), 0)"
		" FROM q_schedules s JOIN q_sessions x ON x.schedule_id = s.id"
		" WHERE s.service_id = ? AND x.day = ? AND (CAST(? AS BIGINT) = 0 OR s.id = ?)",
		"isii", service_id, day, schedule_id, schedule_id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*total = (int)db_col_int(st, 0);
		*waiting = (int)db_col_int(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW)
		return -1;
	*called = NULL;
	st = db_query(c, "SELECT called_label FROM q_lines WHERE service_id = ? AND day = ?", "is", service_id, day);
	if (!st)
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW)
		*called = col_dup(a, st, 0);
	db_done(st);
	return rc < 0 ? -1 : 0;
}

int queue_service_pace(struct db_conn *c, const struct service *s, const char *day, int *average_s,
		       int *counters)
{
	int times[10];
	size_t n = 0;
	struct db_stmt *st = db_query(c, "SELECT finished_at - called_at FROM q_entries"
					 " WHERE service_id = ? AND day = ? AND status IN ('done', 'moved')"
					 " AND called_at IS NOT NULL AND finished_at IS NOT NULL"
					 " ORDER BY finished_at DESC, id DESC LIMIT 10", "is", s->id, day);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && n < sizeof(times) / sizeof(times[0]))
		times[n++] = (int)db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return -1;
	*average_s = queue_service_average(times, n, s->avg_service_min * 60);
	int64_t open;
	if (db_query_int(c, &open, "SELECT count(*) FROM q_counters WHERE service_id = ? AND status = 'open'",
			 "i", s->id) != DB_ROW)
		return -1;
	*counters = (int)open;
	return 0;
}

int queue_publish(struct events *ev, struct db_conn *c, struct arena *a, const char *facility_code,
		  const char *service_code, json_t *payload)
{
	const char *topic = arena_printf(a, "public/queue/%s/%s", facility_code, service_code);
	int rc = topic ? events_publish(ev, c, topic, payload) : DB_ERROR;
	json_decref(payload);
	return rc == DB_OK ? 0 : -1;
}

/* ---- booking -------------------------------------------------------------------- */

/* The quota counters, one statement per share: taking a slot and giving
 * it back (a cancellation, which the session also counts).  The
 * WHERE ... > 0 is what makes a full session refuse; what is left of
 * every share comes back for the answer.  A slot is taken by the session
 * row's key when the checks saw the row (one b-tree less to read inside
 * the write transaction), else by its schedule and date. */
#define TAKE_SQL(share, where) \
	"UPDATE q_sessions SET left_" share " = left_" share " - 1, last_number = last_number + 1" \
	" WHERE " where " AND left_" share " > 0" \
	" RETURNING id, last_number, left_jkn_online, left_jkn_walkin, left_non_online, left_non_walkin"
#define TAKE_BY(where) \
	{ TAKE_SQL("jkn_online", where), TAKE_SQL("jkn_walkin", where), TAKE_SQL("non_online", where), \
	  TAKE_SQL("non_walkin", where) }
static const char *const take_by_id_sql[4] = TAKE_BY("id = ?");
static const char *const take_sql[4] = TAKE_BY("schedule_id = ? AND day = ?");

static const char *const give_back_sql[4] = {
	"UPDATE q_sessions SET left_jkn_online = left_jkn_online + 1, cancelled = cancelled + 1 WHERE id = ?",
	"UPDATE q_sessions SET left_jkn_walkin = left_jkn_walkin + 1, cancelled = cancelled + 1 WHERE id = ?",
	"UPDATE q_sessions SET left_non_online = left_non_online + 1, cancelled = cancelled + 1 WHERE id = ?",
	"UPDATE q_sessions SET left_non_walkin = left_non_walkin + 1, cancelled = cancelled + 1 WHERE id = ?",
};

/* Ten characters from an alphabet without 0/O and 1/I: 50 bits, read
 * aloud at a counter without confusion. */
static void booking_code(char out[BOOKING_CODE_LEN + 1])
{
	static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	unsigned char raw[BOOKING_CODE_LEN];
	randombytes_buf(raw, sizeof(raw));
	for (int i = 0; i < BOOKING_CODE_LEN; i++)
		out[i] = alphabet[raw[i] & 31];
	out[BOOKING_CODE_LEN] = '\0';
}

static bool phone_ok(const char *s)
{
	size_t n = 0;
	if (*s == '+')
		s++;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return false;
	return n >= 8 && n <= 15;
}

struct region_ctx {
	struct regions_snapshot *snap;
	struct db_conn *c;
};

/* A code the register in memory knows, or failing that the database's
 * register (imported since the snapshot was made). */
static int region_known(void *ctx, const char *kode)
{
	struct region_ctx *x = ctx;
	return (x->snap && regions_snapshot_nama(x->snap, kode)) || regions_exists_cb(x->c, kode);
}

/* Who the patient is: a valid NIK (required, but for walk-ins), an
 * optional 13-digit BPJS card and phone number. */
static int check_person(struct db_conn *c, struct arena *a, const struct book_in *in, int32_t day,
			bool *elderly, struct queue_fail *fail)
{
	*elderly = false;
	if (!in->nik && !in->walkin) {
		queue_fail_set(fail, 400, "invalid", "nik", "nik is required", "NIK wajib diisi");
		return -1;
	}
	if (in->nik) {
		struct nik_info info;
		struct region_ctx rx = { in->regions ? regions_index_hold(in->regions) : NULL, c };
		enum nik_error e = nik_check(in->nik, region_known, &rx, &info);
		if (rx.snap)
			regions_index_drop(rx.snap);
		if (e != NIK_OK) {
			queue_fail_set(fail, 400, "invalid", "nik", nik_error_message(e),
				       arena_printf(a, "NIK tidak valid (%s)", e == NIK_BAD_LENGTH ? "harus 16 digit" :
					      e == NIK_BAD_DATE ? "tanggal lahir tidak sesuai" :
					      e == NIK_BAD_SERIAL ? "nomor urut 0000" : "kode wilayah tidak dikenal"));
			return -1;
		}
		*elderly = queue_age_on(info.birth_day, day) >= ELDERLY_AGE;
	}
	if (in->card && !bpjs_card_valid(in->card)) {
		queue_fail_set(fail, 400, "invalid", "card", "the BPJS card number must be exactly 13 digits",
			       "Nomor kartu BPJS harus 13 digit");
		return -1;
	}
	if (in->phone && !phone_ok(in->phone)) {
		queue_fail_set(fail, 400, "invalid", "phone", "phone must be 8 to 15 digits, optionally after a +",
			       "Nomor HP harus 8 sampai 15 digit");
		return -1;
	}
	return 0;
}

/* The session asked for: by id, by practice hours (and the doctor, when
 * the session names one: puskesmas often register none), or for a walk-in
 * the first one today that has not ended. */
static int pick_session(struct db_conn *c, struct arena *a, const struct book_in *in, int32_t day,
			struct session *out, struct queue_fail *fail)
{
	struct session *v;
	size_t n;
	int start = 0, end = 0;
	if (queue_sessions_of_day(c, a, in->s->id, day, &v, &n) != 0)
		return fail_db(c, fail);
	if (in->hours && queue_hours_parse(in->hours, &start, &end) != 0) {
		queue_fail_set(fail, 400, "invalid", "hours", "practice hours must be written HH:MM-HH:MM",
			       "Format jam praktek tidak sesuai (HH:MM-HH:MM)");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		bool hit;
		if (in->schedule_id)
			hit = v[i].schedule_id == in->schedule_id;
		else if (in->hours)
			hit = v[i].start_min == start && v[i].end_min == end &&
			      (!in->doctor_code || !v[i].doctor_code || strcmp(v[i].doctor_code, in->doctor_code) == 0);
		else if (in->walkin)
			hit = in->now < queue_wib_epoch(day, v[i].end_min);
		else
			hit = n == 1;
		if (hit) {
			*out = v[i];
			return 0;
		}
	}
	if (n == 0)
		queue_fail_set(fail, 409, "no_session", "date",
			       arena_printf(a, "%s has no practice session on this date", in->s->name),
			       arena_printf(a, "Tidak ada jadwal praktek %s pada tanggal tersebut", in->s->name));
	else if (in->walkin && !in->schedule_id)
		queue_fail_set(fail, 409, "session_over", NULL, "today's sessions have ended",
			       "Jadwal praktek hari ini sudah selesai");
	else if (!in->schedule_id && !in->hours)
		queue_fail_set(fail, 400, "invalid", "session", "choose one of the sessions of that date",
			       "Pilih salah satu jadwal praktek pada tanggal tersebut");
	else
		queue_fail_set(fail, 400, "invalid", in->hours ? "hours" : "session",
			       "no such practice session on that date",
			       "Jadwal dokter atau jam praktek tidak ditemukan pada tanggal tersebut");
	return -1;
}

/* The date: not past, not closed, and (online) inside the booking window;
 * walk-in numbers are for today only. */
static int check_date(struct db_conn *c, struct arena *a, const struct book_in *in, int32_t *day,
		      struct queue_fail *fail)
{
	int32_t today;
	int minute;
	if (date_parse(in->date, day) != 0) {
		queue_fail_set(fail, 400, "invalid", "date", "date must be a calendar date written YYYY-MM-DD",
			       "Format tanggal tidak sesuai, seharusnya YYYY-MM-DD");
		return -1;
	}
	queue_wib_split(in->now, &today, &minute);
	if (*day < today) {
		queue_fail_set(fail, 400, "invalid", "date", "date is in the past", "Tanggal periksa sudah lewat");
		return -1;
	}
	if (in->walkin && *day != today) {
		queue_fail_set(fail, 400, "invalid", "date", "walk-in numbers are for today only",
			       "Nomor antrean langsung hanya untuk hari ini");
		return -1;
	}
	const char *reason;
	int closed = queue_day_closed(c, a, in->f, in->s->id, *day, &reason);
	if (closed < 0)
		return fail_db(c, fail);
	if (closed) {
		queue_fail_set(fail, 409, "closed", "date",
			       arena_printf(a, "%s is closed on %s: %s", in->s->name, in->date, reason),
			       arena_printf(a, "%s tutup pada %s: %s", in->s->name, in->date, reason));
		return -1;
	}
	if (in->walkin)
		return 0;
	int64_t opens, closes;
	char when[6];
	int32_t wday;
	int wmin;
	queue_booking_window(&in->f->window, *day, &opens, &closes);
	if (in->now < opens || in->now >= closes) {
		char wdate[11];
		queue_wib_split(in->now < opens ? opens : closes, &wday, &wmin);
		queue_minute_format(wmin, when);
		date_format(wday, wdate);
		if (in->now < opens)
			queue_fail_set(fail, 409, "not_open_yet", "date",
				       arena_printf(a, "booking for %s opens on %s at %s WIB", in->date, wdate, when),
				       arena_printf(a, "Pendaftaran untuk %s baru dibuka %s pukul %s WIB", in->date, wdate, when));
		else
			queue_fail_set(fail, 409, "booking_closed", "date",
				       arena_printf(a, "booking for %s closed on %s at %s WIB", in->date, wdate, when),
				       arena_printf(a, "Pendaftaran untuk %s sudah ditutup %s pukul %s WIB", in->date, wdate, when));
		return -1;
	}
	return 0;
}

static int fail_duplicate(struct arena *a, const struct book_in *in, struct queue_fail *fail)
{
	queue_fail_set(fail, 409, "already_booked", "nik",
		       arena_printf(a, "this person already has a number at %s on %s", in->s->name, in->date),
		       arena_printf(a, "Peserta sudah terdaftar di %s pada tanggal %s", in->s->name, in->date));
	return -1;
}

/* Put a checked-in visit in the line of service_id. */
static int entry_add(struct db_conn *c, const struct visit *v, int64_t service_id, int64_t key, bool priority,
		     int64_t now)
{
	int rc = db_exec(c, "INSERT INTO q_entries (visit_id, service_id, day, line_key, priority, status, queued_at)"
			    " VALUES (?, ?, ?, ?, ?, 'waiting', ?)",
			 "iisibi", v->id, service_id, v->day, key, priority, now);
	return rc == DB_DONE ? 0 : -1;
}

/* The first stage of a visit: registration, or its poli.  BPJS task 1
 * (admission wait) or 3 (poli wait) starts. */
static int enter_first_stage(struct db_conn *c, const struct visit *v, int64_t key, int64_t now,
			     int64_t *stage)
{
	if (queue_registration_service(c, v->facility_id, stage) != 0)
		return -1;
	if (!*stage)
		*stage = v->service_id;
	if (entry_add(c, v, *stage, key, v->priority != NULL, now) != 0)
		return -1;
	return queue_visit_task(c, v->id, *stage == v->service_id ? 3 : 1, now);
}

static int publish_line(struct events *ev, struct db_conn *c, struct arena *a,
			const struct facility *f, int64_t service_id,
			const char *what, const char *label)
{
	struct service s;
	if (queue_service_find_id(c, a, service_id, &s) != DB_ROW)
		return -1;
	return queue_publish(ev, c, a, f->code, s.code,
			     json_pack("{s:s, s:s, s:s?}", "type", what, "service", s.code, "label", label));
}

int queue_visit_check(struct db_conn *c, struct arena *a, const struct book_in *in, struct book_plan *plan,
		      struct queue_fail *fail)
{
	bool elderly;
	if (in->s->kind != SVC_POLI || !in->s->active) {
		queue_fail_set(fail, 400, "invalid", "service", "this service takes no bookings",
			       "Poli tidak menerima pendaftaran");
		return -1;
	}
	if (check_date(c, a, in, &plan->day, fail) || check_person(c, a, in, plan->day, &elderly, fail) ||
	    pick_session(c, a, in, plan->day, &plan->session, fail))
		return -1;
	if (in->walkin && in->now >= queue_wib_epoch(plan->day, plan->session.end_min)) {
		queue_fail_set(fail, 409, "session_over", "session", "this session has ended", "Jadwal praktek ini sudah selesai");
		return -1;
	}
	plan->priority = in->priority ? in->priority : elderly ? "elderly" : NULL;
	if (!in->nik && !in->card)
		return 0;
	/* Two lookups, one per unique index, rather than an OR that would
	 * read the whole day. */
	int64_t dup;
	int rc = db_query_int(c, &dup,
		"SELECT (SELECT count(*) FROM q_visits WHERE service_id = ? AND day = ? AND nik = ? AND status <> 'cancelled')"
		" + (SELECT count(*) FROM q_visits WHERE service_id = ? AND day = ? AND card = ? AND status <> 'cancelled')",
		"ississ", in->s->id, in->date, in->nik, in->s->id, in->date, in->card);
	if (rc != DB_ROW)
		return fail_db(c, fail);
	return dup ? fail_duplicate(a, in, fail) : 0;
}

/* A slot of bucket b in the session s on date: DB_ROW with the session's
 * row, the number and what is left of each share, DB_DONE when the share
 * is full (or, unless s->id, the row is missing), < 0 on error. */
static int take_slot(struct db_conn *c, enum bucket b, const struct session *s, const char *date,
		     int64_t *session_id, int64_t *number, int left[4])
{
	struct db_stmt *st = s->id ? db_query(c, take_by_id_sql[b], "i", s->id)
				   : db_query(c, take_sql[b], "is", s->schedule_id, date);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*session_id = db_col_int(st, 0);
		*number = db_col_int(st, 1);
		for (int i = 0; i < 4; i++)
			left[i] = (int)db_col_int(st, 2 + i);
	}
	db_done(st);
	return rc;
}

int queue_visit_take(struct events *ev, struct db_conn *c, struct arena *a,
		     const struct book_in *in, const struct book_plan *plan,
		     struct visit *v, int left[4], struct queue_fail *fail)
{
	const struct session *s = &plan->session;
	enum bucket b = bucket_of(in->card != NULL, in->walkin);
	int64_t session_id = 0, number = 0;
	int rc = take_slot(c, b, s, in->date, &session_id, &number, left);
	if (rc == DB_DONE && !s->id) {
		/* The session's counters exist from its first booking on: a
		 * miss may be a session nobody had booked yet. */
		rc = db_exec(c, "INSERT INTO q_sessions (schedule_id, day, left_jkn_online, left_jkn_walkin,"
				" left_non_online, left_non_walkin, last_number)"
				" SELECT id, CAST(? AS TEXT), quota_jkn_online, quota_jkn_walkin, quota_non_online,"
				" quota_non_walkin, 0 FROM q_schedules WHERE id = ?"
				" ON CONFLICT (schedule_id, day) DO NOTHING", "si", in->date, s->schedule_id);
		if (rc != DB_DONE)
			return fail_db(c, fail);
		rc = take_slot(c, b, s, in->date, &session_id, &number, left);
	}
	if (rc == DB_DONE) {
		const char *share = in->walkin ? "walk-in" : "online";
		const char *kind = in->card ? "JKN" : "non-JKN";
		char hours[12];
		queue_minute_format(s->start_min, hours);
		queue_fail_set(fail, 409, "quota_full", "session",
			       arena_printf(a, "quota full: no %s %s numbers left for %s on %s (session %s)",
				      share, kind, in->s->name, in->date, hours),
			       arena_printf(a, "Kuota %s %s %s pada %s (jam %s) sudah penuh",
				      in->walkin ? "langsung" : "online", kind, in->s->name, in->date, hours));
		return -1;
	}
	if (rc != DB_ROW)
		return rc == DB_BUSY ? (queue_fail_set(fail, 503, "busy", NULL, "the database is busy, please retry",
						       "Sistem sedang sibuk, silakan coba lagi"), -1) : fail_db(c, fail);

	char code[BOOKING_CODE_LEN + 1], label[QUEUE_LABEL_MAX];
	booking_code(code);
	if (queue_label(label, sizeof(label), in->s->prefix ? in->s->prefix : "A", (int)number) < 0)
		return fail_oom(fail);
	/* The booked slot: the session's start plus one average service
	 * time per number before this one.  It orders the poli's line. */
	int64_t slot = queue_wib_epoch(plan->day, s->start_min) + (number - 1) * (int64_t)in->s->avg_service_min * 60;
	int64_t user_id = in->actor && in->actor->user_id && !in->walkin ? in->actor->user_id : 0;
	int64_t id;
	/* No row when a closure has been recorded since the checks.  Looked
	 * for only now that the session's row is held, in a statement of its
	 * own (a fresh snapshot on PostgreSQL): a closure takes the day's
	 * session rows before it records itself (setup.c), so either it is
	 * visible here or it waits for this booking and then cancels it with
	 * the others. */
	rc = db_query_int(c, &id,
		"INSERT INTO q_visits (code, facility_id, service_id, session_id, day, number, label, nik, card,"
		" phone, norm, complaint, channel, jkn, walkin, priority, status, line_key, est_at, user_id,"
		" created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, NULLIF(?, 0), ?"
		" WHERE NOT EXISTS (SELECT 1 FROM q_closures WHERE facility_id = ? AND day = ? AND"
		" (service_id IS NULL OR service_id = ?)) RETURNING id",
		"siiisisssssssbbsiiiiisi", code, in->f->id, in->s->id, session_id, in->date, number, label,
		in->nik, in->card, in->phone, in->norm, in->complaint, in->channel, in->card != NULL,
		in->walkin, plan->priority, slot, slot, user_id, in->now, in->f->id, in->date, in->s->id);
	if (rc == DB_CONSTRAINT)
		return fail_duplicate(a, in, fail);
	if (rc == DB_DONE) {
		queue_fail_set(fail, 409, "closed", "date", arena_printf(a, "%s is closed on %s", in->s->name, in->date),
			       arena_printf(a, "%s tutup pada %s", in->s->name, in->date));
		return -1;
	}
	if (rc != DB_ROW)
		return fail_db(c, fail);

	/* The visit as just recorded, without reading it back. */
	*v = (struct visit){
		.id = id, .facility_id = in->f->id, .service_id = in->s->id, .session_id = session_id,
		.schedule_id = s->schedule_id, .code = arena_strdup(a, code), .label = arena_strdup(a, label),
		.day = arena_strdup(a, in->date), .number = (int)number, .day_n = plan->day, .nik = in->nik,
		.card = in->card, .phone = in->phone, .norm = in->norm, .complaint = in->complaint, .channel = in->channel,
		.jkn = in->card != NULL, .walkin = in->walkin, .priority = plan->priority, .status = "booked",
		.line_key = slot, .est_at = slot, .created_at = in->now, .start_min = s->start_min,
		.end_min = s->end_min, .doctor_code = s->doctor_code, .doctor_name = s->doctor_name,
	};
	if (!v->code || !v->label || !v->day)
		return fail_oom(fail);
	if (in->walkin) {
		int64_t stage;
		if (db_exec(c, "UPDATE q_visits SET status = 'checked_in', checkin_at = ? WHERE id = ?", "ii",
			    in->now, v->id) != DB_DONE)
			return fail_db(c, fail);
		v->status = "checked_in";
		v->checkin_at = in->now;
		if (enter_first_stage(c, v, v->line_key, in->now, &stage) != 0 ||
		    publish_line(ev, c, a, in->f, stage, "joined", v->label) != 0)
			return fail_db(c, fail);
	}
	json_t *details = json_pack("{s:s, s:s, s:s, s:s, s:s}", "facility", in->f->code, "service", in->s->code,
				    "date", in->date, "label", label, "channel", in->channel);
	rc = audit_append(c, in->actor, in->walkin ? "queue.walkin" : "queue.book",
			  arena_printf(a, "visit:%s", code), details);
	json_decref(details);
	return rc != 0 ? fail_db(c, fail) : 0;
}

/* ---- cancel and check-in ----------------------------------------------------------- */

/* The visit's open entry: DB_ROW with its id and status, DB_DONE, or < 0. */
static int open_entry(struct db_conn *c, struct arena *a, int64_t visit_id, int64_t *id, const char **status)
{
	struct db_stmt *st = db_query(c, "SELECT id, status FROM q_entries WHERE visit_id = ? AND "
					 "status IN ('waiting', 'called')", "i", visit_id);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*status = col_dup(a, st, 1);
	}
	db_done(st);
	return rc;
}

int queue_visit_cancel_rows(struct events *ev, struct db_conn *c, struct arena *a,
			    const struct facility *f, struct visit *v,
			    const char *reason, int64_t now, struct queue_fail *fail)
{
	int32_t today;
	int minute;
	queue_wib_split(now, &today, &minute);
	if (strcmp(v->status, "cancelled") == 0) {
		queue_fail_set(fail, 409, "cancelled", NULL, "this booking is already cancelled", "Antrean sudah dibatalkan");
		return -1;
	}
	if (v->poli_called_at || (strcmp(v->status, "booked") != 0 && strcmp(v->status, "checked_in") != 0)) {
		queue_fail_set(fail, 409, "conflict", NULL, "this visit has been served and can no longer be cancelled",
			       "Pasien sudah dilayani, antrean tidak dapat dibatalkan");
		return -1;
	}
	if (v->day_n < today) {
		queue_fail_set(fail, 409, "conflict", NULL, "this booking's date has passed",
			       "Tanggal periksa sudah lewat");
		return -1;
	}
	int64_t entry = 0;
	const char *entry_status = NULL;
	int rc = open_entry(c, a, v->id, &entry, &entry_status);
	if (rc < 0)
		return fail_db(c, fail);
	if (rc == DB_ROW && strcmp(entry_status, "called") == 0) {
		queue_fail_set(fail, 409, "conflict", NULL, "the patient is being served at a counter",
			       "Pasien sedang dilayani di loket");
		return -1;
	}
	/* The session's row (a no-op update locks it) before the visit's, the
	 * order a closure takes them in, so a cancellation and a closure never
	 * wait for each other both ways. */
	if (db_exec(c, "UPDATE q_sessions SET last_number = last_number WHERE id = ?", "i", v->session_id) != DB_DONE ||
	    db_exec(c, "UPDATE q_visits SET status = 'cancelled', note = ?, ended_at = ? WHERE id = ? AND "
		       "status IN ('booked', 'checked_in')", "sii", reason, now, v->id) != DB_DONE)
		return fail_db(c, fail);
	if (db_changes(c) != 1) {
		queue_fail_set(fail, 409, "conflict", NULL, "this booking changed meanwhile; reload it",
			       "Antrean berubah, silakan muat ulang");
		return -1;
	}
	if ((entry && db_exec(c, "UPDATE q_entries SET status = 'cancelled', finished_at = ? WHERE id = ?", "ii",
			      now, entry) != DB_DONE) ||
	    db_exec(c, give_back_sql[bucket_of(v->jkn, v->walkin)], "i", v->session_id) != DB_DONE ||
	    queue_visit_task(c, v->id, 99, now) != 0 ||
	    publish_line(ev, c, a, f, v->service_id, "cancelled", v->label) != 0)
		return fail_db(c, fail);
	v->status = "cancelled";
	v->note = reason;
	return 0;
}

int queue_visit_cancel_audit(struct db_conn *c, struct arena *a, const struct visit *v, const char *reason,
			     const struct caller *actor)
{
	json_t *details = json_pack("{s:s, s:s?}", "label", v->label, "reason", reason);
	int rc = audit_append(c, actor, "queue.cancel", arena_printf(a, "visit:%s", v->code), details);
	json_decref(details);
	return rc != 0 ? -1 : 0;
}

int queue_visit_cancel(struct events *ev, struct db_conn *c, struct arena *a, const struct facility *f, struct visit *v,
		       const char *reason, const struct caller *actor, int64_t now, struct queue_fail *fail)
{
	if (queue_visit_cancel_rows(ev, c, a, f, v, reason, now, fail) != 0)
		return -1;
	return queue_visit_cancel_audit(c, a, v, reason, actor) != 0 ? fail_db(c, fail) : 0;
}

static bool priority_reason_ok(const char *p)
{
	return strcmp(p, "elderly") == 0 || strcmp(p, "disabled") == 0 || strcmp(p, "pregnant") == 0;
}

int queue_visit_checkin(struct events *ev, struct db_conn *c, struct arena *a,
			const struct facility *f, struct visit *v,
			const char *priority, const struct caller *actor, int64_t now, bool *late,
			struct queue_fail *fail)
{
	int32_t today;
	int minute;
	char when[6];
	queue_wib_split(now, &today, &minute);
	*late = false;
	if (priority && !priority_reason_ok(priority)) {
		queue_fail_set(fail, 400, "invalid", "priority", "priority must be elderly, disabled or pregnant",
			       "Prioritas harus lansia, disabilitas atau ibu hamil");
		return -1;
	}
	if (strcmp(v->status, "booked") != 0) {
		/* The code is the contract, so a visit's status is not one:
		 * served and no-show visits answer the common conflict. */
		bool in = strcmp(v->status, "checked_in") == 0, cancelled = strcmp(v->status, "cancelled") == 0;
		queue_fail_set(fail, 409, in ? "already_checked_in" : cancelled ? "cancelled" : "conflict",
			       NULL, in ? "already checked in" : arena_printf(a, "this booking is %s", v->status),
			       in ? "Sudah check-in" : cancelled ? "Antrean sudah dibatalkan" : "Antrean sudah selesai");
		return -1;
	}
	if (v->day_n != today) {
		queue_fail_set(fail, 409, "not_today", NULL, arena_printf(a, "this booking is for %s", v->day),
			       arena_printf(a, "Antrean ini untuk tanggal %s", v->day));
		return -1;
	}
	int64_t start = queue_wib_epoch(v->day_n, v->start_min), end = queue_wib_epoch(v->day_n, v->end_min);
	if (now < start - (int64_t)f->checkin_early_min * 60) {
		queue_minute_format(v->start_min - f->checkin_early_min, when);
		queue_fail_set(fail, 409, "too_early", NULL, arena_printf(a, "check-in opens at %s WIB", when),
			       arena_printf(a, "Check-in dibuka pukul %s WIB", when));
		return -1;
	}
	if (now >= end) {
		queue_fail_set(fail, 409, "session_over", NULL, "this booking's session has ended",
			       "Jadwal praktek untuk antrean ini sudah selesai");
		return -1;
	}
	int64_t key = v->line_key;
	if (now > v->est_at + (int64_t)f->late_grace_min * 60) {
		char booked[6];
		int32_t d;
		int m;
		queue_wib_split(v->est_at, &d, &m);
		queue_minute_format(m, booked);
		if (f->late_refuse) {
			queue_fail_set(fail, 409, "late", NULL,
				       arena_printf(a, "too late: the booked time was %s WIB; please take a walk-in number", booked),
				       arena_printf(a, "Terlambat: jadwal Anda pukul %s WIB; silakan ambil nomor antrean langsung", booked));
			return -1;
		}
		/* Late: the end of the line as it stands. */
		int64_t stage, last;
		if (queue_registration_service(c, v->facility_id, &stage) != 0)
			return fail_db(c, fail);
		int rc = db_query_int(c, &last, "SELECT COALESCE(max(line_key), 0) FROM q_entries WHERE service_id = ? "
						"AND day = ? AND status = 'waiting'", "is", stage ? stage : v->service_id, v->day);
		if (rc != DB_ROW)
			return fail_db(c, fail);
		key = last + 1 > now ? last + 1 : now;
		*late = true;
	}
	if (priority)
		v->priority = priority;
	if (db_exec(c, "UPDATE q_visits SET status = 'checked_in', checkin_at = ?, line_key = ?, priority = ? "
		       "WHERE id = ? AND status = 'booked'", "iisi", now, key, v->priority, v->id) != DB_DONE)
		return fail_db(c, fail);
	if (db_changes(c) != 1) {
		queue_fail_set(fail, 409, "already_checked_in", NULL, "already checked in", "Sudah check-in");
		return -1;
	}
	v->status = "checked_in";
	v->checkin_at = now;
	v->line_key = key;
	int64_t stage;
	if (enter_first_stage(c, v, key, now, &stage) != 0 || publish_line(ev, c, a, f, stage, "joined", v->label) != 0)
		return fail_db(c, fail);
	json_t *details = json_pack("{s:s, s:b, s:s?}", "label", v->label, "late", *late, "priority", v->priority);
	int rc = audit_append(c, actor, "queue.checkin", arena_printf(a, "visit:%s", v->code), details);
	json_decref(details);
	return rc != 0 ? fail_db(c, fail) : 0;
}

/* ---- progress and the ticket ------------------------------------------------------- */

int queue_visit_progress(struct db_conn *c, struct arena *a, const struct visit *v, int64_t now,
			 struct progress *p)
{
	struct service s;
	int counters;
	memset(p, 0, sizeof(*p));
	if (queue_service_find_id(c, a, v->service_id, &s) != DB_ROW ||
	    queue_service_pace(c, &s, v->day, &p->average_s, &counters) != 0)
		return -1;
	if (queue_line_counts(c, a, v->service_id, v->day, 0, &p->total, &p->waiting, &p->called) != 0)
		return -1;
	bool in_line = !v->poli_called_at && (strcmp(v->status, "booked") == 0 || strcmp(v->status, "checked_in") == 0);
	if (in_line) {
		int64_t ahead;
		if (db_query_int(c, &ahead, "SELECT count(*) FROM q_visits WHERE service_id = ? AND day = ? AND "
					    "status IN ('booked', 'checked_in') AND poli_called_at IS NULL AND "
					    "(line_key < ? OR (line_key = ? AND id < ?))",
				 "isiii", v->service_id, v->day, v->line_key, v->line_key, v->id) != DB_ROW)
			return -1;
		p->ahead = (int)ahead;
		p->estimate = queue_estimate(now, queue_wib_epoch(v->day_n, v->start_min), p->ahead, p->average_s, counters);
	}
	struct db_stmt *st = db_query(c, "SELECT e.status, s.code, s.name, k.name FROM q_entries e"
					 " JOIN q_services s ON s.id = e.service_id"
					 " LEFT JOIN q_counters k ON k.entry_id = e.id"
					 " WHERE e.visit_id = ? AND e.status IN ('waiting', 'called')", "i", v->id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		p->entry_status = col_dup(a, st, 0);
		p->where = col_dup(a, st, 1);
		p->where_name = col_dup(a, st, 2);
		p->counter = col_dup(a, st, 3);
	}
	db_done(st);
	return rc < 0 ? -1 : 0;
}

/* The patients before a visit in its poli's line, counted from the nearer
 * end: from the front, or as the line's length (its sessions' counters,
 * those of queue_line_counts) less the patients behind it.  Both counts
 * are those of queue_visit_progress; the session's numbers tell which end
 * is nearer, so a patient late in a long line costs no more than an early
 * one. */
#define AHEAD_SQL \
	"CASE WHEN v.status NOT IN ('booked', 'checked_in') OR v.poli_called_at IS NOT NULL THEN 0" \
	" WHEN v.number * 2 <= x.last_number THEN" \
	" (SELECT count(*) FROM q_visits w WHERE w.service_id = v.service_id AND w.day = v.day AND" \
	" w.line_key <= v.line_key AND w.status IN ('booked', 'checked_in') AND w.poli_called_at IS NULL AND" \
	" (w.line_key < v.line_key OR w.id < v.id))" \
	" ELSE (SELECT COALESCE(sum(y.last_number - y.cancelled - y.called - y.gone), 0) FROM q_sessions y" \
	" WHERE y.day = v.day AND y.schedule_id IN (SELECT s.id FROM q_schedules s WHERE s.service_id = v.service_id))" \
	" - 1 -" \
	" (SELECT count(*) FROM q_visits w WHERE w.service_id = v.service_id AND w.day = v.day AND" \
	" w.line_key >= v.line_key AND w.status IN ('booked', 'checked_in') AND w.poli_called_at IS NULL AND" \
	" (w.line_key > v.line_key OR w.id > v.id)) END"

int queue_card_place(struct db_conn *c, struct arena *a, int64_t service_id, const char *day, const char *card,
		     const char **label, const char **note, int *ahead, const char **called)
{
	struct db_stmt *st = db_query(c,
		"SELECT v.label, v.note, " AHEAD_SQL ","
		" (SELECT l.called_label FROM q_lines l WHERE l.service_id = v.service_id AND l.day = v.day)"
		" FROM q_visits v JOIN q_sessions x ON x.id = v.session_id"
		" WHERE v.service_id = ? AND v.day = ? AND v.card = ? AND v.status <> 'cancelled'",
		"iss", service_id, day, card);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*label = col_dup(a, st, 0);
		*note = col_dup(a, st, 1);
		*ahead = (int)db_col_int(st, 2);
		*called = col_dup(a, st, 3);
		if (!*label)
			rc = DB_ERROR;
	}
	db_done(st);
	return rc;
}

/* The visit's JSON from what is known of it; tasks is stolen. */
static json_t *visit_json(struct arena *a, const struct facility *f, const struct service *s, const struct visit *v,
			  const int quota[4], const int left[4], json_t *tasks, const struct progress *p)
{
	char start[6], end[6], est[6];
	queue_minute_format(v->start_min, start);
	queue_minute_format(v->end_min, end);
	json_t *session = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)v->schedule_id, "start", start,
				    "end", end, "hours", arena_printf(a, "%s-%s", start, end));
	if (v->doctor_code)
		json_object_set_new(session, "doctor", json_pack("{s:s, s:s}", "code", v->doctor_code,
								 "name", v->doctor_name ? v->doctor_name : ""));
	json_t *j = json_pack("{s:s, s:s, s:i, s:s?, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:s, s:o,"
			      " s:b, s:b, s:s?, s:s, s:s?, s:s?, s:s?, s:s?}",
			      "code", v->code, "label", v->label, "number", v->number, "prefix", s->prefix,
			      "status", v->status,
			      "facility", "code", f->code, "name", f->name, "type", f->type,
			      "service", "code", s->code, "name", s->name,
			      "date", v->day, "session", session,
			      "jkn", v->jkn, "walkin", v->walkin, "priority", v->priority,
			      "created_at", queue_iso_time(a, v->created_at),
			      "checked_in_at", v->checkin_at ? queue_iso_time(a, v->checkin_at) : NULL,
			      "note", v->note, "nik", queue_nik_masked(a, v->nik), "channel", v->channel);
	if (!j) {
		json_decref(tasks);
		return NULL;
	}
	int32_t d;
	int m;
	queue_wib_split(v->est_at, &d, &m);
	queue_minute_format(m, est);
	json_object_set_new(j, "booked_time", json_string(est));
	json_object_set_new(j, "remaining", json_pack("{s:i, s:i, s:i, s:i}",
		"jkn_online", left[JKN_ONLINE], "jkn_walkin", left[JKN_WALKIN],
		"non_jkn_online", left[NON_ONLINE], "non_jkn_walkin", left[NON_WALKIN]));
	json_object_set_new(j, "quota", json_pack("{s:i, s:i, s:i, s:i}",
		"jkn_online", quota[JKN_ONLINE], "jkn_walkin", quota[JKN_WALKIN],
		"non_jkn_online", quota[NON_ONLINE], "non_jkn_walkin", quota[NON_WALKIN]));
	json_object_set_new(j, "tasks", tasks);
	if (!p) {
		json_object_set_new(j, "estimated_at", json_string(queue_iso_time(a, v->est_at)));
		json_object_set_new(j, "estimated_time", json_string(est));
	} else {
		json_t *line = json_pack("{s:i, s:i, s:s?, s:i}", "total", p->total, "waiting", p->waiting,
					 "called", p->called, "average_service_s", p->average_s);
		json_object_set_new(j, "line", line);
		if (p->estimate) {
			queue_wib_split(p->estimate, &d, &m);
			queue_minute_format(m, est);
			json_object_set_new(j, "ahead", json_integer(p->ahead));
			json_object_set_new(j, "estimated_at", json_string(queue_iso_time(a, p->estimate)));
			json_object_set_new(j, "estimated_time", json_string(est));
		}
		if (p->where)
			json_object_set_new(j, "now", json_pack("{s:s, s:s, s:s, s:s?}", "service", p->where,
								"service_name", p->where_name, "status", p->entry_status,
								"counter", p->counter));
	}
	return j;
}

json_t *queue_visit_json(struct db_conn *c, struct arena *a, const struct facility *f,
			 const struct visit *v, const struct progress *p)
{
	struct service s;
	int quota[4], left[4];
	if (queue_service_find_id(c, a, v->service_id, &s) != DB_ROW || queue_session_counts(c, v->session_id, quota, left) != 0)
		return NULL;
	json_t *tasks = json_object();
	struct db_stmt *st = db_query(c, "SELECT task, at FROM q_tasks WHERE visit_id = ? ORDER BY task", "i", v->id);
	int rc = st ? DB_ROW : DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW)
		json_object_set_new(tasks, arena_printf(a, "%d", (int)db_col_int(st, 0)),
				    json_string(queue_iso_time(a, db_col_int(st, 1))));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(tasks);
		return NULL;
	}
	return visit_json(a, f, &s, v, quota, left, tasks, p);
}

json_t *queue_visit_json_booked(struct arena *a, const struct facility *f, const struct service *s,
				const struct visit *v, const int quota[4], const int left[4],
				const struct progress *p)
{
	return visit_json(a, f, s, v, quota, left, json_object(), p);
}
