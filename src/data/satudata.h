/* satudata.h - what the files of the Satu Data module share with each other
 * (not a public header: other services use data.h).
 *
 * Tables: data_datasets, data_dataset_tags, data_dataset_groups,
 * data_groups, data_resources, data_mappings, data_indicators,
 * data_versions, data_rows, data_obs, data_conflicts, data_settings,
 * data_publications.
 * Rows and observations carry the version range [from_v, to_v) in which
 * they hold, so every version of a table can be read back exactly without
 * storing unchanged rows twice.
 */
#ifndef PENDOPO_DATA_SATUDATA_H
#define PENDOPO_DATA_SATUDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <jansson.h>

#include "db.h"
#include "http.h"
#include "tableschema.h"

struct app;
struct caller;
struct action;

/* Units with a part in the flow besides the producers: the statistics
 * bureau checks priority data (Pembina Data) and the planning agency
 * coordinates the data forum that hears escalated conflicts. */
#define DATA_PEMBINA_UNIT "BPS"
#define DATA_FORUM_UNIT "BAPPELITBANGDA"
#define DATA_ESCALATE_DAYS_DEFAULT 14
#define DATA_MAX_ERRORS 10000		/* listed; all are counted */
#define DATA_UID_LEN 36

/* ---- small helpers (data.c) --------------------------------------------- */

void data_uid(char out[DATA_UID_LEN + 1]);		/* a random UUID v4 */
void data_now(const struct app *app, char out[24]);	/* service clock, ISO UTC */
/* Unit id of a code, 0 when the unit does not exist (or on error). */
int64_t data_unit_id(struct db_conn *c, const char *code);
/* The caller is staff of that unit (officer or unit head; admin passes). */
/* Who may do what with the catalogue (can.h): a unit's staff produce its
 * tables; walidata steward everyone's; staff read their unit's private
 * tables, and walidata, admins and the regent's office read all. */
extern const struct action data_produce, data_steward, data_read_private, data_oversee;
bool data_caller_in(const struct req *r, int64_t unit_id);	/* data_produce on the unit */
bool data_is_walidata(const struct req *r);			/* data_steward */
/* The org units' code and name, cached per request. */
const char *data_org_code(struct req *r, int64_t org_id);
const char *data_org_name(struct req *r, int64_t org_id);
int data_setting_int(struct db_conn *c, const char *name, int def);

/* ---- the import engine (importer.c) -------------------------------------- */

/* Bytes into buf (at most n): how many, 0 at the end, -1 on error. */
typedef long (*data_read_fn)(void *ctx, char *buf, size_t n);

struct import_req {
	int64_t resource_id;
	const char *note;
	const struct caller *actor;	/* NULL from the command line */
	data_read_fn read;
	void *read_ctx;
	size_t total_bytes;		/* for progress; 0 when unknown */
	void (*progress)(void *ctx, size_t bytes, long rows);
	void *progress_ctx;
	const char *now;		/* ISO UTC */
	bool if_changed;		/* record nothing when the file equals the current version */
};

struct import_result {
	int version;
	long rows, added, removed, changed, unchanged;
	long conflicts, hierarchy;	/* open conflicts on this table after the import */
	json_t *errors;			/* [{row, column, message}] when rejected */
	long nerrors;
};

/* Validate the CSV and, when it has no error at all, store it as the next
 * version of the table (status "submitted") and run the conflict checks.
 * Runs inside the caller's transaction; the caller rolls back unless 0
 * or 2.  0 accepted; 1 rejected (errors filled); 2 with rq->if_changed
 * when the file holds exactly the rows of the current version (nothing
 * recorded); -1 on a database or read error (err filled); -2 when the
 * resource is not a table (err filled). */
int data_import(struct db_conn *c, struct arena *a, const struct import_req *rq,
		struct import_result *out, char *err, size_t errlen);

/* ---- conflicts (conflicts.c) ---------------------------------------------- */

struct hier_issue {
	int64_t indicator_id;
	const char *region, *period;
	double parent_value, children_sum;
	long children;
};

/* After an import of resource at version: compare its current figures with
 * other agencies' and record hierarchy issues; open conflicts are created,
 * updated or closed so that they describe the data as it now is.
 * *open_agency and *open_hier get the open conflicts of the table. */
int conflicts_after_import(struct db_conn *c, struct arena *a, int64_t resource_id,
			   const struct hier_issue *issues, size_t nissues, const char *now,
			   long *open_agency, long *open_hier);
/* Re-run the cross-agency comparison for every table (the data forum's
 * full scan).  *tables and *open get counts. */
int conflicts_scan_all(struct db_conn *c, struct arena *a, const char *now, long *tables, long *open);
/* Open conflicts that stop this table's latest version being published. */
int conflicts_open_count(struct db_conn *c, int64_t resource_id, int64_t *n);
void conflicts_tick(struct app *app);

/* ---- route handlers --------------------------------------------------------- */

/* catalog.c */
struct dataset {
	int64_t id, org_id;
	const char *uid, *name, *title, *notes, *license_id, *frequency, *release_schedule;
	const char *contact_name, *contact_email, *concept, *definition, *unit, *region_level;
	const char *period_start, *period_end, *url, *version, *state, *created_at, *modified_at;
	bool priority, private_, demo;
};
struct resource {
	int64_t id, dataset_id;
	int position, cur_version, pub_version;
	int64_t row_count;
	const char *uid, *name, *description, *kind, *format, *url, *schema, *period_field;
	const char *created_at, *modified_at;
};
/* 0 found, 1 missing, -1 error. */
int catalog_dataset_load(struct req *r, int64_t id, struct dataset *d);
/* Every active dataset, by id (an array in r->arena); 0 ok, -1 error. */
int catalog_datasets_all(struct req *r, struct dataset **out, size_t *n);
int catalog_resource_by_uid(struct req *r, const char *uid, struct resource *res, int64_t *org_id);
/* The dataset's resources in position order (an array in r->arena). */
int catalog_resources(struct req *r, int64_t dataset_id, struct resource **out, size_t *n);
json_t *catalog_tags(struct req *r, int64_t dataset_id);	/* ["tag", ...] */
json_t *catalog_groups(struct req *r, int64_t dataset_id);	/* [{name, title}, ...] */
json_t *catalog_mappings(struct req *r, int64_t resource_id);
/* The download URL of a table resource. */
const char *catalog_table_url(struct req *r, const char *uid);

