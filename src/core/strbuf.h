/* strbuf.h - the arena string builder: text that grows as it is written.
 *
 * Modelled on git's strbuf, but its memory comes from an arena, so a
 * handler builds its reply (JSON, XML, CSV, SVG) and never frees it. A
 * failed allocation is remembered in `failed` and makes every later call a
 * no-op: write everything, then check once.
 */
#ifndef PENDOPO_STRBUF_H
#define PENDOPO_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "arena.h"

struct strbuf {
	struct arena *arena;
	char *buf;		/* always NUL-terminated */
	size_t len;
	size_t alloc;		/* 0 while buf is the shared empty string */
	bool failed;
};

/* An empty buffer on a, with room for hint bytes when hint > 0. */
void strbuf_init(struct strbuf *sb, struct arena *a, size_t hint);
/* Room for extra more bytes; -1 (and failed) when out of memory. */
int strbuf_grow(struct strbuf *sb, size_t extra);

/* Empty again, keeping the room for the next text. */
void strbuf_reset(struct strbuf *sb);

void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/* s as HTML or XML text and attribute value: & < > " ' escaped. */
void strbuf_add_markup(struct strbuf *sb, const char *s);
/* s as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds
 * a comma, quote, CR or LF. For a file meant for spreadsheets, text that
 * one would run as a formula (= + - @ first) is quoted behind an
 * apostrophe; data files keep their values exact. */
void strbuf_add_csv(struct strbuf *sb, const char *s, bool spreadsheet);
/* s as a JSON string: quoted, with " \\ and control characters escaped,
 * the rest as it is (as jansson writes it).  s that is not UTF-8 fails
 * the buffer.  For JSON written straight as text where a tree would cost
 * more than the work it serves. */
void strbuf_add_json_string(struct strbuf *sb, const char *s);
/* v serialised by jansson with flags (json_dumps' flags). */
void strbuf_add_json(struct strbuf *sb, const json_t *v, size_t flags);
/* json_dumps() into the arena: the text, or NULL when out of memory. */
char *arena_json_dumps(struct arena *a, const json_t *v, size_t flags);

#endif
