/* report_pdf.c - the annual PPID report as a printable PDF (libharu, the
 * standard Helvetica through pdf_winansi()), in the order of Perki 1/2010
 * art. 12 as far as the system knows it: the PPID structure, the service
 * by agency (requests, granted in full and in part, refused, average
 * working days, answered on time), refusals by article 17 ground,
 * objections and their outcome, disputes at the Information Commission
 * and theirs.  The same figures as the JSON and CSV.
 */
#include "internal.h"

#include <hpdf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "orgs.h"
#include "pdf.h"

#define A4_W 595.3f
#define A4_H 841.9f
#define MARGIN 50.0f
#define ROW_H 13.0f

struct doc {
	struct arena *a;
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Font regular, bold;
	float y;		/* baseline of the next line */
};

static void new_page(struct doc *d)
{
	d->page = HPDF_AddPage(d->pdf);
	HPDF_Page_SetWidth(d->page, A4_W);
	HPDF_Page_SetHeight(d->page, A4_H);
	d->y = A4_H - MARGIN;
}

/* Room for h more points on this page, else a new one. */
static void need(struct doc *d, float h)
{
	if (d->y - h < MARGIN)
		new_page(d);
}

static void text_at(struct doc *d, HPDF_Font font, float size, float x, const char *utf8)
{
	const char *text = pdf_winansi(d->a, utf8, NULL);
	HPDF_Page_SetFontAndSize(d->page, font, size);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_TextOut(d->page, x, d->y, text ? text : "");
	HPDF_Page_EndText(d->page);
}

static void right_at(struct doc *d, float size, float x_right, const char *text)
{
	HPDF_Page_SetFontAndSize(d->page, d->regular, size);
	text_at(d, d->regular, size, x_right - HPDF_Page_TextWidth(d->page, text), text);
}

static void line(struct doc *d, HPDF_Font font, float size, const char *utf8)
{
	need(d, size * 1.45f);
	text_at(d, font, size, MARGIN, utf8);
	d->y -= size * 1.45f;
}

static void heading(struct doc *d, const char *utf8)
{
	need(d, 40);
	d->y -= 8;
	line(d, d->bold, 11, utf8);
}

/* Text wrapped to the margins. */
static void paragraph(struct doc *d, const char *utf8)
{
	const char *text = pdf_winansi(d->a, utf8, NULL);
	if (!text)
		return;
	HPDF_Page_SetFontAndSize(d->page, d->regular, 9);
	while (*text) {
		HPDF_REAL used;
		HPDF_UINT n = HPDF_Page_MeasureText(d->page, text, A4_W - 2 * MARGIN, HPDF_TRUE, &used);
		if (!n)
			n = (HPDF_UINT)strlen(text);
		need(d, ROW_H);
		HPDF_Page_SetFontAndSize(d->page, d->regular, 9);
		HPDF_Page_BeginText(d->page);
		HPDF_Page_TextOut(d->page, MARGIN, d->y, arena_printf(d->a, "%.*s", (int)n, text));
		HPDF_Page_EndText(d->page);
		d->y -= ROW_H;
		text += n;
		while (*text == ' ')
			text++;
	}
}

static void pair(struct doc *d, const char *label, const char *value)
{
	need(d, ROW_H);
	text_at(d, d->regular, 9, MARGIN, label);
	text_at(d, d->bold, 9, MARGIN + 260, value);
	d->y -= ROW_H;
}

static const char *count(struct doc *d, int64_t n)
{
	return arena_printf(d->a, "%" PRId64, n);
}

static const char *average(struct doc *d, const struct inforeq_figures *f)
{
	if (!f->answered)
		return "-";
	char *s = arena_printf(d->a, "%.1f", (double)f->days_sum / (double)f->answered);
	char *dot = strchr(s, '.');
	if (dot)
		*dot = ',';	/* Indonesian decimal comma */
	return s;
}

/* The service table: one row per agency and the total. */
static const char *const columns[] = { "Diterima", "Dikabulkan", "Sebagian", "Ditolak", "Rata hari", "Tepat waktu",
				       "Keberatan", "Sengketa" };
