/* pg_commit.c - the bare PostgreSQL baseline for durable single-row writes.
 *
 * The same durability as pendopo on PostgreSQL: synchronous_commit=on and
 * fsync=on (checked at start, refused otherwise), so every COMMIT waits for
 * the WAL flush.  Each iteration is BEGIN; UPDATE of one row through a
 * prepared statement; COMMIT - three round trips, the least a request that
 * changes one row in a transaction can cost.  The figure is commits per
 * second, the ceiling pendopo's durable writes are measured against.
 *
 *   cc -O2 bench/pg_commit.c $(pkg-config --cflags --libs libpq) -lpthread -o build/bench-pg-commit
 *   build/bench-pg-commit CONNINFO [THREADS [SECONDS [MAX_COMMITS]]]
 *
 * THREADS=1: one connection.
 * THREADS>1: one connection per thread, each updating its own row, so they
 *            never wait on each other's row lock: the concurrent-writer
 *            shape, where PostgreSQL flushes several commits with one fsync.
 * Stops after SECONDS (default 5) or MAX_COMMITS (default unbounded).
 * Prints: commits=N seconds=S commits_per_s=R threads=T ... p50_ms p99_ms max_ms
 * (latencies of whole transactions, BEGIN to COMMIT).
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64

static const char *conninfo;
static double seconds = 5.0;
static long max_commits = -1;
static atomic_long commits;
static atomic_int failed;
static double t_start;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static PGconn *open_conn(void)
{
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "connect: %s", PQerrorMessage(pg));
		exit(1);
	}
	return pg;
}

/* A simple query that must succeed; 0 or -1. */
static int run_sql(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(pg));
	PQclear(res);
	return ok ? 0 : -1;
}

static int setting_is_on(PGconn *pg, const char *name)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SHOW %s", name);
	PGresult *res = PQexec(pg, sql);
	int on = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		 strcmp(PQgetvalue(res, 0, 0), "on") == 0;
	PQclear(res);
	return on;
}

struct worker {
	int id;
	float *lat_ms;		/* each transaction's BEGIN..COMMIT time */
	size_t nlat, caplat;
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	PGconn *pg = open_conn();
	PGresult *res = PQprepare(pg, "upd",
				  "UPDATE bench_commit SET name = $1, n = n + 1, updated_at = $2 WHERE id = $3",
				  3, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "prepare: %s", PQerrorMessage(pg));
		PQclear(res);
		goto fail;
	}
	PQclear(res);

	char name[64], ts[32], id[16];
	snprintf(id, sizeof id, "%d", w->id);
	const char *values[3] = { name, ts, id };
	long i = 0;
	for (;;) {
		if (now() - t_start >= seconds)
			break;
		if (max_commits >= 0 && atomic_load(&commits) >= max_commits)
			break;
		snprintf(name, sizeof name, "Bench %d-%ld", w->id, i++);
		double t0 = now();
		snprintf(ts, sizeof ts, "%.6f", t0);
		/* BEGIN and COMMIT go as simple queries, as the server sends them. */
		if (run_sql(pg, "BEGIN"))
			goto fail;
		res = PQexecPrepared(pg, "upd", 3, values, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdTuples(res), "1") != 0) {
			fprintf(stderr, "update: %s", PQerrorMessage(pg));
			PQclear(res);
			goto fail;
		}
		PQclear(res);
		if (run_sql(pg, "COMMIT"))
			goto fail;
		atomic_fetch_add(&commits, 1);
		if (w->nlat == w->caplat) {
			size_t cap = w->caplat ? 2 * w->caplat : 65536;
			float *nl = realloc(w->lat_ms, cap * sizeof *nl);
			if (nl) {
				w->lat_ms = nl;
				w->caplat = cap;
			}
		}
		if (w->nlat < w->caplat)
			w->lat_ms[w->nlat++] = (float)((now() - t0) * 1000.0);
	}
	PQfinish(pg);
	return NULL;
fail:
	atomic_store(&failed, 1);
	PQfinish(pg);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CONNINFO [THREADS [SECONDS [MAX_COMMITS]]]\n", argv[0]);
		return 2;
	}
	conninfo = argv[1];
	int nthreads = argc > 2 ? atoi(argv[2]) : 1;
	if (argc > 3)
		seconds = atof(argv[3]);
	if (argc > 4)
		max_commits = atol(argv[4]);
	if (nthreads < 1 || nthreads > MAX_THREADS || seconds <= 0) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}

	PGconn *pg = open_conn();
	/* A figure taken without durable commits would flatter the baseline
	 * and make every ratio against it look worse than it is. */
	if (!setting_is_on(pg, "fsync") || !setting_is_on(pg, "synchronous_commit")) {
		fprintf(stderr, "the server must run with fsync=on and synchronous_commit=on\n");
		return 1;
	}
	if (run_sql(pg, "SET client_min_messages = warning") ||
	    run_sql(pg, "CREATE TABLE IF NOT EXISTS bench_commit(id integer PRIMARY KEY, name text NOT NULL,"
			" n bigint NOT NULL DEFAULT 0, updated_at double precision)") ||
	    run_sql(pg, "INSERT INTO bench_commit(id, name) SELECT i, 'row ' || i"
			" FROM generate_series(1, 64) AS i ON CONFLICT DO NOTHING"))
		return 1;

	pthread_t th[MAX_THREADS];
	struct worker w[MAX_THREADS];
	memset(w, 0, sizeof w);
	t_start = now();
	for (int i = 0; i < nthreads; i++) {
		w[i].id = i + 1;
		if (pthread_create(&th[i], NULL, run, &w[i]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	double elapsed = now() - t_start;

	long long total = 0;
	PGresult *res = PQexec(pg, "SELECT sum(n) FROM bench_commit");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		total = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(pg);

	size_t nlat = 0;
	for (int i = 0; i < nthreads; i++)
		nlat += w[i].nlat;
	float *all = malloc((nlat ? nlat : 1) * sizeof *all);
	size_t k = 0;
	for (int i = 0; i < nthreads; i++) {
		if (all && w[i].nlat)
			memcpy(all + k, w[i].lat_ms, w[i].nlat * sizeof *all);
		k += w[i].nlat;
		free(w[i].lat_ms);
	}
	double p50 = 0, p99 = 0, max = 0;
	if (all && nlat) {
		qsort(all, nlat, sizeof *all, cmp_float);
		size_t i99 = (size_t)((double)nlat * 0.99);
		p50 = all[nlat / 2];
		p99 = all[i99 < nlat ? i99 : nlat - 1];
		max = all[nlat - 1];
	}
	free(all);

	long c = atomic_load(&commits);
	printf("commits=%ld seconds=%.3f commits_per_s=%.1f threads=%d rows_updated_total=%lld"
	       " p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
	       c, elapsed, c / elapsed, nthreads, total, p50, p99, max);
	return atomic_load(&failed) ? 1 : 0;
}
