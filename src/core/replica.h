/* replica.h - public reads answered from a PostgreSQL streaming replica
 * (--db-read).
 *
 * A monitor thread samples the primary's flushed WAL position every
 * REPLICA_SAMPLE_MS and asks the replica how far it has replayed: the
 * replica then holds everything committed before the newest sample it has
 * reached.  A read is sent there only while that moment is within the lag
 * bound; a replica lagging, stopped, promoted or not yet reachable leaves
 * every read on the primary.  Which reads may go there is a route flag
 * (RF_REPLICA); whether this caller's may is the server's business
 * (read-your-writes, server.c).
 */
#ifndef PENDOPO_REPLICA_H
#define PENDOPO_REPLICA_H

#include "db.h"

struct replica;

/* Starts the monitor (one connection of its own to the primary at
 * primary_url); the replica's pool is opened by it once the replica
 * answers.  NULL when out of memory or threads. */
struct replica *replica_start(const char *primary_url, const char *url, int pool, int max_lag_ms);
void replica_free(struct replica *rp);

/* A replica connection for one read, or NULL when the replica is not fit
 * now (the read goes to the primary).  Give it back with replica_release. */
struct db_conn *replica_acquire(struct replica *rp);
void replica_release(struct replica *rp, struct db_conn *c);

/* A read on the replica failed: no more reads go there until the monitor
 * has seen it well again. */
void replica_failed(struct replica *rp);

/* Seconds that a caller's own writes keep its reads on the primary: the
 * lag bound, rounded up, and one more for the client's cookie clock. */
int replica_recent_write_seconds(const struct replica *rp);

enum replica_route {
	REPLICA_READ,		/* answered by the replica */
	REPLICA_RECENT_WRITE,	/* the caller wrote within the bound: primary */
	REPLICA_UNFIT,		/* lagging, down or not a replica: primary */
	REPLICA_RETRIED,	/* failed on the replica, answered by the primary */
	REPLICA_ROUTES
};
void replica_count(struct replica *rp, enum replica_route how);

/* Its lines for /metrics: the lag, whether it is fit, and the reads by
 * where they went. */
void replica_metrics(struct replica *rp, struct strbuf *out);

#endif
