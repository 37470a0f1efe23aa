/* flow.c - the offices' side of one application: the desk's completeness
 * check, Kesbangpol's recommendation, the head's signature that issues the
 * letter (core/letters.h) or refuses; the letter's PDF; the applicant's
 * final report.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "letters.h"
#include "log.h"
#include "orgs.h"
#include "strbuf.h"
#include "util.h"

/* GET /api/permits/{id} */
int permits_get(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	return permit_reply(r, &x, &v, 200);
}

static const char *const month_names[] = { "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
					   "Agustus", "September", "Oktober", "November", "Desember" };

/* "2026-12-07" as "7 Desember 2026". */
static const char *date_id(struct arena *a, const char *iso)
{
	int y, m, d;
	if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return iso;
	return arena_printf(a, "%d %s %d", d, month_names[m - 1], y);
}

static const char *const *lines_of(struct arena *a, json_t *arr, size_t *n)
{
	*n = json_array_size(arr);
	const char **out = arena_alloc(a, (*n + 1) * sizeof(*out));
	for (size_t i = 0; out && i < *n; i++)
		out[i] = arena_strdup(a, json_string_value(json_array_get(arr, i)) ? json_string_value(json_array_get(arr, i))
										   : "");
	return out;
}

static const char *status_label(const char *s)
{
	static const char *const names[][2] = { { "s1", "Mahasiswa S1" }, { "s2", "Mahasiswa S2" },
						{ "s3", "Mahasiswa S3" }, { "lecturer", "Dosen" },
						{ "agency_researcher", "Peneliti instansi" }, { "company", "Perusahaan" },
						{ "ngo", "Lembaga swadaya masyarakat" } };
	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], s) == 0)
			return names[i][1];
	return s ? s : "";
}

/* Issues the letter (§9 content) in the request's transaction and records
 * it on the application.  0, or -1 with a reply set. */
