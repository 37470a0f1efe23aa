/* events.c - the in-process broker, the PostgreSQL bridge, and the
 * GET /api/events stream.
 *
 * Each subscriber has a bounded queue: a slow or stalled client loses its
 * oldest events rather than holding memory or the publisher.  Clients that
 * need the full state re-read it through the API on (re)connect; events say
 * what changed, the API says what is.
 */
#include "events.h"
#include "app.h"
#include "http.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHANNEL "pendopo_events"
#define QUEUE_MAX 256
#define TOPICS_MAX 8

struct events_sub {
	struct events *ev;
	struct events_sub *next;
	char *topics[TOPICS_MAX];
	int ntopics;
	char *queue[QUEUE_MAX];	/* SSE frames, ring buffer */
	int head, count;
	pthread_cond_t ready;
};

struct events {
	struct db *db;
	struct db_listener *listener;
	pthread_mutex_t lock;
	struct events_sub *subs;
	int closing;
	unsigned long long serial;	/* SSE id of the next frame */
};

static int topic_matches(const char *sub, const char *topic)
{
	size_t n = strlen(sub);
	if (n && sub[n - 1] == '/')
		return strncmp(sub, topic, n) == 0;
	return strcmp(sub, topic) == 0;
}

/* message is "topic\njson", the same text locally and over NOTIFY. */
static void dispatch(void *arg, const char *message)
{
	struct events *ev = arg;
	const char *nl = strchr(message, '\n');
	if (!nl)
		return;
	size_t tlen = (size_t)(nl - message);
	char topic[256];
	if (tlen >= sizeof(topic))
		return;
	memcpy(topic, message, tlen);
	topic[tlen] = '\0';

	pthread_mutex_lock(&ev->lock);
	unsigned long long id = ev->serial++;
	for (struct events_sub *s = ev->subs; s; s = s->next) {
		int hit = 0;
		for (int i = 0; i < s->ntopics && !hit; i++)
			hit = topic_matches(s->topics[i], topic);
		if (!hit)
			continue;
		char *frame = NULL;
		if (asprintf(&frame, "id: %llu\nevent: %s\ndata: %s\n\n", id, topic, nl + 1) < 0)
			continue;
		if (s->count == QUEUE_MAX) {
			free(s->queue[s->head]);
			s->head = (s->head + 1) % QUEUE_MAX;
			s->count--;
		}
		s->queue[(s->head + s->count) % QUEUE_MAX] = frame;
		s->count++;
		pthread_cond_signal(&s->ready);
	}
	pthread_mutex_unlock(&ev->lock);
}

struct events *events_new(struct db *db)
{
	struct events *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return NULL;
	ev->db = db;
	pthread_mutex_init(&ev->lock, NULL);
	if (db_can_notify(db)) {
		ev->listener = db_listen(db, CHANNEL, dispatch, ev);
		if (!ev->listener) {
			pthread_mutex_destroy(&ev->lock);
			free(ev);
			return NULL;
		}
	}
	return ev;
}

