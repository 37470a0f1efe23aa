/* server.c - a request's life: libmicrohttpd callback, body accumulation,
 * routing, identification, role check, body validation, the handler inside
 * a transaction, the reply, one access-log line and the metrics.
 */
#include "server.h"
#include "log.h"
#include "audit.h"
#include "conn_watch.h"
#include "privilege.h"
#include "errors.h"
#include "auth.h"
#include "encoding.h"
#include "events.h"
#include "form.h"
#include "http.h"
#include "metrics.h"
#include "proxy.h"
#include "regions_index.h"
#include "replica.h"
#include "router.h"
#include "strbuf.h"
#include "util.h"
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct server {
	struct app *app;
	struct router *router;
	struct MHD_Daemon *mhd;
	int web_fd;		/* directory of the static front end, or -1 */
	struct gzip_cache *gzip;	/* the front end's files, compressed */
	struct conn_watch *watch;	/* cuts off clients that trickle */
};

struct conn_state {
	struct req req;
	struct route_match match;
	int matched;		/* router_match result */
	struct strbuf body;	/* in the request's arena, limit at most */
	size_t limit;
	int too_large;
	int answered;		/* refused before its body was sent */
	int no_host;		/* HTTP/1.1 without Host: refused (RFC 9112 §3.2) */
	const char *bad_text;	/* path or query not UTF-8 text: the field */
	int replied;		/* a reply was queued (send_reply ran) */
	int options;		/* OPTIONS: the methods, and a CORS preflight's answer */
	int64_t started;
	int static_file;
	int on_replica;		/* req.db is the read replica's (replica.h) */
	atomic_int refs;	/* the request's, + 1 while a response's body lives in its arena */
};

/* ---- request accessors ------------------------------------------------ */

const char *req_log_path(const struct req *r)
{
	return r->route && (r->route->flags & RF_SECRET_PATH) ? r->route->pattern : r->path;
}

const char *req_param(const struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

const char *req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_each {
	void (*fn)(void *ctx, const char *name, const char *value);
	void *ctx;
};

static enum MHD_Result query_each_one(void *cls, enum MHD_ValueKind kind, const char *name, const char *value)
{
	struct query_each *q = cls;
	(void)kind;
	q->fn(q->ctx, name, value);
	return MHD_YES;
}

void req_query_each(const struct req *r, void (*fn)(void *ctx, const char *name, const char *value), void *ctx)
{
	struct query_each q = { fn, ctx };
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_each_one, &q);
}

const char *req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

int req_query_int(struct req *r, const char *name, long def, long min, long max, long *out)
{
	const char *s = req_query(r, name);
	if (!s) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		reply_error(r, 400, "invalid",
			    arena_printf(r->arena, "%s must be a whole number from %ld to %ld", name, min, max),
			    name);
		return -1;
	}
	*out = v;
	return 0;
}

const char *body_str(const struct req *r, const char *name)
{
	return r->body ? json_string_value(json_object_get(r->body, name)) : NULL;
}

bool body_has(const struct req *r, const char *name)
{
	return r->body && json_object_get(r->body, name);
}

/* ---- replies ------------------------------------------------------------ */

/* A body to be read as sent is given back when another answer takes its place. */
static void drop_stream(struct req *r)
{
	if (r->stream) {
		r->stream->done(r->stream->cls);
		r->stream = NULL;
	}
}

int reply_json(struct req *r, int status, json_t *body)
{
	drop_stream(r);
	json_decref(r->reply);
	r->reply = body;
	r->reply_text = NULL;
	r->status = status;
	return 0;
}

/* 15 significant digits: coordinates and figures print as written
 * (-7.39), not as their nearest binary double. */
#define JSON_ANSWER_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

const char *reply_json_text(struct req *r, json_t *body, size_t *len)
{
	struct strbuf sb;
	strbuf_init(&sb, r->arena, 0);
	strbuf_add_json(&sb, body, JSON_ANSWER_FLAGS);
	json_decref(body);
	if (sb.failed)
		return NULL;
	*len = sb.len;
	return sb.buf;
}

int reply_error(struct req *r, int status, const char *code, const char *message, const char *field)
{
	return reply_error_lang(r, status, code, message, NULL, field);
}

int reply_error_lang(struct req *r, int status, const char *code, const char *message,
		     const char *pesan, const char *field)
{
	const struct error_text *e = error_text_find(code);
	const char *text = message ? message : e ? e->en : code;
	if (r->conn && lang_from_accept(req_header(r, "Accept-Language")) == LANG_ID) {
		const char *id = pesan ? pesan : error_text_id(r->arena, code, field);
		if (id)
			text = id;
	}
	json_t *err = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message", text, "field", field);
	return reply_json(r, status, err);
}

int reply_db_error(struct req *r)
{
	switch (db_fault(r->db)) {
	case DB_FULL:
		reply_header(r, "Retry-After", "60");
		return reply_error(r, 503, "storage_full",
				   "the server's storage is full; nothing was saved, please try again later", NULL);
	case DB_IOERR:
		reply_header(r, "Retry-After", "60");
		return reply_error(r, 503, "storage_error",
				   "the server's storage failed; nothing was saved, please try again later", NULL);
	case DB_GONE:
		reply_header(r, "Retry-After", "5");
		return reply_error(r, 503, "database_unavailable",
				   "the database cannot be reached; nothing was saved, please retry in a few seconds", NULL);
	case DB_BUSY:
		reply_header(r, "Retry-After", "1");
		return reply_error(r, 503, "busy", "the database is busy; nothing was saved, please retry", NULL);
	default:
		log_error("database error", LOG_F("method", r->method), LOG_F("path", req_log_path(r)), LOG_F("error", db_errmsg(r->db)));
		return reply_error(r, 500, "internal", "database error", NULL);
	}
}

int reply_text(struct req *r, int status, const char *content_type, const char *text, size_t len)
{
	drop_stream(r);
	json_decref(r->reply);
	r->reply = NULL;
	r->status = status;
	r->content_type = content_type;
	r->reply_text = text;
	r->reply_text_len = len;
	return 0;
}

