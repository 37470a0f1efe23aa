/* internal.h - what the files of the survey module share (not a public
 * header: other services use survey.h).
 *
 * Tables: survey_offers (one per finished transaction, with its link's
 * token hash), survey_codes (kiosk codes printed in batches),
 * survey_responses (one per offer or code, UNIQUE), survey_daily (integer
 * sums per unit, service and local day, kept by the writes themselves so
 * that figures read a few hundred rows whatever the number of responses),
 * survey_services, survey_wording, survey_followups, survey_rate.
 */
#ifndef PENDOPO_SURVEY_INTERNAL_H
#define PENDOPO_SURVEY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "can.h"
#include "http.h"
#include "survey.h"

struct app;

#define SURVEY_COMMENT_MAX 1000
#define SURVEY_SERVICE_MAX 32
#define SURVEY_WORDING_MAX 300
#define SURVEY_PLAN_MAX 4000

/* The nine elements: key, the regulation's sample question and its four
 * answers (scored 1 to 4 in this order), in Indonesian and English. */
struct survey_element {
	const char *key;
	const char *name_id, *name_en;
	const char *question_id, *question_en;
	const char *option_id[4], *option_en[4];
};
extern const struct survey_element survey_elements[SURVEY_ELEMENTS];

/* A unit's staff read its comments, print codes and write its follow-up
 * plan; admins and the regent's office oversee every unit. */
extern const struct action survey_staff;

struct survey_unit {
	int64_t id;
	const char *code, *name;
};

/* The unit named by the {unit} path parameter; on failure the reply is
 * set and -1 returned. */
int survey_path_unit(struct req *r, struct survey_unit *u);
/* The same, and the caller must be its staff (survey_staff). */
int survey_path_unit_staff(struct req *r, struct survey_unit *u);

/* The WIB local date of an epoch time, "YYYY-MM-DD". */
void survey_day(time_t t, char out[11]);

/* The questionnaire of a unit and service: the nine elements with the
 * unit's own wording where it set one.  NULL on a database error. */
json_t *survey_questions(struct req *r, int64_t unit_id, const char *service);

/* The unit's services that have offered surveys: [{code, name}]. */
json_t *survey_services_json(struct req *r, int64_t unit_id);

/* Sums of a unit (service NULL: all) over local days [from, to], and the
 * offers made then.  0 ok, -1 error. */
int survey_sums_read(struct db_conn *c, int64_t unit_id, const char *service, const char *from, const char *to,
		     struct survey_sums *s, int64_t *offers);

/* {respondents, transactions, sample_needed, representative, ikm, grade,
 * grade_name, ci, elements:[{key, nrr}], weakest:[keys]} */
json_t *survey_result_json(const struct survey_result *res);

/* The period of the query (?period=), or the current semester when absent;
 * on a bad one the reply is set and NULL returned.  from/to receive its days. */
const char *survey_query_period(struct req *r, char from[11], char to[11]);

/* handlers: respond.c */
int survey_link_get(struct req *r);
int survey_link_submit(struct req *r);
int survey_kiosk_get(struct req *r);
int survey_kiosk_submit(struct req *r);
int survey_codes_create(struct req *r);
/* report.c */
int survey_unit_get(struct req *r);
int survey_ranking(struct req *r);
int survey_report_csv(struct req *r);
int survey_comments(struct req *r);
int survey_followup_put(struct req *r);
int survey_wording_put(struct req *r);
/* pdf.c */
int survey_report_pdf(struct req *r);
/* publish.c */
void survey_publish(struct app *app);
/* seed.c: `pendopo seed survey` */
extern const struct command survey_commands[];

#endif
