/* main.c - the pendopo command line: configuration, the module list, and the
 * subcommands (serve, migrate, import, user, apikey, demo, backup, audit).
 *
 * Every setting is a flag with an environment equivalent and a default that
 * works with no configuration at all: a SQLite database under var/.
 */
#include "core/app.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/events.h"
#include "core/holidays.h"
#include "core/migrate.h"
#include "core/orgs.h"
#include "core/outbox.h"
#include "core/proxy.h"
#include "core/regions.h"
#include "core/search.h"
#include "core/server.h"
#include "data/data.h"
#include "case/case.h"
#include "complaints/complaints.h"
#include "queue/queue.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Migrations run in this order, so a module may refer to the tables of the
 * modules above it. */
static const struct module *const modules[] = {
	&ops_module,
	&events_module,
	&audit_module,
	&search_module,
	&regions_module,
	&orgs_module,
	&holidays_module,
	&auth_module,
	&data_module,
	&outbox_module,
	&queue_module,
	&antrol_module,
	&case_module,
	&complaints_module,
	&open311_module,
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

/* ---- options -------------------------------------------------------------- */

struct opt {
	const char *name;	/* "--db" */
	const char *env;	/* "PENDOPO_DB" or NULL */
	const char *help;
	const char *value;	/* default, then env, then flag */
};

struct cmd {
	const char *name;
	const char *usage;
	const char *summary;
	int (*run)(struct cmd *cmd, int argc, char **argv);
	struct opt *opts;
};

static const char *opt_get(const struct cmd *cmd, const char *name)
{
	for (struct opt *o = cmd->opts; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o->value;
	return NULL;
}

static void usage(const struct cmd *cmd, FILE *f)
{
	fprintf(f, "usage: pendopo %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->opts && cmd->opts->name)
		fprintf(f, "\noptions:\n");
	for (struct opt *o = cmd->opts; o && o->name; o++)
		fprintf(f, "  %-18s %s%s%s%s%s%s\n", o->name, o->help,
			o->value ? " (default " : "", o->value ? o->value : "", o->value ? ")" : "",
			o->env ? ", env " : "", o->env ? o->env : "");
}

/* Fills options (env first, flags override) and leaves positional
 * arguments in args.  -1 on a bad flag, 1 when --help was asked. */
static int parse(struct cmd *cmd, int argc, char **argv, char **args, int *nargs)
{
	for (struct opt *o = cmd->opts; o && o->name; o++) {
		const char *e = o->env ? getenv(o->env) : NULL;
		if (e && *e)
			o->value = e;
	}
	*nargs = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
		if (strncmp(argv[i], "--", 2) != 0) {
			args[(*nargs)++] = argv[i];
			continue;
		}
		char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		struct opt *o = cmd->opts;
		while (o && o->name && (strlen(o->name) != len || strncmp(o->name, argv[i], len) != 0))
			o++;
		if (!o || !o->name) {
			fprintf(stderr, "pendopo %s: unknown option %s (see pendopo %s --help)\n",
				cmd->name, argv[i], cmd->name);
			return -1;
		}
		if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			fprintf(stderr, "pendopo %s: %s needs a value\n", cmd->name, o->name);
			return -1;
		}
	}
	return 0;
}

#define DB_OPT { "--db", "PENDOPO_DB", "database: a SQLite path, sqlite:PATH or postgresql://...", "var/pendopo.db" }

static int int_opt(const struct cmd *cmd, const char *name, int min, int max, int *out)
{
	const char *s = opt_get(cmd, name);
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max) {
		fprintf(stderr, "pendopo %s: %s must be a number from %d to %d\n", cmd->name, name, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* --clock 2026-11-27T09:00:00Z starts the service clock at that moment. */
static int clock_opt(const struct cmd *cmd, long *offset)
{
	const char *s = opt_get(cmd, "--clock");
	struct tm tm = { 0 };
	*offset = 0;
	if (!s || !*s)
		return 0;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		fprintf(stderr, "pendopo %s: --clock must look like 2026-11-27T09:00:00Z\n", cmd->name);
		return -1;
	}
	*offset = (long)(timegm(&tm) - time(NULL));
	return 0;
}

/* The web directory ships beside the binary's build folder; a relative
 * default would depend on where the binary was started from. */
static const char *default_web_dir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, len, "%s/../web", dirname(exe));
		struct stat st;
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	return "web";
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
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0750);
			*p = '/';
		}
	mkdir(dir, 0750);
}

