/* regions.c - the region register: CSV import, lookups and the public
 * search, plus GET /api/site which names the regency this server serves.
 *
 * Every row carries ord, its rank in (level, kode) order, given by the
 * import.  All listings answer in that order, so "ORDER BY ord LIMIT n" lets
 * an index hand over rows already sorted and stop after n, instead of
 * sorting every match (a one-letter search matches some 12,000 names).
 *
 * A search lists names starting with q first, one level at a time from the
 * (level, nama_lc) index, then names containing q when q has three
 * characters or more - trigrams need three.  Both are ASCII
 * case-insensitive: nama_lc is the name with A-Z lowered.
 *
 * `pendopo serve` answers the public reads from its in-memory copy of the
 * register instead (regions_index.h, app->regions), with the same bytes;
 * the SQL below serves when there is none.
 */
#include "regions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "cli.h"
#include "csv.h"
#include "http.h"
#include "nik.h"
#include "regions_index.h"
#include "util.h"
#include "validate.h"

#define NAMA_MAX 200		/* bytes; published names stay under 60 */
#define Q_MAX 100		/* characters in a search */
#define LIMIT_DEFAULT 20
#define LIMIT_MAX 100

/* Above any UTF-8 text that starts with the same bytes: the upper end of
 * the range of names with a given prefix (U+10FFFF). */
#define PREFIX_END "\xf4\x8f\xbf\xbf"

static void ascii_lower(char *dst, const char *src)
{
	for (; *src; src++)
		*dst++ = *src >= 'A' && *src <= 'Z' ? (char)(*src + ('a' - 'A')) : *src;
	*dst = '\0';
}

/* Length of the parent's code: "33.03.01" -> 5; 0 for a province. */
static size_t parent_len(const char *kode)
{
	const char *dot = strrchr(kode, '.');
	return dot ? (size_t)(dot - kode) : 0;
}

/* ---- import --------------------------------------------------------------- */

struct import_row {
	const char *kode, *nama;	/* into the file buffer */
	int level;
	long line;
};

