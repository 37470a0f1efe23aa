/* proxy.h - the client's real address behind trusted reverse proxies.
 *
 * Behind nginx every socket peer is the proxy, so the server would see one
 * client for the whole regency.  --trusted-proxies lists the addresses and
 * CIDR ranges of our own proxies; only a request whose peer is one of them
 * has its X-Forwarded-For (or RFC 7239 Forwarded: for=) and
 * X-Forwarded-Proto believed.  The client is then the right-most forwarded
 * address that is not itself a trusted proxy: everything to the right of it
 * was written by proxies we trust, everything to its left by the client,
 * who may write anything.
 *
 * Addresses are kept as 16 bytes with IPv4 in its IPv4-mapped IPv6 form
 * (::ffff:a.b.c.d), so one comparison serves both families and a
 * dual-stack socket's ::ffff:a.b.c.d peer matches an IPv4 entry.
 */
#ifndef PENDOPO_PROXY_H
#define PENDOPO_PROXY_H

#include <stdbool.h>
#include <stddef.h>

struct sockaddr;

struct ip_addr {
	unsigned char b[16];
};

/* Longest text ip_addr_format() writes, with its NUL (INET6_ADDRSTRLEN). */
#define IP_ADDR_TEXT_MAX 46

enum proxy_error {
	PROXY_OK = 0,
	PROXY_BAD_ADDRESS,	/* an entry that is not an IPv4 or IPv6 address */
	PROXY_BAD_PREFIX,	/* "/N" not a number within 0-32 (IPv4) or 0-128 (IPv6) */
	PROXY_NO_MEMORY,
};

/* A bare address, IPv4 ("192.0.2.7") or IPv6 ("2001:db8::7",
 * "::ffff:192.0.2.7"), len bytes of text; no port, brackets or zone.
 * 0, or -1 when text is not one. */
int ip_addr_parse(const char *text, size_t len, struct ip_addr *out);
/* An AF_INET or AF_INET6 socket address; -1 for any other family. */
int ip_addr_from_sockaddr(const struct sockaddr *sa, struct ip_addr *out);
/* IPv4 and IPv4-mapped addresses as dotted quads, others in the RFC 5952
 * form, so one client is one text whichever way it reached us. */
void ip_addr_format(const struct ip_addr *a, char out[IP_ADDR_TEXT_MAX]);

struct trusted_proxies;

/* Parses a list of addresses and CIDR ranges separated by commas and/or
 * white space ("127.0.0.1, 10.0.0.0/8 ::1 fd00::/8"); an empty list
 * trusts no one.  Host bits beyond a prefix are ignored (10.1.2.3/8 is
 * 10.0.0.0/8).  On an error *out is NULL and err names the entry. */
enum proxy_error trusted_proxies_new(const char *list, struct trusted_proxies **out, char *err, size_t errlen);
void trusted_proxies_free(struct trusted_proxies *tp);
size_t trusted_proxies_count(const struct trusted_proxies *tp);
/* tp may be NULL (nothing trusted). */
bool trusted_proxies_contains(const struct trusted_proxies *tp, const struct ip_addr *a);

/* Where a request from peer came from.  x_forwarded_for and forwarded are
 * the header values (several lines of one header joined with ","), or
 * NULL when absent; X-Forwarded-For is read when present, Forwarded
 * otherwise, never both: the documented nginx sets X-Forwarded-For, so a
 * Forwarded header beside it may be the client's own.
 *
 * Returns false with *client = *peer when the peer is not trusted: its
 * headers are ignored.  Returns true when it is (X-Forwarded-Proto may
 * then be believed too), with *client the right-most hop that is not a
 * trusted proxy.  Walking from the right, the walk stops at a hop that
 * names no address - "unknown", an obfuscated "_identifier", a Forwarded
 * element without for=, anything malformed - because nobody we trust
 * vouches for what lies to its left; the client is then the trusted hop
 * just right of it (the proxy that could not say, or the peer).  Ports
 * ("192.0.2.7:4711", "[2001:db8::7]:443", RFC 7239 "_port" too) and
 * brackets are accepted and dropped; empty list elements are skipped.
 * When every hop is trusted, the left-most is the client. */
bool proxy_client(const struct trusted_proxies *tp, const struct ip_addr *peer, const char *x_forwarded_for,
		  const char *forwarded, struct ip_addr *client);

/* X-Forwarded-Proto (from a trusted peer only) says HTTPS: its right-most
 * element, the one our proxy wrote, is "https" in any case. */
bool proxy_https(const char *x_forwarded_proto);

#endif
