/* queue_rules_test.c - Simantri's pure rules (src/queue/rules.c): queue
 * labels, WIB times, booking windows, the fair interleaving of priority
 * patients, wait estimates, ages from a birth date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "queue/rules.h"

static int32_t D(const char *s)
{
	int32_t day;
	assert_int_equal(date_parse(s, &day), 0);
	return day;
}

static void labels(void **state)
{
	(void)state;
	char buf[QUEUE_LABEL_MAX];
	assert_int_equal(queue_label(buf, sizeof(buf), "A", 1), 5);
	assert_string_equal(buf, "A-001");
	queue_label(buf, sizeof(buf), "KIA", 42);
	assert_string_equal(buf, "KIA-042");
	queue_label(buf, sizeof(buf), "B", 1234);
	assert_string_equal(buf, "B-1234");
	char tiny[4];
	assert_int_equal(queue_label(tiny, sizeof(tiny), "A", 1), -1);

	char prefix[QUEUE_PREFIX_MAX + 1];
	int n;
	const char *ok[] = { "A-001", "a-1", "A001", "A 12", " A-012 " };
	const int want[] = { 1, 1, 1, 12, 12 };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(queue_label_parse(ok[i], prefix, &n), 0);
		assert_string_equal(prefix, "A");
		assert_int_equal(n, want[i]);
	}
	assert_int_equal(queue_label_parse("KIA-7", prefix, &n), 0);
	assert_string_equal(prefix, "KIA");
	const char *bad[] = { "", "001", "A-", "A-0", "A-1x", "ABCD-1", "A--1", "A-1234567" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(queue_label_parse(bad[i], prefix, &n), -1);

	assert_true(queue_prefix_valid("A"));
	assert_true(queue_prefix_valid("KIA"));
	assert_false(queue_prefix_valid(""));
	assert_false(queue_prefix_valid("a"));
	assert_false(queue_prefix_valid("ABCD"));
	assert_false(queue_prefix_valid("A1"));
}

static void wib_times(void **state)
{
	(void)state;
	/* 2026-12-02 08:00 WIB is 01:00 UTC. */
	int64_t t = queue_wib_epoch(D("2026-12-02"), 8 * 60);
	assert_int_equal(t, 1796173200);
	int32_t day;
	int minute;
	queue_wib_split(t, &day, &minute);
	assert_int_equal(day, D("2026-12-02"));
	assert_int_equal(minute, 480);
	/* 23:30 UTC is already the next day in WIB. */
	queue_wib_split(queue_wib_epoch(D("2026-12-03"), 6 * 60 + 30), &day, &minute);
	assert_int_equal(day, D("2026-12-03"));
	assert_int_equal(minute, 390);

	char buf[6];
	queue_minute_format(7 * 60 + 5, buf);
	assert_string_equal(buf, "07:05");
	assert_int_equal(queue_minute_parse("07:05"), 425);
	assert_int_equal(queue_minute_parse("23:59"), 1439);
	assert_int_equal(queue_minute_parse("24:00"), -1);
	assert_int_equal(queue_minute_parse("7:05"), -1);
	assert_int_equal(queue_minute_parse("07:60"), -1);

	int a, b;
	assert_int_equal(queue_hours_parse("08:00-12:00", &a, &b), 0);
	assert_int_equal(a, 480);
	assert_int_equal(b, 720);
	assert_int_equal(queue_hours_parse("12:00-08:00", &a, &b), -1);
	assert_int_equal(queue_hours_parse("08:00 12:00", &a, &b), -1);
	assert_int_equal(queue_hours_parse("08:00-12:00x", &a, &b), -1);
}

static void booking_window(void **state)
{
	(void)state;
	struct booking_window w = { 7, 6 * 60, 1, 20 * 60 };
	int64_t opens, closes;
	queue_booking_window(&w, D("2026-12-10"), &opens, &closes);
	assert_int_equal(opens, queue_wib_epoch(D("2026-12-03"), 360));
	assert_int_equal(closes, queue_wib_epoch(D("2026-12-09"), 1200));
	/* Same-day bookings until 10:00. */
	struct booking_window same = { 2, 0, 0, 10 * 60 };
	queue_booking_window(&same, D("2026-12-10"), &opens, &closes);
	assert_int_equal(closes, queue_wib_epoch(D("2026-12-10"), 600));
}

static const struct fair_policy policy = { 2, 30 * 60 };	/* 1 priority after 2 normal, 30 min */

