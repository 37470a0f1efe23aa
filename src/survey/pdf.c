/* pdf.c - the printable SKM report of a unit for a period (libharu), in
 * the shape units publish: respondents' profile, each element's NRR, the
 * IKM with its grade and interval, the sample against Krejcie-Morgan, the
 * weakest elements and the unit's follow-up plan.
 *
 * Self-contained on purpose (the standard Helvetica fonts, no files to
 * ship): they cover Latin-1 only, so other characters print as '?'.
 */
#include "internal.h"

#include <hpdf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "pdf.h"

#define A4_W 595.3f
#define A4_H 841.9f
#define MARGIN 56.0f

struct doc {
	struct arena *a;
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Font regular, bold;
	float y;		/* baseline of the next line */
};

struct profile_count {
	const char *value;	/* NULL: not given */
	int64_t n;
};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	(void)detail;
	*(HPDF_STATUS *)data = error;
}

static void text_at(struct doc *d, HPDF_Font font, float size, float x, float y, const char *utf8)
{
	const char *text = pdf_winansi(d->a, utf8, NULL);
	HPDF_Page_SetFontAndSize(d->page, font, size);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_TextOut(d->page, x, y, text ? text : "");
	HPDF_Page_EndText(d->page);
}

static void line(struct doc *d, HPDF_Font font, float size, const char *utf8)
{
	text_at(d, font, size, MARGIN, d->y, utf8);
	d->y -= size * 1.45f;
}

static void heading(struct doc *d, const char *utf8)
{
	d->y -= 8;
	line(d, d->bold, 11, utf8);
}

static void new_page(struct doc *d)
{
	d->page = HPDF_AddPage(d->pdf);
	HPDF_Page_SetWidth(d->page, A4_W);
	HPDF_Page_SetHeight(d->page, A4_H);
	d->y = A4_H - MARGIN;
}

/* Counts of one profile column over the period's responses. */
static int profile_read(struct req *r, int64_t unit_id, const char *column, const char *from, const char *to,
			struct profile_count **out, size_t *n)
{
	/* column is one of four constants, never input. */
	const char *sql = arena_printf(r->arena, "SELECT %s, count(*) FROM survey_responses WHERE unit_id = ?"
						 " AND day BETWEEN ? AND ? GROUP BY %s ORDER BY %s", column, column, column);
	struct db_stmt *st = db_query(r->db, sql, "iss", unit_id, from, to);
	if (!st)
		return -1;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct profile_count *p = ARENA_PUSH(r->arena, *out, *n, cap);
		if (!p)
			break;
		p->value = db_col_text(st, 0) ? arena_strdup(r->arena, db_col_text(st, 0)) : NULL;
		p->n = db_col_int(st, 1);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

static const char *profile_label(const char *v)
{
	static const char *const labels[][2] = {
		{ "u20", "di bawah 20 tahun" }, { "20_29", "20-29 tahun" }, { "30_39", "30-39 tahun" },
		{ "40_49", "40-49 tahun" }, { "50_59", "50-59 tahun" }, { "60_plus", "60 tahun ke atas" },
		{ "l", "Laki-laki" }, { "p", "Perempuan" },
		{ "sd", "SD atau di bawahnya" }, { "smp", "SMP" }, { "sma", "SMA/SMK" }, { "d1_d3", "D1-D3" },
		{ "s1", "D4/S1" }, { "s2_plus", "S2 ke atas" },
		{ "pns", "PNS/ASN" }, { "tni_polri", "TNI/Polri" }, { "swasta", "Pegawai swasta" },
		{ "wirausaha", "Wirausaha" }, { "pelajar", "Pelajar/mahasiswa" }, { "lainnya", "Lainnya" },
	};
	if (!v)
		return "Tidak diisi";
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i][0], v) == 0)
			return labels[i][1];
	return v;
}

