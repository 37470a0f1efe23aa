/* objection.c - the requester's objection (keberatan, UU 14/2008 art.
 * 35-36) to the Atasan PPID, and the Atasan's answer.
 *
 * The Atasan's answer is a numbered, signed letter (core/letters.h).
 * An objection is filed within 30 working days of the answer, or of the
 * day the answer was due and did not come; it names article 35 grounds
 * a-g.  The system adds the grounds it sees itself - not answered (c),
 * answered late (g) - and refuses grounds the record contradicts.
 */
#include "internal.h"

#include <string.h>

#include "arena.h"
#include "letters.h"
#include "orgs.h"
#include "strbuf.h"

static int object_refused(struct req *r, int status, const char *message, const char *pesan, const char *field)
{
	return reply_error_lang(r, status, status == 409 ? "conflict" : "invalid", message, pesan, field);
}

/* Why the window is closed, as the refusal. */
static int window_closed(struct req *r, const struct inforeq_view *v, json_t *d)
{
	const char *by = json_string_value(json_object_get(d, "objection_by"));
	if (v->q.obj_filed_day)
		return object_refused(r, 409, "an objection has been filed already", "Keberatan sudah diajukan.", NULL);
	if (!by)
		return object_refused(r, 409, arena_printf(r->arena, "the PPID may still answer until %s; an objection "
			"comes after the answer or after that day", json_string_value(json_object_get(d, "answer_due"))),
			arena_printf(r->arena, "PPID masih dapat menjawab sampai %s; keberatan diajukan setelah jawaban "
				     "atau setelah tanggal itu.", json_string_value(json_object_get(d, "answer_due"))), NULL);
	return object_refused(r, 409, arena_printf(r->arena, "the 30 working days to object ended on %s "
		"(UU 14/2008 art. 36(1))", by), arena_printf(r->arena, "Batas 30 hari kerja untuk mengajukan keberatan "
		"telah lewat pada %s.", by), NULL);
}

int inforeq_object(struct req *r, struct case_ctx *x, struct inforeq_view *v)
{
	if (!v->requester)
		return reply_error(r, 403, "forbidden", "only the requester objects", NULL);
	json_t *d = inforeq_deadlines(r, x, v);
	const char *detected = d ? inforeq_detected_grounds(r, x, v) : NULL;
	if (!d || !detected) {
		json_decref(d);
		return reply_db_error(r);
	}
	if (!json_is_true(json_object_get(d, "objection_may"))) {
		int rc = window_closed(r, v, d);
		json_decref(d);
		return rc;
	}
	json_decref(d);
	const char *statement = body_str(r, "text");
	if (statement && *statement && !inforeq_text_ok(statement, true))
		return object_refused(r, 400, "text must be readable text", "Teks tidak valid.", "text");
	json_t *given = json_object_get(r->body, "grounds");
	bool chosen[7] = { false };
	size_t i;
	json_t *g;
	json_array_foreach(given, i, g) {
		const char *s = json_string_value(g);
		if (!s || !inforeq_objection_ground(s))
			return object_refused(r, 400, "grounds are letters of article 35(1): a to g",
					      "Alasan keberatan: huruf a sampai g Pasal 35 ayat (1).", "grounds");
		chosen[s[0] - 'a'] = true;
	}
	if (detected[0])
		chosen[detected[0] - 'a'] = true;
	bool withheld = v->q.answer && strcmp(v->q.answer, "granted") != 0;
	if (chosen[0] && !withheld)
		return object_refused(r, 400, "ground a is for a request refused under article 17",
				      "Alasan a hanya untuk permohonan yang ditolak berdasarkan Pasal 17.", "grounds");
	if (chosen[2] && strcmp(detected, "c") != 0)
		return object_refused(r, 400, "ground c is for a request left unanswered past its due date",
				      "Alasan c hanya untuk permohonan yang tidak ditanggapi sampai batas waktu.", "grounds");
	if (chosen[6] && strcmp(detected, "g") != 0)
		return object_refused(r, 400, "ground g is for a request answered after its due date",
				      "Alasan g hanya untuk jawaban yang melewati batas waktu.", "grounds");
	struct strbuf letters;
	strbuf_init(&letters, r->arena, 16);
	json_t *list = json_array();
	for (int k = 0; k < 7; k++)
		if (chosen[k]) {
			char letter[2] = { (char)('a' + k), '\0' };
			strbuf_addf(&letters, "%s%s", letters.len ? "," : "", letter);
			json_array_append_new(list, json_string(letter));
		}
	if (!letters.len) {
		json_decref(list);
		return object_refused(r, 400, "name at least one ground of article 35(1)",
				      "Pilih sekurang-kurangnya satu alasan keberatan.", "grounds");
	}
	struct case_input in = { .text = statement, .data = json_pack("{s:o}", "grounds", list) };
	const char *atasan;
	if (inforeq_atasan_code(r, &atasan) != 0) {
		json_decref(in.data);
		return reply_db_error(r);
	}
	if (inforeq_unit_of(r, atasan, &in.unit_id) != 0) {
		json_decref(in.data);
		return 0;
	}
	char today[11];
	case_day_text(x->now, today);
	if (db_exec(r->db, "INSERT INTO inforeq_objections (request_id, grounds, statement, filed_day) VALUES (?, ?, ?, ?)",
		    "isss", v->q.id, letters.buf, statement && *statement ? statement : NULL, today) != DB_DONE) {
		json_decref(in.data);
		return reply_db_error(r);
	}
	struct case_error err;
	int taken = case_take(x, &v->cs, "object", v->roles, &in, &err);
	json_decref(in.data);
	if (taken < 0)
		return reply_db_error(r);
	if (taken > 0)
		return inforeq_case_error(r, &err);
	if (inforeq_load(r, v->cs.id, &v->q) != 0)
		return reply_db_error(r);
	v->roles = case_roles(x, &v->cs, v->requester);
	return inforeq_reply(r, x, v, 200);
}

