/* calendar_test.c - dates and working-day arithmetic (src/core/calendar.c).
 *
 * The holidays here are the 2026 SKB list plus the first days of 2027, so
 * the deadlines checked are the ones officers will see at the counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "calendar.h"

#define N HOLIDAY_NATIONAL
#define C HOLIDAY_CUTI_BERSAMA

static const struct {
	const char *date;
	enum holiday_kind kind;
} holiday_list[] = {
	{"2026-01-01", N}, {"2026-01-16", N}, {"2026-02-16", C}, {"2026-02-17", N},
	{"2026-03-18", C}, {"2026-03-19", N}, {"2026-03-20", C}, {"2026-03-21", N},
	{"2026-03-22", N}, {"2026-03-23", C}, {"2026-03-24", C}, {"2026-04-03", N},
	{"2026-04-05", N}, {"2026-05-01", N}, {"2026-05-14", N}, {"2026-05-15", C},
	{"2026-05-27", N}, {"2026-05-28", C}, {"2026-05-31", N}, {"2026-06-01", N},
	{"2026-06-16", N}, {"2026-08-17", N}, {"2026-08-25", N}, {"2026-12-24", C},
	{"2026-12-25", N}, {"2027-01-01", N}, {"2027-01-05", N},
};
#define NHOLIDAYS (sizeof(holiday_list) / sizeof(holiday_list[0]))

struct fixture {
	struct holiday_day days[NHOLIDAYS];
	struct holidays h;
};

static int32_t D(const char *s)
{
	int32_t day;
	assert_int_equal(date_parse(s, &day), 0);
	return day;
}

static int setup(void **state)
{
	static struct fixture f;
	for (size_t i = 0; i < NHOLIDAYS; i++) {
		f.days[i].day = D(holiday_list[i].date);
		f.days[i].kind = holiday_list[i].kind;
	}
	f.h.days = f.days;
	f.h.n = NHOLIDAYS;
	*state = &f;
	return 0;
}

static const struct holidays *H(void **state)
{
	return &((struct fixture *)*state)->h;
}

static void assert_date(int32_t day, const char *want)
{
	char buf[11];
	date_format(day, buf);
	assert_string_equal(buf, want);
}

static void test_date_parse_accepts_real_dates(void **state)
{
	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("1970-01-02"), 1);
	assert_int_equal(D("1969-12-31"), -1);
	assert_int_equal(D("2000-03-01") - D("2000-02-28"), 2);	/* 2000 is leap */
	assert_int_equal(D("2024-02-29") + 1, D("2024-03-01"));
	assert_int_equal(D("2026-11-28"), 20785);
	assert_date(D("0001-01-01"), "0001-01-01");
	assert_date(D("9999-12-31"), "9999-12-31");
}

static void test_date_parse_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
		"2026-02-29", "2026-13-01", "2026-1-01", "2026-01-1", "2026-01-01x",
		"2026-01-01 ", " 2026-01-01", "2026-00-10", "2026-01-00", "2026-04-31",
		"1900-02-29", "2100-02-29", "20260101", "2026/01/01", "2026-01-32",
		"+026-01-01", "2026-0a-01", "", "2026", "2026-", "2026-01", "2026-01-",
	};
	int32_t out = 12345;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (date_parse(bad[i], &out) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(date_parse(NULL, &out), -1);
	assert_int_equal(out, 12345);
}

static void test_ymd_round_trip(void **state)
{
	(void)state;
	int32_t first = date_from_ymd(1600, 1, 1), last = date_from_ymd(2400, 12, 31);
	int py = 1599, pm = 12, pd = 31;
	for (int32_t day = first; day <= last; day++) {
		int y, m, d;
		date_to_ymd(day, &y, &m, &d);
		assert_int_equal(date_from_ymd(y, m, d), day);
		/* consecutive days: the next day of the month, or the 1st */
		if (d == 1)
			assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
		else
			assert_true(d == pd + 1 && m == pm && y == py);
		py = y, pm = m, pd = d;
	}
	char buf[11];
	date_format(date_from_ymd(2026, 3, 9), buf);
	assert_string_equal(buf, "2026-03-09");
	int32_t back;
	assert_int_equal(date_parse(buf, &back), 0);
	assert_int_equal(back, date_from_ymd(2026, 3, 9));
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(D("1970-01-01")), 4);	/* Thursday */
	assert_int_equal(date_weekday(D("1969-12-31")), 3);
	assert_int_equal(date_weekday(D("1945-08-17")), 5);
	assert_int_equal(date_weekday(D("1900-01-01")), 1);
	assert_int_equal(date_weekday(D("2026-11-27")), 5);
	assert_int_equal(date_weekday(D("2026-11-28")), 6);
	assert_int_equal(date_weekday(D("2026-11-29")), 0);
	assert_int_equal(date_weekday(D("2027-03-09")), 2);
}

