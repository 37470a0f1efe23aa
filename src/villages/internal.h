/* internal.h - what the village service's files share among themselves.
 * Other modules use villages.h only. */
#ifndef PENDOPO_VILLAGES_INTERNAL_H
#define PENDOPO_VILLAGES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "case/case.h"
#include "can.h"
#include "http.h"

extern const struct case_type village_letter_type;

/* Scoped actions (can.h): operators edit their own village, heads approve
 * its letters, admins and the regent's office oversee all villages. */
extern const struct action villages_edit;
extern const struct action villages_handle;
extern const struct action villages_approve;
extern const struct action villages_oversee;

#define TEXT_MAX 4000
#define POST_MAX 20000
#define ATTACHMENT_MAX_BYTES (5u * 1024 * 1024)
/* A village's gallery: how many photos, how large each upload. */
#define GALLERY_MAX 30
#define GALLERY_PHOTO_MAX_BYTES (8u * 1024 * 1024)
#define CAPTION_MAX 300

/* A village of this regency, as the register names it. */
struct village {
	const char *kode, *nama;
	const char *district, *district_nama;
};

/* ---- villages.c ---------------------------------------------------------------- */
/* The {kode} of the path as a village of the configured regency: 0 with v
 * filled, -1 with a 404 set. */
int village_open(struct req *r, struct village *v);
/* Every village of the regency, district by district, in code order. */
int villages_all(struct app *app, struct db_conn *c, struct arena *a, struct village **out, size_t *n);
/* May the caller edit village kode (its operators, admins)? */
bool village_may_edit(const struct req *r, const char *kode);
void villages_ctx(struct req *r, struct case_ctx *x);
/* The case engine's refusal of a transition, as the answer. */
int villages_case_error(struct req *r, const struct case_error *e);
bool village_text_ok(const char *s, bool multiline);
/* The village's code without dots, as letter numbers carry it (3303012001). */
const char *village_code_digits(struct arena *a, const char *kode);
/* Today (WIB) as YYYY-MM-DD, and the year. */
void villages_today(struct app *app, char out[11], int *year);
int villages_notify(struct case_ctx *x, const struct case_row *cs, const char *topic, json_t *data);

/* ---- spaces.c ------------------------------------------------------------------ */
int villages_list(struct req *r);
int villages_get(struct req *r);
int villages_profile_patch(struct req *r);

/* ---- page_cache.c --------------------------------------------------------------- */
/* Marks the public page of kode changed, in the caller's transaction: every
 * write that changes what GET /api/villages/{kode} shows calls it.  0 or -1. */
int villages_page_changed(struct req *r, const char *kode);
/* What a kept page must match: the village's version (0: never changed)
 * and Satu Data's stamp, as the caller's snapshot sees them. */
struct page_version {
	int64_t village, data;
};
int villages_page_version(struct req *r, const char *kode, struct page_version *pv);
/* The kept page of kode at pv, copied into a, or NULL; and keeping one. */
const char *village_page_get(struct app *app, struct arena *a, const char *kode, const struct page_version *pv,
			     size_t *len);
void village_page_put(struct app *app, const char *kode, const struct page_version *pv, const char *json, size_t len);

/* ---- markdown.c ---------------------------------------------------------------- */
/* Markdown rendered to HTML that is safe to put in a page: raw HTML is
 * dropped and javascript:/vbscript:/file:/data: links are emptied (cmark's
 * safe mode).  In a; NULL when out of memory. */
const char *markdown_html(struct arena *a, const char *md);

/* ---- news.c -------------------------------------------------------------------- */
int villages_posts_list(struct req *r);
int villages_post_create(struct req *r);
int villages_post_get(struct req *r);
int villages_post_patch(struct req *r);
int villages_post_delete(struct req *r);
/* [{id, kind, title, published_at}] of the newest n posts. */
json_t *villages_posts_latest(struct req *r, const char *kode, int n);

/* ---- budget.c ------------------------------------------------------------------ */
int villages_budget_get(struct req *r);
int villages_budget_put(struct req *r);
int villages_budget_import(struct req *r);
int villages_budget_csv(struct req *r);
int villages_budget_publish(struct req *r);
/* [{year, published}] of the village's budgets, newest first. */
json_t *villages_budget_years(struct req *r, const char *kode, bool published_only);

