/* importer.c - a CSV becomes the next version of a table, or nothing.
 *
 * One pass over the file, read in chunks so that a million rows need no
 * more memory than their keys: every cell is checked against the table's
 * schema, region codes against the register, periods against their
 * grammar, primary keys against each other.  Rows are written as they
 * pass while no error has been seen; after the first error the rest is
 * still checked, so that the producer gets every error at once, and the
 * caller rolls the transaction back.  Rows whose content did not change
 * keep their stored row; changed and removed rows are closed at this
 * version (to_v), which is what makes diffs and "as of" reads exact.
 */
#include "satudata.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "csv.h"
#include "nik.h"
#include "regions.h"

#define CHUNK_BYTES (4u << 20)
#define RECORD_MAX_BYTES (64u << 20)	/* one record (quoted line breaks) at most */
#define MAX_COLUMNS 256
#define STREAM_READ (-10)
#define STREAM_TOO_LONG (-11)

/* ---- a CSV read in chunks ----------------------------------------------------- */

struct csv_stream {
	data_read_fn read;
	void *ctx;
	char *buf;
	size_t cap, len;	/* allocated (plus one spare byte), held */
	size_t region;		/* bytes of buf handed to the parser */
	size_t consumed;	/* bytes read from the source */
	struct csv csv;
	bool eof, first;
};

/* Just past the last line break in buf[0, len) that ends a record, or 0.
 * Follows csv.c: a quote opens a quoted field only at the field's start,
 * and a doubled quote inside one is text. */
static size_t last_boundary(const char *buf, size_t len)
{
	size_t last = 0;
	bool start = true, quoted = false;
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];
		if (quoted) {
			if (ch != '"')
				continue;
			if (i + 1 == len)
				break;	/* a doubled quote may be cut in two */
			if (buf[i + 1] == '"')
				i++;
			else
				quoted = false;
			continue;
		}
		if (start && ch == '"') {
			quoted = true;
			start = false;
		} else if (ch == ',') {
			start = true;
		} else if (ch == '\n') {
			last = i + 1;
			start = true;
		} else {
			start = false;
		}
	}
	return last;
}

static int stream_open(struct csv_stream *s, data_read_fn read, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->read = read;
	s->ctx = ctx;
	s->cap = CHUNK_BYTES;
	s->first = true;
	s->buf = malloc(s->cap + 1);
	return s->buf ? 0 : -1;
}

static void stream_close(struct csv_stream *s)
{
	free(s->buf);
	s->buf = NULL;
}

/* Like csv_next() over the whole source: the number of fields, CSV_END,
 * a negative enum csv_rc, STREAM_READ or STREAM_TOO_LONG. */
static int stream_next(struct csv_stream *s, char **fields, int max)
{
	for (;;) {
		if (s->region) {
			int n = csv_next(&s->csv, fields, max);
			if (n != CSV_END)
				return n;
			memmove(s->buf, s->buf + s->region, s->len - s->region);
			s->len -= s->region;
			s->region = 0;
		}
		while (!s->eof && s->len < s->cap) {
			long n = s->read(s->ctx, s->buf + s->len, s->cap - s->len);
			if (n < 0)
				return STREAM_READ;
			if (n == 0)
				s->eof = true;
			s->len += (size_t)n;
			s->consumed += (size_t)n;
		}
		if (s->eof && s->len == 0)
			return CSV_END;
		size_t b = s->eof ? s->len : last_boundary(s->buf, s->len);
		if (b == 0) {
			/* A full buffer without one whole record. */
			if (s->cap >= RECORD_MAX_BYTES)
				return STREAM_TOO_LONG;
			char *grown = realloc(s->buf, s->cap * 2 + 1);
			if (!grown)
				return STREAM_READ;
			s->buf = grown;
			s->cap *= 2;
			continue;
		}
		s->region = b;
		csv_init(&s->csv, s->buf, b);
		if (!s->first)
			s->csv.p = s->buf;	/* a byte order mark counts only at the start */
		s->first = false;
	}
}

/* ---- keys held by 128-bit digest ---------------------------------------------- */

/* A row key, a cell's content or a (indicator, period, region) triple is
 * known by its SipHash-128 under a key drawn for this import: a million
 * keys cost 64 bytes each, and no producer can craft two contents that
 * look alike. */
struct kentry {
	uint64_t k0, k1;	/* the key */
	uint64_t c0, c1;	/* content digest (rows) */
	int64_t id;		/* stored row id, 0 for none; or an index */
	double v, s;		/* parent value, children's sum */
	int32_t row;		/* first row number in this file, 0 = not seen */
	int32_t n;		/* flags or children counted */
};

struct keymap {
	struct kentry *e;
	uint32_t *slot;		/* entry index + 1, 0 empty */
	size_t n, ecap, scap;	/* scap is a power of two */
};

static void km_free(struct keymap *m)
{
	free(m->e);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

static int km_grow(struct keymap *m)
{
	size_t scap = m->scap ? m->scap * 2 : 1024;
	uint32_t *slot = calloc(scap, sizeof(*slot));
	if (!slot)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		size_t j = m->e[i].k0 & (scap - 1);
		while (slot[j])
			j = (j + 1) & (scap - 1);
		slot[j] = (uint32_t)i + 1;
	}
	free(m->slot);
	m->slot = slot;
	m->scap = scap;
	return 0;
}

