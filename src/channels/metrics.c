/* metrics.c - what /metrics shows of the outbox and its channels: the
 * deliveries by channel and state, and how long the oldest waits.  Read
 * from the database, so every instance shows the whole cluster's outbox
 * and the numbers survive restarts.
 */
#include "channels.h"
#include "internal.h"

#include <string.h>
#include <time.h>

#include "app.h"
#include "strbuf.h"

static const char *const channel_names[] = { CH_EMAIL, CH_WHATSAPP, CH_SMS };
static const char *const state_names[] = { "pending", "sending", "sent", "failed", "unknown" };
#define NCHANNELS (sizeof(channel_names) / sizeof(channel_names[0]))
#define NSTATES (sizeof(state_names) / sizeof(state_names[0]))

static int index_of(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Seconds since an ISO-8601 UTC time ("2026-11-28T18:30:00Z"); 0 for NULL. */
static long age_s(time_t now, const char *iso)
{
	struct tm tm = { 0 };
	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return 0;
	long d = (long)(now - timegm(&tm));
	return d > 0 ? d : 0;
}

int channels_metrics(struct app *app, struct db_conn *c, struct strbuf *out)
{
	long long count[NCHANNELS][NSTATES] = { { 0 } };
	long oldest[NCHANNELS] = { 0 };
	time_t now = app_now(app);
	struct db_stmt *st = db_query(c, "SELECT channel, state, count(*), min(created_at) FROM deliveries"
					 " GROUP BY channel, state", "");
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int ch = index_of(channel_names, NCHANNELS, db_col_text(st, 0));
		int s = index_of(state_names, NSTATES, db_col_text(st, 1));
		if (ch < 0 || s < 0)
			continue;
		count[ch][s] = db_col_int(st, 2);
		if (strcmp(state_names[s], "pending") == 0)
			oldest[ch] = age_s(now, db_col_text(st, 3));
	}
	db_done(st);
	if (rc != DB_DONE)
		return -1;
	int64_t waiting = 0;
	char *first = NULL;
	st = db_query(c, "SELECT count(*), min(created_at) FROM notifications WHERE dispatched_at IS NULL", "");
	if (!st || db_step(st) != DB_ROW) {
		if (st)
			db_done(st);
		return -1;
	}
	waiting = db_col_int(st, 0);
	first = arena_strdup(out->arena, db_col_text(st, 1));
	db_done(st);

	strbuf_addstr(out, "# HELP pendopo_outbox_deliveries Deliveries by channel and state: sent, failed (given up),"
			   " unknown (interrupted mid-send), pending and sending.\n"
			   "# TYPE pendopo_outbox_deliveries gauge\n");
	for (size_t i = 0; i < NCHANNELS; i++)
		for (size_t j = 0; j < NSTATES; j++)
			strbuf_addf(out, "pendopo_outbox_deliveries{channel=\"%s\",state=\"%s\"} %lld\n", channel_names[i],
				    state_names[j], count[i][j]);
	strbuf_addstr(out, "# HELP pendopo_outbox_oldest_pending_seconds Age of the oldest delivery not sent yet.\n"
			   "# TYPE pendopo_outbox_oldest_pending_seconds gauge\n");
	for (size_t i = 0; i < NCHANNELS; i++)
		strbuf_addf(out, "pendopo_outbox_oldest_pending_seconds{channel=\"%s\"} %ld\n", channel_names[i],
			    oldest[i]);
	strbuf_addf(out, "# HELP pendopo_outbox_notices_waiting Notices no channel has taken yet.\n"
			 "# TYPE pendopo_outbox_notices_waiting gauge\npendopo_outbox_notices_waiting %lld\n"
			 "# HELP pendopo_outbox_notices_waiting_oldest_seconds Age of the oldest of them.\n"
			 "# TYPE pendopo_outbox_notices_waiting_oldest_seconds gauge\n"
			 "pendopo_outbox_notices_waiting_oldest_seconds %ld\n", (long long)waiting, age_s(now, first));
	return 0;
}
