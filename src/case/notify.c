/* notify.c - a case's notices to people (see case.h): the one way every
 * service on the case engine tells a reporter, an applicant or a unit's
 * staff about a change, in the change's transaction, through the outbox.
 * Each service used to carry its own copy of these three functions. */
#include "case.h"

#include <stdbool.h>

#include "arena.h"
#include "auth.h"
#include "outbox.h"
#include "util.h"

int case_notify_user(struct case_ctx *x, const struct case_row *cs, int64_t user_id, const char *address,
		     const char *topic, const char *link, json_t *data)
{
	struct notice n = { .user_id = user_id, .address = address, .topic = topic, .link = link, .data = data,
			    .object = arena_printf(x->a, "%s:%s", cs->type->notice_object, cs->tracking) };
	char at[24];
	time_iso(x->now, at);
	return outbox_notify(x->c, &n, at);
}

int case_notify_people(struct case_ctx *x, const struct case_row *cs, const struct staff_member *m, size_t n,
		       const char *topic, const char *link, json_t *data)
{
	for (size_t i = 0; i < n; i++) {
		/* One notice a person, however many of the roles they hold. */
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = m[k].id == m[i].id;
		if (!seen && case_notify_user(x, cs, m[i].id, NULL, topic, link, data) != 0)
			return -1;
	}
	return 0;
}

int case_notify_unit(struct case_ctx *x, const struct case_row *cs, int64_t unit_id, unsigned roles,
		     const char *topic, const char *link, json_t *data)
{
	struct staff_member *m;
	size_t n;
	if (!unit_id)
		return 0;
	if (auth_unit_staff(x->c, x->a, unit_id, roles, &m, &n) != 0)
		return -1;
	return case_notify_people(x, cs, m, n, topic, link, data);
}
