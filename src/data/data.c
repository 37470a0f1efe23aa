/* data.c - the Satu Data module: its route table, its schema for SQLite and
 * PostgreSQL, the helpers its files share, and its commands (data import,
 * data scan).
 *
 * Handlers live by topic: catalog.c (datasets, resources, groups),
 * versions.c (imports, review, diff, reads), indicators.c, conflicts.c
 * and publish.c (other services' statistics).  The CKAN Action API over
 * the catalogue is a module of its own (ckan_module, ckan.c), since it
 * answers in CKAN's envelope.
 */
#include "data.h"
#include "can.h"
#include "satudata.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "cli.h"
#include "orgs.h"
#include "util.h"

/* ---- shared helpers -------------------------------------------------------- */

void data_uid(char out[DATA_UID_LEN + 1])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(out, DATA_UID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void data_now(const struct app *app, char out[24])
{
	time_iso(app_now(app), out);
}

int64_t data_unit_id(struct db_conn *c, const char *code)
{
	int64_t id = 0;
	return code && orgs_id_by_code(c, code, &id) == 0 ? id : 0;
}

/* The regent's office reads everything but writes nothing. */
const struct action data_produce = { "data.produce", .anywhere = ROLE_ADMIN, .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };
const struct action data_steward = { "data.steward", .anywhere = ROLE_WALIDATA | ROLE_ADMIN };
const struct action data_read_private = { "data.read_private", .anywhere = ROLE_WALIDATA | ROLE_ADMIN | ROLE_REGENT_OFFICE,
					  .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };
const struct action data_oversee = { "data.oversee", .anywhere = ROLE_WALIDATA | ROLE_ADMIN | ROLE_REGENT_OFFICE };

bool data_caller_in(const struct req *r, int64_t unit_id)
{
	return can(&r->caller, &data_produce, &(struct object){ .unit_id = unit_id });
}

bool data_is_walidata(const struct req *r)
{
	return can(&r->caller, &data_steward, NULL);
}

const char *data_org_code(struct req *r, int64_t org_id)
{
	const char *code = NULL, *name = NULL;
	return orgs_code_name(r->db, r->arena, org_id, &code, &name) == 0 ? code : "";
}

const char *data_org_name(struct req *r, int64_t org_id)
{
	const char *code = NULL, *name = NULL;
	return orgs_code_name(r->db, r->arena, org_id, &code, &name) == 0 ? name : "";
}

int data_setting_int(struct db_conn *c, const char *name, int def)
{
	struct db_stmt *st = db_query(c, "SELECT value FROM data_settings WHERE name = ?", "s", name);
	int v = def;
	if (st && db_step(st) == DB_ROW)
		v = atoi(db_col_text(st, 0));
	db_done(st);
	return v;
}

/* ---- the command line -------------------------------------------------------- */

struct file_src {
	int fd;
};

static long file_read(void *ctx, char *buf, size_t n)
{
	struct file_src *f = ctx;
	ssize_t got = read(f->fd, buf, n);
	return got < 0 ? -1 : (long)got;
}

/* A bar on a terminal; nothing when stderr is a file or a pipe. */
static void progress_bar(void *ctx, size_t bytes, long rows)
{
	const size_t *total = ctx;
	if (!isatty(STDERR_FILENO))
		return;
	int pct = *total ? (int)(bytes * 100 / *total) : 0;
	char bar[41];
	int fill = pct * 40 / 100;
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3d%% %ld rows", bar, pct, rows);
	if (bytes >= *total)
		fputc('\n', stderr);
}

static int cli_import(struct app *app, const char *resource, const char *path, const char *note)
{
	struct file_src src = { .fd = open(path, O_RDONLY | O_CLOEXEC) };
	struct stat st;
	if (src.fd < 0 || fstat(src.fd, &st) != 0) {
		fprintf(stderr, "pendopo data import: cannot read %s\n", path);
		if (src.fd >= 0)
			close(src.fd);
		return 1;
	}
	size_t total = (size_t)st.st_size;
	struct db_conn *c = db_acquire(app->db);
	struct arena *a = arena_new(1 << 16);
	char now[24], err[512];
	int64_t rid = 0;
	int rc = 1;
	data_now(app, now);

	/* By uid (as the API shows it) or by the internal number. */
	if (!a || db_query_int(c, &rid, "SELECT id FROM data_resources WHERE uid = ? OR CAST(id AS TEXT) = ?",
			       "ss", resource, resource) != DB_ROW) {
		fprintf(stderr, "pendopo data import: no resource %s\n", resource);
		goto out;
	}
	struct import_req rq = { .resource_id = rid, .note = note ? note : "imported from the command line",
				 .read = file_read, .read_ctx = &src, .total_bytes = total,
				 .progress = progress_bar, .progress_ctx = &total, .now = now };
	struct import_result res;
	int64_t t0 = time_now_us();
	if (db_tx_begin(c) != DB_OK) {
		fprintf(stderr, "pendopo data import: the database is busy\n");
		goto out;
	}
	int ir = data_import(c, a, &rq, &res, err, sizeof(err));
	if (ir == 0 && db_tx_commit(c) == DB_OK) {
		double s = (double)(time_now_us() - t0) / 1e6;
		printf("version %d: %ld rows (%ld added, %ld changed, %ld removed) in %.2f s, %.0f rows/s; "
		       "%ld open conflicts, %ld hierarchy issues\n", res.version, res.rows, res.added, res.changed,
		       res.removed, s, s > 0 ? (double)res.rows / s : 0.0, res.conflicts, res.hierarchy);
		rc = 0;
	} else {
		db_tx_rollback(c);
		if (ir == 1) {
			fprintf(stderr, "pendopo data import: %s refused, nothing imported: %ld errors\n", path, res.nerrors);
			size_t i;
			json_t *e;
			json_array_foreach(res.errors, i, e)
				fprintf(stderr, "  row %lld, %s: %s\n", (long long)json_integer_value(json_object_get(e, "row")),
					json_string_value(json_object_get(e, "column")) ?
					json_string_value(json_object_get(e, "column")) : "-",
					json_string_value(json_object_get(e, "message")));
		} else {
			fprintf(stderr, "pendopo data import: %s\n", ir ? err : db_errmsg(c));
		}
	}
	json_decref(res.errors);
out:
	arena_free(a);
	db_release(app->db, c);
	close(src.fd);
	return rc;
}

static int cli_scan(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	struct arena *a = arena_new(1 << 16);
	char now[24];
	long tables = 0, open = 0;
	int rc = 1;
	data_now(app, now);
	int64_t t0 = time_now_us();
	if (a && db_tx_begin(c) == DB_OK && conflicts_scan_all(c, a, now, &tables, &open) == 0 &&
	    db_tx_commit(c) == DB_OK) {
		printf("scanned %ld tables in %.3f s: %ld open conflicts between agencies\n", tables,
		       (double)(time_now_us() - t0) / 1e6, open);
		rc = 0;
	} else {
		fprintf(stderr, "pendopo data scan: %s\n", db_errmsg(c));
		db_tx_rollback(c);
	}
	arena_free(a);
	db_release(app->db, c);
	return rc;
}

/* `pendopo data import RESOURCE FILE.csv [--note TEXT]`, RESOURCE by uid or number. */
static int data_import_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage(cli);
	struct app app;
	int rc = cli_app(cli, &app, 1);
	if (rc)
		return rc;
	rc = cli_import(&app, argv[0], argv[1], cli_opt(cli, "--note"));
	db_close(app.db);
	return rc;
}

