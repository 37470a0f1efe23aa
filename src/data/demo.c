/* demo.c - Satu Data's demo: real population and area figures of every
 * province and regency (../shared/data/penduduk.csv and luas.csv, or the
 * folder in PENDOPO_SHARED_DATA), published by Disdukcapil and by the
 * spatial-planning office, and a health-office population table that
 * disagrees about one regency, so that a fresh install shows the whole
 * flow: a conflict blocks publication until the walidata resolves it.
 *
 * The statistics bureau (BPS, the pembina) is not a regency unit; the demo
 * adds it to the organisation register, marked demo.
 */
#include "satudata.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "csv.h"
#include "regions.h"
#include "strbuf.h"

#define DEMO_NOTE "Data awal (demo)"

static const char *const groups[][3] = {
	{ "kependudukan", "Kependudukan", "Jumlah dan komposisi penduduk" },
	{ "geografi", "Geografi dan wilayah", "Luas, batas dan pembagian wilayah administrasi" },
	{ "kesehatan", "Kesehatan", "Sasaran dan layanan kesehatan" },
};

static const struct {
	const char *code, *name, *definition, *unit, *method, *producer;
	int additive;
	double tolerance;
} indicators[] = {
	{ "PDDK-JUMLAH", "Jumlah penduduk", "Penduduk yang tercatat dalam database kependudukan (DKB)", "jiwa",
	  "Data Konsolidasi Bersih semester berjalan", "DISDUKCAPIL", 1, 0 },
	{ "PDDK-LAKI", "Jumlah penduduk laki-laki", "Penduduk laki-laki yang tercatat dalam DKB", "jiwa",
	  "Data Konsolidasi Bersih semester berjalan", "DISDUKCAPIL", 1, 0 },
	{ "PDDK-PEREMPUAN", "Jumlah penduduk perempuan", "Penduduk perempuan yang tercatat dalam DKB", "jiwa",
	  "Data Konsolidasi Bersih semester berjalan", "DISDUKCAPIL", 1, 0 },
	/* Areas are measured, not counted: parts may differ from the whole
	 * by rounding. */
	{ "LUAS-WILAYAH", "Luas wilayah", "Luas daratan wilayah administrasi", "km²",
	  "Perhitungan luas dari peta batas wilayah (BIG)", "PUPR", 1, 0.001 },
};

struct demo {
	struct app *app;
	struct db_conn *c;
	struct arena *a;
	char now[24];
};

static int64_t unit(struct demo *d, const char *code)
{
	return data_unit_id(d->c, code);
}

static int64_t dataset(struct demo *d, const char *name, const char *title, const char *notes, const char *org,
		       const char *group, const char *unit_name, const char *concept)
{
	char uid[DATA_UID_LEN + 1];
	int64_t id = 0, gid = 0;
	data_uid(uid);
	if (db_query_int(d->c, &id, "INSERT INTO data_datasets (uid, name, title, notes, org_id, license_id, frequency, "
				    "release_schedule, contact_name, contact_email, concept, definition, unit, region_level, "
				    "period_start, period_end, priority, private, demo, created_at, modified_at) "
				    "VALUES (?, ?, ?, ?, ?, 'cc-by-4.0', 'tahunan', 'Juni dan Desember', 'Walidata Dinkominfo', "
				    "'satudata@demo.pendopo.id', ?, ?, ?, 'regency', '2025', '2025', 1, 0, 1, ?, ?) RETURNING id",
			 "ssssisssss", uid, name, title, notes, unit(d, org), concept, concept, unit_name, d->now, d->now) != DB_ROW ||
	    db_query_int(d->c, &gid, "SELECT id FROM data_groups WHERE name = ?", "s", group) != DB_ROW ||
	    db_exec(d->c, "INSERT INTO data_dataset_groups (dataset_id, group_id) VALUES (?, ?)", "ii", id, gid) != DB_DONE ||
	    db_exec(d->c, "INSERT INTO data_dataset_tags (dataset_id, tag) VALUES (?, ?)", "is", id, group) != DB_DONE ||
	    db_exec(d->c, "INSERT INTO data_dataset_tags (dataset_id, tag) VALUES (?, '2025')", "i", id) != DB_DONE)
		return 0;
	return id;
}

