/* geo_test.c - the regency's extent: parsing --regency-bounds and the
 * point-in-box test (src/core/geo.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "geo.h"

static void test_parse(void **state)
{
	(void)state;
	struct geo_box b;
	assert_int_equal(geo_box_parse("-7.50,109.17,-7.15,109.60", &b), 0);
	assert_true(b.set);
	assert_true(b.south == -7.5 && b.west == 109.17 && b.north == -7.15 && b.east == 109.6);
	assert_int_equal(geo_box_parse("none", &b), 0);
	assert_false(b.set);
	static const char *const bad[] = { "", "-7.5,109.17,-7.15", "-7.5,109.17,-7.15,109.6,1", "-7.5;109.17;-7.15;109.6",
					   "-7.15,109.17,-7.5,109.6", "-7.5,109.6,-7.15,109.17", "-91,0,1,1", "0,0,1,181",
					   "nan,0,1,1", "-7.5,109.17,-7.15,109.6x", "-7.5,,-7.15,109.6" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(geo_box_parse(bad[i], &b), -1);
	assert_int_equal(geo_box_parse(NULL, &b), -1);
}

static void test_holds(void **state)
{
	(void)state;
	struct geo_box b;
	assert_int_equal(geo_box_parse("-7.50,109.17,-7.15,109.60", &b), 0);
	assert_true(geo_box_holds(&b, -7.388, 109.364));	/* Purbalingga town */
	assert_true(geo_box_holds(&b, -7.5, 109.17));	/* corners are inside */
	assert_true(geo_box_holds(&b, -7.15, 109.6));
	assert_false(geo_box_holds(&b, -6.2001, 106.8166));	/* Jakarta */
	assert_false(geo_box_holds(&b, -7.51, 109.36));
	assert_false(geo_box_holds(&b, -7.3, 109.61));
	struct geo_box none;
	assert_int_equal(geo_box_parse("none", &none), 0);
	assert_true(geo_box_holds(&none, 51.5, -0.12));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