static struct db *open_db(const struct cmd *cmd, int pool)
{
	char err[512];
	const char *url = opt_get(cmd, "--db");
	ensure_parent_dir(url);
	struct db *db = db_open(url, pool, err, sizeof(err));
	if (!db)
		fprintf(stderr, "pendopo %s: cannot open database: %s\n", cmd->name, err);
	return db;
}

static struct db *open_migrated(const struct cmd *cmd, int pool)
{
	struct db *db = open_db(cmd, pool);
	if (!db)
		return NULL;
	int pending = migrate_pending(db, modules, NMODULES);
	if (pending != 0) {
		fprintf(stderr, pending < 0 ? "pendopo %s: cannot read the schema\n"
			: "pendopo %s: the database needs migrating; run `pendopo migrate` first\n", cmd->name);
		db_close(db);
		return NULL;
	}
	return db;
}

/* ---- subcommands ------------------------------------------------------------ */

static int cmd_serve(struct cmd *cmd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct app app = { .modules = modules, .nmodules = NMODULES };
	struct config *cfg = &app.cfg;
	int upload_mb, body_kb, group_commit;
	char webbuf[PATH_MAX];

	cfg->db_url = opt_get(cmd, "--db");
	cfg->listen = opt_get(cmd, "--listen");
	cfg->data_dir = opt_get(cmd, "--data-dir");
	cfg->web_dir = opt_get(cmd, "--web-dir");
	if (!cfg->web_dir)
		cfg->web_dir = default_web_dir(webbuf, sizeof(webbuf));
	cfg->regency_code = opt_get(cmd, "--regency");
	cfg->base_url = opt_get(cmd, "--base-url");
	if (int_opt(cmd, "--threads", 0, 256, &cfg->threads) ||
	    int_opt(cmd, "--db-pool", 1, 256, &cfg->db_pool) ||
	    int_opt(cmd, "--conn-limit", 1, 100000, &cfg->conn_limit) ||
	    int_opt(cmd, "--per-ip-limit", 1, 100000, &cfg->per_ip_limit) ||
	    int_opt(cmd, "--timeout", 1, 3600, &cfg->timeout_s) ||
	    int_opt(cmd, "--body-limit-kb", 1, 65536, &body_kb) ||
	    int_opt(cmd, "--upload-limit-mb", 1, 1024, &upload_mb) ||
	    int_opt(cmd, "--login-failures", 1, 100, &cfg->login_max_failures) ||
	    int_opt(cmd, "--lockout-minutes", 1, 1440, &cfg->lockout_minutes) ||
	    int_opt(cmd, "--auth-per-minute", 1, 100000, &cfg->ip_auth_per_minute) ||
	    int_opt(cmd, "--session-days", 1, 365, &cfg->session_days) ||
	    int_opt(cmd, "--access-log", 0, 1, &cfg->access_log) ||
	    int_opt(cmd, "--group-commit", 0, 1, &group_commit) ||
	    int_opt(cmd, "--regions-index", 0, 1, &cfg->regions_index))
		return 2;
	if (clock_opt(cmd, &cfg->clock_offset))
		return 2;
	cfg->body_limit = (size_t)body_kb * 1024;
	cfg->upload_limit = (size_t)upload_mb * 1024 * 1024;
	cfg->trusted_proxies = opt_get(cmd, "--trusted-proxies");
	char proxy_err[256];
	if (trusted_proxies_new(cfg->trusted_proxies, &app.proxies, proxy_err, sizeof(proxy_err)) != PROXY_OK) {
		fprintf(stderr, "pendopo serve: --trusted-proxies: %s\n", proxy_err);
		return 2;
	}
	/* libmicrohttpd counts connections per socket peer, and behind a
	 * proxy every connection comes from the proxy: a per-address limit
	 * would cap the whole regency's connections (--conn-limit does that
	 * already).  Per-client connection limits then belong to the proxy,
	 * which sees the clients (docs/deploy.md). */
	if (trusted_proxies_count(app.proxies) > 0)
		cfg->per_ip_limit = 0;
	mkdir(cfg->data_dir, 0750);

	app.db = open_migrated(cmd, cfg->db_pool);
	if (!app.db) {
		trusted_proxies_free(app.proxies);
		return 1;
	}
	/* PostgreSQL batches concurrent commits itself (commit_delay). */
	if (group_commit && db_dialect(app.db) == DB_SQLITE && db_set_group_commit(app.db) != DB_OK) {
		fprintf(stderr, "pendopo serve: cannot set up group commit on %s\n", db_url(app.db));
		db_close(app.db);
		trusted_proxies_free(app.proxies);
		return 1;
	}
	int rc = server_run(&app, 30);
	db_close(app.db);
	trusted_proxies_free(app.proxies);
	return rc;
}

