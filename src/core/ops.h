/* ops.h - operations: health and metrics for monitoring, backups. */
#ifndef PENDOPO_OPS_H
#define PENDOPO_OPS_H

#include "module.h"

extern const struct module ops_module;	/* /healthz, /metrics, `pendopo backup`, `restore` */

#endif
