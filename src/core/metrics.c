/* metrics.c - lock-free counters: each request bumps a few atomics. */
#include "metrics.h"
#include "arena.h"
#include "module.h"
#include "router.h"
#include "strbuf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double bucket_bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define NBUCKETS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]))

struct series {
	atomic_ullong by_class[6];		/* 1xx..5xx, index 1..5 */
	atomic_ullong buckets[NBUCKETS];	/* cumulative on render only */
	atomic_ullong count;
	atomic_ullong micros_sum;
};

struct metrics {
	const struct router *rt;
	size_t n;			/* routes + static + unmatched */
	struct series *s;
};

struct metrics *metrics_new(const struct router *rt)
{
	struct metrics *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->rt = rt;
	m->n = router_count(rt) + 2;
	m->s = calloc(m->n, sizeof(*m->s));
	if (!m->s) {
		free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m) {
		free(m->s);
		free(m);
	}
}

static size_t slot(const struct metrics *m, int index)
{
	size_t routes = m->n - 2;
	if (index >= 0 && (size_t)index < routes)
		return (size_t)index;
	return index == -1 ? routes : routes + 1;
}

void metrics_observe(struct metrics *m, int index, int status, int64_t micros)
{
	struct series *s = &m->s[slot(m, index)];
	int cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 5;
	atomic_fetch_add_explicit(&s->by_class[cls], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->micros_sum, (unsigned long long)micros, memory_order_relaxed);
	double secs = (double)micros / 1e6;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (secs <= bucket_bounds[b]) {
			atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
			break;
		}
}

char *metrics_render(struct metrics *m, struct arena *a, size_t *len)
{
	struct strbuf o;
	strbuf_init(&o, a, 16384);
	size_t routes = m->n - 2;

	strbuf_addf(&o, "# HELP pendopo_http_requests_total HTTP requests by route and status class.\n"
			"# TYPE pendopo_http_requests_total counter\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct route *r = i < routes ? router_route(m->rt, i) : NULL;
		const char *method = r ? r->method : "GET";
		const char *pattern = r ? r->pattern : i == routes ? "static" : "unmatched";
		for (int c = 1; c <= 5; c++) {
			unsigned long long v = atomic_load(&m->s[i].by_class[c]);
			if (v)
				strbuf_addf(&o, "pendopo_http_requests_total{method=\"%s\",route=\"%s\",code=\"%dxx\"} %llu\n",
				            method, pattern, c, v);
		}
	}
	strbuf_addf(&o, "# HELP pendopo_http_request_duration_seconds Time from request to response.\n"
			"# TYPE pendopo_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->n; i++) {
		unsigned long long count = atomic_load(&m->s[i].count);
		if (!count)
			continue;
		const struct route *r = i < routes ? router_route(m->rt, i) : NULL;
		const char *method = r ? r->method : "GET";
		const char *pattern = r ? r->pattern : i == routes ? "static" : "unmatched";
		unsigned long long cum = 0;
		for (size_t b = 0; b < NBUCKETS; b++) {
			cum += atomic_load(&m->s[i].buckets[b]);
			strbuf_addf(&o, "pendopo_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
			            method, pattern, bucket_bounds[b], cum);
		}
		strbuf_addf(&o, "pendopo_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
		            method, pattern, count);
		strbuf_addf(&o, "pendopo_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
		            method, pattern, (double)atomic_load(&m->s[i].micros_sum) / 1e6);
		strbuf_addf(&o, "pendopo_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
		            method, pattern, count);
	}
	if (o.failed)
		return NULL;
	*len = o.len;
	return o.buf;
}
