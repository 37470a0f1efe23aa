/* log.h - the server's log: one line per event on stderr, as key=value
 * pairs (time, level, msg, then the event's fields), at four levels.
 *
 *   log_warn("statistics not saved", LOG_F("service", "queue"), LOG_F("error", db_errmsg(c)));
 *
 * Values holding a space, '=', a quote or a control character are quoted
 * and escaped.  Personal data is masked in every value: a NIK (16 digits)
 * as 3303xxxxxxxx0001, an Indonesian phone number as 0812****7890, an email
 * address as b***@x.id.  The command line's own output to its terminal
 * (usage, a command's result) is not logging and does not come here.
 */
#ifndef PENDOPO_LOG_H
#define PENDOPO_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

enum log_kind { LOG_K_STR, LOG_K_INT, LOG_K_REAL };

struct log_field {
	const char *key;
	enum log_kind kind;
	const char *str;	/* LOG_K_STR; NULL is written as an empty value */
	long long num;		/* LOG_K_INT */
	double real;		/* LOG_K_REAL */
};

static inline struct log_field log_str(const char *key, const char *v)
{
	return (struct log_field){ .key = key, .kind = LOG_K_STR, .str = v };
}
static inline struct log_field log_int(const char *key, long long v)
{
	return (struct log_field){ .key = key, .kind = LOG_K_INT, .num = v };
}
static inline struct log_field log_real(const char *key, double v)
{
	return (struct log_field){ .key = key, .kind = LOG_K_REAL, .real = v };
}
/* A field of any string, integer or floating value. */
#define LOG_F(key, v) _Generic((v), char *: log_str, const char *: log_str, \
			       float: log_real, double: log_real, default: log_int)(key, v)

/* Set once by main.c before anything logs; info until then. */
void log_set_level(enum log_level level);
/* "error", "warn", "info" or "debug": 0, else -1. */
int log_level_parse(const char *name, enum log_level *out);
bool log_enabled(enum log_level level);

/* Write one line of n fields, if level is enabled. */
void log_write(enum log_level level, const char *msg, const struct log_field *fields, size_t n);

/* The line itself, into out (at most size bytes, always terminated, ends in
 * '\n'), at the UTC time given.  Returns its length.  For log_write and tests. */
size_t log_format(char *out, size_t size, long long epoch_s, enum log_level level, const char *msg,
		  const struct log_field *fields, size_t n);

#define LOG_FIELDS_(...) ((const struct log_field[]){ { 0 }, __VA_ARGS__ })
#define LOG_AT_(level, msg, ...) \
	log_write(level, msg, LOG_FIELDS_(__VA_ARGS__) + 1, \
		  sizeof(LOG_FIELDS_(__VA_ARGS__)) / sizeof(struct log_field) - 1)
#define log_error(msg, ...) LOG_AT_(LOG_ERROR, msg, __VA_ARGS__)
#define log_warn(msg, ...) LOG_AT_(LOG_WARN, msg, __VA_ARGS__)
#define log_info(msg, ...) LOG_AT_(LOG_INFO, msg, __VA_ARGS__)
#define log_debug(msg, ...) LOG_AT_(LOG_DEBUG, msg, __VA_ARGS__)

#endif