int reply_body(struct req *r, int status, const char *content_type, const struct reply_body *b)
{
	struct reply_body *own = arena_alloc(r->arena, sizeof(*own));
	if (!own) {
		b->done(b->cls);
		return reply_error(r, 500, "internal", "out of memory", NULL);
	}
	*own = *b;
	reply_text(r, status, content_type, "", 0);
	r->stream = own;
	return 0;
}

int reply_sse(struct req *r, struct events_sub *s)
{
	json_decref(r->reply);
	r->reply = NULL;
	r->reply_text = NULL;
	r->status = 200;
	r->sse = s;
	return 0;
}

void reply_header(struct req *r, const char *name, const char *value)
{
	/* A later answer replaces an earlier one's header (a retried read, a
	 * reply settled after the handler's); only cookies come in several. */
	if (strcasecmp(name, "Set-Cookie") != 0)
		for (int i = 0; i < r->nhdrs; i++)
			if (strcasecmp(r->hdr_names[i], name) == 0) {
				r->hdr_values[i] = value;
				return;
			}
	if (r->nhdrs < (int)(sizeof(r->hdr_names) / sizeof(r->hdr_names[0]))) {
		r->hdr_names[r->nhdrs] = name;
		r->hdr_values[r->nhdrs] = value;
		r->nhdrs++;
	}
}

#define ETAG_MIN_BYTES 512

/* Text worth compressing (images and PDFs are compressed already). */
static bool compressible(const char *type)
{
	return strncmp(type, "text/", 5) == 0 || strstr(type, "json") || strstr(type, "xml") ||
	       strstr(type, "javascript") || strncmp(type, "image/svg", 9) == 0;
}

/* On every answer.  A page may load only this server's scripts, styles
 * and images (and the map's tiles), inline code included in "none"; an
 * answer that is no page (JSON, a file) may load nothing at all if opened
 * as one, save a PDF, which the browser's viewer shows as a plugin that
 * such a policy would block.  Nothing may be framed by another site. */
static void add_common_headers(struct MHD_Response *resp, const char *type)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* A handler may ask for a stricter policy (a download by token). */
	if (!MHD_get_response_header(resp, "Referrer-Policy"))
		MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* A policy set already (a service worker's script) stands. */
	if (MHD_get_response_header(resp, "Content-Security-Policy"))
		return;
	const char *csp = "default-src 'none'; frame-ancestors 'none'";
	if (strncmp(type, "text/html", 9) == 0)
		csp = "default-src 'self'; img-src 'self' data: blob: https://tile.openstreetmap.org; "
		      "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
	else if (strcmp(type, "application/pdf") == 0)
		csp = "frame-ancestors 'none'";
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
}

/* An event stream: the reader blocks its connection's thread until an
 * event or a keep-alive is due, which is why streams need the
 * thread-per-connection mode (the default). */
struct sse_stream {
	struct events_sub *sub;
	char *frame;
	size_t len, off;
};

static const char sse_hello[] = "retry: 3000\n: connected\n\n";
static const char sse_keepalive[] = ": keep-alive\n\n";

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_stream *st = cls;
	(void)pos;
	while (st->off == st->len) {
		if (st->frame != sse_hello && st->frame != sse_keepalive)
			free(st->frame);
		st->frame = NULL;
		st->off = st->len = 0;
		char *frame;
		size_t len;
		int rc = events_next(st->sub, 15000, &frame, &len);
		if (rc < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		st->frame = rc ? frame : (char *)sse_keepalive;
		st->len = rc ? len : sizeof(sse_keepalive) - 1;
	}
	size_t n = st->len - st->off < max ? st->len - st->off : max;
	memcpy(buf, st->frame + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct sse_stream *st = cls;
	if (st->frame != sse_hello && st->frame != sse_keepalive)
		free(st->frame);
	events_unsubscribe(st->sub);
	free(st);
}

static enum MHD_Result send_sse(struct MHD_Connection *conn, struct req *r)
{
	struct sse_stream *st = calloc(1, sizeof(*st));
	if (!st) {
		events_unsubscribe(r->sse);
		r->sse = NULL;
		return MHD_NO;
	}
	st->sub = r->sse;
	r->sse = NULL;
	st->frame = (char *)sse_hello;
	st->len = sizeof(sse_hello) - 1;
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, st, sse_free);
	if (!resp) {
		sse_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	add_common_headers(resp, "text/event-stream");
	enum MHD_Result ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The connection state and its arena go when both the request has
 * completed and libmicrohttpd has let go of a body that lives in them. */
static void conn_release(struct conn_state *cs)
{
	if (atomic_fetch_sub(&cs->refs, 1) != 1)
		return;
	arena_free(cs->req.arena);
	free(cs);
}

static void body_released(void *cls)
{
	conn_release(cls);
}

/* Cross-origin reads (--cors-origins): only of public routes, and never
 * with credentials, so another site's page can show the regency's open
 * data but not act as its visitor.  The value for
 * Access-Control-Allow-Origin, or NULL. */
static const char *cors_origin(const struct app *app, struct MHD_Connection *conn, const struct route *route)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *list = app->cfg.cors_origins;
	if (!origin || !list || !route || route->roles != ROLE_PUBLIC || strcmp(route->method, "GET") != 0)
		return NULL;
	if (strcmp(list, "*") == 0)
		return "*";
	size_t n = strlen(origin);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ", ");
		if (len == n && strncmp(p, origin, n) == 0)
			return origin;
		p += len;
	}
	return NULL;
}

static void add_cors_headers(struct MHD_Response *resp, const char *allow_origin)
{
	if (!allow_origin)
		return;
	MHD_add_response_header(resp, "Access-Control-Allow-Origin", allow_origin);
	MHD_add_response_header(resp, "Access-Control-Expose-Headers", "ETag");
	if (strcmp(allow_origin, "*") != 0)
		MHD_add_response_header(resp, "Vary", "Origin");
}

/* A body read as it is sent: libmicrohttpd asks for a block at a time,
 * STREAM_BLOCK at most, so a download holds one block and whatever the
 * reader keeps (one stored chunk), whatever the file's size. */