static int cmd_migrate(struct cmd *cmd, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct db *db = open_db(cmd, 1);
	if (!db)
		return 1;
	int rc = migrate_run(db, modules, NMODULES, stdout);
	if (rc == 0)
		printf("database is up to date\n");
	db_close(db);
	return rc ? 1 : 0;
}

static int cmd_import(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "regions") != 0) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512];
	long rows = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = regions_import_csv(c, argv[1], &rows, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		printf("imported %ld regions in %.3f s\n", rows,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	else
		fprintf(stderr, "pendopo import: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static int cmd_user(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "add") != 0 || !opt_get(cmd, "--email") ||
	    !opt_get(cmd, "--password")) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512];
	int rc = auth_user_add(c, opt_get(cmd, "--name"), opt_get(cmd, "--email"), opt_get(cmd, "--password"),
			       opt_get(cmd, "--role"), opt_get(cmd, "--unit"), opt_get(cmd, "--village"),
			       err, sizeof(err));
	if (rc == 0)
		printf("user %s added with role %s\n", opt_get(cmd, "--email"), opt_get(cmd, "--role"));
	else
		fprintf(stderr, "pendopo user add: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static int cmd_apikey(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "create") != 0) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512], token[48];
	int rc = auth_apikey_create(c, argv[1], opt_get(cmd, "--role"), opt_get(cmd, "--unit"),
				    token, err, sizeof(err));
	if (rc == 0)
		printf("%s\n", token);
	else
		fprintf(stderr, "pendopo apikey create: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static int cmd_demo(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "load") != 0) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct app app = { .db = db, .modules = modules, .nmodules = NMODULES };
	app.cfg.regency_code = opt_get(cmd, "--regency");
	struct db_conn *c = db_acquire(db);
	int rc = 0;
	for (size_t i = 0; i < NMODULES && rc == 0; i++) {
		if (!modules[i]->demo_load)
			continue;
		if (db_tx_begin(c) != DB_OK || modules[i]->demo_load(&app, c) != 0 || db_tx_commit(c) != DB_OK) {
			fprintf(stderr, "pendopo demo load: %s failed: %s\n", modules[i]->name, db_errmsg(c));
			db_tx_rollback(c);
			rc = 1;
		} else {
			printf("demo data loaded: %s\n", modules[i]->name);
		}
	}
	db_release(db, c);
	db_close(db);
	return rc;
}

/* `seed complaints N`: benchmark and demo history, one transaction. */
static int cmd_seed(struct cmd *cmd, int argc, char **argv)
{
	char *end;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	if (argc != 2 || strcmp(argv[0], "complaints") != 0 || *end || n < 1 || n > 100000000) {
		usage(cmd, stderr);
		return 2;
	}
	struct app app = { .modules = modules, .nmodules = NMODULES };
	app.cfg.regency_code = opt_get(cmd, "--regency");
	if (clock_opt(cmd, &app.cfg.clock_offset))
		return 2;
	if (!(app.db = open_migrated(cmd, 1)))
		return 1;
	struct db_conn *c = db_acquire(app.db);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = complaints_seed(&app, c, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		printf("seeded %ld complaints in %.3f s\n", n,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	db_release(app.db, c);
	db_close(app.db);
	return rc ? 1 : 0;
}

/* `tick`: the periodic work `serve` does every 30 s, once, now - for cron
 * on instances that do not serve, and for tests that move the clock. */
static int cmd_tick(struct cmd *cmd, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		usage(cmd, stderr);
		return 2;
	}
	struct app app = { .modules = modules, .nmodules = NMODULES };
	app.cfg.regency_code = opt_get(cmd, "--regency");
	app.cfg.data_dir = opt_get(cmd, "--data-dir");
	app.cfg.base_url = opt_get(cmd, "--base-url");
	if (clock_opt(cmd, &app.cfg.clock_offset))
		return 2;
	if (!(app.db = open_migrated(cmd, 2)))
		return 1;
	for (size_t i = 0; i < NMODULES; i++)
		if (modules[i]->tick)
			modules[i]->tick(&app);
	db_close(app.db);
	return 0;
}

static int cmd_antrol_user(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "add") != 0 || !opt_get(cmd, "--facility") ||
	    !opt_get(cmd, "--username") || !opt_get(cmd, "--password")) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	char err[512];
	int rc = antrol_user_add(c, opt_get(cmd, "--facility"), opt_get(cmd, "--username"),
				 opt_get(cmd, "--password"), err, sizeof(err));
	if (rc == 0)
		printf("antrol user %s added for %s\n", opt_get(cmd, "--username"), opt_get(cmd, "--facility"));
	else
		fprintf(stderr, "pendopo antrol-user add: %s\n", err);
	db_release(db, c);
	db_close(db);
	return rc ? 1 : 0;
}

static int cmd_backup(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 1) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_db(cmd, 1);
	if (!db)
		return 1;
	int rc = 1;
	if (db_dialect(db) != DB_SQLITE) {
		fprintf(stderr, "pendopo backup: PostgreSQL databases are backed up with pg_dump "
				"or a streaming replica (see docs/deploy.md)\n");
	} else if (access(argv[0], F_OK) == 0) {
		fprintf(stderr, "pendopo backup: %s exists; give a new file name\n", argv[0]);
	} else {
		/* VACUUM INTO writes a consistent, compacted copy while the
		 * server keeps running: readers and writers are not blocked. */
		struct db_conn *c = db_acquire(db);
		if (db_exec(c, "VACUUM INTO ?", "s", argv[0]) == DB_DONE) {
			printf("backup written to %s\n", argv[0]);
			rc = 0;
		} else {
			fprintf(stderr, "pendopo backup: %s\n", db_errmsg(c));
		}
		db_release(db, c);
	}
	db_close(db);
	return rc;
}

