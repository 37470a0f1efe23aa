/* proxy_test.c - the trusted-proxy list and the client's address from
 * X-Forwarded-For / Forwarded (src/core/proxy.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy.h"

/* Our proxies in these tests: loopback, an internal /8 and an IPv6 /64. */
#define OURS "127.0.0.1, 10.0.0.0/8  fd00:1:2:3::/64"

static struct trusted_proxies *ours(void)
{
	struct trusted_proxies *tp;
	char err[128];
	assert_int_equal(trusted_proxies_new(OURS, &tp, err, sizeof(err)), PROXY_OK);
	assert_int_equal(trusted_proxies_count(tp), 3);
	return tp;
}

static struct ip_addr addr(const char *text)
{
	struct ip_addr a;
	assert_int_equal(ip_addr_parse(text, strlen(text), &a), 0);
	return a;
}

static bool trusted(const struct trusted_proxies *tp, const char *text)
{
	struct ip_addr a = addr(text);
	return trusted_proxies_contains(tp, &a);
}

/* The client's address as text for a request from peer with these headers. */
static const char *client(const struct trusted_proxies *tp, const char *peer, const char *xff, const char *fwd)
{
	static char text[IP_ADDR_TEXT_MAX];
	struct ip_addr p = addr(peer), c;
	proxy_client(tp, &p, xff, fwd, &c);
	ip_addr_format(&c, text);
	return text;
}

static void test_list_parses_addresses_and_ranges(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	assert_true(trusted(tp, "127.0.0.1"));
	assert_false(trusted(tp, "127.0.0.2"));
	assert_true(trusted(tp, "10.0.0.0"));
	assert_true(trusted(tp, "10.255.255.255"));
	assert_false(trusted(tp, "11.0.0.1"));
	assert_false(trusted(tp, "9.255.255.255"));
	assert_true(trusted(tp, "fd00:1:2:3::1"));
	assert_true(trusted(tp, "FD00:1:2:3:ffff:ffff:ffff:ffff"));
	assert_false(trusted(tp, "fd00:1:2:4::1"));
	assert_false(trusted(tp, "::1"));
	/* A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d. */
	assert_true(trusted(tp, "::ffff:10.1.2.3"));
	assert_true(trusted(tp, "::ffff:127.0.0.1"));
	/* ... but an IPv4 range is not the IPv6 space that shares its bits. */
	assert_false(trusted(tp, "::10.1.2.3"));
	trusted_proxies_free(tp);
}

static void test_list_prefixes_and_host_bits(void **state)
{
	(void)state;
	struct trusted_proxies *tp;
	char err[128];
	/* Host bits beyond the prefix are ignored; /0 is everything of a
	 * family; separators are commas, spaces, tabs, newlines. */
	assert_int_equal(trusted_proxies_new("192.168.7.9/23\t0.0.0.0/0,\n::1/128", &tp, err, sizeof(err)), PROXY_OK);
	assert_int_equal(trusted_proxies_count(tp), 3);
	assert_true(trusted(tp, "8.8.8.8"));
	assert_true(trusted(tp, "::1"));
	assert_false(trusted(tp, "::2"));
	assert_false(trusted(tp, "2001:db8::1"));
	trusted_proxies_free(tp);

	assert_int_equal(trusted_proxies_new("172.16.0.0/12", &tp, err, sizeof(err)), PROXY_OK);
	assert_true(trusted(tp, "172.31.255.255"));
	assert_false(trusted(tp, "172.32.0.0"));
	assert_false(trusted(tp, "172.15.255.255"));
	trusted_proxies_free(tp);

	assert_int_equal(trusted_proxies_new("2001:db8:ab00::/40", &tp, err, sizeof(err)), PROXY_OK);
	assert_true(trusted(tp, "2001:db8:abff::1"));
	assert_false(trusted(tp, "2001:db8:ac00::1"));
	trusted_proxies_free(tp);
}

