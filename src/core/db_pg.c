/* db_pg.c - the PostgreSQL backend (libpq).
 *
 * Module SQL uses '?' placeholders; they are rewritten to $1..$n once, when
 * a statement is first prepared on a connection, and the server-side
 * prepared statement is reused from then on.  Parameters travel as text
 * with unspecified types, so PostgreSQL infers them from the statement just
 * as SQLite's dynamic typing accepts them.  A step fetches the whole result
 * on the first call and walks its rows; the queries a request makes are
 * small and bounded by LIMIT.
 *
 * Every statement is a round trip to the server, and round trips, not the
 * server's work, are most of a write request's cost (bench/README.md), so
 * BEGIN is not sent on its own: it travels with the transaction's first
 * statement.  Likewise a queued statement (db_exec_queued: the audit row)
 * travels with the next statement or the COMMIT, and a one-statement
 * transaction (db_tx_query_int: a rate-limit hit) with its COMMIT, in one
 * pipeline, as does the read that builds a write's reply (db_step_last).
 * A COMMIT releases its locks before its flush (pg_commit).  Per request,
 * round trips: PATCH /api/me 7 -> 6 -> 3, a complaint filing 21 -> 19 ->
 * 12, a booking 10 -> 9 -> 8.
 */
#include "db_backend.h"
#include "arena.h"
#include "log.h"
#include "strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define CACHE_SLOTS 128
#define MAX_PARAMS 256
#define QUEUE_MAX 8		/* queued statements sent with the next one */

struct pg_stmt {
	struct db_stmt base;
	char *sql;		/* the original text, the cache key */
	char name[16];		/* server-side prepared statement */
	unsigned hash;
	int nparams;
	char *values[MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	int busy, cached;
	int queued;		/* waits in its connection's queue */
};

struct pg_conn {
	struct db_conn base;
	PGconn *pg;
	struct pg_stmt *cache[CACHE_SLOTS];
	int evict;
	unsigned serial;
	int begin_pending;	/* BEGIN not sent yet: it goes with the next statement */
	struct pg_stmt *queue[QUEUE_MAX];	/* not sent yet: they go with the next one */
	int nqueue;
	int commit_next;	/* the next statement ends its transaction (pg_step_commit) */
	int desync;		/* a pipeline did not finish: the session is not to be trusted */
};

/* libpq's messages span lines ("...\n\tThis probably means..."); logs
 * and error replies want one. */
static void one_line(char *out, size_t len, const char *msg)
{
	size_t n = 0;
	for (const char *p = msg; *p && n + 1 < len; p++) {
		char ch = *p == '\n' || *p == '\t' ? ' ' : *p;
		if (ch == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = ch;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* The class of a failed result: what decides the answer to the client
 * (a lost server is retried or told to come back, a bug is not). */
static int classify(struct pg_conn *c, const char *state)
{
	if (PQstatus(c->pg) != CONNECTION_OK || c->desync)
		return DB_GONE;
	if (!state)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	/* serialization failure, deadlock, lock not available */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return DB_BUSY;
	if (strcmp(state, "53100") == 0)
		return DB_FULL;
	if (strcmp(state, "58030") == 0)
		return DB_IOERR;
	/* connection exceptions; the server shutting down or starting up */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return DB_GONE;
	return DB_ERROR;
}

static int map_result(struct pg_conn *c, PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	if (res && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK))
		return DB_OK;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(c->pg);
	one_line(c->base.err, sizeof(c->base.err), *msg ? msg : "no answer from the database server");
	return c->base.err_rc = classify(c, state);
}

static void session_setup(struct pg_conn *c)
{
	/* Quiet NOTICEs ("relation exists, skipping") on stderr. */
	PQclear(PQexec(c->pg, "SET client_min_messages = warning"));
}

static struct db_conn *pg_connect(const char *url, char *err, size_t errlen)
{
	struct pg_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->pg = PQconnectdb(url);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(c->pg));
		PQfinish(c->pg);
		free(c);
		return NULL;
	}
	session_setup(c);
	return &c->base;
}

static void stmt_clear(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
}

static void stmt_free(struct pg_conn *c, struct pg_stmt *s)
{
	stmt_clear(s);
	if (s->name[0] && c->pg && PQstatus(c->pg) == CONNECTION_OK) {
		char sql[48];
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(c->pg, sql));
	}
	free(s->sql);
	free(s);
}