/* `pendopo data scan`: every table's conflicts again. */
static int data_scan_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct app app;
	int rc = cli_app(cli, &app, 1);
	if (rc)
		return rc;
	rc = cli_scan(&app);
	db_close(app.db);
	return rc;
}

static const struct cli_opt import_opts[] = {
	CLI_OPT_DB,
	{ "--note", NULL, "change note of the new version", NULL },
	CLI_OPT_REGENCY,
	{ 0 },
};

static const struct cli_opt scan_opts[] = { CLI_OPT_DB, CLI_OPT_REGENCY, { 0 } };

static const struct command data_commands[] = {
	{ "data import", "data import RESOURCE FILE.csv [--note TEXT] [--db URL]",
	  "Satu Data: import a CSV as a table's next version (all or nothing).", import_opts, data_import_command },
	{ "data scan", "data scan [--db URL]", "Satu Data: rescan every table for conflicts between agencies.",
	  scan_opts, data_scan_command },
	{ 0 },
};

/* ---- routes ------------------------------------------------------------------ */

#define PRODUCERS (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_WALIDATA | ROLE_ADMIN)
#define STEWARDS (ROLE_WALIDATA | ROLE_ADMIN)

static const struct field dataset_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 100 },
	{ "title", FT_STRING, FF_REQUIRED, 200 },
	{ "notes", FT_STRING, FF_NULLABLE, 10000 },
	{ "org", FT_STRING, FF_REQUIRED, 32 },
	{ "license_id", FT_STRING, FF_NULLABLE, 64 },
	{ "frequency", FT_STRING, FF_NULLABLE, 64 },
	{ "release_schedule", FT_STRING, FF_NULLABLE, 200 },
	{ "contact_name", FT_STRING, FF_NULLABLE, 200 },
	{ "contact_email", FT_STRING, FF_NULLABLE, 254 },
	{ "concept", FT_STRING, FF_NULLABLE, 4000 },
	{ "definition", FT_STRING, FF_NULLABLE, 4000 },
	{ "unit", FT_STRING, FF_NULLABLE, 100 },
	{ "region_level", FT_STRING, FF_NULLABLE, 16 },
	{ "period_start", FT_STRING, FF_NULLABLE, 10 },
	{ "period_end", FT_STRING, FF_NULLABLE, 10 },
	{ "url", FT_STRING, FF_NULLABLE, 1000 },
	{ "version", FT_STRING, FF_NULLABLE, 100 },
	{ "priority", FT_BOOL, 0, 0 },
	{ "private", FT_BOOL, 0, 0 },
	{ "tags", FT_ARRAY, 0, 0 },
	{ "groups", FT_ARRAY, 0, 0 },
	{ 0 },
};