static void test_list_empty_trusts_no_one(void **state)
{
	(void)state;
	struct trusted_proxies *tp;
	char err[128];
	assert_int_equal(trusted_proxies_new(" , ", &tp, err, sizeof(err)), PROXY_OK);
	assert_int_equal(trusted_proxies_count(tp), 0);
	assert_false(trusted(tp, "127.0.0.1"));
	trusted_proxies_free(tp);
	assert_int_equal(trusted_proxies_new(NULL, &tp, err, sizeof(err)), PROXY_OK);
	assert_int_equal(trusted_proxies_count(tp), 0);
	trusted_proxies_free(tp);
	/* A NULL list object trusts no one either. */
	assert_false(trusted(NULL, "127.0.0.1"));
	assert_int_equal(trusted_proxies_count(NULL), 0);
}

static void test_list_errors_name_the_entry(void **state)
{
	(void)state;
	static const struct {
		const char *list;
		enum proxy_error want;
		const char *named;
	} bad[] = {
		{ "127.0.0.1, localhost", PROXY_BAD_ADDRESS, "'localhost'" },
		{ "10.0.0.0/33", PROXY_BAD_PREFIX, "'10.0.0.0/33'" },
		{ "::/129", PROXY_BAD_PREFIX, "'::/129'" },
		{ "10.0.0.0/", PROXY_BAD_PREFIX, "'10.0.0.0/'" },
		{ "10.0.0.0/8a", PROXY_BAD_PREFIX, "'10.0.0.0/8a'" },
		{ "10.0.0.0/-1", PROXY_BAD_PREFIX, "'10.0.0.0/-1'" },
		{ "10.0.0.0/0008", PROXY_BAD_PREFIX, "'10.0.0.0/0008'" },
		{ "256.0.0.1", PROXY_BAD_ADDRESS, "'256.0.0.1'" },
		{ "10.0.0", PROXY_BAD_ADDRESS, "'10.0.0'" },
		{ "[::1]", PROXY_BAD_ADDRESS, "'[::1]'" },
		{ "fe80::1%eth0", PROXY_BAD_ADDRESS, "'fe80::1%eth0'" },
		{ "10.0.0.1:8080", PROXY_BAD_ADDRESS, "'10.0.0.1:8080'" },
		{ "/8", PROXY_BAD_ADDRESS, "'/8'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct trusted_proxies *tp = (struct trusted_proxies *)1;
		char err[128] = "";
		assert_int_equal(trusted_proxies_new(bad[i].list, &tp, err, sizeof(err)), bad[i].want);
		assert_null(tp);
		assert_non_null(strstr(err, bad[i].named));
	}
}

static void test_addresses_format_one_way(void **state)
{
	(void)state;
	char text[IP_ADDR_TEXT_MAX];
	struct ip_addr a = addr("::FFFF:192.0.2.7");
	ip_addr_format(&a, text);
	assert_string_equal(text, "192.0.2.7");
	a = addr("2001:DB8:0:0:0:0:0:1");
	ip_addr_format(&a, text);
	assert_string_equal(text, "2001:db8::1");
	a = addr("192.0.2.7");
	ip_addr_format(&a, text);
	assert_string_equal(text, "192.0.2.7");

	struct ip_addr b;
	assert_int_equal(ip_addr_parse("", 0, &b), -1);
	assert_int_equal(ip_addr_parse("01.2.3.4", 8, &b), -1);
	assert_int_equal(ip_addr_parse("1.2.3.4 ", 8, &b), -1);

	/* Socket addresses of both families land on the same 16 bytes. */
	struct sockaddr_in in = { .sin_family = AF_INET };
	inet_pton(AF_INET, "192.0.2.7", &in.sin_addr);
	assert_int_equal(ip_addr_from_sockaddr((struct sockaddr *)&in, &b), 0);
	assert_memory_equal(b.b, addr("::ffff:192.0.2.7").b, 16);
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	inet_pton(AF_INET6, "2001:db8::7", &in6.sin6_addr);
	assert_int_equal(ip_addr_from_sockaddr((struct sockaddr *)&in6, &b), 0);
	assert_memory_equal(b.b, addr("2001:db8::7").b, 16);
	struct sockaddr un = { .sa_family = AF_UNIX };
	assert_int_equal(ip_addr_from_sockaddr(&un, &b), -1);
}

static void test_untrusted_peer_is_the_client(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	struct ip_addr peer = addr("198.51.100.9"), c;
	assert_false(proxy_client(tp, &peer, "203.0.113.1", NULL, &c));
	assert_memory_equal(c.b, peer.b, 16);
	assert_false(proxy_client(tp, &peer, NULL, "for=203.0.113.1", &c));
	assert_memory_equal(c.b, peer.b, 16);
	/* No list at all: nobody is trusted. */
	assert_false(proxy_client(NULL, &peer, "203.0.113.1", NULL, &c));
	assert_string_equal(client(NULL, "127.0.0.1", "203.0.113.1", NULL), "127.0.0.1");
	trusted_proxies_free(tp);
}

static void test_x_forwarded_for_right_most_untrusted(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	struct ip_addr peer = addr("127.0.0.1"), c;
	assert_true(proxy_client(tp, &peer, "203.0.113.1", NULL, &c));
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1", NULL), "203.0.113.1");
	/* A client's forged left-most entries change nothing. */
	assert_string_equal(client(tp, "127.0.0.1", "1.1.1.1, 2.2.2.2, 203.0.113.1", NULL), "203.0.113.1");
	/* Through a chain of our own proxies. */
	assert_string_equal(client(tp, "127.0.0.1", "1.1.1.1, 203.0.113.1, 10.0.0.5, 10.9.9.9", NULL),
			    "203.0.113.1");
	assert_string_equal(client(tp, "::ffff:10.1.1.1", "203.0.113.1,fd00:1:2:3::9", NULL), "203.0.113.1");
	/* A forged trusted address on the left is just skipped past. */
	assert_string_equal(client(tp, "127.0.0.1", "10.0.0.1, 203.0.113.1", NULL), "203.0.113.1");
	/* Every hop ours (a health check from inside): the left-most. */
	assert_string_equal(client(tp, "127.0.0.1", "10.0.0.7, 10.0.0.5", NULL), "10.0.0.7");
	/* Empty header or empty elements: skipped; nothing left = the peer. */
	assert_string_equal(client(tp, "127.0.0.1", "", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", " , ,", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1,, ,10.0.0.5,", NULL), "203.0.113.1");
	/* IPv6, one text per client whatever the spelling. */
	assert_string_equal(client(tp, "127.0.0.1", "2001:DB8:0::7", NULL), "2001:db8::7");
	assert_string_equal(client(tp, "127.0.0.1", "::ffff:203.0.113.1", NULL), "203.0.113.1");
	trusted_proxies_free(tp);
}

static void test_x_forwarded_for_ports_and_brackets(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1:4711", NULL), "203.0.113.1");
	assert_string_equal(client(tp, "127.0.0.1", "[2001:db8::7]:443", NULL), "2001:db8::7");
	assert_string_equal(client(tp, "127.0.0.1", "[2001:db8::7]", NULL), "2001:db8::7");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, 10.0.0.5:80", NULL), "203.0.113.1");
	/* Bad ports make the hop malformed (see below). */
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1:99999", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1:", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "[2001:db8::7]x", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "[2001:db8::7", NULL), "127.0.0.1");
	trusted_proxies_free(tp);
}

