/* db.c - the backend-neutral half of the storage interface: the connection
 * pool, binding parameters from a type string, and transactions.
 *
 * A backend that admits one writer at a time (SQLite) gets one more
 * connection, the writer: every write transaction runs there, in arrival
 * order, each in a savepoint, and those that queue behind each other share
 * one transaction and one commit.  A commit writes every page it changed
 * to the log; a filing changes some 25, many of them the same hot index
 * pages as the next filing's, so sharing the commit writes them once (and
 * the writer's page cache, never invalidated by another connection's
 * commit, stays warm): complaint filings 2.3k -> 4.2k req/s. */
#include "db.h"
#include "log.h"
#include "db_backend.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TURN_SLOTS 64
#define BATCH_MAX 64		/* write transactions one commit carries at most */

struct db_deferred {
	void (*fn)(void *arg, int committed);
	void *arg;
	struct db_deferred *next;
};

struct db {
	const struct db_backend *be;
	char *url;
	char *shown;		/* url with any password masked, for logs */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	/* group commit: tickets handed out after commits, and the highest
	 * ticket known to be on disk */
	int group_commit, syncing;
	uint64_t committed, synced;
	pthread_cond_t synced_cond;
	/* writers' turns, first come first served (one_writer backends);
	 * a waiter sleeps on the condition of its ticket's slot, so handing
	 * the turn on wakes the next writer rather than all of them */
	uint64_t turn_next, turn_now;
	pthread_cond_t turn_cond[TURN_SLOTS];
	/* one_writer backends: write transactions run on this one connection,
	 * each inside a savepoint, and those queued behind each other share
	 * its transaction and one commit (see batch_leave).  batch_open,
	 * batch_n, batch_broken and batch_fault belong to the turn's holder;
	 * waiters (the members that passed the open batch on) is under lock. */
	struct db_conn *writer;
	int batch_open, batch_n, batch_broken, batch_fault;
	struct db_conn *waiters;
	pthread_cond_t batch_cond;
	/* the storage failure not yet cleared (DB_FULL, DB_IOERR, DB_GONE):
	 * logged when it starts and when it ends, not at every request */
	atomic_int episode;
	/* db_ping's last probe: when and how, readable without the lock on
	 * the healthy path that load balancers poll */
	_Atomic int64_t ping_at;
	atomic_int ping_rc;
	char ping_why[160];
	struct db_conn **idle;
	int nidle, size;
};

/* "postgresql://user:secret@host/db" -> "postgresql://user:***@host/db",
 * and "password=secret" in a key/value conninfo likewise: logs name the
 * database, never its password. */
static char *url_masked(const char *url)
{
	char *out = malloc(strlen(url) + 4), *o = out;
	if (!out)
		return NULL;
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	const char *kv = strstr(url, "password=");
	if (colon) {
		memcpy(o, url, (size_t)(colon - url) + 1);
		o += colon - url + 1;
		o += sprintf(o, "***");
		strcpy(o, at);
	} else if (kv) {
		const char *end = kv + 9;
		while (*end && *end != ' ')
			end++;
		memcpy(o, url, (size_t)(kv - url) + 9);
		o += kv - url + 9;
		o += sprintf(o, "***");
		strcpy(o, end);
	} else {
		strcpy(o, url);
	}
	return out;
}

static const struct db_backend *backend_for(const char *url, const char **target)
{
	if (strncmp(url, "sqlite:", 7) == 0) {
		*target = url + 7;
		return &db_sqlite_backend;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*target = url;
		return &db_pg_backend;
	}
	*target = url;
	return &db_sqlite_backend;
}