static int row_cmp(const void *a, const void *b)
{
	const struct import_row *x = a, *y = b;
	if (x->level != y->level)
		return x->level - y->level;
	return strcmp(x->kode, y->kode);
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	long size = -1;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
		buf = malloc((size_t)size + 1);	/* + 1: csv_init's spare byte */
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* Split and check every record; the rows point into buf. */
static int parse_rows(char *buf, size_t len, struct import_row **out, size_t *nout,
		      char *err, size_t errlen)
{
	struct csv csv;
	char *f[2];
	size_t n = 0, cap = 0;
	struct import_row *rows = NULL;
	int nf;

	csv_init(&csv, buf, len);
	nf = csv_next(&csv, f, 2);
	if (nf != 2 || strcmp(f[0], "kode") != 0 || strcmp(f[1], "nama") != 0) {
		snprintf(err, errlen, "line 1: the header must be kode,nama");
		return -1;
	}
	while ((nf = csv_next(&csv, f, 2)) != CSV_END) {
		const char *why = NULL;
		if (nf == 1 && f[0][0] == '\0')
			continue;	/* an empty line */
		int level = nf == 2 ? region_code_level(f[0]) : 0;
		if (nf == CSV_EQUOTE)
			why = "a quoted field is not closed properly";
		else if (nf != 2)
			why = "expected two fields, kode and nama";
		else if (!level)
			why = "the code is not a region code like 33.03.01.2001";
		else if (blank(f[1]))
			why = "the name is empty";
		else if (strlen(f[1]) > NAMA_MAX)
			why = "the name is too long";
		else if (!utf8_valid(f[1]))
			why = "the name is not valid UTF-8";
		if (why) {
			snprintf(err, errlen, "line %ld: %s", csv.line, why);
			free(rows);
			return -1;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 131072;
			struct import_row *grown = realloc(rows, cap * sizeof(*rows));
			if (!grown) {
				snprintf(err, errlen, "out of memory");
				free(rows);
				return -1;
			}
			rows = grown;
		}
		rows[n++] = (struct import_row){ f[0], f[1], level, csv.line };
	}
	if (n == 0) {
		/* An empty register would break every region check at once. */
		snprintf(err, errlen, "the file holds no regions");
		return -1;
	}
	*out = rows;
	*nout = n;
	return 0;
}

/* Sort into ord order and refuse repeated codes and orphans, which would
 * make ancestors and child counts lie. */
static int check_tree(struct import_row *rows, size_t n, char *err, size_t errlen)
{
	if (n > 0)	/* an empty file's rows are NULL, which qsort must not see */
		qsort(rows, n, sizeof(*rows), row_cmp);
	for (size_t i = 0; i < n; i++) {
		const struct import_row *r = &rows[i];
		if (i > 0 && row_cmp(&rows[i - 1], r) == 0) {
			/* qsort is not stable: name the later line as the repeat. */
			long a = rows[i - 1].line, b = r->line;
			snprintf(err, errlen, "line %ld: code %s repeats line %ld",
				 a > b ? a : b, r->kode, a > b ? b : a);
			return -1;
		}
		size_t pl = parent_len(r->kode);
		if (!pl)
			continue;
		char parent[16];
		memcpy(parent, r->kode, pl);
		parent[pl] = '\0';
		struct import_row key = { parent, NULL, r->level - 1, 0 };
		if (!bsearch(&key, rows, n, sizeof(*rows), row_cmp)) {
			snprintf(err, errlen, "line %ld: %s has no parent %s in the file",
				 r->line, r->kode, parent);
			return -1;
		}
	}
	return 0;
}

/* One row's columns as bound, with room for the derived ones. */
struct row_bind {
	int64_t ord, level;
	const char *kode, *nama, *parent;
	char lc[NAMA_MAX + 1], parent_buf[16];
};

static void row_bind(struct row_bind *b, const struct import_row *r, size_t i)
{
	size_t pl = parent_len(r->kode);
	b->ord = (int64_t)(i + 1);
	b->level = r->level;
	b->kode = r->kode;
	b->nama = r->nama;
	ascii_lower(b->lc, r->nama);
	memcpy(b->parent_buf, r->kode, pl);
	b->parent_buf[pl] = '\0';
	b->parent = pl ? b->parent_buf : NULL;
}

#define INSERT_REGIONS "INSERT INTO regions (ord, kode, nama, nama_lc, level, parent) VALUES "
#define ROW_VALUES "(?, ?, ?, ?, ?, ?)"
#define ROW_TYPES "isssis"
#define ROW_ARGS(b) (b).ord, (b).kode, (b).nama, (b).lc, (b).level, (b).parent

/* Forty rows a statement: on PostgreSQL each statement is a round trip to
 * the server, and 40 rows of six parameters stay within the 256 that the
 * PostgreSQL backend binds. */
#define ROWS_PER_INSERT 40

static void row_values(const struct row_bind *b, struct db_value v[6])
{
	v[0] = (struct db_value){ .type = 'i', .i = b->ord };
	v[1] = (struct db_value){ .type = 's', .s = b->kode };
	v[2] = (struct db_value){ .type = 's', .s = b->nama };
	v[3] = (struct db_value){ .type = 's', .s = b->lc };
	v[4] = (struct db_value){ .type = 'i', .i = b->level };
	v[5] = (struct db_value){ .type = 's', .s = b->parent };
}

/* PostgreSQL: the trigram index built once over the loaded register costs
 * half of keeping it up to date row by row (0.22 s against 0.35-0.55 s).
 * DDL is transactional there, so a failed import keeps the old index;
 * reads of the table wait for the import meanwhile.  SQLite rebuilds its
 * trigram table once by trigger (below). */
static const char *const trgm_drop[] = {
	[DB_POSTGRES] = "DROP INDEX regions_nama_trgm",
};
static const char *const trgm_build[] = {
	[DB_POSTGRES] = "CREATE INDEX regions_nama_trgm ON regions USING gin (nama_lc gin_trgm_ops)",
};

static int store(struct db_conn *c, const char *path, const struct import_row *rows, size_t n,
		 char *err, size_t errlen)
{
	enum db_dialect d = db_conn_dialect(c);
	struct row_bind b[ROWS_PER_INSERT];
	struct db_value v[ROWS_PER_INSERT * 6];
	size_t i = 0;

	if (db_tx_begin(c) != DB_OK) {
		snprintf(err, errlen, "cannot start a transaction: %s", db_errmsg(c));
		return -1;
	}
	if ((trgm_drop[d] && db_exec(c, trgm_drop[d], "") != DB_DONE) || db_exec(c, "DELETE FROM regions", "") != DB_DONE)
		goto fail;
	for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
		for (size_t k = 0; k < ROWS_PER_INSERT; k++) {
			row_bind(&b[k], &rows[i + k], i + k);
			row_values(&b[k], &v[k * 6]);
		}
		if (db_exec_values(c, INSERT_REGIONS DB_ROWS40(ROW_VALUES), v, ROWS_PER_INSERT * 6) != DB_DONE)
			goto fail;
	}
	for (; i < n; i++) {
		row_bind(&b[0], &rows[i], i);
		if (db_exec(c, INSERT_REGIONS ROW_VALUES, ROW_TYPES, ROW_ARGS(b[0])) != DB_DONE)
			goto fail;
	}
	if (trgm_build[d] && db_exec(c, trgm_build[d], "") != DB_DONE)
		goto fail;
	char now[24];
	time_iso_now(now);
	/* On SQLite a trigger on region_imports rebuilds the trigram index
	 * and its counts (see fts_query), once for the whole register rather
	 * than once per row. */
	if (db_exec(c, "INSERT INTO region_imports (imported_at, source, rows) VALUES (?, ?, ?)",
		    "ssi", now, path, (int64_t)n) != DB_DONE)
		goto fail;
	json_t *details = json_pack("{s:s,s:I}", "source", path, "rows", (json_int_t)n);
	int rc = audit_append(c, NULL, "regions.import", "regions", details);
	json_decref(details);
	if (rc != 0)
		goto fail;
	if (db_tx_commit(c) != DB_OK) {
		snprintf(err, errlen, "cannot commit the register: %s", db_errmsg(c));
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot store the register: %s", db_errmsg(c));
	db_tx_rollback(c);
	return -1;
}

int regions_import_csv(struct db_conn *c, const char *path, long *rows, char *err, size_t errlen)
{
	size_t len, n = 0;
	struct import_row *v = NULL;
	char *buf = read_file(path, &len, err, errlen);
	if (!buf)
		return -1;
	int rc = parse_rows(buf, len, &v, &n, err, errlen);
	if (rc == 0)
		rc = check_tree(v, n, err, errlen);
	if (rc == 0)
		rc = store(c, path, v, n, err, errlen);
	if (rc == 0)
		*rows = (long)n;
	free(v);
	free(buf);
	return rc;
}

/* ---- lookups -------------------------------------------------------------- */

#define REGION_COLS "SELECT kode, nama, level FROM regions "

static const char sql_provinces[] = REGION_COLS "WHERE level = 1 ORDER BY ord LIMIT ?";
static const char sql_children[] = REGION_COLS "WHERE parent = ? ORDER BY ord LIMIT ?";

/* The row of regions_lookup(_parent): name, level and, when asked for,
 * the parent's name (column 2, NULL when there is none). */
static int lookup_row(struct db_stmt *st, struct arena *a, const char **nama, int *level, const char **parent_nama)
{
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		if (nama && !(*nama = arena_strdup(a, db_col_text(st, 0))))
			rc = DB_ERROR;
		if (level)
			*level = (int)db_col_int(st, 1);
		if (parent_nama && !db_col_is_null(st, 2) && !(*parent_nama = arena_strdup(a, db_col_text(st, 2))))
			rc = DB_ERROR;
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

int regions_lookup(struct db_conn *c, struct arena *a, const char *kode,
		   const char **nama, int *level)
{
	return lookup_row(db_query(c, "SELECT nama, level FROM regions WHERE kode = ?", "s", kode), a, nama, level, NULL);
}

int regions_lookup_parent(struct db_conn *c, struct arena *a, const char *kode,
			  const char **nama, int *level, const char **parent_nama)
{
	const char *dot = kode ? strrchr(kode, '.') : NULL;
	char *parent = dot ? arena_strndup(a, kode, (size_t)(dot - kode)) : NULL;
	*parent_nama = NULL;
	if (dot && !parent)
		return -1;
	return lookup_row(db_query(c, "SELECT r.nama, r.level, (SELECT p.nama FROM regions p WHERE p.kode = ?) "
				      "FROM regions r WHERE r.kode = ?", "ss", parent, kode),
			  a, nama, level, parent_nama);
}

int regions_exists_cb(void *conn, const char *kode)
{
	return regions_lookup(conn, NULL, kode, NULL, NULL) == 0;
}

int regions_lookup_app(const struct app *app, struct db_conn *c, struct arena *a, const char *kode,
		       const char **nama, int *level)
{
	if (!app->regions)
		return regions_lookup(c, a, kode, nama, level);
	struct regions_snapshot *ix = regions_index_hold(app->regions);
	const char *n = regions_snapshot_nama(ix, kode);
	const char *copy = n ? arena_strdup(a, n) : NULL;
	regions_index_drop(ix);
	if (!n)
		return 1;
	if (!copy)
		return -1;
	if (nama)
		*nama = copy;
	if (level)
		*level = region_code_level(kode);
	return 0;
}

int regions_children_app(const struct app *app, struct db_conn *c, struct arena *a, const char *parent,
			 struct region **out, size_t *n)
{
	if (!app->regions || !parent)
		return regions_children(c, a, parent, out, n);
	struct regions_snapshot *ix = regions_index_hold(app->regions);
	int rc = regions_snapshot_children(ix, a, parent, out, n);
	regions_index_drop(ix);
	return rc;
}

int regions_children(struct db_conn *c, struct arena *a, const char *parent,
		     struct region **out, size_t *n)
{
	struct db_stmt *st = parent ? db_query(c, sql_children, "si", parent, (int64_t)INT32_MAX)
				    : db_query(c, sql_provinces, "i", (int64_t)INT32_MAX);
	struct region *v = NULL;
	size_t cap = 0;
	int rc;

	*n = 0;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		struct region *g = ARENA_PUSH(a, v, *n, cap);
		if (!g) {
			rc = DB_ERROR;
			break;
		}
		g->kode = arena_strdup(a, db_col_text(st, 0));
		g->nama = arena_strdup(a, db_col_text(st, 1));
		g->level = (int)db_col_int(st, 2);
		if (!g->kode || !g->nama) {
			rc = DB_ERROR;
			break;
		}
	}
	db_done(st);
	*out = v;
	return rc == DB_DONE ? 0 : -1;
}

/* ---- search ----------------------------------------------------------------- */

/* Names starting with q, level by level: UNION ALL hands over its branches
 * in order (SQLite's compound select, PostgreSQL's Append), so a page
 * filled by districts never reads, let alone sorts, the thousands of
 * villages with the same prefix.  Per branch: level (0 for none), the
 * prefix range, [the code range below the parent,] limit; then limit. */
#define PREFIX_BRANCH(alias, under) \
	"SELECT * FROM (" REGION_COLS "WHERE level = ? AND nama_lc >= ? AND nama_lc < ?" under \
	" ORDER BY ord LIMIT ?) AS " alias
#define PREFIX_SQL(under) \
	PREFIX_BRANCH("l1", under) " UNION ALL " PREFIX_BRANCH("l2", under) " UNION ALL " \
	PREFIX_BRANCH("l3", under) " UNION ALL " PREFIX_BRANCH("l4", under) " LIMIT ?"

static const char sql_prefix[] = PREFIX_SQL("");
static const char sql_prefix_under[] = PREFIX_SQL(" AND kode >= ? AND kode < ?");

/* Names containing q below a parent scan that parent's codes (a province
 * has at most some 9,000) rather than the whole trigram index. */
static const char sql_contains_under[] =
	REGION_COLS "WHERE kode >= ? AND kode < ? AND nama_lc LIKE ? ESCAPE '\\' "
	"AND (nama_lc < ? OR nama_lc >= ?) ORDER BY ord LIMIT ?";

/* "%q%" with LIKE's own characters in q escaped. */
static const char *like_pattern(struct arena *a, const char *q)
{
	char *out = arena_alloc(a, 2 * strlen(q) + 3), *w = out;
	if (!out)
		return NULL;
	*w++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*w++ = '\\';
		*w++ = *q;
	}
	*w++ = '%';
	*w = '\0';
	return out;
}

