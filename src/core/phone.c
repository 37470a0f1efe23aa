/* phone.c - telephone numbers normalised to E.164 (phone.h). */
#include "phone.h"
#include "arena.h"

#include <string.h>

/* E.164 holds at most 15 digits with the country code; the shortest
 * Indonesian subscriber numbers have 8 after it. */
#define E164_MAX 15
#define NATIONAL_MIN 8

char *phone_e164(struct arena *a, const char *in)
{
	char d[E164_MAX + 2];
	size_t n = 0;
	if (!in)
		return NULL;
	while (*in == ' ')
		in++;
	int plus = *in == '+';
	for (const char *p = in + plus; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n > E164_MAX)
				return NULL;
			d[n++] = *p;
		} else if (!strchr(" -.()", *p)) {
			return NULL;
		}
	}
	d[n] = '\0';
	const char *national;
	if (!plus && d[0] == '0')
		national = d + 1;
	else if (strncmp(d, "62", 2) == 0)
		national = d[2] == '0' ? d + 3 : d + 2;
	else if (plus && d[0] != '0')
		return n >= NATIONAL_MIN + 1 && n <= E164_MAX ? arena_printf(a, "+%s", d) : NULL;
	else
		return NULL;
	size_t len = strlen(national);
	if (len < NATIONAL_MIN || len + 2 > E164_MAX || national[0] == '0')
		return NULL;
	return arena_printf(a, "+62%s", national);
}

char *phone_from_wa_id(struct arena *a, const char *wa_id)
{
	if (!wa_id || !*wa_id || strspn(wa_id, "0123456789") != strlen(wa_id))
		return NULL;
	return phone_e164(a, arena_printf(a, "+%s", wa_id));
}