/* The Atasan PPID's written answer (tanggapan atas keberatan, UU 14/2008
 * art. 36(2)), numbered in its unit's PPID register, telling the
 * requester of the 14 working days to take it to the Information
 * Commission.  0, or -1 with a reply set. */
static int issue_answer_letter(struct req *r, struct inforeq_view *v, const char *decision, const char *text,
			       const char *commission_by)
{
	struct arena *a = r->arena;
	const char *code, *name;
	if (orgs_code_name(r->db, a, v->cs.unit_id, &code, &name) != 0)
		return reply_db_error(r), -1;
	struct strbuf gs;
	strbuf_init(&gs, a, 64);
	for (const char *g = v->q.obj_grounds; g && *g; g++)
		if (*g != ',') {
			char letter[2] = { *g, '\0' };
			strbuf_addf(&gs, "%s%s. %s", gs.len ? "; " : "", letter, inforeq_objection_ground(letter));
		}
	const struct letter_pair pairs[] = {
		{ "Nomor pendaftaran", v->cs.tracking },
		{ "Nama pemohon", v->q.name },
		{ "Informasi yang dimohon", v->q.information },
		{ "Tanggal keberatan", v->q.obj_filed_day },
		{ "Alasan keberatan", gs.buf },
	};
	bool upheld = strcmp(decision, "upheld") == 0;
	const struct letter_block blocks[] = {
		{ LETTER_PARAGRAPH, NULL, "Menanggapi keberatan atas permohonan informasi publik:", NULL, NULL, 0 },
		{ LETTER_PAIRS, NULL, NULL, pairs, NULL, sizeof(pairs) / sizeof(pairs[0]) },
		{ LETTER_PARAGRAPH, "Dengan ini Atasan PPID memutuskan:", arena_printf(a, "%s %s", upheld
			? "Keberatan DITERIMA; PPID Pelaksana wajib memberikan informasi yang dimohon."
			: "Keberatan DITOLAK.", text), NULL, NULL, 0 },
		{ LETTER_PARAGRAPH, NULL, arena_printf(a, "Apabila Saudara tidak puas dengan tanggapan ini, Saudara dapat "
			"mengajukan permohonan penyelesaian sengketa informasi kepada Komisi Informasi paling lambat "
			"14 (empat belas) hari kerja sejak tanggapan ini diterima, yaitu sampai dengan %s (Pasal 37 "
			"ayat (2) UU 14/2008).", commission_by ? commission_by : "-"), NULL, NULL, 0 },
	};
	const char *const copies[] = { "PPID Utama Kabupaten Purbalingga", "PPID Pelaksana yang bersangkutan" };
	struct letter_layout layout = {
		.office = name, .title = "TANGGAPAN ATAS KEBERATAN", .place = "Purbalingga",
		.sifat = "Biasa", .lampiran = "-", .hal = "Tanggapan atas keberatan permohonan informasi publik",
		.blocks = blocks, .nblocks = sizeof(blocks) / sizeof(blocks[0]),
		.signer_title = "ATASAN PPID", .signer_name = r->caller.name,
		.copies = copies, .ncopies = 2,
	};
	/* Signed and public on the verification page: the decision, never
	 * the requester beyond a name. */
	json_t *fields = json_pack("{s:s, s:s, s:s}", "tracking", v->cs.tracking, "objection", decision, "grounds",
				   v->q.obj_grounds);
	int64_t id;
	int rc = inforeq_letter_issue(r, v, v->cs.unit_id, "inforeq_objection_answer",
				      "Tanggapan atas keberatan permohonan informasi publik", &layout, fields, &id);
	json_decref(fields);
	if (rc != 0)
		return -1;
	if (db_exec(r->db, "UPDATE inforeq_objections SET letter_id = ? WHERE request_id = ?", "ii", id, v->q.id) != DB_DONE)
		return reply_db_error(r), -1;
	return 0;
}

