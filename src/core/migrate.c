/* migrate.c - schema_migrations records (module, version) pairs; modules are
 * migrated in the order main.c lists them, so a module may reference the
 * tables of the modules before it. */
#include "migrate.h"
#include "log.h"
#include "util.h"

static const char schema_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL,"
	" name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))";

static int applied(struct db_conn *c, const char *module, int version)
{
	int64_t one;
	return db_query_int(c, &one, "SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?",
			    "si", module, (int64_t)version) == DB_ROW;
}

int migrate_run(struct db *db, const struct module *const *mods, size_t n, FILE *log)
{
	struct db_conn *c = db_acquire(db);
	int rc = 0;
	if (db_exec_script(c, schema_table) != DB_OK) {
		log_error("migrations table not created", LOG_F("error", db_errmsg(c)));
		db_release(db, c);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		for (const struct migration *m = mods[i]->migrations; m && m->version; m++) {
			if (applied(c, mods[i]->name, m->version))
				continue;
			const char *sql = db_dialect(db) == DB_POSTGRES ? m->postgres : m->sqlite;
			char now[24];
			time_iso_now(now);
			if (db_tx_begin(c) != DB_OK || db_exec_script(c, sql) != DB_OK ||
			    db_exec(c, "INSERT INTO schema_migrations (module, version, name, applied_at) "
				       "VALUES (?, ?, ?, ?)", "siss", mods[i]->name, (int64_t)m->version,
				    m->name, now) != DB_DONE ||
			    db_tx_commit(c) != DB_OK) {
				log_error("migration failed", LOG_F("module", mods[i]->name), LOG_F("version", m->version),
					  LOG_F("name", m->name), LOG_F("error", db_errmsg(c)));
				db_tx_rollback(c);
				rc = -1;
				break;
			}
			if (log)
				fprintf(log, "applied %s/%d: %s\n", mods[i]->name, m->version, m->name);
		}
	}
	db_release(db, c);
	return rc;
}

int migrate_pending(struct db *db, const struct module *const *mods, size_t n)
{
	struct db_conn *c = db_acquire(db);
	int pending = 0;
	if (db_exec_script(c, schema_table) != DB_OK) {
		db_release(db, c);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (const struct migration *m = mods[i]->migrations; m && m->version; m++)
			if (!applied(c, mods[i]->name, m->version))
				pending++;
	db_release(db, c);
	return pending;
}
