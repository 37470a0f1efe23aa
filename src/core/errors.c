/* errors.c - the registry of error codes and their generic texts, and the
 * Accept-Language choice between Indonesian and English.
 *
 * tests/api/error_codes.test.mjs collects the codes from the source and
 * fails on one missing here or in the web pages' dictionary. */
#include "errors.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct error_text error_texts[] = {
	/* request and identity */
	{ "invalid", "some values are not valid", "Ada isian yang tidak valid.",
	  "Isian “%s” tidak valid." },
	{ "invalid_json", "the request body is not valid JSON", "Isi permintaan bukan JSON yang sah.", NULL },
	{ "unknown_field", "the request has a field this endpoint does not take",
	  "Permintaan berisi isian yang tidak dikenal.", "Isian “%s” tidak dikenal." },
	{ "too_large", "the request is too large", "Data yang dikirim terlalu besar.", NULL },
	{ "not_found", "not found", "Data tidak ditemukan.", NULL },
	{ "method_not_allowed", "this method is not allowed here", "Tindakan ini tidak tersedia.", NULL },
	{ "conflict", "this conflicts with what is stored", "Data sudah ada, masih dipakai, atau telah berubah.",
	  "Nilai “%s” sudah ada atau bertentangan dengan data yang tersimpan." },
	{ "unauthenticated", "please log in first", "Silakan masuk terlebih dahulu.", NULL },
	{ "forbidden", "you are not allowed to do this", "Anda tidak memiliki akses untuk tindakan ini.", NULL },
	{ "cross_site", "another site's page may not change anything here",
	  "Halaman dari situs lain tidak boleh mengubah data di sini.", NULL },
	{ "unsupported_media_type", "send the body as application/json", "Data harus dikirim sebagai JSON.", NULL },
	{ "csrf", "missing or wrong X-CSRF-Token header", "Sesi perlu dimuat ulang; muat ulang halaman lalu coba lagi.", NULL },
	{ "invalid_credentials", "wrong email, phone number or password", "Email/nomor HP atau kata sandi salah.", NULL },
	{ "account_locked", "too many failed logins to this account from your address; try again later",
	  "Terlalu banyak percobaan masuk yang gagal ke akun ini dari alamat Anda; coba lagi nanti.", NULL },
	{ "rate_limited", "too many attempts; try again later", "Terlalu banyak percobaan; coba lagi nanti.", NULL },
	{ "invalid_code", "wrong or expired code; check it or ask for a new one",
	  "Kode salah atau sudah kedaluwarsa; periksa kembali atau minta kode baru.", NULL },
	{ "channel_unavailable", "codes cannot be sent by WhatsApp or SMS here",
	  "Kode tidak dapat dikirim lewat WhatsApp atau SMS saat ini.", NULL },
	/* storage */
	{ "busy", "the server is busy; nothing was saved, please retry",
	  "Server sedang sibuk; tidak ada yang tersimpan, silakan coba lagi.", NULL },
	{ "storage_full", "the server's storage is full; nothing was saved, please try again later",
	  "Penyimpanan server penuh; tidak ada yang tersimpan, silakan coba lagi nanti.", NULL },
	{ "storage_error", "the server's storage failed; nothing was saved, please try again later",
	  "Penyimpanan server mengalami gangguan; tidak ada yang tersimpan, silakan coba lagi nanti.", NULL },
	{ "database_unavailable", "the database cannot be reached; nothing was saved, please retry in a few seconds",
	  "Basis data tidak dapat dihubungi; tidak ada yang tersimpan, silakan coba lagi beberapa detik lagi.", NULL },
	{ "internal", "something went wrong on the server", "Terjadi kesalahan di server; silakan coba lagi nanti.", NULL },
	/* letters */
	{ "already_revoked", "this letter is revoked already", "Surat ini sudah dicabut.", NULL },
	{ "signing_unavailable", "letters cannot be signed now: no signing key is loaded",
	  "Surat belum dapat ditandatangani: kunci tanda tangan belum dipasang.", NULL },
	{ "bsre_not_configured", "this deployment has no BSrE signing service",
	  "Layanan tanda tangan elektronik BSrE belum tersedia di sini.", NULL },
	{ "bsre_refused", "BSrE refused the signature (check the NIK and passphrase)",
	  "BSrE menolak penandatanganan; periksa NIK dan passphrase.", NULL },
	{ "bsre_failed", "BSrE could not be reached or failed; the letter keeps its Ed25519 signature",
	  "BSrE tidak dapat dihubungi atau gagal; surat tetap bertanda tangan Ed25519.", NULL },
	/* research permits */
	{ "not_pdf", "the file is not a PDF (nor, where allowed, a JPEG or PNG image)",
	  "Berkas bukan PDF (atau, bila diizinkan, gambar JPEG/PNG).", "Berkas “%s” bukan PDF." },
	{ "incomplete", "the application is not complete yet", "Permohonan belum lengkap.",
	  "Permohonan belum lengkap: “%s” belum ada." },
	{ "report_overdue", "a research report of yours is overdue: submit it before applying again",
	  "Laporan penelitian Anda terlambat; sampaikan laporan itu sebelum mengajukan permohonan baru.", NULL },
	/* Simantri: booking and check-in */
	{ "no_session", "there is no practice session on this date", "Tidak ada jadwal praktik pada tanggal tersebut.", NULL },
	{ "session_over", "this practice session has ended", "Jadwal praktik ini sudah selesai.", NULL },
	{ "closed", "the facility is closed on this date", "Fasilitas kesehatan tutup pada tanggal tersebut.", NULL },
	{ "not_open_yet", "booking for this date is not open yet", "Pendaftaran untuk tanggal ini belum dibuka.", NULL },
	{ "booking_closed", "booking for this date has closed", "Pendaftaran untuk tanggal ini sudah ditutup.", NULL },
	{ "already_booked", "this person already has a number on this date",
	  "Peserta sudah mendapat nomor antrean pada tanggal tersebut.", NULL },
	{ "quota_full", "no numbers are left for this session", "Kuota antrean untuk jadwal ini sudah habis.", NULL },
	{ "cancelled", "this booking is cancelled", "Antrean sudah dibatalkan.", NULL },
	{ "already_checked_in", "this booking is already checked in", "Antrean ini sudah check-in.", NULL },
	{ "not_today", "this booking is for another day", "Antrean ini untuk tanggal lain.", NULL },
	{ "too_early", "check-in is not open yet", "Check-in belum dibuka.", NULL },
	{ "late", "too late for the booked time; please take a walk-in number",
	  "Terlambat dari jadwal; silakan ambil nomor antrean langsung.", NULL },
	/* Simantri: counters */
	{ "busy_counter", "finish, transfer or skip the patient being served first",
	  "Selesaikan, alihkan atau lewati pasien yang sedang dilayani terlebih dahulu.", NULL },
	{ "counter_closed", "the counter is closed or paused; open it first",
	  "Loket sedang tutup atau dijeda; buka loket terlebih dahulu.", NULL },
	{ "no_patient", "the counter is serving nobody; call a patient first",
	  "Loket belum melayani pasien; panggil pasien terlebih dahulu.", NULL },
	{ "line_empty", "nobody is waiting", "Tidak ada pasien yang menunggu.", NULL },
	{ "recall_first", "call the patient again, as the rules ask, before skipping them",
	  "Panggil ulang pasien sesuai aturan sebelum melewatinya.", NULL },
	/* satisfaction survey */
	{ "survey_answered", "this survey has already been answered; thank you",
	  "Survei untuk layanan ini sudah diisi. Terima kasih.", NULL },
	{ "survey_code_used", "this kiosk code has already been used", "Kode kiosk ini sudah dipakai.", NULL },
	/* channels */
	{ "bad_signature", "the request's signature is missing or wrong", "Tanda tangan permintaan tidak ada atau salah.",
	  NULL },
	{ NULL, NULL, NULL, NULL }
};

