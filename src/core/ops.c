/* ops.c - what operators and their monitoring use: /healthz for load
 * balancers, /metrics for Prometheus, `pendopo backup` and `restore`
 * (backup.c).
 */
#include "ops.h"
#include "app.h"
#include "audit.h"
#include "backup.h"
#include "cli.h"
#include "http.h"
#include "metrics.h"
#include "replica.h"
#include "strbuf.h"

#include <inttypes.h>

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
	if (r->app->replica)
		replica_metrics(r->app->replica, &o);
	for (size_t i = 0; i < r->app->nmodules; i++)
		if (r->app->modules[i]->metrics && r->app->modules[i]->metrics(r->app, r->db, &o) != 0)
			return reply_db_error(r);
	if (o.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	return reply_text(r, 200, "text/plain; version=0.0.4", o.buf, o.len);
}

static const struct route ops_routes[] = {
	{ "GET", "/healthz", healthz, ROLE_PUBLIC, NULL, 0 },
	{ "GET", "/metrics", metrics_get, ROLE_PUBLIC, NULL, 0 },
	{ 0 },
};

static const struct cli_opt backup_opts[] = { CLI_OPT_DB, CLI_OPT_DATA_DIR, { 0 } };

static const struct command ops_commands[] = {
	{ "backup", "backup DEST [--db URL] [--data-dir DIR]",
	  "Write the database and its stored files to the new folder DEST while serving (see docs/deploy.md).",
	  backup_opts, backup_command },
	{ "restore", "restore SRC [--db URL] [--data-dir DIR]",
	  "Fill an empty database (and the data folder) from the backup folder SRC.",
	  backup_opts, restore_command },
	{ 0 },
};

const struct module ops_module = { .name = "ops", .routes = ops_routes, .commands = ops_commands };
