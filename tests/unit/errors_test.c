/* errors_test.c - the error-code registry and the Accept-Language choice
 * (src/core/errors.c). Which codes the server emits is checked against the
 * source by tests/api/error_codes.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "errors.h"

static void test_languages(void **state)
{
	(void)state;
	assert_int_equal(lang_from_accept(NULL), LANG_EN);
	assert_int_equal(lang_from_accept(""), LANG_EN);
	assert_int_equal(lang_from_accept("id"), LANG_ID);
	assert_int_equal(lang_from_accept("ID"), LANG_ID);
	assert_int_equal(lang_from_accept("en"), LANG_EN);
	assert_int_equal(lang_from_accept("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7"), LANG_ID);
	assert_int_equal(lang_from_accept("en-US,en;q=0.9,id;q=0.8"), LANG_EN);
	assert_int_equal(lang_from_accept("en;q=0.5, id;q=0.9"), LANG_ID);
	assert_int_equal(lang_from_accept("fr-FR, de;q=0.9, id;q=0.2"), LANG_ID);
	assert_int_equal(lang_from_accept("fr-FR, de;q=0.9"), LANG_EN);
	assert_int_equal(lang_from_accept("ind"), LANG_EN);	/* not the tag id */
	assert_int_equal(lang_from_accept("id;q=0"), LANG_EN);	/* "not Indonesian" */
	assert_int_equal(lang_from_accept("*"), LANG_EN);
}

static void test_every_entry_has_both_texts(void **state)
{
	(void)state;
	int n = 0;
	for (const struct error_text *e = error_texts; e->code; e++, n++) {
		assert_non_null(e->en);
		assert_non_null(e->id);
		assert_true(strlen(e->en) > 3 && strlen(e->id) > 3);
		assert_true(strcmp(e->en, e->id) != 0);
		assert_ptr_equal(error_text_find(e->code), e);
		if (e->id_field) {
			const char *p = strchr(e->id_field, '%');
			assert_non_null(p);
			assert_int_equal(p[1], 's');
			assert_null(strchr(p + 1, '%'));
		}
	}
	assert_true(n >= 30);
	assert_null(error_text_find("no_such_code"));
	assert_null(error_text_find(NULL));
}

static void test_indonesian_names_the_field(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	assert_string_equal(error_text_id(a, "invalid", "email"), "Isian “email” tidak valid.");
	assert_string_equal(error_text_id(a, "invalid", NULL), "Ada isian yang tidak valid.");
	assert_string_equal(error_text_id(a, "not_found", "id"), "Data tidak ditemukan.");
	assert_string_equal(error_text_id(a, "storage_full", NULL),
			    "Penyimpanan server penuh; tidak ada yang tersimpan, silakan coba lagi nanti.");
	assert_null(error_text_id(a, "no_such_code", NULL));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_every_entry_has_both_texts),
		cmocka_unit_test(test_indonesian_names_the_field),
	};
	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
