/* testdb.h - a throwaway PostgreSQL database for the unit tests that run
 * on both backends: skipped unless PENDOPO_TEST_PG names a server. */
#ifndef PENDOPO_TESTDB_H
#define PENDOPO_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "db.h"

/* A new database named prefix_<time>_<pid> on the server, with a pool of
 * pool connections; *admin is the server's own connection, to close after
 * the test's. */
static inline struct db *testdb_pg_pool(const char *prefix, int pool, struct db **admin)
{
	const char *server = getenv("PENDOPO_TEST_PG");
	char err[256], name[64], create[96], url[512];
	if (!server || !*server)
		skip();
	*admin = db_open(server, 1, err, sizeof(err));
	assert_non_null(*admin);
	/* Two tests of one file can start within the same second. */
	static int serial;
	snprintf(name, sizeof(name), "%s_%ld_%d_%d", prefix, (long)time(NULL), (int)getpid(), serial++);
	snprintf(create, sizeof(create), "CREATE DATABASE %s", name);
	struct db_conn *c = db_acquire(*admin);
	assert_int_equal(db_exec_script(c, create), DB_OK);
	db_release(*admin, c);
	snprintf(url, sizeof(url), "%.*s/%s", (int)(strrchr(server, '/') - server), server, name);
	struct db *db = db_open(url, pool, err, sizeof(err));
	assert_non_null(db);
	return db;
}

static inline struct db *testdb_pg(const char *prefix, struct db **admin)
{
	return testdb_pg_pool(prefix, 1, admin);
}

#endif
