/* csv.c - RFC 4180 records split in place (see csv.h).
 *
 * Lenient where it costs nothing: a quote inside an unquoted field is kept
 * as text, and a lone CR is data unless it ends the file.  Strict where a
 * mistake would shift columns: a quoted field must close, and only a comma
 * or a line break may follow its closing quote.
 */
#include "csv.h"

#include <stdlib.h>

#include <string.h>

void csv_init(struct csv *c, char *buf, size_t len)
{
	c->p = buf;
	c->end = buf + len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
	c->line = 0;
	c->next_line = 1;
}

/* A line break at s: CRLF, LF, or a CR that is the last byte of the file.
 * Returns its length, 0 when s holds no line break. */
static int line_break(const struct csv *c, const char *s)
{
	if (s == c->end)
		return 0;
	if (*s == '\n')
		return 1;
	if (*s == '\r' && (s + 1 == c->end || s[1] == '\n'))
		return s + 1 == c->end ? 1 : 2;
	return 0;
}

/* Read one field at c->p into *out.  1 when a comma follows (more fields
 * in this record), 0 when the record ended, CSV_EQUOTE on a bad quote. */
static int field(struct csv *c, char **out)
{
	char *s = c->p, *w;

	*out = s;
	if (s < c->end && *s == '"') {
		w = s;
		for (s++;; s++) {
			if (s == c->end)
				return CSV_EQUOTE;
			if (*s == '"') {
				if (s + 1 < c->end && s[1] == '"')
					s++;
				else
					break;
			} else if (*s == '\n') {
				c->next_line++;
			}
			*w++ = *s;
		}
		s++;	/* past the closing quote */
	} else {
		while (s < c->end && *s != ',' && !line_break(c, s))
			s++;
		w = s;
	}

	/* Look at what ends the field before the NUL overwrites it. */
	int more = 0, brk;
	if (s == c->end) {
		c->p = s;
	} else if (*s == ',') {
		c->p = s + 1;
		more = 1;
	} else if ((brk = line_break(c, s)) > 0) {
		c->p = s + brk;
		c->next_line++;
	} else {
		return CSV_EQUOTE;
	}
	*w = '\0';
	return more;
}

int csv_next(struct csv *c, char **fields, int max)
{
	if (c->p >= c->end)
		return CSV_END;
	c->line = c->next_line;
	for (int n = 0;;) {
		char *f;
		int more = field(c, &f);
		if (more < 0)
			return more;
		if (n == max)
			return CSV_EFIELDS;
		fields[n++] = f;
		if (!more)
			return n;
	}
}
