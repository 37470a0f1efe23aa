/* dashboard.c - GET /api/dashboard for the Regent's office (and admins):
 * complaints, queues, research permits, information requests (PPID), Satu Data and the satisfaction
 * index at a glance.
 * The module holds no table and no query of its own: each tile is the
 * owning service's read function (complaints_overview, queue_overview,
 * permits_overview, inforeq_overview, data_overview, survey_units_result,
 * villages_overview), so the
 * dashboard and the services' own statistics cannot disagree.  All of it
 * is read in one snapshot (the router's read transaction).
 */
#include "dashboard.h"

#include "app.h"
#include "can.h"
#include "http.h"
#include "complaints/complaints.h"
#include "data/data.h"
#include "queue/queue.h"
#include "permits/permits.h"
#include "inforeq/inforeq.h"
#include "survey/survey.h"
#include "villages/villages.h"
#include "arena.h"
#include "calendar.h"
#include "util.h"

/* Every unit's satisfaction index this semester (WIB), best first. */
static json_t *satisfaction(struct req *r)
{
	int32_t today = (int32_t)((app_now(r->app) + 7 * 3600) / 86400);
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	const char *period = arena_printf(r->arena, "%04d-S%d", y, m <= 6 ? 1 : 2);
	struct survey_unit_figures *units;
	size_t n;
	if (!period || survey_units_result(r->db, r->arena, period, &units, &n) != 0)
		return NULL;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct survey_result *x = &units[i].result;
		const char grade[2] = { x->grade, '\0' };
		json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:s, s:s, s:I, s:b}", "code", units[i].code,
			"name", units[i].name, "ikm", x->ikm100 / 100.0, "grade", grade,
			"grade_name", survey_grade_name(x->grade), "respondents", (json_int_t)x->respondents,
			"representative", (int)x->representative));
	}
	return json_pack("{s:s, s:o}", "period", period, "units", list);
}

static int dashboard_get(struct req *r)
{
	char now[24];
	json_t *complaints = complaints_overview(r->app, r->db, r->arena);
	json_t *queue = complaints ? queue_overview(r->app, r->db, r->arena) : NULL;
	json_t *data = queue ? data_overview(r->app, r->db, r->arena) : NULL;
	json_t *survey = data ? satisfaction(r) : NULL;
	json_t *permits = survey ? permits_overview(r->app, r->db, r->arena) : NULL;
	json_t *inforeq = permits ? inforeq_overview(r->app, r->db, r->arena) : NULL;
	json_t *villages = inforeq ? villages_overview(r->app, r->db, r->arena) : NULL;
	if (!villages) {
		json_decref(inforeq);
		json_decref(permits);
		json_decref(complaints);
		json_decref(queue);
		json_decref(data);
		json_decref(survey);
		return reply_db_error(r);
	}
	time_iso(app_now(r->app), now);
	return reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "generated_at", now, "complaints",
					    complaints, "queue", queue, "permits", permits, "ppid", inforeq, "data", data,
					    "satisfaction", survey, "villages", villages));
}

static const struct route dashboard_routes[] = {
	{ "GET", "/api/dashboard", dashboard_get, ROLE_REGENT_OFFICE | ROLE_ADMIN, NULL, 0 },
	{ 0 },
};

/* The route's roles, as an action for the header's tool. */
static const struct action dashboard_view = { "dashboard.view", .anywhere = ROLE_REGENT_OFFICE | ROLE_ADMIN };

static const struct tool dashboard_tools[] = {
	{ "/pimpinan/", "Dasbor pimpinan", "Leadership dashboard", &dashboard_view, NULL, 0 },
	{ 0 },
};

const struct module dashboard_module = {
	.name = "dashboard",
	.routes = dashboard_routes,
	.tools = dashboard_tools,
};