static int64_t table(struct demo *d, int64_t dataset_id, const char *name, const char *schema,
		     const char *const (*maps)[2], size_t nmaps)
{
	char uid[DATA_UID_LEN + 1];
	int64_t id = 0;
	data_uid(uid);
	if (db_query_int(d->c, &id, "INSERT INTO data_resources (uid, dataset_id, position, name, description, kind, "
				    "format, schema, created_at, modified_at) VALUES (?, ?, 0, ?, '', 'table', 'CSV', "
				    "?, ?, ?) RETURNING id", "sissss", uid, dataset_id, name, schema, d->now, d->now) != DB_ROW)
		return 0;
	for (size_t i = 0; i < nmaps; i++)
		if (db_exec(d->c, "INSERT INTO data_mappings (resource_id, field, indicator_id, region_field, period) "
				  "VALUES (?, ?, (SELECT id FROM data_indicators WHERE code = ?), 'kode_wilayah', '2025')",
			    "iss", id, maps[i][0], maps[i][1]) != DB_DONE)
			return 0;
	return id;
}

/* A whole file into memory; NULL when it cannot be read. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = arena_alloc(a, (size_t)n + 1)) &&
		    fread(buf, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
		else
			buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The source CSV under our column names, without the rows whose code the
 * register does not know (the national total "0"): of each row of width
 * columns that pick accepts (all when NULL), the columns in cols; edit,
 * when given, may change the last one.  1 when the file is missing, -1
 * when out of memory. */
static int rebuild(struct demo *d, const char *path, const char *header, int width, const int *cols, int ncols,
		   bool (*pick)(char **f), long (*edit)(char **f, long v), struct strbuf *out)
{
	size_t len = 0;
	char *buf = slurp(d->a, path, &len), *f[8];
	struct csv cs;
	if (!buf)
		return 1;
	csv_init(&cs, buf, len);
	strbuf_init(out, d->a, len);
	strbuf_addstr(out, header);
	for (int n; (n = csv_next(&cs, f, 8)) > 0;) {
		if (cs.line == 1 || n != width || (pick && !pick(f)) || regions_lookup(d->c, NULL, f[0], NULL, NULL) != 0)
			continue;
		for (int i = 0; i < ncols; i++) {
			const char *v = f[cols[i]];
			char num[32];
			if (i == ncols - 1 && edit) {
				snprintf(num, sizeof(num), "%ld", edit(f, atol(v)));
				v = num;
			}
			if (i)
				strbuf_addch(out, ',');
			strbuf_add_csv(out, v, false);
		}
		strbuf_addch(out, '\n');
	}
	return out->failed ? -1 : 0;
}

struct mem {
	const char *p;
	size_t left;
};