/* A hop that names no address stops the walk: what lies to its left
 * nobody we trust vouches for.  The client is the trusted hop right of
 * it - the proxy that could not say who its client was. */
static void test_x_forwarded_for_unknown_and_malformed_stop(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	assert_string_equal(client(tp, "127.0.0.1", "unknown", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, unknown", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, unknown, 10.0.0.5", NULL), "10.0.0.5");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, _hidden, 10.0.0.5, 10.0.0.6", NULL), "10.0.0.5");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, not-an-ip", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, 300.1.1.1", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1, fe80::1%eth0", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1 198.51.100.1", NULL), "127.0.0.1");
	/* Garbage left of a good hop is never reached. */
	assert_string_equal(client(tp, "127.0.0.1", "garbage, unknown, \"x, 203.0.113.1", NULL), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", "garbage, unknown, 203.0.113.1", NULL), "203.0.113.1");
	trusted_proxies_free(tp);
}

static void test_forwarded_for(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1"), "203.0.113.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "For=\"203.0.113.1\";proto=https;by=10.0.0.5"),
			    "203.0.113.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "proto=http; for=203.0.113.1 ; host=example.org"),
			    "203.0.113.1");
	/* RFC 7239's examples: quoted IPv6 with and without a port. */
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"[2001:db8:cafe::17]:4711\""), "2001:db8:cafe::17");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"[2001:db8:cafe::17]\""), "2001:db8:cafe::17");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=192.0.2.60;proto=http;by=203.0.113.43"), "192.0.2.60");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"192.0.2.43:_abc\""), "192.0.2.43");
	/* Lenient: unquoted brackets and ports. */
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=[2001:db8::7]:443"), "2001:db8::7");
	/* Right-most untrusted, forged left-most ignored, a chain of ours. */
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=1.1.1.1, for=203.0.113.1, for=10.0.0.5"),
			    "203.0.113.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL,
				   "for=1.1.1.1;by=\"x, for=9.9.9.9\", for=203.0.113.1;by=\"a;b,c\""),
			    "203.0.113.1");
	/* Escapes inside a quoted string. */
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"\\2\\03.0.113.1\""), "203.0.113.1");
	/* Elements with no address stop the walk, as in X-Forwarded-For. */
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, for=unknown"), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, for=_hidden, for=10.0.0.5"), "10.0.0.5");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"_gazonk\""), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, proto=https"), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, for=1.1.1.1;for=2.2.2.2"), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, for"), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, for=\"1.1.1.1"), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=203.0.113.1, for=1.1.1.1 x"), "127.0.0.1");
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"2001:db8::7\""), "2001:db8::7");
	/* An over-long value is no address. */
	assert_string_equal(client(tp, "127.0.0.1", NULL,
				   "for=\"[2001:0db8:0000:0000:0000:0000:0000:0007]:4711_and_then_some_more\""),
			    "127.0.0.1");
	/* Malformed on the left, sound on the right: the right decides. */
	assert_string_equal(client(tp, "127.0.0.1", NULL, "for=\"x;y\"junk, ;;, for=203.0.113.1"), "203.0.113.1");
	trusted_proxies_free(tp);
}

