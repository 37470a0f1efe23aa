/* ticket.c - the printable queue ticket (PDF, libharu) with the ticket's QR
 * code (libqrencode) drawn into the PDF or as SVG for the ticket page.
 *
 * The QR holds the ticket page's address, so a phone camera opens the live
 * ticket and the kiosk reads the booking code out of it.  The PDF uses the
 * standard Helvetica fonts (no font files to ship); they cover Latin-1
 * only, so any other character is printed as '?'.
 */
#include "simantri.h"

#include <stdio.h>
#include <string.h>

#include "pdf.h"

/* Latin-1 for the standard fonts: UTF-8 sequences become '?'. */
static const char *latin(char *out, size_t size, const char *s)
{
	size_t n = 0;
	for (; s && *s && n + 1 < size; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x80)
			out[n++] = (char)ch;
		else if ((ch & 0xc0) == 0xc0)
			out[n++] = '?';
	}
	out[n] = '\0';
	return out;
}

static void text_centered(HPDF_Page page, HPDF_Font font, float size, float y, float width, const char *utf8)
{
	char buf[256];
	latin(buf, sizeof(buf), utf8);
	HPDF_Page_SetFontAndSize(page, font, size);
	float w = HPDF_Page_TextWidth(page, buf);
	HPDF_Page_BeginText(page);
	HPDF_Page_TextOut(page, (width - w) / 2, y, buf);
	HPDF_Page_EndText(page);
}

unsigned char *queue_ticket_pdf(struct arena *a, const struct ticket_text *t, size_t *len)
{
	HPDF_STATUS err;
	HPDF_Doc pdf = pdf_new(&err);
	unsigned char *out = NULL;
	if (!pdf)
		goto done;
	HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "Pendopo Simantri");
	HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, t->code);
	HPDF_Page page = HPDF_AddPage(pdf);
	/* A6 (105 x 148 mm): a quarter of A4, and what kiosk printers cut. */
	HPDF_Page_SetWidth(page, 297.6f);
	HPDF_Page_SetHeight(page, 419.5f);
	HPDF_Font regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
	HPDF_Font bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
	if (err != HPDF_OK)
		goto done;
	float w = HPDF_Page_GetWidth(page), h = HPDF_Page_GetHeight(page);
	char line[256];

	text_centered(page, bold, 11, h - 34, w, t->facility);
	text_centered(page, regular, 9, h - 50, w, "Nomor antrean / Queue number");
	text_centered(page, bold, 46, h - 100, w, t->label);
	text_centered(page, bold, 12, h - 122, w, t->service);
	snprintf(line, sizeof(line), "%s  |  %s", t->date, t->session);
	text_centered(page, regular, 10, h - 140, w, line);
	snprintf(line, sizeof(line), "Perkiraan dilayani / Estimated: %s", t->estimate);
	text_centered(page, regular, 9, h - 155, w, line);
	float side = 130;
	if (pdf_draw_qr(pdf, page, t->url, (w - side) / 2, h - 175 - side, side) != 0)
		goto done;
	snprintf(line, sizeof(line), "Kode booking: %s", t->code);
	text_centered(page, bold, 11, h - 190 - side, w, line);
	text_centered(page, regular, 8, h - 204 - side, w, "Pindai QR di kiosk saat tiba / Scan the QR at the kiosk");
	text_centered(page, regular, 8, h - 216 - side, w, "Harap datang 30 menit sebelum perkiraan waktu layanan.");
	/* Once the visit is finished the booking code is also the one-time
	 * code of the satisfaction survey's kiosk (src/survey). */
	text_centered(page, regular, 8, h - 228 - side, w, "Setelah dilayani, nilai kami di kiosk survei dengan kode ini.");
	if (t->note) {
		HPDF_Page_SetRGBFill(page, 0.7f, 0, 0);
		text_centered(page, bold, 14, 24, w, t->note);
	}
	if (err == HPDF_OK)
		out = pdf_bytes(a, pdf, len);
done:
	if (pdf)
		HPDF_Free(pdf);
	return out;
}