static long mem_read(void *ctx, char *buf, size_t n)
{
	struct mem *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

static int import(struct demo *d, int64_t rid, const struct strbuf *t, bool publish)
{
	struct mem src = { t->buf, t->len };
	struct import_req rq = { .resource_id = rid, .note = DEMO_NOTE, .read = mem_read, .read_ctx = &src,
				 .total_bytes = t->len, .now = d->now };
	struct import_result res;
	char err[256];
	int rc = data_import(d->c, d->a, &rq, &res, err, sizeof(err));
	if (rc == 1 && json_array_size(res.errors))
		log_error("demo data refused", LOG_F("module", "data"),
			  LOG_F("row", (long long)json_integer_value(json_object_get(json_array_get(res.errors, 0), "row"))),
			  LOG_F("error", json_string_value(json_object_get(json_array_get(res.errors, 0), "message"))));
	else if (rc)
		log_error("demo data not imported", LOG_F("module", "data"), LOG_F("error", err));
	json_decref(res.errors);
	if (rc || !publish)
		return rc ? -1 : 0;
	return db_exec(d->c, "UPDATE data_versions SET status = 'published', walidata_by = 'Walidata (demo)', "
			     "walidata_at = ?, published_at = ? WHERE resource_id = ? AND number = 1", "ssi",
		       d->now, d->now, rid) == DB_DONE &&
	       db_exec(d->c, "UPDATE data_resources SET pub_version = 1 WHERE id = ?", "i", rid) == DB_DONE &&
	       data_figures_changed(d->c) == 0 ? 0 : -1;
}

static bool central_java_regency(char **f)
{
	return strncmp(f[0], "33.", 3) == 0 && strlen(f[0]) == 5;
}

/* The health office counts Purbalingga's people from its own registers. */
static long health_office_count(char **f, long v)
{
	return strcmp(f[0], "33.03") == 0 ? v + 2150 : v;
}

static const char *schema_population =
	"{\"fields\":[{\"name\":\"kode_wilayah\",\"type\":\"string\",\"title\":\"Kode wilayah (Kemendagri)\"},"
	"{\"name\":\"nama_wilayah\",\"type\":\"string\"},"
	"{\"name\":\"laki_laki\",\"type\":\"integer\",\"constraints\":{\"minimum\":0}},"
	"{\"name\":\"perempuan\",\"type\":\"integer\",\"constraints\":{\"minimum\":0}},"
	"{\"name\":\"jumlah\",\"type\":\"integer\",\"constraints\":{\"minimum\":0,\"required\":true}}],"
	"\"primaryKey\":\"kode_wilayah\","
	"\"foreignKeys\":[{\"fields\":\"kode_wilayah\",\"reference\":{\"resource\":\"wilayah\",\"fields\":\"kode\"}}]}";

static const char *schema_area =
	"{\"fields\":[{\"name\":\"kode_wilayah\",\"type\":\"string\"},{\"name\":\"nama_wilayah\",\"type\":\"string\"},"
	"{\"name\":\"luas_km2\",\"type\":\"number\",\"constraints\":{\"minimum\":0,\"required\":true}}],"
	"\"primaryKey\":\"kode_wilayah\","
	"\"foreignKeys\":[{\"fields\":\"kode_wilayah\",\"reference\":{\"resource\":\"wilayah\",\"fields\":\"kode\"}}]}";

static const char *schema_health =
	"{\"fields\":[{\"name\":\"kode_wilayah\",\"type\":\"string\"},{\"name\":\"nama_wilayah\",\"type\":\"string\"},"
	"{\"name\":\"jumlah\",\"type\":\"integer\",\"constraints\":{\"minimum\":0,\"required\":true}}],"
	"\"primaryKey\":\"kode_wilayah\","
	"\"foreignKeys\":[{\"fields\":\"kode_wilayah\",\"reference\":{\"resource\":\"wilayah\",\"fields\":\"kode\"}}]}";

static int load(struct demo *d)
{
	int64_t n;
	if (db_query_int(d->c, &n, "SELECT count(*) FROM data_datasets WHERE demo = 1", "") != DB_ROW)
		return -1;
	if (n > 0)
		return 0;
	if (!unit(d, "DISDUKCAPIL") || !unit(d, "PUPR") || !unit(d, "DINKES")) {
		log_warn("demo datasets skipped: the demo units DISDUKCAPIL, PUPR, DINKES are missing", LOG_F("module", "data"));
		return 0;
	}
	if (db_exec(d->c, "INSERT INTO org_units (code, name, kind, demo, created_at, updated_at) "
			  "VALUES (?, 'Badan Pusat Statistik Kabupaten Purbalingga', 'other', 1, ?, ?) "
			  "ON CONFLICT (code) DO NOTHING", "sss", DATA_PEMBINA_UNIT, d->now, d->now) != DB_DONE)
		return -1;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (db_exec(d->c, "INSERT INTO data_groups (name, title, description, demo, created_at) VALUES (?, ?, ?, 1, ?) "
				  "ON CONFLICT (name) DO NOTHING", "ssss", groups[i][0], groups[i][1], groups[i][2],
			    d->now) != DB_DONE)
			return -1;
	for (size_t i = 0; i < sizeof(indicators) / sizeof(indicators[0]); i++)
		if (db_exec(d->c, "INSERT INTO data_indicators (code, name, definition, unit, method, producer_org_id, "
				  "additive, tolerance, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
				  "ON CONFLICT (code) DO NOTHING", "sssssiidss", indicators[i].code, indicators[i].name,
			    indicators[i].definition, indicators[i].unit, indicators[i].method, unit(d, indicators[i].producer),
			    (int64_t)indicators[i].additive, indicators[i].tolerance, d->now, d->now) != DB_DONE)
			return -1;

	const char *dir = getenv("PENDOPO_SHARED_DATA");
	if (!dir || !*dir)
		dir = "../shared/data";
	const char *pend = arena_printf(d->a, "%s/penduduk.csv", dir), *luas = arena_printf(d->a, "%s/luas.csv", dir);
	static const int all5[] = { 0, 1, 2, 3, 4 }, all3[] = { 0, 1, 2 }, total[] = { 0, 1, 4 };
	struct strbuf tp, tl, th;
	int rc = rebuild(d, pend, "kode_wilayah,nama_wilayah,laki_laki,perempuan,jumlah\n", 5, all5, 5, NULL, NULL, &tp);
	if (!rc)
		rc = rebuild(d, luas, "kode_wilayah,nama_wilayah,luas_km2\n", 3, all3, 3, NULL, NULL, &tl);
	if (!rc)
		rc = rebuild(d, pend, "kode_wilayah,nama_wilayah,jumlah\n", 5, total, 3, central_java_regency,
			     health_office_count, &th);
	if (rc > 0) {
		log_warn("demo datasets skipped: files not found (set PENDOPO_SHARED_DATA)", LOG_F("module", "data"),
			 LOG_F("population", pend), LOG_F("area", luas));
		return 0;
	}
	if (rc < 0)
		return -1;

	static const char *const pmaps[][2] = { { "laki_laki", "PDDK-LAKI" }, { "perempuan", "PDDK-PEREMPUAN" },
						{ "jumlah", "PDDK-JUMLAH" } };
	static const char *const lmaps[][2] = { { "luas_km2", "LUAS-WILAYAH" } };
	static const char *const hmaps[][2] = { { "jumlah", "PDDK-JUMLAH" } };
	int64_t dp = dataset(d, "jumlah-penduduk-2025", "Jumlah Penduduk menurut Provinsi dan Kabupaten/Kota 2025",
			     "Jumlah penduduk laki-laki, perempuan dan total per provinsi dan kabupaten/kota, dari Data "
			     "Konsolidasi Bersih (Kepmendagri 300.2.2-2138 Tahun 2025).", "DISDUKCAPIL", "kependudukan", "jiwa",
			     "Penduduk adalah WNI dan orang asing yang bertempat tinggal di Indonesia.");
	int64_t dl = dataset(d, "luas-wilayah-2025", "Luas Wilayah Provinsi dan Kabupaten/Kota 2025",
			     "Luas daratan setiap provinsi dan kabupaten/kota dalam km², dari Badan Informasi Geospasial.",
			     "PUPR", "geografi", "km²", "Luas daratan di dalam batas wilayah administrasi.");
	int64_t dh = dataset(d, "penduduk-sasaran-kesehatan-2025", "Penduduk Sasaran Program Kesehatan Jawa Tengah 2025",
			     "Jumlah penduduk yang dipakai Dinas Kesehatan untuk menghitung sasaran program kesehatan.",
			     "DINKES", "kesehatan", "jiwa", "Penduduk sasaran program kesehatan.");
	int64_t rp = dp ? table(d, dp, "Penduduk per wilayah", schema_population, pmaps, 3) : 0;
	int64_t rl = dl ? table(d, dl, "Luas per wilayah", schema_area, lmaps, 1) : 0;
	int64_t rh = dh ? table(d, dh, "Penduduk sasaran per kabupaten/kota", schema_health, hmaps, 1) : 0;
	if (!rp || !rl || !rh || import(d, rp, &tp, true) || import(d, rl, &tl, true) || import(d, rh, &th, false))
		return -1;
	return 0;
}

int data_demo_load(struct app *app, struct db_conn *c)
{
	struct demo d = { .app = app, .c = c, .a = arena_new(1 << 16) };
	if (!d.a)
		return -1;
	data_now(app, d.now);
	int rc = load(&d);
	arena_free(d.a);
	return rc;
}
