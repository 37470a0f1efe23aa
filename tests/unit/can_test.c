/* can_test.c - a grant counts for its own scope only: the head of one unit
 * who is an officer of another is not the other's head; a village operator
 * acts for their village; owners act on what is theirs; roles that may act
 * anywhere do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "can.h"
#include "http.h"

static const struct action setup = { "test.setup", .anywhere = ROLE_ADMIN, .in_unit = ROLE_UNIT_HEAD };
static const struct action desk = { "test.desk", .in_unit = ROLE_OFFICER | ROLE_UNIT_HEAD };
static const struct action village_news = { "test.news", .anywhere = ROLE_ADMIN, .in_village = ROLE_VILLAGE_OPERATOR };
static const struct action rate = { "test.rate", .owner = true };

static struct caller officer_a_head_b(void)
{
	struct caller c = { .user_id = 7, .roles = ROLE_OFFICER | ROLE_UNIT_HEAD, .ngrants = 2 };
	c.grants[0] = (struct grant){ .role = ROLE_OFFICER, .unit_id = 1 };
	c.grants[1] = (struct grant){ .role = ROLE_UNIT_HEAD, .unit_id = 2 };
	return c;
}

static void test_grants_keep_their_scope(void **state)
{
	(void)state;
	struct caller c = officer_a_head_b();
	assert_true(can(&c, &setup, &(struct object){ .unit_id = 2 }));
	assert_false(can(&c, &setup, &(struct object){ .unit_id = 1 }));	/* only an officer there */
	assert_false(can(&c, &setup, &(struct object){ .unit_id = 3 }));
	assert_true(can(&c, &desk, &(struct object){ .unit_id = 1 }));
	assert_true(can(&c, &desk, &(struct object){ .unit_id = 2 }));
	assert_false(can(&c, &desk, &(struct object){ .unit_id = 3 }));
	/* an object without a unit is in nobody's unit */
	assert_false(can(&c, &desk, NULL));
	assert_false(can(&c, &desk, &(struct object){ .unit_id = 0 }));
}

static void test_anywhere(void **state)
{
	(void)state;
	struct caller admin = { .user_id = 1, .roles = ROLE_ADMIN, .ngrants = 1 };
	admin.grants[0] = (struct grant){ .role = ROLE_ADMIN };
	assert_true(can(&admin, &setup, &(struct object){ .unit_id = 9 }));
	assert_true(can(&admin, &setup, NULL));
	assert_false(can(&admin, &desk, &(struct object){ .unit_id = 9 }));	/* the desk is its staff's */
	struct caller anon = { 0 };
	assert_false(can(&anon, &setup, NULL));
	assert_false(can(&anon, &rate, &(struct object){ .owner_id = 0 }));
}

static void test_villages(void **state)
{
	(void)state;
	struct caller op = { .user_id = 3, .roles = ROLE_VILLAGE_OPERATOR, .ngrants = 1 };
	op.grants[0] = (struct grant){ .role = ROLE_VILLAGE_OPERATOR, .village = "33.03.01.2001" };
	assert_true(can(&op, &village_news, &(struct object){ .village = "33.03.01.2001" }));
	assert_false(can(&op, &village_news, &(struct object){ .village = "33.03.01.2002" }));
	assert_false(can(&op, &village_news, NULL));
	/* a village grant is no unit grant */
	assert_false(can(&op, &desk, &(struct object){ .unit_id = 1 }));
}

static void test_owner(void **state)
{
	(void)state;
	struct caller citizen = { .user_id = 42, .roles = ROLE_CITIZEN, .ngrants = 1 };
	citizen.grants[0] = (struct grant){ .role = ROLE_CITIZEN };
	assert_true(can(&citizen, &rate, &(struct object){ .owner_id = 42 }));
	assert_false(can(&citizen, &rate, &(struct object){ .owner_id = 43 }));
	assert_false(can(&citizen, &rate, NULL));
}

static void test_caller_units(void **state)
{
	(void)state;
	struct caller c = officer_a_head_b();
	c.grants[c.ngrants++] = (struct grant){ .role = ROLE_UNIT_HEAD, .unit_id = 1 };
	int64_t u[4] = { 0 };
	assert_int_equal(caller_units(&c, ROLE_OFFICER | ROLE_UNIT_HEAD, u, 4), 2);
	assert_int_equal(u[0], 1);
	assert_int_equal(u[1], 2);
	assert_int_equal(caller_units(&c, ROLE_UNIT_HEAD, u, 4), 2);
	assert_int_equal(caller_units(&c, ROLE_OFFICER, u, 4), 1);
	assert_int_equal(caller_units(&c, ROLE_OFFICER | ROLE_UNIT_HEAD, u, 1), 1);
	assert_int_equal(caller_units(&c, ROLE_WALIDATA, u, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grants_keep_their_scope),
		cmocka_unit_test(test_anywhere),
		cmocka_unit_test(test_villages),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_caller_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
