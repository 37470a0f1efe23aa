/* json_body.c - fuzz target: a JSON request body, decoded as the server
 * decodes it and checked against every route's declared fields.  Beyond
 * not crashing, whatever an error would quote (the decoder's problem, the
 * validator's message in both languages) must be UTF-8, or the error reply
 * could not be JSON. */
#include "fuzz.h"
#include "modules.h"
#include "router.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!body) {
		struct arena *a = arena_new(512);
		if (!a || !utf8_valid(json_problem(a, &jerr)))
			abort();
		arena_free(a);
		return 0;
	}
	/* Every route and protocol action, as the router sees them; built
	 * once, like the server's. */
	static struct router *rt;
	if (!rt && !(rt = router_new(pendopo_modules, PENDOPO_NMODULES)))
		abort();
	if (json_is_object(body))
		for (size_t i = 0; i < router_count(rt); i++) {
			const struct route *route = router_route(rt, i);
			struct body_error be;
			if (route->body && body_validate(body, route->body, &be) != 0 &&
			    (!be.code || !utf8_valid(be.message) || !utf8_valid(be.pesan)))
				abort();
		}
	json_decref(body);
	return 0;
}
