/* csv.h - an RFC 4180 record reader over a buffer held in memory (the
 * writer is strbuf_add_csv() in strbuf.h).
 *
 * Fields are split and unquoted in place: the reader writes each field's
 * terminating NUL over the comma or line break after it, and shifts the
 * text of quoted fields left over their doubled quotes.  Reading a whole
 * file into memory and parsing it in place costs one allocation for any
 * number of records, which is what an import of ~90,000 rows wants.
 */
#ifndef PENDOPO_CSV_H
#define PENDOPO_CSV_H

#include <stddef.h>

enum csv_rc {
	CSV_END = 0,		/* no more records */
	CSV_EQUOTE = -1,	/* unterminated quote, or text after a closing quote */
	CSV_EFIELDS = -2,	/* more fields than the caller has room for */
};

struct csv {
	char *p;		/* next unread byte */
	char *end;
	long line;		/* line the record last returned starts on, from 1 */
	long next_line;
};

/* buf[len] must be writable: the last field of a file without a final line
 * break is terminated there.  A UTF-8 byte order mark at the start is
 * skipped. */
void csv_init(struct csv *c, char *buf, size_t len);

/* Read the next record into fields (at most max).  Returns the number of
 * fields (an empty line is one empty field), CSV_END, or a negative
 * enum csv_rc; c->line then names the offending record's first line.
 * Lines end with CRLF or LF; quoted fields may hold commas, quotes written
 * twice, and line breaks. */
int csv_next(struct csv *c, char **fields, int max);

#endif
