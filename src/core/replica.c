/* replica.c - the read replica's pool and the monitor that says whether
 * it is fit for a read (replica.h).
 *
 * Lag is measured by WAL position, not by the replica's last replayed
 * commit time: an idle primary commits nothing, and a replica that has
 * replayed all of it is current however old its last commit is. */
#include "replica.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPLICA_SAMPLE_MS 100
/* Samples kept: their span (12.8 s) bounds the largest lag bound. */
#define REPLICA_SAMPLES 128

struct sample {
	int64_t at_us;		/* monotonic time of the sample */
	int64_t lsn;		/* the primary's flushed WAL position then */
};

enum replica_state { STATE_STARTING, STATE_FIT, STATE_DOWN, STATE_NOT_REPLICA, STATE_LAGGING };

struct replica {
	char *primary_url, *url;
	struct db *primary;		/* the monitor's own connection, not the pool's: a busy pool must not stall it */
	int pool, max_lag_ms;
	_Atomic(struct db *) db;	/* NULL until the replica first answered */
	/* Everything committed on the primary before this moment (monotonic
	 * µs) is on the replica; 0: nothing known. */
	_Atomic int64_t visible_us;
	atomic_llong routed[REPLICA_ROUTES];
	/* the monitor's own */
	struct sample ring[REPLICA_SAMPLES];
	int head, nsamples;
	enum replica_state state;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int stop;
};

static const char *state_name(enum replica_state s)
{
	switch (s) {
	case STATE_DOWN:
		return "the replica cannot be reached";
	case STATE_NOT_REPLICA:
		return "the server is not in recovery (not a streaming replica)";
	case STATE_LAGGING:
		return "the replica lags beyond the bound";
	default:
		return "fit";
	}
}

/* Logged when it changes, not every round. */
static void set_state(struct replica *rp, enum replica_state s, const char *why)
{
	if (s == rp->state)
		return;
	if (s == STATE_FIT)
		log_info("read replica in use", LOG_F("db", db_url(atomic_load(&rp->db))));
	else
		log_warn("read replica not used; public reads go to the primary", LOG_F("reason", state_name(s)),
			 LOG_F("error", why));
	rp->state = s;
}

/* The newest sample the replica has replayed past, or NULL. */
static const struct sample *reached(const struct replica *rp, int64_t replayed)
{
	for (int k = 0; k < rp->nsamples; k++) {
		const struct sample *s = &rp->ring[(rp->head - 1 - k + REPLICA_SAMPLES) % REPLICA_SAMPLES];
		if (s->lsn <= replayed)
			return s;
	}
	return NULL;
}

static void monitor_round(struct replica *rp)
{
	char err[256];
	if (!rp->primary && !(rp->primary = db_open(rp->primary_url, 1, err, sizeof(err))))
		return;		/* the primary is away: reads fail there anyway */
	struct db *rdb = atomic_load(&rp->db);
	if (!rdb) {
		if (!(rdb = db_open(rp->url, rp->pool, err, sizeof(err)))) {
			set_state(rp, STATE_DOWN, err);
			return;
		}
		atomic_store(&rp->db, rdb);
	}
	/* The primary first: whatever it had flushed by now, a replica that
	 * replays that far holds. */
	int64_t lsn;
	struct db_conn *c = db_acquire(rp->primary);
	int rc = db_query_int(c, &lsn, "SELECT pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::bigint", NULL);
	db_release(rp->primary, c);
	if (rc != DB_ROW)
		return;
	rp->ring[rp->head] = (struct sample){ .at_us = time_now_us(), .lsn = lsn };
	rp->head = (rp->head + 1) % REPLICA_SAMPLES;
	if (rp->nsamples < REPLICA_SAMPLES)
		rp->nsamples++;

	c = db_acquire(rdb);
	struct db_stmt *st = db_query(c, "SELECT pg_is_in_recovery()::int, "
					 "pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint", NULL);
	rc = st ? db_step(st) : DB_ERROR;
	int recovering = rc == DB_ROW && db_col_int(st, 0);
	int64_t replayed = rc == DB_ROW && !db_col_is_null(st, 1) ? db_col_int(st, 1) : -1;
	char why[256];
	snprintf(why, sizeof(why), "%s", rc == DB_ROW ? "" : db_errmsg(c));
	db_done(st);
	db_release(rdb, c);
	if (rc != DB_ROW) {
		atomic_store(&rp->visible_us, 0);
		set_state(rp, STATE_DOWN, why);
		return;
	}
	if (!recovering) {
		atomic_store(&rp->visible_us, 0);
		set_state(rp, STATE_NOT_REPLICA, "");
		return;
	}
	const struct sample *s = reached(rp, replayed);
	if (s)
		atomic_store(&rp->visible_us, s->at_us);
	int64_t visible = atomic_load(&rp->visible_us);
	set_state(rp, visible && time_now_us() - visible <= (int64_t)rp->max_lag_ms * 1000 ? STATE_FIT : STATE_LAGGING,
		  "");
}

