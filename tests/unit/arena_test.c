/* arena_test.c - the per-request pool: alignment, growth, big blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"

static void test_alignment_and_zeroing(void **state)
{
	(void)state;
	struct arena *a = arena_new(64);
	for (int i = 1; i < 50; i++) {
		unsigned char *p = arena_alloc(a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (int k = 0; k < i; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xab, (size_t)i);
	}
	arena_free(a);
}

static void test_large_allocation_keeps_small_block(void **state)
{
	(void)state;
	struct arena *a = arena_new(128);
	char *small1 = arena_strdup(a, "before");
	char *big = arena_alloc(a, 100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	char *small2 = arena_strdup(a, "after");
	assert_string_equal(small1, "before");
	assert_string_equal(small2, "after");
	/* The small allocation after the big one still comes from the first
	 * block, right after the first string. */
	assert_true(small2 > small1 && small2 - small1 < 128);
	arena_free(a);
}

static void test_strings(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_printf(a, "%s-%04d", "MB", 12), "MB-0012");
	char *long_s = arena_printf(a, "%05000d", 7);
	assert_int_equal(strlen(long_s), 5000);
	assert_int_equal(long_s[4999], '7');
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment_and_zeroing),
		cmocka_unit_test(test_large_allocation_keeps_small_block),
		cmocka_unit_test(test_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