static const char *utf8_skip(const char *p, size_t nchars)
{
	for (; nchars > 0 && *p; nchars--)
		do
			p++;
		while ((*p & 0xc0) == 0x80);
	return p;
}

#define TRI_SAMPLE 8

/* SQLite: an FTS5 query for names containing q (three characters or
 * more); the SQL then checks all of q with instr().  Its cost is decoding
 * the posting lists of the trigrams asked for plus checking each candidate
 * row, about eight times dearer per entry.  So: the rarest trigram of each
 * half of q (counted by the import in region_trigrams; a long q is sampled
 * at TRI_SAMPLE evenly spread ones), two far-apart trigrams leaving fewer
 * candidates than two neighbours, and the commoner of the pair only when
 * its list costs less than the candidates it may save.  ANDing every
 * trigram would decode lists like "ang" (15,000 names) on many searches. */
static const char *fts_query(struct db_conn *c, struct arena *a, const char *q, size_t nchars)
{
	size_t ntri = nchars - 2, n = ntri < TRI_SAMPLE ? ntri : TRI_SAMPLE;
	const char *tri[TRI_SAMPLE] = { NULL };
	int64_t names[TRI_SAMPLE] = { 0 };	/* absent from the table: rare */

	for (size_t k = 0; k < n; k++) {
		const char *p = utf8_skip(q, n == 1 ? 0 : k * (ntri - 1) / (n - 1));
		if (!(tri[k] = arena_strndup(a, p, (size_t)(utf8_skip(p, 3) - p))))
			return NULL;
	}
	struct db_stmt *st = db_query(c, "SELECT tri, names FROM region_trigrams "
					 "WHERE tri IN (?, ?, ?, ?, ?, ?, ?, ?)", "ssssssss",
				      tri[0], tri[1], tri[2], tri[3], tri[4], tri[5], tri[6], tri[7]);
	if (!st)
		return NULL;
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		for (size_t k = 0; k < n; k++)
			if (strcmp(tri[k], db_col_text(st, 0)) == 0)
				names[k] = db_col_int(st, 1);
	db_done(st);
	if (rc != DB_DONE)
		return NULL;

	size_t half = (n + 1) / 2, pick[2] = { 0, n };
	for (size_t k = 1; k < half; k++)
		if (names[k] < names[pick[0]])
			pick[0] = k;
	for (size_t k = half; k < n; k++)
		if (pick[1] == n || names[k] < names[pick[1]])
			pick[1] = k;
	if (pick[1] < n) {
		size_t rare = names[pick[0]] <= names[pick[1]] ? 0 : 1;
		if (names[pick[1 - rare]] > 8 * names[pick[rare]] || strcmp(tri[pick[0]], tri[pick[1]]) == 0)
			pick[1 - rare] = n;
	}

	/* Two quoted trigrams of up to 3 x 4 bytes, quotes doubled, and " AND ". */
	char *out = arena_alloc(a, 2 * (2 + 12) + 5 + 1), *w = out;
	if (!out)
		return NULL;
	for (int i = 0; i < 2; i++) {
		if (pick[i] == n)
			continue;
		if (w != out)
			w = stpcpy(w, " AND ");
		*w++ = '"';
		for (const char *p = tri[pick[i]]; *p; p++) {
			if (*p == '"')
				*w++ = '"';
			*w++ = *p;
		}
		*w++ = '"';
	}
	*w = '\0';
	return out;
}