#define NAME_W 190.0f
#define COL_W ((A4_W - 2 * MARGIN - NAME_W) / 8.0f)

static void table_head(struct doc *d)
{
	need(d, 2 * ROW_H);
	text_at(d, d->bold, 8, MARGIN, "Badan publik (PPID Pelaksana)");
	for (int i = 0; i < 8; i++) {
		HPDF_Page_SetFontAndSize(d->page, d->bold, 8);
		float x = MARGIN + NAME_W + COL_W * (float)(i + 1);
		text_at(d, d->bold, 8, x - HPDF_Page_TextWidth(d->page, columns[i]), columns[i]);
	}
	d->y -= ROW_H;
}

static void table_row(struct doc *d, const char *name, const struct inforeq_figures *f, bool bold)
{
	if (d->y - ROW_H < MARGIN) {
		new_page(d);
		table_head(d);
	}
	/* A long name is cut to its column. */
	const char *text = pdf_winansi(d->a, name, NULL);
	HPDF_Page_SetFontAndSize(d->page, bold ? d->bold : d->regular, 8);
	HPDF_REAL used;
	HPDF_UINT fit = text ? HPDF_Page_MeasureText(d->page, text, NAME_W - 6, HPDF_FALSE, &used) : 0;
	HPDF_Page_BeginText(d->page);
	HPDF_Page_TextOut(d->page, MARGIN, d->y, arena_printf(d->a, "%.*s", (int)fit, text ? text : ""));
	HPDF_Page_EndText(d->page);
	const char *cells[] = { count(d, f->received), count(d, f->granted), count(d, f->granted_in_part),
				count(d, f->refused), average(d, f), count(d, f->on_time), count(d, f->objections),
				count(d, f->disputes) };
	for (int i = 0; i < 8; i++)
		right_at(d, 8, MARGIN + NAME_W + COL_W * (float)(i + 1), cells[i]);
	d->y -= ROW_H;
}

static int structure(struct req *r, struct case_ctx *x, struct doc *d, size_t agencies)
{
	struct case_config cfg;
	const char *atasan, *code, *utama_name = NULL, *atasan_name = NULL;
	int64_t id;
	if (case_config_load(x, &inforeq_type, &cfg) != 0 || inforeq_atasan_code(r, &atasan) != 0)
		return -1;
	if (cfg.desk_unit_id && case_unit(x, cfg.desk_unit_id, &code, &utama_name) < 0)
		return -1;
	int rc = orgs_id_by_code(r->db, atasan, &id);
	if (rc < 0 || (rc == 0 && case_unit(x, id, &code, &atasan_name) < 0))
		return -1;
	paragraph(d, "Layanan informasi publik diselenggarakan berdasarkan Undang-Undang Nomor 14 Tahun 2008 tentang "
		     "Keterbukaan Informasi Publik dan Peraturan Komisi Informasi tentang Standar Layanan Informasi "
		     "Publik. Permohonan diajukan secara daring atau langsung, dicatat dengan nomor pendaftaran, dan "
		     "dijawab oleh PPID Pelaksana badan publik yang menguasai informasi dalam 10 hari kerja, dengan satu "
		     "kali perpanjangan 7 hari kerja.");
	d->y -= 4;
	pair(d, "PPID Utama", utama_name ? utama_name : "-");
	pair(d, "Atasan PPID (menanggapi keberatan)", atasan_name ? atasan_name : atasan);
	pair(d, "PPID Pelaksana yang menerima permohonan", count(d, (int64_t)agencies));
	return 0;
}

