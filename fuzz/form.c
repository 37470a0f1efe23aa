/* form.c - fuzz target: an application/x-www-form-urlencoded body (Open311
 * POST requests, and the query string's grammar).  Every decoded name and
 * value must be UTF-8 without a NUL cut short, as form.h promises. */
#include "fuzz.h"
#include "form.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	if (!a)
		abort();
	struct form f;
	enum form_error err = form_parse(a, (const char *)data, size, &f);
	if (err == FORM_OK) {
		if (f.n > FORM_MAX_FIELDS)
			abort();
		for (size_t i = 0; i < f.n; i++)
			if (!utf8_valid(f.fields[i].name) || !utf8_valid(f.fields[i].value))
				abort();
		/* Open311's own names. */
		(void)form_get(&f, "service_code");
		(void)form_get(&f, "attribute[anonim]");
	} else if (!form_error_message(err)) {
		abort();
	}
	arena_free(a);
	return 0;
}
