/* conflicts.c - two agencies, one indicator, one region, one period, two
 * figures: the conflict record, its resolution by the walidata, and the
 * escalation of old ones to the data forum.  Hierarchy issues (villages
 * that do not add up to their district) are recorded the same way.
 *
 * Detection reads an indicator's current observations in (region, period)
 * order, which the key index gives for free, and compares the figures of
 * each key across agencies: one pass, however many tables hold it.  A
 * conflict record always describes the data as it is now: each check
 * marks the records it confirms (checked = 1) and closes the rest.
 */
#include "satudata.h"
#include "can.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "regions.h"
#include "util.h"

struct side {
	int64_t org, resource;
	int64_t version;
	double value;
};

struct found {
	const char *kind;
	int64_t indicator;
	const char *region, *period;
	struct side a, b;
};

struct finds {
	struct found *v;
	size_t n, cap;
};

static int finds_add(struct arena *a, struct finds *f, const struct found *x)
{
	struct found *slot = ARENA_PUSH(a, f->v, f->n, f->cap);
	if (!slot)
		return -1;
	*slot = *x;
	return 0;
}

/* Create or refresh the open record for x; skip it when the walidata
 * already settled exactly these figures. */
static int upsert(struct db_conn *c, const struct found *x, const char *now)
{
	const struct side *a = &x->a, *b = &x->b;
	struct db_stmt *st = db_query(c, "SELECT id, value_a, value_b FROM data_conflicts WHERE open = 1 AND kind = ? "
					 "AND indicator_id = ? AND region = ? AND period = ? AND resource_a = ? "
					 "AND resource_b = ?", "sissii", x->kind, x->indicator, x->region, x->period,
				      a->resource, b->resource);
	if (!st)
		return -1;
	int64_t id = 0;
	bool same = false;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		same = db_col_double(st, 1) == a->value && db_col_double(st, 2) == b->value;
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return -1;
	if (id)
		return db_exec(c, "UPDATE data_conflicts SET org_a = ?, version_a = ?, value_a = ?, org_b = ?, "
				  "version_b = ?, value_b = ?, checked = 1, updated_at = ?, "
				  "status = CASE WHEN ? = 1 THEN status ELSE 'open' END WHERE id = ?",
			       "iidiidsii", a->org, a->version, a->value, b->org, b->version, b->value, now,
			       (int64_t)same, id) == DB_DONE ? 0 : -1;
	int64_t settled;
	if (db_query_int(c, &settled, "SELECT count(*) FROM data_conflicts WHERE open = 0 AND status = 'resolved' "
				      "AND kind = ? AND indicator_id = ? AND region = ? AND period = ? AND resource_a = ? "
				      "AND resource_b = ? AND value_a = ? AND value_b = ?", "sissiidd", x->kind,
			 x->indicator, x->region, x->period, a->resource, b->resource, a->value, b->value) != DB_ROW)
		return -1;
	if (settled)
		return 0;
	return db_exec(c, "INSERT INTO data_conflicts (kind, indicator_id, region, period, org_a, resource_a, version_a, "
			  "value_a, org_b, resource_b, version_b, value_b, open, status, opened_at, updated_at, checked) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'open', ?, ?, 1)",
		       "sissiiidiiidss", x->kind, x->indicator, x->region, x->period, a->org, a->resource, a->version,
		       a->value, b->org, b->resource, b->version, b->value, now, now) == DB_DONE ? 0 : -1;
}

/* The current version of a resource, remembered across one pass. */
struct vcache {
	int64_t rid[16], ver[16];
	int n;
};

static int64_t current_version(struct db_conn *c, struct vcache *vc, int64_t rid)
{
	for (int i = 0; i < vc->n; i++)
		if (vc->rid[i] == rid)
			return vc->ver[i];
	int64_t v = 0;
	db_query_int(c, &v, "SELECT cur_version FROM data_resources WHERE id = ?", "i", rid);
	if (vc->n < 16) {
		vc->rid[vc->n] = rid;
		vc->ver[vc->n++] = v;
	}
	return v;
}

struct obs {
	int64_t org, resource;
	double value;
};

/* Compare one key's figures: pairs from different agencies that do not
 * agree, involving only_resource when it is nonzero. */
