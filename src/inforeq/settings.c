/* settings.c - the regency's PPID structure, set by an administrator: the
 * unit of the PPID Utama (the case type's desk in the case engine, which
 * receives nothing directly but re-routes and oversees) and the unit of
 * the Atasan PPID (its head answers objections).
 */
#include "internal.h"

#include <string.h>

#include "arena.h"
#include "audit.h"
#include "orgs.h"

int inforeq_atasan_code(struct req *r, const char **code)
{
	struct db_stmt *st = db_query(r->db, "SELECT value FROM inforeq_settings WHERE key = 'atasan_unit'", "");
	int rc = st ? db_step(st) : DB_ERROR;
	*code = rc == DB_ROW ? arena_strdup(r->arena, db_col_text(st, 0)) : INFOREQ_ATASAN_DEFAULT;
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

static json_t *unit_json(struct req *r, const char *code)
{
	int64_t id;
	const char *c, *name = NULL;
	int rc = orgs_id_by_code(r->db, code, &id);
	if (rc == 0 && orgs_code_name(r->db, r->arena, id, &c, &name) != 0)
		return NULL;
	return rc < 0 ? NULL : json_pack("{s:s, s:s?}", "code", code, "name", name);
}

static int reply_settings(struct req *r)
{
	struct case_ctx x;
	struct case_config cfg;
	const char *atasan;
	inforeq_ctx(r, &x);
	if (case_config_load(&x, &inforeq_type, &cfg) != 0 || inforeq_atasan_code(r, &atasan) != 0)
		return reply_db_error(r);
	json_t *utama = unit_json(r, cfg.desk_unit ? cfg.desk_unit : INFOREQ_UTAMA_DEFAULT);
	json_t *boss = unit_json(r, atasan);
	if (!utama || !boss) {
		json_decref(utama);
		json_decref(boss);
		return reply_db_error(r);
	}
	return reply_json(r, 200, json_pack("{s:o, s:o}", "utama_unit", utama, "atasan_unit", boss));
}

/* GET /api/inforeq/settings */
int inforeq_settings_get(struct req *r)
{
	return reply_settings(r);
}

/* PATCH /api/inforeq/settings {utama_unit?, atasan_unit?}: unit codes. */
int inforeq_settings_patch(struct req *r)
{
	static const char *const keys[] = { "utama_unit", "atasan_unit" };
	for (int i = 0; i < 2; i++) {
		int64_t id;
		int rc = body_has(r, keys[i]) ? orgs_id_by_code(r->db, body_str(r, keys[i]), &id) : 0;
		if (rc < 0)
			return reply_db_error(r);
		if (rc > 0)
			return reply_error_lang(r, 400, "invalid", arena_printf(r->arena, "%s is not the code of an "
				"organisation unit", keys[i]), "Pilih unit kerja yang terdaftar.", keys[i]);
	}
	struct case_ctx x;
	inforeq_ctx(r, &x);
	/* The PPID Utama is the engine's desk: its inbox and re-routing follow. */
	int rc = 0;
	if (body_has(r, "utama_unit"))
		rc = case_config_set(&x, &inforeq_type, "desk_unit", body_str(r, "utama_unit"));
	if (rc == 0 && body_has(r, "atasan_unit") &&
	    db_exec(r->db, "INSERT INTO inforeq_settings (key, value) VALUES ('atasan_unit', ?) "
			   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", "s",
		    body_str(r, "atasan_unit")) != DB_DONE)
		rc = -1;
	if (rc == 0)
		rc = audit_append(r->db, &r->caller, "inforeq.settings", "inforeq_settings", r->body);
	if (rc != 0)
		return reply_db_error(r);
	return reply_settings(r);
}
