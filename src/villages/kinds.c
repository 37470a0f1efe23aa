/* kinds.c - the village letters a citizen may ask for online: each kind
 * with its classification code (the number's first part), its own fields,
 * the files it needs and what the village states in it.
 */
#include "internal.h"

#include <string.h>

static const struct letter_field domisili_fields[] = { { NULL, NULL } };
static const struct letter_field usaha_fields[] = {
	{ "nama_usaha", "Nama usaha" }, { "jenis_usaha", "Jenis usaha" }, { "alamat_usaha", "Alamat usaha" },
	{ NULL, NULL },
};
static const struct letter_field kelahiran_fields[] = {
	{ "nama_anak", "Nama anak" }, { "tempat_lahir", "Tempat lahir" }, { "tanggal_lahir", "Tanggal lahir" },
	{ "nama_ayah", "Nama ayah" }, { "nama_ibu", "Nama ibu" }, { NULL, NULL },
};
static const struct letter_field kematian_fields[] = {
	{ "nama_almarhum", "Nama almarhum/almarhumah" }, { "tanggal_meninggal", "Tanggal meninggal" },
	{ "tempat_meninggal", "Tempat meninggal" }, { "sebab", "Sebab meninggal" }, { NULL, NULL },
};

static const char *const ktp[] = { "ktp", NULL };
static const char *const ktp_kk[] = { "ktp", "kk", NULL };

const struct village_letter_kind village_letter_kinds[] = {
	{ "domisili", "SURAT KETERANGAN DOMISILI", "474.4", domisili_fields, ktp_kk,
	  "benar-benar berdomisili di alamat tersebut di atas, di wilayah Desa kami." },
	{ "usaha", "SURAT KETERANGAN USAHA", "503", usaha_fields, ktp,
	  "benar-benar mempunyai usaha sebagaimana tersebut di atas, di wilayah Desa kami." },
	{ "tidak_mampu", "SURAT KETERANGAN TIDAK MAMPU", "401", domisili_fields, ktp_kk,
	  "adalah warga Desa kami yang tergolong keluarga tidak mampu." },
	{ "pengantar_skck", "SURAT PENGANTAR SKCK", "331", domisili_fields, ktp_kk,
	  "adalah warga Desa kami yang berkelakuan baik dan tidak sedang tersangkut perkara pidana, "
	  "sepanjang pengetahuan kami; surat ini pengantar permohonan Surat Keterangan Catatan Kepolisian." },
	{ "kelahiran", "SURAT KETERANGAN KELAHIRAN", "474.1", kelahiran_fields, ktp_kk,
	  "telah melaporkan kelahiran anak sebagaimana tersebut di atas." },
	{ "kematian", "SURAT KETERANGAN KEMATIAN", "474.3", kematian_fields, ktp_kk,
	  "telah melaporkan kematian sebagaimana tersebut di atas." },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

const struct village_letter_kind *village_letter_kind(const char *code)
{
	for (const struct village_letter_kind *k = village_letter_kinds; code && k->code; k++)
		if (strcmp(k->code, code) == 0)
			return k;
	return NULL;
}

json_t *village_letter_kinds_json(void)
{
	json_t *a = json_array();
	for (const struct village_letter_kind *k = village_letter_kinds; k->code; k++) {
		json_t *fields = json_array(), *files = json_array();
		for (const struct letter_field *f = k->fields; f->name; f++)
			json_array_append_new(fields, json_pack("{s:s, s:s}", "name", f->name, "label", f->label));
		for (const char *const *n = k->attachments; *n; n++)
			json_array_append_new(files, json_string(*n));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, s:o}", "code", k->code, "title", k->title,
						   "classification", k->classification, "fields", fields, "attachments", files));
	}
	return a;
}

/* GET /api/villages/letter-kinds */
int villages_letter_kinds(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:o}", "items", village_letter_kinds_json()));
}

/* ---- kinds a village adds from templates ------------------------------------------------ */

/* Letters a village may offer beyond the standard ones; the standard
 * kinds serve as templates too (a village's own variant of one). */
static const struct letter_field belum_menikah_fields[] = { { "status_perkawinan", "Status perkawinan" }, { NULL, NULL } };
static const struct letter_field penghasilan_fields[] = {
	{ "pekerjaan", "Pekerjaan" }, { "penghasilan_bulanan", "Penghasilan per bulan" }, { NULL, NULL },
};
static const struct letter_field kehilangan_fields[] = {
	{ "barang", "Barang yang hilang" }, { "tanggal_hilang", "Tanggal hilang" }, { "tempat_hilang", "Tempat hilang" },
	{ NULL, NULL },
};
static const struct letter_field umum_fields[] = { { "keterangan", "Keterangan" }, { NULL, NULL } };

