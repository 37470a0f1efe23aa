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

/* p (old bytes from a, or NULL) made n bytes long: in place when p is the
 * last allocation of its block and there is room (or p has a block of its
 * own, which is resized), else moved. Bytes past old are undefined. NULL
 * when out of memory, p left as it was. */
void *arena_realloc(struct arena *a, void *p, size_t old, size_t n);

/* The arena vector: a typed array grown by doubling. The array pointer v,
 * the count n and the capacity cap are the caller's (size_t) variables or
 * members, starting NULL, 0, 0:
 *	struct unit *v = NULL; size_t n = 0, cap = 0;
 *	struct unit *u = ARENA_PUSH(a, v, n, cap);
 * gives a zeroed new last element, or NULL when out of memory (the array
 * is left as it was). */
#define ARENA_PUSH(a, v, n, cap) arena_push((a), &(v), &(n), &(cap), sizeof(*(v)))
void *arena_push(struct arena *a, void *vp, size_t *n, size_t *cap, size_t size);

#endif