static int32_t wib_from_libc(time_t t)
{
	time_t local = t + 7 * 3600;
	struct tm tm;
	gmtime_r(&local, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void test_today_wib(void **state)
{
	(void)state;
	time_t before = time(NULL);
	int32_t today = date_today_wib();
	time_t after = time(NULL);
	assert_true(today == wib_from_libc(before) || today == wib_from_libc(after));
}

static void test_weekend_receipt(void **state)
{
	const struct holidays empty = {NULL, 0};
	const struct holidays *sets[] = {NULL, &empty, H(state)};
	for (size_t i = 0; i < 3; i++) {
		assert_date(workdays_add(sets[i], D("2026-11-27"), 3, CAL_CUTI_BERSAMA_OFF), "2026-12-02");
		assert_date(workdays_add(sets[i], D("2026-11-28"), 3, CAL_CUTI_BERSAMA_OFF), "2026-12-03");
		assert_date(workdays_add(sets[i], D("2026-11-29"), 3, 0), "2026-12-03");
		/* n = 0 is the normalised day of receipt */
		assert_date(workdays_add(sets[i], D("2026-11-28"), 0, 0), "2026-11-30");
		assert_date(workdays_add(sets[i], D("2026-11-27"), 0, 0), "2026-11-27");
		assert_date(workdays_add(sets[i], D("2026-11-27"), -4, 0), "2026-11-27");
	}
}

static void test_workday_is(void **state)
{
	const struct holidays *h = H(state);
	assert_false(workday_is(h, D("2026-11-28"), 0));		/* Saturday */
	assert_false(workday_is(h, D("2026-11-29"), 0));		/* Sunday */
	assert_true(workday_is(h, D("2026-11-30"), 0));
	assert_false(workday_is(h, D("2026-08-17"), 0));		/* national */
	assert_false(workday_is(h, D("2026-08-17"), CAL_CUTI_BERSAMA_OFF));
	assert_true(workday_is(h, D("2026-12-24"), 0));		/* cuti bersama */
	assert_false(workday_is(h, D("2026-12-24"), CAL_CUTI_BERSAMA_OFF));
	assert_true(workday_is(NULL, D("2026-08-17"), 0));
}

static void test_holiday_in_range(void **state)
{
	const struct holidays *h = H(state);
	/* Wed 13 May; Thu 14 Ascension, Fri 15 cuti bersama */
	assert_date(workdays_add(h, D("2026-05-13"), 3, CAL_CUTI_BERSAMA_OFF), "2026-05-20");
	assert_date(workdays_add(h, D("2026-05-13"), 3, 0), "2026-05-19");
	/* Mon 10 Aug, 5 working days over Independence Day */
	assert_date(workdays_add(h, D("2026-08-10"), 5, 0), "2026-08-18");
	/* 17 Aug 2026 was a working day for nobody: receipt moves to the 18th */
	assert_date(workdays_add(h, D("2026-08-17"), 0, 0), "2026-08-18");
}

static void test_cuti_bersama_policy(void **state)
{
	const struct holidays *h = H(state);
	/* Received on Nyepi (Thu 19 Mar), with Idul Fitri and its cuti bersama
	 * making 18-24 March one block. */
	assert_date(workdays_add(h, D("2026-03-19"), 0, CAL_CUTI_BERSAMA_OFF), "2026-03-25");
	assert_date(workdays_add(h, D("2026-03-19"), 3, CAL_CUTI_BERSAMA_OFF), "2026-03-30");
	assert_date(workdays_add(h, D("2026-03-19"), 0, 0), "2026-03-20");
	assert_date(workdays_add(h, D("2026-03-19"), 3, 0), "2026-03-25");
	/* UU 14/2008: 10 working days for an information request on 16 Mar */
	assert_date(workdays_add(h, D("2026-03-16"), 10, CAL_CUTI_BERSAMA_OFF), "2026-04-07");
	assert_date(workdays_add(h, D("2026-03-16"), 10, 0), "2026-03-31");
	assert_int_equal(workdays_between(h, D("2026-03-16"), D("2026-04-07"), CAL_CUTI_BERSAMA_OFF), 10);
	assert_int_equal(workdays_between(h, D("2026-03-16"), D("2026-04-07"), 0), 14);
}

static void test_year_boundary(void **state)
{
	const struct holidays *h = H(state);
	/* Received Thu 24 Dec (cuti bersama); Fri 25 Christmas, Fri 1 Jan and
	 * Tue 5 Jan are holidays. */
	assert_date(workdays_add(h, D("2026-12-24"), 0, CAL_CUTI_BERSAMA_OFF), "2026-12-28");
	assert_date(workdays_add(h, D("2026-12-24"), 3, CAL_CUTI_BERSAMA_OFF), "2026-12-31");
	assert_date(workdays_add(h, D("2026-12-24"), 5, CAL_CUTI_BERSAMA_OFF), "2027-01-06");
	assert_date(workdays_add(h, D("2026-12-24"), 5, 0), "2027-01-04");
	assert_date(workdays_add(h, D("2026-12-24"), 6, 0), "2027-01-06");
	assert_int_equal(workdays_between(h, D("2026-12-24"), D("2027-01-06"), CAL_CUTI_BERSAMA_OFF), 5);
	assert_int_equal(workdays_between(h, D("2026-12-24"), D("2027-01-06"), 0), 6);
}

static void test_between_edges(void **state)
{
	const struct holidays *h = H(state);
	/* b on or before the normalised receipt counts nothing */
	assert_int_equal(workdays_between(h, D("2026-11-28"), D("2026-11-30"), 0), 0);
	assert_int_equal(workdays_between(h, D("2026-11-28"), D("2026-11-29"), 0), 0);
	assert_int_equal(workdays_between(h, D("2026-11-30"), D("2026-11-01"), 0), 0);
	assert_int_equal(workdays_between(h, D("2026-11-28"), D("2026-12-01"), 0), 1);
	/* a weekend at the end adds nothing */
	assert_int_equal(workdays_between(h, D("2026-11-23"), D("2026-11-29"), 0), 4);
	assert_int_equal(workdays_between(NULL, D("1969-12-29"), D("1970-01-05"), 0), 5);
}

/* workdays_between counts without walking the days; check it against a
 * walk, and against workdays_add, across both years and both policies. */
static void test_between_round_trip(void **state)
{
	const struct holidays *h = H(state);
	for (unsigned policy = 0; policy <= CAL_CUTI_BERSAMA_OFF; policy++) {
		for (int32_t a = D("2025-12-20"); a <= D("2027-01-10"); a++) {
			for (int n = 0; n <= 30; n++) {
				int32_t due = workdays_add(h, a, n, policy);
				assert_true(workday_is(h, due, policy));
				assert_int_equal(workdays_between(h, a, due, policy), n);
			}
			int32_t from = workdays_add(h, a, 0, policy);
			int walked = 0;
			for (int32_t b = from + 1; b <= a + 60; b++) {
				walked += workday_is(h, b, policy);
				assert_int_equal(workdays_between(h, a, b, policy), walked);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_parse_accepts_real_dates),
		cmocka_unit_test(test_date_parse_rejects),
		cmocka_unit_test(test_ymd_round_trip),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_today_wib),
		cmocka_unit_test(test_weekend_receipt),
		cmocka_unit_test(test_workday_is),
		cmocka_unit_test(test_holiday_in_range),
		cmocka_unit_test(test_cuti_bersama_policy),
		cmocka_unit_test(test_year_boundary),
		cmocka_unit_test(test_between_edges),
		cmocka_unit_test(test_between_round_trip),
	};
	return cmocka_run_group_tests_name("calendar", tests, setup, NULL);
}
