/* pdf.h - what the documents Pendopo prints share: QR codes (libqrencode)
 * drawn as SVG for a page or into a PDF page (libharu), and a finished PDF
 * copied into an arena, and text for the standard fonts.  Used by the queue
 * ticket, the survey report and letters.
 */
#ifndef PENDOPO_PDF_H
#define PENDOPO_PDF_H

#include <stddef.h>
#include <hpdf.h>

struct arena;

/* The QR of text (error correction M) as an SVG image in a, its length in
 * *len; NULL when text does not fit a QR or out of memory. */
char *qr_svg(struct arena *a, const char *text, size_t *len);

/* Draws the QR of text, quiet zone included, as a side x side square
 * whose lower-left corner is (x, y), an image of pdf.  0, or -1 when text
 * does not fit or out of memory. */
int pdf_draw_qr(HPDF_Doc pdf, HPDF_Page page, const char *text, float x, float y, float side);

/* utf8 in WinAnsiEncoding (Windows-1252), the encoding of the standard
 * fonts (Helvetica), in a.  A character it lacks, or a malformed sequence,
 * becomes '?' and sets *missing (when missing is not NULL), so a caller can
 * draw the text again in an embedded Unicode font.  NULL out of memory. */
char *pdf_winansi(struct arena *a, const char *utf8, int *missing);

/* A new, compressed document whose libharu errors are recorded in *err
 * (HPDF_OK while none happened): check it once, after drawing. */
HPDF_Doc pdf_new(HPDF_STATUS *err);

/* The document's bytes in a, their number in *len; NULL on failure.  Does
 * not free pdf. */
unsigned char *pdf_bytes(struct arena *a, HPDF_Doc pdf, size_t *len);

#endif
