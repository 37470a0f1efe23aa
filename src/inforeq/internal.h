/* internal.h - what the PPID service's files share among themselves.
 * Other modules use inforeq.h only. */
#ifndef PENDOPO_INFOREQ_INTERNAL_H
#define PENDOPO_INFOREQ_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "case/case.h"
#include "can.h"
#include "http.h"

extern const struct case_type inforeq_type;

/* Admins and the regent's office oversee every request. */
extern const struct action inforeq_oversee;
/* The Atasan PPID is the head of its unit: officers there prepare, the
 * head answers an objection. */
extern const struct action inforeq_atasan;
/* Admins set the PPID structure. */
extern const struct action inforeq_configure;
/* A PPID Pelaksana keeps its agency's public information list. */
extern const struct action inforeq_unit_staff;

/* The regency's PPID structure (Perbup on PPID) is a setting
 * (settings.c): the PPID Utama (the case type's desk, re-routes) defaults
 * to Dinkominfo, the Atasan PPID (answers objections) to the Sekretariat
 * Daerah. */
#define INFOREQ_UTAMA_DEFAULT "DINKOMINFO"
#define INFOREQ_ATASAN_DEFAULT "SETDA"
#define INFOREQ_NUMBER_FORMAT "000.5/{seq:3}/PPID-{unit}/{year}"

#define TEXT_MAX 4000
#define DOC_MAX_BYTES (10u * 1024 * 1024)
#define OBJECTION_DAYS 30	/* art. 36(1): to file; art. 36(2): to answer */
#define COMMISSION_DAYS 14	/* art. 37(2): to take it to the Commission */

/* UU 14/2008 article 17 a-j and article 35(1) a-g, by letter. */
const char *inforeq_exemption(const char *letter);	/* its name, or NULL */
const char *inforeq_objection_ground(const char *letter);
extern const char *const inforeq_exemption_letters[];

/* One request's own fields (inforeq_requests row). */
struct inforeq {
	int64_t id, case_id, agency_id;
	const char *requester_kind;	/* person | entity */
	const char *name, *nik, *deed_number, *address, *phone, *email;
	const char *information, *purpose, *obtain, *delivery;
	const char *answer, *answer_text, *ground, *consequence_test, *answered_day;
	bool answered_late;
	const char *extension_reason;
	int64_t letter_id;
	const char *received_day;
	/* the objection, if filed */
	const char *obj_grounds, *obj_statement, *obj_filed_day;
	const char *obj_decision, *obj_decision_text, *obj_decided_day;
	int64_t obj_letter_id;	/* the Atasan's written answer, 0: none */
	/* the dispute at the Information Commission, if recorded */
	const char *dsp_filed_day, *dsp_number, *dsp_outcome, *dsp_outcome_day, *dsp_outcome_text;
	bool dsp_filed_late;
};

/* Who is looking at a request. */
struct inforeq_view {
	struct inforeq q;
	struct case_row cs;
	unsigned roles;		/* CASE_BY_* */
	bool requester;
	bool staff;		/* handles it or oversees */
};

/* ---- inforeq.c -------------------------------------------------------------------------------- */
void inforeq_ctx(struct req *r, struct case_ctx *x);
bool inforeq_text_ok(const char *s, bool multiline);
int inforeq_load(struct req *r, int64_t case_id, struct inforeq *out);
/* Resolve {no} for the caller (account, X-Case-Key, staff): 0 with v
 * filled; -1 when a reply was set (404 for what the caller may not see). */
int inforeq_view_open(struct req *r, struct case_ctx *x, struct inforeq_view *v);
/* {request, timeline, clocks, deadlines, actions, documents, objection,
 * notice, viewer}: the whole page. */
int inforeq_reply(struct req *r, struct case_ctx *x, struct inforeq_view *v, int status);
int inforeq_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data);
/* The case engine's refusal of a transition, as the answer. */
int inforeq_case_error(struct req *r, const struct case_error *e);
/* The unit id of a unit code setting that must exist: 0, or -1 with a reply. */
int inforeq_unit_of(struct req *r, const char *code, int64_t *id);

/* ---- deadlines.c ------------------------------------------------------------------------------ */
/* Every clock of a request, computed from today's holidays:
 * {answer_due, extended, answered, answered_late, objection_from,
 * objection_by, objection_may, objection_answer_due, commission_from, commission_by, today}. */