static int cmd_audit(struct cmd *cmd, int argc, char **argv)
{
	if (argc != 1 || strcmp(argv[0], "verify") != 0) {
		usage(cmd, stderr);
		return 2;
	}
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct db_conn *c = db_acquire(db);
	int64_t bad = 0, rows = 0;
	char why[256], head[65];
	int rc = audit_verify(c, &bad, why, sizeof(why), &rows, head);
	if (rc == 0)
		printf("audit trail intact: %" PRId64 " rows verified\nhead: row %" PRId64 " hash %s\n",
		       rows, rows, rows ? head : "-");
	else if (rc > 0)
		printf("audit trail BROKEN at row %" PRId64 ": %s\n", bad, why);
	else
		fprintf(stderr, "pendopo audit verify: %s\n", why);
	db_release(db, c);
	db_close(db);
	return rc == 0 ? 0 : 1;
}

static int cmd_data(struct cmd *cmd, int argc, char **argv)
{
	struct db *db = open_migrated(cmd, 1);
	if (!db)
		return 1;
	struct app app = { .db = db, .modules = modules, .nmodules = NMODULES };
	app.cfg.regency_code = opt_get(cmd, "--regency");
	int rc = data_command(&app, argc, argv, opt_get(cmd, "--note"));
	db_close(db);
	return rc;
}

/* `routes`: every route of every module, one JSON object a line - what the
 * authorization-matrix test and API documentation read. */
static int cmd_routes(struct cmd *cmd, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		usage(cmd, stderr);
		return 2;
	}
	for (size_t i = 0; i < NMODULES; i++) {
		for (const struct route *r = modules[i]->routes; r && r->method; r++) {
			json_t *roles = json_array();
			for (unsigned bit = 1; bit <= ROLE_REGENT_OFFICE; bit <<= 1)
				if (r->roles & bit)
					json_array_append_new(roles, json_string(role_name((enum role)bit)));
			json_t *line = json_pack("{s:s,s:s,s:s,s:o,s:b,s:b}", "module", modules[i]->name,
						 "method", r->method, "path", r->pattern, "roles", roles,
						 "public", r->roles == ROLE_PUBLIC, "raw_body", (r->flags & RF_RAW_BODY) != 0);
			char *text = json_dumps(line, JSON_COMPACT);
			if (text)
				puts(text);
			free(text);
			json_decref(line);
		}
	}
	return 0;
}