static void test_x_forwarded_for_wins_over_forwarded(void **state)
{
	(void)state;
	struct trusted_proxies *tp = ours();
	/* The documented nginx sets X-Forwarded-For and passes a client's
	 * Forwarded through untouched: that one must not count. */
	assert_string_equal(client(tp, "127.0.0.1", "203.0.113.1", "for=6.6.6.6"), "203.0.113.1");
	assert_string_equal(client(tp, "127.0.0.1", "", "for=6.6.6.6"), "127.0.0.1");
	trusted_proxies_free(tp);
}

static void test_forwarded_proto(void **state)
{
	(void)state;
	assert_true(proxy_https("https"));
	assert_true(proxy_https(" HTTPS "));
	assert_true(proxy_https("http, https"));
	assert_false(proxy_https("https, http"));
	assert_false(proxy_https("http"));
	assert_false(proxy_https("httpsx"));
	assert_false(proxy_https(""));
	assert_false(proxy_https(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_parses_addresses_and_ranges),
		cmocka_unit_test(test_list_prefixes_and_host_bits),
		cmocka_unit_test(test_list_empty_trusts_no_one),
		cmocka_unit_test(test_list_errors_name_the_entry),
		cmocka_unit_test(test_addresses_format_one_way),
		cmocka_unit_test(test_untrusted_peer_is_the_client),
		cmocka_unit_test(test_x_forwarded_for_right_most_untrusted),
		cmocka_unit_test(test_x_forwarded_for_ports_and_brackets),
		cmocka_unit_test(test_x_forwarded_for_unknown_and_malformed_stop),
		cmocka_unit_test(test_forwarded_for),
		cmocka_unit_test(test_x_forwarded_for_wins_over_forwarded),
		cmocka_unit_test(test_forwarded_proto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
