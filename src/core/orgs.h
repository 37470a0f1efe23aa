/* orgs.h - the regency's organisation tree: secretariat, agencies, offices,
 * hospitals, health facilities and district offices (org_units).
 *
 * Units are known to the outside by their short code ("DINKES",
 * "PKM-KEMANGKON"); the integer id is what other tables reference.
 */
#ifndef PENDOPO_ORGS_H
#define PENDOPO_ORGS_H

#include <stdint.h>
#include "db.h"
#include "module.h"

struct arena;
struct app;

extern const struct module orgs_module;

/* 0 found, 1 no such unit, <0 error. */
int orgs_id_by_code(struct db_conn *c, const char *code, int64_t *id);
/* The same with the unit's name (copied to a), in one statement. */
int orgs_find_code(struct db_conn *c, struct arena *a, const char *code, int64_t *id, const char **name);
/* 0 found (copied to a), 1 no such unit, <0 error. */
int orgs_code_name(struct db_conn *c, struct arena *a, int64_t id,
		   const char **code, const char **name);
/* The office of a district (a unit of kind district whose region is that
 * district's code): 0 found, 1 none, <0 error. */
int orgs_district_office(struct db_conn *c, const char *district, int64_t *id);
/* The district a district office stands for (copied to a): 0 found, 1 the
 * unit is no district office, <0 error. */
int orgs_office_district(struct db_conn *c, struct arena *a, int64_t id, const char **district);

/* The demo tree (rows marked demo): the regency's offices and, from the
 * region register, one district office and one health centre per district
 * of app->cfg.regency_code.  Skips codes that exist; needs the register. */
int orgs_demo_load(struct app *app, struct db_conn *c);

#endif
