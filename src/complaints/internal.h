/* internal.h - what the complaints service's files share among themselves.
 * Other modules use complaints.h only. */
#ifndef PENDOPO_COMPLAINTS_INTERNAL_H
#define PENDOPO_COMPLAINTS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "case/case.h"
#include "complaints.h"
#include "can.h"
#include "http.h"

extern const struct case_type complaint_type;

/* Who may do what with complaints beyond what the route table says
 * (can.h): the desk's staff see reporters' identities and every unit's
 * inbox; admins and the regent's office oversee every complaint; a unit's
 * staff keep its templates and list its people. */
extern const struct action complaints_desk;
extern const struct action complaints_oversee;
extern const struct action complaints_settings;
extern const struct action complaints_unit_work;

#define DESCRIPTION_MAX 4000
#define ADDRESS_MAX 500
#define NAME_MAX_CHARS 200
#define PHOTO_MAX_BYTES (5u * 1024 * 1024)
#define PHOTOS_MAX 5
#define NEARBY_METRES 250.0
#define PAGE_SIZE_MAX 100

/* One complaint's own fields (complaints row and its category). */
struct complaint {
	int64_t case_id;
	const char *kind;		/* complaint | aspiration */
	int64_t category_id;
	const char *category, *category_name, *category_name_en;
	bool sensitive;
	const char *description;
	bool has_location;
	double lat, lon;
	const char *address;
	const char *village, *district;	/* Kemendagri codes, or NULL */
	const char *village_name;	/* when known; NULL: looked up */
	const char *district_name;	/* likewise */
	bool anonymous, confidential;
	const char *reporter_name, *reporter_email, *reporter_phone;
	const char *channel;		/* web | api | open311 */
	const char *media_url;
	int64_t route_unit_id;		/* suggested OPD, 0: none */
	int64_t supporters;
	int rating;			/* 0: not rated */
	bool satisfied;
	const char *rating_comment, *rated_at;
	const char *duplicate_of;
	const char *created_day;
};

/* The public statistics kept ready per year (stats_cache.c): the stamps
 * they were built under, read in the request's snapshot before them. */
struct stats_stamp {
	int64_t cases, own;
};
int complaint_stats_stamp(struct req *r, struct stats_stamp *st);
/* The year's figures as JSON text copied into a, or NULL: none fresh. */
const char *complaint_stats_get(struct app *app, struct arena *a, long year, const struct stats_stamp *st,
				size_t *len);
/* until: the time (ISO-8601 UTC) they stop holding, "" never. */
void complaint_stats_put(struct app *app, long year, const struct stats_stamp *st, const char *until,
			 const char *json, size_t len);

/* Who is looking at a case, and what they may see. */
struct complaint_view {
	struct case_row cs;
	struct complaint cp;
	unsigned roles;			/* CASE_BY_* */
	bool reporter;			/* filed it (account or secret key) */
	bool staff;			/* handles it, or reads everything */
	bool see_identity;		/* may see the reporter's name and contact */
	enum case_visibility level;
	json_t *photos;			/* the attachments when known (a case just
					 * filed), or NULL to read them */
};

/* ---- complaints.c -------------------------------------------------------------- */
int complaints_db_error(struct req *r);
void complaints_ctx(struct req *r, struct case_ctx *x);
int complaint_load(struct case_ctx *x, int64_t case_id, struct complaint *out);
/* Resolve tracking for the caller: 0 with v filled; -1 when a reply was
 * set (404 for what the caller may not know exists, 403 for staff outside
 * the case's units on confidential cases). */
int complaint_view_open(struct req *r, struct case_ctx *x, const char *tracking, struct complaint_view *v);
/* A tracking number's shape: XX-YYYY-NNNNNN. */
bool complaint_tracking_valid(const char *s);
/* One line or paragraphs of text, not blank, no control characters other
 * than newline and tab. */
bool complaint_text_ok(const char *s, bool multiline);
/* The district code (33.03.01) of a village code, copied into a. */
const char *complaint_district_of(struct arena *a, const char *village);
/* {kode, nama} of a region, or null. */
json_t *complaint_region_json(struct req *r, const char *kode);
/* Is the reporter (user, or X-Case-Key header) the one who filed cs? */
bool complaint_caller_is_reporter(struct req *r, struct case_ctx *x, const struct case_row *cs);
/* The case type's notify hook: who hears of each change (complaints.c). */
int complaints_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data);