/* The entry for key; with create, a zeroed new one (*created set).  NULL
 * when absent (or out of memory with create). */
static struct kentry *km_get(struct keymap *m, const uint64_t k[2], bool create, bool *created)
{
	if (created)
		*created = false;
	if (m->scap) {
		for (size_t j = k[0] & (m->scap - 1);; j = (j + 1) & (m->scap - 1)) {
			uint32_t s = m->slot[j];
			if (!s)
				break;
			struct kentry *e = &m->e[s - 1];
			if (e->k0 == k[0] && e->k1 == k[1])
				return e;
		}
	}
	if (!create || m->n >= UINT32_MAX - 1)
		return NULL;
	if ((m->n + 1) * 2 > m->scap && km_grow(m))
		return NULL;
	if (m->n == m->ecap) {
		size_t ecap = m->ecap ? m->ecap * 2 : 512;
		struct kentry *e = realloc(m->e, ecap * sizeof(*e));
		if (!e)
			return NULL;
		m->e = e;
		m->ecap = ecap;
	}
	struct kentry *e = &m->e[m->n];
	memset(e, 0, sizeof(*e));
	e->k0 = k[0];
	e->k1 = k[1];
	size_t j = k[0] & (m->scap - 1);
	while (m->slot[j])
		j = (j + 1) & (m->scap - 1);
	m->slot[j] = (uint32_t)++m->n;
	if (created)
		*created = true;
	return e;
}

static void digest(uint64_t out[2], const unsigned char key[16], const void *data, size_t len)
{
	unsigned char h[16];
	crypto_shorthash_siphashx24(h, data, len, key);
	memcpy(out, h, 16);
}

/* ---- the import ------------------------------------------------------------------ */

struct mapping {
	int field, region_field, period_field;	/* schema indexes; period_field -1 */
	const char *period;			/* fixed period when no field */
	int64_t indicator_id;
	bool additive;
	double tolerance;
};

struct hier_key {
	int64_t indicator_id;
	const char *period, *region;
};

/* Rows are written a chunk at a time, 32 to an INSERT (a multi-row INSERT
 * costs about what a single-row one does; an observation's eight
 * parameters times 32 stay within the 256 the PostgreSQL backend binds).
 * The chunk's ids are drawn at once, so rows and their observations need
 * no RETURNING round trip, and in file order, which keeps every id-keyed
 * index growing at its end.  Texts are copied into one buffer and kept by
 * offset, as the buffer may move while it grows. */
#define CHUNK_ROWS 4096
#define ROWS_PER_INSERT 32
#define NO_TEXT SIZE_MAX

struct batch_row {
	size_t rkey, region, period, cells;	/* offsets into text */
	int64_t id;
	int64_t rnum;				/* the row's number in its resource (CKAN's _id) */
};

struct batch_obs {
	int row;				/* index into rows */
	int64_t indicator_id;
	size_t region, period;
	double value;
};

struct batch {
	char *text;
	size_t len, cap;
	struct batch_row *rows;			/* CHUNK_ROWS */
	int nrows;
	struct batch_obs *obs;			/* CHUNK_ROWS * nmaps */
	int nobs;
	bool oom;				/* a text did not fit */
};

struct import {
	struct db_conn *c;
	struct arena *a;
	const struct import_req *rq;
	struct import_result *out;
	unsigned char hkey[16];

	/* the table */
	const char *uid;
	struct tschema schema;
	int64_t org_id;
	int64_t last_rnum;			/* the resource's last row number; -1 until read */
	int version, period_field;
	struct mapping *maps;
	int nmaps;

	/* the file */
	int ncols;
	int col_field[MAX_COLUMNS];	/* schema index of each column */
	int field_col[TSCHEMA_MAX_FIELDS];
	struct tcell cells[TSCHEMA_MAX_FIELDS];
	char *cellbuf;
	size_t cellcap;
	char *line;			/* the row's JSON array and key */
	size_t linecap;

	struct keymap rows;		/* primary keys: old rows and this file's */
	struct keymap regions;		/* codes looked up: n 1 known, 2 unknown */
	struct keymap unique[TSCHEMA_MAX_FIELDS];
	struct keymap hier;		/* (indicator, period, region) sums */
	struct hier_key *hkeys;
	size_t nhkeys, hkcap;
	struct keymap children;		/* region code -> children in the register */
	struct batch batch;		/* rows not yet written */
	bool fatal;
	char *err;
	size_t errlen;
};

static int add_error(struct import *im, long row, const char *column, const char *message)
{
	struct import_result *o = im->out;
	o->nerrors++;
	if (o->nerrors > DATA_MAX_ERRORS)
		return 0;
	json_t *e = json_pack("{s:I, s:s?, s:s}", "row", (json_int_t)row, "column", column, "message", message);
	return e ? json_array_append_new(o->errors, e) : -1;
}

static int db_fail(struct import *im, const char *what)
{
	snprintf(im->err, im->errlen, "%s: %s", what, db_errmsg(im->c));
	return -1;
}

