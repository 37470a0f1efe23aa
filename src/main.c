/* main.c - the pendopo program: its modules (modules.h), and the commands that
 * belong to no module because they walk all of them (serve, migrate,
 * demo load, tick, routes).  Every other command is declared by the module
 * that owns it; `pendopo --help` lists them all (core/cli.c).
 *
 * Every setting is a flag with an environment equivalent and a default that
 * works with no configuration at all: a SQLite database under var/.
 */
#include "core/app.h"
#include "core/cli.h"
#include "core/log.h"
#include "core/migrate.h"
#include "modules.h"
#include "core/proxy.h"
#include "core/replica.h"
#include "core/router.h"
#include "core/server.h"
#include "core/util.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* --log-level (or PENDOPO_LOG_LEVEL): error, warn, info or debug. */
static int log_level_opt(struct cli *cli)
{
	enum log_level level;
	if (log_level_parse(cli_opt(cli, "--log-level"), &level) != 0) {
		fprintf(stderr, "pendopo: --log-level must be error, warn, info or debug\n");
		return -1;
	}
	log_set_level(level);
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

/* ---- commands ------------------------------------------------------------------ */

static int serve_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct app app = { .modules = pendopo_modules, .nmodules = PENDOPO_NMODULES };
	struct config *cfg = &app.cfg;
	int upload_mb, body_kb, group_commit;
	char webbuf[PATH_MAX];

	cfg->db_url = cli_opt(cli, "--db");
	cfg->db_read_url = cli_opt(cli, "--db-read");
	cfg->listen = cli_opt(cli, "--listen");
	cfg->data_dir = cli_opt(cli, "--data-dir");
	cfg->web_dir = cli_opt(cli, "--web-dir");
	if (!cfg->web_dir)
		cfg->web_dir = default_web_dir(webbuf, sizeof(webbuf));
	cfg->regency_code = cli_opt(cli, "--regency");
	if (geo_box_parse(cli_opt(cli, "--regency-bounds"), &cfg->regency_bounds) != 0) {
		fprintf(stderr, "pendopo serve: --regency-bounds must be south,west,north,east in degrees, or none\n");
		return 2;
	}
	cfg->base_url = cli_opt(cli, "--base-url");
	if (cli_int(cli, "--threads", 0, 256, &cfg->threads) ||
	    cli_int(cli, "--db-pool", 1, 256, &cfg->db_pool) ||
	    cli_int(cli, "--conn-limit", 1, 100000, &cfg->conn_limit) ||
	    cli_int(cli, "--per-ip-limit", 1, 100000, &cfg->per_ip_limit) ||
	    cli_int(cli, "--timeout", 1, 3600, &cfg->timeout_s) ||
	    cli_int(cli, "--header-timeout", 1, 3600, &cfg->header_timeout_s) ||
	    cli_int(cli, "--body-min-rate", 1, 1 << 30, &cfg->body_min_rate) ||
	    cli_int(cli, "--submit-per-hour", 1, 1000000, &cfg->submit_per_hour) ||
	    cli_int(cli, "--submit-per-hour-address", 1, 1000000, &cfg->submit_per_hour_address) ||
	    cli_int(cli, "--body-limit-kb", 1, 65536, &body_kb) ||
	    cli_int(cli, "--upload-limit-mb", 1, 1024, &upload_mb) ||
	    cli_int(cli, "--login-failures", 1, 100, &cfg->login_max_failures) ||
	    cli_int(cli, "--lockout-minutes", 1, 1440, &cfg->lockout_minutes) ||
	    cli_int(cli, "--auth-per-minute", 1, 100000, &cfg->ip_auth_per_minute) ||
	    cli_int(cli, "--session-days", 1, 365, &cfg->session_days) ||
	    cli_int(cli, "--access-log", 0, 1, &cfg->access_log) ||
	    cli_int(cli, "--group-commit", 0, 1, &group_commit) ||
	    cli_int(cli, "--regions-index", 0, 1, &cfg->regions_index) ||
	    cli_int(cli, "--audit-seal-ms", 0, 60000, &cfg->audit_seal_ms) ||
	    cli_int(cli, "--tick-seconds", 1, 3600, &cfg->tick_s) ||
	    cli_int(cli, "--db-read-max-lag-ms", 1, 10000, &cfg->db_read_max_lag_ms))
		return 2;
	if (cli_clock(cli, &cfg->clock_offset) || log_level_opt(cli))
		return 2;
	cfg->body_limit = (size_t)body_kb * 1024;
	cfg->upload_limit = (size_t)upload_mb * 1024 * 1024;
	cfg->trusted_proxies = cli_opt(cli, "--trusted-proxies");
	cfg->cors_origins = cli_opt(cli, "--cors-origins");
	cfg->run_as = cli_opt(cli, "--user");
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
	/* Uploads and letters go there: a server that could not store them
	 * would answer 500 to the first photo, so it does not start. */
	if (mkdir_all(cfg->data_dir, 0750) != 0) {
		fprintf(stderr, "pendopo: cannot create the data folder %s (--data-dir): %s\n", cfg->data_dir,
			strerror(errno));
		trusted_proxies_free(app.proxies);
		return 1;
	}
	int rc = letters_setup(cli, &app);
	if (rc) {
		trusted_proxies_free(app.proxies);
		return rc;
	}

	app.db = cli_db_migrated(cli, cfg->db_pool);
	if (!app.db) {
		letter_keys_free(app.letter_keys);
		trusted_proxies_free(app.proxies);
		return 1;
	}
	/* PostgreSQL batches concurrent commits itself (commit_delay). */
	if (group_commit && db_dialect(app.db) == DB_SQLITE && db_set_group_commit(app.db) != DB_OK) {
		fprintf(stderr, "pendopo serve: cannot set up group commit on %s\n", db_url(app.db));
		db_close(app.db);
		letter_keys_free(app.letter_keys);
		trusted_proxies_free(app.proxies);
		return 1;
	}
	if (cfg->db_read_url && db_dialect(app.db) != DB_POSTGRES) {
		fprintf(stderr, "pendopo serve: --db-read needs a PostgreSQL --db (a streaming replica of it)\n");
		db_close(app.db);
		letter_keys_free(app.letter_keys);
		trusted_proxies_free(app.proxies);
		return 2;
	}
	if (cfg->db_read_url && !(app.replica = replica_start(cfg->db_url, cfg->db_read_url, cfg->db_pool,
								  cfg->db_read_max_lag_ms))) {
		db_close(app.db);
		letter_keys_free(app.letter_keys);
		trusted_proxies_free(app.proxies);
		return 1;
	}
	app.village_pages = village_pages_new();
	app.complaint_stats = complaint_stats_new();
	rc = channels_setup(cli, &app);
	if (rc == 0 && channels_start(&app) != 0)
		rc = 1;
	struct audit_sealer *sealer = rc == 0 ? audit_sealer_start(app.db, cfg->audit_seal_ms) : NULL;
	if (rc == 0)
		rc = server_run(&app, cfg->tick_s);
	audit_sealer_free(sealer);
	channels_stop(&app);
	village_pages_free(app.village_pages);
	complaint_stats_free(app.complaint_stats);
	replica_free(app.replica);
	db_close(app.db);
	letter_keys_free(app.letter_keys);
	trusted_proxies_free(app.proxies);
	return rc;
}

