/* ckan_search.c - CKAN's two searches: package_search (Solr-style q and
 * fq terms, facets, sort, rows/start) and datastore_search (filters, q,
 * fields, sort, limit/offset over a table's published version).
 *
 * package_search filters, facets and sorts in memory: a regency's
 * catalogue is a few thousand datasets, and that keeps every query one
 * constant SQL text whatever Solr syntax the client speaks.
 */
#include "ckan.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "arena.h"
#include "lucene.h"
#include "strbuf.h"

#define SEARCH_ROWS_MAX 1000
#define DATASTORE_LIMIT_MAX 32000
#define DATASTORE_SORT_MAX 200000	/* rows sorted in memory at most */

/* ---- package_search ----------------------------------------------------------------- */

struct entry {
	const struct dataset *d;
	const char *org;		/* lower-case code, CKAN's organization name */
	const char *org_title;
	const char **tags, **groups, **formats;
	int ntags, ngroups, nformats;
};

/* One leaf of a query (lucene.h): a field's value, a prefix, or a range. */
struct term {
	const char *field;		/* NULL: free text */
	const char *value;
	bool prefix;			/* value* */
	const struct lq_node *range;	/* [lo TO hi], or NULL */
};

static int add_str(struct arena *a, const char ***list, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return 0;
	const char **grown = arena_alloc(a, (size_t)(*n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	if (*n)
		memcpy(grown, *list, (size_t)*n * sizeof(*grown));
	grown[(*n)++] = arena_strdup(a, s);
	*list = grown;
	return 0;
}

static struct entry *entry_by_id(struct entry *e, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (e[mid].d->id < id)
			lo = mid + 1;
		else if (e[mid].d->id > id)
			hi = mid;
		else
			return &e[mid];
	}
	return NULL;
}

/* Every dataset with its tags, groups and resource formats: four queries. */
static int load_entries(struct req *r, struct entry **out, size_t *n)
{
	struct dataset *d;
	if (catalog_datasets_all(r, &d, n))
		return -1;
	struct entry *e = arena_alloc(r->arena, (*n ? *n : 1) * sizeof(*e));
	if (!e)
		return -1;
	int64_t org_ids[64];
	const char *org_codes[64], *org_titles[64];
	int norgs = 0;
	for (size_t i = 0; i < *n; i++) {
		e[i].d = &d[i];
		int k = 0;
		while (k < norgs && org_ids[k] != d[i].org_id)
			k++;
		if (k == norgs && norgs < 64) {
			org_ids[norgs] = d[i].org_id;
			org_codes[norgs] = ckan_lower(r->arena, data_org_code(r, d[i].org_id));
			org_titles[norgs++] = data_org_name(r, d[i].org_id);
		}
		e[i].org = k < norgs ? org_codes[k] : ckan_lower(r->arena, data_org_code(r, d[i].org_id));
		e[i].org_title = k < norgs ? org_titles[k] : data_org_name(r, d[i].org_id);
	}
	static const char *const sql[] = {
		"SELECT dataset_id, tag FROM data_dataset_tags",
		"SELECT dg.dataset_id, g.name FROM data_dataset_groups dg JOIN data_groups g ON g.id = dg.group_id",
		"SELECT dataset_id, format FROM data_resources",
	};
	for (int q = 0; q < 3; q++) {
		struct db_stmt *st = db_query(r->db, sql[q], "");
		int rc;
		if (!st)
			return -1;
		while ((rc = db_step(st)) == DB_ROW) {
			struct entry *x = entry_by_id(e, *n, db_col_int(st, 0));
			const char *s = db_col_text(st, 1);
			if (!x || !s || !*s)
				continue;
			if (add_str(r->arena, q == 0 ? &x->tags : q == 1 ? &x->groups : &x->formats,
				    q == 0 ? &x->ntags : q == 1 ? &x->ngroups : &x->nformats, s)) {
				rc = DB_ERROR;
				break;
			}
		}
		db_done(st);
		if (rc != DB_DONE)
			return -1;
	}
	*out = e;
	return 0;
}

/* v is the term's value, or starts with it when the term is a prefix. */
static bool is(const char *v, const struct term *t)
{
	return v && (t->prefix ? strncasecmp(v, t->value, strlen(t->value)) == 0 : strcasecmp(v, t->value) == 0);
}

static bool any_is(const char **list, int n, const struct term *t)
{
	for (int i = 0; i < n; i++)
		if (is(list[i], t))
			return true;
	return false;
}

/* Compare timestamps on their first 19 characters, "2026-01-31T00:00:00";
 * a bare date as an upper end covers its whole day. */
static bool in_range(const char *v, const struct lq_node *r)
{
	if (!v)
		return false;
	if (r->lo) {
		int c = strncmp(v, r->lo, 19);
		if (c < 0 || (c == 0 && !r->lo_incl))
			return false;
	}
	if (r->hi) {
		char top[20];
		snprintf(top, sizeof(top), "%.10s%s", r->hi, strlen(r->hi) > 10 ? r->hi + 10 : "T23:59:59");
		int c = strncmp(v, r->hi_incl ? top : r->hi, 19);
		if (c > 0 || (c == 0 && !r->hi_incl))
			return false;
	}
	return true;
}

/* 1 match, 0 no match, -1 unknown field. */
static int term_matches(const struct entry *e, const struct term *t)
{
	const struct dataset *d = e->d;
	const char *v = t->value;
	if (!t->field) {
		if (!v)
			return -2;
		if (strcasestr(d->title, v) || strcasestr(d->name, v) || (d->notes && strcasestr(d->notes, v)) ||
		    strcasestr(e->org_title, v) || (d->concept && strcasestr(d->concept, v)))
			return 1;
		for (int i = 0; i < e->ntags; i++)
			if (strcasestr(e->tags[i], v))
				return 1;
		return 0;
	}
	const char *f = t->field;
	if (strcmp(f, "*") == 0)
		return 1;
	if (strcmp(f, "metadata_modified") == 0 || strcmp(f, "metadata_created") == 0) {
		const char *when = f[9] == 'm' ? d->modified_at : d->created_at;
		return t->range ? in_range(when, t->range) : (v && strncmp(when, v, strlen(v)) == 0);
	}
	/* field:* (a range open at both ends): the field has a value */
	bool any = t->range && !t->range->lo && !t->range->hi;
	if (!v && !any)
		return -2;
	if (strcmp(f, "organization") == 0 || strcmp(f, "owner_org") == 0)
		return any || is(e->org, t);
	if (strcmp(f, "groups") == 0)
		return any ? e->ngroups > 0 : any_is(e->groups, e->ngroups, t);
	if (strcmp(f, "tags") == 0)
		return any ? e->ntags > 0 : any_is(e->tags, e->ntags, t);
	if (strcmp(f, "res_format") == 0)
		return any ? e->nformats > 0 : any_is(e->formats, e->nformats, t);
	if (strcmp(f, "license_id") == 0)
		return any ? *d->license_id != '\0' : is(d->license_id, t);
	if (strcmp(f, "name") == 0)
		return any || is(d->name, t);
	if (strcmp(f, "id") == 0)
		return any || is(d->uid, t);
	if (strcmp(f, "title") == 0 || strcmp(f, "text") == 0)
		return any || strcasestr(d->title, v) != NULL;
	if (strcmp(f, "notes") == 0)
		return any ? d->notes && *d->notes : d->notes && strcasestr(d->notes, v) != NULL;
	if (strcmp(f, "state") == 0)
		return any || is(d->state, t);
	if (strcmp(f, "type") == 0 || strcmp(f, "dataset_type") == 0)
		return any || strcmp(v, "dataset") == 0;
	if (strcmp(f, "capacity") == 0)
		return any || strcmp(v, d->private_ ? "private" : "public") == 0;
	if (strcmp(f, "region_level") == 0)
		return d->region_level && (any || is(d->region_level, t));
	return -1;
}

/* 1 when the dataset matches the query, 0 if not; -1 (*field set) for a
 * field CKAN does not index, -2 for a range on a field that takes none. */
static int query_matches(const struct entry *e, const struct lq_node *q, const char **field)
{
	switch (q->kind) {
	case LQ_ALL:
		return 1;
	case LQ_AND:
	case LQ_OR:
		for (int i = 0; i < q->n; i++) {
			int m = query_matches(e, q->kids[i], field);
			if (m < 0 || m == (q->kind == LQ_OR))
				return m;
		}
		return q->kind == LQ_AND;
	case LQ_NOT: {
		int m = query_matches(e, q->kids[0], field);
		return m < 0 ? m : !m;
	}
	case LQ_TERM:
	case LQ_PHRASE:
	case LQ_RANGE: {
		struct term t = { .field = q->field, .value = q->text, .prefix = q->prefix,
				  .range = q->kind == LQ_RANGE ? q : NULL };
		int m = term_matches(e, &t);
		if (m < 0)
			*field = q->field;
		return m;
	}
	}
	return 0;
}

struct sort_key {
	const char *field;
	bool desc;
};

static const char *sort_value(const struct entry *e, const char *f)
{
	const struct dataset *d = e->d;
	if (strcmp(f, "metadata_modified") == 0)
		return d->modified_at;
	if (strcmp(f, "metadata_created") == 0)
		return d->created_at;
	if (strcmp(f, "name") == 0)
		return d->name;
	if (strcmp(f, "title_string") == 0 || strcmp(f, "title") == 0)
		return d->title;
	if (strcmp(f, "id") == 0)
		return d->uid;
	return "";	/* score: every match ranks alike */
}

struct sort_spec {
	struct sort_key keys[4];
	int n;
};

static int entry_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct entry *a = *(const struct entry *const *)pa, *b = *(const struct entry *const *)pb;
	const struct sort_spec *spec = ctx;
	for (int i = 0; i < spec->n; i++) {
		int c = strcmp(sort_value(a, spec->keys[i].field), sort_value(b, spec->keys[i].field));
		if (c)
			return spec->keys[i].desc ? -c : c;
	}
	return strcmp(a->d->uid, b->d->uid);
}

