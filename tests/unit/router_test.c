/* router_test.c - matching methods and path patterns with {params}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "router.h"

static int h(struct req *r) { (void)r; return 0; }

static const struct route a_routes[] = {
	{ "GET", "/api/orgs", h, 0, NULL, 0 },
	{ "POST", "/api/orgs", h, 0, NULL, 0 },
	{ "GET", "/api/orgs/{code}", h, 0, NULL, 0 },
	{ "PATCH", "/api/orgs/{code}", h, 0, NULL, 0 },
	{ 0 },
};
static const struct route b_routes[] = {
	{ "GET", "/api/cases/{id}/events/{n}", h, 0, NULL, 0 },
	{ "GET", "/healthz", h, 0, NULL, 0 },
	{ 0 },
};
static const struct module a = { .name = "a", .routes = a_routes };
static const struct module b = { .name = "b", .routes = b_routes };
static const struct module *const mods[] = { &a, &b };

static void test_static_and_params(void **state)
{
	(void)state;
	struct router *rt = router_new(mods, 2);
	struct arena *ar = arena_new(0);
	struct route_match m;

	assert_int_equal(router_count(rt), 6);
	assert_int_equal(router_match(rt, "GET", "/api/orgs", ar, &m), 1);
	assert_ptr_equal(m.route, &a_routes[0]);
	assert_int_equal(m.nparams, 0);

	assert_int_equal(router_match(rt, "PATCH", "/api/orgs/DINKES", ar, &m), 1);
	assert_ptr_equal(m.route, &a_routes[3]);
	assert_int_equal(m.index, 3);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.names[0], "code");
	assert_string_equal(m.values[0], "DINKES");

	assert_int_equal(router_match(rt, "GET", "/api/cases/42/events/7", ar, &m), 1);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.names[1], "n");
	assert_string_equal(m.values[0], "42");
	assert_string_equal(m.values[1], "7");
	arena_free(ar);
	router_free(rt);
}

static void test_no_match(void **state)
{
	(void)state;
	struct router *rt = router_new(mods, 2);
	struct arena *ar = arena_new(0);
	struct route_match m;
	assert_int_equal(router_match(rt, "GET", "/api/orgs/", ar, &m), 0);	/* empty param */
	assert_int_equal(router_match(rt, "GET", "/api/orgs/A/B", ar, &m), 0);
	assert_int_equal(router_match(rt, "GET", "/api/org", ar, &m), 0);
	assert_int_equal(router_match(rt, "GET", "/api/orgsX", ar, &m), 0);
	assert_int_equal(router_match(rt, "GET", "/", ar, &m), 0);
	arena_free(ar);
	router_free(rt);
}

static void test_wrong_method_lists_allowed(void **state)
{
	(void)state;
	struct router *rt = router_new(mods, 2);
	struct arena *ar = arena_new(0);
	struct route_match m;
	assert_int_equal(router_match(rt, "DELETE", "/api/orgs/X", ar, &m), -1);
	assert_string_equal(m.allow, "GET, PATCH");
	assert_int_equal(router_match(rt, "PUT", "/healthz", ar, &m), -1);
	assert_string_equal(m.allow, "GET");
	/* HEAD is served by the GET route */
	assert_int_equal(router_match(rt, "HEAD", "/healthz", ar, &m), 1);
	arena_free(ar);
	router_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_and_params),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_wrong_method_lists_allowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