/* ---- submit.c ------------------------------------------------------------------------ */
struct submission {
	const char *kind, *category, *description, *address, *village;
	bool has_location;
	double lat, lon;
	int anonymous, confidential;	/* -1: not given (category default) */
	const char *name, *email, *phone;
	const char *channel;
	const char *media_url;
	json_t *photos;			/* array of upload ids, or NULL */
	const char *token;		/* Open311 token, or NULL */
};
/* What checking a submission found, for writing it. */
struct filing {
	int64_t category_id;
	bool sensitive;
	const char *category_name, *category_name_en;
	const char *village_name;
	const char *district, *district_name;
	const char *phone;		/* the reporter's, in E.164 */
	int64_t route;			/* suggested OPD, 0: none */
};
/* Check a submission, reading only.  0 with f filled; -1 when a 4xx/5xx
 * reply was set. */
int complaint_submission_check(struct req *r, const struct submission *s, struct filing *f);
/* File a checked submission in the caller's transaction, audited last.
 * 0 with v->cs, v->cp, v->photos (the caller's to json_decref) and *secret
 * (the plain follow-up key, or NULL for account holders) set; -1 when a
 * reply was set (a photo already used, a database error). */
int complaint_submission_write(struct req *r, struct case_ctx *x, const struct submission *s,
			       const struct filing *f, struct complaint_view *v, const char **secret);
/* Both, in the request's transaction (Open311). */
int complaint_submission_file(struct req *r, struct case_ctx *x, const struct submission *s,
			      struct complaint_view *v, const char **secret);
int complaints_submit(struct req *r);
int complaints_photo_upload(struct req *r);
/* The upload row of a photo made by complaint_photo_make(), in the
 * caller's transaction (audited): the id a submission's photos name.
 * 0, or -1 on a database error. */
int complaint_photo_record(struct req *r, const struct complaint_photo *p, const char **token);
int complaints_nearby(struct req *r);
int complaints_support(struct req *r);

/* ---- follow.c --------------------------------------------------------------------------- */
int complaints_follow(struct req *r);
int complaints_unfollow(struct req *r);
/* Whether the signed-in caller follows the case (false for a visitor).
 * 0, or -1 on a database error. */
int complaint_following(struct req *r, int64_t case_id, bool *following);
/* A state change (what: "answered", ...) told to the complaint's
 * followers, in the change's transaction; nothing when it is confidential.
 * 0, or -1 on a database error. */
int complaints_notify_followers(struct case_ctx *x, const struct case_row *cs, const char *what, json_t *data);
/* Routing: the unit a category (and district) goes to, 0 when none. */
int complaint_route_for(struct db_conn *c, int64_t category_id, const char *district, int64_t *unit_id);

/* ---- cases.c --------------------------------------------------------------------------- */
int complaints_get(struct req *r);
int complaints_action(struct req *r);
int complaints_message(struct req *r);
int complaints_assign(struct req *r);
int complaints_rate(struct req *r);
int complaints_patch(struct req *r);
int complaints_photo_get(struct req *r);
json_t *complaint_json(struct req *r, struct case_ctx *x, const struct complaint_view *v);

/* ---- lists.c ------------------------------------------------------------------------------ */
int complaints_list(struct req *r);
int complaints_map(struct req *r);
int complaints_stats(struct req *r);
int complaints_inbox(struct req *r);
int complaints_mine(struct req *r);

/* ---- admin.c ------------------------------------------------------------------------------ */
int complaints_categories(struct req *r);
int complaints_category_create(struct req *r);
int complaints_category_update(struct req *r);
int complaints_settings_get(struct req *r);
int complaints_settings_patch(struct req *r);
int complaints_templates(struct req *r);
int complaints_template_create(struct req *r);
int complaints_template_update(struct req *r);
int complaints_template_delete(struct req *r);
int complaints_staff(struct req *r);
int complaints_demo_categories(struct app *app, struct db_conn *c);

/* ---- publish.c ---------------------------------------------------------------------------- */
/* The monthly statistics into Satu Data, when this hour's refresh is not
 * claimed yet (the tick). */
void complaints_stats_publish(struct app *app);

#endif
