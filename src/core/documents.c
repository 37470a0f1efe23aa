/* documents.c - an uploaded document checked by content and stored (see
 * documents.h). */
#include "documents.h"
#include "files.h"
#include "http.h"
#include "image.h"
#include "log.h"
#include "app.h"

#include <errno.h>
#include <string.h>

int document_take(struct req *r, bool images, const char *field, const char *module, struct stored_document *out)
{
	bool pdf = r->body_len >= 5 && memcmp(r->body_raw, "%PDF-", 5) == 0;
	enum image_kind img = images ? image_sniff(r->body_raw, r->body_len) : IMAGE_NONE;
	if (!pdf && img == IMAGE_NONE)
		return reply_error(r, 400, "not_pdf", images ? "the file is not a PDF, JPEG or PNG" : "the file is not a PDF",
				   field), -1;
	const unsigned char *data = (const unsigned char *)r->body_raw;
	size_t len = r->body_len;
	if (img != IMAGE_NONE) {
		unsigned char *copy;
		const struct image_problem *bad;
		if (image_reencode(r->arena, img, data, len, &copy, &len, &bad) != 0)
			return (bad ? reply_error_lang(r, 400, "invalid", bad->en, bad->id, field)
				    : reply_error(r, 500, "internal", "out of memory", NULL)), -1;
		data = copy;
	}
	if (files_put(r->app, r->db, data, len, out->sha) != 0) {
		log_error("document not stored", LOG_F("module", module), LOG_F("error", strerror(errno)));
		return reply_error(r, 503, "storage_error", NULL, NULL), -1;
	}
	out->mime = pdf ? "application/pdf" : image_mime(img);
	out->len = len;
	return 0;
}

int document_unused(const struct app *app, struct db_conn *c, const char *sha)
{
	for (size_t i = 0; i < app->nmodules; i++) {
		int used = app->modules[i]->file_used ? app->modules[i]->file_used(c, sha) : 0;
		if (used != 0)
			return used < 0 ? -1 : 0;
	}
	return 1;
}
