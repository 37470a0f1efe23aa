/* conn_watch.c - the slow-client sweeper (see conn_watch.h).  Entries live
 * from libmicrohttpd's STARTED notice to its CLOSED notice, which comes
 * before the socket is closed: a socket is only shut down while its entry
 * is listed, under the lock, so it is never another connection's. */
#include "conn_watch.h"
#include "log.h"

#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

enum phase { PH_HEADERS, PH_BODY, PH_ANSWERING };

struct watched {
	struct watched *prev, *next;
	int fd;
	_Atomic int phase;
	_Atomic int64_t since_ms;	/* headers' or body's start */
	_Atomic int64_t body_bytes;
	int cut;
};

struct conn_watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct watched *head;
	int stop;
	int header_ms;
	long body_rate;
	pthread_t sweeper;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct watched *watched_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Too slow now: the phase that is late, or NULL. */
static const char *late(const struct conn_watch *w, const struct watched *e, int64_t now)
{
	int64_t elapsed = now - atomic_load(&e->since_ms);
	switch (atomic_load(&e->phase)) {
	case PH_HEADERS:
		return elapsed > w->header_ms ? "headers" : NULL;
	case PH_BODY:
		if (elapsed <= w->header_ms)
			return NULL;
		return atomic_load(&e->body_bytes) < (elapsed - w->header_ms) * w->body_rate / 1000 ? "body" : NULL;
	default:
		return NULL;
	}
}

static void cut(struct watched *e, const char *phase)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST] = "?";
	if (getpeername(e->fd, (struct sockaddr *)&ss, &len) == 0)
		getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
	/* The connection's own thread sees the end of its stream and closes
	 * it the usual way. */
	shutdown(e->fd, SHUT_RDWR);
	e->cut = 1;
	log_info("slow client cut off", LOG_F("client", host), LOG_F("waiting_for", phase));
}

static void *sweep(void *arg)
{
	struct conn_watch *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&w->wake, &w->lock, &until);
		int64_t now = now_ms();
		for (struct watched *e = w->head; e; e = e->next) {
			const char *phase;
			if (!e->cut && (phase = late(w, e, now)))
				cut(e, phase);
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct conn_watch *conn_watch_new(int header_s, long body_rate)
{
	struct conn_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->header_ms = header_s * 1000;
	w->body_rate = body_rate;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	if (pthread_create(&w->sweeper, NULL, sweep, w) != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

void conn_watch_free(struct conn_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->sweeper, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		       enum MHD_ConnectionNotificationCode code)
{
	struct conn_watch *w = cls;
	struct watched *e = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || !(e = calloc(1, sizeof(*e))))
			return;	/* unwatched: the idle timeout alone */
		e->fd = ci->connect_fd;
		atomic_init(&e->phase, PH_HEADERS);
		atomic_init(&e->since_ms, now_ms());
		atomic_init(&e->body_bytes, 0);
		pthread_mutex_lock(&w->lock);
		e->next = w->head;
		if (w->head)
			w->head->prev = e;
		w->head = e;
		pthread_mutex_unlock(&w->lock);
		*socket_context = e;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && e) {
		pthread_mutex_lock(&w->lock);
		if (e->prev)
			e->prev->next = e->next;
		else
			w->head = e->next;
		if (e->next)
			e->next->prev = e->prev;
		pthread_mutex_unlock(&w->lock);
		free(e);
		*socket_context = NULL;
	}
}

static void set_phase(struct MHD_Connection *conn, enum phase p)
{
	struct watched *e = watched_of(conn);
	if (!e)
		return;
	atomic_store(&e->body_bytes, 0);
	atomic_store(&e->since_ms, now_ms());
	atomic_store(&e->phase, p);
}

void conn_watch_headers_done(struct MHD_Connection *conn)
{
	set_phase(conn, PH_BODY);
}

void conn_watch_body(struct MHD_Connection *conn, size_t n)
{
	struct watched *e = watched_of(conn);
	if (e)
		atomic_fetch_add(&e->body_bytes, (int64_t)n);
}

void conn_watch_answering(struct MHD_Connection *conn)
{
	set_phase(conn, PH_ANSWERING);
}

void conn_watch_request_done(struct MHD_Connection *conn)
{
	set_phase(conn, PH_HEADERS);
}
