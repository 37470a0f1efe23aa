/* regions_index.c - the region register in memory (see regions_index.h).
 *
 * A snapshot keeps the regions at positions 0..n-1 in ord order, (level,
 * kode), the order every SQL listing answers in: "ORDER BY ord" is
 * "ascending position" here.  In that order a level is one run, and the
 * descendants of a region at each lower level are one run too (codes below
 * a parent share its prefix), so children and "below parent" are ranges.
 *
 * Every test the SQL makes is made here on the same bytes: nama_lc as
 * stored, compared with strcmp as both dialects compare it (BINARY, COLLATE
 * "C"), so the two paths cannot disagree on case or collation.
 */
#include "regions_index.h"
#include "log.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "nik.h"
#include "regions.h"
#include "util.h"

#define NONE UINT32_MAX
#define SQL_IMPORT_ID "SELECT coalesce(max(id), 0) FROM region_imports"

struct rx_region {
	uint32_t kode, nama, lc, item;	/* offsets into the snapshot's text */
	uint32_t parent;		/* position, NONE for a province */
	uint32_t child_first, child_end; /* positions of the children */
	uint16_t item_len;
	uint8_t lc_len, level;
};

/* Byte trigrams of nama_lc, open addressing: a name containing q contains
 * each of q's trigrams, so the rarest one's list holds every candidate. */
struct tri_slot {
	uint32_t key;		/* 1 << 24 | the three bytes; 0 for an empty slot */
	uint32_t id;		/* postings at post[tri_start[id] .. tri_start[id + 1]) */
};

struct regions_snapshot {
	atomic_size_t refs;
	int64_t import_id;		/* the latest region_imports row it holds */
	uint32_t n;
	uint32_t level_start[6];	/* level L: positions [level_start[L], level_start[L + 1]) */
	struct rx_region *v;
	char *text;			/* per region: kode, nama, nama_lc, JSON item */
	uint32_t *by_name;		/* per level, its positions by (nama_lc, position) */
	struct tri_slot *tri;
	uint32_t tri_cap;		/* a power of two, at most half full */
	uint32_t *tri_start;
	uint32_t *post;			/* each list in ascending position */
	size_t bytes;
};

struct regions_index {
	pthread_mutex_t lock;		/* held only to read cur and take a reference */
	struct regions_snapshot *cur;
};

/* ---- what a region's JSON says -------------------------------------------- */

const char *regions_level_name(int level)
{
	static const char *const names[] = { "province", "regency", "district", "village" };
	return level >= 1 && level <= 4 ? names[level - 1] : "unknown";
}

/* Village numbers starting with 1 are kelurahan (urban, run by the regency),
 * 2 desa, 3 desa adat - a desa under customary law. */
const char *regions_village_kind(const char *kode)
{
	return kode[9] == '1' ? "kelurahan" : "desa";
}

static char *put(char *w, const char *s)
{
	size_t n = strlen(s);
	memcpy(w, s, n);
	return w + n;
}

/* s as jansson's json_dumps writes it (only '"', '\\' and control bytes
 * escaped, \u in upper case), so both paths send the same bytes.  At most
 * 6 * strlen(s) + 2 bytes. */
static char *put_json_string(char *w, const char *s)
{
	*w++ = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		const char *esc = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\b' ? "\\b"
				: ch == '\f' ? "\\f" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r"
				: ch == '\t' ? "\\t" : NULL;
		if (esc)
			w = put(w, esc);
		else if (ch < 0x20)
			w += sprintf(w, "\\u%04X", ch);
		else
			*w++ = (char)ch;
	}
	*w++ = '"';
	return w;
}