const struct error_text *error_text_find(const char *code)
{
	for (const struct error_text *e = error_texts; code && e->code; e++)
		if (strcmp(e->code, code) == 0)
			return e;
	return NULL;
}

/* One range of Accept-Language ("id-ID;q=0.8"): its primary tag and q. */
static const char *range_parse(const char *p, char tag[4], double *q)
{
	while (*p == ' ' || *p == ',')
		p++;
	size_t n = strcspn(p, "-;, ");
	if (n < 4) {
		memcpy(tag, p, n);
		tag[n] = '\0';
	} else {
		tag[0] = '\0';
	}
	p += strcspn(p, ";,");
	*q = 1.0;
	if (*p == ';') {
		const char *qp = strstr(p, "q=");
		const char *end = p + strcspn(p, ",");
		if (qp && qp < end)
			*q = strtod(qp + 2, NULL);
		p = end;
	}
	return p;
}

enum lang lang_from_accept(const char *header)
{
	enum lang best = LANG_EN;
	double best_q = 0.0;
	for (const char *p = header; p && *p;) {
		char tag[4];
		double q;
		p = range_parse(p, tag, &q);
		bool id = strcasecmp(tag, "id") == 0, en = strcasecmp(tag, "en") == 0;
		if ((id || en) && q > best_q) {
			best = id ? LANG_ID : LANG_EN;
			best_q = q;
		}
	}
	return best;
}

const char *error_text_id(struct arena *a, const char *code, const char *field)
{
	const struct error_text *e = error_text_find(code);
	if (!e)
		return NULL;
	return field && *field && e->id_field ? arena_printf(a, e->id_field, field) : e->id;
}
