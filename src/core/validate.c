/* validate.c - request bodies are refused before a handler sees them when a
 * member is unknown, missing, of the wrong type or too long; the refusal is
 * worded in English and Indonesian. */
#include "validate.h"
#include "arena.h"

#include <stdio.h>
#include <string.h>

size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

long utf8_next(const unsigned char **s)
{
	static const long least[4] = { 0, 0x80, 0x800, 0x10000 };
	const unsigned char *p = *s;
	int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0) {
		*s = p + 1;
		return -1;
	}
	long cp = n == 0 ? *p : *p & (0x3f >> n);
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + i;
			return -1;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*s = p + n + 1;
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

int utf8_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	while (n > 0 && s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p)
		if (utf8_next(&p) < 0)
			return false;
	return true;
}

static const char *type_name(enum field_type t)
{
	switch (t) {
	case FT_STRING: return "a string";
	case FT_INT: return "an integer";
	case FT_NUMBER: return "a number";
	case FT_BOOL: return "true or false";
	case FT_OBJECT: return "an object";
	case FT_ARRAY: return "an array";
	}
	return "?";
}

static const char *type_name_id(enum field_type t)
{
	switch (t) {
	case FT_STRING: return "teks";
	case FT_INT: return "bilangan bulat";
	case FT_NUMBER: return "angka";
	case FT_BOOL: return "true atau false";
	case FT_OBJECT: return "objek";
	case FT_ARRAY: return "daftar";
	}
	return "?";
}

static int type_ok(const json_t *v, enum field_type t)
{
	switch (t) {
	case FT_STRING: return json_is_string(v);
	case FT_INT: return json_is_integer(v);
	case FT_NUMBER: return json_is_number(v);
	case FT_BOOL: return json_is_boolean(v);
	case FT_OBJECT: return json_is_object(v);
	case FT_ARRAY: return json_is_array(v);
	}
	return 0;
}

int body_validate(json_t *body, const struct field *fields, struct body_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(body, key, v) {
		const struct field *f = fields;
		while (f && f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f || !f->name) {
			err->code = "unknown_field";
			err->field = key;
			int n = utf8_cut(key, 60);
			snprintf(err->message, sizeof(err->message), "unknown field '%.*s'", n, key);
			snprintf(err->pesan, sizeof(err->pesan), "Isian “%.*s” tidak dikenal.", n, key);
			return -1;
		}
		if (json_is_null(v)) {
			if (f->flags & FF_NULLABLE)
				continue;
			err->code = "invalid";
			err->field = f->name;
			snprintf(err->message, sizeof(err->message), "%s must be %s, not null",
				 f->name, type_name(f->type));
			snprintf(err->pesan, sizeof(err->pesan), "Isian “%s” harus berupa %s, tidak boleh null.",
				 f->name, type_name_id(f->type));
			return -1;
		}
		if (!type_ok(v, f->type)) {
			err->code = "invalid";
			err->field = f->name;
			snprintf(err->message, sizeof(err->message), "%s must be %s",
				 f->name, type_name(f->type));
			snprintf(err->pesan, sizeof(err->pesan), "Isian “%s” harus berupa %s.",
				 f->name, type_name_id(f->type));
			return -1;
		}
		if (f->type == FT_STRING) {
			size_t max = f->max ? f->max : 1000;
			if (utf8_length(json_string_value(v)) > max) {
				err->code = "invalid";
				err->field = f->name;
				snprintf(err->message, sizeof(err->message),
					 "%s is longer than %zu characters", f->name, max);
				snprintf(err->pesan, sizeof(err->pesan),
					 "Isian “%s” lebih dari %zu karakter.", f->name, max);
				return -1;
			}
		}
	}
	for (const struct field *f = fields; f && f->name; f++) {
		if ((f->flags & FF_REQUIRED) && !json_object_get(body, f->name)) {
			err->code = "invalid";
			err->field = f->name;
			snprintf(err->message, sizeof(err->message), "%s is required", f->name);
			snprintf(err->pesan, sizeof(err->pesan), "Isian “%s” wajib diisi.", f->name);
			return -1;
		}
	}
	return 0;
}

const char *json_problem(struct arena *a, const json_error_t *jerr)
{
	if (utf8_valid(jerr->text))
		return arena_printf(a, "request body is not valid JSON: %s", jerr->text);
	return arena_printf(a, "request body is not valid JSON at byte %d", jerr->position);
}
