/* villages.h - Desa Digital: every village of the regency has its space
 * (/desa/{kode}) from the region register: profile, news, the APBDes
 * budget, and online village letters on the case engine, signed with
 * core's letters.  Operators edit their own village only; the village
 * head approves letters.
 */
#ifndef PENDOPO_VILLAGES_H
#define PENDOPO_VILLAGES_H

#include <jansson.h>

#include "module.h"

extern const struct module villages_module;

struct app;
struct arena;
struct db_conn;
struct village_pages;
/* The villages at a glance, for the Regent's dashboard (overview.c):
 * {villages, active, average_score, profile_complete, news_30d,
 * budget_published, letters_30d, letters_year, districts: [{kode, nama,
 * villages, active, average_score}]}; NULL on a database error.  The same
 * figures as GET /api/villages/overview. */
json_t *villages_overview(struct app *app, struct db_conn *c, struct arena *a);

/* The public village pages kept ready while serving (page_cache.c): made
 * by main.c for app->village_pages; without one every page is built. */
struct village_pages *village_pages_new(void);
void village_pages_free(struct village_pages *p);

#endif
