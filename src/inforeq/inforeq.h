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

#include <stdint.h>
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

/* A village's public information list (Daftar Informasi Publik, Perki
 * 1/2018), kept in the same register as the agencies' lists, so GET
 * /api/inforeq/dip?village= shows it too.  The caller decides who may
 * change it; these check what an entry holds. */
struct dip_entry {
	const char *number, *title, *summary, *holding_unit, *responsible;
	const char *made_when, *made_where, *format, *retention;
	const char *category;		/* berkala, serta_merta, setiap_saat */
};
enum { DIP_OK = 0, DIP_INVALID = 1, DIP_TAKEN = 2, DIP_NOT_FOUND = 3, DIP_ERROR = -1 };
/* [{id, number, title, summary, holding_unit, responsible, made_when,
 * made_where, format, retention, category, created_at, updated_at}] in
 * number order; NULL on a database error. */
json_t *inforeq_village_dip(struct db_conn *c, const char *village);
/* Adds (id 0) or replaces entry id of the village's list, at time at:
 * DIP_OK with *id_out; DIP_INVALID or DIP_TAKEN (the number is used) with
 * *field naming the member; DIP_NOT_FOUND; DIP_ERROR (database). */
int inforeq_village_dip_save(struct db_conn *c, const char *village, int64_t id, const struct dip_entry *e,
			     const char *at, int64_t *id_out, const char **field);
/* DIP_OK, DIP_NOT_FOUND or DIP_ERROR. */
int inforeq_village_dip_remove(struct db_conn *c, const char *village, int64_t id);

#endif