static int migrate_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct db *db = cli_db(cli, 1);
	if (!db)
		return 1;
	int rc = migrate_run(db, pendopo_modules, PENDOPO_NMODULES, stdout);
	if (rc == 0)
		printf("database is up to date\n");
	db_close(db);
	return rc ? 1 : 0;
}

/* `demo load`: every module's demo data, each in its own transaction. */
static int demo_load_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct app app;
	int rc = cli_app(cli, &app, 1);
	if (rc)
		return rc;
	struct db_conn *c = db_acquire(app.db);
	for (size_t i = 0; i < PENDOPO_NMODULES && rc == 0; i++) {
		if (!pendopo_modules[i]->demo_load)
			continue;
		if (db_tx_begin(c) != DB_OK || pendopo_modules[i]->demo_load(&app, c) != 0 || db_tx_commit(c) != DB_OK) {
			fprintf(stderr, "pendopo demo load: %s failed: %s\n", pendopo_modules[i]->name, db_errmsg(c));
			db_tx_rollback(c);
			rc = 1;
		} else {
			printf("demo data loaded: %s\n", pendopo_modules[i]->name);
		}
	}
	db_release(app.db, c);
	db_close(app.db);
	return rc;
}

/* `tick`: the periodic work `serve` does every --tick-seconds, once, now - for cron
 * on instances that do not serve, and for tests that move the clock. */