/* PostgreSQL: pg_trgm's GIN index takes the LIKE pattern itself. */
static const char *pg_narrow(struct db_conn *c, struct arena *a, const char *q, size_t nchars)
{
	(void)c;
	(void)nchars;
	return like_pattern(a, q);
}

/* The one dialect-specific query: names containing q anywhere in the
 * register.  Parameters: narrow(q), q, the prefix range to leave out (those
 * names were listed first), limit.  narrow() gives what the dialect's
 * trigram index takes and the second test checks the whole of q; on
 * PostgreSQL LIKE is already exact and strpos() only keeps the two
 * parameter lists alike. */
struct contains_sql {
	const char *sql;
	const char *(*narrow)(struct db_conn *c, struct arena *a, const char *q, size_t nchars);
};

static const struct contains_sql contains_sql[] = {
	[DB_SQLITE] = {
		"SELECT r.kode, r.nama, r.level FROM regions_fts JOIN regions r ON r.ord = regions_fts.rowid "
		"WHERE regions_fts MATCH ? AND instr(r.nama_lc, ?) > 0 "
		"AND (r.nama_lc < ? OR r.nama_lc >= ?) ORDER BY regions_fts.rowid LIMIT ?",
		fts_query,
	},
	[DB_POSTGRES] = {
		REGION_COLS "WHERE nama_lc LIKE ? AND strpos(nama_lc, ?) > 0 "
		"AND (nama_lc < ? OR nama_lc >= ?) ORDER BY ord LIMIT ?",
		pg_narrow,
	},
};

