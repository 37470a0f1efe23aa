/* ckan.h - what the CKAN Action API's three files share (src/data only):
 * the envelope and parameters (ckan.c), the dictionaries CKAN answers with
 * and the show, list and write actions (ckan_actions.c), and the searches
 * (ckan_search.c).  The action table itself is in ckan.c.
 */
#ifndef PENDOPO_DATA_CKAN_H
#define PENDOPO_DATA_CKAN_H

#include "satudata.h"

/* The action named by the request's path: "package_show". */
const char *ckan_action_name(const struct req *r);
/* {"help", "success": true, "result"}; takes result. */
int ckan_ok(struct req *r, json_t *result);
int ckan_missing(struct req *r, const char *field);	/* 409 Validation Error */
int ckan_not_found(struct req *r, const char *what);	/* 404 Not Found Error */

/* A parameter as JSON: the POST body's member, or the query string's
 * value read as JSON (facet.field=["tags"]) and failing that as a string;
 * a new reference or NULL. */
json_t *ckan_param(struct req *r, const char *name);
/* A scalar parameter as text (numbers and booleans written out). */
const char *ckan_param_str(struct req *r, const char *name);
/* An integer parameter in [min, max], def when absent; 1 when a
 * Validation Error was set. */
int ckan_param_int(struct req *r, const char *name, long def, long min, long max, long *out);
bool ckan_param_bool(struct req *r, const char *name, bool def);

/* ---- ckan_actions.c ------------------------------------------------------------------ */

const char *ckan_license_title(const char *id);
char *ckan_lower(struct arena *a, const char *s);
json_t *ckan_package_dict(struct req *r, const struct dataset *d);

int ckan_status_show(struct req *r);
int ckan_package_list(struct req *r);
int ckan_package_show(struct req *r);
int ckan_resource_show(struct req *r);
int ckan_current_package_list(struct req *r);	/* current_package_list_with_resources */
int ckan_organization_list(struct req *r);
int ckan_organization_show(struct req *r);
int ckan_group_list(struct req *r);
int ckan_group_show(struct req *r);
int ckan_tag_list(struct req *r);
int ckan_package_create(struct req *r);
int ckan_package_update(struct req *r);		/* package_update and package_patch */
int ckan_resource_create(struct req *r);

/* ---- ckan_search.c ------------------------------------------------------------------- */

int ckan_package_search(struct req *r);
int ckan_datastore_search(struct req *r);

/* ---- ckan.c ---------------------------------------------------------------------------- */

int ckan_help_show(struct req *r);

#endif
