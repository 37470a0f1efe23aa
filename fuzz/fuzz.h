/* fuzz.h - what every libFuzzer target shares: the entry point's
 * declaration (so -Wmissing-prototypes stays quiet) and an arena per input,
 * as a request has. */
#ifndef PENDOPO_FUZZ_H
#define PENDOPO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string in a: what the server's parsers
 * get (libmicrohttpd terminates header and query values the same way). */
static inline char *fuzz_string(struct arena *a, const uint8_t *data, size_t size)
{
	char *s = arena_alloc(a, size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
