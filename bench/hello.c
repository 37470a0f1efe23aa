/* hello.c - the bare libmicrohttpd baseline for the HTTP benchmarks.
 *
 * Answers 200 "hello" to every request, with no routing, no JSON, no
 * database: the ceiling that pendopo's /healthz and region search are
 * measured against.
 *
 *   cc -O2 bench/hello.c $(pkg-config --cflags --libs libmicrohttpd) -o build/bench-hello
 *   build/bench-hello PORT [pool|perconn]
 *
 * pool    = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, THREAD_POOL_SIZE 2
 * perconn = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL (+ the internal polling
 *           thread that thread-per-connection implies)
 * Listens on 127.0.0.1 only; runs until SIGINT/SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static struct MHD_Response *hello;

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	(void)cls; (void)url; (void)method; (void)version; (void)upload_data;
	/* Swallow any body, then answer once it has all arrived. */
	if (*con_cls == NULL) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, hello);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [pool|perconn]\n", argv[0]);
		return 2;
	}
	int port = atoi(argv[1]);
	const char *mode = argc > 2 ? argv[2] : "pool";
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "bad port %s\n", argv[1]);
		return 2;
	}

	static const char body[] = "hello";
	hello = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
						MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(hello, "Content-Type", "text/plain");

	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	struct MHD_Daemon *d;
	if (strcmp(mode, "perconn") == 0) {
		d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				     MHD_USE_POLL | MHD_USE_ERROR_LOG,
				     (uint16_t)port, NULL, NULL, answer, NULL,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				     MHD_OPTION_END);
	} else if (strcmp(mode, "pool") == 0) {
		d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
				     (uint16_t)port, NULL, NULL, answer, NULL,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)2,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				     MHD_OPTION_END);
	} else {
		fprintf(stderr, "mode must be pool or perconn\n");
		return 2;
	}
	if (!d) {
		fprintf(stderr, "MHD_start_daemon failed on port %d\n", port);
		return 1;
	}

	struct sigaction act;
	memset(&act, 0, sizeof act);
	act.sa_handler = on_signal;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	while (!stop)
		pause();

	MHD_stop_daemon(d);
	MHD_destroy_response(hello);
	return 0;
}
