/* lucene.c - fuzz target: a CKAN package_search q or fq, parsed into the
 * Lucene subset's tree.  A refusal must say why in UTF-8 (it is quoted in
 * the CKAN error) when the query was (every query reaching it is: the
 * server refuses any other), and a tree's inner nodes must have their
 * children. */
#include "fuzz.h"
#include "data/lucene.h"
#include "validate.h"

static void walk(const struct lq_node *n, int depth)
{
	if (!n || depth > 10000)
		abort();
	if (n->kind == LQ_AND || n->kind == LQ_OR) {
		if (n->n < 2)
			abort();
	} else if (n->kind == LQ_NOT && n->n != 1) {
		abort();
	}
	for (int i = 0; i < n->n; i++)
		walk(n->kids[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	if (!a)
		abort();
	char *q = fuzz_string(a, data, size);
	const char *why = NULL;
	struct lq_node *n = lq_parse(a, q, &why);
	if (n)
		walk(n, 0);
	else if (!why || (utf8_valid(q) && !utf8_valid(why)))
		abort();
	arena_free(a);
	return 0;
}
