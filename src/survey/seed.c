/* seed.c - `pendopo seed survey N --unit CODE`: a unit's year of survey
 * responses for benchmarks and demos, and unanswered link offers whose
 * tokens it prints (the submission benchmark answers them).
 *
 * Each response is bound to an offer of its own, as a real one is, spread
 * evenly over the local days of the service clock's year, with answers
 * drawn from a fixed mix (most 3 and 4).  The daily sums are kept as the
 * live path keeps them.  One transaction; the seed as a whole is one audit
 * row.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cli.h"
#include "orgs.h"
#include "util.h"

#define SEED_SERVICE "seed"
#define YEAR_DAYS 366

/* xorshift64*: reproducible, and fast enough not to show in the timing. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* An answer: 4 in 35 %, 3 in 45 %, 2 in 15 %, 1 in 5 %. */
static int answer(uint64_t *rnd)
{
	unsigned p = (unsigned)(next_random(rnd) % 100);
	return p < 35 ? 4 : p < 80 ? 3 : p < 95 ? 2 : 1;
}

struct day_sums {
	char day[11];
	int64_t offers, n, s[SURVEY_ELEMENTS], tsq;
};

static int offer_insert(struct db_conn *c, int64_t unit_id, const char *ref, const char *day, int64_t at,
			bool answered, const char *token, int64_t *id)
{
	char raw[48], hash[65];
	if (!token) {
		token_new(raw);
		token = raw;
	}
	sha256_hex(token, strlen(token), hash);
	return db_query_int(c, id, "INSERT INTO survey_offers (unit_id, source, service, ref, token_hash, day, created_at,"
				   " answered_at) VALUES (?, 'seed', ?, ?, ?, ?, ?, CASE WHEN ? = 1 THEN ? END) RETURNING id",
			    "issssibi", unit_id, SEED_SERVICE, ref, hash, day, at, (int)answered, at) == DB_ROW ? 0 : -1;
}

