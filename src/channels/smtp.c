/* smtp.c - email notices over SMTP with libcurl: a multipart message with
 * a plain-text and an HTML part, STARTTLS (required), implicit TLS or, for
 * a relay on the same host, neither; login when configured.
 *
 * The Message-ID is the delivery's idempotency key, so a reader's mail
 * program shows one message even if an administrator sends an "unknown"
 * delivery again.  A 5xx answer is final; anything else is retried.
 */
#include "internal.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

static void add_base64(struct strbuf *sb, struct arena *a, const char *s, size_t n, size_t wrap)
{
	size_t blen = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b = arena_alloc(a, blen);
	if (!b) {
		sb->failed = true;
		return;
	}
	sodium_bin2base64(b, blen, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	size_t len = strlen(b);
	for (size_t i = 0; i < len; i += wrap) {
		strbuf_add(sb, b + i, len - i < wrap ? len - i : wrap);
		if (wrap < len)
			strbuf_addstr(sb, "\r\n");
	}
}

static void add_part(struct strbuf *sb, struct arena *a, const char *boundary, const char *type, const char *body)
{
	strbuf_addf(sb, "--%s\r\nContent-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		    boundary, type);
	add_base64(sb, a, body, strlen(body), 76);
	strbuf_addstr(sb, "\r\n");
}

/* The whole message, CRLF lines; NULL when out of memory. */
static const char *message_text(const struct channels *ch, struct arena *a, const struct message *m, const char *mid)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	const char *boundary = arena_printf(a, "=_pendopo_%s", m->key);
	struct strbuf sb;
	strbuf_init(&sb, a, 4096);
	strbuf_addf(&sb, "Date: %s\r\nFrom: Pendopo <%s>\r\nTo: <%s>\r\nMessage-ID: %s\r\nSubject: =?UTF-8?B?", date,
		    ch->cfg.smtp_from, m->address, mid);
	const char *subject = m->subject ? m->subject : "Pendopo";
	add_base64(&sb, a, subject, strlen(subject), (size_t)-1);
	strbuf_addf(&sb, "?=\r\nMIME-Version: 1.0\r\nContent-Language: %s\r\n"
		    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", m->lang, boundary);
	add_part(&sb, a, boundary, "text/plain", m->text);
	if (m->html)
		add_part(&sb, a, boundary, "text/html", m->html);
	strbuf_addf(&sb, "--%s--\r\n", boundary);
	return sb.failed ? NULL : sb.buf;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;
	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

enum send_result smtp_send(const struct channels *ch, struct arena *a, const struct message *m,
			   char provider_id[DETAIL_MAX], char detail[DETAIL_MAX])
{
	const struct channels_config *cfg = &ch->cfg;
	const char *mid = arena_printf(a, "<%s@pendopo>", m->key);
	const char *text = message_text(ch, a, m, mid);
	CURL *curl = curl_easy_init();
	if (!text || !curl) {
		curl_easy_cleanup(curl);
		snprintf(detail, DETAIL_MAX, "out of memory");
		return SEND_RETRY;
	}
	struct upload up = { text, strlen(text) };
	struct curl_slist *rcpt = curl_slist_append(NULL, arena_printf(a, "<%s>", m->address));
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, arena_printf(a, "%s://%s:%d", cfg->smtp_tls == SMTP_TLS ? "smtps" : "smtp",
							 cfg->smtp_host, cfg->smtp_port));
	curl_easy_setopt(curl, CURLOPT_USE_SSL, cfg->smtp_tls == SMTP_PLAIN ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (cfg->smtp_user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", cfg->smtp_from));
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->timeout_s);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
	CURLcode rc = curl_easy_perform(curl);
	long code = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	if (rc == CURLE_OK) {
		snprintf(provider_id, DETAIL_MAX, "%s", mid);
		return SEND_OK;
	}
	snprintf(detail, DETAIL_MAX, "smtp %ld: %s", code, err[0] ? err : curl_easy_strerror(rc));
	return code >= 500 && code < 600 ? SEND_FAILED : SEND_RETRY;
}