static int profile_section(struct req *r, struct doc *d, int64_t unit_id, const char *from, const char *to)
{
	static const char *const columns[][2] = {
		{ "age_group", "Umur" }, { "sex", "Jenis kelamin" }, { "education", "Pendidikan" },
		{ "occupation", "Pekerjaan" },
	};
	for (size_t c = 0; c < 4; c++) {
		struct profile_count *pc;
		size_t n;
		if (profile_read(r, unit_id, columns[c][0], from, to, &pc, &n) != 0)
			return -1;
		char buf[512];
		size_t len = (size_t)snprintf(buf, sizeof(buf), "%s: ", columns[c][1]);
		for (size_t i = 0; i < n && len < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s %" PRId64, i ? "; " : "",
						profile_label(pc[i].value), pc[i].n);
		if (!n)
			snprintf(buf + len, sizeof(buf) - len, "belum ada responden");
		line(d, d->regular, 9, buf);
	}
	return 0;
}

static void elements_section(struct doc *d, const struct survey_result *res)
{
	char buf[160];
	float x_nrr = MARGIN + 300, bar_x = MARGIN + 350, bar_w = 130;
	text_at(d, d->bold, 9, MARGIN, d->y, "Unsur pelayanan");
	text_at(d, d->bold, 9, x_nrr, d->y, "NRR");
	d->y -= 14;
	for (int e = 0; e < SURVEY_ELEMENTS; e++) {
		snprintf(buf, sizeof(buf), "U%d  %s", e + 1, survey_elements[e].name_id);
		text_at(d, d->regular, 9, MARGIN, d->y, buf);
		if (res->nrr1000[e] >= 0) {
			snprintf(buf, sizeof(buf), "%d,%03d", res->nrr1000[e] / 1000, res->nrr1000[e] % 1000);
			text_at(d, d->regular, 9, x_nrr, d->y, buf);
			HPDF_Page_SetRGBFill(d->page, 0.04f, 0.36f, 0.29f);
			HPDF_Page_Rectangle(d->page, bar_x, d->y - 1, bar_w * (float)res->nrr1000[e] / 4000.0f, 8);
			HPDF_Page_Fill(d->page);
			HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
		} else {
			text_at(d, d->regular, 9, x_nrr, d->y, "-");
		}
		d->y -= 14;
	}
}

static void hundredths(char *out, size_t size, int v)
{
	snprintf(out, size, "%d,%02d", v / 100, v % 100);
}

static void ikm_section(struct doc *d, const struct survey_result *res)
{
	char buf[200], a[16], b[16];
	if (res->ikm100 < 0) {
		line(d, d->regular, 10, "Belum ada responden pada periode ini.");
	} else {
		hundredths(a, sizeof(a), res->ikm100);
		snprintf(buf, sizeof(buf), "IKM %s  -  mutu %c (%s)", a, res->grade, survey_grade_name(res->grade));
		line(d, d->bold, 14, buf);
		if (res->ci_low100 >= 0) {
			hundredths(a, sizeof(a), res->ci_low100);
			hundredths(b, sizeof(b), res->ci_high100);
			snprintf(buf, sizeof(buf), "Selang kepercayaan 95%% (pendekatan normal): %s - %s", a, b);
			line(d, d->regular, 9, buf);
		}
	}
	snprintf(buf, sizeof(buf), "Responden %" PRId64 " dari %" PRId64 " transaksi; sampel minimal (Krejcie-Morgan) %" PRId64 ".",
		 res->respondents, res->transactions, res->sample_needed);
	line(d, d->regular, 9, buf);
	line(d, d->bold, 9, res->representative ? "Sampel sudah representatif."
						: "Sampel BELUM REPRESENTATIF: jumlah responden kurang dari sampel minimal.");
}

static unsigned char *doc_bytes(struct arena *a, struct doc *d, size_t *len)
{
	if (HPDF_SaveToStream(d->pdf) != HPDF_OK)
		return NULL;
	HPDF_UINT32 size = HPDF_GetStreamSize(d->pdf);
	unsigned char *buf = arena_alloc(a, size ? size : 1);
	if (!buf)
		return NULL;
	HPDF_UINT32 got = size;
	HPDF_ResetStream(d->pdf);
	/* Reading the whole stream ends with HPDF_STREAM_EOF. */
	HPDF_STATUS st = HPDF_ReadFromStream(d->pdf, buf, &got);
	if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size)
		return NULL;
	*len = got;
	return buf;
}