static int compare_group(struct db_conn *c, struct arena *a, struct finds *f, struct vcache *vc,
			 int64_t indicator, const char *region, const char *period,
			 const struct obs *g, size_t n, double tol, int64_t only_resource)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (g[i].org == g[j].org || values_agree(g[i].value, g[j].value, tol))
				continue;
			if (only_resource && g[i].resource != only_resource && g[j].resource != only_resource)
				continue;
			const struct obs *x = g[i].resource < g[j].resource ? &g[i] : &g[j];
			const struct obs *y = x == &g[i] ? &g[j] : &g[i];
			struct found fd = { "agency", indicator, arena_strdup(a, region), arena_strdup(a, period),
					    { x->org, x->resource, current_version(c, vc, x->resource), x->value },
					    { y->org, y->resource, current_version(c, vc, y->resource), y->value } };
			if (!fd.region || !fd.period || finds_add(a, f, &fd))
				return -1;
		}
	return 0;
}

/* One indicator's current figures in key order. */
static int detect_indicator(struct db_conn *c, struct arena *a, int64_t indicator, int64_t only_resource,
			    struct finds *f)
{
	double tol = 0;
	struct db_stmt *st = db_query(c, "SELECT tolerance FROM data_indicators WHERE id = ?", "i", indicator);
	if (st && db_step(st) == DB_ROW)
		tol = db_col_double(st, 0);
	db_done(st);
	st = db_query(c, "SELECT region, period, value, org_id, resource_id FROM data_obs "
			 "WHERE indicator_id = ? AND to_v IS NULL ORDER BY region, period", "i", indicator);
	if (!st)
		return -1;
	struct vcache vc = { .n = 0 };
	struct obs g[64];
	size_t n = 0;
	char region[32] = "", period[16] = "";
	int rc, err = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *rg = db_col_text(st, 0), *pd = db_col_text(st, 1);
		if (strcmp(rg, region) != 0 || strcmp(pd, period) != 0) {
			if (n > 1 && compare_group(c, a, f, &vc, indicator, region, period, g, n, tol, only_resource)) {
				err = 1;
				break;
			}
			n = 0;
			snprintf(region, sizeof(region), "%s", rg);
			snprintf(period, sizeof(period), "%s", pd);
		}
		if (n < sizeof(g) / sizeof(g[0]))
			g[n++] = (struct obs){ db_col_int(st, 3), db_col_int(st, 4), db_col_double(st, 2) };
	}
	db_done(st);
	if (err || rc != DB_DONE)
		return -1;
	return n > 1 ? compare_group(c, a, f, &vc, indicator, region, period, g, n, tol, only_resource) : 0;
}

/* Does any other agency hold figures for an indicator this table maps? */
static int shared_indicators(struct db_conn *c, struct arena *a, int64_t rid, int64_t **out, size_t *n)
{
	struct db_stmt *st = db_query(c, "SELECT DISTINCT m.indicator_id FROM data_mappings m "
					 "JOIN data_resources r ON r.id = m.resource_id "
					 "JOIN data_datasets d ON d.id = r.dataset_id "
					 "WHERE m.resource_id = ? AND EXISTS (SELECT 1 FROM data_mappings m2 "
					 "JOIN data_resources r2 ON r2.id = m2.resource_id "
					 "JOIN data_datasets d2 ON d2.id = r2.dataset_id "
					 "WHERE m2.indicator_id = m.indicator_id AND d2.org_id <> d.org_id "
					 "AND r2.cur_version > 0)", "i", rid);
	*n = 0;
	*out = arena_alloc(a, TSCHEMA_MAX_FIELDS * sizeof(int64_t));
	if (!st || !*out) {
		db_done(st);
		return -1;
	}
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *n < TSCHEMA_MAX_FIELDS)
		(*out)[(*n)++] = db_col_int(st, 0);
	db_done(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : -1;
}

