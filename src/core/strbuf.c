/* strbuf.c - the arena string builder. */
#include "strbuf.h"
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Until the first write, buf points here, so it is a valid empty string
 * without an allocation; alloc == 0 says it is not ours to grow. */
static char empty[1];

void strbuf_init(struct strbuf *sb, struct arena *a, size_t hint)
{
	*sb = (struct strbuf){ .arena = a, .buf = empty };
	if (hint)
		strbuf_grow(sb, hint);
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->failed)
		return -1;
	if (extra >= SIZE_MAX - sb->len) {
		sb->failed = true;
		return -1;
	}
	size_t want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	/* Doubling keeps appends amortised O(1); the arena grows the last
	 * allocation in place when it can. */
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < want) {
		if (alloc * 2 < alloc) {
			alloc = want;
			break;
		}
		alloc *= 2;
	}
	char *p = arena_realloc(sb->arena, sb->alloc ? sb->buf : NULL, sb->alloc, alloc);
	if (!p) {
		sb->failed = true;
		return -1;
	}
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = alloc;
	return 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (strbuf_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	if (sb->failed)
		return;
	va_list cp;
	va_copy(cp, ap);
	/* Try the room there is first: most pieces fit, and then the format
	 * runs once. */
	size_t room = sb->alloc ? sb->alloc - sb->len : 0;
	int n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		if (room)
			sb->buf[sb->len] = '\0';
		sb->failed = true;
		return;
	}
	if ((size_t)n >= room) {
		if (strbuf_grow(sb, (size_t)n)) {
			if (room)
				sb->buf[sb->len] = '\0';
			return;
		}
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_markup(struct strbuf *sb, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *esc;
		switch (*s) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&apos;"; break;
		default: continue;
		}
		strbuf_add(sb, run, (size_t)(s - run));
		strbuf_addstr(sb, esc);
		run = s + 1;
	}
	strbuf_add(sb, run, (size_t)(s - run));
}

void strbuf_add_csv(struct strbuf *sb, const char *s, bool spreadsheet)
{
	bool formula = spreadsheet && (*s == '=' || *s == '+' || *s == '-' || *s == '@');
	if (!formula && !s[strcspn(s, ",\"\r\n")]) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_add(sb, "\"'", formula ? 2 : 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		strbuf_add(sb, s, (size_t)(q - s) + 1);
		strbuf_addch(sb, '"');
	}
	strbuf_addstr(sb, s);
	strbuf_addch(sb, '"');
}

void strbuf_add_json_string(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!utf8_valid(s)) {
		sb->failed = true;
		return;
	}
	strbuf_addch(sb, '"');
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 0 };
		size_t n = 2;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		strbuf_add(sb, run, (size_t)(s - run));
		strbuf_add(sb, esc, n);
		run = s + 1;
	}
	strbuf_add(sb, run, (size_t)(s - run));
	strbuf_addch(sb, '"');
}

static int json_piece(const char *piece, size_t n, void *data)
{
	struct strbuf *sb = data;
	strbuf_add(sb, piece, n);
	return sb->failed ? -1 : 0;
}

void strbuf_add_json(struct strbuf *sb, const json_t *v, size_t flags)
{
	if (!sb->failed && json_dump_callback(v, json_piece, sb, flags) != 0)
		sb->failed = true;
}

char *arena_json_dumps(struct arena *a, const json_t *v, size_t flags)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_add_json(&sb, v, flags);
	return sb.failed ? NULL : sb.buf;
}