static int load_table(struct import *im)
{
	char err[256];
	struct db_stmt *st = db_query(im->c, "SELECT r.kind, r.schema, r.period_field, r.cur_version, d.org_id, r.uid "
					     "FROM data_resources r JOIN data_datasets d ON d.id = r.dataset_id "
					     "WHERE r.id = ?", "i", im->rq->resource_id);
	if (!st)
		return db_fail(im, "reading the table");
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		if (rc == DB_DONE)
			snprintf(im->err, im->errlen, "no such resource");
		return rc == DB_DONE ? -2 : db_fail(im, "reading the table");
	}
	bool table = strcmp(db_col_text(st, 0), "table") == 0 && !db_col_is_null(st, 1);
	json_t *schema = table ? json_loads(db_col_text(st, 1), 0, NULL) : NULL;
	const char *pf = db_col_is_null(st, 2) ? NULL : arena_strdup(im->a, db_col_text(st, 2));
	im->version = (int)db_col_int(st, 3) + 1;
	im->org_id = db_col_int(st, 4);
	im->last_rnum = -1;
	im->uid = arena_strdup(im->a, db_col_text(st, 5));
	db_done(st);
	if (!table) {
		snprintf(im->err, im->errlen, "this resource is a file link, not a table with a schema");
		return -2;
	}
	rc = tschema_parse(schema, im->a, &im->schema, err, sizeof(err));
	json_decref(schema);
	if (rc) {
		snprintf(im->err, im->errlen, "the stored schema is not valid: %s", err);
		return -2;
	}
	im->period_field = pf ? tschema_field(&im->schema, pf) : -1;

	st = db_query(im->c, "SELECT m.field, m.indicator_id, m.region_field, m.period_field, m.period, "
			     "i.additive, i.tolerance FROM data_mappings m "
			     "JOIN data_indicators i ON i.id = m.indicator_id WHERE m.resource_id = ? ORDER BY m.field",
		      "i", im->rq->resource_id);
	if (!st)
		return db_fail(im, "reading the mappings");
	im->maps = arena_alloc(im->a, TSCHEMA_MAX_FIELDS * sizeof(*im->maps));
	while (im->maps && im->nmaps < TSCHEMA_MAX_FIELDS && (rc = db_step(st)) == DB_ROW) {
		struct mapping *m = &im->maps[im->nmaps++];
		m->field = tschema_field(&im->schema, db_col_text(st, 0));
		m->indicator_id = db_col_int(st, 1);
		m->region_field = tschema_field(&im->schema, db_col_text(st, 2));
		m->period_field = db_col_is_null(st, 3) ? -1 : tschema_field(&im->schema, db_col_text(st, 3));
		m->period = db_col_is_null(st, 4) ? NULL : arena_strdup(im->a, db_col_text(st, 4));
		m->additive = db_col_int(st, 5) != 0;
		m->tolerance = db_col_double(st, 6);
		if (m->field < 0 || m->region_field < 0 || (m->period_field < 0 && !m->period)) {
			db_done(st);
			snprintf(im->err, im->errlen, "a mapping names a field the schema does not have");
			return -2;
		}
	}
	db_done(st);
	return im->maps ? 0 : db_fail(im, "out of memory");
}

/* The stored rows of the current version, by key, with a digest of their
 * content. */
static int load_current_rows(struct import *im)
{
	if (im->version == 1)
		return 0;
	struct db_stmt *st = db_query(im->c, "SELECT id, rkey, cells FROM data_rows "
					     "WHERE resource_id = ? AND to_v IS NULL", "i", im->rq->resource_id);
	if (!st)
		return db_fail(im, "reading the current rows");
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		uint64_t k[2], cd[2];
		const char *key = db_col_text(st, 1), *cells = db_col_text(st, 2);
		digest(k, im->hkey, key, strlen(key));
		digest(cd, im->hkey, cells, strlen(cells));
		struct kentry *e = km_get(&im->rows, k, true, NULL);
		if (!e) {
			db_done(st);
			snprintf(im->err, im->errlen, "out of memory");
			return -1;
		}
		e->id = db_col_int(st, 0);
		e->c0 = cd[0];
		e->c1 = cd[1];
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_fail(im, "reading the current rows");
}