static int open_counts(struct db_conn *c, int64_t rid, long *agency, long *hier)
{
	int64_t x = 0, y = 0;
	if (db_query_int(c, &x, "SELECT count(*) FROM data_conflicts WHERE open = 1 AND kind = 'agency' "
				"AND (resource_a = ? OR resource_b = ?)", "ii", rid, rid) != DB_ROW ||
	    db_query_int(c, &y, "SELECT count(*) FROM data_conflicts WHERE open = 1 AND kind = 'hierarchy' "
				"AND resource_a = ?", "i", rid) != DB_ROW)
		return -1;
	*agency = (long)x;
	*hier = (long)y;
	return 0;
}

int conflicts_after_import(struct db_conn *c, struct arena *a, int64_t rid,
			   const struct hier_issue *issues, size_t nissues, const char *now,
			   long *open_agency, long *open_hier)
{
	struct finds f = { 0 };
	int64_t *inds, org = 0, ver = 0;
	size_t ninds;
	if (db_query_int(c, &org, "SELECT d.org_id FROM data_resources r JOIN data_datasets d ON d.id = r.dataset_id "
				  "WHERE r.id = ?", "i", rid) != DB_ROW ||
	    db_query_int(c, &ver, "SELECT cur_version FROM data_resources WHERE id = ?", "i", rid) != DB_ROW ||
	    db_exec(c, "UPDATE data_conflicts SET checked = 0 WHERE open = 1 AND (resource_a = ? OR resource_b = ?)",
		    "ii", rid, rid) != DB_DONE ||
	    shared_indicators(c, a, rid, &inds, &ninds))
		return -1;
	for (size_t i = 0; i < ninds; i++)
		if (detect_indicator(c, a, inds[i], rid, &f))
			return -1;
	for (size_t i = 0; i < nissues; i++) {
		const struct hier_issue *h = &issues[i];
		struct found fd = { "hierarchy", h->indicator_id, h->region, h->period,
				    { org, rid, ver, h->parent_value }, { org, rid, ver, h->children_sum } };
		if (finds_add(a, &f, &fd))
			return -1;
	}
	for (size_t i = 0; i < f.n; i++)
		if (upsert(c, &f.v[i], now))
			return -1;
	if (db_exec(c, "UPDATE data_conflicts SET open = 0, status = 'superseded', updated_at = ? "
		       "WHERE open = 1 AND checked = 0 AND (resource_a = ? OR resource_b = ?)", "sii", now, rid, rid) != DB_DONE)
		return -1;
	return open_counts(c, rid, open_agency, open_hier);
}

int conflicts_scan_all(struct db_conn *c, struct arena *a, const char *now, long *tables, long *open)
{
	struct finds f = { 0 };
	int64_t n = 0, o = 0;
	if (db_exec(c, "UPDATE data_conflicts SET checked = 0 WHERE open = 1 AND kind = 'agency'", "") != DB_DONE)
		return -1;
	/* Only indicators that two or more agencies report can disagree. */
	struct db_stmt *st = db_query(c, "SELECT m.indicator_id FROM data_mappings m "
					 "JOIN data_resources r ON r.id = m.resource_id "
					 "JOIN data_datasets d ON d.id = r.dataset_id WHERE r.cur_version > 0 "
					 "GROUP BY m.indicator_id HAVING count(DISTINCT d.org_id) > 1", "");
	if (!st)
		return -1;
	int64_t ids[256];
	size_t nids = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW && nids < 256)
		ids[nids++] = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return -1;
	for (size_t i = 0; i < nids; i++)
		if (detect_indicator(c, a, ids[i], 0, &f))
			return -1;
	for (size_t i = 0; i < f.n; i++)
		if (upsert(c, &f.v[i], now))
			return -1;
	if (db_exec(c, "UPDATE data_conflicts SET open = 0, status = 'superseded', updated_at = ? "
		       "WHERE open = 1 AND checked = 0 AND kind = 'agency'", "s", now) != DB_DONE ||
	    db_query_int(c, &n, "SELECT count(*) FROM data_resources WHERE cur_version > 0", "") != DB_ROW ||
	    db_query_int(c, &o, "SELECT count(*) FROM data_conflicts WHERE open = 1 AND kind = 'agency'", "") != DB_ROW)
		return -1;
	*tables = (long)n;
	*open = (long)o;
	return 0;
}

