/* sqlite_commit.c - the bare SQLite baseline for durable single-row writes.
 *
 * The same durability as pendopo on SQLite: journal_mode=WAL,
 * synchronous=FULL, so every COMMIT waits for an fsync of the WAL.  Each
 * transaction updates one row and commits; the figure is commits per second,
 * the ceiling for a request that changes one row and answers only once the
 * change is on disk.
 *
 *   cc -O2 bench/sqlite_commit.c $(pkg-config --cflags --libs sqlite3) -lpthread -o build/bench-sqlite-commit
 *   build/bench-sqlite-commit DBPATH [THREADS [SECONDS [MAX_COMMITS]]]
 *
 * THREADS=1: one connection, a plain BEGIN ... COMMIT loop.
 * THREADS>1: one connection per thread, BEGIN IMMEDIATE with busy_timeout,
 *            each thread updating its own row: the concurrent shape of a
 *            server taking writes on several connections.
 * Stops after SECONDS (default 5) or MAX_COMMITS (default unbounded).
 * Prints: commits=N seconds=S commits_per_s=R busy=B ... p50_ms p99_ms max_ms
 * (the latencies are of whole transactions, BEGIN to COMMIT, waits included).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *db_path;
static double seconds = 5.0;
static long max_commits = -1;
static atomic_long commits;
static atomic_long busy;
static atomic_int failed;
static double t_start;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db;
	if (sqlite3_open(db_path, &db) != SQLITE_OK) {
		fprintf(stderr, "open %s: %s\n", db_path, sqlite3_errmsg(db));
		exit(1);
	}
	char *err = NULL;
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "pragma: %s\n", err);
		exit(1);
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static int exec_busy(sqlite3 *db, sqlite3_stmt *st)
{
	for (;;) {
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_BUSY) {
			atomic_fetch_add(&busy, 1);
			continue;
		}
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "step: %s\n", sqlite3_errmsg(db));
			return -1;
		}
		return 0;
	}
}

struct worker {
	int id;
	int immediate;
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
	sqlite3 *db = open_db();
	sqlite3_stmt *begin, *upd, *commit;
	if (sqlite3_prepare_v2(db, w->immediate ? "BEGIN IMMEDIATE" : "BEGIN", -1, &begin, NULL) ||
	    sqlite3_prepare_v2(db, "UPDATE bench SET name = ?, n = n + 1, updated_at = ? WHERE id = ?", -1, &upd, NULL) ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL)) {
		fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	char name[64];
	long i = 0;
	for (;;) {
		if (now() - t_start >= seconds)
			break;
		if (max_commits >= 0 && atomic_load(&commits) >= max_commits)
			break;
		snprintf(name, sizeof name, "Bench %d-%ld", w->id, i++);
		double t0 = now();
		if (exec_busy(db, begin))
			goto fail;
		sqlite3_bind_text(upd, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(upd, 2, now());
		sqlite3_bind_int(upd, 3, w->id);
		int rc = sqlite3_step(upd);
		sqlite3_reset(upd);
		if (rc != SQLITE_DONE || sqlite3_changes(db) != 1) {
			fprintf(stderr, "update: %s\n", sqlite3_errmsg(db));
			goto fail;
		}
		if (exec_busy(db, commit))
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
	sqlite3_finalize(begin);
	sqlite3_finalize(upd);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	return NULL;
fail:
	atomic_store(&failed, 1);
	sqlite3_close(db);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DBPATH [THREADS [SECONDS [MAX_COMMITS]]]\n", argv[0]);
		return 2;
	}
	db_path = argv[1];
	int nthreads = argc > 2 ? atoi(argv[2]) : 1;
	if (argc > 3)
		seconds = atof(argv[3]);
	if (argc > 4)
		max_commits = atol(argv[4]);
	if (nthreads < 1 || nthreads > 64 || seconds <= 0) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}

	sqlite3 *db = open_db();
	char *err = NULL;
	if (sqlite3_exec(db,
			 "CREATE TABLE IF NOT EXISTS bench(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			 " n INTEGER NOT NULL DEFAULT 0, updated_at REAL);"
			 "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 64)"
			 " INSERT OR IGNORE INTO bench(id, name) SELECT i, 'row ' || i FROM k;",
			 NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}

	pthread_t th[64];
	struct worker w[64];
	t_start = now();
	memset(w, 0, sizeof w);
	for (int i = 0; i < nthreads; i++) {
		w[i].id = i + 1;
		w[i].immediate = nthreads > 1;
		pthread_create(&th[i], NULL, run, &w[i]);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	double elapsed = now() - t_start;

	sqlite3_int64 total = 0;
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT sum(n) FROM bench", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);

	size_t nlat = 0;
	for (int i = 0; i < nthreads; i++)
		nlat += w[i].nlat;
	float *all = malloc((nlat ? nlat : 1) * sizeof *all);
	size_t k = 0;
	for (int i = 0; i < nthreads; i++) {
		if (all)
			memcpy(all + k, w[i].lat_ms, w[i].nlat * sizeof *all);
		k += w[i].nlat;
		free(w[i].lat_ms);
	}
	double p50 = 0, p99 = 0, max = 0;
	if (all && nlat) {
		qsort(all, nlat, sizeof *all, cmp_float);
		p50 = all[nlat / 2];
		p99 = all[(size_t)((double)nlat * 0.99) < nlat ? (size_t)((double)nlat * 0.99) : nlat - 1];
		max = all[nlat - 1];
	}
	free(all);

	long c = atomic_load(&commits);
	printf("commits=%ld seconds=%.3f commits_per_s=%.1f busy=%ld threads=%d rows_updated_total=%lld"
	       " p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
	       c, elapsed, c / elapsed, atomic_load(&busy), nthreads, (long long)total, p50, p99, max);
	return atomic_load(&failed) ? 1 : 0;
}