static int read_header(struct import *im, char **f, int n)
{
	for (int i = 0; i < TSCHEMA_MAX_FIELDS; i++)
		im->field_col[i] = -1;
	im->ncols = n;
	for (int i = 0; i < n; i++) {
		int fi = tschema_field(&im->schema, f[i]);
		im->col_field[i] = fi;
		if (fi < 0) {
			if (add_error(im, 1, f[i], "this column is not a field of the table's schema"))
				return -1;
		} else if (im->field_col[fi] >= 0) {
			if (add_error(im, 1, f[i], "this column appears twice"))
				return -1;
		} else {
			im->field_col[fi] = i;
		}
	}
	for (int fi = 0; fi < im->schema.nfields; fi++)
		if (im->field_col[fi] < 0 &&
		    add_error(im, 1, im->schema.fields[fi].name, "the file has no column for this field"))
			return -1;
	if (im->out->nerrors)
		im->fatal = true;	/* rows cannot be read without their columns */
	return 0;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 4096;
	while (ncap < need)
		ncap *= 2;
	char *nb = realloc(*buf, ncap);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* Does the register know this code?  1 yes, 0 no, -1 error. */
static int region_known(struct import *im, const char *code)
{
	uint64_t k[2];
	bool created;
	digest(k, im->hkey, code, strlen(code));
	struct kentry *e = km_get(&im->regions, k, true, &created);
	if (!e)
		return -1;
	if (created) {
		int rc = regions_lookup(im->c, NULL, code, NULL, NULL);
		if (rc < 0)
			return -1;
		e->n = rc == 0 ? 1 : 2;
	}
	return e->n == 1;
}

/* How many regions the register has directly below code; -1 on error. */
static long children_in_register(struct import *im, const char *code)
{
	uint64_t k[2];
	bool created;
	digest(k, im->hkey, code, strlen(code));
	struct kentry *e = km_get(&im->children, k, true, &created);
	if (!e)
		return -1;
	if (created) {
		struct region *kids;
		size_t n;
		if (regions_children(im->c, im->a, code, &kids, &n) != 0)
			return -1;
		e->n = (int32_t)n;
	}
	return e->n;
}

/* One (indicator, period, region) figure for the hierarchy check: its own
 * value, and its share of its parent's children's sum. */
static int hier_add(struct import *im, const struct mapping *m, const char *region, const char *period, double v)
{
	/* "33" < "33.03" < "33.03.01" < "33.03.01.2001": a parent's code is
	 * its child's first 2, 5 or 8 characters. */
	static const size_t parent_len[] = { 0, 0, 2, 5, 8 };
	int level = region_code_level(region);
	if (level == 0)
		return 0;
	size_t plen = parent_len[level];
	char key[96];
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: the region itself (a parent of others), 1: its parent */
		if (pass == 1 && level == 1)
			break;
		size_t rlen = pass == 0 ? strlen(region) : plen;
		int kl = snprintf(key, sizeof(key), "%lld|%s|%.*s", (long long)m->indicator_id, period, (int)rlen, region);
		if (kl <= 0 || (size_t)kl >= sizeof(key))
			return 0;
		uint64_t k[2];
		bool created;
		digest(k, im->hkey, key, (size_t)kl);
		struct kentry *e = km_get(&im->hier, k, true, &created);
		if (!e)
			return -1;
		if (created) {
			if (im->nhkeys == im->hkcap) {
				size_t cap = im->hkcap ? im->hkcap * 2 : 256;
				struct hier_key *hk = realloc(im->hkeys, cap * sizeof(*hk));
				if (!hk)
					return -1;
				im->hkeys = hk;
				im->hkcap = cap;
			}
			struct hier_key *hk = &im->hkeys[im->nhkeys];
			hk->indicator_id = m->indicator_id;
			hk->period = arena_strdup(im->a, period);
			hk->region = arena_strndup(im->a, region, rlen);
			if (!hk->period || !hk->region)
				return -1;
			e->id = (int64_t)im->nhkeys++;
		}
		if (pass == 0) {
			e->v = v;
			e->row = 1;
		} else {
			e->s += v;
			e->n++;
		}
	}
	return 0;
}

/* ---- rows written in batches ------------------------------------------------ */

/* On SQLite a statement that could fail halfway keeps a journal of its
 * own so that it alone can be undone, and sets it up and down each time
 * at a cost that grows with the database (a third of a million-row
 * import).  A failed import is rolled back whole, so OR FAIL, which needs
 * no such journal, is enough; PostgreSQL has neither. */
#define INSERT_ROWS(verb) verb " INTO data_rows (id, resource_id, from_v, rkey, region, period, cells, rnum) VALUES "
#define ROW_VALUES "(?, ?, ?, ?, ?, ?, ?, ?)"
#define INSERT_OBS(verb) verb " INTO data_obs (indicator_id, resource_id, org_id, row_id, region, period, " \
	"value, from_v) VALUES "
#define OBS_VALUES "(?, ?, ?, ?, ?, ?, ?, ?)"

enum { ONE, MANY };
static const char *const insert_rows[][2] = {
	[DB_SQLITE] = { INSERT_ROWS("INSERT OR FAIL") ROW_VALUES, INSERT_ROWS("INSERT OR FAIL") DB_ROWS32(ROW_VALUES) },
	[DB_POSTGRES] = { INSERT_ROWS("INSERT") ROW_VALUES, INSERT_ROWS("INSERT") DB_ROWS32(ROW_VALUES) },
};
static const char *const insert_obs[][2] = {
	[DB_SQLITE] = { INSERT_OBS("INSERT OR FAIL") OBS_VALUES, INSERT_OBS("INSERT OR FAIL") DB_ROWS32(OBS_VALUES) },
	[DB_POSTGRES] = { INSERT_OBS("INSERT") OBS_VALUES, INSERT_OBS("INSERT") DB_ROWS32(OBS_VALUES) },
};

static size_t batch_text(struct batch *b, const char *s)
{
	if (!s)
		return NO_TEXT;
	size_t n = strlen(s) + 1, at = b->len;
	if (grow(&b->text, &b->cap, at + n)) {
		b->oom = true;
		return NO_TEXT;
	}
	memcpy(b->text + at, s, n);
	b->len += n;
	return at;
}

static const char *batch_str(const struct batch *b, size_t off)
{
	return off == NO_TEXT ? NULL : b->text + off;
}