static json_t *region_json(const char *kode, const char *nama, int level)
{
	json_t *o = json_object();
	/* Text from the register was checked as UTF-8 by the import. */
	json_object_set_new(o, "kode", json_string_nocheck(kode));
	json_object_set_new(o, "nama", json_string_nocheck(nama));
	json_object_set_new(o, "level", json_string_nocheck(regions_level_name(level)));
	if (level == 4)
		json_object_set_new(o, "kind", json_string_nocheck(regions_village_kind(kode)));
	return o;
}

/* Append st's (kode, nama, level) rows to items: how many, or -1. */
static long append_rows(struct db_stmt *st, json_t *items)
{
	long n = 0;
	int rc;
	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		json_array_append_new(items, region_json(db_col_text(st, 0), db_col_text(st, 1),
							 (int)db_col_int(st, 2)));
		n++;
	}
	db_done(st);
	return rc == DB_DONE ? n : -1;
}

struct search {
	const char *q;			/* lower-cased */
	size_t nchars;
	const char *lo, *hi;		/* names starting with q */
	const char *under_lo, *under_hi; /* codes below the parent, or NULL */
	int first_level;
	long limit;
};

static long search(struct req *r, const struct search *s, json_t *items)
{
	int64_t lv[4], n = s->limit;
	for (int k = 0; k < 4; k++)
		lv[k] = s->first_level + k <= 4 ? s->first_level + k : 0;
	struct db_stmt *st = s->under_lo
		? db_query(r->db, sql_prefix_under, "issssi" "issssi" "issssi" "issssi" "i",
			   lv[0], s->lo, s->hi, s->under_lo, s->under_hi, n,
			   lv[1], s->lo, s->hi, s->under_lo, s->under_hi, n,
			   lv[2], s->lo, s->hi, s->under_lo, s->under_hi, n,
			   lv[3], s->lo, s->hi, s->under_lo, s->under_hi, n, n)
		: db_query(r->db, sql_prefix, "issi" "issi" "issi" "issi" "i",
			   lv[0], s->lo, s->hi, n, lv[1], s->lo, s->hi, n,
			   lv[2], s->lo, s->hi, n, lv[3], s->lo, s->hi, n, n);
	long got = append_rows(st, items), k;
	if (got < 0 || s->nchars < 3 || got >= s->limit)
		return got;

	if (s->under_lo) {
		const char *pattern = like_pattern(r->arena, s->q);
		if (!pattern)
			return -1;
		st = db_query(r->db, sql_contains_under, "sssssi", s->under_lo, s->under_hi, pattern,
			      s->lo, s->hi, (int64_t)(s->limit - got));
	} else {
		const struct contains_sql *d = &contains_sql[db_dialect(r->app->db)];
		const char *narrow = d->narrow(r->db, r->arena, s->q, s->nchars);
		if (!narrow)
			return -1;
		st = db_query(r->db, d->sql, "ssssi", narrow, s->q, s->lo, s->hi,
			      (int64_t)(s->limit - got));
	}
	if ((k = append_rows(st, items)) < 0)
		return -1;
	return got + k;
}

