/* data.h - Satu Data, the regency's one-data hub: a catalogue of datasets
 * with Frictionless Table Schemas, an indicator registry with one
 * designated producer per indicator, validated all-or-nothing imports kept
 * as versions, conflict detection across agencies and region levels, the
 * producer -> walidata -> pembina flow, and the CKAN Action API.
 *
 * The only public header of src/data/: other services and main.c use this.
 */
#ifndef PENDOPO_DATA_H
#define PENDOPO_DATA_H

#include <stdint.h>
#include <jansson.h>

#include "module.h"

struct app;
struct db_conn;

extern const struct module data_module;
extern const struct module ckan_module;	/* the CKAN Action API over it, ckan.c */

/* ---- services publish their statistics (publish.c) ---------------------------- */

/* A service's statistics as a table of the catalogue.  The dataset and its
 * table are made by the first publication that has rows, with this
 * metadata; after that the catalogue owns the metadata (the walidata may
 * edit it), except the owner, which follows org. */
struct data_publication {
	const char *id;			/* stable, the service's own: "complaints.monthly" */
	const char *name;		/* the dataset's URL name */
	const char *title, *notes;
	const char *org;		/* code of the owning unit */
	const char *by;			/* credited with each version and in the audit trail */
	const char *frequency, *concept, *unit, *region_level;	/* catalogue metadata, may be NULL */
	const char *const *tags;	/* NULL-terminated, or NULL */
	const char *resource;		/* the table's name */
	const char *schema;		/* its Frictionless Table Schema, JSON text */
	const char *period_field;	/* the schema's period column, or NULL */
	const char *note;		/* every version's change note */
};

/* Claim the next refresh of publication id: 1 when no instance has
 * claimed it within interval_s seconds of the service clock (the claim is
 * now the caller's), 0 when not due, -1 on a database error.  Commits its
 * own transaction: the claim holds even if the refresh then fails, so a
 * failing refresh is retried an interval later, not on every tick. */
int data_publish_claim(struct app *app, struct db_conn *c, const char *id, int interval_s);

/* Publish rows (a JSON array of objects keyed by field name) as the
 * publication's table: a new version through the CSV importer when they
 * differ from the current one, published at once unless the dataset is
 * priority data or the table has open conflicts.  Inside the caller's
 * write transaction.  1 a version was recorded, 0 the rows were already
 * current (or there is no dataset and no row), -1 on an error (logged;
 * the caller rolls back). */
int data_publish_table(struct app *app, struct db_conn *c, const struct data_publication *p, json_t *rows);

/* Satu Data at a glance, for the Regent's dashboard (conflicts.c): figures
 * two agencies publish differently, still open: {open_conflicts,
 * between_agencies, between_levels, oldest_since}; NULL on a database
 * error. */
struct arena;
json_t *data_overview(struct app *app, struct db_conn *c, struct arena *a);

/* ---- official figures (indicators.c) ------------------------------------------- */
/* An indicator's official figure for one region and period, as GET
 * /api/data/indicators/{code}/values gives it. */
struct data_figure {
	double value;
	const char *period;
	const char *dataset, *dataset_title;	/* where it was published */
	const char *basis;	/* designated, resolved, unresolved, only_source */
};
/* The official figure of the indicator with this code for region, in the
 * latest period that has a published one: 0 with *out (texts in a), 1
 * when there is none (or no such indicator), -1 on a database error. */
int data_official_latest(struct db_conn *c, struct arena *a, const char *indicator, const char *region,
			 struct data_figure *out);
/* A number that changes whenever an official figure may have: a version
 * published, a conflict settled, an indicator's designated producer
 * changed.  For services that keep pages made with data_official_latest().
 * 0, or -1 on error. */
int data_figures_stamp(struct db_conn *c, int64_t *stamp);

#endif
