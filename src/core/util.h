/* util.h - small helpers shared by core and modules: time, tokens, hashing,
 * folders. */
#ifndef PENDOPO_UTIL_H
#define PENDOPO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* UTC ISO-8601 with a Z, "2026-11-28T18:30:00Z" (21 bytes with the NUL). */
void time_iso(time_t t, char out[24]);
void time_iso_now(char out[24]);
int64_t time_now_us(void);	/* monotonic */

/* A random URL-safe token of 32 bytes of entropy (43 chars). */
void token_new(char out[48]);
/* SHA-256 hex of s: tokens are stored hashed so a stolen database row
 * cannot be replayed as a session. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* dir and every folder above it that is missing, with mode: 0 when it
 * exists afterwards, -1 with errno. */
int mkdir_all(const char *dir, mode_t mode);

/* The allocator's settings for a server process (call once, first). */
void malloc_tune(void);

/* fsync a directory, so that a rename or a new entry in it is on disk.
 * 0, or -1 with errno. */
int fsync_dir(const char *dir);

#endif