/* ---- handlers --------------------------------------------------------------- */

/* The routes take no snapshot from the router (RF_NO_TX): the index needs
 * none, so its replies run no SQL at all.  The SQL path takes its own, so
 * its queries agree with each other; the router ends it. */
static int sql_snapshot(struct req *r)
{
	if (db_read_begin(r->db) == DB_OK)
		return 0;
	reply_error(r, 503, "busy", "the database is busy, please retry", NULL);
	return -1;
}

/* A body the index rendered: a public read's JSON, validators and all, as
 * reply_json() would send it. */
static int reply_rendered(struct req *r, int rc, const char *body, size_t len)
{
	if (rc < 0)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	return reply_text(r, 200, "application/json; charset=utf-8", body, len);
}

/* GET /api/regions?q=&parent=&limit= */
static int regions_list(struct req *r)
{
	long limit;
	if (req_query_int(r, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, &limit))
		return 0;
	const char *parent = req_query(r, "parent");
	int plevel = 0;
	if (parent && !(plevel = region_code_level(parent)))
		return reply_error(r, 400, "invalid", "parent must be a region code such as 33.03", "parent");

	const char *q = req_query(r, "q");
	struct search s = { .limit = limit, .first_level = plevel + 1 };
	if (q) {
		/* Spaces around a typed name are never meant. */
		while (*q == ' ')
			q++;
		size_t len = strlen(q);
		while (len > 0 && q[len - 1] == ' ')
			len--;
		char *lc = arena_strndup(r->arena, q, len);
		if (!lc)
			return reply_error(r, 500, "internal", "out of memory", NULL);
		ascii_lower(lc, lc);
		s.q = lc;
		s.nchars = utf8_valid(lc) ? utf8_length(lc) : 0;
		if (s.nchars < 1 || s.nchars > Q_MAX)
			return reply_error(r, 400, "invalid", "q must be 1 to 100 characters of text", "q");
		s.lo = lc;
		s.hi = arena_printf(r->arena, "%s" PREFIX_END, lc);
		if (parent) {
			s.under_lo = arena_printf(r->arena, "%s.", parent);
			s.under_hi = arena_printf(r->arena, "%s/", parent);	/* '/' follows '.' */
		}
		if (!s.hi || (parent && (!s.under_lo || !s.under_hi)))
			return reply_error(r, 500, "internal", "out of memory", NULL);
	}

	if (r->app->regions) {
		struct regions_query qr = { s.q, s.nchars, s.hi, parent, limit };
		struct regions_snapshot *ix = regions_index_hold(r->app->regions);
		char *body = NULL;
		size_t len = 0;
		int rc = regions_snapshot_list(ix, r->arena, &qr, &body, &len);
		regions_index_drop(ix);
		return reply_rendered(r, rc, body, len);
	}
	if (sql_snapshot(r))
		return 0;

	json_t *items = json_array();
	long n;
	if (q)
		n = search(r, &s, items);
	else if (parent)
		n = append_rows(db_query(r->db, sql_children, "si", parent, (int64_t)limit), items);
	else
		n = append_rows(db_query(r->db, sql_provinces, "i", (int64_t)limit), items);
	if (n < 0) {
		json_decref(items);
		return reply_db_error(r);
	}
	json_t *body = json_object();
	json_object_set_new(body, "items", items);
	return reply_json(r, 200, body);
}