json_t *inforeq_deadlines(struct req *r, struct case_ctx *x, const struct inforeq_view *v);
/* The article 35 ground the system sees itself: "c" (not answered in
 * time), "g" (answered late), or ""; NULL on a database error. */
const char *inforeq_detected_grounds(struct req *r, struct case_ctx *x, const struct inforeq_view *v);

struct letter_layout;
/* A PPID letter (the written notice, the Atasan's answer) numbered in the
 * unit's one PPID register, signed, for the requester: 0 with *letter_id,
 * or -1 with a reply set. */
int inforeq_letter_issue(struct req *r, const struct inforeq_view *v, int64_t unit_id, const char *kind,
			 const char *subject, const struct letter_layout *layout, json_t *fields, int64_t *letter_id);

/* ---- links.c ---------------------------------------------------------------------------------- */
int inforeq_document_get(struct req *r);
int inforeq_notice_pdf(struct req *r);
int inforeq_objection_pdf(struct req *r);
int inforeq_link_create(struct req *r);
int inforeq_file_get(struct req *r);
/* Expired download links out, from the tick. */
void inforeq_links_prune(struct app *app);

/* ---- settings.c ------------------------------------------------------------------------------- */
/* The Atasan PPID's unit code (the setting, or SETDA): 0, -1 on a database
 * error. */
int inforeq_atasan_code(struct req *r, const char **code);
int inforeq_settings_get(struct req *r);
int inforeq_settings_patch(struct req *r);

/* ---- dispute.c -------------------------------------------------------------------------------- */
/* POST /api/inforeq/{no}/dispute and .../dispute/outcome. */
int inforeq_dispute_file(struct req *r);
int inforeq_dispute_outcome(struct req *r);
/* The dispute for the request page and the register, or json null. */
json_t *inforeq_dispute_json(const struct inforeq *q);

/* ---- request.c -------------------------------------------------------------------------------- */
int inforeq_submit(struct req *r);

/* ---- flow.c ----------------------------------------------------------------------------------- */
int inforeq_get(struct req *r);
int inforeq_action(struct req *r);
int inforeq_document_put(struct req *r);

/* ---- objection.c ------------------------------------------------------------------------------ */
/* POST .../actions/object and .../actions/decide_objection, from flow.c. */
int inforeq_object(struct req *r, struct case_ctx *x, struct inforeq_view *v);
int inforeq_decide_objection(struct req *r, struct case_ctx *x, struct inforeq_view *v);

/* ---- lists.c ---------------------------------------------------------------------------------- */
int inforeq_mine(struct req *r);
int inforeq_inbox(struct req *r);
int inforeq_register(struct req *r);
int inforeq_register_entry(struct req *r);

/* ---- dip.c ------------------------------------------------------------------------------------ */
int inforeq_dip_list(struct req *r);
int inforeq_dip_create(struct req *r);
int inforeq_dip_document_put(struct req *r);
int inforeq_dip_document_get(struct req *r);

/* ---- report.c --------------------------------------------------------------------------------- */
/* One agency's (or the regency's) figures of a year. */
struct inforeq_figures {
	int64_t agency_id;
	int64_t received, granted, granted_in_part, refused, answered, on_time, days_sum;
	int64_t by_ground[10];
	int64_t objections, upheld, rejected;
	int64_t disputes, dsp_mediated, dsp_granted, dsp_rejected, dsp_ended;
};
int inforeq_report(struct req *r);
/* The annual figures into Satu Data when this hour's refresh is unclaimed. */
void inforeq_report_publish(struct app *app);

/* ---- report_pdf.c ------------------------------------------------------------------------------- */
/* The printable annual report (Perki 1/2010 art. 12) of the year's
 * figures f[0..n) by agency and their total; of one agency when
 * agency_id is not 0. */
int inforeq_report_pdf(struct req *r, struct case_ctx *x, int year, int64_t agency_id,
		       const struct inforeq_figures *f, size_t n, const struct inforeq_figures *total);

/* ---- demo.c ----------------------------------------------------------------------------------- */
int inforeq_demo_load(struct app *app, struct db_conn *c);

#endif
