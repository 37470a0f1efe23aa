/* image.c - uploaded photos decoded and encoded again (see image.h).
 *
 * Stripping metadata from the sender's bytes left everything else as sent:
 * a PNG of 30000 x 30000 pixels in a few kilobytes, chunks with bad
 * checksums, whatever a crafted file aims at the viewers of the staff who
 * open it.  Decoding every pixel with the maintained libraries and writing
 * a new file closes all of that at once; the size checks come from the
 * header, before anything is decoded.  A JPEG goes through row by row, so
 * memory stays at a few rows whatever its size.
 */
#include "image.h"
#include "arena.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>		/* before jpeglib.h, which uses FILE */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

enum image_kind image_sniff(const void *data, size_t len)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *p = data;
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMAGE_JPEG;
	if (len >= 8 && memcmp(p, png, 8) == 0)
		return IMAGE_PNG;
	return IMAGE_NONE;
}

const char *image_mime(enum image_kind k)
{
	return k == IMAGE_JPEG ? "image/jpeg" : k == IMAGE_PNG ? "image/png" : "application/octet-stream";
}

static const struct image_problem damaged = {
	"the image file is damaged or incomplete", "Berkas gambar rusak atau tidak lengkap.",
}, too_large = {
	"the image has too many pixels (at most 12000 on a side, 50 megapixels for a JPEG, 16 for a PNG)",
	"Ukuran gambar terlalu besar (paling banyak 12000 piksel per sisi, 50 megapiksel untuk JPEG, 16 untuk PNG).",
}, unsupported = {
	"the JPEG is in CMYK colours; send a photo in ordinary RGB",
	"JPEG ini memakai warna CMYK; kirim foto dengan warna RGB biasa.",
};

static bool too_many(unsigned long w, unsigned long h, long max)
{
	return w == 0 || h == 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE || (long)(w * h) > max;
}

/* ---- EXIF orientation ------------------------------------------------------- */

static unsigned get16(const unsigned char *p, bool le)
{
	return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
		  : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The orientation tag (0x0112) of IFD0 in an APP1 Exif payload, or 0. */
static unsigned exif_orientation(const unsigned char *p, size_t n)
{
	if (n < 14 || memcmp(p, "Exif\0\0", 6) != 0)
		return 0;
	const unsigned char *t = p + 6;
	size_t tn = n - 6;
	bool le;
	if (t[0] == 'I' && t[1] == 'I')
		le = true;
	else if (t[0] == 'M' && t[1] == 'M')
		le = false;
	else
		return 0;
	uint32_t ifd = get32(t + 4, le);
	if (ifd > tn - 2 || ifd < 8)
		return 0;
	unsigned count = get16(t + ifd, le);
	for (unsigned i = 0; i < count; i++) {
		size_t e = ifd + 2 + (size_t)i * 12;
		if (e + 12 > tn)
			return 0;
		if (get16(t + e, le) == 0x0112 && get16(t + e + 2, le) == 3) {
			unsigned v = get16(t + e + 8, le);
			return v >= 1 && v <= 8 ? v : 0;
		}
	}
	return 0;
}

/* ---- JPEG ------------------------------------------------------------------- */

struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf *jump;		/* one for the decoder and the encoder */
	int warnings;		/* corrupt data the library papered over */
};

static void jpeg_fail_exit(j_common_ptr c)
{
	longjmp(*((struct jpeg_fail *)c->err)->jump, 1);
}

static void jpeg_fail_message(j_common_ptr c, int level)
{
	if (level < 0)
		((struct jpeg_fail *)c->err)->warnings++;
}

/* The encoder's output, in a buffer this file owns.  libjpeg's own memory
 * destination frees its first buffer when it grows and hands the new one
 * back only when the image is finished, so a decode failing halfway left
 * the caller holding a pointer already freed (found by fuzz/image.c). */
struct jpeg_out {
	struct jpeg_destination_mgr mgr;
	unsigned char *buf;
	size_t cap;
	bool no_memory;
};

