/* form.c - application/x-www-form-urlencoded and multipart/form-data
 * decoding (see form.h). */
#include "form.h"
#include "arena.h"
#include "validate.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

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
	memset(out, 0, sizeof(*out));
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

/* ---- multipart/form-data ------------------------------------------------ */

/* The value of parameter key (boundary, name, filename) in a header's
 * text, quoted or not; NULL when absent. */
static const char *header_param(struct arena *a, const char *h, size_t n, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i + klen + 1 < n; i++) {
		if ((i > 0 && h[i - 1] != ';' && h[i - 1] != ' ' && h[i - 1] != '\t') ||
		    strncasecmp(h + i, key, klen) != 0 || h[i + klen] != '=')
			continue;
		const char *v = h + i + klen + 1, *end = h + n;
		if (*v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
			return q ? arena_strndup(a, v + 1, (size_t)(q - v - 1)) : NULL;
		}
		size_t vlen = 0;
		while (v + vlen < end && v[vlen] != ';' && v[vlen] != ' ' && v[vlen] != '\t' && v[vlen] != '\r')
			vlen++;
		return arena_strndup(a, v, vlen);
	}
	return NULL;
}

/* A text part's value: no NUL, valid UTF-8. */
static enum form_error text_value(struct arena *a, const char *s, size_t n, const char **out)
{
	if (memchr(s, '\0', n))
		return FORM_NUL;
	char *d = arena_strndup(a, s, n);
	if (!d)
		return FORM_NO_MEMORY;
	if (!utf8_valid(d))
		return FORM_BAD_UTF8;
	*out = d;
	return FORM_OK;
}

enum form_error form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
				     struct form *out)
{
	memset(out, 0, sizeof(*out));
	const char *b = content_type ? header_param(a, content_type, strlen(content_type), "boundary") : NULL;
	size_t blen = b ? strlen(b) : 0;
	if (!b || blen == 0 || blen > 70)
		return FORM_BAD_MULTIPART;
	/* "\r\n--boundary" ends every part; the first needs no CRLF before it. */
	char *delim = arena_printf(a, "\r\n--%s", b);
	out->fields = arena_alloc(a, FORM_MAX_FIELDS * sizeof(*out->fields));
	out->files = arena_alloc(a, FORM_MAX_FIELDS * sizeof(*out->files));
	if (!delim || !out->fields || !out->files)
		return FORM_NO_MEMORY;
	size_t dlen = blen + 4;
	const char *p, *end = body + len;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;
	else
		return FORM_BAD_MULTIPART;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return FORM_OK;		/* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return FORM_BAD_MULTIPART;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend && end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			hend = p - 2;		/* a part without headers */
		if (!hend)
			return FORM_BAD_MULTIPART;
		const char *name = NULL, *filename = NULL, *type = NULL;
		for (const char *h = p; h < hend;) {
			const char *eol = memmem(h, (size_t)(hend - h), "\r\n", 2);
			size_t hl = eol ? (size_t)(eol - h) : (size_t)(hend - h);
			if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
				name = header_param(a, h + 20, hl - 20, "name");
				filename = header_param(a, h + 20, hl - 20, "filename");
			} else if (hl > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
				size_t skip = strspn(h + 13, " \t");
				type = arena_strndup(a, h + 13 + skip, hl - 13 - skip);
			}
			h += hl + 2;
		}
		const char *data = hend + 4;
		const char *next = data <= end ? memmem(data, (size_t)(end - data), delim, dlen) : NULL;
		if (!next || !name)
			return FORM_BAD_MULTIPART;
		if (out->n + out->nfiles == FORM_MAX_FIELDS)
			return FORM_TOO_MANY;
		enum form_error e = text_value(a, name, strlen(name), &name);
		if (e != FORM_OK)
			return e;
		if (filename) {
			out->files[out->nfiles++] = (struct form_file){ name, filename, type, data, (size_t)(next - data) };
		} else {
			struct form_field *f = &out->fields[out->n];
			f->name = name;
			if ((e = text_value(a, data, (size_t)(next - data), &f->value)) != FORM_OK)
				return e;
			out->n++;
		}
		p = next + dlen;
	}
}

const struct form_file *form_file_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].name, name) == 0)
			return &f->files[i];
	return NULL;
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
	case FORM_BAD_MULTIPART: return "the multipart body is not framed by the boundary its Content-Type names";
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
