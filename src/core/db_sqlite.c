/* db_sqlite.c - the SQLite backend: WAL, synchronous=FULL, cached statements.
 *
 * synchronous=FULL in WAL mode fsyncs the log at every commit, which is what
 * lets a 2xx promise the change survives a power cut.  Statements are cached
 * per connection by SQL text, because preparing costs more than running the
 * short queries a request makes.
 */
#include "db_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_SLOTS 128

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	const char *sql;	/* owned by st (sqlite3_sql) */
	unsigned hash;
	int busy;		/* between prepare and finish */
	int cached;
};

struct sq_conn {
	struct db_conn base;
	sqlite3 *db;
	int wal_fd;		/* group commit: our own handle on the -wal file */
	struct sq_stmt *cache[CACHE_SLOTS];
	int evict;
};

static int sq_exec_script(struct db_conn *base, const char *sql);

/* SQLite's result code as one of ours: the class of a failure is what
 * decides the answer (a full disk is not a bug, nor a retry). */
static int classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_IOERR:
		return DB_IOERR;
	default:
		return DB_ERROR;
	}
}

static int map_rc(struct sq_conn *c, int rc)
{
	int ours = classify(rc);
	if (ours < 0) {
		snprintf(c->base.err, sizeof(c->base.err), "%s", sqlite3_errmsg(c->db));
		c->base.err_rc = ours;
	}
	return ours;
}

/* SQLite's global memory statistics take a mutex on every allocation and
 * nothing reads them; the setting is process-wide and must precede the
 * first connection. */
static void sq_process_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static struct db_conn *sq_connect(const char *path, char *err, size_t errlen)
{
	static pthread_once_t setup = PTHREAD_ONCE_INIT;
	pthread_once(&setup, sq_process_setup);
	struct sq_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	int rc = sqlite3_open_v2(path, &c->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) : "cannot open");
		sqlite3_close(c->db);
		free(c);
		return NULL;
	}
	c->wal_fd = -1;
	sqlite3_busy_timeout(c->db, 10000);
	char *msg = NULL;
	rc = sqlite3_exec(c->db,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=FULL;"
			  "PRAGMA foreign_keys=ON;"
			  "PRAGMA temp_store=MEMORY;"
			  /* No memory map: in WAL mode a connection drops its
			   * whole mapping (munmap, a TLB flush on every core)
			   * whenever another connection has committed since its
			   * last transaction, which under steady writes cost
			   * more than the reads it saves (PATCH /api/me 0.50 of
			   * the bare commit loop mapped, 0.95 not). */
			  "PRAGMA mmap_size=0;"
			  /* 2 MiB, not 16: a reader's cache is dropped whenever
			   * another connection has committed, and the writer's
			   * grows by every page it appends, so 16 MiB only held
			   * RSS (17 connections, up to 272 MiB; the soak grew
			   * 3.5 MB a minute in the writer's alone).  In 4
			   * minutes of bench/soak.sh the readers missed
			   * 2,767,126 pages against 2,763,654 with 16 MiB and
			   * the writer 230 against 102 (of 880,000 hits). */
			  "PRAGMA cache_size=-2048;", NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		sqlite3_close(c->db);
		free(c);
		return NULL;
	}
	return &c->base;
}

static void stmt_free(struct sq_stmt *s)
{
	sqlite3_finalize(s->st);
	free(s);
}

static void sq_disconnect(struct db_conn *base)
{
	struct sq_conn *c = (struct sq_conn *)base;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->cache[i])
			stmt_free(c->cache[i]);
	if (c->wal_fd >= 0)
		close(c->wal_fd);
	sqlite3_close(c->db);
	free(c);
}

/* In WAL mode synchronous=NORMAL writes a commit to the log without an
 * fsync; an fsync of the log file afterwards, through any descriptor, makes
 * it and every earlier commit durable.  That is what lets many commits
 * share one fsync. */
static int wal_open(struct sq_conn *c)
{
	char path[4096];
	const char *file = sqlite3_db_filename(c->db, "main");
	if (!file || !*file)
		return DB_ERROR;
	snprintf(path, sizeof(path), "%s-wal", file);
	if (c->wal_fd >= 0)
		close(c->wal_fd);
	c->wal_fd = open(path, O_RDWR | O_CLOEXEC);
	if (c->wal_fd < 0) {
		snprintf(c->base.err, sizeof(c->base.err), "%.200s: %s", path, strerror(errno));
		return c->base.err_rc = DB_IOERR;
	}
	return DB_OK;
}

