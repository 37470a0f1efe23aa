/* arena.c - per-request memory pool: a chain of blocks, freed together. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct block *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct block *head;
	size_t block_size;
};

static struct block *block_new(size_t size)
{
	struct block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t block_size)
{
	struct arena *a = malloc(sizeof(*a));
	if (!a)
		return NULL;
	a->block_size = block_size ? block_size : 8192;
	a->head = block_new(a->block_size);
	if (!a->head) {
		free(a);
		return NULL;
	}
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static size_t round_up(size_t n)
{
	const size_t align = alignof(max_align_t);
	return (n + align - 1) & ~(align - 1);
}

/* n bytes, not zeroed. */
static void *take(struct arena *a, size_t n)
{
	size_t need = round_up(n);
	struct block *b = a->head;

	if (need < n)
		return NULL;
	if (b->size - b->used < need) {
		/* A large request gets a block of its own behind the current
		 * one, so the partly used head keeps serving small ones. */
		size_t size = need > a->block_size ? need : a->block_size;
		struct block *nb = block_new(size);
		if (!nb)
			return NULL;
		if (need > a->block_size) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = take(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *arena_realloc(struct arena *a, void *p, size_t old, size_t n)
{
	if (!p)
		return take(a, n);
	if (n <= old)
		return p;
	size_t had = round_up(old), need = round_up(n);
	if (need < n)
		return NULL;
	struct block *b = a->head;
	uintptr_t at = (uintptr_t)p, top = (uintptr_t)(b->data + b->used);
	if (at + had == top && at >= (uintptr_t)b->data && b->size - (b->used - had) >= need) {
		b->used += need - had;
		return p;
	}
	/* Alone in its block (a large one): resize the block, which for big
	 * sizes the C library may remap rather than copy. */
	for (struct block **link = &a->head; *link; link = &(*link)->next) {
		struct block *x = *link;
		if ((void *)x->data != p || x->used != had)
			continue;
		if (sizeof(*x) + need < need)
			return NULL;
		struct block *grown = realloc(x, sizeof(*x) + need);
		if (!grown)
			return NULL;
		grown->size = grown->used = need;
		*link = grown;
		return grown->data;
	}
	void *q = take(a, n);
	if (q)
		memcpy(q, p, old);
	return q;
}

void *arena_push(struct arena *a, void *vp, size_t *n, size_t *cap, size_t size)
{
	unsigned char *v;
	/* vp is the address of the caller's T *: read and written as bytes,
	 * so any element type goes through one function. */
	memcpy(&v, vp, sizeof(v));
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		if (ncap < *cap || ncap > SIZE_MAX / size)
			return NULL;
		unsigned char *grown = arena_realloc(a, v, *cap * size, ncap * size);
		if (!grown)
			return NULL;
		v = grown;
		memcpy(vp, &v, sizeof(v));
		*cap = ncap;
	}
	unsigned char *slot = v + *n * size;
	memset(slot, 0, size);
	(*n)++;
	return slot;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
