/* ops.c - what operators and their monitoring use: /healthz for load
 * balancers, /metrics for Prometheus, `pendopo backup` for a consistent
 * copy of a served SQLite database.
 */
#include "ops.h"
#include "app.h"
#include "audit.h"
#include "cli.h"
#include "http.h"
#include "metrics.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

/* For load balancers and monitoring: 503 when the database cannot be
 * reached (probed at most once a second), and whether writes are being
 * stored. */
static int healthz(struct req *r)
{
	static const char healthy[] = "{\"status\":\"ok\",\"database\":\"ok\"}";
	char why[160], storage[80];
	int rc = db_ping(r->db, why, sizeof(why), storage, sizeof(storage));
	/* The answer load balancers poll many times a second, as it stands. */
	if (rc == DB_OK && !*storage)
		return reply_text(r, 200, "application/json", healthy, sizeof(healthy) - 1);
	json_t *body = json_pack("{s:s, s:s}", "status", rc == DB_OK ? "ok" : "unavailable",
				 "database", rc == DB_OK ? "ok" : why);
	if (*storage)
		json_object_set_new(body, "writes", json_string(storage));
	if (rc != DB_OK)
		reply_header(r, "Retry-After", "5");
	return reply_json(r, rc == DB_OK ? 200 : 503, body);
}

static int metrics_get(struct req *r)
{
	size_t len;
	char *text = metrics_render(r->app->metrics, r->arena, &len);
	if (!text)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	/* The audit rows committed but not chained yet (PostgreSQL's sealer);
	 * left out while the database cannot say, so that monitoring still
	 * gets the rest. */
	int64_t unsealed;
	double oldest;
	if (audit_unsealed(r->db, &unsealed, &oldest) != 0)
		return reply_text(r, 200, "text/plain; version=0.0.4", text, len);
	struct strbuf o;
	strbuf_init(&o, r->arena, len + 2048);
	strbuf_add(&o, text, len);
	strbuf_addf(&o, "# HELP pendopo_audit_unsealed_rows Audit rows committed but not chained yet.\n"
			"# TYPE pendopo_audit_unsealed_rows gauge\n"
			"pendopo_audit_unsealed_rows %" PRId64 "\n"
			"# HELP pendopo_audit_unsealed_oldest_seconds Age of the oldest audit row not chained yet.\n"
			"# TYPE pendopo_audit_unsealed_oldest_seconds gauge\n"
			"pendopo_audit_unsealed_oldest_seconds %.3f\n", unsealed, oldest);
	for (size_t i = 0; i < r->app->nmodules; i++)
		if (r->app->modules[i]->metrics && r->app->modules[i]->metrics(r->app, r->db, &o) != 0)
			return reply_db_error(r);
	if (o.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	return reply_text(r, 200, "text/plain; version=0.0.4", o.buf, o.len);
}

/* `pendopo backup DEST` */
static int backup_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	struct db *db = cli_db(cli, 1);
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

static const struct route ops_routes[] = {
	{ "GET", "/healthz", healthz, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/metrics", metrics_get, ROLE_PUBLIC, NULL, 0 },
	{ 0 },
};

static const struct cli_opt db_only[] = { CLI_OPT_DB, { 0 } };

static const struct command ops_commands[] = {
	{ "backup", "backup DEST [--db URL]", "Write a consistent copy of a SQLite database to DEST while serving.",
	  db_only, backup_command },
	{ 0 },
};

const struct module ops_module = { .name = "ops", .routes = ops_routes, .commands = ops_commands };