static const struct village_letter_kind extra_templates[] = {
	{ "belum_menikah", "SURAT KETERANGAN BELUM MENIKAH", "474.2", belum_menikah_fields, ktp_kk,
	  "sepanjang pengetahuan kami belum pernah menikah." },
	{ "penghasilan", "SURAT KETERANGAN PENGHASILAN", "581", penghasilan_fields, ktp_kk,
	  "mempunyai pekerjaan dan penghasilan sebagaimana tersebut di atas." },
	{ "kehilangan", "SURAT KETERANGAN KEHILANGAN", "331", kehilangan_fields, ktp,
	  "telah melaporkan kehilangan barang sebagaimana tersebut di atas." },
	{ "umum", "SURAT KETERANGAN", "470", umum_fields, ktp, "adalah warga Desa kami, dengan keterangan di atas." },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

const struct village_letter_kind *village_letter_template(const char *code)
{
	for (const struct village_letter_kind *k = extra_templates; code && k->code; k++)
		if (strcmp(k->code, code) == 0)
			return k;
	return village_letter_kind(code);
}

static json_t *kind_json(const struct village_letter_kind *k)
{
	json_t *fields = json_array(), *files = json_array();
	for (const struct letter_field *f = k->fields; f->name; f++)
		json_array_append_new(fields, json_pack("{s:s, s:s}", "name", f->name, "label", f->label));
	for (const char *const *n = k->attachments; *n; n++)
		json_array_append_new(files, json_string(*n));
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s}", "code", k->code, "title", k->title, "classification",
			 k->classification, "fields", fields, "attachments", files, "statement", k->statement);
}

/* GET /api/villages/letter-templates */
int villages_letter_templates(struct req *r)
{
	json_t *a = json_array();
	for (const struct village_letter_kind *k = village_letter_kinds; k->code; k++)
		json_array_append_new(a, kind_json(k));
	for (const struct village_letter_kind *k = extra_templates; k->code; k++)
		json_array_append_new(a, kind_json(k));
	return reply_json(r, 200, json_pack("{s:o}", "items", a));
}

#define KIND_SELECT "SELECT code, title, classification, fields, attachments, statement, template, retired_at," \
		    " (SELECT count(*) FROM village_letters l WHERE l.village = k.village AND l.kind = k.code)" \
		    " FROM village_letter_kinds k"

/* A stored kind into out (in a), its arrays from their JSON text. */
static int kind_row(struct arena *a, struct db_stmt *st, struct village_letter_kind *out)
{
	json_t *fields = json_loads(db_col_text(st, 3), 0, NULL), *files = json_loads(db_col_text(st, 4), 0, NULL);
	struct letter_field *f = arena_alloc(a, (json_array_size(fields) + 1) * sizeof(*f));
	const char **n = arena_alloc(a, (json_array_size(files) + 1) * sizeof(*n));
	if (!f || !n) {
		json_decref(fields);
		json_decref(files);
		return -1;
	}
	size_t i;
	json_t *x;
	json_array_foreach(fields, i, x)
		f[i] = (struct letter_field){ arena_strdup(a, json_string_value(json_object_get(x, "name"))),
					      arena_strdup(a, json_string_value(json_object_get(x, "label"))) };
	f[json_array_size(fields)] = (struct letter_field){ NULL, NULL };
	json_array_foreach(files, i, x)
		n[i] = arena_strdup(a, json_string_value(x));
	n[json_array_size(files)] = NULL;
	json_decref(fields);
	json_decref(files);
	*out = (struct village_letter_kind){ arena_strdup(a, db_col_text(st, 0)), arena_strdup(a, db_col_text(st, 1)),
		arena_strdup(a, db_col_text(st, 2)), f, n, arena_strdup(a, db_col_text(st, 5)) };
	return 0;
}

int village_kind_find(struct req *r, const char *village, const char *code, struct village_letter_kind *out,
		      bool *retired)
{
	const struct village_letter_kind *std = village_letter_kind(code);
	*retired = false;
	if (std) {
		*out = *std;
		return 0;
	}
	if (!code)
		return 1;
	struct db_stmt *st = db_query(r->db, KIND_SELECT " WHERE k.village = ? AND k.code = ?", "ss", village, code);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*retired = !db_col_is_null(st, 7);
		rc = kind_row(r->arena, st, out) == 0 ? DB_ROW : DB_ERROR;
	}
	db_done(st);
	return rc == DB_ROW ? 0 : rc == DB_DONE ? 1 : -1;
}

json_t *village_kinds_json(struct req *r, const char *village, bool with_retired)
{
	json_t *a = village_letter_kinds_json();
	struct db_stmt *st = db_query(r->db, KIND_SELECT " WHERE k.village = ? AND (? = 1 OR k.retired_at IS NULL)"
					     " ORDER BY k.code", "sb", village, (int)with_retired);
	if (!st) {
		json_decref(a);
		return NULL;
	}
	int rc;
	struct village_letter_kind k;
	while ((rc = db_step(st)) == DB_ROW) {
		if (kind_row(r->arena, st, &k) != 0) {
			rc = DB_ERROR;
			break;
		}
		json_t *j = kind_json(&k);
		json_object_set_new(j, "village", json_true());
		json_object_set_new(j, "template", json_string(db_col_text(st, 6)));
		json_object_set_new(j, "retired", json_boolean(!db_col_is_null(st, 7)));
		json_object_set_new(j, "requests", json_integer(db_col_int(st, 8)));
		json_array_append_new(a, j);
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}