static int flush_waiting(struct pg_conn *c);

/* The queued statements are done with: sent, or never to be. */
static void queue_release(struct pg_conn *c)
{
	for (int i = 0; i < c->nqueue; i++) {
		struct pg_stmt *s = c->queue[i];
		s->queued = 0;
		if (!s->cached) {
			stmt_free(c, s);
			continue;
		}
		stmt_clear(s);
		s->busy = 0;
	}
	c->nqueue = 0;
}

/* Forget every cached statement without telling the server: it is going
 * away, or already gone with its prepared statements. */
static void cache_drop(struct pg_conn *c)
{
	for (int i = 0; i < c->nqueue; i++)
		if (!c->queue[i]->cached) {
			stmt_clear(c->queue[i]);
			free(c->queue[i]->sql);
			free(c->queue[i]);
		}
	c->nqueue = 0;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->cache[i]) {
			stmt_clear(c->cache[i]);
			free(c->cache[i]->sql);
			free(c->cache[i]);
			c->cache[i] = NULL;
		}
}

static void pg_disconnect(struct db_conn *base)
{
	struct pg_conn *c = (struct pg_conn *)base;
	cache_drop(c);
	PQfinish(c->pg);
	free(c);
}

/* '?' outside quotes becomes $n. */
static char *rewrite(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1), *o = out;
	char quote = 0;
	int n = 0;
	if (!out)
		return NULL;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			o += sprintf(o, "$%d", ++n);
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	*nparams = n;
	return out;
}

static struct db_stmt *pg_prepare(struct db_conn *base, const char *sql)
{
	struct pg_conn *c = (struct pg_conn *)base;
	unsigned h = db_sql_hash(sql);
	int free_slot = -1;

	/* From the slot its hash names, as db_sqlite.c does: a hit is found
	 * at once instead of after a scan from slot 0. */
	for (int n = 0; n < CACHE_SLOTS; n++) {
		int i = (int)((h + (unsigned)n) % CACHE_SLOTS);
		struct pg_stmt *s = c->cache[i];
		if (!s) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (s->hash == h && strcmp(s->sql, sql) == 0) {
			/* The same statement queued (a second audit row): send
			 * it now rather than prepare a copy for this use. */
			if (s->queued && flush_waiting(c) != DB_OK)
				return NULL;
			if (s->busy)
				continue;
			s->busy = 1;
			return &s->base;
		}
	}

	struct pg_stmt *s = calloc(1, sizeof(*s));
	int nparams = 0;
	char *text = rewrite(sql, &nparams);
	if (!s || !text || nparams > MAX_PARAMS) {
		snprintf(base->err, sizeof(base->err), nparams > MAX_PARAMS ? "too many parameters" : "out of memory");
		base->err_rc = DB_ERROR;
		free(s);
		free(text);
		return NULL;
	}
	s->sql = strdup(sql);
	snprintf(s->name, sizeof(s->name), "p%u", ++c->serial);
	PGresult *res = PQprepare(c->pg, s->name, text, 0, NULL);
	free(text);
	int rc = map_result(c, res);
	PQclear(res);
	if (rc != DB_OK || !s->sql) {
		free(s->sql);
		free(s);
		return NULL;
	}
	s->base.conn = base;
	s->hash = h;
	s->nparams = nparams;
	s->busy = 1;
	s->row = -1;