/* ---- gallery.c ----------------------------------------------------------------- */
/* [{id, caption, mime, size, created_at, url}] of the village's photos, newest first. */
json_t *villages_photos_json(struct req *r, const char *kode);
int villages_photos_list(struct req *r);
int villages_photo_add(struct req *r);
int villages_photo_get(struct req *r);
int villages_photo_patch(struct req *r);
int villages_photo_delete(struct req *r);

/* ---- information.c -------------------------------------------------------------- */
/* The village's public information list (its DIP), as GET .../information gives it. */
json_t *villages_information_json(struct req *r, const char *kode);
int villages_information_list(struct req *r);
int villages_information_create(struct req *r);
int villages_information_put(struct req *r);
int villages_information_delete(struct req *r);

/* ---- kinds.c ------------------------------------------------------------------- */
struct letter_field {
	const char *name, *label;
};
struct village_letter_kind {
	const char *code;		/* "domisili" */
	const char *title;		/* SURAT KETERANGAN DOMISILI */
	const char *classification;	/* the number's first part (kode surat) */
	const struct letter_field *fields;	/* the kind's own, NULL-terminated */
	const char *const *attachments;	/* required files, NULL-terminated */
	const char *statement;		/* what the village states, after the person */
};
extern const struct village_letter_kind village_letter_kinds[];
const struct village_letter_kind *village_letter_kind(const char *code);
json_t *village_letter_kinds_json(void);
int villages_letter_kinds(struct req *r);
/* A template a village's own kind starts from: a standard kind or one of
 * the others kinds.c holds; NULL when none has code. */
const struct village_letter_kind *village_letter_template(const char *code);
int villages_letter_templates(struct req *r);
/* The kind code as village offers it, standard or its own: 0 with *out
 * (in r's arena) and *retired; 1 when the village has none such; -1 on a
 * database error. */
int village_kind_find(struct req *r, const char *village, const char *code, struct village_letter_kind *out,
		      bool *retired);
/* The standard kinds, then the village's own (retired ones too when
 * with_retired), each with village, template, retired, requests; NULL on
 * a database error. */
json_t *village_kinds_json(struct req *r, const char *village, bool with_retired);

/* ---- kind_edit.c --------------------------------------------------------------- */
int villages_kinds_list(struct req *r);
int villages_kind_add(struct req *r);
int villages_kind_patch(struct req *r);
int villages_kind_delete(struct req *r);

/* ---- requests.c ---------------------------------------------------------------- */
struct village_letter {
	int64_t id, case_id, applicant_id, letter_id;
	const char *village, *kind, *nik, *name, *address, *purpose;
	const char *fields;		/* JSON object text */
	const char *created_at, *submitted_at, *issued_at;
};
struct letter_view {
	struct village_letter l;
	struct case_row cs;		/* cs.id 0 for a draft */
	unsigned roles;			/* CASE_BY_* */
	bool applicant, staff;
};
int village_letter_view_open(struct req *r, struct case_ctx *x, struct letter_view *v);
int village_letter_load(struct req *r, int64_t id, struct village_letter *out);
int village_letter_reply(struct req *r, struct case_ctx *x, struct letter_view *v, int status);
int villages_letter_create(struct req *r);
int villages_letter_update(struct req *r);
int villages_letter_attachment_put(struct req *r);
int villages_letter_attachment_get(struct req *r);
int villages_letter_submit(struct req *r);
int villages_letters_mine(struct req *r);
int villages_letters_inbox(struct req *r);
int villages_letter_get(struct req *r);

/* ---- flow.c -------------------------------------------------------------------- */
int villages_letter_action(struct req *r);
int villages_letter_pdf(struct req *r);

/* ---- overview.c ---------------------------------------------------------------- */
int villages_overview_get(struct req *r);

/* ---- publish.c ----------------------------------------------------------------- */
void villages_budget_publish_data(struct app *app);

/* ---- demo.c -------------------------------------------------------------------- */
int villages_demo_load(struct app *app, struct db_conn *c);

#endif