static int tick_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct app app;
	if (log_level_opt(cli))
		return 2;
	int rc = cli_app(cli, &app, 2);
	if (rc)
		return rc;
	for (size_t i = 0; i < PENDOPO_NMODULES; i++)
		if (pendopo_modules[i]->tick)
			pendopo_modules[i]->tick(&app);
	db_close(app.db);
	return 0;
}

/* `routes`: every route of every module, protocol actions included, one
 * JSON object a line - what the authorization-matrix test reads. */
static int routes_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	struct router *rt = router_new(pendopo_modules, PENDOPO_NMODULES);
	if (!rt)
		return 1;
	for (size_t i = 0; i < router_count(rt); i++) {
		const struct route *r = router_route(rt, i);
		json_t *roles = json_array();
		for (unsigned bit = 1; bit <= ROLE_REGENT_OFFICE; bit <<= 1)
			if (r->roles & bit)
				json_array_append_new(roles, json_string(role_name((enum role)bit)));
		json_t *line = json_pack("{s:s,s:s,s:s,s:o,s:b,s:b,s:b,s:b,s:s?}", "module", router_module(rt, i)->name,
					 "method", r->method, "path", r->pattern, "roles", roles,
					 "public", r->roles == ROLE_PUBLIC, "raw_body", (r->flags & RF_RAW_BODY) != 0,
					 "upload", (r->flags & RF_UPLOAD) != 0, "replica", (r->flags & RF_REPLICA) != 0,
					 "protocol", router_module(rt, i)->protocol ? router_module(rt, i)->protocol->name : NULL);
		char *text = json_dumps(line, JSON_COMPACT);
		if (text)
			puts(text);
		free(text);
		json_decref(line);
	}
	router_free(rt);
	return 0;
}

#define LOG_LEVEL_OPT { "--log-level", "PENDOPO_LOG_LEVEL", "error, warn, info or debug", "info" }

