/* flow.c - the PPID's side of one request: re-routing by the PPID Utama,
 * the one extension, the answer (grant, grant in part, refuse on an
 * article 17 ground with its consequence test) with its documents and
 * the written notice (core/letters.h).
 */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "documents.h"
#include "letters.h"
#include "orgs.h"
#include "util.h"

/* GET /api/inforeq/{no} */
int inforeq_get(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	return inforeq_reply(r, &x, &v, 200);
}

static const char *const answer_titles[][2] = {
	{ "granted", "Informasi yang dimohon dapat diberikan seluruhnya." },
	{ "granted_in_part", "Informasi yang dimohon dapat diberikan sebagian; bagian selebihnya dikecualikan." },
	{ "refused", "Permohonan informasi ditolak karena informasi yang dimohon termasuk informasi yang dikecualikan." },
};

static const char *answer_sentence(const char *kind)
{
	for (size_t i = 0; i < sizeof(answer_titles) / sizeof(answer_titles[0]); i++)
		if (strcmp(answer_titles[i][0], kind) == 0)
			return answer_titles[i][1];
	return kind;
}

/* The written notice (Perki 1/2021: pemberitahuan tertulis), issued in the
 * request's transaction by the PPID Pelaksana holding it.  0, or -1 with
 * a reply set. */
static int issue_notice(struct req *r, struct inforeq_view *v, const char *kind, const char *text,
			const char *ground, const char *test)
{
	struct arena *a = r->arena;
	const char *code, *name;
	if (orgs_code_name(r->db, a, v->cs.unit_id, &code, &name) != 0)
		return reply_db_error(r), -1;
	const char *exempt = ground ? arena_printf(a, "Pasal 17 huruf %s UU 14/2008: %s", ground,
						   inforeq_exemption(ground)) : NULL;
	const struct letter_pair pairs[] = {
		{ "Nomor pendaftaran", v->cs.tracking },
		{ "Nama pemohon", v->q.name },
		{ "Informasi yang dimohon", v->q.information },
		{ "Cara memperoleh", strcmp(v->q.obtain, "see") == 0 ? "Melihat/membaca/mendengarkan/mencatat"
								    : "Mendapatkan salinan" },
	};
	const struct letter_pair refusal[] = {
		{ "Alasan pengecualian", exempt },
		{ "Uji konsekuensi", test },
	};
	struct letter_block blocks[4] = {
		{ LETTER_PARAGRAPH, NULL, "Berdasarkan permohonan informasi publik:", NULL, NULL, 0 },
		{ LETTER_PAIRS, NULL, NULL, pairs, NULL, sizeof(pairs) / sizeof(pairs[0]) },
		{ LETTER_PARAGRAPH, "Dengan ini kami beritahukan:", arena_printf(a, "%s%s%s", answer_sentence(kind),
			text ? " " : "", text ? text : ""), NULL, NULL, 0 },
	};
	size_t nblocks = 3;
	if (ground)
		blocks[nblocks++] = (struct letter_block){ LETTER_PAIRS, NULL, NULL, refusal, NULL, 2 };
	const char *const copies[] = { "Atasan PPID Kabupaten Purbalingga" };
	struct letter_layout layout = {
		.office = name, .title = "PEMBERITAHUAN TERTULIS", .place = "Purbalingga",
		.sifat = "Biasa", .lampiran = "-", .hal = "Pemberitahuan tertulis atas permohonan informasi publik",
		.blocks = blocks, .nblocks = nblocks,
		.signer_title = arena_printf(a, "PPID PELAKSANA %s", name), .signer_name = r->caller.name,
		.copies = copies, .ncopies = 1,
	};
	/* Signed (and so shown on the public verification page): the request
	 * and the decision, never the requester's identity beyond a name. */
	json_t *fields = json_pack("{s:s, s:s, s:s?}", "tracking", v->cs.tracking, "decision", kind, "ground", ground);
	int64_t id;
	int rc = inforeq_letter_issue(r, v, v->cs.unit_id, "inforeq_notice",
				      "Pemberitahuan tertulis permohonan informasi publik", &layout, fields, &id);
	json_decref(fields);
	if (rc != 0)
		return -1;
	if (db_exec(r->db, "UPDATE inforeq_requests SET letter_id = ? WHERE id = ?", "ii", id, v->q.id) != DB_DONE)
		return reply_db_error(r), -1;
	return 0;
}

