/* modules.h - every module of pendopo, in one list for the program
 * (main.c) and the fuzz targets that walk every route (fuzz/).
 */
#ifndef PENDOPO_MODULES_H
#define PENDOPO_MODULES_H

#include "core/audit.h"
#include "core/auth.h"
#include "core/events.h"
#include "core/files.h"
#include "core/holidays.h"
#include "core/letters.h"
#include "core/openapi.h"
#include "core/ops.h"
#include "core/orgs.h"
#include "core/outbox.h"
#include "core/regions.h"
#include "core/search.h"
#include "channels/channels.h"
#include "data/data.h"
#include "case/case.h"
#include "complaints/complaints.h"
#include "permits/permits.h"
#include "inforeq/inforeq.h"
#include "villages/villages.h"
#include "queue/queue.h"
#include "dashboard/dashboard.h"
#include "survey/survey.h"

/* Migrations run in this order, so a module may refer to the tables of the
 * modules above it. */
static const struct module *const pendopo_modules[] = {
	&ops_module,
	&openapi_module,
	&events_module,
	&audit_module,
	&files_module,
	&search_module,
	&regions_module,
	&orgs_module,
	&holidays_module,
	&auth_module,
	&profile_module,
	&users_module,
	&apikeys_module,
	&letters_module,
	&data_module,
	&outbox_module,
	&phone_login_module,
	&survey_module,
	&queue_module,
	&antrol_module,
	&case_module,
	&complaints_module,
	&open311_module,
	&permits_module,
	&inforeq_module,
	&villages_module,
	&channels_module,
	&dashboard_module,
	/* Last: its 136 action routes need not be scanned before the
	 * services' own (the router tries routes in this order). */
	&ckan_module,
};
#define PENDOPO_NMODULES (sizeof(pendopo_modules) / sizeof(pendopo_modules[0]))

#endif