/* GET /api/survey/units/{unit}/report.pdf?period= */
int survey_report_pdf(struct req *r)
{
	struct survey_unit u;
	char from[11], to[11];
	const char *period;
	if (survey_path_unit(r, &u) || !(period = survey_query_period(r, from, to)))
		return 0;
	struct survey_result res;
	if (survey_unit_result(r->db, u.id, NULL, period, &res) != 0)
		return reply_db_error(r);
	const char *plan = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT plan FROM survey_followups WHERE unit_id = ? AND period = ?", "is",
				      u.id, period);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		plan = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return reply_db_error(r);

	HPDF_STATUS err = HPDF_OK;
	struct doc d = { .a = r->arena, .pdf = HPDF_New(on_error, &err) };
	if (!d.pdf)
		return reply_error(r, 500, "internal", "the report could not be drawn", NULL);
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "Pendopo");
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_TITLE, "Laporan Survei Kepuasan Masyarakat");
	d.regular = HPDF_GetFont(d.pdf, "Helvetica", "WinAnsiEncoding");
	d.bold = HPDF_GetFont(d.pdf, "Helvetica-Bold", "WinAnsiEncoding");
	new_page(&d);
	char buf[256];
	line(&d, d.bold, 14, "LAPORAN SURVEI KEPUASAN MASYARAKAT (SKM)");
	line(&d, d.bold, 11, u.name);
	snprintf(buf, sizeof(buf), "Periode %s (%s s.d. %s, WIB)  -  PermenPANRB 14/2017", period, from, to);
	line(&d, d.regular, 9, buf);
	heading(&d, "I. Profil responden");
	int failed = profile_section(r, &d, u.id, from, to);
	heading(&d, "II. Nilai rata-rata per unsur (NRR, skala 1-4)");
	elements_section(&d, &res);
	heading(&d, "III. Indeks Kepuasan Masyarakat");
	ikm_section(&d, &res);
	heading(&d, "IV. Unsur terlemah");
	for (int i = 0; i < res.nweakest; i++) {
		int e = res.weakest[i];
		snprintf(buf, sizeof(buf), "%d. U%d %s (NRR %d,%03d)", i + 1, e + 1, survey_elements[e].name_id,
			 res.nrr1000[e] / 1000, res.nrr1000[e] % 1000);
		line(&d, d.regular, 9, buf);
	}
	if (!res.nweakest)
		line(&d, d.regular, 9, "-");
	heading(&d, "V. Rencana tindak lanjut");
	if (plan) {
		/* The plan may be long: it gets the rest of this page and, when
		 * that is not enough, a page of its own. */
		const char *text = pdf_winansi(r->arena, plan, NULL);
		if (!text) {
			failed = 1;
			text = "";
		}
		HPDF_UINT len = 0;
		HPDF_Page_SetFontAndSize(d.page, d.regular, 9);
		HPDF_Page_BeginText(d.page);
		HPDF_Page_TextRect(d.page, MARGIN, d.y + 9, A4_W - MARGIN, MARGIN, text, HPDF_TALIGN_LEFT, &len);
		HPDF_Page_EndText(d.page);
		if (len < strlen(text)) {
			err = HPDF_OK;	/* a rectangle too small is reported as an error */
			new_page(&d);
			HPDF_Page_SetFontAndSize(d.page, d.regular, 9);
			HPDF_Page_BeginText(d.page);
			HPDF_Page_TextRect(d.page, MARGIN, d.y, A4_W - MARGIN, MARGIN, text + len, HPDF_TALIGN_LEFT, NULL);
			HPDF_Page_EndText(d.page);
		}
	} else {
		line(&d, d.regular, 9, "Belum diisi oleh unit.");
	}
	size_t size = 0;
	unsigned char *bytes = failed || (err != HPDF_OK && err != HPDF_PAGE_INSUFFICIENT_SPACE) ? NULL
											       : doc_bytes(r->arena, &d, &size);
	HPDF_Free(d.pdf);
	if (failed)
		return reply_db_error(r);
	if (!bytes)
		return reply_error(r, 500, "internal", "the report could not be drawn", NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"skm-%s-%s.pdf\"", u.code, period));
	return reply_text(r, 200, "application/pdf", (const char *)bytes, size);
}