#define STREAM_BLOCK (64 * 1024)

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct reply_body *b = cls;
	long n = b->read(b->cls, pos, buf, max);
	if (n <= 0) {
		log_error("a streamed answer could not be read; connection cut", LOG_F("at", (long long)pos),
			  LOG_F("size", (long long)b->size));
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	return n;
}

static void stream_free(void *cls)
{
	struct reply_body *b = cls;
	b->done(b->cls);
	free(b);
}

/* The response reading b; b's cls is the response's from here on (freed
 * here when no response could be made). */
static struct MHD_Response *stream_response(const struct reply_body *b)
{
	struct reply_body *own = malloc(sizeof(*own));
	if (!own) {
		b->done(b->cls);
		return NULL;
	}
	*own = *b;
	struct MHD_Response *resp = MHD_create_response_from_callback(b->size, STREAM_BLOCK, stream_read, own, stream_free);
	if (!resp)
		stream_free(own);
	return resp;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct conn_state *cs)
{
	struct req *r = &cs->req;
	const char *body;
	size_t len;

	cs->replied = 1;
	if (r->sse)
		return send_sse(conn, r);
	if (r->stream) {
		body = NULL;
		len = (size_t)r->stream->size;
	} else if (r->reply_text) {
		body = r->reply_text;
		len = r->reply_text_len;
	} else {
		if (!r->reply) {
			r->status = 500;
			r->reply = json_pack("{s:{s:s,s:s,s:n}}", "error", "code", "internal",
					     "message", "handler gave no answer", "field");
		}
		struct strbuf sb;
		strbuf_init(&sb, r->arena, 0);
		strbuf_add_json(&sb, r->reply, JSON_ANSWER_FLAGS);
		if (sb.failed)
			return MHD_NO;
		body = sb.buf;
		len = sb.len;
	}
	/* A public read answers 304 to a client that holds this very body,
	 * and any text is compressed for a client that takes gzip. */
	const char *type = r->reply_text ? r->content_type : "application/json; charset=utf-8";
	const char *etag = NULL;
	bool public_read = r->route && r->route->roles == ROLE_PUBLIC && strcmp(r->route->method, "GET") == 0 &&
			   r->status == 200;
	bool gzip = !r->stream && len >= GZIP_MIN_BYTES && compressible(type) &&
		    encoding_accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding"));
	/* A handler's own Cache-Control stands; no-store keeps no validator. */
	const char *own_cache = NULL;
	for (int i = 0; i < r->nhdrs; i++)
		if (strcasecmp(r->hdr_names[i], "Cache-Control") == 0)
			own_cache = r->hdr_values[i];
	/* A validator saves nothing on a body as small as a 304's headers. */
	if (public_read && len >= ETAG_MIN_BYTES && !(own_cache && strstr(own_cache, "no-store"))) {
		etag = r->stream ? r->stream->etag : encoding_body_etag(r->arena, body, len);
		if (etag && gzip)
			etag = arena_printf(r->arena, "%.*s-gz\"", (int)strlen(etag) - 1, etag);
		const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
		if (etag && inm && encoding_etag_matches(inm, etag)) {
			r->status = 304;
			len = 0;
			gzip = false;
			drop_stream(r);
			body = "";
		}
	}
	void *gz;
	size_t gz_len;
	if (gzip && encoding_gzip(r->arena, body, len, 5, &gz, &gz_len) == 0) {
		body = gz;
		len = gz_len;
	} else {
		gzip = false;
	}
	struct MHD_Response *resp;
	if (r->stream) {
		resp = stream_response(r->stream);
		r->stream = NULL;	/* the response's now, even if it was not made */
		if (!resp)
			return MHD_NO;
	} else {
		/* The body is handed over where it lies, in the request's
		 * arena: the response holds a reference to it until
		 * libmicrohttpd has sent it. */
		atomic_fetch_add(&cs->refs, 1);
		resp = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)body, body_released, cs);
		if (!resp) {
			conn_release(cs);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, "Content-Type", type);
	if (etag)
		MHD_add_response_header(resp, "ETag", etag);
	/* Revalidated every time; a signed-in caller's copy is theirs. */
	if (!own_cache && public_read)
		MHD_add_response_header(resp, "Cache-Control", r->caller.user_id || r->caller.apikey_id ? "private, no-cache"
													 : "no-cache");
	else if (!own_cache && !r->reply_text)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (compressible(type))
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gzip)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	add_cors_headers(resp, cors_origin(r->app, conn, r->route));
	for (int i = 0; i < r->nhdrs; i++)
		MHD_add_response_header(resp, r->hdr_names[i], r->hdr_values[i]);
	add_common_headers(resp, type);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- static front end -------------------------------------------------- */

