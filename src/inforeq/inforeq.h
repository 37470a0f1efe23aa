/* inforeq.h - PPID: public information requests under UU 14/2008.
 *
 * Anyone (with or without an account) asks an agency for information; the
 * request gets a registration number and goes to the agency's PPID
 * Pelaksana, which answers within 10 working days (one extension of 7),
 * granting, granting in part or refusing on an article 17 ground, with a
 * written notice (core/letters.h).  The requester may object (keberatan)
 * to the Atasan PPID within 30 working days on the article 35 grounds; the
 * Atasan answers within 30, with a letter; the requester may then take
 * it to the Information Commission, and the dispute and its outcome are
 * recorded.  The PPID Utama and Atasan units are settings.  The public
 * register shows every request without its requester; each agency keeps
 * its public information list (DIP); the annual PPID report (JSON, CSV,
 * PDF) goes to Satu Data.
 */
#ifndef PENDOPO_INFOREQ_H
#define PENDOPO_INFOREQ_H

#include <jansson.h>

#include "module.h"

extern const struct module inforeq_module;

struct app;
struct arena;
struct db_conn;
/* This year's requests at a glance, for the Regent's dashboard
 * (report.c): {from, to, received, answered, granted, granted_in_part,
 * refused, on_time_share, open, overdue, objections}; NULL on a database
 * error.  The same figures as GET /api/inforeq/report for the year. */
json_t *inforeq_overview(struct app *app, struct db_conn *c, struct arena *a);

#endif
