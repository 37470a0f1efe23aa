/* encoding.c - gzip (zlib), ETag comparison and the static files' cache
 * of their gzip and brotli.  See encoding.h.
 */
#include "encoding.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>
#include <brotli/encode.h>
#include <sodium.h>

#include "arena.h"

static bool accepts(const char *ae, const char *coding)
{
	size_t clen = strlen(coding);
	for (const char *p = ae; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		bool gzip = (n == clen && strncasecmp(p, coding, clen) == 0) || (n == 1 && *p == '*');
		p += n;
		double q = 1;
		if (*p == ';') {
			const char *qs = strstr(p, "q=");
			const char *end = p + strcspn(p, ",");
			if (qs && qs < end)
				q = strtod(qs + 2, NULL);
			p = end;
		}
		if (gzip)
			return q > 0;
	}
	return false;
}

bool encoding_accepts_gzip(const char *ae)
{
	return accepts(ae, "gzip");
}

bool encoding_accepts_br(const char *ae)
{
	return accepts(ae, "br");
}

int encoding_gzip(struct arena *a, const void *in, size_t len, int level, void **out, size_t *out_len)
{
	z_stream z = { 0 };
	/* 15 window bits + 16: a gzip wrapper rather than zlib's */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, (uLong)len);
	unsigned char *buf = arena_alloc(a, cap);
	if (!buf) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	*out = buf;
	return rc == Z_STREAM_END ? 0 : -1;
}

bool encoding_etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	for (const char *p = inm; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		size_t len = strcspn(p, ", ");
		if (len == n && strncmp(p, etag, n) == 0)
			return true;
		p += len;
	}
	return false;
}

const char *encoding_body_etag(struct arena *a, const void *body, size_t len)
{
	unsigned char h[8];
	crypto_generichash(h, sizeof(h), body, len, NULL, 0);
	/* By hand, not printf: eight %02x cost 6,600 instructions a reply. */
	char *tag = arena_alloc(a, 2 * sizeof(h) + 4);
	if (!tag)
		return NULL;
	tag[0] = '"';
	tag[1] = 'h';
	sodium_bin2hex(tag + 2, 2 * sizeof(h) + 1, h, sizeof(h));
	memcpy(tag + 2 + 2 * sizeof(h), "\"", 2);
	return tag;
}

/* ---- the static files' cache --------------------------------------------- */

struct gzip_entry {
	char *rel;
	uint64_t size;
	int64_t mtime_ns;
	void *gz, *br;
	size_t len, br_len;
	struct gzip_entry *next;
};

struct gzip_cache {
	pthread_mutex_t lock;
	struct gzip_entry *head;
};

struct gzip_cache *gzip_cache_new(void)
{
	struct gzip_cache *c = calloc(1, sizeof(*c));
	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void gzip_cache_free(struct gzip_cache *c)
{
	if (!c)
		return;
	for (struct gzip_entry *e = c->head, *next; e; e = next) {
		next = e->next;
		free(e->rel);
		free(e->gz);
		free(e->br);
		free(e);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Quality 9: the best, 11, took 11 s for Leaflet's 450 KB on a loaded
 * machine, under the cache's lock; 9 took 2.7 s there and is still 12 %
 * smaller than gzip -9 (98 KB against 111 KB; 11 gave 90 KB). */
#define BROTLI_STATIC_QUALITY 9

/* in as brotli, in malloc'd memory; NULL on failure. */
static void *brotli_best(const void *in, size_t len, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	uint8_t *out = cap ? malloc(cap) : NULL;
	*out_len = cap;
	if (out && BrotliEncoderCompress(BROTLI_STATIC_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len, in, out_len,
					 out))
		return out;
	free(out);
	return NULL;
}

/* The whole file at fd, compressed at the best level (made once). */
static struct gzip_entry *entry_make(int fd, const char *rel, uint64_t size, int64_t mtime_ns)
{
	struct gzip_entry *e = calloc(1, sizeof(*e));
	struct arena *a = arena_new(size + 4096);
	unsigned char *raw = a ? arena_alloc(a, size ? size : 1) : NULL;
	size_t got = 0;
	void *gz;
	while (raw && got < size) {
		ssize_t n = pread(fd, raw + got, size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (!e || !raw || got != size || encoding_gzip(a, raw, size, 9, &gz, &e->len) != 0 ||
	    !(e->gz = malloc(e->len)) || !(e->br = brotli_best(raw, size, &e->br_len)) || !(e->rel = strdup(rel))) {
		if (e) {
			free(e->gz);
			free(e->br);
			free(e);
		}
		arena_free(a);
		return NULL;
	}
	memcpy(e->gz, gz, e->len);
	arena_free(a);
	e->size = size;
	e->mtime_ns = mtime_ns;
	return e;
}

const void *gzip_cache_get(struct gzip_cache *c, int fd, const char *rel, uint64_t size, int64_t mtime_ns,
			   bool brotli, size_t *len)
{
	pthread_mutex_lock(&c->lock);
	struct gzip_entry *e = c->head;
	while (e && !(strcmp(e->rel, rel) == 0 && e->size == size && e->mtime_ns == mtime_ns))
		e = e->next;
	/* Made under the lock: a first visitor's pages compress once, not
	 * once per parallel request; an older version stays until restart,
	 * which a deploy brings anyway. */
	if (!e && (e = entry_make(fd, rel, size, mtime_ns))) {
		e->next = c->head;
		c->head = e;
	}
	pthread_mutex_unlock(&c->lock);
	if (!e)
		return NULL;
	*len = brotli ? e->br_len : e->len;
	return brotli ? e->br : e->gz;
}
