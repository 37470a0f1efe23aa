/* tableschema.c - Frictionless Table Schema: the subset Satu Data tables use
 * (see tableschema.h), cell checks and canonical forms.
 *
 * Schemas are written by people, so parsing names the exact member that is
 * wrong.  Cells are checked millions of times per import, so the checks
 * work on the text in place and allocate nothing.
 */
#include "tableschema.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "validate.h"

static const struct {
	const char *name;
	enum tfield_type type;
	const char *ckan;
} types[] = {
	{ "string", TF_STRING, "text" },
	{ "integer", TF_INTEGER, "int" },
	{ "number", TF_NUMBER, "numeric" },
	{ "boolean", TF_BOOLEAN, "bool" },
	{ "date", TF_DATE, "date" },
	{ "year", TF_YEAR, "int" },
	{ "yearmonth", TF_YEARMONTH, "text" },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

const char *tschema_type_name(enum tfield_type t)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (types[i].type == t)
			return types[i].name;
	return "string";
}

const char *tschema_ckan_type(enum tfield_type t)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (types[i].type == t)
			return types[i].ckan;
	return "text";
}

int tschema_field(const struct tschema *s, const char *name)
{
	for (int i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- parsing a schema ------------------------------------------------------ */

static int fail(char *err, size_t errlen, const char *fmt, const char *what)
{
	snprintf(err, errlen, fmt, what);
	return -1;
}

/* Field names become CSV headers, JSON keys and CKAN datastore ids. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* "a" or ["a", "b"] as a list of field indexes. */
static int field_list(const struct tschema *s, const json_t *v, struct arena *a, int **out, int *n,
		      const char *what, char *err, size_t errlen)
{
	size_t count = json_is_string(v) ? 1 : json_is_array(v) ? json_array_size(v) : 0;
	if (count == 0 || count > TSCHEMA_MAX_FIELDS)
		return fail(err, errlen, "%s must be a field name or a list of field names", what);
	*out = arena_alloc(a, count * sizeof(int));
	if (!*out)
		return fail(err, errlen, "%s: out of memory", what);
	for (size_t i = 0; i < count; i++) {
		const json_t *e = json_is_string(v) ? v : json_array_get(v, i);
		int f = json_is_string(e) ? tschema_field(s, json_string_value(e)) : -1;
		if (f < 0) {
			snprintf(err, errlen, "%s names %s, which is not a field of the schema", what,
				 json_is_string(e) ? json_string_value(e) : "a non-string");
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if ((*out)[k] == f)
				return fail(err, errlen, "%s names a field twice", what);
		(*out)[i] = f;
	}
	*n = (int)count;
	return 0;
}

static int number_member(const json_t *c, const char *key, bool *has, double *v)
{
	const json_t *m = json_object_get(c, key);
	if (!m)
		return 0;
	if (!json_is_number(m))
		return -1;
	*has = true;
	*v = json_number_value(m);
	return 0;
}

static int length_member(const json_t *c, const char *key, long *v)
{
	const json_t *m = json_object_get(c, key);
	*v = -1;
	if (!m)
		return 0;
	if (!json_is_integer(m) || json_integer_value(m) < 0)
		return -1;
	*v = (long)json_integer_value(m);
	return 0;
}

static int parse_constraints(const struct tschema *s, struct tfield *f, const json_t *c, struct arena *a,
			     char *err, size_t errlen)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)c, key, v) {
		if (strcmp(key, "required") == 0 || strcmp(key, "unique") == 0) {
			if (!json_is_boolean(v))
				return fail(err, errlen, "constraints.%s must be true or false", key);
			if (key[0] == 'r')
				f->required = json_is_true(v);
			else
				f->unique = json_is_true(v);
		} else if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0) {
			if (f->type != TF_INTEGER && f->type != TF_NUMBER && f->type != TF_YEAR)
				return fail(err, errlen, "constraints.%s applies to integer, number and year fields", key);
			if (number_member(c, key, key[1] == 'i' ? &f->has_min : &f->has_max,
					  key[1] == 'i' ? &f->min : &f->max))
				return fail(err, errlen, "constraints.%s must be a number", key);
		} else if (strcmp(key, "minLength") == 0 || strcmp(key, "maxLength") == 0) {
			if (f->type != TF_STRING)
				return fail(err, errlen, "constraints.%s applies to string fields", key);
			if (length_member(c, key, key[1] == 'i' ? &f->min_len : &f->max_len))
				return fail(err, errlen, "constraints.%s must be a whole number, 0 or more", key);
		} else if (strcmp(key, "enum") == 0) {
			size_t n = json_is_array(v) ? json_array_size(v) : 0;
			if (n == 0 || n > 1000)
				return fail(err, errlen, "constraints.%s must be a list of 1 to 1000 values", key);
			f->enums = arena_alloc(a, n * sizeof(*f->enums));
			if (!f->enums)
				return fail(err, errlen, "%s: out of memory", key);
			for (size_t i = 0; i < n; i++) {
				const json_t *e = json_array_get(v, i);
				/* Compared with the cell's canonical text. */
				f->enums[i] = json_is_string(e) ? arena_strdup(a, json_string_value(e))
					    : json_is_integer(e) ? arena_printf(a, "%lld", (long long)json_integer_value(e))
					    : NULL;
				if (!f->enums[i])
					return fail(err, errlen, "constraints.%s holds strings or whole numbers", key);
			}
			f->nenums = (int)n;
		} else {
			(void)s;
			return fail(err, errlen, "constraints.%s is not supported (required, unique, minimum, "
				    "maximum, minLength, maxLength, enum are)", key);
		}
	}
	return 0;
}

