/* strbuf_test.c - the arena string builder and the arena vector: growth
 * (in place and moved), printf, the escapes, JSON, and failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "csv.h"
#include "strbuf.h"

static void test_empty_and_append(void **state)
{
	(void)state;
	struct arena *a = arena_new(256);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_addstr(&sb, "Matur");
	strbuf_addch(&sb, ' ');
	strbuf_add(&sb, "Bupati!!", 6);
	assert_string_equal(sb.buf, "Matur Bupati");
	assert_int_equal(sb.len, 12);
	assert_false(sb.failed);
	arena_free(a);
}

/* Thousands of appends across many doublings, past the block size (the
 * buffer moves to a block of its own, then that block is resized), with
 * small allocations in between that must stay intact. */
static void test_growth_keeps_everything(void **state)
{
	(void)state;
	struct arena *a = arena_new(512);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	char *others[64];
	for (int i = 0; i < 20000; i++) {
		strbuf_addf(&sb, "%d,", i % 10);
		if (i % 313 == 0)
			others[i / 313] = arena_printf(a, "other-%d", i);
	}
	assert_false(sb.failed);
	assert_int_equal(sb.len, 40000);
	assert_int_equal(strlen(sb.buf), 40000);
	for (int i = 0; i < 20000; i++) {
		assert_int_equal(sb.buf[2 * i], '0' + i % 10);
		assert_int_equal(sb.buf[2 * i + 1], ',');
	}
	for (int i = 0; i < 20000; i += 313) {
		char want[32];
		snprintf(want, sizeof(want), "other-%d", i);
		assert_string_equal(others[i / 313], want);
	}
	arena_free(a);
}

/* The last allocation of the head block grows where it is. */
static void test_realloc_in_place(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096);
	char *p = arena_alloc(a, 16);
	memcpy(p, "fifteen chars..", 16);
	char *q = arena_realloc(a, p, 16, 1000);
	assert_ptr_equal(p, q);
	assert_string_equal(q, "fifteen chars..");
	/* Not the last one any more: moved, contents kept. */
	char *other = arena_strdup(a, "x");
	char *r = arena_realloc(a, q, 1000, 2000);
	assert_ptr_not_equal(r, q);
	assert_string_equal(r, "fifteen chars..");
	assert_string_equal(other, "x");
	/* Shrinking is a no-op. */
	assert_ptr_equal(arena_realloc(a, r, 2000, 10), r);
	arena_free(a);
}

static void test_printf_long_and_short(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct strbuf sb;
	strbuf_init(&sb, a, 8);
	strbuf_addf(&sb, "%s-%04d", "MB", 12);
	strbuf_addf(&sb, "|%0300d|", 7);
	assert_int_equal(sb.len, 7 + 302);
	assert_memory_equal(sb.buf, "MB-0012|000", 11);
	assert_string_equal(sb.buf + sb.len - 3, "07|");
	arena_free(a);
}

