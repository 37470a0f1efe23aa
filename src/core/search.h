/* search.h - full-text search behind one interface: FTS5 on SQLite,
 * tsvector with a GIN index on PostgreSQL.
 *
 * A module indexes the text it is willing to show to the public (or to the
 * audience it searches for) under its own kind, and asks for the refs that
 * match words typed by a user, best first.  Words match by prefix and all
 * must appear; case and diacritics are ignored.
 */
#ifndef PENDOPO_SEARCH_H
#define PENDOPO_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "db.h"
#include "module.h"

struct arena;

extern const struct module search_module;

/* Insert or replace the text indexed for (kind, ref), inside the caller's
 * transaction.  0 ok, -1 error. */
int search_index(struct db_conn *c, const char *kind, int64_t ref, const char *text);
int search_remove(struct db_conn *c, const char *kind, int64_t ref);

/* Refs of kind matching query, best first, into a (at most limit).  0 ok
 * with *n set (0 when the query has no words), -1 error. */
int search_query(struct db_conn *c, struct arena *a, const char *kind, const char *query,
		 int limit, int offset, int64_t **refs, size_t *n);

/* The query in the backend's syntax: every word quoted and prefix-matched,
 * joined by AND.  NULL when the query holds no word.  Exposed for tests. */
char *search_expression(struct arena *a, enum db_dialect d, const char *query);

#endif