static void fair_rules(void **state)
{
	(void)state;
	/* Empty lines. */
	assert_int_equal(queue_fair_next(&policy, false, 0, false, 0, 0), FAIR_NONE);
	assert_int_equal(queue_fair_next(&policy, true, 100, false, 0, 5), FAIR_NORMAL);
	assert_int_equal(queue_fair_next(&policy, false, 0, true, 100, 0), FAIR_PRIORITY);
	/* Priority not behind the normal head: first. */
	assert_int_equal(queue_fair_next(&policy, true, 100, true, 100, 0), FAIR_PRIORITY);
	assert_int_equal(queue_fair_next(&policy, true, 100, true, 50, 0), FAIR_PRIORITY);
	/* Within K: the ratio decides. */
	assert_int_equal(queue_fair_next(&policy, true, 0, true, 600, 0), FAIR_NORMAL);
	assert_int_equal(queue_fair_next(&policy, true, 0, true, 600, 1), FAIR_NORMAL);
	assert_int_equal(queue_fair_next(&policy, true, 0, true, 600, 2), FAIR_PRIORITY);
	/* The normal head arrived more than K before: it goes first. */
	assert_int_equal(queue_fair_next(&policy, true, 0, true, 30 * 60 + 1, 5), FAIR_NORMAL);
	assert_int_equal(queue_fair_next(&policy, true, 0, true, 30 * 60, 5), FAIR_PRIORITY);
	/* every = 0: priority first (within K); K = 0: first come, first served. */
	const struct fair_policy eager = { 0, 3600 }, fifo = { 2, 0 };
	assert_int_equal(queue_fair_next(&eager, true, 0, true, 60, 0), FAIR_PRIORITY);
	assert_int_equal(queue_fair_next(&fifo, true, 0, true, 60, 9), FAIR_NORMAL);

	assert_int_equal(queue_fair_run_after(FAIR_NORMAL, 1), 2);
	assert_int_equal(queue_fair_run_after(FAIR_PRIORITY, 2), 0);
	assert_int_equal(queue_fair_run_after(FAIR_NONE, 1), 1);
}

/* The scripted line of tests/api/queue.test.mjs: ten minutes apart,
 * N = normal, P = priority. */
static void fair_script(void **state)
{
	(void)state;
	const char *script = "NNNPNPNNNNP";
	struct waiting w[16];
	size_t n = strlen(script), order[16];
	for (size_t i = 0; i < n; i++) {
		w[i].key = (int64_t)i * 600;
		w[i].priority = script[i] == 'P';
	}
	size_t k = queue_fair_order(&policy, w, n, 0, order, 16);
	assert_int_equal(k, n);
	/* N1 N2 P4 N3 N5 P6 N7 N8 P11 N9 N10 (1-based positions): P6 came
	 * before N7, and P11 waits for N7 (more than 30 minutes ahead of it). */
	const size_t want[] = { 0, 1, 3, 2, 4, 5, 6, 7, 10, 8, 9 };
	for (size_t i = 0; i < n; i++)
		assert_int_equal(order[i], want[i]);

	/* A priority patient far behind overtakes only within K. */
	struct waiting far[] = { { 0, false }, { 600, false }, { 1200, false }, { 2400, false }, { 3600, true } };
	k = queue_fair_order(&policy, far, 5, 2, order, 5);
	assert_int_equal(k, 5);
	const size_t want_far[] = { 0, 1, 2, 4, 3 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(order[i], want_far[i]);

	/* max stops early. */
	assert_int_equal(queue_fair_order(&policy, w, n, 0, order, 3), 3);
}

static void estimates(void **state)
{
	(void)state;
	int times[] = { 300, 420, 600 };
	assert_int_equal(queue_service_average(times, 3, 480), 440);
	assert_int_equal(queue_service_average(NULL, 0, 480), 480);
	/* Before the session: from its start; during it: from now. */
	assert_int_equal(queue_estimate(100, 1000, 3, 600, 1), 2800);
	assert_int_equal(queue_estimate(5000, 1000, 3, 600, 2), 5900);
	assert_int_equal(queue_estimate(5000, 1000, 0, 600, 0), 5000);
}

static void ages(void **state)
{
	(void)state;
	assert_int_equal(queue_age_on(D("1966-12-02"), D("2026-12-02")), 60);
	assert_int_equal(queue_age_on(D("1966-12-03"), D("2026-12-02")), 59);
	assert_int_equal(queue_age_on(D("2000-02-29"), D("2026-02-28")), 25);

}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels),
		cmocka_unit_test(wib_times),
		cmocka_unit_test(booking_window),
		cmocka_unit_test(fair_rules),
		cmocka_unit_test(fair_script),
		cmocka_unit_test(estimates),
		cmocka_unit_test(ages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
