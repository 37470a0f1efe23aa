/* log.c - key=value lines on stderr, personal data masked.
 *
 * A line is formatted whole into one buffer and written with one call, so
 * lines of concurrent threads never interleave.  Masking runs on each value
 * before quoting: emails first (their local part may hold digits), then
 * runs of digits (NIK, phone numbers).
 */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 8192

static enum log_level threshold = LOG_INFO;	/* written by main.c's setup only */

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_set_level(enum log_level level)
{
	threshold = level;
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (name && strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

bool log_enabled(enum log_level level)
{
	return level <= threshold;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_local_char(char c)
{
	return is_alnum(c) || (c && strchr("._%+-", c));
}

/* Emails as their first character, "***", '@' and the domain. */
static void mask_emails(const char *in, char *out)
{
	size_t o = 0;
	for (size_t i = 0; in[i];) {
		if (!is_local_char(in[i]) || (i > 0 && is_local_char(in[i - 1]))) {
			out[o++] = in[i++];
			continue;
		}
		size_t at = i;
		while (is_local_char(in[at]))
			at++;
		size_t end = at + 1, dot = 0;
		if (in[at] == '@')
			for (; is_alnum(in[end]) || in[end] == '.' || in[end] == '-'; end++)
				if (in[end] == '.')
					dot = end;
		if (in[at] != '@' || !dot || dot == at + 1 || dot + 1 == end) {
			memcpy(out + o, in + i, at - i);
			o += at - i;
			i = at;
			continue;
		}
		out[o++] = in[i];
		memcpy(out + o, "***", 3);
		o += 3;
		memcpy(out + o, in + at, end - at);
		o += end - at;
		i = end;
	}
	out[o] = '\0';
}

/* A NIK (16 digits) keeps its first and last four, x between; a mobile
 * number (08…, 10-13 digits; 628…, 11-15 digits) its first and last four,
 * * between.  Other numbers (ids, counts, times) stay. */
static void mask_numbers(const char *in, char *out)
{
	size_t o = 0;
	for (size_t i = 0; in[i];) {
		if (!is_digit(in[i]) || (i > 0 && is_digit(in[i - 1]))) {
			out[o++] = in[i++];
			continue;
		}
		size_t n = 0;
		while (is_digit(in[i + n]))
			n++;
		char fill = 0;
		if (n == 16)
			fill = 'x';
		else if ((strncmp(in + i, "08", 2) == 0 && n >= 10 && n <= 13) ||
			 (strncmp(in + i, "628", 3) == 0 && n >= 11 && n <= 15))
			fill = '*';
		for (size_t k = 0; k < n; k++)
			out[o++] = fill && k >= 4 && k < n - 4 ? fill : in[i + k];
		i += n;
	}
	out[o] = '\0';
}

static bool needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p == '\\' || *p == 0x7f)
			return true;
	return false;
}

struct line {
	char *buf;
	size_t size, len;
};

static void put(struct line *l, const char *s, size_t n)
{
	if (l->len + n >= l->size)
		n = l->size - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void put_value(struct line *l, const char *v)
{
	size_t n = strlen(v);
	/* a masked email may be longer than the original: "b@x.id" */
	char *emails = malloc(n * 2 + 4), *masked = malloc(n * 2 + 4);
	if (!emails || !masked) {
		free(emails);
		free(masked);
		put(l, "\"(out of memory)\"", 17);
		return;
	}
	mask_emails(v, emails);
	mask_numbers(emails, masked);
	if (!needs_quotes(masked)) {
		put(l, masked, strlen(masked));
	} else {
		put(l, "\"", 1);
		for (const unsigned char *p = (const unsigned char *)masked; *p; p++) {
			char esc[5];
			if (*p == '"' || *p == '\\')
				esc[0] = '\\', esc[1] = (char)*p, esc[2] = '\0';
			else if (*p == '\n')
				strcpy(esc, "\\n");
			else if (*p == '\r')
				strcpy(esc, "\\r");
			else if (*p == '\t')
				strcpy(esc, "\\t");
			else if (*p < ' ' || *p == 0x7f)
				snprintf(esc, sizeof(esc), "\\x%02x", *p);
			else
				esc[0] = (char)*p, esc[1] = '\0';
			put(l, esc, strlen(esc));
		}
		put(l, "\"", 1);
	}
	free(emails);
	free(masked);
}

static void put_field(struct line *l, const char *key, const char *value)
{
	put(l, " ", 1);
	put(l, key, strlen(key));
	put(l, "=", 1);
	put_value(l, value ? value : "");
}

size_t log_format(char *out, size_t size, long long epoch_s, enum log_level level, const char *msg,
		  const struct log_field *fields, size_t n)
{
	struct line l = { out, size - 1, 0 };	/* room for the '\n' */
	time_t t = (time_t)epoch_s;
	struct tm tm;
	char stamp[32], num[64];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "time=%Y-%m-%dT%H:%M:%SZ", &tm);
	out[0] = '\0';
	put(&l, stamp, strlen(stamp));
	put_field(&l, "level", level_names[level]);
	put_field(&l, "msg", msg);
	for (size_t i = 0; i < n; i++) {
		const char *v = fields[i].str;
		if (fields[i].kind == LOG_K_INT)
			snprintf(num, sizeof(num), "%lld", fields[i].num), v = num;
		else if (fields[i].kind == LOG_K_REAL)
			snprintf(num, sizeof(num), "%.4g", fields[i].real), v = num;
		put_field(&l, fields[i].key, v);
	}
	out[l.len++] = '\n';
	out[l.len] = '\0';
	return l.len;
}

void log_write(enum log_level level, const char *msg, const struct log_field *fields, size_t n)
{
	if (!log_enabled(level))
		return;
	char line[LINE_MAX_BYTES];
	size_t len = log_format(line, sizeof(line), (long long)time(NULL), level, msg, fields, n);
	fwrite(line, 1, len, stderr);
}