/* GET /api/regions/{kode}: the region, its ancestors and how many children. */
static int region_get(struct req *r)
{
	static const size_t code_len[] = { 2, 5, 8, 13 };
	const char *kode = req_param(r, "kode");
	int level = region_code_level(kode);
	char codes[4][14];
	const char *bind[4] = { NULL, NULL, NULL, NULL };

	if (!level)
		return reply_error(r, 404, "not_found", "no region has this code", NULL);
	if (r->app->regions) {
		struct regions_snapshot *ix = regions_index_hold(r->app->regions);
		char *body = NULL;
		size_t len = 0;
		int rc = regions_snapshot_region(ix, r->arena, kode, &body, &len);
		regions_index_drop(ix);
		return rc == 1 ? reply_error(r, 404, "not_found", "no region has this code", NULL)
			       : reply_rendered(r, rc, body, len);
	}
	if (sql_snapshot(r))
		return 0;
	/* The region and all its ancestors in one query: they come back in
	 * ord order, so province first and the region itself last. */
	for (int l = 0; l < level; l++) {
		memcpy(codes[l], kode, code_len[l]);
		codes[l][code_len[l]] = '\0';
		bind[l] = codes[l];
	}
	struct db_stmt *st = db_query(r->db, REGION_COLS "WHERE kode IN (?, ?, ?, ?) ORDER BY ord",
				      "ssss", bind[0], bind[1], bind[2], bind[3]);
	if (!st)
		return reply_db_error(r);
	json_t *ancestors = json_array(), *self = NULL;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *o = region_json(db_col_text(st, 0), db_col_text(st, 1), (int)db_col_int(st, 2));
		if (db_col_int(st, 2) == level)
			self = o;
		else
			json_array_append_new(ancestors, o);
	}
	db_done(st);

	int64_t children = 0;
	if (rc == DB_DONE && self &&
	    db_query_int(r->db, &children, "SELECT count(*) FROM regions WHERE parent = ?", "s", kode) != DB_ROW)
		rc = DB_ERROR;
	if (rc != DB_DONE || !self) {
		json_decref(ancestors);
		json_decref(self);
		return rc != DB_DONE ? reply_db_error(r)
				     : reply_error(r, 404, "not_found", "no region has this code", NULL);
	}
	json_object_set_new(self, "parent", level > 1 ? json_string_nocheck(codes[level - 2]) : json_null());
	json_object_set_new(self, "ancestors", ancestors);
	json_object_set_new(self, "children", json_integer(children));
	return reply_json(r, 200, self);
}

/* GET /api/site: what the front end shows in its header, and the regency's
 * extent. */
static int site_get(struct req *r)
{
	const char *code = r->app->cfg.regency_code;
	json_t *regency = json_null();
	if (code && r->app->regions) {
		struct regions_snapshot *ix = regions_index_hold(r->app->regions);
		regency = json_pack("{s:s,s:s?}", "kode", code, "nama", regions_snapshot_nama(ix, code));
		regions_index_drop(ix);
	} else if (code) {
		const char *nama = NULL;
		if (regions_lookup(r->db, r->arena, code, &nama, NULL) < 0)
			return reply_db_error(r);
		/* nama stays null until the register is imported */
		regency = json_pack("{s:s,s:s?}", "kode", code, "nama", nama);
	}
	/* The front end warns of a map pin outside it before the API refuses. */
	const struct geo_box *b = &r->app->cfg.regency_bounds;
	json_t *bounds = b->set ? json_pack("{s:f,s:f,s:f,s:f}", "south", b->south, "west", b->west, "north", b->north,
					    "east", b->east)
				: json_null();
	return reply_json(r, 200, json_pack("{s:s,s:o,s:o}", "name", "Pendopo", "regency", regency, "bounds", bounds));
}

