/* search.h - full-text search: the one translation of a user's words into
 * the backend's query syntax, FTS5 on SQLite, tsvector on PostgreSQL.
 *
 * A service indexes its own rows, so a search joins and filters them in
 * one statement and a page stops at its limit (complaints: 1M rows):
 *   SQLite      an external-content FTS5 table over the service's table,
 *               content_rowid = its integer key, tokenize='unicode61
 *               remove_diacritics 2', prefix='3', columnsize=0, kept by
 *               triggers; match with `index MATCH ?`.
 *   PostgreSQL  a generated column to_tsvector('simple', …) with a GIN
 *               index; match with `column @@ to_tsquery('simple', ?)`.
 * Index only what the searching audience may see.  Bind the ? to
 * search_expression(): all words must appear, the last one (at least 3
 * characters) as a prefix, as typed while searching; case is ignored.
 */
#ifndef PENDOPO_SEARCH_H
#define PENDOPO_SEARCH_H

#include "db.h"
#include "module.h"

struct arena;

/* Migrations only: search/2 drops the shared documents table no service used. */
extern const struct module search_module;

/* The words of query in dialect d's syntax, each quoted (so operators a
 * user types are only text), at most 8.  NULL when it holds no word or
 * out of memory. */
char *search_expression(struct arena *a, enum db_dialect d, const char *query);

#endif
