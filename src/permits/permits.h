/* permits.h - Si-Intan: research permits (Surat Keterangan Penelitian).
 *
 * An applicant drafts an application with its documents, submits it; the
 * licensing office (DPMPTSP) checks it is complete or returns it, the
 * Kesbangpol assesses its likely negative impact and recommends, the head
 * of the signing unit issues the signed letter (core/letters.h) or refuses.
 * The locations named are told; after the research the applicant reports,
 * and finished work goes into the public research library.
 */
#ifndef PENDOPO_PERMITS_H
#define PENDOPO_PERMITS_H

#include <jansson.h>

#include "module.h"

extern const struct module permits_module;

struct app;
struct arena;
struct db_conn;
/* This year's permits at a glance, for the Regent's dashboard (lists.c):
 * {from, to, submitted, decided, on_time_share, median_hours (first
 * submission to decision), open, overdue}; NULL on a database error.  The
 * same figures as GET /api/permits/stats for the year. */
json_t *permits_overview(struct app *app, struct db_conn *c, struct arena *a);

#endif