struct db *db_open(const char *url, int pool_size, char *err, size_t errlen)
{
	const char *target;
	const struct db_backend *be = backend_for(url, &target);
	if (pool_size < 1)
		pool_size = 1;
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		goto oom;
	db->be = be;
	db->url = strdup(url);
	db->shown = url_masked(url);
	db->idle = calloc((size_t)pool_size, sizeof(*db->idle));
	if (!db->url || !db->shown || !db->idle)
		goto oom;
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	pthread_cond_init(&db->synced_cond, NULL);
	pthread_cond_init(&db->batch_cond, NULL);
	for (int i = 0; i < TURN_SLOTS; i++)
		pthread_cond_init(&db->turn_cond[i], NULL);
	db->size = pool_size;
	for (int i = 0; i < pool_size; i++) {
		struct db_conn *c = be->connect(target, err, errlen);
		if (!c) {
			db_close(db);
			return NULL;
		}
		c->be = be;
		c->db = db;
		db->idle[db->nidle++] = c;
	}
	if (be->one_writer) {
		if (!(db->writer = be->connect(target, err, errlen))) {
			db_close(db);
			return NULL;
		}
		db->writer->be = be;
		db->writer->db = db;
	}
	return db;
oom:
	if (db) {
		free(db->url);
		free(db->shown);
		free(db->idle);
		free(db);
	}
	snprintf(err, errlen, "out of memory");
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->nidle; i++)
		db->be->disconnect(db->idle[i]);
	if (db->writer)
		db->be->disconnect(db->writer);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->freed);
	pthread_cond_destroy(&db->synced_cond);
	pthread_cond_destroy(&db->batch_cond);
	for (int i = 0; i < TURN_SLOTS; i++)
		pthread_cond_destroy(&db->turn_cond[i]);
	free(db->idle);
	free(db->url);
	free(db->shown);
	free(db);
}

enum db_dialect db_dialect(const struct db *db)
{
	return db->be->dialect;
}

enum db_dialect db_conn_dialect(const struct db_conn *c)
{
	return c->be->dialect;
}

const char *db_url(const struct db *db)
{
	return db->shown;
}

static const char *fault_name(int rc)
{
	switch (rc) {
	case DB_FULL:
		return "the database's disk is full";
	case DB_IOERR:
		return "the database's disk failed";
	case DB_GONE:
		return "the database server cannot be reached";
	default:
		return "database error";
	}
}

/* A failure that outlasts one request (a full disk, a failing disk, a
 * server away) is logged once when it starts and once when it ends, not
 * at every refused request. */
static void episode_begin(struct db *db, int rc, const char *why)
{
	if (rc != DB_FULL && rc != DB_IOERR && rc != DB_GONE)
		return;
	if (atomic_exchange(&db->episode, rc) != rc)
		log_error("database failing; requests that need it are refused until it clears",
			  LOG_F("fault", fault_name(rc)), LOG_F("error", why));
}

static void episode_end(struct db *db, int kind)
{
	int rc = atomic_load_explicit(&db->episode, memory_order_relaxed);
	if (rc && (kind == 0 || rc == kind) && atomic_compare_exchange_strong(&db->episode, &rc, 0))
		log_warn("database recovered", LOG_F("fault", fault_name(rc)));
}

struct db_conn *db_acquire(struct db *db)
{
	pthread_mutex_lock(&db->lock);
	while (db->nidle == 0)
		pthread_cond_wait(&db->freed, &db->lock);
	struct db_conn *c = db->idle[--db->nidle];
	pthread_mutex_unlock(&db->lock);
	c->fault = 0;
	c->lost = 0;
	/* A connection the server dropped while it sat idle (a restart)
	 * would fail its first statement: replace it now.  If the server is
	 * still away, the connection stays dead and fails fast. */
	if (c->be->alive && !c->be->alive(c)) {
		if (c->be->reconnect(c) == DB_OK)
			episode_end(db, DB_GONE);
		else
			episode_begin(db, DB_GONE, c->err);
	}
	return c;
}

void db_release(struct db *db, struct db_conn *c)
{
	/* A connection never returns to the pool inside a transaction: the
	 * next user would inherit someone else's half-done change. */
	if (c->in_tx)
		db_tx_rollback(c);
	pthread_mutex_lock(&db->lock);
	db->idle[db->nidle++] = c;
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
}

/* Where c's statements run: the writer while c's write transaction is
 * open there, else c itself. */
static struct db_conn *on(struct db_conn *c)
{
	return c->via ? c->via : c;
}

/* Whose transaction a statement on conn belongs to. */
static struct db_conn *member(struct db_conn *conn)
{
	return conn->owner ? conn->owner : conn;
}

