/* flow.c - the village office's side of a letter request: the operator
 * checks it and passes it on or returns it with a note, the head approves
 * it, which issues the letter through core's letters (numbered there per
 * village and kind, restarting each year, signed, with a random-token QR),
 * and the citizen downloads the PDF at once; the survey is offered then.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "letters.h"
#include "orgs.h"
#include "regions.h"
#include "survey/survey.h"
#include "util.h"

/* The unit whose satisfaction index village letters count towards: the
 * community and village empowerment office, which oversees the villages. */
#define SURVEY_UNIT "DPMD"

static const char *const month_names[] = { "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
					   "Agustus", "September", "Oktober", "November", "Desember" };

/* "2026-12-07" as "7 Desember 2026"; other text as it is. */
static const char *date_id(struct arena *a, const char *iso)
{
	int y, m, d;
	if (!iso || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return iso;
	return arena_printf(a, "%d %s %d", d, month_names[m - 1], y);
}

static const char *upper(struct arena *a, const char *s)
{
	char *u = arena_strdup(a, s ? s : "");
	for (char *p = u; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - ('a' - 'A'));
	return u;
}

/* Issues the letter in the request's transaction and records it on the
 * request.  0, or -1 with a reply set. */
static int issue_letter(struct req *r, struct case_ctx *x, struct letter_view *v)
{
	struct arena *a = r->arena;
	const struct village_letter *l = &v->l;
	struct village_letter_kind kind, *k = &kind;
	bool retired;
	int kind_found = village_kind_find(r, l->village, l->kind, k, &retired);
	if (kind_found != 0)
		return (kind_found < 0 ? reply_db_error(r) : reply_error(r, 409, "conflict", "the request's letter kind is gone",
								   "kind")), -1;
	const char *vname = NULL, *dname = NULL, *head_address = NULL;
	char district[9];
	snprintf(district, sizeof(district), "%.8s", l->village);
	if (regions_lookup(r->db, a, l->village, &vname, NULL) < 0 || regions_lookup(r->db, a, district, &dname, NULL) < 0)
		return reply_db_error(r), -1;
	struct db_stmt *st = db_query(r->db, "SELECT address FROM village_profiles WHERE village = ?", "s", l->village);
	if (!st)
		return reply_db_error(r), -1;
	if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
		head_address = arena_strdup(a, db_col_text(st, 0));
	db_done(st);

	json_t *fields = l->fields ? json_loads(l->fields, 0, NULL) : json_object();
	size_t nk = 0;
	for (const struct letter_field *f = k->fields; f->name; f++)
		nk++;
	struct letter_pair *pairs = arena_alloc(a, (nk + 3) * sizeof(*pairs));
	if (!pairs) {
		json_decref(fields);
		return reply_error(r, 500, "internal", "out of memory", NULL), -1;
	}
	size_t np = 0;
	pairs[np++] = (struct letter_pair){ "Nama", l->name };
	pairs[np++] = (struct letter_pair){ "NIK", l->nik };
	pairs[np++] = (struct letter_pair){ "Alamat", l->address };
	for (const struct letter_field *f = k->fields; f->name; f++)
		pairs[np++] = (struct letter_pair){ f->label,
			date_id(a, arena_strdup(a, json_string_value(json_object_get(fields, f->name)))) };
	const char *regency_name = NULL;
	if (regions_lookup(r->db, a, r->app->cfg.regency_code, &regency_name, NULL) < 0)
		return reply_db_error(r), -1;
	const char *regency_line = regency_name ? regency_name : r->app->cfg.regency_code;
	const struct letter_block blocks[] = {
		{ LETTER_PARAGRAPH, NULL, arena_printf(a, "Yang bertanda tangan di bawah ini, Kepala Desa %s, Kecamatan %s, "
			"%s, menerangkan bahwa:", vname, dname, regency_line), NULL, NULL, 0 },
		{ LETTER_PAIRS, NULL, NULL, pairs, NULL, np },
		{ LETTER_PARAGRAPH, NULL, arena_printf(a, "Orang tersebut di atas %s", k->statement), NULL, NULL, 0 },
		{ LETTER_PARAGRAPH, NULL, arena_printf(a, "Surat keterangan ini dibuat untuk keperluan: %s. Demikian agar "
			"dapat dipergunakan sebagaimana mestinya.", l->purpose), NULL, NULL, 0 },
	};
	struct letter_layout layout = {
		.office = arena_printf(a, "PEMERINTAH DESA %s", upper(a, vname)),
		.address = head_address ? head_address : arena_printf(a, "Desa %s, Kecamatan %s", vname, dname),
		.title = k->title, .place = vname,
		.blocks = blocks, .nblocks = sizeof(blocks) / sizeof(blocks[0]),
		.signer_title = arena_printf(a, "KEPALA DESA %s", upper(a, vname)), .signer_name = r->caller.name,
	};
	/* The signed content (the public verification page) names the holder
	 * and the letter, not the NIK or address printed on it. */
	json_t *holder = json_pack("{s:s}", "name", l->name);
	json_t *content = json_pack("{s:s, s:s, s:s}", "kind", k->code, "tracking", v->cs.tracking, "purpose", l->purpose);
	json_decref(fields);
	struct letter_request q = {
		.kind = arena_printf(a, "village_%s", k->code),
		.format = arena_printf(a, "%s/{seq:3}/{village}/{roman_month}/{year}", k->classification),
		.sequence = k->code, .issuer = l->village, .village = l->village,
		.village_label = village_code_digits(a, l->village), .issuer_name = arena_printf(a, "Desa %s", vname),
		.subject = k->title, .holder = holder, .holder_user_id = l->applicant_id, .fields = content,
		.layout = &layout,
	};
	struct letter out;
	const char *why = NULL;
	int rc = letter_issue(r->app, r->db, a, &q, &out, &why);
	json_decref(holder);
	json_decref(content);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, why), -1;
	char now[24];
	time_iso(x->now, now);
	if (db_exec(r->db, "UPDATE village_letters SET letter_id = ?, issued_at = ?, updated_at = ? WHERE id = ?", "issi",
		    out.id, now, now, l->id) != DB_DONE)
		return reply_db_error(r), -1;
	/* The survey counts the service towards the villages' office, when
	 * the organisation register has it. */
	int64_t unit_id = 0;
	int found = orgs_id_by_code(r->db, SURVEY_UNIT, &unit_id);
	if (found < 0)
		return reply_db_error(r), -1;
	if (found == 0 && survey_offer(r->db, &(struct survey_txn){ .unit_id = unit_id, .source = "villages",
		.service = "village_letter", .service_name = arena_printf(a, "Surat desa (%s)", vname),
		.ref = v->cs.tracking, .user_id = l->applicant_id, .now = x->now }) != 0)
		return reply_db_error(r), -1;
	return 0;
}

