/* module.h - what a Pendopo module declares: routes, migrations, demo data.
 *
 * A module is data.  The router, /metrics, `pendopo migrate` and
 * `pendopo demo load` all read these tables; adding a service means adding
 * a folder and one line to the module list in main.c.
 */
#ifndef PENDOPO_MODULE_H
#define PENDOPO_MODULE_H

#include <stddef.h>
#include <jansson.h>

struct req;
struct app;
struct db_conn;

typedef int (*handler_fn)(struct req *r);

/* Roles a caller may hold.  A route lists the roles that may call it;
 * scope (which unit, which village) is checked by the handler with can(). */
enum role {
	ROLE_CITIZEN = 1u << 0,
	ROLE_OFFICER = 1u << 1,
	ROLE_UNIT_HEAD = 1u << 2,
	ROLE_WALIDATA = 1u << 3,
	ROLE_VILLAGE_OPERATOR = 1u << 4,
	ROLE_ADMIN = 1u << 5,
	ROLE_REGENT_OFFICE = 1u << 6,
};
#define ROLE_PUBLIC 0u			/* no login needed */
#define ROLE_ANY_USER 0x7fu		/* any logged-in caller */
#define ROLE_STAFF (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_WALIDATA | \
		    ROLE_VILLAGE_OPERATOR | ROLE_ADMIN | ROLE_REGENT_OFFICE)

enum field_type { FT_STRING, FT_INT, FT_NUMBER, FT_BOOL, FT_OBJECT, FT_ARRAY };
#define FF_REQUIRED 1u
#define FF_NULLABLE 2u

/* One member of a JSON request body.  Members not declared are refused. */
struct field {
	const char *name;
	enum field_type type;
	unsigned flags;
	size_t max;		/* FT_STRING: max length in characters; 0 = 1000 */
};

#define RF_NO_TX 1u		/* handler manages its own transactions (no write
				 * transaction, and for GET no read snapshot) */
#define RF_RAW_BODY 2u		/* body is not JSON: handler reads r->body_raw */

struct route {
	const char *method;
	const char *pattern;		/* "/api/orgs/{code}" */
	handler_fn handler;
	unsigned roles;			/* ROLE_PUBLIC or a mask of enum role */
	const struct field *body;	/* NULL: no body accepted */
	unsigned flags;
};

struct migration {
	int version;
	const char *name;
	const char *sqlite;
	const char *postgres;
};

struct module {
	const char *name;
	const struct route *routes;		/* ends with a zeroed entry */
	const struct migration *migrations;	/* ends with version 0 */
	int (*demo_load)(struct app *app, struct db_conn *c);
	void (*tick)(struct app *app);
	/* Called inside the transaction that changed the holidays, so work
	 * derived from working days (open deadlines) moves with it. */
	int (*holidays_changed)(struct app *app, struct db_conn *c);
};

#endif