/* The parameters of row i of the chunk. */
static void row_values(const struct import *im, int i, struct db_value *v)
{
	const struct batch *b = &im->batch;
	const struct batch_row *r = &b->rows[i];
	v[0] = (struct db_value){ .type = 'i', .i = r->id };
	v[1] = (struct db_value){ .type = 'i', .i = im->rq->resource_id };
	v[2] = (struct db_value){ .type = 'i', .i = im->version };
	v[3] = (struct db_value){ .type = 's', .s = batch_str(b, r->rkey) };
	v[4] = (struct db_value){ .type = 's', .s = batch_str(b, r->region) };
	v[5] = (struct db_value){ .type = 's', .s = batch_str(b, r->period) };
	v[6] = (struct db_value){ .type = 's', .s = batch_str(b, r->cells) };
	v[7] = (struct db_value){ .type = 'i', .i = r->rnum };
}

/* The parameters of observation i of the chunk. */
static void obs_values(const struct import *im, int i, struct db_value *v)
{
	const struct batch *b = &im->batch;
	const struct batch_obs *o = &b->obs[i];
	v[0] = (struct db_value){ .type = 'i', .i = o->indicator_id };
	v[1] = (struct db_value){ .type = 'i', .i = im->rq->resource_id };
	v[2] = (struct db_value){ .type = 'i', .i = im->org_id };
	v[3] = (struct db_value){ .type = 'i', .i = b->rows[o->row].id };
	v[4] = (struct db_value){ .type = 's', .s = batch_str(b, o->region) };
	v[5] = (struct db_value){ .type = 's', .s = batch_str(b, o->period) };
	v[6] = (struct db_value){ .type = 'd', .d = o->value };
	v[7] = (struct db_value){ .type = 'i', .i = im->version };
}

/* n items of nparams parameters each: ROWS_PER_INSERT to a statement
 * (sql[MANY]), the rest one at a time (sql[ONE]). */
static int insert_items(struct import *im, const char *const sql[2], int nparams, int n,
			void (*values)(const struct import *im, int i, struct db_value *v), const char *what)
{
	struct db_value v[ROWS_PER_INSERT * 8];
	int k = 0;
	for (; k + ROWS_PER_INSERT <= n; k += ROWS_PER_INSERT) {
		for (int j = 0; j < ROWS_PER_INSERT; j++)
			values(im, k + j, &v[j * nparams]);
		if (db_exec_values(im->c, sql[MANY], v, ROWS_PER_INSERT * nparams) != DB_DONE)
			return db_fail(im, what);
	}
	for (; k < n; k++) {
		values(im, k, v);
		if (db_exec_values(im->c, sql[ONE], v, nparams) != DB_DONE)
			return db_fail(im, what);
	}
	return 0;
}

/* Ids for the chunk's rows, increasing in file order.  On SQLite the
 * import holds the write lock, so the ids above the largest are free; on
 * PostgreSQL they come from the column's sequence, in order within one
 * statement and never handed out twice. */
static int batch_ids(struct import *im)
{
	struct batch *b = &im->batch;
	/* Row numbers go on from the resource's newest row (by id, the
	 * index's order), so that a changed row gets a new one, as a row
	 * inserted into CKAN's DataStore does. */
	if (im->last_rnum < 0) {
		struct db_stmt *st = db_query(im->c, "SELECT rnum FROM data_rows WHERE resource_id = ? "
						     "ORDER BY id DESC LIMIT 1", "i", im->rq->resource_id);
		int rc = st ? db_step(st) : DB_ERROR;
		im->last_rnum = rc == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
		if (rc != DB_ROW && rc != DB_DONE)
			return db_fail(im, "numbering rows");
	}
	for (int k = 0; k < b->nrows; k++)
		b->rows[k].rnum = ++im->last_rnum;
	if (db_conn_dialect(im->c) == DB_SQLITE) {
		int64_t top;
		if (db_query_int(im->c, &top, "SELECT coalesce(max(id), 0) FROM data_rows", "") != DB_ROW)
			return db_fail(im, "numbering rows");
		for (int k = 0; k < b->nrows; k++)
			b->rows[k].id = top + 1 + k;
		return 0;
	}
	struct db_stmt *st = db_query(im->c, "SELECT nextval(pg_get_serial_sequence('data_rows', 'id')) "
					     "FROM generate_series(1, ?)", "i", (int64_t)b->nrows);
	int k = 0, rc = DB_ERROR;
	while (st && (rc = db_step(st)) == DB_ROW && k < b->nrows)
		b->rows[k++].id = db_col_int(st, 0);
	db_done(st);
	return rc == DB_DONE && k == b->nrows ? 0 : db_fail(im, "numbering rows");
}

static int batch_flush(struct import *im)
{
	struct batch *b = &im->batch;
	enum db_dialect d = db_conn_dialect(im->c);

	if (b->nrows == 0)
		return 0;
	if (batch_ids(im) || insert_items(im, insert_rows[d], 8, b->nrows, row_values, "storing rows") ||
	    insert_items(im, insert_obs[d], 8, b->nobs, obs_values, "storing observations"))
		return -1;
	b->nrows = b->nobs = 0;
	b->len = 0;
	return 0;
}

