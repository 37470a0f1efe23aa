/* survey_test.c - the IKM arithmetic (src/survey/compute.c) against figures
 * worked out by hand: band edges, one rounding, the pitfall of rounding
 * each NRR first, Krejcie-Morgan (specs §7), the 95 % interval, periods.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "survey/survey.h"

/* n respondents whose nine element sums add up to total (spread evenly,
 * the remainder on the first elements: only the total moves the IKM). */
static struct survey_sums sums_of(int64_t n, int64_t total)
{
	struct survey_sums s = { .n = n };
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		s.element[e] = total / SURVEY_ELEMENTS + (e < total % SURVEY_ELEMENTS ? 1 : 0);
	return s;
}

static int ikm_of(int64_t n, int64_t total)
{
	struct survey_sums s = sums_of(n, total);
	return survey_ikm100(&s);
}

static void test_band_edges(void **state)
{
	(void)state;
	/* 1,000 respondents; IKM = 25 S / 9000.
	 * S = 23,396: 64.9889 -> 64.99 D; 5 respondents, S = 117: exactly 65.00 C. */
	assert_int_equal(ikm_of(1000, 23396), 6499);
	assert_int_equal(survey_grade(6499), 'D');
	assert_int_equal(ikm_of(5, 117), 6500);
	assert_int_equal(survey_grade(6500), 'C');
	/* S = 27,576: exactly 76.60 C; S = 27,578: 76.6056 -> 76.61 B. */
	assert_int_equal(ikm_of(1000, 27576), 7660);
	assert_int_equal(survey_grade(7660), 'C');
	assert_int_equal(ikm_of(1000, 27578), 7661);
	assert_int_equal(survey_grade(7661), 'B');
	/* S = 31,787: 88.2972 -> 88.30 B; S = 31,790: 88.3056 -> 88.31 A. */
	assert_int_equal(ikm_of(1000, 31787), 8830);
	assert_int_equal(survey_grade(8830), 'B');
	assert_int_equal(ikm_of(1000, 31790), 8831);
	assert_int_equal(survey_grade(8831), 'A');
	/* The ends of the scale: all 1s is 25.00 D, all 4s 100.00 A. */
	assert_int_equal(ikm_of(3, 27), 2500);
	assert_int_equal(ikm_of(3, 108), 10000);
	assert_int_equal(survey_grade(10000), 'A');
	assert_string_equal(survey_grade_name('A'), "Sangat Baik");
	assert_string_equal(survey_grade_name('D'), "Tidak Baik");
	/* No respondent: no index, no grade. */
	assert_int_equal(ikm_of(0, 0), -1);
	assert_int_equal(survey_grade(-1), 0);
}

static void test_one_rounding_half_up(void **state)
{
	(void)state;
	/* 8 respondents, S = 81: 25 x 81 / 72 = 28.125 exactly -> 28.13 (half up). */
	assert_int_equal(ikm_of(8, 81), 2813);
	/* 3 respondents, S = 91: 84.259 -> 84.26; S = 92: 85.185 -> 85.19. */
	assert_int_equal(ikm_of(3, 91), 8426);
	assert_int_equal(ikm_of(3, 92), 8519);
}

/* 7 respondents with element sums 28, 20, 21, 15, 22, 25, 23, 23, 16 (S = 193):
 * exact IKM = 25 x 193 / 63 = 76.5873 -> 76.59, C.  Rounding each NRR to
 * two decimals first (4.00, 2.86, 3.00, 2.14, 3.14, 3.57, 3.29, 3.29, 2.29,
 * summing to 27.58) gives 27.58 / 9 x 25 = 76.61, B: the pitfall of §7. */
static void test_rounding_nrr_first_differs(void **state)
{
	(void)state;
	struct survey_sums s = { .n = 7, .element = { 28, 20, 21, 15, 22, 25, 23, 23, 16 } };
	struct survey_result r;
	survey_compute(&s, 7, &r);
	assert_int_equal(r.ikm100, 7659);
	assert_int_equal(r.grade, 'C');
	assert_int_equal(survey_grade(7661), 'B');	/* what rounding first would say */
	/* NRR x 1000 for display: 28/7 = 4.000, 20/7 = 2.857, 15/7 = 2.143, 16/7 = 2.286 */
	assert_int_equal(r.nrr1000[0], 4000);
	assert_int_equal(r.nrr1000[1], 2857);
	assert_int_equal(r.nrr1000[3], 2143);
	assert_int_equal(r.nrr1000[8], 2286);
	/* weakest: 15 (biaya), 16 (sarana), 20 (prosedur) */
	assert_int_equal(r.nweakest, 3);
	assert_int_equal(r.weakest[0], 3);
	assert_int_equal(r.weakest[1], 8);
	assert_int_equal(r.weakest[2], 1);

	/* 8 respondents, sums 25, 31, 29, 25, 31, 31, 25, 27, 30 (S = 254):
	 * exact 88.19 B; every NRR ends in 5 at the third decimal, so rounding
	 * them first lifts the index to 88.31, A. */
	struct survey_sums h = { .n = 8, .element = { 25, 31, 29, 25, 31, 31, 25, 27, 30 } };
	assert_int_equal(survey_ikm100(&h), 8819);
	assert_int_equal(survey_grade(8819), 'B');
}