static int issue_letter(struct req *r, struct permit_view *v, const struct permit_settings *s, int64_t sign_unit)
{
	struct arena *a = r->arena;
	const struct permit *p = &v->p;
	const char *unit_code, *unit_name;
	if (orgs_code_name(r->db, a, sign_unit, &unit_code, &unit_name) != 0)
		return permits_db_error(r), -1;

	/* Locations: the addressees (under the letter's "Kepada Yth.") and
	 * the Lokasi line. */
	struct db_stmt *st = db_query(r->db, "SELECT name FROM permit_locations WHERE permit_id = ? ORDER BY kind, code",
				      "i", p->id);
	if (!st)
		return permits_db_error(r), -1;
	const char **addressees = arena_alloc(a, (LOCATIONS_MAX + 1) * sizeof(*addressees));
	size_t naddr = 0;
	struct strbuf lokasi;
	strbuf_init(&lokasi, a, 128);
	json_t *loc_names = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW && naddr < LOCATIONS_MAX) {
		const char *name = arena_strdup(a, db_col_text(st, 0));
		addressees[naddr++] = name;
		strbuf_addf(&lokasi, "%s%s", naddr > 1 ? "; " : "", name);
		json_array_append_new(loc_names, json_string(name));
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		json_decref(loc_names);
		return permits_db_error(r), -1;
	}

	struct strbuf members;
	strbuf_init(&members, a, 64);
	json_t *names = p->members ? json_loads(p->members, 0, NULL) : NULL;
	size_t i;
	json_t *m;
	json_array_foreach(names, i, m)
		strbuf_addf(&members, "%s%s", i ? ", " : "", json_string_value(m) ? json_string_value(m) : "");
	json_decref(names);

	const struct letter_pair pairs[] = {
		{ "Nama", p->name },
		{ strcmp(p->id_kind, "nik") == 0 ? "NIK" : "Nomor Paspor", p->id_number },
		{ "Alamat", p->address },
		{ "Judul", p->title },
		{ "Tujuan", p->purpose },
		{ "Lokasi", lokasi.len ? lokasi.buf : "-" },
		{ "Waktu", arena_printf(a, "%s s.d. %s", date_id(a, p->period_from), date_id(a, p->period_until)) },
		{ "Penanggung jawab", p->supervisor ? p->supervisor : "-" },
		{ "Anggota", members.len ? members.buf : "-" },
		{ "Lembaga", arena_printf(a, "%s (%s)", p->institution, status_label(p->status)) },
	};
	size_t ndasar, nconditions, ncopies;
	const char *const *dasar = lines_of(a, s->dasar, &ndasar);
	const char *const *conditions = lines_of(a, s->conditions, &nconditions);
	const char *const *copies = lines_of(a, s->copies, &ncopies);
	const struct letter_block blocks[] = {
		{ LETTER_LIST, "Dasar", NULL, NULL, dasar, ndasar },
		{ LETTER_PARAGRAPH, "Memperhatikan", arena_printf(a, "Surat %s Nomor %s tanggal %s perihal %s.",
			p->institution, p->intro_number, date_id(a, p->intro_date), p->intro_subject), NULL, NULL, 0 },
		{ LETTER_PARAGRAPH, NULL, "Dengan ini menerangkan bahwa:", NULL, NULL, 0 },
		{ LETTER_PAIRS, NULL, NULL, pairs, NULL, sizeof(pairs) / sizeof(pairs[0]) },
		{ LETTER_LIST, "Dengan ketentuan:", NULL, NULL, conditions, nconditions },
		{ LETTER_PARAGRAPH, NULL, arena_printf(a, "Surat keterangan ini berlaku sampai dengan tanggal %s.",
			date_id(a, p->period_until)), NULL, NULL, 0 },
	};
	struct letter_layout layout = {
		.office = unit_name, .title = "SURAT KETERANGAN PENELITIAN", .place = "Purbalingga",
		.sifat = "Biasa", .lampiran = "-", .hal = "Surat Keterangan Penelitian",
		.addressees = addressees, .naddressees = naddr,
		.blocks = blocks, .nblocks = sizeof(blocks) / sizeof(blocks[0]),
		.signer_title = arena_printf(a, "KEPALA %s", unit_name), .signer_name = r->caller.name,
		.copies = copies, .ncopies = ncopies,
	};
	/* The signed content (and so the public verification page) holds what
	 * identifies the research, not the researcher's NIK or address: those
	 * are printed on the letter the researcher carries, nowhere public. */
	json_t *holder = json_pack("{s:s, s:s}", "name", p->name, "institution", p->institution);
	json_t *fields = json_pack("{s:s, s:s, s:o, s:s, s:s}", "title", p->title, "tracking", v->cs.tracking,
				   "locations", loc_names, "period_from", p->period_from, "period_until", p->period_until);
	struct letter_request q = {
		.kind = "research_permit", .format = s->number_format, .issuer = unit_code, .unit_id = sign_unit,
		.unit_label = unit_code, .issuer_name = unit_name, .subject = "Surat Keterangan Penelitian",
		.holder = holder, .holder_user_id = p->applicant_id, .fields = fields,
		.valid_from = p->period_from, .valid_until = p->period_until, .layout = &layout,
	};
	struct letter l;
	const char *why = NULL;
	rc = letter_issue(r->app, r->db, a, &q, &l, &why);
	json_decref(holder);
	json_decref(fields);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, why), -1;
	if (db_exec(r->db, "UPDATE permits SET letter_id = ? WHERE id = ?", "ii", l.id, p->id) != DB_DONE)
		return permits_db_error(r), -1;
	return 0;
}

/* A reply is set: the action stops here. */
static int answered(int reply)
{
	(void)reply;
	return -1;
}

static int unit_setting(struct req *r, const char *code, int64_t *id)
{
	int rc = orgs_id_by_code(r->db, code, id);
	if (rc < 0)
		return permits_db_error(r), -1;
	if (rc > 0)
		return reply_error(r, 500, "internal", arena_printf(r->arena, "the permit settings name the unit %s, "
									    "which does not exist", code), NULL), -1;
	return 0;
}