/* Record a failure against its transaction: the first one poisons it. */
static int failed(struct db_conn *conn, int rc)
{
	struct db_conn *m = member(conn);
	if (rc >= 0)
		return rc;
	if (!m->fault)
		m->fault = rc;
	episode_begin(m->db, rc, on(m)->err);
	return rc;
}

/* A poisoned write transaction runs nothing more, as on PostgreSQL: its
 * work is lost, and whatever followed would build on the loss. */
static int poisoned(const struct db_conn *m)
{
	return m->fault && m->in_tx && !m->read_only ? m->fault : 0;
}

static struct db_stmt *query_v(struct db_conn *c, const char *sql, bool copy, const char *types, va_list ap)
{
	struct db_stmt *st = c->be->prepare(c, sql);
	if (!st)
		return NULL;
	int rc = 0;
	for (int i = 0; types && types[i] && rc == 0; i++) {
		switch (types[i]) {
		case 'i':
			rc = c->be->bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'b':
			rc = c->be->bind_int(st, i + 1, va_arg(ap, int) ? 1 : 0);
			break;
		case 'd':
			rc = c->be->bind_double(st, i + 1, va_arg(ap, double));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			rc = s ? c->be->bind_text(st, i + 1, s, copy) : c->be->bind_null(st, i + 1);
			break;
		}
		default:
			snprintf(c->err, sizeof(c->err), "bad bind type '%c'", types[i]);
			c->err_rc = DB_ERROR;
			rc = -1;
		}
	}
	if (rc != 0) {
		c->be->finish(st);
		return NULL;
	}
	return st;
}

struct db_stmt *db_query(struct db_conn *c, const char *sql, const char *types, ...)
{
	if (poisoned(c))
		return NULL;
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_v(on(c), sql, true, types, ap);
	va_end(ap);
	if (!st)
		failed(c, on(c)->err_rc ? on(c)->err_rc : DB_ERROR);
	return st;
}

int db_step(struct db_stmt *st)
{
	struct db_conn *conn = st->conn;
	int rc = poisoned(member(conn));
	if (rc)
		return rc;
	/* Writes go through the writers' line and its commit, or they would
	 * take SQLite's write lock behind the line's back (and outside any
	 * transaction the router can refuse to acknowledge). */
	if (conn->db->writer && conn != conn->db->writer && conn->be->writes(st)) {
		snprintf(conn->err, sizeof(conn->err), "a write outside a write transaction");
		conn->err_rc = DB_ERROR;
		return failed(conn, DB_ERROR);
	}
	rc = conn->be->step(st);
	return rc < 0 ? failed(st->conn, rc) : rc;
}

void db_done(struct db_stmt *st)
{
	if (st)
		st->conn->be->finish(st);
}

int64_t db_col_int(struct db_stmt *st, int i) { return st->conn->be->col_int(st, i); }
double db_col_double(struct db_stmt *st, int i) { return st->conn->be->col_double(st, i); }
const char *db_col_text(struct db_stmt *st, int i) { return st->conn->be->col_text(st, i); }
int db_col_is_null(struct db_stmt *st, int i) { return st->conn->be->col_is_null(st, i); }
int db_col_count(struct db_stmt *st) { return st->conn->be->col_count(st); }
const char *db_col_name(struct db_stmt *st, int i) { return st->conn->be->col_name(st, i); }

/* Step a statement to its end, remembering how many rows it changed. */
static int exec_stmt(struct db_conn *c, struct db_stmt *st)
{
	if (!st)
		return poisoned(c) ? poisoned(c) : failed(c, on(c)->err_rc ? on(c)->err_rc : DB_ERROR);
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	c->changes = rc == DB_DONE ? c->be->changes(st) : 0;
	db_done(st);
	return rc;
}

int db_exec(struct db_conn *c, const char *sql, const char *types, ...)
{
	if (poisoned(c))
		return poisoned(c);
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_v(on(c), sql, false, types, ap);
	va_end(ap);
	return exec_stmt(c, st);
}