static void test_krejcie_morgan(void **state)
{
	(void)state;
	assert_int_equal(survey_sample_needed(100), 80);
	assert_int_equal(survey_sample_needed(500), 217);
	assert_int_equal(survey_sample_needed(1000), 278);
	assert_int_equal(survey_sample_needed(5000), 357);
	assert_int_equal(survey_sample_needed(10000), 370);
	assert_int_equal(survey_sample_needed(1000000), 384);
	assert_int_equal(survey_sample_needed(0), 0);
	assert_int_equal(survey_sample_needed(1), 1);

	/* 1,000 transactions, 250 respondents: short of 278, not representative. */
	struct survey_sums s = sums_of(250, 250 * 27);
	struct survey_result r;
	survey_compute(&s, 1000, &r);
	assert_int_equal(r.sample_needed, 278);
	assert_false(r.representative);
	s = sums_of(278, 278 * 27);
	survey_compute(&s, 1000, &r);
	assert_true(r.representative);
	/* Kiosk codes answer without an offer: the population is at least the respondents. */
	s = sums_of(10, 270);
	survey_compute(&s, 0, &r);
	assert_int_equal(r.sample_needed, 10);
	assert_true(r.representative);
}

/* Four respondents: all 4s (t = 36), all 3s (27), all 2s (18), all 3s (27).
 * Their own indexes 25 t / 9 are 100, 75, 50, 75: mean 75.00, sample
 * variance 1250 / 3, standard error sqrt(1250 / 3) / 2 = 10.2062, half
 * width 1.96 x 10.2062 = 20.0042: 54.9958 .. 95.0042 -> 55.00 .. 95.00. */
static void test_confidence_interval(void **state)
{
	(void)state;
	struct survey_sums s = { .n = 4, .total_sq = 36 * 36 + 27 * 27 + 18 * 18 + 27 * 27 };
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		s.element[e] = 4 + 3 + 2 + 3;
	struct survey_result r;
	survey_compute(&s, 4, &r);
	assert_int_equal(r.ikm100, 7500);
	assert_int_equal(r.ci_low100, 5500);
	assert_int_equal(r.ci_high100, 9500);
	assert_int_equal(r.nweakest, 0);	/* every element alike: none is weakest */

	/* Everyone answered alike: no spread. */
	struct survey_sums same = { .n = 3, .total_sq = 3 * 27 * 27 };
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		same.element[e] = 9;
	survey_compute(&same, 3, &r);
	assert_int_equal(r.ci_low100, 7500);
	assert_int_equal(r.ci_high100, 7500);

	/* One respondent has no interval. */
	struct survey_sums one = { .n = 1, .total_sq = 36 * 36 };
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		one.element[e] = 4;
	survey_compute(&one, 1, &r);
	assert_int_equal(r.ikm100, 10000);
	assert_int_equal(r.ci_low100, -1);
}

static void test_periods(void **state)
{
	(void)state;
	char from[11], to[11];
	assert_int_equal(survey_period_days("2026", from, to), 0);
	assert_string_equal(from, "2026-01-01");
	assert_string_equal(to, "2026-12-31");
	assert_int_equal(survey_period_days("2026-S2", from, to), 0);
	assert_string_equal(from, "2026-07-01");
	assert_string_equal(to, "2026-12-31");
	assert_int_equal(survey_period_days("2026-Q2", from, to), 0);
	assert_string_equal(from, "2026-04-01");
	assert_string_equal(to, "2026-06-30");
	assert_int_equal(survey_period_days("2026-02", from, to), 0);
	assert_string_equal(from, "2026-02-01");
	assert_string_equal(to, "2026-02-31");
	const char *bad[] = { "2026-S3", "2026-Q5", "2026-13", "2026-00", "1999", "2026-1", "26", "2026-", "abcd", NULL };
	for (int i = 0; bad[i]; i++)
		assert_int_equal(survey_period_days(bad[i], from, to), -1);
	assert_int_equal(survey_period_days(NULL, from, to), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_band_edges),
		cmocka_unit_test(test_one_rounding_half_up),
		cmocka_unit_test(test_rounding_nrr_first_differs),
		cmocka_unit_test(test_krejcie_morgan),
		cmocka_unit_test(test_confidence_interval),
		cmocka_unit_test(test_periods),
	};
	return cmocka_run_group_tests_name("survey", tests, NULL, NULL);
}