static int parse_sort(const char *s, struct sort_key *k, int *n)
{
	static const char *const known[] = { "score", "metadata_modified", "metadata_created", "name",
					     "title_string", "title", "id" };
	*n = 0;
	if (!s || !*s)
		s = "score desc, metadata_modified desc";
	while (*s && *n < 4) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		size_t len = strcspn(s, " ,");
		size_t i = 0;
		while (i < sizeof(known) / sizeof(known[0]) && !(strlen(known[i]) == len && strncmp(known[i], s, len) == 0))
			i++;
		if (i == sizeof(known) / sizeof(known[0]))
			return -1;
		k[*n].field = known[i];
		s += len;
		while (*s == ' ')
			s++;
		k[*n].desc = strncasecmp(s, "desc", 4) == 0;
		if (strncasecmp(s, "desc", 4) == 0 || strncasecmp(s, "asc", 3) == 0)
			s += k[*n].desc ? 4 : 3;
		(*n)++;
	}
	return 0;
}

struct facet {
	const char *names[512];
	const char *titles[512];
	long counts[512];
	int n;
};

static void facet_add(struct facet *f, const char *name, const char *title)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0) {
			f->counts[i]++;
			return;
		}
	if (f->n < 512) {
		f->names[f->n] = name;
		f->titles[f->n] = title;
		f->counts[f->n++] = 1;
	}
}