int db_exec_queued(struct db_conn *c, const char *sql, const char *types, ...)
{
	if (poisoned(c))
		return poisoned(c);
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_v(on(c), sql, false, types, ap);
	va_end(ap);
	if (!st || !st->conn->be->queue || !c->in_tx || c->read_only)
		return exec_stmt(c, st);
	int rc = st->conn->be->queue(st);
	return rc == DB_OK ? DB_DONE : failed(c, rc);
}

static struct db_stmt *values_v(struct db_conn *c, const char *sql, const struct db_value *v, int n)
{
	struct db_stmt *st = c->be->prepare(c, sql);
	if (!st)
		return NULL;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		switch (v[i].type) {
		case 'i':
			rc = c->be->bind_int(st, i + 1, v[i].i);
			break;
		case 'd':
			rc = c->be->bind_double(st, i + 1, v[i].d);
			break;
		case 's':
			rc = v[i].s ? c->be->bind_text(st, i + 1, v[i].s, false) : c->be->bind_null(st, i + 1);
			break;
		default:
			snprintf(c->err, sizeof(c->err), "bad bind type '%c'", v[i].type);
			c->err_rc = DB_ERROR;
			rc = -1;
		}
	}
	if (rc != 0) {
		c->be->finish(st);
		return NULL;
	}
	return st;
}

int db_exec_values(struct db_conn *c, const char *sql, const struct db_value *v, int n)
{
	if (poisoned(c))
		return poisoned(c);
	return exec_stmt(c, values_v(on(c), sql, v, n));
}

void db_sql_init(struct db_sql *q, struct arena *a)
{
	strbuf_init(&q->text, a, 512);
	q->n = 0;
	q->overflow = false;
}

void db_sql_add(struct db_sql *q, const char *fragment, const char *types, ...)
{
	va_list ap;
	strbuf_addstr(&q->text, fragment);
	va_start(ap, types);
	for (const char *t = types; *t; t++) {
		if (q->n == DB_SQL_MAX_VALUES) {
			q->overflow = true;
			break;
		}
		struct db_value *v = &q->v[q->n++];
		*v = (struct db_value){ .type = *t == 'b' ? 'i' : *t };
		switch (*t) {
		case 'i':
			v->i = va_arg(ap, int64_t);
			break;
		case 'b':
			v->i = va_arg(ap, int) ? 1 : 0;
			break;
		case 'd':
			v->d = va_arg(ap, double);
			break;
		case 's':
			v->s = va_arg(ap, const char *);
			break;
		default:
			q->overflow = true;
		}
	}
	va_end(ap);
}

struct db_stmt *db_sql_query(struct db_conn *c, const struct db_sql *q)
{
	if (poisoned(c))
		return NULL;
	if (q->overflow || q->text.failed) {
		snprintf(on(c)->err, sizeof(on(c)->err), "query builder: too many values or out of memory");
		on(c)->err_rc = DB_ERROR;
		failed(c, DB_ERROR);
		return NULL;
	}
	struct db_stmt *st = values_v(on(c), q->text.buf, q->v, q->n);
	if (!st)
		failed(c, on(c)->err_rc ? on(c)->err_rc : DB_ERROR);
	return st;
}

const char *db_ids_sql(enum db_dialect d)
{
	return d == DB_POSTGRES ? "(SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(? AS json)))"
				: "(SELECT value FROM json_each(?))";
}

char *db_ids_text(struct arena *a, const int64_t *ids, int n)
{
	struct strbuf sb;
	strbuf_init(&sb, a, (size_t)n * 12 + 3);
	strbuf_addch(&sb, '[');
	for (int i = 0; i < n; i++)
		strbuf_addf(&sb, i ? ",%lld" : "%lld", (long long)ids[i]);
	strbuf_addch(&sb, ']');
	return sb.failed ? NULL : sb.buf;
}

int64_t db_changes(struct db_conn *c)
{
	return c->changes;
}

int db_exec_script(struct db_conn *c, const char *sql)
{
	if (poisoned(c))
		return poisoned(c);
	return failed(c, c->be->exec_script(on(c), sql));
}

