/* http.h - the request a handler sees, and how it answers.
 *
 * A handler reads params, query and the validated JSON body from struct req,
 * allocates from r->arena (strings with strbuf.h, arrays with ARENA_PUSH),
 * never frees, and answers with exactly one reply_*() call.
 * Writes (any method but GET/HEAD) run inside a transaction that the router
 * commits when the reply is 2xx/3xx and rolls back otherwise, so a refused
 * request changes nothing and an acknowledged one is on disk.
 */
#ifndef PENDOPO_HTTP_H
#define PENDOPO_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "arena.h"
#include "module.h"

#define REQ_MAX_PARAMS 6

struct events_sub;

/* A body read as the client takes it (a stored file), so that a download
 * holds a piece of it in memory, never all of it.  read(cls, pos, buf, max)
 * puts the bytes from pos into buf (at most max, at least one before size)
 * and returns how many, or -1 when they cannot be read (the connection is
 * then cut: the status line has long gone); done(cls) runs once, when
 * libmicrohttpd is finished with it or the answer is replaced. */
struct reply_body {
	uint64_t size;
	long (*read)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*done)(void *cls);
	void *cls;
	const char *etag;	/* a validator known without reading the body, or NULL */
};

/* One role the caller holds, with its scope (can.h). */
struct grant {
	unsigned role;			/* one enum role */
	int64_t unit_id;		/* officer, unit head: their unit */
	const char *village;		/* village operator: its Kemendagri code */
};

#define CALLER_MAX_GRANTS 16

struct caller {
	int64_t user_id;		/* 0: anonymous */
	int64_t apikey_id;		/* nonzero when authenticated by Bearer */
	unsigned roles;			/* every grant's role: what the route table checks */
	const char *name;
	const char *email;
	const char *session_id;		/* hash of the cookie token, for logout */
	const char *csrf;		/* the session's CSRF token */
	struct grant grants[CALLER_MAX_GRANTS];
	int ngrants;
};

struct req {
	struct arena *arena;
	struct app *app;
	struct db_conn *db;
	const struct route *route;
	const struct protocol *protocol;	/* the route's module's, or NULL */
	void *conn;			/* struct MHD_Connection * */

	const char *method;
	const char *path;
	const char *client_ip;
	bool secure;			/* behind TLS (X-Forwarded-Proto) */

	const char *param_names[REQ_MAX_PARAMS];
	const char *param_values[REQ_MAX_PARAMS];
	int nparams;

	json_t *body;			/* validated object, or NULL */
	const char *body_raw;
	size_t body_len;

	struct caller caller;

	/* reply */
	int status;
	json_t *reply;
	const char *reply_text;		/* non-JSON reply (metrics, CSV) */
	size_t reply_text_len;
	const char *content_type;
	const char *hdr_names[8];
	const char *hdr_values[8];
	int nhdrs;
	bool keep_tx;			/* commit even though the reply is 4xx */
	struct events_sub *sse;		/* reply is an event stream */
	struct reply_body *stream;	/* reply is read as it is sent (reply_body) */
};

const char *req_param(const struct req *r, const char *name);
const char *req_query(const struct req *r, const char *name);
/* Every query argument in order: fn(ctx, name, value) (value NULL for "?a"). */
void req_query_each(const struct req *r, void (*fn)(void *ctx, const char *name, const char *value), void *ctx);
/* The path as logs may show it: the route's pattern when the path holds a
 * secret (RF_SECRET_PATH), else the path. */
const char *req_log_path(const struct req *r);
const char *req_header(const struct req *r, const char *name);
const char *req_cookie(const struct req *r, const char *name);
/* Query integer in [min,max], or def when absent; -1 and an error reply
 * when present but invalid. */
int req_query_int(struct req *r, const char *name, long def, long min, long max, long *out);

/* Body members, already type-checked by the router. */
const char *body_str(const struct req *r, const char *name);
bool body_has(const struct req *r, const char *name);

int reply_json(struct req *r, int status, json_t *body);	/* steals body */
/* body (stolen) as the text reply_json would send, in r->arena, for an
 * answer kept to be sent again (reply_text); NULL when out of memory. */
const char *reply_json_text(struct req *r, json_t *body, size_t *len);
/* The error envelope {"error":{"code","message","field"}}. message is
 * English (NULL: the registry's, errors.h); a caller asking for Indonesian
 * (Accept-Language: id) gets pesan when given, else the registry's
 * Indonesian for code, naming field. */
int reply_error(struct req *r, int status, const char *code,
		const char *message, const char *field);
int reply_error_lang(struct req *r, int status, const char *code,
		     const char *message, const char *pesan, const char *field);
/* The answer to a failed database call, from db_fault(r->db): 503 with
 * Retry-After and a code naming the cause (storage_full, storage_error,
 * database_unavailable, busy), else 500 (logged). */
int reply_db_error(struct req *r);
/* text must live in r->arena (or be static): it is handed to
 * libmicrohttpd where it lies, not copied (strbuf.h builds it). */
int reply_text(struct req *r, int status, const char *content_type,
	       const char *text, size_t len);
/* Sets a header of the reply; one of the same name is replaced, but for
 * Set-Cookie, which may come several times. */
void reply_header(struct req *r, const char *name, const char *value);
/* Answer with a body read as it is sent; b is copied and its cls taken
 * over (done() runs even if the answer is later replaced). */
int reply_body(struct req *r, int status, const char *content_type, const struct reply_body *b);
/* Answer with a Server-Sent Events stream fed by s (taken over: the
 * server unsubscribes when the client goes away). */
int reply_sse(struct req *r, struct events_sub *s);

#endif
