/* lucene.h - the part of the Lucene/Solr query syntax that CKAN clients
 * send in package_search's q and fq, parsed into a tree.
 *
 * Terms and "phrases", field:value, field:(a OR b), AND/&&, OR/||, NOT/!,
 * + and - prefixes, parentheses, ranges [a TO b] and {a TO b} with *, a
 * trailing * on a term (prefix), *:* for everything, backslash escapes.
 * Two clauses side by side are both required (CKAN's Solr schema makes
 * AND the default operator).  Anything else - boosts (^), fuzzy or
 * proximity (~), ? or inner * wildcards, local params ({!...}), an
 * unbalanced parenthesis - is refused with what was not understood,
 * never guessed at.  Pure: no I/O, memory from the caller's arena.
 */
#ifndef PENDOPO_LUCENE_H
#define PENDOPO_LUCENE_H

#include <stdbool.h>

struct arena;

enum lq_kind {
	LQ_ALL,		/* *:* or * */
	LQ_TERM,	/* text (prefix: a trailing *) */
	LQ_PHRASE,	/* "text" */
	LQ_RANGE,	/* [lo TO hi]; lo/hi NULL when * */
	LQ_AND,
	LQ_OR,
	LQ_NOT,		/* one child */
};

struct lq_node {
	enum lq_kind kind;
	const char *field;	/* NULL: the default (free text) */
	const char *text;	/* LQ_TERM, LQ_PHRASE */
	bool prefix;		/* LQ_TERM ended with * */
	const char *lo, *hi;	/* LQ_RANGE */
	bool lo_incl, hi_incl;	/* [ ] inclusive, { } exclusive */
	struct lq_node **kids;	/* LQ_AND, LQ_OR: n >= 2; LQ_NOT: 1 */
	int n;
};

/* q's tree in a; an empty or blank q is LQ_ALL.  NULL with *why (English,
 * in a) on a query outside the subset, or when out of memory. */
struct lq_node *lq_parse(struct arena *a, const char *q, const char **why);

#endif