	if (free_slot < 0) {
		for (int n = 0; n < CACHE_SLOTS; n++) {
			int i = (c->evict + n) % CACHE_SLOTS;
			if (!c->cache[i]->busy) {
				stmt_free(c, c->cache[i]);
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

static void pg_finish(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	if (!s->cached) {
		stmt_free((struct pg_conn *)base->conn, s);
		return;
	}
	stmt_clear(s);
	s->busy = 0;
}

static int set_param(struct db_stmt *base, int i, char *v)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	if (i < 1 || i > s->nparams) {
		free(v);
		snprintf(base->conn->err, sizeof(base->conn->err), "parameter %d out of range", i);
		return base->conn->err_rc = DB_ERROR;
	}
	free(s->values[i - 1]);
	s->values[i - 1] = v;
	return DB_OK;
}

static int pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return set_param(st, i, strdup(buf));
}

static int pg_bind_double(struct db_stmt *st, int i, double v)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.17g", v);
	return set_param(st, i, strdup(buf));
}

static int pg_bind_text(struct db_stmt *st, int i, const char *v, bool copy)
{
	(void)copy;	/* libpq reads parameters when the statement runs: kept here */
	return set_param(st, i, strdup(v));
}

static int pg_bind_null(struct db_stmt *st, int i)
{
	return set_param(st, i, NULL);
}

static const char pg_begin_sql[] = "BEGIN ISOLATION LEVEL READ COMMITTED";

/* The commit lets go of its row locks as soon as it is logged, and the
 * next command, a transaction of its own whose commit waits for the log's
 * flush, makes it durable before we answer (PostgreSQL flushes its log in
 * order; the message is the least that writes to the log, and a
 * transaction that writes nothing there is not flushed).  The next writer
 * of a hot row (a queue session's quota, a user, a rate-limit bucket) no
 * longer waits for our fsync, and concurrent writers of one row share
 * flushes as everyone else does: bookings into one session 215 -> 469/s
 * (bench/pg.sh under load 25).  Sent as one round trip, with what waits. */
static const char *const pg_commit[] = {
	/* whether there is anything to flush: a transaction that wrote
	 * nothing (an idle sealer round) costs no flush */
	("SELECT set_config('synchronous_commit', 'off', true), set_config('pendopo.wrote',"
	 " CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN 'n' ELSE 'y' END, false)"),
	"COMMIT",
	"SELECT CASE WHEN current_setting('pendopo.wrote') = 'y' THEN pg_logical_emit_message(true, 'pendopo', '') END"
};

static int result_ok(const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return r && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

/* What waits (a deferred BEGIN, queued statements), then the prepared
 * statement s and the commands cmds (or neither), in one round trip (libpq
 * pipeline mode): a write transaction costs an exchange with the server
 * less for each.  Deferring BEGIN changes nothing else: at READ COMMITTED
 * every statement takes its own snapshot anyway; a queued statement still
 * runs before the next one, in program order.  Answers the first failed
 * result (the server skips the rest), else s's (or without s cmds[want]'s);
 * NULL when nothing was asked for. */
static PGresult *send_waiting(struct pg_conn *c, struct pg_stmt *s, const char *const *cmds, int ncmds, int want)
{
	PGconn *pg = c->pg;
	PGresult *fail = NULL, *kept = NULL, *r;
	/* the index, among the results, of the one answered */
	int keep = (c->begin_pending ? 1 : 0) + c->nqueue + (s ? 0 : want);
	if (!s && !ncmds)
		keep = -1;

#ifdef LIBPQ_HAS_PIPELINING
	if (PQenterPipelineMode(pg)) {
		int n = 0, sent = 1;
		if (c->begin_pending)
			sent = PQsendQueryParams(pg, pg_begin_sql, 0, NULL, NULL, NULL, NULL, 0), n++;
		for (int i = 0; sent && i < c->nqueue; i++, n++)
			sent = PQsendQueryPrepared(pg, c->queue[i]->name, c->queue[i]->nparams,
						   (const char *const *)c->queue[i]->values, NULL, NULL, 0);
		if (sent && s)
			sent = PQsendQueryPrepared(pg, s->name, s->nparams, (const char *const *)s->values,
						   NULL, NULL, 0), n++;
		for (int i = 0; sent && i < ncmds; i++, n++)
			sent = PQsendQueryParams(pg, cmds[i], 0, NULL, NULL, NULL, NULL, 0);
		sent = sent && PQpipelineSync(pg);
		int synced = 0;
		/* Each query's results end with a NULL, the pipeline with a
		 * PGRES_PIPELINE_SYNC; a lost connection ends it early. */
		for (int q = 0; sent && q <= n;) {
			if (!(r = PQgetResult(pg))) {
				if (PQstatus(pg) != CONNECTION_OK)
					break;
				q++;
				continue;
			}
			if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
				PQclear(r);
				synced = 1;
				break;
			}
			if (!fail && !result_ok(r))
				fail = r;
			else if (q == keep && !kept)
				kept = r;
			else
				PQclear(r);
		}
		/* A pipeline cut short (a send failed, the server went away
		 * mid-answer) leaves the session in an unknown state: the
		 * server is as good as gone, and the connection is replaced
		 * before its next use (pg_alive).  Whatever the server said
		 * last is read first, for the message. */
		if (!synced) {
			PQconsumeInput(pg);
			c->desync = 1;
		}
		PQexitPipelineMode(pg);
		if (!fail && (!synced || (keep >= 0 && !kept)))
			/* Nothing came back: say why in a result map_result() reads. */
			fail = PQmakeEmptyPGresult(pg, PGRES_FATAL_ERROR);
	} else
#endif
	{
		int q = 0;
		if (c->begin_pending) {
			r = PQexec(pg, pg_begin_sql);
			if (!result_ok(r))
				fail = r;
			else
				PQclear(r);
			q++;
		}
		for (int i = 0; !fail && i < c->nqueue; i++, q++) {
			r = PQexecPrepared(pg, c->queue[i]->name, c->queue[i]->nparams,
					   (const char *const *)c->queue[i]->values, NULL, NULL, 0);
			if (!result_ok(r))
				fail = r;
			else
				PQclear(r);
		}
		if (!fail && s) {
			kept = PQexecPrepared(pg, s->name, s->nparams, (const char *const *)s->values, NULL, NULL, 0);
			if (!result_ok(kept))
				fail = kept, kept = NULL;
			q++;
		}
		for (int i = 0; !fail && i < ncmds; i++, q++) {
			r = PQexec(pg, cmds[i]);
			if (!result_ok(r))
				fail = r;
			else if (q == keep)
				kept = r;
			else
				PQclear(r);
		}
	}
	c->begin_pending = 0;
	queue_release(c);
	if (fail) {
		PQclear(kept);
		return fail;
	}
	return kept;
}

/* Send what waits on its own (before a statement that cannot travel with
 * it); DB_OK or the failure's class. */
static int flush_waiting(struct pg_conn *c)
{
	if (!c->begin_pending && !c->nqueue)
		return DB_OK;
	PGresult *r = send_waiting(c, NULL, NULL, 0, 0);
	int rc = r ? map_result(c, r) : DB_OK;
	PQclear(r);
	return rc;
}

/* A statement whose result nobody reads waits for the next one (or the
 * COMMIT) to go with it; if it fails, that one fails with its error, and
 * the transaction is lost as it would have been. */
static int pg_queue(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_conn *c = (struct pg_conn *)base->conn;
	int rc = c->nqueue == QUEUE_MAX ? flush_waiting(c) : DB_OK;
	if (rc != DB_OK) {
		pg_finish(base);
		return rc;
	}
	s->queued = 1;
	c->queue[c->nqueue++] = s;
	return DB_OK;
}

static int pg_step(struct db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_conn *c = (struct pg_conn *)base->conn;
	if (!s->res) {
		if (c->begin_pending || c->nqueue || c->commit_next) {
			s->res = send_waiting(c, s, c->commit_next ? pg_commit : NULL, c->commit_next ? 3 : 0, 0);
		} else {
			s->res = PQexecPrepared(c->pg, s->name, s->nparams, (const char *const *)s->values,
						NULL, NULL, 0);
		}
		int rc = map_result(c, s->res);
		if (rc != DB_OK) {
			PQclear(s->res);
			s->res = NULL;
			return rc;
		}
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	if (s->row + 1 < s->nrows) {
		s->row++;
		return DB_ROW;
	}
	s->row = s->nrows;
	return DB_DONE;
}

/* The statement and the COMMIT of its transaction in one round trip: a
 * hot row it takes (a rate-limit bucket) is held for no exchange with us. */
static int pg_step_commit(struct db_stmt *base)
{
	struct pg_conn *c = (struct pg_conn *)base->conn;
	c->commit_next = 1;
	int rc = pg_step(base);
	c->commit_next = 0;
	return rc;
}

#define PS(st) ((struct pg_stmt *)(st))

static const char *pg_col_text(struct db_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);
	if (!s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int(struct db_stmt *st, int i)
{
	const char *v = pg_col_text(st, i);
	if (!v)
		return 0;
	if (v[0] == 't' && v[1] == '\0')	/* a boolean expression */
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int i)
{
	const char *v = pg_col_text(st, i);
	return v ? strtod(v, NULL) : 0.0;
}

static int pg_col_is_null(struct db_stmt *st, int i)
{
	struct pg_stmt *s = PS(st);
	return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, i);
}

static int pg_col_count(struct db_stmt *st)
{
	return PS(st)->res ? PQnfields(PS(st)->res) : 0;
}

static const char *pg_col_name(struct db_stmt *st, int i)
{
	return PS(st)->res ? PQfname(PS(st)->res, i) : NULL;
}

static int64_t pg_changes(struct db_stmt *st)
{
	const char *n = PS(st)->res ? PQcmdTuples(PS(st)->res) : "";
	return *n ? strtoll(n, NULL, 10) : 0;
}

static int pg_exec_script(struct db_conn *base, const char *sql)
{
	struct pg_conn *c = (struct pg_conn *)base;
	/* BEGIN waits for the transaction's first statement (send_waiting). */
	if (strcmp(sql, pg_begin_sql) == 0 && !c->begin_pending &&
	    PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
		c->begin_pending = 1;
		return DB_OK;
	}
	PGresult *res;
	if (strcmp(sql, "ROLLBACK") == 0) {
		/* What waits would only be taken back. */
		queue_release(c);
		if (c->begin_pending) {
			c->begin_pending = 0;
			return DB_OK;
		}
		res = PQexec(c->pg, sql);
	} else if (strncmp(sql, "ROLLBACK TO ", 12) == 0) {
		/* Whatever waits came after the savepoint: its failure is taken
		 * back with it. */
		flush_waiting(c);
		res = PQexec(c->pg, sql);
	} else if (c->begin_pending && !c->nqueue && strcmp(sql, "COMMIT") == 0) {
		/* Nothing ran since BEGIN: there is nothing to end. */
		c->begin_pending = 0;
		return DB_OK;
	} else if (strcmp(sql, "COMMIT") == 0) {
		res = send_waiting(c, NULL, pg_commit, 3, 1);
	} else if ((c->begin_pending || c->nqueue) && !strchr(sql, ';')) {
		/* One command (a savepoint) goes with what waits. */
		res = send_waiting(c, NULL, &sql, 1, 0);
	} else {
		int rc = flush_waiting(c);
		if (rc != DB_OK)
			return rc;
		res = PQexec(c->pg, sql);
	}
	int rc = map_result(c, res);
	/* COMMIT of a transaction that already failed answers "ROLLBACK":
	 * that is a lost change, not a success. */
	if (rc == DB_OK && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		snprintf(base->err, sizeof(base->err), "transaction aborted by an earlier error");
		rc = base->err_rc = DB_ERROR;
	}
	PQclear(res);
	return rc;
}

/* An idle pool connection has nothing to read (it listens to no channel):
 * if its socket is readable, the server has said goodbye (a restart sends
 * FATAL 57P01, then closes) or is gone.  One poll, no round trip. */
static int pg_alive(struct db_conn *base)
{
	struct pg_conn *c = (struct pg_conn *)base;
	if (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE || c->desync)
		return 0;
	struct pollfd pfd = { .fd = PQsocket(c->pg), .events = POLLIN };
	return pfd.fd >= 0 && poll(&pfd, 1, 0) == 0;
}

/* A new session to the same database; the old one's prepared statements
 * died with it, so the cache goes too. */
static int pg_reconnect(struct db_conn *base)
{
	struct pg_conn *c = (struct pg_conn *)base;
	cache_drop(c);
	c->begin_pending = 0;
	c->desync = 0;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		one_line(base->err, sizeof(base->err), PQerrorMessage(c->pg));
		return base->err_rc = DB_GONE;
	}
	session_setup(c);
	return DB_OK;
}

static int pg_notify(struct db_conn *c, const char *channel, const char *payload)
{
	/* Delivered at the COMMIT anyway: it goes with it. */
	int rc = db_exec_queued(c, "SELECT pg_notify(?, ?)", "ss", channel, payload);
	return rc == DB_DONE ? DB_OK : rc;
}

/* The listener owns a connection of its own and a thread that waits on its
 * socket; a second's poll timeout lets it notice the stop flag. */
struct pg_listener {
	pthread_t thread;
	char *url, *channel;
	void (*fn)(void *arg, const char *payload);
	void *arg;
	atomic_int stop;
};

static PGconn *listen_connect(struct pg_listener *l)
{
	PGconn *pg = PQconnectdb(l->url);
	if (PQstatus(pg) == CONNECTION_OK) {
		char *ident = PQescapeIdentifier(pg, l->channel, strlen(l->channel));
		char sql[160];
		snprintf(sql, sizeof(sql), "LISTEN %s", ident ? ident : "pendopo");
		PQfreemem(ident);
		PGresult *res = PQexec(pg, sql);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (ok)
			return pg;
	}
	log_error("LISTEN failed", LOG_F("channel", l->channel), LOG_F("error", PQerrorMessage(pg)));
	PQfinish(pg);
	return NULL;
}

static void *listen_loop(void *arg)
{
	struct pg_listener *l = arg;
	PGconn *pg = NULL;
	while (!atomic_load(&l->stop)) {
		if (!pg && !(pg = listen_connect(l))) {
			sleep(1);
			continue;
		}
		struct pollfd pfd = { .fd = PQsocket(pg), .events = POLLIN };
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		if (!PQconsumeInput(pg)) {
			/* Lost the server: reconnect and LISTEN again. */
			PQfinish(pg);
			pg = NULL;
			continue;
		}
		PGnotify *n;
		while ((n = PQnotifies(pg))) {
			l->fn(l->arg, n->extra);
			PQfreemem(n);
		}
	}
	PQfinish(pg);
	return NULL;
}

static void *pg_listen_start(const char *target, const char *channel,
			     void (*fn)(void *arg, const char *payload), void *arg)
{
	struct pg_listener *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->url = strdup(target);
	l->channel = strdup(channel);
	l->fn = fn;
	l->arg = arg;
	if (!l->url || !l->channel || pthread_create(&l->thread, NULL, listen_loop, l) != 0) {
		free(l->url);
		free(l->channel);
		free(l);
		return NULL;
	}
	return l;
}

static void pg_listen_stop(void *arg)
{
	struct pg_listener *l = arg;
	atomic_store(&l->stop, 1);
	pthread_join(l->thread, NULL);
	free(l->url);
	free(l->channel);
	free(l);
}

/* pg_dump and pg_restore run as children on c's own settings (PQconninfo:
 * what the URL and the environment gave it), the password passed in
 * PGPASSWORD rather than on a command line every local user can read.  A
 * child dies with us (PR_SET_PDEATHSIG): a killed backup leaves no pg_dump
 * writing on. */
static int pg_tool(struct pg_conn *c, const char *tool, const char *const *args)
{
	struct db_conn *base = &c->base;
	struct arena *a = arena_new(4096);
	PQconninfoOption *opts = PQconninfo(c->pg);
	struct strbuf info;
	strbuf_init(&info, a, 256);
	strbuf_addstr(&info, "--dbname=");
	char *pw = NULL;
	for (PQconninfoOption *o = opts; a && o && o->keyword; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			pw = arena_printf(a, "PGPASSWORD=%s", o->val);
			continue;
		}
		strbuf_addf(&info, "%s='", o->keyword);
		for (const char *p = o->val; *p; p++) {
			if (*p == '\\' || *p == '\'')
				strbuf_addch(&info, '\\');
			strbuf_addch(&info, *p);
		}
		strbuf_addstr(&info, "' ");
	}
	extern char **environ;
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	char **envp = a ? arena_alloc(a, (nenv + 2) * sizeof(*envp)) : NULL;
	const char *argv[16];
	size_t argc = 0;
	argv[argc++] = tool;
	for (; *args && argc < 14; args++)
		argv[argc++] = *args;
	argv[argc++] = info.buf;
	argv[argc] = NULL;
	int rc = DB_ERROR;
	if (!opts || !envp || info.failed) {
		snprintf(base->err, sizeof(base->err), "out of memory");
		goto out;
	}
	size_t n = 0;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "PGPASSWORD=", 11) != 0)
			envp[n++] = environ[i];
	if (pw)
		envp[n++] = pw;
	envp[n] = NULL;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(base->err, sizeof(base->err), "%s: %s", tool, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		execvpe(tool, (char *const *)argv, envp);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = DB_OK;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(base->err, sizeof(base->err), "%s could not be run (is it installed? Debian: postgresql-client)",
			 tool);
	else
		snprintf(base->err, sizeof(base->err), "%s failed (%s %d; its message is above)", tool,
			 WIFEXITED(status) ? "exit status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	if (pw)
		sodium_memzero(pw, strlen(pw));
	PQconninfoFree(opts);
	arena_free(a);
	return base->err_rc = rc;
}

static int pg_dump_to(struct db_conn *base, const char *path)
{
	const char *args[] = { "--format=custom", "--file", path, NULL };
	return pg_tool((struct pg_conn *)base, "pg_dump", args);
}

/* pg_restore in one transaction that stops at the first error; owners and
 * grants are the restoring role's, as the target may have other roles. */
static int pg_load(struct db_conn *base, const char *path)
{
	struct pg_conn *c = (struct pg_conn *)base;
	PGresult *res = PQexec(c->pg, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
	int ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	long tables = ok ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	if (!ok)
		one_line(base->err, sizeof(base->err), PQerrorMessage(c->pg));
	else if (tables > 0)
		snprintf(base->err, sizeof(base->err), "the database is not empty (%ld tables)", tables);
	PQclear(res);
	if (tables != 0)
		return base->err_rc = DB_ERROR;
	const char *args[] = { "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", path, NULL };
	return pg_tool(c, "pg_restore", args);
}

const struct db_backend db_pg_backend = {
	.dialect = DB_POSTGRES,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.prepare = pg_prepare,
	.finish = pg_finish,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.queue = pg_queue,
	.step_commit = pg_step_commit,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_is_null = pg_col_is_null,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.changes = pg_changes,
	.exec_script = pg_exec_script,
	.notify = pg_notify,
	.listen_start = pg_listen_start,
	.listen_stop = pg_listen_stop,
	.alive = pg_alive,
	.reconnect = pg_reconnect,
	.dump = pg_dump_to,
	.load = pg_load,
	/* Read committed: counters are guarded by conditional UPDATEs and
	 * uniqueness by indexes, which stay correct at this level; the
	 * audit chain locks its head row (audit.c). */
	.begin_sql = pg_begin_sql,
};
