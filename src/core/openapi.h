/* openapi.h - the OpenAPI 3.1 description of every route, written from the
 * route tables, served at GET /api/openapi.json. */
#ifndef PENDOPO_OPENAPI_H
#define PENDOPO_OPENAPI_H

#include <jansson.h>
#include "module.h"

struct router;

extern const struct module openapi_module;	/* GET /api/openapi.json */

/* The document for these routes, served from base_url (a new reference). */
json_t *openapi_document(const struct router *rt, const char *base_url);

#endif
