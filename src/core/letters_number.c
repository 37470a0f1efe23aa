/* letters_number.c - a letter's number from its kind's format:
 * "000.9.2/{seq:3}/Kesbangpol/{year}" -> "000.9.2/007/Kesbangpol/2026".
 *
 * Placeholders: {seq} and {seq:N} (zero-padded to N digits), {unit},
 * {village}, {roman_month} (I..XII, the month of issue as Indonesian
 * registers write it), {year}; everything else is literal text.  The
 * sequence itself is a counter row (letters.c); this file only spells it.
 */
#include "letters.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"

const char *letter_roman_month(int month)
{
	static const char *const roman[] = { "I", "II", "III", "IV", "V", "VI",
					     "VII", "VIII", "IX", "X", "XI", "XII" };
	return month >= 1 && month <= 12 ? roman[month - 1] : NULL;
}

/* The placeholder at p (after its '{', len characters up to '}') into sb. */
static int placeholder(struct strbuf *sb, const char *p, size_t len, const struct letter_number_parts *parts,
		       const char **why)
{
	if (len == 3 && strncmp(p, "seq", 3) == 0) {
		strbuf_addf(sb, "%lld", (long long)parts->seq);
	} else if (len == 5 && strncmp(p, "seq:", 4) == 0 && p[4] >= '1' && p[4] <= '9') {
		strbuf_addf(sb, "%0*lld", p[4] - '0', (long long)parts->seq);
	} else if (len == 4 && strncmp(p, "year", 4) == 0) {
		strbuf_addf(sb, "%d", parts->year);
	} else if (len == 11 && strncmp(p, "roman_month", 11) == 0) {
		const char *m = letter_roman_month(parts->month);
		if (!m) {
			*why = "the month is not 1-12";
			return LETTERS_INVALID;
		}
		strbuf_addstr(sb, m);
	} else if ((len == 4 && strncmp(p, "unit", 4) == 0) || (len == 7 && strncmp(p, "village", 7) == 0)) {
		const char *v = len == 4 ? parts->unit : parts->village;
		if (!v || !*v) {
			*why = len == 4 ? "the format uses {unit} but the letter names no unit label"
					: "the format uses {village} but the letter names no village label";
			return LETTERS_INVALID;
		}
		strbuf_addstr(sb, v);
	} else {
		*why = "unknown placeholder in the number format (known: {seq}, {seq:N}, {unit}, {village}, "
		       "{roman_month}, {year})";
		return LETTERS_INVALID;
	}
	return LETTERS_OK;
}

int letter_number_format(struct arena *a, const char *format, const struct letter_number_parts *parts,
			 const char **out, const char **why)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 64);
	*why = NULL;
	if (!format || !*format) {
		*why = "the number format is empty";
		return LETTERS_INVALID;
	}
	for (const char *p = format; *p;) {
		if (*p == '}') {
			*why = "a '}' without its '{' in the number format";
			return LETTERS_INVALID;
		}
		if (*p != '{') {
			size_t n = strcspn(p, "{}");
			strbuf_add(&sb, p, n);
			p += n;
			continue;
		}
		const char *end = strchr(p + 1, '}');
		if (!end || memchr(p + 1, '{', (size_t)(end - p - 1))) {
			*why = "a '{' without its '}' in the number format";
			return LETTERS_INVALID;
		}
		int rc = placeholder(&sb, p + 1, (size_t)(end - p - 1), parts, why);
		if (rc != LETTERS_OK)
			return rc;
		p = end + 1;
	}
	if (sb.failed) {
		*why = "out of memory";
		return LETTERS_INVALID;
	}
	*out = sb.buf;
	return LETTERS_OK;
}

int letter_format_check(const char *format, const char **why)
{
	struct arena *a = arena_new(1024);
	const struct letter_number_parts probe = { 1, 2026, 1, "U", "V" };
	const char *out;
	int rc = a ? letter_number_format(a, format, &probe, &out, why) : LETTERS_INVALID;
	if (!a)
		*why = "out of memory";
	arena_free(a);
	if (rc != LETTERS_OK)
		return rc;
	if (!strstr(format, "{seq}") && !strstr(format, "{seq:")) {
		*why = "the number format must hold {seq} or {seq:N}";
		return LETTERS_INVALID;
	}
	if (!strstr(format, "{year}")) {
		*why = "the number format must hold {year}: the sequence restarts each year";
		return LETTERS_INVALID;
	}
	return LETTERS_OK;
}
