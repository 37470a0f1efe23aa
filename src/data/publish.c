/* publish.c - other services' statistics as Satu Data tables.
 *
 * A service hands over its figures as rows; they become a CSV that goes
 * through the same importer as a producer's upload, so every refresh is a
 * version with history, diff and "as of" reads, and a refresh that changes
 * nothing records nothing.  The figures are computed by the platform from
 * its own records rather than typed in, so a new version is published at
 * once - unless the dataset is priority data (the pembina approves those)
 * or the table has open conflicts, when it waits for review like any
 * upload.
 *
 * data_publications links a service's publication to its dataset and
 * holds the refresh claim that lets one of several instances do the work.
 */
#include "log.h"
#include "data.h"
#include "satudata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "strbuf.h"
#include "util.h"

int data_publish_claim(struct app *app, struct db_conn *c, const char *id, int interval_s)
{
	char now[24], cutoff[24];
	time_t t = app_now(app);
	time_iso(t, now);
	time_iso(t - interval_s, cutoff);
	/* One statement: on PostgreSQL a second instance waits on the row and
	 * then finds it claimed; SQLite writers take turns anyway.  Its own
	 * transaction, so that it queues with the other writers. */
	int64_t claimed = 0;
	int ok = db_tx_begin(c) == DB_OK &&
		 db_exec(c, "INSERT INTO data_publications (id, claimed_at) VALUES (?, ?) "
			    "ON CONFLICT (id) DO UPDATE SET claimed_at = excluded.claimed_at "
			    "WHERE data_publications.claimed_at IS NULL OR data_publications.claimed_at <= ?",
			 "sss", id, now, cutoff) == DB_DONE;
	if (ok) {
		claimed = db_changes(c);
		ok = db_tx_commit(c) == DB_OK;
	}
	if (!ok) {
		log_error("publication not claimed", LOG_F("module", "data"), LOG_F("publication", id),
			  LOG_F("error", db_errmsg(c)));
		db_tx_rollback(c);
		return -1;
	}
	return claimed == 1;
}

struct publish {
	struct app *app;
	struct db_conn *c;
	struct arena *a;
	const struct data_publication *p;
	struct caller by;		/* the service, as the actor of versions and audit rows */
	char now[24];
	int64_t org_id, dataset_id, resource_id;
};

static int fail(struct publish *pb, const char *what)
{
	log_error("publication failed", LOG_F("module", "data"), LOG_F("publication", pb->p->id), LOG_F("error", what));
	return -1;
}

static int db_fail(struct publish *pb, const char *what)
{
	return fail(pb, arena_printf(pb->a, "%s: %s", what, db_errmsg(pb->c)));
}

static int audit(struct publish *pb, const char *action, const char *object, json_t *details)
{
	int rc = audit_append(pb->c, &pb->by, action, object, details);
	json_decref(details);
	return rc;
}

/* The dataset and its table on the first publication. */
static int create(struct publish *pb)
{
	const struct data_publication *p = pb->p;
	char duid[DATA_UID_LEN + 1], ruid[DATA_UID_LEN + 1];
	data_uid(duid);
	data_uid(ruid);
	int rc = db_query_int(pb->c, &pb->dataset_id,
			      "INSERT INTO data_datasets (uid, name, title, notes, org_id, license_id, frequency, concept, "
			      "unit, region_level, created_at, modified_at) VALUES (?, ?, ?, ?, ?, 'cc-by-4.0', ?, ?, ?, ?, ?, ?) "
			      "ON CONFLICT (name) DO NOTHING RETURNING id",
			      "ssssissssss", duid, p->name, p->title, p->notes, pb->org_id, p->frequency, p->concept,
			      p->unit, p->region_level, pb->now, pb->now);
	if (rc == DB_DONE)
		return fail(pb, arena_printf(pb->a, "a dataset named %s exists already; rename one of them", p->name));
	if (rc != DB_ROW)
		return db_fail(pb, "creating the dataset");
	for (const char *const *t = p->tags; t && *t; t++)
		if (db_exec(pb->c, "INSERT INTO data_dataset_tags (dataset_id, tag) VALUES (?, ?)", "is",
			    pb->dataset_id, *t) != DB_DONE)
			return db_fail(pb, "tagging the dataset");
	if (db_query_int(pb->c, &pb->resource_id, "INSERT INTO data_resources (uid, dataset_id, position, name, "
						  "description, kind, format, schema, period_field, created_at, modified_at) "
						  "VALUES (?, ?, 0, ?, '', 'table', 'CSV', ?, ?, ?, ?) RETURNING id",
			 "sisssss", ruid, pb->dataset_id, p->resource, p->schema, p->period_field, pb->now,
			 pb->now) != DB_ROW)
		return db_fail(pb, "creating the table");
	if (db_exec(pb->c, "INSERT INTO data_publications (id, dataset_id, resource_id) VALUES (?, ?, ?) "
			   "ON CONFLICT (id) DO UPDATE SET dataset_id = excluded.dataset_id, resource_id = excluded.resource_id",
		    "sii", p->id, pb->dataset_id, pb->resource_id) != DB_DONE)
		return db_fail(pb, "linking the publication");
	if (audit(pb, "data.dataset_create", arena_printf(pb->a, "dataset:%s", duid),
		  json_pack("{s:s, s:s, s:s}", "name", p->name, "title", p->title, "publication", p->id)) ||
	    audit(pb, "data.resource_create", arena_printf(pb->a, "resource:%s", ruid),
		  json_pack("{s:s, s:s, s:s}", "dataset", p->name, "name", p->resource, "kind", "table")))
		return db_fail(pb, "recording the audit");
	return 0;
}

