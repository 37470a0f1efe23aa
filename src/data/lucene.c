/* lucene.c - a recursive-descent parser for the Lucene query subset of
 * lucene.h:
 *
 *	query   := or EOF
 *	or      := and (("OR" | "||") and)*
 *	and     := clause (("AND" | "&&")? clause)*
 *	clause  := ("NOT" | "!" | "-" | "+")? primary
 *	primary := "(" or ")" | field ":" (value | "(" or ")") | value
 *	value   := "phrase" | [lo TO hi] | {lo TO hi} | term
 *
 * AND binds tighter than OR.  Depth is bounded, so a hostile query of a
 * thousand parentheses is an error, not a stack overflow.
 */
#include "lucene.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"

#define DEPTH_MAX 32
#define KIDS_MAX 256

struct parser {
	struct arena *a;
	const char *start, *s;
	const char *why;
	int depth;
};

static void *fail(struct parser *p, const char *what)
{
	if (!p->why)
		p->why = arena_printf(p->a, "%s at character %d", what, (int)(p->s - p->start) + 1);
	return NULL;
}

static void skip_ws(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

/* Ends a bare word: whitespace and the syntax characters. */
static bool is_stop(char c)
{
	return !c || strchr(" \t\r\n()\"[]{}:^~", c) != NULL;
}

/* The keyword kw at the cursor, standing alone (uppercase, then a space,
 * a parenthesis, a quote or the end). */
static bool at_keyword(struct parser *p, const char *kw)
{
	size_t n = strlen(kw);
	if (strncmp(p->s, kw, n) != 0)
		return false;
	char c = p->s[n];
	return !c || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == '"';
}

static struct lq_node *node(struct parser *p, enum lq_kind kind, const char *field)
{
	struct lq_node *n = arena_alloc(p->a, sizeof(*n));
	if (!n)
		return fail(p, "out of memory");
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->field = field;
	return n;
}

static struct lq_node *wrap(struct parser *p, enum lq_kind kind, struct lq_node **kids, int n)
{
	if (n == 1 && kind != LQ_NOT)
		return kids[0];
	struct lq_node *x = node(p, kind, NULL);
	if (!x)
		return NULL;
	x->kids = arena_alloc(p->a, (size_t)n * sizeof(*kids));
	if (!x->kids)
		return fail(p, "out of memory");
	memcpy(x->kids, kids, (size_t)n * sizeof(*kids));
	x->n = n;
	return x;
}

/* A bare word, backslash escapes resolved (an escaped * or : is text);
 * whether it holds a wildcard inside, or ends with *. */
static char *word(struct parser *p, bool *wild_inside, bool *trailing_star)
{
	size_t len = 0;
	for (const char *c = p->s; !is_stop(*c); c += *c == '\\' && c[1] ? 2 : 1)
		len++;
	char *out = arena_alloc(p->a, len + 1), *o = out;
	if (!out)
		return fail(p, "out of memory");
	*wild_inside = *trailing_star = false;
	while (!is_stop(*p->s)) {
		if (*p->s == '\\') {
			if (!p->s[1])
				return fail(p, "a backslash escapes nothing");
			*o++ = p->s[1];
			p->s += 2;
			continue;
		}
		if (*p->s == '*' || *p->s == '?') {
			if (*p->s == '*' && is_stop(p->s[1]))
				*trailing_star = true;
			else
				*wild_inside = true;
		}
		*o++ = *p->s++;
	}
	*o = '\0';
	return out;
}

static struct lq_node *parse_or(struct parser *p, const char *field);

/* [lo TO hi] or {lo TO hi}, the bracket at the cursor. */
static struct lq_node *parse_range(struct parser *p, const char *field)
{
	struct lq_node *r = node(p, LQ_RANGE, field);
	if (!r)
		return NULL;
	r->lo_incl = *p->s++ == '[';
	const char *end = p->s + strcspn(p->s, "]}");
	const char *to = strstr(p->s, " TO ");
	if (!*end || !to || to > end)
		return fail(p, "a range must look like [A TO B]");
	const char *lo = p->s, *hi = to + 4;
	while (*lo == ' ')
		lo++;
	while (*hi == ' ')
		hi++;
	/* "[ TO TO b]": the spaces skipped run past the first " TO ". */
	size_t lo_n = lo < to ? (size_t)(to - lo) : 0, hi_n = (size_t)(end - hi);
	while (hi_n && hi[hi_n - 1] == ' ')
		hi_n--;
	if (!lo_n || !hi_n)
		return fail(p, "a range needs both ends (* for open)");
	r->lo = lo_n == 1 && *lo == '*' ? NULL : arena_strndup(p->a, lo, lo_n);
	r->hi = hi_n == 1 && *hi == '*' ? NULL : arena_strndup(p->a, hi, hi_n);
	r->hi_incl = *end == ']';
	p->s = end + 1;
	return r;
}

/* A phrase, a range or a term for field (NULL: free text). */
static struct lq_node *parse_value(struct parser *p, const char *field)
{
	if (*p->s == '"') {
		const char *end = strchr(p->s + 1, '"');
		if (!end)
			return fail(p, "a quote is not closed");
		struct lq_node *n = node(p, LQ_PHRASE, field);
		if (n)
			n->text = arena_strndup(p->a, p->s + 1, (size_t)(end - p->s - 1));
		p->s = end + 1;
		return n;
	}
	if (*p->s == '{' && p->s[1] == '!')
		return fail(p, "local parameters ({!...}) are not supported");
	if (*p->s == '[' || *p->s == '{')
		return parse_range(p, field);
	bool wild, star;
	char *w = word(p, &wild, &star);
	if (!w)
		return NULL;
	if (!*w)
		return fail(p, *p->s ? arena_printf(p->a, "unexpected '%c'", *p->s) : "a term is missing");
	if (*p->s == '^')
		return fail(p, "boosts (^) are not supported");
	if (*p->s == '~')
		return fail(p, "fuzzy and proximity searches (~) are not supported");
	if (wild)
		return fail(p, "wildcards are supported only at the end of a term (abc*)");
	if (strcmp(w, "*") == 0 && !field)
		return node(p, LQ_ALL, NULL);
	if (strcmp(w, "*") == 0) {	/* field:* - the field has a value */
		struct lq_node *any = node(p, LQ_RANGE, field);
		if (any)
			any->lo_incl = any->hi_incl = true;
		return any;
	}
	struct lq_node *n = node(p, LQ_TERM, field);
	if (n) {
		n->prefix = star;
		n->text = star ? arena_strndup(p->a, w, strlen(w) - 1) : w;
	}
	return n;
}

static struct lq_node *parse_primary(struct parser *p, const char *field)
{
	skip_ws(p);
	if (*p->s == '(') {
		if (++p->depth > DEPTH_MAX)
			return fail(p, "parentheses nest too deep");
		p->s++;
		struct lq_node *inner = parse_or(p, field);
		skip_ws(p);
		if (inner && *p->s != ')')
			return fail(p, "a parenthesis is not closed");
		p->s += inner ? 1 : 0;
		p->depth--;
		return inner;
	}
	/* field:..., told from a term by its colon */
	const char *save = p->s;
	bool wild, star;
	char *name = is_stop(*p->s) ? NULL : word(p, &wild, &star);
	if (name && *name && *p->s == ':') {
		p->s++;
		if (strcmp(name, "*") == 0 && *p->s == '*' && is_stop(p->s[1])) {
			p->s++;
			return node(p, LQ_ALL, NULL);
		}
		if (wild || star)
			return fail(p, "a field name cannot hold a wildcard");
		if (*p->s == '(')
			return parse_primary(p, name);
		if (*p->s == ' ' || !*p->s)
			return fail(p, arena_printf(p->a, "%s: has no value", name));
		return parse_value(p, name);
	}
	if (p->why)
		return NULL;
	p->s = save;
	return parse_value(p, field);
}

static struct lq_node *parse_clause(struct parser *p, const char *field)
{
	skip_ws(p);
	bool negate = false, required = false;
	if (at_keyword(p, "NOT")) {
		p->s += 3;
		negate = true;
	} else if (*p->s == '!' || *p->s == '-') {
		p->s++;
		negate = true;
	} else if (*p->s == '+') {
		p->s++;
		required = true;
	}
	if (negate || required) {
		skip_ws(p);
		if (!*p->s || *p->s == ')')
			return fail(p, "an operator has nothing to apply to");
	}
	struct lq_node *x = parse_primary(p, field);
	return x && negate ? wrap(p, LQ_NOT, &x, 1) : x;
}

static bool at_or(struct parser *p)
{
	return at_keyword(p, "OR") || strncmp(p->s, "||", 2) == 0;
}

static struct lq_node *parse_and(struct parser *p, const char *field)
{
	struct lq_node *kids[KIDS_MAX];
	int n = 0;
	for (;;) {
		skip_ws(p);
		if (n > 0) {
			if (!*p->s || *p->s == ')' || at_or(p))
				break;
			if (at_keyword(p, "AND") || strncmp(p->s, "&&", 2) == 0) {
				p->s += *p->s == 'A' ? 3 : 2;
				skip_ws(p);
				if (!*p->s || *p->s == ')' || at_or(p))
					return fail(p, "AND has nothing on its right");
			}
		}
		if (at_keyword(p, "AND") || strncmp(p->s, "&&", 2) == 0 || at_or(p))
			return fail(p, "an operator has nothing on its left");
		if (n == KIDS_MAX)
			return fail(p, "too many terms");
		if (!(kids[n++] = parse_clause(p, field)))
			return NULL;
	}
	return wrap(p, LQ_AND, kids, n);
}

static struct lq_node *parse_or(struct parser *p, const char *field)
{
	struct lq_node *kids[KIDS_MAX];
	int n = 0;
	for (;;) {
		if (n == KIDS_MAX)
			return fail(p, "too many terms");
		if (!(kids[n++] = parse_and(p, field)))
			return NULL;
		skip_ws(p);
		if (!at_or(p))
			break;
		p->s += 2;
		skip_ws(p);
		if (!*p->s || *p->s == ')')
			return fail(p, "OR has nothing on its right");
	}
	return wrap(p, LQ_OR, kids, n);
}

struct lq_node *lq_parse(struct arena *a, const char *q, const char **why)
{
	struct parser p = { .a = a, .start = q ? q : "", .s = q ? q : "" };
	*why = NULL;
	skip_ws(&p);
	if (!*p.s)
		return node(&p, LQ_ALL, NULL);
	struct lq_node *root = parse_or(&p, NULL);
	skip_ws(&p);
	if (root && *p.s)
		root = fail(&p, *p.s == ')' ? "a closing parenthesis has no opening one" : "unexpected text");
	*why = root ? NULL : p.why ? p.why : "out of memory";
	return root;
}
