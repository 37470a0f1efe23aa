/* nik_test.c - NIK, BPJS card and region code checks (src/core/nik.c).
 *
 * Region existence comes from a small list handed through the callback's
 * context, as a caller backed by the regions table would do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nik.h"

struct regions {
	const char *const *codes;
	int calls;
};

static const char *const known[] = {
	"31", "31.71", "31.71.01", "33", "33.03", "33.03.01", NULL,
};

static int region_exists(void *ctx, const char *kode)
{
	struct regions *r = ctx;
	r->calls++;
	for (size_t i = 0; r->codes[i]; i++)
		if (strcmp(r->codes[i], kode) == 0)
			return 1;
	return 0;
}

static enum nik_error check(const char *nik, struct nik_info *out)
{
	struct regions r = {known, 0};
	return nik_check(nik, region_exists, &r, out);
}

/* Day number of a UTC date, computed independently of nik.c's path. */
static int32_t day_of(int y, int m, int d)
{
	struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int32_t)(timegm(&t) / 86400);
}

static void test_spec_vectors(void **state)
{
	(void)state;
	struct nik_info info;
	assert_int_equal(check("3171011708450001", &info), NIK_OK);
	assert_string_equal(info.province, "31");
	assert_string_equal(info.regency, "31.71");
	assert_string_equal(info.district, "31.71.01");
	assert_int_equal(info.birth_day, -8903);	/* 1945-08-17 */
	assert_false(info.female);
	assert_int_equal(info.serial, 1);

	assert_int_equal(check("9971011708450001", NULL), NIK_BAD_PROVINCE);
	assert_int_equal(check("3171013002001234", NULL), NIK_BAD_DATE);

	assert_int_equal(check("3171015708450001", &info), NIK_OK);
	assert_true(info.female);
	assert_int_equal(info.birth_day, day_of(1945, 8, 17));
	assert_int_equal(info.serial, 1);
}

static void test_regions_are_dotted_and_checked_in_order(void **state)
{
	(void)state;
	assert_int_equal(check("3199011708450001", NULL), NIK_BAD_REGENCY);
	assert_int_equal(check("3171991708450001", NULL), NIK_BAD_DISTRICT);
	/* regency 03 exists under 33 only: codes are looked up whole */
	assert_int_equal(check("3103011708450001", NULL), NIK_BAD_REGENCY);
	/* region before date, date before serial */
	assert_int_equal(check("9971013002000000", NULL), NIK_BAD_PROVINCE);
	assert_int_equal(check("3171013002000000", NULL), NIK_BAD_DATE);

	struct regions r = {known, 0};
	assert_int_equal(nik_check("3171021708450001", region_exists, &r, NULL), NIK_BAD_DISTRICT);
	assert_int_equal(r.calls, 3);

	/* no callback: syntax and date only */
	struct nik_info info;
	assert_int_equal(nik_check("9971011708450001", NULL, NULL, &info), NIK_OK);
	assert_string_equal(info.district, "99.71.01");
}

static void test_wrong_length_and_non_digits(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", "317101170845000", "31710117084500011", "3171011708450001 ",
		" 3171011708450001", "31710117084500a1", "3171-01170845001", "3171011708450O01",
		"31.71.01.170845000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (check(bad[i], NULL) != NIK_BAD_LENGTH)
			fail_msg("\"%s\" not refused for its length/digits", bad[i]);
	}
	assert_int_equal(check(NULL, NULL), NIK_BAD_LENGTH);
}

static void test_serial(void **state)
{
	(void)state;
	struct nik_info info = {.serial = -7};
	assert_int_equal(check("3171011708450000", &info), NIK_BAD_SERIAL);
	assert_int_equal(info.serial, -7);	/* out is left alone on error */
	assert_int_equal(check("3171011708459999", &info), NIK_OK);
	assert_int_equal(info.serial, 9999);
}