/* ---- the command table ------------------------------------------------------ */

static struct opt serve_opts[] = {
	DB_OPT,
	{ "--listen", "PENDOPO_LISTEN", "HOST:PORT to listen on", "127.0.0.1:8080" },
	{ "--data-dir", "PENDOPO_DATA_DIR", "folder for uploads and generated files", "var/data" },
	{ "--web-dir", "PENDOPO_WEB_DIR", "folder of the web front end (default: web/ beside the build)", NULL },
	{ "--regency", "PENDOPO_REGENCY", "Kemendagri code of this deployment's regency", "33.03" },
	{ "--base-url", "PENDOPO_BASE_URL", "public URL, for links in letters and QR codes", "http://localhost:8080" },
	{ "--threads", "PENDOPO_THREADS", "worker threads; 0 = one thread per connection", "0" },
	{ "--db-pool", "PENDOPO_DB_POOL", "database connections", "16" },
	{ "--conn-limit", "PENDOPO_CONN_LIMIT", "open connections at most", "1024" },
	{ "--per-ip-limit", "PENDOPO_PER_IP_LIMIT", "open connections per client address", "256" },
	{ "--trusted-proxies", "PENDOPO_TRUSTED_PROXIES",
	  "reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For/Forwarded/-Proto count; "
	  "turns --per-ip-limit off", NULL },
	{ "--timeout", "PENDOPO_TIMEOUT", "seconds before an idle connection is closed", "30" },
	{ "--body-limit-kb", "PENDOPO_BODY_LIMIT_KB", "largest JSON body, KiB", "1024" },
	{ "--upload-limit-mb", "PENDOPO_UPLOAD_LIMIT_MB", "largest upload, MiB", "25" },
	{ "--login-failures", "PENDOPO_LOGIN_FAILURES", "failed logins before an account is locked", "5" },
	{ "--lockout-minutes", "PENDOPO_LOCKOUT_MINUTES", "how long a locked account stays locked", "15" },
	{ "--auth-per-minute", "PENDOPO_AUTH_PER_MINUTE", "login and registration attempts per address per minute", "20" },
	{ "--session-days", "PENDOPO_SESSION_DAYS", "days a login session lasts", "30" },
	{ "--access-log", "PENDOPO_ACCESS_LOG", "1 writes one line per request to stderr", "1" },
	{ "--group-commit", "PENDOPO_GROUP_COMMIT", "1: concurrent SQLite commits share one fsync; 0: one fsync each", "1" },
	{ "--regions-index", "PENDOPO_REGIONS_INDEX", "1: region reads from an in-memory copy; 0: from SQL", "1" },
	{ "--clock", "PENDOPO_CLOCK", "start the service clock at this UTC time (demos, tests)", NULL },
	{ 0 },
};
static struct opt db_opts[] = { DB_OPT, { 0 } };
static struct opt demo_opts[] = {
	DB_OPT,
	{ "--regency", "PENDOPO_REGENCY", "Kemendagri code of this deployment's regency", "33.03" },
	{ 0 },
};
static struct opt seed_opts[] = {
	DB_OPT,
	{ "--regency", "PENDOPO_REGENCY", "Kemendagri code of this deployment's regency", "33.03" },
	{ "--clock", "PENDOPO_CLOCK", "the service time the history ends at (UTC)", NULL },
	{ 0 },
};
static struct opt tick_opts[] = {
	DB_OPT,
	{ "--data-dir", "PENDOPO_DATA_DIR", "folder for uploads and generated files", "var/data" },
	{ "--regency", "PENDOPO_REGENCY", "Kemendagri code of this deployment's regency", "33.03" },
	{ "--base-url", "PENDOPO_BASE_URL", "public URL, for links in letters and QR codes", "http://localhost:8080" },
	{ "--clock", "PENDOPO_CLOCK", "run as if the service clock read this UTC time", NULL },
	{ 0 },
};
static struct opt user_opts[] = {
	DB_OPT,
	{ "--email", NULL, "login email", NULL },
	{ "--password", NULL, "password (8 characters or more)", NULL },
	{ "--name", NULL, "display name (default: the email)", NULL },
	{ "--role", NULL, "citizen, officer, unit_head, walidata, village_operator, admin, regent_office", "citizen" },
	{ "--unit", NULL, "organisation code, for officer and unit_head", NULL },
	{ "--village", NULL, "village code, for village_operator", NULL },
	{ 0 },
};
static struct opt data_opts[] = {
	DB_OPT,
	{ "--note", NULL, "change note of the new version", NULL },
	{ "--regency", "PENDOPO_REGENCY", "Kemendagri code of this deployment's regency", "33.03" },
	{ 0 },
};
static struct opt antrol_user_opts[] = {
	DB_OPT,
	{ "--facility", NULL, "facility code in Simantri, e.g. PKM-KEMANGKON", NULL },
	{ "--username", NULL, "the x-username Mobile JKN sends", NULL },
	{ "--password", NULL, "the x-password (8 characters or more)", NULL },
	{ 0 },
};
static struct opt apikey_opts[] = {
	DB_OPT,
	{ "--role", NULL, "role the token acts with", "officer" },
	{ "--unit", NULL, "organisation code the token is scoped to", NULL },
	{ 0 },
};

