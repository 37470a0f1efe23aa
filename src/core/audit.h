/* audit.h - the tamper-evident trail of every state change.
 *
 * Each row carries the SHA-256 of the previous row's hash and its own
 * content, so editing or deleting a row breaks the chain from there on.
 * audit_append() runs inside the transaction of the change it records.  On
 * PostgreSQL it takes no shared lock: rows are chained ("sealed") after
 * their transactions end, by one sealer in the cluster (audit.c), so a
 * committed row may wait unsealed for the sealer's interval.
 */
#ifndef PENDOPO_AUDIT_H
#define PENDOPO_AUDIT_H

#include <stdint.h>
#include <jansson.h>
#include "db.h"
#include "module.h"

struct caller;

extern const struct module audit_module;

/* details may be NULL; it is not stolen. */
int audit_append(struct db_conn *c, const struct caller *actor, const char *action,
		 const char *object, json_t *details);

/* Chain the rows whose transactions are over (PostgreSQL; nothing to do
 * on SQLite), as many as there are, if no other instance is doing it now.
 * 0 with *sealed rows chained, < 0 on a database failure. */
int audit_seal(struct db_conn *c, int64_t *sealed);

/* Rows committed but not chained yet, and the age of the oldest (s). */
int audit_unsealed(struct db_conn *c, int64_t *count, double *oldest_s);

/* A thread that seals every interval_ms while serving on PostgreSQL; NULL
 * on SQLite or when interval_ms is 0 (then only the tick seals). */
struct audit_sealer;
struct audit_sealer *audit_sealer_start(struct db *db, int interval_ms);
void audit_sealer_free(struct audit_sealer *s);

/* 0 when intact, with the newest row's hash in head (record it elsewhere
 * to anchor the chain) and in *unsealed the rows committed after the last
 * seal that verification could not cover yet; otherwise 1 with the id of
 * the first bad row in *bad_id and a reason in why; -1 when the table
 * cannot be read. */
int audit_verify(struct db_conn *c, int64_t *bad_id, char *why, size_t whylen, int64_t *rows,
		 int64_t *unsealed, char head[65]);

#endif
