/* accounts.h - the user account as registration, profiles, the admin's
 * user management and the command line share it (accounts.c).  Internal
 * to the identity files of core: other modules use auth.h.
 */
#ifndef PENDOPO_ACCOUNTS_H
#define PENDOPO_ACCOUNTS_H

#include <stdint.h>
#include <jansson.h>
#include <sodium.h>
#include "http.h"

struct arena;

/* s without surrounding white space, in a; NULL for NULL. */
char *account_trimmed(struct arena *a, const char *s);
/* Lower-cased, or NULL when it does not look like an address. */
char *account_email_norm(struct arena *a, const char *in);
/* Why a password is refused, in English and Indonesian, or NULL: fewer
 * than 8 or more than 128 characters, or easy to guess by libpwquality's
 * checks (cracklib's dictionary and patterns, palindromes, the user's own
 * email or phone in it; user may be NULL). */
struct password_problem {
	const char *en, *id;
};
const struct password_problem *account_password_problem(const char *pw, const char *user);
int account_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES]);

/* The user as the API shows it, with its grants.  0 found, 1 missing, -1 error. */
int account_json(struct db_conn *c, struct arena *a, int64_t id, json_t **out);
/* Reply {user} (and csrf_token when given), 404 when missing. */
int account_reply(struct req *r, int status, int64_t id, const char *csrf);
/* The same for the user the caller's write transaction changed, read as
 * its last statement and committed with it (db_step_last): a 2xx once
 * the commit is durable, else a database error, rolled back. */
int account_reply_commit(struct req *r, int status, int64_t id);

/* Check and normalise the body's name, email and phone: 1 when a reply was
 * set.  name NULL: the name is not asked for.  need_one: email or phone. */
int account_contact_fields(struct req *r, const char **name, const char **email, const char **phone, int need_one);
/* 1 with a 409 reply when email or phone belongs to another user than self. */
int account_contact_taken(struct req *r, const char *email, const char *phone, int64_t self);
/* A new user row; 1 when a reply was set. */
int account_insert(struct req *r, const char *name, const char *email, const char *phone,
		   const char *hash, int64_t *id);
/* Apply name/email/phone/lang from the body to user id.  1 when replied. */
int account_profile_update(struct req *r, int64_t id);
/* A session for user_id inside the caller's transaction, its cookie set
 * on the reply; csrf_out receives the new CSRF token.  0 or -1. */
int account_session_create(struct req *r, int64_t user_id, char csrf_out[48]);
/* The body's members without passwords, for the audit row. */
json_t *account_changed_fields(struct req *r);

#endif