static int parse_field(struct tschema *s, int i, const json_t *fj, struct arena *a, char *err, size_t errlen)
{
	struct tfield *f = &s->fields[i];
	const json_t *name = json_object_get(fj, "name"), *type = json_object_get(fj, "type");
	const json_t *cons = json_object_get(fj, "constraints");

	if (!json_is_object(fj))
		return fail(err, errlen, "fields[%s] must be an object", arena_printf(a, "%d", i));
	if (!json_is_string(name) || !name_ok(json_string_value(name)))
		return fail(err, errlen, "fields[%s].name must be 1 to 63 letters, digits or '_', "
			    "starting with a letter or '_'", arena_printf(a, "%d", i));
	f->name = arena_strdup(a, json_string_value(name));
	if (!f->name)
		return fail(err, errlen, "%s: out of memory", "fields");
	if (tschema_field(s, f->name) != i)
		return fail(err, errlen, "field %s appears twice", f->name);
	f->min_len = f->max_len = -1;
	f->type = TF_STRING;
	if (type) {
		size_t t = 0;
		while (t < NTYPES && !(json_is_string(type) && strcmp(json_string_value(type), types[t].name) == 0))
			t++;
		if (t == NTYPES)
			return fail(err, errlen, "field %s: type must be string, integer, number, boolean, "
				    "date, year or yearmonth", f->name);
		f->type = types[t].type;
	}
	if (cons) {
		if (!json_is_object(cons))
			return fail(err, errlen, "field %s: constraints must be an object", f->name);
		if (parse_constraints(s, f, cons, a, err, errlen))
			return -1;
	}
	return 0;
}

static int parse_foreign_keys(struct tschema *s, const json_t *fks, struct arena *a, char *err, size_t errlen)
{
	size_t i;
	const json_t *fk;
	if (!json_is_array(fks))
		return fail(err, errlen, "%s must be a list", "foreignKeys");
	json_array_foreach((json_t *)fks, i, fk) {
		const json_t *ref = json_object_get(fk, "reference");
		const json_t *res = json_object_get(ref, "resource"), *rf = json_object_get(ref, "fields");
		int *idx, n;
		if (field_list(s, json_object_get(fk, "fields"), a, &idx, &n, "foreignKeys[].fields", err, errlen))
			return -1;
		const char *rfname = json_is_string(rf) ? json_string_value(rf)
				   : json_is_array(rf) && json_array_size(rf) == 1
				   ? json_string_value(json_array_get(rf, 0)) : NULL;
		/* The region register is the only table outside a resource that
		 * Satu Data tables may point at. */
		if (n != 1 || !json_is_string(res) || strcmp(json_string_value(res), TSCHEMA_REGION_RESOURCE) != 0 ||
		    !rfname || strcmp(rfname, TSCHEMA_REGION_FIELD) != 0)
			return fail(err, errlen, "foreignKeys: only one field referencing "
				    "{\"resource\": \"%s\", \"fields\": \"kode\"} (the region register) is supported",
				    TSCHEMA_REGION_RESOURCE);
		if (s->fields[idx[0]].type != TF_STRING)
			return fail(err, errlen, "field %s references the region register and must be a string",
				    s->fields[idx[0]].name);
		s->fields[idx[0]].region_ref = true;
		if (s->region_field < 0)
			s->region_field = idx[0];
	}
	return 0;
}

