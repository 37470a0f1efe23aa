/* router.h - matching a method and path against the modules' route tables. */
#ifndef PENDOPO_ROUTER_H
#define PENDOPO_ROUTER_H

#include <stddef.h>
#include "module.h"

struct router;

struct route_match {
	const struct route *route;
	const struct module *module;	/* whose table the route is in */
	int index;			/* stable 0..router_count()-1, for metrics */
	const char *names[6];
	const char *values[6];		/* slices of the path copied to the arena */
	int nparams;
	char allow[64];			/* when the path matched other methods only */
};

struct arena;

struct router *router_new(const struct module *const *modules, size_t n);
void router_free(struct router *rt);

/* 1 matched; 0 no route; -1 path known but not for this method (allow set). */
int router_match(const struct router *rt, const char *method, const char *path,
		 struct arena *a, struct route_match *m);

/* Every route, actions included, in matching order: 0..router_count()-1. */
size_t router_count(const struct router *rt);
const struct route *router_route(const struct router *rt, size_t i);
const struct module *router_module(const struct router *rt, size_t i);

#endif
