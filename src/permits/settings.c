/* settings.c - what a regency configures of its research permits: which
 * unit assesses and which signs, the letter's number format, its Dasar
 * lines, conditions and copies, the report rule, the working days of each
 * step; and the demo's officers.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "letters.h"
#include "log.h"
#include "orgs.h"
#include "validate.h"

#define DAYS_MAX 60
#define LINES_MAX 20

static int reply_settings(struct req *r)
{
	struct permit_settings s;
	struct case_config cfg;
	struct case_ctx x;
	permits_ctx(r, &x);
	if (permits_settings_load(r, &s) != 0 || case_config_load(&x, &permit_type, &cfg) != 0)
		return permits_db_error(r);
	json_t *days = json_object();
	int total = 0;
	for (int i = 0; permit_type.states[i].name; i++)
		if (permit_type.states[i].days > 0) {
			json_object_set_new(days, permit_type.states[i].name, json_integer(cfg.days[i]));
			total += cfg.days[i];
		}
	json_t *body = json_pack("{s:s?, s:s, s:s, s:s, s:O, s:O, s:O, s:b, s:i, s:o, s:i}", "desk_unit", cfg.desk_unit,
				 "assess_unit", s.assess_unit, "sign_unit", s.sign_unit, "number_format", s.number_format,
				 "dasar", s.dasar, "conditions", s.conditions, "copies", s.copies, "block_overdue_report",
				 (int)s.block_overdue_report, "report_days", s.report_days, "days", days,
				 "service_days", total);
	permits_settings_release(&s);
	return reply_json(r, 200, body);
}

/* GET /api/permits/settings */
int permits_settings_get(struct req *r)
{
	return reply_settings(r);
}

static int setting_put(struct req *r, const char *key, const char *value)
{
	if (db_exec(r->db, "DELETE FROM permit_settings WHERE key = ?", "s", key) != DB_DONE ||
	    db_exec(r->db, "INSERT INTO permit_settings (key, value) VALUES (?, ?)", "ss", key, value) != DB_DONE)
		return -1;
	return 0;
}

static bool lines_ok(json_t *a)
{
	size_t i;
	json_t *l;
	if (json_array_size(a) > LINES_MAX)
		return false;
	json_array_foreach(a, i, l)
		if (!json_is_string(l) || !permit_text_ok(json_string_value(l), false) || utf8_length(json_string_value(l)) > 500)
			return false;
	return true;
}

/* PATCH /api/permits/settings {desk_unit?, assess_unit?, sign_unit?, number_format?,
 * dasar?, conditions?, copies?, block_overdue_report?, report_days?, days?} */
int permits_settings_patch(struct req *r)
{
	static const char *const units[] = { "assess_unit", "sign_unit", "desk_unit" };
	for (int i = 0; i < 3; i++) {
		int64_t id;
		int rc = body_has(r, units[i]) ? orgs_id_by_code(r->db, body_str(r, units[i]), &id) : 0;
		if (rc < 0)
			return permits_db_error(r);
		if (rc > 0)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is not the code of an organisation "
										     "unit", units[i]), units[i]);
	}
	const char *why;
	if (body_has(r, "number_format") && letter_format_check(body_str(r, "number_format"), &why) != LETTERS_OK)
		return reply_error(r, 400, "invalid", arena_printf(r->arena, "number_format: %s", why), "number_format");
	static const char *const lists[] = { "dasar", "conditions", "copies" };
	for (int i = 0; i < 3; i++)
		if (body_has(r, lists[i]) && !lines_ok(json_object_get(r->body, lists[i])))
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "%s is a list of up to %d lines of text",
									     lists[i], LINES_MAX), lists[i]);
	json_t *rd = json_object_get(r->body, "report_days");
	if (rd && (json_integer_value(rd) < 0 || json_integer_value(rd) > 365))
		return reply_error(r, 400, "invalid", "report_days is from 0 to 365", "report_days");
	json_t *days = json_object_get(r->body, "days");
	const char *key;
	json_t *v;
	json_object_foreach(days, key, v) {
		int i = case_state_index(&permit_type, key);
		if (i < 0 || permit_type.states[i].days <= 0)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "days.%s: the state %s has no deadline",
									   key, key), "days");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > DAYS_MAX)
			return reply_error(r, 400, "invalid", arena_printf(r->arena, "days.%s must be a whole number of "
									   "working days from 1 to %d", key, DAYS_MAX), "days");
	}

	int rc = 0;
	for (int i = 0; i < 2 && rc == 0; i++)
		if (body_has(r, units[i]))
			rc = setting_put(r, units[i], body_str(r, units[i]));
	if (rc == 0 && body_has(r, "number_format"))
		rc = setting_put(r, "number_format", body_str(r, "number_format"));
	for (int i = 0; i < 3 && rc == 0; i++)
		if (body_has(r, lists[i]))
			rc = setting_put(r, lists[i], arena_json_dumps(r->arena, json_object_get(r->body, lists[i]), JSON_COMPACT));
	if (rc == 0 && body_has(r, "block_overdue_report"))
		rc = setting_put(r, "block_overdue_report", json_is_true(json_object_get(r->body, "block_overdue_report"))
								  ? "1" : "0");
	if (rc == 0 && rd)
		rc = setting_put(r, "report_days", arena_printf(r->arena, "%lld", (long long)json_integer_value(rd)));
	struct case_ctx x;
	permits_ctx(r, &x);
	/* The desk is the case engine's setting: its inbox and clocks follow it. */
	if (rc == 0 && body_has(r, "desk_unit"))
		rc = case_config_set(&x, &permit_type, "desk_unit", body_str(r, "desk_unit"));
	json_object_foreach(days, key, v) {
		if (rc == 0)
			rc = case_config_set(&x, &permit_type, arena_printf(r->arena, "days.%s", key),
					     arena_printf(r->arena, "%lld", (long long)json_integer_value(v)));
	}
	if (rc == 0)
		rc = audit_append(r->db, &r->caller, "permit.settings", "permit_settings", r->body);
	if (rc != 0)
		return permits_db_error(r);
	return reply_settings(r);
}

/* The demo's offices: the licensing desk, Kesbangpol's analyst and head.
 * Accounts go through auth's command-line function, which commits on its
 * own (as the queue's demo does); a second `demo load` finds them there. */
int permits_demo_load(struct app *app, struct db_conn *c)
{
	static const struct {
		const char *name, *email, *role, *unit;
	} accounts[] = {
		{ "Petugas Perizinan DPMPTSP (demo)", "petugas.dpmptsp@demo.pendopo.id", "officer", "DPMPTSP" },
		{ "Analis Kesbangpol (demo)", "analis.kesbangpol@demo.pendopo.id", "officer", "KESBANGPOL" },
		{ "Kepala Kesbangpol (demo)", "kepala.kesbangpol@demo.pendopo.id", "unit_head", "KESBANGPOL" },
	};
	char err[256];
	(void)app;
	if (db_tx_commit(c) != DB_OK)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		int64_t unit;
		if (orgs_id_by_code(c, accounts[i].unit, &unit) != 0)
			continue;	/* a deployment without that office */
		if (auth_user_add(c, accounts[i].name, accounts[i].email, "Demo-Pendopo-2026", accounts[i].role,
				  accounts[i].unit, NULL, err, sizeof(err)) != 0 && !strstr(err, "already registered")) {
			log_error("demo account not created", LOG_F("module", "permits"), LOG_F("email", accounts[i].email),
				  LOG_F("error", err));
			rc = -1;
		}
	}
	if (db_tx_begin(c) != DB_OK)
		return -1;
	return rc;
}