static json_t *facet_json(struct facet *f, const char *field, long limit, long mincount, json_t **plain)
{
	/* by count, then name */
	for (int i = 1; i < f->n; i++)
		for (int j = i; j > 0 && (f->counts[j] > f->counts[j - 1] ||
					  (f->counts[j] == f->counts[j - 1] && strcmp(f->names[j], f->names[j - 1]) < 0)); j--) {
			const char *n = f->names[j], *t = f->titles[j];
			long c = f->counts[j];
			f->names[j] = f->names[j - 1];
			f->titles[j] = f->titles[j - 1];
			f->counts[j] = f->counts[j - 1];
			f->names[j - 1] = n;
			f->titles[j - 1] = t;
			f->counts[j - 1] = c;
		}
	json_t *items = json_array();
	*plain = json_object();
	for (int i = 0; i < f->n && (limit < 0 || i < limit) && f->counts[i] >= mincount; i++) {
		json_array_append_new(items, json_pack("{s:s, s:s, s:I}", "name", f->names[i],
						       "display_name", f->titles[i], "count", (json_int_t)f->counts[i]));
		json_object_set_new(*plain, f->names[i], json_integer(f->counts[i]));
	}
	return json_pack("{s:s, s:o}", "title", field, "items", items);
}

int ckan_package_search(struct req *r)
{
	long rows, start, facet_limit, mincount;
	const char *bad = NULL;
	/* More rows than the most are capped, not refused, as CKAN does. */
	if (ckan_param_int(r, "rows", 10, 0, LONG_MAX, &rows) || ckan_param_int(r, "start", 0, 0, 100000000, &start) ||
	    ckan_param_int(r, "facet.limit", 50, -1, 1000, &facet_limit) ||
	    ckan_param_int(r, "facet.mincount", 1, 0, LONG_MAX, &mincount))
		return 0;
	if (rows > SEARCH_ROWS_MAX)
		rows = SEARCH_ROWS_MAX;
	struct lq_node *query[2];
	for (int k = 0; k < 2; k++)
		if (!(query[k] = lq_parse(r->arena, ckan_param_str(r, k ? "fq" : "q"), &bad)))
			return ckan_error(r, 400, "Search Query Error",
					  arena_printf(r->arena, "Search error: %s: %s", k ? "fq" : "q", bad), NULL);
	struct sort_spec spec;
	if (parse_sort(ckan_param_str(r, "sort"), spec.keys, &spec.n))
		return ckan_error(r, 400, "Search Query Error", "Search error: sort takes score, metadata_modified, "
				  "metadata_created, name, title_string or id, each asc or desc", NULL);
	/* A JSON list, also when a POST body gives it as the text of one
	 * (as CKAN's own front end does). */
	json_t *ff = ckan_param(r, "facet.field");
	if (json_is_string(ff)) {
		json_t *list = json_loads(json_string_value(ff), 0, NULL);
		json_decref(ff);
		ff = list;
		if (!ff)
			return ckan_error(r, 409, "Validation Error", "facet.field must be a JSON list", "facet.field");
	}
	if (ff && !json_is_array(ff)) {
		json_decref(ff);
		return ckan_error(r, 409, "Validation Error", "facet.field must be a JSON list", "facet.field");
	}
	bool include_private = ckan_param_bool(r, "include_private", false);

	struct entry *e;
	size_t n;
	if (load_entries(r, &e, &n)) {
		json_decref(ff);
		return reply_db_error(r);
	}
	struct entry **hits = arena_alloc(r->arena, (n ? n : 1) * sizeof(*hits));
	size_t nhits = 0;
	for (size_t i = 0; hits && i < n; i++) {
		const struct dataset *d = e[i].d;
		if (d->private_ && !(include_private && catalog_may_see(r, d->org_id, true)))
			continue;
		int m = 1;
		const char *field = NULL;
		for (int k = 0; k < 2 && m == 1; k++)
			m = query_matches(&e[i], query[k], &field);
		if (m < 0) {
			json_decref(ff);
			return m == -1 ? ckan_error(r, 409, "Search Error", arena_printf(r->arena,
						    "Search error: undefined field %s", field), NULL)
				       : ckan_error(r, 400, "Search Query Error", arena_printf(r->arena,
						    "Search error: %s takes no range", field ? field : "free text"), NULL);
		}
		if (m == 1)
			hits[nhits++] = &e[i];
	}
	if (nhits > 0)	/* qsort_r must not see an empty catalogue's NULL */
		qsort_r(hits, nhits, sizeof(*hits), entry_cmp, &spec);

	json_t *facets = json_object(), *search_facets = json_object();
	size_t i;
	json_t *fv;
	json_array_foreach(ff, i, fv) {
		const char *field = json_string_value(fv);
		if (!field)
			continue;
		struct facet *f = arena_alloc(r->arena, sizeof(*f));
		if (!f)
			break;
		for (size_t h = 0; h < nhits; h++) {
			const struct entry *x = hits[h];
			if (strcmp(field, "organization") == 0)
				facet_add(f, x->org, x->org_title);
			else if (strcmp(field, "groups") == 0 || strcmp(field, "tags") == 0 || strcmp(field, "res_format") == 0) {
				const char **list = field[0] == 'g' ? x->groups : field[0] == 't' ? x->tags : x->formats;
				int ln = field[0] == 'g' ? x->ngroups : field[0] == 't' ? x->ntags : x->nformats;
				for (int k = 0; k < ln; k++)
					facet_add(f, list[k], list[k]);
			} else if (strcmp(field, "license_id") == 0) {
				facet_add(f, x->d->license_id, ckan_license_title(x->d->license_id));
			}
		}
		json_t *plain;
		json_object_set_new(search_facets, field, facet_json(f, field, facet_limit, mincount, &plain));
		json_object_set_new(facets, field, plain);
	}
	json_decref(ff);
	json_t *results = json_array();
	for (size_t h = (size_t)start; h < nhits && h < (size_t)(start + rows); h++)
		json_array_append_new(results, ckan_package_dict(r, hits[h]->d));
	return ckan_ok(r, json_pack("{s:I, s:o, s:o, s:o, s:s?}", "count", (json_int_t)nhits, "results", results,
				     "facets", facets, "search_facets", search_facets, "sort", ckan_param_str(r, "sort")));
}