int h_datasets_list(struct req *r);
int h_dataset_create(struct req *r);
int h_dataset_get(struct req *r);
int h_dataset_update(struct req *r);
int h_resource_create(struct req *r);
int h_resource_get(struct req *r);
int h_resource_update(struct req *r);
int h_groups_list(struct req *r);
int h_group_create(struct req *r);
int h_mine(struct req *r);

/* Catalog helpers shared with the CKAN actions. */
struct dataset_in {
	const char *name, *title, *notes, *org, *license_id, *frequency, *release_schedule;
	const char *contact_name, *contact_email, *concept, *definition, *unit, *region_level;
	const char *period_start, *period_end, *url, *version;
	int priority, private_;		/* -1 when not given */
	json_t *tags, *groups;		/* arrays of strings, or NULL */
};
/* Create (id == 0) or update a dataset from in.  0 ok with *id set; 1 when
 * a reply was set (invalid or refused); -1 on a database error. */
int catalog_dataset_save(struct req *r, const struct dataset_in *in, int64_t *id, bool ckan);
struct resource_in {
	const char *name, *description, *format, *url;
	json_t *schema;			/* a table when given */
	json_t *mappings;		/* [{field, indicator, region_field?, period_field?, period?}] */
	const char *period_field;
};
int catalog_resource_create(struct req *r, int64_t dataset_id, const struct resource_in *in,
			    int64_t *id, bool ckan);
/* The dataset's id by uid or name, and whether the caller may write it;
 * 0 found, 1 missing, -1 error. */
int catalog_dataset_find(struct req *r, const char *id_or_name, int64_t *id, int64_t *org_id);
/* Visible to this caller: public ones, plus staff of the owner. */
bool catalog_may_see(const struct req *r, int64_t org_id, bool private_);
/* A checker's reply for catalog_*_save when it refuses: CKAN form or ours. */
int catalog_refuse(struct req *r, bool ckan, int status, const char *field, const char *message);

/* ckan.c: an error in CKAN's envelope; field (may be NULL) makes it a
 * Validation Error's {field: [message]}. */
int ckan_error(struct req *r, int status, const char *type, const char *message, const char *field);

/* versions.c */
int h_import(struct req *r);
int h_versions_list(struct req *r);
int h_version_review(struct req *r);
int h_diff(struct req *r);
int h_rows(struct req *r);
int h_download_csv(struct req *r);
int h_download_json(struct req *r);
int h_review_queue(struct req *r);
/* The version of a table a reader gets: the published one, or for its
 * producer and the walidata any version asked for (?version=N), or the
 * one published at a moment (?as_of=...).  0 ok, 1 a reply was set. */
int versions_pick(struct req *r, const struct resource *res, int64_t org_id, int64_t *version);

/* Rows of a table version, in _id order.  Filters on the region and period
 * columns use the index; others (field = any of values, q = text anywhere
 * in the row) are applied while reading. */
struct row_filter {
	const char *region, *period;
	int nconds;
	int field[TSCHEMA_MAX_FIELDS];
	json_t *values[TSCHEMA_MAX_FIELDS];	/* a scalar or a list of scalars */
	json_t *ids;			/* row numbers (_id): a scalar or a list, or NULL */
	const char *q, *full_text;	/* text somewhere in the row */
	int ntexts;			/* text in one field each (CKAN's q as a dict) */
	int text_field[TSCHEMA_MAX_FIELDS];
	const char *texts[TSCHEMA_MAX_FIELDS];
};
/* fn gets the rows from offset on, limit of them (cells is borrowed), and
 * each row's number in its resource (CKAN's _id: 1 for the first row
 * ever stored, never reused); *total counts every match.  0 ok, -1 on a
 * database error. */
int rows_scan(struct req *r, int64_t resource_id, int64_t version, const struct tschema *s,
	      const struct row_filter *f, long offset, long limit,
	      int (*fn)(void *ctx, int64_t id, json_t *cells), void *ctx, long *total);
/* A cell's value as filter text: strings as they are, numbers canonical. */
const char *cell_text(const json_t *v, char *buf, size_t len);
/* The parsed schema of a table resource; 0 ok, -1 when it has none. */
int resource_schema(struct req *r, const struct resource *res, struct tschema *s);

/* indicators.c */
int h_indicators_list(struct req *r);
int h_indicator_create(struct req *r);
int h_indicator_get(struct req *r);
int h_indicator_update(struct req *r);
int h_indicator_values(struct req *r);

/* conflicts.c */
int h_conflicts_list(struct req *r);
int h_conflict_get(struct req *r);
int h_conflict_resolve(struct req *r);
int h_scan(struct req *r);
int h_settings_get(struct req *r);
int h_settings_update(struct req *r);

/* demo.c */
int data_demo_load(struct app *app, struct db_conn *c);

/* indicators.c: in the transaction of every change data_figures_stamp()
 * must see (data.h).  0, or -1 on a database error. */
int data_figures_changed(struct db_conn *c);

#endif
