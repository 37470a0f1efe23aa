/* dispute.c - the dispute at the Information Commission (UU 14/2008 art.
 * 37-38, Perki 1/2013): after the Atasan PPID's answer, or after its 30
 * working days passed without one, the requester may take the matter to
 * the Komisi Informasi within 14 working days.  The Commission's work is
 * outside this system: the requester records that they filed (the day,
 * the Commission's registration number), staff record the outcome of
 * mediation or adjudication, and both show on the request, in the public
 * register and in the annual report.
 *
 * A filing after the 14 days is recorded and marked late rather than
 * refused: the Commission, not the agency, decides whether it is heard.
 */
#include "internal.h"

#include <string.h>

#include "arena.h"
#include "calendar.h"
#include "events.h"
#include "util.h"

/* What the Commission may end with; mediation_failed is a step on the way
 * to adjudication, every other outcome ends the dispute. */
static const char *const outcomes[] = {
	"mediation_failed", "mediation_agreed", "adjudication_granted", "adjudication_granted_in_part",
	"adjudication_rejected", "dismissed", "withdrawn", NULL,
};

static bool is_outcome(const char *s)
{
	for (int i = 0; s && outcomes[i]; i++)
		if (strcmp(outcomes[i], s) == 0)
			return true;
	return false;
}

static int refused(struct req *r, int status, const char *message, const char *pesan, const char *field)
{
	return reply_error_lang(r, status, status == 409 ? "conflict" : "invalid", message, pesan, field);
}

/* A day given as YYYY-MM-DD, not after today. */
static bool day_ok(const char *day, const char *today)
{
	int32_t d;
	return day && strlen(day) == 10 && date_parse(day, &d) == 0 && strcmp(day, today) <= 0;
}

json_t *inforeq_dispute_json(const struct inforeq *q)
{
	if (!q->dsp_filed_day)
		return json_null();
	return json_pack("{s:s, s:s, s:b, s:s?, s:s?, s:s?}", "filed_day", q->dsp_filed_day, "registration_number",
			 q->dsp_number, "filed_late", (int)q->dsp_filed_late, "outcome", q->dsp_outcome, "outcome_day",
			 q->dsp_outcome_day, "outcome_text", q->dsp_outcome_text);
}

/* The step on the request's public topic (the register page follows it),
 * then the request as its page shows it. */
static int after_change(struct req *r, struct case_ctx *x, struct inforeq_view *v, const char *what, int status)
{
	json_t *payload = json_pack("{s:s, s:s, s:s}", "ref", v->cs.tracking, "state", v->cs.state, "action", what);
	int rc = events_publish(x->events, x->c, arena_printf(r->arena, "public/inforeq/%s", v->cs.tracking), payload);
	json_decref(payload);
	if (rc != 0)
		return reply_db_error(r);
	if (inforeq_load(r, v->cs.id, &v->q) != 0)
		return reply_db_error(r);
	return inforeq_reply(r, x, v, status);
}

