/* migrate.h - applying the modules' numbered migrations in order, once. */
#ifndef PENDOPO_MIGRATE_H
#define PENDOPO_MIGRATE_H

#include <stdio.h>
#include "db.h"
#include "module.h"

/* Apply what is missing; each migration in its own transaction.  Progress
 * lines go to log (may be NULL).  0 ok, -1 on the first failure. */
int migrate_run(struct db *db, const struct module *const *mods, size_t n, FILE *log);
/* Number of migrations not yet applied, or -1 on error. */
int migrate_pending(struct db *db, const struct module *const *mods, size_t n);

#endif
