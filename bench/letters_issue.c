/* letters_issue.c - letter issuance at full cost, for bench/permits.sh:
 * each transaction takes the next number, signs the canonical content
 * (Ed25519), stores the row with its layout and commits - letter_issue()
 * as a service calls it, on the server's SQLite set-up (WAL, group commit)
 * - and then the A4 PDF with its QR is drawn (libharu, embedded TTF), as
 * letter_pdf() draws it for the holder's download.  With PDF=0 the PDF is
 * left out, for the cost of numbering and signing alone.
 *
 *   build/bench-letters DB KEY DATA_DIR LETTER.json THREADS SECONDS [PDF]
 *
 * DB is migrated and holds the unit LETTER.json names; LETTER.json is a
 * `pendopo letters issue` request (tests/api/fixtures/letter.json).
 * Prints: letters=N seconds=S letters_per_s=R p50_ms=.. p99_ms=.. max_ms=.. failed=F
 */
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "letters.h"
#include "util.h"

struct shared {
	struct app *app;
	const json_t *req;
	int64_t unit_id;
	int pdf;
	double deadline;
	atomic_long issued, failed;
	pthread_mutex_t lock;
	float *lat_ms;
	size_t nlat, caplat;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *str(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void *worker(void *arg)
{
	struct shared *s = arg;
	struct db_conn *c = db_acquire(s->app->db);
	while (now() < s->deadline) {
		struct arena *a = arena_new(1 << 16);
		struct letter_layout layout;
		const char *why;
		if (!a || letter_layout_from_json(a, json_object_get(s->req, "layout"), &layout, &why) != LETTERS_OK) {
			fprintf(stderr, "bench-letters: layout: %s\n", a ? why : "out of memory");
			exit(1);
		}
		const struct letter_request q = {
			.kind = str(s->req, "kind"), .format = str(s->req, "format"), .issuer = str(s->req, "unit"),
			.unit_id = s->unit_id, .unit_label = str(s->req, "unit_label"), .issuer_name = "Badan Kesbangpol",
			.subject = str(s->req, "subject"), .holder = json_object_get(s->req, "holder"),
			.fields = json_object_get(s->req, "fields"), .valid_from = str(s->req, "valid_from"),
			.valid_until = str(s->req, "valid_until"), .layout = &layout,
		};
		struct letter l;
		double t0 = now();
		unsigned char *pdf;
		size_t len;
		int ok = db_tx_begin(c) == DB_OK && letter_issue(s->app, c, a, &q, &l, &why) == LETTERS_OK &&
			 db_tx_commit(c) == DB_OK && (!s->pdf || letter_pdf(s->app, &l, a, &pdf, &len) == LETTERS_OK);
		float ms = (float)((now() - t0) * 1000.0);
		if (!ok) {
			db_tx_rollback(c);
			if (atomic_fetch_add(&s->failed, 1) == 0)
				fprintf(stderr, "bench-letters: %s\n", why ? why : db_errmsg(c));
		} else {
			atomic_fetch_add(&s->issued, 1);
			pthread_mutex_lock(&s->lock);
			if (s->nlat == s->caplat) {
				s->caplat = s->caplat ? 2 * s->caplat : 4096;
				s->lat_ms = realloc(s->lat_ms, s->caplat * sizeof(float));
			}
			s->lat_ms[s->nlat++] = ms;
			pthread_mutex_unlock(&s->lock);
		}
		arena_free(a);
	}
	db_release(s->app->db, c);
	return NULL;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 7 || argc > 8 || sodium_init() < 0) {
		fprintf(stderr, "usage: bench-letters DB KEY DATA_DIR LETTER.json THREADS SECONDS [PDF]\n");
		return 2;
	}
	malloc_tune();	/* as `pendopo` does */
	int threads = atoi(argv[5]);
	double seconds = atof(argv[6]);
	char err[512];
	json_error_t jerr;
	json_t *req = json_load_file(argv[4], 0, &jerr);
	struct app app = { 0 };
	app.cfg.data_dir = argv[3];
	app.cfg.base_url = "https://layanan.example.id";
	app.cfg.letterhead = "PEMERINTAH KABUPATEN PURBALINGGA";
	app.cfg.letterhead_address = "Purbalingga, Jawa Tengah";
	app.db = db_open(argv[1], threads + 1, err, sizeof(err));
	app.letter_keys = letter_keys_load(argv[2], NULL, err, sizeof(err));
	if (!req || !app.db || !app.letter_keys || db_set_group_commit(app.db) != DB_OK) {
		fprintf(stderr, "bench-letters: %s\n", req ? err : jerr.text);
		return 1;
	}
	struct shared s = { .app = &app, .req = req, .pdf = argc < 8 || atoi(argv[7]), .lock = PTHREAD_MUTEX_INITIALIZER };
	struct db_conn *c = db_acquire(app.db);
	if (db_query_int(c, &s.unit_id, "SELECT id FROM org_units WHERE code = ?", "s", str(req, "unit")) != DB_ROW) {
		fprintf(stderr, "bench-letters: no unit %s in %s\n", str(req, "unit"), argv[1]);
		return 1;
	}
	db_release(app.db, c);
	pthread_t th[64];
	if (threads < 1 || threads > 64)
		return 2;
	double t0 = now();
	s.deadline = t0 + seconds;
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, &s);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	double took = now() - t0;
	qsort(s.lat_ms, s.nlat, sizeof(float), cmp_float);
	float p50 = s.nlat ? s.lat_ms[s.nlat / 2] : 0, p99 = s.nlat ? s.lat_ms[s.nlat * 99 / 100] : 0;
	float max = s.nlat ? s.lat_ms[s.nlat - 1] : 0;
	printf("letters=%ld seconds=%.2f letters_per_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f failed=%ld\n",
	       (long)s.issued, took, (double)s.issued / took, p50, p99, max, (long)s.failed);
	free(s.lat_ms);
	letter_keys_free(app.letter_keys);
	db_close(app.db);
	json_decref(req);
	return s.failed ? 1 : 0;
}