/* POST /api/inforeq/{no}/dispute {filed_day, registration_number} */
int inforeq_dispute_file(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	if (!v.requester)
		return reply_error(r, 403, "forbidden", "the requester records taking the matter to the Commission", NULL);
	if (v.q.dsp_filed_day)
		return refused(r, 409, "the dispute at the Information Commission is recorded already",
			       "Sengketa ke Komisi Informasi sudah dicatat.", NULL);
	json_t *d = inforeq_deadlines(r, &x, &v);
	if (!d)
		return reply_db_error(r);
	const char *from = arena_strdup(r->arena, json_string_value(json_object_get(d, "commission_from")));
	const char *by = arena_strdup(r->arena, json_string_value(json_object_get(d, "commission_by")));
	const char *today = arena_strdup(r->arena, json_string_value(json_object_get(d, "today")));
	json_decref(d);
	if (!from)
		return refused(r, 409, "the Information Commission comes after the Atasan PPID's answer to an objection, "
			       "or after its 30 working days (UU 14/2008 art. 37)", "Sengketa ke Komisi Informasi diajukan "
			       "setelah tanggapan Atasan PPID atas keberatan, atau setelah 30 hari kerja tanpa tanggapan.",
			       NULL);
	const char *day = body_str(r, "filed_day"), *number = body_str(r, "registration_number");
	if (!day_ok(day, today) || strcmp(day, from) < 0)
		return refused(r, 400, arena_printf(r->arena, "filed_day is a date from %s to today", from),
			       arena_printf(r->arena, "Tanggal pengajuan antara %s dan hari ini.", from), "filed_day");
	if (!inforeq_text_ok(number, false))
		return refused(r, 400, "registration_number is the Commission's register number of the dispute",
			       "Isi nomor registrasi sengketa dari Komisi Informasi.", "registration_number");
	bool late = by && strcmp(day, by) > 0;
	char now[24];
	time_iso(x.now, now);
	if (db_exec(r->db, "INSERT INTO inforeq_disputes (request_id, filed_day, registration_number, filed_late,"
			   " created_at) VALUES (?, ?, ?, ?, ?)", "issbs", v.q.id, day, number, (int)late, now) != DB_DONE)
		return reply_db_error(r);
	json_t *data = json_pack("{s:s, s:s, s:b}", "filed_day", day, "registration_number", number, "late", (int)late);
	int rc = case_event(&x, &v.cs, "commission_filed", v.roles, CASE_PUBLIC, NULL, CASE_PUBLIC, data);
	json_decref(data);
	if (rc != 0)
		return reply_db_error(r);
	return after_change(r, &x, &v, "commission_filed", 201);
}

/* POST /api/inforeq/{no}/dispute/outcome {outcome, day, text?}: by staff
 * who see the request (the PPID, the Atasan's unit, the PPID Utama). */
int inforeq_dispute_outcome(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	if (!v.staff)
		return reply_error(r, 403, "forbidden", "the PPID records the Commission's outcome", NULL);
	if (!v.q.dsp_filed_day)
		return refused(r, 409, "no dispute at the Information Commission is recorded for this request",
			       "Belum ada sengketa ke Komisi Informasi untuk permohonan ini.", NULL);
	if (v.q.dsp_outcome && strcmp(v.q.dsp_outcome, "mediation_failed") != 0)
		return refused(r, 409, "the dispute has ended already", "Sengketa sudah selesai.", NULL);
	const char *outcome = body_str(r, "outcome"), *day = body_str(r, "day"), *text = body_str(r, "text");
	if (!is_outcome(outcome))
		return refused(r, 400, "outcome is mediation_failed, mediation_agreed, adjudication_granted, "
			       "adjudication_granted_in_part, adjudication_rejected, dismissed or withdrawn",
			       "Pilih hasil penyelesaian sengketa.", "outcome");
	char today[11];
	case_day_text(x.now, today);
	const char *since = v.q.dsp_outcome_day ? v.q.dsp_outcome_day : v.q.dsp_filed_day;
	if (!day_ok(day, today) || strcmp(day, since) < 0)
		return refused(r, 400, arena_printf(r->arena, "day is a date from %s to today", since),
			       arena_printf(r->arena, "Tanggal antara %s dan hari ini.", since), "day");
	if (text && *text && !inforeq_text_ok(text, true))
		return refused(r, 400, "text must be readable text", "Teks tidak valid.", "text");
	if (text && !*text)
		text = NULL;
	if (db_exec(r->db, "UPDATE inforeq_disputes SET outcome = ?, outcome_day = ?, outcome_text = ? WHERE request_id = ?",
		    "sssi", outcome, day, text, v.q.id) != DB_DONE)
		return reply_db_error(r);
	/* The outcome is public; the officer's summary is for the requester. */
	json_t *data = json_pack("{s:s, s:s}", "outcome", outcome, "day", day);
	int rc = case_event(&x, &v.cs, "commission_outcome", v.roles, CASE_PUBLIC, text, CASE_REPORTER, data);
	json_decref(data);
	if (rc != 0)
		return reply_db_error(r);
	return after_change(r, &x, &v, "commission_outcome", 200);
}
