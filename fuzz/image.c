/* image.c - fuzz target: an uploaded file, sniffed by its signature and,
 * when it claims to be a JPEG or PNG, decoded and encoded again as every
 * photo upload is.  What comes out must itself be an image of that kind. */
#include "fuzz.h"
#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum image_kind k = image_sniff(data, size);
	if (k == IMAGE_NONE)
		return 0;
	struct arena *a = arena_new(65536);
	if (!a)
		abort();
	unsigned char *out;
	size_t out_len;
	const struct image_problem *why;
	if (image_reencode(a, k, data, size, &out, &out_len, &why) == 0) {
		if (image_sniff(out, out_len) != k)
			abort();
	} else if (why && (!why->en || !why->id)) {
		abort();
	}
	arena_free(a);
	return 0;
}
