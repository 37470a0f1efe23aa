/* form.h - decoding application/x-www-form-urlencoded and
 * multipart/form-data bodies.
 *
 * Open311 clients POST their requests as HTML forms do: name=value pairs
 * joined by '&', '+' for a space and %XX for any other byte, or as
 * multipart/form-data parts when they send a photo along.  Decoded names
 * and values are NUL-terminated copies in the caller's arena; a value that
 * would carry a NUL byte or invalid UTF-8 is refused rather than cut short,
 * so what a handler reads is exactly what the client sent.
 */
#ifndef PENDOPO_FORM_H
#define PENDOPO_FORM_H

#include <stddef.h>

struct arena;

#define FORM_MAX_FIELDS 128

struct form_field {
	const char *name;
	const char *value;
};

/* A multipart part that carries a file (it has a filename): its bytes
 * as sent, inside the body. */
struct form_file {
	const char *name, *filename;
	const char *type;		/* its Content-Type, or NULL */
	const char *data;
	size_t len;
};

struct form {
	struct form_field *fields;	/* in body order, repeats kept */
	size_t n;
	struct form_file *files;	/* multipart only */
	size_t nfiles;
};

enum form_error {
	FORM_OK = 0,
	FORM_BAD_ESCAPE,	/* '%' not followed by two hex digits */
	FORM_NUL,		/* %00 in a name or value */
	FORM_BAD_UTF8,
	FORM_TOO_MANY,		/* more than FORM_MAX_FIELDS pairs */
	FORM_NO_MEMORY,
	FORM_BAD_MULTIPART,	/* no boundary, or parts not framed by it */
};

/* Decode body (len bytes, need not be NUL-terminated).  Empty pairs
 * ("a=1&&b=2") are skipped; a pair without '=' has the value "". */
enum form_error form_parse(struct arena *a, const char *body, size_t len, struct form *out);
/* Decode a multipart/form-data body (RFC 7578) whose Content-Type header
 * is content_type (it names the boundary).  Text parts become fields,
 * checked as above; parts with a filename become files. */
enum form_error form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
				     struct form *out);
/* The first file given for name, or NULL. */
const struct form_file *form_file_get(const struct form *f, const char *name);
/* Short English sentence for an error, for API messages. */
const char *form_error_message(enum form_error err);

/* The first value given for name, or NULL. */
const char *form_get(const struct form *f, const char *name);

#endif
