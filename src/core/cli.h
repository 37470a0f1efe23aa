/* cli.h - the command line: each module declares its subcommands (struct
 * command in module.h) with options that have environment twins; `pendopo
 * --help` and `pendopo COMMAND --help` are written from those tables, and
 * a command asks here for its options and a migrated database.
 */
#ifndef PENDOPO_CLI_H
#define PENDOPO_CLI_H

#include <stddef.h>
#include "app.h"
#include "module.h"

struct cli_opt {
	const char *name;	/* "--db" */
	const char *env;	/* "PENDOPO_DB" or NULL */
	const char *help;
	const char *def;	/* default, or NULL */
};

/* Options several commands share. */
#define CLI_OPT_DB { "--db", "PENDOPO_DB", "database: a SQLite path, sqlite:PATH or postgresql://...", "var/pendopo.db" }
#define CLI_OPT_REGENCY { "--regency", "PENDOPO_REGENCY", "Kemendagri code of this deployment's regency", "33.03" }
#define CLI_OPT_DATA_DIR { "--data-dir", "PENDOPO_DATA_DIR", "folder for uploads and generated files", "var/data" }
#define CLI_OPT_BASE_URL { "--base-url", "PENDOPO_BASE_URL", "public URL, for links in letters and QR codes", \
			   "http://localhost:8080" }

#define CLI_OPTS_MAX 96

/* One run of one command: its options' values (default, then
 * environment, then flag) and the module list it may walk. */
struct cli {
	const struct command *cmd;
	const char *values[CLI_OPTS_MAX];	/* parallel to cmd->opts */
	const struct module *const *modules;
	size_t nmodules;
};

/* The value of option name (NULL when unset or not the command's). */
const char *cli_opt(const struct cli *cli, const char *name);
/* Option name as a number in [min, max]; -1 (said on stderr) otherwise. */
int cli_int(const struct cli *cli, const char *name, int min, int max, int *out);
/* --clock 2026-11-27T09:00:00Z as seconds from now (0 when unset); -1 when malformed. */
int cli_clock(const struct cli *cli, long *offset);
/* The command's usage on stderr; returns 2, the exit code of a misuse. */
int cli_usage(const struct cli *cli);

/* The database of --db (its folder made for SQLite), or NULL said on stderr. */
struct db *cli_db(const struct cli *cli, int pool);
/* The same, refused unless every migration has been applied. */
struct db *cli_db_migrated(const struct cli *cli, int pool);
/* An app for a command that runs module code outside `serve`: the
 * migrated database and the settings among the command's options
 * (--regency, --data-dir, --base-url, --clock).  0, or the exit code of
 * the failure (said on stderr): 2 a bad option, 1 no database.  The
 * caller closes app->db. */
int cli_app(const struct cli *cli, struct app *app, int pool);

/* Finds the command argv names among own (main.c's, ends with a zeroed
 * entry) and the modules', parses its options and runs it.  Returns the
 * process exit code. */
int cli_main(const struct command *own, const struct module *const *modules, size_t n, int argc, char **argv);

#endif
