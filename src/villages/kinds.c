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
