/* orgs.c - org_units: the tree of the regency's units, its admin API, and
 * the demo tree of Kabupaten Purbalingga.
 *
 * A regency has a few hundred units at most, so listings load the whole
 * tree and order it in C - parent before children, siblings by name in
 * byte order - which both databases then answer alike.
 */
#include "orgs.h"
#include "log.h"
#include "events.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "can.h"
#include "http.h"
#include "regions.h"
#include "util.h"

#define CODE_MAX 32
#define UNIT_NAME_MAX 200
#define KIND_MAX 16
#define REGION_MAX 13		/* "33.03.01.2001" */

static const char *const kinds[] = {
	"secretariat", "agency", "office", "hospital", "health_facility", "district", "other",
};

struct unit {
	int64_t id, parent_id;		/* parent_id 0: a top-level unit */
	const char *code, *name, *kind, *parent, *region;
	bool demo;
	struct unit *first, *last, *next;	/* children in name order */
};

#define UNIT_SELECT "SELECT u.id, u.code, u.name, u.kind, u.parent_id, p.code, u.region, u.demo " \
		    "FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id "

/* ---- reading units ------------------------------------------------------- */

static const char *dup_or_null(struct arena *a, struct db_stmt *st, int col, bool *oom)
{
	if (db_col_is_null(st, col))
		return NULL;
	const char *s = arena_strdup(a, db_col_text(st, col));
	if (!s)
		*oom = true;
	return s;
}

/* All rows of st into an array in a: how many, or -1. */
static long units_read(struct db_stmt *st, struct arena *a, struct unit **out)
{
	struct unit *v = NULL;
	size_t n = 0, cap = 0;
	bool oom = false;
	int rc;

	*out = NULL;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		struct unit *u = ARENA_PUSH(a, v, n, cap);
		if (!u) {
			oom = true;
			break;
		}
		u->id = db_col_int(st, 0);
		u->code = dup_or_null(a, st, 1, &oom);
		u->name = dup_or_null(a, st, 2, &oom);
		u->kind = dup_or_null(a, st, 3, &oom);
		u->parent_id = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
		u->parent = dup_or_null(a, st, 5, &oom);
		u->region = dup_or_null(a, st, 6, &oom);
		u->demo = db_col_int(st, 7) != 0;
		if (oom)
			break;
	}
	db_done(st);
	*out = v;
	return rc == DB_DONE && !oom ? (long)n : -1;
}

static int unit_cmp_name(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->code, y->code);
}

static int unit_cmp_id(const void *a, const void *b)
{
	const struct unit *x = *(const struct unit *const *)a, *y = *(const struct unit *const *)b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static json_t *unit_json(const struct unit *u)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:b}", "code", u->code, "name", u->name,
			 "kind", u->kind, "parent", u->parent, "region", u->region, "demo", u->demo);
}

/* The unit with this code: DB_ROW and *u, DB_DONE when none, or < 0. */
static int unit_by_code(struct req *r, const char *code, struct unit *u)
{
	struct unit *v;
	long n = units_read(db_query(r->db, UNIT_SELECT "WHERE u.code = ?", "s", code), r->arena, &v);
	if (n < 0)
		return DB_ERROR;
	if (n == 0)
		return DB_DONE;
	*u = v[0];
	return DB_ROW;
}