int inforeq_report_pdf(struct req *r, struct case_ctx *x, int year, int64_t agency_id,
		       const struct inforeq_figures *f, size_t n, const struct inforeq_figures *total)
{
	HPDF_STATUS err;
	struct doc d = { .a = r->arena, .pdf = pdf_new(&err) };
	if (!d.pdf)
		return reply_error(r, 500, "internal", "the report could not be drawn", NULL);
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_CREATOR, "Pendopo");
	HPDF_SetInfoAttr(d.pdf, HPDF_INFO_TITLE, "Laporan Layanan Informasi Publik");
	d.regular = HPDF_GetFont(d.pdf, "Helvetica", "WinAnsiEncoding");
	d.bold = HPDF_GetFont(d.pdf, "Helvetica-Bold", "WinAnsiEncoding");
	new_page(&d);
	line(&d, d.bold, 14, "LAPORAN LAYANAN INFORMASI PUBLIK");
	line(&d, d.bold, 11, arena_printf(r->arena, "Pemerintah Kabupaten Purbalingga - Tahun %d", year));
	const char *code, *name;
	if (agency_id && case_unit(x, agency_id, &code, &name) == 0)
		line(&d, d.bold, 11, name);
	line(&d, d.regular, 9, "UU 14/2008 tentang Keterbukaan Informasi Publik; Perki 1/2010 Pasal 12");

	heading(&d, "I. Gambaran umum pelayanan informasi publik");
	int failed = structure(r, x, &d, n);

	heading(&d, "II. Rincian pelayanan informasi publik");
	pair(&d, "Permohonan informasi publik diterima", count(&d, total->received));
	pair(&d, "Dijawab", count(&d, total->answered));
	pair(&d, "Dikabulkan seluruhnya", count(&d, total->granted));
	pair(&d, "Dikabulkan sebagian", count(&d, total->granted_in_part));
	pair(&d, "Ditolak", count(&d, total->refused));
	pair(&d, "Rata-rata waktu menjawab (hari kerja)", average(&d, total));
	pair(&d, "Dijawab dalam batas waktu", count(&d, total->on_time));
	d.y -= 6;
	table_head(&d);
	for (size_t i = 0; i < n && !failed; i++) {
		if (case_unit(x, f[i].agency_id, &code, &name) < 0)
			failed = 1;
		else
			table_row(&d, name, &f[i], false);
	}
	table_row(&d, "Jumlah", total, true);

	heading(&d, "III. Alasan penolakan (Pasal 17 UU 14/2008)");
	bool any = false;
	for (int i = 0; inforeq_exemption_letters[i]; i++)
		if (total->by_ground[i]) {
			any = true;
			paragraph(&d, arena_printf(r->arena, "Huruf %s, %s: %" PRId64 " permohonan", inforeq_exemption_letters[i],
						   inforeq_exemption(inforeq_exemption_letters[i]), total->by_ground[i]));
		}
	if (!any)
		paragraph(&d, "Tidak ada permohonan yang ditolak seluruhnya atau sebagian.");

	heading(&d, "IV. Keberatan (Pasal 35-36 UU 14/2008)");
	pair(&d, "Keberatan diajukan", count(&d, total->objections));
	pair(&d, "Diterima oleh Atasan PPID", count(&d, total->upheld));
	pair(&d, "Ditolak oleh Atasan PPID", count(&d, total->rejected));
	pair(&d, "Belum ditanggapi", count(&d, total->objections - total->upheld - total->rejected));

	heading(&d, "V. Sengketa informasi di Komisi Informasi (Pasal 37-38 UU 14/2008)");
	int64_t settled = total->dsp_mediated + total->dsp_granted + total->dsp_rejected + total->dsp_ended;
	pair(&d, "Permohonan penyelesaian sengketa", count(&d, total->disputes));
	pair(&d, "Selesai dengan mediasi", count(&d, total->dsp_mediated));
	pair(&d, "Putusan ajudikasi mengabulkan permohonan", count(&d, total->dsp_granted));
	pair(&d, "Putusan ajudikasi menolak permohonan", count(&d, total->dsp_rejected));
	pair(&d, "Tidak diterima atau dicabut", count(&d, total->dsp_ended));
	pair(&d, "Masih berjalan", count(&d, total->disputes - settled));

	size_t size = 0;
	unsigned char *bytes = failed || err != HPDF_OK ? NULL : pdf_bytes(r->arena, d.pdf, &size);
	HPDF_Free(d.pdf);
	if (failed)
		return reply_db_error(r);
	if (!bytes)
		return reply_error(r, 500, "internal", "the report could not be drawn", NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"laporan-ppid-%d.pdf\"", year));
	return reply_text(r, 200, "application/pdf", (const char *)bytes, size);
}
