/* pdf_test.c - text for the standard fonts: UTF-8 into Windows-1252, and
 * what it cannot hold reported, so a letter can be drawn again in Unicode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"
#include "pdf.h"

static void expect(const char *utf8, const char *want, int want_missing)
{
	struct arena *a = arena_new(1024);
	assert_non_null(a);
	int missing = 0;
	const char *got = pdf_winansi(a, utf8, &missing);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(missing, want_missing);
	arena_free(a);
}

static void ascii_unchanged(void **state)
{
	(void)state;
	expect("Nomor 000.9.2/001/Kesbangpol/XII/2026", "Nomor 000.9.2/001/Kesbangpol/XII/2026", 0);
	expect("", "", 0);
}

/* Latin-1's upper half is Windows-1252's; the quotes, dashes and the euro
 * people paste from word processors live in 0x80-0x9f. */
static void latin_and_windows_extras(void **state)
{
	(void)state;
	expect("Soedirman é ü ·", "Soedirman \xe9 \xfc \xb7", 0);
	expect("Nur’aini — “Studi” – €5 …", "Nur\x92" "aini \x97 \x93Studi\x94 \x96 \x80" "5 \x85", 0);
	expect("Šťastný", "\x8a?astn\xfd", 1);
}

static void beyond_is_missing(void **state)
{
	(void)state;
	expect("Łukasz", "?ukasz", 1);
	expect("数据", "??", 1);
	expect("😀 ok", "? ok", 1);
}

/* A malformed sequence is one '?' per bad byte, never a read past the end. */
static void malformed(void **state)
{
	(void)state;
	expect("a\xff" "b", "a?b", 1);
	expect("a\xc3", "a?", 1);
	expect("\xe2\x80", "?", 1);
	expect("\x80x", "?x", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_unchanged),
		cmocka_unit_test(latin_and_windows_extras),
		cmocka_unit_test(beyond_is_missing),
		cmocka_unit_test(malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
