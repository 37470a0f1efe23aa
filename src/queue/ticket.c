/* ticket.c - the printable queue ticket (PDF, libharu) and the ticket's QR
 * code (libqrencode) drawn into the PDF or as SVG for the ticket page.
 *
 * The QR holds the ticket page's address, so a phone camera opens the live
 * ticket and the kiosk reads the booking code out of it.  The PDF uses the
 * standard Helvetica fonts (no font files to ship); they cover Latin-1
 * only, so any other character is printed as '?'.
 */
#include "simantri.h"

#include <hpdf.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define QR_QUIET 4		/* modules of white border the QR standard asks for */

/* ---- QR ------------------------------------------------------------------------ */

static QRcode *qr_encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

char *queue_qr_svg(struct arena *a, const char *text, size_t *len)
{
	QRcode *qr = qr_encode(text);
	if (!qr)
		return NULL;
	struct strbuf svg;
	strbuf_init(&svg, a, 4096);
	int size = qr->width + 2 * QR_QUIET;
	strbuf_addf(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
			  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size, size);
	/* One rectangle per run of dark modules in a row. */
	for (int y = 0; y < qr->width; y++) {
		for (int x = 0; x < qr->width;) {
			if (!(qr->data[y * qr->width + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < qr->width && (qr->data[y * qr->width + x + run] & 1))
				run++;
			strbuf_addf(&svg, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	strbuf_addstr(&svg, "\"/></svg>\n");
	QRcode_free(qr);
	if (svg.failed)
		return NULL;
	*len = svg.len;
	return svg.buf;
}

/* ---- PDF ------------------------------------------------------------------------ */

static void pdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	(void)detail;
	*(HPDF_STATUS *)data = error;
}

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

static void draw_qr(HPDF_Page page, const QRcode *qr, float x, float y, float side)
{
	float m = side / (float)(qr->width + 2 * QR_QUIET);
	HPDF_Page_SetRGBFill(page, 0, 0, 0);
	for (int row = 0; row < qr->width; row++)
		for (int col = 0; col < qr->width; col++)
			if (qr->data[row * qr->width + col] & 1)
				HPDF_Page_Rectangle(page, x + (float)(col + QR_QUIET) * m,
						    y + side - (float)(row + QR_QUIET + 1) * m, m, m);
	HPDF_Page_Fill(page);
}

unsigned char *queue_ticket_pdf(struct arena *a, const struct ticket_text *t, size_t *len)
{
	HPDF_STATUS err = HPDF_OK;
	QRcode *qr = qr_encode(t->url);
	HPDF_Doc pdf = qr ? HPDF_New(pdf_error, &err) : NULL;
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
	draw_qr(page, qr, (w - side) / 2, h - 175 - side, side);
	snprintf(line, sizeof(line), "Kode booking: %s", t->code);
	text_centered(page, bold, 11, h - 190 - side, w, line);
	text_centered(page, regular, 8, h - 204 - side, w, "Pindai QR di kiosk saat tiba / Scan the QR at the kiosk");
	text_centered(page, regular, 8, h - 216 - side, w, "Harap datang 30 menit sebelum perkiraan waktu layanan.");
	if (t->note) {
		HPDF_Page_SetRGBFill(page, 0.7f, 0, 0);
		text_centered(page, bold, 14, 24, w, t->note);
	}
	if (err != HPDF_OK || HPDF_SaveToStream(pdf) != HPDF_OK)
		goto done;
	HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
	unsigned char *buf = arena_alloc(a, size ? size : 1);
	if (!buf)
		goto done;
	HPDF_UINT32 got = size;
	HPDF_ResetStream(pdf);
	/* Reading the whole stream ends with HPDF_STREAM_EOF. */
	HPDF_STATUS st = HPDF_ReadFromStream(pdf, buf, &got);
	if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size)
		goto done;
	out = buf;
	*len = got;
done:
	if (pdf)
		HPDF_Free(pdf);
	if (qr)
		QRcode_free(qr);
	return out;
}
