/* rules.h - Simantri's pure rules: queue numbers, booking windows, the fair
 * interleaving of priority patients and wait estimates.
 *
 * Nothing here reads the database or the clock: callers pass the facts and
 * the time in, so the unit tests (tests/unit/queue_rules_test.c) pin every
 * case and the server, the Antrol interface and the tests agree.
 *
 * Times are epoch seconds (UTC); a service date is a day number
 * (calendar.h) of the regency's local date in WIB, and a time of day is
 * minutes after local midnight.
 */
#ifndef PENDOPO_QUEUE_RULES_H
#define PENDOPO_QUEUE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

#define QUEUE_PREFIX_MAX 3		/* "A", "GG", "KIA" */
#define QUEUE_LABEL_MAX 16		/* "KIA-1234" and a NUL, with room */

/* "A-001": the poli's prefix, a dash and the number in at least three
 * digits.  Returns the length, or -1 when it does not fit. */
int queue_label(char *out, size_t size, const char *prefix, int number);
/* A label as a patient or officer types it: "A-001", "a-1", "A001", "A 12".
 * 0 with the prefix (capitals) and number, -1 when it is not one. */
int queue_label_parse(const char *text, char prefix[QUEUE_PREFIX_MAX + 1], int *number);
/* A prefix is one to three capital letters. */
bool queue_prefix_valid(const char *prefix);

/* Local (WIB) day and minute to epoch seconds, and back. */
int64_t queue_wib_epoch(int32_t day, int minute);
void queue_wib_split(int64_t t, int32_t *day, int *minute);
/* "08:00" for minute 480, and back (strict "HH:MM", -1 when not). */
void queue_minute_format(int minute, char out[6]);
int queue_minute_parse(const char *s);
/* "08:00-12:00" (BPJS jampraktek) to minutes; -1 when malformed. */
int queue_hours_parse(const char *s, int *start, int *end);

/* When bookings for a date open and close: open_days before the date at
 * open_minute, until close_days before it at close_minute (0 days: the same
 * day).  Defaults: 7 days ahead at 06:00, the day before at 20:00. */
struct booking_window {
	int open_days, open_minute;
	int close_days, close_minute;
};
void queue_booking_window(const struct booking_window *w, int32_t day, int64_t *opens, int64_t *closes);

/* The fair call order of a line with priority patients (elderly, disabled,
 * pregnant).  Each waiting patient has a key: their place in the line (the
 * booked slot, or when they joined).  With n the first normal patient and
 * p the first priority patient by key:
 *
 *   1. one line empty: call from the other;
 *   2. p is not behind n (p.key <= n.key): call p;
 *   3. n is ahead of p by more than max_overtake_s: call n - a priority
 *      patient overtakes only the normal patients who came at most that
 *      long before them (the "K minutes" a normal patient may be made to
 *      wait beyond a priority patient who came later);
 *   4. otherwise one priority patient after every `every` normal ones:
 *      call p when run (normal patients called since the last priority
 *      one) has reached every, else n.
 *
 * every = 0 lets priority patients go first (within rule 3);
 * max_overtake_s = 0 turns overtaking off (plain first come, first served).
 */
struct fair_policy {
	int every;
	int max_overtake_s;
};
enum fair_pick { FAIR_NONE, FAIR_NORMAL, FAIR_PRIORITY };
enum fair_pick queue_fair_next(const struct fair_policy *p, bool has_normal, int64_t normal_key,
			       bool has_priority, int64_t priority_key, int run);
/* The run after calling pick. */
int queue_fair_run_after(enum fair_pick pick, int run);

struct waiting {
	int64_t key;
	bool priority;
};
/* The call order of a whole line: w sorted by key, out receives indices
 * into w, run is the current run.  Returns how many were written (at most
 * max). */
size_t queue_fair_order(const struct fair_policy *p, const struct waiting *w, size_t n, int run,
			size_t *out, size_t max);

/* Mean of the service times in seconds (the day's latest), or fallback_s
 * when there are none yet. */
int queue_service_average(const int *seconds, size_t n, int fallback_s);
/* When a patient with ahead others before them should be served: from the
 * later of now and the session's start, ahead times the average service
 * time spread over the counters serving the line (at least one). */
int64_t queue_estimate(int64_t now, int64_t session_start, int ahead, int average_s, int counters);

/* Age in whole years on day of someone born on birth_day. */
int queue_age_on(int32_t birth_day, int32_t day);
#define ELDERLY_AGE 60

#endif