/* ---- datastore_search ---------------------------------------------------------------- */

struct ds_row {
	int64_t id;
	json_t *cells;
};

struct ds_collect {
	struct arena *a;
	struct ds_row *v;
	size_t n, cap;
	bool oom;
};

static int ds_keep(void *ctx, int64_t id, json_t *cells)
{
	struct ds_collect *c = ctx;
	struct ds_row *slot = ARENA_PUSH(c->a, c->v, c->n, c->cap);
	if (!slot)
		return c->oom = true, -1;
	*slot = (struct ds_row){ id, json_incref(cells) };
	return 0;
}

struct ds_sort {
	int field;	/* -1: _id */
	bool desc;
};

static int ds_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ds_row *a = pa, *b = pb;
	const struct ds_sort *k = ctx;
	int c;
	if (k->field < 0) {
		c = a->id < b->id ? -1 : a->id > b->id;
	} else {
		const json_t *x = json_array_get(a->cells, (size_t)k->field);
		const json_t *y = json_array_get(b->cells, (size_t)k->field);
		if (json_is_number(x) && json_is_number(y)) {
			double p = json_number_value(x), q = json_number_value(y);
			c = p < q ? -1 : p > q;
		} else {
			c = strcmp(json_is_string(x) ? json_string_value(x) : "", json_is_string(y) ? json_string_value(y) : "");
		}
		if (!c)
			c = a->id < b->id ? -1 : a->id > b->id;
	}
	return k->desc ? -c : c;
}

