/* tableschema_test.c - Satu Data's Table Schema: parsing, cell checks and
 * canonical forms, periods, tolerance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "data/tableschema.h"
#include "validate.h"

static const char *good_schema =
	"{\"fields\":[{\"name\":\"kode_wilayah\",\"type\":\"string\"},"
	"{\"name\":\"tahun\",\"type\":\"year\"},"
	"{\"name\":\"jumlah\",\"type\":\"integer\",\"constraints\":{\"minimum\":0,\"maximum\":1000}},"
	"{\"name\":\"rasio\",\"type\":\"number\"},"
	"{\"name\":\"aktif\",\"type\":\"boolean\"},"
	"{\"name\":\"tanggal\",\"type\":\"date\"},"
	"{\"name\":\"bulan\",\"type\":\"yearmonth\"},"
	"{\"name\":\"kelas\",\"type\":\"string\",\"constraints\":{\"enum\":[\"A\",\"B\"],\"maxLength\":1}},"
	"{\"name\":\"nama\",\"constraints\":{\"required\":true,\"minLength\":2}}],"
	"\"primaryKey\":[\"kode_wilayah\",\"tahun\"],"
	"\"missingValues\":[\"\",\"-\"],"
	"\"foreignKeys\":[{\"fields\":\"kode_wilayah\",\"reference\":{\"resource\":\"wilayah\",\"fields\":\"kode\"}}]}";

static int parse(struct arena *a, const char *text, struct tschema *s, char *err)
{
	json_t *j = json_loads(text, 0, NULL);
	int rc = tschema_parse(j, a, s, err, 200);
	json_decref(j);
	return rc;
}

static void parses_a_schema(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	struct tschema s;
	char err[200];
	assert_int_equal(parse(a, good_schema, &s, err), 0);
	assert_int_equal(s.nfields, 9);
	assert_int_equal(s.npk, 2);
	assert_int_equal(s.pk[1], 1);
	assert_int_equal(s.region_field, 0);
	assert_true(s.fields[0].region_ref);
	assert_true(s.fields[0].required);	/* primary key fields are required */
	assert_int_equal(s.fields[2].type, TF_INTEGER);
	assert_int_equal(s.fields[8].type, TF_STRING);	/* the default type */
	assert_int_equal(tschema_field(&s, "rasio"), 3);
	assert_int_equal(tschema_field(&s, "nope"), -1);
	assert_string_equal(tschema_ckan_type(TF_NUMBER), "numeric");
	arena_free(a);
}

static void refuses_bad_schemas(void **state)
{
	(void)state;
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "{\"fields\":[]}", "1 to" },
		{ "{\"fields\":[{\"name\":\"a\",\"type\":\"float\"}],\"primaryKey\":\"a\"}", "type must be" },
		{ "{\"fields\":[{\"name\":\"a\"},{\"name\":\"a\"}],\"primaryKey\":\"a\"}", "twice" },
		{ "{\"fields\":[{\"name\":\"a b\"}],\"primaryKey\":\"a b\"}", "letters" },
		{ "{\"fields\":[{\"name\":\"a\"}]}", "primaryKey is required" },
		{ "{\"fields\":[{\"name\":\"a\"}],\"primaryKey\":\"b\"}", "not a field" },
		{ "{\"fields\":[{\"name\":\"a\",\"constraints\":{\"pattern\":\"x\"}}],\"primaryKey\":\"a\"}", "not supported" },
		{ "{\"fields\":[{\"name\":\"a\",\"constraints\":{\"minimum\":1}}],\"primaryKey\":\"a\"}", "applies to" },
		{ "{\"fields\":[{\"name\":\"a\"}],\"primaryKey\":\"a\",\"foreignKeys\":[{\"fields\":\"a\","
		  "\"reference\":{\"resource\":\"other\",\"fields\":\"id\"}}]}", "region register" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct arena *a = arena_new(4096);
		struct tschema s;
		char err[200];
		assert_int_equal(parse(a, bad[i].text, &s, err), -1);
		if (!strstr(err, bad[i].says))
			fail_msg("schema %zu: '%s' does not say '%s'", i, err, bad[i].says);
		arena_free(a);
	}
}

/* Check text against field f: 0 and the canonical JSON in json, or -1
 * and the message in json. */
