/* dashboard.h - the Regent's dashboard: one page, one glance across every
 * service, each figure from the service's own read function.
 */
#ifndef PENDOPO_DASHBOARD_H
#define PENDOPO_DASHBOARD_H

#include "module.h"

extern const struct module dashboard_module;

#endif
