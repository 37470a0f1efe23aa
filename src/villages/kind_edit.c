/* kind_edit.c - letter kinds a village adds to the standard ones: its
 * operator starts from a template (kinds.c), names the kind and may change
 * its title, fields, required files and statement later.  A kind that
 * requests use is never deleted (their letters name it), only retired:
 * no new request may take it, those under way go on.
 */
#include "internal.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "util.h"

#define KIND_FIELDS_MAX 12
#define KIND_FILES_MAX 5

/* A code, field or file name: a lower-case letter, then letters, digits
 * and '_', 2 to 32 in all. */
static bool slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 32 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int invalid(struct req *r, const char *field, const char *en, const char *id)
{
	return reply_error_lang(r, 400, "invalid", en, id, field), -1;
}

/* The body's fields as stored JSON text in *out, or the template's when
 * absent; 0, or -1 with a reply set. */
static int fields_text(struct req *r, const struct village_letter_kind *base, const char **out)
{
	json_t *in = json_object_get(r->body, "fields"), *norm = json_array();
	if (!in) {
		for (const struct letter_field *f = base->fields; f->name; f++)
			json_array_append_new(norm, json_pack("{s:s, s:s}", "name", f->name, "label", f->label));
	} else {
		size_t i, k;
		json_t *x;
		if (json_array_size(in) > KIND_FIELDS_MAX) {
			json_decref(norm);
			return invalid(r, "fields", "a kind has at most 12 fields", "Paling banyak 12 isian.");
		}
		json_array_foreach(in, i, x) {
			const char *name = json_string_value(json_object_get(x, "name"));
			const char *label = json_string_value(json_object_get(x, "label"));
			bool dup = false;
			for (k = 0; k < i && name; k++)
				dup = dup || strcmp(name, json_string_value(json_object_get(json_array_get(in, k), "name"))) == 0;
			if (!json_is_object(x) || json_object_size(x) != 2 || !slug_ok(name) || dup || !label ||
			    strlen(label) > 100 || !village_text_ok(label, false)) {
				json_decref(norm);
				return invalid(r, "fields", "fields are [{name, label}]: distinct names of a-z, 0-9 and _, "
					       "labels of at most 100 bytes", "Isian berupa nama (a-z, 0-9, _) yang berbeda "
					       "dan label paling panjang 100 karakter.");
			}
			json_array_append_new(norm, json_pack("{s:s, s:s}", "name", name, "label", label));
		}
	}
	*out = arena_json_dumps(r->arena, norm, JSON_COMPACT);
	json_decref(norm);
	return 0;
}

static int files_text(struct req *r, const struct village_letter_kind *base, const char **out)
{
	json_t *in = json_object_get(r->body, "attachments"), *norm = json_array();
	if (!in) {
		for (const char *const *n = base->attachments; *n; n++)
			json_array_append_new(norm, json_string(*n));
	} else {
		size_t i, k;
		json_t *x;
		json_array_foreach(in, i, x) {
			bool dup = false;
			for (k = 0; k < i && json_is_string(x); k++)
				dup = dup || json_equal(x, json_array_get(in, k));
			if (i >= KIND_FILES_MAX || !slug_ok(json_string_value(x)) || dup) {
				json_decref(norm);
				return invalid(r, "attachments", "attachments are at most 5 distinct names of a-z, 0-9 and _",
					       "Berkas paling banyak 5, dengan nama (a-z, 0-9, _) yang berbeda.");
			}
			json_array_append_new(norm, json_incref(x));
		}
	}
	*out = arena_json_dumps(r->arena, norm, JSON_COMPACT);
	json_decref(norm);
	return 0;
}

/* title, classification and statement: given ones must be readable text. */
static int texts_check(struct req *r)
{
	static const char *const names[] = { "title", "classification", "statement" };
	for (size_t i = 0; i < 3; i++) {
		const char *s = body_str(r, names[i]);
		if (body_has(r, names[i]) && !village_text_ok(s, false))
			return invalid(r, names[i], arena_printf(r->arena, "%s must be readable text", names[i]),
				       arena_printf(r->arena, "Isian %s wajib diisi.", names[i]));
	}
	return 0;
}

static int refuse_edit(struct req *r)
{
	return reply_error_lang(r, 403, "forbidden", "only this village's operators keep its letter kinds",
				"Hanya operator desa ini yang dapat mengelola jenis suratnya.", NULL);
}

/* GET /api/villages/{kode}/letter-kinds: the standard kinds and the
 * village's own; its staff see retired ones too. */