static int cell(const struct tschema *s, int f, const char *text, char json[200])
{
	char buf[512], msg[200];
	struct tcell c;
	if (tschema_cell(s, f, text, buf, sizeof(buf), &c, msg, sizeof(msg))) {
		strcpy(json, msg);
		return -1;
	}
	memcpy(json, c.json, c.json_len);
	json[c.json_len] = '\0';
	return 0;
}

static void checks_and_canonicalises_cells(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	struct tschema s;
	char err[200], out[200];
	assert_int_equal(parse(a, good_schema, &s, err), 0);
	static const struct {
		int field;
		const char *text, *json;	/* json NULL: refused */
	} cases[] = {
		{ 0, "33.03", "\"33.03\"" },
		{ 0, "", NULL },			/* required (primary key) */
		{ 1, "2025", "2025" },
		{ 1, "25", NULL },
		{ 2, "012", "12" },
		{ 2, " 7 ", "7" },
		{ 2, "-1", NULL },			/* minimum 0 */
		{ 2, "1001", NULL },			/* maximum 1000 */
		{ 2, "1.5", NULL },
		{ 2, "abc", NULL },
		{ 2, "-", "null" },			/* a missing value */
		{ 3, "1.50", "1.5" },
		{ 3, "56835.019", "56835.019" },
		{ 3, "1e3", "1000" },
		{ 3, "12,5", NULL },
		{ 3, "nan", NULL },
		{ 4, "TRUE", "true" },
		{ 4, "0", "false" },
		{ 4, "ya", NULL },
		{ 5, "2024-02-29", "\"2024-02-29\"" },
		{ 5, "2023-02-29", NULL },
		{ 5, "2024-13-01", NULL },
		{ 6, "2024-03", "\"2024-03\"" },
		{ 6, "2024-00", NULL },
		{ 7, "A", "\"A\"" },
		{ 7, "C", NULL },
		{ 8, "Bukateja \"Kota\"", "\"Bukateja \\\"Kota\\\"\"" },
		{ 8, "a\tb", "\"a\\tb\"" },
		{ 8, "x", NULL },			/* minLength 2 */
		{ 8, "\xc3\x28", NULL },		/* not UTF-8 */
		{ 8, "", NULL },			/* required */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = cell(&s, cases[i].field, cases[i].text, out);
		if (cases[i].json == NULL && rc == 0)
			fail_msg("case %zu: '%s' accepted as %s", i, cases[i].text, out);
		if (cases[i].json && (rc != 0 || strcmp(out, cases[i].json) != 0))
			fail_msg("case %zu: '%s' gave %s, want %s", i, cases[i].text, out, cases[i].json);
	}
	assert_int_equal(cell(&s, 2, "abc", out), -1);
	assert_non_null(strstr(out, "'abc' is not a whole number"));
	/* A long refused value is quoted cut short, never inside a character
	 * (the CSV fuzz target's find: a BOM across byte 40). */
	assert_int_equal(cell(&s, 2, "03.0,1.5,true,2024-03-31,2024,202-03-02\xef\xbb\xbf" "a.03.02", out), -1);
	assert_true(utf8_valid(out));
	assert_non_null(strstr(out, "202-03-02...' is not a whole number"));
	arena_free(a);
}

static void periods_and_tolerance(void **state)
{
	(void)state;
	const char *good[] = { "2024", "2024-03", "2024-12", "2024-Q1", "2024-Q4", "2024-S2", "2024-02-29" };
	const char *bad[] = { "24", "2024-13", "2024-Q5", "2024-S3", "2023-02-29", "2024/03", "0999", "2024-3", "" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!period_valid(good[i]))
			fail_msg("%s refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (period_valid(bad[i]))
			fail_msg("%s accepted", bad[i]);
	assert_true(values_agree(100, 100, 0));
	assert_false(values_agree(100, 101, 0));
	assert_true(values_agree(1000, 1005, 0.01));
	assert_false(values_agree(1000, 1020, 0.01));
	assert_true(values_agree(-50, -50.4, 0.01));
	assert_false(values_agree(0, 1, 0.5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_schema),
		cmocka_unit_test(refuses_bad_schemas),
		cmocka_unit_test(checks_and_canonicalises_cells),
		cmocka_unit_test(periods_and_tolerance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