int db_query_int(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...)
{
	if (poisoned(c))
		return poisoned(c);
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_v(on(c), sql, false, types, ap);
	va_end(ap);
	if (!st)
		return failed(c, on(c)->err_rc ? on(c)->err_rc : DB_ERROR);
	int rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	return rc;
}

/* SQLite lets one writer in at a time and makes the others retry with
 * growing sleeps, so under load a writer can lose every race for seconds.
 * Queuing this process's writers in arrival order before BEGIN IMMEDIATE
 * replaces the lottery with a line; other processes (the command line)
 * still meet the busy timeout. */
static void turn_take(struct db_conn *c)
{
	struct db *db = c->db;
	pthread_mutex_lock(&db->lock);
	uint64_t mine = db->turn_next++;
	while (db->turn_now != mine)
		pthread_cond_wait(&db->turn_cond[mine % TURN_SLOTS], &db->lock);
	pthread_mutex_unlock(&db->lock);
	c->holds_turn = 1;
}

static void turn_give(struct db_conn *c)
{
	struct db *db = c->db;
	if (!c->holds_turn)
		return;
	c->holds_turn = 0;
	pthread_mutex_lock(&db->lock);
	db->turn_now++;
	pthread_cond_broadcast(&db->turn_cond[db->turn_now % TURN_SLOTS]);
	pthread_mutex_unlock(&db->lock);
}

static int batch_leave(struct db_conn *c);
static int group_sync(struct db_conn *c);

/* The failure under a savepoint ended SQLite's whole transaction (disk
 * full, I/O): every member's work in the batch is lost with it. */
static void batch_break(struct db *db, int rc)
{
	if (!db->batch_broken)
		db->batch_fault = rc < 0 ? rc : DB_ERROR;
	db->batch_broken = 1;
}

/* One writer at a time, in arrival order, on the writer connection: in
 * the open batch if there is one, else in a new one, and in a savepoint
 * of its own. */
static int writer_begin(struct db_conn *c)
{
	struct db *db = c->db;
	struct db_conn *w = db->writer;
	int rc = DB_OK;
	turn_take(c);
	if (!db->batch_open) {
		if ((rc = w->be->exec_script(w, w->be->begin_sql)) != DB_OK) {
			snprintf(c->err, sizeof(c->err), "%s", w->err);
			turn_give(c);
			return failed(c, rc);
		}
		db->batch_open = 1;
		db->batch_n = 0;
		db->batch_broken = 0;
		db->batch_fault = 0;
	}
	db->batch_n++;
	if ((rc = w->be->exec_script(w, "SAVEPOINT tx")) != DB_OK) {
		snprintf(c->err, sizeof(c->err), "%s", w->err);
		batch_break(db, rc);
		batch_leave(c);
		return failed(c, rc);
	}
	w->owner = c;
	c->via = w;
	c->in_tx = 1;
	c->read_only = 0;
	return DB_OK;
}

/* The turn's holder is done with its savepoint.  With writers queued
 * behind it (and room in the batch) it hands them the turn and the open
 * transaction, then waits for whoever commits the batch; otherwise it
 * commits the batch itself, every member's work with one log write and
 * one fsync, and tells each member that waited the outcome of this very
 * commit.  (The members are taken off the list before the turn is given
 * on: a later batch's members must never hear this batch's outcome, nor
 * these a later one's.)  The batch's outcome is returned. */