static void test_dates(void **state)
{
	(void)state;
	struct nik_info info;
	assert_int_equal(check("3171010101000001", &info), NIK_OK);
	assert_int_equal(info.birth_day, day_of(2000, 1, 1));
	assert_int_equal(check("3171012902000001", &info), NIK_OK);	/* 2000 is leap */
	assert_int_equal(info.birth_day, day_of(2000, 2, 29));
	assert_int_equal(check("3171016902000001", &info), NIK_OK);
	assert_true(info.female);
	assert_int_equal(info.birth_day, day_of(2000, 2, 29));
	assert_int_equal(check("3171017112990001", &info), NIK_OK);	/* woman, 31 Dec 1999 */
	assert_true(info.female);
	assert_int_equal(info.birth_day, day_of(1999, 12, 31));

	static const char *bad[] = {
		"3171012902010001",	/* 2001 is not leap */
		"3171010001000001",	/* day 00 */
		"3171013201000001",	/* day 32 */
		"3171014001000001",	/* 40: neither a man's nor a woman's day */
		"3171017201000001",	/* woman, day 32 */
		"3171010100000001",	/* month 00 */
		"3171010113000001",	/* month 13 */
		"3171013104000001",	/* 31 April */
		"3171017104000001",	/* woman, 31 April */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (check(bad[i], NULL) != NIK_BAD_DATE)
			fail_msg("\"%s\" not refused for its date", bad[i]);
	}
}

/* The century follows today's WIB date: this year when the day has come,
 * a hundred years back when it is still ahead. */
static void test_century_follows_today(void **state)
{
	(void)state;
	time_t now = time(NULL) + 7 * 3600;
	struct tm t;
	gmtime_r(&now, &t);
	int y = t.tm_year + 1900;
	char nik[24];
	struct nik_info info;

	snprintf(nik, sizeof(nik), "317101%02d%02d%02d0001", 1, 1, y % 100);
	assert_int_equal(check(nik, &info), NIK_OK);
	assert_int_equal(info.birth_day, day_of(y, 1, 1));

	if (t.tm_mon + 1 < 12) {
		snprintf(nik, sizeof(nik), "317101%02d%02d%02d0001", 1, 12, y % 100);
		assert_int_equal(check(nik, &info), NIK_OK);
		assert_int_equal(info.birth_day, day_of(y - 100, 12, 1));
	}
	snprintf(nik, sizeof(nik), "317101%02d%02d%02d0001", 1, 1, (y + 1) % 100);
	assert_int_equal(check(nik, &info), NIK_OK);
	assert_int_equal(info.birth_day, day_of(y - 99, 1, 1));
}

static void test_error_messages(void **state)
{
	(void)state;
	for (int a = NIK_OK; a <= NIK_BAD_SERIAL; a++) {
		const char *m = nik_error_message((enum nik_error)a);
		assert_non_null(m);
		assert_true(strlen(m) > 0);
		for (int b = NIK_OK; b < a; b++)
			assert_string_not_equal(m, nik_error_message((enum nik_error)b));
	}
	assert_string_equal(nik_error_message(NIK_BAD_LENGTH), "NIK must be exactly 16 digits");
}

static void test_bpjs_card(void **state)
{
	(void)state;
	assert_true(bpjs_card_valid("0001234567890"));
	assert_false(bpjs_card_valid("000123456789"));
	assert_false(bpjs_card_valid("00012345678901"));
	assert_false(bpjs_card_valid("000123456789X"));
	assert_false(bpjs_card_valid("0001 23456789"));
	assert_false(bpjs_card_valid(""));
	assert_false(bpjs_card_valid(NULL));
}

static void test_region_codes(void **state)
{
	(void)state;
	assert_int_equal(region_code_level("33"), 1);
	assert_int_equal(region_code_level("33.03"), 2);
	assert_int_equal(region_code_level("33.03.01"), 3);
	assert_int_equal(region_code_level("33.03.01.2001"), 4);
	assert_true(region_code_valid("33.03.01.1001"));
	static const char *bad[] = {
		"", "3", "333", "3a", "33.", "33.3", "33.033", "33-03", "33.03.", "33.03.1",
		"33.03.011", "33.03.01.", "33.03.01.200", "33.03.01.20011", "33.03.01.2001.",
		"33.03.01.200a", " 33", "33 ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (region_code_level(bad[i]) != 0 || region_code_valid(bad[i]))
			fail_msg("\"%s\" accepted as a region code", bad[i]);
	}
	assert_int_equal(region_code_level(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_vectors),
		cmocka_unit_test(test_regions_are_dotted_and_checked_in_order),
		cmocka_unit_test(test_wrong_length_and_non_digits),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_century_follows_today),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_bpjs_card),
		cmocka_unit_test(test_region_codes),
	};
	return cmocka_run_group_tests_name("nik", tests, NULL, NULL);
}