int tschema_parse(const json_t *schema, struct arena *a, struct tschema *out, char *err, size_t errlen)
{
	const json_t *fields = json_object_get(schema, "fields");
	const json_t *mv = json_object_get(schema, "missingValues");
	const json_t *fks = json_object_get(schema, "foreignKeys");

	memset(out, 0, sizeof(*out));
	out->region_field = -1;
	if (!json_is_object(schema))
		return fail(err, errlen, "%s must be an object", "schema");
	size_t n = json_is_array(fields) ? json_array_size(fields) : 0;
	if (n == 0 || n > TSCHEMA_MAX_FIELDS)
		return fail(err, errlen, "schema.fields must be a list of 1 to %s fields",
			    arena_printf(a, "%d", TSCHEMA_MAX_FIELDS));
	out->fields = arena_alloc(a, n * sizeof(*out->fields));
	if (!out->fields)
		return fail(err, errlen, "%s: out of memory", "schema");
	for (size_t i = 0; i < n; i++) {
		out->nfields = (int)i + 1;
		if (parse_field(out, (int)i, json_array_get(fields, i), a, err, errlen))
			return -1;
	}
	if (!json_object_get(schema, "primaryKey"))
		return fail(err, errlen, "%s is required: the fields that identify a row across versions",
			    "schema.primaryKey");
	if (field_list(out, json_object_get(schema, "primaryKey"), a, &out->pk, &out->npk,
		       "schema.primaryKey", err, errlen))
		return -1;
	for (int i = 0; i < out->npk; i++)
		out->fields[out->pk[i]].required = true;
	if (fks && parse_foreign_keys(out, fks, a, err, errlen))
		return -1;

	if (mv) {
		size_t m = json_is_array(mv) ? json_array_size(mv) : 0;
		if (!json_is_array(mv) || m > 16)
			return fail(err, errlen, "%s must be a list of at most 16 strings", "schema.missingValues");
		out->missing = arena_alloc(a, (m ? m : 1) * sizeof(*out->missing));
		for (size_t i = 0; out->missing && i < m; i++) {
			if (!json_is_string(json_array_get(mv, i)))
				return fail(err, errlen, "%s must be a list of at most 16 strings", "schema.missingValues");
			/* The caller may free the schema's JSON: keep copies. */
			if (!(out->missing[i] = arena_strdup(a, json_string_value(json_array_get(mv, i)))))
				return fail(err, errlen, "%s: out of memory", "schema");
		}
		out->nmissing = (int)m;
	} else {
		static const char *const empty[] = { "" };
		out->missing = (const char **)empty;
		out->nmissing = 1;
	}
	return out->missing ? 0 : fail(err, errlen, "%s: out of memory", "schema");
}

/* ---- cells ----------------------------------------------------------------- */

size_t tschema_cell_bufsize(size_t textlen)
{
	return textlen * 7 + 64;
}

/* Valid UTF-8 (no overlongs, no surrogates); *chars gets the code points. */
static bool utf8_check(const char *s, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		unsigned c = *p;
		int extra = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
		if (extra < 0 || (extra == 1 && c < 0xc2) || c > 0xf4)
			return false;
		unsigned cp = extra ? c & (0x3f >> extra) : c;
		for (int i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		p += extra + 1;
		n++;
	}
	*chars = n;
	return true;
}

