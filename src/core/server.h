/* server.h - the HTTP server: libmicrohttpd wired to the router. */
#ifndef PENDOPO_SERVER_H
#define PENDOPO_SERVER_H

#include "app.h"

/* Serve until SIGINT or SIGTERM; runs module ticks every tick_s seconds.
 * Returns 0 on a clean stop. */
int server_run(struct app *app, int tick_s);

#endif
