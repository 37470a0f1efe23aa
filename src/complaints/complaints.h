/* complaints.h - Matur Bupati: complaints and aspirations to the Regent.
 *
 * Citizens file a complaint or an aspiration (web form, JSON API, Open311
 * GeoReport v2 at /open311/v2/), the desk verifies and hands it to an OPD,
 * the OPD answers within working-day deadlines, and the reporter replies,
 * reopens or rates.  Non-confidential cases are public without their
 * reporter; confidential ones never leave the people handling them.  The
 * flow is a case type of the case engine (src/case/case.h).
 */
#ifndef PENDOPO_COMPLAINTS_H
#define PENDOPO_COMPLAINTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "module.h"

struct app;

extern const struct module complaints_module;
extern const struct module open311_module;

/* `pendopo seed complaints N`: N historical complaints spread over the
 * last two years, in one transaction with prepared inserts, for
 * benchmarks and demos (marked demo).  Loads the demo categories (and the
 * demo organisation tree they route to) first.  0 ok, -1 with a message on
 * stderr. */
int complaints_seed(struct app *app, struct db_conn *c, long n);

/* The public statistics kept ready per year, made by main.c for
 * app->complaint_stats; without it they are built at every request. */
struct complaint_stats;
struct complaint_stats *complaint_stats_new(void);
void complaint_stats_free(struct complaint_stats *s);

/* The figures of the Regent's dashboard (overview.c): {month, today,
 * this_month, last_month, last_month_to_date, open, overdue,
 * answered_this_month (of those opened this month), answered_on_time_share,
 * overdue_by_unit: [{code, name, count}], top_categories: [{code, name,
 * count}], open_by_district: [{kode, name, count}]}; NULL on a database
 * error.  Text in a. */
struct arena;
json_t *complaints_overview(struct app *app, struct db_conn *c, struct arena *a);

/* ---- complaints brought by a messaging channel (WhatsApp intake) ---- */

struct req;

/* Active categories for a picker, in the console's order: up to max, each
 * code and name (Indonesian) in a.  Their number, or -1 on a database error. */
struct complaint_category_choice {
	const char *code, *name;
};
int complaint_categories_choose(struct db_conn *c, struct arena *a, struct complaint_category_choice *out,
				size_t max);

/* A photo made again from what was sent (decoded and encoded: no
 * metadata, no image bombs) and kept as a file, before any transaction:
 * the web upload and the channels make theirs here. */
struct complaint_photo {
	const char *sha, *mime;
	size_t len;
};
/* 0 made; 1 refused, with why in English (en) and Indonesian (id); -2 the
 * file could not be kept; -1 out of memory. */
int complaint_photo_make(struct req *r, const void *bytes, size_t n, struct complaint_photo *p,
			 const char **en, const char **id);

/* A complaint told through a channel by someone without an account. */
struct complaint_intake {
	const char *channel;		/* "whatsapp" */
	const char *category;		/* a code from complaint_categories_choose() */
	const char *description;
	const char *village;		/* Kemendagri code, or NULL */
	const char *address;		/* or NULL */
	bool has_location;
	double lat, lon;
	bool anonymous, confidential;
	const char *name, *phone;	/* the sender's, phone as +62..., either NULL */
	const struct complaint_photo *photo;	/* made by complaint_photo_make(), or NULL */
};

/* File it in r's transaction, as the web form would (routing, deadlines,
 * notices: later notices go to the phone).  0 with the tracking number and
 * the follow-up key in r->arena; 1 when refused, with why (English) and
 * the field - r's reply stays unset; -1 on a database or storage error. */
int complaint_intake_file(struct req *r, const struct complaint_intake *in, const char **tracking,
			  const char **key, const char **why, const char **field);

/* The state of a complaint for someone asking by its number ("submitted",
 * "in_progress", "answered", "closed", "rejected"): 0 with state; 1 when
 * there is none the asker may know of (a confidential one is told only to
 * the phone that filed it); -1 on a database error. */
int complaint_intake_status(struct req *r, const char *tracking, const char *phone, const char **state);

#endif