int inforeq_decide_objection(struct req *r, struct case_ctx *x, struct inforeq_view *v)
{
	const char *decision = body_str(r, "decision"), *text = body_str(r, "text");
	bool atasan = (v->roles & CASE_BY_UNIT) && can(&r->caller, &inforeq_atasan,
						       &(struct object){ .unit_id = v->cs.unit_id });
	if (!atasan || strcmp(v->cs.state, "objection") != 0)
		return reply_error(r, atasan ? 409 : 403, atasan ? "conflict" : "forbidden",
				   "the Atasan PPID (the head of its unit) answers an objection filed with it", NULL);
	if (!decision || (strcmp(decision, "upheld") != 0 && strcmp(decision, "rejected") != 0))
		return object_refused(r, 400, "decision is upheld (the PPID must give the information) or rejected",
				      "Keputusan: upheld (keberatan diterima) atau rejected (ditolak).", "decision");
	if (!inforeq_text_ok(text, true))
		return object_refused(r, 400, "the written answer to the objection is required",
				      "Tanggapan tertulis atas keberatan wajib diisi.", "text");
	char today[11];
	case_day_text(x->now, today);
	if (db_exec(r->db, "UPDATE inforeq_objections SET decision = ?, decision_text = ?, decided_day = ? "
			   "WHERE request_id = ?", "sssi", decision, text, today, v->q.id) != DB_DONE)
		return reply_db_error(r);
	struct case_input in = { .text = text, .reason = decision };
	struct case_error err;
	int taken = case_take(x, &v->cs, "decide_objection", v->roles, &in, &err);
	if (taken < 0)
		return reply_db_error(r);
	if (taken > 0)
		return inforeq_case_error(r, &err);
	if (inforeq_load(r, v->cs.id, &v->q) != 0)
		return reply_db_error(r);
	json_t *d = inforeq_deadlines(r, x, v);
	if (!d)
		return reply_db_error(r);
	int rc = issue_answer_letter(r, v, decision, text, json_string_value(json_object_get(d, "commission_by")));
	json_decref(d);
	if (rc != 0)
		return 0;
	if (inforeq_load(r, v->cs.id, &v->q) != 0)
		return reply_db_error(r);
	v->roles = case_roles(x, &v->cs, v->requester);
	return inforeq_reply(r, x, v, 200);
}