int inforeq_letter_issue(struct req *r, const struct inforeq_view *v, int64_t unit_id, const char *kind,
			 const char *subject, const struct letter_layout *layout, json_t *fields, int64_t *letter_id)
{
	const char *code, *name;
	if (orgs_code_name(r->db, r->arena, unit_id, &code, &name) != 0)
		return reply_db_error(r), -1;
	json_t *holder = json_pack("{s:s}", "name", v->q.name);
	struct letter_request lq = {
		.kind = kind, .format = INFOREQ_NUMBER_FORMAT, .sequence = "inforeq_notice", .issuer = code, .unit_id = unit_id,
		.unit_label = code, .issuer_name = name, .subject = subject, .holder = holder,
		.holder_user_id = v->cs.reporter_id, .fields = fields, .layout = layout,
	};
	struct letter l;
	const char *why = NULL;
	int rc = letter_issue(r->app, r->db, r->arena, &lq, &l, &why);
	json_decref(holder);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, why), -1;
	*letter_id = l.id;
	return 0;
}

static int refuse_input(struct req *r, const char *message, const char *pesan, const char *field)
{
	return reply_error_lang(r, 400, "invalid", message, pesan, field), -1;
}

/* The service's own checks and rows before the engine's transition. */
static int before_take(struct req *r, struct inforeq_view *v, const char *action, struct case_input *in)
{
	const char *text = body_str(r, "text"), *ground = body_str(r, "ground"), *test = body_str(r, "consequence_test");
	if (text && *text && !inforeq_text_ok(text, true))
		return refuse_input(r, "text must be readable text", "Teks tidak valid.", "text");
	if (strcmp(action, "reroute") == 0) {
		const char *unit = body_str(r, "unit");
		int rc = unit ? orgs_id_by_code(r->db, unit, &in->unit_id) : 1;
		if (rc < 0)
			return reply_db_error(r), -1;
		if (rc > 0)
			return refuse_input(r, "unit: the code of the agency whose PPID Pelaksana should answer",
					    "Pilih badan publik tujuan.", "unit");
		if (db_exec(r->db, "UPDATE inforeq_requests SET agency_id = ? WHERE id = ?", "ii", in->unit_id,
			    v->q.id) != DB_DONE)
			return reply_db_error(r), -1;
	} else if (strcmp(action, "extend") == 0) {
		if (v->q.extension_reason)
			return reply_error_lang(r, 409, "conflict", "the answer may be extended once only, by 7 working days "
						"(UU 14/2008 art. 22(7))", "Perpanjangan hanya boleh satu kali, 7 hari kerja.",
						NULL), -1;
		if (!inforeq_text_ok(text, true))
			return refuse_input(r, "an extension needs its written reason", "Perpanjangan wajib disertai alasan tertulis.",
					    "text");
		if (db_exec(r->db, "UPDATE inforeq_requests SET extension_reason = ? WHERE id = ?", "si", text,
			    v->q.id) != DB_DONE)
			return reply_db_error(r), -1;
	} else if (strcmp(action, "grant_part") == 0 || strcmp(action, "refuse") == 0) {
		if (!inforeq_exemption(ground))
			return refuse_input(r, "a refusal cites the article 17 exemption ground it rests on (a to j)",
					    "Penolakan wajib menyebut alasan pengecualian Pasal 17 (huruf a sampai j).", "ground");
		if (!inforeq_text_ok(test, true))
			return refuse_input(r, "a refusal records the consequence test: why opening it would harm more than "
					    "closing it", "Penolakan wajib mencatat uji konsekuensi.", "consequence_test");
		in->reason = ground;
	} else if ((ground && *ground) || (test && *test)) {
		return refuse_input(r, "ground and consequence_test go with grant_part and refuse",
				    "Alasan pengecualian hanya untuk penolakan.", ground && *ground ? "ground" : "consequence_test");
	}
	return 0;
}