static int batch_leave(struct db_conn *c)
{
	struct db *db = c->db;
	struct db_conn *w = db->writer;
	int rc;
	w->owner = NULL;
	pthread_mutex_lock(&db->lock);
	bool pass = !db->batch_broken && db->turn_next - db->turn_now > 1 && db->batch_n < BATCH_MAX;
	if (pass) {
		c->batch_wait = 1;
		c->batch_next = db->waiters;
		db->waiters = c;
	}
	pthread_mutex_unlock(&db->lock);
	if (pass) {
		turn_give(c);
		pthread_mutex_lock(&db->lock);
		while (c->batch_wait)
			pthread_cond_wait(&db->batch_cond, &db->lock);
		rc = c->batch_rc;
		pthread_mutex_unlock(&db->lock);
		return rc;
	}
	if (db->batch_broken) {
		rc = db->batch_fault;
		snprintf(c->err, sizeof(c->err), "the transaction was lost: %.200s", w->err);
		w->be->exec_script(w, "ROLLBACK");
	} else if ((rc = w->be->exec_script(w, "COMMIT")) != DB_OK) {
		snprintf(c->err, sizeof(c->err), "%s", w->err);
		w->be->exec_script(w, "ROLLBACK");
	}
	db->batch_open = 0;
	pthread_mutex_lock(&db->lock);
	struct db_conn *members = db->waiters;
	db->waiters = NULL;
	pthread_mutex_unlock(&db->lock);
	turn_give(c);
	/* Committed but not known to be on disk: say so rather than
	 * acknowledge; no member's deferred work runs. */
	if (rc == DB_OK && db->group_commit && (rc = group_sync(w)) != DB_OK)
		snprintf(c->err, sizeof(c->err), "commit could not be synced to disk: %.200s", w->err);
	pthread_mutex_lock(&db->lock);
	for (struct db_conn *m = members; m; m = m->batch_next) {
		m->batch_rc = rc;
		if (rc != DB_OK)
			snprintf(m->err, sizeof(m->err), "%s", c->err);
		m->batch_wait = 0;
	}
	if (members)
		pthread_cond_broadcast(&db->batch_cond);
	pthread_mutex_unlock(&db->lock);
	return rc;
}

int db_tx_begin(struct db_conn *c)
{
	c->fault = 0;
	c->try_open = 0;
	if (c->db->writer)
		return writer_begin(c);
	int rc = c->be->exec_script(c, c->be->begin_sql);
	if (rc != DB_OK)
		return failed(c, rc);
	c->in_tx = 1;
	c->read_only = 0;
	return DB_OK;
}

/* Callbacks run in the order they were deferred. */
static void run_deferred(struct db_conn *c, int committed)
{
	struct db_deferred *list = NULL;
	while (c->deferred) {
		struct db_deferred *d = c->deferred;
		c->deferred = d->next;
		d->next = list;
		list = d;
	}
	while (list) {
		struct db_deferred *d = list;
		list = d->next;
		d->fn(d->arg, committed);
		free(d);
	}
}

/* Wait until a sync covers ticket; the first waiter with nobody syncing
 * does the sync for everyone who committed before it started. */
static int group_sync(struct db_conn *c)
{
	struct db *db = c->db;
	int rc = DB_OK;
	pthread_mutex_lock(&db->lock);
	uint64_t ticket = ++db->committed;
	while (db->synced < ticket) {
		if (db->syncing) {
			pthread_cond_wait(&db->synced_cond, &db->lock);
			continue;
		}
		uint64_t upto = db->committed;
		db->syncing = 1;
		pthread_mutex_unlock(&db->lock);
		rc = c->be->sync(c);
		pthread_mutex_lock(&db->lock);
		db->syncing = 0;
		if (rc == DB_OK && upto > db->synced)
			db->synced = upto;
		pthread_cond_broadcast(&db->synced_cond);
		if (rc != DB_OK)
			break;
	}
	pthread_mutex_unlock(&db->lock);
	return rc;
}

int db_set_group_commit(struct db *db)
{
	if (!db->be->sync || !db->be->defer_sync)
		return DB_ERROR;
	for (int i = 0; i < db->nidle; i++)
		if (db->be->defer_sync(db->idle[i]) != DB_OK)
			return DB_ERROR;
	if (db->writer && db->be->defer_sync(db->writer) != DB_OK)
		return DB_ERROR;
	db->group_commit = 1;
	return DB_OK;
}

int db_read_begin(struct db_conn *c)
{
	c->fault = 0;
	if (!c->be->read_begin_sql)
		return DB_OK;
	int rc = c->be->exec_script(c, c->be->read_begin_sql);
	if (rc != DB_OK)
		return failed(c, rc);
	c->in_tx = 1;
	c->read_only = 1;
	return DB_OK;
}

/* The write transaction failed: take back what is left of it and say so. */
static int tx_fail(struct db_conn *c, int rc)
{
	failed(c, rc);
	db_tx_rollback(c);
	c->lost = 1;
	return c->fault;
}