/* POST /api/permits/{id}/actions/{action} {text?, recommendation?} */
int permits_action(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	const char *action = req_param(r, "action");
	if (strcmp(action, "resubmit") == 0)
		return permits_submit(r);
	struct permit_settings s;
	if (permits_settings_load(r, &s) != 0)
		return permits_db_error(r);
	const char *text = body_str(r, "text"), *rec = body_str(r, "recommendation");
	struct case_input in = { .text = text };
	int rc = 0;
	if (!v.p.case_id) {
		rc = answered(reply_error(r, 409, "conflict", "a draft is submitted first", NULL));
	} else if (text && *text && !permit_text_ok(text, true)) {
		rc = answered(reply_error(r, 400, "invalid", "text must be readable text", "text"));
	} else if (rec && strcmp(action, "recommend") != 0) {
		rc = answered(reply_error(r, 400, "invalid", "recommendation goes with the action recommend",
					  "recommendation"));
	} else if (strcmp(action, "accept") == 0) {
		rc = unit_setting(r, s.assess_unit, &in.unit_id);
	} else if (strcmp(action, "recommend") == 0) {
		if (!rec || (strcmp(rec, "issue") != 0 && strcmp(rec, "refuse") != 0))
			rc = answered(reply_error_lang(r, 400, "invalid", "recommendation is issue or refuse",
					      "Rekomendasi: issue (terbitkan) atau refuse (tolak).", "recommendation"));
		else if (strcmp(rec, "refuse") == 0 && !permit_text_ok(text, true))
			rc = answered(reply_error_lang(r, 400, "invalid", "a recommendation to refuse gives its reason",
					      "Rekomendasi penolakan harus disertai alasan.", "text"));
		else
			rc = unit_setting(r, s.sign_unit, &in.unit_id);
	} else if (strcmp(action, "issue") == 0 || strcmp(action, "refuse") == 0) {
		if (!can(&r->caller, &permits_sign, &(struct object){ .unit_id = v.cs.unit_id }))
			rc = answered(reply_error(r, 403, "forbidden", "only the head of the signing unit signs or refuses",
						  NULL));
	}
	/* The application's own rows first; case_take(), which audits, comes
	 * last, and a refusal there rolls these back with the rest. */
	if (rc == 0 && strcmp(action, "recommend") == 0 &&
	    db_exec(r->db, "UPDATE permits SET recommendation = ?, recommendation_note = ? WHERE id = ?", "ssi", rec,
		    text && *text ? text : NULL, v.p.id) != DB_DONE)
		rc = answered(permits_db_error(r));
	if (rc == 0 && strcmp(action, "refuse") == 0 && permit_text_ok(text, true) &&
	    db_exec(r->db, "UPDATE permits SET refusal_reason = ? WHERE id = ?", "si", text, v.p.id) != DB_DONE)
		rc = answered(permits_db_error(r));
	struct case_error err;
	if (rc == 0) {
		int taken = case_take(&x, &v.cs, action, v.roles, &in, &err);
		if (taken < 0)
			rc = answered(permits_db_error(r));
		else if (taken > 0)
			rc = answered(permits_case_error(r, &err));
	}
	if (rc == 0 && strcmp(action, "issue") == 0)
		rc = issue_letter(r, &v, &s, v.cs.unit_id);
	permits_settings_release(&s);
	if (rc)
		return 0;
	if (permit_load(r, v.p.id, &v.p) != 0 || case_load_id(&x, &permit_type, v.p.case_id, &v.cs) != 0)
		return permits_db_error(r);
	v.roles = case_roles(&x, &v.cs, v.applicant);
	return permit_reply(r, &x, &v, 200);
}

/* GET /api/permits/{id}/letter.pdf: the issued letter, for its holder and
 * the staff of the issuing office. */
