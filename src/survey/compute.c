/* compute.c - the IKM arithmetic of PermenPANRB 14/2017 (specs §7): NRR,
 * IKM, grade, Krejcie-Morgan sample, confidence interval, periods.
 *
 * Pure functions on integer sums.  The regulation's formula
 * IKM = sum(NRR_e x 1/9) x 25 with NRR_e = S_e / n is, multiplied out,
 * 25 S / (9 n) where S sums every answer: one division, done on integers
 * and rounded half up once, so no intermediate rounding (the pitfall of
 * rounding each NRR first) can move a unit across a band edge.
 */
#include "survey.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Grade thresholds on IKM x 100 (specs §7). */
#define GRADE_A 8831
#define GRADE_B 7661
#define GRADE_C 6500

/* floor(num / den + 1/2) for num >= 0, den > 0. */
static int64_t div_round(int64_t num, int64_t den)
{
	return (2 * num + den) / (2 * den);
}

int survey_ikm100(const struct survey_sums *s)
{
	if (s->n <= 0)
		return -1;
	int64_t all = 0;
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		all += s->element[e];
	return (int)div_round(all * 2500, (int64_t)SURVEY_ELEMENTS * s->n);
}

char survey_grade(int ikm100)
{
	if (ikm100 < 0)
		return 0;
	return ikm100 >= GRADE_A ? 'A' : ikm100 >= GRADE_B ? 'B' : ikm100 >= GRADE_C ? 'C' : 'D';
}

const char *survey_grade_name(char grade)
{
	switch (grade) {
	case 'A': return "Sangat Baik";
	case 'B': return "Baik";
	case 'C': return "Kurang Baik";
	case 'D': return "Tidak Baik";
	}
	return "";
}

/* s = chi2 N P(1-P) / (d^2 (N-1) + chi2 P(1-P)) with chi2 = 3.841, P = 0.5,
 * d = 0.05; times 4000 above and below: 3841 N / (10 N + 3831). */
int64_t survey_sample_needed(int64_t population)
{
	if (population <= 0)
		return 0;
	return div_round(3841 * population, 10 * population + 3831);
}

/* Normal approximation: each respondent's own index y = 25 t / 9 (t the sum
 * of their nine answers) has mean IKM; the interval is IKM +- 1.96 s / sqrt(n)
 * with s the sample standard deviation of y, from the integer sums of t and t^2. */
static void confidence(const struct survey_sums *s, int64_t all, struct survey_result *out)
{
	out->ci_low100 = out->ci_high100 = -1;
	if (s->n < 2)
		return;
	double n = (double)s->n;
	double var_t = ((double)s->n * (double)s->total_sq - (double)all * (double)all) / (n * (n - 1));
	double mean = 25.0 * (double)all / (9.0 * n);
	double half = 1.96 * (25.0 / 9.0) * sqrt(var_t > 0 ? var_t / n : 0);
	double lo = mean - half < 25 ? 25 : mean - half, hi = mean + half > 100 ? 100 : mean + half;
	out->ci_low100 = (int)floor(lo * 100 + 0.5);
	out->ci_high100 = (int)floor(hi * 100 + 0.5);
}

void survey_compute(const struct survey_sums *s, int64_t transactions, struct survey_result *out)
{
	memset(out, 0, sizeof(*out));
	out->respondents = s->n;
	out->transactions = transactions;
	/* Kiosk codes handed out in batches are answered without an offer: the
	 * population is at least the respondents. */
	out->sample_needed = survey_sample_needed(transactions > s->n ? transactions : s->n);
	out->representative = s->n > 0 && s->n >= out->sample_needed;
	out->ikm100 = survey_ikm100(s);
	out->grade = survey_grade(out->ikm100);
	out->ci_low100 = out->ci_high100 = -1;
	if (s->n <= 0) {
		for (int e = 0; e < SURVEY_ELEMENTS; e++)
			out->nrr1000[e] = -1;
		return;
	}
	int64_t all = 0;
	for (int e = 0; e < SURVEY_ELEMENTS; e++) {
		all += s->element[e];
		out->nrr1000[e] = (int)div_round(s->element[e] * 1000, s->n);
	}
	confidence(s, all, out);
	/* The three lowest sums (the same n divides each), the first element
	 * first on a tie; an element as good as the best one is no weakness. */
	int64_t best = 0;
	for (int e = 0; e < SURVEY_ELEMENTS; e++)
		if (s->element[e] > best)
			best = s->element[e];
	bool taken[SURVEY_ELEMENTS] = { false };
	for (out->nweakest = 0; out->nweakest < 3; out->nweakest++) {
		int low = -1;
		for (int e = 0; e < SURVEY_ELEMENTS; e++)
			if (!taken[e] && s->element[e] < best && (low < 0 || s->element[e] < s->element[low]))
				low = e;
		if (low < 0)
			break;
		taken[low] = true;
		out->weakest[out->nweakest] = low;
	}
}

int survey_period_days(const char *p, char from[11], char to[11])
{
	static const char *const quarter_from[] = { "01-01", "04-01", "07-01", "10-01" };
	static const char *const quarter_to[] = { "03-31", "06-30", "09-30", "12-31" };
	size_t n = p ? strlen(p) : 0;
	if (n < 4)
		return -1;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	int year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	if (year < 2000 || year > 2999)
		return -1;
	if (n == 4) {
		snprintf(from, 11, "%04d-01-01", year);
		snprintf(to, 11, "%04d-12-31", year);
		return 0;
	}
	if (n != 7 || p[4] != '-')
		return -1;
	if (p[5] == 'S' && (p[6] == '1' || p[6] == '2')) {
		snprintf(from, 11, "%04d-%s", year, p[6] == '1' ? "01-01" : "07-01");
		snprintf(to, 11, "%04d-%s", year, p[6] == '1' ? "06-30" : "12-31");
		return 0;
	}
	if (p[5] == 'Q' && p[6] >= '1' && p[6] <= '4') {
		snprintf(from, 11, "%04d-%s", year, quarter_from[p[6] - '1']);
		snprintf(to, 11, "%04d-%s", year, quarter_to[p[6] - '1']);
		return 0;
	}
	if (p[5] < '0' || p[5] > '1' || p[6] < '0' || p[6] > '9')
		return -1;
	int month = (p[5] - '0') * 10 + (p[6] - '0');
	if (month < 1 || month > 12)
		return -1;
	/* Days are compared as text, so every month may end on its 31st. */
	snprintf(from, 11, "%04d-%02d-01", year, month);
	snprintf(to, 11, "%04d-%02d-31", year, month);
	return 0;
}
