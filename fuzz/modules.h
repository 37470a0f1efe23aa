/* modules.h - the module list of src/main.c, for the targets that walk
 * every route (router, JSON bodies).  main.c keeps its list static; a
 * module missing here is only a module not fuzzed, and
 * tests/static/fuzz.test.mjs fails on that. */
#ifndef PENDOPO_FUZZ_MODULES_H
#define PENDOPO_FUZZ_MODULES_H

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

static const struct module *const fuzz_modules[] = {
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
	&ckan_module,
};
#define FUZZ_NMODULES (sizeof(fuzz_modules) / sizeof(fuzz_modules[0]))

#endif