static const struct field dataset_update_fields[] = {
	{ "title", FT_STRING, 0, 200 },
	{ "notes", FT_STRING, FF_NULLABLE, 10000 },
	{ "license_id", FT_STRING, FF_NULLABLE, 64 },
	{ "frequency", FT_STRING, FF_NULLABLE, 64 },
	{ "release_schedule", FT_STRING, FF_NULLABLE, 200 },
	{ "contact_name", FT_STRING, FF_NULLABLE, 200 },
	{ "contact_email", FT_STRING, FF_NULLABLE, 254 },
	{ "concept", FT_STRING, FF_NULLABLE, 4000 },
	{ "definition", FT_STRING, FF_NULLABLE, 4000 },
	{ "unit", FT_STRING, FF_NULLABLE, 100 },
	{ "region_level", FT_STRING, FF_NULLABLE, 16 },
	{ "period_start", FT_STRING, FF_NULLABLE, 10 },
	{ "period_end", FT_STRING, FF_NULLABLE, 10 },
	{ "url", FT_STRING, FF_NULLABLE, 1000 },
	{ "version", FT_STRING, FF_NULLABLE, 100 },
	{ "priority", FT_BOOL, 0, 0 },
	{ "private", FT_BOOL, 0, 0 },
	{ "tags", FT_ARRAY, 0, 0 },
	{ "groups", FT_ARRAY, 0, 0 },
	{ 0 },
};

static const struct field resource_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 200 },
	{ "description", FT_STRING, FF_NULLABLE, 4000 },
	{ "format", FT_STRING, FF_NULLABLE, 16 },
	{ "url", FT_STRING, FF_NULLABLE, 1000 },
	{ "schema", FT_OBJECT, FF_NULLABLE, 0 },
	{ "mappings", FT_ARRAY, FF_NULLABLE, 0 },
	{ "period_field", FT_STRING, FF_NULLABLE, 63 },
	{ 0 },
};

