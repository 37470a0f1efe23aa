/* letters_bsre.c - a certified electronic signature from BSrE (Balai
 * Sertifikasi Elektronik, BSSN) over a letter's PDF, where a deployment
 * has it: the PDF goes to {--bsre-url}/api/sign/pdf as multipart (file,
 * nik, passphrase, tampilan) with HTTP basic auth, and the signed PDF that
 * comes back is stored beside the original.  The signer's NIK and
 * passphrase are passed through and kept nowhere, not even in the audit.
 */
#include "letters.h"

#include <curl/curl.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "files.h"
#include "log.h"
#include "strbuf.h"

#define BSRE_TIMEOUT_S 60
#define BSRE_MAX_PDF (64u << 20)

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	struct strbuf *sb = arg;
	if (sb->len + size * n > BSRE_MAX_PDF)
		return 0;
	strbuf_add(sb, data, size * n);
	return sb->failed ? 0 : size * n;
}

/* POSTs pdf; the answer's body into reply, its status returned (0 when
 * BSrE was not reached, with why). */
static long bsre_post(const struct config *cfg, struct arena *a, const unsigned char *pdf, size_t len,
		      const char *nik, const char *passphrase, struct strbuf *reply, const char **why)
{
	CURL *curl = curl_easy_init();
	curl_mime *mime = curl ? curl_mime_init(curl) : NULL;
	long status = 0;
	if (!mime) {
		*why = "out of memory";
		goto done;
	}
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, "surat.pdf");
	curl_mime_type(part, "application/pdf");
	curl_mime_data(part, (const char *)pdf, len);
	const char *const fields[][2] = { { "nik", nik }, { "passphrase", passphrase }, { "tampilan", "invisible" } };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, fields[i][0]);
		curl_mime_data(part, fields[i][1], CURL_ZERO_TERMINATED);
	}
	size_t n = strlen(cfg->bsre_url);
	const char *url = arena_printf(a, "%.*s/api/sign/pdf", (int)(n && cfg->bsre_url[n - 1] == '/' ? n - 1 : n),
				       cfg->bsre_url);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->bsre_user ? cfg->bsre_user : "");
	curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->bsre_password ? cfg->bsre_password : "");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)BSRE_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	else
		*why = arena_printf(a, "BSrE could not be reached: %s", curl_easy_strerror(rc));
done:
	curl_mime_free(mime);
	if (curl)
		curl_easy_cleanup(curl);
	return status;
}

/* BSrE's own words from an error answer ({"error": "..."}), else a summary. */
static const char *refusal(struct arena *a, const struct strbuf *reply, long status)
{
	json_t *j = json_loadb(reply->buf, reply->len, 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "error"));
	const char *why = msg ? arena_printf(a, "BSrE refused: %s", msg)
			      : arena_printf(a, "BSrE answered HTTP %ld", status);
	json_decref(j);
	return why;
}

int letter_bsre_sign(struct app *app, struct db_conn *c, struct arena *a, const struct caller *by,
		     const char *token, const char *nik, const char *passphrase, const char **why, int *http_status)
{
	*http_status = 409;
	if (!app->cfg.bsre_url || !*app->cfg.bsre_url) {
		*why = "this deployment has no BSrE signing service (--bsre-url)";
		return LETTERS_BSRE;
	}
	struct letter l;
	int rc = letter_read(app, c, a, token, &l);
	if (rc != LETTERS_OK)
		return rc;
	if (strcmp(l.status, "revoked") == 0)
		return LETTERS_REVOKED;
	unsigned char *pdf;
	size_t len;
	if ((rc = letter_pdf(app, &l, a, &pdf, &len)) != LETTERS_OK) {
		*why = rc == LETTERS_NOT_FOUND ? "this letter has no PDF to sign" : "the letter's PDF could not be drawn";
		return rc == LETTERS_NOT_FOUND ? LETTERS_BSRE : rc;
	}
	struct strbuf reply;
	strbuf_init(&reply, a, len + 65536);
	*why = NULL;
	long status = bsre_post(&app->cfg, a, pdf, len, nik, passphrase, &reply, why);
	if (status != 200 || reply.len < 5 || memcmp(reply.buf, "%PDF-", 5) != 0) {
		*http_status = status >= 400 && status < 500 ? 422 : 502;
		if (!*why)
			*why = status == 200 ? "BSrE answered without a PDF" : refusal(a, &reply, status);
		log_warn("bsre signature refused", LOG_F("letter", l.number), LOG_F("status", status));
		return LETTERS_BSRE;
	}
	char sha[65];
	if (files_put(app, c, reply.buf, reply.len, sha) != 0) {
		*why = "the signed PDF could not be stored";
		return LETTERS_STORAGE;
	}
	json_t *details = json_pack("{s:s,s:s}", "number", l.number, "pdf", sha);
	if (db_tx_begin(c) != DB_OK ||
	    db_exec(c, "UPDATE letters SET bsre_pdf_sha = ?, signature_kind = 'bsre' WHERE id = ?", "si", sha, l.id) !=
		    DB_DONE ||
	    audit_append(c, by, "letter.bsre_sign", arena_printf(a, "letter:%lld", (long long)l.id), details) != 0 ||
	    db_tx_commit(c) != DB_OK) {
		db_tx_rollback(c);
		rc = LETTERS_DB;
	}
	json_decref(details);
	return rc;
}
