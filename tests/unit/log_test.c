/* log_test.c - a log line's shape, its quoting, and the masking of NIKs,
 * phone numbers and email addresses in every value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

#define AT 1796634000LL	/* 2026-12-07T09:00:00Z */

static const char *line(enum log_level level, const char *msg, const struct log_field *f, size_t n)
{
	static char buf[1024];
	log_format(buf, sizeof(buf), AT, level, msg, f, n);
	return buf;
}

static const char *one(const char *value)
{
	const struct log_field f[] = { LOG_F("v", value) };
	return line(LOG_INFO, "m", f, 1);
}

static void test_shape(void **state)
{
	(void)state;
	const struct log_field f[] = { LOG_F("n", 42), LOG_F("mib", 1.5), LOG_F("table", "cases"),
				       LOG_F("none", (const char *)NULL) };
	assert_string_equal(line(LOG_WARN, "statistics not saved", f, 4),
			    "time=2026-12-07T09:00:00Z level=warn msg=\"statistics not saved\" n=42 mib=1.5 "
			    "table=cases none=\"\"\n");
	assert_string_equal(line(LOG_ERROR, "stopping", NULL, 0),
			    "time=2026-12-07T09:00:00Z level=error msg=stopping\n");
}

static void test_quoting(void **state)
{
	(void)state;
	assert_string_equal(one("GET"), "time=2026-12-07T09:00:00Z level=info msg=m v=GET\n");
	assert_string_equal(one("a=b"), "time=2026-12-07T09:00:00Z level=info msg=m v=\"a=b\"\n");
	assert_string_equal(one("say \"hi\"\\"), "time=2026-12-07T09:00:00Z level=info msg=m v=\"say \\\"hi\\\"\\\\\"\n");
	/* a value cannot start a new line or a forged field */
	assert_string_equal(one("x\nlevel=error\t\x01"),
			    "time=2026-12-07T09:00:00Z level=info msg=m v=\"x\\nlevel=error\\t\\x01\"\n");
	assert_string_equal(one("Kecamatan Bojongsari \xc3\xa9"),
			    "time=2026-12-07T09:00:00Z level=info msg=m v=\"Kecamatan Bojongsari \xc3\xa9\"\n");
}

static void test_masking(void **state)
{
	(void)state;
	assert_string_equal(one("3303010101900001"), "time=2026-12-07T09:00:00Z level=info msg=m v=3303xxxxxxxx0001\n");
	assert_string_equal(one("nik 3303010101900001 ditolak"),
			    "time=2026-12-07T09:00:00Z level=info msg=m v=\"nik 3303xxxxxxxx0001 ditolak\"\n");
	assert_string_equal(one("081234567890"), "time=2026-12-07T09:00:00Z level=info msg=m v=0812****7890\n");
	assert_string_equal(one("+6281234567890"), "time=2026-12-07T09:00:00Z level=info msg=m v=+6281*****7890\n");
	assert_string_equal(one("budi@x.id"), "time=2026-12-07T09:00:00Z level=info msg=m v=b***@x.id\n");
	assert_string_equal(one("user b.santoso+1@mail.example.co.id exists"),
			    "time=2026-12-07T09:00:00Z level=info msg=m v=\"user b***@mail.example.co.id exists\"\n");
	/* digits in an email's local part go with it */
	assert_string_equal(one("081234567890@x.id"), "time=2026-12-07T09:00:00Z level=info msg=m v=0***@x.id\n");
	/* the message is a value too */
	const struct log_field none[] = { { 0 } };
	assert_string_equal(line(LOG_INFO, "login by a@b.id", none, 0),
			    "time=2026-12-07T09:00:00Z level=info msg=\"login by a***@b.id\"\n");
}

static void test_not_masked(void **state)
{
	(void)state;
	/* ids, counts, durations, epoch times, tracking numbers, other numbers */
	assert_string_equal(one("1796634000"), "time=2026-12-07T09:00:00Z level=info msg=m v=1796634000\n");
	assert_string_equal(one("MB-2026-000123"), "time=2026-12-07T09:00:00Z level=info msg=m v=MB-2026-000123\n");
	assert_string_equal(one("33030101019000012"), "time=2026-12-07T09:00:00Z level=info msg=m v=33030101019000012\n");
	assert_string_equal(one("0001234567890"), "time=2026-12-07T09:00:00Z level=info msg=m v=0001234567890\n");
	assert_string_equal(one("not@email"), "time=2026-12-07T09:00:00Z level=info msg=m v=not@email\n");
	assert_string_equal(one("@x.id"), "time=2026-12-07T09:00:00Z level=info msg=m v=@x.id\n");
}

static void test_levels(void **state)
{
	(void)state;
	enum log_level l;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_DEBUG);
	assert_int_equal(log_level_parse("warn", &l), 0);
	assert_int_equal(l, LOG_WARN);
	assert_int_equal(log_level_parse("verbose", &l), -1);
	assert_int_equal(log_level_parse(NULL, &l), -1);
	assert_true(log_enabled(LOG_INFO));
	assert_false(log_enabled(LOG_DEBUG));
	log_set_level(LOG_ERROR);
	assert_true(log_enabled(LOG_ERROR));
	assert_false(log_enabled(LOG_WARN));
	log_set_level(LOG_INFO);
}

static void test_long_line_is_cut_and_ended(void **state)
{
	(void)state;
	char big[3000], out[256];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	const struct log_field f[] = { LOG_F("v", big) };
	size_t n = log_format(out, sizeof(out), AT, LOG_INFO, "m", f, 1);
	assert_int_equal(n, strlen(out));
	assert_true(n < sizeof(out));
	assert_int_equal(out[n - 1], '\n');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_masking),
		cmocka_unit_test(test_not_masked),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_long_line_is_cut_and_ended),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
