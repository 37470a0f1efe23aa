/* regions_index.h - the region register in memory, for the public reads.
 *
 * `pendopo serve` answers GET /api/regions and /api/regions/{kode} from an
 * immutable copy of the register (a snapshot) instead of SQL: names sorted
 * per level for prefixes, a trigram index for substrings, the code tree
 * for children, and every region's JSON item rendered once, so a reply is
 * mostly memcpy.  Answers are byte for byte those of the SQL path in
 * regions.c, which CLI contexts (and PENDOPO_REGIONS_INDEX=0) still use.
 *
 * Freshness: each snapshot remembers the latest region_imports id it saw.
 * The regions tick (every 30 s in serve) compares that with the database
 * and swaps in a new snapshot when they differ, so `pendopo import
 * regions` into a served database shows in the search within 30 s.
 * Requests hold a reference to the snapshot they read; the old one is
 * freed when its last reader lets go.
 */
#ifndef PENDOPO_REGIONS_INDEX_H
#define PENDOPO_REGIONS_INDEX_H

#include <stddef.h>
#include "db.h"

struct arena;
struct regions_index;		/* what app->regions holds: the current snapshot */
struct regions_snapshot;	/* one immutable copy of the register */

/* Load the register (every row, once) into a first snapshot; NULL with a
 * line on stderr when the database cannot be read or its rows break the
 * import's invariants (then the caller serves from SQL). */
struct regions_index *regions_index_build(struct db_conn *c);
/* After the last request: no reader may hold a snapshot. */
void regions_index_free(struct regions_index *ix);
/* Rebuild and swap when the register was imported since the snapshot was
 * made: 1 swapped, 0 unchanged, -1 error (the old snapshot stays). */
int regions_index_refresh(struct regions_index *ix, struct db_conn *c);

/* A reference to the current snapshot, valid until regions_index_drop. */
struct regions_snapshot *regions_index_hold(struct regions_index *ix);
void regions_index_drop(struct regions_snapshot *s);

/* A GET /api/regions search, already checked by the handler. */
struct regions_query {
	const char *q;		/* lower-cased, or NULL: the children of parent */
	size_t nchars;		/* characters in q */
	const char *hi;		/* q and a bound: [q, hi) holds the names starting with q */
	const char *parent;	/* a well-formed region code, or NULL */
	long limit;		/* 1..100 */
};

/* The reply bodies, allocated from a: {"items":[...]} for a search, the
 * region with its parent, ancestors and child count for a code.  0 with
 * *body and *len set, 1 when no region has the code, -1 out of memory. */
int regions_snapshot_list(const struct regions_snapshot *s, struct arena *a,
			  const struct regions_query *qr, char **body, size_t *len);
int regions_snapshot_region(const struct regions_snapshot *s, struct arena *a,
			    const char *kode, char **body, size_t *len);
/* A region's name, or NULL when the code is not in the register. */
const char *regions_snapshot_nama(const struct regions_snapshot *s, const char *kode);
/* The regions directly below parent, in code order, copied into a (as
 * regions_children answers): 0 ok (*n may be 0), -1 out of memory. */
struct region;
int regions_snapshot_children(const struct regions_snapshot *s, struct arena *a, const char *parent,
			      struct region **out, size_t *n);

/* What a region's JSON says of it, shared with the SQL path: "province",
 * "regency", "district" or "village"; a village's kind from its number. */
const char *regions_level_name(int level);
const char *regions_village_kind(const char *kode);

#endif
