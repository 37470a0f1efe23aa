/* information.c - the village's public information list (Daftar
 * Informasi Publik, Perki 1/2018), edited by its operators and shown on
 * its page.  The entries live in the PPID service's one register of such
 * lists (inforeq.h), beside the agencies' lists: this file decides who may
 * change a village's list, the PPID service what an entry holds.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "inforeq/inforeq.h"
#include "util.h"

json_t *villages_information_json(struct req *r, const char *kode)
{
	return inforeq_village_dip(r->db, kode);
}

/* GET /api/villages/{kode}/information */
int villages_information_list(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	json_t *items = villages_information_json(r, v.kode);
	if (!items)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int64_t entry_id(struct req *r)
{
	char *end;
	const char *p = req_param(r, "id");
	long long id = p ? strtoll(p, &end, 10) : 0;
	return p && *p && !*end && id > 0 ? id : 0;
}

static int refuse_edit(struct req *r)
{
	return reply_error_lang(r, 403, "forbidden", "only this village's operators keep its information list",
				"Hanya operator desa ini yang dapat mengelola daftar informasi publiknya.", NULL);
}

static int not_found(struct req *r)
{
	return reply_error(r, 404, "not_found", "this village's list has no such entry", NULL);
}

/* POST /api/villages/{kode}/information and PUT .../information/{id}: the
 * whole entry.  Who holds it and where it was made default to the village
 * government and the village. */
static int entry_save(struct req *r, int64_t id)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	const char *holding = body_str(r, "holding_unit"), *where = body_str(r, "made_where");
	struct dip_entry e = {
		.number = body_str(r, "number"), .title = body_str(r, "title"), .summary = body_str(r, "summary"),
		.holding_unit = holding && *holding ? holding : arena_printf(r->arena, "Pemerintah Desa %s", v.nama),
		.responsible = body_str(r, "responsible"), .made_when = body_str(r, "made_when"),
		.made_where = where && *where ? where : arena_printf(r->arena, "Desa %s", v.nama),
		.format = body_str(r, "format"), .retention = body_str(r, "retention"), .category = body_str(r, "category"),
	};
	char now[24];
	time_iso(app_now(r->app), now);
	const char *field;
	int64_t saved;
	int rc = inforeq_village_dip_save(r->db, v.kode, id, &e, now, &saved, &field);
	if (rc == DIP_ERROR)
		return reply_db_error(r);
	if (rc == DIP_NOT_FOUND)
		return not_found(r);
	if (rc == DIP_TAKEN)
		return reply_error_lang(r, 409, "conflict", "the village's list has an entry with this number",
					"Nomor ini sudah dipakai di daftar desa.", field);
	if (rc == DIP_INVALID && strcmp(field, "category") == 0)
		return reply_error_lang(r, 400, "invalid", "category is berkala, serta_merta or setiap_saat",
					"Jenis informasi: berkala, serta merta atau setiap saat.", field);
	if (rc == DIP_INVALID)
		return reply_error_lang(r, 400, "invalid", arena_printf(r->arena, "%s is required as readable text", field),
					arena_printf(r->arena, "Isian %s wajib diisi.", field), field);
	if (audit_append(r->db, &r->caller, id ? "village.information_edit" : "village.information",
			 arena_printf(r->arena, "village:%s", v.kode), r->body) != 0 || villages_page_changed(r, v.kode) != 0)
		return reply_db_error(r);
	json_t *items = villages_information_json(r, v.kode);
	json_t *entry = NULL;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		if (json_integer_value(json_object_get(it, "id")) == saved)
			entry = json_incref(it);
	json_decref(items);
	if (!entry)
		return reply_db_error(r);
	return reply_json(r, id ? 200 : 201, json_pack("{s:o}", "entry", entry));
}

int villages_information_create(struct req *r)
{
	return entry_save(r, 0);
}

int villages_information_put(struct req *r)
{
	int64_t id = entry_id(r);
	if (!id) {
		struct village v;
		return village_open(r, &v) ? 0 : not_found(r);
	}
	return entry_save(r, id);
}

/* DELETE /api/villages/{kode}/information/{id} */
int villages_information_delete(struct req *r)
{
	struct village v;
	if (village_open(r, &v))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	int64_t id = entry_id(r);
	int rc = inforeq_village_dip_remove(r->db, v.kode, id);
	if (rc == DIP_ERROR)
		return reply_db_error(r);
	if (rc == DIP_NOT_FOUND)
		return not_found(r);
	if (audit_append(r->db, &r->caller, "village.information_remove",
			 arena_printf(r->arena, "village:%s", v.kode), NULL) != 0 || villages_page_changed(r, v.kode) != 0)
		return reply_db_error(r);
	return reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