static const struct field resource_update_fields[] = {
	{ "name", FT_STRING, 0, 200 },
	{ "description", FT_STRING, FF_NULLABLE, 4000 },
	{ "url", FT_STRING, FF_NULLABLE, 1000 },
	{ "schema", FT_OBJECT, 0, 0 },
	{ "mappings", FT_ARRAY, 0, 0 },
	{ "period_field", FT_STRING, FF_NULLABLE, 63 },
	{ 0 },
};

static const struct field review_fields[] = {
	{ "decision", FT_STRING, FF_REQUIRED, 16 },
	{ "note", FT_STRING, FF_NULLABLE, 2000 },
	{ 0 },
};

static const struct field group_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 100 },
	{ "title", FT_STRING, FF_REQUIRED, 200 },
	{ "description", FT_STRING, FF_NULLABLE, 4000 },
	{ 0 },
};

static const struct field indicator_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, 32 },
	{ "name", FT_STRING, FF_REQUIRED, 200 },
	{ "definition", FT_STRING, FF_NULLABLE, 4000 },
	{ "unit", FT_STRING, FF_NULLABLE, 100 },
	{ "method", FT_STRING, FF_NULLABLE, 4000 },
	{ "producer", FT_STRING, FF_REQUIRED, 32 },
	{ "additive", FT_BOOL, 0, 0 },
	{ "tolerance", FT_NUMBER, 0, 0 },
	{ 0 },
};

static const struct field indicator_update_fields[] = {
	{ "name", FT_STRING, 0, 200 },
	{ "definition", FT_STRING, FF_NULLABLE, 4000 },
	{ "unit", FT_STRING, FF_NULLABLE, 100 },
	{ "method", FT_STRING, FF_NULLABLE, 4000 },
	{ "producer", FT_STRING, 0, 32 },
	{ "additive", FT_BOOL, 0, 0 },
	{ "tolerance", FT_NUMBER, 0, 0 },
	{ 0 },
};

static const struct field resolve_fields[] = {
	{ "decision", FT_STRING, FF_REQUIRED, 16 },
	{ "side", FT_STRING, FF_NULLABLE, 1 },
	{ "note", FT_STRING, FF_NULLABLE, 2000 },
	{ 0 },
};

static const struct field settings_fields[] = {
	{ "escalate_days", FT_INT, FF_REQUIRED, 0 },
	{ 0 },
};

