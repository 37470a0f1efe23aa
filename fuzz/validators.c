/* validators.c - fuzz target: the identity validators a form's fields go
 * through (NIK with its region and birth date, BPJS card, region code).
 * An accepted NIK's parts must be what its digits say. */
#include "fuzz.h"
#include "nik.h"

static int any_region(void *ctx, const char *kode)
{
	(void)ctx;
	return kode[0] != '9';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(256);
	if (!a)
		abort();
	const char *s = fuzz_string(a, data, size);
	struct nik_info info;
	enum nik_error err = nik_check(s, any_region, NULL, &info);
	if (err == NIK_OK) {
		if (strlen(s) != 16 || strncmp(info.province, s, 2) != 0)
			abort();
	} else if (!nik_error_message(err)) {
		abort();
	}
	if (bpjs_card_valid(s) && strlen(s) != 13)
		abort();
	int level = region_code_level(s);
	if (level < 0 || level > 4 || region_code_valid(s) != (level > 0))
		abort();
	arena_free(a);
	return 0;
}