static void *monitor_main(void *arg)
{
	struct replica *rp = arg;
	pthread_mutex_lock(&rp->mu);
	while (!rp->stop) {
		pthread_mutex_unlock(&rp->mu);
		monitor_round(rp);
		pthread_mutex_lock(&rp->mu);
		if (rp->stop)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += REPLICA_SAMPLE_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&rp->wake, &rp->mu, &until);
	}
	pthread_mutex_unlock(&rp->mu);
	return NULL;
}

struct replica *replica_start(const char *primary_url, const char *url, int pool, int max_lag_ms)
{
	struct replica *rp = calloc(1, sizeof(*rp));
	if (!rp || !(rp->url = strdup(url)) || !(rp->primary_url = strdup(primary_url))) {
		if (rp)
			free(rp->url);
		free(rp);
		return NULL;
	}
	rp->pool = pool;
	rp->max_lag_ms = max_lag_ms;
	pthread_mutex_init(&rp->mu, NULL);
	pthread_cond_init(&rp->wake, NULL);
	if (pthread_create(&rp->thread, NULL, monitor_main, rp) != 0) {
		log_error("read replica: the monitor did not start", LOG_F("error", strerror(errno)));
		pthread_mutex_destroy(&rp->mu);
		pthread_cond_destroy(&rp->wake);
		free(rp->primary_url);
		free(rp->url);
		free(rp);
		return NULL;
	}
	return rp;
}

void replica_free(struct replica *rp)
{
	if (!rp)
		return;
	pthread_mutex_lock(&rp->mu);
	rp->stop = 1;
	pthread_cond_signal(&rp->wake);
	pthread_mutex_unlock(&rp->mu);
	pthread_join(rp->thread, NULL);
	db_close(atomic_load(&rp->db));
	db_close(rp->primary);
	pthread_mutex_destroy(&rp->mu);
	pthread_cond_destroy(&rp->wake);
	free(rp->primary_url);
	free(rp->url);
	free(rp);
}

struct db_conn *replica_acquire(struct replica *rp)
{
	struct db *rdb = atomic_load(&rp->db);
	int64_t visible = atomic_load(&rp->visible_us);
	/* The bound holds at the moment of the read, not of the last
	 * sample: a replica that stopped replaying ages out by itself. */
	if (!rdb || !visible || time_now_us() - visible > (int64_t)rp->max_lag_ms * 1000)
		return NULL;
	return db_acquire(rdb);
}

void replica_release(struct replica *rp, struct db_conn *c)
{
	db_release(atomic_load(&rp->db), c);
}

void replica_failed(struct replica *rp)
{
	atomic_store(&rp->visible_us, 0);
}

int replica_recent_write_seconds(const struct replica *rp)
{
	return (rp->max_lag_ms + 999) / 1000 + 1;
}

void replica_count(struct replica *rp, enum replica_route how)
{
	atomic_fetch_add_explicit(&rp->routed[how], 1, memory_order_relaxed);
}

void replica_metrics(struct replica *rp, struct strbuf *out)
{
	static const char *const names[REPLICA_ROUTES] = { "replica", "recent_write", "unfit", "retried" };
	int64_t visible = atomic_load(&rp->visible_us);
	int fit = atomic_load(&rp->db) && visible && time_now_us() - visible <= (int64_t)rp->max_lag_ms * 1000;
	strbuf_addf(out, "# HELP pendopo_db_replica_fit Whether public reads go to the read replica now.\n"
			 "# TYPE pendopo_db_replica_fit gauge\n"
			 "pendopo_db_replica_fit %d\n", fit);
	if (visible)
		strbuf_addf(out, "# HELP pendopo_db_replica_lag_seconds How far the replica is behind the primary's commits.\n"
				 "# TYPE pendopo_db_replica_lag_seconds gauge\n"
				 "pendopo_db_replica_lag_seconds %.3f\n", (double)(time_now_us() - visible) / 1e6);
	strbuf_addf(out, "# HELP pendopo_db_replica_reads_total Public reads that may use the replica, by where they went.\n"
			 "# TYPE pendopo_db_replica_reads_total counter\n");
	for (int i = 0; i < REPLICA_ROUTES; i++)
		strbuf_addf(out, "pendopo_db_replica_reads_total{route=\"%s\"} %lld\n", names[i],
			    (long long)atomic_load(&rp->routed[i]));
}