static const struct route regions_routes[] = {
	{ "GET", "/api/regions", regions_list, ROLE_PUBLIC, NULL, RF_NO_TX },
	{ "GET", "/api/regions/{kode}", region_get, ROLE_PUBLIC, NULL, RF_NO_TX },
	{ "GET", "/api/site", site_get, ROLE_PUBLIC, NULL, RF_NO_TX },
	{ 0 },
};

/* kode, parent and nama_lc compare byte by byte in both dialects (COLLATE
 * "C" on PostgreSQL), so code ranges and name-prefix ranges mean the same
 * thing everywhere. */
static const struct migration regions_migrations[] = {
	{ 1, "region register",
	  "CREATE TABLE regions (ord INTEGER PRIMARY KEY, kode TEXT NOT NULL UNIQUE,"
	  " nama TEXT NOT NULL, nama_lc TEXT NOT NULL, level INTEGER NOT NULL, parent TEXT);"
	  "CREATE INDEX regions_parent ON regions (parent);"
	  "CREATE INDEX regions_level_nama ON regions (level, nama_lc);"
	  "CREATE VIRTUAL TABLE regions_fts USING fts5 (nama, content='regions', content_rowid='ord',"
	  " tokenize='trigram');"
	  "CREATE VIRTUAL TABLE regions_fts_vocab USING fts5vocab (regions_fts, 'row');"
	  "CREATE TABLE region_trigrams (tri TEXT PRIMARY KEY, names INTEGER NOT NULL) WITHOUT ROWID;"
	  "CREATE TABLE region_imports (id INTEGER PRIMARY KEY, imported_at TEXT NOT NULL,"
	  " source TEXT NOT NULL, rows INTEGER NOT NULL);"
	  "CREATE TRIGGER region_imports_fts AFTER INSERT ON region_imports BEGIN"
	  " INSERT INTO regions_fts (regions_fts) VALUES ('rebuild');"
	  " DELETE FROM region_trigrams;"
	  " INSERT INTO region_trigrams (tri, names) SELECT term, doc FROM regions_fts_vocab; END;",
	  "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
	  "CREATE TABLE regions (ord INTEGER PRIMARY KEY, kode TEXT COLLATE \"C\" NOT NULL UNIQUE,"
	  " nama TEXT NOT NULL, nama_lc TEXT COLLATE \"C\" NOT NULL, level INTEGER NOT NULL,"
	  " parent TEXT COLLATE \"C\");"
	  "CREATE INDEX regions_parent ON regions (parent);"
	  "CREATE INDEX regions_level_nama ON regions (level, nama_lc);"
	  "CREATE INDEX regions_nama_trgm ON regions USING gin (nama_lc gin_trgm_ops);"
	  "CREATE TABLE region_imports (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	  " imported_at TEXT NOT NULL, source TEXT NOT NULL, rows INTEGER NOT NULL);" },
	{ 0 },
};

/* A `pendopo import regions` into the database reaches a serving process
 * here, within a tick (30 s): import is a separate command, so this
 * process learns of it only from region_imports. */
static void regions_tick(struct app *app)
{
	if (!app->regions)
		return;		/* not serving, or serving from SQL */
	struct db_conn *c = db_acquire(app->db);
	regions_index_refresh(app->regions, c);
	db_release(app->db, c);
}

/* `pendopo import regions FILE.csv` */
static int regions_import_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	struct db *db = cli_db_migrated(cli, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512];
	long rows = 0;
	int64_t t0 = time_now_us();
	int rc = regions_import_csv(c, argv[0], &rows, err, sizeof(err));
	if (rc == 0)
		printf("imported %ld regions in %.3f s\n", rows, (double)(time_now_us() - t0) / 1e6);
	else
		fprintf(stderr, "pendopo import: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static const struct cli_opt db_only[] = { CLI_OPT_DB, { 0 } };

static const struct command regions_commands[] = {
	{ "import regions", "import regions FILE.csv [--db URL]",
	  "Replace the region register with a kode,nama CSV (Kemendagri codes).", db_only, regions_import_command },
	{ 0 },
};

const struct module regions_module = {
	.name = "regions",
	.routes = regions_routes,
	.commands = regions_commands,
	.migrations = regions_migrations,
	.tick = regions_tick,
};
