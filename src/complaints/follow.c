/* follow.c - following a public complaint: a signed-in citizen who did not
 * file it asks to be told of its state changes, through the same outbox
 * as the reporter (the topic complaint.followed), and may stop.
 *
 * Only public complaints are followed; one made confidential later tells
 * its followers nothing more.  Who follows is never shown to anyone.
 */
#include "internal.h"

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "util.h"

/* The complaint for a follower: 0 with v set, -1 replied. */
static int followable(struct req *r, struct case_ctx *x, struct complaint_view *v)
{
	if (complaint_view_open(r, x, req_param(r, "no"), v))
		return -1;
	if (v->cp.confidential)
		return reply_error_lang(r, 404, "not_found", "no complaint has this tracking number",
					"Tidak ada pengaduan dengan nomor ini.", NULL), -1;
	if (v->reporter)
		return reply_error_lang(r, 409, "conflict", "you filed this complaint: you are told of every change already",
					"Anda sendiri yang menyampaikan pengaduan ini: setiap perkembangannya sudah diberitahukan kepada Anda.",
					NULL), -1;
	return 0;
}

static int reply_following(struct req *r, bool following)
{
	return reply_json(r, 200, json_pack("{s:b}", "following", (int)following));
}

/* POST /api/complaints/{no}/follow */
int complaints_follow(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	char at[24];
	complaints_ctx(r, &x);
	if (followable(r, &x, &v))
		return 0;
	time_iso(x.now, at);
	if (db_exec(r->db, "INSERT INTO complaint_followers (case_id, user_id, created_at) VALUES (?, ?, ?) "
			   "ON CONFLICT (case_id, user_id) DO NOTHING", "iis", v.cs.id, r->caller.user_id, at) != DB_DONE ||
	    (db_changes(r->db) == 1 && audit_append(r->db, &r->caller, "complaint.follow",
						     arena_printf(r->arena, "case:%s", v.cs.tracking), NULL) != 0))
		return complaints_db_error(r);
	return reply_following(r, true);
}

/* DELETE /api/complaints/{no}/follow */
int complaints_unfollow(struct req *r)
{
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	if (complaint_view_open(r, &x, req_param(r, "no"), &v))
		return 0;
	if (db_exec(r->db, "DELETE FROM complaint_followers WHERE case_id = ? AND user_id = ?", "ii", v.cs.id,
		    r->caller.user_id) != DB_DONE ||
	    (db_changes(r->db) == 1 && audit_append(r->db, &r->caller, "complaint.unfollow",
						     arena_printf(r->arena, "case:%s", v.cs.tracking), NULL) != 0))
		return complaints_db_error(r);
	return reply_following(r, false);
}

int complaint_following(struct req *r, int64_t case_id, bool *following)
{
	int64_t n = 0;
	*following = false;
	if (!r->caller.user_id)
		return 0;
	if (db_query_int(r->db, &n, "SELECT count(*) FROM complaint_followers WHERE case_id = ? AND user_id = ?", "ii",
			 case_id, r->caller.user_id) != DB_ROW)
		return -1;
	*following = n > 0;
	return 0;
}

int complaints_notify_followers(struct case_ctx *x, const struct case_row *cs, const char *what, json_t *data)
{
	struct db_stmt *st = db_query(x->c, "SELECT f.user_id FROM complaint_followers f JOIN complaints p "
					    "ON p.case_id = f.case_id WHERE f.case_id = ? AND p.confidential = 0 "
					    "ORDER BY f.user_id", "i", cs->id);
	if (!st)
		return -1;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t *id = ARENA_PUSH(x->a, ids, n, cap);
		if (!id) {
			rc = DB_ERROR;
			break;
		}
		*id = db_col_int(st, 0);
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	if (!n)
		return 0;
	/* The notices are written after the read is done: one statement at a
	 * time on the connection. */
	json_t *d = json_deep_copy(data);
	json_object_set_new(d, "event", json_string(what));
	json_object_set_new(d, "state", json_string(cs->state));
	const char *link = arena_printf(x->a, "/complaints/case.html?no=%s", cs->tracking);
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = case_notify_user(x, cs, ids[i], NULL, "complaint.followed", link, d);
	json_decref(d);
	return rc;
}