void events_close(struct events *ev)
{
	pthread_mutex_lock(&ev->lock);
	ev->closing = 1;
	for (struct events_sub *s = ev->subs; s; s = s->next)
		pthread_cond_broadcast(&s->ready);
	pthread_mutex_unlock(&ev->lock);
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	db_listen_stop(ev->db, ev->listener);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

static void deliver_local(void *arg, int committed)
{
	char **msg = arg;
	struct events *ev = (struct events *)msg[0];
	if (committed)
		dispatch(ev, msg[1]);
	free(msg[1]);
	free(msg);
}

int events_publish(struct events *ev, struct db_conn *c, const char *topic, json_t *payload)
{
	char *json = json_dumps(payload, JSON_COMPACT);
	char *message = NULL;
	int rc = DB_ERROR;
	if (!json || asprintf(&message, "%s\n%s", topic, json) < 0) {
		free(json);
		return DB_ERROR;
	}
	free(json);
	if (!ev) {
		/* No broker in this process (a command-line run): on PostgreSQL
		 * the serving instances still hear the NOTIFY. */
		rc = db_notify(c, CHANNEL, message) == DB_OK ? DB_OK : DB_DONE;
		free(message);
		return rc == DB_DONE ? DB_OK : rc;
	}
	if (ev->listener) {
		rc = db_notify(c, CHANNEL, message);
		free(message);
		return rc;
	}
	char **msg = malloc(2 * sizeof(char *));
	if (!msg) {
		free(message);
		return DB_ERROR;
	}
	msg[0] = (char *)ev;
	msg[1] = message;
	return db_defer(c, deliver_local, msg);
}

struct events_sub *events_subscribe(struct events *ev, const char *const *topics, int n)
{
	struct events_sub *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ev = ev;
	pthread_cond_init(&s->ready, NULL);
	for (int i = 0; i < n && i < TOPICS_MAX; i++)
		if ((s->topics[s->ntopics] = strdup(topics[i])))
			s->ntopics++;
	pthread_mutex_lock(&ev->lock);
	s->next = ev->subs;
	ev->subs = s;
	pthread_mutex_unlock(&ev->lock);
	return s;
}

void events_unsubscribe(struct events_sub *s)
{
	struct events *ev = s->ev;
	pthread_mutex_lock(&ev->lock);
	for (struct events_sub **p = &ev->subs; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	pthread_mutex_unlock(&ev->lock);
	for (int i = 0; i < s->count; i++)
		free(s->queue[(s->head + i) % QUEUE_MAX]);
	for (int i = 0; i < s->ntopics; i++)
		free(s->topics[i]);
	pthread_cond_destroy(&s->ready);
	free(s);
}

int events_next(struct events_sub *s, int timeout_ms, char **frame, size_t *len)
{
	struct events *ev = s->ev;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	int rc = 0;
	pthread_mutex_lock(&ev->lock);
	while (!s->count && !ev->closing) {
		if (pthread_cond_timedwait(&s->ready, &ev->lock, &until) == ETIMEDOUT)
			break;
	}
	if (ev->closing) {
		rc = -1;
	} else if (s->count) {
		*frame = s->queue[s->head];
		*len = strlen(*frame);
		s->head = (s->head + 1) % QUEUE_MAX;
		s->count--;
		rc = 1;
	}
	pthread_mutex_unlock(&ev->lock);
	return rc;
}

/* ---- GET /api/events?topics=a,b ------------------------------------------ */

/* "public/…" is anyone's; otherwise the rule of the module that declared
 * the topic's namespace decides, and a topic nobody declared is refused. */
static int topic_allowed(struct req *r, const char *t)
{
	if (strncmp(t, "public/", 7) == 0)
		return 1;
	for (size_t i = 0; i < r->app->nmodules; i++)
		for (const struct topic_rule *rule = r->app->modules[i]->topics; rule && rule->prefix; rule++)
			if (strncmp(t, rule->prefix, strlen(rule->prefix)) == 0)
				return rule->may_follow(r, t);
	return 0;
}

static int events_stream(struct req *r)
{
	const char *list = req_query(r, "topics");
	const char *topics[TOPICS_MAX];
	int n = 0;
	if (!list || !*list)
		return reply_error(r, 400, "invalid", "topics lists the topics to follow, separated by commas", "topics");
	char *copy = arena_strdup(r->arena, list), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == TOPICS_MAX)
			return reply_error(r, 400, "invalid", "at most 8 topics", "topics");
		if (strlen(t) > 200 || !topic_allowed(r, t))
			return reply_error(r, r->caller.user_id || r->caller.apikey_id ? 403 : 401,
					   r->caller.user_id || r->caller.apikey_id ? "forbidden" : "unauthenticated",
					   arena_printf(r->arena, "you may not follow %.200s", t), "topics");
		topics[n++] = t;
	}
	struct events *ev = r->app->events;
	struct events_sub *s = ev ? events_subscribe(ev, topics, n) : NULL;
	if (!s)
		return reply_error(r, 503, "busy", "live events are not available", NULL);
	return reply_sse(r, s);
}

static const struct route events_routes[] = {
	{ "GET", "/api/events", events_stream, ROLE_PUBLIC, NULL, 0 },
	{ 0 },
};

const struct module events_module = { .name = "events", .routes = events_routes };