/* q as text (anywhere in the row) or as a dict of field: text, and
 * full_text; plain=false (PostgreSQL's query syntax) is refused, not
 * read as plain text.  1 when a reply was set. */
static int ds_text_query(struct req *r, const struct tschema *s, struct row_filter *f)
{
	if (!ckan_param_bool(r, "plain", true))
		return ckan_error(r, 409, "Validation Error", "Only plain text queries are offered (plain=false is not)",
				  "plain"), 1;
	const char *full = ckan_param_str(r, "full_text");
	f->full_text = full && *full ? full : NULL;
	json_t *q = ckan_param(r, "q");
	if (!q)
		return 0;
	const char *key;
	json_t *v;
	char buf[64];
	int bad = 0;
	if (json_is_object(q)) {
		json_object_foreach(q, key, v) {
			int fi = tschema_field(s, key);
			if (fi < 0 || json_is_object(v) || json_is_array(v)) {
				bad = ckan_error(r, 409, "Validation Error", arena_printf(r->arena, fi < 0
						 ? "field \"%s\" not in resource" : "the text for \"%s\" must be a string", key),
						 "q") + 1;
				break;
			}
			const char *text = arena_strdup(r->arena, cell_text(v, buf, sizeof(buf)));
			if (text && *text && f->ntexts < TSCHEMA_MAX_FIELDS) {
				f->text_field[f->ntexts] = fi;
				f->texts[f->ntexts++] = text;
			}
		}
	} else if (json_is_string(q) && *json_string_value(q)) {
		f->q = arena_strdup(r->arena, json_string_value(q));
	} else if (!json_is_string(q)) {
		bad = ckan_error(r, 409, "Validation Error", "q must be text or a dict of field: text", "q") + 1;
	}
	json_decref(q);
	return bad ? 1 : 0;
}

