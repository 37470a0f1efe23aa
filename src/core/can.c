/* can.c - scoped authorization: a caller's grants against an action's
 * policy (see can.h). */
#include "can.h"
#include "http.h"

#include <string.h>

bool can(const struct caller *c, const struct action *a, const struct object *o)
{
	static const struct object none;
	if (!o)
		o = &none;
	if (a->owner && o->owner_id && c->user_id == o->owner_id)
		return true;
	for (int i = 0; i < c->ngrants; i++) {
		const struct grant *g = &c->grants[i];
		if (g->role & a->anywhere)
			return true;
		if ((g->role & a->in_unit) && o->unit_id && g->unit_id == o->unit_id)
			return true;
		if ((g->role & a->in_village) && o->village && g->village && strcmp(g->village, o->village) == 0)
			return true;
	}
	return false;
}

bool can_somewhere(const struct caller *c, const struct action *a)
{
	for (int i = 0; i < c->ngrants; i++) {
		const struct grant *g = &c->grants[i];
		if ((g->role & a->anywhere) || ((g->role & a->in_unit) && g->unit_id) ||
		    ((g->role & a->in_village) && g->village))
			return true;
	}
	return false;
}

size_t caller_units(const struct caller *c, unsigned roles, int64_t *out, size_t max)
{
	size_t n = 0;
	for (int i = 0; i < c->ngrants && n < max; i++) {
		const struct grant *g = &c->grants[i];
		if (!(g->role & roles) || !g->unit_id)
			continue;
		size_t j = 0;
		while (j < n && out[j] != g->unit_id)
			j++;
		if (j == n)
			out[n++] = g->unit_id;
	}
	return n;
}
