/* metrics.h - request counters and latency histograms per route, rendered in
 * the Prometheus text format for GET /metrics. */
#ifndef PENDOPO_METRICS_H
#define PENDOPO_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct metrics;
struct router;
struct arena;

struct metrics *metrics_new(const struct router *rt);
void metrics_free(struct metrics *m);
/* index: a route index, or -1 for static files, -2 for unmatched paths. */
void metrics_observe(struct metrics *m, int index, int status, int64_t micros);
char *metrics_render(struct metrics *m, struct arena *a, size_t *len);

#endif