int permits_letter_pdf(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	if (!v.p.letter_id)
		return reply_error(r, 404, "not_found", "no letter has been issued for this application", NULL);
	struct letter l;
	int rc = letter_read_id(r->app, r->db, r->arena, v.p.letter_id, &l);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	if (!letter_may_fetch(&r->caller, &l) && !v.staff)
		return reply_error(r, 403, "forbidden", "the letter is its holder's and its issuer's", NULL);
	unsigned char *pdf;
	size_t len;
	rc = letter_pdf(r->app, &l, r->arena, &pdf, &len);
	if (rc != LETTERS_OK)
		return letters_reply_error(r, rc, NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"izin-penelitian-%s.pdf\"",
							    v.cs.tracking));
	reply_header(r, "Cache-Control", "private, no-store");
	return reply_text(r, 200, "application/pdf", (const char *)pdf, len);
}

/* POST /api/permits/{id}/report {abstract, public}: after uploading the
 * report PDF (documents/report), the applicant closes their obligation;
 * the work enters the public library, its file only if they agree. */
int permits_report(struct req *r)
{
	struct case_ctx x;
	struct permit_view v;
	permits_ctx(r, &x);
	if (permit_view_open(r, &x, &v))
		return 0;
	const char *abstract = body_str(r, "abstract");
	bool pub = json_is_true(json_object_get(r->body, "public"));
	if (!v.applicant)
		return reply_error(r, 403, "forbidden", "only the researcher reports", NULL);
	if (!v.p.case_id || strcmp(v.cs.state, "issued") != 0 || v.p.report_at)
		return reply_error_lang(r, 409, "conflict", "a report follows an issued permit, once",
					"Laporan disampaikan sekali, setelah izin terbit.", NULL);
	if (!permit_text_ok(abstract, true))
		return reply_error_lang(r, 400, "invalid", "abstract is required", "Abstrak wajib diisi.", "abstract");
	struct db_stmt *st = db_query(r->db, "SELECT sha256 FROM permit_documents WHERE permit_id = ? AND kind = 'report'",
				      "i", v.p.id);
	if (!st)
		return permits_db_error(r);
	const char *sha = db_step(st) == DB_ROW ? arena_strdup(r->arena, db_col_text(st, 0)) : NULL;
	db_done(st);
	if (!sha)
		return reply_error_lang(r, 400, "incomplete", "upload the report PDF first (documents/report)",
					"Unggah berkas laporan (PDF) terlebih dahulu.", "report");
	struct strbuf locs;
	strbuf_init(&locs, r->arena, 128);
	st = db_query(r->db, "SELECT name FROM permit_locations WHERE permit_id = ? ORDER BY kind, code", "i", v.p.id);
	if (!st)
		return permits_db_error(r);
	int rc;
	for (int n = 0; (rc = db_step(st)) == DB_ROW; n++)
		strbuf_addf(&locs, "%s%s", n ? "; " : "", db_col_text(st, 0));
	db_done(st);
	if (rc != DB_DONE)
		return permits_db_error(r);
	char at[24];
	time_iso(x.now, at);
	if (db_exec(r->db, "UPDATE permits SET report_sha = ?, report_at = ?, abstract = ?, report_public = ? "
			   "WHERE id = ? AND report_at IS NULL", "sssbi", sha, at, abstract, (int)pub, v.p.id) != DB_DONE ||
	    db_exec(r->db, "INSERT INTO permit_library (permit_id, title, institution, year, abstract, locations, "
			   "report_sha, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ississss",
		    v.p.id, v.p.title, v.p.institution, (int64_t)atoi(v.p.period_until), abstract,
		    locs.len ? locs.buf : "", pub ? sha : NULL, at) != DB_DONE)
		return permits_db_error(r);
	json_t *d = json_pack("{s:b}", "public", (int)pub);
	rc = case_event(&x, &v.cs, "reported", v.roles, CASE_REPORTER, NULL, CASE_REPORTER, d);
	json_decref(d);
	if (rc != 0)
		return permits_db_error(r);
	if (permit_load(r, v.p.id, &v.p) != 0)
		return permits_db_error(r);
	return permit_reply(r, &x, &v, 200);
}
