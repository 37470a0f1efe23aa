/* stats_cache.c - the public statistics (GET /api/complaints/stats) kept
 * ready per year.
 *
 * Built, they read every complaint of the year: 12.5 million instructions
 * a request at 1,000 complaints, 619 million at 50,000 (callgrind).  They
 * change only when a case or a complaint changes, and as settlement limits
 * pass.  A read compares two stamps, read in the request's snapshot, with
 * the copy in memory: the case engine's (case_figures_stamp) and this
 * module's complaint_figures row, both moved by triggers in the changing
 * transaction, so every instance of a cluster sees a change on its next
 * request; and the copy ends at the first settlement limit to pass among
 * the year's open cases.  Names read elsewhere (units, the register's
 * districts) reach it within STATS_MAX_AGE seconds.
 */
#include "complaints.h"
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "util.h"

#define STATS_MAX_AGE 60
#define STATS_YEARS 8

struct stats_entry {
	long year;
	struct stats_stamp stamp;
	char until[24];
	time_t built;
	char *json;
	size_t len;
};

struct complaint_stats {
	pthread_mutex_t lock;
	struct stats_entry years[STATS_YEARS];
};

struct complaint_stats *complaint_stats_new(void)
{
	struct complaint_stats *s = calloc(1, sizeof(*s));
	if (s && pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void complaint_stats_free(struct complaint_stats *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < STATS_YEARS; i++)
		free(s->years[i].json);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int complaint_stats_stamp(struct req *r, struct stats_stamp *st)
{
	if (case_figures_stamp(r->db, &complaint_type, &st->cases) != 0)
		return -1;
	return db_query_int(r->db, &st->own, "SELECT version FROM complaint_figures WHERE id = 1", "") == DB_ROW ? 0 : -1;
}

static bool fresh(const struct stats_entry *e, const struct stats_stamp *st, time_t now)
{
	char now_iso[24];
	time_iso(now, now_iso);
	return e->json && e->stamp.cases == st->cases && e->stamp.own == st->own && now - e->built < STATS_MAX_AGE &&
	       (!e->until[0] || strcmp(now_iso, e->until) < 0);
}

const char *complaint_stats_get(struct app *app, struct arena *a, long year, const struct stats_stamp *st,
				size_t *len)
{
	struct complaint_stats *s = app->complaint_stats;
	char *out = NULL;
	if (!s)
		return NULL;
	time_t now = app_now(app);
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < STATS_YEARS; i++) {
		struct stats_entry *e = &s->years[i];
		if (e->json && e->year == year) {
			if (fresh(e, st, now) && (out = arena_alloc(a, e->len)) != NULL) {
				memcpy(out, e->json, e->len);
				*len = e->len;
			}
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return out;
}

void complaint_stats_put(struct app *app, long year, const struct stats_stamp *st, const char *until,
			 const char *json, size_t len)
{
	struct complaint_stats *s = app->complaint_stats;
	if (!s || strlen(until) >= sizeof(s->years[0].until))
		return;
	char *copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, json, len);
	pthread_mutex_lock(&s->lock);
	/* The year's entry, else an empty one, else the one built longest ago. */
	struct stats_entry *e = NULL;
	for (size_t i = 0; i < STATS_YEARS && !e; i++)
		if (s->years[i].json && s->years[i].year == year)
			e = &s->years[i];
	for (size_t i = 0; i < STATS_YEARS && !e; i++)
		if (!s->years[i].json)
			e = &s->years[i];
	if (!e) {
		e = &s->years[0];
		for (size_t i = 1; i < STATS_YEARS; i++)
			if (s->years[i].built < e->built)
				e = &s->years[i];
	} else if (e->json && e->year == year && (e->stamp.cases > st->cases || e->stamp.own > st->own)) {
		/* A slower builder of older figures never replaces newer ones. */
		pthread_mutex_unlock(&s->lock);
		free(copy);
		return;
	}
	free(e->json);
	e->year = year;
	e->stamp = *st;
	strcpy(e->until, until);
	e->built = app_now(app);
	e->json = copy;
	e->len = len;
	pthread_mutex_unlock(&s->lock);
}
