/* audit.h - the tamper-evident trail of every state change.
 *
 * Each row carries the SHA-256 of the previous row's hash and its own
 * content, so editing or deleting a row breaks the chain from there on.
 * audit_append() must run inside the transaction of the change it records,
 * as its last statement: it takes a lock every writer queues on, so a
 * caller that went on to lock rows could deadlock with a transaction that
 * holds those rows and waits for the audit lock (PostgreSQL).
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

/* 0 when intact, with the newest row's hash in head (record it elsewhere
 * to anchor the chain); otherwise 1 with the id of the first bad row in
 * *bad_id and a reason in why; -1 when the table cannot be read. */
int audit_verify(struct db_conn *c, int64_t *bad_id, char *why, size_t whylen, int64_t *rows,
		 char head[65]);

#endif