enum records_format { RF_OBJECTS, RF_LISTS, RF_CSV, RF_TSV };
static const char *const records_format_names[] = { "objects", "lists", "csv", "tsv" };

static int ds_records_format(struct req *r, enum records_format *rf)
{
	const char *s = ckan_param_str(r, "records_format");
	*rf = RF_OBJECTS;
	if (!s || !*s)
		return 0;
	for (int i = 0; i < 4; i++)
		if (strcmp(s, records_format_names[i]) == 0)
			return *rf = (enum records_format)i, 0;
	return ckan_error(r, 409, "Validation Error", "records_format must be objects, lists, csv or tsv",
			  "records_format"), 1;
}

/* The records as records_format wants them: a list of objects or of
 * lists, or one text of CSV or TSV lines (no header: "fields" names the
 * columns), as CKAN gives them. */
struct ds_out {
	enum records_format rf;
	json_t *list;
	struct strbuf text;
};

static void ds_out_init(struct ds_out *o, struct req *r, enum records_format rf)
{
	o->rf = rf;
	o->list = rf == RF_OBJECTS || rf == RF_LISTS ? json_array() : NULL;
	strbuf_init(&o->text, r->arena, 0);
}

/* A TSV cell: CSV's quoting, with the tab as the separator to quote. */
static void add_tsv(struct strbuf *sb, const char *s)
{
	if (!strpbrk(s, "\t\"\r\n")) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void ds_out_row(struct ds_out *o, const struct tschema *s, const bool *show, int64_t id, json_t *cells)
{
	json_t *rec = o->rf == RF_OBJECTS ? json_object() : o->rf == RF_LISTS ? json_array() : NULL;
	char buf[64];
	bool first = true;
	for (int k = -1; k < s->nfields; k++) {
		if (!show[k < 0 ? s->nfields : k])
			continue;
		json_t *v = k < 0 ? json_integer(id) : json_incref(json_array_get(cells, (size_t)k));
		if (o->rf == RF_OBJECTS) {
			json_object_set(rec, k < 0 ? "_id" : s->fields[k].name, v ? v : json_null());
		} else if (o->rf == RF_LISTS) {
			json_array_append(rec, v ? v : json_null());
		} else {
			if (!first)
				strbuf_addch(&o->text, o->rf == RF_CSV ? ',' : '\t');
			const char *t = v && !json_is_null(v) ? cell_text(v, buf, sizeof(buf)) : "";
			if (o->rf == RF_CSV)
				strbuf_add_csv(&o->text, t, false);
			else
				add_tsv(&o->text, t);
		}
		json_decref(v);
		first = false;
	}
	if (rec)
		json_array_append_new(o->list, rec);
	else
		strbuf_addch(&o->text, '\n');
}

/* The records (a new reference), NULL when out of memory. */
static json_t *ds_out_end(struct ds_out *o)
{
	if (o->list)
		return o->list;
	return o->text.failed ? NULL : json_stringn(o->text.len ? o->text.buf : "", o->text.len);
}

/* _links.start: this search's address with every argument it was given
 * but offset, so that next and prev page through the same search. */
static void link_arg(struct strbuf *sb, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *parts[2] = { name, value ? value : "" };
	if (strcmp(name, "offset") == 0)
		return;
	strbuf_addch(sb, strchr(sb->buf, '?') ? '&' : '?');
	for (int p = 0; p < 2; p++) {
		if (p)
			strbuf_addch(sb, '=');
		for (const unsigned char *c = (const unsigned char *)parts[p]; *c; c++)
			if (isalnum(*c) || strchr("-._~", *c))
				strbuf_addch(sb, (char)*c);
			else
				strbuf_addf(sb, "%%%c%c", hex[*c >> 4], hex[*c & 15]);
	}
}

static void link_query_arg(void *ctx, const char *name, const char *value)
{
	link_arg(ctx, name, value);
}

static const char *ds_link_start(struct req *r)
{
	struct strbuf sb;
	strbuf_init(&sb, r->arena, 256);
	strbuf_addstr(&sb, "/api/3/action/datastore_search");
	if (r->body && strcmp(r->method, "POST") == 0) {
		const char *key;
		json_t *v;
		char buf[64];
		json_object_foreach(r->body, key, v) {
			char *dumped = json_is_object(v) || json_is_array(v) ? json_dumps(v, JSON_COMPACT) : NULL;
			link_arg(&sb, key, dumped ? dumped : cell_text(v, buf, sizeof(buf)));
			free(dumped);
		}
	} else {
		req_query_each(r, link_query_arg, &sb);
	}
	return sb.failed ? "/api/3/action/datastore_search" : sb.buf;
}

int ckan_datastore_search(struct req *r)
{
	const char *rid = ckan_param_str(r, "resource_id");
	if (!rid || !*rid)
		rid = ckan_param_str(r, "id");
	if (!rid || !*rid)
		return ckan_missing(r, "resource_id");
	struct resource res;
	struct dataset d;
	struct tschema s;
	int64_t org;
	int rc = catalog_resource_by_uid(r, rid, &res, &org);
	if (rc < 0 || (rc == 0 && catalog_dataset_load(r, res.dataset_id, &d) < 0))
		return reply_db_error(r);
	if (rc == 1 || !catalog_may_see(r, d.org_id, d.private_) || resource_schema(r, &res, &s))
		return ckan_error(r, 404, "Not Found Error", arena_printf(r->arena, "Resource \"%s\" was not found.", rid),
				  NULL);
	long limit, offset;
	if (ckan_param_int(r, "limit", 100, 0, DATASTORE_LIMIT_MAX, &limit) || ckan_param_int(r, "offset", 0, 0, 100000000, &offset))
		return 0;
	bool include_total = ckan_param_bool(r, "include_total", true);

	struct row_filter f = { .nconds = 0 };
	json_t *filters = ckan_param(r, "filters");
	if (filters && !json_is_object(filters)) {
		json_decref(filters);
		return ckan_error(r, 409, "Validation Error", "filters must be a JSON object", "filters");
	}
	const char *key;
	json_t *v;
	int pf = res.period_field ? tschema_field(&s, res.period_field) : -1;
	json_object_foreach(filters, key, v) {
		int fi = tschema_field(&s, key);
		if (strcmp(key, "_id") == 0) {
			f.ids = v;
			continue;
		}
		if (fi < 0) {
			const char *msg = arena_printf(r->arena, "field \"%s\" not in resource", key);
			json_decref(filters);
			return ckan_error(r, 409, "Validation Error", msg, "filters");
		}
		char buf[64];
		if (fi == s.region_field && !json_is_array(v))
			f.region = arena_strdup(r->arena, cell_text(v, buf, sizeof(buf)));
		else if (fi == pf && !json_is_array(v))
			f.period = arena_strdup(r->arena, cell_text(v, buf, sizeof(buf)));
		else if (f.nconds < TSCHEMA_MAX_FIELDS) {
			f.field[f.nconds] = fi;
			f.values[f.nconds++] = v;
		}
	}
	if (ds_text_query(r, &s, &f)) {
		json_decref(filters);
		return 0;
	}
	enum records_format rf;
	if (ds_records_format(r, &rf)) {
		json_decref(filters);
		return 0;
	}

	/* fields: a list or "a,b" */
	bool show[TSCHEMA_MAX_FIELDS + 1];
	json_t *fields = ckan_param(r, "fields");
	for (int i = 0; i <= TSCHEMA_MAX_FIELDS; i++)
		show[i] = fields == NULL;
	if (fields) {
		json_t *list = json_is_array(fields) ? json_incref(fields) : json_array();
		if (json_is_string(fields)) {
			const char *p = json_string_value(fields);
			while (*p) {
				size_t len = strcspn(p, ",");
				char *name = arena_strndup(r->arena, p, len);
				while (name && *name == ' ')
					name++;
				json_array_append_new(list, json_string(name ? name : ""));
				p += len + (p[len] == ',');
			}
		}
		size_t i;
		json_array_foreach(list, i, v) {
			const char *name = json_string_value(v);
			int fi = name ? (strcmp(name, "_id") == 0 ? s.nfields : tschema_field(&s, name)) : -1;
			if (fi < 0) {
				const char *msg = arena_printf(r->arena, "field \"%s\" not in resource", name ? name : "?");
				json_decref(list);
				json_decref(fields);
				json_decref(filters);
				return ckan_error(r, 409, "Validation Error", msg, "fields");
			}
			show[fi] = true;
		}
		json_decref(list);
		json_decref(fields);
	}

	/* sort: "_id", "field desc"; one key */
	const char *sort = ckan_param_str(r, "sort");
	int sfield = -1;
	bool sdesc = false, custom = false;
	if (sort && *sort) {
		size_t len = strcspn(sort, " ,");
		char *name = arena_strndup(r->arena, sort, len);
		const char *dir = sort + len;
		while (*dir == ' ')
			dir++;
		sfield = name && strcmp(name, "_id") == 0 ? -1 : tschema_field(&s, name ? name : "");
		if (sfield < 0 && !(name && strcmp(name, "_id") == 0)) {
			json_decref(filters);
			return ckan_error(r, 409, "Validation Error", arena_printf(r->arena, "field \"%s\" not in resource",
								     name ? name : "?"), "sort");
		}
		sdesc = strncasecmp(dir, "desc", 4) == 0;
		custom = sfield >= 0 || sdesc;
	}

	struct ds_collect c = { .a = r->arena };
	long total = 0;
	rc = custom ? rows_scan(r, res.id, res.pub_version, &s, &f, 0, DATASTORE_SORT_MAX + 1, ds_keep, &c, &total)
		    : rows_scan(r, res.id, res.pub_version, &s, &f, offset, limit, ds_keep, &c, &total);
	json_decref(filters);
	if (rc == 0 && custom && total > DATASTORE_SORT_MAX)
		rc = 1;
	if (rc == 0 && custom && c.n > 0) {
		struct ds_sort k = { sfield, sdesc };
		qsort_r(c.v, c.n, sizeof(*c.v), ds_cmp, &k);
	}
	struct ds_out out_rec;
	ds_out_init(&out_rec, r, rf);
	size_t from = custom ? (size_t)offset : 0, to = custom ? (size_t)(offset + limit) : c.n;
	for (size_t i = 0; rc == 0 && i < c.n; i++)
		if (i >= from && i < to)
			ds_out_row(&out_rec, &s, show, c.v[i].id, c.v[i].cells);
	for (size_t i = 0; i < c.n; i++)
		json_decref(c.v[i].cells);
	json_t *records = ds_out_end(&out_rec);
	if (rc) {
		json_decref(records);
		return rc < 0 ? reply_db_error(r)
			      : ckan_error(r, 409, "Validation Error", "too many rows to sort: add filters", "sort");
	}
	if (!records)
		return reply_db_error(r);
	json_t *flist = json_array();
	if (show[s.nfields])
		json_array_append_new(flist, json_pack("{s:s, s:s}", "id", "_id", "type", "int"));
	for (int k = 0; k < s.nfields; k++)
		if (show[k])
			json_array_append_new(flist, json_pack("{s:s, s:s}", "id", s.fields[k].name,
							       "type", tschema_ckan_type(s.fields[k].type)));
	const char *start = ds_link_start(r), *sep = strchr(start, '?') ? "&" : "?";
	json_t *links = json_pack("{s:s, s:s}", "start", start,
				  "next", arena_printf(r->arena, "%s%soffset=%ld", start, sep, offset + limit));
	if (offset > 0)
		json_object_set_new(links, "prev", json_string(arena_printf(r->arena, "%s%soffset=%ld", start, sep,
									     offset > limit ? offset - limit : 0)));
	json_t *out = json_pack("{s:s, s:o, s:o, s:I, s:I, s:b, s:s, s:o}", "resource_id", res.uid,
				"fields", flist, "records", records, "limit", (json_int_t)limit, "offset", (json_int_t)offset,
				"include_total", include_total, "records_format", records_format_names[rf], "_links", links);
	if (include_total)
		json_object_set_new(out, "total", json_integer(total));
	return ckan_ok(r, out);
}