static int seed(struct app *app, struct db_conn *c, const char *unit, long n, long links)
{
	int64_t unit_id;
	if (orgs_id_by_code(c, unit, &unit_id) != 0) {
		fprintf(stderr, "pendopo seed: no unit %s in the organisation register\n", unit);
		return -1;
	}
	char today[11];
	survey_day(app_now(app), today);
	int year = atoi(today);
	struct day_sums *days = calloc(YEAR_DAYS, sizeof(*days));
	if (!days)
		return -1;
	int ndays = 0;
	for (; ndays < YEAR_DAYS; ndays++) {
		/* Local days of the year, at noon WIB (05:00 UTC). */
		struct tm tm = { .tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1 + ndays, .tm_hour = 5 };
		survey_day(timegm(&tm), days[ndays].day);
		if (atoi(days[ndays].day) != year)
			break;
	}
	if (db_tx_begin(c) != DB_OK) {
		free(days);
		return -1;
	}
	uint64_t rnd = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
	int rc = db_exec(c, "INSERT INTO survey_services (unit_id, code, name) VALUES (?, ?, 'Layanan (data uji)')"
			    " ON CONFLICT (unit_id, code) DO NOTHING", "is", unit_id, SEED_SERVICE) == DB_DONE ? 0 : -1;
	char ref[64];
	for (long i = 0; rc == 0 && i < n; i++) {
		struct day_sums *d = &days[(long)((double)ndays * ((double)i + 0.5) / (double)n)];
		int64_t at = (int64_t)app_now(app), offer;
		int q[SURVEY_ELEMENTS], total = 0;
		for (int e = 0; e < SURVEY_ELEMENTS; e++) {
			q[e] = answer(&rnd);
			total += q[e];
			d->s[e] += q[e];
		}
		d->offers++;
		d->n++;
		d->tsq += (int64_t)total * total;
		snprintf(ref, sizeof(ref), "SEED-%s-%ld", unit, i + 1);
		if (offer_insert(c, unit_id, ref, d->day, at, true, NULL, &offer) != 0 ||
		    db_exec(c, "INSERT INTO survey_responses (unit_id, service, day, offer_id, channel, q1, q2, q3, q4, q5,"
			       " q6, q7, q8, q9, total, created_at) VALUES (?, ?, ?, ?, 'link', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "issiiiiiiiiiiii", unit_id, SEED_SERVICE, d->day, offer, (int64_t)q[0], (int64_t)q[1],
			    (int64_t)q[2], (int64_t)q[3], (int64_t)q[4], (int64_t)q[5], (int64_t)q[6], (int64_t)q[7],
			    (int64_t)q[8], (int64_t)total, at) != DB_DONE)
			rc = -1;
		if ((i + 1) % 100000 == 0)
			fprintf(stderr, "pendopo seed: %ld responses\n", i + 1);
	}
	/* Unanswered offers of today, their tokens on stdout. */
	for (long i = 0; rc == 0 && i < links; i++) {
		char token[48];
		int64_t offer;
		token_new(token);
		snprintf(ref, sizeof(ref), "SEED-%s-LINK-%ld", unit, i + 1);
		if (offer_insert(c, unit_id, ref, today, (int64_t)app_now(app), false, token, &offer) != 0 ||
		    db_exec(c, "INSERT INTO survey_daily (unit_id, service, day, offers) VALUES (?, ?, ?, 1)"
			       " ON CONFLICT (unit_id, service, day) DO UPDATE SET offers = survey_daily.offers + 1",
			    "iss", unit_id, SEED_SERVICE, today) != DB_DONE)
			rc = -1;
		else
			printf("%s\n", token);
	}
	for (int k = 0; rc == 0 && k < ndays; k++) {
		const struct day_sums *d = &days[k];
		if (!d->n)
			continue;
		if (db_exec(c, "INSERT INTO survey_daily (unit_id, service, day, offers, n, s1, s2, s3, s4, s5, s6, s7, s8,"
			       " s9, tsq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			       " ON CONFLICT (unit_id, service, day) DO UPDATE SET offers = survey_daily.offers + excluded.offers,"
			       " n = survey_daily.n + excluded.n, s1 = survey_daily.s1 + excluded.s1,"
			       " s2 = survey_daily.s2 + excluded.s2, s3 = survey_daily.s3 + excluded.s3,"
			       " s4 = survey_daily.s4 + excluded.s4, s5 = survey_daily.s5 + excluded.s5,"
			       " s6 = survey_daily.s6 + excluded.s6, s7 = survey_daily.s7 + excluded.s7,"
			       " s8 = survey_daily.s8 + excluded.s8, s9 = survey_daily.s9 + excluded.s9,"
			       " tsq = survey_daily.tsq + excluded.tsq",
			    "issiiiiiiiiiiii", unit_id, SEED_SERVICE, d->day, d->offers, d->n, d->s[0], d->s[1], d->s[2],
			    d->s[3], d->s[4], d->s[5], d->s[6], d->s[7], d->s[8], d->tsq) != DB_DONE)
			rc = -1;
	}
	free(days);
	if (rc == 0) {
		json_t *det = json_pack("{s:s, s:I, s:I}", "unit", unit, "responses", (json_int_t)n, "links", (json_int_t)links);
		rc = audit_append(c, NULL, "survey.seed", "survey", det);
		json_decref(det);
	}
	if (rc == 0 && db_tx_commit(c) == DB_OK)
		return 0;
	fprintf(stderr, "pendopo seed: %s\n", db_errmsg(c));
	db_tx_rollback(c);
	return -1;
}

/* `pendopo seed survey N --unit CODE [--links M]` */
static int seed_command(struct cli *cli, int argc, char **argv)
{
	char *end;
	long n = argc == 1 ? strtol(argv[0], &end, 10) : -1;
	int links = 0;
	const char *unit = cli_opt(cli, "--unit");
	if (argc != 1 || *end || n < 0 || n > 100000000 || !unit || cli_int(cli, "--links", 0, 10000000, &links) != 0)
		return cli_usage(cli);
	struct app app;
	int failed = cli_app(cli, &app, 1);
	if (failed)
		return failed;
	struct db_conn *c = db_acquire(app.db);
	int64_t t0 = time_now_us();
	int rc = seed(&app, c, unit, n, links);
	if (rc == 0)
		fprintf(stderr, "seeded %ld survey responses and %d open links for %s in %.3f s\n", n, links, unit,
			(double)(time_now_us() - t0) / 1e6);
	db_release(app.db, c);
	db_close(app.db);
	return rc ? 1 : 0;
}

static const struct cli_opt seed_opts[] = {
	CLI_OPT_DB,
	{ "--unit", NULL, "code of the unit the responses are for", NULL },
	{ "--links", NULL, "also make this many unanswered offers of today and print their link tokens, one a line", "0" },
	{ "--clock", "PENDOPO_CLOCK", "the service time: the responses fill the local days of its year (UTC)", NULL },
	{ 0 },
};

const struct command survey_commands[] = {
	{ "seed survey", "seed survey N --unit CODE [--links M] [--db URL] [--clock T]",
	  "Add N survey responses over the year for a unit (benchmarks, demos), and M open links.", seed_opts,
	  seed_command },
	{ 0 },
};
