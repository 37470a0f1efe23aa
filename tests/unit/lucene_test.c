/* lucene_test.c - the query parser of package_search: each accepted query
 * printed back as a tree in prefix form, each refused one with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "data/lucene.h"

static void print(const struct lq_node *n, char *out, size_t cap)
{
	size_t len = strlen(out);
	char *o = out + len;
	size_t room = cap - len;
	const char *f = n->field ? n->field : "_";
	switch (n->kind) {
	case LQ_ALL:
		snprintf(o, room, "ALL");
		return;
	case LQ_TERM:
		snprintf(o, room, "%s:%s%s", f, n->text, n->prefix ? "*" : "");
		return;
	case LQ_PHRASE:
		snprintf(o, room, "%s:\"%s\"", f, n->text);
		return;
	case LQ_RANGE:
		snprintf(o, room, "%s:%c%s,%s%c", f, n->lo_incl ? '[' : '{', n->lo ? n->lo : "*", n->hi ? n->hi : "*",
			 n->hi_incl ? ']' : '}');
		return;
	case LQ_AND:
	case LQ_OR:
	case LQ_NOT:
		snprintf(o, room, "%s(", n->kind == LQ_AND ? "AND" : n->kind == LQ_OR ? "OR" : "NOT");
		for (int i = 0; i < n->n; i++) {
			if (i)
				strncat(out, " ", cap - strlen(out) - 1);
			print(n->kids[i], out, cap);
		}
		strncat(out, ")", cap - strlen(out) - 1);
		return;
	}
}

static void parses(const char *q, const char *want)
{
	struct arena *a = arena_new(4096);
	const char *why = NULL;
	struct lq_node *n = lq_parse(a, q, &why);
	if (!n)
		fail_msg("%s: refused: %s", q, why);
	char got[1024] = "";
	print(n, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", q, got, want);
	arena_free(a);
}

static void refuses(const char *q, const char *reason)
{
	struct arena *a = arena_new(4096);
	const char *why = NULL;
	if (lq_parse(a, q, &why))
		fail_msg("%s: accepted", q);
	if (!why || !strstr(why, reason))
		fail_msg("%s: reason %s, want one with %s", q, why ? why : "(none)", reason);
	arena_free(a);
}

static void terms_fields_and_phrases(void **state)
{
	(void)state;
	parses("", "ALL");
	parses("   ", "ALL");
	parses("*:*", "ALL");
	parses("*", "ALL");
	parses("kesehatan", "_:kesehatan");
	parses("tags:kesehatan", "tags:kesehatan");
	parses("title:\"jumlah penduduk\"", "title:\"jumlah penduduk\"");
	parses("\"a b\" c", "AND(_:\"a b\" _:c)");
	parses("organization:dinkes tags:panen", "AND(organization:dinkes tags:panen)");
	parses("res_format:CSV", "res_format:CSV");
	parses("name:data\\:2025", "name:data:2025");
	parses("tags:kes*", "tags:kes*");
	parses("license_id:*", "license_id:[*,*]");
}

static void operators_and_grouping(void **state)
{
	(void)state;
	parses("kesehatan OR geografi", "OR(_:kesehatan _:geografi)");
	parses("a || b && c", "OR(_:a AND(_:b _:c))");
	parses("a AND b OR c AND d", "OR(AND(_:a _:b) AND(_:c _:d))");
	parses("organization:(dinkes OR pupr)", "OR(organization:dinkes organization:pupr)");
	parses("organization:(dinkes OR pupr) tags:panen", "AND(OR(organization:dinkes organization:pupr) tags:panen)");
	parses("NOT tags:kesehatan", "NOT(tags:kesehatan)");
	parses("-tags:kesehatan", "NOT(tags:kesehatan)");
	parses("!tags:kesehatan", "NOT(tags:kesehatan)");
	parses("+tags:a -tags:b", "AND(tags:a NOT(tags:b))");
	parses("(a OR b) AND NOT (c OR d)", "AND(OR(_:a _:b) NOT(OR(_:c _:d)))");
	parses("tags:(a OR (b AND c))", "OR(tags:a AND(tags:b tags:c))");
	parses("ORANGE AND ANDROID", "AND(_:ORANGE _:ANDROID)");
	parses("or and not", "AND(_:or _:and _:not)");
	parses("tanggal:2026-01-01", "tanggal:2026-01-01");
}

static void ranges(void **state)
{
	(void)state;
	parses("metadata_modified:[2026-01-01T00:00:00Z TO *]", "metadata_modified:[2026-01-01T00:00:00Z,*]");
	parses("metadata_created:{* TO 2026-12-31}", "metadata_created:{*,2026-12-31}");
	parses("metadata_created:[2025-01-01 TO 2026-01-01}", "metadata_created:[2025-01-01,2026-01-01}");
}

static void refused_with_a_reason(void **state)
{
	(void)state;
	refuses("(a OR b", "parenthesis is not closed");
	refuses("a OR b)", "closing parenthesis has no opening");
	refuses("title:\"open", "quote is not closed");
	refuses("a OR", "OR has nothing on its right");
	refuses("AND a", "nothing on its left");
	refuses("a AND", "AND has nothing on its right");
	refuses("NOT", "nothing to apply to");
	refuses("-", "nothing to apply to");
	refuses("title:", "has no value");
	refuses("kesehatan^2", "boosts");
	refuses("kesehatn~1", "fuzzy");
	refuses("ke?ehatan", "wildcards");
	refuses("k*sehatan", "wildcards");
	refuses("{!lucene}kesehatan", "local parameters");
	refuses("metadata_modified:[2026 TO ]", "both ends");
	refuses("metadata_modified:[2026 TO]", "[A TO B]");
	refuses("metadata_modified:[2026]", "[A TO B]");
	refuses("a\\", "backslash");
	/* Found by fuzz/lucene.c: the skipped spaces ran past the " TO ",
	 * and the lower end's length came out as (size_t)-1. */
	refuses("{ TO TO a TO b}", "both ends");
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "(");
	strcat(deep, "a");
	refuses(deep, "nest too deep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terms_fields_and_phrases),
		cmocka_unit_test(operators_and_grouping),
		cmocka_unit_test(ranges),
		cmocka_unit_test(refused_with_a_reason),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