/* JSON string literal of s into w; returns the end. */
static char *json_quote(char *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	*w++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': *w++ = '\\'; *w++ = '"'; break;
		case '\\': *w++ = '\\'; *w++ = '\\'; break;
		case '\n': *w++ = '\\'; *w++ = 'n'; break;
		case '\r': *w++ = '\\'; *w++ = 'r'; break;
		case '\t': *w++ = '\\'; *w++ = 't'; break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				memcpy(w, "\\u00", 4);
				w[4] = hex[*p >> 4];
				w[5] = hex[*p & 15];
				w += 6;
			} else {
				*w++ = (char)*p;
			}
		}
	}
	*w++ = '"';
	*w = '\0';
	return w;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static bool year_ok(const char *s)
{
	return digits(s, 4) && s[0] != '0';
}

static bool yearmonth_ok(const char *s)
{
	if (!year_ok(s) || s[4] != '-' || !digits(s + 5, 2))
		return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	return m >= 1 && m <= 12;
}

static bool date_ok(const char *s)
{
	if (strlen(s) != 10 || !yearmonth_ok(s) || s[7] != '-' || !digits(s + 8, 2))
		return false;
	int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	return d >= 1 && d <= days_in_month(y, m);
}

bool period_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 4)
		return year_ok(s);
	if (n == 7 && year_ok(s) && s[4] == '-') {
		if (s[5] == 'Q')
			return s[6] >= '1' && s[6] <= '4';
		if (s[5] == 'S')
			return s[6] == '1' || s[6] == '2';
		return yearmonth_ok(s);
	}
	return n == 10 && date_ok(s);
}

bool values_agree(double a, double b, double tolerance)
{
	if (a == b)
		return true;
	if (!(tolerance > 0))
		return false;
	double big = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
	return fabs(a - b) <= tolerance * big;
}

static int cell_error(char *msg, size_t msglen, const char *fmt, const char *text, const char *extra)
{
	char shown[48];
	size_t n = strlen(text);
	if (n >= sizeof(shown))
		snprintf(shown, sizeof(shown), "%.*s...", utf8_cut(text, 40), text);
	else
		snprintf(shown, sizeof(shown), "%s", text);
	snprintf(msg, msglen, fmt, shown, extra ? extra : "");
	return -1;
}

/* Integer text with an optional sign and spaces around it. */
static int parse_integer(const char *s, long long *v)
{
	while (*s == ' ')
		s++;
	char *end;
	errno = 0;
	if (!(*s == '-' || *s == '+' || isdigit((unsigned char)*s)))
		return -1;
	*v = strtoll(s, &end, 10);
	if (errno || end == s || !isdigit((unsigned char)end[-1]))
		return -1;
	while (*end == ' ')
		end++;
	return *end ? -1 : 0;
}

static int check_range(const struct tfield *f, double v, const char *text, char *msg, size_t msglen)
{
	char bound[40];
	if (f->has_min && v < f->min) {
		snprintf(bound, sizeof(bound), "%.15g", f->min);
		return cell_error(msg, msglen, "'%s' is below the minimum %s", text, bound);
	}
	if (f->has_max && v > f->max) {
		snprintf(bound, sizeof(bound), "%.15g", f->max);
		return cell_error(msg, msglen, "'%s' is above the maximum %s", text, bound);
	}
	return 0;
}

int tschema_cell(const struct tschema *s, int fi, const char *text, char *buf, size_t buflen,
		 struct tcell *out, char *msg, size_t msglen)
{
	const struct tfield *f = &s->fields[fi];
	size_t len = strlen(text), chars;
	long long iv;