static struct cmd commands[] = {
	{ "serve", "serve [options]", "Serve the API and the web front end until SIGINT/SIGTERM.", cmd_serve, serve_opts },
	{ "migrate", "migrate [--db URL]", "Create or update the database schema.", cmd_migrate, db_opts },
	{ "import", "import regions FILE.csv [--db URL]",
	  "Replace the region register with a kode,nama CSV (Kemendagri codes).", cmd_import, db_opts },
	{ "user", "user add --email E --password P [--role ROLE] [--unit CODE] [--village CODE] [--name N]",
	  "Create an account with one role.", cmd_user, user_opts },
	{ "apikey", "apikey create NAME [--role ROLE] [--unit CODE]",
	  "Create an API token for a machine client and print it (shown once).", cmd_apikey, apikey_opts },
	{ "antrol-user", "antrol-user add --facility CODE --username U --password P [--db URL]",
	  "Simantri: create (or re-password) the BPJS Antrean Online login Mobile JKN uses.", cmd_antrol_user,
	  antrol_user_opts },
	{ "data", "data import RESOURCE FILE.csv [--note TEXT] | data scan [--db URL]",
	  "Satu Data: import a CSV as a table's next version (all or nothing), or rescan conflicts.", cmd_data, data_opts },
	{ "demo", "demo load [--db URL]", "Load the demo data that `make run` shows (marked as demo).", cmd_demo, demo_opts },
	{ "seed", "seed complaints N [--db URL] [--clock T]",
	  "Add N historical complaints (benchmarks, demos; marked demo) in one transaction.", cmd_seed, seed_opts },
	{ "tick", "tick [--db URL] [--clock T]",
	  "Run the periodic work (deadlines, escalation, auto-close, Satu Data refresh) once, now.", cmd_tick, tick_opts },
	{ "backup", "backup DEST [--db URL]", "Write a consistent copy of a SQLite database to DEST while serving.",
	  cmd_backup, db_opts },
	{ "routes", "routes", "List every HTTP route with the roles allowed, one JSON object a line.",
	  cmd_routes, NULL },
	{ "audit", "audit verify [--db URL]", "Check the audit trail's hash chain; report the first broken row.",
	  cmd_audit, db_opts },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void main_usage(FILE *f)
{
	fprintf(f, "Pendopo - the public-services platform of a regency.\n\nusage: pendopo COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`pendopo COMMAND --help` describes a command and its options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* SQLite's global memory statistics take a mutex on every
	 * allocation; nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sodium_init() < 0) {
		fprintf(stderr, "pendopo: libsodium failed to initialise\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		struct cmd *cmd = &commands[i];
		if (strcmp(cmd->name, argv[1]) != 0)
			continue;
		char **args = calloc((size_t)argc, sizeof(char *));
		int nargs, rc = parse(cmd, argc - 2, argv + 2, args, &nargs);
		if (rc == 1) {
			usage(cmd, stdout);
			rc = 0;
		} else if (rc < 0) {
			rc = 2;
		} else {
			rc = cmd->run(cmd, nargs, args);
		}
		free(args);
		return rc;
	}
	fprintf(stderr, "pendopo: unknown command '%s'\n\n", argv[1]);
	main_usage(stderr);
	return 2;
}
