/* whatsapp.c - fuzz target: a call to the WhatsApp webhook.  The input's
 * first line is the X-Hub-Signature-256 header, the rest the raw body.
 * The signature check must say no to it (the fuzzer cannot forge an
 * HMAC) and yes to the body's true HMAC; then every message is read as
 * the webhook and the intake read it, and what they make of it must hold:
 * a sender with a key has someone to answer, a phone is E.164, and a text
 * is trimmed and still UTF-8. */
#include <ctype.h>
#include <sodium.h>

#include "fuzz.h"
#include "channels/intake.h"
#include "validate.h"

#define SECRET "app-secret-uji"

static void check_signatures(const char *header, const char *body, size_t len)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char good[7 + 2 * sizeof(mac) + 1] = "sha256=";
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(good + 7, sizeof(good) - 7, mac, sizeof(mac));
	crypto_auth_hmacsha256_state keyed;
	webhook_signature_key(&keyed, SECRET);
	if (!webhook_signature_good(&keyed, good, body, len))
		abort();
	if (strcmp(header, good) != 0 && webhook_signature_good(&keyed, header, body, len))
		abort();
}

static void check_message(struct arena *a, json_t *contacts, json_t *m)
{
	struct wa_sender who;
	struct said s;
	webhook_sender_of(a, contacts, m, &who);
	if (who.key && !who.send_to)
		abort();
	if (who.phone && who.phone[0] != '+')
		abort();
	intake_said_read(a, m, &s);
	if (!s.type)
		abort();
	if (s.text) {
		size_t n = strlen(s.text);
		if (n && (isspace((unsigned char)s.text[0]) || isspace((unsigned char)s.text[n - 1])))
			abort();
		if (!utf8_valid(s.text))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	if (!a || sodium_init() < 0)
		abort();
	const char *in = fuzz_string(a, data, size);
	const char *nl = memchr(in, '\n', size);
	const char *header = nl ? arena_strndup(a, in, (size_t)(nl - in)) : in;
	const char *body = nl ? nl + 1 : "";
	size_t len = nl ? size - (size_t)(nl - in) - 1 : 0;
	check_signatures(header, body, len);
	json_t *j = json_loadb(body, len, 0, NULL);
	size_t i, k, n;
	json_t *entry, *change, *m;
	json_array_foreach(json_object_get(j, "entry"), i, entry)
		json_array_foreach(json_object_get(entry, "changes"), k, change) {
			json_t *value = json_object_get(change, "value");
			json_array_foreach(json_object_get(value, "messages"), n, m)
				check_message(a, json_object_get(value, "contacts"), m);
		}
	json_decref(j);
	arena_free(a);
	return 0;
}