static int sq_defer_sync(struct db_conn *base)
{
	struct sq_conn *c = (struct sq_conn *)base;
	if (wal_open(c) != DB_OK)
		return DB_ERROR;
	return sq_exec_script(base, "PRAGMA synchronous=NORMAL");
}

static int sq_sync(struct db_conn *base)
{
	struct sq_conn *c = (struct sq_conn *)base;
	struct stat st;
	/* SQLite deletes the log when the last connection to the database
	 * closes; should that ever happen under us, sync the new one. */
	if (fstat(c->wal_fd, &st) != 0 || st.st_nlink == 0) {
		if (wal_open(c) != DB_OK)
			return DB_IOERR;
	}
	if (fdatasync(c->wal_fd) != 0) {
		snprintf(base->err, sizeof(base->err), "fsync of the log failed: %s", strerror(errno));
		return base->err_rc = errno == ENOSPC || errno == EDQUOT ? DB_FULL : DB_IOERR;
	}
	return DB_OK;
}

static struct db_stmt *sq_prepare(struct db_conn *base, const char *sql)
{
	struct sq_conn *c = (struct sq_conn *)base;
	unsigned h = db_sql_hash(sql);
	int free_slot = -1;

	/* Looked for from the slot its hash names, where it was put when that
	 * was free: a hit is then found at once rather than by a scan from
	 * slot 0 (with the whole text hashed, 1,400 instructions a statement
	 * before, about 300 now). */
	for (int n = 0; n < CACHE_SLOTS; n++) {
		int i = (int)((h + (unsigned)n) % CACHE_SLOTS);
		struct sq_stmt *s = c->cache[i];
		if (!s) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (s->hash == h && !s->busy && strcmp(s->sql, sql) == 0) {
			s->busy = 1;
			return &s->base;
		}
	}

	struct sq_stmt *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(base->err, sizeof(base->err), "out of memory");
		base->err_rc = DB_ERROR;
		return NULL;
	}
	int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		map_rc(c, rc);
		free(s);
		return NULL;
	}
	s->base.conn = base;
	s->sql = sqlite3_sql(s->st);
	s->hash = h;
	s->busy = 1;

	if (free_slot < 0) {
		/* Evict round-robin, skipping statements still being stepped;
		 * when all are busy the new one simply stays uncached. */
		for (int n = 0; n < CACHE_SLOTS; n++) {
			int i = (c->evict + n) % CACHE_SLOTS;
			if (!c->cache[i]->busy) {
				stmt_free(c->cache[i]);
				c->cache[i] = NULL;
				free_slot = i;
				c->evict = (i + 1) % CACHE_SLOTS;
				break;
			}
		}
	}
	if (free_slot >= 0) {
		s->cached = 1;
		c->cache[free_slot] = s;
	}
	return &s->base;
}

static void sq_finish(struct db_stmt *base)
{
	struct sq_stmt *s = (struct sq_stmt *)base;
	if (!s->cached) {
		stmt_free(s);
		return;
	}
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->busy = 0;
}

#define SQ(st) (((struct sq_stmt *)(st))->st)
#define SQC(st) ((struct sq_conn *)(st)->conn)

static int sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return map_rc(SQC(st), sqlite3_bind_int64(SQ(st), i, v));
}

static int sq_bind_double(struct db_stmt *st, int i, double v)
{
	return map_rc(SQC(st), sqlite3_bind_double(SQ(st), i, v));
}

