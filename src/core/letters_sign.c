/* letters_sign.c - a letter's canonical content and its Ed25519 signature:
 * key files, key ids, signing and checking.
 *
 * Key files are base64 text: the private file holds the 32-byte seed
 * (mode 0600, refused when others may read it), NAME.pub the public key.
 * A key id is the hex of the first 8 bytes of SHA-256(public key), carried
 * beside every signature, so a letter names the key to check it with and
 * earlier keys stay loadable after a rotation.
 */
#include "letters.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "strbuf.h"

#define KEYS_MAX 32
/* Signatures found valid, remembered by a hash of the exact bytes checked
 * (key id, signature, text): the verification page is read far more often
 * than letters change, and an Ed25519 check costs more than the rest of its
 * answer.  Any changed byte misses and is checked afresh. */
#define VERIFIED_SLOTS 4096
#define VERIFIED_HASH 16

struct letter_key {
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char id[LETTER_KEY_ID_LEN + 1];
};

struct letter_keys {
	int can_sign;			/* keys[0] is the signing key's */
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	struct letter_key keys[KEYS_MAX];
	size_t n;
	pthread_mutex_t lock;		/* guards verified */
	unsigned char verified[VERIFIED_SLOTS][VERIFIED_HASH];
};

static void key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char out[LETTER_KEY_ID_LEN + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
	sodium_bin2hex(out, LETTER_KEY_ID_LEN + 1, h, LETTER_KEY_ID_LEN / 2);
}

/* The base64 text of a key file decoded into exactly n bytes.  1 when the
 * file does not exist, -1 (with why) when it is not such a key. */
static int read_b64_file(const char *path, unsigned char *out, size_t n, struct stat *st, char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	char text[256];
	ssize_t got = fstat(fd, st) == 0 ? read(fd, text, sizeof(text) - 1) : -1;
	close(fd);
	size_t bin_len = 0;
	if (got <= 0 || (text[got] = '\0', sodium_base642bin(out, n, text, (size_t)got, " \r\n\t", &bin_len, NULL,
							      sodium_base64_VARIANT_ORIGINAL) != 0) ||
	    bin_len != n) {
		sodium_memzero(text, sizeof(text));
		snprintf(why, len, "%s: not a letters key (base64 of %zu bytes expected)", path, n);
		return -1;
	}
	sodium_memzero(text, sizeof(text));
	return 0;
}

static int add_public(struct letter_keys *k, const unsigned char *pk)
{
	for (size_t i = 0; i < k->n; i++)
		if (memcmp(k->keys[i].pk, pk, crypto_sign_PUBLICKEYBYTES) == 0)
			return 0;
	if (k->n == KEYS_MAX)
		return -1;
	memcpy(k->keys[k->n].pk, pk, crypto_sign_PUBLICKEYBYTES);
	key_id(pk, k->keys[k->n].id);
	k->n++;
	return 0;
}

struct letter_keys *letter_keys_load(const char *private_path, const char *public_paths, char *why, size_t len)
{
	struct letter_keys *k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&k->lock, NULL);
	struct stat st;
	if (private_path && *private_path) {
		unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
		int rc = read_b64_file(private_path, seed, sizeof(seed), &st, why, len);
		if (rc < 0)
			goto fail;
		if (rc == 0 && (st.st_mode & 077)) {
			sodium_memzero(seed, sizeof(seed));
			snprintf(why, len, "%s: the private key may be read by others (mode %03o); chmod 600 it",
				 private_path, (unsigned)(st.st_mode & 0777));
			goto fail;
		}
		if (rc == 0) {
			crypto_sign_seed_keypair(pk, k->sk, seed);
			sodium_memzero(seed, sizeof(seed));
			k->can_sign = 1;
			add_public(k, pk);
		} else {
			/* A machine that only checks letters holds the .pub alone. */
			char pub[4096];
			snprintf(pub, sizeof(pub), "%s.pub", private_path);
			int found = read_b64_file(pub, pk, sizeof(pk), &st, why, len);
			if (found < 0)
				goto fail;
			if (found == 0)
				add_public(k, pk);
		}
	}
	for (const char *p = public_paths; p && *p;) {
		size_t n = strcspn(p, ",");
		char path[4096];
		const char *s = p;
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
		if (!n)
			continue;
		snprintf(path, sizeof(path), "%.*s", (int)n, s);
		unsigned char pk[crypto_sign_PUBLICKEYBYTES];
		int rc = read_b64_file(path, pk, sizeof(pk), &st, why, len);
		if (rc == 1)
			snprintf(why, len, "%s: no such public key file", path);
		if (rc != 0)
			goto fail;
		if (add_public(k, pk) != 0) {
			snprintf(why, len, "more than %d keys", KEYS_MAX);
			goto fail;
		}
	}
	return k;
fail:
	letter_keys_free(k);
	return NULL;
}

void letter_keys_free(struct letter_keys *k)
{
	if (!k)
		return;
	sodium_memzero(k->sk, sizeof(k->sk));
	pthread_mutex_destroy(&k->lock);
	free(k);
}

const char *letter_keys_signing_id(const struct letter_keys *k)
{
	return k && k->can_sign ? k->keys[0].id : NULL;
}

json_t *letter_keys_json(const struct letter_keys *k)
{
	json_t *list = json_array();
	for (size_t i = 0; k && i < k->n; i++) {
		char b64[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof(b64), k->keys[i].pk, crypto_sign_PUBLICKEYBYTES,
				  sodium_base64_VARIANT_ORIGINAL);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b}", "key_id", k->keys[i].id, "algorithm",
						      "Ed25519", "public_key", b64, "current",
						      i == 0 && k->can_sign));
	}
	return list;
}

