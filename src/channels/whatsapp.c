/* whatsapp.c - the WhatsApp Business Cloud API, outbound: free text (or an
 * interactive list) inside the 24-hour window, the configured template
 * outside it.
 *
 * POST {base}/{version}/{phone-number-id}/messages with the bearer token.
 * The delivery's idempotency key rides along as biz_opaque_callback_data,
 * which WhatsApp hands back in status webhooks.  Error 131047 means the
 * window is closed (the worker then sends the template); rate limits,
 * 5xx and network failures are retried, other refusals are final.
 */
#include "internal.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

#define WA_WINDOW_CLOSED 131047
#define WA_RATE_LIMITS(code) ((code) == 4 || (code) == 80007 || (code) == 130429 || (code) == 131056)

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, data, size * n);
	return size * n;
}

int whatsapp_http(const struct channels *ch, struct arena *a, const char *url, const char *json_body, long *status,
		  struct strbuf *out, char detail[DETAIL_MAX])
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(detail, DETAIL_MAX, "out of memory");
		return -1;
	}
	struct curl_slist *h = curl_slist_append(NULL, arena_printf(a, "Authorization: Bearer %s", ch->cfg.wa_token));
	if (json_body)
		h = curl_slist_append(h, "Content-Type: application/json");
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	if (json_body)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)ch->cfg.timeout_s);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	if (rc != CURLE_OK) {
		snprintf(detail, DETAIL_MAX, "%s", err[0] ? err : curl_easy_strerror(rc));
		return -1;
	}
	return out->failed ? -1 : 0;
}

static json_t *message_body(const struct channels *ch, const struct message *m, int template)
{
	json_t *b = json_pack("{s:s, s:s, s:s}", "messaging_product", "whatsapp", "recipient_type", "individual",
			      "to", m->address);
	if (m->key)
		json_object_set_new(b, "biz_opaque_callback_data", json_string(m->key));
	json_t *list = !template && m->list ? json_loads(m->list, 0, NULL) : NULL;
	if (template && m->code && ch->cfg.wa_auth_template) {
		/* WhatsApp's authentication templates: the code in the body and
		 * again as the copy-code button's parameter. */
		json_object_set_new(b, "type", json_string("template"));
		json_object_set_new(b, "template", json_pack("{s:s, s:{s:s}, s:[{s:s, s:[{s:s, s:s}]}, {s:s, s:s, s:s, s:[{s:s, s:s}]}]}",
			"name", ch->cfg.wa_auth_template, "language", "code", m->lang,
			"components", "type", "body", "parameters", "type", "text", "text", m->code,
			"type", "button", "sub_type", "url", "index", "0", "parameters", "type", "text", "text", m->code));
	} else if (template) {
		json_object_set_new(b, "type", json_string("template"));
		json_object_set_new(b, "template", json_pack("{s:s, s:{s:s}, s:[{s:s, s:[{s:s, s:s}]}]}",
			"name", ch->cfg.wa_template, "language", "code", m->lang,
			"components", "type", "body", "parameters", "type", "text", "text", message_summary(m)));
	} else if (list) {
		json_object_set_new(b, "type", json_string("interactive"));
		json_object_set_new(b, "interactive", list);
	} else {
		json_object_set_new(b, "type", json_string("text"));
		json_object_set_new(b, "text", json_pack("{s:s, s:b}", "body", m->text, "preview_url", 0));
	}
	return b;
}

enum send_result whatsapp_send(const struct channels *ch, struct arena *a, const struct message *m, int template,
			       char provider_id[DETAIL_MAX], char detail[DETAIL_MAX])
{
	json_t *b = message_body(ch, m, template);
	const char *body = arena_json_dumps(a, b, JSON_COMPACT);
	json_decref(b);
	const char *url = arena_printf(a, "%s/%s/%s/messages", ch->cfg.wa_base_url, ch->cfg.wa_version,
				       ch->cfg.wa_phone_id);
	long status = 0;
	struct strbuf out;
	strbuf_init(&out, a, 512);
	if (!body || whatsapp_http(ch, a, url, body, &status, &out, detail) != 0)
		return SEND_RETRY;
	json_t *res = json_loads(out.buf, 0, NULL);
	enum send_result r;
	if (status >= 200 && status < 300) {
		const char *id = json_string_value(json_object_get(json_array_get(json_object_get(res, "messages"), 0), "id"));
		snprintf(provider_id, DETAIL_MAX, "%s", id ? id : "");
		r = SEND_OK;
	} else {
		json_t *e = json_object_get(res, "error");
		long code = (long)json_integer_value(json_object_get(e, "code"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		snprintf(detail, DETAIL_MAX, "whatsapp %ld %ld%s: %s", status, code, template ? " (template)" : "",
			 msg ? msg : "no error message");
		if (code == WA_WINDOW_CLOSED && !template)
			r = SEND_WINDOW_CLOSED;
		else if (status >= 500 || status == 429 || WA_RATE_LIMITS(code))
			r = SEND_RETRY;
		else
			r = SEND_FAILED;
	}
	json_decref(res);
	return r;
}

/* The media's download URL, its size in *size; 0, or -1 with detail. */
static int media_url(const struct channels *ch, struct arena *a, const char *media_id, const char **where,
		     json_int_t *size, char detail[DETAIL_MAX])
{
	long status = 0;
	struct strbuf meta;
	strbuf_init(&meta, a, 512);
	const char *url = arena_printf(a, "%s/%s/%s", ch->cfg.wa_base_url, ch->cfg.wa_version, media_id);
	if (whatsapp_http(ch, a, url, NULL, &status, &meta, detail) != 0)
		return -1;
	json_t *j = json_loads(meta.buf, 0, NULL);
	const char *u = json_string_value(json_object_get(j, "url"));
	*size = json_integer_value(json_object_get(j, "file_size"));
	*where = u && status == 200 ? arena_strdup(a, u) : NULL;
	json_decref(j);
	if (!*where) {
		snprintf(detail, DETAIL_MAX, "media %s: the API answered %ld without a URL", media_id, status);
		return -1;
	}
	return 0;
}

int whatsapp_media(const struct channels *ch, struct arena *a, const char *media_id, size_t max, const char **bytes,
		   size_t *len, char detail[DETAIL_MAX])
{
	/* A download URL lasts about five minutes and is fetched at once; one
	 * that has lapsed all the same (a slow queue, a clock apart) answers
	 * 404, and a fresh URL for the same media is asked for once. */
	for (int attempt = 0; attempt < 2; attempt++) {
		const char *where;
		json_int_t size;
		long status = 0;
		struct strbuf body;
		if (media_url(ch, a, media_id, &where, &size, detail) != 0)
			return -1;
		if (size < 0 || (size_t)size > max) {
			snprintf(detail, DETAIL_MAX, "media %s is larger than %zu bytes", media_id, max);
			return 1;
		}
		strbuf_init(&body, a, (size_t)size + 1);
		if (whatsapp_http(ch, a, where, NULL, &status, &body, detail) != 0)
			return -1;
		if (status == 200 && body.len <= max) {
			*bytes = body.buf;
			*len = body.len;
			return 0;
		}
		snprintf(detail, DETAIL_MAX, "media %s: download answered %ld", media_id, status);
		if (status != 404)
			break;
	}
	return -1;
}
