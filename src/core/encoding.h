/* encoding.h - what lets a cheap phone on a slow link fetch less: gzip for
 * text answers the client accepts it for, and validators (ETag) that turn
 * a repeated GET into a 304 without a body.
 *
 * The static front end's compressed files are kept in a cache made once
 * per file version (path, size, modification time), since the same few
 * hundred kilobytes are asked for by every visitor: gzip, and brotli,
 * which only pays when made once (answers made per request stay gzip).
 */
#ifndef PENDOPO_ENCODING_H
#define PENDOPO_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* Smaller than this, compressing costs more than it saves. */
#define GZIP_MIN_BYTES 1024

/* Whether Accept-Encoding allows gzip (an explicit q=0 refuses it). */
bool encoding_accepts_gzip(const char *accept_encoding);
/* The same for brotli ("br"). */
bool encoding_accepts_br(const char *accept_encoding);

/* gzip of in at level (1-9), in a.  0, or -1 (out of memory). */
int encoding_gzip(struct arena *a, const void *in, size_t len, int level, void **out, size_t *out_len);

/* Whether If-None-Match (a list, W/ prefixes, or *) names etag. */
bool encoding_etag_matches(const char *if_none_match, const char *etag);

/* A strong validator for a body: "h<16 hex of its hash>", in a. */
const char *encoding_body_etag(struct arena *a, const void *body, size_t len);

/* Compressed static files, by path and version.  Long-lived. */
struct gzip_cache;
struct gzip_cache *gzip_cache_new(void);
void gzip_cache_free(struct gzip_cache *c);
/* The gzip (or with brotli, the brotli) of the file open at fd (rel, size,
 * mtime_ns: its version), both made on first use.  NULL when it cannot be
 * made; the bytes live as long as the cache. */
const void *gzip_cache_get(struct gzip_cache *c, int fd, const char *rel, uint64_t size, int64_t mtime_ns,
			   bool brotli, size_t *len);

#endif
