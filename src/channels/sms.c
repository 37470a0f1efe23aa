/* sms.c - SMS through a generic HTTP gateway: one request per message,
 * built from the configured URL template and, for POST, body template, in
 * which {to} (the number in E.164) and {text} are replaced - escaped for a
 * URL or form in the URL and in a form body, as JSON string content in a
 * body that starts with "{" (sent as application/json).  Credentials go
 * as HTTP basic auth or a bearer token.
 *
 * Gateways differ in everything but HTTP itself, so the answer is read by
 * its status alone: 2xx accepted (an "id" or "message_id" in a JSON
 * answer is kept as the provider's id), 408/429/5xx and network failures
 * retried, other refusals final.
 */
#include "internal.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, data, size * n);
	return size * n;
}

/* s escaped for a URL query or form body (RFC 3986 unreserved kept). */
static void add_urlenc(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			strbuf_add(sb, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			strbuf_add(sb, e, 3);
		}
	}
}

/* s as the content of a JSON string (no quotes). */
static void add_json_content(struct strbuf *sb, struct arena *a, const char *s)
{
	json_t *j = json_string(s);
	const char *q = j ? arena_json_dumps(a, j, JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	if (!q || strlen(q) < 2) {
		sb->failed = true;
		return;
	}
	strbuf_add(sb, q + 1, strlen(q) - 2);
}

/* The template with {to} and {text} filled, or NULL when out of memory. */
static const char *fill(struct arena *a, const char *tpl, const struct message *m, int json)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 256);
	for (const char *p = tpl; *p;) {
		const char *v = strncmp(p, "{to}", 4) == 0 ? m->address : strncmp(p, "{text}", 6) == 0 ? m->text : NULL;
		if (!v) {
			strbuf_add(&sb, p++, 1);
			continue;
		}
		if (json)
			add_json_content(&sb, a, v);
		else
			add_urlenc(&sb, v);
		p += v == m->address ? 4 : 6;
	}
	return sb.failed ? NULL : sb.buf;
}

enum send_result sms_send(const struct channels *ch, struct arena *a, const struct message *m,
			  char provider_id[DETAIL_MAX], char detail[DETAIL_MAX])
{
	const struct channels_config *cfg = &ch->cfg;
	int post = cfg->sms_post;
	int json = post && cfg->sms_body[0] == '{';
	const char *url = fill(a, cfg->sms_url, m, 0);
	const char *body = post ? fill(a, cfg->sms_body, m, json) : NULL;
	struct strbuf out;
	strbuf_init(&out, a, 512);
	CURL *curl = curl_easy_init();
	if (!url || (post && !body) || !curl) {
		curl_easy_cleanup(curl);
		snprintf(detail, DETAIL_MAX, "out of memory");
		return SEND_RETRY;
	}
	struct curl_slist *h = NULL;
	if (cfg->sms_token)
		h = curl_slist_append(h, arena_printf(a, "Authorization: Bearer %s", cfg->sms_token));
	if (post)
		h = curl_slist_append(h, json ? "Content-Type: application/json"
					      : "Content-Type: application/x-www-form-urlencoded");
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	if (cfg->sms_user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->sms_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->sms_password ? cfg->sms_password : "");
	}
	if (post)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->timeout_s);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	if (rc != CURLE_OK) {
		snprintf(detail, DETAIL_MAX, "sms gateway: %s", err[0] ? err : curl_easy_strerror(rc));
		return SEND_RETRY;
	}
	if (status >= 200 && status < 300) {
		json_t *ans = out.failed ? NULL : json_loadb(out.buf, out.len, 0, NULL);
		json_t *id = json_object_get(ans, "message_id");
		if (!id)
			id = json_object_get(ans, "id");
		if (json_is_string(id))
			snprintf(provider_id, DETAIL_MAX, "%s", json_string_value(id));
		else if (json_is_integer(id))
			snprintf(provider_id, DETAIL_MAX, "%lld", (long long)json_integer_value(id));
		json_decref(ans);
		return SEND_OK;
	}
	snprintf(detail, DETAIL_MAX, "sms gateway %ld: %.200s", status, out.failed ? "" : out.buf);
	return status == 408 || status == 429 || status >= 500 ? SEND_RETRY : SEND_FAILED;
}
