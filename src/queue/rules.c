/* rules.c - queue numbers, booking windows, fair interleaving and wait
 * estimates (see rules.h). */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#define WIB_OFFSET_S (7 * 3600)

int queue_label(char *out, size_t size, const char *prefix, int number)
{
	int n = snprintf(out, size, "%s-%03d", prefix, number);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

bool queue_prefix_valid(const char *prefix)
{
	size_t n = strlen(prefix);
	if (n < 1 || n > QUEUE_PREFIX_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (prefix[i] < 'A' || prefix[i] > 'Z')
			return false;
	return true;
}

int queue_label_parse(const char *text, char prefix[QUEUE_PREFIX_MAX + 1], int *number)
{
	size_t n = 0;
	const char *s = text;
	while (*s == ' ')
		s++;
	for (; ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) && n < QUEUE_PREFIX_MAX; s++)
		prefix[n++] = (char)(*s >= 'a' ? *s - ('a' - 'A') : *s);
	prefix[n] = '\0';
	if (n == 0)
		return -1;
	if (*s == '-' || *s == ' ')
		s++;
	long v = 0;
	int digits = 0;
	for (; *s >= '0' && *s <= '9' && digits < 6; s++, digits++)
		v = v * 10 + (*s - '0');
	while (*s == ' ')
		s++;
	if (digits == 0 || *s || v < 1)
		return -1;
	*number = (int)v;
	return 0;
}

int64_t queue_wib_epoch(int32_t day, int minute)
{
	return (int64_t)day * 86400 + (int64_t)minute * 60 - WIB_OFFSET_S;
}

void queue_wib_split(int64_t t, int32_t *day, int *minute)
{
	int64_t local = t + WIB_OFFSET_S;
	int64_t d = local / 86400, rem = local % 86400;
	if (rem < 0) {
		rem += 86400;
		d--;
	}
	*day = (int32_t)d;
	*minute = (int)(rem / 60);
}

void queue_minute_format(int minute, char out[6])
{
	if (minute < 0 || minute >= 24 * 60)
		minute = 0;
	snprintf(out, 6, "%02d:%02d", minute / 60, minute % 60);
}

/* "HH:MM" at the start of s: minutes, or -1. */
static int clock_parse(const char *s)
{
	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 ? h * 60 + m : -1;
}

int queue_minute_parse(const char *s)
{
	return s && strlen(s) == 5 ? clock_parse(s) : -1;
}

int queue_hours_parse(const char *s, int *start, int *end)
{
	if (!s || strlen(s) != 11 || s[5] != '-')
		return -1;
	int a = clock_parse(s), b = clock_parse(s + 6);
	if (a < 0 || b < 0 || b <= a)
		return -1;
	*start = a;
	*end = b;
	return 0;
}

void queue_booking_window(const struct booking_window *w, int32_t day, int64_t *opens, int64_t *closes)
{
	*opens = queue_wib_epoch(day - w->open_days, w->open_minute);
	*closes = queue_wib_epoch(day - w->close_days, w->close_minute);
}

enum fair_pick queue_fair_next(const struct fair_policy *p, bool has_normal, int64_t normal_key,
			       bool has_priority, int64_t priority_key, int run)
{
	if (!has_normal)
		return has_priority ? FAIR_PRIORITY : FAIR_NONE;
	if (!has_priority)
		return FAIR_NORMAL;
	if (priority_key <= normal_key)
		return FAIR_PRIORITY;
	if (priority_key - normal_key > (int64_t)p->max_overtake_s)
		return FAIR_NORMAL;
	return run >= p->every ? FAIR_PRIORITY : FAIR_NORMAL;
}

int queue_fair_run_after(enum fair_pick pick, int run)
{
	return pick == FAIR_PRIORITY ? 0 : pick == FAIR_NORMAL ? run + 1 : run;
}

size_t queue_fair_order(const struct fair_policy *p, const struct waiting *w, size_t n, int run,
			size_t *out, size_t max)
{
	size_t in = 0, ip = 0, k = 0;
	for (;;) {
		while (in < n && w[in].priority)
			in++;
		while (ip < n && !w[ip].priority)
			ip++;
		if (k == max)
			break;
		enum fair_pick pick = queue_fair_next(p, in < n, in < n ? w[in].key : 0,
						      ip < n, ip < n ? w[ip].key : 0, run);
		if (pick == FAIR_NONE)
			break;
		out[k++] = pick == FAIR_NORMAL ? in++ : ip++;
		run = queue_fair_run_after(pick, run);
	}
	return k;
}

int queue_service_average(const int *seconds, size_t n, int fallback_s)
{
	if (n == 0)
		return fallback_s;
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += seconds[i];
	return (int)((sum + (int64_t)n / 2) / (int64_t)n);
}

int64_t queue_estimate(int64_t now, int64_t session_start, int ahead, int average_s, int counters)
{
	int64_t from = now > session_start ? now : session_start;
	if (counters < 1)
		counters = 1;
	if (ahead < 0)
		ahead = 0;
	return from + (int64_t)ahead * average_s / counters;
}

int queue_age_on(int32_t birth_day, int32_t day)
{
	int by, bm, bd, y, m, d;
	date_to_ymd(birth_day, &by, &bm, &bd);
	date_to_ymd(day, &y, &m, &d);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}