static int sq_bind_text(struct db_stmt *st, int i, const char *v, bool copy)
{
	return map_rc(SQC(st), sqlite3_bind_text(SQ(st), i, v, -1, copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
}

static int sq_bind_null(struct db_stmt *st, int i)
{
	return map_rc(SQC(st), sqlite3_bind_null(SQ(st), i));
}

static int sq_step(struct db_stmt *st)
{
	return map_rc(SQC(st), sqlite3_step(SQ(st)));
}

static bool sq_writes(struct db_stmt *st)
{
	return !sqlite3_stmt_readonly(SQ(st));
}

static int64_t sq_col_int(struct db_stmt *st, int i) { return sqlite3_column_int64(SQ(st), i); }
static double sq_col_double(struct db_stmt *st, int i) { return sqlite3_column_double(SQ(st), i); }
static const char *sq_col_text(struct db_stmt *st, int i) { return (const char *)sqlite3_column_text(SQ(st), i); }
static int sq_col_is_null(struct db_stmt *st, int i) { return sqlite3_column_type(SQ(st), i) == SQLITE_NULL; }
static int sq_col_count(struct db_stmt *st) { return sqlite3_column_count(SQ(st)); }
static const char *sq_col_name(struct db_stmt *st, int i) { return sqlite3_column_name(SQ(st), i); }
static int64_t sq_changes(struct db_stmt *st) { return sqlite3_changes64(SQC(st)->db); }

static bool is_tx_control(const char *sql)
{
	static const char *const verbs[] = { "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT ", "RELEASE " };
	if (strchr(sql, ';'))
		return false;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		if (strncmp(sql, verbs[i], strlen(verbs[i])) == 0)
			return true;
	return false;
}

static int sq_exec_script(struct db_conn *base, const char *sql)
{
	struct sq_conn *c = (struct sq_conn *)base;
	/* Transaction control (every transaction has two or more) runs from
	 * the statement cache: sqlite3_exec parsed it again each time, 3,500
	 * instructions of a 130,000-instruction read. */
	if (is_tx_control(sql)) {
		struct db_stmt *st = sq_prepare(base, sql);
		if (!st)
			return base->err_rc;
		int rc = sq_step(st);
		sq_finish(st);
		return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
	}
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(base->err, sizeof(base->err), "%s", msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		return base->err_rc = classify(rc);
	}
	return DB_OK;
}

/* The online backup API in one step: the copy is the database as of one
 * read snapshot, taken without blocking writers (WAL).  The copy leaves
 * WAL mode, so it is one self-contained file that opens read-only (no
 * -wal or -shm beside it); the copy's commit is fsync'd (FULL). */
static int sq_dump(struct db_conn *base, const char *path)
{
	struct sq_conn *c = (struct sq_conn *)base;
	sqlite3 *dst = NULL;
	int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
		if (!b) {
			rc = sqlite3_errcode(dst);
		} else {
			sqlite3_backup_step(b, -1);
			rc = sqlite3_backup_finish(b);
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(base->err, sizeof(base->err), "%s: %s", path, dst ? sqlite3_errmsg(dst) : "cannot open");
		base->err_rc = classify(rc);
	}
	sqlite3_close(dst);
	return rc == SQLITE_OK ? DB_OK : base->err_rc;
}

/* The copy goes into this connection's database in one write transaction
 * (the backup API's), so a load cut short leaves it as it was: empty. */
static int sq_load(struct db_conn *base, const char *path)
{
	struct sq_conn *c = (struct sq_conn *)base;
	sqlite3_stmt *st = NULL;
	int tables = -1;
	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (tables < 0) {
		snprintf(base->err, sizeof(base->err), "%s", sqlite3_errmsg(c->db));
		return base->err_rc = DB_ERROR;
	}
	if (tables > 0) {
		snprintf(base->err, sizeof(base->err), "the database is not empty (%d tables)", tables);
		return base->err_rc = DB_ERROR;
	}
	sqlite3 *src = NULL;
	int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	const char *why = NULL;
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(c->db, "main", src, "main");
		if (!b) {
			rc = sqlite3_errcode(c->db);
			why = sqlite3_errmsg(c->db);
		} else {
			sqlite3_backup_step(b, -1);
			rc = sqlite3_backup_finish(b);
			why = sqlite3_errmsg(c->db);
		}
	} else {
		why = src ? sqlite3_errmsg(src) : "cannot open";
	}
	if (rc != SQLITE_OK) {
		snprintf(base->err, sizeof(base->err), "%s: %s", path, why);
		base->err_rc = classify(rc);
	}
	sqlite3_close(src);
	return rc == SQLITE_OK ? DB_OK : base->err_rc;
}

const struct db_backend db_sqlite_backend = {
	.dialect = DB_SQLITE,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.prepare = sq_prepare,
	.finish = sq_finish,
	.bind_int = sq_bind_int,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.writes = sq_writes,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_is_null = sq_col_is_null,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.changes = sq_changes,
	.exec_script = sq_exec_script,
	.sync = sq_sync,
	.defer_sync = sq_defer_sync,
	.dump = sq_dump,
	.load = sq_load,
	.begin_sql = "BEGIN IMMEDIATE",
	.read_begin_sql = "BEGIN",
	.one_writer = 1,
};