static boolean jpeg_out_grow(j_compress_ptr c)
{
	struct jpeg_out *o = (struct jpeg_out *)c->dest;
	size_t cap = o->cap ? o->cap * 2 : 65536;
	unsigned char *b = realloc(o->buf, cap);
	if (!b) {
		o->no_memory = true;
		jpeg_fail_exit((j_common_ptr)c);
	}
	o->mgr.next_output_byte = b + o->cap;
	o->mgr.free_in_buffer = cap - o->cap;
	o->buf = b;
	o->cap = cap;
	return TRUE;
}

static void jpeg_out_start(j_compress_ptr c)
{
	jpeg_out_grow(c);
}

static void jpeg_out_end(j_compress_ptr c)
{
	(void)c;
}

/* Each scan of a progressive JPEG passes over every coefficient of the
 * image, and a few bytes make a scan: a 60 KB file of 5,000 scans over 50
 * megapixels would hold a worker for minutes.  Encoders write about ten;
 * libjpeg-turbo's own tools stop at 500, a bound we keep well under. */
#define JPEG_MAX_SCANS 200

static void jpeg_scan_limit(j_common_ptr c)
{
	if (c->is_decompressor && ((j_decompress_ptr)c)->input_scan_number > JPEG_MAX_SCANS)
		jpeg_fail_exit(c);
}

static int jpeg_reencode(struct arena *a, const unsigned char *in, size_t len, unsigned char **out,
			 size_t *out_len, const struct image_problem **why)
{
	struct jpeg_decompress_struct d;
	struct jpeg_compress_struct c;
	struct jpeg_fail fd, fc;
	jmp_buf jump;
	struct jpeg_out dest = { .mgr = { .init_destination = jpeg_out_start,
					  .empty_output_buffer = jpeg_out_grow,
					  .term_destination = jpeg_out_end } };
	JSAMPLE *volatile row = NULL;
	volatile bool compressing = false;
	volatile int rc = -1;

	*why = &damaged;
	d.err = jpeg_std_error(&fd.mgr);
	fd.mgr.error_exit = jpeg_fail_exit;
	fd.mgr.emit_message = jpeg_fail_message;
	fd.warnings = 0;
	fd.jump = &jump;
	c.err = jpeg_std_error(&fc.mgr);
	fc.mgr.error_exit = jpeg_fail_exit;
	fc.mgr.emit_message = jpeg_fail_message;
	fc.warnings = 0;
	fc.jump = &jump;
	struct jpeg_progress_mgr progress = { .progress_monitor = jpeg_scan_limit };
	jpeg_create_decompress(&d);
	d.progress = &progress;
	if (setjmp(jump))
		goto done;
	jpeg_mem_src(&d, in, (unsigned long)len);
	jpeg_save_markers(&d, JPEG_APP0 + 1, 0xffff);
	jpeg_read_header(&d, TRUE);
	if (too_many(d.image_width, d.image_height, IMAGE_MAX_JPEG_PIXELS)) {
		*why = &too_large;
		goto done;
	}
	if (d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK) {
		*why = &unsupported;
		goto done;
	}
	unsigned orientation = 0;
	for (jpeg_saved_marker_ptr m = d.marker_list; m && !orientation; m = m->next)
		orientation = exif_orientation(m->data, m->data_length);
	d.out_color_space = d.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_start_decompress(&d);

	jpeg_create_compress(&c);
	compressing = true;
	c.dest = &dest.mgr;
	c.image_width = d.output_width;
	c.image_height = d.output_height;
	c.input_components = d.output_components;
	c.in_color_space = d.out_color_space;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	jpeg_start_compress(&c, TRUE);
	if (orientation) {
		/* Exif with one IFD0 entry, Orientation (big-endian TIFF). */
		unsigned char exif[26] = { 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 0x2a, 0, 0, 0, 8, 0, 1,
					   0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (unsigned char)orientation };
		jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof(exif));
	}
	row = malloc((size_t)d.output_width * (size_t)d.output_components);
	if (!row) {
		*why = NULL;
		goto done;
	}
	while (d.output_scanline < d.output_height) {
		JSAMPROW rows[1] = { row };
		if (jpeg_read_scanlines(&d, rows, 1) != 1)
			goto done;
		jpeg_write_scanlines(&c, rows, 1);
	}
	jpeg_finish_decompress(&d);
	jpeg_finish_compress(&c);
	/* A file the library had to patch up (cut short, bad Huffman data)
	 * shows grey where the photo was: refused rather than kept so. */
	if (fd.warnings)
		goto done;
	size_t n = dest.cap - dest.mgr.free_in_buffer;
	*out = arena_alloc(a, n);
	if (!*out) {
		*why = NULL;
		goto done;
	}
	memcpy(*out, dest.buf, n);
	*out_len = n;
	*why = NULL;
	rc = 0;