/* The publication's dataset and table, made when missing; the owner
 * follows the service (say, when the complaints desk moves to another
 * unit), the rest of the metadata is the catalogue's to edit.  1 when
 * there is none and no row to make it for: an empty table on a fresh
 * install tells nobody anything. */
static int find_or_create(struct publish *pb, size_t nrows)
{
	const struct data_publication *p = pb->p;
	struct db_stmt *st = db_query(pb->c, "SELECT b.dataset_id, b.resource_id, d.org_id, d.uid, r.schema "
					     "FROM data_publications b JOIN data_datasets d ON d.id = b.dataset_id "
					     "JOIN data_resources r ON r.id = b.resource_id WHERE b.id = ?", "s", p->id);
	if (!st)
		return db_fail(pb, "reading the publication");
	int64_t org_id = 0;
	const char *uid = NULL, *schema = NULL;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		pb->dataset_id = db_col_int(st, 0);
		pb->resource_id = db_col_int(st, 1);
		org_id = db_col_int(st, 2);
		uid = arena_strdup(pb->a, db_col_text(st, 3));
		schema = db_col_is_null(st, 4) ? "" : arena_strdup(pb->a, db_col_text(st, 4));
	}
	db_done(st);
	if (rc == DB_DONE)
		return nrows ? create(pb) : 1;
	if (rc != DB_ROW || !uid || !schema)
		return db_fail(pb, "reading the publication");

	/* The stored versions were checked against the stored schema; a
	 * service that changes its columns needs a new publication. */
	json_t *have = json_loads(schema, 0, NULL), *want = json_loads(p->schema, 0, NULL);
	bool same = have && want && json_equal(have, want);
	json_decref(have);
	json_decref(want);
	if (!same)
		return fail(pb, "the table's stored schema differs from the one the service publishes now; "
				"give the new columns a new publication id");
	if (org_id == pb->org_id)
		return 0;
	if (db_exec(pb->c, "UPDATE data_datasets SET org_id = ?, modified_at = ? WHERE id = ?", "isi",
		    pb->org_id, pb->now, pb->dataset_id) != DB_DONE ||
	    audit(pb, "data.dataset_update", arena_printf(pb->a, "dataset:%s", uid),
		  json_pack("{s:s, s:s}", "org", p->org, "publication", p->id)))
		return db_fail(pb, "moving the dataset to its new owner");
	return 0;
}

/* ---- the rows as CSV ---------------------------------------------------------------- */

/* Header and rows in the schema's field order; a row member that is not
 * a field is a mistake of the service, refused rather than dropped. */
static int rows_csv(struct publish *pb, const struct tschema *s, json_t *rows, struct strbuf *b,
		    const char **pmin, const char **pmax)
{
	int pf = pb->p->period_field ? tschema_field(s, pb->p->period_field) : -1;
	char num[64];
	for (int i = 0; i < s->nfields; i++) {
		if (i)
			strbuf_addch(b, ',');
		strbuf_add_csv(b, s->fields[i].name, false);
	}
	strbuf_addch(b, '\n');
	size_t n;
	json_t *row;
	json_array_foreach(rows, n, row) {
		const char *key;
		json_t *v;
		if (!json_is_object(row))
			return fail(pb, arena_printf(pb->a, "row %zu is not an object", n));
		json_object_foreach(row, key, v)
			if (tschema_field(s, key) < 0)
				return fail(pb, arena_printf(pb->a, "row %zu: %s is not a field of the schema", n, key));
		for (int i = 0; i < s->nfields; i++) {
			v = json_object_get(row, s->fields[i].name);
			const char *text = v && !json_is_null(v) ? cell_text(v, num, sizeof(num)) : "";
			if (i)
				strbuf_addch(b, ',');
			strbuf_add_csv(b, text, false);
			if (i == pf && *text) {
				if (!*pmin || strcmp(text, *pmin) < 0)
					*pmin = arena_strdup(pb->a, text);
				if (!*pmax || strcmp(text, *pmax) > 0)
					*pmax = arena_strdup(pb->a, text);
			}
		}
		strbuf_addch(b, '\n');
	}
	return b->failed ? fail(pb, "out of memory") : 0;
}

