/* auth.h - identity: users, sessions, API tokens, roles and their scopes.
 *
 * The auth module (auth.c) owns the users, user_roles, sessions, api_keys
 * and rate_limits tables; profiles (profile.c), the admin's user management
 * (users.c) and API tokens (apikeys.c) are modules of their own on them.
 * Other code asks who the caller is (r->caller, filled by auth_identify
 * before any handler runs) and what they may do.
 */
#ifndef PENDOPO_AUTH_H
#define PENDOPO_AUTH_H

#include <stdbool.h>
#include <stdint.h>
#include "http.h"

extern const struct module auth_module;	/* register, login, logout */
extern const struct module profile_module;	/* /api/me */
extern const struct module users_module;	/* /api/users, demo accounts */
extern const struct module apikeys_module;	/* /api/apikeys */
extern const struct module phone_login_module;	/* one-time codes by WhatsApp or SMS */

/* Fill r->caller from the session cookie or the Bearer token.  0 on success
 * (the caller may be anonymous); -1 when a reply was set (bad token). */
int auth_identify(struct req *r);

/* Holds one of roles somewhere: what the route table checks.  Whether the
 * caller may act on a given object is can()'s question (can.h). */
bool caller_has(const struct caller *c, unsigned roles);

/* The caller an API token stands for, as auth_identify() fills it from a
 * Bearer header, for protocols that carry the token elsewhere (Open311's
 * api_key).  0 found, 1 unknown or revoked, -1 on a database error. */
int auth_token_caller(struct db_conn *c, struct arena *a, const char *token, struct caller *out);

/* A person holding a role in a unit, for assignment lists and for telling
 * a unit's head about its overdue work. */
struct staff_member {
	int64_t id;
	const char *name;
	enum role role;
};
/* Active users with one of roles (a mask of ROLE_OFFICER, ROLE_UNIT_HEAD)
 * in unit_id, by name, into an array in a.  0 ok (*n may be 0), -1 error. */
int auth_unit_staff(struct db_conn *c, struct arena *a, int64_t unit_id, unsigned roles,
		    struct staff_member **out, size_t *n);
/* Active holders of roles (a mask of ROLE_VILLAGE_OPERATOR,
 * ROLE_VILLAGE_HEAD) in a village (its Kemendagri code), likewise. */
int auth_village_staff(struct db_conn *c, struct arena *a, const char *village, unsigned roles,
		       struct staff_member **out, size_t *n);

/* Limits on attempts, kept in the database so that every instance counts
 * them (fixed windows of window_s seconds, one row per bucket).
 * auth_rate_hit counts one attempt in its own committed transaction, so
 * refused attempts count too: the seconds to wait when the bucket now
 * holds more than limit, 0 when not, -1 on a database error.
 * auth_rate_full only reads: the seconds to wait when it already holds
 * limit, 0 when not, -1 on error.  auth_rate_clear empties a bucket inside
 * the caller's transaction (a right password after wrong ones): 0 or -1. */
int auth_rate_hit(struct req *r, const char *bucket, int limit, int window_s);
int auth_rate_full(struct req *r, const char *bucket, int limit, int window_s);
int auth_rate_clear(struct req *r, const char *bucket);

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
