/* proxy.c - the client's real address behind trusted reverse proxies:
 * the --trusted-proxies list, and X-Forwarded-For / RFC 7239 Forwarded
 * read from the right (see proxy.h for the rules).
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

struct cidr {
	struct ip_addr net;	/* host bits cleared */
	unsigned bits;		/* 0-128, IPv4 ranges counted from the mapped prefix (96 + N) */
};

struct trusted_proxies {
	size_t n;
	struct cidr v[];
};

/* ---- addresses ------------------------------------------------------------ */

static const unsigned char v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool is_v4_mapped(const struct ip_addr *a)
{
	return memcmp(a->b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

int ip_addr_parse(const char *text, size_t len, struct ip_addr *out)
{
	char buf[IP_ADDR_TEXT_MAX];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (memchr(buf, ':', len))
		return inet_pton(AF_INET6, buf, out->b) == 1 ? 0 : -1;
	memcpy(out->b, v4_mapped_prefix, sizeof(v4_mapped_prefix));
	return inet_pton(AF_INET, buf, out->b + 12) == 1 ? 0 : -1;
}

int ip_addr_from_sockaddr(const struct sockaddr *sa, struct ip_addr *out)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		memcpy(out->b, v4_mapped_prefix, sizeof(v4_mapped_prefix));
		memcpy(out->b + 12, &in->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(out->b, &in6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

void ip_addr_format(const struct ip_addr *a, char out[IP_ADDR_TEXT_MAX])
{
	const char *ok = is_v4_mapped(a) ? inet_ntop(AF_INET, a->b + 12, out, IP_ADDR_TEXT_MAX)
					 : inet_ntop(AF_INET6, a->b, out, IP_ADDR_TEXT_MAX);
	if (!ok)
		snprintf(out, IP_ADDR_TEXT_MAX, "?");
}

static bool in_range(const struct cidr *c, const struct ip_addr *a)
{
	unsigned whole = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->net.b, a->b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a->b[whole] & mask) == c->net.b[whole];
}

static void clear_host_bits(struct ip_addr *a, unsigned bits)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = bits > i * 8 ? bits - i * 8 : 0;
		if (keep < 8)
			a->b[i] &= (unsigned char)(0xff << (8 - keep));
	}
}

/* ---- the trusted list ------------------------------------------------------- */

static bool list_separator(char c)
{
	return c == ',' || isspace((unsigned char)c);
}

/* One entry, "ADDR" or "ADDR/N". */
static enum proxy_error parse_entry(const char *s, size_t len, struct cidr *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	if (ip_addr_parse(s, alen, &out->net) != 0)
		return PROXY_BAD_ADDRESS;
	bool v4 = memchr(s, ':', alen) == NULL;
	unsigned max = v4 ? 32 : 128, prefix = max;
	if (slash) {
		const char *p = slash + 1, *end = s + len;
		if (p == end || end - p > 3)
			return PROXY_BAD_PREFIX;
		prefix = 0;
		for (; p < end; p++) {
			if (!isdigit((unsigned char)*p))
				return PROXY_BAD_PREFIX;
			prefix = prefix * 10 + (unsigned)(*p - '0');
		}
		if (prefix > max)
			return PROXY_BAD_PREFIX;
	}
	out->bits = v4 ? 96 + prefix : prefix;
	clear_host_bits(&out->net, out->bits);
	return PROXY_OK;
}

enum proxy_error trusted_proxies_new(const char *list, struct trusted_proxies **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!list)
		list = "";
	size_t count = 0;
	for (const char *p = list; *p;) {
		while (*p && list_separator(*p))
			p++;
		if (*p)
			count++;
		while (*p && !list_separator(*p))
			p++;
	}
	struct trusted_proxies *tp = malloc(sizeof(*tp) + count * sizeof(tp->v[0]));
	if (!tp) {
		snprintf(err, errlen, "out of memory");
		return PROXY_NO_MEMORY;
	}
	tp->n = 0;
	for (const char *p = list; *p;) {
		while (*p && list_separator(*p))
			p++;
		const char *start = p;
		while (*p && !list_separator(*p))
			p++;
		if (p == start)
			continue;
		enum proxy_error e = parse_entry(start, (size_t)(p - start), &tp->v[tp->n]);
		if (e != PROXY_OK) {
			snprintf(err, errlen, e == PROXY_BAD_PREFIX
				 ? "'%.*s' has a bad prefix length (0-32 for IPv4, 0-128 for IPv6)"
				 : "'%.*s' is not an IPv4 or IPv6 address or CIDR range",
				 (int)(p - start), start);
			free(tp);
			return e;
		}
		tp->n++;
	}
	*out = tp;
	return PROXY_OK;
}

void trusted_proxies_free(struct trusted_proxies *tp)
{
	free(tp);
}

size_t trusted_proxies_count(const struct trusted_proxies *tp)
{
	return tp ? tp->n : 0;
}

bool trusted_proxies_contains(const struct trusted_proxies *tp, const struct ip_addr *a)
{
	for (size_t i = 0; tp && i < tp->n; i++)
		if (in_range(&tp->v[i], a))
			return true;
	return false;
}