static bool is_answer(const char *action)
{
	return strcmp(action, "grant") == 0 || strcmp(action, "grant_part") == 0 || strcmp(action, "refuse") == 0;
}

/* After the engine took an answer: the request's own record of it, and
 * the notice. */
static int record_answer(struct req *r, struct case_ctx *x, struct inforeq_view *v, bool late)
{
	char today[11];
	case_day_text(x->now, today);
	const char *text = body_str(r, "text"), *ground = body_str(r, "ground"), *test = body_str(r, "consequence_test");
	if (text && !*text)
		text = NULL;
	bool grant = strcmp(v->cs.state, "granted") == 0;
	if (db_exec(r->db, "UPDATE inforeq_requests SET answer = ?, answer_text = ?, ground = ?, consequence_test = ?,"
			   " answered_day = ?, answered_late = ? WHERE id = ?", "sssssbi", v->cs.state, text,
		    grant ? NULL : ground, grant ? NULL : test, today, (int)late, v->q.id) != DB_DONE)
		return reply_db_error(r), -1;
	return issue_notice(r, v, v->cs.state, text, grant ? NULL : ground, grant ? NULL : test);
}

/* POST /api/inforeq/{no}/actions/{action} {text?, ground?, consequence_test?, unit?, grounds?, decision?} */
int inforeq_action(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	const char *action = req_param(r, "action");
	if (strcmp(action, "object") == 0)
		return inforeq_object(r, &x, &v);
	if (strcmp(action, "decide_objection") == 0)
		return inforeq_decide_objection(r, &x, &v);
	struct case_input in = { .text = body_str(r, "text") };
	if (body_has(r, "grounds") || body_has(r, "decision"))
		return refuse_input(r, "grounds and decision belong to objections", "Isian ini untuk keberatan.",
				    body_has(r, "grounds") ? "grounds" : "decision"), 0;
	if (before_take(r, &v, action, &in) != 0)
		return 0;
	char today[11];
	case_day_text(x.now, today);
	bool late = v.cs.due_day && strcmp(today, v.cs.due_day) > 0;
	struct case_error err;
	int taken = case_take(&x, &v.cs, action, v.roles, &in, &err);
	if (taken < 0)
		return reply_db_error(r);
	if (taken > 0)
		return inforeq_case_error(r, &err);
	if (is_answer(action) && record_answer(r, &x, &v, late) != 0)
		return 0;
	if (inforeq_load(r, v.cs.id, &v.q) != 0)
		return reply_db_error(r);
	v.roles = case_roles(&x, &v.cs, v.requester);
	return inforeq_reply(r, &x, &v, 200);
}

/* PUT /api/inforeq/{no}/documents: a document of the answer (PDF, or a
 * JPEG or PNG made again by image.h), by the unit answering, before it
 * answers. */
int inforeq_document_put(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v;
	inforeq_ctx(r, &x);
	if (inforeq_view_open(r, &x, &v))
		return 0;
	if (!(v.roles & CASE_BY_UNIT))
		return reply_error(r, 403, "forbidden", "the PPID answering the request attaches its documents", NULL);
	if (strcmp(v.cs.state, "received") != 0 && strcmp(v.cs.state, "extended") != 0)
		return reply_error_lang(r, 409, "conflict", "documents go with the answer, before it is sent",
					"Dokumen dilampirkan sebelum jawaban dikirim.", NULL);
	if (r->body_len > DOC_MAX_BYTES)
		return reply_error_lang(r, 413, "too_large", "a document may be at most 10 MB", "Dokumen paling besar 10 MB.",
					"document");
	struct stored_document doc;
	if (document_take(r, true, "document", "inforeq", &doc))
		return 0;
	if (case_attach(&x, &v.cs, doc.sha, doc.mime, (int64_t)doc.len, false) != 0)
		return reply_db_error(r);
	json_t *docs = case_attachments(&x, &v.cs, false);
	if (!docs)
		return reply_db_error(r);
	return reply_json(r, 201, json_pack("{s:o}", "documents", docs));
}
