/* router.c - fuzz target: an address as it reaches the router.  The first
 * byte picks the method, the rest is the raw path, unescaped by the
 * server's own callback (address_unescape) and refused, as the server
 * does, unless it is UTF-8; whatever matches must hand back parameters
 * that are slices of it. */
#include "fuzz.h"
#include "modules.h"
#include "router.h"
#include "server.h"
#include "validate.h"

static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct router *rt;
	if (!rt && !(rt = router_new(pendopo_modules, PENDOPO_NMODULES)))
		abort();
	if (size < 1)
		return 0;
	struct arena *a = arena_new(4096);
	if (!a)
		abort();
	const char *method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	char *path = fuzz_string(a, data + 1, size - 1);
	address_unescape(path);
	if (utf8_valid(path)) {
		struct route_match m;
		int rc = router_match(rt, method, path, a, &m);
		if (rc == 1)
			for (int i = 0; i < m.nparams; i++)
				if (!m.values[i] || !utf8_valid(m.values[i]) || strlen(m.values[i]) > strlen(path))
					abort();
	}
	arena_free(a);
	return 0;
}