/* Writes text to a new file of the given mode, refusing to replace one. */
static int write_new(const char *path, const char *text, mode_t mode, char *why, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", path, errno == EEXIST ? "exists already; keys are never overwritten"
								     : strerror(errno));
		return -1;
	}
	size_t n = strlen(text);
	int ok = write(fd, text, n) == (ssize_t)n && fchmod(fd, mode) == 0 && fsync(fd) == 0;
	if (close(fd) != 0 || !ok) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int letter_keygen(const char *path, char id_out[LETTER_KEY_ID_LEN + 1], char *why, size_t len)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char seed64[sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
	char pk64[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
	char pub_path[4096];
	snprintf(pub_path, sizeof(pub_path), "%s.pub", path);
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_bin2base64(seed64, sizeof(seed64), seed, sizeof(seed), sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(pk64, sizeof(pk64), pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
	strcat(seed64, "\n");
	strcat(pk64, "\n");
	int rc = -1;
	if (access(pub_path, F_OK) == 0)
		snprintf(why, len, "%s: exists already; keys are never overwritten", pub_path);
	else if (write_new(path, seed64, 0600, why, len) == 0) {
		if (write_new(pub_path, pk64, 0644, why, len) == 0)
			rc = 0;
		else
			unlink(path);
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(seed64, sizeof(seed64));
	key_id(pk, id_out);
	return rc;
}

char *letter_canonical(struct arena *a, const json_t *content)
{
	return arena_json_dumps(a, content, JSON_SORT_KEYS | JSON_COMPACT);
}

int letter_sign(struct arena *a, const struct letter_keys *k, const json_t *content, const char **signature,
		const char **key_id_out)
{
	if (!k || !k->can_sign)
		return LETTERS_NO_KEY;
	return letter_sign_text(a, k, letter_canonical(a, content), signature, key_id_out);
}

int letter_sign_text(struct arena *a, const struct letter_keys *k, const char *text, const char **signature,
		     const char **key_id_out)
{
	if (!k || !k->can_sign)
		return LETTERS_NO_KEY;
	size_t b64_len = sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(a, b64_len);
	if (!text || !b64)
		return LETTERS_INVALID;
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), k->sk);
	sodium_bin2base64(b64, b64_len, sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	*signature = b64;
	*key_id_out = k->keys[0].id;
	return LETTERS_OK;
}

enum letter_check letter_verify_text(struct letter_keys *k, const char *text, const char *signature,
				     const char *key_id_in)
{
	const struct letter_key *key = NULL;
	for (size_t i = 0; k && key_id_in && i < k->n; i++)
		if (strcmp(k->keys[i].id, key_id_in) == 0)
			key = &k->keys[i];
	if (!key)
		return LETTER_CHECK_UNKNOWN_KEY;
	unsigned char sig[crypto_sign_BYTES];
	size_t sig_len = 0;
	if (!signature || !text ||
	    sodium_base642bin(sig, sizeof(sig), signature, strlen(signature), NULL, &sig_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || sig_len != sizeof(sig))
		return LETTER_CHECK_CHANGED;
	unsigned char h[VERIFIED_HASH];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, key->pk, sizeof(key->pk));
	crypto_generichash_update(&st, sig, sizeof(sig));
	crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
	crypto_generichash_final(&st, h, sizeof(h));
	size_t slot = (size_t)(h[0] | h[1] << 8 | h[2] << 16) % VERIFIED_SLOTS;
	pthread_mutex_lock(&k->lock);
	int known = memcmp(k->verified[slot], h, sizeof(h)) == 0;
	pthread_mutex_unlock(&k->lock);
	if (known)
		return LETTER_CHECK_VALID;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), key->pk) != 0)
		return LETTER_CHECK_CHANGED;
	pthread_mutex_lock(&k->lock);
	memcpy(k->verified[slot], h, sizeof(h));
	pthread_mutex_unlock(&k->lock);
	return LETTER_CHECK_VALID;
}

enum letter_check letter_verify(struct letter_keys *k, const json_t *content, const char *signature,
				const char *key_id_in)
{
	if (!json_is_object(content))
		return LETTER_CHECK_CHANGED;
	char *text = json_dumps(content, JSON_SORT_KEYS | JSON_COMPACT);
	enum letter_check c = text ? letter_verify_text(k, text, signature, key_id_in) : LETTER_CHECK_CHANGED;
	free(text);
	return c;
}

const char *letter_check_name(enum letter_check c)
{
	return c == LETTER_CHECK_VALID ? "valid" : c == LETTER_CHECK_CHANGED ? "changed" : "unknown_key";
}

int letter_payload_parse(const json_t *payload, const json_t **content, const char **signature,
			 const char **key_id_out, const char **why)
{
	const json_t *c = json_object_get(payload, "content");
	const json_t *s = json_object_get(payload, "signature");
	const json_t *id = json_object_get(payload, "key_id");
	if (!json_is_object(payload) || !json_is_object(c) || !json_is_string(s) || !json_is_string(id)) {
		*why = "a payload is an object {content: object, signature: string, key_id: string}";
		return LETTERS_INVALID;
	}
	*content = c;
	*signature = json_string_value(s);
	*key_id_out = json_string_value(id);
	return LETTERS_OK;
}
