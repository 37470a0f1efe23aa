/* auth.h - identity: users, sessions, API tokens, roles and their scopes.
 *
 * The auth module owns the users, user_roles, sessions, api_keys and
 * rate_limits tables.  Other code asks who the caller is (r->caller, filled
 * by auth_identify before any handler runs) and what they may do.
 */
#ifndef PENDOPO_AUTH_H
#define PENDOPO_AUTH_H

#include <stdbool.h>
#include <stdint.h>
#include "http.h"

extern const struct module auth_module;

/* Fill r->caller from the session cookie or the Bearer token.  0 on success
 * (the caller may be anonymous); -1 when a reply was set (bad token). */
int auth_identify(struct req *r);

bool caller_has(const struct caller *c, unsigned roles);
/* Officer or unit head of this unit (admins and the regent's office pass). */
bool caller_in_unit(const struct caller *c, int64_t unit_id);
bool caller_in_village(const struct caller *c, const char *village);

enum role role_from_name(const char *name);	/* 0 when unknown */
const char *role_name(enum role r);

/* For the command line: create a user with one role grant.  unit is an
 * organisation code (officer, unit_head) and village a region code
 * (village_operator); both NULL otherwise.  0 ok, else err filled. */
int auth_user_add(struct db_conn *c, const char *name, const char *email,
		  const char *password, const char *role, const char *unit,
		  const char *village, char *err, size_t errlen);
/* Create an API token; the plain token goes to token_out once. */
int auth_apikey_create(struct db_conn *c, const char *name, const char *role,
		       const char *unit, char token_out[48], char *err, size_t errlen);

#endif