static int batch_alloc(struct import *im)
{
	struct batch *b = &im->batch;
	size_t nobs = CHUNK_ROWS * (size_t)(im->nmaps ? im->nmaps : 1);
	b->rows = malloc(CHUNK_ROWS * sizeof(*b->rows));
	b->obs = malloc(nobs * sizeof(*b->obs));
	return b->rows && b->obs ? 0 : -1;
}

/* Queue a new row (closing the stored one it replaces at once) and its
 * observations. */
static int write_row(struct import *im, const struct kentry *e, const char *rkey, const char *json)
{
	struct batch *b = &im->batch;
	struct tcell *cells = im->cells;
	int rf = im->schema.region_field, pf = im->period_field;
	int64_t v = im->version;

	if (e->id) {
		if (db_exec(im->c, "UPDATE data_rows SET to_v = ? WHERE id = ?", "ii", v, e->id) != DB_DONE ||
		    db_exec(im->c, "UPDATE data_obs SET to_v = ? WHERE row_id = ? AND to_v IS NULL", "ii",
			    v, e->id) != DB_DONE)
			return db_fail(im, "closing a changed row");
	}
	if (!b->rows && batch_alloc(im))
		goto oom;
	struct batch_row *r = &b->rows[b->nrows];
	*r = (struct batch_row){
		.rkey = batch_text(b, rkey),
		.region = batch_text(b, rf >= 0 && !cells[rf].null ? cells[rf].text : NULL),
		.period = batch_text(b, pf >= 0 && !cells[pf].null ? cells[pf].text : NULL),
		.cells = batch_text(b, json),
	};
	for (int i = 0; i < im->nmaps; i++) {
		const struct mapping *m = &im->maps[i];
		const struct tcell *val = &cells[m->field], *reg = &cells[m->region_field];
		const char *per = m->period_field >= 0 ? cells[m->period_field].text : m->period;
		if (val->null || reg->null || !per || !*per)
			continue;
		struct batch_obs *o = &b->obs[b->nobs++];
		*o = (struct batch_obs){ .row = b->nrows, .indicator_id = m->indicator_id,
					 .region = batch_text(b, reg->text), .period = batch_text(b, per),
					 .value = val->num };
	}
	if (b->oom)
		goto oom;
	if (++b->nrows == CHUNK_ROWS)
		return batch_flush(im);
	return 0;
oom:
	snprintf(im->err, im->errlen, "out of memory");
	return -1;
}

/* Check one data row; write it when the file is clean so far. */
static int import_row(struct import *im, long rowno, char **f, int n)
{
	const struct tschema *s = &im->schema;
	char msg[200];
	long before = im->out->nerrors;

	if (n != im->ncols) {
		snprintf(msg, sizeof(msg), "expected %d values, found %d", im->ncols, n);
		return add_error(im, rowno, NULL, msg);
	}
	size_t need = 0;
	for (int i = 0; i < n; i++)
		need += tschema_cell_bufsize(strlen(f[i]));
	if (grow(&im->cellbuf, &im->cellcap, need) || grow(&im->line, &im->linecap, need * 2 + 16)) {
		snprintf(im->err, im->errlen, "out of memory");
		return -1;
	}
	char *w = im->cellbuf;
	for (int fi = 0; fi < s->nfields; fi++) {
		const char *text = f[im->field_col[fi]];
		size_t room = tschema_cell_bufsize(strlen(text));
		if (tschema_cell(s, fi, text, w, room, &im->cells[fi], msg, sizeof(msg))) {
			if (add_error(im, rowno, s->fields[fi].name, msg))
				return -1;
			im->cells[fi].null = true;
			im->cells[fi].text = "";
			continue;
		}
		w += room;
		const struct tfield *fd = &s->fields[fi];
		if (fd->region_ref && !im->cells[fi].null) {
			int known = region_known(im, im->cells[fi].text);
			if (known < 0)
				return db_fail(im, "looking up a region");
			if (!known) {
				snprintf(msg, sizeof(msg), "'%.40s' is not a code in the region register", text);
				if (add_error(im, rowno, fd->name, msg))
					return -1;
			}
		}
		if (fd->unique && !im->cells[fi].null) {
			uint64_t k[2];
			bool created;
			digest(k, im->hkey, im->cells[fi].text, strlen(im->cells[fi].text));
			struct kentry *e = km_get(&im->unique[fi], k, true, &created);
			if (!e) {
				snprintf(im->err, im->errlen, "out of memory");
				return -1;
			}
			if (created) {
				e->row = (int32_t)rowno;
			} else {
				snprintf(msg, sizeof(msg), "'%.40s' must be unique but is also on row %d", text, e->row);
				if (add_error(im, rowno, fd->name, msg))
					return -1;
			}
		}
	}
	/* Periods, wherever a mapping or the table reads them. */
	for (int i = -1; i < im->nmaps; i++) {
		int pf = i < 0 ? im->period_field : im->maps[i].period_field;
		if (pf < 0 || im->cells[pf].null || period_valid(im->cells[pf].text))
			continue;
		if (i >= 0 && pf == im->period_field)
			continue;	/* already said */
		snprintf(msg, sizeof(msg), "'%.40s' is not a period: write 2024, 2024-03, 2024-Q1, 2024-S1 or 2024-03-31",
			 im->cells[pf].text);
		if (add_error(im, rowno, s->fields[pf].name, msg))
			return -1;
	}

	if (im->out->nerrors != before)
		return 0;	/* a broken key would only echo the first error */

	/* The key: primary key texts joined by a unit separator. */
	char *k = im->line;
	for (int i = 0; i < s->npk; i++) {
		const char *t = im->cells[s->pk[i]].text;
		size_t tl = strlen(t);
		if (i)
			*k++ = '\x1f';
		memcpy(k, t, tl);
		k += tl;
	}
	*k++ = '\0';
	char *rkey = im->line;
	uint64_t kd[2];
	digest(kd, im->hkey, rkey, strlen(rkey));
	struct kentry *e = km_get(&im->rows, kd, true, NULL);
	if (!e) {
		snprintf(im->err, im->errlen, "out of memory");
		return -1;
	}
	if (e->row) {
		char cols[120] = "";
		for (int i = 0; i < s->npk; i++)
			snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s", i ? ", " : "",
				 s->fields[s->pk[i]].name);
		snprintf(msg, sizeof(msg), "the primary key (%s) repeats row %d", cols, e->row);
		return add_error(im, rowno, s->fields[s->pk[0]].name, msg);
	}
	e->row = (int32_t)rowno;
	im->out->rows++;

	for (int i = 0; i < im->nmaps; i++) {
		const struct mapping *m = &im->maps[i];
		const struct tcell *val = &im->cells[m->field], *reg = &im->cells[m->region_field];
		const char *per = m->period_field >= 0 ? im->cells[m->period_field].text : m->period;
		if (m->additive && !val->null && !reg->null && per && *per &&
		    hier_add(im, m, reg->text, per, val->num)) {
			snprintf(im->err, im->errlen, "out of memory");
			return -1;
		}
	}
	if (im->out->nerrors)
		return 0;	/* the file is refused: nothing more is written */

	/* The row as stored: a JSON array of the canonical cells. */
	char *line = im->line + strlen(rkey) + 1, *p = line;
	*p++ = '[';
	for (int fi = 0; fi < s->nfields; fi++) {
		if (fi)
			*p++ = ',';
		memcpy(p, im->cells[fi].json, im->cells[fi].json_len);
		p += im->cells[fi].json_len;
	}
	*p++ = ']';
	*p = '\0';
	uint64_t cd[2];
	digest(cd, im->hkey, line, (size_t)(p - line));
	if (e->id && e->c0 == cd[0] && e->c1 == cd[1]) {
		im->out->unchanged++;
		return 0;
	}
	if (e->id)
		im->out->changed++;
	else
		im->out->added++;
	int rc = write_row(im, e, rkey, line);
	e->id = 0;	/* the old row, if any, is closed */
	return rc;
}

