/* router_test.c - matching methods and path patterns with {params}, and a
 * dispatcher's actions made routes of their own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

static int fallback(struct req *r) { (void)r; return 0; }
static int show(struct req *r) { (void)r; return 0; }
static int create(struct req *r) { (void)r; return 0; }

static const struct route d_routes[] = {
	{ "GET", "/api/3/action/{fn}", fallback, 0, NULL, 0 },
	{ "POST", "/api/3/action/{fn}", fallback, 0, NULL, 0 },
	{ 0 },
};
static const struct route d_actions[] = {
	{ "GET", "package_show", show, 0, NULL, 0 },
	{ "POST", "package_show", show, 0, NULL, 0 },
	{ "POST", "package_create", create, ROLE_OFFICER, NULL, 0 },
	{ 0 },
};
static const struct module d = { .name = "d", .routes = d_routes, .actions = d_actions };
static const struct module *const dmods[] = { &a, &d };

static void test_actions_are_routes(void **state)
{
	(void)state;
	struct router *rt = router_new(dmods, 2);
	struct arena *ar = arena_new(0);
	struct route_match m;

	/* 4 of a, 2 dispatchers, 3 actions: each listed once per method */
	assert_int_equal(router_count(rt), 9);
	assert_string_equal(router_route(rt, 4)->pattern, "/api/3/action/package_show");
	assert_ptr_equal(router_module(rt, 4), &d);
	assert_string_equal(router_route(rt, 5)->pattern, "/api/3/action/{fn}");

	assert_int_equal(router_match(rt, "POST", "/api/3/action/package_create", ar, &m), 1);
	assert_ptr_equal(m.route->handler, create);
	assert_int_equal(m.route->roles, ROLE_OFFICER);
	assert_ptr_equal(m.module, &d);
	assert_int_equal(m.nparams, 0);
	/* a name no action has, or not for this method: the dispatcher */
	assert_int_equal(router_match(rt, "GET", "/api/3/action/package_create", ar, &m), 1);
	assert_ptr_equal(m.route, &d_routes[0]);
	assert_string_equal(m.values[0], "package_create");
	assert_int_equal(router_match(rt, "POST", "/api/3/action/frobnicate", ar, &m), 1);
	assert_ptr_equal(m.route, &d_routes[1]);
	arena_free(ar);
	router_free(rt);
}

/* Only some routes are tried (router.c): whatever the index, the first
 * route in table order that matches wins, a {param} may sit inside a
 * segment, and a head shared by more routes than are tried at once still
 * finds its match. */
static const struct route e_routes[] = {
	{ "GET", "/api/items/{id}", h, 0, NULL, 0 },
	{ "GET", "/api/items/new", h, 0, NULL, 0 },
	{ "POST", "/api/items/new", h, 0, NULL, 0 },
	{ "GET", "/o/v2/requests.{fmt}", h, 0, NULL, 0 },
	{ "GET", "/o/v2/requests/{id}", h, 0, NULL, 0 },
	{ "GET", "/{page}", h, 0, NULL, 0 },
	{ 0 },
};
static const struct module e = { .name = "e", .routes = e_routes };
static const struct module *const emods[] = { &e };

enum { MANY = 100 };
static struct route many_routes[MANY + 2];
static char many_patterns[MANY][32];
static const struct module many = { .name = "many", .routes = many_routes };
static const struct module *const manymods[] = { &many };

static void test_index_keeps_table_order(void **state)
{
	(void)state;
	struct router *rt = router_new(emods, 1);
	struct arena *ar = arena_new(0);
	struct route_match m;

	assert_int_equal(router_match(rt, "GET", "/api/items/new", ar, &m), 1);
	assert_ptr_equal(m.route, &e_routes[0]);	/* listed first */
	assert_int_equal(router_match(rt, "POST", "/api/items/new", ar, &m), 1);
	assert_ptr_equal(m.route, &e_routes[2]);
	assert_int_equal(router_match(rt, "GET", "/o/v2/requests.json", ar, &m), 1);
	assert_ptr_equal(m.route, &e_routes[3]);
	assert_string_equal(m.values[0], "json");
	assert_int_equal(router_match(rt, "GET", "/o/v2/requests/12.xml", ar, &m), 1);
	assert_ptr_equal(m.route, &e_routes[4]);
	assert_string_equal(m.values[0], "12.xml");
	assert_int_equal(router_match(rt, "GET", "/index", ar, &m), 1);
	assert_ptr_equal(m.route, &e_routes[5]);
	assert_int_equal(router_match(rt, "DELETE", "/api/items/new", ar, &m), -1);
	assert_string_equal(m.allow, "GET, POST");
	router_free(rt);

	for (int i = 0; i < MANY; i++) {
		snprintf(many_patterns[i], sizeof(many_patterns[i]), "/api/x/{a}/n%d", i);
		many_routes[i] = (struct route){ "GET", many_patterns[i], h, 0, NULL, 0 };
	}
	many_routes[MANY] = (struct route){ "GET", "/api/x/{a}/{b}", h, 0, NULL, 0 };
	rt = router_new(manymods, 1);
	assert_int_equal(router_match(rt, "GET", "/api/x/1/n99", ar, &m), 1);
	assert_ptr_equal(m.route, &many_routes[99]);
	assert_int_equal(router_match(rt, "GET", "/api/x/1/other", ar, &m), 1);
	assert_ptr_equal(m.route, &many_routes[MANY]);
	arena_free(ar);
	router_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_and_params),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_wrong_method_lists_allowed),
		cmocka_unit_test(test_actions_are_routes),
		cmocka_unit_test(test_index_keeps_table_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