static const char *mime_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".ico", "image/x-icon" },
		{ ".webmanifest", "application/manifest+json" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Paths are resolved below the web directory with openat(); any ".."
 * segment or hidden file is refused before we touch the file system. */
static int open_static(int dirfd, const char *path, struct stat *st, const char **resolved, struct arena *a)
{
	if (dirfd < 0 || path[0] != '/')
		return -1;
	const char *rel = path + 1;
	if (*rel == '\0')
		rel = "index.html";
	if (rel[0] == '/' || rel[0] == '.' || strstr(rel, "/.") || strstr(rel, "//"))
		return -1;
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) == 0 && S_ISDIR(st->st_mode)) {
		int sub = openat(fd, "index.html", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		close(fd);
		fd = sub;
		rel = arena_printf(a, "%s/index.html", rel);
		if (fd < 0 || fstat(fd, st) != 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	*resolved = rel;
	return fd;
}

static enum MHD_Result send_file(struct server *srv, struct MHD_Connection *conn, int fd, const struct stat *st,
				 const char *rel, int status)
{
	const char *type = mime_type(rel);
	int64_t mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
	bool big = (uint64_t)st->st_size >= GZIP_MIN_BYTES && compressible(type);
	bool br = big && encoding_accepts_br(ae), gzip = big && !br && encoding_accepts_gzip(ae);
	char etag[64], modified[64];
	snprintf(etag, sizeof(etag), "\"%llx-%llx%s\"", (unsigned long long)st->st_size, (unsigned long long)mtime_ns,
		 br ? "-br" : gzip ? "-gz" : "");
	struct tm tm;
	strftime(modified, sizeof(modified), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&st->st_mtim.tv_sec, &tm));
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
	bool fresh = status == 200 && inm && encoding_etag_matches(inm, etag);

	struct MHD_Response *resp;
	const void *gz = NULL;
	size_t gz_len = 0;
	if (fresh) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else if ((br || gzip) &&
		   (gz = gzip_cache_get(srv->gzip, fd, rel, (uint64_t)st->st_size, mtime_ns, br, &gz_len))) {
		close(fd);
		resp = MHD_create_response_from_buffer(gz_len, (void *)gz, MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_fd((uint64_t)st->st_size, fd);
		if (!resp)
			close(fd);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	/* Pages and modules change with every deploy and carry no hash in their
	 * names, so browsers revalidate them: a 304 costs a few bytes.  A file
	 * asked for with ?v= (a vendored library at its version) never changes
	 * under that address, so it is kept without asking again. */
	bool versioned = status == 200 && MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "v");
	MHD_add_response_header(resp, "Cache-Control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
	/* A script the browser fetches to run as a service worker (it says so:
	 * "Service-Worker: script") runs under this answer's policy, and the
	 * queue ticket's worker stores this site's answers for offline use:
	 * it may reach this origin, nothing else.  Set first, so the common
	 * headers leave it. */
	const char *worker = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Service-Worker");
	if (worker && strcmp(worker, "script") == 0 && strncmp(type, "text/javascript", 15) == 0)
		MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "ETag", etag);
	MHD_add_response_header(resp, "Last-Modified", modified);
	if (compressible(type))
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gz && !fresh)
		MHD_add_response_header(resp, "Content-Encoding", br ? "br" : "gzip");
	add_common_headers(resp, type);
	enum MHD_Result ret = MHD_queue_response(conn, fresh ? 304u : (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The protocol whose paths url is under, or NULL. */
static const struct protocol *protocol_of(const struct app *app, const char *url)
{
	for (size_t i = 0; i < app->nmodules; i++) {
		const struct protocol *p = app->modules[i]->protocol;
		if (p && p->prefix && strncmp(url, p->prefix, strlen(p->prefix)) == 0)
			return p;
	}
	return NULL;
}

/* OPTIONS: the path's methods (HEAD with GET), and for a preflight of a
 * public read from an allowed origin, the CORS answer.  Anything else a
 * cross-origin page might ask for gets no CORS headers: the browser then
 * refuses it, which is the point. */
static enum MHD_Result send_options(struct server *srv, struct MHD_Connection *conn, struct conn_state *cs,
				    const char *url)
{
	struct req *r = &cs->req;
	struct route_match get;
	if (router_match(srv->router, MHD_HTTP_METHOD_OPTIONS, url, r->arena, &cs->match) != -1) {
		reply_error(r, 404, "not_found", arena_printf(r->arena, "no such endpoint: OPTIONS %s", url), NULL);
		return send_reply(conn, cs);
	}
	const char *allow = cs->match.allow;
	if (strstr(allow, "GET"))
		allow = arena_printf(r->arena, "%s, HEAD", allow);
	allow = arena_printf(r->arena, "%s, OPTIONS", allow);
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Allow", allow);
	const char *want = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Access-Control-Request-Method");
	if (want && (strcmp(want, "GET") == 0 || strcmp(want, "HEAD") == 0) &&
	    router_match(srv->router, "GET", url, r->arena, &get) == 1) {
		const char *origin = cors_origin(srv->app, conn, get.route);
		if (origin) {
			add_cors_headers(resp, origin);
			MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
			MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
		}
	}
	add_common_headers(resp, "");
	r->status = 204;
	enum MHD_Result ret = MHD_queue_response(conn, 204, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The page a module serves for url (module.h, struct page_alias), or NULL. */
static const char *page_alias(const struct app *app, const char *url)
{
	for (size_t i = 0; i < app->nmodules; i++)
		for (const struct page_alias *p = app->modules[i]->pages; p && p->prefix; p++)
			if (strncmp(url, p->prefix, strlen(p->prefix)) == 0 && url[strlen(p->prefix)])
				return p->file;
	return NULL;
}

static int wants_html(struct MHD_Connection *conn)
{
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
	return accept && strstr(accept, "text/html");
}

/* ---- the request's life ------------------------------------------------- */

struct header_lines {
	struct arena *arena;
	const char *name;
	char *joined;		/* NULL while the header is absent */
};

static enum MHD_Result join_header_line(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct header_lines *h = cls;
	(void)kind;
	if (key && value && strcasecmp(key, h->name) == 0)
		h->joined = h->joined ? arena_printf(h->arena, "%s,%s", h->joined, value)
				      : arena_strdup(h->arena, value);
	return MHD_YES;
}

/* Every line of a header, joined with "," as HTTP allows: a proxy may add
 * its own line after the client's, and the first line alone would be the
 * client's word. */
static const char *header_joined(struct req *r, struct MHD_Connection *conn, const char *name)
{
	struct header_lines h = { .arena = r->arena, .name = name };
	MHD_get_connection_values(conn, MHD_HEADER_KIND, join_header_line, &h);
	return h.joined;
}

/* The client is the socket peer, unless the peer is one of our trusted
 * proxies (--trusted-proxies): then it is the address that proxy
 * forwarded, and X-Forwarded-Proto says whether the client came over TLS.
 * From anyone else both headers are the client's own word and ignored,
 * or any client could pick its rate-limit bucket or its cookies' flags. */
static void client_ip(struct req *r, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[IP_ADDR_TEXT_MAX] = "?";
	struct ip_addr peer, client;
	r->secure = false;
	if (ci && ci->client_addr && ip_addr_from_sockaddr(ci->client_addr, &peer) == 0) {
		client = peer;
		if (trusted_proxies_contains(r->app->proxies, &peer)) {
			const char *xff = header_joined(r, conn, "X-Forwarded-For");
			proxy_client(r->app->proxies, &peer, xff, xff ? NULL : header_joined(r, conn, "Forwarded"),
				     &client);
			r->secure = proxy_https(header_joined(r, conn, "X-Forwarded-Proto"));
		}
		ip_addr_format(&client, host);
	}
	r->client_ip = arena_strdup(r->arena, host);
}

static int is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* A request that may change something: a write method on a route not
 * declared a read (RF_READ: a protocol's query sent by POST). */
static int changes(const struct req *r)
{
	return is_write(r->method) && !(r->route->flags & RF_READ);
}

/* A request another site's page made: nothing such a request sends may
 * change anything here.  The CSRF token covers sessions; this covers what
 * comes before one (another site's form logging a visitor into the
 * attacker's account) and anonymous writes.  Browsers say where a request
 * comes from (Sec-Fetch-Site; Origin in older ones); other clients say
 * neither, and a browser never sends a Bearer token by itself. */
static int cross_site(const struct req *r)
{
	if (r->caller.apikey_id)
		return 0;
	const char *site = req_header(r, "Sec-Fetch-Site");
	if (site)
		return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
	const char *origin = req_header(r, "Origin"), *host = req_header(r, "Host");
	if (!origin)
		return 0;
	const char *sep = strstr(origin, "://");
	return !sep || !host || strcasecmp(sep + 3, host) != 0;
}

/* A JSON body must say it is one: another site's page can send text/plain
 * or a form without asking the browser first, application/json only after
 * a CORS preflight, which this server never grants for a write. */
static int json_media_type(const char *type)
{
	if (!type)
		return 0;
	size_t n = strcspn(type, "; \t");
	return (n == 16 && strncasecmp(type, "application/json", 16) == 0) ||
	       (n > 5 && strncasecmp(type + n - 5, "+json", 5) == 0);
}

static int form_media_type(const char *type)
{
	return type && strcspn(type, "; \t") == 33 && strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0;
}

/* A protocol's parameters posted as an HTML form does (CKAN clients may):
 * a JSON object of the fields' texts, the first of repeated names; NULL
 * with *why set when the form does not decode. */
static json_t *form_object(struct req *r, const char *buf, size_t len, const char **why)
{
	struct form f;
	enum form_error err = form_parse(r->arena, buf, len, &f);
	if (err != FORM_OK) {
		*why = form_error_message(err);
		return NULL;
	}
	json_t *o = json_object();
	for (size_t i = 0; i < f.n; i++)
		if (!json_object_get(o, f.fields[i].name))
			json_object_set_new(o, f.fields[i].name, json_string(f.fields[i].value));
	return o;
}

/* The router's own refusals, in the envelope of the route's protocol when
 * it speaks one (a CKAN client expects CKAN's Authorization Error);
 * pesan is the Indonesian text, when there is one. */
static int refuse(struct req *r, int status, const char *code, const char *message, const char *pesan,
		  const char *field)
{
	if (r->protocol && r->protocol->refuse)
		return r->protocol->refuse(r, status, code, message, field);
	return reply_error_lang(r, status, code, message, pesan, field);
}

/* Who asks, may they, is the body right, then the handler in its
 * transaction.  Returns nonzero when the database connection was lost
 * before anything could have been stored (a retry is safe). */
/* A submission past its hourly limits, per address and per account, each
 * per route so that a flood of one service leaves the others open; counted
 * once the body is well-formed, so a form corrected after a 400 costs
 * nothing.  An API key (an Open311 or partner application filing for many
 * citizens) answers for its own use.  Answered here when limited: 1. */
static int submit_limited(struct req *r)
{
	const struct config *cfg = &r->app->cfg;
	if (r->caller.apikey_id)
		return 0;
	int wait = auth_rate_hit(r, arena_printf(r->arena, "submit:%s:%s", r->route->pattern, r->client_ip),
				 cfg->submit_per_hour_address, 3600);
	if (wait == 0 && r->caller.user_id)
		wait = auth_rate_hit(r, arena_printf(r->arena, "submit:%s:user:%lld", r->route->pattern,
						     (long long)r->caller.user_id),
				     cfg->submit_per_hour, 3600);
	if (wait < 0)
		return reply_db_error(r), 1;
	if (wait == 0)
		return 0;
	reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait));
	reply_error_lang(r, 429, "rate_limited",
			 arena_printf(r->arena, "too many submissions; try again in %d minutes", (wait + 59) / 60),
			 arena_printf(r->arena, "Terlalu banyak pengajuan; coba lagi dalam %d menit.", (wait + 59) / 60), NULL);
	return 1;
}

/* Gives the request's database connection back to the pool it came from. */
static void release_db(struct server *srv, struct conn_state *cs)
{
	struct req *r = &cs->req;
	if (!r->db)
		return;
	if (cs->on_replica)
		replica_release(srv->app->replica, r->db);
	else
		db_release(srv->app->db, r->db);
	r->db = NULL;
	cs->on_replica = 0;
}

/* A public read (RF_REPLICA) goes to the read replica while it is fit,
 * unless the caller wrote within the lag bound (the cookie set below:
 * they must see their own write) or is a machine client with an API key
 * (it keeps no cookie, and writes what it reads next). */
static void read_from_replica(struct server *srv, struct conn_state *cs)
{
	struct req *r = &cs->req;
	struct replica *rp = srv->app->replica;
	if (!rp || !(r->route->flags & RF_REPLICA) || changes(r) || cs->on_replica)
		return;
	if (req_cookie(r, "pendopo_wrote") || r->caller.apikey_id) {
		replica_count(rp, REPLICA_RECENT_WRITE);
		return;
	}
	struct db_conn *c = replica_acquire(rp);
	if (!c) {
		replica_count(rp, REPLICA_UNFIT);
		return;
	}
	db_release(srv->app->db, r->db);
	r->db = c;
	cs->on_replica = 1;
}

/* After a stored write, with a replica: the caller's reads stay on the
 * primary until the replica certainly holds the write (any instance of
 * the cluster reads the cookie). */
static void mark_recent_write(struct server *srv, struct req *r)
{
	if (!srv->app->replica || !changes(r) || r->status >= 400)
		return;
	reply_header(r, "Set-Cookie",
		     arena_printf(r->arena, "pendopo_wrote=1; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
				  replica_recent_write_seconds(srv->app->replica), r->secure ? "; Secure" : ""));
}

static int run_handler(struct server *srv, struct conn_state *cs)
{
	struct req *r = &cs->req;
	const struct route *route = cs->match.route;

	/* Who is asking comes first: a caller who may not use the route
	 * learns that, not what is wrong with the body. */
	r->db = db_acquire(srv->app->db);
	if (auth_identify(r) != 0)
		return db_fault(r->db) == DB_GONE;
	if (route->roles != ROLE_PUBLIC) {
		if (!r->caller.user_id && !r->caller.apikey_id) {
			refuse(r, 401, "unauthenticated", "please log in first", NULL, NULL);
			return 0;
		}
		if (!caller_has(&r->caller, route->roles)) {
			refuse(r, 403, "forbidden", "your role does not allow this", NULL, NULL);
			return 0;
		}
	}
	if (changes(r) && r->caller.session_id) {
		const char *token = req_header(r, "X-CSRF-Token");
		if (!token || !r->caller.csrf || strcmp(token, r->caller.csrf) != 0) {
			refuse(r, 403, "csrf", "missing or wrong X-CSRF-Token header", NULL, NULL);
			return 0;
		}
	}

	if (changes(r) && cross_site(r)) {
		refuse(r, 403, "cross_site", "another site's page may not change anything here", NULL, NULL);
		return 0;
	}

	/* A route without declared fields takes no members: "{}" or nothing. */
	if (!r->body && !(route->flags & RF_RAW_BODY) && (cs->body.len > 0 || (route->body && is_write(r->method)))) {
		if (cs->body.len > 0 && !r->protocol && !json_media_type(req_header(r, "Content-Type"))) {
			refuse(r, 415, "unsupported_media_type", "send the body as application/json", NULL, NULL);
			return 0;
		}
		json_error_t jerr;
		const char *why = NULL;
		json_t *body = (route->flags & RF_OPEN_BODY) && form_media_type(req_header(r, "Content-Type"))
				       ? form_object(r, cs->body.buf, cs->body.len, &why)
				       : json_loadb(cs->body.buf, cs->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (why) {
			refuse(r, 400, "invalid", arena_printf(r->arena, "request body is not a valid form: %s", why),
			       NULL, NULL);
			return 0;
		}
		if (!json_is_object(body)) {
			json_decref(body);
			refuse(r, 400, "invalid_json",
			       body ? "request body must be a JSON object"
				    : json_problem(r->arena, &jerr),
			       NULL, NULL);
			return 0;
		}
		r->body = body;
		struct body_error be;
		if (!(route->flags & RF_OPEN_BODY) && body_validate(body, route->body, &be) != 0) {
			refuse(r, 400, be.code, be.message, be.pesan, arena_strdup(r->arena, be.field));
			return 0;
		}
	}

	if ((route->flags & RF_SUBMIT) && submit_limited(r))
		return 0;

	read_from_replica(srv, cs);
	int tx = changes(r) && !(route->flags & RF_NO_TX);
	if (tx && db_tx_begin(r->db) != DB_OK) {
		reply_db_error(r);
		return db_fault(r->db) == DB_GONE;
	}
	/* A read sees one consistent snapshot, and takes the database's
	 * locks once rather than once per statement. */
	if (!changes(r) && !(route->flags & RF_NO_TX) && db_read_begin(r->db) != DB_OK) {
		reply_db_error(r);
		return db_fault(r->db) == DB_GONE;
	}
	route->handler(r);
	if (!changes(r)) {
		if (db_in_tx(r->db))
			db_tx_commit(r->db);
		return db_fault(r->db) == DB_GONE && r->status >= 500;
	}
	if (!tx)
		return 0;
	if (r->status < 400 || r->keep_tx) {
		if (db_tx_commit(r->db) != DB_OK)
			reply_db_error(r);
	} else {
		db_tx_rollback(r->db);
	}
	return 0;
}

/* The reply may not say more than the database did: a request whose
 * write transaction failed is never answered below 500, whatever the
 * handler said, and a failure of the storage itself (disk full, server
 * away) is told as what it is rather than as a handler's guess. */
static void reply_settle(struct req *r)
{
	int fault = db_fault(r->db);
	if (db_lost(r->db) && r->status < 500)
		reply_db_error(r);
	else if (r->status >= 500 && (fault == DB_FULL || fault == DB_IOERR || fault == DB_GONE || fault == DB_BUSY))
		reply_db_error(r);
}

static void too_large(struct req *r, size_t limit)
{
	refuse(r, 413, "too_large", arena_printf(r->arena, "request body is larger than %zu bytes", limit), NULL, NULL);
}

static void run_route(struct server *srv, struct conn_state *cs)
{
	struct req *r = &cs->req;

	r->body_raw = cs->body.buf;
	r->body_len = cs->body.len;

	/* A connection lost under a read (the database server restarted)
	 * is replaced and the read tried once more; a write is not retried,
	 * since its commit may have reached the server. */
	int gone = run_handler(srv, cs);
	/* A read that failed on the replica (stopped, or a query cancelled
	 * by its replay) is answered by the primary instead. */
	int replica_failed_read = cs->on_replica && r->status >= 500 && db_fault(r->db) != DB_OK;
	if (replica_failed_read) {
		replica_failed(srv->app->replica);
		replica_count(srv->app->replica, REPLICA_RETRIED);
	} else if (cs->on_replica) {
		replica_count(srv->app->replica, REPLICA_READ);
	}
	if ((gone && !changes(r)) || replica_failed_read) {
		release_db(srv, cs);
		memset(&r->caller, 0, sizeof(r->caller));
		r->nhdrs = 0;
		reply_json(r, 500, NULL);
		run_handler(srv, cs);
	}
	reply_settle(r);
	mark_recent_write(srv, r);
}

/* The address's %XX escapes, as libmicrohttpd decodes them, except that
 * %00 becomes a byte that is never UTF-8: decoded to a NUL it would end
 * the path early ("/index.html%00.png" served index.html), and as it is it
 * fails the text check below like any other bad byte. */
size_t address_unescape(char *s)
{
	for (char *p = s; (p = strstr(p, "%00")); p += 3)
		p[1] = p[2] = 'f';
	return MHD_http_unescape(s);
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return address_unescape(s);
}

struct text_check {
	struct arena *a;
	const char *bad;
};

static enum MHD_Result query_text(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct text_check *t = cls;
	if (utf8_valid(key) && (!value || utf8_valid(value)))
		return MHD_YES;
	t->bad = utf8_valid(key) ? arena_strdup(t->a, key) : "query";
	return MHD_NO;
}

/* Every path and query value is UTF-8 text, so that whatever quotes one
 * (an error naming an unknown action, a sort key, a topic) is valid JSON:
 * the field that is not, or NULL. */
static const char *address_not_text(struct req *r, struct MHD_Connection *conn, const char *url)
{
	if (!utf8_valid(url))
		return "path";
	struct text_check t = { .a = r->arena };
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, query_text, &t);
	return t.bad;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct conn_state *cs = *con_cls;

	if (!cs) {
		cs = calloc(1, sizeof(*cs));
		if (!cs)
			return MHD_NO;
		atomic_init(&cs->refs, 1);
		cs->started = time_now_us();
		cs->req.arena = arena_new(8192);
		if (!cs->req.arena) {
			free(cs);
			return MHD_NO;
		}
		*con_cls = cs;
		struct req *r = &cs->req;
		strbuf_init(&cs->body, r->arena, 0);
		r->app = srv->app;
		r->conn = conn;
		r->method = arena_strdup(r->arena, method);
		r->path = arena_strdup(r->arena, url);
		r->status = 500;
		client_ip(r, conn);
		conn_watch_headers_done(conn);
		/* No route runs for it, so its body is read and dropped. */
		if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
		    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)) {
			cs->no_host = 1;
			return MHD_YES;
		}
		if ((cs->bad_text = address_not_text(r, conn, url)))
			return MHD_YES;
		if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
			cs->options = 1;
			return MHD_YES;
		}
		cs->matched = router_match(srv->router, method, url, r->arena, &cs->match);
		if (cs->matched != 1)
			return MHD_YES;
		/* Only a route that takes a file accepts more than a JSON
		 * body; a body declared larger is never kept.  A client that
		 * waits for "100 Continue" before sending it, or one that
		 * announces more than any route takes, is answered now (and
		 * the connection closed); any other is answered once the
		 * body, read but dropped, has arrived, since a client still
		 * writing it would not read an early answer. */
		const struct route *route = cs->match.route;
		cs->limit = route->flags & RF_UPLOAD ? srv->app->cfg.upload_limit : srv->app->cfg.body_limit;
		r->route = route;
		r->protocol = cs->match.module->protocol;
		for (int i = 0; i < cs->match.nparams; i++) {
			r->param_names[i] = cs->match.names[i];
			r->param_values[i] = cs->match.values[i];
		}
		r->nparams = cs->match.nparams;
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		unsigned long long declared = length ? strtoull(length, NULL, 10) : 0;
		if (declared > cs->limit) {
			const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
			cs->too_large = 1;
			if ((expect && strcasecmp(expect, "100-continue") == 0) || declared > srv->app->cfg.upload_limit) {
				cs->answered = 1;
				too_large(r, cs->limit);
				return send_reply(conn, cs);
			}
		}
		return MHD_YES;
	}

	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		conn_watch_body(conn, n);
		if (cs->too_large || cs->matched != 1)
			return MHD_YES;
		/* A body over the limit is dropped (one without a length,
		 * chunked, from the moment it passes it): the rest is read,
		 * not kept, and answered 413 at its end. */
		if (cs->body.len + n > cs->limit) {
			cs->too_large = 1;
			strbuf_reset(&cs->body);
			return MHD_YES;
		}
		strbuf_add(&cs->body, upload_data, n);
		return cs->body.failed ? MHD_NO : MHD_YES;
	}

	struct req *r = &cs->req;
	conn_watch_answering(conn);
	if (cs->answered)
		return MHD_YES;
	if (cs->too_large) {
		too_large(r, cs->limit);
		return send_reply(conn, cs);
	}
	if (cs->no_host) {
		reply_error(r, 400, "invalid", "an HTTP/1.1 request must name its Host", NULL);
		return send_reply(conn, cs);
	}
	if (cs->bad_text) {
		const struct protocol *owner = protocol_of(srv->app, url);
		const char *why = "the address must be UTF-8 text, without NUL bytes";
		if (owner)
			owner->refuse(r, 400, "invalid", why, cs->bad_text);
		else
			reply_error(r, 400, "invalid", why, cs->bad_text);
		return send_reply(conn, cs);
	}
	if (cs->options)
		return send_options(srv, conn, cs, url);
	if (cs->matched == 1) {
		run_route(srv, cs);
		/* The reply is built; give the connection back now rather than
		 * when the client has read it (an event stream may take hours). */
		release_db(srv, cs);
		return send_reply(conn, cs);
	}

	const struct protocol *owner = protocol_of(srv->app, url);
	if (cs->matched == -1) {
		const char *why = arena_printf(r->arena, "%s is not allowed here; use %s", method, cs->match.allow);
		reply_header(r, "Allow", arena_strdup(r->arena, cs->match.allow));
		if (owner)
			owner->refuse(r, 405, "method_not_allowed", why, NULL);
		else
			reply_error(r, 405, "method_not_allowed", why, NULL);
		return send_reply(conn, cs);
	}
	if (owner) {
		owner->refuse(r, 404, "not_found", arena_printf(r->arena, "no such endpoint: %s %s", method, url), NULL);
		return send_reply(conn, cs);
	}

	if ((strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) && strncmp(url, "/api/", 5) != 0) {
		struct stat st;
		const char *rel, *alias;
		int fd = open_static(srv->web_fd, url, &st, &rel, r->arena);
		if (fd < 0 && (alias = page_alias(srv->app, url)))
			fd = open_static(srv->web_fd, alias, &st, &rel, r->arena);
		if (fd >= 0) {
			cs->static_file = 1;
			r->status = 200;
			return send_file(srv, conn, fd, &st, rel, 200);
		}
		if (wants_html(conn)) {
			fd = open_static(srv->web_fd, "/404.html", &st, &rel, r->arena);
			if (fd >= 0) {
				r->status = 404;
				return send_file(srv, conn, fd, &st, rel, 404);
			}
		}
	}
	reply_error(r, 404, "not_found", arena_printf(r->arena, "no such endpoint: %s %s", method, url), NULL);
	return send_reply(conn, cs);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct conn_state *cs = *con_cls;
	conn_watch_request_done(conn);
	if (!cs)
		return;
	struct req *r = &cs->req;
	int64_t us = time_now_us() - cs->started;
	/* A client that went away before its request was answered (an upload
	 * cut short) is no server error: counted and logged as nginx's 499. */
	if (!cs->replied && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		r->status = 499;
	int index = cs->matched == 1 ? cs->match.index : cs->static_file ? -1 : -2;

	release_db(srv, cs);
	metrics_observe(srv->app->metrics, index, r->status, us);
	/* Every 5xx leaves its answer in the log, whatever the handler
	 * logged before it: the operator reads why without the access log. */
	if (r->status >= 500 && r->status != 503) {
		json_t *e = json_object_get(r->reply, "error");
		log_error("server error", LOG_F("status", r->status), LOG_F("method", r->method),
			  LOG_F("path", req_log_path(r)),
			  LOG_F("code", e ? json_string_value(json_object_get(e, "code")) : NULL),
			  LOG_F("message", e ? json_string_value(json_object_get(e, "message")) : NULL));
	}
	if (srv->app->cfg.access_log)
		log_info("request", LOG_F("client", r->client_ip), LOG_F("method", r->method), LOG_F("path", req_log_path(r)),
			 LOG_F("status", r->status), LOG_F("us", (long long)us));
	drop_stream(r);
	json_decref(r->body);
	json_decref(r->reply);
	conn_release(cs);
	*con_cls = NULL;
}

/* ---- daemon ------------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256];
	const char *port;
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return -1;
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	port = colon + 1;
	char *h = host;
	if (h[0] == '[' && hl > 1 && h[hl - 1] == ']') {
		h[hl - 1] = '\0';
		h++;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res;
	if (getaddrinfo(*h ? h : NULL, port, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void run_ticks(struct app *app)
{
	for (size_t i = 0; i < app->nmodules; i++)
		if (app->modules[i]->tick)
			app->modules[i]->tick(app);
}

int server_run(struct app *app, int tick_s)
{
	struct server srv = { .app = app, .web_fd = -1 };
	struct sockaddr_storage ss;
	socklen_t sslen;
	int rc = 1;

	if (parse_listen(app->cfg.listen, &ss, &sslen) != 0) {
		log_error("listen address is not HOST:PORT", LOG_F("listen", app->cfg.listen));
		return 1;
	}
	srv.router = router_new(app->modules, app->nmodules);
	app->router = srv.router;
	app->metrics = srv.router ? metrics_new(srv.router) : NULL;
	if (!app->metrics)
		goto out;
	app->events = events_new(app->db);
	if (!app->events) {
		log_error("live events not started", LOG_F("db", db_url(app->db)));
		goto out;
	}
	srv.gzip = gzip_cache_new();
	if (!srv.gzip)
		goto out;
	srv.watch = conn_watch_new(app->cfg.header_timeout_s, app->cfg.body_min_rate);
	if (!srv.watch)
		goto out;
	srv.web_fd = open(app->cfg.web_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (srv.web_fd < 0)
		log_warn("web directory not found; serving the API only", LOG_F("web_dir", app->cfg.web_dir));
	/* Region reads come from memory; without the index (not built, or
	 * --regions-index 0 for the tests of the SQL path) from SQL. */
	if (app->cfg.regions_index) {
		struct db_conn *c = db_acquire(app->db);
		app->regions = regions_index_build(c);
		db_release(app->db, c);
	}

	/* Block the stop signals before libmicrohttpd starts its threads, so
	 * they inherit the mask and only sigtimedwait() below receives them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	unsigned flags = MHD_USE_ERROR_LOG;
	unsigned pool = 0;
	if (app->cfg.threads > 0) {
		flags |= MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_INTERNAL_THREAD;
		pool = (unsigned)app->cfg.threads;
	} else {
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;

	/* libmicrohttpd zeroes a connection's whole memory pool after every
	 * request: its default 32 KiB (headers up to nginx's 4 x 8 KiB) costs
	 * a quarter of what 128 KiB did per keep-alive request. */
	srv.mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.conn_limit,
				   MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->cfg.per_ip_limit,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.timeout_s,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
				   MHD_OPTION_NOTIFY_CONNECTION, conn_watch_notify, srv.watch,
				   MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
				   pool ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, pool,
				   MHD_OPTION_END);
	if (!srv.mhd) {
		log_error("cannot listen", LOG_F("listen", app->cfg.listen), LOG_F("error", strerror(errno)));
		goto out;
	}
	/* The port is bound (a low one needs root): nothing after runs as root. */
	if (app->cfg.run_as) {
		char why[160];
		if (privilege_drop(app->cfg.run_as, why, sizeof(why)) != 0) {
			log_error("not serving: cannot drop privileges", LOG_F("user", app->cfg.run_as), LOG_F("error", why));
			MHD_stop_daemon(srv.mhd);
			goto out;
		}
	} else if (geteuid() == 0) {
		log_warn("serving as root: give --user to run as an unprivileged user once the port is bound");
	}
	log_info("serving", LOG_F("listen", app->cfg.listen), LOG_F("threads", pool ? "pool" : "per connection"),
		 LOG_F("db", db_url(app->db)));

	struct timespec wait = { .tv_sec = tick_s > 0 ? tick_s : 30 };
	for (;;) {
		int sig = sigtimedwait(&set, NULL, &wait);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig < 0 && errno == EAGAIN)
			run_ticks(app);
	}
	log_info("stopping");
	events_close(app->events);
	MHD_stop_daemon(srv.mhd);
	rc = 0;
out:
	regions_index_free(app->regions);
	app->regions = NULL;
	events_free(app->events);
	app->events = NULL;
	if (srv.web_fd >= 0)
		close(srv.web_fd);
	gzip_cache_free(srv.gzip);
	conn_watch_free(srv.watch);
	metrics_free(app->metrics);
	app->metrics = NULL;
	app->router = NULL;
	router_free(srv.router);
	return rc;
}