int orgs_id_by_code(struct db_conn *c, const char *code, int64_t *id)
{
	int rc = db_query_int(c, id, "SELECT id FROM org_units WHERE code = ?", "s", code);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int orgs_find_code(struct db_conn *c, struct arena *a, const char *code, int64_t *id, const char **name)
{
	struct db_stmt *st = db_query(c, "SELECT id, name FROM org_units WHERE code = ?", "s", code);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		if (!(*name = arena_strdup(a, db_col_text(st, 1))))
			rc = DB_ERROR;
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int orgs_code_name(struct db_conn *c, struct arena *a, int64_t id,
		   const char **code, const char **name)
{
	struct db_stmt *st = db_query(c, "SELECT code, name FROM org_units WHERE id = ?", "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*code = arena_strdup(a, db_col_text(st, 0));
		*name = arena_strdup(a, db_col_text(st, 1));
		if (!*code || !*name)
			rc = DB_ERROR;
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int orgs_district_office(struct db_conn *c, const char *district, int64_t *id)
{
	int rc = db_query_int(c, id, "SELECT id FROM org_units WHERE kind = 'district' AND region = ? "
				     "ORDER BY id LIMIT 1", "s", district);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int orgs_office_district(struct db_conn *c, struct arena *a, int64_t id, const char **district)
{
	struct db_stmt *st = db_query(c, "SELECT region FROM org_units WHERE id = ? AND kind = 'district' "
					 "AND region IS NOT NULL", "i", id);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW && !(*district = arena_strdup(a, db_col_text(st, 0))))
		rc = DB_ERROR;
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

/* ---- checks: each replies 400 and returns -1 when the value is refused --- */

static int check_code(struct req *r, const char *code)
{
	size_t n = strlen(code);
	bool ok = n >= 2 && n <= CODE_MAX &&
		  ((code[0] >= 'A' && code[0] <= 'Z') || (code[0] >= '0' && code[0] <= '9'));
	for (size_t i = 1; ok && i < n; i++)
		ok = (code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9') ||
		     code[i] == '_' || code[i] == '-';
	if (ok)
		return 0;
	reply_error(r, 400, "invalid", "code must be 2 to 32 capital letters, digits, '_' or '-', "
		    "starting with a letter or digit", "code");
	return -1;
}

/* Names are shown in lists and on letters: one line, not blank. */
static int check_name(struct req *r, const char *name)
{
	bool seen = false, ok = true;
	for (const char *s = name; *s && ok; s++) {
		ok = (unsigned char)*s >= 0x20 && *s != 0x7f;
		seen |= *s != ' ';
	}
	if (ok && seen)
		return 0;
	reply_error(r, 400, "invalid", "name must be one line of text, not blank", "name");
	return -1;
}

static int check_kind(struct req *r, const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 0;
	reply_error(r, 400, "invalid", "kind must be secretariat, agency, office, hospital, "
		    "health_facility, district or other", "kind");
	return -1;
}

/* parent (a unit code) must exist; *id gets its id. */
static int check_parent(struct req *r, const char *parent, int64_t *id)
{
	int rc = orgs_id_by_code(r->db, parent, id);
	if (rc == 0)
		return 0;
	if (rc < 0)
		reply_db_error(r);
	else
		reply_error(r, 400, "invalid", "parent is not the code of an existing unit", "parent");
	return -1;
}

static int check_region(struct req *r, const char *region)
{
	int rc = regions_lookup(r->db, NULL, region, NULL, NULL);
	if (rc == 0)
		return 0;
	if (rc < 0)
		reply_db_error(r);
	else
		reply_error(r, 400, "invalid", "region is not a code in the region register", "region");
	return -1;
}

/* Would hanging unit below new_parent make a loop?  Walks up from
 * new_parent; UNION (not UNION ALL) ends the walk even on a looped tree. */
static int would_loop(struct req *r, int64_t unit, int64_t new_parent)
{
	int64_t hits;
	int rc = db_query_int(r->db, &hits,
			      "WITH RECURSIVE up (id) AS (SELECT CAST(? AS BIGINT) UNION "
			      "SELECT o.parent_id FROM org_units o JOIN up ON o.id = up.id "
			      "WHERE o.parent_id IS NOT NULL) SELECT count(*) FROM up WHERE id = ?",
			      "ii", new_parent, unit);
	if (rc != DB_ROW) {
		reply_db_error(r);
		return -1;
	}
	if (hits == 0)
		return 0;
	reply_error(r, 400, "invalid", "parent is this unit or one of its own sub-units", "parent");
	return -1;
}

/* Record the change and tell live pages (unit pickers, consoles). */
static int audit(struct req *r, const char *action, const char *code, json_t *details)
{
	json_t *ev = json_pack("{s:s, s:s}", "action", action, "code", code);
	int rc = audit_append(r->db, &r->caller, action, arena_printf(r->arena, "org:%s", code), details);
	if (rc == 0)
		rc = events_publish(r->app->events, r->db, "public/orgs", ev) == DB_OK ? 0 : -1;
	json_decref(ev);
	return rc;
}

/* Reply with {"unit": the unit as stored now}. */
static int reply_unit(struct req *r, int status, const char *code)
{
	struct unit u;
	int rc = unit_by_code(r, code, &u);
	if (rc != DB_ROW)
		return reply_db_error(r);
	return reply_json(r, status, json_pack("{s:o}", "unit", unit_json(&u)));
}

/* ---- handlers ---------------------------------------------------------------- */

/* GET /api/orgs: the whole tree, depth first. */
static int orgs_list(struct req *r)
{
	struct unit *v;
	long n = units_read(db_query(r->db, UNIT_SELECT, ""), r->arena, &v);
	if (n < 0)
		return reply_db_error(r);
	json_t *items = json_array();
	if (n == 0)
		return reply_json(r, 200, json_pack("{s:o}", "items", items));

	struct unit **by_id = arena_alloc(r->arena, (size_t)n * sizeof(*by_id));
	struct unit **stack = arena_alloc(r->arena, (size_t)n * sizeof(*stack));
	if (!by_id || !stack) {
		json_decref(items);
		return reply_error(r, 500, "internal", "out of memory", NULL);
	}
	qsort(v, (size_t)n, sizeof(*v), unit_cmp_name);
	for (long i = 0; i < n; i++)
		by_id[i] = &v[i];
	qsort(by_id, (size_t)n, sizeof(*by_id), unit_cmp_id);

	/* Link each unit under its parent, in name order. */
	struct unit root = { 0 };
	for (long i = 0; i < n; i++) {
		struct unit *u = &v[i], key = { .id = u->parent_id }, *kp = &key, *p = &root;
		if (u->parent_id) {
			struct unit **found = bsearch(&kp, by_id, (size_t)n, sizeof(*by_id), unit_cmp_id);
			if (found)
				p = *found;
		}
		if (p->last)
			p->last->next = u;
		else
			p->first = u;
		p->last = u;
	}

	/* Pre-order walk.  Units on a loop (never made through this API)
	 * hang under no root and are left out. */
	size_t sp = 0;
	for (struct unit *u = root.first; u;) {
		json_array_append_new(items, unit_json(u));
		if (u->first) {
			if (u->next)
				stack[sp++] = u->next;
			u = u->first;
		} else {
			u = u->next ? u->next : sp ? stack[--sp] : NULL;
		}
	}
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /api/orgs/{code}: the unit and its direct sub-units. */
static int orgs_get(struct req *r)
{
	struct unit u, *kids;
	int rc = unit_by_code(r, req_param(r, "code"), &u);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no unit has this code", NULL);
	if (rc != DB_ROW)
		return reply_db_error(r);
	long n = units_read(db_query(r->db, UNIT_SELECT "WHERE u.parent_id = ?", "i", u.id), r->arena, &kids);
	if (n < 0)
		return reply_db_error(r);
	if (n > 0)
		qsort(kids, (size_t)n, sizeof(*kids), unit_cmp_name);
	json_t *children = json_array();
	for (long i = 0; i < n; i++)
		json_array_append_new(children, unit_json(&kids[i]));
	return reply_json(r, 200, json_pack("{s:o, s:o}", "unit", unit_json(&u), "children", children));
}

/* POST /api/orgs {code, name, kind, parent?, region?} */
static int orgs_create(struct req *r)
{
	const char *code = body_str(r, "code"), *name = body_str(r, "name"), *kind = body_str(r, "kind");
	const char *parent = body_str(r, "parent"), *region = body_str(r, "region");
	int64_t parent_id;
	char now[24];

	if (check_code(r, code) || check_name(r, name) || check_kind(r, kind) ||
	    (parent && check_parent(r, parent, &parent_id)) || (region && check_region(r, region)))
		return 0;
	time_iso_now(now);
	int rc = db_exec(r->db, "INSERT INTO org_units (code, name, kind, parent_id, region, demo, "
				"created_at, updated_at) VALUES (?, ?, ?, "
				"(SELECT id FROM org_units WHERE code = ?), ?, 0, ?, ?)",
			 "sssssss", code, name, kind, parent, region, now, now);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "a unit with this code exists", "code");
	if (rc != DB_DONE)
		return reply_db_error(r);
	if (audit(r, "org.create", code, r->body) != 0)
		return reply_db_error(r);
	return reply_unit(r, 201, code);
}

/* PATCH /api/orgs/{code} {name?, kind?, parent?, region?} */
static int orgs_update(struct req *r)
{
	struct unit u;
	int rc = unit_by_code(r, req_param(r, "code"), &u);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no unit has this code", NULL);
	if (rc != DB_ROW)
		return reply_db_error(r);

	const char *name = body_has(r, "name") ? body_str(r, "name") : u.name;
	const char *kind = body_has(r, "kind") ? body_str(r, "kind") : u.kind;
	const char *parent = body_has(r, "parent") ? body_str(r, "parent") : u.parent;
	const char *region = body_has(r, "region") ? body_str(r, "region") : u.region;
	int64_t parent_id;
	char now[24];

	if (check_name(r, name) || check_kind(r, kind) ||
	    (parent && (check_parent(r, parent, &parent_id) || would_loop(r, u.id, parent_id))) ||
	    (region && body_has(r, "region") && check_region(r, region)))
		return 0;
	time_iso_now(now);
	rc = db_exec(r->db, "UPDATE org_units SET name = ?, kind = ?, "
			    "parent_id = (SELECT id FROM org_units WHERE code = ?), region = ?, "
			    "updated_at = ? WHERE id = ?",
		     "sssssi", name, kind, parent, region, now, u.id);
	if (rc != DB_DONE)
		return reply_db_error(r);
	if (audit(r, "org.update", u.code, r->body) != 0)
		return reply_db_error(r);
	return reply_unit(r, 200, u.code);
}

/* DELETE /api/orgs/{code}: refused while sub-units or references remain. */
static int orgs_delete(struct req *r)
{
	struct unit u;
	int64_t kids;
	int rc = unit_by_code(r, req_param(r, "code"), &u);
	if (rc == DB_DONE)
		return reply_error(r, 404, "not_found", "no unit has this code", NULL);
	if (rc != DB_ROW ||
	    db_query_int(r->db, &kids, "SELECT count(*) FROM org_units WHERE parent_id = ?", "i", u.id) != DB_ROW)
		return reply_db_error(r);
	if (kids > 0)
		return reply_error(r, 409, "conflict", "the unit still has sub-units", NULL);
	/* Staff roles and API keys name units by foreign key: the database
	 * itself refuses to orphan them. */
	rc = db_exec(r->db, "DELETE FROM org_units WHERE id = ?", "i", u.id);
	if (rc == DB_CONSTRAINT)
		return reply_error(r, 409, "conflict", "the unit still has staff or API keys", NULL);
	if (rc != DB_DONE)
		return reply_db_error(r);
	json_t *details = json_pack("{s:s, s:s}", "code", u.code, "name", u.name);
	rc = audit(r, "org.delete", u.code, details);
	json_decref(details);
	if (rc != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- demo data: Kabupaten Purbalingga ------------------------------------------ */

struct demo_unit {
	const char *code, *name, *kind, *parent;
};

/* Parents come before their children. */
static const struct demo_unit demo_units[] = {
	{ "SETDA", "Sekretariat Daerah", "secretariat", NULL },
	{ "SETDA-PEM", "Bagian Pemerintahan", "secretariat", "SETDA" },
	{ "SETDA-HUKUM", "Bagian Hukum", "secretariat", "SETDA" },
	{ "SETDA-KESRA", "Bagian Kesejahteraan Rakyat", "secretariat", "SETDA" },
	{ "SETDA-EKON", "Bagian Perekonomian dan Sumber Daya Alam", "secretariat", "SETDA" },
	{ "SETDA-ADMPEMB", "Bagian Administrasi Pembangunan", "secretariat", "SETDA" },
	{ "SETDA-PBJ", "Bagian Pengadaan Barang dan Jasa", "secretariat", "SETDA" },
	{ "SETDA-ORG", "Bagian Organisasi", "secretariat", "SETDA" },
	{ "SETDA-UMUM", "Bagian Umum", "secretariat", "SETDA" },
	{ "SETDA-PROKOMPIM", "Bagian Protokol dan Komunikasi Pimpinan", "secretariat", "SETDA" },
	{ "SETWAN", "Sekretariat DPRD", "secretariat", NULL },
	{ "INSPEKTORAT", "Inspektorat Daerah", "agency", NULL },
	{ "BAPPELITBANGDA", "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
	  "agency", NULL },
	{ "BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "agency", NULL },
	{ "BPKPAD", "Badan Pengelolaan Keuangan, Pendapatan dan Aset Daerah", "agency", NULL },
	{ "KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "agency", NULL },
	{ "BPBD", "Badan Penanggulangan Bencana Daerah", "agency", NULL },
	{ "DINKES", "Dinas Kesehatan", "office", NULL },
	{ "RSUD-GOETENG", "RSUD dr. R. Goeteng Taroenadibrata", "hospital", "DINKES" },
	{ "DINDIKBUD", "Dinas Pendidikan dan Kebudayaan", "office", NULL },
	{ "PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "office", NULL },
	{ "DINPERKIM", "Dinas Perumahan dan Kawasan Permukiman", "office", NULL },
	{ "SATPOLPP", "Satuan Polisi Pamong Praja", "office", NULL },
	{ "DINSOS", "Dinas Sosial, Pengendalian Penduduk dan Keluarga Berencana, "
		    "Pemberdayaan Perempuan dan Perlindungan Anak", "office", NULL },
	{ "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "office", NULL },
	{ "DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "office", NULL },
	{ "DINHUB", "Dinas Perhubungan", "office", NULL },
	{ "DINKOMINFO", "Dinas Komunikasi dan Informatika", "office", NULL },
	{ "DINKOPUKM", "Dinas Koperasi dan Usaha Kecil Menengah", "office", NULL },
	{ "DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "office", NULL },
	{ "DINPORAPAR", "Dinas Pemuda, Olahraga dan Pariwisata", "office", NULL },
	{ "DINARPUS", "Dinas Arsip dan Perpustakaan", "office", NULL },
	{ "DINPERTAN", "Dinas Pertanian", "office", NULL },
	{ "DINPERINDAG", "Dinas Perindustrian dan Perdagangan", "office", NULL },
	{ "DLH", "Dinas Lingkungan Hidup", "office", NULL },
};

/* Every district has a puskesmas named after it; these are the second
 * ones, with the district they stand in. */
static const struct {
	const char *name, *district;
} demo_extra_puskesmas[] = {
	{ "Kutawis", "Bukateja" },
	{ "Kalikajar", "Kaligondang" },
	{ "Serayu Larangan", "Mrebet" },
};

/* "Serayu Larangan" -> "PKM-SERAYU-LARANGAN": capitals, a dash for any
 * run of other characters, cut at CODE_MAX. */
static void demo_code(char out[CODE_MAX + 1], const char *prefix, const char *name)
{
	size_t n = 0;
	for (; *prefix && n < CODE_MAX; prefix++)
		out[n++] = *prefix;
	for (; *name && n < CODE_MAX; name++) {
		char ch = *name;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - ('a' - 'A'));
		else if (!(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9'))
			ch = '-';
		if (ch != '-' || (n > 0 && out[n - 1] != '-'))
			out[n++] = ch;
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

struct demo_ctx {
	struct db_conn *c;
	struct arena *a;
	char now[24];
	long added;
};

static int demo_add(struct demo_ctx *d, const char *code, const char *name, const char *kind,
		    const char *parent, const char *region)
{
	if (db_exec(d->c, "INSERT INTO org_units (code, name, kind, parent_id, region, demo, "
			  "created_at, updated_at) VALUES (?, ?, ?, "
			  "(SELECT id FROM org_units WHERE code = ?), ?, 1, ?, ?) "
			  "ON CONFLICT (code) DO NOTHING",
		    "sssssss", code, name, kind, parent, region, d->now, d->now) != DB_DONE)
		return -1;
	d->added += (long)db_changes(d->c);
	return 0;
}

/* A district office and its puskesmas, named from the register. */
static int demo_district(struct demo_ctx *d, const struct region *kec)
{
	char code[CODE_MAX + 1];
	demo_code(code, "KEC-", kec->nama);
	if (demo_add(d, code, arena_printf(d->a, "Kecamatan %s", kec->nama), "district", NULL, kec->kode))
		return -1;
	demo_code(code, "PKM-", kec->nama);
	return demo_add(d, code, arena_printf(d->a, "Puskesmas %s", kec->nama), "health_facility",
			"DINKES", kec->kode);
}

static int demo_load(struct demo_ctx *d, const char *regency)
{
	struct region *kec;
	size_t nkec;
	char code[CODE_MAX + 1];

	if (regions_children(d->c, d->a, regency, &kec, &nkec) != 0)
		return -1;
	if (nkec == 0) {
		log_error("demo units not created: no districts in the region register (run `pendopo import regions FILE`)",
			  LOG_F("module", "orgs"), LOG_F("regency", regency));
		return -1;
	}
	time_iso_now(d->now);
	for (size_t i = 0; i < sizeof(demo_units) / sizeof(demo_units[0]); i++) {
		const struct demo_unit *u = &demo_units[i];
		if (demo_add(d, u->code, u->name, u->kind, u->parent, NULL))
			return -1;
	}
	for (size_t i = 0; i < nkec; i++)
		if (demo_district(d, &kec[i]))
			return -1;
	for (size_t i = 0; i < sizeof(demo_extra_puskesmas) / sizeof(demo_extra_puskesmas[0]); i++) {
		for (size_t k = 0; k < nkec; k++) {
			if (strcasecmp(kec[k].nama, demo_extra_puskesmas[i].district) != 0)
				continue;
			demo_code(code, "PKM-", demo_extra_puskesmas[i].name);
			if (demo_add(d, code, arena_printf(d->a, "Puskesmas %s", demo_extra_puskesmas[i].name),
				     "health_facility", "DINKES", kec[k].kode))
				return -1;
		}
	}
	if (d->added == 0)
		return 0;
	json_t *details = json_pack("{s:s, s:I}", "regency", regency, "units", (json_int_t)d->added);
	int rc = audit_append(d->c, NULL, "org.demo_load", "orgs", details);
	json_decref(details);
	return rc;
}

int orgs_demo_load(struct app *app, struct db_conn *c)
{
	struct demo_ctx d = { .c = c, .added = 0 };
	const char *regency = app->cfg.regency_code;
	if (!regency) {
		log_error("demo units not created: no regency code configured", LOG_F("module", "orgs"));
		return -1;
	}
	/* Not a request: the demo keeps its own arena for names and lists. */
	if (!(d.a = arena_new(16384)))
		return -1;
	int rc = demo_load(&d, regency);
	arena_free(d.a);
	return rc;
}

/* ---- module ---------------------------------------------------------------------- */

static const struct field org_create_fields[] = {
	{ "code", FT_STRING, FF_REQUIRED, CODE_MAX },
	{ "name", FT_STRING, FF_REQUIRED, UNIT_NAME_MAX },
	{ "kind", FT_STRING, FF_REQUIRED, KIND_MAX },
	{ "parent", FT_STRING, FF_NULLABLE, CODE_MAX },
	{ "region", FT_STRING, FF_NULLABLE, REGION_MAX },
	{ 0 },
};

static const struct field org_update_fields[] = {
	{ "name", FT_STRING, 0, UNIT_NAME_MAX },
	{ "kind", FT_STRING, 0, KIND_MAX },
	{ "parent", FT_STRING, FF_NULLABLE, CODE_MAX },
	{ "region", FT_STRING, FF_NULLABLE, REGION_MAX },
	{ 0 },
};

static const struct route orgs_routes[] = {
	{ "GET", "/api/orgs", orgs_list, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/api/orgs/{code}", orgs_get, ROLE_PUBLIC, NULL, 0 },
	{ "POST", "/api/orgs", orgs_create, ROLE_ADMIN, org_create_fields, 0 },
	{ "PATCH", "/api/orgs/{code}", orgs_update, ROLE_ADMIN, org_update_fields, 0 },
	{ "DELETE", "/api/orgs/{code}", orgs_delete, ROLE_ADMIN, NULL, 0 },
	{ 0 },
};

/* A unit's stream is for its staff (admins and the regent's office see
 * every unit's). */
static const struct action follow_unit = { "events.follow_unit", .anywhere = ROLE_ADMIN | ROLE_REGENT_OFFICE,
					   .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };

/* "unit/CODE/…" */
static int unit_topic_may_follow(struct req *r, const char *topic)
{
	char code[CODE_MAX + 1];
	const char *start = topic + 5, *end = strchr(start, '/');
	size_t n = end ? (size_t)(end - start) : strlen(start);
	int64_t unit;
	if (n == 0 || n >= sizeof(code))
		return 0;
	memcpy(code, start, n);
	code[n] = '\0';
	return orgs_id_by_code(r->db, code, &unit) == 0 &&
	       can(&r->caller, &follow_unit, &(struct object){ .unit_id = unit });
}

static const struct topic_rule orgs_topics[] = {
	{ "unit/", unit_topic_may_follow },
	{ 0 },
};

static const struct migration orgs_migrations[] = {
	{ 1, "organisation units",
	  "CREATE TABLE org_units (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
	  " name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('secretariat', 'agency', 'office',"
	  " 'hospital', 'health_facility', 'district', 'other')),"
	  " parent_id INTEGER REFERENCES org_units (id), region TEXT,"
	  " demo INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
	  "CREATE INDEX org_units_parent ON org_units (parent_id);",
	  "CREATE TABLE org_units (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	  " code TEXT NOT NULL UNIQUE,"
	  " name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('secretariat', 'agency', 'office',"
	  " 'hospital', 'health_facility', 'district', 'other')),"
	  " parent_id BIGINT REFERENCES org_units (id), region TEXT,"
	  " demo INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
	  "CREATE INDEX org_units_parent ON org_units (parent_id);" },
	{ 0 },
};

const struct module orgs_module = {
	.name = "orgs",
	.routes = orgs_routes,
	.topics = orgs_topics,
	.migrations = orgs_migrations,
	.demo_load = orgs_demo_load,
};