int villages_kinds_list(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	json_t *items = village_kinds_json(r, v.kode, village_may_edit(r, v.kode));
	if (!items)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int kind_reply(struct req *r, const char *kode, const char *code, int status)
{
	json_t *items = village_kinds_json(r, kode, true), *it, *found = NULL;
	size_t i;
	json_array_foreach(items, i, it)
		if (!found && strcmp(json_string_value(json_object_get(it, "code")), code) == 0)
			found = json_incref(it);
	json_decref(items);
	if (!found)
		return reply_db_error(r);
	return reply_json(r, status, json_pack("{s:o}", "kind", found));
}

/* POST /api/villages/{kode}/letter-kinds {template, code, title?, classification?, fields?, attachments?, statement?} */
int villages_kind_add(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	const struct village_letter_kind *t = village_letter_template(body_str(r, "template"));
	if (!t)
		return reply_error(r, 400, "invalid", "template must be one of GET /api/villages/letter-templates", "template");
	const char *code = body_str(r, "code"), *fields, *files;
	if (!slug_ok(code))
		return invalid(r, "code", "code is 2 to 32 of a-z, 0-9 and _, starting with a letter",
			       "Kode berupa 2-32 huruf kecil, angka atau _, diawali huruf."), 0;
	if (texts_check(r) || fields_text(r, t, &fields) || files_text(r, t, &files))
		return 0;
	int64_t seen;
	if (db_query_int(r->db, &seen, "SELECT count(*) FROM village_letter_kinds WHERE village = ? AND code = ?", "ss",
			 v.kode, code) != DB_ROW)
		return reply_db_error(r);
	if (seen || village_letter_kind(code))
		return reply_error_lang(r, 409, "conflict", "the village has a letter kind with this code",
					"Kode jenis surat ini sudah dipakai.", "code");
	char now[24];
	time_iso(app_now(r->app), now);
	const char *title = body_str(r, "title"), *cls = body_str(r, "classification"), *stmt = body_str(r, "statement");
	if (db_exec(r->db, "INSERT INTO village_letter_kinds (village, code, template, title, classification, fields,"
			   " attachments, statement, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "ssssssssss", v.kode, code, t->code, title ? title : t->title, cls ? cls : t->classification, fields,
		    files, stmt ? stmt : t->statement, now, now) != DB_DONE ||
	    audit_append(r->db, &r->caller, "village.letter_kind", arena_printf(r->arena, "village:%s", v.kode), r->body) != 0)
		return reply_db_error(r);
	return kind_reply(r, v.kode, code, 201);
}

/* The village's own kind {code} for a change: 0 with *k; -1 with a reply set. */
static int own_kind(struct req *r, struct village *v, struct village_letter_kind *k, bool *retired)
{
	if (village_open(r, v))
		return -1;
	if (!village_may_edit(r, v->kode))
		return refuse_edit(r), -1;
	const char *code = req_param(r, "code");
	if (village_letter_kind(code))
		return reply_error_lang(r, 409, "conflict", "a standard letter kind is the same for every village",
					"Jenis surat baku berlaku untuk semua desa dan tidak dapat diubah.", "code"), -1;
	int rc = village_kind_find(r, v->kode, code, k, retired);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 404, "not_found", "this village has no letter kind with this code", NULL), -1;
	return 0;
}

/* PATCH /api/villages/{kode}/letter-kinds/{code}: the members given;
 * {retired: true} stops new requests of it, false offers it again. */
int villages_kind_patch(struct req *r)
{
	struct village v;
	struct village_letter_kind k;
	bool retired;
	const char *fields, *files;
	if (own_kind(r, &v, &k, &retired) || texts_check(r) || fields_text(r, &k, &fields) || files_text(r, &k, &files))
		return 0;
	char now[24];
	time_iso(app_now(r->app), now);
	json_t *ret = json_object_get(r->body, "retired");
	bool now_retired = ret ? json_is_true(ret) : retired;
	if (db_exec(r->db, "UPDATE village_letter_kinds SET title = COALESCE(?, title),"
			   " classification = COALESCE(?, classification), statement = COALESCE(?, statement), fields = ?,"
			   " attachments = ?, retired_at = CASE WHEN ? = 0 THEN NULL ELSE COALESCE(retired_at, ?) END,"
			   " updated_at = ? WHERE village = ? AND code = ?", "sssssbssss", body_str(r, "title"),
		    body_str(r, "classification"), body_str(r, "statement"), fields, files, (int)now_retired, now, now,
		    v.kode, k.code) != DB_DONE ||
	    audit_append(r->db, &r->caller, ret && now_retired != retired ? (now_retired ? "village.letter_kind_retire"
		    : "village.letter_kind_offer") : "village.letter_kind_edit",
		    arena_printf(r->arena, "village:%s", v.kode), r->body) != 0)
		return reply_db_error(r);
	return kind_reply(r, v.kode, k.code, 200);
}

/* DELETE /api/villages/{kode}/letter-kinds/{code}: only a kind no request used. */
int villages_kind_delete(struct req *r)
{
	struct village v;
	struct village_letter_kind k;
	bool retired;
	if (own_kind(r, &v, &k, &retired))
		return 0;
	int64_t used;
	if (db_query_int(r->db, &used, "SELECT count(*) FROM village_letters WHERE village = ? AND kind = ?", "ss", v.kode,
			 k.code) != DB_ROW)
		return reply_db_error(r);
	if (used)
		return reply_error_lang(r, 409, "conflict", "requests use this letter kind: retire it instead",
					"Jenis surat ini sudah dipakai permohonan: nonaktifkan saja.", "code");
	if (db_exec(r->db, "DELETE FROM village_letter_kinds WHERE village = ? AND code = ?", "ss", v.kode, k.code) != DB_DONE ||
	    audit_append(r->db, &r->caller, "village.letter_kind_delete", arena_printf(r->arena, "village:%s", v.kode),
			 NULL) != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
