/* phone_test.c - numbers normalised to E.164 (src/core/phone.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "phone.h"

static void same(const char *in, const char *want)
{
	struct arena *a = arena_new(1024);
	const char *got = phone_e164(a, in);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	arena_free(a);
}

static void test_indonesian_ways(void **state)
{
	(void)state;
	same("081234567890", "+6281234567890");
	same("0812-3456-7890", "+6281234567890");
	same("0812 3456 7890", "+6281234567890");
	same("(0281) 891234", "+62281891234");
	same("6281234567890", "+6281234567890");
	same("62 812.3456.7890", "+6281234567890");
	same("+62 812 3456 7890", "+6281234567890");
	same("+62 (0)812 3456 7890", "+6281234567890");
	same("  +6281234567890", "+6281234567890");
}

static void test_other_countries_need_plus(void **state)
{
	(void)state;
	same("+31 20 123 4567", "+31201234567");
	same("+447911123456", "+447911123456");
	same("31201234567", NULL);
	same("81234567890", NULL);
}

static void test_refused(void **state)
{
	(void)state;
	same(NULL, NULL);
	same("", NULL);
	same("+", NULL);
	same("0812", NULL);
	same("0812345", NULL);			/* 7 national digits */
	same("0812345678901234", NULL);	/* 15 national digits: 17 with 62 */
	same("081234567890123", NULL);	/* 14: one more than E.164 holds */
	same("08123456789012", "+628123456789012");
	same("+6200812345678", NULL);
	same("0812 3456 78x0", NULL);
	same("0812+34567890", NULL);
	same("+0812345678", NULL);
	same("+1234567", NULL);
	same("0812\n34567890", NULL);
	same("+1234567890123456", NULL);	/* 16 digits */
	same("00000000000000000000000000000000000000", NULL);
}

static void test_wa_id(void **state)
{
	(void)state;
	struct arena *a = arena_new(1024);
	assert_string_equal(phone_from_wa_id(a, "6281234567890"), "+6281234567890");
	assert_string_equal(phone_from_wa_id(a, "447911123456"), "+447911123456");
	assert_null(phone_from_wa_id(a, "+6281234567890"));
	assert_null(phone_from_wa_id(a, "62 812"));
	assert_null(phone_from_wa_id(a, ""));
	assert_null(phone_from_wa_id(a, NULL));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_indonesian_ways),
		cmocka_unit_test(test_other_countries_need_plus),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_wa_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
