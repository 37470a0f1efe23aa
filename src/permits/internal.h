/* internal.h - what the permit service's files share among themselves.
 * Other modules use permits.h only. */
#ifndef PENDOPO_PERMITS_INTERNAL_H
#define PENDOPO_PERMITS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "case/case.h"
#include "can.h"
#include "http.h"

extern const struct case_type permit_type;

/* Beyond the route table (can.h): admins and the regent's office oversee
 * every application; a unit's staff see the researchers expected in it. */
extern const struct action permits_oversee;
extern const struct action permits_unit_staff;
extern const struct action permits_sign;

#define TEXT_MAX 4000
#define LINE_MAX_CHARS 300
#define DOC_MAX_BYTES (10u * 1024 * 1024)
#define LOCATIONS_MAX 20
#define MEMBERS_MAX 10
#define INBOX_PAGE 50		/* applications per inbox page */

/* The documents of an application (specs §9), and the final report. */
struct permit_doc_kind {
	const char *kind;	/* "proposal" */
	bool image_ok;		/* a JPEG or PNG is as good as a PDF (the KTP) */
	bool required;		/* needed before submitting */
};
extern const struct permit_doc_kind permit_doc_kinds[];
#define PERMIT_DOCS_MAX 5	/* the kinds in permit_doc_kinds */
const struct permit_doc_kind *permit_doc_kind(const char *kind);

/* One application's own fields (permits row). */
struct permit {
	int64_t id;
	int64_t applicant_id;
	int64_t case_id;		/* 0: a draft */
	const char *id_kind, *id_number;	/* nik | passport */
	const char *name, *address, *village;	/* village: Kemendagri code of the address */
	const char *institution, *status, *supervisor;
	const char *title, *purpose, *scope, *method, *topic;
	const char *period_from, *period_until;	/* YYYY-MM-DD */
	const char *members;		/* JSON array of names, as stored */
	const char *intro_number, *intro_date, *intro_subject;
	const char *recommendation, *recommendation_note;
	int64_t letter_id;
	const char *refusal_reason;
	const char *report_sha, *report_at, *abstract;
	bool report_public;
	const char *created_at, *submitted_at;
};

/* Who is looking at an application, and what they may do. */
struct permit_view {
	struct permit p;
	struct case_row cs;		/* cs.id 0 for a draft */
	unsigned roles;			/* CASE_BY_* */
	bool applicant;
	bool staff;			/* handles it or oversees */
};

/* Settings (permit_settings), read once per request. */
struct permit_settings {
	const char *assess_unit;	/* Kesbangpol */
	const char *sign_unit;		/* whose head signs and in whose name the letter goes */
	const char *number_format;
	json_t *dasar;			/* arrays of lines (owned: json_decref) */
	json_t *conditions;
	json_t *copies;
	bool block_overdue_report;
	int report_days;		/* calendar days after the period to report */
};

/* ---- permits.c ----------------------------------------------------------------------------- */
int permits_db_error(struct req *r);
/* The case engine's refusal of a transition, as the answer. */
int permits_case_error(struct req *r, const struct case_error *e);
void permits_ctx(struct req *r, struct case_ctx *x);
int permit_load(struct req *r, int64_t id, struct permit *out);
/* Resolve the {id} of the path for the caller: 0 with v filled; -1 when a
 * reply was set (404 for what the caller may not see). */
int permit_view_open(struct req *r, struct case_ctx *x, struct permit_view *v);
json_t *permit_json(struct req *r, struct case_ctx *x, const struct permit_view *v);
/* {permit, timeline, clocks, actions, documents, letter}: the whole page. */
int permit_reply(struct req *r, struct case_ctx *x, struct permit_view *v, int status);
bool permit_text_ok(const char *s, bool multiline);
int permits_settings_load(struct req *r, struct permit_settings *s);
void permits_settings_release(struct permit_settings *s);
int permits_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data);
/* Today, WIB, YYYY-MM-DD. */
void permits_today(struct req *r, char out[11]);

/* ---- apply.c -------------------------------------------------------------------------------- */
int permits_create(struct req *r);
int permits_update(struct req *r);
int permits_document_put(struct req *r);
int permits_document_get(struct req *r);
int permits_submit(struct req *r);
/* 1 when the applicant has an issued permit whose report is overdue
 * today, 0 when not, -1 error. */
int permits_report_overdue(struct req *r, int64_t applicant_id);

/* ---- flow.c --------------------------------------------------------------------------------- */
int permits_get(struct req *r);
int permits_action(struct req *r);
int permits_letter_pdf(struct req *r);
int permits_report(struct req *r);

/* ---- lists.c -------------------------------------------------------------------------------- */
int permits_mine(struct req *r);
int permits_inbox(struct req *r);
int permits_expected(struct req *r);
int permits_overdue_reports(struct req *r);
int permits_library(struct req *r);
int permits_library_report(struct req *r);
int permits_stats(struct req *r);

/* ---- publish.c ------------------------------------------------------------------------------ */
/* The monthly statistics into Satu Data, when this hour's refresh is not
 * claimed yet (the tick). */
void permits_stats_publish(struct app *app);

/* ---- settings.c ----------------------------------------------------------------------------- */
int permits_settings_get(struct req *r);
int permits_settings_patch(struct req *r);
int permits_demo_load(struct app *app, struct db_conn *c);

#endif