struct mem_src {
	const char *p;
	size_t left;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem_src *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

/* ---- a new version ------------------------------------------------------------------- */

/* Straight to the public, when nothing calls for a review. */
static int publish_version(struct publish *pb, int version, bool *published)
{
	int64_t priority = 0, open = 0;
	*published = false;
	if (db_query_int(pb->c, &priority, "SELECT priority FROM data_datasets WHERE id = ?", "i",
			 pb->dataset_id) != DB_ROW ||
	    conflicts_open_count(pb->c, pb->resource_id, &open))
		return db_fail(pb, "checking the version");
	if (priority || open)
		return 0;
	const char *uid = NULL;
	struct db_stmt *st = db_query(pb->c, "SELECT uid FROM data_resources WHERE id = ?", "i", pb->resource_id);
	if (st && db_step(st) == DB_ROW)
		uid = arena_strdup(pb->a, db_col_text(st, 0));
	db_done(st);
	if (!uid ||
	    db_exec(pb->c, "UPDATE data_versions SET status = 'published', published_at = ? "
			   "WHERE resource_id = ? AND number = ?", "sii", pb->now, pb->resource_id, (int64_t)version) != DB_DONE ||
	    db_exec(pb->c, "UPDATE data_resources SET pub_version = ? WHERE id = ?", "ii", (int64_t)version,
		    pb->resource_id) != DB_DONE || data_figures_changed(pb->c) != 0 ||
	    audit(pb, "data.publish", arena_printf(pb->a, "resource:%s", uid),
		  json_pack("{s:i, s:s, s:s}", "version", version, "decision", "automatic", "status", "published")))
		return db_fail(pb, "publishing the version");
	*published = true;
	return 0;
}

static int run(struct publish *pb, json_t *rows)
{
	const struct data_publication *p = pb->p;
	struct tschema s;
	char err[256];
	json_t *schema = json_loads(p->schema, 0, NULL);
	int rc = tschema_parse(schema, pb->a, &s, err, sizeof(err));
	json_decref(schema);
	if (rc)
		return fail(pb, arena_printf(pb->a, "the schema is not valid: %s", err));
	if (!json_is_array(rows))
		return fail(pb, "the rows are not an array");
	pb->org_id = data_unit_id(pb->c, p->org);
	if (!pb->org_id)
		return fail(pb, arena_printf(pb->a, "the owner %s is not a unit of the organisation register", p->org));
	if ((rc = find_or_create(pb, json_array_size(rows))) != 0)
		return rc < 0 ? -1 : 0;

	struct strbuf b;
	strbuf_init(&b, pb->a, 0);
	const char *pmin = NULL, *pmax = NULL;
	if (rows_csv(pb, &s, rows, &b, &pmin, &pmax))
		return -1;
	struct mem_src src = { b.buf, b.len };
	struct import_req rq = { .resource_id = pb->resource_id, .note = p->note, .actor = &pb->by, .read = mem_read,
				 .read_ctx = &src, .total_bytes = b.len, .now = pb->now, .if_changed = true };
	struct import_result res;
	rc = data_import(pb->c, pb->a, &rq, &res, err, sizeof(err));
	if (rc == 1) {
		/* The service computed something its own schema refuses. */
		json_t *e = json_array_get(res.errors, 0);
		fail(pb, arena_printf(pb->a, "%ld rows refused, first at row %lld, %s: %s", res.nerrors,
				      (long long)json_integer_value(json_object_get(e, "row")),
				      json_string_value(json_object_get(e, "column")) ?
				      json_string_value(json_object_get(e, "column")) : "-",
				      json_string_value(json_object_get(e, "message"))));
	} else if (rc < 0) {
		fail(pb, err);
	}
	json_decref(res.errors);
	if (rc == 2)
		return 0;
	if (rc != 0)
		return -1;

	bool published;
	if (publish_version(pb, res.version, &published))
		return -1;
	if (pmin && db_exec(pb->c, "UPDATE data_datasets SET period_start = ?, period_end = ? WHERE id = ?", "ssi",
			    pmin, pmax, pb->dataset_id) != DB_DONE)
		return db_fail(pb, "recording the period covered");
	log_info("publication updated", LOG_F("module", "data"), LOG_F("publication", p->id),
		 LOG_F("version", res.version), LOG_F("rows", res.rows), LOG_F("added", res.added),
		 LOG_F("changed", res.changed), LOG_F("removed", res.removed),
		 LOG_F("state", published ? "published" : "waiting for review"));
	return 1;
}

int data_publish_table(struct app *app, struct db_conn *c, const struct data_publication *p, json_t *rows)
{
	struct publish pb = { .app = app, .c = c, .a = arena_new(1 << 14), .p = p };
	if (!pb.a)
		return fail(&pb, "out of memory");
	pb.by.name = p->by;
	data_now(app, pb.now);
	int rc = run(&pb, rows);
	arena_free(pb.a);
	return rc;
}
