/* tableschema.h - Frictionless Table Schema for Satu Data tables: parsing a
 * schema, checking one cell against its field, and the period grammar.
 *
 * Pure code (no database): the importer asks the region register about
 * kode_wilayah values itself.  Cells come back canonical - the JSON text
 * that is stored and served - so the same value written "012", "12" or
 * " 12" is one value, and a version diff compares what was meant.
 */
#ifndef PENDOPO_DATA_TABLESCHEMA_H
#define PENDOPO_DATA_TABLESCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct arena;

enum tfield_type {
	TF_STRING,
	TF_INTEGER,
	TF_NUMBER,
	TF_BOOLEAN,
	TF_DATE,	/* YYYY-MM-DD */
	TF_YEAR,	/* YYYY, served as a number */
	TF_YEARMONTH,	/* YYYY-MM */
};

struct tfield {
	const char *name;
	enum tfield_type type;
	bool required, unique;
	bool has_min, has_max;
	double min, max;		/* integer, number, year */
	long min_len, max_len;		/* string; -1 when absent */
	const char **enums;		/* allowed canonical values, or NULL */
	int nenums;
	bool region_ref;		/* a foreign key into the region register */
};

struct tschema {
	struct tfield *fields;
	int nfields;
	int *pk;			/* field indexes of the primary key */
	int npk;
	const char **missing;		/* texts that mean "no value"; default "" */
	int nmissing;
	int region_field;		/* first field referencing the register, or -1 */
};

/* The name of the region register as a foreign-key target:
 * {"fields": "kode_wilayah", "reference": {"resource": "wilayah", "fields": "kode"}}. */
#define TSCHEMA_REGION_RESOURCE "wilayah"
#define TSCHEMA_REGION_FIELD "kode"
#define TSCHEMA_MAX_FIELDS 64

/* Parse and check a schema object.  0 ok; -1 with a message in err. */
int tschema_parse(const json_t *schema, struct arena *a, struct tschema *out, char *err, size_t errlen);

/* Field index by name, or -1. */
int tschema_field(const struct tschema *s, const char *name);

/* The CKAN datastore type of a field ("text", "int", "numeric", ...). */
const char *tschema_ckan_type(enum tfield_type t);
const char *tschema_type_name(enum tfield_type t);

/* A checked cell.  json points into the caller's buffer. */
struct tcell {
	bool null;
	double num;			/* integer, number, year */
	const char *json;		/* canonical JSON text; "null" when null */
	size_t json_len;
	const char *text;		/* canonical plain text (CSV, keys); "" when null */
};

/* Check text against field f.  buf (at least 2 * strlen(text) + 32 bytes,
 * see tschema_cell_bufsize) receives the canonical forms.  0 ok; -1 with a
 * message in msg (the value is quoted there, shortened). */
int tschema_cell(const struct tschema *s, int f, const char *text, char *buf, size_t buflen,
		 struct tcell *out, char *msg, size_t msglen);
size_t tschema_cell_bufsize(size_t textlen);

/* Periods are 2024, 2024-03, 2024-03-31, 2024-Q1 or 2024-S1. */
bool period_valid(const char *s);

/* Two figures agree when they differ by at most tolerance (a fraction,
 * 0 = exactly) of the larger magnitude. */
bool values_agree(double a, double b, double tolerance);

#endif