/* ---- forwarded hops ---------------------------------------------------------- */

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *len)
{
	while (*len && ows(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && ows((*s)[*len - 1]))
		(*len)--;
}

/* The next comma-separated element of a header value, trimmed; a comma
 * inside a quoted string (Forwarded) does not end it, and an unterminated
 * quote runs to the end.  false when the value is used up. */
static bool next_element(const char **p, const char **elem, size_t *len)
{
	const char *s = *p;
	if (!*s)
		return false;
	const char *start = s;
	bool quoted = false;
	for (; *s && (quoted || *s != ','); s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (quoted && *s == '\\' && s[1])
			s++;
	}
	*elem = start;
	*len = (size_t)(s - start);
	*p = *s ? s + 1 : s;
	trim(elem, len);
	return true;
}

/* A port as X-Forwarded-For and RFC 7239 write it: digits, or an
 * obfuscated "_name". */
static bool valid_port(const char *s, size_t len)
{
	if (len > 1 && s[0] == '_') {
		for (size_t i = 1; i < len; i++)
			if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
				return false;
		return true;
	}
	if (len == 0 || len > 5)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535;
}

/* "192.0.2.7", "192.0.2.7:4711", "2001:db8::7", "[2001:db8::7]",
 * "[2001:db8::7]:4711".  Anything else - "unknown", "_hidden", a name,
 * garbage - is no address. */
static int parse_node(const char *s, size_t len, struct ip_addr *out)
{
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return -1;
		size_t rest = len - (size_t)(close + 1 - s);
		if (rest && (close[1] != ':' || !valid_port(close + 2, rest - 1)))
			return -1;
		return ip_addr_parse(s + 1, (size_t)(close - s - 1), out);
	}
	const char *colon = memchr(s, ':', len);
	/* One colon is IPv4 with a port; more is a bare IPv6 address, which
	 * cannot carry one. */
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon + 1 - s))) {
		if (!valid_port(colon + 1, len - (size_t)(colon + 1 - s)))
			return -1;
		len = (size_t)(colon - s);
	}
	return ip_addr_parse(s, len, out);
}

static bool token_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The for= of one Forwarded element (for=...;proto=...;by=...), unquoted
 * and parsed.  false when the element names no address: no for=, two of
 * them, "unknown", an obfuscated identifier, or a syntax error. */
static bool forwarded_for(const char *s, size_t len, struct ip_addr *out)
{
	const char *end = s + len;
	bool seen = false, found = false;
	while (s < end) {
		while (s < end && ows(*s))
			s++;
		if (s < end && *s == ';') {
			s++;
			continue;
		}
		const char *name = s;
		while (s < end && token_char(*s))
			s++;
		size_t nlen = (size_t)(s - name);
		if (nlen == 0 || s == end || *s != '=')
			return false;
		s++;
		char value[IP_ADDR_TEXT_MAX + 16];
		size_t vlen = 0;
		bool too_long = false;
		if (s < end && *s == '"') {
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				if (vlen < sizeof(value))
					value[vlen++] = *s;
				else
					too_long = true;
			}
			if (s == end)
				return false;
			s++;
		} else {
			/* Lenient: RFC 7239 wants IPv6 and ports quoted, but a
			 * bare [2001:db8::7]:4711 is no less clear. */
			for (; s < end && *s != ';' && !ows(*s); s++) {
				if (vlen < sizeof(value))
					value[vlen++] = *s;
				else
					too_long = true;
			}
		}
		while (s < end && ows(*s))
			s++;
		if (s < end && *s != ';')
			return false;
		if (nlen == 3 && strncasecmp(name, "for", 3) == 0) {
			if (seen)
				return false;
			seen = true;
			found = !too_long && parse_node(value, vlen, out) == 0;
		}
	}
	return found;
}

/* The hops read left to right (client first), keeping just enough to
 * answer as if they had been read from the right. */
struct walk {
	const struct trusted_proxies *tp;
	bool other;			/* a hop that is not a trusted proxy was seen */
	bool other_known;		/* ... and the last such hop named an address */
	struct ip_addr other_addr;
	bool run;			/* trusted hops follow the last other one */
	struct ip_addr run_first;	/* the left-most of them */
};

static void walk_hop(struct walk *w, const struct ip_addr *a)
{
	if (a && trusted_proxies_contains(w->tp, a)) {
		if (!w->run) {
			w->run = true;
			w->run_first = *a;
		}
		return;
	}
	w->other = true;
	w->other_known = a != NULL;
	if (a)
		w->other_addr = *a;
	w->run = false;
}

bool proxy_client(const struct trusted_proxies *tp, const struct ip_addr *peer, const char *x_forwarded_for,
		  const char *forwarded, struct ip_addr *client)
{
	*client = *peer;
	if (!trusted_proxies_contains(tp, peer))
		return false;
	struct walk w = { .tp = tp };
	const char *p = x_forwarded_for ? x_forwarded_for : forwarded ? forwarded : "", *elem;
	size_t len;
	while (next_element(&p, &elem, &len)) {
		if (len == 0)
			continue;
		struct ip_addr a;
		bool named = x_forwarded_for ? parse_node(elem, len, &a) == 0 : forwarded_for(elem, len, &a);
		walk_hop(&w, named ? &a : NULL);
	}
	if (w.other && w.other_known)
		*client = w.other_addr;
	else if (w.run)
		*client = w.run_first;
	return true;
}

bool proxy_https(const char *x_forwarded_proto)
{
	if (!x_forwarded_proto)
		return false;
	const char *last = strrchr(x_forwarded_proto, ',');
	const char *s = last ? last + 1 : x_forwarded_proto;
	size_t len = strlen(s);
	trim(&s, &len);
	return len == 5 && strncasecmp(s, "https", 5) == 0;
}
