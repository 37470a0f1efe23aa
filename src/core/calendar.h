/* calendar.h - dates of service and working-day arithmetic.
 *
 * A date is an int32_t day number: days since 1970-01-01 in the proleptic
 * Gregorian calendar (negative before it).  Whole days compare and subtract
 * as plain integers, and no time zone is involved once a date exists.  The
 * regency's dates of service are local dates in WIB (Asia/Jakarta, UTC+7,
 * no daylight saving).
 *
 * Working days (specs §6): Monday to Friday, minus national holidays, and
 * minus cuti bersama when the service honours them (CAL_CUTI_BERSAMA_OFF).
 * The day of receipt is day 0.  A receipt on a non-working day counts from
 * the next working day, which then is day 0.  So with no holidays around:
 *
 *	received Fri 2026-11-27, +3 working days -> Wed 2026-12-02
 *	received Sat 2026-11-28, +3 working days -> Thu 2026-12-03
 *
 * workdays_between(h, a, b, p) counts the working days after the normalised
 * a up to and including b, so workdays_between(h, a, workdays_add(h, a, n, p),
 * p) == n for every n >= 0.
 *
 * Nothing here touches the database: callers load the holidays once
 * (holidays_load() in holidays.h) and pass them in; a NULL struct holidays
 * means weekends only.
 */
#ifndef PENDOPO_CALENDAR_H
#define PENDOPO_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strict "YYYY-MM-DD" naming a real date; 0 and *out set, or -1. */
int date_parse(const char *s, int32_t *out);
/* "YYYY-MM-DD" and a NUL; day must fall in the years 0000..9999. */
void date_format(int32_t day, char out[11]);
/* 0 = Sunday .. 6 = Saturday. */
int date_weekday(int32_t day);
/* No range check: date_parse() is the gate for outside input. */
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t day, int *y, int *m, int *d);
/* Today's date in WIB, from the clock alone (TZ is not consulted). */
int32_t date_today_wib(void);

enum holiday_kind { HOLIDAY_NATIONAL, HOLIDAY_CUTI_BERSAMA };

/* days is sorted by day, each day at most once. */
struct holidays {
	struct holiday_day {
		int32_t day;
		enum holiday_kind kind;
	} *days;
	size_t n;
};

/* Policy flags.  Without CAL_CUTI_BERSAMA_OFF a cuti bersama day is an
 * ordinary working day for the service. */
#define CAL_CUTI_BERSAMA_OFF 1u

bool workday_is(const struct holidays *h, int32_t day, unsigned policy);
/* The day that is n working days after the receipt on start (n < 0 counts
 * as 0, giving the normalised start). */
int32_t workdays_add(const struct holidays *h, int32_t start, int n, unsigned policy);
/* Working days after the normalised a up to and including b; 0 when b is
 * not after it. */
int workdays_between(const struct holidays *h, int32_t a, int32_t b, unsigned policy);

#endif
