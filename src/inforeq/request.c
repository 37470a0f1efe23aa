/* request.c - filing an information request (UU 14/2008 art. 22; Perki
 * 1/2021): the legal fields, checked; a registration number on receipt;
 * the request goes straight to the chosen agency's PPID Pelaksana, its
 * 10 working days counted from the day of receipt (the next working day
 * for a request that arrives on a day off).  Without an account the
 * requester gets a secret follow-up key instead.
 */
#include "internal.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "calendar.h"
#include "holidays.h"
#include "nik.h"
#include "orgs.h"
#include "regions.h"
#include "util.h"

static int invalid(struct req *r, const char *message, const char *pesan, const char *field)
{
	return reply_error_lang(r, 400, "invalid", message, pesan, field), -1;
}

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool phone_ok(const char *s)
{
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!(*p == '+' && p == s) && *p != ' ' && *p != '-')
			return false;
	}
	return digits >= 8 && digits <= 15;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at > s && strchr(at + 1, '.') && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n<>\"");
}

static const char *opt(struct req *r, const char *name)
{
	const char *s = body_str(r, name);
	return s && *s ? s : NULL;
}

/* Every field the law asks for, or a refusal naming the first wrong one. */
static int check(struct req *r, int64_t *agency)
{
	static const char *const kinds[] = { "person", "entity", NULL };
	static const char *const obtain[] = { "see", "copy", NULL };
	static const char *const delivery[] = { "collect", "post", "email", NULL };
	const char *kind = opt(r, "requester_kind") ? opt(r, "requester_kind") : "person";
	const char *nik = opt(r, "nik"), *deed = opt(r, "deed_number");
	const char *phone = opt(r, "phone"), *email = opt(r, "email");
	int rc = orgs_id_by_code(r->db, body_str(r, "agency"), agency);
	if (rc < 0)
		return reply_db_error(r), -1;
	if (rc > 0)
		return invalid(r, "agency: no agency has this code", "Badan publik yang dituju tidak dikenal.", "agency");
	if (!one_of(kind, kinds))
		return invalid(r, "requester_kind is person or entity", "Jenis pemohon: perorangan atau badan hukum.",
			       "requester_kind");
	if (!inforeq_text_ok(body_str(r, "name"), false))
		return invalid(r, "name is required", "Nama wajib diisi.", "name");
	if (strcmp(kind, "person") == 0) {
		if (!nik)
			return invalid(r, "nik is required of a person", "NIK wajib diisi.", "nik");
		enum nik_error e = nik_check(nik, regions_exists_cb, r->db, NULL);
		if (e != NIK_OK)
			return invalid(r, arena_printf(r->arena, "nik: %s", nik_error_message(e)), "NIK tidak valid.", "nik");
		if (deed)
			return invalid(r, "deed_number is for a legal entity", "Nomor akta hanya untuk badan hukum.",
				       "deed_number");
	} else {
		if (!deed || !inforeq_text_ok(deed, false))
			return invalid(r, "deed_number is required of a legal entity",
				       "Nomor akta pendirian/pengesahan badan hukum wajib diisi.", "deed_number");
		if (nik)
			return invalid(r, "nik is for a person", "NIK hanya untuk perorangan.", "nik");
	}
	if (!inforeq_text_ok(body_str(r, "address"), true))
		return invalid(r, "address is required", "Alamat wajib diisi.", "address");
	if (!phone && !email)
		return invalid(r, "give a phone number or an email address", "Isi nomor telepon atau alamat email.", "phone");
	if (phone && !phone_ok(phone))
		return invalid(r, "phone: 8 to 15 digits", "Nomor telepon tidak valid.", "phone");
	if (email && !email_ok(email))
		return invalid(r, "email is not an email address", "Alamat email tidak valid.", "email");
	if (!inforeq_text_ok(body_str(r, "information"), true))
		return invalid(r, "information: say what information you ask for", "Rincian informasi yang dibutuhkan wajib diisi.",
			       "information");
	if (!inforeq_text_ok(body_str(r, "purpose"), true))
		return invalid(r, "purpose is required", "Tujuan penggunaan informasi wajib diisi.", "purpose");
	if (!one_of(body_str(r, "obtain"), obtain))
		return invalid(r, "obtain is see or copy", "Cara memperoleh: melihat/membaca atau salinan.", "obtain");
	if (!one_of(body_str(r, "delivery"), delivery))
		return invalid(r, "delivery is collect, post or email", "Cara mendapatkan salinan: ambil langsung, pos, atau email.",
			       "delivery");
	if (strcmp(body_str(r, "delivery"), "email") == 0 && !email)
		return invalid(r, "delivery by email needs an email address", "Pengiriman lewat email memerlukan alamat email.",
			       "email");
	return 0;
}

/* POST /api/inforeq */
int inforeq_submit(struct req *r)
{
	struct case_ctx x;
	struct inforeq_view v = { .requester = true, .roles = CASE_BY_REPORTER };
	int64_t agency;
	inforeq_ctx(r, &x);
	if (check(r, &agency) != 0)
		return 0;
	char key[48], key_hash[65];
	if (!r->caller.user_id) {
		token_new(key);
		sha256_hex(key, strlen(key), key_hash);
	}
	struct case_new n = { .reporter_id = r->caller.user_id, .secret_hash = r->caller.user_id ? NULL : key_hash,
			      .unit_id = agency };
	if (case_open(&x, &inforeq_type, &n, &v.cs) != 0)
		return reply_db_error(r);
	/* The day of receipt as the law counts it: the clock's own start. */
	struct case_config cfg;
	struct holidays h;
	char received[11], at[24];
	if (case_config_load(&x, &inforeq_type, &cfg) != 0 || holidays_load(r->db, r->arena, &h) != 0)
		return reply_db_error(r);
	date_format(workdays_add(&h, case_day(x.now), 0, cfg.policy), received);
	time_iso(x.now, at);
	const char *kind = opt(r, "requester_kind") ? opt(r, "requester_kind") : "person";
	if (db_exec(r->db, "INSERT INTO inforeq_requests (case_id, agency_id, requester_kind, name, nik, deed_number, address,"
			   " phone, email, information, purpose, obtain, delivery, received_day, created_at) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "iisssssssssssss", v.cs.id, agency, kind,
		    body_str(r, "name"), opt(r, "nik"), opt(r, "deed_number"), body_str(r, "address"), opt(r, "phone"),
		    opt(r, "email"), body_str(r, "information"), body_str(r, "purpose"), body_str(r, "obtain"),
		    body_str(r, "delivery"), received, at) != DB_DONE ||
	    case_opened(&x, &v.cs) != 0 || inforeq_load(r, v.cs.id, &v.q) != 0)
		return reply_db_error(r);
	json_t *follow = json_null();
	if (!r->caller.user_id)
		follow = json_pack("{s:s, s:s}", "key", key, "url", arena_printf(r->arena, "%s/ppid/permohonan.html?no=%s#key=%s",
			r->app->cfg.base_url ? r->app->cfg.base_url : "", v.cs.tracking, key));
	int rc = inforeq_reply(r, &x, &v, 201);
	if (r->status == 201)
		json_object_set_new(r->reply, "follow_up", follow);
	else
		json_decref(follow);
	return rc;
}