/* Stored rows of the current version that this file does not hold. */
static long count_removed(const struct import *im)
{
	long n = 0;
	for (size_t i = 0; i < im->rows.n; i++)
		n += im->rows.e[i].id && !im->rows.e[i].row;
	return n;
}

static int close_removed(struct import *im)
{
	for (size_t i = 0; i < im->rows.n; i++) {
		struct kentry *e = &im->rows.e[i];
		if (!e->id || e->row)
			continue;
		if (db_exec(im->c, "UPDATE data_rows SET to_v = ? WHERE id = ?", "ii", (int64_t)im->version, e->id) != DB_DONE ||
		    db_exec(im->c, "UPDATE data_obs SET to_v = ? WHERE row_id = ? AND to_v IS NULL", "ii",
			    (int64_t)im->version, e->id) != DB_DONE)
			return db_fail(im, "closing a removed row");
		im->out->removed++;
	}
	return 0;
}

static int hierarchy_issues(struct import *im, struct hier_issue **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	for (size_t i = 0; i < im->hier.n; i++) {
		const struct kentry *e = &im->hier.e[i];
		if (!e->row || e->n == 0)
			continue;
		const struct hier_key *hk = &im->hkeys[e->id];
		double tol = 0;
		for (int m = 0; m < im->nmaps; m++)
			if (im->maps[m].indicator_id == hk->indicator_id)
				tol = im->maps[m].tolerance;
		if (values_agree(e->v, e->s, tol))
			continue;
		/* Only a complete set of children must add up. */
		long want = children_in_register(im, hk->region);
		if (want < 0)
			return db_fail(im, "reading the region register");
		if (want != e->n)
			continue;
		struct hier_issue *slot = ARENA_PUSH(im->a, *out, *n, cap);
		if (!slot)
			return -1;
		*slot = (struct hier_issue){ hk->indicator_id, hk->region, hk->period, e->v, e->s, e->n };
	}
	return 0;
}