	if (buflen < tschema_cell_bufsize(len))
		return cell_error(msg, msglen, "'%s' is too long%s", text, NULL);
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < s->nmissing; i++) {
		if (strcmp(text, s->missing[i]) != 0)
			continue;
		if (f->required)
			return cell_error(msg, msglen, "a value is required%s%s", "", NULL);
		out->null = true;
		out->json = "null";
		out->json_len = 4;
		out->text = "";
		return 0;
	}

	char *w = buf, *plain;
	switch (f->type) {
	case TF_STRING:
		if (!utf8_check(text, &chars))
			return cell_error(msg, msglen, "the text is not valid UTF-8%s%s", "", NULL);
		if ((f->min_len >= 0 && chars < (size_t)f->min_len) ||
		    (f->max_len >= 0 && chars > (size_t)f->max_len)) {
			char n[24];
			bool short_ = f->min_len >= 0 && chars < (size_t)f->min_len;
			snprintf(n, sizeof(n), "%ld", short_ ? f->min_len : f->max_len);
			return cell_error(msg, msglen, short_ ? "'%s' is shorter than %s characters"
					  : "'%s' is longer than %s characters", text, n);
		}
		w = json_quote(buf, text);
		plain = w + 1;
		memcpy(plain, text, len + 1);
		break;
	case TF_INTEGER:
		if (parse_integer(text, &iv))
			return cell_error(msg, msglen, "'%s' is not a whole number%s", text, NULL);
		if (check_range(f, (double)iv, text, msg, msglen))
			return -1;
		out->num = (double)iv;
		w = buf + snprintf(buf, buflen, "%lld", iv);
		plain = buf;
		break;
	case TF_NUMBER: {
		const char *t = text;
		while (*t == ' ')
			t++;
		char *end;
		errno = 0;
		double v = strtod(t, &end);
		while (end > t && *end == ' ')
			end++;
		if (end == t || *end || errno == ERANGE || !isfinite(v) || !(isdigit((unsigned char)*t) || *t == '-' ||
									     *t == '+' || *t == '.'))
			return cell_error(msg, msglen, "'%s' is not a number (decimals take a dot: 12.5)%s", text, NULL);
		if (check_range(f, v, text, msg, msglen))
			return -1;
		out->num = v;
		/* The shortest text that reads back as the same double: "1.50",
		 * "1.5" and " 1.5" are one figure. */
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(buf, buflen, "%.*g", prec, v == 0 ? 0.0 : v);
			if (strtod(buf, NULL) == v)
				break;
		}
		w = buf + strlen(buf);
		plain = buf;
		break;
	}
	case TF_BOOLEAN:
		if (strcmp(text, "true") == 0 || strcmp(text, "True") == 0 || strcmp(text, "TRUE") == 0 ||
		    strcmp(text, "1") == 0)
			memcpy(buf, "true", 5);
		else if (strcmp(text, "false") == 0 || strcmp(text, "False") == 0 || strcmp(text, "FALSE") == 0 ||
			 strcmp(text, "0") == 0)
			memcpy(buf, "false", 6);
		else
			return cell_error(msg, msglen, "'%s' is not true or false%s", text, NULL);
		w = buf + strlen(buf);
		plain = buf;
		break;
	case TF_DATE:
	case TF_YEARMONTH:
		if (f->type == TF_DATE ? !date_ok(text) : !(len == 7 && yearmonth_ok(text)))
			return cell_error(msg, msglen, f->type == TF_DATE ? "'%s' is not a date (YYYY-MM-DD)%s"
					  : "'%s' is not a month (YYYY-MM)%s", text, NULL);
		w = json_quote(buf, text);
		plain = w + 1;
		memcpy(plain, text, len + 1);
		break;
	case TF_YEAR:
		if (!(len == 4 && year_ok(text)))
			return cell_error(msg, msglen, "'%s' is not a year (YYYY)%s", text, NULL);
		out->num = atoi(text);
		if (check_range(f, out->num, text, msg, msglen))
			return -1;
		memcpy(buf, text, len + 1);
		w = buf + len;
		plain = buf;
		break;
	default:
		return cell_error(msg, msglen, "'%s' has a field type this server does not know%s", text, NULL);
	}
	out->json = buf;
	out->json_len = (size_t)(w - buf);
	out->text = plain;
	if (f->nenums) {
		int i = 0;
		while (i < f->nenums && strcmp(f->enums[i], plain) != 0)
			i++;
		if (i == f->nenums)
			return cell_error(msg, msglen, "'%s' is not one of the allowed values%s", text, NULL);
	}
	return 0;
}