int conflicts_open_count(struct db_conn *c, int64_t rid, int64_t *n)
{
	return db_query_int(c, n, "SELECT count(*) FROM data_conflicts WHERE open = 1 AND (resource_a = ? OR resource_b = ?)",
			    "ii", rid, rid) == DB_ROW ? 0 : -1;
}

/* ---- escalation -------------------------------------------------------------- */

/* Open conflicts older than the setting go to the data forum.  Each is
 * marked once (escalated_at IS NULL guards it), in one transaction, so a
 * tick that runs twice or on two servers escalates nothing twice. */
void conflicts_tick(struct app *app)
{
	struct db_conn *c = db_acquire(app->db);
	char now[24], cutoff[24];
	int days = data_setting_int(c, "escalate_days", DATA_ESCALATE_DAYS_DEFAULT);
	time_t t = app_now(app);
	time_iso(t, now);
	time_iso(t - (time_t)days * 86400, cutoff);
	int64_t ids[256];
	size_t n = 0;
	int rc = DB_ERROR;

	if (db_tx_begin(c) != DB_OK)
		goto out;
	struct db_stmt *st = db_query(c, "SELECT id FROM data_conflicts WHERE open = 1 AND escalated_at IS NULL "
					 "AND opened_at < ? ORDER BY id", "s", cutoff);
	while (st && n < 256 && (rc = db_step(st)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_done(st);
	if (!st || (rc != DB_DONE && rc != DB_ROW))
		goto rollback;
	for (size_t i = 0; i < n; i++) {
		if (db_exec(c, "UPDATE data_conflicts SET escalated_at = ?, updated_at = ? WHERE id = ? "
			       "AND escalated_at IS NULL AND open = 1", "ssi", now, now, ids[i]) != DB_DONE)
			goto rollback;
		if (db_changes(c) != 1)
			continue;
		json_t *details = json_pack("{s:s, s:i}", "forum", DATA_FORUM_UNIT, "days", days);
		char object[40];
		snprintf(object, sizeof(object), "conflict:%lld", (long long)ids[i]);
		rc = audit_append(c, NULL, "data.conflict_escalate", object, details);
		json_decref(details);
		if (rc)
			goto rollback;
	}
	if (db_tx_commit(c) == DB_OK)
		goto out;
	log_error("conflict escalation not saved", LOG_F("module", "data"), LOG_F("error", db_errmsg(c)));
	goto out;
rollback:
	log_error("conflict escalation failed", LOG_F("module", "data"), LOG_F("error", db_errmsg(c)));
	db_tx_rollback(c);
out:
	db_release(app->db, c);
}

/* ---- the API ---------------------------------------------------------------------- */

#define CONFLICT_SELECT "SELECT c.id, c.kind, i.code, i.name, i.unit, i.producer_org_id, c.region, c.period, " \
			"c.org_a, c.resource_a, c.version_a, c.value_a, c.org_b, c.resource_b, c.version_b, c.value_b, " \
			"c.open, c.status, c.official_side, c.official_value, c.returned_to, c.note, c.opened_at, " \
			"c.updated_at, c.escalated_at, c.resolved_at, c.resolved_by " \
			"FROM data_conflicts c JOIN data_indicators i ON i.id = c.indicator_id "

struct conflict {
	int64_t id, producer, returned_to;
	const char *kind, *code, *name, *unit, *region, *period, *status, *official_side, *note;
	const char *opened_at, *updated_at, *escalated_at, *resolved_at, *resolved_by;
	struct side a, b;
	bool open, has_official;
	double official_value;
};

static const char *dup(struct req *r, struct db_stmt *st, int i)
{
	return db_col_is_null(st, i) ? NULL : arena_strdup(r->arena, db_col_text(st, i));
}

static void conflict_read(struct req *r, struct db_stmt *st, struct conflict *x)
{
	x->id = db_col_int(st, 0);
	x->kind = dup(r, st, 1);
	x->code = dup(r, st, 2);
	x->name = dup(r, st, 3);
	x->unit = dup(r, st, 4);
	x->producer = db_col_int(st, 5);
	x->region = dup(r, st, 6);
	x->period = dup(r, st, 7);
	x->a = (struct side){ db_col_int(st, 8), db_col_int(st, 9), db_col_int(st, 10), db_col_double(st, 11) };
	x->b = (struct side){ db_col_int(st, 12), db_col_int(st, 13), db_col_int(st, 14), db_col_double(st, 15) };
	x->open = db_col_int(st, 16) != 0;
	x->status = dup(r, st, 17);
	x->official_side = dup(r, st, 18);
	x->has_official = !db_col_is_null(st, 19);
	x->official_value = db_col_double(st, 19);
	x->returned_to = db_col_is_null(st, 20) ? 0 : db_col_int(st, 20);
	x->note = dup(r, st, 21);
	x->opened_at = dup(r, st, 22);
	x->updated_at = dup(r, st, 23);
	x->escalated_at = dup(r, st, 24);
	x->resolved_at = dup(r, st, 25);
	x->resolved_by = dup(r, st, 26);
}

static bool in_forum(struct req *r)
{
	int64_t forum = data_unit_id(r->db, DATA_FORUM_UNIT);
	return forum && data_caller_in(r, forum);
}

static bool may_see(struct req *r, const struct conflict *x)
{
	return can(&r->caller, &data_oversee, NULL) ||
	       data_caller_in(r, x->a.org) || data_caller_in(r, x->b.org) || (x->escalated_at && in_forum(r));
}

static json_t *side_json(struct req *r, const struct side *s, int64_t producer, const char *label)
{
	const char *uid = NULL, *rname = NULL, *dname = NULL, *dtitle = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT r.uid, r.name, d.name, d.title FROM data_resources r "
					     "JOIN data_datasets d ON d.id = r.dataset_id WHERE r.id = ?", "i", s->resource);
	if (st && db_step(st) == DB_ROW) {
		uid = dup(r, st, 0);
		rname = dup(r, st, 1);
		dname = dup(r, st, 2);
		dtitle = dup(r, st, 3);
	}
	db_done(st);
	return json_pack("{s:s, s:f, s:{s:s, s:s}, s:b, s:s?, s:s?, s:s?, s:s?, s:I}", "label", label,
			 "value", s->value, "org", "code", data_org_code(r, s->org), "name", data_org_name(r, s->org),
			 "designated", s->org == producer, "resource", uid, "resource_name", rname,
			 "dataset", dname, "dataset_title", dtitle, "version", (json_int_t)s->version);
}

static json_t *conflict_json(struct req *r, const struct conflict *x)
{
	const char *nama = NULL;
	int level = 0;
	regions_lookup(r->db, r->arena, x->region, &nama, &level);
	bool hier = strcmp(x->kind, "hierarchy") == 0;
	json_t *o = json_pack("{s:I, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s?}, s:s, s:o, s:o, s:b, s:s, s:s?, s:s?,"
			      " s:s?, s:s, s:s, s:s?, s:b, s:s?, s:s?}",
			      "id", (json_int_t)x->id, "kind", x->kind,
			      "indicator", "code", x->code, "name", x->name, "unit", x->unit,
			      "region", "kode", x->region, "nama", nama, "period", x->period,
			      "a", side_json(r, &x->a, x->producer, hier ? "reported total" : "held"),
			      "b", side_json(r, &x->b, x->producer, hier ? "sum of the parts" : "new"),
			      "open", x->open, "status", x->status, "official_side", x->official_side,
			      "note", x->note, "returned_to", x->returned_to ? data_org_code(r, x->returned_to) : NULL,
			      "opened_at", x->opened_at, "updated_at", x->updated_at, "escalated_at", x->escalated_at,
			      "escalated", x->escalated_at != NULL, "resolved_at", x->resolved_at,
			      "resolved_by", x->resolved_by);
	json_object_set_new(o, "official_value", x->has_official ? json_real(x->official_value) : json_null());
	return o;
}

/* GET /api/data/conflicts?status=open|resolved|all */
int h_conflicts_list(struct req *r)
{
	const char *status = req_query(r, "status");
	bool all = status && strcmp(status, "all") == 0;
	bool closed = status && strcmp(status, "resolved") == 0;
	if (status && !all && !closed && strcmp(status, "open") != 0)
		return reply_error(r, 400, "invalid", "status must be open, resolved or all", "status");
	struct db_stmt *st = all ? db_query(r->db, CONFLICT_SELECT "ORDER BY c.open DESC, c.opened_at, c.id LIMIT 2000", "")
			   : db_query(r->db, CONFLICT_SELECT "WHERE c.open = ? ORDER BY c.opened_at, c.id LIMIT 2000",
				      "i", (int64_t)(closed ? 0 : 1));
	if (!st)
		return reply_db_error(r);
	struct conflict *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct conflict *slot = ARENA_PUSH(r->arena, v, n, cap);
		if (!slot)
			break;
		conflict_read(r, st, slot);
	}
	db_done(st);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		if (may_see(r, &v[i]))
			json_array_append_new(items, conflict_json(r, &v[i]));
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int load_conflict(struct req *r, struct conflict *x)
{
	char *end;
	long long id = strtoll(req_param(r, "id"), &end, 10);
	if (*end || id <= 0)
		return reply_error(r, 404, "not_found", "no such conflict", NULL), 1;
	struct db_stmt *st = db_query(r->db, CONFLICT_SELECT "WHERE c.id = ?", "i", (int64_t)id);
	if (!st)
		return reply_db_error(r), 1;
	int rc = db_step(st);
	if (rc == DB_ROW)
		conflict_read(r, st, x);
	db_done(st);
	if (rc != DB_ROW)
		return (rc == DB_DONE ? reply_error(r, 404, "not_found", "no such conflict", NULL) : reply_db_error(r)), 1;
	if (!may_see(r, x))
		return reply_error(r, 404, "not_found", "no such conflict", NULL), 1;
	return 0;
}

/* GET /api/data/conflicts/{id} */
int h_conflict_get(struct req *r)
{
	struct conflict x;
	if (load_conflict(r, &x))
		return 0;
	return reply_json(r, 200, json_pack("{s:o}", "conflict", conflict_json(r, &x)));
}

/* POST /api/data/conflicts/{id}/resolve {decision: official|return, side?, note?}
 * official: the designated producer's figure is the official one and the
 * other stays on record as an alternative (when neither side is the
 * designated producer the walidata names the side); return: the figure goes
 * back to its producer with the note, and its submitted version with it. */
int h_conflict_resolve(struct req *r)
{
	struct conflict x;
	const char *decision = body_str(r, "decision"), *side = body_str(r, "side"), *note = body_str(r, "note");
	char now[24];
	if (load_conflict(r, &x))
		return 0;
	if (!data_is_walidata(r) && !(x.escalated_at && in_forum(r)))
		return reply_error(r, 403, "forbidden", "the walidata resolves conflicts (the data forum once escalated)", NULL);
	if (!x.open)
		return reply_error(r, 409, "conflict", "this conflict is closed", NULL);
	if (side && strcmp(side, "a") != 0 && strcmp(side, "b") != 0)
		return reply_error(r, 400, "invalid", "side must be a or b", "side");
	bool hier = strcmp(x.kind, "hierarchy") == 0;
	const char *designated = hier ? "a" : x.a.org == x.producer ? "a" : x.b.org == x.producer ? "b" : NULL;
	data_now(r->app, now);
	const char *by = r->caller.name ? r->caller.name : "?";
	int rc;
	if (strcmp(decision, "official") == 0) {
		const char *pick = side ? side : designated;
		if (!pick)
			return reply_error(r, 400, "invalid", "neither figure comes from the indicator's designated "
					   "producer: say which side is official", "side");
		if (!hier && designated && strcmp(pick, designated) != 0)
			return reply_error(r, 400, "invalid", "the designated producer's figure is the official one; "
					   "return it to its producer to correct it instead", "side");
		double value = pick[0] == 'a' ? x.a.value : x.b.value;
		rc = db_exec(r->db, "UPDATE data_conflicts SET open = 0, status = 'resolved', official_side = ?, "
				    "official_value = ?, note = ?, resolved_at = ?, resolved_by = ?, updated_at = ? "
				    "WHERE id = ? AND open = 1", "sdssssi", pick, value, note, now, by, now, x.id);
		if (rc == DB_DONE && data_figures_changed(r->db) != 0)
			rc = DB_ERROR;
	} else if (strcmp(decision, "return") == 0) {
		if (!note || !*note)
			return reply_error(r, 400, "invalid", "say in the note what the producer must check", "note");
		/* By default the figure that is not the designated producer's. */
		const char *back = side ? side : hier ? "a" : designated ? (designated[0] == 'a' ? "b" : "a") : NULL;
		if (!back)
			return reply_error(r, 400, "invalid", "say which side goes back to its producer", "side");
		const struct side *s = back[0] == 'a' ? &x.a : &x.b;
		rc = db_exec(r->db, "UPDATE data_conflicts SET status = 'returned', returned_to = ?, note = ?, updated_at = ? "
				    "WHERE id = ? AND open = 1", "issi", s->org, note, now, x.id);
		if (rc == DB_DONE)
			rc = db_exec(r->db, "UPDATE data_versions SET status = 'returned', review_note = ? "
					    "WHERE resource_id = ? AND status IN ('submitted', 'verified') AND number = "
					    "(SELECT cur_version FROM data_resources WHERE id = ?)", "sii", note, s->resource,
				     s->resource);
	} else {
		return reply_error(r, 400, "invalid", "decision must be official or return", "decision");
	}
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *details = json_pack("{s:s, s:s?, s:s?}", "decision", decision, "side", side, "note", note);
	rc = audit_append(r->db, &r->caller, "data.conflict_resolve", arena_printf(r->arena, "conflict:%lld",
										    (long long)x.id), details);
	json_decref(details);
	if (rc || load_conflict(r, &x))
		return rc ? reply_db_error(r) : 0;
	return reply_json(r, 200, json_pack("{s:o}", "conflict", conflict_json(r, &x)));
}

/* POST /api/data/scan: the forum's full cross-agency comparison. */
int h_scan(struct req *r)
{
	char now[24];
	long tables, open;
	data_now(r->app, now);
	int64_t t0 = time_now_us();
	if (conflicts_scan_all(r->db, r->arena, now, &tables, &open))
		return reply_db_error(r);
	if (audit_append(r->db, &r->caller, "data.scan", "conflicts", NULL))
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:I, s:I, s:I}", "tables", (json_int_t)tables, "open", (json_int_t)open,
					    "micros", (json_int_t)(time_now_us() - t0)));
}

