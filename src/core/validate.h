/* validate.h - checking a JSON body against a route's declared fields. */
#ifndef PENDOPO_VALIDATE_H
#define PENDOPO_VALIDATE_H

#include <stdbool.h>
#include <jansson.h>
#include "module.h"

struct body_error {
	const char *code;	/* "unknown_field" or "invalid" */
	const char *field;	/* points into fields or body keys */
	char message[160];	/* English */
	char pesan[192];	/* Indonesian */
};

/* 0 when body (an object) satisfies fields; otherwise -1 and err filled. */
int body_validate(json_t *body, const struct field *fields, struct body_error *err);

struct arena;

/* What is wrong with a body jansson could not decode, for the error
 * message: jansson quotes the bytes near the fault, which need not be
 * UTF-8, and then only where is said.  In a. */
const char *json_problem(struct arena *a, const json_error_t *jerr);

/* Length in Unicode code points of valid UTF-8 (jansson guarantees validity). */
size_t utf8_length(const char *s);

/* The code point at *s, moving *s past it; -1 for a malformed, overlong
 * or surrogate sequence (*s then moves past the bytes that were read). */
long utf8_next(const unsigned char **s);
/* s is well-formed UTF-8: what JSON may carry, and so what an error
 * message may quote. */
bool utf8_valid(const char *s);
/* How many bytes of s to quote for at most max: all of it when shorter,
 * else max or fewer, never cutting a character of UTF-8 in two (an error
 * message quoting the cut goes into JSON). */
int utf8_cut(const char *s, size_t max);

#endif
