/* can.h - may this caller take this action on this object?
 *
 * Roles are scoped: an officer is an officer *of a unit*, a village
 * operator *of a village*.  The route table says which roles may call an
 * endpoint at all; whether this caller may act on this complaint, facility,
 * dataset or village is a question for can(), asked with an action that
 * the module declares as data next to its handlers:
 *
 *	static const struct action facility_setup = {
 *		"queue.facility_setup", .anywhere = ROLE_ADMIN, .in_unit = ROLE_UNIT_HEAD };
 *	if (!can(&r->caller, &facility_setup, &(struct object){ .unit_id = f->unit_id }))
 *		return reply_error(r, 403, ...);
 *
 * A grant counts only for its own scope: an officer of unit A who is the
 * head of unit B is not A's head.
 */
#ifndef PENDOPO_CAN_H
#define PENDOPO_CAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct caller;

struct action {
	const char *name;	/* "queue.facility_setup", for logs and tests */
	unsigned anywhere;	/* roles that may take it on any object */
	unsigned in_unit;	/* roles that may take it on an object of a unit they hold the role in */
	unsigned in_village;	/* roles that may take it on an object of a village they hold the role in */
	bool owner;		/* the object's owner (its reporter, applicant) may take it */
};

/* What an action is taken on; a zero member is not part of its scope. */
struct object {
	int64_t unit_id;
	const char *village;	/* Kemendagri code of a village */
	int64_t owner_id;	/* user id */
};

bool can(const struct caller *c, const struct action *a, const struct object *o);
/* May take a on some object: a role for anywhere, or one for a unit or a
 * village the caller holds it in (what a tool in the header needs). */
bool can_somewhere(const struct caller *c, const struct action *a);

/* The units in which the caller holds one of roles, for lists filtered to
 * the caller's scope: up to max ids into out, their number returned. */
size_t caller_units(const struct caller *c, unsigned roles, int64_t *out, size_t max);

#endif
