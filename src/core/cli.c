/* cli.c - finding a command in the tables, its options (environment
 * first, flags override), the help written from the tables, and opening
 * the database a command works on.
 */
#include "cli.h"
#include "util.h"
#include "migrate.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *cli_opt(const struct cli *cli, const char *name)
{
	const struct cli_opt *o = cli->cmd->opts;
	for (size_t i = 0; o && o[i].name; i++)
		if (strcmp(o[i].name, name) == 0)
			return cli->values[i];
	return NULL;
}

int cli_int(const struct cli *cli, const char *name, int min, int max, int *out)
{
	const char *s = cli_opt(cli, name);
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || v < min || v > max) {
		fprintf(stderr, "pendopo %s: %s must be a number from %d to %d\n", cli->cmd->name, name, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cli_clock(const struct cli *cli, long *offset)
{
	const char *s = cli_opt(cli, "--clock");
	struct tm tm = { 0 };
	*offset = 0;
	if (!s || !*s)
		return 0;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		fprintf(stderr, "pendopo %s: --clock must look like 2026-11-27T09:00:00Z\n", cli->cmd->name);
		return -1;
	}
	*offset = (long)(timegm(&tm) - time(NULL));
	return 0;
}

static void usage_of(const struct command *cmd, FILE *f)
{
	fprintf(f, "usage: pendopo %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->opts && cmd->opts->name)
		fprintf(f, "\noptions:\n");
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		fprintf(f, "  %-18s %s%s%s%s%s%s\n", o->name, o->help,
			o->def ? " (default " : "", o->def ? o->def : "", o->def ? ")" : "",
			o->env ? ", env " : "", o->env ? o->env : "");
}

int cli_usage(const struct cli *cli)
{
	usage_of(cli->cmd, stderr);
	return 2;
}

/* SQLite needs its folder to exist; var/ is created on first use. */
static void ensure_parent_dir(const char *url)
{
	if (strstr(url, "://"))
		return;
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	/* A folder that cannot be made shows as the database's own error. */
	mkdir_all(dir, 0750);
}

struct db *cli_db(const struct cli *cli, int pool)
{
	char err[512];
	const char *url = cli_opt(cli, "--db");
	if (!url) {
		fprintf(stderr, "pendopo %s: no database given (--db)\n", cli->cmd->name);
		return NULL;
	}
	ensure_parent_dir(url);
	struct db *db = db_open(url, pool, err, sizeof(err));
	if (!db)
		fprintf(stderr, "pendopo %s: cannot open database: %s\n", cli->cmd->name, err);
	return db;
}

struct db *cli_db_migrated(const struct cli *cli, int pool)
{
	struct db *db = cli_db(cli, pool);
	if (!db)
		return NULL;
	int pending = migrate_pending(db, cli->modules, cli->nmodules);
	if (pending != 0) {
		fprintf(stderr, pending < 0 ? "pendopo %s: cannot read the schema\n"
			: "pendopo %s: the database needs migrating; run `pendopo migrate` first\n", cli->cmd->name);
		db_close(db);
		return NULL;
	}
	return db;
}

int cli_app(const struct cli *cli, struct app *app, int pool)
{
	memset(app, 0, sizeof(*app));
	app->modules = cli->modules;
	app->nmodules = cli->nmodules;
	app->cfg.regency_code = cli_opt(cli, "--regency");
	app->cfg.data_dir = cli_opt(cli, "--data-dir");
	app->cfg.base_url = cli_opt(cli, "--base-url");
	if (cli_clock(cli, &app->cfg.clock_offset))
		return 2;
	app->db = cli_db_migrated(cli, pool);
	return app->db ? 0 : 1;
}

/* ---- finding and running a command ----------------------------------------------- */

/* Length of a command name's first word. */
static size_t first_word(const char *name)
{
	return strcspn(name, " ");
}

static bool in_group(const struct command *c, const char *word)
{
	size_t n = first_word(c->name);
	return strlen(word) == n && strncmp(c->name, word, n) == 0;
}

/* Every command c: main.c's, then each module's in the module list's order. */
#define FOR_EACH_COMMAND(own, mods, n, c)                                                         \
	for (size_t m_ = 0; m_ <= (n); m_++)                                                      \
		for (const struct command *c = m_ == 0 ? (own) : (mods)[m_ - 1]->commands; c && c->name; c++)

static void main_usage(const struct command *own, const struct module *const *mods, size_t n, FILE *f)
{
	fprintf(f, "Pendopo - the public-services platform of a regency.\n\nusage: pendopo COMMAND [options]\n\n"
		   "commands:\n");
	FOR_EACH_COMMAND(own, mods, n, c)
		fprintf(f, "  %-16s %s\n", c->name, c->summary);
	fprintf(f, "\n`pendopo COMMAND --help` describes a command and its options.\n");
}

static bool asks_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

/* Fills the options (env first, flags override) and leaves positional
 * arguments in args.  -1 on a bad flag (said on stderr). */
static int parse(struct cli *cli, int argc, char **argv, char **args, int *nargs)
{
	const struct cli_opt *opts = cli->cmd->opts;
	size_t nopts = 0;
	while (opts && opts[nopts].name)
		nopts++;
	if (nopts > CLI_OPTS_MAX) {
		fprintf(stderr, "pendopo %s: more than %d options declared\n", cli->cmd->name, CLI_OPTS_MAX);
		return -1;
	}
	for (size_t i = 0; i < nopts; i++) {
		const char *e = opts[i].env ? getenv(opts[i].env) : NULL;
		cli->values[i] = e && *e ? e : opts[i].def;
	}
	*nargs = 0;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			args[(*nargs)++] = argv[i];
			continue;
		}
		char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		size_t k = 0;
		while (k < nopts && (strlen(opts[k].name) != len || strncmp(opts[k].name, argv[i], len) != 0))
			k++;
		if (k == nopts) {
			fprintf(stderr, "pendopo %s: unknown option %s (see pendopo %s --help)\n",
				cli->cmd->name, argv[i], cli->cmd->name);
			return -1;
		}
		if (eq) {
			cli->values[k] = eq + 1;
		} else if (i + 1 < argc) {
			cli->values[k] = argv[++i];
		} else {
			fprintf(stderr, "pendopo %s: %s needs a value\n", cli->cmd->name, opts[k].name);
			return -1;
		}
	}
	return 0;
}

