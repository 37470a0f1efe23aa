/* router.c - route tables flattened into one list (the actions of protocol
 * dispatchers made routes of their own) and matched segment by segment.
 * A few hundred routes make a linear scan cheaper than any tree. */
#include "router.h"
#include "arena.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct router {
	const struct route **routes;
	const struct module **modules;	/* the module of each route */
	size_t n;
	struct route *made;		/* the actions' routes, owned */
	size_t nmade;
};

/* The parent's pattern with its {param} replaced by the action's name:
 * "/api/3/action/{fn}" + "package_show". */
static char *action_pattern(const char *parent, const char *name)
{
	const char *open = strchr(parent, '{'), *close = open ? strchr(open, '}') : NULL;
	if (!close)
		return NULL;
	size_t head = (size_t)(open - parent), nlen = strlen(name), tail = strlen(close + 1);
	char *p = malloc(head + nlen + tail + 1);
	if (p) {
		memcpy(p, parent, head);
		memcpy(p + head, name, nlen);
		memcpy(p + head + nlen, close + 1, tail + 1);
	}
	return p;
}

static bool is_action_of(const struct route *a, const struct route *parent)
{
	return strcmp(a->method, parent->method) == 0 && strchr(parent->pattern, '{');
}

/* Each action of a dispatcher becomes a route of its own, listed before
 * the dispatcher's route: the first match wins, so the dispatcher answers
 * only names no action has. */
struct router *router_new(const struct module *const *modules, size_t n)
{
	struct router *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return NULL;
	size_t total = 0, actions = 0;
	for (size_t i = 0; i < n; i++)
		for (const struct route *r = modules[i]->routes; r && r->method; r++) {
			total++;
			for (const struct route *a = modules[i]->actions; a && a->method; a++)
				actions += is_action_of(a, r);
		}
	total += actions;
	rt->routes = calloc(total ? total : 1, sizeof(*rt->routes));
	rt->modules = calloc(total ? total : 1, sizeof(*rt->modules));
	rt->made = calloc(actions ? actions : 1, sizeof(*rt->made));
	if (!rt->routes || !rt->modules || !rt->made) {
		router_free(rt);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		for (const struct route *r = modules[i]->routes; r && r->method; r++) {
			for (const struct route *a = modules[i]->actions; a && a->method; a++) {
				if (!is_action_of(a, r))
					continue;
				struct route *made = &rt->made[rt->nmade];
				*made = *a;
				made->pattern = action_pattern(r->pattern, a->pattern);
				if (!made->pattern) {
					router_free(rt);
					return NULL;
				}
				rt->nmade++;
				rt->modules[rt->n] = modules[i];
				rt->routes[rt->n++] = made;
			}
			rt->modules[rt->n] = modules[i];
			rt->routes[rt->n++] = r;
		}
	return rt;
}

void router_free(struct router *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->nmade; i++)
		free((char *)rt->made[i].pattern);
	free(rt->made);
	free(rt->modules);
	free(rt->routes);
	free(rt);
}

size_t router_count(const struct router *rt)
{
	return rt->n;
}

const struct route *router_route(const struct router *rt, size_t i)
{
	return i < rt->n ? rt->routes[i] : NULL;
}

const struct module *router_module(const struct router *rt, size_t i)
{
	return i < rt->n ? rt->modules[i] : NULL;
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
		m->module = rt->modules[i];
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
