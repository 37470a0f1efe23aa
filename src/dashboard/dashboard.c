/* dashboard.c - GET /api/dashboard for the Regent's office (and admins):
 * complaints, queues and Satu Data at a glance.  The module holds no table
 * and no query of its own: each tile is the owning service's overview
 * function (complaints_overview, queue_overview, data_overview), so the
 * dashboard and the services' own statistics cannot disagree.  All of it
 * is read in one snapshot (the router's read transaction).
 */
#include "dashboard.h"

#include "app.h"
#include "http.h"
#include "complaints/complaints.h"
#include "data/data.h"
#include "queue/queue.h"
#include "util.h"

static int dashboard_get(struct req *r)
{
	char now[24];
	json_t *complaints = complaints_overview(r->app, r->db, r->arena);
	json_t *queue = complaints ? queue_overview(r->app, r->db, r->arena) : NULL;
	json_t *data = queue ? data_overview(r->app, r->db, r->arena) : NULL;
	if (!data) {
		json_decref(complaints);
		json_decref(queue);
		return reply_db_error(r);
	}
	time_iso(app_now(r->app), now);
	return reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:o}", "generated_at", now, "complaints", complaints,
					    "queue", queue, "data", data));
}

static const struct route dashboard_routes[] = {
	{ "GET", "/api/dashboard", dashboard_get, ROLE_REGENT_OFFICE | ROLE_ADMIN, NULL, 0 },
	{ 0 },
};

const struct module dashboard_module = {
	.name = "dashboard",
	.routes = dashboard_routes,
};
