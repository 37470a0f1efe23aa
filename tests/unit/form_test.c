/* form_test.c - application/x-www-form-urlencoded and multipart/form-data
 * decoding (src/core/form.c). */
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

static enum form_error multipart(void **state, const char *type, const char *body, size_t len, struct form *f)
{
	return form_parse_multipart(*state, type, body, len, f);
}

static void test_multipart_fields_and_file(void **state)
{
	static const char body[] = "preamble\r\n--b0undary\r\n"
				   "Content-Disposition: form-data; name=\"service_code\"\r\n\r\nJALAN\r\n"
				   "--b0undary\r\ncontent-disposition: form-data; name=\"description\"\r\n\r\n"
				   "Jalan rusak\r\n--b0und ditengah\r\n"
				   "--b0undary\r\nContent-Disposition: form-data; name=\"media\"; filename=\"f.png\"\r\n"
				   "Content-Type: image/png\r\n\r\n\x89PNG\0\r\nxy\r\n--b0undary--\r\n";
	struct form f;
	assert_int_equal(multipart(state, "multipart/form-data; boundary=\"b0undary\"", body, sizeof(body) - 1, &f),
			 FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "service_code"), "JALAN");
	/* what only starts like the delimiter is content */
	assert_string_equal(form_get(&f, "description"), "Jalan rusak\r\n--b0und ditengah");
	assert_int_equal(f.nfiles, 1);
	const struct form_file *m = form_file_get(&f, "media");
	assert_non_null(m);
	assert_string_equal(m->filename, "f.png");
	assert_string_equal(m->type, "image/png");
	assert_int_equal(m->len, 9);
	assert_memory_equal(m->data, "\x89PNG\0\r\nxy", 9);
	assert_null(form_file_get(&f, "description"));
}

static void test_multipart_refusals(void **state)
{
	struct form f;
	static const char ok[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--";
	assert_int_equal(multipart(state, "multipart/form-data; boundary=b", ok, sizeof(ok) - 1, &f), FORM_OK);
	assert_int_equal(multipart(state, "multipart/form-data", ok, sizeof(ok) - 1, &f), FORM_BAD_MULTIPART);
	assert_int_equal(multipart(state, "multipart/form-data; boundary=c", ok, sizeof(ok) - 1, &f), FORM_BAD_MULTIPART);
	/* cut short: no closing delimiter after the part */
	assert_int_equal(multipart(state, "multipart/form-data; boundary=b", ok, 40, &f), FORM_BAD_MULTIPART);
	static const char noname[] = "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--";
	assert_int_equal(multipart(state, "multipart/form-data; boundary=b", noname, sizeof(noname) - 1, &f),
			 FORM_BAD_MULTIPART);
	static const char nul[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\0002\r\n--b--";
	assert_int_equal(multipart(state, "multipart/form-data; boundary=b", nul, sizeof(nul) - 1, &f), FORM_NUL);
	static const char utf[] = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc3\x28\r\n--b--";
	assert_int_equal(multipart(state, "multipart/form-data; boundary=b", utf, sizeof(utf) - 1, &f), FORM_BAD_UTF8);
	assert_string_equal(form_error_message(FORM_BAD_MULTIPART),
			    "the multipart body is not framed by the boundary its Content-Type names");
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
		cmocka_unit_test_setup_teardown(test_multipart_fields_and_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multipart_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
