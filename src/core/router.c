/* router.c - route tables flattened into one list and matched segment by
 * segment.  A few dozen routes make a linear scan cheaper than any tree. */
#include "router.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct router {
	const struct route **routes;
	size_t n;
};

struct router *router_new(const struct module *const *modules, size_t n)
{
	struct router *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return NULL;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		for (const struct route *r = modules[i]->routes; r && r->method; r++)
			total++;
	rt->routes = calloc(total ? total : 1, sizeof(*rt->routes));
	if (!rt->routes) {
		free(rt);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		for (const struct route *r = modules[i]->routes; r && r->method; r++)
			rt->routes[rt->n++] = r;
	return rt;
}

void router_free(struct router *rt)
{
	if (rt) {
		free(rt->routes);
		free(rt);
	}
}

size_t router_count(const struct router *rt)
{
	return rt->n;
}

const struct route *router_route(const struct router *rt, size_t i)
{
	return i < rt->n ? rt->routes[i] : NULL;
}

/* Match path against pattern; on success fill params (not yet copied). */
static int pattern_match(const char *pat, const char *path, struct route_match *m,
			 const char **vstart, size_t *vlen)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *end = strchr(pat, '}');
			const char *seg_end = strchr(path, '/');
			size_t len = seg_end ? (size_t)(seg_end - path) : strlen(path);
			if (!end || len == 0 || np == 6)
				return 0;
			m->names[np] = pat + 1;	/* terminated by '}' - copied later */
			vstart[np] = path;
			vlen[np] = len;
			np++;
			pat = end + 1;
			path += len;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	m->nparams = np;
	return 1;
}

int router_match(const struct router *rt, const char *method, const char *path,
		 struct arena *a, struct route_match *m)
{
	const char *vstart[6];
	size_t vlen[6];
	int path_known = 0;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < rt->n; i++) {
		const struct route *r = rt->routes[i];
		if (!pattern_match(r->pattern, path, m, vstart, vlen))
			continue;
		int same = strcmp(r->method, method) == 0 ||
			   (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0);
		if (!same) {
			size_t used = strlen(m->allow);
			if (!strstr(m->allow, r->method) && used + strlen(r->method) + 3 < sizeof(m->allow)) {
				if (used)
					strcat(m->allow, ", ");
				strcat(m->allow, r->method);
			}
			path_known = 1;
			continue;
		}
		m->route = r;
		m->index = (int)i;
		for (int k = 0; k < m->nparams; k++) {
			const char *close = strchr(m->names[k], '}');
			m->names[k] = arena_strndup(a, m->names[k], (size_t)(close - m->names[k]));
			m->values[k] = arena_strndup(a, vstart[k], vlen[k]);
			if (!m->names[k] || !m->values[k])
				return 0;
		}
		m->allow[0] = '\0';
		return 1;
	}
	return path_known ? -1 : 0;
}
