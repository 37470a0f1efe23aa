/* image_test.c - uploads decoded and encoded again (src/core/image.c): the
 * inputs that cost the server more than their size says.
 *
 * The JPEGs are written here with libjpeg itself, so each one is valid
 * apart from what the test sets out to make wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "arena.h"
#include "image.h"

/* A 16 x 16 colour JPEG; progressive when scans is given, with that scan
 * script (jpeg_simple_progression's own when nscans is 0). */
static unsigned char *jpeg_make(unsigned long *len, int progressive, const jpeg_scan_info *scans, int nscans)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	unsigned char *mem = NULL;
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &mem, len);
	c.image_width = 16;
	c.image_height = 16;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	if (progressive)
		jpeg_simple_progression(&c);
	if (scans) {
		c.scan_info = scans;
		c.num_scans = nscans;
	}
	jpeg_start_compress(&c, TRUE);
	JSAMPLE row[16 * 3];
	for (int y = 0; y < 16; y++) {
		for (int x = 0; x < 16 * 3; x++)
			row[x] = (JSAMPLE)(x * 5 + y * 7);
		JSAMPROW rows[1] = { row };
		jpeg_write_scanlines(&c, rows, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return mem;
}

static int reencode(enum image_kind k, const unsigned char *in, size_t len, const struct image_problem **why)
{
	struct arena *a = arena_new(4096);
	assert_non_null(a);
	unsigned char *out = NULL;
	size_t out_len = 0;
	int rc = image_reencode(a, k, in, len, &out, &out_len, why);
	if (rc == 0)
		assert_int_equal(image_sniff(out, out_len), k);
	arena_free(a);
	return rc;
}

static void progressive_jpeg_passes(void **state)
{
	(void)state;
	unsigned long len;
	unsigned char *jpeg = jpeg_make(&len, 1, NULL, 0);
	const struct image_problem *why;
	assert_int_equal(reencode(IMAGE_JPEG, jpeg, len, &why), 0);
	free(jpeg);
}

/* A valid scan script of 253 scans: the DC of all three components, then
 * each AC coefficient of each component alone, then one refinement bit of
 * each of the first 63 coefficients of Y.  Every scan walks the whole image. */
static void jpeg_of_many_scans_refused(void **state)
{
	(void)state;
	enum { N = 1 + 63 * 3 + 63 };
	static jpeg_scan_info s[N];
	int n = 0;
	s[n++] = (jpeg_scan_info){ .comps_in_scan = 3, .component_index = { 0, 1, 2 }, .Ss = 0, .Se = 0, .Ah = 0, .Al = 0 };
	for (int comp = 0; comp < 3; comp++)
		for (int k = 1; k < 64; k++)
			s[n++] = (jpeg_scan_info){ .comps_in_scan = 1, .component_index = { comp }, .Ss = k, .Se = k,
						   .Ah = 0, .Al = comp == 0 ? 1 : 0 };
	for (int k = 1; k < 64; k++)
		s[n++] = (jpeg_scan_info){ .comps_in_scan = 1, .component_index = { 0 }, .Ss = k, .Se = k, .Ah = 1, .Al = 0 };
	assert_int_equal(n, N);
	unsigned long len;
	unsigned char *jpeg = jpeg_make(&len, 1, s, N);
	const struct image_problem *why = NULL;
	assert_int_equal(reencode(IMAGE_JPEG, jpeg, len, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why->en, "damaged"));
	free(jpeg);
}

/* A 1 x 1 grey PNG, then the same with a text chunk whose length claims
 * 2 GB: refused as damaged before libpng allocates anything for it. */
static const unsigned char png_1x1[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3a, 0x7e, 0x9b, 0x55,
	0, 0, 0, 10, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0x68, 0, 0, 0, 0x82, 0, 0x81, 0x77, 0xcd, 0x72, 0xb6,
	0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
};

static void png_passes(void **state)
{
	(void)state;
	const struct image_problem *why;
	assert_int_equal(reencode(IMAGE_PNG, png_1x1, sizeof(png_1x1), &why), 0);
}

static void png_chunk_longer_than_file_refused(void **state)
{
	(void)state;
	unsigned char bad[sizeof(png_1x1) + 12];
	memcpy(bad, png_1x1, 33);	/* signature and IHDR */
	const unsigned char text[12] = { 0x7a, 0xff, 0xff, 0xff, 't', 'E', 'X', 't', 'a', '=', 'b', 0 };
	memcpy(bad + 33, text, sizeof(text));
	memcpy(bad + 45, png_1x1 + 33, sizeof(png_1x1) - 33);
	const struct image_problem *why = NULL;
	assert_int_equal(reencode(IMAGE_PNG, bad, sizeof(bad), &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why->en, "damaged"));

	/* Cut anywhere before IEND's end: refused, never read past the end. */
	for (size_t n = 8; n < sizeof(png_1x1); n++) {
		unsigned char *cut = malloc(n);
		memcpy(cut, png_1x1, n);
		assert_int_equal(reencode(IMAGE_PNG, cut, n, &why), -1);
		free(cut);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(progressive_jpeg_passes),
		cmocka_unit_test(jpeg_of_many_scans_refused),
		cmocka_unit_test(png_passes),
		cmocka_unit_test(png_chunk_longer_than_file_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
