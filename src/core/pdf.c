/* pdf.c - QR codes as SVG and in PDF pages, and PDF bytes into an arena
 * (see pdf.h): one copy for the ticket and the letters. */
#include "pdf.h"

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "arena.h"
#include "strbuf.h"
#include "validate.h"

#define QR_QUIET 4		/* modules of white border the QR standard asks for */

static QRcode *qr_encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

char *qr_svg(struct arena *a, const char *text, size_t *len)
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

int pdf_draw_qr(HPDF_Doc pdf, HPDF_Page page, const char *text, float x, float y, float side)
{
	QRcode *qr = qr_encode(text);
	if (!qr)
		return -1;
	/* A stencil mask of one bit a module (0 paints): viewers smooth an
	 * image they enlarge (poppler below 4x), but a mask they replicate,
	 * so the modules stay sharp at any resolution.  A bitmap enlarged
	 * here to 4 pixels a module cost libharu's CCITT packing 1.45 M
	 * instructions a letter (16x the pixels); drawn as one rectangle per
	 * run, the content stream grew 20 KB and libharu cleared 512 bytes
	 * for every rectangle. */
	int size = qr->width + 2 * QR_QUIET, stride = (size + 7) / 8;
	unsigned char *bits = malloc((size_t)stride * (size_t)size);
	if (!bits) {
		QRcode_free(qr);
		return -1;
	}
	memset(bits, 0xff, (size_t)stride * (size_t)size);
	for (int row = 0; row < qr->width; row++) {
		unsigned char *line = bits + (size_t)(row + QR_QUIET) * stride;
		for (int col = 0; col < qr->width; col++)
			if (qr->data[row * qr->width + col] & 1)
				line[(col + QR_QUIET) / 8] &= (unsigned char)~(0x80 >> ((col + QR_QUIET) % 8));
	}
	HPDF_Image img = HPDF_LoadRawImageFromMem(pdf, bits, (HPDF_UINT)size, (HPDF_UINT)size, HPDF_CS_DEVICE_GRAY, 1);
	free(bits);
	QRcode_free(qr);
	/* libharu has no call for a mask: the image's dictionary is edited
	 * (a mask names no colour space); painted in black whatever the page
	 * set before. */
	if (!img || HPDF_Dict_RemoveElement(img, "ColorSpace") != HPDF_OK ||
	    HPDF_Dict_AddBoolean(img, "ImageMask", HPDF_TRUE) != HPDF_OK ||
	    HPDF_Dict_AddBoolean(img, "Interpolate", HPDF_FALSE) != HPDF_OK)
		return -1;
	return HPDF_Page_GSave(page) == HPDF_OK && HPDF_Page_SetGrayFill(page, 0) == HPDF_OK &&
	       HPDF_Page_DrawImage(page, img, x, y, side, side) == HPDF_OK && HPDF_Page_GRestore(page) == HPDF_OK
		? 0 : -1;
}

/* Windows-1252's 0x80-0x9f, where it differs from Latin-1 (0: unused). */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static int winansi_byte(unsigned cp)
{
	if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff))
		return (int)cp;
	for (int i = 0; i < 32; i++)
		if (cp1252_high[i] && cp1252_high[i] == cp)
			return 0x80 + i;
	return -1;
}

char *pdf_winansi(struct arena *a, const char *utf8, int *missing)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	char *out = arena_alloc(a, strlen((const char *)s) + 1), *o = out;
	if (!out)
		return NULL;
	while (*s) {
		long cp = utf8_next(&s);
		int b = cp < 0 ? -1 : winansi_byte((unsigned)cp);
		if (b < 0 && missing)
			*missing = 1;
		*o++ = (char)(b < 0 ? '?' : b);
	}
	*o = '\0';
	return out;
}

static void pdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	(void)detail;
	HPDF_STATUS *err = data;
	if (*err == HPDF_OK)
		*err = error;
}

HPDF_Doc pdf_new(HPDF_STATUS *err)
{
	*err = HPDF_OK;
	HPDF_Doc pdf = HPDF_New(pdf_error, err);
	/* Compressed, and not only for size: libharu packs a 1-bit image
	 * (pdf_draw_qr's) as CCITT whatever the mode, but names the filter
	 * only when images are compressed; without it the QR is noise. */
	if (pdf)
		HPDF_SetCompressionMode(pdf, HPDF_COMP_TEXT | HPDF_COMP_IMAGE | HPDF_COMP_METADATA);
	return pdf;
}

unsigned char *pdf_bytes(struct arena *a, HPDF_Doc pdf, size_t *len)
{
	if (HPDF_SaveToStream(pdf) != HPDF_OK)
		return NULL;
	HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
	unsigned char *buf = arena_alloc(a, size ? size : 1);
	if (!buf)
		return NULL;
	HPDF_UINT32 got = size;
	HPDF_ResetStream(pdf);
	/* Reading the whole stream ends with HPDF_STREAM_EOF. */
	HPDF_STATUS st = HPDF_ReadFromStream(pdf, buf, &got);
	if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size)
		return NULL;
	*len = got;
	return buf;
}
