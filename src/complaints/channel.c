/* channel.c - complaints brought by a messaging channel (the WhatsApp
 * intake in src/channels): the categories to choose from, filing for
 * someone without an account exactly as the web form files, and the state
 * of a complaint asked for by its number.  The channel never touches the
 * complaints' tables; it calls these (complaints.h).
 */
#include "complaints.h"
#include "internal.h"

#include <string.h>

#include "http.h"

int complaint_categories_choose(struct db_conn *c, struct arena *a, struct complaint_category_choice *out,
				size_t max)
{
	struct db_stmt *st = db_query(c, "SELECT code, name FROM complaint_categories WHERE active = 1"
					 " ORDER BY sort, name LIMIT ?", "i", (int64_t)max);
	if (!st)
		return -1;
	int n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		out[n].code = arena_strdup(a, db_col_text(st, 0));
		out[n].name = arena_strdup(a, db_col_text(st, 1));
		n++;
	}
	db_done(st);
	return rc == DB_DONE ? n : -1;
}

/* The refusal the submission path wrote into r, taken back out of it. */
static void take_refusal(struct req *r, const char **why, const char **field)
{
	json_t *e = json_object_get(r->reply, "error");
	const char *m = json_string_value(json_object_get(e, "message"));
	const char *f = json_string_value(json_object_get(e, "field"));
	*why = arena_strdup(r->arena, m ? m : "the complaint was refused");
	*field = f ? arena_strdup(r->arena, f) : NULL;
	json_decref(r->reply);
	r->reply = NULL;
	r->status = 0;
}

int complaint_intake_file(struct req *r, const struct complaint_intake *in, const char **tracking,
			  const char **key, const char **why, const char **field)
{
	struct submission s = {
		.kind = "complaint", .category = in->category, .description = in->description,
		.address = in->address, .village = in->village, .has_location = in->has_location,
		.lat = in->lat, .lon = in->lon, .anonymous = in->anonymous, .confidential = in->confidential,
		.name = in->name, .phone = in->phone, .channel = in->channel,
	};
	*why = *field = NULL;
	json_t *photos = NULL;
	if (in->photo) {
		const char *token;
		if (complaint_photo_record(r, in->photo, &token) != 0)
			return -1;
		photos = json_pack("[s]", token);
		s.photos = photos;
	}
	struct case_ctx x;
	struct complaint_view v;
	complaints_ctx(r, &x);
	int rc = complaint_submission_file(r, &x, &s, &v, key);
	json_decref(photos);
	if (rc != 0) {
		int server = r->status >= 500;
		take_refusal(r, why, field);
		return server ? -1 : 1;
	}
	json_decref(v.photos);
	*tracking = v.cs.tracking;
	return 0;
}

int complaint_intake_status(struct req *r, const char *tracking, const char *phone, const char **state)
{
	struct case_ctx x;
	struct case_row cs;
	struct complaint cp;
	if (!complaint_tracking_valid(tracking))
		return 1;
	complaints_ctx(r, &x);
	int rc = case_load(&x, &complaint_type, tracking, &cs);
	if (rc == 0)
		rc = complaint_load(&x, cs.id, &cp);
	if (rc != 0)
		return rc < 0 ? -1 : 1;
	if (cp.confidential && !(phone && cp.reporter_phone && strcmp(phone, cp.reporter_phone) == 0))
		return 1;
	*state = cs.state;
	return 0;
}
