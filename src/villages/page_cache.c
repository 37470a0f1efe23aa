/* page_cache.c - the public village page (GET /api/villages/{kode}) kept
 * ready per village.
 *
 * Building the page takes nine queries (profile, news, budgets, photos,
 * the information list, Satu Data's two figures) and a JSON document;
 * the page changes only when the village writes something on it.  Each
 * such write bumps the village's row in village_page_versions inside its
 * own transaction (villages_page_changed), and a read compares that one
 * row, and Satu Data's stamp of its figures (data.h), with the copy in
 * memory: every instance of a cluster sees a change on its next request,
 * and a reader's snapshot never pairs an old page with a new version.  The
 * register's names, imported elsewhere, reach the page within
 * PAGE_MAX_AGE seconds.  The village's own staff see drafts and their
 * tools: they get it built.
 */
#include "villages.h"
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "data/data.h"

#define PAGE_MAX_AGE 60
#define PAGE_BUCKETS 512

struct page_entry {
	struct page_entry *next;
	char *kode;
	int64_t version, data;
	time_t built;
	char *json;
	size_t len;
};

struct village_pages {
	pthread_mutex_t lock;
	struct page_entry *buckets[PAGE_BUCKETS];
};

struct village_pages *village_pages_new(void)
{
	struct village_pages *p = calloc(1, sizeof(*p));
	if (p && pthread_mutex_init(&p->lock, NULL) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

void village_pages_free(struct village_pages *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < PAGE_BUCKETS; i++)
		for (struct page_entry *e = p->buckets[i], *next; e; e = next) {
			next = e->next;
			free(e->kode);
			free(e->json);
			free(e);
		}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static struct page_entry **bucket(struct village_pages *p, const char *kode)
{
	unsigned h = 5381;
	for (const char *s = kode; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return &p->buckets[h % PAGE_BUCKETS];
}

int villages_page_changed(struct req *r, const char *kode)
{
	return db_exec(r->db, "INSERT INTO village_page_versions (village, version) VALUES (?, 1)"
			      " ON CONFLICT (village) DO UPDATE SET version = village_page_versions.version + 1",
		       "s", kode) == DB_DONE ? 0 : -1;
}

int villages_page_version(struct req *r, const char *kode, struct page_version *pv)
{
	int rc = db_query_int(r->db, &pv->village, "SELECT version FROM village_page_versions WHERE village = ?", "s",
			      kode);
	if (rc == DB_DONE)
		pv->village = 0;
	return (rc == DB_ROW || rc == DB_DONE) && data_figures_stamp(r->db, &pv->data) == 0 ? 0 : -1;
}

const char *village_page_get(struct app *app, struct arena *a, const char *kode, const struct page_version *pv,
			     size_t *len)
{
	struct village_pages *p = app->village_pages;
	char *out = NULL;
	if (!p)
		return NULL;
	pthread_mutex_lock(&p->lock);
	for (struct page_entry *e = *bucket(p, kode); e; e = e->next)
		if (strcmp(e->kode, kode) == 0) {
			if (e->version == pv->village && e->data == pv->data && app_now(app) - e->built < PAGE_MAX_AGE &&
			    (out = arena_alloc(a, e->len)) != NULL) {
				memcpy(out, e->json, e->len);
				*len = e->len;
			}
			break;
		}
	pthread_mutex_unlock(&p->lock);
	return out;
}

void village_page_put(struct app *app, const char *kode, const struct page_version *pv, const char *json, size_t len)
{
	struct village_pages *p = app->village_pages;
	if (!p)
		return;
	char *copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, json, len);
	pthread_mutex_lock(&p->lock);
	struct page_entry **b = bucket(p, kode), *e = *b;
	while (e && strcmp(e->kode, kode) != 0)
		e = e->next;
	if (!e && (e = calloc(1, sizeof(*e))) != NULL && (e->kode = strdup(kode)) == NULL) {
		free(e);
		e = NULL;
	}
	if (!e) {
		pthread_mutex_unlock(&p->lock);
		free(copy);
		return;
	}
	if (!e->json) {
		e->next = *b;
		*b = e;
	}
	/* A slower builder of an older version never replaces a newer page. */
	if (e->json && e->version > pv->village) {
		pthread_mutex_unlock(&p->lock);
		free(copy);
		return;
	}
	free(e->json);
	e->json = copy;
	e->len = len;
	e->version = pv->village;
	e->data = pv->data;
	e->built = app_now(app);
	pthread_mutex_unlock(&p->lock);
}
