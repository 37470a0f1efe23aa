/* image.h - photos people upload (a complaint's, a KTP for a permit):
 * recognised by their bytes, then decoded and encoded again with libjpeg-
 * turbo and libpng, so that what is stored and shown to staff is an image
 * this server made, never the sender's bytes.
 */
#ifndef PENDOPO_IMAGE_H
#define PENDOPO_IMAGE_H

#include <stddef.h>

struct arena;

enum image_kind { IMAGE_NONE = 0, IMAGE_JPEG, IMAGE_PNG };

/* What the bytes are, by their signature alone (never by a name). */
enum image_kind image_sniff(const void *data, size_t len);
const char *image_mime(enum image_kind k);	/* "image/jpeg", "image/png" */

/* A phone's largest photos (50 MP) pass; a decompression bomb (a 30000 x
 * 30000 PNG of a few KB is 2.7 GB decoded) does not.  A PNG is decoded
 * whole, 4 bytes a pixel, so it gets less. */
#define IMAGE_MAX_SIDE 12000
#define IMAGE_MAX_JPEG_PIXELS 52000000L
#define IMAGE_MAX_PNG_PIXELS 16000000L

/* in[0..len), of kind k, decoded and encoded again into a: a JPEG at
 * quality 90 keeping only its EXIF orientation (so it still shows
 * upright), a PNG with no ancillary chunks at all, so nothing that names
 * the person or the place survives, nor anything aimed at a viewer.  0 and
 * *out, *out_len; -1 when the image is damaged, incomplete, has a bad
 * checksum, is too large (*why says which, in English and Indonesian), or
 * memory ran out (*why NULL). */
struct image_problem {
	const char *en, *id;
};
int image_reencode(struct arena *a, enum image_kind k, const unsigned char *in, size_t len,
		   unsigned char **out, size_t *out_len, const struct image_problem **why);

#endif
