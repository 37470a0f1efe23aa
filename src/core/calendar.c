/* calendar.c - day numbers, WIB dates and working days (see calendar.h).
 *
 * The civil-date conversions are Howard Hinnant's days_from_civil and
 * civil_from_days: exact for the whole proleptic Gregorian calendar with
 * integer arithmetic only, so no libc time zone or struct tm is involved.
 */
#include "calendar.h"

#include <time.h>

#define WIB_OFFSET_S (7 * 3600)

/* Division rounding toward minus infinity, for dates before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t date_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

static int days_in_month(int y, int m)
{
	static const unsigned char len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

/* Value of n ASCII digits, or -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse(const char *s, int32_t *out)
{
	/* Each part is read only once the one before it matched, so a short
	 * string stops at its NUL (not a digit, not a dash). */
	if (!s)
		return -1;
	int y = digits(s, 4);
	if (y < 0 || s[4] != '-')
		return -1;
	int m = digits(s + 5, 2);
	if (m < 0 || s[7] != '-')
		return -1;
	int d = digits(s + 8, 2);
	if (d < 0 || s[10] != '\0')
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*out = date_from_ymd(y, m, d);
	return 0;
}

/* Written digit by digit: exactly ten characters whatever the input, where
 * snprintf would leave the compiler unsure the year fits. */
static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format(int32_t day, char out[11])
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	put_digits(out, (unsigned)y, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)m, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)d, 2);
	out[10] = '\0';
}

int date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((int64_t)day + 4) - floor_div((int64_t)day + 4, 7) * 7);
}

int32_t date_today_wib(void)
{
	return (int32_t)floor_div((int64_t)time(NULL) + WIB_OFFSET_S, 86400);
}

/* Index of the first holiday on or after day. */
static size_t holiday_lower_bound(const struct holidays *h, int32_t day)
{
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool kind_is_off(enum holiday_kind kind, unsigned policy)
{
	return kind == HOLIDAY_NATIONAL || (policy & CAL_CUTI_BERSAMA_OFF);
}

static bool is_weekday(int32_t day)
{
	int wd = date_weekday(day);
	return wd >= 1 && wd <= 5;
}

bool workday_is(const struct holidays *h, int32_t day, unsigned policy)
{
	if (!is_weekday(day))
		return false;
	if (!h)
		return true;
	size_t i = holiday_lower_bound(h, day);
	return !(i < h->n && h->days[i].day == day && kind_is_off(h->days[i].kind, policy));
}

static int32_t next_workday(const struct holidays *h, int32_t day, unsigned policy)
{
	while (!workday_is(h, day, policy))
		day++;
	return day;
}

int32_t workdays_add(const struct holidays *h, int32_t start, int n, unsigned policy)
{
	int32_t day = next_workday(h, start, policy);
	for (int i = 0; i < n; i++)
		day = next_workday(h, day + 1, policy);
	return day;
}

/* Mondays to Fridays in [1970-01-05, day), negative before it; differences
 * of two of these count weekdays in a span without walking it. */
static int64_t weekdays_before(int64_t day)
{
	int64_t x = day - 4;	/* 1970-01-05 (day 4) was a Monday */
	int64_t weeks = floor_div(x, 7);
	int64_t rest = x - weeks * 7;
	return weeks * 5 + (rest < 5 ? rest : 5);
}

int workdays_between(const struct holidays *h, int32_t a, int32_t b, unsigned policy)
{
	int32_t from = next_workday(h, a, policy);
	if (b <= from)
		return 0;
	int64_t n = weekdays_before((int64_t)b + 1) - weekdays_before((int64_t)from + 1);
	if (h) {
		for (size_t i = holiday_lower_bound(h, from + 1); i < h->n && h->days[i].day <= b; i++)
			if (is_weekday(h->days[i].day) && kind_is_off(h->days[i].kind, policy))
				n--;
	}
	return (int)n;
}
