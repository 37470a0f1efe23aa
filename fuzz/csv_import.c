/* csv_import.c - fuzz target: a Satu Data import.  An input starting with
 * '{' is a Table Schema (parsed and checked); anything else is a CSV file
 * read record by record, each cell checked against a schema with a field
 * of every type, as the importer does.  A refused cell's message must be
 * UTF-8, since the import's error report quotes it. */
#include "fuzz.h"
#include "csv.h"
#include "data/tableschema.h"
#include "validate.h"

static const char schema_text[] =
	"{\"fields\":["
	"{\"name\":\"kode_wilayah\",\"type\":\"string\",\"constraints\":{\"required\":true}},"
	"{\"name\":\"n\",\"type\":\"integer\",\"constraints\":{\"minimum\":0,\"maximum\":1000000}},"
	"{\"name\":\"x\",\"type\":\"number\"},"
	"{\"name\":\"ok\",\"type\":\"boolean\"},"
	"{\"name\":\"d\",\"type\":\"date\"},"
	"{\"name\":\"y\",\"type\":\"year\"},"
	"{\"name\":\"ym\",\"type\":\"yearmonth\"},"
	"{\"name\":\"k\",\"type\":\"string\",\"constraints\":{\"enum\":[\"a\",\"b\"],\"maxLength\":3}}],"
	"\"primaryKey\":[\"kode_wilayah\",\"y\"],\"missingValues\":[\"\",\"-\"]}";

static void import_csv(struct arena *a, const struct tschema *s, const uint8_t *data, size_t size)
{
	char *buf = arena_alloc(a, size + 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	struct csv c;
	csv_init(&c, buf, size);
	char *fields[TSCHEMA_MAX_FIELDS];
	int n;
	while ((n = csv_next(&c, fields, TSCHEMA_MAX_FIELDS)) > 0) {
		for (int i = 0; i < n && i < s->nfields; i++) {
			size_t len = tschema_cell_bufsize(strlen(fields[i]));
			char *cellbuf = arena_alloc(a, len);
			char msg[256];
			struct tcell cell;
			if (!cellbuf)
				abort();
			if (tschema_cell(s, i, fields[i], cellbuf, len, &cell, msg, sizeof msg) != 0 && !utf8_valid(msg) &&
			    utf8_valid(fields[i]))
				abort();
		}
	}
	if (n != CSV_END && n != CSV_EQUOTE && n != CSV_EFIELDS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(65536);
	if (!a)
		abort();
	struct tschema s;
	char err[256];
	if (size > 0 && data[0] == '{') {
		json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
		if (j && tschema_parse(j, a, &s, err, sizeof err) != 0 && !utf8_valid(err))
			abort();
		json_decref(j);
	} else {
		json_t *j = json_loads(schema_text, 0, NULL);
		if (!j || tschema_parse(j, a, &s, err, sizeof err) != 0)
			abort();
		import_csv(a, &s, data, size);
		json_decref(j);
	}
	arena_free(a);
	return 0;
}
