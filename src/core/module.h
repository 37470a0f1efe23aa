/* module.h - what a Pendopo module declares: routes (and the actions of
 * its protocol dispatchers), migrations, demo data, periodic work and its
 * subcommands.
 *
 * A module is data.  The router, /metrics, `pendopo routes`, the OpenAPI
 * description, `pendopo migrate`, `pendopo demo load` and the command line
 * all read these tables; adding a service means adding a folder and one
 * line to the module list in main.c.
 */
#ifndef PENDOPO_MODULE_H
#define PENDOPO_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct req;
struct action;
struct app;
struct strbuf;
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
	ROLE_VILLAGE_HEAD = 1u << 7,	/* kepala desa: approves the village's letters */
};
/* Roles held in one village (their grant names its Kemendagri code). */
#define ROLE_VILLAGE_SCOPED (ROLE_VILLAGE_OPERATOR | ROLE_VILLAGE_HEAD)
#define ROLE_PUBLIC 0u			/* no login needed */
/* No caller at all: an action a protocol has that Pendopo does not offer
 * (CKAN's organization_create), refused as the protocol refuses a caller
 * without rights. */
#define ROLE_NOBODY (1u << 31)
#define ROLE_ANY_USER 0xffu		/* any logged-in caller */
#define ROLE_STAFF (ROLE_OFFICER | ROLE_UNIT_HEAD | ROLE_WALIDATA | \
		    ROLE_VILLAGE_OPERATOR | ROLE_ADMIN | ROLE_REGENT_OFFICE | \
		    ROLE_VILLAGE_HEAD)

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
#define RF_RAW_BODY 2u		/* the router does not decode the body: the
				 * handler reads r->body_raw (a protocol's own
				 * format, or a file with RF_UPLOAD) */
#define RF_UPLOAD 4u		/* takes a file: the body may reach
				 * --upload-limit-mb; any other route's body
				 * stops at --body-limit-kb */
#define RF_READ 8u		/* a POST that changes nothing (a protocol's
				 * read sent by POST): a read snapshot, no
				 * CSRF token */
#define RF_OPEN_BODY 16u	/* a JSON object whose members the handler
				 * reads itself (a protocol's parameters):
				 * decoded, but members are not checked; an
				 * HTML form's fields arrive as its texts */
#define RF_SECRET_PATH 32u	/* the path holds a secret (a booking code
				 * that cancels, a card number, a link's
				 * token): the access log shows the pattern */
#define RF_SUBMIT 64u		/* a citizen's submission (a complaint, an
				 * application, a request, an answer, an
				 * account): counted per address and per
				 * account, refused 429 past the hourly limits */
#define RF_REPLICA 128u		/* a public read (a list, a search, statistics)
				 * that a read replica may answer when the
				 * caller has not just written (--db-read) */

struct req;

/* A protocol that answers in its own envelope (CKAN, Open311, BPJS
 * Antrol), spoken by every route of its module: the router's own
 * refusals there (401/403 role, CSRF, 400 body, 413 size) are written by
 * refuse(), and the OpenAPI description shows its error envelope and
 * request media type. */
struct protocol {
	const char *name;		/* "ckan": `pendopo routes`, OpenAPI tags */
	int (*refuse)(struct req *r, int status, const char *code, const char *message, const char *field);
	const char *error_schema;	/* JSON Schema of the error envelope (JSON text) */
	const char *media_type;		/* of request bodies: "application/json" */
	const char *auth_header;	/* header carrying its credentials, or NULL */
	/* The paths it owns ("/antrol/"): an unknown path or a wrong method
	 * under it is refused in its envelope too.  NULL: none beyond its
	 * routes. */
	const char *prefix;
};

struct route {
	const char *method;
	const char *pattern;		/* "/api/orgs/{code}"; in a module's
					 * actions, the action's name */
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

/* A subcommand: `pendopo NAME ARGS... [options]`.  name is one word
 * ("backup") or two ("user add"); the function gets the arguments after
 * them.  Options and their parsing are in cli.h. */
struct cli;
struct cli_opt;
struct command {
	const char *name;
	const char *usage;		/* "user add --email E --password P ..." */
	const char *summary;		/* one line for `pendopo --help` */
	const struct cli_opt *opts;	/* ends with a zeroed entry; NULL: none */
	int (*run)(struct cli *cli, int argc, char **argv);	/* exit code */
};

/* Who may follow live-event topics under a prefix ("unit/", "user/").  A
 * module declares the namespaces it owns; topics under "public/" are
 * anyone's, any other topic is followed only where a rule says yes. */
struct topic_rule {
	const char *prefix;
	/* Nonzero when the caller of r may follow topic (which starts with prefix). */
	int (*may_follow)(struct req *r, const char *topic);
};

/* A page of the web front end that answers every path under prefix
 * ("/v/" -> "/v/index.html"), for short links whose page reads the rest
 * of its own address (a letter's /v/{token}). */
struct page_alias {
	const char *prefix;
	const char *file;
};

/* A page of staff work a module offers: in the header, and where its
 * people land after logging in, for callers who may take its action
 * somewhere (can_somewhere) - the authorization the API enforces, not a
 * second list of roles. */
struct tool {
	const char *path;
	const char *label_id, *label_en;
	const struct action *action;
	/* NULL, or whether the page has anything for this caller (an
	 * officer whose unit runs no queue has no counter). */
	bool (*applies)(struct req *r);
	/* The header lists tools by rank, and people land on their first:
	 * 0 the overview, 1 daily work, 2 oversight, 3 settings. */
	int rank;
};

struct module {
	const char *name;
	const struct route *routes;		/* ends with a zeroed entry */
	/* A protocol dispatcher's actions (CKAN's package_show): the router
	 * makes each a route of its own under every route of this module
	 * with the same method, the action's name in place of the route's
	 * {param} ("/api/3/action/{fn}"), matched before that route, which
	 * then answers only names no action has.  Ends with a zeroed entry. */
	const struct route *actions;
	const struct protocol *protocol;	/* NULL: Pendopo's JSON envelope */
	const struct command *commands;		/* ends with a zeroed entry */
	const struct topic_rule *topics;	/* ends with a zeroed entry */
	const struct page_alias *pages;		/* ends with a zeroed entry */
	const struct tool *tools;		/* ends with a zeroed entry */
	const struct migration *migrations;	/* ends with version 0 */
	int (*demo_load)(struct app *app, struct db_conn *c);
	void (*tick)(struct app *app);
	/* Called inside the transaction that changed the holidays, so work
	 * derived from working days (open deadlines) moves with it. */
	int (*holidays_changed)(struct app *app, struct db_conn *c);
	/* Does a row of this module name the stored file sha (files.h)?  1
	 * yes, 0 no, -1 error.  Files are shared by content across services:
	 * one is removed only when no module uses it (document_unused()). */
	int (*file_used)(struct db_conn *c, const char *sha);
	/* Lines of its own for /metrics (Prometheus text), read from c;
	 * 0, or -1 on a database error. */
	int (*metrics)(struct app *app, struct db_conn *c, struct strbuf *out);
};

#endif