/* The item regions.c's region_json() gives, compact; its length. */
static size_t render_item(char *out, const char *kode, const char *nama, int level)
{
	char *w = put(out, "{\"kode\":");
	w = put_json_string(w, kode);
	w = put(w, ",\"nama\":");
	w = put_json_string(w, nama);
	w = put(w, ",\"level\":\"");
	w = put(w, regions_level_name(level));
	*w++ = '"';
	if (level == 4) {
		w = put(w, ",\"kind\":\"");
		w = put(w, regions_village_kind(kode));
		*w++ = '"';
	}
	*w++ = '}';
	return (size_t)(w - out);
}

/* ---- building a snapshot ------------------------------------------------- */

static const char *kode_of(const struct regions_snapshot *s, uint32_t p)
{
	return s->text + s->v[p].kode;
}

static const char *lc_of(const struct regions_snapshot *s, uint32_t p)
{
	return s->text + s->v[p].lc;
}

static void snapshot_free(struct regions_snapshot *s)
{
	free(s->v);
	free(s->text);
	free(s->by_name);
	free(s->tri);
	free(s->tri_start);
	free(s->post);
	free(s);
}

/* Position of kode, or NONE. */
static uint32_t find(const struct regions_snapshot *s, const char *kode)
{
	int level = region_code_level(kode);
	if (!level)
		return NONE;
	uint32_t lo = s->level_start[level], hi = s->level_start[level + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(kode_of(s, mid), kode);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* Every row in ord order.  The binary searches below need (level, kode)
 * order and the level the code spells; the import guarantees both, and a
 * register that breaks them is refused rather than searched wrongly. */
static int load_rows(struct regions_snapshot *s, struct db_conn *c)
{
	struct db_stmt *st = db_query(c, "SELECT kode, nama, nama_lc, level FROM regions ORDER BY ord", "");
	size_t vcap = 0, tlen = 0, tcap = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *kode = db_col_text(st, 0), *nama = db_col_text(st, 1), *lc = db_col_text(st, 2);
		int level = (int)db_col_int(st, 3);
		size_t kl = strlen(kode), nl = strlen(nama), ll = strlen(lc);
		/* The import caps names at 200 bytes; past 255 lc_len cannot hold them. */
		if (level != region_code_level(kode) || nl > UINT8_MAX || ll > UINT8_MAX ||
		    (s->n > 0 && (level < s->v[s->n - 1].level ||
				  (level == s->v[s->n - 1].level && strcmp(kode, kode_of(s, s->n - 1)) <= 0)))) {
			log_error("region row out of (level, kode) order or malformed", LOG_F("kode", kode));
			rc = DB_ERROR;
			break;
		}
		/* three strings, and the item: fixed text under 64 bytes */
		size_t need = kl + nl + ll + 3 + 6 * (kl + nl) + 64;
		if (s->n == vcap) {
			vcap = vcap ? vcap * 2 : 4096;
			struct rx_region *v = realloc(s->v, vcap * sizeof(*v));
			if (!v) {
				rc = DB_ERROR;
				break;
			}
			s->v = v;
		}
		if (tlen + need > tcap) {
			while (tlen + need > tcap)
				tcap = tcap ? tcap * 2 : 1 << 20;
			char *t = tcap <= UINT32_MAX ? realloc(s->text, tcap) : NULL;
			if (!t) {
				rc = DB_ERROR;
				break;
			}
			s->text = t;
		}
		struct rx_region *g = &s->v[s->n++];
		*g = (struct rx_region){ .level = (uint8_t)level, .lc_len = (uint8_t)ll, .parent = NONE };
		g->kode = (uint32_t)tlen;
		memcpy(s->text + tlen, kode, kl + 1);
		g->nama = (uint32_t)(tlen += kl + 1);
		memcpy(s->text + tlen, nama, nl + 1);
		g->lc = (uint32_t)(tlen += nl + 1);
		memcpy(s->text + tlen, lc, ll + 1);
		g->item = (uint32_t)(tlen += ll + 1);
		g->item_len = (uint16_t)render_item(s->text + tlen, kode, nama, level);
		tlen += g->item_len;
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	/* Give back the doubling's slack: the snapshot lives until the next import. */
	struct rx_region *v = realloc(s->v, (s->n ? s->n : 1) * sizeof(*v));
	char *t = realloc(s->text, tlen ? tlen : 1);
	if (v)
		s->v = v;
	if (t)
		s->text = t;
	s->bytes += s->n * sizeof(*s->v) + tlen;
	return 0;
}

/* Levels, parents and children.  Children of consecutive regions follow
 * each other, so one sweep per level finds every region's run; a region
 * whose parent is missing leaves the sweep short and refuses the register. */
static int link_tree(struct regions_snapshot *s)
{
	for (int l = 1; l <= 4; l++) {
		uint32_t p = s->level_start[l];
		while (p < s->n && s->v[p].level == l)
			p++;
		s->level_start[l + 1] = p;
	}
	for (uint32_t p = s->level_start[2]; p < s->n; p++) {
		char parent[16];
		const char *kode = kode_of(s, p);
		size_t pl = (size_t)(strrchr(kode, '.') - kode);
		memcpy(parent, kode, pl);
		parent[pl] = '\0';
		s->v[p].parent = find(s, parent);
	}
	for (int l = 1; l <= 4; l++) {
		uint32_t next = s->level_start[l + 1], end = l < 4 ? s->level_start[l + 2] : next;
		for (uint32_t p = s->level_start[l]; p < s->level_start[l + 1]; p++) {
			s->v[p].child_first = next;
			while (next < end && s->v[next].parent == p)
				next++;
			s->v[p].child_end = next;
		}
		if (next != end) {
			log_error("region without a parent in the register", LOG_F("kode", kode_of(s, next)));
			return -1;
		}
	}
	return 0;
}

/* A name's first 8 bytes, big-endian, sort as strcmp sorts them; most
 * comparisons end there, without touching the text. */
struct name_key {
	uint64_t head;
	uint32_t pos;
};

static int name_key_cmp(const void *a, const void *b, void *arg)
{
	const struct regions_snapshot *s = arg;
	const struct name_key *x = a, *y = b;
	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	/* Equal heads ending in a NUL are equal names; else compare the rest. */
	int c = (x->head & 0xff) ? strcmp(lc_of(s, x->pos) + 8, lc_of(s, y->pos) + 8) : 0;
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int sort_names(struct regions_snapshot *s)
{
	struct name_key *keys = malloc((s->n ? s->n : 1) * sizeof(*keys));
	if (!keys || !(s->by_name = malloc((s->n ? s->n : 1) * sizeof(*s->by_name)))) {
		free(keys);
		return -1;
	}
	for (uint32_t p = 0; p < s->n; p++) {
		const unsigned char *lc = (const unsigned char *)lc_of(s, p);
		uint64_t head = 0;
		for (int i = 0, end = 0; i < 8; i++) {
			end = end || !lc[i];
			head = head << 8 | (end ? 0 : lc[i]);
		}
		keys[p] = (struct name_key){ head, p };
	}
	for (int l = 1; l <= 4; l++)
		qsort_r(keys + s->level_start[l], s->level_start[l + 1] - s->level_start[l],
			sizeof(*keys), name_key_cmp, s);
	for (uint32_t p = 0; p < s->n; p++)
		s->by_name[p] = keys[p].pos;
	free(keys);
	s->bytes += s->n * sizeof(*s->by_name);
	return 0;
}

static uint32_t tri_key(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return 1u << 24 | (uint32_t)u[0] << 16 | (uint32_t)u[1] << 8 | u[2];
}

/* The slot holding key, or the empty slot where it would go. */
static struct tri_slot *tri_find(struct tri_slot *tab, uint32_t cap, uint32_t key)
{
	uint32_t h = (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15u) >> 40) & (cap - 1);
	while (tab[h].key && tab[h].key != key)
		h = (h + 1) & (cap - 1);
	return &tab[h];
}

/* Two passes over the names: count each trigram's names (giving ids and
 * list sizes), then fill the lists.  A name with a trigram twice is listed
 * once; positions come in order, so each list is sorted as it is filled. */
static int index_trigrams(struct regions_snapshot *s)
{
	uint32_t ntri = 0, idcap = 0, *count = NULL, *last = NULL;
	size_t total = 0;

	s->tri_cap = 1024;
	if (!(s->tri = calloc(s->tri_cap, sizeof(*s->tri))))
		return -1;
	for (uint32_t p = 0; p < s->n; p++) {
		const char *lc = lc_of(s, p);
		for (size_t i = 0; i + 3 <= s->v[p].lc_len; i++) {
			uint32_t key = tri_key(lc + i);
			struct tri_slot *t = tri_find(s->tri, s->tri_cap, key);
			if (!t->key) {
				if (ntri == idcap) {
					idcap = idcap ? idcap * 2 : 1024;
					uint32_t *nc = realloc(count, idcap * sizeof(*count));
					if (nc)
						count = nc;
					uint32_t *nl = nc ? realloc(last, idcap * sizeof(*last)) : NULL;
					if (!nl)
						goto fail;
					last = nl;
				}
				*t = (struct tri_slot){ key, ntri };
				count[ntri] = 0;
				last[ntri++] = NONE;
				if (2 * ntri > s->tri_cap) {
					uint32_t cap = s->tri_cap * 2;
					struct tri_slot *tab = calloc(cap, sizeof(*tab));
					if (!tab)
						goto fail;
					for (uint32_t k = 0; k < s->tri_cap; k++)
						if (s->tri[k].key)
							*tri_find(tab, cap, s->tri[k].key) = s->tri[k];
					free(s->tri);
					s->tri = tab;
					s->tri_cap = cap;
					t = tri_find(s->tri, s->tri_cap, key);
				}
			}
			if (last[t->id] != p) {
				last[t->id] = p;
				count[t->id]++;
				total++;
			}
		}
	}
	if (!(s->tri_start = malloc((ntri + 1) * sizeof(*s->tri_start))) ||
	    !(s->post = malloc((total ? total : 1) * sizeof(*s->post))))
		goto fail;
	s->tri_start[0] = 0;
	for (uint32_t id = 0; id < ntri; id++) {
		s->tri_start[id + 1] = s->tri_start[id] + count[id];
		count[id] = s->tri_start[id];	/* from here on: where the next entry goes */
	}
	for (uint32_t p = 0; p < s->n; p++) {
		const char *lc = lc_of(s, p);
		for (size_t i = 0; i + 3 <= s->v[p].lc_len; i++) {
			uint32_t id = tri_find(s->tri, s->tri_cap, tri_key(lc + i))->id;
			if (count[id] == s->tri_start[id] || s->post[count[id] - 1] != p)
				s->post[count[id]++] = p;
		}
	}
	free(count);
	free(last);
	s->bytes += s->tri_cap * sizeof(*s->tri) + (ntri + 1) * sizeof(*s->tri_start) + total * sizeof(*s->post);
	return 0;
fail:
	free(count);
	free(last);
	return -1;
}

static struct regions_snapshot *snapshot_build(struct db_conn *c)
{
	int64_t started = time_now_us();
	struct regions_snapshot *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->bytes = sizeof(*s);
	/* The import id before the rows: an import committing in between
	 * leaves this snapshot with the older id, and the next tick reloads. */
	if (db_query_int(c, &s->import_id, SQL_IMPORT_ID, "") != DB_ROW || load_rows(s, c) != 0) {
		log_error("region register not loaded", LOG_F("error", db_errmsg(c)));
		snapshot_free(s);
		return NULL;
	}
	if (link_tree(s) != 0 || sort_names(s) != 0 || index_trigrams(s) != 0) {
		log_error("region register not indexed");
		snapshot_free(s);
		return NULL;
	}
	atomic_init(&s->refs, 1);
	log_info("regions in memory", LOG_F("regions", s->n), LOG_F("mib", (double)s->bytes / (1024 * 1024)),
		 LOG_F("ms", (long long)(time_now_us() - started) / 1000));
	return s;
}

/* ---- sharing ------------------------------------------------------------- */

struct regions_index *regions_index_build(struct db_conn *c)
{
	struct regions_index *ix = calloc(1, sizeof(*ix));
	if (!ix || !(ix->cur = snapshot_build(c))) {
		free(ix);
		return NULL;
	}
	pthread_mutex_init(&ix->lock, NULL);
	return ix;
}

void regions_index_free(struct regions_index *ix)
{
	if (!ix)
		return;
	regions_index_drop(ix->cur);
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}

struct regions_snapshot *regions_index_hold(struct regions_index *ix)
{
	pthread_mutex_lock(&ix->lock);
	struct regions_snapshot *s = ix->cur;
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&ix->lock);
	return s;
}

void regions_index_drop(struct regions_snapshot *s)
{
	/* acq_rel: whoever frees has seen every other holder finish reading. */
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		snapshot_free(s);
}

int regions_index_refresh(struct regions_index *ix, struct db_conn *c)
{
	int64_t id;
	/* cur changes only here, on the tick's thread, so it is read unlocked. */
	if (db_query_int(c, &id, SQL_IMPORT_ID, "") != DB_ROW) {
		log_error("latest region import not read", LOG_F("error", db_errmsg(c)));
		return -1;
	}
	if (id == ix->cur->import_id)
		return 0;
	struct regions_snapshot *s = snapshot_build(c), *old;
	if (!s)
		return -1;
	pthread_mutex_lock(&ix->lock);
	old = ix->cur;
	ix->cur = s;
	pthread_mutex_unlock(&ix->lock);
	regions_index_drop(old);
	/* glibc keeps freed heap for reuse, which here would hold two copies'
	 * worth of pages (some 60 MB) for good; hand the old one back. */
	malloc_trim(0);
	return 1;
}

/* ---- reads --------------------------------------------------------------- */

/* The SQL's "nama_lc >= q AND nama_lc < hi": hi starts with q, so the
 * names in that range are those starting with q whose rest sorts below
 * hi's rest. */
static int in_prefix(const char *lc, const struct regions_query *qr, size_t qlen)
{
	return strncmp(lc, qr->q, qlen) == 0 && strcmp(lc + qlen, qr->hi + qlen) < 0;
}

/* First index in names[0..n) whose name is not below key. */
static size_t name_bound(const struct regions_snapshot *s, const uint32_t *names, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(lc_of(s, names[mid]), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Of the positions [a, b) at one level whose names start with q, the first
 * `need` in position order into out; how many.  The names sorted by
 * nama_lc give all m matches of the level at once; walking [a, b) in
 * position order instead stops after `need` matches, which, were matches
 * spread evenly, comes after need * size / m regions.  The cheaper wins. */
static size_t prefix_run(const struct regions_snapshot *s, const struct regions_query *qr, size_t qlen,
			 int level, uint32_t a, uint32_t b, size_t need, uint32_t *out)
{
	if (a >= b)
		return 0;
	const uint32_t *names = s->by_name + s->level_start[level];
	size_t size = s->level_start[level + 1] - s->level_start[level];
	size_t lo = name_bound(s, names, size, qr->q), m = name_bound(s, names, size, qr->hi) - lo, k = 0;

	if (m == 0)
		return 0;
	if (m <= need * size / m) {
		for (size_t i = lo; i < lo + m; i++) {
			uint32_t p = names[i];
			if (p < a || p >= b || (k == need && p > out[k - 1]))
				continue;
			/* out[0..k) stays sorted, the smallest seen */
			size_t j = k < need ? k++ : k - 1;
			for (; j > 0 && out[j - 1] > p; j--)
				out[j] = out[j - 1];
			out[j] = p;
		}
		return k;
	}
	for (uint32_t p = a; p < b && k < need; p++)
		if (in_prefix(lc_of(s, p), qr, qlen))
			out[k++] = p;
	return k;
}

/* Whether the name contains q.  Names are short, so a plain scan beats
 * memmem(), whose set-up for a long q costs more than the search. */
static int has_substring(const char *lc, size_t len, const char *q, size_t qlen)
{
	if (len < qlen)
		return 0;
	for (const char *p = lc, *end = lc + len - qlen + 1; (p = memchr(p, q[0], (size_t)(end - p))); p++)
		if (memcmp(p, q, qlen) == 0)
			return 1;
	return 0;
}

/* Names containing q but not starting with it, in the runs, in position
 * order: the SQL's second pass.  The rarest trigram's list holds them all. */
static size_t contains_runs(const struct regions_snapshot *s, const struct regions_query *qr, size_t qlen,
			    uint32_t runs[][2], size_t need, uint32_t *out)
{
	const uint32_t *list = NULL;
	size_t len = SIZE_MAX, k = 0;

	for (size_t i = 0; i + 3 <= qlen; i++) {
		const struct tri_slot *t = tri_find(s->tri, s->tri_cap, tri_key(qr->q + i));
		if (!t->key)
			return 0;
		size_t l = s->tri_start[t->id + 1] - s->tri_start[t->id];
		if (l < len) {
			len = l;
			list = s->post + s->tri_start[t->id];
		}
	}
	for (int level = 1; level <= 4 && k < need; level++) {
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (list[mid] < runs[level][0])
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < len && list[i] < runs[level][1] && k < need; i++) {
			const char *lc = lc_of(s, list[i]);
			if (has_substring(lc, s->v[list[i]].lc_len, qr->q, qlen) && !in_prefix(lc, qr, qlen))
				out[k++] = list[i];
		}
	}
	return k;
}

/* runs[level]: where a search looks at each level - the whole level, or
 * below a parent its descendants there (none when the parent is unknown,
 * as the import leaves no region without its parent). */
static void search_runs(const struct regions_snapshot *s, const char *parent, uint32_t runs[5][2])
{
	memset(runs, 0, 5 * sizeof(runs[0]));
	if (!parent) {
		for (int l = 1; l <= 4; l++) {
			runs[l][0] = s->level_start[l];
			runs[l][1] = s->level_start[l + 1];
		}
		return;
	}
	uint32_t p = find(s, parent);
	if (p == NONE)
		return;
	uint32_t a = p, b = p + 1;
	for (int l = s->v[p].level + 1; l <= 4 && a < b; l++) {
		uint32_t first = s->v[a].child_first, end = s->v[b - 1].child_end;
		a = first;
		b = end;
		runs[l][0] = a;
		runs[l][1] = b;
	}
}

static int render_list(const struct regions_snapshot *s, struct arena *a, const uint32_t *pos, size_t k,
		       char **body, size_t *len)
{
	static const char head[] = "{\"items\":[", tail[] = "]}";
	size_t total = sizeof(head) - 1 + sizeof(tail) - 1 + (k ? k - 1 : 0);
	for (size_t i = 0; i < k; i++)
		total += s->v[pos[i]].item_len;
	char *w = arena_alloc(a, total + 1);
	if (!w)
		return -1;
	*body = w;
	*len = total;
	w = put(w, head);
	for (size_t i = 0; i < k; i++) {
		if (i)
			*w++ = ',';
		memcpy(w, s->text + s->v[pos[i]].item, s->v[pos[i]].item_len);
		w += s->v[pos[i]].item_len;
	}
	put(w, tail);
	return 0;
}

int regions_snapshot_list(const struct regions_snapshot *s, struct arena *a,
			  const struct regions_query *qr, char **body, size_t *len)
{
	size_t limit = (size_t)qr->limit, k = 0;
	uint32_t *out = arena_alloc(a, limit * sizeof(*out));
	if (!out)
		return -1;
	if (!qr->q) {
		/* The provinces, or the parent's children: a run each. */
		uint32_t p = qr->parent ? find(s, qr->parent) : NONE;
		uint32_t first = qr->parent ? (p == NONE ? 0 : s->v[p].child_first) : s->level_start[1];
		uint32_t end = qr->parent ? (p == NONE ? 0 : s->v[p].child_end) : s->level_start[2];
		for (uint32_t c = first; c < end && k < limit; c++)
			out[k++] = c;
		return render_list(s, a, out, k, body, len);
	}
	uint32_t runs[5][2];
	size_t qlen = strlen(qr->q);
	search_runs(s, qr->parent, runs);
	for (int l = 1; l <= 4 && k < limit; l++)
		k += prefix_run(s, qr, qlen, l, runs[l][0], runs[l][1], limit - k, out + k);
	if (qr->nchars >= 3 && k < limit)
		k += contains_runs(s, qr, qlen, runs, limit - k, out + k);
	return render_list(s, a, out, k, body, len);
}

int regions_snapshot_region(const struct regions_snapshot *s, struct arena *a,
			    const char *kode, char **body, size_t *len)
{
	uint32_t p = find(s, kode), up[4];
	size_t nup = 0;
	if (p == NONE)
		return 1;
	for (uint32_t q = s->v[p].parent; q != NONE; q = s->v[q].parent)
		up[nup++] = q;
	char tail[48];
	int tl = snprintf(tail, sizeof(tail), "],\"children\":%u}",
		      (unsigned)(s->v[p].child_end - s->v[p].child_first));
	/* the item without its '}', parent, the ancestors' items and the tail */
	size_t total = s->v[p].item_len - 1 + strlen(",\"parent\":") + (nup ? strlen(kode_of(s, up[0])) + 2 : 4)
		       + strlen(",\"ancestors\":[") + (nup ? nup - 1 : 0) + (size_t)tl;
	for (size_t i = 0; i < nup; i++)
		total += s->v[up[i]].item_len;
	char *w = arena_alloc(a, total + 1);
	if (!w)
		return -1;
	*body = w;
	*len = total;
	memcpy(w, s->text + s->v[p].item, s->v[p].item_len - 1);
	w = put(w + s->v[p].item_len - 1, ",\"parent\":");
	if (nup) {
		*w++ = '"';
		w = put(w, kode_of(s, up[0]));
		*w++ = '"';
	} else {
		w = put(w, "null");
	}
	w = put(w, ",\"ancestors\":[");
	/* province first, as the SQL's ORDER BY ord gives them */
	for (size_t i = nup; i-- > 0;) {
		memcpy(w, s->text + s->v[up[i]].item, s->v[up[i]].item_len);
		w += s->v[up[i]].item_len;
		if (i)
			*w++ = ',';
	}
	put(w, tail);
	return 0;
}

const char *regions_snapshot_nama(const struct regions_snapshot *s, const char *kode)
{
	uint32_t p = find(s, kode);
	return p == NONE ? NULL : s->text + s->v[p].nama;
}

int regions_snapshot_children(const struct regions_snapshot *s, struct arena *a, const char *parent,
			      struct region **out, size_t *n)
{
	uint32_t p = find(s, parent);
	*out = NULL;
	*n = 0;
	if (p == NONE)
		return 0;
	uint32_t first = s->v[p].child_first, end = s->v[p].child_end;
	struct region *v = arena_alloc(a, (size_t)(end - first + 1) * sizeof(*v));
	if (!v)
		return -1;
	for (uint32_t q = first; q < end; q++) {
		v[q - first] = (struct region){ arena_strdup(a, kode_of(s, q)), arena_strdup(a, s->text + s->v[q].nama),
						s->v[q].level };
		if (!v[q - first].kode || !v[q - first].nama)
			return -1;
	}
	*out = v;
	*n = end - first;
	return 0;
}