/* GET /api/data/settings */
int h_settings_get(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:i}", "escalate_days",
					    data_setting_int(r->db, "escalate_days", DATA_ESCALATE_DAYS_DEFAULT)));
}

/* PATCH /api/data/settings {escalate_days} */
int h_settings_update(struct req *r)
{
	json_int_t days = json_integer_value(json_object_get(r->body, "escalate_days"));
	if (days < 0 || days > 365)
		return reply_error(r, 400, "invalid", "escalate_days must be from 0 to 365", "escalate_days");
	char value[24];
	snprintf(value, sizeof(value), "%lld", (long long)days);
	if (db_exec(r->db, "INSERT INTO data_settings (name, value) VALUES ('escalate_days', ?) "
			   "ON CONFLICT (name) DO UPDATE SET value = excluded.value", "s", value) != DB_DONE ||
	    audit_append(r->db, &r->caller, "data.settings", "settings", r->body))
		return reply_db_error(r);
	return h_settings_get(r);
}

json_t *data_overview(struct app *app, struct db_conn *c, struct arena *a)
{
	(void)app;
	(void)a;
	struct db_stmt *st = db_query(c, "SELECT kind, count(*), min(opened_at) FROM data_conflicts WHERE open = 1 "
					 "GROUP BY kind", "");
	if (!st)
		return NULL;
	json_int_t agency = 0, hierarchy = 0;
	char oldest[32] = "";
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *since = db_col_text(st, 2);
		if (strcmp(db_col_text(st, 0), "agency") == 0)
			agency = (json_int_t)db_col_int(st, 1);
		else
			hierarchy = (json_int_t)db_col_int(st, 1);
		if (since && (!*oldest || strcmp(since, oldest) < 0))
			snprintf(oldest, sizeof(oldest), "%s", since);
	}
	db_done(st);
	if (rc != DB_DONE)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:s?}", "open_conflicts", agency + hierarchy, "between_agencies", agency,
			 "between_levels", hierarchy, "oldest_since", *oldest ? oldest : NULL);
}
