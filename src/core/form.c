/* form.c - application/x-www-form-urlencoded decoding (see form.h). */
#include "form.h"
#include "arena.h"
#include "validate.h"

#include <stdbool.h>
#include <string.h>

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into a fresh arena string. */
static enum form_error decode(struct arena *a, const char *s, size_t n, const char **out)
{
	char *d = arena_alloc(a, n + 1);
	size_t k = 0;
	if (!d)
		return FORM_NO_MEMORY;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%') {
			if (n - i < 3 || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
				return FORM_BAD_ESCAPE;
			ch = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
		}
		if (ch == '\0')
			return FORM_NUL;
		d[k++] = ch;
	}
	d[k] = '\0';
	if (!utf8_valid(d))
		return FORM_BAD_UTF8;
	*out = d;
	return FORM_OK;
}

enum form_error form_parse(struct arena *a, const char *body, size_t len, struct form *out)
{
	out->fields = NULL;
	out->n = 0;
	/* Each pair takes at least one byte and a separator: a bound on the
	 * count before anything is decoded. */
	size_t pairs = 1;
	for (size_t i = 0; i < len; i++)
		pairs += body[i] == '&';
	if (pairs > FORM_MAX_FIELDS)
		pairs = FORM_MAX_FIELDS + 1;
	struct form_field *fields = arena_alloc(a, pairs * sizeof(*fields));
	if (!fields)
		return FORM_NO_MEMORY;

	size_t n = 0, start = 0;
	while (start <= len) {
		const char *amp = memchr(body + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - body) : len;
		if (end > start) {
			if (n == FORM_MAX_FIELDS)
				return FORM_TOO_MANY;
			const char *eq = memchr(body + start, '=', end - start);
			size_t name_end = eq ? (size_t)(eq - body) : end;
			enum form_error e = decode(a, body + start, name_end - start, &fields[n].name);
			if (e == FORM_OK)
				e = eq ? decode(a, eq + 1, end - name_end - 1, &fields[n].value)
				       : decode(a, "", 0, &fields[n].value);
			if (e != FORM_OK)
				return e;
			n++;
		}
		start = end + 1;
	}
	out->fields = fields;
	out->n = n;
	return FORM_OK;
}

const char *form_error_message(enum form_error err)
{
	switch (err) {
	case FORM_OK: return "ok";
	case FORM_BAD_ESCAPE: return "the form body has a '%' that is not followed by two hex digits";
	case FORM_NUL: return "the form body holds a NUL byte";
	case FORM_BAD_UTF8: return "the form body is not valid UTF-8";
	case FORM_TOO_MANY: return "the form body has too many fields";
	case FORM_NO_MEMORY: return "out of memory";
	}
	return "malformed form body";
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}