static int run(const struct command *cmd, const struct module *const *mods, size_t n, int argc, char **argv)
{
	struct cli cli = { .cmd = cmd, .modules = mods, .nmodules = n };
	if (asks_help(argc, argv)) {
		usage_of(cmd, stdout);
		return 0;
	}
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	int nargs, rc = args ? parse(&cli, argc, argv, args, &nargs) : -1;
	rc = rc < 0 ? 2 : cmd->run(&cli, nargs, args);
	free(args);
	return rc;
}

int cli_main(const struct command *own, const struct module *const *mods, size_t n, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		main_usage(own, mods, n, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* "user add": the second word must follow the first; a one-word
	 * command takes everything after its name. */
	const char *verb = argc > 2 ? argv[2] : "";
	bool group = false;
	FOR_EACH_COMMAND(own, mods, n, c) {
		if (!in_group(c, argv[1]))
			continue;
		group = true;
		const char *second = c->name[first_word(c->name)] ? c->name + first_word(c->name) + 1 : NULL;
		if (!second)
			return run(c, mods, n, argc - 2, argv + 2);
		if (strcmp(second, verb) == 0)
			return run(c, mods, n, argc - 3, argv + 3);
	}
	if (!group) {
		fprintf(stderr, "pendopo: unknown command '%s'\n\n", argv[1]);
		main_usage(own, mods, n, stderr);
		return 2;
	}
	/* The first word alone ("pendopo user --help", "pendopo user"):
	 * every command of the group. */
	bool help = asks_help(argc - 2, argv + 2), first = true;
	FOR_EACH_COMMAND(own, mods, n, c)
		if (in_group(c, argv[1])) {
			if (!first)
				fputc('\n', help ? stdout : stderr);
			usage_of(c, help ? stdout : stderr);
			first = false;
		}
	return help ? 0 : 2;
}
