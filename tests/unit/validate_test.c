/* validate_test.c - JSON bodies against declared fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "validate.h"

static const struct field fields[] = {
	{ "name", FT_STRING, FF_REQUIRED, 5 },
	{ "age", FT_INT, 0, 0 },
	{ "ok", FT_BOOL, 0, 0 },
	{ "note", FT_STRING, FF_NULLABLE, 0 },
	{ "tags", FT_ARRAY, 0, 0 },
	{ 0 },
};

/* err->field points into the body (or the field table), so the body is
 * kept until the next check: tests read err after check returns. */
static int check(const char *text, struct body_error *err)
{
	static json_t *body;
	json_decref(body);
	body = json_loads(text, 0, NULL);
	assert_non_null(body);
	return body_validate(body, fields, err);
}

static void test_valid(void **state)
{
	(void)state;
	struct body_error e;
	assert_int_equal(check("{\"name\":\"Ani\",\"age\":3,\"ok\":true,\"note\":null,\"tags\":[]}", &e), 0);
	/* five characters, ten bytes: the limit counts characters */
	assert_int_equal(check("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", &e), 0);
}

static void test_unknown_field(void **state)
{
	(void)state;
	struct body_error e;
	assert_int_equal(check("{\"name\":\"Ani\",\"role\":\"admin\"}", &e), -1);
	assert_string_equal(e.code, "unknown_field");
	assert_string_equal(e.field, "role");
	/* A long unknown name is quoted whole characters only (the fuzzer's
	 * find: 57 ASCII bytes, then two-byte characters across byte 60). */
	assert_int_equal(check("{\"kBt||||||||||2|||||||<||||||||||||||||||||||||||||exdkwoy\xde\x94\xde\x94\":\"0\"}", &e), -1);
	assert_true(utf8_valid(e.message));
	assert_true(utf8_valid(e.pesan));
}

static void test_wrong_types(void **state)
{
	(void)state;
	struct body_error e;
	assert_int_equal(check("{\"name\":5}", &e), -1);
	assert_string_equal(e.code, "invalid");
	assert_string_equal(e.field, "name");
	assert_int_equal(check("{\"name\":\"A\",\"age\":1.5}", &e), -1);
	assert_string_equal(e.field, "age");
	assert_int_equal(check("{\"name\":\"A\",\"ok\":\"yes\"}", &e), -1);
	assert_string_equal(e.field, "ok");
	assert_int_equal(check("{\"name\":null}", &e), -1);
	assert_string_equal(e.field, "name");
}

static void test_missing_and_too_long(void **state)
{
	(void)state;
	struct body_error e;
	assert_int_equal(check("{\"age\":1}", &e), -1);
	assert_string_equal(e.field, "name");
	assert_non_null(strstr(e.message, "required"));
	assert_int_equal(check("{\"name\":\"abcdef\"}", &e), -1);
	assert_string_equal(e.field, "name");
	assert_non_null(strstr(e.message, "5 characters"));
}

static void test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("J\xc3\xa9r\xc3\xb4me"), 6);
	assert_int_equal(utf8_length("\xf0\x9f\x99\x82"), 1);
}

/* What JSON may carry: overlong forms, surrogates, code points past
 * U+10FFFF and cut sequences are not text. */
static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid(""));
	assert_true(utf8_valid("J\xc3\xa9r\xc3\xb4me \xe2\x80\x94 \xf0\x9f\x99\x82"));
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf"));
	assert_false(utf8_valid("\xff"));
	assert_false(utf8_valid("a\xc3"));
	assert_false(utf8_valid("\xc0\xaf"));
	assert_false(utf8_valid("\xe0\x80\xaf"));
	assert_false(utf8_valid("\xed\xa0\x80"));
	assert_false(utf8_valid("\xf4\x90\x80\x80"));
	assert_false(utf8_valid("\x80"));
	const unsigned char *p = (const unsigned char *)"\xc3\xa9x";
	assert_int_equal(utf8_next(&p), 0xe9);
	assert_int_equal(utf8_next(&p), 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_missing_and_too_long),
		cmocka_unit_test(test_utf8_length),
		cmocka_unit_test(test_utf8_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