static const struct cli_opt serve_opts[] = {
	CLI_OPT_DB,
	{ "--db-read", "PENDOPO_DB_READ",
	  "a PostgreSQL streaming replica of --db for public reads (lists, search, statistics)", NULL },
	{ "--db-read-max-lag-ms", "PENDOPO_DB_READ_MAX_LAG_MS",
	  "the replica's largest lag, ms, and how long a caller's own writes keep its reads on the primary", "1000" },
	{ "--listen", "PENDOPO_LISTEN", "HOST:PORT to listen on", "127.0.0.1:8080" },
	CLI_OPT_DATA_DIR,
	{ "--web-dir", "PENDOPO_WEB_DIR", "folder of the web front end (default: web/ beside the build)", NULL },
	CLI_OPT_REGENCY,
	{ "--regency-bounds", "PENDOPO_REGENCY_BOUNDS",
	  "south,west,north,east: the regency's extent in degrees, where a complaint's map pin may lie (none: anywhere)",
	  "-7.50,109.17,-7.15,109.60" },
	CLI_OPT_BASE_URL,
	{ "--threads", "PENDOPO_THREADS", "worker threads; 0 = one thread per connection", "0" },
	{ "--db-pool", "PENDOPO_DB_POOL", "database connections", "16" },
	{ "--conn-limit", "PENDOPO_CONN_LIMIT", "open connections at most", "1024" },
	{ "--per-ip-limit", "PENDOPO_PER_IP_LIMIT", "open connections per client address", "256" },
	{ "--trusted-proxies", "PENDOPO_TRUSTED_PROXIES",
	  "reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For/Forwarded/-Proto count; "
	  "turns --per-ip-limit off", NULL },
	{ "--cors-origins", "PENDOPO_CORS_ORIGINS",
	  "web origins (https://host, comma-separated, or *) whose pages may read the public APIs; never with "
	  "credentials", NULL },
	{ "--timeout", "PENDOPO_TIMEOUT", "seconds before an idle connection is closed", "30" },
	{ "--header-timeout", "PENDOPO_HEADER_TIMEOUT",
	  "seconds a client has to send a request's headers, however it trickles them (and the body's grace)", "30" },
	{ "--body-min-rate", "PENDOPO_BODY_MIN_RATE", "slowest request body accepted after that grace, bytes a second",
	  "1024" },
	{ "--user", "PENDOPO_USER", "started as root: the unprivileged user to become once the port is bound", NULL },
	{ "--submit-per-hour", "PENDOPO_SUBMIT_PER_HOUR",
	  "submissions (complaints, applications, requests, letters, survey answers) per account and service an hour", "20" },
	{ "--submit-per-hour-address", "PENDOPO_SUBMIT_PER_HOUR_ADDRESS",
	  "the same per client address (registrations too); higher, as a village or a carrier's NAT shares one", "60" },
	{ "--body-limit-kb", "PENDOPO_BODY_LIMIT_KB", "largest request body of a route that takes no file, KiB", "1024" },
	{ "--upload-limit-mb", "PENDOPO_UPLOAD_LIMIT_MB", "largest body of a route that takes a file, MiB", "25" },
	{ "--login-failures", "PENDOPO_LOGIN_FAILURES", "failed logins to one account from one address before that address is locked out of it", "5" },
	{ "--lockout-minutes", "PENDOPO_LOCKOUT_MINUTES", "how long such a lock lasts (failures count in windows this long)", "15" },
	{ "--auth-per-minute", "PENDOPO_AUTH_PER_MINUTE", "login and registration attempts per address per minute", "20" },
	{ "--session-days", "PENDOPO_SESSION_DAYS", "days a login session lasts", "30" },
	{ "--access-log", "PENDOPO_ACCESS_LOG", "1 writes one line per request to stderr", "1" },
	{ "--group-commit", "PENDOPO_GROUP_COMMIT", "1: concurrent SQLite commits share one fsync; 0: one fsync each", "1" },
	{ "--regions-index", "PENDOPO_REGIONS_INDEX", "1: region reads from an in-memory copy; 0: from SQL", "1" },
	{ "--audit-seal-ms", "PENDOPO_AUDIT_SEAL_MS",
	  "PostgreSQL: how often the audit rows are chained, ms; 0 = only by the tick", "250" },
	{ "--tick-seconds", "PENDOPO_TICK_SECONDS",
	  "how often the periodic work runs (deadlines, escalation, auto-close, Satu Data, a new region import)", "30" },
	{ "--clock", "PENDOPO_CLOCK", "start the service clock at this UTC time (demos, tests)", NULL },
	LOG_LEVEL_OPT,
	CLI_OPTS_LETTERS,
	CLI_OPTS_CHANNELS,
	{ 0 },
};
static const struct cli_opt db_only[] = { CLI_OPT_DB, { 0 } };
static const struct cli_opt demo_opts[] = { CLI_OPT_DB, CLI_OPT_REGENCY, { 0 } };
static const struct cli_opt tick_opts[] = {
	CLI_OPT_DB,
	CLI_OPT_DATA_DIR,
	CLI_OPT_REGENCY,
	CLI_OPT_BASE_URL,
	{ "--clock", "PENDOPO_CLOCK", "run as if the service clock read this UTC time", NULL },
	LOG_LEVEL_OPT,
	{ 0 },
};

static const struct command commands[] = {
	{ "serve", "serve [options]", "Serve the API and the web front end until SIGINT/SIGTERM.", serve_opts,
	  serve_command },
	{ "migrate", "migrate [--db URL]", "Create or update the database schema.", db_only, migrate_command },
	{ "demo load", "demo load [--db URL]", "Load the demo data that `make run` shows (marked as demo).", demo_opts,
	  demo_load_command },
	{ "tick", "tick [--db URL] [--clock T]",
	  "Run the periodic work (deadlines, escalation, auto-close, Satu Data refresh) once, now.", tick_opts,
	  tick_command },
	{ "routes", "routes", "List every HTTP route with the roles allowed, one JSON object a line.", NULL,
	  routes_command },
	{ 0 },
};

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "pendopo: libsodium failed to initialise\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	malloc_tune();
	/* Commands without --log-level log at PENDOPO_LOG_LEVEL too. */
	const char *level_name = getenv("PENDOPO_LOG_LEVEL");
	enum log_level level;
	if (level_name && *level_name) {
		if (log_level_parse(level_name, &level) != 0) {
			fprintf(stderr, "pendopo: PENDOPO_LOG_LEVEL must be error, warn, info or debug\n");
			return 2;
		}
		log_set_level(level);
	}
	return cli_main(commands, pendopo_modules, PENDOPO_NMODULES, argc, argv);
}