static int record_version(struct import *im)
{
	const struct import_req *rq = im->rq;
	struct import_result *o = im->out;
	int64_t v = im->version;
	const char *by = rq->actor && rq->actor->name ? rq->actor->name : "command line";

	if (db_exec(im->c, "UPDATE data_versions SET status = 'superseded' WHERE resource_id = ? "
			   "AND status IN ('submitted', 'verified')", "i", rq->resource_id) != DB_DONE ||
	    db_exec(im->c, "INSERT INTO data_versions (resource_id, number, note, status, rows_total, rows_added, "
			   "rows_removed, rows_changed, created_at, created_by) VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?)",
		    "iisiiiiss", rq->resource_id, v, rq->note, (int64_t)o->rows, (int64_t)o->added,
		    (int64_t)o->removed, (int64_t)o->changed, rq->now, by) != DB_DONE ||
	    db_exec(im->c, "UPDATE data_resources SET cur_version = ?, row_count = ?, modified_at = ? WHERE id = ?",
		    "iisi", v, (int64_t)o->rows, rq->now, rq->resource_id) != DB_DONE ||
	    db_exec(im->c, "UPDATE data_datasets SET modified_at = ? WHERE id = "
			   "(SELECT dataset_id FROM data_resources WHERE id = ?)", "si", rq->now, rq->resource_id) != DB_DONE)
		return db_fail(im, "recording the version");
	json_t *details = json_pack("{s:i, s:I, s:I, s:I, s:I, s:s}", "version", im->version,
				    "rows", (json_int_t)o->rows, "added", (json_int_t)o->added,
				    "removed", (json_int_t)o->removed, "changed", (json_int_t)o->changed, "note", rq->note);
	int rc = audit_append(im->c, rq->actor, "data.import", arena_printf(im->a, "resource:%s", im->uid), details);
	json_decref(details);
	return rc ? db_fail(im, "recording the audit") : 0;
}

static int stream_error(struct import *im, int rc, long rowno)
{
	if (rc == STREAM_READ) {
		snprintf(im->err, im->errlen, "the file could not be read");
		return -1;
	}
	im->fatal = true;
	return add_error(im, rowno, NULL, rc == STREAM_TOO_LONG
			 ? "a record is longer than 64 MiB: a quote is probably not closed"
			 : rc == CSV_EFIELDS ? "the row has more than 256 values"
			 : "a quoted value is not closed, or text follows its closing quote");
}

static int run(struct import *im)
{
	struct csv_stream cs;
	char *f[MAX_COLUMNS];
	long rowno = 0;
	int rc;
	/* Take the table's row lock before reading its version, so that two
	 * imports of one table queue instead of numbering the same version. */
	if (db_exec(im->c, "UPDATE data_resources SET modified_at = modified_at WHERE id = ?", "i",
		    im->rq->resource_id) != DB_DONE)
		return db_fail(im, "locking the table");
	if ((rc = load_table(im)) != 0)
		return rc;
	if (load_current_rows(im))
		return -1;
	if (stream_open(&cs, im->rq->read, im->rq->read_ctx)) {
		snprintf(im->err, im->errlen, "out of memory");
		return -1;
	}
	size_t reported = 0;
	while (!im->fatal) {
		int n = stream_next(&cs, f, MAX_COLUMNS);
		if (n == CSV_END)
			break;
		rowno++;
		if (n < 0) {
			rc = stream_error(im, n, rowno);
			break;
		}
		rc = rowno == 1 ? read_header(im, f, n) : import_row(im, rowno, f, n);
		if (rc)
			break;
		if (im->rq->progress && cs.consumed != reported && (rowno & 4095) == 0) {
			reported = cs.consumed;
			im->rq->progress(im->rq->progress_ctx, cs.consumed, rowno - 1);
		}
	}
	stream_close(&cs);
	if (rc)
		return -1;
	if (rowno == 0)
		add_error(im, 1, NULL, "the file is empty: its first line must name the columns");
	if (im->rq->progress)
		im->rq->progress(im->rq->progress_ctx, im->rq->total_bytes ? im->rq->total_bytes : cs.consumed,
				 rowno > 0 ? rowno - 1 : 0);
	if (im->out->nerrors)
		return 1;
	/* Unchanged rows are never rewritten, so an identical file has
	 * written nothing by now. */
	if (im->rq->if_changed && im->version > 1 && !im->out->added && !im->out->changed && !count_removed(im))
		return 2;

	struct hier_issue *issues;
	size_t nissues;
	if (batch_flush(im) || close_removed(im) || hierarchy_issues(im, &issues, &nissues) || record_version(im))
		return -1;
	im->out->version = im->version;
	if (conflicts_after_import(im->c, im->a, im->rq->resource_id, issues, nissues, im->rq->now,
				   &im->out->conflicts, &im->out->hierarchy))
		return db_fail(im, "checking conflicts");
	return 0;
}

int data_import(struct db_conn *c, struct arena *a, const struct import_req *rq,
		struct import_result *out, char *err, size_t errlen)
{
	struct import *im = calloc(1, sizeof(*im));
	memset(out, 0, sizeof(*out));
	out->errors = json_array();
	if (!im || !out->errors) {
		free(im);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	im->c = c;
	im->a = a;
	im->rq = rq;
	im->out = out;
	im->err = err;
	im->errlen = errlen;
	randombytes_buf(im->hkey, sizeof(im->hkey));

	int rc = run(im);

	km_free(&im->rows);
	km_free(&im->regions);
	km_free(&im->hier);
	km_free(&im->children);
	for (int i = 0; i < TSCHEMA_MAX_FIELDS; i++)
		km_free(&im->unique[i]);
	free(im->hkeys);
	free(im->batch.text);
	free(im->batch.rows);
	free(im->batch.obs);
	free(im->cellbuf);
	free(im->line);
	free(im);
	return rc;
}
