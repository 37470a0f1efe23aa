/* server.h - the HTTP server: libmicrohttpd wired to the router. */
#ifndef PENDOPO_SERVER_H
#define PENDOPO_SERVER_H

#include "app.h"

/* Serve until SIGINT or SIGTERM; runs module ticks every tick_s seconds.
 * Returns 0 on a clean stop. */
int server_run(struct app *app, int tick_s);

/* A path or query text's %XX escapes decoded in place, as every address
 * is: %00 becomes a byte that is never UTF-8, so that it is refused rather
 * than ending the text early.  The new length. */
size_t address_unescape(char *s);

#endif