static const struct route data_routes[] = {
	{ "GET", "/api/data/datasets", h_datasets_list, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "POST", "/api/data/datasets", h_dataset_create, PRODUCERS, dataset_fields, 0 },
	{ "GET", "/api/data/datasets/{name}", h_dataset_get, ROLE_PUBLIC, NULL, 0 },
	{ "PATCH", "/api/data/datasets/{name}", h_dataset_update, PRODUCERS, dataset_update_fields, 0 },
	{ "POST", "/api/data/datasets/{name}/resources", h_resource_create, PRODUCERS, resource_fields, 0 },
	{ "GET", "/api/data/resources/{id}", h_resource_get, ROLE_PUBLIC, NULL, 0 },
	{ "PATCH", "/api/data/resources/{id}", h_resource_update, PRODUCERS, resource_update_fields, 0 },
	{ "POST", "/api/data/resources/{id}/import", h_import, PRODUCERS, NULL, RF_RAW_BODY | RF_UPLOAD },
	{ "GET", "/api/data/resources/{id}/versions", h_versions_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/data/resources/{id}/versions/{n}/review", h_version_review, PRODUCERS, review_fields, 0 },
	{ "GET", "/api/data/resources/{id}/diff", h_diff, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/data/resources/{id}/rows", h_rows, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/data/resources/{id}/data.csv", h_download_csv, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/data/resources/{id}/data.json", h_download_json, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/data/review", h_review_queue, ROLE_STAFF, NULL, 0 },
	{ "GET", "/api/data/mine", h_mine, ROLE_STAFF, NULL, 0 },
	{ "GET", "/api/data/groups", h_groups_list, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/data/groups", h_group_create, STEWARDS, group_fields, 0 },
	{ "GET", "/api/data/indicators", h_indicators_list, ROLE_PUBLIC, NULL, RF_REPLICA },
	{ "POST", "/api/data/indicators", h_indicator_create, STEWARDS, indicator_fields, 0 },
	{ "GET", "/api/data/indicators/{code}", h_indicator_get, ROLE_PUBLIC, NULL, 0 },
	{ "PATCH", "/api/data/indicators/{code}", h_indicator_update, STEWARDS, indicator_update_fields, 0 },
	{ "GET", "/api/data/indicators/{code}/values", h_indicator_values, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/data/conflicts", h_conflicts_list, ROLE_STAFF, NULL, 0 },
	{ "GET", "/api/data/conflicts/{id}", h_conflict_get, ROLE_STAFF, NULL, 0 },
	{ "POST", "/api/data/conflicts/{id}/resolve", h_conflict_resolve, PRODUCERS, resolve_fields, 0 },
	{ "POST", "/api/data/scan", h_scan, STEWARDS, NULL, 0 },
	{ "GET", "/api/data/settings", h_settings_get, STEWARDS | ROLE_REGENT_OFFICE, NULL, 0 },
	{ "PATCH", "/api/data/settings", h_settings_update, STEWARDS, settings_fields, 0 },
	{ 0 },
};

/* ---- schema -------------------------------------------------------------------- */

/* One text for both dialects: ID is the key column, REF a reference to
 * one, and C the collation that makes codes, keys and names compare byte
 * by byte in PostgreSQL as they do in SQLite.  Rows and observations are
 * written a million at a time and only by this module, so they carry no
 * foreign keys: each would cost a lookup per row. */
#define DATA_SCHEMA(ID, REF, C) \
	"CREATE TABLE data_groups (id " ID ", name TEXT" C " NOT NULL UNIQUE, title TEXT NOT NULL," \
	" description TEXT NOT NULL DEFAULT '', demo INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);" \
	"CREATE TABLE data_datasets (id " ID ", uid TEXT" C " NOT NULL UNIQUE, name TEXT" C " NOT NULL UNIQUE," \
	" title TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', org_id " REF " NOT NULL REFERENCES org_units (id)," \
	" license_id TEXT NOT NULL, frequency TEXT, release_schedule TEXT, contact_name TEXT, contact_email TEXT," \
	" concept TEXT, definition TEXT, unit TEXT, region_level TEXT, period_start TEXT, period_end TEXT," \
	" url TEXT, version TEXT, priority INTEGER NOT NULL DEFAULT 0, private INTEGER NOT NULL DEFAULT 0," \
	" state TEXT NOT NULL DEFAULT 'active', demo INTEGER NOT NULL DEFAULT 0," \
	" created_at TEXT NOT NULL, modified_at TEXT NOT NULL);" \
	"CREATE INDEX data_datasets_org ON data_datasets (org_id);" \
	"CREATE TABLE data_dataset_tags (dataset_id " REF " NOT NULL REFERENCES data_datasets (id)," \
	" tag TEXT" C " NOT NULL, PRIMARY KEY (dataset_id, tag));" \
	"CREATE TABLE data_dataset_groups (dataset_id " REF " NOT NULL REFERENCES data_datasets (id)," \
	" group_id " REF " NOT NULL REFERENCES data_groups (id), PRIMARY KEY (dataset_id, group_id));" \
	"CREATE TABLE data_indicators (id " ID ", code TEXT" C " NOT NULL UNIQUE, name TEXT NOT NULL," \
	" definition TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '', method TEXT NOT NULL DEFAULT ''," \
	" producer_org_id " REF " NOT NULL REFERENCES org_units (id), additive INTEGER NOT NULL DEFAULT 0," \
	" tolerance DOUBLE PRECISION NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0," \
	" created_at TEXT NOT NULL, updated_at TEXT NOT NULL);" \
	"CREATE TABLE data_resources (id " ID ", uid TEXT" C " NOT NULL UNIQUE," \
	" dataset_id " REF " NOT NULL REFERENCES data_datasets (id), position INTEGER NOT NULL," \
	" name TEXT NOT NULL, description TEXT NOT NULL DEFAULT ''," \
	" kind TEXT NOT NULL CHECK (kind IN ('table', 'file')), format TEXT NOT NULL, url TEXT, schema TEXT," \
	" period_field TEXT, cur_version INTEGER NOT NULL DEFAULT 0, pub_version INTEGER NOT NULL DEFAULT 0," \
	" row_count INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, modified_at TEXT NOT NULL);" \
	"CREATE INDEX data_resources_dataset ON data_resources (dataset_id, position);" \
	"CREATE TABLE data_mappings (resource_id " REF " NOT NULL REFERENCES data_resources (id)," \
	" field TEXT" C " NOT NULL, indicator_id " REF " NOT NULL REFERENCES data_indicators (id)," \
	" region_field TEXT NOT NULL, period_field TEXT, period TEXT, PRIMARY KEY (resource_id, field));" \
	"CREATE INDEX data_mappings_indicator ON data_mappings (indicator_id);" \
	"CREATE TABLE data_versions (id " ID ", resource_id " REF " NOT NULL REFERENCES data_resources (id)," \
	" number INTEGER NOT NULL, note TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN" \
	" ('submitted', 'verified', 'published', 'returned', 'superseded'))," \
	" rows_total INTEGER NOT NULL, rows_added INTEGER NOT NULL, rows_removed INTEGER NOT NULL," \
	" rows_changed INTEGER NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL," \
	" walidata_by TEXT, walidata_at TEXT, pembina_by TEXT, pembina_at TEXT, review_note TEXT," \
	" published_at TEXT, UNIQUE (resource_id, number));" \
	"CREATE TABLE data_rows (id " ID ", resource_id " REF " NOT NULL, from_v INTEGER NOT NULL, to_v INTEGER," \
	" rkey TEXT" C " NOT NULL, region TEXT" C ", period TEXT" C ", cells TEXT NOT NULL);" \
	"CREATE INDEX data_rows_resource ON data_rows (resource_id, id);" \
	"CREATE INDEX data_rows_region ON data_rows (resource_id, region, period);" \
	"CREATE TABLE data_obs (id " ID ", indicator_id " REF " NOT NULL, resource_id " REF " NOT NULL," \
	" org_id " REF " NOT NULL, row_id " REF " NOT NULL, region TEXT" C " NOT NULL, period TEXT" C " NOT NULL," \
	" value DOUBLE PRECISION NOT NULL, from_v INTEGER NOT NULL, to_v INTEGER);" \
	"CREATE INDEX data_obs_key ON data_obs (indicator_id, region, period);" \
	"CREATE INDEX data_obs_row ON data_obs (row_id);" \
	"CREATE TABLE data_conflicts (id " ID ", kind TEXT NOT NULL CHECK (kind IN ('agency', 'hierarchy'))," \
	" indicator_id " REF " NOT NULL REFERENCES data_indicators (id), region TEXT" C " NOT NULL," \
	" period TEXT" C " NOT NULL, org_a " REF " NOT NULL, resource_a " REF " NOT NULL, version_a INTEGER NOT NULL," \
	" value_a DOUBLE PRECISION NOT NULL, org_b " REF " NOT NULL, resource_b " REF " NOT NULL," \
	" version_b INTEGER NOT NULL, value_b DOUBLE PRECISION NOT NULL, open INTEGER NOT NULL DEFAULT 1," \
	" status TEXT NOT NULL CHECK (status IN ('open', 'returned', 'resolved', 'superseded'))," \
	" official_side TEXT, official_value DOUBLE PRECISION, returned_to " REF ", note TEXT," \
	" opened_at TEXT NOT NULL, updated_at TEXT NOT NULL, escalated_at TEXT, resolved_at TEXT, resolved_by TEXT," \
	" checked INTEGER NOT NULL DEFAULT 0);" \
	"CREATE UNIQUE INDEX data_conflicts_key ON data_conflicts" \
	" (kind, indicator_id, region, period, resource_a, resource_b) WHERE open = 1;" \
	"CREATE INDEX data_conflicts_a ON data_conflicts (resource_a, open);" \
	"CREATE INDEX data_conflicts_b ON data_conflicts (resource_b, open);" \
	"CREATE INDEX data_conflicts_lookup ON data_conflicts (indicator_id, region, period);" \
	"CREATE TABLE data_settings (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);"

/* A service's publication (publish.c): its dataset and table once made,
 * and when an instance last claimed its refresh. */
#define PUBLICATIONS_SCHEMA(REF, C) \
	"CREATE TABLE data_publications (id TEXT" C " NOT NULL PRIMARY KEY," \
	" dataset_id " REF " REFERENCES data_datasets (id), resource_id " REF " REFERENCES data_resources (id)," \
	" claimed_at TEXT);"

/* The conflict scan reads every current figure of an indicator in key
 * order: with the columns it reads in the index it never visits the
 * table, which over millions of observations halves the scan. */
#define OBS_KEY_COVERING \
	"DROP INDEX data_obs_key;" \
	"CREATE INDEX data_obs_key ON data_obs (indicator_id, region, period, to_v, value, org_id, resource_id);"

/* CKAN numbers a DataStore table's rows from 1 (_id); the rows stored so
 * far get their numbers in id order. */
#define ROWS_NUMBERED \
	"ALTER TABLE data_rows ADD COLUMN rnum BIGINT NOT NULL DEFAULT 0;" \
	"UPDATE data_rows SET rnum = n.rn FROM (SELECT id, row_number() OVER (PARTITION BY resource_id ORDER BY id) " \
	"AS rn FROM data_rows) n WHERE n.id = data_rows.id;"

/* Bumped by every change that may change an official figure (a version
 * published, a conflict settled, an indicator's producer), so that pages
 * made from figures check one row, not the whole catalogue. */
#define FIGURES_VERSION \
	"CREATE TABLE data_figures_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);" \
	"INSERT INTO data_figures_version (id, version) VALUES (1, 1);"

static const struct migration data_migrations[] = {
	{ 1, "satu data: catalogue, indicators, versions, observations, conflicts",
	  DATA_SCHEMA("INTEGER PRIMARY KEY", "INTEGER", ""),
	  DATA_SCHEMA("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BIGINT", " COLLATE \"C\"") },
	{ 2, "satu data: services' published statistics",
	  PUBLICATIONS_SCHEMA("INTEGER", ""), PUBLICATIONS_SCHEMA("BIGINT", " COLLATE \"C\"") },
	{ 3, "satu data: the observation key index covers the conflict scan",
	  OBS_KEY_COVERING, OBS_KEY_COVERING },
	/* The importer numbers rows itself (in file order, written sorted). */
	{ 4, "satu data: imported rows carry the ids the importer draws",
	  "", "ALTER TABLE data_rows ALTER COLUMN id SET GENERATED BY DEFAULT;" },
	{ 5, "satu data: rows numbered per resource from 1 (CKAN's _id)", ROWS_NUMBERED, ROWS_NUMBERED },
	{ 6, "satu data: one version number for every official figure", FIGURES_VERSION, FIGURES_VERSION },
	{ 0 },
};

static const struct tool data_tools[] = {
	{ "/data/kelola.html", "Kelola data", "Manage data", &data_produce, NULL, 2 },
	{ "/data/conflicts.html", "Konflik data", "Data conflicts", &data_oversee, NULL, 2 },
	{ 0 },
};

const struct module data_module = {
	.name = "data",
	.routes = data_routes,
	.tools = data_tools,
	.commands = data_commands,
	.migrations = data_migrations,
	.demo_load = data_demo_load,
	.tick = conflicts_tick,
};
