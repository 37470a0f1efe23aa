/* nik.c - NIK, BPJS card and region code checks (see nik.h).
 *
 * Dates go through libc's timegm/gmtime_r in UTC rather than calendar.c so
 * this unit stands alone (tests link it by itself); the WIB "today" is UTC
 * shifted by seven hours, no TZ involved.
 */
#include "nik.h"

#include <string.h>
#include <time.h>

#define WIB_OFFSET_S (7 * 3600)

/* True when s starts with n ASCII digits; stops at the first that is not,
 * so it never reads past a shorter string's NUL. */
static bool all_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The century is not written down, so take the latest one that does not
 * make the person born after today; then the date must exist in that year
 * (29 February).  timegm normalises impossible dates, which shows as a
 * changed day or month. */
static enum nik_error birth_date(int dd, int mm, int yy, int32_t *day)
{
	if (mm < 1 || mm > 12 || dd < 1 || dd > 31)
		return NIK_BAD_DATE;
	time_t now = time(NULL) + WIB_OFFSET_S;
	struct tm today;
	gmtime_r(&now, &today);
	int ty = today.tm_year + 1900, tmon = today.tm_mon + 1, tday = today.tm_mday;
	int y = ty - ty % 100 + yy;
	if (y > ty || (y == ty && (mm > tmon || (mm == tmon && dd > tday))))
		y -= 100;
	struct tm t = {.tm_year = y - 1900, .tm_mon = mm - 1, .tm_mday = dd};
	time_t secs = timegm(&t);
	if (t.tm_mon != mm - 1 || t.tm_mday != dd)
		return NIK_BAD_DATE;
	/* midnight UTC: an exact multiple of a day, before 1970 too */
	*day = (int32_t)(secs / 86400);
	return NIK_OK;
}

enum nik_error nik_check(const char *nik, int (*region_exists)(void *ctx, const char *kode),
			 void *ctx, struct nik_info *out)
{
	if (!nik || !all_digits(nik, 16) || nik[16] != '\0')
		return NIK_BAD_LENGTH;

	struct nik_info info = {0};
	memcpy(info.province, nik, 2);
	memcpy(info.regency, info.province, 2);
	info.regency[2] = '.';
	memcpy(info.regency + 3, nik + 2, 2);
	memcpy(info.district, info.regency, 5);
	info.district[5] = '.';
	memcpy(info.district + 6, nik + 4, 2);
	if (region_exists) {
		if (!region_exists(ctx, info.province))
			return NIK_BAD_PROVINCE;
		if (!region_exists(ctx, info.regency))
			return NIK_BAD_REGENCY;
		if (!region_exists(ctx, info.district))
			return NIK_BAD_DISTRICT;
	}

	int dd = num(nik + 6, 2);
	info.female = dd > 40;
	if (info.female)
		dd -= 40;
	enum nik_error err = birth_date(dd, num(nik + 8, 2), num(nik + 10, 2), &info.birth_day);
	if (err != NIK_OK)
		return err;

	info.serial = num(nik + 12, 4);
	if (info.serial == 0)
		return NIK_BAD_SERIAL;
	if (out)
		*out = info;
	return NIK_OK;
}

const char *nik_error_message(enum nik_error err)
{
	switch (err) {
	case NIK_OK:
		return "NIK is valid";
	case NIK_BAD_LENGTH:
		return "NIK must be exactly 16 digits";
	case NIK_BAD_PROVINCE:
		return "NIK province code does not exist";
	case NIK_BAD_REGENCY:
		return "NIK regency code does not exist";
	case NIK_BAD_DISTRICT:
		return "NIK district code does not exist";
	case NIK_BAD_DATE:
		return "NIK birth date is not a real date";
	case NIK_BAD_SERIAL:
		return "NIK serial number cannot be 0000";
	}
	return "NIK is invalid";
}

bool bpjs_card_valid(const char *s)
{
	return s && all_digits(s, 13) && s[13] == '\0';
}

int region_code_level(const char *kode)
{
	/* Each part is looked at only when the one before it ended in a dot,
	 * so a short code stops at its NUL. */
	if (!kode || !all_digits(kode, 2))
		return 0;
	if (kode[2] == '\0')
		return 1;
	if (kode[2] != '.' || !all_digits(kode + 3, 2))
		return 0;
	if (kode[5] == '\0')
		return 2;
	if (kode[5] != '.' || !all_digits(kode + 6, 2))
		return 0;
	if (kode[8] == '\0')
		return 3;
	if (kode[8] != '.' || !all_digits(kode + 9, 4))
		return 0;
	return kode[13] == '\0' ? 4 : 0;
}

bool region_code_valid(const char *kode)
{
	return region_code_level(kode) != 0;
}
