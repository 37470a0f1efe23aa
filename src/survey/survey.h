/* survey.h - the public satisfaction index (IKM, PermenPANRB 14/2017): the
 * one header other services and the dashboard use.
 *
 * A service tells the survey that one of its transactions has finished
 * (survey_offer, inside that transaction); the survey offers the citizen
 * a one-time link bound to it and answers with the unit's figures
 * (survey_unit_result).  The survey never reads a service's tables and no
 * service reads the survey's.
 *
 * The arithmetic is exact: answers are summed as integers, the IKM is one
 * division rounded once to two decimals (kept as IKM x 100), and the grade
 * is read from that rounded value (specs §7).
 */
#ifndef PENDOPO_SURVEY_H
#define PENDOPO_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "module.h"

struct arena;
struct db_conn;

extern const struct module survey_module;

#define SURVEY_ELEMENTS 9

/* ---- a service's finished transaction ---------------------------------------- */

struct survey_txn {
	int64_t unit_id;	/* the org unit that served */
	const char *source;	/* the service offering it: "complaints", "queue" */
	const char *service;	/* the service of the unit, a short code: "complaint", "UMU" */
	const char *service_name;	/* its name for the citizen: "Poli Umum" */
	const char *ref;	/* the transaction's reference: tracking number, booking code */
	int64_t user_id;	/* the citizen's account, 0 when none */
	time_t now;		/* service time (app_now) */
};

/* Offer the survey for a finished transaction, in the caller's write
 * transaction: a one-time link (random token) bound to it and, for a
 * citizen with an account, an in-app notification carrying the link.  A
 * transaction already offered is left as it is.  0 ok, -1 on a database
 * error (the caller's transaction is then poisoned). */
int survey_offer(struct db_conn *c, const struct survey_txn *t);

/* ---- figures ----------------------------------------------------------------- */

/* Integer sums of one set of responses. */
struct survey_sums {
	int64_t n;				/* respondents */
	int64_t element[SURVEY_ELEMENTS];	/* sum of each element's answers (1-4) */
	int64_t total_sq;			/* sum over respondents of (their nine answers' sum)^2 */
};

struct survey_result {
	int64_t respondents;
	int64_t transactions;		/* offers made in the period */
	int64_t sample_needed;		/* Krejcie-Morgan for transactions */
	bool representative;		/* respondents >= sample_needed (and some) */
	int ikm100;			/* IKM x 100, rounded once; -1 with no respondent */
	char grade;			/* 'A'..'D', 0 with no respondent */
	int nrr1000[SURVEY_ELEMENTS];	/* each NRR x 1000, rounded (for display only) */
	int ci_low100, ci_high100;	/* 95 % interval x 100; -1 with fewer than 2 respondents */
	int weakest[3];			/* element indexes (0-8), lowest NRR first; none at the best NRR */
	int nweakest;
};

/* The figures of sums (transactions: the period's offers).  Pure. */
void survey_compute(const struct survey_sums *s, int64_t transactions, struct survey_result *out);

/* IKM x 100 of sums: round-half-up(sum of all answers x 2500 / (9 n)); -1 when n is 0. */
int survey_ikm100(const struct survey_sums *s);
/* The grade of an IKM x 100: A from 88.31, B from 76.61, C from 65.00, else D. */
char survey_grade(int ikm100);
/* "Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik". */
const char *survey_grade_name(char grade);
/* Krejcie-Morgan minimum sample for a population (chi-square 3.841, P 0.5,
 * d 0.05): 3841 N / (10 N + 3831), rounded half up. */
int64_t survey_sample_needed(int64_t population);

/* A period: "2026" (year), "2026-S1"/"S2" (semester), "2026-Q1".."Q4"
 * (quarter), "2026-07" (month); its first and last local (WIB) days,
 * "YYYY-MM-DD".  0 ok, -1 not a period. */
int survey_period_days(const char *period, char from[11], char to[11]);

/* The figures of a unit (service NULL: all its services) for a period, for
 * the dashboard and the reports.  0 ok (the unit may have no response:
 * ikm100 = -1), -1 on a database error or a period that is not one. */
int survey_unit_result(struct db_conn *c, int64_t unit_id, const char *service, const char *period,
		       struct survey_result *out);

/* Every unit with responses in period, best IKM first (then more
 * respondents, then code): for the ranking and the dashboard.  Strings and
 * the array in a.  0 ok, -1 on a database error or a period that is not one. */
struct survey_unit_figures {
	const char *code, *name;
	struct survey_result result;
};
int survey_units_result(struct db_conn *c, struct arena *a, const char *period, struct survey_unit_figures **out,
			size_t *n);

#endif
