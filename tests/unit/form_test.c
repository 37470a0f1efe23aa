/* form_test.c - application/x-www-form-urlencoded decoding (src/core/form.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "form.h"

static int setup(void **state)
{
	*state = arena_new(4096);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static enum form_error parse(void **state, const char *body, struct form *f)
{
	return form_parse(*state, body, strlen(body), f);
}

static void test_pairs_in_order(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "service_code=JALAN&lat=-7.39&long=109.36", &f), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.fields[0].name, "service_code");
	assert_string_equal(f.fields[0].value, "JALAN");
	assert_string_equal(f.fields[2].name, "long");
	assert_string_equal(form_get(&f, "lat"), "-7.39");
	assert_null(form_get(&f, "address_string"));
}

static void test_plus_and_percent(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "description=Jalan+berlubang%2C+dekat+pasar%21&attribute%5Bkind%5D=complaint", &f),
			 FORM_OK);
	assert_string_equal(form_get(&f, "description"), "Jalan berlubang, dekat pasar!");
	assert_string_equal(form_get(&f, "attribute[kind]"), "complaint");
}

static void test_utf8_escapes(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "name=Jos%C3%A9&x=%E2%82%AC", &f), FORM_OK);
	assert_string_equal(form_get(&f, "name"), "Jos\xc3\xa9");
	assert_string_equal(form_get(&f, "x"), "\xe2\x82\xac");
}

static void test_empty_and_valueless(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "", &f), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(parse(state, "a=1&&b&c=", &f), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "b"), "");
	assert_string_equal(form_get(&f, "c"), "");
	assert_int_equal(parse(state, "&&", &f), FORM_OK);
	assert_int_equal(f.n, 0);
}

static void test_repeats_keep_first(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "a=1&a=2", &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(f.fields[1].value, "2");
}

static void test_bad_escapes(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "a=%", &f), FORM_BAD_ESCAPE);
	assert_int_equal(parse(state, "a=%4", &f), FORM_BAD_ESCAPE);
	assert_int_equal(parse(state, "a=%zz", &f), FORM_BAD_ESCAPE);
	assert_int_equal(parse(state, "%g0=1", &f), FORM_BAD_ESCAPE);
	assert_int_equal(parse(state, "a=100%25", &f), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "100%");
}

static void test_nul_refused(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "a=x%00y", &f), FORM_NUL);
	assert_int_equal(form_parse(*state, "a=x\0y", 5, &f), FORM_NUL);
}

static void test_bad_utf8_refused(void **state)
{
	struct form f;
	assert_int_equal(parse(state, "a=%C3", &f), FORM_BAD_UTF8);		/* cut short */
	assert_int_equal(parse(state, "a=%C0%AF", &f), FORM_BAD_UTF8);		/* overlong '/' */
	assert_int_equal(parse(state, "a=%ED%A0%80", &f), FORM_BAD_UTF8);	/* surrogate */
	assert_int_equal(parse(state, "a=%FF", &f), FORM_BAD_UTF8);
	assert_int_equal(parse(state, "a=\xc3(", &f), FORM_BAD_UTF8);
}

static void test_not_nul_terminated(void **state)
{
	struct form f;
	const char body[] = "a=1&b=2XXXX";
	assert_int_equal(form_parse(*state, body, 7, &f), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "b"), "2");
}

static void test_too_many(void **state)
{
	char body[FORM_MAX_FIELDS * 4 + 8];
	size_t n = 0;
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%sa=", i ? "&" : "");
	struct form f;
	assert_int_equal(form_parse(*state, body, n, &f), FORM_TOO_MANY);
	assert_int_equal(form_parse(*state, body, n - 4, &f), FORM_OK);
	assert_int_equal(f.n, FORM_MAX_FIELDS);
}

static void test_messages(void **state)
{
	(void)state;
	assert_true(strlen(form_error_message(FORM_BAD_UTF8)) > 0);
	assert_true(strlen(form_error_message(FORM_NUL)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pairs_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plus_and_percent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_valueless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeats_keep_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_utf8_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_nul_terminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
