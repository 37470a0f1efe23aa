/* documents.h - a document someone uploads as the raw request body (a
 * permit's proposal, a village letter's KTP, a PPID answer): a PDF by its
 * signature, or where allowed a JPEG or PNG made again (image.h), stored
 * content-addressed (files.h).  The services' size limits stay theirs.
 */
#ifndef PENDOPO_DOCUMENTS_H
#define PENDOPO_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct db_conn;
struct req;

struct stored_document {
	char sha[65];
	const char *mime;	/* static */
	size_t len;
};

/* 0 and *out filled; -1 when the reply is set: 400 not_pdf (neither a PDF
 * nor, with images, a JPEG or PNG), 400 invalid (a damaged or oversized
 * image), 503 when the disk refused.  field names the document in errors,
 * module the service in the log. */
int document_take(struct req *r, bool images, const char *field, const char *module, struct stored_document *out);

/* 1 when no module's rows name the stored file sha, so it may be removed
 * (after the caller's commit); 0 when one does; -1 on error.  Ask inside the
 * transaction that dropped the caller's own reference. */
int document_unused(const struct app *app, struct db_conn *c, const char *sha);

#endif