static void test_markup_escape(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_add_markup(&sb, "<a href=\"x\">Tom & Jerry's</a>");
	assert_string_equal(sb.buf, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;");
	strbuf_init(&sb, a, 0);
	strbuf_add_markup(&sb, "plain");
	strbuf_add_markup(&sb, "");
	assert_string_equal(sb.buf, "plain");
	arena_free(a);
}

/* What the writer produces, the CSV reader reads back unchanged. */
static void test_csv_round_trip(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	const char *cells[] = { "plain", "a,b", "say \"hi\"", "two\nlines", "", "-5" };
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	for (int i = 0; i < 6; i++) {
		if (i)
			strbuf_addch(&sb, ',');
		strbuf_add_csv(&sb, cells[i], false);
	}
	strbuf_addch(&sb, '\n');
	assert_false(sb.failed);
	assert_string_equal(sb.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,-5\n");

	struct csv c;
	char *f[8];
	csv_init(&c, sb.buf, sb.len);
	assert_int_equal(csv_next(&c, f, 8), 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(f[i], cells[i]);
	assert_int_equal(csv_next(&c, f, 8), CSV_END);
	arena_free(a);
}

/* For spreadsheets a formula becomes text; data keeps "-5" as it is. */
static void test_csv_spreadsheet_formula(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_add_csv(&sb, "=HYPERLINK(\"x\")", true);
	strbuf_addch(&sb, ',');
	strbuf_add_csv(&sb, "@SUM(A1)", true);
	strbuf_addch(&sb, ',');
	strbuf_add_csv(&sb, "Puskesmas", true);
	assert_string_equal(sb.buf, "\"'=HYPERLINK(\"\"x\"\")\",\"'@SUM(A1)\",Puskesmas");
	arena_free(a);
}

static void test_json(void **state)
{
	(void)state;
	struct arena *a = arena_new(64);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	json_t *v = json_pack("{s:s, s:[i,i], s:f}", "name", "Kali \"Klawing\"", "ids", 1, 2, "lat", -7.39);
	strbuf_addstr(&sb, "x=");
	strbuf_add_json(&sb, v, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	json_decref(v);
	assert_false(sb.failed);
	assert_string_equal(sb.buf, "x={\"ids\":[1,2],\"lat\":-7.39,\"name\":\"Kali \\\"Klawing\\\"\"}");
	assert_int_equal(sb.len, strlen(sb.buf));
	arena_free(a);
}

/* A string written as JSON reads back as itself, and is written as
 * jansson writes it; text that is not UTF-8 fails the buffer. */
static void test_json_string(void **state)
{
	(void)state;
	static const char *const texts[] = { "", "Desa \"Bojong\"\\Kec.", "baris\nbaru\r\t\b\f\x01\x1f/",
					     "Lokasi (📎 → Lokasi) é", "\x7f" };
	struct arena *a = arena_new(64);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct strbuf sb;
		strbuf_init(&sb, a, 0);
		strbuf_add_json_string(&sb, texts[i]);
		assert_false(sb.failed);
		json_t *v = json_string(texts[i]);
		char *want = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_string_equal(sb.buf, want);
		free(want);
		json_decref(v);
		json_error_t err;
		v = json_loads(sb.buf, JSON_DECODE_ANY, &err);
		assert_non_null(v);
		assert_string_equal(json_string_value(v), texts[i]);
		json_decref(v);
	}
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_addstr(&sb, "kept");
	strbuf_add_json_string(&sb, "ab\xc3(");
	assert_true(sb.failed);
	assert_string_equal(sb.buf, "kept");
	arena_free(a);
}

/* An allocation that cannot be met fails the buffer once and for all;
 * what was there stays a valid string. */
static void test_failure_is_sticky(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_addstr(&sb, "kept");
	assert_int_equal(strbuf_grow(&sb, SIZE_MAX - 2), -1);
	assert_true(sb.failed);
	strbuf_addstr(&sb, " lost");
	strbuf_addf(&sb, "%d", 5);
	assert_string_equal(sb.buf, "kept");
	assert_int_equal(sb.len, 4);
	arena_free(a);
}

struct point {
	int x, y;
	char name[20];
};

static void test_vector(void **state)
{
	(void)state;
	struct arena *a = arena_new(256);
	struct point *v = NULL;
	size_t n = 0, cap = 0;
	for (int i = 0; i < 1000; i++) {
		struct point *p = ARENA_PUSH(a, v, n, cap);
		assert_non_null(p);
		assert_int_equal(p->x, 0);
		assert_int_equal(p->name[0], '\0');
		p->x = i;
		p->y = -i;
		snprintf(p->name, sizeof(p->name), "p%d", i);
		if (i % 100 == 0)
			assert_non_null(arena_strdup(a, "in between"));
	}
	assert_int_equal(n, 1000);
	assert_true(cap >= 1000 && cap < 2000);
	for (int i = 0; i < 1000; i++) {
		char want[20];
		snprintf(want, sizeof(want), "p%d", i);
		assert_int_equal(v[i].x, i);
		assert_int_equal(v[i].y, -i);
		assert_string_equal(v[i].name, want);
	}
	arena_free(a);
}

/* Growth that cannot be met leaves the array as it was. */
static void test_vector_failure(void **state)
{
	(void)state;
	struct arena *a = arena_new(0);
	char (*v)[1 << 20] = NULL;
	size_t n = SIZE_MAX / 2, cap = SIZE_MAX / 2;
	assert_null(ARENA_PUSH(a, v, n, cap));
	assert_null(v);
	assert_int_equal(n, SIZE_MAX / 2);
	assert_int_equal(cap, SIZE_MAX / 2);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_append),
		cmocka_unit_test(test_growth_keeps_everything),
		cmocka_unit_test(test_realloc_in_place),
		cmocka_unit_test(test_printf_long_and_short),
		cmocka_unit_test(test_markup_escape),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_csv_spreadsheet_formula),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_failure_is_sticky),
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_vector_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