int db_tx_commit(struct db_conn *c)
{
	int rc;
	if (!c->in_tx)
		return DB_OK;
	if (c->read_only) {
		c->be->exec_script(c, "COMMIT");
		c->in_tx = 0;
		run_deferred(c, 1);
		return DB_OK;
	}
	if (c->try_open)
		db_try_end(c, 1);
	if (c->fault)
		return tx_fail(c, c->fault);
	if (c->via) {
		if ((rc = c->be->exec_script(c->via, "RELEASE tx")) != DB_OK)
			return tx_fail(c, rc);
		c->via = NULL;
		c->in_tx = 0;
		if ((rc = batch_leave(c)) != DB_OK) {
			failed(c, rc);
			c->lost = 1;
		} else {
			episode_end(c->db, 0);
		}
		run_deferred(c, rc == DB_OK);
		return rc;
	}
	if ((rc = c->be->exec_script(c, "COMMIT")) != DB_OK)
		return tx_fail(c, rc);
	c->in_tx = 0;
	episode_end(c->db, 0);
	run_deferred(c, 1);
	return DB_OK;
}

int db_tx_query_int(struct db_conn *c, int64_t *out, const char *sql, const char *types, ...)
{
	int rc = db_tx_begin(c);
	if (rc != DB_OK)
		return rc;
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_v(on(c), sql, false, types, ap);
	va_end(ap);
	if (!st) {
		rc = failed(c, on(c)->err_rc ? on(c)->err_rc : DB_ERROR);
		db_tx_rollback(c);
		return rc;
	}
	struct db_conn *o = st->conn;
	rc = o->be->step_commit && !c->via ? o->be->step_commit(st) : db_step(st);
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_done(st);
	if (rc < 0) {
		failed(c, rc);
		db_tx_rollback(c);
		return rc;
	}
	if (!o->be->step_commit || c->via) {
		int crc = db_tx_commit(c);
		return crc != DB_OK ? crc : rc;
	}
	c->in_tx = 0;
	episode_end(c->db, 0);
	run_deferred(c, 1);
	return rc;
}

int db_step_last(struct db_stmt *st)
{
	struct db_conn *m = member(st->conn);
	if (!m->in_tx || m->read_only || m->via || m->try_open || m->fault || !st->conn->be->step_commit)
		return db_step(st);
	int rc = st->conn->be->step_commit(st);
	if (rc < 0)
		return failed(m, rc);
	m->in_tx = 0;
	episode_end(m->db, 0);
	run_deferred(m, 1);
	return rc;
}

void db_tx_rollback(struct db_conn *c)
{
	if (!c->in_tx)
		return;
	c->try_open = 0;
	if (c->via) {
		/* Only this transaction's work goes; the batch's stays, unless
		 * the savepoint is gone with SQLite's whole transaction.  The
		 * handler may still read why it failed. */
		struct db_conn *w = c->via;
		snprintf(c->err, sizeof(c->err), "%s", w->err);
		if (w->be->exec_script(w, "ROLLBACK TO tx") != DB_OK || w->be->exec_script(w, "RELEASE tx") != DB_OK)
			batch_break(c->db, c->fault);
		c->via = NULL;
		c->in_tx = 0;
		char why[sizeof(c->err)];
		memcpy(why, c->err, sizeof(why));
		batch_leave(c);
		memcpy(c->err, why, sizeof(why));
		run_deferred(c, 0);
		return;
	}
	c->be->exec_script(c, "ROLLBACK");
	c->in_tx = 0;
	run_deferred(c, 0);
}

int db_try_begin(struct db_conn *c)
{
	if (!c->in_tx || c->read_only || c->try_open)
		return DB_ERROR;
	if (poisoned(c))
		return poisoned(c);
	int rc = c->be->exec_script(on(c), "SAVEPOINT try");
	if (rc != DB_OK)
		return failed(c, rc);
	c->try_open = 1;
	c->try_fault = c->fault;
	return DB_OK;
}