done:
	free(row);
	if (compressing)
		jpeg_destroy_compress(&c);
	jpeg_destroy_decompress(&d);
	if (dest.no_memory)
		*why = NULL;
	free(dest.buf);
	return rc;
}

/* ---- PNG -------------------------------------------------------------------- */

/* Every chunk lies whole inside the file, up to IEND.  libpng allocates a
 * chunk by the length its header claims before reading it, so 60 bytes
 * claiming a 2 GB text chunk took 2 GB (found by fuzz/image.c). */
static bool png_chunks_fit(const unsigned char *p, size_t len)
{
	size_t at = 8;
	while (at <= len && len - at >= 12) {
		uint32_t n = get32(p + at, false);
		if (n > len - at - 12)
			return false;
		if (memcmp(p + at + 4, "IEND", 4) == 0)
			return true;
		at += 12 + (size_t)n;
	}
	return false;
}

static int png_reencode(struct arena *a, const unsigned char *in, size_t len, unsigned char **out,
			size_t *out_len, const struct image_problem **why)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	*why = &damaged;
	if (!png_chunks_fit(in, len) || !png_image_begin_read_from_memory(&img, in, len))
		return -1;
	if (too_many(img.width, img.height, IMAGE_MAX_PNG_PIXELS)) {
		png_image_free(&img);
		*why = &too_large;
		return -1;
	}
	/* Colour or grey, with alpha when it has one; palettes and 16-bit
	 * depths become 8-bit samples. */
	img.format = (img.format & PNG_FORMAT_FLAG_COLOR ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY) |
		     (img.format & PNG_FORMAT_FLAG_ALPHA);
	size_t size = PNG_IMAGE_SIZE(img);
	void *pixels = malloc(size);
	if (!pixels) {
		png_image_free(&img);
		*why = NULL;
		return -1;
	}
	int rc = -1;
	if (png_image_finish_read(&img, NULL, pixels, 0, NULL)) {
		png_image w;
		memset(&w, 0, sizeof(w));
		w.version = PNG_IMAGE_VERSION;
		w.width = img.width;
		w.height = img.height;
		w.format = img.format;
		png_alloc_size_t need = 0;
		if (png_image_write_to_memory(&w, NULL, &need, 0, pixels, 0, NULL) &&
		    (*out = arena_alloc(a, need)) &&
		    png_image_write_to_memory(&w, *out, &need, 0, pixels, 0, NULL)) {
			*out_len = need;
			*why = NULL;
			rc = 0;
		} else if (need && !*out) {
			*why = NULL;
		}
		png_image_free(&w);
	}
	png_image_free(&img);
	free(pixels);
	return rc;
}

int image_reencode(struct arena *a, enum image_kind k, const unsigned char *in, size_t len,
		   unsigned char **out, size_t *out_len, const struct image_problem **why)
{
	*out = NULL;
	if (k == IMAGE_JPEG)
		return jpeg_reencode(a, in, len, out, out_len, why);
	if (k == IMAGE_PNG)
		return png_reencode(a, in, len, out, out_len, why);
	*why = &damaged;
	return -1;
}