/* POST /api/village-letters/{id}/actions/{action} {text?} */
int villages_letter_action(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	const char *action = req_param(r, "action");
	if (strcmp(action, "resubmit") == 0)
		return villages_letter_submit(r);
	if (!v.l.case_id)
		return reply_error(r, 409, "conflict", "a draft is submitted first", NULL);
	const char *text = body_str(r, "text");
	if (text && *text && !village_text_ok(text, true))
		return reply_error(r, 400, "invalid", "text must be readable text", "text");
	struct case_error err;
	int taken = case_take(&x, &v.cs, action, v.roles, &(struct case_input){ .text = text }, &err);
	if (taken < 0)
		return reply_db_error(r);
	if (taken > 0)
		return villages_case_error(r, &err);
	if (strcmp(action, "approve") == 0 && issue_letter(r, &x, &v))
		return 0;
	if (village_letter_load(r, v.l.id, &v.l) != 0 || case_load_id(&x, &village_letter_type, v.l.case_id, &v.cs) != 0)
		return reply_db_error(r);
	return village_letter_reply(r, &x, &v, 200);
}

/* GET /api/village-letters/{id}/letter.pdf: for its holder and the village's staff. */
int villages_letter_pdf(struct req *r)
{
	struct case_ctx x;
	struct letter_view v;
	villages_ctx(r, &x);
	if (village_letter_view_open(r, &x, &v))
		return 0;
	if (!v.l.letter_id)
		return reply_error(r, 404, "not_found", "the letter is not issued yet", NULL);
	struct letter l;
	int rc = letter_read_id(r->app, r->db, r->arena, v.l.letter_id, &l);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	if (!letter_may_fetch(&r->caller, &l) && !v.staff)
		return reply_error(r, 403, "forbidden", "the letter is its holder's and its village's", NULL);
	unsigned char *pdf;
	size_t len;
	rc = letter_pdf(r->app, &l, r->arena, &pdf, &len);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"surat-desa-%s.pdf\"",
							    v.cs.tracking));
	reply_header(r, "Cache-Control", "private, no-store");
	return reply_text(r, 200, "application/pdf", (const char *)pdf, len);
}