int db_try_end(struct db_conn *c, int keep)
{
	if (!c->try_open)
		return DB_ERROR;
	struct db_conn *o = on(c);
	int rc = c->fault;
	c->try_open = 0;
	if (rc || !keep) {
		/* If the failure took the whole transaction with it, the
		 * savepoint is gone too and the transaction stays poisoned. */
		if (o->be->exec_script(o, "ROLLBACK TO try") != DB_OK || o->be->exec_script(o, "RELEASE try") != DB_OK)
			return rc ? rc : DB_ERROR;
		c->fault = c->try_fault;
		return rc;
	}
	if ((rc = o->be->exec_script(o, "RELEASE try")) != DB_OK)
		return failed(c, rc);
	return DB_OK;
}

int db_fault(const struct db_conn *c)
{
	return c->fault;
}

int db_lost(const struct db_conn *c)
{
	return c->lost;
}

int db_ping(struct db_conn *c, char *why, size_t len, char *storage, size_t slen)
{
	struct db *db = c->db;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	int episode = atomic_load(&db->episode);
	snprintf(storage, slen, "%s", episode == DB_FULL || episode == DB_IOERR ? fault_name(episode) : "");
	int64_t at = atomic_load(&db->ping_at);
	int rc = atomic_load(&db->ping_rc);
	if (at && now_ms - at < 1000) {
		if (rc == DB_OK) {
			snprintf(why, len, "ok");
			return rc;
		}
		pthread_mutex_lock(&db->lock);
		snprintf(why, len, "%s", db->ping_why);
		pthread_mutex_unlock(&db->lock);
		return rc;
	}
	int64_t one = 0;
	rc = db_query_int(c, &one, "SELECT 1", NULL);
	rc = rc == DB_ROW ? DB_OK : rc < 0 ? rc : DB_ERROR;
	snprintf(why, len, "%s", rc == DB_OK ? "ok" : db_errmsg(c));
	pthread_mutex_lock(&db->lock);
	snprintf(db->ping_why, sizeof(db->ping_why), "%s", why);
	atomic_store(&db->ping_rc, rc);
	atomic_store(&db->ping_at, now_ms);
	pthread_mutex_unlock(&db->lock);
	return rc;
}

int db_defer(struct db_conn *c, void (*fn)(void *arg, int committed), void *arg)
{
	if (!c->in_tx) {
		fn(arg, 1);
		return DB_OK;
	}
	struct db_deferred *d = malloc(sizeof(*d));
	if (!d) {
		fn(arg, 0);
		return DB_ERROR;
	}
	d->fn = fn;
	d->arg = arg;
	d->next = c->deferred;
	c->deferred = d;
	return DB_OK;
}

int db_notify(struct db_conn *c, const char *channel, const char *payload)
{
	return c->be->notify ? c->be->notify(c, channel, payload) : DB_ERROR;
}

int db_can_notify(const struct db *db)
{
	return db->be->notify != NULL;
}

struct db_listener *db_listen(struct db *db, const char *channel,
			      void (*fn)(void *arg, const char *payload), void *arg)
{
	if (!db->be->listen_start)
		return NULL;
	return db->be->listen_start(db->url, channel, fn, arg);
}

void db_listen_stop(struct db *db, struct db_listener *l)
{
	if (l)
		db->be->listen_stop(l);
}

int db_in_tx(const struct db_conn *c)
{
	return c->in_tx;
}

const char *db_errmsg(struct db_conn *c)
{
	return on(c)->err;
}

int db_dump(struct db *db, const char *path, char *err, size_t errlen)
{
	struct db_conn *c = db_acquire(db);
	int rc = c->be->dump(c, path);
	if (rc != DB_OK)
		snprintf(err, errlen, "%s", c->err);
	db_release(db, c);
	return rc;
}

/* On a one_writer backend the load is a write: it goes to the writer,
 * whose later transactions then see it. */
int db_load(struct db *db, const char *path, char *err, size_t errlen)
{
	struct db_conn *c = db->writer ? db->writer : db_acquire(db);
	int rc = c->be->load(c, path);
	if (rc != DB_OK)
		snprintf(err, errlen, "%s", c->err);
	if (!db->writer)
		db_release(db, c);
	return rc;
}
