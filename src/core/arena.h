/* arena.h - per-request memory pool.
 *
 * Everything a handler allocates comes from the request's arena and is
 * released in one go when the request completes, so handlers never free().
 */
#ifndef PENDOPO_ARENA_H
#define PENDOPO_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(size_t block_size);
void arena_free(struct arena *a);

/* Zeroed memory aligned for any type; NULL only when malloc fails. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
