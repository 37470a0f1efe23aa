/* nik.h - Indonesian identity numbers and Kemendagri region codes.
 *
 * A NIK is 16 digits PP RR SS DDMMYY NNNN (specs §5): province, regency and
 * district codes, the birth date (day + 40 for women) and a serial from
 * 0001.  Its region codes are checked against the real ones through a
 * callback, so this unit needs no database and the caller decides where
 * the codes live.
 */
#ifndef PENDOPO_NIK_H
#define PENDOPO_NIK_H

#include <stdbool.h>
#include <stdint.h>

enum nik_error {
	NIK_OK = 0,
	NIK_BAD_LENGTH,		/* not exactly 16 ASCII digits */
	NIK_BAD_PROVINCE,
	NIK_BAD_REGENCY,
	NIK_BAD_DISTRICT,
	NIK_BAD_DATE,
	NIK_BAD_SERIAL,		/* 0000 */
};

struct nik_info {
	char province[3];	/* "31" */
	char regency[6];	/* "31.71" */
	char district[9];	/* "31.71.01" */
	int32_t birth_day;	/* day number, see calendar.h */
	bool female;
	int serial;
};

/* region_exists(ctx, kode) gets dotted codes ("31", "31.71", "31.71.01")
 * and returns nonzero when the region is known; NULL skips those checks.
 * The two-digit year is taken in the latest century that does not put the
 * birth date after today (WIB): 45 -> 1945, 00 -> 2000.  A birth date that
 * differs from the one the person states is the caller's business (specs
 * call it a warning), hence birth_day and female in out, which is filled
 * on NIK_OK and may be NULL. */
enum nik_error nik_check(const char *nik, int (*region_exists)(void *ctx, const char *kode),
			 void *ctx, struct nik_info *out);
/* Short English sentence for an error, for API messages. */
const char *nik_error_message(enum nik_error err);

/* BPJS card number: exactly 13 digits; there is no public checksum. */
bool bpjs_card_valid(const char *s);

/* Syntax only: "NN" province, "NN.NN" regency, "NN.NN.NN" district,
 * "NN.NN.NN.NNNN" village.  Level 1..4, or 0 when malformed. */
int region_code_level(const char *kode);
bool region_code_valid(const char *kode);

#endif
