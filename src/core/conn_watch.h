/* conn_watch.h - cutting off clients that trickle.
 *
 * libmicrohttpd's idle timeout restarts on every byte, so a client sending
 * its headers or body a byte a second holds a connection (and, in the
 * default mode, a thread) for ever.  The watch keeps every open connection
 * with the moment its current request began and, once per second, shuts
 * down the socket of one whose headers took longer than the header limit,
 * or whose body arrives slower than the rate floor (after the same grace).
 * A connection whose request is being answered is never cut: an event
 * stream may last hours.
 */
#ifndef PENDOPO_CONN_WATCH_H
#define PENDOPO_CONN_WATCH_H

#include <stddef.h>
#include <microhttpd.h>

struct conn_watch;

/* header_s: seconds for a request's headers (counted from the connection's
 * start or its previous answer), and the body's grace; body_rate: the
 * slowest body accepted, bytes a second on average after that grace.  The
 * sweeper thread starts here.  NULL when out of memory or threads. */
struct conn_watch *conn_watch_new(int header_s, long body_rate);
void conn_watch_free(struct conn_watch *w);

/* MHD_OPTION_NOTIFY_CONNECTION's callback, with the watch as its cls. */
void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		       enum MHD_ConnectionNotificationCode code);

/* From the request callback: the headers are in; n more body bytes came;
 * the body is complete (the answer is being made); and, from the
 * completion callback, the request is over (the next one's headers are
 * timed from now). */
void conn_watch_headers_done(struct MHD_Connection *conn);
void conn_watch_body(struct MHD_Connection *conn, size_t n);
void conn_watch_answering(struct MHD_Connection *conn);
void conn_watch_request_done(struct MHD_Connection *conn);

#endif
